/* commands_cycle.c: the commands of the management cycle: cycle (open, run,
 * status, analysis, recommendations, close), measure (the roadmap on a
 * date) and decision (management decisions). The promises are in
 * commands.h. */
#include "commands.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "assessment.h"
#include "command_support.h"
#include "cycle.h"
#include "cycle_region.h"
#include "i18n.h"
#include "rejudge.h"
#include "roadmap.h"
#include "store.h"
#include "value.h"

static int cycle_open_command(const command_args *args) {
  int period;
  const char *period_text = opt_value(args, "period");
  if (!period_text) return usage_error(args, _("cycle open needs --period YEAR"));
  if (parse_year(period_text, &period) != 0) return usage_error(args, _("--period: not a year (%s)"), period_text);
  char err[2048], pack_buf[PATH_MAX], pack_path[PATH_MAX], municipality[256];
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  const char *pack_dir = resolve_pack(args, db, pack_buf, sizeof pack_buf);
  if (store_municipality(args, db, pack_dir, municipality, sizeof municipality) != 0) {
    sqlite3_close(db);
    return EXIT_USER;
  }
  int status = EXIT_USER;
  long long id;
  if (!pack_dir || !realpath(pack_dir, pack_path)) {
    command_error(args, _("open: no pack: give --pack DIR or record one with 'pdmon init --pack DIR'"));
    status = EXIT_USAGE;
  } else if (!municipality[0]) {
    command_error(args, _("open: set the municipality with 'pdmon init --municipality CODE'"));
  } else if (cycle_open(db, municipality, period, opt_value(args, "title"), pack_path, &id, err, sizeof err) != 0) {
    command_error(args, "open: %s", err);
  } else {
    printf(_("cycle %lld opened: %s, %d (pack %s)\n"), id, municipality, period, pack_path);
    status = EXIT_OK;
  }
  sqlite3_close(db);
  return status;
}

/* What a region-wide step has told so far: counts and the failed
 * municipalities (the first few by name). */
typedef struct region_tally {
  const command_args *args;
  const char *step;
  int done, kept, failed;
  char failed_names[1024];
  size_t used;
} region_tally;

/* Prints one municipality's outcome: done on standard output, failed on
 * standard error with the reason (which names the failed indicators). */
static void tell_outcome(void *ud, const cycle_outcome *o) {
  region_tally *t = ud;
  if (o->failed) {
    command_error(t->args, "%s: %s: %s", t->step, o->municipality, o->message);
    if (t->failed++ < 20 && t->used < sizeof t->failed_names)
      t->used += (size_t)snprintf(t->failed_names + t->used, sizeof t->failed_names - t->used, "%s%s",
                                  t->used ? ", " : "", o->municipality);
    else if (t->failed == 21 && t->used < sizeof t->failed_names)
      t->used += (size_t)snprintf(t->failed_names + t->used, sizeof t->failed_names - t->used, ", ...");
  } else if (o->kept) {
    t->kept++;
    printf(_("%s: cycle %lld (%d) exists already; kept\n"), o->municipality, o->cycle, o->period);
  } else {
    t->done++;
    if (!strcmp(t->step, "open")) printf(_("%s: cycle %lld opened (%d)\n"), o->municipality, o->cycle, o->period);
    else printf(_("%s: cycle %lld (%d): monitoring, analysis and recommendations stored\n"), o->municipality, o->cycle,
                o->period);
  }
}

/* cycle status --all [--period YEAR] [--format table|json]: the state of every
 * municipality's cycle of the period (default: the latest of the store's cycles), one line
 * each. */
static int cycle_status_all_command(const command_args *args) {
  static const char *const single[] = {"cycle", "municipality"};
  for (int i = 0; i < 2; i++)
    if (opt_value(args, single[i])) return usage_error(args, _("--all and --%s: choose one"), single[i]);
  int period = 0;
  const char *period_text = opt_value(args, "period");
  if (period_text && parse_year(period_text, &period) != 0) return usage_error(args, _("--period: not a year (%s)"), period_text);
  const char *format = opt_value(args, "format") ? opt_value(args, "format") : "table";
  char err[2048];
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  int rc = 0;
  if (!period && !(period = cycle_latest_period(db))) {
    snprintf(err, sizeof err, _("no cycle yet: open them with 'pdmon cycle open --all --period YEAR'"));
    rc = -1;
  } else {
    rc = assessment_write_all(db, period, format, stdout, err, sizeof err);
  }
  sqlite3_close(db);
  if (rc != 0) {
    command_error(args, "status: %s", err);
    return EXIT_USER;
  }
  return EXIT_OK;
}

/* cycle open --all --period YEAR [--title T] / cycle run --all [--period YEAR]:
 * every municipality of the store, each its own cycle with its layer over
 * the region's pack (--pack, else the store's). Exits 1 when any
 * municipality failed, naming them; the others are done. */
static int cycle_all_command(const command_args *args, const char *step) {
  int open = !strcmp(step, "open");
  if (!strcmp(step, "status")) return cycle_status_all_command(args);
  if (!open && strcmp(step, "run"))
    return usage_error(args, _("--all is for 'cycle open', 'cycle run' and 'cycle status'"));
  static const char *const single[] = {"cycle", "municipality"};
  for (int i = 0; i < 2; i++)
    if (opt_value(args, single[i])) return usage_error(args, _("--all and --%s: choose one"), single[i]);
  int period = 0;
  const char *period_text = opt_value(args, "period");
  if (open && !period_text) return usage_error(args, _("cycle open needs --period YEAR"));
  if (period_text && parse_year(period_text, &period) != 0) return usage_error(args, _("--period: not a year (%s)"), period_text);
  char err[4096], pack_buf[PATH_MAX];
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  const char *region = resolve_pack(args, db, pack_buf, sizeof pack_buf);
  if (!region) {
    sqlite3_close(db);
    command_error(args, _("%s: no pack: give the region's pack with --pack DIR or record it with 'pdmon init --pack DIR'"), step);
    return EXIT_USAGE;
  }
  if (!period && !(period = cycle_latest_period(db))) {
    sqlite3_close(db);
    command_error(args, _("run: no cycle yet: open them with 'pdmon cycle open --all --period YEAR'"));
    return EXIT_USER;
  }
  region_tally t = {.args = args, .step = step};
  int failed; /* as the callback counts them */
  int rc = open ? cycle_open_all(db, args->db, region, period, opt_value(args, "title"), tell_outcome, &t, &failed, err,
                                 sizeof err)
                : cycle_run_all(db, args->db, region, period, tell_outcome, &t, &failed, err, sizeof err);
  sqlite3_close(db);
  if (rc != 0) {
    command_error(args, "%s: %s", step, err);
    return EXIT_USER;
  }
  int total = t.done + t.kept + t.failed;
  if (open) printf(_("cycles of %d: %d opened, %d kept, %d failed, of %d municipalities\n"), period, t.done, t.kept, t.failed, total);
  else printf(_("cycles of %d: %d stored, %d failed, of %d municipalities\n"), period, t.done, t.failed, total);
  if (t.failed) {
    command_error(args, _("%s --all: %d of %d municipalities failed, nothing was done for them: %s"), step, t.failed, total,
                  t.failed_names);
    return EXIT_USER;
  }
  return EXIT_OK;
}

/* cycle rejudge [--cycle N | --all] [--pack DIR] [--dry-run]: the stored
 * results judged again against the pack's current targets. */
static int cycle_rejudge_command(const command_args *args) {
  int all = opt_given(args, "all");
  if (all && opt_value(args, "cycle")) return usage_error(args, _("--all and --cycle exclude each other"));
  if (all && opt_value(args, "municipality")) return usage_error(args, _("--all and --municipality exclude each other"));
  char err[4096], municipality[256], pack_path[PATH_MAX];
  if (args->pack && !realpath(args->pack, pack_path)) {
    command_error(args, _("%s: no such pack folder"), args->pack);
    return EXIT_USER;
  }
  sqlite3 *db;
  cycle_ref c = {0};
  if (all) {
    if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
      command_error(args, "%s", err);
      return EXIT_USER;
    }
  } else {
    int status = open_cycle(args, opt_value(args, "cycle"), &db, &c, municipality);
    if (status != EXIT_OK) return status;
  }
  rejudge_options opt = {.cycle = all ? 0 : c.id, .pack_dir = args->pack ? pack_path : NULL,
                         .dry_run = opt_given(args, "dry-run")};
  rejudge_summary summary;
  int rc = cycle_rejudge(db, &opt, stdout, &summary, err, sizeof err);
  if (rc != 0) command_error(args, "rejudge: %s", err);
  sqlite3_close(db);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_cycle(const command_args *args) {
  const char *step = args->argv[0];
  if (!strcmp(step, "rejudge")) return cycle_rejudge_command(args);
  if (opt_given(args, "dry-run")) return usage_error(args, _("--dry-run is an option of 'cycle rejudge'"));
  if (opt_given(args, "all") > 0) return cycle_all_command(args, step);
  if (!strcmp(step, "open")) return cycle_open_command(args);
  static const char *const steps[] = {"run", "status", "close", "analysis", "recommendations"};
  size_t k = 0;
  while (k < 5 && strcmp(step, steps[k])) k++;
  if (k == 5)
    return usage_error(args, _("unknown step '%s'; expected open, run, status, analysis, recommendations, rejudge"
                               " or close"), step);
  sqlite3 *db;
  cycle_ref c;
  char municipality[256], err[2048];
  int status = open_cycle(args, opt_value(args, "cycle"), &db, &c, municipality);
  if (status != EXIT_OK) return status;
  const char *format = opt_value(args, "format") ? opt_value(args, "format") : "table";
  int rc;
  if (!strcmp(step, "run")) rc = cycle_run(db, args->db, &c, err, sizeof err);
  else if (!strcmp(step, "close")) rc = cycle_close(db, &c, err, sizeof err);
  else if (!strcmp(step, "analysis")) rc = analysis_write(db, &c, format, stdout, err, sizeof err);
  else if (!strcmp(step, "recommendations"))
    rc = analysis_recommendations(db, &c, opt_value(args, "to"), stdout, err, sizeof err);
  else rc = assessment_write(db, &c, format, stdout, err, sizeof err);
  if (rc != 0) command_error(args, "%s: %s", step, err);
  else if (!strcmp(step, "run"))
    printf(_("cycle %lld (%d): monitoring, analysis and recommendations stored\n"), c.id, c.period);
  else if (!strcmp(step, "close")) printf(_("cycle %lld (%d) closed\n"), c.id, c.period);
  sqlite3_close(db);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

/* measure done ID --document DOC_ID [--occurrence YEAR] */
static int measure_done(const command_args *args, sqlite3 *db) {
  long long id;
  int year = 0;
  char err[2048];
  if (parse_id(args->argv[1], &id) != 0) {
    command_error(args, _("done: not a measure number (%s)"), args->argv[1]);
    return EXIT_USAGE;
  }
  const char *occurrence = opt_value(args, "occurrence");
  if (occurrence && parse_year(occurrence, &year) != 0) {
    command_error(args, _("--occurrence: not a year (%s)"), occurrence);
    return EXIT_USAGE;
  }
  int rc = roadmap_done(db, id, year, opt_value(args, "document"), err, sizeof err);
  if (rc != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  if (year) printf(_("measure %lld: the occurrence of %d is done\n"), id, year);
  else printf(_("measure %lld is done\n"), id);
  return EXIT_OK;
}

/* measure list [--cycle N] [--due|--overdue] [--on DATE] */
static int measure_list(const command_args *args, sqlite3 *db, const char *on) {
  char err[2048], pack_buf[PATH_MAX], municipality[256], date[11];
  long long cycle = 0;
  int from_year = 0;
  const char *cycle_opt = opt_value(args, "cycle");
  if (cycle_opt) {
    cycle_ref c;
    if (parse_id(cycle_opt, &cycle) != 0) {
      command_error(args, _("--cycle: not a cycle number (%s)"), cycle_opt);
      return EXIT_USAGE;
    }
    if (cycle_find(db, NULL, cycle, &c, err, sizeof err) != 0) {
      command_error(args, "%s", err);
      return EXIT_USER;
    }
    snprintf(municipality, sizeof municipality, "%s", c.municipality);
    from_year = c.period;
    if (!on) snprintf(date, sizeof date, "%04d-12-31", c.period);
  } else {
    if (store_municipality(args, db, resolve_pack(args, db, pack_buf, sizeof pack_buf), municipality, sizeof municipality) != 0)
      return EXIT_USER;
    if (!on) {
      time_t now = time(NULL);
      struct tm tm;
      localtime_r(&now, &tm);
      strftime(date, sizeof date, "%Y-%m-%d", &tm);
    }
  }
  if (on && value_parse_date(on, date) != 0) return usage_error(args, _("--on: not a date (%s)"), on);
  const char *which = opt_given(args, "due") ? "due" : opt_given(args, "overdue") ? "overdue" : NULL;
  if (roadmap_list(db, cycle ? NULL : municipality, cycle, from_year, date, which, stdout, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  return EXIT_OK;
}

int command_measure(const command_args *args) {
  const char *action = args->argv[0];
  int done = !strcmp(action, "done");
  if (!done && strcmp(action, "list")) return usage_error(args, _("unknown action '%s'; expected list or done"), action);
  if (done && (args->argc != 2 || !opt_value(args, "document")))
    return usage_error(args, _("done needs the measure's number and --document DOC_ID"));
  if (!done && args->argc != 1) return usage_error(args, _("unexpected argument '%s'"), args->argv[1]);
  if (!done && opt_value(args, "occurrence")) return usage_error(args, _("--occurrence is for 'measure done'"));
  char err[2048], date[11];
  const char *on = opt_value(args, "on");
  if (on && value_parse_date(on, date) != 0) return usage_error(args, _("--on: not a date (%s)"), on);
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  int status = done ? measure_done(args, db) : measure_list(args, db, on);
  sqlite3_close(db);
  return status;
}

int command_decision(const command_args *args) {
  const char *const *measure_text;
  int nmeasures = opt_list(args, "measure", &measure_text);
  if (strcmp(args->argv[0], "add"))
    return usage_error(args, _("unknown action '%s'; expected add"), args->argv[0]);
  if (!opt_value(args, "date") || !opt_value(args, "title"))
    return usage_error(args, _("add needs --date DATE and --title T"));
  long long *measures = calloc((size_t)nmeasures + 1, sizeof *measures);
  if (!measures) return EXIT_USER;
  for (int i = 0; i < nmeasures; i++) {
    if (parse_id(measure_text[i], &measures[i]) != 0) {
      free(measures);
      return usage_error(args, _("--measure: not a measure number (%s)"), measure_text[i]);
    }
  }
  sqlite3 *db;
  cycle_ref c = {0};
  char municipality[256], err[2048];
  int status = open_cycle(args, opt_value(args, "cycle"), &db, &c, municipality);
  if (status != EXIT_OK) {
    free(measures);
    return status;
  }
  const char *kind = opt_value(args, "kind") ? opt_value(args, "kind") : "order";
  int rc = roadmap_decision(db, c.municipality, kind, opt_value(args, "number"), opt_value(args, "date"),
                            opt_value(args, "title"), opt_value(args, "link"), c.id, measures, (size_t)nmeasures, err,
                            sizeof err);
  if (rc != 0) command_error(args, "%s", err);
  else printf(_("decision recorded for cycle %lld (%d), linked to %d measures\n"), c.id, c.period, nmeasures);
  sqlite3_close(db);
  free(measures);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}
