/* End to end: messages in the user's language. The same failing import and
 * the same usage error under LANG=ru_RU.UTF-8 and LANG=C: Russian and
 * English text, the same FILE:LINE: prefixes and exit statuses. Twice for
 * Russian: as on a fresh Debian machine, where ru_RU.UTF-8 is not
 * generated, and with the locale generated (localedef into a scratch
 * LOCPATH), where numbers must still be written with a decimal point.
 * Arguments: the pdmon binary and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;
static char *dir;
static char generated_env[2800]; /* LOCPATH=... LANG=ru_RU.UTF-8, or "" without localedef */

#define RUSSIAN "LC_ALL= LC_MESSAGES= LANGUAGE= LANG=ru_RU.UTF-8"
#define ENGLISH "LC_ALL= LC_MESSAGES= LANGUAGE= LANG=C"

static support_outcome run_in(const char *env, const char *args) {
  return support_pdmon_env(pdmon_bin, source_dir, dir, env, args);
}

/* Generates ru_RU.UTF-8 into a scratch LOCPATH when the machine can
 * (package locales); the test of the generated locale is skipped if not. */
static void generate_russian_locale(void) {
  char cmd[2400];
  generated_env[0] = '\0';
  if (access("/usr/share/i18n/locales/ru_RU", R_OK) != 0) return;
  snprintf(cmd, sizeof cmd, "mkdir -p '%s/locale' && localedef -i ru_RU -f UTF-8 '%s/locale/ru_RU.UTF-8' >/dev/null 2>&1",
           dir, dir);
  if (system(cmd) != 0) return;
  /* under AddressSanitizer and valgrind, glibc's own LOCPATH allocation is no leak of ours */
  snprintf(generated_env, sizeof generated_env,
           "LSAN_OPTIONS=suppressions='%s/tests/lsan.supp' VALGRIND_OPTS=--suppressions='%s/tests/valgrind.supp' "
           "LOCPATH='%s/locale' LC_ALL= LC_MESSAGES= LANGUAGE= LANG=ru_RU.UTF-8", source_dir, source_dir, dir);
}

static int setup(void **state) {
  (void)state;
  dir = support_tempdir();
  support_outcome o = run_in(ENGLISH, "init --municipality demo --pack examples/quickstart");
  int rc = o.status;
  support_outcome_free(&o);
  o = run_in(ENGLISH, "import organizations examples/quickstart/organizations.csv");
  rc |= o.status;
  support_outcome_free(&o);
  free(support_write_text(dir, "staff.csv",
                          "id,organization_id,position,birth_year,career_start_year\n"
                          "t1,sch1,teacher,1980,2003\n"
                          "t2,sch1,teacher,198O,2003\n"
                          "t3,sch1,учитель2,1980,2003\n"));
  generate_russian_locale();
  return rc == 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  support_remove_tree(dir);
  return 0;
}

/* The import of staff.csv with one bad row, in env: exit 1, nothing written. */
static support_outcome failing_import(const char *env) {
  char args[1300];
  snprintf(args, sizeof args, "import staff '%s/staff.csv'", dir);
  support_outcome o = run_in(env, args);
  if (o.status != 1) print_error("%s: %d\n%s\n%s\n", env, o.status, o.out, o.err);
  assert_int_equal(o.status, 1);
  char prefix[1300];
  snprintf(prefix, sizeof prefix, "%s/staff.csv:3: ", dir); /* the same FILE:LINE: in every language */
  assert_non_null(strstr(o.err, prefix));
  return o;
}

static void russian_and_english_import_errors(void **state) {
  (void)state;
  support_outcome en = failing_import(ENGLISH);
  assert_non_null(strstr(en.err, "2 invalid rows; nothing was imported"));
  assert_non_null(strstr(en.err, "birth_year: not a year between 1900 and 2100 (198O)"));
  assert_non_null(strstr(en.err, "expected one of teacher, head, deputy")); /* codes for an English reader */
  assert_null(strstr(en.err, "ничего не загружено"));
  support_outcome ru = failing_import(RUSSIAN); /* the locale is not generated on a fresh machine */
  if (!strstr(ru.err, "неверных строк: 2; ничего не загружено")) print_error("%s\n", ru.err);
  assert_non_null(strstr(ru.err, "неверных строк: 2; ничего не загружено"));
  assert_non_null(strstr(ru.err, "birth_year: это не год от 1900 до 2100 (198O)"));
  /* the vocabulary's Russian names for a Russian reader, whole */
  assert_non_null(strstr(ru.err, "ожидается одно из: Учитель, Руководитель, Заместитель руководителя"));
  assert_non_null(strstr(ru.err, "Преподаватель-организатор основ безопасности и защиты Родины, Другое (учитель2)"));
  assert_null(strstr(ru.err, "nothing was imported"));
  support_outcome_free(&en);
  support_outcome_free(&ru);
  if (!generated_env[0]) {
    fprintf(stderr, "note: ru_RU.UTF-8 cannot be generated here (package locales): that half is skipped\n");
    return;
  }
  ru = failing_import(generated_env);
  assert_non_null(strstr(ru.err, "неверных строк: 2; ничего не загружено"));
  support_outcome_free(&ru);
}

static void usage_errors_in_both_languages(void **state) {
  (void)state;
  support_outcome en = run_in(ENGLISH, "eval --period");
  support_outcome ru = run_in(RUSSIAN, "eval --period");
  assert_int_equal(en.status, 2);
  assert_int_equal(ru.status, 2);
  assert_non_null(strstr(en.err, "pdmon eval: --period needs a value"));
  assert_non_null(strstr(ru.err, "pdmon eval: для --period нужно значение"));
  support_outcome_free(&en);
  support_outcome_free(&ru);
  ru = run_in(RUSSIAN, "eval --help");
  assert_int_equal(ru.status, 0);
  assert_non_null(strstr(ru.out, "только этот показатель"));
  support_outcome_free(&ru);
  /* LANGUAGE picks the language too, as gettext documents, under a real locale */
  ru = run_in("LC_ALL=C.UTF-8 LANGUAGE=ru", "import");
  assert_non_null(strstr(ru.err, "не хватает аргументов"));
  support_outcome_free(&ru);
}

/* explain, written by the stdlib in Lua, speaks the reader's language too
 * (tr), and names a status in words with its code. */
static void explain_in_both_languages(void **state) {
  (void)state;
  support_outcome ru = run_in(RUSSIAN, "explain teachers_diagnosed --period 2023");
  support_outcome en = run_in(ENGLISH, "explain teachers_diagnosed --period 2023");
  assert_int_equal(ru.status, 0);
  assert_int_equal(en.status, 0);
  assert_non_null(strstr(ru.out, "множество 1: staff { position = \"teacher\" }"));
  assert_non_null(strstr(ru.out, "результаты за 2023:"));
  assert_non_null(strstr(ru.out, "ИТОГО (муниципалитет): числитель 0, знаменатель 0"));
  assert_non_null(strstr(en.out, "results for 2023:"));
  assert_non_null(strstr(en.out, "TOTAL (municipality): numerator 0, denominator 0"));
  assert_null(strstr(ru.out, "results for"));
  support_outcome_free(&ru);
  support_outcome_free(&en);
}

/* A pack's mistakes, found by the stdlib in Lua, are named to a
 * methodologist in Russian; English under LANG=C. */
static void pack_errors_in_both_languages(void **state) {
  (void)state;
  char pack[2048];
  snprintf(pack, sizeof pack, "%s/badpack", dir);
  char mk[2100];
  snprintf(mk, sizeof mk, "mkdir -p '%s'", pack);
  assert_int_equal(system(mk), 0);
  free(support_write_text(pack, "pack.lua", "pack { id = \"bad\", title = \"Пакет с ошибками\" }\n"));
  free(support_write_text(pack, "indicators.lua",
                          "criterion \"c\" { title = \"Критерий\",\n"
                          "  indicator \"i\" { title = \"Показатель\", value = count(staff { aeg = 30 }) } }\n"));
  char args[2200];
  snprintf(args, sizeof args, "check --pack '%s'", pack);
  support_outcome ru = run_in(RUSSIAN, args);
  support_outcome en = run_in(ENGLISH, args);
  assert_int_equal(ru.status, 1);
  assert_int_equal(en.status, 1);
  assert_non_null(strstr(ru.err, "indicators.lua:2: staff { aeg = ... }: неизвестное поле 'aeg'; известные поля: "));
  assert_non_null(strstr(en.err, "indicators.lua:2: staff { aeg = ... }: unknown field 'aeg'; known fields: "));
  support_outcome_free(&ru);
  support_outcome_free(&en);
  free(support_write_text(pack, "indicators.lua",
                          "criterion \"c\" { title = \"Критерий\",\n"
                          "  indicator \"i\" { title = \"Показатель\", value = count(staff {}), target = \"около 70%\" } }\n"));
  ru = run_in(RUSSIAN, args);
  assert_int_equal(ru.status, 1);
  assert_non_null(strstr(ru.err, "не удается прочитать фразу цели 'около 70%'"));
  support_outcome_free(&ru);
  free(support_write_text(pack, "pack.lua", "pack { title = \"Пакет без кода\" }\n"));
  ru = run_in(RUSSIAN, args);
  assert_int_equal(ru.status, 1);
  assert_non_null(strstr(ru.err, "pack.lua:1: pack { id = ... }: у каждого пакета должен быть код"));
  support_outcome_free(&ru);
}

/* A Russian locale changes the words, never the numbers: LC_NUMERIC stays
 * C, so Lua, JSON and CSV keep the decimal point. */
static void numbers_keep_the_decimal_point(void **state) {
  (void)state;
  if (!generated_env[0]) {
    skip();
  }
  support_outcome o = run_in(generated_env, "repl -e 'tostring(1/4)' -e 'string.format(\"%.2f\", 2.5)'");
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "0.25"));
  assert_non_null(strstr(o.out, "2.50"));
  assert_null(strstr(o.out, "0,25"));
  support_outcome_free(&o);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(russian_and_english_import_errors),
    cmocka_unit_test(usage_errors_in_both_languages),
    cmocka_unit_test(explain_in_both_languages),
    cmocka_unit_test(pack_errors_in_both_languages),
    cmocka_unit_test(numbers_keep_the_decimal_point),
  };
  return cmocka_run_group_tests_name("i18n", tests, setup, teardown);
}
