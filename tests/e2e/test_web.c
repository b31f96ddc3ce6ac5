/* The web workplace through HTTP, in-process on a free loopback port:
 * every route of routes_list() refuses other roles and other scopes with
 * 403 and an audit row (a route without its line in the policy table below
 * fails the test), anonymous requests go to the login, POSTs without the
 * form token are refused, logins are limited, cookies are HttpOnly and
 * SameSite=Strict, a stored <script> comes out escaped, bodies are bounded,
 * an upload with a bad row writes nothing and shows the row (of a CSV
 * file or an Excel workbook), and the
 * targets editor refuses an unreadable phrase, writes the municipality's
 * own layer (never the region's), keeps the previous version and re-judges
 * the cycle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "http.h"
#include "routes.h"
#include "store.h"
#include "support.h"
#include <xlsxwriter.h>

static char *dir;
static char store_path[1024], region_pack[1024], town_pack[1024];
static sqlite3 *db;
static web_server *server;
static int port;
static long long account_ids[4];
static const char *const roles[] = {"region", "municipality", "school", "admin"};

/* ---- HTTP through libcurl ---- */

typedef struct reply {
  long status;
  char *body;
  size_t len;
  char headers[8192];
} reply;

static size_t on_body(char *data, size_t size, size_t n, void *arg) {
  reply *r = arg;
  char *grown = realloc(r->body, r->len + size * n + 1);
  if (!grown) return 0;
  memcpy(grown + r->len, data, size * n);
  r->body = grown;
  r->len += size * n;
  r->body[r->len] = '\0';
  return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg) {
  reply *r = arg;
  size_t used = strlen(r->headers);
  snprintf(r->headers + used, sizeof r->headers - used, "%.*s", (int)(size * n), data);
  return size * n;
}

/* Sends a request; form is an urlencoded body (a POST) or NULL (a GET);
 * cookie a "name=value" string or NULL. */
static reply request(const char *method, const char *path, const char *cookie, const char *form) {
  reply r = {0};
  char url[2048];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
  if (cookie) curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
  if (!strcmp(method, "POST")) curl_easy_setopt(c, CURLOPT_POSTFIELDS, form ? form : "");
  else if (!strcmp(method, "HEAD")) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  else if (strcmp(method, "GET")) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  /* a server refusing an oversized body answers and closes before the
   * client has sent it all (under valgrind, often): the answer counts */
  if (rc != CURLE_OK && !(rc == CURLE_SEND_ERROR && r.status != 0))
    fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
  curl_easy_cleanup(c);
  if (!r.body) r.body = calloc(1, 1);
  return r;
}

/* Sends a multipart upload of one file of len bytes. */
static reply upload_bytes(const char *path, const char *cookie, const char *csrf, const char *entity, const char *name,
                          const char *data, size_t len);

/* Sends a multipart upload of one text file. */
static reply upload(const char *path, const char *cookie, const char *csrf, const char *entity, const char *name, const char *text) {
  return upload_bytes(path, cookie, csrf, entity, name, text, strlen(text));
}

static reply upload_bytes(const char *path, const char *cookie, const char *csrf, const char *entity, const char *name,
                          const char *data, size_t len) {
  reply r = {0};
  char url[2048];
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  CURL *c = curl_easy_init();
  curl_mime *mime = curl_mime_init(c);
  curl_mimepart *part = curl_mime_addpart(mime);
  curl_mime_name(part, "csrf");
  curl_mime_data(part, csrf, CURL_ZERO_TERMINATED);
  part = curl_mime_addpart(mime);
  curl_mime_name(part, "entity");
  curl_mime_data(part, entity, CURL_ZERO_TERMINATED);
  part = curl_mime_addpart(mime);
  curl_mime_name(part, "file");
  curl_mime_filename(part, name);
  curl_mime_data(part, data, len);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
  curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) fail_msg("upload %s: %s", path, curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_mime_free(mime);
  curl_easy_cleanup(c);
  if (!r.body) r.body = calloc(1, 1);
  return r;
}

/* A fresh session of an account: the cookie and the form token. */
typedef struct session {
  char cookie[128];
  char csrf[AUTH_TOKEN_HEX];
} session;

static session session_of(int role) {
  session s;
  char token[AUTH_TOKEN_HEX], err[512];
  assert_int_equal(auth_session_open(db, account_ids[role], token, s.csrf, err, sizeof err), 0);
  snprintf(s.cookie, sizeof s.cookie, "pdmon_session=%s", token);
  return s;
}

static long long count(const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long long n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static long long denials(void) { return count("SELECT COUNT(*) FROM audit WHERE outcome = 'denied'"); }

/* ---- the fixture ---- */

static void write_file(const char *folder, const char *name, const char *text) {
  char *p = support_write_text(folder, name, text);
  assert_non_null(p);
  free(p);
}

static int setup(void **state) {
  (void)state;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  dir = support_tempdir();
  snprintf(store_path, sizeof store_path, "%s/store.db", dir);
  snprintf(region_pack, sizeof region_pack, "%s/region", dir);
  snprintf(town_pack, sizeof town_pack, "%s/town", dir);
  mkdir(region_pack, 0755);
  mkdir(town_pack, 0755);
  write_file(region_pack, "pack.lua", "pack { id = \"region\", title = \"Регион\", period = { 2021, 2024 } }\n");
  write_file(region_pack, "indicators.lua",
             "criterion \"deficits\" { title = \"Выявление дефицитов\",\n"
             "  indicator \"teachers_diagnosed\" { title = \"Доля педагогов, прошедших диагностику\",\n"
             "    value = share(staff { position = \"teacher\" }:having(activity { kind = \"diagnostic\" }), staff { position = \"teacher\" }),\n"
             "    target = \"Ежегодно - 75%\" },\n}\n");
  write_file(town_pack, "pack.lua", "pack { id = \"town\", title = \"Город\", municipality = \"m1\", extends = \"region\" }\n");
  char err[1024];
  assert_int_equal(store_open(store_path, 1, &db, err, sizeof err), 0);
  assert_int_equal(store_exec(db,
      "INSERT INTO organization (id, name, kind, municipality) VALUES"
      " ('o1', 'МОУ СОШ № 1', 'school', 'm1'), ('o2', '<script>alert(1)</script> СОШ № 2', 'school', 'm1'),"
      " ('p1', 'МОУ СОШ посёлка', 'school', 'm2');"
      "INSERT INTO staff (id, organization_id, position, birth_year, career_start_year) VALUES"
      " ('t1', 'o1', 'teacher', 1980, 2003), ('t2', 'o1', 'teacher', 1990, 2013), ('t3', 'o2', 'teacher', 1985, 2008),"
      " ('q1', 'p1', 'teacher', 1975, 1998);"
      "INSERT INTO employment (staff_id, organization_id, position, from_date, source)"
      " SELECT id, organization_id, position, career_start_year || '-01-01', 'career_start' FROM staff;"
      "INSERT INTO activity (id, staff_id, kind, date) VALUES ('a1', 't1', 'diagnostic', '2023-03-01'),"
      " ('a2', 't3', 'diagnostic', '2023-04-01');"
      /* accounts of the route test need no real password: they get sessions directly */
      "INSERT INTO account (id, login, password_hash, role, municipality, organization_id) VALUES"
      " (1, 'region', 'x', 'region', NULL, NULL), (2, 'town', 'x', 'municipality', 'm1', NULL),"
      " (3, 'school1', 'x', 'school', 'm1', 'o1'), (4, 'admin', 'x', 'admin', NULL, NULL);",
      err, sizeof err), 0);
  for (int i = 0; i < 4; i++) account_ids[i] = i + 1;
  assert_int_equal(auth_account_add(db, "coordinator", "correct horse battery", "municipality", "m1", NULL, err, sizeof err), 0);
  web_options opt = {.store_path = store_path, .pack_dir = town_pack, .listen = "127.0.0.1:0", .max_body_bytes = 256 * 1024,
                     .max_upload_rows = 100};
  assert_int_equal(web_server_start(&opt, &server, err, sizeof err), 0);
  port = web_server_port(server);
  assert_true(port > 0);
  assert_true(web_server_is_loopback(server));
  return 0;
}

static int teardown(void **state) {
  (void)state;
  web_server_stop(server);
  sqlite3_close(db);
  support_remove_tree(dir);
  curl_global_cleanup();
  return 0;
}

/* ---- authorization of every route ---- */

/* The policy, stated here a second time on purpose: who may use each
 * route. A route the server has and this table lacks fails the test. */
static const struct {
  const char *method, *pattern, *roles;
} policy[] = {
    {"GET", "/login", "-"},
    {"POST", "/login", "-"},
    {"POST", "/logout", "*"},
    {"GET", "/", "*"},
    {"GET", "/static/targets.js", "-"},
    {"GET", "/admin/users", "admin"},
    {"POST", "/admin/users", "admin"},
    {"POST", "/admin/users/{x}/{x}", "admin"},
    {"GET", "/admin/audit", "admin"},
    {"GET", "/m/{m}", "region,municipality"},
    {"GET", "/m/{m}/indicator/{x}", "region,municipality"},
    {"GET", "/m/{m}/org/{o}", "region,municipality,school"},
    {"GET", "/m/{m}/org/{o}/report/{x}", "region,municipality,school"},
    {"GET", "/m/{m}/roadmap", "region,municipality"},
    {"POST", "/m/{m}/roadmap/{x}/done", "municipality"},
    {"GET", "/m/{m}/decisions", "region,municipality"},
    {"POST", "/m/{m}/decisions", "municipality"},
    {"GET", "/m/{m}/report/{x}", "region,municipality"},
    {"POST", "/m/{m}/cycle/open", "municipality"},
    {"POST", "/m/{m}/cycle/run", "municipality"},
    {"POST", "/m/{m}/cycle/close", "municipality"},
    {"GET", "/m/{m}/upload", "municipality,school"},
    {"POST", "/m/{m}/upload", "municipality,school"},
    {"POST", "/m/{m}/upload/{x}/import", "municipality,school"},
    {"GET", "/m/{m}/upload/{x}/rejected.csv", "municipality,school"},
    {"GET", "/m/{m}/template/{x}", "municipality,school"},
    {"GET", "/m/{m}/targets", "region,municipality"},
    {"GET", "/m/{m}/targets/check", "municipality"},
    {"POST", "/m/{m}/targets", "municipality"},
};

/* The pattern with {m}, {o} and {x} filled in. */
static void fill(const char *pattern, const char *m, const char *o, char *out, size_t len) {
  size_t n = 0;
  for (const char *p = pattern; *p && n + 1 < len; p++) {
    const char *with = NULL;
    if (!strncmp(p, "{m}", 3)) with = m;
    else if (!strncmp(p, "{o}", 3)) with = o;
    else if (!strncmp(p, "{x}", 3)) with = "x1";
    if (with) {
      n += (size_t)snprintf(out + n, len - n, "%s", with);
      p += 2;
    } else {
      out[n++] = *p;
    }
  }
  out[n] = '\0';
}

static int allows(const char *list, const char *role) {
  if (!strcmp(list, "*")) return 1;
  char copy[128];
  snprintf(copy, sizeof copy, ",%s,", list);
  char want[32];
  snprintf(want, sizeof want, ",%s,", role);
  return strstr(copy, want) != NULL;
}

/* Requests path as role; expects a refusal with its audit row when refused is set. */
static void expect(const char *method, const char *path, int role, int refused) {
  session s = session_of(role);
  char form[256];
  snprintf(form, sizeof form, "csrf=%s&entity=staff", s.csrf);
  long long before = denials();
  reply r = request(method, path, s.cookie, strcmp(method, "POST") ? NULL : form);
  if (refused) {
    if (r.status != 403) fail_msg("%s %s as %s: expected 403, got %ld", method, path, roles[role], r.status);
    if (denials() != before + 1) fail_msg("%s %s as %s: refused without an audit row", method, path, roles[role]);
    assert_non_null(strstr(r.body, "Доступ запрещён"));
  } else if (r.status == 403) {
    fail_msg("%s %s as %s: refused, but the role may use it", method, path, roles[role]);
  }
  free(r.body);
}

static void every_route_refuses_other_roles_and_scopes(void **state) {
  (void)state;
  size_t n;
  const web_route *routes = routes_list(&n);
  for (size_t i = 0; i < n; i++) {
    const char *allowed = NULL;
    for (size_t k = 0; k < sizeof policy / sizeof policy[0]; k++)
      if (!strcmp(policy[k].method, routes[i].method) && !strcmp(policy[k].pattern, routes[i].pattern)) allowed = policy[k].roles;
    if (!allowed) fail_msg("route %s %s has no line in the test's policy table: say who may use it", routes[i].method, routes[i].pattern);
    if (!strcmp(allowed, "-")) continue;
    char own[512], other[512];
    fill(routes[i].pattern, "m1", "o1", own, sizeof own);
    for (int role = 0; role < 4; role++) {
      if (!strcmp(routes[i].pattern, "/logout")) continue; /* would end the session: tested below */
      expect(routes[i].method, own, role, !allows(allowed, roles[role]));
      if (!allows(allowed, roles[role]) || !strchr(routes[i].pattern, '{')) continue;
      if (!strcmp(roles[role], "municipality")) {
        fill(routes[i].pattern, "m2", "p1", other, sizeof other); /* another municipality */
        expect(routes[i].method, other, role, 1);
        if (strstr(routes[i].pattern, "{o}")) {
          fill(routes[i].pattern, "m1", "p1", other, sizeof other); /* its school under our name */
          expect(routes[i].method, other, role, 1);
        }
      }
      if (!strcmp(roles[role], "school")) {
        fill(routes[i].pattern, strstr(routes[i].pattern, "{o}") ? "m1" : "m2", "o2", other, sizeof other);
        expect(routes[i].method, other, role, 1); /* another school, or another municipality */
      }
    }
  }
}

static void anonymous_requests_go_to_login(void **state) {
  (void)state;
  reply r = request("GET", "/m/m1", NULL, NULL);
  assert_int_equal(r.status, 303);
  assert_non_null(strstr(r.headers, "Location: /login"));
  free(r.body);
  long long before = denials();
  r = request("POST", "/m/m1/cycle/run", NULL, "csrf=x");
  assert_int_equal(r.status, 403);
  assert_int_equal(denials(), before + 1);
  free(r.body);
  r = request("GET", "/login", NULL, NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "Вход в pdmon"));
  free(r.body);
}

static void posts_without_the_form_token_are_refused(void **state) {
  (void)state;
  size_t n;
  const web_route *routes = routes_list(&n);
  for (size_t i = 0; i < n; i++) {
    if (strcmp(routes[i].method, "POST") || !strcmp(routes[i].roles, "-")) continue;
    int role = strstr(routes[i].roles, "municipality") ? 1 : !strcmp(routes[i].roles, "admin") ? 3 : 1;
    char path[512];
    fill(routes[i].pattern, "m1", "o1", path, sizeof path);
    session s = session_of(role);
    long long before = count("SELECT COUNT(*) FROM audit WHERE detail LIKE '%CSRF%'");
    reply r = request("POST", path, s.cookie, "entity=staff&period=2023");
    if (r.status != 403) fail_msg("POST %s without a form token: expected 403, got %ld", path, r.status);
    assert_int_equal(count("SELECT COUNT(*) FROM audit WHERE detail LIKE '%CSRF%'"), before + 1);
    free(r.body);
    s = session_of(role);
    char form[160];
    snprintf(form, sizeof form, "csrf=%.64s&entity=staff", "0000000000000000000000000000000000000000000000000000000000000000");
    r = request("POST", path, s.cookie, form);
    if (r.status != 403) fail_msg("POST %s with another session's token: expected 403, got %ld", path, r.status);
    free(r.body);
  }
  assert_int_equal(count("SELECT COUNT(*) FROM cycle"), 0); /* none of them opened a cycle */
}

/* The login form's token from the page and the cookie. */
static void login_token(char cookie[128], char token[AUTH_TOKEN_HEX]) {
  reply r = request("GET", "/login", NULL, NULL);
  const char *c = strstr(r.headers, "pdmon_login=");
  const char *t = strstr(r.body, "name=\"csrf\" value=\"");
  assert_non_null(c);
  assert_non_null(t);
  snprintf(token, AUTH_TOKEN_HEX, "%.64s", t + strlen("name=\"csrf\" value=\""));
  snprintf(cookie, 128, "pdmon_login=%.64s", c + strlen("pdmon_login="));
  assert_non_null(strstr(r.headers, "HttpOnly"));
  assert_non_null(strstr(r.headers, "SameSite=Strict"));
  free(r.body);
}

static void login_sets_a_strict_cookie_and_is_limited(void **state) {
  (void)state;
  char cookie[128], token[AUTH_TOKEN_HEX], form[512];
  login_token(cookie, token);
  snprintf(form, sizeof form, "csrf=%s&login=coordinator&password=correct+horse+battery", token);
  reply r = request("POST", "/login", NULL, form); /* no login cookie: a forged form */
  assert_int_equal(r.status, 403);
  free(r.body);
  r = request("POST", "/login", cookie, form);
  assert_int_equal(r.status, 303);
  const char *set = strstr(r.headers, "pdmon_session=");
  assert_non_null(set);
  char line[512];
  snprintf(line, sizeof line, "%.*s", (int)strcspn(set, "\r\n"), set);
  assert_non_null(strstr(line, "HttpOnly"));
  assert_non_null(strstr(line, "SameSite=Strict"));
  assert_non_null(strstr(line, "Max-Age="));
  char session_cookie[128];
  snprintf(session_cookie, sizeof session_cookie, "%.78s", set);
  free(r.body);
  r = request("GET", "/m/m1", session_cookie, NULL);
  assert_int_equal(r.status, 200);
  free(r.body);
  for (int i = 0; i < AUTH_MAX_FAILURES_LOGIN; i++) {
    login_token(cookie, token);
    snprintf(form, sizeof form, "csrf=%s&login=coordinator&password=wrong", token);
    r = request("POST", "/login", cookie, form);
    assert_int_equal(r.status, 401);
    assert_non_null(strstr(r.body, "Неверный логин или пароль"));
    free(r.body);
  }
  login_token(cookie, token);
  snprintf(form, sizeof form, "csrf=%s&login=coordinator&password=correct+horse+battery", token);
  r = request("POST", "/login", cookie, form);
  assert_int_equal(r.status, 429); /* even the right password waits now */
  free(r.body);
  assert_true(count("SELECT COUNT(*) FROM audit WHERE action = 'login' AND outcome = 'failed'") >= AUTH_MAX_FAILURES_LOGIN);
}

static void logout_ends_the_session(void **state) {
  (void)state;
  session s = session_of(1);
  char form[128];
  snprintf(form, sizeof form, "csrf=%s", s.csrf);
  reply r = request("POST", "/logout", s.cookie, form);
  assert_int_equal(r.status, 303);
  free(r.body);
  r = request("GET", "/m/m1", s.cookie, NULL);
  assert_int_equal(r.status, 303); /* back to the login */
  free(r.body);
}

static void a_disabled_account_loses_its_sessions(void **state) {
  (void)state;
  session town = session_of(1), admin = session_of(3);
  char form[128];
  snprintf(form, sizeof form, "csrf=%s", admin.csrf);
  reply r = request("POST", "/admin/users/town/disable", admin.cookie, form);
  assert_int_equal(r.status, 303);
  free(r.body);
  r = request("GET", "/m/m1", town.cookie, NULL);
  assert_int_equal(r.status, 303); /* back to the login: the session is gone */
  free(r.body);
  r = request("GET", "/admin/users", admin.cookie, NULL);
  assert_non_null(strstr(r.body, "/admin/users/town/enable"));
  free(r.body);
  r = request("POST", "/admin/users/admin/disable", admin.cookie, form);
  assert_int_equal(r.status, 404); /* not oneself */
  free(r.body);
  r = request("POST", "/admin/users/town/enable", admin.cookie, form);
  assert_int_equal(r.status, 303);
  free(r.body);
  assert_int_equal(count("SELECT COUNT(*) FROM audit WHERE action = 'account' AND target = 'town' AND outcome = 'ok'"), 2);
}

static void sessions_expire(void **state) {
  (void)state;
  session s = session_of(1);
  reply r = request("GET", "/m/m1", s.cookie, NULL);
  assert_int_equal(r.status, 200);
  free(r.body);
  char err[256];
  assert_int_equal(store_exec(db, "UPDATE web_session SET expires_at = strftime('%s', 'now') - 1", err, sizeof err), 0);
  r = request("GET", "/m/m1", s.cookie, NULL);
  assert_int_equal(r.status, 303); /* to the login again */
  free(r.body);
}

static void the_admin_reads_the_audit_trail(void **state) {
  (void)state;
  session admin = session_of(3);
  reply r = request("GET", "/admin/audit", admin.cookie, NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "отказано")); /* the refusals of the route test are there */
  assert_non_null(strstr(r.body, "another municipality"));
  free(r.body);
}

static void stored_markup_comes_out_escaped(void **state) {
  (void)state;
  session s = session_of(1);
  const char *pages[] = {"/m/m1/org/o2", "/m/m1"};
  for (int i = 0; i < 2; i++) {
    reply r = request("GET", pages[i], s.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "<script>alert(1)"));
    assert_non_null(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    free(r.body);
  }
  reply r = request("GET", "/m/m1", s.cookie, NULL);
  assert_non_null(strstr(r.headers, "Content-Security-Policy: default-src 'none'"));
  assert_non_null(strstr(r.headers, "X-Frame-Options: DENY"));
  free(r.body);
}

static void bodies_and_methods_are_bounded(void **state) {
  (void)state;
  session s = session_of(1);
  size_t big = 300 * 1024;
  char *form = malloc(big + 1);
  memset(form, 'a', big);
  memcpy(form, "csrf=", 5);
  form[big] = '\0';
  reply r = request("POST", "/m/m1/cycle/run", s.cookie, form);
  assert_int_equal(r.status, 413);
  free(r.body);
  free(form);
  char many[8192] = "";
  for (int i = 0; i < 100; i++) {
    size_t n = strlen(many);
    snprintf(many + n, sizeof many - n, "f%d=1&", i);
  }
  r = request("POST", "/m/m1/cycle/run", s.cookie, many);
  assert_int_equal(r.status, 400);
  free(r.body);
  r = request("HEAD", "/m/m1", s.cookie, NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.headers, "text/html"));
  free(r.body);
  r = request("PUT", "/m/m1", s.cookie, NULL);
  assert_int_equal(r.status, 405);
  free(r.body);
  r = request("POST", "/m/m1", s.cookie, "csrf=x");
  assert_int_equal(r.status, 405); /* a read is never a POST */
  free(r.body);
}

static void an_upload_with_a_bad_row_writes_nothing(void **state) {
  (void)state;
  session s = session_of(2); /* the school o1 */
  long long staff = count("SELECT COUNT(*) FROM staff");
  reply r = upload("/m/m1/upload", s.cookie, s.csrf, "staff", "staff.csv",
                   "id;organization_id;position;birth_year;career_start_year\n"
                   "t10;o1;Учитель;1980;2004\nt11;o1;Учитель;19x7;2010\nt12;o1;Учитель;1992;2015\n");
  assert_int_equal(r.status, 422);
  assert_non_null(strstr(r.body, "Ничего не записано"));
  assert_non_null(strstr(r.body, "19x7"));
  assert_non_null(strstr(r.body, "<td class=\"num\">3</td>")); /* the line of the bad row */
  assert_int_equal(count("SELECT COUNT(*) FROM staff"), staff);
  const char *link = strstr(r.body, "/rejected.csv");
  assert_non_null(link);
  const char *start = link;
  while (start > r.body && *start != '"') start--;
  char path[512];
  snprintf(path, sizeof path, "%.*s", (int)(link - start - 1 + strlen("/rejected.csv")), start + 1);
  free(r.body);
  r = request("GET", path, s.cookie, NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "19x7"));
  assert_null(strstr(r.body, "t10"));
  free(r.body);
  session other = session_of(1); /* another account may not fetch it */
  r = request("GET", path, other.cookie, NULL);
  assert_int_equal(r.status, 404);
  free(r.body);

  /* a school may not load another school's staff */
  r = upload("/m/m1/upload", s.cookie, s.csrf, "staff", "staff.csv",
             "id;organization_id;position;birth_year;career_start_year\nt20;o2;Учитель;1980;2004\n");
  assert_int_equal(r.status, 422);
  assert_non_null(strstr(r.body, "o2"));
  free(r.body);
  assert_int_equal(count("SELECT COUNT(*) FROM staff"), staff);

  /* fixed: a preview, then every row */
  r = upload("/m/m1/upload", s.cookie, s.csrf, "staff", "staff.csv",
             "id;organization_id;position;birth_year;career_start_year\n"
             "t10;o1;Учитель;1980;2004\nt11;o1;Учитель;1987;2010\nt12;o1;Учитель;1992;2015\n");
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "id=\"preview\""));
  const char *action = strstr(r.body, "/import\"");
  assert_non_null(action);
  start = action;
  while (start > r.body && *start != '"') start--;
  snprintf(path, sizeof path, "%.*s", (int)(action - start - 1 + strlen("/import")), start + 1);
  assert_int_equal(count("SELECT COUNT(*) FROM staff"), staff); /* not yet */
  free(r.body);
  char form[128];
  snprintf(form, sizeof form, "csrf=%s", s.csrf);
  r = request("POST", path, s.cookie, form);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "Записано строк: 3"));
  free(r.body);
  assert_int_equal(count("SELECT COUNT(*) FROM staff"), staff + 3);
  assert_int_equal(count("SELECT COUNT(*) FROM audit WHERE action = 'import' AND outcome = 'ok' AND login = 'school1'"), 1);
  r = request("POST", path, s.cookie, form);
  assert_int_equal(r.status, 404); /* an imported upload is gone: it cannot be imported twice */
  free(r.body);
}

/* A workbook of staff as a school keeps it: row 3 left empty, row 4 with
 * birth_year typed as text (bad, or good). Returns its bytes (caller frees). */
static char *staff_workbook(const char *bad_year, size_t *len) {
  char path[1200];
  snprintf(path, sizeof path, "%s/kadry.xlsx", dir);
  lxw_workbook *book = workbook_new(path);
  lxw_worksheet *ws = workbook_add_worksheet(book, "Кадры");
  const char *headers[] = {"Табельный номер", "Код ОО", "Должность", "Год рождения", "Год начала педагогической деятельности"};
  for (lxw_col_t c = 0; c < 5; c++) worksheet_write_string(ws, 0, c, headers[c], NULL);
  worksheet_write_string(ws, 1, 0, "t40", NULL);
  worksheet_write_string(ws, 1, 1, "o1", NULL);
  worksheet_write_string(ws, 1, 2, "Учитель математики", NULL);
  worksheet_write_number(ws, 1, 3, 1981, NULL);
  worksheet_write_number(ws, 1, 4, 2005, NULL);
  worksheet_write_string(ws, 3, 0, "t41", NULL);
  worksheet_write_string(ws, 3, 1, "o1", NULL);
  worksheet_write_string(ws, 3, 2, "Учитель", NULL);
  worksheet_write_string(ws, 3, 3, bad_year, NULL);
  worksheet_write_number(ws, 3, 4, 2012, NULL);
  assert_int_equal(workbook_close(book), LXW_NO_ERROR);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *data = malloc(1 << 20);
  *len = fread(data, 1, 1 << 20, f);
  fclose(f);
  return data;
}

static void an_excel_upload_names_the_sheet_rows(void **state) {
  (void)state;
  session s = session_of(2); /* the school o1 */
  long long staff = count("SELECT COUNT(*) FROM staff");
  size_t len;
  char *book = staff_workbook("19x7", &len);
  reply r = upload_bytes("/m/m1/upload", s.cookie, s.csrf, "staff", "kadry.xlsx", book, len);
  free(book);
  assert_int_equal(r.status, 422);
  assert_non_null(strstr(r.body, "19x7"));
  assert_non_null(strstr(r.body, "<td class=\"num\">4</td>")); /* the row Excel shows, past the empty one */
  assert_int_equal(count("SELECT COUNT(*) FROM staff"), staff);
  free(r.body);
  book = staff_workbook("1990", &len);
  r = upload_bytes("/m/m1/upload", s.cookie, s.csrf, "staff", "kadry.xlsx", book, len);
  free(book);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "id=\"preview\""));
  assert_non_null(strstr(r.body, "Учитель математики"));
  const char *action = strstr(r.body, "/import\"");
  assert_non_null(action);
  const char *start = action;
  while (start > r.body && *start != '"') start--;
  char path[512], form[128];
  snprintf(path, sizeof path, "%.*s", (int)(action - start - 1 + strlen("/import")), start + 1);
  free(r.body);
  snprintf(form, sizeof form, "csrf=%s", s.csrf);
  r = request("POST", path, s.cookie, form);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "Записано строк: 2"));
  free(r.body);
  assert_int_equal(count("SELECT COUNT(*) FROM staff WHERE id IN ('t40', 't41') AND organization_id = 'o1'"), 2);
  assert_int_equal(count("SELECT COUNT(*) FROM staff WHERE id = 't40' AND position = 'teacher' AND subject = 'Математика'"), 1);
  /* a damaged workbook is refused as a whole, without the server's folders */
  r = upload_bytes("/m/m1/upload", s.cookie, s.csrf, "staff", "broken.xlsx", "PK\3\4garbage", 11);
  assert_int_equal(r.status, 422);
  assert_non_null(strstr(r.body, "Книга Excel не читается"));
  assert_null(strstr(r.body, "/original"));
  free(r.body);
  /* the workbook template, for the form's link */
  r = request("GET", "/m/m1/template/staff.xlsx", s.cookie, NULL);
  assert_int_equal(r.status, 200);
  assert_true(r.len > 4 && !memcmp(r.body, "PK\3\4", 4));
  free(r.body);
  r = request("GET", "/m/m1/upload", s.cookie, NULL);
  assert_non_null(strstr(r.body, "/m/m1/template/staff.xlsx"));
  free(r.body);
  /* the cycle test below counts o1's teachers as they were */
  assert_int_equal(sqlite3_exec(db, "DELETE FROM employment WHERE staff_id IN ('t40', 't41');"
                                    "DELETE FROM staff WHERE id IN ('t40', 't41')", NULL, NULL, NULL), SQLITE_OK);
}

static void the_targets_editor_writes_the_municipality_layer(void **state) {
  (void)state;
  session s = session_of(1);
  char form[1024];
  snprintf(form, sizeof form, "csrf=%s&period=2023", s.csrf);
  reply r = request("POST", "/m/m1/cycle/open", s.cookie, form);
  assert_int_equal(r.status, 303);
  free(r.body);
  r = request("POST", "/m/m1/cycle/run", s.cookie, form);
  assert_int_equal(r.status, 303);
  free(r.body);
  /* t1 of t1..t2, t10..t12 of o1 and t3 of o2: 2 of 6 teachers, 33,33% against "Ежегодно - 75%" */
  assert_int_equal(count("SELECT COUNT(*) FROM cycle_result WHERE organization IS NULL AND status = 'not_met'"), 1);

  r = request("GET", "/m/m1/targets/check?phrase=%D0%BA%D0%B0%D0%BA-%D0%BD%D0%B8%D0%B1%D1%83%D0%B4%D1%8C", s.cookie, NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"ok\":false"));
  assert_non_null(strstr(r.body, "не читается"));
  assert_non_null(strstr(r.body, "cannot read the target phrase"));
  free(r.body);
  r = request("GET", "/m/m1/targets/check?phrase=%D0%95%D0%B6%D0%B5%D0%B3%D0%BE%D0%B4%D0%BD%D0%BE%20-%2030%25", s.cookie, NULL);
  assert_non_null(strstr(r.body, "\"ok\":true"));
  free(r.body);

  snprintf(form, sizeof form, "csrf=%s&t.teachers_diagnosed=%s", s.csrf, "%D0%BA%D0%B0%D0%BA-%D0%BD%D0%B8%D0%B1%D1%83%D0%B4%D1%8C");
  r = request("POST", "/m/m1/targets", s.cookie, form);
  assert_int_equal(r.status, 422);
  assert_non_null(strstr(r.body, "cannot read the target phrase"));
  free(r.body);
  char path[1200];
  snprintf(path, sizeof path, "%s/targets_override.lua", town_pack);
  assert_int_equal(access(path, F_OK), -1); /* nothing written */

  snprintf(form, sizeof form, "csrf=%s&t.teachers_diagnosed=%s", s.csrf, "%D0%95%D0%B6%D0%B5%D0%B3%D0%BE%D0%B4%D0%BD%D0%BE%20-%2030%25");
  r = request("POST", "/m/m1/targets", s.cookie, form);
  assert_int_equal(r.status, 303);
  free(r.body);
  char *text = support_read(path);
  assert_non_null(text);
  assert_non_null(strstr(text, "teachers_diagnosed = \"Ежегодно - 30%\""));
  free(text);
  snprintf(path, sizeof path, "%s/targets_override.lua", region_pack);
  assert_int_equal(access(path, F_OK), -1); /* never the region's */
  assert_int_equal(count("SELECT COUNT(*) FROM cycle_result WHERE organization IS NULL AND status = 'met'"
                         " AND target_text = 'Ежегодно - 30%'"), 1); /* re-judged */
  assert_int_equal(count("SELECT COUNT(*) FROM audit WHERE action = 'targets' AND outcome = 'ok' AND login = 'town'"), 1);

  /* a second change keeps the first version, and a quote cannot break out of the string */
  snprintf(form, sizeof form, "csrf=%s&t.teachers_diagnosed=%s", s.csrf, "%D0%95%D0%B6%D0%B5%D0%B3%D0%BE%D0%B4%D0%BD%D0%BE%20-%2040%25%20(%22%5C%22)");
  r = request("POST", "/m/m1/targets", s.cookie, form);
  assert_int_equal(r.status, 303);
  free(r.body);
  snprintf(path, sizeof path, "%s/.targets-history", town_pack);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  r = request("GET", "/m/m1/targets", s.cookie, NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "Ежегодно - 40% (&quot;\\&quot;)"));
  free(r.body);
}

static void tls_serves_https_with_secure_cookies(void **state) {
  (void)state;
  char cmd[4096], cert[1100], key[1100], err[1024];
  snprintf(cert, sizeof cert, "%s/cert.pem", dir);
  snprintf(key, sizeof key, "%s/key.pem", dir);
  snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout '%s' -out '%s' 2>/dev/null",
           key, cert);
  assert_int_equal(system(cmd), 0);
  web_options opt = {.store_path = store_path, .listen = "127.0.0.1:0", .tls_cert = cert, .tls_key = key};
  web_server *tls;
  assert_int_equal(web_server_start(&opt, &tls, err, sizeof err), 0);
  reply r = {0};
  char url[128];
  snprintf(url, sizeof url, "https://127.0.0.1:%d/login", web_server_port(tls));
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
  assert_int_equal(curl_easy_perform(c), CURLE_OK);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_cleanup(c);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.headers, "; Secure"));
  assert_non_null(strstr(r.headers, "Strict-Transport-Security"));
  free(r.body);
  web_server_stop(tls);
  /* half a pair, or a missing file, is refused before listening */
  web_options half = {.store_path = store_path, .listen = "127.0.0.1:0", .tls_cert = cert};
  assert_int_equal(web_server_start(&half, &tls, err, sizeof err), -1);
  assert_non_null(strstr(err, "--tls-cert and --tls-key"));
  web_options missing = {.store_path = store_path, .listen = "127.0.0.1:0", .tls_cert = cert, .tls_key = "/nonexistent/key.pem"};
  assert_int_equal(web_server_start(&missing, &tls, err, sizeof err), -1);
  assert_non_null(strstr(err, "/nonexistent/key.pem"));
}

static void listen_addresses_are_checked(void **state) {
  (void)state;
  char err[1024];
  web_server *other;
  web_options everywhere = {.store_path = store_path, .listen = "0.0.0.0:0"};
  assert_int_equal(web_server_start(&everywhere, &other, err, sizeof err), 0);
  assert_false(web_server_is_loopback(other)); /* serve warns about this one without TLS */
  web_server_stop(other);
  web_options bad = {.store_path = store_path, .listen = "localhost"};
  assert_int_equal(web_server_start(&bad, &other, err, sizeof err), -1);
  assert_non_null(strstr(err, "HOST:PORT"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_route_refuses_other_roles_and_scopes),
      cmocka_unit_test(anonymous_requests_go_to_login),
      cmocka_unit_test(posts_without_the_form_token_are_refused),
      cmocka_unit_test(login_sets_a_strict_cookie_and_is_limited),
      cmocka_unit_test(logout_ends_the_session),
      cmocka_unit_test(a_disabled_account_loses_its_sessions),
      cmocka_unit_test(sessions_expire),
      cmocka_unit_test(the_admin_reads_the_audit_trail),
      cmocka_unit_test(stored_markup_comes_out_escaped),
      cmocka_unit_test(bodies_and_methods_are_bounded),
      cmocka_unit_test(an_upload_with_a_bad_row_writes_nothing),
      cmocka_unit_test(an_excel_upload_names_the_sheet_rows),
      cmocka_unit_test(the_targets_editor_writes_the_municipality_layer),
      cmocka_unit_test(tls_serves_https_with_secure_cookies),
      cmocka_unit_test(listen_addresses_are_checked),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
