-- Sets: lazy queries over the store's entities. A set is a description
-- (entity, filters, joins); it becomes SQL only when an aggregate is
-- evaluated, so a whole indicator runs as one statement in SQLite.

local sets = {}

-- Fields a set may filter on, per entity: the store's columns.
local FIELDS = {
  staff = {
    id = true, organization_id = true, position = true, birth_year = true,
    career_start_year = true, subject = true, education_matches_profile = true,
    qualification_category = true,
  },
  activity = {
    id = true, staff_id = true, kind = true, date = true, end_date = true, title = true,
    hours = true, provider = true, score = true, result = true, deficits = true,
    role = true, partner_id = true,
  },
}

-- Options that are not fields: how a set of activities is dated.
local OPTIONS = { activity = { within = true } }

local Set = {}
Set.__index = Set

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

local function field_list(entity)
  return table.concat(sorted_keys(FIELDS[entity]), ", ")
end

-- Creates a set of entity rows matching spec; level points error messages
-- at the rule file's line.
local function new_set(entity, spec, level)
  if spec ~= nil and type(spec) ~= "table" then
    error(entity .. " { ... }: expected a table of conditions, got " .. type(spec), level)
  end
  local filters, options = {}, {}
  for _, key in ipairs(sorted_keys(spec or {})) do
    local value = spec[key]
    if OPTIONS[entity] and OPTIONS[entity][key] then
      options[key] = value
    elseif FIELDS[entity][key] then
      local vt = type(value)
      if vt ~= "string" and vt ~= "number" and vt ~= "boolean" and vt ~= "table" then
        error(string.format("%s { %s = ... }: a condition is a value or a list of values, not a %s",
          entity, key, vt), level)
      end
      filters[#filters + 1] = { field = key, value = value }
    else
      error(string.format("%s { %s = ... }: unknown field '%s'; known fields: %s",
        entity, tostring(key), tostring(key), field_list(entity)), level)
    end
  end
  if options.within ~= nil and (math.type(options.within) ~= "integer" or options.within < 1) then
    error("activity { within = N }: N is a whole number of years, 1 or more", level)
  end
  -- joins.having and joins.without list the sets a member must (not) match
  return setmetatable({ entity = entity, filters = filters, options = options,
                        joins = { having = {}, without = {} } }, Set)
end

-- (Not tail calls: the error level must count the constructor's frame.)
function sets.staff(spec) local set = new_set("staff", spec, 3); return set end
function sets.activity(spec) local set = new_set("activity", spec, 3); return set end

function sets.is_set(value) return getmetatable(value) == Set end

-- A copy of the set with one more semi-join (having) or anti-join (without).
local function with_join(self, kind, other)
  if not sets.is_set(other) then
    error(kind .. "(...): expected a set such as activity { kind = \"diagnostic\" }", 3)
  end
  if self.entity ~= "staff" or other.entity ~= "activity" then
    error(string.format("%s: a set of %s cannot be joined with a set of %s",
      kind, self.entity, other.entity), 3)
  end
  local copy = setmetatable({}, Set)
  for k, v in pairs(self) do copy[k] = v end
  copy.joins = { having = { table.unpack(self.joins.having) },
                 without = { table.unpack(self.joins.without) } }
  table.insert(copy.joins[kind], other)
  return copy
end

function Set:having(other) local set = with_join(self, "having", other); return set end
function Set:without(other) local set = with_join(self, "without", other); return set end

-- SQL condition "alias.field matches value", appending bound values to params.
local function condition(alias, filter, params)
  local column = alias .. "." .. filter.field
  local value = filter.value
  if type(value) == "table" then
    local marks = {}
    for i, v in ipairs(value) do
      marks[i] = "?"
      params[#params + 1] = v
    end
    if #marks == 0 then return "0" end
    return column .. " IN (" .. table.concat(marks, ", ") .. ")"
  end
  if type(value) == "boolean" then value = value and 1 or 0 end
  params[#params + 1] = value
  return column .. " = ?"
end

-- The dates an activity set covers in period: the calendar year, or the
-- N years ending with it.
function sets.window(set, period)
  local years = set.options.within or 1
  return string.format("%04d-01-01", period - years + 1), string.format("%04d-12-31", period)
end

-- Compiles the set's conditions on rows of alias into one SQL expression.
-- depth keeps nested aliases distinct.
function sets.predicate(set, alias, ctx, params, depth)
  depth = depth or 1
  local parts = {}
  for _, f in ipairs(set.filters) do parts[#parts + 1] = condition(alias, f, params) end
  if set.entity == "activity" then
    local from, to = sets.window(set, ctx.period)
    parts[#parts + 1] = alias .. ".date BETWEEN ? AND ?"
    params[#params + 1] = from
    params[#params + 1] = to
  end
  for _, join in ipairs({ "having", "without" }) do
    for _, other in ipairs(set.joins[join]) do
      local inner = "a" .. depth
      local sub = sets.predicate(other, inner, ctx, params, depth + 1)
      parts[#parts + 1] = string.format("%sEXISTS (SELECT 1 FROM activity %s WHERE %s.staff_id = %s.id AND %s)",
        join == "without" and "NOT " or "", inner, inner, alias, sub)
    end
  end
  if #parts == 0 then return "1" end
  return table.concat(parts, " AND ")
end

-- Human-readable description of a set, for explain and error messages.
function sets.describe(set)
  local parts = {}
  for _, f in ipairs(set.filters) do
    local v = type(f.value) == "table" and ("{" .. table.concat(f.value, ", ") .. "}") or tostring(f.value)
    parts[#parts + 1] = f.field .. " = " .. v
  end
  if set.options.within then parts[#parts + 1] = "within = " .. set.options.within end
  local text = set.entity .. " { " .. table.concat(parts, ", ") .. " }"
  for _, join in ipairs({ "having", "without" }) do
    for _, other in ipairs(set.joins[join]) do
      text = text .. ":" .. join .. "(" .. sets.describe(other) .. ")"
    end
  end
  return text
end

return sets
