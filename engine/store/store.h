/* store: the SQLite data store: its schema and migrations, and the
 * read-write connection of the core (imports, the cycle's own records).
 * Rules read through rule_view.h, never through this connection. */
#ifndef PDMON_STORE_H
#define PDMON_STORE_H

#include <stddef.h>
#include <sqlite3.h>

/* Schema version this build writes; PRAGMA user_version of an up-to-date store. */
int store_schema_version(void);

/* The SQL that moves the schema from version n - 1 to n (1-based), or NULL
 * past the last: for tests that build a store as an older pdmon left it. */
const char *store_migration_sql(int n);

/* Opens (create != 0: creating if missing) the store at path with WAL,
 * foreign keys and a writer that waits for another (store_set_busy_wait),
 * and brings its schema up to date. Before anything is written it checks
 * that the file is pdmon's (its application id, or the schema of a store
 * from before the id), refusing another program's database, a store
 * written by a newer pdmon, and (unless create) an empty file. */
int store_open(const char *path, int create, sqlite3 **db, char *err, size_t errlen);

/* store_open for a connection that one thread alone uses from open to close
 * (a command's own): opened without SQLite's per-connection mutex
 * (SQLITE_OPEN_NOMUTEX), which the serialized library otherwise takes at
 * every call, a bind or a step. Not for the web's pool of connections. */
int store_open_single(const char *path, int create, sqlite3 **db, char *err, size_t errlen);

/* Makes a connection wait while another pdmon writes instead of failing
 * with "database is locked": it says once on stderr that it waits and
 * gives up after half an hour. */
void store_set_busy_wait(sqlite3 *db);

/* Reads a value of the meta table into buf ("" when absent). */
int store_meta_get(sqlite3 *db, const char *key, char *buf, size_t buflen);

/* Writes a value of the meta table. */
int store_meta_set(sqlite3 *db, const char *key, const char *value, char *err, size_t errlen);

/* Refreshes the query planner's statistics (sampled, so it stays cheap on
 * large stores). Without them SQLite may pick a poor join order through the
 * rules' views; imports call it after every commit. */
int store_refresh_statistics(sqlite3 *db, char *err, size_t errlen);

/* store_refresh_statistics after an import that wrote table: the tables
 * that only an import of their own entity writes keep theirs (nothing has
 * changed them since); every other table's are refreshed as before. */
int store_refresh_statistics_after(sqlite3 *db, const char *table, char *err, size_t errlen);

/* Runs SQL with no result rows; on failure copies SQLite's message to err. */
int store_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

#endif
