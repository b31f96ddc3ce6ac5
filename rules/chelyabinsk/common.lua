-- The categories of workers the concept speaks of, named once for all files.
-- (Globals of the pack: every file of the pack, and of a municipality's pack
-- that extends it, sees them.)

-- педагогические работники: every pedagogical position
pedagogues = staff { position = { "teacher", "educator", "senior_educator", "methodist", "psychologist",
  "speech_therapist", "defectologist", "social_pedagogue", "additional_educator", "organizer", "librarian",
  "music_director", "pe_instructor", "tutor", "counselor" } }

teachers = staff { position = "teacher" }                       -- педагоги (учителя)
heads = staff { position = { "head", "deputy" } }               -- руководители, руководящие работники
teachers_and_heads = staff { position = { "teacher", "head", "deputy" } }
workers = staff { position = { "teacher", "educator", "senior_educator", "methodist", "psychologist",
  "speech_therapist", "defectologist", "social_pedagogue", "additional_educator", "organizer", "librarian",
  "music_director", "pe_instructor", "tutor", "counselor", "head", "deputy" } }

-- прошедшие оценочную процедуру, направленную на выявление профессиональных
-- дефицитов, за период Концепции
diagnostic = activity { kind = "diagnostic", since = 2021 }
route = activity { kind = "individual_route", since = 2021 }
diagnosed = teachers_and_heads:having(diagnostic)

schools = organizations { kind = "school" }
