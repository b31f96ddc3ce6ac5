/* org_rows: an organization's result row of a plain indicator composed in
 * C from its sums, instead of in per-organization Lua (evaluation.lua's
 * organization_row and make_row). At country scale the Lua that built
 * each of two million rows cost more than the SQL that summed them.
 *
 * Only what no rule code touches comes here: an aggregate the stdlib made
 * (count, share, exists: their combining is fixed), judged against a
 * target judged on the year's value, or on it and a base year's (a growth
 * target, a path from a base year), or read with the figure since a first
 * year (a cumulative figure, a trajectory). Everything else stays in Lua.
 * The judging itself stays in Lua too (targets.judge): a target's verdict
 * on a value is asked of Lua once and remembered here, as the Lua memo
 * did, so the rules' targets read exactly as before.
 *
 * A target slot is what one target, as applied in the period and read
 * for one origin, puts in a row: its part (text, kind, value, reason,
 * origin, year) or none, and its verdicts by value. Slot 0 is "no
 * target". */
#ifndef PDMON_ORG_ROWS_H
#define PDMON_ORG_ROWS_H

#include <stddef.h>

#include "held_rows.h"

typedef struct org_rows org_rows;

/* The aggregate of an indicator (how its sums combine). */
typedef enum { ORG_COUNT, ORG_SHARE, ORG_EXISTS } org_aggregate;

/* A sum as Lua had it: integers and floats combine differently (a share
 * of integers is rounded exactly). */
typedef struct org_number {
  int integer; /* 1: i holds it, else d */
  long long i;
  double d;
} org_number;

/* What a slot's target part says; texts are copied. */
typedef struct org_target {
  const char *text, *kind, *reason, *origin;
  int has_value, has_year;
  double value;
  long long year;
  int judged; /* 0: only its part is shown; 1: verdicts by value; 2: verdicts by value and base value,
               * each with its own target part (a growth target, a path from a base year) */
  /* a target read with the figure since a first year (a cumulative figure,
   * a trajectory): the row shows the year's and the cumulative figures,
   * figure names the one it is judged by (cumulative: the row's value is
   * the cumulative one), and verdicts are by the cumulative value too */
  int has_since, cumulative;
  long long since;
  const char *figure;
} org_target;

/* A verdict of a slot's target on one value; texts are copied. */
typedef struct org_verdict {
  result_status status;
  const char *message, *progress; /* NULL: none */
  int has_path_value;
  double path_value;
  /* a slot judged by value and base value (judged 2): the row's target part
   * (has_part), base value, growth and the base year asked of the store */
  int has_part;
  org_target part;
  int has_base_year, has_base_value, has_growth, has_base_asked;
  long long base_year, base_asked;
  double base_value, growth;
} org_verdict;

/* What a verdict is remembered by: the value, and in a slot judged 2 the
 * base value (each present or not, a Lua integer or float). */
typedef struct org_key {
  int has_value, integer;
  double value;
  int has_base, base_integer;
  double base;
  int has_cum, cum_integer; /* the cumulative value, in a slot read since a first year */
  double cum;
} org_key;

/* What an indicator's rows share (its plan); texts are copied. */
typedef struct org_plan {
  org_aggregate aggregate;
  int empty_not_applicable; /* the pack says the population may rightly be absent */
  int has_applies_to;       /* the indicator names its kinds of organization */
  int by_kinds;             /* its measures add up by kind (an empty kind may turn the row not applicable) */
  const char *outside;      /* why an organization of another kind does not apply */
  const char *empty;        /* why one without the population does not apply (empty_not_applicable) */
  const char *zero;         /* why a share of nobody has no value */
} org_plan;

/* One organization's row to compose. */
typedef struct org_input {
  int plan, slot; /* the indicator's plan, the organization's target slot */
  long long seq, ord;
  const char *unit, *id, *name, *kind;
  org_number m1, m2;   /* the measures' sums: m1 the count (a share's whole), m2 a share's part */
  int has_base;        /* the sums in the base year of the slot's target (judged 2) are b1, b2 */
  org_number b1, b2;
  int has_cum;         /* the sums since the first year of the slot's target (has_since) are c1, c2 */
  org_number c1, c2;
  int outside;         /* the organization's kind is not the indicator's */
  const char *missing; /* why the period has no data at all (a source without rows), or NULL */
} org_input;

/* An empty set of slots (slot 0, no target, in it), or NULL when memory runs out. */
org_rows *org_rows_new(void);
void org_rows_free(org_rows *o);

/* Adds a slot for target t; its number (> 0), or -1 when memory runs out. */
int org_rows_add_slot(org_rows *o, const org_target *t);

/* Adds a plan; its number (>= 0), or -1 when memory runs out. */
int org_rows_add_plan(org_rows *o, const org_plan *p);

/* Whether slot is one org_rows_add_slot gave (or 0), plan one of org_rows_add_plan. */
int org_rows_has_slot(const org_rows *o, int slot);
int org_rows_has_plan(const org_rows *o, int plan);

/* Composes the row of in into r (its texts borrowed from in, the plan, the
 * slot and its verdicts: valid until the next org_rows_learn). in's plan and
 * slot must exist. Returns 1 when composed, 0 when the slot's verdict on the
 * row's value is not known yet (*key: the value, and base value, to ask Lua
 * about). *pending: the row may still turn out not to apply (its
 * kind's emptiness is known at the end). */
int org_rows_compose(org_rows *o, const org_input *in, held_row *r, int *pending, org_key *key);

/* Remembers the verdict of slot's target on key. 0, or -1 when memory runs out. */
int org_rows_learn(org_rows *o, int slot, const org_key *key, const org_verdict *v);

#endif
