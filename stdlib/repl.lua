-- The REPL's side of the language: the environment an analyst types in
-- (everything a pack can use, plus eval, explain and sql), and how values
-- print: sets, results and query rows as aligned tables whose widths count
-- characters, not bytes, so Cyrillic lines up.

local dsl = require "dsl"
local sets = require "sets"
local aggregates = require "aggregates"
local evaluation = require "evaluation"
local vocabulary = require "vocabulary"

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

-- The first n characters of s (bytes when s is not UTF-8).
local function head(s, n)
  if not utf8.len(s) then return s:sub(1, n) end
  local stop = utf8.offset(s, n + 1)
  return stop and s:sub(1, stop - 1) or s
end

-- The characters of s after the first n.
local function tail(s, n)
  if not utf8.len(s) then return s:sub(n + 1) end
  local start = utf8.offset(s, n + 1)
  return start and s:sub(start) or ""
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

local MAX_CELL_LINES = 6

-- Breaks s into lines of at most w characters, at spaces where it can; a
-- cell that would need more than MAX_CELL_LINES lines ends in "…".
local function wrap(s, w)
  if width(s) <= w then return { s } end
  local lines, rest = {}, s
  while rest ~= "" do
    if #lines == MAX_CELL_LINES - 1 and width(rest) > w then
      lines[#lines + 1] = head(rest, w - 1) .. "…"
      break
    end
    if width(rest) <= w then
      lines[#lines + 1] = rest
      break
    end
    local piece = head(rest, w + 1)
    local cut = piece:match("^.*() ") -- the last space within w + 1 characters
    if cut and cut > 1 then
      lines[#lines + 1] = piece:sub(1, cut - 1)
      rest = rest:sub(cut + 1)
    else                               -- one word longer than the column
      lines[#lines + 1] = head(rest, w)
      rest = tail(rest, w)
    end
  end
  return lines
end

local GAP = "  "
local MIN_COLUMN = 6
local MIN_TEXT_COLUMN = 12
local MAX_WORD_KEPT = 20

-- The length of the longest word (run without spaces) of s.
local function longest_word(s)
  local n = 0
  for word in s:gmatch("%S+") do n = math.max(n, width(word)) end
  return n
end

-- Narrows the columns until the table fits in total characters: first the
-- widest ones, never below their longest word (so ids and words stay
-- whole); if that is not enough, the columns of text (which wrap) down to
-- MIN_TEXT_COLUMN; then any column, the widest first, down to MIN_COLUMN.
local function fit(w, keep, text, total)
  local used = #GAP * (#w - 1)
  for _, x in ipairs(w) do used = used + x end
  for phase = 1, 3 do
    while used > total do
      local widest
      for i = 1, #w do
        local least = phase == 1 and keep[i] or phase == 3 and MIN_COLUMN or text[i] and MIN_TEXT_COLUMN or w[i]
        if w[i] > least and (not widest or w[i] > w[widest]) then widest = i end
      end
      if not widest then break end
      w[widest] = w[widest] - 1
      used = used - 1
    end
  end
end

-- The lines of a cell in a column of width w: text wraps at spaces, a
-- word longer than the column (an id, a code) is cut with "…".
local function cell_lines(text, w)
  if width(text) <= w then return { text } end
  if not text:find(" ", 1, true) then return { head(text, w - 1) .. "…" } end
  local lines = wrap(text, w)
  for i, line in ipairs(lines) do
    if width(line) > w then lines[i] = head(line, w - 1) .. "…" end
  end
  return lines
end

-- The lines of a column's name in width w: broken after its underscores
-- (organization_ / name), a part longer than the column cut with "…".
local function header_lines(name, w)
  if width(name) <= w then return { name } end
  local lines, line = {}, ""
  for part in name:gmatch("[^_]*_?") do
    if part ~= "" then
      if line ~= "" and width(line) + width(part) > w then
        lines[#lines + 1] = line
        line = ""
      end
      line = line .. part
    end
  end
  if line ~= "" then lines[#lines + 1] = line end
  for i, l in ipairs(lines) do
    if width(l) > w then lines[i] = head(l, w - 1) .. "…" end
  end
  return lines
end

-- Formats rows as an aligned table, at most limit rows, then how many more.
-- With a width (the terminal's), columns are narrowed to fit: long text is
-- wrapped onto more lines and long words cut with "…", as sqlite3's
-- .mode box --wrap does.
function repl.table(rows, limit, preferred, total_width)
  local cols = columns_of(rows, preferred)
  -- a table is for people: a status shows in words (JSON and CSV keep the code)
  local function shown_cell(c, v)
    if c == "status" and type(v) == "string" then return status_word(v) end
    return cell(v)
  end
  if #rows == 0 then return tr("(no rows)") end
  local w, keep, numeric, text = {}, {}, {}, {}
  for i, c in ipairs(cols) do
    w[i] = width(c)
    keep[i] = 0
    for part in c:gmatch("[^_]+_?") do keep[i] = math.max(keep[i], math.min(width(part), MAX_WORD_KEPT)) end
    numeric[i] = true
    text[i] = false
  end
  local shown = math.min(#rows, limit)
  for r = 1, shown do
    for i, c in ipairs(cols) do
      local v = rows[r][c]
      if v ~= nil and type(v) ~= "number" then numeric[i] = false end
      local shown_text = shown_cell(c, v)
      w[i] = math.max(w[i], width(shown_text))
      keep[i] = math.max(keep[i], math.min(longest_word(shown_text), MAX_WORD_KEPT))
      if shown_text:find(" ", 1, true) then text[i] = true end
    end
  end
  local fitted = total_width and total_width > 0
  if fitted then fit(w, keep, text, total_width) end
  local out = {}
  local function add_row(texts, header)
    local cells, height = {}, 1
    for i, t in ipairs(texts) do
      cells[i] = header and header_lines(t, w[i]) or cell_lines(t, w[i])
      height = math.max(height, #cells[i])
    end
    for k = 1, height do
      local line = {}
      for i = 1, #texts do line[i] = pad(cells[i][k] or "", w[i], numeric[i]) end
      local text = table.concat(line, GAP)
      -- on a terminal, no trailing blanks: a line as wide as the screen would wrap
      out[#out + 1] = fitted and (text:gsub("%s+$", "")) or text
    end
  end
  add_row(cols, true)
  for r = 1, shown do
    local texts = {}
    for i, c in ipairs(cols) do texts[i] = shown_cell(c, rows[r][c]) end
    add_row(texts)
  end
  if #rows > shown then out[#out + 1] = string.format(tr("... %d more rows (%d in all)"), #rows - shown, #rows) end
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

-- A CSV cell: text through the core's escaping (quoted, and a ' before
-- what a spreadsheet would run as a formula); numbers as they are.
local function csv_value(v)
  if type(v) == "string" then return csv_cell(v) end
  return cell(v)
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
    return repl.table(value, limit, cols, settings.width)
  end
  if sets.is_set(value) and settings.members then
    return sets.describe(value) .. "\n" .. repl.show(settings.members(value), settings)
  end
  if aggregates.is_aggregate(value) then
    return string.format(tr("aggregate %s  (evaluate it with eval(...))"), value.kind)
  end
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
      error(string.format(tr("eval(id or aggregate): no indicator '%s' in the pack; .indicators lists them"),
        tostring(what)), 2)
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
        out[#out + 1] = { indicator = id, organization = row.organization or tr("(total)"), organization_name = row.organization_name,
                          numerator = row.numerator, denominator = row.denominator, value = row.value, status = row.status }
      end
    end
    return rows_of(out, RESULT_COLUMNS)
  end

  env.eval = evaluate
  env.explain = function(id) return dsl.explain_text(pack, id, ctx, ctx.org) end
  env.sql = function(text)
    if type(text) ~= "string" then error(tr("sql[[SELECT ...]]: the query is a string"), 2) end
    local rows, err = ctx.db:query(text)
    if not rows then error("sql: " .. err, 2) end
    return rows_of(rows)
  end
  env.members = function(set)
    if not sets.is_set(set) then error(tr("members(set): expected a set"), 2) end
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

-- The tables rules read: the entities' own ("registry" is registry_member)
-- and the employment history.
local ENTITIES = { "organization", "staff", "employment", "activity", "community", "document", "event",
                   "participation", "registry_member", "measure" }
local TABLE_OF = { registry = "registry_member" }

-- The set constructors of the language and the entity each one selects.
local CONSTRUCTORS = { organization = "organization", organizations = "organization", staff = "staff",
                       activity = "activity", activities = "activity", community = "community",
                       communities = "community", document = "document", documents = "document",
                       event = "event", events = "event", participation = "participation",
                       registry = "registry", registries = "registry" }

local DOT_COMMANDS = { "help", "tables", "schema", "pack", "indicators", "period", "org", "format", "read",
                       "output", "quit" }

local function help_text()
  return tr(".help [TOPIC]         this list, or a topic: sets, functions, sql, keys, or an entity (.help staff)\n"
    .. ".tables               the entities the rules see, with their row counts\n"
    .. ".schema [ENTITY]      the columns of an entity (organization, staff, employment, activity, community, document, event, participation, registry, measure)\n"
    .. ".pack                 the loaded pack\n"
    .. ".indicators           its indicators\n"
    .. ".period YEAR          the period evaluated (now %d)\n"
    .. ".org ID               only this organization's rows (.org with no ID: all)\n"
    .. ".format table|json|csv\n"
    .. ".read FILE            run the lines of FILE as if typed\n"
    .. ".output [FILE]        write the values to FILE from now on (.output alone: back to the screen)\n"
    .. ".quit                 leave (also Ctrl-D)\n"
    .. "In Lua: staff { position = \"teacher\" }, share(part, whole), eval \"indicator_id\", eval(share(...)),\n"
    .. "explain \"indicator_id\", members(set), sql[[SELECT ...]], regex.compile(...). Tab completes.")
end

local function help_sets()
  return tr("Sets select rows of an entity; their fields are conditions:\n"
    .. "  staff { position = \"teacher\" }           workers (.help staff lists the fields)\n"
    .. "  activity { kind = \"diagnostic\" }         professional development events of the period\n"
    .. "  organizations { kind = \"school\" }, communities { ... }, documents { ... }\n"
    .. "A field's value may be a value, a list of values { \"teacher\", \"educator\" } or a condition:\n"
    .. "  below(35), above(10), between(3, 5), is_not(\"head\"), missing(), present(),\n"
    .. "  contains(\"математ\"), matches(\"^СОШ\")\n"
    .. "Sets combine: teachers:having(activity { kind = \"course\" }), teachers:without(...).\n"
    .. "A set prints as its members; members(set) gives the rows, count(set) their number.")
end

local function help_functions()
  return tr("Aggregates (evaluated with eval(...), or as an indicator's value):\n"
    .. "  count(set), share(part, whole) in %, ratio(a, b), sum(set, \"field\"), avg(set, \"field\"),\n"
    .. "  exists(set), distinct(set, \"field\"), growth(aggregate, options)\n"
    .. "Targets: at_least(66.6), at_most(5), equals(100), presence(), trajectory { ... },\n"
    .. "  or the document's own phrase: \"К 2024 году - не менее 66,6%\".\n"
    .. "eval \"id\" evaluates an indicator of the pack, explain \"id\" shows how.")
end

local function help_sql()
  return tr("sql[[SELECT ...]] runs a query on the store, read-only, on the tables .tables lists;\n"
    .. "the rows print as a table and can be used in Lua: #sql[[...]], sql[[...]][1].name.\n"
    .. "Only the rows of the session's municipality are seen.")
end

local function help_keys()
  return tr("Tab completes dot-commands, names, set constructors, field names inside { },\n"
    .. "indicator ids inside quotes after eval or explain, and file names after .read and .output.\n"
    .. "Up and Down recall earlier lines (kept in ~/.pdmon_history). An unfinished chunk\n"
    .. "continues on the next line (...>). Ctrl-C stops an evaluation, Ctrl-D leaves.\n"
    .. "Long tables are fitted to the terminal's width; .output FILE writes them whole.")
end

-- The fields of an entity, as a table of rows for the console.
local function entity_fields(e)
  local def = sets.ENTITIES[e]
  local out = {}
  local names = {}
  for k in pairs(def.fields) do names[#names + 1] = k end
  for k in pairs(def.derived or {}) do names[#names + 1] = k end
  table.sort(names)
  for _, k in ipairs(names) do
    local values = def.fields[k] or (def.derived_vocabulary or {})[k]
    local codes = type(values) == "string" and table.concat(vocabulary.codes(values), ", ") or ""
    out[#out + 1] = { field = k, values = codes }
  end
  return out
end

-- A dot-command; returns the text to print and "quit" when the session ends.
function repl.dot(line, ctx, settings)
  local command, arg = line:match("^%.(%a+)%s*(.-)%s*$")
  if command == "help" then
    if arg == "" then return string.format(help_text(), ctx.period) end
    if arg == "sets" then return help_sets() end
    if arg == "functions" or arg == "aggregates" or arg == "targets" then return help_functions() end
    if arg == "sql" then return help_sql() end
    if arg == "keys" or arg == "completion" then return help_keys() end
    local e = CONSTRUCTORS[arg] or arg
    if sets.ENTITIES[e] then return repl.table(entity_fields(e), 1000, { "field", "values" }, settings.width) end
    error(string.format(tr(".help: no topic '%s'; topics: sets, functions, sql, keys, organization, staff, activity, community, document, event, participation, registry"),
      arg), 0)
  end
  if command == "quit" or command == "exit" then return "", "quit" end
  if command == "tables" then
    local out = {}
    for i, e in ipairs(ENTITIES) do
      local rows = assert(ctx.db:query("SELECT COUNT(*) AS n FROM " .. e))
      out[i] = { entity = e, rows = rows[1].n }
    end
    return repl.table(out, 100, { "entity", "rows" }, settings.width)
  end
  if command == "schema" then
    local list = arg ~= "" and { arg } or ENTITIES
    local out = {}
    local known = {}
    for _, name in ipairs(ENTITIES) do known[name] = true end
    for _, e in ipairs(list) do
      e = TABLE_OF[e] or e
      if not known[e] then error(string.format(tr(".schema: no entity '%s'"), e), 0) end
      for _, c in ipairs(assert(ctx.db:query("PRAGMA table_info(" .. e .. ")"))) do
        out[#out + 1] = { entity = e, column = c.name, type = c.type }
      end
    end
    return repl.table(out, 1000, { "entity", "column", "type" }, settings.width)
  end
  if command == "pack" then
    local m = repl.pack.manifests[0] or {}
    return string.format(tr("pack %s: %s\ncriteria: %d, indicators: %d"), tostring(m.id), tostring(m.title or ""),
      #repl.pack.criteria, #repl.pack.indicators)
  end
  if command == "indicators" then
    local out = {}
    for i, ind in ipairs(repl.pack.indicators) do out[i] = { id = ind.id, criterion = ind.criterion, title = ind.title } end
    return repl.table(out, 1000, { "id", "criterion", "title" }, settings.width)
  end
  if command == "period" then
    local y = math.tointeger(tonumber(arg))
    if not y or y < 1900 or y > 2200 then error(tr(".period YEAR: a year such as 2023"), 0) end
    ctx.period = y
    return string.format(tr("period %d"), y)
  end
  if command == "org" then
    ctx.org = arg ~= "" and arg or nil
    return ctx.org and string.format(tr("only organization %s"), ctx.org) or tr("all organizations")
  end
  if command == "format" then
    if arg ~= "table" and arg ~= "json" and arg ~= "csv" then error(tr(".format table|json|csv"), 0) end
    settings.format = arg
    return string.format(tr("format %s"), arg)
  end
  error(string.format(tr("unknown command '.%s'; .help lists them"), tostring(command)), 0)
end

-- Lua's own names the sandbox lets a session use.
local LUA_NAMES = { "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
                    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
                    "assert", "error", "ipairs", "next", "pairs", "pcall", "print", "select", "tonumber",
                    "tostring", "type", "xpcall", "math", "string", "table", "utf8", "os" }

-- The keys of a table (a read-only view too), through pairs: the analyst's
-- own tables may define __pairs, and run under the session's budget.
local function keys_of(t, out)
  local ok = pcall(function()
    for k in pairs(t) do if type(k) == "string" then out[#out + 1] = k end end
  end)
  return ok
end

-- The candidates for word, typed after before (the line up to it), in the
-- session's environment env: a list of strings, or "files" for file names.
function repl.complete(before, word, env)
  local found = {}
  local dot_command = before:match("^%s*%.(%a+)%s+$")
  if before:match("^%s*$") and word:sub(1, 1) == "." then
    for _, c in ipairs(DOT_COMMANDS) do found[#found + 1] = "." .. c end
  elseif dot_command == "read" or dot_command == "output" then
    return "files"
  elseif dot_command == "schema" or dot_command == "help" then
    for _, e in ipairs(ENTITIES) do found[#found + 1] = e end
    if dot_command == "help" then
      for _, t in ipairs({ "sets", "functions", "sql", "keys" }) do found[#found + 1] = t end
    end
  elseif dot_command == "format" then
    found = { "table", "json", "csv" }
  elseif before:match("[%w_]+%s*%(?%s*[\"']$") then
    local fn = before:match("([%w_]+)%s*%(?%s*[\"']$")
    if fn == "eval" or fn == "explain" then
      for _, ind in ipairs(repl.pack and repl.pack.indicators or {}) do found[#found + 1] = ind.id end
    end
  else
    -- inside the braces of a set constructor: its entity's fields
    local depth, constructor = 0, nil
    for i = #before, 1, -1 do
      local c = before:sub(i, i)
      if c == "}" then depth = depth + 1
      elseif c == "{" then
        if depth == 0 then constructor = before:sub(1, i - 1):match("([%a_]+)%s*$"); break end
        depth = depth - 1
      end
    end
    local entity = constructor and CONSTRUCTORS[constructor]
    if entity then
      local def = sets.ENTITIES[entity]
      keys_of(def.fields, found)
      keys_of(def.derived or {}, found)
      if def.dated then for _, o in ipairs({ "within", "since", "any_time" }) do found[#found + 1] = o end end
      if entity == "activity" then found[#found + 1] = "by"; found[#found + 1] = "partner" end
    elseif word:find(".", 1, true) or word:find(":", 1, true) then
      -- a member of a table: string.fo -> string.format
      local base, sep = word:match("^([%a_][%w_]*)([.:])")
      local ok, t = pcall(function() return env[base] end)
      if ok and type(t) == "table" then
        local names = {}
        keys_of(t, names)
        for _, k in ipairs(names) do found[#found + 1] = base .. sep .. k end
      elseif ok and sets.is_set(t) and sep == ":" then
        found = { base .. ":having", base .. ":without" }
      end
    else
      for _, name in ipairs(LUA_NAMES) do found[#found + 1] = name end
      local k = next(env)
      while k ~= nil do
        if type(k) == "string" then found[#found + 1] = k end
        k = next(env, k)
      end
    end
  end
  local out, seen = {}, {}
  for _, candidate in ipairs(found) do
    if not seen[candidate] and candidate:sub(1, #word) == word and candidate:match("^[%w_.:]+$") then
      seen[candidate] = true
      out[#out + 1] = candidate
    end
  end
  table.sort(out)
  return out
end

return repl
