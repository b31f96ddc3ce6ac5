/* report.c: the model of a cycle's report, one JSON document every format renders (summary,
 * the cycle's sections in order, the appendices' data), and the choice of renderer. The
 * promises are in report.h; docs/report.md documents the JSON. */
#include "report.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "assessment.h"
#include "i18n.h"
#include "report_csv.h"
#include "report_html.h"
#include "report_md.h"
#include "report_text.h"
#include "roadmap.h"
#include "russian.h"
#include "store.h"
#include "value.h"

static const char results_sql[] =
    "SELECT indicator, criterion, criterion_title, title, unit, source, organization, organization_name, value,"
    " numerator, denominator, target_text, target_kind, target_value, target_reason, status, message, progress, path_value,"
    " figure FROM cycle_result"
    " WHERE cycle_id = ?1 AND breakdown IS NULL AND (?4 IS NULL OR organization IS NULL OR organization = ?4) ORDER BY rowid";

static const char recommendations_sql[] =
    "SELECT r.addressee, r.organization, COALESCE(o.name, 'муниципалитет') AS organization_name, r.priority, r.indicator, r.text"
    " FROM cycle_recommendation r LEFT JOIN organization o ON o.id = r.organization WHERE r.cycle_id = ?1"
    " AND (?4 IS NULL OR r.organization IS NULL OR r.organization = ?4) ORDER BY r.addressee, r.priority, r.id";

static const char decisions_sql[] =
    "SELECT DISTINCT d.kind, d.number, d.date, d.title, d.link FROM decision_link l JOIN document d ON d.id = l.document_id"
    " WHERE l.cycle_id = ?1 ORDER BY d.date";

static const char effects_sql[] =
    "SELECT m.number, m.title, e.indicator, e.before_value, e.after_value, e.verdict FROM cycle_effect e"
    " JOIN measure m ON m.id = e.measure_id WHERE e.cycle_id = ?1 ORDER BY m.id, e.indicator";

static const char dynamics_sql[] =
    "SELECT c.period, r.indicator, r.value FROM cycle_result r JOIN cycle c ON c.id = r.cycle_id"
    " WHERE c.municipality = (SELECT municipality FROM cycle WHERE id = ?1) AND c.period <= (SELECT period FROM cycle WHERE id = ?1)"
    " AND r.organization IS NULL AND r.breakdown IS NULL ORDER BY r.indicator, c.period";

/* The open problem zones of the cycle (new, or carried and not resolved). */
static const char problems_sql[] =
    "SELECT indicator, organization, CASE WHEN carried_from IS NULL THEN 'new' ELSE 'carried' END AS origin"
    " FROM cycle_problem WHERE cycle_id = ?1 AND (carried_from IS NULL OR resolved = 0)"
    " AND (?4 IS NULL OR organization IS NULL OR organization = ?4) ORDER BY id";

static const char cycle_sql[] =
    "SELECT pack_id, pack_hash, statements, opened_at, run_at, closed_at, title FROM cycle WHERE id = ?1";

static const char organizations_sql[] =
    "SELECT COUNT(*) AS n FROM organization WHERE municipality = ?2 AND (?4 IS NULL OR id = ?4)";

/* ---- the results: criteria > indicators > organizations ---- */

static int same(const char *a, const char *b) { return !strcmp(a ? a : "", b ? b : ""); }

/* Groups the flat result rows into numbered criteria > indicators > organizations. */
static cJSON *criteria_of(cJSON *flat) {
  cJSON *criteria = cJSON_CreateArray(), *row, *crit = NULL, *ind = NULL;
  int ncrit = 0, nind = 0;
  cJSON_ArrayForEach(row, flat) {
    const char *cid = report_str(row, "criterion"), *iid = report_str(row, "indicator");
    if (!crit || !same(report_str(crit, "id"), cid)) {
      crit = cJSON_CreateObject();
      cJSON_AddStringToObject(crit, "id", cid);
      cJSON_AddNumberToObject(crit, "number", ++ncrit);
      cJSON_AddItemToObject(crit, "title", cJSON_Duplicate(cJSON_GetObjectItem(row, "criterion_title"), 0));
      cJSON_AddArrayToObject(crit, "indicators");
      cJSON_AddItemToArray(criteria, crit);
      ind = NULL;
      nind = 0;
    }
    if (!ind || !same(report_str(ind, "id"), iid)) {
      ind = cJSON_CreateObject();
      cJSON_AddStringToObject(ind, "id", iid);
      char number[32];
      snprintf(number, sizeof number, "%d.%d", ncrit, ++nind);
      cJSON_AddStringToObject(ind, "number", number);
      static const char *const copied[] = {"title", "unit", "source", "target_text", "target_kind"};
      for (int i = 0; i < 5; i++) cJSON_AddItemToObject(ind, copied[i], cJSON_Duplicate(cJSON_GetObjectItem(row, copied[i]), 0));
      cJSON_AddArrayToObject(ind, "organizations");
      cJSON_AddItemToArray(cJSON_GetObjectItem(crit, "indicators"), ind);
    }
    cJSON *entry = cJSON_CreateObject();
    static const char *const fields[] = {"organization", "organization_name", "value", "numerator", "denominator",
                                         "target_value", "target_reason", "status", "message", "progress", "path_value",
                                         "figure"};
    for (int i = 0; i < 12; i++) cJSON_AddItemToObject(entry, fields[i], cJSON_Duplicate(cJSON_GetObjectItem(row, fields[i]), 0));
    if (cJSON_IsNull(cJSON_GetObjectItem(row, "organization"))) cJSON_AddItemToObject(ind, "total", entry);
    else cJSON_AddItemToArray(cJSON_GetObjectItem(ind, "organizations"), entry);
  }
  return criteria;
}

/* Attaches each indicator's values over the cycles so far, and how many
 * organizations were judged against a target and how many fell below. */
static void attach_dynamics_and_counts(cJSON *criteria, cJSON *dyn) {
  cJSON *crit, *ind, *row;
  cJSON_ArrayForEach(crit, criteria) {
    cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
      cJSON *series = cJSON_AddArrayToObject(ind, "dynamics");
      cJSON_ArrayForEach(row, dyn) {
        if (!same(report_str(row, "indicator"), report_str(ind, "id"))) continue;
        cJSON *point = cJSON_CreateObject();
        cJSON_AddItemToObject(point, "period", cJSON_Duplicate(cJSON_GetObjectItem(row, "period"), 0));
        cJSON_AddItemToObject(point, "value", cJSON_Duplicate(cJSON_GetObjectItem(row, "value"), 0));
        cJSON_AddItemToArray(series, point);
      }
      int judged = 0, below = 0;
      cJSON_ArrayForEach(row, cJSON_GetObjectItem(ind, "organizations")) {
        judged += report_status_judged(report_str(row, "status"));
        below += report_status_problem(report_str(row, "status"));
      }
      cJSON_AddNumberToObject(ind, "judged", judged);
      cJSON_AddNumberToObject(ind, "below_target", below);
    }
  }
}

/* The indicator of id in criteria, or NULL. */
static cJSON *indicator_of(cJSON *criteria, const char *id) {
  cJSON *crit, *ind;
  cJSON_ArrayForEach(crit, criteria) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators"))
    if (same(report_str(ind, "id"), id)) return ind;
  return NULL;
}

static cJSON *organization_row(cJSON *ind, const char *org) {
  cJSON *o;
  cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations"))
    if (same(report_str(o, "organization"), org)) return o;
  return NULL;
}

/* ---- problem zones, one group per indicator ---- */

static void copy_fields(cJSON *to, cJSON *from, const char *const *fields, int n) {
  for (int i = 0; i < n; i++) {
    cJSON *v = from ? cJSON_GetObjectItem(from, fields[i]) : NULL;
    cJSON_AddItemToObject(to, fields[i], v ? cJSON_Duplicate(v, 0) : cJSON_CreateNull());
  }
}

/* How far below target an indicator's problem is, for ordering: a missed
 * municipal target comes first, by how much of the target is missing; then
 * by the share of organizations below target. */
static double severity(cJSON *group) {
  cJSON *total = cJSON_GetObjectItem(group, "total");
  double share = report_number(group, "judged") > 0 ? report_number(group, "below") / report_number(group, "judged") : 0;
  if (!cJSON_IsTrue(cJSON_GetObjectItem(group, "municipal"))) return share;
  const char *kind = report_str(group, "target_kind");
  if (report_has(total, "value") && report_has(total, "target_value") && report_number(total, "target_value") > 0 &&
      (!strcmp(kind, "at_least") || !strcmp(kind, "trajectory"))) {
    double gap = 1 - report_number(total, "value") / report_number(total, "target_value");
    return 2 + (gap < 0 ? 0 : gap > 1 ? 1 : gap);
  }
  return 2 + share * 0.5;
}

typedef struct ranked {
  double severity;
  cJSON *group;
} ranked;

static int by_severity(const void *a, const void *b) {
  double x = ((const ranked *)a)->severity, y = ((const ranked *)b)->severity;
  return x < y ? 1 : x > y ? -1 : 0;
}

/* Where most organizations are below target, names the few that are not
 * (not_below), so a reader is told «все, кроме ...». */
static void name_the_rest(cJSON *criteria, cJSON *groups) {
  cJSON *g, *o, *b;
  cJSON_ArrayForEach(g, groups) {
    if (report_number(g, "below") * 2 <= report_number(g, "judged")) continue;
    cJSON *rest = cJSON_AddArrayToObject(g, "not_below");
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(indicator_of(criteria, report_str(g, "indicator")), "organizations")) {
      if (!report_status_judged(report_str(o, "status"))) continue;
      int below = 0;
      cJSON_ArrayForEach(b, cJSON_GetObjectItem(g, "organizations")) below |= same(report_str(b, "organization"), report_str(o, "organization"));
      if (!below) cJSON_AddItemToArray(rest, cJSON_CreateString(report_str(o, "organization_name")));
    }
  }
}

/* The problem zones grouped by indicator: the municipality's own miss and
 * the organizations below target named, ordered by severity. */
static cJSON *problem_groups(cJSON *criteria, cJSON *rows) {
  cJSON *groups = cJSON_CreateArray(), *row;
  cJSON_ArrayForEach(row, rows) {
    const char *id = report_str(row, "indicator");
    cJSON *ind = indicator_of(criteria, id), *group = NULL, *g;
    if (!ind) continue;
    cJSON_ArrayForEach(g, groups) if (same(report_str(g, "indicator"), id)) group = g;
    if (!group) {
      group = cJSON_CreateObject();
      cJSON_AddStringToObject(group, "indicator", id);
      static const char *const fields[] = {"number", "title", "unit", "target_kind", "target_text"};
      copy_fields(group, ind, fields, 5);
      cJSON *total = cJSON_AddObjectToObject(group, "total");
      static const char *const values[] = {"value", "target_value", "target_reason", "status", "progress", "path_value"};
      copy_fields(total, cJSON_GetObjectItem(ind, "total"), values, 6);
      cJSON_AddBoolToObject(group, "municipal", 0);
      cJSON_AddNumberToObject(group, "judged", report_number(ind, "judged"));
      cJSON_AddNumberToObject(group, "below", 0);
      cJSON_AddNumberToObject(group, "carried", 0);
      cJSON_AddArrayToObject(group, "organizations");
      cJSON_AddItemToArray(groups, group);
    }
    int carried = !strcmp(report_str(row, "origin"), "carried");
    const char *org = cJSON_GetStringValue(cJSON_GetObjectItem(row, "organization"));
    if (carried && (!org || report_status_problem(report_str(organization_row(ind, org), "status"))))
      cJSON_SetNumberValue(cJSON_GetObjectItem(group, "carried"), report_number(group, "carried") + 1);
    if (!org) {
      cJSON_ReplaceItemInObject(group, "municipal", cJSON_CreateTrue());
      continue;
    }
    cJSON *result = organization_row(ind, org), *entry = cJSON_CreateObject();
    cJSON_AddStringToObject(entry, "organization", org);
    static const char *const values[] = {"organization_name", "value", "target_value", "target_reason", "status", "progress"};
    copy_fields(entry, result, values, 6);
    cJSON_AddStringToObject(entry, "origin", carried ? "carried" : "new");
    /* a problem carried from the last cycle that this cycle could not judge
     * (no data now) is not below target: it is listed apart */
    int below = report_status_problem(report_str(result, "status"));
    cJSON *list = cJSON_GetObjectItem(group, below ? "organizations" : "unjudged");
    if (!list) list = cJSON_AddArrayToObject(group, "unjudged");
    cJSON_AddItemToArray(list, entry);
    if (below) cJSON_SetNumberValue(cJSON_GetObjectItem(group, "below"), report_number(group, "below") + 1);
  }
  name_the_rest(criteria, groups);
  int n = cJSON_GetArraySize(groups);
  ranked *sorted = n > 0 ? malloc((size_t)n * sizeof *sorted) : NULL;
  if (!sorted) return groups;
  int i = 0;
  while (groups->child) {
    cJSON *g = cJSON_DetachItemViaPointer(groups, groups->child);
    sorted[i++] = (ranked){severity(g), g};
  }
  qsort(sorted, (size_t)n, sizeof *sorted, by_severity);
  for (i = 0; i < n; i++) {
    cJSON_AddNumberToObject(sorted[i].group, "severity", round(sorted[i].severity * 1000) / 1000);
    cJSON_AddItemToArray(groups, sorted[i].group);
  }
  free(sorted);
  return groups;
}

/* For one school's page: drops other organizations' rows from the
 * analysis (its own rank and the municipality's rows stay). */
static void only_organization(cJSON *analysis, const char *org) {
  static const char *const lists[] = {"problem_zones", "ranking", "ratings"};
  for (int i = 0; i < 3; i++) {
    cJSON *list = cJSON_GetObjectItem(analysis, lists[i]);
    for (cJSON *row = list ? list->child : NULL; row;) {
      cJSON *next = row->next;
      const char *o = cJSON_GetStringValue(cJSON_GetObjectItem(row, "organization"));
      if (o && strcmp(o, org)) cJSON_Delete(cJSON_DetachItemViaPointer(list, row));
      row = next;
    }
  }
}

/* ---- dates ---- */

/* iso plus days (days may be negative), as ISO. */
static void add_days(const char *iso, int days, char out[11]) {
  struct tm tm = {0};
  tm.tm_year = atoi(iso) - 1900;
  tm.tm_mon = atoi(iso + 5) - 1;
  tm.tm_mday = atoi(iso + 8) + days;
  tm.tm_hour = 12; /* away from daylight-saving edges */
  tm.tm_isdst = -1;
  mktime(&tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The quarter after as_of: from the next day for three months. */
static void next_quarter(const char *as_of, char from[11], char to[11]) {
  add_days(as_of, 1, from);
  struct tm tm = {0};
  tm.tm_year = atoi(from) - 1900;
  tm.tm_mon = atoi(from + 5) - 1 + 3;
  tm.tm_mday = atoi(from + 8) - 1;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  mktime(&tm);
  strftime(to, 11, "%Y-%m-%d", &tm);
}

/* ---- the summary on page one ---- */

/* Adds one to counts[key]. */
static void count_in(cJSON *counts, const char *key) {
  cJSON *count = cJSON_GetObjectItem(counts, key);
  if (count) cJSON_SetNumberValue(count, count->valuedouble + 1);
  else cJSON_AddNumberToObject(counts, key, 1);
}

/* Counts the subject's statuses (the municipality's totals, or one
 * organization's rows) by criterion and over all. */
static void summarize_statuses(cJSON *summary, cJSON *criteria, const char *org) {
  cJSON *by_status = cJSON_AddObjectToObject(summary, "by_status");
  cJSON *by_progress = cJSON_AddObjectToObject(summary, "by_progress");
  cJSON *per_criterion = cJSON_AddArrayToObject(summary, "criteria");
  cJSON *crit, *ind;
  int indicators = 0;
  cJSON_ArrayForEach(crit, criteria) {
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "number", cJSON_Duplicate(cJSON_GetObjectItem(crit, "number"), 0));
    cJSON_AddItemToObject(c, "title", cJSON_Duplicate(cJSON_GetObjectItem(crit, "title"), 0));
    cJSON *statuses = cJSON_AddArrayToObject(c, "statuses");
    cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
      cJSON *row = org ? organization_row(ind, org) : cJSON_GetObjectItem(ind, "total");
      const char *s = row ? report_str(row, "status") : "no_data";
      cJSON_AddItemToArray(statuses, cJSON_CreateString(row ? report_judgement(row) : "no_data"));
      count_in(by_status, s);
      if (!strcmp(s, "in_progress") && report_has_text(row, "progress")) count_in(by_progress, report_str(row, "progress"));
      indicators++;
    }
    cJSON_AddItemToArray(per_criterion, c);
  }
  cJSON_AddNumberToObject(summary, "indicators", indicators);
}

/* Is the occurrence one whole calendar year (a continuing activity)? */
static int whole_year(cJSON *occ) {
  const char *from = report_str(occ, "from"), *to = report_str(occ, "to");
  return strlen(from) == 10 && strlen(to) == 10 && !strncmp(from, to, 4) && !strcmp(from + 4, "-01-01") &&
         !strcmp(to + 4, "-12-31");
}

/* The measures with a date in the quarter after as_of (continuing,
 * year-long activities are counted apart), and how many are overdue. */
static void summarize_measures(cJSON *summary, cJSON *measures, const char *as_of) {
  char from[11], to[11];
  next_quarter(as_of, from, to);
  cJSON *q = cJSON_AddObjectToObject(summary, "next_quarter");
  cJSON_AddStringToObject(q, "from", from);
  cJSON_AddStringToObject(q, "to", to);
  cJSON *due = cJSON_AddArrayToObject(q, "measures");
  int continuing = 0, overdue = 0, done = 0;
  cJSON *m, *o;
  cJSON_ArrayForEach(m, measures) {
    overdue += !strcmp(report_str(m, "state"), "overdue");
    done += !strcmp(report_str(m, "state"), "done");
    int listed = 0, goes_on = 0;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(m, "occurrences")) {
      if (!strcmp(report_str(o, "state"), "done") || listed) continue;
      const char *of = report_has_text(o, "from") ? report_str(o, "from") : report_str(o, "to");
      if (strcmp(of, to) > 0 || strcmp(report_str(o, "to"), from) < 0) continue;
      if (whole_year(o)) {
        goes_on = 1;
        continue;
      }
      cJSON *entry = cJSON_CreateObject();
      static const char *const fields[] = {"id", "number", "title", "responsible"};
      copy_fields(entry, m, fields, 4);
      cJSON_AddItemToObject(entry, "from", cJSON_Duplicate(cJSON_GetObjectItem(o, "from"), 0));
      cJSON_AddItemToObject(entry, "to", cJSON_Duplicate(cJSON_GetObjectItem(o, "to"), 0));
      cJSON_AddItemToArray(due, entry);
      listed = 1;
    }
    continuing += goes_on && !listed;
  }
  cJSON_AddNumberToObject(q, "continuing", continuing);
  cJSON_AddNumberToObject(summary, "measures", cJSON_GetArraySize(measures));
  cJSON_AddNumberToObject(summary, "measures_overdue", overdue);
  cJSON_AddNumberToObject(summary, "measures_done", done);
}

/* How far behind its linear path a result in progress is (0 when on it). */
static double lag(cJSON *row) {
  if (!report_has(row, "path_value") || report_number(row, "path_value") <= 0) return 0.5;
  double v = 1 - report_number(row, "value") / report_number(row, "path_value");
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

static void add_top(cJSON *top, const char *indicator, const char *why, double lag_value) {
  cJSON *p = cJSON_CreateObject();
  cJSON_AddStringToObject(p, "indicator", indicator);
  cJSON_AddStringToObject(p, "why", why);
  if (lag_value >= 0) cJSON_AddNumberToObject(p, "lag", round(lag_value * 1000) / 1000);
  cJSON_AddItemToArray(top, p);
}

/* The five most serious problems: the subject's missed targets first (the
 * problem zones in their order of severity), then its results furthest
 * behind the linear path to a target due later, then the targets the
 * municipality's organizations missed. */
static cJSON *top_problems(cJSON *root, const char *org) {
  cJSON *top = cJSON_CreateArray(), *g, *crit, *ind;
  int n = 0;
  /* 1: missed targets of the subject itself (the municipality, or the school) */
  cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "problems")) {
    int own = org ? cJSON_GetArraySize(cJSON_GetObjectItem(g, "organizations")) > 0 : cJSON_IsTrue(cJSON_GetObjectItem(g, "municipal"));
    if (n < 5 && own) add_top(top, report_str(g, "indicator"), "not_met", -1), n++;
  }
  /* 2: the results furthest behind the linear path to a later target */
  ranked behind[512];
  int nb = 0;
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    cJSON *row = org ? organization_row(ind, org) : cJSON_GetObjectItem(ind, "total");
    if (row && !strcmp(report_judgement(row), "behind") && nb < 512) behind[nb++] = (ranked){lag(row), ind};
  }
  qsort(behind, (size_t)nb, sizeof *behind, by_severity);
  for (int i = 0; i < nb && n < 5; i++, n++) add_top(top, report_str(behind[i].group, "id"), "behind", behind[i].severity);
  /* 3: for the municipality, the targets its organizations missed */
  cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "problems"))
    if (!org && n < 5 && !cJSON_IsTrue(cJSON_GetObjectItem(g, "municipal"))) add_top(top, report_str(g, "indicator"), "not_met", -1), n++;
  return top;
}

static cJSON *summary_of(cJSON *root, const char *org, const char *as_of, double organizations) {
  cJSON *summary = cJSON_CreateObject();
  summarize_statuses(summary, cJSON_GetObjectItem(root, "criteria"), org);
  cJSON_AddNumberToObject(summary, "organizations", organizations);
  cJSON_AddItemToObject(summary, "top_problems", top_problems(root, org));
  cJSON_AddNumberToObject(summary, "problem_indicators", cJSON_GetArraySize(cJSON_GetObjectItem(root, "problems")));
  summarize_measures(summary, cJSON_GetObjectItem(root, "measures"), as_of);
  cJSON_AddNumberToObject(summary, "decisions", cJSON_GetArraySize(cJSON_GetObjectItem(root, "decisions")));
  return summary;
}

/* ---- the cycle's header: names, dates, technical record ---- */

/* The municipality's name for people: the pack's manifest
 * (municipality_name), else the store's (pdmon init --municipality-name)
 * when it is the store's municipality; "" when neither names it. */
static void municipality_name(sqlite3 *db, const cycle_ref *c, cJSON *plan, char *buf, size_t len) {
  const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(plan, "municipality_name"));
  buf[0] = '\0';
  if (name && name[0]) {
    snprintf(buf, len, "%s", name);
    return;
  }
  char code[256] = "";
  store_meta_get(db, "municipality", code, sizeof code);
  if (!strcmp(code, c->municipality)) store_meta_get(db, "municipality_name", buf, len);
}

/* An organization's name, or "" when the store has none of that id in the
 * cycle's municipality. */
static void organization_name(sqlite3 *db, const cycle_ref *c, const char *org, char *buf, size_t len) {
  sqlite3_stmt *st;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, "SELECT name FROM organization WHERE id = ?1 AND municipality = ?2", -1, &st, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_text(st, 1, org, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, c->municipality, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
}

static void describe_cycle(sqlite3 *db, const cycle_ref *c, cJSON *cycle, const char *as_of) {
  char name[512], today[16], from[16], to[16];
  municipality_name(db, c, cJSON_GetObjectItem(cycle, "plan"), name, sizeof name);
  cJSON_AddStringToObject(cycle, "municipality_name", name);
  snprintf(from, sizeof from, "%04d-01-01", c->period);
  snprintf(to, sizeof to, "%04d-12-31", c->period);
  cJSON_AddStringToObject(cycle, "period_from", from);
  cJSON_AddStringToObject(cycle, "period_to", to);
  cJSON_AddStringToObject(cycle, "as_of", as_of);
  cJSON_AddStringToObject(cycle, "generated", ru_today_iso(today, sizeof today));
  cJSON *rows = analysis_rows(db, c, NULL, cycle_sql), *row = cJSON_GetArrayItem(rows, 0);
  static const char *const fields[] = {"pack_id", "pack_hash", "statements", "opened_at", "run_at", "closed_at", "title"};
  copy_fields(cycle, row, fields, 7);
  cJSON_Delete(rows);
}

/* ---- names for codes the store keeps ---- */

/* The document of id as {kind, number, date, title}, or NULL. */
static cJSON *document_of(sqlite3 *db, const char *id) {
  sqlite3_stmt *st;
  cJSON *doc = NULL;
  if (!id || !id[0] || sqlite3_prepare_v2(db, "SELECT kind, number, date, title FROM document WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    doc = cJSON_CreateObject();
    static const char *const fields[] = {"kind", "number", "date", "title"};
    for (int i = 0; i < 4; i++) {
      const unsigned char *v = sqlite3_column_text(st, i);
      if (v) cJSON_AddStringToObject(doc, fields[i], (const char *)v);
      else cJSON_AddNullToObject(doc, fields[i]);
    }
  }
  sqlite3_finalize(st);
  return doc;
}

/* Adds evidence_document beside each evidence id of the measures and
 * their occurrences, so a reader sees «приказ № 5 от ...», not an id. */
static void describe_evidence(sqlite3 *db, cJSON *measures) {
  cJSON *m, *o;
  cJSON_ArrayForEach(m, measures) {
    cJSON *doc = document_of(db, report_str(m, "evidence"));
    if (doc) cJSON_AddItemToObject(m, "evidence_document", doc);
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(m, "occurrences")) {
      doc = document_of(db, report_str(o, "evidence"));
      if (doc) cJSON_AddItemToObject(o, "evidence_document", doc);
    }
  }
}

/* Adds municipality_name to the rows comparing municipalities: the name
 * each one's own cycle recorded from its pack. */
static void name_municipalities(sqlite3 *db, const cycle_ref *c, cJSON *rows) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT json_extract(goals, '$.municipality_name') FROM cycle WHERE municipality = ?1"
                             " AND period = ?2", -1, &st, NULL) != SQLITE_OK)
    return;
  cJSON *row;
  cJSON_ArrayForEach(row, rows) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, report_str(row, "municipality"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, c->period);
    const unsigned char *name = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    if (name) cJSON_AddStringToObject(row, "municipality_name", (const char *)name);
    else cJSON_AddNullToObject(row, "municipality_name");
  }
  sqlite3_finalize(st);
}

/* ---- the model ---- */

void *report_build(sqlite3 *db, const cycle_ref *c, const report_options *opt, char *err, size_t errlen) {
  report_options none = {0};
  if (!opt) opt = &none;
  char as_of[11], name[512] = "";
  if (opt->as_of) {
    if (value_parse_date(opt->as_of, as_of) != 0) {
      snprintf(err, errlen, _("--as-of: not a date (write 2023-12-31 or 31.12.2023) (%s)"), opt->as_of);
      return NULL;
    }
  } else {
    snprintf(as_of, sizeof as_of, "%04d-12-31", c->period);
  }
  const char *org = opt->organization;
  if (org) {
    organization_name(db, c, org, name, sizeof name);
    if (!name[0]) {
      snprintf(err, errlen, _("--org: no organization '%s' in municipality %s ('pdmon eval' lists them)"), org, c->municipality);
      return NULL;
    }
  }
  cJSON *root = cJSON_CreateObject();
  cJSON_AddNumberToObject(root, "format_version", 1);
  cJSON *status = assessment_build(db, c);
  cJSON *cycle = cJSON_Duplicate(cJSON_GetObjectItem(status, "cycle"), 1);
  describe_cycle(db, c, cycle, as_of);
  cJSON_AddItemToObject(root, "cycle", cycle);
  if (org) {
    cJSON_AddStringToObject(root, "organization", org);
    cJSON_AddStringToObject(root, "organization_name", name);
  }
  cJSON *flat = analysis_rows(db, c, org, results_sql);
  cJSON *criteria = criteria_of(flat);
  cJSON_Delete(flat);
  cJSON *dyn = analysis_rows(db, c, NULL, dynamics_sql);
  attach_dynamics_and_counts(criteria, dyn);
  cJSON_Delete(dyn);
  cJSON_AddItemToObject(root, "criteria", criteria);
  cJSON *problems = analysis_rows(db, c, org, problems_sql);
  cJSON_AddItemToObject(root, "problems", problem_groups(criteria, problems));
  cJSON_Delete(problems);
  cJSON *analysis = analysis_build(db, c);
  cJSON_DeleteItemFromObject(analysis, "cycle");
  if (org) only_organization(analysis, org);
  name_municipalities(db, c, cJSON_GetObjectItem(analysis, "municipalities"));
  cJSON_AddItemToObject(root, "analysis", analysis);
  cJSON_AddItemToObject(root, "recommendations", analysis_rows(db, c, org, recommendations_sql));
  char inner[256];
  cJSON *measures = roadmap_states(db, NULL, c->id, c->period, as_of, inner, sizeof inner);
  if (measures) describe_evidence(db, measures);
  cJSON_AddItemToObject(root, "measures", measures ? measures : cJSON_CreateArray());
  cJSON_AddItemToObject(root, "decisions", analysis_rows(db, c, NULL, decisions_sql));
  cJSON_AddItemToObject(root, "effects", analysis_rows(db, c, NULL, effects_sql));
  cJSON_AddItemToObject(root, "components", cJSON_Duplicate(cJSON_GetObjectItem(status, "components"), 1));
  cJSON_AddItemToObject(root, "self_assessment", cJSON_Duplicate(cJSON_GetObjectItem(status, "self_assessment"), 1));
  cJSON_Delete(status);
  cJSON *count = analysis_rows(db, c, org, organizations_sql);
  double organizations = report_number(cJSON_GetArrayItem(count, 0), "n");
  cJSON_Delete(count);
  cJSON_AddItemToObject(root, "summary", summary_of(root, org, as_of, organizations));
  return root;
}

int report_write(sqlite3 *db, const cycle_ref *c, const char *format, const report_options *opt, FILE *out,
                 char *err, size_t errlen) {
  if (strcmp(format, "html") && strcmp(format, "md") && strcmp(format, "json") && strcmp(format, "csv")) {
    snprintf(err, errlen, _("unknown format '%s'; expected html, md, json, csv or xlsx"), format);
    return -1;
  }
  if (!strcmp(c->state, "open")) {
    snprintf(err, errlen, _("cycle %lld (%d): the monitoring has not run yet; run 'pdmon cycle run' first"), c->id, c->period);
    return -1;
  }
  cJSON *root = report_build(db, c, opt, err, errlen);
  if (!root) return -1;
  if (!strcmp(format, "json")) {
    char *text = cJSON_PrintUnformatted(root);
    fprintf(out, "%s\n", text);
    cJSON_free(text);
  } else if (!strcmp(format, "md")) {
    report_md(root, out);
  } else if (!strcmp(format, "csv")) {
    report_csv(root, opt && opt->plain, out);
  } else {
    report_html(root, out);
  }
  cJSON_Delete(root);
  if (ferror(out)) {
    snprintf(err, errlen, _("cannot write the report"));
    return -1;
  }
  return 0;
}

/* ---- the report's look, shared with the web workplace ---- */

const char *report_css(void) { return report_html_css(); }
