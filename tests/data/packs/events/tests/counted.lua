-- The fixture, counted by hand:
--   s1, s2 schools; t1 (s1, born 1998, teaching from 01.09.2021), t2 (s1),
--   m1 (s1, педагог-наставник), t3 (s1 from 2010, s2 from 01.03.2023), h1 (s2, head).
--   «Учитель года — 2023» (15.01-30.04.2023) with two stages: municipal
--   (10.02.2023) and regional (20.04.2023); a school of young teachers at s1
--   (15.09.2023-30.05.2024).
--   Municipal stage: t1 winner, t2 took part, t3 laureate (still at s1 on
--   10.02), s2's own entry winner. Regional stage: t1 prize, h1 jury.
--   t1 listens at the school of young teachers (15.09.2023).
--   Registries: m1 mentor from 01.09.2022; t1 mentee of m1 from 01.09.2022
--   to 30.06.2023; t2 reserve from 10.01.2023; h1 expert of РСЭС from
--   01.03.2021 to 31.05.2023; t3 tutor from 01.10.2023.
local data = {
  organizations = { { id = "s1", name = "МОУ СОШ № 1", kind = "school" },
                    { id = "s2", name = "МОУ СОШ № 2", kind = "school" } },
  staff = {
    { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1998, career_start_year = 2021,
      hire_date = "01.09.2021" },
    { id = "t2", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
    { id = "m1", organization_id = "s1", position = "teacher", birth_year = 1970, career_start_year = 1993,
      qualification_category = "Педагог-наставник" },
    { id = "t3", organization_id = "s1", position = "teacher", birth_year = 1985, career_start_year = 2008,
      hire_date = "2010-09-01" },
    { id = "t3", organization_id = "s2", position = "teacher", birth_year = 1985, career_start_year = 2008,
      hire_date = "2023-03-01" },
    { id = "h1", organization_id = "s2", position = "head", birth_year = 1968, career_start_year = 1990 },
  },
  events = {
    { id = "ug2023", kind = "Конкурс", title = "Учитель года — 2023", start_date = "15.01.2023", end_date = "30.04.2023" },
    { id = "ug2023-m", title = "Муниципальный этап", parent_id = "ug2023", level = "муниципальный", start_date = "10.02.2023" },
    { id = "ug2023-r", title = "Региональный этап", parent_id = "ug2023", level = "региональный", start_date = "20.04.2023" },
    { id = "smp", kind = "Школа молодого педагога", title = "Школа молодого педагога", level = "municipal",
      organization_id = "s1", start_date = "15.09.2023", end_date = "30.05.2024" },
  },
  participation = {
    { event_id = "ug2023-m", staff_id = "t1", result = "Победитель" },
    { event_id = "ug2023-r", staff_id = "t1", result = "призёр" },
    { event_id = "ug2023-m", staff_id = "t2", result = "участник" },
    { event_id = "ug2023-m", staff_id = "t3", result = "лауреат" },
    { event_id = "ug2023-m", organization_id = "s2", result = "winner", nomination = "Команда" },
    { event_id = "ug2023-r", staff_id = "h1", role = "жюри" },
    { event_id = "smp", staff_id = "t1", role = "слушатель" },
  },
  registries = {
    { registry = "наставник", staff_id = "m1", from_date = "01.09.2022" },
    { registry = "mentee", staff_id = "t1", partner_id = "m1", from_date = "01.09.2022", to_date = "30.06.2023" },
    { registry = "Кадровый резерв", staff_id = "t2", from_date = "10.01.2023" },
    { registry = "expert", title = "РСЭС", staff_id = "h1", from_date = "01.03.2021", to_date = "31.05.2023" },
    { registry = "tutor", staff_id = "t3", from_date = "01.10.2023" },
  },
}

test "2023: a competition with two stages, its winners and entries" {
  period = 2023,
  data = data,
  expect = {
    competitions = 1,
    competition_stages = 2,
    -- the competition, its two stages and the school: all held in 2023
    held = { value = 4, s1 = 1, s2 = 0 },
    schools = { value = 1, s1 = 1 },
    -- t1, t2, t3 took part (h1 judged, s2's entry is an organization's): where they are on 31.12
    competition_participants = { value = 3, s1 = 2, s2 = 1 },
    municipal_winners = { value = 1, s1 = 1 },
    regional_prizes = { value = 1, s1 = 1 },
    -- t3 won the laureate on 10.02, at s1, before moving to s2
    laureate_organizations = { value = 1, s1 = 1, s2 = 0 },
    -- t1 for s1, and s2's own entry
    winning_organizations = { value = 2, s1 = 1, s2 = 1 },
    -- six entries: s1 has t1 twice, t2 and t3 (then at s1); s2 its own and h1's
    entries = { value = 6, s1 = 4, s2 = 2 },
    jury = { value = 1, s2 = 1 },
    -- t1: 2023 - 1998 = 25 years, 2023 - 2021 = 2 years of experience
    young_in_school = { value = 1, s1 = 1 },
  },
}

test "2023: registries on 31 December, and their changes in the year" {
  period = 2023,
  data = data,
  expect = {
    mentors = { value = 1, s1 = 1 },
    mentees = 0,
    mentees_removed = 1,
    reserve = { value = 1, s1 = 1 },
    reserve_added = 1,
    experts = 0,
    tutors = { value = 1, s2 = 1 },
    mentored = { value = 0, numerator = 0, denominator = 4 },
    -- t1 is no mentee any more, but listens at the school of young teachers
    supported = { value = 1, s1 = 1 },
  },
}

test "2022: the mentee and the expert are in their registries; no competition yet" {
  period = 2022,
  data = data,
  expect = {
    mentees = { value = 1, s1 = 1 },
    experts = 1,
    -- teachers on 31.12.2022: t1, t2, m1, t3, all at s1; t1 is mentored by m1
    mentored = { value = 25, numerator = 1, denominator = 4, s1 = 25 },
    -- t1 is a mentee; the store has no participation in 2022, but one way of support is enough
    supported = 1,
    reserve = 0,
    -- no event of 2022 in the store: not a 0 but no data
    competitions = "no_data",
  },
}
