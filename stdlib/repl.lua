-- The REPL's side of the language: the environment an analyst types in
-- (everything a pack can use, plus eval, explain and sql), and how values
-- print: sets, results and query rows as aligned tables whose widths count
-- characters, not bytes, so Cyrillic lines up.

local dsl = require "dsl"
local sets = require "sets"
local aggregates = require "aggregates"
local evaluation = require "evaluation"

local repl = {}

-- Lists of rows that print as a table, known by this registry (their
-- metatable is protected, so a rule cannot reach or copy it).
local row_lists = setmetatable({}, { __mode = "k" })
local Rows = { __metatable = "rows" }

local function width(s) return utf8.len(s) or #s end

local function cell(v)
  if v == nil then return "" end
  if math.type(v) == "float" then return (string.format("%.2f", v)) end
  return tostring(v)
end

local function pad(s, n, right)
  local gap = string.rep(" ", math.max(0, n - width(s)))
  return right and (gap .. s) or (s .. gap)
end

-- The columns of a list of rows: first row's order where known, else sorted.
local function columns_of(rows, preferred)
  if preferred then return preferred end
  local seen, cols = {}, {}
  for _, row in ipairs(rows) do
    local keys = {}
    for k in pairs(row) do if type(k) == "string" and not seen[k] then keys[#keys + 1] = k end end
    table.sort(keys)
    for _, k in ipairs(keys) do seen[k] = true; cols[#cols + 1] = k end
  end
  return cols
end

-- Formats rows as an aligned table, at most limit rows, then how many more.
function repl.table(rows, limit, preferred)
  local cols = columns_of(rows, preferred)
  if #rows == 0 then return "(no rows)" end
  local w, numeric = {}, {}
  for i, c in ipairs(cols) do
    w[i] = width(c)
    numeric[i] = true
  end
  local shown = math.min(#rows, limit)
  for r = 1, shown do
    for i, c in ipairs(cols) do
      local v = rows[r][c]
      if v ~= nil and type(v) ~= "number" then numeric[i] = false end
      w[i] = math.max(w[i], width(cell(v)))
    end
  end
  local out = {}
  local line = {}
  for i, c in ipairs(cols) do line[i] = pad(c, w[i], numeric[i]) end
  out[#out + 1] = table.concat(line, "  ")
  for r = 1, shown do
    for i, c in ipairs(cols) do line[i] = pad(cell(rows[r][c]), w[i], numeric[i]) end
    out[#out + 1] = table.concat(line, "  ")
  end
  if #rows > shown then out[#out + 1] = string.format("... %d more rows (%d in all)", #rows - shown, #rows) end
  return table.concat(out, "\n")
end

local function json_value(v)
  local t = type(v)
  if v == nil then return "null" end
  if t == "number" then return (v ~= v or v == math.huge or v == -math.huge) and "null" or cell(v) end
  if t == "boolean" then return tostring(v) end
  if t == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  end
  if t == "table" then
    if #v > 0 or next(v) == nil then
      local items = {}
      for i, x in ipairs(v) do items[i] = json_value(x) end
      return "[" .. table.concat(items, ",") .. "]"
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    local items = {}
    for i, k in ipairs(keys) do items[i] = json_value(k) .. ":" .. json_value(v[k]) end
    return "{" .. table.concat(items, ",") .. "}"
  end
  return json_value(tostring(v))
end

local function csv_value(v)
  local s = cell(v)
  if s:find('[,"\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

-- Formats any value for the console in the session's format.
function repl.show(value, settings)
  local limit, format = settings.limit or 20, settings.format or "table"
  local mt = getmetatable(value)
  local listed = row_lists[value] ~= nil
  if listed or (type(value) == "table" and type(value[1]) == "table" and mt == nil) then
    local cols = listed and value.columns or nil
    if format == "json" then return json_value(value) end
    if format == "csv" then
      local c = columns_of(value, cols)
      local out = { table.concat(c, ",") }
      for _, row in ipairs(value) do
        local line = {}
        for i, k in ipairs(c) do line[i] = csv_value(row[k]) end
        out[#out + 1] = table.concat(line, ",")
      end
      return table.concat(out, "\n")
    end
    return repl.table(value, limit, cols)
  end
  if sets.is_set(value) and settings.members then
    return sets.describe(value) .. "\n" .. repl.show(settings.members(value), settings)
  end
  if aggregates.is_aggregate(value) then return "aggregate " .. value.kind .. "  (evaluate it with eval(...))" end
  if type(value) == "table" then return format == "json" and json_value(value) or json_value(value) end
  return tostring(value)
end

local function rows_of(list, columns)
  list.columns = columns
  row_lists[list] = true
  return setmetatable(list, Rows)
end

local RESULT_COLUMNS = { "indicator", "organization", "organization_name", "numerator", "denominator", "value", "status" }

-- The environment of a session: the pack's language and the pack's
-- declarations, with eval, explain, sql and members.
function repl.env(pack, ctx)
  local scratch, api = dsl.new_pack("(repl)")
  if not pack then
    scratch.manifests[0] = { id = "(no pack)" }
    pack = scratch
  end
  local env = {}
  for k, v in pairs(api) do env[k] = v end
  dsl.prepare(pack, ctx, {})
  repl.pack = pack

  local function evaluate(what)
    local id = what
    if aggregates.is_aggregate(what) then
      id = "expression"
      pack.by_id[id] = { id = id, title = "выражение", unit = what.unit, value = what, target_list = {}, where = "" }
    elseif type(what) ~= "string" or not pack.by_id[what] then
      error("eval(id or aggregate): no indicator '" .. tostring(what) .. "' in the pack; .indicators lists them", 2)
    end
    ctx.computed = {}
    local ok, rows = pcall(function()
      evaluation.prepare(pack, ctx, { id })
      return evaluation.rows(pack, ctx, id)
    end)
    if id == "expression" then pack.by_id[id] = nil end
    if not ok then error(rows, 0) end
    local out = {}
    for _, row in ipairs(rows) do
      if (not ctx.org or row.organization == nil or row.organization == ctx.org) and not row.breakdown then
        out[#out + 1] = { indicator = id, organization = row.organization or "(total)", organization_name = row.organization_name,
                          numerator = row.numerator, denominator = row.denominator, value = row.value, status = row.status }
      end
    end
    return rows_of(out, RESULT_COLUMNS)
  end

  env.eval = evaluate
  env.explain = function(id) return dsl.explain_text(pack, id, ctx, ctx.org) end
  env.sql = function(text)
    if type(text) ~= "string" then error("sql[[SELECT ...]]: the query is a string", 2) end
    local rows, err = ctx.db:query(text)
    if not rows then error("sql: " .. err, 2) end
    return rows_of(rows)
  end
  env.members = function(set)
    if not sets.is_set(set) then error("members(set): expected a set", 2) end
    local alias = "x"
    local sql = "SELECT DISTINCT x.* FROM " .. sets.from_sql(set.entity, alias) .. " WHERE "
      .. sets.predicate(set, alias, sets.time(ctx.period, ctx.as_of))
      .. " ORDER BY 1"
    local rows, err = ctx.db:query(sql)
    if not rows then error("members: " .. err, 2) end
    return rows_of(rows)
  end
  env.indicators = function()
    local out = {}
    for i, ind in ipairs(pack.indicators) do out[i] = { id = ind.id, criterion = ind.criterion, title = ind.title } end
    return rows_of(out, { "id", "criterion", "title" })
  end
  return env
end

local HELP = [==[
.help                 this list
.tables               the entities the rules see, with their row counts
.schema [ENTITY]      the columns of an entity (organization, staff, activity, community, document, measure)
.pack                 the loaded pack
.indicators           its indicators
.period YEAR          the period evaluated (now %d)
.org ID               only this organization's rows (.org with no ID: all)
.format table|json|csv
.quit                 leave (also Ctrl-D)
In Lua: staff { position = "teacher" }, share(part, whole), eval "indicator_id", eval(share(...)),
explain "indicator_id", members(set), sql[[SELECT ...]], regex.compile(...).]==]

local ENTITIES = { "organization", "staff", "activity", "community", "document", "measure" }

-- A dot-command; returns the text to print and "quit" when the session ends.
function repl.dot(line, ctx, settings)
  local command, arg = line:match("^%.(%a+)%s*(.-)%s*$")
  if command == "help" then return string.format(HELP, ctx.period) end
  if command == "quit" or command == "exit" then return "", "quit" end
  if command == "tables" then
    local out = {}
    for i, e in ipairs(ENTITIES) do
      local rows = assert(ctx.db:query("SELECT COUNT(*) AS n FROM " .. e))
      out[i] = { entity = e, rows = rows[1].n }
    end
    return repl.table(out, 100, { "entity", "rows" })
  end
  if command == "schema" then
    local list = arg ~= "" and { arg } or ENTITIES
    local out = {}
    for _, e in ipairs(list) do
      if not sets.ENTITIES[e] and e ~= "measure" then error(".schema: no entity '" .. e .. "'", 0) end
      for _, c in ipairs(assert(ctx.db:query("PRAGMA table_info(" .. e .. ")"))) do
        out[#out + 1] = { entity = e, column = c.name, type = c.type }
      end
    end
    return repl.table(out, 1000, { "entity", "column", "type" })
  end
  if command == "pack" then
    local m = repl.pack.manifests[0] or {}
    return string.format("pack %s: %s\n%d criteria, %d indicators", tostring(m.id), tostring(m.title or ""),
      #repl.pack.criteria, #repl.pack.indicators)
  end
  if command == "indicators" then
    local out = {}
    for i, ind in ipairs(repl.pack.indicators) do out[i] = { id = ind.id, criterion = ind.criterion, title = ind.title } end
    return repl.table(out, 1000, { "id", "criterion", "title" })
  end
  if command == "period" then
    local y = math.tointeger(tonumber(arg))
    if not y or y < 1900 or y > 2200 then error(".period YEAR: a year such as 2023", 0) end
    ctx.period = y
    return "period " .. y
  end
  if command == "org" then
    ctx.org = arg ~= "" and arg or nil
    return ctx.org and ("only organization " .. ctx.org) or "all organizations"
  end
  if command == "format" then
    if arg ~= "table" and arg ~= "json" and arg ~= "csv" then error(".format table|json|csv", 0) end
    settings.format = arg
    return "format " .. arg
  end
  error("unknown command '." .. tostring(command) .. "'; .help lists them", 0)
end

return repl
