/* End to end: the files offices have, through the command line: a workbook
 * of several sheets (--sheet, errors as FILE.xlsx:SHEET:ROW, the rejected
 * rows in FILE.rejected.xlsx), CSV in UTF-16 with a mark and in the DOS
 * code page (--encoding), and the templates to fill in (pdmon template). Arguments: the pdmon binary and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;

typedef support_outcome outcome;

static outcome run(const char *dir, const char *args) { return support_pdmon(pdmon_bin, source_dir, dir, args); }

/* Runs pdmon args in dir, expects status, and returns what it printed (caller frees). */
static outcome expect(const char *dir, const char *args, int status) {
  outcome o = run(dir, args);
  if (o.status != status) print_error("pdmon %s -> %d\nstdout: %s\nstderr: %s\n", args, o.status, o.out, o.err);
  assert_int_equal(o.status, status);
  return o;
}

static int setup(void **state) {
  char *dir = support_tempdir();
  *state = dir;
  support_expect(pdmon_bin, source_dir, dir, "init --municipality demo", 0, NULL);
  support_expect(pdmon_bin, source_dir, dir, "import organizations examples/quickstart/organizations.csv", 0, NULL);
  return 0;
}

static int teardown(void **state) {
  support_remove_tree(*state);
  return 0;
}

/* A workbook as an office keeps it: a summary sheet first, the staff on
 * «Кадры», a birth date as an Excel date, one row with a year that is not. */
static void write_workbook(const char *path) {
  lxw_workbook *book = workbook_new(path);
  lxw_worksheet *summary = workbook_add_worksheet(book, "Сводка");
  worksheet_write_string(summary, 0, 0, "Всего работников", NULL);
  worksheet_write_number(summary, 0, 1, 2, NULL);
  lxw_worksheet *ws = workbook_add_worksheet(book, "Кадры");
  lxw_format *date = workbook_add_format(book);
  format_set_num_format(date, "dd.mm.yyyy");
  const char *headers[] = {"Код", "Код ОО", "Должность", "Дата рождения", "Год начала педагогической деятельности"};
  for (lxw_col_t c = 0; c < 5; c++) worksheet_write_string(ws, 0, c, headers[c], NULL);
  lxw_datetime born = {1984, 5, 17, 0, 0, 0};
  worksheet_write_string(ws, 1, 0, "w1", NULL);
  worksheet_write_string(ws, 1, 1, "sch1", NULL);
  worksheet_write_string(ws, 1, 2, "Учитель физики", NULL);
  worksheet_write_datetime(ws, 1, 3, &born, date);
  worksheet_write_number(ws, 1, 4, 2007, NULL);
  worksheet_write_string(ws, 2, 0, "w2", NULL);
  worksheet_write_string(ws, 2, 1, "sch1", NULL);
  worksheet_write_string(ws, 2, 2, "Воспитатель", NULL);
  worksheet_write_string(ws, 2, 3, "198O", NULL);
  worksheet_write_number(ws, 2, 4, 2010, NULL);
  assert_int_equal(workbook_close(book), LXW_NO_ERROR);
}

static void workbook_sheets_errors_and_rejected_rows(void **state) {
  const char *dir = *state;
  char path[1200], args[1400], want[1400];
  snprintf(path, sizeof path, "%s/kadry.xlsx", dir);
  write_workbook(path);
  /* the first sheet is not the staff: its header is named, with the sheet */
  snprintf(args, sizeof args, "import staff '%s'", path);
  outcome o = expect(dir, args, 1);
  snprintf(want, sizeof want, "%s:Сводка:1: missing required column 'id'", path);
  assert_non_null(strstr(o.err, want));
  support_outcome_free(&o);
  snprintf(args, sizeof args, "import staff '%s' --sheet Штат", path);
  o = expect(dir, args, 1);
  assert_non_null(strstr(o.err, "no sheet called «Штат»; the workbook has «Сводка», «Кадры»"));
  support_outcome_free(&o);
  /* the right sheet: the bad row named by sheet and row, nothing written */
  snprintf(args, sizeof args, "import staff '%s' --sheet=Кадры", path);
  o = expect(dir, args, 1);
  snprintf(want, sizeof want, "%s:Кадры:3: Дата рождения: not a year between 1900 and 2100 (198O)", path);
  assert_non_null(strstr(o.err, want));
  support_outcome_free(&o);
  snprintf(args, sizeof args, "import staff '%s' --sheet Кадры --skip-invalid", path);
  o = expect(dir, args, 0);
  assert_non_null(strstr(o.out, "1 new, 0 updated, 1 rejected"));
  snprintf(want, sizeof want, "%s.rejected.xlsx", path);
  assert_non_null(strstr(o.out, want));
  support_outcome_free(&o);
  struct stat st;
  assert_int_equal(stat(want, &st), 0);
  /* a workbook takes no encoding; a CSV file takes no sheet */
  snprintf(args, sizeof args, "import staff '%s' --encoding cp866", path);
  o = expect(dir, args, 1);
  assert_non_null(strstr(o.err, "--encoding is for CSV files"));
  support_outcome_free(&o);
  o = expect(dir, "import staff examples/quickstart/staff.csv --sheet Кадры", 1);
  assert_non_null(strstr(o.err, "--sheet is for Excel workbooks"));
  support_outcome_free(&o);
}

/* Writes text (UTF-8) to dir/name converted by iconv's code page; returns the path. */
static char *write_converted(const char *dir, const char *name, const char *text, const char *page, int bom) {
  char cmd[2400], *utf8 = support_write_text(dir, "utf8.tmp", text);
  snprintf(cmd, sizeof cmd, "{ %s iconv -f UTF-8 -t %s '%s'; } > '%s/%s'", bom ? "printf '\\377\\376';" : "", page,
           utf8, dir, name);
  assert_int_equal(system(cmd), 0);
  free(utf8);
  char *path = malloc(strlen(dir) + strlen(name) + 2);
  sprintf(path, "%s/%s", dir, name);
  return path;
}

static void other_encodings(void **state) {
  const char *dir = *state;
  const char *staff = "Код;Код ОО;Должность;Год рождения;Год начала педагогической деятельности\n"
                      "d1;sch1;Учитель-логопед;1979;2001\n";
  char *dos = write_converted(dir, "dos.csv", staff, "CP866", 0);
  char args[1400];
  snprintf(args, sizeof args, "import staff '%s' --encoding cp866 --dry-run", dos);
  outcome o = expect(dir, args, 0);
  assert_non_null(strstr(o.out, "1 rows: 1 new"));
  support_outcome_free(&o);
  /* the wrong code page named by hand gives other letters, and the headers are not found */
  snprintf(args, sizeof args, "import staff '%s' --encoding koi8-r", dos);
  o = expect(dir, args, 1);
  assert_non_null(strstr(o.err, "missing required column"));
  support_outcome_free(&o);
  snprintf(args, sizeof args, "import staff '%s' --encoding latin1", dos);
  o = expect(dir, args, 1);
  assert_non_null(strstr(o.err, "unknown encoding 'latin1'; expected one of utf-8, utf-16le"));
  support_outcome_free(&o);
  /* Excel's "Unicode text": UTF-16LE with its mark, tab between fields */
  char *unicode = write_converted(dir, "unicode.txt",
                                  "Код\tКод ОО\tДолжность\tГод рождения\tГод начала педагогической деятельности\r\n"
                                  "u1\tsch1\tСтарший воспитатель\t1971\t1993\r\n",
                                  "UTF-16LE", 1);
  snprintf(args, sizeof args, "import staff '%s'", unicode);
  o = expect(dir, args, 0);
  assert_non_null(strstr(o.out, "1 rows: 1 new"));
  support_outcome_free(&o);
  free(dos);
  free(unicode);
}

/* A roadmap kept in Excel: the quickstart's measures.csv typed into a
 * sheet, its numbers as numbers, an empty row left between stages. */
static void roadmap_from_a_workbook(void **state) {
  const char *dir = *state;
  char path[1200], args[1400], csv_path[1200];
  snprintf(csv_path, sizeof csv_path, "%s/examples/quickstart/measures.csv", source_dir);
  char *text = support_read(csv_path);
  assert_non_null(text);
  snprintf(path, sizeof path, "%s/roadmap.xlsx", dir);
  lxw_workbook *book = workbook_new(path);
  lxw_worksheet *ws = workbook_add_worksheet(book, "Дорожная карта");
  lxw_row_t r = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), r++) {
    if (r == 3) r++; /* an empty row before the second stage */
    lxw_col_t c = 0;
    for (char *p = line;; c++) {
      char *semi = strchr(p, ';');
      if (semi) *semi = '\0';
      char *end;
      double number = strtod(p, &end);
      if (*p && !*end) worksheet_write_number(ws, r, c, number, NULL);
      else if (*p) worksheet_write_string(ws, r, c, p, NULL);
      if (!semi) break;
      p = semi + 1;
    }
  }
  assert_int_equal(workbook_close(book), LXW_NO_ERROR);
  free(text);
  outcome o = expect(dir, "init --municipality demo --pack examples/quickstart", 0);
  support_outcome_free(&o);
  o = expect(dir, "cycle open --period 2022", 0);
  support_outcome_free(&o);
  snprintf(args, sizeof args, "import measures '%s'", path);
  o = expect(dir, args, 0);
  assert_non_null(strstr(o.out, "3 rows: 3 new"));
  support_outcome_free(&o);
  o = expect(dir, "measure list --on 01.01.2023", 0);
  assert_non_null(strstr(o.out, "Анализ результатов диагностики"));
  support_outcome_free(&o);
  /* its errors name the sheet, as the importer's do */
  snprintf(path, sizeof path, "%s/no-titles.xlsx", dir);
  book = workbook_new(path);
  ws = workbook_add_worksheet(book, "План");
  worksheet_write_string(ws, 0, 0, "№ п/п", NULL);
  worksheet_write_string(ws, 0, 1, "Сроки исполнения", NULL);
  worksheet_write_number(ws, 1, 0, 1, NULL);
  worksheet_write_string(ws, 1, 1, "Сентябрь 2022", NULL);
  assert_int_equal(workbook_close(book), LXW_NO_ERROR);
  snprintf(args, sizeof args, "import measures '%s'", path);
  o = expect(dir, args, 1);
  char want[1300];
  snprintf(want, sizeof want, "%s:План:1: missing required column", path);
  if (!strstr(o.err, want)) print_error("%s\n", o.err);
  assert_non_null(strstr(o.err, want));
  support_outcome_free(&o);
}

/* pdmon template: the file, what it says, and its refusals. */
static void templates(void **state) {
  const char *dir = *state;
  char args[1400], want[1400];
  snprintf(args, sizeof args, "template staff -o '%s/kadry-template.xlsx'", dir);
  outcome o = expect(dir, args, 0);
  assert_non_null(strstr(o.out, "required columns: Код работника, Код ОО, Должность, Год рождения"));
  snprintf(want, sizeof want, "pdmon import staff %s/kadry-template.xlsx", dir);
  assert_non_null(strstr(o.out, want));
  support_outcome_free(&o);
  snprintf(args, sizeof args, "import staff '%s/kadry-template.xlsx'", dir);
  o = expect(dir, args, 0); /* unchanged, it imports: nothing below its headers */
  assert_non_null(strstr(o.err, "has no rows below its header"));
  support_outcome_free(&o);
  snprintf(args, sizeof args, "template events --format csv --output '%s/events.csv'", dir);
  o = expect(dir, args, 0);
  support_outcome_free(&o);
  snprintf(want, sizeof want, "%s/events.csv", dir);
  char *csv = support_read(want);
  assert_non_null(strstr(csv, "Код;Вид;Наименование;Уровень;"));
  free(csv);
  o = expect(dir, "template pupils", 2);
  assert_non_null(strstr(o.err, "unknown entity 'pupils'; expected one of organizations, staff"));
  support_outcome_free(&o);
  o = expect(dir, "template staff --format pdf", 2);
  assert_non_null(strstr(o.err, "--format: xlsx or csv (pdf)"));
  support_outcome_free(&o);
  o = expect(dir, "--help", 0);
  assert_non_null(strstr(o.out, "template"));
  support_outcome_free(&o);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(workbook_sheets_errors_and_rejected_rows, setup, teardown),
      cmocka_unit_test_setup_teardown(other_encodings, setup, teardown),
      cmocka_unit_test_setup_teardown(templates, setup, teardown),
      cmocka_unit_test_setup_teardown(roadmap_from_a_workbook, setup, teardown),
  };
  return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}
