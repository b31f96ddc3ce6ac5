/* upload: data files sent from the browser, through the same importer as
 * 'pdmon import'. A file is first checked whole (dry run) and against the
 * account's scope (a municipality's rows only, a school's own staff and
 * activities only); then the page shows either a preview of its first rows
 * with the button that imports every row, or the per-row errors (line,
 * column, value, what is wrong) with a downloadable file of the rejected
 * rows, and nothing written. Files are bounded in size (the body limit) and
 * rows. Templates of each entity's columns are downloadable. Formats are
 * recognised by their first bytes; CSV is read now, and a converter for
 * XLSX plugs into the table of formats. */
#ifndef PDMON_UPLOAD_H
#define PDMON_UPLOAD_H

#include "http.h"

void upload_form(web_request *r);
void upload_receive(web_request *r);
void upload_commit(web_request *r);
void upload_rejected(web_request *r);
void upload_template(web_request *r);

/* One problem message of the importer ("PATH:LINE: column: what is wrong
 * (value)") split for the errors table; parts point into buf. */
typedef struct upload_problem_parts {
  long line;
  const char *column, *value, *reason;
} upload_problem_parts;

void upload_split_problem(const char *message, const char *path, char *buf, size_t buflen, upload_problem_parts *out);

#endif
