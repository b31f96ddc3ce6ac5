/* cycle_region.c: the management cycle of every municipality of a region's store at once, each
 * municipality's cycle its own, each with its own layer over the region's pack. The promises are
 * in cycle_region.h. */
#include "cycle_region.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"
#include "evaluate.h"
#include "i18n.h"
#include "result_sink.h"
#include "sandbox.h"

/* A pack summary loaded once per folder: most municipalities share the
 * region's pack, and a layer's summary serves all its cycles. */
typedef struct cached_pack {
  char *dir;
  pack_summary summary;
  char *err; /* why it does not load, or NULL */
} cached_pack;

typedef struct pack_cache {
  cached_pack *items;
  size_t n, cap;
} pack_cache;

/* The summary of the pack at dir, loaded at its first use; NULL with err
 * when it does not load (or memory runs out). */
static const pack_summary *cached_summary(pack_cache *cache, const char *dir, char *err, size_t errlen) {
  for (size_t i = 0; i < cache->n; i++) {
    cached_pack *c = &cache->items[i];
    if (strcmp(c->dir, dir) != 0) continue;
    if (c->err) snprintf(err, errlen, "%s", c->err);
    return c->err ? NULL : &c->summary;
  }
  if (cache->n == cache->cap) {
    size_t cap = cache->cap ? cache->cap * 2 : 8;
    cached_pack *grown = realloc(cache->items, cap * sizeof *grown);
    if (!grown) {
      snprintf(err, errlen, _("out of memory"));
      return NULL;
    }
    cache->items = grown;
    cache->cap = cap;
  }
  cached_pack *c = &cache->items[cache->n];
  memset(c, 0, sizeof *c);
  c->dir = strdup(dir);
  if (!c->dir) {
    snprintf(err, errlen, _("out of memory"));
    return NULL;
  }
  cache->n++;
  if (evaluate_pack_summary(dir, &c->summary, err, errlen) == 0) return &c->summary;
  c->err = strdup(err);
  return NULL;
}

static void pack_cache_free(pack_cache *cache) {
  for (size_t i = 0; i < cache->n; i++) {
    free(cache->items[i].dir);
    free(cache->items[i].err);
    pack_summary_free(&cache->items[i].summary);
  }
  free(cache->items);
}

/* One municipality's part in a region-wide step. */
typedef struct member {
  const char *municipality;    /* borrowed from the store's list */
  cycle_ref cycle;             /* its cycle of the period, when has_cycle */
  int has_cycle;
  char *pack;                  /* the real path of its pack (layer or region's), owned */
  const pack_summary *summary; /* that pack's, from the cache */
  char *message;               /* why it failed (owned), NULL while it has not */
} member;

/* Marks m failed with a message (a copy of text). */
static void member_fail(member *m, const char *text) {
  if (!m->message) m->message = strdup(text ? text : "");
}

/* The municipality's cycle of period into m->cycle: 0, or -1 with err. */
static int find_cycle(sqlite3 *db, member *m, int period, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT id FROM cycle WHERE municipality = ?1 AND period = ?2", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_text(st, 1, m->municipality, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, period);
  long long id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  m->has_cycle = 0;
  if (!id) return 0;
  if (cycle_find(db, NULL, id, &m->cycle, err, errlen) != 0) return -1;
  m->has_cycle = 1;
  return 0;
}

/* The pack of m, as eval --all finds it (its layer next to the region's
 * pack, else the region's pack), and its summary; m fails when the layer
 * does not extend the region's pack or does not load. */
static void find_pack(member *m, const char *region_dir, int period, pack_cache *cache) {
  char dir[2048], real[PATH_MAX], why[2048];
  if (evaluate_municipality_pack(region_dir, m->municipality, period, dir, sizeof dir, why, sizeof why) != 0) {
    member_fail(m, why);
    return;
  }
  if (!realpath(dir, real)) {
    snprintf(why, sizeof why, _("%s: cannot read"), dir);
    member_fail(m, why);
    return;
  }
  m->pack = strdup(real);
  m->summary = cached_summary(cache, real, why, sizeof why);
  if (!m->pack || !m->summary) member_fail(m, m->pack ? why : _("out of memory"));
}

/* Everything a region-wide step holds: the store's municipalities, one
 * member each, and the packs they use. */
typedef struct region_step {
  char **names;
  int n;
  member *members;
  pack_cache packs;
} region_step;

static void region_step_free(region_step *r) {
  for (int i = 0; r->members && i < r->n; i++) {
    free(r->members[i].pack);
    free(r->members[i].message);
  }
  free(r->members);
  evaluate_free_municipalities(r->names);
  pack_cache_free(&r->packs);
}

/* Lists the store's municipalities (those eval --all evaluates) and
 * checks the region's pack is not a municipality's. Returns 0, or -1 with err. */
static int region_step_begin(region_step *r, const char *store_path, const char *region_dir, char *err,
                             size_t errlen) {
  memset(r, 0, sizeof *r);
  const pack_summary *region = cached_summary(&r->packs, region_dir, err, errlen);
  if (!region) return -1;
  if (region->municipality[0]) {
    snprintf(err, errlen, _("%s/pack.lua: a pack of municipality %s cannot evaluate every municipality;"
                            " give the region's pack"), region_dir, region->municipality);
    return -1;
  }
  r->names = evaluate_store_municipalities(store_path, &r->n, err, errlen);
  if (!r->names) return -1;
  if (r->n == 0) {
    snprintf(err, errlen, _("%s: the store has no municipality's data (import organizations first)"), store_path);
    return -1;
  }
  r->members = calloc((size_t)r->n, sizeof *r->members);
  if (!r->members) {
    snprintf(err, errlen, _("out of memory"));
    return -1;
  }
  for (int i = 0; i < r->n; i++) r->members[i].municipality = r->names[i];
  return 0;
}

/* Tells fn what became of m; counts the failures. */
static void report(const member *m, int period, int kept, cycle_outcome_fn fn, void *ud, int *failed) {
  cycle_outcome o = {.municipality = m->municipality, .cycle = m->has_cycle ? m->cycle.id : 0, .period = period,
                     .failed = m->message != NULL, .kept = kept, .message = m->message};
  if (o.failed) (*failed)++;
  fn(ud, &o);
}

int cycle_open_all(sqlite3 *db, const char *store_path, const char *region_dir, int period, const char *title,
                   cycle_outcome_fn fn, void *ud, int *failed, char *err, size_t errlen) {
  *failed = 0;
  region_step r;
  int rc = region_step_begin(&r, store_path, region_dir, err, errlen);
  for (int i = 0; rc == 0 && i < r.n; i++) {
    member *m = &r.members[i];
    char why[4096];
    int kept = 0;
    find_pack(m, region_dir, period, &r.packs);
    if (find_cycle(db, m, period, err, errlen) != 0) {
      rc = -1;
      break;
    }
    if (m->message) {
      /* its layer failed: nothing opened */
    } else if (m->has_cycle) {
      kept = strcmp(m->cycle.pack_dir, m->pack) == 0;
      if (!kept) {
        snprintf(why, sizeof why, _("cycle %lld (%d) exists already with the rules in %s, not with %s (the"
                                    " municipality's layer over the region's pack)"),
                 m->cycle.id, period, m->cycle.pack_dir, m->pack);
        member_fail(m, why);
      }
    } else if (cycle_open_summarized(db, m->municipality, period, title, m->pack, m->summary, &m->cycle.id, why,
                                     sizeof why) != 0) {
      member_fail(m, why);
    } else {
      m->has_cycle = 1;
    }
    report(m, period, kept, fn, ud, failed);
  }
  region_step_free(&r);
  return rc;
}

/* Whether m's cycle of the period can run with --all: it exists, is not
 * closed, and was opened with the pack --all evaluates m with. */
static void check_runnable(member *m, int period) {
  char why[4096];
  if (m->message) return;
  if (!m->has_cycle) {
    snprintf(why, sizeof why, _("no cycle for %d: open the cycles with 'pdmon cycle open --all --period %d'"), period,
             period);
  } else if (!strcmp(m->cycle.state, "closed")) {
    snprintf(why, sizeof why, _("cycle %lld (%d) is closed: its results never change; open the next cycle"),
             m->cycle.id, period);
  } else if (strcmp(m->cycle.pack_dir, m->pack) != 0) {
    snprintf(why, sizeof why, _("cycle %lld (%d) was opened with the rules in %s, but --all evaluates the"
                                " municipality with %s; run it alone with 'pdmon cycle run --municipality %s'"),
             m->cycle.id, period, m->cycle.pack_dir, m->pack, m->municipality);
  } else {
    return;
  }
  member_fail(m, why);
}

/* Evaluates the runnable members in one run into sink. Returns 0, or -1 with err. */
static int evaluate_members(region_step *r, const char *store_path, const char *region_dir, int period,
                            result_sink *sink, evaluation_info *info, char *err, size_t errlen) {
  const char **units = calloc((size_t)r->n + 1, sizeof *units);
  if (!units) {
    snprintf(err, errlen, _("out of memory"));
    return -1;
  }
  int n = 0;
  for (int i = 0; i < r->n; i++)
    if (!r->members[i].message) units[n++] = r->members[i].municipality;
  int rc = 0, evaluated = 0;
  memset(info, 0, sizeof *info);
  if (n > 0) {
    evaluate_options opt = {.store_path = store_path, .pack_dir = region_dir, .period = period,
                            .limits = sandbox_default_limits(), .chosen = units};
    rc = evaluate_each_municipality(&opt, sink, info, &evaluated, err, errlen);
  }
  free(units);
  return rc;
}

int cycle_run_all(sqlite3 *db, const char *store_path, const char *region_dir, int period, cycle_outcome_fn fn,
                  void *ud, int *failed, char *err, size_t errlen) {
  *failed = 0;
  region_step r;
  result_sink *sink = NULL;
  int rc = region_step_begin(&r, store_path, region_dir, err, errlen);
  for (int i = 0; rc == 0 && i < r.n; i++) {
    member *m = &r.members[i];
    find_pack(m, region_dir, period, &r.packs);
    rc = find_cycle(db, m, period, err, errlen);
    check_runnable(m, period);
  }
  if (rc == 0) rc = result_sink_open(&sink, err, errlen);
  evaluation_info info;
  if (rc == 0) rc = evaluate_members(&r, store_path, region_dir, period, sink, &info, err, errlen);
  for (int i = 0; rc == 0 && i < r.n; i++) {
    member *m = &r.members[i];
    char why[8192];
    if (!m->message && cycle_store(db, &m->cycle, sink, m->municipality, info.statements, m->summary, why,
                                   sizeof why) != 0)
      member_fail(m, why);
    report(m, period, 0, fn, ud, failed);
  }
  if (sink) result_sink_close(sink);
  region_step_free(&r);
  return rc;
}

int cycle_latest_period(sqlite3 *db) {
  sqlite3_stmt *st;
  int period = 0;
  if (sqlite3_prepare_v2(db, "SELECT MAX(period) FROM cycle", -1, &st, NULL) != SQLITE_OK) return 0;
  if (sqlite3_step(st) == SQLITE_ROW) period = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return period;
}
