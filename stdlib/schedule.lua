-- Schedules: the deadlines of roadmap items as the documents write them
-- ("Сентябрь 2022 и 2023 гг.", "до 15.01.2023", "Январь-апрель 2022-2024",
-- "В течение всего периода реализации (2021- 2024 годы)") turned into due
-- windows, so the runtime knows what is due and what is overdue on a date.

local regex = require "regex"

local schedule = {}

local MONTHS = {
  { "январ", 1 }, { "феврал", 2 }, { "март", 3 }, { "апрел", 4 }, { "ма[йя]", 5 }, { "июн", 6 },
  { "июл", 7 }, { "август", 8 }, { "сентябр", 9 }, { "октябр", 10 }, { "ноябр", 11 }, { "декабр", 12 },
}
local MONTH_WORD = [[(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*]]
local MONTH_RES = {}
for i, m in ipairs(MONTHS) do MONTH_RES[i] = { regex.compile("^" .. m[1], "i"), m[2] } end

local DATE = [[(\d{1,2})\.(\d{1,2})\.(\d{4})]]
local SEPARATE = regex.compile([[^по\s+отдельному\s+графику$]], "i")
local DEADLINE = regex.compile([[^до\s+]] .. DATE .. [[$]], "i")
local WHOLE_PERIOD = regex.compile([[^в\s+\S+\s+всего\s+периода(?:\s+реализации)?(?:\s+с\s+(?<from>\S+)\s+по\s+(?<to>\S+))?(?:\s*\(?\s*(?<y1>\d{4})\s*-\s*(?<y2>\d{4})\s*\)?)?$]], "i")
local WITHIN_YEAR = regex.compile([[^в\s+течение\s+года\s+(?<y1>\d{4})\s*-\s*(?<y2>\d{4})$]], "i")
local MONTH_YEAR = regex.compile([[^(\d{1,2})\.(\d{4})$]], "i")
local THEN_YEARLY = regex.compile([[^(?<months>.*?)\s*(?<year>\d{4})\s*,?\s*далее\s+ежегодно$]], "i")
local GENERAL = regex.compile("^(?<months>(?:" .. MONTH_WORD .. [[[\s,и-]*)*)\s*(?<years>(?:\d{4}(?:\s*(?:-|и|,)\s*\d{4})*)|ежегодно)?$]], "i")
local MONTH_RANGE = regex.compile("(?<a>" .. MONTH_WORD .. [[)(?:\s*-\s*(?<b>]] .. MONTH_WORD .. "))?", "i")
local YEAR = regex.compile([[\d{4}]])

local function days_in_month(year, month)
  local days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
  if month == 2 and ((year % 4 == 0 and year % 100 ~= 0) or year % 400 == 0) then return 29 end
  return days[month]
end

local function iso(year, month, day) return string.format("%04d-%02d-%02d", year, month, day) end
local function month_start(y, m) return iso(y, m, 1) end
local function month_end(y, m) return iso(y, m, days_in_month(y, m)) end

-- The ISO date of a day a phrase writes out, or nil when no such day
-- exists ("31.02.2023", "15.13.2022"): a roadmap's typo is refused, never
-- stored as "2022-13-15" nor raised as an error of this file.
local function real_date(year, month, day)
  if month < 1 or month > 12 or day < 1 or day > days_in_month(year, month) then return nil end
  return iso(year, month, day)
end

local function month_number(word)
  for _, m in ipairs(MONTH_RES) do if m[1]:test(word) then return m[2] end end
end

-- One space, no "г."/"гг."/"годы" after a year, hyphens without spaces.
-- (Lua patterns see bytes, so no quantifier follows a Cyrillic letter
-- here; letter case is left to the caseless PCRE2 patterns.)
local function normalize(text)
  local t = text:gsub("ё", "е"):gsub("Ё", "Е"):gsub("%s+", " ")
  t = t:gsub("(%d)%s*гг%.?", "%1"):gsub("(%d)%s*г%.", "%1"):gsub("(%d)%s*г$", "%1"):gsub("(%d)%s*г([%s,;%)])", "%1%2")
  t = t:gsub("(%d)%s*годы", "%1"):gsub("(%d)%s*года", "%1"):gsub("(%d)%s*год", "%1")
  t = t:gsub("%s*%-%s*", "-"):gsub("%s*–%s*", "-"):gsub("%s+", " ")
  t = t:gsub("^%s+", ""):gsub("[%s%.]+$", "")
  return t
end

local YEARLY = regex.compile([[^ежегодно$]], "i")

-- "05.2021", "2021", "01.02.2021" as the first (or last) day it names.
local function point(text, last)
  local d, m, y = text:match("^(%d%d?)%.(%d%d?)%.(%d%d%d%d)$")
  if d then return real_date(tonumber(y), tonumber(m), tonumber(d)) end
  m, y = text:match("^(%d%d?)%.(%d%d%d%d)$")
  if m then
    m, y = tonumber(m), tonumber(y)
    if m < 1 or m > 12 then return nil end
    return last and month_end(y, m) or month_start(y, m)
  end
  y = text:match("^(%d%d%d%d)$")
  if y then return last and iso(tonumber(y), 12, 31) or iso(tonumber(y), 1, 1) end
end

-- true for a date written in digits that names no real day or month ("15.2024").
local function no_such_point(text, last)
  return type(text) == "string" and text:find("^%d[%d.]*$") ~= nil and point(text, last) == nil
end

-- The month ranges of "май-июнь и сентябрь-октябрь": { {5, 6}, {9, 10} }.
local function month_ranges(text)
  local ranges, pos = {}, 1
  while true do
    local m, _, to = MONTH_RANGE:match(text, pos)
    if not m then break end
    local a = month_number(m.a)
    local b = m.b and month_number(m.b) or a
    ranges[#ranges + 1] = { a, b }
    pos = to + 1
  end
  return ranges
end

-- The years of "2022-2024", "2022 и 2023", "2022": { first = , last = , list = }.
local function years(text)
  local list = {}
  local pos = 1
  while true do
    local _, from, to = YEAR:match(text, pos)
    if not from then break end
    list[#list + 1] = tonumber(text:sub(from, to))
    pos = to + 1
  end
  if #list == 2 and text:find("%d%-%d") then
    local all = {}
    for y = list[1], list[2] do all[#all + 1] = y end
    return all, true
  end
  return list, false
end

local function programme_years(programme)
  local list = {}
  for y = programme[1], programme[2] do list[#list + 1] = y end
  return list
end

-- Windows of month ranges in each listed year; a range that wraps
-- (октябрь-апрель) runs into the next year, within the listed years.
local function monthly_windows(ranges, year_list)
  local windows = {}
  for i, y in ipairs(year_list) do
    for _, r in ipairs(ranges) do
      if r[2] >= r[1] then
        windows[#windows + 1] = { from = month_start(y, r[1]), to = month_end(y, r[2]) }
      elseif i < #year_list or #year_list == 1 then
        windows[#windows + 1] = { from = month_start(y, r[1]), to = month_end(y + 1, r[2]) }
      end
    end
  end
  table.sort(windows, function(a, b) return a.from < b.from end)
  return windows
end

-- The years a roadmap's stage heading names: "I этап - формирующий (2021
-- год)" gives { 2021, 2021 }, "II этап - деятельностный (2022-2023 годы)"
-- { 2022, 2023 }; nil when it names none.
function schedule.stage_years(stage)
  if type(stage) ~= "string" then return nil end
  local y1, y2 = stage:match("(%d%d%d%d)%s*[-–—]%s*(%d%d%d%d)")
  if y1 then return { tonumber(y1), tonumber(y2) } end
  local y = stage:match("(%d%d%d%d)")
  if y then return { tonumber(y), tonumber(y) } end
  return nil
end

-- Parses a schedule phrase for a programme of years { first, last }.
-- Months without a year ("Август") and "ежегодно" fall in the years of
-- the stage the item is listed under, when its heading names them, else
-- in every year of the programme; whole-period phrases span the programme.
-- Returns { kind = "dated" | "deadline" | "separate", windows = { {from, to}, ... } },
-- or nil and what is wrong.
function schedule.parse(phrase, programme, stage)
  if type(phrase) ~= "string" then return nil, "a schedule must be a string" end
  programme = programme or { 2021, 2024 }
  local stage_years = schedule.stage_years(stage)
  local yearly_span = stage_years or programme
  local text = normalize(phrase)
  if text == "" then return nil, "the schedule is empty" end
  if SEPARATE:test(text) then return { kind = "separate", windows = {} } end
  local m = DEADLINE:match(text)
  if m then
    local to = real_date(tonumber(m[3]), tonumber(m[2]), tonumber(m[1]))
    if not to then return nil, "the schedule '" .. phrase .. "' names a day that does not exist" end
    return { kind = "deadline", windows = { { from = nil, to = to } } }
  end
  m = WHOLE_PERIOD:match(text)
  if m and (no_such_point(m.from) or no_such_point(m.to, true)) then
    return nil, "the schedule '" .. phrase .. "' names a day or month that does not exist"
  end
  if m then
    local from = m.from and point(m.from) or (m.y1 and iso(tonumber(m.y1), 1, 1)) or iso(programme[1], 1, 1)
    local to = m.to and point(m.to, true) or (m.y2 and iso(tonumber(m.y2), 12, 31)) or iso(programme[2], 12, 31)
    if from and to then return { kind = "dated", windows = { { from = from, to = to } } } end
  end
  m = WITHIN_YEAR:match(text)
  if m then
    local windows = {}
    for y = tonumber(m.y1), tonumber(m.y2) do windows[#windows + 1] = { from = iso(y, 1, 1), to = iso(y, 12, 31) } end
    return { kind = "dated", windows = windows }
  end
  m = MONTH_YEAR:match(text)
  if m then
    local month, year = tonumber(m[1]), tonumber(m[2])
    if month >= 1 and month <= 12 then
      return { kind = "dated", windows = { { from = month_start(year, month), to = month_end(year, month) } } }
    end
  end
  m = THEN_YEARLY:match(text)
  if m then
    local ranges = month_ranges(m.months)
    local list = {}
    for y = tonumber(m.year), programme[2] do list[#list + 1] = y end
    if #ranges == 0 then ranges = { { 1, 12 } } end
    return { kind = "dated", windows = monthly_windows(ranges, list) }
  end
  m = GENERAL:match(text)
  if m and (m.months ~= "" or m.years) then
    local ranges = month_ranges(m.months)
    local year_list, span
    local yearly = m.years and YEARLY:test(m.years)
    if not m.years or yearly then year_list, span = programme_years(yearly_span), false
    else year_list, span = years(m.years) end
    if #ranges == 0 then
      if yearly then ranges = { { 1, 12 } }
      elseif span then
        return { kind = "dated", windows = { { from = iso(year_list[1], 1, 1), to = iso(year_list[#year_list], 12, 31) } } }
      else ranges = { { 1, 12 } } end
    end
    return { kind = "dated", windows = monthly_windows(ranges, year_list) }
  end
  return nil, "cannot read the schedule '" .. phrase .. "'; write it as the roadmaps do, e.g. 'март 2022 г.', "
    .. "'до 15.01.2023', 'Сентябрь 2022 и 2023 гг.', 'Январь-апрель 2022-2024', 'Ежегодно', "
    .. "'В течение всего периода' or 'По отдельному графику'"
end

-- What a schedule asks on date (ISO): "due" when a window holds the date,
-- "overdue" when every window has ended before it, else "planned"
-- ("separate" schedules are never overdue).
function schedule.state(parsed, date)
  if parsed.kind == "separate" then return "planned" end
  local ended = #parsed.windows > 0
  for _, w in ipairs(parsed.windows) do
    if (w.from == nil or w.from <= date) and date <= w.to then return "due" end
    if w.to >= date then ended = false end
  end
  return ended and "overdue" or "planned"
end

return schedule
