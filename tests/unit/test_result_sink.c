/* The result sink's Lua object: rows handed over as Lua tables come back
 * in order with their texts and numbers (bound without copies, see
 * result_sink.c), and a row whose handing over raised half-way leaves
 * nothing of itself in the next row; a unit's fingerprints are its own;
 * a pending row is patched by its own unit's patch; rows the sink composes
 * itself (sink:org_row) come back judged. */
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
  char text[16384];
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

/* Every field a reader gives of a row, one line each. */
static int note_whole_row(void *ud, const result_row *r) {
  seen *s = ud;
  s->used += (size_t)snprintf(
      s->text + s->used, sizeof s->text - s->used, "%s|%s|%s|%s|%s=%s|%g|%g|%g|%s|%s|%s|%d|%g/%g/%g|%d|%d\n",
      r->municipality ? r->municipality : "-", r->indicator, r->organization ? r->organization : "-",
      r->organization_name ? r->organization_name : "-", r->breakdown ? r->breakdown : "-", r->group ? r->group : "-",
      r->has_value ? r->value : -1, r->has_counts ? r->numerator : -1, r->has_denominator ? r->denominator : -1,
      result_status_name(r->status), r->message ? r->message : "-", r->target_text ? r->target_text : "-",
      r->target_year, r->yearly[0], r->yearly[1], r->yearly[2], r->has_yearly, r->base_asked);
  return 0;
}

static int note_block(void *ud, const char *unit, int key) {
  seen *s = ud;
  s->used += (size_t)snprintf(s->text + s->used, sizeof s->text - s->used, "block %s %d\n", unit ? unit : "-", key);
  return 0;
}

/* Three municipalities of a region-wide run: rows of two indicators
 * interleaved by organization, totals after them, a breakdown; in m1 the
 * pending rows of one kind do not apply after all; in m2 the second
 * indicator fails; m3's run fails as a whole. The rows are handed over
 * with the sink moving them to its database at the row `spill_at` (-1:
 * never), and everything the readers say is written to out. */
static void region_run(int spill_at, seen *out) {
  char err[256];
  result_sink *sink;
  assert_int_equal(result_sink_open(&sink, err, sizeof err), 0);
  indicator_desc a = {.id = "teachers", .title = "Доля педагогов", .unit = "%", .level = "organization"};
  indicator_desc b = {.id = "young", .title = "Доля молодых", .unit = "%", .level = "organization"};
  const char *units[] = {"m1", "m2", "m3"};
  int row = 0;
  for (int u = 0; u < 3; u++) {
    assert_int_equal(result_sink_set_unit(sink, units[u]), 0);
    assert_int_equal(result_sink_describe(sink, 1, &a, err, sizeof err), 0);
    assert_int_equal(result_sink_describe(sink, 2, &b, err, sizeof err), 0);
    const char *chunks[] = {
        "sink:row(1, nil, 1, 1, { organization = 's1', organization_name = 'СОШ 1', value = 50, numerator = 1,"
        " denominator = 2, status = 'not_met', target = { text = 'не менее 60%', year = 2026 },"
        " yearly = { value = 50, numerator = 1, denominator = 2 }, base_asked = 2022 })",
        "sink:row(2, nil, 1, 1, { organization = 's1', organization_name = 'СОШ 1', value = 10, numerator = 1,"
        " denominator = 10, status = 'no_target' })",
        "sink:row(1, nil, 1, 2, { organization = 'd2', organization_name = 'ДОУ 2', numerator = 0, denominator = 0,"
        " status = 'no_data', message = 'нет данных', target = { text = 'не менее 60%' } }, 'preschool')",
        "sink:row(2, nil, 1, 2, { organization = 'd2', organization_name = 'ДОУ 2', value = 0, numerator = 0,"
        " denominator = 3, status = 'no_target' }, 'preschool')",
        "sink:row(1, nil, 0, 0, { value = 50, numerator = 1, denominator = 2, status = 'not_met' })",
        "sink:row(2, nil, 0, 0, { value = 7.69, numerator = 1, denominator = 13, status = 'no_target' })",
        "sink:row(2, nil, 2, 1, { breakdown = 'position', group = 'teacher', value = 5, numerator = 1,"
        " denominator = 20, status = 'no_target' })",
    };
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++, row++) {
      if (row == spill_at) result_sink_set_memory_limit(sink, 0);
      assert_true(run_lua(sink, chunks[c]));
    }
    if (u == 0) assert_true(run_lua(sink, "sink:not_applicable(1, nil, 'preschool', 'не применимо: нет педагогов')"));
    if (u == 1) assert_true(run_lua(sink, "sink:fail(2, nil, 'ошибка показателя')"));
    if (u == 2) assert_int_equal(result_sink_fail_all(sink, "ошибка запуска", err, sizeof err), 0);
  }
  result_sink_set_unit(sink, NULL);
  assert_int_equal(result_sink_finish(sink, err, sizeof err), 0);
  seen *s = out;
  assert_int_equal(result_sink_each_row(sink, NULL, note_whole_row, s), 0);
  assert_int_equal(result_sink_each_row(sink, "d2", note_whole_row, s), 0);
  assert_int_equal(result_sink_each_error(sink, NULL, note_whole_row, s), 0);
  assert_int_equal(result_sink_each_block(sink, NULL, note_block, s), 0);
  assert_int_equal(result_sink_each_block(sink, "s1", note_block, s), 0);
  assert_int_equal(result_sink_each_row_of(sink, "m1", 2, NULL, note_whole_row, s), 0);
  assert_int_equal(result_sink_each_row_of(sink, "m2", 1, "s1", note_whole_row, s), 0);
  assert_int_equal(result_sink_each_row_in(sink, "m2", note_whole_row, s), 0);
  assert_int_equal(result_sink_each_row_in(sink, NULL, note_whole_row, s), 0);
  s->used += (size_t)snprintf(s->text + s->used, sizeof s->text - s->used, "errors %lld %lld %lld %lld; s1 rows %lld\n",
                              result_sink_errors(sink), result_sink_errors_in(sink, "m1"),
                              result_sink_errors_in(sink, "m2"), result_sink_errors_in(sink, "m3"),
                              result_sink_organization_rows(sink, "s1"));
  result_sink_close(sink);
}

/* The rows held in memory and the rows moved to the database (from the
 * first row, or half-way through) read back the same, in the same order:
 * patched, failed and wholly failed units alike. */
static void held_and_moved_rows_read_the_same(void **state) {
  (void)state;
  static seen held, moved, halfway;
  region_run(-1, &held);
  region_run(0, &moved);
  region_run(10, &halfway);
  assert_string_equal(held.text, moved.text);
  assert_string_equal(held.text, halfway.text);
  /* what the run says: m1's preschool row of the first indicator does not apply (its figures kept, its target
   * gone), the second's stands; m2's second indicator is its error alone; m3 is its errors alone */
  assert_non_null(strstr(held.text, "m1|teachers|d2|ДОУ 2|-=-|-1|0|0|not_applicable|не применимо: нет педагогов|-|0|"));
  assert_non_null(strstr(held.text, "m1|young|d2|ДОУ 2|-=-|0|0|3|no_target|-|-|0|"));
  assert_non_null(strstr(held.text, "m1|teachers|s1|СОШ 1|-=-|50|1|2|not_met|-|не менее 60%|2026|50/1/2|1|2022\n"));
  assert_non_null(strstr(held.text, "m2|young|-|-|-=-|-1|-1|-1|error|ошибка показателя|-|0|"));
  assert_null(strstr(held.text, "m2|young|s1"));
  assert_null(strstr(held.text, "m3|teachers|s1"));
  assert_non_null(strstr(held.text, "m3|teachers|-|-|-=-|-1|-1|-1|error|ошибка запуска|"));
  assert_non_null(strstr(held.text, "errors 3 0 1 2; s1 rows 3\n"));
}

/* Pending rows of a thousand municipalities, every other one's kind found
 * empty: each row is patched by its own unit's patch alone (looked up by
 * the patch table's key, once per run of rows). */
static void each_units_patch_is_its_own(void **state) {
  (void)state;
  char err[256], unit[16], chunk[512];
  result_sink *sink;
  assert_int_equal(result_sink_open(&sink, err, sizeof err), 0);
  indicator_desc a = {.id = "teachers", .title = "Доля педагогов", .unit = "%", .level = "organization"};
  for (int u = 1; u <= 1000; u++) {
    snprintf(unit, sizeof unit, "m%04d", u);
    assert_int_equal(result_sink_set_unit(sink, unit), 0);
    assert_int_equal(result_sink_describe(sink, 1, &a, err, sizeof err), 0);
    snprintf(chunk, sizeof chunk,
             "sink:row(1, nil, 1, 1, { organization = '%s-d', numerator = 0, denominator = 0, status = 'no_data' },"
             " 'preschool')\n"
             "sink:row(1, nil, 1, 2, { organization = '%s-s', value = 5, status = 'no_target' })\n"
             "if %d %% 2 == 0 then sink:not_applicable(1, nil, 'preschool', 'n/a %s') end",
             unit, unit, u, unit);
    assert_true(run_lua(sink, chunk));
  }
  result_sink_set_unit(sink, NULL);
  assert_int_equal(result_sink_finish(sink, err, sizeof err), 0);
  static seen s;
  s.used = 0;
  assert_int_equal(result_sink_each_row_in(sink, "m0999", note_row, &s), 0);
  assert_int_equal(result_sink_each_row_in(sink, "m1000", note_row, &s), 0);
  assert_string_equal(s.text, "teachers|m0999-d|-|-|no_data|-|-\n"
                              "teachers|m0999-s|-|v|no_target|-|-\n"
                              "teachers|m1000-d|-|-|not_applicable|n/a m1000|-\n"
                              "teachers|m1000-s|-|v|no_target|-|-\n");
  result_sink_close(sink);
}

/* The rows evaluation.lua has the sink compose (sink:org_plan, org_slot,
 * org_row, org_learn): a verdict not yet known is asked for with the value,
 * then the row comes back judged with its slot's target; a wrong plan or
 * slot is refused. */
static void rows_composed_by_the_sink_come_back(void **state) {
  (void)state;
  char err[256];
  result_sink *sink;
  assert_int_equal(result_sink_open(&sink, err, sizeof err), 0);
  indicator_desc a = {.id = "teachers", .title = "Доля педагогов", .unit = "%", .level = "organization"};
  assert_int_equal(result_sink_describe(sink, 1, &a, err, sizeof err), 0);
  assert_true(run_lua(sink, "local p = sink:org_plan('share', false, false, true, nil, 'nobody', 'zero')\n"
                            "local slot = sink:org_slot({ text = 'не менее 60%', kind = 'at_least', value = 60 }, 1)\n"
                            "local done, v, base = sink:org_row(p, slot, 1, nil, 1, 's1', 'СОШ 1', 'school', 4, 3, false, nil)\n"
                            "assert(done == false and v == 75.0 and math.type(v) == 'float' and base == nil)\n"
                            "sink:org_learn(slot, v, nil, nil, { status = 'met' })\n"
                            "assert(sink:org_row(p, slot, 1, nil, 1, 's1', 'СОШ 1', 'school', 4, 3, false, nil) == true)\n"
                            "local _, pending = sink:org_row(p, 0, 1, nil, 2, 'd2', 'ДОУ 2', 'preschool', 0, 0, false, nil)\n"
                            "assert(pending == 'pending')\n"
                            "assert(not pcall(sink.org_row, sink, p + 1, 0, 1, nil, 3, 'x', 'x', 'school', 1, 1, false, nil))\n"
                            "assert(not pcall(sink.org_row, sink, p, slot + 1, 1, nil, 3, 'x', 'x', 'school', 1, 1, false, nil))\n"
                            "assert(not pcall(sink.org_learn, sink, slot, 1, nil, nil, { status = 'nonsense' }))\n"
                            "assert(not pcall(sink.org_slot, sink, {}, 3))"));
  assert_int_equal(result_sink_finish(sink, err, sizeof err), 0);
  static seen s;
  s.used = 0;
  assert_int_equal(result_sink_each_row(sink, NULL, note_row, &s), 0);
  assert_string_equal(s.text, "teachers|s1|СОШ 1|v|met|-|не менее 60%\n"
                              "teachers|d2|ДОУ 2|-|no_data|zero|-\n");
  result_sink_close(sink);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(rows_come_back_and_a_failed_row_leaves_nothing),
                                     cmocka_unit_test(a_units_judgements_are_its_own),
                                     cmocka_unit_test(held_and_moved_rows_read_the_same),
                                     cmocka_unit_test(each_units_patch_is_its_own),
                                     cmocka_unit_test(rows_composed_by_the_sink_come_back)};
  return cmocka_run_group_tests_name("result_sink", tests, NULL, NULL);
}
