/* Benchmark: evaluating a pack's indicators together (one scan per entity
 * and period) against the baseline of evaluating them one at a time, on
 * the same generated store in the same run. Prints the ratio.
 * Usage: bench_eval SOURCE_DIR [ORGANIZATIONS] [MAX_STAFF]; BENCH_KEEP=1 keeps the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evaluate.h"
#include "store.h"
#include "support.h"

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_eval SOURCE_DIR [ORGANIZATIONS] [MAX_STAFF]\n");
    return 2;
  }
  int organizations = argc > 2 ? atoi(argv[2]) : 300;
  int max_staff = argc > 3 ? atoi(argv[3]) : 60;
  char *dir = support_tempdir(), path[512], pack[1024], err[2048];
  snprintf(path, sizeof path, "%s/bench.db", dir);
  snprintf(pack, sizeof pack, "%s/tests/data/compare", argv[1]);
  sqlite3 *db;
  if (store_open(path, 1, &db, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; }
  support_generate(db, 1, organizations, max_staff, 7);
  if (store_refresh_statistics(db, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; } /* as an import does */
  long long staff = 0, activities = 0;
  sqlite3_stmt *st;
  sqlite3_prepare_v2(db, "SELECT (SELECT COUNT(*) FROM staff), (SELECT COUNT(*) FROM activity)", -1, &st, NULL);
  if (sqlite3_step(st) == SQLITE_ROW) { staff = sqlite3_column_int64(st, 0); activities = sqlite3_column_int64(st, 1); }
  sqlite3_finalize(st);
  sqlite3_close(db);

  evaluate_options opt = {.store_path = path, .pack_dir = pack, .period = 2023, .municipality = "m1",
                          .limits = sandbox_default_limits()};
  result_set all;
  double t0 = seconds();
  if (evaluate_run(&opt, &all, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; }
  double together = seconds() - t0;

  /* baseline: the same indicators, each evaluated on its own */
  double alone = 0;
  int statements_alone = 0;
  size_t count = 0;
  for (size_t i = 0; i < all.count; i++) {
    if (all.rows[i].organization || all.rows[i].breakdown) continue;
    result_set one;
    opt.indicator = all.rows[i].indicator;
    t0 = seconds();
    if (evaluate_run(&opt, &one, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; }
    double took = seconds() - t0;
    alone += took;
    printf("  %-22s %.3f s\n", opt.indicator, took);
    statements_alone += one.statements;
    count++;
    results_free(&one);
  }
  printf("store: %d organizations, %lld staff, %lld activities\n", organizations, staff, activities);
  printf("indicators: %zu\n", count);
  printf("together: %.3f s, %d statements\n", together, all.statements);
  printf("one at a time (baseline): %.3f s, %d statements\n", alone, statements_alone);
  printf("ratio baseline/together: %.2f\n", alone / together);
  results_free(&all);
  if (getenv("BENCH_KEEP")) printf("store kept: %s\n", path); /* for profiling the statements by hand */
  else support_remove_tree(dir);
  return 0;
}
