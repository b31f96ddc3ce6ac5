-- Evaluation: turns a pack's indicators into results. The measures of all
-- requested indicators are grouped by entity and period, and each group is
-- computed by one SQL statement over that entity, grouped by organization
-- and position; per-organization values, the municipality total (from
-- numerators and denominators, never an average of shares) and breakdowns
-- are then combined from those sums.

local sets = require "sets"
local aggregates = require "aggregates"
local targets = require "targets"
local vocabulary = require "vocabulary"

local evaluation = {}

-- How each entity is scanned: its FROM clause (and the rows it is limited
-- to in the reporting time t), its organization and position columns, and
-- the alias its predicates use. Workers are scanned by their employment
-- spans, an activity with the span of its worker on its date: that span's
-- organization is the one the activity counts for.
local SCANS = {
  staff = { from = "employment s_e JOIN staff s ON s.id = s_e.staff_id", alias = "s", at = "joined",
            org = "s_e.organization_id", position = "s_e.position",
            where = function(t) return sets.employed_sql("s_e", "'" .. t.from .. "'", "'" .. t.to .. "'") end,
            -- a worker employed on several days of the year counts once in the
            -- total: with the last span of the year
            total_where = function(t)
              return "NOT EXISTS (SELECT 1 FROM employment s_n WHERE s_n.staff_id = s_e.staff_id"
                .. " AND s_n.from_date > s_e.from_date AND s_n.from_date <= '" .. t.to .. "')"
            end },
  activity = { from = "activity a JOIN employment a_s_e ON a_s_e.staff_id = a.staff_id AND "
                 .. sets.employed_sql("a_s_e", "a.date", "a.date") .. " JOIN staff a_s ON a_s.id = a.staff_id",
               alias = "a", staff_alias = "a_s", org = "a_s_e.organization_id", position = "a_s_e.position" },
  organization = { from = "organization o", alias = "o", org = "o.id", position = "NULL" },
  event = { from = "event v", alias = "v", org = "v.organization_id", position = "NULL" },
  -- a participation counts for the organization that took part, else for
  -- the one where its worker was employed on its date
  participation = { from = "participation p LEFT JOIN employment p_s_e ON p.organization_id IS NULL"
                        .. " AND p_s_e.staff_id = p.staff_id AND " .. sets.employed_sql("p_s_e", "p.date", "p.date")
                        .. " LEFT JOIN staff p_s ON p_s.id = p.staff_id",
                    alias = "p", staff_alias = "p_s", org = "coalesce(p.organization_id, p_s_e.organization_id)",
                    position = "p_s_e.position" },
  -- a registry's member counts where they are employed on the reporting date
  registry = { from = function(t)
                 return "registry_member r LEFT JOIN employment r_s_e ON r_s_e.staff_id = r.staff_id AND "
                   .. sets.employed_sql("r_s_e", "'" .. t.from .. "'", "'" .. t.to .. "'")
               end,
               alias = "r", org = "r_s_e.organization_id", position = "r_s_e.position" },
  community = { from = "community c", alias = "c", org = "c.organization_id", position = "NULL" },
  document = { from = "document d", alias = "d", org = "d.organization_id", position = "NULL" },
}

-- Runs sql on the context's read-only store, counting statements.
local function query(ctx, sql)
  ctx.statements = ctx.statements + 1
  ctx.log[#ctx.log + 1] = sql
  local rows, err = ctx.db:query(sql)
  if not rows then return nil, err end
  return rows
end

-- The organizations of the municipality, in id order, and by id.
function evaluation.organizations(ctx)
  if not ctx.organizations then
    local rows = assert(query(ctx, "SELECT id, name, kind FROM organization ORDER BY id"))
    ctx.organizations, ctx.organization_by_id = rows, {}
    for _, o in ipairs(rows) do ctx.organization_by_id[o.id] = o end
  end
  return ctx.organizations
end

-- The SQL of one scan: the measures' columns grouped by organization and
-- position (or by organization only, or not at all).
local function scan_sql(entity, t, measures, grouping)
  local s = SCANS[entity]
  local columns = {}
  for i, m in ipairs(measures) do columns[i] = m.sql(s.alias, t, s.staff_alias, s.at) .. " AS m" .. i end
  local where = {}
  if s.where then where[1] = s.where(t) end
  if grouping == "total" and s.total_where and t.any_day then where[#where + 1] = s.total_where(t) end
  local source = type(s.from) == "function" and s.from(t) or s.from
  local from = " FROM " .. source .. (#where > 0 and (" WHERE " .. table.concat(where, " AND ")) or "")
  if grouping == "total" then return "SELECT " .. table.concat(columns, ", ") .. from end
  local keys = grouping == "org" and (s.org .. " AS org") or (s.org .. " AS org, " .. s.position .. " AS position")
  return "SELECT " .. keys .. ", " .. table.concat(columns, ", ") .. from .. " GROUP BY " .. (grouping == "org" and "1" or "1, 2")
end

-- Plans the measures of requests ({ key, aggregate, period }) into scans.
-- When workers count on any day of the year, one may count in two
-- organizations: counts of workers then do not add up to the total.
local function plan(requests, ctx)
  local batches, order = {}, {}
  for _, r in ipairs(requests) do
    r.slots = {}
    for i, m in ipairs(r.aggregate.measures) do
      local additive = m.additive and not (ctx.as_of == "any_day" and m.entity == "staff")
      local key = m.entity .. "|" .. r.period .. "|" .. (additive and "additive" or "distinct")
      local b = batches[key]
      if not b then
        b = { entity = m.entity, period = r.period, additive = additive, measures = {} }
        batches[key] = b
        order[#order + 1] = b
      end
      b.measures[#b.measures + 1] = m
      r.slots[i] = { batch = b, column = "m" .. #b.measures }
    end
  end
  return order
end

-- Runs a batch: its grouped rows and, for non-additive measures, totals.
local function run_batch(ctx, b)
  local t = sets.time(b.period, ctx.as_of)
  local rows, err = query(ctx, scan_sql(b.entity, t, b.measures, b.additive and "org_position" or "org"))
  if not rows then b.error = err return end
  b.rows = rows
  if not b.additive then
    local totals
    totals, err = query(ctx, scan_sql(b.entity, t, b.measures, "total"))
    if not totals then b.error = err return end
    b.totals = totals[1]
  end
end

-- Sums every measure column of a batch per group: per organization, per
-- organization kind, per position, and over all rows, in one pass, so
-- combining stays linear in the number of rows.
local function index_batch(b, by_org)
  local sums = { org = {}, kind = {}, position = {}, all = {} }
  local function add(bucket, key, row)
    if key == nil then return end
    local t = bucket[key]
    if not t then t = {} bucket[key] = t end
    for i = 1, #b.measures do
      local c = "m" .. i
      t[c] = (t[c] or 0) + (row[c] or 0)
    end
  end
  for _, row in ipairs(b.rows) do
    add(sums.org, row.org, row)
    local o = by_org[row.org]
    add(sums.kind, o and o.kind, row)
    add(sums.position, row.position, row)
    add(sums, "all", row)
  end
  b.sums = sums
end

-- The measure sums of a request for one group: dimension is "org", "kind"
-- or "position" with its key, or "all" for the municipality.
local function measures_for(r, dimension, key)
  local m = {}
  for i, slot in ipairs(r.slots) do
    local b = slot.batch
    local group
    if dimension == "all" then group = b.totals or b.sums.all
    else group = b.sums[dimension][key] end
    m[i] = group and group[slot.column] or 0
  end
  return m
end

-- Computes the combined values of a request for the total, every
-- organization, and the breakdowns by organization kind and position.
local function combine(ctx, r)
  for _, slot in ipairs(r.slots) do
    if slot.batch.error then r.error = slot.batch.error return end
    if not slot.batch.sums then index_batch(slot.batch, ctx.organization_by_id) end
  end
  local agg = r.aggregate
  r.total = agg.combine(measures_for(r, "all"))
  r.orgs = {}
  for _, o in ipairs(ctx.organizations) do r.orgs[o.id] = agg.combine(measures_for(r, "org", o.id)) end
  r.kinds, r.positions = {}, {}
  for _, slot in ipairs(r.slots) do
    if not slot.batch.additive then return end -- distinct counts do not add up across groups
  end
  for _, slot in ipairs(r.slots) do
    for kind in pairs(slot.batch.sums.kind) do r.kinds[kind] = true end
    for position in pairs(slot.batch.sums.position) do r.positions[position] = true end
  end
  for kind in pairs(r.kinds) do r.kinds[kind] = agg.combine(measures_for(r, "kind", kind)) end
  for position in pairs(r.positions) do r.positions[position] = agg.combine(measures_for(r, "position", position)) end
  if r.applies_to then -- the total of the organizations the indicator is about
    local m = {}
    for i = 1, #r.slots do m[i] = 0 end
    for _, kind in ipairs(r.applies_to) do
      for i, v in ipairs(measures_for(r, "kind", kind)) do m[i] = m[i] + v end
    end
    r.total = agg.combine(m)
  end
end

-- Whether the store has any rows of a dated source in its window.
local function source_has_rows(ctx, set, period)
  local entity = set.entity
  -- a registry is there when it has members at all, whoever is in it that day
  local whenever = set.options.any_time or sets.ENTITIES[entity].dated == "membership"
  local from, to
  if not whenever then from, to = sets.window(set, period) end
  local key = entity .. "|" .. tostring(from) .. "|" .. tostring(to)
  if ctx.sources[key] == nil then
    local probe = sets.predicate(sets[entity]({ any_time = whenever or nil, within = set.options.within,
                                                since = set.options.since }), "x", period)
    local rows = query(ctx, "SELECT EXISTS (SELECT 1 FROM " .. sets.ENTITIES[entity].table .. " x WHERE " .. probe .. ") AS present")
    ctx.sources[key] = rows and rows[1].present == 1 or false
  end
  return ctx.sources[key], from, to
end

-- The applied targets of an indicator in period (one per target of its
-- target table).
local function applied_targets(ind, ctx, period)
  local list = {}
  for _, t in pairs(ind.target_list or {}) do
    local applied = targets.applied(t, period, ctx.programme_start)
    if applied then list[#list + 1] = applied end
  end
  return list
end

-- Requests of an indicator: its aggregate for the period, the base year of
-- a growth aggregate, and what its targets compare with: the value in a
-- base year (growth targets, linear paths), the cumulative value since the
-- programme's first year.
local function requests_of(ind, ctx, period)
  local list = {}
  local agg = ind.value
  if type(agg) == "function" then return list end
  local plain = agg.kind == "growth" and agg.inner or agg
  list[#list + 1] = { id = ind.id, aggregate = plain, period = period, role = "current" }
  if agg.kind == "growth" then
    list[#list + 1] = { id = ind.id, aggregate = agg.inner, period = aggregates.base_year(agg, period), role = "base" }
  end
  local years, since = {}, {}
  for _, applied in ipairs(applied_targets(ind, ctx, period)) do
    local year = (applied.kind == "growth" and applied.phase ~= "base" and applied.base_year)
      or (applied.path and applied.path.base_value == nil and applied.path.base_year)
    if year and year ~= period and not years[year] then
      years[year] = true
      list[#list + 1] = { id = ind.id, aggregate = plain, period = year, role = "base_at" }
    end
    local from = (applied.figure == "cumulative" and applied.since) or (applied.track and applied.track.since)
    if from and not since[from] then
      since[from] = true
      list[#list + 1] = { id = ind.id, aggregate = aggregates.since(plain, from), period = period, role = "cumulative",
                          since = from }
    end
  end
  return list
end

-- The requests of an indicator, each knowing the kinds of organizations the
-- indicator applies to (its total is theirs only).
local function requests_for(ind, ctx, period)
  local list = requests_of(ind, ctx, period)
  for _, r in ipairs(list) do r.applies_to = ind.applies_to end
  return list
end

-- Computes every requested indicator's aggregates with a few statements
-- per entity. Results are kept in ctx.computed[id].
function evaluation.prepare(pack, ctx, ids)
  evaluation.organizations(ctx)
  local requests = {}
  for _, id in ipairs(ids) do
    local ind = pack.by_id[id]
    local ok, list = pcall(requests_for, ind, ctx, ctx.period)
    ctx.computed[id] = { requests = ok and list or {}, error = not ok and list or nil }
    for _, r in ipairs(ok and list or {}) do requests[#requests + 1] = r end
  end
  for _, b in ipairs(plan(requests, ctx)) do run_batch(ctx, b) end
  for _, r in ipairs(requests) do combine(ctx, r) end
end

-- The combined values of one role (current, base, base_at, cumulative) of
-- an indicator, in period (or from the year since).
local function computed(ctx, id, role, period, since)
  for _, r in ipairs(ctx.computed[id].requests) do
    if r.role == role and (period == nil or r.period == period) and (since == nil or r.since == since) then return r end
  end
end

-- Values of a growth aggregate from its current and base computations.
local function growth_values(agg, current, base)
  local function pick(field, key) return agg.combine(current[field][key] or {}, base[field][key] or {}) end
  local out = { total = agg.combine(current.total, base.total), orgs = {}, kinds = {}, positions = {} }
  for key in pairs(current.orgs) do out.orgs[key] = pick("orgs", key) end
  for key in pairs(current.kinds) do out.kinds[key] = pick("kinds", key) end
  for key in pairs(current.positions) do out.positions[key] = pick("positions", key) end
  return out
end

-- Runs an escape-hatch function: it receives a context with read-only SQL
-- and returns a number or { value =, numerator =, denominator = } for the
-- municipality, or a list of rows { organization =, value = ... }.
local function run_function(ind, ctx)
  local fctx = setmetatable({ period = ctx.period, organizations = ctx.organizations,
    sql = function(sql)
      if type(sql) ~= "string" then error("ctx.sql(query): query must be a string", 2) end
      local rows, err = query(ctx, sql)
      if not rows then error("ctx.sql: " .. err, 2) end
      return rows
    end }, { __index = function(_, k) error("ctx." .. tostring(k) .. ": the context has period, organizations and sql", 2) end })
  local result = ind.value(fctx)
  local out = { total = {}, orgs = {}, kinds = {}, positions = {} }
  if type(result) == "number" then out.total = { value = result }
  elseif type(result) == "table" and (result.value ~= nil or result.numerator ~= nil) then out.total = result
  elseif type(result) == "table" then
    for _, row in ipairs(result) do
      if row.organization == nil then out.total = row else out.orgs[row.organization] = row end
    end
  else
    error(ind.where .. "indicator \"" .. ind.id .. "\": its function returned " .. type(result) .. "; return a number or a table", 0)
  end
  return out
end

-- The target that applies to one row: by organization id, then kind, then default.
local function target_for(ind, org)
  local t = ind.target
  if t == nil or targets.is_target(t) then return t end
  if org then return t[org.id] or t[org.kind] or t.default end
  return t.municipality or t.default
end

local function figures(v)
  if not v then return nil end
  return { value = v.value, numerator = v.numerator, denominator = v.denominator }
end

-- Builds one result row. group holds the row's values: current, and
-- base (by year) and cumulative (by first year) where targets need them.
local function make_row(ind, ctx, group, org)
  local values = group.current
  local row = { numerator = values.numerator, denominator = values.denominator, value = values.value }
  if values.value == nil and values.denominator == 0 then
    row.message = "нет данных: знаменатель равен нулю — нет ни одного из тех, к кому относится показатель"
  end
  if org then row.organization, row.organization_name, row.organization_kind = org.id, org.name, org.kind end
  local t = target_for(ind, org)
  if not t then
    row.status = row.value == nil and "no_data" or "no_target"
    return row
  end
  local applied, why = targets.applied(t, ctx.period, ctx.programme_start)
  row.target = { text = t.text, kind = t.kind, reason = applied and applied.reason or why,
                 origin = ind.target_origin or "document", year = t.year, due = t.due }
  if not applied then
    row.status = row.value == nil and "no_data" or "no_target"
    return row
  end
  row.target.value = applied.kind ~= "growth" and applied.value or applied.min_growth
  local since = (applied.figure == "cumulative" and applied.since) or (applied.track and applied.track.since)
  if since then
    row.yearly = figures(values)
    row.cumulative = figures(group.cumulative[since]) or {}
    row.cumulative.since = since
  end
  if applied.figure == "cumulative" then
    local c = group.cumulative[since] or {}
    row.numerator, row.denominator, row.value = c.numerator, c.denominator, c.value
  end
  row.figure = since and applied.figure or nil
  local base_year = (applied.kind == "growth" and applied.base_year) or (applied.path and applied.path.base_year)
  local base
  if base_year then
    base = base_year == ctx.period and values or group.base[base_year]
    base = base and base.value
  end
  local status, info = targets.judge(applied, row.value, base, ctx.period)
  row.status, row.message = status, info.message or row.message
  row.progress, row.path_value = info.progress, info.path_value and aggregates.round2(info.path_value) or nil
  if applied.track and row.cumulative.value ~= nil then
    row.progress, row.path_value = targets.progress(applied.track, ctx.period, row.cumulative.value)
    row.path_value = row.path_value and aggregates.round2(row.path_value)
  end
  if applied.kind == "growth" then
    row.target.base_year, row.base_value = applied.base_year, base
    row.growth = info.growth and aggregates.round2(info.growth) or nil
    row.target.reason = targets.growth_summary(applied, row.value, base, info.growth)
      .. (applied.phase == "progress" and ("; цель к " .. applied.final_year .. " г.") or "")
  elseif base_year and base ~= nil then
    row.target.base_year, row.base_value = base_year, base
  end
  return row
end

-- Why an organization's row does not apply, or nil: the organization's
-- kind is outside applies_to; or it has none of the indicator's
-- denominator and the pack says that population may rightly be absent
-- (empty = "not_applicable"), or (without applies_to) no organization of
-- its kind has anyone of it either.
local function not_applicable(ind, values, org)
  if ind.applies_to then
    local of_kind = false
    for _, kind in ipairs(ind.applies_to) do if kind == org.kind then of_kind = true end end
    if not of_kind then
      local names = {}
      for i, kind in ipairs(ind.applies_to) do names[i] = "«" .. (vocabulary.label("organization_kind", kind) or kind) .. "»" end
      return "не применимо: показатель относится к организациям вида " .. table.concat(names, ", ")
    end
  end
  if type(ind.value) == "function" then return nil end
  local own = values.orgs[org.id]
  if not own or own.denominator ~= 0 then return nil end
  if ind.empty == "not_applicable" then
    return "не применимо: в организации нет ни одного из тех, к кому относится показатель"
  end
  if ind.applies_to then return nil end -- a school without teachers: no data
  local of_kind = values.kinds and values.kinds[org.kind]
  if of_kind and (of_kind.denominator or 0) ~= 0 then return nil end
  if next(values.kinds or {}) == nil then return nil end -- distinct counts: kinds are not known
  return "не применимо: в организациях этого вида нет работников, к которым относится показатель"
end

-- Why the indicator does not apply to the municipality at all: no
-- organization of the kinds it applies to (WSR experts without a college).
local function no_organization_of_kinds(ind, ctx)
  if not ind.applies_to then return nil end
  for _, o in ipairs(ctx.organizations) do
    for _, kind in ipairs(ind.applies_to) do if o.kind == kind then return nil end end
  end
  local names = {}
  for i, kind in ipairs(ind.applies_to) do names[i] = "«" .. (vocabulary.label("organization_kind", kind) or kind) .. "»" end
  return "не применимо: в муниципалитете нет организаций вида " .. table.concat(names, ", ")
end

-- The row values of one group (field "orgs", "kinds" or "positions" and
-- its key, or the total) for every role.
local function group_of(field, key, current, bases, cumulatives)
  local function pick(v) if not v then return nil end if field then return v[field] and v[field][key] or nil end return v.total end
  local g = { current = pick(current) or {}, base = {}, cumulative = {} }
  for year, v in pairs(bases) do g.base[year] = pick(v) end
  for from, v in pairs(cumulatives) do g.cumulative[from] = pick(v) end
  return g
end

-- Results of indicator id: the total first, then one row per organization
-- (unless the indicator is judged for the municipality only), then
-- breakdown rows (breakdown = "kind" or "position"). Raises on error.
function evaluation.rows(pack, ctx, id)
  local ind = pack.by_id[id]
  local c = ctx.computed[id]
  if c and c.error then error(c.error, 0) end
  local values
  local bases, cumulatives = {}, {}
  if type(ind.value) == "function" then
    values = run_function(ind, ctx)
  else
    local current = computed(ctx, id, "current", ctx.period)
    if current.error then error(ind.where .. "indicator \"" .. id .. "\": " .. current.error, 0) end
    for _, r in ipairs(c.requests) do
      if r.error then error(ind.where .. "indicator \"" .. id .. "\": " .. r.error, 0) end
    end
    local growth = ind.value.kind == "growth"
    if growth then values = growth_values(ind.value, current, computed(ctx, id, "base"))
    else values = current end
    for _, r in ipairs(c.requests) do
      -- a base year without any rows of a dated source has no value, not 0
      if r.role == "base_at" and not evaluation.missing_source(ind, ctx, r.period) then
        bases[r.period] = growth and growth_values(ind.value, r, r) or r
      end
      if r.role == "cumulative" then cumulatives[r.since] = growth and growth_values(ind.value, r, computed(ctx, id, "base")) or r end
    end
  end
  local missing = evaluation.missing_source(ind, ctx)
  local rows = {}
  rows[1] = make_row(ind, ctx, group_of(nil, nil, values, bases, cumulatives), nil)
  local why_not = no_organization_of_kinds(ind, ctx)
  if why_not then
    rows[1] = { status = "not_applicable", message = why_not }
  end
  if ind.level ~= "municipality" then
    for _, o in ipairs(ctx.organizations) do
      local why = not_applicable(ind, values, o)
      local row
      if why then
        local own = values.orgs[o.id] or {}
        row = { organization = o.id, organization_name = o.name, organization_kind = o.kind, status = "not_applicable",
                numerator = own.numerator, denominator = own.denominator, message = why }
      else
        row = make_row(ind, ctx, group_of("orgs", o.id, values, bases, cumulatives), o)
      end
      rows[#rows + 1] = row
    end
  end
  for _, dimension in ipairs(ind.breakdown or {}) do
    local field = dimension == "kind" and "kinds" or "positions"
    local groups = values[field]
    local keys = {}
    for k in pairs(groups or {}) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local v = groups[k]
      -- a group outside the indicator's population (educators in a share of teachers) is not shown
      if (v.denominator or 0) ~= 0 or (v.numerator or 0) ~= 0 then
        local row = make_row(ind, ctx, group_of(field, k, values, bases, cumulatives), nil)
        row.breakdown, row.group = dimension, k
        rows[#rows + 1] = row
      end
    end
  end
  if missing then
    for _, row in ipairs(rows) do
      if row.status ~= "not_applicable" then
        row.value, row.status, row.message, row.progress, row.path_value = nil, "no_data", missing, nil, nil
        if row.yearly then row.yearly.value = nil end
      end
    end
  end
  return rows
end

-- A message when a dated source of the indicator has no rows at all for
-- the period (so a 0 would be a guess), unless the pack says missing = "zero".
function evaluation.missing_source(ind, ctx, period)
  period = period or ctx.period
  if ind.missing == "zero" or type(ind.value) == "function" then return nil end
  local agg = ind.value.kind == "growth" and ind.value.inner or ind.value
  local names = { activity = "мероприятий (activity)", community = "сообществ (community)", document = "документов (document)",
                  event = "мероприятий и конкурсов (event)", participation = "об участии в мероприятиях (participation)",
                  registry = "реестров (registry)" }
  -- the first source without rows, as a message; nil when all have rows
  local function first_missing(list)
    for _, source in ipairs(list) do
      if source.any then
        local why
        for _, alternative in ipairs(source.any) do
          why = first_missing(alternative)
          if not why then break end
        end
        if why then return why end
      else
        local present, from, to = source_has_rows(ctx, source, period)
        if not present then
          return "нет данных: в хранилище нет записей " .. names[source.entity]
            .. (from and (" за период " .. from .. " — " .. to) or "")
        end
      end
    end
  end
  for _, set in ipairs(agg.sets) do
    local why = first_missing(sets.sources(set))
    if why then return why end
  end
  return nil
end

return evaluation
