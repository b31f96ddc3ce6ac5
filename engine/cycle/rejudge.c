/* rejudge.c: stored figures of monitored cycles judged again against a pack's current
 * targets, without reading the data: by the stdlib's own judging, once per indicator,
 * target and figures, with the rows updated set-based. The promises are in rejudge.h. */
#include "rejudge.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cycle.h"
#include "i18n.h"
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
 * never recorded) and what becomes of it; rj_src:
 * the stored rows to re-judge with their key (indicator, target selector, figures;
 * was, was_text: the row's status and target phrase as stored, so that the
 * counts and phrases need not read the wide result rows again);
 * rj_verdict: the judgement of each key. */
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
    "CREATE TEMP TABLE rj_src (rid INTEGER PRIMARY KEY, cycle_id INTEGER, indicator TEXT, grp INTEGER, key TEXT,"
    " total INTEGER, organization TEXT, kind TEXT, cur REAL, den0 INTEGER, base_year INTEGER, base_value REAL,"
    " base_asked INTEGER, since INTEGER, cum REAL, missing TEXT, was TEXT, was_text TEXT);"
    "CREATE TEMP TABLE rj_verdict (key TEXT PRIMARY KEY, need TEXT, status TEXT, message TEXT, target_text TEXT,"
    " target_kind TEXT, target_value REAL, target_reason TEXT, target_origin TEXT, target_year INTEGER,"
    " base_year INTEGER, base_value REAL, growth REAL, progress TEXT, path_value REAL, figure TEXT, since INTEGER,"
    " base_asked INTEGER);";

static const char drop_work_tables[] =
    "DROP TABLE IF EXISTS temp.rj_cycle; DROP TABLE IF EXISTS temp.rj_plan; DROP TABLE IF EXISTS temp.rj_pair;"
    " DROP TABLE IF EXISTS temp.rj_src; DROP TABLE IF EXISTS temp.rj_verdict; DROP TABLE IF EXISTS temp.rj_written;"
    " DROP TABLE IF EXISTS temp.rj_place; DROP TABLE IF EXISTS temp.rj_phrase; DROP TABLE IF EXISTS temp.rj_group;"
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

/* One pack loaded for a group of cycles (same pack folder and period). */
typedef struct judge_job {
  sqlite3 *db;
  pack p;
  int grp, period;
  int ctx_ref;            /* the judging context (period, memo of judgements) */
  long long groups;
  int unchanged;          /* pairs whose targets did not change */
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

/* Binds field of the table at t to parameter p: a number when one. */
static void bind_number(lua_State *L, sqlite3_stmt *st, int p, int t, const char *field) {
  if (lua_getfield(L, t, field) == LUA_TNUMBER) sqlite3_bind_double(st, p, lua_tonumber(L, -1));
  lua_pop(L, 1);
}

/* Binds field as an integer (a year) when it is a number. */
static void bind_year(lua_State *L, sqlite3_stmt *st, int p, int t, const char *field) {
  if (lua_getfield(L, t, field) == LUA_TNUMBER) sqlite3_bind_int64(st, p, (sqlite3_int64)lua_tonumber(L, -1));
  lua_pop(L, 1);
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

/* The columns of a stored row that its judgement depends on, and its key. */
#define SOURCE_COLUMNS                                                                                               \
  "r.rowid AS rid, r.cycle_id, r.indicator, q.grp, r.organization IS NULL AS total,"                                  \
  " CASE WHEN q.by_id THEN r.organization END AS organization, o.kind AS kind,"                                        \
  " CASE WHEN r.figure IS NOT NULL THEN r.yearly_value ELSE r.value END AS cur,"                                       \
  " coalesce(CASE WHEN r.figure IS NOT NULL THEN r.yearly_denominator ELSE r.denominator END = 0, 0) AS den0,"        \
  " r.base_year, r.base_value, r.base_asked, r.cumulative_since AS since, r.cumulative_value AS cum,"                                \
  " CASE WHEN substr(r.message, 1, length(?2)) = ?2 THEN r.message END AS missing, r.status AS was,"                 \
  " r.target_text AS was_text"

/* Every stored row of the group's pairs to re-judge (not the rows that do not
 * apply: no target makes them apply), keyed so that rows judged alike share one
 * judgement. quote() writes a number with all its digits: equal keys, equal figures;
 * one printf writes the key (a chain of || copied the growing text a dozen times per
 * row). The pairs drive the lookups (CROSS JOIN): a store's statistics must not
 * make the planner scan every result for the few pairs whose targets changed. */
static int collect_rows(judge_job *job, const char *missing_prefix) {
  sqlite3_stmt *st = prepare(job->db,
      "INSERT INTO rj_src SELECT rid, cycle_id, indicator, grp, printf('%d|%s|%d|%s|%s|%s|%d|%s|%s|%s|%s|%s|%s', grp,"
      " indicator, total, quote(organization), quote(kind), quote(cur), den0, quote(base_year), quote(base_value),"
      " quote(base_asked), quote(since), quote(cum), quote(missing)),"
      " total, organization, kind, cur, den0, base_year, base_value, base_asked, since, cum, missing, was, was_text"
      " FROM (SELECT " SOURCE_COLUMNS
      " FROM rj_pair q CROSS JOIN cycle_result_row r ON r.cycle_id = q.cycle_id AND r.indicator = q.indicator"
      " LEFT JOIN organization o ON o.id = r.organization"
      " WHERE q.grp = ?1 AND q.state IN ('changed', 'unrecorded') AND r.status NOT IN ('not_applicable', 'error'))",
      job->err, job->errlen);
  if (!st) return -1;
  sqlite3_bind_int(st, 1, job->grp);
  sqlite3_bind_text(st, 2, missing_prefix, -1, SQLITE_TRANSIENT);
  int rc = step_write(job->db, st, job->err, job->errlen);
  sqlite3_finalize(st);
  return rc;
}

/* Writes the row Lua judged (at index row), or what it lacks, as key's verdict. */
static int store_verdict(judge_job *job, sqlite3_stmt *ins, const char *key, int row, const char *need) {
  lua_State *L = sandbox_lua(job->p.sb);
  sqlite3_bind_text(ins, 1, key, -1, SQLITE_TRANSIENT);
  if (need) {
    sqlite3_bind_text(ins, 2, need, -1, SQLITE_TRANSIENT);
  } else {
    bind_text(L, ins, 3, row, "status");
    bind_text(L, ins, 4, row, "message");
    if (lua_getfield(L, row, "target") == LUA_TTABLE) {
      int t = lua_gettop(L);
      bind_text(L, ins, 5, t, "text");
      bind_text(L, ins, 6, t, "kind");
      bind_number(L, ins, 7, t, "value");
      bind_text(L, ins, 8, t, "reason");
      bind_text(L, ins, 9, t, "origin");
      bind_year(L, ins, 10, t, "year");
      bind_year(L, ins, 11, t, "base_year");
    }
    lua_pop(L, 1);
    bind_number(L, ins, 12, row, "base_value");
    bind_number(L, ins, 13, row, "growth");
    bind_text(L, ins, 14, row, "progress");
    bind_number(L, ins, 15, row, "path_value");
    bind_text(L, ins, 16, row, "figure");
    if (lua_getfield(L, row, "cumulative") == LUA_TTABLE) bind_year(L, ins, 17, lua_gettop(L), "since");
    lua_pop(L, 1);
    bind_year(L, ins, 18, row, "base_asked");
  }
  return step_write(job->db, ins, job->err, job->errlen);
}

/* Judges each distinct key of the group once, through dsl.rejudge. */
static int judge_keys(judge_job *job) {
  lua_State *L = sandbox_lua(job->p.sb);
  sqlite3_stmt *st, *ins;
  if (prepare_pair(job->db, "SELECT key, indicator, total, organization, kind, cur, den0, base_year,"
                            " base_value, since, cum, missing, base_asked FROM rj_src WHERE grp = ?1 GROUP BY key",
                   "INSERT INTO rj_verdict VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                   " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)", &st, &ins, job->err, job->errlen) != 0)
    return -1;
  sqlite3_bind_int(st, 1, job->grp);
  int rc = 0, step = SQLITE_DONE;
  int top = lua_gettop(L);
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    pack_push_call(&job->p, "rejudge");
    lua_rawgeti(L, LUA_REGISTRYINDEX, job->ctx_ref);
    lua_pushstring(L, (const char *)sqlite3_column_text(st, 1));
    lua_createtable(L, 0, 12);
    lua_pushboolean(L, sqlite3_column_int(st, 2));
    lua_setfield(L, -2, "total");
    set_text(L, st, 3, "organization");
    set_text(L, st, 4, "kind");
    set_number(L, st, 5, "value");
    lua_pushboolean(L, sqlite3_column_int(st, 6));
    lua_setfield(L, -2, "den_zero");
    set_number(L, st, 7, "base_year");
    set_number(L, st, 8, "base_value");
    set_number(L, st, 9, "since");
    set_number(L, st, 10, "cumulative_value");
    set_text(L, st, 11, "missing");
    set_number(L, st, 12, "base_asked");
    if (sandbox_call(job->p.sb, 4, 2, job->err, job->errlen) != LUA_OK) {
      rc = 1;
      break;
    }
    int row = lua_gettop(L) - 1;
    const char *need = NULL;
    if (lua_type(L, row) != LUA_TTABLE) need = lua_type(L, row + 1) == LUA_TSTRING ? lua_tostring(L, row + 1) : "?";
    rc = store_verdict(job, ins, (const char *)sqlite3_column_text(st, 0), row, need);
    lua_settop(L, top);
    job->groups++;
  }
  return finish_pair(job->db, st, step, ins, rc, job->err, job->errlen);
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
  if (job->rc == 0) job->rc = judge_keys(job);
  return 0;
}

/* Loads the pack of group grp and judges the group's stored rows. */
static int judge_group(sqlite3 *db, int grp, const char *pack_dir, int period, const rejudge_options *opt,
                       long long *groups, int *unchanged, char *err, size_t errlen) {
  sandbox *sb = sandbox_new(sandbox_default_limits());
  if (!sb) {
    snprintf(err, errlen, _("out of memory creating the rule sandbox"));
    return -1;
  }
  judge_job job = {.db = db, .grp = grp, .period = period, .ctx_ref = LUA_NOREF, .err = err, .errlen = errlen};
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
  if (job.ctx_ref != LUA_NOREF) luaL_unref(sandbox_lua(sb), LUA_REGISTRYINDEX, job.ctx_ref);
  pack_release(&job.p);
  sandbox_free(sb);
  return rc;
}

/* Judges every group of rj_cycle, one pack at a time. */
static int judge_groups(sqlite3 *db, const rejudge_options *opt, rejudge_summary *sum, char *err, size_t errlen) {
  sqlite3_stmt *st = prepare(db, "SELECT grp, min(pack_dir), min(period) FROM rj_cycle GROUP BY grp ORDER BY grp",
                             err, errlen);
  if (!st) return -1;
  int rc = 0;
  while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", (const char *)sqlite3_column_text(st, 1));
    rc = judge_group(db, sqlite3_column_int(st, 0), dir, sqlite3_column_int(st, 2), opt, &sum->groups, &sum->unchanged,
                     err, errlen);
  }
  sqlite3_finalize(st);
  return rc;
}

/* After the judging: pairs whose rows lack a figure the new target needs are
 * not re-judged (looked for row by row only when some verdict lacks one: the
 * constant EXISTS is evaluated once); the others get their counts, phrases and
 * transitions. */
static int settle_pairs(sqlite3 *db, char *err, size_t errlen) {
  static const char *const steps[] = {
    "CREATE INDEX temp.rj_src_by_pair ON rj_src (cycle_id, indicator)",
    "UPDATE rj_pair SET state = 'lacks', need = (SELECT min(v.need) FROM rj_src s JOIN rj_verdict v ON v.key = s.key"
    " WHERE s.cycle_id = rj_pair.cycle_id AND s.indicator = rj_pair.indicator AND v.need IS NOT NULL)"
    " WHERE EXISTS (SELECT 1 FROM rj_verdict WHERE need IS NOT NULL) AND state IN ('changed', 'unrecorded')"
    " AND EXISTS (SELECT 1 FROM rj_src s JOIN rj_verdict v ON v.key = s.key"
    " WHERE s.cycle_id = rj_pair.cycle_id AND s.indicator = rj_pair.indicator AND v.need IS NOT NULL)",
    "DELETE FROM rj_src WHERE EXISTS (SELECT 1 FROM rj_pair WHERE state = 'lacks')"
    " AND EXISTS (SELECT 1 FROM rj_pair q WHERE q.cycle_id = rj_src.cycle_id"
    " AND q.indicator = rj_src.indicator AND q.state = 'lacks')",
    "UPDATE rj_pair SET rows = x.n, changed = x.changed FROM (SELECT s.cycle_id, s.indicator, count(*) AS n,"
    " sum(s.was IS NOT v.status) AS changed FROM rj_src s JOIN rj_verdict v ON v.key = s.key GROUP BY 1, 2) AS x"
    " WHERE x.cycle_id = rj_pair.cycle_id AND x.indicator = rj_pair.indicator",
    "UPDATE rj_pair SET rows = 0, changed = 0 WHERE rows IS NULL AND state IN ('changed', 'unrecorded')",
    /* the phrases before and after and the status transitions of each pair, in
     * grouped passes over the pairs' rows (not a lookup per pair) */
    "CREATE TEMP TABLE rj_phrase AS SELECT DISTINCT s.cycle_id, s.indicator, s.was_text AS before, v.target_text AS after"
    " FROM rj_src s JOIN rj_verdict v ON v.key = s.key",
    "UPDATE rj_pair SET previous_text = x.t FROM (SELECT cycle_id, indicator, group_concat(before, ' | ') AS t FROM"
    " (SELECT DISTINCT cycle_id, indicator, before FROM rj_phrase WHERE before IS NOT NULL ORDER BY 1, 2, 3)"
    " GROUP BY 1, 2) AS x WHERE x.cycle_id = rj_pair.cycle_id AND x.indicator = rj_pair.indicator",
    "UPDATE rj_pair SET target_text = x.t FROM (SELECT cycle_id, indicator, group_concat(after, ' | ') AS t FROM"
    " (SELECT DISTINCT cycle_id, indicator, after FROM rj_phrase WHERE after IS NOT NULL ORDER BY 1, 2, 3)"
    " GROUP BY 1, 2) AS x WHERE x.cycle_id = rj_pair.cycle_id AND x.indicator = rj_pair.indicator",
    "UPDATE rj_pair SET transitions = x.t FROM (SELECT cycle_id, indicator, group_concat(a || ' -> ' || b || ': ' || n, '; ')"
    " AS t FROM (SELECT s.cycle_id, s.indicator, s.was AS a, v.status AS b, count(*) AS n FROM rj_src s"
    " JOIN rj_verdict v ON v.key = s.key WHERE s.was <> v.status"
    " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4) GROUP BY 1, 2) AS x"
    " WHERE x.cycle_id = rj_pair.cycle_id AND x.indicator = rj_pair.indicator",
  };
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
    if (run_int(db, steps[i], 0, err, errlen) != 0) return -1;
  return 0;
}

/* The columns a re-judgement may change in a result row. */
static const char *const judged_columns[] = {
  "status", "message", "target_text", "target_kind", "target_value", "target_reason", "target_origin",
  "target_year", "base_year", "base_value", "growth", "progress", "path_value", "figure", "value", "numerator",
  "denominator", "yearly_value", "yearly_numerator", "yearly_denominator", "cumulative_value",
  "cumulative_numerator", "cumulative_denominator", "cumulative_since", "base_asked",
};
#define JUDGED_COLUMNS (sizeof judged_columns / sizeof *judged_columns)

/* Each re-judged row as it becomes: the judged fields from the verdict, the
 * figures from the row's own columns (the year's figure, or the cumulative
 * one where the new target judges that), in the order of judged_columns. */
#define NEW_ROW                                                                                                      \
  "v.status, v.message, v.target_text, v.target_kind, v.target_value, v.target_reason, v.target_origin,"               \
  " v.target_year, v.base_year, v.base_value, v.growth, v.progress, v.path_value, v.figure,"                          \
  " CASE WHEN v.figure = 'cumulative' THEN r.cumulative_value WHEN r.figure IS NOT NULL THEN r.yearly_value"          \
  " ELSE r.value END,"                                                                                                \
  " CASE WHEN v.figure = 'cumulative' THEN r.cumulative_numerator WHEN r.figure IS NOT NULL"                          \
  " THEN r.yearly_numerator ELSE r.numerator END,"                                                                    \
  " CASE WHEN v.figure = 'cumulative' THEN r.cumulative_denominator WHEN r.figure IS NOT NULL"                        \
  " THEN r.yearly_denominator ELSE r.denominator END,"                                                                \
  " CASE WHEN v.since IS NULL THEN NULL WHEN r.figure IS NOT NULL THEN r.yearly_value ELSE r.value END,"              \
  " CASE WHEN v.since IS NULL THEN NULL WHEN r.figure IS NOT NULL THEN r.yearly_numerator ELSE r.numerator END,"      \
  " CASE WHEN v.since IS NULL THEN NULL WHEN r.figure IS NOT NULL THEN r.yearly_denominator"                          \
  " ELSE r.denominator END,"                                                                                          \
  " CASE WHEN v.since IS NULL THEN NULL ELSE r.cumulative_value END,"                                                 \
  " CASE WHEN v.since IS NULL THEN NULL ELSE r.cumulative_numerator END,"                                             \
  " CASE WHEN v.since IS NULL THEN NULL ELSE r.cumulative_denominator END,"                                           \
  " v.since, v.base_asked"

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

/* Notes each row the UPDATE wrote (its RETURNING rows) in rj_written. */
static int note_written(sqlite3 *db, sqlite3_stmt *update, char *err, size_t errlen) {
  sqlite3_stmt *ins = prepare(db, "INSERT INTO rj_written VALUES (?1, ?2, ?3, ?4, ?5)", err, errlen);
  if (!ins) return -1;
  int rc = 0, step;
  while (rc == 0 && (step = sqlite3_step(update)) == SQLITE_ROW) {
    for (int c = 0; c < 5; c++) sqlite3_bind_value(ins, c + 1, sqlite3_column_value(update, c));
    if (sqlite3_step(ins) != SQLITE_DONE) rc = -1;
    sqlite3_reset(ins);
  }
  if (rc == 0 && step != SQLITE_DONE) rc = -1;
  if (rc) snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
  sqlite3_finalize(ins);
  return rc;
}

/* The re-judged rows into cycle_result_row, set-based, and only those that
 * change: a target table whose phrase changed for one kind of organization
 * or for the municipality's total re-judges every row of its indicator and
 * writes only those. The pages written are the cost (a row is about 600
 * bytes since its indicator's texts are kept apart, schema 14; 1.5 KB
 * before): one UPDATE ... FROM joins each re-judged row to its verdict
 * once, by rowid in rowid order (a cycle's rows share pages), and writes
 * it only when its verdict changes it (an earlier version copied the new
 * rows into a work table and read every row twice more; the next looked
 * its new row up twice per row, in the SET and in the WHERE). OR FAIL: an ABORT would need a statement journal,
 * a copy of every page the statement changes, for a statement whose failure
 * rolls the whole re-judgement back anyway. RETURNING names the rows
 * written with their breakdown as a value, tested outside it: inside it,
 * SQLite 3.40 answers "breakdown IS NULL" (and "organization IS NULL")
 * false for every row, a column the partial index cycle_result_totals
 * tests the same way. Then
 * the problem zones, derived again only at the places where one can
 * change: a row written that was or becomes "not met" (a zone's text names
 * the value and the target) or whose status changed (a carried zone is
 * resolved or reopened); elsewhere no zone exists and a carried one stays
 * as it is. Last, the record of each re-judgement. */
static int apply_verdicts(sqlite3 *db, char *err, size_t errlen) {
  char names[1024] = "", olds[1024] = "", sql[8192];
  each_column(names, sizeof names, "", NULL, ", ");
  each_column(olds, sizeof olds, "r.", NULL, ", ");
  if (run_int(db, "CREATE TEMP TABLE rj_written (rid INTEGER PRIMARY KEY, cycle_id, indicator, organization,"
                  " breakdown)", 0, err, errlen) != 0)
    return -1;
  snprintf(sql, sizeof sql,
           "UPDATE OR FAIL cycle_result_row AS r SET (%s) = (" NEW_ROW ") FROM rj_src s JOIN rj_verdict v ON v.key = s.key"
           " WHERE r.rowid = s.rid AND (%s) IS NOT (" NEW_ROW ")"
           " RETURNING rowid, cycle_id, indicator, organization, breakdown", names, olds);
  sqlite3_stmt *update = prepare(db, sql, err, errlen);
  if (!update) return -1;
  int rc = note_written(db, update, err, errlen);
  sqlite3_finalize(update);
  if (rc != 0) return -1;
  if (run_int(db, "CREATE TEMP TABLE rj_place AS SELECT DISTINCT w.cycle_id, w.indicator, w.organization"
                  " FROM rj_written w JOIN rj_src s ON s.rid = w.rid JOIN rj_verdict v ON v.key = s.key"
                  " WHERE w.breakdown IS NULL AND (s.was IS NOT v.status OR s.was = 'not_met' OR v.status = 'not_met')",
              0, err, errlen) != 0)
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
  if (rc == 0) rc = judge_groups(db, opt, sum, err, errlen);
  if (rc == 0) rc = settle_pairs(db, err, errlen);
  if (rc == 0 && !opt->dry_run) rc = apply_verdicts(db, err, errlen);
  if (rc == 0) rc = report(db, opt, sum, out, err, errlen);
  if (rc == 0 && !opt->dry_run) rc = store_exec(db, "COMMIT", err, errlen);
  if (rc != 0 || opt->dry_run) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec(db, drop_work_tables, NULL, NULL, NULL);
  return rc;
}
