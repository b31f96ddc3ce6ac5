-- Copied from rules/chelyabinsk/common.lua and indicators.lua (values, level and
-- applies_to; targets and readings left out); keep in step.
local teachers = staff { position = "teacher" }
local heads = staff { position = { "head", "deputy" } }
local teachers_and_heads = staff { position = { "teacher", "head", "deputy" } }
local diagnosed = teachers_and_heads:having(activity { kind = "diagnostic", since = 2021 })

criterion "seven" {
  title = "Семь форм показателей",

  indicator "teachers_diagnosed" {  -- a share with an activity in the year
    title = "Доля педагогов, прошедших оценочную процедуру",
    value = share(teachers:having(activity { kind = "diagnostic" }), teachers),
  },
  indicator "tutors" {  -- a count
    title = "Количество педагогов и руководителей, привлекаемых к работе тьютора",
    value = count(diagnosed:having { activity { kind = "tutoring" }, registry "tutor" }),
    unit = "человек",
    level = "municipality",
  },
  indicator "young_staff" {  -- an age-based share
    title = "Доля педагогов/руководителей в возрасте до 35 лет",
    value = share(staff { position = { "teacher", "head", "deputy" }, age = below(35) }, teachers_and_heads),
    breakdown = "position",
  },
  indicator "heads_mentored" {  -- a mentoring partner join
    title = "Доля руководителей, сопровождаемых руководителями-наставниками",
    value = share(heads:having { activity { kind = "mentoring", role = "mentee", partner = heads },
                                 registry { registry = "mentee", partner = heads } },
                  heads),
    level = "municipality",
  },
  indicator "schools_on_platform" {  -- a share of organizations
    title = "Доля общеобразовательных организаций, использующих платформу",
    value = share(organizations { kind = "school" }:having(activity { kind = "platform_use" }),
                  organizations { kind = "school" }),
    applies_to = { "school" },
  },
  indicator "association_programmes" {  -- a document presence
    title = "Наличие программ поддержки методических объединений",
    value = count(documents { kind = "programme", title = contains("методических объединений") }),
    unit = "ед.",
    level = "municipality",
  },
  indicator "diagnosed_growth" {  -- a growth
    title = "Рост доли педагогов, прошедших оценочную процедуру, к предыдущему году",
    value = growth(share(teachers:having(activity { kind = "diagnostic" }), teachers)),
  },
}
