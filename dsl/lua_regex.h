/* lua_regex: PCRE2 for rules. Patterns are UTF-8 with Unicode properties,
 * so \w and case-insensitive matching work on Cyrillic; every match runs
 * under match, depth and heap limits and on a capped subject length, so a
 * pathological pattern fails instead of hanging the evaluation. */
#ifndef PDMON_LUA_REGEX_H
#define PDMON_LUA_REGEX_H

#include <lua.h>
#include <sqlite3.h>

/* Returns the module table: regex.compile(pattern [, flags]) where flags
 * may hold "i" (caseless), "s" (dot matches newline) and "x" (extended). */
int luaopen_pdmon_regex(lua_State *L);

/* Registers pdmon_matches(text, pattern) on db for the sets' matches():
 * caseless, UTF-8, under the same limits. Returns 0, or -1 when SQLite
 * refuses. */
int lua_regex_register_sql(sqlite3 *db);

#endif
