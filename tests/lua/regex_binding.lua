-- The PCRE2 binding: Cyrillic caseless matching, captures, limits, misuse.
local regex = require "regex"

local r = regex.compile([[^к\s*(?<year>\d{4})\s*году]], "i")
local m, from, to = r:match("К 2024 году - 40%")
same(m.year, "2024")
same(m[1], "2024")
same(from, 1)
same(to, #"К 2024 году")
same(r:match("до 2024 года"), nil)
same(regex.compile("ШКОЛА", "i"):test("МОУ «Школа № 1»"), true)
same(select(3, regex.compile("\\w+"):match("Ёлка!")), #"Ёлка", "\\w covers Cyrillic")
same(regex.compile("(a)|(b)"):match("b")[1], false, "an unset group is false")
fails(function() regex.compile("(unclosed") end, "missing closing parenthesis")
fails(function() regex.compile("x", "q") end, "unknown flag 'q'")
-- catastrophic backtracking hits the match limit instead of hanging
fails(function() regex.compile("^(a+)+$"):test(string.rep("a", 40) .. "b") end, "limit")
fails(function() regex.compile("a"):test(string.rep("a", 2 * 1024 * 1024)) end, "subject longer than")
local closed = regex.compile("a")
closed:close()
closed:close()
fails(function() closed:test("a") end, "regex is closed")
