-- The region's recommendations to municipalities, where its own criteria
-- fall short; a municipality's pack adds its own for its organizations.

recommend {
  indicator = "schools_on_platform",
  to = "municipality", priority = 1,
  text = "Обеспечить подключение всех общеобразовательных организаций к региональной технологической (цифровой) платформе ({value} при цели {target})",
}
recommend {
  indicators = { "experts_in_registry", "methodical_events", "tutors", "wsr_experts" },
  to = "methodical_service", priority = 2,
  text = "Формировать экспертный, методический и тьюторский актив по результатам оценочных процедур; «{title}» — {value} при цели {target}",
}
recommend {
  indicators = { "teachers_assessed", "heads_assessed" },
  to = "heads", priority = 3,
  text = "Направить работников на независимую оценку квалификаций в Центр оценки квалификаций (ОГБУ ЧЦОПМКП); «{title}» — {value}",
}
