/* The CSV reader on every encoding, delimiter and quoting case municipal
 * files bring, and on malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* Reads the file at path with the stream in parts of part bytes, as rows
 * of a table or an error: what csv_parse_as gives for the whole text. */
static void stream_matches_whole(const char *data, size_t len, const char *encoding, size_t part) {
  char path[] = "/tmp/pdmon-csv-stream-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, data, len), (ssize_t)len);
  close(fd);
  csv_table t;
  char whole_err[512] = "", expected[1100] = "", err[1100] = "";
  int whole = csv_parse_as(data, len, encoding, &t, whole_err, sizeof whole_err);
  if (whole != 0) snprintf(expected, sizeof expected, "%s:%s", path, whole_err);
  csv_stream *s = NULL;
  int rc = csv_stream_open(path, encoding, part, &s, err, sizeof err);
  size_t rows = 0;
  for (int pass = 0; rc == 0 && pass < 2; pass++) {
    csv_record r;
    rows = 0;
    while ((rc = csv_stream_next(s, &r, err, sizeof err)) == 1) {
      if (whole != 0) continue;
      if (rows >= t.nrows) fail_msg("part %zu: more rows than the whole text has", part);
      if (r.line != t.row_line[rows] || r.count != t.row_count[rows])
        fail_msg("part %zu: row %zu is line %zu with %zu fields, not line %zu with %zu", part, rows, r.line, r.count,
                 t.row_line[rows], t.row_count[rows]);
      for (size_t c = 0; c < r.count; c++) assert_string_equal(r.fields[c], csv_field(&t, rows, c));
      rows++;
    }
    if (rc == 0 && rows == 0) {
      snprintf(err, sizeof err, "%s:%s", path, "1: empty file: expected a header line naming the columns");
      rc = -1;
    }
    if (rc == 0 && whole == 0) {
      assert_int_equal(csv_stream_delimiter(s), t.delimiter);
      assert_int_equal(csv_stream_encoding(s), t.encoding);
      unsigned long long done, total;
      csv_stream_progress(s, &done, &total);
      assert_true(done == total && total == len);
    }
    if (rc == 0 && csv_stream_rewind(s, err, sizeof err) != 0) rc = -1;
  }
  if (rc == 0 || whole == 0) {
    if (rc != 0) fail_msg("part %zu: %s", part, err);
    assert_int_equal(rows, t.nrows);
    csv_free(&t);
  } else if (strcmp(err, expected) != 0) {
    fail_msg("part %zu: the stream says\n  %s\nthe whole text\n  %s", part, err, expected);
  }
  csv_stream_close(s);
  unlink(path);
}

/* A file read a few bytes at a time gives the same rows, lines, delimiter,
 * encoding and messages as read whole, wherever the parts end: inside a
 * character of any encoding, a CR LF pair, a quoted field, a byte-order
 * mark or the delimiter's header line. */
static void a_file_read_in_parts_reads_as_a_whole(void **state) {
  (void)state;
  static const char *texts[] = {
      "id,name\n1,Школа\n2,Гимназия\n",
      "\xEF\xBB\xBFid;name\r\n1;Школа\r\n",
      "id,name,note\n1,\"Школа, №1\",\"line\nbreak \"\"quoted\"\"\"\r\n2,x,\"\"\n",
      "id,name\r\rx1,\"Школа\rс переносом\"\r\n\r\n,\n3,4",
      "a,b\n1,2,3\n4\n",
      "id\n\"unterminated\n2\n3\n",
      "id,n\n1,\"x\"y\n",
      "id,name\nx1,Шк\377ола\n",
      "\xEF\xBB\xBFid\n\xFF\n",
      "id,name\nx1,a\n\xEF\xBB\xBFx2,b\n",
      "id,name\nx\0,y\n",
      "id,name\n\xD8\xEA\xEE\xEB\xE0,\xD0\xA8\xD0\xBA\n",
      "\xCA\xEE\xE4;\xCD\xE0\xE8\xEC\xE5\xED\xEE\xE2\xE0\xED\xE8\xE5\r\n1;\xD8\xEA\xEE\xEB\xE0 \xB9" "1\r\n",
      "id\n\xC4\xC1\n",
      "",
      "\n\n,,\n",
      "id\n",
  };
  static const size_t parts[] = {1, 2, 3, 4, 5, 7, 16, 0};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
    for (size_t p = 0; p < sizeof parts / sizeof *parts; p++) {
      size_t len = strlen(texts[i]);
      if (i == 10) len = 14; /* holds a NUL */
      stream_matches_whole(texts[i], len, NULL, parts[p]);
    }
  const char *pages[] = {"KOI8-R", "CP866", "CP1251", "UTF-16LE", "UTF-16BE"};
  const char *marks[] = {"", "", "", "\xFF\xFE", "\xFE\xFF"};
  for (int i = 0; i < 5; i++) {
    size_t len;
    /* a character beyond the first plane (a surrogate pair in UTF-16) */
    char *data = encode(i < 3 ? "Код;Наименование;Вид\r\nsch1;\"Школа\r\n1\";МБОУ\ndou1;Детский сад 5 Ёлочка;МАДОУ\n"
                              : "Код;Наименование\r\nsch1;\"Школа\r\n1\"\ndou1;Ёлочка 𝄞\r\n",
                        pages[i], marks[i], strlen(marks[i]), &len);
    for (size_t p = 0; p < sizeof parts / sizeof *parts; p++) stream_matches_whole(data, len, NULL, parts[p]);
    free(data);
  }
  static const char broken16[] = "\xFF\xFE" "i\0d\0\n\0" "1\0\n\0" "\x00\xD8" "x\0\n\0";
  static const char odd16[] = "\xFF\xFE" "i\0d\0\n\0" "1";
  for (size_t p = 0; p < sizeof parts / sizeof *parts; p++) {
    stream_matches_whole(broken16, sizeof broken16 - 1, NULL, parts[p]);
    stream_matches_whole(odd16, sizeof odd16 - 1, NULL, parts[p]);
    stream_matches_whole("a\n\xFF\n", 4, "utf-8", parts[p]);
    stream_matches_whole("id\n\xC4\xC1\n", 6, "koi8-r", parts[p]);
    stream_matches_whole("id\n\x98\n", 5, "cp1251", parts[p]);
    stream_matches_whole("id\n1\n", 5, "ebcdic", parts[p]);
  }
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
    cmocka_unit_test(a_file_read_in_parts_reads_as_a_whole),
  };
  return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
