local teachers = staff { position = "teacher" }
local young = staff { position = "teacher", age = below(35), experience = below(3) }
local schools = organizations { kind = "school" }

criterion "compare" {
  title = "Сверка",
  indicator "diagnosed" {
    title = "Доля педагогов, прошедших диагностику",
    value = share(teachers:having(activity { kind = "diagnostic" }), teachers),
    breakdown = { "kind", "position" },
    target = { default = "Ежегодно - 40%", preschool = "Ежегодно - 10%", o1_2 = at_least(99) },
  },
  indicator "young_supported" {
    title = "Доля молодых педагогов в первые 3 года работы, участвующих в наставничестве",
    value = share(young:having(activity { kind = { "mentoring", "tutoring" }, within = 3 }), young),
  },
  indicator "not_trained" {
    title = "Педагоги без курсов с 2021 года",
    value = count(teachers:without(activity { kind = "course", since = 2021 })),
  },
  indicator "per_school" { title = "Педагогов на одну школу", value = ratio(teachers, schools) },
  indicator "course_hours" { title = "Часы курсов", value = sum(activity { kind = "course" }, "hours") },
  indicator "avg_score" {
    title = "Средний балл диагностики педагогов",
    value = avg(activity { kind = "diagnostic", by = teachers }, "score"),
  },
  indicator "trained_people" { title = "Обученные педагоги", value = distinct(activity { kind = "course" }, "staff_id") },
  indicator "schools_on_platform" {
    title = "Доля школ, использующих платформу",
    value = share(schools:having(activity { kind = "platform_use" }), schools),
  },
  indicator "associations" {
    title = "Количество методических объединений",
    value = count(communities { kind = "methodical_association" }),
    target = "К 2024 году - положительная динамика не менее 10%",
  },
  indicator "has_programme" {
    title = "Наличие муниципальной программы поддержки молодых педагогов",
    value = exists(documents { kind = "programme" }),
    target = "Наличие муниципальной Программы поддержки молодых педагогов/наставничества",
  },
  indicator "courses_by_function" {
    title = "Курсы повышения квалификации (функция)",
    value = function(ctx)
      local rows = ctx.sql("SELECT COUNT(*) AS n FROM activity WHERE kind = 'course' AND date BETWEEN '"
        .. ctx.period .. "-01-01' AND '" .. ctx.period .. "-12-31'")
      return rows[1].n
    end,
  },
  indicator "writes_by_function" {
    title = "Попытка записи (должна быть отклонена)",
    value = function(ctx) local rows = ctx.sql("DELETE FROM main.activity") return #rows end,
  },
  indicator "diagnosed_growth" {
    title = "Рост доли продиагностированных педагогов",
    value = growth(share(teachers:having(activity { kind = "diagnostic" }), teachers)),
  },
  indicator "mentored_by_methodists" {
    title = "Доля педагогов, сопровождаемых педагогами-методистами",
    value = share(teachers:having(activity { kind = "mentoring", any_time = true,
                                             partner = staff { position = "methodist" } }), teachers),
  },
  indicator "diagnosed_since_programme" {
    title = "Доля педагогов, прошедших диагностику с начала программы",
    value = share(teachers:having(activity { kind = "diagnostic" }), teachers),
    target = "К 2024 году - не менее 66,6% (из расчета - 100% за 3 года, начиная с 2021 г.; не менее 33,3% ежегодно)",
  },
  indicator "associations_in_total" {
    title = "Количество методических объединений в муниципалитете",
    value = count(communities { kind = "methodical_association" }),
    level = "municipality",
  },
  indicator "schools_diagnosed" {
    title = "Доля педагогов общеобразовательных организаций, прошедших диагностику",
    value = share(teachers:having(activity { kind = "diagnostic" }), teachers),
    applies_to = { "school" },
    target = "Ежегодно - 40%",
  },
  indicator "quality_courses" {
    title = "Курсы по управлению качеством",
    value = count(activity { kind = "course", title = contains("качеств") }),
  },
  indicator "caseless_courses" {
    title = "Курсы по качеству или цифровым технологиям (регистр не важен)",
    value = count(activity { kind = "course", title = contains("КАЧЕСТВ", "цифров") }),
  },
  indicator "pattern_courses" {
    title = "Курсы, название которых начинается с «Управление качеством»",
    value = count(activity { kind = "course", title = matches("^управление\\s+КАЧЕСТВОМ") }),
  },
}
