/* commands: one function per pdmon command. Each returns the process exit
 * status: 0 success, 1 user error (bad input, bad rule), 2 usage error. */
#ifndef PDMON_COMMANDS_H
#define PDMON_COMMANDS_H

enum { EXIT_OK = 0, EXIT_USER = 1, EXIT_USAGE = 2 };

/* The command line after the command name, with the global options. */
typedef struct command_args {
  const char *db;    /* --db, else $PDMON_DB, else ./pdmon.db */
  const char *pack;  /* --pack, or NULL */
  int argc;
  char **argv;
} command_args;

int command_init(const command_args *args);
int command_import(const command_args *args);
int command_check(const command_args *args);
int command_eval(const command_args *args);
int command_explain(const command_args *args);
int command_test(const command_args *args);
int command_cycle(const command_args *args);
int command_measure(const command_args *args);
int command_decision(const command_args *args);
int command_synth(const command_args *args);
int command_report(const command_args *args);
int command_demo(const command_args *args);
int command_repl(const command_args *args);

#endif
