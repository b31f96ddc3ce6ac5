/* region.c: what the region's report reads from the store: the municipalities and the cycle
 * each has for the period, the indicators as those cycles state them, and the rows of every
 * section read from SQL in the order they are written. Two TEMP tables number the
 * municipalities and indicators so every section is one statement whose loops give its
 * order (no sort of a country's rows). The promises are in region.h. */
#include "region.h"
#include "region_render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"
#include "i18n.h"
#include "report.h"
#include "report_text.h"
#include "russian.h"
#include "store.h"

/* A run (or closed) cycle: one whose monitoring is stored. */
#define RUN "c.state IN ('run', 'closed')"

static char *dup(const unsigned char *s) {
  const char *t = s ? (const char *)s : "";
  size_t n = strlen(t) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, t, n);
  return d;
}

static int fail(sqlite3 *db, char *err, size_t errlen) {
  snprintf(err, errlen, _("the store: %s"), sqlite3_errmsg(db));
  return -1;
}

/* The file name of a municipality's report: its code with every character
 * but ASCII letters, digits and '-' written as _XX, so no code from the
 * store names a path outside the folder or needs escaping in a link. */
static void file_of(const char *code, char *buf, size_t len) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)code; *p && n + 8 < len; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-')
      buf[n++] = (char)*p;
    else n += (size_t)snprintf(buf + n, len - n, "_%02X", *p);
  }
  snprintf(buf + n, len - n, ".html");
}

static int by_name(const void *a, const void *b) {
  const region_municipality *x = a, *y = b;
  int c = strcmp(region_name(x), region_name(y));
  return c ? c : strcmp(x->code, y->code);
}

/* What the ranking sorts by: a municipality's place in r->municipalities
 * and its counts. */
typedef struct ranked {
  size_t index;
  const region_municipality *m;
} ranked;

/* Most targets met first, then fewest not met, then by name; municipalities without a cycle last. */
static int by_targets(const void *a, const void *b) {
  const region_municipality *x = ((const ranked *)a)->m, *y = ((const ranked *)b)->m;
  if (!x->cycle != !y->cycle) return x->cycle ? -1 : 1;
  if (x->met != y->met) return y->met - x->met;
  if (x->not_met != y->not_met) return x->not_met - y->not_met;
  return by_name(x, y);
}

/* Whether path is a folder itself (not a symbolic link to one, which could
 * send the municipalities' reports elsewhere). */
static int is_directory(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char municipalities_sql[] =
    "WITH m(code) AS (SELECT municipality FROM organization UNION SELECT municipality FROM cycle)"
    " SELECT m.code, c.id, c.state, c.run_at,"
    "  (SELECT max(c.period) FROM cycle c WHERE c.municipality = m.code AND " RUN "),"
    "  COALESCE((SELECT json_extract(c.goals, '$.municipality_name') FROM cycle c WHERE c.municipality = m.code"
    "   AND json_extract(c.goals, '$.municipality_name') <> '' ORDER BY c.period = ?1 DESC, c.period DESC LIMIT 1),"
    "   (SELECT n.value FROM meta n JOIN meta k ON k.key = 'municipality' AND k.value = m.code"
    "    WHERE n.key = 'municipality_name'), '')"
    " FROM m LEFT JOIN cycle c ON c.municipality = m.code AND c.period = ?1 AND " RUN;

/* The municipalities of the store with their cycles, in name order, into r
 * and the TEMP table region_municipality. */
static int read_municipalities(region *r, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db, municipalities_sql, -1, &st, NULL) != SQLITE_OK) return fail(r->db, err, errlen);
  sqlite3_bind_int(st, 1, r->period);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (r->nmunicipalities == cap) {
      cap = cap ? cap * 2 : 64;
      region_municipality *grown = realloc(r->municipalities, cap * sizeof *grown);
      if (!grown) break;
      r->municipalities = grown;
    }
    region_municipality *m = &r->municipalities[r->nmunicipalities++];
    memset(m, 0, sizeof *m);
    m->code = dup(sqlite3_column_text(st, 0));
    m->name = dup(sqlite3_column_text(st, 5));
    m->cycle = sqlite3_column_int64(st, 1);
    snprintf(m->state, sizeof m->state, "%s", m->cycle ? (const char *)sqlite3_column_text(st, 2) : "");
    const unsigned char *run_at = sqlite3_column_text(st, 3);
    snprintf(m->run_at, sizeof m->run_at, "%s", run_at ? (const char *)run_at : "");
    m->latest_period = sqlite3_column_int(st, 4);
    if (m->cycle) {
      file_of(m->code, m->file, sizeof m->file);
      r->ncycles++;
    }
    if (!m->code || !m->name) rc = SQLITE_NOMEM;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return fail(r->db, err, errlen);
  if (r->nmunicipalities) qsort(r->municipalities, r->nmunicipalities, sizeof *r->municipalities, by_name);
  if (sqlite3_exec(r->db, "DROP TABLE IF EXISTS temp.region_municipality; DROP TABLE IF EXISTS temp.region_indicator;"
                          "CREATE TEMP TABLE region_municipality (ord INTEGER PRIMARY KEY, code TEXT NOT NULL, cycle INTEGER);"
                          "CREATE TEMP TABLE region_indicator (ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, shared INTEGER NOT NULL)",
                   NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(r->db, "INSERT INTO region_municipality VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK)
    return fail(r->db, err, errlen);
  for (size_t i = 0; i < r->nmunicipalities; i++) {
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
    sqlite3_bind_text(st, 2, r->municipalities[i].code, -1, SQLITE_STATIC);
    if (r->municipalities[i].cycle) sqlite3_bind_int64(st, 3, r->municipalities[i].cycle);
    else sqlite3_bind_null(st, 3);
    if (sqlite3_step(st) != SQLITE_DONE) {
      sqlite3_finalize(st);
      return fail(r->db, err, errlen);
    }
  }
  sqlite3_finalize(st);
  return 0;
}

/* The period's totals: one row per municipality and indicator. */
#define TOTALS "r.organization IS NULL AND r.breakdown IS NULL"

static const char indicators_sql[] =
    "SELECT r.indicator, r.title, r.unit, r.criterion_title, r.target_kind, r.level, min(r.rowid),"
    "  count(*), count(r.value), min(r.value), max(r.value),"
    "  sum(r.status = 'met'), sum(r.status = 'not_met'),"
    "  sum(r.status = 'in_progress' AND r.progress = 'on_track'), sum(r.status = 'in_progress' AND r.progress = 'behind')"
    " FROM region_municipality m CROSS JOIN cycle_result r"
    " WHERE m.cycle IS NOT NULL AND r.cycle_id = m.cycle AND " TOTALS " GROUP BY r.indicator ORDER BY 7";

/* The target most municipalities were judged on, per indicator. */
static const char targets_sql[] =
    "SELECT r.indicator, r.target_text, r.target_value, count(*) AS n"
    " FROM region_municipality m CROSS JOIN cycle_result r"
    " WHERE m.cycle IS NOT NULL AND r.cycle_id = m.cycle AND " TOTALS
    " GROUP BY r.indicator, r.target_text, r.target_value ORDER BY r.indicator, n DESC, r.target_text";

static region_indicator *indicator_named(region *r, const char *id) {
  for (size_t i = 0; i < r->nindicators; i++)
    if (!strcmp(r->indicators[i].id, id)) return &r->indicators[i];
  return NULL;
}

static int read_indicators(region *r, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db, indicators_sql, -1, &st, NULL) != SQLITE_OK) return fail(r->db, err, errlen);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (r->nindicators == cap) {
      cap = cap ? cap * 2 : 32;
      region_indicator *grown = realloc(r->indicators, cap * sizeof *grown);
      if (!grown) break;
      r->indicators = grown;
    }
    region_indicator *ind = &r->indicators[r->nindicators++];
    memset(ind, 0, sizeof *ind);
    ind->id = dup(sqlite3_column_text(st, 0));
    ind->title = dup(sqlite3_column_text(st, 1));
    ind->unit = dup(sqlite3_column_text(st, 2));
    ind->criterion = dup(sqlite3_column_text(st, 3));
    ind->target_kind = dup(sqlite3_column_text(st, 4));
    ind->level = dup(sqlite3_column_text(st, 5));
    ind->target_text = NULL;
    snprintf(ind->number, sizeof ind->number, "%zu", r->nindicators);
    ind->municipalities = sqlite3_column_int(st, 7);
    ind->values = sqlite3_column_int(st, 8);
    ind->min = sqlite3_column_double(st, 9);
    ind->max = sqlite3_column_double(st, 10);
    ind->met = sqlite3_column_int(st, 11);
    ind->not_met = sqlite3_column_int(st, 12);
    ind->on_track = sqlite3_column_int(st, 13);
    ind->behind = sqlite3_column_int(st, 14);
    ind->other = ind->municipalities - ind->met - ind->not_met - ind->on_track - ind->behind;
    ind->shared = (size_t)ind->municipalities == r->ncycles;
    if (!ind->shared) r->unshared++;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return fail(r->db, err, errlen);
  if (sqlite3_prepare_v2(r->db, targets_sql, -1, &st, NULL) != SQLITE_OK) return fail(r->db, err, errlen);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    region_indicator *ind = indicator_named(r, (const char *)sqlite3_column_text(st, 0));
    if (!ind) continue;
    if (!ind->target_text) { /* the first row of an indicator: its most common target */
      ind->target_text = dup(sqlite3_column_text(st, 1));
      ind->has_target_value = sqlite3_column_type(st, 2) != SQLITE_NULL;
      ind->target_value = sqlite3_column_double(st, 2);
    } else {
      ind->own_target += sqlite3_column_int(st, 3);
    }
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return fail(r->db, err, errlen);
  if (sqlite3_prepare_v2(r->db, "INSERT INTO region_indicator VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK)
    return fail(r->db, err, errlen);
  for (size_t i = 0; i < r->nindicators; i++) {
    if (!r->indicators[i].target_text) r->indicators[i].target_text = dup(NULL);
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
    sqlite3_bind_text(st, 2, r->indicators[i].id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, r->indicators[i].shared);
    if (sqlite3_step(st) != SQLITE_DONE) {
      sqlite3_finalize(st);
      return fail(r->db, err, errlen);
    }
  }
  sqlite3_finalize(st);
  return 0;
}

/* How many of each municipality's results met their targets, and so on, of the
 * indicators every municipality with a cycle has: a layer's own indicators
 * (three «Наличие» of one municipality) would otherwise lift it above the
 * municipalities judged on the region's indicators alone. */
static int count_statuses(region *r, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db, "SELECT m.ord, count(*), sum(r.status = 'met'), sum(r.status = 'not_met'),"
                                " sum(r.status = 'in_progress' AND r.progress = 'on_track'),"
                                " sum(r.status = 'in_progress' AND r.progress = 'behind'), sum(r.status = 'in_progress')"
                                " FROM region_municipality m CROSS JOIN cycle_result r"
                                " WHERE m.cycle IS NOT NULL AND r.cycle_id = m.cycle AND " TOTALS
                                " AND r.indicator IN (SELECT id FROM region_indicator WHERE shared) GROUP BY m.ord",
                         -1, &st, NULL) != SQLITE_OK)
    return fail(r->db, err, errlen);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 i = sqlite3_column_int64(st, 0);
    if (i < 0 || (size_t)i >= r->nmunicipalities) continue;
    region_municipality *m = &r->municipalities[i];
    m->results = sqlite3_column_int(st, 1);
    m->met = sqlite3_column_int(st, 2);
    m->not_met = sqlite3_column_int(st, 3);
    m->on_track = sqlite3_column_int(st, 4);
    m->behind = sqlite3_column_int(st, 5);
    m->in_progress = sqlite3_column_int(st, 6) - m->on_track - m->behind;
    m->other = m->results - m->met - m->not_met - sqlite3_column_int(st, 6);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : fail(r->db, err, errlen);
}

static int read_periods(region *r, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db, "SELECT DISTINCT c.period FROM cycle c WHERE " RUN " AND c.period <= ?1"
                                " ORDER BY c.period DESC LIMIT 16", -1, &st, NULL) != SQLITE_OK)
    return fail(r->db, err, errlen);
  sqlite3_bind_int(st, 1, r->period);
  int found[16], n = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 16) found[n++] = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  for (int i = 0; i < n; i++) r->periods[i] = found[n - 1 - i];
  r->nperiods = n;
  return 0;
}

int region_open(sqlite3 *db, const region_options *opt, region *r, char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  r->db = db;
  r->links = opt && opt->links ? opt->links : "municipalities";
  r->period = opt ? opt->period : 0;
  sqlite3_stmt *st;
  if (!r->period) {
    if (sqlite3_prepare_v2(db, "SELECT max(c.period) FROM cycle c WHERE " RUN, -1, &st, NULL) != SQLITE_OK)
      return fail(db, err, errlen);
    if (sqlite3_step(st) == SQLITE_ROW) r->period = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (!r->period) {
      snprintf(err, errlen, _("the store holds no cycle that has run: run 'pdmon cycle run' for the municipalities first"));
      return -1;
    }
  }
  snprintf(r->as_of, sizeof r->as_of, "%04d-12-31", r->period);
  ru_today_iso(r->generated, sizeof r->generated);
  if (read_municipalities(r, err, errlen) != 0 || read_indicators(r, err, errlen) != 0 ||
      count_statuses(r, err, errlen) != 0 || read_periods(r, err, errlen) != 0) {
    region_close(r);
    return -1;
  }
  if (!r->ncycles) {
    snprintf(err, errlen, _("no municipality has a cycle of %d that has run (pdmon cycle run; --period YEAR for another year)"),
             r->period);
    region_close(r);
    return -1;
  }
  r->ranking = malloc((r->nmunicipalities ? r->nmunicipalities : 1) * sizeof *r->ranking);
  ranked *order = malloc((r->nmunicipalities ? r->nmunicipalities : 1) * sizeof *order);
  if (!r->ranking || !order) {
    free(order);
    snprintf(err, errlen, _("out of memory"));
    region_close(r);
    return -1;
  }
  for (size_t i = 0; i < r->nmunicipalities; i++) order[i] = (ranked){i, &r->municipalities[i]};
  qsort(order, r->nmunicipalities, sizeof *order, by_targets);
  for (size_t i = 0; i < r->nmunicipalities; i++) {
    r->ranking[i] = order[i].index;
    region_municipality *m = &r->municipalities[order[i].index];
    if (!m->cycle) continue;
    /* equal counts share a place */
    const region_municipality *before = i ? order[i - 1].m : NULL;
    m->rank = before && before->cycle && before->met == m->met && before->not_met == m->not_met ? before->rank : (int)i + 1;
  }
  free(order);
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM region_municipality m CROSS JOIN cycle_rating g"
                             " WHERE m.cycle IS NOT NULL AND g.cycle_id = m.cycle", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) r->ratings = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  return 0;
}

void region_close(region *r) {
  for (size_t i = 0; i < r->nmunicipalities; i++) {
    free(r->municipalities[i].code);
    free(r->municipalities[i].name);
  }
  for (size_t i = 0; i < r->nindicators; i++) {
    region_indicator *ind = &r->indicators[i];
    free(ind->id), free(ind->title), free(ind->unit), free(ind->criterion), free(ind->target_text);
    free(ind->target_kind), free(ind->level);
  }
  free(r->municipalities);
  free(r->indicators);
  free(r->ranking);
  if (r->db) sqlite3_exec(r->db, "DROP TABLE IF EXISTS temp.region_municipality; DROP TABLE IF EXISTS temp.region_indicator",
                          NULL, NULL, NULL);
  memset(r, 0, sizeof *r);
}

/* The columns every section reads: municipality, indicator, period, value,
 * numerator, denominator, target value, status, progress, target text. */
#define CELL_COLUMNS "m.ord, i.ord, c.period, r.value, r.numerator, r.denominator, r.target_value, r.status, r.progress, r.target_text, r.path_value"

/* CROSS JOIN fixes the loops' order, which is the order asked for. */
static const char *const section_sql[] = {
    [REGION_BY_MUNICIPALITY] =
        "SELECT " CELL_COLUMNS " FROM region_municipality m CROSS JOIN region_indicator i CROSS JOIN cycle c"
        " CROSS JOIN cycle_result r WHERE m.cycle IS NOT NULL AND c.id = m.cycle AND r.cycle_id = m.cycle"
        " AND r.indicator = i.id AND " TOTALS " ORDER BY m.ord, i.ord",
    [REGION_BY_INDICATOR] =
        "SELECT " CELL_COLUMNS " FROM region_indicator i CROSS JOIN region_municipality m CROSS JOIN cycle c"
        " CROSS JOIN cycle_result r WHERE m.cycle IS NOT NULL AND c.id = m.cycle AND r.cycle_id = m.cycle"
        " AND r.indicator = i.id AND " TOTALS " ORDER BY i.ord, m.ord",
    [REGION_BELOW_TARGET] =
        "SELECT " CELL_COLUMNS " FROM region_indicator i CROSS JOIN region_municipality m CROSS JOIN cycle c"
        " CROSS JOIN cycle_result r WHERE m.cycle IS NOT NULL AND c.id = m.cycle AND r.cycle_id = m.cycle"
        " AND r.indicator = i.id AND " TOTALS
        " AND (r.status = 'not_met' OR (r.status = 'in_progress' AND r.progress = 'behind'))"
        " ORDER BY i.ord, r.status = 'in_progress',"
        " CASE WHEN r.target_kind IN ('at_most', 'below') THEN -r.value ELSE r.value END, m.ord",
    [REGION_DYNAMICS] =
        "SELECT " CELL_COLUMNS " FROM region_indicator i CROSS JOIN region_municipality m CROSS JOIN cycle c"
        " CROSS JOIN cycle_result r WHERE c.municipality = m.code AND " RUN " AND c.period BETWEEN ?1 AND ?2"
        " AND r.cycle_id = c.id AND r.indicator = i.id AND " TOTALS " ORDER BY i.ord, m.ord, c.period",
};

static const char *text_or_empty(sqlite3_stmt *st, int col) {
  const unsigned char *s = sqlite3_column_text(st, col);
  return s ? (const char *)s : "";
}

int region_each(region *r, region_order order, region_cell_fn fn, void *ud) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db, section_sql[order], -1, &st, NULL) != SQLITE_OK) return -1;
  if (order == REGION_DYNAMICS) {
    sqlite3_bind_int(st, 1, r->nperiods ? r->periods[0] : r->period);
    sqlite3_bind_int(st, 2, r->period);
  }
  int rc, result = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    region_cell cell = {
        .municipality = (size_t)sqlite3_column_int64(st, 0),
        .indicator = (size_t)sqlite3_column_int64(st, 1),
        .period = sqlite3_column_int(st, 2),
        .has_value = sqlite3_column_type(st, 3) != SQLITE_NULL,
        .value = sqlite3_column_double(st, 3),
        .has_numerator = sqlite3_column_type(st, 4) != SQLITE_NULL,
        .numerator = sqlite3_column_double(st, 4),
        .has_denominator = sqlite3_column_type(st, 5) != SQLITE_NULL,
        .denominator = sqlite3_column_double(st, 5),
        .has_target_value = sqlite3_column_type(st, 6) != SQLITE_NULL,
        .target_value = sqlite3_column_double(st, 6),
        .status = text_or_empty(st, 7),
        .progress = text_or_empty(st, 8),
        .target_text = text_or_empty(st, 9),
        .has_path_value = sqlite3_column_type(st, 10) != SQLITE_NULL,
        .path_value = sqlite3_column_double(st, 10),
    };
    if (cell.municipality >= r->nmunicipalities || cell.indicator >= r->nindicators) continue;
    if ((result = fn(ud, &cell)) != 0) break;
  }
  sqlite3_finalize(st);
  if (result) return result;
  return rc == SQLITE_DONE ? 0 : -1;
}

const char *region_judgement(const region_cell *cell) {
  if (!strcmp(cell->status, "in_progress") && (!strcmp(cell->progress, "on_track") || !strcmp(cell->progress, "behind")))
    return cell->progress;
  return cell->status[0] ? cell->status : "no_data";
}

const char *region_value(const region_indicator *ind, int has, double value, char *buf, size_t len) {
  return report_value_of(ind->unit, ind->target_kind, has, value, buf, len);
}

void region_scale_of(const region_indicator *ind, int bins, region_scale *s) {
  s->presence = !strcmp(ind->target_kind, "presence") && !ind->unit[0];
  s->bins = s->presence ? 2 : bins;
  s->lo = ind->min < 0 ? ind->min : 0;
  s->hi = ind->max;
  if (!strcmp(ind->unit, "%") && s->hi < 100) s->hi = 100;
  if (ind->has_target_value && strcmp(ind->target_kind, "growth") && ind->target_value > s->hi) s->hi = ind->target_value;
  if (s->hi <= s->lo) s->hi = s->lo + 1;
}

int region_bin(const region_scale *s, double value) {
  if (s->presence) return value > 0;
  int b = (int)((value - s->lo) / (s->hi - s->lo) * s->bins);
  if (b < 0) b = 0;
  if (b >= s->bins) b = s->bins - 1;
  return b;
}

const char *region_sign(const char *judgement) {
  if (!strcmp(judgement, "met")) return "✓";
  if (!strcmp(judgement, "not_met")) return "✗";
  if (!strcmp(judgement, "behind")) return "⚠";
  if (!strcmp(judgement, "on_track")) return "↗";
  if (!strcmp(judgement, "in_progress")) return "○";
  return "·";
}

size_t region_most_missed(const region *r, size_t *order, size_t limit) {
  enum { CANDIDATES = 64 }; /* the first 64 indicators with a target missed are ranked */
  size_t candidates[CANDIDATES], n = 0;
  for (size_t i = 0; i < r->nindicators && n < CANDIDATES; i++)
    if (r->indicators[i].not_met > 0) candidates[n++] = i;
  for (size_t i = 1; i < n; i++) /* insertion sort: stable, at most 64 */
    for (size_t j = i; j > 0 && r->indicators[candidates[j]].not_met > r->indicators[candidates[j - 1]].not_met; j--) {
      size_t t = candidates[j];
      candidates[j] = candidates[j - 1];
      candidates[j - 1] = t;
    }
  if (n > limit) n = limit;
  memcpy(order, candidates, n * sizeof *order);
  return n;
}

const char *region_name(const region_municipality *m) { return m->name && m->name[0] ? m->name : m->code; }

#define RANKING_NOTE \
  "Сводный (композитный) рейтинг муниципалитетов наборами правил не определён: рейтинги, которые" \
  " набор правил может задать, ранжируют организации внутри муниципалитета, и весов показателей для" \
  " муниципалитетов документы не дают. Поэтому муниципалитеты не ранжируются по сводному баллу, а" \
  " упорядочены по числу показателей, цель по которым достигнута за период (при равенстве — по меньшему" \
  " числу недостигнутых целей, затем по названию); муниципалитеты с равными числами делят место." \
  " Это подсчёт статусов, а не рейтинг с весами."

const char *region_ranking_note(const region *r) {
  if (!r->unshared) return RANKING_NOTE;
  return RANKING_NOTE " Считаются только показатели, по которым оценены все муниципалитеты с циклом за период:"
                      " собственные показатели муниципальных наборов правил, которых нет у других, в подсчёт"
                      " (и в столбец «Показателей») не входят.";
}

/* Appends a count with its noun in the right form («2 муниципалитета»). */
static void add_count(report_buf *b, long long n, const char *one, const char *few, const char *many) {
  char buf[128];
  report_buf_add(b, ru_count(n, one, few, many, buf, sizeof buf));
}

/* Appends a value of the indicator for people. */
static void add_value(report_buf *b, const region_indicator *ind, int has, double v) {
  char buf[96];
  report_buf_add(b, region_value(ind, has, v, buf, sizeof buf));
}

void region_scope_sentence(report_buf *b, const region *r) {
  size_t without = r->nmunicipalities - r->ncycles;
  report_buf_add(b, "В хранилище ");
  add_count(b, (long long)r->nmunicipalities, "муниципалитет", "муниципалитета", "муниципалитетов");
  report_buf_addf(b, "; цикл мониторинга за %d год проведён в ", r->period);
  add_count(b, (long long)r->ncycles, "муниципалитете", "муниципалитетах", "муниципалитетах");
  if (without) {
    report_buf_add(b, ", нет цикла — в ");
    add_count(b, (long long)without, "муниципалитете", "муниципалитетах", "муниципалитетах");
    report_buf_add(b, " (отмечены в разделе 1)");
  }
  report_buf_addf(b, ". Показателей: %zu.", r->nindicators);
}

void region_missed_sentence(report_buf *b, const region_indicator *ind) {
  report_buf_add(b, ind->title);
  report_buf_add(b, ": не достигли цели ");
  add_count(b, ind->not_met, "муниципалитет", "муниципалитета", "муниципалитетов");
  report_buf_addf(b, " из %d (цель: %s).", ind->municipalities, region_target_text(ind));
}

void region_below_figures(report_buf *b, const region_indicator *ind, const region_cell *cell, int behind) {
  report_buf_add(b, " — ");
  add_value(b, ind, cell->has_value, cell->value);
  if (behind && cell->has_path_value) {
    report_buf_add(b, " при траектории ");
    add_value(b, ind, 1, cell->path_value);
  }
  if (cell->has_target_value && strcmp(cell->target_text, ind->target_text)) {
    report_buf_add(b, " (своя цель ");
    add_value(b, ind, 1, cell->target_value);
    report_buf_add(b, ")");
  }
}

/* ---- the words the renderers share ---- */

const region_words region_word = {
    .kicker = "Регион · все муниципалитеты хранилища",
    .as_of = "По состоянию на ",
    .summary = "Итоги",
    .most_missed = "Показатели, по которым больше всего муниципалитетов не достигли цели",
    .none_missed = "Нет показателей, цель по которым не достигнута хотя бы одним муниципалитетом.",
    .ranking = "1. Муниципалитеты: достижение целей и прочитанные циклы",
    .ratings_note = " Рейтинги организаций, которые задаёт набор правил, приведены в отчётах муниципалитетов.",
    .links_note = "Название муниципалитета — ссылка на его собственный отчёт за период.",
    .unjudged_note = "«Без оценки» — показатели в процессе без оценки хода, без цели, без данных или не применимые.",
    .indicators = "2. Показатели и целевые значения региона",
    .indicators_note = "Цель — та, по которой оценено большинство муниципалитетов за период (у муниципалитета может"
                       " быть своя цель, если её задаёт его набор правил; такие случаи отмечены).",
    .whole = "(по муниципалитету в целом)",
    .no_criterion = "Без критерия",
    .distribution = "3. Распределение муниципалитетов по значениям показателей",
    .absent = "отсутствует",
    .present = "имеется",
    .below = "4. Муниципалитеты ниже цели",
    .below_note = "По каждому показателю — муниципалитеты, не достигшие цели за период (сначала дальше всех от"
                  " цели), и те, чьё значение в процессе ниже линейной траектории к цели более позднего года.",
    .not_met = "Не достигли цели",
    .behind = "Отстают от траектории к цели",
    .target = "Цель: ",
    .none_below = "Ниже цели нет ни одного муниципалитета по показателям: ",
    .matrix = "Приложение 1. Значения показателей по муниципалитетам",
    .dynamics = "Приложение 2. Динамика показателей по циклам",
    .dynamics_note = "Значения по муниципалитету в целом из каждого проведённого цикла мониторинга (по годам);"
                     " знаки статуса — как в приложении 1; «—» — цикла за год нет.",
    .generated = "Дата формирования отчёта: ",
    .made_by = ". Отчёт подготовлен по данным циклов мониторинга муниципалитетов в программе pdmon.",
};

void region_title_sentence(report_buf *b, const region *r) {
  report_buf_addf(b, "Результаты мониторинга муниципальных систем обеспечения профессионального развития"
                     " педагогических работников за %d год", r->period);
}

void region_period_sentence(report_buf *b, const region *r) {
  report_buf_addf(b, "; период мониторинга: 01.01.%d–31.12.%d. Отчёт прочитан из циклов мониторинга, проведённых"
                     " каждым муниципалитетом за %d год (дата проведения — в разделе 1).", r->period, r->period, r->period);
}

void region_no_cycle_sentence(report_buf *b, const region *r) { report_buf_addf(b, "нет цикла за %d год", r->period); }

void region_latest_cycle_sentence(report_buf *b, const region_municipality *m) {
  if (m->latest_period) report_buf_addf(b, " (последний проведённый цикл — за %d год)", m->latest_period);
}

void region_run_sentence(report_buf *b, const region_municipality *m) {
  char date[32];
  report_buf_add(b, ru_date(m->run_at, date, sizeof date));
  if (!strcmp(m->state, "closed")) report_buf_add(b, ", завершён");
}

void region_own_target_sentence(report_buf *b, const region_indicator *ind) {
  report_buf_add(b, "(своя цель — у ");
  add_count(b, ind->own_target, "муниципалитета", "муниципалитетов", "муниципалитетов");
  report_buf_add(b, ")");
}

void region_below_count_sentence(report_buf *b, const region_indicator *ind, int behind) {
  add_count(b, behind ? ind->behind : ind->not_met, "муниципалитет", "муниципалитета", "муниципалитетов");
  report_buf_addf(b, " из %d", ind->municipalities);
}

const char *region_target_text(const region_indicator *ind) { return ind->target_text[0] ? ind->target_text : "не задана"; }

const char *region_criterion(const region_indicator *ind) { return ind->criterion[0] ? ind->criterion : region_word.no_criterion; }

int region_shows_target(const region_indicator *ind, const region_scale *s) {
  return !s->presence && ind->has_target_value && strcmp(ind->target_kind, "growth");
}

const char *region_cell_text(const region_indicator *ind, const region_cell *cell, char *buf, size_t len) {
  if (!cell->has_value) return "—";
  if (!strcmp(ind->target_kind, "presence") && !ind->unit[0]) return cell->value > 0 ? "да" : "нет";
  return ru_number(cell->value, 2, buf, len);
}

/* ---- formats ---- */

int region_write(sqlite3 *db, const region_options *opt, const char *format, FILE *out, char *err, size_t errlen) {
  int (*render)(region *, FILE *) = !strcmp(format, "html") ? region_html : !strcmp(format, "json") ? region_json
                                    : !strcmp(format, "csv")    ? region_csv
                                    : !strcmp(format, "md")     ? region_md
                                                                : NULL;
  if (!render) {
    snprintf(err, errlen, _("--region: unknown format '%s' (html, md, json, csv or xlsx)"), format);
    return -1;
  }
  region r;
  if (region_open(db, opt, &r, err, errlen) != 0) return -1;
  int rc = render(&r, out);
  if (rc != 0) snprintf(err, errlen, _("the store: %s"), sqlite3_errmsg(db));
  region_close(&r);
  return rc == 0 ? 0 : -1;
}

/* Writes every municipality's own report of the cycle the region's report
 * reads into dir/links/FILE.html. */
static int write_municipal_reports(sqlite3 *db, const region_options *opt, const char *dir, char *err, size_t errlen) {
  region r;
  if (region_open(db, opt, &r, err, errlen) != 0) return -1;
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, r.links);
  if (mkdir(path, 0777) != 0 && !is_directory(path)) {
    snprintf(err, errlen, _("%s: cannot create the folder (%s)"), path, strerror(errno));
    region_close(&r);
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; i < r.nmunicipalities && rc == 0; i++) {
    region_municipality *m = &r.municipalities[i];
    if (!m->cycle) continue;
    cycle_ref c = {.id = m->cycle, .period = r.period};
    snprintf(c.municipality, sizeof c.municipality, "%s", m->code);
    snprintf(c.state, sizeof c.state, "%s", m->state);
    snprintf(path, sizeof path, "%s/%s/%s", dir, r.links, m->file);
    FILE *out = files_create(path, 0, err, errlen);
    if (!out) rc = -1;
    else {
      rc = report_write(db, &c, "html", NULL, out, err, errlen);
      if (files_close(out, path, err, errlen) != 0) rc = -1;
    }
  }
  region_close(&r);
  return rc;
}

int region_write_folder(sqlite3 *db, const region_options *opt, const char *format, const char *dir, char *err,
                        size_t errlen) {
  if (mkdir(dir, 0777) != 0 && !is_directory(dir)) {
    snprintf(err, errlen, _("%s: cannot create the folder (%s)"), dir, strerror(errno));
    return -1;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/region.%s", dir, format);
  int rc;
  if (!strcmp(format, "xlsx")) {
    rc = region_xlsx_write(db, opt, path, err, errlen);
  } else {
    FILE *out = files_create(path, 0, err, errlen);
    if (!out) return -1;
    rc = region_write(db, opt, format, out, err, errlen);
    if (files_close(out, path, err, errlen) != 0) rc = -1;
  }
  return rc == 0 ? write_municipal_reports(db, opt, dir, err, errlen) : -1;
}
