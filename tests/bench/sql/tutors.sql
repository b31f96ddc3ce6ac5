-- A count: teachers and heads diagnosed since 2021 who tutored in the
-- period. The rarer probe (tutoring) first.
WITH per AS (
  SELECT s.organization_id AS org,
         SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'tutoring'
                     AND a.date BETWEEN @from AND @to)
             AND EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'diagnostic'
                         AND a.date BETWEEN @since AND @to)) AS num
  FROM staff s WHERE s.position IN ('teacher', 'head', 'deputy') GROUP BY s.organization_id)
SELECT 'tutors', o.id, '', COALESCE(per.num, 0), NULL, COALESCE(per.num, 0)
FROM organization o LEFT JOIN per ON per.org = o.id
UNION ALL
SELECT 'tutors', '', '', SUM(num), NULL, SUM(num) FROM per;
