test "presence of documents and counts of workers" {
  period = 2023,
  data = {
    organizations = { { id = "s1", name = "МОУ СОШ № 1", kind = "school", municipality = "belorechensk" } },
    staff = {
      { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1998, career_start_year = 2022 },
      { id = "t2", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
    },
    activities = {
      { staff_id = "t1", kind = "competition", date = "2023-04-01" },
      { staff_id = "t2", kind = "publication", date = "2023-05-01" },
      { staff_id = "t2", kind = "course", date = "2023-06-01" },
    },
    documents = {
      { id = "d1", kind = "programme", date = "2022-09-01", municipality = "belorechensk",
        title = "Муниципальная программа поддержки молодых педагогов/наставничества" },
    },
  },
  expect = {
    young_teachers_programme = { value = 1, status = "met" },
    inclusive_programme = { value = 0, status = "not_met" },
    publications = 1,
    trained = 1,
    young_in_competitions = { value = 100, numerator = 1, denominator = 1 },
  },
}
