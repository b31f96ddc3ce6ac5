/* rows: the rows of a data file one at a time, whatever its format: a CSV
 * text (csv.h: any of the encodings text.h reads) or a sheet of an Excel
 * workbook (xlsx_reader.h), told apart by the file's first bytes. The
 * importers read every format through this one interface, row by row, and
 * set rejected rows aside through it in the file's own format
 * (FILE.rejected.csv or FILE.rejected.xlsx).
 *
 * Messages about a row are "WHERE:LINE: ...", where WHERE is the path of a
 * CSV file, or "PATH:SHEET" for a workbook, and LINE the line a CSV row
 * starts on, or the row number Excel shows. */
#ifndef PDMON_ROWS_H
#define PDMON_ROWS_H

#include <stddef.h>

typedef enum rows_format { ROWS_CSV, ROWS_XLSX } rows_format;

/* What a cell holds (from an XLSX cell; a CSV cell is always text). */
typedef enum rows_cell_kind {
  ROWS_TEXT,
  ROWS_NUMBER,  /* a number: "66.6" */
  ROWS_DATE,    /* a date cell: "2023-09-01" or "2023-09-01 09:30" */
  ROWS_ERROR    /* an Excel error value: "#N/A" */
} rows_cell_kind;

/* One row. Pointers stay valid until the next rows_next, rows_rewind or
 * rows_close (the header's until rows_close). */
typedef struct rows_row {
  size_t line;                /* where it starts: CSV line or sheet row number */
  size_t count;               /* cells */
  const char *const *cells;   /* UTF-8, "" when empty */
  const unsigned char *kinds; /* rows_cell_kind per cell, or NULL when all are text */
} rows_row;

typedef struct rows_options {
  const char *sheet;    /* XLSX: the sheet to read (default: the first) */
  const char *encoding; /* CSV: the encoding to read instead of detecting it (text.h names), or NULL */
} rows_options;

typedef struct rows_source rows_source;

/* Opens path and reads its header (the first row that is not blank).
 * Returns 0, or -1 with "WHERE[:LINE]: what is wrong" in err. opt may be NULL. */
int rows_open(const char *path, const rows_options *opt, rows_source **out, char *err, size_t errlen);

rows_format rows_format_of(const rows_source *s);

/* "PATH" for CSV, "PATH:SHEET" for a workbook: the prefix of messages. */
const char *rows_where(const rows_source *s);

/* The header row. */
const rows_row *rows_header(const rows_source *s);

/* The kind of cell i of row (ROWS_TEXT beyond its cells or for CSV). */
rows_cell_kind rows_kind(const rows_row *row, size_t i);

/* Cell i of row, or NULL when the row is shorter. */
const char *rows_cell(const rows_row *row, size_t i);

/* Reads the next data row (blank rows are skipped). Returns 1, 0 at the
 * end, -1 with "WHERE:LINE: what is wrong" in err. */
int rows_next(rows_source *s, rows_row *row, char *err, size_t errlen);

/* Goes back to the first data row. Returns 0 or -1 with err. */
int rows_rewind(rows_source *s, char *err, size_t errlen);

/* The delimiter of a CSV source (',' ';' or '\t'), ';' for a workbook. */
char rows_delimiter(const rows_source *s);

/* The name of the encoding a CSV source was read in ("UTF-8",
 * "Windows-1251", ...), or "XLSX". */
const char *rows_encoding_name(const rows_source *s);

/* How far the reading of a CSV file has come: bytes read and the file's
 * size. Returns 1, or 0 for a workbook (whose rows come out of a
 * compressed archive: no honest share of it is known). */
int rows_progress(const rows_source *s, unsigned long long *done, unsigned long long *total);

void rows_close(rows_source *s);

struct csv_table;

/* Reads path whole into a table, for the importers that need every row at
 * once (the roadmap): a CSV file as csv_read_file_as reads it, a workbook's
 * sheet with each row at its sheet row number (row_line), its cells as
 * rows_next gives them (dates as ISO dates). where gets the prefix of the
 * messages about its rows (rows_where: "PATH" or "PATH:SHEET"). Returns 0,
 * or -1 with err; the table is released with csv_free. */
int rows_read_table(const char *path, const rows_options *opt, struct csv_table *out, char *where, size_t wherelen,
                    char *err, size_t errlen);

/* ---- rejected rows, set aside in the source's format ---- */

typedef struct rows_rejected rows_rejected;

/* The path rejected rows of path go to: PATH.rejected.csv or PATH.rejected.xlsx. */
void rows_rejected_path(const char *path, rows_format format, char *out, size_t outlen);

/* Starts a file of rejected rows at final_path, written as it goes (under a
 * temporary name until rows_rejected_finish keeps it): the source's header
 * with two more columns, the row's line and the reason. Returns 0 or -1 with err. */
int rows_rejected_open(const rows_source *s, const char *final_path, rows_rejected **out, char *err, size_t errlen);

/* Adds a rejected row as it was (cells of the same kinds), its line and the reason. */
int rows_rejected_add(rows_rejected *w, const rows_row *row, const char *reason, char *err, size_t errlen);

/* Finishes: with keep, the file takes its final name; without, it is
 * removed. Frees w. Returns 0 or -1 with err. */
int rows_rejected_finish(rows_rejected *w, int keep, char *err, size_t errlen);

#endif
