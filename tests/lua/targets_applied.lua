-- Which target value applies in a year, and the status it gives.
local targets = require "targets"

local trajectory = targets.parse("К 2024 году - не менее 66,6% (из расчета - 100% за 3 года, начиная с 2021 г.; не менее 33,3% ежегодно)")
same(trajectory.cumulative, true, "\"100% за 3 года\" counts people over the programme")
same(targets.applied(trajectory, 2020), nil, "before the programme")
-- before 2024: the yearly step, on the year's own share; the cumulative figure is followed on its path
local step = targets.applied(trajectory, 2022)
same(step, { kind = "at_least", value = 33.3, figure = "yearly", phase = "judged" }, "yearly step")
same(step.track, { kind = "at_least", value = 66.6, figure = "cumulative", since = 2021, base_year = 2020, base_value = 0,
                   final_year = 2024 }, "the final value followed from 0 before the programme")
same(targets.applied(trajectory, 2023).reason,
     "ежегодный шаг: не менее 33,3% за 2023 г.; итог: не менее 66,6% к 2024 г. нарастающим итогом с 2021 г.")
same(targets.judge(targets.applied(trajectory, 2023), 33.3), "met", "exactly the step")
same(targets.judge(targets.applied(trajectory, 2023), 33.29), "not_met")
-- 2024: the final value, on the people covered since 2021
same(targets.applied(trajectory, 2024), { kind = "at_least", value = 66.6, figure = "cumulative", since = 2021 }, "final value")
same(targets.judge(targets.applied(trajectory, 2024), 74.16), "met", "155 of 209 covered since 2021")
same(targets.judge(targets.applied(trajectory, 2024), 60), "not_met")
same(targets.judge(targets.applied(trajectory, 2024), nil), "no_data")
same(targets.judge(nil, 50), "no_target")
-- the linear path: 66,6% × (year − 2020) / 4
same({ targets.progress(step.track, 2022, 33.3) }, { "on_track", 33.3 })
same({ targets.progress(step.track, 2023, 49.94) }, { "behind", 49.95 })
-- without "за N лет" the final value is judged on the year's own share
local plain_trajectory = targets.parse("К 2024 году - не менее 66,6% (не менее 33,3% ежегодно)")
same(targets.applied(plain_trajectory, 2024, 2021).figure, "yearly")
same(targets.applied(plain_trajectory, 2023, 2021).track, nil)

local yearly = targets.parse("Ежегодно - 75%")
same(targets.applied(yearly, 2023).reason, "не менее 75% ежегодно")
same(targets.judge(targets.applied(yearly, 2023), 75), "met")

-- a final-year target: in progress before its year, judged in and after it
local final = targets.parse("К 2024 году - 40%")
local before = targets.applied(final, 2022, 2021)
same(before, { kind = "at_least", value = 40, phase = "progress", final_year = 2024 })
same(before.path, { base_year = 2021, final_year = 2024, value = 40 })
-- from 10% in 2021 to 40% in 2024: 20% in 2022
local status, info = targets.judge(before, 20, 10, 2022)
same(status, "in_progress")
same(info, { progress = "on_track", path_value = 20 })
same({ targets.judge(before, 19.99, 10, 2022) }, { "in_progress", { progress = "behind" } })
same(targets.judge(before, 45, 10, 2022), "in_progress", "even above the final value it is judged in 2024 only")
-- a base above the final value: the path is the final value itself
same({ targets.progress(before.path, 2022, 41, 50) }, { "on_track", 40 })
same(targets.judge(targets.applied(final, 2024, 2021), 39.9, 10, 2024), "not_met")
same(targets.judge(targets.applied(final, 2025, 2021), 40, 10, 2025), "met", "after the year too")
same(select(2, targets.judge(targets.applied(final, 2022), 20, nil, 2022)), {}, "no programme year: no path")

local people = targets.parse("К 2024 году - 350 человек")
same(targets.applied(people, 2024).reason, "не менее 350 человек к 2024 г.")
same(targets.judge(targets.applied(people, 2024), 349), "not_met")
same(targets.judge(targets.applied(people, 2023, 2021), 349, 0, 2023), "in_progress")

local growth = targets.parse("К 2024 году - положительная динамика не менее 10%")
local applied = targets.applied(growth, 2024, 2021)
same(applied, { kind = "growth", value = 10, min_growth = 10, base_year = 2021, phase = "judged" }, "against the programme start")
status, info = targets.judge(applied, 55, 50)
same(status, "met")
same(info.growth, 10)
same(targets.judge(applied, 54.9, 50), "not_met")
-- no base value, a zero base: no data, with the reason
same({ targets.judge(applied, 55, nil) }, { "no_data", { message = "нет значения за базовый 2021 г." } })
same({ targets.judge(applied, 3, 0) },
     { "no_data", { message = "значение за базовый 2021 г. равно нулю: рост в процентах не определён" } })
same(targets.growth_summary(applied, 11, 10, 10), "рост не менее 10% к 2021 г.: 10 → 11, +10,0%")
-- before 2024: in progress, growth on its linear path (10% × (year − 2021) / 3)
local growing = targets.applied(growth, 2022, 2021)
same(growing.phase, "progress")
same({ targets.judge(growing, 10.4, 10, 2022) }, { "in_progress", { progress = "on_track", growth = 4 } })
same(select(2, targets.judge(growing, 10.3, 10, 2022)).progress, "behind")
same(targets.judge(targets.applied(growth, 2021, 2021), 10, nil, 2021), "in_progress", "the base year itself")

local plain = targets.parse("положительная динамика доли молодых педагогов")
same(targets.applied(plain, 2023).base_year, 2022, "without a year: against the previous year")
same(targets.judge(targets.applied(plain, 2023), 10.01, 10), "met")
same(targets.judge(targets.applied(plain, 2023), 10, 10), "not_met")
same(targets.judge(targets.applied(plain, 2023), 2, 0), "met", "positive dynamics from zero is still dynamics")
same(targets.applied(plain, 2023).value, nil, "a growth target has no level to reach")

local presence = targets.parse("Наличие муниципальной Программы поддержки молодых педагогов")
same(targets.judge(targets.applied(presence, 2023), 1), "met")
same(targets.judge(targets.applied(presence, 2023), 0), "not_met")
-- a presence check with a deadline ("до 15.01.2023"): in progress before the year of its deadline
local due = targets.with_deadline(targets.parse("Наличие"), "2023-01-15", "до 15.01.2023")
same(targets.applied(due, 2022).reason, "наличие (срок: до 15.01.2023)")
same({ targets.judge(targets.applied(due, 2022), 0, nil, 2022) }, { "in_progress", {} })
same(select(2, targets.judge(targets.applied(due, 2022), 1, nil, 2022)).progress, "on_track")
same(targets.judge(targets.applied(due, 2023), 0, nil, 2023), "not_met")

local explicit = targets.trajectory({ [2022] = 20, [2024] = 40 })
same(targets.applied(explicit, 2021), nil)
same(targets.applied(explicit, 2023).value, 20)
same(targets.applied(explicit, 2025).value, 40)
same(targets.judge(targets.applied(targets.at_most(5), 2023), 5), "met")
same(targets.judge(targets.applied(targets.at_most(5), 2023), 5.01), "not_met")
fails(function() targets.at_least("много") end, "expected a number")
fails(function() targets.trajectory({}) end, "expected years and values")
