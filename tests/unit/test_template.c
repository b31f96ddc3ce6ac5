/* Templates: for every entity, the workbook pdmon writes is filled in as an
 * office would (values typed under its headers, names picked from its
 * drop-down lists, dates in its date-formatted columns) and imported back
 * unchanged; every value of the lists imports; the headers are the
 * importer's own; the CSV template round-trips too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "entity.h"
#include "import.h"
#include "store.h"
#include "support.h"
#include "template.h"
#include "vocabulary.h"
#include "xlsx_reader.h"

/* The store each test starts from (support.h). */
typedef support_store fixture;

/* What an office types for a field: a code of a vocabulary (written as the
 * Russian name the drop-down shows), an ISO date (typed into a date cell),
 * a number, or text. */
typedef struct value {
  const char *entity, *field, *text;
} value;

static const value filled[] = {
    {"organizations", "id", "sch1"}, {"organizations", "name", "МБОУ «СОШ № 1»"},
    {"organizations", "kind", "school"}, {"organizations", "municipality", "emz"},
    {"staff", "id", "t1"}, {"staff", "organization_id", "sch1"}, {"staff", "position", "teacher"},
    {"staff", "birth_year", "1985"}, {"staff", "career_start_year", "2008"}, {"staff", "subject", "Математика"},
    {"staff", "education_matches_profile", "да"}, {"staff", "qualification_category", "first"},
    {"staff", "hire_date", "2015-09-01"},
    {"activities", "staff_id", "t1"}, {"activities", "kind", "diagnostic"}, {"activities", "date", "2023-10-02"},
    {"activities", "hours", "36"}, {"activities", "title", "Диагностика дефицитов"},
    {"communities", "id", "c1"}, {"communities", "name", "ММО учителей математики"},
    {"communities", "kind", "methodical_association"}, {"communities", "level", "municipal"},
    {"communities", "municipality", "emz"}, {"communities", "start_date", "2022-09-01"},
    {"documents", "kind", "order"}, {"documents", "number", "153/1"}, {"documents", "date", "2023-08-30"},
    {"documents", "title", "Об утверждении плана"}, {"documents", "municipality", "emz"},
    {"events", "id", "e1"}, {"events", "kind", "competition"}, {"events", "title", "Учитель года"},
    {"events", "level", "municipal"}, {"events", "municipality", "emz"}, {"events", "start_date", "2023-02-01"},
    {"participation", "event_id", "e1"}, {"participation", "staff_id", "t1"},
    {"participation", "role", "participant"}, {"participation", "result", "winner"},
    {"registries", "registry", "mentor"}, {"registries", "staff_id", "t1"}, {"registries", "from_date", "2023-09-01"},
};

/* The value an office types for field of entity, or NULL. */
static const char *value_for(const char *entity, const char *field) {
  for (size_t i = 0; i < sizeof filled / sizeof filled[0]; i++)
    if (!strcmp(filled[i].entity, entity) && !strcmp(filled[i].field, field)) return filled[i].text;
  return NULL;
}

/* A zip part as a new NUL-terminated string (caller frees). */
static char *read_part(zip_t *z, const char *name) {
  zip_stat_t st;
  assert_int_equal(zip_stat(z, name, 0, &st), 0);
  char *data = malloc(st.size + 1);
  zip_file_t *zf = zip_fopen(z, name, 0);
  assert_non_null(zf);
  assert_int_equal(zip_fread(zf, data, st.size), (zip_int64_t)st.size);
  zip_fclose(zf);
  data[st.size] = '\0';
  return data;
}

/* The style index of column c (1-based) in a sheet's <cols>, or -1. */
static int column_style(const char *sheet, int c) {
  char want[64];
  snprintf(want, sizeof want, "<col min=\"%d\" max=\"%d\"", c, c);
  const char *p = strstr(sheet, want);
  if (!p) return -1;
  const char *end = strchr(p, '>'), *s = strstr(p, "style=\"");
  return s && s < end ? atoi(s + 7) : -1;
}

/* Days from Excel's day 0 (1899-12-30) to the ISO date iso. */
static long excel_serial(const char *iso) {
  int y, m, d;
  assert_int_equal(sscanf(iso, "%d-%d-%d", &y, &m, &d), 3);
  /* days from civil (Howard Hinnant's algorithm), then from 1899-12-30 */
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + 25569;
}

/* Fills the first sheet of the template at path with one row: what the
 * office types under each header, as Excel stores it. */
static void fill_workbook(const char *path, const entity_def *e) {
  xlsx_reader *x;
  xlsx_row header;
  char err[512];
  assert_int_equal(xlsx_open(path, NULL, &x, err, sizeof err), 0);
  assert_int_equal(xlsx_next_row(x, &header, err, sizeof err), 1);
  int zerr;
  zip_t *z = zip_open(path, 0, &zerr);
  assert_non_null(z);
  char *sheet = read_part(z, "xl/worksheets/sheet1.xml");
  size_t cap = 65536, o = 0;
  char *row = malloc(cap);
  o += (size_t)snprintf(row + o, cap - o, "<row r=\"2\">");
  for (size_t c = 0; c < header.count; c++) {
    int f = entity_match_header(e, header.cells[c]);
    assert_true(f >= 0); /* every header of the template is the importer's */
    const entity_field *fd = &e->fields[f];
    const char *v = value_for(e->name, fd->name);
    if (!v) continue;
    char ref[8];
    snprintf(ref, sizeof ref, "%c2", (char)('A' + c));
    if (fd->type == FIELD_DATE) {
      int style = column_style(sheet, (int)c + 1);
      assert_true(style > 0); /* the column is date-formatted */
      o += (size_t)snprintf(row + o, cap - o, "<c r=\"%s\" s=\"%d\"><v>%ld</v></c>", ref, style, excel_serial(v));
    } else if (fd->type == FIELD_YEAR || fd->type == FIELD_DECIMAL) {
      o += (size_t)snprintf(row + o, cap - o, "<c r=\"%s\"><v>%s</v></c>", ref, v);
    } else {
      const char *shown = v;
      if (fd->type == FIELD_CHOICE) { /* picked from the drop-down: its Russian name */
        const vocabulary_entry *ve = vocabulary_entry_of(vocabulary_find(fd->vocabulary), v);
        assert_non_null(ve);
        shown = ve->label;
      }
      o += (size_t)snprintf(row + o, cap - o, "<c r=\"%s\" t=\"inlineStr\"><is><t>%s</t></is></c>", ref, shown);
    }
  }
  o += (size_t)snprintf(row + o, cap - o, "</row>");
  xlsx_close(x);
  char *end = strstr(sheet, "</sheetData>");
  assert_non_null(end);
  size_t n = strlen(sheet) + o + 1;
  char *out = malloc(n);
  snprintf(out, n, "%.*s%s%s", (int)(end - sheet), sheet, row, end);
  zip_source_t *src = zip_source_buffer(z, out, strlen(out), 1);
  assert_non_null(src);
  assert_true(zip_file_add(z, "xl/worksheets/sheet1.xml", src, ZIP_FL_OVERWRITE) >= 0);
  assert_int_equal(zip_close(z), 0);
  free(sheet);
  free(row);
}

/* The workbook's parts say what the office sees: drop-downs from the hidden
 * lists, date checks, date formats, notes. */
static void check_parts(const char *path, const entity_def *e) {
  int zerr;
  zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
  assert_non_null(z);
  char *sheet = read_part(z, "xl/worksheets/sheet1.xml"), *styles = read_part(z, "xl/styles.xml"),
       *book = read_part(z, "xl/workbook.xml");
  int choices = 0, dates = 0;
  for (size_t f = 0; f < e->nfields; f++) {
    choices += e->fields[f].type == FIELD_CHOICE;
    dates += e->fields[f].type == FIELD_DATE;
  }
  if (choices) {
    assert_non_null(strstr(sheet, "<dataValidation type=\"list\""));
    assert_non_null(strstr(sheet, "'Списки'!$A$2:$A$"));
    assert_non_null(strstr(book, "name=\"Списки\" sheetId=\"3\" state=\"hidden\""));
  }
  if (dates) {
    assert_non_null(strstr(sheet, "<dataValidation type=\"date\""));
    assert_non_null(strstr(styles, "formatCode=\"dd.mm.yyyy\""));
  }
  assert_non_null(strstr(book, "name=\"Пояснения\""));
  assert_non_null(strstr(sheet, "<pane ySplit=\"1\"")); /* the headers stay in view */
  zip_close(z);
  free(sheet);
  free(styles);
  free(book);
}

/* Every name of the lists sheet imports as its vocabulary's value. */
static void check_lists(const char *path, const entity_def *e) {
  int choices = 0;
  for (size_t f = 0; f < e->nfields; f++) choices += e->fields[f].type == FIELD_CHOICE;
  if (!choices) return;
  xlsx_reader *x;
  xlsx_row row;
  char err[512];
  assert_int_equal(xlsx_open(path, "Списки", &x, err, sizeof err), 0);
  assert_int_equal(xlsx_next_row(x, &row, err, sizeof err), 1);
  const vocabulary *lists[32] = {0};
  size_t n = row.count, values = 0;
  for (size_t c = 0; c < n; c++)
    for (size_t i = 0; vocabulary_at(i); i++)
      if (!strcmp(vocabulary_at(i)->title, row.cells[c])) lists[c] = vocabulary_at(i);
  int rc;
  while ((rc = xlsx_next_row(x, &row, err, sizeof err)) == 1) {
    for (size_t c = 0; c < row.count && c < n; c++) {
      if (!row.cells[c][0]) continue;
      assert_non_null(lists[c]);
      if (!vocabulary_code(lists[c], row.cells[c])) fail_msg("%s: «%s» does not import", lists[c]->name, row.cells[c]);
      values++;
    }
  }
  assert_int_equal(rc, 0);
  assert_true(values >= (size_t)choices);
  xlsx_close(x);
}

static void every_entity_round_trips_in_a_workbook(void **state) {
  fixture *f = *state;
  const char *order[] = {"organizations", "staff", "activities", "communities", "documents", "events",
                         "participation", "registries"};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const entity_def *e = entity_find(order[i]);
    assert_non_null(e);
    char path[600], err[1024];
    snprintf(path, sizeof path, "%s/%s.xlsx", f->dir, e->name);
    assert_int_equal(template_write(e, TEMPLATE_XLSX, path, err, sizeof err), 0);
    check_parts(path, e);
    check_lists(path, e);
    import_report r;
    import_options opt = {0};
    /* imported unchanged, the template is a file with nothing below its headers */
    assert_int_equal(import_file(f->db, e->name, path, &opt, &r, err, sizeof err), 0);
    assert_int_equal(r.rows, 0);
    import_report_free(&r);
    fill_workbook(path, e);
    int rc = import_file(f->db, e->name, path, &opt, &r, err, sizeof err);
    if (rc != 0) fail_msg("%s: %s %s", e->name, err, r.rejected ? r.problems[0].message : "");
    assert_int_equal(r.inserted, 1);
    import_report_free(&r);
  }
  char buf[512];
  assert_string_equal(support_text(f->db, "SELECT kind || '|' || name FROM organization WHERE id = 'sch1'", buf, sizeof buf),
                      "school|МБОУ «СОШ № 1»");
  assert_string_equal(support_text(f->db, "SELECT position || '|' || birth_year || '|' || qualification_category || '|' || "
                                  "education_matches_profile FROM staff WHERE id = 't1'", buf, sizeof buf),
                      "teacher|1985|first|1");
  assert_string_equal(support_text(f->db, "SELECT from_date FROM employment WHERE staff_id = 't1'", buf, sizeof buf), "2015-09-01");
  assert_string_equal(support_text(f->db, "SELECT kind || '|' || date || '|' || hours FROM activity", buf, sizeof buf),
                      "diagnostic|2023-10-02|36.0");
  assert_string_equal(support_text(f->db, "SELECT start_date FROM community WHERE id = 'c1'", buf, sizeof buf), "2022-09-01");
  assert_string_equal(support_text(f->db, "SELECT date || '|' || number FROM document", buf, sizeof buf), "2023-08-30|153/1");
  assert_string_equal(support_text(f->db, "SELECT role || '|' || result FROM participation", buf, sizeof buf), "participant|winner");
  assert_string_equal(support_text(f->db, "SELECT registry || '|' || from_date FROM registry_member", buf, sizeof buf),
                      "mentor|2023-09-01");
}

static void headers_are_the_importers_own(void **state) {
  (void)state;
  const char *names[] = {"organizations", "staff", "activities", "communities", "documents", "events",
                         "participation", "registries"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const entity_def *e = entity_find(names[i]);
    for (size_t f = 0; f < e->nfields; f++) {
      char header[256];
      template_header(e, f, header, sizeof header);
      if (entity_match_header(e, header) != (int)f) fail_msg("%s.%s: header «%s»", e->name, e->fields[f].name, header);
      assert_true((unsigned char)header[0] >= 0x80); /* Russian */
    }
  }
  char header[256];
  const entity_def *staff = entity_find("staff");
  assert_string_equal(template_header(staff, (size_t)entity_field_index(staff, "organization_id"), header, sizeof header),
                      "Код ОО");
  assert_string_equal(template_header(staff, (size_t)entity_field_index(staff, "hire_date"), header, sizeof header),
                      "Дата приёма");
}

static void csv_template_round_trips(void **state) {
  fixture *f = *state;
  const entity_def *e = entity_find("organizations");
  char path[600], err[1024];
  snprintf(path, sizeof path, "%s/organizations.csv", f->dir);
  assert_int_equal(template_write(e, TEMPLATE_CSV, path, err, sizeof err), 0);
  char *data = support_read(path);
  assert_string_equal(data, "\xEF\xBB\xBFКод;Наименование;Вид;Муниципалитет\r\n");
  free(data);
  FILE *out = fopen(path, "ab");
  fputs("d5;МАДОУ «Детский сад № 5»;Дошкольная образовательная организация;emz\r\n", out);
  fclose(out);
  import_report r;
  import_options opt = {0};
  assert_int_equal(import_file(f->db, "organizations", path, &opt, &r, err, sizeof err), 0);
  assert_int_equal(r.inserted, 1);
  import_report_free(&r);
  char buf[64];
  assert_string_equal(support_text(f->db, "SELECT kind FROM organization WHERE id = 'd5'", buf, sizeof buf), "preschool");
  /* a failed write leaves nothing behind, not half a file */
  snprintf(path, sizeof path, "%s/no-such-folder/staff.xlsx", f->dir);
  assert_int_equal(template_write(entity_find("staff"), TEMPLATE_XLSX, path, err, sizeof err), -1);
  assert_non_null(strstr(err, "no-such-folder/staff.xlsx"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(every_entity_round_trips_in_a_workbook, support_store_setup, support_store_teardown),
      cmocka_unit_test(headers_are_the_importers_own),
      cmocka_unit_test_setup_teardown(csv_template_round_trips, support_store_setup, support_store_teardown),
  };
  return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
