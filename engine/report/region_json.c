/* region_json.c: the region's report as JSON (docs/report.md, «The region's report») and as
 * CSV for Russian Excel, both written as the rows are read: a municipality's results are
 * written under it as the statement reaches them, never gathered first. The promises are in
 * region_render.h. */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "region.h"
#include "region_render.h"
#include "russian.h"

/* A JSON string: quotes, backslashes and control characters escaped; UTF-8 as it is. */
static void json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
    else if (*p < 0x20 || *p == 0x7f) fprintf(out, "\\u%04x", *p);
    else if (*p == '<') fputs("\\u003c", out); /* never "</script>" when embedded in a page */
    else fputc(*p, out);
  }
  fputc('"', out);
}

static void json_number(FILE *out, int has, double v) {
  if (has) fprintf(out, "%.17g", v);
  else fputs("null", out);
}

static void json_key(FILE *out, const char *key) {
  json_string(out, key);
  fputc(':', out);
}

static void json_text_field(FILE *out, const char *key, const char *value, int comma) {
  json_key(out, key);
  json_string(out, value);
  if (comma) fputc(',', out);
}

/* A named text and a named figure (a number, or null when it has none), each written
 * with the comma after it. */
typedef struct json_text {
  const char *key, *value;
} json_text;

typedef struct json_figure {
  const char *key;
  int has;
  double value;
} json_figure;

static void json_texts(FILE *out, const json_text *t, size_t n) {
  for (size_t i = 0; i < n; i++) json_text_field(out, t[i].key, t[i].value, 1);
}

static void json_figures(FILE *out, const json_figure *f, size_t n) {
  for (size_t i = 0; i < n; i++) {
    json_key(out, f[i].key);
    json_number(out, f[i].has, f[i].value);
    fputc(',', out);
  }
}

static void json_indicators(FILE *out, const region *r) {
  fputs("\"indicators\":[", out);
  for (size_t i = 0; i < r->nindicators; i++) {
    const region_indicator *ind = &r->indicators[i];
    fputs(i ? ",\n{" : "\n{", out);
    const json_text texts[] = {{"id", ind->id},       {"number", ind->number},     {"title", ind->title},
                               {"criterion_title", ind->criterion}, {"unit", ind->unit}, {"level", ind->level},
                               {"target_text", ind->target_text},   {"target_kind", ind->target_kind}};
    json_texts(out, texts, sizeof texts / sizeof *texts);
    json_figures(out, &(json_figure){"target_value", ind->has_target_value, ind->target_value}, 1);
    fprintf(out, "\"municipalities\":%d,\"values\":%d,", ind->municipalities, ind->values);
    const json_figure range[] = {{"min", ind->values > 0, ind->min}, {"max", ind->values > 0, ind->max}};
    json_figures(out, range, 2);
    fprintf(out, "\"met\":%d,\"not_met\":%d,\"on_track\":%d,\"behind\":%d,\"other\":%d,\"own_target\":%d}", ind->met,
            ind->not_met, ind->on_track, ind->behind, ind->other, ind->own_target);
  }
  fputs("],\n", out);
}

/* A result row: {indicator, value, numerator, denominator, target_text, target_value, status, progress[, period]}. */
static void json_cell(FILE *out, const region *r, const region_cell *cell, int with_period, int with_municipality) {
  fputc('{', out);
  if (with_municipality) json_text_field(out, "municipality", r->municipalities[cell->municipality].code, 1);
  json_text_field(out, "indicator", r->indicators[cell->indicator].id, 1);
  if (with_period) fprintf(out, "\"period\":%d,", cell->period);
  const json_figure figures[] = {{"value", cell->has_value, cell->value},
                                 {"numerator", cell->has_numerator, cell->numerator},
                                 {"denominator", cell->has_denominator, cell->denominator},
                                 {"target_value", cell->has_target_value, cell->target_value},
                                 {"path_value", cell->has_path_value, cell->path_value}};
  json_figures(out, figures, sizeof figures / sizeof *figures);
  const json_text texts[] = {{"target_text", cell->target_text}, {"status", cell->status}};
  json_texts(out, texts, 2);
  json_key(out, "progress");
  if (cell->progress[0]) json_string(out, cell->progress);
  else fputs("null", out);
  fputc('}', out);
}

typedef struct json_state {
  FILE *out;
  const region *r;
  size_t next;   /* the next municipality to open */
  int open;      /* a municipality's results are open */
  size_t rows;   /* rows written in the current list */
  size_t group;  /* below target: the indicator being listed */
} json_state;

static void json_municipality_open(json_state *j, size_t i) {
  FILE *out = j->out;
  const region *r = j->r;
  const region_municipality *m = &r->municipalities[i];
  fputs(i ? ",\n{" : "\n{", out);
  json_text_field(out, "code", m->code, 1);
  json_key(out, "name");
  if (m->name[0]) json_string(out, m->name);
  else fputs("null", out);
  fputs(",\"cycle\":", out);
  if (m->cycle) {
    fprintf(out, "{\"id\":%lld,\"period\":%d,", m->cycle, r->period);
    json_text_field(out, "state", m->state, 1);
    json_text_field(out, "run_at", m->run_at, 0);
    fputs("},\"report\":", out);
    char link[512];
    snprintf(link, sizeof link, "%s/%s", r->links, m->file);
    json_string(out, link);
    fprintf(out, ",\"rank\":%d,\"counts\":{\"results\":%d,\"met\":%d,\"not_met\":%d,\"on_track\":%d,\"behind\":%d,"
                 "\"in_progress\":%d,\"other\":%d}", m->rank, m->results, m->met, m->not_met, m->on_track, m->behind,
            m->in_progress, m->other);
  } else {
    fputs("null,\"report\":null,\"rank\":null,\"counts\":null", out);
  }
  fputs(",\"latest_period\":", out);
  json_number(out, m->latest_period > 0, m->latest_period);
  fputs(",\"results\":[", out);
  j->open = 1;
  j->rows = 0;
}

static void json_municipality_close(json_state *j) {
  if (j->open) fputs("]}", j->out);
  j->open = 0;
}

/* Opens (and closes) every municipality up to and including until. */
static void json_municipalities_to(json_state *j, size_t until) {
  while (j->next <= until && j->next < j->r->nmunicipalities) {
    json_municipality_close(j);
    json_municipality_open(j, j->next++);
  }
}

/* Writes cell as the next row of the open list (sep before all but its first). */
static void json_row(json_state *j, const region_cell *cell, const char *first, const char *sep, int with_period,
                     int with_municipality) {
  fputs(j->rows++ ? sep : first, j->out);
  json_cell(j->out, j->r, cell, with_period, with_municipality);
}

static int json_result(void *ud, const region_cell *cell) {
  json_state *j = ud;
  json_municipalities_to(j, cell->municipality);
  json_row(j, cell, "", ",", 0, 0);
  return 0;
}

static int json_below(void *ud, const region_cell *cell) {
  json_state *j = ud;
  FILE *out = j->out;
  if (cell->indicator != j->group) {
    if (j->group != (size_t)-1) fputs("]},", out);
    fputs("\n{", out);
    json_text_field(out, "indicator", j->r->indicators[cell->indicator].id, 0);
    fputs(",\"municipalities\":[", out);
    j->group = cell->indicator;
    j->rows = 0;
  }
  json_row(j, cell, "", ",", 0, 1);
  return 0;
}

static int json_dynamics(void *ud, const region_cell *cell) {
  json_row(ud, cell, "\n", ",\n", 1, 1);
  return 0;
}

/* Writes head, then (when nothing failed before: rc 0) the rows of order through fn as a
 * list of its own. Returns rc, or what reading the rows returned. */
static int json_list(region *r, json_state *j, const char *head, region_order order, region_cell_fn fn, int rc) {
  fputs(head, j->out);
  j->rows = 0;
  return rc == 0 ? region_each(r, order, fn, j) : rc;
}

int region_json(region *r, FILE *out) {
  fputs("{\"report\":\"region\",\"format_version\":1,", out);
  fprintf(out, "\"period\":%d,", r->period);
  json_text_field(out, "as_of", r->as_of, 1);
  json_text_field(out, "generated", r->generated, 1);
  json_text_field(out, "links", r->links, 0);
  fprintf(out, ",\"municipalities_in_store\":%zu,\"municipalities_with_cycle\":%zu,\"periods\":[", r->nmunicipalities, r->ncycles);
  for (int p = 0; p < r->nperiods; p++) fprintf(out, p ? ",%d" : "%d", r->periods[p]);
  fputs("],\n\"ranking\":{\"composite_rating\":null,\"order\":\"targets_met\",", out);
  json_text_field(out, "note", region_ranking_note(r), 0);
  fprintf(out, ",\"organization_ratings\":%lld},\n", r->ratings);
  json_indicators(out, r);
  json_state j = {.out = out, .r = r, .group = (size_t)-1};
  int rc = json_list(r, &j, "\"municipalities\":[", REGION_BY_MUNICIPALITY, json_result, 0);
  if (r->nmunicipalities) json_municipalities_to(&j, r->nmunicipalities - 1);
  json_municipality_close(&j);
  fputs("],\n\"ranking_order\":[", out);
  for (size_t k = 0; k < r->nmunicipalities; k++) {
    if (k) fputc(',', out);
    json_string(out, r->municipalities[r->ranking[k]].code);
  }
  rc = json_list(r, &j, "],\n\"below_target\":[", REGION_BELOW_TARGET, json_below, rc);
  if (j.group != (size_t)-1) fputs("]}", out);
  rc = json_list(r, &j, "],\n\"dynamics\":[", REGION_DYNAMICS, json_dynamics, rc);
  fputs("]}\n", out);
  return rc;
}

/* ---- CSV for Russian Excel: one row per municipality and indicator ---- */

typedef struct csv_state {
  FILE *out;
  const region *r;
} csv_state;

static void csv_text(FILE *out, const char *s) { escape_csv_cell(out, s ? s : "", ';'); }

static void csv_number(FILE *out, int has, double v) {
  char buf[64];
  if (has) fputs(ru_decimal(v, 2, buf, sizeof buf), out);
}

/* One cell of a CSV row: text (escaped), a decimal figure (empty when it has none), or
 * digits written as they are. */
typedef struct csv_cell {
  enum { CSV_TEXT, CSV_FIGURE, CSV_DIGITS } kind;
  const char *text;
  int has;
  double value;
} csv_cell;

static int csv_row(void *ud, const region_cell *cell) {
  csv_state *c = ud;
  FILE *out = c->out;
  const region_municipality *m = &c->r->municipalities[cell->municipality];
  const region_indicator *ind = &c->r->indicators[cell->indicator];
  char period[16], rank[16], date[32];
  snprintf(period, sizeof period, "%d", cell->period);
  snprintf(rank, sizeof rank, "%d", m->rank);
  const csv_cell cells[] = {
      {CSV_TEXT, region_name(m), 0, 0},
      {CSV_TEXT, m->code, 0, 0},
      {CSV_DIGITS, period, 0, 0},
      {CSV_DIGITS, rank, 0, 0},
      {CSV_TEXT, ind->number, 0, 0},
      {CSV_TEXT, ind->title, 0, 0},
      {CSV_FIGURE, NULL, cell->has_value, cell->value},
      {CSV_FIGURE, NULL, cell->has_numerator, cell->numerator},
      {CSV_FIGURE, NULL, cell->has_denominator, cell->denominator},
      {CSV_TEXT, ind->unit, 0, 0},
      {CSV_TEXT, cell->target_text, 0, 0},
      {CSV_FIGURE, NULL, cell->has_target_value, cell->target_value},
      {CSV_TEXT, ru_status(region_judgement(cell)), 0, 0},
      {CSV_TEXT, ru_date(m->run_at, date, sizeof date), 0, 0},
  };
  for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
    if (i) fputc(';', out);
    if (cells[i].kind == CSV_TEXT) csv_text(out, cells[i].text);
    else if (cells[i].kind == CSV_FIGURE) csv_number(out, cells[i].has, cells[i].value);
    else fputs(cells[i].text, out);
  }
  fputs("\r\n", out);
  return 0;
}

int region_csv(region *r, FILE *out) {
  fputs("\xEF\xBB\xBFМуниципалитет;Код;Период;Место;№;Показатель;Значение;Числитель;Знаменатель;Единица;Цель;"
        "Цель на период;Статус;Цикл проведён\r\n", out);
  csv_state c = {out, r};
  return region_each(r, REGION_BY_MUNICIPALITY, csv_row, &c);
}
