#include "commands.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evaluate.h"
#include "import.h"
#include "pack.h"
#include "packtest.h"
#include "results.h"
#include "sandbox.h"
#include "store.h"

/* An option a command accepts; parse_options fills value and present. */
typedef struct option_spec {
  const char *name;
  int takes_value;
  const char *value;
  int present;
} option_spec;

#define MAX_POSITIONAL 4

/* Splits a command's arguments into known options and positionals. */
static int parse_options(const command_args *a, const char *command, option_spec *opts, size_t nopts,
                         const char **positional, int *npos, int maxpos) {
  *npos = 0;
  for (int i = 0; i < a->argc; i++) {
    const char *arg = a->argv[i];
    if (strncmp(arg, "--", 2) != 0) {
      if (*npos == maxpos) {
        fprintf(stderr, "pdmon %s: unexpected argument '%s'\n", command, arg);
        return -1;
      }
      positional[(*npos)++] = arg;
      continue;
    }
    size_t k = 0;
    while (k < nopts && strcmp(opts[k].name, arg) != 0) k++;
    if (k == nopts) {
      fprintf(stderr, "pdmon %s: unknown option '%s'\n", command, arg);
      return -1;
    }
    if (opts[k].takes_value) {
      if (i + 1 >= a->argc) {
        fprintf(stderr, "pdmon %s: %s needs a value\n", command, arg);
        return -1;
      }
      opts[k].value = a->argv[++i];
    }
    opts[k].present = 1;
  }
  return 0;
}

/* Parses a calendar year given on the command line. */
static int parse_year(const char *text, int *year) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*end != '\0' || v < 1900 || v > 2200) return -1;
  *year = (int)v;
  return 0;
}

/* The latest year with activity data, else the current year: the period a
 * coordinator most likely means when giving none. */
static int default_period(sqlite3 *db) {
  sqlite3_stmt *st;
  int year = 0;
  if (sqlite3_prepare_v2(db, "SELECT CAST(substr(MAX(date), 1, 4) AS INTEGER) FROM activity", -1,
                         &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) year = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  if (year == 0) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    year = tm.tm_year + 1900;
  }
  return year;
}

int command_init(const command_args *args) {
  option_spec opts[] = {{"--municipality", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "init", opts, 1, pos, &npos, 0) != 0) return EXIT_USAGE;
  char err[1024], pack_path[PATH_MAX];
  if (args->pack && !realpath(args->pack, pack_path)) {
    fprintf(stderr, "pdmon init: %s: no such pack folder\n", args->pack);
    return EXIT_USER;
  }
  sqlite3 *db;
  if (store_open(args->db, 1, &db, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon init: %s\n", err);
    return EXIT_USER;
  }
  int rc = 0;
  if (opts[0].present) rc = store_meta_set(db, "municipality", opts[0].value, err, sizeof err);
  if (rc == 0 && args->pack) rc = store_meta_set(db, "pack", pack_path, err, sizeof err);
  char municipality[256] = "", pack_dir[PATH_MAX] = "";
  store_meta_get(db, "municipality", municipality, sizeof municipality);
  store_meta_get(db, "pack", pack_dir, sizeof pack_dir);
  sqlite3_close(db);
  if (rc != 0) {
    fprintf(stderr, "pdmon init: %s: %s\n", args->db, err);
    return EXIT_USER;
  }
  printf("store %s ready (schema %d); municipality: %s; pack: %s\n", args->db, store_schema_version(),
         municipality[0] ? municipality : "(not set)", pack_dir[0] ? pack_dir : "(not set)");
  return EXIT_OK;
}

/* Prints the rejected rows: all of them up to a limit, then a count. */
static void print_problems(const import_report *r) {
  const size_t limit = 50;
  for (size_t i = 0; i < r->rejected && i < limit; i++) fprintf(stderr, "%s\n", r->problems[i].message);
  if (r->rejected > limit) fprintf(stderr, "... and %zu more invalid rows\n", r->rejected - limit);
}

int command_import(const command_args *args) {
  option_spec opts[] = {{"--dry-run", 0, NULL, 0}, {"--skip-invalid", 0, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "import", opts, 2, pos, &npos, 2) != 0) return EXIT_USAGE;
  if (npos != 2) {
    fputs("usage: pdmon import ENTITY FILE [--dry-run] [--skip-invalid]\n", stderr);
    return EXIT_USAGE;
  }
  char err[2048];
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon import: %s\n", err);
    return EXIT_USER;
  }
  import_options io = {.dry_run = opts[0].present, .skip_invalid = opts[1].present};
  import_report report;
  int rc = import_file(db, pos[0], pos[1], &io, &report, err, sizeof err);
  sqlite3_close(db);
  print_problems(&report);
  if (rc < 0) fprintf(stderr, "%s\n", err);
  if (rc == 1)
    fprintf(stderr, "%s: %zu invalid rows; nothing was imported (fix them, or use --skip-invalid"
                    " to import the rest and set these aside)\n", pos[1], report.rejected);
  if (rc == 0) {
    printf("%s: %zu rows: %zu new, %zu updated, %zu rejected%s\n", pos[1], report.rows,
           report.inserted, report.updated, report.rejected,
           io.dry_run ? " (dry run: nothing written)" : "");
    if (report.rejected_path[0])
      printf("rejected rows and their reasons: %s\n", report.rejected_path);
    if (report.warning[0]) fprintf(stderr, "warning: %s\n", report.warning);
  }
  import_report_free(&report);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

/* Finds the pack: --pack, else the one recorded by init. */
static const char *resolve_pack(const command_args *args, sqlite3 *db, char *buf, size_t buflen) {
  if (args->pack) return args->pack;
  if (db && store_meta_get(db, "pack", buf, buflen) == 0 && buf[0]) return buf;
  return NULL;
}

int command_check(const command_args *args) {
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "check", NULL, 0, pos, &npos, 0) != 0) return EXIT_USAGE;
  char err[2048], buf[PATH_MAX];
  sqlite3 *db = NULL;
  if (!args->pack && store_open(args->db, 0, &db, err, sizeof err) != 0) db = NULL;
  const char *dir = resolve_pack(args, db, buf, sizeof buf);
  if (db) sqlite3_close(db);
  if (!dir) {
    fputs("pdmon check: no pack: give --pack DIR or record one with 'pdmon init --pack DIR'\n", stderr);
    return EXIT_USAGE;
  }
  sandbox *sb = sandbox_new(sandbox_default_limits());
  if (!sb) return EXIT_USER;
  pack p;
  int rc = pack_load(sb, dir, &p, err, sizeof err);
  if (rc == 0) {
    printf("%s: pack %s loads cleanly\n", p.dir, p.id);
    pack_release(&p);
  } else {
    fprintf(stderr, "%s\n", err);
  }
  sandbox_free(sb);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

/* Reads eval's options into opt; returns an exit status when they are wrong. */
static int eval_options(option_spec *opts, evaluate_options *opt) {
  if (opts[0].present && parse_year(opts[0].value, &opt->period) != 0) {
    fprintf(stderr, "pdmon eval: --period: not a year (%s)\n", opts[0].value);
    return EXIT_USAGE;
  }
  opt->indicator = opts[1].value;
  opt->organization = opts[2].value;
  const char *format = opts[3].value ? opts[3].value : "table";
  if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv")) {
    fprintf(stderr, "pdmon eval: --format: expected table, json or csv (%s)\n", format);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* Fills the store-dependent parts of opt: the pack (--pack or recorded),
 * the municipality, and the period when none was given. Buffers hold the
 * strings opt points to. Returns an exit status. */
static int resolve_evaluation(const command_args *args, const char *command, int has_period,
                              evaluate_options *opt, char *pack_buf, char *municipality) {
  char err[2048];
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon %s: %s\n", command, err);
    return EXIT_USER;
  }
  opt->store_path = args->db;
  opt->pack_dir = resolve_pack(args, db, pack_buf, PATH_MAX);
  store_meta_get(db, "municipality", municipality, 256);
  opt->municipality = municipality[0] ? municipality : NULL;
  if (!has_period) opt->period = default_period(db);
  sqlite3_close(db);
  if (!opt->pack_dir) {
    fprintf(stderr, "pdmon %s: no pack: give --pack DIR or record one with 'pdmon init --pack DIR'\n", command);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

int command_eval(const command_args *args) {
  option_spec opts[] = {{"--period", 1, NULL, 0}, {"--indicator", 1, NULL, 0},
                        {"--org", 1, NULL, 0}, {"--format", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  evaluate_options opt = {.limits = sandbox_default_limits()};
  if (parse_options(args, "eval", opts, 4, pos, &npos, 0) != 0) return EXIT_USAGE;
  int status = eval_options(opts, &opt);
  if (status != EXIT_OK) return status;
  char err[2048], pack_buf[PATH_MAX], municipality[256];
  status = resolve_evaluation(args, "eval", opts[0].present, &opt, pack_buf, municipality);
  if (status != EXIT_OK) return status;
  result_set results;
  if (evaluate_run(&opt, &results, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    results_free(&results);
    return EXIT_USER;
  }
  status = EXIT_OK;
  if (results_render(&results, opts[3].value ? opts[3].value : "table", stdout, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon eval: %s\n", err);
    status = EXIT_USER;
  }
  for (size_t i = 0; i < results.count; i++) {
    if (results.rows[i].status != STATUS_ERROR) continue;
    fprintf(stderr, "%s\n", results.rows[i].message);
    status = EXIT_USER;
  }
  results_free(&results);
  return status;
}

int command_explain(const command_args *args) {
  option_spec opts[] = {{"--period", 1, NULL, 0}, {"--org", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "explain", opts, 2, pos, &npos, 1) != 0) return EXIT_USAGE;
  if (npos != 1) {
    fputs("usage: pdmon explain INDICATOR [--period YEAR] [--org ID]\n", stderr);
    return EXIT_USAGE;
  }
  evaluate_options opt = {.limits = sandbox_default_limits(), .organization = opts[1].value};
  if (opts[0].present && parse_year(opts[0].value, &opt.period) != 0) {
    fprintf(stderr, "pdmon explain: --period: not a year (%s)\n", opts[0].value);
    return EXIT_USAGE;
  }
  char err[2048], pack_buf[PATH_MAX], municipality[256];
  int status = resolve_evaluation(args, "explain", opts[0].present, &opt, pack_buf, municipality);
  if (status != EXIT_OK) return status;
  if (evaluate_explain(&opt, pos[0], stdout, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return EXIT_USER;
  }
  return EXIT_OK;
}

int command_test(const command_args *args) {
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "test", NULL, 0, pos, &npos, 0) != 0) return EXIT_USAGE;
  char err[2048], buf[PATH_MAX];
  sqlite3 *db = NULL;
  if (!args->pack && store_open(args->db, 0, &db, err, sizeof err) != 0) db = NULL;
  const char *dir = resolve_pack(args, db, buf, sizeof buf);
  if (db) sqlite3_close(db);
  if (!dir) {
    fputs("pdmon test: no pack: give --pack DIR or record one with 'pdmon init --pack DIR'\n", stderr);
    return EXIT_USAGE;
  }
  int passed;
  int failed = packtest_run(dir, stdout, &passed, err, sizeof err);
  if (failed < 0) {
    fprintf(stderr, "%s\n", err);
    return EXIT_USER;
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? EXIT_OK : EXIT_USER;
}
