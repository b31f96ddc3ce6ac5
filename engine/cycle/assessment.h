/* assessment: the status of a cycle's nine components, named as the seeds
 * name them, and the self-assessment the federal monitoring of municipal
 * quality-management mechanisms applies: yes/no criteria per component,
 * each with its evidence from the store. */
#ifndef PDMON_ASSESSMENT_H
#define PDMON_ASSESSMENT_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "cycle.h"

/* Builds the status as a cJSON object (void * keeps cJSON out of this
 * header; free with cJSON_Delete). */
void *assessment_build(sqlite3 *db, const cycle_ref *c);

/* Writes the status in "table" or "json" form. Returns 0 or -1 with err. */
int assessment_write(sqlite3 *db, const cycle_ref *c, const char *format, FILE *out, char *err, size_t errlen);

#endif
