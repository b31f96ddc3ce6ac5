-- A growth: the share of diagnosed teachers in the period against the
-- previous year, in percent of the previous year's share. Both shares are
-- rounded to two decimals first, as the indicator states them.
WITH per AS (
  SELECT s.organization_id AS org, COUNT(*) AS den,
         SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'diagnostic'
                     AND a.date BETWEEN @from AND @to)) AS cur,
         SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'diagnostic'
                     AND a.date BETWEEN @base_from AND @base_to)) AS base
  FROM staff s WHERE s.position = 'teacher' GROUP BY s.organization_id),
rows AS (
  SELECT o.id AS org, per.cur, per.base, per.den FROM organization o LEFT JOIN per ON per.org = o.id
  UNION ALL SELECT '', SUM(cur), SUM(base), SUM(den) FROM per),
shares AS (
  SELECT org, CASE WHEN den > 0 THEN ((cur * 20000 + den) / (2 * den)) / 100.0 END AS cur,
              CASE WHEN den > 0 THEN ((base * 20000 + den) / (2 * den)) / 100.0 END AS base FROM rows),
growth AS (
  SELECT org, cur, base, (cur - base) / abs(base) * 100 AS g FROM shares)
SELECT 'diagnosed_growth', org, '',
       CASE WHEN cur IS NOT NULL AND base IS NOT NULL THEN cur END,
       CASE WHEN cur IS NOT NULL AND base IS NOT NULL THEN base END,
       CASE WHEN base <> 0 THEN
         CASE WHEN g >= 0 THEN floor(g * 100 + 0.5 + 1e-9) / 100 ELSE -floor(-g * 100 + 0.5 + 1e-9) / 100 END END
FROM growth ORDER BY org <> '', org;
