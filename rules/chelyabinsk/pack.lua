-- Челябинская область: критерии, показатели и индикаторы результативности
-- Концепции системы обеспечения и сопровождения профессионального развития
-- педагогических и руководящих работников (приказ Минобрнауки Челябинской
-- области от 29.06.2021 № 01/1753), as seed 001 quotes them.
pack {
  id = "chelyabinsk",
  title = "Концепция системы обеспечения и сопровождения профессионального развития педагогических и руководящих работников образовательных организаций Челябинской области на 2021-2024 гг.",
  region = "chelyabinsk",
  period = { 2021, 2024 },
  -- The region's Concept itself is not among the seeds: seed 001 (Еманжелинск) quotes its
  -- criteria and indicators but not its goal, so the region's pack states none; the
  -- municipality's pack gives its own goal and tasks verbatim.
}
