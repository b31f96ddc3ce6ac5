-- A mentoring partner join: heads who were mentees in the period of a
-- partner who is a head. The partner is looked up by primary key.
WITH per AS (
  SELECT s.organization_id AS org, COUNT(*) AS den,
         SUM(EXISTS (SELECT 1 FROM activity a JOIN staff p ON p.id = a.partner_id
                     WHERE a.staff_id = s.id AND a.kind = 'mentoring' AND a.date BETWEEN @from AND @to
                       AND a.role = 'mentee' AND p.position IN ('head', 'deputy'))) AS num
  FROM staff s WHERE s.position IN ('head', 'deputy') GROUP BY s.organization_id)
SELECT 'heads_mentored', o.id, '', COALESCE(per.num, 0), COALESCE(per.den, 0),
       CASE WHEN per.den > 0 THEN ((per.num * 20000 + per.den) / (2 * per.den)) / 100.0 END
FROM organization o LEFT JOIN per ON per.org = o.id
UNION ALL
SELECT 'heads_mentored', '', '', SUM(num), SUM(den),
       CASE WHEN SUM(den) > 0 THEN ((SUM(num) * 20000 + SUM(den)) / (2 * SUM(den))) / 100.0 END FROM per;
