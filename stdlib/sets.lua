-- Sets: lazy descriptions of rows of the store (organizations, staff,
-- activities, communities, documents, events, participation, registries). A set becomes an SQL condition only
-- when an aggregate is evaluated, so every indicator runs inside SQLite.
-- Values are written into the SQL as quoted literals, never concatenated raw.

local vocabulary = require "vocabulary"
local regex = require "regex"

local sets = {}

-- What each entity is in SQL: its table, the columns a set may filter on
-- (true, or the name of the vocabulary its values come from), derived
-- attributes (computed for the reporting year), and how its rows are dated.
local ENTITIES = {
  organization = {
    table = "organization",
    fields = { id = true, name = true, kind = "organization_kind", municipality = true },
  },
  staff = {
    table = "staff",
    fields = { id = true, organization_id = true, position = "position", birth_year = true,
               career_start_year = true, subject = true, education_matches_profile = true,
               qualification_category = "qualification_category" },
    -- where and as what a worker works are read from their employment span
    -- (alias_e) on the reporting date; age and experience are whole years
    -- reached in the reporting year, never negative
    span_fields = { organization_id = true, position = true },
    derived = {
      age = "max(0, %d - %s.birth_year)",
      experience = "max(0, %d - %s.career_start_year)",
      organization_kind = "(SELECT kind FROM organization WHERE id = %s_e.organization_id)",
    },
    -- the same, in a region-wide run: an organization of the municipality only
    derived_in_unit = {
      organization_kind = "(SELECT kind FROM organization WHERE id = %s_e.organization_id AND municipality = %s)",
    },
    derived_vocabulary = { organization_kind = "organization_kind" },
    derived_span = { organization_kind = true },
  },
  activity = {
    table = "activity",
    fields = { id = true, staff_id = true, kind = "activity_kind", date = true, end_date = true, title = true,
               hours = true, provider = true, score = true, result = true, deficits = true,
               role = true, partner_id = true },
    dated = "event",
  },
  community = {
    table = "community",
    fields = { id = true, name = true, kind = "community_kind", level = "level", organization_id = true,
               start_date = true, end_date = true, members = true },
    dated = "span",
  },
  document = {
    table = "document",
    fields = { id = true, kind = "document_kind", number = true, date = true, title = true, link = true,
               organization_id = true },
    dated = "existing",
  },
  -- competitions and their stages, schools, conferences, councils...:
  -- held in the window when any of their days is
  event = {
    table = "event", alias = "ev",
    fields = { id = true, kind = "event_kind", title = true, level = "level", organizer = true, organization_id = true,
               municipality = true, start_date = true, end_date = true, parent_id = true },
    dated = "held",
  },
  -- a worker's or an organization's part in an event, dated
  participation = {
    table = "participation", alias = "pa",
    fields = { id = true, event_id = true, staff_id = true, organization_id = true, role = "participation_role",
               result = "participation_result", nomination = true, stage = true, date = true },
    dated = "event",
  },
  -- membership of a registry: a member on the reporting date, unless the
  -- set asks for those added or removed in the window
  registry = {
    table = "registry_member", alias = "rg",
    fields = { id = true, registry = "registry", title = true, staff_id = true, partner_id = true, from_date = true,
               to_date = true, basis = true },
    dated = "membership",
  },
}
sets.ENTITIES = ENTITIES

-- Options that describe the time window of dated entities; "by" restricts
-- activities and participation to the workers of a staff set, "partner"
-- the other side of a mentoring pair or a registry's mentee; "event" ties
-- participation to a set of events; "stages" chooses events or their
-- stages; "added" and "removed" the registry's changes in the window.
local OPTIONS = { within = true, since = true, any_time = true, by = true, partner = true, event = true,
                  stages = true, added = true, removed = true }
-- The entities each option applies to, and what its value is.
local OPTION_OF = {
  by = { entities = { activity = true, participation = true }, set = "staff" },
  partner = { entities = { activity = true, registry = true }, set = "staff" },
  event = { entities = { participation = true }, set = "event" },
  stages = { entities = { event = true }, boolean = true },
  added = { entities = { registry = true }, boolean = true },
  removed = { entities = { registry = true }, boolean = true },
}

-- Sets and conditions are sealed objects (objects.lua): a forged or
-- changed one never reaches the SQL compiler.
local objects = require "objects"
local Set = {}            -- the methods of a set
local SetKind = objects.kind("set", Set)
local ConditionKind = objects.kind("condition")

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

local function known_fields(entity)
  local names = sorted_keys(ENTITIES[entity].fields)
  for _, d in ipairs(sorted_keys(ENTITIES[entity].derived or {})) do names[#names + 1] = d end
  return table.concat(names, ", ")
end

-- SQL literal for a Lua value; strings are quoted, NUL refused.
function sets.literal(v)
  local t = type(v)
  if t == "boolean" then return v and "1" or "0" end
  if math.type(v) == "integer" then return tostring(v) end
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then error(tr("a condition value must be a finite number"), 0) end
    return string.format("%.17g", v)
  end
  if t == "string" then
    if v:find("\0", 1, true) then error(tr("a condition value may not contain a NUL byte"), 0) end
    return "'" .. v:gsub("'", "''") .. "'"
  end
  error(string.format(tr("a condition value must be a string, number or boolean, not a %s"), t), 0)
end

-- A copy of a list of values, so a rule's own table can change later
-- without changing the set or condition made from it.
local function copy_list(v)
  if type(v) ~= "table" or ConditionKind.is(v) or SetKind.is(v) then return v end
  local copy = {}
  for i, item in ipairs(v) do copy[i] = item end
  return copy
end

-- Conditions other than equality.
local function condition(op, a, b) return ConditionKind.wrap({ op = op, a = copy_list(a), b = copy_list(b) }) end
function sets.below(x) return condition("<", x) end
function sets.above(x) return condition(">", x) end
function sets.between(a, b) return condition("between", a, b) end
function sets.is_not(x) return condition("<>", x) end
function sets.missing() return condition("null") end
function sets.present() return condition("not null") end
-- contains("фрагмент", ...): the text holds one of the fragments, with
-- case and Ё forgiven (Cyrillic included).
function sets.contains(...)
  local fragments = table.pack(...)
  if fragments.n == 0 then error(tr("contains(...): give one or more fragments of text"), 2) end
  for i = 1, fragments.n do
    if type(fragments[i]) ~= "string" or fragments[i] == "" then
      error(string.format(tr("contains(...): fragment %d is not a non-empty string"), i), 2)
    end
  end
  return condition("contains", { table.unpack(fragments, 1, fragments.n) })
end

-- matches("регулярное выражение"): the text matches a PCRE2 pattern
-- (caseless, Unicode); a bad pattern is an error where it is written.
function sets.matches(pattern)
  if type(pattern) ~= "string" or pattern == "" then error(tr("matches(pattern): the pattern is a non-empty string"), 2) end
  local ok, err = pcall(regex.compile, pattern, "i")
  if not ok then error("matches(" .. string.format("%q", pattern) .. "): " .. tostring(err):gsub("^regex%.compile: ", ""), 2) end
  return condition("matches", pattern)
end

local function check_condition_value(entity, key, value, level)
  local t = type(value)
  if t == "string" or t == "number" or t == "boolean" or ConditionKind.is(value) then return end
  if t == "table" then
    if #value == 0 then error(string.format(tr("%s { %s = {} }: an empty list matches nothing"), entity, key), level) end
    for _, v in ipairs(value) do check_condition_value(entity, key, v, level + 1) end
    return
  end
  error(string.format(tr("%s { %s = ... }: a condition is a value, a list of values, below(x), above(x) or between(a, b), not a %s"),
    entity, key, t), level)
end

-- The code a literal of a vocabulary field names, with a group expanded
-- to its members; an unknown value is an error naming the nearest one.
local function vocabulary_value(entity, key, voc, v, level)
  if type(v) ~= "string" then return v end
  local code, near_name, near_code = vocabulary.code(voc, v)
  if not code then
    error(string.format(tr("%s { %s = %q }: unknown %s; the nearest known is %q (%s)"), entity, key, v, voc,
      near_name, near_code), level)
  end
  local members = vocabulary.members(voc, code)
  if #members == 1 then return code end
  return members
end

-- The value of a condition on a vocabulary field, with every literal
-- replaced by its code (a list when a group stands for several).
local function check_vocabulary(entity, key, voc, value, level)
  local c = ConditionKind.definition(value)
  if c then
    if c.op == "=" or c.op == "<>" then
      local copy = {}
      for k, v in pairs(c) do copy[k] = v end
      copy.a = vocabulary_value(entity, key, voc, c.a, level + 1)
      return ConditionKind.wrap(copy)
    end
    return value
  end
  if type(value) == "table" then
    local list = {}
    for _, item in ipairs(value) do
      local code = vocabulary_value(entity, key, voc, item, level + 1)
      if type(code) == "table" then
        for _, c in ipairs(code) do list[#list + 1] = c end
      else
        list[#list + 1] = code
      end
    end
    return list
  end
  local code = vocabulary_value(entity, key, voc, value, level + 1) -- not a tail call: the level counts this frame
  return code
end
sets.check_vocabulary = check_vocabulary

-- The vocabulary of a field or derived attribute of entity, or nil.
local function vocabulary_of(def, key)
  local v = def.fields[key]
  if type(v) == "string" then return v end
  return def.derived_vocabulary and def.derived_vocabulary[key] or nil
end

-- Creates a set of entity rows matching spec; level points error messages
-- at the rule file's line.
local function new_set(entity, spec, level)
  if spec ~= nil and type(spec) ~= "table" then
    error(string.format(tr("%s { ... }: expected a table of conditions, got %s"), entity, type(spec)), level)
  end
  local def = ENTITIES[entity]
  local filters, options = {}, {}
  for _, key in ipairs(sorted_keys(spec or {})) do
    local value = spec[key]
    if OPTIONS[key] and (def.dated or not OPTION_OF[key]) then
      options[key] = value
    elseif def.fields[key] or (def.derived and def.derived[key]) then
      check_condition_value(entity, key, value, level + 1)
      local voc = vocabulary_of(def, key)
      if voc then value = check_vocabulary(entity, key, voc, value, level + 1) end
      filters[#filters + 1] = { field = key, value = copy_list(value) }
    else
      error(string.format(tr("%s { %s = ... }: unknown field '%s'; known fields: %s"),
        entity, tostring(key), tostring(key), known_fields(entity)), level)
    end
  end
  if (options.within or options.since or options.any_time) and not def.dated then
    error(string.format(tr("%s { ... }: within, since and any_time apply to activities, communities, documents, events, participation and registries"), entity), level)
  end
  if options.within ~= nil and (math.type(options.within) ~= "integer" or options.within < 1) then
    error(string.format(tr("%s { within = N }: N is a whole number of years, 1 or more"), entity), level)
  end
  if options.since ~= nil and math.type(options.since) ~= "integer" then
    error(string.format(tr("%s { since = YEAR }: YEAR is a year such as 2021"), entity), level)
  end
  for _, key in ipairs(sorted_keys(OPTION_OF)) do
    local v, o = options[key], OPTION_OF[key]
    if v ~= nil and not o.entities[entity] then
      local where = sorted_keys(o.entities)
      error(string.format(tr("%s { %s = ... }: %s applies to %s"), entity, key, key, table.concat(where, ", ")), level)
    end
    if v ~= nil and o.set and (not SetKind.is(v) or v.entity ~= o.set) then
      local example = o.set == "staff" and "staff { position = \"teacher\" }" or "events { kind = \"competition\" }"
      error(string.format(tr("%s { %s = ... }: %s is a set of %s, e.g. %s = %s"), entity, key, key, o.set, key, example), level)
    end
    if v ~= nil and o.boolean and type(v) ~= "boolean" then
      error(string.format(tr("%s { %s = ... }: %s is true or false"), entity, key, key), level)
    end
  end
  if options.added and options.removed then
    error(string.format(tr("%s { added = true, removed = true }: choose one: members added, or members removed, in the window"), entity), level)
  end
  return SetKind.wrap({ entity = entity, filters = filters, options = options,
                       joins = { having = {}, without = {} } })
end

-- Constructors, singular and plural. (Not tail calls: the error level must
-- count the constructor's frame.)
for _, names in ipairs({ { "organization", "organizations" }, { "staff", "staff" },
                          { "activity", "activities" }, { "community", "communities" },
                          { "document", "documents" }, { "event", "events" },
                          { "participation", "participation" }, { "registry", "registries" } }) do
  local entity = names[1]
  local function make(spec)
    -- registry "mentor": the members of one registry
    if entity == "registry" and type(spec) == "string" then spec = { registry = spec } end
    local set = new_set(entity, spec, 3)
    return set
  end
  sets[names[1]] = make
  sets[names[2]] = make
end

function sets.is_set(value) return SetKind.is(value) end

-- The definition behind a set, for the compiler; an error for anything else.
local function definition_of(set, level)
  local def = SetKind.definition(set)
  if not def then error(string.format(tr("expected a set such as staff { position = \"teacher\" }, not a %s"), type(set)), (level or 1) + 1) end
  return def
end

-- The reporting time of a period: its year, and the days [from, to] on
-- which a worker must be employed to count. as_of is the pack's reporting
-- date ({ month, day }, default 31 December) or "any_day" (employed on any
-- day of the year). A time passes through unchanged.
function sets.time(period, as_of)
  if type(period) == "table" then return period end
  if as_of == "any_day" then
    return { year = period, from = string.format("%04d-01-01", period), to = string.format("%04d-12-31", period),
             any_day = true }
  end
  local month, day = 12, 31
  if type(as_of) == "table" then month, day = as_of.month, as_of.day end
  local date = string.format("%04d-%02d-%02d", period, month, day)
  return { year = period, from = date, to = date }
end

-- SQL: the employment span alias_e covers the days [from, to] (both SQL).
local function employed_sql(span, from, to)
  return string.format("%s.from_date <= %s AND (%s.to_date IS NULL OR %s.to_date >= %s)", span, to, span, span, from)
end
sets.employed_sql = employed_sql

-- In a region-wide run (every municipality in one pass) a time carries
-- t.unit, the SQL of the municipality the outer row is read for; each
-- municipality must see exactly what its own run sees through the rules'
-- view of it (engine/store/rule_view.c): its organizations, communities,
-- documents and events; the spans in its organizations; the workers ever
-- employed there, with their activities and registry entries; the
-- participation in its events. visible_sql(entity, alias, unit) is the
-- condition that a row of entity on alias is one of those. Nil where a
-- scoped run is compiled (t.unit is nil): its SQL stays as it was.
function sets.visible_sql(entity, alias, unit)
  if entity == "organization" or entity == "community" or entity == "document" or entity == "event" then
    return alias .. ".municipality = " .. unit
  end
  if entity == "employment" then
    return "EXISTS (SELECT 1 FROM organization v_o WHERE v_o.id = " .. alias .. ".organization_id AND v_o.municipality = "
      .. unit .. ")"
  end
  if entity == "participation" then
    return "EXISTS (SELECT 1 FROM event v_v WHERE v_v.id = " .. alias .. ".event_id AND v_v.municipality = " .. unit .. ")"
  end
  local staff_id = entity == "staff" and (alias .. ".id") or (alias .. ".staff_id") -- activity, registry
  return "EXISTS (SELECT 1 FROM employment v_e JOIN organization v_o ON v_o.id = v_e.organization_id WHERE v_e.staff_id = "
    .. staff_id .. " AND v_o.municipality = " .. unit .. ")"
end

-- 1 when a staff set (a definition) reads where or as what its workers
-- work, so its SQL needs their employment span.
local function uses_span(def)
  local entity = ENTITIES[def.entity]
  for _, f in ipairs(def.filters) do
    if (entity.span_fields and entity.span_fields[f.field]) or (entity.derived_span and entity.derived_span[f.field]) then
      return true
    end
  end
  return false
end

-- The FROM clause that makes alias a row of entity (for a staff row, with
-- its employment span alias_e), for listings such as the REPL's members().
function sets.from_sql(entity, alias)
  if entity == "staff" then
    return string.format("employment %s_e JOIN staff %s ON %s.id = %s_e.staff_id", alias, alias, alias, alias)
  end
  return ENTITIES[entity].table .. " " .. alias
end

-- How an inner set's rows (alias i) are tied to a row of the outer set
-- (alias o): the inner FROM clause and the condition, both written so the
-- store's indexes serve them. A worker of an organization is reached
-- through the organization's employment spans; so are the activities of
-- its workers, each attributed to the organization where its worker was
-- employed on its date (CROSS JOIN fixes that order in SQLite), never by
-- scanning the year's activities once per organization.
-- A worker's own rows are tied by the worker's id (id: the outer row's id
-- column, o.id unless the caller says otherwise).
local LINKS = {
  ["staff<activity"] = function(i, o, _, id) return { { "activity " .. i, i .. ".staff_id = " .. (id or o .. ".id") } } end,
  ["staff<participation"] = function(i, o, _, id)
    return { { "participation " .. i, i .. ".staff_id = " .. (id or o .. ".id") } }
  end,
  ["staff<registry"] = function(i, o, _, id) return { { "registry_member " .. i, i .. ".staff_id = " .. (id or o .. ".id") } } end,
  ["organization<staff"] = function(i, o)
    return { { sets.from_sql("staff", i), i .. "_e.organization_id = " .. o .. ".id" } }
  end,
  ["organization<community"] = function(i, o) return { { "community " .. i, i .. ".organization_id = " .. o .. ".id" } } end,
  ["organization<document"] = function(i, o) return { { "document " .. i, i .. ".organization_id = " .. o .. ".id" } } end,
  ["organization<event"] = function(i, o) return { { "event " .. i, i .. ".organization_id = " .. o .. ".id" } } end,
  ["organization<activity"] = function(i, o)
    local span = i .. "_s_e"
    return { { string.format("employment %s CROSS JOIN activity %s ON %s.staff_id = %s.staff_id AND %s", span, i, i, span,
      employed_sql(span, i .. ".date", i .. ".date")), span .. ".organization_id = " .. o .. ".id" } }
  end,
  -- an organization took part itself, or through a worker employed there on the day
  ["organization<participation"] = function(i, o)
    local span = i .. "_s_e"
    return { { "participation " .. i, i .. ".organization_id = " .. o .. ".id" },
             { string.format("employment %s CROSS JOIN participation %s ON %s.staff_id = %s.staff_id AND %s.organization_id IS NULL AND %s",
                 span, i, i, span, i, employed_sql(span, i .. ".date", i .. ".date")), span .. ".organization_id = " .. o .. ".id" } }
  end,
  -- a registry's members employed in the organization on the reporting date
  ["organization<registry"] = function(i, o, t)
    local span = i .. "_s_e"
    return { { string.format("employment %s CROSS JOIN registry_member %s ON %s.staff_id = %s.staff_id AND %s", span, i, i,
      span, employed_sql(span, "'" .. t.from .. "'", "'" .. t.to .. "'")), span .. ".organization_id = " .. o .. ".id" } }
  end,
  ["event<participation"] = function(i, o) return { { "participation " .. i, i .. ".event_id = " .. o .. ".id" } } end,
}

-- The links of a worker to their own rows (a few per worker, in one range
-- of an index on staff_id): a condition made of probes into them may be
-- computed by reading that range once (sets.conditions' probes). Each
-- names the field that sets of those rows most often choose by (the
-- index's next column), or false.
local OWN_ROWS = { ["staff<activity"] = "kind", ["staff<participation"] = false, ["staff<registry"] = "registry" }

-- The values a set's filter on field admits when it is plain equality to
-- one value or a list (after the vocabulary's groups), else nil.
local function plain_values(def, field)
  for _, f in ipairs(def.filters) do
    if f.field == field and not ConditionKind.is(f.value) then
      if type(f.value) ~= "table" then return f, { f.value } end
      return f, { table.unpack(f.value) }
    end
  end
  return nil
end

-- The alias of an entity's rows at depth: "s1", "a2", "ev1", ...
local function alias_of(entity, depth) return (ENTITIES[entity].alias or string.sub(entity, 1, 1)) .. depth end

-- A copy of the set with one more semi-join (having) or anti-join
-- (without). other is a set, or a list of sets of which any will do
-- (having { activity { ... }, participation { ... } }).
local function with_join(self, kind, other)
  local list = other
  if sets.is_set(other) then list = { other } end
  if type(list) ~= "table" or #list == 0 then
    error(string.format(tr("%s(...): expected a set such as activity { kind = \"diagnostic\" }, or a list of sets"), kind), 3)
  end
  for _, one in ipairs(list) do
    if not sets.is_set(one) then
      error(string.format(tr("%s(...): expected a set such as activity { kind = \"diagnostic\" }, or a list of sets"), kind), 3)
    end
    if not LINKS[self.entity .. "<" .. one.entity] then
      error(string.format(tr("%s(...): a set of %s cannot be tied to a set of %s"), kind, self.entity, one.entity), 3)
    end
  end
  local def = definition_of(self, 3)
  local copy = {}
  for k, v in pairs(def) do copy[k] = v end
  copy.joins = { having = { table.unpack(def.joins.having) }, without = { table.unpack(def.joins.without) } }
  table.insert(copy.joins[kind], sets.is_set(other) and other or { any = { table.unpack(list) } })
  return SetKind.wrap(copy)
end

function Set:having(other) local set = with_join(self, "having", other); return set end
function Set:without(other) local set = with_join(self, "without", other); return set end

-- A copy of the set whose dated parts without a window of their own
-- (within, since, any_time) count from year to the evaluated one: the
-- set of a cumulative target ("100% за 3 года, начиная с 2021 г.").
function sets.since(set, year)
  local def = definition_of(set, 2)
  local copy = {}
  for k, v in pairs(def) do copy[k] = v end
  local o = def.options
  if ENTITIES[def.entity].dated and o.within == nil and o.since == nil and not o.any_time then
    copy.options = {}
    for k, v in pairs(o) do copy.options[k] = v end
    copy.options.since = year
  end
  copy.joins = { having = {}, without = {} }
  for _, kind in ipairs({ "having", "without" }) do
    for i, other in ipairs(def.joins[kind]) do
      if sets.is_set(other) then
        copy.joins[kind][i] = sets.since(other, year)
      else
        local any = {}
        for k, one in ipairs(other.any) do any[k] = sets.since(one, year) end
        copy.joins[kind][i] = { any = any }
      end
    end
  end
  return SetKind.wrap(copy)
end

-- The window [from, to] (ISO dates) a dated set covers in period (a year
-- or a time, see sets.time), or nil.
local function window_of(def, period)
  local o = def.options
  if o.any_time then return nil end
  local year = sets.time(period).year
  local first = year
  if o.within then first = year - o.within + 1 end
  if o.since then first = o.since end
  return string.format("%04d-01-01", first), string.format("%04d-12-31", year)
end

function sets.window(set, period) return window_of(definition_of(set, 2), period) end

-- The operators conditions are made with; the compiler writes no other.
local CONDITION_OPERATORS = { ["<"] = true, [">"] = true, ["<>"] = true, ["="] = true, between = true, null = true,
                              ["not null"] = true, contains = true, matches = true }

-- The column of a field (or derived attribute) of set on alias, in the
-- reporting time t.
local function column_sql(set, alias, field, t)
  local def = ENTITIES[set.entity]
  if t.unit and def.derived_in_unit and def.derived_in_unit[field] then
    return string.format(def.derived_in_unit[field], alias, t.unit)
  end
  if def.derived and def.derived[field] then
    local template = def.derived[field]
    return template:find("%%d") and string.format(template, t.year, alias) or string.format(template, alias)
  end
  if def.span_fields and def.span_fields[field] then return alias .. "_e." .. field end
  return alias .. "." .. field
end

-- SQL for one filter on alias (set is a set's definition).
local function filter_sql(set, alias, f, t)
  local column = column_sql(set, alias, f.field, t)
  local v = ConditionKind.definition(f.value)
  if v then
    if not CONDITION_OPERATORS[v.op] then error("a condition with an unknown operator", 0) end
    if v.op == "between" then return column .. " BETWEEN " .. sets.literal(v.a) .. " AND " .. sets.literal(v.b) end
    if v.op == "null" then return column .. " IS NULL" end
    if v.op == "not null" then return column .. " IS NOT NULL" end
    if v.op == "contains" then
      local any = {}
      for i, fragment in ipairs(v.a) do
        any[i] = "instr(pdmon_fold(" .. column .. "), pdmon_fold(" .. sets.literal(fragment) .. ")) > 0"
      end
      return #any == 1 and any[1] or "(" .. table.concat(any, " OR ") .. ")"
    end
    if v.op == "matches" then return "pdmon_matches(" .. column .. ", " .. sets.literal(v.a) .. ")" end
    if type(v.a) == "table" then
      local items = {}
      for i, item in ipairs(v.a) do items[i] = sets.literal(item) end
      return column .. " NOT IN (" .. table.concat(items, ", ") .. ")"
    end
    return column .. " " .. v.op .. " " .. sets.literal(v.a)
  end
  v = f.value
  if type(v) == "table" then
    local items = {}
    for i, item in ipairs(v) do items[i] = sets.literal(item) end
    return column .. " IN (" .. table.concat(items, ", ") .. ")"
  end
  return column .. " = " .. sets.literal(v)
end

-- The column and the texts of a condition filter_sql wrote as equality
-- to text literals ("s_e.position = 'head'", "s_e.position IN ('head',
-- 'deputy')"), or nil for any other condition: an evaluation may then
-- test several such conditions on one column by one CASE on it. Only
-- text literals: a CASE compares as = and IN do, and a text column
-- against a text literal involves no affinity.
local function quoted_list(text)
  local values, at = {}, 1
  while true do
    local body, stop = text:match("^'(.-)'()", at)
    if not body then return nil end
    -- a doubled quote is a quote of the value
    while text:sub(stop, stop) == "'" do
      local more, after = text:match("^'(.-)'()", stop)
      if not more then return nil end
      body, stop = body .. "'" .. more, after
    end
    values[#values + 1] = body
    if stop > #text then return values end
    if text:sub(stop, stop + 1) ~= ", " then return nil end
    at = stop + 2
  end
end

function sets.text_equality(sql)
  local column, list = sql:match("^([%a_][%w_]*%.[%a_][%w_]*) IN %((.*)%)$")
  if not column then column, list = sql:match("^([%a_][%w_]*%.[%a_][%w_]*) = ('.*')$") end
  if not column then return nil end
  local values = quoted_list(list)
  if not values then return nil end
  return column, values
end

-- SQL for the time window of a dated set on alias: activities happen in
-- it, communities are active during it, documents exist by its end (or
-- are dated in it, with within or since).
local function window_sql(set, alias, period)
  local from, to = window_of(set, period)
  if not to then return nil end
  local dated = ENTITIES[set.entity].dated
  if dated == "span" then
    return string.format("(%s.start_date IS NULL OR %s.start_date <= '%s') AND (%s.end_date IS NULL OR %s.end_date >= '%s')",
      alias, alias, to, alias, alias, from)
  end
  if dated == "held" then
    return string.format("%s.start_date <= '%s' AND coalesce(%s.end_date, %s.start_date) >= '%s'", alias, to, alias, alias, from)
  end
  if dated == "membership" then
    if set.options.added then return string.format("%s.from_date BETWEEN '%s' AND '%s'", alias, from, to) end
    if set.options.removed then return string.format("%s.to_date BETWEEN '%s' AND '%s'", alias, from, to) end
    -- a member on the reporting date (any day of the year with as_of = "any_day")
    local t = sets.time(period)
    return employed_sql(alias, "'" .. t.from .. "'", "'" .. t.to .. "'")
  end
  if dated == "existing" and not (set.options.within or set.options.since) then
    return string.format("%s.date <= '%s'", alias, to)
  end
  return string.format("%s.date BETWEEN '%s' AND '%s'", alias, from, to)
end

-- EXISTS over the workers of a staff set tied to a row by link (given the
-- SQL of the worker's id, the condition), each employed on the date
-- date_sql when the set needs where or as what they work.
-- A partner is read from the rules' view of partners (partner and
-- partner_employment: every worker the municipality's activities name as
-- partner, wherever they work; rule_view.c says why).
-- In a region-wide run a worker's spans are those in the municipality
-- (a partner's: all of them, as the rules' view of partners holds), and a
-- partner's own activities and registry entries are seen only when the
-- partner was ever employed there (foreign: see sets.conditions).
local function worker_exists(set, inner, link, date_sql, t, depth, partner)
  local staff, employment = partner and "partner" or "staff", partner and "partner_employment" or "employment"
  if uses_span(definition_of(set, 2)) then
    local predicate = sets.predicate(set, inner, t, depth + 1, nil, date_sql, partner)
    local function tie(id)
      local l = link(id)
      if t.unit and not partner then l = l .. " AND " .. sets.visible_sql("employment", inner .. "_e", t.unit) end
      return l
    end
    -- the worker's own row only when the set or the tie reads it (birth
    -- year...): a span names its worker by staff_id, and every span's worker
    -- is a row of the worker table (a foreign key; the partners' view copies
    -- both)
    local lean, reads = tie(inner .. "_e.staff_id"), "%f[%w_]" .. inner .. "%."
    if not predicate:find(reads) and not lean:find(reads) then
      return string.format("EXISTS (SELECT 1 FROM %s %s_e WHERE %s AND %s)", employment, inner, lean, predicate)
    end
    return string.format("EXISTS (SELECT 1 FROM %s %s_e JOIN %s %s ON %s.id = %s_e.staff_id WHERE %s AND %s)",
      employment, inner, staff, inner, inner, inner, tie(inner .. ".id"), predicate)
  end
  return string.format("EXISTS (SELECT 1 FROM %s %s WHERE %s AND %s)", staff, inner, link(inner .. ".id"),
    sets.predicate(set, inner, t, depth + 1, nil, "none", partner))
end

-- In a region-wide run, the condition that a row of a joined set (alias
-- inner, tied to the outer row by the link "outer<inner") is one the
-- municipality sees, where the outer row does not already imply it: the
-- outer row's own organization's spans, activities and registry entries
-- are the municipality's, a partner's (foreign) only when the partner was
-- ever employed there; participation is seen in the municipality's events;
-- communities, documents and events are the municipality's own.
local function joined_visible(link, inner, t, foreign)
  if not t.unit then return nil end
  local entity = link:match("<(.*)$")
  if link == "staff<activity" or link == "staff<registry" then
    return foreign and sets.visible_sql(entity, inner, t.unit) or nil
  end
  if entity == "participation" or entity == "community" or entity == "document" or entity == "event" then
    return sets.visible_sql(entity, inner, t.unit)
  end
  return nil -- organization<staff, <activity, <registry: through the organization's spans; event<participation
end

-- The probe "EXISTS (SELECT 1 FROM way[1] WHERE way[2] AND body)" (sql)
-- of a worker's own rows (sets.conditions' probes): body, and when the
-- inner set (alias inner, whose conditions are parts) chooses its rows by
-- plain values of the field key, that field's column, the values and the
-- rest of body (nil when nothing else), so that a reader of many probes
-- can choose among them by the row's value.
local function probe_term(other, inner, t, way, seen, parts, key, sql, body)
  local term = { from = way[1], link = way[2], body = body, sql = sql }
  local def = definition_of(other, 3)
  local f, values = nil, nil
  if key then f, values = plain_values(def, key) end
  if not f then return term end
  local chosen = filter_sql(def, inner, f, t)
  local rest = { seen }
  local dropped = false
  for _, p in ipairs(parts) do
    if p == chosen and not dropped then dropped = true else rest[#rest + 1] = p end
  end
  if not dropped then return term end
  term.column, term.values = column_sql(def, inner, key, t), values
  term.rest = #rest > 0 and table.concat(rest, " AND ") or nil
  return term
end

-- Compiles the set's conditions on rows of alias into one SQL expression,
-- for the period (a year or a time, see sets.time). For activities,
-- staff_alias names the joined worker row when the caller has one (with
-- its span staff_alias_e on the activity's date); depth keeps nested
-- aliases distinct. For staff, at says which span alias_e is: nil, a
-- worker of the reporting date (the population); "joined", the span the
-- caller joined; "none", no span (the set reads none); or an SQL date
-- the span covers. The conditions are returned as a list, each one
-- condition the SQL ANDs with the others (sets.predicate joins them), so
-- an evaluation can compute a condition that several measures share once.
-- The second list says, for a condition that holds when any of its probes
-- into a worker's own rows finds one (a having of activities, registry
-- entries or participation), what those probes are: probes[i] is a list
-- of { from, link, body, sql, column, values, rest }, the condition being
-- the OR of the terms "EXISTS (SELECT 1 FROM from WHERE link AND body)"
-- (sql), so that an evaluation can read those rows once for many
-- conditions (probe_term says what column, values and rest are).
function sets.conditions(set, alias, period, depth, staff_alias, at, foreign)
  set = definition_of(set, 2)
  depth = depth or 1
  local t = sets.time(period)
  local parts = {}
  if set.entity == "staff" then
    if at == nil then
      parts[1] = employed_sql(alias .. "_e", "'" .. t.from .. "'", "'" .. t.to .. "'")
    elseif at ~= "joined" and at ~= "none" then
      parts[1] = employed_sql(alias .. "_e", at, at)
    end
  end
  for _, f in ipairs(set.filters) do parts[#parts + 1] = filter_sql(set, alias, f, t) end
  if ENTITIES[set.entity].dated then
    local w = window_sql(set, alias, t)
    if w then parts[#parts + 1] = w end
  end
  local o = set.options
  if o.stages ~= nil then parts[#parts + 1] = alias .. ".parent_id IS " .. (o.stages and "NOT NULL" or "NULL") end
  if o.by then
    if staff_alias then
      for _, c in ipairs(sets.conditions(o.by, staff_alias, t, depth + 1, nil, "joined")) do
        parts[#parts + 1] = c
      end
    else
      local inner = "w" .. depth
      local function link(id)
        local l = id .. " = " .. alias .. ".staff_id"
        -- an activity's worker is the municipality's; a participant may not be
        if t.unit and set.entity == "participation" then l = l .. " AND " .. sets.visible_sql("staff", inner, t.unit) end
        return l
      end
      parts[#parts + 1] = worker_exists(o.by, inner, link, alias .. ".date", t, depth)
    end
  end
  if o.partner then
    -- the partner of an activity as on its date; of a registry, on the reporting date
    local inner = "p" .. depth
    local on = set.entity == "registry" and ("'" .. t.to .. "'") or (alias .. ".date")
    parts[#parts + 1] = worker_exists(o.partner, inner, function(id) return id .. " = " .. alias .. ".partner_id" end,
      on, t, depth, true)
  end
  if o.event then
    local inner = "ev_" .. depth
    parts[#parts + 1] = string.format("EXISTS (SELECT 1 FROM event %s WHERE %s.id = %s.event_id AND %s)", inner, inner,
      alias, sets.predicate(o.event, inner, t, depth + 1))
  end
  -- a worker read with an employment span joined to the row (the
  -- population, a span on a date, the evaluation's scan of spans) is tied
  -- to their own rows by the span's staff_id, the same id: a scan of spans
  -- then need not join the worker's row only to name it. Not for the
  -- worker of an activity or participation (by), whose span may be absent.
  local id = nil
  if set.entity == "staff" and at ~= "none" and (at ~= "joined" or depth == 1) then id = alias .. "_e.staff_id" end
  local probes = {}
  for _, join in ipairs({ "having", "without" }) do
    for _, entry in ipairs(set.joins[join]) do
      local any = {}
      -- the probes of a having into a worker's own rows, or nil
      local terms = join == "having" and {} or nil
      for _, other in ipairs(sets.is_set(entry) and { entry } or entry.any) do
        local inner = alias_of(other.entity, depth)
        local inner_parts = sets.conditions(other, inner, t, depth + 1)
        local inner_sql = #inner_parts == 0 and "1" or table.concat(inner_parts, " AND ")
        local link = set.entity .. "<" .. other.entity
        local seen = joined_visible(link, inner, t, foreign)
        for _, way in ipairs(LINKS[link](inner, alias, t, id)) do
          local body = (seen and (seen .. " AND ") or "") .. inner_sql
          any[#any + 1] = string.format("EXISTS (SELECT 1 FROM %s WHERE %s AND %s)", way[1], way[2], body)
          if terms and OWN_ROWS[link] ~= nil then
            terms[#terms + 1] = probe_term(other, inner, t, way, seen, inner_parts, OWN_ROWS[link], any[#any], body)
          else
            terms = nil
          end
        end
      end
      local either = #any == 1 and any[1] or ("(" .. table.concat(any, " OR ") .. ")")
      parts[#parts + 1] = (join == "without" and "NOT " or "") .. either
      if terms then probes[#parts] = terms end
    end
  end
  return parts, probes
end

-- The set's conditions (sets.conditions) as one SQL expression.
function sets.predicate(set, alias, period, depth, staff_alias, at, foreign)
  definition_of(set, 2)
  local parts = sets.conditions(set, alias, period, depth, staff_alias, at, foreign)
  if #parts == 0 then return "1" end
  return table.concat(parts, " AND ")
end

-- The dated sets a set depends on (itself, its joins), for the check that
-- the store has data for the period at all; a join with any of several
-- sets gives { any = { sources of each } }.
function sets.sources(set, out)
  out = out or {}
  local def = definition_of(set, 2)
  if ENTITIES[def.entity].dated then out[#out + 1] = set end
  for _, join in ipairs({ "having", "without" }) do
    for _, entry in ipairs(def.joins[join]) do
      if sets.is_set(entry) then
        sets.sources(entry, out)
      else
        -- any of several: the data is missing only when every one's is
        local group = { any = {} }
        for _, other in ipairs(entry.any) do group.any[#group.any + 1] = sets.sources(other) end
        out[#out + 1] = group
      end
    end
  end
  return out
end

local function describe_value(value)
  local v = ConditionKind.definition(value)
  if v then
    if v.op == "between" then return "between(" .. tostring(v.a) .. ", " .. tostring(v.b) .. ")" end
    local names = { ["<"] = "below", [">"] = "above", ["<>"] = "is_not", null = "missing", ["not null"] = "present",
                    contains = "contains", matches = "matches" }
    local args = ""
    if type(v.a) == "table" then
      local items = {}
      for i, item in ipairs(v.a) do items[i] = string.format("%q", item) end
      args = table.concat(items, ", ")
    elseif type(v.a) == "string" then
      args = string.format("%q", v.a)
    elseif v.a ~= nil then
      args = tostring(v.a)
    end
    return names[v.op] .. "(" .. args .. ")"
  end
  v = value
  if type(v) == "table" then
    local items = {}
    for i, item in ipairs(v) do items[i] = string.format("%q", item) end
    return "{ " .. table.concat(items, ", ") .. " }"
  end
  return type(v) == "string" and string.format("%q", v) or tostring(v)
end

-- A value of a set's definition as text for sets.canonical: a string
-- quoted, an integer and a float told apart (a float with every digit), a
-- condition by its operator and bounds, a nested set by its own canonical
-- form, a list or table by its keys in order.
local function canonical_value(v)
  if SetKind.is(v) then return "set " .. sets.canonical(v) end
  local c = ConditionKind.definition(v)
  if c then return "cond(" .. c.op .. ";" .. canonical_value(c.a) .. ";" .. canonical_value(c.b) .. ")" end
  local t = type(v)
  if t == "string" then return string.format("%q", v) end
  if t == "number" then
    if math.type(v) == "integer" then return "i" .. tostring(v) end
    return "f" .. string.format("%.17g", v)
  end
  if t ~= "table" then return tostring(v) end
  local parts = {}
  for i, k in ipairs(sorted_keys(v)) do parts[i] = canonical_value(k) .. "=" .. canonical_value(v[k]) end
  return "{" .. table.concat(parts, ",") .. "}"
end
sets.canonical_value = canonical_value

-- A set's definition as one text, the same for two sets exactly when they
-- are declared alike: its entity, its filters (in field order) with their
-- values, its options and its joins (having, without; a list of which any
-- will do as any(...)), nested sets written the same way. Nothing of the
-- SQL a set compiles to is in it: the fingerprint of a formula made of it
-- (evaluation.definition_fingerprint) holds when only the compiler changes.
function sets.canonical(set)
  local def = definition_of(set, 2)
  local filters, options, joins = {}, {}, {}
  for i, f in ipairs(def.filters) do filters[i] = f.field .. "=" .. canonical_value(f.value) end
  for i, k in ipairs(sorted_keys(def.options)) do options[i] = k .. "=" .. canonical_value(def.options[k]) end
  for _, kind in ipairs({ "having", "without" }) do
    for _, entry in ipairs(def.joins[kind]) do
      if SetKind.is(entry) then
        joins[#joins + 1] = kind .. " " .. sets.canonical(entry)
      else
        local any = {}
        for i, one in ipairs(entry.any) do any[i] = sets.canonical(one) end
        joins[#joins + 1] = kind .. " any(" .. table.concat(any, ";") .. ")"
      end
    end
  end
  return def.entity .. "{" .. table.concat(filters, ";") .. "|" .. table.concat(options, ";") .. "|"
    .. table.concat(joins, ";") .. "}"
end

-- The set written back the way a pack writes it, for explain.
function sets.describe(set)
  set = definition_of(set, 2)
  local parts = {}
  for _, f in ipairs(set.filters) do parts[#parts + 1] = f.field .. " = " .. describe_value(f.value) end
  for _, k in ipairs(sorted_keys(set.options)) do
    local v = set.options[k]
    parts[#parts + 1] = k .. " = " .. (sets.is_set(v) and sets.describe(v) or tostring(v))
  end
  local text = set.entity .. " { " .. table.concat(parts, ", ") .. " }"
  for _, join in ipairs({ "having", "without" }) do
    for _, entry in ipairs(set.joins[join]) do
      if sets.is_set(entry) then
        text = text .. ":" .. join .. "(" .. sets.describe(entry) .. ")"
      else
        local any = {}
        for i, other in ipairs(entry.any) do any[i] = sets.describe(other) end
        text = text .. ":" .. join .. " { " .. table.concat(any, ", ") .. " }"
      end
    end
  end
  return text
end

return sets
