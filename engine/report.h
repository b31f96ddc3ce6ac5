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

/* Writes the report of cycle c in format ("html", "md", "json" or "csv"),
 * limited to one organization when org is not NULL. Returns 0 or -1 with err. */
int report_write(sqlite3 *db, const cycle_ref *c, const char *format, const char *org, FILE *out,
                 char *err, size_t errlen);

#endif
