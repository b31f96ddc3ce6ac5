/* pdmon synth: deterministic, of the sizes each scale promises, and with
 * the drift and the laggards the cycle's analysis is meant to find.
 * Arguments: the pdmon binary and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;

static long lines(const char *path) {
  FILE *f = fopen(path, "r");
  long n = 0;
  int c;
  while (f && (c = fgetc(f)) != EOF) n += c == '\n';
  if (f) fclose(f);
  return n - 1; /* the header */
}

static void run(const char *dir, const char *args) {
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, args);
  if (o.status != 0) fail_msg("pdmon %s -> %d: %s", args, o.status, o.err);
  support_outcome_free(&o);
}

static void same_seed_same_data(void **state) {
  (void)state;
  char *dir = support_tempdir(), args[1200];
  for (int i = 0; i < 3; i++) {
    snprintf(args, sizeof args, "synth --scale municipality --seed %d --out '%s/m%d'", i == 2 ? 8 : 7, dir, i);
    run(dir, args);
  }
  static const char *const files[] = {"organizations", "staff", "activities", "communities", "documents", "events",
                                      "participation", "registries"};
  for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
    char a[1200], b[1200], c[1200];
    snprintf(a, sizeof a, "%s/m0/%s.csv", dir, files[f]);
    snprintf(b, sizeof b, "%s/m1/%s.csv", dir, files[f]);
    snprintf(c, sizeof c, "%s/m2/%s.csv", dir, files[f]);
    char *x = support_read(a), *y = support_read(b), *z = support_read(c);
    assert_string_equal(x, y);
    if (f == 2) assert_string_not_equal(x, z); /* another seed, other activities */
    free(x);
    free(y);
    free(z);
  }
  support_remove_tree(dir);
}

static void sizes_of_the_scales(void **state) {
  (void)state;
  char *dir = support_tempdir(), args[1200], path[1200];
  snprintf(args, sizeof args, "synth --scale municipality --seed 3 --out '%s/m'", dir);
  run(dir, args);
  snprintf(path, sizeof path, "%s/m/organizations.csv", dir);
  long orgs = lines(path);
  snprintf(path, sizeof path, "%s/m/staff.csv", dir);
  long staff = lines(path);
  assert_true(orgs >= 20 && orgs <= 60);
  assert_true(staff >= 500 && staff <= 2500);
  snprintf(args, sizeof args, "synth --scale region --seed 3 --out '%s/r'", dir);
  run(dir, args);
  snprintf(path, sizeof path, "%s/r/organizations.csv", dir);
  orgs = lines(path);
  snprintf(path, sizeof path, "%s/r/staff.csv", dir);
  staff = lines(path);
  assert_true(orgs >= 1300 && orgs <= 1700);
  assert_true(staff >= 25000 && staff <= 36000);
  support_remove_tree(dir);
}

/* Imports a synthetic municipality and evaluates the diagnostics share. */
static double diagnosed(const char *dir, int period, const char *org) {
  char args[1200];
  snprintf(args, sizeof args, "eval --period %d --indicator teachers_diagnosed --format json%s%s", period,
           org ? " --org " : "", org ? org : "");
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, args);
  if (o.status != 0) fail_msg("%s: %s", args, o.err);
  cJSON *root = cJSON_Parse(o.out);
  support_outcome_free(&o);
  cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "results"), 0);
  double v = cJSON_GetObjectItem(row, "value")->valuedouble;
  cJSON_Delete(root);
  return v;
}

static void rates_drift_and_some_lag(void **state) {
  (void)state;
  char *dir = support_tempdir(), args[1200];
  snprintf(args, sizeof args, "synth --scale municipality --seed 5 --out '%s/m' --municipality synthville", dir);
  run(dir, args);
  run(dir, "init --municipality synthville --pack examples/quickstart");
  static const char *const files[] = {"organizations", "staff", "activities", "communities", "documents", "events",
                                      "participation", "registries"};
  for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
    snprintf(args, sizeof args, "import %s '%s/m/%s.csv'", files[f], dir, files[f]);
    run(dir, args);
  }
  double y2021 = diagnosed(dir, 2021, NULL), y2024 = diagnosed(dir, 2024, NULL);
  assert_true(y2024 > y2021 + 10); /* the drift the dynamics should show */
  /* the first organizations of a municipality are its laggards */
  double laggard = diagnosed(dir, 2024, "synthville-s001"), typical = diagnosed(dir, 2024, "synthville-s021");
  assert_true(laggard < typical);
  support_remove_tree(dir);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(same_seed_same_data),
    cmocka_unit_test(sizes_of_the_scales),
    cmocka_unit_test(rates_drift_and_some_lag),
  };
  return cmocka_run_group_tests_name("synth", tests, NULL, NULL);
}
