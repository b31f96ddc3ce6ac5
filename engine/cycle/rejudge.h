/* rejudge: a municipality (or the region) changed a target phrase in its
 * pack and must see the new statuses without reading the data again. The
 * stored figures of monitored cycles (cycle_result: the value, numerator
 * and denominator of the year, the base year's value of a growth or a
 * linear path, the cumulative figure of a cumulative target) are judged
 * again against the pack's current targets by the stdlib's own judging
 * (stdlib/evaluation.lua, make_row), once per indicator, target and
 * figures, and only the rows whose judgement changes are written. The
 * problem zones follow; the recommendations and ratings, which rule code
 * makes from every row, are not re-derived, and the report says so.
 *
 * History stays true: only cycles that ran and are not closed change; a
 * closed cycle's record never changes (a dry run shows how the new targets
 * would judge it). Each re-judged (cycle, indicator) gets a row in
 * cycle_judgement naming the target phrases before and after, when, from
 * which pack, and how many statuses changed. An indicator whose formula
 * changed since the cycle ran, or whose new target compares with a figure
 * the cycle did not compute (another base year, a cumulative figure since
 * another year), is not re-judged and is named with what it needs. */
#ifndef PDMON_REJUDGE_H
#define PDMON_REJUDGE_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

typedef struct rejudge_options {
  long long cycle;       /* the cycle to re-judge; 0: every cycle of the store */
  const char *pack_dir;  /* the pack to judge against; NULL: each cycle's own pack folder.
                            With every cycle, a municipality's layer is the folder named
                            after it next to pack_dir, when there is one (as eval --all) */
  int dry_run;           /* judge and report, change nothing (closed cycles allowed) */
} rejudge_options;

/* What a re-judgement did, for the command's summary and the benchmarks. */
typedef struct rejudge_summary {
  int cycles;            /* cycles looked at */
  int skipped_closed, skipped_open; /* cycles left alone: closed, or not run yet */
  int indicators;        /* (cycle, indicator) pairs re-judged */
  int unchanged;         /* pairs whose targets had not changed */
  int refused;           /* pairs not re-judged: formula changed, or figures lacking */
  long long rows, changed; /* result rows re-judged; of them, rows whose status changed */
  long long groups;      /* distinct (indicator, target, figures) judged */
  int advice_stale;      /* pairs whose recommendations or ratings read the re-judged statuses */
} rejudge_summary;

/* Re-judges the cycles opt selects in the store db (opened for writing),
 * writing what it did, in the user's language, to out (NULL: nothing).
 * Returns 0; 1 with err when the request cannot be met (a named cycle is
 * closed or not run, a pack does not load, a layer does not extend the
 * region's pack); -1 with err on a store error. Atomic: on failure nothing
 * changes. */
int cycle_rejudge(sqlite3 *db, const rejudge_options *opt, FILE *out, rejudge_summary *summary, char *err,
                  size_t errlen);

#endif
