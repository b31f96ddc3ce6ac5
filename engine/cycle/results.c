/* results.c: the values of an evaluation and their rendering as the table a coordinator reads,
 * the JSON of DESIGN.md, or CSV for other systems. The promises are in results.h. */
#include "results.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "escape.h"
#include "russian.h"
#include "text.h"
#include "i18n.h"
#include "json_write.h"

static const char *const status_names[] = {"met", "not_met", "no_target", "no_data", "error", "not_applicable",
                                           "in_progress"};
#define STATUS_COUNT ((int)(sizeof status_names / sizeof *status_names))

const char *result_status_name(result_status status) { return status_names[status]; }

int result_status_parse(const char *name, result_status *status) {
  for (int i = 0; i < STATUS_COUNT; i++) {
    if (strcmp(name, status_names[i]) == 0) {
      *status = (result_status)i;
      return 0;
    }
  }
  return -1;
}

result_row *results_append(result_set *set) {
  if (set->count == set->capacity) {
    size_t cap = set->capacity ? set->capacity * 2 : 32;
    result_row *grown = realloc(set->rows, cap * sizeof *grown);
    if (!grown) return NULL;
    set->rows = grown;
    set->capacity = cap;
  }
  result_row *row = &set->rows[set->count++];
  memset(row, 0, sizeof *row);
  return row;
}

/* The JSON of DESIGN.md, written row by row: the run's fields, then
 * "results" with each row written as it comes, straight to the stream
 * (json_write: as cJSON prints, without a tree per row). */
/* null, unlocked as json_write writes. */
static void write_null(FILE *out) {
  for (const char *p = "null"; *p; p++) putc_unlocked(*p, out);
}

typedef struct json_writer {
  FILE *out;
  size_t rows;
} json_writer;

/* ,"key": before a member (the first of an object has no comma). The
 * keys are the literals of this file, ASCII names with nothing to escape,
 * so they go out as they are: json_write_key would test every byte for
 * escaping, ~20 keys a row. */
static void member(FILE *out, const char *key, int first) {
  if (!first) putc_unlocked(',', out);
  putc_unlocked('"', out);
  for (const char *p = key; *p; p++) putc_unlocked(*p, out);
  putc_unlocked('"', out);
  putc_unlocked(':', out);
}

static void string_member(FILE *out, const char *key, const char *s) {
  member(out, key, 0);
  if (s) json_write_string(out, s);
  else write_null(out);
}

static void number_member(FILE *out, const char *key, int present, double v) {
  member(out, key, 0);
  if (present) json_write_number(out, v);
  else write_null(out);
}

/* { value, numerator, denominator } of a figure (NAN: absent), open when
 * more members follow. */
static void figure_members(FILE *out, const double f[3]) {
  static const char *const names[] = {"value", "numerator", "denominator"};
  putc_unlocked('{', out);
  for (int i = 0; i < 3; i++) {
    member(out, names[i], i == 0);
    if (f[i] == f[i]) json_write_number(out, f[i]);
    else write_null(out);
  }
}

static void row_members(FILE *out, const result_row *r) {
  putc_unlocked('{', out);
  if (r->municipality) {
    member(out, "municipality", 1);
    json_write_string(out, r->municipality);
    putc_unlocked(',', out);
  }
  member(out, "indicator", 1);
  json_write_string(out, r->indicator);
  string_member(out, "criterion", r->criterion);
  string_member(out, "title", r->title);
  string_member(out, "unit", r->unit);
  string_member(out, "organization", r->organization);
  string_member(out, "organization_name", r->organization_name);
  if (r->breakdown) {
    string_member(out, "breakdown", r->breakdown);
    string_member(out, "group", r->group);
  }
  number_member(out, "value", r->has_value, r->value);
  number_member(out, "numerator", r->has_counts, r->numerator);
  number_member(out, "denominator", r->has_denominator, r->denominator);
  member(out, "target", 0);
  if (r->target_text) {
    putc_unlocked('{', out);
    member(out, "text", 1);
    json_write_string(out, r->target_text);
    string_member(out, "kind", r->target_kind);
    number_member(out, "value", r->has_target_value, r->target_value);
    string_member(out, "applied", r->target_reason);
    string_member(out, "origin", r->target_origin);
    number_member(out, "year", r->target_year != 0, r->target_year);
    string_member(out, "deadline", r->deadline);
    number_member(out, "base_year", r->base_year != 0, r->base_year);
    putc_unlocked('}', out);
  } else {
    write_null(out);
  }
  string_member(out, "status", result_status_name(r->status));
  string_member(out, "progress", r->progress);
  if (r->has_path_value) number_member(out, "path_value", 1, r->path_value);
  if (r->has_base_value) number_member(out, "base_value", 1, r->base_value);
  if (r->has_growth) number_member(out, "growth", 1, r->growth);
  if (r->figure) {
    string_member(out, "figure", r->figure);
    if (r->has_yearly) {
      member(out, "yearly", 0);
      figure_members(out, r->yearly);
      putc_unlocked('}', out);
    }
    if (r->has_cumulative) {
      member(out, "cumulative", 0);
      figure_members(out, r->cumulative);
      number_member(out, "since", 1, r->cumulative_since);
      putc_unlocked('}', out);
    }
  }
  string_member(out, "level", r->level);
  if (r->reading) string_member(out, "reading", r->reading);
  if (r->message) string_member(out, "message", r->message);
  putc_unlocked('}', out);
}

static int json_row(void *ud, const result_row *r) {
  json_writer *w = ud;
  if (w->rows++) putc_unlocked(',', w->out);
  row_members(w->out, r);
  return ferror(w->out) ? -1 : 0;
}

static int render_json(const result_meta *m, const result_source *src, FILE *out) {
  flockfile(out); /* json_write writes unlocked */
  putc_unlocked('{', out);
  member(out, "pack", 1);
  if (m->pack) json_write_string(out, m->pack);
  else write_null(out);
  string_member(out, "municipality", m->municipality);
  number_member(out, "period", 1, m->period);
  number_member(out, "statements", 1, m->statements);
  fputs(",\"results\":[", out);
  int rc = ferror(out) ? -1 : 0;
  json_writer w = {out, 0};
  if (rc == 0) rc = src->each(src->ud, NULL, 0, json_row, &w);
  if (rc == 0 && fputs("]}\n", out) == EOF) rc = -1;
  funlockfile(out);
  return rc;
}

/* Formats a number as the table and CSV show it: two decimals. */
static void format_number(char *buf, size_t len, int present, double v) {
  if (present) snprintf(buf, len, "%.2f", v);
  else snprintf(buf, len, "-");
}

/* A number of the table for people: two decimals after a comma (28,57),
 * as the reports write them; the CSV and JSON keep the point. */
static char *table_decimal(char *buf, size_t len, double v) {
  snprintf(buf, len, "%.2f", v);
  char *point = strchr(buf, '.');
  if (point) *point = ',';
  return buf;
}

/* The table's value or count: a decimal comma, "-" when absent. */
static void table_number(char *buf, size_t len, int present, double v, int count) {
  if (!present) snprintf(buf, len, "-");
  else if (count && v == (double)(long long)v) snprintf(buf, len, "%lld", (long long)v);
  else table_decimal(buf, len, v);
}

/* Counts print as integers, sums with two decimals. */
static void format_count(char *buf, size_t len, int present, double v) {
  if (!present) snprintf(buf, len, "-");
  else if (v == (double)(long long)v) snprintf(buf, len, "%lld", (long long)v);
  else snprintf(buf, len, "%.2f", v);
}

/* One CSV line of a row; the municipality comes first in a run of every municipality. */
static int csv_row(void *ud, const result_row *r) {
  const result_meta *m = ((void **)ud)[0];
  FILE *out = ((void **)ud)[1];
  char num[32], den[32], value[64], target_value[64], path[64], yearly[64], cumulative[64], base_year[16], base[64], growth[64];
  format_number(path, sizeof path, r->has_path_value, r->path_value);
  format_number(yearly, sizeof yearly, r->has_yearly && r->yearly[0] == r->yearly[0], r->yearly[0]);
  format_number(cumulative, sizeof cumulative, r->has_cumulative && r->cumulative[0] == r->cumulative[0], r->cumulative[0]);
  snprintf(base_year, sizeof base_year, "%d", r->base_year);
  format_number(base, sizeof base, r->has_base_value, r->base_value);
  format_number(growth, sizeof growth, r->has_growth, r->growth);
  format_count(num, sizeof num, r->has_counts, r->numerator);
  format_count(den, sizeof den, r->has_denominator, r->denominator);
  format_number(value, sizeof value, r->has_value, r->value);
  format_number(target_value, sizeof target_value, r->has_target_value, r->target_value);
  const char *fields[] = {r->indicator, r->criterion ? r->criterion : "",
    r->organization ? r->organization : "", r->organization_name ? r->organization_name : "",
    r->breakdown ? r->breakdown : "", r->group ? r->group : "", r->has_counts ? num : "", r->has_denominator ? den : "", r->has_value ? value : "",
    r->unit ? r->unit : "", r->target_text ? r->target_text : "",
    r->has_target_value ? target_value : "", result_status_name(r->status),
    r->message ? r->message : "", r->progress ? r->progress : "", r->has_path_value ? path : "",
    r->figure ? r->figure : "", r->has_yearly ? yearly : "", r->has_cumulative ? cumulative : "",
    r->base_year ? base_year : "", r->has_base_value ? base : "", r->has_growth ? growth : "",
    r->target_origin ? r->target_origin : "", r->level ? r->level : ""};
  /* counts, value, target value, path, yearly, cumulative, base year, base and growth */
  static const unsigned char is_number[sizeof fields / sizeof fields[0]] = {
    0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0};
  if (m->per_municipality) {
    escape_csv_cell(out, r->municipality ? r->municipality : "", ',');
    fputc(',', out);
  }
  for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
    if (f) fputc(',', out);
    if (is_number[f]) fputs(fields[f], out); /* pdmon's own figures: a minus is a sign, not a formula */
    else escape_csv_cell(out, fields[f], ',');
  }
  fputs("\r\n", out);
  return ferror(out) ? -1 : 0;
}

static int render_csv(const result_meta *m, const result_source *src, FILE *out) {
  if (m->per_municipality) fputs("municipality,", out);
  fputs("indicator,criterion,organization,organization_name,breakdown,group,numerator,denominator,"
        "value,unit,target,target_value,status,message,progress,path_value,figure,yearly_value,cumulative_value,"
        "base_year,base_value,growth,target_origin,level\r\n", out);
  void *ud[2] = {(void *)m, out};
  int rc = src->each(src->ud, NULL, 0, csv_row, ud);
  return rc != 0 || ferror(out) ? -1 : 0;
}

/* Prints s padded to width display columns; right-aligned when right. */
static void print_cell(FILE *out, const char *s, size_t width, int right) {
  size_t w = text_display_width(s);
  if (right) for (size_t i = w; i < width; i++) fputc(' ', out);
  fputs(s, out);
  if (!right) for (size_t i = w; i < width; i++) fputc(' ', out);
}

#define TABLE_COLUMNS 6

/* The target column of one row: the comparison and value that applied,
 * growth as growth against its base year, presence as presence. */
static void target_cell(const result_row *r, char *cell, size_t len) {
  const char *kind = r->target_kind ? r->target_kind : "";
  char number[64];
  if (!r->target_text) snprintf(cell, len, "-");
  else if (!strcmp(kind, "presence")) snprintf(cell, len, "наличие");
  else if (!strcmp(kind, "growth") && r->base_year && r->has_target_value)
    snprintf(cell, len, "рост >= %s%% к %d", table_decimal(number, sizeof number, r->target_value), r->base_year);
  else if (!strcmp(kind, "growth") && r->base_year) snprintf(cell, len, "рост к %d", r->base_year);
  else if (r->has_target_value)
    snprintf(cell, len, "%s%s", !strcmp(kind, "at_most") || !strcmp(kind, "below") ? "<= " : ">= ",
             table_decimal(number, sizeof number, r->target_value));
  else snprintf(cell, len, "(в этом году нет)");
}

/* The cells of one row of the table. */
static void table_cells(const result_meta *m, const result_row *r, char cells[TABLE_COLUMNS][512]) {
  if (r->breakdown) snprintf(cells[0], 512, "по %s: %s", !strcmp(r->breakdown, "kind") ? "виду ОО" : "должности",
                             r->group ? r->group : "-");
  else if (r->organization) snprintf(cells[0], 512, "%s", r->organization_name ? r->organization_name : r->organization);
  else if (r->municipality) snprintf(cells[0], 512, "ИТОГО (муниципалитет %s)", r->municipality); /* eval --all */
  else if (m->municipality) snprintf(cells[0], 512, "ИТОГО (муниципалитет)");
  else snprintf(cells[0], 512, "ИТОГО (регион: все муниципалитеты хранилища)"); /* eval --region */
  table_number(cells[1], 512, r->has_counts, r->numerator, 1);
  table_number(cells[2], 512, r->has_denominator, r->denominator, 1);
  table_number(cells[3], 512, r->has_value, r->value, 0);
  target_cell(r, cells[4], 512);
  snprintf(cells[5], 512, "%s", ru_status(r->status == STATUS_IN_PROGRESS && r->progress ? r->progress : result_status_name(r->status)));
  if (r->figure) {
    size_t n = strlen(cells[5]);
    snprintf(cells[5] + n, 512 - n, " (%s)", ru_figure(r->figure));
  }
}

static const char *const table_headers[TABLE_COLUMNS] = {"организация", "числитель", "знаменатель",
                                                        "значение", "цель", "статус"};

/* The first pass over a block: the widths of its columns. */
typedef struct table_block {
  const result_meta *meta;
  FILE *out;
  size_t width[TABLE_COLUMNS];
  size_t rows;
} table_block;

static int measure_row(void *ud, const result_row *r) {
  table_block *b = ud;
  char cells[TABLE_COLUMNS][512];
  table_cells(b->meta, r, cells);
  for (int c = 0; c < TABLE_COLUMNS; c++) {
    size_t w = text_display_width(cells[c]);
    if (w > b->width[c]) b->width[c] = w;
  }
  return 0;
}

/* The second pass: the block's head (from its first row), then each row. */
static int print_row(void *ud, const result_row *r) {
  table_block *b = ud;
  FILE *out = b->out;
  char cells[TABLE_COLUMNS][512];
  if (b->rows++ == 0) {
    if (r->municipality) fprintf(out, "муниципалитет %s\n", r->municipality);
    fprintf(out, "%s: %s%s%s%s\n", r->indicator, r->title ? r->title : "", r->unit && *r->unit ? " (" : "",
            r->unit ? r->unit : "", r->unit && *r->unit ? ")" : "");
    if (r->target_text) fprintf(out, "цель: %s%s%s%s\n", r->target_text, r->target_reason ? " -> " : "",
                                r->target_reason ? r->target_reason : "",
                                r->target_origin && !strcmp(r->target_origin, "municipality")
                                    ? " [цель выбрана муниципалитетом, в документе не указана]" : "");
    if (r->level && !strcmp(r->level, "municipality")) fputs("уровень: муниципалитет в целом (без строк по организациям)\n", out);
    if (r->reading) fprintf(out, "прочтение: %s\n", r->reading);
    for (int c = 0; c < TABLE_COLUMNS; c++) {
      if (c) fputs("  ", out);
      print_cell(out, table_headers[c], b->width[c], c >= 1 && c <= 3);
    }
    fputc('\n', out);
  }
  table_cells(b->meta, r, cells);
  for (int c = 0; c < TABLE_COLUMNS; c++) {
    if (c) fputs("  ", out);
    print_cell(out, cells[c], b->width[c], c >= 1 && c <= 3);
  }
  char number[64];
  if (r->has_yearly && r->yearly[0] == r->yearly[0])
    fprintf(out, "  за год %s", table_decimal(number, sizeof number, r->yearly[0]));
  if (r->has_cumulative && r->cumulative[0] == r->cumulative[0])
    fprintf(out, "; нарастающим итогом с %d: %s (%.0f из %.0f)", r->cumulative_since,
            table_decimal(number, sizeof number, r->cumulative[0]), r->cumulative[1], r->cumulative[2]);
  if (r->has_path_value)
    fprintf(out, "  траектория %s%s%s", table_decimal(number, sizeof number, r->path_value), r->progress ? ": " : "",
            r->progress ? ru_status(r->progress) : "");
  if (r->message) fprintf(out, "  %s", r->message);
  fputc('\n', out);
  return ferror(out) ? -1 : 0;
}

/* Renders one block (one indicator's rows) as an aligned table: its rows
 * are read twice, for the widths and to print, never held. */
typedef struct table_walk {
  const result_meta *meta;
  const result_source *src;
  FILE *out;
} table_walk;

static int render_block(void *ud, const char *unit, int key) {
  table_walk *t = ud;
  table_block b = {.meta = t->meta, .out = t->out};
  for (int c = 0; c < TABLE_COLUMNS; c++) b.width[c] = text_display_width(table_headers[c]);
  int rc = t->src->each(t->src->ud, unit, key, measure_row, &b);
  if (rc == 0) rc = t->src->each(t->src->ud, unit, key, print_row, &b);
  if (rc == 0) fputc('\n', t->out);
  return rc;
}

static int render_table(const result_meta *m, const result_source *src, FILE *out) {
  fprintf(out, "пакет %s, муниципалитет %s, период %d\n\n", m->pack ? m->pack : "-",
          m->municipality ? m->municipality : "(все)", m->period);
  table_walk t = {m, src, out};
  int rc = src->blocks(src->ud, render_block, &t);
  return rc != 0 || ferror(out) ? -1 : 0;
}

int results_render_source(const result_meta *meta, const result_source *src, const char *format, FILE *out,
                          char *err, size_t errlen) {
  int rc;
  if (strcmp(format, "json") == 0) rc = render_json(meta, src, out);
  else if (strcmp(format, "csv") == 0) rc = render_csv(meta, src, out);
  else if (strcmp(format, "table") == 0) rc = render_table(meta, src, out);
  else {
    snprintf(err, errlen, _("unknown format '%s'; expected table, json or csv"), format);
    return -1;
  }
  if (rc != 0) snprintf(err, errlen, _("cannot write the results"));
  return rc;
}

/* A result set as a source: a block is a run of rows of one indicator
 * (and municipality); its key is its first row's index + 1. */
static int same_block(const result_row *a, const result_row *b) {
  if (strcmp(a->indicator, b->indicator) != 0) return 0;
  if (!a->municipality || !b->municipality) return a->municipality == b->municipality;
  return strcmp(a->municipality, b->municipality) == 0;
}

static int set_each(void *ud, const char *unit, int key, result_row_fn fn, void *fnud) {
  (void)unit;
  const result_set *set = ud;
  size_t begin = key ? (size_t)key - 1 : 0;
  for (size_t i = begin; i < set->count; i++) {
    if (key && !same_block(&set->rows[begin], &set->rows[i])) break;
    int rc = fn(fnud, &set->rows[i]);
    if (rc) return rc;
  }
  return 0;
}

static int set_blocks(void *ud, result_block_fn fn, void *fnud) {
  const result_set *set = ud;
  for (size_t begin = 0; begin < set->count;) {
    int rc = fn(fnud, set->rows[begin].municipality, (int)begin + 1);
    if (rc) return rc;
    size_t end = begin + 1;
    while (end < set->count && same_block(&set->rows[begin], &set->rows[end])) end++;
    begin = end;
  }
  return 0;
}

int results_render(const result_set *set, const char *format, FILE *out, char *err, size_t errlen) {
  result_meta meta = {.pack = set->pack, .municipality = set->municipality, .period = set->period,
                      .statements = set->statements};
  for (size_t i = 0; i < set->count && !meta.per_municipality; i++) meta.per_municipality = set->rows[i].municipality != NULL;
  result_source src = {.each = set_each, .blocks = set_blocks, .ud = (void *)set};
  return results_render_source(&meta, &src, format, out, err, errlen);
}

static void free_row(result_row *r) {
  free(r->municipality);
  free(r->indicator);
  free(r->criterion);
  free(r->title);
  free(r->unit);
  free(r->criterion_title);
  free(r->source);
  free(r->organization);
  free(r->organization_name);
  free(r->target_text);
  free(r->target_kind);
  free(r->target_reason);
  free(r->breakdown);
  free(r->group);
  free(r->message);
  free(r->level);
  free(r->reading);
  free(r->target_origin);
  free(r->deadline);
  free(r->progress);
  free(r->figure);
}

void results_free(result_set *set) {
  for (size_t i = 0; i < set->count; i++) free_row(&set->rows[i]);
  for (size_t i = 0; i < set->nrecommendations; i++) {
    free(set->recommendations[i].indicator);
    free(set->recommendations[i].organization);
    free(set->recommendations[i].addressee);
    free(set->recommendations[i].text);
    free(set->recommendations[i].municipality);
  }
  free(set->recommendations);
  for (size_t i = 0; i < set->nratings; i++) {
    free(set->ratings[i].rating);
    free(set->ratings[i].title);
    free(set->ratings[i].organization);
    free(set->ratings[i].organization_name);
    free(set->ratings[i].method);
    free(set->ratings[i].municipality);
  }
  free(set->ratings);
  free(set->rows);
  free(set->pack);
  free(set->municipality);
  memset(set, 0, sizeof *set);
}
