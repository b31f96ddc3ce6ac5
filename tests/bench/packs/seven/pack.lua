-- The seven indicators the benchmark compares, alone: the same definitions
-- as in rules/chelyabinsk (and the growth of packs/bench), so pdmon's time
-- for exactly the figures the baselines compute can be measured.
pack {
  id = "seven",
  title = "Семь показателей разной формы (бенчмарк)",
  period = { 2021, 2024 },
}
