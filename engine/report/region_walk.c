/* region_walk.c: the walks over the region's rows that the renderers of the region's report
 * share. The promises are in region_walk.h. */
#include "region_walk.h"

#include <string.h>

#include "report_text.h"

static const char *const kinds[REGION_KINDS] = {"met", "on_track", "behind", "not_met", "other"};

const char *region_kind(int k) { return k >= 0 && k < REGION_KINDS ? kinds[k] : kinds[REGION_KINDS - 1]; }

static int kind_of(const char *judgement) {
  for (int k = 0; k < REGION_KINDS - 1; k++)
    if (!strcmp(judgement, kinds[k])) return k;
  return REGION_KINDS - 1;
}

/* ---- histograms ---- */

typedef struct histogram {
  const region *r;
  region_histogram_fn fn;
  void *ud;
  size_t indicator; /* the one being counted; (size_t)-1 before the first */
  region_scale scale;
  int counts[REGION_BINS][REGION_KINDS];
} histogram;

static void histogram_flush(histogram *h) {
  if (h->indicator != (size_t)-1) h->fn(h->ud, h->indicator, &h->scale, (const int(*)[REGION_KINDS])h->counts);
}

static int histogram_cell(void *ud, const region_cell *cell) {
  histogram *h = ud;
  if (cell->indicator != h->indicator) {
    histogram_flush(h);
    memset(h->counts, 0, sizeof h->counts);
    h->indicator = cell->indicator;
    region_scale_of(&h->r->indicators[cell->indicator], REGION_BINS, &h->scale);
  }
  if (cell->has_value) h->counts[region_bin(&h->scale, cell->value)][kind_of(region_judgement(cell))]++;
  return 0;
}

int region_walk_histograms(region *r, region_histogram_fn fn, void *ud) {
  histogram h = {.r = r, .fn = fn, .ud = ud, .indicator = (size_t)-1};
  int rc = region_each(r, REGION_BY_INDICATOR, histogram_cell, &h);
  histogram_flush(&h);
  return rc;
}

/* ---- below target ---- */

typedef struct below {
  const region *r;
  const region_below_marks *marks;
  void *ud;
  size_t indicator; /* (size_t)-1 before the first */
  int behind;       /* the open list is of those behind the path; -1: no list yet for the indicator */
  int open;         /* a list is open */
} below;

static void below_close(below *b) {
  if (b->open) b->marks->list_end(b->ud);
  b->open = 0;
}

static int below_cell(void *ud, const region_cell *cell) {
  below *b = ud;
  const region_indicator *ind = &b->r->indicators[cell->indicator];
  int behind = strcmp(cell->status, "not_met") != 0;
  report_buf words = {0};
  if (cell->indicator != b->indicator) {
    below_close(b);
    if (b->indicator != (size_t)-1) b->marks->indicator_end(b->ud);
    b->indicator = cell->indicator;
    b->marks->indicator(b->ud, ind);
    b->behind = -1;
  }
  int first = behind != b->behind;
  if (first) {
    below_close(b);
    b->behind = behind;
    region_below_count_sentence(&words, ind, behind);
    b->marks->list(b->ud, behind ? region_word.behind : region_word.not_met, words.s);
    report_buf_free(&words);
    b->open = 1;
  }
  region_below_figures(&words, ind, cell, behind);
  b->marks->entry(b->ud, &b->r->municipalities[cell->municipality], words.s, first);
  report_buf_free(&words);
  return 0;
}

int region_walk_below(region *r, const region_below_marks *marks, void *ud) {
  below b = {.r = r, .marks = marks, .ud = ud, .indicator = (size_t)-1, .behind = -1};
  int rc = region_each(r, REGION_BELOW_TARGET, below_cell, &b);
  below_close(&b);
  if (b.indicator != (size_t)-1) marks->indicator_end(ud);
  int first = 1;
  for (size_t i = 0; i < r->nindicators; i++) {
    if (r->indicators[i].not_met || r->indicators[i].behind) continue;
    marks->clear(ud, &r->indicators[i], first);
    first = 0;
  }
  if (!first) marks->clear_end(ud);
  return rc;
}

/* ---- appendix 1: municipality × indicator ---- */

typedef struct matrix {
  const region *r;
  const region_grid_marks *marks;
  void *ud;
  size_t from, to;    /* the indicators of this table */
  size_t next_row;    /* the municipality whose row comes next */
  size_t next_column; /* the indicator whose cell comes next in the open row */
  int row_open;
} matrix;

static void matrix_fill(matrix *x, size_t until) {
  for (; x->next_column < until; x->next_column++) x->marks->gap(x->ud);
}

static void matrix_end_row(matrix *x) {
  if (!x->row_open) return;
  matrix_fill(x, x->to);
  x->marks->row_end(x->ud);
  x->row_open = 0;
}

/* Rows of municipalities without a cycle before m. */
static void matrix_skip_to(matrix *x, size_t m) {
  for (; x->next_row < m; x->next_row++)
    if (!x->r->municipalities[x->next_row].cycle) /* one with a cycle: written when its cells come */
      x->marks->no_cycle(x->ud, &x->r->municipalities[x->next_row], x->to - x->from);
}

static int matrix_cell(void *ud, const region_cell *cell) {
  matrix *x = ud;
  if (cell->indicator < x->from || cell->indicator >= x->to) return 0;
  if (!x->row_open || cell->municipality != x->next_row - 1) {
    matrix_end_row(x);
    matrix_skip_to(x, cell->municipality);
    x->marks->row(x->ud, &x->r->municipalities[cell->municipality]);
    x->row_open = 1;
    x->next_column = x->from;
    x->next_row = cell->municipality + 1;
  }
  matrix_fill(x, cell->indicator);
  char value[96];
  x->marks->cell(x->ud, region_judgement(cell), region_cell_text(&x->r->indicators[cell->indicator], cell, value, sizeof value));
  x->next_column = cell->indicator + 1;
  return 0;
}

int region_walk_matrix(region *r, size_t most_per_table, const region_grid_marks *marks, void *ud) {
  int rc = 0;
  size_t n = r->nindicators, tables = (n + most_per_table - 1) / most_per_table;
  size_t per = tables ? (n + tables - 1) / tables : 1;
  for (size_t from = 0; from < n && rc == 0; from += per) {
    size_t to = from + per < n ? from + per : n;
    marks->table(ud, from, to);
    matrix x = {.r = r, .marks = marks, .ud = ud, .from = from, .to = to};
    rc = region_each(r, REGION_BY_MUNICIPALITY, matrix_cell, &x);
    matrix_end_row(&x);
    matrix_skip_to(&x, r->nmunicipalities);
    marks->table_end(ud);
  }
  return rc;
}

/* ---- appendix 2: the values over the cycles ---- */

typedef struct dynamics {
  const region *r;
  const region_grid_marks *marks;
  void *ud;
  size_t indicator, municipality;
  int row_open, column; /* the next period's column */
} dynamics;

static void dynamics_end_row(dynamics *d) {
  if (!d->row_open) return;
  for (; d->column < d->r->nperiods; d->column++) d->marks->gap(d->ud);
  d->marks->row_end(d->ud);
  d->row_open = 0;
}

static void dynamics_end_table(dynamics *d) {
  dynamics_end_row(d);
  if (d->indicator != (size_t)-1) d->marks->table_end(d->ud);
}

static int dynamics_cell(void *ud, const region_cell *cell) {
  dynamics *d = ud;
  const region *r = d->r;
  if (cell->indicator != d->indicator) {
    dynamics_end_table(d);
    d->indicator = cell->indicator;
    d->municipality = (size_t)-1;
    d->marks->table(d->ud, cell->indicator, cell->indicator + 1);
  }
  if (cell->municipality != d->municipality) {
    dynamics_end_row(d);
    d->municipality = cell->municipality;
    d->marks->row(d->ud, &r->municipalities[cell->municipality]);
    d->row_open = 1;
    d->column = 0;
  }
  for (; d->column < r->nperiods && r->periods[d->column] < cell->period; d->column++) d->marks->gap(d->ud);
  if (d->column >= r->nperiods || r->periods[d->column] != cell->period) return 0;
  char value[96];
  d->marks->cell(d->ud, region_judgement(cell),
                 region_value(&r->indicators[cell->indicator], cell->has_value, cell->value, value, sizeof value));
  d->column++;
  return 0;
}

int region_walk_dynamics(region *r, const region_grid_marks *marks, void *ud) {
  dynamics d = {.r = r, .marks = marks, .ud = ud, .indicator = (size_t)-1, .municipality = (size_t)-1};
  int rc = region_each(r, REGION_DYNAMICS, dynamics_cell, &d);
  dynamics_end_table(&d);
  return rc;
}
