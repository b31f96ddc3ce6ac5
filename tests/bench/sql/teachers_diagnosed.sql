-- A share with an activity in the year: teachers (employed on the last day
-- of the period, by their employment span) with a diagnostic in the
-- period, of all teachers. One EXISTS probe per teacher on the covering
-- index activity_by_staff (staff_id, kind, date).
WITH per AS (
  SELECT e.organization_id AS org, COUNT(*) AS den,
         SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = e.staff_id AND a.kind = 'diagnostic'
                     AND a.date BETWEEN @from AND @to)) AS num
  FROM employment e WHERE e.position = 'teacher' AND e.from_date <= @to AND (e.to_date IS NULL OR e.to_date >= @to)
  GROUP BY e.organization_id)
SELECT 'teachers_diagnosed', o.id, '', COALESCE(per.num, 0), COALESCE(per.den, 0),
       CASE WHEN per.den > 0 THEN ((per.num * 20000 + per.den) / (2 * per.den)) / 100.0 END
FROM organization o LEFT JOIN per ON per.org = o.id
UNION ALL
SELECT 'teachers_diagnosed', '', '', SUM(num), SUM(den),
       CASE WHEN SUM(den) > 0 THEN ((SUM(num) * 20000 + SUM(den)) / (2 * SUM(den))) / 100.0 END FROM per;
