/* End to end: no silent traps. What used to look like success: a pack of
 * another municipality on a store without its rows, a report of an
 * organization that does not exist, an import with --skip-invalid that
 * kept nothing, a decision or a measure naming a row that is not in the
 * store (once SQLite's bare "FOREIGN KEY constraint failed"), numbers
 * that were read as 0. Each is an error that names what is wrong.
 * Arguments: the pdmon binary and the source folder. */
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
static char *dir;

/* Runs args; checks the exit status and that needle is in stdout (stderr for a failure). */
static void expect(const char *args, int status, const char *needle) {
  support_expect(pdmon_bin, source_dir, dir, args, status, needle);
}

static int setup(void **state) {
  (void)state;
  dir = support_tempdir();
  support_quickstart_store(pdmon_bin, source_dir, dir, "examples/quickstart");
  expect("cycle open --period 2022", 0, NULL);
  expect("cycle run", 0, NULL);
  expect("import measures examples/quickstart/measures.csv", 0, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  support_remove_tree(dir);
  return 0;
}

static void pack_of_another_municipality(void **state) {
  (void)state;
  char pack[1200], cmd[2600];
  snprintf(pack, sizeof pack, "%s/other", dir);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s/examples/quickstart/indicators.lua' '%s/'", pack, source_dir, pack);
  assert_int_equal(system(cmd), 0);
  free(support_write_text(pack, "pack.lua", "pack { id = 'other', municipality = 'other', period = { 2021, 2024 } }\n"));
  /* both municipalities are named, whichever command meets the pack */
  snprintf(cmd, sizeof cmd, "--pack '%s' eval", pack);
  expect(cmd, 1, "the pack is written for municipality other, but the store's rows are demo's");
  snprintf(cmd, sizeof cmd, "--pack '%s' repl -e '1'", pack);
  expect(cmd, 1, "municipality other");
  snprintf(cmd, sizeof cmd, "--pack '%s' cycle open --period 2023", pack);
  expect(cmd, 1, "demo's");
}

static void report_of_an_unknown_organization(void **state) {
  (void)state;
  expect("report --format md --org nosuch", 1, "--org: no organization 'nosuch' in municipality demo");
  expect("report --format json --org sch1", 0, NULL);
}

static void skip_invalid_that_keeps_nothing(void **state) {
  (void)state;
  char *bad = support_write_text(dir, "bad_staff.csv",
                                 "id,organization_id,position,birth_year,career_start_year\n"
                                 "x1,nosuch,teacher,1980,2003\n"
                                 "x2,sch1,teacher,19x0,2003\n");
  char args[1300];
  snprintf(args, sizeof args, "import staff '%s' --skip-invalid", bad);
  expect(args, 1, "every row was rejected; nothing was imported");
  free(bad);
  /* one valid row of two: a success, the other set aside */
  bad = support_write_text(dir, "half_staff.csv",
                           "id,organization_id,position,birth_year,career_start_year\n"
                           "x3,sch1,teacher,1980,2003\n"
                           "x4,nosuch,teacher,1980,2003\n");
  snprintf(args, sizeof args, "import staff '%s' --skip-invalid", bad);
  expect(args, 0, "1 rejected");
  free(bad);
}

static void links_to_missing_rows_are_named(void **state) {
  (void)state;
  expect("decision add --date 2022-09-01 --title 'Приказ' --measure 99", 1, "no measure 99 in the store");
  expect("decision add --date 2022-09-01 --title 'Приказ' --measure 99", 1, "measure list");
  expect("measure done 99 --document 'order||2022-09-01'", 1, "no measure 99");
  expect("measure done 1 --document 'order|7|2022-09-01'", 1, "no document 'order|7|2022-09-01' in the store");
  /* nothing was written by the refused decision */
  expect("measure done 1 --document 'order||2022-09-01'", 1, "no document");
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, "decision add --date 2022-09-01 --title T --measure 99");
  assert_null(strstr(o.err, "FOREIGN KEY"));
  support_outcome_free(&o);
}

static void numbers_are_read_or_refused(void **state) {
  (void)state;
  expect("synth --scale municipality --out x --seed abc", 2, "--seed: not a whole number (abc)");
  expect("synth --scale municipality --out x --organizations 0", 2, "--organizations: a number from 1 to 1000000");
  expect("cycle status --cycle 1x", 2, "--cycle: not a cycle number (1x)");
  expect("measure done 1.5 --document d", 2, "not a measure number (1.5)");
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(pack_of_another_municipality),
    cmocka_unit_test(report_of_an_unknown_organization),
    cmocka_unit_test(skip_invalid_that_keeps_nothing),
    cmocka_unit_test(links_to_missing_rows_are_named),
    cmocka_unit_test(numbers_are_read_or_refused),
  };
  return cmocka_run_group_tests_name("traps", tests, setup, teardown);
}
