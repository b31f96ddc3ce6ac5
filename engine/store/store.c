/* store.c: the SQLite data store. The promises are in store.h. */
#include "store.h"

#include <stdio.h>
#include <string.h>

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
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(void) { return MIGRATION_COUNT; }

int store_exec(sqlite3 *db, const char *sql, char *err, size_t errlen) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
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
    snprintf(err, errlen, "%s: not a pdmon store: %s", path, sqlite3_errmsg(db));
    return -1;
  }
  if (version > MIGRATION_COUNT) {
    snprintf(err, errlen, "%s: written by a newer pdmon (schema %d, this build knows %d)",
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
      snprintf(err, errlen, "%s: migration to schema %d failed: %s", path, v + 1, inner);
      return -1;
    }
  }
  return 0;
}

int store_open(const char *path, int create, sqlite3 **db, char *err, size_t errlen) {
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  *db = NULL;
  if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open store: %s%s", path,
             *db ? sqlite3_errmsg(*db) : "out of memory",
             create ? "" : " (run 'pdmon init' first)");
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  char inner[512];
  sqlite3_busy_timeout(*db, 5000);
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
  return 0;
}

/* Tables rules may read, each through a TEMP view of the same name. */
static const char *const scoped_tables[] = {"organization", "staff", "activity",
                                            "community", "document", "measure"};

/* Builds the view that shows table's rows of one municipality. */
static char *scoped_view_sql(const char *table, const char *municipality) {
  if (!municipality)
    return sqlite3_mprintf("CREATE TEMP VIEW %s AS SELECT * FROM main.%s", table, table);
  if (strcmp(table, "staff") == 0)
    return sqlite3_mprintf(
        "CREATE TEMP VIEW staff AS SELECT s.* FROM main.staff s JOIN main.organization o"
        " ON o.id = s.organization_id WHERE o.municipality = %Q", municipality);
  if (strcmp(table, "activity") == 0)
    return sqlite3_mprintf(
        "CREATE TEMP VIEW activity AS SELECT a.* FROM main.activity a JOIN main.staff s"
        " ON s.id = a.staff_id JOIN main.organization o ON o.id = s.organization_id"
        " WHERE o.municipality = %Q", municipality);
  return sqlite3_mprintf("CREATE TEMP VIEW %s AS SELECT * FROM main.%s WHERE municipality = %Q",
                         table, table, municipality);
}

/* Pragmas that only read the schema; any other pragma is refused. */
static int pragma_is_harmless(const char *name, const char *arg) {
  static const char *const allowed[] = {"table_info", "table_xinfo", "index_list",
                                        "index_info", "foreign_key_list", NULL};
  for (int i = 0; allowed[i]; i++)
    if (sqlite3_stricmp(name, allowed[i]) == 0) return arg != NULL;
  return 0;
}

/* Authorizer of the rules' connection: reading and calling functions is
 * all it allows. When scoped is non-NULL the main tables may be read only
 * through the municipality's views. */
static int readonly_authorizer(void *scoped, int action, const char *a1, const char *a2,
                               const char *database, const char *view) {
  switch (action) {
  case SQLITE_SELECT:
  case SQLITE_FUNCTION:
  case SQLITE_RECURSIVE:
    return SQLITE_OK;
  case SQLITE_READ:
    if (scoped && database && strcmp(database, "main") == 0 && !view &&
        sqlite3_stricmp(a1, "sqlite_master") != 0 && sqlite3_stricmp(a1, "sqlite_schema") != 0)
      return SQLITE_DENY; /* main tables only through the municipality's views */
    return SQLITE_OK;
  case SQLITE_PRAGMA:
    return pragma_is_harmless(a1, a2) ? SQLITE_OK : SQLITE_DENY;
  default:
    return SQLITE_DENY;
  }
}

/* 1 when any organization, community or document of the store belongs to
 * another municipality than this one (or the check fails). */
static int holds_other_municipalities(sqlite3 *db, const char *municipality) {
  sqlite3_stmt *st;
  int other = 1;
  if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM organization WHERE municipality <> ?1)"
                             " OR EXISTS (SELECT 1 FROM community WHERE municipality <> ?1)"
                             " OR EXISTS (SELECT 1 FROM document WHERE municipality <> ?1)",
                         -1, &st, NULL) != SQLITE_OK)
    return 1;
  sqlite3_bind_text(st, 1, municipality, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) other = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return other;
}

int store_open_readonly(const char *path, const char *municipality, sqlite3 **db,
                        char *err, size_t errlen) {
  *db = NULL;
  if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open store read-only: %s", path,
             *db ? sqlite3_errmsg(*db) : "out of memory");
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  sqlite3_busy_timeout(*db, 5000);
  sqlite3_limit(*db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_limit(*db, SQLITE_LIMIT_LENGTH, 100 * 1000 * 1000);
  sqlite3_limit(*db, SQLITE_LIMIT_SQL_LENGTH, 1000 * 1000);
  if (user_version(*db) != MIGRATION_COUNT) {
    snprintf(err, errlen, "%s: store schema is not current (run 'pdmon init')", path);
    sqlite3_close(*db);
    *db = NULL;
    return -1;
  }
  /* A store that holds only this municipality has nothing to hide: plain
   * views spare every rule the joins that scope rows to a municipality. */
  if (municipality && !holds_other_municipalities(*db, municipality)) municipality = NULL;
  for (size_t i = 0; i < sizeof scoped_tables / sizeof scoped_tables[0]; i++) {
    char *sql = scoped_view_sql(scoped_tables[i], municipality);
    char inner[512];
    int rc = sql ? store_exec(*db, sql, inner, sizeof inner) : -1;
    sqlite3_free(sql);
    if (rc != 0) {
      snprintf(err, errlen, "%s: cannot prepare the rules' view of %s: %s", path,
               scoped_tables[i], sql ? inner : "out of memory");
      sqlite3_close(*db);
      *db = NULL;
      return -1;
    }
  }
  /* any non-NULL pointer marks the connection as scoped to one municipality */
  sqlite3_set_authorizer(*db, readonly_authorizer, municipality ? (void *)scoped_tables : NULL);
  return 0;
}

int store_refresh_statistics(sqlite3 *db, char *err, size_t errlen) {
  return store_exec(db, "PRAGMA analysis_limit = 1000; ANALYZE;", err, errlen);
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
