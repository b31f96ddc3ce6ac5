/* lua_patterns: the bounded string.find, match, gmatch, gsub, rep and
 * table.move give what Lua 5.4's own give (results and error messages), on
 * hand-picked cases and on many generated ones, and they stop with the
 * budget where Lua's run for ever. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"
#include "stdlib_loader.h"

typedef struct fixture {
  lua_State *reference; /* Lua's own string library */
  sandbox *sb;          /* the sandbox, with the bounded one */
} fixture;

/* Serializes every result of "return CODE" (or the error) into out. */
static void outcome(lua_State *L, sandbox *sb, const char *code, char *out, size_t outlen) {
  int top = lua_gettop(L);
  char chunk[4096];
  snprintf(chunk, sizeof chunk, "local results = table.pack(%s)\n"
                                "local out = {}\n"
                                "for i = 1, results.n do out[i] = type(results[i]) .. ':' .. tostring(results[i]) end\n"
                                "return table.concat(out, '|')", code);
  if (sb) {
    sandbox_rearm(sb);
    sandbox_push_env(sb);
    if (sandbox_load(sb, chunk, strlen(chunk), "=case", -1) != LUA_OK) {
      snprintf(out, outlen, "load: %s", lua_tostring(L, -1));
      lua_settop(L, top);
      return;
    }
    char err[1024];
    if (sandbox_call(sb, 0, 1, err, sizeof err) != LUA_OK) snprintf(out, outlen, "error: %s", err);
    else snprintf(out, outlen, "%s", lua_tostring(L, -1));
  } else {
    if (luaL_loadbuffer(L, chunk, strlen(chunk), "=case") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
      snprintf(out, outlen, "error: %s", lua_tostring(L, -1));
    else snprintf(out, outlen, "%s", lua_tostring(L, -1));
  }
  lua_settop(L, top);
}

static void same(fixture *f, const char *code) {
  char want[8192], got[8192];
  outcome(f->reference, NULL, code, want, sizeof want);
  outcome(sandbox_lua(f->sb), f->sb, code, got, sizeof got);
  if (strcmp(want, got) != 0) {
    print_error("case: %s\nLua:     %s\nbounded: %s\n", code, want, got);
    fail();
  }
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->reference = luaL_newstate();
  luaL_openlibs(f->reference);
  sandbox_limits limits = {64u * 1024u * 1024u, 20LL * 1000 * 1000};
  f->sb = sandbox_new(limits);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  lua_close(f->reference);
  sandbox_free(f->sb);
  free(f);
  return 0;
}

static void hand_picked_cases_agree(void **state) {
  fixture *f = *state;
  static const char *const cases[] = {
    "string.find('hello world', 'o w')", "string.find('hello world', 'o', 6)", "string.find('hello', 'l', -2)",
    "string.find('hello', '')", "string.find('hello', '', 10)", "string.find('hello', '', 6)",
    "string.find('a.b', '.', 1, true)", "string.find('a+b', '+', 1, true)", "string.find('abc', 'b', -100)",
    "string.find('hello', 'h(e)(l+)')", "string.find('hello', '()ll()')", "string.find('x', '^x$')",
    "string.match('  trim me  ', '^%s*(.-)%s*$')", "string.match('key = value', '(%w+)%s*=%s*(%w+)')",
    "string.match('2023-09-01', '(%d+)-(%d+)-(%d+)')", "string.match('abc', '^(a)(b)(c)$')",
    "string.match('THE (quick) fox', '%((%a+)%)')", "string.match('[[x]]', '%[%[(.-)%]%]')",
    "string.match('f(a(b)c)d', '%b()')", "string.match('THE quick', '%f[%a]%a+')", "string.match('aaa', 'a-b')",
    "string.match('aaab', 'a-b')", "string.match('abab', '(ab)%1')", "string.match('x', '()')",
    "string.match('hello', '.-(l+)(.*)')", "string.match('a,b,,c', '([^,]*)')", "string.match('ab', '[a-]+')",
    "string.match('a-b', '[%-a]+')", "string.match('a]b', '[]]')", "string.match('a^b', '[%^b]+')",
    "string.match('abc', '[^a]+')", "string.match('x1y2', '%d')", "string.match('x1y2', '%D+')",
    "string.match('   ', '%S')", "string.match('Hello', '%u%l+')", "string.match('a\\0b', 'a%zb')",
    "string.match('a\\0b', 'a.b')", "string.match('café', 'caf.')", "string.match('ab', 'a?b')",
    "string.match('b', 'a?b')", "string.match('aab', 'a*b')", "string.match('b', 'a+b')",
    "string.match('x$', 'x$')", "string.match('a$b', 'a$b')", "string.match('^x', '^^x')",
    "string.match('hello', 'l', 4)", "string.match('hello', 'l', 10)",
    "string.gsub('hello world', 'o', '0')", "string.gsub('hello world', '(%w+)', '%1 %1')",
    "string.gsub('hello world', '%w+', '%0 %0', 1)", "string.gsub('abc', '', '-')",
    "string.gsub('hello', 'l+', function(s) return '[' .. s .. ']' end)",
    "string.gsub('$name-$v', '%$(%w+)', { name = 'lua', v = 5.4 })", "string.gsub('abc', '%w', { a = false, b = 'B' })",
    "string.gsub('abc', '^a', 'A')", "string.gsub('aaa', '^a', 'b')", "string.gsub('abc', 'b', '%%')",
    "string.gsub('abc', '()b()', '%1%2')", "string.gsub('abc', '.', { a = 1, b = true })",
    "string.gsub('hello world', '(o)', '%1%1', 0)", "string.gsub('x', 'x', '%2')",
    "string.gsub('x', '(x)', '%q')", "string.gsub('abc', '%w', 7)", "string.gsub('abc', 'b', {})",
    "string.gsub('ab', 'b', function() return {} end)", "string.gsub('abc', '(', 'x')",
    "string.find('abc', '[a')", "string.find('abc', '%')", "string.find('abc', '(()')", "string.find('abc', ')')",
    "string.find('abc', '%1')", "string.find('abc', '(a)%2')", "string.find('abc', '%b')", "string.find('abc', '%f')",
    "string.find('abc', '%fx')", "string.match('a', string.rep('(', 33) .. 'a' .. string.rep(')', 33))",
    "string.match(string.rep('a', 300), string.rep('a?', 300))",
    "string.rep('ab', 3)", "string.rep('ab', 3, ',')", "string.rep('x', 0)", "string.rep('x', -1)", "string.rep('', 5)",
    "string.rep('', 5, ',')", "string.rep('x', 1, ',')",
    "table.concat(table.move({1, 2, 3}, 1, 3, 2), ',')", "table.concat(table.move({1, 2, 3}, 2, 1, 1), ',')",
    "table.concat(table.move({1, 2}, 1, 2, 1, {9, 9, 9}), ',')",
    "('hello'):find('l')", "('x=1, y=2'):gsub('(%w+)=(%w+)', '%2=%1')",
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) same(f, cases[i]);
  /* gmatch, with and without captures, anchors and empty matches */
  static const char *const loops[] = {
    "(function() local t = {} for w in string.gmatch('one two three', '%a+') do t[#t+1] = w end return table.concat(t, ',') end)()",
    "(function() local t = {} for k, v in string.gmatch('a=1, b=2', '(%w+)=(%w+)') do t[#t+1] = k .. v end return table.concat(t, ',') end)()",
    "(function() local t = {} for w in string.gmatch('abc', '') do t[#t+1] = '[' .. w .. ']' end return table.concat(t) end)()",
    "(function() local t = {} for w in string.gmatch('a,,b', '([^,]*)') do t[#t+1] = '[' .. w .. ']' end return table.concat(t) end)()",
    "(function() local t = {} for p in string.gmatch('abc', '()') do t[#t+1] = p end return table.concat(t, ',') end)()",
    "(function() local t = {} for w in string.gmatch('^a^a', '^a') do t[#t+1] = w end return #t end)()",
    "(function() local t = {} for w in string.gmatch('one two', '%a+', 4) do t[#t+1] = w end return table.concat(t, ',') end)()",
    "(function() local t = {} for w in string.gmatch('one', '%a', 10) do t[#t+1] = w end return #t end)()",
  };
  for (size_t i = 0; i < sizeof loops / sizeof *loops; i++) same(f, loops[i]);
}

/* Patterns and subjects generated from the pattern language's own
 * characters: every outcome, errors included, must be Lua's. */
static void generated_cases_agree(void **state) {
  fixture *f = *state;
  static const char *const atoms[] = {"a", "b", ".", "%a", "%d", "%s", "%w", "[ab]", "[^a]", "[a-c]", "%%", "(", ")", "()",
                                      "*", "+", "-", "?", "^", "$", "%b()", "%f[%w]", "%1", "[%a-]", "%", "[", "]"};
  static const char *const subjects[] = {"", "a", "ab", "aab", "abba", "a1 b2", "(a(b)c)", "aaaa", " x ", "a-b", "ba$"};
  uint32_t seed = 20240901;
  for (int i = 0; i < 4000; i++) {
    char pattern[64] = "";
    int atoms_in = 1 + (int)((seed = seed * 1664525u + 1013904223u) >> 29);
    for (int k = 0; k < atoms_in; k++) {
      seed = seed * 1664525u + 1013904223u;
      strncat(pattern, atoms[(seed >> 8) % (sizeof atoms / sizeof *atoms)], sizeof pattern - strlen(pattern) - 1);
    }
    seed = seed * 1664525u + 1013904223u;
    const char *subject = subjects[(seed >> 8) % (sizeof subjects / sizeof *subjects)];
    char quoted[80];
    size_t o = 0;
    for (const char *p = pattern; *p && o + 4 < sizeof quoted; p++) {
      if (*p == '\\' || *p == '\'') quoted[o++] = '\\';
      quoted[o++] = *p;
    }
    quoted[o] = '\0';
    char code[512];
    switch (i % 4) {
    case 0: snprintf(code, sizeof code, "string.find('%s', '%s')", subject, quoted); break;
    case 1: snprintf(code, sizeof code, "string.match('%s', '%s')", subject, quoted); break;
    case 2: snprintf(code, sizeof code, "string.gsub('%s', '%s', '<%%0>')", subject, quoted); break;
    default:
      snprintf(code, sizeof code, "(function() local t = {} for a, b in string.gmatch('%s', '%s') do"
               " t[#t+1] = tostring(a) .. tostring(b) end return table.concat(t, ';') end)()", subject, quoted);
    }
    same(f, code);
  }
}

/* What runs for ever in Lua's own string library stops with the budget. */
static void runaway_matches_stop(void **state) {
  fixture *f = *state;
  static const char *const runaway[] = {
    "string.find(string.rep('a', 40), string.rep('a-', 40) .. 'b')",
    "string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b')",
    "string.gsub(string.rep('x', 200000), '.-y', '')",
    "string.find(string.rep('a', 4000000), string.rep('a', 200000) .. 'b', 1, true)",
    "table.move({}, 1, 1 << 45, 2)",
    "(function() for w in string.gmatch(string.rep('a', 40), string.rep('a-', 40) .. 'b') do end end)()",
  };
  for (size_t i = 0; i < sizeof runaway / sizeof *runaway; i++) {
    char got[1024];
    outcome(sandbox_lua(f->sb), f->sb, runaway[i], got, sizeof got);
    if (!strstr(got, "instruction budget exceeded")) print_error("case: %s\ngot: %s\n", runaway[i], got);
    assert_non_null(strstr(got, "instruction budget exceeded"));
  }
  /* an empty string repeated without end is empty at once (Lua's own loops) */
  char empty[256];
  outcome(sandbox_lua(f->sb), f->sb, "string.rep('', 1 << 50)", empty, sizeof empty);
  assert_string_equal(empty, "string:");
  /* and a pcall in the rule does not swallow the stop */
  char got[1024];
  outcome(sandbox_lua(f->sb), f->sb, "pcall(string.find, string.rep('a', 40), string.rep('a-', 40) .. 'b'), 'escaped'", got,
          sizeof got);
  assert_non_null(strstr(got, "instruction budget exceeded"));
  /* Ctrl-C stops a match too */
  sandbox_rearm(f->sb);
  sandbox_interrupt(f->sb);
  assert_int_equal(sandbox_charge(f->sb, 1), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(hand_picked_cases_agree, setup, teardown),
    cmocka_unit_test_setup_teardown(generated_cases_agree, setup, teardown),
    cmocka_unit_test_setup_teardown(runaway_matches_stop, setup, teardown),
  };
  return cmocka_run_group_tests_name("patterns", tests, NULL, NULL);
}
