/* auth: who may use the workplace. Accounts with a role and a scope
 * (region: every municipality, read only; municipality: its own; school:
 * its own organization; admin: accounts only), passwords hashed with
 * Argon2id (libsodium), sessions as random tokens of which the store keeps
 * only a hash, each with its own form token (CSRF), expiring after a fixed
 * time, and login attempts limited per login and per address. */
#ifndef PDMON_AUTH_H
#define PDMON_AUTH_H

#include <stddef.h>
#include <sqlite3.h>

/* How long a session lasts, in seconds (a working day). */
#define AUTH_SESSION_SECONDS (8 * 60 * 60)

/* Failed logins allowed in AUTH_WINDOW_MINUTES, per login and per address. */
#define AUTH_MAX_FAILURES_LOGIN 5
#define AUTH_MAX_FAILURES_ADDRESS 20
#define AUTH_WINDOW_MINUTES 15

/* A token in hex: 32 random bytes. */
#define AUTH_TOKEN_HEX 65

typedef struct account {
  long long id;
  char login[64];
  char role[16];            /* region, municipality, school, admin */
  char municipality[128];   /* "" for region and admin */
  char organization[128];   /* the school's organization id, "" otherwise */
} account;

/* Creates libsodium's state once; 0 or -1. Every other function calls it. */
int auth_init(void);

/* Fills out with 32 random bytes in hex. */
void auth_random_hex(char out[AUTH_TOKEN_HEX]);

/* 1 when two tokens are equal, compared in constant time. */
int auth_tokens_equal(const char *a, const char *b);

/* Adds an account (or resets the password, role and scope of an existing
 * login). role must be region, municipality, school or admin; a
 * municipality account needs municipality, a school account organization
 * (which must be in the store; its municipality is taken from it). The
 * password needs at least 8 characters. Returns 0, or -1 with err. */
int auth_account_add(sqlite3 *db, const char *login, const char *password, const char *role,
                     const char *municipality, const char *organization, char *err, size_t errlen);

/* Checks a login and password and opens a session: fills who, token (for
 * the cookie) and csrf. Every attempt goes to the audit table. Returns 0 on
 * success, 1 on a wrong login or password, 2 when too many attempts
 * failed lately, -1 on a failure of the store (err). */
int auth_login(sqlite3 *db, const char *login, const char *password, const char *address, account *who,
               char token[AUTH_TOKEN_HEX], char csrf[AUTH_TOKEN_HEX], char *err, size_t errlen);

/* Opens a session for an account whose password was checked: fills token
 * and csrf. Returns 0, or -1 with err. */
int auth_session_open(sqlite3 *db, long long account_id, char token[AUTH_TOKEN_HEX], char csrf[AUTH_TOKEN_HEX], char *err,
                      size_t errlen);

/* Finds the live session of token: fills who and csrf. Returns 0, or 1 when
 * there is none (unknown, expired, or its account disabled). Reads only. */
int auth_session(sqlite3 *db, const char *token, account *who, char csrf[AUTH_TOKEN_HEX]);

/* Ends the session of token (and removes every expired session). */
int auth_logout(sqlite3 *db, const char *token, char *err, size_t errlen);

#endif
