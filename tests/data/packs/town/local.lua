criterion "staffing" {
  title = "Кадровое обеспечение",
  indicator "teachers_total" { title = "Количество педагогов", value = count(staff { position = "teacher" }) },
}
