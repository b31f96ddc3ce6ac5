/* fuzz_phrase: libFuzzer target for the phrase parsers of the stdlib, run
 * in the rule sandbox as the engine runs them: targets.parse (the target
 * phrases packs copy from the documents, "К 2024 году - не менее 66,6%")
 * and schedule.parse (the roadmaps' dates, "Январь-апрель 2022-2024").
 * The phrases come from pack files and imported roadmaps, so whatever the
 * text, the parse may fail with a Lua error or return nil and a message,
 * but it must not crash the process or trip ASan/UBSan in the C the regex
 * and sandbox layers run under it (lua_regex.c over PCRE2, sandbox.c).
 *
 * The input is "PHRASE" or "PHRASE\nSTAGE" (the roadmap's stage heading
 * the schedule is read under). As in the engine, one sandbox is created
 * for the process (libFuzzer calls us many times) and each input is one
 * unit of work with a fresh budget. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "sandbox.h"
#include "stdlib_loader.h"

/* The sandbox and the stack slots of the two modules, set up once. */
static sandbox *fuzz_sandbox;
static int targets_index, schedule_index;

typedef struct phrase_input {
  const char *phrase, *stage;
  size_t phrase_len, stage_len;
} phrase_input;

/* Aborts (a finding) unless a parser's results keep its promise: a value,
 * or nil and a string saying what is wrong. */
static void check_results(lua_State *L, const char *parser) {
  if (lua_isnil(L, -2) && lua_type(L, -1) != LUA_TSTRING) {
    fprintf(stderr, "%s returned nil without a message\n", parser);
    abort();
  }
  lua_pop(L, 2);
}

/* In the protected call: targets.parse(phrase), schedule.parse(phrase,
 * {2021, 2024}, stage). Arguments: 1 the input, 2 targets, 3 schedule. */
static int parse_phrase(lua_State *L) {
  const phrase_input *in = lua_touserdata(L, 1);
  lua_getfield(L, 2, "parse");
  lua_pushlstring(L, in->phrase, in->phrase_len);
  lua_call(L, 1, 2);
  check_results(L, "targets.parse");
  lua_getfield(L, 3, "parse");
  lua_pushlstring(L, in->phrase, in->phrase_len);
  lua_createtable(L, 2, 0);
  lua_pushinteger(L, 2021);
  lua_rawseti(L, -2, 1);
  lua_pushinteger(L, 2024);
  lua_rawseti(L, -2, 2);
  if (in->stage) lua_pushlstring(L, in->stage, in->stage_len);
  else lua_pushnil(L);
  lua_call(L, 3, 2);
  check_results(L, "schedule.parse");
  return 0;
}

/* Creates the sandbox and loads the two modules, as the engine does once
 * per run (a smaller budget than the engine's, so a slow phrase shows up
 * as a spent budget rather than a libFuzzer timeout). */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  sandbox_limits limits = {64u * 1024 * 1024, 20LL * 1000 * 1000};
  char err[512];
  fuzz_sandbox = sandbox_new(limits);
  if (!fuzz_sandbox || stdlib_push_module(fuzz_sandbox, "targets", err, sizeof err) != 0 ||
      stdlib_push_module(fuzz_sandbox, "schedule", err, sizeof err) != 0) {
    fprintf(stderr, "fuzz_phrase: cannot set up the sandbox: %s\n", fuzz_sandbox ? err : "out of memory");
    exit(1);
  }
  lua_State *L = sandbox_lua(fuzz_sandbox);
  targets_index = lua_gettop(L) - 1;
  schedule_index = lua_gettop(L);
  return 0;
}

/* Parses one input; a Lua error (a refused phrase, a spent budget) is an
 * answer, not a finding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  phrase_input in = {.phrase = (const char *)data, .phrase_len = size};
  const char *newline = memchr(data, '\n', size);
  if (newline) {
    in.phrase_len = (size_t)(newline - in.phrase);
    in.stage = newline + 1;
    in.stage_len = size - in.phrase_len - 1;
  }
  lua_State *L = sandbox_lua(fuzz_sandbox);
  char err[1024];
  sandbox_rearm(fuzz_sandbox);
  lua_pushvalue(L, targets_index);
  lua_pushvalue(L, schedule_index);
  (void)sandbox_protected(fuzz_sandbox, parse_phrase, &in, 2, 0, err, sizeof err);
  /* what the input allocated is freed before it ends, so libFuzzer's leak
   * check (which runs LeakSanitizer when an input mallocs more than it
   * frees) stays quiet for the garbage a later collection would free */
  lua_gc(L, LUA_GCCOLLECT);
  if (lua_gettop(L) != schedule_index) {
    fprintf(stderr, "fuzz_phrase: the protected call left %d values on the stack\n", lua_gettop(L) - schedule_index);
    abort();
  }
  return 0;
}
