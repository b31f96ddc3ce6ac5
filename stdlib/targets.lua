-- Targets: what an indicator should reach, written either with structured
-- constructors or as the documents write them ("К 2024 году - не менее
-- 66,6% (из расчета ...; не менее 33,3% ежегодно)"). A target knows which
-- value applies in a given year and how to judge a result against it.

-- The builtins this module reads, as locals: each read of a global goes
-- through the sandbox environment's strict __index, a C call, and the
-- evaluation reads them for every result row.
local error, ipairs, next, pairs, rawget, tonumber, tostring, type = error, ipairs, next, pairs, rawget, tonumber, tostring, type
local math, string, table = math, string, table

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
-- "100% за 3 года": the target counts people over the programme's years
local NOTE_OVER = regex.compile([[за\s+(?<years>\d+)\s+(?:года|год|лет)]], "i")
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

-- A canonical text of a target's fields, keys sorted: equal targets give
-- equal texts (re-judging compares a cycle's targets with the pack's).
function targets.canonical(t)
  local function text(v)
    if TargetKind.is(v) then return "target" .. text(TargetKind.definition(v)) end
    if type(v) ~= "table" then return type(v) .. ":" .. tostring(v) end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for i, k in ipairs(keys) do parts[i] = tostring(k) .. "=" .. text(v[k]) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return text(t)
end

-- Splits off "(...)" notes; returns the text without them and the notes'
-- start year, yearly step and span in years ("за 3 года"), if they have them.
local function take_note(rest)
  local start, step, over
  local m, from, to = NOTE:match(rest)
  while m do
    local s = NOTE_START:match(m.note)
    local y = NOTE_STEP:match(m.note)
    local o = NOTE_OVER:match(m.note)
    start = start or (s and tonumber(s.start))
    step = step or (y and number(y[1]))
    over = over or (o and tonumber(o.years))
    rest = rest:sub(1, from - 1) .. rest:sub(to + 1)
    m, from, to = NOTE:match(rest)
  end
  return (rest:gsub("%s+$", "")), start, step, over
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
  local rest, start, step, over = take_note(p.rest)
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
    return nil, string.format(tr("cannot read the target phrase '%s'; write it as the documents do, e.g. 'К 2024 году - не менее 66,6%%', 'Ежегодно - 75%%', 'К 2024 году - 350 человек', 'положительная динамика не менее 10%%' or 'Наличие ...'"),
      phrase)
  end
  base.value = number(v[2])
  base.unit = unit_of(v.unit or nil)
  base.kind = v.cmp and COMPARATORS[squeeze(v.cmp)] or "at_least"
  if step then
    base.kind = "trajectory"
    base.step = step
    -- "100% за 3 года ... не менее 33,3% ежегодно": the final value counts
    -- everyone covered since the first year, the step each year's own share
    base.cumulative = over ~= nil
    base.over_years = over
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
targets.format_value = format_value

local WORDS = { at_least = "не менее", at_most = "не более", above = "более", below = "менее", equals = "ровно" }

local function unit_text(t)
  return t.unit and (t.unit == "%" and "%" or (" " .. t.unit)) or ""
end

-- A copy of t due by a deadline (a roadmap's "до 15.01.2023", "(2021- 2024
-- годы)"): judged from the year the deadline falls in, in progress before.
function targets.with_deadline(t, due_date, phrase)
  local copy = {}
  for k, v in pairs(TargetKind.definition(t)) do copy[k] = v end
  copy.year = tonumber(due_date:sub(1, 4))
  copy.due, copy.due_text = due_date, phrase
  return new_target(copy)
end

-- The value that applies in year, and why, or nil (with a reason) when the
-- target says nothing about that year. The applied target says what it is
-- compared with:
--   kind, value      the comparison (at_least, ..., growth, presence)
--   figure           "yearly" (the year's own value) or "cumulative"
--                    (people covered since the year `since`)
--   phase            "judged" (met or not met), "progress" (before the
--                    target's final year: in progress on a linear path), or
--                    "base" (the base year of a growth target itself)
--   track            a second, cumulative target followed alongside a yearly
--                    step (on its linear path), or nil
--   path             for phase "progress": { base_year, base_value (when
--                    fixed), final_year, kind, value, min_growth }
function targets.applied(t, year, programme_start)
  local unit = unit_text(t)
  if t.kind == "trajectory" and t.by_year then
    local best
    for y in pairs(t.by_year) do if y <= year and (not best or y > best) then best = y end end
    if not best then return nil, "траектория начинается позже " .. year .. " г." end
    return { kind = "at_least", value = t.by_year[best], figure = "yearly", phase = "judged",
             reason = "траектория, значение на " .. best .. " г." }
  end
  if t.kind == "trajectory" then
    local first = t.start or programme_start
    if first and year < first then return nil, "траектория начинается с " .. first .. " г." end
    local final_figure = t.cumulative and "cumulative" or "yearly"
    local final = "не менее " .. format_value(t.value) .. unit .. (t.year and (" к " .. t.year .. " г.") or "")
      .. (t.cumulative and first and (" нарастающим итогом с " .. first .. " г.") or "")
    if t.year and year < t.year then
      local track
      if t.cumulative and first then
        track = { kind = "at_least", value = t.value, figure = "cumulative", since = first,
                  base_year = first - 1, base_value = 0, final_year = t.year }
      end
      return { kind = "at_least", value = t.step, figure = "yearly", phase = "judged", track = track,
               since = first, final_year = t.year,
               reason = "ежегодный шаг: не менее " .. format_value(t.step) .. unit .. " за " .. year .. " г.; итог: " .. final }
    end
    return { kind = "at_least", value = t.value, figure = final_figure, since = first, phase = "judged",
             final_year = t.year, step = t.step,
             reason = "итоговое значение: " .. final }
  end
  if t.kind == "growth" then
    local words = t.min_growth and ("рост не менее " .. format_value(t.min_growth) .. "%") or "положительная динамика"
    if t.year and not t.yearly then
      local base = t.base_year or t.start or programme_start
      if not base then
        return nil, "цель «к " .. t.year .. " году» сравнивает с первым годом программы, а он не указан (pack { period = ... })"
      end
      if year <= base then
        return { kind = "growth", value = t.min_growth, min_growth = t.min_growth, base_year = base, phase = "base",
                 final_year = t.year, figure = "yearly",
                 reason = words .. " к " .. base .. " г. к " .. t.year .. " г.; " .. year .. " г. — базовый год" }
      end
      local phase = year < t.year and "progress" or "judged"
      return { kind = "growth", value = t.min_growth, min_growth = t.min_growth, base_year = base, phase = phase,
               final_year = t.year, figure = "yearly",
               path = phase == "progress" and { kind = "growth", base_year = base, final_year = t.year,
                                                min_growth = t.min_growth } or nil,
               reason = words .. " к " .. base .. " г." .. (phase == "progress" and (" к " .. t.year .. " г.") or "") }
    end
    local base = t.base_year or (year - 1)
    if base >= year then base = year - 1 end
    return { kind = "growth", value = t.min_growth, min_growth = t.min_growth, base_year = base, phase = "judged",
             figure = "yearly", reason = words .. " к " .. base .. " г." }
  end
  if t.kind == "presence" then
    if t.year and year < t.year then
      return { kind = "presence", value = 1, phase = "progress", final_year = t.year, figure = "yearly",
               reason = "наличие " .. (t.due_text and ("(срок: " .. t.due_text .. ")") or ("к " .. t.year .. " г.")) }
    end
    return { kind = "presence", value = 1, phase = "judged", figure = "yearly",
             reason = "наличие" .. (t.due_text and (" (срок: " .. t.due_text .. ")") or "") }
  end
  local due = t.due_text and (" (срок: " .. t.due_text .. ")") or (t.year and (" к " .. t.year .. " г.") or "")
  local reason = WORDS[t.kind] .. " " .. format_value(t.value) .. unit .. (t.yearly and " ежегодно" or due)
  if t.year and not t.yearly and year < t.year then
    local base = t.start or programme_start
    return { kind = t.kind, value = t.value, phase = "progress", final_year = t.year, figure = "yearly",
             path = base and base < t.year and { kind = t.kind, value = t.value, base_year = base, final_year = t.year } or nil,
             reason = reason .. "; до " .. t.year .. " г. — в процессе" .. (base and (", траектория от " .. base .. " г.") or "") }
  end
  return { kind = t.kind, value = t.value, phase = "judged", figure = "yearly", reason = reason }
end

local EPS = 1e-9

-- Growth of value against base in percent of the base, or nil with why.
local function growth_of(value, base_value, base_year)
  if base_value == nil then return nil, "нет значения за базовый " .. base_year .. " г." end
  if base_value == 0 then return nil, "значение за базовый " .. base_year .. " г. равно нулю: рост в процентах не определён" end
  return (value - base_value) / math.abs(base_value) * 100
end

local function meets(kind, value, t)
  if kind == "at_least" then return value + EPS >= t end
  if kind == "above" then return value > t + EPS end
  if kind == "at_most" then return value - EPS <= t end
  if kind == "below" then return value < t - EPS end
  if kind == "equals" then return math.abs(value - t) <= EPS end
  return false
end

-- Where value stands on the linear path of path (see targets.applied) in
-- year: "on_track" or "behind", and the path's value that year; nil (and
-- why) when the path has no base value.
function targets.progress(path, year, value, base_value)
  if value == nil then return nil end
  local base_year, final_year = path.base_year, path.final_year
  local frac = (year - base_year) / (final_year - base_year)
  if frac < 0 then frac = 0 elseif frac > 1 then frac = 1 end
  if path.kind == "growth" then
    if base_value == nil then return nil, nil, "нет значения за базовый " .. base_year .. " г." end
    if not path.min_growth then
      return value > base_value + EPS and "on_track" or "behind", base_value
    end
    if base_value == 0 then return nil, nil, "значение за базовый " .. base_year .. " г. равно нулю" end
    local needed = base_value + math.abs(base_value) * path.min_growth * frac / 100
    return value + EPS >= needed and "on_track" or "behind", needed
  end
  local b = path.base_value
  if b == nil then b = base_value end
  if b == nil then return nil, nil, "нет значения за базовый " .. base_year .. " г." end
  local final = path.value
  local lower_is_better = path.kind == "at_most" or path.kind == "below" or (path.kind == "equals" and b > final)
  local start = lower_is_better and math.max(b, final) or math.min(b, final)
  local on_path = start + (final - start) * frac
  local ok = lower_is_better and value - EPS <= on_path or value + EPS >= on_path
  return ok and "on_track" or "behind", on_path
end

-- Judges value against the applied target. base_value is the value in
-- applied.base_year (growth), or in the path's base year (progress).
-- Returns the status and what was found: { growth =, progress =,
-- path_value =, message = }.
function targets.judge(applied, value, base_value, year)
  if value == nil then return "no_data", {} end
  if applied == nil then return "no_target", {} end
  local k, t = applied.kind, applied.value
  if applied.phase == "base" then
    return "in_progress", { message = applied.base_year .. " г. — базовый год показателя" }
  end
  if applied.phase == "progress" then
    local info = {}
    if applied.path then
      info.progress, info.path_value, info.message = targets.progress(applied.path, year, value, base_value)
      if applied.kind == "growth" and base_value ~= nil and base_value ~= 0 then
        info.growth = (value - base_value) / math.abs(base_value) * 100
      end
    elseif k == "presence" and value ~= 0 then
      info.progress = "on_track"
    end
    return "in_progress", info
  end
  if k == "presence" then return (value and value ~= 0) and "met" or "not_met", {} end
  if k == "growth" then
    if applied.min_growth then
      local g, why = growth_of(value, base_value, applied.base_year)
      if not g then return "no_data", { message = why } end
      local ok = value > base_value + EPS and g + EPS >= applied.min_growth
      return ok and "met" or "not_met", { growth = g }
    end
    if base_value == nil then return "no_data", { message = "нет значения за базовый " .. applied.base_year .. " г." } end
    local g = base_value ~= 0 and (value - base_value) / math.abs(base_value) * 100 or nil
    return value > base_value + EPS and "met" or "not_met", { growth = g }
  end
  if WORDS[k] then return meets(k, value, t) and "met" or "not_met", {} end
  return "no_target", {}
end

-- The growth target as an official reads it: "рост не менее 10% к 2021 г.:
-- 10 → 11, +10%".
function targets.growth_summary(applied, value, base_value, growth)
  local words = applied.min_growth and ("рост не менее " .. format_value(applied.min_growth) .. "%") or "положительная динамика"
  local text = words .. " к " .. applied.base_year .. " г."
  if base_value == nil or value == nil then return text end
  text = text .. ": " .. format_value(base_value) .. " → " .. format_value(value)
  if growth then text = text .. ", " .. (string.format("%+.1f", growth):gsub("%.", ",")) .. "%" end
  return text
end

-- A target, a table of targets (by organization, kind, default) or nil
-- written as text that targets.import reads back in another Lua state:
-- a region-wide run takes a municipality's own targets from its layer,
-- loaded in a sandbox of its own, as data and never as code. Only the
-- definitions' plain values are written (numbers, strings, booleans and
-- tables of them).
local function encode(v, out, depth)
  if depth > 8 then error("targets.export: nested too deep", 0) end
  local t = type(v)
  if v == nil then out[#out + 1] = "z"
  elseif t == "boolean" then out[#out + 1] = v and "t" or "f"
  elseif math.type(v) == "integer" then out[#out + 1] = "i" .. tostring(v) .. ";"
  elseif t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then error("targets.export: not a finite number", 0) end
    out[#out + 1] = "d" .. string.format("%.17g", v) .. ";"
  elseif t == "string" then out[#out + 1] = "s" .. #v .. ":" .. v
  elseif TargetKind.is(v) then
    out[#out + 1] = "T"
    encode(TargetKind.definition(v), out, depth + 1)
  elseif t == "table" then
    out[#out + 1] = "{"
    local keys = {}
    for k in next, v do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(keys) do
      encode(k, out, depth + 1)
      encode(rawget(v, k), out, depth + 1)
    end
    out[#out + 1] = "}"
  else
    error("targets.export: a " .. t .. " is not data", 0)
  end
end

function targets.export(v)
  local out = {}
  encode(v, out, 0)
  return table.concat(out)
end

-- Reads back what targets.export wrote: the targets made anew (sealed
-- objects of this state). Raises on anything else.
function targets.import(text)
  local at = 1
  local function fail() error("targets.import: malformed at byte " .. at, 0) end
  local function decode(depth)
    if depth > 9 then fail() end
    local c = text:sub(at, at)
    at = at + 1
    if c == "z" then return nil end
    if c == "t" then return true end
    if c == "f" then return false end
    if c == "i" or c == "d" then
      local stop = text:find(";", at, true) or fail()
      local n = c == "i" and math.tointeger(tonumber(text:sub(at, stop - 1))) or tonumber(text:sub(at, stop - 1))
      if n == nil then fail() end
      at = stop + 1
      return n
    end
    if c == "s" then
      local colon = text:find(":", at, true) or fail()
      local len = math.tointeger(tonumber(text:sub(at, colon - 1)))
      if not len or len < 0 or colon + len > #text then fail() end
      at = colon + 1 + len
      return text:sub(colon + 1, colon + len)
    end
    if c == "T" then
      local def = decode(depth + 1)
      if type(def) ~= "table" then fail() end
      return new_target(def)
    end
    if c == "{" then
      local t = {}
      while text:sub(at, at) ~= "}" do
        if at > #text then fail() end
        local k = decode(depth + 1)
        if k == nil then fail() end
        t[k] = decode(depth + 1)
      end
      at = at + 1
      return t
    end
    fail()
  end
  local v = decode(0)
  if at ~= #text + 1 then fail() end
  return v
end

return targets
