-- Criteria 6, 7 and 9 on a history counted by hand: who is a young teacher,
-- who is supported and who is in a mentoring programme on 31 December of
-- each year, as the employment history and the registries say.
--   y1 teacher hired 15.03.2023 (born 1999); y2 teacher from 01.09.2021
--   (born 1996); y3 psychologist from 01.09.2022 (born 1997); k1 teacher and
--   педагог-методист; h1 head; d1 deputy (born 1990).
--   k1 is a mentor from 01.09.2021; y2 k1's mentee from 01.09.2021 to
--   31.08.2023; d1 h1's mentee from 10.01.2023; y1 listens at the school
--   of young teachers (15.09.2023).
local data = {
  organizations = { { id = "s1", name = "МОУ СОШ № 1", kind = "school" } },
  staff = {
    { id = "y1", organization_id = "s1", position = "teacher", birth_year = 1999, career_start_year = 2023,
      hire_date = "15.03.2023" },
    { id = "y2", organization_id = "s1", position = "teacher", birth_year = 1996, career_start_year = 2021,
      hire_date = "01.09.2021" },
    { id = "y3", organization_id = "s1", position = "Педагог-психолог", birth_year = 1997, career_start_year = 2022,
      hire_date = "01.09.2022" },
    { id = "k1", organization_id = "s1", position = "teacher", birth_year = 1975, career_start_year = 1998,
      qualification_category = "pedagogue_methodist" },
    { id = "h1", organization_id = "s1", position = "Директор", birth_year = 1968, career_start_year = 1990 },
    { id = "d1", organization_id = "s1", position = "Заместитель директора по УВР", birth_year = 1990,
      career_start_year = 2012 },
  },
  events = {
    { id = "smp2023", kind = "Школа молодого педагога", title = "Школа молодого педагога 2023/2024", level = "municipal",
      start_date = "15.09.2023", end_date = "30.05.2024" },
  },
  participation = { { event_id = "smp2023", staff_id = "y1", role = "listener" } },
  registries = {
    { registry = "mentor", staff_id = "k1", from_date = "01.09.2021" },
    { registry = "mentee", staff_id = "y2", partner_id = "k1", from_date = "01.09.2021", to_date = "31.08.2023" },
    { registry = "mentee", staff_id = "d1", partner_id = "h1", from_date = "10.01.2023" },
  },
}

test "2022: the teacher hired in March 2023 is not counted; the mentee is supported" {
  period = 2022,
  data = data,
  expect = {
    -- young (under 35, in the first 3 years): y2 (26, 1 year) and y3 (25, 0); y2 is a mentee
    young_supported = { value = 50, numerator = 1, denominator = 2 },
    -- teachers and heads: y2, k1, h1, d1; the mentor k1 and the mentee y2
    mentoring_participants = { value = 50, numerator = 2, denominator = 4 },
    -- teachers y2 and k1; y2's mentor is a педагог-методист
    mentored_by_methodists = { value = 50, numerator = 1, denominator = 2 },
    heads_mentored = { value = 0, numerator = 0, denominator = 2 },
  },
}

test "2023: the March hire is a young teacher, supported by the school of young teachers" {
  period = 2023,
  data = data,
  expect = {
    -- young: y1 (24, 0 years), y2 (27, 2), y3 (26, 1); y1 at the school; y2's mentoring ended on 31.08
    young_supported = { value = 33.33, numerator = 1, denominator = 3 },
    -- teachers and heads: y1, y2, k1, h1, d1; the mentor k1 and the mentee d1
    mentoring_participants = { value = 40, numerator = 2, denominator = 5 },
    mentored_by_methodists = { value = 0, numerator = 0, denominator = 3 },
    -- d1 is mentored by h1, a head on 31.12.2023
    heads_mentored = { value = 50, numerator = 1, denominator = 2 },
  },
}

test "2024: young staff grew against 2021 as the staff changed" {
  period = 2024,
  data = data,
  expect = {
    -- 2021: y2 and d1 under 35 of y2, k1, h1, d1 (50%); 2024: y1, y2 and d1 (34) of five (60%):
    -- (60 - 50) / 50 = 20% of growth, at least the 10% the target asks
    young_staff = { value = 60, numerator = 3, denominator = 5, status = "met" },
  },
}
