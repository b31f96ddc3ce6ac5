-- The history of tests/data/packs/time/tests/history.lua, counted on 1 September.
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
}

test "on 01.09.2023 the leaver of October is still there" {
  period = 2023,
  data = data,
  expect = {
    -- k1 and n1 at s1; m1 (moved in June) and l1 (leaves in October) at s2
    teachers = { value = 4, s1 = 2, s2 = 2 },
    young_teachers = { value = 1, s1 = 1 },
  },
}
