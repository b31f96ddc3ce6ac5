-- Growth of the share of diagnosed teachers against the previous year, in
-- percent of the previous year's share: the shape of "положительная динамика".
criterion "bench_growth" {
  title = "Динамика (бенчмарк)",

  indicator "diagnosed_growth" {
    title = "Рост доли педагогов, прошедших оценочную процедуру, к предыдущему году",
    value = growth(share(teachers:having(activity { kind = "diagnostic" }), teachers)),
  },
}
