-- One history, counted by hand for 2022 and 2023 (reporting date 31.12):
--   k1  teacher at s1 since the start of the career (2000), no dates;
--   n1  teacher at s1, hired 15.03.2023, born 1999, career from 2023;
--   m1  teacher at s1 from 01.09.2010, moved to s2 on 01.06.2023;
--   l1  teacher at s2 since 2005, left 15.10.2023.
-- Courses in 2023: m1 10.02 at s1 (72 h) and 05.10 at s2 (36 h); l1 01.03
-- at s2 (36 h); n1 20.01, before the hire (24 h, no organization's), and
-- 20.05 at s1 (24 h).
local data = {
  organizations = { { id = "s1", name = "МОУ СОШ № 1", kind = "school" },
                    { id = "s2", name = "МОУ СОШ № 2", kind = "school" } },
  staff = {
    { id = "k1", organization_id = "s1", position = "teacher", birth_year = 1975, career_start_year = 2000 },
    { id = "n1", organization_id = "s1", position = "teacher", birth_year = 1999, career_start_year = 2023,
      hire_date = "15.03.2023" },
    { id = "m1", organization_id = "s1", position = "teacher", birth_year = 1985, career_start_year = 2008,
      hire_date = "2010-09-01" },
    { id = "m1", organization_id = "s2", position = "teacher", birth_year = 1985, career_start_year = 2008,
      hire_date = "2023-06-01" },
    { id = "l1", organization_id = "s2", position = "teacher", birth_year = 1970, career_start_year = 2005,
      leave_date = "2023-10-15" },
  },
  activities = {
    { staff_id = "m1", kind = "course", date = "2023-02-10", hours = 72, title = "ФГОС" },
    { staff_id = "m1", kind = "course", date = "2023-10-05", hours = 36, title = "Цифровая школа" },
    { staff_id = "l1", kind = "course", date = "2023-03-01", hours = 36, title = "ФГОС" },
    { staff_id = "n1", kind = "course", date = "2023-01-20", hours = 24, title = "Перед приёмом" },
    { staff_id = "n1", kind = "course", date = "2023-05-20", hours = 24, title = "Наставничество" },
  },
}

test "2022: the worker hired in March 2023 is not counted yet" {
  period = 2022,
  data = data,
  expect = {
    -- k1 and m1 at s1, l1 at s2; n1 not yet
    teachers = { value = 3, s1 = 2, s2 = 1 },
    young_teachers = { value = 0, s1 = 0 },
  },
}

test "2023: hired, moved and left workers where the 31 December finds them" {
  period = 2023,
  data = data,
  expect = {
    -- k1 and n1 at s1, m1 at s2; l1 left on 15.10.2023
    teachers = { value = 3, s1 = 2, s2 = 1 },
    -- n1: 2023 - 1999 = 24 years old, 2023 - 2023 = 0 years of experience
    young_teachers = { value = 1, s1 = 1, s2 = 0 },
    -- n1 at s1, m1 at s2 (a course in the year, wherever it was)
    trained_teachers = { value = 2, s1 = 1, s2 = 1 },
    -- each course where its worker was on its day: m1's February course at s1,
    -- his October one at s2; n1's January course before the hire counts nowhere
    courses = { value = 4, s1 = 2, s2 = 2 },
    course_hours = { value = 168, s1 = 96, s2 = 72 },
    schools_with_courses = { value = 2, s1 = 1, s2 = 1 },
  },
}

test "2024: the leaver of 2023 does not come back" {
  period = 2024,
  data = data,
  expect = { teachers = { value = 3, s1 = 2, s2 = 1 } },
}
