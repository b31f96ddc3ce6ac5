local school_pedagogues = staff { organization_kind = "school", position = is_not("head") }
local school_teachers = staff { organization_kind = "school", position = "teacher" }
local young = staff { position = is_not("head"), age = below(35), experience = below(3) }
local network = "База результатов АИС «Сетевой город. Образование»"
local iro = "Данные ПК ИРО по результатам оценочных процедур"

criterion "indicators" {
  title = "Показатели",

  indicator "diagnosed" {
    title = "Доля педагогических работников общеобразовательных организаций, прошедших диагностику профессиональных дефицитов",
    value = share(school_pedagogues:having(activity { kind = "diagnostic" }), school_pedagogues),
    source = iro,
  },
  indicator "personalised_training" {
    title = "Количество педагогов, прошедших повышение квалификации по персонифицированным программам профессионального роста",
    value = count(staff { position = is_not("head") }:having(activity { kind = "individual_route", within = 2 })
                                                      :having(activity { kind = "course" })),
    source = network,
  },
  indicator "attested" {
    title = "Доля педагогов общеобразовательных организаций, прошедших аттестацию, направленную на повышение эффективности и качество педагогической деятельности",
    value = share(school_teachers:having(activity { kind = "attestation" }), school_teachers),
    source = network,
  },
}

criterion "monitoring" {
  title = "Мониторинг показателей",

  indicator "deficits_found" {
    title = "выявлению профессиональных дефицитов педагогических работников",
    value = count(staff { position = is_not("head") }:having(activity { kind = "diagnostic", score = below(60) })),
    source = iro,
  },
  indicator "dpo_providers" {
    title = "учету организаций, реализующих программы ДПО, в которых педагогические работники муниципалитета проходили повышение квалификации",
    value = distinct(activity { kind = { "course", "retraining" } }, "provider"),
    source = network,
  },
  indicator "young_support" {
    title = "организации методической помощи молодым педагогам в рамках «Школы молодого педагога» /реализация системы наставничества",
    value = share(young:having(activity { kind = "mentoring" }), young),
    source = network,
  },
  indicator "associations" {
    title = "организации работы методических объединений",
    value = count(communities { kind = "methodical_association" }),
    source = network,
  },
  indicator "networks" {
    title = "организации форм сетевого взаимодействия педагогов на муниципальном уровне",
    value = count(communities { kind = "network_community" }),
    source = network,
  },
  indicator "methodical_support" {
    title = "организации методического сопровождения педагогическим работникам",
    value = share(staff { position = is_not("head") }:having(activity { kind = { "methodical_event", "mentoring", "tutoring" } }),
                  staff { position = is_not("head") }),
    source = network,
  },
}

criterion "result" {
  title = "Ожидаемый результат",

  indicator "methodical_system" {
    title = "Наличие муниципальной системы методического сопровождения педагогических работников",
    value = exists(documents { kind = { "regulation", "plan" } }),
    target = "Наличие муниципальной системы методического сопровождения педагогических работников",
    source = "Сайт управления образованием",
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
