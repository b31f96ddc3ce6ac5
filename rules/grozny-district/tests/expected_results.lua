-- Counted by hand: the methodical service has two methodists, one trained in 2022; a
-- school teacher trained in 2021 is not staff of ДПО or of the methodical service.
local organizations = {
  { id = "s1", name = "МБОУ СОШ № 1", kind = "school", municipality = "grozny-district" },
  { id = "m1", name = "МКУ «Методический центр»", kind = "methodical", municipality = "grozny-district" },
}
local staff = {
  { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
  { id = "mm1", organization_id = "m1", position = "methodist", birth_year = 1980, career_start_year = 2003 },
  { id = "mm2", organization_id = "m1", position = "methodist", birth_year = 1982, career_start_year = 2005 },
}
local activities = {
  { staff_id = "t1", kind = "course", date = "2021-05-01" },
  { staff_id = "mm1", kind = "course", date = "2022-03-01" },
}
local documents = {
  { id = "o1", kind = "order", date = "2021-08-22", municipality = "grozny-district", title = "Об утверждении дорожной карты" },
  { id = "r1", kind = "analytical_report", date = "2023-01-10", municipality = "grozny-district",
    title = "Аналитический отчет о реализации РСУР" },
}

test "2022: results due later are in progress, results due by then are judged" {
  period = 2022,
  data = { organizations = organizations, staff = staff, activities = activities, documents = documents },
  expect = {
    -- 1 of 2 methodists: 50%; "(2021- 2024 годы)": in progress, on the path from 0% in 2021 (16,67% in 2022)
    dpo_staff_trained = { value = 50, numerator = 1, denominator = 2, status = "in_progress", progress = "on_track",
                          path_value = 16.67, m1 = "absent" },
    -- the same result due "по 01.01.2023г." is judged in 2022
    dpo_staff_trained_2022 = { value = 50, status = "met" },
    -- "до 15.01.2023": the report dated 10.01.2023 is not there yet, and not yet due
    rsur_report = { value = 0, status = "in_progress", progress = "none" },
    -- "по 30.12.2021 г.": due, and no regulation in the store
    legal_base = { value = 0, status = "not_met" },
  },
  recommendations = {
    { indicator = "legal_base", addressee = "municipality", contains = "срок по дорожной карте истёк" },
    { indicator = "rsur_report", absent = true },
  },
}

test "2023: the report due by 15.01.2023 is there" {
  period = 2023,
  data = { organizations = organizations, staff = staff, activities = activities, documents = documents },
  expect = {
    rsur_report = { value = 1, status = "met" },
    dpo_staff_trained = { status = "in_progress" },
  },
}
