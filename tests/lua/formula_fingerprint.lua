-- The fingerprint of a formula that re-judging compares (evaluation.fingerprint):
-- it is the indicator's definition as the pack states it (e2e_rejudge shows that a
-- cycle whose SQL fingerprint differs is still re-judged when its stored pack states
-- the same), and a change of a set, an aggregate or the semantics version changes it.
local dsl = require "dsl"
local sets = require "sets"
local evaluation = require "evaluation"

local function indicator(spec_of)
  local pack, api = dsl.new_pack("rules/test")
  api.pack { id = "test", period = { 2021, 2024 } }
  local ind = api.indicator "i" (spec_of(api))
  return ind
end

local function teachers_diagnosed(api, kind)
  local teachers = api.staff { position = "teacher" }
  return { title = "Доля", value = api.share(teachers:having(api.activity { kind = kind }), teachers) }
end

local function fingerprints(ind)
  local ctx = { period = 2023 }
  local _, formula = evaluation.fingerprint(ind, ctx)
  return formula, evaluation.sql_fingerprint(ind, ctx)
end

local a = indicator(function(api) return teachers_diagnosed(api, "diagnostic") end)
local b = indicator(function(api) return teachers_diagnosed(api, "diagnostic") end)
local d1, sql1 = fingerprints(a)
same(d1:sub(1, 3), "d1:", "the definition's fingerprint is marked d1")
same(#d1, 19)
same(#sql1, 16, "the SQL's, as older cycles kept it, is 16 hex digits")
same(fingerprints(b), d1, "two indicators declared alike")

-- a set's filter, an aggregate, a field, a growth's base, the semantics version: each changes it
local function differs(spec_of, what)
  local other = fingerprints(indicator(spec_of))
  assert(other ~= d1, what .. ": the fingerprint should change")
end
differs(function(api) return teachers_diagnosed(api, "course") end, "another activity kind")
differs(function(api)
  local teachers = api.staff { position = "teacher" }
  return { title = "Доля", value = api.share(teachers:without(api.activity { kind = "diagnostic" }), teachers) }
end, "without instead of having")
differs(function(api)
  local s = teachers_diagnosed(api, "diagnostic")
  s.level = "municipality"
  return s
end, "level")
differs(function(api)
  local teachers = api.staff { position = "teacher" }
  return { title = "Доля", value = api.growth(api.share(teachers:having(api.activity { kind = "diagnostic" }), teachers)) }
end, "growth")
differs(function(api)
  local teachers = api.staff { position = "teacher", birth_year = api.above(1990) }
  return { title = "Доля", value = api.share(teachers:having(api.activity { kind = "diagnostic" }), teachers) }
end, "a condition")
same(evaluation.definition_fingerprint(a, { period = 2023 }, evaluation.SEMANTICS), d1)
assert(evaluation.definition_fingerprint(a, { period = 2023 }, evaluation.SEMANTICS + 1) ~= d1, "semantics version")

-- a number and a text of the same digits are not the same condition
same(sets.canonical_value(1) ~= sets.canonical_value("1"), true)
same(sets.canonical_value(1) ~= sets.canonical_value(1.0), true)

-- a value that is a function of Lua has no definition to compare (its body can
-- change on the same line): marked fn:, which re-judging refuses
local by_function = indicator(function()
  return { title = "Число", value = function() return 1 end }
end)
local fn = fingerprints(by_function)
same(fn:sub(1, 3), "fn:", "a function's fingerprint is marked fn")
