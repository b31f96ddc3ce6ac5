/* packtest.c: runs a rule pack's own tests (the .lua files of PACK/tests), so that a
 * methodologist can check a rule on a small fixture without a C toolchain. The promises are in
 * packtest.h. */
#include "packtest.h"

#include <dirent.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "evaluate.h"
#include "files.h"
#include "import.h"
#include "pack.h"
#include "results.h"
#include "stdlib_loader.h"
#include "store.h"
#include "i18n.h"

/* The fixture tables a test may give, in import order. */
static const char *const fixture_entities[] = {"organizations", "staff", "activities", "communities", "documents",
                                               "events", "participation", "registries"};
#define N_ENTITIES (sizeof fixture_entities / sizeof fixture_entities[0])

/* Test files are hand-written fixtures; larger ones are refused. */
#define MAX_TEST_FILE (1u << 20)

/* A scratch folder for one test's store and fixture files. */
typedef struct scratch {
  char dir[256];
  char store[300];
} scratch;

static int scratch_open(scratch *s) {
  const char *base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  snprintf(s->dir, sizeof s->dir, "%s/pdmon-packtest-XXXXXX", base);
  if (!mkdtemp(s->dir)) return -1;
  snprintf(s->store, sizeof s->store, "%s/store.db", s->dir);
  return 0;
}

static void scratch_close(scratch *s) {
  static const char *const files[] = {"store.db", "store.db-wal", "store.db-shm", "organizations.csv",
                                      "staff.csv", "activities.csv", "communities.csv", "documents.csv",
                                      "events.csv", "participation.csv", "registries.csv"};
  char path[400];
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "%s/%s", s->dir, files[i]);
    unlink(path);
  }
  rmdir(s->dir);
}

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes a Lua value as a CSV field: booleans as да/нет. */
static void write_value(lua_State *L, int index, FILE *f) {
  if (lua_isboolean(L, index)) fputs(lua_toboolean(L, index) ? "да" : "нет", f);
  else if (lua_type(L, index) == LUA_TNUMBER || lua_type(L, index) == LUA_TSTRING)
    csv_write_field(f, lua_tostring(L, index), ',');
}

/* Writes the rows (a list of tables) at index as a CSV file whose header
 * is every key the rows use, sorted. Returns -1 on misuse (message in err). */
static int write_fixture(lua_State *L, int rows, const char *path, const char *entity, char *err, size_t errlen) {
  char *keys[64];
  size_t nkeys = 0;
  for (lua_Integer i = 1; i <= luaL_len(L, rows); i++) {
    if (lua_rawgeti(L, rows, i) != LUA_TTABLE) {
      snprintf(err, errlen, _("data.%s[%lld] is not a table of fields"), entity, (long long)i);
      lua_pop(L, 1);
      goto fail;
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TSTRING) continue;
      const char *key = lua_tostring(L, -1);
      size_t k = 0;
      while (k < nkeys && strcmp(keys[k], key) != 0) k++;
      if (k == nkeys && nkeys < 64) keys[nkeys++] = strdup(key);
    }
    lua_pop(L, 1);
  }
  qsort(keys, nkeys, sizeof *keys, compare_strings);
  FILE *f = fopen(path, "wb");
  if (!f) { snprintf(err, errlen, _("%s: cannot write"), path); goto fail; }
  for (size_t k = 0; k < nkeys; k++) fprintf(f, "%s%s", k ? "," : "", keys[k]);
  fputc('\n', f);
  for (lua_Integer i = 1; i <= luaL_len(L, rows); i++) {
    lua_rawgeti(L, rows, i);
    for (size_t k = 0; k < nkeys; k++) {
      if (k) fputc(',', f);
      lua_getfield(L, -1, keys[k]);
      write_value(L, lua_gettop(L), f);
      lua_pop(L, 1);
    }
    fputc('\n', f);
    lua_pop(L, 1);
  }
  fclose(f);
  for (size_t k = 0; k < nkeys; k++) free(keys[k]);
  return 0;
fail:
  for (size_t k = 0; k < nkeys; k++) free(keys[k]);
  return -1;
}

/* Builds the test's store from test.data (the test table at index). */
static int build_store(lua_State *L, int test, const scratch *s, const char *municipality,
                       FILE *out, char *err, size_t errlen) {
  sqlite3 *db;
  if (store_open(s->store, 1, &db, err, errlen) != 0) return -1;
  int rc = store_meta_set(db, "municipality", municipality, err, errlen);
  lua_getfield(L, test, "data");
  int data = lua_gettop(L);
  for (size_t e = 0; e < N_ENTITIES && rc == 0; e++) {
    if (lua_getfield(L, data, fixture_entities[e]) != LUA_TTABLE) { lua_pop(L, 1); continue; }
    char path[400];
    snprintf(path, sizeof path, "%s/%s.csv", s->dir, fixture_entities[e]);
    rc = write_fixture(L, lua_gettop(L), path, fixture_entities[e], err, errlen);
    lua_pop(L, 1);
    if (rc != 0) break;
    import_options opt = {0};
    import_report report;
    rc = import_file(db, fixture_entities[e], path, &opt, &report, err, errlen);
    for (size_t i = 0; i < report.rejected; i++) {
      /* "SCRATCH/staff.csv:5: msg" becomes "data.staff[4]: msg" */
      const char *msg = strstr(report.problems[i].message, ".csv:");
      const char *rest = msg ? strchr(msg + 5, ':') : NULL;
      fprintf(out, "  # data.%s[%zu]:%s\n", fixture_entities[e], report.problems[i].line - 1,
              rest ? rest + 1 : report.problems[i].message);
    }
    if (rc == 1) snprintf(err, errlen, _("data.%s has invalid rows"), fixture_entities[e]);
    import_report_free(&report);
  }
  lua_pop(L, 1);
  sqlite3_close(db);
  return rc == 0 ? 0 : -1;
}

/* The row of indicator id for organization org (NULL: the total). */
static const result_row *find_row(const result_set *set, const char *id, const char *org) {
  for (size_t i = 0; i < set->count; i++) {
    const result_row *r = &set->rows[i];
    if (strcmp(r->indicator, id) != 0 || r->breakdown) continue;
    if (org ? (r->organization && strcmp(r->organization, org) == 0) : !r->organization) return r;
  }
  return NULL;
}

/* A text field of a row a test may name: status, progress (on_track,
 * behind), figure (yearly, cumulative), level. NULL when field is not one. */
static int text_field(const result_row *r, const char *field, const char **got) {
  if (!strcmp(field, "status")) *got = result_status_name(r->status);
  else if (!strcmp(field, "progress")) *got = r->progress ? r->progress : "none";
  else if (!strcmp(field, "figure")) *got = r->figure ? r->figure : "none";
  else if (!strcmp(field, "level")) *got = r->level ? r->level : "organization";
  else return 0;
  return 1;
}

/* A numeric field of a row a test may name; returns 0 when field is not one. */
static int number_of_row(const result_row *r, const char *field, int *present, double *got) {
  static const char *const figure_names[] = {"value", "numerator", "denominator"};
  for (int i = 0; i < 3; i++) {
    char name[32];
    snprintf(name, sizeof name, "yearly_%s", figure_names[i]);
    if (!strcmp(field, name)) { *present = r->has_yearly && r->yearly[i] == r->yearly[i]; *got = r->yearly[i]; return 1; }
    snprintf(name, sizeof name, "cumulative_%s", figure_names[i]);
    if (!strcmp(field, name)) { *present = r->has_cumulative && r->cumulative[i] == r->cumulative[i]; *got = r->cumulative[i]; return 1; }
  }
  if (!strcmp(field, "numerator")) { *present = r->has_counts; *got = r->numerator; }
  else if (!strcmp(field, "denominator")) { *present = r->has_denominator; *got = r->denominator; }
  else if (!strcmp(field, "value")) { *present = r->has_value; *got = r->value; }
  else if (!strcmp(field, "target_value")) { *present = r->has_target_value; *got = r->target_value; }
  else if (!strcmp(field, "path_value")) { *present = r->has_path_value; *got = r->path_value; }
  else if (!strcmp(field, "base_value")) { *present = r->has_base_value; *got = r->base_value; }
  else if (!strcmp(field, "growth")) { *present = r->has_growth; *got = r->growth; }
  else return 0;
  return 1;
}

/* Whether key names a field of a result row rather than an organization. */
static int is_row_field(const char *key) {
  static const result_row probe;
  const char *text;
  int present;
  double got;
  return text_field(&probe, key, &text) || number_of_row(&probe, key, &present, &got);
}

/* Checks one expected field (value at index) against a row; prints a
 * failure line and returns 1 when it differs. A string compares with the
 * status unless the field names progress, figure or level. */
static int check_field(lua_State *L, int index, const char *field, const result_row *r,
                       const char *what, FILE *out) {
  int type = lua_type(L, index);
  const char *got_text;
  int textual = text_field(r, field, &got_text);
  if ((textual && type != LUA_TSTRING) || (type != LUA_TSTRING && type != LUA_TNUMBER)) {
    fprintf(out, _("  # %s: %s expects %s, not a %s\n"), what, field,
            textual ? "a name such as \"met\" or \"on_track\"" : "a number", lua_typename(L, type));
    return 1;
  }
  if (type == LUA_TSTRING) {
    if (!textual) text_field(r, "status", &got_text), field = "status";
    const char *want = lua_tostring(L, index);
    if (strcmp(want, got_text) == 0) return 0;
    fprintf(out, _("  # %s: %s expected %s, got %s%s%s\n"), what, field, want, got_text, r->message ? ": " : "",
            r->message ? r->message : "");
    return 1;
  }
  double want = lua_tonumber(L, index), got = 0;
  int present = 0;
  if (!number_of_row(r, field, &present, &got)) {
    fprintf(out, _("  # %s: unknown field '%s' (value, numerator, denominator, status, progress, figure, level,"
                 " target_value, path_value, base_value, growth, yearly_*, cumulative_*)\n"), what, field);
    return 1;
  }
  if (present && fabs(got - want) <= 0.005) return 0;
  if (present) fprintf(out, _("  # %s: %s expected %g, got %g\n"), what, field, want, got);
  else fprintf(out, _("  # %s: %s expected %g, got no value (%s)\n"), what, field, want, result_status_name(r->status));
  return 1;
}

/* Compares one expectation (number, status string, or table of fields and
 * organizations) for indicator id and org. Returns the failures. */
static int check_expectation(lua_State *L, int spec, const result_set *set, const char *id, const char *org,
                             FILE *out) {
  char what[256];
  snprintf(what, sizeof what, "%s (%s)", id, org ? org : "total");
  const result_row *r = find_row(set, id, org);
  int want_absent = lua_type(L, spec) == LUA_TSTRING && !strcmp(lua_tostring(L, spec), "absent");
  if (!r) {
    if (want_absent) return 0;
    fprintf(out, _("  # %s: no such result\n"), what);
    return 1;
  }
  if (want_absent) { /* a municipality-level indicator has no rows per organization */
    fprintf(out, _("  # %s: expected no result, got one (%s)\n"), what, result_status_name(r->status));
    return 1;
  }
  if (r->status == STATUS_ERROR) {
    fprintf(out, "  # %s: %s\n", what, r->message ? r->message : "error");
    return 1;
  }
  if (lua_type(L, spec) != LUA_TTABLE) return check_field(L, spec, "value", r, what, out);
  int failures = 0;
  lua_pushnil(L);
  while (lua_next(L, spec)) {
    const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
    if (!org && lua_type(L, -2) == LUA_TSTRING && !is_row_field(key))
      failures += check_expectation(L, lua_gettop(L), set, id, key, out);
    else
      failures += check_field(L, lua_gettop(L), key, r, what, out);
    lua_pop(L, 1);
  }
  return failures;
}

/* The string field of the table at index, or NULL. */
static const char *string_field(lua_State *L, int index, const char *field) {
  const char *v = lua_getfield(L, index, field) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lua_pop(L, 1);
  return v; /* the string stays alive in the table */
}

/* Whether recommendation r matches the expectation table at index: its
 * indicator, organization (municipality = true: none), addressee and a
 * fragment of its text, each when given. */
static int recommendation_matches(lua_State *L, int index, const recommendation *r) {
  const char *indicator = string_field(L, index, "indicator"), *org = string_field(L, index, "organization");
  const char *to = string_field(L, index, "addressee"), *fragment = string_field(L, index, "contains");
  lua_getfield(L, index, "municipality");
  int municipality = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (indicator && (!r->indicator || strcmp(indicator, r->indicator))) return 0;
  if (org && (!r->organization || strcmp(org, r->organization))) return 0;
  if (municipality && r->organization) return 0;
  if (to && (!r->addressee || strcmp(to, r->addressee))) return 0;
  if (fragment && (!r->text || !strstr(r->text, fragment))) return 0;
  return 1;
}

/* test { recommendations = { { indicator =, organization =, addressee =,
 * contains =, absent = true }, ... } }: each must be found (or, with
 * absent, must not be). Returns the failures. */
static int check_recommendations(lua_State *L, int list, const result_set *set, FILE *out) {
  int failures = 0;
  for (lua_Integer i = 1; lua_rawgeti(L, list, i) == LUA_TTABLE; i++) {
    int spec = lua_gettop(L);
    lua_getfield(L, spec, "absent");
    int absent = lua_toboolean(L, -1);
    lua_pop(L, 1);
    size_t found = 0;
    for (size_t k = 0; k < set->nrecommendations; k++) found += recommendation_matches(L, spec, &set->recommendations[k]);
    if (absent ? found != 0 : found == 0) {
      const char *indicator = string_field(L, spec, "indicator"), *org = string_field(L, spec, "organization");
      fprintf(out, _("  # recommendations[%lld]: %s (indicator %s, organization %s)\n"), (long long)i,
              absent ? _("expected none, found one") : _("no such recommendation"), indicator ? indicator : _("any"),
              org ? org : _("any"));
      failures++;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return failures;
}

/* The place of org in rating id, or NULL. */
static const rating_row *find_rating(const result_set *set, const char *id, const char *org) {
  for (size_t i = 0; i < set->nratings; i++)
    if (!strcmp(set->ratings[i].rating, id) && set->ratings[i].organization && !strcmp(set->ratings[i].organization, org))
      return &set->ratings[i];
  return NULL;
}

/* test { ratings = { rating_id = { org = rank | "absent" | { rank =, score =,
 * covered =, weighted = } } } }. Returns the failures. */
static int check_ratings(lua_State *L, int table, const result_set *set, FILE *out) {
  int failures = 0;
  lua_pushnil(L);
  while (lua_next(L, table)) {
    const char *id = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
    if (lua_type(L, -1) != LUA_TTABLE) {
      fprintf(out, _("  # ratings.%s: expected a table of organizations\n"), id);
      failures++;
      lua_pop(L, 1);
      continue;
    }
    int orgs = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, orgs)) {
      const char *org = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
      const rating_row *r = find_rating(set, id, org);
      int value = lua_gettop(L);
      if (lua_type(L, value) == LUA_TSTRING && !strcmp(lua_tostring(L, value), "absent")) {
        if (r) fprintf(out, _("  # ratings.%s.%s: expected not ranked, got rank %d\n"), id, org, r->rank), failures++;
      } else if (!r) {
        fprintf(out, _("  # ratings.%s.%s: not ranked\n"), id, org);
        failures++;
      } else if (lua_type(L, value) == LUA_TNUMBER) {
        if ((int)lua_tointeger(L, value) != r->rank)
          fprintf(out, _("  # ratings.%s.%s: rank expected %d, got %d\n"), id, org, (int)lua_tointeger(L, value), r->rank), failures++;
      } else if (lua_type(L, value) == LUA_TTABLE) {
        static const char *const fields[] = {"rank", "score", "covered", "weighted"};
        double got[] = {r->rank, r->score, r->covered, r->weighted};
        for (int f = 0; f < 4; f++) {
          if (lua_getfield(L, value, fields[f]) == LUA_TNUMBER && fabs(lua_tonumber(L, -1) - got[f]) > 0.005) {
            fprintf(out, _("  # ratings.%s.%s: %s expected %g, got %g\n"), id, org, fields[f], lua_tonumber(L, -1), got[f]);
            failures++;
          }
          lua_pop(L, 1);
        }
      } else {
        fprintf(out, _("  # ratings.%s.%s: expected a rank, \"absent\" or { rank =, score = }\n"), id, org);
        failures++;
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  return failures;
}

/* One test's run: what it reads and writes inside its protected call,
 * and the resources its caller releases whatever happened there. */
typedef struct test_job {
  const char *dir, *municipality;
  FILE *out;
  scratch s;
  int scratch_made;
  result_set results;
  char name[256];
  char err[2048];
  int failures;
} test_job;

/* Runs the test given as argument 2 (a table the stdlib copied from the
 * test file); counts its failures in the job. */
static int run_one_protected(lua_State *L) {
  test_job *job = lua_touserdata(L, 1);
  int test = 2;
  FILE *out = job->out;
  char *err = job->err;
  size_t errlen = sizeof job->err;
  const char *dir = job->dir, *municipality = job->municipality;
  if (lua_getfield(L, test, "name") != LUA_TSTRING) return luaL_error(L, _("a test's name is not a string"));
  snprintf(job->name, sizeof job->name, "%s", lua_tostring(L, -1));
  lua_getfield(L, test, "period");
  int period = (int)lua_tointeger(L, -1);
  lua_pop(L, 2);
  result_set *results = &job->results;
  int failures = 0;
  job->scratch_made = scratch_open(&job->s) == 0;
  if (!job->scratch_made || build_store(L, test, &job->s, municipality, out, err, errlen) != 0) {
    failures = 1;
  } else {
    evaluate_options opt = {.store_path = job->s.store, .pack_dir = dir, .municipality = municipality,
                            .period = period, .limits = sandbox_default_limits()};
    if (evaluate_run(&opt, results, err, errlen) != 0) {
      failures = 1;
    } else {
      lua_getfield(L, test, "expect");
      int expect = lua_gettop(L);
      lua_pushnil(L);
      while (lua_next(L, expect)) {
        if (lua_type(L, -2) == LUA_TSTRING)
          failures += check_expectation(L, lua_gettop(L), results, lua_tostring(L, -2), NULL, out);
        else
          fprintf(out, _("  # expect: a %s key; expectations are named by indicator id\n"), luaL_typename(L, -2)), failures++;
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
      if (lua_getfield(L, test, "ratings") == LUA_TTABLE) failures += check_ratings(L, lua_gettop(L), results, out);
      lua_pop(L, 1);
      if (lua_getfield(L, test, "recommendations") == LUA_TTABLE)
        failures += check_recommendations(L, lua_gettop(L), results, out);
      lua_pop(L, 1);
    }
  }
  job->failures = failures;
  return 0;
}

/* Runs one test (the table on top, which it pops); returns 1 when it failed. */
static int run_one(sandbox *sb, const char *dir, const char *municipality, FILE *out, int number) {
  test_job job;
  memset(&job, 0, sizeof job);
  job.dir = dir;
  job.municipality = municipality;
  job.out = out;
  snprintf(job.name, sizeof job.name, "(unnamed)");
  sandbox_rearm(sb); /* each test is one unit of work */
  char message[1024];
  if (sandbox_protected(sb, run_one_protected, &job, 1, 0, message, sizeof message) != LUA_OK) {
    snprintf(job.err, sizeof job.err, "%s", message);
    job.failures = 1;
  }
  if (job.err[0]) fprintf(out, "  # %s\n", job.err);
  fprintf(out, "%s %d - %s\n", job.failures ? "not ok" : "ok", number, job.name);
  results_free(&job.results);
  if (job.scratch_made) scratch_close(&job.s);
  return job.failures ? 1 : 0;
}

/* Loads the test files of dir/tests into the sandbox; leaves the list of
 * tests on the stack. */
static int load_tests(sandbox *sb, const char *dir, char *err, size_t errlen) {
  lua_State *L = sandbox_lua(sb);
  if (stdlib_push_module(sb, "dsl", err, errlen) != 0) return -1;
  lua_getfield(L, -1, "new_tests");
  if (sandbox_call(sb, 0, 2, err, errlen) != LUA_OK) return -1;
  sandbox_push_env(sb);
  int env = lua_gettop(L);
  lua_getfield(L, env - 1, "test");
  lua_setfield(L, env, "test");
  char tests_dir[1200];
  snprintf(tests_dir, sizeof tests_dir, "%s/tests", dir);
  DIR *d = opendir(tests_dir);
  if (!d) return 0;
  struct dirent *e;
  char *names[256];
  size_t n = 0;
  while ((e = readdir(d)) != NULL && n < 256) {
    size_t len = strlen(e->d_name);
    if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, compare_strings);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    char path[1500], chunk[1600];
    snprintf(path, sizeof path, "%s/%s", tests_dir, names[i]);
    snprintf(chunk, sizeof chunk, "@%s", path);
    size_t len = 0;
    char *text = rc == 0 ? files_read(path, MAX_TEST_FILE, &len, err, errlen) : NULL;
    if (rc == 0 && !text) rc = -1;
    if (text) {
      if (sandbox_load(sb, text, len, chunk, env) != LUA_OK) {
        snprintf(err, errlen, "%s", lua_tostring(L, -1));
        rc = -1;
      } else if (sandbox_call(sb, 0, 0, err, errlen) != LUA_OK) {
        rc = -1;
      }
    }
    free(text);
    free(names[i]);
  }
  lua_settop(L, env - 2); /* the list stays on top */
  lua_remove(L, -2);      /* drop the dsl module */
  return rc;
}

/* What loading the tests needs inside its protected call. */
typedef struct load_tests_job {
  sandbox *sb;
  const char *dir;
  char *err;
  size_t errlen;
  int rc;
} load_tests_job;

/* Loads the test files and returns their list (one result). */
static int load_tests_protected(lua_State *L) {
  load_tests_job *job = lua_touserdata(L, 1);
  job->rc = load_tests(job->sb, job->dir, job->err, job->errlen);
  if (job->rc != 0) lua_pushnil(L);
  return 1;
}

int packtest_run(const char *dir, FILE *out, int *passed, char *err, size_t errlen) {
  *passed = 0;
  sandbox *sb = sandbox_new(sandbox_default_limits());
  if (!sb) { snprintf(err, errlen, _("out of memory")); return -1; }
  pack p;
  if (pack_load(sb, dir, &p, err, errlen) != 0) { sandbox_free(sb); return -1; }
  char municipality[128];
  snprintf(municipality, sizeof municipality, "%s", p.municipality[0] ? p.municipality : "test");
  pack_release(&p);
  lua_State *L = sandbox_lua(sb);
  int failed = -1;
  load_tests_job job = {sb, dir, err, errlen, -1};
  sandbox_rearm(sb);
  if (sandbox_protected(sb, load_tests_protected, &job, 0, 1, err, errlen) == LUA_OK && job.rc == 0) {
    int list = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, list); /* the stdlib's own list */
    failed = 0;
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, list, i);
      failed += run_one(sb, dir, municipality, out, (int)i);
    }
    *passed = (int)n - failed;
    if (n == 0) fprintf(out, _("%s: no tests (add files to %s/tests/)\n"), dir, dir);
  }
  sandbox_free(sb);
  return failed;
}
