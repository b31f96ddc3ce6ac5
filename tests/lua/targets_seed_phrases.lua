-- Every target phrase of DESIGN.md and of the monitoring tables of seeds
-- 001 (Emanzhelinsk/Chelyabinsk) and 002 (Belorechensk) parses to the
-- expected structure. (Seed 002 states counts and presence without target
-- phrases; its indicators take "Наличие" and count targets.)
local targets = require "targets"

local cases = {
  { "К 2024 году - не менее 66,6% (из расчета - 100% за 3 года, начиная с 2021 г.; не менее 33,3% ежегодно)",
    { kind = "trajectory", value = 66.6, step = 33.3, start = 2021, year = 2024, unit = "%" } },
  { "Ежегодно - 75%", { kind = "at_least", value = 75, yearly = true, unit = "%" } },
  { "Ежегодно - 100%", { kind = "at_least", value = 100, yearly = true } },
  { "К 2024 году - 40%", { kind = "at_least", value = 40, year = 2024, unit = "%" } },
  { "К 2024 году-40%", { kind = "at_least", value = 40, year = 2024 } },
  { "К 2024 году-100%", { kind = "at_least", value = 100, year = 2024 } },
  { "К 2024 году - 100%", { kind = "at_least", value = 100, year = 2024 } },
  { "100%", { kind = "at_least", value = 100, unit = "%", yearly = false } },
  { "К 2024 году - не менее 35%", { kind = "at_least", value = 35, year = 2024 } },
  { "К 2024 году - не менее 50%", { kind = "at_least", value = 50, year = 2024 } },
  { "К 2024 году - не менее 70%", { kind = "at_least", value = 70, year = 2024 } },
  { "К 2024 году - не менее 10% (из расчета включения в ежегодные, начиная с 2022 года, государственные задания учреждений ДПО, подведомственных Министерству образования и науки Челябинской области, показателей повышения квалификации данной категории слушателей и направленности программ повышения квалификации)",
    { kind = "at_least", value = 10, year = 2024, start = 2022 } },
  { "К 2024 году - 350 человек", { kind = "at_least", value = 350, unit = "человек", year = 2024 } },
  { "К 2024 году - положительная динамика доли педагогов и руководителей, участвующих в программах наставничества",
    { kind = "growth", year = 2024 } },
  { "К 2024 году - положительная динамика доли педагогов, сопровождаемых педагогами-методистами, прошедшими федеральный и региональный отбор",
    { kind = "growth", year = 2024 } },
  { "К 2024 году - положительная динамика доли руководителей, сопровождаемых руководителями-наставниками",
    { kind = "growth", year = 2024 } },
  { "К 2024 году - положительная динамика количества функционирующих на муниципальном уровне профессиональных (в том числе сетевых) сообществ и методических объединений не менее 10%",
    { kind = "growth", year = 2024, min_growth = 10 } },
  { "К 2024 году - положительная динамика количества разработанных и реализующихся на муниципальном уровне программ поддержки профессиональных сообществ и методических объединений не менее 10%",
    { kind = "growth", year = 2024, min_growth = 10 } },
  { "К 2024 году - положительная динамика не менее 10%", { kind = "growth", year = 2024, min_growth = 10 } },
  { "К 2024 году - положительная динамика доли педагогических работников, прошедших независимую оценку квалификаций в Центре оценки квалификаций не менее 10%",
    { kind = "growth", min_growth = 10 } },
  { "положительная динамика доли молодых педагогов не менее 10%", { kind = "growth", min_growth = 10 } },
  { "Наличие мониторинга кадровых потребностей в образовательных организациях муниципалитета.", { kind = "presence" } },
  { "Наличие муниципальной Программы поддержки молодых педагогов/наставничества", { kind = "presence" } },
  { "не более 5%", { kind = "at_most", value = 5 } },
  { "к 2025 г. - не менее 12,5 %", { kind = "at_least", value = 12.5, year = 2025 } },
}

for i, case in ipairs(cases) do
  local t, err = targets.parse(case[1])
  if not t then error("case " .. i .. ": " .. err) end
  same(t, case[2], "case " .. i)
  same(t.text, case[1], "case " .. i .. " keeps its text")
end

for _, bad in ipairs({ "как получится", "К 2024 году - много", "", "не менее половины" }) do
  local t, err = targets.parse(bad)
  same(t, nil, "'" .. bad .. "' must not parse")
  same(err:find("cannot read the target phrase", 1, true) ~= nil, true, "message for '" .. bad .. "'")
end
