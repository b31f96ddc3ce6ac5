/* csv.c: reads the CSV files municipalities produce (Excel's Russian CSV in Windows-1251 with
 * ';', UTF-8 with or without BOM, ',' or tab, RFC 4180 quoting with embedded delimiters, quotes
 * and newlines, CRLF or LF). The promises are in csv.h. */
#include "csv.h"

#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* Growing arrays the parser fills; moved into the table on success. */
typedef struct csv_builder {
  csv_table *t;
  size_t fields_cap, rows_cap, nfields;
} csv_builder;

static int push_field(csv_builder *b, char *field) {
  if (b->nfields == b->fields_cap) {
    size_t cap = b->fields_cap ? b->fields_cap * 2 : 64;
    char **grown = realloc(b->t->fields, cap * sizeof *grown);
    if (!grown) return -1;
    b->t->fields = grown;
    b->fields_cap = cap;
  }
  b->t->fields[b->nfields++] = field;
  return 0;
}

static int push_row(csv_builder *b, size_t first, size_t line) {
  csv_table *t = b->t;
  size_t count = b->nfields - first;
  int blank = 1;
  for (size_t i = first; i < b->nfields && blank; i++)
    if (t->fields[i][0] != '\0') blank = 0;
  if (blank) { b->nfields = first; return 0; }
  if (t->nrows == b->rows_cap) {
    size_t cap = b->rows_cap ? b->rows_cap * 2 : 64;
    size_t *f = realloc(t->row_first, cap * sizeof *f);
    if (!f) return -1;
    t->row_first = f;
    size_t *c = realloc(t->row_count, cap * sizeof *c);
    if (!c) return -1;
    t->row_count = c;
    size_t *l = realloc(t->row_line, cap * sizeof *l);
    if (!l) return -1;
    t->row_line = l;
    b->rows_cap = cap;
  }
  t->row_first[t->nrows] = first;
  t->row_count[t->nrows] = count;
  t->row_line[t->nrows] = line;
  t->nrows++;
  return 0;
}

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

/* Parses one quoted field starting at s[*pos] == '"'; copies its text to
 * *out. Returns -1 with a message on an unterminated quote or a stray
 * character after the closing quote. */
static int parse_quoted(const char *s, size_t len, size_t *pos, size_t *line, char **out,
                        char delim, char *err, size_t errlen) {
  size_t opened = *line, i = *pos + 1;
  char *o = *out;
  for (;;) {
    if (i >= len) {
      snprintf(err, errlen, _("%zu: unterminated quoted field (the quote opens here)"), opened);
      return -1;
    }
    if (s[i] == '"') {
      if (i + 1 < len && s[i + 1] == '"') { *o++ = '"'; i += 2; continue; }
      i++;
      break;
    }
    /* LF, CRLF and a lone CR (old Mac files) each end a line of the file */
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n'))) (*line)++;
    *o++ = s[i++];
  }
  if (i < len && s[i] != delim && s[i] != '\r' && s[i] != '\n') {
    snprintf(err, errlen, _("%zu: unexpected character '%c' after a closing quote"), *line, s[i]);
    return -1;
  }
  *pos = i;
  *out = o;
  return 0;
}

static void reset(csv_table *t) {
  free(t->buffer);
  free(t->fields);
  free(t->row_first);
  free(t->row_count);
  free(t->row_line);
  memset(t, 0, sizeof *t);
}

/* Splits UTF-8 text s into rows and fields. */
static int parse_records(const char *s, size_t len, csv_table *t, char *err, size_t errlen) {
  csv_builder b = {.t = t};
  char *o = t->buffer;
  size_t pos = 0, line = 1;
  while (pos < len) {
    size_t first = b.nfields, row_line = line;
    for (;;) {
      char *field = o;
      if (s[pos] == '"') {
        if (parse_quoted(s, len, &pos, &line, &o, t->delimiter, err, errlen) != 0) return -1;
      } else {
        while (pos < len && s[pos] != t->delimiter && s[pos] != '\r' && s[pos] != '\n')
          *o++ = s[pos++];
      }
      *o++ = '\0';
      if (push_field(&b, field) != 0) goto nomem;
      if (pos < len && s[pos] == t->delimiter) { pos++; continue; }
      if (pos < len && s[pos] == '\r') pos++;
      if (pos < len && s[pos] == '\n') pos++;
      line++;
      break;
    }
    if (push_row(&b, first, row_line) != 0) goto nomem;
  }
  return 0;
nomem:
  snprintf(err, errlen, _("%zu: out of memory"), line);
  return -1;
}

int csv_parse_as(const char *data, size_t len, const char *encoding, csv_table *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  text_encoding enc;
  if (encoding && text_encoding_by_name(encoding, &enc) != 0) {
    snprintf(err, errlen, _("1: --encoding: unknown encoding '%s'; expected one of %s"), encoding, TEXT_ENCODING_NAMES);
    return -1;
  }
  if (!encoding && text_detect_encoding(data, len, &enc, err, errlen) != 0) return -1;
  size_t ulen;
  char *utf8 = text_decode(data, len, enc, &ulen, err, errlen);
  if (!utf8) return -1;
  out->encoding = enc;
  out->delimiter = detect_delimiter(utf8, ulen);
  out->buffer = malloc(2 * ulen + 2); /* text plus one NUL per field at most */
  int rc = out->buffer ? parse_records(utf8, ulen, out, err, errlen) : -1;
  if (!out->buffer) snprintf(err, errlen, _("1: out of memory"));
  free(utf8);
  if (rc == 0 && out->nrows == 0) {
    snprintf(err, errlen, _("1: empty file: expected a header line naming the columns"));
    rc = -1;
  }
  if (rc != 0) reset(out);
  return rc;
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
