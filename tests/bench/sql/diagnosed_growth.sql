-- A growth: the share of diagnosed teachers in the period against the
-- previous year, in percent of the previous year's share. Each year's
-- teachers are those employed on its last day; both shares are rounded to
-- two decimals first, as the indicator states them.
WITH cur AS (
  SELECT e.organization_id AS org, COUNT(*) AS den,
         SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = e.staff_id AND a.kind = 'diagnostic'
                     AND a.date BETWEEN @from AND @to)) AS num
  FROM employment e WHERE e.position = 'teacher' AND e.from_date <= @to AND (e.to_date IS NULL OR e.to_date >= @to)
  GROUP BY 1),
base AS (
  SELECT e.organization_id AS org, COUNT(*) AS den,
         SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = e.staff_id AND a.kind = 'diagnostic'
                     AND a.date BETWEEN @base_from AND @base_to)) AS num
  FROM employment e WHERE e.position = 'teacher' AND e.from_date <= @base_to
    AND (e.to_date IS NULL OR e.to_date >= @base_to)
  GROUP BY 1),
rows AS (
  SELECT o.id AS org, cur.num AS cn, cur.den AS cd, base.num AS bn, base.den AS bd
  FROM organization o LEFT JOIN cur ON cur.org = o.id LEFT JOIN base ON base.org = o.id
  UNION ALL SELECT '', (SELECT SUM(num) FROM cur), (SELECT SUM(den) FROM cur), (SELECT SUM(num) FROM base),
                   (SELECT SUM(den) FROM base)),
shares AS (
  SELECT org, CASE WHEN cd > 0 THEN ((cn * 20000 + cd) / (2 * cd)) / 100.0 END AS cur,
              CASE WHEN bd > 0 THEN ((bn * 20000 + bd) / (2 * bd)) / 100.0 END AS base FROM rows),
growth AS (
  SELECT org, cur, base, (cur - base) / abs(base) * 100 AS g FROM shares)
SELECT 'diagnosed_growth', org, '',
       CASE WHEN cur IS NOT NULL AND base IS NOT NULL THEN cur END,
       CASE WHEN cur IS NOT NULL AND base IS NOT NULL THEN base END,
       CASE WHEN base <> 0 THEN
         CASE WHEN g >= 0 THEN floor(g * 100 + 0.5 + 1e-9) / 100 ELSE -floor(-g * 100 + 0.5 + 1e-9) / 100 END END
FROM growth ORDER BY org <> '', org;
