/* sandbox.c: Lua states for code that comes from outside the team (rule packs, REPL input). The
 * promises are in sandbox.h. */
#include "sandbox.h"

#include "lua_patterns.h"
#include "i18n.h"

#include <lauxlib.h>
#include <lualib.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Instructions between two calls of the budget hook. */
#define HOOK_STEP 1000

struct sandbox {
  lua_State *L;
  size_t memory_used;      /* bytes the allocator has handed out */
  size_t memory_limit;
  long long budget;        /* steps allowed between rearms: Lua instructions and C-level work */
  long long executed;      /* steps counted since the last rearm */
  int budget_exceeded;     /* set once the budget is spent; makes pcall re-raise */
  int memory_exceeded;     /* set by the allocator; makes pcall re-raise */
  int last_error_memory;   /* the last call's error was running out of memory */
  volatile sig_atomic_t interrupted; /* set by sandbox_interrupt (a signal handler) */
  char spent_reason[512];  /* the message of the call that spent the budget */
  int env_ref;             /* registry reference to the frozen globals */
};

static void fire_hook_now(sandbox *sb);

/* Charges a step per 64 bytes allocated: building strings (s .. t,
 * s:upper(), table.concat) is C-level work one instruction can start, so
 * a loop of few instructions over huge strings still spends the budget.
 * Past the budget the hook fires at the next instruction. */
static void charge_bytes(sandbox *sb, size_t bytes) {
  sb->executed += (long long)(bytes >> 6);
  if (sb->executed > sb->budget && !sb->budget_exceeded && sb->L) {
    sb->budget_exceeded = 1;
    fire_hook_now(sb);
  }
}

/* The allocator: refuses to grow past the cap and marks the refusal, so a
 * pcall in the sandboxed code cannot treat it as an ordinary error. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  sandbox *sb = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    sb->memory_used -= old;
    return NULL;
  }
  if (nsize > old && sb->memory_used - old + nsize > sb->memory_limit) {
    sb->memory_exceeded = 1;
    return NULL;
  }
  void *grown = realloc(ptr, nsize);
  if (grown) sb->memory_used = sb->memory_used - old + nsize;
  if (grown && nsize > old) charge_bytes(sb, nsize - old);
  return grown;
}

static sandbox *sandbox_of(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  return ud;
}

sandbox *sandbox_from_lua(lua_State *L) {
  void *ud;
  return lua_getallocf(L, &ud) == capped_alloc ? ud : NULL;
}

static void budget_hook(lua_State *L, lua_Debug *ar);

/* Makes the hook fire on the next instruction and on every one after.
 * Instructions only: a call or return hook would also fire when the
 * core's own C functions return, failing the core's work instead of the
 * rule's. */
static void fire_hook_now(sandbox *sb) {
  lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, 1);
}

/* Counts instructions; once the budget is spent (or Ctrl-C was pressed) it
 * fires on every instruction, so neither pcall nor an error handler can
 * carry on. */
static void budget_hook(lua_State *L, lua_Debug *ar) {
  sandbox *sb = sandbox_of(L);
  if (sb->interrupted) {
    sb->budget_exceeded = 1;
    luaL_error(L, "interrupted");
  }
  if (!sb->budget_exceeded) sb->executed += HOOK_STEP;
  if (sb->executed <= sb->budget && !sb->budget_exceeded) return;
  if (!sb->budget_exceeded) {
    sb->budget_exceeded = 1;
    fire_hook_now(sb);
  }
  lua_getinfo(L, "Sl", ar);
  if (ar->currentline > 0)
    lua_pushfstring(L, _("%s:%d: instruction budget exceeded (%I steps): an endless loop?"),
                    ar->short_src, ar->currentline, (lua_Integer)sb->budget);
  else
    lua_pushfstring(L, _("instruction budget exceeded (%I steps): an endless loop?"),
                    (lua_Integer)sb->budget);
  lua_error(L);
}

int sandbox_charge(sandbox *sb, long long steps) {
  if (sb->interrupted) {
    sb->budget_exceeded = 1;
    fire_hook_now(sb);
    return -1;
  }
  sb->executed += steps;
  if (sb->executed <= sb->budget && !sb->budget_exceeded) return 0;
  if (!sb->budget_exceeded) {
    sb->budget_exceeded = 1;
    fire_hook_now(sb);
  }
  return -1;
}

int sandbox_raise_spent(lua_State *L) {
  sandbox *sb = sandbox_of(L);
  if (sb->interrupted) return luaL_error(L, "interrupted");
  return luaL_error(L, _("instruction budget exceeded (%I steps): an endless loop or a query"
                       " without end?"), (lua_Integer)sb->budget);
}

void sandbox_interrupt(sandbox *sb) {
  sb->interrupted = 1;
  fire_hook_now(sb);
}

int sandbox_interrupted(const sandbox *sb) { return sb->interrupted != 0; }

int sandbox_spent(const sandbox *sb) { return sb->budget_exceeded || sb->interrupted; }

const char *sandbox_spent_reason(const sandbox *sb) { return sb->spent_reason; }

/* pcall and xpcall for sandboxed code: like Lua's, except that running out
 * of instructions or memory is re-raised instead of caught. */
static int finish_protected(lua_State *L, int status, int base) {
  sandbox *sb = sandbox_of(L);
  if (status != LUA_OK && (sb->budget_exceeded || sb->memory_exceeded)) {
    if (sb->memory_exceeded && status == LUA_ERRMEM)
      lua_pushliteral(L, "memory limit of the rule sandbox exceeded");
    return lua_error(L);
  }
  lua_pushboolean(L, status == LUA_OK);
  lua_insert(L, base);
  return lua_gettop(L) - base + 1;
}

static int safe_pcall(lua_State *L) {
  luaL_checkany(L, 1);
  int base = 1;
  int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  return finish_protected(L, status, base);
}

/* Message handler around the rule's own: when the error is the budget
 * hook's, Lua runs handlers with hooks disabled, so the rule's handler must
 * not run at all (it could loop for ever unseen). */
static int guarded_handler(lua_State *L) {
  sandbox *sb = sandbox_of(L);
  if (sb->budget_exceeded || sb->memory_exceeded) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int safe_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_handler, 1);
  lua_replace(L, 2);
  lua_pushvalue(L, 1);
  lua_copy(L, 2, 1);
  lua_replace(L, 2); /* stack: handler, f, args... */
  int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
  return finish_protected(L, status, 2);
}

/* load for sandboxed code: text only, and the environment defaults to the
 * caller's sandbox environment (upvalue 1), never the real globals. */
static int safe_load(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  const char *name = luaL_optstring(L, 2, "=(load)");
  const char *mode = luaL_optstring(L, 3, "t");
  if (strcmp(mode, "t") != 0) return luaL_error(L, _("load: only text chunks are allowed (mode \"t\")"));
  int env = lua_isnone(L, 4) ? lua_upvalueindex(1) : 4;
  if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushvalue(L, env);
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  return 1;
}

/* print for sandboxed code: to standard error, so that a rule's debugging
 * output never mixes with a report on standard output. */
static int safe_print(lua_State *L) {
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    size_t len;
    const char *s = luaL_tolstring(L, i, &len);
    if (i > 1) fputc('\t', stderr);
    fwrite(s, 1, len, stderr);
    lua_pop(L, 1);
  }
  fputc('\n', stderr);
  return 0;
}

/* setmetatable for sandboxed code: Lua's own (lbaselib's), without __gc,
 * because finalizers run with hooks disabled and would escape the
 * instruction budget. Written out rather than forwarded, so that its
 * errors name the rule's file and line. */
static int safe_setmetatable(lua_State *L) {
  int t = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, _("setmetatable: __gc metamethods are not allowed in rules"));
    lua_pop(L, 1);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, _("cannot change a protected metatable"));
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

static int refuse_write(lua_State *L) {
  return luaL_error(L, _("attempt to modify a read-only table (%s)"), luaL_optstring(L, 2, "?"));
}

/* Registry key of the weak table that maps a table to its read-only view,
 * so that a table has one view and views compare equal. */
static const char readonly_cache_key[] = "pdmon.readonly";

/* __index of a view: the field of the table behind it (upvalue 1), itself
 * seen read-only when it is a table. Raw, so no metamethod of the table
 * behind runs. */
static int readonly_index(lua_State *L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  sandbox_push_readonly(L, -1);
  return 1;
}

static int readonly_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
  return 1;
}

/* The iterator pairs() returns for a view: the next key of the table
 * behind (upvalue 1) and its value seen read-only; the table itself is
 * never handed out. */
static int readonly_next(lua_State *L) {
  lua_settop(L, 2);
  if (!lua_next(L, lua_upvalueindex(1))) return 0;
  sandbox_push_readonly(L, -1);
  lua_remove(L, -2);
  return 2;
}

static int readonly_pairs(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushcclosure(L, readonly_next, 1);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

void sandbox_push_readonly(lua_State *L, int index) {
  index = lua_absindex(L, index);
  if (lua_type(L, index) != LUA_TTABLE || lua_getmetatable(L, index)) {
    if (lua_type(L, index) == LUA_TTABLE) lua_pop(L, 1); /* the metatable */
    lua_pushvalue(L, index); /* not a plain table: a value, or an object guarding itself */
    return;
  }
  luaL_checkstack(L, 6, "read-only view");
  if (lua_getfield(L, LUA_REGISTRYINDEX, readonly_cache_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, readonly_cache_key);
  }
  lua_pushvalue(L, index);
  if (lua_rawget(L, -2) == LUA_TTABLE) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  lua_newtable(L);               /* the view */
  lua_createtable(L, 0, 5);      /* its metatable */
  lua_pushvalue(L, index);
  lua_pushcclosure(L, readonly_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, refuse_write);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, index);
  lua_pushcclosure(L, readonly_len, 1);
  lua_setfield(L, -2, "__len");
  lua_pushvalue(L, index);
  lua_pushcclosure(L, readonly_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushliteral(L, "read-only");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, index);
  lua_pushvalue(L, -2);
  lua_rawset(L, -4);             /* cache[table] = view */
  lua_remove(L, -2);
}

int sandbox_readonly_function(lua_State *L) {
  lua_settop(L, 1);
  sandbox_push_readonly(L, 1);
  return 1;
}

/* Replaces the table on top of the stack by a read-only view of it. */
static void freeze(lua_State *L) {
  sandbox_push_readonly(L, -1);
  lua_remove(L, -2);
}

/* Copies the named fields of the table at src into a new table, pushes it. */
static void copy_fields(lua_State *L, int src, const char *const *names) {
  lua_newtable(L);
  for (int i = 0; names[i]; i++) {
    lua_getfield(L, src, names[i]);
    lua_setfield(L, -2, names[i]);
  }
}

static const char *const base_names[] = {"assert", "error", "ipairs", "next", "pairs", "select",
  "tonumber", "tostring", "type", "rawequal", "rawlen", "rawget", "getmetatable",
  "setmetatable", "_VERSION", NULL};
static const char *const string_names[] = {"byte", "char", "find", "format", "gmatch", "gsub",
  "len", "lower", "match", "rep", "reverse", "sub", "upper", "pack", "packsize", "unpack", NULL};
static const char *const table_names[] = {"concat", "insert", "move", "pack", "remove", "sort",
  "unpack", NULL};
static const char *const math_names[] = {"abs", "ceil", "cos", "deg", "exp", "floor", "fmod",
  "huge", "log", "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random",
  "randomseed", "sin", "sqrt", "tan", "tointeger", "type", "ult", "atan", "asin", "acos", NULL};
static const char *const utf8_names[] = {"char", "charpattern", "codes", "codepoint", "len",
  "offset", NULL};
static const char *const os_names[] = {"time", "date", "clock", "difftime", NULL};

/* Builds the frozen table of allowed globals and keeps it in the registry. */
static void build_allowed_globals(sandbox *sb) {
  lua_State *L = sb->L;
  lua_pushglobaltable(L);
  int g = lua_gettop(L);
  copy_fields(L, g, base_names);
  int allowed = lua_gettop(L);
  static const struct { const char *name; const char *const *fields; } libs[] = {
    {"string", string_names}, {"table", table_names}, {"math", math_names},
    {"utf8", utf8_names}, {"os", os_names}};
  for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
    lua_getfield(L, g, libs[i].name);
    copy_fields(L, lua_gettop(L), libs[i].fields);
    freeze(L);
    lua_setfield(L, allowed, libs[i].name);
    lua_pop(L, 1);
  }
  lua_pushcfunction(L, safe_pcall);
  lua_setfield(L, allowed, "pcall");
  lua_pushcfunction(L, safe_xpcall);
  lua_setfield(L, allowed, "xpcall");
  lua_pushcfunction(L, safe_print);
  lua_setfield(L, allowed, "print");
  lua_pushcfunction(L, safe_setmetatable);
  lua_setfield(L, allowed, "setmetatable");
  sb->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pop(L, 1);
}

/* Opens the standard libraries in the real globals, which sandboxed code
 * never sees, and closes the holes that reach past the environment: the
 * string metatable is protected and string.dump removed from it. */
static void open_libraries(lua_State *L) {
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string},
    {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
    {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_OSLIBNAME, luaopen_os}, {NULL, NULL}};
  for (const luaL_Reg *lib = libs; lib->func; lib++) {
    luaL_requiref(L, lib->name, lib->func, 1);
    lua_pop(L, 1);
  }
  lua_getglobal(L, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_patterns_install(L, -1); /* also what ("x"):find(...) reaches */
  lua_pop(L, 1);
  lua_getglobal(L, "table");
  lua_patterns_install_table(L, -1);
  lua_pop(L, 1);
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
}

/* A positive whole number from the environment variable name, with an
 * optional K, M or G suffix (powers of 1024), else fallback. */
static long long limit_from_environment(const char *name, long long fallback) {
  const char *text = getenv(name);
  if (!text || !*text) return fallback;
  char *end;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  long long scale = *end == 'K' ? 1024LL : *end == 'M' ? 1024LL * 1024 : *end == 'G' ? 1024LL * 1024 * 1024 : 1;
  if (scale > 1) end++;
  if (errno || *end || v <= 0 || v > (1LL << 50) / scale) {
    fprintf(stderr, _("pdmon: %s=%s is not a positive number; using %lld\n"), name, text, fallback);
    return fallback;
  }
  return v * scale;
}

sandbox_limits sandbox_default_limits(void) {
  sandbox_limits limits = {
    (size_t)limit_from_environment("PDMON_MEMORY_LIMIT", 256LL * 1024 * 1024),
    limit_from_environment("PDMON_INSTRUCTION_LIMIT", 2000LL * 1000 * 1000)};
  return limits;
}

/* The last resort: an error outside every protected call is a bug of the
 * core, not of a rule. It is reported and the program ends with status 70
 * (EX_SOFTWARE) instead of abort()'s core dump. */
static int report_panic(lua_State *L) {
  const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(an error object that is not a string)";
  fprintf(stderr, _("pdmon: internal error: unprotected error in the rule sandbox: %s\n"), msg);
  fflush(stderr);
  exit(70);
}

sandbox *sandbox_new(sandbox_limits limits) {
  sandbox *sb = calloc(1, sizeof *sb);
  if (!sb) return NULL;
  sb->memory_limit = limits.memory_bytes;
  sb->budget = limits.instructions;
  sb->L = lua_newstate(capped_alloc, sb);
  if (!sb->L) {
    free(sb);
    return NULL;
  }
  lua_atpanic(sb->L, report_panic);
  open_libraries(sb->L);
  build_allowed_globals(sb);
  sandbox_rearm(sb);
  return sb;
}

lua_State *sandbox_lua(sandbox *sb) { return sb->L; }

void *sandbox_alloc(sandbox *sb, size_t size) { return capped_alloc(sb, NULL, 0, size); }

void sandbox_dealloc(sandbox *sb, void *ptr, size_t size) {
  if (ptr) capped_alloc(sb, ptr, size, 0);
}

void sandbox_add_budget(sandbox *sb, long long steps) {
  if (steps > 0) sb->executed -= steps;
}

void sandbox_rearm(sandbox *sb) {
  sb->executed = 0;
  sb->budget_exceeded = 0;
  sb->memory_exceeded = 0;
  sb->interrupted = 0;
  sb->spent_reason[0] = '\0';
  lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, HOOK_STEP);
}

/* __index of an environment: allowed globals, else an error naming the
 * place of the read, which catches typos in rule files. */
static int strict_index(lua_State *L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  luaL_where(L, 1); /* level 1: the code that read the name */
  const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
  lua_pushfstring(L, _("undefined name '%s'"), key);
  lua_concat(L, 2);
  return lua_error(L);
}

void sandbox_push_env(sandbox *sb) {
  lua_State *L = sb->L;
  lua_newtable(L);
  lua_createtable(L, 0, 2);
  lua_rawgeti(L, LUA_REGISTRYINDEX, sb->env_ref);
  lua_pushcclosure(L, strict_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, "_G");
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, safe_load, 1);
  lua_setfield(L, -2, "load");
}

int sandbox_load(sandbox *sb, const char *text, size_t len, const char *chunkname, int env_index) {
  lua_State *L = sb->L;
  env_index = lua_absindex(L, env_index);
  int status = luaL_loadbufferx(L, text, len, chunkname, "t");
  if (status != LUA_OK) return status;
  lua_pushvalue(L, env_index);
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  return LUA_OK;
}

/* Copies the error on top into err and pops it; after memory ran out the
 * next call may allocate again (the budget stays spent). */
static void take_error(sandbox *sb, int status, char *err, size_t errlen) {
  lua_State *L = sb->L;
  sb->last_error_memory = status == LUA_ERRMEM || sb->memory_exceeded;
  if (sb->last_error_memory)
    snprintf(err, errlen, _("memory limit of the rule sandbox exceeded (%zu bytes)"), sb->memory_limit);
  else if (lua_type(L, -1) == LUA_TSTRING)
    snprintf(err, errlen, "%s", lua_tostring(L, -1));
  else
    snprintf(err, errlen, _("error object is a %s value"), luaL_typename(L, -1));
  if ((sb->budget_exceeded || sb->interrupted) && !sb->spent_reason[0])
    snprintf(sb->spent_reason, sizeof sb->spent_reason, "%s", err);
  lua_pop(L, 1);
  sb->memory_exceeded = 0;
  lua_gc(L, LUA_GCCOLLECT);
}

int sandbox_call(sandbox *sb, int nargs, int nresults, char *err, size_t errlen) {
  int status = lua_pcall(sb->L, nargs, nresults, 0);
  if (status != LUA_OK) take_error(sb, status, err, errlen);
  return status;
}

int sandbox_protected(sandbox *sb, lua_CFunction fn, void *data, int nargs, int nresults, char *err, size_t errlen) {
  lua_State *L = sb->L;
  if (!lua_checkstack(L, 3)) {
    snprintf(err, errlen, _("memory limit of the rule sandbox exceeded (stack)"));
    return LUA_ERRMEM;
  }
  lua_pushcfunction(L, fn);
  lua_pushlightuserdata(L, data);
  lua_rotate(L, -nargs - 2, 2); /* fn, data, args... */
  return sandbox_call(sb, nargs + 1, nresults, err, errlen);
}

size_t sandbox_memory_used(const sandbox *sb) { return sb->memory_used; }

int sandbox_last_error_was_memory(const sandbox *sb) { return sb->last_error_memory; }

void sandbox_free(sandbox *sb) {
  if (!sb) return;
  lua_gc(sb->L, LUA_GCCOLLECT);
  lua_close(sb->L);
  free(sb);
}
