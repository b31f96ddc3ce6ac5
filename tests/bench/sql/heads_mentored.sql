-- A mentoring partner join: heads (employed on the last day of the period)
-- who were mentees in the period of a partner who was a head on the day of
-- the mentoring, or who are in the registry of mentees on the last day with
-- a mentor who is a head then. The partner's span is looked up by
-- employment_by_staff.
WITH per AS (
  SELECT e.organization_id AS org, COUNT(*) AS den,
         SUM(EXISTS (SELECT 1 FROM activity a JOIN employment p ON p.staff_id = a.partner_id
                       AND p.from_date <= a.date AND (p.to_date IS NULL OR p.to_date >= a.date)
                     WHERE a.staff_id = e.staff_id AND a.kind = 'mentoring' AND a.date BETWEEN @from AND @to
                       AND a.role = 'mentee' AND p.position IN ('head', 'deputy'))
             OR EXISTS (SELECT 1 FROM registry_member r JOIN employment p ON p.staff_id = r.partner_id
                          AND p.from_date <= @to AND (p.to_date IS NULL OR p.to_date >= @to)
                        WHERE r.staff_id = e.staff_id AND r.registry = 'mentee' AND r.from_date <= @to
                          AND (r.to_date IS NULL OR r.to_date >= @to) AND p.position IN ('head', 'deputy'))) AS num
  FROM employment e WHERE e.position IN ('head', 'deputy') AND e.from_date <= @to
    AND (e.to_date IS NULL OR e.to_date >= @to) GROUP BY e.organization_id)
SELECT 'heads_mentored', o.id, '', COALESCE(per.num, 0), COALESCE(per.den, 0),
       CASE WHEN per.den > 0 THEN ((per.num * 20000 + per.den) / (2 * per.den)) / 100.0 END
FROM organization o LEFT JOIN per ON per.org = o.id
UNION ALL
SELECT 'heads_mentored', '', '', SUM(num), SUM(den),
       CASE WHEN SUM(den) > 0 THEN ((SUM(num) * 20000 + SUM(den)) / (2 * SUM(den))) / 100.0 END FROM per;
