/* stdlib_loader.c: the Lua modules of stdlib/, compiled into the binary, and the require that
 * sandboxed code uses to reach them (and nothing else). See stdlib_loader.h. */
#include "stdlib_loader.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "escape.h"
#include "lua_regex.h"
#include "lua_vocabulary.h"
#include "russian.h"

/* Registry key of the table caching loaded modules, by name. */
static const char loaded_key[] = "pdmon.stdlib.loaded";

const stdlib_module *stdlib_find(const char *name) {
  for (const stdlib_module *m = stdlib_modules; m->name; m++)
    if (strcmp(m->name, name) == 0) return m;
  return NULL;
}

/* where(level): "file:line:" of the function level levels up, so the
 * stdlib can remember where in a rule file a declaration was made. */
static int stdlib_where(lua_State *L) {
  luaL_where(L, (int)luaL_checkinteger(L, 1));
  return 1;
}

/* tr(text): the stdlib's messages for people in the user's language
 * (po/ru.po), as _() does in C (Lua code uses _ for values it ignores).
 * The empty string stays empty (gettext would return the catalogue's
 * header). */
static int stdlib_gettext(lua_State *L) {
  const char *text = luaL_checkstring(L, 1);
  lua_pushstring(L, text[0] ? gettext(text) : "");
  return 1;
}

/* csv_cell(text): one CSV cell as escape.h writes it (quoted as needed,
 * a ' before what a spreadsheet would run as a formula), for the REPL's
 * CSV output. */
static int stdlib_csv_cell(lua_State *L) {
  const char *text = luaL_checkstring(L, 1);
  char *cell = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&cell, &len);
  if (!f) return luaL_error(L, "csv_cell: out of memory");
  escape_csv_cell(f, text, ',');
  if (fclose(f) != 0 || !cell) {
    free(cell);
    return luaL_error(L, "csv_cell: out of memory");
  }
  lua_pushlstring(L, cell, len);
  free(cell);
  return 1;
}

/* status_word(code): a result's status in words (достигнуто, в процессе:
 * отставание...), from the one table the reports use. */
static int stdlib_status_word(lua_State *L) {
  lua_pushstring(L, ru_status(luaL_checkstring(L, 1)));
  return 1;
}

/* Loads module m and pushes it as a function whose environment is the
 * table on top (which stays), as sandbox_load does with text: from its
 * bytecode, made by the build from the text with the same Lua, so a
 * sandbox need not parse the stdlib again; from the text when this Lua
 * refuses the bytecode (another release's format). The bytecode is
 * trusted because it is part of the binary: rule code loads text only. */
static int load_module(sandbox *sb, const stdlib_module *m, const char *chunkname) {
  lua_State *L = sandbox_lua(sb);
  if (m->code_length > 0 && luaL_loadbufferx(L, (const char *)m->code, m->code_length, chunkname, "b") == LUA_OK) {
    lua_pushvalue(L, -2);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    return LUA_OK;
  }
  if (m->code_length > 0) lua_pop(L, 1); /* the bytecode's refusal */
  return sandbox_load(sb, m->source, m->length, chunkname, -1);
}

/* require(name) of the stdlib's own modules and the core: the module
 * itself. Upvalue 1 is the sandbox as light userdata. */
static int stdlib_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  sandbox *sb = lua_touserdata(L, lua_upvalueindex(1));
  if (lua_getfield(L, LUA_REGISTRYINDEX, loaded_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, loaded_key);
  }
  if (lua_getfield(L, -1, name) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  lua_CFunction native = strcmp(name, "regex") == 0        ? luaopen_pdmon_regex
                         : strcmp(name, "vocabulary") == 0 ? luaopen_pdmon_vocabulary
                                                           : NULL;
  if (native) { /* the modules written in C */
    char qualified[32];
    snprintf(qualified, sizeof qualified, "pdmon.%s", name);
    luaL_requiref(L, qualified, native, 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name);
    return 1;
  }
  const stdlib_module *m = stdlib_find(name);
  if (!m) return luaL_error(L, _("require: no module '%s' in the pdmon standard library"), name);
  char chunkname[128];
  snprintf(chunkname, sizeof chunkname, "@stdlib/%s.lua", m->name);
  sandbox_push_env(sb);
  lua_pushlightuserdata(L, sb);
  lua_pushcclosure(L, stdlib_require, 1);
  lua_setfield(L, -2, "require");
  lua_pushcfunction(L, stdlib_where);
  lua_setfield(L, -2, "where");
  lua_pushcfunction(L, stdlib_gettext);
  lua_setfield(L, -2, "tr");
  lua_pushcfunction(L, stdlib_status_word);
  lua_setfield(L, -2, "status_word");
  lua_pushcfunction(L, sandbox_readonly_function);
  lua_setfield(L, -2, "readonly");
  lua_pushcfunction(L, stdlib_csv_cell);
  lua_setfield(L, -2, "csv_cell");
  if (load_module(sb, m, chunkname) != LUA_OK) return lua_error(L);
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -4, name); /* cache: loaded table is below env */
  return 1;
}

/* require(name) of rule code: a read-only view of the module. */
static int rule_require(lua_State *L) {
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 1, 1);
  sandbox_push_readonly(L, -1);
  return 1;
}

void stdlib_install_require(sandbox *sb, int env_index) {
  lua_State *L = sandbox_lua(sb);
  env_index = lua_absindex(L, env_index);
  lua_pushlightuserdata(L, sb);
  lua_pushcclosure(L, stdlib_require, 1);
  lua_pushcclosure(L, rule_require, 1);
  lua_setfield(L, env_index, "require");
}

int stdlib_push_module(sandbox *sb, const char *name, char *err, size_t errlen) {
  lua_State *L = sandbox_lua(sb);
  lua_pushlightuserdata(L, sb);
  lua_pushcclosure(L, stdlib_require, 1);
  lua_pushstring(L, name);
  return sandbox_call(sb, 1, 1, err, errlen) == LUA_OK ? 0 : -1;
}
