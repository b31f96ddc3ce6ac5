test "the quantitative expected result and a documented one" {
  period = 2023,
  data = {
    organizations = { { id = "s1", name = "МБОУ СОШ № 1", kind = "school", municipality = "grozny-district" } },
    staff = {
      { id = "m1", organization_id = "s1", position = "methodist", birth_year = 1980, career_start_year = 2003 },
      { id = "m2", organization_id = "s1", position = "methodist", birth_year = 1982, career_start_year = 2005 },
    },
    activities = { { staff_id = "m1", kind = "course", date = "2022-03-01" } },
    documents = { { id = "r1", kind = "analytical_report", date = "2023-01-10", municipality = "grozny-district",
                    title = "Аналитический отчет о реализации РСУР" } },
  },
  expect = {
    dpo_staff_trained = { value = 50, status = "in_progress" },
    rsur_report = { value = 1, status = "met" },
    legal_base = { value = 0, status = "not_met" },
  },
}
