/* region_html.c: the region's report as one printable, self-contained HTML page: the
 * municipalities ordered by the targets they met (with the cycle each was read from), the
 * indicators with the regional targets, each indicator's distribution across
 * municipalities as small multiples (inline SVG), the municipalities below target, and
 * two appendices (municipality × indicator values; the values over the cycles). Every
 * section is written as its rows come from the store (region_each). Every text from the
 * store goes through engine/report/escape. The promises are in region.h. */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "region.h"
#include "region_render.h"
#include "region_walk.h"
#include "report.h"
#include "report_text.h"
#include "russian.h"

static void put(FILE *out, const char *s) { escape_html(out, s ? s : ""); }

/* Writes text escaped between the markup before and after it. */
static void put_in(FILE *out, const char *before, const char *text, const char *after) {
  fputs(before, out);
  put(out, text);
  fputs(after, out);
}

static void put_date(FILE *out, const char *iso) {
  char buf[32];
  put(out, ru_date(iso, buf, sizeof buf));
}

static void put_count(FILE *out, long long n, const char *one, const char *few, const char *many) {
  char buf[128];
  put(out, ru_count(n, one, few, many, buf, sizeof buf));
}

/* Writes a sentence of region_* (plain text) escaped, and frees it. */
static void put_buf(FILE *out, report_buf *b) {
  put(out, b->s);
  report_buf_free(b);
}

static void put_value(FILE *out, const region_indicator *ind, int has, double v) {
  char buf[96];
  put(out, region_value(ind, has, v, buf, sizeof buf));
}

/* The class of a judgement for colours (the municipal report's classes). */
static const char *status_class(const char *judgement) {
  static const char *const known[] = {"met", "not_met", "on_track", "behind", "in_progress"};
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (!strcmp(judgement, known[i])) return known[i];
  return "other";
}

/* The municipality's name, linked to its own report when it has a cycle. */
static void put_municipality(FILE *out, const region *r, const region_municipality *m) {
  if (m->cycle) {
    fputs("<a href=\"", out);
    escape_url_component(out, r->links); /* a folder name, one path segment */
    fputc('/', out);
    put(out, m->file); /* letters, digits, '-', '_' and ".html" only */
    put_in(out, "\">", region_name(m), "</a>");
  } else {
    put(out, region_name(m));
  }
}

static const char region_style[] =
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.6rem 1rem;margin:.4rem 0 .8rem}"
    ".sm{margin:0;border:1px solid #d6d6d6;padding:.3rem .4rem;break-inside:avoid;display:flex;flex-direction:column}"
    ".sm figcaption{font-size:.8rem;line-height:1.25;flex:1 0 auto;margin-bottom:.2rem}.sm svg{width:100%;height:auto;display:block}"
    ".sm .axis{display:flex;justify-content:space-between;font-size:.72rem;color:#333;margin:0}"
    ".sm .note{font-size:.72rem;color:#333;margin:.1rem 0 0}"
    ".below h3{font-size:.95rem;margin:.8rem 0 .2rem}.below p{margin:.15rem 0 .3rem;font-size:.9rem}"
    ".rank td.num,.rank th.num{text-align:right}.nocycle td,.nocycle th{color:#555;background:#f6f6f6}"
    ".matrix td .s{font-size:.7rem;margin-left:.15em}"
    "table.fixed{table-layout:fixed}"
    "@media print{.grid{grid-template-columns:repeat(3,1fr)}.sm figcaption{font-size:7.5pt}"
    "section.wide{page:wide}#dynamics .cols{columns:2;column-gap:1.2rem}#dynamics h3{break-after:avoid}"
    "#dynamics .wrap{break-inside:auto}}"
    "@media (max-width:40rem){table.cards td.num{text-align:left}table.fixed{table-layout:auto}}"
    "@page wide{size:A4 landscape}";

static void head(FILE *out, const region *r) {
  char generated[32];
  ru_date(r->generated, generated, sizeof generated);
  fprintf(out,
          "<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>"
          "Мониторинг профессионального развития педагогических работников: муниципалитеты региона, %d</title>"
          "<style>%s%s"
          "@page{size:A4;margin:14mm 12mm 16mm 14mm;"
          "@bottom-left{content:\"Сформировано %s\";font-size:8pt;color:#555}"
          "@bottom-right{content:\"стр. \" counter(page) \" из \" counter(pages);font-size:8pt;color:#555}}"
          "</style></head>\n<body><main>\n",
          r->period, report_css(), region_style, generated);
}

static void title(FILE *out, const region *r) {
  report_buf b = {0};
  put_in(out, "<header><p class=\"kicker\">", region_word.kicker, "</p>\n<h1>");
  region_title_sentence(&b, r);
  put_buf(out, &b);
  put_in(out, "</h1>\n<p class=\"meta\">", region_word.as_of, "<strong>");
  put_date(out, r->as_of);
  fputs("</strong>", out);
  region_period_sentence(&b, r);
  put_buf(out, &b);
  fputs("</p></header>\n", out);
}

static void summary(FILE *out, const region *r) {
  report_buf b = {0};
  put_in(out, "<section id=\"summary\"><h2>", region_word.summary, "</h2>\n<p>");
  region_scope_sentence(&b, r);
  put_buf(out, &b);
  fputs("</p>\n", out);
  /* the indicators most municipalities miss */
  put_in(out, "<h3>", region_word.most_missed, "</h3>\n");
  size_t order[5], n = region_most_missed(r, order, 5);
  if (!n) {
    put_in(out, "<p>", region_word.none_missed, "</p>\n");
  } else {
    fputs("<ol>", out);
    for (size_t k = 0; k < n; k++) {
      const region_indicator *ind = &r->indicators[order[k]];
      fprintf(out, "<li><span class=\"no\">%s</span> ", ind->number);
      region_missed_sentence(&b, ind);
      put_buf(out, &b);
      fputs("</li>\n", out);
    }
    fputs("</ol>\n", out);
  }
  fputs("</section>\n<nav aria-label=\"Разделы\"><ol><li><a href=\"#ranking\">Муниципалитеты</a></li>"
        "<li><a href=\"#indicators\">Показатели и цели</a></li><li><a href=\"#distribution\">Распределение</a></li>"
        "<li><a href=\"#below\">Ниже цели</a></li><li><a href=\"#matrix\">Приложение 1</a></li>"
        "<li><a href=\"#dynamics\">Приложение 2</a></li></ol></nav>\n", out);
}

static void ranking(FILE *out, const region *r) {
  report_buf b = {0};
  put_in(out, "<section id=\"ranking\"><h2>", region_word.ranking, "</h2>\n<p>");
  put(out, region_ranking_note(r));
  if (r->ratings) put(out, region_word.ratings_note);
  fputs("</p>\n<p class=\"small\">", out);
  put(out, region_word.links_note);
  fputs("</p>\n"
        "<div class=\"wrap\"><table class=\"rank cards fixed\"><caption class=\"sr\">Муниципалитеты по числу достигнутых целей</caption>"
        "<colgroup><col style=\"width:7%\"><col style=\"width:29%\"><col style=\"width:16%\"><col style=\"width:10%\">"
        "<col style=\"width:10%\"><col style=\"width:12%\"><col style=\"width:8%\"><col style=\"width:8%\"></colgroup>"
        "<thead><tr><th scope=\"col\">Место</th><th scope=\"col\">Муниципалитет</th>"
        "<th scope=\"col\">Цикл за период проведён</th><th scope=\"col\">Цель достиг&shy;нута</th>"
        "<th scope=\"col\">Не достиг&shy;нута</th><th scope=\"col\">В процессе: по траек&shy;тории / отста&shy;вание</th>"
        "<th scope=\"col\">Без оценки</th><th scope=\"col\">Пока&shy;зателей</th></tr></thead><tbody>\n", out);
  for (size_t k = 0; k < r->nmunicipalities; k++) {
    const region_municipality *m = &r->municipalities[r->ranking[k]];
    if (!m->cycle) {
      fputs("<tr class=\"nocycle\"><td class=\"num\" data-label=\"Место\">—</td><th scope=\"row\" class=\"full\" data-label=\"Муниципалитет\">", out);
      put_municipality(out, r, m);
      fputs("</th><td class=\"full\" colspan=\"6\" data-label=\"Цикл за период\"><strong>", out);
      region_no_cycle_sentence(&b, r);
      put_buf(out, &b);
      fputs("</strong>", out);
      region_latest_cycle_sentence(&b, m);
      put_buf(out, &b);
      fputs("</td></tr>\n", out);
      continue;
    }
    fprintf(out, "<tr><td class=\"num\" data-label=\"Место\">%d</td><th scope=\"row\" class=\"full\" data-label=\"Муниципалитет\">", m->rank);
    put_municipality(out, r, m);
    fputs("</th><td class=\"full nw\" data-label=\"Цикл за период проведён\">", out);
    region_run_sentence(&b, m);
    put_buf(out, &b);
    fprintf(out, "</td><td class=\"num\" data-label=\"Достигнуто\">%d</td><td class=\"num\" data-label=\"Не достигнуто\">%d</td>"
                 "<td class=\"num\" data-label=\"По траектории / отставание\">%d / %d</td>"
                 "<td class=\"num\" data-label=\"Без оценки\">%d</td><td class=\"num\" data-label=\"Показателей\">%d</td></tr>\n",
            m->met, m->not_met, m->on_track, m->behind, m->in_progress + m->other, m->results);
  }
  put_in(out, "</tbody></table></div>\n<p class=\"small\">", region_word.unjudged_note, "</p></section>\n");
}

static void indicators(FILE *out, const region *r) {
  report_buf b = {0};
  put_in(out, "<section id=\"indicators\"><h2>", region_word.indicators, "</h2>\n<p class=\"small\">");
  put(out, region_word.indicators_note);
  fputs("</p>\n"
        "<div class=\"wrap\"><table class=\"cards fixed\"><caption class=\"sr\">Показатели и цели</caption><colgroup><col style=\"width:4%\">"
        "<col style=\"width:42%\"><col style=\"width:26%\"><col style=\"width:7%\"><col style=\"width:7%\"><col style=\"width:8%\">"
        "<col style=\"width:6%\"></colgroup><thead><tr>"
        "<th scope=\"col\">№</th><th scope=\"col\">Показатель</th><th scope=\"col\">Цель</th>"
        "<th scope=\"col\">Достиг&shy;ли</th><th scope=\"col\">Не достиг&shy;ли</th>"
        "<th scope=\"col\">По траек&shy;тории / отста&shy;вание</th><th scope=\"col\">Про&shy;чие</th></tr></thead><tbody>\n", out);
  const char *criterion = NULL;
  for (size_t i = 0; i < r->nindicators; i++) {
    const region_indicator *ind = &r->indicators[i];
    if (!criterion || strcmp(criterion, ind->criterion)) {
      criterion = ind->criterion;
      put_in(out, "<tr class=\"group\"><th colspan=\"7\" class=\"full\">", region_criterion(ind), "</th></tr>\n");
    }
    fprintf(out, "<tr><td class=\"no\">%s</td><td class=\"full\" data-label=\"Показатель\">", ind->number);
    put(out, ind->title);
    if (!strcmp(ind->level, "municipality")) {
      put_in(out, " <span class=\"small\">", region_word.whole, "</span>");
    }
    fputs("</td><td class=\"full\" data-label=\"Цель\">", out);
    put(out, region_target_text(ind));
    if (ind->own_target) {
      fputs(" <span class=\"small\">", out);
      region_own_target_sentence(&b, ind);
      put_buf(out, &b);
      fputs("</span>", out);
    }
    fprintf(out, "</td><td class=\"num\" data-label=\"Достигли\">%d</td><td class=\"num\" data-label=\"Не достигли\">%d</td>"
                 "<td class=\"num\" data-label=\"По траектории / отставание\">%d / %d</td><td class=\"num\" data-label=\"Прочие\">%d</td></tr>\n",
            ind->met, ind->not_met, ind->on_track, ind->behind, ind->other);
  }
  fputs("</tbody></table></div>\n</section>\n", out);
}

/* What every mark of a section writes to: the page and the region. */
typedef struct page {
  FILE *out;
  const region *r;
} page;

/* ---- small multiples: each indicator's values across municipalities ---- */

/* Writes the figure of an indicator's histogram. */
static void histogram_figure(void *ud, size_t i, const region_scale *s, const int counts[REGION_BINS][REGION_KINDS]) {
  page *pg = ud;
  FILE *out = pg->out;
  const region_indicator *ind = &pg->r->indicators[i];
  int bins = s->bins, most = 1;
  for (int b = 0; b < bins; b++) {
    int sum = 0;
    for (int k = 0; k < REGION_KINDS; k++) sum += counts[b][k];
    if (sum > most) most = sum;
  }
  fprintf(out, "<figure class=\"sm\"><figcaption><span class=\"no\">%s</span> ", ind->number);
  put_in(out, "", ind->title, "</figcaption>");
  /* 200 × 70: bars in 0..60, the target as a dashed line */
  fputs("<svg viewBox=\"0 0 200 64\" role=\"img\" aria-label=\"", out);
  fprintf(out, "Распределение муниципалитетов по значению: достигли цели %d, не достигли %d, из %d\">", ind->met,
          ind->not_met, ind->municipalities);
  double width = 200.0 / bins;
  for (int b = 0; b < bins; b++) {
    double y = 62;
    for (int k = 0; k < REGION_KINDS; k++) {
      int c = counts[b][k];
      if (!c) continue;
      double height = 58.0 * c / most;
      y -= height;
      fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", b * width + 1, y,
              width - 2, height, report_colour(region_kind(k)));
    }
  }
  fputs("<line x1=\"0\" y1=\"62.5\" x2=\"200\" y2=\"62.5\" stroke=\"#555\" stroke-width=\"1\"/>", out);
  int target_line = region_shows_target(ind, s);
  if (target_line) {
    double x = 200.0 * (ind->target_value - s->lo) / (s->hi - s->lo);
    if (x < 1) x = 1;
    if (x > 199) x = 199;
    fprintf(out, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"64\" stroke=\"#1b1b1b\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>", x, x);
  }
  fputs("</svg><p class=\"axis\">", out);
  if (s->presence) {
    put_in(out, "<span>", region_word.absent, "</span><span>");
    put_in(out, "", region_word.present, "</span>");
  } else {
    fputs("<span>", out);
    put_value(out, ind, 1, s->lo);
    fputs("</span><span>", out);
    put_value(out, ind, 1, s->hi);
    fputs("</span>", out);
  }
  fputs("</p><p class=\"note\">", out);
  if (target_line) {
    fputs("Пунктир — цель ", out);
    put_value(out, ind, 1, ind->target_value);
    fputs("; ", out);
  }
  if (!ind->values) fputs("значений нет ни у одного муниципалитета.</p></figure>\n", out);
  else {
    fputs("наибольший столбец — ", out);
    put_count(out, most, "муниципалитет", "муниципалитета", "муниципалитетов");
    fputs(".</p></figure>\n", out);
  }
}

static int distribution(FILE *out, region *r) {
  fputs("<section id=\"distribution\"><h2>", out);
  put(out, region_word.distribution);
  fputs("</h2>\n"
        "<p class=\"small\">Для каждого показателя: сколько муниципалитетов имеют значение в каждом из десяти равных"
        " интервалов шкалы (от левого края к правому); цвет — статус:", out);
  static const char *const names[REGION_KINDS] = {"достигнуто", "в процессе, по траектории", "в процессе, отставание",
                                                  "не достигнуто", "без оценки"};
  for (int k = 0; k < REGION_KINDS; k++) {
    fprintf(out, " <span class=\"it\"><svg class=\"sw\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"%s\"/></svg>",
            report_colour(region_kind(k)));
    put(out, names[k]);
    fputs(k + 1 < REGION_KINDS ? ";</span>" : ".</span>", out);
  }
  fputs(" Муниципалитеты без значения не показаны.</p>\n<div class=\"grid\">\n", out);
  page pg = {out, r};
  int rc = region_walk_histograms(r, histogram_figure, &pg);
  fputs("</div>\n</section>\n", out);
  return rc;
}

/* ---- below target ---- */

static void below_indicator(void *ud, const region_indicator *ind) {
  page *pg = ud;
  fprintf(pg->out, "<div><h3><span class=\"no\">%s</span> ", ind->number);
  put_in(pg->out, "", ind->title, "</h3><p class=\"small\">");
  put(pg->out, region_word.target);
  put_in(pg->out, "", region_target_text(ind), "</p>\n");
}

static void below_list(void *ud, const char *title, const char *count) {
  page *pg = ud;
  put_in(pg->out, "<p><strong>", title, "</strong> (");
  put_in(pg->out, "", count, "): ");
}

static void below_entry(void *ud, const region_municipality *m, const char *figures, int first) {
  page *pg = ud;
  if (!first) fputs("; ", pg->out);
  fputs("<span class=\"nw\">", pg->out);
  put_municipality(pg->out, pg->r, m);
  put_in(pg->out, "", figures, "</span>");
}

static void below_list_end(void *ud) { fputs(".</p>\n", ((page *)ud)->out); }

static void below_indicator_end(void *ud) { fputs("</div>\n", ((page *)ud)->out); }

static void below_clear(void *ud, const region_indicator *ind, int first) {
  page *pg = ud;
  if (first) put_in(pg->out, "<p>", region_word.none_below, "");
  else fputs(", ", pg->out);
  fputs(ind->number, pg->out);
}

static const region_below_marks below_marks = {below_indicator, below_list, below_entry, below_list_end,
                                               below_indicator_end, below_clear, below_list_end};

static int below_target(FILE *out, region *r) {
  put_in(out, "<section id=\"below\" class=\"below\"><h2>", region_word.below, "</h2>\n<p class=\"small\">");
  put_in(out, "", region_word.below_note, "</p>\n");
  page pg = {out, r};
  int rc = region_walk_below(r, &below_marks, &pg);
  fputs("</section>\n", out);
  return rc;
}

/* ---- the appendices: tables of values ---- */

/* A row's head: the municipality, linked. */
static void grid_row(void *ud, const region_municipality *m) {
  page *pg = ud;
  fputs("<tr><th scope=\"row\">", pg->out);
  put_municipality(pg->out, pg->r, m);
  fputs("</th>", pg->out);
}

static void grid_row_end(void *ud) { fputs("</tr>\n", ((page *)ud)->out); }

static void grid_table_end(void *ud) { fputs("</tbody></table></div>\n", ((page *)ud)->out); }

/* ---- appendix 1: municipality × indicator ---- */

static void matrix_table(void *ud, size_t from, size_t to) {
  page *pg = ud;
  FILE *out = pg->out;
  fputs("<div class=\"wrap\"><table class=\"matrix\"><caption class=\"sr\">Значения показателей по муниципалитетам</caption>"
        "<thead><tr><th scope=\"col\">Муниципалитет</th>", out);
  for (size_t i = from; i < to; i++) {
    fputs("<th scope=\"col\" title=\"", out);
    put(out, pg->r->indicators[i].title);
    fprintf(out, "\">%s</th>", pg->r->indicators[i].number);
  }
  fputs("</tr></thead><tbody>\n", out);
}

static void matrix_no_cycle(void *ud, const region_municipality *m, size_t columns) {
  page *pg = ud;
  fputs("<tr class=\"nocycle\"><th scope=\"row\">", pg->out);
  put_municipality(pg->out, pg->r, m);
  report_buf b = {0};
  fprintf(pg->out, "</th><td colspan=\"%zu\">", columns);
  region_no_cycle_sentence(&b, pg->r);
  put_buf(pg->out, &b);
  fputs("</td></tr>\n", pg->out);
}

/* A value coloured and signed by its judgement (and, in matrix, the judgement in words for
 * screen readers). */
static void judged_cell(FILE *out, const char *judgement, const char *value, int spoken) {
  fprintf(out, "<td class=\"%s\">", status_class(judgement));
  put(out, value);
  fprintf(out, "<span class=\"s\" title=\"%s\">%s</span>", ru_status(judgement), region_sign(judgement));
  if (spoken) put_in(out, "<span class=\"sr\"> ", ru_status(judgement), "</span>");
  fputs("</td>", out);
}

static void matrix_cell(void *ud, const char *judgement, const char *value) {
  judged_cell(((page *)ud)->out, judgement, value, 1);
}

static void matrix_gap(void *ud) { fputs("<td class=\"other\">—</td>", ((page *)ud)->out); }

static const region_grid_marks matrix_marks = {matrix_table, grid_row, matrix_no_cycle, matrix_cell,
                                               matrix_gap,   grid_row_end, grid_table_end};

static int matrix_appendix(FILE *out, region *r) {
  fputs("<section id=\"matrix\" class=\"appendix wide\"><h2>", out);
  put(out, region_word.matrix);
  fputs("</h2>\n"
        "<p class=\"small\">Столбцы — показатели по их номерам (названия и цели — в разделе 2); строки — муниципалитеты"
        " в порядке названий. Значения по муниципалитету в целом, проценты без знака %; статус — знаком и цветом:"
        " ✓ достигнуто (зелёный), ✗ не достигнуто (красный), ↗ в процессе, по траектории, ⚠ в процессе, отставание"
        " (жёлтый), ○ в процессе без оценки хода, · без цели, без данных или не применимо; «—» — нет результата.</p>\n", out);
  page pg = {out, r};
  int rc = region_walk_matrix(r, 13, &matrix_marks, &pg);
  fputs("</section>\n", out);
  return rc;
}

/* ---- appendix 2: the values over the cycles ---- */

static void dynamics_table(void *ud, size_t i, size_t last) {
  (void)last;
  page *pg = ud;
  FILE *out = pg->out;
  const region *r = pg->r;
  fprintf(out, "<h3><span class=\"no\">%s</span> ", r->indicators[i].number);
  put_in(out, "", r->indicators[i].title, "</h3>\n<div class=\"wrap\"><table class=\"matrix\"><thead><tr><th scope=\"col\">Муниципалитет</th>");
  for (int p = 0; p < r->nperiods; p++) fprintf(out, "<th scope=\"col\">%d</th>", r->periods[p]);
  fputs("</tr></thead><tbody>\n", out);
}

static void dynamics_cell(void *ud, const char *judgement, const char *value) {
  judged_cell(((page *)ud)->out, judgement, value, 0);
}

static void dynamics_gap(void *ud) { fputs("<td class=\"num\">—</td>", ((page *)ud)->out); }

static const region_grid_marks dynamics_marks = {dynamics_table, grid_row,     NULL,          dynamics_cell,
                                                 dynamics_gap,   grid_row_end, grid_table_end};

static int dynamics_appendix(FILE *out, region *r) {
  put_in(out, "<section id=\"dynamics\" class=\"appendix\"><h2>", region_word.dynamics, "</h2>\n<p class=\"small\">");
  put_in(out, "", region_word.dynamics_note, "</p>\n<div class=\"cols\">\n");
  page pg = {out, r};
  int rc = region_walk_dynamics(r, &dynamics_marks, &pg);
  fputs("</div></section>\n", out);
  return rc;
}

int region_html(region *r, FILE *out) {
  head(out, r);
  title(out, r);
  summary(out, r);
  ranking(out, r);
  indicators(out, r);
  int rc = distribution(out, r);
  if (rc == 0) rc = below_target(out, r);
  if (rc == 0) rc = matrix_appendix(out, r);
  if (rc == 0) rc = dynamics_appendix(out, r);
  fputs("<footer>", out);
  put(out, region_word.generated);
  put_date(out, r->generated);
  put_in(out, "", region_word.made_by, "</footer>\n</main></body></html>\n");
  return rc;
}
