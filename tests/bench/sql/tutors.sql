-- A count: teachers and heads (employed on the last day of the period)
-- diagnosed since 2021 who tutored in the period or are in the registry of
-- tutors on its last day. The rarer probes (tutoring) first.
WITH per AS (
  SELECT e.organization_id AS org,
         SUM((EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = e.staff_id AND a.kind = 'tutoring'
                      AND a.date BETWEEN @from AND @to)
              OR EXISTS (SELECT 1 FROM registry_member r WHERE r.staff_id = e.staff_id AND r.registry = 'tutor'
                         AND r.from_date <= @to AND (r.to_date IS NULL OR r.to_date >= @to)))
             AND EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = e.staff_id AND a.kind = 'diagnostic'
                         AND a.date BETWEEN @since AND @to)) AS num
  FROM employment e WHERE e.position IN ('teacher', 'head', 'deputy') AND e.from_date <= @to
    AND (e.to_date IS NULL OR e.to_date >= @to) GROUP BY e.organization_id)
SELECT 'tutors', o.id, '', COALESCE(per.num, 0), NULL, COALESCE(per.num, 0)
FROM organization o LEFT JOIN per ON per.org = o.id
UNION ALL
SELECT 'tutors', '', '', SUM(num), NULL, SUM(num) FROM per;
