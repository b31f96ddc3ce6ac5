-- A share with an activity in the year: teachers with a diagnostic in the
-- period, of all teachers. One EXISTS probe per teacher on the covering
-- index activity_by_staff (staff_id, kind, date).
WITH per AS (
  SELECT s.organization_id AS org, COUNT(*) AS den,
         SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'diagnostic'
                     AND a.date BETWEEN @from AND @to)) AS num
  FROM staff s WHERE s.position = 'teacher' GROUP BY s.organization_id)
SELECT 'teachers_diagnosed', o.id, '', COALESCE(per.num, 0), COALESCE(per.den, 0),
       CASE WHEN per.den > 0 THEN ((per.num * 20000 + per.den) / (2 * per.den)) / 100.0 END
FROM organization o LEFT JOIN per ON per.org = o.id
UNION ALL
SELECT 'teachers_diagnosed', '', '', SUM(num), SUM(den),
       CASE WHEN SUM(den) > 0 THEN ((SUM(num) * 20000 + SUM(den)) / (2 * SUM(den))) / 100.0 END FROM per;
