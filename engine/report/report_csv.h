/* report_csv: the report's values, one row per indicator and organization (the
 * municipality's total first). The Excel form is what Russian Excel opens with a double
 * click: UTF-8 with a BOM, ';' between fields, decimal commas, Russian headers, names and
 * statuses in words, text that would start a formula neutralized. The plain form is the
 * machine form: codes, '.' decimals, ',' between fields, no BOM. */
#ifndef PDMON_REPORT_CSV_H
#define PDMON_REPORT_CSV_H

#include <stdio.h>

/* Writes the model built by report_build (a cJSON object) as CSV; plain
 * selects the machine form. */
void report_csv(const void *model, int plain, FILE *out);

#endif
