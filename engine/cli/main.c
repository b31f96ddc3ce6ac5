/* pdmon: the command-line entry point. Reads the global options (before
 * the command; every command accepts them too), answers --help, --version
 * and 'help COMMAND', and hands the rest of the line to the command, whose
 * options are described in commands.c. */
#include <getopt.h>
#include <lua.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "completion.h"
#include "escape.h"
#include "i18n.h"

#ifndef PDMON_VERSION
#define PDMON_VERSION "unknown"
#endif

/* 'pdmon --help': every command with its summary, and the global options. */
static void usage(FILE *out) {
  fprintf(out, "%s pdmon [--db FILE] [--pack DIR] COMMAND [%s]\n", _("usage:"), _("options"));
  fprintf(out, "       pdmon help COMMAND | pdmon COMMAND --help\n       pdmon --version\n\n%s\n", _("Commands:"));
  for (const command_def *c = command_table; c->name; c++) fprintf(out, "  %-10s %s\n", c->name, _(c->summary));
  fprintf(out, "\n%s\n", _("Global options:"));
  options_print_list(global_options, out);
  fprintf(out, "  %-26s %s\n", "-V, --version", _("show the version and exit"));
  fprintf(out, "\n%s\n", _("'pdmon help COMMAND' shows a command's options."));
}

static void version(void) {
  printf("pdmon %s\n", PDMON_VERSION);
  printf("%s, SQLite %s\n", LUA_RELEASE, sqlite3_libversion());
  printf(_("messages: %s\n"), i18n_catalogue_dir()); /* where the catalogue was found */
}

/* 'pdmon help [COMMAND]'. */
static int help_command(int argc, char **argv) {
  if (argc < 2) {
    usage(stdout);
    return EXIT_OK;
  }
  const command_def *cmd = command_find(argv[1]);
  if (!cmd) {
    fprintf(stderr, _("pdmon help: unknown command '%s'\n"), argv[1]);
    return EXIT_USAGE;
  }
  options_print_help(cmd, stdout);
  return EXIT_OK;
}

/* Reads the global options before the command into args; returns the index
 * of the command's name, or -1 with *status set when there is none to run. */
static int global_parse(int argc, char **argv, command_args *args, int *status) {
  static const struct option longopts[] = {
      {"db", required_argument, NULL, 'd'}, {"pack", required_argument, NULL, 'p'},
      {"help", no_argument, NULL, 'h'},     {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  int code;
  opterr = 0;
  while ((code = getopt_long(argc, argv, "+:hV", longopts, NULL)) != -1) {
    if (code == 'd') args->db = optarg;
    else if (code == 'p') args->pack = optarg;
    else if (code == 'h' || code == 'V') {
      if (code == 'h') usage(stdout);
      else version();
      *status = EXIT_OK;
      return -1;
    } else {
      if (code == ':') fprintf(stderr, _("pdmon: %s needs a value\n"), argv[optind - 1]);
      else fprintf(stderr, _("pdmon: unknown option '%s'\n"), argv[optind - 1]);
      fprintf(stderr, _("Try 'pdmon --help' for more.\n"));
      *status = EXIT_USAGE;
      return -1;
    }
  }
  if (optind >= argc) {
    usage(stderr);
    *status = EXIT_USAGE;
    return -1;
  }
  return optind;
}

int main(int argc, char **argv) {
  /* before SQLite starts: its memory statistics, which nothing reads, cost a mutex per allocation */
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  i18n_init();
  command_args args = {0};
  args.db = getenv("PDMON_DB") && *getenv("PDMON_DB") ? getenv("PDMON_DB") : "pdmon.db";
  int status = EXIT_USAGE;
  int first = global_parse(argc, argv, &args, &status);
  if (first < 0) return status;
  const char *name = argv[first];
  if (!strcmp(name, "help")) return help_command(argc - first, argv + first);
  if (!strcmp(name, "__complete")) return completion_run(argc - first, argv + first, &args);
  const command_def *cmd = command_find(name);
  if (!cmd) {
    fprintf(stderr, _("pdmon: unknown command '%s'\n"), name);
    fprintf(stderr, _("Try 'pdmon --help' for more.\n"));
    return EXIT_USAGE;
  }
  /* what pdmon writes to a terminal carries no control characters from the
   * data or the rules; the console's line editor writes its own escapes to
   * standard output, so the REPL filters what it prints itself */
  FILE *terminal_out = stdout, *terminal_err = stderr;
  stderr = escape_guard_terminal(stderr);
  if (strcmp(name, "repl") != 0) stdout = escape_guard_terminal(stdout);
  int rc = options_parse(cmd, argc - first, argv + first, &args);
  if (rc == 0) status = cmd->run(&args);
  else status = rc == 1 ? EXIT_OK : EXIT_USAGE;
  options_free(&args);
  if (stdout != terminal_out) { /* the guards are main's: flushed and closed here */
    fclose(stdout);
    stdout = terminal_out;
  }
  if (stderr != terminal_err) {
    fclose(stderr);
    stderr = terminal_err;
  }
  return status;
}
