/* commands: pdmon's commands. The table in commands.c describes each one
 * (synopsis, summary, options); the functions live in commands_*.c by
 * group: data in (commands_data.c), rules (commands_rules.c), the cycle
 * (commands_cycle.c), reports (commands_report.c), the web workplace
 * (commands_web.c). Each function returns
 * the process exit status: 0 success, 1 user error (bad input, bad rule),
 * 2 usage error. */
#ifndef PDMON_COMMANDS_H
#define PDMON_COMMANDS_H

#include "options.h"

/* The commands, in the order 'pdmon --help' lists them, ended by an entry
 * without a name. */
extern const command_def command_table[];

/* The command called name, or NULL. */
const command_def *command_find(const char *name);

int command_init(const command_args *args);
int command_import(const command_args *args);
int command_synth(const command_args *args);
int command_template(const command_args *args);
int command_check(const command_args *args);
int command_vocabulary(const command_args *args);
int command_eval(const command_args *args);
int command_explain(const command_args *args);
int command_test(const command_args *args);
int command_repl(const command_args *args);
int command_cycle(const command_args *args);
int command_measure(const command_args *args);
int command_decision(const command_args *args);
int command_report(const command_args *args);
int command_demo(const command_args *args);
int command_serve(const command_args *args);
int command_user(const command_args *args);

#endif
