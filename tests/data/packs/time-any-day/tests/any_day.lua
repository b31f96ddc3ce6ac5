-- The history of tests/data/packs/time/tests/history.lua, counting whoever
-- was employed on any day of the year.
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

test "in 2023 each worker counts where they worked, once in the total" {
  period = 2023,
  data = data,
  expect = {
    -- s1: k1, n1, m1 (January to May); s2: m1 (from June), l1 (to October);
    -- the municipality: four people
    teachers = { value = 4, s1 = 3, s2 = 2 },
  },
}

test "in 2022 nobody had moved or been hired yet" {
  period = 2022,
  data = data,
  expect = { teachers = { value = 3, s1 = 2, s2 = 1 } },
}
