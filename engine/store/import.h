/* import: loads one file of an entity (CSV, or a sheet of an Excel
 * workbook: rows.h) into the store, atomically.
 * Every row is validated first; references are checked against the store.
 * Without skip_invalid one bad row means nothing is written; with it the
 * valid rows are imported and the rejected ones written, with their reason,
 * to FILE.rejected.csv (FILE.rejected.xlsx for a workbook), so nothing is lost. A column of personal data
 * (152-ФЗ: names, contacts, identity documents; recognized by its header
 * or its values) refuses the whole file, or with drop_personal is left
 * out; workers are pseudonymous ids and nothing personal reaches extra. */
#ifndef PDMON_IMPORT_H
#define PDMON_IMPORT_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

typedef struct import_options {
  int dry_run;        /* validate only, write nothing */
  int skip_invalid;   /* import the valid rows, set the invalid ones aside */
  int drop_personal;  /* leave out columns of personal data instead of refusing the file */
  const char *snapshot; /* staff only: the file is the staff list of this ISO date (employment.h) */
  const char *sheet;    /* a workbook's sheet to read (default: the first) */
  const char *encoding; /* a CSV file's encoding, instead of detecting it (text.h names) */
  size_t keep_problems; /* keep the messages of this many rejected rows in the report, count the rest; 0: all */
  FILE *progress;       /* the terminal to draw a progress line on (progress.h), or NULL */
} import_options;

/* One rejected row: where it was and why, as "FILE:LINE: column: what is
 * wrong (value)". */
typedef struct import_problem {
  size_t line;
  char *message;      /* owned */
} import_problem;

typedef struct import_report {
  size_t rows;          /* data rows read */
  size_t inserted;      /* rows new to the store */
  size_t updated;       /* rows that replaced a row with the same id */
  size_t rejected;      /* invalid rows */
  import_problem *problems; /* one per rejected row (the first keep_problems of them), in file order; owned */
  size_t kept, capacity;    /* entries of problems (= rejected unless fewer were kept), and room for them */
  char rejected_path[4096]; /* where rejected rows went, "" when none were written */
  int written;          /* 1 when the store was changed */
  char warning[1024];   /* a problem that did not stop the import, "" when none */
  char dropped[1024];   /* headers of the personal data columns left out, "a, b", "" when none */
  size_t spans_opened;  /* staff: employment spans begun */
  size_t spans_closed;  /* staff: employment spans given an end (leavers, moves) */
} import_report;

/* Imports path as entity (organizations, staff, activities, communities or
 * documents). Returns 0 when the import (or dry run) went through, 1 when
 * rows were invalid and nothing was written, -1 when the file or the store
 * failed as a whole (message in err). The report is filled in every case
 * and must be released with import_report_free. */
int import_file(sqlite3 *db, const char *entity, const char *path, const import_options *opt,
                import_report *report, char *err, size_t errlen);

/* Records a rejected row as "PATH:LINE: message". Returns -1 when memory runs out. */
int import_report_add(import_report *report, const char *path, size_t line, const char *message);

void import_report_free(import_report *report);

#endif
