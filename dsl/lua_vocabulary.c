/* lua_vocabulary.c: the vocabulary table for the stdlib. The promises are in lua_vocabulary.h. */
#include "lua_vocabulary.h"

#include <lauxlib.h>
#include <string.h>

#include "text.h"
#include "vocabulary.h"
#include "i18n.h"

/* The vocabulary named by argument 1, or an error. */
static const vocabulary *check_vocabulary(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const vocabulary *v = vocabulary_find(name);
  if (!v) luaL_error(L, _("vocabulary: no vocabulary '%s'"), name);
  return v;
}

/* code(name, value) -> code | nil, nearest name, nearest code */
static int vocabulary_lua_code(lua_State *L) {
  const vocabulary *v = check_vocabulary(L);
  const char *value = luaL_checkstring(L, 2);
  const char *code = vocabulary_code(v, value);
  if (code) {
    lua_pushstring(L, code);
    return 1;
  }
  const char *name;
  const vocabulary_entry *near = vocabulary_nearest(v, value, &name);
  lua_pushnil(L);
  lua_pushstring(L, near ? name : "");
  lua_pushstring(L, near ? near->code : "");
  return 3;
}

/* members(name, code) -> { code, members of its group... } */
static int vocabulary_lua_members(lua_State *L) {
  const vocabulary *v = check_vocabulary(L);
  const char *code = luaL_checkstring(L, 2);
  lua_newtable(L);
  lua_Integer n = 0;
  lua_pushstring(L, code);
  lua_rawseti(L, -2, ++n);
  for (const vocabulary_entry *e = v->entries; e->code; e++) {
    if (e->parent && strcmp(e->parent, code) == 0) {
      lua_pushstring(L, e->code);
      lua_rawseti(L, -2, ++n);
    }
  }
  return 1;
}

/* codes(name) -> { every code } */
static int vocabulary_lua_codes(lua_State *L) {
  const vocabulary *v = check_vocabulary(L);
  lua_newtable(L);
  lua_Integer n = 0;
  for (const vocabulary_entry *e = v->entries; e->code; e++) {
    lua_pushstring(L, e->code);
    lua_rawseti(L, -2, ++n);
  }
  return 1;
}

/* label(name, code) -> Russian label | nil */
static int vocabulary_lua_label(lua_State *L) {
  const vocabulary *v = check_vocabulary(L);
  const vocabulary_entry *e = vocabulary_entry_of(v, luaL_checkstring(L, 2));
  if (e) lua_pushstring(L, e->label);
  else lua_pushnil(L);
  return 1;
}

/* fold(text) -> lower case for ASCII and Cyrillic, Ё as е, trimmed */
static int vocabulary_lua_fold(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  luaL_Buffer b;
  char *buf = luaL_buffinitsize(L, &b, len * 2 + 8);
  if (!text_fold(s, buf, len * 2 + 8)) return luaL_error(L, _("vocabulary.fold: text too long"));
  luaL_pushresultsize(&b, strlen(buf));
  return 1;
}

int luaopen_pdmon_vocabulary(lua_State *L) {
  static const luaL_Reg functions[] = {{"code", vocabulary_lua_code}, {"members", vocabulary_lua_members},
                                       {"codes", vocabulary_lua_codes}, {"label", vocabulary_lua_label}, {"fold", vocabulary_lua_fold},
                                       {NULL, NULL}};
  luaL_newlib(L, functions);
  return 1;
}
