/* The analysis of a cycle: the comparison with the other municipalities' cycles of the
 * period lists equal values in the order of the municipalities' codes, and every statement
 * the analysis reads finds its rows by index, however many cycles the store holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "store.h"
#include "support.h"

/* The store each test starts from (support.h). */
typedef support_store fixture;

/* Three municipalities' cycles of 2023, opened out of the order of their codes (beta's
 * first), beta and alpha with equal values of i1 and gamma above them; alpha's cycle of
 * 2022 has a higher value, which a comparison of 2023 must not read. */
static void equal_values_are_listed_in_the_order_of_codes(void **state) {
  fixture *f = *state;
  support_exec(f->db, "INSERT INTO cycle (id, municipality, period, state, opened_at) VALUES"
              " (1, 'beta', 2023, 'run', '2023-12-01'), (2, 'alpha', 2023, 'run', '2023-12-02'),"
              " (3, 'gamma', 2023, 'run', '2023-12-03'), (4, 'alpha', 2022, 'closed', '2022-12-01');"
              "INSERT INTO cycle_result (cycle_id, indicator, value, status) VALUES"
              " (1, 'i1', 50, 'met'), (2, 'i1', 50, 'met'), (3, 'i1', 70, 'met'), (4, 'i1', 99, 'met');"
              "INSERT INTO cycle_result (cycle_id, indicator, organization, value, status) VALUES"
              " (1, 'i1', 'b-s1', 10, 'not_met'), (2, 'i1', 'a-s1', 90, 'met');");
  cycle_ref beta = {.id = 1, .municipality = "beta", .period = 2023, .state = "run"};
  cJSON *analysis = analysis_build(f->db, &beta);
  cJSON *rows = cJSON_GetObjectItem(analysis, "municipalities");
  assert_int_equal(cJSON_GetArraySize(rows), 3);
  static const char *const order[] = {"gamma", "alpha", "beta"};
  static const int ranks[] = {1, 2, 2};
  for (int i = 0; i < 3; i++) {
    cJSON *row = cJSON_GetArrayItem(rows, i);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(row, "municipality")), order[i]);
    assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(row, "rank")), ranks[i]);
    assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(row, "value")), i ? 50 : 70);
  }
  cJSON_Delete(analysis);
}

/* The lines of SQLite's plan for sql that read a whole table or index ("SCAN t ..."; a
 * subquery's own rows, "SCAN (subquery-1)", are not a table's), one per line, or NULL. */
static char *table_scans(sqlite3 *db, const char *sql) {
  char eqp[8192], *list = NULL;
  size_t len = 0;
  snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, eqp, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *detail = (const char *)sqlite3_column_text(st, 3);
    if (strncmp(detail, "SCAN ", 5) || detail[5] == '(') continue;
    list = realloc(list, len + strlen(detail) + 2);
    len += (size_t)sprintf(list + len, "%s\n", detail);
  }
  sqlite3_finalize(st);
  return list;
}

/* Fails naming every statement of the analysis that scans a table of db. */
static void assert_no_scan(sqlite3 *db, const char *when) {
  for (size_t i = 0; analysis_statement(i); i++) {
    char *scans = table_scans(db, analysis_statement(i));
    if (scans) fail_msg("%s, statement %zu of the analysis scans:\n%s%s", when, i, scans, analysis_statement(i));
  }
}

/* Forty municipalities with cycles of two periods, each with its totals and the rows of
 * its organizations: every statement of the analysis finds the cycle's rows and those of
 * the period by index, before the store has statistics on its cycles and after. */
static void every_statement_reads_by_index(void **state) {
  fixture *f = *state;
  assert_non_null(analysis_statement(0));
  support_exec(f->db, "WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < 40)"
              " INSERT INTO cycle (municipality, period, state, opened_at)"
              " SELECT printf('m%02d', i), p, 'run', '2023-12-01' FROM m, (SELECT 2022 AS p UNION ALL SELECT 2023);"
              "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 25)"
              " INSERT INTO cycle_result (cycle_id, indicator, organization, value, status)"
              " SELECT c.id, 'i' || k.i, o.org, k.i, 'met' FROM cycle c, k,"
              " (SELECT NULL AS org UNION ALL SELECT 'o1' UNION ALL SELECT 'o2' UNION ALL SELECT 'o3') o;"
              "INSERT INTO cycle_problem (cycle_id, indicator, organization, description)"
              " SELECT cycle_id, indicator, organization, 'below' FROM cycle_result WHERE organization = 'o1';"
              "INSERT INTO cycle_recommendation (cycle_id, indicator, organization, addressee, text)"
              " SELECT cycle_id, indicator, organization, 'organization', 'do' FROM cycle_result WHERE organization = 'o2';");
  assert_no_scan(f->db, "without statistics");
  support_exec(f->db, "ANALYZE");
  assert_no_scan(f->db, "with statistics");
  /* and the check finds a scan where there is one, through the view cycle_result too
   * (its rows are cycle_result_row, named r inside it) */
  char *scans = table_scans(f->db, "SELECT count(*) FROM cycle_result WHERE value > 3");
  assert_non_null(scans);
  assert_non_null(strstr(scans, "SCAN r"));
  free(scans);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(equal_values_are_listed_in_the_order_of_codes, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(every_statement_reads_by_index, support_store_setup, support_store_teardown),
  };
  return cmocka_run_group_tests_name("analysis", tests, NULL, NULL);
}
