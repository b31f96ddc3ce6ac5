// The benchmark's seven figures computed by DuckDB straight from the CSV files.
// Usage: node duckdb_figures.mjs CSV_DIR PERIOD OUT.csv TIMES.json
// Writes rows indicator,organization,group,numerator,denominator,value (the
// total has an empty organization) and the seconds each step took.
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const [csvDir, periodText, outPath, timesPath] = process.argv.slice(2);
const period = Number(periodText);
const from = `${period}-01-01`, to = `${period}-12-31`;
const baseFrom = `${period - 1}-01-01`, baseTo = `${period - 1}-12-31`;
const times = {};
const now = () => performance.now() / 1000;
const t0 = now();

const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const csv = (name) => `read_csv('${csvDir}/${name}', header = true, all_varchar = true)`;
await c.run(`CREATE TABLE organization AS SELECT id, kind FROM ${csv('organizations.csv')}`);
// The employment spans of staff.csv as pdmon builds them: a row is a span
// from its hire date (else the first day of the career) to its leave date;
// a worker is in one span at a time, so a span ends the day before the
// next one of the same worker begins.
await c.run(`CREATE TABLE staff_rows AS SELECT * FROM ${csv('staff.csv')}`);
const staffColumns = (await c.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = 'staff_rows'`))
  .getRows().map((r) => r[0]);
for (const column of ['hire_date', 'leave_date'])
  if (!staffColumns.includes(column)) await c.run(`ALTER TABLE staff_rows ADD COLUMN ${column} VARCHAR`);
await c.run(`CREATE TABLE employment AS
  WITH spans AS (
    SELECT id AS staff_id, organization_id, position, CAST(birth_year AS INTEGER) AS birth_year,
           CASE WHEN coalesce(hire_date, '') <> '' THEN hire_date ELSE career_start_year || '-01-01' END AS from_date,
           NULLIF(leave_date, '') AS leave_date FROM staff_rows),
  ordered AS (
    SELECT *, lead(from_date) OVER (PARTITION BY staff_id ORDER BY from_date) AS next_from FROM spans)
  SELECT staff_id, organization_id, position, birth_year, from_date,
         CASE WHEN next_from IS NOT NULL AND (leave_date IS NULL OR leave_date >= next_from)
              THEN strftime(CAST(next_from AS DATE) - INTERVAL 1 DAY, '%Y-%m-%d') ELSE leave_date END AS to_date
  FROM ordered`);
const employedOn = (day, alias = 'e') =>
  `${alias}.from_date <= '${day}' AND (${alias}.to_date IS NULL OR ${alias}.to_date >= '${day}')`;
const covers = (alias, date) => `${alias}.from_date <= ${date} AND (${alias}.to_date IS NULL OR ${alias}.to_date >= ${date})`;
await c.run(`CREATE TABLE activity AS SELECT staff_id, kind, date, role, partner_id FROM ${csv('activities.csv')}`);
await c.run(`CREATE TABLE document AS SELECT * FROM ${csv('documents.csv')}`);
const { existsSync } = await import('node:fs');
await c.run(existsSync(`${csvDir}/registries.csv`)
  ? `CREATE TABLE registry AS SELECT registry, staff_id, partner_id, from_date, NULLIF(to_date, '') AS to_date
     FROM ${csv('registries.csv')}`
  : `CREATE TABLE registry (registry VARCHAR, staff_id VARCHAR, partner_id VARCHAR, from_date VARCHAR, to_date VARCHAR)`);
const memberOn = (registry, day, alias = 'r') =>
  `${alias}.registry = '${registry}' AND ${alias}.from_date <= '${day}' AND (${alias}.to_date IS NULL OR ${alias}.to_date >= '${day}')`;
const docColumns = (await c.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = 'document'`))
  .getRows().map((r) => r[0]);
if (!docColumns.includes('organization_id')) await c.run(`ALTER TABLE document ADD COLUMN organization_id VARCHAR`);
times.load = now() - t0;

const pct = (n, d) => `CASE WHEN ${d} > 0 THEN ((${n} * 20000 + ${d}) // (2 * ${d})) / 100.0::DOUBLE END`;

// A share per organization (every one, 0/0 where none) and in total from a
// relation per(org, num, den).
const shareOf = (name, per) => `
  WITH per AS (${per})
  SELECT '${name}', o.id, '', COALESCE(per.num, 0), COALESCE(per.den, 0), ${pct('per.num', 'per.den')}
  FROM organization o LEFT JOIN per ON per.org = o.id
  UNION ALL SELECT '${name}', '', '', SUM(num), SUM(den), ${pct('SUM(num)', 'SUM(den)')} FROM per`;
const countOf = (name, per) => `
  WITH per AS (${per})
  SELECT '${name}', o.id, '', COALESCE(per.num, 0), NULL, COALESCE(per.num, 0)
  FROM organization o LEFT JOIN per ON per.org = o.id
  UNION ALL SELECT '${name}', '', '', COALESCE(SUM(num), 0), NULL, COALESCE(SUM(num), 0) FROM per`;
const staffWith = (kind, first, last, extra = '') =>
  `SELECT DISTINCT staff_id FROM activity WHERE kind = '${kind}' AND date BETWEEN '${first}' AND '${last}' ${extra}`;

const queries = {
  teachers_diagnosed: shareOf('teachers_diagnosed', `
    SELECT e.organization_id AS org, COUNT(*) AS den, COUNT(d.staff_id) AS num
    FROM employment e LEFT JOIN (${staffWith('diagnostic', from, to)}) d ON d.staff_id = e.staff_id
    WHERE e.position = 'teacher' AND ${employedOn(to)} GROUP BY 1`),
  tutors: countOf('tutors', `
    SELECT e.organization_id AS org, COUNT(*) AS num FROM employment e
    WHERE e.position IN ('teacher', 'head', 'deputy') AND ${employedOn(to)}
      AND (e.staff_id IN (${staffWith('tutoring', from, to)}) OR e.staff_id IN (SELECT staff_id FROM registry r WHERE ${memberOn('tutor', to)}))
      AND e.staff_id IN (${staffWith('diagnostic', '2021-01-01', to)})
    GROUP BY 1`),
  young_staff: `
    WITH per AS (SELECT organization_id AS org, position, COUNT(*) AS den, SUM(CASE WHEN ${period} - birth_year < 35 THEN 1 ELSE 0 END) AS num
                 FROM employment e WHERE position IN ('teacher', 'head', 'deputy') AND ${employedOn(to)} GROUP BY 1, 2),
    org AS (SELECT org, SUM(num) AS num, SUM(den) AS den FROM per GROUP BY org)
    SELECT 'young_staff', o.id, '', COALESCE(org.num, 0), COALESCE(org.den, 0), ${pct('org.num', 'org.den')}
    FROM organization o LEFT JOIN org ON org.org = o.id
    UNION ALL SELECT 'young_staff', '', '', SUM(num), SUM(den), ${pct('SUM(num)', 'SUM(den)')} FROM org
    UNION ALL SELECT 'young_staff', '', position, SUM(num), SUM(den), ${pct('SUM(num)', 'SUM(den)')} FROM per GROUP BY position`,
  heads_mentored: shareOf('heads_mentored', `
    SELECT e.organization_id AS org, COUNT(*) AS den, COUNT(m.staff_id) AS num
    FROM employment e LEFT JOIN (SELECT DISTINCT a.staff_id FROM activity a JOIN employment p ON p.staff_id = a.partner_id
                                   AND ${covers('p', 'a.date')}
                                 WHERE a.kind = 'mentoring' AND a.role = 'mentee' AND a.date BETWEEN '${from}' AND '${to}'
                                   AND p.position IN ('head', 'deputy')
                                 UNION SELECT r.staff_id FROM registry r JOIN employment p ON p.staff_id = r.partner_id
                                   AND ${employedOn(to, 'p')}
                                 WHERE ${memberOn('mentee', to)} AND p.position IN ('head', 'deputy')) m ON m.staff_id = e.staff_id
    WHERE e.position IN ('head', 'deputy') AND ${employedOn(to)} GROUP BY 1`),
  schools_on_platform: shareOf('schools_on_platform', `
    SELECT o.id AS org, 1 AS den, CASE WHEN o.id IN (SELECT e.organization_id FROM activity a
      JOIN employment e ON e.staff_id = a.staff_id AND ${covers('e', 'a.date')}
      WHERE a.kind = 'platform_use' AND a.date BETWEEN '${from}' AND '${to}') THEN 1 ELSE 0 END AS num
    FROM organization o WHERE o.kind = 'school'`),
  association_programmes: countOf('association_programmes', `
    SELECT organization_id AS org, COUNT(*) AS num FROM document
    WHERE kind = 'programme' AND contains(title, 'методических объединений') AND date <= '${to}' GROUP BY 1`),
  diagnosed_growth: `
    WITH cur AS (
      SELECT e.organization_id AS org, COUNT(*) AS den, COUNT(d.staff_id) AS num
      FROM employment e LEFT JOIN (${staffWith('diagnostic', from, to)}) d ON d.staff_id = e.staff_id
      WHERE e.position = 'teacher' AND ${employedOn(to)} GROUP BY 1),
    base AS (
      SELECT e.organization_id AS org, COUNT(*) AS den, COUNT(d.staff_id) AS num
      FROM employment e LEFT JOIN (${staffWith('diagnostic', baseFrom, baseTo)}) d ON d.staff_id = e.staff_id
      WHERE e.position = 'teacher' AND ${employedOn(baseTo)} GROUP BY 1),
    rows AS (SELECT o.id AS org, cur.num AS cn, cur.den AS cd, base.num AS bn, base.den AS bd
             FROM organization o LEFT JOIN cur ON cur.org = o.id LEFT JOIN base ON base.org = o.id
             UNION ALL SELECT '', (SELECT SUM(num) FROM cur), (SELECT SUM(den) FROM cur),
                              (SELECT SUM(num) FROM base), (SELECT SUM(den) FROM base)),
    shares AS (SELECT org, ${pct('cn', 'cd')} AS cur, ${pct('bn', 'bd')} AS base FROM rows),
    growth AS (SELECT org, cur, base, CASE WHEN base <> 0 THEN (cur - base) / abs(base) * 100 END AS g FROM shares)
    SELECT 'diagnosed_growth', org, '', CASE WHEN base IS NOT NULL THEN cur END, CASE WHEN cur IS NOT NULL THEN base END,
           CASE WHEN g >= 0 THEN floor(g * 100 + 0.5 + 1e-9) / 100 WHEN g < 0 THEN -floor(-g * 100 + 0.5 + 1e-9) / 100 END
    FROM growth`,
};

const lines = [];
for (const [name, sql] of Object.entries(queries)) {
  const t = now();
  const result = await c.runAndReadAll(sql);
  for (const row of result.getRows())
    lines.push(row.map((v) => (v === null ? '' : String(v))).join(','));
  times[name] = now() - t;
}
writeFileSync(outPath, lines.join('\n') + '\n');
times.total = now() - t0;
writeFileSync(timesPath, JSON.stringify(times));
