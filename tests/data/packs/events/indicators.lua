local teachers = staff { position = "teacher" }
local competition = events { kind = "competition" }

criterion "events" {
  title = "Мероприятия и конкурсы",
  indicator "competitions" { title = "Конкурсы", value = count(events { kind = "Конкурс", stages = false }) },
  indicator "competition_stages" { title = "Этапы конкурсов", value = count(events { kind = "competition", stages = true }) },
  indicator "held" { title = "Мероприятия года", value = count(events {}) },
  indicator "schools" { title = "Школы", value = count(events { kind = "school" }) },
  indicator "competition_participants" {
    title = "Педагоги — участники конкурсов",
    value = count(staff {}:having(participation { event = competition, role = "participant" })),
  },
  indicator "municipal_winners" {
    title = "Победители муниципальных этапов",
    value = count(staff {}:having(participation { result = "winner", event = events { level = "municipal" } })),
  },
  indicator "regional_prizes" {
    title = "Победители и призёры региональных этапов",
    value = count(staff {}:having(participation { result = { "winner", "призёр" }, event = events { level = "regional" } })),
  },
  indicator "laureate_organizations" {
    title = "Организации с лауреатами",
    value = count(organizations {}:having(participation { result = "laureate" })),
  },
  indicator "winning_organizations" {
    title = "Организации с победителями",
    value = count(organizations {}:having(participation { result = "winner" })),
  },
  indicator "entries" { title = "Заявки на конкурсы", value = count(participation { event = competition }) },
  indicator "jury" { title = "Члены жюри", value = count(staff {}:having(participation { role = "jury" })) },
  indicator "young_in_school" {
    title = "Молодые педагоги — слушатели школы молодого педагога",
    value = count(staff { age = below(35), experience = below(3) }
                    :having(participation { event = events { kind = "young_teacher_school" } })),
  },
}

criterion "registries" {
  title = "Реестры",
  indicator "mentors" { title = "Наставники", value = count(registry "mentor") },
  indicator "mentees" { title = "Наставляемые", value = count(registry "mentee") },
  indicator "mentees_removed" { title = "Исключены из наставляемых", value = count(registry { registry = "mentee", removed = true }) },
  indicator "reserve" { title = "Резерв управленческих кадров", value = count(registry "Кадровый резерв") },
  indicator "reserve_added" {
    title = "Включены в резерв", value = count(registry { registry = "managerial_reserve", added = true }),
  },
  indicator "experts" { title = "Эксперты РСЭС", value = count(registry { registry = "expert", title = contains("рсэс") }) },
  indicator "tutors" { title = "Тьюторы", value = count(staff {}:having(registry "tutor")) },
  indicator "mentored" {
    title = "Доля учителей, сопровождаемых педагогами-наставниками",
    value = share(teachers:having(registry { registry = "mentee",
                                             partner = staff { qualification_category = "pedagogue_mentor" } }), teachers),
  },
  indicator "supported" {
    title = "Учителя в наставничестве или в школе педагога",
    value = count(teachers:having { registry "mentee", participation { event = events { kind = "school" } } }),
  },
}
