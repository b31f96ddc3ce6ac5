/* End to end: the management cycle as a coordinator runs it on the
 * quickstart example: two consecutive cycles with a roadmap, decisions and
 * the effectiveness verdict; every refusal of the state machine; roadmap
 * files in the seeds' own format. Arguments: the pdmon binary and the
 * source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;

/* Runs pdmon and checks its exit status and, when given, a fragment of
 * its standard output (or error, for failures). */
static void expect(const char *dir, const char *args, int status, const char *fragment) {
  support_expect(pdmon_bin, source_dir, dir, args, status, fragment);
}

static long long scalar(const char *dir, const char *sql) {
  char path[1024];
  snprintf(path, sizeof path, "%s/store.db", dir);
  return support_scalar(path, sql);
}

static int setup(void **state) {
  char *dir = support_tempdir();
  *state = dir;
  support_quickstart_store(pdmon_bin, source_dir, dir, "examples/quickstart");
  return 0;
}

static int teardown(void **state) {
  support_remove_tree(*state);
  return 0;
}

static void steps_out_of_order_are_refused(void **state) {
  char *dir = *state;
  expect(dir, "cycle run", 1, "no cycle yet: open one with 'pdmon cycle open --period YEAR'");
  expect(dir, "cycle status", 1, "no cycle yet");
  expect(dir, "cycle open", 2, "usage: pdmon cycle open --period YEAR");
  expect(dir, "cycle open --period 2022", 0, "cycle 1 opened: demo, 2022");
  expect(dir, "cycle open --period 2022", 1, "a cycle for 2022 already exists (cycle 1)");
  expect(dir, "cycle open --period 2023", 1, "the cycle for 2022 is not closed");
  expect(dir, "cycle close", 1, "the monitoring has not run yet; run 'pdmon cycle run' first");
  expect(dir, "cycle run", 0, "monitoring, analysis and recommendations stored");
  expect(dir, "cycle close", 1, "4 problem zones were found but no measures were taken");
  expect(dir, "import measures examples/quickstart/measures.csv", 0, "3 rows: 3 new");
  expect(dir, "cycle close", 1, "no management decision is recorded");
  expect(dir, "decision add --kind order --number 161/1 --date 26.08.2022 --title 'О дорожной карте' --measure 1", 0,
         "linked to 1 measures");
  expect(dir, "cycle close", 0, "cycle 1 (2022) closed");
  expect(dir, "cycle close", 1, "is already closed");
  expect(dir, "cycle run --cycle 1", 1, "cycle 1 (2022) is closed: its results never change");
  expect(dir, "cycle frobnicate", 2, "unknown step 'frobnicate'");
}

static void two_cycles_with_measures_decisions_and_effects(void **state) {
  char *dir = *state;
  expect(dir, "cycle open --period 2022 --title 'Цикл 2022'", 0, NULL);
  expect(dir, "cycle run", 0, NULL);
  /* 2022: 1 of 24 teachers diagnosed against the yearly step of 33,3% */
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_result WHERE cycle_id = 1"), 5);
  assert_int_equal(scalar(dir, "SELECT status = 'not_met' FROM cycle_result WHERE cycle_id = 1 AND organization IS NULL"), 1);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = 1"), 4);
  /* the kindergarten has no teachers: not applicable, stored as such, never a problem zone */
  assert_int_equal(scalar(dir, "SELECT status = 'not_applicable' FROM cycle_result WHERE cycle_id = 1 AND organization = 'dou5'"), 1);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = 1 AND organization = 'dou5'"), 0);
  /* the cumulative figure is stored next to the yearly one (nobody was diagnosed in 2021:
   * 1 of 24 both), behind the path to 66,6% in 2024: 66,6 × 2/4 = 33,3 in 2022 */
  assert_int_equal(scalar(dir, "SELECT figure = 'yearly' AND yearly_numerator = 1 AND cumulative_numerator = 1 AND"
                               " cumulative_since = 2021 AND progress = 'behind' AND path_value = 33.3 FROM cycle_result"
                               " WHERE cycle_id = 1 AND organization IS NULL"), 1);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_recommendation WHERE cycle_id = 1 AND addressee = 'organization'"), 3);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_recommendation WHERE cycle_id = 1 AND addressee = 'methodical_service'"
                               " AND text LIKE '%4,17% при цели 33,3%'"), 1);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_pack_file WHERE cycle_id = 1"), 2);
  assert_int_equal(scalar(dir, "SELECT length(pack_hash) FROM cycle WHERE id = 1"), 16);
  /* a re-run of an open cycle replaces its results */
  expect(dir, "cycle run", 0, NULL);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_result WHERE cycle_id = 1"), 5);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = 1"), 4);
  expect(dir, "import measures examples/quickstart/measures.csv", 0, NULL);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM measure WHERE cycle_id = 1 AND stage = 'I этап. Диагностика'"), 2);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM measure_window WHERE measure_id = 1"), 2);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM measure_indicator"), 2);
  expect(dir, "decision add --kind order --number 161/1 --date 26.08.2022 --title 'О дорожной карте' --measure 1 --measure 3", 0, NULL);
  expect(dir, "measure list --due --on 2023-01-10", 0, "   3  к исполнению  3        Анализ результатов диагностики");
  expect(dir, "measure list --overdue --on 2023-01-20", 0, "   3  просрочено    3");
  expect(dir, "measure done 3 --document 'order|161/1|2022-08-26'", 0, "measure 3 is done");
  expect(dir, "measure list --overdue --on 2023-01-20", 0, NULL);
  assert_int_equal(scalar(dir, "SELECT status = 'done' FROM measure WHERE id = 3"), 1);
  /* a recurring measure is done one year at a time; the cycle's list is judged on the last day of its period */
  expect(dir, "measure list --cycle 1", 0, "по годам: 2022 — просрочено; 2023 — запланировано");
  expect(dir, "measure done 1 --occurrence 2025 --document 'order|161/1|2022-08-26'", 1, "no occurrence in 2025; its schedule falls in: 2022, 2023");
  expect(dir, "measure done 1 --occurrence 2022 --document 'nothing'", 1, "no document 'nothing'");
  expect(dir, "measure done 1 --occurrence 2022 --document 'order|161/1|2022-08-26'", 0, "the occurrence of 2022 is done");
  expect(dir, "measure list --cycle 1", 0, "   1  выполнено     1");
  expect(dir, "measure list --cycle 1", 0, "measures of demo on 31.12.2022 (cycle 1)"); /* not "(null)" */
  expect(dir, "measure list --cycle 1 --on 2023-10-01", 0, "2022 — выполнено; 2023 — просрочено");
  expect(dir, "measure list --occurrence 2022", 2, "--occurrence is for 'measure done'");
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM measure_occurrence WHERE measure_id = 1 AND year = 2022"), 1);
  expect(dir, "cycle close", 0, NULL);
  /* 2023: the problems of 2022 are carried over and judged again */
  expect(dir, "cycle open --period 2023", 0, "cycle 2 opened");
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = 2 AND carried_from IS NOT NULL"), 4);
  expect(dir, "cycle run", 0, NULL);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = 2 AND resolved = 1"), 2);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = 2 AND resolved = 0"), 2);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = 2 AND carried_from IS NULL"), 0);
  expect(dir, "import measures examples/quickstart/measures.csv", 0, NULL);
  expect(dir, "decision add --kind protocol --number 5 --date 2023-12-20 --title 'Протокол'", 0, NULL);
  expect(dir, "cycle close", 0, "cycle 2 (2023) closed");
  /* the measures of 2022 linked to the indicator moved it from 4,17% to 33,33% */
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_effect WHERE cycle_id = 2 AND verdict = 'effective'"), 2);
  assert_int_equal(scalar(dir, "SELECT CAST(before_value * 100 AS INTEGER) FROM cycle_effect WHERE measure_id = 1"), 417);
  assert_int_equal(scalar(dir, "SELECT CAST(after_value * 100 AS INTEGER) FROM cycle_effect WHERE measure_id = 1"), 3333);
  /* the closed cycle's results do not change with new data */
  expect(dir, "cycle run --cycle 1", 1, "is closed");
  assert_int_equal(scalar(dir, "SELECT CAST(value * 100 AS INTEGER) FROM cycle_result WHERE cycle_id = 1 AND organization IS NULL"), 417);
}

static void status_names_the_nine_components(void **state) {
  char *dir = *state;
  expect(dir, "cycle open --period 2023", 0, NULL);
  expect(dir, "cycle run", 0, NULL);
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, "cycle status --format json");
  assert_int_equal(o.status, 0);
  cJSON *root = cJSON_Parse(o.out);
  assert_non_null(root);
  static const char *const names[] = {"Цели и задачи", "Критерии и показатели", "Методы сбора информации", "Мониторинг",
                                      "Анализ", "Адресные рекомендации", "Меры (дорожная карта)",
                                      "Управленческие решения", "Анализ эффективности принятых мер"};
  cJSON *components = cJSON_GetObjectItem(root, "components");
  assert_int_equal(cJSON_GetArraySize(components), 9);
  for (int i = 0; i < 9; i++) {
    cJSON *c = cJSON_GetArrayItem(components, i);
    assert_string_equal(cJSON_GetObjectItem(c, "name")->valuestring, names[i]);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(c, "criteria")) > 0);
  }
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(components, 3), "in_place")));
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(components, 6), "in_place")));
  cJSON *score = cJSON_GetObjectItem(root, "self_assessment");
  assert_int_equal(cJSON_GetObjectItem(score, "total")->valueint, 17);
  assert_int_equal(cJSON_GetObjectItem(score, "met")->valueint, 12); /* all but regional goals, measures (2), decisions, effects */
  cJSON_Delete(root);
  support_outcome_free(&o);
  expect(dir, "cycle status", 0, "4. Мониторинг — есть");
  expect(dir, "cycle status --format xml", 1, "unknown format 'xml'");
}

static void roadmaps_as_municipalities_write_them(void **state) {
  char *dir = *state;
  expect(dir, "cycle open --period 2023", 0, NULL);
  /* tab-separated, Windows-1251, stage and direction rows, as Excel saves a seed's table */
  static const char roadmap[] =
      "\xB9 \xEF/\xEF\t\xCC\xE5\xF0\xEE\xEF\xF0\xE8\xFF\xF2\xE8\xE5\t\xD1\xF0\xEE\xEA\xE8 \xE8\xF1\xEF\xEE\xEB\xED\xE5\xED\xE8\xFF\t"
      "\xCE\xF2\xE2\xE5\xF2\xF1\xF2\xE2\xE5\xED\xED\xFB\xE5 \xE8\xF1\xEF\xEE\xEB\xED\xE8\xF2\xE5\xEB\xE8\t\xD0\xE5\xE7\xF3\xEB\xFC\xF2\xE0\xF2\r\n"
      "I \xFD\xF2\xE0\xEF\t\t\t\t\r\n"
      "\xCD\xE0\xEF\xF0\xE0\xE2\xEB\xE5\xED\xE8\xE5 1. \xC4\xE8\xE0\xE3\xED\xEE\xF1\xF2\xE8\xEA\xE0\t\t\t\t\r\n"
      "1\t\xC4\xE8\xE0\xE3\xED\xEE\xF1\xF2\xE8\xEA\xE0\t\xEC\xE0\xF0\xF2 2022 \xE3.\t\xCC\xCA\xD3 \xD3\xCE\t\xCF\xF0\xE8\xEA\xE0\xE7\r\n";
  char *path = support_write(dir, "roadmap.csv", roadmap, sizeof roadmap - 1);
  char args[1200];
  snprintf(args, sizeof args, "import measures '%s'", path);
  expect(dir, args, 0, "1 rows: 1 new");
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM measure WHERE stage = 'I этап' AND direction = 'Направление 1. Диагностика'"
                               " AND schedule = 'март 2022 г.' AND responsible = 'МКУ УО'"), 1);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM measure_window WHERE from_date = '2022-03-01' AND to_date = '2022-03-31'"), 1);
  free(path);
  path = support_write_text(dir, "bad.csv", "number,title,schedule,responsible,indicators\n"
                                            "1,Мероприятие,когда-нибудь,Координатор,\n"
                                            "2,Мероприятие,Ежегодно,Координатор,teachers_diagnozed\n"
                                            "3,Мероприятие,Ежегодно,Координатор,teachers_diagnosed\n");
  snprintf(args, sizeof args, "import measures '%s'", path);
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, args);
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "bad.csv:2: schedule: cannot read the schedule 'когда-нибудь'"));
  assert_non_null(strstr(o.err, "bad.csv:3: indicators: no indicator 'teachers_diagnozed' in the cycle's pack"));
  support_outcome_free(&o);
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM measure"), 1); /* nothing of bad.csv was written */
  snprintf(args, sizeof args, "import measures '%s' --skip-invalid", path);
  expect(dir, args, 0, "3 rows: 1 new, 0 updated, 2 rejected");
  char aside[1100];
  snprintf(aside, sizeof aside, "%s.rejected.csv", path);
  char *text = support_read(aside);
  assert_non_null(text);
  assert_non_null(strstr(text, "когда-нибудь"));
  free(text);
  free(path);
}

/* Runs pdmon and returns its standard output parsed as JSON. */
static cJSON *json_of(const char *dir, const char *args) {
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, args);
  if (o.status != 0) fail_msg("pdmon %s -> %d: %s", args, o.status, o.err);
  cJSON *root = cJSON_Parse(o.out);
  support_outcome_free(&o);
  assert_non_null(root);
  return root;
}

/* Opens and runs a cycle of the store's municipality, or of municipality
 * when it is not NULL (a store that holds several). */
static void run_cycle_of(const char *dir, const char *pack, const char *municipality, int period, int close) {
  char args[1200], whose[300] = "";
  if (municipality) snprintf(whose, sizeof whose, " --municipality %s", municipality);
  snprintf(args, sizeof args, "cycle open --period %d --pack '%s'%s", period, pack, whose);
  expect(dir, args, 0, NULL);
  snprintf(args, sizeof args, "cycle run --pack '%s'%s", pack, whose);
  expect(dir, args, 0, NULL);
  if (!close) return;
  snprintf(args, sizeof args, "import measures examples/quickstart/measures.csv --pack '%s'", pack);
  expect(dir, args, 0, NULL);
  snprintf(args, sizeof args, "decision add --number %d --date %d-12-01 --title 'Приказ' --pack '%s'", period, period, pack);
  expect(dir, args, 0, NULL);
  snprintf(args, sizeof args, "cycle close --pack '%s'", pack);
  expect(dir, args, 0, NULL);
}

static void run_cycle(const char *dir, const char *pack, int period, int close) {
  run_cycle_of(dir, pack, NULL, period, close);
}

static void analysis_ratings_and_the_rules_in_force_then(void **state) {
  char *dir = *state, pack[1024], cmd[2600];
  snprintf(pack, sizeof pack, "%s/quickstart", dir);
  snprintf(cmd, sizeof cmd, "cp -r '%s/examples/quickstart' '%s'", source_dir, pack);
  assert_int_equal(system(cmd), 0);
  run_cycle(dir, pack, 2022, 1);
  /* the municipality changes its target after the 2022 cycle */
  snprintf(cmd, sizeof cmd, "sed -i 's/К 2024 году - не менее 66,6%% (из расчета - 100%% за 3 года, начиная с 2021 г.; не менее 33,3%% ежегодно)/Ежегодно - 90%%/' '%s/indicators.lua'", pack);
  assert_int_equal(system(cmd), 0);
  run_cycle(dir, pack, 2023, 0);
  char args[1200];
  snprintf(args, sizeof args, "cycle analysis --format json --pack '%s'", pack);
  cJSON *root = json_of(dir, args);
  cJSON *ind = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "indicators"), 0);
  assert_string_equal(cJSON_GetObjectItem(ind, "dynamics")->valuestring, "2022: 4.17; 2023: 33.33");
  /* the table for people writes the same with decimal commas */
  snprintf(args, sizeof args, "cycle analysis --pack '%s'", pack);
  expect(dir, args, 0, "33,33; цель 90,00; ");
  expect(dir, args, 0, "изменение +29,16; по годам: 2022: 4,17; 2023: 33,33");
  assert_float_equal(cJSON_GetObjectItem(ind, "previous_value")->valuedouble, 4.17, 1e-9);
  assert_float_equal(cJSON_GetObjectItem(ind, "target_value")->valuedouble, 90, 1e-9);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "ranking")), 3); /* the kindergarten has no data */
  cJSON *ratings = cJSON_GetObjectItem(root, "ratings");
  assert_int_equal(cJSON_GetArraySize(ratings), 3);
  cJSON *first = cJSON_GetArrayItem(ratings, 0), *second = cJSON_GetArrayItem(ratings, 1);
  assert_string_equal(cJSON_GetObjectItem(first, "organization")->valuestring, "sch1");
  assert_float_equal(cJSON_GetObjectItem(first, "score")->valuedouble, 66.67, 1e-9);  /* 60 of 90 */
  assert_float_equal(cJSON_GetObjectItem(second, "score")->valuedouble, 27.78, 1e-9); /* 25 of 90 */
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "problem_zones")), 4);
  cJSON_Delete(root);
  snprintf(args, sizeof args, "cycle recommendations --to methodical_service --pack '%s'", pack);
  expect(dir, args, 0, "Муниципальная методическая служба:\n  [2] муниципалитет: Охват диагностикой по муниципалитету 33,33% при цели 90%");
  /* the closed cycle is explained with the rules it ran with */
  snprintf(args, sizeof args, "explain teachers_diagnosed --cycle 1 --pack '%s'", pack);
  expect(dir, args, 0, "target: К 2024 году - не менее 66,6%");
  snprintf(args, sizeof args, "explain teachers_diagnosed --period 2022 --pack '%s'", pack);
  expect(dir, args, 0, "target: Ежегодно - 90%");
}

static void municipalities_of_one_store_are_compared(void **state) {
  char *dir = *state, pack[1024], cmd[2600];
  snprintf(pack, sizeof pack, "%s/other", dir);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s/examples/quickstart/indicators.lua' '%s/'", pack, source_dir, pack);
  assert_int_equal(system(cmd), 0);
  free(support_write_text(pack, "pack.lua", "pack { id = 'other', municipality = 'other', period = { 2021, 2024 } }\n"));
  free(support_write_text(dir, "o.csv", "id,name,kind,municipality\nx1,Школа Другого района,school,other\n"));
  free(support_write_text(dir, "s.csv", "id,organization_id,position,birth_year,career_start_year\nq1,x1,teacher,1980,2003\nq2,x1,teacher,1981,2004\n"));
  free(support_write_text(dir, "a.csv", "staff_id,kind,date\nq1,diagnostic,2023-05-05\nq2,diagnostic,2023-05-06\n"));
  char args[1200];
  snprintf(args, sizeof args, "import organizations '%s/o.csv'", dir);
  expect(dir, args, 0, NULL);
  snprintf(args, sizeof args, "import staff '%s/s.csv'", dir);
  expect(dir, args, 0, NULL);
  snprintf(args, sizeof args, "import activities '%s/a.csv'", dir);
  expect(dir, args, 0, NULL);
  run_cycle_of(dir, pack, "other", 2023, 0); /* the command chooses whose rows, never the pack */
  run_cycle(dir, "examples/quickstart", 2023, 0);
  cJSON *root = json_of(dir, "cycle analysis --format json");
  cJSON *rows = cJSON_GetObjectItem(root, "municipalities");
  assert_int_equal(cJSON_GetArraySize(rows), 2);
  cJSON *top = cJSON_GetArrayItem(rows, 0);
  assert_string_equal(cJSON_GetObjectItem(top, "municipality")->valuestring, "other"); /* 100% against 33,33% */
  assert_int_equal(cJSON_GetObjectItem(top, "rank")->valueint, 1);
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 1), "municipality")->valuestring, "demo");
  /* and each sees only its own organizations */
  assert_int_equal(scalar(dir, "SELECT COUNT(*) FROM cycle_result r JOIN cycle c ON c.id = r.cycle_id"
                               " WHERE c.municipality = 'other' AND r.organization = 'sch1'"), 0);
  cJSON_Delete(root);
}

/* Imports one school of municipality code with two teachers diagnosed in 2023. */
static void add_municipality(const char *dir, const char *code) {
  char csv[600], name[64], args[1200];
  snprintf(name, sizeof name, "o-%s.csv", code);
  snprintf(csv, sizeof csv, "id,name,kind,municipality\n%s1,Школа %s,school,%s\n", code, code, code);
  free(support_write_text(dir, name, csv));
  snprintf(args, sizeof args, "import organizations '%s/%s'", dir, name);
  expect(dir, args, 0, NULL);
  snprintf(name, sizeof name, "s-%s.csv", code);
  snprintf(csv, sizeof csv, "id,organization_id,position,birth_year,career_start_year\n%s-q1,%s1,teacher,1980,2003\n", code, code);
  free(support_write_text(dir, name, csv));
  snprintf(args, sizeof args, "import staff '%s/%s'", dir, name);
  expect(dir, args, 0, NULL);
}

/* The numbers of a cycle's own status's components that are (or are not) in place, as "1,2,4". */
static void components_of(cJSON *components, int in_place, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  cJSON *c;
  cJSON_ArrayForEach(c, components)
    if (cJSON_IsTrue(cJSON_GetObjectItem(c, "in_place")) == in_place)
      used += (size_t)snprintf(buf + used, len - used, "%s%d", used ? "," : "", cJSON_GetObjectItem(c, "number")->valueint);
}

/* A list of numbers as "1,2,4". */
static void numbers_of(cJSON *list, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  cJSON *n;
  cJSON_ArrayForEach(n, list) used += (size_t)snprintf(buf + used, len - used, "%s%d", used ? "," : "", n->valueint);
}

/* cycle status --all: a line per municipality of the store (of its data or its cycles), in
 * code order, each what the municipality's own cycle status says; one without a cycle of
 * the period says so. */
static void status_of_every_municipality(void **state) {
  char *dir = *state;
  expect(dir, "cycle status --all", 1, "no cycle yet: open them with 'pdmon cycle open --all --period YEAR'");
  run_cycle(dir, "examples/quickstart", 2022, 1);
  run_cycle(dir, "examples/quickstart", 2023, 0);
  add_municipality(dir, "other");
  add_municipality(dir, "zeta");
  expect(dir, "cycle open --period 2023 --municipality other --pack examples/quickstart", 0, NULL);
  cJSON *root = json_of(dir, "cycle status --all --format json");
  assert_int_equal(cJSON_GetObjectItem(root, "period")->valueint, 2023); /* the latest */
  cJSON *lines = cJSON_GetObjectItem(root, "municipalities");
  assert_int_equal(cJSON_GetArraySize(lines), 3);
  static const char *const codes[] = {"demo", "other", "zeta"};
  static const char *const states[] = {"run", "open", NULL};
  for (int i = 0; i < 3; i++) {
    cJSON *line = cJSON_GetArrayItem(lines, i);
    assert_string_equal(cJSON_GetObjectItem(line, "municipality")->valuestring, codes[i]);
    assert_int_equal(cJSON_GetObjectItem(line, "period")->valueint, 2023);
    if (!states[i]) {
      assert_true(cJSON_IsNull(cJSON_GetObjectItem(line, "cycle")));
      assert_true(cJSON_IsNull(cJSON_GetObjectItem(line, "state")));
      continue;
    }
    assert_string_equal(cJSON_GetObjectItem(line, "state")->valuestring, states[i]);
    char args[256], own[64], listed[64];
    snprintf(args, sizeof args, "cycle status --format json --cycle %d", cJSON_GetObjectItem(line, "cycle")->valueint);
    cJSON *single = json_of(dir, args);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(single, "cycle"), "municipality")->valuestring, codes[i]);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(single, "cycle"), "period")->valueint, 2023);
    for (int in_place = 0; in_place < 2; in_place++) {
      components_of(cJSON_GetObjectItem(single, "components"), in_place, own, sizeof own);
      numbers_of(cJSON_GetObjectItem(line, in_place ? "in_place" : "missing"), listed, sizeof listed);
      assert_string_equal(listed, own);
    }
    /* the monitoring (component 4) is in place where it ran: demo's, not other's open cycle */
    if (i == 1) assert_null(strstr(listed, "4"));
    else assert_non_null(strstr(listed, "4"));
    cJSON *s = cJSON_GetObjectItem(single, "self_assessment"), *t = cJSON_GetObjectItem(line, "self_assessment");
    assert_int_equal(cJSON_GetObjectItem(t, "met")->valueint, cJSON_GetObjectItem(s, "met")->valueint);
    assert_int_equal(cJSON_GetObjectItem(t, "total")->valueint, 17);
    cJSON_Delete(single);
  }
  cJSON *summary = cJSON_GetObjectItem(root, "summary");
  assert_int_equal(cJSON_GetObjectItem(summary, "municipalities")->valueint, 3);
  assert_int_equal(cJSON_GetObjectItem(summary, "with_cycle")->valueint, 2);
  assert_int_equal(cJSON_GetObjectItem(summary, "without_cycle")->valueint, 1);
  assert_int_equal(cJSON_GetObjectItem(summary, "open")->valueint, 1);
  assert_int_equal(cJSON_GetObjectItem(summary, "run")->valueint, 1);
  cJSON_Delete(root);
  /* an earlier period: the closed cycle of demo, nothing for the others */
  root = json_of(dir, "cycle status --all --period 2022 --format json");
  lines = cJSON_GetObjectItem(root, "municipalities");
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(lines, 0), "state")->valuestring, "closed");
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(lines, 1), "cycle")));
  assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "summary"), "closed")->valueint, 1);
  cJSON_Delete(root);
  /* for people: one line each, in Russian with the Russian catalogue */
  expect(dir, "cycle status --all", 0, "\nzeta: no cycle of 2023\nmunicipalities: 3; with a cycle of 2023: 2");
  /* the first closed cycle of a pack without a region's: no regional goals (1), no earlier measures (9) */
  expect(dir, "cycle status --all --period 2022", 0, "demo: cycle 1 (завершён): components in place: 7 of 9, missing: 1, 9; criteria met: 15 of 17\n");
  support_outcome o = support_pdmon_env(pdmon_bin, source_dir, dir, "LC_ALL= LANG=ru_RU.UTF-8", "cycle status --all");
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "циклы 2023 года, все муниципалитеты хранилища:\n"));
  assert_non_null(strstr(o.out, "\nzeta: цикла 2023 года нет\n"));
  assert_non_null(strstr(o.out, "other: цикл 3 (открыт): компонентов в наличии: "));
  support_outcome_free(&o);
  expect(dir, "cycle status --all --municipality demo", 2, "--all and --municipality: choose one");
  expect(dir, "cycle status --all --format xml", 1, "unknown format 'xml'");
  expect(dir, "cycle analysis --all", 2, "--all is for 'cycle open', 'cycle run' and 'cycle status'");
}

/* Four teachers and a programme over two years, counted by hand: the
 * programme is kept (1 -> 1, met both times: maintained), diagnostics fall
 * (75% -> 25%: worse), courses rise (25% -> 50%: effective), attestation
 * stays at 25% below its 50% (no effect). */
static void effectiveness_verdicts_read_right(void **state) {
  (void)state;
  char *dir = support_tempdir(), args[2048];
  snprintf(args, sizeof args, "%s/verdicts", dir);
  assert_int_equal(mkdir(args, 0755), 0);
  char *pack_dir = support_write_text(dir, "verdicts/pack.lua",
    "pack { id = 'verdicts', municipality = 'demo', period = { 2021, 2024 } }\n");
  free(support_write_text(dir, "verdicts/indicators.lua",
    "local teachers = staff { position = 'teacher' }\n"
    "criterion 'c' { title = 'Проверка вердиктов',\n"
    "  indicator 'programme' { title = 'Наличие программы', value = exists(documents { kind = 'programme' }),\n"
    "                          target = 'Наличие', level = 'municipality' },\n"
    "  indicator 'diagnosed' { title = 'Доля прошедших диагностику', target = 'Ежегодно - не менее 50%',\n"
    "                          value = share(teachers:having(activity { kind = 'diagnostic' }), teachers) },\n"
    "  indicator 'courses' { title = 'Доля прошедших курсы', target = 'Ежегодно - не менее 50%',\n"
    "                        value = share(teachers:having(activity { kind = 'course' }), teachers) },\n"
    "  indicator 'attested' { title = 'Доля аттестованных', target = 'Ежегодно - не менее 50%',\n"
    "                         value = share(teachers:having(activity { kind = 'attestation' }), teachers) },\n"
    "}\n"));
  char *slash = strrchr(pack_dir, '/');
  *slash = '\0';
  char *orgs = support_write_text(dir, "organizations.csv", "id,name,kind\ns1,МОУ СОШ № 1,school\n");
  char *staff = support_write_text(dir, "staff.csv", "id,organization_id,position,birth_year,career_start_year\n"
    "t1,s1,teacher,1980,2003\nt2,s1,teacher,1981,2004\nt3,s1,teacher,1982,2005\nt4,s1,teacher,1983,2006\n");
  char *acts = support_write_text(dir, "activities.csv", "staff_id,kind,date\n"
    "t1,diagnostic,2022-02-01\nt2,diagnostic,2022-02-01\nt3,diagnostic,2022-02-01\nt1,diagnostic,2023-02-01\n"
    "t1,course,2022-03-01\nt1,course,2023-03-01\nt2,course,2023-03-01\n"
    "t1,attestation,2022-04-01\nt2,attestation,2023-04-01\n");
  char *docs = support_write_text(dir, "documents.csv", "id,kind,date,title\nd1,programme,2021-09-01,Программа\n");
  char *roadmap = support_write_text(dir, "measures.csv", "№;Мероприятие;Сроки;Ответственный;Результат;Показатели\n"
    "1;Меры по итогам мониторинга;Ежегодно;Управление образования;Приказ;programme diagnosed courses attested\n");
  snprintf(args, sizeof args, "init --municipality demo --pack '%s'", pack_dir);
  expect(dir, args, 0, NULL);
  const char *entities[][2] = {{"organizations", orgs}, {"staff", staff}, {"activities", acts}, {"documents", docs}};
  for (int i = 0; i < 4; i++) {
    snprintf(args, sizeof args, "import %s '%s'", entities[i][0], entities[i][1]);
    expect(dir, args, 0, NULL);
  }
  for (int period = 2022; period <= 2023; period++) {
    snprintf(args, sizeof args, "cycle open --period %d", period);
    expect(dir, args, 0, NULL);
    expect(dir, "cycle run", 0, NULL);
    snprintf(args, sizeof args, "import measures '%s'", roadmap);
    expect(dir, args, 0, NULL);
    snprintf(args, sizeof args, "decision add --number %d --date %d-12-01 --title 'Приказ' --measure %d", period, period,
             period - 2021);
    expect(dir, args, 0, NULL);
    expect(dir, "cycle close", 0, NULL);
  }
  static const char *const verdicts[][2] = {
    {"programme", "maintained"}, {"diagnosed", "worse"}, {"courses", "effective"}, {"attested", "no_effect"}};
  for (int i = 0; i < 4; i++) {
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM cycle_effect WHERE cycle_id = 2 AND indicator = '%s' AND verdict = '%s'",
             verdicts[i][0], verdicts[i][1]);
    if (scalar(dir, sql) != 1) fail_msg("%s: expected %s", verdicts[i][0], verdicts[i][1]);
  }
  /* the report says it in words */
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, "report --format md");
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "сохранено"));
  assert_non_null(strstr(o.out, "ухудшение"));
  support_outcome_free(&o);
  free(pack_dir); free(orgs); free(staff); free(acts); free(docs); free(roadmap);
  support_remove_tree(dir);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(steps_out_of_order_are_refused, setup, teardown),
    cmocka_unit_test_setup_teardown(two_cycles_with_measures_decisions_and_effects, setup, teardown),
    cmocka_unit_test_setup_teardown(status_names_the_nine_components, setup, teardown),
    cmocka_unit_test_setup_teardown(roadmaps_as_municipalities_write_them, setup, teardown),
    cmocka_unit_test_setup_teardown(analysis_ratings_and_the_rules_in_force_then, setup, teardown),
    cmocka_unit_test_setup_teardown(municipalities_of_one_store_are_compared, setup, teardown),
    cmocka_unit_test_setup_teardown(status_of_every_municipality, setup, teardown),
    cmocka_unit_test(effectiveness_verdicts_read_right),
  };
  return cmocka_run_group_tests_name("cycle", tests, NULL, NULL);
}
