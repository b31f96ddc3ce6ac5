/* rule_view: the connection through which rule code (packs, the REPL) reads
 * the store. It promises:
 *
 * - Scoped (rule_view_open): the connection holds the rows of one
 *   municipality and nothing else. When the store holds only that
 *   municipality, the connection reads the store itself inside one pinned
 *   snapshot (a concurrent import of another municipality cannot show up
 *   in it); otherwise the municipality's rows are copied, in one snapshot,
 *   into a private temporary database and the store is detached, so no SQL
 *   at all (a CTE, main. or temp. qualifiers, schema tables, table-valued
 *   functions) can reach another municipality's rows.
 * - Unscoped (rule_view_open_all): every municipality's rows, for the
 *   region-wide run the core starts on purpose; never at a pack's request.
 * - Either way an authorizer allows nothing but SELECT: reads of the rule
 *   tables (never meta, import_log, the cycle's records or the schema
 *   tables), an allow-list of SQL functions, and the pragmas that describe
 *   a rule table's columns. Writes, ATTACH, transactions and every other
 *   pragma are refused, and rule_view_prepare says what was refused.
 *
 * The municipality a connection sees is the one the core names (the
 * command's, else the store's own); a pack's manifest never chooses it. */
#ifndef PDMON_RULE_VIEW_H
#define PDMON_RULE_VIEW_H

#include <stddef.h>
#include <sqlite3.h>

typedef struct rule_view rule_view;

/* Opens the store at path for rules, scoped to municipality. With
 * municipality NULL the store's own is used (rule_view_store_municipality).
 * Returns 0, or -1 with err. */
int rule_view_open(const char *path, const char *municipality, rule_view **out, char *err, size_t errlen);

/* Opens the store for rules with every municipality's rows (region-wide
 * evaluation). Only the core calls this, for a run it was asked for. */
int rule_view_open_all(const char *path, rule_view **out, char *err, size_t errlen);

/* The connection; owned by the view. */
sqlite3 *rule_view_db(rule_view *v);

/* The municipality the view holds; "" for an unscoped view. */
const char *rule_view_municipality(const rule_view *v);

/* About how many rows the view's tables hold. */
long long rule_view_rows(const rule_view *v);

/* Steps of budget a unit of work on this view gets beyond the sandbox's
 * own: 5000 per row. The region's pack takes about 1100 per row (Lua and
 * SQL together, on a synthetic region of 240,000 rows), so a legitimate
 * evaluation of any size fits with room to spare, while a runaway one
 * still stops in time proportional to the data. */
long long rule_view_budget(const rule_view *v);

/* Prepares one statement of rule code. On failure err holds SQLite's
 * message, or, when the authorizer refused, what was refused and why. */
int rule_view_prepare(rule_view *v, const char *sql, sqlite3_stmt **st, char *err, size_t errlen);

/* Closes the connection and frees the view. */
void rule_view_close(rule_view *v);

/* Names of the tables rules may read, NULL-terminated. */
const char *const *rule_view_tables(void);

/* The store's own municipality on an open connection to the store: the
 * one recorded by 'pdmon init --municipality', else the only municipality
 * the store holds. Returns 0, or -1 with the reason in err (none recorded
 * and several, or none, in the store). */
int rule_view_store_municipality(sqlite3 *db, char *buf, size_t buflen, char *err, size_t errlen);

#endif
