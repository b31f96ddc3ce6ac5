/* routes.c: the route table, authorization before every handler, login and logout. The
 * promises are in routes.h. */
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "audit.h"
#include "html.h"
#include "pages.h"
#include "targets_editor.h"
#include "upload.h"

static void login_form(web_request *r);
static void login_submit(web_request *r);
static void logout_submit(web_request *r);
static void home(web_request *r);

/* Reads are GET, changes POST; nothing else is routed. */
static const web_route routes[] = {
    {"GET", "/login", "-", login_form},
    {"POST", "/login", "-", login_submit},
    {"POST", "/logout", "*", logout_submit},
    {"GET", "/", "*", home},
    {"GET", "/static/targets.js", "-", targets_editor_script},
    {"GET", "/admin/users", "admin", actions_users_page},
    {"POST", "/admin/users", "admin", actions_user_add},
    {"POST", "/admin/users/{x}/{x}", "admin", actions_user_switch},
    {"GET", "/admin/audit", "admin", actions_audit_page},
    {"GET", "/m/{m}", "region,municipality", pages_dashboard},
    {"GET", "/m/{m}/indicator/{x}", "region,municipality", pages_indicator},
    {"GET", "/m/{m}/org/{o}", "region,municipality,school", pages_organization},
    {"GET", "/m/{m}/org/{o}/report/{x}", "region,municipality,school", pages_organization_report},
    {"GET", "/m/{m}/roadmap", "region,municipality", pages_roadmap},
    {"POST", "/m/{m}/roadmap/{x}/done", "municipality", actions_measure_done},
    {"GET", "/m/{m}/decisions", "region,municipality", pages_decisions},
    {"POST", "/m/{m}/decisions", "municipality", actions_decision_add},
    {"GET", "/m/{m}/report/{x}", "region,municipality", pages_report},
    {"POST", "/m/{m}/cycle/open", "municipality", actions_cycle_open},
    {"POST", "/m/{m}/cycle/run", "municipality", actions_cycle_run},
    {"POST", "/m/{m}/cycle/close", "municipality", actions_cycle_close},
    {"GET", "/m/{m}/upload", "municipality,school", upload_form},
    {"POST", "/m/{m}/upload", "municipality,school", upload_receive},
    {"POST", "/m/{m}/upload/{x}/import", "municipality,school", upload_commit},
    {"GET", "/m/{m}/upload/{x}/rejected.csv", "municipality,school", upload_rejected},
    {"GET", "/m/{m}/template/{x}", "municipality,school", upload_template},
    {"GET", "/m/{m}/targets", "region,municipality", targets_editor_form},
    {"GET", "/m/{m}/targets/check", "municipality", targets_editor_check},
    {"POST", "/m/{m}/targets", "municipality", targets_editor_save},
};

const web_route *routes_list(size_t *n) {
  *n = sizeof routes / sizeof routes[0];
  return routes;
}

/* ---- pages of the router itself ---- */

typedef struct error_page {
  int status;
  char message[1024];
} error_page;

void routes_frame(const web_request *r, const char *title, void *frame) {
  html_frame *f = frame;
  memset(f, 0, sizeof *f);
  f->title = title;
  if (!r->logged_in) return;
  f->login = r->who.login;
  f->role = r->who.role;
  f->csrf = r->csrf;
  f->municipality = r->municipality ? r->municipality : r->who.municipality[0] ? r->who.municipality : NULL;
  f->organization = r->who.organization;
}

static void write_error_page(web_request *r, FILE *out) {
  const error_page *e = r->data;
  const char *title = e->status == 403 ? "Доступ запрещён" : e->status == 404 ? "Не найдено" : "Ошибка";
  html_frame f;
  routes_frame(r, title, &f);
  html_page_begin(out, &f);
  html_printf(out, "<p class=\"error\">%s</p><p><a href=\"/\">На главную</a></p>\n", e->message);
  html_page_end(out);
}

void routes_error_page(web_request *r, int status, const char *message) {
  error_page *e = calloc(1, sizeof *e);
  if (!e) {
    web_respond_text(r, 500, "text/plain; charset=utf-8", "out of memory\n");
    return;
  }
  e->status = status;
  snprintf(e->message, sizeof e->message, "%s", message);
  if (r->data && r->data_free) r->data_free(r->data);
  r->data = e;
  r->data_free = free;
  web_respond_page(r, status, write_error_page);
}

void routes_audit(web_request *r, const char *action, const char *target, const char *detail, const char *outcome) {
  char err[512];
  if (audit_write(r->db, r->logged_in ? r->who.login : "-", r->address, action, target, detail, outcome, err, sizeof err) != 0)
    fprintf(stderr, "pdmon serve: %s\n", err);
}

/* Refuses with 403 and leaves the attempt in the audit table. */
static void refuse(web_request *r, const char *why) {
  char action[64];
  snprintf(action, sizeof action, "%s", r->method);
  routes_audit(r, action, r->path, why, "denied");
  routes_error_page(r, 403, "У вашей учётной записи нет доступа к этой странице.");
}

/* ---- matching ---- */

/* Matches path against pattern, filling r->arg; 1 on a match. */
static int match(const char *pattern, const char *path, web_request *r) {
  int n = 0;
  const char *p = pattern, *s = path;
  while (*p && *s) {
    if (*p != '/' || *s != '/') return 0;
    p++, s++;
    const char *pe = strchr(p, '/'), *se = strchr(s, '/');
    size_t pl = pe ? (size_t)(pe - p) : strlen(p), sl = se ? (size_t)(se - s) : strlen(s);
    if (pl >= 3 && p[0] == '{') {
      if (sl == 0 || sl >= sizeof r->arg[0] || n == 3) return 0;
      memcpy(r->arg[n], s, sl);
      r->arg[n][sl] = '\0';
      if (p[1] == 'm') r->municipality = r->arg[n];
      if (p[1] == 'o') r->organization = r->arg[n];
      n++;
    } else if (pl != sl || strncmp(p, s, pl)) {
      return 0;
    }
    p += pl, s += sl;
  }
  return !*p && !*s;
}

/* 1 when the comma list roles names role. */
static int role_in(const char *roles, const char *role) {
  size_t n = strlen(role);
  for (const char *p = roles; p && *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && !strncmp(p, role, n)) return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

/* The municipality of organization id, into buf; 0 when it is in the store. */
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

/* Role and scope: 0 allowed; otherwise answered (403 and audited, or 404). */
static int authorize(web_request *r, const web_route *route) {
  if (!role_in(route->roles, r->who.role)) {
    refuse(r, "role not allowed here");
    return -1;
  }
  const char *own = r->who.municipality;
  if (r->municipality && strcmp(r->who.role, "region") && strcmp(r->municipality, own)) {
    refuse(r, "another municipality");
    return -1;
  }
  if (r->organization) {
    char mun[128];
    if (organization_municipality(r->db, r->organization, mun, sizeof mun) != 0) {
      routes_error_page(r, 404, "Такой организации нет в хранилище.");
      return -1;
    }
    if (strcmp(mun, r->municipality)) {
      refuse(r, "organization of another municipality");
      return -1;
    }
    if (!strcmp(r->who.role, "school") && strcmp(r->organization, r->who.organization)) {
      refuse(r, "another organization");
      return -1;
    }
  }
  return 0;
}

void routes_dispatch(web_request *r) {
  const int is_get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
  const web_route *found = NULL;
  int other_method = 0;
  for (size_t i = 0; i < sizeof routes / sizeof routes[0] && !found; i++) {
    r->municipality = r->organization = NULL;
    if (!match(routes[i].pattern, r->path, r)) continue;
    if (!strcmp(routes[i].method, is_get ? "GET" : r->method)) found = &routes[i];
    else other_method = 1;
  }
  if (!found) {
    r->municipality = r->organization = NULL;
    if (other_method) web_respond_text(r, 405, "text/plain; charset=utf-8", "Метод не поддерживается: чтение — GET, изменения — POST.\n");
    else routes_error_page(r, 404, "Такой страницы нет.");
    return;
  }
  r->logged_in = r->session_token[0] && auth_session(r->db, r->session_token, &r->who, r->csrf) == 0;
  if (strcmp(found->roles, "-")) {
    if (!r->logged_in) {
      if (is_get) web_respond_redirect(r, "/login");
      else refuse(r, "no session");
      return;
    }
    if (strcmp(found->roles, "*") && authorize(r, found) != 0) return;
    if (!is_get) {
      const char *token = web_form(r, "csrf");
      if (!token || !auth_tokens_equal(token, r->csrf)) {
        routes_audit(r, "POST", r->path, "missing or wrong form token (CSRF)", "denied");
        routes_error_page(r, 403, "Форма устарела или отправлена не со страницы pdmon. Откройте страницу заново и повторите.");
        return;
      }
    }
  }
  found->handler(r);
}

/* ---- login, logout, the home page ---- */

typedef struct login_page {
  char message[256];
  char token[AUTH_TOKEN_HEX];
} login_page;

static void write_login(web_request *r, FILE *out) {
  const login_page *p = r->data;
  html_frame f = {.title = "Вход в pdmon"};
  html_page_begin(out, &f);
  if (p->message[0]) html_printf(out, "<p class=\"error\" role=\"alert\">%s</p>\n", p->message);
  html_printf(out, "<form class=\"box login\" method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<label for=\"login\">Логин</label><input type=\"text\" id=\"login\" name=\"login\" autocomplete=\"username\" required>"
                   "<label for=\"password\">Пароль</label><input type=\"password\" id=\"password\" name=\"password\""
                   " autocomplete=\"current-password\" required><p><button type=\"submit\">Войти</button></p></form>\n"
                   "<p class=\"note\">Учётные записи создаёт администратор: <code>pdmon user add ЛОГИН --role …</code></p>\n",
              p->token);
  html_page_end(out);
}

/* The login page with a fresh form token in a cookie of its own (the session does not exist yet). */
static void show_login(web_request *r, int status, const char *message) {
  login_page *p = calloc(1, sizeof *p);
  if (!p) {
    web_respond_text(r, 500, "text/plain; charset=utf-8", "out of memory\n");
    return;
  }
  snprintf(p->message, sizeof p->message, "%s", message ? message : "");
  auth_random_hex(p->token);
  snprintf(r->response.cookies[0], sizeof r->response.cookies[0],
           "pdmon_login=%s; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600%s", p->token, r->tls ? "; Secure" : "");
  r->data = p;
  r->data_free = free;
  web_respond_page(r, status, write_login);
}

static void login_form(web_request *r) { show_login(r, 200, NULL); }

static void login_submit(web_request *r) {
  const char *token = web_form(r, "csrf"), *login = web_form(r, "login"), *password = web_form(r, "password");
  if (!token || !r->login_token[0] || !auth_tokens_equal(token, r->login_token)) {
    routes_audit(r, "login", NULL, "missing or wrong form token (CSRF)", "denied");
    show_login(r, 403, "Форма входа устарела. Повторите вход.");
    return;
  }
  if (!login || !password || !*login) {
    show_login(r, 400, "Введите логин и пароль.");
    return;
  }
  char session[AUTH_TOKEN_HEX], err[512];
  int rc = auth_login(r->db, login, password, r->address, &r->who, session, r->csrf, err, sizeof err);
  if (rc == 2) {
    show_login(r, 429, "Слишком много неудачных попыток входа. Подождите 15 минут.");
  } else if (rc == 1) {
    show_login(r, 401, "Неверный логин или пароль.");
  } else if (rc < 0) {
    fprintf(stderr, "pdmon serve: login: %s\n", err);
    show_login(r, 500, "Вход сейчас невозможен: хранилище недоступно.");
  } else {
    snprintf(r->response.cookies[0], sizeof r->response.cookies[0],
             "pdmon_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", session, AUTH_SESSION_SECONDS,
             r->tls ? "; Secure" : "");
    snprintf(r->response.cookies[1], sizeof r->response.cookies[1], "pdmon_login=; Path=/login; Max-Age=0");
    web_respond_redirect(r, "/");
  }
}

static void logout_submit(web_request *r) {
  char err[512];
  if (auth_logout(r->db, r->session_token, err, sizeof err) != 0) {
    routes_error_page(r, 500, "Выход не удался: хранилище недоступно.");
    return;
  }
  routes_audit(r, "logout", NULL, NULL, "ok");
  snprintf(r->response.cookies[0], sizeof r->response.cookies[0], "pdmon_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  web_respond_redirect(r, "/login");
}

/* Where each role starts. */
static void home(web_request *r) {
  char where[1000], m[400], o[400];
  const char *role = r->who.role;
  if (!strcmp(role, "region")) {
    pages_municipalities(r);
    return;
  }
  if (!strcmp(role, "admin")) snprintf(where, sizeof where, "/admin/users");
  else if (!strcmp(role, "school")) snprintf(where, sizeof where, "/m/%s/org/%s", html_url_encode(r->who.municipality, m, sizeof m),
                                                html_url_encode(r->who.organization, o, sizeof o));
  else snprintf(where, sizeof where, "/m/%s", html_url_encode(r->who.municipality, m, sizeof m));
  web_respond_redirect(r, where);
}
