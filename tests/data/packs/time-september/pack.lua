-- The same indicators counted on 1 September (the school year's start).
pack { id = "time-september", title = "Кадры на 1 сентября", extends = "time", as_of = "01.09" }
