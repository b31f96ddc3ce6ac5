/* assessment.c: the status of a cycle's nine components, named as the seeds name them, and the
 * self-assessment the federal monitoring of municipal quality-management mechanisms applies:
 * yes/no criteria per component, each with its evidence from the store. The promises are in
 * assessment.h. */
#include "assessment.h"

#include <cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "russian.h"

/* The first column of the first row of sql (one integer parameter: the
 * cycle) as text in buf, "" when none. */
static const char *cycle_text(sqlite3 *db, long long cycle, const char *sql, char *buf, size_t len) {
  sqlite3_stmt *st;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return buf;
  if (sqlite3_bind_parameter_count(st) > 0) sqlite3_bind_int64(st, 1, cycle);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return buf;
}

/* Formats one row of a query into buf, in words a reader of the report understands. */
typedef void (*row_format)(sqlite3_stmt *st, char *buf, size_t len);

static const char *column(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

/* A count by addressee: "Муниципальная методическая служба: 1". */
static void addressee_count(sqlite3_stmt *st, char *buf, size_t len) {
  snprintf(buf, len, "%s: %lld", ru_addressee(column(st, 0)), (long long)sqlite3_column_int64(st, 1));
}

/* A count by verdict: "эффективна: 1". */
static void verdict_count(sqlite3_stmt *st, char *buf, size_t len) {
  snprintf(buf, len, "%s: %lld", ru_verdict(column(st, 0)), (long long)sqlite3_column_int64(st, 1));
}

/* A decision: "приказ № 161/1 от 26.08.2023". */
static void decision_line(sqlite3_stmt *st, char *buf, size_t len) {
  char date[32];
  char kind[256];
  ru_lowercased(ru_document_kind(column(st, 0)), kind, sizeof kind); /* mid-sentence */
  snprintf(buf, len, "%s № %s от %s", kind,
           sqlite3_column_type(st, 1) == SQLITE_NULL ? "б/н" : column(st, 1), ru_date(column(st, 2), date, sizeof date));
}

/* The rows of sql (one integer parameter: the cycle), each formatted by
 * format, joined by sep into buf ("" when none; cut at len). */
static const char *cycle_joined(sqlite3 *db, long long cycle, const char *sql, row_format format, const char *sep,
                                char *buf, size_t len) {
  sqlite3_stmt *st;
  size_t used = 0;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return buf;
  sqlite3_bind_int64(st, 1, cycle);
  while (sqlite3_step(st) == SQLITE_ROW && used + 1 < len) {
    char row[512];
    format(st, row, sizeof row);
    int n = snprintf(buf + used, len - used, "%s%s", used ? sep : "", row);
    if (n < 0) break;
    used = (size_t)n < len - used ? used + (size_t)n : len - 1;
  }
  sqlite3_finalize(st);
  return buf;
}

static long long cycle_count(sqlite3 *db, long long cycle, const char *sql) {
  char buf[64];
  return atoll(cycle_text(db, cycle, sql, buf, sizeof buf));
}

/* Adds a yes/no criterion with its evidence to a component. */
static void criterion(cJSON *component, int met, const char *text, const char *format, ...) {
  char evidence[1024];
  va_list ap;
  va_start(ap, format);
  vsnprintf(evidence, sizeof evidence, format, ap);
  va_end(ap);
  cJSON *c = cJSON_CreateObject();
  cJSON_AddStringToObject(c, "text", text);
  cJSON_AddBoolToObject(c, "met", met);
  cJSON_AddStringToObject(c, "evidence", evidence);
  cJSON_AddItemToArray(cJSON_GetObjectItem(component, "criteria"), c);
}

static cJSON *component(cJSON *list, int number, const char *name) {
  cJSON *c = cJSON_CreateObject();
  cJSON_AddNumberToObject(c, "number", number);
  cJSON_AddStringToObject(c, "name", name);
  cJSON_AddItemToObject(c, "criteria", cJSON_CreateArray());
  cJSON_AddItemToArray(list, c);
  return c;
}

static int plan_number(cJSON *plan, const char *field) {
  cJSON *v = cJSON_GetObjectItem(plan, field);
  return cJSON_IsNumber(v) ? v->valueint : 0;
}

static int plan_list(cJSON *plan, const char *field) { return cJSON_GetArraySize(cJSON_GetObjectItem(plan, field)); }

/* Components 1-3: what the cycle set out to do and how it collects data. */
static void plan_components(sqlite3 *db, const cycle_ref *c, cJSON *plan, cJSON *list) {
  long long carried = cycle_count(db, c->id, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = ? AND carried_from IS NOT NULL");
  int indicators = plan_number(plan, "indicators"), with_target = plan_number(plan, "with_target");
  cJSON *k = component(list, 1, "Цели и задачи");
  criterion(k, plan_list(plan, "goals") > 0, "Цели определены", "целей в пакете: %d", plan_list(plan, "goals"));
  criterion(k, plan_list(plan, "tasks") > 0, "Задачи определены", "задач в пакете: %d", plan_list(plan, "tasks"));
  criterion(k, plan_number(plan, "layers") > 1, "Цели согласованы с региональными",
            plan_number(plan, "layers") > 1 ? "пакет основан на региональном пакете" : "пакет не основан на региональном");
  criterion(k, indicators > 0 && with_target == indicators, "Цели конкретны и измеримы",
            "целевые значения заданы у %d показателей из %d", with_target, indicators);
  criterion(k, 1, "Учтены проблемы прошлого цикла", "перенесено проблем: %lld", carried);
  /* the pack's id and hash are for machines (cycle JSON); an official reads the counts */
  char hash[64];
  cycle_text(db, c->id, "SELECT pack_hash FROM cycle WHERE id = ?", hash, sizeof hash);
  k = component(list, 2, "Критерии и показатели");
  criterion(k, indicators > 0, "Критерии и показатели определены", "показателей: %d, критериев: %d",
            indicators, plan_number(plan, "criteria"));
  criterion(k, hash[0] != '\0', "Правила зафиксированы в цикле", hash[0] ? "копия файлов пакета сохранена" : "мониторинг не проводился");
  k = component(list, 3, "Методы сбора информации");
  criterion(k, indicators > 0 && plan_number(plan, "with_source") == indicators, "У показателей указаны источники данных",
            "источник указан у %d показателей из %d", plan_number(plan, "with_source"), indicators);
  char at[64], last[32] = "";
  long long imports = cycle_count(db, c->id, "SELECT COUNT(*) FROM import_log");
  if (cycle_text(db, c->id, "SELECT MAX(imported_at) FROM import_log", at, sizeof at)[0]) ru_date(at, last, sizeof last);
  criterion(k, imports > 0, "Данные собраны", "загрузок данных: %lld%s%s", imports, last[0] ? ", последняя " : "", last);
}

/* Components 4-6: monitoring, analysis, recommendations. */
static void result_components(sqlite3 *db, const cycle_ref *c, cJSON *list) {
  char at[64], run_at[32] = "", best[256];
  if (cycle_text(db, c->id, "SELECT run_at FROM cycle WHERE id = ?", at, sizeof at)[0]) ru_date(at, run_at, sizeof run_at);
  long long results = cycle_count(db, c->id, "SELECT COUNT(*) FROM cycle_result WHERE cycle_id = ?");
  long long statements = cycle_count(db, c->id, "SELECT statements FROM cycle WHERE id = ?");
  /* a run whose rules failed is no monitoring (cycle run refuses to store one; a store
   * written before it did may still hold such results) */
  long long failed = cycle_count(db, c->id, "SELECT COUNT(DISTINCT indicator) FROM cycle_result WHERE cycle_id = ? AND status = 'error'");
  int done = run_at[0] != '\0' && failed == 0;
  cJSON *k = component(list, 4, "Мониторинг");
  if (failed > 0)
    criterion(k, 0, "Мониторинг проведён и датирован", "%s; показателей с ошибкой в правилах: %lld из результатов %lld",
              run_at, failed, results);
  else
    criterion(k, done, "Мониторинг проведён и датирован", run_at[0] ? "%s; результатов %lld, SQL-запросов %lld" : "не проводился",
              run_at, results, statements);
  long long problems = cycle_count(db, c->id, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = ? AND (carried_from IS NULL OR resolved = 0)");
  long long resolved = cycle_count(db, c->id, "SELECT COUNT(*) FROM cycle_problem WHERE cycle_id = ? AND resolved = 1");
  cycle_text(db, c->id, "SELECT organization_name || ' (' || SUM(status = 'met') || ' из ' || COUNT(*) || ')' FROM cycle_result"
             " WHERE cycle_id = ? AND organization IS NOT NULL AND status IN ('met', 'not_met') GROUP BY organization"
             " ORDER BY SUM(status = 'met') * 1.0 / COUNT(*) DESC, organization LIMIT 1", best, sizeof best);
  k = component(list, 5, "Анализ");
  criterion(k, done, "Проведён анализ: проблемные зоны и рейтинг организаций",
            "проблемных зон: %lld, решено перенесённых: %lld%s%s", problems, resolved, best[0] ? "; первое место: " : "", best);
  long long recommendations = cycle_count(db, c->id, "SELECT COUNT(*) FROM cycle_recommendation WHERE cycle_id = ?");
  char addressees[512];
  cycle_joined(db, c->id, "SELECT addressee, COUNT(*) FROM cycle_recommendation WHERE cycle_id = ? GROUP BY addressee",
               addressee_count, ", ", addressees, sizeof addressees);
  k = component(list, 6, "Адресные рекомендации");
  criterion(k, done && (recommendations > 0 || problems == 0), "Рекомендации сформированы",
            "рекомендаций: %lld", recommendations);
  criterion(k, recommendations > 0, "Рекомендации адресные", "%s", addressees[0] ? addressees : "адресатов нет");
}

/* Components 7-9: measures, decisions, effectiveness. */
static void action_components(sqlite3 *db, const cycle_ref *c, cJSON *list) {
  long long measures = cycle_count(db, c->id, "SELECT COUNT(*) FROM measure WHERE cycle_id = ?");
  long long incomplete = cycle_count(db, c->id, "SELECT COUNT(*) FROM measure WHERE cycle_id = ?"
                                                " AND (COALESCE(schedule, '') = '' OR COALESCE(responsible, '') = '')");
  cJSON *k = component(list, 7, "Меры (дорожная карта)");
  criterion(k, measures > 0, "Меры приняты", "мероприятий в цикле: %lld", measures);
  criterion(k, measures > 0 && incomplete == 0, "У мер есть сроки и ответственные", "без сроков или ответственных: %lld", incomplete);
  char decisions[1024];
  cycle_joined(db, c->id, "SELECT DISTINCT d.kind, d.number, d.date FROM decision_link l JOIN document d"
               " ON d.id = l.document_id WHERE l.cycle_id = ?", decision_line, "; ", decisions, sizeof decisions);
  k = component(list, 8, "Управленческие решения");
  criterion(k, decisions[0] != '\0', "Решения документированы", "%s", decisions[0] ? decisions : "решений нет");
  long long effects = cycle_count(db, c->id, "SELECT COUNT(*) FROM cycle_effect WHERE cycle_id = ?");
  char verdicts[256];
  cycle_joined(db, c->id, "SELECT verdict, COUNT(*) FROM cycle_effect WHERE cycle_id = ? GROUP BY verdict", verdict_count,
               ", ", verdicts, sizeof verdicts);
  k = component(list, 9, "Анализ эффективности принятых мер");
  criterion(k, effects > 0, "Эффективность мер проанализирована", "%s", effects ? verdicts :
            (!strcmp(c->state, "closed") ? "в прошлом цикле не было мер, связанных с показателями" : "цикл ещё не закрыт"));
}

/* Marks each component in place when all its criteria are met; counts. */
static void score(cJSON *root, cJSON *list) {
  int met = 0, total = 0;
  cJSON *comp;
  cJSON_ArrayForEach(comp, list) {
    int all = 1;
    cJSON *crit;
    cJSON_ArrayForEach(crit, cJSON_GetObjectItem(comp, "criteria")) {
      int m = cJSON_IsTrue(cJSON_GetObjectItem(crit, "met"));
      all &= m;
      met += m;
      total++;
    }
    cJSON_AddBoolToObject(comp, "in_place", all);
  }
  cJSON *s = cJSON_AddObjectToObject(root, "self_assessment");
  cJSON_AddNumberToObject(s, "met", met);
  cJSON_AddNumberToObject(s, "total", total);
}

static void write_table(cJSON *root, FILE *out) {
  cJSON *cy = cJSON_GetObjectItem(root, "cycle");
  fprintf(out, _("cycle %d: %s, %d (%s)\n"), cJSON_GetObjectItem(cy, "id")->valueint,
          cJSON_GetObjectItem(cy, "municipality")->valuestring, cJSON_GetObjectItem(cy, "period")->valueint,
          ru_cycle_state(cJSON_GetObjectItem(cy, "state")->valuestring));
  cJSON *comp;
  cJSON_ArrayForEach(comp, cJSON_GetObjectItem(root, "components")) {
    fprintf(out, "%d. %s — %s\n", cJSON_GetObjectItem(comp, "number")->valueint, cJSON_GetObjectItem(comp, "name")->valuestring,
            cJSON_IsTrue(cJSON_GetObjectItem(comp, "in_place")) ? "есть" : "нет");
    cJSON *crit;
    cJSON_ArrayForEach(crit, cJSON_GetObjectItem(comp, "criteria"))
      fprintf(out, "   [%s] %s: %s\n", cJSON_IsTrue(cJSON_GetObjectItem(crit, "met")) ? "да " : "нет",
              cJSON_GetObjectItem(crit, "text")->valuestring, cJSON_GetObjectItem(crit, "evidence")->valuestring);
  }
  cJSON *s = cJSON_GetObjectItem(root, "self_assessment");
  fprintf(out, _("self-assessment: %d of %d criteria met\n"), cJSON_GetObjectItem(s, "met")->valueint,
          cJSON_GetObjectItem(s, "total")->valueint);
}

void *assessment_build(sqlite3 *db, const cycle_ref *c) {
  char goals[65536];
  cycle_text(db, c->id, "SELECT goals FROM cycle WHERE id = ?", goals, sizeof goals);
  cJSON *plan = cJSON_Parse(goals[0] ? goals : "{}");
  cJSON *root = cJSON_CreateObject();
  cJSON *cy = cJSON_AddObjectToObject(root, "cycle");
  cJSON_AddNumberToObject(cy, "id", (double)c->id);
  cJSON_AddStringToObject(cy, "municipality", c->municipality);
  cJSON_AddNumberToObject(cy, "period", c->period);
  cJSON_AddStringToObject(cy, "state", c->state);
  cJSON_AddItemToObject(cy, "plan", plan);
  cJSON *list = cJSON_AddArrayToObject(root, "components");
  plan_components(db, c, plan, list);
  result_components(db, c, list);
  action_components(db, c, list);
  score(root, list);
  return root;
}

int assessment_write(sqlite3 *db, const cycle_ref *c, const char *format, FILE *out, char *err, size_t errlen) {
  if (strcmp(format, "table") && strcmp(format, "json")) {
    snprintf(err, errlen, _("unknown format '%s'; expected table or json"), format);
    return -1;
  }
  cJSON *root = assessment_build(db, c);
  if (!strcmp(format, "json")) {
    char *text = cJSON_PrintUnformatted(root);
    fprintf(out, "%s\n", text);
    cJSON_free(text);
  } else {
    write_table(root, out);
  }
  cJSON_Delete(root);
  return 0;
}

/* The municipalities of the store (of its data, and of its cycles) in code order, each with
 * its cycle of the period ?1 if it has one: what cycle status --all lists. */
static const char region_cycles_sql[] =
    "WITH m(code) AS (SELECT municipality FROM organization UNION SELECT municipality FROM community"
    " UNION SELECT municipality FROM document UNION SELECT municipality FROM cycle)"
    " SELECT m.code, c.id FROM m LEFT JOIN cycle c ON c.municipality = m.code AND c.period = ?1 ORDER BY m.code";

/* What status --all tells of the region as a whole. */
typedef struct region_count {
  int municipalities, open, run, closed, complete;
} region_count;

/* One municipality's line of status --all, codes and numbers, from its cycle's status
 * (root, from assessment_build; NULL when it has no cycle of the period). */
static cJSON *region_line(const char *code, int period, cJSON *root) {
  cJSON *line = cJSON_CreateObject();
  cJSON_AddStringToObject(line, "municipality", code);
  cJSON *cy = cJSON_GetObjectItem(root, "cycle");
  const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(cy, "plan"), "municipality_name"));
  if (name && name[0]) cJSON_AddStringToObject(line, "name", name);
  else cJSON_AddNullToObject(line, "name");
  cJSON_AddNumberToObject(line, "period", period);
  if (!root) {
    cJSON_AddNullToObject(line, "cycle");
    cJSON_AddNullToObject(line, "state");
    return line;
  }
  cJSON_AddNumberToObject(line, "cycle", cJSON_GetObjectItem(cy, "id")->valuedouble);
  cJSON_AddStringToObject(line, "state", cJSON_GetObjectItem(cy, "state")->valuestring);
  cJSON *in_place = cJSON_AddArrayToObject(line, "in_place"), *missing = cJSON_AddArrayToObject(line, "missing");
  cJSON *comp;
  cJSON_ArrayForEach(comp, cJSON_GetObjectItem(root, "components")) {
    cJSON *number = cJSON_CreateNumber(cJSON_GetObjectItem(comp, "number")->valuedouble);
    cJSON_AddItemToArray(cJSON_IsTrue(cJSON_GetObjectItem(comp, "in_place")) ? in_place : missing, number);
  }
  cJSON_AddItemToObject(line, "self_assessment", cJSON_Duplicate(cJSON_GetObjectItem(root, "self_assessment"), 1));
  return line;
}

/* Writes one municipality's line for people: its cycle's state, the components in place
 * (naming those that are not) and the criteria met. */
static void write_region_line(const cJSON *line, FILE *out) {
  char label[512], missing[128] = "";
  const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(line, "name"));
  const char *code = cJSON_GetObjectItem(line, "municipality")->valuestring;
  if (name) snprintf(label, sizeof label, "%s (%s)", code, name);
  else snprintf(label, sizeof label, "%s", code);
  if (cJSON_IsNull(cJSON_GetObjectItem(line, "cycle"))) {
    fprintf(out, _("%s: no cycle of %d\n"), label, cJSON_GetObjectItem(line, "period")->valueint);
    return;
  }
  size_t used = 0;
  const cJSON *n, *absent = cJSON_GetObjectItem(line, "missing");
  cJSON_ArrayForEach(n, absent) {
    int w = snprintf(missing + used, sizeof missing - used, "%s%d", used ? ", " : "", n->valueint);
    if (w > 0 && (size_t)w < sizeof missing - used) used += (size_t)w;
  }
  int in_place = cJSON_GetArraySize(cJSON_GetObjectItem(line, "in_place")), all = in_place + cJSON_GetArraySize(absent);
  const cJSON *s = cJSON_GetObjectItem(line, "self_assessment");
  long long id = (long long)cJSON_GetObjectItem(line, "cycle")->valuedouble;
  const char *state = ru_cycle_state(cJSON_GetObjectItem(line, "state")->valuestring);
  int met = cJSON_GetObjectItem(s, "met")->valueint, total = cJSON_GetObjectItem(s, "total")->valueint;
  if (missing[0])
    fprintf(out, _("%s: cycle %lld (%s): components in place: %d of %d, missing: %s; criteria met: %d of %d\n"), label, id,
            state, in_place, all, missing, met, total);
  else
    fprintf(out, _("%s: cycle %lld (%s): components in place: %d of %d; criteria met: %d of %d\n"), label, id, state,
            in_place, all, met, total);
}

/* Counts one municipality's line into the region's. */
static void count_line(region_count *count, const cJSON *line) {
  count->municipalities++;
  const char *state = cJSON_GetStringValue(cJSON_GetObjectItem(line, "state"));
  if (!state) return;
  if (!strcmp(state, "open")) count->open++;
  else if (!strcmp(state, "run")) count->run++;
  else count->closed++;
  if (cJSON_GetArraySize(cJSON_GetObjectItem(line, "missing")) == 0) count->complete++;
}

/* The line of the municipality of the current row of st (code, cycle id or NULL), to free
 * with cJSON_Delete; NULL with err when its cycle cannot be read. */
static cJSON *municipality_line(sqlite3 *db, sqlite3_stmt *st, int period, char *err, size_t errlen) {
  const char *code = (const char *)sqlite3_column_text(st, 0);
  if (sqlite3_column_type(st, 1) == SQLITE_NULL) return region_line(code, period, NULL);
  cycle_ref c;
  if (cycle_find(db, NULL, sqlite3_column_int64(st, 1), &c, err, errlen) != 0) return NULL;
  cJSON *root = assessment_build(db, &c);
  cJSON *line = region_line(code, period, root);
  cJSON_Delete(root);
  return line;
}

int assessment_write_all(sqlite3 *db, int period, const char *format, FILE *out, char *err, size_t errlen) {
  int json = !strcmp(format, "json");
  if (!json && strcmp(format, "table")) {
    snprintf(err, errlen, _("unknown format '%s'; expected table or json"), format);
    return -1;
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, region_cycles_sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_int(st, 1, period);
  /* one municipality at a time: the region's status holds one cycle's in memory */
  if (json) fprintf(out, "{\"period\":%d,\"municipalities\":[", period);
  else fprintf(out, _("cycles of %d, every municipality of the store:\n"), period);
  region_count count = {0};
  int rc = 0, step;
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    cJSON *line = municipality_line(db, st, period, err, errlen);
    if (!line) {
      rc = -1;
      break;
    }
    if (json) {
      char *text = cJSON_PrintUnformatted(line);
      fprintf(out, "%s%s", count.municipalities ? "," : "", text ? text : "null");
      cJSON_free(text);
    } else {
      write_region_line(line, out);
    }
    count_line(&count, line);
    cJSON_Delete(line);
  }
  if (rc == 0 && step != SQLITE_DONE) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    rc = -1;
  }
  sqlite3_finalize(st);
  if (rc != 0) {
    if (json) fprintf(out, "]}\n");
    return rc;
  }
  int with = count.open + count.run + count.closed;
  if (json)
    fprintf(out, "],\"summary\":{\"municipalities\":%d,\"with_cycle\":%d,\"without_cycle\":%d,\"open\":%d,\"run\":%d,"
                 "\"closed\":%d,\"all_in_place\":%d}}\n",
            count.municipalities, with, count.municipalities - with, count.open, count.run, count.closed, count.complete);
  else
    fprintf(out, _("municipalities: %d; with a cycle of %d: %d (open: %d, monitoring run: %d, closed: %d), without: %d;"
                   " every component in place: %d\n"),
            count.municipalities, period, with, count.open, count.run, count.closed, count.municipalities - with,
            count.complete);
  return 0;
}
