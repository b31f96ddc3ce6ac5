/* End to end: the command-line conventions. --version, -h/--help,
 * 'pdmon CMD --help' and 'pdmon help CMD' for every command, options as
 * --name=VALUE and --name VALUE before or after the positionals, and
 * usage errors (exit 2) that name the option. Arguments: the pdmon binary
 * and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;

typedef support_outcome outcome;

static outcome run(const char *dir, const char *args) { return support_pdmon(pdmon_bin, source_dir, dir, args); }

/* Runs args and checks the exit status and that needle is in its stdout
 * (stderr for a failure; NULL: anything). */
static void expect(const char *dir, const char *args, int status, const char *needle) {
  support_expect(pdmon_bin, source_dir, dir, args, status, needle);
}

static int setup(void **state) {
  char *dir = support_tempdir();
  *state = dir;
  support_quickstart_store(pdmon_bin, source_dir, dir, "examples/quickstart");
  return 0;
}

static int teardown(void **state) {
  support_remove_tree(*state);
  return 0;
}

static void version_and_help(void **state) {
  expect(*state, "--version", 0, "pdmon 0.");
  expect(*state, "-V", 0, "SQLite");
  expect(*state, "--help", 0, "Commands:");
  expect(*state, "-h", 0, "pdmon help COMMAND");
  expect(*state, "help", 0, "Commands:");
  expect(*state, "help frobnicate", 2, "unknown command 'frobnicate'");
  expect(*state, "--frobnicate", 2, "unknown option '--frobnicate'");
  expect(*state, "", 2, "usage: pdmon");
}

/* Every command listed by --help has a help of its own that needs no
 * store; 'CMD --help', 'CMD -h' and 'help CMD' print the same. */
static void every_command_has_its_help(void **state) {
  outcome list = run(*state, "--help");
  assert_int_equal(list.status, 0);
  const char *p = strstr(list.out, "Commands:\n");
  assert_non_null(p);
  p += strlen("Commands:\n");
  int commands = 0;
  while (p[0] == ' ' && p[1] == ' ' && p[2] != ' ') {
    char name[64], args[256];
    assert_int_equal(sscanf(p, " %63s", name), 1);
    snprintf(args, sizeof args, "--db /nonexistent/store.db %s --help", name);
    outcome o = run(*state, args);
    char usage[128];
    snprintf(usage, sizeof usage, "usage: pdmon %s", name);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, usage));
    assert_non_null(strstr(o.out, "--db FILE"));
    if (commands < 2) { /* the three spellings, on two commands */
      snprintf(args, sizeof args, "help %s", name);
      outcome by_help = run(*state, args);
      snprintf(args, sizeof args, "%s -h", name);
      outcome by_short = run(*state, args);
      assert_string_equal(o.out, by_help.out);
      assert_string_equal(o.out, by_short.out);
      support_outcome_free(&by_help);
      support_outcome_free(&by_short);
    }
    support_outcome_free(&o);
    commands++;
    p = strchr(p, '\n');
    assert_non_null(p);
    p++;
  }
  assert_true(commands >= 13);
  support_outcome_free(&list);
}

/* --name=VALUE and --name VALUE mean the same; options may come anywhere. */
static void options_in_both_forms(void **state) {
  outcome a = run(*state, "eval --period 2023 --format json");
  outcome b = run(*state, "eval --period=2023 --format=json");
  outcome c = run(*state, "--pack=examples/quickstart eval --format=csv --period=2022");
  outcome d = run(*state, "eval --format csv --period 2022 --pack examples/quickstart");
  assert_int_equal(a.status, 0);
  assert_int_equal(c.status, 0);
  assert_string_equal(a.out, b.out);
  assert_string_equal(c.out, d.out);
  assert_non_null(strstr(a.out, "\"period\":2023"));
  outcome e = run(*state, "eval --format=csv --period=2023");
  assert_string_not_equal(c.out, e.out); /* the period was read */
  support_outcome_free(&e);
  support_outcome_free(&a);
  support_outcome_free(&b);
  support_outcome_free(&c);
  support_outcome_free(&d);
  expect(*state, "import --dry-run staff examples/quickstart/staff.csv", 0, "dry run");
  expect(*state, "import staff examples/quickstart/staff.csv --dry-run", 0, "dry run");
  expect(*state, "repl --execute='20 + 22'", 0, "42");
  expect(*state, "repl -e '20 + 1' -e '20 + 2'", 0, "22");
}

static void usage_errors_name_the_option(void **state) {
  expect(*state, "eval --period", 2, "--period needs a value");
  expect(*state, "eval --bogus", 2, "unknown option '--bogus'");
  expect(*state, "eval -x", 2, "unknown option '-x'");
  expect(*state, "eval --period=soon", 2, "--period: not a year (soon)");
  expect(*state, "eval --bogus", 2, "Try 'pdmon eval --help'");
  expect(*state, "import staff", 2, "usage: pdmon import ENTITY FILE");
  expect(*state, "import staff a.csv b.csv", 2, "unexpected argument 'b.csv'");
  expect(*state, "check extra", 2, "unexpected argument 'extra'");
  expect(*state, "cycle run --cycle abc", 2, "--cycle: not a cycle number (abc)");
  expect(*state, "measure done x --document d", 2, "not a measure number (x)");
  expect(*state, "decision add --date 2023-01-01 --title T --measure 1x", 2, "not a measure number (1x)");
  expect(*state, "report", 2, "--format is required");
  expect(*state, "synth --scale municipality", 2, "--scale and --out are required");
  expect(*state, "frobnicate", 2, "unknown command 'frobnicate'");
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(version_and_help),
    cmocka_unit_test(every_command_has_its_help),
    cmocka_unit_test(options_in_both_forms),
    cmocka_unit_test(usage_errors_name_the_option),
  };
  /* one store for all: the tests only read it (import --dry-run writes nothing) */
  return cmocka_run_group_tests_name("options", tests, setup, teardown);
}
