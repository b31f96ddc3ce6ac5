/* demo: the embedded example, run end to end. With no other input it
 * writes the region's and one municipality's packs and example data into a
 * folder, builds a store from them, runs two consecutive management cycles
 * with the roadmap, decisions and the effectiveness analysis, and writes
 * the report. */
#ifndef PDMON_DEMO_H
#define PDMON_DEMO_H

#include <stddef.h>
#include <stdio.h>

/* A file compiled into the binary. */
typedef struct demo_file {
  const char *path;      /* relative: rules/emanzhelinsk/pack.lua, examples/emanzhelinsk/staff.csv */
  const char *contents;
  size_t length;
} demo_file;

/* Generated at build time; ends with {NULL}. */
extern const demo_file demo_files[];

/* Runs the demo into out_dir, narrating to out. Returns 0 or -1 with err. */
int demo_run(const char *out_dir, FILE *out, char *err, size_t errlen);

#endif
