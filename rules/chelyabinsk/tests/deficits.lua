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
    -- 2023 is before 2024: the yearly step (33,3%) on the year's own share, 1 of 3; the
    -- teachers covered since 2021 (t1 in 2023, t2 in 2022), 2 of 3, on the path to 66,6%
    -- (66,6 × 3/4 = 49,95 in 2023)
    teachers_diagnosed = { value = 33.33, numerator = 1, denominator = 3, status = "met", figure = "yearly",
                           cumulative_numerator = 2, cumulative_value = 66.67, path_value = 49.95, progress = "on_track" },
    heads_diagnosed = { value = 100, status = "met" },
    routes_formed = { value = 33.33, numerator = 1, denominator = 3, status = "not_met" },
    -- "К 2024 году - 40%": in progress; nobody was diagnosed in 2021, so there is no base for a path
    teachers_trained = { value = 100, numerator = 1, denominator = 1, status = "in_progress", progress = "none" },
    -- "К 2024 году - 100%": from 50% in 2021 (t1 and t3; t2 began in 2022) to 100%:
    -- 50 + 50 × 2/3 = 83,33% in 2023, behind
    profile_education = { value = 66.67, status = "in_progress", path_value = 83.33, progress = "behind" },
    young_supported = { value = 100, numerator = 1, denominator = 1 },
  },
}

test "2024: growth from a year without any community is no data, with the reason; municipal facts have no rows per organization" {
  period = 2024,
  data = {
    organizations = { school, { id = "d1", name = "МДОУ Детский сад № 1", kind = "preschool" } },
    staff = staff,
    activities = { { staff_id = "t1", kind = "diagnostic", date = "2024-03-01" } },
    communities = {
      { id = "c1", name = "РМО учителей математики", kind = "methodical_association", level = "municipal", start_date = "2022-09-01" },
      { id = "c2", name = "РМО учителей физики", kind = "methodical_association", level = "municipal", start_date = "2023-09-01" },
    },
  },
  expect = {
    -- 2 communities in 2024, none active in 2021: growth "не менее 10%" against 2021 has no base
    communities = { value = 2, status = "no_data", s1 = "absent", d1 = "absent" },
    -- the kindergarten has no teachers: not applicable, not "нет данных"
    teachers_diagnosed = { d1 = "not_applicable" },
    -- 1 of 1 head (the deputy is none here), judged for the municipality only
    heads_diagnosed = { s1 = "absent" },
  },
}
