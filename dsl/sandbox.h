/* sandbox: Lua states for code that comes from outside the team (rule
 * packs, REPL input). A state gets only allow-listed libraries seen through
 * read-only views, loads text chunks only, runs under one budget of steps
 * for a whole unit of work (an evaluation, a REPL chunk) that pcall cannot
 * swallow and that C-level work (pattern matching, SQL) is charged to as
 * well, and allocates through a byte-capped allocator. C code reads Lua
 * values only inside sandbox_protected, so an error or a metamethod in rule
 * data is an error message, never a crash; an error outside every
 * protected call is reported and ends the program with status 70. */
#ifndef PDMON_SANDBOX_H
#define PDMON_SANDBOX_H

#include <stddef.h>
#include <lua.h>

typedef struct sandbox sandbox;

typedef struct sandbox_limits {
  size_t memory_bytes;     /* cap on everything the state allocates */
  long long instructions;  /* budget of steps between two sandbox_rearm calls */
} sandbox_limits;

/* Limits used when the caller has no reason to choose: 256 MiB and 2e9
 * steps, or $PDMON_MEMORY_LIMIT (bytes, K/M/G suffix) and
 * $PDMON_INSTRUCTION_LIMIT when the operator set them. */
sandbox_limits sandbox_default_limits(void);

/* Creates a state with the libraries opened and string.dump removed.
 * Returns NULL when memory runs out. */
sandbox *sandbox_new(sandbox_limits limits);

/* The state; owned by the sandbox. */
lua_State *sandbox_lua(sandbox *sb);

/* Gives the next unit of work (loading a pack, one evaluation, one REPL
 * chunk) a fresh budget and clears the "budget exceeded", "memory
 * exceeded" and "interrupted" marks. Calls between two rearms share one
 * budget: once it is spent every later call fails at its first step. */
void sandbox_rearm(sandbox *sb);

/* Adds steps to the budget of the current unit of work (an evaluation
 * grows with the rows it reads; see rule_view_rows). */
void sandbox_add_budget(sandbox *sb, long long steps);

/* The sandbox a state belongs to, or NULL for a state it did not create. */
sandbox *sandbox_from_lua(lua_State *L);

/* Charges steps of C-level work (a pattern match, an SQL statement) to the
 * budget. Returns 0, or -1 once the budget is spent or the work was
 * interrupted; the caller then raises with sandbox_raise_spent. */
int sandbox_charge(sandbox *sb, long long steps);

/* Raises the error of a spent budget (or "interrupted") on L. */
int sandbox_raise_spent(lua_State *L);

/* Stops the running code at its next step (Ctrl-C): safe to call from a
 * signal handler. C-level work notices it through sandbox_charge. */
void sandbox_interrupt(sandbox *sb);

/* 1 once sandbox_interrupt was called since the last rearm. */
int sandbox_interrupted(const sandbox *sb);

/* 1 once the budget is spent or the work interrupted (since the last rearm). */
int sandbox_spent(const sandbox *sb);

/* The message of the call that spent the budget ("" when none did). */
const char *sandbox_spent_reason(const sandbox *sb);

/* Pushes a read-only view of the table at index: reads (raw, so no
 * metamethod of the table runs), # and pairs() see its content, with every
 * table inside seen read-only too; writes are refused and neither
 * getmetatable nor pairs hands out the table behind. A value that is not a
 * plain table (a number, a function, a table with a metatable guarding
 * itself) is pushed as it is. One table has one view. */
void sandbox_push_readonly(lua_State *L, int index);

/* readonly(value) as a Lua function, for the stdlib's own objects. */
int sandbox_readonly_function(lua_State *L);

/* Pushes a fresh environment table: the allow-listed globals as frozen
 * read-only tables, reads of undefined globals raising an error that names
 * the file and line, and a protected metatable. */
void sandbox_push_env(sandbox *sb);

/* Loads a text chunk (binary chunks are refused) named chunkname (e.g.
 * "@rules/x/pack.lua") with the table at env_index as its _ENV. Returns a
 * LUA_* status and pushes the function or the error message. */
int sandbox_load(sandbox *sb, const char *text, size_t len, const char *chunkname, int env_index);

/* lua_pcall under the current budget; on failure copies a printable
 * message ("file:line: ...") into err and pops it. */
int sandbox_call(sandbox *sb, int nargs, int nresults, char *err, size_t errlen);

/* The one way C code reads Lua values: runs fn in a protected call with
 * data as light userdata at index 1 and the nargs values on top of the
 * stack as its arguments 2..nargs+1; fn may read any value, call Lua and
 * raise (luaL_error) freely. Returns LUA_OK with nresults on the stack, or
 * an error status with the message in err. */
int sandbox_protected(sandbox *sb, lua_CFunction fn, void *data, int nargs, int nresults, char *err, size_t errlen);

/* Memory for C libraries the rules drive (PCRE2), counted against the
 * same cap as the state's: NULL past the cap, which then stops the rule
 * as running out of memory does. size must be given back to dealloc. */
void *sandbox_alloc(sandbox *sb, size_t size);
void sandbox_dealloc(sandbox *sb, void *ptr, size_t size);

/* Bytes currently allocated by the state. */
size_t sandbox_memory_used(const sandbox *sb);

/* 1 when the error the last failed sandbox_call wrote was the memory limit:
 * Lua gives such an error no position, so the caller may name the file. */
int sandbox_last_error_was_memory(const sandbox *sb);

/* Runs a full garbage collection, closes the state and frees the sandbox. */
void sandbox_free(sandbox *sb);

#endif
