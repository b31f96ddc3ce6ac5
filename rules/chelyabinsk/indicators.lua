local platform = "Региональная технологическая (цифровая) платформа сопровождения профессионального развития"
local platform_and_resources = platform .. ", информационные ресурсы «Отличная школа 74.ru» и «Цифровая культура педагогов»"

criterion "deficits" {
  title = "Выявление профессиональных дефицитов педагогических и руководящих работников",

  indicator "teachers_diagnosed" {
    title = "Доля педагогов, прошедших оценочную процедуру в ОГБУ ЧЦОМПКП, направленную на выявление профессиональных дефицитов, от общего их числа",
    value = share(teachers:having(activity { kind = "diagnostic" }), teachers),
    target = "К 2024 году - не менее 66,6% (из расчета - 100% за 3 года, начиная с 2021 г.; не менее 33,3% ежегодно)",
    source = platform,
  },
  indicator "heads_diagnosed" {
    title = "Доля руководителей, прошедших оценочную процедуру в ОГБУ ЧЦОМПКП, направленную на выявление профессиональных дефицитов, от общего их числа",
    value = share(heads:having(activity { kind = "diagnostic" }), heads),
    target = "К 2024 году - не менее 66,6% (из расчета - 100% за 3 года, начиная с 2021 г.; не менее 33,3% ежегодно)",
    source = platform,
  },
}

criterion "routes" {
  title = "Учёт индивидуальных образовательных маршрутов педагогических и руководящих работников, сформированных на основе анализа результатов оценочных процедур в региональной технологической (цифровой) платформе сопровождения профессионального развития",

  indicator "routes_formed" {
    title = "Доля сформированных индивидуальных образовательных маршрутов для педагогов и руководителей образовательных организаций, от общего числа педагогов и руководителей, прошедших оценочную процедуру в ОГБУ ЧЦОМПКП, направленную на выявление профессиональных дефицитов",
    value = share(diagnosed:having(route), diagnosed),
    target = "Ежегодно - 75%",
    source = platform,
  },
}

criterion "training" {
  title = "Осуществление повышения квалификации и профессиональной переподготовки по дополнительным образовательным программам в образовательных организациях, реализующих дополнительные профессиональные программы",

  indicator "teachers_trained" {
    title = "Доля педагогов, прошедших повышение квалификации и профессиональную переподготовку по дополнительным образовательным программам от общего числа педагогов, прошедших оценочную процедуру в ОГБУ ЧЦОМПКП, направленную на выявление профессиональных дефицитов, и получивших индивидуальный образовательный маршрут",
    value = share(teachers:having(diagnostic):having(route):having(activity { kind = { "course", "retraining" }, since = 2021 }),
                  teachers:having(diagnostic):having(route)),
    target = "К 2024 году - 40%",
    source = platform,
  },
  indicator "heads_trained" {
    title = "Доля руководителей, прошедших повышение квалификации и профессиональную переподготовку по дополнительным образовательным программам от общего числа руководителей, прошедших оценочную процедуру в ОГБУ ЧЦОМПКП, направленную на выявление профессиональных дефицитов, и получивших индивидуальный образовательный маршрут",
    value = share(heads:having(diagnostic):having(route):having(activity { kind = { "course", "retraining" }, since = 2021 }),
                  heads:having(diagnostic):having(route)),
    target = "К 2024 году-40%",
    source = platform,
  },
  indicator "management_teams_trained" {
    title = "Доля управленческих команд образовательных организаций, повысивших свою квалификацию по вопросам эффективности управления качеством образования",
    value = share(organizations {}:having(activity { kind = "course", title = contains("качеств"), since = 2021, by = heads }),
                  organizations {}),
    target = "К 2024 году - не менее 10% (из расчета включения в ежегодные, начиная с 2022 года, государственные задания учреждений ДПО, подведомственных Министерству образования и науки Челябинской области, показателей повышения квалификации данной категории слушателей и направленности программ повышения квалификации)",
    source = platform,
  },
}

criterion "digital" {
  title = "Развитие цифровой образовательной среды дополнительного профессионального образования педагогических работников в части использования региональной технологической (цифровой) платформы сопровождения профессионального развития",

  indicator "schools_on_platform" {
    title = "Доля общеобразовательных организаций, использующих региональную технологическую (цифровую) платформу сопровождения профессионального развития, в общем количестве общеобразовательных организаций",
    value = share(schools:having(activity { kind = "platform_use" }), schools),
    target = "К 2024 году-100%",
    source = platform,
  },
}

local successful = teachers_and_heads:having(activity { kind = "diagnostic", score = above(60), since = 2021 })

criterion "experts" {
  title = "Формирование экспертного, методического и тьюторского актива по результатам оценочных процедур",

  indicator "experts_in_registry" {
    title = "Доля педагогов и руководителей, включенных в реестр РСЭС, от общего числа педагогов и руководителей, успешно (более 60% выполнения) прошедших оценочную процедуру в ОГБУ ЧЦОМПКП, направленную на диагностику уровня профессионального мастерства и квалификаций экспертов в сфере оценки качества образования",
    value = share(successful:having(activity { kind = "expert", provider = contains("РСЭС"), any_time = true }), successful),
    target = "Ежегодно - 100%",
    source = platform,
  },
  indicator "methodical_events" {
    title = "Доля педагогов и руководителей, привлекаемых к проведению методических мероприятий в ЦНППМ, от общего числа прошедших оценочную процедуру в ОГБУ ЧЦОМПКП",
    value = share(diagnosed:having(activity { kind = "methodical_event" }), diagnosed),
    target = "К 2024 году - не менее 35%",
    source = platform_and_resources,
  },
  indicator "tutors" {
    title = "Количество педагогов и руководителей, привлекаемых к работе тьютора в организациях дополнительного профессионального образования, ЦНППМ, от общего числа прошедших оценочную процедуру в ОГБУ ЧЦОМПКП",
    value = count(diagnosed:having(activity { kind = "tutoring" })),
    unit = "человек",
    target = "К 2024 году - 350 человек",
    source = platform_and_resources,
  },
  indicator "wsr_experts" {
    title = "Доля педагогических работников, сертифицированных как эксперты демонстрационного экзамена по стандартам WSR",
    value = share(pedagogues:having(activity { kind = "expert", provider = contains("WSR"), any_time = true }), pedagogues),
    target = "К 2024 году - не менее 50%",
    source = "Реестр РКЦ WSR",
  },
}

criterion "young" {
  title = "Поддержка молодых педагогов и руководителей",

  indicator "young_supported" {
    title = "Доля педагогических работников в возрасте до 35 лет, участвующих в различных формах поддержки и сопровождения в первые 3 года работы",
    value = share(pedagogues:having(activity { kind = { "mentoring", "tutoring", "methodical_event" } }),
                  staff { position = { "teacher", "educator", "methodist", "psychologist", "speech_therapist",
                    "defectologist", "social_pedagogue", "additional_educator", "organizer" },
                    age = below(35), experience = below(3) }),
    target = "К 2024 году - не менее 70%",
    source = platform,
  },
}

criterion "mentoring" {
  title = "Реализация программ наставничества педагогических и руководящих работников",

  indicator "mentoring_participants" {
    title = "Доля педагогов и руководителей, участвующих в программах наставничества, от общего их числа",
    value = share(teachers_and_heads:having(activity { kind = "mentoring" }), teachers_and_heads),
    target = "К 2024 году - положительная динамика доли педагогов и руководителей, участвующих в программах наставничества",
    source = platform,
  },
  indicator "mentored_by_methodists" {
    title = "Доля педагогов, сопровождаемых педагогами-методистами, прошедшими федеральный и региональный отбор, от общего их числа",
    value = share(teachers:having(activity { kind = "mentoring", role = "mentee",
                                             partner = staff { qualification_category = "pedagogue_methodist" } }), teachers),
    target = "К 2024 году - положительная динамика доли педагогов, сопровождаемых педагогами-методистами, прошедшими федеральный и региональный отбор",
    source = platform,
  },
  indicator "heads_mentored" {
    title = "Доля руководителей, сопровождаемых руководителями-наставниками, представителями ФИП/РИП, от общего их числа",
    value = share(heads:having(activity { kind = "mentoring", role = "mentee", partner = heads }), heads),
    target = "К 2024 году - положительная динамика доли руководителей, сопровождаемых руководителями-наставниками",
    source = platform,
  },
}

criterion "networks" {
  title = "Реализация сетевого взаимодействия педагогов (методических объединений, профессиональных сообществ педагогов) на региональном уровне",

  indicator "communities" {
    title = "Наличие в муниципальной образовательной системе профессиональных (в том числе сетевых) сообществ и методических объединений",
    value = count(communities { kind = { "methodical_association", "professional_community", "network_community" } }),
    unit = "ед.",
    target = "К 2024 году - положительная динамика количества функционирующих на муниципальном уровне профессиональных (в том числе сетевых) сообществ и методических объединений не менее 10%",
    source = platform,
  },
  indicator "association_programmes" {
    title = "Наличие программ поддержки методических объединений",
    value = count(documents { kind = "programme", title = contains("методических объединений") }),
    unit = "ед.",
    target = "К 2024 году - положительная динамика количества разработанных и реализующихся на муниципальном уровне программ поддержки профессиональных сообществ и методических объединений не менее 10%",
    source = platform,
  },
}

criterion "staffing" {
  title = "Выявление кадровых потребностей в образовательных организациях региона и рост кадровой обеспеченности системы образования",

  indicator "young_staff" {
    title = "Доля педагогов/руководителей в возрасте до 35 лет в общей численности педагогических работников от общего числа педагогических/руководящих работников",
    value = share(staff { position = { "teacher", "head", "deputy" }, age = below(35) }, teachers_and_heads),
    target = "К 2024 году - положительная динамика не менее 10%",
    source = "Статистическая отчетность № ОО-1, № 1-ДО, № 85-К",
    breakdown = "position",
  },
  indicator "profile_education" {
    title = "Доля педагогов, имеющих образование, соответствующее профилю преподаваемого учебного предмета",
    value = share(staff { position = "teacher", education_matches_profile = true }, teachers),
    target = "К 2024 году - 100%",
    source = "Статистическая отчетность № ОО-1, № 1-ДО, № 85-К",
  },
}

criterion "qualification" {
  title = "Проведение независимой оценки квалификаций педагогических и руководящих работников",

  indicator "teachers_assessed" {
    title = "Доля педагогических работников, прошедших независимую оценку квалификаций в Центре оценки квалификаций (ОГБУ ЧЦОПМКП), от общего их числа",
    value = share(pedagogues:having(activity { kind = "qualification_assessment", since = 2021 }), pedagogues),
    target = "К 2024 году - положительная динамика доли педагогических работников, прошедших независимую оценку квалификаций в Центре оценки квалификаций не менее 10%",
    source = platform,
  },
  indicator "heads_assessed" {
    title = "Доля руководящих работников, прошедших независимую оценку квалификаций в Центре оценки квалификаций (ОГБУ ЧЦОПМКП), от общего их числа",
    value = share(heads:having(activity { kind = "qualification_assessment", since = 2021 }), heads),
    target = "К 2024 году - положительная динамика доли руководящих работников, прошедших независимую оценку квалификаций в Центре оценки квалификаций не менее 10%",
    source = platform,
  },
}
