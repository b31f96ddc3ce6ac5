/* pages.c: the read pages of the workplace. The promises are in pages.h. */
#include "pages.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "html.h"
#include "report.h"
#include "routes.h"
#include "russian.h"
#include "xlsx.h"

/* Prepares sql binding 's' text and 'i' integers from the arguments; NULL on failure. */
static sqlite3_stmt *query(sqlite3 *db, const char *sql, const char *types, ...) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
  va_list ap;
  va_start(ap, types);
  for (int i = 0; types[i]; i++) {
    if (types[i] == 's') sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
    else sqlite3_bind_int64(st, i + 1, va_arg(ap, long long));
  }
  va_end(ap);
  return st;
}

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }
static int has(sqlite3_stmt *st, int i) { return sqlite3_column_type(st, i) != SQLITE_NULL; }

/* Writes a value with its unit, or "нет данных". */
static void write_value(FILE *out, sqlite3_stmt *st, int i, const char *unit) {
  if (!has(st, i)) html_printf(out, "нет данных");
  else html_printf(out, "%N%s", sqlite3_column_double(st, i), unit && !strcmp(unit, "%") ? "%" : "");
}

/* Says on the page that the store failed mid-page (the status is already sent). */
static void store_failed(FILE *out, sqlite3 *db) {
  html_printf(out, "<p class=\"error\">Не удалось прочитать данные: %s</p>", sqlite3_errmsg(db));
}


int pages_find_cycle(web_request *r, cycle_ref *c) {
  const char *want = web_query(r, "cycle");
  char err[512];
  long long id = want ? atoll(want) : 0;
  if (want && id <= 0) return -1;
  if (cycle_find(r->db, r->municipality, id, c, err, sizeof err) != 0) return id ? -1 : 1;
  return strcmp(c->municipality, r->municipality) ? -1 : 0;
}

/* Keeps the cycle of a page for its writer. */
static cycle_ref *keep_cycle(web_request *r, const cycle_ref *c) {
  cycle_ref *copy = malloc(sizeof *copy);
  if (copy) *copy = *c;
  r->data = copy;
  r->data_free = free;
  return copy;
}

/* Finds the page's cycle or answers; 0 when the page can go on. */
static int need_cycle(web_request *r, int allow_none) {
  cycle_ref c;
  memset(&c, 0, sizeof c);
  int rc = pages_find_cycle(r, &c);
  if (rc < 0) {
    routes_error_page(r, 404, "Такого цикла у этого муниципалитета нет.");
    return -1;
  }
  if (rc == 1 && !allow_none) {
    routes_error_page(r, 404, "У муниципалитета ещё нет управленческого цикла.");
    return -1;
  }
  if (!keep_cycle(r, &c)) {
    routes_error_page(r, 500, "Недостаточно памяти.");
    return -1;
  }
  return 0;
}

/* ---- the region's list of municipalities ---- */

static void write_municipalities(web_request *r, FILE *out) {
  html_frame f;
  routes_frame(r, "Муниципалитеты", &f);
  html_page_begin(out, &f);
  sqlite3_stmt *st = query(r->db,
      "SELECT m.municipality, (SELECT COUNT(*) FROM organization o WHERE o.municipality = m.municipality),"
      " (SELECT period FROM cycle c WHERE c.municipality = m.municipality ORDER BY period DESC LIMIT 1),"
      " (SELECT state FROM cycle c WHERE c.municipality = m.municipality ORDER BY period DESC LIMIT 1)"
      " FROM (SELECT municipality FROM organization UNION SELECT municipality FROM cycle) m ORDER BY 1", "");
  html_printf(out, "<div class=\"wrap\"><table><caption>Муниципалитеты хранилища</caption><thead><tr><th scope=\"col\">Муниципалитет</th>"
                   "<th scope=\"col\">Организаций</th><th scope=\"col\">Последний цикл</th><th scope=\"col\">Состояние</th></tr></thead><tbody>\n");
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    html_printf(out, "<tr><th scope=\"row\"><a href=\"/m/%U\">%s</a></th><td class=\"num\">%L</td>", col(st, 0), col(st, 0),
                (long long)sqlite3_column_int64(st, 1));
    if (has(st, 2)) html_printf(out, "<td class=\"num\">%L</td><td>%s</td></tr>\n", (long long)sqlite3_column_int64(st, 2),
                                ru_cycle_state(col(st, 3)));
    else html_printf(out, "<td>—</td><td>цикл не открыт</td></tr>\n");
  }
  if (!st) store_failed(out, r->db);
  sqlite3_finalize(st);
  html_printf(out, "</tbody></table></div>\n");
  html_page_end(out);
}

void pages_municipalities(web_request *r) { web_respond_page(r, 200, write_municipalities); }

/* ---- a municipality's dashboard ---- */

/* The forms that move the cycle on, for the municipality's own account. */
static void write_cycle_forms(web_request *r, FILE *out, const cycle_ref *c) {
  if (strcmp(r->who.role, "municipality")) return;
  const char *m = r->municipality;
  if (!c->id || !strcmp(c->state, "closed")) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    html_printf(out, "<form class=\"box\" method=\"post\" action=\"/m/%U/cycle/open\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                     "<label for=\"period\">Открыть управленческий цикл за год</label><input type=\"text\" id=\"period\" name=\"period\""
                     " inputmode=\"numeric\" pattern=\"[0-9]{4}\" value=\"%d\" required> <button type=\"submit\">Открыть цикл</button></form>\n",
                m, r->csrf, c->id ? c->period + 1 : tm.tm_year + 1900);
    return;
  }
  html_printf(out, "<form class=\"box\" method=\"post\" action=\"/m/%U/cycle/run\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<button type=\"submit\">%s</button> <span class=\"note\">вычислить показатели, проблемные зоны и рекомендации"
                   " на текущих данных</span></form>\n",
              m, r->csrf, !strcmp(c->state, "open") ? "Провести мониторинг" : "Провести мониторинг заново");
  if (!strcmp(c->state, "run"))
    html_printf(out, "<form class=\"box\" method=\"post\" action=\"/m/%U/cycle/close\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                     "<button type=\"submit\">Закрыть цикл</button> <span class=\"note\">анализ эффективности мер; нерешённые проблемы"
                     " перейдут в следующий цикл</span></form>\n", m, r->csrf);
}

/* Counts of the municipality's indicators by status, as tiles: met and not
 * met always, then every other status the cycle has (in progress, on track,
 * not applicable, ...), each with its Russian label. */
static void write_glance(web_request *r, FILE *out, const cycle_ref *c) {
  html_printf(out, "<h2 id=\"glance\">Статусы показателей</h2><div class=\"glance\" role=\"list\">");
  sqlite3_stmt *st = query(r->db,
      "WITH s(status, n) AS (SELECT status, COUNT(*) FROM cycle_result WHERE cycle_id = ? AND organization IS NULL"
      "  AND breakdown IS NULL GROUP BY status),"
      " shown(status, n) AS (SELECT status, n FROM s UNION ALL SELECT 'met', 0 WHERE NOT EXISTS (SELECT 1 FROM s WHERE status = 'met')"
      "  UNION ALL SELECT 'not_met', 0 WHERE NOT EXISTS (SELECT 1 FROM s WHERE status = 'not_met'))"
      " SELECT status, n FROM shown ORDER BY CASE status WHEN 'met' THEN 0 WHEN 'not_met' THEN 1 WHEN 'error' THEN 9 ELSE 5 END, status",
      "i", c->id);
  while (st && sqlite3_step(st) == SQLITE_ROW)
    html_printf(out, "<div role=\"listitem\" class=\"%s\"><strong>%L</strong>%s</div>", col(st, 0), (long long)sqlite3_column_int64(st, 1),
                ru_status(col(st, 0)));
  if (!st) store_failed(out, r->db);
  sqlite3_finalize(st);
  html_printf(out, "</div>\n");
  st = query(r->db, "SELECT (SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = ?1),"
                    " (SELECT COUNT(*) FROM cycle_recommendation WHERE cycle_id = ?1),"
                    " (SELECT COUNT(*) FROM measure m WHERE m.cycle_id = ?1 AND m.status <> 'done' AND m.schedule_kind <> 'separate'"
                    "   AND (SELECT MAX(to_date) FROM measure_window w WHERE w.measure_id = m.id) < date('now')),"
                    " (SELECT COUNT(*) FROM measure m WHERE m.cycle_id = ?1)", "i", c->id);
  if (st && sqlite3_step(st) == SQLITE_ROW)
    html_printf(out, "<p>Проблемных зон: <strong>%L</strong>; адресных рекомендаций: <strong>%L</strong>; мероприятий дорожной карты:"
                     " <strong>%L</strong>, из них просрочено: <strong>%L</strong> (<a href=\"/m/%U/roadmap\">дорожная карта</a>).</p>\n",
                (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1), (long long)sqlite3_column_int64(st, 3),
                (long long)sqlite3_column_int64(st, 2), r->municipality);
  sqlite3_finalize(st);
}

/* The indicators of the cycle for the municipality as a whole, one row each, as they are read. */
static void write_indicator_table(web_request *r, FILE *out, const cycle_ref *c) {
  sqlite3_stmt *st = query(r->db, "SELECT indicator, criterion_title, title, unit, value, target_text, status, target_reason FROM cycle_result"
                                  " WHERE cycle_id = ? AND organization IS NULL AND breakdown IS NULL ORDER BY rowid", "i", c->id);
  if (!st) {
    store_failed(out, r->db);
    return;
  }
  html_printf(out, "<h2 id=\"indicators\">Показатели муниципалитета</h2><div class=\"wrap\"><table class=\"cards\"><caption>Значения за %d год"
                   "</caption><thead><tr><th scope=\"col\">Показатель</th><th scope=\"col\">Значение</th><th scope=\"col\">Цель</th>"
                   "<th scope=\"col\">Статус</th></tr></thead><tbody>\n", c->period);
  char criterion[1024] = "";
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *crit = col(st, 1) ? col(st, 1) : "";
    if (strcmp(crit, criterion)) {
      snprintf(criterion, sizeof criterion, "%s", crit);
      html_printf(out, "<tr><th colspan=\"4\" scope=\"rowgroup\">%s</th></tr>\n", crit);
    }
    html_printf(out, "<tr class=\"%s\"><td><a href=\"/m/%U/indicator/%U?cycle=%L\">%s</a></td><td class=\"num\">", col(st, 6),
                r->municipality, col(st, 0), c->id, col(st, 2));
    write_value(out, st, 4, col(st, 3));
    html_printf(out, "</td><td>%s</td><td>%s</td></tr>\n", col(st, 5) ? col(st, 5) : "не задана", ru_status(col(st, 6)));
  }
  sqlite3_finalize(st);
  html_printf(out, "</tbody></table></div>\n");
}

/* Links to the report in every format. */
static void write_report_links(web_request *r, FILE *out, long long cycle) {
  html_printf(out, "<h2 id=\"report\">Отчёт</h2><p>Скачать отчёт цикла: ");
  static const char *const formats[][2] = {{"html", "HTML для сайта"}, {"xlsx", "Excel"}, {"csv", "CSV"}, {"md", "Markdown"}, {"json", "JSON"}};
  for (int i = 0; i < 5; i++)
    html_printf(out, "%R<a href=\"/m/%U/report/%R?cycle=%L\" download>%s</a>", i ? " · " : "", r->municipality, formats[i][0], cycle,
                formats[i][1]);
  html_printf(out, "</p>\n");
}

/* The organizations of the municipality, with links to their pages. */
static void write_organizations(web_request *r, FILE *out) {
  sqlite3_stmt *st = query(r->db, "SELECT id, name, kind FROM organization WHERE municipality = ? ORDER BY name", "s", r->municipality);
  html_printf(out, "<h2 id=\"organizations\">Образовательные организации</h2><ul>");
  while (st && sqlite3_step(st) == SQLITE_ROW)
    html_printf(out, "<li><a href=\"/m/%U/org/%U\">%s</a></li>", r->municipality, col(st, 0), col(st, 1));
  sqlite3_finalize(st);
  html_printf(out, "</ul>\n");
}

static void write_dashboard(web_request *r, FILE *out) {
  const cycle_ref *c = r->data;
  char title[512];
  if (c->id) snprintf(title, sizeof title, "Сводка: %s, %d год", r->municipality, c->period);
  else snprintf(title, sizeof title, "Сводка: %s", r->municipality);
  html_frame f;
  routes_frame(r, title, &f);
  html_page_begin(out, &f);
  const char *msg = web_query(r, "done");
  if (msg) html_printf(out, "<p class=\"ok\" role=\"status\">%s</p>\n",
                       !strcmp(msg, "run") ? "Мониторинг проведён: показатели, проблемные зоны и рекомендации сохранены."
                       : !strcmp(msg, "open") ? "Цикл открыт." : !strcmp(msg, "close") ? "Цикл закрыт." : "Готово.");
  if (!c->id) {
    html_printf(out, "<p>У муниципалитета ещё нет управленческого цикла.</p>\n");
    write_cycle_forms(r, out, c);
    write_organizations(r, out);
    html_page_end(out);
    return;
  }
  sqlite3_stmt *plan = query(r->db, "SELECT json_extract(goals, '$.title') FROM cycle WHERE id = ?", "i", c->id);
  if (plan && sqlite3_step(plan) == SQLITE_ROW && col(plan, 0)) html_printf(out, "<p>%s.</p>\n", col(plan, 0));
  sqlite3_finalize(plan);
  html_printf(out, "<p>Цикл %L; период: <strong>%d</strong>; состояние: <strong>%s</strong>.</p>\n", c->id, c->period,
              ru_cycle_state(c->state));
  write_cycle_forms(r, out, c);
  if (strcmp(c->state, "open")) {
    write_glance(r, out, c);
    fflush(out); /* the top of the page goes out before the table is read */
    write_indicator_table(r, out, c);
    write_report_links(r, out, c->id);
  }
  write_organizations(r, out);
  html_page_end(out);
}

void pages_dashboard(web_request *r) {
  if (need_cycle(r, 1) == 0) web_respond_page(r, 200, write_dashboard);
}

/* ---- an indicator ---- */

/* A bar per organization with the target as a dashed line; values are labels, so colour is not needed. */
static void write_bars(FILE *out, sqlite3_stmt *st, const char *unit) {
  int percent = unit && !strcmp(unit, "%");
  double max = percent ? 100 : 0, target = -1;
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (!has(st, 1)) continue;
    n++;
    if (sqlite3_column_double(st, 1) > max) max = sqlite3_column_double(st, 1);
    if (has(st, 3) && sqlite3_column_double(st, 3) > target) target = sqlite3_column_double(st, 3);
  }
  if (target > max) max = target;
  if (n == 0 || max <= 0) return;
  sqlite3_reset(st);
  const int label = 230, width = 640, bar = 16, gap = 6, top = 8;
  int height = top + n * (bar + gap) + 24, y = top;
  html_printf(out, "<figure><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Значение по организациям\">", width, height);
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (!has(st, 1)) continue;
    double v = sqlite3_column_double(st, 1);
    int w = (int)((width - label - 60) * v / max);
    const char *status = col(st, 2);
    html_printf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", label - 6, y + bar - 4, col(st, 0));
    html_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%R\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%N%R</text>",
                label, y, w < 1 ? 1 : w, bar, !strcmp(status, "met") ? "#2e7d32" : !strcmp(status, "not_met") ? "#c62828" : "#607d8b",
                label + w + 4, y + bar - 4, v, percent ? "%" : "");
    y += bar + gap;
  }
  if (target >= 0) {
    int x = label + (int)((width - label - 60) * target / max);
    html_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
                     "<text x=\"%d\" y=\"%d\" font-size=\"11\">цель %N</text>", x, top - 4, x, y, x + 3, y + 14, target);
  }
  html_printf(out, "</svg><figcaption>Значение по организациям; пунктир — целевое значение, зелёный — достигнуто, красный — нет."
                   "</figcaption></figure>\n");
}

/* The municipality's value over its cycles. */
static void write_dynamics(web_request *r, FILE *out, const cycle_ref *c, const char *indicator, const char *unit) {
  sqlite3_stmt *st = query(r->db, "SELECT k.period, r.value, r.status FROM cycle_result r JOIN cycle k ON k.id = r.cycle_id"
                                  " WHERE k.municipality = ? AND k.period <= ? AND r.indicator = ? AND r.organization IS NULL"
                                  " AND r.breakdown IS NULL ORDER BY k.period", "sis", r->municipality, (long long)c->period, indicator);
  html_printf(out, "<h2 id=\"dynamics\">Динамика</h2><div class=\"wrap\"><table><caption>Значение по муниципалитету по годам мониторинга"
                   "</caption><thead><tr><th scope=\"col\">Год</th><th scope=\"col\">Значение</th><th scope=\"col\">Статус</th></tr></thead><tbody>");
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    html_printf(out, "<tr class=\"%s\"><td>%L</td><td class=\"num\">", col(st, 2), (long long)sqlite3_column_int64(st, 0));
    write_value(out, st, 1, unit);
    html_printf(out, "</td><td>%s</td></tr>", ru_status(col(st, 2)));
  }
  sqlite3_finalize(st);
  html_printf(out, "</tbody></table></div>\n");
}

/* What the value means, in words: how it was counted, which target applied, the verdict. */
static void write_explanation(FILE *out, sqlite3_stmt *total, int period) {
  const char *unit = col(total, 3);
  html_printf(out, "<h2 id=\"explanation\">Пояснение</h2><p>");
  if (!has(total, 4)) {
    html_printf(out, "За %d год значение не вычислено: %s.", period,
                col(total, 9) ? col(total, 9) : "нет данных, по которым его можно посчитать");
  } else {
    html_printf(out, "Значение по муниципалитету за %d год — <strong>", period);
    write_value(out, total, 4, unit);
    html_printf(out, "</strong>");
    if (has(total, 5) && has(total, 6))
      html_printf(out, ": %N из %N (числитель и знаменатель сложены по всем организациям, а не усреднены)",
                  sqlite3_column_double(total, 5), sqlite3_column_double(total, 6));
    html_printf(out, ".");
  }
  if (col(total, 7)) html_printf(out, " Цель в документе: «%s»", col(total, 7));
  const char *reason = col(total, 8);
  if (reason) html_printf(out, "; на этот год применяется: %s", reason);
  size_t rl = reason ? strlen(reason) : 0;
  html_printf(out, "%R Статус: <strong>%s</strong>.</p>\n", rl && reason[rl - 1] == '.' ? "" : ".", ru_status(col(total, 10)));
}

static void write_indicator(web_request *r, FILE *out) {
  const cycle_ref *c = r->data;
  const char *id = r->arg[1];
  sqlite3_stmt *total = query(r->db, "SELECT title, criterion_title, source, unit, value, numerator, denominator, target_text,"
                                     " target_reason, message, status FROM cycle_result WHERE cycle_id = ? AND indicator = ?"
                                     " AND organization IS NULL AND breakdown IS NULL", "is", c->id, id);
  int found = total && sqlite3_step(total) == SQLITE_ROW;
  html_frame f;
  routes_frame(r, found ? col(total, 0) : "Показатель", &f);
  html_page_begin(out, &f);
  if (!found) {
    html_printf(out, "<p class=\"error\">В цикле нет показателя «%s».</p>", id);
    sqlite3_finalize(total);
    html_page_end(out);
    return;
  }
  const char *unit = col(total, 3);
  char unit_copy[32];
  snprintf(unit_copy, sizeof unit_copy, "%s", unit ? unit : "");
  html_printf(out, "<p class=\"note\">Критерий: %s. Источник данных: %s. Код: <code>%s</code>; цикл %L (%d).</p>\n",
              col(total, 1) ? col(total, 1) : "—", col(total, 2) ? col(total, 2) : "не указан", id, c->id, c->period);
  write_explanation(out, total, c->period);
  sqlite3_finalize(total);
  fflush(out);
  sqlite3_stmt *st = query(r->db, "SELECT organization_name, value, status, target_value, numerator, denominator, organization"
                                  " FROM cycle_result WHERE cycle_id = ? AND indicator = ? AND organization IS NOT NULL"
                                  " AND breakdown IS NULL ORDER BY rowid", "is", c->id, id);
  if (!st) {
    store_failed(out, r->db);
    html_page_end(out);
    return;
  }
  html_printf(out, "<h2 id=\"organizations\">По организациям</h2><div class=\"wrap\"><table><caption>Значения показателя по организациям"
                   "</caption><thead><tr><th scope=\"col\">Организация</th><th scope=\"col\">Значение</th><th scope=\"col\">Числитель</th>"
                   "<th scope=\"col\">Знаменатель</th><th scope=\"col\">Цель</th><th scope=\"col\">Статус</th></tr></thead><tbody>\n");
  while (sqlite3_step(st) == SQLITE_ROW) {
    html_printf(out, "<tr class=\"%s\"><th scope=\"row\"><a href=\"/m/%U/org/%U\">%s</a></th><td class=\"num\">", col(st, 2),
                r->municipality, col(st, 6), col(st, 0));
    write_value(out, st, 1, unit_copy);
    html_printf(out, "</td><td class=\"num\">");
    if (has(st, 4)) html_printf(out, "%N", sqlite3_column_double(st, 4)); else html_printf(out, "—");
    html_printf(out, "</td><td class=\"num\">");
    if (has(st, 5)) html_printf(out, "%N", sqlite3_column_double(st, 5)); else html_printf(out, "—");
    html_printf(out, "</td><td class=\"num\">");
    if (has(st, 3)) html_printf(out, "%N%s", sqlite3_column_double(st, 3), !strcmp(unit_copy, "%") ? "%" : "");
    else html_printf(out, "—");
    html_printf(out, "</td><td>%s</td></tr>\n", ru_status(col(st, 2)));
  }
  html_printf(out, "</tbody></table></div>\n");
  sqlite3_reset(st);
  write_bars(out, st, unit_copy);
  sqlite3_finalize(st);
  write_dynamics(r, out, c, id, unit_copy);
  html_page_end(out);
}

void pages_indicator(web_request *r) {
  if (need_cycle(r, 0) == 0) web_respond_page(r, 200, write_indicator);
}

/* ---- an organization ---- */

static void write_organization(web_request *r, FILE *out) {
  const cycle_ref *c = r->data;
  sqlite3_stmt *org = query(r->db, "SELECT name, kind, (SELECT COUNT(*) FROM staff s WHERE s.organization_id = o.id)"
                                   " FROM organization o WHERE id = ?", "s", r->organization);
  int found = org && sqlite3_step(org) == SQLITE_ROW;
  html_frame f;
  routes_frame(r, found ? col(org, 0) : r->organization, &f);
  html_page_begin(out, &f);
  if (found)
    html_printf(out, "<p>Код: <code>%s</code>; вид: %s; работников в хранилище: %L.</p>\n", r->organization, ru_organization_kind(col(org, 1)),
                (long long)sqlite3_column_int64(org, 2));
  sqlite3_finalize(org);
  if (!c->id || !strcmp(c->state, "open")) {
    html_printf(out, "<p>Мониторинг цикла ещё не проведён: значений показателей пока нет.</p>\n");
    html_page_end(out);
    return;
  }
  sqlite3_stmt *st = query(r->db, "SELECT title, unit, value, numerator, denominator, target_value, status FROM cycle_result"
                                  " WHERE cycle_id = ? AND organization = ? AND breakdown IS NULL ORDER BY rowid", "is", c->id, r->organization);
  html_printf(out, "<h2 id=\"indicators\">Показатели организации за %d год</h2><div class=\"wrap\"><table><caption>Значения показателей"
                   "</caption><thead><tr><th scope=\"col\">Показатель</th><th scope=\"col\">Значение</th><th scope=\"col\">Числитель</th>"
                   "<th scope=\"col\">Знаменатель</th><th scope=\"col\">Цель</th><th scope=\"col\">Статус</th></tr></thead><tbody>\n", c->period);
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    html_printf(out, "<tr class=\"%s\"><th scope=\"row\">%s</th><td class=\"num\">", col(st, 6), col(st, 0));
    write_value(out, st, 2, col(st, 1));
    html_printf(out, "</td><td class=\"num\">");
    if (has(st, 3)) html_printf(out, "%N", sqlite3_column_double(st, 3)); else html_printf(out, "—");
    html_printf(out, "</td><td class=\"num\">");
    if (has(st, 4)) html_printf(out, "%N", sqlite3_column_double(st, 4)); else html_printf(out, "—");
    html_printf(out, "</td><td class=\"num\">");
    if (has(st, 5)) html_printf(out, "%N%s", sqlite3_column_double(st, 5), col(st, 1) && !strcmp(col(st, 1), "%") ? "%" : "");
    else html_printf(out, "—");
    html_printf(out, "</td><td>%s</td></tr>\n", ru_status(col(st, 6)));
  }
  sqlite3_finalize(st);
  html_printf(out, "</tbody></table></div>\n");
  st = query(r->db, "SELECT text FROM cycle_recommendation WHERE cycle_id = ? AND organization = ? ORDER BY priority, id", "is", c->id,
             r->organization);
  html_printf(out, "<h2 id=\"recommendations\">Адресные рекомендации</h2><ul>");
  int any = 0;
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    html_printf(out, "<li>%s</li>", col(st, 0));
    any = 1;
  }
  sqlite3_finalize(st);
  html_printf(out, "%R</ul>\n", any ? "" : "<li>Рекомендаций организации нет.</li>");
  html_printf(out, "<h2 id=\"report\">Отчёт организации</h2><p>");
  static const char *const formats[][2] = {{"html", "HTML"}, {"xlsx", "Excel"}, {"csv", "CSV"}, {"md", "Markdown"}, {"json", "JSON"}};
  for (int i = 0; i < 5; i++)
    html_printf(out, "%R<a href=\"/m/%U/org/%U/report/%R?cycle=%L\" download>%s</a>", i ? " · " : "", r->municipality, r->organization,
                formats[i][0], c->id, formats[i][1]);
  html_printf(out, "</p>\n");
  html_page_end(out);
}

void pages_organization(web_request *r) {
  if (need_cycle(r, 1) == 0) web_respond_page(r, 200, write_organization);
}

/* ---- the roadmap ---- */

static void write_done_form(web_request *r, FILE *out, long long measure) {
  html_printf(out, "<details><summary>Отметить выполненным</summary><form method=\"post\" action=\"/m/%U/roadmap/%L/done\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label for=\"doc-%L\">Документ, подтверждающий выполнение</label>"
                   "<select id=\"doc-%L\" name=\"document\"><option value=\"\">— новый документ (поля ниже) —</option>",
              r->municipality, measure, r->csrf, measure, measure);
  sqlite3_stmt *st = query(r->db, "SELECT id, kind, number, date, title FROM document WHERE municipality = ? ORDER BY date DESC LIMIT 200",
                           "s", r->municipality);
  while (st && sqlite3_step(st) == SQLITE_ROW)
    html_printf(out, "<option value=\"%s\">%s № %s от %D: %s</option>", col(st, 0), ru_document_kind(col(st, 1)), col(st, 2) ? col(st, 2) : "б/н",
                col(st, 3), col(st, 4));
  sqlite3_finalize(st);
  html_printf(out, "</select><label for=\"kind-%L\">Вид нового документа</label><select id=\"kind-%L\" name=\"kind\">"
                   "<option value=\"order\">приказ</option><option value=\"protocol\">протокол</option></select>"
                   "<label for=\"number-%L\">Номер</label><input type=\"text\" id=\"number-%L\" name=\"number\">"
                   "<label for=\"date-%L\">Дата</label><input type=\"date\" id=\"date-%L\" name=\"date\">"
                   "<label for=\"title-%L\">Наименование</label><input type=\"text\" id=\"title-%L\" name=\"title\">"
                   "<p><button type=\"submit\">Выполнено</button></p></form></details>",
              measure, measure, measure, measure, measure, measure, measure, measure);
}

static void write_roadmap(web_request *r, FILE *out) {
  const cycle_ref *c = r->data;
  html_frame f;
  routes_frame(r, "Дорожная карта", &f);
  html_page_begin(out, &f);
  if (web_query(r, "done")) html_printf(out, "<p class=\"ok\" role=\"status\">Мероприятие отмечено выполненным.</p>\n");
  if (!c->id) {
    html_printf(out, "<p>Цикла ещё нет: загрузите дорожную карту после открытия цикла.</p>");
    html_page_end(out);
    return;
  }
  sqlite3_stmt *st = query(r->db,
      "SELECT m.id, m.number, m.title, m.schedule, m.responsible, m.expected_result,"
      " CASE WHEN m.status = 'done' THEN 'done' WHEN m.schedule_kind <> 'separate' AND"
      " (SELECT MAX(to_date) FROM measure_window w WHERE w.measure_id = m.id) < date('now') THEN 'overdue'"
      " WHEN EXISTS (SELECT 1 FROM measure_window w WHERE w.measure_id = m.id AND date('now') BETWEEN COALESCE(w.from_date, w.to_date)"
      "  AND w.to_date) THEN 'due' ELSE m.status END, d.kind, d.number, d.date"
      " FROM measure m LEFT JOIN document d ON d.id = m.evidence_document_id WHERE m.cycle_id = ? AND m.municipality = ? ORDER BY m.id",
      "is", c->id, r->municipality);
  html_printf(out, "<p>Мероприятия цикла %L (%d) на сегодня: просроченные выделены.</p><div class=\"wrap\"><table><caption>Мероприятия"
                   "</caption><thead><tr><th scope=\"col\">№</th><th scope=\"col\">Мероприятие</th><th scope=\"col\">Срок</th>"
                   "<th scope=\"col\">Ответственные</th><th scope=\"col\">Ожидаемый результат</th><th scope=\"col\">Состояние</th></tr></thead><tbody>\n",
              c->id, c->period);
  int can_edit = !strcmp(r->who.role, "municipality") && strcmp(c->state, "closed");
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    const char *state = col(st, 6);
    html_printf(out, "<tr id=\"measure-%L\" class=\"%s\"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
                (long long)sqlite3_column_int64(st, 0), state, col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5));
    if (!strcmp(state, "due")) html_printf(out, "срок наступил");
    else html_printf(out, "%s", ru_measure_state(state));
    if (!strcmp(state, "done") && col(st, 7))
      html_printf(out, "<br><span class=\"note\">%s № %s от %D</span>", ru_document_kind(col(st, 7)), col(st, 8) ? col(st, 8) : "б/н",
                  col(st, 9));
    else if (can_edit)
      write_done_form(r, out, sqlite3_column_int64(st, 0));
    html_printf(out, "</td></tr>\n");
  }
  sqlite3_finalize(st);
  html_printf(out, "</tbody></table></div>\n");
  html_page_end(out);
}

void pages_roadmap(web_request *r) {
  if (need_cycle(r, 1) == 0) web_respond_page(r, 200, write_roadmap);
}

/* ---- decisions ---- */

static void write_decisions(web_request *r, FILE *out) {
  const cycle_ref *c = r->data;
  html_frame f;
  routes_frame(r, "Управленческие решения", &f);
  html_page_begin(out, &f);
  if (web_query(r, "done")) html_printf(out, "<p class=\"ok\" role=\"status\">Решение записано.</p>\n");
  if (!c->id) {
    html_printf(out, "<p>Цикла ещё нет.</p>");
    html_page_end(out);
    return;
  }
  sqlite3_stmt *st = query(r->db, "SELECT DISTINCT d.kind, d.number, d.date, d.title, d.link FROM decision_link l JOIN document d"
                                  " ON d.id = l.document_id WHERE l.cycle_id = ? AND d.municipality = ? ORDER BY d.date", "is", c->id,
                           r->municipality);
  html_printf(out, "<div class=\"wrap\"><table><caption>Приказы и протоколы цикла %L (%d)</caption><thead><tr><th scope=\"col\">Вид</th>"
                   "<th scope=\"col\">Номер</th><th scope=\"col\">Дата</th><th scope=\"col\">Наименование</th></tr></thead><tbody>\n",
              c->id, c->period);
  while (st && sqlite3_step(st) == SQLITE_ROW)
    html_printf(out, "<tr><td>%s</td><td>%s</td><td>%D</td><td>%s</td></tr>\n", ru_document_kind(col(st, 0)),
                col(st, 1) ? col(st, 1) : "б/н", col(st, 2), col(st, 3));
  sqlite3_finalize(st);
  html_printf(out, "</tbody></table></div>\n");
  if (!strcmp(r->who.role, "municipality") && strcmp(c->state, "closed")) {
    html_printf(out, "<h2>Записать решение</h2><form class=\"box\" method=\"post\" action=\"/m/%U/decisions\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label for=\"kind\">Вид</label><select id=\"kind\" name=\"kind\">"
                     "<option value=\"order\">приказ</option><option value=\"protocol\">протокол</option></select>"
                     "<label for=\"number\">Номер</label><input type=\"text\" id=\"number\" name=\"number\">"
                     "<label for=\"date\">Дата</label><input type=\"date\" id=\"date\" name=\"date\" required>"
                     "<label for=\"title\">Наименование</label><input type=\"text\" id=\"title\" name=\"title\" required>"
                     "<label for=\"link\">Ссылка</label><input type=\"text\" id=\"link\" name=\"link\">"
                     "<fieldset><legend>Мероприятия, к которым относится решение</legend>", r->municipality, r->csrf);
    st = query(r->db, "SELECT id, number, title FROM measure WHERE cycle_id = ? ORDER BY id", "i", c->id);
    while (st && sqlite3_step(st) == SQLITE_ROW)
      html_printf(out, "<label><input type=\"checkbox\" name=\"measure\" value=\"%L\"> %s %s</label>", (long long)sqlite3_column_int64(st, 0),
                  col(st, 1) ? col(st, 1) : "", col(st, 2));
    sqlite3_finalize(st);
    html_printf(out, "</fieldset><p><button type=\"submit\">Записать</button></p></form>\n");
  }
  html_page_end(out);
}

void pages_decisions(web_request *r) {
  if (need_cycle(r, 1) == 0) web_respond_page(r, 200, write_decisions);
}

/* ---- reports ---- */

/* Streams the report of the kept cycle in the format of the route (org: one organization). */
static void write_report(web_request *r, FILE *out) {
  const cycle_ref *c = r->data;
  char err[1024];
  const char *format = r->organization ? r->arg[2] : r->arg[1];
  report_options opt = {.organization = r->organization};
  if (report_write(r->db, c, format, &opt, out, err, sizeof err) != 0 && !ferror(out))
    fprintf(stderr, "pdmon serve: report: %s\n", err); /* a write error is only the client leaving */
}

/* Answers with the report of the page's cycle: streamed, or as a workbook file. */
static void send_report(web_request *r, const char *format) {
  static const char *const types[][2] = {{"html", "text/html; charset=utf-8"}, {"md", "text/markdown; charset=utf-8"},
                                         {"json", "application/json"}, {"csv", "text/csv; charset=utf-8"},
                                         {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}};
  const char *type = NULL;
  for (int i = 0; i < 5; i++)
    if (!strcmp(format, types[i][0])) type = types[i][1];
  if (!type) {
    routes_error_page(r, 404, "Такого формата отчёта нет: html, xlsx, csv, md или json.");
    return;
  }
  if (need_cycle(r, 0) != 0) return;
  const cycle_ref *c = r->data;
  if (!strcmp(c->state, "open")) {
    routes_error_page(r, 409, "Мониторинг цикла ещё не проведён: отчёта пока нет.");
    return;
  }
  char name[600];
  snprintf(name, sizeof name, "pdmon-%.200s%s%.200s-%d.%s", r->municipality, r->organization ? "-" : "", r->organization ? r->organization : "",
           c->period, format);
  for (char *p = name; *p; p++)
    if (*p == '"' || *p == '\\' || (unsigned char)*p < 32) *p = '_';
  if (strcmp(format, "xlsx")) {
    web_respond_page(r, 200, write_report);
    r->response.content_type = type;
    if (strcmp(format, "html")) snprintf(r->response.disposition, sizeof r->response.disposition, "attachment; filename=\"%.400s\"", name);
    return;
  }
  char path[1200], err[1024];
  snprintf(path, sizeof path, "%s/report-XXXXXX", web_upload_dir(r->server));
  int fd = mkstemp(path);
  if (fd < 0) {
    routes_error_page(r, 500, "Не удалось подготовить файл отчёта.");
    return;
  }
  close(fd);
  report_options opt = {.organization = r->organization};
  int rc = xlsx_write(r->db, c, &opt, path, err, sizeof err);
  fd = rc == 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  unlink(path); /* the open descriptor keeps the file until it is sent */
  if (fd < 0) {
    fprintf(stderr, "pdmon serve: report: %s\n", err);
    routes_error_page(r, 500, "Не удалось построить отчёт Excel.");
    return;
  }
  web_respond_file(r, fd, type, name);
}

void pages_report(web_request *r) { send_report(r, r->arg[1]); }

void pages_organization_report(web_request *r) { send_report(r, r->arg[2]); }
