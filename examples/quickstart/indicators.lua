local teachers = staff { position = "teacher" }

criterion "deficits" {
  title = "Выявление профессиональных дефицитов педагогических и руководящих работников",

  indicator "teachers_diagnosed" {
    title  = "Доля педагогов, прошедших оценочную процедуру, направленную на выявление профессиональных дефицитов, от общего их числа",
    unit   = "%",
    value  = share(teachers:having(activity { kind = "diagnostic" }), teachers),
    source = "Региональная технологическая (цифровая) платформа сопровождения профессионального развития",
  },
}
