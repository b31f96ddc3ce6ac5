/* xlsx.c: the cycle's report as an Excel workbook (libxlsxwriter): a summary sheet, a sheet per
 * criterion, recommendations and the roadmap. The promises are in xlsx.h. */
#include "xlsx.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "report.h"
#include "russian.h"
#include "i18n.h"

/* The formats every sheet shares. */
typedef struct xlsx_formats {
  lxw_format *header, *number, *wrap, *met, *not_met, *overdue, *title;
} xlsx_formats;

static const char *text_of(cJSON *o, const char *field) {
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, field));
  return s ? s : "";
}

/* A number cell, or an empty one when there is no number. */
static void number_cell(lxw_worksheet *ws, int row, int col, cJSON *o, const char *field, lxw_format *f) {
  cJSON *v = cJSON_GetObjectItem(o, field);
  if (cJSON_IsNumber(v)) worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v->valuedouble, f);
}

/* Header row, frozen, with column widths. */
static void headers(lxw_worksheet *ws, const xlsx_formats *f, const char *const *names, const double *widths, int n) {
  for (int i = 0; i < n; i++) {
    worksheet_write_string(ws, 0, (lxw_col_t)i, names[i], f->header);
    worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL);
  }
  worksheet_freeze_panes(ws, 1, 0);
}

/* Colours a column of statuses: green when met, red when not. */
static void colour_statuses(lxw_worksheet *ws, const xlsx_formats *f, int col, int last_row) {
  if (last_row < 1) return;
  lxw_conditional_format met = {.type = LXW_CONDITIONAL_TYPE_CELL, .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                .value_string = "\"достигнуто\"", .format = f->met};
  lxw_conditional_format not_met = {.type = LXW_CONDITIONAL_TYPE_CELL, .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                    .value_string = "\"не достигнуто\"", .format = f->not_met};
  worksheet_conditional_format_range(ws, 1, (lxw_col_t)col, (lxw_row_t)last_row, (lxw_col_t)col, &met);
  worksheet_conditional_format_range(ws, 1, (lxw_col_t)col, (lxw_row_t)last_row, (lxw_col_t)col, &not_met);
}

static void summary_sheet(lxw_workbook *wb, const xlsx_formats *f, cJSON *root) {
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Сводка");
  static const char *const names[] = {"Критерий", "Показатель", "Значение", "Цель", "Статус", "Единица", "Источник данных"};
  static const double widths[] = {40, 70, 12, 10, 16, 9, 40};
  headers(ws, f, names, widths, 7);
  int row = 1;
  cJSON *crit, *ind;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    cJSON *total = cJSON_GetObjectItem(ind, "total");
    worksheet_write_string(ws, (lxw_row_t)row, 0, text_of(crit, "title"), f->wrap);
    worksheet_write_string(ws, (lxw_row_t)row, 1, text_of(ind, "title"), f->wrap);
    number_cell(ws, row, 2, total, "value", f->number);
    number_cell(ws, row, 3, total, "target_value", f->number);
    worksheet_write_string(ws, (lxw_row_t)row, 4, ru_status(text_of(total, "status")), NULL);
    worksheet_write_string(ws, (lxw_row_t)row, 5, text_of(ind, "unit"), NULL);
    worksheet_write_string(ws, (lxw_row_t)row, 6, text_of(ind, "source"), f->wrap);
    row++;
  }
  colour_statuses(ws, f, 4, row - 1);
}

/* One row of a criterion sheet. */
static void criterion_row(lxw_worksheet *ws, const xlsx_formats *f, int row, cJSON *ind, cJSON *o, const char *name,
                          lxw_format *name_format) {
  worksheet_write_string(ws, (lxw_row_t)row, 0, text_of(ind, "title"), f->wrap);
  worksheet_write_string(ws, (lxw_row_t)row, 1, name, name_format);
  number_cell(ws, row, 2, o, "value", f->number);
  number_cell(ws, row, 3, o, "numerator", NULL);
  number_cell(ws, row, 4, o, "denominator", NULL);
  number_cell(ws, row, 5, o, "target_value", f->number);
  worksheet_write_string(ws, (lxw_row_t)row, 6, ru_status(text_of(o, "status")), NULL);
}

/* A sheet per criterion: every indicator's values per organization. */
static void criterion_sheet(lxw_workbook *wb, const xlsx_formats *f, cJSON *crit, int number) {
  char name[32];
  snprintf(name, sizeof name, "%d %.24s", number, text_of(crit, "id"));
  lxw_worksheet *ws = workbook_add_worksheet(wb, name);
  static const char *const names[] = {"Показатель", "Организация", "Значение", "Числитель", "Знаменатель", "Цель", "Статус"};
  static const double widths[] = {60, 36, 12, 12, 13, 10, 16};
  headers(ws, f, names, widths, 7);
  int row = 1;
  cJSON *ind, *o;
  cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    cJSON *total = cJSON_GetObjectItem(ind, "total");
    if (total) criterion_row(ws, f, row++, ind, total, "Муниципалитет в целом", f->title);
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations"))
      criterion_row(ws, f, row++, ind, o, text_of(o, "organization_name"), NULL); /* every organization, uncapped */
  }
  colour_statuses(ws, f, 6, row - 1);
}

static void recommendations_sheet(lxw_workbook *wb, const xlsx_formats *f, cJSON *root) {
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Рекомендации");
  static const char *const names[] = {"Адресат", "Организация", "Приоритет", "Рекомендация"};
  static const double widths[] = {22, 36, 10, 90};
  headers(ws, f, names, widths, 4);
  int row = 1;
  cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(root, "recommendations")) {
    worksheet_write_string(ws, (lxw_row_t)row, 0, text_of(r, "addressee"), NULL);
    worksheet_write_string(ws, (lxw_row_t)row, 1, text_of(r, "organization_name"), NULL);
    number_cell(ws, row, 2, r, "priority", NULL);
    worksheet_write_string(ws, (lxw_row_t)row, 3, text_of(r, "text"), f->wrap);
    row++;
  }
}

static void roadmap_sheet(lxw_workbook *wb, const xlsx_formats *f, cJSON *root) {
  lxw_worksheet *ws = workbook_add_worksheet(wb, "Дорожная карта");
  static const char *const names[] = {"№", "Этап", "Мероприятие", "Срок", "Ответственные", "Ожидаемый результат", "Состояние"};
  static const double widths[] = {6, 24, 60, 24, 30, 40, 14};
  headers(ws, f, names, widths, 7);
  int row = 1;
  cJSON *m;
  static const char *const fields[] = {"number", "stage", "title", "schedule", "responsible", "expected_result"};
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(root, "measures")) {
    for (int i = 0; i < 6; i++) worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)i, text_of(m, fields[i]), f->wrap);
    const char *state = text_of(m, "state");
    worksheet_write_string(ws, (lxw_row_t)row, 6, ru_measure_state(state), NULL);
    row++;
  }
  if (row > 1) {
    lxw_conditional_format overdue = {.type = LXW_CONDITIONAL_TYPE_CELL, .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
                                      .value_string = "\"просрочено\"", .format = f->overdue};
    worksheet_conditional_format_range(ws, 1, 6, (lxw_row_t)(row - 1), 6, &overdue);
  }
}

int xlsx_write(sqlite3 *db, const cycle_ref *c, const char *org, const char *path, char *err, size_t errlen) {
  if (!strcmp(c->state, "open")) {
    snprintf(err, errlen, _("cycle %lld (%d): the monitoring has not run yet; run 'pdmon cycle run' first"), c->id, c->period);
    return -1;
  }
  lxw_workbook *wb = workbook_new(path);
  if (!wb) {
    snprintf(err, errlen, _("%s: cannot create the workbook"), path);
    return -1;
  }
  xlsx_formats f = {workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb),
                    workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb)};
  format_set_bold(f.header);
  format_set_bg_color(f.header, 0xEEF2F8);
  format_set_text_wrap(f.header);
  format_set_num_format(f.number, "0.00");
  format_set_text_wrap(f.wrap);
  format_set_align(f.wrap, LXW_ALIGN_VERTICAL_TOP);
  format_set_bg_color(f.met, 0xC6EFCE);
  format_set_bg_color(f.not_met, 0xFFC7CE);
  format_set_bg_color(f.overdue, 0xFFEB9C);
  format_set_bold(f.title);
  cJSON *root = report_build(db, c, org);
  summary_sheet(wb, &f, root);
  int n = 1;
  cJSON *crit;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) criterion_sheet(wb, &f, crit, n++);
  recommendations_sheet(wb, &f, root);
  roadmap_sheet(wb, &f, root);
  cJSON_Delete(root);
  lxw_error rc = workbook_close(wb);
  if (rc != LXW_NO_ERROR) {
    snprintf(err, errlen, "%s: %s", path, lxw_strerror(rc));
    return -1;
  }
  return 0;
}
