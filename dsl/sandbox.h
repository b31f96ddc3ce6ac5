/* sandbox: Lua states for code that comes from outside the team (rule
 * packs, REPL input). A state gets only allow-listed libraries, loads text
 * chunks only, runs under an instruction budget that pcall cannot swallow,
 * and allocates through a byte-capped allocator. */
#ifndef PDMON_SANDBOX_H
#define PDMON_SANDBOX_H

#include <stddef.h>
#include <lua.h>

typedef struct sandbox sandbox;

typedef struct sandbox_limits {
  size_t memory_bytes;     /* cap on everything the state allocates */
  long long instructions;  /* budget between two sandbox_rearm calls */
} sandbox_limits;

/* Limits used when the caller has no reason to choose: 256 MiB, 2e9 instructions. */
sandbox_limits sandbox_default_limits(void);

/* Creates a state with the libraries opened and string.dump removed.
 * Returns NULL when memory runs out. */
sandbox *sandbox_new(sandbox_limits limits);

/* The state; owned by the sandbox. */
lua_State *sandbox_lua(sandbox *sb);

/* Gives the running code a fresh instruction budget and clears the
 * "budget exceeded" and "memory exceeded" marks. */
void sandbox_rearm(sandbox *sb);

/* Pushes a fresh environment table: the allow-listed globals as frozen
 * read-only tables, reads of undefined globals raising an error that names
 * the file and line, and a protected metatable. */
void sandbox_push_env(sandbox *sb);

/* Loads a text chunk (binary chunks are refused) named chunkname (e.g.
 * "@rules/x/pack.lua") with the table at env_index as its _ENV. Returns a
 * LUA_* status and pushes the function or the error message. */
int sandbox_load(sandbox *sb, const char *text, size_t len, const char *chunkname, int env_index);

/* lua_pcall with the budget rearmed first; on failure copies a printable
 * message ("file:line: ...") into err and pops it. */
int sandbox_call(sandbox *sb, int nargs, int nresults, char *err, size_t errlen);

/* Bytes currently allocated by the state. */
size_t sandbox_memory_used(const sandbox *sb);

/* Runs a full garbage collection, closes the state and frees the sandbox. */
void sandbox_free(sandbox *sb);

#endif
