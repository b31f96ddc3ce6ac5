/* held_rows: the result rows of an evaluation kept in memory, in plain C
 * records, while they are few enough (the result sink's first home for
 * them; see result_sink.h). Putting a row in a temporary SQLite table and
 * reading it back cost about 55,000 instructions; a record here costs a
 * copy of its texts, and reading in order one sort of the records.
 *
 * A record holds what the sink's result table holds, column for column:
 * its key (indicator, unit, part, order), texts, numbers and years, each
 * either present or not (SQL NULL). Texts are copied into blocks the set
 * owns; a record's pointers stay valid until held_rows_clear or
 * held_rows_free. Records are kept in the order they were added (their
 * seq), and can be read sorted by unit (none first, then by bytes),
 * indicator, part, order and seq: the order of the sink's readers. */
#ifndef PDMON_HELD_ROWS_H
#define PDMON_HELD_ROWS_H

#include <stddef.h>

#include "results.h"

/* The texts of a record. */
enum {
  HT_ORGANIZATION, HT_ORGANIZATION_NAME, HT_ORGANIZATION_KIND, HT_BREAKDOWN, HT_GROUP, HT_TARGET_TEXT,
  HT_TARGET_KIND, HT_TARGET_REASON, HT_TARGET_ORIGIN, HT_MESSAGE, HT_PROGRESS, HT_FIGURE, HT_PENDING_KIND,
  HT_COUNT
};

/* Its numbers (SQL REAL). */
enum {
  HN_VALUE, HN_NUMERATOR, HN_DENOMINATOR, HN_TARGET_VALUE, HN_PATH_VALUE, HN_BASE_VALUE, HN_GROWTH,
  HN_YEARLY, /* value, numerator, denominator */
  HN_CUMULATIVE = HN_YEARLY + 3,
  HN_COUNT = HN_CUMULATIVE + 3
};

/* Its whole numbers (SQL INTEGER): years, and the flags of the figures. */
enum { HY_TARGET_YEAR, HY_BASE_YEAR, HY_CUMULATIVE_SINCE, HY_BASE_ASKED, HY_HAS_YEARLY, HY_HAS_CUMULATIVE, HY_COUNT };

typedef struct held_row {
  long long ind, part, ord; /* the key after the unit */
  const char *unit;         /* NULL: none (a run of one unit) */
  const char *text[HT_COUNT]; /* NULL: absent */
  double num[HN_COUNT];
  long long year[HY_COUNT];
  unsigned num_present;  /* bit i: num[i] present */
  unsigned year_present; /* bit i: year[i] present */
  result_status status;
  int deleted;           /* left out of every reading (a failed indicator's, a failed unit's) */
  long long seq;         /* the order it was added in */
} held_row;

typedef struct held_rows held_rows;

/* An empty set, or NULL when memory runs out. */
held_rows *held_rows_new(void);

void held_rows_free(held_rows *h);

/* Adds a copy of r (its texts copied; its seq given by the set). Returns
 * 0, or -1 when memory runs out (the set is unchanged). */
int held_rows_add(held_rows *h, const held_row *r);

/* A copy of text in the set's blocks (valid as long as its records'
 * texts), or NULL when memory runs out: a text that replaces a record's. */
const char *held_rows_keep_text(held_rows *h, const char *text);

/* Empties the set and gives back its memory (the rows went elsewhere). */
void held_rows_clear(held_rows *h);

/* How many records were added since the last clear (deleted ones too),
 * and the memory they take, in bytes. */
size_t held_rows_count(const held_rows *h);
size_t held_rows_bytes(const held_rows *h);

/* Record i in the order they were added (0 <= i < count); it may be
 * changed in place (a patch, a deletion) but not its key. */
held_row *held_rows_at(held_rows *h, size_t i);

/* Sorts the records that are not deleted into reading order (again only
 * when records were added or deleted since). Returns 0, or -1 when memory
 * runs out. Then held_rows_sorted_count and held_rows_sorted read them. */
int held_rows_sort(held_rows *h);
size_t held_rows_sorted_count(const held_rows *h);
const held_row *held_rows_sorted(const held_rows *h, size_t k);

/* Says the set must be sorted again before reading (a record was deleted). */
void held_rows_unsort(held_rows *h);

/* The first position in reading order whose unit and indicator come at
 * or after (unit, ind); ind 0: the first of unit. After held_rows_sort. */
size_t held_rows_lower_bound(const held_rows *h, const char *unit, long long ind);

/* Compares two units as the readers order them: none first, then by bytes. */
int held_rows_unit_cmp(const char *a, const char *b);

#endif
