/* lua_store: the rules' handle on the read-only store connection. */
#ifndef PDMON_LUA_STORE_H
#define PDMON_LUA_STORE_H

#include <lua.h>
#include <sqlite3.h>

/* Registers the "pdmon.store" metatable; returns 1 value (an empty table)
 * as luaopen functions do. */
int luaopen_pdmon_store(lua_State *L);

/* Pushes a handle that takes ownership of db (a read-only connection) and
 * closes it when the handle is closed or collected. */
void lua_store_push(lua_State *L, sqlite3 *db);

#endif
