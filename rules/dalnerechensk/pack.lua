-- Дальнереченский городской округ (seed 000): Дорожная карта по развитию
-- муниципальной системы обеспечения профессионального развития педагогических
-- работников. Its cycle table (1 Цель ... 10 Ожидаемый результат) gives the goal, the
-- three indicators, the three methods of collecting information (the indicators'
-- sources), the six areas of monitoring and the expected result; the document states no
-- tasks and no target values. Its «Меры, мероприятия» (row 7) and its «План
-- мероприятий» are the roadmap (examples/dalnerechensk/measures.csv).
pack {
  id = "dalnerechensk",
  title = "Дорожная карта по развитию муниципальной системы обеспечения профессионального развития педагогических работников в образовательных организациях Дальнереченского городского округа на 2022-2025 годы",
  municipality = "dalnerechensk",
  municipality_name = "Дальнереченский городской округ",
  period = { 2022, 2025 },
  goals = { "Формирование муниципальной системы обеспечения профессионального развития педагогических работников ОО в ДГО" },
  methods = {
    "База результатов АИС «Сетевой город. Образование»",
    "Данные ПК ИРО по результатам регионального этапа олимпиады",
    "Данные ПК ИРО по результатам оценочных процедур",
  },
}
