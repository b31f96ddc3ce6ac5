-- Белореченский район (seed 002): the three directions with every indicator of
-- table 3, counts and presence. Presence ("Наличие ...") is judged on documents
-- of the store: monitoring reports, programmes, projects and requests.

local teachers = staff { position = "teacher" }
local pedagogues = staff { position = is_not("head") }
-- молодые педагоги: up to 35 years old, in their first 3 years of work
local young = staff { position = is_not("head"), age = below(35), experience = below(3) }
local reports = "Запросы в образовательные организации; базы данных МКУ ЦРО"

criterion "qualification" {
  title = "Совершенствование системы повышения квалификации и переподготовки педагогов на основе диагностики профессиональных дефицитов",

  indicator "diagnostics_monitoring_municipal" {
    title = "Наличие мониторинга педагогов (в разрезе образовательных организаций), прошедших диагностику профессиональных дефицитов, на муниципальном уровне (количество, анализ профессиональных дефицитов).",
    value = exists(documents { kind = "monitoring_report", title = contains("дефицит") }),
    target = "Наличие",
    source = reports,
  },
  indicator "diagnostics_monitoring_regional" {
    title = "Наличие мониторинга педагогов (в разрезе образовательных организаций), прошедших диагностику профессиональных дефицитов, на региональном уровне (количество, анализ профессиональных дефицитов).",
    value = exists(activity { kind = "diagnostic", provider = present() }),
    target = "Наличие",
    source = reports,
  },
  indicator "diagnosed_with_routes" {
    title = "Количество педагогов (в разрезе образовательных организаций), прошедших диагностику профессиональных дефицитов, от общего числа педагогов (в разрезе образовательных организаций) для которых разработан индивидуальный образовательный маршрут (ИОМ) с учетом мероприятий системы непрерывного повышения педагогического мастерства регионального и муниципального уровня.",
    value = count(teachers:having(activity { kind = "diagnostic" }):having(activity { kind = "individual_route", within = 2 })),
    source = reports,
    breakdown = "kind",
  },
  indicator "trained_by_deficits" {
    title = "Количество педагогов, прошедших курсы повышения квалификации и профессиональной переподготовки, содержание которых сформировано на основе изучения профессиональных компетенций педагогических работников образовательных организаций.",
    value = count(teachers:having(activity { kind = "individual_route", within = 2 }):having(activity { kind = { "course", "retraining" } })),
    source = reports,
    breakdown = "kind",
  },
  indicator "trained" {
    title = "Количество педагогов, обученных по дополнительным профессиональным образовательным программам и программам профессиональной переподготовки.",
    value = count(pedagogues:having(activity { kind = { "course", "retraining" } })),
    source = reports,
    breakdown = "kind",
  },
  indicator "training_requests" {
    title = "Наличие заявки педагогических коллективов, отдельных педагогов на направления повышения квалификации и профессионального развития.",
    value = exists(documents { title = contains("заявк") }),
    target = "Наличие",
    source = reports,
  },
  indicator "methodical_guides" {
    title = "Наличие методических рекомендаций и пособий по учебным предметам, новым образовательным технологиям и методикам, воспитательной работе, внеурочной деятельности, по организации дополнительного образования, методической работы и т.д.).",
    value = exists(documents { title = contains("методические рекомендации") }),
    target = "Наличие",
    source = reports,
  },
}

criterion "methodical_support" {
  title = "Осуществление научно-методического сопровождения педагогических работников",

  indicator "publications" {
    title = "Количество педагогических работников, опубликовавших статьи в научно-методических, педагогических изданиях муниципального, регионального, федерального уровней.",
    value = count(pedagogues:having(activity { kind = "publication" })),
    source = reports,
    breakdown = "kind",
  },
  indicator "project_research_project" {
    title = "Наличие муниципального Проекта повышения профессиональной компетентности педагогов в области организации проектной и исследовательской деятельности обучающихся.",
    value = exists(documents { kind = "programme", title = contains("исследовательской") }),
    target = "Наличие",
    source = reports,
  },
  indicator "profile_training_programme" {
    title = "Наличие муниципальной Программы повышения профессиональной компетентности педагогов в области организации предпрофильной подготовки и профильного обучения.",
    value = exists(documents { kind = "programme", title = contains("предпрофильной") }),
    target = "Наличие",
    source = reports,
  },
  indicator "inclusive_programme" {
    title = "Наличие муниципальной Программы повышения профессиональной компетентности педагогов в области организации инклюзивных практик.",
    value = exists(documents { kind = "programme", title = contains("инклюзивных") }),
    target = "Наличие",
    source = reports,
  },
  indicator "digitalisation_project" {
    title = "Наличие муниципального Проекта повышения профессиональной компетенции педагогов в области цифровизации образовательного процесса.",
    value = exists(documents { kind = "programme", title = contains("цифровизации") }),
    target = "Наличие",
    source = reports,
  },
  indicator "innovation_sites_monitoring" {
    title = "Наличие мониторинга организации деятельности муниципальных инновационных площадок (в разрезе ОО) (число, эффективность).",
    value = exists(documents { kind = "monitoring_report", title = contains("инновационных площадок") }),
    target = "Наличие",
    source = reports,
  },
  indicator "methodical_events" {
    title = "Количество научно-методических мероприятий (конференции, форумы, семинары, круглые столы и др. формы работы по совершенствованию методической деятельности образовательных организаций)",
    value = distinct(activity { kind = "methodical_event" }, "title"),
    source = reports,
  },
}

criterion "staff_potential" {
  title = "Развитие кадрового потенциала системы образования, создание широких возможностей для профессионального развития педагогических работников",

  indicator "methodical_event_participants" {
    title = "число педагогических работников, принимающих участие в научно-методических мероприятиях (конференции, форумы, семинары, круглые столы и др. формы работы по совершенствованию методической деятельности).",
    value = count(pedagogues:having(activity { kind = "methodical_event" })),
    source = reports,
    breakdown = "kind",
  },
  indicator "competitions_monitoring" {
    title = "Наличие мониторинга участия в конкурсах профессионального мастерства (методических разработок) педагогических работников в разрезе образовательных организаций (количество, эффективность).",
    value = exists(documents { kind = "monitoring_report", title = contains("конкурс") }),
    target = "Наличие",
    source = reports,
  },
  indicator "experts" {
    title = "Количество педагогических работников, участвующих в экспертной деятельности (в составе экспертных комиссий, жюри, экспертизе результатов профессиональной деятельности работников образования (аттестации) и пр.) (в разрезе ОО).",
    value = count(pedagogues:having(activity { kind = "expert" })),
    source = reports,
    breakdown = "kind",
  },
  indicator "communities" {
    title = "Количество методических объединений и профессиональных сообществ на муниципальном уровне и в образовательных организациях",
    value = count(communities {}),
    source = reports,
  },
  indicator "school_associations_monitoring" {
    title = "Наличие мониторинга эффективности деятельности школьных методических объединений общеобразовательных организаций МО Белореченский район",
    value = exists(documents { kind = "monitoring_report", title = contains("методических объединений") }),
    target = "Наличие",
    source = reports,
  },
  indicator "associations_programme" {
    title = "Наличие Программы поддержки школьных и районных методических объединений педагогических работников образовательных организаций муниципального образования Белореченский район",
    value = exists(documents { kind = "programme", title = contains("методических объединений") }),
    target = "Наличие",
    source = reports,
  },
  indicator "young_teachers_programme" {
    title = "Наличие муниципальной Программы поддержки молодых педагогов/наставничества",
    value = exists(documents { kind = "programme", title = contains("молодых педагогов") }),
    target = "Наличие",
    source = reports,
  },
  indicator "young_teachers_difficulties_monitoring" {
    title = "Наличие мониторинга профессиональных затруднений молодых педагогов",
    value = exists(documents { kind = "monitoring_report", title = contains("молодых педагогов") }),
    target = "Наличие",
    source = reports,
  },
  indicator "young_trained" {
    title = "Количество молодых педагогов, повысивших квалификацию",
    value = count(young:having(activity { kind = { "course", "retraining" } })),
    source = reports,
    breakdown = "kind",
  },
  indicator "young_in_competitions" {
    title = "Количество молодых педагогов, принявших участие в профессиональных конкурсах, от общего количества молодых педагогов",
    value = share(young:having(activity { kind = "competition" }), young),
    source = reports,
  },
  indicator "staffing_needs_monitoring" {
    title = "Наличие мониторинга кадровых потребностей в образовательных организациях муниципалитета.",
    value = exists(documents { kind = "monitoring_report", title = contains("кадровых потребностей") }),
    target = "Наличие",
    source = reports,
  },
}
recommend {
  indicators = { "diagnostics_monitoring_municipal", "innovation_sites_monitoring", "competitions_monitoring",
                 "school_associations_monitoring", "young_teachers_difficulties_monitoring", "staffing_needs_monitoring" },
  to = "methodical_service", priority = 1,
  text = "Провести и разместить на сайте мониторинг — «{title}»",
}
recommend {
  indicators = { "project_research_project", "profile_training_programme", "inclusive_programme", "digitalisation_project",
                 "associations_programme", "young_teachers_programme" },
  to = "municipality", priority = 2,
  text = "Разработать и утвердить документ — «{title}»",
}
recommend {
  indicator = "young_in_competitions",
  when = function(row) return row.value ~= nil and row.value < 30 end,
  to = "young_teachers", priority = 2,
  text = "Принять участие в конкурсах профессионального мастерства (участвует {value})",
}
