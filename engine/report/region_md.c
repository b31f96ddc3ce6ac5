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

/* Writes text escaped between the markup before and after it. */
static void md_in(FILE *out, const char *before, const char *text, const char *after) {
  fputs(before, out);
  md(out, text);
  fputs(after, out);
}

static void md_date(FILE *out, const char *iso) {
  char buf[32];
  md(out, ru_date(iso, buf, sizeof buf));
}

static void md_value(FILE *out, const region_indicator *ind, int has, double v) {
  char buf[96];
  md(out, region_value(ind, has, v, buf, sizeof buf));
}

/* Writes a sentence of region_* (plain text) escaped, and frees it. */
static void md_buf(FILE *out, report_buf *b) {
  md(out, b->s);
  report_buf_free(b);
}

/* The municipality's name, linked to its own report when it has a cycle. */
static void md_municipality(FILE *out, const region *r, const region_municipality *m) {
  if (!m->cycle) {
    md(out, region_name(m));
    return;
  }
  fputc('[', out);
  md_in(out, "", region_name(m), "](");
  escape_url_component(out, r->links); /* a folder name, one path segment */
  fputc('/', out);
  fputs(m->file, out); /* letters, digits, '-', '_' and ".html" only */
  fputc(')', out);
}

static void title(FILE *out, const region *r) {
  report_buf b = {0};
  fputs("# ", out);
  region_title_sentence(&b, r);
  md_buf(out, &b);
  md_in(out, "\n\n", region_word.kicker, ". ");
  md_in(out, "", region_word.as_of, "**");
  md_date(out, r->as_of);
  fputs("**", out);
  region_period_sentence(&b, r);
  md_buf(out, &b);
  fputs("\n", out);
}

static void summary(FILE *out, const region *r) {
  report_buf b = {0};
  md_in(out, "\n## ", region_word.summary, "\n\n");
  region_scope_sentence(&b, r);
  md_buf(out, &b);
  md_in(out, "\n\n### ", region_word.most_missed, "\n\n");
  size_t order[5], n = region_most_missed(r, order, 5);
  if (!n) md_in(out, "", region_word.none_missed, "\n");
  for (size_t k = 0; k < n; k++) {
    fprintf(out, "%zu. **%s** ", k + 1, r->indicators[order[k]].number);
    region_missed_sentence(&b, &r->indicators[order[k]]);
    md_buf(out, &b);
    fputs("\n", out);
  }
}

static void ranking(FILE *out, const region *r) {
  report_buf b = {0};
  md_in(out, "\n## ", region_word.ranking, "\n\n");
  md(out, region_ranking_note(r));
  if (r->ratings) md(out, region_word.ratings_note);
  fputs("\n\n", out);
  md(out, region_word.links_note);
  fputs("\n\n"
        "| Место | Муниципалитет | Цикл за период проведён | Цель достигнута | Не достигнута |"
        " В процессе: по траектории / отставание | Без оценки | Показателей |\n"
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |\n", out);
  for (size_t k = 0; k < r->nmunicipalities; k++) {
    const region_municipality *m = &r->municipalities[r->ranking[k]];
    fputs(m->cycle ? "| " : "| — | ", out);
    if (m->cycle) fprintf(out, "%d | ", m->rank);
    md_municipality(out, r, m);
    if (!m->cycle) {
      fputs(" | **", out);
      region_no_cycle_sentence(&b, r);
      md_buf(out, &b);
      fputs("**", out);
      region_latest_cycle_sentence(&b, m);
      md_buf(out, &b);
      fputs(" |  |  |  |  |  |\n", out);
      continue;
    }
    fputs(" | ", out);
    region_run_sentence(&b, m);
    md_buf(out, &b);
    fprintf(out, " | %d | %d | %d / %d | %d | %d |\n", m->met, m->not_met, m->on_track, m->behind,
            m->in_progress + m->other, m->results);
  }
  md_in(out, "\n", region_word.unjudged_note, "\n");
}

static void indicators(FILE *out, const region *r) {
  report_buf b = {0};
  md_in(out, "\n## ", region_word.indicators, "\n\n");
  md_in(out, "", region_word.indicators_note, "\n");
  const char *criterion = NULL;
  for (size_t i = 0; i < r->nindicators; i++) {
    const region_indicator *ind = &r->indicators[i];
    if (!criterion || strcmp(criterion, ind->criterion)) {
      criterion = ind->criterion;
      fputs("\n### ", out);
      md(out, region_criterion(ind));
      fputs("\n\n| № | Показатель | Цель | Достигли | Не достигли | По траектории / отставание | Прочие |\n"
            "| --- | --- | --- | ---: | ---: | ---: | ---: |\n", out);
    }
    fprintf(out, "| %s | ", ind->number);
    md(out, ind->title);
    if (!strcmp(ind->level, "municipality")) {
      fputc(' ', out);
      md(out, region_word.whole);
    }
    fputs(" | ", out);
    md(out, region_target_text(ind));
    if (ind->own_target) {
      fputc(' ', out);
      region_own_target_sentence(&b, ind);
      md_buf(out, &b);
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
  md_in(out, "", ind->title, " | ");
  if (s->presence) {
    md_in(out, "", region_word.absent, " – ");
    md(out, region_word.present);
  } else {
    md_value(out, ind, 1, s->lo);
    fputs(" – ", out);
    md_value(out, ind, 1, s->hi);
  }
  fputs(" | ", out);
  if (region_shows_target(ind, s)) md_value(out, ind, 1, ind->target_value);
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
  fputs("\n## ", out);
  md(out, region_word.distribution);
  fputs("\n\nДля каждого показателя: сколько"
        " муниципалитетов имеют значение в каждом из десяти равных интервалов шкалы, от левого края к правому"
        " (у показателя наличия — «отсутствует» и «имеется»). Муниципалитеты без значения не учтены.\n\n"
        "| № | Показатель | Шкала | Цель | Муниципалитетов по интервалам |\n| --- | --- | --- | --- | --- |\n", out);
  doc d = {out, r};
  return region_walk_histograms(r, distribution_row, &d);
}

/* ---- below target ---- */

static void below_indicator(void *ud, const region_indicator *ind) {
  doc *d = ud;
  fprintf(d->out, "\n### %s. ", ind->number);
  md_in(d->out, "", ind->title, "\n\n");
  md(d->out, region_word.target);
  md_in(d->out, "", region_target_text(ind), "\n");
}

static void below_list(void *ud, const char *title, const char *count) {
  doc *d = ud;
  md_in(d->out, "\n**", title, "** (");
  md_in(d->out, "", count, "): ");
}

static void below_entry(void *ud, const region_municipality *m, const char *figures, int first) {
  doc *d = ud;
  if (!first) fputs("; ", d->out);
  md_municipality(d->out, d->r, m);
  md(d->out, figures);
}

static void below_list_end(void *ud) { fputs(".\n", ((doc *)ud)->out); }

static void below_indicator_end(void *ud) { (void)ud; }

static void below_clear(void *ud, const region_indicator *ind, int first) {
  doc *d = ud;
  if (first) md_in(d->out, "\n", region_word.none_below, "");
  else fputs(", ", d->out);
  md(d->out, ind->number);
}

static const region_below_marks below_marks = {below_indicator, below_list, below_entry, below_list_end,
                                               below_indicator_end, below_clear, below_list_end};

static int below_target(FILE *out, region *r) {
  md_in(out, "\n## ", region_word.below, "\n\n");
  md_in(out, "", region_word.below_note, "\n");
  doc d = {out, r};
  return region_walk_below(r, &below_marks, &d);
}

/* ---- the appendices: tables of values ---- */

/* A table's head: "Муниципалитет" and a right-aligned column per label. */
static void table_head(FILE *out, const char *const *labels, size_t n) {
  fputs("\n| Муниципалитет |", out);
  for (size_t i = 0; i < n; i++) {
    fputc(' ', out);
    md_in(out, "", labels[i], " |");
  }
  fputs("\n| --- |", out);
  for (size_t i = 0; i < n; i++) fputs(" ---: |", out);
  fputs("\n", out);
}

static void grid_row(void *ud, const region_municipality *m) {
  doc *d = ud;
  fputs("| ", d->out);
  md_municipality(d->out, d->r, m);
  fputs(" |", d->out);
}

/* A value with the sign of its judgement. */
static void grid_cell(void *ud, const char *judgement, const char *value) {
  doc *d = ud;
  md_in(d->out, " ", value, " ");
  fprintf(d->out, "%s |", region_sign(judgement));
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

static void matrix_no_cycle(void *ud, const region_municipality *m, size_t columns) {
  doc *d = ud;
  report_buf b = {0};
  grid_row(ud, m);
  fputc(' ', d->out);
  region_no_cycle_sentence(&b, d->r);
  md_buf(d->out, &b);
  fputs(" |", d->out);
  for (size_t i = 1; i < columns; i++) fputs("  |", d->out);
  fputs("\n", d->out);
}

static const region_grid_marks matrix_marks = {matrix_table, grid_row,     matrix_no_cycle, grid_cell,
                                               grid_gap,     grid_row_end, grid_table_end};

static int matrix_appendix(FILE *out, region *r) {
  fputs("\n## ", out);
  md(out, region_word.matrix);
  fputs("\n\nСтолбцы — показатели по их номерам (названия"
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
  md_in(d->out, "", r->indicators[i].title, "\n");
  for (int p = 0; p < r->nperiods && p < 16; p++) {
    snprintf(years[p], sizeof years[p], "%d", r->periods[p]);
    labels[p] = years[p];
  }
  table_head(d->out, labels, (size_t)r->nperiods);
}

static const region_grid_marks dynamics_marks = {dynamics_table, grid_row,     NULL,          grid_cell,
                                                 grid_gap,       grid_row_end, grid_table_end};

static int dynamics_appendix(FILE *out, region *r) {
  md_in(out, "\n## ", region_word.dynamics, "\n\n");
  md_in(out, "", region_word.dynamics_note, "\n");
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
  fputs("\n---\n\n", out);
  md(out, region_word.generated);
  md_date(out, r->generated);
  md_in(out, "", region_word.made_by, "\n");
  return rc;
}
