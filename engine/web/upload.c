/* upload.c: uploads through the importer, with preview, per-row errors and rejected rows. The
 * promises are in upload.h. */
#include "upload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "cycle.h"
#include "entity.h"
#include "files.h"
#include "html.h"
#include "import.h"
#include "roadmap.h"
#include "routes.h"
#include "rows.h"
#include "template.h"
#include "actions.h"

#define PREVIEW_ROWS 10

/* ---- formats ---- */

/* A file format an upload may come in: how to recognise it and, when it is
 * not CSV, how to turn it into CSV for the importer (NULL: not yet). */
typedef struct upload_format {
  const char *name;
  int (*detect)(const char *data, size_t len);
  int (*to_csv)(const char *path, const char *csv_path, char *err, size_t errlen);
} upload_format;

static int is_zip(const char *data, size_t len) { return len >= 4 && !memcmp(data, "PK\3\4", 4); }
static int is_ole(const char *data, size_t len) { return len >= 8 && !memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8); }
static int is_text(const char *data, size_t len) { return len > 0 && !memchr(data, '\0', len); }

/* Counts the line ends a CSV field holds (LF, CRLF and a lone CR, as csv.c counts them). */
static size_t line_ends(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (*s == '\n' || (*s == '\r' && s[1] != '\n')) n++;
  return n;
}

/* Writes one row as a CSV line of at least width fields (a sheet leaves out
 * a row's empty cells at its end, a CSV line must have them all); *line is
 * the file's line the next row starts on. */
static void write_csv_row(FILE *out, const rows_row *row, size_t width, size_t *line) {
  size_t fields = row->count > width ? row->count : width;
  for (size_t c = 0; c < fields; c++) {
    if (c) fputc(';', out);
    if (c >= row->count) continue;
    csv_write_field(out, row->cells[c], ';');
    *line += line_ends(row->cells[c]);
  }
  fputs("\r\n", out);
  (*line)++;
}

/* The first (or only) sheet of a workbook as the CSV the pages read: each
 * row on the line of its sheet row number (blank lines for the rows Excel
 * leaves out), so errors and the preview name the rows the office sees;
 * dates as ISO dates, numbers as Excel holds them. */
static int xlsx_to_csv(const char *path, const char *csv_path, char *err, size_t errlen) {
  rows_source *src;
  if (rows_open(path, NULL, &src, err, errlen) != 0) return -1;
  FILE *out = files_create(csv_path, 1, err, errlen);
  if (!out) {
    rows_close(src);
    return -1;
  }
  fputs("\xEF\xBB\xBF", out);
  size_t line = 1;
  const rows_row *header = rows_header(src);
  size_t width = header->count;
  for (; line < header->line; line++) fputs("\r\n", out);
  write_csv_row(out, header, width, &line);
  rows_row row;
  int rc;
  while ((rc = rows_next(src, &row, err, errlen)) == 1) {
    for (; line < row.line; line++) fputs("\r\n", out);
    write_csv_row(out, &row, width, &line);
  }
  rows_close(src);
  char inner[1200];
  if (files_close(out, csv_path, inner, sizeof inner) != 0) {
    if (rc >= 0) snprintf(err, errlen, "%s", inner);
    rc = -1;
  }
  return rc < 0 ? -1 : 0;
}

static const upload_format formats[] = {
    {"XLSX", is_zip, xlsx_to_csv},
    {"XLS", is_ole, NULL},
    {"CSV", is_text, NULL},
};

/* ---- who may upload what ---- */

static const char *const municipality_entities[] = {"organizations", "staff", "activities", "communities", "documents", "measures", NULL};
static const char *const school_entities[] = {"staff", "activities", NULL};

static const char *entity_label(const char *e) {
  static const char *const labels[][2] = {{"organizations", "Образовательные организации"}, {"staff", "Педагогические работники"},
                                          {"activities", "Мероприятия и активности работников"}, {"communities", "Методические объединения и сообщества"},
                                          {"documents", "Документы"}, {"measures", "Дорожная карта (мероприятия)"}};
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (!strcmp(e, labels[i][0])) return labels[i][1];
  return e;
}

static int entity_allowed(const web_request *r, const char *entity) {
  const char *const *list = !strcmp(r->who.role, "school") ? school_entities : municipality_entities;
  for (int i = 0; entity && list[i]; i++)
    if (!strcmp(list[i], entity)) return 1;
  return 0;
}

/* ---- the upload form ---- */

static void write_form(web_request *r, FILE *out) {
  html_frame f;
  routes_frame(r, "Загрузка данных", &f);
  html_page_begin(out, &f);
  const char *const *list = !strcmp(r->who.role, "school") ? school_entities : municipality_entities;
  html_printf(out, "<p>Книга Excel (.xlsx, читается первый лист, первая строка — заголовки) или файл CSV (UTF-8, UTF-16, Windows-1251,"
                   " KOI8-R или CP866, разделитель «;», «,» или табуляция) проверяется целиком: сначала вы увидите"
                   " первые строки или ошибки по строкам, и только потом данные будут записаны — все строки или ни одной.</p>\n"
                   "<form class=\"box\" method=\"post\" action=\"/m/%U/upload\" enctype=\"multipart/form-data\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label for=\"entity\">Что загружается</label><select id=\"entity\" name=\"entity\">",
              r->municipality, r->csrf);
  for (int i = 0; list[i]; i++) html_printf(out, "<option value=\"%s\">%s</option>", list[i], entity_label(list[i]));
  html_printf(out, "</select><label for=\"file\">Файл</label><input type=\"file\" id=\"file\" name=\"file\" accept=\".csv,.txt,.xlsx\" required>"
                   "<p><button type=\"submit\">Проверить файл</button></p></form>\n<h2>Шаблоны</h2><ul>");
  for (int i = 0; list[i]; i++)
    if (strcmp(list[i], "measures"))
      html_printf(out, "<li>%s: <a href=\"/m/%U/template/%U.xlsx\" download>Excel</a>, <a href=\"/m/%U/template/%U.csv\" download>CSV</a></li>",
                  entity_label(list[i]), r->municipality, list[i], r->municipality, list[i]);
  html_printf(out, "</ul><p class=\"note\">Ограничения: файл до %L МБ и до %L строк.</p>\n",
              (long long)(r->options->max_body_bytes / (1024 * 1024)), (long long)r->options->max_upload_rows);
  html_page_end(out);
}

void upload_form(web_request *r) { web_respond_page(r, 200, write_form); }

/* ---- one upload's folder ---- */

/* What the pages of one upload need. */
typedef struct upload_state {
  char id[AUTH_TOKEN_HEX];
  char dir[1200], path[1300], rejected[1300];
  char entity[32], name[256];
  import_report report;
  int committed;
  char failure[2400];        /* the file as a whole was refused: why */
  csv_table table;           /* for the preview; nrows 0 when not read */
} upload_state;

static void state_free(void *p) {
  upload_state *s = p;
  import_report_free(&s->report);
  if (s->table.nrows) csv_free(&s->table);
  free(s);
}

/* Writes the owner file: login, municipality, entity, the original name. */
static int write_owner(const upload_state *s, const web_request *r) {
  char path[1300];
  snprintf(path, sizeof path, "%s/owner", s->dir);
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fprintf(f, "%s\n%s\n%s\n%s\n", r->who.login, r->municipality, s->entity, s->name);
  return fclose(f) == 0 ? 0 : -1;
}

/* Finds upload id of this account and municipality; 0 when it is theirs. */
static int read_owner(upload_state *s, const web_request *r, const char *id) {
  if (strlen(id) != AUTH_TOKEN_HEX - 1 || strspn(id, "0123456789abcdef") != AUTH_TOKEN_HEX - 1) return -1;
  snprintf(s->id, sizeof s->id, "%s", id);
  snprintf(s->dir, sizeof s->dir, "%s/%s", web_upload_dir(r->server), id);
  snprintf(s->path, sizeof s->path, "%s/data.csv", s->dir);
  snprintf(s->rejected, sizeof s->rejected, "%s/rejected.csv", s->dir);
  char path[1300], login[128] = "", mun[160] = "";
  snprintf(path, sizeof path, "%s/owner", s->dir);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int ok = fgets(login, sizeof login, f) && fgets(mun, sizeof mun, f) && fgets(s->entity, sizeof s->entity, f) &&
           fgets(s->name, sizeof s->name, f);
  fclose(f);
  if (!ok) return -1;
  login[strcspn(login, "\n")] = mun[strcspn(mun, "\n")] = s->entity[strcspn(s->entity, "\n")] = s->name[strcspn(s->name, "\n")] = '\0';
  return strcmp(login, r->who.login) || strcmp(mun, r->municipality) ? -1 : 0;
}

/* Removes an upload's folder and the files the workplace put in it. */
static void remove_upload(const char *folder) {
  static const char *const files[] = {"data.csv", "original", "owner", "rejected.csv"};
  char path[1400];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", folder, files[i]);
    unlink(path);
  }
  if (rmdir(folder) != 0 && errno != ENOENT) fprintf(stderr, "pdmon serve: cannot remove %s: %s\n", folder, strerror(errno));
}

/* Uploads wait a day for their import or their rejected rows to be fetched; older ones go. */
static void prune_uploads(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  time_t limit = time(NULL) - 24 * 60 * 60;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strlen(e->d_name) != AUTH_TOKEN_HEX - 1 || strspn(e->d_name, "0123456789abcdef") != AUTH_TOKEN_HEX - 1) continue;
    char folder[1200];
    struct stat st;
    snprintf(folder, sizeof folder, "%s/%s", dir, e->d_name);
    if (stat(folder, &st) == 0 && S_ISDIR(st.st_mode) && st.st_mtime < limit) remove_upload(folder);
  }
  closedir(d);
}

/* ---- scope of the rows ---- */

/* The municipality and organization a row's reference belongs to, by a lookup. */
static int lookup_scope(sqlite3 *db, const char *sql, const char *value, char *mun, size_t munlen, char *org, size_t orglen) {
  sqlite3_stmt *st;
  mun[0] = org[0] = '\0';
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  sqlite3_bind_text(st, 1, value, -1, SQLITE_TRANSIENT);
  int found = sqlite3_step(st) == SQLITE_ROW;
  if (found) {
    snprintf(mun, munlen, "%s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
    snprintf(org, orglen, "%s", sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
  }
  sqlite3_finalize(st);
  return found ? 1 : 0;
}

/* Why a referenced row is out of the account's scope, or NULL when it is in. */
static const char *out_of_scope(const web_request *r, const char *mun, const char *org) {
  if (strcmp(mun, r->municipality)) return "принадлежит другому муниципалитету";
  if (!strcmp(r->who.role, "school") && strcmp(org, r->who.organization)) return "принадлежит другой организации";
  return NULL;
}

/* Adds a problem for every row that reaches beyond the account's scope:
 * a municipality other than the account's, an organization (or a worker
 * of one) of another municipality or, for a school, another organization,
 * or an id that already names such a row (the upload would take it over). */
static int check_scope(web_request *r, upload_state *s, char *err, size_t errlen) {
  const entity_def *e = entity_find(s->entity);
  if (!e) return 0; /* measures: the roadmap importer is given the municipality itself */
  csv_table *t = &s->table;
  int c_id = -1, c_mun = -1, c_org = -1, c_staff = -1;
  for (size_t c = 0; c < t->row_count[0]; c++) {
    int f = entity_match_header(e, csv_field(t, 0, c));
    if (f < 0) continue;
    const char *name = e->fields[f].name;
    if (!strcmp(name, "id")) c_id = (int)c;
    else if (!strcmp(name, "municipality")) c_mun = (int)c;
    else if (!strcmp(name, "organization_id")) c_org = (int)c;
    else if (!strcmp(name, "staff_id")) c_staff = (int)c;
  }
  char existing_sql[256];
  if (!strcmp(e->table, "staff"))
    snprintf(existing_sql, sizeof existing_sql, "SELECT o.municipality, o.id FROM staff s JOIN organization o ON o.id = s.organization_id WHERE s.id = ?");
  else if (!strcmp(e->table, "activity"))
    snprintf(existing_sql, sizeof existing_sql, "SELECT o.municipality, o.id FROM activity a JOIN staff s ON s.id = a.staff_id"
                                                " JOIN organization o ON o.id = s.organization_id WHERE a.id = ?");
  else if (!strcmp(e->table, "organization"))
    snprintf(existing_sql, sizeof existing_sql, "SELECT municipality, id FROM organization WHERE id = ?");
  else
    snprintf(existing_sql, sizeof existing_sql, "SELECT municipality, organization_id FROM %s WHERE id = ?", e->table);
  for (size_t row = 1; row < t->nrows; row++) {
    char mun[160], org[160], msg[1024] = "";
    const char *why;
    const char *v;
    if (c_mun >= 0 && (v = csv_field(t, row, (size_t)c_mun)) && *v && strcmp(v, r->municipality))
      snprintf(msg, sizeof msg, "%s: строка другого муниципалитета; загружайте только данные «%s» (%s)", csv_field(t, 0, (size_t)c_mun),
               r->municipality, v);
    else if (c_org >= 0 && (v = csv_field(t, row, (size_t)c_org)) && *v &&
             lookup_scope(r->db, "SELECT municipality, id FROM organization WHERE id = ?", v, mun, sizeof mun, org, sizeof org) == 1 &&
             (why = out_of_scope(r, mun, org)))
      snprintf(msg, sizeof msg, "%s: организация %s (%s)", csv_field(t, 0, (size_t)c_org), why, v);
    else if (c_staff >= 0 && (v = csv_field(t, row, (size_t)c_staff)) && *v &&
             lookup_scope(r->db, "SELECT o.municipality, o.id FROM staff s JOIN organization o ON o.id = s.organization_id WHERE s.id = ?",
                          v, mun, sizeof mun, org, sizeof org) == 1 && (why = out_of_scope(r, mun, org)))
      snprintf(msg, sizeof msg, "%s: работник %s (%s)", csv_field(t, 0, (size_t)c_staff), why, v);
    else if (c_id >= 0 && (v = csv_field(t, row, (size_t)c_id)) && *v &&
             lookup_scope(r->db, existing_sql, v, mun, sizeof mun, org, sizeof org) == 1 && (why = out_of_scope(r, mun, org)))
      snprintf(msg, sizeof msg, "%s: запись с этим кодом уже есть и %s (%s)", csv_field(t, 0, (size_t)c_id), why, v);
    else if (!strcmp(r->who.role, "school") && c_org >= 0 && (v = csv_field(t, row, (size_t)c_org)) && *v &&
             strcmp(v, r->who.organization))
      snprintf(msg, sizeof msg, "%s: школа загружает только своих работников (%s)", csv_field(t, 0, (size_t)c_org), v);
    if (msg[0] && import_report_add(&s->report, s->path, t->row_line[row], msg) != 0) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  return 0;
}

/* ---- checking and importing ---- */

static int compare_problems(const void *a, const void *b) {
  const import_problem *x = a, *y = b;
  return x->line < y->line ? -1 : x->line > y->line;
}

/* The reason part of a problem message (without "PATH:LINE: "). */
static const char *reason_of(const char *message, const char *path) {
  size_t n = strlen(path);
  if (!strncmp(message, path, n) && message[n] == ':') {
    const char *p = strchr(message + n + 1, ':');
    if (p) return p[1] == ' ' ? p + 2 : p + 1;
  }
  return message;
}

/* Writes the rejected rows (each once, its reasons joined) next to the upload. */
static int write_rejected_rows(upload_state *s, char *err, size_t errlen) {
  import_report *rep = &s->report;
  qsort(rep->problems, rep->rejected, sizeof *rep->problems, compare_problems);
  size_t *lines = malloc((rep->rejected + 1) * sizeof *lines);
  char **reasons = calloc(rep->rejected + 1, sizeof *reasons);
  size_t n = 0;
  int rc = -1;
  if (lines && reasons) {
    rc = 0;
    for (size_t i = 0; i < rep->rejected && rc == 0; i++) {
      const char *reason = reason_of(rep->problems[i].message, s->path);
      if (n && lines[n - 1] == rep->problems[i].line) {
        size_t len = strlen(reasons[n - 1]) + strlen(reason) + 3;
        char *joined = malloc(len);
        if (!joined) { rc = -1; break; }
        snprintf(joined, len, "%s; %s", reasons[n - 1], reason);
        free(reasons[n - 1]);
        reasons[n - 1] = joined;
      } else {
        lines[n] = rep->problems[i].line;
        if (!(reasons[n++] = strdup(reason))) rc = -1;
      }
    }
    if (rc == 0) rc = csv_write_rejected(s->rejected, &s->table, lines, reasons, n, err, errlen);
  } else {
    snprintf(err, errlen, "out of memory");
  }
  for (size_t i = 0; reasons && i < n; i++) free(reasons[i]);
  free(reasons);
  free(lines);
  return rc;
}

/* Runs the importer on the upload (dry run, or for real). Returns the importer's status. */
static int run_import(web_request *r, upload_state *s, int dry_run, char *err, size_t errlen) {
  import_options opt = {.dry_run = dry_run};
  import_report_free(&s->report);
  if (strcmp(s->entity, "measures")) return import_file(r->db, s->entity, s->path, &opt, &s->report, err, errlen);
  cycle_ref c;
  char inner[512], pack[PATH_MAX], why[1024];
  if (cycle_find(r->db, r->municipality, 0, &c, inner, sizeof inner) != 0 || strcmp(c.municipality, r->municipality) ||
      !strcmp(c.state, "closed")) {
    memset(&s->report, 0, sizeof s->report);
    snprintf(err, errlen, "дорожная карта загружается в открытый цикл: откройте цикл на странице сводки");
    return -1;
  }
  if (actions_pack_of(r, pack, sizeof pack, why, sizeof why) != 0) {
    memset(&s->report, 0, sizeof s->report);
    snprintf(err, errlen, "%s", why);
    return -1;
  }
  return roadmap_import(r->db, s->path, r->municipality, c.id, c.pack_dir[0] ? c.pack_dir : pack, &opt, &s->report, err, errlen);
}

/* Saves the file, reads it, checks scope and rows; fills s. 0 when the
 * page can show a preview or errors; -1 with s->failure for the whole file. */
static int check_upload(web_request *r, upload_state *s) {
  char err[2048];
  const upload_format *format = NULL;
  for (size_t i = 0; i < sizeof formats / sizeof formats[0] && !format; i++)
    if (formats[i].detect(r->upload_data, r->upload_len)) format = &formats[i];
  if (!format) {
    snprintf(s->failure, sizeof s->failure, "Файл пуст или не является текстом CSV.");
    return -1;
  }
  if (strcmp(format->name, "CSV") && !format->to_csv) {
    snprintf(s->failure, sizeof s->failure, "Файлы %s пока не принимаются: сохраните лист в Excel как «CSV (разделители — точка с запятой)»"
             " или «CSV UTF-8» и загрузите его.", format->name);
    return -1;
  }
  auth_random_hex(s->id);
  snprintf(s->dir, sizeof s->dir, "%s/%s", web_upload_dir(r->server), s->id);
  snprintf(s->path, sizeof s->path, "%s/data.csv", s->dir);
  snprintf(s->rejected, sizeof s->rejected, "%s/rejected.csv", s->dir);
  if (mkdir(s->dir, 0700) != 0) {
    snprintf(s->failure, sizeof s->failure, "Не удалось сохранить файл на сервере.");
    return -1;
  }
  char original[1300];
  snprintf(original, sizeof original, "%s/original", s->dir);
  FILE *f = fopen(strcmp(format->name, "CSV") ? original : s->path, "wb");
  int written = f && fwrite(r->upload_data, 1, r->upload_len, f) == r->upload_len;
  if (f && fclose(f) != 0) written = 0;
  if (!written || write_owner(s, r) != 0) {
    snprintf(s->failure, sizeof s->failure, "Не удалось сохранить файл на сервере.");
    return -1;
  }
  if (strcmp(format->name, "CSV") && format->to_csv(original, s->path, err, sizeof err) != 0) {
    /* the server's folder is nobody's business: the message starts after it */
    size_t n = strlen(original);
    const char *why = !strncmp(err, original, n) ? err + n + (err[n] == ':') : err;
    snprintf(s->failure, sizeof s->failure, "Книга Excel не читается: %.2000s", why[0] == ' ' ? why + 1 : why);
    return -1;
  }
  if (csv_read_file(s->path, &s->table, err, sizeof err) != 0) {
    memset(&s->table, 0, sizeof s->table);
    snprintf(s->failure, sizeof s->failure, "Файл не читается: %.2000s", reason_of(err, s->path));
    return -1;
  }
  if (s->table.nrows < 2) {
    snprintf(s->failure, sizeof s->failure, "В файле нет строк с данными, только заголовок.");
    return -1;
  }
  if (s->table.nrows - 1 > r->options->max_upload_rows) {
    snprintf(s->failure, sizeof s->failure, "В файле %zu строк, больше предела в %zu: разделите его на части.", s->table.nrows - 1,
             r->options->max_upload_rows);
    return -1;
  }
  int rc = run_import(r, s, 1, err, sizeof err);
  if (rc < 0) {
    snprintf(s->failure, sizeof s->failure, "%s", reason_of(err, s->path));
    return -1;
  }
  if (check_scope(r, s, err, sizeof err) != 0 || (s->report.rejected && write_rejected_rows(s, err, sizeof err) != 0)) {
    snprintf(s->failure, sizeof s->failure, "Не удалось проверить файл: %.2000s", err);
    return -1;
  }
  return 0;
}

void upload_split_problem(const char *message, const char *path, char *buf, size_t buflen, upload_problem_parts *out) {
  memset(out, 0, sizeof *out);
  size_t n = path ? strlen(path) : 0;
  const char *p = message;
  if (n && !strncmp(p, path, n) && p[n] == ':') {
    out->line = strtol(p + n + 1, (char **)&p, 10);
    if (*p == ':') p++;
    while (*p == ' ') p++;
  }
  snprintf(buf, buflen, "%s", p);
  char *sep = strstr(buf, ": ");
  out->column = "—";
  out->reason = buf;
  if (sep && !memchr(buf, '(', (size_t)(sep - buf))) {
    *sep = '\0';
    out->column = buf;
    out->reason = sep + 2;
  }
  size_t len = strlen(out->reason);
  char *open = len && out->reason[len - 1] == ')' ? strrchr(out->reason, '(') : NULL;
  out->value = "";
  if (open && open > out->reason) {
    ((char *)out->reason)[len - 1] = '\0';
    out->value = open + 1;
    *open = '\0';
    if (open > out->reason && open[-1] == ' ') open[-1] = '\0';
  }
}

/* ---- the pages of an upload ---- */

/* The column as the office's file heads it («Год рождения»): the importer's
 * messages name the field by its code (birth_year), which people do not read. */
static const char *column_label(const char *entity, const char *column, char *buf, size_t buflen) {
  const entity_def *e = entity_find(entity);
  for (size_t f = 0; e && f < e->nfields; f++)
    if (!strcmp(e->fields[f].name, column)) return template_header(e, f, buf, buflen);
  return column;
}

static void write_errors(web_request *r, FILE *out, const upload_state *s) {
  html_printf(out, "<p class=\"error\" role=\"alert\">В файле «%s» есть ошибки: строк с ошибками — %L из %L. <strong>Ничего не записано.</strong>"
                   " Исправьте строки и загрузите файл снова.</p>\n<p><a href=\"/m/%U/upload/%U/rejected.csv\" download>Скачать строки с ошибками"
                   " (CSV)</a></p>\n<div class=\"wrap\"><table id=\"errors\"><caption>Ошибки по строкам</caption><thead><tr><th scope=\"col\">Строка</th>"
                   "<th scope=\"col\">Столбец</th><th scope=\"col\">Значение</th><th scope=\"col\">Что не так</th></tr></thead><tbody>\n",
              s->name, (long long)s->report.rejected, (long long)s->report.rows, r->municipality, s->id);
  for (size_t i = 0; i < s->report.rejected && i < 1000; i++) {
    char buf[2048];
    upload_problem_parts p;
    upload_split_problem(s->report.problems[i].message, s->path, buf, sizeof buf, &p);
    char label[256];
    html_printf(out, "<tr class=\"not_met\"><td class=\"num\">%L</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                (long long)s->report.problems[i].line, column_label(s->entity, p.column, label, sizeof label), p.value, p.reason);
  }
  html_printf(out, "</tbody></table></div>\n");
  if (s->report.rejected > 1000) html_printf(out, "<p>… и ещё %L строк: все они в файле строк с ошибками.</p>", (long long)(s->report.rejected - 1000));
}

static void write_preview(web_request *r, FILE *out, const upload_state *s) {
  const csv_table *t = &s->table;
  const entity_def *e = entity_find(s->entity);
  html_printf(out, "<p class=\"ok\" role=\"status\">Файл «%s» проверен: %L строк без ошибок. Ниже первые строки; данные ещё не записаны.</p>\n",
              s->name, (long long)s->report.rows);
  html_printf(out, "<div class=\"wrap\"><table id=\"preview\"><caption>Первые строки файла</caption><thead><tr><th scope=\"col\">Строка</th>");
  for (size_t c = 0; c < t->row_count[0]; c++) {
    int f = e ? entity_match_header(e, csv_field(t, 0, c)) : 0;
    html_printf(out, "<th scope=\"col\">%s<br><span class=\"note\">%s</span></th>", csv_field(t, 0, c),
                f >= 0 ? (e ? e->fields[f].name : "") : "доп. поле");
  }
  html_printf(out, "</tr></thead><tbody>\n");
  for (size_t row = 1; row < t->nrows && row <= PREVIEW_ROWS; row++) {
    html_printf(out, "<tr><td class=\"num\">%L</td>", (long long)t->row_line[row]);
    for (size_t c = 0; c < t->row_count[0]; c++) html_printf(out, "<td>%s</td>", csv_field(t, row, c));
    html_printf(out, "</tr>\n");
  }
  html_printf(out, "</tbody></table></div>\n<form class=\"box\" method=\"post\" action=\"/m/%U/upload/%U/import\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\">Загрузить все строки (%L)</button></form>\n",
              r->municipality, s->id, r->csrf, (long long)s->report.rows);
}

static void write_result(web_request *r, FILE *out) {
  const upload_state *s = r->data;
  char title[400];
  snprintf(title, sizeof title, "Загрузка: %s", entity_label(s->entity));
  html_frame f;
  routes_frame(r, title, &f);
  html_page_begin(out, &f);
  if (s->failure[0])
    html_printf(out, "<p class=\"error\" role=\"alert\">%s <strong>Ничего не записано.</strong></p>\n", s->failure);
  else if (s->report.rejected)
    write_errors(r, out, s);
  else if (s->committed)
    html_printf(out, "<p class=\"ok\" role=\"status\">Записано строк: %L (новых — %L, обновлено — %L) из файла «%s».</p>\n"
                     "<p><a href=\"/m/%U\">К сводке</a></p>\n", (long long)(s->report.inserted + s->report.updated),
                (long long)s->report.inserted, (long long)s->report.updated, s->name, r->municipality);
  else
    write_preview(r, out, s);
  html_printf(out, "<p><a href=\"/m/%U/upload\">Загрузить другой файл</a></p>\n", r->municipality);
  html_page_end(out);
}

/* The file name the browser sent, reduced to harmless characters. */
static void clean_name(const char *raw, char *out, size_t len) {
  const char *base = strrchr(raw, '/');
  base = base ? base + 1 : raw;
  const char *back = strrchr(base, '\\');
  base = back ? back + 1 : base;
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)base; *p && o + 1 < len; p++) out[o++] = *p < 32 || *p == 127 ? '_' : (char)*p;
  out[o] = '\0';
  if (!o) snprintf(out, len, "upload.csv");
}

void upload_receive(web_request *r) {
  const char *entity = web_form(r, "entity");
  if (!entity_allowed(r, entity)) {
    routes_audit(r, "upload", entity, "entity not allowed for this role", "denied");
    routes_error_page(r, 403, "Эти данные ваша учётная запись загружать не может.");
    return;
  }
  upload_state *s = calloc(1, sizeof *s);
  if (!s) {
    routes_error_page(r, 500, "Недостаточно памяти.");
    return;
  }
  prune_uploads(web_upload_dir(r->server));
  snprintf(s->entity, sizeof s->entity, "%s", entity);
  clean_name(r->upload_name[0] ? r->upload_name : "upload.csv", s->name, sizeof s->name);
  r->data = s;
  r->data_free = state_free;
  int status = 200;
  if (!r->upload_name[0] || r->upload_len == 0) {
    snprintf(s->failure, sizeof s->failure, "Выберите файл.");
    status = 400;
  } else if (check_upload(r, s) != 0) {
    status = 422;
  } else if (s->report.rejected) {
    status = 422;
  }
  char detail[2000];
  snprintf(detail, sizeof detail, "%s %s: %zu rows, %zu invalid%s%.900s", entity, s->name, s->report.rows, s->report.rejected,
           s->failure[0] ? "; " : "", s->failure);
  routes_audit(r, "upload check", s->entity, detail, status == 200 ? "ok" : "failed");
  web_respond_page(r, status, write_result);
}

void upload_commit(web_request *r) {
  upload_state *s = calloc(1, sizeof *s);
  if (!s) {
    routes_error_page(r, 500, "Недостаточно памяти.");
    return;
  }
  r->data = s;
  r->data_free = state_free;
  if (read_owner(s, r, r->arg[1]) != 0) {
    routes_error_page(r, 404, "Такой загрузки нет (или она не ваша).");
    return;
  }
  char err[2048], detail[2000];
  int status = 200;
  if (csv_read_file(s->path, &s->table, err, sizeof err) != 0) {
    memset(&s->table, 0, sizeof s->table);
    snprintf(s->failure, sizeof s->failure, "Файл загрузки не читается: %.2000s", reason_of(err, s->path));
    status = 422;
  } else if (check_scope(r, s, err, sizeof err) != 0 || s->report.rejected) {
    if (!s->report.rejected) snprintf(s->failure, sizeof s->failure, "%s", err);
    else write_rejected_rows(s, err, sizeof err);
    status = 422;
  } else {
    int rc = run_import(r, s, 0, err, sizeof err);
    if (rc < 0) {
      snprintf(s->failure, sizeof s->failure, "%s", reason_of(err, s->path));
      status = 422;
    } else if (rc == 1) {
      write_rejected_rows(s, err, sizeof err);
      status = 422;
    } else {
      s->committed = 1;
      remove_upload(s->dir); /* imported: the file is in the store now, and cannot be imported twice */
    }
  }
  snprintf(detail, sizeof detail, "%s %s: %zu inserted, %zu updated, %zu invalid%s%.900s", s->entity, s->name, s->report.inserted,
           s->report.updated, s->report.rejected, s->failure[0] ? "; " : "", s->failure);
  routes_audit(r, "import", s->entity, detail, s->committed ? "ok" : "failed");
  web_respond_page(r, status, write_result);
}

void upload_rejected(web_request *r) {
  upload_state s;
  memset(&s, 0, sizeof s);
  int fd = read_owner(&s, r, r->arg[1]) == 0 ? open(s.rejected, O_RDONLY | O_CLOEXEC) : -1;
  if (fd < 0) {
    routes_error_page(r, 404, "Файла строк с ошибками нет.");
    return;
  }
  char name[300];
  snprintf(name, sizeof name, "rejected-%s.csv", s.entity);
  web_respond_file(r, fd, "text/csv; charset=utf-8", name);
}

/* Writes a header with its first letter in capitals (Latin and Cyrillic). */
static void write_capitalized(FILE *out, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  if (len >= 2 && p[0] == 0xD0 && p[1] >= 0xB0 && p[1] <= 0xBF) {
    fputc(0xD0, out), fputc(p[1] - 0x20, out);
  } else if (len >= 2 && p[0] == 0xD1 && p[1] >= 0x80 && p[1] <= 0x8F) {
    fputc(0xD0, out), fputc(p[1] + 0x20, out);
  } else if (len >= 2 && p[0] == 0xD1 && p[1] == 0x91) {
    fputc(0xD0, out), fputc(0x81, out);
  } else {
    if (len) fputc(len && *p >= 'a' && *p <= 'z' ? *p - 32 : *p, out);
    fwrite(s + 1, 1, len ? len - 1 : 0, out);
    return;
  }
  fwrite(s + 2, 1, len - 2, out);
}

/* Sends the workbook template of e (template.h), made in the upload folder
 * and unlinked once open. */
static void send_xlsx_template(web_request *r, const entity_def *e) {
  char id[AUTH_TOKEN_HEX], path[1300], err[1024], name[320];
  auth_random_hex(id);
  snprintf(path, sizeof path, "%s/template-%s.xlsx", web_upload_dir(r->server), id);
  int fd = template_write(e, TEMPLATE_XLSX, path, err, sizeof err) == 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  unlink(path);
  if (fd < 0) {
    fprintf(stderr, "pdmon serve: %s\n", err);
    routes_error_page(r, 500, "Не удалось подготовить шаблон.");
    return;
  }
  snprintf(name, sizeof name, "%s.xlsx", e->name);
  web_respond_file(r, fd, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
}

void upload_template(web_request *r) {
  char entity[300];
  snprintf(entity, sizeof entity, "%s", r->arg[1]);
  size_t n = strlen(entity);
  int xlsx = n > 5 && !strcmp(entity + n - 5, ".xlsx");
  if (xlsx) entity[n - 5] = '\0';
  else if (n > 4 && !strcmp(entity + n - 4, ".csv")) entity[n - 4] = '\0';
  const entity_def *e = entity_allowed(r, entity) ? entity_find(entity) : NULL;
  if (!e) {
    routes_error_page(r, 404, "Шаблона таких данных нет.");
    return;
  }
  if (xlsx) {
    send_xlsx_template(r, e);
    return;
  }
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!out) {
    routes_error_page(r, 500, "Недостаточно памяти.");
    return;
  }
  fputs("\xEF\xBB\xBF", out); /* Excel shows Cyrillic only with the mark */
  for (size_t f = 0; f < e->nfields; f++) {
    const char *h = e->fields[f].headers;
    const char *bar = h ? strchr(h, '|') : NULL;
    if (f) fputc(';', out);
    if (h && *h) write_capitalized(out, h, bar ? (size_t)(bar - h) : strlen(h));
    else fputs(e->fields[f].name, out);
  }
  fputs("\r\n", out);
  fclose(out);
  char name[320];
  snprintf(name, sizeof name, "%s.csv", entity);
  web_respond_text(r, 200, "text/csv; charset=utf-8", text ? text : "");
  snprintf(r->response.disposition, sizeof r->response.disposition, "attachment; filename=\"%s\"", name);
  free(text);
}
