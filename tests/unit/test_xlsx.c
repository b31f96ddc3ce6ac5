/* The XLSX reader: shared and inline strings, numbers as numbers, dates by
 * their cell format in both date systems, sparse cells and rows, sheets by
 * name, and hostile workbooks refused (DTDs and entities, deep XML, zip
 * bombs, too many rows, columns and shared strings). Workbooks are built
 * here from their XML with libzip, as Excel lays them out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "rows.h"
#include "support.h"
#include "xlsx_reader.h"

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RNS "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

/* A workbook's parts that a test may replace; NULL parts are left out. */
typedef struct parts {
  const char *sheet, *sheet2, *shared, *styles;
  int date1904;
  const char *raw_name, *raw; /* one more part, as is */
  size_t raw_len;
} parts;

static char *dir;

/* Writes the workbook at dir/name and returns its path (caller frees). */
static char *workbook(const char *name, const parts *p) {
  char *path = malloc(strlen(dir) + strlen(name) + 2);
  sprintf(path, "%s/%s", dir, name);
  int zerr;
  zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
  assert_non_null(z);
  char book[2048], rels[2048];
  snprintf(book, sizeof book,
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook " NS " " RNS "><workbookPr date1904=\"%d\"/><sheets>"
           "<sheet name=\"Лист1\" sheetId=\"1\" r:id=\"rId1\"/>%s</sheets></workbook>",
           p->date1904, p->sheet2 ? "<sheet name=\"Кадры\" sheetId=\"2\" r:id=\"rId2\"/>" : "");
  snprintf(rels, sizeof rels,
           "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
           "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
           "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
           "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
           "</Relationships>");
  const char *package =
      "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
      "</Relationships>";
  struct { const char *name, *data; size_t len; } files[] = {
      {"_rels/.rels", package, 0}, {"xl/workbook.xml", book, 0}, {"xl/_rels/workbook.xml.rels", rels, 0},
      {"xl/worksheets/sheet1.xml", p->sheet, 0}, {"xl/worksheets/sheet2.xml", p->sheet2, 0},
      {"xl/sharedStrings.xml", p->shared, 0}, {"xl/styles.xml", p->styles, 0}, {p->raw_name, p->raw, p->raw_len}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    if (!files[i].name || !files[i].data) continue;
    size_t len = files[i].len ? files[i].len : strlen(files[i].data);
    zip_source_t *src = zip_source_buffer(z, files[i].data, len, 0);
    assert_non_null(src);
    assert_true(zip_file_add(z, files[i].name, src, ZIP_FL_OVERWRITE) >= 0);
  }
  assert_int_equal(zip_close(z), 0);
  return path;
}

/* A sheet whose sheetData is rows. */
static char *sheet_of(const char *rows) {
  size_t n = strlen(rows) + 256;
  char *s = malloc(n);
  snprintf(s, n, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet " NS "><sheetData>%s</sheetData></worksheet>", rows);
  return s;
}

/* Opens path (sheet NULL: the first) and expects success. */
static xlsx_reader *open_ok(const char *path, const char *sheet) {
  xlsx_reader *r;
  char err[1024];
  int rc = xlsx_open(path, sheet, &r, err, sizeof err);
  if (rc != 0) fail_msg("xlsx_open: %s", err);
  return r;
}

/* Opens path and reads every row, expecting a failure whose message contains want. */
static void refused(const char *path, const xlsx_limits *limits, const char *want) {
  xlsx_reader *r;
  char err[1024] = "";
  int rc = xlsx_open_limited(path, NULL, limits, &r, err, sizeof err);
  if (rc == 0) {
    xlsx_row row;
    while ((rc = xlsx_next_row(r, &row, err, sizeof err)) == 1) {}
    xlsx_close(r);
    assert_int_equal(rc, -1);
  }
  if (!strstr(err, want)) fail_msg("expected «%s» in «%s»", want, err);
}

static const char styles_with_dates[] =
    "<styleSheet " NS "><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"dd\\.mm\\.yyyy\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"0.0&quot;d&quot;\"/></numFmts>"
    "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"22\"/></cellXfs></styleSheet>";

static void strings_numbers_dates(void **state) {
  (void)state;
  char *sheet = sheet_of(
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"inlineStr\"><is><t>Дата</t></is></c>"
      "<c r=\"D1\" t=\"inlineStr\"><is><r><t>Бал</t></r><r><t>л</t></r></is></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1001</v></c><c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"C2\" s=\"1\"><v>44972</v></c><c r=\"D2\"><v>66.599999999999994</v></c></row>"
      "<row r=\"4\"><c r=\"A4\" t=\"str\"><f>A2</f><v>t-2</v></c><c r=\"C4\" s=\"2\"><v>29292</v></c><c r=\"D4\" s=\"3\"><v>1E-7</v></c></row>"
      "<row r=\"5\"><c r=\"A5\"/><c r=\"B5\" t=\"s\"><v>3</v></c></row>"
      "<row r=\"6\"><c r=\"A6\" t=\"e\"><v>#N/A</v></c><c r=\"B6\" t=\"b\"><v>1</v></c><c r=\"C6\" s=\"4\"><v>44972.375</v></c></row>"
      "<row r=\"7\"></row><row r=\"8\"><c r=\"C8\" t=\"inlineStr\"><is><t></t></is></c></row>");
  parts p = {.sheet = sheet, .styles = styles_with_dates,
             .shared = "<sst " NS " count=\"4\"><si><t>Код</t></si><si><t xml:space=\"preserve\">Должность</t></si>"
                       "<si><t>Учитель математики</t><rPh><t>фонетика</t></rPh></si><si><t>  с пробелами  </t></si></sst>"};
  char *path = workbook("values.xlsx", &p);
  xlsx_reader *r = open_ok(path, NULL);
  assert_string_equal(xlsx_sheet(r), "Лист1");
  xlsx_row row;
  char err[512];
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 1);
  assert_int_equal(row.number, 1);
  assert_int_equal(row.count, 4);
  assert_string_equal(row.cells[0], "Код");
  assert_string_equal(row.cells[1], "Должность");
  assert_string_equal(row.cells[2], "Дата");
  assert_string_equal(row.cells[3], "Балл");
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 1);
  assert_int_equal(row.number, 2);
  assert_string_equal(row.cells[0], "1001");
  assert_int_equal(row.kinds[0], XLSX_NUMBER);
  assert_string_equal(row.cells[1], "Учитель математики"); /* the phonetic run is not text */
  assert_string_equal(row.cells[2], "2023-02-15");          /* built-in format 14 is a date */
  assert_int_equal(row.kinds[2], XLSX_DATE);
  assert_string_equal(row.cells[3], "66.6");                /* Excel's 15 digits */
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 1);
  assert_int_equal(row.number, 4); /* the row Excel shows, row 3 is absent */
  assert_string_equal(row.cells[0], "t-2");
  assert_string_equal(row.cells[1], "");
  assert_string_equal(row.cells[2], "1980-03-12"); /* dd.mm.yyyy is a date format */
  assert_string_equal(row.cells[3], "0.0000001");  /* a quoted "d" does not make a date; no exponent */
  assert_int_equal(row.kinds[3], XLSX_NUMBER);
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 1);
  assert_int_equal(row.count, 2);
  assert_string_equal(row.cells[1], "  с пробелами  ");
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 1);
  assert_int_equal(row.kinds[0], XLSX_ERROR);
  assert_string_equal(row.cells[0], "#N/A");
  assert_string_equal(row.cells[1], "ИСТИНА");
  assert_string_equal(row.cells[2], "2023-02-15 09:00");
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 0); /* rows 7 and 8 are blank */
  assert_int_equal(xlsx_rewind(r, err, sizeof err), 0);
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 1);
  assert_string_equal(row.cells[0], "Код");
  xlsx_close(r);
  free(path);
  free(sheet);
}

static void date_systems(void **state) {
  (void)state;
  char out[20];
  assert_int_equal(xlsx_serial_to_iso(1, 0, out), 0);
  assert_string_equal(out, "1900-01-01");
  assert_int_equal(xlsx_serial_to_iso(59, 0, out), 0);
  assert_string_equal(out, "1900-02-28");
  assert_int_equal(xlsx_serial_to_iso(60, 0, out), -1); /* Lotus's 29.02.1900 never was */
  assert_int_equal(xlsx_serial_to_iso(61, 0, out), 0);
  assert_string_equal(out, "1900-03-01");
  assert_int_equal(xlsx_serial_to_iso(44972, 0, out), 0);
  assert_string_equal(out, "2023-02-15");
  assert_int_equal(xlsx_serial_to_iso(43510, 1, out), 0); /* the same day in the 1904 system */
  assert_string_equal(out, "2023-02-15");
  assert_int_equal(xlsx_serial_to_iso(0, 1, out), 0);
  assert_string_equal(out, "1904-01-01");
  assert_int_equal(xlsx_serial_to_iso(0, 0, out), -1);
  assert_int_equal(xlsx_serial_to_iso(-1, 1, out), -1);
  assert_int_equal(xlsx_serial_to_iso(44972.999999, 0, out), 0); /* rounds to the next midnight */
  assert_string_equal(out, "2023-02-16");
  assert_int_equal(xlsx_serial_to_iso(2958465, 0, out), 0);
  assert_string_equal(out, "9999-12-31");
  assert_int_equal(xlsx_serial_to_iso(2958466, 0, out), -1);
  assert_true(xlsx_format_is_date("dd.mm.yyyy"));
  assert_true(xlsx_format_is_date("[$-419]d mmmm yyyy;@"));
  assert_true(xlsx_format_is_date("DD/MM/YY h:mm"));
  assert_false(xlsx_format_is_date("General"));
  assert_false(xlsx_format_is_date("0.00\" дн\""));
  assert_false(xlsx_format_is_date("[Red]0.00"));
  assert_false(xlsx_format_is_date("h:mm"));
  assert_true(xlsx_builtin_is_date(14));
  assert_false(xlsx_builtin_is_date(2));

  char *sheet = sheet_of("<row r=\"1\"><c t=\"inlineStr\"><is><t>Дата</t></is></c></row><row r=\"2\"><c s=\"1\"><v>43510</v></c></row>");
  parts p = {.sheet = sheet, .styles = styles_with_dates, .date1904 = 1};
  char *path = workbook("mac.xlsx", &p);
  xlsx_reader *r = open_ok(path, NULL);
  xlsx_row row;
  char err[512];
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 1);
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 1);
  assert_string_equal(row.cells[0], "2023-02-15");
  xlsx_close(r);
  free(path);
  free(sheet);
}

static void sheets_by_name(void **state) {
  (void)state;
  char *one = sheet_of("<row><c t=\"inlineStr\"><is><t>первый</t></is></c></row>");
  char *two = sheet_of("<row><c t=\"inlineStr\"><is><t>второй</t></is></c></row>");
  parts p = {.sheet = one, .sheet2 = two};
  char *path = workbook("two.xlsx", &p);
  xlsx_reader *r = open_ok(path, "кадры"); /* case forgiven */
  xlsx_row row;
  char err[512];
  assert_int_equal(xlsx_next_row(r, &row, err, sizeof err), 1);
  assert_string_equal(row.cells[0], "второй");
  xlsx_close(r);
  assert_int_equal(xlsx_open(path, "Итоги", &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "no sheet called «Итоги»; the workbook has «Лист1», «Кадры»"));
  free(path);
  free(one);
  free(two);
}

static void not_a_workbook(void **state) {
  (void)state;
  char *path = support_write_text(dir, "fake.xlsx", "id,name\n1,x\n");
  xlsx_reader *r;
  char err[512];
  assert_int_equal(xlsx_open(path, NULL, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "not a readable Excel workbook"));
  free(path);
  parts p = {.raw_name = "word/document.xml", .raw = "<w/>"};
  path = workbook("docx.xlsx", &p);
  assert_int_equal(xlsx_open(path, NULL, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "damaged: sheet «Лист1»"));
  free(path);
}

static void entities_refused(void **state) {
  (void)state;
  const char *laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><worksheet " NS "><sheetData><row><c t=\"inlineStr\"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>";
  parts p = {.sheet = laughs};
  char *path = workbook("laughs.xlsx", &p);
  refused(path, NULL, "declares a document type (DTD)");
  free(path);
  const char *external = "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"file:///etc/passwd\"><sst " NS "><si><t>x</t></si></sst>";
  char *sheet = sheet_of("<row><c t=\"s\"><v>0</v></c></row>");
  parts q = {.sheet = sheet, .shared = external};
  path = workbook("external.xlsx", &q);
  refused(path, NULL, "sharedStrings.xml: the XML declares a document type");
  free(path);
  free(sheet);
}

static void deep_xml_refused(void **state) {
  (void)state;
  size_t depth = 200;
  char *rows = malloc(depth * 16 + 64);
  size_t o = (size_t)sprintf(rows, "<row><c t=\"inlineStr\"><is>");
  for (size_t i = 0; i < depth; i++) o += (size_t)sprintf(rows + o, "<r>");
  for (size_t i = 0; i < depth; i++) o += (size_t)sprintf(rows + o, "</r>");
  sprintf(rows + o, "</is></c></row>");
  char *sheet = sheet_of(rows);
  parts p = {.sheet = sheet};
  char *path = workbook("deep.xlsx", &p);
  refused(path, NULL, "nested deeper than 64 elements");
  free(path);
  free(sheet);
  free(rows);
}

static void zip_bomb_refused(void **state) {
  (void)state;
  /* 12 MB of spaces inside a cell inflate from some 12 KB: refused at the ratio, long before the end */
  size_t n = 12u << 20;
  char *big = malloc(n + 512);
  size_t o = (size_t)sprintf(big, "<worksheet " NS "><sheetData>");
  memset(big + o, ' ', n); /* white space between rows: no cell holds it, only the ratio stops it */
  o += n;
  o += (size_t)sprintf(big + o, "<row><c><v>1</v></c></row></sheetData></worksheet>");
  parts p = {.sheet = "<worksheet/>", .raw_name = "xl/worksheets/sheet1.xml", .raw = big, .raw_len = o};
  p.sheet = NULL;
  char *path = workbook("bomb.xlsx", &p);
  refused(path, NULL, "refused as a possible zip bomb");
  free(path);
  /* and a sheet past its size cap, whatever its ratio */
  char *sheet = sheet_of("<row><c t=\"inlineStr\"><is><t>1234567890</t></is></c></row>");
  parts q = {.sheet = sheet};
  path = workbook("long.xlsx", &q);
  xlsx_limits small = {XLSX_MAX_SHARED_BYTES, XLSX_MAX_SHARED_COUNT, 100};
  refused(path, &small, "inflates to");
  free(path);
  free(sheet);
  free(big);
}

static void too_many_rows_and_columns(void **state) {
  (void)state;
  char *sheet = sheet_of("<row r=\"1\"><c t=\"inlineStr\"><is><t>a</t></is></c></row><row r=\"1048577\"><c><v>1</v></c></row>");
  parts p = {.sheet = sheet};
  char *path = workbook("rows.xlsx", &p);
  refused(path, NULL, "row 1048577 is beyond Excel's last row");
  free(path);
  free(sheet);
  sheet = sheet_of("<row r=\"1\"><c r=\"XFE1\" t=\"inlineStr\"><is><t>a</t></is></c></row>");
  parts q = {.sheet = sheet};
  path = workbook("columns.xlsx", &q);
  refused(path, NULL, "beyond Excel's last column");
  free(path);
  free(sheet);
  sheet = sheet_of("<row r=\"5\"><c><v>1</v></c></row><row r=\"3\"><c><v>2</v></c></row>");
  parts s = {.sheet = sheet};
  path = workbook("order.xlsx", &s);
  refused(path, NULL, "row 3 comes after row 5");
  free(path);
  free(sheet);
}

static void shared_strings_bounded(void **state) {
  (void)state;
  char *sheet = sheet_of("<row><c t=\"s\"><v>0</v></c></row>");
  char shared[4096];
  size_t o = (size_t)sprintf(shared, "<sst " NS ">");
  for (int i = 0; i < 100; i++) o += (size_t)sprintf(shared + o, "<si><t>строка %d</t></si>", i);
  sprintf(shared + o, "</sst>");
  parts p = {.sheet = sheet, .shared = shared};
  char *path = workbook("shared.xlsx", &p);
  xlsx_limits count = {XLSX_MAX_SHARED_BYTES, 50, XLSX_MAX_SHEET_BYTES};
  refused(path, &count, "more than 50 shared strings");
  xlsx_limits size = {500, XLSX_MAX_SHARED_COUNT, XLSX_MAX_SHEET_BYTES};
  refused(path, &size, "shared strings pass 500 bytes");
  free(path);
  char *dangling = sheet_of("<row r=\"2\"><c r=\"B2\" t=\"s\"><v>100</v></c></row>");
  parts q = {.sheet = dangling, .shared = shared};
  path = workbook("dangling.xlsx", &q);
  refused(path, NULL, "dangling.xlsx:Лист1:2: cell 2 refers to shared string 100, and the workbook has 100");
  free(path);
  free(dangling);
  free(sheet);
}

static void rows_interface(void **state) {
  (void)state;
  char *sheet = sheet_of("<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>Код</t></is></c></row>"
                         "<row r=\"4\"><c r=\"B4\"><v>7</v></c></row>");
  parts p = {.sheet = sheet};
  char *path = workbook("rows-if.xlsx", &p);
  rows_source *s;
  char err[512];
  assert_int_equal(rows_open(path, NULL, &s, err, sizeof err), 0);
  assert_int_equal(rows_format_of(s), ROWS_XLSX);
  assert_true(strstr(rows_where(s), "rows-if.xlsx:Лист1") != NULL);
  const rows_row *h = rows_header(s);
  assert_int_equal(h->line, 3);
  assert_int_equal(h->count, 2);
  assert_string_equal(rows_cell(h, 1), "Код");
  rows_row row;
  assert_int_equal(rows_next(s, &row, err, sizeof err), 1);
  assert_int_equal(row.line, 4);
  assert_int_equal(rows_kind(&row, 1), ROWS_NUMBER);
  assert_int_equal(rows_next(s, &row, err, sizeof err), 0);
  assert_int_equal(rows_rewind(s, err, sizeof err), 0);
  assert_int_equal(rows_next(s, &row, err, sizeof err), 1);
  assert_string_equal(rows_cell(&row, 1), "7");
  rows_close(s);
  rows_options sheet_opt = {.sheet = "Лист1"};
  char *csv = support_write_text(dir, "plain.csv", "a;b\n1;2\n");
  assert_int_equal(rows_open(csv, &sheet_opt, &s, err, sizeof err), -1);
  assert_non_null(strstr(err, "--sheet is for Excel workbooks"));
  rows_options enc = {.encoding = "koi8-r"};
  assert_int_equal(rows_open(path, &enc, &s, err, sizeof err), -1);
  assert_non_null(strstr(err, "--encoding is for CSV files"));
  free(csv);
  free(path);
  free(sheet);
}

static int setup(void **state) {
  (void)state;
  dir = support_tempdir();
  return 0;
}

static int teardown(void **state) {
  (void)state;
  support_remove_tree(dir);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(strings_numbers_dates), cmocka_unit_test(date_systems),
      cmocka_unit_test(sheets_by_name),        cmocka_unit_test(not_a_workbook),
      cmocka_unit_test(entities_refused),      cmocka_unit_test(deep_xml_refused),
      cmocka_unit_test(zip_bomb_refused),      cmocka_unit_test(too_many_rows_and_columns),
      cmocka_unit_test(shared_strings_bounded), cmocka_unit_test(rows_interface),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
