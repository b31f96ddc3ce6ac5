/* command_support: what several commands need: years on the command line,
 * the default period, the pack and municipality a store records, the cycle
 * a command works on. Messages go to standard error, prefixed with the
 * command's name; functions that return an exit status have printed why. */
#ifndef PDMON_COMMAND_SUPPORT_H
#define PDMON_COMMAND_SUPPORT_H

#include <stddef.h>
#include <sqlite3.h>

#include "commands.h"
#include "cycle.h"
#include "evaluate.h"

/* Parses a calendar year given on the command line; 0 or -1. */
int parse_year(const char *text, int *year);

/* Parses a positive whole number (an id, a cycle number); 0 or -1. */
int parse_id(const char *text, long long *id);

/* Parses a whole number from min to max; 0 or -1. */
int parse_number(const char *text, long long min, long long max, long long *value);

/* The latest year with activity data, else the current year. */
int default_period(sqlite3 *db);

/* The pack: --pack, else the one recorded by init (into buf), else NULL. */
const char *resolve_pack(const command_args *args, sqlite3 *db, char *buf, size_t buflen);

/* The pack for commands that need no store: --pack, else the pack the
 * store (if there is one) recorded; NULL after a message. buf holds
 * PATH_MAX bytes. */
const char *pack_without_store(const command_args *args, char *buf);

/* The municipality the command names (--municipality, on commands that
 * take it), else the store's own (recorded by init, else the only one it
 * holds); "" when there is none. A pack never chooses: when its manifest
 * names another municipality this prints why and returns -1. */
int store_municipality(const command_args *args, sqlite3 *db, const char *pack_dir, char *buf, size_t len);

/* Opens the store and finds the municipality's cycle (cycle_opt, or the
 * latest). municipality holds 256 bytes. Returns an exit status; on
 * success *db is open. */
int open_cycle(const command_args *args, const char *cycle_opt, sqlite3 **db, cycle_ref *c, char *municipality);

/* Fills the store-dependent parts of opt: the pack (--pack or recorded),
 * the municipality, and the period when has_period is 0. pack_buf (PATH_MAX)
 * and municipality (256) hold the strings opt points to. Returns an exit
 * status. */
int resolve_evaluation(const command_args *args, int has_period, int pack_required, evaluate_options *opt,
                       char *pack_buf, char *municipality);

/* Prints "pdmon COMMAND: MESSAGE" to standard error. */
void command_error(const command_args *args, const char *format, ...) __attribute__((format(printf, 2, 3)));

#endif
