-- A share of organizations: schools where someone used the platform in the
-- period, probed through the school's staff (staff_by_organization) and
-- each worker's activities (activity_by_staff).
WITH per AS (
  SELECT o.id AS org, o.kind = 'school' AS den,
         o.kind = 'school' AND EXISTS (SELECT 1 FROM staff s CROSS JOIN activity a ON a.staff_id = s.id
                                       WHERE s.organization_id = o.id AND a.kind = 'platform_use'
                                         AND a.date BETWEEN @from AND @to) AS num
  FROM organization o)
SELECT 'schools_on_platform', org, '', num, den,
       CASE WHEN den > 0 THEN ((num * 20000 + den) / (2 * den)) / 100.0 END FROM per
UNION ALL
SELECT 'schools_on_platform', '', '', SUM(num), SUM(den),
       CASE WHEN SUM(den) > 0 THEN ((SUM(num) * 20000 + SUM(den)) / (2 * SUM(den))) / 100.0 END FROM per;
