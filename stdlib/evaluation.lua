-- Evaluation: turns a pack's indicators into results, streaming. The
-- measures of all requested indicators are grouped by entity and period,
-- and each group is computed by one SQL statement over that entity,
-- grouped by organization and position and read row by row in the order
-- of the organizations. Per organization, every indicator's row is built
-- from those sums as soon as the organization's rows are read and handed
-- to a sink (the core's store of results, or a list); the municipality's
-- total (from numerators and denominators, never an average of shares)
-- and the breakdowns come last. Nothing of the size of the data is held:
-- only the sums of the current organization and those by organization
-- kind and position.

-- The builtins this module reads, as locals: each read of a global goes
-- through the sandbox environment's strict __index, a C call, and the
-- evaluation reads them for every result row.
local assert, error, ipairs, next, pairs, pcall, setmetatable, tostring, type = assert, error, ipairs, next, pairs, pcall, setmetatable, tostring, type
local math, string, table = math, string, table

local sets = require "sets"
local aggregates = require "aggregates"
local targets = require "targets"
local vocabulary = require "vocabulary"

local evaluation = {}

-- How each entity is scanned: its FROM clause (and the rows it is limited
-- to in the reporting time t), its organization and position columns, and
-- the alias its predicates use. Workers are scanned by their employment
-- spans, an activity with the span of its worker on its date: that span's
-- organization is the one the activity counts for. Spans are read in the
-- order of the index on (organization, position), so rows come grouped
-- without sorting. The worker's own row is joined only when a condition
-- reads it (lean: the FROM clause without it).
local SCANS = {
  staff = { from = "employment s_e JOIN staff s ON s.id = s_e.staff_id", lean = "employment s_e",
            alias = "s", at = "joined", own = "%f[%w_]s%.",
            org = "s_e.organization_id", position = "s_e.position",
            where = function(t) return sets.employed_sql("s_e", "'" .. t.from .. "'", "'" .. t.to .. "'") end,
            -- a worker employed on several days of the year counts once in the
            -- total: with the last span of the year
            total_where = function(t)
              return "NOT EXISTS (SELECT 1 FROM employment s_n WHERE s_n.staff_id = s_e.staff_id"
                .. " AND s_n.from_date > s_e.from_date AND s_n.from_date <= '" .. t.to .. "')"
            end },
  activity = { from = "employment a_s_e CROSS JOIN activity a ON a.staff_id = a_s_e.staff_id AND "
                 .. sets.employed_sql("a_s_e", "a.date", "a.date") .. " JOIN staff a_s ON a_s.id = a.staff_id",
               lean = "employment a_s_e CROSS JOIN activity a ON a.staff_id = a_s_e.staff_id AND "
                 .. sets.employed_sql("a_s_e", "a.date", "a.date"),
               alias = "a", staff_alias = "a_s", own = "%f[%w_]a_s%.",
               org = "a_s_e.organization_id", position = "a_s_e.position" },
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

-- The municipalities of a region-wide run, as SQL: those of the store's
-- organizations, communities and documents (as the core lists them).
local UNITS_SQL = "(SELECT municipality AS m FROM organization UNION SELECT municipality FROM community"
  .. " UNION SELECT municipality FROM document)"

-- How each entity is scanned in a region-wide run (every municipality in
-- one pass): as SCANS, with unit, the SQL of the municipality each row is
-- read for, and the rows each municipality's own run would see (the
-- rules' view of one municipality, engine/store/rule_view.c). A worker's
-- span and an activity count where the span's organization is; an event,
-- a community, a document in their municipality; a participation in its
-- event's, with its worker's span there; a registry entry in every
-- municipality its member was ever employed in, at the span there on the
-- reporting date (else in its total only). follows_org: the municipality
-- is the organization's, so rows group by organization alone.
local REGION_SCANS = {
  staff = { from = "employment s_e JOIN organization s_u ON s_u.id = s_e.organization_id JOIN staff s ON s.id = s_e.staff_id",
            lean = "employment s_e JOIN organization s_u ON s_u.id = s_e.organization_id",
            unit = "s_u.municipality", follows_org = true,
            total_where = function(t)
              return "NOT EXISTS (SELECT 1 FROM employment s_n WHERE s_n.staff_id = s_e.staff_id"
                .. " AND s_n.from_date > s_e.from_date AND s_n.from_date <= '" .. t.to .. "' AND "
                .. sets.visible_sql("employment", "s_n", "s_u.municipality") .. ")"
            end },
  activity = { from = "employment a_s_e JOIN organization a_u ON a_u.id = a_s_e.organization_id CROSS JOIN activity a"
                 .. " ON a.staff_id = a_s_e.staff_id AND " .. sets.employed_sql("a_s_e", "a.date", "a.date")
                 .. " JOIN staff a_s ON a_s.id = a.staff_id",
               lean = "employment a_s_e JOIN organization a_u ON a_u.id = a_s_e.organization_id CROSS JOIN activity a"
                 .. " ON a.staff_id = a_s_e.staff_id AND " .. sets.employed_sql("a_s_e", "a.date", "a.date"),
               unit = "a_u.municipality", follows_org = true },
  organization = { from = "organization o", unit = "o.municipality", follows_org = true },
  event = { from = "event v", unit = "v.municipality", in_units = true },
  participation = { from = "participation p JOIN event p_u ON p_u.id = p.event_id LEFT JOIN employment p_s_e"
                        .. " ON p.organization_id IS NULL AND p_s_e.staff_id = p.staff_id AND "
                        .. sets.employed_sql("p_s_e", "p.date", "p.date") .. " AND "
                        .. sets.visible_sql("employment", "p_s_e", "p_u.municipality")
                        .. " LEFT JOIN staff p_s ON p_s.id = p.staff_id AND " .. sets.visible_sql("staff", "p_s", "p_u.municipality"),
                    unit = "p_u.municipality", in_units = true },
  registry = { from = function(t)
                 return "registry_member r JOIN (SELECT DISTINCT r_e.staff_id AS staff_id, r_o.municipality AS municipality"
                   .. " FROM employment r_e JOIN organization r_o ON r_o.id = r_e.organization_id) r_u ON r_u.staff_id = r.staff_id"
                   .. " LEFT JOIN employment r_s_e ON r_s_e.staff_id = r.staff_id AND "
                   .. sets.employed_sql("r_s_e", "'" .. t.from .. "'", "'" .. t.to .. "'") .. " AND "
                   .. sets.visible_sql("employment", "r_s_e", "r_u.municipality")
               end,
               unit = "r_u.municipality" },
  community = { from = "community c", unit = "c.municipality" },
  document = { from = "document d", unit = "d.municipality" },
}

-- The scan of entity: its scoped form, or in a region-wide run (ctx.units)
-- the scoped form with the region's FROM clauses and unit.
local function scan_of(ctx, entity)
  local s = SCANS[entity]
  if not ctx.units then return s end
  ctx.region_scans = ctx.region_scans or {}
  local r = ctx.region_scans[entity]
  if not r then
    r = {}
    for k, v in pairs(s) do r[k] = v end
    local region = REGION_SCANS[entity]
    for k, v in pairs(region) do r[k] = v end
    if not region.lean then r.lean = nil end
    if not region.total_where then r.total_where = nil end
    ctx.region_scans[entity] = r
  end
  return r
end

-- The reporting time t of a scan: in a region-wide run, with the SQL of
-- the municipality its rows are read for (t.unit, see sets.visible_sql).
local function scan_time(s, t)
  if not s.unit then return t end
  local copy = {}
  for k, v in pairs(t) do copy[k] = v end
  copy.unit = s.unit
  return copy
end

-- Runs sql on the context's read-only store, counting statements.
local function query(ctx, sql)
  ctx.statements = ctx.statements + 1
  ctx.log[#ctx.log + 1] = sql
  local rows, err = ctx.db:query(sql)
  if not rows then return nil, err end
  return rows
end

-- Opens a cursor over sql (rows read one at a time), counting statements.
local function cursor(ctx, sql)
  ctx.statements = ctx.statements + 1
  ctx.log[#ctx.log + 1] = sql
  return ctx.db:cursor(sql)
end

-- The organizations of the municipality, in id order, and by id (for the
-- escape hatch, whose functions receive them; evaluation streams them).
function evaluation.organizations(ctx)
  if not ctx.organizations then
    local rows = assert(query(ctx, "SELECT id, name, kind FROM organization ORDER BY id"))
    ctx.organizations, ctx.organization_by_id = rows, {}
    for _, o in ipairs(rows) do ctx.organization_by_id[o.id] = o end
  end
  return ctx.organizations
end

-- The FROM clause of a scan in the reporting time t whose SQL is parts:
-- without the worker's own row when no part reads it.
local function from_of(s, t, parts)
  local full = type(s.from) == "function" and s.from(t) or s.from
  if not s.lean then return full end
  for _, p in ipairs(parts) do
    if p:find(s.own) then return full end
  end
  return s.lean
end

-- 1 when the scan's organization is not one of the store's organizations
-- (a municipality's own document, a community of none): such rows count
-- in the total only.
local function orphan_sql(s)
  -- a region-wide scan whose unit is its organization's municipality
  -- reads it from the organization's own row (an inner join on its key,
  -- or the row itself, whose id import requires; municipality is NOT
  -- NULL): none is an orphan, and the test looked the organization up
  -- again on every row (staff scan at region: 32 M of 1.86 G instructions)
  if s.unit and s.follows_org then return "0" end
  return "(" .. s.org .. " IS NULL OR NOT EXISTS (SELECT 1 FROM organization o_x WHERE o_x.id = " .. s.org
    .. (s.unit and (" AND o_x.municipality = " .. s.unit) or "") .. "))"
end

-- The WHERE clause of a scan from its conditions (a list), in a
-- region-wide run limited to the municipalities of the run where a row's
-- municipality need not be one of them.
local function where_of(s, where)
  if s.unit and s.in_units then where[#where + 1] = s.unit .. " IN (SELECT m FROM " .. UNITS_SQL .. ")" end
  return #where > 0 and (" WHERE " .. table.concat(where, " AND ")) or ""
end

-- In a region-wide run, the grouped rows of a scan sorted by municipality
-- then as grouped (a few rows per organization: sorting them costs little,
-- unlike sorting the rows scanned).
local function by_unit(s, sql, order)
  if not s.unit then return sql end
  return "WITH g AS MATERIALIZED (" .. sql .. ") SELECT * FROM g ORDER BY unit, " .. order
end

-- The SQL of one scan of non-additive measures: their columns grouped by
-- organization (in its order), or not grouped at all (the total).
local function scan_sql(s, t, measures, grouping)
  t = scan_time(s, t)
  local columns = {}
  for i, m in ipairs(measures) do columns[i] = m.sql(s.alias, t, s.staff_alias, s.at) .. " AS m" .. i end
  local where = {}
  if s.where then where[1] = s.where(t) end
  if grouping == "total" and s.total_where and t.any_day then where[#where + 1] = s.total_where(t) end
  local from = " FROM " .. (type(s.from) == "function" and s.from(t) or s.from) .. where_of(s, where)
  if s.unit then
    if grouping == "total" then return "SELECT " .. s.unit .. " AS unit, " .. table.concat(columns, ", ") .. from .. " GROUP BY 1" end
    return by_unit(s, "SELECT " .. s.unit .. " AS unit, " .. s.org .. " AS org, " .. orphan_sql(s) .. " AS orphan, "
      .. table.concat(columns, ", ") .. from .. " GROUP BY 2" .. (s.follows_org and "" or ", 1"), "org")
  end
  if grouping == "total" then return "SELECT " .. table.concat(columns, ", ") .. from end
  return "SELECT " .. s.org .. " AS org, " .. orphan_sql(s) .. " AS orphan, " .. table.concat(columns, ", ") .. from
    .. " GROUP BY 1 ORDER BY 1"
end

-- How many conditions one mask column of a scan holds (bits of a 64-bit
-- integer, with room to spare).
local CONDITIONS_PER_MASK = 60

-- 1 when a condition costs a lookup of its own (a subquery or a function
-- call), so that it is worth computing only where some measure needs it;
-- a list of values (position IN ('head', 'deputy')) and parentheses are
-- cheap, and so is a call of max(), a worker's age or experience
-- (max(0, 2024 - s.birth_year) < 35): a few steps that cannot fail, where
-- its guard, the cheap conditions of its measures ORed together, re-tested
-- the span's dates and positions (region's pack: 115 M of the staff scan's
-- 2.30 G instructions at region scale).
local CHEAP_FUNCTIONS = { max = true }
local function costly(condition)
  if condition:find("SELECT", 1, true) then return true end
  for name in condition:gmatch("([%w_]+)%(") do
    if not CHEAP_FUNCTIONS[name] then return true end
  end
  return false
end

-- The SQL of the mask words of a scan's conditions (tally_sql): bit k of
-- word w is condition k, computed where guards[k] (the cheap conditions of
-- the measures that need it, when it is costly) may hold. A condition
-- that holds when one of its probes into a worker's own rows finds a row
-- (probes_of[condition], see sets.conditions) does not probe for itself
-- when other conditions probe the same rows: those rows are read once,
-- in one range of the index on the worker (a few rows per worker), and
-- pdmon_bits ORs together one bit per probe that the row meets, so that a
-- worker with 16 probes into their activities costs one seek, not 16;
-- the condition is then the OR of its probes' bits (a probe alone in its
-- rows stays an EXISTS, which stops at the first row it finds). Probes
-- that choose rows by a value of the same column (an activity's kind) are
-- told apart by one CASE on it, not by a comparison per probe and row.
--
-- When every condition fits in one word, the cheap conditions are
-- computed once per row, as the column m of a subquery of one row, and
-- a guard tests their bits in c_m.m (guard_bits[g], the bits of its
-- conditions) instead of the conditions again: a guard is an OR of a
-- conjunction per measure, often of the same dates and positions, and
-- the region's pack tested them again for each costly condition.
-- (A subquery of one row, since SQLite puts an alias's expression in
-- place of each of its uses.) A conjunction whose bits hold those of
-- another is implied by it and not tested.
local function fold_probes(conditions, guards, probes_of, guard_bits)
  local function shift(k) return (k - 1) % CONDITIONS_PER_MASK end
  local function word_of(k) return (k - 1) // CONDITIONS_PER_MASK + 1 end
  local by_bits = #conditions <= CONDITIONS_PER_MASK
  -- the SQL that holds where one of the guard's conjunctions does
  local function when(list)
    if not by_bits then return table.concat(list, " OR ") end
    local masks, seen = {}, {}
    for _, g in ipairs(list) do
      local b = guard_bits[g]
      if not seen[b] then seen[b] = true; masks[#masks + 1] = b end
    end
    local tests = {}
    for i, b in ipairs(masks) do
      local implied = false
      for j, other in ipairs(masks) do
        if j ~= i and other & b == other then implied = true end
      end
      if not implied then tests[#tests + 1] = string.format("(c_m.m & %d) = %d", b, b) end
    end
    return table.concat(tests, " OR ")
  end
  local function guarded(k, c)
    local g = guards[k]
    if g and not g.always then return "(" .. when(g) .. ") AND " .. c end
    return c
  end
  -- how many probes read each word's rows of one worker (from, link)
  local probing = {}
  for k, c in ipairs(conditions) do
    for _, p in ipairs(probes_of[c] or {}) do
      local key = word_of(k) .. " " .. p.from .. " WHERE " .. p.link
      probing[key] = (probing[key] or 0) + 1
    end
  end
  local masks, reads = {}, {}
  local function mask_of(word)
    masks[word] = masks[word] or { sums = {}, ors = {} }
    return masks[word]
  end
  -- the conditions of equality to texts on one column (a span's
  -- position): where a word has several, one CASE on the column gives all
  -- their bits, a comparison or two per row instead of a test each (a list
  -- of more than two values is a search of a b-tree SQLite makes of it)
  local cases, in_case = {}, {}
  for k, c in ipairs(conditions) do
    local column, values = nil, nil
    if not probes_of[c] and not guards[k] then column, values = sets.text_equality(c) end
    if column then
      local key = word_of(k) .. " " .. column
      local case = cases[key]
      if not case then
        case = { word = word_of(k), column = column, members = {}, bits = {}, values = {} }
        cases[key] = case
        cases[#cases + 1] = case
      end
      case.members[#case.members + 1] = { k = k, values = values }
    end
  end
  for _, case in ipairs(cases) do
    if #case.members > 1 then
      for _, member in ipairs(case.members) do
        in_case[member.k] = true
        for _, v in ipairs(member.values) do
          if not case.bits[v] then case.bits[v] = 0; case.values[#case.values + 1] = v end
          case.bits[v] = case.bits[v] | (1 << shift(member.k))
        end
      end
      local whens = {}
      for i, v in ipairs(case.values) do whens[i] = "WHEN " .. sets.literal(v) .. " THEN " .. case.bits[v] end
      local m = mask_of(case.word)
      m.sums[#m.sums + 1] = "(CASE " .. case.column .. " " .. table.concat(whens, " ") .. " ELSE 0 END)"
    end
  end
  local function piece(word, sql)
    local m = mask_of(word)
    m.ors[#m.ors + 1] = sql
  end
  for k, c in ipairs(conditions) do
    local word, probes = word_of(k), probes_of[c]
    local shared = false
    for _, p in ipairs(probes or {}) do
      if probing[word .. " " .. p.from .. " WHERE " .. p.link] > 1 then shared = true end
    end
    local g = guards[k]
    if in_case[k] then
      -- its bit is in its column's CASE
    elseif not shared then
      local bit = string.format("((CASE WHEN %s THEN 1 ELSE 0 END) << %d)", guarded(k, c), shift(k))
      -- with bit guards, a guarded condition reads m, so it comes after it
      if by_bits and g and not g.always then piece(word, bit) else
        local m = mask_of(word)
        m.sums[#m.sums + 1] = bit
      end
    else
      mask_of(word)
      for _, p in ipairs(probes) do
        local key = word .. " " .. p.from .. " WHERE " .. p.link
        if probing[key] == 1 then
          piece(word, string.format("((CASE WHEN %s THEN 1 ELSE 0 END) << %d)", guarded(k, p.sql), shift(k)))
        else
          local r = reads[key]
          if not r then
            r = { word = word, from = p.from, link = p.link, bits = {}, guards = {}, always = false,
                  column = p.column, by_value = {}, values = {} }
            reads[key] = r
            reads[#reads + 1] = r
          end
          local bit = 1 << shift(k)
          if p.column and p.column == r.column then
            -- chosen by the row's value (one comparison per row for all),
            -- the probes of one value with the same other conditions by one test
            local rest = p.rest or ""
            for _, v in ipairs(p.values) do
              local tests = r.by_value[v]
              if not tests then tests = { bits = {} }; r.by_value[v] = tests; r.values[#r.values + 1] = v end
              if not tests.bits[rest] then tests.bits[rest] = 0; tests[#tests + 1] = rest end
              tests.bits[rest] = tests.bits[rest] | bit
            end
          else
            r.bits[#r.bits + 1] = string.format("(CASE WHEN %s THEN %d ELSE 0 END)", p.body, bit)
          end
          if not g or g.always then r.always = true
          else
            for _, one in ipairs(g) do
              if not r.guards[one] then r.guards[one] = true; r.guards[#r.guards + 1] = one end
            end
          end
        end
      end
    end
  end
  for _, r in ipairs(reads) do
    if #r.values > 0 then
      local whens = {}
      for i, v in ipairs(r.values) do
        local tests = r.by_value[v]
        local sql = {}
        for j, rest in ipairs(tests) do
          sql[j] = rest == "" and tostring(tests.bits[rest])
            or string.format("(CASE WHEN %s THEN %d ELSE 0 END)", rest, tests.bits[rest])
        end
        whens[i] = "WHEN " .. sets.literal(v) .. " THEN " .. table.concat(sql, " | ")
      end
      table.insert(r.bits, 1, "(CASE " .. r.column .. " " .. table.concat(whens, " ") .. " ELSE 0 END)")
    end
    local read = string.format("(SELECT pdmon_bits(%s) FROM %s WHERE %s)", table.concat(r.bits, " | "), r.from, r.link)
    if not r.always then read = "(CASE WHEN " .. when(r.guards) .. " THEN " .. read .. " ELSE 0 END)" end
    piece(r.word, read)
  end
  local words = {}
  for w, m in ipairs(masks) do
    local sum = #m.sums > 0 and table.concat(m.sums, " + ") or "0"
    if #m.ors == 0 then words[w] = sum
    elseif by_bits then
      words[w] = "(SELECT c_m.m | " .. table.concat(m.ors, " | ") .. " FROM (SELECT " .. sum .. " AS m) c_m)"
    else
      words[w] = "(" .. sum .. ") | " .. table.concat(m.ors, " | ")
    end
  end
  return words
end

-- The SQL that holds on a row some measure can count, from the cheap
-- conditions of each (a list of lists, none empty): the OR of their
-- conjunctions, simplified as boolean algebra allows, since SQLite tests
-- every conjunction in turn on a row none holds on (the region's pack:
-- sixteen, of the same two dates and a few positions, ~5 % of the staff
-- scan). Conjunctions that differ only in their equality to texts on one
-- column (the position) are one, with the union of those values (for the
-- region's pack, every measure of a date); one that holds another's
-- conditions and values is implied by it and dropped. A conjunction
-- testing the column twice keeps the values both admit; none: it never
-- holds.
local function wanted_sql(wanted)
  -- the column most conditions test for equality to texts
  local tests, column = {}, nil
  for _, list in ipairs(wanted) do
    for _, c in ipairs(list) do
      local col = sets.text_equality(c)
      if col then
        tests[col] = (tests[col] or 0) + 1
        if not column or tests[col] > tests[column] then column = col end
      end
    end
  end
  -- each conjunction as its other conditions (rest, seen: a set of them)
  -- and the values of the column it admits (nil: any)
  local groups, by_rest = {}, {}
  for _, list in ipairs(wanted) do
    local rest, seen, admits = {}, {}, nil
    for _, c in ipairs(list) do
      local col, values = sets.text_equality(c)
      if column and col == column then
        local now = {}
        for _, v in ipairs(values) do
          if not admits or admits[v] then now[v] = true; now[#now + 1] = v end
        end
        admits = now
      elseif not seen[c] then
        seen[c] = true
        rest[#rest + 1] = c
      end
    end
    if not admits or #admits > 0 then
      local sorted = { table.unpack(rest) }
      table.sort(sorted)
      local key = table.concat(sorted, "\0")
      local g = by_rest[key]
      if not g then
        g = { rest = rest, seen = seen, admits = admits, any = admits == nil }
        by_rest[key] = g
        groups[#groups + 1] = g
      elseif not g.any then
        if not admits then g.any, g.admits = true, nil
        else
          for _, v in ipairs(admits) do
            if not g.admits[v] then g.admits[v] = true; g.admits[#g.admits + 1] = v end
          end
        end
      end
    end
  end
  local function implies(a, b) -- a conjunction b holds wherever a does
    for _, c in ipairs(b.rest) do
      if not a.seen[c] then return false end
    end
    if b.any then return true end
    if a.any then return false end
    for _, v in ipairs(a.admits) do
      if not b.admits[v] then return false end
    end
    return true
  end
  local any = {}
  for i, g in ipairs(groups) do
    local implied = false
    for j, other in ipairs(groups) do
      if j ~= i and implies(g, other) then implied = true break end
    end
    if not implied then
      local parts = { table.unpack(g.rest) }
      if not g.any then
        local items = {}
        for k, v in ipairs(g.admits) do items[k] = sets.literal(v) end
        parts[#parts + 1] = #items == 1 and (column .. " = " .. items[1]) or (column .. " IN (" .. table.concat(items, ", ") .. ")")
      end
      any[#any + 1] = "(" .. table.concat(parts, " AND ") .. ")"
    end
  end
  if #any == 0 then return "0" end
  return "(" .. table.concat(any, " OR ") .. ")"
end
evaluation.wanted_sql = wanted_sql

-- The SQL of one scan of additive measures, grouped by organization and
-- position (in that order), such that a condition several measures share
-- is computed once per row however many measures name it: every distinct
-- condition is one bit of a mask computed per row, and pdmon_tally
-- (dsl/sql_tally.h) adds up, per group, each measure's rows whose mask
-- holds all of its conditions (and the fields it sums). A costly
-- condition (an EXISTS probe) is computed only on rows where the cheap
-- conditions of some measure that needs it hold, as a measure of its own
-- would. The measures may be of several reporting times (times[i] is
-- measure i's: a year and its base year read in one pass over the rows);
-- the scan then reads the rows of any of them, and each measure has the
-- limit of its own time (its span on that date) as one more condition.
-- Returns the SQL and the string.unpack format of its column t.
local function tally_sql(s, times, measures)
  local limits, limit_list = {}, {}
  for i = 1, #measures do
    local w = s.where and s.where(scan_time(s, times[i])) or nil
    if w and not limits[w] then limits[w] = true; limit_list[#limit_list + 1] = w end
  end
  local t = scan_time(s, times[1])
  local conditions, bit_of, guards, probes_of, guard_bits = {}, {}, {}, {}, {}
  local fields, field_of = {}, {}
  -- the rows some measure can count: those where its cheap conditions hold
  local wanted, everything = {}, false
  local plan, format = {}, { "=" }
  for i, m in ipairs(measures) do
    local need, cheap, dear, seen = {}, {}, {}, {}
    local mt = scan_time(s, times[i])
    local own = { #limit_list > 1 and s.where(mt) or nil }
    local list, probes = m.conditions(s.alias, mt, s.staff_alias, s.at)
    for j, c in ipairs(list) do
      own[#own + 1] = c
      if probes and probes[j] then probes_of[c] = probes[j] end
    end
    for _, c in ipairs(own) do
      if not seen[c] then
        seen[c] = true
        local k = bit_of[c]
        if not k then
          conditions[#conditions + 1] = c
          k = #conditions
          bit_of[c] = k
        end
        local word, bit = (k - 1) // CONDITIONS_PER_MASK + 1, (k - 1) % CONDITIONS_PER_MASK
        need[word] = (need[word] or 0) | (1 << bit)
        if costly(c) then dear[#dear + 1] = k else cheap[#cheap + 1] = c end
      end
    end
    -- where a costly condition of this measure must be computed
    local guard = #cheap > 0 and "(" .. table.concat(cheap, " AND ") .. ")" or true
    if guard ~= true and not guard_bits[guard] then
      local b = 0
      for _, c in ipairs(cheap) do b = b | (1 << ((bit_of[c] - 1) % CONDITIONS_PER_MASK)) end
      guard_bits[guard] = b
    end
    if guard == true then everything = true elseif not wanted[guard] then wanted[guard] = true; wanted[#wanted + 1] = cheap end
    for _, k in ipairs(dear) do
      local g = guards[k] or {}
      guards[k] = g
      if guard == true then g.always = true elseif not g[guard] then g[guard] = true; g[#g + 1] = guard end
    end
    local tests = {}
    for word, bits in pairs(need) do tests[#tests + 1] = word .. "=" .. bits end
    table.sort(tests)
    local kind = "n"
    if m.field then
      local key = s.alias .. "." .. m.field
      if not field_of[key] then
        fields[#fields + 1] = key
        field_of[key] = #fields
      end
      kind = (m.counting and "c" or "t") .. field_of[key]
    end
    plan[i] = kind .. ":" .. table.concat(tests, ",")
    format[i + 1] = (m.field and not m.counting) and "d" or "j"
  end
  local masks = fold_probes(conditions, guards, probes_of, guard_bits)
  local args = { sets.literal(#masks .. " " .. #fields .. ";" .. table.concat(plan, ";")) }
  for _, bits in ipairs(masks) do args[#args + 1] = bits end
  for _, f in ipairs(fields) do args[#args + 1] = f end
  -- a row no measure can count adds nothing to any sum (and a group of
  -- zeros is never shown), so the scan skips it in SQL, where an index on
  -- the conditions' columns can serve, as a hand-written query would
  local filters = {}
  if #limit_list == 1 then filters[1] = limit_list[1]
  elseif #limit_list > 1 then filters[1] = "((" .. table.concat(limit_list, ") OR (") .. "))" end
  if not everything and #wanted > 0 then filters[#filters + 1] = wanted_sql(wanted) end
  local where = where_of(s, filters)
  local read = { table.unpack(conditions) }
  for _, f in ipairs(fields) do read[#read + 1] = f end
  local columns = s.org .. " AS org, " .. s.position .. " AS position, " .. orphan_sql(s) .. " AS orphan, pdmon_tally("
    .. table.concat(args, ", ") .. ") AS t FROM " .. from_of(s, t, read) .. where
  if s.unit then
    return by_unit(s, "SELECT " .. s.unit .. " AS unit, " .. columns .. " GROUP BY 2, 3" .. (s.follows_org and "" or ", 1"),
      "org, position"), table.concat(format)
  end
  return "SELECT " .. columns .. " GROUP BY 1, 2 ORDER BY 1, 2", table.concat(format)
end

-- Plans the measures of requests ({ key, aggregate, period }) into scans.
-- When workers count on any day of the year, one may count in two
-- organizations: counts of workers then do not add up to the total.
-- Additive measures of one entity are read in one pass whatever their
-- periods (a growth's year and base year: the staff's spans are scanned
-- once), unless the scan's rows themselves depend on the period (a
-- registry's members on its date).
local function plan(requests, ctx)
  local batches, order = {}, {}
  for _, r in ipairs(requests) do
    r.slots = {}
    for i, m in ipairs(r.aggregate.measures) do
      local additive = m.additive and not (ctx.as_of == "any_day" and m.entity == "staff")
      local one_pass = additive and type(scan_of(ctx, m.entity).from) ~= "function"
      local key = m.entity .. "|" .. (one_pass and "any" or r.period) .. "|" .. (additive and "additive" or "distinct")
      local b = batches[key]
      if not b then
        b = { entity = m.entity, period = r.period, additive = additive, measures = {}, periods = {} }
        batches[key] = b
        order[#order + 1] = b
      end
      b.measures[#b.measures + 1] = m
      b.periods[#b.measures] = r.period
      r.slots[i] = { batch = b, index = #b.measures }
    end
  end
  return order
end

-- A list of n zeros.
local function zeros(n)
  local t = {}
  for i = 1, n do t[i] = 0 end
  return t
end

-- Adds the list of numbers from into to (both n long).
local function add_into(to, from, n)
  for i = 1, n do to[i] = to[i] + from[i] end
end

-- The sums of bucket[key], made when first needed.
local function bucket_of(bucket, key, n)
  local t = bucket[key]
  if not t then t = zeros(n) bucket[key] = t end
  return t
end

-- Opens a batch's statement: its cursor and, for non-additive measures,
-- their totals (one row). A failure is kept in b.error.
local function open_batch(ctx, b)
  local t = sets.time(b.period, ctx.as_of)
  local s = scan_of(ctx, b.entity)
  local sql
  if b.additive then
    local times = {}
    for i, period in ipairs(b.periods) do times[i] = sets.time(period, ctx.as_of) end
    sql, b.format = tally_sql(s, times, b.measures)
  else sql = scan_sql(s, t, b.measures, "org") end
  local c, err = cursor(ctx, sql)
  if not c then b.error = err return end
  b.cursor, b.row, b.n = c, {}, #b.measures
  -- the sums of an organization without rows of the batch: one list for
  -- all of them, only ever read
  b.none = zeros(b.n)
  if not b.additive then
    local totals
    totals, err = query(ctx, scan_sql(s, t, b.measures, "total"))
    if not totals then b.error = err return end
    -- a region-wide run: each municipality's totals (none: zeros)
    b.totals_of = {}
    for _, row in ipairs(totals) do
      local v = {}
      for i = 1, b.n do v[i] = row["m" .. i] or 0 end
      b.totals_of[row.unit or false] = v
    end
    b.totals = b.totals_of[false]
  end
  b.head = c:next(b.row)
end

-- The measure values of the batch row at hand.
local function row_values(b)
  local row = b.row
  if b.additive then
    if not row.t then return b.none end
    return { string.unpack(b.format, row.t) }
  end
  local v = {}
  for i = 1, b.n do v[i] = row["m" .. i] or 0 end
  return v
end

-- Starts a unit (the municipality, or the region taken as one): empty
-- sums by kind, position and in all.
local function reset_batch(b, unit)
  b.kind, b.position = {}, {}
  b.all = zeros(b.n or #b.measures)
  if unit and b.totals_of then b.totals = b.totals_of[unit] or zeros(b.n) end
end

-- Where a batch row stands against the municipality pass reads (a
-- region-wide run): "skip" a row of a municipality before it or not in
-- the run (evaluated with its own layer), "stop" one after it, nil one of
-- its own. pass is { index = position of each municipality, at = the
-- position of the one being read }.
local function placed(pass, unit)
  if not pass then return nil end
  local k = pass.index[unit]
  if not k or k < pass.at then return "skip" end
  if k > pass.at then return "stop" end
  return nil
end

-- Reads the batch's rows of organization org (nil: the rows after the
-- last organization): each adds to the organization's sums (additive:
-- also by position), rows of no known organization to the totals only.
-- An organization without rows gets b.none (zeros, shared: never written).
local function read_batch(b, org, pass)
  local own = b.none
  while b.head do
    local row = b.row
    local where = placed(pass, row.unit)
    if where == "stop" then break end
    if where == "skip" then goto next_row end
    if row.orphan ~= 1 and row.org ~= org then
      -- after the last organization of a municipality, what is left of it
      -- (nothing but rows of no organization of its) is passed over
      if org == nil and pass then goto next_row end
      break
    end
    do
    local v = row_values(b)
    if b.additive then
      if row.position ~= nil then add_into(bucket_of(b.position, row.position, b.n), v, b.n) end
      if row.orphan == 1 then add_into(b.all, v, b.n)
      else
        if own == b.none then own = zeros(b.n) end
        add_into(own, v, b.n)
      end
    elseif row.orphan ~= 1 then
      own = v
    end
    end
    ::next_row::
    b.head = b.cursor:next(row)
  end
  return own
end

-- The measure values of a request from its slots' sums (pick(batch)).
local function measures_of(r, pick)
  local m = {}
  for i, slot in ipairs(r.slots) do
    local sums = pick(slot.batch)
    m[i] = sums and sums[slot.index] or 0
  end
  return m
end

-- Whether the store has any rows of a dated source in its window.
-- The rows of a dated entity (alias x) a municipality u.m sees, for the
-- probes of a region-wide run: FROM and the condition.
local function visible_rows(entity)
  local tbl = sets.ENTITIES[entity].table
  if entity == "activity" or entity == "registry" then
    return "organization v_o JOIN employment v_e ON v_e.organization_id = v_o.id JOIN " .. tbl
      .. " x ON x.staff_id = v_e.staff_id", "v_o.municipality = u.m"
  end
  if entity == "participation" then return "event v_v JOIN participation x ON x.event_id = v_v.id", "v_v.municipality = u.m" end
  return tbl .. " x", "x.municipality = u.m"
end

-- Whether the store has any rows of a dated source in its window (in a
-- region-wide run: rows municipality unit sees).
local function source_has_rows(ctx, set, period, unit)
  local entity = set.entity
  -- a registry is there when it has members at all, whoever is in it that day
  local whenever = set.options.any_time or sets.ENTITIES[entity].dated == "membership"
  local from, to
  if not whenever then from, to = sets.window(set, period) end
  local key = entity .. "|" .. tostring(from) .. "|" .. tostring(to)
  if ctx.sources[key] == nil then
    local probe = sets.predicate(sets[entity]({ any_time = whenever or nil, within = set.options.within,
                                                since = set.options.since }), "x", period)
    if ctx.units then
      -- once for every municipality: those that have such rows
      local from_sql, mine = visible_rows(entity)
      local rows = query(ctx, "SELECT u.m AS unit FROM " .. UNITS_SQL .. " u WHERE EXISTS (SELECT 1 FROM " .. from_sql
        .. " WHERE " .. mine .. " AND " .. probe .. ")")
      local present = {}
      for _, row in ipairs(rows or {}) do present[row.unit] = true end
      ctx.sources[key] = present
    else
      local rows = query(ctx, "SELECT EXISTS (SELECT 1 FROM " .. sets.ENTITIES[entity].table .. " x WHERE " .. probe .. ") AS present")
      ctx.sources[key] = rows and rows[1].present == 1 or false
    end
  end
  if ctx.units then return ctx.sources[key][unit] == true, from, to end
  return ctx.sources[key], from, to
end

-- A message when a dated source of the indicator has no rows at all for
-- the period (so a 0 would be a guess), unless the pack says missing = "zero".
function evaluation.missing_source(ind, ctx, period, unit)
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
        local present, from, to = source_has_rows(ctx, source, period, unit)
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

-- The applied target of t in the evaluated period, computed once per
-- target (the phrase's reading does not change from row to row).
local function applied_of(ctx, t)
  local memo = ctx.applied[t]
  if not memo then
    local applied, why = targets.applied(t, ctx.period, ctx.programme_start)
    memo = { applied = applied, why = why }
    ctx.applied[t] = memo
  end
  return memo.applied, memo.why
end

-- The applied targets of an indicator in period (one per target of its
-- target table).
local function applied_targets(ind, ctx, period)
  local list = {}
  local function add(target_list)
    for _, t in pairs(target_list or {}) do
      local applied = period == ctx.period and applied_of(ctx, t) or targets.applied(t, period, ctx.programme_start)
      if applied then list[#list + 1] = applied end
    end
  end
  add(ind.target_list)
  -- a region-wide run: what the municipalities' own targets compare with too
  for _, own in pairs(ctx.unit_targets or {}) do
    if own[ind.id] then add(own[ind.id].list) end
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

-- Runs an escape-hatch function: it receives a context with read-only SQL
-- and returns a number or { value =, numerator =, denominator = } for the
-- municipality, or a list of rows { organization =, value = ... }.
local function run_function(ind, ctx)
  local fctx = setmetatable({ period = ctx.period, organizations = evaluation.organizations(ctx),
    sql = function(sql)
      if type(sql) ~= "string" then error("ctx.sql(query): query must be a string", 2) end
      local rows, err = query(ctx, sql)
      if not rows then error("ctx.sql: " .. err, 2) end
      return rows
    end }, { __index = function(_, k) error("ctx." .. tostring(k) .. ": the context has period, organizations and sql", 2) end })
  local result = ind.value(fctx)
  local out = { total = {}, orgs = {} }
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

-- The target that applies to one row of a target table (ind.target, or a
-- municipality's): by organization id, then kind, then default.
local function target_for(t, org)
  if t == nil or targets.is_target(t) then return t end
  if org then return t[org.id] or t[org.kind] or t.default end
  return t.municipality or t.default
end

local function figures(v)
  if not v then return nil end
  return { value = v.value, numerator = v.numerator, denominator = v.denominator }
end

-- How many judgements of one applied target are remembered; the same
-- value (a share of 100%, a count of 0) recurs across organizations.
local JUDGEMENTS_KEPT = 4096

-- The entries of a memo level t under value v, and v's key there: by
-- the value itself, with integers and floats apart (1 and 1.0 are one key
-- of a table but print differently), nil and NaN (no keys) as false. No
-- string is made per row (a float's tostring is a printf).
local function memo_slot(t, v)
  local kind = math.type(v) or type(v)
  local by = t[kind]
  if not by then
    by = {}
    t[kind] = by
  end
  if v == nil or v ~= v then return by, false end
  return by, v
end

-- targets.judge, once per applied target, value and base value.
local function judge(ctx, applied, value, base)
  local memo = ctx.judged[applied]
  if not memo or memo.n >= JUDGEMENTS_KEPT then
    memo = { n = 0, values = {} }
    ctx.judged[applied] = memo
  end
  local by_value, v = memo_slot(memo.values, value)
  local bases = by_value[v]
  if not bases then
    bases = {}
    by_value[v] = bases
  end
  local by_base, b = memo_slot(bases, base)
  local j = by_base[b]
  if not j then
    local status, info = targets.judge(applied, value, base, ctx.period)
    j = { status = status, info = info }
    by_base[b] = j
    memo.n = memo.n + 1
  end
  return j.status, j.info
end

-- The target part of a row (row.target) of target t read as applied (nil:
-- why, it has none this period), for rows of origin showing base_year (or
-- false). Every row of an indicator with the same target shows the same
-- part, so it is made once and shared by them (rows are read, never
-- changed, after they are made); a growth target's part says the row's
-- own growth and is made per row by make_row.
local function target_part(ctx, t, applied, why, origin, base_year)
  ctx.target_parts = ctx.target_parts or setmetatable({}, { __mode = "k" })
  local of_t = ctx.target_parts[t]
  if not of_t then
    of_t = {}
    ctx.target_parts[t] = of_t
  end
  local of_origin = of_t[origin]
  if not of_origin then
    of_origin = {}
    of_t[origin] = of_origin
  end
  local part = of_origin[base_year]
  if not part then
    part = { text = t.text, kind = t.kind, reason = applied and applied.reason or why, origin = origin, year = t.year,
             due = t.due, value = applied and (applied.value or applied.min_growth) or nil, base_year = base_year or nil }
    of_origin[base_year] = part
  end
  return part
end

-- The messages of a row without a value of its own: a share of nobody,
-- an organization of a kind outside the indicator's, one without anyone
-- of its population where that may rightly be (also composed in C: the
-- rows of plain indicators, see org_row_in_c).
local ZERO_DENOMINATOR = "нет данных: знаменатель равен нулю — нет ни одного из тех, к кому относится показатель"
local NOBODY = "не применимо: в организации нет ни одного из тех, к кому относится показатель"

-- Builds one result row. group holds the row's values: current, and
-- base (by year) and cumulative (by first year) where targets need them;
-- target is the indicator's target table in force.
local function make_row(ind, ctx, group, org, target, origin)
  local values = group.current
  -- sized at once for the fields most rows get
  local row = { numerator = values.numerator, denominator = values.denominator, value = values.value, message = nil,
                organization = nil, organization_name = nil, organization_kind = nil, status = nil, target = nil }
  if values.value == nil and values.denominator == 0 then
    row.message = ZERO_DENOMINATOR
  end
  if org then row.organization, row.organization_name, row.organization_kind = org.id, org.name, org.kind end
  local t = target_for(target, org)
  if not t then
    row.status = row.value == nil and "no_data" or "no_target"
    return row
  end
  local applied, why = applied_of(ctx, t)
  origin = origin or ind.target_origin or "document"
  if not applied then
    row.target = target_part(ctx, t, nil, why, origin, false)
    row.status = row.value == nil and "no_data" or "no_target"
    return row
  end
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
  -- the base year asked of the store (requests_of), kept even when it had
  -- no value: a re-judgement then knows the value is none, not unknown
  local asked = (applied.kind == "growth" and applied.phase ~= "base" and applied.base_year)
    or (applied.path and applied.path.base_value == nil and applied.path.base_year)
  if asked and asked ~= ctx.period then row.base_asked = asked end
  local status, info = judge(ctx, applied, row.value, base)
  row.status, row.message = status, info.message or row.message
  row.progress, row.path_value = info.progress, info.path_value and aggregates.round2(info.path_value) or nil
  if applied.track and row.cumulative.value ~= nil then
    row.progress, row.path_value = targets.progress(applied.track, ctx.period, row.cumulative.value)
    row.path_value = row.path_value and aggregates.round2(row.path_value)
  end
  if applied.kind == "growth" then
    row.base_value = base
    row.growth = info.growth and aggregates.round2(info.growth) or nil
    row.target = { text = t.text, kind = t.kind, origin = origin, year = t.year, due = t.due, value = applied.min_growth,
                   base_year = applied.base_year,
                   reason = targets.growth_summary(applied, row.value, base, info.growth)
                     .. (applied.phase == "progress" and ("; цель к " .. applied.final_year .. " г.") or "") }
  elseif base_year and base ~= nil then
    row.base_value = base
    row.target = target_part(ctx, t, applied, why, origin, base_year)
  else
    row.target = target_part(ctx, t, applied, why, origin, false)
  end
  return row
end

local function kind_names(kinds)
  local names = {}
  for i, kind in ipairs(kinds) do names[i] = "«" .. (vocabulary.label("organization_kind", kind) or kind) .. "»" end
  return table.concat(names, ", ")
end

local function outside_kinds(ind) return "не применимо: показатель относится к организациям вида " .. kind_names(ind.applies_to) end

-- Why an organization's row does not apply, or nil: its kind is outside
-- applies_to; or it has none of the indicator's denominator and the pack
-- says that population may rightly be absent (empty = "not_applicable").
-- Returns "pending" when, without applies_to, the organization has nobody
-- of the denominator: the row does not apply when no organization of its
-- kind has anyone either, which is known only once all are read.
local function not_applicable(ind, own, org, by_kinds)
  if ind.applies_to then
    local of_kind = false
    for _, kind in ipairs(ind.applies_to) do if kind == org.kind then of_kind = true end end
    if not of_kind then
      return outside_kinds(ind)
    end
  end
  if type(ind.value) == "function" then return nil end
  if own.denominator ~= 0 then return nil end
  if ind.empty == "not_applicable" then
    return NOBODY
  end
  if ind.applies_to then return nil end -- a school without teachers: no data
  if not by_kinds then return nil end -- distinct counts: kinds are not known
  return "pending"
end

local NOT_OF_KIND = "не применимо: в организациях этого вида нет работников, к которым относится показатель"

-- Why the indicator does not apply to the municipality at all: no
-- organization of the kinds it applies to (WSR experts without a college).
local function no_organization_of_kinds(ind, kinds_seen)
  if not ind.applies_to then return nil end
  for _, kind in ipairs(ind.applies_to) do if kinds_seen[kind] then return nil end end
  return "не применимо: в муниципалитете нет организаций вида " .. kind_names(ind.applies_to)
end

-- The combined figures of an aggregate from the measure values of one
-- group, for requests r of an indicator.
-- r.combine is the aggregate's combine, read once per request
-- (indicator_state) instead of through the sealed handle per group.
local function combined(r, pick) return (r.combine or r.aggregate.combine)(measures_of(r, pick)) end

-- What an indicator needs to be judged: its requests by role, its
-- targets, whether its measures add up by kind and position.
local function indicator_state(ind, ctx, seq)
  local st = { ind = ind, seq = seq, requests = {}, base_at = {}, cumulative = {}, target = ind.target }
  if type(ind.value) == "function" then return st end
  st.growth = ind.value.kind == "growth"
  st.requests = requests_of(ind, ctx, ctx.period)
  st.by_kinds = true
  for _, r in ipairs(st.requests) do
    r.applies_to = ind.applies_to
    r.combine = r.aggregate.combine
    if r.role == "current" then st.current = r end
    if r.role == "base" then st.base = r end
    -- a base year without data is left out (in a region-wide run: for the
    -- municipalities without, see begin_unit)
    if r.role == "base_at" and (ctx.units or not evaluation.missing_source(ind, ctx, r.period)) then st.base_at[r.period] = r end
    if r.role == "cumulative" then st.cumulative[r.since] = r end
  end
  for _, slot in ipairs(st.current.slots or {}) do
    if not slot.batch.additive then st.by_kinds = false end
  end
  return st
end

-- The row values of one group for every role: current (of a growth, its
-- growth against the base year), base (by year) and cumulative (by first
-- year); figures(r) gives request r's combined figures for the group.
-- The base and cumulative figures of a group whose indicator has none
-- (most): one empty table for all, only ever read.
local NO_FIGURES = {}

local function group_of(st, figures_of)
  local g = { base = NO_FIGURES, cumulative = NO_FIGURES }
  if st.values then -- an escape-hatch function's own figures
    g.current = figures_of(nil) or {}
    return g
  end
  local agg = st.ind.value
  local current = figures_of(st.current)
  if st.growth then g.current = agg.combine(current or {}, figures_of(st.base) or {})
  else g.current = current or {} end
  if next(st.base_at) ~= nil then
    g.base = {}
    for year, r in pairs(st.base_at) do
      if not (st.base_missing and st.base_missing[year]) then
        local v = figures_of(r)
        g.base[year] = (st.growth and v) and agg.combine(v, v) or v
      end
    end
  end
  if next(st.cumulative) ~= nil then
    g.cumulative = {}
    for since, r in pairs(st.cumulative) do
      local v = figures_of(r)
      g.cumulative[since] = (st.growth and v) and agg.combine(v, figures_of(st.base) or {}) or v
    end
  end
  return g
end

-- A row with no value of its own made "no data" because the source has no
-- rows in the period.
local function mark_missing(row, missing)
  if row.status ~= "not_applicable" then
    row.value, row.status, row.message, row.progress, row.path_value = nil, "no_data", missing, nil, nil
    if row.yearly then row.yearly.value = nil end
  end
end

-- Hands a row to the sink and to the advice (recommendations, ratings),
-- saying where the row goes: its unit, part (0 the total, 1 an
-- organization, 2 a breakdown), order and the kind whose emptiness may
-- still make it not applicable. The advice reads them from run.where (one
-- table for every row: the advice reads it during the call, never keeps it).
local function emit(run, st, row, unit, part, ord, pending)
  run.sink:row(st.seq, unit, part, ord, row, pending)
  if run.advice then
    local where = run.where
    where.unit, where.part, where.ord, where.pending = unit, part, ord, pending
    run.advice(st, row, where)
  end
end

-- Builds and hands over the row of one organization for an indicator.
local function organization_row(run, st, org, ord, unit)
  local ind = st.ind
  local g = group_of(st, st.org_figures)
  local why = not_applicable(ind, g.current, org, st.by_kinds)
  local row, pending
  if why and why ~= "pending" then
    row = { organization = org.id, organization_name = org.name, organization_kind = org.kind, status = "not_applicable",
            numerator = g.current.numerator, denominator = g.current.denominator, message = why }
  else
    row = make_row(ind, run.ctx, g, org, st.target, st.origin)
    pending = why and org.kind or nil
    if pending then st.pending[org.kind] = true end
  end
  if st.missing then mark_missing(row, st.missing) end
  emit(run, st, row, unit, 1, ord, pending)
end

-- Runs f(...) for an indicator unless it has failed; a failure is the
-- indicator's only result from then on, and the others go on.
local function guarded(run, st, unit, f, ...)
  if st.failed then return end
  local ok, err = pcall(f, ...)
  if not ok then
    st.failed = err
    run.sink:fail(st.seq, unit, tostring(err))
  end
end

-- ---- an organization's row composed in C (engine/cycle/org_rows.h) ----
-- The rows of a plain indicator (an aggregate the stdlib made that counts,
-- shares or tells presence, judged on the year's value, on it and a base
-- year's, or read since a first year) are made by the results' sink from
-- the organization's sums: the Lua of organization_row and make_row cost
-- more per row than the SQL that read the sums. What the judging says is
-- still make_row's, asked once per target, value, base and cumulative
-- value (org_learn) and remembered by the sink. A growth aggregate, and every row that a rating or a
-- recommendation rule reads (see advice.plain_rows in dsl.lua), are made
-- by organization_row.

local PLAIN_AGGREGATES = { count = 1, share = 2, exists = 1 }

-- The plan of indicator st's organization rows in C, or nil when they are
-- made in Lua.
local function org_plan(run, st)
  local ind, sink = st.ind, run.sink
  if run.advice and not (run.plain_rows and run.plain_rows(ind)) then return nil end
  if type(sink) ~= "userdata" or type(ind.value) == "function" or st.growth or not st.current then return nil end
  if not aggregates.is_aggregate(ind.value) then return nil end
  local kind = ind.value.kind
  local slots = st.current.slots
  if PLAIN_AGGREGATES[kind] ~= #slots then return nil end
  local p = { plan = sink:org_plan(kind, ind.empty == "not_applicable", ind.applies_to ~= nil, st.by_kinds,
                                   ind.applies_to and outside_kinds(ind) or nil, NOBODY, ZERO_DENOMINATOR) }
  if ind.applies_to then
    p.kinds = {}
    for _, k in ipairs(ind.applies_to) do p.kinds[k] = true end
  end
  return p
end

-- How an applied target judges a row (make_row): 1 on the year's value
-- alone, 2 on it and the value in base year (a growth target, a path from
-- a base year; also returned); and the first year of the figure it is
-- read with (a cumulative figure, a trajectory), or nil.
local function judged_by(applied)
  local since = (applied.figure == "cumulative" and applied.since) or (applied.track and applied.track.since)
  if (applied.track or applied.figure == "cumulative") and not since then return nil end
  local base_year = (applied.kind == "growth" and applied.base_year) or (applied.path and applied.path.base_year)
  if base_year then return 2, base_year, since end
  return 1, nil, since
end

-- The sink's slot of target t read for st's origin (shared by every
-- indicator and municipality reading it so), false when rows judged by it
-- are made in Lua.
local function org_slot(run, st, t)
  local origin = st.origin or st.ind.target_origin or "document"
  local of_t = run.org_slots[t]
  if not of_t then
    of_t = {}
    run.org_slots[t] = of_t
  end
  local slot = of_t[origin]
  if slot == nil then
    local ctx = run.ctx
    local applied, why = applied_of(ctx, t)
    local judged, base_year, since = 0, nil, nil
    if applied then judged, base_year, since = judged_by(applied) end
    if judged then
      slot = run.sink:org_slot(target_part(ctx, t, applied, why, origin, false), judged, since,
                               since and applied.figure or nil, since ~= nil and applied.figure == "cumulative")
      run.org_judged[slot] = { target = t, origin = origin, base_year = base_year, since = since }
    else slot = false end
    of_t[origin] = slot
  end
  return slot
end

-- Tells the sink the verdict of slot's target on value (and the value in
-- its base year, the cumulative value): what make_row makes of them.
local function org_learn(run, st, slot, value, base, cum)
  local j = run.org_judged[slot]
  local group = { current = { value = value, denominator = value == nil and 0 or nil }, base = NO_FIGURES,
                  cumulative = NO_FIGURES }
  if j.base_year and j.base_year ~= run.ctx.period then group.base = { [j.base_year] = { value = base } } end
  if j.since then group.cumulative = { [j.since] = { value = cum } } end
  run.sink:org_learn(slot, value, base, cum, make_row(st.ind, run.ctx, group, nil, j.target, j.origin))
end


-- The organization's sums of request r (own: its sums by batch).
local function sums_of(r, own)
  local slots = r.slots
  local sums = own[slots[1].batch]
  local a = sums and sums[slots[1].index] or 0
  if not slots[2] then return a, nil end
  sums = own[slots[2].batch]
  return a, sums and sums[slots[2].index] or 0
end

-- The organization's sums in the base year of slot's target (a slot
-- judged by value and base value): whether there are any, and them.
local function base_sums(run, st, slot, own, m1, m2)
  local j = run.org_judged[slot]
  local year = j and j.base_year
  if not year then return false end
  if year == run.ctx.period then return true, m1, m2 end
  local r = st.base_at[year]
  if not r or (st.base_missing and st.base_missing[year]) then return false end
  return true, sums_of(r, own)
end

-- The organization's sums since the first year of slot's target (one read
-- since a first year): whether there are any, and them.
local function cumulative_sums(run, st, slot, own)
  local j = run.org_judged[slot]
  local r = j and j.since and st.cumulative[j.since]
  if not r then return false end
  return true, sums_of(r, own)
end

-- Hands the sink organization org's row of st to compose (own: the
-- organization's sums by batch); false when it is to be made in Lua.
local function org_row_in_c(run, st, org, ord, unit, own)
  if st.failed then return true end
  local p = st.org_plan
  local m1, m2 = sums_of(st.current, own)
  local outside = p.kinds ~= nil and not p.kinds[org.kind]
  local slot = 0
  if not outside then
    local t = target_for(st.target, org)
    if t ~= nil then
      slot = st.org_slot_of[t]
      if slot == nil then
        slot = org_slot(run, st, t)
        st.org_slot_of[t] = slot
      end
      if not slot then return false end
    end
  end
  local has_base, b1, b2, has_cum, c1, c2 = false, nil, nil, false, nil, nil
  if slot ~= 0 then
    has_base, b1, b2 = base_sums(run, st, slot, own, m1, m2)
    has_cum, c1, c2 = cumulative_sums(run, st, slot, own)
  end
  local sink = run.sink
  local done, v, base, cum = sink:org_row(p.plan, slot, st.seq, unit, ord, org.id, org.name, org.kind, m1, m2, outside,
                                          st.missing, has_base, b1, b2, has_cum, c1, c2)
  if not done then
    guarded(run, st, unit, org_learn, run, st, slot, v, base, cum)
    if st.failed then return true end
    done, v = sink:org_row(p.plan, slot, st.seq, unit, ord, org.id, org.name, org.kind, m1, m2, outside, st.missing,
                           has_base, b1, b2, has_cum, c1, c2)
    if not done then return false end
  end
  if v == "pending" then st.pending[org.kind] = true end
  return true
end

-- The kinds and positions of a request's breakdown groups, sorted.
local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- The figures of every request of st for one dimension ("kind" or
-- "position") and key, from the batches' sums of the unit.
local function breakdown_figures(st, dimension, key)
  return function(r)
    if r == nil then return nil end
    return combined(r, function(b) return b[dimension][key] end)
  end
end

-- The figures of every request for the unit's total: the batches' sums of
-- all rows, or of the kinds the indicator applies to.
local function total_figures(st)
  return function(r)
    if r == nil then return st.values and st.values.total or nil end
    if r.applies_to and st.by_kinds then
      return combined(r, function(b)
        local m = zeros(b.n)
        for _, kind in ipairs(r.applies_to) do
          local k = b.kind[kind]
          if k then add_into(m, k, b.n) end
        end
        return m
      end)
    end
    return combined(r, function(b) return b.totals or b.all end)
  end
end

-- The unit's last rows of an indicator: the total, the breakdowns, and
-- which organizations of an empty kind do not apply after all.
local function closing_rows(run, st, unit, kinds_seen)
  local ind = st.ind
  local row = make_row(ind, run.ctx, group_of(st, total_figures(st)), nil, st.target, st.origin)
  local why_not = no_organization_of_kinds(ind, kinds_seen)
  if why_not then row = { status = "not_applicable", message = why_not } end
  if st.missing then mark_missing(row, st.missing) end
  emit(run, st, row, unit, 0, 0, nil)
  if not st.current then return end
  -- organizations whose kind has nobody of the denominator do not apply
  for kind in pairs(st.pending) do
    local of_kind = group_of(st, breakdown_figures(st, "kind", kind)).current
    if (of_kind.denominator or 0) == 0 then run.sink:not_applicable(st.seq, unit, kind, NOT_OF_KIND) end
  end
  local ord = 0
  for _, dimension in ipairs(ind.breakdown or {}) do
    if st.by_kinds then
      local keys = {}
      for _, slot in ipairs(st.current.slots) do
        for k in pairs(slot.batch[dimension]) do keys[k] = true end
      end
      for _, k in ipairs(sorted_keys(keys)) do
        local g = group_of(st, breakdown_figures(st, dimension, k))
        local v = g.current
        -- a group outside the indicator's population (educators in a share of teachers) is not shown
        if (v.denominator or 0) ~= 0 or (v.numerator or 0) ~= 0 then
          local b = make_row(ind, run.ctx, g, nil, st.target, st.origin)
          b.breakdown, b.group = dimension, k
          if st.missing then mark_missing(b, st.missing) end
          ord = ord + 1
          emit(run, st, b, unit, 2, ord, nil)
        end
      end
    end
  end
end

-- The SQL of the organizations, in the order the scans give theirs, with
-- a column per rating whose organizations are a set (1 for its members);
-- in a region-wide run with their municipality, by municipality.
local function organizations_sql(run)
  local ctx = run.ctx
  local columns = { "o.id AS id", "o.name AS name", "o.kind AS kind" }
  local period = ctx.period
  if ctx.units then
    columns[#columns + 1] = "o.municipality AS municipality"
    period = scan_time({ unit = "o.municipality" }, sets.time(ctx.period))
  end
  for i, r in ipairs(run.member_sets or {}) do
    columns[#columns + 1] = "(" .. sets.predicate(r.set, "o", period) .. ") AS member_" .. i
  end
  return "SELECT " .. table.concat(columns, ", ") .. " FROM organization o ORDER BY "
    .. (ctx.units and "o.municipality, o.id" or "o.id")
end

-- The next organization of the unit being read into run.org, or nil after
-- its last; in a region-wide run (pass) the organizations of all come in
-- one cursor, and one read ahead waits for its municipality's turn.
local function next_org(run, pass)
  if not pass then return run.orgs:next(run.org) end
  while true do
    if not run.org_ready then
      if not run.orgs:next(run.org) then return nil end
      run.org_ready = true
    end
    local where = placed(pass, run.org.municipality)
    if where == "stop" then return nil end
    run.org_ready = false
    if where == nil then return run.org end
  end
end

-- What an indicator needs anew for each municipality of a region-wide
-- run: whether its sources have rows there, which base years have data
-- there, an escape-hatch function's own figures there (computed through
-- the municipality's own view of the store, as its own run would), and a
-- failure of the run as a whole, which is every municipality's.
local function begin_unit(run, st, unit)
  local ctx = run.ctx
  -- the municipality's own targets (its layer's), else the region's
  local own = ctx.unit_targets and ctx.unit_targets[unit] and ctx.unit_targets[unit][st.ind.id]
  if own then st.target, st.origin = own.target, own.origin
  else st.target, st.origin = st.region_target, nil end
  -- what the municipality's statuses are judged against (its own targets)
  if run.sink.judgement then
    local fine, target, formula = pcall(evaluation.fingerprint, st.ind, ctx, st.target, st.origin)
    if fine then run.sink:judgement(st.seq, unit, target, formula) end
  end
  st.failed = st.failed_all
  if st.failed then
    run.sink:fail(st.seq, unit, tostring(st.failed))
    return
  end
  local ok, err = pcall(function()
    st.missing = evaluation.missing_source(st.ind, ctx, nil, unit)
    st.base_missing = {}
    for year in pairs(st.base_at) do
      if evaluation.missing_source(st.ind, ctx, year, unit) then st.base_missing[year] = true end
    end
    st.values = nil
    if type(st.ind.value) == "function" then
      if not ctx.open_unit then error(st.ind.where .. "indicator \"" .. st.ind.id .. "\": its function needs a run of one municipality", 0) end
      local db = ctx.open_unit(unit)
      local uctx = { db = db, period = ctx.period, statements = 0, log = {} }
      local ok_f, values = pcall(run_function, st.ind, uctx)
      db:close()
      ctx.statements = ctx.statements + uctx.statements
      if not ok_f then error(values, 0) end
      st.values = values
    end
  end)
  if not ok then
    st.failed = err
    run.sink:fail(st.seq, unit, tostring(err))
  end
end

-- Reads the organizations and the batches together, organization by
-- organization, handing each indicator's row of each to the sink; then
-- the totals and breakdowns. In a region-wide run, unit is the
-- municipality read and pass where it stands (see placed).
local function stream_unit(run, unit, pass)
  local ctx = run.ctx
  if not pass then
    local orgs, err = cursor(ctx, organizations_sql(run))
    if not orgs then error("organizations: " .. err, 0) end
    run.orgs, run.org = orgs, {}
  end
  for _, b in ipairs(run.batches) do reset_batch(b, unit) end
  local kinds_seen = {}
  local org, ord = run.org, 0
  local own = {}
  for _, st in ipairs(run.states) do
    st.pending = {}
    if pass then begin_unit(run, st, unit) end
    st.org_slot_of = {} -- the unit's targets: its own or the region's
    -- the organization's figures of request r: measures_of with the
    -- organization's sums (own) read in place
    st.org_figures = function(r)
      if r == nil then return st.values and st.values.orgs[org.id] or nil end
      local m, slots = {}, r.slots
      for i = 1, #slots do
        local slot = slots[i]
        local sums = own[slot.batch]
        m[i] = sums and sums[slot.index] or 0
      end
      return r.combine(m)
    end
  end
  for _, f in ipairs(run.early_failures or {}) do run.sink:fail(f.seq, unit, f.message) end
  while next_org(run, pass) do
    ord = ord + 1
    kinds_seen[org.kind] = true
    for _, b in ipairs(run.batches) do
      if not b.error then
        local sums = read_batch(b, org.id, pass)
        own[b] = sums
        if b.additive then
          -- the kind's sums are made even when nothing adds to them: which
          -- kinds have sums is what the breakdown by kind lists
          local of_kind = bucket_of(b.kind, org.kind, b.n)
          if sums ~= b.none then -- adding zeros changes no sum
            add_into(b.all, sums, b.n)
            add_into(of_kind, sums, b.n)
          end
        end
      end
    end
    if run.on_organization then run.on_organization(org) end
    for _, st in ipairs(run.states) do
      if st.ind.level ~= "municipality" and not (st.org_plan and org_row_in_c(run, st, org, ord, unit, own)) then
        guarded(run, st, unit, organization_row, run, st, org, ord, unit)
      end
    end
  end
  for _, b in ipairs(run.batches) do
    if not b.error then
      local rest = read_batch(b, nil, pass) -- rows of no known organization, sorted after the last
      if b.additive then add_into(b.all, rest, b.n) end
    end
  end
  for _, st in ipairs(run.states) do guarded(run, st, unit, closing_rows, run, st, unit, kinds_seen) end
end

-- Evaluates the indicators ids (all when nil) of pack, handing every
-- result row to sink (sink:row, sink:not_applicable, sink:fail; see
-- engine/cycle/result_sink.h) and, when given, to advice(st, row, where)
-- for recommendations and ratings. Returns the number of statements run.
-- With ctx.units (a region-wide run: the municipalities, sorted as SQLite
-- sorts them) every municipality is evaluated in the same pass over the
-- data, each row tagged with its municipality, each municipality getting
-- exactly what a run of it alone gets; ctx.open_unit(m), when given,
-- opens the rules' view of one municipality for escape-hatch functions.
function evaluation.stream(pack, ctx, sink, ids, advice)
  ctx.statements, ctx.log, ctx.sources = ctx.statements or 0, ctx.log or {}, ctx.sources or {}
  ctx.applied, ctx.judged = ctx.applied or setmetatable({}, { __mode = "k" }), setmetatable({}, { __mode = "k" })
  -- the indicators in the pack's order (seq: their place in it); an
  -- indicator asked for by id that the pack's list lacks (the REPL's
  -- expression) comes after them
  local chosen = {}
  local seq_of = {}
  for seq, ind in ipairs(pack.indicators) do seq_of[ind] = seq end
  if ids then
    for i, id in ipairs(ids) do
      local ind = pack.by_id[id]
      if ind then chosen[#chosen + 1] = { ind = ind, seq = seq_of[ind] or (#pack.indicators + i) } end
    end
    table.sort(chosen, function(a, b) return a.seq < b.seq end)
  else
    for seq, ind in ipairs(pack.indicators) do chosen[seq] = { ind = ind, seq = seq } end
  end
  local run = { ctx = ctx, sink = sink, states = {}, advice = advice and advice.row, early_failures = {}, where = {},
                on_organization = advice and advice.organization, member_sets = advice and advice.member_sets,
                plain_rows = advice and advice.plain_rows, org_slots = setmetatable({}, { __mode = "k" }), org_judged = {} }
  local requests = {}
  for _, c in ipairs(chosen) do
    local ind, seq = c.ind, c.seq
    do
      local ok, st = pcall(indicator_state, ind, ctx, seq)
      if not ok then
        if ctx.units then run.early_failures[#run.early_failures + 1] = { seq = seq, message = tostring(st) }
        else sink:fail(seq, nil, tostring(st)) end
      else
        if advice and advice.target then st.target = advice.target(ind) end
        st.region_target = st.target
        run.states[#run.states + 1] = st
        -- what its statuses will be judged against, kept by a cycle with its results
        if sink.judgement and not ctx.units then
          local fine, target, formula = pcall(evaluation.fingerprint, ind, ctx)
          if fine then sink:judgement(seq, nil, target, formula) end
        end
        for _, r in ipairs(st.requests) do requests[#requests + 1] = r end
      end
    end
  end
  run.batches = plan(requests, ctx)
  for _, b in ipairs(run.batches) do open_batch(ctx, b) end
  for _, st in ipairs(run.states) do
    if st.ind.level ~= "municipality" then st.org_plan = org_plan(run, st) end
  end
  for _, st in ipairs(run.states) do
    local ok, err = pcall(function()
      for _, r in ipairs(st.requests) do
        for _, slot in ipairs(r.slots) do
          if slot.batch.error then error(st.ind.where .. "indicator \"" .. st.ind.id .. "\": " .. slot.batch.error, 0) end
        end
      end
      if ctx.units then return end -- the rest per municipality (begin_unit)
      if type(st.ind.value) == "function" then st.values = run_function(st.ind, ctx) end
      st.missing = evaluation.missing_source(st.ind, ctx)
    end)
    if not ok then
      if ctx.units then
        st.failed_all = err
      else
        st.failed = err
        sink:fail(st.seq, nil, tostring(err))
      end
    end
  end
  if ctx.units then
    local orgs, err = cursor(ctx, organizations_sql(run))
    if not orgs then error("organizations: " .. err, 0) end
    run.orgs, run.org = orgs, {}
    local pass = { index = {}, at = 0 }
    for i, unit in ipairs(ctx.units) do pass.index[unit] = i end
    for i, unit in ipairs(ctx.units) do
      pass.at = i
      stream_unit(run, unit, pass)
    end
  else
    stream_unit(run, nil)
  end
  run.orgs:close()
  for _, b in ipairs(run.batches) do
    if b.cursor then b.cursor:close() end
  end
  return ctx.statements
end

-- A sink that keeps the rows of one indicator in a list (explain, the REPL).
local function list_sink()
  local sink = { rows = {} }
  function sink.row(self, _, _, part, ord, row, pending)
    self.rows[#self.rows + 1] = { part = part, ord = ord, row = row, pending = pending }
  end
  function sink.not_applicable(self, _, _, kind, message)
    for _, r in ipairs(self.rows) do
      if r.pending == kind then
        local o = r.row
        r.row = { organization = o.organization, organization_name = o.organization_name, organization_kind = o.organization_kind,
                  status = "not_applicable", numerator = o.numerator, denominator = o.denominator, message = message }
      end
    end
  end
  function sink.fail(self, _, _, message) self.error = message end
  return sink
end

-- Nothing is computed ahead any more (evaluation streams); kept so that
-- callers preparing an indicator before asking for its rows still work.
function evaluation.prepare(_, ctx)
  ctx.statements, ctx.log, ctx.sources = ctx.statements or 0, ctx.log or {}, ctx.sources or {}
end

-- Results of indicator id: the total first, then one row per organization
-- (unless the indicator is judged for the municipality only), then
-- breakdown rows (breakdown = "kind" or "position"). Raises on error.
function evaluation.rows(pack, ctx, id)
  local sink = list_sink()
  evaluation.stream(pack, ctx, sink, { id })
  if sink.error then error(sink.error, 0) end
  table.sort(sink.rows, function(a, b)
    if a.part ~= b.part then return a.part < b.part end
    return a.ord < b.ord
  end)
  local rows = {}
  for i, r in ipairs(sink.rows) do rows[i] = r.row end
  return rows
end

-- ---- re-judging stored figures against the pack's current targets ----

-- The message a row gets when a dated source has no rows in the period
-- (mark_missing): the row stays "no data" whatever its target says.
evaluation.MISSING_PREFIX = "нет данных: в хранилище нет записей "

local canonical = targets.canonical

local byte = string.byte

-- FNV-1a (64 bits) of text, as 16 hex digits.
local function fnv1a(text)
  local h = -3750763034362895579 -- 14695981039346656037 as a signed 64-bit integer
  for i = 1, #text do
    h = (h ~ byte(text, i)) * 1099511628211
  end
  return string.format("%016x", h)
end

-- The fingerprints already made in ctx: a region-wide run asks for every
-- municipality's, which differ only where a municipality has targets of
-- its own (the formula never does), and hashing the measures' SQL byte by
-- byte is the dearest part of starting a municipality. Kept for the
-- period, reading date and programme they were made for.
local NO_TARGET = {}

local function fingerprint_memo(ctx)
  local memo = ctx.fingerprints
  if not memo or memo.period ~= ctx.period or memo.as_of ~= ctx.as_of or memo.start ~= ctx.programme_start then
    memo = { period = ctx.period, as_of = ctx.as_of, start = ctx.programme_start,
             targets = setmetatable({}, { __mode = "k" }), formulas = setmetatable({}, { __mode = "k" }) }
    ctx.fingerprints = memo
  end
  return memo
end

-- The version of what the stdlib makes of a definition. Bump it when a
-- change of the stdlib changes a figure of a definition that did not
-- change (another rounding, another reading of a window or of a reporting
-- date): a cycle judged before is then not re-judged from figures that
-- today's stdlib would make otherwise. A change that only makes the same
-- figures another way (the SQL of a measure, a faster scan) keeps it.
evaluation.SEMANTICS = 1

-- The version a cycle stored with a fingerprint of its SQL (by a pdmon from
-- before the definitions were fingerprinted) counts as: those made the
-- figures of version 1.
local SQL_SEMANTICS = 1

-- The reporting date as text ("12.31"; "any_day"; "nil": the default).
local function as_of_text(as_of)
  if type(as_of) == "table" then return as_of.month .. "." .. as_of.day end
  return tostring(as_of)
end

-- The fingerprint of a formula as the pack states it, "d1:" and 16 hex
-- digits: the indicator's level, organizations (applies_to), empty,
-- missing, breakdown, the reporting date and its value's definition
-- (aggregates.canonical: its aggregate, sets, fields, growth base and
-- points), under the stdlib's semantics version. Nothing of the generated
-- SQL: a new SQL generator keeps it. A value that is a plain function of
-- Lua has no definition to compare: what it reads (its body, upvalues,
-- modules it calls) can change on the same line, so it is marked "fn:",
-- which re-judging always refuses (rejudge.c, pair_group).
local function definition_fingerprint(ind, ctx, version)
  local parts = { "semantics " .. tostring(version), "level " .. tostring(ind.level),
                  "applies_to " .. canonical(ind.applies_to), "empty " .. tostring(ind.empty),
                  "missing " .. tostring(ind.missing), "breakdown " .. canonical(ind.breakdown),
                  "as_of " .. as_of_text(ctx.as_of) }
  if type(ind.value) == "function" then
    parts[#parts + 1] = "function " .. tostring(ind.where)
    return "fn:" .. fnv1a(table.concat(parts, "\n"))
  end
  parts[#parts + 1] = "value " .. aggregates.canonical(ind.value, ctx.period)
  return "d1:" .. fnv1a(table.concat(parts, "\n"))
end
evaluation.definition_fingerprint = definition_fingerprint

-- The fingerprint a cycle stored before the definitions were fingerprinted:
-- the SQL of the measures, as 16 hex digits. Kept to the letter (with the
-- reporting date as tostring gives it) so that a stored one is recognised:
-- equal, the figures were made by the same SQL.
local function sql_fingerprint(ind, ctx)
  local parts = { tostring(ind.level), canonical(ind.applies_to), tostring(ind.empty), tostring(ind.missing),
                  canonical(ind.breakdown), tostring(ctx.as_of) }
  if type(ind.value) == "function" then
    parts[#parts + 1] = "function " .. tostring(ind.where)
  else
    local agg = ind.value
    local plain = agg.kind == "growth" and agg.inner or agg
    parts[#parts + 1] = agg.kind .. " " .. plain.kind .. " " .. tostring(agg.points)
    if agg.kind == "growth" then parts[#parts + 1] = "base " .. tostring(aggregates.base_year(agg, ctx.period)) end
    local t = sets.time(ctx.period, ctx.as_of)
    for _, m in ipairs(plain.measures) do
      local s = SCANS[m.entity]
      parts[#parts + 1] = m.entity .. (m.additive and "+" or "") .. " " .. tostring(m.field) .. " "
        .. tostring(m.counting) .. " " .. m.sql(s.alias, t, s.staff_alias, s.at)
    end
  end
  return fnv1a(table.concat(parts, "\n"))
end
evaluation.sql_fingerprint = sql_fingerprint

-- What a stored status of indicator ind depends on, as two fingerprints
-- for the evaluated period: its targets (the target table, where the
-- target came from, the programme's first year) and its formula (its
-- definition as the pack states it: definition_fingerprint). A cycle keeps both with its results (cycle_judgement), so that a
-- changed target phrase is found, and a changed formula is not re-judged
-- from figures it did not make.
function evaluation.fingerprint(ind, ctx, target_table, origin)
  if target_table == nil then target_table, origin = ind.target, ind.target_origin end
  local memo = fingerprint_memo(ctx)
  local shown = tostring(target_table and (origin or ind.target_origin))
  local of_table = memo.targets[target_table or NO_TARGET]
  if not of_table then
    of_table = {}
    memo.targets[target_table or NO_TARGET] = of_table
  end
  local target = of_table[shown]
  if not target then
    target = fnv1a(canonical(target_table) .. "|" .. shown .. "|" .. tostring(ctx.programme_start))
    of_table[shown] = target
  end
  local formula = memo.formulas[ind]
  if not formula then
    formula = definition_fingerprint(ind, ctx, evaluation.SEMANTICS)
    memo.formulas[ind] = formula
  end
  return target, formula
end

-- 1 when the indicator's targets differ by organization id (not only by
-- kind, for the municipality or by default): a stored row is then
-- re-judged by its organization, else by its organization's kind.
local function targets_by_id(ind)
  if ind.target == nil or targets.is_target(ind.target) then return false end
  for k in pairs(ind.target) do
    if k ~= "default" and k ~= "municipality" and not vocabulary.label("organization_kind", k) then return true end
  end
  return false
end

-- What re-judging needs to know of every indicator of the pack: its id,
-- fingerprints, whether its targets go by organization id, and whether
-- recommendations or ratings read its statuses (they are not re-derived).
function evaluation.rejudge_plan(pack, ctx)
  ctx.applied, ctx.judged = ctx.applied or {}, ctx.judged or {}
  local advised = {}
  for _, rule in ipairs(pack.recommendations or {}) do
    local spec = rule.spec
    if not spec.indicator and not spec.indicators then advised["*"] = true end
    if spec.indicator then advised[spec.indicator] = true end
    for _, id in ipairs(spec.indicators or {}) do advised[id] = true end
  end
  for _, r in ipairs(pack.ratings or {}) do
    for id in pairs(r.weights) do advised[id] = true end
  end
  local list = {}
  for i, ind in ipairs(pack.indicators) do
    local target, formula = evaluation.fingerprint(ind, ctx)
    list[i] = { id = ind.id, targets = target, formula = formula, sql_formula = sql_fingerprint(ind, ctx),
                by_id = targets_by_id(ind), advised = (advised[ind.id] or advised["*"]) and true or false }
  end
  return list
end

-- The formulas of a cycle's own pack (its stored rules), to compare with
-- today's when the cycle kept only the fingerprint of its SQL: each
-- indicator's definition fingerprint as that cycle's pdmon made its
-- figures (SQL_SEMANTICS), { { id = ..., formula = ... }, ... }.
function evaluation.stored_formulas(pack, ctx)
  local list = {}
  for i, ind in ipairs(pack.indicators) do
    list[i] = { id = ind.id, formula = definition_fingerprint(ind, ctx, SQL_SEMANTICS) }
  end
  return list
end

-- Re-judges one group of stored rows of indicator id (rows whose figures
-- and target are the same) against the pack's current target, exactly as
-- the evaluation judges a row (make_row, the same memo of judgements).
-- g: { total, organization, kind, value, den_zero, base_year, base_value,
-- base_asked, since, cumulative_value, missing }. Returns the row, or nil and what the
-- new target compares with that the stored figures lack ("base 2021":
-- the value of 2021; "since 2021": the cumulative figure since 2021).
function evaluation.rejudge(pack, ctx, id, g)
  local ind = pack.by_id[id]
  if not ind then return nil, "indicator" end
  local org = not g.total and { id = g.organization, kind = g.kind } or nil
  local t = target_for(ind.target, org)
  local applied = t and applied_of(ctx, t)
  if applied then
    -- what requests_of would have asked the store for
    local year = (applied.kind == "growth" and applied.phase ~= "base" and applied.base_year)
      or (applied.path and applied.path.base_value == nil and applied.path.base_year)
    if year and year ~= ctx.period and g.base_year ~= year and g.base_asked ~= year then return nil, "base " .. year end
    local from = (applied.figure == "cumulative" and applied.since) or (applied.track and applied.track.since)
    if from and g.since ~= from then return nil, "since " .. from end
  end
  local group = { current = { value = g.value, denominator = g.den_zero and 0 or nil }, base = {}, cumulative = {} }
  if g.base_year then group.base[g.base_year] = { value = g.base_value } end
  if g.base_asked and not group.base[g.base_asked] then group.base[g.base_asked] = {} end
  if g.since then group.cumulative[g.since] = { value = g.cumulative_value } end
  local row = make_row(ind, ctx, group, org, ind.target)
  if g.missing then mark_missing(row, g.missing) end
  return row
end

return evaluation
