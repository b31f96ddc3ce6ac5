/* lua_regex.c: PCRE2 for rules. The promises are in lua_regex.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "lua_regex.h"

#include <lauxlib.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "sandbox.h"
#include "i18n.h"

#define REGEX_HANDLE "pdmon.regex"

/* Limits every match runs under (rspamd's practice): enough for the
 * phrases of the documents, far too little for catastrophic backtracking. */
#define MATCH_LIMIT 100000u
#define DEPTH_LIMIT 1000u
#define HEAP_LIMIT_KIB 4096u
#define MAX_SUBJECT (1u << 20)

/* A compiled pattern; code is NULL once closed. */
typedef struct regex_handle {
  pcre2_code *code;
  pcre2_match_context *context;
} regex_handle;

/* PCRE2's memory through the sandbox, so compiled patterns and matching
 * count against the rules' memory cap (20,000 patterns once took 795 MB
 * past a 256 MB cap). Each block starts with its size, which the
 * sandbox's allocator needs back. */
typedef union block_header {
  size_t size;
  max_align_t align;
} block_header;

static void *pcre_alloc(PCRE2_SIZE size, void *data) {
  block_header *block = sandbox_alloc(data, sizeof(block_header) + size);
  if (!block) return NULL;
  block->size = sizeof(block_header) + size;
  return block + 1;
}

static void pcre_free(void *ptr, void *data) {
  if (!ptr) return;
  block_header *block = (block_header *)ptr - 1;
  sandbox_dealloc(data, block, block->size);
}

#define GENERAL_CONTEXT "pdmon.regex.memory"

static int general_context_gc(lua_State *L) {
  pcre2_general_context **gc = lua_touserdata(L, 1);
  pcre2_general_context_free(*gc);
  *gc = NULL;
  return 0;
}

/* The state's PCRE2 context for memory, made once and kept in the
 * registry; NULL outside a sandbox (system memory). */
static pcre2_general_context *general_context(lua_State *L) {
  sandbox *sb = sandbox_from_lua(L);
  if (!sb) return NULL;
  if (lua_getfield(L, LUA_REGISTRYINDEX, GENERAL_CONTEXT) == LUA_TUSERDATA) {
    pcre2_general_context *gc = *(pcre2_general_context **)lua_touserdata(L, -1);
    lua_pop(L, 1);
    return gc;
  }
  lua_pop(L, 1);
  pcre2_general_context **slot = lua_newuserdatauv(L, sizeof *slot, 0);
  *slot = NULL;
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, general_context_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  *slot = pcre2_general_context_create(pcre_alloc, pcre_free, sb);
  if (!*slot) luaL_error(L, _("regex: out of memory"));
  lua_setfield(L, LUA_REGISTRYINDEX, GENERAL_CONTEXT);
  return *slot;
}

static regex_handle *check_open(lua_State *L) {
  regex_handle *h = luaL_checkudata(L, 1, REGEX_HANDLE);
  if (!h->code) luaL_error(L, _("regex is closed"));
  return h;
}

/* Frees the pattern once; __gc, __close and close share it. */
static int regex_close(lua_State *L) {
  regex_handle *h = luaL_checkudata(L, 1, REGEX_HANDLE);
  pcre2_code_free(h->code);
  pcre2_match_context_free(h->context);
  h->code = NULL;
  h->context = NULL;
  return 0;
}

/* Runs the pattern on subject from byte offset init (1-based). Returns the
 * match data or NULL when there is no match; raises on limit errors. */
static pcre2_match_data *run_match(lua_State *L, regex_handle *h, const char *subject, size_t len,
                                   size_t init) {
  if (len > MAX_SUBJECT) luaL_error(L, _("regex: subject longer than %d bytes"), (int)MAX_SUBJECT);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(h->code, general_context(L));
  if (!md) luaL_error(L, _("regex: out of memory"));
  int rc = pcre2_match(h->code, (PCRE2_SPTR)subject, len, init, 0, md, h->context);
  if (rc >= 0) return md;
  pcre2_match_data_free(md);
  if (rc == PCRE2_ERROR_NOMATCH) return NULL;
  PCRE2_UCHAR message[256];
  pcre2_get_error_message(rc, message, sizeof message);
  luaL_error(L, "regex: %s", (const char *)message);
  return NULL;
}

/* Converts a Lua init position (1-based, may be negative) to an offset. */
static size_t start_offset(lua_State *L, int arg, size_t len) {
  lua_Integer init = luaL_optinteger(L, arg, 1);
  if (init < 0) init = (lua_Integer)len + init + 1;
  if (init < 1) init = 1;
  if ((size_t)init > len + 1) return len + 1;
  return (size_t)init - 1;
}

/* r:match(s [, init]) -> captures, start, stop: the captures as a table
 * (array by number, plus named groups by name; an unset group is false)
 * and the bounds of the whole match; nil when there is no match. */
static int regex_match(lua_State *L) {
  regex_handle *h = check_open(L);
  size_t len;
  const char *s = luaL_checklstring(L, 2, &len);
  size_t init = start_offset(L, 3, len);
  if (init > len) { lua_pushnil(L); return 1; }
  pcre2_match_data *md = run_match(L, h, s, len, init);
  if (!md) { lua_pushnil(L); return 1; }
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  uint32_t groups;
  pcre2_pattern_info(h->code, PCRE2_INFO_CAPTURECOUNT, &groups);
  luaL_checkstack(L, 4, "regex match");
  lua_createtable(L, (int)groups, 0);
  for (uint32_t i = 1; i <= groups; i++) {
    if (ov[2 * i] == PCRE2_UNSET) lua_pushboolean(L, 0);
    else lua_pushlstring(L, s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
    lua_rawseti(L, -2, (lua_Integer)i);
  }
  uint32_t names, entry_size;
  PCRE2_SPTR table;
  pcre2_pattern_info(h->code, PCRE2_INFO_NAMECOUNT, &names);
  pcre2_pattern_info(h->code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
  pcre2_pattern_info(h->code, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t n = 0; n < names; n++) {
    PCRE2_SPTR entry = table + n * entry_size;
    lua_Integer group = (entry[0] << 8) | entry[1];
    lua_rawgeti(L, -1, group);
    lua_setfield(L, -2, (const char *)entry + 2);
  }
  lua_pushinteger(L, (lua_Integer)ov[0] + 1);
  lua_pushinteger(L, (lua_Integer)ov[1]);
  pcre2_match_data_free(md);
  return 3;
}

/* r:test(s) -> true when the pattern matches somewhere in s. */
static int regex_test(lua_State *L) {
  regex_handle *h = check_open(L);
  size_t len;
  const char *s = luaL_checklstring(L, 2, &len);
  pcre2_match_data *md = run_match(L, h, s, len, 0);
  lua_pushboolean(L, md != NULL);
  pcre2_match_data_free(md);
  return 1;
}

/* regex.compile(pattern [, flags]) -> handle. A bad pattern is the rule
 * author's mistake and raises an error naming the offset. */
static int regex_compile(lua_State *L) {
  size_t len;
  const char *pattern = luaL_checklstring(L, 1, &len);
  const char *flags = luaL_optstring(L, 2, "");
  uint32_t options = PCRE2_UTF | PCRE2_UCP;
  for (const char *f = flags; *f; f++) {
    if (*f == 'i') options |= PCRE2_CASELESS;
    else if (*f == 'x') options |= PCRE2_EXTENDED;
    else if (*f == 's') options |= PCRE2_DOTALL;
    else return luaL_error(L, _("regex.compile: unknown flag '%c' (use i, s or x)"), *f);
  }
  regex_handle *h = lua_newuserdatauv(L, sizeof *h, 0);
  h->code = NULL;
  h->context = NULL;
  luaL_setmetatable(L, REGEX_HANDLE);
  int error;
  PCRE2_SIZE offset;
  pcre2_general_context *memory = general_context(L);
  pcre2_compile_context *cc = memory ? pcre2_compile_context_create(memory) : NULL;
  if (memory && !cc) return luaL_error(L, _("regex.compile: out of memory"));
  h->code = pcre2_compile((PCRE2_SPTR)pattern, len, options, &error, &offset, cc);
  pcre2_compile_context_free(cc);
  if (!h->code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return luaL_error(L, _("regex.compile: %s at offset %d of the pattern"), (const char *)message, (int)offset);
  }
  h->context = pcre2_match_context_create(memory);
  if (!h->context) return luaL_error(L, _("regex.compile: out of memory"));
  pcre2_set_match_limit(h->context, MATCH_LIMIT);
  pcre2_set_depth_limit(h->context, DEPTH_LIMIT);
  pcre2_set_heap_limit(h->context, HEAP_LIMIT_KIB);
  return 1;
}

static int regex_tostring(lua_State *L) {
  regex_handle *h = luaL_checkudata(L, 1, REGEX_HANDLE);
  lua_pushstring(L, h->code ? "regex" : "regex (closed)");
  return 1;
}

/* A pattern compiled for SQL, kept by SQLite as the statement's aux data. */
typedef struct sql_pattern {
  pcre2_code *code;
  pcre2_match_context *context;
} sql_pattern;

static void sql_pattern_free(void *p) {
  sql_pattern *sp = p;
  pcre2_code_free(sp->code);
  pcre2_match_context_free(sp->context);
  free(sp);
}

/* Compiles a pattern caseless, UTF-8 and with Unicode properties, under
 * the same limits as rules' patterns; NULL with SQLite's error set. */
static sql_pattern *sql_pattern_compile(sqlite3_context *ctx, const char *pattern, int len) {
  sql_pattern *sp = calloc(1, sizeof *sp);
  int error;
  PCRE2_SIZE offset;
  if (sp) sp->code = pcre2_compile((PCRE2_SPTR)pattern, (size_t)len, PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS,
                                   &error, &offset, NULL);
  if (sp && sp->code) sp->context = pcre2_match_context_create(NULL);
  if (!sp || !sp->code || !sp->context) {
    PCRE2_UCHAR message[256] = "out of memory";
    if (sp && !sp->code) pcre2_get_error_message(error, message, sizeof message);
    char text[320];
    snprintf(text, sizeof text, "pdmon_matches: %s", (const char *)message);
    sqlite3_result_error(ctx, text, -1);
    if (sp) sql_pattern_free(sp);
    return NULL;
  }
  pcre2_set_match_limit(sp->context, MATCH_LIMIT);
  pcre2_set_depth_limit(sp->context, DEPTH_LIMIT);
  pcre2_set_heap_limit(sp->context, HEAP_LIMIT_KIB);
  return sp;
}

/* pdmon_matches(text, pattern): 1 when pattern matches somewhere in text,
 * 0 when not, NULL for a NULL text; an error past the match limits. */
static void sql_matches(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  sql_pattern *sp = sqlite3_get_auxdata(ctx, 1);
  if (!sp) {
    const char *pattern = (const char *)sqlite3_value_text(argv[1]);
    if (!pattern) { sqlite3_result_error(ctx, "pdmon_matches: the pattern is NULL", -1); return; }
    if (!(sp = sql_pattern_compile(ctx, pattern, sqlite3_value_bytes(argv[1])))) return;
    sqlite3_set_auxdata(ctx, 1, sp, sql_pattern_free);
    if (!(sp = sqlite3_get_auxdata(ctx, 1))) { sqlite3_result_error_nomem(ctx); return; }
  }
  const char *subject = (const char *)sqlite3_value_text(argv[0]);
  size_t len = (size_t)sqlite3_value_bytes(argv[0]);
  if (len > MAX_SUBJECT) { sqlite3_result_error(ctx, "pdmon_matches: text too long", -1); return; }
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(sp->code, NULL);
  if (!md) { sqlite3_result_error_nomem(ctx); return; }
  int rc = pcre2_match(sp->code, (PCRE2_SPTR)subject, len, 0, 0, md, sp->context);
  pcre2_match_data_free(md);
  if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH) {
    sqlite3_result_int(ctx, rc >= 0);
    return;
  }
  PCRE2_UCHAR message[256];
  pcre2_get_error_message(rc, message, sizeof message);
  char text[320];
  snprintf(text, sizeof text, "pdmon_matches: %s", (const char *)message);
  sqlite3_result_error(ctx, text, -1);
}

int lua_regex_register_sql(sqlite3 *db) {
  return sqlite3_create_function_v2(db, "pdmon_matches", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                    NULL, sql_matches, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int luaopen_pdmon_regex(lua_State *L) {
  static const luaL_Reg methods[] = {{"match", regex_match}, {"test", regex_test},
                                     {"close", regex_close}, {NULL, NULL}};
  static const luaL_Reg functions[] = {{"compile", regex_compile}, {NULL, NULL}};
  if (luaL_newmetatable(L, REGEX_HANDLE)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, regex_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, regex_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, regex_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  luaL_newlib(L, functions);
  return 1;
}
