/* audit.c: the workplace's audit trail in the store. The promises are in audit.h. */
#include "audit.h"

#include <stdio.h>

int audit_write(sqlite3 *db, const char *login, const char *address, const char *action, const char *target,
                const char *detail, const char *outcome, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "INSERT INTO audit (login, address, action, target, detail, outcome)"
                             " VALUES (?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "audit: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_text(st, 1, login && *login ? login : "-", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 5, detail, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 6, outcome, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
  if (rc != 0) snprintf(err, errlen, "audit: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc;
}

int audit_recent_failures(sqlite3 *db, const char *login, const char *address, int minutes) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM audit WHERE action = 'login' AND outcome = 'failed'"
                             " AND at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?3)"
                             " AND ((?1 IS NOT NULL AND login = ?1) OR (?2 IS NOT NULL AND address = ?2))",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  char window[32];
  snprintf(window, sizeof window, "-%d minutes", minutes);
  sqlite3_bind_text(st, 1, login, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, window, -1, SQLITE_TRANSIENT);
  int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
  sqlite3_finalize(st);
  return n;
}
