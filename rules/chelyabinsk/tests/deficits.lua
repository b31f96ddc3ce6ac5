-- The region's first criterion on a fixture small enough to count by hand.
local school = { id = "s1", name = "МОУ СОШ № 1", kind = "school" }
local staff = {
  { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
  { id = "t2", organization_id = "s1", position = "teacher", birth_year = 1995, career_start_year = 2022, education_matches_profile = true },
  { id = "t3", organization_id = "s1", position = "teacher", birth_year = 1970, career_start_year = 1992, education_matches_profile = true },
  { id = "h1", organization_id = "s1", position = "head", birth_year = 1968, career_start_year = 1990 },
}

test "diagnostics, routes and training of teachers and heads" {
  period = 2023,
  data = {
    organizations = { school },
    staff = staff,
    activities = {
      { staff_id = "t1", kind = "diagnostic", date = "2023-03-01", score = 70 },
      { staff_id = "t1", kind = "individual_route", date = "2023-04-01" },
      { staff_id = "t1", kind = "course", date = "2023-10-01", hours = 72 },
      { staff_id = "t2", kind = "diagnostic", date = "2022-03-01", score = 40 },
      { staff_id = "h1", kind = "diagnostic", date = "2023-05-01", score = 65 },
      { staff_id = "t2", kind = "mentoring", date = "2023-02-01", role = "mentee", partner_id = "t3" },
    },
  },
  expect = {
    teachers_diagnosed = { value = 33.33, numerator = 1, denominator = 3, status = "met" },
    heads_diagnosed = { value = 100, status = "met" },
    routes_formed = { value = 33.33, numerator = 1, denominator = 3, status = "not_met" },
    teachers_trained = { value = 100, numerator = 1, denominator = 1, status = "met" },
    profile_education = { value = 66.67, status = "not_met" },
    young_supported = { value = 100, numerator = 1, denominator = 1 },
  },
}
