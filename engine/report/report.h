/* report: what a municipality publishes about a cycle, in Russian, summary first: the
 * period and its as-of date, how many indicators met their targets, the most serious
 * problems, the measures due next and the decisions taken; then the cycle in its order
 * (goals and tasks, indicators, analysis with problem zones grouped by indicator,
 * recommendations by addressee, the roadmap's state on the as-of date, decisions,
 * effectiveness, what carries into the next cycle, self-assessment) and two appendices
 * (values indicator by organization; the technical record). HTML (one self-contained,
 * printable A4 page), Markdown, JSON (the model every format renders), CSV for Russian
 * Excel or in machine form. */
#ifndef PDMON_REPORT_H
#define PDMON_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "cycle.h"

/* What a report is made for. */
typedef struct report_options {
  const char *organization; /* one organization's page (its rows and the municipality's), or NULL */
  const char *as_of;        /* ISO date the roadmap is judged on; NULL: the last day of the period */
  int plain;                /* csv: the machine form (codes, '.' decimals, ',' separated, no BOM) */
} report_options;

/* The report's model (the JSON of docs/report.md) as a cJSON object (void *
 * keeps cJSON out of this header; free with cJSON_Delete), or NULL with err
 * (a bad as-of date, an unknown organization). opt may be NULL. */
void *report_build(sqlite3 *db, const cycle_ref *c, const report_options *opt, char *err, size_t errlen);

/* Writes the report of cycle c in format ("html", "md", "json" or "csv";
 * "xlsx" goes through xlsx_write, which needs a file). Returns 0 or -1
 * with err. */
int report_write(sqlite3 *db, const cycle_ref *c, const char *format, const report_options *opt, FILE *out,
                 char *err, size_t errlen);

/* The report's stylesheet, so other pages (pdmon serve) share its look. */
const char *report_css(void);

#endif
