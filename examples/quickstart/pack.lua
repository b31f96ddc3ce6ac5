-- Quickstart: the smallest complete rule pack. One criterion of the
-- Chelyabinsk region's concept (seed 001), one indicator.
pack {
  id = "quickstart",
  title = "Быстрый старт: выявление профессиональных дефицитов",
  period = { 2021, 2024 },
}
