/* fuzz_csv: libFuzzer target for the CSV reader (engine/store/csv.c and the
 * encoding detection and decoding of text.c under it). Every data file a
 * municipality sends passes through it before anything checks its content,
 * so no sequence of bytes may crash it, read out of bounds or leave a table
 * that points outside its buffer. The input is a whole file's content, read
 * the way the importers read it (rows_open -> csv_read_file_as ->
 * csv_parse_as): with the encoding detected, and once more in an encoding
 * named as --encoding names it, chosen by the first byte. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

static const char *const ENCODINGS[] = {"utf-8", "utf-16le", "utf-16be", "cp1251", "koi8-r", "cp866", "utf-16"};

/* Walks the table as rows_next and the importers do, checking that every
 * field lies inside the buffer and writing it back as a rejected row would
 * be written; aborts (a finding) when the table breaks its promises. */
static void walk(const csv_table *t) {
  if (t->nrows == 0) abort(); /* csv_parse_as refuses a file without a header */
  FILE *sink = fopen("/dev/null", "w");
  size_t previous_line = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    if (t->row_line[r] <= previous_line) abort(); /* rows start on increasing lines */
    previous_line = t->row_line[r];
    for (size_t c = 0; c <= t->row_count[r]; c++) {
      const char *f = csv_field(t, r, c);
      if (c == t->row_count[r]) {
        if (f) abort(); /* past the row's last field there is none */
        break;
      }
      if (!f || f < t->buffer) abort();
      size_t n = strlen(f);
      if (memchr(f, '\0', n + 1) != f + n) abort();
      if (sink) csv_write_field(sink, f, t->delimiter);
    }
  }
  if (sink) fclose(sink);
}

/* Parses data as the importer would, then in one named encoding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[512];
  csv_table t;
  if (csv_parse_as((const char *)data, size, NULL, &t, err, sizeof err) == 0) {
    walk(&t);
    csv_free(&t);
  }
  if (size > 0) {
    const char *encoding = ENCODINGS[data[0] % (sizeof ENCODINGS / sizeof *ENCODINGS)];
    if (csv_parse_as((const char *)data + 1, size - 1, encoding, &t, err, sizeof err) == 0) {
      walk(&t);
      csv_free(&t);
    }
  }
  return 0;
}
