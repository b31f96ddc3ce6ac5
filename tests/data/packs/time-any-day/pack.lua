-- The same indicators counting every worker employed on any day of the year.
pack { id = "time-any-day", title = "Кадры за год", extends = "time", as_of = "любой день года" }
