/* employment.c: the history of where each worker worked and as what. The promises are in
 * employment.h. */
#include "employment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* One span as read back from the store. */
typedef struct span {
  sqlite3_int64 id;
  char organization_id[256], position[64], from[11], to[11]; /* to is "" while open */
  char source[16];
} span;

static const char *const statements[] = {
  /* same_start */ "SELECT id, organization_id, position, from_date, to_date, source FROM employment"
                   " WHERE staff_id = ?1 AND from_date = ?2",
  /* placeholder */ "SELECT id, organization_id, position, from_date, to_date, source FROM employment"
                    " WHERE staff_id = ?1 AND source = 'career_start' AND organization_id = ?2 AND position = ?3"
                    " AND from_date <= ?4 ORDER BY from_date DESC LIMIT 1",
  /* insert */ "INSERT INTO employment (staff_id, organization_id, position, from_date, to_date, source)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  /* refine */ "UPDATE employment SET from_date = ?2, source = ?3, to_date = coalesce(?4, to_date) WHERE id = ?1",
  /* previous */ "SELECT id, organization_id, position, from_date, to_date, source FROM employment"
                 " WHERE staff_id = ?1 AND from_date < ?2 AND id <> ?3 ORDER BY from_date DESC LIMIT 1",
  /* next */ "SELECT id, organization_id, position, from_date, to_date, source FROM employment"
             " WHERE staff_id = ?1 AND from_date > ?2 AND id <> ?3 ORDER BY from_date LIMIT 1",
  /* set_end */ "UPDATE employment SET to_date = ?2 WHERE id = ?1",
  /* latest */ "SELECT id, organization_id, position, from_date, to_date, source FROM employment"
               " WHERE staff_id = ?1 ORDER BY from_date DESC LIMIT 1",
  /* count */ "SELECT count(*) FROM employment WHERE staff_id = ?1",
  /* covering */ "SELECT id, organization_id, position, from_date, to_date, source FROM employment"
                 " WHERE staff_id = ?1 AND from_date <= ?2 AND (to_date IS NULL OR to_date >= ?2)"
                 " ORDER BY from_date DESC LIMIT 1",
  /* sync */ "UPDATE staff SET organization_id = ?2, position = ?3 WHERE id = ?1",
  /* listed */ "INSERT OR IGNORE INTO temp.employment_listed (staff_id, organization_id) VALUES (?1, ?2)",
  /* update */ "UPDATE employment SET organization_id = ?2, position = ?3, to_date = coalesce(?4, to_date) WHERE id = ?1",
  /* there */ "SELECT id, organization_id, position, from_date, to_date, source FROM employment"
              " WHERE staff_id = ?1 AND organization_id = ?2 AND position = ?3 ORDER BY from_date DESC LIMIT 1",
  /* known */ "SELECT EXISTS (SELECT 1 FROM employment WHERE staff_id = ?1)",
  /* earlier */ "SELECT EXISTS (SELECT 1 FROM staff_snapshot s JOIN organization o"
                " ON o.municipality = s.municipality WHERE o.id = ?1 AND s.date < ?2)",
};

int employment_open(employment_writer *w, sqlite3 *db, char *err, size_t errlen) {
  memset(w, 0, sizeof *w);
  w->db = db;
  char *msg = NULL;
  if (sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS employment_listed"
                       " (staff_id TEXT PRIMARY KEY, organization_id TEXT NOT NULL) WITHOUT ROWID;"
                       "DELETE FROM temp.employment_listed;", NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
  }
  sqlite3_stmt **slots[] = {&w->same_start, &w->placeholder, &w->insert, &w->refine, &w->previous, &w->next,
                            &w->set_end, &w->latest, &w->count, &w->covering, &w->sync, &w->listed, &w->update,
                            &w->there, &w->known, &w->earlier};
  for (size_t i = 0; i < sizeof slots / sizeof *slots; i++) {
    if (sqlite3_prepare_v2(db, statements[i], -1, slots[i], NULL) != SQLITE_OK) {
      snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
      employment_close(w);
      return -1;
    }
  }
  /* OR FAIL, not the default ABORT: a statement of several rows that may
   * abort keeps a statement journal, a copy of every page it changes, so
   * that a failing row can take back the rows before it; and a failure
   * here fails the whole import, whose rollback takes back everything. At
   * country scale that journal outgrew its memory and became a temporary
   * file: 356 k pages written to it for 1.7 M spans. */
  for (size_t k = 0; k < 7; k++) {
    char sql[160 + SPANS_QUEUED * 16];
    size_t o = (size_t)snprintf(sql, sizeof sql, "INSERT OR FAIL INTO employment (staff_id, organization_id, position,"
                                                 " from_date, to_date, source) VALUES ");
    for (size_t i = 0; i < (size_t)1 << k; i++) o += (size_t)snprintf(sql + o, sizeof sql - o, "%s(?,?,?,?,?,?)", i ? "," : "");
    if (sqlite3_prepare_v2(db, sql, -1, &w->insert_queued[k], NULL) != SQLITE_OK) {
      snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
      employment_close(w);
      return -1;
    }
  }
  return 0;
}

/* Binds the six values of a queued span (see queue_span) from parameter first on. */
static void bind_queued(sqlite3_stmt *st, int first, const char *values) {
  for (int i = 0; i < 6; i++, values += strlen(values) + 1) {
    if (i == 4 && !*values) sqlite3_bind_null(st, first + i); /* an open span */
    else sqlite3_bind_text(st, first + i, values, -1, SQLITE_STATIC);
  }
}

int employment_flush(employment_writer *w, char *err, size_t errlen) {
  int rc = SQLITE_DONE;
  /* in their order, by the statements of the powers of two that sum to their number */
  for (size_t done = 0, k = 7; k-- > 0 && rc == SQLITE_DONE;) {
    size_t n = (size_t)1 << k;
    if (!(w->nqueued & n)) continue;
    sqlite3_stmt *st = w->insert_queued[k];
    for (size_t i = 0; i < n; i++) bind_queued(st, (int)(6 * i + 1), w->queued[done + i]);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    done += n;
  }
  for (size_t i = 0; i < w->nqueued; i++) free(w->queued[i]);
  w->nqueued = 0;
  if (rc == SQLITE_DONE) return 0;
  snprintf(err, errlen, "store: %s", sqlite3_errmsg(w->db));
  return -1;
}

/* employment_flush for the functions that report a store error by their
 * status alone (SQLite's message stays on the connection). */
static int flushed(employment_writer *w) {
  char err[256];
  return w->nqueued ? employment_flush(w, err, sizeof err) : 0;
}

void employment_close(employment_writer *w) {
  for (size_t i = 0; i < w->nqueued; i++) free(w->queued[i]); /* the import did not go through */
  for (size_t k = 0; k < 7; k++) sqlite3_finalize(w->insert_queued[k]);
  sqlite3_stmt *all[] = {w->same_start, w->placeholder, w->insert, w->refine, w->previous, w->next,
                         w->set_end, w->latest, w->count, w->covering, w->sync, w->listed, w->update, w->there,
                         w->known, w->earlier};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) sqlite3_finalize(all[i]);
  memset(w, 0, sizeof *w);
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Writes the ISO date of day z (days since 1970-01-01) into out. */
static void civil_from_days(long z, char out[11]) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
  char buf[64];
  snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
  memcpy(out, buf, 10);
  out[10] = '\0';
}

/* The ISO date of the day before iso. */
static void day_before(const char *iso, char out[11]) {
  long y = strtol(iso, NULL, 10), m = strtol(iso + 5, NULL, 10), d = strtol(iso + 8, NULL, 10);
  civil_from_days(days_from_civil(y, m, d) - 1, out);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *text) {
  if (text && *text) sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(st, i);
}

/* Steps st (bound by the caller) for at most one span into *out. Returns
 * 1 when a row came, 0 when none, -1 on a store error. */
static int read_span(sqlite3_stmt *st, span *out) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const char *to = (const char *)sqlite3_column_text(st, 4);
    out->id = sqlite3_column_int64(st, 0);
    snprintf(out->organization_id, sizeof out->organization_id, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(out->position, sizeof out->position, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(out->from, sizeof out->from, "%s", (const char *)sqlite3_column_text(st, 3));
    snprintf(out->to, sizeof out->to, "%s", to ? to : "");
    snprintf(out->source, sizeof out->source, "%s", (const char *)sqlite3_column_text(st, 5));
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Runs a statement that writes; 0 or -1. */
static int run(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* The worker's span starting at from, or the one before or after it
 * (which = the prepared statement); 1, 0 or -1 as read_span. */
static int neighbour(employment_writer *w, sqlite3_stmt *which, const char *staff_id, const char *from,
                     sqlite3_int64 except, span *out) {
  sqlite3_bind_text(which, 1, staff_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(which, 2, from, -1, SQLITE_TRANSIENT);
  if (which != w->same_start) sqlite3_bind_int64(which, 3, except);
  return read_span(which, out);
}

static int set_end(employment_writer *w, sqlite3_int64 id, const char *to) {
  sqlite3_bind_int64(w->set_end, 1, id);
  sqlite3_bind_text(w->set_end, 2, to, -1, SQLITE_TRANSIENT);
  return run(w->set_end);
}

/* Keeps one span at a time around the span id that starts on from and
 * ends on to ("" open): the one before ends the day before from; this one
 * ends the day before the next begins. */
static int settle(employment_writer *w, const char *staff_id, sqlite3_int64 id, const char *from, const char *to) {
  span s;
  char end[11];
  int rc = neighbour(w, w->previous, staff_id, from, id, &s);
  if (rc < 0) return -1;
  if (rc == 1 && (!s.to[0] || strcmp(s.to, from) >= 0)) {
    day_before(from, end);
    if (set_end(w, s.id, end) != 0) return -1;
    w->closed++;
  }
  rc = neighbour(w, w->next, staff_id, from, id, &s);
  if (rc < 0) return -1;
  if (rc == 1 && (!to[0] || strcmp(to, s.from) >= 0)) {
    day_before(s.from, end);
    if (set_end(w, id, end) != 0) return -1;
  }
  return 0;
}

/* Inserts a span and settles its neighbours. */
static int insert_span(employment_writer *w, const employment_row *row, const char *from, const char *to,
                       const char *source) {
  sqlite3_stmt *st = w->insert;
  /* not copied: run() steps, resets and clears the statement while they live */
  sqlite3_bind_text(st, 1, row->staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, row->organization_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, row->position, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, from, -1, SQLITE_STATIC);
  if (to && *to) sqlite3_bind_text(st, 5, to, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, 5);
  sqlite3_bind_text(st, 6, source, -1, SQLITE_STATIC);
  if (run(st) != 0) return -1;
  w->opened++;
  if (w->fresh) return 0; /* the worker's only span: nothing around it to settle */
  return settle(w, row->staff_id, sqlite3_last_insert_rowid(w->db), from, to ? to : "");
}


static int same_place(const span *s, const employment_row *row) {
  return !strcmp(s->organization_id, row->organization_id) && !strcmp(s->position, row->position);
}

/* The first day of the career year, the start of a span without a hire date. */
static void career_start_date(const employment_row *row, char out[11]) {
  int year = row->career_start >= 1900 && row->career_start <= 2100 ? row->career_start : 1900;
  /* by hand, not by snprintf: a worker new to the store asks for it once, and the call was 2 % of a staff import */
  for (int i = 3; i >= 0; i--, year /= 10) out[i] = (char)('0' + year % 10);
  memcpy(out + 4, "-01-01", 7);
}

/* A row with a hire date: the span itself, refining an inferred one. */
static int record_hired(employment_writer *w, const employment_row *row) {
  span s;
  int rc = neighbour(w, w->same_start, row->staff_id, row->hire, 0, &s);
  if (rc < 0) return -1;
  if (rc == 1) { /* the same span again: a correction of where or as what, or its end */
    if (same_place(&s, row) && (!row->leave || !strcmp(row->leave, s.to))) return 0;
    sqlite3_bind_int64(w->update, 1, s.id);
    sqlite3_bind_text(w->update, 2, row->organization_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(w->update, 3, row->position, -1, SQLITE_TRANSIENT);
    bind_text_or_null(w->update, 4, row->leave);
    if (run(w->update) != 0) return -1;
    if (row->leave && !s.to[0]) w->closed++;
    return settle(w, row->staff_id, s.id, s.from, row->leave ? row->leave : s.to);
  }
  sqlite3_bind_text(w->placeholder, 1, row->staff_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(w->placeholder, 2, row->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(w->placeholder, 3, row->position, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(w->placeholder, 4, row->hire, -1, SQLITE_TRANSIENT);
  rc = read_span(w->placeholder, &s);
  sqlite3_clear_bindings(w->placeholder);
  if (rc < 0) return -1;
  if (rc == 1) { /* the span inferred from the career's start learns its real start */
    sqlite3_bind_int64(w->refine, 1, s.id);
    sqlite3_bind_text(w->refine, 2, row->hire, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(w->refine, 3, "hire_date", -1, SQLITE_STATIC);
    bind_text_or_null(w->refine, 4, row->leave);
    if (run(w->refine) != 0) return -1;
    if (row->leave && !s.to[0]) w->closed++;
    return settle(w, row->staff_id, s.id, row->hire, row->leave ? row->leave : s.to);
  }
  return insert_span(w, row, row->hire, row->leave, "hire_date");
}

/* Counts the worker's spans; -1 on error. */
static long span_count(employment_writer *w, const char *staff_id) {
  sqlite3_bind_text(w->count, 1, staff_id, -1, SQLITE_TRANSIENT);
  long n = sqlite3_step(w->count) == SQLITE_ROW ? (long)sqlite3_column_int64(w->count, 0) : -1;
  sqlite3_reset(w->count);
  return n;
}

/* A row without a hire date. */
static int record_undated(employment_writer *w, const employment_row *row, char *msg, size_t msglen) {
  span s;
  char start[11];
  career_start_date(row, start);
  sqlite3_bind_text(w->latest, 1, row->staff_id, -1, SQLITE_TRANSIENT);
  int rc = read_span(w->latest, &s);
  if (rc < 0) return -2;
  if (rc == 0) return insert_span(w, row, start, row->leave, "career_start") == 0 ? 0 : -2;
  if (!same_place(&s, row)) {
    /* an earlier span of the history there: the row repeats what is known */
    sqlite3_bind_text(w->there, 1, row->staff_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(w->there, 2, row->organization_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(w->there, 3, row->position, -1, SQLITE_TRANSIENT);
    span earlier;
    rc = read_span(w->there, &earlier);
    sqlite3_clear_bindings(w->there);
    if (rc < 0) return -2;
    if (rc == 1) return 0;
    snprintf(msg, msglen, _("organization_id: the worker is in %s as %s since %s; a move or a change of position"
             " needs its date: give hire_date (Дата приёма), or import the staff list with --snapshot DATE"),
             s.organization_id, s.position, s.from);
    return -1;
  }
  if (row->leave && !s.to[0]) {
    if (strcmp(row->leave, s.from) < 0) {
      snprintf(msg, msglen, _("leave_date: before the worker's span began (%s < %s)"), row->leave, s.from);
      return -1;
    }
    if (set_end(w, s.id, row->leave) != 0) return -2;
    w->closed++;
  }
  /* a corrected career start moves the start that was inferred from it */
  if (!strcmp(s.source, "career_start") && strcmp(s.from, start) != 0 && span_count(w, row->staff_id) == 1 &&
      (!s.to[0] || strcmp(start, s.to) <= 0)) {
    sqlite3_bind_int64(w->refine, 1, s.id);
    sqlite3_bind_text(w->refine, 2, start, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(w->refine, 3, "career_start", -1, SQLITE_STATIC);
    sqlite3_bind_null(w->refine, 4);
    if (run(w->refine) != 0) return -2;
  }
  return 0;
}

int employment_known(employment_writer *w, const char *staff_id) {
  if (flushed(w) != 0) return -1;
  sqlite3_bind_text(w->known, 1, staff_id, -1, SQLITE_TRANSIENT);
  int known = sqlite3_step(w->known) == SQLITE_ROW ? sqlite3_column_int(w->known, 0) : -1;
  sqlite3_reset(w->known);
  return known;
}

/* Queues the first span of a worker new to the store (see SPANS_QUEUED),
 * or writes it at once when the store would refuse it (an end before the
 * start: the row's own failure, as before). */
static int queue_span(employment_writer *w, const employment_row *row, const char *from, const char *to,
                      const char *source) {
  if (to && *to && strcmp(to, from) < 0) return flushed(w) == 0 ? insert_span(w, row, from, to, source) : -1;
  const char *values[6] = {row->staff_id, row->organization_id, row->position, from, to ? to : "", source};
  size_t n = 0;
  for (int i = 0; i < 6; i++) n += strlen(values[i]) + 1;
  char *copy = malloc(n), *o = copy;
  if (!copy) return -1;
  for (int i = 0; i < 6; i++) o = stpcpy(o, values[i]) + 1;
  w->queued[w->nqueued++] = copy;
  w->opened++;
  return w->nqueued == SPANS_QUEUED ? flushed(w) : 0;
}

int employment_record(employment_writer *w, const employment_row *row, int known, char *msg, size_t msglen) {
  w->fresh = !known;
  if (!known) { /* the row's span is the worker's history so far: no hire date, their career's start */
    char start[11];
    career_start_date(row, start);
    return queue_span(w, row, row->hire ? row->hire : start, row->leave, row->hire ? "hire_date" : "career_start")
               == 0 ? 0 : -2;
  }
  if (flushed(w) != 0) return -2;
  return row->hire ? (record_hired(w, row) == 0 ? 0 : -2) : record_undated(w, row, msg, msglen);
}

int employment_sync(employment_writer *w, const employment_row *row) {
  span s;
  if (flushed(w) != 0) return -1;
  sqlite3_bind_text(w->latest, 1, row->staff_id, -1, SQLITE_TRANSIENT);
  int rc = read_span(w->latest, &s);
  if (rc < 0) return -1;
  if (rc == 0 || same_place(&s, row)) return 0; /* staff holds the row's place already */
  sqlite3_bind_text(w->sync, 1, row->staff_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(w->sync, 2, s.organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(w->sync, 3, s.position, -1, SQLITE_TRANSIENT);
  return run(w->sync);
}

/* The list says the worker is there on date; where they were before it
 * is known, a change becomes a new span from the hire date or the list's date. */
static int listed_span(employment_writer *w, const employment_row *row, const char *date, int earlier_list) {
  span s;
  int rc = 0;
  if (!w->fresh) {
    sqlite3_bind_text(w->covering, 1, row->staff_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(w->covering, 2, date, -1, SQLITE_TRANSIENT);
    rc = read_span(w->covering, &s);
    if (rc < 0) return -1;
  }
  const char *source = row->hire ? "hire_date" : "snapshot";
  if (rc == 1) {
    if (same_place(&s, row)) return 0;
    const char *start = row->hire && strcmp(row->hire, s.from) > 0 ? row->hire : date;
    return insert_span(w, row, start, NULL, row->hire && start == row->hire ? "hire_date" : "snapshot");
  }
  long n = w->fresh ? 0 : span_count(w, row->staff_id);
  if (n < 0) return -1;
  char start[11];
  if (row->hire) snprintf(start, sizeof start, "%s", row->hire);
  else if (n > 0 || earlier_list) snprintf(start, sizeof start, "%s", date);
  else {
    career_start_date(row, start); /* first seen in the first list: counted from the career's start */
    if (strcmp(start, date) > 0) snprintf(start, sizeof start, "%s", date);
    source = "career_start";
  }
  if (n > 0) { /* back after a gap: never before the end of the span before */
    rc = neighbour(w, w->previous, row->staff_id, date, 0, &s);
    if (rc < 0) return -1;
    if (rc == 1 && s.to[0] && strcmp(start, s.to) <= 0) snprintf(start, sizeof start, "%s", date);
  }
  return insert_span(w, row, start, NULL, source);
}

int employment_listed_refused(const employment_row *row, const char *date, char *msg, size_t msglen) {
  if (!row->hire || strcmp(row->hire, date) <= 0) return 0;
  snprintf(msg, msglen, _("hire_date: after the date of the staff list (%s > %s)"), row->hire, date);
  return -1;
}

int employment_listed(employment_writer *w, const employment_row *row, const char *date, int earlier_list,
                      int known, char *msg, size_t msglen) {
  if (employment_listed_refused(row, date, msg, msglen) != 0) return -1;
  if (flushed(w) != 0) return -2;
  w->fresh = !known;
  sqlite3_bind_text(w->listed, 1, row->staff_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(w->listed, 2, row->organization_id, -1, SQLITE_TRANSIENT);
  if (run(w->listed) != 0 || listed_span(w, row, date, earlier_list) != 0) return -2;
  return 0;
}

static int employment_close_missing(employment_writer *w, const char *date, char *err, size_t errlen);

/* Runs sql with ?1 = date, ?2 = second; 0, or -1 with err. */
static int run_list_sql(employment_writer *w, const char *sql, const char *date, const char *second, char *err,
                        size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(w->db));
    return -1;
  }
  sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, second, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
  if (rc != 0) snprintf(err, errlen, "store: %s", sqlite3_errmsg(w->db));
  sqlite3_finalize(st);
  return rc;
}

int employment_earlier_list(employment_writer *w, const char *organization_id, const char *date) {
  sqlite3_stmt *st = w->earlier;
  sqlite3_bind_text(st, 1, organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
  int earlier = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_reset(st);
  return earlier;
}

int employment_finish_list(employment_writer *w, const char *date, const char *file, char *err, size_t errlen) {
  static const char note[] =
      "INSERT INTO staff_snapshot (date, municipality, file, workers)"
      " SELECT ?1, o.municipality, ?2, count(*) FROM temp.employment_listed l JOIN organization o"
      " ON o.id = l.organization_id GROUP BY o.municipality"
      " ON CONFLICT (date, municipality) DO UPDATE SET file = excluded.file, workers = excluded.workers";
  if (employment_flush(w, err, errlen) != 0 || employment_close_missing(w, date, err, errlen) != 0) return -1;
  return run_list_sql(w, note, date, file, err, errlen);
}

static int employment_close_missing(employment_writer *w, const char *date, char *err, size_t errlen) {
  static const char sql[] =
      "UPDATE employment SET to_date = ?2"
      " WHERE from_date < ?1 AND (to_date IS NULL OR to_date >= ?1)"
      "   AND organization_id IN (SELECT o.id FROM organization o WHERE o.municipality IN"
      "       (SELECT DISTINCT m.municipality FROM temp.employment_listed l JOIN organization m"
      "        ON m.id = l.organization_id))"
      "   AND staff_id NOT IN (SELECT staff_id FROM temp.employment_listed)";
  char end[11];
  day_before(date, end);
  if (run_list_sql(w, sql, date, end, err, errlen) != 0) return -1;
  w->closed += (size_t)sqlite3_changes(w->db);
  return 0;
}
