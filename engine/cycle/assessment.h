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

/* cycle status --all: the status of every municipality's cycle of period (the store's
 * municipalities, of its data and of its cycles, in code order), one line each in
 * "table" form (Russian: the cycle's state, the components in place and the missing
 * ones, the criteria met; a municipality without a cycle of the period says so) or in
 * "json" (codes and numbers: state, in_place and missing component numbers,
 * self_assessment, and a summary). One cycle's status is held at a time. Returns 0, or
 * -1 with err. */
int assessment_write_all(sqlite3 *db, int period, const char *format, FILE *out, char *err, size_t errlen);

#endif
