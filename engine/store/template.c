/* template.c: the empty import files of the entities, for offices to fill
 * in Excel (or as CSV) and import back unchanged: Russian headers the
 * importer reads, the vocabularies as drop-down lists, date formats and
 * checks, and what each column takes. Everything in a template is for
 * officials, so its words are Russian directly. The promises are in
 * template.h. */
#include "template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "files.h"
#include "i18n.h"
#include "vocabulary.h"

#define LIST_SHEET "Списки"
#define NOTES_SHEET "Пояснения"

/* Headers better than the first Russian name entity.c gives: the staff's
 * own code is the worker's, not any code. */
static const struct { const char *entity, *field, *header; } header_choice[] = {
    {"staff", "id", "Код работника"},
    {"registries", "partner_id", "Код наставника"},
    {"events", "parent_id", "Код основного мероприятия"},
};

static const struct { const char *entity, *sheet, *what; } sheet_names[] = {
    {"organizations", "Организации", "одна строка — одна образовательная организация"},
    {"staff", "Работники", "одна строка — один работник (или один период его работы)"},
    {"activities", "Деятельность", "одна строка — одно мероприятие работника: курсы, диагностика, стажировка..."},
    {"communities", "Сообщества", "одна строка — одно профессиональное сообщество или объединение"},
    {"documents", "Документы", "одна строка — один документ: приказ, положение, план..."},
    {"events", "Мероприятия", "одна строка — одно мероприятие или этап конкурса"},
    {"participation", "Участие", "одна строка — участие работника или организации в мероприятии"},
    {"registries", "Реестры", "одна строка — включение работника в реестр"},
};

const char *template_sheet_name(const entity_def *e) {
  for (size_t i = 0; i < sizeof sheet_names / sizeof sheet_names[0]; i++)
    if (!strcmp(sheet_names[i].entity, e->name)) return sheet_names[i].sheet;
  return e->name;
}

/* What one row of e's sheet is, for the notes. */
static const char *row_meaning(const entity_def *e) {
  for (size_t i = 0; i < sizeof sheet_names / sizeof sheet_names[0]; i++)
    if (!strcmp(sheet_names[i].entity, e->name)) return sheet_names[i].what;
  return "";
}

/* Copies word into out with its first letter capitalized, and the
 * abbreviations (ОО, МО, ДПО, УВР) in capitals. */
static void capitalize(const char *in, char *out, size_t outlen) {
  snprintf(out, outlen, "%s", in);
  unsigned char *s = (unsigned char *)out;
  /* а..п are D0 B0..BF (А..П: D0 90..9F); р..я are D1 80..8F (Р..Я: D0 A0..AF); ё is D1 91 (Ё: D0 81) */
  if (s[0] == 0xD0 && s[1] >= 0xB0 && s[1] <= 0xBF) s[1] -= 0x20;
  else if (s[0] == 0xD1 && s[1] >= 0x80 && s[1] <= 0x8F) { s[0] = 0xD0; s[1] += 0x20; }
  else if (s[0] == 0xD1 && s[1] == 0x91) { s[0] = 0xD0; s[1] = 0x81; }
  else if (s[0] >= 'a' && s[0] <= 'z') s[0] = (unsigned char)(s[0] - 'a' + 'A');
  static const char *const abbreviations[][2] = {{"оо", "ОО"}, {"мо", "МО"}, {"дпо", "ДПО"}, {"увр", "УВР"}};
  for (size_t a = 0; a < sizeof abbreviations / sizeof abbreviations[0]; a++) {
    size_t n = strlen(abbreviations[a][0]);
    for (char *p = out; (p = strstr(p, abbreviations[a][0])) != NULL; p += n)
      if ((p == out || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ')) memcpy(p, abbreviations[a][1], n);
  }
}

const char *template_header(const entity_def *e, size_t f, char *buf, size_t buflen) {
  const entity_field *fd = &e->fields[f];
  for (size_t i = 0; i < sizeof header_choice / sizeof header_choice[0]; i++)
    if (!strcmp(header_choice[i].entity, e->name) && !strcmp(header_choice[i].field, fd->name)) {
      snprintf(buf, buflen, "%s", header_choice[i].header);
      return buf;
    }
  /* the first Russian name of the field (the list may begin with English ones) */
  const char *p = fd->headers ? fd->headers : "";
  while (*p) {
    size_t n = strcspn(p, "|");
    int russian = 0;
    for (size_t i = 0; i < n; i++) russian |= (unsigned char)p[i] >= 0x80;
    if (russian) {
      char word[256];
      snprintf(word, sizeof word, "%.*s", (int)n, p);
      capitalize(word, buf, buflen);
      return buf;
    }
    p += n + (p[n] == '|');
  }
  snprintf(buf, buflen, "%s", fd->name);
  return buf;
}

/* What a column takes, in words, for the notes and the cell's hint. */
static void column_rule(const entity_def *e, const entity_field *fd, char *buf, size_t buflen) {
  const vocabulary *v = fd->vocabulary ? vocabulary_find(fd->vocabulary) : NULL;
  switch (fd->type) {
  case FIELD_DATE: snprintf(buf, buflen, "дата: 01.09.2023 (или 2023-09-01)"); break;
  case FIELD_YEAR:
    snprintf(buf, buflen, "%s", !strcmp(fd->name, "birth_year") ? "год: 1985 (или полная дата рождения — берется год)"
                                                                  : "год: 2008");
    break;
  case FIELD_DECIMAL: snprintf(buf, buflen, "число: 36 или 12,5"); break;
  case FIELD_BOOL: snprintf(buf, buflen, "да или нет"); break;
  case FIELD_CHOICE:
    snprintf(buf, buflen, "значение из списка «%s»%s", v ? v->title : fd->vocabulary,
             v && v->phrases ? " (можно с уточнением: «Учитель математики»)" : "");
    break;
  default:
    if (fd->references)
      snprintf(buf, buflen, "код из загруженного файла «%s»",
               !strcmp(fd->references, "organization") ? "Организации"
               : !strcmp(fd->references, "staff")      ? "Работники"
               : !strcmp(fd->references, "event")      ? "Мероприятия"
                                                       : fd->references);
    else if (!strcmp(fd->name, "id"))
      snprintf(buf, buflen, "%s", !strcmp(e->name, "staff") ? "код работника (табельный номер), не ФИО"
                                                             : "код записи; можно не заполнять");
    else
      snprintf(buf, buflen, "текст");
  }
}

static int write_csv(const entity_def *e, const char *path, char *err, size_t errlen) {
  FILE *out = files_create(path, 0, err, errlen);
  if (!out) return -1;
  fputs("\xEF\xBB\xBF", out);
  for (size_t f = 0; f < e->nfields; f++) {
    char header[256];
    fprintf(out, "%s%s", f ? ";" : "", template_header(e, f, header, sizeof header));
  }
  fputs("\r\n", out);
  return files_close(out, path, err, errlen);
}

/* The formats a template's sheets use. */
typedef struct formats {
  lxw_format *header, *header_required, *date, *year, *text, *title, *wrap, *plain;
} formats;

static void make_formats(lxw_workbook *wb, formats *fm) {
  fm->header = workbook_add_format(wb);
  format_set_bold(fm->header);
  format_set_text_wrap(fm->header);
  format_set_align(fm->header, LXW_ALIGN_VERTICAL_TOP);
  format_set_border(fm->header, LXW_BORDER_THIN);
  format_set_bg_color(fm->header, 0xDDEBF7);
  fm->header_required = workbook_add_format(wb);
  format_set_bold(fm->header_required);
  format_set_text_wrap(fm->header_required);
  format_set_align(fm->header_required, LXW_ALIGN_VERTICAL_TOP);
  format_set_border(fm->header_required, LXW_BORDER_THIN);
  format_set_bg_color(fm->header_required, 0xFFE699);
  fm->date = workbook_add_format(wb);
  format_set_num_format(fm->date, "dd.mm.yyyy");
  fm->year = workbook_add_format(wb);
  format_set_num_format(fm->year, "0");
  fm->text = workbook_add_format(wb); /* codes stay text: Excel would turn 007 into 7 */
  format_set_num_format(fm->text, "@");
  fm->title = workbook_add_format(wb);
  format_set_bold(fm->title);
  format_set_font_size(fm->title, 12);
  fm->plain = workbook_add_format(wb); /* a sentence that runs on over the empty cells beside it */
  format_set_align(fm->plain, LXW_ALIGN_LEFT); /* a format of its own, not the column's wrapping one */
  fm->wrap = workbook_add_format(wb);
  format_set_text_wrap(fm->wrap);
  format_set_align(fm->wrap, LXW_ALIGN_VERTICAL_TOP);
}

/* The hidden sheet of lists: one column per vocabulary the entity uses,
 * its Russian names under its title. Returns the column of field f's list
 * in list_col[f] (-1: none) and each list's length in list_len[f]. */
static void write_lists(lxw_workbook *wb, const entity_def *e, const formats *fm, int *list_col, size_t *list_len) {
  lxw_worksheet *ws = NULL;
  int next = 0;
  for (size_t f = 0; f < e->nfields; f++) {
    list_col[f] = -1;
    list_len[f] = 0;
    const entity_field *fd = &e->fields[f];
    const vocabulary *v = fd->type == FIELD_CHOICE && fd->vocabulary ? vocabulary_find(fd->vocabulary) : NULL;
    if (!v) continue;
    if (!ws) {
      ws = workbook_add_worksheet(wb, LIST_SHEET);
      worksheet_hide(ws);
    }
    worksheet_set_column(ws, (lxw_col_t)next, (lxw_col_t)next, 40, NULL);
    worksheet_write_string(ws, 0, (lxw_col_t)next, v->title, fm->title);
    size_t n = 0;
    for (const vocabulary_entry *ve = v->entries; ve->code; ve++, n++)
      worksheet_write_string(ws, (lxw_row_t)(n + 1), (lxw_col_t)next, ve->label ? ve->label : ve->code, NULL);
    list_col[f] = next++;
    list_len[f] = n;
  }
}

/* Excel's name of column c (0-based): A, B, ..., Z, AA, ... */
static void column_letters(int c, char *out) {
  char rev[8];
  int n = 0;
  for (c++; c > 0; c = (c - 1) / 26) rev[n++] = (char)('A' + (c - 1) % 26);
  for (int i = 0; i < n; i++) out[i] = rev[n - 1 - i];
  out[n] = '\0';
}

/* Appends to xml (of size cap, at *o) the data validation of field fd's
 * column letters: a drop-down list, yes/no, a date or a year. Warnings, not
 * refusals: the importer takes more names than the list shows (synonyms,
 * «Учитель математики») and dates typed as text. Written as the sheet's XML
 * itself: libxlsxwriter 1.1.4 loses the formula of every list validation
 * it is given (a leak per column). */
static void validation_xml(const entity_field *fd, const char *letters, int list_col, size_t list_len, char *xml,
                           size_t cap, size_t *o) {
  const char *type, *message, *operator= "";
  char formulas[256];
  if (fd->type == FIELD_CHOICE && list_col >= 0) {
    char list[8];
    column_letters(list_col, list);
    type = "list";
    message = "Этого значения нет в списке. pdmon примет и другие известные названия; неизвестное отклонит при загрузке.";
    snprintf(formulas, sizeof formulas, "<formula1>'%s'!$%s$2:$%s$%zu</formula1>", LIST_SHEET, list, list, list_len + 1);
  } else if (fd->type == FIELD_BOOL) {
    type = "list";
    message = "Ожидается «да» или «нет».";
    snprintf(formulas, sizeof formulas, "<formula1>\"да,нет\"</formula1>");
  } else if (fd->type == FIELD_DATE) { /* Excel's days: 1 is 01.01.1900, 73415 is 31.12.2100 */
    type = "date", operator= " operator=\"between\"";
    message = "Ожидается дата, например 01.09.2023.";
    snprintf(formulas, sizeof formulas, "<formula1>1</formula1><formula2>73415</formula2>");
  } else if (fd->type == FIELD_YEAR) {
    type = "whole", operator= " operator=\"between\"";
    message = "Ожидается год от 1900 до 2100.";
    snprintf(formulas, sizeof formulas, "<formula1>1900</formula1><formula2>2100</formula2>");
  } else {
    return;
  }
  int n = snprintf(xml + *o, cap - *o,
                   "<dataValidation type=\"%s\" errorStyle=\"warning\"%s allowBlank=\"1\" showInputMessage=\"1\" "
                   "showErrorMessage=\"1\" errorTitle=\"Проверьте значение\" error=\"%s\" sqref=\"%s2:%s1048576\">%s"
                   "</dataValidation>",
                   type, operator, message, letters, letters, formulas);
  if (n > 0 && (size_t)n < cap - *o) *o += (size_t)n;
}

/* The first sheet of the closed workbook z with the validations put where
 * the schema has them (before the page margins), as a new string; NULL when
 * the sheet cannot be read. */
static char *sheet_with_validations(zip_t *z, const char *part, const char *items, size_t count, size_t *outlen) {
  zip_stat_t st;
  if (zip_stat(z, part, 0, &st) != 0 || st.size > (1u << 20)) return NULL;
  size_t len = (size_t)st.size, cap = len + strlen(items) + 64;
  char *sheet = malloc(len + 1), *out = malloc(cap);
  zip_file_t *zf = zip_fopen(z, part, 0);
  int ok = sheet && out && zf && zip_fread(zf, sheet, len) == (zip_int64_t)len;
  if (zf) zip_fclose(zf);
  char *at = NULL;
  if (ok) {
    sheet[len] = '\0';
    at = strstr(sheet, "<pageMargins");
  }
  int n = at ? snprintf(out, cap, "%.*s<dataValidations count=\"%zu\">%s</dataValidations>%s", (int)(at - sheet), sheet,
                        count, items, at)
             : -1;
  free(sheet);
  if (n < 0 || (size_t)n >= cap) {
    free(out);
    return NULL;
  }
  *outlen = (size_t)n;
  return out;
}

/* Adds the validations (count of them, as XML) to the workbook at path. */
static int add_validations(const char *path, const char *items, size_t count, char *err, size_t errlen) {
  if (!count) return 0;
  const char *part = "xl/worksheets/sheet1.xml";
  int zerr = 0;
  zip_t *z = zip_open(path, 0, &zerr);
  size_t len = 0;
  char *sheet = z ? sheet_with_validations(z, part, items, count, &len) : NULL;
  zip_source_t *src = sheet ? zip_source_buffer(z, sheet, len, 1) : NULL; /* the source frees the sheet */
  if (!src) free(sheet);
  if (!src || zip_file_add(z, part, src, ZIP_FL_OVERWRITE) < 0) {
    if (src) zip_source_free(src);
    if (z) zip_discard(z);
    snprintf(err, errlen, _("%s: cannot write: %s"), path, part);
    return -1;
  }
  if (zip_close(z) != 0) {
    snprintf(err, errlen, _("%s: cannot write: %s"), path, zip_strerror(z));
    zip_discard(z);
    return -1;
  }
  return 0;
}

/* The sheet «Пояснения»: what a row is, and per column whether it is
 * required and what it takes. */
static void write_notes(lxw_workbook *wb, const entity_def *e, const formats *fm) {
  lxw_worksheet *ws = workbook_add_worksheet(wb, NOTES_SHEET);
  worksheet_set_column(ws, 0, 0, 42, fm->wrap);
  worksheet_set_column(ws, 1, 1, 14, fm->wrap);
  worksheet_set_column(ws, 2, 2, 70, fm->wrap);
  char line[512];
  snprintf(line, sizeof line, "Лист «%s»: %s. Первая строка — заголовки, их не меняйте; строки ниже — данные.",
           template_sheet_name(e), row_meaning(e));
  worksheet_write_string(ws, 0, 0, line, fm->title);
  snprintf(line, sizeof line, "Загрузка: pdmon import %s ФАЙЛ.xlsx (или через загрузку файла на сайте). "
           "Ошибочные строки будут названы с номером строки и столбцом.", e->name);
  worksheet_write_string(ws, 1, 0, line, fm->plain);
  worksheet_write_string(ws, 2, 0, "Обязательные столбцы выделены желтым; у каждого заголовка есть подсказка.", fm->plain);
  worksheet_write_string(ws, 4, 0, "Столбец", fm->header);
  worksheet_write_string(ws, 4, 1, "Обязательный", fm->header);
  worksheet_write_string(ws, 4, 2, "Что писать", fm->header);
  for (size_t f = 0; f < e->nfields; f++) {
    const entity_field *fd = &e->fields[f];
    char header[256], rule[512];
    template_header(e, f, header, sizeof header);
    column_rule(e, fd, rule, sizeof rule);
    if (!strcmp(fd->name, "municipality") && e->has_municipality)
      snprintf(rule, sizeof rule, "код муниципалитета; можно не заполнять, если он задан в pdmon init --municipality");
    lxw_row_t r = (lxw_row_t)(5 + f);
    worksheet_write_string(ws, r, 0, header, NULL);
    worksheet_write_string(ws, r, 1, fd->required ? "да" : "нет", NULL);
    worksheet_write_string(ws, r, 2, rule, NULL);
  }
  worksheet_set_landscape(ws);
  worksheet_fit_to_pages(ws, 1, 0);
}

static int write_xlsx(const entity_def *e, const char *path, char *err, size_t errlen) {
  lxw_workbook *wb = workbook_new(path); /* path is inside template_write's private folder */
  if (!wb) {
    snprintf(err, errlen, _("%s: cannot write: %s"), path, strerror(errno));
    return -1;
  }
  formats fm;
  make_formats(wb, &fm);
  lxw_worksheet *ws = workbook_add_worksheet(wb, template_sheet_name(e));
  int list_col[32];
  size_t list_len[32], used = 0, validation_count = 0;
  char validations[16384];
  validations[0] = '\0';
  write_notes(wb, e, &fm);
  write_lists(wb, e, &fm, list_col, list_len);
  worksheet_freeze_panes(ws, 1, 0);
  worksheet_set_row(ws, 0, 45, NULL);
  worksheet_set_landscape(ws);
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_repeat_rows(ws, 0, 0);
  for (size_t f = 0; f < e->nfields && f < 32; f++) {
    const entity_field *fd = &e->fields[f];
    char header[256], rule[512];
    template_header(e, f, header, sizeof header);
    lxw_col_t col = (lxw_col_t)f;
    lxw_format *column_format = fd->type == FIELD_DATE ? fm.date : fd->type == FIELD_YEAR ? fm.year
                                : fd->type == FIELD_TEXT || fd->type == FIELD_CHOICE ? fm.text : NULL;
    double width = fd->type == FIELD_CHOICE ? 30 : fd->type == FIELD_TEXT && !fd->references && strcmp(fd->name, "id") ? 36 : 16;
    worksheet_set_column(ws, col, col, width, column_format);
    worksheet_write_string(ws, 0, col, header, fd->required ? fm.header_required : fm.header);
    column_rule(e, fd, rule, sizeof rule);
    char note[640];
    snprintf(note, sizeof note, "%s%s", fd->required ? "Обязательный. " : "", rule);
    worksheet_write_comment(ws, 0, col, note);
    char letters[8];
    column_letters((int)f, letters);
    size_t before = used;
    validation_xml(fd, letters, list_col[f], list_len[f], validations, sizeof validations, &used);
    validation_count += used > before;
  }
  worksheet_activate(ws);
  lxw_error rc = workbook_close(wb);
  if (rc != LXW_NO_ERROR) {
    snprintf(err, errlen, _("%s: cannot write: %s"), path, lxw_strerror(rc));
    return -1;
  }
  return add_validations(path, validations, validation_count, err, errlen);
}

int template_write(const entity_def *e, template_format format, const char *path, char *err, size_t errlen) {
  /* written in a private folder and moved into place: libxlsxwriter opens
   * the workbook by name, so nothing may be planted where it writes */
  files_staged stage;
  if (files_stage(path, 0, &stage, err, errlen) != 0) return -1;
  int rc = format == TEMPLATE_CSV ? write_csv(e, stage.part, err, errlen) : write_xlsx(e, stage.part, err, errlen);
  if (rc != 0) {
    files_staged_message(&stage, err, errlen);
    files_discard(&stage);
    return -1;
  }
  return files_publish(&stage, err, errlen);
}
