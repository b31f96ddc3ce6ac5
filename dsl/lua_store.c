/* lua_store.c: the rules' handle on their view of the store. The promises are in
 * lua_store.h. */
#include "lua_store.h"

#include "sandbox.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "lua_regex.h"
#include "sql_tally.h"
#include "text.h"
#include "i18n.h"

#define STORE_HANDLE "pdmon.store"

/* A view owned by Lua; view is NULL once closed. */
typedef struct store_handle {
  rule_view *view;
} store_handle;

static store_handle *check_open(lua_State *L) {
  store_handle *h = luaL_checkudata(L, 1, STORE_HANDLE);
  if (!h->view) luaL_error(L, _("store handle is closed"));
  return h;
}

/* A prepared statement boxed in a userdata, so that an error raised while
 * rows are built (memory, budget) still finalizes it at collection. */
typedef struct statement_box {
  sqlite3_stmt *stmt;
} statement_box;

static int statement_box_gc(lua_State *L) {
  statement_box *box = lua_touserdata(L, 1);
  sqlite3_finalize(box->stmt);
  box->stmt = NULL;
  return 0;
}

static statement_box *push_statement_box(lua_State *L) {
  statement_box *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->stmt = NULL;
  if (luaL_newmetatable(L, "pdmon.statement")) {
    lua_pushcfunction(L, statement_box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  return box;
}

/* Binds the Lua values from index first on as the statement's parameters;
 * returns 0, or the 1-based number of a value that cannot be bound. */
static int bind_params(lua_State *L, sqlite3_stmt *st, int first, int n) {
  for (int i = 0; i < n; i++) {
    int idx = first + i;
    switch (lua_type(L, idx)) {
    case LUA_TNIL: sqlite3_bind_null(st, i + 1); break;
    case LUA_TBOOLEAN: sqlite3_bind_int(st, i + 1, lua_toboolean(L, idx)); break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) sqlite3_bind_int64(st, i + 1, lua_tointeger(L, idx));
      else sqlite3_bind_double(st, i + 1, lua_tonumber(L, idx));
      break;
    case LUA_TSTRING: {
      size_t len;
      const char *s = lua_tolstring(L, idx, &len);
      sqlite3_bind_text(st, i + 1, s, (int)len, SQLITE_TRANSIENT);
      break;
    }
    default:
      return i + 1;
    }
  }
  return 0;
}

/* Pushes column i of the current row: integers stay integers, NULL is nil. */
static void push_column(lua_State *L, sqlite3_stmt *st, int i) {
  switch (sqlite3_column_type(st, i)) {
  case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(st, i)); break;
  case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(st, i)); break;
  case SQLITE_NULL: lua_pushnil(L); break;
  default:
    lua_pushlstring(L, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
  }
}

/* db:query(sql, ...) -> array of rows keyed by column name, or nil and
 * SQLite's message when the SQL is wrong or refused. Misuse (wrong number
 * or type of parameters) raises an error. */
static int store_query(lua_State *L) {
  store_handle *h = check_open(L);
  const char *sql = luaL_checkstring(L, 2);
  int nparams = lua_gettop(L) - 2;
  statement_box *box = push_statement_box(L);
  char why[600];
  if (rule_view_prepare(h->view, sql, &box->stmt, why, sizeof why) != 0) {
    luaL_pushfail(L);
    lua_pushstring(L, why);
    return 2;
  }
  sqlite3_stmt *st = box->stmt;
  if (nparams != sqlite3_bind_parameter_count(st))
    return luaL_error(L, _("query: the SQL has %d parameters but %d values were given"),
                      sqlite3_bind_parameter_count(st), nparams);
  int bad = bind_params(L, st, 3, nparams);
  if (bad)
    return luaL_error(L, _("query: parameter %d is a %s; only nil, boolean, number and string bind"),
                      bad, luaL_typename(L, 2 + bad));
  luaL_checkstack(L, 4, "query");
  lua_newtable(L);
  int ncols = sqlite3_column_count(st), rc;
  lua_Integer row = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    lua_createtable(L, 0, ncols);
    for (int i = 0; i < ncols; i++) {
      push_column(L, st, i);
      lua_setfield(L, -2, sqlite3_column_name(st, i));
    }
    lua_rawseti(L, -2, ++row);
  }
  if (rc != SQLITE_DONE) {
    sandbox *sb = sandbox_from_lua(L);
    if (rc == SQLITE_INTERRUPT && sb && sandbox_spent(sb)) return sandbox_raise_spent(L); /* not an SQL mistake */
    luaL_pushfail(L);
    lua_pushstring(L, sqlite3_errmsg(rule_view_db(h->view)));
    return 2;
  }
  sqlite3_finalize(box->stmt);
  box->stmt = NULL;
  return 1;
}

/* A statement read row by row: db:cursor(sql, ...) -> cursor, and
 * cursor:next(t) fills t with the next row (keyed by column name) and
 * returns it, or returns nil after the last. The cursor holds its store
 * handle (as its user value) so the connection outlives it; rows are never
 * all held at once, whatever the number a statement gives. */
#define CURSOR_HANDLE "pdmon.cursor"

typedef struct cursor {
  sqlite3_stmt *stmt; /* NULL once done or closed */
} cursor;

static int cursor_close(lua_State *L) {
  cursor *c = luaL_checkudata(L, 1, CURSOR_HANDLE);
  sqlite3_finalize(c->stmt);
  c->stmt = NULL;
  return 0;
}

static int cursor_next(lua_State *L) {
  cursor *c = luaL_checkudata(L, 1, CURSOR_HANDLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  if (!c->stmt) return 0;
  lua_getiuservalue(L, 1, 1);
  store_handle *h = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!h || !h->view) return luaL_error(L, _("cursor: its store handle is closed"));
  int rc = sqlite3_step(c->stmt);
  if (rc == SQLITE_ROW) {
    int ncols = sqlite3_column_count(c->stmt);
    for (int i = 0; i < ncols; i++) {
      push_column(L, c->stmt, i);
      lua_setfield(L, 2, sqlite3_column_name(c->stmt, i));
    }
    lua_settop(L, 2);
    return 1;
  }
  if (rc == SQLITE_DONE) {
    sqlite3_finalize(c->stmt);
    c->stmt = NULL;
    return 0;
  }
  sandbox *sb = sandbox_from_lua(L);
  if (rc == SQLITE_INTERRUPT && sb && sandbox_spent(sb)) return sandbox_raise_spent(L);
  lua_pushstring(L, sqlite3_errmsg(rule_view_db(h->view)));
  sqlite3_finalize(c->stmt);
  c->stmt = NULL;
  return lua_error(L);
}

/* db:cursor(sql, ...) -> a cursor, or nil and SQLite's message when the
 * SQL is wrong or refused (as db:query). */
static int store_cursor(lua_State *L) {
  store_handle *h = check_open(L);
  const char *sql = luaL_checkstring(L, 2);
  int nparams = lua_gettop(L) - 2;
  cursor *c = lua_newuserdatauv(L, sizeof *c, 1);
  c->stmt = NULL;
  luaL_setmetatable(L, CURSOR_HANDLE);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  char why[600];
  if (rule_view_prepare(h->view, sql, &c->stmt, why, sizeof why) != 0) {
    luaL_pushfail(L);
    lua_pushstring(L, why);
    return 2;
  }
  if (nparams != sqlite3_bind_parameter_count(c->stmt))
    return luaL_error(L, _("cursor: the SQL has %d parameters but %d values were given"),
                      sqlite3_bind_parameter_count(c->stmt), nparams);
  int bad = bind_params(L, c->stmt, 3, nparams);
  if (bad)
    return luaL_error(L, _("cursor: parameter %d is a %s; only nil, boolean, number and string bind"),
                      bad, luaL_typename(L, 2 + bad));
  return 1;
}

/* Closes the connection once; __gc, __close and close share it. */
static int store_close(lua_State *L) {
  store_handle *h = luaL_checkudata(L, 1, STORE_HANDLE);
  if (h->view) {
    rule_view_close(h->view);
    h->view = NULL;
  }
  return 0;
}

static int store_tostring(lua_State *L) {
  store_handle *h = luaL_checkudata(L, 1, STORE_HANDLE);
  lua_pushstring(L, h->view ? "pdmon.store (read-only)" : "pdmon.store (closed)");
  return 1;
}

int luaopen_pdmon_store(lua_State *L) {
  static const luaL_Reg methods[] = {{"query", store_query}, {"cursor", store_cursor}, {"close", store_close},
                                     {NULL, NULL}};
  static const luaL_Reg cursor_methods[] = {{"next", cursor_next}, {"close", cursor_close}, {NULL, NULL}};
  if (luaL_newmetatable(L, CURSOR_HANDLE)) {
    luaL_newlib(L, cursor_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, cursor_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, cursor_close);
    lua_setfield(L, -2, "__close");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, STORE_HANDLE)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, store_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, store_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, store_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  lua_newtable(L);
  return 1;
}

/* pdmon_fold(text): lower case for ASCII and Cyrillic with Ё as е, for
 * the sets' contains(), which SQLite's own lower() cannot do. */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *s = (const char *)sqlite3_value_text(argv[0]);
  if (!s) return;
  size_t size = (size_t)sqlite3_value_bytes(argv[0]) * 2 + 8;
  char *buf = malloc(size);
  if (!buf) { sqlite3_result_error_nomem(ctx); return; }
  if (!text_fold(s, buf, size)) { free(buf); sqlite3_result_error(ctx, "pdmon_fold: text too long", -1); return; }
  sqlite3_result_text(ctx, buf, -1, free);
}

/* The functions the stdlib's SQL calls, on the rules' connection. */
static void register_functions(sqlite3 *db) {
  sqlite3_create_function_v2(db, "pdmon_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                             sql_fold, NULL, NULL, NULL);
  lua_regex_register_sql(db);
  sql_tally_register(db);
}

void lua_store_push(lua_State *L) {
  luaopen_pdmon_store(L);
  lua_pop(L, 1);
  store_handle *h = lua_newuserdatauv(L, sizeof *h, 0);
  h->view = NULL;
  luaL_setmetatable(L, STORE_HANDLE);
}

/* How many SQLite virtual machine steps pass between two charges, and
 * what one of them costs in budget steps: SQLite runs about a tenth as
 * many of its steps a second as Lua runs instructions, so each counts ten,
 * and a budget means about the same time whether Lua or SQL spends it. */
#define SQL_STEPS_PER_CHARGE 1000
#define SQL_STEP_WEIGHT 10

/* Progress handler of the rules' connection: SQLite's work is charged to
 * the same budget as the rules' Lua, and Ctrl-C stops it, so an endless
 * recursive CTE or a cross join stops like an endless loop. */
static int charge_sql(void *ud) { return sandbox_charge(ud, SQL_STEPS_PER_CHARGE * SQL_STEP_WEIGHT) != 0; }

void lua_store_attach(lua_State *L, int index, rule_view *view) {
  store_handle *h = lua_touserdata(L, index);
  register_functions(rule_view_db(view));
  sandbox *sb = sandbox_from_lua(L);
  if (sb) sqlite3_progress_handler(rule_view_db(view), SQL_STEPS_PER_CHARGE, charge_sql, sb);
  h->view = view;
}
