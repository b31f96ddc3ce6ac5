/* report: what a municipality publishes about a cycle, in Russian, in the
 * order of the cycle: goals and tasks, indicators with values per
 * organization and in total, targets, status and dynamics, analysis,
 * recommendations by addressee, measures, decisions, effectiveness, what
 * carries into the next cycle, and the self-assessment. HTML (one
 * self-contained file with inline SVG charts), Markdown, JSON and CSV. */
#ifndef PDMON_REPORT_H
#define PDMON_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "cycle.h"

/* The report's model (the JSON of docs/report.md) as a cJSON object (void *
 * keeps cJSON out of this header; free with cJSON_Delete). */
void *report_build(sqlite3 *db, const cycle_ref *c, const char *org);

/* Writes the report of cycle c in format ("html", "md", "json" or "csv";
 * "xlsx" goes through xlsx_write, which needs a file),
 * limited to one organization when org is not NULL. Returns 0 or -1 with err. */
int report_write(sqlite3 *db, const cycle_ref *c, const char *format, const char *org, FILE *out,
                 char *err, size_t errlen);

/* The report's stylesheet, so other pages (pdmon serve) share its look. */
const char *report_css(void);

#endif
