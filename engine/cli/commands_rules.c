/* commands_rules.c: the commands that work with a rule pack: check,
 * vocabulary (the values rules may name), eval, explain, test, and the
 * analyst's console repl. The promises are in commands.h. */
#include "commands.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_support.h"
#include "cycle.h"
#include "evaluate.h"
#include "i18n.h"
#include "pack.h"
#include "packtest.h"
#include "repl.h"
#include "result_sink.h"
#include "results.h"
#include "sandbox.h"
#include "vocabulary.h"

int command_check(const command_args *args) {
  char err[2048], buf[PATH_MAX];
  const char *dir = pack_without_store(args, buf);
  if (!dir) return EXIT_USAGE;
  sandbox *sb = sandbox_new(sandbox_default_limits());
  if (!sb) return EXIT_USER;
  pack p;
  int rc = pack_load(sb, dir, &p, err, sizeof err);
  if (rc == 0) {
    printf(_("%s: pack %s loads cleanly\n"), p.dir, p.id);
    pack_release(&p);
  } else {
    fprintf(stderr, "%s\n", err);
  }
  sandbox_free(sb);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_vocabulary(const command_args *args) {
  if (vocabulary_write_markdown(stdout) != 0 || fflush(stdout) != 0) {
    command_error(args, "%s", _("write error"));
    return EXIT_USER;
  }
  return EXIT_OK;
}

/* Reads --period into *period when given; returns an exit status. */
static int period_option(const command_args *args, int *period) {
  const char *text = opt_value(args, "period");
  if (text && parse_year(text, period) != 0) return usage_error(args, _("--period: not a year (%s)"), text);
  return EXIT_OK;
}

/* Reads eval's options into opt; returns an exit status when they are wrong. */
static int eval_options(const command_args *args, evaluate_options *opt, const char **format) {
  int status = period_option(args, &opt->period);
  if (status != EXIT_OK) return status;
  opt->indicator = opt_value(args, "indicator");
  opt->organization = opt_value(args, "org");
  opt->all_municipalities = opt_given(args, "region") > 0;
  if (opt_given(args, "all") > 0) {
    if (opt->all_municipalities) return usage_error(args, _("--all and --region: choose one"));
    if (opt->organization) return usage_error(args, _("--all and --org: an organization is one municipality's; give --municipality"));
    if (opt_value(args, "municipality")) return usage_error(args, _("--all and --municipality: choose one"));
  }
  *format = opt_value(args, "format") ? opt_value(args, "format") : "table";
  if (strcmp(*format, "table") && strcmp(*format, "json") && strcmp(*format, "csv"))
    return usage_error(args, _("--format: expected table, json or csv (%s)"), *format);
  return EXIT_OK;
}

/* Prints the message of an error row to stderr (eval then exits 1). */
static int report_error_row(void *ud, const result_row *r) {
  int *errors = ud;
  if (r->status == STATUS_ERROR) {
    fprintf(stderr, "%s\n", r->message ? r->message : "error");
    (*errors)++;
  }
  return 0;
}

int command_eval(const command_args *args) {
  evaluate_options opt = {.limits = sandbox_default_limits()};
  const char *format = "table";
  int status = eval_options(args, &opt, &format);
  if (status != EXIT_OK) return status;
  char err[2048], pack_buf[PATH_MAX], municipality[256];
  status = resolve_evaluation(args, opt_given(args, "period") > 0, 1, &opt, pack_buf, municipality);
  if (status != EXIT_OK) return status;
  result_sink *sink;
  if (result_sink_open(&sink, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return EXIT_USER;
  }
  evaluation_info info;
  int each = opt_given(args, "all") > 0, municipalities = 0;
  int rc = each ? evaluate_each_municipality(&opt, sink, &info, &municipalities, err, sizeof err)
                : evaluate_stream(&opt, sink, &info, NULL, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "%s\n", err);
    result_sink_close(sink);
    return EXIT_USER;
  }
  if (each && municipalities == 0) {
    command_error(args, _("%s: the store has no municipality's data (import organizations first)"), args->db);
    result_sink_close(sink);
    return EXIT_USER;
  }
  /* the rows go from the sink to the output one by one, never all held */
  result_meta meta = {.pack = info.pack, .municipality = info.municipality[0] ? info.municipality : NULL,
                      .period = opt.period, .statements = info.statements, .per_municipality = each};
  result_sink_source from = {sink, opt.organization};
  result_source src = result_sink_as_source(&from);
  status = EXIT_OK;
  if (results_render_source(&meta, &src, format, stdout, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    status = EXIT_USER;
  }
  int errors = 0;
  result_sink_each_error(sink, opt.organization, report_error_row, &errors);
  if (errors) status = EXIT_USER;
  result_sink_close(sink);
  return status;
}

/* explain --cycle N: the rules stored with the cycle, its period and
 * municipality, restored into a scratch folder for the explanation. */
static int explain_cycle(const command_args *args, const char *id, evaluate_options *opt) {
  sqlite3 *db;
  cycle_ref c;
  char municipality[256], err[2048], root[4096], pack_dir[4700];
  int status = open_cycle(args, opt_value(args, "cycle"), &db, &c, municipality);
  if (status != EXIT_OK) return status;
  int rc = cycle_restore_pack(db, &c, root, sizeof root, pack_dir, sizeof pack_dir, err, sizeof err);
  sqlite3_close(db);
  if (rc == 0) {
    opt->store_path = args->db;
    opt->pack_dir = pack_dir;
    opt->municipality = c.municipality;
    if (!opt->period) opt->period = c.period;
    printf(_("rules of cycle %lld (%d) as stored when it ran; values on the store's current data\n"), c.id,
           c.period);
    rc = evaluate_explain(opt, id, stdout, err, sizeof err);
  }
  if (root[0]) cycle_remove_restored(root);
  if (rc != 0) command_error(args, "%s", err);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_explain(const command_args *args) {
  const char *indicator = args->argv[0];
  evaluate_options opt = {.limits = sandbox_default_limits(), .organization = opt_value(args, "org")};
  int status = period_option(args, &opt.period);
  if (status != EXIT_OK) return status;
  if (opt_value(args, "cycle")) return explain_cycle(args, indicator, &opt);
  char err[2048], pack_buf[PATH_MAX], municipality[256];
  status = resolve_evaluation(args, opt_given(args, "period") > 0, 1, &opt, pack_buf, municipality);
  if (status != EXIT_OK) return status;
  if (evaluate_explain(&opt, indicator, stdout, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return EXIT_USER;
  }
  return EXIT_OK;
}

int command_test(const command_args *args) {
  char err[2048], buf[PATH_MAX];
  const char *dir = pack_without_store(args, buf);
  if (!dir) return EXIT_USAGE;
  int passed;
  int failed = packtest_run(dir, stdout, &passed, err, sizeof err);
  if (failed < 0) {
    fprintf(stderr, "%s\n", err);
    return EXIT_USER;
  }
  printf(_("%d passed, %d failed\n"), passed, failed);
  return failed == 0 ? EXIT_OK : EXIT_USER;
}

int command_repl(const command_args *args) {
  const char *const *chunks;
  int nchunks = opt_list(args, "execute", &chunks);
  char pack_buf[PATH_MAX], municipality[256];
  evaluate_options eo = {.limits = sandbox_default_limits()};
  /* the language works without a pack; only its indicators need one */
  int status = resolve_evaluation(args, 0, 0, &eo, pack_buf, municipality);
  if (status != EXIT_OK) return status;
  repl_options ro = {.store_path = args->db, .pack_dir = eo.pack_dir, .municipality = eo.municipality,
                     .period = eo.period, .chunks = chunks, .nchunks = nchunks,
                     .file = args->argc ? args->argv[0] : NULL};
  return repl_run(&ro);
}
