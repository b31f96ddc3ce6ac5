/* An organization's row composed in C (org_rows) is the row
 * evaluation.lua's organization_row made: a share rounded as aggregates.lua
 * rounds it (exactly from integers, from floats through round2), a share of
 * nobody without a value, not applicable or pending as the indicator says,
 * a verdict asked of Lua once per target and value and then remembered,
 * a period without data making the row "no data" with its target kept, and
 * a verdict on a value and a base value bringing its own target part, and
 * a target read since a first year showing and judging both figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "org_rows.h"

static org_number whole(long long i) { return (org_number){.integer = 1, .i = i}; }
static org_number real(double d) { return (org_number){.integer = 0, .d = d}; }

static org_rows *with_plan(org_aggregate aggregate, int empty_na, int applies_to, int by_kinds, int *plan) {
  org_rows *o = org_rows_new();
  assert_non_null(o);
  org_plan p = {.aggregate = aggregate, .empty_not_applicable = empty_na, .has_applies_to = applies_to,
                .by_kinds = by_kinds, .outside = "outside", .empty = "nobody", .zero = "zero"};
  *plan = org_rows_add_plan(o, &p);
  assert_int_equal(*plan, 0);
  return o;
}

static org_input share_of(int plan, int slot, org_number part, org_number of) {
  return (org_input){.plan = plan, .slot = slot, .seq = 3, .ord = 7, .unit = "m1", .id = "o1", .name = "School",
                     .kind = "school", .m1 = of, .m2 = part};
}

/* Composes in, which must not need a verdict. */
static held_row composed(org_rows *o, const org_input *in, int *pending) {
  held_row r;
  org_key k;
  assert_int_equal(org_rows_compose(o, in, &r, pending, &k), 1);
  return r;
}

static double value_of(org_rows *o, org_number part, org_number of) {
  int plan, pending;
  org_rows *p = o ? o : with_plan(ORG_SHARE, 0, 0, 1, &plan);
  org_input in = share_of(0, 0, part, of);
  held_row r = composed(p, &in, &pending);
  assert_true(r.num_present & (1u << HN_VALUE));
  if (!o) org_rows_free(p);
  return r.num[HN_VALUE];
}

static void a_share_is_rounded_as_the_stdlib_rounds_it(void **state) {
  (void)state;
  assert_true(value_of(NULL, whole(1), whole(3)) == 33.33);
  assert_true(value_of(NULL, whole(2), whole(3)) == 66.67);
  assert_true(value_of(NULL, whole(1), whole(8)) == 12.5);
  assert_true(value_of(NULL, whole(1), whole(6)) == 16.67);
  assert_true(value_of(NULL, whole(1), whole(200)) == 0.5);
  assert_true(value_of(NULL, whole(3856), whole(12822)) == 30.07);
  assert_true(value_of(NULL, real(1), whole(3)) == 33.33);  /* round2(100 / 3) */
  assert_true(value_of(NULL, real(0.125), whole(1)) == 12.5); /* half away from zero */
}

static void a_share_of_nobody_has_no_value(void **state) {
  (void)state;
  int plan, pending;
  org_rows *o = with_plan(ORG_SHARE, 0, 1, 1, &plan);
  org_input in = share_of(plan, 0, whole(0), whole(0));
  held_row r = composed(o, &in, &pending);
  assert_false(r.num_present & (1u << HN_VALUE));
  assert_true(r.num_present & (1u << HN_DENOMINATOR));
  assert_string_equal(r.text[HT_MESSAGE], "zero");
  assert_int_equal(r.status, STATUS_NO_DATA);
  assert_int_equal(pending, 0); /* applies_to: a school without teachers has no data */
  assert_string_equal(r.text[HT_ORGANIZATION], "o1");
  assert_int_equal(r.ind, 3);
  assert_int_equal(r.part, 1);
  assert_int_equal(r.ord, 7);
  org_rows_free(o);
}

static void an_empty_population_does_not_apply_or_waits_for_its_kind(void **state) {
  (void)state;
  int plan, pending;
  org_rows *o = with_plan(ORG_SHARE, 1, 0, 1, &plan);
  org_input in = share_of(plan, 0, whole(0), whole(0));
  held_row r = composed(o, &in, &pending);
  assert_int_equal(r.status, STATUS_NOT_APPLICABLE);
  assert_string_equal(r.text[HT_MESSAGE], "nobody");
  org_rows_free(o);

  o = with_plan(ORG_SHARE, 0, 0, 1, &plan);
  r = composed(o, &in, &pending);
  assert_int_equal(pending, 1);
  assert_string_equal(r.text[HT_PENDING_KIND], "school");
  assert_int_equal(r.status, STATUS_NO_DATA);
  org_rows_free(o);

  o = with_plan(ORG_SHARE, 0, 0, 0, &plan); /* distinct counts: kinds are not known */
  r = composed(o, &in, &pending);
  assert_int_equal(pending, 0);
  assert_null(r.text[HT_PENDING_KIND]);
  org_rows_free(o);
}

static void another_kind_does_not_apply_and_keeps_its_figures(void **state) {
  (void)state;
  int plan, pending;
  org_rows *o = with_plan(ORG_SHARE, 0, 1, 1, &plan);
  org_target t = {.text = "75%", .kind = "at_least", .judged = 1};
  int slot = org_rows_add_slot(o, &t);
  org_input in = share_of(plan, slot, whole(1), whole(4));
  in.outside = 1;
  held_row r = composed(o, &in, &pending); /* no verdict needed */
  assert_int_equal(r.status, STATUS_NOT_APPLICABLE);
  assert_string_equal(r.text[HT_MESSAGE], "outside");
  assert_false(r.num_present & (1u << HN_VALUE));
  assert_true(r.num[HN_NUMERATOR] == 1 && r.num[HN_DENOMINATOR] == 4);
  assert_null(r.text[HT_TARGET_TEXT]);
  org_rows_free(o);
}

static void a_verdict_is_asked_once_then_remembered(void **state) {
  (void)state;
  int plan, pending;
  org_key k;
  org_rows *o = with_plan(ORG_SHARE, 0, 1, 1, &plan);
  org_target t = {.text = "75%", .kind = "at_least", .reason = "why", .origin = "document", .has_value = 1,
                  .value = 75, .has_year = 1, .year = 2024, .judged = 1};
  int slot = org_rows_add_slot(o, &t);
  assert_int_equal(slot, 1);
  org_input in = share_of(plan, slot, whole(3), whole(4));
  held_row r;
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_true(k.has_value && k.value == 75 && !k.integer && !k.has_base);
  org_verdict v = {.status = STATUS_IN_PROGRESS, .message = "until 2024", .progress = "on_track",
                   .has_path_value = 1, .path_value = 49.95};
  assert_int_equal(org_rows_learn(o, slot, &k, &v), 0);
  r = composed(o, &in, &pending);
  assert_int_equal(r.status, STATUS_IN_PROGRESS);
  assert_string_equal(r.text[HT_MESSAGE], "until 2024");
  assert_string_equal(r.text[HT_PROGRESS], "on_track");
  assert_true(r.num[HN_PATH_VALUE] == 49.95);
  assert_string_equal(r.text[HT_TARGET_TEXT], "75%");
  assert_string_equal(r.text[HT_TARGET_ORIGIN], "document");
  assert_true(r.num[HN_TARGET_VALUE] == 75 && r.year[HY_TARGET_YEAR] == 2024);
  /* another value is asked again */
  in.m2 = whole(1);
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_true(k.value == 25);
  org_rows_free(o);
}

static void an_integer_and_a_float_are_judged_apart(void **state) {
  (void)state;
  int plan, pending;
  org_key k;
  org_rows *o = with_plan(ORG_COUNT, 0, 0, 1, &plan);
  org_target t = {.text = "1", .kind = "at_least", .judged = 1};
  int slot = org_rows_add_slot(o, &t);
  org_input in = {.plan = plan, .slot = slot, .id = "o1", .kind = "school", .m1 = whole(2)};
  held_row r;
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_true(k.has_value && k.integer && k.value == 2);
  org_verdict v = {.status = STATUS_MET};
  assert_int_equal(org_rows_learn(o, slot, &k, &v), 0);
  r = composed(o, &in, &pending);
  assert_int_equal(r.status, STATUS_MET);
  assert_false(r.num_present & (1u << HN_DENOMINATOR)); /* a count has none */
  in.m1 = real(2);
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_false(k.integer);
  org_rows_free(o);
}

static void no_data_in_the_period_keeps_the_target(void **state) {
  (void)state;
  int plan, pending;
  org_rows *o = with_plan(ORG_EXISTS, 0, 0, 1, &plan);
  org_target t = {.text = "Наличие", .kind = "presence", .reason = "not this year", .judged = 0};
  int slot = org_rows_add_slot(o, &t);
  org_input in = {.plan = plan, .slot = slot, .id = "o1", .kind = "school", .m1 = whole(5)};
  held_row r = composed(o, &in, &pending);
  assert_int_equal(r.status, STATUS_NO_TARGET); /* a value, a target that does not apply this period */
  assert_true(r.num[HN_VALUE] == 1 && r.num[HN_NUMERATOR] == 5);
  assert_string_equal(r.text[HT_TARGET_REASON], "not this year");
  in.missing = "no rows";
  r = composed(o, &in, &pending);
  assert_int_equal(r.status, STATUS_NO_DATA);
  assert_false(r.num_present & (1u << HN_VALUE));
  assert_string_equal(r.text[HT_MESSAGE], "no rows");
  assert_string_equal(r.text[HT_TARGET_TEXT], "Наличие");
  in.slot = 0; /* no target at all */
  in.missing = NULL;
  r = composed(o, &in, &pending);
  assert_int_equal(r.status, STATUS_NO_TARGET);
  assert_null(r.text[HT_TARGET_TEXT]);
  org_rows_free(o);
}

static void verdicts_are_forgotten_in_bulk_and_learned_again(void **state) {
  (void)state;
  int plan, pending;
  org_key k;
  org_rows *o = with_plan(ORG_COUNT, 0, 0, 1, &plan);
  org_target t = {.text = "1", .kind = "at_least", .judged = 1};
  int slot = org_rows_add_slot(o, &t);
  org_verdict met = {.status = STATUS_MET}, not_met = {.status = STATUS_NOT_MET};
  for (long long i = 0; i < 10000; i++) {
    org_key learned = {.has_value = 1, .integer = 1, .value = (double)i};
    assert_int_equal(org_rows_learn(o, slot, &learned, i % 2 ? &met : &not_met), 0);
  }
  org_input in = {.plan = plan, .slot = slot, .id = "o1", .kind = "school", .m1 = whole(9999)};
  held_row r = composed(o, &in, &pending); /* the last learned is kept */
  assert_int_equal(r.status, STATUS_MET);
  in.m1 = whole(1);
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_false(org_rows_has_slot(o, slot + 1));
  assert_false(org_rows_has_plan(o, plan + 1));
  org_rows_free(o);
}

/* A growth target, or a path from a base year, judges the value with the
 * base year's (made from the base sums as the value from the year's): the
 * verdict is remembered by both, and brings the row's own target part,
 * base value and growth. */
static void a_verdict_on_value_and_base_brings_its_target(void **state) {
  (void)state;
  int plan, pending;
  org_key k;
  org_rows *o = with_plan(ORG_SHARE, 0, 1, 1, &plan);
  org_target t = {.text = "рост", .kind = "growth", .judged = 2};
  int slot = org_rows_add_slot(o, &t);
  org_input in = share_of(plan, slot, whole(1), whole(2));
  in.has_base = 1;
  in.b1 = whole(4);
  in.b2 = whole(1);
  held_row r;
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_true(k.has_value && k.value == 50 && k.has_base && k.base == 25 && !k.base_integer);
  org_verdict v = {.status = STATUS_MET, .has_part = 1,
                   .part = {.text = "рост", .kind = "growth", .reason = "25 → 50, +100%", .origin = "document"},
                   .has_base_year = 1, .base_year = 2021, .has_base_value = 1, .base_value = 25, .has_growth = 1,
                   .growth = 100, .has_base_asked = 1, .base_asked = 2021};
  assert_int_equal(org_rows_learn(o, slot, &k, &v), 0);
  r = composed(o, &in, &pending);
  assert_int_equal(r.status, STATUS_MET);
  assert_string_equal(r.text[HT_TARGET_REASON], "25 → 50, +100%");
  assert_true(r.num[HN_BASE_VALUE] == 25 && r.num[HN_GROWTH] == 100);
  assert_true(r.year[HY_BASE_YEAR] == 2021 && r.year[HY_BASE_ASKED] == 2021);
  /* the same value against another base, or none, is asked again */
  in.b2 = whole(2);
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_true(k.base == 50);
  in.has_base = 0;
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_false(k.has_base);
  org_rows_free(o);
}

/* A target read since a first year shows the year's and the cumulative
 * figures, is judged by the cumulative value too, and makes the row's
 * value the cumulative one when that is its figure; no data in the period
 * takes the year's value away as well. */
static void a_cumulative_figure_is_shown_and_judged(void **state) {
  (void)state;
  int plan, pending;
  org_key k;
  org_rows *o = with_plan(ORG_SHARE, 0, 1, 1, &plan);
  org_target t = {.text = "66,6% к 2024", .kind = "at_least", .judged = 1, .has_since = 1, .since = 2021,
                  .figure = "cumulative", .cumulative = 1};
  int slot = org_rows_add_slot(o, &t);
  org_input in = share_of(plan, slot, whole(1), whole(4));
  in.has_cum = 1;
  in.c1 = whole(4);
  in.c2 = whole(3);
  held_row r;
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_true(k.value == 25 && k.has_cum && k.cum == 75 && !k.has_base);
  org_verdict v = {.status = STATUS_MET};
  assert_int_equal(org_rows_learn(o, slot, &k, &v), 0);
  r = composed(o, &in, &pending);
  assert_int_equal(r.status, STATUS_MET);
  assert_true(r.num[HN_VALUE] == 75 && r.num[HN_NUMERATOR] == 3 && r.num[HN_DENOMINATOR] == 4);
  assert_true(r.num[HN_YEARLY] == 25 && r.num[HN_YEARLY + 1] == 1 && r.num[HN_YEARLY + 2] == 4);
  assert_true(r.year[HY_HAS_YEARLY] == 1 && r.year[HY_HAS_CUMULATIVE] == 1 && r.year[HY_CUMULATIVE_SINCE] == 2021);
  assert_string_equal(r.text[HT_FIGURE], "cumulative");
  /* another cumulative value with the same year's value is asked again */
  in.c2 = whole(2);
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  /* without the sums since the first year the cumulative figure is empty, and so the row's value */
  in.has_cum = 0;
  assert_int_equal(org_rows_compose(o, &in, &r, &pending, &k), 0);
  assert_false(k.has_cum);
  assert_int_equal(org_rows_learn(o, slot, &k, &(org_verdict){.status = STATUS_NO_DATA}), 0);
  r = composed(o, &in, &pending);
  assert_false(r.num_present & (1u << HN_VALUE | 1u << HN_CUMULATIVE));
  assert_true(r.year[HY_HAS_CUMULATIVE] == 1);
  in.missing = "no rows";
  r = composed(o, &in, &pending);
  assert_false(r.num_present & (1u << HN_YEARLY));
  assert_true(r.num_present & (1u << (HN_YEARLY + 1)));
  org_rows_free(o);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_share_is_rounded_as_the_stdlib_rounds_it),
      cmocka_unit_test(a_share_of_nobody_has_no_value),
      cmocka_unit_test(an_empty_population_does_not_apply_or_waits_for_its_kind),
      cmocka_unit_test(another_kind_does_not_apply_and_keeps_its_figures),
      cmocka_unit_test(a_verdict_is_asked_once_then_remembered),
      cmocka_unit_test(an_integer_and_a_float_are_judged_apart),
      cmocka_unit_test(no_data_in_the_period_keeps_the_target),
      cmocka_unit_test(verdicts_are_forgotten_in_bulk_and_learned_again),
      cmocka_unit_test(a_verdict_on_value_and_base_brings_its_target),
      cmocka_unit_test(a_cumulative_figure_is_shown_and_judged),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
