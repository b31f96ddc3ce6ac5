-- Loaded before every Lua test file: small assertions that say what differed.

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. show(v[k]) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- Fails unless actual equals expected; for tables, every field of expected
-- must be equal in actual (extra fields of actual are allowed).
function same(actual, expected, what)
  if type(expected) == "table" and type(actual) == "table" then
    for k, v in pairs(expected) do same(actual[k], v, (what or "value") .. "." .. tostring(k)) end
    return
  end
  if type(expected) == "number" and type(actual) == "number" then
    if math.abs(actual - expected) <= 1e-9 then return end
  elseif actual == expected then
    return
  end
  error((what or "value") .. ": expected " .. show(expected) .. ", got " .. show(actual), 2)
end

-- Fails unless f raises an error whose message contains fragment.
function fails(f, fragment)
  local ok, err = pcall(f)
  if ok then error("expected an error containing '" .. fragment .. "', but the call succeeded", 2) end
  if not tostring(err):find(fragment, 1, true) then
    error("expected an error containing '" .. fragment .. "', got: " .. tostring(err), 2)
  end
end
