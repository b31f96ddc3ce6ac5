-- An age-based share: teachers and heads under 35 at the end of the period
-- (age = period - birth year), of all teachers and heads; also by position.
WITH per AS (
  SELECT s.organization_id AS org, s.position AS position, COUNT(*) AS den,
         SUM(@period - s.birth_year < 35) AS num
  FROM staff s WHERE s.position IN ('teacher', 'head', 'deputy') GROUP BY 1, 2),
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
