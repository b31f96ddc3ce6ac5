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
#include "report.h"
#include "report_text.h"
#include "russian.h"

static void put(FILE *out, const char *s) { escape_html(out, s ? s : ""); }

static void put_date(FILE *out, const char *iso) {
  char buf[32];
  put(out, ru_date(iso, buf, sizeof buf));
}

static void put_count(FILE *out, long long n, const char *one, const char *few, const char *many) {
  char buf[128];
  put(out, ru_count(n, one, few, many, buf, sizeof buf));
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

/* The sign of a judgement in the matrix (the legend says what each means). */
static const char *status_sign(const char *judgement) {
  if (!strcmp(judgement, "met")) return "✓";
  if (!strcmp(judgement, "not_met")) return "✗";
  if (!strcmp(judgement, "behind")) return "⚠";
  if (!strcmp(judgement, "on_track")) return "↗";
  if (!strcmp(judgement, "in_progress")) return "○";
  return "·";
}

/* The municipality's name, linked to its own report when it has a cycle. */
static void put_municipality(FILE *out, const region *r, const region_municipality *m) {
  if (m->cycle) {
    fputs("<a href=\"", out);
    escape_url_component(out, r->links); /* a folder name, one path segment */
    fputc('/', out);
    put(out, m->file); /* letters, digits, '-', '_' and ".html" only */
    fputs("\">", out);
    put(out, region_name(m));
    fputs("</a>", out);
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
  fprintf(out, "<header><p class=\"kicker\">Регион · все муниципалитеты хранилища</p>\n"
               "<h1>Результаты мониторинга муниципальных систем обеспечения профессионального развития"
               " педагогических работников за %d год</h1>\n<p class=\"meta\">По состоянию на <strong>", r->period);
  put_date(out, r->as_of);
  fprintf(out, "</strong>; период мониторинга: 01.01.%d–31.12.%d. Отчёт прочитан из циклов мониторинга,"
               " проведённых каждым муниципалитетом за %d год (дата проведения — в разделе 1).</p></header>\n",
          r->period, r->period, r->period);
}

static void summary(FILE *out, const region *r) {
  size_t without = r->nmunicipalities - r->ncycles;
  fputs("<section id=\"summary\"><h2>Итоги</h2>\n<p>В хранилище ", out);
  put_count(out, (long long)r->nmunicipalities, "муниципалитет", "муниципалитета", "муниципалитетов");
  fprintf(out, "; цикл мониторинга за %d год проведён в ", r->period);
  put_count(out, (long long)r->ncycles, "муниципалитете", "муниципалитетах", "муниципалитетах");
  if (without) {
    fputs(", нет цикла — в ", out);
    put_count(out, (long long)without, "муниципалитете", "муниципалитетах", "муниципалитетах");
    fputs(" (отмечены в разделе 1)", out);
  }
  fputs(". Показателей: ", out);
  fprintf(out, "%zu.</p>\n", r->nindicators);
  /* the indicators most municipalities miss */
  fputs("<h3>Показатели, по которым больше всего муниципалитетов не достигли цели</h3>\n", out);
  size_t order[64], n = 0;
  for (size_t i = 0; i < r->nindicators && n < 64; i++)
    if (r->indicators[i].not_met > 0) order[n++] = i;
  for (size_t i = 1; i < n; i++) /* insertion sort: at most 64 */
    for (size_t j = i; j > 0 && r->indicators[order[j]].not_met > r->indicators[order[j - 1]].not_met; j--) {
      size_t t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  if (!n) fputs("<p>Нет показателей, цель по которым не достигнута хотя бы одним муниципалитетом.</p>\n", out);
  else {
    fputs("<ol>", out);
    for (size_t k = 0; k < n && k < 5; k++) {
      const region_indicator *ind = &r->indicators[order[k]];
      fprintf(out, "<li><span class=\"no\">%s</span> ", ind->number);
      put(out, ind->title);
      fputs(": не достигли цели ", out);
      put_count(out, ind->not_met, "муниципалитет", "муниципалитета", "муниципалитетов");
      fprintf(out, " из %d (цель: ", ind->municipalities);
      put(out, ind->target_text[0] ? ind->target_text : "не задана");
      fputs(").</li>\n", out);
    }
    fputs("</ol>\n", out);
  }
  fputs("</section>\n<nav aria-label=\"Разделы\"><ol><li><a href=\"#ranking\">Муниципалитеты</a></li>"
        "<li><a href=\"#indicators\">Показатели и цели</a></li><li><a href=\"#distribution\">Распределение</a></li>"
        "<li><a href=\"#below\">Ниже цели</a></li><li><a href=\"#matrix\">Приложение 1</a></li>"
        "<li><a href=\"#dynamics\">Приложение 2</a></li></ol></nav>\n", out);
}

static void ranking(FILE *out, const region *r) {
  fputs("<section id=\"ranking\"><h2>1. Муниципалитеты: достижение целей и прочитанные циклы</h2>\n<p>", out);
  put(out, region_ranking_note(r));
  if (r->ratings)
    fputs(" Рейтинги организаций, которые задаёт набор правил, приведены в отчётах муниципалитетов.", out);
  fputs("</p>\n<p class=\"small\">Название муниципалитета — ссылка на его собственный отчёт за период.</p>\n"
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
      fprintf(out, "</th><td class=\"full\" colspan=\"6\" data-label=\"Цикл за период\"><strong>нет цикла за %d год</strong>", r->period);
      if (m->latest_period) fprintf(out, " (последний проведённый цикл — за %d год)", m->latest_period);
      fputs("</td></tr>\n", out);
      continue;
    }
    fprintf(out, "<tr><td class=\"num\" data-label=\"Место\">%d</td><th scope=\"row\" class=\"full\" data-label=\"Муниципалитет\">", m->rank);
    put_municipality(out, r, m);
    fputs("</th><td class=\"full nw\" data-label=\"Цикл за период проведён\">", out);
    put_date(out, m->run_at);
    if (!strcmp(m->state, "closed")) fputs(", завершён", out);
    fprintf(out, "</td><td class=\"num\" data-label=\"Достигнуто\">%d</td><td class=\"num\" data-label=\"Не достигнуто\">%d</td>"
                 "<td class=\"num\" data-label=\"По траектории / отставание\">%d / %d</td>"
                 "<td class=\"num\" data-label=\"Без оценки\">%d</td><td class=\"num\" data-label=\"Показателей\">%d</td></tr>\n",
            m->met, m->not_met, m->on_track, m->behind, m->in_progress + m->other, m->results);
  }
  fputs("</tbody></table></div>\n<p class=\"small\">«Без оценки» — показатели в процессе без оценки хода, без цели,"
        " без данных или не применимые.</p></section>\n", out);
}

static void indicators(FILE *out, const region *r) {
  fputs("<section id=\"indicators\"><h2>2. Показатели и целевые значения региона</h2>\n"
        "<p class=\"small\">Цель — та, по которой оценено большинство муниципалитетов за период (у муниципалитета"
        " может быть своя цель, если её задаёт его набор правил; такие случаи отмечены).</p>\n"
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
      fputs("<tr class=\"group\"><th colspan=\"7\" class=\"full\">", out);
      put(out, criterion[0] ? criterion : "Без критерия");
      fputs("</th></tr>\n", out);
    }
    fprintf(out, "<tr><td class=\"no\">%s</td><td class=\"full\" data-label=\"Показатель\">", ind->number);
    put(out, ind->title);
    if (!strcmp(ind->level, "municipality")) fputs(" <span class=\"small\">(по муниципалитету в целом)</span>", out);
    fputs("</td><td class=\"full\" data-label=\"Цель\">", out);
    put(out, ind->target_text[0] ? ind->target_text : "не задана");
    if (ind->own_target) {
      fputs(" <span class=\"small\">(своя цель — у ", out);
      put_count(out, ind->own_target, "муниципалитета", "муниципалитетов", "муниципалитетов");
      fputs(")</span>", out);
    }
    fprintf(out, "</td><td class=\"num\" data-label=\"Достигли\">%d</td><td class=\"num\" data-label=\"Не достигли\">%d</td>"
                 "<td class=\"num\" data-label=\"По траектории / отставание\">%d / %d</td><td class=\"num\" data-label=\"Прочие\">%d</td></tr>\n",
            ind->met, ind->not_met, ind->on_track, ind->behind, ind->other);
  }
  fputs("</tbody></table></div>\n</section>\n", out);
}

/* ---- small multiples: each indicator's values across municipalities ---- */

enum { BINS = 10, KINDS = 5 };
static const char *const bin_kinds[KINDS] = {"met", "on_track", "behind", "not_met", "other"};

typedef struct histogram {
  FILE *out;
  const region *r;
  size_t indicator; /* the one being counted; (size_t)-1 before the first */
  int counts[BINS][KINDS];
  int presence; /* two bins: absent, present */
  double lo, hi;
} histogram;

static int kind_of(const char *judgement) {
  for (int k = 0; k < KINDS - 1; k++)
    if (!strcmp(judgement, bin_kinds[k])) return k;
  return KINDS - 1;
}

static void histogram_start(histogram *h, size_t i) {
  const region_indicator *ind = &h->r->indicators[i];
  memset(h->counts, 0, sizeof h->counts);
  h->indicator = i;
  h->presence = !strcmp(ind->target_kind, "presence") && !ind->unit[0];
  h->lo = ind->min < 0 ? ind->min : 0;
  h->hi = ind->max;
  if (!strcmp(ind->unit, "%") && h->hi < 100) h->hi = 100;
  if (ind->has_target_value && strcmp(ind->target_kind, "growth") && ind->target_value > h->hi) h->hi = ind->target_value;
  if (h->hi <= h->lo) h->hi = h->lo + 1;
}

/* Writes the figure of the indicator being counted. */
static void histogram_flush(histogram *h) {
  if (h->indicator == (size_t)-1) return;
  const region_indicator *ind = &h->r->indicators[h->indicator];
  FILE *out = h->out;
  int bins = h->presence ? 2 : BINS, most = 1;
  for (int b = 0; b < bins; b++) {
    int sum = 0;
    for (int k = 0; k < KINDS; k++) sum += h->counts[b][k];
    if (sum > most) most = sum;
  }
  fprintf(out, "<figure class=\"sm\"><figcaption><span class=\"no\">%s</span> ", ind->number);
  put(out, ind->title);
  fputs("</figcaption>", out);
  /* 200 × 70: bars in 0..60, the target as a dashed line */
  fputs("<svg viewBox=\"0 0 200 64\" role=\"img\" aria-label=\"", out);
  fprintf(out, "Распределение муниципалитетов по значению: достигли цели %d, не достигли %d, из %d\">", ind->met,
          ind->not_met, ind->municipalities);
  double width = 200.0 / bins;
  for (int b = 0; b < bins; b++) {
    double y = 62;
    for (int k = 0; k < KINDS; k++) {
      int c = h->counts[b][k];
      if (!c) continue;
      double height = 58.0 * c / most;
      y -= height;
      fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", b * width + 1, y,
              width - 2, height, report_colour(bin_kinds[k]));
    }
  }
  fputs("<line x1=\"0\" y1=\"62.5\" x2=\"200\" y2=\"62.5\" stroke=\"#555\" stroke-width=\"1\"/>", out);
  int target_line = !h->presence && ind->has_target_value && strcmp(ind->target_kind, "growth");
  if (target_line) {
    double x = 200.0 * (ind->target_value - h->lo) / (h->hi - h->lo);
    if (x < 1) x = 1;
    if (x > 199) x = 199;
    fprintf(out, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"64\" stroke=\"#1b1b1b\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>", x, x);
  }
  fputs("</svg><p class=\"axis\">", out);
  if (h->presence) fputs("<span>отсутствует</span><span>имеется</span>", out);
  else {
    fputs("<span>", out);
    put_value(out, ind, 1, h->lo);
    fputs("</span><span>", out);
    put_value(out, ind, 1, h->hi);
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

static int histogram_cell(void *ud, const region_cell *cell) {
  histogram *h = ud;
  if (cell->indicator != h->indicator) {
    histogram_flush(h);
    histogram_start(h, cell->indicator);
  }
  if (!cell->has_value) return 0;
  int b;
  if (h->presence) b = cell->value > 0;
  else {
    b = (int)((cell->value - h->lo) / (h->hi - h->lo) * BINS);
    if (b < 0) b = 0;
    if (b >= BINS) b = BINS - 1;
  }
  h->counts[b][kind_of(region_judgement(cell))]++;
  return 0;
}

static int distribution(FILE *out, region *r) {
  fputs("<section id=\"distribution\"><h2>3. Распределение муниципалитетов по значениям показателей</h2>\n"
        "<p class=\"small\">Для каждого показателя: сколько муниципалитетов имеют значение в каждом из десяти равных"
        " интервалов шкалы (от левого края к правому); цвет — статус:", out);
  static const char *const names[KINDS] = {"достигнуто", "в процессе, по траектории", "в процессе, отставание",
                                           "не достигнуто", "без оценки"};
  for (int k = 0; k < KINDS; k++) {
    fprintf(out, " <span class=\"it\"><svg class=\"sw\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"%s\"/></svg>",
            report_colour(bin_kinds[k]));
    put(out, names[k]);
    fputs(k + 1 < KINDS ? ";</span>" : ".</span>", out);
  }
  fputs(" Муниципалитеты без значения не показаны.</p>\n<div class=\"grid\">\n", out);
  histogram h = {.out = out, .r = r, .indicator = (size_t)-1};
  int rc = region_each(r, REGION_BY_INDICATOR, histogram_cell, &h);
  histogram_flush(&h);
  fputs("</div>\n</section>\n", out);
  return rc;
}

/* ---- below target ---- */

typedef struct below {
  FILE *out;
  const region *r;
  size_t indicator;
  int behind; /* the current list is of those behind the path */
  int open;   /* a list paragraph is open */
} below;

static void below_close(below *b) {
  if (b->open) fputs(".</p>\n", b->out);
  b->open = 0;
}

static int below_cell(void *ud, const region_cell *cell) {
  below *b = ud;
  FILE *out = b->out;
  const region_indicator *ind = &b->r->indicators[cell->indicator];
  int behind = strcmp(cell->status, "not_met") != 0;
  if (cell->indicator != b->indicator) {
    below_close(b);
    if (b->indicator != (size_t)-1) fputs("</div>\n", out);
    b->indicator = cell->indicator;
    fprintf(out, "<div><h3><span class=\"no\">%s</span> ", ind->number);
    put(out, ind->title);
    fputs("</h3><p class=\"small\">Цель: ", out);
    put(out, ind->target_text[0] ? ind->target_text : "не задана");
    fputs("</p>\n", out);
    b->behind = -1;
  }
  if (behind != b->behind) {
    below_close(b);
    b->behind = behind;
    fputs(behind ? "<p><strong>Отстают от траектории к цели</strong> (" : "<p><strong>Не достигли цели</strong> (", out);
    put_count(out, behind ? ind->behind : ind->not_met, "муниципалитет", "муниципалитета", "муниципалитетов");
    fprintf(out, " из %d): ", ind->municipalities);
    b->open = 1;
  } else {
    fputs("; ", out);
  }
  fputs("<span class=\"nw\">", out);
  put_municipality(out, b->r, &b->r->municipalities[cell->municipality]);
  fputs(" — ", out);
  put_value(out, ind, cell->has_value, cell->value);
  if (behind && cell->has_path_value) {
    fputs(" при траектории ", out);
    put_value(out, ind, 1, cell->path_value);
  }
  if (cell->has_target_value && strcmp(cell->target_text, ind->target_text)) {
    fputs(" (своя цель ", out);
    put_value(out, ind, 1, cell->target_value);
    fputs(")", out);
  }
  fputs("</span>", out);
  return 0;
}

static int below_target(FILE *out, region *r) {
  fputs("<section id=\"below\" class=\"below\"><h2>4. Муниципалитеты ниже цели</h2>\n"
        "<p class=\"small\">По каждому показателю — муниципалитеты, не достигшие цели за период (сначала дальше всех"
        " от цели), и те, чьё значение в процессе ниже линейной траектории к цели более позднего года.</p>\n", out);
  below b = {.out = out, .r = r, .indicator = (size_t)-1, .behind = -1};
  int rc = region_each(r, REGION_BELOW_TARGET, below_cell, &b);
  below_close(&b);
  if (b.indicator != (size_t)-1) fputs("</div>\n", out);
  int first = 1;
  for (size_t i = 0; i < r->nindicators; i++) {
    const region_indicator *ind = &r->indicators[i];
    if (ind->not_met || ind->behind) continue;
    fputs(first ? "<p>Ниже цели нет ни одного муниципалитета по показателям: " : ", ", out);
    fputs(ind->number, out);
    first = 0;
  }
  if (!first) fputs(".</p>\n", out);
  fputs("</section>\n", out);
  return rc;
}

/* ---- appendix 1: municipality × indicator ---- */

typedef struct matrix {
  FILE *out;
  const region *r;
  size_t from, to;    /* the indicators of this table */
  size_t next_row;    /* the municipality whose row comes next */
  size_t next_column; /* the indicator whose cell comes next in the open row; to: no row open */
  int row_open;
} matrix;

static void matrix_fill(matrix *x, size_t until) {
  for (; x->next_column < until; x->next_column++) fputs("<td class=\"other\">—</td>", x->out);
}

static void matrix_end_row(matrix *x) {
  if (!x->row_open) return;
  matrix_fill(x, x->to);
  fputs("</tr>\n", x->out);
  x->row_open = 0;
}

static void matrix_open_row(matrix *x, size_t m) {
  const region_municipality *mun = &x->r->municipalities[m];
  fputs("<tr><th scope=\"row\">", x->out);
  put_municipality(x->out, x->r, mun);
  fputs("</th>", x->out);
  x->row_open = 1;
  x->next_column = x->from;
}

/* Rows of municipalities without a cycle before m. */
static void matrix_skip_to(matrix *x, size_t m) {
  for (; x->next_row < m; x->next_row++) {
    const region_municipality *mun = &x->r->municipalities[x->next_row];
    if (mun->cycle) continue; /* a cycle without results in these columns: written when its cells come */
    fputs("<tr class=\"nocycle\"><th scope=\"row\">", x->out);
    put_municipality(x->out, x->r, mun);
    fprintf(x->out, "</th><td colspan=\"%zu\">нет цикла за %d год</td></tr>\n", x->to - x->from, x->r->period);
  }
}

static int matrix_cell(void *ud, const region_cell *cell) {
  matrix *x = ud;
  if (cell->indicator < x->from || cell->indicator >= x->to) return 0;
  if (!x->row_open || cell->municipality != x->next_row - 1) {
    matrix_end_row(x);
    matrix_skip_to(x, cell->municipality);
    matrix_open_row(x, cell->municipality);
    x->next_row = cell->municipality + 1;
  }
  matrix_fill(x, cell->indicator);
  const region_indicator *ind = &x->r->indicators[cell->indicator];
  const char *j = region_judgement(cell);
  char v[96];
  fprintf(x->out, "<td class=\"%s\">", status_class(j));
  if (!cell->has_value) fputs("—", x->out);
  else if (!strcmp(ind->target_kind, "presence") && !ind->unit[0]) fputs(cell->value > 0 ? "да" : "нет", x->out);
  else put(x->out, ru_number(cell->value, 2, v, sizeof v));
  fprintf(x->out, "<span class=\"s\" title=\"%s\">%s</span><span class=\"sr\"> ", ru_status(j), status_sign(j));
  put(x->out, ru_status(j));
  fputs("</span></td>", x->out);
  x->next_column = cell->indicator + 1;
  return 0;
}

static int matrix_appendix(FILE *out, region *r) {
  enum { MOST_PER_TABLE = 13 };
  fputs("<section id=\"matrix\" class=\"appendix wide\"><h2>Приложение 1. Значения показателей по муниципалитетам</h2>\n"
        "<p class=\"small\">Столбцы — показатели по их номерам (названия и цели — в разделе 2); строки — муниципалитеты"
        " в порядке названий. Значения по муниципалитету в целом, проценты без знака %; статус — знаком и цветом:"
        " ✓ достигнуто (зелёный), ✗ не достигнуто (красный), ↗ в процессе, по траектории, ⚠ в процессе, отставание"
        " (жёлтый), ○ в процессе без оценки хода, · без цели, без данных или не применимо; «—» — нет результата.</p>\n", out);
  int rc = 0;
  size_t n = r->nindicators, tables = (n + MOST_PER_TABLE - 1) / MOST_PER_TABLE, per = tables ? (n + tables - 1) / tables : 1;
  for (size_t from = 0; from < n && rc == 0; from += per) {
    size_t to = from + per < n ? from + per : n;
    fputs("<div class=\"wrap\"><table class=\"matrix\"><caption class=\"sr\">Значения показателей по муниципалитетам</caption>"
          "<thead><tr><th scope=\"col\">Муниципалитет</th>", out);
    for (size_t i = from; i < to; i++) {
      fputs("<th scope=\"col\" title=\"", out);
      put(out, r->indicators[i].title);
      fprintf(out, "\">%s</th>", r->indicators[i].number);
    }
    fputs("</tr></thead><tbody>\n", out);
    matrix x = {.out = out, .r = r, .from = from, .to = to};
    rc = region_each(r, REGION_BY_MUNICIPALITY, matrix_cell, &x);
    matrix_end_row(&x);
    matrix_skip_to(&x, r->nmunicipalities);
    fputs("</tbody></table></div>\n", out);
  }
  fputs("</section>\n", out);
  return rc;
}

/* ---- appendix 2: the values over the cycles ---- */

typedef struct dynamics {
  FILE *out;
  const region *r;
  size_t indicator, municipality;
  int row_open, column; /* the next period's column */
} dynamics;

static void dynamics_end_row(dynamics *d) {
  if (!d->row_open) return;
  for (; d->column < d->r->nperiods; d->column++) fputs("<td class=\"num\">—</td>", d->out);
  fputs("</tr>\n", d->out);
  d->row_open = 0;
}

static void dynamics_end_table(dynamics *d) {
  dynamics_end_row(d);
  if (d->indicator != (size_t)-1) fputs("</tbody></table></div>\n", d->out);
}

static int dynamics_cell(void *ud, const region_cell *cell) {
  dynamics *d = ud;
  FILE *out = d->out;
  const region *r = d->r;
  const region_indicator *ind = &r->indicators[cell->indicator];
  if (cell->indicator != d->indicator) {
    dynamics_end_table(d);
    d->indicator = cell->indicator;
    d->municipality = (size_t)-1;
    fprintf(out, "<h3><span class=\"no\">%s</span> ", ind->number);
    put(out, ind->title);
    fputs("</h3>\n<div class=\"wrap\"><table class=\"matrix\"><thead><tr><th scope=\"col\">Муниципалитет</th>", out);
    for (int p = 0; p < r->nperiods; p++) fprintf(out, "<th scope=\"col\">%d</th>", r->periods[p]);
    fputs("</tr></thead><tbody>\n", out);
  }
  if (cell->municipality != d->municipality) {
    dynamics_end_row(d);
    d->municipality = cell->municipality;
    fputs("<tr><th scope=\"row\">", out);
    put_municipality(out, r, &r->municipalities[cell->municipality]);
    fputs("</th>", out);
    d->row_open = 1;
    d->column = 0;
  }
  while (d->column < r->nperiods && r->periods[d->column] < cell->period) {
    fputs("<td class=\"num\">—</td>", out);
    d->column++;
  }
  if (d->column >= r->nperiods || r->periods[d->column] != cell->period) return 0;
  const char *j = region_judgement(cell);
  fprintf(out, "<td class=\"%s\">", status_class(j));
  put_value(out, ind, cell->has_value, cell->value);
  fprintf(out, "<span class=\"s\" title=\"%s\">%s</span></td>", ru_status(j), status_sign(j));
  d->column++;
  return 0;
}

static int dynamics_appendix(FILE *out, region *r) {
  fputs("<section id=\"dynamics\" class=\"appendix\"><h2>Приложение 2. Динамика показателей по циклам</h2>\n"
        "<p class=\"small\">Значения по муниципалитету в целом из каждого проведённого цикла мониторинга (по годам);"
        " знаки статуса — как в приложении 1; «—» — цикла за год нет.</p>\n<div class=\"cols\">\n", out);
  dynamics d = {.out = out, .r = r, .indicator = (size_t)-1, .municipality = (size_t)-1};
  int rc = region_each(r, REGION_DYNAMICS, dynamics_cell, &d);
  dynamics_end_table(&d);
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
  fputs("<footer>Дата формирования отчёта: ", out);
  put_date(out, r->generated);
  fputs(". Отчёт подготовлен по данным циклов мониторинга муниципалитетов в программе pdmon.</footer>\n</main></body></html>\n", out);
  return rc;
}
