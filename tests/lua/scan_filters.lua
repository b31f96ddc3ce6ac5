-- The SQL a scan of additive measures filters its rows by (evaluation.wanted_sql)
-- and the conditions of equality to texts it reads (sets.text_equality): the
-- simplified filter must hold on exactly the rows the OR of the measures'
-- conjunctions held on, so every case below states what it keeps and drops.
local sets = require "sets"
local evaluation = require "evaluation"

-- sets.text_equality: the column and the values of "col = 'v'" and "col IN (...)"
local column, values = sets.text_equality("s_e.position = 'teacher'")
same(column, "s_e.position")
same(values, { "teacher" })
column, values = sets.text_equality("s_e.position IN ('head', 'deputy')")
same(column, "s_e.position")
same(#values, 2)
same(values, { "head", "deputy" })
-- a doubled quote is the value's own, a comma and a space inside a value too
column, values = sets.text_equality(string.format("s.subject IN (%s, %s)", sets.literal("it's"), sets.literal("a', 'b")))
same(column, "s.subject")
same(#values, 2, "two values, not three")
same(values, { "it's", "a', 'b" })
-- anything else is not one
same(sets.text_equality("s.education_matches_profile = 1"), nil, "a number")
same(sets.text_equality("s_e.position NOT IN ('head')"), nil, "NOT IN")
same(sets.text_equality("s_e.position IN ('head', deputy)"), nil, "a bare word")
same(sets.text_equality("s_e.position IN ('head') OR 1"), nil, "more after the list")
same(sets.text_equality("s_e.from_date <= '2023-12-31'"), nil, "another operator")
same(sets.text_equality("max(0, 2023 - s.birth_year) < 35"), nil, "a function")
same(sets.text_equality("(s_e.position = 'a')"), nil, "in parentheses")

local D23 = "s_e.from_date <= '2023-12-31'"
local D21 = "s_e.from_date <= '2021-12-31'"
local AGE = "max(0, 2023 - s.birth_year) < 35"
local wanted = evaluation.wanted_sql

-- one conjunction is kept as it was
same(wanted({ { D23, "s_e.position = 'teacher'" } }), "((" .. D23 .. " AND s_e.position = 'teacher'))")
-- those differing only in the position are one, with the union of the values, in order
same(wanted({ { D23, "s_e.position = 'teacher'" }, { D23, "s_e.position IN ('head', 'deputy')" },
              { D23, "s_e.position IN ('teacher', 'head')" } }),
     "((" .. D23 .. " AND s_e.position IN ('teacher', 'head', 'deputy')))")
-- a conjunction holding another's conditions and values is implied by it
same(wanted({ { D23, "s_e.position IN ('teacher', 'head')" }, { D23, AGE, "s_e.position = 'teacher'" },
              { D21, "s_e.position = 'head'" } }),
     "((" .. D23 .. " AND s_e.position IN ('teacher', 'head')) OR (" .. D21 .. " AND s_e.position = 'head'))")
-- ... but not one with a value the other does not admit, nor one of fewer conditions
same(wanted({ { D23, "s_e.position = 'teacher'" }, { D23, AGE, "s_e.position IN ('teacher', 'head')" } }),
     "((" .. D23 .. " AND s_e.position = 'teacher') OR (" .. D23 .. " AND " .. AGE
       .. " AND s_e.position IN ('teacher', 'head')))")
same(wanted({ { D23, AGE }, { D23, AGE, D21 } }), "((" .. D23 .. " AND " .. AGE .. "))", "no position at all")
-- one without a position test admits any: it implies those of the same other conditions
same(wanted({ { D23, "s_e.position = 'teacher'" }, { D23 } }), "((" .. D23 .. "))")
same(wanted({ { D23 }, { D23, "s_e.position = 'teacher'" } }), "((" .. D23 .. "))")
-- testing the position twice keeps the values both admit, in the later test's order
same(wanted({ { D23, "s_e.position IN ('teacher', 'head', 'deputy')", "s_e.position IN ('deputy', 'teacher')" } }),
     "((" .. D23 .. " AND s_e.position IN ('deputy', 'teacher')))")
-- none: that conjunction never holds; when none can, no row is read
same(wanted({ { D23, "s_e.position = 'teacher'", "s_e.position = 'head'" }, { D21, "s_e.position = 'head'" } }),
     "((" .. D21 .. " AND s_e.position = 'head'))")
same(wanted({ { D23, "s_e.position = 'teacher'", "s_e.position = 'head'" } }), "0")
-- the order of the other conditions does not keep two alike apart
same(wanted({ { D23, AGE, "s_e.position = 'teacher'" }, { AGE, D23, "s_e.position = 'head'" } }),
     "((" .. D23 .. " AND " .. AGE .. " AND s_e.position IN ('teacher', 'head')))")
-- the column most tested is the one merged; another column's tests stay conditions
same(wanted({ { D23, "s.subject = 'math'", "s_e.position = 'teacher'" }, { D23, "s.subject = 'math'", "s_e.position = 'head'" },
              { D21, "s_e.position = 'teacher'" } }),
     "((" .. D23 .. " AND s.subject = 'math' AND s_e.position IN ('teacher', 'head')) OR (" .. D21
       .. " AND s_e.position = 'teacher'))")
-- a value with a quote is written back as a literal
same(wanted({ { D23, "s.subject = " .. sets.literal("it's") }, { D23, "s.subject = 'math'" } }),
     "((" .. D23 .. " AND s.subject IN ('it''s', 'math')))")
