-- The language a rule pack is written in: pack, extends, criterion,
-- indicator, targets, recommend, and the sets, aggregates and targets they
-- use. Declarations are checked where they are made, so a mistake is
-- reported with the rule file and line.

-- The builtins this module reads, as locals: each read of a global goes
-- through the sandbox environment's strict __index, a C call, and the
-- evaluation reads them for every result row.
local assert, error, ipairs, next, pairs, pcall, select, tonumber, tostring, type = assert, error, ipairs, next, pairs, pcall, select, tonumber, tostring, type
local math, string, table = math, string, table

local sets = require "sets"
local aggregates = require "aggregates"
local targets = require "targets"
local evaluation = require "evaluation"
local vocabulary = require "vocabulary"
local schedule = require "schedule"

local dsl = {}

local MANIFEST_FIELDS = { id = true, title = true, period = true, municipality = true, region = true,
                          extends = true, description = true, goals = true, tasks = true, as_of = true,
                          methods = true, municipality_name = true }
local INDICATOR_FIELDS = { title = true, unit = true, value = true, target = true, source = true,
                           breakdown = true, missing = true, description = true, level = true, applies_to = true,
                           reading = true, target_by = true, deadline = true, empty = true }
local RECOMMEND_FIELDS = { when = true, to = true, text = true, priority = true, indicator = true,
                           indicators = true, title = true, organizations = true }
-- How the addressees are named at the head of a recommendation, which the
-- report already prints above the texts (so a text must not repeat them).
local ADDRESSEE_NAMES = { "Образовательным организациям", "Образовательной организации", "Органу управления образованием",
  "Управлению образования", "Управлению образованием", "Муниципальной методической службе", "Методической службе",
  "Муниципальному координатору", "Молодым педагогам", "Педагогам-наставникам", "Руководителям образовательных организаций",
  "Руководителям", "Педагогам" }
local BREAKDOWNS = { kind = true, position = true }

local function check_fields(what, spec, allowed, level)
  for k in pairs(spec) do
    if type(k) == "string" and not allowed[k] then
      local names = {}
      for name in pairs(allowed) do names[#names + 1] = name end
      table.sort(names)
      error(string.format(tr("%s: unknown field '%s'; known fields: %s"), what, k, table.concat(names, ", ")), level + 1)
    end
  end
end

-- A target as written in a pack: a phrase, a constructor, or a table of
-- those by organization kind or id (with default). Returns the target (or
-- table) and the flat list of targets in it.
local function read_target(what, value, level)
  if value == nil then return nil, {} end
  if type(value) == "string" then
    local t, err = targets.parse(value)
    if not t then error(what .. ": " .. err, level + 1) end
    return t, { t }
  end
  if targets.is_target(value) then return value, { value } end
  if type(value) == "table" then
    local by, list = {}, {}
    for key, v in pairs(value) do
      local t = read_target(what .. " [" .. tostring(key) .. "]", v, level + 1)
      if type(key) ~= "string" or not targets.is_target(t) then
        error(string.format(tr("%s: a target table maps an organization kind or id (or default) to a target"), what), level + 1)
      end
      by[key] = t
      list[#list + 1] = t
    end
    return by, list
  end
  error(string.format(tr("%s: a target is a phrase such as \"К 2024 году - не менее 70%%\", at_least(x), or a table by organization kind"), what), level + 1)
end

-- A copy of rule data (a manifest, a test's fixture) made of plain tables,
-- strings, numbers and booleans only, read raw (no metamethod runs): the
-- core reads the copy, which nothing in the rule file can change or make
-- run code.
local function plain_copy(value, what, at, depth)
  local t = type(value)
  if t == "string" or t == "number" or t == "boolean" then return value end
  if t ~= "table" or depth > 8 then
    error(at .. string.format(tr("%s: expected strings, numbers, booleans and tables of them, not a %s"), what, t), 0)
  end
  local copy, key = {}, nil
  repeat
    local v
    key, v = next(value, key)
    if key ~= nil then
      if type(key) ~= "string" and math.type(key) ~= "integer" then
        error(at .. string.format(tr("%s: a key is a %s; use names or list positions"), what, type(key)), 0)
      end
      copy[key] = plain_copy(v, what .. "." .. tostring(key), at, depth + 1)
    end
  until key == nil
  return copy
end

-- A list of organization kinds (applies_to, a rating's organizations), each
-- checked against the vocabulary and given as its code.
local function read_kinds(what, value, level)
  if type(value) == "string" then value = { value } end
  if type(value) ~= "table" or #value == 0 then
    error(string.format(tr("%s is a list of organization kinds, e.g. { \"school\" }"), what), level + 1)
  end
  local codes = {}
  for i, kind in ipairs(value) do
    local code, near_name, near_code
    if type(kind) == "string" then code, near_name, near_code = vocabulary.code("organization_kind", kind) end
    if not code then
      error(string.format(tr("%s: unknown organization kind %q; the nearest known is %q (%s); known: %s"), what,
        tostring(kind), near_name or "", near_code or "", table.concat(vocabulary.codes("organization_kind"), ", ")), level + 1)
    end
    codes[i] = code
  end
  return codes
end

-- How an indicator is judged: level, applies_to, reading, target_by.
local function check_judgement(what, spec, level)
  if spec.level ~= nil and spec.level ~= "organization" and spec.level ~= "municipality" then
    error(string.format(tr("%s: level is \"organization\" (the default: per organization and in total) or \"municipality\" (in total only)"), what), level + 1)
  end
  if spec.applies_to ~= nil then
    spec.applies_to = read_kinds(what .. ": applies_to", spec.applies_to, level + 1)
    if spec.level == "municipality" then error(string.format(tr("%s: applies_to chooses organizations; a municipality-level indicator has none"), what), level + 1) end
  end
  if spec.empty ~= nil and spec.empty ~= "no_data" and spec.empty ~= "not_applicable" then
    error(string.format(tr("%s: empty is \"no_data\" (the default: the population should be there) or \"not_applicable\" (it may rightly be absent, as young teachers in a school)"),
      what), level + 1)
  end
  if spec.reading ~= nil and type(spec.reading) ~= "string" then
    error(string.format(tr("%s: reading is the text saying how the document's words became the formula"), what), level + 1)
  end
  if spec.target_by ~= nil and spec.target_by ~= "document" and spec.target_by ~= "municipality" then
    error(string.format(tr("%s: target_by is \"document\" (the default) or \"municipality\" (the document states no target: the municipality chose it)"), what), level + 1)
  end
  if spec.target_by == "municipality" and spec.target == nil then
    error(string.format(tr("%s: target_by = \"municipality\" marks a target, but the indicator has none"), what), level + 1)
  end
end

-- The last day a deadline names, as a roadmap writes it ("до 15.01.2023",
-- "В течение всего периода реализации (2021- 2024 годы)"), or nil and why.
local function deadline_date(phrase, programme)
  local parsed, err = schedule.parse(phrase, programme)
  if not parsed then return nil, err end
  local last
  for _, w in ipairs(parsed.windows) do if not last or w.to > last then last = w.to end end
  if not last then return nil, "'" .. phrase .. "' names no date" end
  -- "до 01.01.2022", "по 01.01.2023": by the new year, so the last day is 31 December
  if last:sub(6) == "01-01" then
    last = string.format("%04d-12-31", tonumber(last:sub(1, 4)) - 1)
  end
  return last
end

local function read_deadline(what, phrase, level)
  local date, err = nil, "a deadline is a phrase such as \"до 15.01.2023\""
  if type(phrase) == "string" then date, err = deadline_date(phrase) end
  if not date then error(what .. ": deadline: " .. err, level + 1) end
  return { text = phrase }
end

local MONTHS = { "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                 "ноября", "декабря" }
local DAYS_IN = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

-- The reporting date of a manifest (pack { as_of = ... }): "31.12" (the
-- default), "01.09", "1 сентября", or "any_day" / "любой день года"
-- (employed on any day of the year). Returns { month, day } or "any_day".
function dsl.reporting_date(text, level)
  local usage = tr("pack { as_of = ... }: a day of the year such as \"31.12\", \"01.09\" or \"1 сентября\", or \"any_day\"")
  if type(text) ~= "string" then error(usage, level) end
  local folded = vocabulary.fold(text)
  if folded == "any_day" or folded == "любой день года" or folded == "в течение года" then return "any_day" end
  local day, month = folded:match("^(%d%d?)%.(%d%d?)$")
  day, month = tonumber(day), tonumber(month)
  if not day then
    local d, name = folded:match("^(%d%d?)%s+(%S+)$")
    for i, m in ipairs(MONTHS) do if name == m then day, month = tonumber(d), i end end
  end
  if not day or month < 1 or month > 12 or day < 1 or day > DAYS_IN[month] or (month == 2 and day == 29) then
    error(string.format(tr("%s, not %q"), usage, text), level)
  end
  return { month = month, day = day }
end

-- Creates the collector of one pack's declarations and the functions its
-- files call.
function dsl.new_pack(dir)
  local pack = { dir = dir, criteria = {}, indicators = {}, by_id = {}, overrides = {},
                 recommendations = {}, ratings = {}, adaptations = {}, layer = 0, manifests = {} }
  local api = {}

  function api.pack(manifest)
    if type(manifest) ~= "table" then error(tr("pack { ... }: expected a table"), 2) end
    check_fields("pack { ... }", manifest, MANIFEST_FIELDS, 2)
    if type(manifest.id) ~= "string" or manifest.id == "" then error(tr("pack { id = ... }: every pack needs an id"), 2) end
    if pack.manifests[pack.layer] then error(tr("pack { ... }: the manifest is declared twice"), 2) end
    local p = manifest.period
    if p ~= nil and (type(p) ~= "table" or math.type(p[1]) ~= "integer" or math.type(p[2]) ~= "integer" or p[1] > p[2]) then
      error(tr("pack { period = { FIRST_YEAR, LAST_YEAR } }: expected two years, e.g. { 2021, 2024 }"), 2)
    end
    if manifest.as_of ~= nil then manifest.as_of = dsl.reporting_date(manifest.as_of, 3) end
    pack.manifests[pack.layer] = plain_copy(manifest, "pack { ... }", where(2), 1)
    if manifest.extends then api.extends(manifest.extends) end
  end

  function api.extends(name)
    if type(name) ~= "string" or not name:find("^[%w_%-]+$") then
      error(tr("extends \"NAME\": the name of a pack folder next to this one, e.g. extends \"chelyabinsk\""), 2)
    end
    pack.pending_extends = name
  end

  function api.indicator(id)
    if type(id) ~= "string" or not id:find("^[%a_][%w_]*$") then
      error(tr("indicator \"id\" { ... }: the id is a name in Latin letters, digits and _"), 2)
    end
    local declared_at = where(2)
    return function(spec)
      local what = "indicator \"" .. id .. "\""
      if type(spec) ~= "table" then error(string.format(tr("%s: expected { title = ..., value = ... }"), what), 2) end
      check_fields(what, spec, INDICATOR_FIELDS, 2)
      if type(spec.title) ~= "string" then error(string.format(tr("%s: title is missing"), what), 2) end
      if not aggregates.is_aggregate(spec.value) and type(spec.value) ~= "function" then
        error(string.format(tr("%s: value must be an aggregate such as share(part, whole) or count(set), or a function(ctx)"), what), 2)
      end
      if spec.missing ~= nil and spec.missing ~= "no_data" and spec.missing ~= "zero" then
        error(string.format(tr("%s: missing is \"no_data\" (the default) or \"zero\""), what), 2)
      end
      local breakdown = spec.breakdown
      if type(breakdown) == "string" then breakdown = { breakdown } end
      for _, b in ipairs(breakdown or {}) do
        if not BREAKDOWNS[b] then error(string.format(tr("%s: breakdown is \"kind\" or \"position\""), what), 2) end
      end
      if pack.by_id[id] then error(string.format(tr("%s: declared twice (first at %s)"), what, pack.by_id[id].where), 2) end
      local target, list = read_target(what .. ": target", spec.target, 2)
      local unit = spec.unit
      if unit == nil and aggregates.is_aggregate(spec.value) then unit = spec.value.unit end
      check_judgement(what, spec, 2)
      local ind = { id = id, title = spec.title, unit = unit, value = spec.value, target = target,
                    target_list = list, source = spec.source, breakdown = breakdown, missing = spec.missing,
                    level = spec.level or "organization", applies_to = spec.applies_to, reading = spec.reading,
                    empty = spec.empty,
                    target_origin = spec.target_by or "document", deadline = spec.deadline and read_deadline(what, spec.deadline, 2),
                    where = declared_at }
      pack.by_id[id] = ind
      return ind
    end
  end

  function api.criterion(id)
    if type(id) ~= "string" then error(tr("criterion \"id\" { ... }: the id must be a string"), 2) end
    return function(spec)
      local existing
      for _, c in ipairs(pack.criteria) do if c.id == id then existing = c end end
      if type(spec) ~= "table" or (type(spec.title) ~= "string" and not existing) then
        error(string.format(tr("criterion \"%s\": expected { title = ..., indicator ... }"), id), 2)
      end
      check_fields("criterion \"" .. id .. "\"", spec, { title = true, description = true }, 2)
      -- a criterion declared again (by a municipality over its region) gains indicators
      local crit = existing or { id = id, title = spec.title }
      if not existing then pack.criteria[#pack.criteria + 1] = crit end
      for _, ind in ipairs(spec) do
        if type(ind) ~= "table" or pack.by_id[ind.id] ~= ind then
          error(string.format(tr("criterion \"%s\": its list holds indicator \"id\" { ... } declarations only"), id), 2)
        end
        ind.criterion = id
        pack.indicators[#pack.indicators + 1] = ind
      end
      return crit
    end
  end

  -- targets { id = target, ... }: a municipality's own targets over a base pack's.
  function api.targets(spec)
    if type(spec) ~= "table" then error(tr("targets { indicator_id = target, ... }: expected a table"), 2) end
    local at = where(2)
    for id, value in pairs(spec) do
      local t, list = read_target("targets { " .. tostring(id) .. " = ... }", value, 2)
      -- a municipality's own target over its document's: shown as its own choice
      pack.overrides[#pack.overrides + 1] = { id = id, target = t, list = list, where = at, layer = pack.layer,
                                              seq = #pack.overrides + 1, origin = "municipality" }
    end
  end

  -- rating "id" { title = ..., weights = { indicator = weight, ... } }: a
  -- composite rating of organizations ("рейтинг общеобразовательных учреждений").
  function api.rating(id)
    if type(id) ~= "string" then error(tr("rating \"id\" { ... }: the id must be a string"), 2) end
    local at = where(2)
    return function(spec)
      local what = "rating \"" .. id .. "\""
      if type(spec) ~= "table" or type(spec.title) ~= "string" or type(spec.weights) ~= "table" then
        error(string.format(tr("%s: expected { title = ..., weights = { indicator_id = weight, ... } }"), what), 2)
      end
      check_fields(what, spec, { title = true, weights = true, organizations = true, missing = true, description = true }, 2)
      local weights = {}
      for ind, w in pairs(spec.weights) do
        if type(ind) ~= "string" or type(w) ~= "number" or w <= 0 then
          error(string.format(tr("%s: weights map indicator ids to positive numbers"), what), 2)
        end
        weights[ind] = w
      end
      if spec.missing ~= nil and spec.missing ~= "skip" and spec.missing ~= "zero" then
        error(string.format(tr("%s: missing is \"skip\" (the default: an indicator without a value is left out and its weight with it) or \"zero\" (it counts as 0)"),
          what), 2)
      end
      local kinds, set = nil, nil
      if sets.is_set(spec.organizations) then
        if spec.organizations.entity ~= "organization" then error(string.format(tr("%s: organizations is a set of organizations"), what), 2) end
        set = spec.organizations
      elseif spec.organizations ~= nil then
        kinds = read_kinds(what .. ": organizations", spec.organizations, 2)
      end
      if spec.description ~= nil and type(spec.description) ~= "string" then error(string.format(tr("%s: description is a text"), what), 2) end
      pack.ratings[#pack.ratings + 1] = { id = id, title = spec.title, weights = weights, where = at, kinds = kinds,
                                          set = set, missing = spec.missing or "skip", description = spec.description }
    end
  end

  -- adapt { id = { title = ..., source = ..., target = ... } }: a
  -- municipality's wording and data sources over its region's indicators
  -- and criteria.
  function api.adapt(spec)
    if type(spec) ~= "table" then error(tr("adapt { id = { title = ..., source = ... }, ... }: expected a table"), 2) end
    local at = where(2)
    for id, fields in pairs(spec) do
      if type(fields) ~= "table" then error(string.format(tr("adapt { %s = { title = ..., source = ... } }: expected a table"), tostring(id)), 2) end
      check_fields("adapt { " .. tostring(id) .. " = ... }", fields, { title = true, source = true, target = true }, 2)
      if fields.target ~= nil then
        local t, list = read_target("adapt { " .. tostring(id) .. " = { target = ... } }", fields.target, 2)
        pack.overrides[#pack.overrides + 1] = { id = id, target = t, list = list, where = at, layer = pack.layer,
                                                seq = #pack.overrides + 1, origin = "document" }
      end
      pack.adaptations[#pack.adaptations + 1] = { id = id, fields = fields, where = at, layer = pack.layer }
    end
  end

  function api.recommend(spec)
    if type(spec) ~= "table" then error(tr("recommend { when = ..., to = ..., text = ... }: expected a table"), 2) end
    check_fields("recommend { ... }", spec, RECOMMEND_FIELDS, 2)
    if type(spec.text) ~= "string" then error(tr("recommend { text = ... }: the text of the recommendation is missing"), 2) end
    if spec.when ~= nil and type(spec.when) ~= "function" and type(spec.when) ~= "string" then
      error(tr("recommend { when = ... }: a status such as \"not_met\" or a function(result)"), 2)
    end
    if spec.text:find("{organization}", 1, true) then
      error(tr("recommend { text = ... }: the report shows the organization next to each recommendation; do not repeat it with {organization}"), 2)
    end
    local prefix = spec.text:match("^%s*([^:]+):")
    for _, name in ipairs(ADDRESSEE_NAMES) do
      if prefix and (prefix == name or prefix:find("^" .. name:gsub("%p", "%%%0"))) then
        error(string.format(tr("recommend { text = ... }: the report groups recommendations under their addressee; the text need not begin with «%s:»"),
          prefix), 2)
      end
    end
    if spec.organizations ~= nil then spec.organizations = read_kinds("recommend { organizations = ... }", spec.organizations, 2) end
    if spec.to ~= nil then
      if type(spec.to) ~= "string" then error(tr("recommend { to = ... }: the addressee is a string such as \"organization\""), 2) end
      local code, near_name, near_code = vocabulary.code("addressee", spec.to)
      if not code then
        error(string.format(tr("recommend { to = %q }: unknown addressee; the nearest known is %q (%s); known: %s"), spec.to,
          near_name, near_code, table.concat(vocabulary.codes("addressee"), ", ")), 2)
      end
      spec.to = code
    end
    pack.recommendations[#pack.recommendations + 1] = { spec = spec, where = where(2) }
  end

  for _, name in ipairs({ "organization", "organizations", "staff", "activity", "activities", "community",
                          "communities", "document", "documents", "event", "events", "participation", "registry",
                          "registries", "below", "above", "between", "is_not", "missing", "present", "contains",
                          "matches" }) do
    api[name] = sets[name]
  end
  for _, name in ipairs({ "count", "share", "ratio", "sum", "avg", "exists", "distinct", "growth" }) do
    api[name] = aggregates[name]
  end
  for _, name in ipairs({ "at_least", "at_most", "equals", "presence", "trajectory" }) do
    api[name] = targets[name]
  end
  api.growth_target = targets.growth
  api.not_met, api.below_target = "not_met", "not_met"
  api.regex = require "regex"
  return pack, api
end

-- Sets which layer (0: the pack itself, 1: its base, ...) the next files belong to.
function dsl.set_layer(pack, layer) pack.layer = layer end

-- The base pack the last manifest named, once.
function dsl.take_extends(pack)
  local name = pack.pending_extends
  pack.pending_extends = nil
  return name
end

-- Makes the indicator's targets due by its deadline.
local function apply_deadline(ind, programme)
  local d = ind.deadline
  d.date = assert(deadline_date(d.text, programme))
  local function due(t)
    if t.year and t.year ~= tonumber(d.date:sub(1, 4)) then
      error(ind.where .. string.format(tr("indicator \"%s\": the target says %s but the deadline %s"), ind.id, tostring(t.year), d.text), 0)
    end
    return targets.with_deadline(t, d.date, d.text)
  end
  if targets.is_target(ind.target) then
    ind.target = due(ind.target)
    ind.target_list = { ind.target }
  elseif ind.target then
    ind.target_list = {}
    for k, t in pairs(ind.target) do
      ind.target[k] = due(t)
      ind.target_list[#ind.target_list + 1] = ind.target[k]
    end
  end
end

-- Checks what needs every file, and applies overrides from the deepest base
-- up to the pack itself.
function dsl.finish(pack)
  local manifest = pack.manifests[0]
  if not manifest then error(string.format(tr("%s/pack.lua: the manifest pack { id = ..., title = ... } is missing"), pack.dir), 0) end
  for id, ind in pairs(pack.by_id) do
    if not ind.criterion then error(ind.where .. string.format(tr("indicator \"%s\" is not inside any criterion"), id), 0) end
  end
  -- deepest base first; within a layer in the order written, so a later file
  -- (the municipality's targets_override.lua is loaded last) wins
  table.sort(pack.overrides, function(a, b)
    if a.layer ~= b.layer then return a.layer > b.layer end
    return a.seq < b.seq
  end)
  for _, o in ipairs(pack.overrides) do
    local ind = pack.by_id[o.id]
    if not ind then
      local ids = {}
      for _, i in ipairs(pack.indicators) do ids[#ids + 1] = i.id end
      error(o.where .. string.format(tr("targets: no indicator '%s' in this pack or its base; known: %s"), tostring(o.id), table.concat(ids, ", ")), 0)
    end
    ind.target, ind.target_list, ind.target_origin = o.target, o.list, o.origin
  end
  table.sort(pack.adaptations, function(a, b) return a.layer > b.layer end)
  for _, a in ipairs(pack.adaptations) do
    local target = pack.by_id[a.id]
    if not target then
      for _, c in ipairs(pack.criteria) do if c.id == a.id then target = c end end
    end
    if not target then error(a.where .. string.format(tr("adapt: no indicator or criterion '%s' in this pack or its base"), tostring(a.id)), 0) end
    if a.fields.title then target.title = a.fields.title end
    if a.fields.source then target.source = a.fields.source end
  end
  for layer = 0, 16 do
    local m = pack.manifests[layer]
    if m and m.period and not pack.programme then pack.programme = m.period end
    if m and m.as_of and not pack.as_of then pack.as_of = m.as_of end
  end
  for _, ind in pairs(pack.by_id) do
    if ind.deadline then apply_deadline(ind, pack.programme) end
  end
  for _, r in ipairs(pack.ratings) do
    for id in pairs(r.weights) do
      local ind = pack.by_id[id]
      local what = r.where .. string.format(tr("rating \"%s\": indicator '%s'"), r.id, id)
      if not ind then error(r.where .. string.format(tr("rating \"%s\": no indicator '%s' in this pack"), r.id, id), 0) end
      if ind.level == "municipality" then
        error(what .. tr(" is judged for the municipality only; a rating ranks organizations"), 0)
      end
      if not ind.target and ind.unit ~= "%" then
        error(what .. tr(" has no target and is not a share: a rating needs how far each indicator is towards its target"), 0)
      end
    end
  end
  return manifest.id
end

-- Goals, tasks, methods of collecting information and counts of the pack
-- (the region's first), for the cycle.
function dsl.summary(pack)
  local out = { goals = {}, tasks = {}, methods = {}, criteria = #pack.criteria, indicators = #pack.indicators,
                with_source = 0, with_target = 0, recommendation_rules = #pack.recommendations }
  for layer = 16, 0, -1 do
    local m = pack.manifests[layer]
    if m then
      for _, field in ipairs({ "goals", "tasks", "methods" }) do
        local v = m[field]
        if type(v) == "string" then v = { v } end
        for _, item in ipairs(type(v) == "table" and v or {}) do out[field][#out[field] + 1] = tostring(item) end
      end
    end
  end
  if pack.programme then out.programme_first, out.programme_last = pack.programme[1], pack.programme[2] end
  out.title = pack.manifests[0] and pack.manifests[0].title or nil
  -- the municipality's name for people (reports never print its code)
  local name = pack.manifests[0] and pack.manifests[0].municipality_name
  if type(name) == "string" and name ~= "" then out.municipality_name = name end
  out.ids = {}
  for i, ind in ipairs(pack.indicators) do out.ids[i] = ind.id end
  for _, ind in ipairs(pack.indicators) do
    if ind.source then out.with_source = out.with_source + 1 end
    if ind.target then out.with_target = out.with_target + 1 end
  end
  return out
end

-- The pack's indicators in declaration order, as plain descriptions.
function dsl.indicators(pack)
  local list = {}
  local titles = {}
  for _, c in ipairs(pack.criteria) do titles[c.id] = c.title end
  for i, ind in ipairs(pack.indicators) do
    list[i] = { id = ind.id, criterion = ind.criterion, criterion_title = titles[ind.criterion], title = ind.title,
                unit = ind.unit, source = ind.source, level = ind.level, reading = ind.reading,
                applies_to = ind.applies_to and table.concat(ind.applies_to, ",") or nil,
                target_origin = ind.target and ind.target_origin or nil,
                deadline = ind.deadline and ind.deadline.text or nil }
  end
  return list
end

-- Fills the evaluation context (ctx.db and ctx.period come from the core).
function dsl.prepare(pack, ctx)
  ctx.statements, ctx.log, ctx.sources = 0, {}, {}
  ctx.programme_start = pack.programme and pack.programme[1] or nil
  ctx.as_of = pack.as_of
  evaluation.prepare(pack, ctx)
  return ctx.statements
end

-- Everything of a pack but its targets that decides the rows of an
-- evaluation in period, as text: two packs with the same layout give the
-- same rows but for what their targets judge. A region-wide run takes a
-- municipality whose layer differs from the region's pack only in its
-- targets into its one pass over the data (with the layer's targets, see
-- dsl.targets_export); another is evaluated alone with its layer.
function dsl.layout(pack, period)
  local out = {}
  local function put(...)
    for i = 1, select("#", ...) do out[#out + 1] = tostring((select(i, ...))) end
    out[#out + 1] = "\n"
  end
  local function list(t) return type(t) == "table" and table.concat(t, ",") or tostring(t) end
  local as_of = pack.as_of
  put("as_of", type(as_of) == "table" and (as_of.month .. "." .. as_of.day) or as_of)
  put("programme", pack.programme and list(pack.programme))
  put("recommendations", #pack.recommendations, "ratings", #pack.ratings)
  for _, r in ipairs(pack.ratings) do
    local ids = {}
    for id, w in pairs(r.weights) do ids[#ids + 1] = id .. "=" .. w end
    table.sort(ids)
    put("rating", r.id, r.title, r.missing, list(r.kinds), r.set and sets.describe(r.set), table.concat(ids, ","))
  end
  for _, c in ipairs(pack.criteria) do put("criterion", c.id, c.title) end
  local t = sets.time(period, as_of)
  local function measures(agg)
    if agg.kind == "growth" then
      put("growth", agg.base, agg.points)
      return measures(agg.inner)
    end
    put("aggregate", agg.kind, agg.unit)
    for _, m in ipairs(agg.measures) do put("measure", m.entity, m.additive, m.sql("x", t, "xs", nil)) end
  end
  for _, ind in ipairs(pack.indicators) do
    put("indicator", ind.id, ind.criterion, ind.title, ind.unit, ind.source, ind.level, ind.reading, list(ind.applies_to),
      ind.empty, ind.missing, list(ind.breakdown), ind.deadline and ind.deadline.text)
    if type(ind.value) == "function" then put("function") else measures(ind.value) end
  end
  return table.concat(out)
end

-- The targets of every indicator of the pack (as finished: overrides and
-- deadlines applied) as text for another Lua state (targets.export).
function dsl.targets_export(pack)
  local all = {}
  for _, ind in ipairs(pack.indicators) do all[ind.id] = { target = ind.target, origin = ind.target_origin } end
  return targets.export(all)
end

-- The targets of municipalities that come into a region-wide run with
-- their layers' own: ctx.unit_targets_text (by municipality, the text of
-- dsl.targets_export) read into ctx.unit_targets[m][indicator id] =
-- { target, list, origin }.
local function read_unit_targets(ctx)
  if type(ctx.unit_targets_text) ~= "table" then return end
  ctx.unit_targets = {}
  for m, text in pairs(ctx.unit_targets_text) do
    local own = {}
    for id, t in pairs(targets.import(text)) do
      local list = {}
      if targets.is_target(t.target) then list[1] = t.target
      elseif t.target then for _, one in pairs(t.target) do list[#list + 1] = one end end
      own[id] = { target = t.target, list = list, origin = t.origin }
    end
    ctx.unit_targets[m] = own
  end
end

local advice_of -- below: recommendations and ratings as the rows stream

-- Evaluates the indicators ids (all when nil) into sink (the core's
-- result_sink, see engine/cycle/result_sink.h), with the pack's
-- recommendations and ratings when all are evaluated. Returns the number
-- of statements run; a broken recommendation rule raises.
function dsl.stream(pack, ctx, sink, ids)
  dsl.prepare(pack, ctx)
  read_unit_targets(ctx)
  local advice = not ids and advice_of(pack, ctx, sink) or nil
  local n = evaluation.stream(pack, ctx, sink, ids, advice)
  if advice and advice.failure then error(advice.failure, 0) end
  return n
end

-- What re-judging stored results needs of the pack (see
-- evaluation.rejudge_plan); ctx holds the period of the stored cycle.
function dsl.rejudge_plan(pack, ctx)
  ctx.programme_start = pack.programme and pack.programme[1] or nil
  ctx.as_of = pack.as_of
  ctx.applied, ctx.judged = {}, {}
  return evaluation.rejudge_plan(pack, ctx)
end

-- The formulas of a cycle's stored pack, for a cycle that kept only the
-- fingerprint of its SQL (evaluation.stored_formulas); ctx holds the period.
function dsl.stored_formulas(pack, ctx)
  ctx.as_of = pack.as_of
  return evaluation.stored_formulas(pack, ctx)
end

-- The message of a row whose source has no rows in the period: such a
-- row stays "no data" when re-judged.
dsl.missing_prefix = evaluation.MISSING_PREFIX

-- Re-judges one group of stored rows of indicator id (evaluation.rejudge).
function dsl.rejudge(pack, ctx, id, group) return evaluation.rejudge(pack, ctx, id, group) end

local function format_number(v)
  if v == nil then return "нет данных" end
  if math.type(v) == "integer" or v == math.floor(v) then return string.format("%d", math.floor(v)) end
  return (string.format("%.2f", v):gsub("0$", ""):gsub("%.", ","))
end

-- Fills {value}, {target}, {title}, {indicator} in text.
local function fill(text, ind, row)
  local target = "не задана"
  if row.target and row.target.kind == "growth" then target = row.target.reason
  elseif row.target and row.target.value then target = format_number(row.target.value) .. (ind.unit == "%" and "%" or "") end
  local values = {
    value = format_number(row.value) .. (ind.unit == "%" and "%" or ""),
    target = target, title = ind.title, indicator = ind.id,
  }
  return (text:gsub("{(%w+)}", function(k) return values[k] or ("{" .. k .. "}") end))
end

-- How far a result is towards its target, in percent (0 to 100), or nil
-- when it has no value: value / target for "не менее" (target / value for
-- "не более"), 100 or 0 for presence, growth / the growth asked for, and a
-- share's own value when there is no target.
local function achievement(row, unit)
  if row.value == nil then return nil end
  local t = row.target
  if not t then return unit == "%" and math.max(0, math.min(row.value, 100)) or nil end
  local v, goal = row.value, t.value
  if t.kind == "presence" then return v ~= 0 and 100 or 0 end
  if t.kind == "growth" then
    if row.base_value == nil then return nil end
    if not goal then return v > row.base_value and 100 or 0 end
    if row.growth == nil then return nil end
    return math.max(0, math.min(row.growth / goal, 1)) * 100
  end
  if goal == nil then return unit == "%" and math.max(0, math.min(v, 100)) or nil end
  if t.kind == "at_most" or t.kind == "below" then
    return v <= goal and 100 or math.max(0, goal / v * 100)
  end
  if goal <= 0 then return 100 end
  return math.max(0, math.min(v / goal, 1)) * 100
end

-- How a rating is made, in words for the report: which organizations,
-- the indicators and weights, what a missing value does.
local function rating_method(pack, r)
  local parts = {}
  local ids = {}
  for id in pairs(r.weights) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do
    parts[#parts + 1] = "«" .. pack.by_id[id].title .. "» — вес " .. format_number(r.weights[id])
  end
  local who = "все организации"
  if r.kinds then
    local names = {}
    for i, k in ipairs(r.kinds) do names[i] = vocabulary.label("organization_kind", k) or k end
    who = "организации вида: " .. table.concat(names, ", ")
  elseif r.set then who = "организации набора " .. sets.describe(r.set) end
  return (r.description and (r.description .. " ") or "") .. "Организации: " .. who .. ". Показатели и веса: "
    .. table.concat(parts, "; ") .. ". Балл — взвешенное среднее степени достижения цели каждым показателем"
    .. " (значение к цели, не более 100%; для «не более» — цель к значению; наличие — 100 или 0; рост — к требуемому росту)."
    .. (r.missing == "zero" and " Показатель без значения считается нулём." or
        " Показатель без значения не учитывается, его вес распределяется на остальные.")
    .. " Показатели, не применимые к организации, не учитываются."
end

-- Recommendations and ratings made from the rows as they stream (see
-- evaluation.stream): each recommendation rule is applied to every row of
-- the indicators it names (a status or a function(row)); organization
-- rows go to the organization, the total to the municipality. Each rating
-- receives, per organization it ranks (its kinds, its set, or all), the
-- achievement of every indicator it weighs; the core (result_sink) makes
-- the weighted means and ranks from them. A failing rule stops the advice
-- and is raised once the evaluation is done.
advice_of = function(pack, _, sink)
  local advice = { member_sets = {} }
  local rules_of, ratings_of = {}, {}
  for seq, rule in ipairs(pack.recommendations) do
    local spec = rule.spec
    local wanted = {}
    if spec.indicator then wanted[spec.indicator] = true end
    for _, id in ipairs(spec.indicators or {}) do wanted[id] = true end
    for _, ind in ipairs(pack.indicators) do
      if next(wanted) == nil or wanted[ind.id] then
        rules_of[ind.id] = rules_of[ind.id] or {}
        table.insert(rules_of[ind.id], { seq = seq, spec = spec, to = spec.to or "organization" })
      end
    end
  end
  local members, member_column = {}, {}
  for seq, r in ipairs(pack.ratings) do
    sink:rating(seq, r.id, r.title, rating_method(pack, r), r.missing == "zero")
    if r.set then
      advice.member_sets[#advice.member_sets + 1] = r
      member_column[seq] = "member_" .. #advice.member_sets
    end
    for id, w in pairs(r.weights) do
      ratings_of[id] = ratings_of[id] or {}
      table.insert(ratings_of[id], { seq = seq, weight = w })
    end
  end
  -- which ratings rank the organization whose rows come next
  function advice.organization(org)
    for seq, r in ipairs(pack.ratings) do
      local ok = true
      if r.kinds then
        ok = false
        for _, k in ipairs(r.kinds) do if k == org.kind then ok = true end end
      end
      if member_column[seq] and org[member_column[seq]] ~= 1 then ok = false end
      members[seq] = ok
    end
  end
  -- What a rule's when(row) is given: a copy of the row with its own
  -- target part, which evaluation shares between the rows judged against
  -- one target; a rule writing into it must not change the other rows.
  local function row_for_rule(row)
    local view = {}
    for k, v in pairs(row) do view[k] = v end
    if row.target then
      view.target = {}
      for k, v in pairs(row.target) do view.target[k] = v end
    end
    return view
  end
  local function recommend(st, row, where)
    local ind = st.ind
    for _, rule in ipairs(rules_of[ind.id] or {}) do
      local spec = rule.spec
      local applies
      if type(spec.when) == "function" then applies = spec.when(row_for_rule(row))
      else applies = row.status == (spec.when or "not_met") end
      local level_ok = not row.breakdown and ((rule.to == "organization") == (row.organization ~= nil))
      if spec.organizations and row.organization then
        local kind_ok = false
        for _, k in ipairs(spec.organizations) do if k == row.organization_kind then kind_ok = true end end
        level_ok = level_ok and kind_ok
      end
      if applies and level_ok and row.status ~= "not_applicable" then
        sink:recommendation(rule.seq, st.seq, where.unit, where.part, where.ord, row.organization, rule.to,
          spec.priority or 2, fill(spec.text, ind, row), where.pending)
      end
    end
  end
  -- Whether the organization rows of ind need no advice: no rating weighs
  -- them and no rule reads them (a rule to the municipality or another
  -- addressee sees its total only; a rule's function is rule code, and
  -- runs on every row it names). Their rows are then made without it.
  function advice.plain_rows(ind)
    if ratings_of[ind.id] then return false end
    for _, rule in ipairs(rules_of[ind.id] or {}) do
      if rule.to == "organization" or type(rule.spec.when) == "function" then return false end
    end
    return true
  end
  function advice.row(st, row, where)
    if advice.failure then return end
    if where.part == 1 and row.status ~= "not_applicable" then
      for _, rating in ipairs(ratings_of[st.ind.id] or {}) do
        if members[rating.seq] then
          sink:rating_part(rating.seq, st.seq, where.unit, row.organization, row.organization_name,
            achievement(row, st.ind.unit), rating.weight, where.pending)
        end
      end
    end
    local ok, err = pcall(recommend, st, row, where)
    if not ok then advice.failure = err end
  end
  return advice
end

-- The sets, SQL and target of indicator id, for explain.
function dsl.explain(pack, id, ctx)
  local ind = pack.by_id[id]
  local out = { id = id, title = ind.title, where = ind.where, criterion = ind.criterion, sets = {}, sql = {} }
  if type(ind.value) == "function" then
    out.value = tr("function(ctx) (escape hatch: its SQL is listed as it runs)")
  else
    out.value = ind.value.kind
    local agg = ind.value.kind == "growth" and ind.value.inner or ind.value
    for i, set in ipairs(agg.sets) do out.sets[i] = sets.describe(set) end
  end
  local before = #ctx.log
  local ok, rows = pcall(evaluation.rows, pack, ctx, id)
  for i = before + 1, #ctx.log do out.sql[#out.sql + 1] = ctx.log[i] end
  out.rows = ok and rows or nil
  out.error = not ok and rows or nil
  return out
end

-- A number of explain, as the tables for people write it: 28,57.
local function fmt(v)
  if v == nil then return "-" end
  if math.type(v) == "integer" then return tostring(v) end
  return (string.format("%.2f", v):gsub("%.", ","))
end

-- explain as text: declaration, sets, target, the SQL that ran, and the
-- numerator and denominator per organization (only org when given). Its
-- labels are for people (tr); a status is shown in words (status_word,
-- the one table of engine/report/russian.c), with its code for the JSON.
function dsl.explain_text(pack, id, ctx, org)
  local e = dsl.explain(pack, id, ctx)
  local out = {}
  local function add(format, ...) out[#out + 1] = string.format(format, ...) end
  local function state(code) return string.format("%s (%s)", status_word(code), code) end
  add("%s: %s", e.id, e.title)
  add(tr("declared at %s in criterion %s"), (e.where:gsub(":%s*$", "")), e.criterion)
  add(tr("value: %s"), e.value)
  for i, text in ipairs(e.sets) do add(tr("  set %d: %s"), i, text) end
  local ind = pack.by_id[id]
  if ind.reading then add(tr("reading: %s"), ind.reading) end
  if ind.level == "municipality" then
    add("%s", tr("level: municipality (judged in total only: no rows per organization, no problem zones or ranks)"))
  end
  if ind.applies_to then
    add(tr("applies to organizations of kind: %s (others are not applicable)"), table.concat(ind.applies_to, ", "))
  end
  if ind.target then
    for _, t in ipairs(ind.target_list) do
      add("%s%s", string.format(tr("target: %s"), t.text),
          ind.target_origin == "municipality" and tr(" [the municipality's own choice: the document states no target]") or "")
    end
    if ind.deadline then add(tr("deadline: %s (judged from %s on)"), ind.deadline.text, ind.deadline.date) end
  else
    add("%s", tr("target: none (status: no target)"))
  end
  add(tr("SQL (%d statements, run on the read-only connection):"), #e.sql)
  for _, sql in ipairs(e.sql) do add("  %s;", sql) end
  if e.error then
    add(tr("error: %s"), e.error)
    return table.concat(out, "\n")
  end
  add(tr("results for %d:"), ctx.period)
  for _, row in ipairs(e.rows) do
    if not org or row.organization == org or (row.organization == nil and not row.breakdown) then
      local who = row.breakdown and string.format(tr("by %s %s"), row.breakdown, row.group) or row.organization_name
        or tr("TOTAL (municipality)")
      add(tr("  %s: numerator %s, denominator %s, value %s -> %s"), who, fmt(row.numerator), fmt(row.denominator),
          fmt(row.value), state(row.status))
      if row.target then
        add(tr("    rule applied: %s (phrase: «%s»)"), row.target.reason or "-", row.target.text)
      end
      if row.cumulative then
        add(tr("    %s: yearly %s (%s of %s); cumulative since %d %s (%s of %s)"),
            row.figure == "cumulative" and tr("judged on the cumulative figure") or tr("judged on the year's own share"),
            fmt(row.yearly and row.yearly.value), fmt(row.yearly and row.yearly.numerator), fmt(row.yearly and row.yearly.denominator),
            row.cumulative.since, fmt(row.cumulative.value), fmt(row.cumulative.numerator), fmt(row.cumulative.denominator))
      end
      if row.path_value ~= nil then
        add(tr("    linear path in %d: %s -> %s"), ctx.period, fmt(row.path_value), row.progress and state(row.progress) or "-")
      end
      if row.base_value ~= nil then
        add(tr("    base value (%s) %s, growth %s%%"), tostring(row.target and row.target.base_year or "-"), fmt(row.base_value),
            fmt(row.growth))
      end
      if row.message then add("    %s", row.message) end
    end
  end
  return table.concat(out, "\n")
end

-- Declarations of a pack's own tests (files in PACK/tests/).
function dsl.new_tests()
  local list = {}
  local api = {}
  function api.test(name)
    if type(name) ~= "string" then error(tr("test \"name\" { ... }: the name must be a string"), 2) end
    local at = where(2)
    return function(spec)
      if type(spec) ~= "table" or math.type(spec.period) ~= "integer" or type(spec.data) ~= "table" or type(spec.expect) ~= "table" then
        error(string.format(tr("test \"%s\": expected { period = YEAR, data = { organizations = ..., staff = ..., activities = ... }, expect = { ... } }"), name), 2)
      end
      for key in pairs(spec) do
        if key ~= "period" and key ~= "data" and key ~= "expect" and key ~= "ratings" and key ~= "recommendations" then
          error(string.format(tr("test \"%s\": unknown field '%s'; known: period, data, expect, ratings, recommendations"), name, tostring(key)), 2)
        end
      end
      list[#list + 1] = { name = name, period = spec.period, data = plain_copy(spec.data, "data", at, 1),
                          expect = plain_copy(spec.expect, "expect", at, 1),
                          ratings = spec.ratings ~= nil and plain_copy(spec.ratings, "ratings", at, 1) or nil,
                          recommendations = spec.recommendations ~= nil
                            and plain_copy(spec.recommendations, "recommendations", at, 1) or nil, where = at }
    end
  end
  return list, api
end

return dsl
