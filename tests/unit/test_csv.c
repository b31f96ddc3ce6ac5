/* The CSV reader on every encoding, delimiter and quoting case municipal
 * files bring, and on malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "csv.h"

static csv_table parse_ok(const char *data, size_t len) {
  csv_table t;
  char err[512] = "";
  int rc = csv_parse(data, len, &t, err, sizeof err);
  if (rc != 0) print_error("unexpected error: %s\n", err);
  assert_int_equal(rc, 0);
  return t;
}

#define PARSE(s) parse_ok((s), sizeof(s) - 1)

static void parse_fails(const char *data, size_t len, const char *expected) {
  csv_table t;
  char err[512] = "";
  assert_int_equal(csv_parse(data, len, &t, err, sizeof err), -1);
  if (!strstr(err, expected)) print_error("message was: %s\n", err);
  assert_non_null(strstr(err, expected));
  assert_int_equal(t.nrows, 0);
}

static void comma_utf8(void **state) {
  (void)state;
  csv_table t = PARSE("id,name\n1,Школа\n2,Гимназия\n");
  assert_int_equal(t.delimiter, ',');
  assert_int_equal(t.encoding, TEXT_UTF8);
  assert_int_equal(t.nrows, 3);
  assert_string_equal(csv_field(&t, 2, 1), "Гимназия");
  csv_free(&t);
}

static void utf8_with_bom(void **state) {
  (void)state;
  csv_table t = PARSE("\xEF\xBB\xBFid;name\r\n1;Школа\r\n");
  assert_int_equal(t.encoding, TEXT_UTF8_BOM);
  assert_int_equal(t.delimiter, ';');
  assert_string_equal(csv_field(&t, 0, 0), "id"); /* BOM is not part of the header */
  assert_string_equal(csv_field(&t, 1, 1), "Школа");
  csv_free(&t);
}

static void windows_1251_semicolon(void **state) {
  (void)state;
  /* "Код;Наименование\r\n1;Школа №1\r\n" in Windows-1251, as Excel saves it */
  static const char data[] =
      "\xCA\xEE\xE4;\xCD\xE0\xE8\xEC\xE5\xED\xEE\xE2\xE0\xED\xE8\xE5\r\n"
      "1;\xD8\xEA\xEE\xEB\xE0 \xB9" "1\r\n";
  csv_table t = parse_ok(data, sizeof data - 1);
  assert_int_equal(t.encoding, TEXT_CP1251);
  assert_int_equal(t.delimiter, ';');
  assert_string_equal(csv_field(&t, 0, 0), "Код");
  assert_string_equal(csv_field(&t, 0, 1), "Наименование");
  assert_string_equal(csv_field(&t, 1, 1), "Школа №1");
  csv_free(&t);
}

static void windows_1251_yo_and_quotes(void **state) {
  (void)state;
  /* "Ёлка «Ё»" : Ё is 0xA8, « 0xAB, » 0xBB */
  static const char data[] = "name\n\xA8\xEB\xEA\xE0 \xAB\xA8\xBB\n";
  csv_table t = parse_ok(data, sizeof data - 1);
  assert_int_equal(t.encoding, TEXT_CP1251);
  assert_string_equal(csv_field(&t, 1, 0), "Ёлка «Ё»");
  csv_free(&t);
}

static void tab_delimiter(void **state) {
  (void)state;
  csv_table t = PARSE("id\tname\tkind\n1\tА, Б; В\tschool\n");
  assert_int_equal(t.delimiter, '\t');
  assert_string_equal(csv_field(&t, 1, 1), "А, Б; В");
  csv_free(&t);
}

static void quoted_fields(void **state) {
  (void)state;
  csv_table t = PARSE("id,name,note\n"
                      "1,\"МОУ \"\"СОШ № 1\"\", г. Еманжелинск\",\"две\r\nстроки\"\n"
                      "2,\"\",\"a,b\"\n");
  assert_int_equal(t.nrows, 3);
  assert_string_equal(csv_field(&t, 1, 1), "МОУ \"СОШ № 1\", г. Еманжелинск");
  assert_string_equal(csv_field(&t, 1, 2), "две\r\nстроки");
  assert_string_equal(csv_field(&t, 2, 1), "");
  assert_string_equal(csv_field(&t, 2, 2), "a,b");
  assert_int_equal(t.row_line[2], 4); /* the embedded newline counts as a line */
  csv_free(&t);
}

static void crlf_and_missing_final_newline(void **state) {
  (void)state;
  csv_table t = PARSE("a,b\r\n1,2\r\n3,4");
  assert_int_equal(t.nrows, 3);
  assert_string_equal(csv_field(&t, 1, 1), "2");
  assert_string_equal(csv_field(&t, 2, 1), "4");
  csv_free(&t);
}

static void blank_rows_are_skipped(void **state) {
  (void)state;
  csv_table t = PARSE("a;b\n\n1;2\n;\n\n3;4\n");
  assert_int_equal(t.nrows, 3);
  assert_int_equal(t.row_line[1], 3);
  assert_int_equal(t.row_line[2], 6);
  csv_free(&t);
}

static void ragged_rows_are_kept_with_their_width(void **state) {
  (void)state;
  csv_table t = PARSE("a,b,c\n1,2\n1,2,3,4\n");
  assert_int_equal(t.nrows, 3);
  assert_int_equal(t.row_count[1], 2);
  assert_int_equal(t.row_count[2], 4);
  assert_null(csv_field(&t, 1, 2));
  csv_free(&t);
}

static void header_only(void **state) {
  (void)state;
  csv_table t = PARSE("id,name,kind\n");
  assert_int_equal(t.nrows, 1);
  assert_int_equal(t.row_count[0], 3);
  csv_free(&t);
}

static void empty_file(void **state) {
  (void)state;
  parse_fails("", 0, "1: empty file");
  parse_fails("\n\r\n", 3, "empty file");
}

static void unterminated_quote(void **state) {
  (void)state;
  parse_fails("a,b\n1,2\n3,\"open\n4,5\n", 20, "3: unterminated quoted field");
}

static void text_after_closing_quote(void **state) {
  (void)state;
  parse_fails("a,b\n\"x\"y,2\n", 11, "2: unexpected character 'y' after a closing quote");
}

static void invalid_utf8(void **state) {
  (void)state;
  /* valid Cyrillic UTF-8, then a lone continuation byte on line 3 */
  static const char data[] = "id,name\n1,Школа\n2,Ш\x80кола\n3,Лицей\n";
  parse_fails(data, sizeof data - 1, "3: invalid UTF-8");
}

static void invalid_utf8_after_bom(void **state) {
  (void)state;
  static const char data[] = "\xEF\xBB\xBFid\n\xFF\n";
  parse_fails(data, sizeof data - 1, "2: invalid UTF-8");
}

static void nul_byte(void **state) {
  (void)state;
  static const char data[] = "id\n1\0002\n";
  parse_fails(data, sizeof data - 1, "2: NUL byte");
}

static void semicolon_wins_over_commas_in_decimals(void **state) {
  (void)state;
  csv_table t = PARSE("id;score;hours\n1;66,6;72\n");
  assert_int_equal(t.delimiter, ';');
  assert_string_equal(csv_field(&t, 1, 1), "66,6");
  csv_free(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(comma_utf8),
    cmocka_unit_test(utf8_with_bom),
    cmocka_unit_test(windows_1251_semicolon),
    cmocka_unit_test(windows_1251_yo_and_quotes),
    cmocka_unit_test(tab_delimiter),
    cmocka_unit_test(quoted_fields),
    cmocka_unit_test(crlf_and_missing_final_newline),
    cmocka_unit_test(blank_rows_are_skipped),
    cmocka_unit_test(ragged_rows_are_kept_with_their_width),
    cmocka_unit_test(header_only),
    cmocka_unit_test(empty_file),
    cmocka_unit_test(unterminated_quote),
    cmocka_unit_test(text_after_closing_quote),
    cmocka_unit_test(invalid_utf8),
    cmocka_unit_test(invalid_utf8_after_bom),
    cmocka_unit_test(nul_byte),
    cmocka_unit_test(semicolon_wins_over_commas_in_decimals),
  };
  return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
