/* Benchmark: importing Excel workbooks against the baseline of importing
 * the same data as CSV, in the same run. Each CSV file of a synth folder
 * (organizations, staff, activities) is typed into a workbook as Excel
 * keeps it (numbers as numbers, ISO dates as date cells), both are imported
 * into fresh stores, and the ratio of the times is printed with the rows
 * per second; the two stores must hold the same rows (agreement).
 * Usage: bench_import SYNTH_DIR   (pdmon synth --scale municipality --out SYNTH_DIR) */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "csv.h"
#include "import.h"
#include "store.h"
#include "support.h"

static double seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 when s is an ISO date (2023-09-01), filling d. */
static int iso_date(const char *s, lxw_datetime *d) {
  int y, m, day;
  char tail;
  if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3) return 0;
  *d = (lxw_datetime){y, m, day, 0, 0, 0};
  return 1;
}

/* 1 when s is a number Excel would keep as one (no leading zero, no sign games). */
static int plain_number(const char *s) {
  if (!*s || (s[0] == '0' && s[1] && s[1] != '.')) return 0;
  char *end;
  strtod(s, &end);
  return *end == '\0' && (isdigit((unsigned char)s[0]) || s[0] == '-');
}

/* Writes the CSV file at csv_path as a workbook at xlsx_path. Returns its data rows. */
static size_t to_workbook(const char *csv_path, const char *xlsx_path) {
  csv_table t;
  char err[1024];
  if (csv_read_file(csv_path, &t, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    exit(1);
  }
  lxw_workbook *book = workbook_new(xlsx_path);
  lxw_worksheet *ws = workbook_add_worksheet(book, "Лист1");
  lxw_format *date = workbook_add_format(book);
  format_set_num_format(date, "dd.mm.yyyy");
  for (size_t r = 0; r < t.nrows; r++)
    for (size_t c = 0; c < t.row_count[r]; c++) {
      const char *v = csv_field(&t, r, c);
      lxw_datetime d;
      if (!*v) continue;
      if (r && iso_date(v, &d)) worksheet_write_datetime(ws, (lxw_row_t)r, (lxw_col_t)c, &d, date);
      else if (r && plain_number(v)) worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, strtod(v, NULL), NULL);
      else worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, v, NULL);
    }
  size_t rows = t.nrows - 1;
  csv_free(&t);
  if (workbook_close(book) != LXW_NO_ERROR) {
    fprintf(stderr, "%s: cannot write\n", xlsx_path);
    exit(1);
  }
  return rows;
}

/* A hash of every row of table, in id order: the agreement check. */
static unsigned long long table_hash(sqlite3 *db, const char *table) {
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", table);
  sqlite3_stmt *st;
  unsigned long long h = 1469598103934665603ull;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return 0;
  while (sqlite3_step(st) == SQLITE_ROW)
    for (int c = 0; c < sqlite3_column_count(st); c++) {
      const unsigned char *v = sqlite3_column_text(st, c);
      for (const unsigned char *p = v ? v : (const unsigned char *)"\1"; *p; p++) h = (h ^ *p) * 1099511628211ull;
      h = (h ^ 0x1f) * 1099511628211ull;
    }
  sqlite3_finalize(st);
  return h;
}

/* Imports path as entity into db; adds its wall and CPU seconds. */
static void timed_import(sqlite3 *db, const char *entity, const char *path, double *wall, double *cpu) {
  import_report r;
  import_options opt = {0};
  char err[2048];
  double w = seconds(CLOCK_MONOTONIC), c = seconds(CLOCK_PROCESS_CPUTIME_ID);
  int rc = import_file(db, entity, path, &opt, &r, err, sizeof err);
  *wall += seconds(CLOCK_MONOTONIC) - w;
  *cpu += seconds(CLOCK_PROCESS_CPUTIME_ID) - c;
  if (rc != 0) {
    fprintf(stderr, "%s: %s %s\n", path, err, r.rejected ? r.problems[0].message : "");
    exit(1);
  }
  import_report_free(&r);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_import SYNTH_DIR\n");
    return 2;
  }
  static const char *const entities[][2] = {{"organizations", "organization"}, {"staff", "staff"}, {"activities", "activity"}};
  char *dir = support_tempdir(), path[1200], err[1024];
  sqlite3 *db[2];
  for (int k = 0; k < 2; k++) {
    snprintf(path, sizeof path, "%s/%s.db", dir, k ? "xlsx" : "csv");
    if (store_open(path, 1, &db[k], err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; }
  }
  printf("%-14s %8s %10s %10s %8s %12s %12s %s\n", "entity", "rows", "csv cpu s", "xlsx cpu s", "ratio", "csv rows/s",
         "xlsx rows/s", "agree");
  int disagree = 0;
  for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++) {
    char csv_path[1200], xlsx_path[1200];
    snprintf(csv_path, sizeof csv_path, "%s/%s.csv", argv[1], entities[e][0]);
    snprintf(xlsx_path, sizeof xlsx_path, "%s/%s.xlsx", dir, entities[e][0]);
    size_t rows = to_workbook(csv_path, xlsx_path);
    double wall[2] = {0, 0}, cpu[2] = {0, 0};
    timed_import(db[0], entities[e][0], csv_path, &wall[0], &cpu[0]);
    timed_import(db[1], entities[e][0], xlsx_path, &wall[1], &cpu[1]);
    int agree = table_hash(db[0], entities[e][1]) == table_hash(db[1], entities[e][1]);
    disagree |= !agree;
    printf("%-14s %8zu %10.3f %10.3f %8.2f %12.0f %12.0f %s\n", entities[e][0], rows, cpu[0], cpu[1],
           cpu[0] > 0 ? cpu[1] / cpu[0] : 0, cpu[0] > 0 ? rows / cpu[0] : 0, cpu[1] > 0 ? rows / cpu[1] : 0,
           agree ? "yes" : "NO");
  }
  int spans = table_hash(db[0], "employment") == table_hash(db[1], "employment");
  printf("employment spans agree: %s\n", spans ? "yes" : "NO");
  sqlite3_close(db[0]);
  sqlite3_close(db[1]);
  if (!getenv("BENCH_KEEP")) support_remove_tree(dir); /* frees dir */
  return disagree || !spans;
}
