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
#include <dirent.h>
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
  static const char *const entities[] = {"organizations", "staff", "activities", "communities", "documents",
                                         "events", "participation", "registries"};
  for (size_t i = 0; i < sizeof entities / sizeof *entities; i++) {
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
static cJSON *evaluate_in(const char *dir, int period) {
  char args[64];
  snprintf(args, sizeof args, "eval --period %d --format json", period);
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, args);
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

static cJSON *evaluate(const char *dir) { return evaluate_in(dir, 2023); }

/* The row of indicator id for organization org (NULL: the total), or NULL. */
static cJSON *row_of(cJSON *root, const char *id, const char *org) {
  cJSON *row;
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "results")) {
    const char *o = cJSON_GetStringValue(cJSON_GetObjectItem(row, "organization"));
    if (!strcmp(cJSON_GetObjectItem(row, "indicator")->valuestring, id) && !cJSON_GetObjectItem(row, "breakdown") &&
        (org ? o && !strcmp(o, org) : !o))
      return row;
  }
  return NULL;
}

static const char *text(cJSON *row, const char *field) {
  const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(row, field));
  return v ? v : "";
}

static double number(cJSON *row, const char *field) {
  cJSON *v = cJSON_GetObjectItem(row, field);
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Rounds a percentage of two counts as pdmon publishes it. */
static double percent(double n, double d) { return floor(n * 10000 / d + 0.5) / 100; }

static void pack_tests_pass(void **state) {
  (void)state;
  /* the seeds' packs, and the employment-history fixtures counted by hand */
  static const char *const packs[] = {"rules/chelyabinsk", "rules/emanzhelinsk", "rules/belorechensk",
                                      "rules/dalnerechensk", "rules/grozny-district", "tests/data/packs/time",
                                      "tests/data/packs/time-september", "tests/data/packs/time-any-day",
                                      "tests/data/packs/events"};
  char *dir = support_tempdir(), args[256];
  for (size_t i = 0; i < sizeof packs / sizeof *packs; i++) {
    snprintf(args, sizeof args, "check --pack %s", packs[i]);
    expect_ok(dir, args, "loads cleanly");
    snprintf(args, sizeof args, "test --pack %s", packs[i]);
    expect_ok(dir, args, " 0 failed");
  }
  support_remove_tree(dir);
}

/* The duplicated fields of the table constructors of one Lua text, each as
 * "LINE: NAME" appended to found: Lua keeps the last of `reading = "...",
 * ... reading = "..."` without a word, and rules/chelyabinsk lost seven
 * indicators' first readings so (found by review h54). A field is a name
 * followed by `=` (not `==`) right after `{`, `,` or `;` of a constructor,
 * outside parentheses; strings and comments are skipped. */
enum { LINT_DEPTH = 32, LINT_FIELDS = 64 };
typedef struct lint_level {
  const char *name[LINT_FIELDS];
  size_t len[LINT_FIELDS];
  int n, parens;
} lint_level;

/* The end of the long bracket opened at p ("[[", "[=[", ...), counting lines; NULL when p opens none. */
static const char *long_bracket_end(const char *p, int *line) {
  if (*p != '[') return NULL;
  size_t eq = 0;
  while (p[1 + eq] == '=') eq++;
  if (p[1 + eq] != '[') return NULL;
  for (const char *q = p + 2 + eq; *q; q++) {
    if (*q == '\n') (*line)++;
    if (*q == ']' && strspn(q + 1, "=") >= eq && q[1 + eq] == ']') return q + 2 + eq;
  }
  return p + strlen(p);
}

static void lint_fields(const char *text, char *found, size_t foundlen) {
  lint_level levels[LINT_DEPTH];
  int depth = -1, line = 1, after_separator = 0;
  for (const char *p = text; *p;) {
    const char *end;
    if (*p == '\n') line++, p++;
    else if (p[0] == '-' && p[1] == '-') {
      p = (end = long_bracket_end(p + 2, &line)) ? end : p + 2 + strcspn(p + 2, "\n");
    } else if ((end = long_bracket_end(p, &line))) {
      p = end, after_separator = 0;
    } else if (*p == '"' || *p == '\'') {
      char quote = *p++;
      while (*p && *p != quote) p += (*p == '\\' && p[1]) ? 2 : 1;
      if (*p) p++;
      after_separator = 0;
    } else if (*p == '{' || *p == '}' || *p == ',' || *p == ';' || *p == '(' || *p == ')') {
      if (*p == '{' && depth + 1 < LINT_DEPTH) memset(&levels[++depth], 0, sizeof *levels);
      if (*p == '}' && depth >= 0) depth--;
      if (depth >= 0 && *p == '(') levels[depth].parens++;
      if (depth >= 0 && *p == ')' && levels[depth].parens > 0) levels[depth].parens--;
      after_separator = *p == '{' || *p == ',' || *p == ';';
      p++;
    } else if (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
      const char *name = p;
      while (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) p++;
      size_t len = (size_t)(p - name);
      const char *q = p + strspn(p, " \t");
      lint_level *l = depth >= 0 ? &levels[depth] : NULL;
      if (after_separator && l && !l->parens && q[0] == '=' && q[1] != '=') {
        for (int i = 0; i < l->n; i++)
          if (l->len[i] == len && !memcmp(l->name[i], name, len)) {
            size_t used = strlen(found);
            snprintf(found + used, foundlen - used, " %d: %.*s;", line, (int)len, name);
          }
        if (l->n < LINT_FIELDS) l->name[l->n] = name, l->len[l->n++] = len;
      }
      after_separator = 0;
    } else {
      if (*p != ' ' && *p != '\t' && *p != '\r') after_separator = 0;
      p++;
    }
  }
}

/* The scanner itself: what it must find and what it must not. */
static void the_field_scanner_finds_duplicates(void **state) {
  (void)state;
  char found[512] = "";
  lint_fields("indicator \"x\" {\n  reading = \"a\",\n  value = f(a, b),\n  reading = \"b\",\n}", found, sizeof found);
  assert_string_equal(found, " 4: reading;");
  found[0] = '\0';
  lint_fields("t = { a = 1, b = { a = 2 }, c = a == 1, [[ a = 3 ]], -- a = 4\n s = \"a = 5\", f = function() local a = 1 end }",
              found, sizeof found);
  assert_string_equal(found, "");
}

/* No rule file of rules/ gives a field twice in one table. */
static void no_rule_file_gives_a_field_twice(void **state) {
  (void)state;
  static const char *const packs[] = {"chelyabinsk", "emanzhelinsk", "belorechensk", "dalnerechensk", "grozny-district"};
  char report[4096] = "";
  int files = 0;
  for (size_t i = 0; i < sizeof packs / sizeof *packs; i++) {
    char folder[1024];
    snprintf(folder, sizeof folder, "%s/rules/%s", source_dir, packs[i]);
    DIR *d = opendir(folder);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
      size_t n = strlen(e->d_name);
      if (n < 5 || strcmp(e->d_name + n - 4, ".lua")) continue;
      char path[2048], found[1024] = "";
      snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
      char *text = support_read(path);
      assert_non_null(text);
      lint_fields(text, found, sizeof found);
      free(text);
      files++;
      if (found[0]) {
        size_t used = strlen(report);
        snprintf(report + used, sizeof report - used, "\nrules/%s/%s:%s", packs[i], e->d_name, found);
      }
    }
    closedir(d);
  }
  assert_true(files >= 10);
  if (report[0]) fail_msg("fields given twice (Lua keeps the last):%s", report);
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
  /* a kindergarten has no teachers: not applicable; a municipal fact has no rows per organization */
  assert_string_equal(text(row_of(root, "teachers_diagnosed", "emanzhelinsk-p009"), "status"), "not_applicable");
  assert_null(row_of(root, "communities", "emanzhelinsk-p009"));
  assert_null(row_of(root, "communities", "emanzhelinsk-s001"));
  assert_null(row_of(root, "tutors", "emanzhelinsk-s001"));
  /* 2023 on "К 2024 году - 100%": in progress, on or behind the path from 2021 */
  char sql[1024];
  double v[2];
  for (int i = 0; i < 2; i++) {
    int year = 2021 + 2 * i;
    snprintf(sql, sizeof sql, "SELECT SUM(s.education_matches_profile = 1), COUNT(*) FROM (SELECT staff_id FROM employment"
             " WHERE position = 'teacher' AND from_date <= '%d-12-31' AND (to_date IS NULL OR to_date >= '%d-12-31')) w"
             " JOIN staff s ON s.id = w.staff_id", year, year);
    double part = scalar(dir, sql);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM (SELECT staff_id FROM employment WHERE position = 'teacher'"
             " AND from_date <= '%d-12-31' AND (to_date IS NULL OR to_date >= '%d-12-31'))", year, year);
    v[i] = percent(part, scalar(dir, sql));
  }
  double path = v[0] + (100 - v[0]) * 2 / 3;
  cJSON *p = row_of(root, "profile_education", NULL);
  assert_string_equal(text(p, "status"), "in_progress");
  assert_float_equal(number(p, "path_value"), floor(path * 100 + 0.5) / 100, 1e-9);
  assert_string_equal(text(p, "progress"), v[1] + 1e-9 >= path ? "on_track" : "behind");
  cJSON_Delete(root);
  /* 2024 on "100% за 3 года, начиная с 2021 г.": the teachers (of 31.12.2024) covered since 2021,
   * not only the year's own */
  root = evaluate_in(dir, 2024);
  cJSON *t = row_of(root, "teachers_diagnosed", NULL);
  const char *teachers_2024 = "(SELECT staff_id FROM employment WHERE position = 'teacher'"
                              " AND from_date <= '2024-12-31' AND (to_date IS NULL OR to_date >= '2024-12-31'))";
  char q[1024];
  snprintf(q, sizeof q, "SELECT COUNT(*) FROM %s w WHERE EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = w.staff_id"
           " AND a.kind = 'diagnostic' AND a.date BETWEEN '2021-01-01' AND '2024-12-31')", teachers_2024);
  double covered = scalar(dir, q);
  snprintf(q, sizeof q, "SELECT COUNT(*) FROM %s w WHERE EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = w.staff_id"
           " AND a.kind = 'diagnostic' AND a.date BETWEEN '2024-01-01' AND '2024-12-31')", teachers_2024);
  double own = scalar(dir, q);
  snprintf(q, sizeof q, "SELECT COUNT(*) FROM %s", teachers_2024);
  double all = scalar(dir, q);
  assert_true(covered > own && all > covered);
  assert_float_equal(number(t, "numerator"), covered, 0);
  assert_float_equal(number(t, "denominator"), all, 0);
  assert_float_equal(number(t, "value"), percent(covered, all), 1e-9);
  assert_string_equal(text(t, "figure"), "cumulative");
  assert_string_equal(text(t, "status"), percent(covered, all) + 1e-9 >= 66.6 ? "met" : "not_met");
  assert_float_equal(number(cJSON_GetObjectItem(t, "yearly"), "numerator"), own, 0);
  assert_float_equal(number(cJSON_GetObjectItem(t, "yearly"), "value"), percent(own, all), 1e-9);
  /* stage I's "Август" is August 2021 only */
  assert_float_equal(scalar(dir, "SELECT COUNT(*) FROM measure_window w JOIN measure m ON m.id = w.measure_id"
                                 " WHERE m.number = '1' AND w.from_date = '2021-08-01' AND w.to_date = '2021-08-31'"), 1, 0);
  assert_float_equal(scalar(dir, "SELECT COUNT(*) FROM measure_window w JOIN measure m ON m.id = w.measure_id"
                                 " WHERE m.number = '1'"), 1, 0);
  cJSON_Delete(root);
  support_remove_tree(dir);
}

static void belorechensk_on_its_data(void **state) {
  (void)state;
  char *dir = load("belorechensk");
  cJSON *root = evaluate(dir);
  double n = scalar(dir, "SELECT COUNT(DISTINCT staff_id) FROM activity WHERE kind = 'publication' AND date LIKE '2023-%'"
                         " AND staff_id IN " EMPLOYED("position NOT IN ('head', 'deputy', 'other')"));
  assert_float_equal(total(root, "publications"), n, 1e-9); /* pedagogical workers: not heads, not deputies */
  /* the conferences, forums, seminars and round tables held in 2023 (not stages of something) */
  n = scalar(dir, "SELECT COUNT(*) FROM event WHERE kind IN ('conference', 'forum', 'seminar', 'round_table')"
                  " AND parent_id IS NULL AND start_date <= '2023-12-31' AND coalesce(end_date, start_date) >= '2023-01-01'");
  assert_true(n > 0);
  assert_float_equal(total(root, "methodical_events"), n, 1e-9);
  /* young teachers (not heads; under 35 and in the first 3 years on 31.12.2023) who took part in a competition */
  const char *young = EMPLOYED("position <> 'head' AND staff_id IN (SELECT id FROM staff WHERE 2023 - birth_year < 35"
                               " AND 2023 - career_start_year < 3)");
  char sql[2048];
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s AS y WHERE EXISTS (SELECT 1 FROM participation p JOIN event e"
           " ON e.id = p.event_id WHERE p.staff_id = y.staff_id AND e.kind = 'competition' AND p.role = 'participant'"
           " AND p.date LIKE '2023-%%') OR EXISTS (SELECT 1 FROM activity a WHERE a.staff_id = y.staff_id"
           " AND a.kind = 'competition' AND a.date LIKE '2023-%%')", young);
  n = scalar(dir, sql);
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", young);
  double d = scalar(dir, sql);
  assert_true(n > 0 && d > n);
  assert_float_equal(total(root, "young_in_competitions"), percent(n, d), 1e-9);
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
  /* the teaching staff of ДПО organizations and the methodical service, trained since 2021 */
  double n = scalar(dir, "SELECT COUNT(*) FROM " EMPLOYED("organization_id IN (SELECT id FROM organization WHERE kind IN"
                         " ('dpo', 'methodical')) AND position IN ('teacher', 'methodist', 'tutor', 'senior_educator',"
                         " 'psychologist', 'additional_educator', 'organizer')") " w WHERE EXISTS (SELECT 1 FROM activity a"
                         " WHERE a.staff_id = w.staff_id AND a.kind IN ('course', 'retraining') AND a.date BETWEEN"
                         " '2021-01-01' AND '2023-12-31')");
  double d = scalar(dir, "SELECT COUNT(*) FROM " EMPLOYED("organization_id IN (SELECT id FROM organization WHERE kind IN"
                         " ('dpo', 'methodical')) AND position IN ('teacher', 'methodist', 'tutor', 'senior_educator',"
                         " 'psychologist', 'additional_educator', 'organizer')"));
  assert_true(d >= 5);
  assert_float_equal(total(root, "dpo_staff_trained"), percent(n, d), 1e-9);
  /* 27 expected results, none of them per organization; "(2021- 2024 годы)" is in progress in 2023 */
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "results")), 27);
  assert_string_equal(text(row_of(root, "dpo_staff_trained", NULL), "status"), "in_progress");
  assert_string_equal(text(row_of(root, "dpo_staff_trained_2022", NULL), "status"), n * 2 >= d ? "met" : "not_met");
  assert_float_equal(total(root, "rsur_report"), 1, 0);
  /* the roadmap's deadlines are windows: 27 measures, "до 15.01.2023" one of them */
  assert_float_equal(scalar(dir, "SELECT COUNT(*) FROM measure"), 27, 0);
  assert_float_equal(scalar(dir, "SELECT COUNT(*) FROM measure_window WHERE from_date IS NULL AND to_date = '2023-01-15'"), 2, 0);
  cJSON_Delete(root);
  support_remove_tree(dir);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(pack_tests_pass),
    cmocka_unit_test(the_field_scanner_finds_duplicates),
    cmocka_unit_test(no_rule_file_gives_a_field_twice),
    cmocka_unit_test(emanzhelinsk_on_its_data),
    cmocka_unit_test(belorechensk_on_its_data),
    cmocka_unit_test(dalnerechensk_on_its_data),
    cmocka_unit_test(grozny_district_on_its_data),
  };
  return cmocka_run_group_tests_name("packs", tests, NULL, NULL);
}
