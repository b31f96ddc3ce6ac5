/* The store: migrations, the checks before a store is written, writers
 * waiting for each other, and the rules' view refusing every kind of write
 * and every row of another municipality. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rule_view.h"
#include "store.h"
#include "support.h"

/* The store each test starts from (support.h). */
typedef support_store fixture;

/* The store with three organizations of two municipalities, their staff and two activities. */
static int setup(void **state) {
  if (support_store_setup(state) != 0) return -1;
  fixture *f = *state;
  char err[512];
  const char *rows =
      "INSERT INTO organization VALUES ('a1','A1','school','alpha',NULL),"
      " ('a2','A2','school','alpha',NULL), ('b1','B1','school','beta',NULL);"
      "INSERT INTO staff (id, organization_id, position) VALUES ('s1','a1','teacher'),"
      " ('s2','a2','teacher'), ('s3','b1','teacher'), ('s4','b1','head');"
      "INSERT INTO employment (staff_id, organization_id, position, from_date, source)"
      " SELECT id, organization_id, position, '2000-01-01', 'career_start' FROM staff;"
      "INSERT INTO activity (id, staff_id, kind, date) VALUES ('x1','s1','diagnostic','2023-01-01'),"
      " ('x2','s3','diagnostic','2023-01-01');";
  if (store_exec(f->db, rows, err, sizeof err) != 0) {
    fprintf(stderr, "setup: %s\n", err);
    support_store_teardown(state);
    return -1;
  }
  return 0;
}

static void schema_is_current_and_reopen_is_idempotent(void **state) {
  fixture *f = *state;
  assert_int_equal(support_count(f->db, "PRAGMA user_version"), store_schema_version());
  assert_int_equal(support_count(f->db, "PRAGMA foreign_keys"), 1);
  sqlite3 *again;
  char err[512];
  assert_int_equal(store_open(f->path, 0, &again, err, sizeof err), 0);
  assert_int_equal(support_count(again, "SELECT count(*) FROM organization"), 3);
  sqlite3_close(again);
}

static void newer_store_is_refused(void **state) {
  fixture *f = *state;
  char err[512];
  assert_int_equal(store_exec(f->db, "PRAGMA user_version = 999", err, sizeof err), 0);
  sqlite3 *db;
  assert_int_equal(store_open(f->path, 0, &db, err, sizeof err), -1);
  assert_non_null(strstr(err, "newer pdmon"));
  assert_null(db);
  assert_int_equal(store_exec(f->db, "PRAGMA user_version = 1", err, sizeof err), 0);
}

static void missing_store_is_not_created_without_init(void **state) {
  fixture *f = *state;
  char path[600], err[512];
  snprintf(path, sizeof path, "%s/absent.db", f->dir);
  sqlite3 *db;
  assert_int_equal(store_open(path, 0, &db, err, sizeof err), -1);
  assert_non_null(strstr(err, "pdmon init"));
}

static void meta_round_trip(void **state) {
  fixture *f = *state;
  char err[256], buf[64];
  assert_int_equal(store_meta_set(f->db, "municipality", "alpha", err, sizeof err), 0);
  assert_int_equal(store_meta_set(f->db, "municipality", "beta", err, sizeof err), 0);
  assert_int_equal(store_meta_get(f->db, "municipality", buf, sizeof buf), 0);
  assert_string_equal(buf, "beta");
  assert_int_equal(store_meta_get(f->db, "absent", buf, sizeof buf), 0);
  assert_string_equal(buf, "");
}

/* Opens the rules' view of municipality m (NULL: the store's own). */
static rule_view *view_of(const fixture *f, const char *m) {
  rule_view *v;
  char err[1024];
  if (rule_view_open(f->path, m, &v, err, sizeof err) != 0) {
    print_error("%s\n", err);
    return NULL;
  }
  return v;
}

/* A count through the view, or -1 with the refusal in why. */
static long long view_count(rule_view *v, const char *sql, char *why, size_t whylen) {
  sqlite3_stmt *st;
  why[0] = '\0';
  if (rule_view_prepare(v, sql, &st, why, whylen) != 0) return -1;
  long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return n;
}

static void view_holds_one_municipality_whatever_the_sql(void **state) {
  fixture *f = *state;
  rule_view *v = view_of(f, "alpha");
  assert_non_null(v);
  char why[600];
  assert_string_equal(rule_view_municipality(v), "alpha");
  assert_int_equal(view_count(v, "SELECT count(*) FROM organization", why, sizeof why), 2);
  assert_int_equal(view_count(v, "SELECT count(*) FROM staff", why, sizeof why), 2);
  assert_int_equal(view_count(v, "SELECT count(*) FROM activity", why, sizeof why), 1);
  assert_int_equal(view_count(v, "SELECT count(*) FROM employment", why, sizeof why), 2);
  /* the copy is all there is: qualifiers and CTEs reach the same rows */
  assert_int_equal(view_count(v, "SELECT count(*) FROM main.staff", why, sizeof why), 2);
  assert_int_equal(view_count(v, "WITH staff AS (SELECT * FROM main.staff) SELECT count(*) FROM staff", why, sizeof why), 2);
  assert_int_equal(view_count(v, "WITH o AS (SELECT * FROM main.organization) SELECT count(*) FROM o WHERE municipality = 'beta'",
                              why, sizeof why), 0);
  static const char *const refused[] = {"SELECT count(*) FROM temp.staff", "SELECT count(*) FROM sqlite_temp_master",
    "SELECT count(*) FROM sqlite_schema", "SELECT (SELECT count(*) FROM sqlite_stat1)",
    "SELECT count(*) FROM pragma_table_info('staff')", "SELECT fts3_tokenizer('simple')",
    "SELECT count(*) FROM dbstat", "SELECT load_extension('x')"};
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    if (view_count(v, refused[i], why, sizeof why) != -1) print_error("was allowed: %s\n", refused[i]);
    assert_int_equal(view_count(v, refused[i], why, sizeof why), -1);
  }
  assert_non_null(strstr(why, "load_extension"));
  rule_view_close(v);
}

static void view_never_reads_the_core_tables(void **state) {
  fixture *f = *state;
  char err[512], why[600];
  assert_int_equal(store_exec(f->db, "DELETE FROM activity WHERE staff_id IN ('s3', 's4'); DELETE FROM employment WHERE organization_id = 'b1'; DELETE FROM staff WHERE organization_id = 'b1';"
                                     "DELETE FROM organization WHERE municipality = 'beta';"
                                     "INSERT INTO import_log (entity, file, rows_imported, rows_rejected) VALUES ('staff', 'x', 1, 0)",
                              err, sizeof err), 0);
  /* a store of alpha alone is read in place, with the same refusals */
  rule_view *v = view_of(f, "alpha");
  assert_non_null(v);
  assert_int_equal(view_count(v, "SELECT count(*) FROM main.organization", why, sizeof why), 2);
  static const char *const core[] = {"SELECT count(*) FROM import_log", "SELECT (SELECT count(*) FROM meta)",
    "SELECT count(*) FROM main.cycle_result", "SELECT count(*) FROM cycle_result_row",
    "SELECT count(*) FROM cycle_result_text", "WITH x AS (SELECT * FROM cycle_pack_file) SELECT count(*) FROM x",
    "SELECT count(*) FROM sqlite_master"};
  for (size_t i = 0; i < sizeof core / sizeof *core; i++) {
    if (view_count(v, core[i], why, sizeof why) != -1) print_error("was allowed: %s\n", core[i]);
    assert_int_equal(view_count(v, core[i], why, sizeof why), -1);
    assert_non_null(strstr(why, "rules may not read"));
  }
  /* a count over a CTE is the rule's own; over a core table it is not */
  assert_int_equal(view_count(v, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5)"
                                 " SELECT count(*) FROM r", why, sizeof why), 5);
  assert_int_equal(view_count(v, "WITH x AS (SELECT 1) SELECT count(*) FROM import_log", why, sizeof why), -1);
  assert_int_equal(view_count(v, "SELECT count(*) FROM (SELECT 1 FROM main.import_log)", why, sizeof why), -1);
  /* the view's snapshot is pinned: rows imported meanwhile do not appear */
  assert_int_equal(store_exec(f->db, "INSERT INTO organization VALUES ('b9','B9','school','beta',NULL)", err, sizeof err), 0);
  assert_int_equal(view_count(v, "SELECT count(*) FROM organization", why, sizeof why), 2);
  rule_view_close(v);
}

static void the_store_chooses_the_municipality(void **state) {
  fixture *f = *state;
  rule_view *v;
  char err[1024];
  /* two municipalities and none recorded: refused, never "all" */
  assert_int_equal(rule_view_open(f->path, NULL, &v, err, sizeof err), -1);
  assert_non_null(strstr(err, "several municipalities (alpha, beta)"));
  assert_int_equal(store_meta_set(f->db, "municipality", "beta", err, sizeof err), 0);
  v = view_of(f, NULL);
  assert_non_null(v);
  assert_string_equal(rule_view_municipality(v), "beta");
  char why[600];
  assert_int_equal(view_count(v, "SELECT count(*) FROM staff", why, sizeof why), 2);
  rule_view_close(v);
  /* the region-wide view is a separate call the core makes on purpose */
  assert_int_equal(rule_view_open_all(f->path, &v, err, sizeof err), 0);
  assert_string_equal(rule_view_municipality(v), "");
  assert_int_equal(view_count(v, "SELECT count(*) FROM staff", why, sizeof why), 4);
  assert_int_equal(view_count(v, "SELECT count(*) FROM meta", why, sizeof why), -1);
  rule_view_close(v);
}

static void view_refuses_every_write(void **state) {
  fixture *f = *state;
  static const char *const writes[] = {
    "INSERT INTO organization VALUES ('x','X','school','alpha',NULL)",
    "INSERT INTO main.organization VALUES ('x','X','school','alpha',NULL)",
    "UPDATE staff SET position = 'head'",
    "UPDATE main.staff SET position = 'head'",
    "DELETE FROM activity",
    "DELETE FROM main.activity",
    "REPLACE INTO main.meta VALUES ('k','v')",
    "CREATE TABLE evil (x)",
    "CREATE TEMP TABLE evil (x)",
    "CREATE TEMP VIEW evil AS SELECT * FROM main.staff",
    "CREATE INDEX evil ON staff(position)",
    "CREATE TRIGGER evil AFTER INSERT ON organization BEGIN SELECT 1; END",
    "DROP TABLE staff",
    "DROP TABLE main.staff",
    "ALTER TABLE organization ADD COLUMN evil TEXT",
    "ATTACH DATABASE ':memory:' AS other",
    "DETACH DATABASE temp",
    "PRAGMA user_version = 5",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA writable_schema = ON",
    "PRAGMA query_only = 0",
    "PRAGMA table_info(meta)",
    "BEGIN",
    "COMMIT",
    "SAVEPOINT s",
    "REINDEX",
    "ANALYZE",
    "VACUUM",
    "VACUUM INTO '/tmp/pdmon-evil.db'",
    "SELECT load_extension('/tmp/evil')",
    "WITH x AS (SELECT 1) INSERT INTO organization SELECT 'y','Y','school','alpha',NULL FROM x",
  };
  for (int scoped = 0; scoped < 2; scoped++) {
    rule_view *v;
    char err[512];
    if (scoped) v = view_of(f, "alpha");
    else assert_int_equal(rule_view_open_all(f->path, &v, err, sizeof err), 0);
    assert_non_null(v);
    for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
      sqlite3_stmt *st;
      int rc = rule_view_prepare(v, writes[i], &st, err, sizeof err);
      if (rc == 0) {
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
      }
      if (rc == 0) print_error("was allowed: %s\n", writes[i]);
      assert_int_not_equal(rc, 0);
    }
    /* a rule may look at the columns of its tables */
    sqlite3_stmt *st;
    assert_int_equal(rule_view_prepare(v, "PRAGMA table_info(staff)", &st, err, sizeof err), 0);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    sqlite3_finalize(st);
    rule_view_close(v);
  }
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM organization"), 3);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM staff WHERE position = 'head'"), 1);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM activity"), 2);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM sqlite_schema WHERE name = 'evil'"), 0);
}

/* Another program's database, and a store of a newer pdmon, are refused
 * before anything is written to them: no tables, no WAL. */
static void foreign_and_newer_files_are_left_untouched(void **state) {
  fixture *f = *state;
  char path[600], err[512];
  snprintf(path, sizeof path, "%s/foreign.db", f->dir);
  sqlite3 *other, *db;
  assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
  assert_int_equal(store_exec(other, "CREATE TABLE accounts (name TEXT)", err, sizeof err), 0);
  assert_int_equal(store_open(path, 0, &db, err, sizeof err), -1);
  assert_non_null(strstr(err, "not a pdmon store"));
  assert_int_equal(store_open(path, 1, &db, err, sizeof err), -1);
  assert_int_equal(support_count(other, "SELECT count(*) FROM sqlite_schema"), 1);
  assert_int_equal(store_exec(other, "DROP TABLE accounts; PRAGMA user_version = 99; PRAGMA application_id = 1885629806",
                              err, sizeof err), 0);
  assert_int_equal(store_open(path, 0, &db, err, sizeof err), -1);
  assert_non_null(strstr(err, "newer pdmon"));
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(other, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "delete");
  sqlite3_finalize(st);
  sqlite3_close(other);
  /* an empty file becomes a store only through init */
  snprintf(path, sizeof path, "%s/empty.db", f->dir);
  free(support_write_text(f->dir, "empty.db", ""));
  assert_int_equal(store_open(path, 0, &db, err, sizeof err), -1);
  assert_non_null(strstr(err, "pdmon init"));
  assert_int_equal(store_open(path, 1, &db, err, sizeof err), 0);
  assert_int_equal(support_count(db, "PRAGMA application_id"), 1885629806);
  sqlite3_close(db);
}

/* A second writer waits for the first instead of failing after 5 s. */
static void second_writer_waits(void **state) {
  fixture *f = *state;
  int ready[2];
  assert_int_equal(pipe(ready), 0);
  pid_t child = fork();
  assert_true(child >= 0);
  if (child == 0) {
    sqlite3 *holder;
    char err[256];
    if (store_open(f->path, 0, &holder, err, sizeof err) != 0 || store_exec(holder, "BEGIN IMMEDIATE", err, sizeof err) != 0)
      _exit(1);
    if (write(ready[1], "x", 1) != 1) _exit(1);
    sleep(2);
    store_exec(holder, "INSERT INTO meta VALUES ('holder', 'done'); COMMIT", err, sizeof err);
    sqlite3_close(holder);
    _exit(0);
  }
  char c;
  assert_int_equal(read(ready[0], &c, 1), 1);
  time_t start = time(NULL);
  char err[256], buf[32];
  assert_int_equal(store_exec(f->db, "BEGIN IMMEDIATE; INSERT INTO meta VALUES ('waiter', 'done'); COMMIT", err, sizeof err), 0);
  assert_true(time(NULL) - start >= 1);
  int status;
  waitpid(child, &status, 0);
  assert_int_equal(WEXITSTATUS(status), 0);
  store_meta_get(f->db, "holder", buf, sizeof buf);
  assert_string_equal(buf, "done");
  close(ready[0]);
  close(ready[1]);
}

/* Every foreign key of the schema whose columns do not lead an index (a full one, or
 * a partial one only of the rows where its first column IS NOT NULL, which every
 * lookup of a key by equality implies) or the primary key of its table, as
 * "table(columns)" one per line: without one, SQLite checks the key by scanning the
 * referring table for every row deleted or re-keyed in the table it refers to. */
static const char *const UNINDEXED_FOREIGN_KEYS =
    "WITH fk AS (SELECT m.name AS tbl, f.id AS id, f.\"from\" AS col"
    "            FROM sqlite_schema m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'),"
    " fk_width AS (SELECT tbl, id, count(*) AS n, group_concat(col, ',') AS cols FROM fk GROUP BY tbl, id),"
    " key_column AS ("
    "  SELECT m.name AS tbl, i.name AS key, c.seqno AS seq, c.name AS col"
    "  FROM sqlite_schema m, pragma_index_list(m.name) i, pragma_index_info(i.name) c"
    "  WHERE m.type = 'table' AND (i.partial = 0 OR (SELECT sql FROM sqlite_schema WHERE name = i.name)"
    "   LIKE '%WHERE ' || (SELECT name FROM pragma_index_info(i.name) WHERE seqno = 0) || ' IS NOT NULL')"
    "  UNION ALL SELECT m.name, '(primary key)', t.pk - 1, t.name"
    "  FROM sqlite_schema m, pragma_table_info(m.name) t WHERE m.type = 'table' AND t.pk > 0),"
    " keys AS (SELECT DISTINCT tbl, key FROM key_column)"
    "SELECT group_concat(name, char(10)) FROM ("
    " SELECT w.tbl || '(' || w.cols || ')' AS name FROM fk_width w"
    " WHERE NOT EXISTS (SELECT 1 FROM keys k WHERE k.tbl = w.tbl AND"
    "  (SELECT count(*) FROM key_column x JOIN fk ON fk.tbl = x.tbl AND fk.id = w.id AND fk.col = x.col"
    "   WHERE x.tbl = k.tbl AND x.key = k.key AND x.seq < w.n) = w.n)"
    " ORDER BY name)";

/* The unindexed foreign keys of db (NULL when every key has an index), to free. */
static char *unindexed_foreign_keys(sqlite3 *db) {
  sqlite3_stmt *st;
  char *list = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, UNINDEXED_FOREIGN_KEYS, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  if (sqlite3_column_type(st, 0) != SQLITE_NULL) list = strdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return list;
}

/* Every foreign key of a freshly initialised store leads an index, so a table added
 * without one fails here; and the check itself finds keys that lack one, lead only a
 * partial index of other rows than those with the key, or stand second in an index,
 * but not a key leading the primary key or a partial index of its non-NULL rows. */
static void every_foreign_key_has_an_index(void **state) {
  fixture *f = *state;
  char *missing = unindexed_foreign_keys(f->db);
  if (missing) fail_msg("foreign keys without an index:\n%s", missing);
  char err[512];
  assert_int_equal(store_exec(f->db,
                              "CREATE TABLE probe_bare (id INTEGER PRIMARY KEY, org TEXT REFERENCES organization(id));"
                              "CREATE TABLE probe_partial (org TEXT REFERENCES organization(id));"
                              "CREATE INDEX probe_partial_org ON probe_partial(org) WHERE org <> 'a1';"
                              "CREATE TABLE probe_not_null (org TEXT REFERENCES organization(id));"
                              "CREATE INDEX probe_not_null_org ON probe_not_null(org) WHERE org IS NOT NULL;"
                              "CREATE TABLE probe_second (kind TEXT, org TEXT REFERENCES organization(id));"
                              "CREATE INDEX probe_second_kind ON probe_second(kind, org);"
                              "CREATE TABLE probe_pair (a TEXT, b TEXT, FOREIGN KEY (b, a) REFERENCES staff_snapshot(date, municipality));"
                              "CREATE INDEX probe_pair_ab ON probe_pair(a, b, a);"
                              "CREATE TABLE probe_key (org TEXT, n INTEGER, PRIMARY KEY (org, n),"
                              "  FOREIGN KEY (org) REFERENCES organization(id)) WITHOUT ROWID;",
                              err, sizeof err),
                   0);
  missing = unindexed_foreign_keys(f->db);
  assert_non_null(missing);
  assert_string_equal(missing, "probe_bare(org)\nprobe_partial(org)\nprobe_second(org)");
  free(missing);
}

/* The version of the schema before the first migration whose SQL holds marker. */
static int schema_before(const char *marker) {
  for (int n = 1; store_migration_sql(n); n++)
    if (strstr(store_migration_sql(n), marker)) return n - 1;
  return -1;
}

/* A new store at path written by the migrations up to version, as an older pdmon left it. */
static sqlite3 *store_of_schema(const char *path, int version) {
  sqlite3 *db;
  char err[512], pragma[64];
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  for (int n = 1; n <= version; n++)
    if (store_exec(db, store_migration_sql(n), err, sizeof err) != 0) fail_msg("migration %d: %s", n, err);
  snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d; PRAGMA foreign_keys = ON;", version);
  support_exec(db, pragma);
  return db;
}

/* Every result row with its rowid, each value quoted (NULL apart from ''), in rowid order. */
#define RESULT_ROWS                                                                                                  \
  "SELECT group_concat(x, char(10)) FROM (SELECT rowid || '|' || quote(cycle_id) || '|' || quote(indicator)"       \
  " || '|' || quote(criterion) || '|' || quote(title) || '|' || quote(unit) || '|' || quote(organization)"           \
  " || '|' || quote(organization_name) || '|' || quote(breakdown) || '|' || quote(grp) || '|' || quote(value)"        \
  " || '|' || quote(target_text) || '|' || quote(status) || '|' || quote(message) || '|' || quote(criterion_title)"   \
  " || '|' || quote(source) || '|' || quote(level) || '|' || quote(reading) || '|' || quote(deadline)"               \
  " || '|' || quote(base_asked) AS x FROM cycle_result ORDER BY rowid)"

static char *text_of(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  char *text = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) text = strdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return text;
}

/* A store of schema 13, its results in one wide table, opened by this pdmon: the rows
 * move to the narrow table with their rowids, texts shared where they are equal (NULL
 * equal to NULL), and the view shows every row as it was; the view is written as the
 * table was, a text changed in one row changing that row only. */
static void wide_results_move_to_narrow_rows(void **state) {
  fixture *f = *state;
  char err[512], path[600];
  snprintf(path, sizeof path, "%s/wide.db", f->dir);
  int before = schema_before("CREATE TABLE cycle_result_text");
  assert_true(before >= 13);
  sqlite3 *old = store_of_schema(path, before);
  assert_int_equal(store_exec(old, "INSERT INTO cycle (id, municipality, period, opened_at) VALUES"
                                   " (1, 'alpha', 2023, 'x'), (2, 'beta', 2023, 'x');"
                                   "INSERT INTO cycle_result (rowid, cycle_id, indicator, criterion, title, unit, organization,"
                                   " organization_name, breakdown, value, target_text, status, message, criterion_title, source,"
                                   " level, reading, base_asked) VALUES"
                                   " (3, 1, 'i1', 'c1', 'Доля «А»', '%', NULL, NULL, NULL, 50, 'Ежегодно - 75%', 'not_met', NULL,"
                                   "  'Критерий', 'ФИС', 'municipality', 'чем больше, тем лучше', NULL),"
                                   " (7, 1, 'i1', 'c1', 'Доля «А»', '%', 'o1', 'Школа 1', NULL, 80, 'Ежегодно - 75%', 'met', '',"
                                   "  'Критерий', 'ФИС', 'municipality', 'чем больше, тем лучше', 2022),"
                                   " (8, 1, 'i2', NULL, 'Число', NULL, NULL, NULL, 'kind', 4, NULL, 'no_target', 'нет цели',"
                                   "  NULL, NULL, NULL, NULL, NULL),"
                                   " (9, 1, 'i1', 'c1', 'Доля «А»', '%', 'o2', 'Школа 2', NULL, 10, 'Ежегодно - 75%', 'not_met',"
                                   "  NULL, 'Критерий', 'ФИС', 'municipality', 'чем больше, тем лучше', NULL),"
                                   " (10, 1, 'i2', NULL, 'Число (другое)', NULL, 'o1', 'Школа 1', NULL, 1, NULL, 'no_target',"
                                   "  NULL, NULL, NULL, NULL, NULL, NULL),"
                                   " (11, 2, 'i1', 'c1', 'Доля «А»', '%', NULL, NULL, NULL, 60, 'Ежегодно - 75%', 'not_met',"
                                   "  NULL, 'Критерий', 'ФИС', 'municipality', 'чем больше, тем лучше', NULL),"
                                   " (12, 1, 'i2', NULL, 'Число', NULL, 'o2', 'Школа 2', NULL, 2, NULL, 'no_target', NULL,"
                                   "  NULL, NULL, NULL, NULL, NULL);",
                              err, sizeof err), 0);
  char *wide = text_of(old, RESULT_ROWS);
  assert_non_null(wide);
  sqlite3_close(old);
  sqlite3 *db;
  assert_int_equal(store_open(path, 0, &db, err, sizeof err), 0);
  assert_int_equal(support_count(db, "PRAGMA user_version"), store_schema_version());
  char *narrow = text_of(db, RESULT_ROWS);
  assert_non_null(narrow);
  assert_string_equal(narrow, wide);
  free(narrow);
  free(wide);
  /* one set of texts per cycle and texts that differ: (1, i1), (1, i2) twice, (2, i1) */
  assert_int_equal(support_count(db, "SELECT count(*) FROM cycle_result_text"), 4);
  assert_int_equal(support_count(db, "SELECT count(*) FROM cycle_result_row WHERE text_id IS NULL"), 0);
  assert_int_equal(support_count(db, "SELECT count(DISTINCT text_id) FROM cycle_result_row WHERE cycle_id = 1 AND indicator = 'i2'"), 2);
  assert_int_equal(support_count(db, "SELECT count(*) FROM cycle_result WHERE rowid IS NULL"), 0);
  /* written through the view as the table was */
  assert_int_equal(store_exec(db, "INSERT INTO cycle_result (cycle_id, indicator, title, unit, organization, value, status)"
                                  " VALUES (2, 'i3', 'Новый', '%', 'o9', 1, 'met');"
                                  "UPDATE cycle_result SET title = 'Иначе', value = 81 WHERE rowid = 7;"
                                  "DELETE FROM cycle_result WHERE rowid = 12;",
                              err, sizeof err), 0);
  assert_int_equal(support_count(db, "SELECT count(*) FROM cycle_result WHERE indicator = 'i3' AND title = 'Новый' AND unit = '%'"
                             " AND organization = 'o9' AND rowid > 12"), 1);
  assert_int_equal(support_count(db, "SELECT count(*) FROM cycle_result WHERE title = 'Иначе' AND value = 81 AND rowid = 7"
                             " AND criterion_title = 'Критерий' AND base_asked = 2022"), 1);
  assert_int_equal(support_count(db, "SELECT count(*) FROM cycle_result WHERE title = 'Доля «А»' AND cycle_id = 1"), 2);
  assert_int_equal(support_count(db, "SELECT count(*) FROM cycle_result WHERE rowid = 12"), 0);
  assert_int_equal(support_count(db, "SELECT count(*) FROM cycle_result"), 7);
  sqlite3_close(db);
}

/* The texts no result row names (none, since schema 16), counted without the triggers'
 * own shortcut (a row names a text of its own cycle and indicator). */
#define UNNAMED_TEXTS                                                                                              \
  "SELECT count(*) FROM cycle_result_text t WHERE NOT EXISTS (SELECT 1 FROM cycle_result_row r WHERE r.text_id = t.id)"
/* A cycle whose results are all deleted through the view, and its other records, deletes:
 * no text of it is left behind to hold its foreign key. */
static void cycle_deletes(sqlite3 *db, long long cycle) {
  char sql[512];
  snprintf(sql, sizeof sql, "DELETE FROM cycle_result WHERE cycle_id = %lld; DELETE FROM cycle_judgement WHERE"
                            " cycle_id = %lld; DELETE FROM cycle WHERE id = %lld;", cycle, cycle, cycle);
  support_exec(db, sql);
  snprintf(sql, sizeof sql, "SELECT count(*) FROM cycle_result_text WHERE cycle_id = %lld", cycle);
  assert_int_equal(support_count(db, sql), 0);
}

/* The view written as the old table was, by an outside tool, leaves no text that no row
 * names (review finding F2: the triggers of schema 14 left one behind when an UPDATE gave
 * a row other texts or a DELETE removed a text's last row, and the cycle could not be
 * deleted); a text changed in one row is that row's only; an UPDATE of figures keeps the
 * row's text; a rowid given is kept, as the table kept it. */
static void view_writes_leave_no_texts_behind(void **state) {
  fixture *f = *state;
  support_exec(f->db, "INSERT INTO cycle (id, municipality, period, opened_at) VALUES (1, 'alpha', 2023, 'x'),"
                      " (2, 'beta', 2023, 'x');"
                      "INSERT INTO cycle_result (cycle_id, indicator, title, organization, value, status) VALUES"
                      " (1, 'i1', 'Доля', NULL, 50, 'not_met'), (1, 'i1', 'Доля', 'a1', 80, 'met'),"
                      " (1, 'i1', 'Доля', 'a2', 20, 'not_met'), (1, 'i2', 'Число', NULL, 4, 'no_target');"
                      "INSERT INTO cycle_result (rowid, cycle_id, indicator, title, value, status)"
                      " VALUES (40, 2, 'i1', 'Доля', 1, 'met');");
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result_text"), 3);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result WHERE rowid = 40 AND cycle_id = 2"), 1);
  /* a text changed in one row, twice: the first change's text goes with the second */
  support_exec(f->db, "UPDATE cycle_result SET title = 'Доля (уточн.)' WHERE organization = 'a1';"
                      "UPDATE cycle_result SET title = 'Доля (иначе)' WHERE organization = 'a1';");
  assert_int_equal(support_count(f->db, UNNAMED_TEXTS), 0);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result WHERE title = 'Доля'"), 3);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result WHERE title = 'Доля (иначе)'"), 1);
  /* a row moved to another cycle takes its texts along */
  support_exec(f->db, "UPDATE cycle_result SET cycle_id = 2 WHERE indicator = 'i2'");
  assert_int_equal(support_count(f->db, UNNAMED_TEXTS), 0);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result_text WHERE indicator = 'i2' AND cycle_id = 2"), 1);
  /* figures and statuses changed, texts not: each row keeps the text it names */
  char before[4096], after[4096];
  snprintf(before, sizeof before, "%s", support_text(f->db, "SELECT group_concat(rowid || ':' || text_id, ';')"
                                                            " FROM cycle_result_row", after, sizeof after));
  assert_true(strlen(before) > 0);
  support_exec(f->db, "UPDATE cycle_result SET value = value + 1, status = 'met'");
  assert_string_equal(support_text(f->db, "SELECT group_concat(rowid || ':' || text_id, ';') FROM cycle_result_row",
                                   after, sizeof after), before);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result WHERE status = 'met'"), 5);
  /* a rowid changed as the table's was */
  support_exec(f->db, "UPDATE cycle_result SET rowid = 41 WHERE rowid = 40");
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result WHERE rowid = 41 AND value = 2"), 1);
  /* a row deleted whose text others name, then a text's last row */
  support_exec(f->db, "DELETE FROM cycle_result WHERE cycle_id = 1 AND organization IS NULL");
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result WHERE title = 'Доля'"), 2);
  support_exec(f->db, "DELETE FROM cycle_result WHERE organization = 'a1'");
  assert_int_equal(support_count(f->db, UNNAMED_TEXTS), 0);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result_text"), 3);
  cycle_deletes(f->db, 1);
  cycle_deletes(f->db, 2);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM cycle_result_text"), 0);
}

/* A store of schema 15 whose view an outside tool wrote, leaving texts that no row names
 * (the triggers of 14), opened by this pdmon: those texts are gone, every other text and
 * row is as it was, and the cycle deletes. */
static void texts_left_by_an_older_pdmon_are_deleted(void **state) {
  fixture *f = *state;
  char err[512], path[600], rows[4096], again[4096];
  snprintf(path, sizeof path, "%s/orphans.db", f->dir);
  int before = schema_before("DROP TRIGGER cycle_result_update");
  assert_true(before >= 15);
  sqlite3 *old = store_of_schema(path, before);
  support_exec(old, "INSERT INTO cycle (id, municipality, period, opened_at) VALUES (1, 'alpha', 2023, 'x');"
                    "INSERT INTO cycle_result (cycle_id, indicator, title, organization, value, status) VALUES"
                    " (1, 'i1', 'Доля', NULL, 50, 'not_met'), (1, 'i1', 'Доля', 'a1', 80, 'met'),"
                    " (1, 'i2', 'Число', NULL, 4, 'no_target'), (1, 'i3', 'Иное', NULL, 1, 'met');"
                    "UPDATE cycle_result SET title = 'Число (уточн.)' WHERE indicator = 'i2';"
                    "DELETE FROM cycle_result WHERE indicator = 'i3';");
  assert_int_equal(support_count(old, UNNAMED_TEXTS), 2); /* the finding, reproduced */
  support_exec(old, "BEGIN");
  assert_int_not_equal(store_exec(old, "DELETE FROM cycle_result WHERE cycle_id = 1; DELETE FROM cycle WHERE id = 1",
                                  err, sizeof err), 0);
  support_exec(old, "ROLLBACK");
  snprintf(rows, sizeof rows, "%s",
           support_text(old, "SELECT group_concat(rowid || ':' || quote(title) || ':' || quote(value), ';')"
                             " FROM cycle_result", again, sizeof again));
  sqlite3_close(old);
  sqlite3 *db;
  assert_int_equal(store_open(path, 0, &db, err, sizeof err), 0);
  assert_int_equal(support_count(db, "PRAGMA user_version"), store_schema_version());
  assert_int_equal(support_count(db, UNNAMED_TEXTS), 0);
  assert_int_equal(support_count(db, "SELECT count(*) FROM cycle_result_text"), 2);
  assert_string_equal(support_text(db, "SELECT group_concat(rowid || ':' || quote(title) || ':' || quote(value), ';')"
                                       " FROM cycle_result", again, sizeof again), rows);
  cycle_deletes(db, 1);
  sqlite3_close(db);
}

/* 1 when SQLite's plan for sql names index. */
static int plan_uses(sqlite3 *db, const char *sql, const char *index) {
  char eqp[1024];
  snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, eqp, -1, &st, NULL), SQLITE_OK);
  int uses = 0;
  while (sqlite3_step(st) == SQLITE_ROW) uses |= strstr((const char *)sqlite3_column_text(st, 3), index) != NULL;
  sqlite3_finalize(st);
  return uses;
}

/* participation_by_organization holds only the rows with an organization (schema 15):
 * the lookups of one organization's participation (the rules' organization<participation,
 * an organization's own filter) and SQLite's check of the foreign key when an
 * organization is deleted still find them through it. */
static void participation_of_an_organization_is_found_by_index(void **state) {
  fixture *f = *state;
  assert_int_equal(support_count(f->db, "SELECT partial FROM pragma_index_list('participation')"
                                " WHERE name = 'participation_by_organization'"), 1);
  assert_true(plan_uses(f->db, "SELECT 1 FROM participation pa WHERE pa.organization_id = ?1"
                               " AND pa.date BETWEEN ?2 AND ?3", "INDEX participation_by_organization (organization_id=?"));
  assert_true(plan_uses(f->db, "SELECT o.id FROM organization o WHERE EXISTS (SELECT 1 FROM participation pa"
                               " WHERE pa.organization_id = o.id AND pa.result = 'laureate'"
                               " AND pa.date BETWEEN '2023-01-01' AND '2023-12-31')",
                        "INDEX participation_by_organization (organization_id=?"));
  /* the foreign key's check is code of the DELETE itself: it opens the index's root page */
  long long root = support_count(f->db, "SELECT rootpage FROM sqlite_schema WHERE name = 'participation_by_organization'");
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(f->db, "EXPLAIN DELETE FROM organization WHERE id = 'a1'", -1, &st, NULL),
                   SQLITE_OK);
  int opened = 0;
  while (sqlite3_step(st) == SQLITE_ROW)
    opened |= !strcmp((const char *)sqlite3_column_text(st, 1), "OpenRead") && sqlite3_column_int64(st, 3) == root;
  sqlite3_finalize(st);
  assert_true(opened);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(schema_is_current_and_reopen_is_idempotent, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(newer_store_is_refused, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(missing_store_is_not_created_without_init, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(meta_round_trip, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(view_holds_one_municipality_whatever_the_sql, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(view_never_reads_the_core_tables, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(the_store_chooses_the_municipality, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(view_refuses_every_write, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(foreign_and_newer_files_are_left_untouched, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(second_writer_waits, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(every_foreign_key_has_an_index, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(wide_results_move_to_narrow_rows, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(view_writes_leave_no_texts_behind, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(texts_left_by_an_older_pdmon_are_deleted, setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(participation_of_an_organization_is_found_by_index, setup, support_store_teardown),
  };
  return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
