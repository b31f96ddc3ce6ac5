/* analysis: what the monitoring of a cycle shows: each indicator against
 * its target with its dynamics over the earlier cycles, the problem zones,
 * the ranking of organizations by targets met, the pack's composite
 * ratings, the comparison with the other municipalities of the store, and
 * the recommendations grouped by addressee. */
#ifndef PDMON_ANALYSIS_H
#define PDMON_ANALYSIS_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "cycle.h"

/* Builds the analysis of cycle c as a cJSON object (returned as void * to
 * keep cJSON out of this header; the caller frees it with cJSON_Delete). */
void *analysis_build(sqlite3 *db, const cycle_ref *c);

/* Rows of sql as a JSON array of objects keyed by column name (void *:
 * a cJSON array). Parameters: ?1 cycle id, ?2 municipality, ?3 period,
 * ?4 organization (org, or NULL). Reports use it too. */
void *analysis_rows(sqlite3 *db, const cycle_ref *c, const char *org, const char *sql);

/* The SQL of the analysis's i-th statement (from 0; NULL past the last): what the
 * analysis and its recommendations read, so that a test can ask SQLite how it reads them.
 * Parameters as for analysis_rows. */
const char *analysis_statement(size_t i);

/* Writes the analysis as "table" or "json". Returns 0 or -1 with err. */
int analysis_write(sqlite3 *db, const cycle_ref *c, const char *format, FILE *out, char *err, size_t errlen);

/* Writes the recommendations of cycle c grouped by addressee (only
 * addressee when not NULL). */
int analysis_recommendations(sqlite3 *db, const cycle_ref *c, const char *addressee, FILE *out, char *err, size_t errlen);

#endif
