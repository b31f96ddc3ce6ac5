/* csv.c: reads the CSV files municipalities produce (Excel's Russian CSV in Windows-1251 with
 * ';', UTF-8 with or without BOM, ',' or tab, RFC 4180 quoting with embedded delimiters, quotes
 * and newlines, CRLF or LF), a part of the file at a time; a whole text in memory is read by
 * the same code as one part. The promises are in csv.h. */
#include "csv.h"

#include "files.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

/* Picks the delimiter that occurs most often, outside quotes, on the
 * header line; ties go to tab, then ';', then ','. */
static char detect_delimiter(const char *s, size_t len) {
  size_t comma = 0, semicolon = 0, tab = 0;
  int quoted = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '"') quoted = !quoted;
    else if (!quoted && (c == '\n' || c == '\r')) break;
    else if (!quoted && c == ',') comma++;
    else if (!quoted && c == ';') semicolon++;
    else if (!quoted && c == '\t') tab++;
  }
  if (tab >= semicolon && tab >= comma && tab > 0) return '\t';
  if (semicolon >= comma && semicolon > 0) return ';';
  return ',';
}

static void reset(csv_table *t) {
  free(t->buffer);
  free(t->fields);
  free(t->row_first);
  free(t->row_count);
  free(t->row_line);
  memset(t, 0, sizeof *t);
}

/* Line ends (LF, CRLF, a lone CR) in s[0..len). */
static size_t line_of_end(const char *s, size_t len) {
  size_t n = 0; /* by memchr, not byte by byte: every part of a file is counted */
  for (const char *p = s, *end = s + len; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++) n++;
  for (const char *p = s, *end = s + len; p < end && (p = memchr(p, '\r', (size_t)(end - p))); p++)
    if (p + 1 >= end || p[1] != '\n') n++;
  return n;
}

/* ---- the stream ---- */

/* Bytes read at a time, and how far a part may grow while looking for a
 * place to end (text_split_point) before it is cut between characters. */
#define CSV_PART ((size_t)256 << 10)
#define CSV_PART_LONGEST ((size_t)4 << 20)

struct csv_stream {
  char *path;                 /* for messages; NULL for a text in memory */
  int fd;                     /* -1 for a text in memory */
  const char *memory;         /* csv_parse's text, read as one part */
  size_t memory_len;
  int memory_given;
  unsigned long long size;    /* of the file */
  size_t part;
  /* the file's bytes: raw[0..raw_len), of which the first given were handed out as the last part */
  char *raw;
  size_t raw_cap, raw_len, given;
  unsigned long long raw_offset; /* where raw[0] is in the file */
  int raw_eof;
  text_encoding encoding;
  size_t decoded_line;        /* the line the next part starts on */
  /* decoded text not yet split into rows: text[text_pos..text_len) */
  char *text;
  size_t text_cap, text_len, text_pos;
  int text_end;               /* every part is decoded */
  size_t line;                /* the line text_pos is on */
  char delimiter;
  int delimiter_known;
  unsigned char ends_field[256]; /* 1 for the delimiter, CR and LF: what ends a field without quotes */
  /* the current row: unescaped fields in out */
  char *out;
  size_t out_cap;
  char **fields;
  size_t fields_cap, count;
};

/* Writes "PATH:MESSAGE" (or MESSAGE for a text in memory) to err. */
static int stream_fail(const csv_stream *s, const char *message, char *err, size_t errlen) {
  if (s->path) snprintf(err, errlen, "%s:%s", s->path, message);
  else snprintf(err, errlen, "%s", message);
  return -1;
}

/* Grows *buf to hold at least need bytes. */
static int reserve(char **buf, size_t *cap, size_t need) {
  if (need <= *cap) return 0;
  size_t grown = *cap ? *cap : 4096;
  while (grown < need) grown *= 2;
  char *p = realloc(*buf, grown);
  if (!p) return -1;
  *buf = p;
  *cap = grown;
  return 0;
}

/* Where a part must end when text_split_point finds no place within
 * CSV_PART_LONGEST bytes: before the last byte that starts a character. */
static size_t forced_split(const char *raw, size_t len) {
  for (size_t p = len; p-- > 1;)
    if (((unsigned char)raw[p] & 0xC0) != 0x80) return p;
  return len;
}

/* Hands out the next part of the file's bytes (cut where split_as allows;
 * the first at least 4 bytes long, so its mark is whole). Returns 1, 0 at
 * the end, -1 with err when the file cannot be read. */
static int next_part(csv_stream *s, text_encoding split_as, const char **data, size_t *len, char *err,
                     size_t errlen) {
  if (s->fd < 0) {
    if (s->memory_given) return 0;
    s->memory_given = 1;
    *data = s->memory;
    *len = s->memory_len;
    return 1;
  }
  if (s->given) {
    if (s->raw_len > s->given) memmove(s->raw, s->raw + s->given, s->raw_len - s->given);
    s->raw_len -= s->given;
    s->raw_offset += s->given;
    s->given = 0;
  }
  size_t want = s->part, shortest = s->raw_offset == 0 ? 4 : 1;
  for (;;) {
    while (!s->raw_eof && s->raw_len < want) {
      if (reserve(&s->raw, &s->raw_cap, want) != 0) {
        snprintf(err, errlen, "%s: %s", s->path, _("out of memory"));
        return -1;
      }
      long n = files_read_some(s->fd, s->raw + s->raw_len, want - s->raw_len);
      if (n < 0) {
        snprintf(err, errlen, _("%s: cannot read: %s"), s->path, strerror(errno));
        return -1;
      }
      if (n == 0) s->raw_eof = 1;
      s->raw_len += (size_t)n;
    }
    if (s->raw_len == 0) return 0;
    size_t p = s->raw_len;
    if (!s->raw_eof) {
      p = text_split_point(s->raw, s->raw_len, split_as);
      if (p < shortest) p = 0;
      if (p == 0 && s->raw_len >= CSV_PART_LONGEST) p = forced_split(s->raw, s->raw_len);
      if (p == 0) {
        want = s->raw_len + s->part;
        continue;
      }
    }
    *data = s->raw;
    *len = p;
    s->given = p;
    return 1;
  }
}

/* Back to the first byte of the file, nothing decoded. */
static int restart(csv_stream *s, char *err, size_t errlen) {
  s->memory_given = 0;
  s->raw_len = s->given = 0;
  s->raw_offset = 0;
  s->raw_eof = 0;
  s->decoded_line = s->line = 1;
  s->text_len = s->text_pos = 0;
  s->text_end = 0;
  if (s->fd >= 0 && lseek(s->fd, 0, SEEK_SET) != 0) {
    snprintf(err, errlen, _("%s: cannot read: %s"), s->path, strerror(errno));
    return -1;
  }
  return 0;
}

/* Decides the encoding as text_detect_encoding does, over the whole file
 * a part at a time (twice for an 8-bit code page). */
static int detect(csv_stream *s, char *err, size_t errlen) {
  text_scan scan;
  text_scan_begin(&scan);
  const char *data;
  size_t len;
  int rc;
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1 && !text_scan_wants_code_pages(&scan)) break;
    if (restart(s, err, errlen) != 0) return -1;
    while ((rc = next_part(s, TEXT_UTF8, &data, &len, err, errlen)) == 1) {
      if (pass == 1) {
        text_scan_code_pages(&scan, data, len);
        continue;
      }
      text_scan_part(&scan, data, len);
      if (scan.failed || (scan.marked && scan.mark != TEXT_UTF8_BOM)) break; /* decided */
    }
    if (rc < 0) return -1;
  }
  char inner[512];
  if (text_scan_end(&scan, &s->encoding, inner, sizeof inner) != 0) return stream_fail(s, inner, err, errlen);
  return restart(s, err, errlen);
}

/* Decodes the next part onto the text. Returns 0 (text_end set when none
 * is left), -1 with err. */
static int refill(csv_stream *s, char *err, size_t errlen) {
  const char *data;
  size_t len, ulen;
  int rc = next_part(s, s->encoding, &data, &len, err, errlen);
  if (rc < 0) return -1;
  if (rc == 0) {
    s->text_end = 1;
    return 0;
  }
  char inner[512];
  text_place at = {.line = s->decoded_line, .offset = s->raw_offset};
  char *utf8 = text_decode_part(data, len, s->encoding, &at, &ulen, inner, sizeof inner);
  if (!utf8) return stream_fail(s, inner, err, errlen);
  s->decoded_line += line_of_end(utf8, ulen);
  size_t left = s->text_len - s->text_pos;
  if (left) memmove(s->text, s->text + s->text_pos, left);
  s->text_len = left;
  s->text_pos = 0;
  /* a row's fields take no more than its text plus one NUL each */
  if (reserve(&s->text, &s->text_cap, left + ulen + 1) != 0 ||
      reserve(&s->out, &s->out_cap, 2 * (left + ulen) + 2) != 0) {
    free(utf8);
    return stream_fail(s, _("1: out of memory"), err, errlen);
  }
  if (ulen) memcpy(s->text + left, utf8, ulen);
  s->text_len += ulen;
  free(utf8);
  return 0;
}

/* 1 when text[0..len) holds the header's whole first line (a line end
 * outside quotes), which the delimiter is told from. */
static int first_line_complete(const char *text, size_t len) {
  int quoted = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '"') quoted = !quoted;
    else if (!quoted && (text[i] == '\n' || text[i] == '\r')) return 1;
  }
  return 0;
}

static int find_delimiter(csv_stream *s, char *err, size_t errlen) {
  while (!s->text_end && !first_line_complete(s->text, s->text_len) && s->text_len <= CSV_MAX_RECORD)
    if (refill(s, err, errlen) != 0) return -1;
  s->delimiter = detect_delimiter(s->text, s->text_len);
  s->delimiter_known = 1;
  memset(s->ends_field, 0, sizeof s->ends_field);
  s->ends_field[(unsigned char)s->delimiter] = s->ends_field['\r'] = s->ends_field['\n'] = 1;
  return 0;
}

/* Outcome of reading a row from the text at hand. */
enum { ROW_ERROR = -1, ROW_MORE = 0, ROW_READ = 1 };

/* Keeps field in the current row. */
static int keep_field(csv_stream *s, char *field) {
  if (s->count == s->fields_cap) {
    size_t cap = s->fields_cap ? s->fields_cap * 2 : 32;
    char **grown = realloc(s->fields, cap * sizeof *grown);
    if (!grown) return -1;
    s->fields = grown;
    s->fields_cap = cap;
  }
  s->fields[s->count++] = field;
  return 0;
}

/* Reads one quoted field of t[*pos..len), t[*pos] == '"', into *out.
 * ROW_MORE when the text ends before the field does and more is to come;
 * an unterminated quote or a stray character after the closing one is an
 * error. */
static int read_quoted(const char *t, size_t len, int end, char delim, size_t *pos, size_t *line, char **out,
                       char *err, size_t errlen) {
  size_t opened = *line, i = *pos + 1;
  char *o = *out;
  for (;;) {
    if (i >= len) {
      if (!end) return ROW_MORE;
      snprintf(err, errlen, _("%zu: unterminated quoted field (the quote opens here)"), opened);
      return ROW_ERROR;
    }
    if (t[i] == '"') {
      if (i + 1 >= len && !end) return ROW_MORE;
      if (i + 1 < len && t[i + 1] == '"') { *o++ = '"'; i += 2; continue; }
      i++;
      break;
    }
    /* LF, CRLF and a lone CR (old Mac files) each end a line of the file */
    if (t[i] == '\r' && i + 1 >= len && !end) return ROW_MORE;
    if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= len || t[i + 1] != '\n'))) (*line)++;
    *o++ = t[i++];
  }
  if (i >= len && !end) return ROW_MORE;
  if (i < len && t[i] != delim && t[i] != '\r' && t[i] != '\n') {
    snprintf(err, errlen, _("%zu: unexpected character '%c' after a closing quote"), *line, t[i]);
    return ROW_ERROR;
  }
  *pos = i;
  *out = o;
  return ROW_READ;
}

/* Reads one row of the text at hand into the current row; advances
 * text_pos and line only when the row is whole. */
static int read_row(csv_stream *s, size_t *row_line, char *err, size_t errlen) {
  const char *t = s->text;
  size_t len = s->text_len, pos = s->text_pos, line = s->line;
  int end = s->text_end;
  char delim = s->delimiter, *o = s->out;
  s->count = 0;
  *row_line = line;
  for (;;) {
    char *field = o;
    if (pos < len && t[pos] == '"') {
      int rc = read_quoted(t, len, end, delim, &pos, &line, &o, err, errlen);
      if (rc != ROW_READ) return rc;
    } else {
      /* found by a table, then copied at once: a country's activities are a gigabyte of fields */
      size_t from = pos;
      while (pos < len && !s->ends_field[(unsigned char)t[pos]]) pos++;
      memcpy(o, t + from, pos - from);
      o += pos - from;
      if (pos >= len && !end) return ROW_MORE;
    }
    *o++ = '\0';
    if (keep_field(s, field) != 0) {
      snprintf(err, errlen, _("%zu: out of memory"), line);
      return ROW_ERROR;
    }
    if (pos < len && t[pos] == delim) { pos++; continue; }
    if (pos < len && t[pos] == '\r') {
      pos++;
      if (pos >= len && !end) return ROW_MORE;
    }
    if (pos < len && t[pos] == '\n') pos++;
    line++;
    break;
  }
  s->text_pos = pos;
  s->line = line;
  return ROW_READ;
}

/* 1 when the current row has no characters (only delimiters, or nothing). */
static int row_is_blank(const csv_stream *s) {
  for (size_t i = 0; i < s->count; i++)
    if (s->fields[i][0] != '\0') return 0;
  return 1;
}

int csv_stream_next(csv_stream *s, csv_record *row, char *err, size_t errlen) {
  memset(row, 0, sizeof *row);
  if (!s->delimiter_known && find_delimiter(s, err, errlen) != 0) return -1;
  for (;;) {
    if (s->text_pos >= s->text_len) {
      if (s->text_end) return 0;
      if (refill(s, err, errlen) != 0) return -1;
      continue;
    }
    char inner[512];
    size_t line;
    int rc = read_row(s, &line, inner, sizeof inner);
    if (rc == ROW_ERROR) return stream_fail(s, inner, err, errlen);
    if (rc == ROW_MORE) {
      if (s->text_len - s->text_pos > CSV_MAX_RECORD) {
        snprintf(inner, sizeof inner, _("%zu: a row longer than %zu MiB (is a quote left open?)"), s->line,
                 CSV_MAX_RECORD >> 20);
        return stream_fail(s, inner, err, errlen);
      }
      if (refill(s, err, errlen) != 0) return -1;
      continue;
    }
    if (row_is_blank(s)) continue;
    row->line = line;
    row->count = s->count;
    row->fields = s->fields;
    return 1;
  }
}

/* A stream over path's file, or over a text in memory (path NULL). */
static csv_stream *stream_new(const char *path, size_t part) {
  csv_stream *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->fd = -1;
  s->part = part ? part : CSV_PART;
  s->line = s->decoded_line = 1;
  if (path && !(s->path = strdup(path))) {
    free(s);
    return NULL;
  }
  return s;
}

/* Sets the encoding called name, or detects it. */
static int choose_encoding(csv_stream *s, const char *name, char *err, size_t errlen) {
  if (!name) return detect(s, err, errlen);
  if (text_encoding_by_name(name, &s->encoding) == 0) return 0;
  char inner[512];
  snprintf(inner, sizeof inner, _("1: --encoding: unknown encoding '%s'; expected one of %s"), name,
           TEXT_ENCODING_NAMES);
  return stream_fail(s, inner, err, errlen);
}

int csv_stream_open(const char *path, const char *encoding, size_t part, csv_stream **out, char *err, size_t errlen) {
  *out = NULL;
  csv_stream *s = stream_new(path, part);
  if (!s) {
    snprintf(err, errlen, "%s: %s", path, _("out of memory"));
    return -1;
  }
  if ((s->fd = files_open_input(path, &s->size, err, errlen)) < 0 || choose_encoding(s, encoding, err, errlen) != 0) {
    csv_stream_close(s);
    return -1;
  }
  *out = s;
  return 0;
}

int csv_stream_rewind(csv_stream *s, char *err, size_t errlen) { return restart(s, err, errlen); }

char csv_stream_delimiter(const csv_stream *s) { return s->delimiter_known ? s->delimiter : ','; }
text_encoding csv_stream_encoding(const csv_stream *s) { return s->encoding; }

void csv_stream_progress(const csv_stream *s, unsigned long long *done, unsigned long long *total) {
  *done = s->raw_offset + s->given;
  *total = s->fd >= 0 ? s->size : s->memory_len;
}

void csv_stream_close(csv_stream *s) {
  if (!s) return;
  if (s->fd >= 0) close(s->fd);
  free(s->raw);
  free(s->text);
  free(s->out);
  free(s->fields);
  free(s->path);
  free(s);
}

/* ---- a whole text as a table ---- */

/* Appends the current row of s to the table t being built (field offsets into buffer kept in fields). */
static int table_add(csv_table *t, const csv_record *row, size_t *buffer_len, size_t *buffer_cap,
                     size_t *fields_cap, size_t *rows_cap, size_t *nfields) {
  for (size_t i = 0; i < row->count; i++) {
    size_t n = strlen(row->fields[i]) + 1;
    if (reserve(&t->buffer, buffer_cap, *buffer_len + n) != 0) return -1;
    memcpy(t->buffer + *buffer_len, row->fields[i], n);
    if (*nfields == *fields_cap) {
      size_t cap = *fields_cap ? *fields_cap * 2 : 64;
      char **grown = realloc(t->fields, cap * sizeof *grown);
      if (!grown) return -1;
      t->fields = grown;
      *fields_cap = cap;
    }
    t->fields[(*nfields)++] = (char *)(uintptr_t)*buffer_len; /* an offset until the buffer stops moving */
    *buffer_len += n;
  }
  if (t->nrows == *rows_cap) {
    size_t cap = *rows_cap ? *rows_cap * 2 : 64;
    size_t *f = realloc(t->row_first, cap * sizeof *f);
    if (!f) return -1;
    t->row_first = f;
    size_t *c = realloc(t->row_count, cap * sizeof *c);
    if (!c) return -1;
    t->row_count = c;
    size_t *l = realloc(t->row_line, cap * sizeof *l);
    if (!l) return -1;
    t->row_line = l;
    *rows_cap = cap;
  }
  t->row_first[t->nrows] = *nfields - row->count;
  t->row_count[t->nrows] = row->count;
  t->row_line[t->nrows] = row->line;
  t->nrows++;
  return 0;
}

int csv_parse_as(const char *data, size_t len, const char *encoding, csv_table *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  csv_stream *s = stream_new(NULL, 0);
  if (!s) {
    snprintf(err, errlen, _("1: out of memory"));
    return -1;
  }
  s->memory = data;
  s->memory_len = len;
  int rc = choose_encoding(s, encoding, err, errlen);
  size_t buffer_len = 0, buffer_cap = 0, fields_cap = 0, rows_cap = 0, nfields = 0;
  csv_record row;
  int more = 0;
  while (rc == 0 && (more = csv_stream_next(s, &row, err, errlen)) == 1)
    if (table_add(out, &row, &buffer_len, &buffer_cap, &fields_cap, &rows_cap, &nfields) != 0) {
      snprintf(err, errlen, _("%zu: out of memory"), row.line);
      rc = -1;
    }
  if (more < 0) rc = -1;
  out->encoding = s->encoding;
  out->delimiter = csv_stream_delimiter(s);
  csv_stream_close(s);
  if (rc == 0 && out->nrows == 0) {
    snprintf(err, errlen, "%s", _("1: empty file: expected a header line naming the columns"));
    rc = -1;
  }
  if (rc == 0 && !out->buffer && !(out->buffer = malloc(1))) rc = -1;
  if (rc != 0) {
    reset(out);
    return -1;
  }
  for (size_t i = 0; i < nfields; i++) out->fields[i] = out->buffer + (uintptr_t)out->fields[i];
  return 0;
}

int csv_parse(const char *data, size_t len, csv_table *out, char *err, size_t errlen) {
  return csv_parse_as(data, len, NULL, out, err, errlen);
}

int csv_read_file(const char *path, csv_table *out, char *err, size_t errlen) {
  return csv_read_file_as(path, NULL, out, err, errlen);
}

int csv_read_file_as(const char *path, const char *encoding, csv_table *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  size_t len;
  char *data = files_read(path, CSV_MAX_FILE, &len, err, errlen);
  if (!data) return -1;
  char inner[512];
  int rc = csv_parse_as(data, len, encoding, out, inner, sizeof inner);
  free(data);
  if (rc != 0) snprintf(err, errlen, "%s:%s", path, inner);
  return rc;
}

const char *csv_field(const csv_table *t, size_t row, size_t col) {
  if (row >= t->nrows || col >= t->row_count[row]) return NULL;
  return t->fields[t->row_first[row] + col];
}

void csv_write_field(void *file, const char *value, char delimiter) {
  FILE *f = file;
  if (!strchr(value, delimiter) && !strpbrk(value, "\"\r\n")) {
    fputs(value, f);
    return;
  }
  fputc('"', f);
  for (const char *p = value; *p; p++) {
    if (*p == '"') fputc('"', f);
    fputc(*p, f);
  }
  fputc('"', f);
}

int csv_write_rejected(const char *path, const csv_table *t, const size_t *lines, char *const *reasons,
                       size_t n, char *err, size_t errlen) {
  char inner[1200];
  FILE *f = files_create(path, 0, inner, sizeof inner); /* never through a planted symbolic link */
  if (!f) {
    snprintf(err, errlen, _("%s (the rejected rows were not written)"), inner);
    return -1;
  }
  fputs("\xEF\xBB\xBF", f);
  for (size_t c = 0; c < t->row_count[0]; c++) {
    csv_write_field(f, csv_field(t, 0, c), t->delimiter);
    fputc(t->delimiter, f);
  }
  fprintf(f, "line%cerror\r\n", t->delimiter);
  size_t p = 0;
  for (size_t row = 1; row < t->nrows && p < n; row++) {
    if (t->row_line[row] != lines[p]) continue;
    for (size_t c = 0; c < t->row_count[row]; c++) {
      csv_write_field(f, csv_field(t, row, c), t->delimiter);
      fputc(t->delimiter, f);
    }
    fprintf(f, "%zu%c", t->row_line[row], t->delimiter);
    csv_write_field(f, reasons[p], t->delimiter);
    fputs("\r\n", f);
    p++;
  }
  if (files_close(f, path, inner, sizeof inner) != 0) {
    snprintf(err, errlen, _("%s (the rejected rows)"), inner);
    return -1;
  }
  return 0;
}

void csv_free(csv_table *t) { reset(t); }
