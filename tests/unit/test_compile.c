/* Compiled sets against hand-written SQL: a pack using every kind of set
 * and aggregate (tests/data/compare) is evaluated on generated data of
 * three municipalities, and each total and per-organization figure is
 * compared with a query written by hand for the same question. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "store.h"
#include "support.h"

static const char *source_dir;

/* The generated store and the compare pack's results on it, made once for every test. */
typedef struct fixture {
  support_store *store; /* support.h */
  result_set results;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  char err[1024], pack[1024];
  void *store = NULL;
  if (!f || support_store_setup(&store) != 0) {
    free(f);
    return -1;
  }
  f->store = store;
  support_generate(f->store->db, 3, 6, 25, 20231);
  if (store_refresh_statistics(f->store->db, err, sizeof err) != 0) return -1;
  snprintf(pack, sizeof pack, "%s/tests/data/compare", source_dir);
  evaluate_options opt = {.store_path = f->store->path, .pack_dir = pack, .period = 2023, .municipality = "m1",
                          .limits = sandbox_default_limits()};
  if (evaluate_run(&opt, &f->results, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  void *store = f->store;
  results_free(&f->results);
  support_store_teardown(&store);
  free(f);
  return 0;
}

static const result_row *row_of(const result_set *set, const char *id, const char *org) {
  for (size_t i = 0; i < set->count; i++) {
    const result_row *r = &set->rows[i];
    if (strcmp(r->indicator, id) || r->breakdown) continue;
    if (org ? (r->organization && !strcmp(r->organization, org)) : !r->organization) return r;
  }
  return NULL;
}

/* Runs a hand-written query with one optional text parameter, returning
 * its first row's first two columns. */
static void hand(sqlite3 *db, const char *sql, const char *param, double *a, double *b) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  if (param) sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  *a = sqlite3_column_double(st, 0);
  if (b) *b = sqlite3_column_count(st) > 1 ? sqlite3_column_double(st, 1) : 0;
  sqlite3_finalize(st);
}

/* The organizations of m1 plus NULL (the total), for per-organization checks. */
static const char *const orgs[] = {NULL, "o1_1", "o1_2", "o1_3", "o1_4", "o1_5", "o1_6"};
#define NORGS (sizeof orgs / sizeof *orgs)

/* The status of a row with an empty denominator: not applicable when no
 * organization of its kind has anyone of the population (a kindergarten
 * on a share of teachers), else no data; the total is always no data. */
static const char *expected_empty_status(fixture *f, const char *sql, const char *org) {
  if (!org) return "no_data";
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(f->store->db, "SELECT id FROM organization WHERE municipality = 'm1' AND kind ="
                                             " (SELECT kind FROM organization WHERE id = ?1)", -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_text(st, 1, org, -1, SQLITE_STATIC);
  const char *status = "not_applicable";
  while (sqlite3_step(st) == SQLITE_ROW) {
    double num, den;
    hand(f->store->db, sql, (const char *)sqlite3_column_text(st, 0), &num, &den);
    if (den != 0) status = "no_data";
  }
  sqlite3_finalize(st);
  return status;
}

/* Checks a share or ratio: numerator and denominator exactly, the value
 * against their quotient. The hand SQL takes ?1 = organization or NULL. */
static void check_quotient(fixture *f, const char *id, const char *sql, double scale) {
  for (size_t i = 0; i < NORGS; i++) {
    const result_row *r = row_of(&f->results, id, orgs[i]);
    assert_non_null(r);
    double num, den;
    hand(f->store->db, sql, orgs[i], &num, &den);
    if (fabs(r->numerator - num) > 1e-6 || fabs(r->denominator - den) > 1e-6)
      fail_msg("%s %s: got %g/%g, hand SQL %g/%g", id, orgs[i] ? orgs[i] : "total",
               r->numerator, r->denominator, num, den);
    if (den == 0) {
      assert_false(r->has_value);
      assert_string_equal(result_status_name(r->status), expected_empty_status(f, sql, orgs[i]));
    } else {
      assert_true(r->has_value);
      assert_true(fabs(r->value - scale * num / den) <= 0.005 + 1e-9);
    }
  }
}

/* Checks a single-number aggregate (count, sum, distinct). */
static void check_value(fixture *f, const char *id, const char *sql) {
  for (size_t i = 0; i < NORGS; i++) {
    const result_row *r = row_of(&f->results, id, orgs[i]);
    assert_non_null(r);
    double v;
    hand(f->store->db, sql, orgs[i], &v, NULL);
    if (!r->has_value || fabs(r->value - v) > 0.005)
      fail_msg("%s %s: got %g, hand SQL %g", id, orgs[i] ? orgs[i] : "total", r->value, v);
  }
}

/* The workers of m1: everyone with a span in one of its organizations. */
#define IN_M1 "(SELECT staff_id FROM employment WHERE organization_id IN (SELECT id FROM organization WHERE municipality = 'm1'))"
#define ORG_OF(col) "AND (?1 IS NULL OR " col " = ?1) AND " col " IN (SELECT id FROM organization WHERE municipality = 'm1')"
/* The workers counted in 2023: employed on 31 December, where and as what
 * their span (e) says. */
#define EMPLOYED(e) e ".from_date <= '2023-12-31' AND (" e ".to_date IS NULL OR " e ".to_date >= '2023-12-31')"
#define WORKERS "FROM employment e JOIN staff s ON s.id = e.staff_id WHERE " EMPLOYED("e") " AND "
/* An activity counts for the organization where its worker was employed on its date. */
#define COVERS(e, date) e ".from_date <= " date " AND (" e ".to_date IS NULL OR " e ".to_date >= " date ")"
#define ACTIVITIES "FROM activity a JOIN employment e ON e.staff_id = a.staff_id AND " COVERS("e", "a.date") " WHERE "

static void shares_with_joins_and_windows(void **state) {
  fixture *f = *state;
  check_quotient(f, "diagnosed",
    "SELECT SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'diagnostic'"
    " AND a.date BETWEEN '2023-01-01' AND '2023-12-31')), COUNT(*) " WORKERS "e.position = 'teacher' "
    ORG_OF("e.organization_id"), 100);
  check_quotient(f, "young_supported",
    "SELECT SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind IN ('mentoring', 'tutoring')"
    " AND a.date BETWEEN '2021-01-01' AND '2023-12-31')), COUNT(*) " WORKERS "e.position = 'teacher'"
    " AND 2023 - birth_year < 35 AND 2023 - career_start_year < 3 " ORG_OF("e.organization_id"), 100);
  check_quotient(f, "schools_on_platform",
    "SELECT SUM(EXISTS (SELECT 1 " ACTIVITIES "e.organization_id = o.id"
    " AND a.kind = 'platform_use' AND a.date BETWEEN '2023-01-01' AND '2023-12-31')), COUNT(*)"
    " FROM organization o WHERE kind = 'school' " ORG_OF("o.id"), 100);
  /* the generated history has leavers, movers and activities before a hire: the spans matter */
  double moved, left, early;
  hand(f->store->db, "SELECT COUNT(*) FROM (SELECT staff_id FROM employment GROUP BY staff_id HAVING COUNT(*) > 1)", NULL, &moved, NULL);
  hand(f->store->db, "SELECT COUNT(*) FROM employment WHERE to_date < '2023-12-31'", NULL, &left, NULL);
  hand(f->store->db, "SELECT COUNT(*) FROM activity a WHERE NOT EXISTS (SELECT 1 FROM employment e WHERE e.staff_id = a.staff_id"
       " AND " COVERS("e", "a.date") ")", NULL, &early, NULL);
  assert_true(moved > 0 && left > 0 && early > 0);
}

static void counts_sums_and_averages(void **state) {
  fixture *f = *state;
  check_value(f, "not_trained",
    "SELECT COUNT(*) " WORKERS "e.position = 'teacher' AND NOT EXISTS (SELECT 1 FROM activity a"
    " WHERE a.staff_id = s.id AND a.kind = 'course' AND a.date BETWEEN '2021-01-01' AND '2023-12-31') "
    ORG_OF("e.organization_id"));
  check_value(f, "course_hours",
    "SELECT TOTAL(hours) " ACTIVITIES "a.kind = 'course'"
    " AND a.date BETWEEN '2023-01-01' AND '2023-12-31' " ORG_OF("e.organization_id"));
  check_value(f, "trained_people",
    "SELECT COUNT(DISTINCT a.staff_id) " ACTIVITIES "a.kind = 'course'"
    " AND a.date BETWEEN '2023-01-01' AND '2023-12-31' " ORG_OF("e.organization_id"));
  check_quotient(f, "avg_score",
    "SELECT TOTAL(score), COUNT(score) " ACTIVITIES "a.kind = 'diagnostic'"
    " AND e.position = 'teacher' AND a.date BETWEEN '2023-01-01' AND '2023-12-31' " ORG_OF("e.organization_id"), 1);
  check_value(f, "associations",
    "SELECT COUNT(*) FROM community c WHERE kind = 'methodical_association' AND municipality = 'm1'"
    " AND (start_date IS NULL OR start_date <= '2023-12-31') AND (end_date IS NULL OR end_date >= '2023-01-01')"
    " AND (?1 IS NULL OR organization_id = ?1)");
}

static void partners_and_text_conditions(void **state) {
  fixture *f = *state;
  /* the partner was a methodist on the day of the mentoring */
  check_quotient(f, "mentored_by_methodists",
    "SELECT SUM(EXISTS (SELECT 1 FROM activity a JOIN employment p ON p.staff_id = a.partner_id AND " COVERS("p", "a.date")
    " WHERE a.staff_id = s.id AND a.kind = 'mentoring' AND p.position = 'methodist')), COUNT(*) "
    WORKERS "e.position = 'teacher' " ORG_OF("e.organization_id"), 100);
  check_value(f, "quality_courses",
    "SELECT COUNT(*) " ACTIVITIES "a.kind = 'course'"
    " AND instr(a.title, 'качеств') > 0 AND a.date BETWEEN '2023-01-01' AND '2023-12-31' " ORG_OF("e.organization_id"));
  check_value(f, "caseless_courses",
    "SELECT COUNT(*) " ACTIVITIES "a.kind = 'course'"
    " AND (instr(a.title, 'качеств') > 0 OR instr(a.title, 'Цифров') > 0)"
    " AND a.date BETWEEN '2023-01-01' AND '2023-12-31' " ORG_OF("e.organization_id"));
  check_value(f, "pattern_courses",
    "SELECT COUNT(*) " ACTIVITIES "a.kind = 'course'"
    " AND a.title = 'Управление качеством образования'"
    " AND a.date BETWEEN '2023-01-01' AND '2023-12-31' " ORG_OF("e.organization_id"));
  double mentored;
  hand(f->store->db, "SELECT COUNT(*) FROM activity WHERE partner_id IS NOT NULL", NULL, &mentored, NULL);
  assert_true(mentored > 0); /* the generated data exercises the join */
}

static void ratio_across_entities(void **state) {
  fixture *f = *state;
  const result_row *r = row_of(&f->results, "per_school", NULL);
  double teachers, schools;
  hand(f->store->db, "SELECT COUNT(*) " WORKERS "e.position = 'teacher' AND s.id IN " IN_M1, NULL, &teachers, NULL);
  hand(f->store->db, "SELECT COUNT(*) FROM organization WHERE kind = 'school' AND municipality = 'm1'", NULL, &schools, NULL);
  assert_float_equal(r->numerator, teachers, 0);
  assert_float_equal(r->denominator, schools, 0);
  assert_true(fabs(r->value - teachers / schools) <= 0.005);
}

static void presence_growth_and_targets(void **state) {
  fixture *f = *state;
  const result_row *r = row_of(&f->results, "has_programme", NULL);
  assert_float_equal(r->value, 1, 0);
  assert_string_equal(result_status_name(r->status), "met"); /* only m1 has a programme */
  double n23, d23, n22, d22;
  const char *share = "SELECT SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'diagnostic'"
                      " AND a.date BETWEEN ?1 || '-01-01' AND ?1 || '-12-31')), COUNT(*)"
                      " FROM employment e JOIN staff s ON s.id = e.staff_id WHERE " COVERS("e", "?1 || '-12-31'")
                      " AND e.position = 'teacher' AND e.organization_id IN (SELECT id FROM organization WHERE municipality = 'm1')";
  hand(f->store->db, share, "2023", &n23, &d23);
  hand(f->store->db, share, "2022", &n22, &d22);
  double v23 = floor(n23 * 10000 / d23 + 0.5) / 100, v22 = floor(n22 * 10000 / d22 + 0.5) / 100;
  r = row_of(&f->results, "diagnosed_growth", NULL);
  assert_true(fabs(r->value - floor((v23 - v22) / v22 * 10000 + 0.5) / 100) <= 0.011);
  /* per-kind and per-organization targets */
  r = row_of(&f->results, "diagnosed", "o1_4");
  if (r->has_target_value) assert_float_equal(r->target_value, 10, 1e-9);
  r = row_of(&f->results, "diagnosed", "o1_2");
  assert_float_equal(r->target_value, 99, 1e-9);
  r = row_of(&f->results, "diagnosed", "o1_1");
  assert_float_equal(r->target_value, 40, 1e-9);
  assert_string_equal(result_status_name(r->status), r->value + 1e-9 >= 40 ? "met" : "not_met");
  /* growth target of associations: against the programme start, 2021 */
  r = row_of(&f->results, "associations", NULL);
  assert_string_equal(r->target_kind, "growth");
}

/* "100% за 3 года, начиная с 2021 г.": the people covered since 2021, one
 * set-based statement with the year's own share, against hand-written SQL. */
static void cumulative_coverage_since_the_programme(void **state) {
  fixture *f = *state;
  const char *since = "SELECT SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'diagnostic'"
                      " AND a.date BETWEEN '2021-01-01' AND '2023-12-31')), COUNT(*) " WORKERS "e.position = 'teacher' "
                      ORG_OF("e.organization_id");
  const char *year = "SELECT SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'diagnostic'"
                     " AND a.date BETWEEN '2023-01-01' AND '2023-12-31')), COUNT(*) " WORKERS "e.position = 'teacher' "
                     ORG_OF("e.organization_id");
  int wider = 0;
  for (size_t i = 0; i < NORGS; i++) {
    const result_row *r = row_of(&f->results, "diagnosed_since_programme", orgs[i]);
    assert_non_null(r);
    double num, den, ynum, yden;
    hand(f->store->db, since, orgs[i], &num, &den);
    hand(f->store->db, year, orgs[i], &ynum, &yden);
    if (den == 0) continue; /* not applicable or no data, as checked above */
    assert_true(r->has_cumulative && r->has_yearly);
    assert_int_equal(r->cumulative_since, 2021);
    assert_float_equal(r->cumulative[1], num, 0);
    assert_float_equal(r->cumulative[2], den, 0);
    assert_float_equal(r->yearly[1], ynum, 0);
    /* 2023 is before 2024: the yearly step is judged on the year's own share */
    assert_string_equal(r->figure, "yearly");
    assert_float_equal(r->numerator, ynum, 0);
    assert_float_equal(r->target_value, 33.3, 1e-9);
    assert_non_null(r->progress);
    wider += num > ynum;
  }
  assert_true(wider > 0); /* the generated data has people covered in earlier years only */
}

/* level = "municipality": the total only; applies_to: other kinds are not applicable. */
static void levels_and_applicability(void **state) {
  fixture *f = *state;
  double associations;
  hand(f->store->db, "SELECT COUNT(*) FROM community WHERE kind = 'methodical_association' AND municipality = 'm1'"
       " AND (start_date IS NULL OR start_date <= '2023-12-31') AND (end_date IS NULL OR end_date >= '2023-01-01')",
       NULL, &associations, NULL);
  const result_row *total = row_of(&f->results, "associations_in_total", NULL);
  assert_non_null(total);
  assert_float_equal(total->value, associations, 0);
  assert_string_equal(total->level, "municipality");
  for (size_t i = 1; i < NORGS; i++) assert_null(row_of(&f->results, "associations_in_total", orgs[i]));
  int schools = 0, others = 0;
  for (size_t i = 1; i < NORGS; i++) {
    const result_row *r = row_of(&f->results, "schools_diagnosed", orgs[i]);
    double is_school;
    hand(f->store->db, "SELECT kind = 'school' FROM organization WHERE id = ?1", orgs[i], &is_school, NULL);
    if (is_school) {
      schools++;
      assert_true(r->status != STATUS_NOT_APPLICABLE);
    } else {
      others++;
      assert_string_equal(result_status_name(r->status), "not_applicable");
      assert_false(r->has_value);
      assert_null(r->target_text); /* not judged against any target */
    }
  }
  assert_true(schools > 0 && others > 0);
  /* the total is the schools' total, not the whole municipality's */
  double num, den;
  hand(f->store->db, "SELECT SUM(EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.id AND a.kind = 'diagnostic'"
       " AND a.date BETWEEN '2023-01-01' AND '2023-12-31')), COUNT(*) " WORKERS "e.position = 'teacher'"
       " AND e.organization_id IN (SELECT id FROM organization WHERE municipality = 'm1' AND kind = 'school')", NULL, &num, &den);
  const result_row *schools_total = row_of(&f->results, "schools_diagnosed", NULL);
  assert_float_equal(schools_total->numerator, num, 0);
  assert_float_equal(schools_total->denominator, den, 0);
  const result_row *all = row_of(&f->results, "diagnosed", NULL);
  assert_true(all->denominator > den); /* teachers outside schools exist in the generated data */
}

static void escape_hatch_reads_but_cannot_write(void **state) {
  fixture *f = *state;
  const result_row *r = row_of(&f->results, "courses_by_function", NULL);
  double courses;
  hand(f->store->db, "SELECT COUNT(*) FROM activity WHERE kind = 'course' AND date BETWEEN '2023-01-01' AND '2023-12-31'"
       " AND staff_id IN " IN_M1, NULL, &courses, NULL);
  assert_true(r->has_value);
  assert_float_equal(r->value, courses, 0);
  r = row_of(&f->results, "writes_by_function", NULL);
  assert_string_equal(result_status_name(r->status), "error");
  if (!strstr(r->message, "indicators.lua:52: ctx.sql: rules may only read: writing to activity is not allowed")) fail_msg("message: %s", r->message);
  double all;
  hand(f->store->db, "SELECT COUNT(*) FROM activity", NULL, &all, NULL);
  assert_true(all > 0); /* nothing was deleted */
}

static void breakdowns_add_up(void **state) {
  fixture *f = *state;
  double num = 0, den = 0, knum = 0, kden = 0;
  for (size_t i = 0; i < f->results.count; i++) {
    const result_row *r = &f->results.rows[i];
    if (strcmp(r->indicator, "diagnosed") || !r->breakdown) continue;
    if (!strcmp(r->breakdown, "position")) { num += r->numerator; den += r->denominator; }
    if (!strcmp(r->breakdown, "kind")) { knum += r->numerator; kden += r->denominator; }
  }
  const result_row *total = row_of(&f->results, "diagnosed", NULL);
  assert_float_equal(den, total->denominator, 0); /* only teachers are in the denominator */
  assert_float_equal(num, total->numerator, 0);
  assert_float_equal(kden, total->denominator, 0);
  assert_float_equal(knum, total->numerator, 0);
}

static void other_municipalities_are_invisible(void **state) {
  fixture *f = *state;
  for (size_t i = 0; i < f->results.count; i++) {
    const char *org = f->results.rows[i].organization;
    if (org) assert_int_equal(strncmp(org, "o1_", 3), 0);
  }
  /* a fixed, small number of statements for 18 indicators: a scan per entity and period, the
   * organizations, a probe per dated source and window */
  assert_true(f->results.statements > 0 && f->results.statements <= 24);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_compile SOURCE_DIR\n");
    return 2;
  }
  source_dir = argv[1];
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(shares_with_joins_and_windows),
    cmocka_unit_test(counts_sums_and_averages),
    cmocka_unit_test(partners_and_text_conditions),
    cmocka_unit_test(ratio_across_entities),
    cmocka_unit_test(presence_growth_and_targets),
    cmocka_unit_test(cumulative_coverage_since_the_programme),
    cmocka_unit_test(levels_and_applicability),
    cmocka_unit_test(escape_hatch_reads_but_cannot_write),
    cmocka_unit_test(breakdowns_add_up),
    cmocka_unit_test(other_municipalities_are_invisible),
  };
  return cmocka_run_group_tests_name("compile", tests, setup, teardown);
}
