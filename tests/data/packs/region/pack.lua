pack { id = "region", title = "Региональная база", period = { 2021, 2024 } }
