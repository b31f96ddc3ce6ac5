/* held_rows.c: result rows in memory, in records with their texts in
 * blocks of their own. The promises are in held_rows.h. */
#include "held_rows.h"

#include <stdlib.h>
#include <string.h>

/* A block of copied texts; texts are never freed one by one. */
typedef struct text_block {
  struct text_block *next;
  size_t used, size;
  char data[];
} text_block;

/* Texts go into blocks of this size (a longer text gets a block of its own). */
#define TEXT_BLOCK_SIZE (64 * 1024)

struct held_rows {
  held_row *rows;         /* in the order added */
  size_t count, capacity;
  text_block *blocks;     /* the newest first */
  size_t text_bytes;      /* the blocks' sizes */
  const char *last_unit;  /* the copy of the unit of the last row added: rows of one unit come together */
  long long next_seq;
  size_t *order;          /* positions in rows of the records not deleted, in reading order */
  size_t norder;
  int sorted;             /* order is up to date */
};

held_rows *held_rows_new(void) { return calloc(1, sizeof(held_rows)); }

void held_rows_clear(held_rows *h) {
  for (text_block *b = h->blocks, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  free(h->rows);
  free(h->order);
  long long seq = h->next_seq;
  memset(h, 0, sizeof *h);
  h->next_seq = seq; /* seq keeps counting: it orders rows wherever they went */
}

void held_rows_free(held_rows *h) {
  if (!h) return;
  held_rows_clear(h);
  free(h);
}

size_t held_rows_count(const held_rows *h) { return h->count; }

size_t held_rows_bytes(const held_rows *h) {
  return h->capacity * sizeof *h->rows + h->text_bytes + h->norder * sizeof *h->order;
}

held_row *held_rows_at(held_rows *h, size_t i) { return &h->rows[i]; }

/* A copy of the len bytes of text and a NUL in the set's blocks, or NULL
 * when memory runs out. */
static char *copy_text(held_rows *h, const char *text, size_t len) {
  text_block *b = h->blocks;
  if (!b || b->size - b->used < len + 1) {
    size_t size = len + 1 > TEXT_BLOCK_SIZE ? len + 1 : TEXT_BLOCK_SIZE;
    b = malloc(sizeof *b + size);
    if (!b) return NULL;
    b->used = 0;
    b->size = size;
    b->next = h->blocks;
    h->blocks = b;
    h->text_bytes += sizeof *b + size;
  }
  char *out = b->data + b->used;
  memcpy(out, text, len);
  out[len] = '\0';
  b->used += len + 1;
  return out;
}

const char *held_rows_keep_text(held_rows *h, const char *text) { return copy_text(h, text, strlen(text)); }

/* Room for one more record; 0 or -1. */
static int grow(held_rows *h) {
  if (h->count < h->capacity) return 0;
  size_t capacity = h->capacity ? h->capacity * 2 : 256;
  held_row *rows = realloc(h->rows, capacity * sizeof *rows);
  if (!rows) return -1;
  h->rows = rows;
  h->capacity = capacity;
  return 0;
}

int held_rows_add(held_rows *h, const held_row *r) {
  if (grow(h) != 0) return -1;
  held_row c = *r;
  if (r->unit) {
    /* one copy per run of rows of the same unit */
    if (!h->last_unit || strcmp(h->last_unit, r->unit) != 0) {
      const char *unit = copy_text(h, r->unit, strlen(r->unit));
      if (!unit) return -1;
      h->last_unit = unit;
    }
    c.unit = h->last_unit;
  }
  for (int i = 0; i < HT_COUNT; i++) {
    if (!r->text[i]) continue;
    c.text[i] = copy_text(h, r->text[i], strlen(r->text[i]));
    if (!c.text[i]) return -1; /* the texts copied so far stay in the blocks, unused */
  }
  c.seq = h->next_seq++;
  c.deleted = 0;
  h->rows[h->count++] = c;
  h->sorted = 0;
  return 0;
}

int held_rows_unit_cmp(const char *a, const char *b) {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  return strcmp(a, b);
}

/* Orders by unit, indicator, part, order, then the order added. */
static int compare_rows(const held_row *a, const held_row *b) {
  int c = held_rows_unit_cmp(a->unit, b->unit);
  if (c) return c;
  if (a->ind != b->ind) return a->ind < b->ind ? -1 : 1;
  if (a->part != b->part) return a->part < b->part ? -1 : 1;
  if (a->ord != b->ord) return a->ord < b->ord ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The rows qsort's comparison reads (qsort gives it no context). */
static const held_row *sorting_rows;

static int compare_positions(const void *a, const void *b) {
  return compare_rows(&sorting_rows[*(const size_t *)a], &sorting_rows[*(const size_t *)b]);
}

int held_rows_sort(held_rows *h) {
  if (h->sorted) return 0;
  size_t *order = realloc(h->order, (h->count ? h->count : 1) * sizeof *order);
  if (!order) return -1;
  h->order = order;
  h->norder = 0;
  int in_order = 1; /* rows usually come in reading order within a unit: then no sort is needed */
  for (size_t i = 0; i < h->count; i++) {
    if (h->rows[i].deleted) continue;
    if (h->norder && compare_rows(&h->rows[order[h->norder - 1]], &h->rows[i]) > 0) in_order = 0;
    order[h->norder++] = i;
  }
  if (!in_order) {
    sorting_rows = h->rows;
    qsort(order, h->norder, sizeof *order, compare_positions);
    sorting_rows = NULL;
  }
  h->sorted = 1;
  return 0;
}

void held_rows_unsort(held_rows *h) { h->sorted = 0; }

size_t held_rows_sorted_count(const held_rows *h) { return h->norder; }

const held_row *held_rows_sorted(const held_rows *h, size_t k) { return &h->rows[h->order[k]]; }

size_t held_rows_lower_bound(const held_rows *h, const char *unit, long long ind) {
  size_t lo = 0, hi = h->norder;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const held_row *r = &h->rows[h->order[mid]];
    int c = held_rows_unit_cmp(r->unit, unit);
    if (c < 0 || (c == 0 && r->ind < ind)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
