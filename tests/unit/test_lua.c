/* Runs each Lua test file given on the command line as one cmocka test
 * case, in a sandbox with the embedded stdlib and tests/lua/helpers.lua. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"
#include "stdlib_loader.h"
#include "support.h"

static const char *helpers_path;

/* Loads path into the environment on top of the stack and runs it. */
static int run_file(sandbox *sb, const char *path, char *err, size_t errlen) {
  char *text = support_read(path);
  if (!text) {
    snprintf(err, errlen, "%s: cannot read", path);
    return -1;
  }
  char chunkname[1024];
  snprintf(chunkname, sizeof chunkname, "@%s", path);
  lua_State *L = sandbox_lua(sb);
  int status = sandbox_load(sb, text, strlen(text), chunkname, -1);
  free(text);
  if (status != LUA_OK) {
    snprintf(err, errlen, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    return -1;
  }
  return sandbox_call(sb, 0, 0, err, errlen) == LUA_OK ? 0 : -1;
}

static void lua_file(void **state) {
  const char *path = *state;
  sandbox *sb = sandbox_new(sandbox_default_limits());
  assert_non_null(sb);
  sandbox_push_env(sb);
  stdlib_install_require(sb, -1);
  char err[2048] = "";
  int rc = run_file(sb, helpers_path, err, sizeof err);
  if (rc == 0) rc = run_file(sb, path, err, sizeof err);
  if (rc != 0) print_error("%s\n", err);
  sandbox_free(sb);
  assert_int_equal(rc, 0);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: test_lua HELPERS.lua TEST.lua...\n");
    return 2;
  }
  helpers_path = argv[1];
  size_t n = (size_t)argc - 2;
  struct CMUnitTest *tests = calloc(n, sizeof *tests);
  if (!tests) return 1;
  for (size_t i = 0; i < n; i++) {
    const char *slash = strrchr(argv[i + 2], '/');
    tests[i].name = slash ? slash + 1 : argv[i + 2];
    tests[i].test_func = lua_file;
    tests[i].initial_state = argv[i + 2];
  }
  int failed = _cmocka_run_group_tests("lua", tests, n, NULL, NULL);
  free(tests);
  return failed;
}
