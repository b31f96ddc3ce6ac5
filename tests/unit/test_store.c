/* The store: migrations, and the rules' connection refusing every kind of
 * write and every row of another municipality. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "support.h"

typedef struct fixture {
  char *dir;
  char path[512];
  sqlite3 *db;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->dir = support_tempdir();
  snprintf(f->path, sizeof f->path, "%s/store.db", f->dir);
  char err[512];
  if (store_open(f->path, 1, &f->db, err, sizeof err) != 0) return -1;
  const char *rows =
      "INSERT INTO organization VALUES ('a1','A1','school','alpha',NULL),"
      " ('a2','A2','school','alpha',NULL), ('b1','B1','school','beta',NULL);"
      "INSERT INTO staff (id, organization_id, position) VALUES ('s1','a1','teacher'),"
      " ('s2','a2','teacher'), ('s3','b1','teacher'), ('s4','b1','head');"
      "INSERT INTO activity (id, staff_id, kind, date) VALUES ('x1','s1','diagnostic','2023-01-01'),"
      " ('x2','s3','diagnostic','2023-01-01');";
  if (store_exec(f->db, rows, err, sizeof err) != 0) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  sqlite3_close(f->db);
  support_remove_tree(f->dir);
  free(f);
  return 0;
}

static long long count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  long long n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static void schema_is_current_and_reopen_is_idempotent(void **state) {
  fixture *f = *state;
  assert_int_equal(count(f->db, "PRAGMA user_version"), store_schema_version());
  assert_int_equal(count(f->db, "PRAGMA foreign_keys"), 1);
  sqlite3 *again;
  char err[512];
  assert_int_equal(store_open(f->path, 0, &again, err, sizeof err), 0);
  assert_int_equal(count(again, "SELECT count(*) FROM organization"), 3);
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

static void readonly_sees_one_municipality(void **state) {
  fixture *f = *state;
  sqlite3 *ro;
  char err[512];
  assert_int_equal(store_open_readonly(f->path, "alpha", &ro, err, sizeof err), 0);
  assert_int_equal(count(ro, "SELECT count(*) FROM organization"), 2);
  assert_int_equal(count(ro, "SELECT count(*) FROM staff"), 2);
  assert_int_equal(count(ro, "SELECT count(*) FROM activity"), 1);
  assert_int_equal(count(ro, "SELECT count(*) FROM staff WHERE organization_id = 'b1'"), 0);
  /* going around the views to the main tables is refused */
  assert_int_equal(count(ro, "SELECT count(*) FROM main.staff"), -1);
  assert_int_equal(count(ro, "SELECT count(*) FROM main.organization"), -1);
  assert_non_null(strstr(sqlite3_errmsg(ro), "not authorized"));
  sqlite3_close(ro);
  assert_int_equal(store_open_readonly(f->path, NULL, &ro, err, sizeof err), 0);
  assert_int_equal(count(ro, "SELECT count(*) FROM staff"), 4);
  sqlite3_close(ro);
}

static void readonly_refuses_every_write(void **state) {
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
    "DROP VIEW staff",
    "DROP TABLE main.staff",
    "ALTER TABLE organization ADD COLUMN evil TEXT",
    "ATTACH DATABASE ':memory:' AS other",
    "DETACH DATABASE temp",
    "PRAGMA user_version = 5",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA writable_schema = ON",
    "BEGIN",
    "SAVEPOINT s",
    "REINDEX",
    "ANALYZE",
    "VACUUM",
    "VACUUM INTO '/tmp/pdmon-evil.db'",
    "SELECT load_extension('/tmp/evil')",
    "WITH x AS (SELECT 1) INSERT INTO organization SELECT 'y','Y','school','alpha',NULL FROM x",
  };
  sqlite3 *ro;
  char err[512];
  assert_int_equal(store_open_readonly(f->path, "alpha", &ro, err, sizeof err), 0);
  for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
    int rc = sqlite3_exec(ro, writes[i], NULL, NULL, NULL);
    if (rc == SQLITE_OK) print_error("was allowed: %s\n", writes[i]);
    assert_int_not_equal(rc, SQLITE_OK);
  }
  /* reading the schema is allowed; a rule may look at its columns */
  assert_int_equal(sqlite3_exec(ro, "PRAGMA table_info(staff)", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(ro);
  assert_int_equal(count(f->db, "SELECT count(*) FROM organization"), 3);
  assert_int_equal(count(f->db, "SELECT count(*) FROM staff WHERE position = 'head'"), 1);
  assert_int_equal(count(f->db, "SELECT count(*) FROM activity"), 2);
  assert_int_equal(count(f->db, "SELECT count(*) FROM sqlite_schema WHERE name = 'evil'"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(schema_is_current_and_reopen_is_idempotent, setup, teardown),
    cmocka_unit_test_setup_teardown(newer_store_is_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(missing_store_is_not_created_without_init, setup, teardown),
    cmocka_unit_test_setup_teardown(meta_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown(readonly_sees_one_municipality, setup, teardown),
    cmocka_unit_test_setup_teardown(readonly_refuses_every_write, setup, teardown),
  };
  return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
