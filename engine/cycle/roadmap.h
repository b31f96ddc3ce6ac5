/* roadmap: the plan of measures ("дорожная карта") as municipalities write
 * it, imported with its schedules parsed into due windows, linked to the
 * cycle that takes the measures and to the indicators they serve; each
 * measure and each of its yearly occurrences done, due, overdue or planned
 * on a date (a report's as-of date); and management decisions (orders,
 * protocols) recorded as documents linked to measures and the cycle. */
#ifndef PDMON_ROADMAP_H
#define PDMON_ROADMAP_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "import.h"

/* Imports a roadmap file for municipality, attached to cycle (0: none)
 * whose pack is pack_dir (its programme years date "ежегодно", its
 * indicators are the ones a measure may name). Same contract as
 * import_file: 0 imported, 1 invalid rows and nothing written, -1 failure. */
int roadmap_import(sqlite3 *db, const char *path, const char *municipality, long long cycle,
                   const char *pack_dir, const import_options *opt, import_report *report,
                   char *err, size_t errlen);

/* The measures of municipality (only those of cycle when cycle > 0), each
 * with its state on as_of (ISO date) and its occurrences: one per year a
 * window of its schedule falls in (a window over whole years, "в течение
 * всего периода (2021-2024)", counts once a year; one that wraps into the
 * next year, "октябрь-апрель", belongs to the year it starts). An
 * occurrence is done (marked with roadmap_done), overdue (its window ended
 * before as_of), due (as_of is in its window, or before a deadline
 * "до ...") or planned. The measure is done when marked done as a whole or
 * when every occurrence that has begun is done; else overdue, due or
 * planned by its occurrences of from_year and later (the earlier ones are
 * the earlier cycles'; 0: all count; when none is that late, its last
 * occurrence counts, so a lapsed deadline stays overdue). "По отдельному
 * графику" is planned until done. Returns a cJSON array (void * keeps cJSON
 * out of this header), or NULL with err. */
void *roadmap_states(sqlite3 *db, const char *municipality, long long cycle, int from_year, const char *as_of,
                     char *err, size_t errlen);

/* Lists the measures of roadmap_states for people: state, number, title,
 * schedule, responsible, and the occurrences of a recurring measure;
 * filter "due" or "overdue" (or NULL for all). */
int roadmap_list(sqlite3 *db, const char *municipality, long long cycle, int from_year, const char *as_of,
                 const char *filter, FILE *out, char *err, size_t errlen);

/* Marks measure id done with document_id as its evidence: the whole
 * measure when occurrence is 0, else its occurrence of that year (which
 * must be one of the measure's). Returns 0, 1 (no such measure, document
 * or occurrence) or -1, with err. */
int roadmap_done(sqlite3 *db, long long measure, int occurrence, const char *document_id, char *err, size_t errlen);

/* Records a decision (kind order or protocol) as a document of
 * municipality linked to cycle (0: none) and to the listed measures. */
int roadmap_decision(sqlite3 *db, const char *municipality, const char *kind, const char *number,
                     const char *date, const char *title, const char *link, long long cycle,
                     const long long *measures, size_t nmeasures, char *err, size_t errlen);

#endif
