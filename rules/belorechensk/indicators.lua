-- Белореченский район (seed 002), section 3 «Основные показатели системы»: the three
-- directions with every indicator in the order of the table. The document states no
-- target values: counts have none; "Наличие ..." indicators ask for presence, judged on
-- the store's documents (monitoring reports, programmes, projects, requests). Sources
-- are the Concept's own methods of collecting primary information (section 4); the
-- municipality's own documents (programmes, projects of МКУ ЦРО) have none of them.

-- педагогические работники, педагоги: every pedagogical position (not heads and deputies)
local pedagogues = staff { position = { "teacher", "educator", "senior_educator", "methodist", "psychologist",
  "speech_therapist", "defectologist", "social_pedagogue", "additional_educator", "organizer", "librarian",
  "music_director", "pe_instructor", "tutor", "counselor" } }
-- молодые педагоги: up to 35 years old, in their first 3 years of work
local young = staff { position = is_not("head"), age = below(35), experience = below(3) }

-- Методы сбора первичной информации (section 4), verbatim
local requests = "запросы в образовательные организации с целью сбора актуальной информации"
local surveys = "анкетирование, тестирование руководителей, педагогических работников образовательных организаций с целью выявления профессиональных дефицитов в их деятельности"
local registers = "ведение регистрационных списков участников муниципальных мероприятий"
local experts_base = "ведение баз данных педагогических работников, осуществляющих экспертную деятельность (по различным направлениям)"
local attested_base = "ведение баз данных аттестуемых педагогических работников муниципального образования Белореченский район"
local own_document = "Муниципальный документ (проект, программа) МКУ ЦРО или управления образованием: метода сбора для него Концепция не называет; проверяется наличие документа в хранилище."

criterion "qualification" {
  title = "Совершенствование системы повышения квалификации и переподготовки педагогов на основе диагностики профессиональных дефицитов",

  indicator "diagnostics_monitoring_municipal" {
    title = "Наличие мониторинга педагогов (в разрезе образовательных организаций), прошедших диагностику профессиональных дефицитов, на муниципальном уровне (количество, анализ профессиональных дефицитов).",
    value = exists(documents { kind = "monitoring_report", title = contains("дефицит") }),
    target = "Наличие",
    source = surveys,
    level = "municipality",
    reading = "Есть отчёт о мониторинге, в названии которого есть «дефицит». Мониторинг муниципальный — показатель муниципалитета в целом.",
  },
  indicator "diagnostics_monitoring_regional" {
    title = "Наличие мониторинга педагогов (в разрезе образовательных организаций), прошедших диагностику профессиональных дефицитов, на региональном уровне (количество, анализ профессиональных дефицитов).",
    value = exists(activity { kind = "diagnostic", provider = present() }),
    target = "Наличие",
    source = surveys,
    level = "municipality",
    reading = "Мониторинг регионального уровня виден по диагностикам, проведённым в году внешним организатором (указан организатор); наличие — хотя бы одна такая диагностика.",
  },
  indicator "diagnosed_with_routes" {
    title = "Количество педагогов (в разрезе образовательных организаций), прошедших диагностику профессиональных дефицитов, от общего числа педагогов (в разрезе образовательных организаций) для которых разработан индивидуальный образовательный маршрут (ИОМ) с учетом мероприятий системы непрерывного повышения педагогического мастерства регионального и муниципального уровня.",
    value = share(pedagogues:having(activity { kind = "individual_route", within = 2 }):having(activity { kind = "diagnostic", within = 2 }),
                  pedagogues:having(activity { kind = "individual_route", within = 2 })),
    source = surveys,
    breakdown = "kind",
    reading = "«Количество ... от общего числа ... для которых разработан ИОМ»: из педагогов, для которых за два последних года разработан ИОМ, — доля (и число) прошедших за те же годы диагностику; по организациям и по видам организаций.",
  },
  indicator "trained_by_deficits" {
    title = "Количество педагогов, прошедших курсы повышения квалификации и профессиональной переподготовки, содержание которых сформировано на основе изучения профессиональных компетенций педагогических работников образовательных организаций.",
    value = count(pedagogues:having(activity { kind = "individual_route", within = 2 }):having(activity { kind = { "course", "retraining" } })),
    source = requests,
    breakdown = "kind",
    reading = "Содержание курсов сформировано на основе изучения компетенций, когда курсы пройдены педагогом по его ИОМ: педагоги с ИОМ за два последних года, прошедшие в году курсы или переподготовку.",
  },
  indicator "trained" {
    title = "Количество педагогов, обученных по дополнительным профессиональным образовательным программам и программам профессиональной переподготовки.",
    value = count(pedagogues:having(activity { kind = { "course", "retraining" } })),
    source = requests,
    breakdown = "kind",
    reading = "Педагогические работники, прошедшие в году курсы повышения квалификации или переподготовку.",
  },
  indicator "training_requests" {
    title = "Наличие заявки педагогических коллективов, отдельных педагогов на направления повышения квалификации и профессионального развития.",
    value = exists(documents { title = contains("заявк") }),
    target = "Наличие",
    source = requests,
    level = "municipality",
    reading = "Есть документ-заявка (в названии «заявк»), поступивший к концу года.",
  },
}

criterion "methodical_support" {
  title = "Осуществление научно-методического сопровождения педагогических работников",

  indicator "methodical_guides" {
    title = "Наличие методических рекомендаций и пособий по учебным предметам, новым образовательным технологиям и методикам, воспитательной работе, внеурочной деятельности, по организации дополнительного образования, методической работы и т.д.).",
    value = exists(documents { title = contains("методические рекомендации") }),
    target = "Наличие",
    level = "municipality",
    reading = own_document,
  },
  indicator "publications" {
    title = "Количество педагогических работников, опубликовавших статьи в научно-методических, педагогических изданиях муниципального, регионального, федерального уровней.",
    value = count(pedagogues:having(activity { kind = "publication" })),
    source = requests,
    breakdown = "kind",
    reading = "Педагогические работники (все педагогические должности) с публикацией в году.",
  },
  indicator "project_research_project" {
    title = "Наличие муниципального Проекта повышения профессиональной компетентности педагогов в области организации проектной и исследовательской деятельности обучающихся.",
    value = exists(documents { kind = "programme", title = contains("исследовательской") }),
    target = "Наличие",
    level = "municipality",
    reading = own_document,
  },
  indicator "profile_training_programme" {
    title = "Наличие муниципальной Программы повышения профессиональной компетентности педагогов в области организации предпрофильной подготовки и профильного обучения.",
    value = exists(documents { kind = "programme", title = contains("предпрофильной") }),
    target = "Наличие",
    level = "municipality",
    reading = own_document,
  },
  indicator "inclusive_programme" {
    title = "Наличие муниципальной Программы повышения профессиональной компетентности педагогов в области организации инклюзивных практик.",
    value = exists(documents { kind = "programme", title = contains("инклюзивных") }),
    target = "Наличие",
    level = "municipality",
    reading = own_document,
  },
  indicator "digitalisation_project" {
    title = "Наличие муниципального Проекта повышения профессиональной компетенции педагогов в области цифровизации образовательного процесса.",
    value = exists(documents { kind = "programme", title = contains("цифровизации") }),
    target = "Наличие",
    level = "municipality",
    reading = own_document,
  },
  indicator "innovation_sites_monitoring" {
    title = "Наличие мониторинга организации деятельности муниципальных инновационных площадок (в разрезе ОО) (число, эффективность).",
    value = exists(documents { kind = "monitoring_report", title = contains("инновационных площадок") }),
    target = "Наличие",
    source = requests,
    level = "municipality",
    reading = "Есть отчёт о мониторинге, в названии которого есть «инновационных площадок».",
  },
}

criterion "staff_potential" {
  title = "Развитие кадрового потенциала системы образования, создание широких возможностей для профессионального развития педагогических работников",

  indicator "methodical_events" {
    title = "Количество научно-методических мероприятий (конференции, форумы, семинары, круглые столы и др. формы работы по совершенствованию методической деятельности образовательных организаций)",
    value = count(events { kind = { "conference", "forum", "seminar", "round_table" }, stages = false }),
    source = registers,
    level = "municipality",
    reading = "Первая половина одного показателя документа (до «;»): число научно-методических мероприятий года (конференции, форумы, семинары, круглые столы) по реестру мероприятий; мероприятия муниципальные, поэтому только в целом.",
  },
  indicator "methodical_event_participants" {
    title = "число педагогических работников, принимающих участие в научно-методических мероприятиях (конференции, форумы, семинары, круглые столы и др. формы работы по совершенствованию методической деятельности).",
    value = count(pedagogues:having { activity { kind = "methodical_event" },
                                      participation { event = events { kind = { "conference", "forum", "seminar", "round_table" } } } }),
    source = registers,
    breakdown = "kind",
    reading = "Вторая половина того же показателя (после «;»), со строчной буквы, как в документе: педагогические работники — участники мероприятий года (по спискам участников конференций, форумов, семинаров, круглых столов, или с записью о методическом мероприятии).",
  },
  indicator "competitions_monitoring" {
    title = "Наличие мониторинга участия в конкурсах профессионального мастерства (методических разработок) педагогических работников в разрезе образовательных организаций (количество, эффективность).",
    value = exists(documents { kind = "monitoring_report", title = contains("конкурс") }),
    target = "Наличие",
    source = requests,
    level = "municipality",
    reading = "Есть отчёт о мониторинге, в названии которого есть «конкурс».",
  },
  indicator "experts" {
    title = "Количество педагогических работников, участвующих в экспертной деятельности (в составе экспертных комиссий, жюри, экспертизе результатов профессиональной деятельности работников образования (аттестации) и пр.) (в разрезе ОО).",
    value = count(pedagogues:having { activity { kind = "expert" }, participation { role = "jury" }, registry "expert" }),
    source = experts_base .. "; " .. attested_base,
    breakdown = "kind",
    reading = "Педагогические работники с экспертной деятельностью: члены жюри конкурсов года, члены реестра экспертов на отчётную дату, или с записью об экспертной деятельности в году; по организациям.",
  },
  indicator "communities" {
    title = "Количество методических объединений и профессиональных сообществ на муниципальном уровне и в образовательных организациях",
    value = count(communities {}),
    source = requests,
    reading = "Действующие в году объединения и сообщества; строка организации — её собственные (школьные), итог — все, в том числе муниципальные.",
  },
  indicator "school_associations_monitoring" {
    title = "Наличие мониторинга эффективности деятельности школьных методических объединений общеобразовательных организаций МО Белореченский район",
    value = exists(documents { kind = "monitoring_report", title = contains("методических объединений") }),
    target = "Наличие",
    source = requests,
    level = "municipality",
    reading = "Есть отчёт о мониторинге, в названии которого есть «методических объединений».",
  },
  indicator "associations_programme" {
    title = "Наличие Программы поддержки школьных и районных методических объединений педагогических работников образовательных организаций муниципального образования Белореченский район",
    value = exists(documents { kind = "programme", title = contains("методических объединений") }),
    target = "Наличие",
    level = "municipality",
    reading = own_document,
  },
  indicator "young_teachers_programme" {
    title = "Наличие муниципальной Программы поддержки молодых педагогов/наставничества",
    value = exists(documents { kind = "programme", title = contains("молодых педагогов") }),
    target = "Наличие",
    level = "municipality",
    reading = own_document,
  },
  indicator "young_teachers_difficulties_monitoring" {
    title = "Наличие мониторинга профессиональных затруднений молодых педагогов",
    value = exists(documents { kind = "monitoring_report", title = contains("молодых педагогов") }),
    target = "Наличие",
    source = surveys,
    level = "municipality",
    reading = "Есть отчёт о мониторинге, в названии которого есть «молодых педагогов».",
  },
  indicator "young_trained" {
    title = "Количество молодых педагогов, повысивших квалификацию",
    value = count(young:having(activity { kind = { "course", "retraining" } })),
    source = requests,
    breakdown = "kind",
    reading = "Молодые педагоги — моложе 35 лет в первые 3 года работы; повысившие квалификацию в году.",
  },
  indicator "young_in_competitions" {
    title = "Количество молодых педагогов, принявших участие в профессиональных конкурсах, от общего количества молодых педагогов",
    value = share(young:having { participation { event = events { kind = "competition" }, role = "participant" },
                                 activity { kind = "competition" } }, young),
    source = requests,
    reading = "«Количество ... от общего количества» — доля (и число) молодых педагогов (до 35 лет, в первые 3 года стажа на отчётную дату), участвовавших в году в профессиональных конкурсах (любом этапе; по спискам участников или записям о конкурсе).",
    empty = "not_applicable",
  },
  indicator "staffing_needs_monitoring" {
    title = "Наличие мониторинга кадровых потребностей в образовательных организациях муниципалитета.",
    value = exists(documents { kind = "monitoring_report", title = contains("кадровых потребностей") }),
    target = "Наличие",
    source = requests,
    level = "municipality",
    reading = "Есть отчёт о мониторинге, в названии которого есть «кадровых потребностей».",
  },
}

-- Адресные рекомендации: "Анализ и рекомендации размещаются на официальном сайте МКУ ЦРО"
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
-- (The Concept states no threshold for the young teachers' share in competitions, so no
-- rule recommends on it.)
