/* report_html: the report as one self-contained HTML page (no scripts, no external assets)
 * for the municipality's website and for print: page one is the summary (the period and
 * its as-of date, indicators met and not met with one chart, the most serious problems, the
 * measures of the next quarter, the decisions taken); then the cycle's sections; then the
 * appendices (values indicator by organization; the technical record). A4 print styles
 * (repeated table headers, no row split across pages, page numbers and the generation date
 * in the footer) and a phone layout (390 px: value, target and status without sideways
 * scrolling). One organization's page shows its own rows against the municipality's. */
#ifndef PDMON_REPORT_HTML_H
#define PDMON_REPORT_HTML_H

#include <stdio.h>

/* The page's stylesheet (screen, print and phone rules; the A4 page rule is
 * written with the page, as it carries the generation date). */
const char *report_html_css(void);

/* Writes the model built by report_build (a cJSON object) as HTML. */
void report_html(const void *model, FILE *out);

#endif
