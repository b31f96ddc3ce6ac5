/* commands_report.c: the commands that present a cycle: report (HTML,
 * Markdown, JSON, CSV, XLSX) and demo (the embedded example through two
 * cycles to its report). The promises are in commands.h. */
#include "commands.h"

#include <stdio.h>
#include <string.h>

#include "command_support.h"
#include "cycle.h"
#include "demo.h"
#include "files.h"
#include "region.h"
#include "store.h"
#include "i18n.h"
#include "report.h"
#include "value.h"
#include "xlsx.h"

/* 1 when organization id is one of municipality's in the store. */
static int organization_in(sqlite3 *db, const char *id, const char *municipality) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM organization WHERE id = ?1 AND municipality = ?2", -1, &st, NULL) !=
      SQLITE_OK)
    return 0;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, municipality, -1, SQLITE_STATIC);
  int found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return found;
}

/* report --region: the region's report, to -o FILE, standard output or
 * --out DIR with every municipality's own report beside it. */
static int region_report(const command_args *args, const char *format, const char *output) {
  const char *out_dir = opt_value(args, "out"), *period_opt = opt_value(args, "period");
  static const char *const refused[] = {"cycle", "org", "as-of", "plain"};
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
    if (opt_given(args, refused[i])) return usage_error(args, _("--region reads every municipality's cycle of the period: --%s is not for it"), refused[i]);
  if (strcmp(format, "html") && strcmp(format, "md") && strcmp(format, "json") && strcmp(format, "csv") &&
      strcmp(format, "xlsx"))
    return usage_error(args, _("--region: --format html, md, json, csv or xlsx"));
  if (out_dir && output) return usage_error(args, _("--region: give -o FILE or --out DIR, not both"));
  region_options opt = {0};
  if (period_opt && parse_year(period_opt, &opt.period) != 0) return usage_error(args, _("--period: not a year (%s)"), period_opt);
  sqlite3 *db;
  char err[2048];
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  int rc = -1;
  if (out_dir) rc = region_write_folder(db, &opt, format, out_dir, err, sizeof err);
  else if (!strcmp(format, "xlsx")) {
    if (output) rc = region_xlsx_write(db, &opt, output, err, sizeof err);
    else snprintf(err, sizeof err, _("--format xlsx needs -o FILE.xlsx or --out DIR"));
  } else {
    FILE *out = output ? files_create(output, 0, err, sizeof err) : stdout;
    if (out) rc = region_write(db, &opt, format, out, err, sizeof err);
    if (out && out != stdout && files_close(out, output, err, sizeof err) != 0) rc = -1;
    if (out == stdout && fflush(stdout) != 0) {
      snprintf(err, sizeof err, _("standard output: not written completely"));
      rc = -1;
    }
  }
  sqlite3_close(db);
  if (rc != 0) command_error(args, "%s", err);
  else if (out_dir) printf(_("region's report and the municipalities' reports written to %s\n"), out_dir);
  else if (output) printf(_("report written to %s\n"), output);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_report(const command_args *args) {
  const char *format = opt_value(args, "format"), *output = opt_value(args, "output");
  if (opt_given(args, "region")) {
    if (!format) return usage_error(args, _("--format is required"));
    return region_report(args, format, output);
  }
  if (opt_given(args, "period")) return usage_error(args, _("--period is for --region (a municipality's report is chosen with --cycle)"));
  if (opt_given(args, "out")) return usage_error(args, _("--out is for --region (write one report with -o FILE)"));
  report_options opt = {.organization = opt_value(args, "org"), .as_of = opt_value(args, "as-of"),
                        .plain = opt_given(args, "plain")};
  if (!format) return usage_error(args, _("--format is required"));
  char iso[11];
  if (opt.as_of && value_parse_date(opt.as_of, iso) != 0)
    return usage_error(args, _("--as-of: not a date (write 2023-12-31 or 31.12.2023) (%s)"), opt.as_of);
  if (opt.plain && strcmp(format, "csv")) return usage_error(args, _("--plain is for --format csv"));
  sqlite3 *db;
  cycle_ref c;
  char municipality[256], err[2048];
  int status = open_cycle(args, opt_value(args, "cycle"), &db, &c, municipality);
  if (status != EXIT_OK) return status;
  if (opt.organization && !organization_in(db, opt.organization, c.municipality)) { /* not a report of nothing, exit 0 */
    command_error(args, _("--org: no organization '%s' in municipality %s ('pdmon eval' lists them)"), opt.organization,
                  c.municipality);
    sqlite3_close(db);
    return EXIT_USER;
  }
  int rc = -1;
  if (!strcmp(format, "xlsx")) {
    if (output) rc = xlsx_write(db, &c, &opt, output, err, sizeof err);
    else snprintf(err, sizeof err, _("--format xlsx needs -o FILE.xlsx"));
  } else {
    FILE *out = output ? files_create(output, 0, err, sizeof err) : stdout; /* never through a symbolic link */
    if (out) rc = report_write(db, &c, format, &opt, out, err, sizeof err);
    if (out && out != stdout && files_close(out, output, err, sizeof err) != 0) rc = -1;
    if (out == stdout && fflush(stdout) != 0) {
      snprintf(err, sizeof err, _("standard output: not written completely"));
      rc = -1;
    }
  }
  sqlite3_close(db);
  if (rc != 0) command_error(args, "%s", err);
  else if (output) printf(_("report written to %s\n"), output);
  return rc == 0 ? EXIT_OK : EXIT_USER;
}

int command_demo(const command_args *args) {
  char err[2048];
  const char *out = opt_value(args, "out");
  if (demo_run(out ? out : "pdmon-demo", stdout, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  return EXIT_OK;
}
