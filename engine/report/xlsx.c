/* xlsx.c: the cycle's report as an Excel workbook (libxlsxwriter), every sheet named in Russian
 * and set up to print on A4 landscape. The promises are in xlsx.h. */
#include "xlsx.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "files.h"
#include "i18n.h"
#include "report_text.h"
#include "russian.h"

/* Promised in xlsx.h: the print setup of a sheet that is one table. */
void xlsx_print_as_table(lxw_worksheet *ws, const char *footer) {
  worksheet_freeze_panes(ws, 1, 0);
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9); /* A4 */
  worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.6);
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_repeat_rows(ws, 0, 0);
  worksheet_set_footer(ws, footer);
}

typedef const cJSON cj;

/* The formats every sheet shares. */
typedef struct xlsx_formats {
  lxw_format *header, *number, *whole, *wrap, *met, *not_met, *overdue, *bold, *title;
} xlsx_formats;

enum { MAX_COLUMNS = 16 };

/* A sheet being written: its columns' widths (in characters) and the
 * number of lines the current row needs, so every row gets a height that
 * shows its wrapped text (spreadsheets do not grow rows written by a
 * program). */
typedef struct sheet {
  lxw_worksheet *ws;
  const xlsx_formats *f;
  double widths[MAX_COLUMNS];
  int columns, row, lines;
} sheet;

/* How many lines text takes in a column width characters wide. */
static int lines_of(const char *text, double width) {
  int lines = 1;
  double per_line = width > 2 ? width - 1 : 1, used = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if ((*p & 0xC0) == 0x80) continue; /* one character, however many bytes */
    if (*p == '\n') {
      lines++;
      used = 0;
    } else if (++used > per_line) {
      lines++;
      used = 1;
    }
  }
  return lines;
}

/* Makes a sheet name Excel accepts: no []:*?/\, at most 31 characters
 * (cut at a word, with "…"), unique in the workbook. */
static void sheet_name(lxw_workbook *wb, const char *base, char *out, size_t len) {
  char clean[512];
  size_t n = 0;
  for (const char *p = base; *p && n + 1 < sizeof clean; p++) clean[n++] = strchr("[]:*?/\\'", *p) ? ' ' : *p;
  clean[n] = '\0';
  for (int attempt = 1; attempt < 100; attempt++) {
    char suffix[16] = "";
    if (attempt > 1) snprintf(suffix, sizeof suffix, " (%d)", attempt);
    size_t room = LXW_SHEETNAME_MAX - strlen(suffix);
    char name[sizeof clean + 8];
    snprintf(name, sizeof name, "%s", clean);
    if (lxw_utf8_strlen(name) > room) {
      /* cut to room - 1 characters, back to the last space, then "…" */
      size_t chars = 0, cut = 0, space = 0;
      for (size_t i = 0; name[i]; i++) {
        if (((unsigned char)name[i] & 0xC0) == 0x80) continue;
        if (chars == room - 1) {
          cut = i;
          break;
        }
        if (name[i] == ' ') space = i;
        chars++;
      }
      if (space > cut / 2) cut = space;
      while (cut > 0 && (name[cut - 1] == ' ' || name[cut - 1] == '.' || name[cut - 1] == ',')) cut--;
      snprintf(name + cut, sizeof name - cut, "…");
    }
    size_t at = strlen(name);
    while (at > 0 && name[at - 1] == ' ') name[--at] = '\0';
    snprintf(out, len, "%s%s", name, suffix);
    if (!workbook_get_worksheet_by_name(wb, out) && workbook_validate_sheet_name(wb, out) == LXW_NO_ERROR) return;
  }
}

/* A new sheet with its header row (frozen, repeated on every printed page),
 * column widths, and the print setup: A4 landscape, fit to the page's
 * width, page numbers and the generation date in the footer. */
static sheet new_sheet(lxw_workbook *wb, const xlsx_formats *f, const char *title, const char *const *names, const double *widths,
                       int n, const char *footer) {
  char name[LXW_MAX_SHEETNAME_LENGTH + 16];
  sheet_name(wb, title, name, sizeof name);
  sheet s = {.ws = workbook_add_worksheet(wb, name), .f = f, .columns = n, .row = 0, .lines = 1};
  int lines = 1;
  for (int i = 0; i < n && i < MAX_COLUMNS; i++) {
    s.widths[i] = widths[i];
    worksheet_write_string(s.ws, 0, (lxw_col_t)i, names[i], f->header);
    worksheet_set_column(s.ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
    int l = lines_of(names[i], widths[i]);
    if (l > lines) lines = l;
  }
  worksheet_set_row(s.ws, 0, 15.0 * lines + 2, NULL);
  xlsx_print_as_table(s.ws, footer);
  s.row = 1;
  return s;
}

/* Excel holds at most 32,767 characters in a cell, and libxlsxwriter drops
 * a longer string without a word: a longer text is cut at a character
 * boundary and the cell says so. */
#define CELL_MAX_CHARACTERS 32767
#define CELL_KEPT_CHARACTERS 32000

/* Writes text (from the store or the rules) as a string cell, never lost. */
static void write_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *text, lxw_format *format) {
  if (!text) text = "";
  size_t characters = lxw_utf8_strlen(text);
  if (characters <= CELL_MAX_CHARACTERS) {
    worksheet_write_string(ws, row, col, text, format);
    return;
  }
  size_t bytes = 0, kept = 0;
  while (text[bytes] && kept < CELL_KEPT_CHARACTERS) {
    bytes++;
    while ((text[bytes] & 0xC0) == 0x80) bytes++; /* the rest of a UTF-8 character */
    kept++;
  }
  char note[128];
  int n = snprintf(note, sizeof note, " … [текст обрезан: в ячейке первые %d из %zu символов]", CELL_KEPT_CHARACTERS, characters);
  char *cut = malloc(bytes + (size_t)n + 1);
  if (!cut) return;
  memcpy(cut, text, bytes);
  memcpy(cut + bytes, note, (size_t)n + 1);
  worksheet_write_string(ws, row, col, cut, format);
  free(cut);
}

static void text_cell(sheet *s, int col, const char *text, lxw_format *format) {
  write_text(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, text, format ? format : s->f->wrap);
  int l = lines_of(text ? text : "", s->widths[col]);
  if (l > s->lines) s->lines = l;
}

/* A number cell, or an empty one when there is no number. */
static void number_cell(sheet *s, int col, cj *o, const char *field, lxw_format *format) {
  if (report_has(o, field))
    worksheet_write_number(s->ws, (lxw_row_t)s->row, (lxw_col_t)col, report_number(o, field), format ? format : s->f->number);
}

/* Ends a row: its height fits its tallest wrapped cell. */
static void end_row(sheet *s, lxw_format *row_format) {
  worksheet_set_row(s->ws, (lxw_row_t)s->row, 15.0 * s->lines + 2, row_format);
  s->row++;
  s->lines = 1;
}

/* Autofilter on the header and colours for a status column. */
static void finish(sheet *s, int status_col, const char *good, const char *bad) {
  if (s->row > 1) worksheet_autofilter(s->ws, 0, 0, (lxw_row_t)(s->row - 1), (lxw_col_t)(s->columns - 1));
  if (status_col < 0 || s->row < 2) return;
  char g[128], b[128];
  snprintf(g, sizeof g, "\"%s\"", good);
  snprintf(b, sizeof b, "\"%s\"", bad);
  lxw_conditional_format met = {.type = LXW_CONDITIONAL_TYPE_CELL, .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                .value_string = g, .format = s->f->met};
  lxw_conditional_format not_met = {.type = LXW_CONDITIONAL_TYPE_CELL, .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                    .value_string = b, .format = !strcmp(bad, "просрочено") ? s->f->overdue : s->f->not_met};
  worksheet_conditional_format_range(s->ws, 1, (lxw_col_t)status_col, (lxw_row_t)(s->row - 1), (lxw_col_t)status_col, &met);
  worksheet_conditional_format_range(s->ws, 1, (lxw_col_t)status_col, (lxw_row_t)(s->row - 1), (lxw_col_t)status_col, &not_met);
}

/* ---- the sheets ---- */

static void summary_sheet(lxw_workbook *wb, const xlsx_formats *f, cj *root, const char *footer) {
  int period = (int)report_number(cJSON_GetObjectItem(root, "cycle"), "period");
  char target[64];
  snprintf(target, sizeof target, "Цель на %d г.", period);
  const char *names[] = {"№", "Критерий", "Показатель", "Значение", target, "Статус", "Ниже цели", "Оценено",
                         "Единица", "Цель по документу", "Источник данных"};
  static const double widths[] = {5, 24, 48, 10, 20, 14, 10, 10, 9, 30, 26};
  sheet s = new_sheet(wb, f, "Итоги", names, widths, 11, footer);
  cj *crit, *ind;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    cj *total = cJSON_GetObjectItem(ind, "total");
    if (report_has_text(root, "organization")) {
      cj *o;
      cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations")) total = o;
    }
    text_cell(&s, 0, report_str(ind, "number"), NULL);
    text_cell(&s, 1, report_str(crit, "title"), NULL);
    text_cell(&s, 2, report_str(ind, "title"), NULL);
    number_cell(&s, 3, total, "value", NULL);
    text_cell(&s, 4, report_target(ind, total), NULL);
    text_cell(&s, 5, ru_status(total ? report_judgement(total) : "no_data"), NULL);
    number_cell(&s, 6, ind, "below_target", f->whole);
    number_cell(&s, 7, ind, "judged", f->whole);
    text_cell(&s, 8, report_str(ind, "unit"), NULL);
    text_cell(&s, 9, report_str(ind, "target_text"), NULL);
    text_cell(&s, 10, report_str(ind, "source"), NULL);
    end_row(&s, NULL);
  }
  finish(&s, 5, "достигнуто", "не достигнуто");
}

/* One row of a criterion sheet: an indicator's value for the municipality
 * or one organization. */
static void criterion_row(sheet *s, cj *ind, cj *r, const char *who, lxw_format *who_format) {
  text_cell(s, 0, report_str(ind, "number"), NULL);
  text_cell(s, 1, report_str(ind, "title"), NULL);
  text_cell(s, 2, who, who_format);
  number_cell(s, 3, r, "value", NULL);
  number_cell(s, 4, r, "numerator", s->f->whole);
  number_cell(s, 5, r, "denominator", s->f->whole);
  number_cell(s, 6, r, "target_value", NULL);
  text_cell(s, 7, ru_status(report_judgement(r)), NULL);
  end_row(s, NULL);
}

/* A sheet per criterion: every indicator's values per organization. */
static void criterion_sheet(lxw_workbook *wb, const xlsx_formats *f, cj *crit, const char *footer) {
  char title[600];
  snprintf(title, sizeof title, "%d. %s", (int)report_number(crit, "number"), report_str(crit, "title"));
  static const char *const names[] = {"№", "Показатель", "Организация", "Значение", "Числитель", "Знаменатель", "Цель", "Статус"};
  static const double widths[] = {6, 55, 34, 11, 11, 12, 10, 15};
  sheet s = new_sheet(wb, f, title, names, widths, 8, footer);
  cj *ind, *o;
  cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    cj *total = cJSON_GetObjectItem(ind, "total");
    if (total) criterion_row(&s, ind, total, "Муниципалитет в целом", f->title);
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations")) /* every organization, uncapped */
      criterion_row(&s, ind, o, report_str(o, "organization_name"), NULL);
  }
  finish(&s, 7, "достигнуто", "не достигнуто");
}

static void problems_sheet(lxw_workbook *wb, const xlsx_formats *f, cj *root, const char *footer) {
  static const char *const names[] = {"№", "Показатель", "Муниципалитет в целом", "Организаций ниже цели", "Оценено",
                                      "Организации ниже цели", "Происхождение"};
  static const double widths[] = {6, 50, 26, 12, 10, 60, 18};
  sheet s = new_sheet(wb, f, "Проблемные зоны", names, widths, 7, footer);
  cj *g;
  cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "problems")) {
    cj *total = cJSON_GetObjectItem(g, "total");
    char value[64], municipal[256];
    if (cJSON_IsTrue(cJSON_GetObjectItem(g, "municipal")))
      snprintf(municipal, sizeof municipal, "%s при цели «%s»", report_value(g, total, "value", value, sizeof value),
               report_target(g, total));
    else snprintf(municipal, sizeof municipal, "цель достигнута");
    report_buf b = {0};
    if (report_number(g, "below") > 0) report_organizations_below(&b, g, 0);
    text_cell(&s, 0, report_str(g, "number"), NULL);
    text_cell(&s, 1, report_str(g, "title"), NULL);
    text_cell(&s, 2, municipal, NULL);
    number_cell(&s, 3, g, "below", f->whole);
    number_cell(&s, 4, g, "judged", f->whole);
    text_cell(&s, 5, b.s ? b.s : "—", NULL);
    int carried = (int)report_number(g, "carried");
    text_cell(&s, 6, ru_origin(carried ? "carried" : "new"), NULL);
    report_buf_free(&b);
    end_row(&s, NULL);
  }
  finish(&s, -1, NULL, NULL);
}

/* Every organization's value of every indicator: organizations down,
 * indicators (by number) across, numbers as numbers. */
static void matrix_sheet(lxw_workbook *wb, const xlsx_formats *f, cj *root, const char *footer) {
  cj *crit, *ind, *o, *first = NULL;
  int n = 0;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    if (!first) first = ind;
    n++;
  }
  if (!first) return;
  char name[LXW_MAX_SHEETNAME_LENGTH + 16];
  sheet_name(wb, "Значения по организациям", name, sizeof name);
  lxw_worksheet *ws = workbook_add_worksheet(wb, name);
  worksheet_write_string(ws, 0, 0, "Организация", f->header);
  worksheet_set_column(ws, 0, 0, 34, NULL);
  int col = 1;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    worksheet_write_string(ws, 0, (lxw_col_t)col, report_str(ind, "number"), f->header);
    worksheet_write_comment(ws, 0, (lxw_col_t)col, report_str(ind, "title"));
    worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col, 8, NULL);
    col++;
  }
  int row = 1;
  for (int r = -1; r < cJSON_GetArraySize(cJSON_GetObjectItem(first, "organizations")); r++, row++) {
    cj *who = r < 0 ? NULL : cJSON_GetArrayItem(cJSON_GetObjectItem(first, "organizations"), r);
    const char *org = who ? report_str(who, "organization") : NULL;
    write_text(ws, (lxw_row_t)row, 0, org ? report_str(who, "organization_name") : "Муниципалитет в целом",
               org ? f->wrap : f->title);
    col = 1;
    cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
      cj *cell = org ? NULL : cJSON_GetObjectItem(ind, "total");
      if (org) cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations")) if (!strcmp(report_str(o, "organization"), org)) cell = o;
      if (report_has(cell, "value")) {
        const char *status = report_judgement(cell);
        lxw_format *format = !strcmp(status, "met") ? f->met : report_status_problem(status) ? f->not_met
                             : !strcmp(status, "behind") ? f->overdue : f->number;
        worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, report_number(cell, "value"), format);
      }
      col++;
    }
  }
  worksheet_freeze_panes(ws, 1, 1);
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);
  worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.6);
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_repeat_rows(ws, 0, 0);
  worksheet_set_footer(ws, footer);
  worksheet_autofilter(ws, 0, 0, (lxw_row_t)(row - 1), (lxw_col_t)n);
}

static void recommendations_sheet(lxw_workbook *wb, const xlsx_formats *f, cj *root, const char *footer) {
  static const char *const names[] = {"Адресат", "Организация", "Показатель", "Рекомендация"};
  static const double widths[] = {28, 32, 10, 90};
  sheet s = new_sheet(wb, f, "Рекомендации", names, widths, 4, footer);
  cj *r, *crit, *ind;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(root, "recommendations")) {
    const char *number = "";
    cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators"))
      if (!strcmp(report_str(ind, "id"), report_str(r, "indicator"))) number = report_str(ind, "number");
    text_cell(&s, 0, ru_addressee(report_str(r, "addressee")), NULL);
    text_cell(&s, 1, report_has_text(r, "organization") ? report_str(r, "organization_name") : "—", NULL);
    text_cell(&s, 2, number, NULL);
    text_cell(&s, 3, report_str(r, "text"), NULL);
    end_row(&s, NULL);
  }
  finish(&s, -1, NULL, NULL);
}

static void roadmap_sheet(lxw_workbook *wb, const xlsx_formats *f, cj *root, const char *footer) {
  char state[64], as_of[16];
  snprintf(state, sizeof state, "Состояние на %s", ru_date(report_str(cJSON_GetObjectItem(root, "cycle"), "as_of"), as_of, sizeof as_of));
  const char *names[] = {"№", "Этап", "Мероприятие", "Срок", "Ответственные", "Ожидаемый результат", state, "По годам"};
  static const double widths[] = {6, 22, 50, 18, 28, 38, 15, 24};
  sheet s = new_sheet(wb, f, "Дорожная карта", names, widths, 8, footer);
  cj *m, *o;
  static const char *const fields[] = {"number", "stage", "title", "schedule", "responsible", "expected_result"};
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(root, "measures")) {
    for (int i = 0; i < 6; i++) text_cell(&s, i, report_str(m, fields[i]), NULL);
    text_cell(&s, 6, ru_measure_state(report_str(m, "state")), NULL);
    report_buf b = {0};
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(m, "occurrences")) {
      if (!cJSON_IsTrue(cJSON_GetObjectItem(o, "counted"))) continue;
      report_buf_addf(&b, "%s%d — %s", b.n ? "\n" : "", (int)report_number(o, "year"), ru_measure_state(report_str(o, "state")));
    }
    text_cell(&s, 7, b.s ? b.s : "", NULL);
    report_buf_free(&b);
    end_row(&s, NULL);
  }
  finish(&s, 6, "выполнено", "просрочено");
}

static void effects_sheet(lxw_workbook *wb, const xlsx_formats *f, cj *root, const char *footer) {
  static const char *const names[] = {"№", "Мероприятие прошлого цикла", "Показатель", "До", "После", "Вывод"};
  static const double widths[] = {6, 55, 55, 10, 10, 20};
  sheet s = new_sheet(wb, f, "Эффективность мер", names, widths, 6, footer);
  cj *e, *crit, *ind;
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(root, "effects")) {
    char indicator[1024] = "";
    cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators"))
      if (!strcmp(report_str(ind, "id"), report_str(e, "indicator")))
        snprintf(indicator, sizeof indicator, "%s %s", report_str(ind, "number"), report_str(ind, "title"));
    text_cell(&s, 0, report_str(e, "number"), NULL);
    text_cell(&s, 1, report_str(e, "title"), NULL);
    text_cell(&s, 2, indicator, NULL);
    number_cell(&s, 3, e, "before_value", NULL);
    number_cell(&s, 4, e, "after_value", NULL);
    text_cell(&s, 5, ru_verdict(report_str(e, "verdict")), NULL);
    end_row(&s, NULL);
  }
  finish(&s, 5, "эффективна", "без эффекта");
}

static void add_formats(lxw_workbook *wb, xlsx_formats *f) {
  lxw_format **all[] = {&f->header, &f->number, &f->whole, &f->wrap, &f->met, &f->not_met, &f->overdue, &f->bold, &f->title};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
    *all[i] = workbook_add_format(wb);
    format_set_align(*all[i], LXW_ALIGN_VERTICAL_TOP);
  }
  format_set_bold(f->header);
  format_set_bg_color(f->header, 0xEEF2F8);
  format_set_text_wrap(f->header);
  format_set_border(f->header, LXW_BORDER_THIN);
  format_set_num_format(f->number, "0.00");
  format_set_num_format(f->whole, "0");
  format_set_text_wrap(f->wrap);
  format_set_bg_color(f->met, 0xC6EFCE);
  format_set_bg_color(f->not_met, 0xFFC7CE);
  format_set_bg_color(f->overdue, 0xFFEB9C);
  format_set_num_format(f->met, "0.00");
  format_set_num_format(f->not_met, "0.00");
  format_set_num_format(f->overdue, "0.00");
  format_set_bold(f->bold);
  format_set_bold(f->title);
  format_set_text_wrap(f->title);
}

int xlsx_write(sqlite3 *db, const cycle_ref *c, const report_options *opt, const char *path, char *err, size_t errlen) {
  if (!strcmp(c->state, "open")) {
    snprintf(err, errlen, _("cycle %lld (%d): the monitoring has not run yet; run 'pdmon cycle run' first"), c->id, c->period);
    return -1;
  }
  /* libxlsxwriter opens the file by name itself: it writes in a private
   * folder, and the finished workbook is moved into place (files.h) */
  files_staged stage;
  if (files_stage(path, 0, &stage, err, errlen) != 0) return -1;
  cJSON *root = report_build(db, c, opt, err, errlen);
  if (!root) {
    files_discard(&stage);
    return -1;
  }
  lxw_workbook *wb = workbook_new(stage.part);
  if (!wb) {
    snprintf(err, errlen, _("%s: cannot create the workbook"), path);
    cJSON_Delete(root);
    files_discard(&stage);
    return -1;
  }
  lxw_doc_properties properties = {.title = "Результаты мониторинга системы обеспечения профессионального развития"
                                            " педагогических работников",
                                   .company = (char *)report_municipality(root)};
  workbook_set_properties(wb, &properties);
  xlsx_formats f;
  add_formats(wb, &f);
  char footer[128], day[32];
  snprintf(footer, sizeof footer, "&LСформировано %s&Rстр. &P из &N",
           ru_date(report_str(cJSON_GetObjectItem(root, "cycle"), "generated"), day, sizeof day));
  summary_sheet(wb, &f, root, footer);
  cJSON *crit;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) criterion_sheet(wb, &f, crit, footer);
  problems_sheet(wb, &f, root, footer);
  if (!report_has_text(root, "organization")) matrix_sheet(wb, &f, root, footer);
  recommendations_sheet(wb, &f, root, footer);
  roadmap_sheet(wb, &f, root, footer);
  effects_sheet(wb, &f, root, footer);
  lxw_error rc = workbook_close(wb);
  cJSON_Delete(root);
  if (rc != LXW_NO_ERROR) {
    snprintf(err, errlen, "%s: %s", path, lxw_strerror(rc));
    files_discard(&stage);
    return -1;
  }
  return files_publish(&stage, err, errlen);
}
