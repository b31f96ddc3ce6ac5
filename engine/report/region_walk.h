/* region_walk: the walks over the region's rows that every renderer of the region's report
 * shares (HTML, Markdown). Each reads a section's rows from region_each and tells the
 * renderer what to write as a series of marks: where a table, a row, a list begins and
 * ends, where a cell has a result and where it has none, with the words each place shows
 * (region.h's, as plain text), so a renderer writes only its own markup and escaping and
 * none of the bookkeeping. Internal to engine/report. Each walk returns 0, or
 * -1 on a store error. */
#ifndef PDMON_REGION_WALK_H
#define PDMON_REGION_WALK_H

#include <stddef.h>

#include "region.h"

/* The histogram of an indicator: its municipalities' values in REGION_BINS equal
 * intervals of its scale (two for a presence), each bin by judgement. */
enum { REGION_BINS = 10, REGION_KINDS = 5 };

/* The judgements a histogram's bins are stacked by, in that order: met, on_track,
 * behind, not_met, other (every other judgement). */
const char *region_kind(int k);

typedef void (*region_histogram_fn)(void *ud, size_t indicator, const region_scale *scale,
                                    const int counts[REGION_BINS][REGION_KINDS]);

/* Calls fn once for every indicator with a result, in the indicators' order. */
int region_walk_histograms(region *r, region_histogram_fn fn, void *ud);

/* The marks of the municipalities below target, indicator by indicator: its heading, then
 * the list of those that did not meet the target and of those behind the path, each with
 * its title («Не достигли цели») and count («3 муниципалитета из 38»), each list's entries
 * furthest from the target first (first: the list's first; figures: what follows the
 * municipality's name, « — 23,78% при траектории 30%»); then each indicator with nobody
 * below (first: the first of them) and, when there was one, the end of that list. */
typedef struct region_below_marks {
  void (*indicator)(void *ud, const region_indicator *ind);
  void (*list)(void *ud, const char *title, const char *count);
  void (*entry)(void *ud, const region_municipality *m, const char *figures, int first);
  void (*list_end)(void *ud);
  void (*indicator_end)(void *ud);
  void (*clear)(void *ud, const region_indicator *ind, int first);
  void (*clear_end)(void *ud);
} region_below_marks;

int region_walk_below(region *r, const region_below_marks *marks, void *ud);

/* The marks of a grid: tables of rows of cells. A cell has a result (cell: its judgement
 * and its value for people) or none (gap). */
typedef struct region_grid_marks {
  void (*table)(void *ud, size_t first, size_t last); /* matrix: its indicators [first, last); dynamics: indicator first */
  void (*row)(void *ud, const region_municipality *m);
  void (*no_cycle)(void *ud, const region_municipality *m, size_t columns); /* matrix: the row of one without a cycle */
  void (*cell)(void *ud, const char *judgement, const char *value);
  void (*gap)(void *ud);
  void (*row_end)(void *ud);
  void (*table_end)(void *ud);
} region_grid_marks;

/* Appendix 1: a municipality × indicator table for each run of at most most_per_table
 * indicators (split evenly), a row per municipality in name order (those without a cycle
 * of the period marked where they stand), a cell per indicator (region_cell_text). */
int region_walk_matrix(region *r, size_t most_per_table, const region_grid_marks *marks, void *ud);

/* Appendix 2: a table per indicator with a result in the cycles of r->periods, a row per
 * municipality with one, a cell per period (region_value). */
int region_walk_dynamics(region *r, const region_grid_marks *marks, void *ud);

#endif
