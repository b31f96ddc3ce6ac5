/* report_html.c: the report as one printable, self-contained HTML page, summary first. The
 * promises are in report_html.h. */
#include "report_html.h"

#include <cJSON.h>
#include <string.h>

#include "escape.h"
#include "report_text.h"
#include "russian.h"

typedef const cJSON cj;

/* ---- writing text ---- */

/* Writes s escaped for HTML text and attributes (engine/report/escape) and
 * "№ 5" kept on one line (a no-break space after "№"). */
static void put(FILE *out, const char *s) {
  const char *mark;
  while (s && (mark = strstr(s, "№ ")) != NULL) {
    escape_html_bytes(out, s, (size_t)(mark - s));
    fputs("№&nbsp;", out);
    s = mark + strlen("№ ");
  }
  escape_html(out, s);
}

static void put_field(FILE *out, cj *o, const char *field) { put(out, report_str(o, field)); }

static void put_date(FILE *out, const char *iso) {
  char buf[32];
  put(out, ru_date(iso, buf, sizeof buf));
}

/* A count with its agreeing noun, e.g. «5 показателей». */
static void put_count(FILE *out, long long n, const char *one, const char *few, const char *many) {
  char buf[128];
  put(out, ru_count(n, one, few, many, buf, sizeof buf));
}

/* A link only to the web (http, https), its address escaped. */
static void put_link(FILE *out, const char *url, const char *text) {
  if (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7)) {
    fputs("<a href=\"", out);
    put(out, url);
    fputs("\">", out);
    put(out, text);
    fputs("</a>", out);
  } else {
    put(out, text);
  }
}

/* The class of a judgement (report_judgement) for colours. */
static const char *status_class(const char *judgement) {
  static const char *const known[] = {"met", "not_met", "on_track", "behind", "in_progress"};
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (!strcmp(judgement, known[i])) return known[i];
  return "other";
}

/* ---- the page ---- */

static const char style[] =
    "*{box-sizing:border-box}"
    "body{font-family:'PT Sans','Liberation Sans',Arial,'DejaVu Sans',sans-serif;line-height:1.4;margin:0;color:#1b1b1b;"
    "background:#fff;font-size:16px}"
    "main{max-width:62rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.5rem;line-height:1.2;margin:.3rem 0 .5rem}"
    "h2{font-size:1.25rem;border-bottom:2px solid #2b5797;padding-bottom:.15rem;margin:1.6rem 0 .6rem}"
    "h3{font-size:1.05rem;margin:1rem 0 .4rem}"
    "p{margin:.4rem 0}ol,ul{margin:.3rem 0 .6rem;padding-left:1.6rem}li{margin:.15rem 0}"
    ".kicker{color:#2b5797;font-weight:bold;margin:0}.meta{color:#333}"
    "table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem;font-size:.9rem}"
    "th,td{border:1px solid #b8b8b8;padding:.25rem .4rem;vertical-align:top;text-align:left}"
    "thead th{background:#eef2f8;font-weight:bold}tbody th{font-weight:normal}"
    "tr.group th{background:#f4f6fa;font-weight:bold}"
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}.ph{display:none}.num{text-align:right;white-space:nowrap}.nw{white-space:nowrap}.no{font-weight:bold;white-space:nowrap}"
    "tr.met td.st{background:#e6f4ea}tr.not_met td.st{background:#fdecea}tr.behind td.st{background:#fff4d6}"
    "tr.on_track td.st{background:#f1f8e9}"
    "tr.overdue td.st{background:#fff4e0;font-weight:bold}tr.done td.st{background:#e6f4ea}"
    ".tech td{font-size:.75rem}.small{font-size:.8rem;color:#444}.wrap{overflow-x:auto}"
    "nav ol{columns:2}"
    "figure{margin:.5rem 0}figure.total>svg{width:100%;height:1.2rem;display:block}.bars{margin:.4rem 0 .8rem}.bars p{margin:.2rem 0}"
    ".bar-row{display:grid;grid-template-columns:minmax(0,1fr) 11rem 7rem;gap:.5rem;align-items:center;"
    "padding:.1rem 0;border-bottom:1px solid #e4e4e4;font-size:.85rem}"
    ".bar-row svg{width:100%;height:.85rem;display:block}"
    ".legend{font-size:.8rem;color:#333}.legend .it{white-space:nowrap}.sw{display:inline-block;width:.8em;height:.8em;vertical-align:-.05em;margin:0 .25em 0 .7em}"
    ".pair svg{width:100%;max-width:9rem;height:1.6rem;display:block}"
    ".matrix{width:auto;min-width:60%}.matrix td{text-align:right;white-space:nowrap;font-size:.78rem;padding:.12rem .22rem}"
    ".matrix th{font-size:.78rem;padding:.12rem .22rem}.matrix thead th{text-align:center}"
    ".matrix td.not_met{background:#fdecea;font-weight:bold}.matrix td.met{background:#e6f4ea}"
    ".matrix td.behind{background:#fff4d6}.matrix td.on_track{background:#f1f8e9}"
    "footer{margin-top:1.5rem;font-size:.8rem;color:#444;border-top:1px solid #b8b8b8;padding-top:.4rem}"
    "@media print{body{font-size:10pt}main{max-width:none;padding:0}nav{display:none}"
    "h1{font-size:16pt}h2{font-size:13pt;margin-top:1rem}h3{font-size:11pt}"
    "#summary{break-after:page}.appendix{break-before:page}"
    "h2,h3,caption,tr.group{break-after:avoid}thead+tbody tr:first-child{break-before:avoid}p:has(+.wrap){break-after:avoid;break-inside:avoid}tr,li,.bar-row,figure.total{break-inside:avoid}"
    "thead{display:table-header-group}.wrap{overflow:visible}table{font-size:9pt}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}"
    "@media (max-width:40rem){main{padding:.6rem}nav ol{columns:1}h1{font-size:1.3rem}"
    "table.cards thead{display:none}table.cards,table.cards tbody{display:block;width:100%}"
    "table.cards tr{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.2rem .4rem;border:1px solid #b8b8b8;"
    "margin:.4rem 0;padding:.3rem}"
    "table.cards tr.group{display:block;border:0;padding:0}"
    "table.cards td,table.cards th{display:block;border:0;padding:0;white-space:normal;text-align:left}"
    "table.cards .full{grid-column:1/-1}table.cards .nw{white-space:normal}table.cards .np{display:none}.ph{display:inline}"
    "table.cards [data-label]::before{content:attr(data-label);display:block;font-size:.75rem;color:#555}"
    ".bar-row{grid-template-columns:minmax(0,1fr) 6rem}.bar-row svg{grid-column:1/-1}}";

const char *report_html_css(void) { return style; }

/* A row of a chart: an SVG bar stretched to its cell (so its labels stay
 * HTML text and never shrink below the page's font size). */
static void bar_segments(FILE *out, cj *statuses, int scale) {
  fprintf(out, "<svg viewBox=\"0 0 %d 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">", scale * 10);
  int x = 0;
  cj *s;
  cJSON_ArrayForEach(s, statuses) {
    fprintf(out, "<rect x=\"%d\" y=\"0\" width=\"9\" height=\"10\" fill=\"%s\"/>", x, report_colour(s->valuestring));
    x += 10;
  }
  fputs("</svg>", out);
}

/* The judgements in the order charts show them. */
static const char *const judgements[] = {"met", "on_track", "in_progress", "behind", "not_met", "no_target", "no_data",
                                         "not_applicable", "error"};
enum { NJUDGEMENTS = sizeof judgements / sizeof *judgements };

/* How many of the subject's indicators have each judgement. */
static void tally(cj *summary, int counts[NJUDGEMENTS]) {
  cj *crit, *s;
  memset(counts, 0, NJUDGEMENTS * sizeof *counts);
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(summary, "criteria")) cJSON_ArrayForEach(s, cJSON_GetObjectItem(crit, "statuses"))
    for (int i = 0; i < NJUDGEMENTS; i++)
      if (!strcmp(s->valuestring, judgements[i]) || (i == NJUDGEMENTS - 1)) {
        counts[i]++;
        break;
      }
}

/* The colours and counts of the judgements present, in words. */
static void legend(FILE *out, cj *summary) {
  int counts[NJUDGEMENTS];
  tally(summary, counts);
  for (int i = 0; i < NJUDGEMENTS; i++) {
    if (!counts[i]) continue;
    fprintf(out, " <span class=\"it\"><svg class=\"sw\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"%s\"/></svg>%s: %d</span>",
            report_colour(judgements[i]), ru_status(judgements[i]), counts[i]);
  }
}

/* The chart of the indicators by criterion (section 2): each criterion's
 * indicators, one segment each, green met, red not met, grey otherwise,
 * with the count in words. */
static void criteria_chart(FILE *out, cj *summary) {
  cj *crit;
  int scale = 1;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(summary, "criteria")) {
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(crit, "statuses"));
    if (n > scale) scale = n;
  }
  fputs("<figure class=\"bars\"><p class=\"legend\">Достижение целевых значений по критериям:", out);
  legend(out, summary);
  fputs("</p>\n", out);
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(summary, "criteria")) {
    cj *statuses = cJSON_GetObjectItem(crit, "statuses"), *s;
    int met = 0, n = 0;
    cJSON_ArrayForEach(s, statuses) {
      met += !strcmp(s->valuestring, "met");
      n++;
    }
    fprintf(out, "<div class=\"bar-row\"><span>%d. ", (int)report_number(crit, "number"));
    put_field(out, crit, "title");
    fputs("</span>", out);
    bar_segments(out, statuses, scale);
    fprintf(out, "<span class=\"nw\">достигнуто %d из %d</span></div>\n", met, n);
  }
  fputs("</figure>\n", out);
}

/* Page one's chart: every indicator one segment of a bar, grouped by
 * judgement, with the counts in words beside the colours. */
static void summary_chart(FILE *out, cj *summary) {
  int counts[NJUDGEMENTS], total = 0;
  tally(summary, counts);
  for (int i = 0; i < NJUDGEMENTS; i++) total += counts[i];
  if (total <= 0) return;
  fprintf(out, "<figure class=\"total\"><svg viewBox=\"0 0 %d 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">", total * 10);
  int x = 0;
  for (int i = 0; i < NJUDGEMENTS; i++)
    for (int k = 0; k < counts[i]; k++, x += 10)
      fprintf(out, "<rect x=\"%d\" y=\"0\" width=\"9\" height=\"10\" fill=\"%s\"/>", x, report_colour(judgements[i]));
  fputs("</svg><figcaption class=\"legend\">", out);
  legend(out, summary);
  fputs("</figcaption></figure>\n", out);
}

/* The indicator (number and group) of a problem, found in the criteria. */
static cj *indicator_of(cj *root, const char *id) {
  cj *crit, *ind;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators"))
    if (!strcmp(report_str(ind, "id"), id)) return ind;
  return NULL;
}

static cj *problem_of(cj *root, const char *id) {
  cj *g;
  cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "problems")) if (!strcmp(report_str(g, "indicator"), id)) return g;
  return NULL;
}

/* Writes a sentence built by report_text, escaped. */
static void put_buf(FILE *out, report_buf *b) {
  put(out, b->s ? b->s : "");
  report_buf_free(b);
}

static void html_head(FILE *out, cj *root) {
  cj *cycle = cJSON_GetObjectItem(root, "cycle");
  int period = (int)report_number(cycle, "period");
  char generated[32];
  ru_date(report_str(cycle, "generated"), generated, sizeof generated);
  fputs("<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>", out);
  if (report_has_text(root, "organization_name")) {
    put_field(out, root, "organization_name");
    fputs(": ", out);
  }
  fputs("мониторинг профессионального развития педагогических работников, ", out);
  put(out, report_municipality(root));
  fprintf(out, ", %d</title><style>%s"
               "@page{size:A4;margin:14mm 12mm 16mm 14mm;"
               "@bottom-left{content:\"Сформировано %s\";font-size:8pt;color:#555}"
               "@bottom-right{content:\"стр. \" counter(page) \" из \" counter(pages);font-size:8pt;color:#555}}"
               "</style></head>\n<body><main>\n",
          period, style, generated);
}

static void html_title(FILE *out, cj *root) {
  cj *cycle = cJSON_GetObjectItem(root, "cycle"), *plan = cJSON_GetObjectItem(cycle, "plan");
  int period = (int)report_number(cycle, "period");
  fputs("<header><p class=\"kicker\">", out);
  put(out, report_municipality(root));
  if (report_has_text(root, "organization_name")) {
    fputs(" · ", out);
    put_field(out, root, "organization_name");
  }
  fprintf(out, "</p>\n<h1>Результаты мониторинга системы обеспечения профессионального развития педагогических работников"
               " за %d год</h1>\n", period);
  if (report_has_text(plan, "title")) {
    fputs("<p>", out);
    put_field(out, plan, "title");
    fputs("</p>\n", out);
  }
  fputs("<p class=\"meta\">По состоянию на <strong>", out);
  put_date(out, report_str(cycle, "as_of"));
  fputs("</strong>; период мониторинга: ", out);
  put_date(out, report_str(cycle, "period_from"));
  fputs("–", out);
  put_date(out, report_str(cycle, "period_to"));
  fputs("; цикл ", out);
  put(out, ru_cycle_state(report_str(cycle, "state")));
  fputs(".</p></header>\n", out);
}

static void put_decision(FILE *out, cj *d) {
  report_buf b = {0};
  report_decision_text(&b, d, 0);
  put_buf(out, &b);
  fputs(" «", out);
  put_link(out, report_str(d, "link"), report_str(d, "title"));
  fputs("»", out);
}

static void html_summary(FILE *out, cj *root) {
  cj *summary = cJSON_GetObjectItem(root, "summary");
  fputs("<section id=\"summary\"><h2>Итоги</h2>\n<p>", out);
  report_buf b = {0};
  report_scope_sentence(&b, root);
  put_buf(out, &b);
  fputs("</p>\n", out);
  summary_chart(out, summary);
  cj *top = cJSON_GetObjectItem(summary, "top_problems"), *id;
  fputs("<h3>Наиболее серьёзные проблемы</h3>\n", out);
  if (!cJSON_GetArraySize(top)) fputs("<p>Проблемных зон не выявлено.</p>\n", out);
  else {
    fputs("<ol>", out);
    int school = report_has_text(root, "organization");
    int period = (int)report_number(cJSON_GetObjectItem(root, "cycle"), "period");
    cJSON_ArrayForEach(id, top) {
      const char *indicator = report_str(id, "indicator");
      cj *g = problem_of(root, indicator), *ind = indicator_of(root, indicator);
      fputs("<li><span class=\"no\">", out);
      put_field(out, ind, "number");
      fputs("</span> ", out);
      put_field(out, ind, "title");
      fputs(": ", out);
      if (!strcmp(report_str(id, "why"), "behind")) {
        cj *row = cJSON_GetObjectItem(ind, "total"), *o;
        if (school) cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations")) row = o;
        report_behind_sentence(&b, ind, row, period, school);
      } else {
        report_problem_sentence(&b, g, 3, school);
      }
      put_buf(out, &b);
      fputs(".</li>\n", out);
    }
    fputs("</ol>\n", out);
    int all = (int)report_number(summary, "problem_indicators");
    if (all > cJSON_GetArraySize(top)) {
      fputs("<p>Всего проблемные зоны выявлены по ", out);
      put_count(out, all, "показателю", "показателям", "показателям");
      fputs(" (раздел 3).</p>\n", out);
    }
  }
  cj *q = cJSON_GetObjectItem(summary, "next_quarter"), *m;
  fputs("<h3>Мероприятия дорожной карты</h3>\n<p>", out);
  report_measures_sentence(&b, root);
  put_buf(out, &b);
  int due = cJSON_GetArraySize(cJSON_GetObjectItem(q, "measures"));
  fputs(due ? "</p>\n<ul>" : "</p>\n", out);
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(q, "measures")) {
    fputs("<li>", out);
    if (report_has_text(m, "number")) {
      fputs("№&nbsp;", out);
      put_field(out, m, "number");
      fputs(" ", out);
    }
    put_field(out, m, "title");
    fputs(" — до ", out);
    put_date(out, report_str(m, "to"));
    fputs("</li>", out);
  }
  if (due) fputs("</ul>\n", out);
  fputs("<h3>Принятые управленческие решения</h3>\n", out);
  cj *d, *decisions = cJSON_GetObjectItem(root, "decisions");
  if (!cJSON_GetArraySize(decisions)) fputs("<p>Решения в цикле не записаны.</p>\n", out);
  else {
    fputs("<ul>", out);
    cJSON_ArrayForEach(d, decisions) {
      fputs("<li>", out);
      put_decision(out, d);
      fputs("</li>", out);
    }
    fputs("</ul>\n", out);
  }
  fputs("</section>\n", out);
}

static void html_nav(FILE *out, int org) {
  fputs("<nav aria-label=\"Разделы\"><ol><li><a href=\"#goals\">Цели и задачи</a></li><li><a href=\"#indicators\">Показатели</a></li>"
        "<li><a href=\"#analysis\">Анализ</a></li><li><a href=\"#recommendations\">Рекомендации</a></li><li><a href=\"#measures\">Меры</a></li>"
        "<li><a href=\"#decisions\">Решения</a></li><li><a href=\"#effects\">Эффективность</a></li><li><a href=\"#next\">Следующий цикл</a></li>"
        "<li><a href=\"#assessment\">Самооценка</a></li>", out);
  if (!org) fputs("<li><a href=\"#matrix\">Приложение 1</a></li>", out);
  fprintf(out, "<li><a href=\"#technical\">Приложение %d</a></li></ol></nav>\n", org ? 1 : 2);
}

static void html_section(FILE *out, int number, const char *id, const char *title) {
  fprintf(out, "<section id=\"%s\"><h2>%d. %s</h2>\n", id, number, title);
}

static void html_goals(FILE *out, cj *plan) {
  html_section(out, 1, "goals", "Цели и задачи");
  const char *fields[] = {"goals", "tasks"}, *titles[] = {"Цели", "Задачи"};
  for (int i = 0; i < 2; i++) {
    cj *list = cJSON_GetObjectItem(plan, fields[i]), *g;
    if (!cJSON_GetArraySize(list)) continue;
    fprintf(out, "<h3>%s</h3><ol>", titles[i]);
    cJSON_ArrayForEach(g, list) {
      fputs("<li>", out);
      put(out, g->valuestring);
      fputs("</li>", out);
    }
    fputs("</ol>\n", out);
  }
  fputs("</section>\n", out);
}

/* The periods of the cycles so far (the union of every indicator's). */
static int periods_of(cj *root, int *periods, int max) {
  cj *crit, *ind, *p;
  int n = 0;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators"))
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(ind, "dynamics")) {
      int y = (int)report_number(p, "period"), k = 0;
      while (k < n && periods[k] != y) k++;
      if (k < n || n == max) continue;
      int at = n++;
      while (at > 0 && periods[at - 1] > y) {
        periods[at] = periods[at - 1];
        at--;
      }
      periods[at] = y;
    }
  return n;
}

/* The municipality's values in the periods of the header («27,75 → 32,06»). */
static void put_dynamics(FILE *out, cj *ind, const int *periods, int n) {
  for (int i = 0; i < n; i++) {
    cj *p, *point = NULL;
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(ind, "dynamics")) if ((int)report_number(p, "period") == periods[i]) point = p;
    char v[64];
    fputs(i ? " → " : "", out);
    fputs("<span class=\"nw\">", out);
    put(out, report_has(point, "value") ? ru_number(report_number(point, "value"), 2, v, sizeof v) : "—");
    fputs("</span>", out);
  }
}

/* Two bars: the organization's value against the municipality's, with
 * the target as a line. */
static void pair_chart(FILE *out, cj *ind, cj *mine, cj *total) {
  if (!report_has(mine, "value") && !report_has(total, "value")) return;
  double max = !strcmp(report_str(ind, "unit"), "%") ? 100 : 0;
  double values[] = {report_number(mine, "value"), report_number(total, "value"), report_number(total, "target_value")};
  for (int i = 0; i < 3; i++) if (values[i] > max) max = values[i];
  if (max <= 0) return;
  fprintf(out, "<svg viewBox=\"0 0 100 16\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
               "<rect x=\"0\" y=\"1\" width=\"%.1f\" height=\"6\" fill=\"%s\"/><rect x=\"0\" y=\"9\" width=\"%.1f\" height=\"6\" fill=\"#90a4ae\"/>",
          100 * values[0] / max, mine ? report_colour(report_judgement(mine)) : "#2b5797",
          100 * values[1] / max);
  if (report_has(total, "target_value"))
    fprintf(out, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"16\" stroke=\"#000\" stroke-width=\"1\" vector-effect=\"non-scaling-stroke\"/>",
            100 * values[2] / max, 100 * values[2] / max);
  fputs("</svg>", out);
}

/* One indicator's row: the municipality's value (or the organization's
 * beside it), the target this year, the status, the dynamics and how many
 * organizations fall below. */
static void indicator_row(FILE *out, cj *ind, int org, const int *periods, int nperiods) {
  cj *total = cJSON_GetObjectItem(ind, "total"), *mine = NULL, *o;
  if (org) cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations")) mine = o;
  cj *subject = org ? mine : total;
  const char *status = subject ? report_judgement(subject) : "no_data";
  char value[64], municipal[64];
  fprintf(out, "<tr class=\"%s\"><th scope=\"row\" class=\"full\"><span class=\"no\">", status_class(status));
  put_field(out, ind, "number");
  fputs("</span> ", out);
  put_field(out, ind, "title");
  fputs("</th><td class=\"num\" data-label=\"Значение\">", out);
  put(out, subject ? report_value(ind, subject, "value", value, sizeof value) : "нет данных");
  fputs("</td>", out);
  if (org) {
    fputs("<td class=\"num\" data-label=\"Муниципалитет\">", out);
    put(out, report_value(ind, total, "value", municipal, sizeof municipal));
    fputs("</td>", out);
  }
  fputs("<td data-label=\"Цель\">", out);
  put(out, report_target(ind, subject));
  fputs("</td><td class=\"st\" data-label=\"Статус\">", out);
  put(out, report_status(status));
  fputs("</td>", out);
  if (org) {
    fputs("<td class=\"pair full\" data-label=\"Верхняя полоса — организация, нижняя — муниципалитет, черта — цель\">", out);
    pair_chart(out, ind, mine, total);
    fputs("</td>", out);
  } else {
    fputs("<td class=\"small\" data-label=\"Динамика", out);
    for (int i = 0; i < nperiods && nperiods > 1; i++) fprintf(out, "%s%d", i ? " → " : " ", periods[i]);
    fputs("\">", out);
    put_dynamics(out, ind, periods, nperiods);
    fputs("</td><td class=\"num\" data-label=\"Ниже цели\">", out);
    int judged = (int)report_number(ind, "judged"), below = (int)report_number(ind, "below_target");
    if (judged) fprintf(out, "%d из %d", below, judged);
    else fputs("—", out);
    fputs("</td>", out);
  }
  fputs("</tr>\n", out);
}

/* Section 2: the chart by criterion, then one table of every indicator,
 * a heading row per criterion, its header repeated on each printed page. */
static void html_indicators(FILE *out, cj *root) {
  int org = report_has_text(root, "organization");
  int period = (int)report_number(cJSON_GetObjectItem(root, "cycle"), "period");
  int periods[64], nperiods = periods_of(root, periods, 64);
  html_section(out, 2, "indicators", "Критерии и показатели: результаты мониторинга");
  criteria_chart(out, cJSON_GetObjectItem(root, "summary"));
  if (org)
    fputs("<p class=\"small\">Значения организации рядом со значениями муниципалитета в целом; цели в формулировках "
          "документов и источники данных — в приложении 1.</p>\n", out);
  else
    fputs("<p class=\"small\">Значения муниципалитета в целом; «ниже цели» — сколько организаций из оценённых не достигли "
          "цели. Значения каждой организации — в приложении 1, цели в формулировках документов и источники данных — "
          "в приложении 2.</p>\n", out);
  const int columns = 6;
  fputs("<div class=\"wrap\"><table class=\"cards ind\"><caption class=\"sr\">Показатели по критериям: значение, цель, статус, динамика</caption><colgroup>", out);
  /* the targets are phrases of the documents: their column is wide enough to read them in three lines */
  if (org) fputs("<col style=\"width:36%\"><col style=\"width:10%\"><col style=\"width:10%\"><col style=\"width:21%\">"
                 "<col style=\"width:12%\"><col style=\"width:11%\">", out);
  else fputs("<col style=\"width:38%\"><col style=\"width:10%\"><col style=\"width:24%\"><col style=\"width:12%\">"
             "<col style=\"width:9%\"><col style=\"width:7%\">", out);
  fputs("</colgroup><thead><tr><th scope=\"col\">Показатель</th>", out);
  if (org) fputs("<th scope=\"col\">Значение организации</th><th scope=\"col\">Муниципалитет</th>", out);
  else fputs("<th scope=\"col\">Значение</th>", out);
  fprintf(out, "<th scope=\"col\">Цель на %d г.</th><th scope=\"col\">Статус</th>", period);
  if (org) fputs("<th scope=\"col\">Сравнение</th>", out);
  else {
    fputs("<th scope=\"col\">Динамика", out);
    if (nperiods > 1) {
      fputs("<br>", out);
      for (int i = 0; i < nperiods; i++) fprintf(out, "%s%d", i ? " → " : "", periods[i]);
    }
    fputs("</th><th scope=\"col\">Ниже цели</th>", out);
  }
  fputs("</tr></thead>\n", out);
  cj *crit, *ind;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) {
    fprintf(out, "<tbody><tr class=\"group\"><th colspan=\"%d\" scope=\"rowgroup\">%d. ", columns, (int)report_number(crit, "number"));
    put_field(out, crit, "title");
    fputs("</th></tr>\n", out);
    cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) indicator_row(out, ind, org, periods, nperiods);
    fputs("</tbody>\n", out);
  }
  fputs("</table></div>\n</section>\n", out);
}

/* The origin of a group's problems in words. */
static void put_origin(FILE *out, cj *g) {
  int carried = (int)report_number(g, "carried");
  int all = (int)report_number(g, "below") + cJSON_IsTrue(cJSON_GetObjectItem(g, "municipal"));
  if (!carried) fputs(ru_origin("new"), out);
  else if (carried >= all) fputs(ru_origin("carried"), out);
  else fprintf(out, "в т.&nbsp;ч. %d не решены с прошлого цикла", carried);
}

static void problems_table(FILE *out, cj *root) {
  cj *groups = cJSON_GetObjectItem(root, "problems"), *g;
  int school = report_has_text(root, "organization");
  fputs("<h3>Проблемные зоны</h3>\n", out);
  if (!cJSON_GetArraySize(groups)) {
    fputs("<p>Проблемных зон не выявлено.</p>\n", out);
    return;
  }
  fprintf(out, "<p class=\"small\">Одна строка на показатель, от наиболее серьёзных: значение муниципалитета при невыполненной цели и "
        "%s.</p>\n<div class=\"wrap\"><table class=\"cards\"><caption class=\"sr\">Проблемные зоны по показателям</caption><colgroup><col style=\"width:36%%\">"
        "<col style=\"width:17%%\"><col style=\"width:35%%\"><col style=\"width:12%%\"></colgroup><thead><tr><th scope=\"col\">Показатель</th>"
        "<th scope=\"col\">Муниципалитет</th><th scope=\"col\">%s</th><th scope=\"col\">Происхождение</th>"
        "</tr></thead><tbody>\n", school ? "значение организации" : "организации ниже цели",
          school ? "Значение организации" : "Организации ниже цели");
  cJSON_ArrayForEach(g, groups) {
    cj *total = cJSON_GetObjectItem(g, "total");
    char value[64];
    fputs("<tr><th scope=\"row\" class=\"full\"><span class=\"no\">", out);
    put_field(out, g, "number");
    fputs("</span> ", out);
    put_field(out, g, "title");
    fputs("</th><td class=\"full\" data-label=\"Муниципалитет\">", out);
    if (cJSON_IsTrue(cJSON_GetObjectItem(g, "municipal"))) {
      put(out, report_value(g, total, "value", value, sizeof value));
      fputs(" при цели «", out);
      put(out, report_target(g, total));
      fputs("»", out);
    } else {
      fputs("цель достигнута", out);
    }
    fprintf(out, "</td><td class=\"full\" data-label=\"%s\">", school ? "Значение организации" : "Организации ниже цели");
    int below = (int)report_number(g, "below");
    cj *mine = cJSON_GetArrayItem(cJSON_GetObjectItem(g, "organizations"), 0);
    if (school) {
      if (mine) {
        put(out, report_value(g, mine, "value", value, sizeof value));
        fputs(" при цели «", out);
        put(out, report_target(g, mine));
        fputs("»", out);
      } else {
        fputs("цель достигнута", out);
      }
    } else if (below) {
      report_buf b = {0};
      report_organizations_below(&b, g, 0);
      put_buf(out, &b);
    } else {
      fputs("—", out);
    }
    cj *unjudged = cJSON_GetObjectItem(g, "unjudged"), *u;
    if (cJSON_GetArraySize(unjudged)) {
      fputs("<div class=\"small\">Проблема прошлого цикла, в этом цикле нет данных: ", out);
      int i = 0;
      cJSON_ArrayForEach(u, unjudged) {
        fputs(i++ ? ", " : "", out);
        put_field(out, u, "organization_name");
      }
      fputs(".</div>", out);
    }
    fputs("</td><td data-label=\"Происхождение\">", out);
    put_origin(out, g);
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody></table></div>\n", out);
}

static void html_analysis(FILE *out, cj *root) {
  cj *analysis = cJSON_GetObjectItem(root, "analysis"), *row;
  html_section(out, 3, "analysis", "Анализ");
  problems_table(out, root);
  cj *ranking = cJSON_GetObjectItem(analysis, "ranking");
  if (cJSON_GetArraySize(ranking)) {
    fputs("<h3>Рейтинг организаций по достижению целевых значений</h3>\n<div class=\"wrap\"><table><caption class=\"sr\">Рейтинг организаций по достижению целевых значений</caption><thead><tr>"
          "<th scope=\"col\">Место</th><th scope=\"col\">Организация</th><th scope=\"col\">Достигнуто целей</th>"
          "<th scope=\"col\">Доля</th></tr></thead><tbody>\n", out);
    cJSON_ArrayForEach(row, ranking) {
      char share[64];
      fprintf(out, "<tr><td class=\"num\">%d</td><th scope=\"row\">", (int)report_number(row, "rank"));
      put_field(out, row, "organization_name");
      fprintf(out, "</th><td class=\"num\">%d из %d</td><td class=\"num\">%s%%</td></tr>\n", (int)report_number(row, "met"),
              (int)report_number(row, "judged"), ru_number(report_number(row, "share_met"), 2, share, sizeof share));
    }
    fputs("</tbody></table></div>\n", out);
  }
  cj *ratings = cJSON_GetObjectItem(analysis, "ratings");
  const char *current = NULL;
  cJSON_ArrayForEach(row, ratings) {
    if (!current || strcmp(current, report_str(row, "title"))) {
      if (current) fputs("</tbody></table></div>\n", out);
      current = report_str(row, "title");
      fputs("<h3>", out);
      put(out, current[0] ? current : "Комплексный рейтинг");
      fputs("</h3>\n<div class=\"wrap\"><table><caption class=\"sr\">Комплексный рейтинг организаций</caption><thead><tr><th scope=\"col\">Место</th><th scope=\"col\">Организация</th>"
            "<th scope=\"col\">Балл</th></tr></thead><tbody>\n", out);
    }
    char score[64];
    fprintf(out, "<tr><td class=\"num\">%d</td><th scope=\"row\">", (int)report_number(row, "rank"));
    put_field(out, row, "organization_name");
    fprintf(out, "</th><td class=\"num\">%s</td></tr>\n", ru_number(report_number(row, "score"), 2, score, sizeof score));
  }
  if (current) fputs("</tbody></table></div>\n", out);
  cj *others = cJSON_GetObjectItem(analysis, "municipalities");
  if (cJSON_GetArraySize(others)) {
    fputs("<h3>Сравнение с другими муниципалитетами</h3>\n<div class=\"wrap\"><table><caption class=\"sr\">Сравнение с другими муниципалитетами</caption><thead><tr><th scope=\"col\">Показатель</th>"
          "<th scope=\"col\">Муниципалитет</th><th scope=\"col\">Значение</th><th scope=\"col\">Место</th></tr></thead><tbody>\n", out);
    cJSON_ArrayForEach(row, others) {
      cj *ind = indicator_of(root, report_str(row, "indicator"));
      char value[64];
      fputs("<tr><th scope=\"row\"><span class=\"no\">", out);
      put_field(out, ind, "number");
      fputs("</span> ", out);
      put_field(out, ind, "title");
      fputs("</th><td>", out);
      put(out, report_has_text(row, "municipality_name") ? report_str(row, "municipality_name") : "название не задано");
      fputs("</td><td class=\"num\">", out);
      put(out, report_value(ind, row, "value", value, sizeof value));
      fprintf(out, "</td><td class=\"num\">%d</td></tr>\n", (int)report_number(row, "rank"));
    }
    fputs("</tbody></table></div>\n", out);
  }
  fputs("</section>\n", out);
}

static void html_recommendations(FILE *out, cj *root) {
  html_section(out, 4, "recommendations", "Адресные рекомендации");
  cj *list = cJSON_GetObjectItem(root, "recommendations"), *r;
  if (!cJSON_GetArraySize(list)) fputs("<p>Рекомендаций нет.</p>\n", out);
  const char *current = NULL;
  cJSON_ArrayForEach(r, list) {
    if (!current || strcmp(current, report_str(r, "addressee"))) {
      if (current) fputs("</ol>\n", out);
      current = report_str(r, "addressee");
      fputs("<h3>", out);
      put(out, ru_addressee(current));
      fputs("</h3>\n<ol>", out);
    }
    fputs("<li>", out);
    put_field(out, r, "text");
    fputs("</li>", out);
  }
  if (current) fputs("</ol>\n", out);
  fputs("</section>\n", out);
}

/* A document the store describes, as «(приказ № 5 от 01.02.2023)». */
static void put_evidence(FILE *out, cj *doc) {
  if (!doc || !report_has_text(doc, "kind")) return;
  report_buf b = {0};
  report_buf_add(&b, " (");
  report_document_text(&b, doc);
  report_buf_add(&b, ")");
  put_buf(out, &b);
}

static void html_measures(FILE *out, cj *root) {
  cj *cycle = cJSON_GetObjectItem(root, "cycle"), *list = cJSON_GetObjectItem(root, "measures"), *m;
  html_section(out, 5, "measures", "Меры (дорожная карта)");
  if (!cJSON_GetArraySize(list)) {
    fputs("<p>Мероприятия в цикле не записаны.</p></section>\n", out);
    return;
  }
  fputs("<p class=\"small\">Состояние на ", out);
  put_date(out, report_str(cycle, "as_of"));
  fputs(": «к исполнению» — срок идёт, «просрочено» — срок прошёл, а выполнение не отмечено. У ежегодных мероприятий "
        "состояние указано по годам.</p>\n<div class=\"wrap\"><table class=\"cards\"><caption class=\"sr\">Мероприятия дорожной карты и их состояние</caption><colgroup><col style=\"width:5%\">"
        "<col style=\"width:38%\"><col style=\"width:12%\"><col style=\"width:27%\"><col style=\"width:18%\"></colgroup><thead><tr><th scope=\"col\">№</th>"
        "<th scope=\"col\">Мероприятие</th><th scope=\"col\">Срок</th><th scope=\"col\">Ответственные</th>"
        "<th scope=\"col\">Состояние на ", out);
  put_date(out, report_str(cycle, "as_of"));
  fputs("</th></tr></thead><tbody>\n", out);
  const char *stage = NULL;
  cJSON_ArrayForEach(m, list) {
    if (report_has_text(m, "stage") && (!stage || strcmp(stage, report_str(m, "stage")))) {
      stage = report_str(m, "stage");
      fputs("<tr class=\"group\"><th colspan=\"5\" scope=\"rowgroup\">", out);
      put(out, stage);
      fputs("</th></tr>\n", out);
    }
    const char *state = report_str(m, "state");
    fprintf(out, "<tr class=\"%s\"><td class=\"nw np\">", state);
    put_field(out, m, "number");
    fputs("</td><th scope=\"row\" class=\"full\">", out);
    if (report_has_text(m, "number")) {
      fputs("<span class=\"no ph\">", out);
      put_field(out, m, "number");
      fputs(". </span>", out);
    }
    put_field(out, m, "title");
    fputs("</th><td data-label=\"Срок\">", out);
    put_field(out, m, "schedule");
    fputs("</td><td data-label=\"Ответственные\">", out);
    put_field(out, m, "responsible");
    fputs("</td><td class=\"st\" data-label=\"Состояние\">", out);
    put(out, ru_measure_state(state));
    put_evidence(out, cJSON_GetObjectItem(m, "evidence_document"));
    cj *o;
    int counted = 0;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(m, "occurrences")) counted += cJSON_IsTrue(cJSON_GetObjectItem(o, "counted"));
    if (counted > 1) {
      fputs("<div class=\"small\">", out);
      int first = 1;
      cJSON_ArrayForEach(o, cJSON_GetObjectItem(m, "occurrences")) {
        if (!cJSON_IsTrue(cJSON_GetObjectItem(o, "counted"))) continue;
        fprintf(out, "%s<span class=\"nw\">%d — ", first ? "" : "; ", (int)report_number(o, "year"));
        put(out, ru_measure_state(report_str(o, "state")));
        fputs("</span>", out);
        first = 0;
      }
      fputs("</div>", out);
    }
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody></table></div>\n</section>\n", out);
}

static void html_decisions(FILE *out, cj *root) {
  html_section(out, 6, "decisions", "Управленческие решения");
  cj *list = cJSON_GetObjectItem(root, "decisions"), *d;
  if (!cJSON_GetArraySize(list)) fputs("<p>Решения в цикле не записаны.</p>\n", out);
  else {
    fputs("<ul>", out);
    cJSON_ArrayForEach(d, list) {
      fputs("<li>", out);
      put_decision(out, d);
      fputs("</li>", out);
    }
    fputs("</ul>\n", out);
  }
  fputs("</section>\n", out);
}

static void html_effects(FILE *out, cj *root) {
  html_section(out, 7, "effects", "Анализ эффективности принятых мер");
  cj *list = cJSON_GetObjectItem(root, "effects"), *e;
  int period = (int)report_number(cJSON_GetObjectItem(root, "cycle"), "period");
  if (!cJSON_GetArraySize(list)) {
    fputs("<p>В прошлом цикле не было мер, связанных с показателями, или цикл ещё не закрыт.</p></section>\n", out);
    return;
  }
  fprintf(out, "<p class=\"small\">Меры прошлого цикла и значения связанных с ними показателей по муниципалитету до (%d) и после (%d).</p>\n"
               "<div class=\"wrap\"><table class=\"cards\"><caption class=\"sr\">Изменение показателей, связанных с мерами прошлого цикла</caption><thead><tr><th scope=\"col\">Показатель</th>"
               "<th scope=\"col\">До</th><th scope=\"col\">После</th><th scope=\"col\">Вывод</th></tr></thead><tbody>\n",
          period - 1, period);
  const char *measure = NULL;
  cJSON_ArrayForEach(e, list) {
    cj *ind = indicator_of(root, report_str(e, "indicator"));
    char before[64], after[64];
    if (!measure || strcmp(measure, report_str(e, "title"))) {
      measure = report_str(e, "title");
      fputs("<tr class=\"group\"><th colspan=\"4\" scope=\"rowgroup\">", out);
      if (report_has_text(e, "number")) {
        fputs("№&nbsp;", out);
        put_field(out, e, "number");
        fputs(" ", out);
      }
      put(out, measure);
      fputs("</th></tr>\n", out);
    }
    fputs("<tr><th scope=\"row\" class=\"full small\"><span class=\"no\">", out);
    put_field(out, ind, "number");
    fputs("</span> ", out);
    put_field(out, ind, "title");
    fputs("</th><td class=\"num\" data-label=\"До\">", out);
    put(out, report_value(ind, e, "before_value", before, sizeof before));
    fputs("</td><td class=\"num\" data-label=\"После\">", out);
    put(out, report_value(ind, e, "after_value", after, sizeof after));
    fputs("</td><td data-label=\"Вывод\">", out);
    put(out, ru_verdict(report_str(e, "verdict")));
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody></table></div>\n</section>\n", out);
}

static void html_next(FILE *out, cj *root) {
  html_section(out, 8, "next", "Что переходит в следующий цикл");
  cj *groups = cJSON_GetObjectItem(root, "problems"), *g;
  int period = (int)report_number(cJSON_GetObjectItem(root, "cycle"), "period");
  if (!cJSON_GetArraySize(groups)) {
    fputs("<p>Нерешённых проблем нет.</p></section>\n", out);
    return;
  }
  fprintf(out, "<p>В цикл %d года переходят нерешённые проблемы по ", period + 1);
  put_count(out, cJSON_GetArraySize(groups), "показателю", "показателям", "показателям");
  fputs(" (названия и организации — в разделе 3): ", out);
  int first = 1;
  cJSON_ArrayForEach(g, groups) {
    fputs(first ? "" : "; ", out);
    first = 0;
    fputs("<span class=\"no\">", out);
    put_field(out, g, "number");
    fputs("</span> (", out);
    int below = (int)report_number(g, "below"), municipal = cJSON_IsTrue(cJSON_GetObjectItem(g, "municipal"));
    if (municipal) fputs("муниципалитет", out);
    if (municipal && below) fputs(" и ", out);
    if (below) put_count(out, below, "организация", "организации", "организаций");
    fputs(")", out);
  }
  fputs(".</p>\n</section>\n", out);
}

static void html_assessment(FILE *out, cj *root) {
  html_section(out, 9, "assessment", "Самооценка управленческого цикла");
  cj *s = cJSON_GetObjectItem(root, "self_assessment");
  fprintf(out, "<p>Выполнено критериев самооценки: %d из %d.</p>\n", (int)report_number(s, "met"), (int)report_number(s, "total"));
  fputs("<div class=\"wrap\"><table class=\"cards\"><caption class=\"sr\">Компоненты управленческого цикла и критерии самооценки</caption><thead><tr><th scope=\"col\">Компонент</th><th scope=\"col\">Критерий</th>"
        "<th scope=\"col\">Выполнен</th><th scope=\"col\">Подтверждение</th></tr></thead><tbody>\n", out);
  cj *comp, *crit;
  cJSON_ArrayForEach(comp, cJSON_GetObjectItem(root, "components")) {
    cJSON_ArrayForEach(crit, cJSON_GetObjectItem(comp, "criteria")) {
      int met = cJSON_IsTrue(cJSON_GetObjectItem(crit, "met"));
      fprintf(out, "<tr class=\"%s\"><th scope=\"row\" class=\"full\">%d. ", met ? "met" : "not_met", (int)report_number(comp, "number"));
      put_field(out, comp, "name");
      fputs("</th><td class=\"full\" data-label=\"Критерий\">", out);
      put_field(out, crit, "text");
      fprintf(out, "</td><td class=\"st\" data-label=\"Выполнен\">%s</td><td class=\"full small\" data-label=\"Подтверждение\">",
              met ? "✓ да" : "✗ нет");
      put_field(out, crit, "evidence");
      fputs("</td></tr>\n", out);
    }
  }
  fputs("</tbody></table></div>\n</section>\n", out);
}

/* Appendix 1: every organization's value of every indicator, a few
 * indicators per table so a table fits the width of an A4 page. */
static void html_matrix(FILE *out, cj *root) {
  enum { MOST_PER_TABLE = 13 };
  cj *indicators[512];
  int n = 0;
  cj *crit, *ind, *o;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators"))
    if (n < 512) indicators[n++] = ind;
  if (!n) return;
  fputs("<section id=\"matrix\" class=\"appendix\"><h2>Приложение 1. Значения показателей по организациям</h2>\n"
        "<p class=\"small\">Столбцы — показатели по их номерам (названия — в разделе 2); строки — организации. "
        "Полужирным на красном — цель не достигнута, на зелёном — достигнута; «—» — нет данных. Проценты без знака %.</p>\n", out);
  int tables = (n + MOST_PER_TABLE - 1) / MOST_PER_TABLE, per_table = (n + tables - 1) / tables;
  for (int start = 0; start < n; start += per_table) {
    int end = start + per_table < n ? start + per_table : n;
    fputs("<div class=\"wrap\"><table class=\"matrix\"><caption class=\"sr\">Значения показателей по организациям</caption><thead><tr><th scope=\"col\">Организация</th>", out);
    for (int i = start; i < end; i++) {
      fputs("<th scope=\"col\">", out);
      put_field(out, indicators[i], "number");
      fputs("</th>", out);
    }
    fputs("</tr></thead><tbody>\n", out);
    /* the organizations in the order of the first indicator that has them all */
    cj *rows = cJSON_GetObjectItem(indicators[0], "organizations");
    for (int r = -1; r < cJSON_GetArraySize(rows); r++) {
      cj *first = r < 0 ? NULL : cJSON_GetArrayItem(rows, r);
      const char *org = first ? report_str(first, "organization") : NULL;
      fputs("<tr><th scope=\"row\">", out);
      if (org) put_field(out, first, "organization_name");
      else fputs("<strong>Муниципалитет в целом</strong>", out);
      fputs("</th>", out);
      for (int i = start; i < end; i++) {
        cj *cell = NULL;
        if (!org) cell = cJSON_GetObjectItem(indicators[i], "total");
        else cJSON_ArrayForEach(o, cJSON_GetObjectItem(indicators[i], "organizations"))
          if (!strcmp(report_str(o, "organization"), org)) cell = o;
        const char *status = cell ? report_judgement(cell) : "no_data";
        char v[64];
        fprintf(out, "<td class=\"%s\">", status_class(status));
        if (!report_has(cell, "value")) fputs("—", out);
        else if (!strcmp(report_str(indicators[i], "target_kind"), "presence") && !report_has_text(indicators[i], "unit"))
          fputs(report_number(cell, "value") > 0 ? "да" : "нет", out);
        else put(out, ru_number(report_number(cell, "value"), 2, v, sizeof v));
        fputs("</td>", out);
      }
      fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
  }
  fputs("</section>\n", out);
}

/* Appendix 2: what an auditor needs to reproduce the figures: the codes
 * of the indicators, the rules' hash, the SQL count and the cycle's dates. */
static void html_technical(FILE *out, cj *root) {
  cj *cycle = cJSON_GetObjectItem(root, "cycle");
  fprintf(out, "<section id=\"technical\"%s>", report_has_text(root, "organization") ? " class=\"appendix\"" : "");
  fprintf(out, "<h2>Приложение %d. Показатели: цели, источники, коды; "
               "технические сведения</h2>\n<p class=\"small\">", report_has_text(root, "organization") ? 1 : 2);
  fputs("Хеш правил (пакета показателей), по которым проведён мониторинг: <span class=\"nw\">", out);
  put_field(out, cycle, "pack_hash");
  fprintf(out, "</span>; SQL-запросов при расчёте: %d. Цикл открыт ", (int)report_number(cycle, "statements"));
  put_date(out, report_str(cycle, "opened_at"));
  fputs(", мониторинг проведён ", out);
  put_date(out, report_str(cycle, "run_at"));
  if (report_has_text(cycle, "closed_at")) {
    fputs(", цикл завершён ", out);
    put_date(out, report_str(cycle, "closed_at"));
  }
  fputs("; дата формирования отчёта ", out);
  put_date(out, report_str(cycle, "generated"));
  fputs(".</p>\n<div class=\"wrap\"><table class=\"cards tech\"><caption class=\"sr\">Показатели: коды, цели по документам, источники данных</caption><colgroup><col style=\"width:5%\"><col style=\"width:18%\">"
        "<col style=\"width:45%\"><col style=\"width:32%\"></colgroup><thead><tr><th scope=\"col\">№</th>"
        "<th scope=\"col\">Код в правилах и выгрузках</th><th scope=\"col\">Цель по документу</th>"
        "<th scope=\"col\">Источник данных</th></tr></thead><tbody>\n", out);
  cj *crit, *ind;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    fputs("<tr><td class=\"no\">", out);
    put_field(out, ind, "number");
    fputs("</td><td data-label=\"Код\">", out);
    put_field(out, ind, "id");
    fputs("</td><td class=\"full\" data-label=\"Цель по документу\">", out);
    put(out, report_has_text(ind, "target_text") ? report_str(ind, "target_text") : "не задана");
    fputs("</td><td class=\"full\" data-label=\"Источник данных\">", out);
    put(out, report_has_text(ind, "source") ? report_str(ind, "source") : "не указан");
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody></table></div>\n</section>\n", out);
}

void report_html(const void *model, FILE *out) {
  cj *root = model, *cycle = cJSON_GetObjectItem(root, "cycle");
  int org = report_has_text(root, "organization");
  html_head(out, root);
  html_title(out, root);
  html_summary(out, root);
  html_nav(out, org);
  html_goals(out, cJSON_GetObjectItem(cycle, "plan"));
  html_indicators(out, root);
  html_analysis(out, root);
  html_recommendations(out, root);
  html_measures(out, root);
  html_decisions(out, root);
  html_effects(out, root);
  html_next(out, root);
  html_assessment(out, root);
  if (!org) html_matrix(out, root);
  html_technical(out, root);
  fputs("<footer>Дата формирования отчёта: ", out);
  put_date(out, report_str(cycle, "generated"));
  fputs(". ", out);
  put(out, report_municipality(root));
  fputs(". Отчёт подготовлен по данным мониторинга в программе pdmon.</footer>\n</main></body></html>\n", out);
}
