/* packtest: runs a rule pack's own tests (the .lua files of PACK/tests), so that a
 * methodologist can check a rule on a small fixture without a C toolchain.
 * Each test builds a scratch store from its data through the ordinary
 * importer, evaluates the pack for its period and compares the results. */
#ifndef PDMON_PACKTEST_H
#define PDMON_PACKTEST_H

#include <stdio.h>

/* Runs every test of the pack at dir, reporting to out. Returns the number
 * of failed tests, or -1 (with err) when the tests could not be run. */
int packtest_run(const char *dir, FILE *out, int *passed, char *err, size_t errlen);

#endif
