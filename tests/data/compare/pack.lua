-- A pack that uses every kind of set and aggregate; tests/unit/test_compile.c
-- compares its results with hand-written SQL on generated data.
pack { id = "compare", title = "Сверка с SQL", period = { 2021, 2024 }, municipality = "m1" }
