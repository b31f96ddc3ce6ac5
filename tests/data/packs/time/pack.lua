-- Workers and activities counted by the employment history: who works
-- where on the reporting date (31 December by default), and where each
-- activity happened. Its tests hold the figures counted by hand.
pack { id = "time", title = "Кадры во времени", period = { 2021, 2024 } }
