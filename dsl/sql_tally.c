/* sql_tally.c: the pdmon_tally and pdmon_bits aggregates of the evaluation's scans. The
 * promises are in sql_tally.h. */
#include "sql_tally.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Most mask words, fields and measures one plan may have, and how many
 * different plans one connection keeps (an evaluation uses a few). */
#define TALLY_MAX_WORDS 16
#define TALLY_MAX_FIELDS 64
#define TALLY_MAX_MEASURES 4096
#define TALLY_MAX_PLANS 256

/* One measure: what it adds (a row, a field's value, a field's presence)
 * and the bits it needs in each mask word. */
typedef struct tally_measure {
  char kind;      /* 'n' rows, 't' total of field, 'c' count of field */
  int field;      /* 0-based field, for 't' and 'c' */
  int nconds;
  struct { int word; int64_t bits; } *conds;
} tally_measure;

/* A parsed plan, kept by its text. */
typedef struct tally_plan {
  char *text;
  size_t len;
  int words, fields, nmeasures;
  tally_measure *measures;
  struct tally_plan *next;
} tally_plan;

/* The plans one connection has parsed. */
typedef struct tally_cache {
  tally_plan *plans;
  int nplans;
} tally_cache;

/* The running sums of one group; values[i] is an int64 or a double as the
 * plan's measure i says. */
typedef struct tally_state {
  const tally_plan *plan;
  union { int64_t count; double total; } values[];
} tally_state;

static void free_plan(tally_plan *p) {
  if (!p) return;
  for (int i = 0; i < p->nmeasures; i++) free(p->measures[i].conds);
  free(p->measures);
  free(p->text);
  free(p);
}

static void free_cache(void *data) {
  tally_cache *c = data;
  while (c->plans) {
    tally_plan *next = c->plans->next;
    free_plan(c->plans);
    c->plans = next;
  }
  free(c);
}

/* Reads a non-negative integer at *s; -1 when there is none. */
static long long read_number(const char **s) {
  if (**s < '0' || **s > '9') return -1;
  long long v = 0;
  while (**s >= '0' && **s <= '9' && v < (1LL << 62) / 10) v = v * 10 + (*(*s)++ - '0');
  return v;
}

/* Parses one measure at *s (after its ';'); 0, or -1 when malformed (then
 * *s may be anywhere up to the text's end, never past it). */
static int parse_measure(const char **s, const tally_plan *p, tally_measure *m) {
  m->kind = **s;
  if (m->kind != 'n' && m->kind != 't' && m->kind != 'c') return -1;
  (*s)++;
  if (m->kind != 'n') {
    long long f = read_number(s);
    if (f < 1 || f > p->fields) return -1;
    m->field = (int)f - 1;
  }
  if (**s != ':') return -1;
  (*s)++;
  while (**s && **s != ';') {
    long long word = read_number(s);
    if (word < 1 || word > p->words || **s != '=') return -1;
    (*s)++;
    long long bits = read_number(s);
    if (bits < 0) return -1;
    void *grown = realloc(m->conds, (size_t)(m->nconds + 1) * sizeof *m->conds);
    if (!grown) return -1;
    m->conds = grown;
    m->conds[m->nconds].word = (int)word - 1;
    m->conds[m->nconds].bits = bits;
    m->nconds++;
    if (**s == ',') (*s)++;
    else if (**s && **s != ';') return -1;
  }
  return 0;
}

/* Parses a plan's text; NULL when malformed or out of memory. */
static tally_plan *parse_plan(const char *text, size_t len) {
  tally_plan *p = calloc(1, sizeof *p);
  if (!p || !(p->text = malloc(len + 1))) {
    free(p);
    return NULL;
  }
  memcpy(p->text, text, len);
  p->text[len] = '\0';
  p->len = len;
  const char *s = p->text;
  long long words = read_number(&s);
  if (*s++ != ' ') words = -1;
  long long fields = words >= 0 ? read_number(&s) : -1;
  if (words < 0 || words > TALLY_MAX_WORDS || fields < 0 || fields > TALLY_MAX_FIELDS) {
    free_plan(p);
    return NULL;
  }
  p->words = (int)words;
  p->fields = (int)fields;
  /* a measure that fails to parse fails the plan, wherever it stopped: a
   * half-read one (a field or a word out of range at the text's end) would
   * count other rows, or read a field the call does not have */
  int bad = 0;
  while (*s == ';' && !bad) {
    s++;
    tally_measure *grown = NULL;
    if (p->nmeasures == TALLY_MAX_MEASURES ||
        !(grown = realloc(p->measures, (size_t)(p->nmeasures + 1) * sizeof *grown))) {
      bad = 1;
      break;
    }
    p->measures = grown;
    memset(&p->measures[p->nmeasures], 0, sizeof *p->measures);
    bad = parse_measure(&s, p, &p->measures[p->nmeasures++]) != 0;
  }
  if (bad || *s != '\0' || p->nmeasures == 0) {
    free_plan(p);
    return NULL;
  }
  return p;
}

/* The plan of text, parsed once per connection; NULL when malformed. */
static const tally_plan *plan_of(tally_cache *c, const char *text, size_t len) {
  for (tally_plan *p = c->plans; p; p = p->next)
    if (p->len == len && memcmp(p->text, text, len) == 0) return p;
  if (c->nplans >= TALLY_MAX_PLANS) return NULL;
  tally_plan *p = parse_plan(text, len);
  if (!p) return NULL;
  p->next = c->plans;
  c->plans = p;
  c->nplans++;
  return p;
}

/* 1 when the row's masks hold every bit measure m needs. */
static int row_matches(const tally_measure *m, const int64_t *masks) {
  for (int i = 0; i < m->nconds; i++)
    if ((masks[m->conds[i].word] & m->conds[i].bits) != m->conds[i].bits) return 0;
  return 1;
}

static void tally_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  tally_cache *cache = sqlite3_user_data(ctx);
  const char *text = (const char *)sqlite3_value_text(argv[0]);
  if (!text) {
    sqlite3_result_error(ctx, "pdmon_tally: the plan is NULL", -1);
    return;
  }
  const tally_plan *plan = plan_of(cache, text, (size_t)sqlite3_value_bytes(argv[0]));
  if (!plan) {
    sqlite3_result_error(ctx, "pdmon_tally: malformed plan", -1);
    return;
  }
  if (argc != 1 + plan->words + plan->fields) {
    sqlite3_result_error(ctx, "pdmon_tally: the plan names another number of masks and fields", -1);
    return;
  }
  tally_state *st = sqlite3_aggregate_context(ctx, (int)(sizeof *st + (size_t)plan->nmeasures * sizeof st->values[0]));
  if (!st) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (!st->plan) st->plan = plan; /* the context comes zeroed: counts and totals start at 0 */
  if (st->plan != plan) {
    sqlite3_result_error(ctx, "pdmon_tally: the plan changed within a group", -1);
    return;
  }
  int64_t masks[TALLY_MAX_WORDS];
  for (int w = 0; w < plan->words; w++) masks[w] = sqlite3_value_int64(argv[1 + w]);
  sqlite3_value **fields = argv + 1 + plan->words;
  for (int i = 0; i < plan->nmeasures; i++) {
    const tally_measure *m = &plan->measures[i];
    if (!row_matches(m, masks)) continue;
    if (m->kind == 'n') st->values[i].count++;
    else if (sqlite3_value_type(fields[m->field]) != SQLITE_NULL) {
      if (m->kind == 'c') st->values[i].count++;
      else st->values[i].total += sqlite3_value_double(fields[m->field]);
    }
  }
}

static void tally_final(sqlite3_context *ctx) {
  tally_state *st = sqlite3_aggregate_context(ctx, 0);
  if (!st || !st->plan) {
    sqlite3_result_null(ctx); /* no rows: every measure is 0 */
    return;
  }
  size_t n = (size_t)st->plan->nmeasures;
  unsigned char *blob = sqlite3_malloc64(n * 8);
  if (!blob) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  for (size_t i = 0; i < n; i++) memcpy(blob + i * 8, &st->values[i], 8);
  sqlite3_result_blob(ctx, blob, (int)(n * 8), sqlite3_free);
}

/* pdmon_bits(x): the bits of the rows' x ORed together; the state is
 * made only by a row, so no rows (or only NULLs) give 0. */
static void bits_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  int64_t *bits = sqlite3_aggregate_context(ctx, sizeof *bits);
  if (!bits) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  *bits |= sqlite3_value_int64(argv[0]);
}

static void bits_final(sqlite3_context *ctx) {
  int64_t *bits = sqlite3_aggregate_context(ctx, 0);
  sqlite3_result_int64(ctx, bits ? *bits : 0);
}

int sql_tally_register(sqlite3 *db) {
  int rc = sqlite3_create_function_v2(db, "pdmon_bits", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      NULL, NULL, bits_step, bits_final, NULL);
  if (rc != SQLITE_OK) return rc;
  tally_cache *cache = calloc(1, sizeof *cache);
  if (!cache) return SQLITE_NOMEM;
  return sqlite3_create_function_v2(db, "pdmon_tally", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                    cache, NULL, tally_step, tally_final, free_cache);
}
