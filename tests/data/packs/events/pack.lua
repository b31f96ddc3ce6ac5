-- Events with stages, participation (of workers and of organizations) and
-- registries, on a fixture whose figures are counted by hand in its tests.
pack { id = "events", title = "Конкурсы, школы и реестры", period = { 2021, 2024 } }
