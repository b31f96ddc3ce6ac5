/* evaluate: runs a rule pack's indicators for one period against the
 * store, each indicator in its own protected call so that a broken rule
 * fails alone, and gathers the results. */
#ifndef PDMON_EVALUATE_H
#define PDMON_EVALUATE_H

#include <stddef.h>
#include <stdio.h>

#include "results.h"
#include "sandbox.h"

typedef struct evaluate_options {
  const char *store_path;    /* the store, opened read-only for the rules */
  const char *pack_dir;      /* the rule pack's folder */
  const char *municipality;  /* whose rows the rules see; NULL: the store's own (never the pack's choice) */
  int all_municipalities;    /* 1: every municipality's rows, for a region-wide run the core starts */
  int period;                /* calendar year evaluated */
  const char *indicator;     /* only this indicator, or NULL */
  const char *organization;  /* only this organization's rows, or NULL */
  sandbox_limits limits;     /* memory and instruction caps of the rules */
  const char *unit;          /* one municipality of a run of every municipality: its rows are tagged so,
                                and the caller finishes the sink; NULL otherwise */
  const char *const *units;  /* with all_municipalities: the municipalities evaluated together in one pass,
                                sorted, NULL-terminated (each row tagged with its own; the caller finishes
                                the sink); NULL: the store as one unit */
  const char *const *unit_targets; /* with units: for each, the targets of its layer (dsl.targets_export's
                                      text), or NULL for the region's own; NULL: the region's for all */
  const char *const *chosen; /* evaluate_each_municipality: only these municipalities of the store
                                (NULL-terminated); NULL: every one */
} evaluate_options;

/* What a streamed evaluation says of itself. */
typedef struct evaluation_info {
  char pack[128];          /* the pack's id */
  char municipality[256];  /* whose rows were evaluated; "" when every municipality's */
  int statements;          /* SQL statements the rules' evaluation ran */
} evaluation_info;

struct result_sink;
struct pack_summary;

/* Evaluates into sink (opened by the caller with result_sink_open, and
 * finished here), holding no more than one organization's figures at a
 * time; fills info, and summary when not NULL (from the same loading of
 * the pack; release it with pack_summary_free). Returns as evaluate_run. */
int evaluate_stream(const evaluate_options *opt, struct result_sink *sink, evaluation_info *info,
                    struct pack_summary *summary, char *err, size_t errlen);

/* Evaluates every municipality of the store into sink in one process,
 * each with its own pack layer: the folder named
 * by the municipality's code next to the region's pack opt->pack_dir (as
 * rules/emanzhelinsk next to rules/chelyabinsk), which must extend it;
 * the region's pack alone for a municipality without one. Those with the
 * region's pack are evaluated together in one pass over the data; one
 * with a layer alone with it (its code sees only its municipality). Each
 * municipality's rows are what evaluate_stream gives it on its own,
 * tagged with its code. Fills info (the region's pack; statements of all
 * the runs) and *municipalities (how many were evaluated: opt->chosen may
 * choose some). Returns 0, or -1 with err (the region's
 * pack names a municipality, a layer does not extend it or fails to load:
 * the layer's folder is named). */
int evaluate_each_municipality(const evaluate_options *opt, struct result_sink *sink, evaluation_info *info,
                               int *municipalities, char *err, size_t errlen);

/* The municipalities of the store (of its organizations, communities and
 * documents), sorted: those evaluate_each_municipality evaluates. A
 * NULL-terminated list the caller frees with evaluate_free_municipalities;
 * NULL with err when the store cannot be read. */
char **evaluate_store_municipalities(const char *store_path, int *n, char *err, size_t errlen);

void evaluate_free_municipalities(char **names);

/* The pack evaluate_each_municipality evaluates municipality with for
 * period: its layer next to the region's pack region_dir when there is
 * one (which must extend it), else region_dir; into dir. Returns 0, or -1
 * with err (the layer does not load or does not extend the region's pack). */
int evaluate_municipality_pack(const char *region_dir, const char *municipality, int period, char *dir, size_t dirlen,
                               char *err, size_t errlen);

/* Evaluates and fills out (released with results_free). Returns 0 when the
 * evaluation ran (some indicators may have status error), -1 when the pack
 * or the store could not be used at all, or an unknown indicator or
 * organization was asked for; err then says why, with file:line. */
int evaluate_run(const evaluate_options *opt, result_set *out, char *err, size_t errlen);

/* Writes to out how indicator id is computed: its sets, the SQL, the
 * target that applied and the counts per organization (opt->organization
 * only, when set). Returns 0, or -1 with err. */
int evaluate_explain(const evaluate_options *opt, const char *id, FILE *out, char *err, size_t errlen);

/* What the management cycle needs to know of a pack. */
typedef struct pack_summary {
  char id[128];
  char municipality[128];
  char *goals_json;        /* {"goals":[...],"tasks":[...],"indicators":N,...}; owned */
  int criteria, indicators, with_source, with_target, recommendation_rules;
  int programme_first, programme_last; /* the manifest's period, 0 when none */
  char layers[8][1024];    /* the pack's folder and its bases */
  int nlayers;
} pack_summary;

/* Loads the pack at dir and fills out (release with pack_summary_free). */
int evaluate_pack_summary(const char *dir, pack_summary *out, char *err, size_t errlen);

void pack_summary_free(pack_summary *s);

#endif
