-- Counted by hand: a school with two teachers and a head, a kindergarten with an educator.
local organizations = {
  { id = "s1", name = "МОУ СОШ № 1", kind = "school", municipality = "belorechensk" },
  { id = "d1", name = "МДОУ Детский сад № 1", kind = "preschool", municipality = "belorechensk" },
}
local staff = {
  { id = "t1", organization_id = "s1", position = "teacher", birth_year = 1998, career_start_year = 2022 },
  { id = "t2", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
  { id = "h1", organization_id = "s1", position = "head", birth_year = 1970, career_start_year = 1995 },
  { id = "e1", organization_id = "d1", position = "educator", birth_year = 1985, career_start_year = 2008 },
}

test "presence of documents and counts of workers" {
  period = 2023,
  data = {
    organizations = organizations,
    staff = staff,
    activities = {
      { staff_id = "t1", kind = "competition", date = "2023-04-01" },
      { staff_id = "t2", kind = "publication", date = "2023-05-01" },
      { staff_id = "t2", kind = "course", date = "2023-06-01" },
      { staff_id = "h1", kind = "course", date = "2023-06-01" },      -- a head is not a pedagogical worker
      { staff_id = "e1", kind = "retraining", date = "2023-02-01" },  -- an educator is
      { staff_id = "e1", kind = "individual_route", date = "2022-11-01" },
      { staff_id = "e1", kind = "diagnostic", date = "2022-10-01" },
      { staff_id = "t2", kind = "individual_route", date = "2023-01-15" },
    },
    documents = {
      { id = "d1", kind = "programme", date = "2022-09-01", municipality = "belorechensk",
        title = "Муниципальная программа поддержки молодых педагогов/наставничества" },
    },
  },
  expect = {
    -- a municipal document: judged in total only, no row per organization
    young_teachers_programme = { value = 1, status = "met", s1 = "absent", d1 = "absent" },
    inclusive_programme = { value = 0, status = "not_met" },
    publications = { value = 1, s1 = 1, d1 = 0 },
    trained = { value = 2, s1 = 1, d1 = 1 },
    -- of the two with an IOM in 2022-2023 (t2, e1), e1 was diagnosed: 1 of 2
    diagnosed_with_routes = { value = 50, numerator = 1, denominator = 2, status = "no_target", d1 = 100 },
    -- e1 took retraining in the year of an IOM
    trained_by_deficits = { value = 2, d1 = 1 },
    -- no young teacher in the kindergarten: the share does not apply there (not "no data")
    young_in_competitions = { value = 100, numerator = 1, denominator = 1, d1 = "not_applicable" },
  },
  recommendations = {
    { indicator = "inclusive_programme", addressee = "municipality", municipality = true,
      contains = "Разработать и утвердить документ" },
    { indicator = "young_teachers_programme", absent = true },
  },
}

-- Direction 3 with events and registries, counted by hand:
--   y1 (born 1999, from 01.09.2022) and y2 (born 1997, from 01.09.2021) young
--   teachers; t2 an experienced teacher; h1 the head.
--   The municipal stage of a competition (14.02.2023): y1 took part, h1 and
--   t2 in the jury; a seminar (20.03.2023) and an August conference
--   (28.08.2023): t2 spoke, y2 listened; t2 is in the registry of experts
--   from 2022.
test "competitions, methodical events and expert work from events and registries" {
  period = 2023,
  data = {
    organizations = { { id = "s1", name = "МОУ СОШ № 1", kind = "school", municipality = "belorechensk" } },
    staff = {
      { id = "y1", organization_id = "s1", position = "teacher", birth_year = 1999, career_start_year = 2022,
        hire_date = "01.09.2022" },
      { id = "y2", organization_id = "s1", position = "teacher", birth_year = 1997, career_start_year = 2021,
        hire_date = "01.09.2021" },
      { id = "t2", organization_id = "s1", position = "teacher", birth_year = 1980, career_start_year = 2003 },
      { id = "h1", organization_id = "s1", position = "head", birth_year = 1970, career_start_year = 1993 },
    },
    events = {
      { id = "c", kind = "competition", title = "Педагогический дебют — 2023", municipality = "belorechensk",
        start_date = "01.02.2023", end_date = "30.03.2023" },
      { id = "c-m", title = "Муниципальный этап", parent_id = "c", level = "municipal", municipality = "belorechensk",
        start_date = "14.02.2023" },
      { id = "sem", kind = "семинар", title = "Семинар «Функциональная грамотность»", municipality = "belorechensk",
        start_date = "20.03.2023" },
      { id = "conf", kind = "Конференция", title = "Августовская педагогическая конференция", municipality = "belorechensk",
        start_date = "28.08.2023" },
    },
    participation = {
      { event_id = "c-m", staff_id = "y1" },
      { event_id = "c-m", staff_id = "h1", role = "jury" },
      { event_id = "c-m", staff_id = "t2", role = "jury" },
      { event_id = "conf", staff_id = "t2", role = "speaker" },
      { event_id = "conf", staff_id = "y2", role = "listener" },
      { event_id = "sem", staff_id = "y2", role = "listener" },
    },
    registries = { { registry = "expert", staff_id = "t2", from_date = "01.09.2022" } },
  },
  expect = {
    -- young: y1 (24 years, 1 of experience) and y2 (26, 2); y1 took part in the competition
    young_in_competitions = { value = 50, numerator = 1, denominator = 2 },
    -- the seminar and the conference; the competition is no methodical event
    methodical_events = 2,
    -- pedagogues (not the head) at the seminar or conference: t2 and y2
    methodical_event_participants = 2,
    -- pedagogues in the jury or the registry of experts: t2 (the head does not count as a pedagogue)
    experts = 1,
  },
}
