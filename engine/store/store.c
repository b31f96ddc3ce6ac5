/* store.c: the SQLite data store. The promises are in store.h. */
#include "store.h"

#include "i18n.h"

#include <stdio.h>
#include <string.h>

/* Schema 14: the columns of a narrow result row after its key and text_id, and whether
 * the shared texts t are those of the row x (NULL equal to NULL). */
#define RESULT_ROW_COLUMNS(x)                                                                                      \
  x "organization, " x "organization_name, " x "breakdown, " x "grp, " x "value, " x "numerator, " x "denominator, " \
  x "target_text, " x "target_kind, " x "target_value, " x "target_reason, " x "status, " x "message, "             \
  x "target_origin, " x "target_year, " x "deadline, " x "progress, " x "path_value, " x "base_year, "              \
  x "base_value, " x "growth, " x "figure, " x "yearly_value, " x "yearly_numerator, " x "yearly_denominator, "     \
  x "cumulative_value, " x "cumulative_numerator, " x "cumulative_denominator, " x "cumulative_since, "           \
  x "base_asked"
#define RESULT_TEXTS_OF(x)                                                                                         \
  "t.cycle_id = " x ".cycle_id AND t.indicator = " x ".indicator AND t.criterion IS " x ".criterion"               \
  " AND t.title IS " x ".title AND t.unit IS " x ".unit AND t.criterion_title IS " x ".criterion_title"            \
  " AND t.source IS " x ".source AND t.level IS " x ".level AND t.reading IS " x ".reading"
/* The texts of NEW stored unless a set of them is, in a trigger on the view. */
#define RESULT_TEXTS_OF_NEW                                                                                        \
  "INSERT INTO cycle_result_text (cycle_id, indicator, criterion, title, unit, criterion_title, source, level,"   \
  " reading) SELECT NEW.cycle_id, NEW.indicator, NEW.criterion, NEW.title, NEW.unit, NEW.criterion_title,"         \
  " NEW.source, NEW.level, NEW.reading WHERE NOT EXISTS (SELECT 1 FROM cycle_result_text t"                       \
  " WHERE " RESULT_TEXTS_OF("NEW") ");"
#define RESULT_TEXT_ID_OF_NEW "(SELECT min(t.id) FROM cycle_result_text t WHERE " RESULT_TEXTS_OF("NEW") ")"

/* Schema 16: the view's triggers leave no texts that no row names. A row names a text
 * of its own cycle and indicator (the engine, the migration to 14 and the triggers all
 * pick it so), so whether another row names a text is a step down the rows of that
 * pair, cycle_result_by_indicator, not a scan of every row or an index on text_id that
 * every cycle run would write. */
#define RESULT_TEXT_NAMED_BY_ROW(t, row)                                                                           \
  "EXISTS (SELECT 1 FROM cycle_result_row r WHERE r.cycle_id = " t ".cycle_id AND r.indicator = " t ".indicator"     \
  " AND r.text_id = " t ".id AND " row ")"
/* Whether an UPDATE of the view gives the row other texts, or another cycle or indicator. */
#define RESULT_TEXTS_CHANGED                                                                                       \
  "(OLD.cycle_id, OLD.indicator, OLD.criterion, OLD.title, OLD.unit, OLD.criterion_title, OLD.source, OLD.level,"  \
  " OLD.reading) IS NOT (NEW.cycle_id, NEW.indicator, NEW.criterion, NEW.title, NEW.unit, NEW.criterion_title,"     \
  " NEW.source, NEW.level, NEW.reading)"
/* The text the row OLD names deleted unless another row names it, in a trigger on the
 * view, before the row is deleted or moved to other texts (while it still names it). */
#define RESULT_TEXT_OF_OLD_DROPPED(when)                                                                           \
  "DELETE FROM cycle_result_text WHERE " when " id = (SELECT text_id FROM cycle_result_row WHERE rowid = OLD.rowid)" \
  " AND NOT " RESULT_TEXT_NAMED_BY_ROW("cycle_result_text", "r.rowid <> OLD.rowid") ";"

/* Each migration moves the schema from version i to i+1; never edit one
 * that has shipped, add the next. */
static const char *const migrations[] = {
  /* 1: the core entities of DESIGN.md. extra holds, as a JSON object, the
   * columns of an imported file that the schema does not know. */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE organization ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
  "  municipality TEXT NOT NULL, extra TEXT);"
  "CREATE INDEX organization_by_municipality ON organization(municipality);"
  "CREATE TABLE staff ("
  "  id TEXT PRIMARY KEY,"
  "  organization_id TEXT NOT NULL REFERENCES organization(id),"
  "  position TEXT NOT NULL, birth_year INTEGER, career_start_year INTEGER,"
  "  subject TEXT, education_matches_profile INTEGER, qualification_category TEXT,"
  "  extra TEXT);"
  "CREATE INDEX staff_by_organization ON staff(organization_id, position);"
  "CREATE TABLE activity ("
  "  id TEXT PRIMARY KEY, staff_id TEXT NOT NULL REFERENCES staff(id),"
  "  kind TEXT NOT NULL, date TEXT NOT NULL, end_date TEXT, title TEXT,"
  "  hours REAL, provider TEXT, score REAL, result TEXT, deficits TEXT,"
  "  role TEXT, partner_id TEXT, extra TEXT);"
  "CREATE INDEX activity_by_staff ON activity(staff_id, kind, date);"
  "CREATE INDEX activity_by_kind ON activity(kind, date);"
  "CREATE TABLE community ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, level TEXT,"
  "  organization_id TEXT REFERENCES organization(id), municipality TEXT NOT NULL,"
  "  start_date TEXT, end_date TEXT, members REAL, extra TEXT);"
  "CREATE INDEX community_by_municipality ON community(municipality);"
  "CREATE TABLE document ("
  "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, number TEXT, date TEXT NOT NULL,"
  "  title TEXT NOT NULL, link TEXT, organization_id TEXT REFERENCES organization(id),"
  "  municipality TEXT NOT NULL, extra TEXT);"
  "CREATE INDEX document_by_municipality ON document(municipality);"
  "CREATE TABLE measure ("
  "  id INTEGER PRIMARY KEY, municipality TEXT NOT NULL, number TEXT, stage TEXT,"
  "  direction TEXT, title TEXT NOT NULL, schedule TEXT, responsible TEXT,"
  "  expected_result TEXT, status TEXT NOT NULL DEFAULT 'planned', extra TEXT);"
  "CREATE TABLE measure_indicator ("
  "  measure_id INTEGER NOT NULL REFERENCES measure(id) ON DELETE CASCADE,"
  "  indicator TEXT NOT NULL, PRIMARY KEY (measure_id, indicator)) WITHOUT ROWID;"
  /* Every import, kept as evidence of the data collection component. */
  "CREATE TABLE import_log ("
  "  id INTEGER PRIMARY KEY, entity TEXT NOT NULL, file TEXT NOT NULL,"
  "  rows_imported INTEGER NOT NULL, rows_rejected INTEGER NOT NULL,"
  "  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));",
  /* 2: the management cycle's own records. */
  "CREATE TABLE cycle ("
  "  id INTEGER PRIMARY KEY, municipality TEXT NOT NULL, period INTEGER NOT NULL, title TEXT,"
  "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'run', 'closed')),"
  "  pack_id TEXT, pack_dir TEXT, pack_hash TEXT, goals TEXT,"
  "  opened_at TEXT NOT NULL, run_at TEXT, closed_at TEXT, statements INTEGER,"
  "  UNIQUE (municipality, period));"
  "CREATE TABLE cycle_pack_file (cycle_id INTEGER NOT NULL REFERENCES cycle(id),"
  "  path TEXT NOT NULL, content TEXT NOT NULL, PRIMARY KEY (cycle_id, path)) WITHOUT ROWID;"
  "CREATE TABLE cycle_result ("
  "  cycle_id INTEGER NOT NULL REFERENCES cycle(id), indicator TEXT NOT NULL, criterion TEXT,"
  "  title TEXT, unit TEXT, organization TEXT, organization_name TEXT, breakdown TEXT, grp TEXT,"
  "  value REAL, numerator REAL, denominator REAL, target_text TEXT, target_kind TEXT,"
  "  target_value REAL, target_reason TEXT, status TEXT NOT NULL, message TEXT, criterion_title TEXT, source TEXT);"
  "CREATE INDEX cycle_result_by_indicator ON cycle_result(cycle_id, indicator, organization);"
  "CREATE TABLE cycle_problem ("
  "  id INTEGER PRIMARY KEY, cycle_id INTEGER NOT NULL REFERENCES cycle(id), indicator TEXT NOT NULL,"
  "  organization TEXT, description TEXT NOT NULL, carried_from INTEGER REFERENCES cycle_problem(id),"
  "  resolved INTEGER);"
  "CREATE TABLE cycle_recommendation ("
  "  id INTEGER PRIMARY KEY, cycle_id INTEGER NOT NULL REFERENCES cycle(id), indicator TEXT,"
  "  organization TEXT, addressee TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 2, text TEXT NOT NULL);"
  "CREATE TABLE decision_link ("
  "  document_id TEXT NOT NULL REFERENCES document(id), cycle_id INTEGER REFERENCES cycle(id),"
  "  measure_id INTEGER REFERENCES measure(id));"
  "CREATE TABLE measure_window (measure_id INTEGER NOT NULL REFERENCES measure(id) ON DELETE CASCADE,"
  "  from_date TEXT, to_date TEXT NOT NULL);"
  "ALTER TABLE measure ADD COLUMN schedule_kind TEXT;"
  "ALTER TABLE measure ADD COLUMN cycle_id INTEGER REFERENCES cycle(id);"
  "ALTER TABLE measure ADD COLUMN evidence_document_id TEXT REFERENCES document(id);"
  "CREATE TABLE cycle_rating (cycle_id INTEGER NOT NULL REFERENCES cycle(id), rating TEXT NOT NULL,"
  "  title TEXT, organization TEXT NOT NULL, organization_name TEXT, score REAL NOT NULL, rank INTEGER NOT NULL);"
  "CREATE TABLE cycle_effect ("
  "  cycle_id INTEGER NOT NULL REFERENCES cycle(id), measure_id INTEGER NOT NULL REFERENCES measure(id),"
  "  indicator TEXT NOT NULL, before_value REAL, after_value REAL, verdict TEXT NOT NULL);",
  /* 3: the web workplace (pdmon serve): accounts with a role and a scope,
   * sessions (only a hash of each token is kept), and the audit trail of
   * every change, refusal and login. Rules never read them: the rules'
   * authorizer allows only the entity tables. */
  "CREATE TABLE account ("
  "  id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE COLLATE NOCASE, password_hash TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('region', 'municipality', 'school', 'admin')),"
  "  municipality TEXT, organization_id TEXT, disabled INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
  "CREATE TABLE web_session ("
  "  token_hash TEXT PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
  "  csrf TEXT NOT NULL, expires_at INTEGER NOT NULL,"
  "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))) WITHOUT ROWID;"
  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY, at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
  "  login TEXT NOT NULL, address TEXT, action TEXT NOT NULL, target TEXT, detail TEXT,"
  "  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')));"
  "CREATE INDEX audit_by_action ON audit(action, login, at);",
  /* 4: statuses an official can trust: how each result was judged (level, the target's
   * origin and final year, progress on its linear path, growth against a base year, the
   * yearly and cumulative figures of a cumulative target), and how ratings are made. */
  "ALTER TABLE cycle_result ADD COLUMN level TEXT;"
  "ALTER TABLE cycle_result ADD COLUMN reading TEXT;"
  "ALTER TABLE cycle_result ADD COLUMN target_origin TEXT;"
  "ALTER TABLE cycle_result ADD COLUMN target_year INTEGER;"
  "ALTER TABLE cycle_result ADD COLUMN deadline TEXT;"
  "ALTER TABLE cycle_result ADD COLUMN progress TEXT;"
  "ALTER TABLE cycle_result ADD COLUMN path_value REAL;"
  "ALTER TABLE cycle_result ADD COLUMN base_year INTEGER;"
  "ALTER TABLE cycle_result ADD COLUMN base_value REAL;"
  "ALTER TABLE cycle_result ADD COLUMN growth REAL;"
  "ALTER TABLE cycle_result ADD COLUMN figure TEXT;"
  "ALTER TABLE cycle_result ADD COLUMN yearly_value REAL;"
  "ALTER TABLE cycle_result ADD COLUMN yearly_numerator REAL;"
  "ALTER TABLE cycle_result ADD COLUMN yearly_denominator REAL;"
  "ALTER TABLE cycle_result ADD COLUMN cumulative_value REAL;"
  "ALTER TABLE cycle_result ADD COLUMN cumulative_numerator REAL;"
  "ALTER TABLE cycle_result ADD COLUMN cumulative_denominator REAL;"
  "ALTER TABLE cycle_result ADD COLUMN cumulative_since INTEGER;"
  "ALTER TABLE cycle_rating ADD COLUMN method TEXT;"
  "ALTER TABLE cycle_rating ADD COLUMN covered INTEGER;"
  "ALTER TABLE cycle_rating ADD COLUMN weighted INTEGER;",
  /* 5: employment history. A worker's spans: where, as what, from which
   * day (hire or transfer) to which (the last day employed; NULL while
   * employed); a worker is in one span at a time. staff.organization_id
   * and staff.position stay the latest span's. Existing workers get one
   * open span from the start of their career, as before. Annual staff
   * lists imported with --snapshot are recorded per municipality. */
  "CREATE TABLE employment ("
  "  id INTEGER PRIMARY KEY,"
  "  staff_id TEXT NOT NULL REFERENCES staff(id),"
  "  organization_id TEXT NOT NULL REFERENCES organization(id),"
  "  position TEXT NOT NULL, from_date TEXT NOT NULL, to_date TEXT,"
  "  source TEXT NOT NULL CHECK (source IN ('hire_date', 'career_start', 'snapshot')),"
  "  CHECK (to_date IS NULL OR to_date >= from_date));"
  "CREATE INDEX employment_by_staff ON employment(staff_id, from_date);"
  "CREATE INDEX employment_by_organization ON employment(organization_id, position, from_date, to_date);"
  "CREATE TABLE staff_snapshot ("
  "  date TEXT NOT NULL, municipality TEXT NOT NULL, file TEXT NOT NULL, workers INTEGER NOT NULL,"
  "  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
  "  PRIMARY KEY (date, municipality)) WITHOUT ROWID;"
  "INSERT INTO employment (staff_id, organization_id, position, from_date, source)"
  "  SELECT id, organization_id, position,"
  "         CASE WHEN career_start_year IS NULL THEN '1900-01-01' ELSE printf('%04d-01-01', career_start_year) END,"
  "         'career_start' FROM staff;",
  /* 6: the municipality's own results of a cycle, which every dashboard of
   * the workplace reads, without walking the rows of every organization. */
  "CREATE INDEX cycle_result_totals ON cycle_result(cycle_id) WHERE organization IS NULL AND breakdown IS NULL;",
  /* 7: an index for every lookup and foreign key of the cycle's records, so a cycle costs
   * the same however many cycles the store already holds; and what a cycle's run cost the
   * store (statements prepared, virtual machine steps), the evidence that it stays so. */
  "CREATE INDEX cycle_problem_by_place ON cycle_problem(cycle_id, indicator, organization);"
  "CREATE INDEX cycle_problem_by_origin ON cycle_problem(carried_from);"
  "CREATE INDEX cycle_recommendation_by_cycle ON cycle_recommendation(cycle_id, indicator);"
  "CREATE INDEX cycle_rating_by_cycle ON cycle_rating(cycle_id, rating);"
  "CREATE INDEX cycle_effect_by_cycle ON cycle_effect(cycle_id);"
  "CREATE INDEX cycle_effect_by_measure ON cycle_effect(measure_id);"
  "CREATE INDEX decision_link_by_cycle ON decision_link(cycle_id);"
  "CREATE INDEX decision_link_by_measure ON decision_link(measure_id);"
  "CREATE INDEX decision_link_by_document ON decision_link(document_id);"
  "CREATE INDEX measure_by_cycle ON measure(cycle_id);"
  "CREATE INDEX measure_by_evidence ON measure(evidence_document_id);"
  "CREATE INDEX measure_window_by_measure ON measure_window(measure_id);"
  "ALTER TABLE cycle ADD COLUMN store_statements INTEGER;"
  "ALTER TABLE cycle ADD COLUMN store_steps INTEGER;",
  /* 8: events and participation, and registries. An event may be a stage
   * of another (parent_id); a participation is a worker's or an
   * organization's, dated (the event's start unless the file says); a
   * registry membership runs from inclusion to exclusion. */
  "CREATE TABLE event ("
  "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, level TEXT, organizer TEXT,"
  "  organization_id TEXT REFERENCES organization(id), municipality TEXT NOT NULL,"
  "  start_date TEXT NOT NULL, end_date TEXT, parent_id TEXT REFERENCES event(id), extra TEXT);"
  "CREATE INDEX event_by_municipality ON event(municipality, kind, start_date);"
  "CREATE INDEX event_by_parent ON event(parent_id);"
  "CREATE INDEX event_by_organization ON event(organization_id, start_date);"
  "CREATE TABLE participation ("
  "  id TEXT PRIMARY KEY, event_id TEXT NOT NULL REFERENCES event(id), staff_id TEXT REFERENCES staff(id),"
  "  organization_id TEXT REFERENCES organization(id), role TEXT, result TEXT, nomination TEXT, stage TEXT,"
  "  date TEXT NOT NULL, extra TEXT, CHECK (staff_id IS NOT NULL OR organization_id IS NOT NULL));"
  "CREATE INDEX participation_by_event ON participation(event_id);"
  "CREATE INDEX participation_by_staff ON participation(staff_id, date);"
  "CREATE INDEX participation_by_organization ON participation(organization_id, date);"
  "CREATE TABLE registry_member ("
  "  id TEXT PRIMARY KEY, registry TEXT NOT NULL, title TEXT, staff_id TEXT NOT NULL REFERENCES staff(id),"
  "  partner_id TEXT, from_date TEXT NOT NULL, to_date TEXT, basis TEXT, extra TEXT,"
  "  CHECK (to_date IS NULL OR to_date >= from_date));"
  "CREATE INDEX registry_by_staff ON registry_member(staff_id, registry, from_date);"
  "CREATE INDEX registry_by_registry ON registry_member(registry, from_date);",
  /* 9: a recurring measure ("Сентябрь 2022 и 2023 гг.") is done one
   * occurrence (year) at a time, each with its evidence. */
  "CREATE TABLE measure_occurrence ("
  "  measure_id INTEGER NOT NULL REFERENCES measure(id) ON DELETE CASCADE, year INTEGER NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('done')),"
  "  evidence_document_id TEXT REFERENCES document(id), PRIMARY KEY (measure_id, year)) WITHOUT ROWID;",
  /* 10: the same employment table, its source checked by equalities: SQLite evaluates
   * "IN (three constants)" through a temporary b-tree built anew for every span written,
   * which was a third of a staff import. Rows (with their ids) and indexes are kept. */
  "CREATE TABLE employment_rebuilt ("
  "  id INTEGER PRIMARY KEY,"
  "  staff_id TEXT NOT NULL REFERENCES staff(id),"
  "  organization_id TEXT NOT NULL REFERENCES organization(id),"
  "  position TEXT NOT NULL, from_date TEXT NOT NULL, to_date TEXT,"
  "  source TEXT NOT NULL CHECK (source = 'hire_date' OR source = 'career_start' OR source = 'snapshot'),"
  "  CHECK (to_date IS NULL OR to_date >= from_date));"
  "INSERT INTO employment_rebuilt (id, staff_id, organization_id, position, from_date, to_date, source)"
  "  SELECT id, staff_id, organization_id, position, from_date, to_date, source FROM employment;"
  "DROP TABLE employment;"
  "ALTER TABLE employment_rebuilt RENAME TO employment;"
  "CREATE INDEX employment_by_staff ON employment(staff_id, from_date);"
  "CREATE INDEX employment_by_organization ON employment(organization_id, position, from_date, to_date);"
  /* and the staff lists of a municipality, which a staff list's import asks for on every row */
  "CREATE INDEX staff_snapshot_by_municipality ON staff_snapshot(municipality, date);",
  /* 11: what each cycle's statuses were judged against, per indicator: fingerprints of
   * its targets and of its formula when the cycle ran, and every later re-judgement of
   * the stored figures against changed targets (pdmon cycle rejudge), with the target
   * phrases before and after and what changed. The latest row of a (cycle, indicator)
   * is in force. A result row keeps the base year its target looked for even when that
   * year had no value (base_asked), so that no value is known to be "none". */
  "CREATE TABLE cycle_judgement ("
  "  id INTEGER PRIMARY KEY, cycle_id INTEGER NOT NULL REFERENCES cycle(id), indicator TEXT NOT NULL,"
  "  judged_by TEXT NOT NULL CHECK (judged_by IN ('run', 'rejudge')), judged_at TEXT NOT NULL,"
  "  targets TEXT NOT NULL, formula TEXT NOT NULL, pack_dir TEXT,"
  "  previous_text TEXT, target_text TEXT, rows INTEGER, changed INTEGER, transitions TEXT);"
  "CREATE INDEX cycle_judgement_by_cycle ON cycle_judgement(cycle_id, indicator, id);"
  "ALTER TABLE cycle_result ADD COLUMN base_asked INTEGER;",
  /* 12: the foreign keys migration 7 left without an index. Deleting or re-keying an
   * organization, a document or an account made SQLite scan the referring table once per
   * row to check the key; tests/unit/test_store.c now fails for any key without one. */
  "CREATE INDEX community_by_organization ON community(organization_id);"
  "CREATE INDEX document_by_organization ON document(organization_id);"
  "CREATE INDEX measure_occurrence_by_evidence ON measure_occurrence(evidence_document_id);"
  "CREATE INDEX web_session_by_account ON web_session(account_id);"
  /* and a municipality's roadmap, which measure list read by scanning every measure */
  "CREATE INDEX measure_by_municipality ON measure(municipality, id);",
  /* 13: the cycles of a period. A cycle's analysis compares its totals with those of every
   * municipality's cycle of the same period; the only index on cycle led with the
   * municipality, so that comparison read every cycle total of the store, of every period. */
  "CREATE INDEX cycle_by_period ON cycle(period, municipality);",
  /* 14: narrow result rows. The texts of an indicator (its title, criterion, unit,
   * source, level and how to read it) were copied into every result row, about 900 of
   * a row's 1,500 bytes; a re-judgement rewrites every row of an indicator, so those
   * copies were most of the pages it wrote. They are kept once per cycle and set of
   * texts (cycle_result_text) and a row names them (text_id). The rows keep their rowids
   * and the view cycle_result shows them in the old shape, in the old column order,
   * and their rowid as a last column named rowid (a view has none of its own): every
   * reader reads what it read. text_id declares no foreign key: the texts of a cycle are
   * deleted with its rows, and the key would need an index on every row. */
  "CREATE TABLE cycle_result_text ("
  "  id INTEGER PRIMARY KEY, cycle_id INTEGER NOT NULL REFERENCES cycle(id), indicator TEXT NOT NULL,"
  "  criterion TEXT, title TEXT, unit TEXT, criterion_title TEXT, source TEXT, level TEXT, reading TEXT);"
  "CREATE INDEX cycle_result_text_by_cycle ON cycle_result_text(cycle_id, indicator);"
  "INSERT INTO cycle_result_text (cycle_id, indicator, criterion, title, unit, criterion_title, source, level, reading)"
  "  SELECT cycle_id, indicator, criterion, title, unit, criterion_title, source, level, reading FROM cycle_result"
  "  GROUP BY cycle_id, indicator, criterion, title, unit, criterion_title, source, level, reading"
  "  ORDER BY min(rowid);"
  "CREATE TABLE cycle_result_row ("
  "  cycle_id INTEGER NOT NULL REFERENCES cycle(id), indicator TEXT NOT NULL, text_id INTEGER,"
  "  organization TEXT, organization_name TEXT, breakdown TEXT, grp TEXT,"
  "  value REAL, numerator REAL, denominator REAL, target_text TEXT, target_kind TEXT,"
  "  target_value REAL, target_reason TEXT, status TEXT NOT NULL, message TEXT,"
  "  target_origin TEXT, target_year INTEGER, deadline TEXT, progress TEXT, path_value REAL, base_year INTEGER,"
  "  base_value REAL, growth REAL, figure TEXT, yearly_value REAL, yearly_numerator REAL, yearly_denominator REAL,"
  "  cumulative_value REAL, cumulative_numerator REAL, cumulative_denominator REAL, cumulative_since INTEGER,"
  "  base_asked INTEGER);"
  "INSERT INTO cycle_result_row (rowid, cycle_id, indicator, text_id, " RESULT_ROW_COLUMNS("") ")"
  "  SELECT r.rowid, r.cycle_id, r.indicator, (SELECT t.id FROM cycle_result_text t WHERE " RESULT_TEXTS_OF("r") "),"
  "  " RESULT_ROW_COLUMNS("r.") " FROM cycle_result r ORDER BY r.rowid;"
  "DROP TABLE cycle_result;"
  "CREATE INDEX cycle_result_by_indicator ON cycle_result_row(cycle_id, indicator, organization);"
  "CREATE INDEX cycle_result_totals ON cycle_result_row(cycle_id) WHERE organization IS NULL AND breakdown IS NULL;"
  "CREATE VIEW cycle_result AS SELECT r.cycle_id, r.indicator, t.criterion, t.title, t.unit, r.organization,"
  "  r.organization_name, r.breakdown, r.grp, r.value, r.numerator, r.denominator, r.target_text, r.target_kind,"
  "  r.target_value, r.target_reason, r.status, r.message, t.criterion_title, t.source, t.level, t.reading,"
  "  r.target_origin, r.target_year, r.deadline, r.progress, r.path_value, r.base_year, r.base_value, r.growth,"
  "  r.figure, r.yearly_value, r.yearly_numerator, r.yearly_denominator, r.cumulative_value,"
  "  r.cumulative_numerator, r.cumulative_denominator, r.cumulative_since, r.base_asked, r.rowid AS rowid"
  "  FROM cycle_result_row r LEFT JOIN cycle_result_text t ON t.id = r.text_id;"
  /* the view written as the table was (the engine writes the two tables itself) */
  "CREATE TRIGGER cycle_result_insert INSTEAD OF INSERT ON cycle_result BEGIN " RESULT_TEXTS_OF_NEW
  "  INSERT INTO cycle_result_row (cycle_id, indicator, text_id, " RESULT_ROW_COLUMNS("") ")"
  "  VALUES (NEW.cycle_id, NEW.indicator, " RESULT_TEXT_ID_OF_NEW ", " RESULT_ROW_COLUMNS("NEW.") "); END;"
  "CREATE TRIGGER cycle_result_update INSTEAD OF UPDATE ON cycle_result BEGIN " RESULT_TEXTS_OF_NEW
  "  UPDATE cycle_result_row SET (cycle_id, indicator, text_id, " RESULT_ROW_COLUMNS("") ")"
  "  = (NEW.cycle_id, NEW.indicator, " RESULT_TEXT_ID_OF_NEW ", " RESULT_ROW_COLUMNS("NEW.") ")"
  "  WHERE rowid = OLD.rowid; END;"
  "CREATE TRIGGER cycle_result_delete INSTEAD OF DELETE ON cycle_result BEGIN"
  "  DELETE FROM cycle_result_row WHERE rowid = OLD.rowid; END;",
  /* 15: participation by organization holds only the organizations' own participation.
   * A worker's participation (98 % of the rows in the synthetic country) has no
   * organization_id, and every lookup through this index asks for one organization
   * (organization_id = ...), which implies NOT NULL, so SQLite uses the partial index for
   * it; building the full index at the end of a country's import sorted 2.2 M keys that
   * began with NULL, on the sorter's slow general comparison (the country's participation
   * import: 16.9 s -> 13.3 s of CPU; a region's: 1.44 G -> 1.21 G instructions). */
  "DROP INDEX participation_by_organization;"
  "CREATE INDEX participation_by_organization ON participation(organization_id, date)"
  "  WHERE organization_id IS NOT NULL;",
  /* 16: the view cycle_result written as the table was, leaving nothing behind. The
   * triggers of 14 left a text no row named when an UPDATE gave a row other texts (or
   * moved it to another cycle) or a DELETE removed the last row naming it, and the
   * cycle could then not be deleted (the text's cycle_id is a foreign key). Such texts
   * of an older pdmon are deleted; the new triggers delete a text with the last row
   * naming it, keep a row's text when an UPDATE leaves its texts as they are (only
   * figures and statuses changed), and keep a rowid given to an INSERT or an UPDATE. */
  "DELETE FROM cycle_result_text WHERE NOT " RESULT_TEXT_NAMED_BY_ROW("cycle_result_text", "1") ";"
  "DROP TRIGGER cycle_result_insert;"
  "DROP TRIGGER cycle_result_update;"
  "DROP TRIGGER cycle_result_delete;"
  "CREATE TRIGGER cycle_result_insert INSTEAD OF INSERT ON cycle_result BEGIN " RESULT_TEXTS_OF_NEW
  "  INSERT INTO cycle_result_row (rowid, cycle_id, indicator, text_id, " RESULT_ROW_COLUMNS("") ")"
  "  VALUES (NEW.rowid, NEW.cycle_id, NEW.indicator, " RESULT_TEXT_ID_OF_NEW ", " RESULT_ROW_COLUMNS("NEW.") "); END;"
  "CREATE TRIGGER cycle_result_update INSTEAD OF UPDATE ON cycle_result BEGIN"
  "  INSERT INTO cycle_result_text (cycle_id, indicator, criterion, title, unit, criterion_title, source, level,"
  "  reading) SELECT NEW.cycle_id, NEW.indicator, NEW.criterion, NEW.title, NEW.unit, NEW.criterion_title,"
  "  NEW.source, NEW.level, NEW.reading WHERE " RESULT_TEXTS_CHANGED " AND NOT EXISTS (SELECT 1 FROM"
  "  cycle_result_text t WHERE " RESULT_TEXTS_OF("NEW") ");"
  "  " RESULT_TEXT_OF_OLD_DROPPED(RESULT_TEXTS_CHANGED " AND")
  "  UPDATE cycle_result_row SET (rowid, cycle_id, indicator, text_id, " RESULT_ROW_COLUMNS("") ")"
  "  = (NEW.rowid, NEW.cycle_id, NEW.indicator, CASE WHEN " RESULT_TEXTS_CHANGED " THEN " RESULT_TEXT_ID_OF_NEW
  "  ELSE text_id END, " RESULT_ROW_COLUMNS("NEW.") ") WHERE rowid = OLD.rowid; END;"
  "CREATE TRIGGER cycle_result_delete INSTEAD OF DELETE ON cycle_result BEGIN " RESULT_TEXT_OF_OLD_DROPPED("")
  "  DELETE FROM cycle_result_row WHERE rowid = OLD.rowid; END;",
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(void) { return MIGRATION_COUNT; }

const char *store_migration_sql(int n) { return n >= 1 && n <= MIGRATION_COUNT ? migrations[n - 1] : NULL; }

int store_exec(sqlite3 *db, const char *sql, char *err, size_t errlen) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
  if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_FOREIGNKEY) /* never SQLite's bare words to a user */
    snprintf(err, errlen, "%s", _("a record this refers to is not in the store; nothing was changed"));
  else
    snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
  sqlite3_free(msg);
  return -1;
}

/* Reads PRAGMA user_version. */
static int user_version(sqlite3 *db) {
  sqlite3_stmt *st;
  int v = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Applies the migrations the store lacks, each in its own transaction. */
static int migrate(sqlite3 *db, const char *path, char *err, size_t errlen) {
  int version = user_version(db);
  if (version < 0) {
    snprintf(err, errlen, _("%s: not a pdmon store: %s"), path, sqlite3_errmsg(db));
    return -1;
  }
  if (version > MIGRATION_COUNT) {
    snprintf(err, errlen, _("%s: written by a newer pdmon (schema %d, this build knows %d)"),
             path, version, MIGRATION_COUNT);
    return -1;
  }
  for (int v = version; v < MIGRATION_COUNT; v++) {
    char inner[512], pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", v + 1);
    if (store_exec(db, "BEGIN IMMEDIATE", inner, sizeof inner) != 0 ||
        store_exec(db, migrations[v], inner, sizeof inner) != 0 ||
        store_exec(db, pragma, inner, sizeof inner) != 0 ||
        store_exec(db, "COMMIT", inner, sizeof inner) != 0) {
      sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
      snprintf(err, errlen, _("%s: migration to schema %d failed: %s"), path, v + 1, inner);
      return -1;
    }
  }
  return 0;
}

/* The application id pdmon writes into its stores ("pdmn"), so that a
 * store is known for pdmon's before anything is written to it. */
#define PDMON_APPLICATION_ID 0x70646D6E

/* How long a writer waits for another one before giving up, and after
 * how long it says that it is waiting. */
#define BUSY_GIVE_UP_MS (30 * 60 * 1000)
#define BUSY_NOTICE_MS 1000
#define BUSY_STEP_MS 50

/* Busy handler: waits in small steps, says once that it waits (another
 * pdmon is importing or running a cycle), and gives up only after half an
 * hour. count is the number of earlier calls for this lock. */
static int wait_for_other_writer(void *ud, int count) {
  (void)ud;
  long waited = (long)count * BUSY_STEP_MS;
  if (waited >= BUSY_GIVE_UP_MS) return 0;
  if (waited == BUSY_NOTICE_MS)
    fprintf(stderr, _("store is busy: another pdmon is writing to it (an import or a cycle); waiting...\n"));
  sqlite3_sleep(BUSY_STEP_MS);
  return 1;
}

void store_set_busy_wait(sqlite3 *db) { sqlite3_busy_handler(db, wait_for_other_writer, NULL); }

/* Reads one integer of a one-row query; -1 when the query fails. */
static long long integer_of(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  long long v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Decides, before anything is written, whether the database at path is a
 * pdmon store (or an empty file that init may make one). Returns 0 when
 * it may be opened for writing, -1 with err. */
static int check_identity(sqlite3 *db, const char *path, int create, char *err, size_t errlen) {
  long long objects = integer_of(db, "SELECT count(*) FROM sqlite_schema");
  if (objects < 0) {
    snprintf(err, errlen, _("%s: not a pdmon store: %s; nothing was changed"), path, sqlite3_errmsg(db));
    return -1;
  }
  long long version = integer_of(db, "PRAGMA user_version");
  long long application = integer_of(db, "PRAGMA application_id");
  if (objects == 0 && version == 0 && application == 0) {
    if (create) return 0;
    snprintf(err, errlen, _("%s: an empty file, not a pdmon store yet (run 'pdmon init' first)"), path);
    return -1;
  }
  int has_meta = integer_of(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'") == 1;
  if (application != PDMON_APPLICATION_ID && !(application == 0 && version >= 1 && has_meta)) {
    snprintf(err, errlen, _("%s: not a pdmon store (an SQLite database of another program); nothing was changed"), path);
    return -1;
  }
  if (version > MIGRATION_COUNT) {
    snprintf(err, errlen, _("%s: written by a newer pdmon (schema %lld, this build knows %d); nothing was changed"),
             path, version, MIGRATION_COUNT);
    return -1;
  }
  return 0;
}

static int open_with(const char *path, int create, int flags, sqlite3 **db, char *err, size_t errlen);

int store_open(const char *path, int create, sqlite3 **db, char *err, size_t errlen) {
  return open_with(path, create, 0, db, err, errlen);
}

int store_open_single(const char *path, int create, sqlite3 **db, char *err, size_t errlen) {
  return open_with(path, create, SQLITE_OPEN_NOMUTEX, db, err, errlen);
}

/* store_open with more flags of sqlite3_open_v2. */
static int open_with(const char *path, int create, int more, sqlite3 **db, char *err, size_t errlen) {
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | more;
  *db = NULL;
  if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
    snprintf(err, errlen, _("%s: cannot open store: %s%s"), path,
             *db ? sqlite3_errmsg(*db) : _("out of memory"),
             create ? "" : _(" (run 'pdmon init' first)"));
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  char inner[512];
  store_set_busy_wait(*db);
  if (check_identity(*db, path, create, err, errlen) != 0) {
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  if (store_exec(*db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
                      "PRAGMA synchronous=NORMAL;", inner, sizeof inner) != 0) {
    snprintf(err, errlen, "%s: %s", path, inner);
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  if (migrate(*db, path, err, errlen) != 0) {
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  if (integer_of(*db, "PRAGMA application_id") != PDMON_APPLICATION_ID &&
      store_exec(*db, "PRAGMA application_id = 1885629806" /* PDMON_APPLICATION_ID */, inner, sizeof inner) != 0) {
    snprintf(err, errlen, "%s: %s", path, inner);
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  return 0;
}

int store_refresh_statistics(sqlite3 *db, char *err, size_t errlen) {
  return store_exec(db, "PRAGMA analysis_limit = 1000; ANALYZE;", err, errlen);
}

/* The tables only an import of one entity writes, and that entity's table
 * (document is not one: a road map's measures add their evidence). */
static const struct { const char *table, *by; } imported_only[] = {
  {"organization", "organization"}, {"staff", "staff"}, {"employment", "staff"}, {"staff_snapshot", "staff"},
  {"activity", "activity"}, {"community", "community"}, {"event", "event"}, {"participation", "participation"},
  {"registry_member", "registry_member"}};

/* 1 when name is a table of imported_only that an import into table does not write. */
static int statistics_stand(const char *name, const char *table) {
  for (size_t i = 0; i < sizeof imported_only / sizeof *imported_only; i++)
    if (!strcmp(name, imported_only[i].table)) return strcmp(imported_only[i].by, table) != 0;
  return 0;
}

int store_refresh_statistics_after(sqlite3 *db, const char *table, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                             " ORDER BY name", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    return -1;
  }
  char *sql = sqlite3_mprintf("PRAGMA analysis_limit = 1000; BEGIN;");
  while (sql && sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    if (statistics_stand(name, table)) continue;
    char *more = sqlite3_mprintf("%s ANALYZE main.\"%w\";", sql, name);
    sqlite3_free(sql);
    sql = more;
  }
  sqlite3_finalize(st);
  char *all = sql ? sqlite3_mprintf("%s COMMIT;", sql) : NULL;
  sqlite3_free(sql);
  if (!all) {
    snprintf(err, errlen, "%s", _("out of memory"));
    return -1;
  }
  int rc = store_exec(db, all, err, errlen);
  sqlite3_free(all);
  if (rc != 0 && !sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

int store_meta_get(sqlite3 *db, const char *key, char *buf, size_t buflen) {
  sqlite3_stmt *st;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) snprintf(buf, buflen, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int store_meta_set(sqlite3 *db, const char *key, const char *value, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "INSERT INTO meta(key, value) VALUES (?, ?)"
                             " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) snprintf(err, errlen, "%s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}
