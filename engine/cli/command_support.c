/* command_support.c: helpers the commands share. The promises are in
 * command_support.h. */
#include "command_support.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "pack.h"
#include "rule_view.h"
#include "store.h"

int parse_year(const char *text, int *year) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*end != '\0' || v < 1900 || v > 2200) return -1;
  *year = (int)v;
  return 0;
}

int parse_number(const char *text, long long min, long long max, long long *value) {
  char *end;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (end == text || *end != '\0' || errno == ERANGE || v < min || v > max) return -1;
  *value = v;
  return 0;
}

int parse_id(const char *text, long long *id) { return parse_number(text, 1, LLONG_MAX, id); }

/* The latest year with activity data is the period a coordinator most
 * likely means when giving none. */
int default_period(sqlite3 *db) {
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

const char *resolve_pack(const command_args *args, sqlite3 *db, char *buf, size_t buflen) {
  if (args->pack) return args->pack;
  if (db && store_meta_get(db, "pack", buf, buflen) == 0 && buf[0]) return buf;
  return NULL;
}

const char *pack_without_store(const command_args *args, char *buf) {
  char err[1024];
  sqlite3 *db = NULL;
  if (!args->pack && store_open(args->db, 0, &db, err, sizeof err) != 0) db = NULL;
  const char *dir = resolve_pack(args, db, buf, PATH_MAX);
  if (db) sqlite3_close(db);
  if (!dir) command_error(args, _("no pack: give --pack DIR or record one with 'pdmon init --pack DIR'"));
  return dir;
}

/* The command's --municipality when its table has that option (init's
 * own --municipality records the default and is not a choice of rows). */
static const char *chosen_municipality(const command_args *args) {
  if (!args->command || !strcmp(args->command->name, "init")) return NULL;
  for (const option_def *o = args->command->options; o->name; o++)
    if (!strcmp(o->name, "municipality")) return opt_value(args, "municipality");
  return NULL;
}

int store_municipality(const command_args *args, sqlite3 *db, const char *pack_dir, char *buf, size_t len) {
  char why[1024];
  const char *chosen = chosen_municipality(args);
  if (chosen) snprintf(buf, len, "%s", chosen);
  else if (rule_view_store_municipality(db, buf, len, why, sizeof why) != 0) buf[0] = '\0';
  /* the manifest alone: the evaluation that follows loads the whole pack once */
  char own[128];
  if (!buf[0] || !pack_dir || pack_read_manifest(pack_dir, own, sizeof own, why, sizeof why) != 0) return 0;
  int agrees = !own[0] || strcmp(own, buf) == 0;
  if (!agrees)
    command_error(args, _("%s/pack.lua: the pack is written for municipality %s, but the store's rows are %s's"
                          " (a pack never chooses whose rows it reads)"), pack_dir, own, buf);
  return agrees ? 0 : -1;
}

/* 1 when the store holds the cycles of several municipalities (err then
 * names a few): "the latest cycle" would be any one of theirs. */
static int cycles_of_several(sqlite3 *db, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT DISTINCT municipality FROM cycle ORDER BY 1 LIMIT 6", -1, &st, NULL) != SQLITE_OK)
    return 0;
  char names[512] = "";
  size_t used = 0;
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW && used < sizeof names) {
    used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", n ? ", " : "",
                             n < 5 ? (const char *)sqlite3_column_text(st, 0) : "...");
    n++;
  }
  sqlite3_finalize(st);
  if (n > 1)
    snprintf(err, errlen, _("the store holds the cycles of several municipalities (%s): say whose with --municipality"
                            " CODE or --cycle N"), names);
  return n > 1;
}

int open_cycle(const command_args *args, const char *cycle_opt, sqlite3 **db, cycle_ref *c, char *municipality) {
  char err[2048], pack_buf[PATH_MAX];
  long long id = 0;
  if (cycle_opt && parse_id(cycle_opt, &id) != 0) return usage_error(args, _("--cycle: not a cycle number (%s)"), cycle_opt);
  if (store_open(args->db, 0, db, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  if (store_municipality(args, *db, resolve_pack(args, *db, pack_buf, sizeof pack_buf), municipality, 256) != 0) {
    sqlite3_close(*db);
    return EXIT_USER;
  }
  if (!municipality[0] && !id && cycles_of_several(*db, err, sizeof err)) {
    command_error(args, "%s", err);
    sqlite3_close(*db);
    return EXIT_USER;
  }
  int rc = cycle_find(*db, municipality[0] ? municipality : NULL, id, c, err, sizeof err);
  if (rc != 0) {
    command_error(args, "%s", err);
    sqlite3_close(*db);
    return EXIT_USER;
  }
  return EXIT_OK;
}

int resolve_evaluation(const command_args *args, int has_period, int pack_required, evaluate_options *opt,
                       char *pack_buf, char *municipality) {
  char err[2048];
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  opt->store_path = args->db;
  opt->pack_dir = resolve_pack(args, db, pack_buf, PATH_MAX);
  /* the command's choice, else the store's own; never the pack's (a
   * NULL municipality makes rule_view take the store's own) */
  const char *chosen = chosen_municipality(args);
  if (chosen) snprintf(municipality, 256, "%s", chosen);
  else store_meta_get(db, "municipality", municipality, 256);
  opt->municipality = municipality[0] ? municipality : NULL;
  if (!has_period) opt->period = default_period(db);
  sqlite3_close(db);
  if (!opt->pack_dir && pack_required) {
    command_error(args, _("no pack: give --pack DIR or record one with 'pdmon init --pack DIR'"));
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

void command_error(const command_args *args, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "pdmon %s: ", args->command->name);
  vfprintf(stderr, format, ap);
  fputc('\n', stderr);
  va_end(ap);
}
