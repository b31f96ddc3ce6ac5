/* commands_data.c: the commands that bring data in: init (the store),
 * import (CSV files, workbooks and roadmaps), template (the empty files to
 * fill in), synth (synthetic data). The promises are in commands.h. */
#include "commands.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command_support.h"
#include "cycle.h"
#include "i18n.h"
#include "import.h"
#include "roadmap.h"
#include "store.h"
#include "synth.h"
#include "template.h"

int command_init(const command_args *args) {
  const char *municipality_opt = opt_value(args, "municipality");
  char err[1024], pack_path[PATH_MAX];
  if (args->pack && !realpath(args->pack, pack_path)) {
    command_error(args, _("%s: no such pack folder"), args->pack);
    return EXIT_USER;
  }
  sqlite3 *db;
  if (store_open(args->db, 1, &db, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  int rc = 0;
  if (municipality_opt) rc = store_meta_set(db, "municipality", municipality_opt, err, sizeof err);
  const char *name_opt = opt_value(args, "municipality-name");
  if (rc == 0 && name_opt) rc = store_meta_set(db, "municipality_name", name_opt, err, sizeof err);
  if (rc == 0 && args->pack) rc = store_meta_set(db, "pack", pack_path, err, sizeof err);
  char municipality[256] = "", pack_dir[PATH_MAX] = "";
  store_meta_get(db, "municipality", municipality, sizeof municipality);
  store_meta_get(db, "pack", pack_dir, sizeof pack_dir);
  sqlite3_close(db);
  if (rc != 0) {
    command_error(args, "%s: %s", args->db, err);
    return EXIT_USER;
  }
  printf(_("store %s ready (schema %d); municipality: %s; pack: %s\n"), args->db, store_schema_version(),
         municipality[0] ? municipality : _("(not set)"), pack_dir[0] ? pack_dir : _("(not set)"));
  return EXIT_OK;
}

/* Prints the rejected rows: all of them up to a limit, then a count. */
/* How many rejected rows the command line names; the rest it counts (all are in the rejected file). */
#define PROBLEMS_SHOWN 50

static void print_problems(const import_report *r) {
  const size_t limit = PROBLEMS_SHOWN;
  for (size_t i = 0; i < r->rejected && i < limit; i++) fprintf(stderr, "%s\n", r->problems[i].message);
  if (r->rejected > limit) fprintf(stderr, _("... and %zu more invalid rows\n"), r->rejected - limit);
}

/* import measures: the roadmap goes to the municipality's current cycle. */
static int import_roadmap(const command_args *args, sqlite3 *db, const char *path, const import_options *io,
                          import_report *report, char *err, size_t errlen) {
  char municipality[256], pack_buf[PATH_MAX];
  const char *pack_dir = resolve_pack(args, db, pack_buf, sizeof pack_buf);
  if (store_municipality(args, db, pack_dir, municipality, sizeof municipality) != 0) {
    memset(report, 0, sizeof *report);
    snprintf(err, errlen, _("%s: nothing was imported"), path);
    return -1;
  }
  if (!municipality[0]) {
    memset(report, 0, sizeof *report);
    snprintf(err, errlen, _("%s: whose roadmap is it? set the municipality with 'pdmon init --municipality CODE'"),
             path);
    return -1;
  }
  cycle_ref c = {0};
  char inner[512];
  int found = cycle_find(db, municipality, 0, &c, inner, sizeof inner) == 0 && strcmp(c.state, "closed") != 0;
  if (!found) fprintf(stderr, _("note: no open cycle: the measures are not attached to a cycle\n"));
  return roadmap_import(db, path, municipality, found ? c.id : 0, found ? c.pack_dir : pack_dir, io, report, err,
                        errlen);
}

int command_import(const command_args *args) {
  const char *entity = args->argv[0], *path = args->argv[1];
  char err[2048];
  sqlite3 *db;
  if (store_open_single(args->db, 0, &db, err, sizeof err) != 0) { /* this thread's alone */
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  import_options io = {.dry_run = opt_given(args, "dry-run") > 0, .skip_invalid = opt_given(args, "skip-invalid") > 0,
                       .drop_personal = opt_given(args, "drop-personal") > 0, .snapshot = opt_value(args, "snapshot"),
                       .sheet = opt_value(args, "sheet"), .encoding = opt_value(args, "encoding"),
                       .keep_problems = PROBLEMS_SHOWN};
  /* the progress line goes to the terminal itself: its carriage return and
   * erase are the only control characters, and the guard on stderr would drop them */
  int tty = isatty(STDERR_FILENO) ? dup(STDERR_FILENO) : -1;
  if (tty >= 0 && !(io.progress = fdopen(tty, "w"))) close(tty);
  import_report report;
  int rc;
  if (!strcmp(entity, "measures")) rc = import_roadmap(args, db, path, &io, &report, err, sizeof err);
  else rc = import_file(db, entity, path, &io, &report, err, sizeof err);
  sqlite3_close(db);
  if (io.progress) fclose(io.progress);
  print_problems(&report);
  if (rc < 0) fprintf(stderr, "%s\n", err);
  if (rc == 1)
    fprintf(stderr, _("%s: %zu invalid rows; nothing was imported (fix them, or use --skip-invalid"
                      " to import the rest and set these aside)\n"), path, report.rejected);
  int every_row_rejected = rc == 0 && report.rows > 0 && report.rejected == report.rows;
  if (rc == 0) {
    printf(_("%s: %zu rows: %zu new, %zu updated, %zu rejected"), path, report.rows, report.inserted,
           report.updated, report.rejected);
    printf("%s\n", io.dry_run ? _(" (dry run: nothing written)") : "");
    if (report.spans_opened || report.spans_closed)
      printf(_("employment history: %zu spans begun, %zu ended\n"), report.spans_opened, report.spans_closed);
    if (report.dropped[0]) printf(_("personal data left out (152-ФЗ), columns: %s\n"), report.dropped);
    if (report.rejected_path[0]) printf(_("rejected rows and their reasons: %s\n"), report.rejected_path);
    if (report.warning[0]) fprintf(stderr, _("warning: %s\n"), report.warning);
    if (report.rows == 0) fprintf(stderr, _("warning: %s has no rows below its header\n"), path);
  }
  /* --skip-invalid that keeps nothing is a failed import, not a success */
  if (every_row_rejected)
    fprintf(stderr, _("%s: every row was rejected; nothing was imported (the reasons are above and in the"
                      " rejected file)\n"), path);
  import_report_free(&report);
  return rc == 0 && !every_row_rejected ? EXIT_OK : EXIT_USER;
}

/* pdmon template ENTITY: the empty file an office fills in (template.h). */
int command_template(const command_args *args) {
  const char *entity = args->argv[0], *format = opt_value(args, "format"), *out = opt_value(args, "output");
  const entity_def *e = entity_find(entity);
  if (!e) return usage_error(args, _("unknown entity '%s'; expected one of %s"), entity, entity_names());
  template_format tf = TEMPLATE_XLSX;
  if (format && !strcmp(format, "csv")) tf = TEMPLATE_CSV;
  else if (format && strcmp(format, "xlsx") != 0)
    return usage_error(args, _("--format: xlsx or csv (%s)"), format);
  char path[PATH_MAX];
  if (out) snprintf(path, sizeof path, "%s", out);
  else snprintf(path, sizeof path, "%s.%s", e->name, tf == TEMPLATE_CSV ? "csv" : "xlsx");
  char err[1024];
  if (template_write(e, tf, path, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  char required[1024] = "", header[256];
  size_t o = 0;
  for (size_t f = 0; f < e->nfields && o < sizeof required; f++) {
    if (!e->fields[f].required) continue;
    int n = snprintf(required + o, sizeof required - o, "%s%s", o ? ", " : "", template_header(e, f, header, sizeof header));
    if (n < 0) break;
    o += (size_t)n;
  }
  printf(_("%s: template of %s; required columns: %s\n"), path, entity, required);
  printf(_("fill it in and load it with: pdmon import %s %s\n"), entity, path);
  return EXIT_OK;
}

int command_synth(const command_args *args) {
  const char *scale = opt_value(args, "scale"), *out = opt_value(args, "out"), *seed = opt_value(args, "seed");
  const char *organizations = opt_value(args, "organizations");
  if (!scale || !out) return usage_error(args, _("--scale and --out are required"));
  long long seed_value = 1, organizations_value = 0;
  if (seed && parse_number(seed, 0, LLONG_MAX, &seed_value) != 0)
    return usage_error(args, _("--seed: not a whole number (%s)"), seed);
  if (organizations && parse_number(organizations, 1, 1000000, &organizations_value) != 0)
    return usage_error(args, _("--organizations: a number from 1 to 1000000 (%s)"), organizations);
  synth_options so = {.scale = scale, .seed = (uint64_t)seed_value, .out_dir = out,
                      .municipality = opt_value(args, "municipality"), .organizations = (int)organizations_value};
  synth_counts n;
  char err[1024];
  if (synth_run(&so, &n, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  printf(_("%s: %lld organizations, %lld staff, %lld activities, %lld communities, %lld documents\n"), so.out_dir,
         n.organizations, n.staff, n.activities, n.communities, n.documents);
  printf(_("employment history: %lld transfers, %lld leavers\n"), n.transfers, n.leavers);
  printf(_("events: %lld, participations: %lld, registry memberships: %lld\n"), n.events, n.participations,
         n.registry_members);
  return EXIT_OK;
}
