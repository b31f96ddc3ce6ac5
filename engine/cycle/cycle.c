/* cycle.c: the management cycle of a municipality for one period, in the order the seeds
 * describe it: goals and tasks, criteria and indicators, data collection, monitoring, analysis,
 * recommendations, measures, decisions, and the analysis of the measures' effectiveness that
 * opens the next cycle. The promises are in cycle.h. */
#include "cycle.h"

#include <cJSON.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evaluate.h"
#include "files.h"
#include "result_sink.h"
#include "results.h"
#include "store.h"
#include "i18n.h"

/* Prepares sql and binds the arguments that types describes: 's' text
 * (NULL allowed), 'i' long long, 'd' double, 'n' NULL. */
static sqlite3_stmt *prepare_bound(sqlite3 *db, const char *sql, const char *types, va_list ap) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
  for (int i = 0; types[i]; i++) {
    switch (types[i]) {
    case 's': sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT); break;
    case 'i': sqlite3_bind_int64(st, i + 1, va_arg(ap, long long)); break;
    case 'd': sqlite3_bind_double(st, i + 1, va_arg(ap, double)); break;
    default: sqlite3_bind_null(st, i + 1); break;
    }
  }
  return st;
}

/* Runs a statement without result rows. */
static int run_sql(sqlite3 *db, char *err, size_t errlen, const char *sql, const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  sqlite3_stmt *st = prepare_bound(db, sql, types, ap);
  va_end(ap);
  int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The first column of the first row as an integer (fallback when none). */
static long long query_int(sqlite3 *db, long long fallback, const char *sql, const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  sqlite3_stmt *st = prepare_bound(db, sql, types, ap);
  va_end(ap);
  long long v = fallback;
  if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

int cycle_find(sqlite3 *db, const char *municipality, long long id, cycle_ref *out, char *err, size_t errlen) {
  sqlite3_stmt *st;
  /* A municipality's latest cycle is a step down its (municipality, period) key; written
   * "?2 IS NULL OR municipality = ?2" it was a scan of every cycle of the store. */
  const char *sql = id             ? "SELECT id, municipality, period, state, pack_dir FROM cycle WHERE id = ?1"
                    : municipality ? "SELECT id, municipality, period, state, pack_dir FROM cycle"
                                     " WHERE municipality = ?2 ORDER BY period DESC LIMIT 1"
                                   : "SELECT id, municipality, period, state, pack_dir FROM cycle"
                                     " WHERE ?2 IS NULL OR municipality = ?2 ORDER BY period DESC LIMIT 1";
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_int64(st, 1, id);
  if (!id) sqlite3_bind_text(st, 2, municipality, -1, SQLITE_TRANSIENT);
  int found = sqlite3_step(st) == SQLITE_ROW;
  if (found) {
    out->id = sqlite3_column_int64(st, 0);
    snprintf(out->municipality, sizeof out->municipality, "%s", sqlite3_column_text(st, 1));
    out->period = sqlite3_column_int(st, 2);
    snprintf(out->state, sizeof out->state, "%s", sqlite3_column_text(st, 3));
    snprintf(out->pack_dir, sizeof out->pack_dir, "%s", sqlite3_column_text(st, 4) ? (const char *)sqlite3_column_text(st, 4) : "");
  }
  sqlite3_finalize(st);
  if (!found) {
    if (id) snprintf(err, errlen, _("no cycle %lld in the store"), id);
    else snprintf(err, errlen, _("no cycle yet: open one with 'pdmon cycle open --period YEAR'"));
    return 1;
  }
  return 0;
}

int cycle_open(sqlite3 *db, const char *municipality, int period, const char *title,
               const char *pack_dir, long long *id, char *err, size_t errlen) {
  pack_summary summary;
  if (evaluate_pack_summary(pack_dir, &summary, err, errlen) != 0) return 1;
  int rc = cycle_open_summarized(db, municipality, period, title, pack_dir, &summary, id, err, errlen);
  pack_summary_free(&summary);
  return rc;
}

int cycle_open_summarized(sqlite3 *db, const char *municipality, int period, const char *title, const char *pack_dir,
                          const pack_summary *summary, long long *id, char *err, size_t errlen) {
  long long existing = query_int(db, 0, "SELECT id FROM cycle WHERE municipality = ? AND period = ?", "si",
                                 municipality, (long long)period);
  if (existing) {
    snprintf(err, errlen, _("a cycle for %d already exists (cycle %lld); see 'pdmon cycle status --cycle %lld'"),
             period, existing, existing);
    return 1;
  }
  long long unclosed = query_int(db, 0, "SELECT period FROM cycle WHERE municipality = ? AND state <> 'closed'"
                                        " ORDER BY period LIMIT 1", "s", municipality);
  if (unclosed) {
    snprintf(err, errlen, _("the cycle for %lld is not closed: finish it with 'pdmon cycle run' and 'pdmon cycle close' first"),
             unclosed);
    return 1;
  }
  long long previous = query_int(db, 0, "SELECT id FROM cycle WHERE municipality = ? AND period < ? AND state = 'closed'"
                                        " ORDER BY period DESC LIMIT 1", "si", municipality, (long long)period);
  int rc = store_exec(db, "BEGIN IMMEDIATE", err, errlen);
  if (rc == 0)
    rc = run_sql(db, err, errlen, "INSERT INTO cycle (municipality, period, title, pack_id, pack_dir, goals, opened_at)"
                 " VALUES (?, ?, ?, ?, ?, ?, " NOW ")", "sisss" "s", municipality, (long long)period, title,
                 summary->id, pack_dir, summary->goals_json);
  *id = sqlite3_last_insert_rowid(db);
  if (rc == 0 && previous)
    rc = run_sql(db, err, errlen, "INSERT INTO cycle_problem (cycle_id, indicator, organization, description, carried_from)"
                 " SELECT ?, indicator, organization, description, id FROM cycle_problem"
                 " WHERE cycle_id = ? AND COALESCE(resolved, 0) = 0", "ii", *id, previous);
  if (rc == 0) rc = store_exec(db, "COMMIT", err, errlen);
  if (rc != 0) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return rc == 0 ? 0 : -1;
}

/* FNV-1a over bytes, continuing from h. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Hashes (and copies) the .lua files of one folder in name order. */
static int hash_folder(sqlite3 *db, long long cycle, const char *dir, uint64_t *h, char *err, size_t errlen) {
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errlen, _("%s: cannot read the pack folder"), dir);
    return -1;
  }
  char *names[512];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 512) {
    size_t len = strlen(e->d_name);
    if (len > 4 && !strcmp(e->d_name + len - 4, ".lua") && e->d_name[0] != '.') names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    char path[2200];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    size_t len = 0;
    char *text = rc == 0 ? files_read(path, (size_t)1 << 22, &len, err, errlen) : NULL;
    if (rc == 0 && !text) rc = -1;
    if (text) {
      *h = fnv1a(fnv1a(*h, path, strlen(path) + 1), text, len + 1);
      if (db) rc = run_sql(db, err, errlen, "INSERT INTO cycle_pack_file (cycle_id, path, content) VALUES (?, ?, ?)",
                           "iss", cycle, path, text);
    }
    free(text);
    free(names[i]);
  }
  return rc;
}

int cycle_pack_hash(sqlite3 *db, long long cycle, char layers[][1024], int nlayers, char hex[17],
                    char *err, size_t errlen) {
  uint64_t h = 14695981039346656037ull;
  for (int i = nlayers - 1; i >= 0; i--)
    if (hash_folder(db, cycle, layers[i], &h, err, errlen) != 0) return -1;
  snprintf(hex, 17, "%016llx", (unsigned long long)h);
  return 0;
}

/* Binds a figure (value, numerator, denominator; NAN absent) from column first on. */
static void bind_figure(sqlite3_stmt *st, int first, int present, const double f[3]) {
  for (int i = 0; i < 3; i++)
    if (present && f[i] == f[i]) sqlite3_bind_double(st, first + i, f[i]);
}

/* The store's side of a cycle run: every statement goes through it, so the
 * run can record what it cost (statements prepared, virtual machine steps)
 * as evidence that a cycle's cost does not grow with the cycles before it. */
typedef struct writer {
  sqlite3 *db;
  long long statements, steps;
  char *err;
  size_t errlen;
} writer;

/* Prepares one statement of the run; NULL with the error set. */
static sqlite3_stmt *writer_prepare(writer *w, const char *sql) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(w->err, w->errlen, "store: %s", sqlite3_errmsg(w->db));
    return NULL;
  }
  w->statements++;
  return st;
}

/* Steps st once, as an insert or update, and resets it for the next row. */
static int writer_step(writer *w, sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return 0;
  snprintf(w->err, w->errlen, "store: %s", sqlite3_errmsg(w->db));
  return -1;
}

/* Counts what st cost and finalizes it; passes rc on. */
static int writer_finish(writer *w, sqlite3_stmt *st, int rc) {
  if (st) w->steps += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
  sqlite3_finalize(st);
  return rc;
}

/* Runs one statement whose only parameter, every ?1, is the cycle. */
static int writer_run(writer *w, const char *sql, long long cycle) {
  sqlite3_stmt *st = writer_prepare(w, sql);
  if (!st) return -1;
  sqlite3_bind_int64(st, 1, cycle);
  return writer_finish(w, st, writer_step(w, st));
}

/* One row of the evaluation into the cycle's results, through the run's statement. */
typedef struct row_writer {
  writer *w;
  sqlite3_stmt *st;
  long long cycle;
} row_writer;

/* What one cycle stores: the rows of unit (a municipality of a run of
 * every municipality; NULL in a run of one) of the evaluation's sink. */
typedef struct cycle_source {
  result_sink *sink;
  const char *unit;
} cycle_source;

/* The texts of an indicator that its result rows share (cycle_result_text, schema 14),
 * and the id of the last set stored: the rows of an indicator come together, so a set
 * is stored once per indicator, and again only if a row's texts differ (a copy, not a
 * lookup: the view shows every row its own texts either way). */
enum { SHARED_TEXTS = 8 };
typedef struct result_writer {
  writer *w;
  sqlite3_stmt *row, *text;
  long long cycle, text_id;
  char *last[SHARED_TEXTS]; /* owned; the last set stored, NULL where a text is */
  int have_last;
} result_writer;

static int same_text(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* Forgets the last set of texts stored. */
static void forget_texts(result_writer *rw) {
  for (int t = 0; t < SHARED_TEXTS; t++) {
    free(rw->last[t]);
    rw->last[t] = NULL;
  }
  rw->have_last = 0;
}

/* Makes rw->text_id name a stored set of the row's shared texts. */
static int store_texts(result_writer *rw, const result_row *r) {
  const char *texts[SHARED_TEXTS] = {r->indicator, r->criterion, r->title, r->unit, r->criterion_title,
                                     r->source, r->level, r->reading};
  int same = rw->have_last;
  for (int t = 0; same && t < SHARED_TEXTS; t++) same = same_text(texts[t], rw->last[t]);
  if (same) return 0;
  forget_texts(rw);
  sqlite3_bind_int64(rw->text, 1, rw->cycle);
  for (int t = 0; t < SHARED_TEXTS; t++) sqlite3_bind_text(rw->text, t + 2, texts[t], -1, SQLITE_STATIC);
  if (writer_step(rw->w, rw->text) != 0) return -1;
  rw->text_id = sqlite3_last_insert_rowid(rw->w->db);
  for (int t = 0; t < SHARED_TEXTS; t++) {
    if (!texts[t]) continue;
    if (!(rw->last[t] = strdup(texts[t]))) {
      forget_texts(rw);
      snprintf(rw->w->err, rw->w->errlen, "out of memory");
      return -1;
    }
  }
  rw->have_last = 1;
  return 0;
}

static int store_row(void *ud, const result_row *r) {
  result_writer *rw = ud;
  if (store_texts(rw, r) != 0) return -1;
  sqlite3_stmt *st = rw->row;
  const char *texts[] = {r->indicator, r->organization, r->organization_name, r->breakdown, r->group};
  sqlite3_bind_int64(st, 1, rw->cycle);
  sqlite3_bind_int64(st, 2, rw->text_id);
  for (int t = 0; t < 5; t++) sqlite3_bind_text(st, t + 3, texts[t], -1, SQLITE_STATIC);
  if (r->has_value) sqlite3_bind_double(st, 8, r->value);
  if (r->has_counts) sqlite3_bind_double(st, 9, r->numerator);
  if (r->has_denominator) sqlite3_bind_double(st, 10, r->denominator);
  sqlite3_bind_text(st, 11, r->target_text, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 12, r->target_kind, -1, SQLITE_STATIC);
  if (r->has_target_value) sqlite3_bind_double(st, 13, r->target_value);
  sqlite3_bind_text(st, 14, r->target_reason, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 15, result_status_name(r->status), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 16, r->message, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 17, r->target_origin, -1, SQLITE_STATIC);
  if (r->target_year) sqlite3_bind_int(st, 18, r->target_year);
  sqlite3_bind_text(st, 19, r->deadline, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 20, r->progress, -1, SQLITE_STATIC);
  if (r->has_path_value) sqlite3_bind_double(st, 21, r->path_value);
  if (r->base_year) sqlite3_bind_int(st, 22, r->base_year);
  if (r->has_base_value) sqlite3_bind_double(st, 23, r->base_value);
  if (r->has_growth) sqlite3_bind_double(st, 24, r->growth);
  sqlite3_bind_text(st, 25, r->figure, -1, SQLITE_STATIC);
  bind_figure(st, 26, r->has_yearly, r->yearly);
  bind_figure(st, 29, r->has_cumulative, r->cumulative);
  if (r->has_cumulative) sqlite3_bind_int(st, 32, r->cumulative_since);
  if (r->base_asked) sqlite3_bind_int(st, 33, r->base_asked);
  return writer_step(rw->w, st);
}

/* Stores every result row of the evaluation through two statements (its
 * shared texts and the narrow row), as the rows come from the sink. */
static int store_results(writer *w, long long cycle, const cycle_source *results) {
  result_writer rw = {.w = w, .cycle = cycle};
  rw.text = writer_prepare(w, "INSERT INTO cycle_result_text (cycle_id, indicator, criterion, title, unit,"
                              " criterion_title, source, level, reading) VALUES (?,?,?,?,?,?,?,?,?)");
  if (!rw.text) return -1;
  rw.row = writer_prepare(w, "INSERT INTO cycle_result_row (cycle_id, text_id, indicator, organization,"
                             " organization_name, breakdown, grp, value, numerator, denominator, target_text,"
                             " target_kind, target_value, target_reason, status, message, target_origin, target_year,"
                             " deadline, progress, path_value, base_year, base_value, growth, figure, yearly_value,"
                             " yearly_numerator, yearly_denominator, cumulative_value, cumulative_numerator,"
                             " cumulative_denominator, cumulative_since, base_asked)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!rw.row) return writer_finish(w, rw.text, -1);
  int rc = result_sink_each_row_in(results->sink, results->unit, store_row, &rw) == 0 ? 0 : -1;
  if (rc != 0 && !w->err[0]) snprintf(w->err, w->errlen, "cannot read the evaluation's results");
  forget_texts(&rw);
  rc = writer_finish(w, rw.text, rc);
  return writer_finish(w, rw.row, rc);
}

/* A number as an official reads it, in SQL: two decimals at most, a decimal comma. */
#define RU_DECIMAL(x) "replace(rtrim(rtrim(printf('%.2f', " x "), '0'), '.'), '.', ',')"
#define PROBLEM_UNIT "CASE WHEN r.unit = '%' THEN '%' ELSE '' END"

/* What a problem zone says, in SQL over a result row r: the indicator, where, the value
 * against what applied (for growth, the base it was judged against). */
#define PROBLEM_DESCRIPTION                                                                                     \
  "CASE WHEN r.target_kind = 'growth' THEN printf('%s: %s — %s', COALESCE(r.title, r.indicator),"                \
  " COALESCE(r.organization_name, 'муниципалитет в целом'), COALESCE(r.target_reason, ''))"                      \
  " ELSE printf('%s: %s — %s%s%s при цели %s%s', COALESCE(r.title, r.indicator),"                               \
  " COALESCE(r.organization_name, 'муниципалитет в целом'), " RU_DECIMAL("r.value") ", " PROBLEM_UNIT ","         \
  " CASE WHEN r.figure = 'cumulative' THEN ' нарастающим итогом' ELSE '' END,"                                    \
  " CASE WHEN r.target_value IS NULL THEN '-' ELSE " RU_DECIMAL("r.target_value") " END, " PROBLEM_UNIT ") END"

/* Problem zones from the stored results, in two statements. A problem
 * carried from the last cycle is judged again where it was: resolved when
 * met, still open when not met (saying how it stands now) or without data,
 * and neither (carried on, not shown) when the result is not judged this
 * cycle (in progress towards a later year, not applicable, no target).
 * Every other indicator below its target, for the municipality or one
 * organization, is a new problem zone. */
static int store_problems(writer *w, long long cycle) {
  if (writer_run(w, "UPDATE cycle_problem AS p SET resolved = (r.status = 'met'),"
                    " description = CASE WHEN r.status = 'not_met' THEN " PROBLEM_DESCRIPTION " ELSE p.description END"
                    " FROM cycle_result AS r WHERE p.cycle_id = ?1 AND p.carried_from IS NOT NULL"
                    " AND r.cycle_id = ?1 AND r.breakdown IS NULL AND r.indicator = p.indicator"
                    " AND r.organization IS p.organization AND r.status IN ('met', 'not_met', 'no_data', 'error')", cycle) != 0)
    return -1;
  return writer_run(w, "INSERT INTO cycle_problem (cycle_id, indicator, organization, description)"
                       " SELECT ?1, r.indicator, r.organization, " PROBLEM_DESCRIPTION " FROM cycle_result AS r"
                       " WHERE r.cycle_id = ?1 AND r.breakdown IS NULL AND r.status = 'not_met'"
                       " AND NOT EXISTS (SELECT 1 FROM cycle_problem p WHERE p.cycle_id = ?1 AND p.indicator = r.indicator"
                       " AND p.organization IS r.organization AND p.carried_from IS NOT NULL)"
                       " ORDER BY r.rowid", cycle);
}

/* Problem zones again at the places (cycle_id, indicator, organization;
 * NULL: the municipality) of the table places, whose result rows were
 * re-judged and changed: what a run's statements give there, computed for
 * those places only and driven from them (CROSS JOIN: the places first,
 * each lookup by an index; the planner knows nothing of a temporary table
 * and would scan every problem or result), so that the cost follows the
 * rows that changed, not the cycles.
 * A problem zone depends only on its place's result row and the problem
 * carried there, so every other place is already what a run derives. */
int cycle_rederive_problems(sqlite3 *db, const char *places, char *err, size_t errlen) {
  char sql[8192];
  writer w = {.db = db, .err = err, .errlen = errlen};
  snprintf(sql, sizeof sql,
           "DELETE FROM cycle_problem WHERE id IN (SELECT p.id FROM %s AS x CROSS JOIN cycle_problem AS p"
           " ON p.cycle_id = x.cycle_id AND p.indicator = x.indicator AND p.organization IS x.organization"
           " WHERE p.carried_from IS NULL)", places);
  if (writer_run(&w, sql, 0) != 0) return -1;
  /* a carried problem: resolved when met, open when not met (saying how it
   * stands now) or without data, neither when the row is not judged */
  snprintf(sql, sizeof sql,
           "UPDATE cycle_problem AS p SET resolved = CASE WHEN r.status IN ('met', 'not_met', 'no_data', 'error')"
           " THEN r.status = 'met' END, description = CASE WHEN r.status = 'not_met' THEN %s ELSE p.description END"
           " FROM %s AS x JOIN cycle_result AS r ON r.cycle_id = x.cycle_id AND r.indicator = x.indicator"
           " AND r.organization IS x.organization AND r.breakdown IS NULL"
           " WHERE p.cycle_id = x.cycle_id AND p.indicator = x.indicator AND p.organization IS x.organization"
           " AND p.carried_from IS NOT NULL", PROBLEM_DESCRIPTION, places);
  if (writer_run(&w, sql, 0) != 0) return -1;
  snprintf(sql, sizeof sql,
           "INSERT INTO cycle_problem (cycle_id, indicator, organization, description)"
           " SELECT r.cycle_id, r.indicator, r.organization, %s"
           " FROM %s AS x CROSS JOIN cycle_result AS r ON r.cycle_id = x.cycle_id AND r.indicator = x.indicator"
           " AND r.organization IS x.organization"
           " WHERE r.breakdown IS NULL AND r.status = 'not_met'"
           " AND NOT EXISTS (SELECT 1 FROM cycle_problem p WHERE p.cycle_id = r.cycle_id AND p.indicator = r.indicator"
           " AND p.organization IS r.organization AND p.carried_from IS NOT NULL)"
           " ORDER BY r.rowid", PROBLEM_DESCRIPTION, places);
  return writer_run(&w, sql, 0);
}

/* One indicator's fingerprints from the sink into the cycle's judgements
 * (the sink gives the cycle's own unit only: result_sink_each_judgement_in). */
static int store_judgement(void *ud, const char *unit, const char *indicator, const char *targets,
                           const char *formula) {
  (void)unit;
  row_writer *rw = ud;
  sqlite3_bind_int64(rw->st, 1, rw->cycle);
  sqlite3_bind_text(rw->st, 2, indicator, -1, SQLITE_STATIC);
  sqlite3_bind_text(rw->st, 3, targets, -1, SQLITE_STATIC);
  sqlite3_bind_text(rw->st, 4, formula, -1, SQLITE_STATIC);
  return writer_step(rw->w, rw->st);
}

/* Records what the run judged each indicator against (cycle_judgement),
 * so that 'cycle rejudge' finds the targets changed since. */
static int store_judgements(writer *w, const cycle_ref *c, const cycle_source *results) {
  sqlite3_stmt *st = writer_prepare(w, "INSERT INTO cycle_judgement (cycle_id, indicator, judged_by, judged_at, targets,"
                                       " formula, pack_dir) SELECT ?1, ?2, 'run', " NOW ", ?3, ?4, pack_dir"
                                       " FROM cycle WHERE id = ?1");
  if (!st) return -1;
  row_writer rw = {w, st, c->id};
  int rc = result_sink_each_judgement_in(results->sink, results->unit, store_judgement, &rw) == 0 ? 0 : -1;
  return writer_finish(w, st, rc);
}

static int store_recommendation(void *ud, const recommendation *r) {
  row_writer *rw = ud;
  sqlite3_stmt *st = rw->st;
  sqlite3_bind_int64(st, 1, rw->cycle);
  sqlite3_bind_text(st, 2, r->indicator, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, r->organization, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, r->addressee, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, r->priority);
  sqlite3_bind_text(st, 6, r->text, -1, SQLITE_STATIC);
  return writer_step(rw->w, st);
}

static int store_rating(void *ud, const rating_row *r) {
  row_writer *rw = ud;
  sqlite3_stmt *st = rw->st;
  sqlite3_bind_int64(st, 1, rw->cycle);
  sqlite3_bind_text(st, 2, r->rating, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, r->title, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, r->organization, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, r->organization_name, -1, SQLITE_STATIC);
  sqlite3_bind_double(st, 6, r->score);
  sqlite3_bind_int(st, 7, r->rank);
  sqlite3_bind_text(st, 8, r->method, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 9, r->covered);
  sqlite3_bind_int(st, 10, r->weighted);
  return writer_step(rw->w, st);
}

/* Stores the recommendations and the ratings, one statement each. */
static int store_advice(writer *w, long long cycle, const cycle_source *results) {
  sqlite3_stmt *st = writer_prepare(w, "INSERT INTO cycle_recommendation (cycle_id, indicator, organization, addressee,"
                                       " priority, text) VALUES (?, ?, ?, ?, ?, ?)");
  if (!st) return -1;
  row_writer rw = {w, st, cycle};
  int rc = result_sink_each_recommendation_in(results->sink, results->unit, store_recommendation, &rw) == 0 ? 0 : -1;
  if (writer_finish(w, st, rc) != 0) return -1;
  st = writer_prepare(w, "INSERT INTO cycle_rating (cycle_id, rating, title, organization, organization_name,"
                         " score, rank, method, covered, weighted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return -1;
  rw.st = st;
  rc = result_sink_each_rating_in(results->sink, results->unit, store_rating, &rw) == 0 ? 0 : -1;
  return writer_finish(w, st, rc);
}

/* Replaces the cycle's results, problems, recommendations and pack copy. */
static int store_run(sqlite3 *db, const cycle_ref *c, const cycle_source *results, int statements,
                     const pack_summary *summary, char *err, size_t errlen) {
  static const char *const clear[] = {
    "DELETE FROM cycle_result_row WHERE cycle_id = ?1", "DELETE FROM cycle_result_text WHERE cycle_id = ?1",
    "DELETE FROM cycle_recommendation WHERE cycle_id = ?1",
    "DELETE FROM cycle_rating WHERE cycle_id = ?1",
    "DELETE FROM cycle_pack_file WHERE cycle_id = ?1",
    "DELETE FROM cycle_problem WHERE cycle_id = ?1 AND carried_from IS NULL",
    "DELETE FROM cycle_judgement WHERE cycle_id = ?1",
    "UPDATE cycle_problem SET resolved = NULL WHERE cycle_id = ?1"};
  writer w = {.db = db, .err = err, .errlen = errlen};
  for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
    if (writer_run(&w, clear[i], c->id) != 0) return -1;
  if (store_results(&w, c->id, results) != 0 || store_problems(&w, c->id) != 0 ||
      store_advice(&w, c->id, results) != 0 || store_judgements(&w, c, results) != 0)
    return -1;
  char hash[17];
  char (*layers)[1024] = (char (*)[1024])summary->layers;
  if (cycle_pack_hash(db, c->id, layers, summary->nlayers, hash, err, errlen) != 0) return -1;
  return run_sql(db, err, errlen, "UPDATE cycle SET state = 'run', run_at = " NOW ", pack_hash = ?, pack_id = ?,"
                 " statements = ?, store_statements = ?, store_steps = ? WHERE id = ?", "ssiiii", hash, summary->id,
                 (long long)statements, w.statements, w.steps, c->id);
}

/* The message naming each failed indicator of a run once. */
typedef struct error_list {
  const cycle_ref *c;
  char *err;
  size_t errlen, used;
  size_t failed;
  char last[256];
} error_list;

static int list_error(void *ud, const result_row *r) {
  error_list *e = ud;
  if (r->status != STATUS_ERROR || !strcmp(e->last, r->indicator)) return 0;
  if (e->failed == 0)
    e->used = (size_t)snprintf(e->err, e->errlen, _("cycle %lld (%d): nothing was stored: the results of these indicators are"
                               " errors (fix the rules; 'pdmon eval' shows them):"), e->c->id, e->c->period);
  if (e->used < e->errlen)
    e->used += (size_t)snprintf(e->err + e->used, e->errlen - e->used, "\n  %s: %s", r->indicator,
                                r->message ? r->message : "error");
  snprintf(e->last, sizeof e->last, "%s", r->indicator);
  e->failed++;
  return 0;
}

/* Refuses results that hold errors: a monitoring with a broken rule is not
 * a monitoring. Names each failed indicator with its message in err. */
static int refuse_errors(const cycle_ref *c, const cycle_source *results, char *err, size_t errlen) {
  if (result_sink_errors_in(results->sink, results->unit) == 0) return 0;
  error_list e = {.c = c, .err = err, .errlen = errlen};
  result_sink_each_row_in(results->sink, results->unit, list_error, &e);
  return e.failed ? 1 : 0;
}

int cycle_store(sqlite3 *db, const cycle_ref *c, struct result_sink *sink, const char *unit, int statements,
                const pack_summary *summary, char *err, size_t errlen) {
  if (!strcmp(c->state, "closed")) {
    snprintf(err, errlen, _("cycle %lld (%d) is closed: its results never change; open the next cycle"), c->id, c->period);
    return 1;
  }
  cycle_source results = {sink, unit};
  int rc = refuse_errors(c, &results, err, errlen);
  if (rc != 0) return rc;
  rc = store_exec(db, "BEGIN IMMEDIATE", err, errlen);
  if (rc == 0) rc = store_run(db, c, &results, statements, summary, err, errlen);
  if (rc == 0) rc = store_exec(db, "COMMIT", err, errlen);
  if (rc != 0) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return rc == 0 ? 0 : -1;
}

int cycle_run(sqlite3 *db, const char *store_path, const cycle_ref *c, char *err, size_t errlen) {
  if (!strcmp(c->state, "closed")) {
    snprintf(err, errlen, _("cycle %lld (%d) is closed: its results never change; open the next cycle"), c->id, c->period);
    return 1;
  }
  evaluate_options opt = {.store_path = store_path, .pack_dir = c->pack_dir, .municipality = c->municipality,
                          .period = c->period, .limits = sandbox_default_limits()};
  result_sink *results;
  if (result_sink_open(&results, err, errlen) != 0) return -1;
  evaluation_info info;
  pack_summary summary;
  if (evaluate_stream(&opt, results, &info, &summary, err, errlen) != 0) {
    pack_summary_free(&summary);
    result_sink_close(results);
    return 1;
  }
  int rc = cycle_store(db, c, results, NULL, info.statements, &summary, err, errlen);
  pack_summary_free(&summary);
  result_sink_close(results);
  return rc;
}

/* Judges a measure's linked indicator between two cycles: better is
 * "effective", worse is "worse", and no change is "maintained" when the
 * target was met both times (a presence kept), else "no_effect". Lower is
 * better only for "не более" / "менее" targets. */
static const char *verdict(double before, double after, int have_both, const char *kind, const char *status_before,
                           const char *status_after) {
  if (!have_both) return "insufficient_data";
  int lower_is_better = kind && (!strcmp(kind, "at_most") || !strcmp(kind, "below"));
  double change = lower_is_better ? before - after : after - before;
  if (change > 1e-9) return "effective";
  if (change < -1e-9) return "worse";
  int kept = status_before && status_after && !strcmp(status_before, "met") && !strcmp(status_after, "met");
  return kept ? "maintained" : "no_effect";
}

/* The effectiveness of the previous cycle's measures, judged now on the
 * municipality's totals (the year's own figure of a cumulative target). */
static int analyse_effects(sqlite3 *db, const cycle_ref *c, long long previous, char *err, size_t errlen) {
  sqlite3_stmt *st;
  const char *sql =
      "SELECT m.id, mi.indicator, COALESCE(b.yearly_value, b.value), COALESCE(a.yearly_value, a.value),"
      " COALESCE(a.target_kind, b.target_kind), b.status, a.status FROM measure m"
      " JOIN measure_indicator mi ON mi.measure_id = m.id"
      " LEFT JOIN cycle_result b ON b.cycle_id = ?1 AND b.indicator = mi.indicator AND b.organization IS NULL AND b.breakdown IS NULL"
      " LEFT JOIN cycle_result a ON a.cycle_id = ?2 AND a.indicator = mi.indicator AND a.organization IS NULL AND a.breakdown IS NULL"
      " WHERE m.cycle_id = ?1 ORDER BY m.id, mi.indicator";
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_int64(st, 1, previous);
  sqlite3_bind_int64(st, 2, c->id);
  int rc = 0;
  while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
    int have = sqlite3_column_type(st, 2) != SQLITE_NULL && sqlite3_column_type(st, 3) != SQLITE_NULL;
    double before = sqlite3_column_double(st, 2), after = sqlite3_column_double(st, 3);
    const char *v = verdict(before, after, have, (const char *)sqlite3_column_text(st, 4),
                            (const char *)sqlite3_column_text(st, 5), (const char *)sqlite3_column_text(st, 6));
    rc = run_sql(db, err, errlen, "INSERT INTO cycle_effect (cycle_id, measure_id, indicator, before_value, after_value,"
                 " verdict) VALUES (?, ?, ?, ?, ?, ?)", have ? "iisdds" : "iisnns", c->id,
                 (long long)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
                 before, after, v);
  }
  sqlite3_finalize(st);
  return rc;
}

int cycle_close(sqlite3 *db, const cycle_ref *c, char *err, size_t errlen) {
  if (!strcmp(c->state, "closed")) {
    snprintf(err, errlen, _("cycle %lld (%d) is already closed"), c->id, c->period);
    return 1;
  }
  if (!strcmp(c->state, "open")) {
    snprintf(err, errlen, _("cycle %lld (%d): the monitoring has not run yet; run 'pdmon cycle run' first"), c->id, c->period);
    return 1;
  }
  long long problems = query_int(db, 0, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = ?"
                                        " AND (carried_from IS NULL OR resolved = 0)", "i", c->id);
  long long measures = query_int(db, 0, "SELECT COUNT(*) FROM measure WHERE cycle_id = ?", "i", c->id);
  long long decisions = query_int(db, 0, "SELECT COUNT(*) FROM decision_link WHERE cycle_id = ?", "i", c->id);
  if (problems > 0 && measures == 0) {
    snprintf(err, errlen, _("cycle %lld (%d): %lld problem zones were found but no measures were taken: import the"
             " roadmap with 'pdmon import measures FILE' while the cycle is open"), c->id, c->period, problems);
    return 1;
  }
  if (problems > 0 && decisions == 0) {
    snprintf(err, errlen, _("cycle %lld (%d): no management decision is recorded: add the order or protocol with"
             " 'pdmon decision add --number N --date DATE --title TITLE'"), c->id, c->period);
    return 1;
  }
  long long previous = query_int(db, 0, "SELECT id FROM cycle WHERE municipality = ? AND period < ? AND state = 'closed'"
                                        " ORDER BY period DESC LIMIT 1", "si", c->municipality, (long long)c->period);
  int rc = store_exec(db, "BEGIN IMMEDIATE", err, errlen);
  if (rc == 0) rc = run_sql(db, err, errlen, "DELETE FROM cycle_effect WHERE cycle_id = ?", "i", c->id);
  if (rc == 0 && previous) rc = analyse_effects(db, c, previous, err, errlen);
  if (rc == 0)
    rc = run_sql(db, err, errlen, "UPDATE cycle SET state = 'closed', closed_at = " NOW " WHERE id = ?", "i", c->id);
  if (rc == 0) rc = store_exec(db, "COMMIT", err, errlen);
  if (rc != 0) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return rc == 0 ? 0 : -1;
}

/* 1 for a file or folder name that stays where it is put: not empty, not
 * "." or "..", no '/'. */
static int is_plain_name(const char *name) {
  return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

/* The last component of path (without trailing slashes) into buf. */
static void base_name(const char *path, char *buf, size_t len) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  size_t start = n;
  while (start > 0 && path[start - 1] != '/') start--;
  snprintf(buf, len, "%.*s", (int)(n - start), path + start);
}

int cycle_restore_pack(sqlite3 *db, const cycle_ref *c, char *root, size_t rootlen, char *pack_dir, size_t dirlen,
                       char *err, size_t errlen) {
  const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  snprintf(root, rootlen, "%s/pdmon-cycle-XXXXXX", tmp);
  if (!mkdtemp(root)) {
    snprintf(err, errlen, _("%s: cannot create a folder for the cycle's rules"), root);
    return -1;
  }
  char name[512];
  base_name(c->pack_dir, name, sizeof name);
  snprintf(pack_dir, dirlen, "%s/%s", root, name);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT path, content FROM cycle_pack_file WHERE cycle_id = ?", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_int64(st, 1, c->id);
  int files = 0, rc = 0;
  while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
    const char *path = (const char *)sqlite3_column_text(st, 0);
    char dir[4096], layer[512], file[512], target[5000];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) continue;
    *slash = '\0';
    base_name(dir, layer, sizeof layer);
    snprintf(file, sizeof file, "%s", slash + 1);
    /* the names come from the store: only plain names land in the scratch folder */
    if (!is_plain_name(layer) || !is_plain_name(file)) {
      snprintf(err, errlen, _("cycle %lld: a stored rule file has an odd name (%.200s); nothing restored"), c->id, path);
      rc = -1;
      break;
    }
    snprintf(target, sizeof target, "%s/%s", root, layer);
    mkdir(target, 0700);
    snprintf(target, sizeof target, "%s/%s/%s", root, layer, file);
    FILE *f = files_create(target, 1, err, errlen);
    if (!f) {
      rc = -1;
    } else {
      fputs((const char *)sqlite3_column_text(st, 1), f);
      if (files_close(f, target, err, errlen) != 0) rc = -1;
    }
    files++;
  }
  sqlite3_finalize(st);
  if (rc == 0 && files == 0) {
    snprintf(err, errlen, _("cycle %lld (%d) has no stored rules: it has not been run"), c->id, c->period);
    rc = 1;
  }
  return rc;
}

void cycle_remove_restored(const char *root) {
  DIR *d = opendir(root);
  if (!d) return;
  struct dirent *layer;
  while ((layer = readdir(d)) != NULL) {
    if (layer->d_name[0] == '.') continue;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", root, layer->d_name);
    DIR *inner = opendir(dir);
    struct dirent *e;
    while (inner && (e = readdir(inner)) != NULL) {
      if (e->d_name[0] == '.') continue;
      char path[4400];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      unlink(path);
    }
    if (inner) closedir(inner);
    rmdir(dir);
  }
  closedir(d);
  rmdir(root);
}
