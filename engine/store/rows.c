/* rows.c: the rows of a CSV file or of a workbook's sheet, one at a time, and rejected rows set
 * aside in the same format. The promises are in rows.h. */
#include "rows.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "csv.h"
#include "files.h"
#include "i18n.h"
#include "xlsx_reader.h"

struct rows_source {
  rows_format format;
  char *path;
  char *where;
  /* CSV: read a part of the file at a time */
  csv_stream *csv;
  /* XLSX */
  xlsx_reader *xlsx;
  /* the header, copied so it outlives the rows */
  rows_row header;
  char **header_cells;
  unsigned char *header_kinds;
};

/* 1 when the file at path starts like a ZIP archive. */
static int file_is_zip(const char *path) {
  /* non-blocking and regular files only: a FIFO or a device goes on to the
   * CSV reader, which refuses it by name (files.h) instead of waiting */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat st;
  char magic[4];
  ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, magic, sizeof magic) : -1;
  close(fd);
  return n > 0 && xlsx_looks_like(magic, (size_t)n);
}

/* Copies row into the source's header. */
static int keep_header(rows_source *s, const rows_row *row) {
  s->header_cells = calloc(row->count + 1, sizeof *s->header_cells);
  s->header_kinds = calloc(row->count + 1, 1);
  if (!s->header_cells || !s->header_kinds) return -1;
  for (size_t i = 0; i < row->count; i++) {
    if (!(s->header_cells[i] = strdup(row->cells[i]))) return -1;
    s->header_kinds[i] = row->kinds ? row->kinds[i] : ROWS_TEXT;
  }
  s->header.line = row->line;
  s->header.count = row->count;
  s->header.cells = (const char *const *)s->header_cells;
  s->header.kinds = s->header_kinds;
  return 0;
}

/* The next row of the sheet as a rows_row. */
static int xlsx_next(rows_source *s, rows_row *row, char *err, size_t errlen) {
  xlsx_row x;
  int rc = xlsx_next_row(s->xlsx, &x, err, errlen);
  memset(row, 0, sizeof *row);
  if (rc != 1) return rc;
  row->line = x.number;
  row->count = x.count;
  row->cells = x.cells;
  row->kinds = x.kinds;
  return 1;
}

static int open_xlsx(rows_source *s, const rows_options *opt, char *err, size_t errlen) {
  if (opt && opt->encoding) {
    snprintf(err, errlen, _("%s: --encoding is for CSV files; a workbook is always Unicode"), s->path);
    return -1;
  }
  if (xlsx_open(s->path, opt ? opt->sheet : NULL, &s->xlsx, err, errlen) != 0) return -1;
  size_t n = strlen(s->path) + strlen(xlsx_sheet(s->xlsx)) + 2;
  if (!(s->where = malloc(n))) goto nomem;
  snprintf(s->where, n, "%s:%s", s->path, xlsx_sheet(s->xlsx));
  rows_row first;
  int rc = xlsx_next(s, &first, err, errlen);
  if (rc < 0) return -1;
  if (rc == 0) {
    snprintf(err, errlen, _("%s: empty sheet: expected a header row naming the columns"), s->where);
    return -1;
  }
  if (keep_header(s, &first) != 0) goto nomem;
  return 0;
nomem:
  snprintf(err, errlen, "%s: %s", s->path, _("out of memory"));
  return -1;
}

/* The next row of the CSV file as a rows_row. */
static int csv_next(rows_source *s, rows_row *row, char *err, size_t errlen) {
  csv_record r;
  int rc = csv_stream_next(s->csv, &r, err, errlen);
  memset(row, 0, sizeof *row);
  if (rc != 1) return rc;
  row->line = r.line;
  row->count = r.count;
  row->cells = (const char *const *)r.fields;
  return 1;
}

static int open_csv(rows_source *s, const rows_options *opt, char *err, size_t errlen) {
  if (opt && opt->sheet) {
    snprintf(err, errlen, _("%s: --sheet is for Excel workbooks; this file is CSV text"), s->path);
    return -1;
  }
  if (csv_stream_open(s->path, opt ? opt->encoding : NULL, 0, &s->csv, err, errlen) != 0) return -1;
  if (!(s->where = strdup(s->path))) {
    snprintf(err, errlen, "%s: %s", s->path, _("out of memory"));
    return -1;
  }
  rows_row header;
  int rc = csv_next(s, &header, err, errlen);
  if (rc < 0) return -1;
  if (rc == 0) {
    snprintf(err, errlen, "%s:%s", s->path, _("1: empty file: expected a header line naming the columns"));
    return -1;
  }
  if (keep_header(s, &header) != 0) {
    snprintf(err, errlen, "%s: %s", s->path, _("out of memory"));
    return -1;
  }
  return 0;
}

int rows_open(const char *path, const rows_options *opt, rows_source **out, char *err, size_t errlen) {
  *out = NULL;
  rows_source *s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(path))) {
    free(s);
    snprintf(err, errlen, "%s: %s", path, _("out of memory"));
    return -1;
  }
  s->format = file_is_zip(path) ? ROWS_XLSX : ROWS_CSV;
  int rc = s->format == ROWS_XLSX ? open_xlsx(s, opt, err, errlen) : open_csv(s, opt, err, errlen);
  if (rc != 0) {
    rows_close(s);
    return -1;
  }
  *out = s;
  return 0;
}

rows_format rows_format_of(const rows_source *s) { return s->format; }
const char *rows_where(const rows_source *s) { return s->where; }
const rows_row *rows_header(const rows_source *s) { return &s->header; }

rows_cell_kind rows_kind(const rows_row *row, size_t i) {
  return row->kinds && i < row->count ? (rows_cell_kind)row->kinds[i] : ROWS_TEXT;
}

const char *rows_cell(const rows_row *row, size_t i) { return i < row->count ? row->cells[i] : NULL; }

int rows_next(rows_source *s, rows_row *row, char *err, size_t errlen) {
  return s->format == ROWS_XLSX ? xlsx_next(s, row, err, errlen) : csv_next(s, row, err, errlen);
}

int rows_rewind(rows_source *s, char *err, size_t errlen) {
  rows_row header;
  if (s->format == ROWS_CSV)
    return csv_stream_rewind(s->csv, err, errlen) == 0 && csv_next(s, &header, err, errlen) == 1 ? 0 : -1;
  if (xlsx_rewind(s->xlsx, err, errlen) != 0) return -1;
  return xlsx_next(s, &header, err, errlen) == 1 ? 0 : -1; /* the header again */
}

char rows_delimiter(const rows_source *s) { return s->format == ROWS_CSV ? csv_stream_delimiter(s->csv) : ';'; }

const char *rows_encoding_name(const rows_source *s) {
  return s->format == ROWS_CSV ? text_encoding_name(csv_stream_encoding(s->csv)) : "XLSX";
}

int rows_progress(const rows_source *s, unsigned long long *done, unsigned long long *total) {
  *done = *total = 0;
  if (s->format != ROWS_CSV) return 0;
  csv_stream_progress(s->csv, done, total);
  return 1;
}

void rows_close(rows_source *s) {
  if (!s) return;
  csv_stream_close(s->csv);
  xlsx_close(s->xlsx);
  for (size_t i = 0; s->header_cells && i < s->header.count; i++) free(s->header_cells[i]);
  free(s->header_cells);
  free(s->header_kinds);
  free(s->where);
  free(s->path);
  free(s);
}

/* ---- rejected rows ---- */

struct rows_rejected {
  rows_format format;
  char *final_path, *part_path;
  char delimiter;
  size_t columns;
  /* CSV */
  FILE *csv;
  /* XLSX */
  lxw_workbook *book;
  lxw_worksheet *sheet;
  lxw_format *bold, *date, *datetime;
  lxw_row_t next_row;
};

void rows_rejected_path(const char *path, rows_format format, char *out, size_t outlen) {
  snprintf(out, outlen, "%s.rejected.%s", path, format == ROWS_XLSX ? "xlsx" : "csv");
}

/* Reads "YYYY-MM-DD[ HH:MM[:SS]]" into an Excel date-time. */
static int parse_iso(const char *s, lxw_datetime *dt) {
  int y, m, d, hh = 0, mm = 0, n = 0;
  double ss = 0;
  memset(dt, 0, sizeof *dt);
  if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3) return -1;
  if (s[n] == ' ' && sscanf(s + n, " %2d:%2d:%lf", &hh, &mm, &ss) < 2) return -1;
  dt->year = y, dt->month = m, dt->day = d, dt->hour = hh, dt->min = mm, dt->sec = ss;
  return 0;
}

/* Writes one cell of a rejected row in its kind. */
static lxw_error write_xlsx_cell(rows_rejected *w, lxw_col_t col, const char *value, rows_cell_kind kind) {
  lxw_datetime dt;
  if (!*value) return LXW_NO_ERROR;
  if (kind == ROWS_NUMBER) return worksheet_write_number(w->sheet, w->next_row, col, strtod(value, NULL), NULL);
  if (kind == ROWS_DATE && parse_iso(value, &dt) == 0)
    return worksheet_write_datetime(w->sheet, w->next_row, col, &dt, strlen(value) > 10 ? w->datetime : w->date);
  return worksheet_write_string(w->sheet, w->next_row, col, value, NULL);
}

static int open_rejected_xlsx(rows_rejected *w, const rows_source *s, char *err, size_t errlen) {
  lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
  w->book = workbook_new_opt(w->part_path, &options);
  if (!w->book) {
    snprintf(err, errlen, _("%s: cannot write rejected rows"), w->final_path);
    return -1;
  }
  w->sheet = workbook_add_worksheet(w->book, xlsx_sheet(s->xlsx));
  if (!w->sheet) w->sheet = workbook_add_worksheet(w->book, NULL);
  w->bold = workbook_add_format(w->book);
  format_set_bold(w->bold);
  w->date = workbook_add_format(w->book);
  format_set_num_format(w->date, "dd.mm.yyyy");
  w->datetime = workbook_add_format(w->book);
  format_set_num_format(w->datetime, "dd.mm.yyyy hh:mm");
  const rows_row *h = &s->header;
  for (size_t c = 0; c < h->count; c++)
    worksheet_write_string(w->sheet, 0, (lxw_col_t)c, h->cells[c], w->bold);
  worksheet_write_string(w->sheet, 0, (lxw_col_t)h->count, "Строка", w->bold);
  worksheet_write_string(w->sheet, 0, (lxw_col_t)h->count + 1, "Ошибка", w->bold);
  worksheet_set_column(w->sheet, 0, (lxw_col_t)(h->count ? h->count - 1 : 0), 18, NULL);
  worksheet_set_column(w->sheet, (lxw_col_t)h->count + 1, (lxw_col_t)h->count + 1, 80, NULL);
  worksheet_freeze_panes(w->sheet, 1, 0);
  w->next_row = 1;
  return 0;
}

int rows_rejected_open(const rows_source *s, const char *final_path, rows_rejected **out, char *err, size_t errlen) {
  *out = NULL;
  rows_rejected *w = calloc(1, sizeof *w);
  size_t n = strlen(final_path) + 6;
  if (!w || !(w->final_path = strdup(final_path)) || !(w->part_path = malloc(n))) {
    if (w) free(w->final_path);
    free(w);
    snprintf(err, errlen, "%s: %s", final_path, _("out of memory"));
    return -1;
  }
  snprintf(w->part_path, n, "%s.part", final_path);
  struct stat st;
  char inner[1200];
  /* never written through a symbolic link planted at either name (files.h) */
  if (lstat(final_path, &st) == 0 && S_ISLNK(st.st_mode)) {
    snprintf(err, errlen, _("%s: is a symbolic link; pdmon does not write through one"), final_path);
    free(w->final_path);
    free(w->part_path);
    free(w);
    return -1;
  }
  w->format = s->format;
  w->delimiter = rows_delimiter(s);
  w->columns = s->header.count;
  int rc;
  w->csv = files_create(w->part_path, 0, inner, sizeof inner);
  if (!w->csv) {
    snprintf(err, errlen, _("%s (the rejected rows were not written)"), inner);
    rc = -1;
  } else if (w->format == ROWS_XLSX) {
    fclose(w->csv); /* the workbook writes the part itself, now known to be no link */
    w->csv = NULL;
    rc = open_rejected_xlsx(w, s, err, errlen);
    if (rc != 0) remove(w->part_path);
  } else {
    rc = 0;
    fputs("\xEF\xBB\xBF", w->csv); /* Excel shows Cyrillic only with the mark */
    for (size_t c = 0; c < s->header.count; c++) {
      csv_write_field(w->csv, s->header.cells[c], w->delimiter);
      fputc(w->delimiter, w->csv);
    }
    fprintf(w->csv, "line%cerror\r\n", w->delimiter);
  }
  if (rc != 0) {
    free(w->final_path);
    free(w->part_path);
    free(w);
    return -1;
  }
  *out = w;
  return 0;
}

int rows_rejected_add(rows_rejected *w, const rows_row *row, const char *reason, char *err, size_t errlen) {
  if (w->format == ROWS_CSV) {
    for (size_t c = 0; c < row->count; c++) {
      csv_write_field(w->csv, row->cells[c], w->delimiter);
      fputc(w->delimiter, w->csv);
    }
    fprintf(w->csv, "%zu%c", row->line, w->delimiter);
    csv_write_field(w->csv, reason, w->delimiter);
    fputs("\r\n", w->csv);
    if (ferror(w->csv)) {
      snprintf(err, errlen, _("%s: cannot write rejected rows: %s"), w->final_path, strerror(errno));
      return -1;
    }
    return 0;
  }
  lxw_error e = LXW_NO_ERROR;
  /* a rejected row keeps the header's columns, so the line and reason stay under their headings */
  size_t width = row->count > w->columns ? row->count : w->columns;
  for (size_t c = 0; c < row->count && !e; c++) e = write_xlsx_cell(w, (lxw_col_t)c, row->cells[c], rows_kind(row, c));
  if (!e) e = worksheet_write_number(w->sheet, w->next_row, (lxw_col_t)width, (double)row->line, NULL);
  if (!e) e = worksheet_write_string(w->sheet, w->next_row, (lxw_col_t)width + 1, reason, NULL);
  if (e) {
    snprintf(err, errlen, _("%s: cannot write rejected rows: %s"), w->final_path, lxw_strerror(e));
    return -1;
  }
  w->next_row++;
  return 0;
}

int rows_rejected_finish(rows_rejected *w, int keep, char *err, size_t errlen) {
  int rc = 0;
  char inner[1200];
  if (w->format == ROWS_CSV) {
    if (files_close(w->csv, w->final_path, inner, sizeof inner) != 0) {
      rc = -1;
      if (keep) snprintf(err, errlen, _("%s (the rejected rows)"), inner);
    }
  } else if (workbook_close(w->book) != LXW_NO_ERROR) {
    rc = -1;
    if (keep) snprintf(err, errlen, _("%s: cannot write rejected rows: %s"), w->final_path, strerror(errno));
  }
  if (rc == 0 && keep && rename(w->part_path, w->final_path) != 0) {
    snprintf(err, errlen, _("%s: cannot write rejected rows: %s"), w->final_path, strerror(errno));
    rc = -1;
  }
  if (!keep || rc != 0) remove(w->part_path);
  free(w->final_path);
  free(w->part_path);
  free(w);
  return keep ? rc : 0;
}

/* Counts the line ends a CSV field holds (LF, CRLF and a lone CR, as csv.c counts them). */
static size_t line_ends(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (*s == '\n' || (*s == '\r' && s[1] != '\n')) n++;
  return n;
}

/* Writes row as a CSV line after blank lines up to its line; *line is the
 * line the next row would start on. */
static void write_table_row(FILE *out, const rows_row *row, size_t *line) {
  for (; *line < row->line; (*line)++) fputs("\n", out);
  for (size_t c = 0; c < row->count; c++) {
    if (c) fputc(';', out);
    csv_write_field(out, row->cells[c], ';');
    *line += line_ends(row->cells[c]);
  }
  fputs("\n", out);
  (*line)++;
}

int rows_read_table(const char *path, const rows_options *opt, csv_table *out, char *where, size_t wherelen,
                    char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  snprintf(where, wherelen, "%s", path);
  if (!file_is_zip(path)) {
    if (opt && opt->sheet) {
      snprintf(err, errlen, _("%s: --sheet is for Excel workbooks; this file is CSV text"), path);
      return -1;
    }
    return csv_read_file_as(path, opt ? opt->encoding : NULL, out, err, errlen);
  }
  rows_source *s;
  if (rows_open(path, opt, &s, err, errlen) != 0) return -1;
  char *text = NULL;
  size_t len = 0, line = 1;
  FILE *mem = open_memstream(&text, &len);
  if (!mem) {
    rows_close(s);
    snprintf(err, errlen, "%s: %s", path, _("out of memory"));
    return -1;
  }
  write_table_row(mem, rows_header(s), &line);
  rows_row row;
  int rc;
  while ((rc = rows_next(s, &row, err, errlen)) == 1) write_table_row(mem, &row, &line);
  snprintf(where, wherelen, "%s", rows_where(s));
  rows_close(s);
  if (fclose(mem) != 0 || !text) rc = -1, snprintf(err, errlen, "%s: %s", path, _("out of memory"));
  if (rc == 0) {
    char inner[512];
    if (csv_parse(text, len, out, inner, sizeof inner) != 0) {
      snprintf(err, errlen, "%s:%s", where, inner);
      rc = -1;
    }
  }
  free(text);
  return rc < 0 ? -1 : 0;
}
