/* auth.c: accounts, Argon2id passwords, sessions and login limits. The promises are in auth.h. */
#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"

int auth_init(void) { return sodium_init() < 0 ? -1 : 0; }

void auth_random_hex(char out[AUTH_TOKEN_HEX]) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  sodium_bin2hex(out, AUTH_TOKEN_HEX, bytes, sizeof bytes);
  sodium_memzero(bytes, sizeof bytes);
}

int auth_tokens_equal(const char *a, const char *b) {
  size_t n = strlen(a);
  if (n == 0 || n != strlen(b)) return 0;
  return sodium_memcmp(a, b, n) == 0;
}

/* The hash under which a session token is stored (BLAKE2b, in hex). */
static void token_hash(const char *token, char out[AUTH_TOKEN_HEX]) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
  sodium_bin2hex(out, AUTH_TOKEN_HEX, h, sizeof h);
}

/* Logins are short names in Latin letters, digits and . _ -. */
static int login_is_valid(const char *login) {
  size_t n = strlen(login);
  if (n == 0 || n > 63) return 0;
  for (const char *p = login; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("._-", *p)))
      return 0;
  return 1;
}

/* The municipality of organization id, into buf; 0 when found. */
static int organization_municipality(sqlite3 *db, const char *id, char *buf, size_t len) {
  sqlite3_stmt *st;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, "SELECT municipality FROM organization WHERE id = ?", -1, &st, NULL) != SQLITE_OK) return -1;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  int found = sqlite3_step(st) == SQLITE_ROW;
  if (found) snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return found ? 0 : -1;
}

/* Checks that role and scope fit together; fills the municipality of a school. */
static int check_scope(sqlite3 *db, const char *role, const char *municipality, const char *organization,
                       char *mun_out, size_t mun_len, char *err, size_t errlen) {
  snprintf(mun_out, mun_len, "%s", municipality ? municipality : "");
  if (!strcmp(role, "region") || !strcmp(role, "admin")) {
    if ((municipality && *municipality) || (organization && *organization)) {
      snprintf(err, errlen, "a %s account has no --municipality or --org: it is not limited to one", role);
      return -1;
    }
    return 0;
  }
  if (!strcmp(role, "municipality")) {
    if (!municipality || !*municipality || (organization && *organization)) {
      snprintf(err, errlen, "a municipality account needs --municipality CODE (and no --org)");
      return -1;
    }
    return 0;
  }
  if (!strcmp(role, "school")) {
    char found[128];
    if (!organization || !*organization) {
      snprintf(err, errlen, "a school account needs --org ID (an organization of the store)");
      return -1;
    }
    if (organization_municipality(db, organization, found, sizeof found) != 0) {
      snprintf(err, errlen, "--org %s: no organization with this id in the store; import the organizations first", organization);
      return -1;
    }
    if (municipality && *municipality && strcmp(municipality, found)) {
      snprintf(err, errlen, "--org %s belongs to municipality %s, not %s", organization, found, municipality);
      return -1;
    }
    snprintf(mun_out, mun_len, "%s", found);
    return 0;
  }
  snprintf(err, errlen, "unknown role '%s'; expected region, municipality, school or admin", role);
  return -1;
}

int auth_account_add(sqlite3 *db, const char *login, const char *password, const char *role,
                     const char *municipality, const char *organization, char *err, size_t errlen) {
  char mun[128], hash[crypto_pwhash_STRBYTES];
  if (auth_init() != 0) {
    snprintf(err, errlen, "libsodium could not start");
    return -1;
  }
  if (!login_is_valid(login)) {
    snprintf(err, errlen, "login '%s': use 1 to 63 Latin letters, digits, '.', '_' or '-'", login);
    return -1;
  }
  if (check_scope(db, role, municipality, organization, mun, sizeof mun, err, errlen) != 0) return -1;
  if (strlen(password) < 8) {
    snprintf(err, errlen, "the password needs at least 8 characters");
    return -1;
  }
  if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    snprintf(err, errlen, "out of memory while hashing the password");
    return -1;
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "INSERT INTO account (login, password_hash, role, municipality, organization_id) VALUES (?1, ?2, ?3, ?4, ?5)"
                             " ON CONFLICT(login) DO UPDATE SET password_hash = ?2, role = ?3, municipality = ?4,"
                             " organization_id = ?5, disabled = 0", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_text(st, 1, login, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, role, -1, SQLITE_TRANSIENT);
  if (mun[0]) sqlite3_bind_text(st, 4, mun, -1, SQLITE_TRANSIENT);
  if (organization && *organization) sqlite3_bind_text(st, 5, organization, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
  if (rc != 0) snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc;
}

/* Reads an account row of the statement (id, login, role, municipality, organization). */
static void read_account(sqlite3_stmt *st, int first, account *who) {
  memset(who, 0, sizeof *who);
  who->id = sqlite3_column_int64(st, first);
  snprintf(who->login, sizeof who->login, "%s", (const char *)sqlite3_column_text(st, first + 1));
  snprintf(who->role, sizeof who->role, "%s", (const char *)sqlite3_column_text(st, first + 2));
  if (sqlite3_column_text(st, first + 3))
    snprintf(who->municipality, sizeof who->municipality, "%s", (const char *)sqlite3_column_text(st, first + 3));
  if (sqlite3_column_text(st, first + 4))
    snprintf(who->organization, sizeof who->organization, "%s", (const char *)sqlite3_column_text(st, first + 4));
}

/* Verifies the password of login; fills who. 0 right, 1 wrong, -1 store error.
 * An unknown login costs the same work as a known one. */
static int verify(sqlite3 *db, const char *login, const char *password, account *who) {
  /* a real hash of no one's password, so that an unknown login is verified too */
  static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$+3AGczDYm7ndU0IV1FwByA$w0iC7jVHVe8HI6bReKH0/9c3Ytmo07lfGWzxlLx5qqY";
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT password_hash, id, login, role, municipality, organization_id FROM account"
                             " WHERE login = ? AND disabled = 0", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, login, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sqlite3_finalize(st);
    return -1;
  }
  char hash[crypto_pwhash_STRBYTES] = {0}; /* verify reads a whole buffer of this size */
  snprintf(hash, sizeof hash, "%s", rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : dummy);
  int ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && rc == SQLITE_ROW;
  if (ok) read_account(st, 1, who);
  sqlite3_finalize(st);
  return ok ? 0 : 1;
}

int auth_login(sqlite3 *db, const char *login, const char *password, const char *address, account *who,
               char token[AUTH_TOKEN_HEX], char csrf[AUTH_TOKEN_HEX], char *err, size_t errlen) {
  if (auth_init() != 0) {
    snprintf(err, errlen, "libsodium could not start");
    return -1;
  }
  int by_login = audit_recent_failures(db, login, NULL, AUTH_WINDOW_MINUTES);
  int by_address = audit_recent_failures(db, NULL, address, AUTH_WINDOW_MINUTES);
  if (by_login < 0 || by_address < 0) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  if (by_login >= AUTH_MAX_FAILURES_LOGIN || by_address >= AUTH_MAX_FAILURES_ADDRESS) {
    audit_write(db, login, address, "login", NULL, "too many failed attempts; refused without checking", "denied", err, errlen);
    return 2;
  }
  int rc = verify(db, login, password, who);
  if (rc < 0) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  if (rc == 1) {
    if (audit_write(db, login, address, "login", NULL, "wrong login or password", "failed", err, errlen) != 0) return -1;
    return 1;
  }
  rc = auth_session_open(db, who->id, token, csrf, err, errlen);
  if (rc == 0) rc = audit_write(db, who->login, address, "login", NULL, "session opened", "ok", err, errlen);
  return rc;
}

int auth_session_open(sqlite3 *db, long long account_id, char token[AUTH_TOKEN_HEX], char csrf[AUTH_TOKEN_HEX], char *err,
                      size_t errlen) {
  char hash[AUTH_TOKEN_HEX];
  if (auth_init() != 0) {
    snprintf(err, errlen, "libsodium could not start");
    return -1;
  }
  auth_random_hex(token);
  auth_random_hex(csrf);
  token_hash(token, hash);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "INSERT INTO web_session (token_hash, account_id, csrf, expires_at) VALUES (?, ?, ?, ?)",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, account_id);
  sqlite3_bind_text(st, 3, csrf, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL) + AUTH_SESSION_SECONDS);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
  if (rc != 0) snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc;
}

int auth_session(sqlite3 *db, const char *token, account *who, char csrf[AUTH_TOKEN_HEX]) {
  if (!token || strlen(token) != AUTH_TOKEN_HEX - 1 || auth_init() != 0) return 1;
  char hash[AUTH_TOKEN_HEX];
  token_hash(token, hash);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT s.csrf, a.id, a.login, a.role, a.municipality, a.organization_id FROM web_session s"
                             " JOIN account a ON a.id = s.account_id WHERE s.token_hash = ? AND s.expires_at > ?"
                             " AND a.disabled = 0", -1, &st, NULL) != SQLITE_OK)
    return 1;
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
  int found = sqlite3_step(st) == SQLITE_ROW;
  if (found) {
    snprintf(csrf, AUTH_TOKEN_HEX, "%s", (const char *)sqlite3_column_text(st, 0));
    read_account(st, 1, who);
  }
  sqlite3_finalize(st);
  return found ? 0 : 1;
}

int auth_logout(sqlite3 *db, const char *token, char *err, size_t errlen) {
  char hash[AUTH_TOKEN_HEX] = "";
  if (token && auth_init() == 0) token_hash(token, hash);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "DELETE FROM web_session WHERE token_hash = ? OR expires_at <= ?", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
  if (rc != 0) snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc;
}
