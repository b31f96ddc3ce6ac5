/* Every pack of rules/ on its municipality's example data: it loads, its own
 * tests pass, no indicator ends in error, the roadmap imports with every
 * schedule parsed, and some values agree with hand-written SQL over the
 * same data. Arguments: the pdmon binary and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;

static void expect_ok(const char *dir, const char *args, const char *fragment) {
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, args);
  if (o.status != 0 || (fragment && !strstr(o.out ? o.out : "", fragment)))
    fail_msg("pdmon %s -> %d\nstdout: %s\nstderr: %s", args, o.status, o.out, o.err);
  support_outcome_free(&o);
}

static double scalar(const char *dir, const char *sql) {
  char path[1024];
  snprintf(path, sizeof path, "%s/store.db", dir);
  sqlite3 *db;
  sqlite3_stmt *st;
  double v = NAN;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
  } else {
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  }
  sqlite3_close(db);
  return v;
}

/* Loads a municipality's example data and roadmap into a fresh store. */
static char *load(const char *municipality) {
  char *dir = support_tempdir(), args[1024];
  snprintf(args, sizeof args, "init --municipality %s --pack rules/%s", municipality, municipality);
  expect_ok(dir, args, NULL);
  static const char *const entities[] = {"organizations", "staff", "activities", "communities", "documents"};
  for (int i = 0; i < 5; i++) {
    snprintf(args, sizeof args, "import %s examples/%s/%s.csv", entities[i], municipality, entities[i]);
    expect_ok(dir, args, "0 rejected");
  }
  expect_ok(dir, "cycle open --period 2023", NULL);
  snprintf(args, sizeof args, "import measures examples/%s/measures.csv", municipality);
  expect_ok(dir, args, "0 rejected");
  return dir;
}

/* Evaluates and returns the total value of each indicator in root; fails
 * on any result with status error. */
static cJSON *evaluate(const char *dir) {
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, "eval --period 2023 --format json");
  if (o.status != 0) fail_msg("eval -> %d: %s", o.status, o.err);
  cJSON *root = cJSON_Parse(o.out);
  support_outcome_free(&o);
  assert_non_null(root);
  cJSON *row;
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "results")) {
    if (!strcmp(cJSON_GetObjectItem(row, "status")->valuestring, "error"))
      fail_msg("%s: %s", cJSON_GetObjectItem(row, "indicator")->valuestring,
               cJSON_GetStringValue(cJSON_GetObjectItem(row, "message")));
  }
  return root;
}

static double total(cJSON *root, const char *id) {
  cJSON *row;
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "results")) {
    if (!strcmp(cJSON_GetObjectItem(row, "indicator")->valuestring, id) &&
        cJSON_IsNull(cJSON_GetObjectItem(row, "organization")) && !cJSON_GetObjectItem(row, "breakdown")) {
      cJSON *v = cJSON_GetObjectItem(row, "value");
      return cJSON_IsNumber(v) ? v->valuedouble : NAN;
    }
  }
  fail_msg("no result for %s", id);
  return NAN;
}

/* Rounds a percentage of two counts as pdmon publishes it. */
static double percent(double n, double d) { return floor(n * 10000 / d + 0.5) / 100; }

static void pack_tests_pass(void **state) {
  (void)state;
  /* the seeds' packs, and the employment-history fixtures counted by hand */
  static const char *const packs[] = {"rules/chelyabinsk", "rules/emanzhelinsk", "rules/belorechensk",
                                      "rules/dalnerechensk", "rules/grozny-district", "tests/data/packs/time",
                                      "tests/data/packs/time-september", "tests/data/packs/time-any-day"};
  char *dir = support_tempdir(), args[256];
  for (size_t i = 0; i < sizeof packs / sizeof *packs; i++) {
    snprintf(args, sizeof args, "check --pack %s", packs[i]);
    expect_ok(dir, args, "loads cleanly");
    snprintf(args, sizeof args, "test --pack %s", packs[i]);
    expect_ok(dir, args, " 0 failed");
  }
  support_remove_tree(dir);
}

/* The workers the packs count in 2023: employed on 31 December 2023 (the
 * default reporting date), as the employment history says. */
#define EMPLOYED(condition) \
  "(SELECT staff_id FROM employment WHERE " condition " AND from_date <= '2023-12-31'" \
  " AND (to_date IS NULL OR to_date >= '2023-12-31'))"
#define TEACHERS EMPLOYED("position = 'teacher'")
/* An activity counts where its worker was employed on its date. */
#define ATTRIBUTED \
  " AND EXISTS (SELECT 1 FROM employment e WHERE e.staff_id = activity.staff_id AND e.from_date <= activity.date" \
  " AND (e.to_date IS NULL OR e.to_date >= activity.date))"

static void emanzhelinsk_on_its_data(void **state) {
  (void)state;
  char *dir = load("emanzhelinsk");
  cJSON *root = evaluate(dir);
  double n = scalar(dir, "SELECT COUNT(DISTINCT staff_id) FROM activity WHERE kind = 'diagnostic' AND date LIKE '2023-%'"
                         " AND staff_id IN " TEACHERS);
  double d = scalar(dir, "SELECT COUNT(*) FROM " TEACHERS);
  assert_float_equal(total(root, "teachers_diagnosed"), percent(n, d), 1e-9);
  n = scalar(dir, "SELECT COUNT(*) FROM staff WHERE education_matches_profile = 1 AND id IN " TEACHERS);
  assert_float_equal(total(root, "profile_education"), percent(n, d), 1e-9);
  n = scalar(dir, "SELECT COUNT(*) FROM community WHERE (start_date IS NULL OR start_date <= '2023-12-31')"
                  " AND (end_date IS NULL OR end_date >= '2023-01-01')");
  assert_float_equal(total(root, "communities"), n, 1e-9);
  assert_true(scalar(dir, "SELECT COUNT(*) FROM measure_indicator") >= 5);
  cJSON_Delete(root);
  support_remove_tree(dir);
}

static void belorechensk_on_its_data(void **state) {
  (void)state;
  char *dir = load("belorechensk");
  cJSON *root = evaluate(dir);
  double n = scalar(dir, "SELECT COUNT(DISTINCT staff_id) FROM activity WHERE kind = 'publication' AND date LIKE '2023-%'"
                         " AND staff_id IN " EMPLOYED("position <> 'head'"));
  assert_float_equal(total(root, "publications"), n, 1e-9);
  n = scalar(dir, "SELECT COUNT(DISTINCT title) FROM activity WHERE kind = 'methodical_event' AND date LIKE '2023-%'"
                  ATTRIBUTED);
  assert_float_equal(total(root, "methodical_events"), n, 1e-9);
  assert_float_equal(total(root, "inclusive_programme"), 1, 0);   /* in the example documents */
  assert_float_equal(total(root, "digitalisation_project"), 0, 0); /* not there: a problem zone */
  cJSON_Delete(root);
  support_remove_tree(dir);
}

static void dalnerechensk_on_its_data(void **state) {
  (void)state;
  char *dir = load("dalnerechensk");
  cJSON *root = evaluate(dir);
  double n = scalar(dir, "SELECT COUNT(*) FROM employment s JOIN organization o ON o.id = s.organization_id WHERE o.kind = 'school'"
                         " AND s.position = 'teacher' AND s.from_date <= '2023-12-31' AND (s.to_date IS NULL OR s.to_date >= '2023-12-31')"
                         " AND EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = s.staff_id"
                         " AND a.kind = 'attestation' AND a.date LIKE '2023-%')");
  double d = scalar(dir, "SELECT COUNT(*) FROM employment s JOIN organization o ON o.id = s.organization_id WHERE o.kind = 'school'"
                         " AND s.position = 'teacher' AND s.from_date <= '2023-12-31' AND (s.to_date IS NULL OR s.to_date >= '2023-12-31')");
  assert_float_equal(total(root, "attested"), percent(n, d), 1e-9);
  n = scalar(dir, "SELECT COUNT(DISTINCT provider) FROM activity WHERE kind IN ('course', 'retraining') AND date LIKE '2023-%'"
                  ATTRIBUTED);
  assert_float_equal(total(root, "dpo_providers"), n, 1e-9);
  cJSON_Delete(root);
  support_remove_tree(dir);
}

static void grozny_district_on_its_data(void **state) {
  (void)state;
  char *dir = load("grozny-district");
  cJSON *root = evaluate(dir);
  double n = scalar(dir, "SELECT COUNT(*) FROM staff s WHERE position IN ('methodist', 'tutor') AND EXISTS (SELECT 1 FROM"
                         " activity a WHERE a.staff_id = s.id AND a.kind IN ('course', 'retraining') AND a.date BETWEEN"
                         " '2021-01-01' AND '2023-12-31')");
  double d = scalar(dir, "SELECT COUNT(*) FROM staff WHERE position IN ('methodist', 'tutor')");
  assert_float_equal(total(root, "dpo_staff_trained"), percent(n, d), 1e-9);
  assert_float_equal(total(root, "rsur_report"), 1, 0);
  /* the roadmap's deadlines are windows: 27 measures, "до 15.01.2023" one of them */
  assert_float_equal(scalar(dir, "SELECT COUNT(*) FROM measure"), 27, 0);
  assert_float_equal(scalar(dir, "SELECT COUNT(*) FROM measure_window WHERE from_date IS NULL AND to_date = '2023-01-15'"), 2, 0);
  cJSON_Delete(root);
  support_remove_tree(dir);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_packs PDMON_BINARY SOURCE_DIR\n");
    return 2;
  }
  pdmon_bin = argv[1];
  source_dir = argv[2];
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(pack_tests_pass),
    cmocka_unit_test(emanzhelinsk_on_its_data),
    cmocka_unit_test(belorechensk_on_its_data),
    cmocka_unit_test(dalnerechensk_on_its_data),
    cmocka_unit_test(grozny_district_on_its_data),
  };
  return cmocka_run_group_tests_name("packs", tests, NULL, NULL);
}
