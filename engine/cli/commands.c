/* commands.c: one function per pdmon command. The promises are in commands.h. */
#include "commands.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "assessment.h"
#include "cycle.h"
#include "evaluate.h"
#include "report.h"
#include "xlsx.h"
#include "roadmap.h"
#include "demo.h"
#include "repl.h"
#include "import.h"
#include "pack.h"
#include "packtest.h"
#include "results.h"
#include "sandbox.h"
#include "store.h"
#include "synth.h"
#include "value.h"

/* An option a command accepts; parse_options fills value and present. */
typedef struct option_spec {
  const char *name;
  int takes_value;
  const char *value;
  int present;
} option_spec;

#define MAX_POSITIONAL 4

static const char *resolve_pack(const command_args *args, sqlite3 *db, char *buf, size_t buflen);
static int open_cycle(const command_args *args, const char *command, const char *cycle_opt, sqlite3 **db,
                      cycle_ref *c, char *municipality);

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

/* The municipality the pack names, else the store's default; "" when
 * neither (a store may hold several municipalities, each with its pack). */
static void store_municipality(sqlite3 *db, const char *pack_dir, char *buf, size_t len) {
  buf[0] = '\0';
  pack_summary s;
  char err[512];
  if (pack_dir && evaluate_pack_summary(pack_dir, &s, err, sizeof err) == 0) {
    snprintf(buf, len, "%s", s.municipality);
    pack_summary_free(&s);
  }
  if (!buf[0]) store_meta_get(db, "municipality", buf, len);
}

/* import measures: the roadmap goes to the municipality's current cycle. */
static int import_roadmap(const command_args *args, sqlite3 *db, const char *path, const import_options *io,
                          import_report *report, char *err, size_t errlen) {
  char municipality[256], pack_buf[PATH_MAX];
  const char *pack_dir = resolve_pack(args, db, pack_buf, sizeof pack_buf);
  store_municipality(db, pack_dir, municipality, sizeof municipality);
  if (!municipality[0]) {
    memset(report, 0, sizeof *report);
    snprintf(err, errlen, "%s: whose roadmap is it? set the municipality with 'pdmon init --municipality CODE'", path);
    return -1;
  }
  cycle_ref c = {0};
  char inner[512];
  int found = cycle_find(db, municipality, 0, &c, inner, sizeof inner) == 0 && strcmp(c.state, "closed") != 0;
  if (!found) fprintf(stderr, "note: no open cycle: the measures are not attached to a cycle\n");
  return roadmap_import(db, path, municipality, found ? c.id : 0, found ? c.pack_dir : pack_dir, io, report, err, errlen);
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
  int rc;
  if (!strcmp(pos[0], "measures")) rc = import_roadmap(args, db, pos[1], &io, &report, err, sizeof err);
  else rc = import_file(db, pos[0], pos[1], &io, &report, err, sizeof err);
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

/* The pack for commands that need no store: --pack, else the pack the
 * store (if there is one) recorded; NULL after a usage message. */
static const char *pack_without_store(const command_args *args, const char *command, char *buf) {
  char err[1024];
  sqlite3 *db = NULL;
  if (!args->pack && store_open(args->db, 0, &db, err, sizeof err) != 0) db = NULL;
  const char *dir = resolve_pack(args, db, buf, PATH_MAX);
  if (db) sqlite3_close(db);
  if (!dir) fprintf(stderr, "pdmon %s: no pack: give --pack DIR or record one with 'pdmon init --pack DIR'\n", command);
  return dir;
}

int command_check(const command_args *args) {
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "check", NULL, 0, pos, &npos, 0) != 0) return EXIT_USAGE;
  char err[2048], buf[PATH_MAX];
  const char *dir = pack_without_store(args, "check", buf);
  if (!dir) return EXIT_USAGE;
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
static int resolve_evaluation(const command_args *args, const char *command, int has_period, int pack_required,
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
  if (!opt->pack_dir && pack_required) {
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
  status = resolve_evaluation(args, "eval", opts[0].present, 1, &opt, pack_buf, municipality);
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

/* explain --cycle N: the rules stored with the cycle, its period and
 * municipality, restored into a scratch folder for the explanation. */
static int explain_cycle(const command_args *args, const char *id, const char *cycle_opt, evaluate_options *opt) {
  sqlite3 *db;
  cycle_ref c;
  char municipality[256], err[2048], root[4096], pack_dir[4700];
  int status = open_cycle(args, "explain", cycle_opt, &db, &c, municipality);
  if (status != EXIT_OK) return status;
  int rc = cycle_restore_pack(db, &c, root, sizeof root, pack_dir, sizeof pack_dir, err, sizeof err);
  sqlite3_close(db);
  if (rc == 0) {
    opt->store_path = args->db;
    opt->pack_dir = pack_dir;
    opt->municipality = c.municipality;
    if (!opt->period) opt->period = c.period;
    printf("rules of cycle %lld (%d) as stored when it ran; values on the store's current data\n", c.id, c.period);
    rc = evaluate_explain(opt, id, stdout, err, sizeof err);
  }
  if (root[0]) cycle_remove_restored(root);
  if (rc != 0) fprintf(stderr, "pdmon explain: %s\n", err);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_explain(const command_args *args) {
  option_spec opts[] = {{"--period", 1, NULL, 0}, {"--org", 1, NULL, 0}, {"--cycle", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "explain", opts, 3, pos, &npos, 1) != 0) return EXIT_USAGE;
  if (npos != 1) {
    fputs("usage: pdmon explain INDICATOR [--period YEAR] [--org ID] [--cycle N]\n", stderr);
    return EXIT_USAGE;
  }
  evaluate_options opt = {.limits = sandbox_default_limits(), .organization = opts[1].value};
  if (opts[0].present && parse_year(opts[0].value, &opt.period) != 0) {
    fprintf(stderr, "pdmon explain: --period: not a year (%s)\n", opts[0].value);
    return EXIT_USAGE;
  }
  if (opts[2].present) return explain_cycle(args, pos[0], opts[2].value, &opt);
  char err[2048], pack_buf[PATH_MAX], municipality[256];
  int status = resolve_evaluation(args, "explain", opts[0].present, 1, &opt, pack_buf, municipality);
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
  const char *dir = pack_without_store(args, "test", buf);
  if (!dir) return EXIT_USAGE;
  int passed;
  int failed = packtest_run(dir, stdout, &passed, err, sizeof err);
  if (failed < 0) {
    fprintf(stderr, "%s\n", err);
    return EXIT_USER;
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? EXIT_OK : EXIT_USER;
}

/* Opens the store and finds the municipality's cycle (--cycle N or the
 * latest). Returns an exit status; on success *db is open. */
static int open_cycle(const command_args *args, const char *command, const char *cycle_opt, sqlite3 **db,
                      cycle_ref *c, char *municipality) {
  char err[2048], pack_buf[PATH_MAX];
  if (store_open(args->db, 0, db, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon %s: %s\n", command, err);
    return EXIT_USER;
  }
  store_municipality(*db, resolve_pack(args, *db, pack_buf, sizeof pack_buf), municipality, 256);
  long long id = cycle_opt ? atoll(cycle_opt) : 0;
  int rc = cycle_find(*db, municipality[0] ? municipality : NULL, id, c, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "pdmon %s: %s\n", command, err);
    sqlite3_close(*db);
    return EXIT_USER;
  }
  return EXIT_OK;
}

static int cycle_open_command(const command_args *args, option_spec *opts) {
  int period;
  if (!opts[0].present || parse_year(opts[0].value, &period) != 0) {
    fputs("usage: pdmon cycle open --period YEAR [--title T]\n", stderr);
    return EXIT_USAGE;
  }
  char err[2048], pack_buf[PATH_MAX], pack_path[PATH_MAX], municipality[256];
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon cycle: %s\n", err);
    return EXIT_USER;
  }
  const char *pack_dir = resolve_pack(args, db, pack_buf, sizeof pack_buf);
  store_municipality(db, pack_dir, municipality, sizeof municipality);
  int status = EXIT_USER;
  long long id;
  if (!pack_dir || !realpath(pack_dir, pack_path)) {
    fputs("pdmon cycle open: no pack: give --pack DIR or record one with 'pdmon init --pack DIR'\n", stderr);
    status = EXIT_USAGE;
  } else if (!municipality[0]) {
    fputs("pdmon cycle open: set the municipality with 'pdmon init --municipality CODE'\n", stderr);
  } else if (cycle_open(db, municipality, period, opts[1].value, pack_path, &id, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon cycle open: %s\n", err);
  } else {
    printf("cycle %lld opened: %s, %d (pack %s)\n", id, municipality, period, pack_path);
    status = EXIT_OK;
  }
  sqlite3_close(db);
  return status;
}

int command_cycle(const command_args *args) {
  option_spec opts[] = {{"--period", 1, NULL, 0}, {"--title", 1, NULL, 0}, {"--cycle", 1, NULL, 0},
                        {"--format", 1, NULL, 0}, {"--to", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "cycle", opts, 5, pos, &npos, 1) != 0 || npos != 1) {
    fputs("usage: pdmon cycle open --period YEAR [--title T] | run | status [--format table|json] | analysis [--format table|json]"
          " | recommendations [--to ADDRESSEE] | close   [--cycle N]\n", stderr);
    return EXIT_USAGE;
  }
  if (!strcmp(pos[0], "open")) return cycle_open_command(args, opts);
  static const char *const steps[] = {"run", "status", "close", "analysis", "recommendations"};
  size_t step = 0;
  while (step < 5 && strcmp(pos[0], steps[step])) step++;
  if (step == 5) {
    fprintf(stderr, "pdmon cycle: unknown step '%s'; expected open, run, status, analysis, recommendations or close\n", pos[0]);
    return EXIT_USAGE;
  }
  sqlite3 *db;
  cycle_ref c;
  char municipality[256], err[2048];
  int status = open_cycle(args, "cycle", opts[2].value, &db, &c, municipality);
  if (status != EXIT_OK) return status;
  int rc;
  if (!strcmp(pos[0], "run")) rc = cycle_run(db, args->db, &c, err, sizeof err);
  else if (!strcmp(pos[0], "close")) rc = cycle_close(db, &c, err, sizeof err);
  else if (!strcmp(pos[0], "analysis")) rc = analysis_write(db, &c, opts[3].value ? opts[3].value : "table", stdout, err, sizeof err);
  else if (!strcmp(pos[0], "recommendations")) rc = analysis_recommendations(db, &c, opts[4].value, stdout, err, sizeof err);
  else rc = assessment_write(db, &c, opts[3].value ? opts[3].value : "table", stdout, err, sizeof err);
  if (rc != 0) fprintf(stderr, "pdmon cycle %s: %s\n", pos[0], err);
  else if (!strcmp(pos[0], "run")) printf("cycle %lld (%d): monitoring, analysis and recommendations stored\n", c.id, c.period);
  else if (!strcmp(pos[0], "close")) printf("cycle %lld (%d) closed\n", c.id, c.period);
  sqlite3_close(db);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_measure(const command_args *args) {
  option_spec opts[] = {{"--due", 0, NULL, 0}, {"--overdue", 0, NULL, 0}, {"--on", 1, NULL, 0},
                        {"--document", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "measure", opts, 4, pos, &npos, 2) != 0 || npos < 1 ||
      (strcmp(pos[0], "list") && strcmp(pos[0], "done")) || (!strcmp(pos[0], "done") && (npos != 2 || !opts[3].value))) {
    fputs("usage: pdmon measure list [--due|--overdue] [--on DATE] | done ID --document DOC_ID\n", stderr);
    return EXIT_USAGE;
  }
  char err[2048], pack_buf[PATH_MAX], municipality[256], date[11];
  if (opts[2].present && value_parse_date(opts[2].value, date) != 0) {
    fprintf(stderr, "pdmon measure: --on: not a date (%s)\n", opts[2].value);
    return EXIT_USAGE;
  }
  if (!opts[2].present) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
  }
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon measure: %s\n", err);
    return EXIT_USER;
  }
  store_municipality(db, resolve_pack(args, db, pack_buf, sizeof pack_buf), municipality, sizeof municipality);
  int rc;
  if (!strcmp(pos[0], "done")) rc = roadmap_done(db, atoll(pos[1]), opts[3].value, err, sizeof err);
  else rc = roadmap_list(db, municipality, date, opts[0].present ? "due" : opts[1].present ? "overdue" : NULL,
                         stdout, err, sizeof err);
  if (rc != 0) fprintf(stderr, "pdmon measure: %s\n", err);
  sqlite3_close(db);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_decision(const command_args *args) {
  option_spec opts[] = {{"--kind", 1, NULL, 0}, {"--number", 1, NULL, 0}, {"--date", 1, NULL, 0},
                        {"--title", 1, NULL, 0}, {"--link", 1, NULL, 0}, {"--cycle", 1, NULL, 0},
                        {"--measure", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  long long measures[64];
  size_t nmeasures = 0;
  command_args rest = *args;
  /* --measure may repeat: collect its values, hand the rest to the parser */
  char *kept[256];
  int nkept = 0;
  for (int i = 0; i < args->argc && nkept < 256; i++) {
    if (!strcmp(args->argv[i], "--measure") && i + 1 < args->argc) {
      if (nmeasures == 64) {
        fputs("pdmon decision: at most 64 --measure options; record the rest with a second decision\n", stderr);
        return EXIT_USAGE;
      }
      measures[nmeasures++] = atoll(args->argv[++i]);
    } else {
      kept[nkept++] = args->argv[i];
    }
  }
  rest.argc = nkept;
  rest.argv = kept;
  if (parse_options(&rest, "decision", opts, 7, pos, &npos, 1) != 0 || npos != 1 || strcmp(pos[0], "add") ||
      !opts[2].value || !opts[3].value) {
    fputs("usage: pdmon decision add --kind order|protocol --number N --date DATE --title T [--link URL]"
          " [--measure ID]... [--cycle N]\n", stderr);
    return EXIT_USAGE;
  }
  sqlite3 *db;
  cycle_ref c = {0};
  char municipality[256], err[2048];
  int status = open_cycle(args, "decision", opts[5].value, &db, &c, municipality);
  if (status != EXIT_OK) return status;
  int rc = roadmap_decision(db, c.municipality, opts[0].value ? opts[0].value : "order", opts[1].value, opts[2].value,
                            opts[3].value, opts[4].value, c.id, measures, nmeasures, err, sizeof err);
  if (rc != 0) fprintf(stderr, "pdmon decision: %s\n", err);
  else printf("decision recorded for cycle %lld (%d), linked to %zu measures\n", c.id, c.period, nmeasures);
  sqlite3_close(db);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_synth(const command_args *args) {
  option_spec opts[] = {{"--scale", 1, NULL, 0}, {"--seed", 1, NULL, 0}, {"--out", 1, NULL, 0},
                        {"--municipality", 1, NULL, 0}, {"--organizations", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "synth", opts, 5, pos, &npos, 0) != 0 || !opts[0].value || !opts[2].value) {
    fputs("usage: pdmon synth --scale municipality|region|country --seed N --out DIR [--municipality CODE] [--organizations N]\n", stderr);
    return EXIT_USAGE;
  }
  synth_options so = {.scale = opts[0].value, .seed = opts[1].value ? strtoull(opts[1].value, NULL, 10) : 1,
                      .out_dir = opts[2].value, .municipality = opts[3].value,
                      .organizations = opts[4].value ? atoi(opts[4].value) : 0};
  synth_counts n;
  char err[1024];
  if (synth_run(&so, &n, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon synth: %s\n", err);
    return EXIT_USER;
  }
  printf("%s: %lld organizations, %lld staff, %lld activities, %lld communities, %lld documents\n", so.out_dir,
         n.organizations, n.staff, n.activities, n.communities, n.documents);
  return EXIT_OK;
}

int command_report(const command_args *args) {
  option_spec opts[] = {{"--cycle", 1, NULL, 0}, {"--format", 1, NULL, 0}, {"-o", 1, NULL, 0}, {"--org", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  command_args rest = *args;
  /* -o is the one short option; parse_options only knows long ones */
  char *kept[256];
  const char *output = NULL;
  int nkept = 0;
  for (int i = 0; i < args->argc && nkept < 256; i++) {
    if (!strcmp(args->argv[i], "-o") && i + 1 < args->argc) output = args->argv[++i];
    else kept[nkept++] = args->argv[i];
  }
  rest.argc = nkept;
  rest.argv = kept;
  if (parse_options(&rest, "report", opts, 4, pos, &npos, 0) != 0 || !opts[1].value) {
    fputs("usage: pdmon report [--cycle N] --format html|md|json|csv|xlsx [--org ID] [-o FILE]\n", stderr);
    return EXIT_USAGE;
  }
  sqlite3 *db;
  cycle_ref c;
  char municipality[256], err[2048];
  int status = open_cycle(args, "report", opts[0].value, &db, &c, municipality);
  if (status != EXIT_OK) return status;
  int rc = -1;
  if (!strcmp(opts[1].value, "xlsx")) {
    if (output) rc = xlsx_write(db, &c, opts[3].value, output, err, sizeof err);
    else snprintf(err, sizeof err, "--format xlsx needs -o FILE.xlsx");
  } else {
    FILE *out = output ? fopen(output, "w") : stdout;
    if (!out) snprintf(err, sizeof err, "%s: cannot write", output);
    else rc = report_write(db, &c, opts[1].value, opts[3].value, out, err, sizeof err);
    if (out && out != stdout && fclose(out) != 0) rc = -1;
  }
  sqlite3_close(db);
  if (rc != 0) fprintf(stderr, "pdmon report: %s\n", err);
  else if (output) printf("report written to %s\n", output);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_demo(const command_args *args) {
  option_spec opts[] = {{"--out", 1, NULL, 0}};
  const char *pos[MAX_POSITIONAL];
  int npos;
  if (parse_options(args, "demo", opts, 1, pos, &npos, 0) != 0) return EXIT_USAGE;
  char err[2048];
  if (demo_run(opts[0].value ? opts[0].value : "pdmon-demo", stdout, err, sizeof err) != 0) {
    fprintf(stderr, "pdmon demo: %s\n", err);
    return EXIT_USER;
  }
  return EXIT_OK;
}

int command_repl(const command_args *args) {
  const char *chunks[64], *file = NULL;
  int nchunks = 0;
  for (int i = 0; i < args->argc; i++) {
    if (!strcmp(args->argv[i], "-e") && i + 1 < args->argc) {
      if (nchunks == 64) {
        fputs("pdmon repl: at most 64 -e chunks; put the rest in a script file\n", stderr);
        return EXIT_USAGE;
      }
      chunks[nchunks++] = args->argv[++i];
    }
    else if (args->argv[i][0] != '-' || !strcmp(args->argv[i], "-")) file = args->argv[i];
    else {
      fputs("usage: pdmon repl [-e CHUNK]... [FILE | -]\n", stderr);
      return EXIT_USAGE;
    }
  }
  char pack_buf[PATH_MAX], municipality[256];
  evaluate_options eo = {.limits = sandbox_default_limits()};
  /* the language works without a pack; only its indicators need one */
  int status = resolve_evaluation(args, "repl", 0, 0, &eo, pack_buf, municipality);
  if (status != EXIT_OK) return status;
  repl_options ro = {.store_path = args->db, .pack_dir = eo.pack_dir, .municipality = eo.municipality,
                     .period = eo.period, .chunks = chunks, .nchunks = nchunks, .file = file};
  return repl_run(&ro);
}
