/* rejudge.c: stored figures of monitored cycles judged again against a pack's current
 * targets, without reading the data: by the stdlib's own judging, once per indicator,
 * target and figures (keys held in memory), and only the rows whose judgement changes
 * written. The promises are in rejudge.h. */
#include "rejudge.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cycle.h"
#include "i18n.h"
#include "idset.h"
#include "pack.h"
#include "russian.h"
#include "sandbox.h"
#include "store.h"

/* The work tables of one re-judgement (temporary: gone with the connection, and
 * rolled back with a dry run). rj_cycle: the cycles and the pack each is judged
 * against (grp: one per pack folder and period); rj_plan: the pack's fingerprints
 * per indicator (formula: of its definition, "d1:..."; sql_formula: of its SQL, as
 * older cycles kept it); rj_stored_pack, rj_stored: the formulas of the stored packs
 * of such older cycles (loaded: 1 when the pack loaded); rj_pair: each (cycle, indicator) whose targets changed (or were
 * never recorded) and what becomes of it; rj_place_rid: the rowids of the rows
 * written where a problem zone can change. The stored rows re-judged and their
 * verdicts are held in memory (rejudge_work). */
static const char work_tables[] =
    "CREATE TEMP TABLE rj_cycle (id INTEGER PRIMARY KEY, municipality TEXT, period INTEGER, pack_dir TEXT,"
    " grp INTEGER);"
    "CREATE TEMP TABLE rj_plan (grp INTEGER NOT NULL, indicator TEXT NOT NULL, targets TEXT, formula TEXT,"
    " by_id INTEGER, advised INTEGER, sql_formula TEXT, PRIMARY KEY (grp, indicator));"
    "CREATE TEMP TABLE rj_stored_pack (pack_hash TEXT PRIMARY KEY, loaded INTEGER);"
    "CREATE TEMP TABLE rj_stored (pack_hash TEXT NOT NULL, period INTEGER NOT NULL, indicator TEXT NOT NULL,"
    " formula TEXT, PRIMARY KEY (pack_hash, period, indicator));"
    "CREATE TEMP TABLE rj_pair (cycle_id INTEGER NOT NULL, indicator TEXT NOT NULL, grp INTEGER, state TEXT,"
    " targets TEXT, formula TEXT, by_id INTEGER, advised INTEGER, need TEXT, rows INTEGER, changed INTEGER,"
    " previous_text TEXT, target_text TEXT, transitions TEXT, PRIMARY KEY (cycle_id, indicator));"
    "CREATE TEMP TABLE rj_place_rid (rid INTEGER PRIMARY KEY);";

static const char drop_work_tables[] =
    "DROP TABLE IF EXISTS temp.rj_cycle; DROP TABLE IF EXISTS temp.rj_plan; DROP TABLE IF EXISTS temp.rj_pair;"
    " DROP TABLE IF EXISTS temp.rj_place_rid; DROP TABLE IF EXISTS temp.rj_place; DROP TABLE IF EXISTS temp.rj_group;"
    " DROP TABLE IF EXISTS temp.rj_stored_pack; DROP TABLE IF EXISTS temp.rj_stored;";

/* Prepares sql on db; NULL with err. */
static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return NULL;
  }
  return st;
}

/* Prepares the statement a loop reads (read_sql) and the one it writes each row
 * with (write_sql) into *rd and *wr; 0, or -1 with err and neither left. */
static int prepare_pair(sqlite3 *db, const char *read_sql, const char *write_sql, sqlite3_stmt **rd, sqlite3_stmt **wr,
                        char *err, size_t errlen) {
  *rd = prepare(db, read_sql, err, errlen);
  *wr = *rd ? prepare(db, write_sql, err, errlen) : NULL;
  if (*wr) return 0;
  sqlite3_finalize(*rd);
  *rd = NULL;
  return -1;
}

/* Steps a writing statement once and makes it ready for the next row
 * (reset, bindings cleared); 0, or -1 with the store's message. */
static int step_write(sqlite3 *db, sqlite3_stmt *wr, char *err, size_t errlen) {
  int rc = sqlite3_step(wr) == SQLITE_DONE ? 0 : -1;
  if (rc) snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
  sqlite3_reset(wr);
  sqlite3_clear_bindings(wr);
  return rc;
}

/* Ends a loop over rd that wrote with wr: a read that stopped (last step) before
 * SQLITE_DONE is the error when there was none yet (rc 0); both are finalized.
 * Returns the loop's status. */
static int finish_pair(sqlite3 *db, sqlite3_stmt *rd, int last, sqlite3_stmt *wr, int rc, char *err, size_t errlen) {
  if (rc == 0 && last != SQLITE_DONE) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    rc = -1;
  }
  sqlite3_finalize(rd);
  sqlite3_finalize(wr);
  return rc;
}

/* Runs sql, whose parameter ?1 (if any) is the integer a. */
static int run_int(sqlite3 *db, const char *sql, long long a, char *err, size_t errlen) {
  sqlite3_stmt *st = prepare(db, sql, err, errlen);
  if (!st) return -1;
  if (sqlite3_bind_parameter_count(st) >= 1) sqlite3_bind_int64(st, 1, a);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* 1 for a municipality code that can name a folder: not empty, not "." or
 * "..", no '/' (the codes come from the store). */
static int is_folder_name(const char *name) {
  return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

/* The pack folder a cycle is judged against: opt's pack, or with every cycle
 * the municipality's layer next to it (a folder with a pack.lua), or the
 * cycle's own pack folder when opt names none. */
static void pack_of_cycle(const rejudge_options *opt, const char *municipality, const char *own, char *dir,
                          size_t dirlen) {
  if (!opt->pack_dir) {
    snprintf(dir, dirlen, "%s", own ? own : "");
    return;
  }
  snprintf(dir, dirlen, "%s", opt->pack_dir);
  if (opt->cycle || !is_folder_name(municipality)) return;
  char region[PATH_MAX], candidate[PATH_MAX + 300], manifest[PATH_MAX + 400];
  if (!realpath(opt->pack_dir, region)) return;
  char *slash = strrchr(region, '/');
  if (!slash) return;
  *slash = '\0';
  snprintf(candidate, sizeof candidate, "%s/%s", region, municipality);
  snprintf(manifest, sizeof manifest, "%s/pack.lua", candidate);
  struct stat sb;
  char self[PATH_MAX];
  if (stat(manifest, &sb) == 0 && S_ISREG(sb.st_mode) && realpath(opt->pack_dir, self) && strcmp(self, candidate) != 0)
    snprintf(dir, dirlen, "%.*s", (int)(dirlen - 1), candidate);
}

/* Fills rj_cycle with the cycles to re-judge and their packs; closed and
 * not-yet-run cycles are left out (counted), or refused when named. */
static int choose_cycles(sqlite3 *db, const rejudge_options *opt, rejudge_summary *sum, char *err, size_t errlen) {
  sqlite3_stmt *st, *ins;
  if (prepare_pair(db, "SELECT id, municipality, period, state, pack_dir FROM cycle"
                       " WHERE ?1 = 0 OR id = ?1 ORDER BY municipality, period",
                   "INSERT INTO rj_cycle (id, municipality, period, pack_dir) VALUES (?, ?, ?, ?)", &st, &ins, err,
                   errlen) != 0)
    return -1;
  sqlite3_bind_int64(st, 1, opt->cycle);
  int rc = 0, found = 0, step = SQLITE_DONE;
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    found++;
    long long id = sqlite3_column_int64(st, 0);
    const char *municipality = (const char *)sqlite3_column_text(st, 1);
    int period = sqlite3_column_int(st, 2);
    const char *state = (const char *)sqlite3_column_text(st, 3);
    if (!strcmp(state, "open")) {
      sum->skipped_open++;
      if (opt->cycle) {
        snprintf(err, errlen, _("cycle %lld (%d) has not run yet: there is nothing to re-judge; run 'pdmon cycle run'"),
                 id, period);
        rc = 1;
      }
      continue;
    }
    if (!strcmp(state, "closed") && !opt->dry_run) {
      sum->skipped_closed++;
      if (opt->cycle) {
        snprintf(err, errlen, _("cycle %lld (%d) is closed: its record of what it judged never changes;"
                                " 'pdmon cycle rejudge --dry-run' shows how the pack's targets would judge it"),
                 id, period);
        rc = 1;
      }
      continue;
    }
    char dir[PATH_MAX];
    pack_of_cycle(opt, municipality, (const char *)sqlite3_column_text(st, 4), dir, sizeof dir);
    sqlite3_bind_int64(ins, 1, id);
    sqlite3_bind_text(ins, 2, municipality, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 3, period);
    sqlite3_bind_text(ins, 4, dir, -1, SQLITE_TRANSIENT);
    rc = step_write(db, ins, err, errlen);
    sum->cycles++;
  }
  rc = finish_pair(db, st, step, ins, rc, err, errlen);
  if (rc == 0 && opt->cycle && !found) {
    snprintf(err, errlen, _("no cycle %lld in the store"), opt->cycle);
    rc = 1;
  }
  if (rc != 0) return rc;
  /* one group per pack folder and period (numbered once, not per cycle) */
  if (run_int(db, "CREATE TEMP TABLE rj_group AS SELECT pack_dir, period, row_number() OVER (ORDER BY pack_dir, period)"
                  " AS g FROM (SELECT DISTINCT pack_dir, period FROM rj_cycle)", 0, err, errlen) != 0)
    return -1;
  return run_int(db, "UPDATE rj_cycle SET grp = (SELECT g FROM rj_group x"
                     " WHERE x.pack_dir = rj_cycle.pack_dir AND x.period = rj_cycle.period)", 0, err, errlen);
}

/* A value held in memory as the store binds it: NULL, an integer, a real
 * or a text (owned). */
typedef struct held_value {
  int type; /* SQLITE_NULL (0 too), SQLITE_INTEGER, SQLITE_FLOAT or SQLITE_TEXT */
  sqlite3_int64 i;
  double d;
  char *s;
} held_value;

/* The fields of a verdict, in the order of verdict.f; each is a named
 * parameter (":status") of the statement that writes a re-judged row. */
static const char *const verdict_fields[] = {
  "status", "message", "target_text", "target_kind", "target_value", "target_reason", "target_origin",
  "target_year", "base_year", "base_value", "growth", "progress", "path_value", "figure", "since", "base_asked",
};
#define VERDICT_FIELDS (sizeof verdict_fields / sizeof *verdict_fields)
enum { V_STATUS = 0, V_TARGET_TEXT = 2 };

/* The judgement of one key: what the stored figures lack ("base 2021",
 * owned), or, when need is NULL, the fields the row takes. */
typedef struct verdict {
  char *need;
  held_value f[VERDICT_FIELDS];
} verdict;

/* A stored row to write: its rowid, its verdict (an index of
 * rejudge_work.verdicts), the status it was stored with (an index of
 * rejudge_work.statuses) and whether it is a place of problem zones (it
 * has no breakdown). */
typedef struct held_row {
  sqlite3_int64 rid;
  size_t verdict;
  size_t was;
  int place;
} held_row;

/* What a re-judgement holds in memory between judging and writing, owned
 * by cycle_rejudge: the rows to write, one verdict per distinct key, the
 * statuses the rows were stored with (a handful, kept once). It replaced
 * two work tables of SQLite (the rows with their keys, the verdicts) that
 * were read five times more and spilled to a temporary file at country.
 * It grows with the rows re-judged: 32 bytes a row (in an array that
 * doubles) and ~1 KB a verdict, ~4 MB for the country's 81,946 rows and
 * 972 verdicts (peak RSS 19.8 -> 23.7 MB). */
typedef struct rejudge_work {
  held_row *rows;
  size_t nrows, rows_room;
  verdict *verdicts;
  size_t nverdicts, verdicts_room;
  char **statuses;
  size_t nstatuses, statuses_room;
} rejudge_work;

/* One transition of a pair's statuses and how many rows took it. */
typedef struct transition {
  size_t was;         /* an index of rejudge_work.statuses */
  const char *from;   /* that status (the work's) */
  const char *status; /* the verdict's */
  long long n;
} transition;

/* What one pair's rows add up to while they are read (they come one pair
 * after the other: the pairs drive the read): how many, how many change
 * status, the least of what they lack, the phrases they were judged against
 * (owned copies) and are judged against now (the verdicts'), the
 * transitions. */
typedef struct pair_tally {
  sqlite3_int64 qid;  /* the pair's rowid in rj_pair; 0: none yet */
  size_t first_row;   /* its first row in rejudge_work.rows */
  const char *need;   /* a verdict's */
  long long rows, changed;
  char **before;
  size_t nbefore, before_room;
  const char **after;
  size_t nafter, after_room;
  transition *t;
  size_t nt, t_room;
} pair_tally;

/* items (an array of *room elements of size) with room for n + 1 elements:
 * the same array, a larger one, or NULL when memory runs out (items is
 * then unchanged, still the caller's). */
static void *room_for(void *items, size_t *room, size_t n, size_t size) {
  if (n < *room) return items;
  size_t want = *room ? *room * 2 : 64;
  if (want > SIZE_MAX / size) return NULL;
  void *more = realloc(items, want * size);
  if (more) *room = want;
  return more;
}

static void free_verdict(verdict *v) {
  free(v->need);
  for (size_t i = 0; i < VERDICT_FIELDS; i++) free(v->f[i].s);
}

static void free_work(rejudge_work *w) {
  for (size_t i = 0; i < w->nverdicts; i++) free_verdict(&w->verdicts[i]);
  for (size_t i = 0; i < w->nstatuses; i++) free(w->statuses[i]);
  free(w->rows);
  free(w->verdicts);
  free(w->statuses);
  memset(w, 0, sizeof *w);
}

/* Empties the tally (what it owns freed), ready for the next pair. */
static void reset_tally(pair_tally *t) {
  for (size_t i = 0; i < t->nbefore; i++) free(t->before[i]);
  free(t->before);
  free(t->after);
  free(t->t);
  memset(t, 0, sizeof *t);
}

/* The index of status s in w->statuses, added when new; -1 out of memory. */
static long long status_index(rejudge_work *w, const char *s) {
  for (size_t i = 0; i < w->nstatuses; i++)
    if (!strcmp(w->statuses[i], s)) return (long long)i;
  char **more = room_for(w->statuses, &w->statuses_room, w->nstatuses, sizeof *w->statuses);
  if (!more) return -1;
  w->statuses = more;
  if (!(w->statuses[w->nstatuses] = strdup(s))) return -1;
  return (long long)w->nstatuses++;
}

/* One pack loaded for a group of cycles (same pack folder and period). */
typedef struct judge_job {
  sqlite3 *db;
  pack p;
  int grp, period;
  int ctx_ref;            /* the judging context (period, memo of judgements) */
  long long groups;
  int unchanged;          /* pairs whose targets did not change */
  rejudge_work *work;     /* the rows and verdicts of every group */
  idset keys;             /* the group's keys judged, each with its verdict's index */
  char *key;              /* the key being made (owned) */
  size_t key_len, key_room;
  pair_tally tally;       /* the pair being read */
  sqlite3_stmt *read, *lacks, *counts; /* collect_rows' statements (finalized by judge_group) */
  char *err;
  size_t errlen;
  int rc;
} judge_job;

/* A string field of the table at t, or NULL (the pointer is Lua's). */
static const char *text_field(lua_State *L, int t, const char *field) {
  lua_getfield(L, t, field);
  const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1); /* the string stays alive in the table */
  return s;
}

/* Binds field of the table at t to parameter p: text when a string. */
static void bind_text(lua_State *L, sqlite3_stmt *st, int p, int t, const char *field) {
  const char *s = text_field(L, t, field);
  if (s) sqlite3_bind_text(st, p, s, -1, SQLITE_TRANSIENT);
}

/* Sets field of the table on top from column i of st: a number, or nothing when NULL. */
static void set_number(lua_State *L, sqlite3_stmt *st, int i, const char *field) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return;
  if (sqlite3_column_type(st, i) == SQLITE_INTEGER) lua_pushinteger(L, sqlite3_column_int64(st, i));
  else lua_pushnumber(L, sqlite3_column_double(st, i));
  lua_setfield(L, -2, field);
}

/* Sets field of the table on top from text column i of st, when not NULL. */
static void set_text(lua_State *L, sqlite3_stmt *st, int i, const char *field) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return;
  lua_pushstring(L, (const char *)sqlite3_column_text(st, i));
  lua_setfield(L, -2, field);
}

/* Asks dsl.rejudge_plan for the pack's fingerprints and fills rj_plan. */
static int plan_group(judge_job *job) {
  lua_State *L = sandbox_lua(job->p.sb);
  lua_createtable(L, 0, 4);
  lua_pushinteger(L, job->period);
  lua_setfield(L, -2, "period");
  lua_pushvalue(L, -1);
  job->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  int ctx = lua_gettop(L);
  pack_push_call(&job->p, "rejudge_plan");
  lua_pushvalue(L, ctx);
  if (sandbox_call(job->p.sb, 2, 1, job->err, job->errlen) != LUA_OK) return 1;
  int list = lua_gettop(L);
  luaL_checktype(L, list, LUA_TTABLE);
  sqlite3_stmt *ins = prepare(job->db, "INSERT OR REPLACE INTO rj_plan (grp, indicator, targets, formula, by_id, advised,"
                                       " sql_formula) VALUES (?, ?, ?, ?, ?, ?, ?)", job->err, job->errlen);
  if (!ins) return -1;
  int rc = 0;
  for (lua_Integer i = 1; rc == 0 && i <= luaL_len(L, list); i++) {
    lua_rawgeti(L, list, i);
    int e = lua_gettop(L);
    luaL_checktype(L, e, LUA_TTABLE);
    sqlite3_bind_int(ins, 1, job->grp);
    bind_text(L, ins, 2, e, "id");
    bind_text(L, ins, 3, e, "targets");
    bind_text(L, ins, 4, e, "formula");
    lua_getfield(L, e, "by_id");
    sqlite3_bind_int(ins, 5, lua_toboolean(L, -1));
    lua_getfield(L, e, "advised");
    sqlite3_bind_int(ins, 6, lua_toboolean(L, -1));
    lua_pop(L, 3);
    rc = step_write(job->db, ins, job->err, job->errlen);
  }
  sqlite3_finalize(ins);
  lua_settop(L, ctx - 1);
  return rc;
}

/* The columns of a stored row that its judgement depends on: the pair
 * (rj_pair's rowid) and the row's rowid, then the key (columns KEY_FIRST to
 * KEY_LAST: the indicator and the figures; rows of equal keys are judged
 * alike), then the status and phrase it was stored with and its breakdown. */
#define SOURCE_COLUMNS                                                                                               \
  "q.rowid, r.rowid, r.indicator, r.organization IS NULL AS total,"                                                    \
  " CASE WHEN q.by_id THEN r.organization END AS organization, o.kind AS kind,"                                        \
  " CASE WHEN r.figure IS NOT NULL THEN r.yearly_value ELSE r.value END AS cur,"                                       \
  " coalesce(CASE WHEN r.figure IS NOT NULL THEN r.yearly_denominator ELSE r.denominator END = 0, 0) AS den0,"        \
  " r.base_year, r.base_value, r.base_asked, r.cumulative_since AS since, r.cumulative_value AS cum,"                 \
  " CASE WHEN substr(r.message, 1, length(?2)) = ?2 THEN r.message END AS missing, r.status, r.target_text,"        \
  " r.breakdown"
enum { SRC_PAIR, SRC_RID, KEY_FIRST, SRC_TOTAL = KEY_FIRST + 1, SRC_ORGANIZATION, SRC_KIND, SRC_CUR, SRC_DEN0,
       SRC_BASE_YEAR, SRC_BASE_VALUE, SRC_BASE_ASKED, SRC_SINCE, SRC_CUM, SRC_MISSING, KEY_LAST = SRC_MISSING,
       SRC_WAS, SRC_WAS_TEXT, SRC_BREAKDOWN };

/* Appends len bytes of s to the job's key buffer; 0, or -1 out of memory. */
static int key_add(judge_job *job, const char *s, size_t len) {
  if (job->key_room - job->key_len <= len) {
    size_t room = job->key_room ? job->key_room : 256;
    while (room - job->key_len <= len) {
      if (room > SIZE_MAX / 2) return -1;
      room *= 2;
    }
    char *more = realloc(job->key, room);
    if (!more) return -1;
    job->key = more;
    job->key_room = room;
  }
  memcpy(job->key + job->key_len, s, len);
  job->key_len += len;
  job->key[job->key_len] = '\0';
  return 0;
}

/* Appends column c of st to the key, exactly and without a NUL (the key
 * is a C string of idset): its type, then an integer or a real's bits in
 * hex, or a text's length and bytes (NUL written \1\2, \1 written \1\1).
 * Equal keys, equal values: 1 and 1.0, NULL and '' differ. Read through
 * the column's value (one call of the API, which locks the connection, per
 * column) and written without printf: ~13 columns a row. */
static int key_column(judge_job *job, sqlite3_stmt *st, int c) {
  static const char hex[] = "0123456789abcdef";
  sqlite3_value *value = sqlite3_column_value(st, c);
  int type = sqlite3_value_type(value);
  char head[32];
  if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
    uint64_t bits;
    if (type == SQLITE_INTEGER) {
      sqlite3_int64 i = sqlite3_value_int64(value);
      memcpy(&bits, &i, sizeof bits);
    } else {
      double d = sqlite3_value_double(value);
      memcpy(&bits, &d, sizeof bits);
    }
    head[0] = type == SQLITE_INTEGER ? 'i' : 'f';
    for (int k = 0; k < 16; k++) head[1 + k] = hex[(bits >> (60 - 4 * k)) & 15];
    return key_add(job, head, 17);
  }
  if (type == SQLITE_NULL) return key_add(job, "n", 1);
  const unsigned char *s = type == SQLITE_TEXT ? sqlite3_value_text(value) : sqlite3_value_blob(value);
  size_t len = (size_t)sqlite3_value_bytes(value);
  /* the type and the length, its digits last to first */
  size_t n = sizeof head;
  head[--n] = ':';
  size_t rest = len;
  do head[--n] = (char)('0' + rest % 10); while ((rest /= 10) > 0);
  head[--n] = type == SQLITE_TEXT ? 't' : 'b';
  if (key_add(job, head + n, sizeof head - n) != 0) return -1;
  size_t from = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] > 1) continue;
    if (key_add(job, (const char *)s + from, i - from) != 0 || key_add(job, s[i] ? "\1\1" : "\1\2", 2) != 0) return -1;
    from = i + 1;
  }
  return key_add(job, (const char *)s + from, len - from);
}

/* Holds field of the table at t in v: a text (copied) when a string; 0, or
 * -1 out of memory. */
static int hold_text(lua_State *L, held_value *v, int t, const char *field) {
  const char *s = text_field(L, t, field);
  if (!s) return 0;
  if (!(v->s = strdup(s))) return -1;
  v->type = SQLITE_TEXT;
  return 0;
}

/* Holds field of the table at t in v: a real when a number. */
static void hold_number(lua_State *L, held_value *v, int t, const char *field) {
  if (lua_getfield(L, t, field) == LUA_TNUMBER) {
    v->type = SQLITE_FLOAT;
    v->d = lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
}

/* Holds field of the table at t in v: an integer (a year) when a number. */
static void hold_year(lua_State *L, held_value *v, int t, const char *field) {
  if (lua_getfield(L, t, field) == LUA_TNUMBER) {
    v->type = SQLITE_INTEGER;
    v->i = (sqlite3_int64)lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
}

/* The row Lua judged (at index row), or what it lacks (need), into v (zeroed,
 * already the work's: a Lua error midway leaves nothing unowned); 0, or -1
 * out of memory. */
static int hold_verdict(lua_State *L, verdict *v, int row, const char *need) {
  if (need) return (v->need = strdup(need)) ? 0 : -1;
  held_value *f = v->f;
  int rc = hold_text(L, &f[0], row, "status") | hold_text(L, &f[1], row, "message");
  if (lua_getfield(L, row, "target") == LUA_TTABLE) {
    int t = lua_gettop(L);
    rc |= hold_text(L, &f[2], t, "text") | hold_text(L, &f[3], t, "kind");
    hold_number(L, &f[4], t, "value");
    rc |= hold_text(L, &f[5], t, "reason") | hold_text(L, &f[6], t, "origin");
    hold_year(L, &f[7], t, "year");
    hold_year(L, &f[8], t, "base_year");
  }
  lua_pop(L, 1);
  hold_number(L, &f[9], row, "base_value");
  hold_number(L, &f[10], row, "growth");
  rc |= hold_text(L, &f[11], row, "progress");
  hold_number(L, &f[12], row, "path_value");
  rc |= hold_text(L, &f[13], row, "figure");
  if (lua_getfield(L, row, "cumulative") == LUA_TTABLE) hold_year(L, &f[14], lua_gettop(L), "since");
  lua_pop(L, 1);
  hold_year(L, &f[15], row, "base_asked");
  return rc ? -1 : 0;
}

/* Judges the stored row st is on through dsl.rejudge, into a new verdict of
 * the work; 0, 1 when the rules fail, -1 out of memory. */
static int judge_row(judge_job *job, sqlite3_stmt *st) {
  lua_State *L = sandbox_lua(job->p.sb);
  rejudge_work *w = job->work;
  verdict *more = room_for(w->verdicts, &w->verdicts_room, w->nverdicts, sizeof *w->verdicts);
  if (!more) return -1;
  w->verdicts = more;
  verdict *v = &w->verdicts[w->nverdicts++];
  memset(v, 0, sizeof *v);
  int top = lua_gettop(L);
  pack_push_call(&job->p, "rejudge");
  lua_rawgeti(L, LUA_REGISTRYINDEX, job->ctx_ref);
  lua_pushstring(L, (const char *)sqlite3_column_text(st, KEY_FIRST));
  lua_createtable(L, 0, 12);
  lua_pushboolean(L, sqlite3_column_int(st, SRC_TOTAL));
  lua_setfield(L, -2, "total");
  set_text(L, st, SRC_ORGANIZATION, "organization");
  set_text(L, st, SRC_KIND, "kind");
  set_number(L, st, SRC_CUR, "value");
  lua_pushboolean(L, sqlite3_column_int(st, SRC_DEN0));
  lua_setfield(L, -2, "den_zero");
  set_number(L, st, SRC_BASE_YEAR, "base_year");
  set_number(L, st, SRC_BASE_VALUE, "base_value");
  set_number(L, st, SRC_SINCE, "since");
  set_number(L, st, SRC_CUM, "cumulative_value");
  set_text(L, st, SRC_MISSING, "missing");
  set_number(L, st, SRC_BASE_ASKED, "base_asked");
  if (sandbox_call(job->p.sb, 4, 2, job->err, job->errlen) != LUA_OK) return 1;
  int row = lua_gettop(L) - 1;
  const char *need = NULL;
  if (lua_type(L, row) != LUA_TTABLE) need = lua_type(L, row + 1) == LUA_TSTRING ? lua_tostring(L, row + 1) : "?";
  int rc = hold_verdict(L, v, row, need);
  lua_settop(L, top);
  job->groups++;
  return rc;
}

/* The verdict of the row st is on: the one of an equal key judged before,
 * else a new judgement. Its index into *index; 0, 1 or -1 as judge_row. */
static int verdict_of_row(judge_job *job, sqlite3_stmt *st, size_t *index) {
  job->key_len = 0;
  for (int c = KEY_FIRST; c <= KEY_LAST; c++)
    if (key_column(job, st, c) != 0) return -1;
  size_t next = job->work->nverdicts;
  int added = idset_add(&job->keys, job->key, next, index);
  if (added < 0) return -1;
  if (!added) return 0;
  *index = next;
  return judge_row(job, st);
}

/* Adds s to the list (of *n, *room) unless there: owned copies when own;
 * 0, or -1 out of memory. */
static int add_phrase(char ***list, size_t *n, size_t *room, const char *s, int own) {
  for (size_t i = 0; i < *n; i++)
    if (!strcmp((*list)[i], s)) return 0;
  char **more = room_for(*list, room, *n, sizeof **list);
  if (!more) return -1;
  *list = more;
  if (!(more[*n] = own ? strdup(s) : (char *)s)) return -1;
  (*n)++;
  return 0;
}

/* Counts a row of verdict v stored with status was (and phrase was_text)
 * into the pair's tally; 0, or -1 out of memory. */
static int tally_row(pair_tally *t, const rejudge_work *w, const verdict *v, size_t was, const char *was_text) {
  if (v->need) {
    if (!t->need || strcmp(v->need, t->need) < 0) t->need = v->need;
    return 0;
  }
  const char *status = v->f[V_STATUS].s, *after = v->f[V_TARGET_TEXT].s;
  t->rows++;
  if (!status || strcmp(status, w->statuses[was])) t->changed++;
  if (was_text && add_phrase(&t->before, &t->nbefore, &t->before_room, was_text, 1) != 0) return -1;
  if (after && add_phrase((char ***)&t->after, &t->nafter, &t->after_room, after, 0) != 0) return -1;
  if (!status || !strcmp(status, w->statuses[was])) return 0;
  for (size_t i = 0; i < t->nt; i++)
    if (t->t[i].was == was && !strcmp(t->t[i].status, status)) {
      t->t[i].n++;
      return 0;
    }
  transition *more = room_for(t->t, &t->t_room, t->nt, sizeof *t->t);
  if (!more) return -1;
  t->t = more;
  t->t[t->nt++] = (transition){was, w->statuses[was], status, 1};
  return 0;
}

/* Says memory ran out; -1. */
static int out_of_memory(judge_job *job) {
  snprintf(job->err, job->errlen, _("out of memory"));
  return -1;
}

/* Holds the stored row st is on: judged (or its key's verdict), counted
 * into the tally of its pair, kept to be written. 0, 1 or -1. */
static int hold_row(judge_job *job, sqlite3_stmt *st) {
  rejudge_work *w = job->work;
  size_t index = 0;
  int rc = verdict_of_row(job, st, &index);
  if (rc == 1) return 1;
  if (rc != 0) return out_of_memory(job);
  const char *was_status = (const char *)sqlite3_column_text(st, SRC_WAS);
  long long was = status_index(w, was_status ? was_status : "");
  if (was < 0) return out_of_memory(job);
  if (tally_row(&job->tally, w, &w->verdicts[index], (size_t)was,
                (const char *)sqlite3_column_text(st, SRC_WAS_TEXT)) != 0)
    return out_of_memory(job);
  held_row *more = room_for(w->rows, &w->rows_room, w->nrows, sizeof *w->rows);
  if (!more) return out_of_memory(job);
  w->rows = more;
  w->rows[w->nrows++] = (held_row){sqlite3_column_int64(st, SRC_RID), index, (size_t)was,
                                   sqlite3_column_type(st, SRC_BREAKDOWN) == SQLITE_NULL};
  return 0;
}

/* Texts compared as SQLite's ORDER BY compares them (their bytes). */
static int compare_texts(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Transitions in the order of their statuses before and after. */
static int compare_transitions(const void *a, const void *b) {
  const transition *x = a, *y = b;
  int c = strcmp(x->from, y->from);
  return c ? c : strcmp(x->status, y->status);
}

/* Text list joined by sep in its order, into a new string in *out (NULL
 * when the list is empty); 0, or -1. */
static int joined(const char **list, size_t n, const char *sep, char **out) {
  *out = NULL;
  if (!n) return 0;
  size_t len = 1;
  for (size_t i = 0; i < n; i++) len += strlen(list[i]) + strlen(sep);
  if (!(*out = malloc(len))) return -1;
  char *p = *out;
  for (size_t i = 0; i < n; i++) p += sprintf(p, "%s%s", i ? sep : "", list[i]);
  return 0;
}

/* The transitions "met -> not_met: 3; ..." sorted by the statuses before
 * and after, into a new string in *out (NULL: none); 0, or -1. */
static int joined_transitions(pair_tally *t, char **out) {
  *out = NULL;
  if (!t->nt) return 0;
  qsort(t->t, t->nt, sizeof *t->t, compare_transitions);
  const char **parts = calloc(t->nt, sizeof *parts);
  if (!parts) return -1;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < t->nt; i++) {
    const char *a = t->t[i].from, *b = t->t[i].status;
    size_t len = strlen(a) + strlen(b) + 32;
    char *s = malloc(len);
    if (s) snprintf(s, len, "%s -> %s: %lld", a, b, t->t[i].n);
    else rc = -1;
    parts[i] = s;
  }
  if (rc == 0) rc = joined(parts, t->nt, "; ", out);
  for (size_t i = 0; i < t->nt; i++) free((char *)parts[i]);
  free(parts);
  return rc;
}

/* Binds a text that may be NULL, for one step (the statement copies it). */
static void bind_maybe(sqlite3_stmt *st, int p, const char *s) {
  if (s) sqlite3_bind_text(st, p, s, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(st, p);
}

/* Writes what the pair's rows added up to into rj_pair: a pair some of
 * whose rows lack a figure the new target needs is not re-judged ('lacks',
 * with the least of what they lack) and its rows are not written; the
 * others get their counts, phrases before and after, and transitions.
 * The tally is emptied. 0, or -1. */
static int settle_tally(judge_job *job) {
  pair_tally *t = &job->tally;
  rejudge_work *w = job->work;
  int rc;
  if (t->need) {
    sqlite3_bind_int64(job->lacks, 1, t->qid);
    sqlite3_bind_text(job->lacks, 2, t->need, -1, SQLITE_TRANSIENT);
    rc = step_write(job->db, job->lacks, job->err, job->errlen);
    w->nrows = t->first_row;
  } else {
    char *before = NULL, *after = NULL, *transitions = NULL;
    qsort(t->before, t->nbefore, sizeof *t->before, compare_texts);
    qsort(t->after, t->nafter, sizeof *t->after, compare_texts);
    rc = joined((const char **)t->before, t->nbefore, " | ", &before) | joined(t->after, t->nafter, " | ", &after) |
         joined_transitions(t, &transitions);
    if (rc == 0) {
      sqlite3_bind_int64(job->counts, 1, t->qid);
      sqlite3_bind_int64(job->counts, 2, t->rows);
      sqlite3_bind_int64(job->counts, 3, t->changed);
      bind_maybe(job->counts, 4, before);
      bind_maybe(job->counts, 5, after);
      bind_maybe(job->counts, 6, transitions);
      rc = step_write(job->db, job->counts, job->err, job->errlen);
    } else {
      snprintf(job->err, job->errlen, _("out of memory"));
    }
    free(before);
    free(after);
    free(transitions);
  }
  reset_tally(t);
  return rc;
}

/* Reads every stored row of the group's pairs to re-judge (not the rows
 * that do not apply: no target makes them apply) in one pass: each row's
 * key (its indicator and figures, held in a hash set) is judged once, each
 * pair's rows are counted as they come, and the rows are kept in memory to
 * be written. The pairs drive the lookups (CROSS JOIN): a store's
 * statistics must not make the planner scan every result for the few pairs
 * whose targets changed; so each pair's rows come together. */
static int collect_rows(judge_job *job, const char *missing_prefix) {
  if (prepare_pair(job->db, "UPDATE rj_pair SET state = 'lacks', need = ?2 WHERE rowid = ?1",
                   "UPDATE rj_pair SET rows = ?2, changed = ?3, previous_text = ?4, target_text = ?5,"
                   " transitions = ?6 WHERE rowid = ?1", &job->lacks, &job->counts, job->err, job->errlen) != 0)
    return -1;
  if (!(job->read = prepare(job->db, "SELECT " SOURCE_COLUMNS
      " FROM rj_pair q CROSS JOIN cycle_result_row r ON r.cycle_id = q.cycle_id AND r.indicator = q.indicator"
      " LEFT JOIN organization o ON o.id = r.organization"
      " WHERE q.grp = ?1 AND q.state IN ('changed', 'unrecorded') AND r.status NOT IN ('not_applicable', 'error')",
      job->err, job->errlen)))
    return -1;
  sqlite3_bind_int(job->read, 1, job->grp);
  sqlite3_bind_text(job->read, 2, missing_prefix, -1, SQLITE_TRANSIENT);
  int rc = 0, step;
  while (rc == 0 && (step = sqlite3_step(job->read)) == SQLITE_ROW) {
    sqlite3_int64 qid = sqlite3_column_int64(job->read, SRC_PAIR);
    if (qid != job->tally.qid) {
      if (job->tally.qid) rc = settle_tally(job);
      job->tally.qid = qid;
      job->tally.first_row = job->work->nrows;
    }
    if (rc == 0) rc = hold_row(job, job->read);
  }
  if (rc == 0 && step != SQLITE_DONE) {
    snprintf(job->err, job->errlen, "store: %s", sqlite3_errmsg(job->db));
    rc = -1;
  }
  if (rc == 0 && job->tally.qid) rc = settle_tally(job);
  if (rc == 0)
    rc = run_int(job->db, "UPDATE rj_pair SET rows = 0, changed = 0 WHERE grp = ?1 AND rows IS NULL"
                          " AND state IN ('changed', 'unrecorded')", job->grp, job->err, job->errlen);
  return rc;
}

/* The pairs of the group whose targets changed since they were judged (the
 * latest judgement: one descending probe of cycle_judgement's index per pair),
 * or that have results and were never recorded, into rj_pair; the pairs whose
 * targets did not change, most pairs of a store, are only counted, in the same
 * pass (never stored, never read again). A pair whose formula is recorded as
 * today's pack states it (or as today's SQL, by an older pdmon) is re-judged
 * ('changed'); one recorded otherwise by definition is refused ('formula'),
 * and so is every pair whose value is a function of Lua ('function': its
 * body can change unseen, evaluation.lua's definition_fingerprint);
 * one recorded by SQL that differs is 'stored': its cycle's stored pack decides
 * (settle_stored). Whether a pair never judged has results is asked by a CASE,
 * not an OR: SQLite evaluates both sides of an OR, and the probe of the results
 * then cost every pair of the store, judged or not. */
static int pair_group(judge_job *job) {
  sqlite3_stmt *st, *ins;
  if (prepare_pair(job->db,
      "SELECT x.id, x.indicator, CASE WHEN j.targets = x.targets THEN 'same'"
      " WHEN substr(x.formula, 1, 3) = 'fn:' THEN 'function' WHEN j.id IS NULL THEN 'unrecorded'"
      " WHEN j.formula IS NULL OR j.formula = x.formula OR j.formula = x.sql_formula THEN 'changed'"
      " WHEN substr(j.formula, 1, 3) = 'd1:' THEN 'formula' ELSE 'stored' END,"
      " x.targets, x.formula, x.by_id, x.advised,"
      " CASE WHEN j.id IS NOT NULL THEN 1 ELSE"
      " EXISTS (SELECT 1 FROM cycle_result_row r WHERE r.cycle_id = x.id AND r.indicator = x.indicator) END"
      " FROM (SELECT c.id, p.indicator, p.targets, p.formula, p.sql_formula, p.by_id, p.advised,"
      " (SELECT k.id FROM cycle_judgement k WHERE k.cycle_id = c.id AND k.indicator = p.indicator"
      " ORDER BY k.id DESC LIMIT 1) AS jid FROM rj_cycle c JOIN rj_plan p ON p.grp = c.grp WHERE c.grp = ?1) AS x"
      " LEFT JOIN cycle_judgement j ON j.id = x.jid",
      "INSERT INTO rj_pair (cycle_id, indicator, grp, state, targets, formula, by_id, advised)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, &ins, job->err, job->errlen) != 0)
    return -1;
  sqlite3_bind_int(st, 1, job->grp);
  int rc = 0, step = SQLITE_DONE;
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *state = (const char *)sqlite3_column_text(st, 2);
    if (!strcmp(state, "same")) {
      job->unchanged++;
      continue;
    }
    if (!sqlite3_column_int(st, 7)) continue; /* never judged, no results: nothing to re-judge */
    /* cycle_id, indicator, grp, state, targets, formula, by_id, advised */
    sqlite3_bind_value(ins, 1, sqlite3_column_value(st, 0));
    sqlite3_bind_value(ins, 2, sqlite3_column_value(st, 1));
    sqlite3_bind_int(ins, 3, job->grp);
    for (int c = 2; c <= 6; c++) sqlite3_bind_value(ins, c + 2, sqlite3_column_value(st, c));
    rc = step_write(job->db, ins, job->err, job->errlen);
  }
  return finish_pair(job->db, st, step, ins, rc, job->err, job->errlen);
}

/* One stored pack loaded to read its formulas (see settle_stored). */
typedef struct stored_job {
  sqlite3 *db;
  pack p;
  const char *hash;
  char *err;
  size_t errlen;
  int rc;
} stored_job;

/* Within a protected call: the stored pack's formulas for every period of the
 * cycles being re-judged that it judged, into rj_stored. */
static int stored_protected(lua_State *caller) {
  stored_job *job = lua_touserdata(caller, 1);
  lua_State *L = sandbox_lua(job->p.sb);
  sqlite3_stmt *st, *ins;
  if ((job->rc = prepare_pair(job->db, "SELECT DISTINCT c.period FROM rj_cycle c JOIN cycle k ON k.id = c.id"
                                       " WHERE k.pack_hash = ?1 ORDER BY 1",
                              "INSERT OR REPLACE INTO rj_stored VALUES (?1, ?2, ?3, ?4)", &st, &ins, job->err,
                              job->errlen)) != 0)
    return 0;
  sqlite3_bind_text(st, 1, job->hash, -1, SQLITE_STATIC);
  int rc = 0, step = SQLITE_DONE, top = lua_gettop(L);
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    int period = sqlite3_column_int(st, 0);
    pack_push_call(&job->p, "stored_formulas");
    lua_createtable(L, 0, 1);
    lua_pushinteger(L, period);
    lua_setfield(L, -2, "period");
    if (sandbox_call(job->p.sb, 2, 1, job->err, job->errlen) != LUA_OK) {
      rc = 1;
      break;
    }
    int list = lua_gettop(L);
    for (lua_Integer i = 1; rc == 0 && lua_type(L, list) == LUA_TTABLE && i <= (lua_Integer)lua_rawlen(L, list); i++) {
      lua_rawgeti(L, list, i);
      int e = lua_gettop(L);
      if (lua_type(L, e) == LUA_TTABLE) {
        sqlite3_bind_text(ins, 1, job->hash, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 2, period);
        bind_text(L, ins, 3, e, "id");
        bind_text(L, ins, 4, e, "formula");
        rc = step_write(job->db, ins, job->err, job->errlen);
      }
      lua_settop(L, list);
    }
    lua_settop(L, top);
  }
  job->rc = finish_pair(job->db, st, step, ins, rc, job->err, job->errlen);
  return 0;
}

/* Restores the stored pack of the cycles of hash (the files of the first such
 * cycle: equal hashes, equal files), loads it and reads its formulas into
 * rj_stored; records in rj_stored_pack whether it loaded. A pack that does not
 * load, or a cycle without stored files, is no error: its pairs are refused. */
static int load_stored(sqlite3 *db, const char *hash, char *err, size_t errlen) {
  cycle_ref c = {0};
  sqlite3_stmt *st = prepare(db, "SELECT id, period, pack_dir FROM cycle WHERE pack_hash = ?1 ORDER BY id LIMIT 1",
                             err, errlen);
  if (!st) return -1;
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  int found = sqlite3_step(st) == SQLITE_ROW;
  if (found) {
    c.id = sqlite3_column_int64(st, 0);
    c.period = sqlite3_column_int(st, 1);
    snprintf(c.pack_dir, sizeof c.pack_dir, "%s",
             sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "pack");
  }
  sqlite3_finalize(st);
  char root[PATH_MAX] = "", dir[PATH_MAX + 600], why[2048];
  int loaded = 0, rc = 0;
  if (found && cycle_restore_pack(db, &c, root, sizeof root, dir, sizeof dir, why, sizeof why) == 0) {
    sandbox *sb = sandbox_new(sandbox_default_limits());
    stored_job job = {.db = db, .hash = hash, .err = err, .errlen = errlen};
    if (sb && pack_load(sb, dir, &job.p, why, sizeof why) == 0) {
      sandbox_rearm(sb);
      char message[2048];
      if (sandbox_protected(sb, stored_protected, &job, 0, 0, message, sizeof message) != LUA_OK) job.rc = 1;
      if (job.rc == -1) rc = -1; /* the store failed */
      loaded = job.rc == 0;
      pack_release(&job.p);
    }
    sandbox_free(sb);
  }
  if (root[0]) cycle_remove_restored(root);
  if (rc != 0) return rc;
  sqlite3_stmt *ins = prepare(db, "INSERT OR REPLACE INTO rj_stored_pack VALUES (?1, ?2)", err, errlen);
  if (!ins) return -1;
  sqlite3_bind_text(ins, 1, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int(ins, 2, loaded);
  rc = step_write(db, ins, err, errlen);
  sqlite3_finalize(ins);
  return rc;
}

/* The group's pairs recorded by the fingerprint of their SQL, which differs
 * from today's SQL (the SQL generator changed, or the definition did): each
 * cycle's stored pack is loaded, once per pack hash for the whole
 * re-judgement, and the pair is re-judged when that pack states the formula
 * as today's pack does; refused otherwise ('formula'), or 'unknown' when the
 * stored pack does not load. */
static int settle_stored(judge_job *job) {
  for (;;) {
    char hash[64] = "";
    sqlite3_stmt *st = prepare(job->db, "SELECT k.pack_hash FROM rj_pair q JOIN cycle k ON k.id = q.cycle_id"
                                        " WHERE q.grp = ?1 AND q.state = 'stored' AND k.pack_hash IS NOT NULL"
                                        " AND k.pack_hash NOT IN (SELECT pack_hash FROM rj_stored_pack) LIMIT 1",
                               job->err, job->errlen);
    if (!st) return -1;
    sqlite3_bind_int(st, 1, job->grp);
    if (sqlite3_step(st) == SQLITE_ROW) snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!hash[0]) break;
    if (load_stored(job->db, hash, job->err, job->errlen) != 0) return -1;
  }
  sqlite3_stmt *st = prepare(job->db,
      "UPDATE rj_pair SET state = CASE WHEN formula = (SELECT s.formula FROM cycle k JOIN rj_cycle c ON c.id = k.id"
      " JOIN rj_stored s ON s.pack_hash = k.pack_hash AND s.period = c.period AND s.indicator = rj_pair.indicator"
      " WHERE k.id = rj_pair.cycle_id) THEN 'changed'"
      " WHEN (SELECT p.loaded FROM cycle k JOIN rj_stored_pack p ON p.pack_hash = k.pack_hash"
      " WHERE k.id = rj_pair.cycle_id) THEN 'formula' ELSE 'unknown' END WHERE grp = ?1 AND state = 'stored'",
      job->err, job->errlen);
  if (!st) return -1;
  sqlite3_bind_int(st, 1, job->grp);
  int rc = step_write(job->db, st, job->err, job->errlen);
  sqlite3_finalize(st);
  return rc;
}

/* Judges within a protected call: Lua values are read only here. */
static int judge_protected(lua_State *L) {
  judge_job *job = lua_touserdata(L, 1);
  job->rc = plan_group(job);
  if (job->rc == 0) job->rc = pair_group(job);
  if (job->rc == 0) job->rc = settle_stored(job);
  if (job->rc == 0) {
    /* the message of a row whose source has no rows in the period (stdlib's mark_missing) */
    lua_State *S = sandbox_lua(job->p.sb);
    lua_rawgeti(S, LUA_REGISTRYINDEX, job->p.dsl_ref);
    lua_getfield(S, -1, "missing_prefix");
    const char *prefix = lua_type(S, -1) == LUA_TSTRING ? lua_tostring(S, -1) : "\x01";
    char copy[256];
    snprintf(copy, sizeof copy, "%s", prefix);
    lua_pop(S, 2);
    job->rc = collect_rows(job, copy);
  }
  return 0;
}

/* Loads the pack of group grp and judges the group's stored rows. */
static int judge_group(sqlite3 *db, int grp, const char *pack_dir, int period, const rejudge_options *opt,
                       rejudge_work *work, long long *groups, int *unchanged, char *err, size_t errlen) {
  sandbox *sb = sandbox_new(sandbox_default_limits());
  if (!sb) {
    snprintf(err, errlen, _("out of memory creating the rule sandbox"));
    return -1;
  }
  judge_job job = {.db = db, .grp = grp, .period = period, .ctx_ref = LUA_NOREF, .work = work, .err = err,
                   .errlen = errlen};
  char why[2048];
  int rc = pack_load(sb, pack_dir, &job.p, why, sizeof why);
  if (rc != 0) {
    snprintf(err, errlen, _("%s: the pack does not load: %s"), pack_dir, why);
    sandbox_free(sb);
    return 1;
  }
  if (opt->pack_dir && !opt->cycle && strcmp(pack_dir, opt->pack_dir) != 0) {
    /* a municipality's layer must extend the region's pack, as for eval --all */
    char region[PATH_MAX], real[PATH_MAX];
    int extends = 0;
    if (realpath(opt->pack_dir, region))
      for (int i = 1; i < job.p.nlayers && !extends; i++) extends = realpath(job.p.layers[i], real) && !strcmp(real, region);
    if (!extends) {
      snprintf(err, errlen, _("%s: the pack of the municipality next to the region's pack %s does not extend it"),
               pack_dir, opt->pack_dir);
      pack_release(&job.p);
      sandbox_free(sb);
      return 1;
    }
  }
  sandbox_rearm(sb);
  char message[2048];
  if (sandbox_protected(sb, judge_protected, &job, 0, 0, message, sizeof message) != LUA_OK) {
    snprintf(err, errlen, "%s: %s", pack_dir, message);
    rc = 1;
  } else {
    rc = job.rc;
    if (rc == 1) {
      snprintf(message, sizeof message, "%s", err);
      snprintf(err, errlen, "%s: %s", pack_dir, message);
    }
  }
  *groups += job.groups;
  *unchanged += job.unchanged;
  /* what the protected call left, also when rule code stopped it midway */
  sqlite3_finalize(job.read);
  sqlite3_finalize(job.lacks);
  sqlite3_finalize(job.counts);
  reset_tally(&job.tally);
  idset_free(&job.keys);
  free(job.key);
  if (job.ctx_ref != LUA_NOREF) luaL_unref(sandbox_lua(sb), LUA_REGISTRYINDEX, job.ctx_ref);
  pack_release(&job.p);
  sandbox_free(sb);
  return rc;
}

/* Judges every group of rj_cycle, one pack at a time. */
static int judge_groups(sqlite3 *db, const rejudge_options *opt, rejudge_work *work, rejudge_summary *sum, char *err,
                        size_t errlen) {
  sqlite3_stmt *st = prepare(db, "SELECT grp, min(pack_dir), min(period) FROM rj_cycle GROUP BY grp ORDER BY grp",
                             err, errlen);
  if (!st) return -1;
  int rc = 0;
  while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", (const char *)sqlite3_column_text(st, 1));
    rc = judge_group(db, sqlite3_column_int(st, 0), dir, sqlite3_column_int(st, 2), opt, work, &sum->groups,
                     &sum->unchanged, err, errlen);
  }
  sqlite3_finalize(st);
  return rc;
}

/* The columns a re-judgement may change in a result row. */
static const char *const judged_columns[] = {
  "status", "message", "target_text", "target_kind", "target_value", "target_reason", "target_origin",
  "target_year", "base_year", "base_value", "growth", "progress", "path_value", "figure", "value", "numerator",
  "denominator", "yearly_value", "yearly_numerator", "yearly_denominator", "cumulative_value",
  "cumulative_numerator", "cumulative_denominator", "cumulative_since", "base_asked",
};
#define JUDGED_COLUMNS (sizeof judged_columns / sizeof *judged_columns)

/* Each re-judged row as it becomes: the judged fields from the verdict (the
 * named parameters, verdict_fields), the figures from the row's own columns
 * (the year's figure, or the cumulative one where the new target judges
 * that), in the order of judged_columns. */
#define NEW_ROW                                                                                                      \
  ":status, :message, :target_text, :target_kind, :target_value, :target_reason, :target_origin,"                      \
  " :target_year, :base_year, :base_value, :growth, :progress, :path_value, :figure,"                                 \
  " CASE WHEN :figure = 'cumulative' THEN r.cumulative_value WHEN r.figure IS NOT NULL THEN r.yearly_value"           \
  " ELSE r.value END,"                                                                                                \
  " CASE WHEN :figure = 'cumulative' THEN r.cumulative_numerator WHEN r.figure IS NOT NULL"                           \
  " THEN r.yearly_numerator ELSE r.numerator END,"                                                                    \
  " CASE WHEN :figure = 'cumulative' THEN r.cumulative_denominator WHEN r.figure IS NOT NULL"                         \
  " THEN r.yearly_denominator ELSE r.denominator END,"                                                                \
  " CASE WHEN :since IS NULL THEN NULL WHEN r.figure IS NOT NULL THEN r.yearly_value ELSE r.value END,"               \
  " CASE WHEN :since IS NULL THEN NULL WHEN r.figure IS NOT NULL THEN r.yearly_numerator ELSE r.numerator END,"       \
  " CASE WHEN :since IS NULL THEN NULL WHEN r.figure IS NOT NULL THEN r.yearly_denominator"                           \
  " ELSE r.denominator END,"                                                                                          \
  " CASE WHEN :since IS NULL THEN NULL ELSE r.cumulative_value END,"                                                  \
  " CASE WHEN :since IS NULL THEN NULL ELSE r.cumulative_numerator END,"                                              \
  " CASE WHEN :since IS NULL THEN NULL ELSE r.cumulative_denominator END,"                                            \
  " :since, :base_asked"

/* Appends to buf (of len) each judged column as first, its name, and when
 * then is not NULL then and its name again, separated by sep. */
static void each_column(char *buf, size_t len, const char *first, const char *then, const char *sep) {
  for (size_t i = 0; i < JUDGED_COLUMNS; i++) {
    size_t used = strlen(buf);
    const char *name = judged_columns[i];
    if (used < len)
      snprintf(buf + used, len - used, "%s%s%s%s%s", i ? sep : "", first, name, then ? then : "", then ? name : "");
  }
}

static int compare_rows(const void *a, const void *b) {
  const held_row *x = a, *y = b;
  return (x->rid > y->rid) - (x->rid < y->rid);
}

/* Binds a held value to parameter p, unless NULL (the bindings are cleared
 * before each row: most fields of a verdict are NULL). */
static void bind_held(sqlite3_stmt *st, int p, const held_value *v) {
  if (v->type == SQLITE_TEXT) sqlite3_bind_text(st, p, v->s, -1, SQLITE_STATIC);
  else if (v->type == SQLITE_FLOAT) sqlite3_bind_double(st, p, v->d);
  else if (v->type == SQLITE_INTEGER) sqlite3_bind_int64(st, p, v->i);
}

/* Sorts the rows by rowid, unless they are (they come so from the index
 * cycle_result_by_indicator as the rows were stored). */
static void sort_rows(rejudge_work *w) {
  for (size_t r = 1; r < w->nrows; r++)
    if (w->rows[r].rid < w->rows[r - 1].rid) {
      qsort(w->rows, w->nrows, sizeof *w->rows, compare_rows);
      return;
    }
}


/* 1 when a row written from status was to verdict v is a place whose
 * problem zone can change: its status changed (a carried zone is resolved
 * or reopened), or it was or becomes "not met" (a zone's text names the
 * value and the target). */
static int zone_can_change(const char *was, const verdict *v) {
  const char *status = v->f[V_STATUS].s;
  return !status || strcmp(was, status) || !strcmp(was, "not_met") || !strcmp(status, "not_met");
}

/* Writes each held row whose verdict changes it, one prepared UPDATE per
 * row in rowid order (a cycle's rows share pages), and notes the rowids of
 * those where a problem zone can change in rj_place_rid. OR FAIL: an ABORT
 * would need a statement journal for a statement whose failure rolls the
 * whole re-judgement back anyway. Whether a row was written is
 * sqlite3_changes, not RETURNING (whose "breakdown IS NULL" SQLite 3.40
 * answers false for every row), and its breakdown was read with it. */
static int write_rows(sqlite3 *db, rejudge_work *w, char *err, size_t errlen) {
  char names[1024] = "", olds[1024] = "", sql[8192];
  each_column(names, sizeof names, "", NULL, ", ");
  each_column(olds, sizeof olds, "r.", NULL, ", ");
  snprintf(sql, sizeof sql, "UPDATE OR FAIL cycle_result_row AS r SET (%s) = (" NEW_ROW ")"
           " WHERE r.rowid = :rid AND (%s) IS NOT (" NEW_ROW ")", names, olds);
  sqlite3_stmt *update, *place;
  if (prepare_pair(db, sql, "INSERT INTO rj_place_rid (rid) VALUES (?1)", &update, &place, err, errlen) != 0) return -1;
  int param[VERDICT_FIELDS], rid = sqlite3_bind_parameter_index(update, ":rid");
  for (size_t i = 0; i < VERDICT_FIELDS; i++) {
    char name[64];
    snprintf(name, sizeof name, ":%s", verdict_fields[i]);
    param[i] = sqlite3_bind_parameter_index(update, name);
  }
  sort_rows(w);
  int rc = 0;
  for (size_t r = 0; rc == 0 && r < w->nrows; r++) {
    const held_row *row = &w->rows[r];
    const verdict *v = &w->verdicts[row->verdict];
    sqlite3_clear_bindings(update);
    sqlite3_bind_int64(update, rid, row->rid);
    for (size_t i = 0; i < VERDICT_FIELDS; i++)
      if (param[i]) bind_held(update, param[i], &v->f[i]);
    if (sqlite3_step(update) != SQLITE_DONE) {
      snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
      rc = -1;
    }
    sqlite3_reset(update);
    if (rc == 0 && sqlite3_changes(db) > 0 && row->place && zone_can_change(w->statuses[row->was], v)) {
      sqlite3_bind_int64(place, 1, row->rid);
      rc = step_write(db, place, err, errlen);
    }
  }
  sqlite3_finalize(update);
  sqlite3_finalize(place);
  return rc;
}

/* The held rows into cycle_result_row, only those whose verdict changes
 * them (a target table whose phrase changed for one kind of organization
 * or for the municipality's total re-judges every row of its indicator
 * and writes only those). The pages written are the cost (a row is about
 * 600 bytes since its indicator's texts are kept apart, schema 14). Then
 * the problem zones, derived again only at the places where one can change
 * (zone_can_change; elsewhere no zone exists and a carried one stays as it
 * is). Last, the record of each re-judgement. */
static int apply_verdicts(sqlite3 *db, rejudge_work *w, char *err, size_t errlen) {
  if (write_rows(db, w, err, errlen) != 0) return -1;
  if (run_int(db, "CREATE TEMP TABLE rj_place AS SELECT DISTINCT r.cycle_id, r.indicator, r.organization"
                  " FROM rj_place_rid x CROSS JOIN cycle_result_row r ON r.rowid = x.rid", 0, err, errlen) != 0)
    return -1;
  if (cycle_rederive_problems(db, "temp.rj_place", err, errlen) != 0) return -1;
  return run_int(db, "INSERT INTO cycle_judgement (cycle_id, indicator, judged_by, judged_at, targets, formula, pack_dir,"
                     " previous_text, target_text, rows, changed, transitions)"
                     " SELECT q.cycle_id, q.indicator, 'rejudge', strftime('%Y-%m-%dT%H:%M:%SZ','now'), q.targets,"
                     " q.formula, c.pack_dir, q.previous_text, q.target_text, q.rows, q.changed, q.transitions"
                     " FROM rj_pair q JOIN rj_cycle c ON c.id = q.cycle_id WHERE q.state IN ('changed', 'unrecorded')"
                     " ORDER BY q.cycle_id, q.indicator", 0, err, errlen);
}

/* The transitions "met -> not_met: 3; ..." with the statuses in Russian. */
static void print_transitions(FILE *out, const char *codes) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", codes);
  char *save = NULL;
  int first = 1;
  for (char *part = strtok_r(buf, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
    while (*part == ' ') part++;
    char a[64] = "", b[64] = "";
    long long n = 0;
    if (sscanf(part, "%63s -> %63[^:]: %lld", a, b, &n) == 3)
      fprintf(out, "%s%s → %s: %lld", first ? "" : "; ", ru_status(a), ru_status(b), n);
    first = 0;
  }
}

/* What was done, for people: per indicator and target phrases (one cycle's,
 * or summed over every cycle of --all, where each cycle's detail is in
 * cycle_judgement). */
static int report(sqlite3 *db, const rejudge_options *opt, rejudge_summary *sum, FILE *out, char *err, size_t errlen) {
  sqlite3_stmt *st = prepare(db, "SELECT q.indicator, q.state, q.need, q.previous_text, q.target_text, count(*),"
                                 " sum(q.rows), sum(q.changed), CASE WHEN count(*) = 1 THEN min(q.transitions) END,"
                                 " sum(q.advised AND q.changed > 0), min(q.cycle_id), min(c.municipality), min(c.period)"
                                 " FROM rj_pair q JOIN rj_cycle c ON c.id = q.cycle_id"
                                 " GROUP BY q.indicator, q.state, q.need, q.previous_text, q.target_text"
                                 " ORDER BY q.indicator, q.previous_text, q.target_text", err, errlen);
  if (!st) return -1;
  int headed = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *indicator = (const char *)sqlite3_column_text(st, 0);
    const char *state = (const char *)sqlite3_column_text(st, 1);
    int cycles = sqlite3_column_int(st, 5);
    long long rows = sqlite3_column_int64(st, 6), changed = sqlite3_column_int64(st, 7);
    int rejudged = !strcmp(state, "changed") || !strcmp(state, "unrecorded");
    if (rejudged) {
      sum->indicators += cycles;
      sum->rows += rows;
      sum->changed += changed;
      sum->advice_stale += sqlite3_column_int(st, 9);
    } else {
      sum->refused += cycles;
    }
    if (!out) continue;
    if (opt->cycle && !headed)
      fprintf(out, _("cycle %lld (%s, %d):\n"), sqlite3_column_int64(st, 10), (const char *)sqlite3_column_text(st, 11),
              sqlite3_column_int(st, 12));
    headed = 1;
    if (!strcmp(state, "formula")) {
      fprintf(out, _("  %s: not re-judged: its formula changed since the cycle ran; run the cycle again"
                     " ('pdmon cycle run')\n"), indicator);
    } else if (!strcmp(state, "function")) {
      fprintf(out, _("  %s: not re-judged: its value is a Lua function, whose formula pdmon cannot compare with the"
                     " one the cycle ran; run the cycle again ('pdmon cycle run')\n"), indicator);
    } else if (!strcmp(state, "unknown")) {
      fprintf(out, _("  %s: not re-judged: the cycle was run by an older pdmon and its stored rules do not load,"
                     " so whether its formula changed is unknown; run the cycle again ('pdmon cycle run')\n"),
              indicator);
    } else if (!strcmp(state, "lacks")) {
      const char *need = (const char *)sqlite3_column_text(st, 2);
      int year = need ? atoi(strchr(need, ' ') ? strchr(need, ' ') + 1 : need) : 0;
      if (need && !strncmp(need, "base", 4))
        fprintf(out, _("  %s: not re-judged: the new target compares with the value of %d, which the cycle did not"
                       " compute; run the cycle again ('pdmon cycle run')\n"), indicator, year);
      else
        fprintf(out, _("  %s: not re-judged: the new target judges the cumulative figure since %d, which the cycle"
                       " did not compute; run the cycle again ('pdmon cycle run')\n"), indicator, year);
    } else {
      const char *before = (const char *)sqlite3_column_text(st, 3), *after = (const char *)sqlite3_column_text(st, 4);
      if (rows == 0) continue; /* nothing of it is judged: every row does not apply */
      fprintf(out, _("  %s: target «%s» → «%s»: results re-judged: %lld, statuses changed: %lld"), indicator,
              before ? before : _("none"), after ? after : _("none"), rows, changed);
      if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
        fputs(" (", out);
        print_transitions(out, (const char *)sqlite3_column_text(st, 8));
        fputs(")", out);
      }
      fputs("\n", out);
      if (!strcmp(state, "unrecorded"))
        fprintf(out, _("    (the cycle ran before pdmon recorded what it judged: its formula could not be compared)\n"));
    }
    if (!opt->cycle) fprintf(out, _("    cycles: %d\n"), cycles);
  }
  sqlite3_finalize(st);
  if (!out) return 0;
  if (sum->advice_stale)
    fprintf(out, _("recommendations and ratings read statuses that changed (indicators: %d): they were not re-derived;"
                   " run the cycle again ('pdmon cycle run') to make them from the new statuses\n"), sum->advice_stale);
  if (sum->skipped_closed)
    fprintf(out, _("closed cycles left as they were judged (their record never changes): %d\n"), sum->skipped_closed);
  if (sum->skipped_open) fprintf(out, _("cycles not run yet, nothing to re-judge: %d\n"), sum->skipped_open);
  fprintf(out, opt->dry_run ? _("dry run, nothing stored: indicators that would be re-judged: %d (cycles: %d); results: %lld;"
                                " statuses that would change: %lld\n")
                            : _("indicators re-judged: %d (cycles: %d); results: %lld; statuses changed: %lld;"
                                " problem zones derived again\n"),
          sum->indicators, sum->cycles, sum->rows, sum->changed);
  if (sum->unchanged) fprintf(out, _("indicators whose targets did not change, left as judged: %d\n"), sum->unchanged);
  return 0;
}

int cycle_rejudge(sqlite3 *db, const rejudge_options *opt, FILE *out, rejudge_summary *summary, char *err,
                  size_t errlen) {
  rejudge_summary local;
  rejudge_summary *sum = summary ? summary : &local;
  memset(sum, 0, sizeof *sum);
  sqlite3_exec(db, drop_work_tables, NULL, NULL, NULL);
  if (store_exec(db, "BEGIN IMMEDIATE", err, errlen) != 0) return -1;
  int rc = store_exec(db, work_tables, err, errlen);
  if (rc == 0) rc = choose_cycles(db, opt, sum, err, errlen);
  rejudge_work work = {0};
  if (rc == 0) rc = judge_groups(db, opt, &work, sum, err, errlen);
  if (rc == 0 && !opt->dry_run) rc = apply_verdicts(db, &work, err, errlen);
  free_work(&work);
  if (rc == 0) rc = report(db, opt, sum, out, err, errlen);
  if (rc == 0 && !opt->dry_run) rc = store_exec(db, "COMMIT", err, errlen);
  if (rc != 0 || opt->dry_run) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec(db, drop_work_tables, NULL, NULL, NULL);
  return rc;
}
