/* region_xlsx.c: the region's report as an Excel workbook (libxlsxwriter in constant-memory
 * mode: each row goes to disk as the next begins, so a country's rows are never held): a
 * summary, the municipalities with their places and cycles, the indicators with the regional
 * targets, every municipality's values, those below target, and the values over the cycles;
 * Russian sheet names, numbers as numbers, statuses in words, A4 landscape. The promises are
 * in region.h. */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "files.h"
#include "i18n.h"
#include "region.h"
#include "report_text.h"
#include "russian.h"
#include "xlsx.h"

typedef struct formats {
  lxw_format *header, *number, *whole, *wrap, *met, *not_met, *bold;
} formats;

/* A sheet being written, row by row. */
typedef struct sheet {
  lxw_worksheet *ws;
  const formats *f;
  const region *r;
  int columns;
  lxw_row_t row;
} sheet;

/* Excel keeps at most 32,767 characters in a cell; a longer text from the store is cut. */
static void text(sheet *s, int col, const char *t, lxw_format *format) {
  char cut[32000 + 64];
  if (!t) t = "";
  if (lxw_utf8_strlen(t) > 32000) {
    size_t bytes = 0, kept = 0;
    while (t[bytes] && kept < 31000 && bytes < 31900) {
      bytes++;
      while ((t[bytes] & 0xC0) == 0x80) bytes++;
      kept++;
    }
    snprintf(cut, sizeof cut, "%.*s … [текст обрезан]", (int)bytes, t);
    t = cut;
  }
  worksheet_write_string(s->ws, s->row, (lxw_col_t)col, t, format ? format : s->f->wrap);
}

static void number(sheet *s, int col, int has, double v, lxw_format *format) {
  if (has) worksheet_write_number(s->ws, s->row, (lxw_col_t)col, v, format ? format : s->f->number);
}

static sheet new_sheet(lxw_workbook *wb, const formats *f, const region *r, const char *name, const char *const *names,
                       const double *widths, int n, const char *footer) {
  sheet s = {.ws = workbook_add_worksheet(wb, name), .f = f, .r = r, .columns = n, .row = 0};
  for (int i = 0; i < n; i++) worksheet_set_column(s.ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
  worksheet_set_row(s.ws, 0, 32, NULL);
  for (int i = 0; i < n; i++) worksheet_write_string(s.ws, 0, (lxw_col_t)i, names[i], f->header);
  xlsx_print_as_table(s.ws, footer);
  s.row = 1;
  return s;
}

/* Autofilter over the rows written and colours for a status column. */
static void finish(sheet *s, int status_col) {
  if (s->row < 2) return;
  worksheet_autofilter(s->ws, 0, 0, s->row - 1, (lxw_col_t)(s->columns - 1));
  if (status_col < 0) return;
  lxw_conditional_format met = {.type = LXW_CONDITIONAL_TYPE_CELL, .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                .value_string = "\"достигнуто\"", .format = s->f->met};
  lxw_conditional_format not_met = {.type = LXW_CONDITIONAL_TYPE_CELL, .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                    .value_string = "\"не достигнуто\"", .format = s->f->not_met};
  worksheet_conditional_format_range(s->ws, 1, (lxw_col_t)status_col, s->row - 1, (lxw_col_t)status_col, &met);
  worksheet_conditional_format_range(s->ws, 1, (lxw_col_t)status_col, s->row - 1, (lxw_col_t)status_col, &not_met);
}

static void summary_sheet(lxw_workbook *wb, const formats *f, region *r, const char *footer) {
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Сводка");
  worksheet_set_column(ws, 0, 0, 28, NULL);
  worksheet_set_column(ws, 1, 1, 90, NULL);
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_set_footer(ws, footer);
  char as_of[32], generated[32], line[256];
  report_buf title = {0};
  region_title_sentence(&title, r);
  worksheet_set_row(ws, 0, 36, NULL);
  worksheet_merge_range(ws, 0, 0, 0, 1, title.s, f->bold);
  report_buf_free(&title);
  lxw_row_t row = 2;
  worksheet_write_string(ws, row, 0, "По состоянию на", f->bold);
  worksheet_write_string(ws, row++, 1, ru_date(r->as_of, as_of, sizeof as_of), f->wrap);
  worksheet_write_string(ws, row, 0, "Сформировано", f->bold);
  worksheet_write_string(ws, row++, 1, ru_date(r->generated, generated, sizeof generated), f->wrap);
  worksheet_write_string(ws, row, 0, "Муниципалитетов", f->bold);
  snprintf(line, sizeof line, "в хранилище %zu; с циклом за %d год — %zu; без цикла — %zu", r->nmunicipalities,
           r->period, r->ncycles, r->nmunicipalities - r->ncycles);
  worksheet_write_string(ws, row++, 1, line, f->wrap);
  worksheet_write_string(ws, row, 0, "Порядок муниципалитетов", f->bold);
  worksheet_set_row(ws, row, 105, NULL);
  worksheet_write_string(ws, row++, 1, region_ranking_note(r), f->wrap);
  worksheet_write_string(ws, row, 0, "Листы", f->bold);
  worksheet_set_row(ws, row, 62, NULL);
  worksheet_write_string(ws, row++, 1,
                         "«Муниципалитеты» — места, прочитанные циклы и ссылки на отчёты муниципалитетов; «Показатели» —"
                         " цели региона и число муниципалитетов по статусам; «Значения» — каждый муниципалитет по каждому"
                         " показателю; «Ниже цели»; «Динамика» — значения по циклам.",
                         f->wrap);
}

static void municipalities_sheet(lxw_workbook *wb, const formats *f, region *r, const char *footer) {
  static const char *const names[] = {"Место", "Муниципалитет", "Код", "Период цикла", "Цикл проведён", "Цикл завершён",
                                      "Достигнуто", "Не достигнуто", "По траектории", "Отставание", "Без оценки",
                                      "Показателей", "Отчёт муниципалитета"};
  static const double widths[] = {7, 34, 14, 9, 11, 10, 11, 11, 11, 11, 10, 11, 34};
  sheet s = new_sheet(wb, f, r, "Муниципалитеты", names, widths, 13, footer);
  for (size_t k = 0; k < r->nmunicipalities; k++, s.row++) {
    const region_municipality *m = &r->municipalities[r->ranking[k]];
    char date[32], period[64], link[512];
    if (m->cycle) number(&s, 0, 1, m->rank, f->whole);
    text(&s, 1, region_name(m), NULL);
    text(&s, 2, m->code, NULL);
    if (!m->cycle) {
      if (m->latest_period) snprintf(period, sizeof period, "нет цикла за %d год (последний — %d)", r->period, m->latest_period);
      else snprintf(period, sizeof period, "нет цикла за %d год", r->period);
      text(&s, 3, period, NULL);
      continue;
    }
    number(&s, 3, 1, r->period, f->whole);
    text(&s, 4, ru_date(m->run_at, date, sizeof date), NULL);
    text(&s, 5, !strcmp(m->state, "closed") ? "да" : "нет", NULL);
    number(&s, 6, 1, m->met, f->whole);
    number(&s, 7, 1, m->not_met, f->whole);
    number(&s, 8, 1, m->on_track, f->whole);
    number(&s, 9, 1, m->behind, f->whole);
    number(&s, 10, 1, m->in_progress + m->other, f->whole);
    number(&s, 11, 1, m->results, f->whole);
    snprintf(link, sizeof link, "external:%s/%s", r->links, m->file);
    worksheet_write_url_opt(s.ws, s.row, 12, link, NULL, m->file, NULL);
  }
  finish(&s, -1);
}

static void indicators_sheet(lxw_workbook *wb, const formats *f, region *r, const char *footer) {
  static const char *const names[] = {"№", "Критерий", "Показатель", "Цель", "Цель на период", "Единица",
                                      "Муниципалитетов", "Достигли", "Не достигли", "По траектории", "Отставание",
                                      "Прочие", "Со своей целью", "Наименьшее", "Наибольшее"};
  static const double widths[] = {5, 26, 48, 32, 10, 8, 10, 9, 9, 10, 10, 8, 9, 10, 10};
  sheet s = new_sheet(wb, f, r, "Показатели", names, widths, 15, footer);
  for (size_t i = 0; i < r->nindicators; i++, s.row++) {
    const region_indicator *ind = &r->indicators[i];
    worksheet_set_row(s.ws, s.row, 45, NULL);
    text(&s, 0, ind->number, NULL);
    text(&s, 1, ind->criterion, NULL);
    text(&s, 2, ind->title, NULL);
    text(&s, 3, region_target_text(ind), NULL);
    number(&s, 4, ind->has_target_value, ind->target_value, NULL);
    text(&s, 5, ind->unit, NULL);
    number(&s, 6, 1, ind->municipalities, f->whole);
    number(&s, 7, 1, ind->met, f->whole);
    number(&s, 8, 1, ind->not_met, f->whole);
    number(&s, 9, 1, ind->on_track, f->whole);
    number(&s, 10, 1, ind->behind, f->whole);
    number(&s, 11, 1, ind->other, f->whole);
    number(&s, 12, 1, ind->own_target, f->whole);
    number(&s, 13, ind->values > 0, ind->min, NULL);
    number(&s, 14, ind->values > 0, ind->max, NULL);
  }
  finish(&s, -1);
}

/* One row per cell: the municipality, the indicator, [the year,] the value, its target, its status. */
typedef struct cells {
  sheet s;
  int with_period;
} cells;

/* How many lines text takes in a column width characters wide (one
 * character per UTF-8 sequence), so a row can be as tall as its text. */
static int lines_of(const char *text, double width) {
  size_t characters = 0;
  for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++)
    if ((*p & 0xC0) != 0x80) characters++;
  double per_line = width > 4 ? width - 3 : 1;
  int lines = (int)((double)characters / per_line) + 1;
  return lines > 20 ? 20 : lines;
}

static int cell_row(void *ud, const region_cell *cell) {
  cells *c = ud;
  sheet *s = &c->s;
  const region *r = s->r;
  const region_municipality *m = &r->municipalities[cell->municipality];
  const region_indicator *ind = &r->indicators[cell->indicator];
  int col = 0, lines = lines_of(ind->title, 60);
  worksheet_set_row(s->ws, s->row, 15.0 * lines + 1, NULL);
  text(s, col++, region_name(m), NULL);
  text(s, col++, ind->number, NULL);
  text(s, col++, ind->title, NULL);
  if (c->with_period) number(s, col++, 1, cell->period, s->f->whole);
  number(s, col++, cell->has_value, cell->value, NULL);
  text(s, col++, ind->unit, NULL);
  number(s, col++, cell->has_target_value, cell->target_value, NULL);
  text(s, col++, ru_status(region_judgement(cell)), NULL);
  s->row++;
  return 0;
}

static int cells_sheet(lxw_workbook *wb, const formats *f, region *r, const char *footer, const char *name,
                       region_order order) {
  int dyn = order == REGION_DYNAMICS;
  /* the target's wording is on «Показатели»; here its value for the period */
  const char *names[] = {"Муниципалитет", "№", "Показатель", "Год", "Значение", "Единица", "Цель на период", "Статус"};
  const double widths[] = {30, 5, 60, 7, 10, 8, 10, 24};
  const char *names_now[] = {names[0], names[1], names[2], names[4], names[5], names[6], names[7]};
  const double widths_now[] = {widths[0], widths[1], widths[2], widths[4], widths[5], widths[6], widths[7]};
  cells c = {.s = new_sheet(wb, f, r, name, dyn ? names : names_now, dyn ? widths : widths_now, dyn ? 8 : 7, footer),
             .with_period = dyn};
  int rc = region_each(r, order, cell_row, &c);
  finish(&c.s, dyn ? 7 : 6);
  return rc;
}

int region_xlsx_write(sqlite3 *db, const region_options *opt, const char *path, char *err, size_t errlen) {
  /* libxlsxwriter opens the file by name itself: it writes in a private
   * folder, and the finished workbook is moved into place (files.h) */
  files_staged stage;
  if (files_stage(path, 0, &stage, err, errlen) != 0) return -1;
  region r;
  if (region_open(db, opt, &r, err, errlen) != 0) {
    files_discard(&stage);
    return -1;
  }
  lxw_workbook_options options = {.constant_memory = LXW_TRUE};
  lxw_workbook *wb = workbook_new_opt(stage.part, &options);
  if (!wb) {
    snprintf(err, errlen, _("%s: cannot create the workbook"), path);
    region_close(&r);
    files_discard(&stage);
    return -1;
  }
  lxw_doc_properties properties = {.title = "Результаты мониторинга муниципальных систем обеспечения"
                                            " профессионального развития педагогических работников"};
  workbook_set_properties(wb, &properties);
  formats f = {.header = workbook_add_format(wb), .number = workbook_add_format(wb), .whole = workbook_add_format(wb),
               .wrap = workbook_add_format(wb), .met = workbook_add_format(wb), .not_met = workbook_add_format(wb),
               .bold = workbook_add_format(wb)};
  format_set_bold(f.header);
  format_set_text_wrap(f.header);
  format_set_bg_color(f.header, 0xEEF2F8);
  format_set_border(f.header, LXW_BORDER_THIN);
  format_set_align(f.header, LXW_ALIGN_VERTICAL_TOP);
  format_set_num_format(f.number, "0.00");
  format_set_align(f.number, LXW_ALIGN_VERTICAL_TOP);
  format_set_num_format(f.whole, "0");
  format_set_align(f.whole, LXW_ALIGN_VERTICAL_TOP);
  format_set_text_wrap(f.wrap);
  format_set_align(f.wrap, LXW_ALIGN_VERTICAL_TOP);
  format_set_bg_color(f.met, 0xC6EFCE);
  format_set_bg_color(f.not_met, 0xFFC7CE);
  format_set_bold(f.bold);
  format_set_text_wrap(f.bold);
  format_set_align(f.bold, LXW_ALIGN_VERTICAL_TOP);
  char footer[128], day[32];
  snprintf(footer, sizeof footer, "&LСформировано %s&Rстр. &P из &N", ru_date(r.generated, day, sizeof day));
  summary_sheet(wb, &f, &r, footer);
  municipalities_sheet(wb, &f, &r, footer);
  indicators_sheet(wb, &f, &r, footer);
  int rc = cells_sheet(wb, &f, &r, footer, "Значения", REGION_BY_MUNICIPALITY);
  if (rc == 0) rc = cells_sheet(wb, &f, &r, footer, "Ниже цели", REGION_BELOW_TARGET);
  if (rc == 0) rc = cells_sheet(wb, &f, &r, footer, "Динамика", REGION_DYNAMICS);
  if (rc != 0) snprintf(err, errlen, _("the store: %s"), sqlite3_errmsg(db));
  lxw_error closed = workbook_close(wb);
  region_close(&r);
  if (rc == 0 && closed != LXW_NO_ERROR) {
    snprintf(err, errlen, "%s: %s", path, lxw_strerror(closed));
    rc = -1;
  }
  if (rc != 0) {
    files_discard(&stage);
    return -1;
  }
  return files_publish(&stage, err, errlen);
}
