/* result_sink: where an evaluation's results go as they are made, so that
 * no run holds them all in memory, whatever the size of the region: the
 * rows are held in memory while they take less than a limit (64 MiB: one
 * indicator of the country), and past it they go, with everything else,
 * to a private temporary SQLite database (on disk, with a bounded page
 * cache). The streaming evaluation (stdlib/evaluation.lua) writes row by
 * row; the output, the cycle's store and the reports read back in order,
 * the same rows in the same order wherever they were kept.
 *
 * Each indicator's description (title, unit, reading, ...) is kept once;
 * rows hold only their figures. A unit is the municipality a row belongs
 * to in a region-wide run (NULL in a run of one municipality or of the
 * region taken as one). Rows come back ordered by unit, indicator (in the
 * pack's order), the total first, then the organizations in id order,
 * then the breakdowns.
 *
 * The evaluation reaches the sink as a Lua object (result_sink_push):
 *   sink:row(seq, unit, part, ord, row, pending_kind)
 *       part 0 the total, 1 an organization, 2 a breakdown; row is the
 *       stdlib's result table; pending_kind: the organization's kind when
 *       the row may still turn out not to apply (see not_applicable)
 *   sink:not_applicable(seq, unit, kind, message)
 *       the pending rows of that kind do not apply after all
 *   sink:fail(seq, unit, message)
 *       the indicator failed: its rows are replaced by one error row
 *   sink:recommendation(rule, seq, unit, part, ord, organization, addressee, priority, text, pending_kind)
 *   sink:rating(rating, id, title, method, missing_zero)
 *   sink:rating_part(rating, seq, unit, organization, organization_name, achievement, weight, pending_kind)
 *   sink:judgement(seq, unit, targets, formula)
 *       fingerprints of what the indicator's statuses are judged against
 *       (its targets) and of how its figures are made (its formula)
 * Every Lua value is read inside the caller's protected call. */
#ifndef PDMON_RESULT_SINK_H
#define PDMON_RESULT_SINK_H

#include <lua.h>
#include <stddef.h>

#include "results.h"

typedef struct result_sink result_sink;

/* The description of one indicator; every field may be NULL but id. */
typedef struct indicator_desc {
  const char *id, *criterion, *title, *unit, *criterion_title, *source, *level, *reading, *deadline;
} indicator_desc;

/* Opens an empty sink. Returns 0, or -1 with err. */
int result_sink_open(result_sink **out, char *err, size_t errlen);

void result_sink_close(result_sink *s);

/* How many bytes of rows the sink holds in memory before it moves them
 * to its database (the tests move them from the first row, with 0). */
void result_sink_set_memory_limit(result_sink *s, size_t bytes);

/* Tags every row, failure, recommendation and rating part from now on with
 * unit (a municipality of a region-wide run, evaluated with its own pack
 * layer), whatever the evaluation says; NULL: as the evaluation says.
 * Descriptions and result_sink_fail_all are then the unit's own. Returns
 * 0, or -1 when memory runs out. */
int result_sink_set_unit(result_sink *s, const char *unit);

/* Records the description of indicator seq (1-based, the pack's order). */
int result_sink_describe(result_sink *s, int seq, const indicator_desc *d, char *err, size_t errlen);

/* Pushes the sink's Lua object; the sink must outlive its use. */
void result_sink_push(lua_State *L, result_sink *s);

/* Replaces every result of the run (of the current unit, when one is
 * set) by one error row per described indicator (the evaluation as a
 * whole failed, or spent its budget). */
int result_sink_fail_all(result_sink *s, const char *message, char *err, size_t errlen);

/* Applies what came last (not-applicable kinds, failures) and computes the
 * composite ratings. Call once, after the evaluation, before reading. */
int result_sink_finish(result_sink *s, char *err, size_t errlen);

/* Calls fn for every row, in order (only those of organization when not
 * NULL). The row is borrowed: valid during the call only. fn returns 0 to
 * go on; any other value stops and is returned. */
int result_sink_each_row(result_sink *s, const char *organization, result_row_fn fn, void *ud);

/* As result_sink_each_row, for the rows whose status is error only (in
 * the same order): what eval reports on stderr, without reading the rest. */
int result_sink_each_error(result_sink *s, const char *organization, result_row_fn fn, void *ud);

/* As result_sink_each_row, for the rows of one unit and indicator. */
int result_sink_each_row_of(result_sink *s, const char *unit, int seq, const char *organization, result_row_fn fn,
                            void *ud);

/* Calls fn for every (unit, indicator) that has rows (of organization when
 * not NULL), in order. */
int result_sink_each_block(result_sink *s, const char *organization, result_block_fn fn, void *ud);

typedef int (*recommendation_fn)(void *ud, const recommendation *r);
int result_sink_each_recommendation(result_sink *s, recommendation_fn fn, void *ud);

typedef int (*rating_fn)(void *ud, const rating_row *r);
int result_sink_each_rating(result_sink *s, rating_fn fn, void *ud);

/* The rows, recommendations and ratings of one unit (NULL: the untagged
 * ones of a run of one municipality), in the order of the readers above:
 * what a cycle of that municipality stores. The first call indexes the
 * sink by unit, so that reading every unit in turn stays linear. */
int result_sink_each_row_in(result_sink *s, const char *unit, result_row_fn fn, void *ud);
int result_sink_each_recommendation_in(result_sink *s, const char *unit, recommendation_fn fn, void *ud);
int result_sink_each_rating_in(result_sink *s, const char *unit, rating_fn fn, void *ud);

/* How many rows of unit (NULL as above) have status error. */
long long result_sink_errors_in(result_sink *s, const char *unit);

/* Calls fn(ud, unit, indicator, targets, formula) for every indicator's
 * fingerprints (sink:judgement) of unit (NULL: a single run's), in order;
 * strings are borrowed. One unit's, by index: a region-wide run stores
 * each municipality's cycle in turn, and reading every municipality's
 * fingerprints for each made cycle run --all quadratic. */
typedef int (*judgement_fn)(void *ud, const char *unit, const char *indicator, const char *targets,
                            const char *formula);
int result_sink_each_judgement_in(result_sink *s, const char *unit, judgement_fn fn, void *ud);

/* How many rows have status error; how many rows name organization. */
long long result_sink_errors(result_sink *s);
long long result_sink_organization_rows(result_sink *s, const char *organization);

/* The sink as a source of rows for results_render_source (only the rows
 * of organization when not NULL); it reads s, which must outlive it. */
typedef struct result_sink_source {
  result_sink *sink;
  const char *organization;
} result_sink_source;
result_source result_sink_as_source(result_sink_source *src);

/* Copies every row, recommendation and rating into out (for tests and
 * small runs; the caller frees it with results_free). */
int result_sink_load(result_sink *s, const char *organization, result_set *out, char *err, size_t errlen);

#endif
