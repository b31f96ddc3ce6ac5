local teachers = staff { position = "teacher" }
criterion "deficits" {
  title = "Выявление профессиональных дефицитов",
  indicator "teachers_diagnosed" {
    title = "Доля педагогов, прошедших диагностику",
    value = share(teachers:having(activity { kind = "diagnostic" }), teachers),
    target = "К 2024 году - не менее 66,6% (из расчета - 100% за 3 года, начиная с 2021 г.; не менее 33,3% ежегодно)",
  },
}
