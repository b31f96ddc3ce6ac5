-- Aggregates: what an indicator's value is made of. Each aggregate is a
-- list of measures (an SQL expression summed over the rows of one entity)
-- and a rule that combines the measures' sums into numerator, denominator
-- and value. Measures over the same entity, from every indicator of a
-- pack, are computed together in one scan of that entity.

-- The builtins this module reads, as locals: each read of a global goes
-- through the sandbox environment's strict __index, a C call, and the
-- evaluation reads them for every result row.
local error, ipairs, tostring, type = error, ipairs, tostring, type
local math, string, table = math, string, table

local sets = require "sets"

local aggregates = {}

-- Aggregates are sealed objects (objects.lua): the measures' SQL of a
-- forged or changed aggregate never reaches the compiled query.
local objects = require "objects"
local AggregateKind = objects.kind("aggregate")

function aggregates.is_aggregate(value) return AggregateKind.is(value) end

local function need_set(name, value, what)
  if not sets.is_set(value) then
    error(string.format(tr("%s: %s must be a set, e.g. staff { position = \"teacher\" }"), name, what), 3)
  end
end

local function need_field(name, set, field)
  local def = sets.ENTITIES[set.entity]
  if type(field) ~= "string" or not def.fields[field] then
    error(string.format(tr("%s: '%s' is not a field of %s"), name, tostring(field), set.entity), 3)
  end
end

-- Half away from zero to two decimals, from exact integers when it can.
function aggregates.round2(x)
  if x >= 0 then return math.floor(x * 100 + 0.5 + 1e-9) / 100 end
  return -math.floor(-x * 100 + 0.5 + 1e-9) / 100
end

local function percent(n, d)
  if d == 0 then return nil end
  if math.type(n) == "integer" and math.type(d) == "integer" then
    return ((n * 20000 + d) // (2 * d)) / 100
  end
  return aggregates.round2(n * 100 / d)
end

local UNITS = { staff = "чел.", organization = "ОО", activity = "ед.", community = "ед.", document = "ед.",
                event = "ед.", participation = "ед.", registry = "чел." }

local function new(fields) return AggregateKind.wrap(fields) end

-- Records how an aggregate was made, so that it can be made again from
-- other sets (see aggregates.since).
local function made(fields, name, ...)
  fields.made = { name = name, args = table.pack(...) }
  return new(fields)
end

-- Measure constructors: sql(alias, period, staff_alias, at) gives the
-- summed expression (at as in sets.predicate); additive measures can be
-- summed across organizations. An additive measure also says what it sums
-- in parts: conditions(alias, period, staff_alias, at), the list of SQL
-- conditions a row must meet and their probes (sets.conditions), and field (summed, or
-- counted where present when counting), or none to count the rows, so an
-- evaluation can compute each condition its measures share only once.
local function count_measure(set)
  return { entity = set.entity, additive = true, sql = function(alias, period, staff_alias, at)
    return "SUM(CASE WHEN " .. sets.predicate(set, alias, period, 1, staff_alias, at) .. " THEN 1 ELSE 0 END)"
  end, conditions = function(alias, period, staff_alias, at)
    return sets.conditions(set, alias, period, 1, staff_alias, at)
  end, set = set }
end

local function both_measure(whole, part)
  return { entity = whole.entity, additive = true, sql = function(alias, period, staff_alias, at)
    return "SUM(CASE WHEN " .. sets.predicate(whole, alias, period, 1, staff_alias, at) .. " AND "
      .. sets.predicate(part, alias, period, 1, staff_alias, at) .. " THEN 1 ELSE 0 END)"
  end, conditions = function(alias, period, staff_alias, at)
    local list, probes = sets.conditions(whole, alias, period, 1, staff_alias, at)
    local more, more_probes = sets.conditions(part, alias, period, 1, staff_alias, at)
    for i, c in ipairs(more) do
      list[#list + 1] = c
      probes[#list] = more_probes[i]
    end
    return list, probes
  end, set = part }
end

-- count(set): how many members.
function aggregates.count(set)
  need_set("count(set)", set, "the argument")
  return made({ kind = "count", unit = UNITS[set.entity], sets = { set }, measures = { count_measure(set) },
    combine = function(m) return { value = m[1], numerator = m[1] } end }, "count", set)
end

-- share(part, whole): percentage of the members of whole that are also in part.
function aggregates.share(part, whole)
  need_set("share(part, whole)", part, "part")
  need_set("share(part, whole)", whole, "whole")
  if part.entity ~= whole.entity then
    error(string.format(tr("share(part, whole): part is a set of %s but whole a set of %s"), part.entity, whole.entity), 2)
  end
  return made({ kind = "share", unit = "%", sets = { part, whole },
    measures = { count_measure(whole), both_measure(whole, part) },
    combine = function(m) return { numerator = m[2], denominator = m[1], value = percent(m[2], m[1]) } end }, "share", part, whole)
end

-- ratio(a, b): members of a per member of b (for example teachers per school).
function aggregates.ratio(a, b)
  need_set("ratio(a, b)", a, "a")
  need_set("ratio(a, b)", b, "b")
  return made({ kind = "ratio", unit = "", sets = { a, b }, measures = { count_measure(a), count_measure(b) },
    combine = function(m)
      return { numerator = m[1], denominator = m[2], value = m[2] ~= 0 and aggregates.round2(m[1] / m[2]) or nil }
    end }, "ratio", a, b)
end

local function field_sum_measure(set, field, counting)
  return { entity = set.entity, additive = true, sql = function(alias, period, staff_alias, at)
    local p = sets.predicate(set, alias, period, 1, staff_alias, at)
    if counting then
      return "SUM(CASE WHEN " .. p .. " AND " .. alias .. "." .. field .. " IS NOT NULL THEN 1 ELSE 0 END)"
    end
    return "TOTAL(CASE WHEN " .. p .. " THEN " .. alias .. "." .. field .. " END)"
  end, conditions = function(alias, period, staff_alias, at)
    return sets.conditions(set, alias, period, 1, staff_alias, at)
  end, field = field, counting = counting, set = set }
end

-- sum(set, field): the total of a numeric field (hours of courses, members).
function aggregates.sum(set, field)
  need_set("sum(set, field)", set, "set")
  need_field("sum(set, field)", set, field)
  return made({ kind = "sum", unit = field == "hours" and "ч." or "", sets = { set },
    measures = { field_sum_measure(set, field) },
    combine = function(m) return { value = aggregates.round2(m[1]), numerator = aggregates.round2(m[1]) } end }, "sum", set, field)
end

-- avg(set, field): the mean of a numeric field over members that have it.
function aggregates.avg(set, field)
  need_set("avg(set, field)", set, "set")
  need_field("avg(set, field)", set, field)
  return made({ kind = "avg", unit = "", sets = { set },
    measures = { field_sum_measure(set, field), field_sum_measure(set, field, true) },
    combine = function(m)
      return { numerator = aggregates.round2(m[1]), denominator = m[2],
               value = m[2] ~= 0 and aggregates.round2(m[1] / m[2]) or nil }
    end }, "avg", set, field)
end

-- exists(set): presence (1) or absence (0), for "Наличие ..." indicators.
function aggregates.exists(set)
  need_set("exists(set)", set, "the argument")
  return made({ kind = "exists", unit = "", sets = { set }, measures = { count_measure(set) },
    combine = function(m) return { value = m[1] > 0 and 1 or 0, numerator = m[1] } end }, "exists", set)
end

-- distinct(set, field): how many different values of field the members have.
function aggregates.distinct(set, field)
  need_set("distinct(set, field)", set, "set")
  need_field("distinct(set, field)", set, field)
  local measure = { entity = set.entity, additive = false, set = set, sql = function(alias, period, staff_alias, at)
    return "COUNT(DISTINCT CASE WHEN " .. sets.predicate(set, alias, period, 1, staff_alias, at) .. " THEN "
      .. alias .. "." .. field .. " END)"
  end }
  return made({ kind = "distinct", unit = UNITS[set.entity], sets = { set }, measures = { measure },
    combine = function(m) return { value = m[1], numerator = m[1] } end }, "distinct", set, field)
end

-- growth(aggregate [, { base = YEAR, points = true }]): change of an
-- aggregate against a base year (default: the previous year), in percent
-- of the base value, or in points when points = true.
function aggregates.growth(inner, options)
  if not aggregates.is_aggregate(inner) or inner.kind == "growth" then
    error(tr("growth(aggregate): expected an aggregate such as share(...) or count(...)"), 2)
  end
  options = options or {}
  if type(options) ~= "table" or (options.base ~= nil and math.type(options.base) ~= "integer") then
    error(tr("growth(aggregate, { base = YEAR, points = true }): base is a year"), 2)
  end
  return new({ kind = "growth", unit = options.points and "п.п." or "%", sets = inner.sets, inner = inner,
    base = options.base, points = options.points, measures = {},
    combine = function(current, base)
      if current.value == nil or base.value == nil then return { value = nil } end
      local change = current.value - base.value
      local value
      if options.points then value = aggregates.round2(change)
      elseif base.value ~= 0 then value = aggregates.round2(change / math.abs(base.value) * 100) end
      return { value = value, numerator = current.value, denominator = base.value }
    end })
end

-- The same aggregate over people and events since year: every dated set
-- without its own window (within, since, any_time) counts from year on, so
-- "100% за 3 года, начиная с 2021 г." counts the distinct people covered
-- since 2021, still as one set-based statement.
function aggregates.since(agg, year)
  if agg.kind == "growth" then return aggregates.growth(aggregates.since(agg.inner, year), { base = agg.base, points = agg.points }) end
  local how = AggregateKind.definition(agg).made
  local args = {}
  for i = 1, how.args.n do
    local a = how.args[i]
    args[i] = sets.is_set(a) and sets.since(a, year) or a
  end
  return aggregates[how.name](table.unpack(args, 1, how.args.n))
end

-- The base year of a growth aggregate evaluated for period.
function aggregates.base_year(agg, period)
  return agg.base or (period - 1)
end

-- An aggregate's definition as text for the fingerprint of a formula (see
-- sets.canonical): how it was made (count, share, sum, ... with its sets and
-- fields), and for a growth its inner aggregate, its base year in period
-- and whether it is in points. Not its measures' SQL.
function aggregates.canonical(agg, period)
  local def = AggregateKind.definition(agg)
  if def.kind == "growth" then
    return "growth(" .. aggregates.canonical(def.inner, period) .. ";base=" .. tostring(aggregates.base_year(def, period))
      .. ";points=" .. tostring(def.points) .. ")"
  end
  local how, args = def.made, {}
  for i = 1, how.args.n do args[i] = sets.canonical_value(how.args[i]) end
  return how.name .. "(" .. table.concat(args, ";") .. ")"
end

return aggregates
