-- How an indicator, a rating and a recommendation are declared to be
-- judged: the mistakes a methodologist can make are refused where they
-- are written, and the declarations are kept for the evaluation.
local dsl = require "dsl"

local function fresh()
  local pack, api = dsl.new_pack("rules/test")
  api.pack { id = "test", period = { 2021, 2024 } }
  return pack, api
end

local pack, api = fresh()
local teachers = api.staff { position = "teacher" }
local share = api.share(teachers:having(api.activity { kind = "diagnostic" }), teachers)
local communities = api.count(api.communities {})

-- level, applies_to, reading, target_by, deadline
local ind = api.indicator "total_only" { title = "Количество сообществ", value = communities, level = "municipality" }
same(ind.level, "municipality")
ind = api.indicator "schools_only" { title = "Доля", value = share, applies_to = "Школа", reading = "как написано" }
same(ind.applies_to, { "school" }, "kinds by their Russian names too, kept as codes")
same(ind.reading, "как написано")
fails(function() api.indicator "x1" { title = "x", value = share, level = "region" } end, "level is \"organization\"")
fails(function() api.indicator "x2" { title = "x", value = share, applies_to = { "шкала" } } end, "unknown organization kind")
fails(function() api.indicator "x3" { title = "x", value = communities, level = "municipality", applies_to = { "school" } } end,
      "a municipality-level indicator has none")
fails(function() api.indicator "x4" { title = "x", value = share, target_by = "municipality" } end, "the indicator has none")
fails(function() api.indicator "x5" { title = "x", value = share, target_by = "region", target = "100%" } end, "target_by is")
fails(function() api.indicator "x6" { title = "x", value = share, target = "Наличие", deadline = "когда-нибудь" } end,
      "deadline: cannot read the schedule")
local due = api.indicator "due" { title = "Наличие порядка", value = api.exists(api.documents { kind = "order" }),
                                  target = "Наличие", deadline = "до 15.01.2023", level = "municipality" }
api.indicator "mine" { title = "Доля", value = share, target = "Ежегодно - 50%", target_by = "municipality" }

-- recommendations: the addressee and the organization are shown by the report, not repeated in the text
fails(function() api.recommend { to = "organization", text = "{organization}: провести диагностику" } end,
      "do not repeat it with {organization}")
fails(function() api.recommend { to = "methodical_service", text = "Муниципальной методической службе: провести" } end,
      "the text need not begin with «Муниципальной методической службе:»")
fails(function() api.recommend { to = "nobody", text = "Провести" } end, "unknown addressee")
api.recommend { to = "organization", organizations = { "school" }, text = "Провести диагностику: {value} при цели {target}" }

-- ratings: which organizations, what missing data does
fails(function() api.rating "r1" { title = "Рейтинг", weights = { schools_only = 1 }, missing = "ignore" } end,
      "missing is \"skip\"")
fails(function() api.rating "r2" { title = "Рейтинг", weights = { schools_only = 1 }, organizations = { "завод" } } end,
      "unknown organization kind")
api.rating "schools" { title = "Рейтинг школ", weights = { schools_only = 1 }, organizations = { "school" } }
api.criterion "c" { title = "Критерий", pack.by_id.total_only, pack.by_id.schools_only, due, pack.by_id.mine }
dsl.finish(pack)
same(pack.ratings[1].kinds, { "school" })
same(pack.ratings[1].missing, "skip")
same(due.target.year, 2023, "the deadline's year")
same(due.target.due_text, "до 15.01.2023")
local described = dsl.indicators(pack)
same(described[4].target_origin, "municipality")
same(described[3].deadline, "до 15.01.2023")

-- a rating cannot weight an indicator judged for the municipality only
local p2, a2 = fresh()
a2.criterion "c" { title = "Критерий", a2.indicator "n" { title = "Сообщества", value = communities, level = "municipality" } }
a2.rating "bad" { title = "Рейтинг", weights = { n = 1 } }
fails(function() dsl.finish(p2) end, "is judged for the municipality only; a rating ranks organizations")
local p3, a3 = fresh()
a3.criterion "c" { title = "Критерий", a3.indicator "n" { title = "Сообщества", value = communities } }
a3.rating "bad" { title = "Рейтинг", weights = { n = 1 } }
fails(function() dsl.finish(p3) end, "has no target and is not a share")

-- a municipality's targets { ... } over its region's are its own choice; adapt keeps the document's
local p4, a4 = fresh()
a4.criterion "c" { title = "Критерий", a4.indicator "d" { title = "Доля", value = share, target = "Ежегодно - 50%" },
                   a4.indicator "e" { title = "Доля", value = share, target = "Ежегодно - 50%" } }
a4.targets { d = "Ежегодно - 60%" }
a4.adapt { e = { target = "Ежегодно - 70%" } }
dsl.finish(p4)
same(p4.by_id.d.target_origin, "municipality")
same(p4.by_id.e.target_origin, "document")
