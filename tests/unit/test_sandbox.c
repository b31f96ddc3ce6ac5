/* The sandbox under attack: every way out the Redis scripting CVEs and the
 * Lua manual suggest, and the two resource bombs, also inside pcall. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <string.h>

#include "sandbox.h"
#include "stdlib_loader.h"

static int setup(void **state) {
  sandbox_limits limits = {16u * 1024u * 1024u, 5LL * 1000 * 1000};
  sandbox *sb = sandbox_new(limits);
  *state = sb;
  return sb ? 0 : -1;
}

static int teardown(void **state) {
  sandbox_free(*state);
  return 0;
}

/* Runs code as the rule file "@rules/test.lua" in a fresh environment.
 * Returns the Lua status; err gets the message; one result stays in
 * *result as a string when the chunk returns one. */
static int run(sandbox *sb, const char *code, char *err, size_t errlen, char *result, size_t rlen) {
  lua_State *L = sandbox_lua(sb);
  int top = lua_gettop(L);
  err[0] = '\0';
  if (result) result[0] = '\0';
  sandbox_rearm(sb); /* each snippet is a unit of work with its own budget */
  sandbox_push_env(sb);
  stdlib_install_require(sb, -1);
  int status = sandbox_load(sb, code, strlen(code), "@rules/test.lua", -1);
  if (status != LUA_OK) {
    snprintf(err, errlen, "%s", lua_tostring(L, -1));
  } else {
    status = sandbox_call(sb, 0, 1, err, errlen);
    if (status == LUA_OK && result) snprintf(result, rlen, "%s", luaL_tolstring(L, -1, NULL));
  }
  lua_settop(L, top);
  return status;
}

#define EXPECT_ERROR(code, fragment)                                      \
  do {                                                                    \
    char err_[1024];                                                      \
    int st_ = run(sb, (code), err_, sizeof err_, NULL, 0);                \
    if (st_ == LUA_OK || !strstr(err_, (fragment)))                       \
      print_error("code: %s\nstatus %d, message: %s\n", (code), st_, err_); \
    assert_int_not_equal(st_, LUA_OK);                                    \
    assert_non_null(strstr(err_, (fragment)));                            \
  } while (0)

#define EXPECT_RESULT(code, expected)                                     \
  do {                                                                    \
    char err_[1024], res_[256];                                           \
    int st_ = run(sb, (code), err_, sizeof err_, res_, sizeof res_);      \
    if (st_ != LUA_OK) print_error("code: %s\nerror: %s\n", (code), err_); \
    assert_int_equal(st_, LUA_OK);                                        \
    assert_string_equal(res_, (expected));                                \
  } while (0)

static void ordinary_code_runs(void **state) {
  sandbox *sb = *state;
  EXPECT_RESULT("local t = {} for i = 1, 10 do t[#t+1] = i * i end return table.concat(t, ',')",
                "1,4,9,16,25,36,49,64,81,100");
  EXPECT_RESULT("return string.format('%.2f', 140 / 240 * 100)", "58.33");
  EXPECT_RESULT("return os.date('!%Y', 0)", "1970");
  EXPECT_RESULT("return utf8.len('Школа')", "5");
  EXPECT_RESULT("local ok, e = pcall(error, 'x') return tostring(ok) .. ' ' .. e", "false x");
  EXPECT_RESULT("return select('#', pcall(function() return 1, 2 end))", "3");
  EXPECT_RESULT("return xpcall(function() error({}) end, function(e) return 'handled' end) == false", "true");
  EXPECT_RESULT("return load('return 1 + 1')()", "2");
  EXPECT_RESULT("x = 5 return x", "5");
}

static void no_files_programs_or_modules(void **state) {
  sandbox *sb = *state;
  EXPECT_ERROR("return io.open('/etc/passwd')", "rules/test.lua:1: undefined name 'io'");
  EXPECT_ERROR("os.execute('id')", "rules/test.lua:1: attempt to call a nil value (field 'execute')");
  EXPECT_ERROR("return os.getenv('HOME')", "attempt to call a nil value (field 'getenv')");
  EXPECT_ERROR("os.remove('/tmp/x')", "field 'remove'");
  EXPECT_ERROR("return package.loadlib('libc.so.6', 'system')", "undefined name 'package'");
  EXPECT_ERROR("return debug.getregistry()", "undefined name 'debug'");
  EXPECT_ERROR("dofile('/etc/passwd')", "undefined name 'dofile'");
  EXPECT_ERROR("loadfile('/etc/passwd')", "undefined name 'loadfile'");
  EXPECT_ERROR("require 'os'", "no module 'os' in the pdmon standard library");
  EXPECT_ERROR("require 'io'", "no module 'io'");
  EXPECT_ERROR("collectgarbage()", "undefined name 'collectgarbage'");
  EXPECT_ERROR("rawset(_G, 'x', 1)", "undefined name 'rawset'");
  EXPECT_ERROR("local co = coroutine.create(print)", "undefined name 'coroutine'");
  /* load gives the sandbox environment, never the real globals */
  EXPECT_ERROR("return load('return io')()", "undefined name 'io'");
  EXPECT_ERROR("return load('return debug', 'x', 't', {})().traceback", "attempt to index a nil value");
}

static void no_binary_chunks(void **state) {
  sandbox *sb = *state;
  EXPECT_ERROR("return string.dump(print)", "attempt to call a nil value (field 'dump')");
  EXPECT_ERROR("return ('').dump(function() end)", "attempt to call a nil value (field 'dump')");
  EXPECT_ERROR("return load('\\27Lua\\84\\0', 'x', 'b')", "only text chunks are allowed");
  EXPECT_RESULT("local f, e = load('\\27Lua\\84\\0') return e", "attempt to load a binary chunk (mode is 't')");
  char err[512];
  lua_State *L = sandbox_lua(sb);
  assert_int_not_equal(sandbox_load(sb, "\x1bLua\x54", 5, "=binary", LUA_REGISTRYINDEX), LUA_OK);
  assert_non_null(strstr(lua_tostring(L, -1), "binary chunk"));
  lua_pop(L, 1);
  (void)err;
}

static void globals_and_libraries_are_protected(void **state) {
  sandbox *sb = *state;
  EXPECT_ERROR("setmetatable(_G, nil)", "cannot change a protected metatable");
  EXPECT_ERROR("setmetatable(_ENV, {})", "cannot change a protected metatable");
  EXPECT_RESULT("return getmetatable(_G)", "false");
  EXPECT_RESULT("return getmetatable('')", "false");
  EXPECT_ERROR("setmetatable('', {})", "bad argument #1 to 'setmetatable' (table expected, got string)");
  EXPECT_ERROR("string.rep = function() end", "attempt to modify a read-only table (rep)");
  EXPECT_ERROR("math.pi = 3", "read-only table (pi)");
  EXPECT_ERROR("os.exit = print", "read-only table");
  EXPECT_RESULT("local n = 0 for k in pairs(string) do n = n + 1 end return n > 10", "true");
  EXPECT_ERROR("return undefined_name + 1", "rules/test.lua:1: undefined name 'undefined_name'");
  /* one chunk's globals are not another's */
  EXPECT_RESULT("leaked = 1 return leaked", "1");
  EXPECT_ERROR("return leaked", "undefined name 'leaked'");
}

static void endless_loop_is_stopped(void **state) {
  sandbox *sb = *state;
  EXPECT_ERROR("local n = 0\nwhile true do n = n + 1 end", "rules/test.lua:2: instruction budget exceeded");
  EXPECT_ERROR("repeat until false", "instruction budget exceeded");
  EXPECT_ERROR("local function f() return f() end return f()", "instruction budget exceeded");
}

static void endless_loop_inside_pcall_is_stopped(void **state) {
  sandbox *sb = *state;
  EXPECT_ERROR("while true do pcall(function() while true do end end) end", "instruction budget exceeded");
  EXPECT_ERROR("for i = 1, 10 do xpcall(function() while true do end end, function() while true do end end) end return 'escaped'",
               "instruction budget exceeded");
  EXPECT_ERROR("local ok = pcall(load('while true do end')) while true do end", "instruction budget exceeded");
  EXPECT_ERROR("local t = setmetatable({}, {__index = function(t, k) while true do end end}) return pcall(function() return t.x end)",
               "instruction budget exceeded");
  /* finalizers and error handlers run with hooks off: they must not run rule code unbounded */
  EXPECT_ERROR("setmetatable({}, {__gc = function() while true do end end})", "__gc metamethods are not allowed");
  EXPECT_ERROR("setmetatable({}, {__gc = true})", "__gc metamethods are not allowed");
  EXPECT_RESULT("local t = setmetatable({}, {__index = function() return 7 end}) return t.x", "7");
  /* the budget is given back for the next call */
  EXPECT_RESULT("return 1", "1");
}

static void memory_bomb_is_stopped(void **state) {
  sandbox *sb = *state;
  EXPECT_ERROR("local s = 'x' while true do s = s .. s end", "memory limit of the rule sandbox exceeded");
  EXPECT_ERROR("local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end", "memory limit");
  EXPECT_ERROR("return string.rep('x', 1 << 30)", "memory limit");
  EXPECT_ERROR("local ok, e = pcall(string.rep, 'x', 1 << 30) return 'escaped'", "memory limit");
  EXPECT_ERROR("return string.rep('x', 1 << 62)", "resulting string too large");
  EXPECT_ERROR("local t = {} while true do pcall(function() t[#t+1] = string.rep('y', 1e6) end) end",
               "memory limit");
  assert_true(sandbox_memory_used(sb) < 16u * 1024u * 1024u);
  EXPECT_RESULT("return #string.rep('x', 1000)", "1000");
}

static void errors_carry_chunk_and_line(void **state) {
  sandbox *sb = *state;
  EXPECT_ERROR("\n\nerror('bad rule')", "rules/test.lua:3: bad rule");
  EXPECT_ERROR("local x = \n", "rules/test.lua:2: unexpected symbol near <eof>");
  EXPECT_ERROR("error(setmetatable({}, {__tostring = function() while true do end end}))",
               "error object is a table value");
}

/* One unit of work, one budget: calls between two rearms share it, so N
 * looping indicators cost one budget, not N. */
static void budget_is_shared_until_rearm(void **state) {
  sandbox *sb = *state;
  lua_State *L = sandbox_lua(sb);
  char err[1024];
  sandbox_rearm(sb);
  int stopped = 0;
  for (int i = 0; i < 10; i++) {
    sandbox_push_env(sb);
    const char *loop = "local n = 0 while true do n = n + 1 end";
    assert_int_equal(sandbox_load(sb, loop, strlen(loop), "@rules/loop.lua", -1), LUA_OK);
    lua_remove(L, -2);
    if (sandbox_call(sb, 0, 0, err, sizeof err) != LUA_OK) stopped++;
  }
  assert_int_equal(stopped, 10);
  /* after the first, each fails at its first step: no budget is left */
  sandbox_push_env(sb);
  assert_int_equal(sandbox_load(sb, "return 1", 8, "@rules/one.lua", -1), LUA_OK);
  lua_remove(L, -2);
  assert_int_not_equal(sandbox_call(sb, 0, 1, err, sizeof err), LUA_OK);
  assert_non_null(strstr(err, "instruction budget exceeded"));
  assert_int_equal(sandbox_charge(sb, 1), -1);
  sandbox_rearm(sb);
  assert_int_equal(sandbox_charge(sb, 1000), 0);
}

/* Library tables and stdlib modules are seen through read-only views:
 * pairs yields views, never the table behind; writes are refused. */
static void read_only_views_hand_out_nothing(void **state) {
  sandbox *sb = *state;
  EXPECT_ERROR("string.rep = nil", "read-only");
  EXPECT_ERROR("local _, t = pairs(string) t.rep = nil", "read-only");
  EXPECT_RESULT("local _, t = pairs(string) return t == string", "true");
  EXPECT_RESULT("for k, v in pairs(string) do if k == 'rep' then return v('ab', 2) end end", "abab");
  EXPECT_RESULT("return getmetatable(string)", "read-only");
  EXPECT_ERROR("setmetatable(string, {})", "cannot change a protected metatable");
  EXPECT_RESULT("return rawget(string, 'rep')", "nil");
  EXPECT_ERROR("require('dsl').evaluate = nil", "read-only");
  EXPECT_ERROR("require('sets').ENTITIES.staff.fields.x = true", "read-only");
  EXPECT_RESULT("return #require('sets').ENTITIES.staff.table > 0", "true");
  EXPECT_RESULT("return require('dsl') == require('dsl')", "true");
  EXPECT_ERROR("local s = require('sets').staff {} s.filters = {}", "cannot be changed");
  EXPECT_RESULT("return getmetatable(require('sets').staff {})", "set");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(ordinary_code_runs, setup, teardown),
    cmocka_unit_test_setup_teardown(no_files_programs_or_modules, setup, teardown),
    cmocka_unit_test_setup_teardown(no_binary_chunks, setup, teardown),
    cmocka_unit_test_setup_teardown(globals_and_libraries_are_protected, setup, teardown),
    cmocka_unit_test_setup_teardown(endless_loop_is_stopped, setup, teardown),
    cmocka_unit_test_setup_teardown(endless_loop_inside_pcall_is_stopped, setup, teardown),
    cmocka_unit_test_setup_teardown(memory_bomb_is_stopped, setup, teardown),
    cmocka_unit_test_setup_teardown(errors_carry_chunk_and_line, setup, teardown),
    cmocka_unit_test_setup_teardown(budget_is_shared_until_rearm, setup, teardown),
    cmocka_unit_test_setup_teardown(read_only_views_hand_out_nothing, setup, teardown),
  };
  return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
