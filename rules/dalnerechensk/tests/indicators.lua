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
