-- Адресные рекомендации: who is asked to do what when an indicator falls
-- short of its target.

recommend {
  indicators = { "teachers_diagnosed", "heads_diagnosed" },
  to = "organization", priority = 1,
  text = "Направить на оценочную процедуру ОГБУ ЧЦОПМКП педагогов и руководителей, не прошедших диагностику профессиональных дефицитов ({value} при цели {target})",
}
recommend {
  indicators = { "teachers_diagnosed", "heads_diagnosed", "routes_formed" },
  to = "municipality", priority = 1,
  text = "Согласовать с ОГБУ ЧЦОПМКП график диагностики; показатель «{title}» — {value} при цели {target}",
}
recommend {
  indicator = "routes_formed",
  to = "organization", priority = 1,
  text = "Сформировать индивидуальные образовательные маршруты по результатам диагностики ({value} при цели {target})",
}
recommend {
  indicators = { "teachers_trained", "heads_trained", "management_teams_trained" },
  to = "methodical_service", priority = 2,
  text = "Включить в план повышения квалификации программы по выявленным дефицитам; «{title}» — {value} при цели {target}",
}
recommend {
  indicator = "schools_on_platform",
  to = "organization", priority = 2,
  text = "Организовать работу педагогов на региональной технологической (цифровой) платформе",
}
recommend {
  indicator = "young_supported",
  to = "young_teachers", priority = 1,
  text = "Включиться в программы наставничества и работу Клуба молодых педагогов (охват {value} при цели {target})",
}
recommend {
  indicators = { "mentoring_participants", "mentored_by_methodists", "heads_mentored" },
  to = "mentors", priority = 2,
  text = "Расширить участие в программах наставничества; «{title}» — {value}",
}
recommend {
  indicators = { "communities", "association_programmes" },
  to = "methodical_service", priority = 3,
  text = "Поддержать работу районных методических объединений и сетевых сообществ ({value})",
}
recommend {
  indicators = { "teachers_assessed", "heads_assessed" },
  to = "municipality", priority = 3,
  text = "Организовать прохождение независимой оценки квалификаций; «{title}» — {value}",
}
