/* options.c: a command line parsed against its command's table. The
 * promises are in options.h. */
#include "options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

const option_def global_options[] = {
    {"db", 0, OPT_VALUE, "FILE", N_("the store (default: $PDMON_DB, else ./pdmon.db)")},
    {"pack", 0, OPT_VALUE, "DIR", N_("the rule pack (default: the one recorded by 'pdmon init --pack')")},
    {"help", 'h', OPT_FLAG, NULL, N_("show this help and exit")},
    {NULL, 0, 0, NULL, NULL},
};

/* getopt_long's value for the option at position i of the merged list
 * (the command's options, then the global ones): above any character. */
#define OPTION_CODE(i) (1000 + (i))

/* The number of options in a table ended by a nameless entry. */
static int count_options(const option_def *opts) {
  int n = 0;
  while (n < MAX_COMMAND_OPTIONS && opts[n].name) n++;
  return n;
}

/* The option at position i of the merged list. */
static const option_def *merged_option(const command_def *cmd, int i) {
  int own = count_options(cmd->options);
  return i < own ? &cmd->options[i] : &global_options[i - own];
}

/* Fills getopt_long's tables from the command's and the global options. */
static void build_getopt_tables(const command_def *cmd, struct option *longopts, char *shortopts, int *total) {
  int n = count_options(cmd->options) + count_options(global_options);
  char *s = shortopts;
  *s++ = '-'; /* positionals come back in order, as code 1 */
  *s++ = ':'; /* a missing value is reported as ':' */
  for (int i = 0; i < n; i++) {
    const option_def *o = merged_option(cmd, i);
    longopts[i] = (struct option){o->name, o->kind == OPT_FLAG ? no_argument : required_argument, NULL,
                                  OPTION_CODE(i)};
    if (o->short_name) {
      *s++ = o->short_name;
      if (o->kind != OPT_FLAG) *s++ = ':';
    }
  }
  *s = '\0';
  longopts[n] = (struct option){NULL, 0, NULL, 0};
  *total = n;
}

/* The merged position of the option getopt_long returned as code, or -1. */
static int option_index(const command_def *cmd, int code, int total) {
  if (code >= OPTION_CODE(0) && code < OPTION_CODE(total)) return code - OPTION_CODE(0);
  for (int i = 0; i < total; i++)
    if (code && merged_option(cmd, i)->short_name == code) return i;
  return -1;
}

/* Records one occurrence of the option at merged position i. */
static int record_option(const command_def *cmd, int i, const char *value, int argc, command_args *args) {
  int own = count_options(cmd->options);
  if (i >= own) {
    const char *name = global_options[i - own].name;
    if (!strcmp(name, "help")) return 1;
    if (!strcmp(name, "db")) args->db = value;
    if (!strcmp(name, "pack")) args->pack = value;
    return 0;
  }
  if (cmd->options[i].kind == OPT_LIST) {
    if (!args->lists[i] && !(args->lists[i] = calloc((size_t)argc + 1, sizeof *args->lists[i]))) return -1;
    args->lists[i][args->counts[i]] = value;
  }
  args->values[i] = value;
  args->counts[i]++;
  return 0;
}

/* The option's name as the user typed it, for an error message. */
static void offending_option(char **argv, int code, char *buf, size_t len) {
  if (code > 0 && code < 256) snprintf(buf, len, "-%c", code);
  else snprintf(buf, len, "%s", argv[optind - 1]);
}

int options_parse(const command_def *cmd, int argc, char **argv, command_args *args) {
  struct option longopts[2 * MAX_COMMAND_OPTIONS + 1];
  char shortopts[4 * MAX_COMMAND_OPTIONS + 3];
  int total, help = 0, code;
  build_getopt_tables(cmd, longopts, shortopts, &total);
  args->command = cmd;
  args->argc = 0;
  if (!(args->argv = calloc((size_t)argc + 1, sizeof *args->argv))) return -1;
  opterr = 0;
  optind = 0; /* glibc: start afresh, main's parse used getopt before */
  while ((code = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
    char name[256];
    if (code == 1) {
      args->argv[args->argc++] = optarg;
      continue;
    }
    if (code == '?' || code == ':') {
      offending_option(argv, optopt, name, sizeof name);
      if (code == ':') usage_error(args, _("%s needs a value"), name);
      else usage_error(args, _("unknown option '%s'"), name);
      return -1;
    }
    int i = option_index(cmd, code, total);
    int rc = i < 0 ? -1 : record_option(cmd, i, optarg, argc, args);
    if (rc < 0) return -1;
    if (rc == 1) help = 1;
  }
  while (optind < argc) args->argv[args->argc++] = argv[optind++]; /* after "--" */
  if (help) {
    options_print_help(cmd, stdout);
    return 1;
  }
  if (args->argc < cmd->min_positional || args->argc > cmd->max_positional) {
    if (args->argc > cmd->max_positional)
      usage_error(args, _("unexpected argument '%s'"), args->argv[cmd->max_positional]);
    else
      usage_error(args, _("missing arguments"));
    return -1;
  }
  return 0;
}

void options_free(command_args *args) {
  for (int i = 0; i < MAX_COMMAND_OPTIONS; i++) free(args->lists[i]);
  free(args->argv);
  memset(args, 0, sizeof *args);
}

/* The table position of the named option; aborts when the command does
 * not declare it, since that is a mistake in the program, not the input. */
static int find_option(const command_args *args, const char *name) {
  const command_def *cmd = args->command;
  for (int i = 0; i < count_options(cmd->options); i++)
    if (!strcmp(cmd->options[i].name, name)) return i;
  fprintf(stderr, "pdmon %s: internal error: option --%s is not in the command's table\n", cmd->name, name);
  abort();
}

const char *opt_value(const command_args *args, const char *name) { return args->values[find_option(args, name)]; }

int opt_given(const command_args *args, const char *name) { return args->counts[find_option(args, name)]; }

int opt_list(const command_args *args, const char *name, const char *const **values) {
  int i = find_option(args, name);
  *values = args->lists[i];
  return args->counts[i];
}

void options_print_usage(const command_def *cmd, FILE *out) {
  const char *form = cmd->synopsis;
  int first = 1;
  for (;;) {
    const char *end = strchr(form, '\n');
    int len = end ? (int)(end - form) : (int)strlen(form);
    fprintf(out, "%s pdmon %s %.*s\n", first ? _("usage:") : "      ", cmd->name, len, form);
    first = 0;
    if (!end) break;
    form = end + 1;
  }
}

void options_print_list(const option_def *opts, FILE *out) {
  for (int i = 0; i < count_options(opts); i++) {
    const option_def *o = &opts[i];
    char left[128];
    int n = o->short_name ? snprintf(left, sizeof left, "-%c, --%s", o->short_name, o->name)
                          : snprintf(left, sizeof left, "    --%s", o->name);
    if (o->value_name && n > 0 && (size_t)n < sizeof left) snprintf(left + n, sizeof left - (size_t)n, " %s", o->value_name);
    fprintf(out, "  %-26s %s%s\n", left, _(o->help), o->kind == OPT_LIST ? _(" (may be repeated)") : "");
  }
}

void options_print_help(const command_def *cmd, FILE *out) {
  options_print_usage(cmd, out);
  fprintf(out, "\n%s\n", _(cmd->summary));
  if (count_options(cmd->options) > 0) {
    fprintf(out, "\n%s\n", _("Options:"));
    options_print_list(cmd->options, out);
  }
  fprintf(out, "\n%s\n", _("Global options:"));
  options_print_list(global_options, out);
}

int usage_error(const command_args *args, const char *format, ...) {
  const command_def *cmd = args->command;
  va_list ap;
  va_start(ap, format);
  fprintf(stderr, "pdmon %s: ", cmd->name);
  vfprintf(stderr, format, ap);
  fputc('\n', stderr);
  va_end(ap);
  options_print_usage(cmd, stderr);
  fprintf(stderr, _("Try 'pdmon %s --help' for more.\n"), cmd->name);
  return EXIT_USAGE;
}
