/* cycle: the management cycle of a municipality for one period, in the
 * order the seeds describe it: goals and tasks, criteria and indicators,
 * data collection, monitoring, analysis, recommendations, measures,
 * decisions, and the analysis of the measures' effectiveness that opens the
 * next cycle. Each step is stored with its evidence; steps out of order are
 * refused with a message that says what is missing. */
#ifndef PDMON_CYCLE_H
#define PDMON_CYCLE_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

typedef struct cycle_ref {
  long long id;
  char municipality[128];
  int period;
  char state[8];         /* open, run, closed */
  char pack_dir[4096];
} cycle_ref;

/* Opens the cycle of municipality for period with the pack at pack_dir:
 * goals and tasks from the pack, unresolved problems of the last closed
 * cycle carried over. Refuses a second cycle for the period and a new one
 * while an earlier cycle is not closed. Returns 0, or 1 with err. */
int cycle_open(sqlite3 *db, const char *municipality, int period, const char *title,
               const char *pack_dir, long long *id, char *err, size_t errlen);

struct pack_summary;
struct result_sink;

/* As cycle_open, with the summary of the pack at pack_dir already loaded
 * (a region-wide opening loads each pack once for every municipality). */
int cycle_open_summarized(sqlite3 *db, const char *municipality, int period, const char *title, const char *pack_dir,
                          const struct pack_summary *summary, long long *id, char *err, size_t errlen);

/* Finds cycle id (0: the latest of municipality, NULL municipality: any). */
int cycle_find(sqlite3 *db, const char *municipality, long long id, cycle_ref *out, char *err, size_t errlen);

/* Monitoring, analysis and recommendations: evaluates every indicator and
 * stores the results with the pack's content hash and a copy of its files,
 * the problem zones and the recommendations, replacing an earlier run of
 * the same open cycle atomically. A closed cycle is refused. */
int cycle_run(sqlite3 *db, const char *store_path, const cycle_ref *c, char *err, size_t errlen);

/* The store's half of cycle_run: the evaluation's results of unit (the
 * cycle's municipality in the sink of a run of every municipality; NULL
 * in a run of one), made with the pack summary describes and statements
 * SQL statements, become the cycle's monitoring, problem zones,
 * recommendations and ratings in one transaction. Results holding errors
 * store nothing: returns 1 with err naming each failed indicator (as
 * does a closed cycle); -1 with err when the store fails; 0 when stored. */
int cycle_store(sqlite3 *db, const cycle_ref *c, struct result_sink *sink, const char *unit, int statements,
                const struct pack_summary *summary, char *err, size_t errlen);

/* Derives the problem zones again, as a run does, at the places listed in
 * the table named places (a temporary table of the caller: cycle_id,
 * indicator, organization, NULL for the municipality) whose result rows
 * (without a breakdown) were re-judged and changed. Returns 0 or -1 with err. */
int cycle_rederive_problems(sqlite3 *db, const char *places, char *err, size_t errlen);

/* Closes the cycle: analyses the effectiveness of the measures of the
 * previous cycle on their indicators; unresolved problems stay to be
 * carried into the next cycle. Refused before monitoring, and while
 * problems were found but no measure or decision was recorded. */
int cycle_close(sqlite3 *db, const cycle_ref *c, char *err, size_t errlen);

/* FNV-1a 64-bit hash of the pack's rule files (every layer), as 16 hex
 * digits; copies each file into cycle_pack_file when db and cycle are
 * given. Returns 0 or -1 with err. */
int cycle_pack_hash(sqlite3 *db, long long cycle, char layers[][1024], int nlayers, char hex[17],
                    char *err, size_t errlen);

/* Writes the pack files stored with cycle c back into a fresh folder under
 * $TMPDIR, each layer as a sibling folder of its own name (so extends still
 * resolves), and puts the restored pack's folder into pack_dir. The caller
 * removes it with cycle_remove_restored(root). Returns 0 or -1 with err. */
int cycle_restore_pack(sqlite3 *db, const cycle_ref *c, char *root, size_t rootlen, char *pack_dir, size_t dirlen,
                       char *err, size_t errlen);

/* Removes a folder made by cycle_restore_pack. */
void cycle_remove_restored(const char *root);

#endif
