/* The JSON writer of eval's rows: every string and number it writes is
 * byte for byte what cJSON_PrintUnformatted makes of the same value (the
 * output eval wrote before it streamed), including the values where
 * cJSON's rules bend: integers beyond int, 15 vs 17 digits, NaN. */
#define _GNU_SOURCE /* open_memstream */
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

#include "json_write.h"

/* What json_write makes of one value (a string when s, else v). */
static char *written(const char *s, double v, int is_string) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  assert_non_null(out);
  flockfile(out);
  assert_int_equal(is_string ? json_write_string(out, s) : json_write_number(out, v), 0);
  funlockfile(out);
  fclose(out);
  return text;
}

/* The same value printed by cJSON. */
static char *printed(cJSON *item) {
  char *text = cJSON_PrintUnformatted(item);
  assert_non_null(text);
  cJSON_Delete(item);
  return text;
}

static void expect_same_number(double v) {
  char *mine = written(NULL, v, 0), *theirs = printed(cJSON_CreateNumber(v));
  assert_string_equal(mine, theirs);
  free(mine);
  cJSON_free(theirs);
}

static void expect_same_string(const char *s) {
  char *mine = written(s, 0, 1), *theirs = printed(cJSON_CreateString(s));
  assert_string_equal(mine, theirs);
  free(mine);
  cJSON_free(theirs);
}

static void numbers(void **state) {
  (void)state;
  const double values[] = {0, -0.0, 1, -1, 42, 2023, 0.5, 28.57, 33.33, 66.67, 100, 1.0 / 3, 2.0 / 3, 0.1 + 0.2,
                           1e-7, 123456789.125, 999999999999999.0, 1e15, -1e15, 123456789012345678.0, -7, -0.25, 2147483647.0, 2147483648.0, -2147483648.0, -2147483649.0, 1e300,
                           4.35, 12.5, 99.99, 5e-324, 1.7976931348623157e308, 80000, 1234567.5};
  for (size_t i = 0; i < sizeof values / sizeof *values; i++) expect_same_number(values[i]);
  /* shares as the packs compute them: n / d * 100, rounded to two decimals */
  for (int d = 1; d <= 60; d++)
    for (int n = 0; n <= d; n++) {
      expect_same_number((double)n / d * 100);
      expect_same_number(floor((double)n / d * 10000 + 0.5) / 100);
    }
  char *text = written(NULL, NAN, 0);
  assert_string_equal(text, "null");
  free(text);
  text = written(NULL, -INFINITY, 0);
  assert_string_equal(text, "null");
  free(text);
}

static void strings(void **state) {
  (void)state;
  const char *values[] = {"", "plain", "Школа №1 «Берёзка»", "quote \" and \\ backslash", "tab\tnew\nline\r",
                          "\b\f\x01\x1f\x7f", "нет данных: знаменатель равен нулю — нет ни одного", "/ slash",
                          "\xff\xfe not UTF-8"};
  for (size_t i = 0; i < sizeof values / sizeof *values; i++) expect_same_string(values[i]);
  char *text = written(NULL, 0, 1);
  assert_string_equal(text, "\"\"");
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(numbers), cmocka_unit_test(strings)};
  return cmocka_run_group_tests_name("json_write", tests, NULL, NULL);
}
