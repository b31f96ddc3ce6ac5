/* report.c: what a municipality publishes about a cycle, in Russian, in the order of the cycle:
 * goals and tasks, indicators with values per organization and in total, targets, status and
 * dynamics, analysis, recommendations by addressee, measures, decisions, effectiveness, what
 * carries into the next cycle, and the self-assessment. The promises are in report.h. */
#include "report.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "assessment.h"
#include "csv.h"
#include "i18n.h"
#include "russian.h"

/* ---- the model: one cJSON document every format renders ---- */

static const char results_sql[] =
    "SELECT indicator, criterion, criterion_title, title, unit, source, organization, organization_name, value,"
    " numerator, denominator, target_text, target_kind, target_value, target_reason, status, message FROM cycle_result"
    " WHERE cycle_id = ?1 AND breakdown IS NULL AND (?4 IS NULL OR organization IS NULL OR organization = ?4) ORDER BY rowid";

static const char recommendations_sql[] =
    "SELECT r.addressee, r.organization, COALESCE(o.name, 'муниципалитет') AS organization_name, r.priority, r.indicator, r.text"
    " FROM cycle_recommendation r LEFT JOIN organization o ON o.id = r.organization WHERE r.cycle_id = ?1"
    " AND (?4 IS NULL OR r.organization IS NULL OR r.organization = ?4) ORDER BY r.addressee, r.priority, r.id";

static const char measures_sql[] =
    "SELECT m.id, m.number, m.stage, m.direction, m.title, m.schedule, m.responsible, m.expected_result,"
    " CASE WHEN m.status = 'done' THEN 'done' WHEN m.schedule_kind <> 'separate' AND"
    " (SELECT MAX(to_date) FROM measure_window w WHERE w.measure_id = m.id) < date('now') THEN 'overdue'"
    " ELSE m.status END AS state, (SELECT group_concat(indicator, ', ') FROM measure_indicator mi WHERE mi.measure_id = m.id)"
    " AS indicators FROM measure m WHERE m.cycle_id = ?1 ORDER BY m.id";

static const char decisions_sql[] =
    "SELECT DISTINCT d.kind, d.number, d.date, d.title, d.link FROM decision_link l JOIN document d ON d.id = l.document_id"
    " WHERE l.cycle_id = ?1 ORDER BY d.date";

static const char effects_sql[] =
    "SELECT m.number, m.title, e.indicator, e.before_value, e.after_value, e.verdict FROM cycle_effect e"
    " JOIN measure m ON m.id = e.measure_id WHERE e.cycle_id = ?1 ORDER BY m.id, e.indicator";

static const char dynamics_sql[] =
    "SELECT c.period, r.indicator, r.value FROM cycle_result r JOIN cycle c ON c.id = r.cycle_id"
    " WHERE c.municipality = (SELECT municipality FROM cycle WHERE id = ?1) AND c.period <= (SELECT period FROM cycle WHERE id = ?1)"
    " AND r.organization IS NULL AND r.breakdown IS NULL ORDER BY r.indicator, c.period";

/* Groups the flat result rows into criteria > indicators > organizations. */
static cJSON *criteria_of(cJSON *flat) {
  cJSON *criteria = cJSON_CreateArray(), *row, *crit = NULL, *ind = NULL;
  cJSON_ArrayForEach(row, flat) {
    const char *cid = cJSON_GetStringValue(cJSON_GetObjectItem(row, "criterion"));
    const char *iid = cJSON_GetStringValue(cJSON_GetObjectItem(row, "indicator"));
    if (!crit || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(crit, "id")), cid ? cid : "")) {
      crit = cJSON_CreateObject();
      cJSON_AddStringToObject(crit, "id", cid ? cid : "");
      cJSON_AddItemToObject(crit, "title", cJSON_Duplicate(cJSON_GetObjectItem(row, "criterion_title"), 0));
      cJSON_AddArrayToObject(crit, "indicators");
      cJSON_AddItemToArray(criteria, crit);
      ind = NULL;
    }
    if (!ind || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(ind, "id")), iid)) {
      ind = cJSON_CreateObject();
      cJSON_AddStringToObject(ind, "id", iid);
      static const char *const copied[] = {"title", "unit", "source", "target_text", "target_kind"};
      for (int i = 0; i < 5; i++) cJSON_AddItemToObject(ind, copied[i], cJSON_Duplicate(cJSON_GetObjectItem(row, copied[i]), 0));
      cJSON_AddArrayToObject(ind, "organizations");
      cJSON_AddItemToArray(cJSON_GetObjectItem(crit, "indicators"), ind);
    }
    cJSON *entry = cJSON_CreateObject();
    static const char *const fields[] = {"organization", "organization_name", "value", "numerator", "denominator",
                                         "target_value", "target_reason", "status", "message"};
    for (int i = 0; i < 9; i++) cJSON_AddItemToObject(entry, fields[i], cJSON_Duplicate(cJSON_GetObjectItem(row, fields[i]), 0));
    if (cJSON_IsNull(cJSON_GetObjectItem(row, "organization"))) cJSON_AddItemToObject(ind, "total", entry);
    else cJSON_AddItemToArray(cJSON_GetObjectItem(ind, "organizations"), entry);
  }
  return criteria;
}

/* Attaches each indicator's values over the cycles so far. */
static void attach_dynamics(cJSON *criteria, cJSON *dyn) {
  cJSON *crit, *ind, *row;
  cJSON_ArrayForEach(crit, criteria) {
    cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
      cJSON *series = cJSON_AddArrayToObject(ind, "dynamics");
      cJSON_ArrayForEach(row, dyn) {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(row, "indicator")), cJSON_GetStringValue(cJSON_GetObjectItem(ind, "id"))))
          continue;
        cJSON *point = cJSON_CreateObject();
        cJSON_AddItemToObject(point, "period", cJSON_Duplicate(cJSON_GetObjectItem(row, "period"), 0));
        cJSON_AddItemToObject(point, "value", cJSON_Duplicate(cJSON_GetObjectItem(row, "value"), 0));
        cJSON_AddItemToArray(series, point);
      }
    }
  }
}

/* For one school's page: drops other organizations' rows from the
 * analysis (its own rank and the municipality's rows stay). */
static void only_organization(cJSON *analysis, const char *org) {
  static const char *const lists[] = {"problem_zones", "ranking", "ratings"};
  for (int i = 0; i < 3; i++) {
    cJSON *list = cJSON_GetObjectItem(analysis, lists[i]);
    for (cJSON *row = list ? list->child : NULL; row;) {
      cJSON *next = row->next;
      const char *o = cJSON_GetStringValue(cJSON_GetObjectItem(row, "organization"));
      if (o && strcmp(o, org)) cJSON_Delete(cJSON_DetachItemViaPointer(list, row));
      row = next;
    }
  }
}

/* The whole report of a cycle as one JSON document (docs/report.md). */
void *report_build(sqlite3 *db, const cycle_ref *c, const char *org) {
  cJSON *root = cJSON_CreateObject();
  cJSON_AddNumberToObject(root, "format_version", 1);
  cJSON *status = assessment_build(db, c);
  cJSON_AddItemToObject(root, "cycle", cJSON_Duplicate(cJSON_GetObjectItem(status, "cycle"), 1));
  if (org) cJSON_AddStringToObject(root, "organization", org);
  cJSON *flat = analysis_rows(db, c, org, results_sql);
  cJSON *criteria = criteria_of(flat);
  cJSON_Delete(flat);
  cJSON *dyn = analysis_rows(db, c, NULL, dynamics_sql);
  attach_dynamics(criteria, dyn);
  cJSON_Delete(dyn);
  cJSON_AddItemToObject(root, "criteria", criteria);
  cJSON *analysis = analysis_build(db, c);
  cJSON_DeleteItemFromObject(analysis, "cycle");
  if (org) only_organization(analysis, org);
  cJSON_AddItemToObject(root, "analysis", analysis);
  cJSON_AddItemToObject(root, "recommendations", analysis_rows(db, c, org, recommendations_sql));
  cJSON_AddItemToObject(root, "measures", analysis_rows(db, c, NULL, measures_sql));
  cJSON_AddItemToObject(root, "decisions", analysis_rows(db, c, NULL, decisions_sql));
  cJSON_AddItemToObject(root, "effects", analysis_rows(db, c, NULL, effects_sql));
  cJSON_AddItemToObject(root, "components", cJSON_Duplicate(cJSON_GetObjectItem(status, "components"), 1));
  cJSON_AddItemToObject(root, "self_assessment", cJSON_Duplicate(cJSON_GetObjectItem(status, "self_assessment"), 1));
  cJSON_Delete(status);
  return root;
}

/* ---- helpers shared by the renderers ---- */

static const char *text_of(cJSON *o, const char *field) {
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, field));
  return s ? s : "";
}

static int has_number(cJSON *o, const char *field) { return cJSON_IsNumber(cJSON_GetObjectItem(o, field)); }
static double number_of(cJSON *o, const char *field) { return cJSON_GetObjectItem(o, field)->valuedouble; }

/* A number for people: decimal comma, at most two decimals. */
static const char *number_text(double v, char *buf, size_t len) { return ru_number(v, 2, buf, len); }

static const char *value_text(cJSON *o, const char *field, const char *unit, char *buf, size_t len) {
  if (!has_number(o, field)) return "нет данных";
  char num[64];
  snprintf(buf, len, "%s%s", number_text(number_of(o, field), num, sizeof num), unit && !strcmp(unit, "%") ? "%" : "");
  return buf;
}

/* A status in words, with a sign for readers who do not see colour. */
static const char *status_text(const char *status) {
  if (!strcmp(status, "met")) return "✓ достигнуто";
  if (!strcmp(status, "not_met")) return "✗ не достигнуто";
  return ru_status(status);
}

/* Writes s with HTML's special characters escaped. */
static void html(FILE *out, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '&': fputs("&amp;", out); break;
    case '"': fputs("&quot;", out); break;
    default: fputc(*s, out);
    }
  }
}

/* Writes s for a Markdown table cell. */
static void md(FILE *out, const char *s) {
  for (; s && *s; s++) {
    if (*s == '|') fputs("\\|", out);
    else if (*s == '\n') fputc(' ', out);
    else fputc(*s, out);
  }
}

/* ---- HTML: one self-contained page ---- */

static const char html_style[] =
    "body{font-family:'PT Sans',Arial,sans-serif;line-height:1.45;margin:0;color:#1b1b1b;background:#fff}"
    "main{max-width:60rem;margin:0 auto;padding:1rem}h1{font-size:1.6rem}h2{border-bottom:2px solid #2b5797;padding-bottom:.2rem;margin-top:2rem}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}caption{text-align:left;font-weight:bold;padding:.3rem 0}"
    "th,td{border:1px solid #b8b8b8;padding:.3rem .45rem;vertical-align:top;text-align:left}th{background:#eef2f8}"
    "td.num{text-align:right;white-space:nowrap}.met{background:#e6f4ea}.not_met{background:#fdecea}.overdue{background:#fff4e0;font-weight:bold}"
    "nav ol{columns:2}figure{margin:.5rem 0 1.5rem}figcaption{font-size:.85rem;color:#444}svg{max-width:100%;height:auto}"
    ".note{color:#555;font-size:.85rem}.wrap{overflow-x:auto}"
    "@media print{nav{display:none}h2{page-break-after:avoid}table,figure{page-break-inside:avoid}main{max-width:none}}"
    "@media (max-width:40rem){nav ol{columns:1}th,td{padding:.2rem}}";

/* A horizontal bar chart of an indicator across organizations, with the
 * target as a dashed line; labels carry the values, so colour is not needed. */
static void svg_bars(FILE *out, cJSON *ind) {
  cJSON *orgs = cJSON_GetObjectItem(ind, "organizations"), *o;
  int n = 0;
  double max = 0;
  cJSON_ArrayForEach(o, orgs) {
    if (!has_number(o, "value")) continue;
    n++;
    if (number_of(o, "value") > max) max = number_of(o, "value");
  }
  cJSON *total = cJSON_GetObjectItem(ind, "total");
  double target = total && has_number(total, "target_value") ? number_of(total, "target_value") : -1;
  int percent = !strcmp(text_of(ind, "unit"), "%");
  if (percent) max = 100;
  if (target > max) max = target;
  if (n == 0 || max <= 0) return;
  const int label = 230, width = 640, bar = 16, gap = 6, top = 8;
  int height = top + n * (bar + gap) + 24;
  fprintf(out, "<figure><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"c-%s\"><title id=\"c-%s\">", width, height,
          text_of(ind, "id"), text_of(ind, "id"));
  html(out, text_of(ind, "title"));
  fputs("</title>", out);
  int y = top;
  char buf[64];
  cJSON_ArrayForEach(o, orgs) {
    if (!has_number(o, "value")) continue;
    double v = number_of(o, "value");
    int w = (int)((width - label - 60) * v / max);
    const char *status = text_of(o, "status");
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">", label - 6, y + bar - 4);
    html(out, text_of(o, "organization_name"));
    fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", label, y, w < 1 ? 1 : w, bar,
            !strcmp(status, "met") ? "#2e7d32" : !strcmp(status, "not_met") ? "#c62828" : "#607d8b");
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s%s</text>", label + w + 4, y + bar - 4,
            number_text(v, buf, sizeof buf), percent ? "%" : "");
    y += bar + gap;
  }
  if (target >= 0) {
    int x = label + (int)((width - label - 60) * target / max);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
            "<text x=\"%d\" y=\"%d\" font-size=\"11\">цель %s</text>", x, top - 4, x, y, x + 3, y + 14, number_text(target, buf, sizeof buf));
  }
  fputs("</svg><figcaption>Значение по организациям; пунктир — целевое значение, зелёный — достигнуто, красный — нет.</figcaption></figure>\n", out);
}

/* A line chart of the municipality's value over the cycles. */
static void svg_dynamics(FILE *out, cJSON *ind) {
  cJSON *series = cJSON_GetObjectItem(ind, "dynamics"), *p;
  int n = cJSON_GetArraySize(series);
  if (n < 2) return;
  double max = 0;
  cJSON_ArrayForEach(p, series) if (has_number(p, "value") && number_of(p, "value") > max) max = number_of(p, "value");
  if (max <= 0) max = 1;
  const int width = 360, height = 150, left = 40, bottom = 125;
  fprintf(out, "<figure><svg viewBox=\"0 0 %d %d\" style=\"max-width:24rem\" role=\"img\" aria-label=\"Динамика показателя по годам\"><polyline fill=\"none\" stroke=\"#2b5797\" stroke-width=\"2\" points=\"",
          width, height);
  int i = 0;
  cJSON_ArrayForEach(p, series) {
    if (has_number(p, "value"))
      fprintf(out, "%d,%d ", left + i * (width - left - 30) / (n - 1), bottom - (int)(100 * number_of(p, "value") / max));
    i++;
  }
  fputs("\"/>", out);
  i = 0;
  char buf[64];
  cJSON_ArrayForEach(p, series) {
    int x = left + i * (width - left - 30) / (n - 1);
    if (has_number(p, "value")) {
      int yv = bottom - (int)(100 * number_of(p, "value") / max);
      fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"#2b5797\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
              x, yv, x, yv - 6, number_text(number_of(p, "value"), buf, sizeof buf));
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d</text>", x, bottom + 18,
            (int)number_of(p, "period"));
    i++;
  }
  fputs("</svg><figcaption>Динамика значения по муниципалитету по годам мониторинга.</figcaption></figure>\n", out);
}

/* Status at a glance: how many indicators met, not met, without data. */
static void svg_glance(FILE *out, cJSON *criteria) {
  int met = 0, not_met = 0, other = 0;
  cJSON *crit, *ind;
  cJSON_ArrayForEach(crit, criteria) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    const char *s = text_of(cJSON_GetObjectItem(ind, "total"), "status");
    if (!strcmp(s, "met")) met++;
    else if (!strcmp(s, "not_met")) not_met++;
    else other++;
  }
  int total = met + not_met + other;
  if (!total) return;
  const int width = 600;
  int wm = width * met / total, wn = width * not_met / total;
  fprintf(out, "<figure><svg viewBox=\"0 0 %d 60\" role=\"img\" aria-label=\"Достигнуто %d, не достигнуто %d, без цели или данных %d\">"
          "<rect x=\"0\" y=\"5\" width=\"%d\" height=\"26\" fill=\"#2e7d32\"/><rect x=\"%d\" y=\"5\" width=\"%d\" height=\"26\" fill=\"#c62828\"/>"
          "<rect x=\"%d\" y=\"5\" width=\"%d\" height=\"26\" fill=\"#90a4ae\"/>"
          "<text x=\"0\" y=\"50\" font-size=\"12\">✓ достигнуто: %d · ✗ не достигнуто: %d · без цели или данных: %d</text></svg>"
          "<figcaption>Показатели муниципалитета с первого взгляда.</figcaption></figure>\n",
          width, met, not_met, other, wm, wm, wn, wm + wn, width - wm - wn, met, not_met, other);
}

/* One row of an indicator's table: value, counts, target, status in words. */
static void html_result_row(FILE *out, cJSON *o, const char *name, const char *unit) {
  if (!o) return;
  char value[64], num[64], den[64], target[64];
  const char *status = text_of(o, "status");
  fprintf(out, "<tr class=\"%s\"><th scope=\"row\">", status);
  html(out, name);
  fprintf(out, "</th><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td>%s</td></tr>\n",
          value_text(o, "value", unit, value, sizeof value),
          has_number(o, "numerator") ? number_text(number_of(o, "numerator"), num, sizeof num) : "—",
          has_number(o, "denominator") ? number_text(number_of(o, "denominator"), den, sizeof den) : "—",
          has_number(o, "target_value") ? number_text(number_of(o, "target_value"), target, sizeof target) : "—", status_text(status));
}

static void html_indicator(FILE *out, cJSON *ind) {
  const char *unit = text_of(ind, "unit");
  fputs("<section><h4>", out);
  html(out, text_of(ind, "title"));
  fputs("</h4><p class=\"note\">Цель: ", out);
  html(out, text_of(ind, "target_text")[0] ? text_of(ind, "target_text") : "не задана");
  fputs(". Источник данных: ", out);
  html(out, text_of(ind, "source")[0] ? text_of(ind, "source") : "не указан");
  fputs(".</p>\n<div class=\"wrap\"><table><caption>Значения показателя по организациям и по муниципалитету", out);
  fputs("</caption><thead><tr><th scope=\"col\">Организация</th><th scope=\"col\">Значение</th><th scope=\"col\">Числитель</th>"
        "<th scope=\"col\">Знаменатель</th><th scope=\"col\">Цель</th><th scope=\"col\">Статус</th></tr></thead><tbody>\n", out);
  html_result_row(out, cJSON_GetObjectItem(ind, "total"), "Муниципалитет в целом", unit);
  cJSON *o;
  cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations")) html_result_row(out, o, text_of(o, "organization_name"), unit);
  fputs("</tbody></table></div>\n", out);
  svg_bars(out, ind);
  svg_dynamics(out, ind);
  fputs("</section>\n", out);
}

/* A table from an array of objects: headers and the fields they show. */
static void html_table(FILE *out, const char *caption, cJSON *items, const char *const *headers, const char *const *fields, int n,
                       const char *(*format)(const char *field, cJSON *row, char *buf, size_t len)) {
  if (cJSON_GetArraySize(items) == 0) {
    fputs("<p>Нет записей.</p>\n", out);
    return;
  }
  fputs("<div class=\"wrap\"><table><caption>", out);
  html(out, caption);
  fputs("</caption><thead><tr>", out);
  for (int i = 0; i < n; i++) fprintf(out, "<th scope=\"col\">%s</th>", headers[i]);
  fputs("</tr></thead><tbody>\n", out);
  cJSON *row;
  cJSON_ArrayForEach(row, items) {
    const char *state = text_of(row, "state");
    fprintf(out, "<tr%s>", !strcmp(state, "overdue") ? " class=\"overdue\"" : "");
    for (int i = 0; i < n; i++) {
      char buf[256];
      fputs(i == 0 ? "<td>" : "<td>", out);
      html(out, format(fields[i], row, buf, sizeof buf));
      fputs("</td>", out);
    }
    fputs("</tr>\n", out);
  }
  fputs("</tbody></table></div>\n", out);
}

static const char *format_cell(const char *field, cJSON *row, char *buf, size_t len) {
  cJSON *v = cJSON_GetObjectItem(row, field);
  if (!strcmp(field, "state")) return ru_measure_state(text_of(row, field));
  if (!strcmp(field, "verdict")) return ru_verdict(text_of(row, field));
  if (!strcmp(field, "addressee")) return ru_addressee(text_of(row, field));
  if (cJSON_IsNumber(v)) return number_text(v->valuedouble, buf, len);
  if (cJSON_IsString(v)) return v->valuestring;
  return "—";
}

static void html_section(FILE *out, int number, const char *id, const char *title) {
  fprintf(out, "<h2 id=\"%s\">%d. %s</h2>\n", id, number, title);
}

static void html_goals(FILE *out, cJSON *plan) {
  html_section(out, 1, "goals", "Цели и задачи");
  const char *fields[] = {"goals", "tasks"}, *titles[] = {"Цели", "Задачи"};
  for (int i = 0; i < 2; i++) {
    fprintf(out, "<h3>%s</h3><ol>", titles[i]);
    cJSON *g;
    cJSON_ArrayForEach(g, cJSON_GetObjectItem(plan, fields[i])) {
      fputs("<li>", out);
      html(out, g->valuestring);
      fputs("</li>", out);
    }
    fputs("</ol>\n", out);
  }
}

static void html_indicators(FILE *out, cJSON *criteria) {
  html_section(out, 2, "indicators", "Критерии и показатели: результаты мониторинга");
  svg_glance(out, criteria);
  cJSON *crit, *ind;
  cJSON_ArrayForEach(crit, criteria) {
    fputs("<h3>", out);
    html(out, text_of(crit, "title"));
    fputs("</h3>\n", out);
    cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) html_indicator(out, ind);
  }
}

static void html_analysis(FILE *out, cJSON *analysis) {
  html_section(out, 3, "analysis", "Анализ");
  static const char *const ph[] = {"Проблема", "Происхождение"};
  static const char *const pf[] = {"description", "origin"};
  html_table(out, "Проблемные зоны", cJSON_GetObjectItem(analysis, "problem_zones"), ph, pf, 2, format_cell);
  static const char *const rh[] = {"Место", "Организация", "Выполнено целей, %", "Выполнено", "Оценено"};
  static const char *const rf[] = {"rank", "organization_name", "share_met", "met", "judged"};
  html_table(out, "Рейтинг организаций по выполнению целевых значений", cJSON_GetObjectItem(analysis, "ranking"), rh, rf, 5, format_cell);
  static const char *const gh[] = {"Рейтинг", "Место", "Организация", "Балл"};
  static const char *const gf[] = {"title", "rank", "organization_name", "score"};
  if (cJSON_GetArraySize(cJSON_GetObjectItem(analysis, "ratings")))
    html_table(out, "Комплексные рейтинги", cJSON_GetObjectItem(analysis, "ratings"), gh, gf, 4, format_cell);
  static const char *const mh[] = {"Показатель", "Муниципалитет", "Значение", "Место"};
  static const char *const mf[] = {"indicator", "municipality", "value", "rank"};
  if (cJSON_GetArraySize(cJSON_GetObjectItem(analysis, "municipalities")))
    html_table(out, "Сравнение муниципалитетов", cJSON_GetObjectItem(analysis, "municipalities"), mh, mf, 4, format_cell);
}

static void html_actions(FILE *out, cJSON *root) {
  html_section(out, 4, "recommendations", "Адресные рекомендации");
  static const char *const ah[] = {"Адресат", "Организация", "Приоритет", "Рекомендация"};
  static const char *const af[] = {"addressee", "organization_name", "priority", "text"};
  html_table(out, "Рекомендации по адресатам", cJSON_GetObjectItem(root, "recommendations"), ah, af, 4, format_cell);
  html_section(out, 5, "measures", "Меры (дорожная карта)");
  static const char *const mh[] = {"№", "Мероприятие", "Срок", "Ответственные", "Ожидаемый результат", "Состояние"};
  static const char *const mf[] = {"number", "title", "schedule", "responsible", "expected_result", "state"};
  html_table(out, "Мероприятия цикла", cJSON_GetObjectItem(root, "measures"), mh, mf, 6, format_cell);
  html_section(out, 6, "decisions", "Управленческие решения");
  static const char *const dh[] = {"Вид", "Номер", "Дата", "Наименование", "Ссылка"};
  static const char *const df[] = {"kind", "number", "date", "title", "link"};
  html_table(out, "Приказы и протоколы", cJSON_GetObjectItem(root, "decisions"), dh, df, 5, format_cell);
  html_section(out, 7, "effects", "Анализ эффективности принятых мер");
  static const char *const eh[] = {"№", "Мероприятие", "Показатель", "До", "После", "Вывод"};
  static const char *const ef[] = {"number", "title", "indicator", "before_value", "after_value", "verdict"};
  html_table(out, "Изменение показателей, связанных с мерами прошлого цикла", cJSON_GetObjectItem(root, "effects"), eh, ef, 6, format_cell);
}

static void html_assessment(FILE *out, cJSON *root) {
  html_section(out, 8, "next", "Что переходит в следующий цикл");
  cJSON *zones = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "analysis"), "problem_zones"), *z;
  if (!cJSON_GetArraySize(zones)) fputs("<p>Нерешённых проблем нет.</p>\n", out);
  else {
    fputs("<ul>", out);
    cJSON_ArrayForEach(z, zones) {
      fputs("<li>", out);
      html(out, text_of(z, "description"));
      fputs("</li>", out);
    }
    fputs("</ul>\n", out);
  }
  html_section(out, 9, "assessment", "Самооценка управленческого цикла");
  fputs("<div class=\"wrap\"><table><caption>Компоненты цикла и критерии</caption><thead><tr><th scope=\"col\">Компонент</th>"
        "<th scope=\"col\">Критерий</th><th scope=\"col\">Выполнен</th><th scope=\"col\">Подтверждение</th></tr></thead><tbody>\n", out);
  cJSON *comp, *crit;
  cJSON_ArrayForEach(comp, cJSON_GetObjectItem(root, "components")) {
    cJSON_ArrayForEach(crit, cJSON_GetObjectItem(comp, "criteria")) {
      int met = cJSON_IsTrue(cJSON_GetObjectItem(crit, "met"));
      fprintf(out, "<tr class=\"%s\"><th scope=\"row\">", met ? "met" : "not_met");
      html(out, text_of(comp, "name"));
      fputs("</th><td>", out);
      html(out, text_of(crit, "text"));
      fprintf(out, "</td><td>%s</td><td>", met ? "✓ да" : "✗ нет");
      html(out, text_of(crit, "evidence"));
      fputs("</td></tr>\n", out);
    }
  }
  cJSON *s = cJSON_GetObjectItem(root, "self_assessment");
  fprintf(out, "</tbody></table></div><p>Выполнено критериев: %d из %d.</p>\n", cJSON_GetObjectItem(s, "met")->valueint,
          cJSON_GetObjectItem(s, "total")->valueint);
}

static void write_html(cJSON *root, FILE *out) {
  cJSON *cycle = cJSON_GetObjectItem(root, "cycle");
  const char *org = text_of(root, "organization");
  fputs("<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>", out);
  fprintf(out, "Мониторинг профессионального развития педагогических работников: %s, %d</title><style>%s</style></head>\n<body><main>\n",
          text_of(cycle, "municipality"), (int)number_of(cycle, "period"), html_style);
  fputs("<h1>Результаты мониторинга системы обеспечения профессионального развития педагогических работников</h1>\n<p>", out);
  cJSON *plan = cJSON_GetObjectItem(cycle, "plan");
  if (text_of(plan, "title")[0]) {
    html(out, text_of(plan, "title"));
    fputs(".</p>\n<p>", out);
  }
  fprintf(out, "Муниципалитет: <strong>");
  html(out, text_of(cycle, "municipality"));
  fprintf(out, "</strong>; период: <strong>%d</strong>; состояние цикла: %s.", (int)number_of(cycle, "period"), text_of(cycle, "state"));
  if (org[0]) {
    fputs(" Отчёт для организации: <strong>", out);
    html(out, org);
    fputs("</strong>.", out);
  }
  fputs("</p>\n<nav aria-label=\"Разделы\"><ol><li><a href=\"#goals\">Цели и задачи</a></li><li><a href=\"#indicators\">Показатели</a></li>"
        "<li><a href=\"#analysis\">Анализ</a></li><li><a href=\"#recommendations\">Рекомендации</a></li><li><a href=\"#measures\">Меры</a></li>"
        "<li><a href=\"#decisions\">Решения</a></li><li><a href=\"#effects\">Эффективность</a></li><li><a href=\"#next\">Следующий цикл</a></li>"
        "<li><a href=\"#assessment\">Самооценка</a></li></ol></nav>\n", out);
  html_goals(out, cJSON_GetObjectItem(cycle, "plan"));
  html_indicators(out, cJSON_GetObjectItem(root, "criteria"));
  html_analysis(out, cJSON_GetObjectItem(root, "analysis"));
  html_actions(out, root);
  html_assessment(out, root);
  fputs("<p class=\"note\">Подготовлено pdmon.</p>\n</main></body></html>\n", out);
}

/* ---- Markdown, for documents ---- */

static void write_md(cJSON *root, FILE *out) {
  cJSON *cycle = cJSON_GetObjectItem(root, "cycle"), *x, *y;
  fprintf(out, "# Результаты мониторинга системы обеспечения профессионального развития педагогических работников\n\n"
               "Муниципалитет: **%s**; период: **%d**.\n\n## 1. Цели и задачи\n\n",
          text_of(cycle, "municipality"), (int)number_of(cycle, "period"));
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(cJSON_GetObjectItem(cycle, "plan"), "goals")) fprintf(out, "- Цель: %s\n", x->valuestring);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(cJSON_GetObjectItem(cycle, "plan"), "tasks")) fprintf(out, "- Задача: %s\n", x->valuestring);
  fputs("\n## 2. Критерии и показатели\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(root, "criteria")) {
    fprintf(out, "\n### %s\n\n| Показатель | Значение | Цель | Статус | Динамика |\n| --- | ---: | --- | --- | --- |\n", text_of(x, "title"));
    cJSON_ArrayForEach(y, cJSON_GetObjectItem(x, "indicators")) {
      cJSON *t = cJSON_GetObjectItem(y, "total"), *p;
      char value[64], num[64];
      fputs("| ", out);
      md(out, text_of(y, "title"));
      fprintf(out, " | %s | ", t ? value_text(t, "value", text_of(y, "unit"), value, sizeof value) : "—");
      md(out, text_of(y, "target_text")[0] ? text_of(y, "target_text") : "—");
      fprintf(out, " | %s | ", t ? status_text(text_of(t, "status")) : "—");
      cJSON_ArrayForEach(p, cJSON_GetObjectItem(y, "dynamics"))
        fprintf(out, "%d: %s; ", (int)number_of(p, "period"), has_number(p, "value") ? number_text(number_of(p, "value"), num, sizeof num) : "—");
      fputs("|\n", out);
    }
  }
  fputs("\n## 3. Проблемные зоны\n\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(cJSON_GetObjectItem(root, "analysis"), "problem_zones")) fprintf(out, "- %s\n", text_of(x, "description"));
  fputs("\n## 4. Адресные рекомендации\n\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(root, "recommendations"))
    fprintf(out, "- **%s** (%s): %s\n", ru_addressee(text_of(x, "addressee")), text_of(x, "organization_name"), text_of(x, "text"));
  fputs("\n## 5. Меры\n\n| № | Мероприятие | Срок | Ответственные | Состояние |\n| --- | --- | --- | --- | --- |\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(root, "measures")) {
    fputs("| ", out);
    md(out, text_of(x, "number"));
    fputs(" | ", out);
    md(out, text_of(x, "title"));
    fputs(" | ", out);
    md(out, text_of(x, "schedule"));
    fputs(" | ", out);
    md(out, text_of(x, "responsible"));
    fprintf(out, " | %s |\n", ru_measure_state(text_of(x, "state")));
  }
  fputs("\n## 6. Управленческие решения\n\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(root, "decisions"))
    fprintf(out, "- %s № %s от %s: %s\n", text_of(x, "kind"), text_of(x, "number"), text_of(x, "date"), text_of(x, "title"));
  fputs("\n## 7. Анализ эффективности принятых мер\n\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(root, "effects")) {
    char b[64], a[64];
    fprintf(out, "- %s — %s: %s → %s, %s\n", text_of(x, "title"), text_of(x, "indicator"),
            has_number(x, "before_value") ? number_text(number_of(x, "before_value"), b, sizeof b) : "—",
            has_number(x, "after_value") ? number_text(number_of(x, "after_value"), a, sizeof a) : "—", ru_verdict(text_of(x, "verdict")));
  }
  cJSON *s = cJSON_GetObjectItem(root, "self_assessment");
  fprintf(out, "\n## 8. Самооценка\n\nВыполнено критериев: %d из %d.\n", cJSON_GetObjectItem(s, "met")->valueint,
          cJSON_GetObjectItem(s, "total")->valueint);
}

/* ---- CSV: one row per result ---- */

static void write_csv(cJSON *root, FILE *out) {
  cJSON *cycle = cJSON_GetObjectItem(root, "cycle"), *crit, *ind;
  fputs("municipality,period,criterion,indicator,organization,organization_name,value,numerator,denominator,unit,"
        "target,target_value,status\r\n", out);
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    /* the total first, then every organization: nothing is capped */
    cJSON *row = cJSON_GetObjectItem(ind, "total");
    cJSON *next_org = cJSON_GetObjectItem(ind, "organizations") ? cJSON_GetObjectItem(ind, "organizations")->child : NULL;
    if (!row) {
      row = next_org;
      next_org = row ? row->next : NULL;
    }
    for (; row; row = next_org, next_org = next_org ? next_org->next : NULL) {
      char period[16], v[64], nu[64], de[64], tv[64];
      snprintf(period, sizeof period, "%d", (int)number_of(cycle, "period"));
      const char *fields[] = {text_of(cycle, "municipality"), period, text_of(crit, "id"), text_of(ind, "id"),
        text_of(row, "organization"), text_of(row, "organization_name"),
        has_number(row, "value") ? (snprintf(v, sizeof v, "%.2f", number_of(row, "value")), v) : "",
        has_number(row, "numerator") ? (snprintf(nu, sizeof nu, "%g", number_of(row, "numerator")), nu) : "",
        has_number(row, "denominator") ? (snprintf(de, sizeof de, "%g", number_of(row, "denominator")), de) : "",
        text_of(ind, "unit"), text_of(ind, "target_text"),
        has_number(row, "target_value") ? (snprintf(tv, sizeof tv, "%g", number_of(row, "target_value")), tv) : "",
        text_of(row, "status")};
      for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
        if (f) fputc(',', out);
        csv_write_field(out, fields[f], ',');
      }
      fputs("\r\n", out);
    }
  }
}

int report_write(sqlite3 *db, const cycle_ref *c, const char *format, const char *org, FILE *out,
                 char *err, size_t errlen) {
  if (strcmp(format, "html") && strcmp(format, "md") && strcmp(format, "json") && strcmp(format, "csv")) {
    snprintf(err, errlen, _("unknown format '%s'; expected html, md, json, csv or xlsx"), format);
    return -1;
  }
  if (!strcmp(c->state, "open")) {
    snprintf(err, errlen, _("cycle %lld (%d): the monitoring has not run yet; run 'pdmon cycle run' first"), c->id, c->period);
    return -1;
  }
  cJSON *root = report_build(db, c, org);
  if (!strcmp(format, "json")) {
    char *text = cJSON_PrintUnformatted(root);
    fprintf(out, "%s\n", text);
    cJSON_free(text);
  } else if (!strcmp(format, "md")) {
    write_md(root, out);
  } else if (!strcmp(format, "csv")) {
    write_csv(root, out);
  } else {
    write_html(root, out);
  }
  cJSON_Delete(root);
  if (ferror(out)) {
    snprintf(err, errlen, _("cannot write the report"));
    return -1;
  }
  return 0;
}

/* ---- the report's look, shared with the web workplace ---- */

const char *report_css(void) { return html_style; }
