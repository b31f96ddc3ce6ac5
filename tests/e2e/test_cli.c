/* End to end: the built pdmon run as a coordinator runs it, on the
 * quickstart example: init, import, eval in every format, and the errors a
 * user meets. Arguments: the pdmon binary and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;

typedef support_outcome outcome;

static outcome run(const char *dir, const char *args) { return support_pdmon(pdmon_bin, source_dir, dir, args); }

static void release(outcome *o) { support_outcome_free(o); }

static void expect(const char *dir, const char *args, int status) {
  support_expect(pdmon_bin, source_dir, dir, args, status, NULL);
}

static int setup(void **state) {
  char *dir = support_tempdir();
  *state = dir;
  support_quickstart_store(pdmon_bin, source_dir, dir, NULL);
  return 0;
}

static int teardown(void **state) {
  support_remove_tree(*state);
  return 0;
}

/* The result object for organization org (NULL: the total). */
static cJSON *result_for(cJSON *root, const char *org) {
  cJSON *row;
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "results")) {
    cJSON *o = cJSON_GetObjectItem(row, "organization");
    if (org ? (cJSON_IsString(o) && strcmp(o->valuestring, org) == 0) : cJSON_IsNull(o)) return row;
  }
  return NULL;
}

static void eval_json_matches_the_data(void **state) {
  outcome o = run(*state, "eval --pack examples/quickstart --period 2023 --format json");
  assert_int_equal(o.status, 0);
  cJSON *root = cJSON_Parse(o.out);
  assert_non_null(root);
  assert_string_equal(cJSON_GetObjectItem(root, "pack")->valuestring, "quickstart");
  assert_string_equal(cJSON_GetObjectItem(root, "municipality")->valuestring, "demo");
  assert_int_equal(cJSON_GetObjectItem(root, "period")->valueint, 2023);
  /* 24 teachers, 8 of them diagnosed in 2023: heads, the 2022 diagnostic,
   * an educator and a second diagnostic of the same teacher do not count */
  cJSON *total = result_for(root, NULL);
  assert_non_null(total);
  assert_string_equal(cJSON_GetObjectItem(total, "indicator")->valuestring, "teachers_diagnosed");
  assert_string_equal(cJSON_GetObjectItem(total, "criterion")->valuestring, "deficits");
  assert_string_equal(cJSON_GetObjectItem(total, "unit")->valuestring, "%");
  assert_int_equal(cJSON_GetObjectItem(total, "numerator")->valueint, 8);
  assert_int_equal(cJSON_GetObjectItem(total, "denominator")->valueint, 24);
  assert_float_equal(cJSON_GetObjectItem(total, "value")->valuedouble, 33.33, 1e-9);
  /* 2023 is before the final year: the yearly step of 33,3% applies */
  assert_string_equal(cJSON_GetObjectItem(total, "status")->valuestring, "met");
  cJSON *target = cJSON_GetObjectItem(total, "target");
  assert_string_equal(cJSON_GetObjectItem(target, "kind")->valuestring, "trajectory");
  assert_float_equal(cJSON_GetObjectItem(target, "value")->valuedouble, 33.3, 1e-9);
  assert_non_null(strstr(cJSON_GetObjectItem(target, "text")->valuestring, "К 2024 году - не менее 66,6%"));
  cJSON *sch1 = result_for(root, "sch1");
  assert_int_equal(cJSON_GetObjectItem(sch1, "numerator")->valueint, 6);
  assert_int_equal(cJSON_GetObjectItem(sch1, "denominator")->valueint, 10);
  assert_float_equal(cJSON_GetObjectItem(sch1, "value")->valuedouble, 60.0, 1e-9);
  cJSON *sch2 = result_for(root, "sch2");
  assert_int_equal(cJSON_GetObjectItem(sch2, "numerator")->valueint, 2);
  assert_float_equal(cJSON_GetObjectItem(sch2, "value")->valuedouble, 25.0, 1e-9);
  cJSON *sch3 = result_for(root, "sch3");
  assert_float_equal(cJSON_GetObjectItem(sch3, "value")->valuedouble, 0.0, 1e-9);
  assert_string_equal(cJSON_GetObjectItem(sch3, "status")->valuestring, "not_met");
  assert_string_equal(cJSON_GetObjectItem(sch2, "status")->valuestring, "not_met");
  assert_string_equal(cJSON_GetObjectItem(sch1, "status")->valuestring, "met");
  /* a kindergarten has no teachers by its nature: not applicable, neither 0% nor "no data" */
  cJSON *dou5 = result_for(root, "dou5");
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(dou5, "value")));
  assert_string_equal(cJSON_GetObjectItem(dou5, "status")->valuestring, "not_applicable");
  /* "100% за 3 года": the yearly step applies in 2023, the cumulative figure since 2021 is
   * followed on the linear path to 66,6% in 2024: 9 of 24 covered, 37,5% < 49,95% */
  assert_string_equal(cJSON_GetObjectItem(total, "figure")->valuestring, "yearly");
  cJSON *cumulative = cJSON_GetObjectItem(total, "cumulative");
  assert_int_equal(cJSON_GetObjectItem(cumulative, "numerator")->valueint, 9);
  assert_int_equal(cJSON_GetObjectItem(cumulative, "denominator")->valueint, 24);
  assert_int_equal(cJSON_GetObjectItem(cumulative, "since")->valueint, 2021);
  assert_float_equal(cJSON_GetObjectItem(total, "path_value")->valuedouble, 49.95, 1e-9);
  assert_string_equal(cJSON_GetObjectItem(total, "progress")->valuestring, "behind");
  assert_string_equal(cJSON_GetObjectItem(sch1, "progress")->valuestring, "on_track"); /* 7 of 10 */
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "results")), 5);
  cJSON_Delete(root);
  release(&o);
}

static void other_periods_and_filters(void **state) {
  outcome o = run(*state, "eval --pack examples/quickstart --period 2022 --format json --org sch1");
  assert_int_equal(o.status, 0);
  cJSON *root = cJSON_Parse(o.out);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "results")), 1);
  cJSON *sch1 = result_for(root, "sch1");
  assert_int_equal(cJSON_GetObjectItem(sch1, "numerator")->valueint, 1);
  assert_float_equal(cJSON_GetObjectItem(sch1, "value")->valuedouble, 10.0, 1e-9);
  cJSON_Delete(root);
  release(&o);
  o = run(*state, "eval --pack examples/quickstart --period 2023 --org nowhere");
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "no organization 'nowhere' in demo"));
  release(&o);
  o = run(*state, "eval --pack examples/quickstart --indicator nonesuch");
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "no indicator 'nonesuch' in this pack; the pack has: teachers_diagnosed"));
  release(&o);
}

static void table_and_csv(void **state) {
  outcome o = run(*state, "eval --pack examples/quickstart --period 2023");
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "teachers_diagnosed: Доля педагогов"));
  assert_non_null(strstr(o.out, "МОУ «СОШ № 1»                   6           10     60,00  >= 33,30  достигнуто (за год)"));
  assert_non_null(strstr(o.out, "не применимо"));
  release(&o);
  o = run(*state, "eval --pack examples/quickstart --period 2023 --format csv");
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "teachers_diagnosed,deficits,,,,,8,24,33.33,%,\"К 2024 году - не менее 66,6%"));
  assert_non_null(strstr(o.out, "teachers_diagnosed,deficits,dou5,МДОУ «Детский сад № 5»,,,0,0,,%,,,not_applicable,"));
  release(&o);
}

static void pack_recorded_by_init_is_the_default(void **state) {
  expect(*state, "init --pack examples/quickstart", 0);
  outcome o = run(*state, "eval --format json");
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "\"period\":2023")); /* latest year with data */
  release(&o);
  expect(*state, "check", 0);
}

static void import_errors_name_file_line_and_column(void **state) {
  char *bad = support_write_text(*state, "bad.csv",
                                 "id,organization_id,position,birth_year,career_start_year\n"
                                 "x1,sch1,teacher,1980,2003\nx2,sch1,teacher,198O,2003\n");
  char args[1024];
  snprintf(args, sizeof args, "import staff '%s'", bad);
  outcome o = run(*state, args);
  assert_int_equal(o.status, 1);
  char expected[1200];
  snprintf(expected, sizeof expected, "%s:3: birth_year: not a year between 1900 and 2100 (198O)", bad);
  assert_non_null(strstr(o.err, expected));
  assert_non_null(strstr(o.err, "nothing was imported"));
  release(&o);
  snprintf(args, sizeof args, "import staff '%s' --skip-invalid", bad);
  o = run(*state, args);
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "1 new, 0 updated, 1 rejected"));
  assert_non_null(strstr(o.out, "bad.csv.rejected.csv"));
  release(&o);
  free(bad);
  /* personal data: refused with the reason, or left out with --drop-personal */
  char *named = support_write_text(*state, "named.csv",
                                   "id,Фамилия,organization_id,position,birth_year,career_start_year\n"
                                   "x3,Кузнецова,sch1,teacher,1990,2014\n");
  snprintf(args, sizeof args, "import staff '%s'", named);
  o = run(*state, args);
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "named.csv:1: Фамилия: holds a person's name or identity"));
  assert_non_null(strstr(o.err, "152-ФЗ"));
  release(&o);
  snprintf(args, sizeof args, "import staff '%s' --drop-personal", named);
  o = run(*state, args);
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "personal data left out (152-ФЗ), columns: Фамилия"));
  assert_null(strstr(o.out, "Кузнецова"));
  release(&o);
  free(named);
}

static void explain_and_pack_tests(void **state) {
  outcome o = run(*state, "explain teachers_diagnosed --pack examples/quickstart --period 2023 --org sch2");
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "set 1: staff { position = \"teacher\" }:having(activity { kind = \"diagnostic\" })"));
  /* the scan of spans reads a worker's activities once, by the span's
   * staff_id (no join of the worker's row), the year's and the cumulative
   * probe each one bit chosen by the kind, and reads only the spans some
   * measure can count (the teachers) */
  assert_non_null(strstr(o.out, "(SELECT pdmon_bits((CASE a1.kind WHEN 'diagnostic' THEN (CASE WHEN a1.date BETWEEN"
                                " '2023-01-01' AND '2023-12-31' THEN 2 ELSE 0 END) | (CASE WHEN a1.date BETWEEN"
                                " '2021-01-01' AND '2023-12-31' THEN 4 ELSE 0 END) ELSE 0 END)) FROM activity a1"
                                " WHERE a1.staff_id = s_e.staff_id)"));
  assert_non_null(strstr(o.out, "FROM employment s_e WHERE s_e.from_date <= '2023-12-31' AND (s_e.to_date IS NULL OR"
                                " s_e.to_date >= '2023-12-31') AND ((s_e.position = 'teacher')) GROUP BY 1, 2"));
  assert_non_null(strstr(o.out, "TOTAL (municipality): numerator 8, denominator 24, value 33,33 -> достигнуто (met)"));
  assert_non_null(strstr(o.out, "МОУ «СОШ № 2»: numerator 2, denominator 8, value 25,00 -> не достигнуто (not_met)"));
  assert_non_null(strstr(o.out, "rule applied: ежегодный шаг: не менее 33,3% за 2023 г."));
  assert_non_null(strstr(o.out, "judged on the year's own share: yearly 25,00 (2 of 8); cumulative since 2021 25,00 (2 of 8)"));
  assert_non_null(strstr(o.out, "linear path in 2023: 49,95 -> в процессе: отставание (behind)"));
  assert_null(strstr(o.out, "СОШ № 1"));
  release(&o);
  o = run(*state, "explain nonesuch --pack examples/quickstart");
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "no indicator 'nonesuch'"));
  release(&o);
  o = run(*state, "test --pack examples/quickstart");
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "5 passed, 0 failed"));
  release(&o);
}

static void municipality_extends_the_region(void **state) {
  outcome o = run(*state, "eval --pack tests/data/packs/town --period 2023 --format json");
  assert_int_equal(o.status, 0);
  cJSON *root = cJSON_Parse(o.out);
  assert_string_equal(cJSON_GetObjectItem(root, "pack")->valuestring, "town");
  cJSON *total = result_for(root, NULL);
  cJSON *target = cJSON_GetObjectItem(total, "target");
  assert_string_equal(cJSON_GetObjectItem(target, "text")->valuestring, "Ежегодно - 70%");
  assert_string_equal(cJSON_GetObjectItem(total, "status")->valuestring, "not_met");
  int teachers_total = 0;
  cJSON *row;
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "results")) {
    if (!strcmp(cJSON_GetObjectItem(row, "indicator")->valuestring, "teachers_total") &&
        cJSON_IsNull(cJSON_GetObjectItem(row, "organization"))) {
      teachers_total = cJSON_GetObjectItem(row, "value")->valueint;
      assert_true(cJSON_IsNull(cJSON_GetObjectItem(row, "denominator")));
    }
  }
  assert_int_equal(teachers_total, 24);
  cJSON_Delete(root);
  release(&o);
  /* an override naming an unknown indicator is an error at its line */
  char *dir = *state, packdir[1024], cmd[2100], args[1200];
  snprintf(packdir, sizeof packdir, "%s/packs/bad", dir);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -r '%s/tests/data/packs/region' '%s/packs/'", packdir, source_dir, dir);
  assert_int_equal(system(cmd), 0);
  free(support_write_text(packdir, "pack.lua", "pack { id = 'bad', extends = 'region' }\n\ntargets { teachers_diagnozed = '100%' }\n"));
  snprintf(args, sizeof args, "check --pack '%s'", packdir);
  o = run(dir, args);
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "/packs/bad/pack.lua:3: targets: no indicator 'teachers_diagnozed'"));
  release(&o);
  free(support_write_text(packdir, "pack.lua", "pack { id = 'bad', extends = 'region' }\ntargets { teachers_diagnosed = 'много' }\n"));
  o = run(dir, args);
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "/packs/bad/pack.lua:2: targets { teachers_diagnosed = ... }: cannot read the target phrase 'много'"));
  release(&o);
  free(support_write_text(packdir, "pack.lua", "pack { id = 'bad', extends = 'bad' }\n"));
  o = run(dir, args);
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "extends makes a loop"));
  release(&o);
}

static void usage_errors_exit_2(void **state) {
  expect(*state, "", 2);
  expect(*state, "frobnicate", 2);
  expect(*state, "import staff", 2);
  expect(*state, "eval --period soon", 2);
  expect(*state, "eval --format xml", 2);
  expect(*state, "eval --bogus", 2);
  expect(*state, "--help", 0);
}

static void broken_rule_fails_alone(void **state) {
  char *dir = *state;
  char packdir[1024];
  snprintf(packdir, sizeof packdir, "%s/pack", dir);
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", packdir);
  assert_int_equal(system(cmd), 0);
  free(support_write_text(packdir, "pack.lua", "pack { id = 'broken' }\n"));
  free(support_write_text(packdir, "rules.lua",
      "local teachers = staff { position = 'teacher' }\n"
      "criterion 'c' { title = 'C',\n"
      "  indicator 'good' { title = 'Good', value = share(teachers:having(activity { kind = 'diagnostic' }), teachers) },\n"
      "  indicator 'bad' { title = 'Bad', value = share(teachers:having(activity { kind = 'diagnostic' }), teachers) },\n"
      "}\n"));
  char args[1200];
  snprintf(args, sizeof args, "check --pack '%s'", packdir);
  expect(dir, args, 0);
  free(support_write_text(packdir, "typo.lua", "local x = staf { position = 'teacher' }\n"));
  outcome o = run(dir, args);
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "/pack/typo.lua:1: undefined name 'staf'"));
  release(&o);
  free(support_write_text(packdir, "typo.lua", "local x = staff { postion = 'teacher' }\n"));
  o = run(dir, args);
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "/pack/typo.lua:1: staff { postion = ... }: unknown field 'postion'"));
  release(&o);
  /* a typo'd value of a vocabulary is refused at its line, naming the nearest value */
  free(support_write_text(packdir, "typo.lua", "local teachers = staff { position = 'teacher' }\n"
                                               "local x = teachers:having(activity { kind = 'diagnostik' })\n"));
  o = run(dir, args);
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "/pack/typo.lua:2: activity { kind = \"diagnostik\" }: unknown activity_kind;"
                                " the nearest known is \"diagnostic\" (diagnostic)"));
  release(&o);
  /* a Russian label, in any case, is a value like its code */
  free(support_write_text(packdir, "typo.lua", "local x = staff { position = 'УЧИТЕЛЬ' }:having(activity {"
                                               " kind = 'Диагностика профессиональных дефицитов' })\n"));
  expect(dir, args, 0);
  free(support_write_text(packdir, "typo.lua", "recommend { to = 'руководители', text = 'x' }\n"
                                               "recommend { to = 'heds', text = 'x' }\n"));
  o = run(dir, args);
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "/pack/typo.lua:2: recommend { to = \"heds\" }: unknown addressee; the nearest known is \"heads\""));
  release(&o);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(eval_json_matches_the_data, setup, teardown),
    cmocka_unit_test_setup_teardown(other_periods_and_filters, setup, teardown),
    cmocka_unit_test_setup_teardown(table_and_csv, setup, teardown),
    cmocka_unit_test_setup_teardown(pack_recorded_by_init_is_the_default, setup, teardown),
    cmocka_unit_test_setup_teardown(import_errors_name_file_line_and_column, setup, teardown),
    cmocka_unit_test_setup_teardown(explain_and_pack_tests, setup, teardown),
    cmocka_unit_test_setup_teardown(municipality_extends_the_region, setup, teardown),
    cmocka_unit_test_setup_teardown(usage_errors_exit_2, setup, teardown),
    cmocka_unit_test_setup_teardown(broken_rule_fails_alone, setup, teardown),
  };
  return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
