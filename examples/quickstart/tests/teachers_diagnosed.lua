-- Tests of the quickstart pack: a fixture and the values it must give.
-- Run with: pdmon test --pack examples/quickstart

local school = { id = "s1", name = "МОУ СОШ № 1", kind = "school" }
local kindergarten = { id = "d1", name = "МДОУ Детский сад № 1", kind = "preschool" }
local staff = {
  { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
  { id = "t2", organization_id = "s1", position = "teacher", birth_year = 1990, career_start_year = 2013 },
  { id = "h1", organization_id = "s1", position = "head", birth_year = 1970, career_start_year = 1993 },
  { id = "e1", organization_id = "d1", position = "educator", birth_year = 1985, career_start_year = 2008 },
}

test "one of two teachers diagnosed in the year meets the yearly step" {
  period = 2023,
  data = {
    organizations = { school, kindergarten },
    staff = staff,
    activities = {
      { staff_id = "t1", kind = "diagnostic", date = "2023-03-01" },
      { staff_id = "t1", kind = "diagnostic", date = "2023-10-01" },  -- counted once
      { staff_id = "t2", kind = "diagnostic", date = "2022-12-31" },  -- another year
      { staff_id = "h1", kind = "diagnostic", date = "2023-03-01" },  -- not a teacher
      { staff_id = "e1", kind = "diagnostic", date = "2023-05-01" },
    },
  },
  expect = {
    teachers_diagnosed = { value = 50, numerator = 1, denominator = 2, status = "met",
                           s1 = 50, d1 = "not_applicable" },  -- a kindergarten has no teachers
  },
}

test "the final year asks for 66,6%" {
  period = 2024,
  data = {
    organizations = { school, kindergarten },
    staff = staff,
    activities = { { staff_id = "t1", kind = "diagnostic", date = "24.04.2024" } },
  },
  expect = { teachers_diagnosed = { value = 50, status = "not_met" } },
}

test "in 2024 everyone diagnosed since 2021 counts: 2 of 2, though only 1 in 2024" {
  period = 2024,
  data = {
    organizations = { school, kindergarten },
    staff = staff,
    activities = {
      { staff_id = "t1", kind = "diagnostic", date = "2022-03-01" },
      { staff_id = "t2", kind = "diagnostic", date = "2024-03-01" },
    },
  },
  expect = { teachers_diagnosed = { value = 100, numerator = 2, denominator = 2, status = "met" } },
}

test "a year without any recorded activity has no data, not 0%" {
  period = 2023,
  data = {
    organizations = { school, kindergarten },
    staff = staff,
    activities = { { staff_id = "t1", kind = "diagnostic", date = "2022-03-01" } },
  },
  expect = { teachers_diagnosed = "no_data" },
}

test "the rating ranks schools only, and recommendations go where the target is not met" {
  period = 2023,
  data = {
    organizations = { school, kindergarten, { id = "s2", name = "МОУ СОШ № 2", kind = "school" } },
    staff = {
      staff[1], staff[2], staff[3], staff[4],
      { id = "t3", organization_id = "s2", position = "teacher", birth_year = 1975, career_start_year = 1998 },
    },
    activities = { { staff_id = "t1", kind = "diagnostic", date = "2023-03-01" } },
  },
  expect = { teachers_diagnosed = { s1 = 50, s2 = 0, d1 = "not_applicable" } },
  -- achievement against the yearly step of 33,3%: s1 50% → 100, s2 0% → 0
  ratings = { schools = { s1 = { rank = 1, score = 100, covered = 1 }, s2 = { rank = 2, score = 0 }, d1 = "absent" } },
  recommendations = {
    { indicator = "teachers_diagnosed", organization = "s2", addressee = "organization", contains = "0% при цели 33,3%" },
    { indicator = "teachers_diagnosed", organization = "s1", absent = true },
    { organization = "d1", absent = true },
    { addressee = "methodical_service", municipality = true, absent = true },  -- the total, 1 of 3, meets 33,3%
  },
}
