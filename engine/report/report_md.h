/* report_md: the report as Markdown for documents, in the HTML report's order: the summary,
 * the cycle's sections, the values of the organizations by indicator. */
#ifndef PDMON_REPORT_MD_H
#define PDMON_REPORT_MD_H

#include <stdio.h>

/* Writes the model built by report_build (a cJSON object) as Markdown. */
void report_md(const void *model, FILE *out);

#endif
