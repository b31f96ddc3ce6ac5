local teachers = staff { position = "teacher" }

criterion "staffing" {
  title = "Кадры",
  indicator "teachers" { title = "Количество учителей", value = count(teachers) },
  indicator "young_teachers" {
    title = "Количество молодых учителей (до 35 лет, в первые 3 года работы)",
    value = count(staff { position = "teacher", age = below(35), experience = below(3) }),
  },
  indicator "trained_teachers" {
    title = "Количество учителей, прошедших курсы в году",
    value = count(teachers:having(activity { kind = "course" })),
  },
}

criterion "activities" {
  title = "Мероприятия",
  indicator "courses" { title = "Курсы повышения квалификации", value = count(activity { kind = "course" }) },
  indicator "course_hours" { title = "Часы курсов", value = sum(activity { kind = "course" }, "hours") },
  indicator "schools_with_courses" {
    title = "Организации, работники которых прошли курсы",
    value = count(organizations {}:having(activity { kind = "course" })),
  },
}
