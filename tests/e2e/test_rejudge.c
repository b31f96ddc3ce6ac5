/* End to end: 'cycle rejudge' judges a cycle's stored figures against a pack whose
 * target phrases changed, and must give exactly what a full run of the changed pack
 * gives: every column of every result row and the problem zones, on the examples and
 * on a synth store of several municipalities (--all, each with its layer). Store A runs
 * the cycle with the repository's packs and re-judges with the changed copy; store B runs
 * the changed copy. Indicators the command says it did not re-judge (their new target
 * needs a figure the cycle did not compute) are left out of the comparison, and must
 * be named. Arguments: the pdmon binary and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;

/* Runs pdmon in dir and checks its exit status and a fragment of its output
 * (standard error for failures); returns the output (caller frees). */
static char *run(const char *dir, const char *args, int status, const char *fragment) {
  return support_expect_output(pdmon_bin, source_dir, dir, args, status, fragment);
}

static void expect(const char *dir, const char *args, int status, const char *fragment) {
  support_expect(pdmon_bin, source_dir, dir, args, status, fragment);
}

static void shell(const char *cmd) {
  if (system(cmd) != 0) fail_msg("failed: %s", cmd);
}

/* Every pack of the repository copied into dir/packs, then each .lua file of
 * it edited by the perl program edit (NULL: as it is). */
static void copy_rules(const char *dir, const char *edit) {
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s/packs' && cp -r '%s/rules/.' '%s/packs/'", dir, source_dir, dir);
  shell(cmd);
  if (edit) {
    snprintf(cmd, sizeof cmd, "perl -pi -e '%s' '%s'/packs/*/*.lua", edit, dir);
    shell(cmd);
  }
}

/* The target phrases a municipality might change: every first percentage
 * of a target phrase 7 points lower (higher below 10); the cumulative
 * trajectories due a year earlier; a presence without a deadline due in
 * 2025 (in progress until then); and one yearly target turned into a final
 * one of 2025, whose path from the programme's first year needs a value
 * the cycle did not compute (so that indicator is refused). */
static const char CHANGES[] =
    "s/(target\\s*=\\s*\"[^\"]*?)(\\d+)((?:,\\d+)?)%/$1.($2>=10?$2-7:$2+7).$3.\"%\"/e;"
    " s/К 2024 году - не менее 59,6%/К 2023 году - не менее 59,6%/;"
    " s/target = \"Наличие\",\\s*$/target = \"К 2025 году - наличие\",\\n/;"
    " s/Ежегодно - 68%/К 2025 году - 68%/";

/* Imports example m into dir's store with dir's copy of the packs, and runs
 * the cycle of period. */
static void run_example(const char *dir, const char *m, int period) {
  char args[4096];
  snprintf(args, sizeof args, "init --municipality %s --pack '%s/packs/%s'", m, dir, m);
  expect(dir, args, 0, NULL);
  static const char *const entities[] = {"organizations", "staff", "activities", "communities", "documents",
                                         "events", "participation", "registries"};
  for (int i = 0; i < 8; i++) {
    snprintf(args, sizeof args, "import %s examples/%s/%s.csv", entities[i], m, entities[i]);
    expect(dir, args, 0, NULL);
  }
  snprintf(args, sizeof args, "cycle open --period %d", period);
  expect(dir, args, 0, NULL);
  expect(dir, "cycle run", 0, NULL);
}

/* The indicators the output says were not re-judged, as an SQL list ('a','b'). */
static void refused_list(const char *out, char *list, size_t len) {
  snprintf(list, len, "''");
  for (const char *p = strstr(out, ": not re-judged"); p; p = strstr(p + 1, ": not re-judged")) {
    const char *start = p;
    while (start > out && start[-1] != ' ' && start[-1] != '\n') start--;
    size_t used = strlen(list);
    snprintf(list + used, len - used, ",'%.*s'", (int)(p - start), start);
  }
}

#define RESULT_COLUMNS                                                                                              \
  "c.municipality, r.indicator, r.organization, r.breakdown, r.grp, r.value, r.numerator, r.denominator,"           \
  " r.target_text, r.target_kind, r.target_value, r.target_reason, r.status, r.message, r.level, r.target_origin,"  \
  " r.target_year, r.deadline, r.progress, r.path_value, r.base_year, r.base_value, r.growth, r.figure,"            \
  " r.yearly_value, r.yearly_numerator, r.yearly_denominator, r.cumulative_value, r.cumulative_numerator,"          \
  " r.cumulative_denominator, r.cumulative_since, r.base_asked"
#define PROBLEM_COLUMNS "c.municipality, p.indicator, p.organization, p.description, p.resolved"

/* Rows of what (results or problems) in one store that the other lacks,
 * leaving out the indicators of refused. */
static long long differences(const char *a, const char *b, const char *refused, int problems) {
  sqlite3 *db;
  char sql[8192];
  assert_int_equal(sqlite3_open(a, &db), SQLITE_OK);
  snprintf(sql, sizeof sql, "ATTACH '%s' AS b", b);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  const char *cols = problems ? PROBLEM_COLUMNS : RESULT_COLUMNS;
  const char *table = problems ? "cycle_problem p" : "cycle_result r";
  const char *alias = problems ? "p" : "r";
  snprintf(sql, sizeof sql,
           "SELECT (SELECT count(*) FROM (SELECT %s FROM main.%s JOIN main.cycle c ON c.id = %s.cycle_id"
           " WHERE %s.indicator NOT IN (%s) EXCEPT SELECT %s FROM b.%s JOIN b.cycle c ON c.id = %s.cycle_id))"
           " + (SELECT count(*) FROM (SELECT %s FROM b.%s JOIN b.cycle c ON c.id = %s.cycle_id"
           " WHERE %s.indicator NOT IN (%s) EXCEPT SELECT %s FROM main.%s JOIN main.cycle c ON c.id = %s.cycle_id))",
           cols, table, alias, alias, refused, cols, table, alias, cols, table, alias, alias, refused, cols, table, alias);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  long long n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

/* The first column of the first row of sql on the store at path. */
static long long scalar(const char *path, const char *sql) { return support_scalar(path, sql); }

/* Runs sql on the store at path for writing; fails the test on an error. */
static void store_sql(const char *path, const char *sql) {
  sqlite3 *db;
  char *msg = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg ? msg : "?");
  sqlite3_close(db);
}

/* Re-judges A's stored cycle with B's packs and checks A equals B. */
static void compare_example(const char *m, int period, long long *pairs, long long *changed) {
  char *a = support_tempdir(), *b = support_tempdir();
  copy_rules(a, NULL);
  copy_rules(b, CHANGES);
  run_example(a, m, period);
  run_example(b, m, period);
  char args[4096], store_a[2048], store_b[2048], refused[4096];
  snprintf(args, sizeof args, "cycle rejudge --pack '%s/packs/%s'", b, m);
  char *out = run(a, args, 0, "indicators re-judged: ");
  refused_list(out, refused, sizeof refused);
  snprintf(store_a, sizeof store_a, "%s/store.db", a);
  snprintf(store_b, sizeof store_b, "%s/store.db", b);
  long long results = differences(store_a, store_b, refused, 0), problems = differences(store_a, store_b, refused, 1);
  if (results || problems)
    fail_msg("%s %d: %lld result rows and %lld problem zones differ from a full run (refused: %s)\n%s", m, period, results,
             problems, refused, out);
  *changed += scalar(store_a, "SELECT coalesce(sum(changed), 0) FROM cycle_judgement WHERE judged_by = 'rejudge'");
  *pairs += scalar(store_a, "SELECT count(*) FROM cycle_judgement WHERE judged_by = 'rejudge'");
  /* the same pack again: nothing left to re-judge */
  expect(a, args, 0, "indicators re-judged: 0 ");
  free(out);
  support_remove_tree(a);
  support_remove_tree(b);
}

static void rejudged_examples_equal_a_full_run(void **state) {
  (void)state;
  static const char *const examples[] = {"emanzhelinsk", "belorechensk", "dalnerechensk", "grozny-district"};
  int n = getenv("PDMON_WRAPPER") && *getenv("PDMON_WRAPPER") ? 1 : 4; /* valgrind: one example */
  long long pairs = 0, changed = 0;
  for (int i = 0; i < n; i++) compare_example(examples[i], 2023, &pairs, &changed);
  assert_true(pairs >= 10);  /* the changes were re-judged */
  assert_true(changed > 0);  /* and did change statuses */
}

/* A yearly target turned into one due later, judged on a linear path from
 * the programme's first year, needs that year's value, which the cycle did
 * not compute: the indicator is named and left as it was judged. */
static void a_target_needing_another_year_is_refused(void **state) {
  (void)state;
  char *a = support_tempdir(), *b = support_tempdir();
  copy_rules(a, NULL);
  copy_rules(b, "s/Ежегодно - 75%/К 2025 году - 75%/");
  run_example(a, "emanzhelinsk", 2023);
  char args[4096];
  snprintf(args, sizeof args, "cycle rejudge --pack '%s/packs/emanzhelinsk'", b);
  expect(a, args, 0, "routes_formed: not re-judged: the new target compares with the value of 2021");
  char store[2048];
  snprintf(store, sizeof store, "%s/store.db", a);
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result WHERE indicator = 'routes_formed'"
                                 " AND target_text <> 'Ежегодно - 75%'"), 0);
  support_remove_tree(a);
  support_remove_tree(b);
}

/* The example emanzhelinsk run in a with the packs as they are; b holds
 * their copy with «Ежегодно - 75%» raised to 80%, c that and routes_formed's
 * set changed (diagnosed workers with or without a route). */
typedef struct changed_packs {
  char *a, *b, *c;
  char store[2048];
} changed_packs;

static void run_with_changed_packs(changed_packs *p) {
  p->a = support_tempdir();
  p->b = support_tempdir();
  p->c = support_tempdir();
  copy_rules(p->a, NULL);
  copy_rules(p->b, "s/Ежегодно - 75%/Ежегодно - 80%/");
  copy_rules(p->c, "s/Ежегодно - 75%/Ежегодно - 80%/; s/share\\(diagnosed:having\\(route\\), diagnosed\\)/share(diagnosed, diagnosed)/");
  run_example(p->a, "emanzhelinsk", 2023);
  snprintf(p->store, sizeof p->store, "%s/store.db", p->a);
}

static void changed_packs_free(changed_packs *p) {
  support_remove_tree(p->a);
  support_remove_tree(p->b);
  support_remove_tree(p->c);
}

/* History stays true: a dry run stores nothing; a closed cycle is refused; the
 * record names the phrases before and after; a changed formula is not
 * re-judged from figures it did not make. */
static void history_stays_true(void **state) {
  (void)state;
  changed_packs p;
  run_with_changed_packs(&p);
  const char *a = p.a, *b = p.b, *c = p.c, *store = p.store;
  char args[4096];
  long long before = scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'");
  assert_true(before > 0);
  snprintf(args, sizeof args, "cycle rejudge --dry-run --pack '%s/packs/emanzhelinsk'", b);
  expect(a, args, 0, "indicators that would be re-judged: 1 (cycles: 1)");
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'"), before);
  /* a changed formula (a different activity counted) is refused */
  snprintf(args, sizeof args, "cycle rejudge --pack '%s/packs/emanzhelinsk'", c);
  expect(a, args, 0, "routes_formed: not re-judged: its formula changed since the cycle ran");
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'"), before);
  snprintf(args, sizeof args, "cycle rejudge --pack '%s/packs/emanzhelinsk'", b);
  expect(a, args, 0, "routes_formed: target «Ежегодно - 75%» → «Ежегодно - 80%»: results re-judged: ");
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'"), 0);
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_judgement WHERE judged_by = 'rejudge' AND indicator ="
                                 " 'routes_formed' AND previous_text = 'Ежегодно - 75%' AND target_text = 'Ежегодно - 80%'"),
                   1);
  /* a closed cycle keeps its record; a dry run may still show it */
  expect(a, "import measures examples/emanzhelinsk/measures.csv", 0, NULL);
  expect(a, "decision add --kind order --number 1 --date 2023-10-01 --title 'О мерах' --measure 1", 0, NULL);
  expect(a, "cycle close", 0, NULL);
  snprintf(args, sizeof args, "cycle rejudge --pack '%s/packs/emanzhelinsk'", a);
  expect(a, args, 1, "is closed: its record of what it judged never changes");
  snprintf(args, sizeof args, "cycle rejudge --dry-run --pack '%s/packs/emanzhelinsk'", a);
  expect(a, args, 0, "routes_formed: target «Ежегодно - 80%» → «Ежегодно - 75%»");
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'"), 0);
  expect(a, "cycle rejudge --all", 0, "closed cycles left as they were judged (their record never changes): 1");
  changed_packs_free(&p);
}

/* The formula a cycle records is its indicators' definition: a cycle recorded by an
 * older pdmon with the fingerprint of SQL that today's generator no longer makes (as a
 * new SQL generator does) is re-judged when its stored pack states the formula as
 * today's pack does, and refused, in Russian, naming the indicator, when a set changed;
 * without its stored rules it is refused too, and says why. */
static void the_formula_is_the_definition_not_its_sql(void **state) {
  (void)state;
  changed_packs p;
  run_with_changed_packs(&p);
  const char *a = p.a, *b = p.b, *c = p.c, *store = p.store;
  char args[4096];
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_judgement WHERE formula NOT LIKE 'd1:%'"), 0);
  /* what an older pdmon with another SQL generator recorded */
  store_sql(store, "UPDATE cycle_judgement SET formula = '0123456789abcdef'");
  long long before = scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'");
  assert_true(before > 0);
  /* a set changed since: refused, in Russian, naming the indicator */
  snprintf(args, sizeof args, "cycle rejudge --pack '%s/packs/emanzhelinsk'", c);
  support_outcome o = support_pdmon_env(pdmon_bin, source_dir, a, "LC_ALL= LANG=ru_RU.UTF-8", args);
  assert_int_equal(o.status, 0);
  if (!strstr(o.out, "routes_formed: не пересмотрен: формула изменилась после мониторинга"))
    fail_msg("expected the Russian refusal naming routes_formed, got: %s%s", o.out, o.err);
  support_outcome_free(&o);
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'"), before);
  /* only a target changed: the stored pack states the same formula, so it is re-judged */
  snprintf(args, sizeof args, "cycle rejudge --pack '%s/packs/emanzhelinsk'", b);
  expect(a, args, 0, "routes_formed: target «Ежегодно - 75%» → «Ежегодно - 80%»: results re-judged: ");
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'"), 0);
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_judgement WHERE judged_by = 'rejudge'"
                                 " AND indicator = 'routes_formed' AND formula LIKE 'd1:%'"), 1);
  /* recorded by SQL, and the stored rules gone: refused, saying why */
  store_sql(store, "UPDATE cycle_judgement SET formula = '0123456789abcdef'; DELETE FROM cycle_pack_file");
  snprintf(args, sizeof args, "cycle rejudge --pack '%s/packs/emanzhelinsk'", a);
  expect(a, args, 0, "routes_formed: not re-judged: the cycle was run by an older pdmon and its stored rules do not load");
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'"), 0);
  changed_packs_free(&p);
}

/* Appends to dir's copy of the emanzhelinsk pack a criterion whose indicator
 * counts the schools of a kind by a function of Lua, with target phrase. */
static void add_function_indicator(const char *dir, const char *kind, const char *target) {
  char path[2048];
  snprintf(path, sizeof path, "%s/packs/emanzhelinsk/monitoring.lua", dir);
  FILE *f = fopen(path, "a");
  if (!f) fail_msg("cannot append to %s", path);
  fprintf(f, "criterion \"counted\" {\n  title = \"Счёт\",\n  indicator \"schools_counted\" {\n    title = \"Число школ\","
             " unit = \"ед.\", level = \"municipality\",\n"
             "    value = function(ctx) return #ctx.sql(\"SELECT id FROM organization WHERE kind = '%s'\") end,\n"
             "    target = \"%s\",\n  },\n}\n", kind, target);
  fclose(f);
}

/* An indicator whose value is a function of Lua: its body can change on the
 * same line unseen (here: schools become kindergartens), so re-judging
 * refuses it, in Russian, naming it, and leaves its stored rows as they were;
 * the pack's declarative indicators are re-judged beside it. */
static void a_function_indicator_is_never_rejudged(void **state) {
  (void)state;
  char *a = support_tempdir(), *b = support_tempdir();
  copy_rules(a, NULL);
  copy_rules(b, "s/Ежегодно - 75%/Ежегодно - 80%/");
  add_function_indicator(a, "school", "Не менее 1 ед.");
  add_function_indicator(b, "kindergarten", "Не менее 30 ед.");
  run_example(a, "emanzhelinsk", 2023);
  char store[2048], args[4096];
  snprintf(store, sizeof store, "%s/store.db", a);
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_judgement WHERE indicator = 'schools_counted'"
                                 " AND formula LIKE 'fn:%'"), 1);
  const char *counted = "SELECT count(*) FROM cycle_result WHERE indicator = 'schools_counted'"
                        " AND target_text = 'Не менее 1 ед.' AND status = 'met'";
  assert_int_equal(scalar(store, counted), 1);
  snprintf(args, sizeof args, "cycle rejudge --pack '%s/packs/emanzhelinsk'", b);
  support_outcome o = support_pdmon_env(pdmon_bin, source_dir, a, "LC_ALL= LANG=ru_RU.UTF-8", args);
  assert_int_equal(o.status, 0);
  if (!strstr(o.out, "schools_counted: не пересмотрен: значение показателя вычисляет функция Lua"))
    fail_msg("expected the Russian refusal naming schools_counted, got: %s%s", o.out, o.err);
  if (!strstr(o.out, "routes_formed:")) fail_msg("routes_formed should be re-judged beside it: %s", o.out);
  support_outcome_free(&o);
  assert_int_equal(scalar(store, counted), 1);
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_judgement WHERE indicator = 'schools_counted'"), 1);
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result WHERE target_text = 'Ежегодно - 75%'"), 0);
  support_remove_tree(a);
  support_remove_tree(b);
}

/* A synth store of several municipalities, a cycle each; one of them with its
 * own layer next to the region's pack: 'rejudge --all --pack REGION' equals a
 * full run of each municipality with the changed packs. */
static void every_cycle_of_a_store_with_its_layer(void **state) {
  (void)state;
  char *a = support_tempdir(), *b = support_tempdir();
  copy_rules(a, NULL);
  copy_rules(b, CHANGES);
  char folder[2048];
  snprintf(folder, sizeof folder, "%s/packs/synth0002", a);
  assert_int_equal(mkdir(folder, 0700), 0);
  snprintf(folder, sizeof folder, "%s/packs/synth0002", b);
  assert_int_equal(mkdir(folder, 0700), 0);
  free(support_write_text(a, "packs/synth0002/pack.lua",
                          "pack { id = \"synth0002\", title = \"Своя\", municipality = \"synth0002\", extends = \"chelyabinsk\" }\n"
                          "targets { teachers_diagnosed = \"не менее 5%\" }\n"));
  free(support_write_text(b, "packs/synth0002/pack.lua",
                          "pack { id = \"synth0002\", title = \"Своя\", municipality = \"synth0002\", extends = \"chelyabinsk\" }\n"
                          "targets { teachers_diagnosed = \"не менее 7%\" }\n"));
  char args[4096];
  (void)args;
  for (int s = 0; s < 2; s++) {
    const char *dir = s ? b : a;
    snprintf(args, sizeof args, "synth --scale region --seed 9 --organizations 3 --out '%s/csv'", dir);
    expect(dir, args, 0, NULL);
    expect(dir, "init", 0, NULL);
    static const char *const entities[] = {"organizations", "staff", "activities", "communities", "documents"};
    for (int i = 0; i < 5; i++) {
      snprintf(args, sizeof args, "import %s '%s/csv/%s.csv'", entities[i], dir, entities[i]);
      expect(dir, args, 0, NULL);
    }
    for (int m = 1; m <= 3; m++) {
      snprintf(args, sizeof args, "init --municipality synth%04d --pack '%s/packs/%s'", m, dir,
               m == 2 ? "synth0002" : "chelyabinsk");
      expect(dir, args, 0, NULL);
      expect(dir, "cycle open --period 2023", 0, NULL);
      expect(dir, "cycle run", 0, NULL);
    }
  }
  snprintf(args, sizeof args, "cycle rejudge --all --pack '%s/packs/chelyabinsk'", b);
  char *out = run(a, args, 0, "(cycles: 3)");
  assert_non_null(strstr(out, "teachers_diagnosed: target «не менее 5%» → «не менее 7%»"));
  char store_a[2048], store_b[2048], refused[4096];
  refused_list(out, refused, sizeof refused);
  snprintf(store_a, sizeof store_a, "%s/store.db", a);
  snprintf(store_b, sizeof store_b, "%s/store.db", b);
  long long results = differences(store_a, store_b, refused, 0), problems = differences(store_a, store_b, refused, 1);
  if (results || problems)
    fail_msg("synth: %lld result rows and %lld problem zones differ from a full run (refused: %s)\n%s", results, problems,
             refused, out);
  free(out);
  support_remove_tree(a);
  support_remove_tree(b);
}

/* Triggers that note every result row updated and every problem zone
 * written, added, or removed by a re-judgement. */
static const char TOUCHED[] =
    "CREATE TABLE touched (what TEXT, cycle_id INTEGER, indicator TEXT, organization TEXT);"
    "CREATE TRIGGER touched_result AFTER UPDATE ON cycle_result_row BEGIN"
    " INSERT INTO touched VALUES ('result', new.cycle_id, new.indicator, new.organization); END;"
    "CREATE TRIGGER touched_problem_in AFTER INSERT ON cycle_problem BEGIN"
    " INSERT INTO touched VALUES ('problem', new.cycle_id, new.indicator, new.organization); END;"
    "CREATE TRIGGER touched_problem_out AFTER DELETE ON cycle_problem BEGIN"
    " INSERT INTO touched VALUES ('problem', old.cycle_id, old.indicator, old.organization); END;"
    "CREATE TRIGGER touched_problem AFTER UPDATE ON cycle_problem BEGIN"
    " INSERT INTO touched VALUES ('problem', new.cycle_id, new.indicator, new.organization); END;";

/* A re-judgement writes only the rows whose judgement changes: a target
 * table whose phrase changes for the municipality's total only re-judges
 * every row of its indicator, but writes the total alone (and its problem
 * zone), touches no other cycle, and a second re-judgement with nothing left
 * to change writes nothing at all. */
static void only_the_rows_that_change_are_written(void **state) {
  (void)state;
  char *dir = support_tempdir();
  copy_rules(dir, NULL);
  char folder[2048], args[4096], store[2048];
  snprintf(folder, sizeof folder, "%s/packs/synth0002", dir);
  assert_int_equal(mkdir(folder, 0700), 0);
  static const char layer[] =
      "pack { id = \"synth0002\", title = \"Своя\", municipality = \"synth0002\", extends = \"chelyabinsk\" }\n"
      "targets { routes_formed = { default = \"Ежегодно - 75%%\", municipality = \"Ежегодно - %d%%\" } }\n";
  char text[512];
  snprintf(text, sizeof text, layer, 75);
  free(support_write_text(dir, "packs/synth0002/pack.lua", text));
  snprintf(args, sizeof args, "synth --scale region --seed 9 --organizations 3 --out '%s/csv'", dir);
  expect(dir, args, 0, NULL);
  expect(dir, "init", 0, NULL);
  static const char *const entities[] = {"organizations", "staff", "activities", "communities", "documents"};
  for (int i = 0; i < 5; i++) {
    snprintf(args, sizeof args, "import %s '%s/csv/%s.csv'", entities[i], dir, entities[i]);
    expect(dir, args, 0, NULL);
  }
  for (int m = 1; m <= 3; m++) {
    snprintf(args, sizeof args, "init --municipality synth%04d --pack '%s/packs/%s'", m, dir,
             m == 2 ? "synth0002" : "chelyabinsk");
    expect(dir, args, 0, NULL);
    expect(dir, "cycle open --period 2023", 0, NULL);
    expect(dir, "cycle run", 0, NULL);
  }
  snprintf(store, sizeof store, "%s/store.db", dir);
  long long judged = scalar(store, "SELECT count(*) FROM cycle_result r JOIN cycle c ON c.id = r.cycle_id"
                                   " WHERE c.municipality = 'synth0002' AND r.indicator = 'routes_formed'"
                                   " AND r.status NOT IN ('not_applicable', 'error')");
  assert_true(judged > 1); /* the total and at least one organization are judged */
  store_sql(store, TOUCHED);
  snprintf(text, sizeof text, layer, 99);
  free(support_write_text(dir, "packs/synth0002/pack.lua", text));
  snprintf(args, sizeof args, "cycle rejudge --all --pack '%s/packs/chelyabinsk'", dir);
  char *out = run(dir, args, 0, "(cycles: 3)");
  char results[64];
  snprintf(results, sizeof results, "results re-judged: %lld", judged);
  if (!strstr(out, "routes_formed: target") || !strstr(out, results)) fail_msg("every row is re-judged:\n%s", out);
  free(out);
  /* written: the municipality's total of routes_formed in synth0002's cycle, nothing else */
  assert_int_equal(scalar(store, "SELECT count(*) FROM touched WHERE what = 'result'"), 1);
  assert_int_equal(scalar(store, "SELECT count(*) FROM touched t JOIN cycle c ON c.id = t.cycle_id"
                                 " WHERE t.what = 'result' AND c.municipality = 'synth0002'"
                                 " AND t.indicator = 'routes_formed' AND t.organization IS NULL"), 1);
  assert_int_equal(scalar(store, "SELECT count(*) FROM touched t JOIN cycle c ON c.id = t.cycle_id"
                                 " WHERE t.what = 'problem' AND NOT (c.municipality = 'synth0002'"
                                 " AND t.indicator = 'routes_formed' AND t.organization IS NULL)"), 0);
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_result r JOIN cycle c ON c.id = r.cycle_id"
                                 " WHERE c.municipality = 'synth0002' AND r.indicator = 'routes_formed'"
                                 " AND r.organization IS NULL AND r.target_text = 'Ежегодно - 99%'"), 1);
  /* nothing left to change: nothing written */
  store_sql(store, "DELETE FROM touched");
  out = run(dir, args, 0, "left as judged");
  free(out);
  assert_int_equal(scalar(store, "SELECT count(*) FROM touched"), 0);
  assert_int_equal(scalar(store, "SELECT count(*) FROM cycle_judgement WHERE judged_by = 'rejudge'"), 1);
  support_remove_tree(dir);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rejudged_examples_equal_a_full_run),
      cmocka_unit_test(a_target_needing_another_year_is_refused),
      cmocka_unit_test(history_stays_true),
      cmocka_unit_test(the_formula_is_the_definition_not_its_sql),
      cmocka_unit_test(a_function_indicator_is_never_rejudged),
      cmocka_unit_test(every_cycle_of_a_store_with_its_layer),
      cmocka_unit_test(only_the_rows_that_change_are_written),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
