-- An age-based share: teachers and heads (employed on the last day of the
-- period) under 35 (age = period - birth year), of all teachers and heads;
-- also by position.
WITH per AS (
  SELECT e.organization_id AS org, e.position AS position, COUNT(*) AS den,
         SUM(@period - s.birth_year < 35) AS num
  FROM employment e JOIN staff s ON s.id = e.staff_id
  WHERE e.position IN ('teacher', 'head', 'deputy') AND e.from_date <= @to AND (e.to_date IS NULL OR e.to_date >= @to)
  GROUP BY 1, 2),
org AS (SELECT org, SUM(num) AS num, SUM(den) AS den FROM per GROUP BY org)
SELECT 'young_staff', o.id, '', COALESCE(org.num, 0), COALESCE(org.den, 0),
       CASE WHEN org.den > 0 THEN ((org.num * 20000 + org.den) / (2 * org.den)) / 100.0 END
FROM organization o LEFT JOIN org ON org.org = o.id
UNION ALL
SELECT 'young_staff', '', '', SUM(num), SUM(den),
       CASE WHEN SUM(den) > 0 THEN ((SUM(num) * 20000 + SUM(den)) / (2 * SUM(den))) / 100.0 END FROM org
UNION ALL
SELECT * FROM (SELECT 'young_staff', '', position, SUM(num), SUM(den),
       ((SUM(num) * 20000 + SUM(den)) / (2 * SUM(den))) / 100.0 FROM per GROUP BY position);
