/* cycle_region: the management cycle of every municipality of a region's
 * store at once, as a regional methodologist runs it: one opening and one
 * run for the period, each municipality's cycle its own (what `cycle open`
 * and `cycle run` of that municipality alone would store), each with its
 * own pack layer over the region's pack (the folder named after the
 * municipality next to the region's pack, as `eval --all` finds it).
 *
 * A municipality that cannot take part (its layer does not load or does
 * not extend the region's pack, its cycle is closed or was opened with
 * other rules, its results hold errors) fails alone: its cycle stays as it
 * was, the others go on. Each municipality is stored in a transaction of
 * its own; the evaluation of all of them is one run in one process. */
#ifndef PDMON_CYCLE_REGION_H
#define PDMON_CYCLE_REGION_H

#include <stddef.h>
#include <sqlite3.h>

/* What became of one municipality. */
typedef struct cycle_outcome {
  const char *municipality;
  long long cycle;     /* its cycle of the period, 0 when it has none */
  int period;
  int failed;          /* 1: nothing was done for it; message says why */
  int kept;            /* cycle_open_all: the cycle existed already and was kept */
  const char *message; /* why it failed, else NULL */
} cycle_outcome;

/* Called once per municipality of the store, in code order. */
typedef void (*cycle_outcome_fn)(void *ud, const cycle_outcome *o);

/* Opens the cycle of period for every municipality of the store with
 * its own layer over the region's pack region_dir (titled title, may be
 * NULL), as cycle_open does for one; a municipality that already has a
 * cycle of the period with the same rules keeps it. Reports each
 * municipality to fn. Returns 0 (with *failed, how many failed), or -1
 * with err when nothing could be tried: the store has no municipality,
 * the region's pack does not load or is a municipality's. */
int cycle_open_all(sqlite3 *db, const char *store_path, const char *region_dir, int period, const char *title,
                   cycle_outcome_fn fn, void *ud, int *failed, char *err, size_t errlen);

/* Runs the cycle of period of every municipality of the store, as
 * cycle_run does for one: every municipality evaluated in one run with its
 * layer over region_dir, then each municipality's results, problem zones,
 * recommendations and ratings stored as its own cycle's, one transaction
 * each. Reports each municipality to fn. Returns 0 (with *failed), or -1
 * with err when the run as a whole failed (nothing stored). */
int cycle_run_all(sqlite3 *db, const char *store_path, const char *region_dir, int period, cycle_outcome_fn fn,
                  void *ud, int *failed, char *err, size_t errlen);

/* The latest period of the store's cycles, 0 when it has none. */
int cycle_latest_period(sqlite3 *db);

#endif
