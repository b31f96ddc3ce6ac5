local specialists = staff { position = { "methodist", "tutor" } }
local ruo = "МУ «Грозненское РУО»"
local function document(kind, words) return exists(documents { kind = kind, title = contains(words) }) end

criterion "dpo" {
  title = "Направление 1. Обновление и модернизация системы дополнительного профессионального образования и механизмов сетевого взаимодействия его структур, обеспечивающего непрерывное профессиональное развитие руководящих и педагогических кадров",

  indicator "legal_base" {
    title = "Подготовлена муниципальная нормативная правовая база в соответствии с актуализацией в РФ соответствующих документов",
    value = document("regulation", "Положение"), target = "Наличие", source = ruo,
  },
  indicator "dpo_staff_trained" {
    title = "Не менее 50% преподавательского состава и специалистов организаций ДПО прошли повышение квалификации",
    value = share(specialists:having(activity { kind = { "course", "retraining" }, since = 2021 }), specialists),
    target = "К 2024 году - не менее 50%", source = "ГБУ ДПО «ИРО ЧР»",
  },
  indicator "dpo_quality_monitoring" {
    title = "Утвержденная программа/порядок мониторинга качества ДПО",
    value = document("monitoring_report", "ДПО"), target = "Наличие", source = ruo,
  },
}

criterion "deficits" {
  title = "Направление 2. Создание системы выявления актуальных профессиональных дефицитов и запросов руководящих и педагогических работников",

  indicator "attestation_order" {
    title = "Утвержденные: - Порядок аттестации и оценки уровня квалификации руководящих работников; - Порядок аттестации и оценки уровня квалификации педагогов.",
    value = document("order", "аттестац"), target = "Наличие", source = ruo,
  },
  indicator "rsur_report" {
    title = "Аналитический отчет о реализации региональной системы учительского роста (РСУР) с выявленными дефицитами.",
    value = document("analytical_report", "РСУР"), target = "Наличие", source = "ЦОКО",
  },
}

criterion "personalised" {
  title = "Направление 3. Внедрение системы персонифицированного профессионального развития руководящих и педагогических работников",

  indicator "routes" {
    title = "Утвержденный механизм научно- методического сопровождения создания и реализации руководящими кадрами и педагогами индивидуальных образовательных маршрутов в соответствии с дефицитами и потребностями.",
    value = share(staff {}:having(activity { kind = "diagnostic", since = 2021 }):having(activity { kind = "individual_route", since = 2021 }),
                  staff {}:having(activity { kind = "diagnostic", since = 2021 })),
    source = "ГБУ ДПО «ИРО ЧР»",
  },
  indicator "dpo_programmes" {
    title = "Программы ДПО, составленные на основе профессиональных дефицитов и изучения запросов.",
    value = distinct(activity { kind = { "course", "retraining" } }, "title"), source = "ГБУ ДПО «ИРО ЧР»",
  },
}

criterion "motivation" {
  title = "Направление 4. Совершенствование системы мотивации и стимулирования профессионального развития как главного ресурса повышения качества общего образования",

  indicator "heads_efficiency_report" {
    title = "Аналитический отчет об эффективности руководящих работников образовательных организаций",
    value = document("analytical_report", "руководящих"), target = "Наличие", source = ruo,
  },
  indicator "competitions_plan" {
    title = "Утвержденный план конкурсных и иных стимулирующих к развитию мероприятий.",
    value = document("plan", "конкурс"), target = "Наличие", source = ruo,
  },
}

criterion "quality" {
  title = "Направление 5. Обеспечение повышения качества общего образования и инновационного потенциала образовательных учреждений на основе комплексных изменений, ориентированных на формирование у обучающихся компетенций 21 века",

  indicator "methodical_plan" {
    title = "Утвержденный план методической работы. Критерии оценки деятельности сетевых учебно-методических объединений на уровне республики, муниципалитета, школы",
    value = document("plan", "методической работы"), target = "Наличие", source = ruo,
  },
}

recommend {
  indicator = "dpo_staff_trained",
  to = "methodical_service", priority = 1,
  text = "Направить на повышение квалификации методистов и тьюторов ({value} при цели {target})",
}
recommend {
  indicators = { "legal_base", "dpo_quality_monitoring", "attestation_order", "rsur_report", "heads_efficiency_report", "competitions_plan", "methodical_plan" },
  to = "municipality", priority = 2,
  text = "Подготовить и утвердить — «{title}»",
}
