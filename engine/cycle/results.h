/* results: the values of an evaluation and their rendering as the table a
 * coordinator reads, the JSON of DESIGN.md, or CSV for other systems. */
#ifndef PDMON_RESULTS_H
#define PDMON_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum result_status {
  STATUS_MET,
  STATUS_NOT_MET,
  STATUS_NO_TARGET,
  STATUS_NO_DATA,
  STATUS_ERROR,
  STATUS_NOT_APPLICABLE, /* outside the indicator's organizations, or none of its population by nature */
  STATUS_IN_PROGRESS     /* before the year a final target is due; see progress */
} result_status;

/* One value of one indicator for one organization, or for the municipality
 * when organization is NULL. Strings are owned by the row. */
typedef struct result_row {
  char *municipality;       /* whose row in a region-wide run of every municipality, else NULL */
  char *indicator, *criterion, *title, *unit;
  char *criterion_title, *source; /* for reports */
  char *organization;       /* NULL: the municipality total */
  char *organization_name;
  char *breakdown, *group;  /* "kind"/"position" and its value for breakdown rows, else NULL */
  int has_value;
  double value;
  int has_counts;           /* numerator present */
  int has_denominator;      /* denominator present (not for count, sum, exists) */
  double numerator, denominator; /* counts, or sums for sum and avg */
  char *target_text, *target_kind; /* NULL when the indicator has no target */
  char *target_reason;      /* which target value applied in the period, and why */
  int has_target_value;
  double target_value;      /* the value that applied in the period */
  result_status status;
  char *message;            /* why the status is error, no_data, not_applicable or in_progress, else NULL */
  char *level;              /* "organization" or "municipality" (judged in total only) */
  char *reading;            /* how the document's words became the formula, or NULL */
  char *target_origin;      /* "document", or "municipality" when the document states no target */
  char *deadline;           /* the deadline phrase the target is due by, or NULL */
  int target_year;          /* the year a final target is due, 0 when none */
  char *progress;           /* "on_track" or "behind" on the target's linear path, or NULL */
  int has_path_value;
  double path_value;        /* the value of the linear path this year */
  int base_year;            /* growth and paths: the base year, 0 when none */
  int has_base_value, has_growth;
  double base_value, growth; /* the value in base_year; growth in percent of it */
  char *figure;             /* cumulative targets: "yearly" or "cumulative", the figure judged */
  int has_yearly, has_cumulative;
  double yearly[3], cumulative[3]; /* value, numerator, denominator of each figure */
  int cumulative_since;     /* first year of the cumulative figure */
  int base_asked;           /* the base year the row's target compared with, even when it had no value
                               (kept so that a re-judgement knows the figure was looked for), 0 when none */
} result_row;

/* A recommendation a pack's rule produced for one result. */
typedef struct recommendation {
  char *indicator, *organization, *addressee, *text; /* owned; organization NULL: municipality */
  char *municipality;                                 /* owned; as result_row's */
  int priority;                                       /* 1 highest */
} recommendation;

/* One organization's place in a composite rating declared by the pack. */
typedef struct rating_row {
  char *rating, *title, *organization, *organization_name; /* owned */
  double score;   /* weighted mean achievement, percent */
  int rank;       /* 1 is best */
  int covered, weighted; /* weighted indicators with a value, and applicable to the organization */
  char *method;   /* how the rating is made, in Russian: organizations, weights, missing data (owned) */
  char *municipality; /* owned; as result_row's (ranks are within it) */
} rating_row;

typedef struct result_set {
  char *pack, *municipality; /* owned; municipality NULL when all rows were seen */
  int period;
  int statements;            /* SQL statements the evaluation ran */
  result_row *rows;
  size_t count, capacity;
  recommendation *recommendations; /* owned */
  size_t nrecommendations;
  rating_row *ratings;             /* owned */
  size_t nratings;
} result_set;

/* The status as DESIGN.md spells it: "met", "not_met", ... "not_applicable", "in_progress". */
const char *result_status_name(result_status status);

/* Parses a status name; returns -1 when unknown. */
int result_status_parse(const char *name, result_status *status);

/* Appends a zeroed row and returns it, or NULL when memory runs out. */
result_row *results_append(result_set *set);

/* Renders set as "table", "json" or "csv" to out. Returns -1 on an unknown
 * format or a write error, with the reason in err. */
int results_render(const result_set *set, const char *format, FILE *out, char *err, size_t errlen);

/* Called with each row of a source; the row may be borrowed (valid during
 * the call only). Returns 0 to go on; any other value stops the walk. */
typedef int (*result_row_fn)(void *ud, const result_row *row);

/* Called with each block of a source: the rows of one indicator (of one
 * municipality in a run of every municipality), in order; key names the
 * block to the source. */
typedef int (*result_block_fn)(void *ud, const char *unit, int key);

/* Rows to render without holding them: each(ud, unit, key, fn, fnud)
 * walks one block's rows (key > 0) or all rows (key == 0), blocks(ud, fn,
 * fnud) walks the blocks. Both return what fn stopped with, or 0. */
typedef struct result_source {
  int (*each)(void *ud, const char *unit, int key, result_row_fn fn, void *fnud);
  int (*blocks)(void *ud, result_block_fn fn, void *fnud);
  void *ud;
} result_source;

/* What the rendering says of the run as a whole. */
typedef struct result_meta {
  const char *pack, *municipality; /* municipality NULL: every municipality */
  int period, statements;
  int per_municipality;            /* rows are each municipality's (eval --all) */
} result_meta;

/* Renders the rows of src as results_render does, row by row. */
int results_render_source(const result_meta *meta, const result_source *src, const char *format, FILE *out,
                          char *err, size_t errlen);

void results_free(result_set *set);

#endif
