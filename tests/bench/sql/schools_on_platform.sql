-- A share of organizations: schools where someone used the platform in the
-- period while employed there, probed through the school's employment spans
-- (employment_by_organization) and each worker's activities
-- (activity_by_staff).
WITH per AS (
  SELECT o.id AS org, o.kind = 'school' AS den,
         o.kind = 'school' AND EXISTS (SELECT 1 FROM employment e CROSS JOIN activity a ON a.staff_id = e.staff_id
                                         AND e.from_date <= a.date AND (e.to_date IS NULL OR e.to_date >= a.date)
                                       WHERE e.organization_id = o.id AND a.kind = 'platform_use'
                                         AND a.date BETWEEN @from AND @to) AS num
  FROM organization o)
SELECT 'schools_on_platform', org, '', num, den,
       CASE WHEN den > 0 THEN ((num * 20000 + den) / (2 * den)) / 100.0 END FROM per
UNION ALL
SELECT 'schools_on_platform', '', '', SUM(num), SUM(den),
       CASE WHEN SUM(den) > 0 THEN ((SUM(num) * 20000 + SUM(den)) / (2 * SUM(den))) / 100.0 END FROM per;
