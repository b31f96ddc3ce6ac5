/* evaluate.c: runs a rule pack's indicators for one period against the store, each indicator in
 * its own protected call so that a broken rule fails alone, and gathers the results. The
 * promises are in evaluate.h. */
#include "evaluate.h"

#include <cJSON.h>
#include <limits.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "lua_store.h"
#include "pack.h"
#include "result_sink.h"
#include "rule_view.h"

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

/* Records the description of the indicator at desc as indicator seq of the sink. */
static int describe(lua_State *L, int desc, int seq, result_sink *sink, char *err, size_t errlen) {
  const char *fields[] = {"criterion", "title", "unit", "criterion_title", "source", "level", "reading", "deadline"};
  const char *values[8];
  for (int i = 0; i < 8; i++) {
    lua_getfield(L, desc, fields[i]);
    values[i] = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  }
  indicator_desc d = {id_of(L, desc), values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                      values[7]};
  int rc = result_sink_describe(sink, seq, &d, err, errlen);
  lua_pop(L, 8);
  return rc;
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

/* ctx.open_unit(m) of a region-wide run: a store handle on the rules'
 * view of municipality m alone (what its own run reads), for the
 * escape-hatch functions of the region's pack. The store's path is the
 * closure's upvalue; the view's budget joins the evaluation's. */
static int open_unit(lua_State *L) {
  const char *path = lua_tostring(L, lua_upvalueindex(1));
  sandbox *sb = lua_touserdata(L, lua_upvalueindex(2));
  const char *m = luaL_checkstring(L, 1);
  char err[1024];
  lua_store_push(L);
  rule_view *view;
  if (rule_view_open(path, m, &view, err, sizeof err) != 0) return luaL_error(L, "%s", err);
  lua_store_attach(L, -1, view);
  sandbox_add_budget(sb, rule_view_budget(view));
  return 1;
}

/* Sets ctx.units (the municipalities of one pass) and ctx.open_unit on
 * the context table on top. */
static void push_units(const pack *p, const evaluate_options *opt) {
  lua_State *L = sandbox_lua(p->sb);
  lua_newtable(L);
  for (int i = 0; opt->units[i]; i++) {
    lua_pushstring(L, opt->units[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "units");
  lua_pushstring(L, opt->store_path);
  lua_pushlightuserdata(L, p->sb);
  lua_pushcclosure(L, open_unit, 2);
  lua_setfield(L, -2, "open_unit");
  /* the targets of municipalities whose layers have their own (as data) */
  lua_newtable(L);
  for (int i = 0; opt->unit_targets && opt->units[i]; i++) {
    if (!opt->unit_targets[i]) continue;
    lua_pushstring(L, opt->unit_targets[i]);
    lua_setfield(L, -2, opt->units[i]);
  }
  lua_setfield(L, -2, "unit_targets_text");
}

/* Pushes the evaluation context {db = the rules' view, period = year} and
 * records whose rows it holds in out. */
static int push_context(const pack *p, const evaluate_options *opt, evaluation_info *info, char *err, size_t errlen) {
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
  if (info && !opt->all_municipalities)
    snprintf(info->municipality, sizeof info->municipality, "%s", rule_view_municipality(view));
  lua_setfield(L, -2, "db");
  lua_pushinteger(L, opt->period);
  lua_setfield(L, -2, "period");
  if (opt->all_municipalities && opt->units) push_units(p, opt);
  return 0;
}

/* Calls fn once, or in a pass over several municipalities once for each with the sink's
 * rows tagged with it, stopping at the first failure. */
static int for_each_unit(const evaluate_options *opt, result_sink *sink, int (*fn)(void *ud, char *err, size_t errlen),
                         void *ud, char *err, size_t errlen) {
  if (!opt->units) return fn(ud, err, errlen);
  int rc = 0;
  for (int i = 0; rc == 0 && opt->units[i]; i++) {
    if (result_sink_set_unit(sink, opt->units[i]) != 0) {
      snprintf(err, errlen, _("out of memory"));
      rc = -1;
    } else {
      rc = fn(ud, err, errlen);
    }
  }
  result_sink_set_unit(sink, NULL);
  return rc;
}

/* An indicator to describe, and a message to fail every result with, for for_each_unit. */
typedef struct unit_call {
  lua_State *L;
  int desc, seq;
  result_sink *sink;
  const char *message;
} unit_call;

static int describe_unit(void *ud, char *err, size_t errlen) {
  unit_call *c = ud;
  return describe(c->L, c->desc, c->seq, c->sink, err, errlen);
}

static int fail_unit(void *ud, char *err, size_t errlen) {
  unit_call *c = ud;
  return result_sink_fail_all(c->sink, c->message, err, errlen);
}

/* Describes the indicator at desc as indicator seq: once, or in a pass
 * over several municipalities once for each (each reads its rows with its
 * own descriptions). */
static int describe_for_units(lua_State *L, int desc, int seq, const evaluate_options *opt, result_sink *sink,
                              char *err, size_t errlen) {
  unit_call c = {.L = L, .desc = desc, .seq = seq, .sink = sink};
  return for_each_unit(opt, sink, describe_unit, &c, err, errlen);
}

/* Fails every result of the run: of each municipality of a pass over
 * several, else of the run. */
static int fail_units(const evaluate_options *opt, result_sink *sink, const char *message, char *err, size_t errlen) {
  unit_call c = {.sink = sink, .message = message};
  return for_each_unit(opt, sink, fail_unit, &c, err, errlen);
}

/* Evaluates the indicators of the loaded pack that opt selects into the
 * sink: dsl.stream reads the store and hands every row over as it is
 * made. A failure of the evaluation as a whole (the budget spent, a
 * broken recommendation rule) becomes an error on every indicator; an
 * indicator that fails alone says so in its own row. */
static int evaluate_all(const pack *p, const evaluate_options *opt, result_sink *sink, evaluation_info *info,
                        char *err, size_t errlen) {
  lua_State *L = sandbox_lua(p->sb);
  if (push_context(p, opt, info, err, errlen) != 0) return -1;
  int ctx = lua_gettop(L);
  pack_push_call(p, "indicators");
  if (sandbox_call(p->sb, 1, 1, err, errlen) != LUA_OK) return -1;
  int list = lua_gettop(L);
  size_t matched = 0;
  for (lua_Integer i = 1; i <= luaL_len(L, list); i++) {
    lua_rawgeti(L, list, i);
    int desc = lua_gettop(L);
    if (!opt->indicator || strcmp(id_of(L, desc), opt->indicator) == 0) {
      matched++;
      if (describe_for_units(L, desc, (int)i, opt, sink, err, errlen) != 0) return -1;
    }
    lua_pop(L, 1);
  }
  if (opt->indicator && matched == 0) {
    char ids[2048];
    list_ids(L, list, ids, sizeof ids);
    snprintf(err, errlen, _("%s: no indicator '%s' in this pack; the pack has: %s"), p->dir, opt->indicator, ids);
    return -1;
  }
  pack_push_call(p, "stream");
  lua_pushvalue(L, ctx);
  result_sink_push(L, sink);
  if (opt->indicator) {
    lua_createtable(L, 1, 0);
    lua_pushstring(L, opt->indicator);
    lua_rawseti(L, -2, 1);
  } else {
    lua_pushnil(L);
  }
  char message[1024];
  if (sandbox_call(p->sb, 4, 1, message, sizeof message) != LUA_OK) {
    if (sandbox_spent(p->sb))
      snprintf(message, sizeof message, _("not evaluated: the evaluation's budget was spent (%s)"),
               sandbox_spent_reason(p->sb));
    if (fail_units(opt, sink, message, err, errlen) != 0) return -1;
  } else {
    info->statements = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  if (opt->unit || opt->units) return 0; /* municipalities of several: the caller finishes the sink */
  if (result_sink_finish(sink, err, errlen) != 0) return -1;
  if (opt->organization && result_sink_organization_rows(sink, opt->organization) == 0 &&
      result_sink_errors(sink) < (long long)matched) {
    if (info->municipality[0]) snprintf(err, errlen, _("no organization '%s' in %s"), opt->organization, info->municipality);
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
  result_sink *sink;
  evaluation_info *info;
  const char *id;
  FILE *out;
  char *err;
  size_t errlen;
  int rc;
} evaluate_job;

static int explain_loaded(const pack *p, const evaluate_options *opt, const char *id, FILE *out,
                          char *err, size_t errlen);
static int summarize(const pack *p, pack_summary *out, char *err, size_t errlen);

static int evaluate_all_protected(lua_State *L) {
  evaluate_job *job = lua_touserdata(L, 1);
  job->rc = evaluate_all(job->p, job->opt, job->sink, job->info, job->err, job->errlen);
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

/* What is done with a pack loaded by with_pack, and its arguments. */
typedef int (*loaded_pack_fn)(const pack *p, void *ud, char *err, size_t errlen);

/* Loads the pack at dir into a sandbox of its own with limits, calls fn with it, then
 * releases the pack and frees the sandbox: every use of a pack here is one such load.
 * Returns what fn returns, or -1 with err when the sandbox or the pack cannot be made. */
static int with_pack(const char *dir, sandbox_limits limits, loaded_pack_fn fn, void *ud, char *err, size_t errlen) {
  sandbox *sb = sandbox_new(limits);
  if (!sb) {
    snprintf(err, errlen, _("out of memory creating the rule sandbox"));
    return -1;
  }
  pack p;
  int rc = pack_load(sb, dir, &p, err, errlen);
  if (rc == 0) {
    rc = fn(&p, ud, err, errlen);
    pack_release(&p);
  }
  sandbox_free(sb);
  return rc;
}

/* Runs job (its driver) on the loaded pack, leaving the Lua stack as it found it. */
static int run_keeping_stack(const pack *p, lua_CFunction driver, evaluate_job *job) {
  lua_State *L = sandbox_lua(p->sb);
  int top = lua_gettop(L);
  int rc = run_job(p->sb, driver, job);
  lua_settop(L, top);
  return rc;
}

/* What evaluate_stream does with its pack. */
typedef struct stream_call {
  const evaluate_options *opt;
  result_sink *sink;
  evaluation_info *info;
  pack_summary *summary;
} stream_call;

static int stream_on_pack(const pack *p, void *ud, char *err, size_t errlen) {
  stream_call *c = ud;
  snprintf(c->info->pack, sizeof c->info->pack, "%s", p->id);
  evaluate_job job = {.p = p, .opt = c->opt, .sink = c->sink, .info = c->info, .err = err, .errlen = errlen};
  int rc = run_keeping_stack(p, evaluate_all_protected, &job);
  if (rc == 0 && c->summary) rc = summarize(p, c->summary, err, errlen);
  return rc;
}

int evaluate_stream(const evaluate_options *opt, result_sink *sink, evaluation_info *info, pack_summary *summary,
                    char *err, size_t errlen) {
  memset(info, 0, sizeof *info);
  if (summary) memset(summary, 0, sizeof *summary);
  stream_call call = {opt, sink, info, summary};
  return with_pack(opt->pack_dir, opt->limits, stream_on_pack, &call, err, errlen);
}

/* 1 for a municipality code that can name a folder next to the region's
 * pack: not empty, not "." or "..", no '/' (the codes come from the store). */
static int is_folder_name(const char *name) {
  return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

char **evaluate_store_municipalities(const char *path, int *n, char *err, size_t errlen) {
  sqlite3 *db;
  sqlite3_stmt *st = NULL;
  char **names = NULL;
  *n = 0;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT municipality FROM organization UNION SELECT municipality FROM community"
                             " UNION SELECT municipality FROM document ORDER BY 1", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
    sqlite3_close(db);
    return NULL;
  }
  size_t cap = 0;
  int ok = 1;
  while (ok && sqlite3_step(st) == SQLITE_ROW) {
    if ((size_t)*n + 1 >= cap) {
      cap = cap ? cap * 2 : 16;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) { ok = 0; break; }
      names = grown;
    }
    names[*n] = strdup((const char *)sqlite3_column_text(st, 0));
    if (!names[*n]) ok = 0;
    else names[++*n] = NULL;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (!ok) {
    for (int i = 0; i < *n; i++) free(names[i]);
    free(names);
    snprintf(err, errlen, _("out of memory"));
    return NULL;
  }
  if (!names) names = calloc(1, sizeof *names);
  return names;
}

void evaluate_free_municipalities(char **names) {
  for (int i = 0; names && names[i]; i++) free(names[i]);
  free(names);
}

/* What a region-wide run needs to know of a pack: its summary, and for
 * period its layout (dsl.layout: all but its targets that decides the
 * rows) and its targets as data (dsl.targets_export); both owned, freed
 * with free(). */
typedef struct pack_probe {
  pack_summary summary;
  char *layout, *targets;
} pack_probe;

/* Copies the string result of dsl function name (called with period) into *out. */
static int probe_string(const pack *p, const char *name, int period, char **out, char *err, size_t errlen) {
  lua_State *L = sandbox_lua(p->sb);
  pack_push_call(p, name);
  int nargs = 1;
  if (period) {
    lua_pushinteger(L, period);
    nargs = 2;
  }
  if (sandbox_call(p->sb, nargs, 1, err, errlen) != LUA_OK) return -1;
  size_t len;
  const char *text = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
  if (!text || !(*out = malloc(len + 1))) {
    lua_pop(L, 1);
    snprintf(err, errlen, _("%s: cannot read the pack's %s"), p->dir, name);
    return -1;
  }
  memcpy(*out, text, len + 1);
  lua_pop(L, 1);
  return 0;
}

/* What probe_pack reads inside its protected call. */
typedef struct probe_job {
  const pack *p;
  pack_probe *out;
  int period;
  char *err;
  size_t errlen;
  int rc;
} probe_job;

static int probe_protected(lua_State *L) {
  probe_job *job = lua_touserdata(L, 1);
  job->rc = probe_string(job->p, "layout", job->period, &job->out->layout, job->err, job->errlen) != 0 ||
                    probe_string(job->p, "targets_export", 0, &job->out->targets, job->err, job->errlen) != 0
                ? -1
                : 0;
  return 0;
}

static void probe_free(pack_probe *pr) {
  pack_summary_free(&pr->summary);
  free(pr->layout);
  free(pr->targets);
  memset(pr, 0, sizeof *pr);
}

/* What probe_pack does with its pack: the summary, then the layout and the targets. */
static int probe_on_pack(const pack *p, void *ud, char *err, size_t errlen) {
  probe_job *job = ud;
  if (summarize(p, &job->out->summary, err, errlen) != 0) return -1;
  job->p = p;
  sandbox_rearm(p->sb);
  return sandbox_protected(p->sb, probe_protected, job, 0, 0, err, errlen) == LUA_OK ? job->rc : -1;
}

/* Loads the pack at dir once and fills pr for period. Returns 0, or -1 with err. */
static int probe_pack(const char *dir, int period, pack_probe *pr, char *err, size_t errlen) {
  memset(pr, 0, sizeof *pr);
  probe_job job = {NULL, pr, period, err, errlen, -1};
  int rc = with_pack(dir, sandbox_default_limits(), probe_on_pack, &job, err, errlen);
  if (rc != 0) probe_free(pr);
  return rc;
}

/* The pack folder of municipality m: its layer next to the region's pack
 * when there is one (which must extend the region's pack: checked by
 * loading its manifests), else the region's pack. Returns 0 with dir
 * filled, or -1 with err. */
static int municipality_layer(const char *region_dir, const char *region_real, const char *m, int period, char *dir,
                              size_t dirlen, pack_probe *probe, char *err, size_t errlen) {
  snprintf(dir, dirlen, "%s", region_dir);
  memset(probe, 0, sizeof *probe);
  if (!is_folder_name(m)) return 0;
  char candidate[2048], manifest[2100];
  size_t len = strlen(region_dir);
  while (len > 1 && region_dir[len - 1] == '/') len--;
  size_t parent = len;
  while (parent > 0 && region_dir[parent - 1] != '/') parent--;
  if (parent) snprintf(candidate, sizeof candidate, "%.*s%s", (int)parent, region_dir, m);
  else snprintf(candidate, sizeof candidate, "%s", m);
  snprintf(manifest, sizeof manifest, "%s/pack.lua", candidate);
  if (access(manifest, F_OK) != 0) return 0;
  if (probe_pack(candidate, period, probe, err, errlen) != 0) return -1;
  int extends = 0;
  for (int i = 1; i < probe->summary.nlayers && !extends; i++) {
    char real[PATH_MAX];
    extends = realpath(probe->summary.layers[i], real) && strcmp(real, region_real) == 0;
  }
  if (!extends) {
    probe_free(probe);
    snprintf(err, errlen, _("%s: the pack of municipality %s next to the region's pack %s does not extend it"),
             candidate, m, region_dir);
    return -1;
  }
  /* the folder chooses the layer here, the manifest when the layer is run as
   * a pack: a layer naming another municipality would judge one with another's
   * targets in a run over all and the other in its own run */
  if (probe->summary.municipality[0] && strcmp(probe->summary.municipality, m) != 0) {
    snprintf(err, errlen, _("%s/pack.lua: the pack in the folder of municipality %s names municipality %s;"
                            " rename the folder or correct the manifest"), candidate, m, probe->summary.municipality);
    probe_free(probe);
    return -1;
  }
  snprintf(dir, dirlen, "%s", candidate);
  return 0;
}

/* Evaluates the municipalities units (NULL-terminated) of the store in one
 * pass over the data with the region's pack opt->pack_dir. */
static int evaluate_in_one_pass(const evaluate_options *opt, const char *const *units, const char *const *targets,
                                result_sink *sink, evaluation_info *info, char *err, size_t errlen) {
  evaluate_options pass = *opt;
  pass.municipality = NULL;
  pass.all_municipalities = 1;
  pass.unit = NULL;
  pass.units = units;
  pass.unit_targets = targets;
  evaluation_info part;
  if (evaluate_stream(&pass, sink, &part, NULL, err, errlen) != 0) return -1;
  info->statements += part.statements;
  return 0;
}

/* Evaluates municipality m alone with the pack at dir (its own layer). */
static int evaluate_alone(const evaluate_options *opt, const char *m, const char *dir, result_sink *sink,
                          evaluation_info *info, char *err, size_t errlen) {
  evaluate_options one = *opt;
  one.pack_dir = dir;
  one.municipality = m;
  one.all_municipalities = 0;
  one.unit = m;
  one.units = NULL;
  evaluation_info part;
  char why[2048];
  int rc = 0;
  if (result_sink_set_unit(sink, m) != 0) {
    snprintf(err, errlen, _("out of memory"));
    rc = -1;
  } else if (evaluate_stream(&one, sink, &part, NULL, why, sizeof why) != 0) {
    snprintf(err, errlen, _("municipality %s: %s"), m, why);
    rc = -1;
  } else {
    info->statements += part.statements;
  }
  result_sink_set_unit(sink, NULL);
  return rc;
}

/* 1 when municipality m is one of chosen (NULL: every municipality is). */
static int wanted(const char *const *chosen, const char *m) {
  if (!chosen) return 1;
  for (; *chosen; chosen++)
    if (!strcmp(*chosen, m)) return 1;
  return 0;
}

int evaluate_municipality_pack(const char *region_dir, const char *municipality, int period, char *dir, size_t dirlen,
                               char *err, size_t errlen) {
  char region_real[PATH_MAX];
  if (!realpath(region_dir, region_real)) {
    snprintf(err, errlen, _("%s: cannot read"), region_dir);
    return -1;
  }
  pack_probe layer;
  int rc = municipality_layer(region_dir, region_real, municipality, period, dir, dirlen, &layer, err, errlen);
  if (rc == 0) probe_free(&layer);
  return rc;
}

int evaluate_each_municipality(const evaluate_options *opt, result_sink *sink, evaluation_info *info,
                               int *municipalities, char *err, size_t errlen) {
  memset(info, 0, sizeof *info);
  *municipalities = 0;
  pack_probe region;
  if (probe_pack(opt->pack_dir, opt->period, &region, err, errlen) != 0) return -1;
  int own = region.summary.municipality[0] != '\0';
  if (own)
    snprintf(err, errlen, _("%s/pack.lua: a pack of municipality %s cannot evaluate every municipality;"
                            " give the region's pack"), opt->pack_dir, region.summary.municipality);
  snprintf(info->pack, sizeof info->pack, "%s", region.summary.id);
  char region_real[PATH_MAX];
  if (own || !realpath(opt->pack_dir, region_real)) {
    if (!own) snprintf(err, errlen, _("%s: cannot read"), opt->pack_dir);
    probe_free(&region);
    return -1;
  }
  int n;
  char **names = evaluate_store_municipalities(opt->store_path, &n, err, errlen);
  if (!names) {
    probe_free(&region);
    return -1;
  }
  /* One pass over the data for the municipalities that take the region's
   * pack, and for those whose layer differs from it only in its targets
   * (which come into the pass as data); a layer with indicators, code or
   * anything else of its own is evaluated alone with it, so its code sees
   * only its municipality. */
  char **layers = calloc((size_t)n + 1, sizeof *layers), **targets = calloc((size_t)n + 1, sizeof *targets);
  const char **pass = calloc((size_t)n + 1, sizeof *pass);
  int rc = layers && targets && pass ? 0 : -1, npass = 0, evaluated = 0;
  if (rc != 0) snprintf(err, errlen, _("out of memory"));
  for (int i = 0; i < n && rc == 0; i++) {
    if (!wanted(opt->chosen, names[i])) continue;
    evaluated++;
    char dir[2048];
    pack_probe layer;
    rc = municipality_layer(opt->pack_dir, region_real, names[i], opt->period, dir, sizeof dir, &layer, err, errlen);
    if (rc != 0) break;
    if (strcmp(dir, opt->pack_dir) == 0) {
      pass[npass++] = names[i];
    } else if (strcmp(layer.layout, region.layout) == 0) {
      targets[npass] = layer.targets;
      layer.targets = NULL;
      pass[npass++] = names[i];
    } else if (!(layers[i] = strdup(dir))) {
      snprintf(err, errlen, _("out of memory"));
      rc = -1;
    }
    probe_free(&layer);
  }
  if (rc == 0 && npass > 0) rc = evaluate_in_one_pass(opt, pass, (const char *const *)targets, sink, info, err, errlen);
  for (int i = 0; i < n && rc == 0; i++)
    if (layers[i]) rc = evaluate_alone(opt, names[i], layers[i], sink, info, err, errlen);
  for (int i = 0; i < n; i++) {
    if (layers) free(layers[i]);
    if (targets) free(targets[i]);
  }
  free(layers);
  free(targets);
  free(pass);
  evaluate_free_municipalities(names);
  probe_free(&region);
  *municipalities = evaluated;
  if (rc == 0) rc = result_sink_finish(sink, err, errlen);
  return rc;
}

int evaluate_run(const evaluate_options *opt, result_set *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  out->period = opt->period;
  result_sink *sink;
  if (result_sink_open(&sink, err, errlen) != 0) return -1;
  evaluation_info info;
  int rc = evaluate_stream(opt, sink, &info, NULL, err, errlen);
  if (info.pack[0]) out->pack = strdup(info.pack);
  if (info.municipality[0]) out->municipality = strdup(info.municipality);
  out->statements = info.statements;
  if (rc == 0) rc = result_sink_load(sink, opt->organization, out, err, errlen);
  result_sink_close(sink);
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

/* What evaluate_explain does with its pack: job, with the pack filled in. */
static int explain_on_pack(const pack *p, void *ud, char *err, size_t errlen) {
  (void)err, (void)errlen; /* the job carries them */
  evaluate_job *job = ud;
  job->p = p;
  return run_keeping_stack(p, explain_protected, job);
}

int evaluate_explain(const evaluate_options *opt, const char *id, FILE *out, char *err, size_t errlen) {
  evaluate_job job = {.opt = opt, .id = id, .out = out, .err = err, .errlen = errlen};
  return with_pack(opt->pack_dir, opt->limits, explain_on_pack, &job, err, errlen);
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
  if (lua_getfield(L, t, "municipality_name") == LUA_TSTRING)
    cJSON_AddStringToObject(goals, "municipality_name", lua_tostring(L, -1));
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

/* Fills the summary of the loaded pack p. */
static int summarize(const pack *p, pack_summary *out, char *err, size_t errlen) {
  snprintf(out->id, sizeof out->id, "%s", p->id);
  snprintf(out->municipality, sizeof out->municipality, "%s", p->municipality);
  memcpy(out->layers, p->layers, sizeof out->layers);
  out->nlayers = p->nlayers;
  summary_job job = {p, out, err, errlen, -1};
  sandbox_rearm(p->sb);
  return sandbox_protected(p->sb, summary_protected, &job, 0, 0, err, errlen) == LUA_OK ? job.rc : -1;
}

static int summary_on_pack(const pack *p, void *ud, char *err, size_t errlen) { return summarize(p, ud, err, errlen); }

int evaluate_pack_summary(const char *dir, pack_summary *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  return with_pack(dir, sandbox_default_limits(), summary_on_pack, out, err, errlen);
}

void pack_summary_free(pack_summary *s) {
  cJSON_free(s->goals_json);
  s->goals_json = NULL;
}
