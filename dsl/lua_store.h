/* lua_store: the rules' handle on their view of the store (rule_view.h):
 * db:query(sql, ...) returns rows or nil and a message saying what was
 * wrong or refused. */
#ifndef PDMON_LUA_STORE_H
#define PDMON_LUA_STORE_H

#include <lua.h>

#include "rule_view.h"

/* Registers the "pdmon.store" metatable; returns 1 value (an empty table)
 * as luaopen functions do. */
int luaopen_pdmon_store(lua_State *L);

/* Pushes a handle that takes ownership of view and closes it when the
 * handle is closed or collected. */
void lua_store_push(lua_State *L, rule_view *view);

#endif
