/* org_rows.c: an organization's row of a plain indicator composed in C.
 * The promises are in org_rows.h; the Lua it replaces is
 * stdlib/evaluation.lua's organization_row, make_row and mark_missing,
 * and the combining of aggregates.lua's count, share and exists, which
 * every line here follows exactly (a figure must not change). */
#include "org_rows.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* How many verdicts of one slot are remembered before they are forgotten
 * all at once: the Lua memo's bound (JUDGEMENTS_KEPT), for the same reason
 * (a value recurs; a count of every size need not be kept). */
#define VERDICTS_KEPT 4096
#define VERDICT_TABLE (2 * VERDICTS_KEPT) /* open addressing, at most half full */
/* A slot's table starts small and doubles: most slots judge a few values,
 * and a region-wide run has a slot per target and municipality layer. */
#define VERDICT_TABLE_FIRST 16

/* A remembered verdict: its key (the value's presence, kind and bits). */
typedef struct verdict_entry {
  int used, has_value, integer, has_base, base_integer, has_cum, cum_integer;
  uint64_t bits, base_bits, cum_bits;
  org_verdict v; /* its texts owned by the entry */
} verdict_entry;

typedef struct target_slot {
  char *text, *kind, *reason, *origin, *figure;
  int has_value, has_year, judged, has_since, cumulative;
  long long since;
  double value;
  long long year;
  verdict_entry *verdicts; /* cverdicts entries (a power of two, at most VERDICT_TABLE), made when first needed */
  size_t nverdicts, cverdicts;
} target_slot;

typedef struct row_plan {
  org_plan p;
  char *outside, *empty, *zero;
} row_plan;

struct org_rows {
  target_slot *slots; /* slots[0]: no target */
  size_t nslots, cslots;
  row_plan *plans;
  size_t nplans, cplans;
};

/* A copy of text (NULL stays NULL); *failed set when memory runs out. */
static char *copy(const char *text, int *failed) {
  if (!text) return NULL;
  char *c = strdup(text);
  if (!c) *failed = 1;
  return c;
}

/* Makes room for one more of n elements of size in *items (capacity *cap). */
static int grow(void **items, size_t n, size_t *cap, size_t size) {
  if (n < *cap) return 0;
  size_t want = *cap ? *cap * 2 : 8;
  void *more = realloc(*items, want * size);
  if (!more) return -1;
  *items = more;
  *cap = want;
  return 0;
}

org_rows *org_rows_new(void) {
  org_rows *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  if (grow((void **)&o->slots, 0, &o->cslots, sizeof *o->slots) != 0) {
    free(o);
    return NULL;
  }
  memset(&o->slots[0], 0, sizeof o->slots[0]);
  o->nslots = 1;
  return o;
}

/* Frees a verdict's own texts. */
static void free_verdict(org_verdict *v) {
  free((char *)v->message);
  free((char *)v->progress);
  free((char *)v->part.text);
  free((char *)v->part.kind);
  free((char *)v->part.reason);
  free((char *)v->part.origin);
}

static void forget_verdicts(target_slot *s) {
  if (!s->verdicts) return;
  for (size_t i = 0; i < s->cverdicts; i++) free_verdict(&s->verdicts[i].v);
  memset(s->verdicts, 0, s->cverdicts * sizeof *s->verdicts);
  s->nverdicts = 0;
}

static void free_slot(target_slot *s) {
  forget_verdicts(s);
  free(s->verdicts);
  free(s->text);
  free(s->kind);
  free(s->reason);
  free(s->origin);
  free(s->figure);
}

static void free_plan(row_plan *p) {
  free(p->outside);
  free(p->empty);
  free(p->zero);
}

void org_rows_free(org_rows *o) {
  if (!o) return;
  for (size_t i = 0; i < o->nslots; i++) free_slot(&o->slots[i]);
  for (size_t i = 0; i < o->nplans; i++) free_plan(&o->plans[i]);
  free(o->slots);
  free(o->plans);
  free(o);
}

int org_rows_add_slot(org_rows *o, const org_target *t) {
  if (grow((void **)&o->slots, o->nslots, &o->cslots, sizeof *o->slots) != 0) return -1;
  target_slot s = {0};
  int failed = 0;
  s.text = copy(t->text, &failed);
  s.kind = copy(t->kind, &failed);
  s.reason = copy(t->reason, &failed);
  s.origin = copy(t->origin, &failed);
  s.figure = copy(t->figure, &failed);
  s.has_since = t->has_since;
  s.since = t->since;
  s.cumulative = t->cumulative;
  s.has_value = t->has_value;
  s.value = t->value;
  s.has_year = t->has_year;
  s.year = t->year;
  s.judged = t->judged;
  if (failed) {
    free_slot(&s);
    return -1;
  }
  o->slots[o->nslots] = s;
  return (int)o->nslots++;
}

int org_rows_add_plan(org_rows *o, const org_plan *p) {
  if (grow((void **)&o->plans, o->nplans, &o->cplans, sizeof *o->plans) != 0) return -1;
  row_plan k = {.p = *p};
  int failed = 0;
  k.outside = copy(p->outside, &failed);
  k.empty = copy(p->empty, &failed);
  k.zero = copy(p->zero, &failed);
  if (failed) {
    free_plan(&k);
    return -1;
  }
  k.p.outside = k.outside;
  k.p.empty = k.empty;
  k.p.zero = k.zero;
  o->plans[o->nplans] = k;
  return (int)o->nplans++;
}

int org_rows_has_slot(const org_rows *o, int slot) { return slot >= 0 && (size_t)slot < o->nslots; }

int org_rows_has_plan(const org_rows *o, int plan) { return plan >= 0 && (size_t)plan < o->nplans; }

/* ---- the figures, as aggregates.lua combines them ---- */

static double as_double(const org_number *n) { return n->integer ? (double)n->i : n->d; }

static int is_zero(const org_number *n) { return n->integer ? n->i == 0 : n->d == 0; }

/* aggregates.round2: half away from zero to two decimals. */
static double round2(double x) {
  if (x >= 0) return floor(x * 100 + 0.5 + 1e-9) / 100;
  return -floor(-x * 100 + 0.5 + 1e-9) / 100;
}

/* Lua's // of integers: the floor of the quotient. */
static long long floor_div(long long a, long long b) {
  long long q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* A share's value, percent(n, d): exact from integers, else rounded from
 * floats; the caller has made sure d is not zero. */
static double percent(const org_number *n, const org_number *d) {
  if (n->integer && d->integer) return (double)floor_div(n->i * 20000 + d->i, 2 * d->i) / 100;
  return round2(as_double(n) * 100 / as_double(d));
}

/* The value the aggregate makes of sums a and b (*has: there is one;
 * *integer: it is a Lua integer), as figures below makes the row's. */
static double value_of(org_aggregate aggregate, const org_number *a, const org_number *b, int *has, int *integer) {
  *has = 1;
  *integer = 0;
  switch (aggregate) {
  case ORG_COUNT:
    *integer = a->integer;
    return as_double(a);
  case ORG_EXISTS:
    *integer = 1;
    return as_double(a) > 0 ? 1 : 0;
  case ORG_SHARE:
    if (is_zero(a)) break;
    return percent(b, a);
  }
  *has = 0;
  return 0;
}

/* The figures (value, numerator, denominator) of sums a, b into r's
 * numbers i, i + 1, i + 2 (HN_VALUE, HN_YEARLY and HN_CUMULATIVE are laid
 * out so); *value_integer: the value is a Lua integer. */
static void figures_at(org_aggregate aggregate, const org_number *a, const org_number *b, held_row *r, int i,
                       int *value_integer) {
  int has_value;
  r->num[i] = value_of(aggregate, a, b, &has_value, value_integer);
  if (has_value) r->num_present |= 1u << i;
  /* a share's numerator is its part, its denominator the whole; a count's numerator is itself */
  r->num[i + 1] = as_double(aggregate == ORG_SHARE ? b : a);
  r->num_present |= 1u << (i + 1);
  if (aggregate == ORG_SHARE) {
    r->num[i + 2] = as_double(a);
    r->num_present |= 1u << (i + 2);
  }
}

/* The row's figures from the sums; *value_integer: the value is a Lua integer. */
static void figures(const org_plan *p, const org_input *in, held_row *r, int *value_integer) {
  figures_at(p->aggregate, &in->m1, &in->m2, r, HN_VALUE, value_integer);
}

/* Moves the figure at i (three numbers) to j, absent ones absent. */
static void copy_figure(held_row *r, int i, int j) {
  for (int k = 0; k < 3; k++) {
    r->num[j + k] = r->num[i + k];
    r->num_present = (r->num_present & ~(1u << (j + k))) | (((r->num_present >> (i + k)) & 1u) << (j + k));
  }
}

static int has(const held_row *r, int i) { return (r->num_present & (1u << i)) != 0; }

/* ---- remembered verdicts ---- */

static uint64_t bits_of(double v) {
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}

/* An entry holding key k alone (the form entries are compared and hashed in). */
static verdict_entry key_entry(const org_key *k) {
  return (verdict_entry){.has_value = k->has_value, .integer = k->has_value && k->integer,
                         .bits = k->has_value ? bits_of(k->value) : 0, .has_base = k->has_base,
                         .base_integer = k->has_base && k->base_integer,
                         .base_bits = k->has_base ? bits_of(k->base) : 0, .has_cum = k->has_cum,
                         .cum_integer = k->has_cum && k->cum_integer, .cum_bits = k->has_cum ? bits_of(k->cum) : 0};
}

static uint64_t hash_of(const verdict_entry *e) {
  return (e->bits ^ (e->bits >> 29) ^ (e->base_bits * 31) ^ (e->base_bits >> 23) ^ (e->cum_bits * 131) ^
          (e->cum_bits >> 17) ^
          (uint64_t)(e->has_value * 32 + e->integer * 16 + e->has_base * 8 + e->base_integer * 4 + e->has_cum * 2 +
                     e->cum_integer)) *
         0x9E3779B97F4A7C15ull;
}

static int same_key(const verdict_entry *a, const verdict_entry *b) {
  return a->has_value == b->has_value && a->integer == b->integer && a->bits == b->bits &&
         a->has_base == b->has_base && a->base_integer == b->base_integer && a->base_bits == b->base_bits &&
         a->has_cum == b->has_cum && a->cum_integer == b->cum_integer && a->cum_bits == b->cum_bits;
}

/* The entry of key in a table of cap entries: its own, or the empty one it goes in. */
static verdict_entry *find(verdict_entry *table, size_t cap, const verdict_entry *key) {
  for (size_t i = (size_t)(hash_of(key) >> 40) & (cap - 1);; i = (i + 1) & (cap - 1)) {
    verdict_entry *e = &table[i];
    if (!e->used || same_key(e, key)) return e;
  }
}

/* The entry of key k in s's table (which must exist). */
static verdict_entry *entry_of(target_slot *s, const org_key *k) {
  verdict_entry key = key_entry(k);
  return find(s->verdicts, s->cverdicts, &key);
}

/* Makes room for one more verdict in s's table (doubling it while it
 * would be more than half full). 0, or -1 when memory runs out. */
static int room_for_verdict(target_slot *s) {
  if (s->verdicts && (s->nverdicts + 1) * 2 <= s->cverdicts) return 0;
  size_t cap = s->cverdicts ? s->cverdicts * 2 : VERDICT_TABLE_FIRST;
  if (cap > VERDICT_TABLE) return 0; /* full size: forgotten at VERDICTS_KEPT */
  verdict_entry *table = calloc(cap, sizeof *table);
  if (!table) return -1;
  for (size_t i = 0; i < s->cverdicts; i++)
    if (s->verdicts[i].used) *find(table, cap, &s->verdicts[i]) = s->verdicts[i];
  free(s->verdicts);
  s->verdicts = table;
  s->cverdicts = cap;
  return 0;
}

int org_rows_learn(org_rows *o, int slot_index, const org_key *k, const org_verdict *v) {
  target_slot *s = &o->slots[slot_index];
  if (s->nverdicts >= VERDICTS_KEPT) forget_verdicts(s);
  if (room_for_verdict(s) != 0) return -1;
  verdict_entry *e = entry_of(s, k);
  if (e->used) return 0;
  int failed = 0;
  verdict_entry n = key_entry(k);
  n.used = 1;
  n.v = *v;
  n.v.message = copy(v->message, &failed);
  n.v.progress = copy(v->progress, &failed);
  n.v.part.text = copy(v->part.text, &failed);
  n.v.part.kind = copy(v->part.kind, &failed);
  n.v.part.reason = copy(v->part.reason, &failed);
  n.v.part.origin = copy(v->part.origin, &failed);
  if (failed) {
    free_verdict(&n.v);
    return -1;
  }
  *e = n;
  s->nverdicts++;
  return 0;
}

/* ---- the row ---- */

/* Why the organization's row does not apply (evaluation.lua's
 * not_applicable), NULL when it does; *pending: it applies unless no
 * organization of its kind has anyone of the denominator. */
static const char *not_applicable(const org_plan *p, const org_input *in, const held_row *r, int *pending) {
  *pending = 0;
  if (in->outside) return p->outside;
  if (!has(r, HN_DENOMINATOR) || r->num[HN_DENOMINATOR] != 0) return NULL;
  if (p->empty_not_applicable) return p->empty;
  if (p->has_applies_to || !p->by_kinds) return NULL;
  *pending = 1;
  return NULL;
}

static void set_number(held_row *r, int i, int present, double v) {
  if (!present) return;
  r->num[i] = v;
  r->num_present |= 1u << i;
}

static void set_year(held_row *r, int i, int present, long long y) {
  if (!present) return;
  r->year[i] = y;
  r->year_present |= 1u << i;
}

static void target_part(const target_slot *s, held_row *r) {
  r->text[HT_TARGET_TEXT] = s->text;
  r->text[HT_TARGET_KIND] = s->kind;
  r->text[HT_TARGET_REASON] = s->reason;
  r->text[HT_TARGET_ORIGIN] = s->origin;
  set_number(r, HN_TARGET_VALUE, s->has_value, s->value);
  set_year(r, HY_TARGET_YEAR, s->has_year, s->year);
}

/* What a verdict of a slot judged by value and base value puts in the row. */
static void verdict_part(const org_verdict *v, held_row *r) {
  if (v->has_part) {
    r->text[HT_TARGET_TEXT] = v->part.text;
    r->text[HT_TARGET_KIND] = v->part.kind;
    r->text[HT_TARGET_REASON] = v->part.reason;
    r->text[HT_TARGET_ORIGIN] = v->part.origin;
    set_number(r, HN_TARGET_VALUE, v->part.has_value, v->part.value);
    set_year(r, HY_TARGET_YEAR, v->part.has_year, v->part.year);
    set_year(r, HY_BASE_YEAR, v->has_base_year, v->base_year);
  }
  set_number(r, HN_BASE_VALUE, v->has_base_value, v->base_value);
  set_number(r, HN_GROWTH, v->has_growth, v->growth);
  set_year(r, HY_BASE_ASKED, v->has_base_asked, v->base_asked);
}

/* The key of the row's verdict: its value and, in a slot judged 2, the
 * base year's value made from the base sums. */
static void key_of(const org_plan *p, const target_slot *s, const org_input *in, const held_row *r, int value_integer,
                   org_key *k) {
  memset(k, 0, sizeof *k);
  k->has_value = has(r, HN_VALUE);
  k->value = k->has_value ? r->num[HN_VALUE] : 0;
  k->integer = k->has_value && value_integer;
  if (s->judged == 2 && in->has_base) k->base = value_of(p->aggregate, &in->b1, &in->b2, &k->has_base, &k->base_integer);
  if (!k->has_base) {
    k->base = 0;
    k->base_integer = 0;
  }
  if (s->has_since && in->has_cum) k->cum = value_of(p->aggregate, &in->c1, &in->c2, &k->has_cum, &k->cum_integer);
  if (!k->has_cum) {
    k->cum = 0;
    k->cum_integer = 0;
  }
}

/* make_row's figures of a target read since a first year: the year's
 * figure, the cumulative one (none without its sums) and which the row is
 * judged by; the row's value is the cumulative one when that is it. */
static void since_figures(const org_plan *p, const target_slot *s, const org_input *in, held_row *r) {
  copy_figure(r, HN_VALUE, HN_YEARLY);
  r->year[HY_HAS_YEARLY] = 1;
  r->year_present |= 1u << HY_HAS_YEARLY;
  int integer;
  if (in->has_cum) figures_at(p->aggregate, &in->c1, &in->c2, r, HN_CUMULATIVE, &integer);
  r->year[HY_HAS_CUMULATIVE] = 1;
  r->year[HY_CUMULATIVE_SINCE] = s->since;
  r->year_present |= 1u << HY_HAS_CUMULATIVE | 1u << HY_CUMULATIVE_SINCE;
  r->text[HT_FIGURE] = s->figure;
  if (s->cumulative) copy_figure(r, HN_CUMULATIVE, HN_VALUE);
}

/* make_row's judging: the status, target part and what the verdict says;
 * 0 when the verdict is not known yet (*k says on what). */
static int judged(org_rows *o, const org_plan *p, const org_input *in, held_row *r, int value_integer, org_key *k) {
  target_slot *s = &o->slots[in->slot];
  int has_value = has(r, HN_VALUE);
  if (in->slot == 0 || !s->judged) {
    r->status = has_value ? STATUS_NO_TARGET : STATUS_NO_DATA;
    if (in->slot != 0) target_part(s, r);
    return 1;
  }
  key_of(p, s, in, r, value_integer, k);
  if (!s->verdicts) return 0;
  const verdict_entry *e = entry_of(s, k);
  if (!e->used) return 0;
  const org_verdict *v = &e->v;
  r->status = v->status;
  if (v->message) r->text[HT_MESSAGE] = v->message;
  r->text[HT_PROGRESS] = v->progress;
  set_number(r, HN_PATH_VALUE, v->has_path_value, v->path_value);
  if (s->judged == 2) verdict_part(v, r);
  else target_part(s, r);
  return 1;
}

int org_rows_compose(org_rows *o, const org_input *in, held_row *r, int *pending, org_key *key) {
  const org_plan *p = &o->plans[in->plan].p;
  memset(r, 0, sizeof *r);
  r->ind = in->seq;
  r->unit = in->unit;
  r->part = 1;
  r->ord = in->ord;
  r->text[HT_ORGANIZATION] = in->id;
  r->text[HT_ORGANIZATION_NAME] = in->name;
  r->text[HT_ORGANIZATION_KIND] = in->kind;
  int value_integer = 0;
  figures(p, in, r, &value_integer);
  const char *why = not_applicable(p, in, r, pending);
  if (why) {
    /* the row of an organization that does not apply has no value */
    r->num_present &= ~(1u << HN_VALUE);
    r->status = STATUS_NOT_APPLICABLE;
    r->text[HT_MESSAGE] = why;
    return 1;
  }
  if (!has(r, HN_VALUE) && has(r, HN_DENOMINATOR) && r->num[HN_DENOMINATOR] == 0) r->text[HT_MESSAGE] = p->zero;
  /* judged by the year's value (the key), then the figures since the first year */
  if (!judged(o, p, in, r, value_integer, key)) return 0;
  if (in->slot != 0 && o->slots[in->slot].has_since) since_figures(p, &o->slots[in->slot], in, r);
  if (in->missing) {
    /* mark_missing: the period's source has no rows, so no value is a guess */
    r->num_present &= ~(1u << HN_VALUE | 1u << HN_PATH_VALUE | 1u << HN_YEARLY);
    r->status = STATUS_NO_DATA;
    r->text[HT_MESSAGE] = in->missing;
    r->text[HT_PROGRESS] = NULL;
  }
  if (*pending) r->text[HT_PENDING_KIND] = in->kind;
  return 1;
}
