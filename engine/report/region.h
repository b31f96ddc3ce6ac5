/* region: the region's report, what a regional ministry publishes about every municipality
 * of the store, read from the cycles stored for each (made one by one with `cycle run` or
 * together): each municipality against the regional targets, the municipalities ordered by
 * the targets they met (the packs define no rating of municipalities, and the report says
 * so), each indicator's distribution across municipalities, the municipalities below target
 * per indicator, the values over the cycles so far, and links down to each municipality's
 * own report. HTML, JSON, XLSX, CSV and Markdown.
 *
 * Memory is bounded by the municipalities' summaries (a code, a name, a cycle and a few
 * counts each) and the indicators' descriptions: every result row, dynamics row and list
 * entry is read from SQL as it is written, never held. */
#ifndef PDMON_REGION_H
#define PDMON_REGION_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

/* What the region's report is made for. */
typedef struct region_options {
  int period;        /* the cycles of this period; 0: the latest period with a run cycle */
  const char *links; /* the folder, relative to the report, of the municipalities' own
                        reports (NULL: "municipalities") */
} region_options;

/* One indicator as the cycles state it (the first cycle's title, unit and
 * criterion; the target most municipalities have). */
typedef struct region_indicator {
  char *id, *title, *unit, *criterion, *target_text, *target_kind, *level;
  char number[16];      /* "1", "2", ... in the cycles' order */
  double target_value;  /* the target most municipalities were judged on this period */
  int has_target_value;
  double min, max;      /* over the municipalities' values */
  int values;           /* how many municipalities have a value */
  int municipalities;   /* ... have a result (row) */
  int shared;           /* every municipality with a cycle has a result: counted in the ranking */
  int met, not_met, on_track, behind, other, own_target; /* own_target: judged on a target other than the common one */
} region_indicator;

/* One municipality of the store: its cycle for the period, or none. */
typedef struct region_municipality {
  char *code, *name;  /* name: "" when no cycle or manifest gives one */
  char file[160];     /* its report's file name in the links folder ("" without a cycle) */
  long long cycle;    /* 0: no run cycle for the period */
  char state[8], run_at[24];
  int latest_period;  /* without a cycle for the period: its latest run cycle's period, or 0 */
  int results, met, not_met, on_track, behind, in_progress, other; /* of the shared indicators */
  int rank;           /* 1.. by the targets met; 0 without a cycle */
} region_municipality;

typedef struct region {
  sqlite3 *db;
  int period;
  char as_of[11], generated[11]; /* ISO dates: the end of the period, today */
  const char *links;
  region_indicator *indicators;
  size_t nindicators;
  size_t unshared; /* indicators not every cycle has (a layer's own): left out of the counts */
  region_municipality *municipalities; /* in the order of their names */
  size_t nmunicipalities, ncycles;
  size_t *ranking; /* indices into municipalities, best first; those without a cycle last */
  int periods[16]; /* the periods of the dynamics (at most the last 16, up to period) */
  int nperiods;
  long long ratings; /* rating rows (of organizations) the cycles hold */
} region;

/* Reads the store's municipalities, their cycles for the period and the
 * indicators into r. Returns 0, or -1 with err (no run cycle at all, a
 * store error). */
int region_open(sqlite3 *db, const region_options *opt, region *r, char *err, size_t errlen);
void region_close(region *r);

/* One result (or dynamics) row as it is read: its municipality and
 * indicator (indices), the stored figures. Strings live until the next row. */
typedef struct region_cell {
  size_t municipality, indicator;
  int period;
  int has_value, has_target_value;
  double value, numerator, denominator, target_value;
  int has_numerator, has_denominator;
  const char *status, *progress, *target_text; /* "" when missing */
  int has_path_value;
  double path_value; /* in progress: where the linear path to a later target is this period */
} region_cell;

typedef int (*region_cell_fn)(void *ud, const region_cell *cell);

/* The orders rows are read in. */
typedef enum region_order {
  REGION_BY_MUNICIPALITY, /* the period's results: municipalities in name order, indicators in theirs */
  REGION_BY_INDICATOR,    /* the period's results: indicators in order, municipalities in name order */
  REGION_BELOW_TARGET,    /* the period's results not met or behind the path, indicator by indicator, furthest
                             from the target first */
  REGION_DYNAMICS         /* every run cycle up to the period: indicator, municipality, period */
} region_order;

/* Calls fn for every row in order (fn returning non-zero stops with that
 * value). Returns 0, the callback's value, or -1 on a store error. */
int region_each(region *r, region_order order, region_cell_fn fn, void *ud);

/* The judgement of a cell: its status, or on_track / behind for a result
 * in progress towards a later target. */
const char *region_judgement(const region_cell *cell);

/* A cell's value for people («32,06%», «4 человека», «имеется», «нет данных»). */
const char *region_value(const region_indicator *ind, int has, double value, char *buf, size_t len);

/* The scale of an indicator's distribution across municipalities: a presence without a
 * unit in two bins (absent, present), else bins equal intervals from lo (0, or the least
 * value when below) to hi (the greatest value; at least 100 for a share, and the target
 * when above, except for growth). */
typedef struct region_scale {
  int presence, bins;
  double lo, hi;
} region_scale;

void region_scale_of(const region_indicator *ind, int bins, region_scale *s);

/* The bin of value on the scale, 0 .. s->bins - 1. */
int region_bin(const region_scale *s, double value);

/* The sign of a judgement in the tables of values: ✓ met, ✗ not met, ⚠ behind the path,
 * ↗ on track, ○ in progress without a judgement of its pace, · anything else (the reports
 * say what each means). */
const char *region_sign(const char *judgement);

/* The indicators most municipalities did not meet (at least one), most first, equal
 * counts in the indicators' order: at most limit of them into order. Returns how many. */
size_t region_most_missed(const region *r, size_t *order, size_t limit);

/* The municipality's name for people: its name, else its code. */
const char *region_name(const region_municipality *m);

/* Why the municipalities are not ranked by a composite rating, and how they are ordered, for
 * people (one paragraph). */
const char *region_ranking_note(const region *r);

struct report_buf;

/* The sentences the renderers share, as plain text (each renderer escapes them): what the
 * store holds («В хранилище 40 муниципалитетов; цикл мониторинга за 2023 год проведён в 38
 * муниципалитетах, нет цикла — в 2 ... . Показателей: 22.»); */
void region_scope_sentence(struct report_buf *b, const region *r);
/* an indicator many municipalities missed («Title: не достигли цели 12 муниципалитетов из
 * 38 (цель: ...).»); */
void region_missed_sentence(struct report_buf *b, const region_indicator *ind);
/* what follows a municipality's name in the list below target (« — 23,78% при траектории
 * 30% (своя цель 50%)»). */
void region_below_figures(struct report_buf *b, const region_indicator *ind, const region_cell *cell, int behind);

/* The fixed words of the report that more than one renderer writes, as plain text (each
 * escapes them and sets them in its own markup), so that the page, the Markdown and the
 * workbook say the same thing in the same words. */
typedef struct region_words {
  const char *kicker;          /* what the report covers, above its title */
  const char *as_of;           /* before the as-of date */
  const char *summary, *most_missed, *none_missed; /* the summary: its heading, the list's, the empty list */
  const char *ranking, *ratings_note, *links_note, *unjudged_note; /* section 1 */
  const char *indicators, *indicators_note, *whole, *no_criterion; /* section 2 */
  const char *distribution, *absent, *present;                     /* section 3; a presence's two ends */
  const char *below, *below_note, *not_met, *behind, *target, *none_below; /* section 4 */
  const char *matrix, *dynamics, *dynamics_note;                   /* the appendices */
  const char *generated, *made_by;                                 /* the footer, around its date */
} region_words;

extern const region_words region_word;

/* The report's title («Результаты мониторинга ... за 2023 год»). */
void region_title_sentence(struct report_buf *b, const region *r);
/* What follows the as-of date: the period and where the figures come from. */
void region_period_sentence(struct report_buf *b, const region *r);
/* «нет цикла за 2023 год»; and, for a municipality that has an earlier cycle, what
 * follows it (« (последний проведённый цикл — за 2022 год)»; nothing without one). */
void region_no_cycle_sentence(struct report_buf *b, const region *r);
void region_latest_cycle_sentence(struct report_buf *b, const region_municipality *m);
/* When a municipality's cycle ran («20.12.2023», «..., завершён» once closed). */
void region_run_sentence(struct report_buf *b, const region_municipality *m);
/* How many municipalities were judged on a target of their own («(своя цель — у 2
 * муниципалитетов)»). */
void region_own_target_sentence(struct report_buf *b, const region_indicator *ind);
/* The count of a list below target («3 муниципалитета из 38»), between its title and its
 * entries. */
void region_below_count_sentence(struct report_buf *b, const region_indicator *ind, int behind);
/* The indicator's common target as the documents word it, or «не задана». */
const char *region_target_text(const region_indicator *ind);
/* The criterion an indicator is listed under, or «Без критерия». */
const char *region_criterion(const region_indicator *ind);
/* 1 when the indicator's distribution shows its target on the scale (a target value that
 * is not a presence's or a growth's). */
int region_shows_target(const region_indicator *ind, const region_scale *s);
/* A cell of appendix 1: its value (two decimals, «да»/«нет» for a presence without a unit),
 * or «—» without one. */
const char *region_cell_text(const region_indicator *ind, const region_cell *cell, char *buf, size_t len);

/* Writes the region's report in format: html, json, csv, md. Returns 0 or
 * -1 with err. */
int region_write(sqlite3 *db, const region_options *opt, const char *format, FILE *out, char *err, size_t errlen);

/* The region's report as an Excel workbook at path. */
int region_xlsx_write(sqlite3 *db, const region_options *opt, const char *path, char *err, size_t errlen);

/* Writes the region's report to dir/region.EXT (ext: html, json, csv, md,
 * xlsx) and each municipality's own report of the cycle it reads to
 * dir/LINKS/FILE.html. Returns 0 or -1 with err. */
int region_write_folder(sqlite3 *db, const region_options *opt, const char *format, const char *dir, char *err,
                        size_t errlen);

#endif
