-- The benchmark's full pack: the region's whole pack (rules/chelyabinsk,
-- copied beside this folder by tests/bench/run.sh) and one indicator of the
-- growth shape, which the region's pack expresses only as targets.
pack {
  id = "bench",
  title = "Полный пакет Челябинской области и показатель роста (бенчмарк)",
  extends = "chelyabinsk",
  period = { 2021, 2024 },
}
