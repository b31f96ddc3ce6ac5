-- The three indicators (row 2 «Показатели»), the six areas of monitoring (row 4
-- «Мониторинг показателей», each titled with the row's own lead-in) and the expected
-- result (row 10), as seed 000 words them. No target or threshold is stated, so none
-- is set: the monitoring shows values, the expected result is a presence.

-- педагогические работники, педагоги: every pedagogical position (not heads and deputies)
local pedagogues = staff { position = { "teacher", "educator", "senior_educator", "methodist", "psychologist",
  "speech_therapist", "defectologist", "social_pedagogue", "additional_educator", "organizer", "librarian",
  "music_director", "pe_instructor", "tutor", "counselor" } }
local school_teachers = staff { position = "teacher" }
local young = staff { position = is_not("head"), age = below(35), experience = below(3) }
-- Методы сбора и обработки информации (row 3), verbatim
local network = "База результатов АИС «Сетевой город. Образование»"
local olympiad = "Данные ПК ИРО по результатам регионального этапа олимпиады"
local iro = "Данные ПК ИРО по результатам оценочных процедур"

criterion "indicators" {
  title = "Показатели",

  indicator "diagnosed" {
    title = "Доля педагогических работников общеобразовательных организаций, прошедших диагностику профессиональных дефицитов",
    value = share(pedagogues:having(activity { kind = "diagnostic" }), pedagogues),
    applies_to = { "school" },
    source = iro,
    reading = "Педагогические работники — все педагогические должности общеобразовательных организаций; прошедшие в году диагностику. К детским садам показатель не относится («не применимо»), итог — по школам.",
  },
  indicator "personalised_training" {
    title = "Количество педагогов, прошедших повышение квалификации по персонифицированным программам профессионального роста",
    value = count(pedagogues:having(activity { kind = "individual_route", within = 2 }):having(activity { kind = "course" })),
    source = network,
    reading = "Персонифицированная программа — курсы, пройденные в году педагогом, у которого за два последних года есть индивидуальный образовательный маршрут; педагоги — все педагогические должности.",
  },
  indicator "attested" {
    title = "Доля педагогов общеобразовательных организаций, прошедших аттестацию, направленную на повышение эффективности и качество педагогической деятельности",
    value = share(school_teachers:having(activity { kind = "attestation" }), school_teachers),
    applies_to = { "school" },
    source = network,
    reading = "Педагоги общеобразовательных организаций — учителя школ; аттестованные в году. К детским садам показатель не относится.",
  },
}

criterion "monitoring" {
  title = "Мониторинг показателей",

  indicator "deficits_found" {
    title = "Мониторинг (информационный, сравнительный) по выявлению профессиональных дефицитов педагогических работников",
    value = count(pedagogues:having(activity { kind = "diagnostic", deficits = present() })),
    source = iro,
    reading = "Число педагогических работников, у которых диагностика года выявила дефициты (в записи диагностики указаны дефициты); порога балла документ не называет, и он не вводится.",
  },
  indicator "dpo_providers" {
    title = "Мониторинг (информационный, сравнительный) по учету организаций, реализующих программы ДПО, в которых педагогические работники муниципалитета проходили повышение квалификации",
    value = distinct(activity { kind = { "course", "retraining" } }, "provider"),
    source = network,
    level = "municipality",
    reading = "Число разных организаций-исполнителей курсов и переподготовки года (по полю «организатор»); учёт ведётся по муниципалитету.",
  },
  indicator "young_support" {
    title = "Мониторинг (информационный, сравнительный) по организации методической помощи молодым педагогам в рамках «Школы молодого педагога» /реализация системы наставничества",
    value = share(young:having { participation { event = events { kind = "young_teacher_school" } }, registry "mentee",
                                 activity { kind = "mentoring" } }, young),
    source = network,
    reading = "Молодые педагоги — моложе 35 лет в первые 3 года работы на отчётную дату; доля тех, кто в году занимался в «Школе молодого педагога» или наставляемый (в реестре наставляемых на отчётную дату, или с мероприятием наставничества в году).",
    empty = "not_applicable",
  },
  indicator "associations" {
    title = "Мониторинг (информационный, сравнительный) по организации работы методических объединений",
    value = count(communities { kind = "methodical_association" }),
    source = network,
    level = "municipality",
    reading = "Число действовавших в году методических объединений (ГМО — городские, муниципальные): только в целом.",
  },
  indicator "networks" {
    title = "Мониторинг (информационный, сравнительный) по организации форм сетевого взаимодействия педагогов на муниципальном уровне",
    value = count(communities { kind = "network_community" }),
    source = network,
    level = "municipality",
    reading = "Число действовавших в году сетевых сообществ педагогов муниципального уровня.",
  },
  indicator "methodical_support" {
    title = "Мониторинг (информационный, сравнительный) по организации методического сопровождения педагогическим работникам",
    value = share(pedagogues:having(activity { kind = { "methodical_event", "mentoring", "tutoring" } }), pedagogues),
    source = network,
    reading = "Доля педагогических работников, которых в году сопровождали: методические мероприятия, наставничество, тьюторство.",
  },
}

criterion "result" {
  title = "Ожидаемый результат",

  indicator "methodical_system" {
    title = "Наличие муниципальной системы методического сопровождения педагогических работников",
    value = exists(documents { kind = { "regulation", "plan" }, title = contains("методическ") }),
    target = "Наличие муниципальной системы методического сопровождения педагогических работников",
    level = "municipality",
    reading = "Система есть, когда утверждены её положение или план (документ вида «положение» или «план» со словом «методическ» в названии). Источник данных документ не называет.",
  },
}

recommend {
  indicators = { "diagnosed", "attested", "young_support", "methodical_support" },
  when = function(row) return row.value ~= nil end,
  to = "organization", priority = 2,
  text = "Показатель «{title}» — {value}; рассмотреть на совещании руководителей ОО",
}
recommend {
  indicator = "methodical_system",
  to = "municipality", priority = 1,
  text = "Утвердить положение о муниципальной системе методического сопровождения",
}
