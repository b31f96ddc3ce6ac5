/* roadmap: the plan of measures ("дорожная карта") as municipalities write
 * it, imported with its schedules parsed into due windows, linked to the
 * cycle that takes the measures and to the indicators they serve; listed
 * as due, overdue or done on a date; and management decisions (orders,
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

/* Lists measures of municipality with their state on date (ISO): done,
 * due, overdue or planned; filter "due" or "overdue" or NULL for all. */
int roadmap_list(sqlite3 *db, const char *municipality, const char *date, const char *filter, FILE *out,
                 char *err, size_t errlen);

/* Marks measure id done, with document_id as its evidence. */
int roadmap_done(sqlite3 *db, long long measure, const char *document_id, char *err, size_t errlen);

/* Records a decision (kind order or protocol) as a document of
 * municipality linked to cycle (0: none) and to the listed measures. */
int roadmap_decision(sqlite3 *db, const char *municipality, const char *kind, const char *number,
                     const char *date, const char *title, const char *link, long long cycle,
                     const long long *measures, size_t nmeasures, char *err, size_t errlen);

#endif
