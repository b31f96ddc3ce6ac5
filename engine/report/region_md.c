/* region_md.c: the region's report as Markdown, the same content as the HTML page for
 * documents and wikis: the municipalities ordered by the targets they met, the indicators
 * with the regional targets, each indicator's distribution across municipalities (counts
 * per interval of its scale, where the page draws small multiples), the municipalities
 * below target, and the two appendices. Every section is written as its rows come from
 * the store (region_each); every text from the store goes through escape_markdown. The
 * promises are in region_render.h. */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "region.h"
#include "region_render.h"
#include "region_walk.h"
#include "report_text.h"
#include "russian.h"

static void md(FILE *out, const char *s) { escape_markdown(out, s ? s : ""); }

static void md_date(FILE *out, const char *iso) {
  char buf[32];
  md(out, ru_date(iso, buf, sizeof buf));
}

static void md_count(FILE *out, long long n, const char *one, const char *few, const char *many) {
  char buf[128];
  md(out, ru_count(n, one, few, many, buf, sizeof buf));
}

static void md_value(FILE *out, const region_indicator *ind, int has, double v) {
  char buf[96];
  md(out, region_value(ind, has, v, buf, sizeof buf));
}

static const char *target_or_none(const char *text) { return text[0] ? text : "не задана"; }

/* The municipality's name, linked to its own report when it has a cycle. */
static void md_municipality(FILE *out, const region *r, const region_municipality *m) {
  if (!m->cycle) {
    md(out, region_name(m));
    return;
  }
  fputc('[', out);
  md(out, region_name(m));
  fputs("](", out);
  escape_url_component(out, r->links); /* a folder name, one path segment */
  fputc('/', out);
  fputs(m->file, out); /* letters, digits, '-', '_' and ".html" only */
  fputc(')', out);
}

static void title(FILE *out, const region *r) {
  fprintf(out, "# Результаты мониторинга муниципальных систем обеспечения профессионального развития"
               " педагогических работников за %d год\n\nРегион · все муниципалитеты хранилища. По состоянию на **",
          r->period);
  md_date(out, r->as_of);
  fprintf(out, "**; период мониторинга: 01.01.%d–31.12.%d. Отчёт прочитан из циклов мониторинга, проведённых"
               " каждым муниципалитетом за %d год (дата проведения — в разделе 1).\n",
          r->period, r->period, r->period);
}

/* Writes a sentence of region_* (plain text) escaped, and frees it. */
static void md_buf(FILE *out, report_buf *b) {
  md(out, b->s);
  report_buf_free(b);
}

static void summary(FILE *out, const region *r) {
  report_buf b = {0};
  fputs("\n## Итоги\n\n", out);
  region_scope_sentence(&b, r);
  md_buf(out, &b);
  fputs("\n\n### Показатели, по которым больше всего муниципалитетов не достигли цели\n\n", out);
  size_t order[5], n = region_most_missed(r, order, 5);
  if (!n) fputs("Нет показателей, цель по которым не достигнута хотя бы одним муниципалитетом.\n", out);
  for (size_t k = 0; k < n; k++) {
    fprintf(out, "%zu. **%s** ", k + 1, r->indicators[order[k]].number);
    region_missed_sentence(&b, &r->indicators[order[k]]);
    md_buf(out, &b);
    fputs("\n", out);
  }
}

static void ranking(FILE *out, const region *r) {
  fputs("\n## 1. Муниципалитеты: достижение целей и прочитанные циклы\n\n", out);
  md(out, region_ranking_note(r));
  if (r->ratings) fputs(" Рейтинги организаций, которые задаёт набор правил, приведены в отчётах муниципалитетов.", out);
  fputs("\n\nНазвание муниципалитета — ссылка на его собственный отчёт за период.\n\n"
        "| Место | Муниципалитет | Цикл за период проведён | Цель достигнута | Не достигнута |"
        " В процессе: по траектории / отставание | Без оценки | Показателей |\n"
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |\n", out);
  for (size_t k = 0; k < r->nmunicipalities; k++) {
    const region_municipality *m = &r->municipalities[r->ranking[k]];
    fputs(m->cycle ? "| " : "| — | ", out);
    if (m->cycle) fprintf(out, "%d | ", m->rank);
    md_municipality(out, r, m);
    if (!m->cycle) {
      fprintf(out, " | **нет цикла за %d год**", r->period);
      if (m->latest_period) fprintf(out, " (последний проведённый цикл — за %d год)", m->latest_period);
      fputs(" |  |  |  |  |  |\n", out);
      continue;
    }
    fputs(" | ", out);
    md_date(out, m->run_at);
    if (!strcmp(m->state, "closed")) fputs(", завершён", out);
    fprintf(out, " | %d | %d | %d / %d | %d | %d |\n", m->met, m->not_met, m->on_track, m->behind,
            m->in_progress + m->other, m->results);
  }
  fputs("\n«Без оценки» — показатели в процессе без оценки хода, без цели, без данных или не применимые.\n", out);
}

static void indicators(FILE *out, const region *r) {
  fputs("\n## 2. Показатели и целевые значения региона\n\nЦель — та, по которой оценено большинство"
        " муниципалитетов за период (у муниципалитета может быть своя цель, если её задаёт его набор правил;"
        " такие случаи отмечены).\n", out);
  const char *criterion = NULL;
  for (size_t i = 0; i < r->nindicators; i++) {
    const region_indicator *ind = &r->indicators[i];
    if (!criterion || strcmp(criterion, ind->criterion)) {
      criterion = ind->criterion;
      fputs("\n### ", out);
      md(out, criterion[0] ? criterion : "Без критерия");
      fputs("\n\n| № | Показатель | Цель | Достигли | Не достигли | По траектории / отставание | Прочие |\n"
            "| --- | --- | --- | ---: | ---: | ---: | ---: |\n", out);
    }
    fprintf(out, "| %s | ", ind->number);
    md(out, ind->title);
    if (!strcmp(ind->level, "municipality")) fputs(" (по муниципалитету в целом)", out);
    fputs(" | ", out);
    md(out, target_or_none(ind->target_text));
    if (ind->own_target) {
      fputs(" (своя цель — у ", out);
      md_count(out, ind->own_target, "муниципалитета", "муниципалитетов", "муниципалитетов");
      fputs(")", out);
    }
    fprintf(out, " | %d | %d | %d / %d | %d |\n", ind->met, ind->not_met, ind->on_track, ind->behind, ind->other);
  }
}

/* What every mark of a section writes to: the document and the region. */
typedef struct doc {
  FILE *out;
  const region *r;
} doc;

/* ---- the distribution: each indicator's municipalities per interval of its scale ---- */

/* Writes an indicator's row: its scale, its target, the municipalities in each interval. */
static void distribution_row(void *ud, size_t i, const region_scale *s, const int counts[REGION_BINS][REGION_KINDS]) {
  doc *d = ud;
  FILE *out = d->out;
  const region_indicator *ind = &d->r->indicators[i];
  fprintf(out, "| %s | ", ind->number);
  md(out, ind->title);
  fputs(" | ", out);
  if (s->presence) fputs("отсутствует – имеется", out);
  else {
    md_value(out, ind, 1, s->lo);
    fputs(" – ", out);
    md_value(out, ind, 1, s->hi);
  }
  fputs(" | ", out);
  if (!s->presence && ind->has_target_value && strcmp(ind->target_kind, "growth")) md_value(out, ind, 1, ind->target_value);
  else fputs("—", out);
  fputs(" | ", out);
  for (int b = 0; b < s->bins; b++) {
    int sum = 0;
    for (int k = 0; k < REGION_KINDS; k++) sum += counts[b][k];
    fprintf(out, b ? " · %d" : "%d", sum);
  }
  fputs(" |\n", out);
}

static int distribution(FILE *out, region *r) {
  fputs("\n## 3. Распределение муниципалитетов по значениям показателей\n\nДля каждого показателя: сколько"
        " муниципалитетов имеют значение в каждом из десяти равных интервалов шкалы, от левого края к правому"
        " (у показателя наличия — «отсутствует» и «имеется»). Муниципалитеты без значения не учтены.\n\n"
        "| № | Показатель | Шкала | Цель | Муниципалитетов по интервалам |\n| --- | --- | --- | --- | --- |\n", out);
  doc d = {out, r};
  return region_walk_histograms(r, distribution_row, &d);
}

/* ---- below target ---- */

static void below_indicator(void *ud, size_t i) {
  doc *d = ud;
  const region_indicator *ind = &d->r->indicators[i];
  fprintf(d->out, "\n### %s. ", ind->number);
  md(d->out, ind->title);
  fputs("\n\nЦель: ", d->out);
  md(d->out, target_or_none(ind->target_text));
  fputs("\n", d->out);
}

static void below_list(void *ud, size_t i, int behind) {
  doc *d = ud;
  const region_indicator *ind = &d->r->indicators[i];
  fputs(behind ? "\n**Отстают от траектории к цели** (" : "\n**Не достигли цели** (", d->out);
  md_count(d->out, behind ? ind->behind : ind->not_met, "муниципалитет", "муниципалитета", "муниципалитетов");
  fprintf(d->out, " из %d): ", ind->municipalities);
}

static void below_entry(void *ud, const region_cell *cell, int behind, int first) {
  doc *d = ud;
  FILE *out = d->out;
  const region_indicator *ind = &d->r->indicators[cell->indicator];
  if (!first) fputs("; ", out);
  md_municipality(out, d->r, &d->r->municipalities[cell->municipality]);
  report_buf b = {0};
  region_below_figures(&b, ind, cell, behind);
  md_buf(out, &b);
}

static void below_list_end(void *ud) { fputs(".\n", ((doc *)ud)->out); }

static void below_indicator_end(void *ud) { (void)ud; }

static void below_clear(void *ud, size_t i, int first) {
  doc *d = ud;
  fputs(first ? "\nНиже цели нет ни одного муниципалитета по показателям: " : ", ", d->out);
  md(d->out, d->r->indicators[i].number);
}

static const region_below_marks below_marks = {below_indicator, below_list, below_entry, below_list_end,
                                               below_indicator_end, below_clear, below_list_end};

static int below_target(FILE *out, region *r) {
  fputs("\n## 4. Муниципалитеты ниже цели\n\nПо каждому показателю — муниципалитеты, не достигшие цели за период"
        " (сначала дальше всех от цели), и те, чьё значение в процессе ниже линейной траектории к цели более"
        " позднего года.\n", out);
  doc d = {out, r};
  return region_walk_below(r, &below_marks, &d);
}

/* ---- the appendices: tables of values ---- */

/* A table's head: "Муниципалитет" and a right-aligned column per label. */
static void table_head(FILE *out, const char *const *labels, size_t n) {
  fputs("\n| Муниципалитет |", out);
  for (size_t i = 0; i < n; i++) {
    fputc(' ', out);
    md(out, labels[i]);
    fputs(" |", out);
  }
  fputs("\n| --- |", out);
  for (size_t i = 0; i < n; i++) fputs(" ---: |", out);
  fputs("\n", out);
}

static void grid_row(void *ud, size_t m) {
  doc *d = ud;
  fputs("| ", d->out);
  md_municipality(d->out, d->r, &d->r->municipalities[m]);
  fputs(" |", d->out);
}

static void grid_gap(void *ud) { fputs(" — |", ((doc *)ud)->out); }

static void grid_row_end(void *ud) { fputs("\n", ((doc *)ud)->out); }

static void grid_table_end(void *ud) { (void)ud; }

/* ---- appendix 1: municipality × indicator ---- */

static void matrix_table(void *ud, size_t from, size_t to) {
  doc *d = ud;
  const char *labels[64];
  size_t n = 0;
  for (size_t i = from; i < to && n < 64; i++) labels[n++] = d->r->indicators[i].number;
  table_head(d->out, labels, n);
}

static void matrix_no_cycle(void *ud, size_t m, size_t from, size_t to) {
  doc *d = ud;
  grid_row(ud, m);
  fprintf(d->out, " нет цикла за %d год |", d->r->period);
  for (size_t i = from + 1; i < to; i++) fputs("  |", d->out);
  fputs("\n", d->out);
}

static void matrix_cell(void *ud, const region_cell *cell) {
  doc *d = ud;
  const region_indicator *ind = &d->r->indicators[cell->indicator];
  char v[96];
  fputc(' ', d->out);
  if (!cell->has_value) fputs("—", d->out);
  else if (!strcmp(ind->target_kind, "presence") && !ind->unit[0]) fputs(cell->value > 0 ? "да" : "нет", d->out);
  else md(d->out, ru_number(cell->value, 2, v, sizeof v));
  fprintf(d->out, " %s |", region_sign(region_judgement(cell)));
}

static const region_grid_marks matrix_marks = {matrix_table, grid_row,     matrix_no_cycle, matrix_cell,
                                               grid_gap,     grid_row_end, grid_table_end};

static int matrix_appendix(FILE *out, region *r) {
  fputs("\n## Приложение 1. Значения показателей по муниципалитетам\n\nСтолбцы — показатели по их номерам (названия"
        " и цели — в разделе 2); строки — муниципалитеты в порядке названий. Значения по муниципалитету в целом,"
        " проценты без знака %; статус — знаком: ✓ достигнуто, ✗ не достигнуто, ↗ в процессе, по траектории,"
        " ⚠ в процессе, отставание, ○ в процессе без оценки хода, · без цели, без данных или не применимо;"
        " «—» — нет результата.\n", out);
  doc d = {out, r};
  return region_walk_matrix(r, 13, &matrix_marks, &d);
}

/* ---- appendix 2: the values over the cycles ---- */

static void dynamics_table(void *ud, size_t i, size_t last) {
  (void)last;
  doc *d = ud;
  const region *r = d->r;
  char years[16][8];
  const char *labels[16];
  fprintf(d->out, "\n### %s. ", r->indicators[i].number);
  md(d->out, r->indicators[i].title);
  fputs("\n", d->out);
  for (int p = 0; p < r->nperiods && p < 16; p++) {
    snprintf(years[p], sizeof years[p], "%d", r->periods[p]);
    labels[p] = years[p];
  }
  table_head(d->out, labels, (size_t)r->nperiods);
}

static void dynamics_cell(void *ud, const region_cell *cell) {
  doc *d = ud;
  fputc(' ', d->out);
  md_value(d->out, &d->r->indicators[cell->indicator], cell->has_value, cell->value);
  fprintf(d->out, " %s |", region_sign(region_judgement(cell)));
}

static const region_grid_marks dynamics_marks = {dynamics_table, grid_row,     NULL,          dynamics_cell,
                                                 grid_gap,       grid_row_end, grid_table_end};

static int dynamics_appendix(FILE *out, region *r) {
  fputs("\n## Приложение 2. Динамика показателей по циклам\n\nЗначения по муниципалитету в целом из каждого"
        " проведённого цикла мониторинга (по годам); знаки статуса — как в приложении 1; «—» — цикла за год нет.\n", out);
  doc d = {out, r};
  return region_walk_dynamics(r, &dynamics_marks, &d);
}

int region_md(region *r, FILE *out) {
  title(out, r);
  summary(out, r);
  ranking(out, r);
  indicators(out, r);
  int rc = distribution(out, r);
  if (rc == 0) rc = below_target(out, r);
  if (rc == 0) rc = matrix_appendix(out, r);
  if (rc == 0) rc = dynamics_appendix(out, r);
  fputs("\n---\n\nДата формирования отчёта: ", out);
  md_date(out, r->generated);
  fputs(". Отчёт подготовлен по данным циклов мониторинга муниципалитетов в программе pdmon.\n", out);
  return rc;
}
