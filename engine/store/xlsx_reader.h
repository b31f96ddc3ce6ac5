/* xlsx_reader: reads one sheet of an Excel workbook (.xlsx) row by row,
 * through libzip and expat, in bounded memory: the sheet is inflated in
 * chunks and parsed as it comes (one row held at a time); only the shared
 * strings and the cell formats are kept whole. Cells come out as UTF-8
 * text with their kind: numbers as numbers ("66.6", never "66,6" or an
 * exponent), dates (cells whose number format is a date, in the 1900 or
 * the 1904 date system) as ISO "2023-09-01" (with " HH:MM" when the cell
 * has a time of day), errors (#N/A) marked as errors.
 *
 * A hostile workbook is refused with a message, never followed: every
 * part has a cap on its inflated size and on its inflation ratio (zip
 * bombs), the shared strings on their number and bytes, XML on its depth;
 * a document type declaration (the way to entity expansion) is refused
 * outright and expat never loads external entities; rows and columns stay
 * within Excel's own 1 048 576 x 16 384. */
#ifndef PDMON_XLSX_READER_H
#define PDMON_XLSX_READER_H

#include <stddef.h>

/* The caps (see docs/import.md). */
#define XLSX_MAX_ENTRIES 10000                         /* files in the archive */
#define XLSX_MAX_PART_BYTES (16u << 20)                /* inflated workbook, relationships, styles */
#define XLSX_MAX_SHEET_BYTES ((size_t)2 << 30)         /* inflated sheet (streamed) */
#define XLSX_MAX_SHARED_PART_BYTES ((size_t)256 << 20) /* inflated shared-strings part (streamed) */
#define XLSX_MAX_SHARED_BYTES ((size_t)64 << 20)       /* text of the shared strings kept */
#define XLSX_MAX_SHARED_COUNT (1u << 22)               /* shared strings */
#define XLSX_MAX_RATIO 100                             /* inflated / compressed bytes of a part... */
#define XLSX_RATIO_FREE_BYTES (8u << 20)               /* ...once it has inflated past this */
#define XLSX_MAX_DEPTH 64                              /* nesting of XML elements */
#define XLSX_MAX_ROWS 1048576                          /* Excel's own limits */
#define XLSX_MAX_COLUMNS 16384
#define XLSX_MAX_CELL_BYTES (32767 * 4)                /* Excel's 32 767 characters, in UTF-8 */
#define XLSX_MAX_ROW_BYTES (16u << 20)
#define XLSX_MAX_STYLES 65536

/* What a cell holds. */
typedef enum xlsx_cell_kind {
  XLSX_TEXT,    /* a string, a boolean (ИСТИНА/ЛОЖЬ) or an empty cell */
  XLSX_NUMBER,  /* a number not formatted as a date */
  XLSX_DATE,    /* a date (and time) */
  XLSX_ERROR    /* an Excel error value: #N/A, #DIV/0!, ... */
} xlsx_cell_kind;

/* One row: cells from column A on, empty cells as "" (XLSX_TEXT). The
 * pointers stay valid until the next xlsx_next_row or xlsx_close. */
typedef struct xlsx_row {
  size_t number;              /* the row's number in the sheet (1-based), as Excel shows it */
  size_t count;               /* cells up to the last one that is not empty */
  const char *const *cells;
  const unsigned char *kinds; /* xlsx_cell_kind per cell */
} xlsx_row;

typedef struct xlsx_reader xlsx_reader;

/* The caps that cost memory or time to reach, for tests to lower; the
 * others are fixed. */
typedef struct xlsx_limits {
  size_t shared_bytes;   /* XLSX_MAX_SHARED_BYTES */
  size_t shared_count;   /* XLSX_MAX_SHARED_COUNT */
  size_t sheet_bytes;    /* XLSX_MAX_SHEET_BYTES */
} xlsx_limits;

/* 1 when data starts like a ZIP archive (as every .xlsx does). */
int xlsx_looks_like(const char *data, size_t len);

/* Opens path and the sheet called sheet (case and Ё forgiven), or the
 * first sheet of the workbook when sheet is NULL. Returns 0, or -1 with
 * "PATH: what is wrong" in err. */
int xlsx_open(const char *path, const char *sheet, xlsx_reader **out, char *err, size_t errlen);

/* xlsx_open with other caps (NULL: the defaults). */
int xlsx_open_limited(const char *path, const char *sheet, const xlsx_limits *limits, xlsx_reader **out, char *err,
                      size_t errlen);

/* The name of the sheet being read. */
const char *xlsx_sheet(const xlsx_reader *r);

/* Reads the next row that has a non-empty cell. Returns 1 with row
 * filled, 0 at the end of the sheet, -1 with "PATH:SHEET:ROW: what is
 * wrong" (or "PATH:SHEET: ...") in err when the sheet is damaged or goes
 * beyond a cap; after -1 the reader only closes. */
int xlsx_next_row(xlsx_reader *r, xlsx_row *row, char *err, size_t errlen);

/* Starts the sheet again from its first row. Returns 0 or -1 with err. */
int xlsx_rewind(xlsx_reader *r, char *err, size_t errlen);

void xlsx_close(xlsx_reader *r);

/* Converts an Excel serial day number (days and a fraction of a day) to
 * ISO "YYYY-MM-DD", or "YYYY-MM-DD HH:MM[:SS]" when it has a time, in the
 * 1900 (date1904 = 0, with Excel's fictitious 29.02.1900) or the 1904 date
 * system. Returns 0, or -1 for a serial that is no date (before the
 * system's first day, the fictitious day, after 9999). out needs 20 bytes. */
int xlsx_serial_to_iso(double serial, int date1904, char out[20]);

/* 1 when an Excel number format code (dd.mm.yyyy, [$-419]d mmmm yyyy,
 * General, 0.00, ...) shows a date. */
int xlsx_format_is_date(const char *code);

/* 1 when the built-in number format id shows a date (14-17, 22, 27-36, 50-58). */
int xlsx_builtin_is_date(unsigned id);

#endif
