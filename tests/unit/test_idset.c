/* The set of identities a staff import has seen (idset): each key kept
 * once with its first line, the empty key a key like any other, keys of
 * the same hash slot told apart by their bytes, and every key still found
 * after the table has doubled many times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "idset.h"

static void a_key_is_kept_once_with_its_first_line(void **state) {
  (void)state;
  idset s;
  idset_init(&s);
  size_t first = 0;
  assert_int_equal(idset_add(&s, "w1", 2, &first), 1);
  assert_int_equal(idset_add(&s, "w2", 3, &first), 1);
  assert_int_equal(idset_add(&s, "w1", 7, &first), 0);
  assert_int_equal(first, 2);
  assert_int_equal(idset_add(&s, "w1", 9, NULL), 0);
  assert_int_equal(idset_add(&s, "w1", 11, &first), 0);
  assert_int_equal(first, 2); /* the line it was added with, not the last one seen */
  assert_int_equal(idset_has(&s, "w1"), 1); /* asked, not added */
  assert_int_equal(idset_has(&s, "w3"), 0);
  assert_int_equal(idset_has(&s, "w"), 0);
  assert_int_equal(s.n, 2);
  idset_free(&s);
  assert_int_equal(s.n, 0);
  assert_null(s.at);
}

static void the_empty_key_is_a_key(void **state) {
  (void)state;
  idset s = {0};
  size_t first = 0;
  assert_int_equal(idset_has(&s, ""), 0); /* an empty set holds nothing, before its first table */
  assert_int_equal(idset_add(&s, "", 4, &first), 1);
  assert_int_equal(idset_add(&s, "a", 5, &first), 1);
  assert_int_equal(idset_add(&s, "", 6, &first), 0);
  assert_int_equal(first, 4);
  idset_free(&s);
}

/* Keys that differ in their last byte, or one a prefix of the other, or
 * sharing a slot, are different keys. */
static void similar_keys_are_told_apart(void **state) {
  (void)state;
  idset s = {0};
  size_t first = 0;
  assert_int_equal(idset_add(&s, "s001-000|2020-09-01", 1, &first), 1);
  assert_int_equal(idset_add(&s, "s001-000|2020-09-02", 2, &first), 1);
  assert_int_equal(idset_add(&s, "s001-000", 3, &first), 1);
  assert_int_equal(idset_add(&s, "s001-000|", 4, &first), 1);
  assert_int_equal(idset_add(&s, "s001-000|2020-09-02", 5, &first), 0);
  assert_int_equal(first, 2);
  /* the first table filled to just below its doubling: keys share home slots */
  char key[32];
  size_t cap = s.cap, added = 0;
  for (size_t i = 0; (s.n + 1) * 4 <= cap * 3; i++, added++) {
    snprintf(key, sizeof key, "k%zu", i);
    assert_int_equal(idset_add(&s, key, 100 + i, NULL), 1);
  }
  assert_int_equal(s.cap, cap);
  size_t moved = 0; /* keys not in their home slot: they collided there */
  for (size_t slot = 0; slot < s.cap; slot++)
    if (s.at[slot] && (s.hash[slot] & (s.cap - 1)) != slot) moved++;
  assert_true(moved > 0);
  for (size_t i = 0; i < added; i++) {
    snprintf(key, sizeof key, "k%zu", i);
    assert_int_equal(idset_add(&s, key, 1, &first), 0);
    assert_int_equal(first, 100 + i);
  }
  idset_free(&s);
}
/* A million keys: the table doubles ten times, every key keeps its line. */
static void keys_survive_growth(void **state) {
  (void)state;
  idset s = {0};
  char key[32];
  enum { N = 1000000 };
  for (size_t i = 0; i < N; i++) {
    snprintf(key, sizeof key, "w%zu", i);
    assert_int_equal(idset_add(&s, key, i + 2, NULL), 1);
  }
  assert_int_equal(s.n, N);
  assert_true(s.cap >= N * 4 / 3);
  assert_true(s.cap < N * 4); /* at least three eighths full */
  size_t first = 0;
  for (size_t i = 0; i < N; i += 7) {
    snprintf(key, sizeof key, "w%zu", i);
    assert_int_equal(idset_add(&s, key, 0, &first), 0);
    assert_int_equal(first, i + 2);
  }
  assert_int_equal(idset_add(&s, "w1000000", 5, &first), 1);
  idset_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_key_is_kept_once_with_its_first_line),
      cmocka_unit_test(the_empty_key_is_a_key),
      cmocka_unit_test(similar_keys_are_told_apart),
      cmocka_unit_test(keys_survive_growth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
