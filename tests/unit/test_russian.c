/* Russian formatting as documents print it: decimal comma, thin-space
 * thousands, number agreement, dd.mm.yyyy dates, and a Russian label for
 * every code a person may meet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "russian.h"

#define THIN RU_THIN_SPACE

static void numbers(void **state) {
  (void)state;
  char b[64];
  assert_string_equal(ru_number(32.0574, 2, b, sizeof b), "32,06");
  assert_string_equal(ru_number(66.6, 2, b, sizeof b), "66,6");
  assert_string_equal(ru_number(100, 2, b, sizeof b), "100");
  assert_string_equal(ru_number(8.0, 2, b, sizeof b), "8");
  assert_string_equal(ru_number(0.004, 2, b, sizeof b), "0");
  assert_string_equal(ru_number(-0.001, 2, b, sizeof b), "0"); /* no "−0" */
  assert_string_equal(ru_number(-3.5, 2, b, sizeof b), "\xe2\x88\x92" "3,5");
  assert_string_equal(ru_number(2023, 0, b, sizeof b), "2023");       /* four digits stay together */
  assert_string_equal(ru_number(1500, 0, b, sizeof b), "1500");
  assert_string_equal(ru_number(12500, 0, b, sizeof b), "12" THIN "500");
  assert_string_equal(ru_number(1234567.5, 2, b, sizeof b), "1" THIN "234" THIN "567,5");
  assert_string_equal(ru_number(-98765.432, 1, b, sizeof b), "\xe2\x88\x92" "98" THIN "765,4");
  assert_string_equal(ru_number(0.125, 2, b, sizeof b), "0,13");
  assert_string_equal(ru_number(2.675, 3, b, sizeof b), "2,675");
  char tiny[4];
  ru_number(1234567, 0, tiny, sizeof tiny); /* truncated, terminated */
  assert_int_equal(strlen(tiny), 3);
}

static void decimals_for_excel(void **state) {
  (void)state;
  char b[64];
  assert_string_equal(ru_decimal(32.0574, 2, b, sizeof b), "32,06");
  assert_string_equal(ru_decimal(1234567.5, 2, b, sizeof b), "1234567,5"); /* no grouping: Excel reads it */
  assert_string_equal(ru_decimal(-3.5, 2, b, sizeof b), "-3,5");
  assert_string_equal(ru_decimal(209, 2, b, sizeof b), "209");
}

static void agreement(void **state) {
  (void)state;
  static const struct {
    double n;
    const char *form;
  } cases[] = {{0, "показателей"},  {1, "показатель"},    {2, "показателя"},   {3, "показателя"},  {4, "показателя"},
               {5, "показателей"},  {10, "показателей"},  {11, "показателей"}, {12, "показателей"}, {14, "показателей"},
               {19, "показателей"}, {20, "показателей"},  {21, "показатель"},  {22, "показателя"}, {25, "показателей"},
               {100, "показателей"}, {101, "показатель"}, {111, "показателей"}, {112, "показателей"}, {122, "показателя"},
               {1001, "показатель"}, {1.5, "показателя"},  {-1, "показатель"},  {-12, "показателей"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_string_equal(ru_plural(cases[i].n, "показатель", "показателя", "показателей"), cases[i].form);
  char b[64];
  assert_string_equal(ru_count(1, "показатель", "показателя", "показателей", b, sizeof b), "1" RU_NBSP "показатель");
  assert_string_equal(ru_count(2, "показатель", "показателя", "показателей", b, sizeof b), "2" RU_NBSP "показателя");
  assert_string_equal(ru_count(5, "показатель", "показателя", "показателей", b, sizeof b), "5" RU_NBSP "показателей");
  assert_string_equal(ru_count(14, "организация", "организации", "организаций", b, sizeof b), "14" RU_NBSP "организаций");
  assert_string_equal(ru_count(21, "организация", "организации", "организаций", b, sizeof b), "21" RU_NBSP "организация");
  assert_string_equal(ru_count(12500, "человек", "человека", "человек", b, sizeof b), "12" THIN "500" RU_NBSP "человек");
}

static void dates(void **state) {
  (void)state;
  char b[64];
  assert_string_equal(ru_date("2023-10-16", b, sizeof b), "16.10.2023");
  assert_string_equal(ru_date("2023-10-16T08:30:00Z", b, sizeof b), "16.10.2023");
  assert_string_equal(ru_date("2024-01-05 12:00:00", b, sizeof b), "05.01.2024");
  assert_string_equal(ru_date("По отдельному графику", b, sizeof b), "По отдельному графику");
  assert_string_equal(ru_date("2023-13-01", b, sizeof b), "2023-13-01");
  assert_string_equal(ru_date(NULL, b, sizeof b), "");
  assert_string_equal(ru_month(1, 1), "января");
  assert_string_equal(ru_month(5, 0), "май");
  assert_string_equal(ru_month(13, 0), "");
  assert_string_equal(ru_capitalized("приказ", b, sizeof b), "Приказ");
  assert_string_equal(ru_capitalized("рост", b, sizeof b), "Рост");
  assert_string_equal(ru_capitalized("ёж", b, sizeof b), "Ёж");
  assert_string_equal(ru_capitalized("яма", b, sizeof b), "Яма");
  assert_string_equal(ru_capitalized("план", b, sizeof b), "План");
  assert_string_equal(ru_capitalized("", b, sizeof b), "");
  char today[16];
  assert_int_equal(strlen(ru_today_iso(today, sizeof today)), 10);
}

/* Every known code has a Russian label without Latin letters. */
static void labels(void **state) {
  (void)state;
  char b[64];
  static const char *const lists[] = {"status", "verdict", "measure_state", "document_kind", "addressee",
                                      "origin", "cycle_state", "organization_kind", "figure", "target_origin"};
  const char *(*const label[])(const char *) = {ru_status, ru_verdict, ru_measure_state, ru_document_kind,
                                                ru_addressee, ru_origin, ru_cycle_state, ru_organization_kind,
                                                ru_figure, ru_target_origin};
  for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
    size_t n = 0;
    for (const char *code; (code = ru_code_at(lists[l], n)); n++) {
      const char *text = label[l](code);
      assert_string_not_equal(text, code);
      for (const char *p = text; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) fail_msg("%s %s: Latin in '%s'", lists[l], code, text);
    }
    assert_true(n >= 2);
  }
  assert_null(ru_code_at("nothing", 0));
  /* the statuses and verdicts of issue #12 meet here */
  assert_string_equal(ru_status("not_applicable"), "не применимо");
  assert_string_equal(ru_status("in_progress"), "в процессе");
  assert_string_equal(ru_status("met"), "достигнуто");
  assert_string_equal(ru_verdict("maintained"), "сохранено"); /* as issue 12 words it */
  assert_string_equal(ru_verdict("worse"), "ухудшение");
  assert_string_equal(ru_measure_state("overdue"), "просрочено");
  assert_string_equal(ru_document_kind("order"), "Приказ");
  assert_string_equal(ru_lowercased("Приказ", b, sizeof b), "приказ");
  assert_string_equal(ru_lowercased("Ёлка", b, sizeof b), "ёлка");
  assert_string_equal(ru_lowercased("Яма", b, sizeof b), "яма");
  assert_string_equal(ru_lowercased("Рост", b, sizeof b), "рост");
  assert_string_equal(ru_addressee("methodical_service"), "Муниципальная методическая служба");
  assert_string_equal(ru_cycle_state("closed"), "завершён");
  assert_string_equal(ru_status(NULL), "—");
  assert_string_equal(ru_status("brand_new"), "brand_new"); /* shows up, not vanishes */
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(numbers), cmocka_unit_test(decimals_for_excel), cmocka_unit_test(agreement),
    cmocka_unit_test(dates),   cmocka_unit_test(labels),
  };
  return cmocka_run_group_tests_name("russian", tests, NULL, NULL);
}
