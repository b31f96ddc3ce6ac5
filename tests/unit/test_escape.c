/* The shared escaping module: what each writer does to text that comes
 * from the store or from rule code, byte for byte, for HTML, URLs,
 * Markdown, CSV cells and terminals. */
#define _GNU_SOURCE /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* What one writer makes of s, as a string the caller frees. */
typedef void (*writer)(FILE *, const char *);

static char *written(writer w, const char *s) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  assert_non_null(out);
  w(out, s);
  fclose(out);
  return text;
}

static void expect_written(writer w, const char *s, const char *expected) {
  char *text = written(w, s);
  assert_string_equal(text, expected);
  free(text);
}

static void csv_comma(FILE *out, const char *s) { escape_csv_cell(out, s, ','); }
static void csv_semicolon(FILE *out, const char *s) { escape_csv_cell(out, s, ';'); }

static void html(void **state) {
  (void)state;
  expect_written(escape_html, "x</title><script>alert('1')</script>&\"",
                 "x&lt;/title&gt;&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt;&amp;&quot;");
  expect_written(escape_html, "Школа №1", "Школа №1");
  expect_written(escape_html, NULL, "");
  /* an ESC, BEL or C1 from the store is no text of a page (found by review h54) */
  expect_written(escape_html, "Школа \033[31m№1\007\302\233\177\tи\r\n", "Школа [31m№1\tи\r\n");
  expect_written(escape_html, "\302\240неразрывный", "\302\240неразрывный"); /* U+00A0 is text */
  char *cut = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&cut, &len);
  assert_non_null(out);
  escape_html_bytes(out, "a\302\205b", 2); /* a C1 cut by n: only its lead byte is written */
  fclose(out);
  assert_string_equal(cut, "a\302");
  free(cut);
}

static void urls(void **state) {
  (void)state;
  expect_written(escape_url_component, "a b/c?d=1&e#f", "a%20b%2Fc%3Fd%3D1%26e%23f");
  expect_written(escape_url_component, "Az09-._~", "Az09-._~");
  expect_written(escape_url_component, "Я", "%D0%AF");
  char buf[8];
  /* cut at a whole %XX: "ab" fits, "%D0" would need 4 more bytes with the terminator */
  assert_string_equal(escape_url_component_copy("abЯ", buf, 6), "ab%D0");
  assert_string_equal(escape_url_component_copy("abcdefghij", buf, sizeof buf), "abcde"); /* room kept for a %XX */
  assert_string_equal(escape_url_component_copy(NULL, buf, sizeof buf), "");
  assert_true(escape_link_is_safe("https://example.org/"));
  assert_true(escape_link_is_safe(" HTTP://example.org/"));
  assert_true(escape_link_is_safe("mailto:uo@example.org"));
  assert_false(escape_link_is_safe("javascript:alert(1)"));
  assert_false(escape_link_is_safe("data:text/html,<script>"));
  assert_false(escape_link_is_safe(NULL));
}

static void markdown(void **state) {
  (void)state;
  expect_written(escape_markdown, "[ссылка](javascript:alert(1)) <b>*жирный*</b> a_b|c\nd",
                 "\\[ссылка\\](javascript:alert(1)) &lt;b&gt;\\*жирный\\*&lt;/b&gt; a\\_b\\|c d");
  expect_written(escape_markdown, "# `код` ~x~ \\", "\\# \\`код\\` \\~x\\~ \\\\");
  expect_written(escape_markdown, "a\033[2J\007\302\205b\tc", "a\\[2Jb\tc");
}

static void csv_cells(void **state) {
  (void)state;
  expect_written(csv_comma, "=HYPERLINK(\"http://evil.example/\")", "\"'=HYPERLINK(\"\"http://evil.example/\"\")\"");
  expect_written(csv_comma, "+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\"");
  expect_written(csv_comma, "-2+3", "\"'-2+3\"");
  expect_written(csv_comma, "@SUM(1+1)", "\"'@SUM(1+1)\"");
  expect_written(csv_comma, "\t=1", "\"'\t=1\"");
  expect_written(csv_comma, "Школа, №1", "\"Школа, №1\"");
  expect_written(csv_comma, "\"x\"\"", "\"\"\"x\"\"\"\"\""); /* quotes at the start, the end and side by side */
  expect_written(csv_comma, "Школа; №1", "Школа; №1");
  expect_written(csv_semicolon, "Школа; №1", "\"Школа; №1\"");
  expect_written(csv_comma, "строка 1\nстрока 2", "\"строка 1\nстрока 2\"");
  expect_written(csv_comma, "a=b", "a=b"); /* only the first character makes a formula */
  expect_written(csv_comma, NULL, "");
  assert_true(escape_csv_needs_prefix("=1"));
  assert_false(escape_csv_needs_prefix("1=1"));
  assert_false(escape_csv_needs_prefix(NULL));
}

static void terminals(void **state) {
  (void)state;
  expect_written(escape_terminal, "Школа \033]0;pwned\007 №1\tи\n", "Школа ]0;pwned №1\tи\n");
  expect_written(escape_terminal, "\033[2J\302\233x\177\r", "[2Jx");
  expect_written(escape_terminal, "\302\240неразрывный", "\302\240неразрывный"); /* U+00A0 is text */
  char buf[8];
  assert_string_equal(escape_terminal_copy("a\033b\302\205c", buf, sizeof buf), "abc");
  assert_string_equal(escape_terminal_copy("abcdefghijk", buf, sizeof buf), "abcdefg");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(html),      cmocka_unit_test(urls),      cmocka_unit_test(markdown),
    cmocka_unit_test(csv_cells), cmocka_unit_test(terminals),
  };
  return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
