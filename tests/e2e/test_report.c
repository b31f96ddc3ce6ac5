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

/* the no-break space the report writes between a number and its noun */
#define NBSP "\xc2\xa0"

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

static int count_of(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
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
  char *html = shell("cat r.html");
  /* the summary comes first, then the cycle's sections, then the appendices */
  const char *summary = strstr(html, "id=\"summary\""), *goals = strstr(html, "id=\"goals\""),
             *matrix = strstr(html, "id=\"matrix\""), *technical = strstr(html, "id=\"technical\"");
  assert_non_null(summary);
  assert_true(goals && summary < goals && goals < matrix && matrix < technical);
  assert_non_null(strstr(html, "Еманжелинский муниципальный район"));        /* the name, from the pack */
  assert_non_null(strstr(html, "По состоянию на <strong>31.12.2023</strong>")); /* the end of the period */
  assert_non_null(strstr(html, "Мониторинг 2023 года охватил 25" NBSP "показателей по 13" NBSP "критериям в 14" NBSP
                                     "образовательных организациях"));
  /* the parts of «срок цели ещё не наступил» add up: 9 + 6 + 2 = 17 */
  assert_non_null(strstr(html, "по 17" NBSP "показателям срок цели ещё не наступил (идут по траектории — 9, отстают от неё — 6, "
                               "без оценки хода — 2)"));
  assert_non_null(strstr(html, "по траектории не менее 235" NBSP "человек")); /* a path of people in whole people (234,33) */
  assert_null(strstr(html, "234,33"));
  assert_non_null(strstr(html, "<span class=\"it\"><svg class=\"sw\"")); /* a legend's entry is never split over lines */
  assert_non_null(strstr(html, "Наиболее серьёзные проблемы"));
  assert_non_null(strstr(html, "Приказ №&nbsp;153/1 от 16.10.2023"));
  assert_non_null(strstr(html, "МОУ «СОШ №&nbsp;1»"));                        /* «№ 1» never split */
  assert_non_null(strstr(html, "@page{size:A4"));
  assert_non_null(strstr(html, "thead{display:table-header-group}"));
  assert_null(strstr(html, "состояние цикла: closed"));
  free(html);
  char *one = shell("'%s' --db demo/pdmon.db report --format html --org emanzhelinsk-s001 -o one.html > /dev/null && "
                    "grep -c 'МОУ «СОШ №&nbsp;2»' one.html || true", pdmon_bin);
  assert_int_equal(atoi(one), 0); /* a school's page shows no other school */
  free(one);
  char *page = shell("cat one.html");
  assert_non_null(strstr(page, "Значение организации"));
  assert_non_null(strstr(page, "МОУ «СОШ №&nbsp;1»"));
  assert_non_null(strstr(page, "<td class=\"pair full\""));                   /* its own bar against the municipality's */
  free(page);
  char *tidy_one = shell("tidy -q -e one.html; test $? -lt 2");
  assert_null(strstr(tidy_one, "Error:"));
  free(tidy_one);
  char *bad = shell("'%s' --db demo/pdmon.db report --format html --org nobody > /dev/null 2>&1; echo $?", pdmon_bin);
  assert_int_equal(atoi(bad), 1);
  free(bad);
}

/* Every sheet name Russian, at most 31 characters, unique; every sheet set
 * up to print on A4 landscape, fit to the width, with its header row
 * repeated, an autofilter and row heights that fit the wrapped text. */
static void workbook_has_russian_sheets_and_prints(void **state) {
  (void)state;
  free(shell("'%s' --db demo/pdmon.db report --format xlsx -o r.xlsx > /dev/null", pdmon_bin));
  char *workbook = shell("unzip -p r.xlsx xl/workbook.xml");
  assert_non_null(strstr(workbook, "name=\"Итоги\""));
  assert_non_null(strstr(workbook, "name=\"1. Выявление профессиональных…\""));
  assert_non_null(strstr(workbook, "name=\"Проблемные зоны\""));
  assert_non_null(strstr(workbook, "name=\"Значения по организациям\""));
  assert_non_null(strstr(workbook, "name=\"Рекомендации\""));
  assert_non_null(strstr(workbook, "name=\"Дорожная карта\""));
  int sheets = 0;
  char names[64][128];
  for (const char *p = workbook; (p = strstr(p, "<sheet name=\"")) != NULL; sheets++) {
    p += 13;
    size_t n = strcspn(p, "\"");
    assert_true(n < sizeof names[0]);
    memcpy(names[sheets], p, n);
    names[sheets][n] = '\0';
    int chars = 0;
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)p[i];
      chars += (c & 0xC0) != 0x80;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) fail_msg("a sheet name in Latin: %s", names[sheets]);
    }
    assert_true(chars <= 31);
    for (int k = 0; k < sheets; k++) assert_string_not_equal(names[k], names[sheets]);
  }
  assert_int_equal(sheets, 19); /* summary, 13 criteria, problems, values, recommendations, roadmap, effects */
  assert_int_equal(count_of(workbook, "_xlnm.Print_Titles"), sheets);
  free(workbook);
  for (int i = 1; i <= sheets; i++) {
    char *sheet = shell("unzip -p r.xlsx xl/worksheets/sheet%d.xml", i);
    assert_non_null(strstr(sheet, "paperSize=\"9\""));
    assert_non_null(strstr(sheet, "orientation=\"landscape\""));
    assert_non_null(strstr(sheet, "<pageSetUpPr fitToPage=\"1\"/>"));
    assert_non_null(strstr(sheet, "fitToHeight=\"0\""));
    assert_non_null(strstr(sheet, "<autoFilter"));
    assert_non_null(strstr(sheet, "ySplit=\"1\""));
    assert_non_null(strstr(sheet, "Сформировано"));
    free(sheet);
  }
  char *summary = shell("unzip -p r.xlsx xl/worksheets/sheet1.xml");
  assert_non_null(strstr(summary, "<conditionalFormatting"));     /* statuses coloured */
  assert_non_null(strstr(summary, "<cols>"));                     /* column widths */
  assert_non_null(strstr(summary, "customHeight=\"1\""));         /* rows tall enough for their text */
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
  assert_non_null(strstr(strings, "не достигнуто"));
  assert_null(strstr(strings, ">not_met<"));
  free(strings);
}

/* The CSV Russian Excel opens with a double click, and the machine form. */
static void csv_for_excel_and_for_machines(void **state) {
  (void)state;
  free(shell("'%s' --db demo/pdmon.db report --format csv -o excel.csv > /dev/null && "
             "'%s' --db demo/pdmon.db report --format csv --plain -o plain.csv > /dev/null", pdmon_bin, pdmon_bin));
  /* teachers_diagnosed's total as eval computes it, written as each form writes numbers */
  char *eval = shell("'%s' --db demo/pdmon.db eval --period 2023 --indicator teachers_diagnosed --format json", pdmon_bin);
  cJSON *parsed = cJSON_Parse(eval), *results = cJSON_GetObjectItem(parsed, "results"), *total = NULL, *r;
  cJSON_ArrayForEach(r, results) if (cJSON_IsNull(cJSON_GetObjectItem(r, "organization")) && !cJSON_GetObjectItem(r, "breakdown")) total = r;
  assert_non_null(total);
  double value = cJSON_GetObjectItem(total, "value")->valuedouble;
  int numerator = cJSON_GetObjectItem(total, "numerator")->valueint, denominator = cJSON_GetObjectItem(total, "denominator")->valueint;
  char comma[128], dot[128];
  snprintf(dot, sizeof dot, "%.2f", value);
  snprintf(comma, sizeof comma, ";Муниципалитет в целом;%.*s,%s;%d;%d;%%;", (int)strcspn(dot, "."), dot, strchr(dot, '.') + 1,
           numerator, denominator);
  if (strstr(comma, ",00;")) fail_msg("pick an indicator whose value has decimals: %s", comma);
  char *excel = shell("cat excel.csv");
  static const char bom_and_header[] = "\xEF\xBB\xBFМуниципалитет;Период;№;Критерий;Показатель;Организация;Значение;";
  assert_int_equal(strncmp(excel, bom_and_header, strlen(bom_and_header)), 0);
  assert_non_null(strstr(excel, "\r\nЕманжелинский муниципальный район;2023;1.1;"));
  assert_non_null(strstr(excel, comma));   /* decimal comma, numbers Excel reads */
  assert_non_null(strstr(excel, ";не достигнуто\r\n"));
  assert_null(strstr(excel, "emanzhelinsk"));
  assert_null(strstr(excel, "not_met"));
  free(excel);
  char *plain = shell("cat plain.csv");
  static const char header[] = "municipality,period,criterion,indicator,organization,organization_name,value,";
  assert_int_equal(strncmp(plain, header, strlen(header)), 0);
  char machine[256];
  snprintf(machine, sizeof machine, "emanzhelinsk,2023,deficits,teachers_diagnosed,,,%s,%d,%d,%%,", dot, numerator, denominator);
  assert_non_null(strstr(plain, machine));
  free(plain);
  cJSON_Delete(parsed);
  free(eval);
  char *refused = shell("'%s' --db demo/pdmon.db report --format json --plain > /dev/null 2>&1; echo $?", pdmon_bin);
  assert_int_equal(atoi(refused), 2);
  free(refused);
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
  cJSON *cycle = cJSON_GetObjectItem(r, "cycle");
  assert_string_equal(cJSON_GetObjectItem(cycle, "municipality_name")->valuestring, "Еманжелинский муниципальный район");
  assert_string_equal(cJSON_GetObjectItem(cycle, "as_of")->valuestring, "2023-12-31");
  /* problem zones: one group per indicator, its organizations below target named */
  cJSON *groups = cJSON_GetObjectItem(r, "problems"), *g;
  assert_true(cJSON_GetArraySize(groups) > 0 && cJSON_GetArraySize(groups) <= 25);
  cJSON_ArrayForEach(g, groups) {
    int same = 0;
    cJSON *h;
    cJSON_ArrayForEach(h, groups) same += !strcmp(cJSON_GetObjectItem(g, "indicator")->valuestring, cJSON_GetObjectItem(h, "indicator")->valuestring);
    assert_int_equal(same, 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(g, "organizations")), cJSON_GetObjectItem(g, "below")->valueint);
    assert_true(cJSON_GetObjectItem(g, "below")->valueint <= cJSON_GetObjectItem(g, "judged")->valueint);
  }
  cJSON *summary = cJSON_GetObjectItem(r, "summary");
  assert_int_equal(cJSON_GetObjectItem(summary, "indicators")->valueint, 25);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(summary, "top_problems")), 5);
  cJSON_Delete(r);
  cJSON_Delete(e);
  free(report);
  free(eval);
  char *md = shell("'%s' --db demo/pdmon.db report --format md", pdmon_bin);
  assert_non_null(strstr(md, "## Итоги"));
  assert_true(strstr(md, "## Итоги") < strstr(md, "## 1. Цели и задачи"));
  assert_non_null(strstr(md, "## 7. Анализ эффективности принятых мер"));
  assert_non_null(strstr(md, "| № | Показатель | Значение | Цель на 2023 г. | Статус | Динамика | Ниже цели |"));
  free(md);
}

/* The state of the measure numbered number in a report (json). */
static const char *state_of(cJSON *report, const char *number) {
  cJSON *m;
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(report, "measures"))
    if (!strcmp(cJSON_GetObjectItem(m, "number")->valuestring, number)) return cJSON_GetObjectItem(m, "state")->valuestring;
  return "";
}

/* The roadmap is judged on the report's as-of date, not on today's: the
 * end of the period, or --as-of; a recurring measure per occurrence. */
static void roadmap_is_judged_on_the_as_of_date(void **state) {
  (void)state;
  char *end = shell("'%s' --db demo/pdmon.db report --format json", pdmon_bin);
  char *june = shell("'%s' --db demo/pdmon.db report --format json --as-of 30.06.2023", pdmon_bin);
  cJSON *a = cJSON_Parse(end), *b = cJSON_Parse(june);
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "cycle"), "as_of")->valuestring, "2023-06-30");
  assert_string_equal(state_of(a, "1"), "done");     /* the roadmap's approval, by the plan of 26.08.2021 */
  assert_string_equal(state_of(a, "2"), "overdue");  /* September 2021, never marked done */
  assert_string_equal(state_of(a, "4"), "done");     /* September 2023's occurrence, by the order */
  assert_string_equal(state_of(a, "6"), "due");      /* December 2023 holds the 31st */
  assert_string_equal(state_of(a, "13"), "planned"); /* September 2024: after the period, not overdue */
  assert_string_equal(state_of(a, "3"), "due");      /* the whole programme's period */
  assert_string_equal(state_of(b, "6"), "planned");  /* in June, December is still to come */
  assert_string_equal(state_of(b, "13"), "planned");
  cJSON *m, *occ;
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(a, "measures")) {
    if (strcmp(cJSON_GetObjectItem(m, "number")->valuestring, "4")) continue;
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(m, "recurring")));
    int years = 0;
    cJSON_ArrayForEach(occ, cJSON_GetObjectItem(m, "occurrences")) {
      int year = cJSON_GetObjectItem(occ, "year")->valueint;
      years++;
      if (year == 2023) {
        assert_string_equal(cJSON_GetObjectItem(occ, "state")->valuestring, "done");
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(occ, "counted")));
      }
      if (year == 2022) assert_false(cJSON_IsTrue(cJSON_GetObjectItem(occ, "counted"))); /* the 2022 cycle's */
    }
    assert_int_equal(years, 2);
  }
  cJSON_Delete(a);
  cJSON_Delete(b);
  free(end);
  free(june);
  char *html = shell("'%s' --db demo/pdmon.db report --format html --as-of 2023-06-30", pdmon_bin);
  assert_non_null(strstr(html, "По состоянию на <strong>30.06.2023</strong>"));
  free(html);
  char *bad = shell("'%s' --db demo/pdmon.db report --format html --as-of 'позавчера' > /dev/null 2>&1; echo $?", pdmon_bin);
  assert_int_equal(atoi(bad), 2);
  free(bad);
}

static void large_municipalities_lose_no_rows(void **state) {
  (void)state;
  free(shell("'%s' synth --scale municipality --organizations 300 --municipality big --seed 9 --out big > /dev/null && "
             "printf 'big-evil,=HYPERLINK(\"http://e.example\"),school,big\\n' >> big/organizations.csv && "
             "'%s' --db big.db init --municipality big --municipality-name 'Большой район' --pack '%s/examples/quickstart' > /dev/null && "
             "for e in organizations staff activities; do '%s' --db big.db import $e big/$e.csv > /dev/null || exit 1; done && "
             "'%s' --db big.db cycle open --period 2023 > /dev/null && '%s' --db big.db cycle run > /dev/null && "
             "'%s' --db big.db report --format csv --plain -o big.csv > /dev/null && '%s' --db big.db report --format xlsx -o big.xlsx > /dev/null && "
             "'%s' --db big.db report --format csv -o excel.csv > /dev/null",
             pdmon_bin, pdmon_bin, source_dir, pdmon_bin, pdmon_bin, pdmon_bin, pdmon_bin, pdmon_bin, pdmon_bin));
  char *rows = shell("grep -c ',teachers_diagnosed,' big.csv");
  assert_int_equal(atoi(rows), 302); /* the total and all 301 organizations */
  free(rows);
  char *sheet = shell("unzip -p big.xlsx xl/worksheets/sheet2.xml");
  assert_non_null(strstr(sheet, "<row r=\"303\""));
  free(sheet);
  /* the store's name, not the code; a name Excel would run as a formula is kept as text */
  char *excel = shell("cat excel.csv");
  assert_non_null(strstr(excel, "\r\nБольшой район;2023;"));
  assert_non_null(strstr(excel, ";\"'=HYPERLINK(\"\"http://e.example\"\")\";"));
  free(excel);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(html_is_valid_and_complete),
    cmocka_unit_test(workbook_has_russian_sheets_and_prints),
    cmocka_unit_test(csv_for_excel_and_for_machines),
    cmocka_unit_test(json_figures_are_evals),
    cmocka_unit_test(roadmap_is_judged_on_the_as_of_date),
    cmocka_unit_test(large_municipalities_lose_no_rows),
  };
  return cmocka_run_group_tests_name("report", tests, setup, teardown);
}
