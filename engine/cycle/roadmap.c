/* roadmap.c: the plan of measures ("дорожная карта") as municipalities write it, imported with
 * its schedules parsed into due windows, linked to the cycle that takes the measures and to the
 * indicators they serve. The promises are in roadmap.h. */
#include "roadmap.h"

#include <cJSON.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "evaluate.h"
#include "i18n.h"
#include "rows.h"
#include "russian.h"
#include "sandbox.h"
#include "stdlib_loader.h"
#include "store.h"
#include "text.h"
#include "value.h"

enum { F_NUMBER, F_STAGE, F_DIRECTION, F_TITLE, F_SCHEDULE, F_RESPONSIBLE, F_RESULT, F_INDICATORS, F_STATUS, NFIELDS };

static const char *const field_names[NFIELDS] = {"number", "stage", "direction", "title", "schedule",
                                                 "responsible", "expected_result", "indicators", "status"};

/* The seeds' own column headers ('|'-separated, folded). */
static const char *const field_headers[NFIELDS] = {
  "№|№ п/п|n п/п|№п/п|номер",
  "этап",
  "направление",
  "наименование мероприятия|мероприятие|мероприятия|наименование|содержание мероприятий|"
  "содержание мероприятий по реализации концепции|наименование этапа и направления наименование мероприятия",
  "сроки исполнения|срок исполнения|сроки реализации|срок реализации|срок реализации мероприятия|"
  "примерные сроки реализации|сроки|срок",
  "ответственные исполнители|ответственный исполнитель|ответственный исполнитель/ соисполнитель|"
  "ответственный исполнитель/соисполнитель|ответственные|исполнитель",
  "ожидаемый результат|ожидаемые результаты|результат",
  "показатели|показатель|индикаторы",
  "статус",
};

/* One roadmap import: the file, its columns, the schedule parser. */
typedef struct roadmap_run {
  sqlite3 *db;
  const csv_table *t;
  const char *path, *municipality;
  long long cycle;
  int column[NFIELDS];       /* CSV column of each field or -1 */
  sandbox *sb;               /* holds the stdlib schedule module at stack index schedule */
  int schedule, programme_first, programme_last;
  cJSON *indicator_ids;      /* the pack's indicator ids; borrowed */
  import_report *report;
  char stage[512], direction[512];
} roadmap_run;

/* Maps the header row; a title and a schedule column are required. */
static int map_columns(roadmap_run *run, char *err, size_t errlen) {
  for (int f = 0; f < NFIELDS; f++) run->column[f] = -1;
  for (size_t c = 0; c < run->t->row_count[0]; c++) {
    char folded[512];
    if (!text_fold(csv_field(run->t, 0, c), folded, sizeof folded)) continue;
    size_t len = strlen(folded);
    while (len && strchr(",.;: ", folded[len - 1])) folded[--len] = '\0';
    for (int f = 0; f < NFIELDS; f++)
      if (run->column[f] < 0 && (!strcmp(folded, field_names[f]) || text_in_list(field_headers[f], folded)))
        run->column[f] = (int)c;
  }
  const int required[] = {F_TITLE, F_SCHEDULE};
  for (int i = 0; i < 2; i++) {
    if (run->column[required[i]] >= 0) continue;
    snprintf(err, errlen, _("%s:1: missing required column '%s' (e.g. '%s')"), run->path, field_names[required[i]],
             required[i] == F_TITLE ? "Наименование мероприятия" : "Сроки исполнения");
    return -1;
  }
  return 0;
}

/* The trimmed value of field f in row (owned), or NULL when empty. */
static char *value_of(const roadmap_run *run, size_t row, int f) {
  const char *raw = run->column[f] >= 0 ? csv_field(run->t, row, (size_t)run->column[f]) : NULL;
  if (!raw || text_is_blank(raw)) return NULL;
  return text_trimmed_copy(raw);
}

/* Rows that only name a stage ("I этап ...") or a direction ("Направление
 * 1. ...", or any other heading under a stage): text in the number or
 * title column, nothing else. */
static int take_heading(roadmap_run *run, size_t row, char **v) {
  if (v[F_SCHEDULE] || v[F_RESPONSIBLE] || v[F_RESULT]) return 0;
  const char *text = v[F_TITLE] ? v[F_TITLE] : v[F_NUMBER];
  if (!text) return 0;
  char folded[512];
  text_fold(text, folded, sizeof folded);
  if (strstr(folded, "этап")) { /* "I этап - формирующий (2021 год)" */
    snprintf(run->stage, sizeof run->stage, "%s", text);
    run->direction[0] = '\0';
  } else { /* "Направление 1. ...", "Обеспечение актуализации ..." */
    snprintf(run->direction, sizeof run->direction, "%s", text);
  }
  (void)row;
  return 1;
}

/* Parses a schedule through the stdlib; pushes the parsed table, or
 * returns -1 with the reason in why. */
static int parse_schedule(roadmap_run *run, const char *phrase, const char *stage, char *why, size_t whylen) {
  lua_State *L = sandbox_lua(run->sb);
  lua_getfield(L, run->schedule, "parse");
  lua_pushstring(L, phrase);
  lua_createtable(L, 2, 0);
  lua_pushinteger(L, run->programme_first);
  lua_rawseti(L, -2, 1);
  lua_pushinteger(L, run->programme_last);
  lua_rawseti(L, -2, 2);
  if (stage) lua_pushstring(L, stage); /* "Август" of stage I (2021 год) is August 2021 only */
  else lua_pushnil(L);
  if (sandbox_call(run->sb, 3, 2, why, whylen) != LUA_OK) return -1;
  if (lua_isnil(L, -2)) {
    snprintf(why, whylen, "%s", lua_tostring(L, -1));
    lua_pop(L, 2);
    return -1;
  }
  lua_pop(L, 1);
  return 0;
}

/* Checks that every id in the indicators cell is one of the pack's. */
static int check_indicators(const roadmap_run *run, const char *cell, char *why, size_t whylen) {
  if (!run->indicator_ids) return 0; /* no cycle, no pack to check against */
  char *copy = strdup(cell), *save = NULL;
  int rc = 0;
  for (char *id = strtok_r(copy, ",; ", &save); id && rc == 0; id = strtok_r(NULL, ",; ", &save)) {
    int found = 0;
    cJSON *item;
    cJSON_ArrayForEach(item, run->indicator_ids) found |= !strcmp(item->valuestring, id);
    if (!found) {
      snprintf(why, whylen, _("indicators: no indicator '%s' in the cycle's pack"), id);
      rc = -1;
    }
  }
  free(copy);
  return rc;
}

/* Stores a measure (updating one with the same number and title in the
 * cycle), its due windows and its indicators. Windows are on the stack. */
static int store_measure(roadmap_run *run, char **v, const char *kind, char *why, size_t whylen) {
  sqlite3 *db = run->db;
  sqlite3_stmt *st;
  const char *sql =
      "INSERT INTO measure (municipality, number, stage, direction, title, schedule, responsible, expected_result,"
      " status, schedule_kind, cycle_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, COALESCE(?9, 'planned'), ?10, ?11)";
  long long existing = 0;
  if (sqlite3_prepare_v2(db, "SELECT id FROM measure WHERE cycle_id IS ?1 AND municipality = ?2 AND"
                             " COALESCE(number, '') = COALESCE(?3, '') AND title = ?4", -1, &st, NULL) == SQLITE_OK) {
    if (run->cycle) sqlite3_bind_int64(st, 1, run->cycle);
    sqlite3_bind_text(st, 2, run->municipality, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, v[F_NUMBER], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, v[F_TITLE], -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) existing = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  if (existing) {
    sql = "UPDATE measure SET municipality = ?1, number = ?2, stage = ?3, direction = ?4, title = ?5, schedule = ?6,"
          " responsible = ?7, expected_result = ?8, status = COALESCE(?9, status), schedule_kind = ?10, cycle_id = ?11"
          " WHERE id = ?12";
  }
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) goto fail;
  const char *texts[] = {run->municipality, v[F_NUMBER], run->stage[0] ? run->stage : v[F_STAGE],
                         run->direction[0] ? run->direction : v[F_DIRECTION], v[F_TITLE], v[F_SCHEDULE],
                         v[F_RESPONSIBLE], v[F_RESULT], v[F_STATUS], kind};
  for (int i = 0; i < 10; i++) sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
  if (run->cycle) sqlite3_bind_int64(st, 11, run->cycle);
  if (existing) sqlite3_bind_int64(st, 12, existing);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) goto fail;
  long long id = existing ? existing : sqlite3_last_insert_rowid(db);
  if (existing) run->report->updated++;
  else run->report->inserted++;
  char inner[256];
  char *clear = sqlite3_mprintf("DELETE FROM measure_window WHERE measure_id = %lld;"
                                "DELETE FROM measure_indicator WHERE measure_id = %lld;", id, id);
  rc = store_exec(db, clear, inner, sizeof inner);
  sqlite3_free(clear);
  if (rc != 0) goto fail;
  lua_State *L = sandbox_lua(run->sb);
  lua_getfield(L, -1, "windows");
  for (lua_Integer i = 1; i <= luaL_len(L, -1); i++) {
    lua_rawgeti(L, -1, i);
    lua_getfield(L, -1, "from");
    lua_getfield(L, -2, "to");
    char *insert = sqlite3_mprintf("INSERT INTO measure_window VALUES (%lld, %Q, %Q)", id, lua_tostring(L, -2),
                                   lua_tostring(L, -1));
    rc = store_exec(db, insert, inner, sizeof inner);
    sqlite3_free(insert);
    lua_pop(L, 3);
    if (rc != 0) { lua_pop(L, 1); goto fail; }
  }
  lua_pop(L, 1);
  char *copy = v[F_INDICATORS] ? strdup(v[F_INDICATORS]) : NULL, *save = NULL;
  for (char *ind = copy ? strtok_r(copy, ",; ", &save) : NULL; ind; ind = strtok_r(NULL, ",; ", &save)) {
    char *insert = sqlite3_mprintf("INSERT OR IGNORE INTO measure_indicator VALUES (%lld, %Q)", id, ind);
    rc = store_exec(db, insert, inner, sizeof inner);
    sqlite3_free(insert);
    if (rc != 0) break;
  }
  free(copy);
  if (rc != 0) goto fail;
  return 0;
fail:
  snprintf(why, whylen, _("store refused the measure: %s"), sqlite3_errmsg(db));
  return -1;
}

static int add_problem(roadmap_run *run, size_t row, const char *msg) {
  return import_report_add(run->report, run->path, run->t->row_line[row], msg);
}

/* Validates and stores one data row; a heading row only sets the stage. */
static int import_row(roadmap_run *run, size_t row, char *why, size_t whylen) {
  char *v[NFIELDS];
  for (int f = 0; f < NFIELDS; f++) v[f] = value_of(run, row, f);
  int rc = 0;
  lua_State *L = sandbox_lua(run->sb);
  if (take_heading(run, row, v)) {
    rc = 1;
  } else if (!v[F_TITLE]) {
    snprintf(why, whylen, _("title: required value is missing"));
    rc = -1;
  } else if (!v[F_SCHEDULE]) {
    snprintf(why, whylen, _("schedule: required value is missing"));
    rc = -1;
  } else if (v[F_STATUS] && strcmp(v[F_STATUS], "planned") && strcmp(v[F_STATUS], "in_progress")) {
    snprintf(why, whylen, _("status: planned or in_progress (a measure is done with 'pdmon measure done') (%s)"), v[F_STATUS]);
    rc = -1;
  } else if (v[F_INDICATORS] && check_indicators(run, v[F_INDICATORS], why, whylen) != 0) {
    rc = -1;
  } else {
    char reason[900];
    if (parse_schedule(run, v[F_SCHEDULE], run->stage[0] ? run->stage : v[F_STAGE], reason, sizeof reason) != 0) {
      snprintf(why, whylen, "schedule: %s", reason);
      rc = -1;
    } else {
      lua_getfield(L, -1, "kind");
      char kind[32];
      snprintf(kind, sizeof kind, "%s", lua_tostring(L, -1));
      lua_pop(L, 1);
      rc = store_measure(run, v, kind, why, whylen) == 0 ? 0 : -2;
      lua_pop(L, 1);
    }
  }
  for (int f = 0; f < NFIELDS; f++) free(v[f]);
  return rc;
}

/* Prepares the schedule parser and the pack's programme and indicators. */
static int prepare_run(roadmap_run *run, const char *pack_dir, pack_summary *summary, cJSON **plan,
                       char *err, size_t errlen) {
  run->programme_first = 2021;
  run->programme_last = 2024;
  *plan = NULL;
  if (pack_dir && pack_dir[0]) {
    if (evaluate_pack_summary(pack_dir, summary, err, errlen) != 0) return -1;
    if (summary->programme_first) {
      run->programme_first = summary->programme_first;
      run->programme_last = summary->programme_last;
    }
    *plan = cJSON_Parse(summary->goals_json);
    run->indicator_ids = cJSON_GetObjectItem(*plan, "indicator_ids");
  }
  run->sb = sandbox_new(sandbox_default_limits());
  if (!run->sb || stdlib_push_module(run->sb, "schedule", err, errlen) != 0) return -1;
  run->schedule = lua_gettop(sandbox_lua(run->sb));
  return 0;
}

int roadmap_import(sqlite3 *db, const char *path, const char *municipality, long long cycle,
                   const char *pack_dir, const import_options *opt, import_report *report,
                   char *err, size_t errlen) {
  memset(report, 0, sizeof *report);
  csv_table t;
  rows_options ro = {.sheet = opt->sheet, .encoding = opt->encoding};
  char where[4200]; /* messages name a workbook's sheet too: PATH:SHEET:ROW */
  if (rows_read_table(path, &ro, &t, where, sizeof where, err, errlen) != 0) return -1;
  roadmap_run run = {.db = db, .t = &t, .path = where, .municipality = municipality, .cycle = cycle, .report = report};
  pack_summary summary = {0};
  cJSON *plan = NULL;
  int rc = map_columns(&run, err, errlen) == 0 && prepare_run(&run, pack_dir, &summary, &plan, err, errlen) == 0
               ? store_exec(db, "BEGIN IMMEDIATE", err, errlen) : -1;
  for (size_t row = 1; rc == 0 && row < t.nrows; row++) {
    char why[1024];
    int r = import_row(&run, row, why, sizeof why);
    if (r == 1) continue;
    report->rows++;
    if (r == -2) {
      snprintf(err, errlen, "%s:%zu: %s", where, t.row_line[row], why);
      rc = -1;
    } else if (r == -1 && add_problem(&run, row, why) != 0) {
      snprintf(err, errlen, _("out of memory"));
      rc = -1;
    }
  }
  if (rc == 0 && report->rejected > 0 && !opt->skip_invalid) rc = 1;
  if (rc == 0 && report->rejected > 0 && !opt->dry_run) {
    size_t *lines = malloc(report->rejected * sizeof *lines);
    char **reasons = malloc(report->rejected * sizeof *reasons);
    for (size_t i = 0; lines && reasons && i < report->rejected; i++) {
      lines[i] = report->problems[i].line;
      reasons[i] = report->problems[i].message;
    }
    snprintf(report->rejected_path, sizeof report->rejected_path, "%s.rejected.csv", path);
    rc = lines && reasons ? csv_write_rejected(report->rejected_path, &t, lines, reasons, report->rejected, err, errlen) : -1;
    free(lines);
    free(reasons);
  }
  if (rc == 0 && !opt->dry_run) {
    char *log = sqlite3_mprintf("INSERT INTO import_log (entity, file, rows_imported, rows_rejected)"
                                " VALUES ('measures', %Q, %lld, %lld)", path,
                                (long long)(report->inserted + report->updated), (long long)report->rejected);
    rc = store_exec(db, log, err, errlen);
    sqlite3_free(log);
  }
  if (rc == 0 && !opt->dry_run) rc = store_exec(db, "COMMIT", err, errlen);
  report->written = rc == 0 && !opt->dry_run;
  if (!report->written) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  sandbox_free(run.sb);
  cJSON_Delete(plan);
  pack_summary_free(&summary);
  csv_free(&t);
  return rc;
}

/* ---- states on a date ---- */

/* One yearly occurrence of a measure: the span of its windows in that
 * year; from is "" for a deadline ("до 15.01.2023") that has no start. */
typedef struct occurrence {
  int year;
  char from[11], to[11];
  int done;
  char evidence[256];
} occurrence;

typedef struct occurrence_list {
  occurrence *items;
  size_t n, cap;
} occurrence_list;

/* Adds the span from..to to the occurrence of year, creating it. */
static int merge_occurrence(occurrence_list *l, int year, const char *from, const char *to) {
  for (size_t i = 0; i < l->n; i++) {
    occurrence *o = &l->items[i];
    if (o->year != year) continue;
    if (!from[0] || (o->from[0] && strcmp(from, o->from) < 0)) snprintf(o->from, sizeof o->from, "%s", from);
    if (strcmp(to, o->to) > 0) snprintf(o->to, sizeof o->to, "%s", to);
    return 0;
  }
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    occurrence *items = realloc(l->items, cap * sizeof *items);
    if (!items) return -1;
    l->items = items;
    l->cap = cap;
  }
  occurrence *o = &l->items[l->n++];
  memset(o, 0, sizeof *o);
  o->year = year;
  snprintf(o->from, sizeof o->from, "%s", from);
  snprintf(o->to, sizeof o->to, "%s", to);
  return 0;
}

/* A due window as occurrences: a window over whole years counts once in
 * each of them; any other belongs to the year it starts (or ends, for a
 * deadline). */
static int add_window(occurrence_list *l, const char *from, const char *to) {
  if (!to || strlen(to) != 10) return 0;
  int last = atoi(to);
  if (from && strlen(from) == 10) {
    int first = atoi(from);
    if (first < last && !strcmp(from + 4, "-01-01") && !strcmp(to + 4, "-12-31")) {
      for (int y = first; y <= last; y++) {
        char a[11], b[11];
        snprintf(a, sizeof a, "%04d-01-01", y);
        snprintf(b, sizeof b, "%04d-12-31", y);
        if (merge_occurrence(l, y, a, b) != 0) return -1;
      }
      return 0;
    }
    return merge_occurrence(l, first, from, to);
  }
  return merge_occurrence(l, last, "", to);
}

static int by_year(const void *a, const void *b) {
  return ((const occurrence *)a)->year - ((const occurrence *)b)->year;
}

/* The occurrences of measure id, with those marked done. */
static int load_occurrences(sqlite3 *db, long long id, occurrence_list *l) {
  sqlite3_stmt *st;
  memset(l, 0, sizeof *l);
  if (sqlite3_prepare_v2(db, "SELECT from_date, to_date FROM measure_window WHERE measure_id = ?", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_int64(st, 1, id);
  int rc = 0;
  while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
    rc = add_window(l, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
  sqlite3_finalize(st);
  if (rc != 0) return -1;
  if (l->n > 1) qsort(l->items, l->n, sizeof *l->items, by_year);
  if (sqlite3_prepare_v2(db, "SELECT year, COALESCE(evidence_document_id, '') FROM measure_occurrence"
                             " WHERE measure_id = ? AND status = 'done'", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_int64(st, 1, id);
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (size_t i = 0; i < l->n; i++) {
      if (l->items[i].year != sqlite3_column_int(st, 0)) continue;
      l->items[i].done = 1;
      snprintf(l->items[i].evidence, sizeof l->items[i].evidence, "%s", (const char *)sqlite3_column_text(st, 1));
    }
  }
  sqlite3_finalize(st);
  return 0;
}

static const char *occurrence_state(const occurrence *o, const char *as_of) {
  if (o->done) return "done";
  if (strcmp(o->to, as_of) < 0) return "overdue";
  if (!o->from[0] || strcmp(o->from, as_of) <= 0) return "due";
  return "planned";
}

/* The first occurrence that counts from from_year on: the earlier ones are
 * the earlier cycles', unless none is that late (then the last counts). */
static size_t first_counted(const occurrence_list *l, int from_year) {
  size_t first = 0;
  while (first < l->n && l->items[first].year < from_year) first++;
  return first == l->n && l->n > 0 ? l->n - 1 : first;
}

/* The measure's state on as_of from its occurrences of from_year on. */
static const char *measure_state(const char *status, const occurrence_list *l, int from_year, const char *as_of) {
  if (!strcmp(status, "done")) return "done";
  if (l->n == 0) return "planned"; /* по отдельному графику */
  size_t first = first_counted(l, from_year);
  int overdue = 0, due = 0, begun_done = 0;
  for (size_t i = first; i < l->n; i++) {
    const char *s = occurrence_state(&l->items[i], as_of);
    overdue |= !strcmp(s, "overdue");
    due |= !strcmp(s, "due");
    begun_done |= l->items[i].done && (!l->items[i].from[0] || strcmp(l->items[i].from, as_of) <= 0);
  }
  if (overdue) return "overdue";
  if (due) return !strcmp(status, "in_progress") ? "in_progress" : "due";
  return begun_done ? "done" : "planned";
}

static void add_text(cJSON *o, const char *name, sqlite3_stmt *st, int col) {
  const unsigned char *v = sqlite3_column_text(st, col);
  if (v) cJSON_AddStringToObject(o, name, (const char *)v);
  else cJSON_AddNullToObject(o, name);
}

void *roadmap_states(sqlite3 *db, const char *municipality, long long cycle, int from_year, const char *as_of,
                     char *err, size_t errlen) {
  sqlite3_stmt *st;
  /* A cycle's measures or a municipality's, each by its index: one statement with
   * "?1 IS NULL OR ..." and "?2 = 0 OR ..." scanned every measure of the store. */
#define MEASURE_STATES                                                                                                 \
  "SELECT id, number, stage, direction, title, schedule, responsible, expected_result, status,"                       \
  " (SELECT group_concat(indicator, ', ') FROM measure_indicator mi WHERE mi.measure_id = m.id),"                     \
  " evidence_document_id FROM measure m WHERE "
  const char *sql = cycle          ? MEASURE_STATES "cycle_id = ?2 AND (?1 IS NULL OR municipality = ?1) ORDER BY id"
                    : municipality ? MEASURE_STATES "municipality = ?1 ORDER BY id"
                                   : MEASURE_STATES "1 ORDER BY id";
#undef MEASURE_STATES
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return NULL;
  }
  sqlite3_bind_text(st, 1, municipality, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, cycle);
  cJSON *list = cJSON_CreateArray();
  static const char *const fields[] = {"number", "stage", "direction", "title", "schedule", "responsible", "expected_result"};
  while (sqlite3_step(st) == SQLITE_ROW) {
    long long id = sqlite3_column_int64(st, 0);
    occurrence_list l;
    if (load_occurrences(db, id, &l) != 0) {
      free(l.items);
      snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
      sqlite3_finalize(st);
      cJSON_Delete(list);
      return NULL;
    }
    cJSON *m = cJSON_CreateObject();
    cJSON_AddNumberToObject(m, "id", (double)id);
    for (int i = 0; i < 7; i++) add_text(m, fields[i], st, i + 1);
    add_text(m, "indicators", st, 9);
    add_text(m, "evidence", st, 10);
    const char *status = (const char *)sqlite3_column_text(st, 8);
    cJSON_AddStringToObject(m, "state", measure_state(status ? status : "planned", &l, from_year, as_of));
    cJSON_AddBoolToObject(m, "recurring", l.n > 1);
    cJSON *occ = cJSON_AddArrayToObject(m, "occurrences");
    size_t first = first_counted(&l, from_year);
    for (size_t i = 0; i < l.n; i++) {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddNumberToObject(o, "year", l.items[i].year);
      if (l.items[i].from[0]) cJSON_AddStringToObject(o, "from", l.items[i].from);
      else cJSON_AddNullToObject(o, "from");
      cJSON_AddStringToObject(o, "to", l.items[i].to);
      cJSON_AddStringToObject(o, "state", occurrence_state(&l.items[i], as_of));
      cJSON_AddBoolToObject(o, "counted", i >= first);
      if (l.items[i].evidence[0]) cJSON_AddStringToObject(o, "evidence", l.items[i].evidence);
      else cJSON_AddNullToObject(o, "evidence");
      cJSON_AddItemToArray(occ, o);
    }
    free(l.items);
    cJSON_AddItemToArray(list, m);
  }
  sqlite3_finalize(st);
  return list;
}

/* Writes s padded with spaces to width columns as the eye sees them. */
static void padded(FILE *out, const char *s, size_t width) {
  fputs(s, out);
  for (size_t shown = text_display_width(s); shown < width; shown++) fputc(' ', out);
}

static const char *field(cJSON *o, const char *name) {
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, name));
  return s ? s : "";
}

int roadmap_list(sqlite3 *db, const char *municipality, long long cycle, int from_year, const char *as_of,
                 const char *filter, FILE *out, char *err, size_t errlen) {
  cJSON *list = roadmap_states(db, municipality, cycle, from_year, as_of, err, errlen), *m;
  if (!list) return -1;
  char date[16], owner[256] = "";
  ru_date(as_of, date, sizeof date);
  if (!municipality) { /* a cycle's measures: the heading names the cycle's municipality */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT municipality FROM cycle WHERE id = ?1", -1, &st, NULL) == SQLITE_OK) {
      sqlite3_bind_int64(st, 1, cycle);
      if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(owner, sizeof owner, "%s", (const char *)sqlite3_column_text(st, 0));
      sqlite3_finalize(st);
    }
    municipality = owner;
  }
  if (cycle && filter)
    fprintf(out, _("measures of %s on %s (cycle %lld), only: %s\n"), municipality, date, cycle, ru_measure_state(filter));
  else if (cycle) fprintf(out, _("measures of %s on %s (cycle %lld)\n"), municipality, date, cycle);
  else if (filter) fprintf(out, _("measures of %s on %s, only: %s\n"), municipality, date, ru_measure_state(filter));
  else fprintf(out, _("measures of %s on %s\n"), municipality, date);
  cJSON_ArrayForEach(m, list) {
    if (filter && strcmp(field(m, "state"), filter)) continue;
    fprintf(out, "%4lld  ", (long long)cJSON_GetObjectItem(m, "id")->valuedouble);
    padded(out, ru_measure_state(field(m, "state")), 14);
    padded(out, field(m, "number"), 8);
    fprintf(out, " %s\n      срок: %s; ответственные: %s\n", field(m, "title"), field(m, "schedule"), field(m, "responsible"));
    if (!cJSON_IsTrue(cJSON_GetObjectItem(m, "recurring"))) continue;
    fputs("      по годам:", out);
    cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(m, "occurrences"))
      fprintf(out, "%s %d — %s", o == cJSON_GetObjectItem(m, "occurrences")->child ? "" : ";",
              cJSON_GetObjectItem(o, "year")->valueint, ru_measure_state(field(o, "state")));
    fputc('\n', out);
  }
  cJSON_Delete(list);
  return 0;
}

/* 1 when table has a row with this id (text, or number when text is NULL). */
static int row_exists(sqlite3 *db, const char *table, const char *text, long long number) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ?1", table);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return 0;
  if (text) sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
  else sqlite3_bind_int64(st, 1, number);
  int found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return found;
}

/* Names the measure that is not in the store (a foreign key's failure
 * would only say "FOREIGN KEY constraint failed"). */
static int no_measure(long long measure, char *err, size_t errlen) {
  snprintf(err, errlen, _("no measure %lld in the store ('pdmon measure list' shows the roadmap's measures)"), measure);
  return 1;
}

int roadmap_done(sqlite3 *db, long long measure, int occurrence_year, const char *document_id, char *err, size_t errlen) {
  if (!row_exists(db, "measure", NULL, measure)) return no_measure(measure, err, errlen);
  if (!row_exists(db, "document", document_id, 0)) {
    snprintf(err, errlen, _("no document '%s' in the store: import it ('pdmon import documents FILE') or record the"
                            " decision ('pdmon decision add'), whose id is KIND|NUMBER|DATE"), document_id);
    return 1;
  }
  char *sql;
  if (occurrence_year) {
    occurrence_list l;
    if (load_occurrences(db, measure, &l) != 0) {
      free(l.items);
      snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
      return -1;
    }
    int found = 0;
    char years[256] = "";
    for (size_t i = 0; i < l.n; i++) {
      found |= l.items[i].year == occurrence_year;
      size_t at = strlen(years);
      snprintf(years + at, sizeof years - at, "%s%d", at ? ", " : "", l.items[i].year);
    }
    free(l.items);
    if (!found) {
      if (years[0])
        snprintf(err, errlen, _("measure %lld has no occurrence in %d; its schedule falls in: %s"), measure,
                 occurrence_year, years);
      else
        snprintf(err, errlen, _("measure %lld has no dated occurrence (a separate schedule): mark it done without --occurrence"),
                 measure);
      return 1;
    }
    sql = sqlite3_mprintf("INSERT INTO measure_occurrence (measure_id, year, status, evidence_document_id)"
                          " VALUES (%lld, %d, 'done', %Q) ON CONFLICT (measure_id, year) DO UPDATE SET"
                          " status = 'done', evidence_document_id = excluded.evidence_document_id",
                          measure, occurrence_year, document_id);
  } else {
    sql = sqlite3_mprintf("UPDATE measure SET status = 'done', evidence_document_id = %Q WHERE id = %lld", document_id, measure);
  }
  int rc = store_exec(db, sql, err, errlen);
  sqlite3_free(sql);
  return rc;
}

int roadmap_decision(sqlite3 *db, const char *municipality, const char *kind, const char *number,
                     const char *date, const char *title, const char *link, long long cycle,
                     const long long *measures, size_t nmeasures, char *err, size_t errlen) {
  char iso[11];
  if (strcmp(kind, "order") && strcmp(kind, "protocol")) {
    snprintf(err, errlen, _("--kind: order or protocol (%s)"), kind);
    return 1;
  }
  if (value_parse_date(date, iso) != 0) {
    snprintf(err, errlen, _("--date: not a date (write 2023-09-01 or 01.09.2023) (%s)"), date);
    return 1;
  }
  for (size_t i = 0; i < nmeasures; i++) /* before anything is written */
    if (!row_exists(db, "measure", NULL, measures[i])) return no_measure(measures[i], err, errlen);
  char id[256];
  snprintf(id, sizeof id, "%s|%s|%s", kind, number ? number : "", iso);
  int rc = store_exec(db, "BEGIN IMMEDIATE", err, errlen);
  char *sql = sqlite3_mprintf("INSERT INTO document (id, kind, number, date, title, link, municipality)"
                              " VALUES (%Q, %Q, %Q, %Q, %Q, %Q, %Q) ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
                              " link = excluded.link", id, kind, number, iso, title, link, municipality);
  if (rc == 0) rc = store_exec(db, sql, err, errlen);
  sqlite3_free(sql);
  for (size_t i = 0; rc == 0 && i <= nmeasures; i++) {
    if (i == nmeasures && nmeasures > 0) break;
    char cyc[32] = "NULL", mea[32] = "NULL";
    if (cycle) snprintf(cyc, sizeof cyc, "%lld", cycle);
    if (nmeasures) snprintf(mea, sizeof mea, "%lld", measures[i]);
    sql = sqlite3_mprintf("INSERT INTO decision_link (document_id, cycle_id, measure_id) VALUES (%Q, %s, %s)", id, cyc, mea);
    rc = store_exec(db, sql, err, errlen);
    sqlite3_free(sql);
  }
  if (rc == 0) rc = store_exec(db, "COMMIT", err, errlen);
  if (rc != 0) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return rc == 0 ? 0 : -1;
}
