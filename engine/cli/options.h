/* options: the command line of pdmon's commands. A command is described by
 * data (its name, synopsis, positional arguments and options: see the table
 * in commands.c); this module parses a command line against that
 * description with getopt_long (--name=VALUE and --name VALUE, short
 * options, repeated options, options before or after the positionals) and
 * prints the command's usage and help from the same description. */
#ifndef PDMON_OPTIONS_H
#define PDMON_OPTIONS_H

#include <stdio.h>

enum { EXIT_OK = 0, EXIT_USER = 1, EXIT_USAGE = 2 };

typedef enum option_kind {
  OPT_FLAG,  /* --dry-run */
  OPT_VALUE, /* --period YEAR; given twice, the last one counts */
  OPT_LIST   /* --measure ID, repeatable; every value is kept in order */
} option_kind;

/* One option of a command. */
typedef struct option_def {
  const char *name;       /* the long name without dashes: "period" */
  char short_name;        /* 'o' for -o, or 0 */
  option_kind kind;
  const char *value_name; /* "YEAR" in the help; NULL for a flag */
  const char *help;       /* N_("..."): one line, translated when printed */
} option_def;

#define MAX_COMMAND_OPTIONS 16

typedef struct command_args command_args;

/* One command: what main dispatches to and what its help shows. */
typedef struct command_def {
  const char *name;
  int (*run)(const command_args *args);
  const char *synopsis;  /* after "pdmon NAME "; several forms separated by '\n' */
  const char *summary;   /* N_("..."): one line for 'pdmon --help' */
  int min_positional, max_positional;
  option_def options[MAX_COMMAND_OPTIONS]; /* ended by an entry without a name */
} command_def;

/* A parsed command line: the global options, the command's own options
 * and its positional arguments. Owned by the caller of options_parse;
 * released with options_free. The strings point into argv. */
struct command_args {
  const command_def *command;
  const char *db;   /* --db, else $PDMON_DB, else ./pdmon.db */
  const char *pack; /* --pack, or NULL */
  int argc;         /* the positional arguments */
  char **argv;
  const char *values[MAX_COMMAND_OPTIONS];  /* last value of each option, by table position */
  int counts[MAX_COMMAND_OPTIONS];          /* how often each was given */
  const char **lists[MAX_COMMAND_OPTIONS];  /* every value of an OPT_LIST option */
};

/* The global options every command accepts as well as main. */
extern const option_def global_options[];

/* Parses argv (argv[0] is the command's name) into args, whose db and pack
 * hold their defaults on entry. Returns 0 when the command should run, 1
 * after printing the help (--help, -h) to standard output, and -1 after a
 * usage error printed to standard error. */
int options_parse(const command_def *cmd, int argc, char **argv, command_args *args);

/* Frees what options_parse allocated. */
void options_free(command_args *args);

/* The last value of the named option, or NULL when it was not given. The
 * name must be in the command's table (a programming error aborts). */
const char *opt_value(const command_args *args, const char *name);

/* How many times the named option was given (0: not at all). */
int opt_given(const command_args *args, const char *name);

/* Every value of a repeatable option, in order; returns their number. */
int opt_list(const command_args *args, const char *name, const char *const **values);

/* Prints "usage: pdmon NAME SYNOPSIS" (each form on its line). */
void options_print_usage(const command_def *cmd, FILE *out);

/* Prints the options of a table, one a line, their help aligned. */
void options_print_list(const option_def *opts, FILE *out);

/* Prints the usage, the summary and every option with its help. */
void options_print_help(const command_def *cmd, FILE *out);

/* Prints "pdmon NAME: MESSAGE", the usage and where the help is, to
 * standard error; returns EXIT_USAGE. */
int usage_error(const command_args *args, const char *format, ...) __attribute__((format(printf, 2, 3)));

#endif
