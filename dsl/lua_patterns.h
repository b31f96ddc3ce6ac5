/* lua_patterns: Lua's string patterns for rule code. string.find, match,
 * gmatch and gsub behave as Lua 5.4's (the same pattern language, results
 * and error messages), but every step of matching is charged to the
 * sandbox's budget and notices Ctrl-C: Lua's own matcher runs in C where
 * the instruction hook never fires, so a pattern that backtracks without
 * end (string.find(s, ("a-"):rep(30) .. "b")), a lazy gsub over a long
 * string or a plain find of a long needle in a long text ran unbounded.
 * string.rep with an empty result, which Lua loops over without copying
 * anything, and table.move over a huge range are bounded the same way. */
#ifndef PDMON_LUA_PATTERNS_H
#define PDMON_LUA_PATTERNS_H

#include <lua.h>

/* Replaces find, match, gmatch, gsub and rep in the table at index (a
 * copy of the string library) by their bounded versions. */
void lua_patterns_install(lua_State *L, int string_table);

/* Replaces move in the table at index (a copy of the table library). */
void lua_patterns_install_table(lua_State *L, int table_table);

#endif
