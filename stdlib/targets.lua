-- Targets: what an indicator should reach, written either with structured
-- constructors or as the documents write them ("К 2024 году - не менее
-- 66,6% (из расчета ...; не менее 33,3% ежегодно)"). A target knows which
-- value applies in a given year and how to judge a result against it.

local regex = require "regex"

local targets = {}

-- Targets are sealed objects (objects.lua).
local objects = require "objects"
local TargetKind = objects.kind("target")

local NUMBER = [[(\d+(?:[.,]\d+)?)]]

-- The parts of a phrase, each an anchored, caseless UTF-8 pattern.
local PREFIX = regex.compile([[^\s*(?:(?<yearly>ежегодно)|к\s*(?<year>\d{4})\s*(?:году|года|г\.?)?)?\s*[-–—:]?\s*(?<rest>.*?)\s*$]], "is")
local NOTE = regex.compile([[\((?<note>[^()]*)\)]], "i")
local NOTE_START = regex.compile([[начиная\s+с\s+(?<start>\d{4})]], "i")
local NOTE_STEP = regex.compile([[не\s+менее\s+]] .. NUMBER .. [[\s*%\s*ежегодно]], "i")
local PRESENCE = regex.compile([[^наличие\b]], "i")
local GROWTH = regex.compile([[^(?:положительная|позитивная)\s+динамика\b(?<what>.*?)(?:\s+не\s+менее\s+(?<min>\d+(?:[.,]\d+)?)\s*%)?\s*$]], "is")
local VALUE = regex.compile([[^(?<cmp>не\s+менее|не\s+ниже|не\s+более|не\s+выше|более|менее|свыше|до)?\s*]] .. NUMBER ..
  [[\s*(?<unit>%|процент[а-я]*|человек|чел\.?|ед\.?|единиц[а-я]*)?\s*$]], "i")

local COMPARATORS = {
  ["не менее"] = "at_least", ["не ниже"] = "at_least", ["до"] = "at_least",
  ["более"] = "above", ["свыше"] = "above",
  ["не более"] = "at_most", ["не выше"] = "at_most", ["менее"] = "below",
}

local function number(text) return tonumber((text:gsub(",", "."))) end

local function squeeze(text) return (text:lower():gsub("%s+", " ")) end

local function new_target(fields) return TargetKind.wrap(fields) end

function targets.is_target(value) return TargetKind.is(value) end

-- Splits off "(...)" notes; returns the text without them and the first
-- note's start year and yearly step, if it has them.
local function take_note(rest)
  local start, step
  local m, from, to = NOTE:match(rest)
  while m do
    local s = NOTE_START:match(m.note)
    local y = NOTE_STEP:match(m.note)
    start = start or (s and tonumber(s.start))
    step = step or (y and number(y[1]))
    rest = rest:sub(1, from - 1) .. rest:sub(to + 1)
    m, from, to = NOTE:match(rest)
  end
  return (rest:gsub("%s+$", "")), start, step
end

local UNITS = { ["%"] = "%", ["человек"] = "человек", ["чел"] = "человек", ["чел."] = "человек",
                ["ед"] = "ед.", ["ед."] = "ед." }

local function unit_of(text)
  if not text then return nil end
  text = text:lower()
  if text:find("^процент") then return "%" end
  if text:find("^единиц") then return "ед." end
  return UNITS[text] or text
end

-- Parses a target phrase. Returns the target, or nil and what is wrong.
function targets.parse(phrase)
  if type(phrase) ~= "string" then return nil, "a target phrase must be a string" end
  local p = PREFIX:match(phrase)
  local year = p.year and tonumber(p.year) or nil
  local yearly = p.yearly and true or false
  local rest, start, step = take_note(p.rest)
  local base = { text = phrase, year = year, yearly = yearly, start = start }
  if PRESENCE:test(rest) then
    base.kind = "presence"
    return new_target(base)
  end
  local g = GROWTH:match(rest)
  if g then
    base.kind = "growth"
    base.min_growth = g.min and number(g.min) or nil
    base.what = g.what ~= "" and g.what:gsub("^%s+", "") or nil
    return new_target(base)
  end
  local v = VALUE:match(rest)
  if not v then
    return nil, "cannot read the target phrase '" .. phrase .. "'; write it as the documents do, e.g. "
      .. "'К 2024 году - не менее 66,6%', 'Ежегодно - 75%', 'К 2024 году - 350 человек', "
      .. "'положительная динамика не менее 10%' or 'Наличие ...'"
  end
  base.value = number(v[2])
  base.unit = unit_of(v.unit or nil)
  base.kind = v.cmp and COMPARATORS[squeeze(v.cmp)] or "at_least"
  if step then
    base.kind = "trajectory"
    base.step = step
  end
  return new_target(base)
end

-- Structured constructors, for targets no phrase states.
local function bound(kind, sign)
  return function(value)
    if type(value) ~= "number" then error(kind .. "(value): expected a number, got " .. type(value), 2) end
    return new_target({ kind = kind, value = value, text = sign .. " " .. tostring(value) })
  end
end

targets.at_least = bound("at_least", "не менее")
targets.at_most = bound("at_most", "не более")
targets.equals = bound("equals", "ровно")

function targets.presence() return new_target({ kind = "presence", text = "Наличие" }) end

-- growth { at_least = 10, base = 2021 }: growth in percent against a base
-- year (default: the previous year).
function targets.growth(spec)
  spec = spec or {}
  if type(spec) ~= "table" then error("growth { at_least = N, base = YEAR }: expected a table", 2) end
  local text = "положительная динамика" .. (spec.at_least and (" не менее " .. spec.at_least .. "%") or "")
  return new_target({ kind = "growth", min_growth = spec.at_least, base_year = spec.base, text = text })
end

-- trajectory { [2022] = 33.3, [2023] = 50, [2024] = 66.6 }: the value of the
-- latest listed year not after the evaluated one applies.
function targets.trajectory(by_year)
  if type(by_year) ~= "table" or next(by_year) == nil then
    error("trajectory { [YEAR] = value, ... }: expected years and values", 2)
  end
  local parts = {}
  for y, v in pairs(by_year) do
    if math.type(y) ~= "integer" or type(v) ~= "number" then
      error("trajectory { [YEAR] = value, ... }: years are integers, values numbers", 2)
    end
    parts[#parts + 1] = y
  end
  table.sort(parts)
  local text = {}
  for i, y in ipairs(parts) do text[i] = y .. ": " .. by_year[y] end
  return new_target({ kind = "trajectory", by_year = by_year, text = "траектория " .. table.concat(text, ", ") })
end

local function format_value(v)
  if v == math.floor(v) then return string.format("%d", v) end
  return (string.format("%.2f", v):gsub("0+$", ""):gsub("%.", ","))
end

-- The value that applies in year, and why: { kind, value, reason } or nil
-- (with a reason) when the target says nothing about that year.
function targets.applied(t, year, programme_start)
  local unit = t.unit and (t.unit == "%" and "%" or (" " .. t.unit)) or ""
  if t.kind == "trajectory" and t.by_year then
    local best
    for y in pairs(t.by_year) do if y <= year and (not best or y > best) then best = y end end
    if not best then return nil, "траектория начинается позже " .. year .. " г." end
    return { kind = "at_least", value = t.by_year[best], reason = "траектория, значение на " .. best .. " г." }
  end
  if t.kind == "trajectory" then
    local first = t.start or programme_start
    if first and year < first then return nil, "траектория начинается с " .. first .. " г." end
    if t.year and year < t.year then
      return { kind = "at_least", value = t.step,
               reason = "ежегодный шаг траектории: не менее " .. format_value(t.step) .. unit .. " в " .. year .. " г." }
    end
    return { kind = "at_least", value = t.value,
             reason = "итоговое значение: не менее " .. format_value(t.value) .. unit .. (t.year and (" к " .. t.year .. " г.") or "") }
  end
  if t.kind == "growth" then
    local base = t.base_year or ((t.year and not t.yearly) and programme_start) or (year - 1)
    if base >= year then base = year - 1 end
    return { kind = "growth", value = t.min_growth or 0, base_year = base,
             reason = "рост к " .. base .. " г." .. (t.min_growth and (" не менее " .. format_value(t.min_growth) .. "%") or " (положительная динамика)") }
  end
  if t.kind == "presence" then return { kind = "presence", value = 1, reason = "наличие" } end
  local words = { at_least = "не менее", at_most = "не более", above = "более", below = "менее", equals = "ровно" }
  return { kind = t.kind, value = t.value,
           reason = words[t.kind] .. " " .. format_value(t.value) .. unit
             .. (t.year and (" к " .. t.year .. " г.") or (t.yearly and " ежегодно" or "")) }
end

local EPS = 1e-9

-- Judges value against the applied target; base_value is the indicator's
-- value in applied.base_year for growth targets. Returns the status and,
-- for growth, the growth found.
function targets.judge(applied, value, base_value)
  if value == nil then return "no_data" end
  if applied == nil then return "no_target" end
  local k, t = applied.kind, applied.value
  if k == "presence" then return (value and value ~= 0) and "met" or "not_met" end
  if k == "growth" then
    if base_value == nil then return "no_data" end
    local growth
    if base_value == 0 then growth = value > 0 and math.huge or 0
    else growth = (value - base_value) / math.abs(base_value) * 100 end
    local ok = value > base_value + EPS and growth + EPS >= t
    return ok and "met" or "not_met", growth
  end
  if k == "at_least" then return value + EPS >= t and "met" or "not_met" end
  if k == "above" then return value > t + EPS and "met" or "not_met" end
  if k == "at_most" then return value - EPS <= t and "met" or "not_met" end
  if k == "below" then return value < t - EPS and "met" or "not_met" end
  if k == "equals" then return math.abs(value - t) <= EPS and "met" or "not_met" end
  return "no_target"
end

return targets
