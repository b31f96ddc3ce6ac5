/* actions.c: the changes made from the workplace, audited. The promises are in actions.h. */
#include "actions.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "cycle.h"
#include "evaluate.h"
#include "html.h"
#include "pages.h"
#include "roadmap.h"
#include "routes.h"
#include "store.h"

int actions_pack_of(web_request *r, char *buf, size_t len, char *why, size_t whylen) {
  cycle_ref c;
  char err[512];
  buf[0] = '\0';
  if (cycle_find(r->db, r->municipality, 0, &c, err, sizeof err) == 0 && c.pack_dir[0] &&
      !strcmp(c.municipality, r->municipality)) {
    snprintf(buf, len, "%s", c.pack_dir);
    return 0;
  }
  char stored[PATH_MAX] = "";
  const char *dir = r->options->pack_dir;
  if (!dir && store_meta_get(r->db, "pack", stored, sizeof stored) == 0 && stored[0]) dir = stored;
  if (!dir) {
    snprintf(why, whylen, "Для муниципалитета не задан пакет правил: запустите pdmon serve с --pack КАТАЛОГ"
                          " или выполните pdmon init --pack КАТАЛОГ.");
    return -1;
  }
  pack_summary s;
  if (evaluate_pack_summary(dir, &s, err, sizeof err) != 0) {
    snprintf(why, whylen, "Пакет правил не загружается: %s", err);
    return -1;
  }
  int other = s.municipality[0] && strcmp(s.municipality, r->municipality);
  pack_summary_free(&s);
  if (other) {
    snprintf(why, whylen, "Пакет правил %s принадлежит другому муниципалитету.", dir);
    return -1;
  }
  snprintf(buf, len, "%s", dir);
  return 0;
}

/* Redirects to the dashboard with a note of what was done. */
static void back_to_dashboard(web_request *r, const char *done) {
  char where[900], m[800];
  snprintf(where, sizeof where, "/m/%s?done=%s", html_url_encode(r->municipality, m, sizeof m), done);
  web_respond_redirect(r, where);
}

/* Answers a failed change: audited, and the reason on a page. */
static void failed(web_request *r, const char *action, const char *target, const char *reason) {
  routes_audit(r, action, target, reason, "failed");
  char message[1400];
  snprintf(message, sizeof message, "Не выполнено: %.1300s", reason);
  routes_error_page(r, 409, message);
}

void actions_cycle_open(web_request *r) {
  const char *period = web_form(r, "period");
  char *end = NULL;
  long year = period ? strtol(period, &end, 10) : 0;
  if (!period || *end || year < 1900 || year > 2200) {
    failed(r, "cycle open", r->municipality, "год цикла — четыре цифры, например 2024");
    return;
  }
  char pack[PATH_MAX], why[1024], err[2048];
  long long id;
  if (actions_pack_of(r, pack, sizeof pack, why, sizeof why) != 0) {
    failed(r, "cycle open", r->municipality, why);
    return;
  }
  if (cycle_open(r->db, r->municipality, (int)year, web_form(r, "title"), pack, &id, err, sizeof err) != 0) {
    failed(r, "cycle open", r->municipality, err);
    return;
  }
  char detail[PATH_MAX + 100];
  snprintf(detail, sizeof detail, "cycle %lld, period %ld, pack %s", id, year, pack);
  routes_audit(r, "cycle open", r->municipality, detail, "ok");
  back_to_dashboard(r, "open");
}

/* The municipality's latest cycle, or answers with why there is none. */
static int latest_cycle(web_request *r, const char *action, cycle_ref *c) {
  memset(c, 0, sizeof *c);
  if (pages_find_cycle(r, c) != 0) {
    failed(r, action, r->municipality, "у муниципалитета нет открытого цикла");
    return -1;
  }
  return 0;
}

void actions_cycle_run(web_request *r) {
  cycle_ref c;
  char err[2048], detail[256];
  if (latest_cycle(r, "cycle run", &c) != 0) return;
  if (cycle_run(r->db, r->options->store_path, &c, err, sizeof err) != 0) {
    failed(r, "cycle run", r->municipality, err);
    return;
  }
  snprintf(detail, sizeof detail, "cycle %lld (%d)", c.id, c.period);
  routes_audit(r, "cycle run", r->municipality, detail, "ok");
  back_to_dashboard(r, "run");
}

void actions_cycle_close(web_request *r) {
  cycle_ref c;
  char err[2048], detail[256];
  if (latest_cycle(r, "cycle close", &c) != 0) return;
  if (cycle_close(r->db, &c, err, sizeof err) != 0) {
    failed(r, "cycle close", r->municipality, err);
    return;
  }
  snprintf(detail, sizeof detail, "cycle %lld (%d)", c.id, c.period);
  routes_audit(r, "cycle close", r->municipality, detail, "ok");
  back_to_dashboard(r, "close");
}

/* 1 when measure id is in municipality m's roadmap. */
static int measure_is_of(sqlite3 *db, long long id, const char *m, long long *cycle) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT COALESCE(cycle_id, 0) FROM measure WHERE id = ? AND municipality = ?", -1, &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, m, -1, SQLITE_TRANSIENT);
  int found = sqlite3_step(st) == SQLITE_ROW;
  if (found) *cycle = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return found;
}

/* 1 when document id belongs to municipality m. */
static int document_is_of(sqlite3 *db, const char *id, const char *m) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM document WHERE id = ? AND municipality = ?", -1, &st, NULL) != SQLITE_OK) return 0;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, m, -1, SQLITE_TRANSIENT);
  int found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return found;
}

void actions_measure_done(web_request *r) {
  char *end;
  long long id = strtoll(r->arg[1], &end, 10), cycle = 0;
  char err[2048], doc[512], target[300];
  snprintf(target, sizeof target, "measure %s", r->arg[1]);
  if (*end || id <= 0 || !measure_is_of(r->db, id, r->municipality, &cycle)) {
    routes_error_page(r, 404, "Такого мероприятия в дорожной карте муниципалитета нет.");
    return;
  }
  const char *existing = web_form(r, "document");
  if (existing && *existing) {
    if (!document_is_of(r->db, existing, r->municipality)) {
      failed(r, "measure done", target, "документа нет среди документов муниципалитета");
      return;
    }
    snprintf(doc, sizeof doc, "%s", existing);
  } else {
    const char *kind = web_form(r, "kind"), *number = web_form(r, "number"), *date = web_form(r, "date"), *title = web_form(r, "title");
    if (!kind || !date || !*date || !title || !*title) {
      failed(r, "measure done", target, "выберите документ или заполните вид, дату и наименование нового");
      return;
    }
    if (roadmap_decision(r->db, r->municipality, kind, number && *number ? number : NULL, date, title, NULL, cycle, &id, 1, err,
                         sizeof err) != 0) {
      failed(r, "measure done", target, err);
      return;
    }
    char iso[11];
    snprintf(iso, sizeof iso, "%.10s", date);
    /* the id roadmap_decision gives a document: kind|number|ISO date */
    sqlite3_stmt *st;
    doc[0] = '\0';
    if (sqlite3_prepare_v2(r->db, "SELECT id FROM document WHERE municipality = ? AND kind = ? AND COALESCE(number, '') = ?"
                                  " AND title = ? ORDER BY rowid DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, r->municipality, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 3, number ? number : "", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 4, title, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW) snprintf(doc, sizeof doc, "%s", (const char *)sqlite3_column_text(st, 0));
      sqlite3_finalize(st);
    }
  }
  if (roadmap_done(r->db, id, 0, doc, err, sizeof err) != 0) {
    failed(r, "measure done", target, err);
    return;
  }
  routes_audit(r, "measure done", target, doc, "ok");
  char where[900], m[800];
  snprintf(where, sizeof where, "/m/%s/roadmap?done=1#measure-%lld", html_url_encode(r->municipality, m, sizeof m), id);
  web_respond_redirect(r, where);
}

void actions_decision_add(web_request *r) {
  cycle_ref c;
  if (latest_cycle(r, "decision", &c) != 0) return;
  long long measures[64];
  size_t n = 0;
  for (size_t i = 0; i < r->nform && n < 64; i++) {
    if (strcmp(r->form[i].name, "measure")) continue;
    long long cycle = 0, id = atoll(r->form[i].value);
    if (!measure_is_of(r->db, id, r->municipality, &cycle)) {
      failed(r, "decision", r->municipality, "мероприятие не из дорожной карты муниципалитета");
      return;
    }
    measures[n++] = id;
  }
  const char *kind = web_form(r, "kind"), *date = web_form(r, "date"), *title = web_form(r, "title");
  const char *number = web_form(r, "number"), *link = web_form(r, "link");
  char err[2048];
  if (!kind || !date || !title || !*title) {
    failed(r, "decision", r->municipality, "укажите вид, дату и наименование решения");
    return;
  }
  if (roadmap_decision(r->db, r->municipality, kind, number && *number ? number : NULL, date, title, link && *link ? link : NULL,
                       c.id, measures, n, err, sizeof err) != 0) {
    failed(r, "decision", r->municipality, err);
    return;
  }
  routes_audit(r, "decision", r->municipality, title, "ok");
  char where[900], m[800];
  snprintf(where, sizeof where, "/m/%s/decisions?done=1", html_url_encode(r->municipality, m, sizeof m));
  web_respond_redirect(r, where);
}

/* ---- accounts (admin) ---- */

static void write_users(web_request *r, FILE *out) {
  html_frame f;
  routes_frame(r, "Учётные записи", &f);
  html_page_begin(out, &f);
  const char *message = r->data;
  if (message) html_printf(out, "<p class=\"error\" role=\"alert\">%s</p>\n", message);
  else if (web_query(r, "done")) html_printf(out, "<p class=\"ok\" role=\"status\">Учётная запись сохранена.</p>\n");
  sqlite3_stmt *st;
  html_printf(out, "<div class=\"wrap\"><table><caption>Учётные записи</caption><thead><tr><th scope=\"col\">Логин</th>"
                   "<th scope=\"col\">Роль</th><th scope=\"col\">Муниципалитет</th><th scope=\"col\">Организация</th>"
                   "<th scope=\"col\">Создана</th><th scope=\"col\">Доступ</th></tr></thead><tbody>\n");
  if (sqlite3_prepare_v2(r->db, "SELECT login, role, municipality, organization_id, created_at, disabled FROM account ORDER BY login",
                         -1, &st, NULL) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *login = (const char *)sqlite3_column_text(st, 0);
      int disabled = sqlite3_column_int(st, 5);
      html_printf(out, "<tr%R><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%D</td><td>", disabled ? " class=\"not_met\"" : "", login,
                  html_role_label((const char *)sqlite3_column_text(st, 1)), sqlite3_column_text(st, 2), sqlite3_column_text(st, 3),
                  sqlite3_column_text(st, 4));
      if (strcmp(login, r->who.login))
        html_printf(out, "<form method=\"post\" action=\"/admin/users/%U/%R\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                         "<button type=\"submit\">%R</button></form>", login, disabled ? "enable" : "disable", r->csrf,
                    disabled ? "Включить" : "Отключить");
      else
        html_printf(out, "это вы");
      html_printf(out, "</td></tr>\n");
    }
    sqlite3_finalize(st);
  }
  html_printf(out, "</tbody></table></div>\n<h2>Новая учётная запись</h2><form class=\"box\" method=\"post\" action=\"/admin/users\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label for=\"login\">Логин</label>"
                   "<input type=\"text\" id=\"login\" name=\"login\" required><label for=\"password\">Пароль (не короче 8 знаков)</label>"
                   "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\" required>"
                   "<label for=\"role\">Роль</label><select id=\"role\" name=\"role\"><option value=\"municipality\">муниципалитет</option>"
                   "<option value=\"school\">образовательная организация</option><option value=\"region\">регион</option>"
                   "<option value=\"admin\">администратор</option></select><label for=\"municipality\">Муниципалитет (код)</label>"
                   "<input type=\"text\" id=\"municipality\" name=\"municipality\"><label for=\"org\">Организация (код, для роли"
                   " «образовательная организация»)</label><input type=\"text\" id=\"org\" name=\"org\">"
                   "<p><button type=\"submit\">Сохранить</button></p></form>\n", r->csrf);
  html_page_end(out);
}

void actions_users_page(web_request *r) { web_respond_page(r, 200, write_users); }

void actions_user_add(web_request *r) {
  const char *login = web_form(r, "login"), *password = web_form(r, "password"), *role = web_form(r, "role");
  const char *mun = web_form(r, "municipality"), *org = web_form(r, "org");
  char err[1024];
  if (!login || !password || !role ||
      auth_account_add(r->db, login, password, role, mun && *mun ? mun : NULL, org && *org ? org : NULL, err, sizeof err) != 0) {
    if (!login || !password || !role) snprintf(err, sizeof err, "login, password and role are required");
    routes_audit(r, "account", login, err, "failed");
    r->data = strdup(err);
    r->data_free = free;
    web_respond_page(r, 400, write_users);
    return;
  }
  char detail[128];
  snprintf(detail, sizeof detail, "role %s", role);
  routes_audit(r, "account", login, detail, "ok");
  web_respond_redirect(r, "/admin/users?done=1");
}

void actions_user_switch(web_request *r) {
  const char *login = r->arg[0], *how = r->arg[1];
  int disable = !strcmp(how, "disable");
  if ((!disable && strcmp(how, "enable")) || !strcasecmp(login, r->who.login)) {
    routes_error_page(r, 404, "Такого действия нет (свою учётную запись отключить нельзя).");
    return;
  }
  sqlite3_stmt *st;
  int changed = 0;
  if (sqlite3_prepare_v2(r->db, "UPDATE account SET disabled = ? WHERE login = ?", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int(st, 1, disable);
    sqlite3_bind_text(st, 2, login, -1, SQLITE_TRANSIENT);
    changed = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(r->db) == 1;
    sqlite3_finalize(st);
  }
  if (!changed) {
    routes_error_page(r, 404, "Такой учётной записи нет.");
    return;
  }
  /* a disabled account's sessions end at once */
  if (disable && sqlite3_prepare_v2(r->db, "DELETE FROM web_session WHERE account_id = (SELECT id FROM account WHERE login = ?)", -1, &st,
                                    NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, login, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) fprintf(stderr, "pdmon serve: %s\n", sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
  }
  routes_audit(r, "account", login, disable ? "disabled" : "enabled", "ok");
  web_respond_redirect(r, "/admin/users?done=1");
}

/* The last entries of the audit trail, newest first (admin). */
static void write_audit(web_request *r, FILE *out) {
  html_frame f;
  routes_frame(r, "Журнал действий", &f);
  html_page_begin(out, &f);
  html_printf(out, "<div class=\"wrap\"><table><caption>Последние 500 записей</caption><thead><tr><th scope=\"col\">Когда (UTC)</th>"
                   "<th scope=\"col\">Кто</th><th scope=\"col\">Адрес</th><th scope=\"col\">Действие</th><th scope=\"col\">Объект</th>"
                   "<th scope=\"col\">Подробности</th><th scope=\"col\">Итог</th></tr></thead><tbody>\n");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db, "SELECT at, login, address, action, target, detail, outcome FROM audit ORDER BY id DESC LIMIT 500", -1,
                         &st, NULL) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *outcome = (const char *)sqlite3_column_text(st, 6);
      html_printf(out, "<tr%R><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%R</td></tr>\n",
                  !strcmp(outcome, "ok") ? "" : " class=\"not_met\"", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                  sqlite3_column_text(st, 2), sqlite3_column_text(st, 3), sqlite3_column_text(st, 4), sqlite3_column_text(st, 5),
                  !strcmp(outcome, "ok") ? "выполнено" : !strcmp(outcome, "denied") ? "отказано" : "не удалось");
    }
    sqlite3_finalize(st);
  }
  html_printf(out, "</tbody></table></div>\n");
  html_page_end(out);
}

void actions_audit_page(web_request *r) { web_respond_page(r, 200, write_audit); }
