local teachers = staff { position = "teacher" }

criterion "deficits" {
  title = "Выявление профессиональных дефицитов педагогических и руководящих работников",

  indicator "teachers_diagnosed" {
    title  = "Доля педагогов, прошедших оценочную процедуру, направленную на выявление профессиональных дефицитов, от общего их числа",
    unit   = "%",
    value  = share(teachers:having(activity { kind = "diagnostic" }), teachers),
    target = "К 2024 году - не менее 66,6% (из расчета - 100% за 3 года, начиная с 2021 г.; не менее 33,3% ежегодно)",
    source = "Региональная технологическая (цифровая) платформа сопровождения профессионального развития",
  },
}

recommend {
  indicator = "teachers_diagnosed",
  when = "not_met",
  to = "organization",
  priority = 1,
  text = "Организовать диагностику профессиональных дефицитов педагогов: {value} при цели {target}",
}

recommend {
  indicator = "teachers_diagnosed",
  when = "not_met",
  to = "methodical_service",
  text = "Охват диагностикой по муниципалитету {value} при цели {target}",
}

rating "schools" {
  title = "Рейтинг общеобразовательных учреждений",
  organizations = { "school" },
  weights = { teachers_diagnosed = 1 },
  missing = "skip",   -- an indicator without a value is left out, and its weight with it
}
