/* result_sink.c: an evaluation's results on their way out, in memory
 * while they are few, else in a private temporary database. The promises
 * are in result_sink.h.
 *
 * Result rows are held in memory (held_rows) until they take more than
 * the sink's memory limit; then every row held so far goes to the
 * temporary database's result table and the rows after follow it there
 * ("spilled"). Either way the rows read back are the same, in the same
 * order: the readers below read the one or the other. Everything else
 * (descriptions, patches, failures, recommendations, ratings,
 * fingerprints) is always in the database: it is small. */
#include "result_sink.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "held_rows.h"
#include "i18n.h"
#include "org_rows.h"

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
    /* apply_patches looks a pending row's patch up by this key, once per run of rows */
    "CREATE INDEX patch_key ON patch (ind, unit, kind);"
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

/* One indicator's description as the readers of held rows join it. */
typedef struct held_desc {
  char *of_unit; /* '' for a run of one unit */
  long long seq;
  char *text[9]; /* id, criterion, title, unit, criterion_title, source, level, reading, deadline */
} held_desc;

/* How much memory the held rows may take before they go to the database:
 * a single indicator of the country (80,000 organizations) stays in
 * memory, the full pack of it (two million rows) does not. */
#define HELD_ROWS_LIMIT ((size_t)64 * 1024 * 1024)

struct result_sink {
  sqlite3 *db;
  sqlite3_stmt *st[ST_COUNT];
  int finished;
  int indexed; /* the indexes for reading in order are made (index_by_unit) */
  char *unit; /* the unit every row is tagged with from now on, or NULL: as the evaluation says */
  held_rows *held;     /* the rows while in memory */
  org_rows *orgs;      /* the plans and target slots of rows composed in C (sink:org_row), made when first asked for */
  int spilled;         /* the rows are in the result table (held is empty from then on) */
  size_t memory_limit; /* bytes of held rows before they spill */
  held_desc *descs;    /* the descriptions, sorted by of_unit and seq, read when the held rows are first read */
  size_t ndescs;
  int descs_loaded;
};

#define SINK_HANDLE "pdmon.result_sink"

int result_sink_open(result_sink **out, char *err, size_t errlen) {
  *out = NULL;
  result_sink *s = calloc(1, sizeof *s);
  if (s) s->held = held_rows_new();
  if (!s || !s->held) {
    free(s);
    snprintf(err, errlen, _("out of memory"));
    return -1;
  }
  s->memory_limit = HELD_ROWS_LIMIT;
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

/* Forgets the descriptions read for the held rows (one was added). */
static void forget_descs(result_sink *s) {
  for (size_t i = 0; i < s->ndescs; i++) {
    free(s->descs[i].of_unit);
    for (int k = 0; k < 9; k++) free(s->descs[i].text[k]);
  }
  free(s->descs);
  s->descs = NULL;
  s->ndescs = 0;
  s->descs_loaded = 0;
}

void result_sink_set_memory_limit(result_sink *s, size_t bytes) { s->memory_limit = bytes; }

void result_sink_close(result_sink *s) {
  if (!s) return;
  free(s->unit);
  forget_descs(s);
  held_rows_free(s->held);
  org_rows_free(s->orgs);
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
  if (s->descs_loaded) forget_descs(s);
  if (step_once(st) != 0) {
    snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
    return -1;
  }
  return 0;
}

/* Text column i of st, or NULL; the pointer is SQLite's (borrowed). */
static char *text_at(sqlite3_stmt *st, int i) { return (char *)sqlite3_column_text(st, i); }

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

/* ---- a result row: read from Lua once, then held or inserted ---- */

/* Text argument idx (nil: NULL); a number is refused, as bind_text_arg. */
static const char *text_arg(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING) return lua_tostring(L, idx);
  if (!lua_isnoneornil(L, idx)) luaL_error(L, "results: argument %d is a %s, not a text", idx - 1, luaL_typename(L, idx));
  return NULL;
}

/* Field of the table at index t when it is a string (borrowed: the table
 * holds it until the method returns), else NULL. */
static const char *text_field(lua_State *L, int t, const char *field) {
  const char *text = lua_getfield(L, t, field) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1);
  return text;
}

/* Reads field of the table at t into r->num[i] when it is a number. */
static void number_field(lua_State *L, held_row *r, int i, int t, const char *field) {
  if (lua_getfield(L, t, field) == LUA_TNUMBER) {
    r->num[i] = lua_tonumber(L, -1);
    r->num_present |= 1u << i;
  }
  lua_pop(L, 1);
}

/* Reads field as a whole number (a year) into r->year[i] when it is a number. */
static void year_field(lua_State *L, held_row *r, int i, int t, const char *field) {
  if (lua_getfield(L, t, field) == LUA_TNUMBER) {
    r->year[i] = (long long)lua_tonumber(L, -1);
    r->year_present |= 1u << i;
  }
  lua_pop(L, 1);
}

/* Reads the figure (value, numerator, denominator) of the table field of
 * the row at t into r->num from i on, its presence into flag and, when
 * since is given, its first year. */
static void figure_field(lua_State *L, held_row *r, int i, int flag, int t, const char *field, int since) {
  if (lua_getfield(L, t, field) == LUA_TTABLE) {
    int f = lua_gettop(L);
    number_field(L, r, i, f, "value");
    number_field(L, r, i + 1, f, "numerator");
    number_field(L, r, i + 2, f, "denominator");
    r->year[flag] = 1;
    r->year_present |= 1u << flag;
    if (since >= 0) year_field(L, r, since, f, "since");
  }
  lua_pop(L, 1);
}

/* Reads sink:row's arguments (seq, unit, part, ord, row, pending_kind)
 * into r, its texts borrowed from the Lua values (valid until the method
 * returns). Raises on a wrong argument, before anything is stored. */
static void read_row(lua_State *L, result_sink *s, held_row *r) {
  memset(r, 0, sizeof *r);
  luaL_checktype(L, 6, LUA_TTABLE);
  r->ind = luaL_checkinteger(L, 2);
  r->unit = s->unit ? s->unit : text_arg(L, 3);
  r->part = luaL_checkinteger(L, 4);
  r->ord = luaL_checkinteger(L, 5);
  const int row = 6;
  r->text[HT_ORGANIZATION] = text_field(L, row, "organization");
  r->text[HT_ORGANIZATION_NAME] = text_field(L, row, "organization_name");
  r->text[HT_ORGANIZATION_KIND] = text_field(L, row, "organization_kind");
  r->text[HT_BREAKDOWN] = text_field(L, row, "breakdown");
  r->text[HT_GROUP] = text_field(L, row, "group");
  number_field(L, r, HN_VALUE, row, "value");
  number_field(L, r, HN_NUMERATOR, row, "numerator");
  number_field(L, r, HN_DENOMINATOR, row, "denominator");
  if (lua_getfield(L, row, "target") == LUA_TTABLE) {
    int t = lua_gettop(L);
    r->text[HT_TARGET_TEXT] = text_field(L, t, "text");
    r->text[HT_TARGET_KIND] = text_field(L, t, "kind");
    number_field(L, r, HN_TARGET_VALUE, t, "value");
    r->text[HT_TARGET_REASON] = text_field(L, t, "reason");
    r->text[HT_TARGET_ORIGIN] = text_field(L, t, "origin");
    year_field(L, r, HY_TARGET_YEAR, t, "year");
    year_field(L, r, HY_BASE_YEAR, t, "base_year");
  }
  lua_pop(L, 1);
  r->status = STATUS_ERROR;
  if (lua_getfield(L, row, "status") == LUA_TSTRING) result_status_parse(lua_tostring(L, -1), &r->status);
  lua_pop(L, 1);
  r->text[HT_MESSAGE] = text_field(L, row, "message");
  r->text[HT_PROGRESS] = text_field(L, row, "progress");
  number_field(L, r, HN_PATH_VALUE, row, "path_value");
  number_field(L, r, HN_BASE_VALUE, row, "base_value");
  number_field(L, r, HN_GROWTH, row, "growth");
  r->text[HT_FIGURE] = text_field(L, row, "figure");
  figure_field(L, r, HN_YEARLY, HY_HAS_YEARLY, row, "yearly", -1);
  figure_field(L, r, HN_CUMULATIVE, HY_HAS_CUMULATIVE, row, "cumulative", HY_CUMULATIVE_SINCE);
  r->text[HT_PENDING_KIND] = text_arg(L, 7);
  year_field(L, r, HY_BASE_ASKED, row, "base_asked");
}

/* Binds text i, number i or year i of r to parameter p when present. */
static void bind_text_of(sqlite3_stmt *st, int p, const held_row *r, int i) {
  if (r->text[i]) sqlite3_bind_text(st, p, r->text[i], -1, SQLITE_STATIC);
}
static void bind_number_of(sqlite3_stmt *st, int p, const held_row *r, int i) {
  if (r->num_present & (1u << i)) sqlite3_bind_double(st, p, r->num[i]);
}
static void bind_year_of(sqlite3_stmt *st, int p, const held_row *r, int i) {
  if (r->year_present & (1u << i)) sqlite3_bind_int64(st, p, r->year[i]);
}

/* Inserts r into the result table (its texts bound without a copy: they
 * live until the statement is stepped, which is here). 0 or -1. */
static int insert_row(result_sink *s, const held_row *r) {
  sqlite3_stmt *st = statement_of(s, ST_ROW);
  sqlite3_bind_int64(st, 1, r->ind);
  if (r->unit) sqlite3_bind_text(st, 2, r->unit, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, r->part);
  sqlite3_bind_int64(st, 4, r->ord);
  static const int texts_from_5[] = {HT_ORGANIZATION, HT_ORGANIZATION_NAME, HT_ORGANIZATION_KIND, HT_BREAKDOWN, HT_GROUP};
  for (int k = 0; k < 5; k++) bind_text_of(st, 5 + k, r, texts_from_5[k]);
  bind_number_of(st, 10, r, HN_VALUE);
  bind_number_of(st, 11, r, HN_NUMERATOR);
  bind_number_of(st, 12, r, HN_DENOMINATOR);
  bind_text_of(st, 13, r, HT_TARGET_TEXT);
  bind_text_of(st, 14, r, HT_TARGET_KIND);
  bind_number_of(st, 15, r, HN_TARGET_VALUE);
  bind_text_of(st, 16, r, HT_TARGET_REASON);
  bind_text_of(st, 17, r, HT_TARGET_ORIGIN);
  bind_year_of(st, 18, r, HY_TARGET_YEAR);
  bind_year_of(st, 19, r, HY_BASE_YEAR);
  sqlite3_bind_text(st, 20, result_status_name(r->status), -1, SQLITE_STATIC);
  bind_text_of(st, 21, r, HT_MESSAGE);
  bind_text_of(st, 22, r, HT_PROGRESS);
  bind_number_of(st, 23, r, HN_PATH_VALUE);
  bind_number_of(st, 24, r, HN_BASE_VALUE);
  bind_number_of(st, 25, r, HN_GROWTH);
  bind_text_of(st, 26, r, HT_FIGURE);
  for (int k = 0; k < 3; k++) bind_number_of(st, 27 + k, r, HN_YEARLY + k);
  bind_year_of(st, 30, r, HY_HAS_YEARLY);
  for (int k = 0; k < 3; k++) bind_number_of(st, 31 + k, r, HN_CUMULATIVE + k);
  bind_year_of(st, 34, r, HY_HAS_CUMULATIVE);
  bind_year_of(st, 35, r, HY_CUMULATIVE_SINCE);
  bind_text_of(st, 36, r, HT_PENDING_KIND);
  bind_year_of(st, 37, r, HY_BASE_ASKED);
  return step_once(st);
}

/* Moves every held row to the result table, in the order they came; the
 * rows after go there directly. 0 or -1 (the rows moved so far stay). */
static int spill(result_sink *s) {
  size_t n = held_rows_count(s->held);
  for (size_t i = 0; i < n; i++) {
    const held_row *r = held_rows_at(s->held, i);
    if (!r->deleted && insert_row(s, r) != 0) return -1;
  }
  held_rows_clear(s->held);
  forget_descs(s);
  s->spilled = 1;
  return 0;
}

/* Keeps r: held while the held rows fit in the memory limit, else in the
 * result table. 0; -1 when memory ran out; -2 on the database's error. */
static int store_row(result_sink *s, const held_row *r) {
  if (s->spilled) return insert_row(s, r) == 0 ? 0 : -2;
  if (held_rows_add(s->held, r) != 0) return -1;
  if (held_rows_bytes(s->held) > s->memory_limit && spill(s) != 0) return -2;
  return 0;
}

/* sink:row(seq, unit, part, ord, row, pending_kind) */
static int sink_row(lua_State *L) {
  result_sink *s = check_sink(L);
  held_row r;
  read_row(L, s, &r);
  int rc = store_row(s, &r);
  if (rc == -1) return luaL_error(L, "results: %s", _("out of memory"));
  if (rc == -2) return sink_error(L, s);
  return 0;
}

/* ---- rows composed in C (org_rows.h): the methods evaluation.lua calls ---- */

/* The sink's plans and slots, made when first needed; raises when memory runs out. */
static org_rows *orgs_of(lua_State *L, result_sink *s) {
  if (!s->orgs) s->orgs = org_rows_new();
  if (!s->orgs) luaL_error(L, "results: %s", _("out of memory"));
  return s->orgs;
}

/* sink:org_plan(aggregate, empty_not_applicable, has_applies_to, by_kinds,
 * outside, empty, zero): the plan's number. aggregate is "count", "share"
 * or "exists"; the texts are the messages of rows that do not apply (of
 * another kind, without the population) and of a share of nobody. */
static int sink_org_plan(lua_State *L) {
  result_sink *s = check_sink(L);
  static const char *const aggregates[] = {"count", "share", "exists", NULL};
  static const org_aggregate of[] = {ORG_COUNT, ORG_SHARE, ORG_EXISTS};
  org_plan p = {.aggregate = of[luaL_checkoption(L, 2, NULL, aggregates)],
                .empty_not_applicable = lua_toboolean(L, 3), .has_applies_to = lua_toboolean(L, 4),
                .by_kinds = lua_toboolean(L, 5), .outside = text_arg(L, 6), .empty = text_arg(L, 7),
                .zero = text_arg(L, 8)};
  int n = org_rows_add_plan(orgs_of(L, s), &p);
  if (n < 0) return luaL_error(L, "results: %s", _("out of memory"));
  lua_pushinteger(L, n);
  return 1;
}

/* sink:org_slot(part, judged, since, figure, cumulative): the number of a
 * target slot showing part
 * (a row's target table: text, kind, value, reason, origin, year), whose
 * verdicts are asked of Lua by value (judged 1) or by value and base
 * value, each with its own target part (2); judged 0: the row's status is
 * "no target" or "no data", as without a target. since: the first year of
 * the figure it is read with (figure: which one judges, cumulative: the
 * cumulative one), or nil. */
static int sink_org_slot(lua_State *L) {
  result_sink *s = check_sink(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  held_row r = {0};
  org_target t = {.text = text_field(L, 2, "text"), .kind = text_field(L, 2, "kind"),
                  .reason = text_field(L, 2, "reason"), .origin = text_field(L, 2, "origin"),
                  .judged = (int)luaL_checkinteger(L, 3), .has_since = !lua_isnoneornil(L, 4),
                  .figure = text_arg(L, 5), .cumulative = lua_toboolean(L, 6)};
  if (t.judged < 0 || t.judged > 2) return luaL_argerror(L, 3, "0, 1 or 2");
  if (t.has_since) t.since = luaL_checkinteger(L, 4);
  number_field(L, &r, HN_TARGET_VALUE, 2, "value");
  year_field(L, &r, HY_TARGET_YEAR, 2, "year");
  t.has_value = (r.num_present & (1u << HN_TARGET_VALUE)) != 0;
  t.value = r.num[HN_TARGET_VALUE];
  t.has_year = (r.year_present & (1u << HY_TARGET_YEAR)) != 0;
  t.year = r.year[HY_TARGET_YEAR];
  int n = org_rows_add_slot(orgs_of(L, s), &t);
  if (n < 0) return luaL_error(L, "results: %s", _("out of memory"));
  lua_pushinteger(L, n);
  return 1;
}

/* A sum argument (nil: 0), kept as Lua had it: integer or float. */
static org_number number_arg(lua_State *L, int idx) {
  org_number n = {.integer = 1};
  if (lua_isnoneornil(L, idx)) return n;
  if (lua_isinteger(L, idx)) {
    n.i = lua_tointeger(L, idx);
    return n;
  }
  n.integer = 0;
  n.d = luaL_checknumber(L, idx);
  return n;
}

static int check_plan_slot(lua_State *L, org_rows *o, int plan, int slot) {
  if (!org_rows_has_plan(o, plan)) return luaL_argerror(L, 2, "no such plan");
  if (!org_rows_has_slot(o, slot)) return luaL_argerror(L, 3, "no such target slot");
  return 0;
}

/* Pushes a value of a verdict's key (nil when absent). */
static void push_key_value(lua_State *L, int has, int integer, double v) {
  if (!has) lua_pushnil(L);
  else if (integer) lua_pushinteger(L, (lua_Integer)v);
  else lua_pushnumber(L, v);
}

/* sink:org_row(plan, slot, seq, unit, ord, id, name, kind, m1, m2,
 * outside, missing, has_base, b1, b2, has_cum, c1, c2): composes and keeps
 * the organization's row (b1, b2: its sums in the base year of a slot
 * judged by value and base value; c1, c2: since the first year of a slot
 * read so). Returns true, and "pending" when the row may still turn out
 * not to apply; or false, the row's value, base value and cumulative value
 * when its slot's verdict on them is not known (sink:org_learn, then ask
 * again). */
static int sink_org_row(lua_State *L) {
  result_sink *s = check_sink(L);
  org_rows *o = orgs_of(L, s);
  org_input in = {.plan = (int)luaL_checkinteger(L, 2), .slot = (int)luaL_checkinteger(L, 3),
                  .seq = luaL_checkinteger(L, 4), .unit = s->unit ? s->unit : text_arg(L, 5),
                  .ord = luaL_checkinteger(L, 6), .id = text_arg(L, 7), .name = text_arg(L, 8),
                  .kind = text_arg(L, 9), .m1 = number_arg(L, 10), .m2 = number_arg(L, 11),
                  .outside = lua_toboolean(L, 12), .missing = text_arg(L, 13), .has_base = lua_toboolean(L, 14),
                  .b1 = number_arg(L, 15), .b2 = number_arg(L, 16), .has_cum = lua_toboolean(L, 17),
                  .c1 = number_arg(L, 18), .c2 = number_arg(L, 19)};
  check_plan_slot(L, o, in.plan, in.slot);
  held_row r;
  int pending = 0;
  org_key k;
  if (!org_rows_compose(o, &in, &r, &pending, &k)) {
    lua_pushboolean(L, 0);
    push_key_value(L, k.has_value, k.integer, k.value);
    push_key_value(L, k.has_base, k.base_integer, k.base);
    push_key_value(L, k.has_cum, k.cum_integer, k.cum);
    return 4;
  }
  int rc = store_row(s, &r);
  if (rc == -1) return luaL_error(L, "results: %s", _("out of memory"));
  if (rc == -2) return sink_error(L, s);
  lua_pushboolean(L, 1);
  if (!pending) return 1;
  lua_pushliteral(L, "pending");
  return 2;
}

/* A value of a verdict's key at idx (nil: absent). */
static void key_value_arg(lua_State *L, int idx, int *has, int *integer, double *v) {
  *has = !lua_isnoneornil(L, idx);
  *integer = *has && lua_isinteger(L, idx);
  *v = *has ? luaL_checknumber(L, idx) : 0;
}

/* sink:org_learn(slot, value, base, cum, row): the verdict of the slot's
 * target on value (and base value, cumulative value), as the row make_row
 * made of them says it:
 * its status, message, progress and path value, and in a slot judged by
 * value and base value its target, base value, growth and base year asked. */
static int sink_org_learn(lua_State *L) {
  result_sink *s = check_sink(L);
  org_rows *o = orgs_of(L, s);
  int slot = (int)luaL_checkinteger(L, 2);
  if (!org_rows_has_slot(o, slot) || slot == 0) return luaL_argerror(L, 2, "no such target slot");
  org_key k;
  key_value_arg(L, 3, &k.has_value, &k.integer, &k.value);
  key_value_arg(L, 4, &k.has_base, &k.base_integer, &k.base);
  key_value_arg(L, 5, &k.has_cum, &k.cum_integer, &k.cum);
  const int row = 6;
  luaL_checktype(L, row, LUA_TTABLE);
  held_row r = {0};
  org_verdict v = {.message = text_field(L, row, "message"), .progress = text_field(L, row, "progress")};
  if (lua_getfield(L, row, "status") != LUA_TSTRING || result_status_parse(lua_tostring(L, -1), &v.status) != 0)
    return luaL_argerror(L, row, "the row's status is not a status");
  lua_pop(L, 1);
  number_field(L, &r, HN_PATH_VALUE, row, "path_value");
  number_field(L, &r, HN_BASE_VALUE, row, "base_value");
  number_field(L, &r, HN_GROWTH, row, "growth");
  year_field(L, &r, HY_BASE_ASKED, row, "base_asked");
  if (lua_getfield(L, row, "target") == LUA_TTABLE) {
    int t = lua_gettop(L);
    v.has_part = 1;
    v.part.text = text_field(L, t, "text");
    v.part.kind = text_field(L, t, "kind");
    v.part.reason = text_field(L, t, "reason");
    v.part.origin = text_field(L, t, "origin");
    number_field(L, &r, HN_TARGET_VALUE, t, "value");
    year_field(L, &r, HY_TARGET_YEAR, t, "year");
    year_field(L, &r, HY_BASE_YEAR, t, "base_year");
  }
  /* the texts stay borrowed from the row (argument 6) until org_rows_learn has copied them */
  lua_pop(L, 1);
  unsigned n = r.num_present, y = r.year_present;
  v.has_path_value = (n >> HN_PATH_VALUE) & 1u;
  v.path_value = r.num[HN_PATH_VALUE];
  v.has_base_value = (n >> HN_BASE_VALUE) & 1u;
  v.base_value = r.num[HN_BASE_VALUE];
  v.has_growth = (n >> HN_GROWTH) & 1u;
  v.growth = r.num[HN_GROWTH];
  v.has_base_asked = (y >> HY_BASE_ASKED) & 1u;
  v.base_asked = r.year[HY_BASE_ASKED];
  v.part.has_value = (n >> HN_TARGET_VALUE) & 1u;
  v.part.value = r.num[HN_TARGET_VALUE];
  v.part.has_year = (y >> HY_TARGET_YEAR) & 1u;
  v.part.year = r.year[HY_TARGET_YEAR];
  v.has_base_year = (y >> HY_BASE_YEAR) & 1u;
  v.base_year = r.year[HY_BASE_YEAR];
  if (org_rows_learn(o, slot, &k, &v) != 0) return luaL_error(L, "results: %s", _("out of memory"));
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
                                     {"org_plan", sink_org_plan}, {"org_slot", sink_org_slot},
                                     {"org_row", sink_org_row}, {"org_learn", sink_org_learn},
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
  size_t n = held_rows_count(s->held);
  for (size_t i = 0; i < n; i++) {
    held_row *r = held_rows_at(s->held, i);
    if (held_rows_unit_cmp(r->unit, s->unit) == 0) r->deleted = 1;
  }
  held_rows_unsort(s->held);
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

/* What the patches and failures do to the result table (spilled rows);
 * held rows get the same in apply_patches and apply_failures. */
static const char result_patches[] =
    "UPDATE result SET status = 'not_applicable', message = p.message, value = NULL, target_text = NULL,"
    " target_kind = NULL, target_value = NULL, target_reason = NULL, target_origin = NULL, target_year = NULL,"
    " base_year = NULL, progress = NULL, path_value = NULL, base_value = NULL, growth = NULL, figure = NULL,"
    " yearly_value = NULL, yearly_numerator = NULL, yearly_denominator = NULL, has_yearly = NULL,"
    " cumulative_value = NULL, cumulative_numerator = NULL, cumulative_denominator = NULL, has_cumulative = NULL,"
    " cumulative_since = NULL, base_asked = NULL FROM patch p"
    " WHERE result.pending_kind IS NOT NULL AND result.ind = p.ind AND result.unit IS p.unit AND result.pending_kind = p.kind;"
    /* a failed indicator's only result is its error */
    "DELETE FROM result WHERE EXISTS (SELECT 1 FROM failure f WHERE f.ind = result.ind AND (f.unit IS NULL OR f.unit IS result.unit));"
    "INSERT INTO result (ind, unit, part, ord, status, message)"
    " SELECT ind, unit, 0, 0, 'error', min(message) FROM failure GROUP BY ind, unit;";

/* What they do to the other tables, wherever the rows are. */
static const char other_patches[] =
    /* pending rows of an empty kind: not applicable, with no advice */
    "DELETE FROM recommendation WHERE pending_kind IS NOT NULL AND EXISTS (SELECT 1 FROM patch p"
    " WHERE p.ind = recommendation.ind AND p.unit IS recommendation.unit AND p.kind = recommendation.pending_kind);"
    "DELETE FROM rating_part WHERE pending_kind IS NOT NULL AND EXISTS (SELECT 1 FROM patch p"
    " WHERE p.ind = rating_part.ind AND p.unit IS rating_part.unit AND p.kind = rating_part.pending_kind);"
    "DELETE FROM recommendation WHERE EXISTS (SELECT 1 FROM failure f WHERE f.ind = recommendation.ind"
    " AND (f.unit IS NULL OR f.unit IS recommendation.unit));"
    "DELETE FROM rating_part WHERE EXISTS (SELECT 1 FROM failure f WHERE f.ind = rating_part.ind"
    " AND (f.unit IS NULL OR f.unit IS rating_part.unit));";

/* Makes a held row not applicable with message, as result_patches makes
 * a spilled one: its figures kept, its target and judgement gone. */
static void patch_row(held_row *r, const char *message) {
  r->status = STATUS_NOT_APPLICABLE;
  r->text[HT_MESSAGE] = message;
  static const int texts[] = {HT_TARGET_TEXT, HT_TARGET_KIND, HT_TARGET_REASON, HT_TARGET_ORIGIN, HT_PROGRESS,
                              HT_FIGURE};
  for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) r->text[texts[k]] = NULL;
  r->num_present &= (1u << HN_NUMERATOR) | (1u << HN_DENOMINATOR);
  r->year_present = 0;
}

/* The held rows pending on a kind that a patch (sink:not_applicable)
 * names do not apply; the patch's message is copied into the held rows'
 * blocks. 0 or -1. */
static int apply_patches(result_sink *s, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT message FROM patch WHERE ind = ?1 AND unit IS ?2 AND kind = ?3 LIMIT 1", -1,
                         &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
    return -1;
  }
  int rc = 0;
  size_t n = held_rows_count(s->held);
  /* pending rows come in runs of one indicator, unit and kind: one lookup per run */
  const held_row *last = NULL;
  const char *message = NULL;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    held_row *r = held_rows_at(s->held, i);
    if (r->deleted || !r->text[HT_PENDING_KIND]) continue;
    if (!last || last->ind != r->ind || held_rows_unit_cmp(last->unit, r->unit) != 0 ||
        strcmp(last->text[HT_PENDING_KIND], r->text[HT_PENDING_KIND]) != 0) {
      sqlite3_reset(st);
      sqlite3_bind_int64(st, 1, r->ind);
      if (r->unit) sqlite3_bind_text(st, 2, r->unit, -1, SQLITE_STATIC);
      else sqlite3_bind_null(st, 2);
      sqlite3_bind_text(st, 3, r->text[HT_PENDING_KIND], -1, SQLITE_STATIC);
      int step = sqlite3_step(st);
      message = NULL;
      if (step == SQLITE_ROW) {
        message = held_rows_keep_text(s->held, (const char *)sqlite3_column_text(st, 0));
        if (!message) rc = -1;
      } else if (step != SQLITE_DONE) {
        rc = -1;
      }
      last = r;
    }
    if (rc == 0 && message) patch_row(r, message);
  }
  if (rc != 0) snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
  sqlite3_finalize(st);
  return rc;
}

/* One failed indicator (sink:fail) of a unit, or of every unit. */
typedef struct failed {
  long long ind;
  char *unit;    /* NULL: every unit */
  char *message; /* the least of its messages, as min() picks it */
} failed;

/* Reads the failures, by indicator and unit, into *out (*n of them; the
 * caller frees them with free_failed, also after an error). 0 or -1. */
static int read_failures(result_sink *s, failed **out, size_t *n) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT ind, unit, min(message) FROM failure GROUP BY ind, unit", -1, &st, NULL) !=
      SQLITE_OK)
    return -1;
  size_t capacity = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == capacity) {
      capacity = capacity ? capacity * 2 : 8;
      failed *grown = realloc(*out, capacity * sizeof *grown);
      if (!grown) break;
      *out = grown;
    }
    failed *f = &(*out)[*n];
    const char *unit = (const char *)sqlite3_column_text(st, 1), *message = (const char *)sqlite3_column_text(st, 2);
    f->ind = sqlite3_column_int64(st, 0);
    f->unit = unit ? strdup(unit) : NULL;
    f->message = message ? strdup(message) : NULL;
    (*n)++;
    if ((unit && !f->unit) || (message && !f->message)) break;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

static void free_failed(failed *list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(list[i].unit);
    free(list[i].message);
  }
  free(list);
}

/* A failed indicator's only result is its error: the held rows of a
 * failure's indicator and unit (every unit when it names none) are left
 * out, and one error row per failure is held instead. 0 or -1. */
static int apply_failures(result_sink *s, char *err, size_t errlen) {
  size_t n;
  failed *list;
  if (read_failures(s, &list, &n) != 0) {
    free_failed(list, n);
    snprintf(err, errlen, "results: %s", sqlite3_errmsg(s->db));
    return -1;
  }
  size_t count = held_rows_count(s->held);
  for (size_t i = 0; n && i < count; i++) {
    held_row *r = held_rows_at(s->held, i);
    for (size_t k = 0; k < n && !r->deleted; k++)
      if (list[k].ind == r->ind && (!list[k].unit || held_rows_unit_cmp(list[k].unit, r->unit) == 0)) r->deleted = 1;
  }
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < n; k++) {
    held_row e = {.ind = list[k].ind, .unit = list[k].unit, .status = STATUS_ERROR,
                  .text = {[HT_MESSAGE] = list[k].message}};
    rc = held_rows_add(s->held, &e);
  }
  free_failed(list, n);
  held_rows_unsort(s->held);
  if (rc != 0) snprintf(err, errlen, _("out of memory"));
  return rc;
}

int result_sink_finish(result_sink *s, char *err, size_t errlen) {
  if (s->finished) return 0;
  s->finished = 1;
  if (s->spilled ? exec(s, result_patches, err, errlen) != 0
                 : apply_patches(s, err, errlen) != 0 || apply_failures(s, err, errlen) != 0)
    return -1;
  if (exec(s, other_patches, err, errlen) != 0 || compute_ratings(s, err, errlen) != 0) return -1;
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

/* ---- reading held rows ---- */

/* Reads every description once, sorted as desc_of looks them up. 0 or -1. */
static int load_descs(result_sink *s) {
  if (s->descs_loaded) return 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT of_unit, seq, id, criterion, title, unit, criterion_title, source, level,"
                                " reading, deadline FROM indicator ORDER BY of_unit, seq", -1, &st, NULL) != SQLITE_OK)
    return -1;
  size_t capacity = 0;
  int rc, broken = 0;
  while (!broken && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (s->ndescs == capacity) {
      capacity = capacity ? capacity * 2 : 16;
      held_desc *grown = realloc(s->descs, capacity * sizeof *grown);
      if (!grown) { broken = 1; break; }
      s->descs = grown;
    }
    held_desc *d = &s->descs[s->ndescs++];
    memset(d, 0, sizeof *d);
    d->of_unit = strdup(text_at(st, 0));
    d->seq = sqlite3_column_int64(st, 1);
    broken = !d->of_unit;
    for (int k = 0; k < 9; k++) {
      const char *t = text_at(st, k + 2);
      d->text[k] = t ? strdup(t) : NULL;
      if (t && !d->text[k]) broken = 1;
    }
  }
  sqlite3_finalize(st);
  if (broken || rc != SQLITE_DONE) {
    forget_descs(s);
    return -1;
  }
  s->descs_loaded = 1;
  return 0;
}

/* The description of indicator seq of unit (as the join of ROW_FROM
 * finds it), or NULL: such rows are not read. */
static const held_desc *desc_of(const result_sink *s, const char *unit, long long seq) {
  const char *of_unit = unit ? unit : "";
  size_t lo = 0, hi = s->ndescs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(s->descs[mid].of_unit, of_unit);
    if (c == 0) c = s->descs[mid].seq < seq ? -1 : s->descs[mid].seq > seq;
    if (c == 0) return &s->descs[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

/* Number i of h into *v, and whether it is present. */
static int held_number(const held_row *h, int i, double *v) {
  if (!(h->num_present & (1u << i))) return 0;
  *v = h->num[i];
  return 1;
}

/* Year i of h as the readers read an INTEGER column: 0 when absent. */
static int held_year(const held_row *h, int i) { return (h->year_present & (1u << i)) ? (int)h->year[i] : 0; }

/* Fills r from held row h and its description d (borrowing), as row_at
 * fills it from the result table. */
static void held_row_at(const held_row *h, const held_desc *d, result_row *r) {
  memset(r, 0, sizeof *r);
  r->municipality = (char *)h->unit;
  char **desc[] = {&r->indicator, &r->criterion, &r->title, &r->unit, &r->criterion_title, &r->source, &r->level,
                   &r->reading, &r->deadline};
  for (int k = 0; k < 9; k++) *desc[k] = d->text[k];
  r->organization = (char *)h->text[HT_ORGANIZATION];
  r->organization_name = (char *)h->text[HT_ORGANIZATION_NAME];
  r->breakdown = (char *)h->text[HT_BREAKDOWN];
  r->group = (char *)h->text[HT_GROUP];
  r->has_value = held_number(h, HN_VALUE, &r->value);
  r->has_counts = held_number(h, HN_NUMERATOR, &r->numerator);
  r->has_denominator = held_number(h, HN_DENOMINATOR, &r->denominator);
  r->target_text = (char *)h->text[HT_TARGET_TEXT];
  r->target_kind = (char *)h->text[HT_TARGET_KIND];
  r->has_target_value = held_number(h, HN_TARGET_VALUE, &r->target_value);
  r->target_reason = (char *)h->text[HT_TARGET_REASON];
  r->target_origin = (char *)h->text[HT_TARGET_ORIGIN];
  r->target_year = held_year(h, HY_TARGET_YEAR);
  r->base_year = held_year(h, HY_BASE_YEAR);
  r->status = h->status;
  r->message = (char *)h->text[HT_MESSAGE];
  r->progress = (char *)h->text[HT_PROGRESS];
  r->has_path_value = held_number(h, HN_PATH_VALUE, &r->path_value);
  r->has_base_value = held_number(h, HN_BASE_VALUE, &r->base_value);
  r->has_growth = held_number(h, HN_GROWTH, &r->growth);
  r->figure = (char *)h->text[HT_FIGURE];
  for (int k = 0; k < 3; k++) {
    if (!held_number(h, HN_YEARLY + k, &r->yearly[k])) r->yearly[k] = NAN;
    if (!held_number(h, HN_CUMULATIVE + k, &r->cumulative[k])) r->cumulative[k] = NAN;
  }
  r->has_yearly = held_year(h, HY_HAS_YEARLY);
  r->has_cumulative = held_year(h, HY_HAS_CUMULATIVE);
  r->cumulative_since = held_year(h, HY_CUMULATIVE_SINCE);
  r->base_asked = held_year(h, HY_BASE_ASKED);
}

/* Whether held row h is one of organization's (any when NULL). */
static int held_of(const held_row *h, const char *organization) {
  return !organization || (h->text[HT_ORGANIZATION] && !strcmp(h->text[HT_ORGANIZATION], organization));
}

/* Sorts the held rows and reads the descriptions for reading. 0 or -1. */
static int ready_to_read(result_sink *s) {
  return held_rows_sort(s->held) == 0 && load_descs(s) == 0 ? 0 : -1;
}

/* Calls fn on the held rows from position from to to in reading order
 * (of organization when not NULL; errors only when asked) that have a
 * description. The result of fn, or 0. */
static int each_held(result_sink *s, size_t from, size_t to, const char *organization, int errors_only,
                     result_row_fn fn, void *ud) {
  const held_desc *d = NULL;
  const held_row *described = NULL; /* the row d was looked up for */
  for (size_t k = from; k < to; k++) {
    const held_row *h = held_rows_sorted(s->held, k);
    if (!held_of(h, organization) || (errors_only && h->status != STATUS_ERROR)) continue;
    if (!described || described->ind != h->ind || held_rows_unit_cmp(described->unit, h->unit) != 0) {
      d = desc_of(s, h->unit, h->ind);
      described = h;
    }
    if (!d) continue;
    result_row r;
    held_row_at(h, d, &r);
    int stop = fn(ud, &r);
    if (stop) return stop;
  }
  return 0;
}

/* The positions in reading order of unit's held rows: [*from, *to). */
static void unit_range(const result_sink *s, const char *unit, size_t *from, size_t *to) {
  *from = held_rows_lower_bound(s->held, unit, LLONG_MIN);
  *to = held_rows_lower_bound(s->held, unit, LLONG_MAX);
}

/* How many held rows from position from to to are errors (only of
 * organization when not NULL; any otherwise, and with errors_only 0 all). */
static long long count_held(const result_sink *s, size_t from, size_t to, const char *organization, int errors_only) {
  long long n = 0;
  for (size_t k = from; k < to; k++) {
    const held_row *h = held_rows_sorted(s->held, k);
    if (held_of(h, organization) && (!errors_only || h->status == STATUS_ERROR)) n++;
  }
  return n;
}

int result_sink_each_row(result_sink *s, const char *organization, result_row_fn fn, void *ud) {
  if (!s->spilled) {
    if (ready_to_read(s) != 0) return -1;
    return each_held(s, 0, held_rows_sorted_count(s->held), organization, 0, fn, ud);
  }
  sqlite3_stmt *st;
  const char *sql = organization ? "SELECT " ROW_COLUMNS ROW_FROM " WHERE r.organization = ?1" ROW_ORDER
                                 : "SELECT " ROW_COLUMNS ROW_FROM ROW_ORDER;
  if (index_by_unit(s) != 0 || sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (organization) sqlite3_bind_text(st, 1, organization, -1, SQLITE_TRANSIENT);
  return each_of(st, fn, ud);
}

int result_sink_each_error(result_sink *s, const char *organization, result_row_fn fn, void *ud) {
  if (!s->spilled) {
    if (ready_to_read(s) != 0) return -1;
    return each_held(s, 0, held_rows_sorted_count(s->held), organization, 1, fn, ud);
  }
  sqlite3_stmt *st;
  const char *sql = organization ? "SELECT " ROW_COLUMNS ROW_FROM " WHERE r.status = 'error' AND r.organization = ?1" ROW_ORDER
                                 : "SELECT " ROW_COLUMNS ROW_FROM " WHERE r.status = 'error'" ROW_ORDER;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (organization) sqlite3_bind_text(st, 1, organization, -1, SQLITE_TRANSIENT);
  return each_of(st, fn, ud);
}

int result_sink_each_row_of(result_sink *s, const char *unit, int seq, const char *organization, result_row_fn fn,
                            void *ud) {
  if (!s->spilled) {
    if (ready_to_read(s) != 0) return -1;
    return each_held(s, held_rows_lower_bound(s->held, unit, seq), held_rows_lower_bound(s->held, unit, (long long)seq + 1),
                     organization, 0, fn, ud);
  }
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
  if (!s->spilled) {
    if (held_rows_sort(s->held) != 0) return -1;
    const held_row *last = NULL; /* the row of the last block called */
    size_t n = held_rows_sorted_count(s->held);
    for (size_t k = 0; k < n; k++) {
      const held_row *h = held_rows_sorted(s->held, k);
      if (!held_of(h, organization)) continue;
      if (last && last->ind == h->ind && held_rows_unit_cmp(last->unit, h->unit) == 0) continue;
      last = h;
      int stop = fn(ud, h->unit, (int)h->ind);
      if (stop) return stop;
    }
    return 0;
  }
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
  if (!s->spilled) {
    if (ready_to_read(s) != 0) return -1;
    size_t from, to;
    unit_range(s, unit, &from, &to);
    return each_held(s, from, to, NULL, 0, fn, ud);
  }
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
  if (!s->spilled) {
    size_t from, to;
    if (held_rows_sort(s->held) != 0) return 0;
    unit_range(s, unit, &from, &to);
    return count_held(s, from, to, NULL, 1);
  }
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
  if (!s->spilled) return held_rows_sort(s->held) == 0 ? count_held(s, 0, held_rows_sorted_count(s->held), NULL, 1) : 0;
  return count_of(s, "SELECT count(*) FROM result WHERE status = 'error'", NULL);
}

long long result_sink_organization_rows(result_sink *s, const char *organization) {
  if (!s->spilled)
    return held_rows_sort(s->held) == 0 ? count_held(s, 0, held_rows_sorted_count(s->held), organization, 0) : 0;
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
