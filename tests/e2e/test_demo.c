/* The README's main command: 'pdmon demo' from an empty folder, then the
 * report in every format from the store it built. Arguments: the pdmon
 * binary and the source folder. */
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

static int count(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

static void demo_builds_two_cycles_and_a_report(void **state) {
  (void)state;
  char *dir = support_tempdir(), args[2048], path[1200];
  snprintf(args, sizeof args, "demo --out '%s/demo'", dir);
  support_outcome o = support_pdmon(pdmon_bin, dir, dir, args);
  if (o.status != 0) fail_msg("demo -> %d: %s", o.status, o.err);
  assert_non_null(strstr(o.out, "cycle 2 (2023): monitoring, analysis, recommendations, roadmap, decision, closed"));
  assert_non_null(strstr(o.out, "report: "));
  support_outcome_free(&o);
  snprintf(path, sizeof path, "%s/demo/report.html", dir);
  char *html = support_read(path);
  assert_non_null(html);
  assert_int_equal(strncmp(html, "<!DOCTYPE html>", 15), 0);
  assert_non_null(strstr(html, "<html lang=\"ru\">"));
  static const char *const sections[] = {"id=\"goals\"", "id=\"indicators\"", "id=\"analysis\"", "id=\"recommendations\"",
    "id=\"measures\"", "id=\"decisions\"", "id=\"effects\"", "id=\"next\"", "id=\"assessment\""};
  for (int i = 0; i < 9; i++) assert_non_null(strstr(html, sections[i]));
  /* every table is captioned; every chart is either an image with a text alternative or a drawing
   * beside text that says the same (aria-hidden); no external assets */
  assert_true(count(html, "<table") >= 8);
  assert_int_equal(count(html, "<table"), count(html, "<caption"));
  assert_true(count(html, "<svg") >= 14);
  assert_int_equal(count(html, "<svg"), count(html, "role=\"img\"") + count(html, "aria-hidden=\"true\""));
  assert_null(strstr(html, "<script"));
  assert_null(strstr(html, "src=\"http"));
  assert_null(strstr(html, "<link"));
  assert_non_null(strstr(html, "Доля педагогов, прошедших оценочную процедуру в ОГБУ ЧЦОПМКП"));
  assert_non_null(strstr(html, "эффективна"));          /* the 2022 measures judged in 2023 */
  assert_non_null(strstr(html, "✓ достигнуто"));         /* status in words, not colour only */
  free(html);
  /* the store it built answers the other commands */
  snprintf(args, sizeof args, "--db '%s/demo/pdmon.db' report --format json", dir);
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s > '%s/report.json'", dir, pdmon_bin, args, dir);
  assert_int_equal(system(cmd), 0);
  snprintf(path, sizeof path, "%s/report.json", dir);
  char *json = support_read(path);
  cJSON *root = cJSON_Parse(json);
  assert_non_null(root);
  assert_int_equal(cJSON_GetObjectItem(root, "format_version")->valueint, 1);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "criteria")), 13);
  assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(root, "effects")) > 0);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "components")), 9);
  cJSON_Delete(root);
  free(json);
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s' --db '%s/demo/pdmon.db' report --format csv --plain -o '%s/r.csv' >/dev/null && "
                            "'%s' --db '%s/demo/pdmon.db' report --format md --org emanzhelinsk-s001 -o '%s/r.md' >/dev/null",
           dir, pdmon_bin, dir, dir, pdmon_bin, dir, dir);
  assert_int_equal(system(cmd), 0);
  snprintf(path, sizeof path, "%s/r.csv", dir);
  char *csv = support_read(path);
  assert_int_equal(strncmp(csv, "municipality,period,criterion,indicator,organization", 52), 0);
  assert_non_null(strstr(csv, "emanzhelinsk,2023,deficits,teachers_diagnosed,,,"));
  free(csv);
  support_remove_tree(dir);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {cmocka_unit_test(demo_builds_two_cycles_and_a_report)};
  return cmocka_run_group_tests_name("demo", tests, NULL, NULL);
}
