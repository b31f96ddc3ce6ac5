test "the three indicators of the roadmap" {
  period = 2023,
  data = {
    organizations = { { id = "s1", name = "МБОУ СОШ № 1", kind = "school", municipality = "dalnerechensk" },
                      { id = "d1", name = "МДОБУ № 1", kind = "preschool", municipality = "dalnerechensk" } },
    staff = {
      { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
      { id = "t2", organization_id = "s1", position = "teacher", birth_year = 1985, career_start_year = 2008 },
      { id = "e1", organization_id = "d1", position = "educator", birth_year = 1985, career_start_year = 2008 },
    },
    activities = {
      { staff_id = "t1", kind = "diagnostic", date = "2023-03-01", score = 75, deficits = "методические" },
      { staff_id = "e1", kind = "diagnostic", date = "2023-03-01", score = 40 },  -- a low score, no deficit recorded
      { staff_id = "t2", kind = "attestation", date = "2023-11-01" },
      { staff_id = "t2", kind = "individual_route", date = "2022-11-01" },
      { staff_id = "t2", kind = "course", date = "2023-02-01", provider = "ПК ИРО" },
    },
  },
  expect = {
    -- schools' pedagogical workers only; the kindergarten is not applicable, not 100%
    diagnosed = { value = 50, numerator = 1, denominator = 2, status = "no_target", d1 = "not_applicable", s1 = 50 },
    personalised_training = 1,
    attested = { value = 50, d1 = "not_applicable" },
    dpo_providers = { value = 1, s1 = "absent" },
    -- deficits as the diagnostic records them; no score threshold is read into the document
    deficits_found = { value = 1, s1 = 1, d1 = 0 },
  },
}

-- «Школа молодого педагога» / наставничество, counted by hand: y1 (from
-- 01.09.2023) listens at the school; y2 (from 01.09.2022) is y0's mentee
-- until 31.05.2023, so not on 31 December; y3 (from 2021) neither; t1 is
-- no young teacher.
test "methodical help to young teachers: the school of young teachers and mentoring" {
  period = 2023,
  data = {
    organizations = { { id = "s1", name = "МБОУ СОШ № 1", kind = "МБОУ", municipality = "dalnerechensk" } },
    staff = {
      { id = "y1", organization_id = "s1", position = "teacher", birth_year = 2000, career_start_year = 2023, hire_date = "01.09.2023" },
      { id = "y2", organization_id = "s1", position = "teacher", birth_year = 1998, career_start_year = 2022, hire_date = "01.09.2022" },
      { id = "y3", organization_id = "s1", position = "teacher", birth_year = 1997, career_start_year = 2021, hire_date = "01.09.2021" },
      { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1975, career_start_year = 1998 },
    },
    events = { { id = "smp", kind = "Школа молодого педагога", title = "Школа молодого педагога", municipality = "dalnerechensk",
                 start_date = "20.09.2023", end_date = "25.05.2024" } },
    participation = { { event_id = "smp", staff_id = "y1", role = "listener" } },
    registries = { { registry = "mentee", staff_id = "y2", partner_id = "t1", from_date = "01.09.2022", to_date = "31.05.2023" } },
  },
  expect = {
    -- young on 31.12.2023: y1 (0 years), y2 (1), y3 (2); supported: y1
    young_support = { value = 33.33, numerator = 1, denominator = 3 },
  },
}
