/* demo.c: the embedded example, run end to end. The promises are in demo.h. */
#include "demo.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cycle.h"
#include "files.h"
#include "i18n.h"
#include "import.h"
#include "report.h"
#include "roadmap.h"
#include "store.h"
#include "i18n.h"

#define MUNICIPALITY "emanzhelinsk"

/* Creates every folder of path below root. */
static int make_parents(const char *path) {
  char buf[PATH_MAX + 512];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  return 0;
}

/* Writes the embedded packs and data below dir. */
static int unpack(const char *dir, char *err, size_t errlen) {
  for (const demo_file *f = demo_files; f->path; f++) {
    char path[PATH_MAX + 512];
    snprintf(path, sizeof path, "%s/%s", dir, f->path);
    if (make_parents(path) != 0) {
      snprintf(err, errlen, _("%s: cannot create its folder: %s"), path, strerror(errno));
      return -1;
    }
    FILE *out = files_create(path, 0, err, errlen); /* never through a planted symbolic link */
    if (!out) return -1;
    fwrite(f->contents, 1, f->length, out);
    if (files_close(out, path, err, errlen) != 0) return -1;
  }
  return 0;
}

/* Imports the example data of the municipality. */
static int import_data(sqlite3 *db, const char *dir, FILE *log, char *err, size_t errlen) {
  static const char *const entities[] = {"organizations", "staff", "activities", "communities", "documents",
                                         "events", "participation", "registries"};
  for (size_t i = 0; i < sizeof entities / sizeof *entities; i++) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/examples/" MUNICIPALITY "/%s.csv", dir, entities[i]);
    import_options opt = {0};
    import_report report;
    int rc = import_file(db, entities[i], path, &opt, &report, err, errlen);
    if (rc == 0) fprintf(log, _("  %s: %zu rows\n"), entities[i], report.inserted + report.updated);
    if (rc == 1) snprintf(err, errlen, "%s", report.problems[0].message);
    import_report_free(&report);
    if (rc != 0) return -1;
  }
  return 0;
}

/* The measure numbered number in cycle, or 0. */
static long long measure_numbered(sqlite3 *db, long long cycle, const char *number) {
  sqlite3_stmt *st;
  long long id = 0;
  if (sqlite3_prepare_v2(db, "SELECT id FROM measure WHERE cycle_id = ? AND number = ?", -1, &st, NULL) != SQLITE_OK) return 0;
  sqlite3_bind_int64(st, 1, cycle);
  sqlite3_bind_text(st, 2, number, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return id;
}

/* What the example municipality recorded as done: the roadmap's approval
 * (by the plan of 26.08.2021), and this year's monitoring and the report of
 * its results (by the cycle's order); the rest of the roadmap stays as the
 * dates make it, so the report shows each state. */
static int mark_done(sqlite3 *db, long long cycle, int period, const char *order, const char *order_date, char *err, size_t errlen) {
  char document[128];
  snprintf(document, sizeof document, "order|%s|%s", order, order_date);
  long long approval = measure_numbered(db, cycle, "1");
  if (approval && roadmap_done(db, approval, 0, "emanzhelinsk-d1", err, errlen) != 0) return -1;
  static const char *const yearly[] = {"4", "5"};
  for (int i = 0; i < 2; i++) {
    long long m = measure_numbered(db, cycle, yearly[i]);
    if (m && roadmap_done(db, m, period, document, err, errlen) != 0) return -1;
  }
  return 0;
}

/* One cycle: open, monitoring, roadmap, a decision, what was done, close. */
static int run_cycle(sqlite3 *db, const char *store, const char *dir, const char *pack, int period, const char *decision_date,
                     FILE *log, char *err, size_t errlen) {
  long long id;
  if (cycle_open(db, MUNICIPALITY, period, NULL, pack, &id, err, errlen) != 0) return -1;
  cycle_ref c;
  if (cycle_find(db, MUNICIPALITY, id, &c, err, errlen) != 0 || cycle_run(db, store, &c, err, errlen) != 0) return -1;
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/examples/" MUNICIPALITY "/measures.csv", dir);
  import_options opt = {0};
  import_report report;
  int rc = roadmap_import(db, path, MUNICIPALITY, id, pack, &opt, &report, err, errlen);
  if (rc == 1) snprintf(err, errlen, "%s", report.problems[0].message);
  import_report_free(&report);
  if (rc != 0) return -1;
  long long measures[] = {0, 0, 0};
  sqlite3_stmt *st;
  int n = 0;
  if (sqlite3_prepare_v2(db, "SELECT id FROM measure WHERE cycle_id = ? ORDER BY id LIMIT 3", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW && n < 3) measures[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  char number[32];
  snprintf(number, sizeof number, "%d/1", 150 + period - 2020);
  if (roadmap_decision(db, MUNICIPALITY, "order", number, decision_date,
                       "Об утверждении мер по результатам мониторинга системы профессионального развития", NULL, id,
                       measures, (size_t)n, err, errlen) != 0)
    return -1;
  if (mark_done(db, id, period, number, decision_date, err, errlen) != 0) return -1;
  if (cycle_find(db, MUNICIPALITY, id, &c, err, errlen) != 0 || cycle_close(db, &c, err, errlen) != 0) return -1;
  fprintf(log, "  cycle %lld (%d): monitoring, analysis, recommendations, roadmap, decision, closed\n", id, period);
  return 0;
}

/* Writes the report of the last cycle in one format. */
static int write_report(sqlite3 *db, const char *dir, const char *format, char *err, size_t errlen) {
  cycle_ref c;
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/report.%s", dir, format);
  if (cycle_find(db, MUNICIPALITY, 0, &c, err, errlen) != 0) return -1;
  FILE *out = files_create(path, 0, err, errlen);
  if (!out) return -1;
  int rc = report_write(db, &c, format, NULL, out, err, errlen);
  if (files_close(out, path, err, errlen) != 0) rc = -1;
  return rc;
}

int demo_run(const char *out_dir, FILE *log, char *err, size_t errlen) {
  char dir[PATH_MAX], store[PATH_MAX + 16], pack[PATH_MAX + 32];
  if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
    snprintf(err, errlen, _("%s: cannot create: %s"), out_dir, strerror(errno));
    return -1;
  }
  if (!realpath(out_dir, dir)) {
    snprintf(err, errlen, "%s: %s", out_dir, strerror(errno));
    return -1;
  }
  snprintf(store, sizeof store, "%s/pdmon.db", dir);
  snprintf(pack, sizeof pack, "%s/rules/" MUNICIPALITY, dir);
  static const char *const stores[] = {"pdmon.db", "pdmon.db-wal"};
  for (int i = 0; i < 2; i++) { /* the demo starts from nothing and never deletes a store */
    char path[PATH_MAX + 16];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, stores[i]);
    if (lstat(path, &st) == 0) {
      snprintf(err, errlen, _("%s already holds a store (%s); the demo never replaces one: give another --out folder"),
               dir, stores[i]);
      return -1;
    }
  }
  fprintf(log, _("pdmon demo: Еманжелинский муниципальный район (seed 001), in %s\n"), dir);
  if (unpack(dir, err, errlen) != 0) return -1;
  sqlite3 *db;
  if (store_open(store, 1, &db, err, errlen) != 0) return -1;
  int rc = store_meta_set(db, "municipality", MUNICIPALITY, err, errlen);
  if (rc == 0) rc = store_meta_set(db, "pack", pack, err, errlen);
  if (rc == 0) rc = import_data(db, dir, log, err, errlen);
  if (rc == 0) rc = run_cycle(db, store, dir, pack, 2022, "2022-10-15", log, err, errlen);
  if (rc == 0) rc = run_cycle(db, store, dir, pack, 2023, "2023-10-16", log, err, errlen);
  if (rc == 0) rc = write_report(db, dir, "html", err, errlen);
  if (rc == 0) rc = write_report(db, dir, "md", err, errlen);
  sqlite3_close(db);
  if (rc == 0)
    fprintf(log, _("report: %s/report.html (and report.md)\nstore:  %s — try: pdmon --db %s cycle status\n"), dir, store, store);
  return rc;
}
