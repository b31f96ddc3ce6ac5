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

/* Pushes a handle with no view yet. It is made before the view is opened
 * so that nothing can fail between opening the view and handing it over. */
void lua_store_push(lua_State *L);

/* Gives the handle at index its view (and the SQL functions the stdlib
 * calls); the handle owns the view from then on and closes it when it is
 * closed or collected. Never fails. */
void lua_store_attach(lua_State *L, int index, rule_view *view);

#endif
