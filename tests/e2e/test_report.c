/* Reports from an example cycle, checked by structure: the HTML is valid
 * (tidy) with its sections, tables and charts; the workbook is a zip with
 * the promised sheets, numbers stored as numbers, frozen headers and
 * conditional formats; the JSON's figures are eval's figures. Arguments:
 * the pdmon binary and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;
static char *dir;

/* Runs a shell command in the scratch folder and returns its output. */
static char *shell(const char *format, ...) {
  char cmd[4096], path[1200];
  va_list ap;
  va_start(ap, format);
  int n = snprintf(cmd, sizeof cmd, "cd '%s' && (", dir);
  vsnprintf(cmd + n, sizeof cmd - (size_t)n, format, ap);
  va_end(ap);
  snprintf(path, sizeof path, "%s/shell.out", dir);
  size_t len = strlen(cmd);
  snprintf(cmd + len, sizeof cmd - len, ") > '%s' 2>&1", path);
  int rc = system(cmd);
  char *out = support_read(path);
  if (rc != 0) fail_msg("%s\n%s", cmd, out);
  return out;
}

static int setup(void **state) {
  (void)state;
  dir = support_tempdir();
  free(shell("'%s' demo --out demo > /dev/null", pdmon_bin));
  return 0;
}

static int teardown(void **state) {
  (void)state;
  support_remove_tree(dir);
  return 0;
}

static void html_is_valid_and_complete(void **state) {
  (void)state;
  free(shell("'%s' --db demo/pdmon.db report --format html -o r.html > /dev/null", pdmon_bin));
  /* tidy: 0 clean, 1 warnings only, 2 errors */
  char *tidy = shell("tidy -q -e r.html; test $? -lt 2");
  assert_null(strstr(tidy, "Error:"));
  free(tidy);
  char *one = shell("'%s' --db demo/pdmon.db report --format html --org emanzhelinsk-s001 -o one.html > /dev/null && "
                    "grep -c 'МОУ «СОШ № 2»' one.html || true", pdmon_bin);
  assert_int_equal(atoi(one), 0); /* a school's page shows no other school */
  free(one);
}

static void workbook_has_its_sheets_and_numbers(void **state) {
  (void)state;
  free(shell("'%s' --db demo/pdmon.db report --format xlsx -o r.xlsx > /dev/null", pdmon_bin));
  char *list = shell("unzip -l r.xlsx");
  assert_non_null(strstr(list, "xl/worksheets/sheet16.xml"));
  free(list);
  char *workbook = shell("unzip -p r.xlsx xl/workbook.xml");
  assert_non_null(strstr(workbook, "name=\"Сводка\""));
  assert_non_null(strstr(workbook, "name=\"1 deficits\""));
  assert_non_null(strstr(workbook, "name=\"Рекомендации\""));
  assert_non_null(strstr(workbook, "name=\"Дорожная карта\""));
  free(workbook);
  char *summary = shell("unzip -p r.xlsx xl/worksheets/sheet1.xml");
  assert_non_null(strstr(summary, "ySplit=\"1\""));               /* frozen header row */
  assert_non_null(strstr(summary, "<conditionalFormatting"));     /* statuses coloured */
  assert_non_null(strstr(summary, "<cols>"));                     /* column widths */
  char *eval = shell("'%s' --db demo/pdmon.db eval --period 2023 --indicator teachers_diagnosed --format json", pdmon_bin);
  cJSON *root = cJSON_Parse(eval);
  double value = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "results"), 0), "value")->valuedouble;
  char cell[64];
  snprintf(cell, sizeof cell, "<v>%g</v>", value);
  assert_non_null(strstr(summary, cell)); /* a number, not text */
  cJSON_Delete(root);
  free(eval);
  free(summary);
  char *strings = shell("unzip -p r.xlsx xl/sharedStrings.xml");
  assert_non_null(strstr(strings, "Доля педагогов, прошедших оценочную процедуру в ОГБУ ЧЦОПМКП"));
  assert_non_null(strstr(strings, "Муниципалитет в целом"));
  free(strings);
}

static void json_figures_are_evals(void **state) {
  (void)state;
  char *report = shell("'%s' --db demo/pdmon.db report --format json", pdmon_bin);
  char *eval = shell("'%s' --db demo/pdmon.db eval --period 2023 --format json", pdmon_bin);
  cJSON *r = cJSON_Parse(report), *e = cJSON_Parse(eval), *crit, *ind, *row;
  int compared = 0;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(r, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    cJSON *total = cJSON_GetObjectItem(ind, "total");
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(e, "results")) {
      if (strcmp(cJSON_GetObjectItem(row, "indicator")->valuestring, cJSON_GetObjectItem(ind, "id")->valuestring) ||
          !cJSON_IsNull(cJSON_GetObjectItem(row, "organization")) || cJSON_GetObjectItem(row, "breakdown"))
        continue;
      cJSON *a = cJSON_GetObjectItem(total, "value"), *b = cJSON_GetObjectItem(row, "value");
      assert_int_equal(cJSON_IsNumber(a), cJSON_IsNumber(b));
      if (cJSON_IsNumber(a)) assert_float_equal(a->valuedouble, b->valuedouble, 1e-9);
      assert_string_equal(cJSON_GetObjectItem(total, "status")->valuestring, cJSON_GetObjectItem(row, "status")->valuestring);
      compared++;
    }
  }
  assert_int_equal(compared, 25);
  cJSON_Delete(r);
  cJSON_Delete(e);
  free(report);
  free(eval);
  char *md = shell("'%s' --db demo/pdmon.db report --format md", pdmon_bin);
  assert_non_null(strstr(md, "## 7. Анализ эффективности принятых мер"));
  assert_non_null(strstr(md, "| Показатель | Значение | Цель | Статус | Динамика |"));
  free(md);
}

static void large_municipalities_lose_no_rows(void **state) {
  (void)state;
  free(shell("'%s' synth --scale municipality --organizations 300 --municipality big --seed 9 --out big > /dev/null && "
             "'%s' --db big.db init --municipality big --pack '%s/examples/quickstart' > /dev/null && "
             "for e in organizations staff activities; do '%s' --db big.db import $e big/$e.csv > /dev/null || exit 1; done && "
             "'%s' --db big.db cycle open --period 2023 > /dev/null && '%s' --db big.db cycle run > /dev/null && "
             "'%s' --db big.db report --format csv -o big.csv > /dev/null && '%s' --db big.db report --format xlsx -o big.xlsx > /dev/null",
             pdmon_bin, pdmon_bin, source_dir, pdmon_bin, pdmon_bin, pdmon_bin, pdmon_bin, pdmon_bin));
  char *rows = shell("grep -c ',teachers_diagnosed,' big.csv");
  assert_int_equal(atoi(rows), 301); /* the total and all 300 organizations */
  free(rows);
  char *sheet = shell("unzip -p big.xlsx xl/worksheets/sheet2.xml");
  assert_non_null(strstr(sheet, "<row r=\"302\""));
  free(sheet);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_report PDMON_BINARY SOURCE_DIR\n");
    return 2;
  }
  pdmon_bin = argv[1];
  source_dir = argv[2];
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(html_is_valid_and_complete),
    cmocka_unit_test(workbook_has_its_sheets_and_numbers),
    cmocka_unit_test(json_figures_are_evals),
    cmocka_unit_test(large_municipalities_lose_no_rows),
  };
  return cmocka_run_group_tests_name("report", tests, setup, teardown);
}
