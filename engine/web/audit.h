/* audit: the trail of the workplace: every change (who, when, what), every
 * refused request and every login, one row each in the store's audit table.
 * Refusals and failed logins are written too, so an attempt on another
 * municipality's data leaves a trace. */
#ifndef PDMON_AUDIT_H
#define PDMON_AUDIT_H

#include <stddef.h>
#include <sqlite3.h>

/* Writes one row: login ("-" before login), the client's address, the
 * action ("login", "upload", "targets", "denied GET /m/x", ...), its target
 * (a path, a measure, an indicator), a detail in words, and the outcome
 * ("ok", "denied" or "failed"). Returns 0, or -1 with err. */
int audit_write(sqlite3 *db, const char *login, const char *address, const char *action, const char *target,
                const char *detail, const char *outcome, char *err, size_t errlen);

/* Failed logins of login, or from address, in the last minutes (either may
 * be NULL: not counted). -1 when the store cannot say. */
int audit_recent_failures(sqlite3 *db, const char *login, const char *address, int minutes);

#endif
