/* The evaluation's two SQL aggregates (dsl/sql_tally.c), called through
 * sqlite3 as the scans call them: pdmon_bits, the bitwise OR of a
 * worker's rows' bits (0 for no rows or only NULLs, every one of the 64
 * bits kept, a fresh state per group and per run of a correlated
 * subquery), and pdmon_tally, the counts and totals of the measures whose
 * mask bits a row holds (its plan's grammar, what it refuses, a group
 * whose plan changes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "sql_tally.h"

static sqlite3 *open_db(void) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  assert_int_equal(sql_tally_register(db), SQLITE_OK);
  return db;
}

static void exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
  if (rc != SQLITE_OK) fail_msg("%s: %s", sql, err ? err : "?");
}

/* The single value of a query of one row: its type and integer. */
static int64_t one_integer(sqlite3 *db, const char *sql, int *type) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  *type = sqlite3_column_type(st, 0);
  int64_t v = sqlite3_column_int64(st, 0);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  return v;
}

/* pdmon_bits over a query whose result must be an INTEGER (never NULL). */
static int64_t bits_of(sqlite3 *db, const char *sql) {
  int type = 0;
  int64_t v = one_integer(db, sql, &type);
  assert_int_equal(type, SQLITE_INTEGER);
  return v;
}

static void bits_or_together(void **state) {
  (void)state;
  sqlite3 *db = open_db();
  exec(db, "CREATE TABLE t(g, x); INSERT INTO t VALUES (1, 1), (1, 2), (1, 8), (1, 2), (1, 3);");
  assert_int_equal(bits_of(db, "SELECT pdmon_bits(x) FROM t"), 11);
  /* one row gives its own bits, a row of 0 adds none */
  assert_int_equal(bits_of(db, "SELECT pdmon_bits(x) FROM t WHERE x = 8"), 8);
  assert_int_equal(bits_of(db, "SELECT pdmon_bits(0) FROM t"), 0);
  sqlite3_close(db);
}

static void bits_of_no_rows_are_zero(void **state) {
  (void)state;
  sqlite3 *db = open_db();
  exec(db, "CREATE TABLE t(x); CREATE TABLE empty(x); INSERT INTO t VALUES (NULL), (NULL);");
  /* 0, not NULL: a condition's bit is tested with &, and NULL & b is NULL */
  assert_int_equal(bits_of(db, "SELECT pdmon_bits(x) FROM empty"), 0);
  assert_int_equal(bits_of(db, "SELECT pdmon_bits(x) FROM t"), 0);
  assert_int_equal(bits_of(db, "SELECT pdmon_bits(x) | 4 FROM empty"), 4);
  sqlite3_close(db);
}

static void bits_ignore_nulls(void **state) {
  (void)state;
  sqlite3 *db = open_db();
  /* NULL first: the state is made by the first row that has a value */
  exec(db, "CREATE TABLE t(i, x); INSERT INTO t VALUES (1, NULL), (2, 1), (3, NULL), (4, 4), (5, NULL);");
  assert_int_equal(bits_of(db, "SELECT pdmon_bits(x) FROM t"), 5);
  assert_int_equal(bits_of(db, "SELECT pdmon_bits(x) FROM t WHERE i >= 3"), 4);
  sqlite3_close(db);
}

static void bits_keep_all_64(void **state) {
  (void)state;
  sqlite3 *db = open_db();
  /* a mask word holds up to 60 conditions; the sign bit must survive too */
  exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1 << 59), (1 << 62), (1 << 63), (1);");
  int64_t want = (INT64_C(1) << 59) | (INT64_C(1) << 62) | INT64_MIN | 1;
  assert_true(bits_of(db, "SELECT pdmon_bits(x) FROM t") == want);
  assert_true(bits_of(db, "SELECT pdmon_bits(x) FROM t WHERE x < 0") == INT64_MIN);
  assert_int_equal(bits_of(db, "SELECT pdmon_bits(-1) FROM t"), -1);
  sqlite3_close(db);
}

static void bits_per_group(void **state) {
  (void)state;
  sqlite3 *db = open_db();
  exec(db, "CREATE TABLE t(g, x);"
           "INSERT INTO t VALUES (1, 1), (1, 2), (2, NULL), (3, 16), (3, 1), (4, 4);");
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT g, pdmon_bits(x) FROM t GROUP BY g ORDER BY g", -1, &st, NULL),
                   SQLITE_OK);
  const int64_t want[] = {3, 0, 17, 4};
  for (int i = 0; i < 4; i++) {
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), i + 1);
    assert_int_equal(sqlite3_column_type(st, 1), SQLITE_INTEGER);
    assert_int_equal(sqlite3_column_int64(st, 1), want[i]);
  }
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

/* The shape the scans use: per worker, one read of their activities in
 * one range of the index, a CASE on the kind giving each probe's bit; a
 * worker without activities (between two who have some) gets 0, not the
 * bits of the worker before. */
static void bits_in_correlated_subquery(void **state) {
  (void)state;
  sqlite3 *db = open_db();
  exec(db, "CREATE TABLE staff(id INTEGER PRIMARY KEY);"
           "CREATE TABLE activity(staff_id, kind, year);"
           "CREATE INDEX activity_by_staff ON activity(staff_id, kind, year);"
           "INSERT INTO staff VALUES (1), (2), (3), (4);"
           "INSERT INTO activity VALUES (1, 'diagnostic', 2024), (1, 'tutoring', 2023),"
           " (3, 'tutoring', 2024), (3, 'tutoring', 2024), (4, 'course', 2024);");
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT s.id, (SELECT pdmon_bits(CASE a.kind"
                                      " WHEN 'diagnostic' THEN 1 | (CASE WHEN a.year = 2024 THEN 2 ELSE 0 END)"
                                      " WHEN 'tutoring' THEN (CASE WHEN a.year = 2024 THEN 4 ELSE 0 END) ELSE 0 END)"
                                      " FROM activity a WHERE a.staff_id = s.id) FROM staff s ORDER BY s.id",
                                      -1, &st, NULL),
                   SQLITE_OK);
  const int64_t want[] = {3, 0, 4, 0};
  for (int i = 0; i < 4; i++) {
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(st, 1), SQLITE_INTEGER);
    assert_int_equal(sqlite3_column_int64(st, 1), want[i]);
  }
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static void bits_take_one_argument(void **state) {
  (void)state;
  sqlite3 *db = open_db();
  sqlite3_stmt *st = NULL;
  assert_int_not_equal(sqlite3_prepare_v2(db, "SELECT pdmon_bits()", -1, &st, NULL), SQLITE_OK);
  assert_null(st);
  assert_int_not_equal(sqlite3_prepare_v2(db, "SELECT pdmon_bits(1, 2)", -1, &st, NULL), SQLITE_OK);
  assert_null(st);
  sqlite3_close(db);
}

/* Runs sql (one row, one column: a pdmon_tally blob) and unpacks n
 * values; 0, or -1 when the result is NULL. */
static int tally_of(sqlite3 *db, const char *sql, int n, int64_t *ints, double *reals) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int result = 0;
  if (sqlite3_column_type(st, 0) == SQLITE_NULL) result = -1;
  else {
    assert_int_equal(sqlite3_column_type(st, 0), SQLITE_BLOB);
    assert_int_equal(sqlite3_column_bytes(st, 0), n * 8);
    const unsigned char *blob = sqlite3_column_blob(st, 0);
    for (int i = 0; i < n; i++) {
      if (ints) memcpy(&ints[i], blob + i * 8, 8);
      if (reals) memcpy(&reals[i], blob + i * 8, 8);
    }
  }
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  return result;
}

/* The error sql's first step gives (NULL when it gives a row). */
static char *error_of(sqlite3 *db, const char *sql) {
  static char message[256];
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  int rc = sqlite3_step(st);
  snprintf(message, sizeof message, "%s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_ERROR ? message : NULL;
}

/* Rows with two mask words (m1, m2) and a field f. */
static sqlite3 *tally_db(void) {
  sqlite3 *db = open_db();
  exec(db, "CREATE TABLE r(g, m1, m2, f);"
           "INSERT INTO r VALUES (1, 1, 0, 1.5), (1, 3, 4, NULL), (1, 2, 4, 2.25), (1, 7, 0, 10),"
           " (2, 0, 0, 5);");
  return db;
}

static void tally_counts_rows_holding_all_bits(void **state) {
  (void)state;
  sqlite3 *db = tally_db();
  int64_t v[5];
  /* n: every row; n:1=1 rows with bit 1; n:1=3 both bits 1 and 2 (not
   * either); n:2=4 the second word; n:1=2,2=4 both words */
  assert_int_equal(tally_of(db, "SELECT pdmon_tally('2 0;n:;n:1=1;n:1=3;n:2=4;n:1=2,2=4', m1, m2) FROM r WHERE g = 1",
                            5, v, NULL),
                   0);
  assert_int_equal(v[0], 4);
  assert_int_equal(v[1], 3);
  assert_int_equal(v[2], 2);
  assert_int_equal(v[3], 2);
  assert_int_equal(v[4], 2);
  sqlite3_close(db);
}

static void tally_totals_and_counts_fields(void **state) {
  (void)state;
  sqlite3 *db = tally_db();
  double t[3];
  int64_t c[3];
  const char *plan = "'1 1;t1:;t1:1=2;c1:1=1'";
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT pdmon_tally(%s, m1, f) FROM r WHERE g = 1", plan);
  assert_int_equal(tally_of(db, sql, 3, NULL, t), 0);
  /* NULL fields add nothing to a total and are not counted */
  assert_true(t[0] == 13.75);
  assert_true(t[1] == 12.25);
  assert_int_equal(tally_of(db, sql, 3, c, NULL), 0);
  assert_int_equal(c[2], 2);
  sqlite3_close(db);
}

static void tally_per_group_and_none(void **state) {
  (void)state;
  sqlite3 *db = tally_db();
  int64_t v[2];
  assert_int_equal(tally_of(db, "SELECT pdmon_tally('1 0;n:;n:1=1', m1) FROM r WHERE g = 2", 2, v, NULL), 0);
  assert_int_equal(v[0], 1);
  assert_int_equal(v[1], 0);
  /* no rows: NULL, which the evaluation reads as every measure 0 */
  assert_int_equal(tally_of(db, "SELECT pdmon_tally('1 0;n:', m1) FROM r WHERE g = 3", 1, v, NULL), -1);
  sqlite3_close(db);
}

static void tally_refuses_malformed_plans(void **state) {
  (void)state;
  sqlite3 *db = tally_db();
  const char *bad[] = {
    "SELECT pdmon_tally(NULL, m1) FROM r",
    "SELECT pdmon_tally('1 0', m1) FROM r",           /* no measure */
    "SELECT pdmon_tally('x', m1) FROM r",
    "SELECT pdmon_tally('1 0;q:', m1) FROM r",        /* no such kind */
    "SELECT pdmon_tally('1 0;n:2=1', m1) FROM r",     /* word 2 of 1 */
    "SELECT pdmon_tally('1 0;n:0=1', m1) FROM r",     /* words count from 1 */
    "SELECT pdmon_tally('1 1;t2:', m1, f) FROM r",    /* field 2 of 1 */
    /* half-read measures at the text's end: once read past its end, and
     * taken as plans that count every row or read field 1 of none */
    "SELECT pdmon_tally('1 0;n:1=1;', m1) FROM r",    /* an empty measure */
    "SELECT pdmon_tally('1 0;n', m1) FROM r",
    "SELECT pdmon_tally('1 0;n:1', m1) FROM r",
    "SELECT pdmon_tally('1 1;t2', m1, f) FROM r",     /* field 2 of 1 */
    "SELECT pdmon_tally('1 0;n:1=1;n:2', m1) FROM r", /* word 2 of 1 */
    "SELECT pdmon_tally('1 0;c1', m1) FROM r",        /* field 1 of 0 */
    "SELECT pdmon_tally('1 0;n:1=1x', m1) FROM r",
    "SELECT pdmon_tally('17 0;n:', m1) FROM r",       /* more words than a row may have */
    "SELECT pdmon_tally('2 0;n:', m1) FROM r",        /* one mask given of two */
    "SELECT pdmon_tally('1 0;n:', m1, m2) FROM r",    /* one mask too many */
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char *err = error_of(db, bad[i]);
    if (!err) fail_msg("accepted: %s", bad[i]);
    assert_non_null(strstr(err, "pdmon_tally"));
  }
  /* a good plan still works after the bad ones */
  int64_t v[1];
  assert_int_equal(tally_of(db, "SELECT pdmon_tally('1 0;n:1=4', m1) FROM r", 1, v, NULL), 0);
  assert_int_equal(v[0], 1);
  sqlite3_close(db);
}

static void tally_refuses_a_plan_changed_in_a_group(void **state) {
  (void)state;
  sqlite3 *db = tally_db();
  char *err = error_of(db, "SELECT pdmon_tally(CASE WHEN m1 = 2 THEN '1 0;n:' ELSE '1 0;n:1=1' END, m1) FROM r");
  assert_non_null(err);
  assert_non_null(strstr(err, "changed"));
  sqlite3_close(db);
}

/* Plans are parsed once per connection and kept by their text: two
 * hundred plans side by side (an evaluation uses a few) each keep their
 * own measures, the second time round read from the cache. */
static void tally_keeps_many_plans_apart(void **state) {
  (void)state;
  sqlite3 *db = tally_db();
  const int64_t masks[] = {1, 3, 2, 7, 0}; /* m1 of r's rows */
  for (int round = 0; round < 2; round++)
    for (int k = 1; k <= 200; k++) {
      char sql[128];
      int64_t v[2];
      snprintf(sql, sizeof sql, "SELECT pdmon_tally('1 0;n:1=1;n:1=%d', m1) FROM r", k);
      assert_int_equal(tally_of(db, sql, 2, v, NULL), 0);
      int64_t want = 0;
      for (size_t i = 0; i < sizeof masks / sizeof *masks; i++) want += (masks[i] & k) == k;
      assert_int_equal(v[0], 3);
      assert_int_equal(v[1], want);
    }
  sqlite3_close(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(bits_or_together),
    cmocka_unit_test(bits_of_no_rows_are_zero),
    cmocka_unit_test(bits_ignore_nulls),
    cmocka_unit_test(bits_keep_all_64),
    cmocka_unit_test(bits_per_group),
    cmocka_unit_test(bits_in_correlated_subquery),
    cmocka_unit_test(bits_take_one_argument),
    cmocka_unit_test(tally_counts_rows_holding_all_bits),
    cmocka_unit_test(tally_totals_and_counts_fields),
    cmocka_unit_test(tally_per_group_and_none),
    cmocka_unit_test(tally_refuses_malformed_plans),
    cmocka_unit_test(tally_refuses_a_plan_changed_in_a_group),
    cmocka_unit_test(tally_keeps_many_plans_apart),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
