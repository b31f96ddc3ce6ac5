/* The result sink's Lua object: rows handed over as Lua tables come back
 * in order with their texts and numbers (bound without copies, see
 * result_sink.c), and a row whose handing over raised half-way leaves
 * nothing of itself in the next row; a unit's fingerprints are its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result_sink.h"
#include "results.h"

/* What the rows read back hold, one line each. */
typedef struct seen {
  char text[4096];
  size_t used;
} seen;

static int note_row(void *ud, const result_row *r) {
  seen *s = ud;
  s->used += (size_t)snprintf(s->text + s->used, sizeof s->text - s->used, "%s|%s|%s|%s|%s|%s|%s\n", r->indicator,
                              r->organization ? r->organization : "-", r->organization_name ? r->organization_name : "-",
                              r->has_value ? "v" : "-", result_status_name(r->status), r->message ? r->message : "-",
                              r->target_text ? r->target_text : "-");
  return 0;
}

/* Runs chunk with the sink as the global sink; returns whether it ran
 * without error. */
static int run_lua(result_sink *sink, const char *chunk) {
  lua_State *L = luaL_newstate();
  assert_non_null(L);
  luaL_openlibs(L);
  result_sink_push(L, sink);
  lua_setglobal(L, "sink");
  int ok = luaL_dostring(L, chunk) == LUA_OK;
  lua_close(L);
  return ok;
}

static void rows_come_back_and_a_failed_row_leaves_nothing(void **state) {
  (void)state;
  char err[256];
  result_sink *sink;
  assert_int_equal(result_sink_open(&sink, err, sizeof err), 0);
  indicator_desc d = {.id = "teachers", .title = "Доля педагогов", .unit = "%", .level = "organization"};
  assert_int_equal(result_sink_describe(sink, 1, &d, err, sizeof err), 0);
  /* texts made at run time (not constants of the chunk), dropped as soon as handed over */
  assert_true(run_lua(sink, "local name = 'МБОУ «СОШ № ' .. 1 .. '»'\n"
                            "sink:row(1, nil, 1, 1, { organization = 'o' .. 1, organization_name = name, value = 50,"
                            " status = 'met', target = { text = 'не менее ' .. 40 .. '%', kind = 'at_least', value = 40 } })\n"
                            "name = nil collectgarbage()\n"));
  /* the pending kind is a number: refused after the row's fields were bound */
  assert_false(run_lua(sink, "sink:row(1, nil, 1, 2, { organization = 'stale', organization_name = 'Stale',"
                             " status = 'met', message = 'stale', target = { text = 'stale' } }, 42)"));
  assert_true(run_lua(sink, "sink:row(1, nil, 1, 3, { status = 'no_data' })\n"
                            "sink:row(1, nil, 0, 0, { value = 45.5, status = 'met' })"));
  assert_int_equal(result_sink_finish(sink, err, sizeof err), 0);
  seen s = {.used = 0};
  assert_int_equal(result_sink_each_row(sink, NULL, note_row, &s), 0);
  assert_string_equal(s.text, "teachers|-|-|v|met|-|-\n"
                              "teachers|o1|МБОУ «СОШ № 1»|v|met|-|не менее 40%\n"
                              "teachers|-|-|-|no_data|-|-\n");
  result_sink_close(sink);
}

static int note_judgement(void *ud, const char *unit, const char *indicator, const char *targets, const char *formula) {
  seen *s = ud;
  s->used += (size_t)snprintf(s->text + s->used, sizeof s->text - s->used, "%s|%s|%s|%s\n", unit ? unit : "-",
                              indicator, targets, formula);
  return 0;
}

/* A region-wide run's sink holds every municipality's fingerprints; the
 * cycle of one reads its own only (each cycle reading them all made
 * cycle run --all quadratic in the municipalities). */
static void a_units_judgements_are_its_own(void **state) {
  (void)state;
  char err[256];
  result_sink *sink;
  assert_int_equal(result_sink_open(&sink, err, sizeof err), 0);
  indicator_desc a = {.id = "teachers", .title = "Доля педагогов", .unit = "%", .level = "organization"};
  indicator_desc b = {.id = "heads", .title = "Доля руководителей", .unit = "%", .level = "organization"};
  /* as a region-wide run hands them over: each municipality's in turn, the sink tagging them */
  const char *units[] = {"m1", "m2"};
  for (int u = 0; u < 2; u++) {
    assert_int_equal(result_sink_set_unit(sink, units[u]), 0);
    assert_int_equal(result_sink_describe(sink, 1, &a, err, sizeof err), 0);
    assert_int_equal(result_sink_describe(sink, 2, &b, err, sizeof err), 0);
    char chunk[256];
    snprintf(chunk, sizeof chunk, "sink:judgement(2, nil, 't-%s-heads', 'f2') sink:judgement(1, nil, 't-%s-teachers', 'f1')",
             units[u], units[u]);
    assert_true(run_lua(sink, chunk));
  }
  assert_int_equal(result_sink_finish(sink, err, sizeof err), 0);
  seen s = {.used = 0};
  assert_int_equal(result_sink_each_judgement_in(sink, "m2", note_judgement, &s), 0);
  assert_string_equal(s.text, "m2|teachers|t-m2-teachers|f1\n"
                              "m2|heads|t-m2-heads|f2\n");
  s.used = 0;
  s.text[0] = '\0';
  assert_int_equal(result_sink_each_judgement_in(sink, NULL, note_judgement, &s), 0);
  assert_string_equal(s.text, "");
  result_sink_close(sink);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(rows_come_back_and_a_failed_row_leaves_nothing),
                                     cmocka_unit_test(a_units_judgements_are_its_own)};
  return cmocka_run_group_tests_name("result_sink", tests, NULL, NULL);
}
