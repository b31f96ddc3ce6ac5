/* store: the SQLite data store. One read-write connection for the core
 * (imports, the cycle's own records) and, for rules, a read-only connection
 * that sees one municipality's rows through views and may do nothing but
 * read. */
#ifndef PDMON_STORE_H
#define PDMON_STORE_H

#include <stddef.h>
#include <sqlite3.h>

/* Schema version this build writes; PRAGMA user_version of an up-to-date store. */
int store_schema_version(void);

/* Opens (create != 0: creating if missing) the store at path with WAL,
 * foreign keys and a busy timeout, and brings its schema up to date.
 * Refuses a store written by a newer pdmon. */
int store_open(const char *path, int create, sqlite3 **db, char *err, size_t errlen);

/* Opens the store read-only for rules. Each entity table is shadowed by a
 * TEMP view holding only municipality's rows (all rows when municipality
 * is NULL); an authorizer then allows SELECT through those views and
 * nothing else: no writes, ATTACH, PRAGMA writes, schema changes or direct
 * reads of the main tables. */
int store_open_readonly(const char *path, const char *municipality, sqlite3 **db,
                        char *err, size_t errlen);

/* Reads a value of the meta table into buf ("" when absent). */
int store_meta_get(sqlite3 *db, const char *key, char *buf, size_t buflen);

/* Writes a value of the meta table. */
int store_meta_set(sqlite3 *db, const char *key, const char *value, char *err, size_t errlen);

/* Refreshes the query planner's statistics (sampled, so it stays cheap on
 * large stores). Without them SQLite may pick a poor join order through the
 * rules' views; imports call it after every commit. */
int store_refresh_statistics(sqlite3 *db, char *err, size_t errlen);

/* Runs SQL with no result rows; on failure copies SQLite's message to err. */
int store_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

#endif
