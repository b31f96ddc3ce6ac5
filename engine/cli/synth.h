/* synth: deterministic, realistic synthetic data in the CSV formats of
 * DESIGN.md, one file per entity. Organization kinds and sizes, age and
 * experience distributions, activity rates that drift across 2021-2024 so
 * dynamics are visible, and some organizations clearly lagging. Staff
 * come with their employment history: hire dates, leavers and transfers
 * between organizations, activities only on days worked; the
 * municipality's competitions with their stages, schools, conferences and
 * councils with who took part; registries of mentors, mentees, the
 * managerial reserve, experts and tutors. Rows are
 * written as they are made, so memory stays bounded at any scale. */
#ifndef PDMON_SYNTH_H
#define PDMON_SYNTH_H

#include <stddef.h>
#include <stdint.h>

typedef struct synth_options {
  const char *scale;         /* municipality, region or country */
  uint64_t seed;
  const char *out_dir;       /* created when missing */
  const char *municipality;  /* code of the (first) municipality; default "synth" */
  int organizations;         /* per municipality, 0: the scale's default */
} synth_options;

typedef struct synth_counts {
  long long organizations, staff, activities, communities, documents;
  long long transfers, leavers;  /* workers who moved to another organization, who left */
  long long events, participations, registry_members;
} synth_counts;

/* Writes organizations.csv, staff.csv, activities.csv, communities.csv,
 * documents.csv, events.csv, participation.csv and registries.csv into
 * out_dir. Returns 0, or -1 with err. */
int synth_run(const synth_options *opt, synth_counts *counts, char *err, size_t errlen);

#endif
