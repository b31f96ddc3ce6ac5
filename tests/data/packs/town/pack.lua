-- A municipality adapts the region's targets without touching its files.
pack { id = "town", title = "Муниципалитет", extends = "region" }

targets { teachers_diagnosed = "Ежегодно - 70%" }
