/* pdmon: the command-line entry point. Reads the global options, finds the
 * command and hands it the rest of the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static const struct {
  const char *name;
  int (*run)(const command_args *);
  const char *synopsis;
} commands[] = {
  {"init", command_init, "init [--pack DIR] [--municipality CODE]   create or upgrade the store"},
  {"import", command_import, "import ENTITY FILE [--dry-run] [--skip-invalid]   load a CSV file"},
  {"check", command_check, "check [--pack DIR]   load and validate a rule pack"},
  {"eval", command_eval, "eval [--period YEAR] [--indicator ID] [--org ID] [--format table|json|csv]"},
  {"explain", command_explain, "explain INDICATOR [--period YEAR] [--org ID] [--cycle N]   sets, SQL, counts, target"},
  {"test", command_test, "test [--pack DIR]   run the pack's own tests (PACK/tests/*.lua)"},
  {"cycle", command_cycle, "cycle open --period YEAR [--title T] | run | status | analysis | recommendations [--to X] | close  [--cycle N]"},
  {"measure", command_measure, "measure list [--due|--overdue] [--on DATE] | done ID --document DOC_ID"},
  {"report", command_report, "report [--cycle N] --format html|md|json|csv|xlsx [--org ID] [-o FILE]   the cycle's report"},
  {"repl", command_repl, "repl [-e CHUNK]... [FILE | -]   the analyst's console (stdin script when not a terminal)"},
  {"demo", command_demo, "demo [--out DIR]   the embedded example through two cycles to a report"},
  {"synth", command_synth, "synth --scale municipality|region|country --seed N --out DIR [--municipality CODE] [--organizations N]"},
  {"decision", command_decision, "decision add --kind order|protocol --number N --date DATE --title T [--link URL] [--measure ID]..."},
};

static void usage(FILE *out) {
  fputs("usage: pdmon [--db FILE] [--pack DIR] COMMAND [options]\n\ncommands:\n", out);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %s\n", commands[i].synopsis);
  fputs("\nThe store is --db FILE, else $PDMON_DB, else ./pdmon.db.\n", out);
}

/* Removes the global options (anywhere on the line) from argv into args. */
static int take_global_options(int argc, char **argv, command_args *args, char **rest, int *nrest) {
  *nrest = 0;
  for (int i = 1; i < argc; i++) {
    const char **slot = strcmp(argv[i], "--db") == 0 ? &args->db
                        : strcmp(argv[i], "--pack") == 0 ? &args->pack : NULL;
    if (slot) {
      if (i + 1 >= argc) {
        fprintf(stderr, "pdmon: %s needs a value\n", argv[i]);
        return -1;
      }
      *slot = argv[++i];
    } else {
      rest[(*nrest)++] = argv[i];
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  command_args args = {0};
  args.db = getenv("PDMON_DB") && *getenv("PDMON_DB") ? getenv("PDMON_DB") : "pdmon.db";
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  int nrest;
  if (!rest) return EXIT_USER;
  int status = EXIT_USAGE;
  if (take_global_options(argc, argv, &args, rest, &nrest) != 0) {
    usage(stderr);
  } else if (nrest == 0 || strcmp(rest[0], "--help") == 0 || strcmp(rest[0], "help") == 0) {
    usage(nrest == 0 ? stderr : stdout);
    status = nrest == 0 ? EXIT_USAGE : EXIT_OK;
  } else {
    size_t i = 0, n = sizeof commands / sizeof commands[0];
    while (i < n && strcmp(commands[i].name, rest[0]) != 0) i++;
    if (i == n) {
      fprintf(stderr, "pdmon: unknown command '%s'\n", rest[0]);
      usage(stderr);
    } else {
      args.argc = nrest - 1;
      args.argv = rest + 1;
      status = commands[i].run(&args);
    }
  }
  free(rest);
  return status;
}
