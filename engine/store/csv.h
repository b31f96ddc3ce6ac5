/* csv: reads the CSV files municipalities produce (Excel's Russian CSV in
 * Windows-1251 with ';', UTF-8 with or without BOM, Excel's "Unicode text"
 * in UTF-16 with tabs, KOI8-R and CP866; ',' ';' or tab, RFC 4180 quoting
 * with embedded delimiters, quotes and newlines, CRLF or LF). */
#ifndef PDMON_CSV_H
#define PDMON_CSV_H

#include <stddef.h>

#include "text.h"

/* A parsed file. Row 0 is the header. Rows keep the number of fields they
 * had, so a ragged row can be reported and set aside instead of lost. */
typedef struct csv_table {
  char *buffer;          /* unescaped UTF-8 fields, each NUL-terminated; owned */
  char **fields;         /* every field in file order, pointing into buffer; owned */
  size_t *row_first;     /* index in fields of each row's first field; owned */
  size_t *row_count;     /* number of fields of each row; owned */
  size_t *row_line;      /* source line on which each row starts (1-based); owned */
  size_t nrows;          /* rows including the header */
  char delimiter;        /* ',' ';' or '\t', detected from the header */
  text_encoding encoding;/* how the file was encoded */
} csv_table;

/* Parses a whole buffer. On failure returns -1 and writes "LINE: message"
 * to err; the table is then empty and needs no csv_free. Blank rows (no
 * characters, or only delimiters) are skipped. */
int csv_parse(const char *data, size_t len, csv_table *out, char *err, size_t errlen);

/* Files larger than this are refused by csv_read_file (which reads a file
 * whole); csv_stream has no limit. */
#define CSV_MAX_FILE ((size_t)2 << 30)

/* csv_parse in the encoding called encoding (text_encoding_by_name), or
 * detected when encoding is NULL. */
int csv_parse_as(const char *data, size_t len, const char *encoding, csv_table *out, char *err, size_t errlen);

/* Reads and parses a regular file (files.h: never a pipe or a device) of
 * at most CSV_MAX_FILE bytes; errors are "PATH:LINE: message" or "PATH: message". */
int csv_read_file(const char *path, csv_table *out, char *err, size_t errlen);

/* csv_read_file in the encoding called encoding, or detected when NULL. */
int csv_read_file_as(const char *path, const char *encoding, csv_table *out, char *err, size_t errlen);

/* ---- reading a file row by row, in bounded memory ---- */

/* A file read as it goes: a part of its bytes at a time is decoded and
 * split into rows, so memory does not grow with the file's size. It reads
 * exactly as csv_read_file_as does (the same encodings, detection over the
 * whole file, line numbers and messages); only a damaged byte or quote
 * that detection does not catch is met when its row is reached. */
typedef struct csv_stream csv_stream;

/* One row of a stream. Valid until the next csv_stream_next, csv_stream_rewind or csv_stream_close. */
typedef struct csv_record {
  size_t line;        /* the line it starts on (1-based) */
  size_t count;       /* fields */
  char **fields;      /* UTF-8, NUL-terminated */
} csv_record;

/* A record longer than this is refused (an unterminated quote would
 * otherwise take the rest of the file). */
#define CSV_MAX_RECORD ((size_t)64 << 20)

/* Opens the regular file at path (files.h) in encoding, or detected when
 * NULL (a pass over the file before the first row). part is the number of
 * bytes read at a time (0: the default; tests use small ones). Returns 0,
 * or -1 with "PATH: message" or "PATH:LINE: message" in err. */
int csv_stream_open(const char *path, const char *encoding, size_t part, csv_stream **out, char *err, size_t errlen);

/* Reads the next row that is not blank (the first is the header). Returns
 * 1, 0 at the end, -1 with "PATH:LINE: message" in err. */
int csv_stream_next(csv_stream *s, csv_record *row, char *err, size_t errlen);

/* Goes back to the first row. Returns 0 or -1 with err. */
int csv_stream_rewind(csv_stream *s, char *err, size_t errlen);

char csv_stream_delimiter(const csv_stream *s);
text_encoding csv_stream_encoding(const csv_stream *s);

/* How far the reading has come: bytes of the file read and its size. */
void csv_stream_progress(const csv_stream *s, unsigned long long *done, unsigned long long *total);

void csv_stream_close(csv_stream *s);

/* Field col of row, or NULL when the row is shorter. */
const char *csv_field(const csv_table *t, size_t row, size_t col);

/* Writes one field quoted as RFC 4180 requires when it contains the
 * delimiter, a quote, or a line break. */
void csv_write_field(void *file, const char *value, char delimiter);

/* Writes the rows of t whose source lines are listed (ascending), unchanged,
 * with their line and reason, to path (UTF-8 with a BOM, so Excel shows
 * Cyrillic), never through a symbolic link. Returns 0, or -1 with err. */
int csv_write_rejected(const char *path, const csv_table *t, const size_t *lines, char *const *reasons,
                       size_t n, char *err, size_t errlen);

void csv_free(csv_table *t);

#endif
