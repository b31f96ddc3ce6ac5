/* evaluate.c: runs a rule pack's indicators for one period against the store, each indicator in
 * its own protected call so that a broken rule fails alone, and gathers the results. The
 * promises are in evaluate.h. */
#include "evaluate.h"

#include <cJSON.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "lua_store.h"
#include "pack.h"
#include "rule_view.h"

/* Copies the string field of the table at index, or NULL. */
static char *dup_field(lua_State *L, int index, const char *field) {
  char *copy = NULL;
  if (lua_getfield(L, index, field) == LUA_TSTRING) copy = strdup(lua_tostring(L, -1));
  lua_pop(L, 1);
  return copy;
}

/* Reads a numeric field; returns 1 when present. */
static int number_field(lua_State *L, int index, const char *field, double *out) {
  int present = lua_getfield(L, index, field) == LUA_TNUMBER;
  if (present) *out = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return present;
}

/* The id of the indicator described at desc. These functions run inside
 * sandbox_protected: a rule that changed an indicator's id after declaring
 * it gets an error here, not a NULL in the core. */
static const char *id_of(lua_State *L, int desc) {
  lua_getfield(L, desc, "id");
  const char *id = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  if (!id) luaL_error(L, _("an indicator's id is a %s, not a string (was it changed after it was declared?)"),
                      luaL_typename(L, -1));
  lua_pop(L, 1); /* the string stays alive in the description */
  return id;
}

/* Fills the indicator's description into a new row of out. */
static result_row *describe_row(result_set *out, lua_State *L, int desc) {
  const char *id = id_of(L, desc);
  result_row *r = results_append(out);
  if (!r) return NULL;
  r->indicator = strdup(id);
  r->criterion = dup_field(L, desc, "criterion");
  r->title = dup_field(L, desc, "title");
  r->unit = dup_field(L, desc, "unit");
  r->criterion_title = dup_field(L, desc, "criterion_title");
  r->source = dup_field(L, desc, "source");
  r->level = dup_field(L, desc, "level");
  r->reading = dup_field(L, desc, "reading");
  r->deadline = dup_field(L, desc, "deadline");
  return r;
}

/* Reads { value, numerator, denominator } of the table field of the row at
 * index into out; returns 1 when the field is a table. */
static int figure_field(lua_State *L, int index, const char *field, double out[3], int *since) {
  int present = lua_getfield(L, index, field) == LUA_TTABLE;
  if (present) {
    int t = lua_gettop(L);
    out[0] = out[1] = out[2] = NAN;
    number_field(L, t, "value", &out[0]);
    number_field(L, t, "numerator", &out[1]);
    number_field(L, t, "denominator", &out[2]);
    double first = 0;
    if (since && number_field(L, t, "since", &first)) *since = (int)first;
  }
  lua_pop(L, 1);
  return present;
}

/* Converts one row table (at index row) returned by dsl.evaluate. */
static void convert_row(lua_State *L, int row, result_row *r) {
  r->organization = dup_field(L, row, "organization");
  r->organization_name = dup_field(L, row, "organization_name");
  r->breakdown = dup_field(L, row, "breakdown");
  r->group = dup_field(L, row, "group");
  r->message = dup_field(L, row, "message");
  r->has_value = number_field(L, row, "value", &r->value);
  r->has_counts = number_field(L, row, "numerator", &r->numerator);
  r->has_denominator = number_field(L, row, "denominator", &r->denominator);
  r->progress = dup_field(L, row, "progress");
  r->figure = dup_field(L, row, "figure");
  r->has_path_value = number_field(L, row, "path_value", &r->path_value);
  r->has_base_value = number_field(L, row, "base_value", &r->base_value);
  r->has_growth = number_field(L, row, "growth", &r->growth);
  r->has_yearly = figure_field(L, row, "yearly", r->yearly, NULL);
  r->has_cumulative = figure_field(L, row, "cumulative", r->cumulative, &r->cumulative_since);
  char *status = dup_field(L, row, "status");
  if (!status || result_status_parse(status, &r->status) != 0) r->status = STATUS_ERROR;
  free(status);
  if (lua_getfield(L, row, "target") == LUA_TTABLE) {
    int t = lua_gettop(L);
    r->target_text = dup_field(L, t, "text");
    r->target_kind = dup_field(L, t, "kind");
    r->target_reason = dup_field(L, t, "reason");
    r->has_target_value = number_field(L, t, "value", &r->target_value);
    r->target_origin = dup_field(L, t, "origin");
    double year = 0;
    if (number_field(L, t, "year", &year)) r->target_year = (int)year;
    if (number_field(L, t, "base_year", &year)) r->base_year = (int)year;
  }
  lua_pop(L, 1);
}

/* Evaluates the indicator described at desc; a failure becomes one row
 * with status error and the message, and the evaluation goes on. */
static int evaluate_indicator(const pack *p, const evaluate_options *opt, int desc, int ctx,
                              result_set *out, size_t *evaluated, size_t *org_rows) {
  lua_State *L = sandbox_lua(p->sb);
  char err[1024];
  if (sandbox_spent(p->sb)) { /* an earlier indicator spent the evaluation's budget */
    result_row *r = describe_row(out, L, desc);
    if (!r) return -1;
    r->status = STATUS_ERROR;
    snprintf(err, sizeof err, _("not evaluated: the evaluation's budget was spent before this indicator (%s)"),
             sandbox_spent_reason(p->sb));
    r->message = strdup(err);
    return 0;
  }
  pack_push_call(p, "evaluate");
  lua_getfield(L, desc, "id");
  lua_pushvalue(L, ctx);
  if (sandbox_call(p->sb, 3, 1, err, sizeof err) != LUA_OK) {
    result_row *r = describe_row(out, L, desc);
    if (!r) return -1;
    r->status = STATUS_ERROR;
    r->message = strdup(err);
    return 0;
  }
  (*evaluated)++;
  int rows = lua_gettop(L);
  lua_Integer n = luaL_len(L, rows);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, rows, i);
    char *org = dup_field(L, -1, "organization");
    int wanted = !opt->organization || (org && strcmp(org, opt->organization) == 0);
    free(org);
    if (wanted) {
      result_row *r = describe_row(out, L, desc);
      if (!r) return -1;
      convert_row(L, lua_gettop(L), r);
      if (r->organization) (*org_rows)++;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return 0;
}

/* Opens the rules' view of the store: the municipality the core chose
 * (opt->municipality, else the store's own), or every municipality when
 * the core asked for a region-wide run. The pack's manifest never chooses;
 * a manifest naming another municipality is refused as a mistake. */
static int open_view(const pack *p, const evaluate_options *opt, rule_view **view, char *err, size_t errlen) {
  if (opt->all_municipalities) {
    if (p->municipality[0]) {
      snprintf(err, errlen, _("%s/pack.lua: a pack of municipality %s cannot evaluate the whole region"), p->dir,
               p->municipality);
      return -1;
    }
    return rule_view_open_all(opt->store_path, view, err, errlen);
  }
  if (rule_view_open(opt->store_path, opt->municipality, view, err, errlen) != 0) return -1;
  const char *m = rule_view_municipality(*view);
  if (p->municipality[0] && strcmp(p->municipality, m) != 0) {
    snprintf(err, errlen, _("%s/pack.lua: the pack is written for municipality %s, but the store's rows are %s's;"
                            " evaluate it on its own municipality's store (a pack never chooses whose rows it reads)"),
             p->dir, p->municipality, m);
    rule_view_close(*view);
    *view = NULL;
    return -1;
  }
  return 0;
}

/* 1 when the view holds any organization, community or document: a
 * municipality the store knows nothing of would otherwise be judged
 * "no data" on every indicator. */
static int sees_any_rows(rule_view *view) {
  sqlite3_stmt *st;
  char err[256];
  int any = 0;
  if (rule_view_prepare(view, "SELECT EXISTS (SELECT 1 FROM organization) OR EXISTS (SELECT 1 FROM community)"
                              " OR EXISTS (SELECT 1 FROM document)", &st, err, sizeof err) != 0)
    return 1; /* the evaluation itself will say what is wrong */
  if (sqlite3_step(st) == SQLITE_ROW) any = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return any;
}

/* The message for a municipality the store has no rows of, naming the
 * municipalities it does have (a few). */
static void absent_municipality(const char *path, const char *municipality, char *err, size_t errlen) {
  char known[512] = "";
  size_t used = 0;
  sqlite3 *db;
  sqlite3_stmt *st;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT DISTINCT municipality FROM organization ORDER BY 1 LIMIT 6", -1, &st, NULL) == SQLITE_OK) {
    for (int n = 0; sqlite3_step(st) == SQLITE_ROW && used < sizeof known; n++)
      used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", n ? ", " : "",
                               n < 5 ? (const char *)sqlite3_column_text(st, 0) : "...");
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  if (known[0])
    snprintf(err, errlen, _("%s: the store has no organizations, communities or documents of municipality '%s'"
                            " (it has: %s)"), path, municipality, known);
  else
    snprintf(err, errlen, _("%s: the store has no organizations, communities or documents of municipality '%s'"
                            " (import the municipality's data first)"), path, municipality);
}

/* Pushes the evaluation context {db = the rules' view, period = year} and
 * records whose rows it holds in out. */
static int push_context(const pack *p, const evaluate_options *opt, result_set *out, char *err, size_t errlen) {
  lua_State *L = sandbox_lua(p->sb);
  lua_createtable(L, 0, 2);
  lua_store_push(L);
  rule_view *view;
  if (open_view(p, opt, &view, err, errlen) != 0) {
    lua_pop(L, 2);
    return -1;
  }
  lua_store_attach(L, -1, view);
  if (!opt->all_municipalities && !sees_any_rows(view)) {
    absent_municipality(opt->store_path, rule_view_municipality(view), err, errlen);
    lua_pop(L, 2); /* the view goes with the store handle that owns it now */
    return -1;
  }
  sandbox_add_budget(p->sb, rule_view_budget(view)); /* one evaluation: grows with the data */
  if (out && !out->municipality && !opt->all_municipalities) out->municipality = strdup(rule_view_municipality(view));
  lua_setfield(L, -2, "db");
  lua_pushinteger(L, opt->period);
  lua_setfield(L, -2, "period");
  return 0;
}

/* Runs dsl.prepare for the selected indicators: the shared scans. A
 * failure there is reported on every indicator, not as a crash. */
static int prepare(const pack *p, const evaluate_options *opt, int ctx, int list, result_set *out,
                   char *err, size_t errlen) {
  lua_State *L = sandbox_lua(p->sb);
  pack_push_call(p, "prepare");
  lua_pushvalue(L, ctx);
  if (opt->indicator) {
    lua_createtable(L, 1, 0);
    lua_pushstring(L, opt->indicator);
    lua_rawseti(L, -2, 1);
  } else {
    lua_pushnil(L);
  }
  char message[1024];
  if (sandbox_call(p->sb, 3, 1, message, sizeof message) != LUA_OK) {
    for (lua_Integer i = 1; i <= luaL_len(L, list); i++) {
      lua_rawgeti(L, list, i);
      result_row *r = describe_row(out, L, lua_gettop(L));
      lua_pop(L, 1);
      if (!r) { snprintf(err, errlen, _("out of memory")); return -1; }
      r->status = STATUS_ERROR;
      r->message = strdup(message);
    }
    return 1;
  }
  out->statements = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return 0;
}

/* Lists the pack's indicator ids after "the pack has:" for a message. */
static void list_ids(lua_State *L, int list, char *buf, size_t buflen) {
  size_t o = 0;
  buf[0] = '\0';
  for (lua_Integer i = 1; i <= luaL_len(L, list) && o < buflen; i++) {
    lua_rawgeti(L, list, i);
    o += (size_t)snprintf(buf + o, buflen - o, "%s%s", o ? ", " : "", id_of(L, lua_gettop(L)));
    lua_pop(L, 1);
  }
}

/* Calls dsl.NAME(pack, ctx), which returns a list, and allocates *items
 * for its n entries (size each). Leaves the list on the stack. Returns the
 * count, or -1 with err. */
static long call_list(const pack *p, int ctx, const char *name, void **items, size_t size, char *err, size_t errlen) {
  lua_State *L = sandbox_lua(p->sb);
  pack_push_call(p, name);
  lua_pushvalue(L, ctx);
  if (sandbox_call(p->sb, 2, 1, err, errlen) != LUA_OK) return -1;
  size_t n = (size_t)luaL_len(L, -1);
  *items = n ? calloc(n, size) : NULL;
  if (n && !*items) {
    lua_pop(L, 1);
    snprintf(err, errlen, _("out of memory"));
    return -1;
  }
  return (long)n;
}

/* Runs the pack's recommendation rules over the evaluated rows. A broken
 * rule is reported as an error of the whole recommendation step. */
static int collect_recommendations(const pack *p, int ctx, result_set *out, char *err, size_t errlen) {
  lua_State *L = sandbox_lua(p->sb);
  void *items;
  long n = call_list(p, ctx, "recommend", &items, sizeof *out->recommendations, err, errlen);
  if (n < 0) return -1;
  out->recommendations = items;
  for (long i = 0; i < n; i++) {
    lua_rawgeti(L, -1, i + 1);
    int item = lua_gettop(L);
    recommendation *r = &out->recommendations[out->nrecommendations++];
    r->indicator = dup_field(L, item, "indicator");
    r->organization = dup_field(L, item, "organization");
    r->addressee = dup_field(L, item, "addressee");
    r->text = dup_field(L, item, "text");
    double priority = 2;
    number_field(L, item, "priority", &priority);
    r->priority = (int)priority;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return 0;
}

/* Computes the pack's composite ratings from the evaluated rows. */
static int collect_ratings(const pack *p, int ctx, result_set *out, char *err, size_t errlen) {
  lua_State *L = sandbox_lua(p->sb);
  void *items;
  long n = call_list(p, ctx, "ratings", &items, sizeof *out->ratings, err, errlen);
  if (n < 0) return -1;
  out->ratings = items;
  for (long i = 0; i < n; i++) {
    lua_rawgeti(L, -1, i + 1);
    int item = lua_gettop(L);
    rating_row *r = &out->ratings[out->nratings++];
    r->rating = dup_field(L, item, "rating");
    r->title = dup_field(L, item, "title");
    r->organization = dup_field(L, item, "organization");
    r->organization_name = dup_field(L, item, "organization_name");
    number_field(L, item, "score", &r->score);
    double rank = 0, covered = 0, weighted = 0;
    number_field(L, item, "rank", &rank);
    number_field(L, item, "covered", &covered);
    number_field(L, item, "weighted", &weighted);
    r->rank = (int)rank;
    r->covered = (int)covered;
    r->weighted = (int)weighted;
    r->method = dup_field(L, item, "method");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return 0;
}

/* Evaluates every indicator of the loaded pack that opt selects. */
static int evaluate_all(const pack *p, const evaluate_options *opt, result_set *out,
                        char *err, size_t errlen) {
  lua_State *L = sandbox_lua(p->sb);
  if (push_context(p, opt, out, err, errlen) != 0) return -1;
  const char *municipality = out->municipality;
  int ctx = lua_gettop(L);
  pack_push_call(p, "indicators");
  if (sandbox_call(p->sb, 1, 1, err, errlen) != LUA_OK) return -1;
  int list = lua_gettop(L);
  int prepared = prepare(p, opt, ctx, list, out, err, errlen);
  if (prepared < 0) return -1;
  if (prepared > 0) return 0;
  size_t matched = 0, evaluated = 0, org_rows = 0;
  for (lua_Integer i = 1; i <= luaL_len(L, list); i++) {
    lua_rawgeti(L, list, i);
    int desc = lua_gettop(L);
    int wanted = !opt->indicator || strcmp(id_of(L, desc), opt->indicator) == 0;
    if (wanted) {
      matched++;
      if (evaluate_indicator(p, opt, desc, ctx, out, &evaluated, &org_rows) != 0) {
        snprintf(err, errlen, _("out of memory"));
        return -1;
      }
    }
    lua_pop(L, 1);
  }
  /* once the budget is spent the indicators say so; recommendations and
   * ratings, built from them, are then left out rather than failing all */
  if (!opt->indicator && !sandbox_spent(p->sb) &&
      (collect_recommendations(p, ctx, out, err, errlen) != 0 || collect_ratings(p, ctx, out, err, errlen) != 0))
    return -1;
  if (opt->indicator && matched == 0) {
    char ids[2048];
    list_ids(L, list, ids, sizeof ids);
    snprintf(err, errlen, _("%s: no indicator '%s' in this pack; the pack has: %s"), p->dir,
             opt->indicator, ids);
    return -1;
  }
  if (opt->organization && org_rows == 0 && evaluated > 0) {
    if (municipality) snprintf(err, errlen, _("no organization '%s' in %s"), opt->organization, municipality);
    else snprintf(err, errlen, _("no organization '%s' in the store"), opt->organization);
    return -1;
  }
  return 0;
}

/* One protected job of this module: which of its drivers, its inputs and
 * its outcome. The drivers read Lua values freely; an error there fails
 * the job with a message instead of reaching the core unprotected. */
typedef struct evaluate_job {
  const pack *p;
  const evaluate_options *opt;
  result_set *results;
  const char *id;
  FILE *out;
  char *err;
  size_t errlen;
  int rc;
} evaluate_job;

static int explain_loaded(const pack *p, const evaluate_options *opt, const char *id, FILE *out,
                          char *err, size_t errlen);

static int evaluate_all_protected(lua_State *L) {
  evaluate_job *job = lua_touserdata(L, 1);
  job->rc = evaluate_all(job->p, job->opt, job->results, job->err, job->errlen);
  return 0;
}

static int explain_protected(lua_State *L) {
  evaluate_job *job = lua_touserdata(L, 1);
  job->rc = explain_loaded(job->p, job->opt, job->id, job->out, job->err, job->errlen);
  return 0;
}

/* Runs a driver in a protected call under a fresh budget: one evaluation
 * is one unit of work, whatever number of indicators it has. */
static int run_job(sandbox *sb, lua_CFunction driver, evaluate_job *job) {
  sandbox_rearm(sb);
  job->rc = -1;
  char message[1024];
  if (sandbox_protected(sb, driver, job, 0, 0, message, sizeof message) != LUA_OK) {
    snprintf(job->err, job->errlen, "%s", message);
    return -1;
  }
  return job->rc;
}

int evaluate_run(const evaluate_options *opt, result_set *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  out->period = opt->period;
  sandbox *sb = sandbox_new(opt->limits);
  if (!sb) {
    snprintf(err, errlen, _("out of memory creating the rule sandbox"));
    return -1;
  }
  pack p;
  int rc = pack_load(sb, opt->pack_dir, &p, err, errlen);
  if (rc == 0) {
    out->pack = strdup(p.id);
    lua_State *L = sandbox_lua(sb);
    int top = lua_gettop(L);
    evaluate_job job = {.p = &p, .opt = opt, .results = out, .err = err, .errlen = errlen};
    rc = run_job(sb, evaluate_all_protected, &job);
    lua_settop(L, top);
    pack_release(&p);
  }
  sandbox_free(sb);
  return rc;
}

/* Loads the pack and asks dsl.explain_text about id. */
static int explain_loaded(const pack *p, const evaluate_options *opt, const char *id, FILE *out,
                          char *err, size_t errlen) {
  lua_State *L = sandbox_lua(p->sb);
  if (push_context(p, opt, NULL, err, errlen) != 0) return -1;
  int ctx = lua_gettop(L);
  pack_push_call(p, "prepare");
  lua_pushvalue(L, ctx);
  lua_newtable(L);
  if (sandbox_call(p->sb, 3, 0, err, errlen) != LUA_OK) return -1;
  pack_push_call(p, "indicators");
  if (sandbox_call(p->sb, 1, 1, err, errlen) != LUA_OK) return -1;
  int list = lua_gettop(L), found = 0;
  for (lua_Integer i = 1; i <= luaL_len(L, list) && !found; i++) {
    lua_rawgeti(L, list, i);
    found = strcmp(id_of(L, lua_gettop(L)), id) == 0;
    lua_pop(L, 1);
  }
  if (!found) {
    char ids[2048];
    list_ids(L, list, ids, sizeof ids);
    snprintf(err, errlen, _("%s: no indicator '%s' in this pack; the pack has: %s"), p->dir, id, ids);
    return -1;
  }
  pack_push_call(p, "explain_text");
  lua_pushstring(L, id);
  lua_pushvalue(L, ctx);
  if (opt->organization) lua_pushstring(L, opt->organization);
  else lua_pushnil(L);
  if (sandbox_call(p->sb, 4, 1, err, errlen) != LUA_OK) return -1;
  if (lua_type(L, -1) != LUA_TSTRING) return luaL_error(L, _("explain: the explanation is not text"));
  fprintf(out, "%s\n", lua_tostring(L, -1));
  return 0;
}

int evaluate_explain(const evaluate_options *opt, const char *id, FILE *out, char *err, size_t errlen) {
  sandbox *sb = sandbox_new(opt->limits);
  if (!sb) {
    snprintf(err, errlen, _("out of memory creating the rule sandbox"));
    return -1;
  }
  pack p;
  int rc = pack_load(sb, opt->pack_dir, &p, err, errlen);
  if (rc == 0) {
    lua_State *L = sandbox_lua(sb);
    int top = lua_gettop(L);
    evaluate_job job = {.p = &p, .opt = opt, .id = id, .out = out, .err = err, .errlen = errlen};
    rc = run_job(sb, explain_protected, &job);
    lua_settop(L, top);
    pack_release(&p);
  }
  sandbox_free(sb);
  return rc;
}

/* Copies the list of strings field of the table at index into a JSON array. */
static cJSON *string_list(lua_State *L, int index, const char *field) {
  cJSON *array = cJSON_CreateArray();
  lua_getfield(L, index, field);
  for (lua_Integer i = 1; i <= luaL_len(L, -1); i++) {
    lua_rawgeti(L, -1, i);
    if (lua_type(L, -1) == LUA_TSTRING) cJSON_AddItemToArray(array, cJSON_CreateString(lua_tostring(L, -1)));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return array;
}

static int integer_of(lua_State *L, int index, const char *field) {
  double v = 0;
  number_field(L, index, field, &v);
  return (int)v;
}

/* What evaluate_pack_summary reads inside its protected call. */
typedef struct summary_job {
  const pack *p;
  pack_summary *out;
  char *err;
  size_t errlen;
  int rc;
} summary_job;

/* Calls dsl.summary and copies what it returns into the summary. */
static int summary_protected(lua_State *L) {
  summary_job *job = lua_touserdata(L, 1);
  pack_summary *out = job->out;
  pack_push_call(job->p, "summary");
  if (sandbox_call(job->p->sb, 1, 1, job->err, job->errlen) != LUA_OK) return 0;
  int t = lua_gettop(L);
  luaL_checktype(L, t, LUA_TTABLE);
  cJSON *goals = cJSON_CreateObject();
  cJSON_AddItemToObject(goals, "goals", string_list(L, t, "goals"));
  cJSON_AddItemToObject(goals, "tasks", string_list(L, t, "tasks"));
  cJSON_AddItemToObject(goals, "methods", string_list(L, t, "methods"));
  cJSON_AddItemToObject(goals, "indicator_ids", string_list(L, t, "ids"));
  if (lua_getfield(L, t, "title") == LUA_TSTRING) cJSON_AddStringToObject(goals, "title", lua_tostring(L, -1));
  lua_pop(L, 1);
  out->goals_json = cJSON_PrintUnformatted(goals);
  cJSON_Delete(goals);
  out->criteria = integer_of(L, t, "criteria");
  out->indicators = integer_of(L, t, "indicators");
  out->with_source = integer_of(L, t, "with_source");
  out->with_target = integer_of(L, t, "with_target");
  out->recommendation_rules = integer_of(L, t, "recommendation_rules");
  out->programme_first = integer_of(L, t, "programme_first");
  out->programme_last = integer_of(L, t, "programme_last");
  cJSON *plan = cJSON_Parse(out->goals_json);
  cJSON_AddNumberToObject(plan, "criteria", out->criteria);
  cJSON_AddNumberToObject(plan, "indicators", out->indicators);
  cJSON_AddNumberToObject(plan, "with_source", out->with_source);
  cJSON_AddNumberToObject(plan, "with_target", out->with_target);
  cJSON_AddNumberToObject(plan, "layers", out->nlayers);
  cJSON_free(out->goals_json);
  out->goals_json = cJSON_PrintUnformatted(plan);
  cJSON_Delete(plan);
  job->rc = 0;
  return 0;
}

int evaluate_pack_summary(const char *dir, pack_summary *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  sandbox *sb = sandbox_new(sandbox_default_limits());
  if (!sb) {
    snprintf(err, errlen, _("out of memory creating the rule sandbox"));
    return -1;
  }
  pack p;
  int rc = pack_load(sb, dir, &p, err, errlen);
  if (rc == 0) {
    snprintf(out->id, sizeof out->id, "%s", p.id);
    snprintf(out->municipality, sizeof out->municipality, "%s", p.municipality);
    memcpy(out->layers, p.layers, sizeof out->layers);
    out->nlayers = p.nlayers;
    summary_job job = {&p, out, err, errlen, -1};
    sandbox_rearm(sb);
    rc = sandbox_protected(sb, summary_protected, &job, 0, 0, err, errlen) == LUA_OK ? job.rc : -1;
    pack_release(&p);
  }
  sandbox_free(sb);
  return rc;
}

void pack_summary_free(pack_summary *s) {
  cJSON_free(s->goals_json);
  s->goals_json = NULL;
}
