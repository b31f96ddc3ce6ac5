/* Dates, decimals, years and booleans in the notations of Russian files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text.h"
#include "value.h"

static void dates(void **state) {
  (void)state;
  char iso[11];
  assert_int_equal(value_parse_date("2023-09-01", iso), 0);
  assert_string_equal(iso, "2023-09-01");
  assert_int_equal(value_parse_date("01.09.2023", iso), 0);
  assert_string_equal(iso, "2023-09-01");
  assert_int_equal(value_parse_date("1.9.2023", iso), 0);
  assert_string_equal(iso, "2023-09-01");
  assert_int_equal(value_parse_date("29.02.2024", iso), 0);
  assert_int_equal(value_parse_date("29.02.2023", iso), -1);
  assert_int_equal(value_parse_date("31.04.2023", iso), -1);
  assert_int_equal(value_parse_date("2023-13-01", iso), -1);
  /* two-digit years as Excel reads them: 00-29 this century, 30-99 the last */
  assert_int_equal(value_parse_date("15.02.23", iso), 0);
  assert_string_equal(iso, "2023-02-15");
  assert_int_equal(value_parse_date("12.03.80", iso), 0);
  assert_string_equal(iso, "1980-03-12");
  assert_int_equal(value_parse_date("01.01.29", iso), 0);
  assert_string_equal(iso, "2029-01-01");
  assert_int_equal(value_parse_date("01.01.30", iso), 0);
  assert_string_equal(iso, "1930-01-01");
  assert_int_equal(value_parse_date("29.02.00", iso), 0); /* 2000 was a leap year */
  assert_int_equal(value_parse_date("01.09.023", iso), -1);
  /* Excel's date-times: the time of day is left out */
  assert_int_equal(value_parse_date("15.02.2023 0:00", iso), 0);
  assert_string_equal(iso, "2023-02-15");
  assert_int_equal(value_parse_date("15.02.23 9:30:15", iso), 0);
  assert_string_equal(iso, "2023-02-15");
  assert_int_equal(value_parse_date("2023-02-15 00:00:00", iso), 0);
  assert_int_equal(value_parse_date("2023-02-15T09:30:00.000Z", iso), 0);
  assert_string_equal(iso, "2023-02-15");
  assert_int_equal(value_parse_date("15.02.2023 25:00", iso), -1);
  assert_int_equal(value_parse_date("15.02.2023 0:60", iso), -1);
  assert_int_equal(value_parse_date("15.02.2023T0:00", iso), -1);
  assert_int_equal(value_parse_date("15.02.2023 утро", iso), -1);
  assert_int_equal(value_parse_date("2023/09/01", iso), -1);
  assert_int_equal(value_parse_date("2023-09-01x", iso), -1);
  assert_int_equal(value_parse_date("", iso), -1);
}

static void decimals(void **state) {
  (void)state;
  double d;
  assert_int_equal(value_parse_decimal("66.6", &d), 0);
  assert_float_equal(d, 66.6, 1e-12);
  assert_int_equal(value_parse_decimal("66,6", &d), 0);
  assert_float_equal(d, 66.6, 1e-12);
  assert_int_equal(value_parse_decimal("1 234,5", &d), 0);
  assert_float_equal(d, 1234.5, 1e-12);
  assert_int_equal(value_parse_decimal("1\xC2\xA0" "234", &d), 0);
  assert_float_equal(d, 1234, 1e-12);
  assert_int_equal(value_parse_decimal("-3", &d), 0);
  assert_float_equal(d, -3, 1e-12);
  assert_int_equal(value_parse_decimal("1,2,3", &d), -1);
  assert_int_equal(value_parse_decimal("1.2,3", &d), -1);
  assert_int_equal(value_parse_decimal("abc", &d), -1);
  assert_int_equal(value_parse_decimal("nan", &d), -1);
  assert_int_equal(value_parse_decimal("", &d), -1);
  assert_int_equal(value_parse_decimal("-", &d), -1);
}

static void integers(void **state) {
  (void)state;
  int64_t v;
  assert_int_equal(value_parse_integer("1987", &v), 0);
  assert_int_equal(v, 1987);
  assert_int_equal(value_parse_integer("19.87", &v), -1);
  assert_int_equal(value_parse_integer("", &v), -1);
  assert_int_equal(value_parse_integer("99999999999999999999", &v), -1);
}

static void booleans(void **state) {
  (void)state;
  int b;
  const char *yes[] = {"да", "Да", "ДА", "1", "true", "TRUE", "yes", " да "};
  const char *no[] = {"нет", "Нет", "0", "false", "no"};
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
    assert_int_equal(value_parse_bool(yes[i], &b), 0);
    assert_int_equal(b, 1);
  }
  for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
    assert_int_equal(value_parse_bool(no[i], &b), 0);
    assert_int_equal(b, 0);
  }
  assert_int_equal(value_parse_bool("может быть", &b), -1);
  assert_int_equal(value_parse_bool("2", &b), -1);
}

static void folding(void **state) {
  (void)state;
  char buf[128];
  assert_string_equal(text_fold("  Год Рождения ", buf, sizeof buf), "год рождения");
  assert_string_equal(text_fold("ОБЪЁМ ЧАСОВ", buf, sizeof buf), "объем часов");
  assert_string_equal(text_fold("\xC2\xA0Kind\xC2\xA0", buf, sizeof buf), "kind");
  assert_null(text_fold("слишком длинная строка для буфера", buf, 8));
  /* the whole basic Cyrillic block, both lead bytes, and the letters of
   * 0400-040F (Ѐ..Џ) to theirs; ё and Ё to е */
  assert_string_equal(text_fold("АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ", buf, sizeof buf), "абвгдежзийклмнопрстуфхцчшщъыьэюя");
  assert_string_equal(text_fold("ЀЂЃЄЅІЇЈ ёЁ ђ", buf, sizeof buf), "ѐђѓєѕіїј ее ђ");
  /* a lead byte D0 or D1 without its continuation is not a letter: read as
   * the decoder reads an invalid byte (the code point of its value) */
  assert_string_equal(text_fold("A\xD0" "B", buf, sizeof buf), "a\xC3\x90" "b");
  assert_string_equal(text_fold("\xD1", buf, sizeof buf), "\xC3\x91");
  /* the buffer test is made per character, whatever its bytes */
  assert_null(text_fold("ABCDE", buf, 8));
  assert_string_equal(text_fold("ABCD", buf, 8), "abcd");
  assert_int_equal(text_display_width("Школа №1"), 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(dates), cmocka_unit_test(decimals), cmocka_unit_test(integers),
    cmocka_unit_test(booleans), cmocka_unit_test(folding),
  };
  return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
