-- Literal values of vocabulary fields in sets: codes and Russian labels
-- (any case) are accepted and stored as codes; anything else is an error
-- naming the nearest known value; groups expand to their members.
local sets = require "sets"
local vocabulary = require "vocabulary"

same(vocabulary.code("position", "УЧИТЕЛЬ"), "teacher")
same(vocabulary.code("position", "teacher"), "teacher")
same(vocabulary.code("organization_kind", "МАДОУ"), "preschool", "a legal form names the kind")
same(vocabulary.label("event_kind", "young_teacher_school"), "Школа молодого педагога")
local none, near_name, near_code = vocabulary.code("activity_kind", "diagnostik")
same(none, nil)
same(near_code, "diagnostic")
same(near_name, "diagnostic")
fails(function() vocabulary.code("colours", "red") end, "no vocabulary 'colours'")

-- a Russian label in a pack becomes its code
same(sets.staff({ position = "Учитель" }).filters[1].value, "teacher")
same(sets.staff({ position = { "учитель", "Методист" } }).filters[1].value, { "teacher", "methodist" })
same(sets.staff({ position = sets.is_not("руководитель") }).filters[1].value.a, "head")
same(sets.organizations({ kind = "школа" }).filters[1].value, "school")
same(sets.staff({ organization_kind = "детский сад" }).filters[1].value, "preschool")

-- a typo is an error that names the nearest value
fails(function() sets.activity({ kind = "diagnostik" }) end,
  "activity { kind = \"diagnostik\" }: unknown activity_kind; the nearest known is \"diagnostic\" (diagnostic)")
fails(function() sets.staff({ position = "учитль" }) end, "the nearest known is \"Учитель\" (teacher)")
fails(function() sets.communities({ level = "муниципальнный" }) end, "the nearest known is \"Муниципальный\" (municipal)")
fails(function() sets.documents({ kind = { "order", "protocl" } }) end, "the nearest known is \"protocol\" (protocol)")

-- text conditions are not vocabulary literals
same(sets.activity({ kind = "course", title = sets.contains("Качеств", "управлен") }).filters[2].value.a,
  { "Качеств", "управлен" })
local where = sets.predicate(sets.activity({ title = sets.contains("ФГОС", "качеств") }), "a", 2023)
same(where:find("instr(pdmon_fold(a.title), pdmon_fold('ФГОС')) > 0 OR instr(pdmon_fold(a.title), pdmon_fold('качеств')) > 0", 1, true) ~= nil, true, where)
same(sets.predicate(sets.activity({ title = sets.matches("^Курс.+ФГОС") }), "a", 2023)
  :find("pdmon_matches(a.title, '^Курс.+ФГОС')", 1, true) ~= nil, true)
fails(function() sets.activity({ title = sets.matches("(unclosed") }) end, "missing closing parenthesis")
fails(function() sets.contains() end, "give one or more fragments")
same(sets.predicate(sets.staff({ position = sets.is_not({ "head", "deputy" }) }), "s", 2023, 1, nil, "joined"),
  "s_e.position NOT IN ('head', 'deputy')")
