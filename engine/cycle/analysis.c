/* analysis.c: what the monitoring of a cycle shows: each indicator against its target with its
 * dynamics over the earlier cycles, the problem zones, the ranking of organizations by targets
 * met, the pack's composite ratings, the comparison with the other municipalities of the store,
 * and the recommendations grouped by addressee. The promises are in analysis.h. */
#include "analysis.h"

#include <cJSON.h>
#include <string.h>

#include "russian.h"
#include "i18n.h"

void *analysis_rows(sqlite3 *db, const cycle_ref *c, const char *org, const char *sql) {
  cJSON *array = cJSON_CreateArray();
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return array;
  int n = sqlite3_bind_parameter_count(st);
  if (n >= 1) sqlite3_bind_int64(st, 1, c->id);
  if (n >= 2) sqlite3_bind_text(st, 2, c->municipality, -1, SQLITE_STATIC);
  if (n >= 3) sqlite3_bind_int(st, 3, c->period);
  if (n >= 4) sqlite3_bind_text(st, 4, org, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    cJSON *row = cJSON_CreateObject();
    for (int i = 0; i < sqlite3_column_count(st); i++) {
      const char *name = sqlite3_column_name(st, i);
      switch (sqlite3_column_type(st, i)) {
      case SQLITE_NULL: cJSON_AddNullToObject(row, name); break;
      case SQLITE_INTEGER:
      case SQLITE_FLOAT: cJSON_AddNumberToObject(row, name, sqlite3_column_double(st, i)); break;
      default: cJSON_AddStringToObject(row, name, (const char *)sqlite3_column_text(st, i));
      }
    }
    cJSON_AddItemToArray(array, row);
  }
  sqlite3_finalize(st);
  return array;
}

/* Each indicator's total against its target, with the values of the
 * municipality's earlier cycles and the change against the last one. The
 * dynamics follow the year's own figure (a cumulative target's yearly share). */
static const char indicators_sql[] =
    "SELECT r.indicator, r.title, r.unit, r.value, r.target_value, r.target_reason, r.status, r.progress, r.path_value,"
    " r.target_kind, r.target_origin, r.level, r.figure, r.yearly_value, r.cumulative_value, r.cumulative_since,"
    " r.base_year, r.base_value, r.growth,"
    " (SELECT COALESCE(p.yearly_value, p.value) FROM cycle_result p JOIN cycle pc ON pc.id = p.cycle_id"
    "   WHERE pc.municipality = ?2 AND pc.period < ?3 AND p.indicator = r.indicator AND p.organization IS NULL"
    "   AND p.breakdown IS NULL ORDER BY pc.period DESC LIMIT 1) AS previous_value,"
    " (SELECT group_concat(pc.period || ': ' || COALESCE(printf('%.2f', COALESCE(p.yearly_value, p.value)), '-'), '; ') FROM"
    "   (SELECT * FROM cycle ORDER BY period) pc JOIN cycle_result p ON p.cycle_id = pc.id"
    "   WHERE pc.municipality = ?2 AND pc.period <= ?3 AND p.indicator = r.indicator AND p.organization IS NULL"
    "   AND p.breakdown IS NULL) AS dynamics"
    " FROM cycle_result r WHERE r.cycle_id = ?1 AND r.organization IS NULL AND r.breakdown IS NULL ORDER BY rowid";

static const char problems_sql[] =
    "SELECT indicator, organization, description, CASE WHEN carried_from IS NULL THEN 'new' ELSE 'carried' END AS origin"
    " FROM cycle_problem WHERE cycle_id = ?1 AND (carried_from IS NULL OR resolved = 0) ORDER BY indicator, organization";

static const char ranking_sql[] =
    "SELECT RANK() OVER (ORDER BY met * 1.0 / judged DESC) AS rank, organization, organization_name, met, judged,"
    " ROUND(met * 100.0 / judged, 2) AS share_met FROM (SELECT organization, organization_name,"
    " SUM(status = 'met') AS met, COUNT(*) AS judged FROM cycle_result WHERE cycle_id = ?1"
    " AND organization IS NOT NULL AND breakdown IS NULL AND status IN ('met', 'not_met') GROUP BY organization)"
    " ORDER BY rank, organization";

static const char ratings_sql[] =
    "SELECT rating, title, rank, organization, organization_name, score, covered, weighted, method FROM cycle_rating"
    " WHERE cycle_id = ?1 ORDER BY rating, rank";

/* The totals of every municipality's cycle of the same period (this one's too), when another
 * municipality has one: per indicator by value, equal values sharing a rank and listed in
 * the order of the municipalities' codes, as the ranking lists organizations (a
 * municipality has one cycle of a period, so the code names the cycle; docs/cycle.md).
 * The cycles of the period are found by index (cycle_by_period), then each one's totals
 * (cycle_result_totals), instead of every cycle total of the store being read for its
 * cycle's period. The unary + keeps the indicator list a filter of those totals: as an
 * index key it made one seek per cycle and indicator, 6% more instructions than the old
 * scan where the store holds a single period. */
static const char comparison_sql[] =
    "SELECT r.indicator, c.municipality, r.value, r.status, RANK() OVER (PARTITION BY r.indicator ORDER BY r.value DESC)"
    " AS rank FROM cycle c JOIN cycle_result r ON r.cycle_id = c.id WHERE c.period = ?3"
    " AND r.organization IS NULL AND r.breakdown IS NULL AND r.value IS NOT NULL"
    " AND EXISTS (SELECT 1 FROM cycle o WHERE o.period = ?3 AND o.municipality <> ?2)"
    " AND +r.indicator IN (SELECT indicator FROM cycle_result WHERE cycle_id = ?1) ORDER BY r.indicator, rank, c.municipality";

/* The recommendations of the cycle, only those to ?2 when it is not NULL (its own binding:
 * ?2 is not the municipality here). */
static const char recommendations_sql[] =
    "SELECT r.addressee, COALESCE(o.name, r.organization, 'муниципалитет'), r.priority, r.text"
    " FROM cycle_recommendation r LEFT JOIN organization o ON o.id = r.organization"
    " WHERE r.cycle_id = ?1 AND (?2 IS NULL OR r.addressee = ?2)"
    " ORDER BY r.addressee, r.organization, r.priority, r.id";

static const char *const statements[] = {indicators_sql, problems_sql,   ranking_sql,
                                         ratings_sql,    comparison_sql, recommendations_sql};

const char *analysis_statement(size_t i) { return i < sizeof statements / sizeof *statements ? statements[i] : NULL; }

void *analysis_build(sqlite3 *db, const cycle_ref *c) {
  cJSON *root = cJSON_CreateObject();
  cJSON *cy = cJSON_AddObjectToObject(root, "cycle");
  cJSON_AddNumberToObject(cy, "id", (double)c->id);
  cJSON_AddStringToObject(cy, "municipality", c->municipality);
  cJSON_AddNumberToObject(cy, "period", c->period);
  cJSON_AddStringToObject(cy, "state", c->state);
  cJSON_AddItemToObject(root, "indicators", analysis_rows(db, c, NULL, indicators_sql));
  cJSON_AddItemToObject(root, "problem_zones", analysis_rows(db, c, NULL, problems_sql));
  cJSON_AddItemToObject(root, "ranking", analysis_rows(db, c, NULL, ranking_sql));
  cJSON_AddItemToObject(root, "ratings", analysis_rows(db, c, NULL, ratings_sql));
  cJSON_AddItemToObject(root, "municipalities", analysis_rows(db, c, NULL, comparison_sql));
  return root;
}

static const char *str(cJSON *row, const char *field) {
  cJSON *v = cJSON_GetObjectItem(row, field);
  return cJSON_IsString(v) ? v->valuestring : "-";
}

/* The decimal points of text for people made commas (28.57 -> 28,57), in place. */
static char *with_commas(char *text) {
  for (char *p = text; (p = strchr(p, '.')) != NULL; p++) *p = ',';
  return text;
}

/* A number as the table prints it: two decimals after a comma, or "-"
 * (the JSON keeps the number). */
static const char *num(cJSON *row, const char *field, char *buf, size_t len) {
  cJSON *v = cJSON_GetObjectItem(row, field);
  if (!cJSON_IsNumber(v)) return "-";
  snprintf(buf, len, "%.2f", v->valuedouble);
  return with_commas(buf);
}

/* An integer column (ranks, counts) as text. */
static const char *whole(cJSON *row, const char *field, char *buf, size_t len) {
  cJSON *v = cJSON_GetObjectItem(row, field);
  if (!cJSON_IsNumber(v)) return "-";
  snprintf(buf, len, "%d", v->valueint);
  return buf;
}

static void write_table(cJSON *root, FILE *out) {
  char a[32], b[512], d[32], e[32];
  cJSON *row;
  fprintf(out, "Анализ результатов мониторинга: %s, %d\n\nПоказатели (значение, цель, статус, динамика):\n",
          str(cJSON_GetObjectItem(root, "cycle"), "municipality"),
          cJSON_GetObjectItem(cJSON_GetObjectItem(root, "cycle"), "period")->valueint);
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "indicators")) {
    cJSON *prev = cJSON_GetObjectItem(row, "previous_value"), *value = cJSON_GetObjectItem(row, "yearly_value");
    if (!cJSON_IsNumber(value)) value = cJSON_GetObjectItem(row, "value");
    if (cJSON_IsNumber(prev) && cJSON_IsNumber(value)) {
      snprintf(d, sizeof d, "%+.2f", value->valuedouble - prev->valuedouble);
      with_commas(d);
    } else {
      snprintf(d, sizeof d, "-");
    }
    const char *kind = str(row, "target_kind");
    if (!strcmp(kind, "growth")) snprintf(b, sizeof b, "%s", str(row, "target_reason"));
    else num(row, "target_value", b, sizeof b);
    const char *progress = cJSON_GetStringValue(cJSON_GetObjectItem(row, "progress"));
    fprintf(out, "  %s: %s%s; цель %s%s; %s", str(row, "indicator"), num(row, "value", a, sizeof a),
            !strcmp(str(row, "figure"), "cumulative") ? " (нарастающим итогом)" : "",
            !strcmp(kind, "growth") ? str(row, "target_reason") : b,
            !strcmp(str(row, "target_origin"), "municipality") ? " (выбрана муниципалитетом)" : "",
            ru_status(!strcmp(str(row, "status"), "in_progress") && progress ? progress : str(row, "status")));
    if (progress && cJSON_IsNumber(cJSON_GetObjectItem(row, "path_value")) && strcmp(str(row, "status"), "in_progress"))
      fprintf(out, " (к итогу: %s)", ru_status(progress));
    char years[512]; /* "2022: 4.17; 2023: 33.33" (the JSON's) with commas */
    snprintf(years, sizeof years, "%s", str(row, "dynamics"));
    fprintf(out, "; изменение %s; по годам: %s\n", d, with_commas(years));
  }
  fputs("\nПроблемные зоны:\n", out);
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "problem_zones"))
    fprintf(out, "  [%s] %s\n", !strcmp(str(row, "origin"), "new") ? "новая" : "не решена с прошлого цикла", str(row, "description"));
  fputs("\nРейтинг организаций по выполнению целевых значений:\n", out);
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "ranking"))
    fprintf(out, "  %s. %s: %s%% (%s из %s)\n", whole(row, "rank", a, sizeof a), str(row, "organization_name"),
            num(row, "share_met", b, sizeof b), whole(row, "met", d, sizeof d), whole(row, "judged", e, sizeof e));
  const char *rating = "";
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "ratings")) {
    if (strcmp(rating, str(row, "title"))) {
      fprintf(out, "\n%s:\n", rating = str(row, "title"));
      fprintf(out, "  (%s)\n", str(row, "method"));
    }
    fprintf(out, "  %s. %s: %s (показателей со значением: %s из %s)\n", whole(row, "rank", a, sizeof a),
            str(row, "organization_name"), num(row, "score", b, sizeof b), whole(row, "covered", d, sizeof d),
            whole(row, "weighted", e, sizeof e));
  }
  if (cJSON_GetArraySize(cJSON_GetObjectItem(root, "municipalities")) > 0) {
    fputs("\nСравнение муниципалитетов:\n", out);
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "municipalities"))
      fprintf(out, "  %s: %s. %s %s (%s)\n", str(row, "indicator"), whole(row, "rank", a, sizeof a), str(row, "municipality"),
              num(row, "value", b, sizeof b), ru_status(str(row, "status")));
  }
}

int analysis_write(sqlite3 *db, const cycle_ref *c, const char *format, FILE *out, char *err, size_t errlen) {
  if (strcmp(format, "table") && strcmp(format, "json")) {
    snprintf(err, errlen, _("unknown format '%s'; expected table or json"), format);
    return -1;
  }
  if (!strcmp(c->state, "open")) {
    snprintf(err, errlen, _("cycle %lld (%d): the monitoring has not run yet; run 'pdmon cycle run' first"), c->id, c->period);
    return -1;
  }
  cJSON *root = analysis_build(db, c);
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

int analysis_recommendations(sqlite3 *db, const cycle_ref *c, const char *addressee, FILE *out, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, recommendations_sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_int64(st, 1, c->id);
  sqlite3_bind_text(st, 2, addressee, -1, SQLITE_STATIC);
  char current[128] = "";
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *to = (const char *)sqlite3_column_text(st, 0);
    if (strcmp(current, to)) {
      fprintf(out, "%s%s:\n", current[0] ? "\n" : "", ru_addressee(to));
      snprintf(current, sizeof current, "%s", to);
    }
    fprintf(out, "  [%d] %s: %s\n", sqlite3_column_int(st, 2), sqlite3_column_text(st, 1), sqlite3_column_text(st, 3));
  }
  sqlite3_finalize(st);
  if (!current[0]) fprintf(out, _("no recommendations in cycle %lld\n"), c->id);
  return 0;
}
