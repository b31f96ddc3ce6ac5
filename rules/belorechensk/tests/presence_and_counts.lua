-- Counted by hand: a school with two teachers and a head, a kindergarten with an educator.
local organizations = {
  { id = "s1", name = "МОУ СОШ № 1", kind = "school", municipality = "belorechensk" },
  { id = "d1", name = "МДОУ Детский сад № 1", kind = "preschool", municipality = "belorechensk" },
}
local staff = {
  { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1998, career_start_year = 2022 },
  { id = "t2", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
  { id = "h1", organization_id = "s1", position = "head", birth_year = 1970, career_start_year = 1995 },
  { id = "e1", organization_id = "d1", position = "educator", birth_year = 1985, career_start_year = 2008 },
}

test "presence of documents and counts of workers" {
  period = 2023,
  data = {
    organizations = organizations,
    staff = staff,
    activities = {
      { staff_id = "t1", kind = "competition", date = "2023-04-01" },
      { staff_id = "t2", kind = "publication", date = "2023-05-01" },
      { staff_id = "t2", kind = "course", date = "2023-06-01" },
      { staff_id = "h1", kind = "course", date = "2023-06-01" },      -- a head is not a pedagogical worker
      { staff_id = "e1", kind = "retraining", date = "2023-02-01" },  -- an educator is
      { staff_id = "e1", kind = "individual_route", date = "2022-11-01" },
      { staff_id = "e1", kind = "diagnostic", date = "2022-10-01" },
      { staff_id = "t2", kind = "individual_route", date = "2023-01-15" },
    },
    documents = {
      { id = "d1", kind = "programme", date = "2022-09-01", municipality = "belorechensk",
        title = "Муниципальная программа поддержки молодых педагогов/наставничества" },
    },
  },
  expect = {
    -- a municipal document: judged in total only, no row per organization
    young_teachers_programme = { value = 1, status = "met", s1 = "absent", d1 = "absent" },
    inclusive_programme = { value = 0, status = "not_met" },
    publications = { value = 1, s1 = 1, d1 = 0 },
    trained = { value = 2, s1 = 1, d1 = 1 },
    -- of the two with an IOM in 2022-2023 (t2, e1), e1 was diagnosed: 1 of 2
    diagnosed_with_routes = { value = 50, numerator = 1, denominator = 2, status = "no_target", d1 = 100 },
    -- e1 took retraining in the year of an IOM
    trained_by_deficits = { value = 2, d1 = 1 },
    young_in_competitions = { value = 100, numerator = 1, denominator = 1 },
  },
  recommendations = {
    { indicator = "inclusive_programme", addressee = "municipality", municipality = true,
      contains = "Разработать и утвердить документ" },
    { indicator = "young_teachers_programme", absent = true },
  },
}
