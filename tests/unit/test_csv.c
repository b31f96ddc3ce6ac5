/* The CSV reader on every encoding, delimiter and quoting case municipal
 * files bring, and on malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdlib.h>
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

/* utf8 converted to the code page name by iconv, with prefix bytes (a
 * byte-order mark) before it; *len gets the length. Caller frees. */
static char *encode(const char *utf8, const char *name, const char *prefix, size_t prefix_len, size_t *len) {
  iconv_t cd = iconv_open(name, "UTF-8");
  assert_true(cd != (iconv_t)-1);
  size_t inleft = strlen(utf8), cap = inleft * 4 + prefix_len + 8, outleft = cap - prefix_len;
  char *out = malloc(cap), *in = (char *)utf8, *op = out + prefix_len;
  memcpy(out, prefix, prefix_len);
  assert_true(iconv(cd, &in, &inleft, &op, &outleft) != (size_t)-1);
  iconv_close(cd);
  *len = (size_t)(op - out);
  return out;
}

static const char staff_text[] =
    "Табельный номер\tДолжность\tДата рождения\n"
    "т-1\tУчитель математики\t12.03.1980\n"
    "т-2\tСтарший воспитатель\t01.01.1990\n";

/* Excel's "Текст Юникод": UTF-16LE with its mark and tabs; and big-endian. */
static void utf16_with_mark(void **state) {
  (void)state;
  size_t len;
  char *data = encode(staff_text, "UTF-16LE", "\xFF\xFE", 2, &len);
  csv_table t = parse_ok(data, len);
  assert_int_equal(t.encoding, TEXT_UTF16LE);
  assert_int_equal(t.delimiter, '\t');
  assert_string_equal(csv_field(&t, 0, 0), "Табельный номер"); /* the mark is not part of the header */
  assert_string_equal(csv_field(&t, 2, 1), "Старший воспитатель");
  csv_free(&t);
  free(data);
  data = encode(staff_text, "UTF-16BE", "\xFE\xFF", 2, &len);
  t = parse_ok(data, len);
  assert_int_equal(t.encoding, TEXT_UTF16BE);
  assert_string_equal(csv_field(&t, 1, 1), "Учитель математики");
  csv_free(&t);
  free(data);
}

/* UTF-16 without its mark is named as such, not read as garbage; an
 * unpaired surrogate is an error at its line. */
static void utf16_damaged_or_unmarked(void **state) {
  (void)state;
  size_t len;
  char *data = encode("id\tname\n1\tSchool\n", "UTF-16LE", "", 0, &len);
  parse_fails(data, len, "looks like UTF-16 text without a byte-order mark");
  parse_fails(data, len, "--encoding utf-16le");
  csv_table t;
  char err[512];
  assert_int_equal(csv_parse_as(data, len, "utf-16le", &t, err, sizeof err), 0);
  assert_string_equal(csv_field(&t, 1, 1), "School");
  csv_free(&t);
  free(data);
  /* "id\n1\n" then a lone high surrogate D800 on line 3 */
  static const char broken[] = "\xFF\xFE" "i\0d\0\n\0" "1\0\n\0" "\x00\xD8" "x\0\n\0";
  parse_fails(broken, sizeof broken - 1, "3: an invalid character");
}

/* KOI8-R and CP866 are told from Windows-1251 by how Russian they read. */
static void koi8r_and_cp866(void **state) {
  (void)state;
  const char *pages[] = {"KOI8-R", "CP866", "CP1251"};
  const text_encoding expected[] = {TEXT_KOI8R, TEXT_CP866, TEXT_CP1251};
  for (int i = 0; i < 3; i++) {
    size_t len;
    char *data = encode("Код;Наименование;Вид\nsch1;Школа 1;МБОУ\ndou1;Детский сад 5 Ёлочка;МАДОУ\n", pages[i], "", 0, &len);
    csv_table t = parse_ok(data, len);
    assert_int_equal(t.encoding, expected[i]);
    assert_string_equal(csv_field(&t, 0, 1), "Наименование");
    assert_string_equal(csv_field(&t, 2, 1), "Детский сад 5 Ёлочка");
    csv_free(&t);
    free(data);
  }
  /* one short word could be either: the reader says so instead of guessing */
  static const char short_word[] = "id\n\xC4\xC1\n"; /* "да" in KOI8-R, "ДБ" in Windows-1251 */
  parse_fails(short_word, sizeof short_word - 1, "cannot tell whether this text is");
  csv_table t;
  char err[512];
  assert_int_equal(csv_parse_as(short_word, sizeof short_word - 1, "koi8-r", &t, err, sizeof err), 0);
  assert_string_equal(csv_field(&t, 1, 0), "да");
  csv_free(&t);
  assert_int_equal(csv_parse_as(short_word, sizeof short_word - 1, "ebcdic", &t, err, sizeof err), -1);
  assert_non_null(strstr(err, "unknown encoding 'ebcdic'"));
  /* named UTF-8 is still checked strictly */
  assert_int_equal(csv_parse_as("a\n\xFF\n", 4, "utf-8", &t, err, sizeof err), -1);
  assert_non_null(strstr(err, "2: invalid UTF-8"));
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
    cmocka_unit_test(utf16_with_mark),
    cmocka_unit_test(utf16_damaged_or_unmarked),
    cmocka_unit_test(koi8r_and_cp866),
  };
  return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
