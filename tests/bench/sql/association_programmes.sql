-- A document presence: programmes supporting methodical associations that
-- exist by the end of the period, per organization and in total.
WITH per AS (
  SELECT d.organization_id AS org, COUNT(*) AS num FROM document d
  WHERE d.kind = 'programme' AND instr(d.title, 'методических объединений') > 0 AND d.date <= @to
  GROUP BY d.organization_id)
SELECT 'association_programmes', o.id, '', COALESCE(per.num, 0), NULL, COALESCE(per.num, 0)
FROM organization o LEFT JOIN per ON per.org = o.id
UNION ALL
SELECT 'association_programmes', '', '', COALESCE(SUM(num), 0), NULL, COALESCE(SUM(num), 0) FROM per;
