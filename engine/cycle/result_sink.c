/* result_sink.c: an evaluation's results on their way out, in a private temporary database.
 * The promises are in result_sink.h. */
#include "result_sink.h"

#include <lauxlib.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* The sink's tables. A row's pending_kind is set while the row may still
 * turn out not to apply; the partial indexes find those rows only. */
static const char schema[] =
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384; PRAGMA temp_store = FILE;"
    /* each municipality of a region-wide run has its own pack layer: its
     * descriptions are its own (unit '' in a run of one unit) */
    "CREATE TABLE indicator (seq INTEGER NOT NULL, id TEXT NOT NULL, criterion TEXT, title TEXT, unit TEXT,"
    " criterion_title TEXT, source TEXT, level TEXT, reading TEXT, deadline TEXT, of_unit TEXT NOT NULL,"
    " PRIMARY KEY (of_unit, seq)) WITHOUT ROWID;"
    "CREATE TABLE result (ind INTEGER NOT NULL, unit TEXT, part INTEGER NOT NULL, ord INTEGER NOT NULL,"
    " organization TEXT, organization_name TEXT, organization_kind TEXT, breakdown TEXT, grp TEXT,"
    " value REAL, numerator REAL, denominator REAL, target_text TEXT, target_kind TEXT, target_value REAL,"
    " target_reason TEXT, target_origin TEXT, target_year INTEGER, base_year INTEGER, status TEXT NOT NULL,"
    " message TEXT, progress TEXT, path_value REAL, base_value REAL, growth REAL, figure TEXT,"
    " yearly_value REAL, yearly_numerator REAL, yearly_denominator REAL, has_yearly INTEGER,"
    " cumulative_value REAL, cumulative_numerator REAL, cumulative_denominator REAL, has_cumulative INTEGER,"
    " cumulative_since INTEGER, pending_kind TEXT, base_asked INTEGER);"
    "CREATE INDEX result_pending ON result (ind, unit, pending_kind) WHERE pending_kind IS NOT NULL;"
    "CREATE TABLE patch (ind INTEGER NOT NULL, unit TEXT, kind TEXT NOT NULL, message TEXT NOT NULL);"
    "CREATE TABLE failure (ind INTEGER NOT NULL, unit TEXT, message TEXT NOT NULL);"
    "CREATE TABLE recommendation (rule INTEGER NOT NULL, ind INTEGER NOT NULL, unit TEXT, part INTEGER, ord INTEGER,"
    " organization TEXT, addressee TEXT, priority INTEGER, text TEXT, pending_kind TEXT);"
    "CREATE INDEX recommendation_pending ON recommendation (ind, unit, pending_kind) WHERE pending_kind IS NOT NULL;"
    "CREATE TABLE rating (seq INTEGER PRIMARY KEY, id TEXT, title TEXT, method TEXT, zero INTEGER);"
    "CREATE TABLE rating_part (rating INTEGER NOT NULL, ind INTEGER NOT NULL, unit TEXT, organization TEXT,"
    " organization_name TEXT, achievement REAL, weight REAL, pending_kind TEXT);"
    "CREATE INDEX rating_part_pending ON rating_part (ind, unit, pending_kind) WHERE pending_kind IS NOT NULL;"
    "CREATE TABLE rating_row (rating INTEGER NOT NULL, unit TEXT, organization TEXT, organization_name TEXT,"
    " score REAL, covered INTEGER, weighted INTEGER);"
    /* what each indicator's statuses were judged against (fingerprints) */
    "CREATE TABLE judgement (ind INTEGER NOT NULL, unit TEXT, targets TEXT NOT NULL, formula TEXT NOT NULL);";

/* The statements the Lua object runs once per call, prepared once. */
enum {
  ST_ROW, ST_PATCH, ST_FAIL, ST_RECOMMENDATION, ST_RATING, ST_RATING_PART, ST_DESCRIBE, ST_JUDGEMENT, ST_COUNT
};

static const char *const statement_sql[ST_COUNT] = {
    "INSERT INTO result VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,"
    "?24,?25,?26,?27,?28,?29,?30,?31,?32,?33,?34,?35,?36,?37)",
    "INSERT INTO patch VALUES (?1, ?2, ?3, ?4)",
    "INSERT INTO failure VALUES (?1, ?2, ?3)",
    "INSERT INTO recommendation VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "INSERT OR REPLACE INTO rating VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO rating_part VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    /* once per indicator and municipality of a region-wide run: prepared once */
    "INSERT OR REPLACE INTO indicator VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO judgement VALUES (?1, ?2, ?3, ?4)",
};

struct result_sink {
  sqlite3 *db;
  sqlite3_stmt *st[ST_COUNT];
  int finished;
  int indexed; /* the indexes for reading in order are made (index_by_unit) */
  char *unit; /* the unit every row is tagged with from now on, or NULL: as the evaluation says */
};

#define SINK_HANDLE "pdmon.result_sink"

int result_sink_open(result_sink **out, char *err, size_t errlen) {
  *out = NULL;
  result_sink *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, _("out of memory"));
    return -1;
  }
  /* "" is a private database in a temporary file, removed when closed */
  int rc = sqlite3_open_v2("", &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_exec(s->db, schema, NULL, NULL, NULL);
  for (int i = 0; rc == SQLITE_OK && i < ST_COUNT; i++) rc = sqlite3_prepare_v2(s->db, statement_sql[i], -1, &s->st[i], NULL);
  if (rc == SQLITE_OK) rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, _("cannot create the evaluation's store of results: %s"),
             s->db ? sqlite3_errmsg(s->db) : "out of memory");
    result_sink_close(s);
    return -1;
  }
  *out = s;
  return 0;
}

int result_sink_set_unit(result_sink *s, const char *unit) {
  char *copy = unit ? strdup(unit) : NULL;
  if (unit && !copy) return -1;
  free(s->unit);
  s->unit = copy;
  return 0;
}

void result_sink_close(result_sink *s) {
  if (!s) return;
  free(s->unit);
  for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s->st[i]);
  sqlite3_close(s->db);
  free(s);
}

/* Runs sql (no result rows); returns 0 or -1 with err. */
static int exec(result_sink *s, const char *sql, char *err, size_t errlen) {
  char *message = NULL;
  if (sqlite3_exec(s->db, sql, NULL, NULL, &message) == SQLITE_OK) return 0;
  snprintf(err, errlen, "results: %s", message ? message : sqlite3_errmsg(s->db));
  sqlite3_free(message);
  return -1;
}

/* Steps an insert once and resets it; 0 or -1. Its bindings are cleared
 * when it is next used (statement_of), not here: a Lua method that raises
 * half-way through binding never reaches this, and its bindings must not
 * reach the next row. */
static int step_once(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Statement which of the sink, with no parameter bound. */
static sqlite3_stmt *statement_of(result_sink *s, int which) {
  sqlite3_clear_bindings(s->st[which]);
  return s->st[which];
}

int result_sink_describe(result_sink *s, int seq, const indicator_desc *d, char *err, size_t errlen) {
  sqlite3_stmt *st = statement_of(s, ST_DESCRIBE);
  const char *texts[] = {d->id, d->criterion, d->title, d->unit, d->criterion_title, d->source, d->level, d->reading,
                         d->deadline};
  sqlite3_bind_int(st, 1, seq);
  for (int i = 0; i < 9; i++) sqlite3_bind_text(st, i + 2, texts[i], -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 11, s->unit ? s->unit : "", -1, SQLITE_TRANSIENT);
  if (step_once(st) != 0) {
    snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
    return -1;
  }
  return 0;
}

/* ---- the Lua object ---- */

static result_sink *check_sink(lua_State *L) {
  result_sink **box = luaL_checkudata(L, 1, SINK_HANDLE);
  if (!*box) luaL_error(L, _("the results' sink is closed"));
  return *box;
}

/* Raises the sink's SQLite error. */
static int sink_error(lua_State *L, result_sink *s) {
  return luaL_error(L, "results: %s", sqlite3_errmsg(s->db));
}

/* Binds the string or nil at index idx of the stack to parameter p (a
 * number is refused: the sink's texts are texts). The texts of the Lua
 * methods are bound without a copy (SQLITE_STATIC): each is an argument of
 * the call or a field of a table argument, alive until the method returns,
 * and every method steps its statement and clears its bindings before. */
static void bind_text_arg(lua_State *L, sqlite3_stmt *st, int p, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *text = lua_tolstring(L, idx, &len);
    sqlite3_bind_text(st, p, text, (int)len, SQLITE_STATIC);
  } else if (!lua_isnoneornil(L, idx)) {
    luaL_error(L, "results: argument %d is a %s, not a text", idx - 1, luaL_typename(L, idx));
  }
}

/* Binds the unit argument at idx to parameter p, or the sink's own unit
 * when the core set one (a region-wide run tags each municipality's rows). */
static void bind_unit_arg(lua_State *L, result_sink *s, sqlite3_stmt *st, int p, int idx) {
  if (s->unit) sqlite3_bind_text(st, p, s->unit, -1, SQLITE_TRANSIENT);
  else bind_text_arg(L, st, p, idx);
}

/* Binds field of the table at index t: text when it is a string (not
 * copied: the table holds it, see bind_text_arg). */
static void bind_text_field(lua_State *L, sqlite3_stmt *st, int p, int t, const char *field) {
  if (lua_getfield(L, t, field) == LUA_TSTRING) {
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    sqlite3_bind_text(st, p, text, (int)len, SQLITE_STATIC);
  }
  lua_pop(L, 1);
}

/* Binds field of the table at index t: a number when it is one. */
static int bind_number_field(lua_State *L, sqlite3_stmt *st, int p, int t, const char *field) {
  int present = lua_getfield(L, t, field) == LUA_TNUMBER;
  if (present) sqlite3_bind_double(st, p, lua_tonumber(L, -1));
  lua_pop(L, 1);
  return present;
}

/* Binds field as an integer (a year) when it is a number. */
static void bind_integer_field(lua_State *L, sqlite3_stmt *st, int p, int t, const char *field) {
  if (lua_getfield(L, t, field) == LUA_TNUMBER) sqlite3_bind_int64(st, p, (sqlite3_int64)lua_tonumber(L, -1));
  lua_pop(L, 1);
}

/* Binds the figure (value, numerator, denominator) of the table field of
 * the row at index t from parameter p on, and its presence at flag. */
static void bind_figure_field(lua_State *L, sqlite3_stmt *st, int p, int flag, int t, const char *field, int since) {
  if (lua_getfield(L, t, field) == LUA_TTABLE) {
    int f = lua_gettop(L);
    bind_number_field(L, st, p, f, "value");
    bind_number_field(L, st, p + 1, f, "numerator");
    bind_number_field(L, st, p + 2, f, "denominator");
    sqlite3_bind_int(st, flag, 1);
    if (since) bind_integer_field(L, st, since, f, "since");
  }
  lua_pop(L, 1);
}

/* sink:row(seq, unit, part, ord, row, pending_kind) */
static int sink_row(lua_State *L) {
  result_sink *s = check_sink(L);
  sqlite3_stmt *st = statement_of(s, ST_ROW);
  luaL_checktype(L, 6, LUA_TTABLE);
  sqlite3_bind_int64(st, 1, luaL_checkinteger(L, 2));
  bind_unit_arg(L, s, st, 2, 3);
  sqlite3_bind_int64(st, 3, luaL_checkinteger(L, 4));
  sqlite3_bind_int64(st, 4, luaL_checkinteger(L, 5));
  const int row = 6;
  bind_text_field(L, st, 5, row, "organization");
  bind_text_field(L, st, 6, row, "organization_name");
  bind_text_field(L, st, 7, row, "organization_kind");
  bind_text_field(L, st, 8, row, "breakdown");
  bind_text_field(L, st, 9, row, "group");
  bind_number_field(L, st, 10, row, "value");
  bind_number_field(L, st, 11, row, "numerator");
  bind_number_field(L, st, 12, row, "denominator");
  if (lua_getfield(L, row, "target") == LUA_TTABLE) {
    int t = lua_gettop(L);
    bind_text_field(L, st, 13, t, "text");
    bind_text_field(L, st, 14, t, "kind");
    bind_number_field(L, st, 15, t, "value");
    bind_text_field(L, st, 16, t, "reason");
    bind_text_field(L, st, 17, t, "origin");
    bind_integer_field(L, st, 18, t, "year");
    bind_integer_field(L, st, 19, t, "base_year");
  }
  lua_pop(L, 1);
  result_status status = STATUS_ERROR;
  if (lua_getfield(L, row, "status") == LUA_TSTRING) result_status_parse(lua_tostring(L, -1), &status);
  lua_pop(L, 1);
  sqlite3_bind_text(st, 20, result_status_name(status), -1, SQLITE_STATIC);
  bind_text_field(L, st, 21, row, "message");
  bind_text_field(L, st, 22, row, "progress");
  bind_number_field(L, st, 23, row, "path_value");
  bind_number_field(L, st, 24, row, "base_value");
  bind_number_field(L, st, 25, row, "growth");
  bind_text_field(L, st, 26, row, "figure");
  bind_figure_field(L, st, 27, 30, row, "yearly", 0);
  bind_figure_field(L, st, 31, 34, row, "cumulative", 35);
  bind_text_arg(L, st, 36, 7);
  bind_integer_field(L, st, 37, row, "base_asked");
  if (step_once(st) != 0) return sink_error(L, s);
  return 0;
}

/* Runs statement `which` once with (seq, unit, text, text) from a sink
 * method's arguments 2..5: the calls that say one thing of an indicator. */
static int step_seq_unit_texts(lua_State *L, result_sink *s, int which) {
  sqlite3_stmt *st = statement_of(s, which);
  sqlite3_bind_int64(st, 1, luaL_checkinteger(L, 2));
  bind_unit_arg(L, s, st, 2, 3);
  luaL_checkstring(L, 4);
  luaL_checkstring(L, 5);
  bind_text_arg(L, st, 3, 4);
  bind_text_arg(L, st, 4, 5);
  if (step_once(st) != 0) return sink_error(L, s);
  return 0;
}

/* sink:not_applicable(seq, unit, kind, message) */
static int sink_not_applicable(lua_State *L) {
  return step_seq_unit_texts(L, check_sink(L), ST_PATCH);
}

/* sink:fail(seq, unit, message) */
static int sink_fail(lua_State *L) {
  result_sink *s = check_sink(L);
  sqlite3_stmt *st = statement_of(s, ST_FAIL);
  sqlite3_bind_int64(st, 1, luaL_checkinteger(L, 2));
  bind_unit_arg(L, s, st, 2, 3);
  luaL_checkstring(L, 4);
  bind_text_arg(L, st, 3, 4);
  if (step_once(st) != 0) return sink_error(L, s);
  return 0;
}

/* sink:recommendation(rule, seq, unit, part, ord, organization, addressee, priority, text, pending_kind) */
static int sink_recommendation(lua_State *L) {
  result_sink *s = check_sink(L);
  sqlite3_stmt *st = statement_of(s, ST_RECOMMENDATION);
  sqlite3_bind_int64(st, 1, luaL_checkinteger(L, 2));
  sqlite3_bind_int64(st, 2, luaL_checkinteger(L, 3));
  bind_unit_arg(L, s, st, 3, 4);
  sqlite3_bind_int64(st, 4, luaL_checkinteger(L, 5));
  sqlite3_bind_int64(st, 5, luaL_checkinteger(L, 6));
  bind_text_arg(L, st, 6, 7);
  bind_text_arg(L, st, 7, 8);
  sqlite3_bind_int64(st, 8, luaL_checkinteger(L, 9));
  luaL_checkstring(L, 10);
  bind_text_arg(L, st, 9, 10);
  bind_text_arg(L, st, 10, 11);
  if (step_once(st) != 0) return sink_error(L, s);
  return 0;
}

/* sink:rating(rating, id, title, method, missing_zero) */
static int sink_rating(lua_State *L) {
  result_sink *s = check_sink(L);
  sqlite3_stmt *st = statement_of(s, ST_RATING);
  sqlite3_bind_int64(st, 1, luaL_checkinteger(L, 2));
  bind_text_arg(L, st, 2, 3);
  bind_text_arg(L, st, 3, 4);
  bind_text_arg(L, st, 4, 5);
  sqlite3_bind_int(st, 5, lua_toboolean(L, 6));
  if (step_once(st) != 0) return sink_error(L, s);
  return 0;
}

/* sink:rating_part(rating, seq, unit, organization, organization_name, achievement, weight, pending_kind) */
static int sink_rating_part(lua_State *L) {
  result_sink *s = check_sink(L);
  sqlite3_stmt *st = statement_of(s, ST_RATING_PART);
  sqlite3_bind_int64(st, 1, luaL_checkinteger(L, 2));
  sqlite3_bind_int64(st, 2, luaL_checkinteger(L, 3));
  bind_unit_arg(L, s, st, 3, 4);
  bind_text_arg(L, st, 4, 5);
  bind_text_arg(L, st, 5, 6);
  if (lua_type(L, 7) == LUA_TNUMBER) sqlite3_bind_double(st, 6, lua_tonumber(L, 7));
  sqlite3_bind_double(st, 7, luaL_checknumber(L, 8));
  bind_text_arg(L, st, 8, 9);
  if (step_once(st) != 0) return sink_error(L, s);
  return 0;
}

/* sink:judgement(seq, unit, targets, formula) */
static int sink_judgement(lua_State *L) {
  return step_seq_unit_texts(L, check_sink(L), ST_JUDGEMENT);
}

void result_sink_push(lua_State *L, result_sink *s) {
  static const luaL_Reg methods[] = {{"row", sink_row}, {"not_applicable", sink_not_applicable}, {"fail", sink_fail},
                                     {"recommendation", sink_recommendation}, {"rating", sink_rating},
                                     {"rating_part", sink_rating_part}, {"judgement", sink_judgement},
                                     {NULL, NULL}};
  result_sink **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = s;
  if (luaL_newmetatable(L, SINK_HANDLE)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
}

/* ---- finishing ---- */

int result_sink_fail_all(result_sink *s, const char *message, char *err, size_t errlen) {
  /* only the current unit's rows in a region-wide run: the others stand */
  char *sql = sqlite3_mprintf(
      "DELETE FROM result WHERE unit IS %Q; DELETE FROM patch WHERE unit IS %Q; DELETE FROM failure WHERE unit IS %Q;"
      " DELETE FROM recommendation WHERE unit IS %Q; DELETE FROM rating_part WHERE unit IS %Q;"
      " DELETE FROM rating_row WHERE unit IS %Q",
      s->unit, s->unit, s->unit, s->unit, s->unit, s->unit);
  int failed = !sql || exec(s, sql, err, errlen) != 0;
  sqlite3_free(sql);
  if (failed) return -1;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "INSERT INTO failure SELECT seq, ?2, ?1 FROM indicator WHERE of_unit = coalesce(?2, '')",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
    return -1;
  }
  sqlite3_bind_text(st, 1, message, -1, SQLITE_TRANSIENT);
  if (s->unit) sqlite3_bind_text(st, 2, s->unit, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
    return -1;
  }
  return 0;
}

/* Half away from zero to two decimals, as the stdlib's round2. */
static double round2(double x) {
  if (x >= 0) return floor(x * 100 + 0.5 + 1e-9) / 100;
  return -floor(-x * 100 + 0.5 + 1e-9) / 100;
}

/* Every organization's composite score: the weighted mean of the
 * achievements of its rows (an indicator without a value left out, or
 * counted as 0 when the rating says missing = "zero"). */
static int compute_ratings(result_sink *s, char *err, size_t errlen) {
  sqlite3_stmt *sel, *ins;
  if (sqlite3_prepare_v2(s->db, "SELECT p.rating, p.unit, p.organization, max(p.organization_name),"
                                " total(CASE WHEN p.achievement IS NOT NULL OR r.zero THEN coalesce(p.achievement, 0) * p.weight END),"
                                " total(CASE WHEN p.achievement IS NOT NULL OR r.zero THEN p.weight END),"
                                " count(p.achievement), count(*) FROM rating_part p JOIN rating r ON r.seq = p.rating"
                                " GROUP BY p.rating, p.unit, p.organization", -1, &sel, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
    return -1;
  }
  if (sqlite3_prepare_v2(s->db, "INSERT INTO rating_row VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &ins, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
    sqlite3_finalize(sel);
    return -1;
  }
  int rc = 0;
  while (rc == 0 && sqlite3_step(sel) == SQLITE_ROW) {
    double sum = sqlite3_column_double(sel, 4), weight = sqlite3_column_double(sel, 5);
    if (weight <= 0) continue;
    for (int i = 0; i < 4; i++) sqlite3_bind_value(ins, i + 1, sqlite3_column_value(sel, i));
    sqlite3_bind_double(ins, 5, round2(sum / weight));
    sqlite3_bind_int64(ins, 6, sqlite3_column_int64(sel, 6));
    sqlite3_bind_int64(ins, 7, sqlite3_column_int64(sel, 7));
    rc = step_once(ins);
  }
  if (rc != 0) snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
  sqlite3_finalize(sel);
  sqlite3_finalize(ins);
  return rc;
}

int result_sink_finish(result_sink *s, char *err, size_t errlen) {
  if (s->finished) return 0;
  s->finished = 1;
  /* pending rows of an empty kind: not applicable, with no advice */
  static const char patches[] =
      "UPDATE result SET status = 'not_applicable', message = p.message, value = NULL, target_text = NULL,"
      " target_kind = NULL, target_value = NULL, target_reason = NULL, target_origin = NULL, target_year = NULL,"
      " base_year = NULL, progress = NULL, path_value = NULL, base_value = NULL, growth = NULL, figure = NULL,"
      " yearly_value = NULL, yearly_numerator = NULL, yearly_denominator = NULL, has_yearly = NULL,"
      " cumulative_value = NULL, cumulative_numerator = NULL, cumulative_denominator = NULL, has_cumulative = NULL,"
      " cumulative_since = NULL, base_asked = NULL FROM patch p"
      " WHERE result.pending_kind IS NOT NULL AND result.ind = p.ind AND result.unit IS p.unit AND result.pending_kind = p.kind;"
      "DELETE FROM recommendation WHERE pending_kind IS NOT NULL AND EXISTS (SELECT 1 FROM patch p"
      " WHERE p.ind = recommendation.ind AND p.unit IS recommendation.unit AND p.kind = recommendation.pending_kind);"
      "DELETE FROM rating_part WHERE pending_kind IS NOT NULL AND EXISTS (SELECT 1 FROM patch p"
      " WHERE p.ind = rating_part.ind AND p.unit IS rating_part.unit AND p.kind = rating_part.pending_kind);"
      /* a failed indicator's only result is its error */
      "DELETE FROM result WHERE EXISTS (SELECT 1 FROM failure f WHERE f.ind = result.ind AND (f.unit IS NULL OR f.unit IS result.unit));"
      "DELETE FROM recommendation WHERE EXISTS (SELECT 1 FROM failure f WHERE f.ind = recommendation.ind"
      " AND (f.unit IS NULL OR f.unit IS recommendation.unit));"
      "DELETE FROM rating_part WHERE EXISTS (SELECT 1 FROM failure f WHERE f.ind = rating_part.ind"
      " AND (f.unit IS NULL OR f.unit IS rating_part.unit));"
      "INSERT INTO result (ind, unit, part, ord, status, message)"
      " SELECT ind, unit, 0, 0, 'error', min(message) FROM failure GROUP BY ind, unit;";
  if (exec(s, patches, err, errlen) != 0 || compute_ratings(s, err, errlen) != 0) return -1;
  return exec(s, "COMMIT", err, errlen);
}

/* ---- reading ---- */

#define ROW_COLUMNS                                                                                              \
  "r.unit, i.id, i.criterion, i.title, i.unit, i.criterion_title, i.source, i.level, i.reading, i.deadline,"    \
  " r.organization, r.organization_name, r.breakdown, r.grp, r.value, r.numerator, r.denominator,"              \
  " r.target_text, r.target_kind, r.target_value, r.target_reason, r.target_origin, r.target_year, r.base_year," \
  " r.status, r.message, r.progress, r.path_value, r.base_value, r.growth, r.figure,"                           \
  " r.yearly_value, r.yearly_numerator, r.yearly_denominator, r.has_yearly,"                                     \
  " r.cumulative_value, r.cumulative_numerator, r.cumulative_denominator, r.has_cumulative, r.cumulative_since,"          \
  " r.base_asked"

#define ROW_FROM " FROM result r JOIN indicator i ON i.of_unit = coalesce(r.unit, '') AND i.seq = r.ind"
#define ROW_ORDER " ORDER BY r.unit, r.ind, r.part, r.ord"

/* Text column i of st, or NULL; the pointer is SQLite's (borrowed). */
static char *text_at(sqlite3_stmt *st, int i) { return (char *)sqlite3_column_text(st, i); }

/* Reads a number column: its presence, and its value into *v. */
static int number_at(sqlite3_stmt *st, int i, double *v) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return 0;
  *v = sqlite3_column_double(st, i);
  return 1;
}

/* A figure of three columns from i on (NAN where absent). */
static void figure_at(sqlite3_stmt *st, int i, double f[3]) {
  for (int k = 0; k < 3; k++)
    if (!number_at(st, i + k, &f[k])) f[k] = NAN;
}

/* Fills r from the current row of a ROW_COLUMNS statement (borrowing). */
static void row_at(sqlite3_stmt *st, result_row *r) {
  memset(r, 0, sizeof *r);
  r->municipality = text_at(st, 0);
  r->indicator = text_at(st, 1);
  r->criterion = text_at(st, 2);
  r->title = text_at(st, 3);
  r->unit = text_at(st, 4);
  r->criterion_title = text_at(st, 5);
  r->source = text_at(st, 6);
  r->level = text_at(st, 7);
  r->reading = text_at(st, 8);
  r->deadline = text_at(st, 9);
  r->organization = text_at(st, 10);
  r->organization_name = text_at(st, 11);
  r->breakdown = text_at(st, 12);
  r->group = text_at(st, 13);
  r->has_value = number_at(st, 14, &r->value);
  r->has_counts = number_at(st, 15, &r->numerator);
  r->has_denominator = number_at(st, 16, &r->denominator);
  r->target_text = text_at(st, 17);
  r->target_kind = text_at(st, 18);
  r->has_target_value = number_at(st, 19, &r->target_value);
  r->target_reason = text_at(st, 20);
  r->target_origin = text_at(st, 21);
  r->target_year = sqlite3_column_int(st, 22);
  r->base_year = sqlite3_column_int(st, 23);
  if (!text_at(st, 24) || result_status_parse(text_at(st, 24), &r->status) != 0) r->status = STATUS_ERROR;
  r->message = text_at(st, 25);
  r->progress = text_at(st, 26);
  r->has_path_value = number_at(st, 27, &r->path_value);
  r->has_base_value = number_at(st, 28, &r->base_value);
  r->has_growth = number_at(st, 29, &r->growth);
  r->figure = text_at(st, 30);
  figure_at(st, 31, r->yearly);
  r->has_yearly = sqlite3_column_int(st, 34);
  figure_at(st, 35, r->cumulative);
  r->has_cumulative = sqlite3_column_int(st, 38);
  r->cumulative_since = sqlite3_column_int(st, 39);
  r->base_asked = sqlite3_column_int(st, 40);
}

/* Indexes the sink for reading in order: by unit, indicator, part and
 * order (once, when the first reader comes, after the writing). Sorting
 * the keys once costs less than sorting every whole row of the results
 * per reader, and a reader of one unit and indicator (a table's block, a
 * cycle's unit) then seeks instead of scanning them all. */
static int index_by_unit(result_sink *s) {
  if (s->indexed) return 0;
  if (sqlite3_exec(s->db, "CREATE INDEX IF NOT EXISTS result_by_unit ON result (unit, ind, part, ord);"
                          "CREATE INDEX IF NOT EXISTS recommendation_by_unit ON recommendation (unit, rule, ind, part, ord);"
                          "CREATE INDEX IF NOT EXISTS rating_row_by_unit ON rating_row (unit, rating);"
                          "CREATE INDEX IF NOT EXISTS judgement_by_unit ON judgement (unit, ind);",
                   NULL, NULL, NULL) != SQLITE_OK)
    return -1;
  s->indexed = 1;
  return 0;
}

/* Steps st, calling fn on each row; the result of fn or 0 (-1 on an SQL error). */
static int each_of(sqlite3_stmt *st, result_row_fn fn, void *ud) {
  int rc, stop = 0;
  result_row r;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    row_at(st, &r);
    stop = fn(ud, &r);
  }
  if (!stop && rc != SQLITE_DONE) stop = -1;
  sqlite3_finalize(st);
  return stop;
}

int result_sink_each_row(result_sink *s, const char *organization, result_row_fn fn, void *ud) {
  sqlite3_stmt *st;
  const char *sql = organization ? "SELECT " ROW_COLUMNS ROW_FROM " WHERE r.organization = ?1" ROW_ORDER
                                 : "SELECT " ROW_COLUMNS ROW_FROM ROW_ORDER;
  if (index_by_unit(s) != 0 || sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (organization) sqlite3_bind_text(st, 1, organization, -1, SQLITE_TRANSIENT);
  return each_of(st, fn, ud);
}

int result_sink_each_error(result_sink *s, const char *organization, result_row_fn fn, void *ud) {
  sqlite3_stmt *st;
  const char *sql = organization ? "SELECT " ROW_COLUMNS ROW_FROM " WHERE r.status = 'error' AND r.organization = ?1" ROW_ORDER
                                 : "SELECT " ROW_COLUMNS ROW_FROM " WHERE r.status = 'error'" ROW_ORDER;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (organization) sqlite3_bind_text(st, 1, organization, -1, SQLITE_TRANSIENT);
  return each_of(st, fn, ud);
}

int result_sink_each_row_of(result_sink *s, const char *unit, int seq, const char *organization, result_row_fn fn,
                            void *ud) {
  sqlite3_stmt *st;
  if (index_by_unit(s) != 0 ||
      sqlite3_prepare_v2(s->db, "SELECT " ROW_COLUMNS ROW_FROM " WHERE r.unit IS ?1 AND r.ind = ?2"
                                " AND (?3 IS NULL OR r.organization = ?3)" ROW_ORDER, -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, unit, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 2, seq);
  sqlite3_bind_text(st, 3, organization, -1, SQLITE_TRANSIENT);
  return each_of(st, fn, ud);
}

int result_sink_each_block(result_sink *s, const char *organization, result_block_fn fn, void *ud) {
  sqlite3_stmt *st;
  if (index_by_unit(s) != 0 ||
      sqlite3_prepare_v2(s->db, "SELECT DISTINCT unit, ind FROM result WHERE ?1 IS NULL OR organization = ?1"
                                " ORDER BY unit, ind", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, organization, -1, SQLITE_TRANSIENT);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) stop = fn(ud, text_at(st, 0), sqlite3_column_int(st, 1));
  if (!stop && rc != SQLITE_DONE) stop = -1;
  sqlite3_finalize(st);
  return stop;
}

static int source_each(void *ud, const char *unit, int key, result_row_fn fn, void *fnud) {
  result_sink_source *src = ud;
  if (key == 0) return result_sink_each_row(src->sink, src->organization, fn, fnud);
  return result_sink_each_row_of(src->sink, unit, key, src->organization, fn, fnud);
}

static int source_blocks(void *ud, result_block_fn fn, void *fnud) {
  result_sink_source *src = ud;
  return result_sink_each_block(src->sink, src->organization, fn, fnud);
}

result_source result_sink_as_source(result_sink_source *src) {
  result_source out = {.each = source_each, .blocks = source_blocks, .ud = src};
  return out;
}

/* Steps st (recommendation columns), calling fn on each; finalizes st. */
static int each_recommendation_of(sqlite3_stmt *st, recommendation_fn fn, void *ud) {
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    recommendation r = {.indicator = text_at(st, 0), .organization = text_at(st, 1), .addressee = text_at(st, 2),
                        .text = text_at(st, 3), .priority = sqlite3_column_int(st, 4), .municipality = text_at(st, 5)};
    stop = fn(ud, &r);
  }
  if (!stop && rc != SQLITE_DONE) stop = -1;
  sqlite3_finalize(st);
  return stop;
}

#define RECOMMENDATION_COLUMNS                                                                                   \
  "SELECT i.id, r.organization, r.addressee, r.text, r.priority, r.unit"                                        \
  " FROM recommendation r JOIN indicator i ON i.of_unit = coalesce(r.unit, '') AND i.seq = r.ind"

int result_sink_each_recommendation(result_sink *s, recommendation_fn fn, void *ud) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, RECOMMENDATION_COLUMNS " ORDER BY r.rule, r.ind, r.unit, r.part, r.ord", -1, &st,
                         NULL) != SQLITE_OK)
    return -1;
  return each_recommendation_of(st, fn, ud);
}

/* Steps st (rating columns), calling fn on each; finalizes st. */
static int each_rating_of(sqlite3_stmt *st, rating_fn fn, void *ud) {
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    rating_row r = {.rating = text_at(st, 0), .title = text_at(st, 1), .organization = text_at(st, 2),
                    .organization_name = text_at(st, 3), .score = sqlite3_column_double(st, 4),
                    .rank = sqlite3_column_int(st, 5), .covered = sqlite3_column_int(st, 6),
                    .weighted = sqlite3_column_int(st, 7), .method = text_at(st, 8), .municipality = text_at(st, 9)};
    stop = fn(ud, &r);
  }
  if (!stop && rc != SQLITE_DONE) stop = -1;
  sqlite3_finalize(st);
  return stop;
}

#define RATING_COLUMNS                                                                                           \
  "SELECT g.id, g.title, r.organization, r.organization_name, r.score,"                                         \
  " row_number() OVER (PARTITION BY r.rating, r.unit ORDER BY r.score DESC, r.organization),"                   \
  " r.covered, r.weighted, g.method, r.unit FROM rating_row r JOIN rating g ON g.seq = r.rating"

int result_sink_each_rating(result_sink *s, rating_fn fn, void *ud) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, RATING_COLUMNS " ORDER BY r.rating, r.unit, 6", -1, &st, NULL) != SQLITE_OK) return -1;
  return each_rating_of(st, fn, ud);
}

/* ---- one unit at a time ---- */

/* Prepares sql over the sink indexed by unit, with unit bound to ?1. */
static sqlite3_stmt *prepare_in(result_sink *s, const char *sql, const char *unit) {
  sqlite3_stmt *st;
  if (index_by_unit(s) != 0 || sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
  sqlite3_bind_text(st, 1, unit, -1, SQLITE_TRANSIENT);
  return st;
}

int result_sink_each_row_in(result_sink *s, const char *unit, result_row_fn fn, void *ud) {
  sqlite3_stmt *st = prepare_in(s, "SELECT " ROW_COLUMNS ROW_FROM " WHERE r.unit IS ?1"
                                   " ORDER BY r.ind, r.part, r.ord, r.rowid", unit);
  return st ? each_of(st, fn, ud) : -1;
}

int result_sink_each_recommendation_in(result_sink *s, const char *unit, recommendation_fn fn, void *ud) {
  sqlite3_stmt *st = prepare_in(s, RECOMMENDATION_COLUMNS " WHERE r.unit IS ?1 ORDER BY r.rule, r.ind, r.part, r.ord, r.rowid",
                                unit);
  return st ? each_recommendation_of(st, fn, ud) : -1;
}

int result_sink_each_rating_in(result_sink *s, const char *unit, rating_fn fn, void *ud) {
  sqlite3_stmt *st = prepare_in(s, RATING_COLUMNS " WHERE r.unit IS ?1 ORDER BY r.rating, 6", unit);
  return st ? each_rating_of(st, fn, ud) : -1;
}

long long result_sink_errors_in(result_sink *s, const char *unit) {
  sqlite3_stmt *st = prepare_in(s, "SELECT count(*) FROM result WHERE unit IS ?1 AND status = 'error'", unit);
  long long n = 0;
  if (st && sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

int result_sink_each_judgement_in(result_sink *s, const char *unit, judgement_fn fn, void *ud) {
  sqlite3_stmt *st = prepare_in(s, "SELECT j.unit, i.id, j.targets, j.formula FROM judgement j"
                                   " JOIN indicator i ON i.of_unit = coalesce(j.unit, '') AND i.seq = j.ind"
                                   " WHERE j.unit IS ?1 ORDER BY j.ind", unit);
  if (!st) return -1;
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
    stop = fn(ud, text_at(st, 0), text_at(st, 1), text_at(st, 2), text_at(st, 3));
  if (!stop && rc != SQLITE_DONE) stop = -1;
  sqlite3_finalize(st);
  return stop;
}

/* The first column of sql with one optional text parameter, as a count. */
static long long count_of(result_sink *s, const char *sql, const char *param) {
  sqlite3_stmt *st;
  long long n = 0;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return 0;
  if (param) sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

long long result_sink_errors(result_sink *s) {
  return count_of(s, "SELECT count(*) FROM result WHERE status = 'error'", NULL);
}

long long result_sink_organization_rows(result_sink *s, const char *organization) {
  return count_of(s, "SELECT count(*) FROM result WHERE organization = ?1", organization);
}

/* ---- copying into memory ---- */

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int copy_row(void *ud, const result_row *r) {
  result_set *out = ud;
  result_row *c = results_append(out);
  if (!c) return 1;
  *c = *r;
  char **texts[] = {&c->municipality, &c->indicator, &c->criterion, &c->title, &c->unit, &c->criterion_title,
                    &c->source, &c->organization, &c->organization_name, &c->breakdown, &c->group, &c->target_text,
                    &c->target_kind, &c->target_reason, &c->message, &c->level, &c->reading, &c->target_origin,
                    &c->deadline, &c->progress, &c->figure};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) *texts[i] = dup_or_null(*texts[i]);
  return 0;
}

/* The array items of count elements, with room for one more: it doubles
 * when count reaches a power of two (from 8), so loading n items costs
 * O(n) copies instead of a realloc per item. NULL when memory ran out
 * (items is then still valid). Only this file fills these arrays, so the
 * allocation's size follows from count. */
static void *room_for_one_more(void *items, size_t count, size_t size) {
  int full = count == 0 || (count >= 8 && (count & (count - 1)) == 0);
  if (!full) return items;
  return realloc(items, (count ? count * 2 : 8) * size);
}

static int copy_recommendation(void *ud, const recommendation *r) {
  result_set *out = ud;
  recommendation *grown = room_for_one_more(out->recommendations, out->nrecommendations, sizeof *grown);
  if (!grown) return 1;
  out->recommendations = grown;
  recommendation *c = &out->recommendations[out->nrecommendations++];
  *c = *r;
  c->indicator = dup_or_null(r->indicator);
  c->organization = dup_or_null(r->organization);
  c->addressee = dup_or_null(r->addressee);
  c->text = dup_or_null(r->text);
  c->municipality = dup_or_null(r->municipality);
  return 0;
}

static int copy_rating(void *ud, const rating_row *r) {
  result_set *out = ud;
  rating_row *grown = room_for_one_more(out->ratings, out->nratings, sizeof *grown);
  if (!grown) return 1;
  out->ratings = grown;
  rating_row *c = &out->ratings[out->nratings++];
  *c = *r;
  c->rating = dup_or_null(r->rating);
  c->title = dup_or_null(r->title);
  c->organization = dup_or_null(r->organization);
  c->organization_name = dup_or_null(r->organization_name);
  c->method = dup_or_null(r->method);
  c->municipality = dup_or_null(r->municipality);
  return 0;
}

int result_sink_load(result_sink *s, const char *organization, result_set *out, char *err, size_t errlen) {
  if (result_sink_each_row(s, organization, copy_row, out) != 0 ||
      result_sink_each_recommendation(s, copy_recommendation, out) != 0 ||
      result_sink_each_rating(s, copy_rating, out) != 0) {
    snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
    return -1;
  }
  return 0;
}
