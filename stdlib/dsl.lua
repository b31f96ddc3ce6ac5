-- The declarations a rule pack is written in (pack, criterion, indicator),
-- the aggregates that give an indicator its value, structured targets, and
-- the evaluation of one indicator for a period, per organization and for
-- the municipality as a whole.

local sets = require "sets"

local dsl = {}

local Aggregate = {}
Aggregate.__index = Aggregate

local Target = {}
Target.__index = Target

-- share(part, whole): percentage of the members of whole that are also in
-- part. Totals are computed from numerators and denominators.
local function share(part, whole)
  if not sets.is_set(part) or not sets.is_set(whole) then
    error("share(part, whole): both arguments must be sets, e.g. share(teachers:having(...), teachers)", 2)
  end
  if part.entity ~= whole.entity then
    error("share(part, whole): part is a set of " .. part.entity .. " but whole a set of " .. whole.entity, 2)
  end
  return setmetatable({ kind = "share", unit = "%", part = part, whole = whole }, Aggregate)
end

local function structured_target(kind, sign)
  return function(value)
    if type(value) ~= "number" then
      error(kind .. "(value): expected a number, got " .. type(value), 2)
    end
    return setmetatable({ kind = kind, value = value, sign = sign,
                          text = sign .. " " .. tostring(value) }, Target)
  end
end

-- Round half away from zero to two decimals, from exact integers, so that
-- 140 of 240 is 58.33 on every machine.
local function percent(numerator, denominator)
  local scaled = (numerator * 20000 + denominator) // (2 * denominator)
  return scaled / 100
end

local function status_of(value, target)
  if value == nil then return "no_data" end
  if target == nil then return "no_target" end
  local eps = 1e-9
  if target.kind == "at_least" then return value + eps >= target.value and "met" or "not_met" end
  if target.kind == "at_most" then return value - eps <= target.value and "met" or "not_met" end
  return "no_target"
end

-- The SQL that gives, per organization of the municipality, the
-- denominator and numerator of a share in one statement.
local function share_sql(agg, ctx)
  local params = {}
  -- compiled in the order they appear in the SQL text, as are their parameters
  local part = sets.predicate(agg.part, "s", ctx, params)
  local whole = sets.predicate(agg.whole, "s", ctx, params)
  local sql = "SELECT o.id AS organization, o.name AS organization_name,"
    .. " COUNT(s.id) AS denominator,"
    .. " COALESCE(SUM(CASE WHEN " .. part .. " THEN 1 ELSE 0 END), 0) AS numerator"
    .. " FROM organization o LEFT JOIN staff s ON s.organization_id = o.id AND " .. whole
    .. " GROUP BY o.id, o.name ORDER BY o.id"
  return sql, params
end

-- Creates the collector of one pack's declarations and the functions the
-- pack's files call to make them.
function dsl.new_pack(dir)
  local pack = { dir = dir, criteria = {}, indicators = {}, by_id = {} }
  local api = {}

  function api.pack(manifest)
    if type(manifest) ~= "table" then error("pack { ... }: expected a table", 2) end
    if type(manifest.id) ~= "string" or manifest.id == "" then
      error("pack { id = ... }: every pack needs an id", 2)
    end
    if pack.manifest then error("pack { ... }: the manifest is declared twice", 2) end
    pack.manifest = manifest
    pack.manifest_where = where(2)
  end

  function api.indicator(id)
    if type(id) ~= "string" then error("indicator \"id\" { ... }: the id must be a string", 2) end
    local declared_at = where(2)
    return function(spec)
      if type(spec) ~= "table" then error("indicator \"" .. id .. "\": expected { title = ..., value = ... }", 2) end
      if type(spec.title) ~= "string" then error("indicator \"" .. id .. "\": title is missing", 2) end
      if getmetatable(spec.value) ~= Aggregate then
        error("indicator \"" .. id .. "\": value must be an aggregate such as share(part, whole)", 2)
      end
      if spec.target ~= nil and getmetatable(spec.target) ~= Target then
        error("indicator \"" .. id .. "\": target must be at_least(x) or at_most(x)", 2)
      end
      if pack.by_id[id] then
        error("indicator \"" .. id .. "\": declared twice (first at " .. pack.by_id[id].where .. ")", 2)
      end
      local ind = { id = id, title = spec.title, unit = spec.unit or spec.value.unit,
                    value = spec.value, target = spec.target, source = spec.source,
                    where = declared_at }
      pack.by_id[id] = ind
      return ind
    end
  end

  function api.criterion(id)
    if type(id) ~= "string" then error("criterion \"id\" { ... }: the id must be a string", 2) end
    return function(spec)
      if type(spec) ~= "table" or type(spec.title) ~= "string" then
        error("criterion \"" .. id .. "\": expected { title = ..., indicator ... }", 2)
      end
      local crit = { id = id, title = spec.title }
      pack.criteria[#pack.criteria + 1] = crit
      for _, ind in ipairs(spec) do
        ind.criterion = id
        pack.indicators[#pack.indicators + 1] = ind
      end
      return crit
    end
  end

  api.staff = sets.staff
  api.activity = sets.activity
  api.share = share
  api.at_least = structured_target("at_least", ">=")
  api.at_most = structured_target("at_most", "<=")
  return pack, api
end

-- Checks what can only be checked once every file is loaded.
function dsl.finish(pack)
  if not pack.manifest then
    error(pack.dir .. "/pack.lua: the manifest pack { id = ..., title = ... } is missing", 0)
  end
  for id, ind in pairs(pack.by_id) do
    if not ind.criterion then
      error(ind.where .. "indicator \"" .. id .. "\" is not inside any criterion", 0)
    end
  end
  return pack.manifest.id
end

-- The pack's indicators in declaration order, as plain descriptions.
function dsl.indicators(pack)
  local list = {}
  for i, ind in ipairs(pack.indicators) do
    list[i] = { id = ind.id, criterion = ind.criterion, title = ind.title, unit = ind.unit,
                source = ind.source }
  end
  return list
end

-- Evaluates indicator id for ctx.period on ctx.db. Returns the total row
-- (organization = nil) followed by one row per organization.
function dsl.evaluate(pack, id, ctx)
  local ind = pack.by_id[id]
  local sql, params = share_sql(ind.value, ctx)
  local rows, err = ctx.db:query(sql, table.unpack(params))
  if not rows then error(ind.where .. "indicator \"" .. id .. "\": " .. err, 0) end
  local target = ind.target
  local function finish(row)
    if row.denominator > 0 then row.value = percent(row.numerator, row.denominator) end
    row.status = status_of(row.value, target)
    if target then row.target = { text = target.text, kind = target.kind, value = target.value } end
    return row
  end
  local total = { numerator = 0, denominator = 0 }
  for _, row in ipairs(rows) do
    total.numerator = total.numerator + row.numerator
    total.denominator = total.denominator + row.denominator
    finish(row)
  end
  table.insert(rows, 1, finish(total))
  return rows
end

-- The SQL and parameters of an indicator, for explain.
function dsl.sql(pack, id, ctx)
  local ind = pack.by_id[id]
  local sql, params = share_sql(ind.value, ctx)
  return sql, params, sets.describe(ind.value.part), sets.describe(ind.value.whole)
end

return dsl
