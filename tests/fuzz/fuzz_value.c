/* fuzz_value: libFuzzer target for the readers of one cell's value: the
 * date, decimal, integer (year) and yes/no parsers of value.c, and the HR
 * readers the importer applies to the same cell (vocabulary codes, labels,
 * nearest names and phrases of vocabulary.c; the personal-data checks of
 * personal.c; Cyrillic folding of text.c). A cell is any text a spreadsheet
 * holds, so none of them may crash or read past it; a date they accept must
 * come out as a real ISO date. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "personal.h"
#include "text.h"
#include "value.h"
#include "vocabulary.h"

/* Aborts (a finding) unless iso is YYYY-MM-DD with a month and day in range. */
static void check_iso(const char iso[11]) {
  if (strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-') abort();
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9')) abort();
  int month = (iso[5] - '0') * 10 + (iso[6] - '0'), day = (iso[8] - '0') * 10 + (iso[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) abort();
}

/* Runs every vocabulary's readers on the cell, as the importer's choice
 * columns do; the nearest name (the slow one: edit distances to every
 * name, asked only for a value the importer rejects) in one vocabulary,
 * picked by the cell's length, so the fuzzer keeps its pace. */
static void read_choices(const char *cell) {
  size_t count = 0;
  while (vocabulary_at(count)) count++;
  size_t nearest_in = count ? strlen(cell) % count : 0;
  for (size_t i = 0; i < count; i++) {
    const vocabulary *v = vocabulary_at(i);
    const char *code = vocabulary_code(v, cell);
    if (code && !vocabulary_entry_of(v, code)) abort(); /* a code read is a code known */
    const char *name = NULL, *rest = NULL;
    if (!code && i == nearest_in && !vocabulary_nearest(v, cell, &name)) abort(); /* NULL only for an empty vocabulary */
    const char *phrase = vocabulary_phrase(v, cell, &rest);
    if (phrase && (rest < cell || rest > cell + strlen(cell))) abort(); /* the qualifier lies inside the cell */
  }
}

/* Feeds one NUL-terminated cell (the input up to its first NUL) to every reader. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *cell = malloc(size + 1);
  if (!cell) return 0;
  memcpy(cell, data, size);
  cell[size] = '\0';
  char iso[11];
  double d;
  int64_t n;
  int b;
  if (value_parse_date(cell, iso) == 0) check_iso(iso);
  (void)value_parse_decimal(cell, &d);
  (void)value_parse_integer(cell, &n);
  (void)value_parse_bool(cell, &b);
  char folded[64];
  (void)text_fold(cell, folded, sizeof folded);
  char *trimmed = text_trimmed_copy(cell);
  free(trimmed);
  (void)text_display_width(cell);
  (void)text_is_blank(cell);
  (void)personal_value_reason(cell);
  (void)personal_looks_like_name(cell);
  (void)personal_header_reason(cell, 0);
  read_choices(cell);
  free(cell);
  return 0;
}
