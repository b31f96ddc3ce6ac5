/* xlsx: the cycle's report as an Excel workbook (libxlsxwriter): a summary
 * sheet, a sheet per criterion, recommendations and the roadmap; numbers
 * stored as numbers with formats, statuses coloured by conditional
 * formatting, frozen header rows, sensible column widths. */
#ifndef PDMON_XLSX_H
#define PDMON_XLSX_H

#include <stddef.h>
#include <sqlite3.h>
#include <xlsxwriter.h>

#include "cycle.h"
#include "report.h"

/* Writes the workbook of cycle c (one organization's when opt->organization
 * is set; opt may be NULL) to path. */
int xlsx_write(sqlite3 *db, const cycle_ref *c, const report_options *opt, const char *path, char *err, size_t errlen);

/* Prints a sheet whose first row heads a table as officials print it: A4
 * landscape, one page wide, the header frozen and repeated on every page,
 * footer at the bottom. The municipal and the region's workbooks share it. */
void xlsx_print_as_table(lxw_worksheet *ws, const char *footer);

#endif
