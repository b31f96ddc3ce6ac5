-- The 27 expected results of the roadmap, in its order, under its five directions. A
-- result that names a document ("Утвержденная программа ...", "Аналитический отчет
-- ...") is the presence of such a document in the store, judged from the year of the
-- item's deadline (in progress before it); an item due every year ("Ежегодно", "...
-- ежегодно") is judged every year. Titles are the expected results verbatim; where a
-- result alone does not say what it is about ("Аналитический отчет"), the item's own
-- text precedes it.

-- преподавательский состав организаций ДПО и специалисты, обеспечивающие сопровождение:
-- the pedagogical workers of ДПО organizations and of the methodical service
local dpo_staff = staff { organization_kind = { "dpo", "methodical" }, position = { "teacher", "methodist", "tutor",
  "senior_educator", "psychologist", "additional_educator", "organizer" } }
local trained_since_2021 = activity { kind = { "course", "retraining" }, since = 2021 }
local function document(kinds, ...) return exists(documents { kind = kinds, title = contains(...) }) end
local approved = { "order", "regulation", "programme", "plan" }
local report = "analytical_report"
local presence = "Ожидаемый результат — утверждённый (составленный) документ: проверяется наличие документа в хранилище к концу года; до года срока — «в процессе»."

criterion "dpo" {
  title = "Направление 1. Обновление и модернизация системы дополнительного профессионального образования и механизмов сетевого взаимодействия его структур, обеспечивающего непрерывное профессиональное развитие руководящих и педагогических кадров",

  indicator "legal_base" {
    title = "Подготовлена муниципальная нормативная правовая база в соответствии с актуализацией в РФ соответствующих документов",
    value = document({ "order", "regulation" }, "Положение", "ДПО", "научно-методического сопровождения"),
    target = "Наличие", deadline = "В течение всего периода реализации с 01.02.2021 г. по 30.12.2021 г.", level = "municipality",
    reading = "Мероприятие 1: есть муниципальный приказ или положение (о ДПО, о научно-методическом сопровождении). " .. presence,
  },
  indicator "dpo_staff_trained" {
    title = "Не менее 50% преподавательского состава и специалистов организаций ДПО прошли повышение квалификации",
    value = share(dpo_staff:having(trained_since_2021), dpo_staff),
    target = "не менее 50%", deadline = "В течение всего периода реализации (2021- 2024 годы)", level = "municipality",
    reading = "Мероприятие 2: преподавательский состав и специалисты — педагогические работники организаций ДПО и методической службы; прошедшие курсы или переподготовку с 2021 г.; 50% — к концу 2024 г., до того в процессе по траектории.",
  },
  indicator "dpo_quality_monitoring" {
    title = "Утвержденная программа/порядок мониторинга качества ДПО",
    value = document({ "order", "regulation", "programme", "monitoring_report" }, "качества ДПО"),
    target = "Наличие", deadline = "до 01.01.2022", level = "municipality",
    reading = "Мероприятие 3. " .. presence,
  },
  indicator "dpo_staff_trained_2022" {
    title = "Не менее 50% преподавательского состава и специалистов организаций ДПО прошли повышение квалификации",
    value = share(dpo_staff:having(trained_since_2021), dpo_staff),
    target = "не менее 50%", deadline = "В чеченце всего периода реализации с 2021 по 01.01.2023г.", level = "municipality",
    reading = "Мероприятие 4 повторяет ожидаемый результат мероприятия 2 для педагогических работников со сроком 01.01.2023: тот же показатель, судится с 2023 г.",
  },
  indicator "dpo_quality_order" {
    title = "Утвержденная программа, порядок мониторинга качества ДПО",
    value = document({ "order", "regulation", "programme", "monitoring_report" }, "качества ДПО"),
    target = "Наличие", deadline = "до 01.01.2022г.", level = "municipality",
    reading = "Мероприятие 5 повторяет мероприятие 3. " .. presence,
  },
}

criterion "deficits" {
  title = "Направление 2. Создание системы выявления актуальных профессиональных дефицитов и запросов руководящих и педагогических работников",

  indicator "attestation_order" {
    title = "Утвержденные: - Порядок аттестации и оценки уровня квалификации руководящих работников; - Порядок аттестации и оценки уровня квалификации педагогов.",
    value = document(approved, "Порядок аттестации"),
    target = "Наличие", deadline = "до 01.01.2022", level = "municipality",
    reading = "Мероприятие 6. " .. presence,
  },
  indicator "rsur_report" {
    title = "Аналитический отчет о реализации региональной системы учительского роста (РСУР) с выявленными дефицитами.",
    value = document(report, "РСУР"),
    target = "Наличие", deadline = "до 15.01.2023", level = "municipality",
    reading = "Мероприятие 7. " .. presence,
  },
  indicator "heads_model_report" {
    title = "Аналитический отчет по итогам апробации модели развития руководящих кадров на основе профессион. дефицитов.",
    value = document(report, "модели развития руководящих кадров"),
    target = "Наличие", deadline = "до 15.01.2023", level = "municipality",
    reading = "Мероприятие 8. " .. presence,
  },
  indicator "heads_mechanism" {
    title = "Утвержденный механизм непрерывного развития руководящих кадров на основе профессиональных дефицитов.",
    value = document(approved, "развития руководящих кадров"),
    target = "Наличие", deadline = "до 15.01.2024", level = "municipality",
    reading = "Мероприятие 9. " .. presence,
  },
  indicator "students_quality_report" {
    title = "Аналитический отчет по итогам оценки качества подготовки обучающихся.",
    value = document(report, "качества подготовки обучающихся"),
    target = "Наличие", deadline = "до 15.01.2022", level = "municipality",
    reading = "Мероприятие 10. " .. presence,
  },
  indicator "digital_systems" {
    title = "МО и Н ЧР: ИРО: системы «Tallam», «Успешный учитель».",
    value = exists(activity { kind = "platform_use", title = contains("Tallam", "Успешный учитель") }),
    target = "Наличие", deadline = "В течение всего периода реализации с 01.2021 по 01.2024", level = "municipality",
    reading = "Мероприятие 11: цифровые системы созданы на уровне республики; у муниципалитета результат — их использование: в году есть работа работников в системах «Tallam» или «Успешный учитель».",
  },
}

criterion "personalised" {
  title = "Направление 3. Внедрение системы персонифицированного профессионального развития руководящих и педагогических работников",

  indicator "routes" {
    title = "Утвержденный механизм научно- методического сопровождения создания и реализации руководящими кадрами и педагогами индивидуальных образовательных маршрутов в соответствии с дефицитами и потребностями.",
    value = document(approved, "индивидуальных образовательных маршрутов"),
    target = "Наличие", level = "municipality",
    reading = "Мероприятие 12 («Ежегодно»): утверждённый механизм сопровождения ИОМ — проверяется каждый год.",
  },
  indicator "dpo_programmes" {
    title = "Программы ДПО, составленные на основе профессиональных дефицитов и изучения запросов.",
    value = distinct(activity { kind = { "course", "retraining" } }, "title"),
    target = "Наличие", level = "municipality",
    reading = "Мероприятие 13 («Ежегодно»): число разных программ курсов и переподготовки, пройденных в году работниками; наличие — хотя бы одна.",
  },
  indicator "personalised_monitoring_report" {
    title = "Аналитический отчет с управленческим решениями",
    value = document(report, "персонифицированного повышения квалификации"),
    target = "Наличие", deadline = "06.2022", level = "municipality",
    reading = "Мероприятие 14 (мониторинг эффективности персонифицированного повышения квалификации). " .. presence,
  },
  indicator "dpp_quality_report" {
    title = "Аналитический отчет о качестве реализации дополнительных профессиональных программ.",
    value = exists(documents { kind = report, title = contains("качестве реализации дополнительных профессиональных программ"),
                               within = 1 }),
    target = "Наличие", level = "municipality",
    reading = "Мероприятие 15 («Май-июнь и сентябрь- октябрь ежегодно»): отчёт, датированный этим годом, — каждый год.",
  },
}

criterion "motivation" {
  title = "Направление 4. Совершенствование системы мотивации и стимулирования профессионального развития как главного ресурса повышения качества общего образования",

  indicator "heads_efficiency_programme" {
    title = "Утвержденная Программа/ Порядок мониторинга эффективности руководящих работников образовательных организаций.",
    value = document(approved, "мониторинга эффективности руководящих"),
    target = "Наличие", deadline = "до 01.01.2022", level = "municipality",
    reading = "Мероприятие 16. " .. presence,
  },
  indicator "heads_efficiency_report" {
    title = "Аналитический отчет об эффективности руководящих работников образовательных организаций",
    value = document(report, "эффективности руководящих"),
    target = "Наличие", deadline = "до 25.12.2022", level = "municipality",
    reading = "Мероприятие 17. " .. presence,
  },
  indicator "competitions_plan" {
    title = "Утвержденный план конкурсных и иных стимулирующих к развитию мероприятий.",
    value = document("plan", "конкурс"),
    target = "Наличие", deadline = "до 01.05.2021", level = "municipality",
    reading = "Мероприятие 18. " .. presence,
  },
  indicator "innovation_fund" {
    title = "Создан муниципальный фонд для стимулирования инновационной деятельности школ.",
    value = document(approved, "фонд"),
    target = "Наличие", deadline = "В течение всего периода реализации с 2021 по 15.01.2024", level = "municipality",
    reading = "Мероприятие 19: фонд создан, когда есть документ о его создании (со словом «фонд»). " .. presence,
  },
  indicator "concept_information" {
    title = "Информация о реализации Концепции как на сайте https://nadter.educhr.ru/",
    value = exists(documents { link = contains("nadter.educhr.ru") }),
    target = "Наличие", deadline = "В течение всего периода реализации с 2021 по 15.01.2024", level = "municipality",
    reading = "Мероприятие 20: есть документ, опубликованный на сайте nadter.educhr.ru (ссылка документа).",
  },
}

criterion "quality" {
  title = "Направление 5. Обеспечение повышения качества общего образования и инновационного потенциала образовательных учреждений на основе комплексных изменений, ориентированных на формирование у обучающихся компетенций 21 века",

  indicator "methodical_plan" {
    title = "Утвержденный план методической работы. Критерии оценки деятельности сетевых учебно-методических объединений на уровне республики, муниципалитета, школы",
    value = document("plan", "методической работы"),
    target = "Наличие", deadline = "до 15.01.2022", level = "municipality",
    reading = "Мероприятие 21. " .. presence,
  },
  indicator "low_results_programme" {
    title = "Утвержденная Программа/Порядок мониторинга и сопровождения школ с низкими результатами и школ, функционирующих в трудных социальных условиях.",
    value = document(approved, "низкими результатами"),
    target = "Наличие", deadline = "до 15.01.2022", level = "municipality",
    reading = "Мероприятие 22. " .. presence,
  },
  indicator "career_guidance_plan" {
    title = "Утвержденный план/программа работы со школами по самоопределению и профессиональной ориентации обучающихся.",
    value = document(approved, "профессиональной ориентации"),
    target = "Наличие", deadline = "до 01.01.2022", level = "municipality",
    reading = "Мероприятие 23. " .. presence,
  },
  indicator "objectivity_plan" {
    title = "Утвержденный План или Порядок по обеспечению объективности оценочных процедур и олимпиад школьников.",
    value = document(approved, "объективности"),
    target = "Наличие", deadline = "до 15.01.2022", level = "municipality",
    reading = "Мероприятие 24. " .. presence,
  },
  indicator "literacy_project" {
    title = "Утвержденный проект по функциональной грамотности и план мероприятий (дорожная карта) его реализации.",
    value = document(approved, "функциональной грамотности"),
    target = "Наличие", deadline = "до 15.08.2021", level = "municipality",
    reading = "Мероприятие 25. " .. presence,
  },
  indicator "literacy_monitoring_report" {
    title = "Участие в мониторинга формирования функциональной грамотности у школьников. — Аналитический отчет",
    value = document(report, "формирования функциональной грамотности"),
    target = "Наличие", deadline = "до 25.11.2021г.", level = "municipality",
    reading = "Мероприятие 26: ожидаемый результат «Аналитический отчет» — отчёт о мониторинге формирования функциональной грамотности. " .. presence,
  },
  indicator "literacy_plan_done" {
    title = "Выполнение плана мероприятий (дорожной карты) проекта по функциональной грамотности.",
    value = document(report, "выполнении плана", "выполнения плана"),
    target = "Наличие", deadline = "до 15.01.2024", level = "municipality",
    reading = "Мероприятие 27: выполнение плана подтверждает отчёт о его выполнении. " .. presence,
  },
}

recommend {
  indicators = { "dpo_staff_trained", "dpo_staff_trained_2022" },
  to = "methodical_service", priority = 1,
  text = "Направить на повышение квалификации методистов и специалистов организаций ДПО ({value} при цели {target})",
}
recommend {
  indicators = { "legal_base", "dpo_quality_monitoring", "dpo_quality_order", "attestation_order", "rsur_report",
                 "heads_model_report", "heads_mechanism", "students_quality_report", "digital_systems", "routes",
                 "dpo_programmes", "personalised_monitoring_report", "dpp_quality_report", "heads_efficiency_programme",
                 "heads_efficiency_report", "competitions_plan", "innovation_fund", "concept_information",
                 "methodical_plan", "low_results_programme", "career_guidance_plan", "objectivity_plan",
                 "literacy_project", "literacy_monitoring_report", "literacy_plan_done" },
  to = "municipality", priority = 2,
  text = "Подготовить и утвердить — «{title}» (срок по дорожной карте истёк)",
}
