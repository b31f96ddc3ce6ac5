/* End to end: what must hold however large the store grows. Forty
 * per-municipality cycles in one store cost the same each (statements and
 * virtual machine steps per result row do not grow with the cycles before);
 * a cycle whose rules fail stores nothing and says which indicators; a pack
 * naming a municipality the store does not have is refused; the total of a
 * region's store is not called a municipality's; a mentoring partner who
 * works in another municipality counts the same whether the store is
 * evaluated per municipality or as a whole; eval --all gives each
 * municipality what its own run gives, with its pack layer, in the synth
 * region and in a store made so that each municipality reads differently
 * in one pass than the store taken whole; cycle open --all and cycle run
 * --all store for each municipality what its own cycle open and cycle run
 * store, carry problems per municipality, and a municipality whose layer
 * breaks fails alone. Arguments: the pdmon binary and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;

/* Runs pdmon and checks its exit status and, when given, a fragment of
 * its standard output (or error, for failures). */
static void expect(const char *dir, const char *args, int status, const char *fragment) {
  support_expect(pdmon_bin, source_dir, dir, args, status, fragment);
}

/* Runs pdmon once and checks its status and every fragment of out on
 * standard output and of err on standard error (NULL-terminated lists). */
static void expect_all(const char *dir, const char *args, int status, const char *const *out, const char *const *err) {
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, args);
  int ok = o.status == status;
  for (int i = 0; ok && out[i]; i++) ok = strstr(o.out ? o.out : "", out[i]) != NULL;
  for (int i = 0; ok && err[i]; i++) ok = strstr(o.err ? o.err : "", err[i]) != NULL;
  if (!ok) fail_msg("pdmon %s -> %d (expected %d)\nstderr: %.1500s\nstdout: %.1500s", args, o.status, status, o.err, o.out);
  support_outcome_free(&o);
}

/* Runs pdmon, expecting success, and returns its standard output (caller frees). */
static char *output(const char *dir, const char *args) {
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, args);
  if (o.status != 0) fail_msg("pdmon %s -> %d\nstderr: %s", args, o.status, o.err);
  char *out = o.out;
  o.out = NULL;
  support_outcome_free(&o);
  return out;
}

static sqlite3 *open_store(const char *dir) {
  char path[1024];
  snprintf(path, sizeof path, "%s/store.db", dir);
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  return db;
}

/* Imports synth data of the region scale, n organizations per municipality. */
static void import_region(const char *dir, int organizations) {
  char args[2048];
  snprintf(args, sizeof args, "synth --scale region --seed 5 --organizations %d --out '%s/csv'", organizations, dir);
  expect(dir, args, 0, NULL);
  expect(dir, "init", 0, NULL);
  static const char *const entities[] = {"organizations", "staff", "activities", "communities", "documents"};
  for (int i = 0; i < 5; i++) {
    snprintf(args, sizeof args, "import %s '%s/csv/%s.csv'", entities[i], dir, entities[i]);
    expect(dir, args, 0, NULL);
  }
}

/* A region's store shared by the tests of whole-region cycles: forty
 * municipalities of two organizations, the region's pack at
 * DIR/packs/chelyabinsk (the repository's) and, next to it, the layer of
 * synth0002 with a target and a composite rating of its own; a copy of the
 * store made right after the import in DIR/all; and in DIR the forty
 * cycles of 2023 opened and run one municipality at a time, as each
 * coordinator would (under valgrind, $PDMON_WRAPPER, three). */
static char *region_dir;

static const char layer_synth0002[] =
    "pack { id = \"synth0002\", title = \"Своя\", municipality = \"synth0002\", extends = \"chelyabinsk\" }\n"
    "targets { teachers_diagnosed = \"не менее 5%\" }\n"
    "rating \"diagnosed\" { title = \"Рейтинг по диагностике\", weights = { teachers_diagnosed = 1 } }\n";

static int under_valgrind(void) { return getenv("PDMON_WRAPPER") && *getenv("PDMON_WRAPPER"); }

/* Makes DIR/packs: the region's pack (a link to rules/chelyabinsk) and
 * the layers given as pairs of a municipality and its pack.lua. */
static void make_packs(const char *dir, const char *const *layers, int nlayers) {
  char path[2048], real_rules[2048];
  snprintf(path, sizeof path, "%s/packs", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof path, "%s/packs/chelyabinsk", dir);
  snprintf(real_rules, sizeof real_rules, "%s/rules/chelyabinsk", source_dir);
  assert_int_equal(symlink(real_rules, path), 0);
  for (int i = 0; i < nlayers; i++) {
    snprintf(path, sizeof path, "%s/packs/%s", dir, layers[2 * i]);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "packs/%s/pack.lua", layers[2 * i]);
    free(support_write_text(dir, path, layers[2 * i + 1]));
  }
}

/* The pack a coordinator of municipality m opens its cycle with: its layer when it has one. */
static void own_pack(const char *dir, int m, char *buf, size_t len) {
  snprintf(buf, len, "%s/packs/%s", dir, m == 2 ? "synth0002" : "chelyabinsk");
}

static const char *shared_region(void) {
  if (region_dir) return region_dir;
  char *dir = support_tempdir(), args[4096], path[2048];
  import_region(dir, 2);
  const char *const layers[] = {"synth0002", layer_synth0002};
  make_packs(dir, layers, 1);
  snprintf(args, sizeof args, "init --pack '%s/packs/chelyabinsk'", dir);
  expect(dir, args, 0, NULL);
  snprintf(path, sizeof path, "%s/all", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  sqlite3 *db;
  snprintf(path, sizeof path, "%s/store.db", dir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  snprintf(args, sizeof args, "VACUUM INTO '%s/all/store.db'", dir);
  assert_int_equal(sqlite3_exec(db, args, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  int cycles = under_valgrind() ? 3 : 40;
  for (int m = 1; m <= cycles; m++) {
    char pack[2048];
    own_pack(dir, m, pack, sizeof pack);
    snprintf(args, sizeof args, "init --municipality synth%04d", m);
    expect(dir, args, 0, NULL);
    snprintf(args, sizeof args, "cycle open --period 2023 --pack '%s'", pack);
    expect(dir, args, 0, NULL);
    expect(dir, "cycle run", 0, "monitoring, analysis and recommendations stored");
  }
  return region_dir = dir;
}

/* Forty cycles, one per municipality of a region's store, in turn: the
 * cycle's writes are the same statements each time, and their steps per
 * result row do not grow with the number of cycles already stored. (Under
 * valgrind, $PDMON_WRAPPER, three cycles keep the run short.) */
static void forty_cycles_cost_the_same(void **state) {
  (void)state;
  const char *dir = shared_region();
  int cycles = under_valgrind() ? 3 : 40;
  sqlite3 *db = open_store(dir);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT c.id, c.store_statements, c.store_steps,"
                                          " (SELECT COUNT(*) FROM cycle_result r WHERE r.cycle_id = c.id)"
                                          " FROM cycle c ORDER BY c.id", -1, &st, NULL), SQLITE_OK);
  long long first_statements = -1, n = 0;
  double least = 1e300, most = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    long long statements = sqlite3_column_int64(st, 1), steps = sqlite3_column_int64(st, 2);
    long long results = sqlite3_column_int64(st, 3);
    assert_true(results > 0 && steps > 0);
    if (first_statements < 0) first_statements = statements;
    if (statements != first_statements)
      fail_msg("cycle %lld: %lld statements, the first cycle %lld", sqlite3_column_int64(st, 0), statements, first_statements);
    double per_row = (double)steps / (double)results;
    if (per_row < least) least = per_row;
    if (per_row > most) most = per_row;
    n++;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  assert_int_equal(n, cycles);
  /* an unindexed lookup per row grows with every earlier cycle: the
   * fortieth would take tens of times the steps of the first */
  if (most > 1.5 * least) fail_msg("steps per result row range from %.1f to %.1f over %d cycles", least, most, cycles);
}

static void a_cycle_with_failed_rules_stores_nothing(void **state) {
  (void)state;
  char *dir = support_tempdir();
  char args[2048];
  snprintf(args, sizeof args, "%s/broken", dir);
  assert_int_equal(mkdir(args, 0700), 0);
  /* one indicator that works and one whose rule raises an error */
  char *p = support_write_text(dir, "broken/pack.lua", "pack { id = \"broken\", municipality = \"demo\" }\n");
  free(p);
  p = support_write_text(dir, "broken/indicators.lua",
                         "criterion \"c\" { title = \"Критерий\",\n"
                         "  indicator \"fine\" { title = \"Педагоги\", value = count(staff { position = \"teacher\" }) },\n"
                         "  indicator \"broken\" { title = \"Сломанный\", value = function(ctx) error(\"сломано\") end },\n"
                         "}\n");
  free(p);
  snprintf(args, sizeof args, "init --municipality demo --pack '%s/broken'", dir);
  expect(dir, args, 0, NULL);
  expect(dir, "import organizations examples/quickstart/organizations.csv", 0, NULL);
  expect(dir, "import staff examples/quickstart/staff.csv", 0, NULL);
  expect(dir, "cycle open --period 2023", 0, NULL);
  expect(dir, "cycle run", 1, "nothing was stored: the results of these indicators are errors");
  expect(dir, "cycle run", 1, "\n  broken: ");
  char *status = output(dir, "cycle status --format json");
  cJSON *root = cJSON_Parse(status);
  assert_non_null(root);
  cJSON *monitoring = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "components"), 3);
  assert_string_equal(cJSON_GetObjectItem(monitoring, "name")->valuestring, "Мониторинг");
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(monitoring, "in_place")));
  cJSON_Delete(root);
  free(status);
  sqlite3 *db = open_store(dir);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT COUNT(*) FROM cycle_result), state FROM cycle", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 0);
  assert_string_equal((const char *)sqlite3_column_text(st, 1), "open");
  sqlite3_finalize(st);
  sqlite3_close(db);
  expect(dir, "cycle close", 1, "the monitoring has not run yet");
  support_remove_tree(dir);
}

static void a_municipality_the_store_lacks_is_refused(void **state) {
  (void)state;
  char *dir = support_tempdir();
  import_region(dir, 1);
  expect(dir, "init --municipality nowhere --pack rules/chelyabinsk", 0, NULL);
  expect(dir, "eval --period 2023", 1, "the store has no organizations, communities or documents of municipality 'nowhere'");
  expect(dir, "eval --period 2023", 1, "it has: synth0001, synth0002");
  expect(dir, "cycle open --period 2023", 0, NULL);
  expect(dir, "cycle run", 1, "municipality 'nowhere'");
  support_remove_tree(dir);
}

static void the_total_of_a_region_is_named_so(void **state) {
  (void)state;
  char *dir = support_tempdir();
  import_region(dir, 1);
  expect(dir, "init --pack rules/chelyabinsk", 0, NULL);
  expect(dir, "eval --period 2023 --indicator teachers_diagnosed --region", 0, "ИТОГО (регион: все муниципалитеты хранилища)");
  expect(dir, "init --municipality synth0003", 0, NULL);
  expect(dir, "eval --period 2023 --indicator teachers_diagnosed", 0, "ИТОГО (муниципалитет)");
  support_remove_tree(dir);
}

/* The value of heads_mentored in one organization (or the total, org NULL) from eval's JSON. */
static double heads_mentored(const char *dir, const char *org, int region) {
  char *json = output(dir, region ? "eval --period 2023 --indicator heads_mentored --format json --region"
                                  : "eval --period 2023 --indicator heads_mentored --format json");
  cJSON *root = cJSON_Parse(json), *row;
  double value = -1;
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "results")) {
    cJSON *o = cJSON_GetObjectItem(row, "organization");
    if (org ? cJSON_IsString(o) && !strcmp(o->valuestring, org) : cJSON_IsNull(o))
      value = cJSON_GetObjectItem(row, "value")->valuedouble;
  }
  cJSON_Delete(root);
  free(json);
  return value;
}

/* A head of m1 mentored by a head of m2: counted for m1 whether the store
 * is evaluated as a whole or for m1 alone; m1's rules see that one partner
 * of m2 and no other worker of m2. */
static void a_partner_in_another_municipality_counts_the_same(void **state) {
  (void)state;
  char *dir = support_tempdir();
  const char *files[][2] = {
    {"organizations.csv", "id,name,kind,municipality\no1,Школа 1,school,m1\no2,Школа 2,school,m2\n"},
    {"staff.csv", "id,organization_id,position,birth_year,career_start_year\nh1,o1,head,1970,1995\n"
                  "h2,o2,head,1965,1990\nt2,o2,teacher,1980,2005\n"},
    {"activities.csv", "staff_id,kind,date,role,partner_id\nh1,mentoring,2023-03-01,mentee,h2\n"
                       "h2,mentoring,2023-03-01,mentor,h1\n"},
  };
  expect(dir, "init --pack rules/chelyabinsk", 0, NULL);
  for (int i = 0; i < 3; i++) {
    char *path = support_write_text(dir, files[i][0], files[i][1]), args[2048];
    snprintf(args, sizeof args, "import %.*s '%s'", (int)(strchr(files[i][0], '.') - files[i][0]), files[i][0], path);
    expect(dir, args, 0, NULL);
    free(path);
  }
  /* heads_mentored is judged for the municipality only (no rows per organization) */
  assert_true(heads_mentored(dir, "o1", 1) == -1);
  assert_true(heads_mentored(dir, NULL, 1) == 50);
  expect(dir, "init --municipality m1", 0, NULL);
  assert_true(heads_mentored(dir, NULL, 0) == 100);
  expect(dir, "repl -e 'sql[[SELECT group_concat(id) AS ids FROM partner]]'", 0, "h2");
  expect(dir, "repl -e 'sql[[SELECT count(*) AS n FROM partner]]'", 0, "n\n1\n");
  support_remove_tree(dir);
}

/* The rows of municipality m (all, m NULL) from eval's JSON, each
 * without its municipality field, as one JSON text (caller frees). */
static char *rows_of(const char *json, const char *m) {
  cJSON *root = cJSON_Parse(json), *row, *picked = cJSON_CreateArray();
  assert_non_null(root);
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(root, "results")) {
    cJSON *of = cJSON_GetObjectItem(row, "municipality");
    if (m && !(cJSON_IsString(of) && !strcmp(of->valuestring, m))) continue;
    cJSON *copy = cJSON_Duplicate(row, 1);
    cJSON_DeleteItemFromObject(copy, "municipality");
    cJSON_AddItemToArray(picked, copy);
  }
  char *text = cJSON_PrintUnformatted(picked);
  cJSON_Delete(picked);
  cJSON_Delete(root);
  return text;
}

/* eval --all gives each municipality exactly what eval of that
 * municipality alone gives, with its own pack layer (a layer next to the
 * region's pack with a target of its own) or the region's pack; a layer
 * that does not extend the region's pack, one whose manifest names another
 * municipality than its folder, and a municipality's pack as the region's,
 * are refused. Skipped under valgrind ($PDMON_WRAPPER). */
static void every_municipality_gets_what_it_gets_alone(void **state) {
  (void)state;
  if (getenv("PDMON_WRAPPER") && *getenv("PDMON_WRAPPER")) skip(); /* forty evaluations under valgrind: the ASan build covers it */
  char *dir = support_tempdir(), path[2048], args[4096];
  import_region(dir, 1);
  snprintf(path, sizeof path, "%s/packs", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  char region[2048], real_rules[2048];
  snprintf(region, sizeof region, "%s/packs/chelyabinsk", dir);
  snprintf(real_rules, sizeof real_rules, "%s/rules/chelyabinsk", source_dir);
  assert_int_equal(symlink(real_rules, region), 0);
  snprintf(path, sizeof path, "%s/packs/synth0002", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof path, "%s/packs/synth0003", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  free(support_write_text(dir, "packs/synth0002/pack.lua",
                          "pack { id = \"synth0002\", title = \"Своя\", municipality = \"synth0002\", extends = \"chelyabinsk\" }\n"
                          "targets { teachers_diagnosed = \"не менее 5%\" }\n"));
  snprintf(args, sizeof args, "eval --all --period 2023 --format json --pack '%s'", region);
  char *all = output(dir, args);
  char *every = rows_of(all, NULL);
  assert_true(strlen(every) > 1000);
  const char *const chosen[] = {"synth0001", "synth0002", "synth0040"};
  for (int i = 0; i < 3; i++) {
    snprintf(args, sizeof args, "eval --period 2023 --format json --municipality %s --pack '%s/packs/%s'", chosen[i], dir,
             i == 1 ? "synth0002" : "chelyabinsk");
    char *alone_json = output(dir, args);
    char *alone = rows_of(alone_json, NULL), *got = rows_of(all, chosen[i]);
    if (strcmp(alone, got) != 0) fail_msg("%s: eval --all differs from its own run:\n%.2000s\n---\n%.2000s", chosen[i], got, alone);
    free(alone);
    free(got);
    free(alone_json);
  }
  /* the layer's own target reached synth0002 only */
  char *own = rows_of(all, "synth0002"), *other = rows_of(all, "synth0001");
  assert_non_null(strstr(own, "не менее 5%"));
  assert_null(strstr(other, "не менее 5%"));
  free(own);
  free(other);
  snprintf(args, sizeof args, "eval --all --period 2023 --pack '%s/packs/synth0002'", dir);
  expect(dir, args, 1, "cannot evaluate every municipality");
  free(support_write_text(dir, "packs/synth0003/pack.lua",
                          "pack { id = \"synth0003\", title = \"Чужая\", municipality = \"synth0003\" }\n"));
  snprintf(args, sizeof args, "eval --all --period 2023 --pack '%s'", region);
  expect(dir, args, 1, "does not extend it");
  /* a layer in synth0003's folder whose manifest names synth0004 (found by review h54):
   * --all gave its targets to synth0003, a run of the pack to synth0004 */
  free(support_write_text(dir, "packs/synth0003/pack.lua",
                          "pack { id = \"synth0003\", title = \"Чужая\", municipality = \"synth0004\", extends = \"chelyabinsk\" }\n"
                          "targets { teachers_diagnosed = \"не менее 1%\" }\n"));
  expect(dir, args, 1, "packs/synth0003/pack.lua: the pack in the folder of municipality synth0003 names municipality synth0004");
  expect(dir, "eval --all --region --period 2023", 2, "choose one");
  free(every);
  free(all);
  support_remove_tree(dir);
}

/* The pack of every_municipality_reads_the_same_in_one_pass: one
 * indicator of each shape whose reading differs by municipality, with
 * reporting date as_of (a manifest's field, or "" for 31 December). */
static void write_mixed_pack(const char *dir, const char *folder, const char *name, const char *as_of) {
  char path[2048], manifest[1024];
  snprintf(path, sizeof path, "%s/%s", dir, folder);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/%s/%s", dir, folder, name);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof path, "%s/%s/pack.lua", folder, name);
  snprintf(manifest, sizeof manifest, "pack { id = \"%s\", title = \"Смешанный\", period = { 2021, 2024 }%s%s%s }\n", name,
           as_of[0] ? ", as_of = \"" : "", as_of, as_of[0] ? "\"" : "");
  free(support_write_text(dir, path, manifest));
  snprintf(path, sizeof path, "%s/%s/indicators.lua", folder, name);
  free(support_write_text(dir, path,
    "local teachers = staff { position = \"teacher\" }\n"
    "local heads = staff { position = \"head\" }\n"
    "local methodist = staff { qualification_category = \"pedagogue_methodist\" }\n"
    "criterion \"c\" { title = \"Критерий\",\n"
    "  indicator \"diagnosed\" { title = \"Доля продиагностированных\", target = \"не менее 50%\",\n"
    "    value = share(teachers:having(activity { kind = \"diagnostic\" }), teachers), breakdown = \"kind\" },\n"
    "  indicator \"diagnostics\" { title = \"Диагностики\", value = count(activity { kind = \"diagnostic\" }) },\n"
    "  indicator \"diagnosed_people\" { title = \"Продиагностированные\", value = distinct(activity { kind = \"diagnostic\" }, \"staff_id\") },\n"
    "  indicator \"teachers\" { title = \"Учителя\", value = distinct(teachers, \"id\") },\n"
    "  indicator \"teacher_count\" { title = \"Учителя (счёт)\", value = count(teachers), breakdown = { \"kind\", \"position\" } },\n"
    "  indicator \"by_teachers\" { title = \"Мероприятия учителей\", value = count(activity { by = teachers }) },\n"
    "  indicator \"mentored\" { title = \"Руководители с наставником-методистом\", level = \"municipality\",\n"
    "    value = share(heads:having(activity { kind = \"mentoring\", role = \"mentee\", partner = methodist }), heads) },\n"
    "  indicator \"mentored_active\" { title = \"Наставник, сам ведущий наставничество\",\n"
    "    value = count(heads:having(activity { kind = \"mentoring\", partner = staff { position = \"head\" }:having(activity { kind = \"course\" }) })) },\n"
    "  indicator \"mentored_nowhere\" { title = \"Наставник без курсов\",\n"
    "    value = count(staff {}:having(activity { kind = \"mentoring\", partner = staff {}:without(activity { kind = \"course\" }) })) },\n"
    "  indicator \"partner_school\" { title = \"Наставник из школы\",\n"
    "    value = count(staff {}:having(activity { kind = \"mentoring\", partner = staff { organization_kind = \"school\" } })) },\n"
    "  indicator \"vocational_teachers\" { title = \"Учителя колледжей\", applies_to = { \"vocational\" },\n"
    "    value = share(teachers:having(activity { kind = \"course\" }), teachers) },\n"
    "  indicator \"educators_trained\" { title = \"Воспитатели с курсами\", empty = \"not_applicable\",\n"
    "    value = share(staff { position = \"educator\" }:having(activity { kind = \"course\" }), staff { position = \"educator\" }) },\n"
    "  indicator \"events\" { title = \"Мероприятия\", level = \"municipality\", value = count(events {}) },\n"
    "  indicator \"participants\" { title = \"Участия\", value = count(participation {}) },\n"
    "  indicator \"young_school\" { title = \"Учителя в школе молодого педагога\",\n"
    "    value = count(teachers:having(participation { event = events { kind = \"young_teacher_school\" } })) },\n"
    "  indicator \"by_participants\" { title = \"Участия учителей\", value = count(participation { by = teachers }) },\n"
    "  indicator \"mentors\" { title = \"Наставники в реестре\", value = count(registries \"mentor\") },\n"
    "  indicator \"plans\" { title = \"Планы\", value = exists(documents { kind = \"plan\" }) },\n"
    "  indicator \"associations\" { title = \"Объединения\", value = count(communities {}) },\n"
    "  indicator \"schools_with_plans\" { title = \"Школы с планом\", value = count(organizations { kind = \"school\" }:having(documents { kind = \"plan\" })) },\n"
    "  indicator \"courses_growth\" { title = \"Рост курсов\", target = \"положительная динамика\",\n"
    "    value = count(activity { kind = \"course\" }) },\n"
    "  indicator \"courses_since\" { title = \"Курсы с 2021 года\", target = \"К 2024 году - не менее 66,6% (из расчета - 100% за 3 года, начиная с 2021 г.; не менее 33,3% ежегодно)\",\n"
    "    value = share(teachers:having(activity { kind = \"course\" }), teachers) },\n"
    "  indicator \"schools\" { title = \"Школы (функция)\",\n"
    "    value = function(ctx) return #ctx.sql(\"SELECT id FROM organization WHERE kind = 'school'\") end },\n"
    "}\n"));
}

/* Three municipalities written by hand so that each reads differently in
 * one pass than the store as a whole: a teacher who moved between two
 * schools of ma in the year, another of ma who took part in mb's event
 * (mb sees the participation, not her),
 * heads of ma and mc mentored by a head of mb (whose course only mb sees),
 * a document of mb naming ma's school, a municipality (mc) without any
 * course in the base year. eval --all gives each what eval of it alone
 * gives, for the reporting date of 31 December and for any day of the
 * year, with a layer that only changes a target (mb) and a layer that adds
 * an indicator (mc). */
static void every_municipality_reads_the_same_in_one_pass(void **state) {
  (void)state;
  char *dir = support_tempdir(), path[2048], args[4096];
  const char *files[][2] = {
    {"organizations", "id,name,kind,municipality\na1,Школа А1,school,ma\na2,Школа А2,school,ma\na3,Детсад А3,preschool,ma\n"
                      "b1,Школа Б1,school,mb\nb2,Колледж Б2,vocational,mb\nc1,Школа В1,school,mc\n"},
    {"staff", "id,organization_id,position,birth_year,career_start_year,qualification_category,hire_date,leave_date\n"
              "t1,a1,teacher,1990,2015,first,2015-09-01,\nt1,a2,teacher,1990,2015,first,2023-03-01,\n"
              "t2,a1,teacher,1985,2010,highest,2010-09-01,\n"
              "h1,a1,head,1970,1995,highest,1995-09-01,\nh2,b1,head,1965,1990,pedagogue_methodist,1990-09-01,\n"
              "h3,c1,head,1972,1996,first,1996-09-01,\nt3,b2,teacher,1992,2016,first,2016-09-01,\n"
              "t4,c1,teacher,1995,2020,none,2020-09-01,\ne1,a3,educator,1991,2014,first,2014-09-01,\n"},
    {"activities", "staff_id,kind,date,role,partner_id\nt1,diagnostic,2023-02-01,,\nt1,diagnostic,2023-05-01,,\n"
                   "t2,diagnostic,2023-02-01,,\nt2,course,2023-09-01,,\nt2,course,2022-09-01,,\nt3,course,2022-10-01,,\n"
                   "h1,mentoring,2023-03-01,mentee,h2\nh3,mentoring,2023-04-01,mentee,h2\nh2,mentoring,2023-03-01,mentor,h1\n"
                   "h2,course,2023-01-20,,\nt4,diagnostic,2023-03-03,,\nt3,course,2023-03-01,,\n"},
    {"events", "id,kind,title,municipality,start_date,organization_id\nev1,young_teacher_school,Школа молодого педагога,mb,2023-02-10,\n"
               "ev2,conference,Конференция,ma,2023-04-10,b1\n"},
    {"participation", "event_id,staff_id,organization_id,role,date\nev1,t2,,participant,2023-02-10\nev1,t3,,participant,2023-02-10\n"
                      "ev2,t1,,participant,2023-04-10\nev2,,b1,participant,2023-04-10\n"},
    {"registries", "registry,staff_id,from_date\nmentor,t2,2022-01-10\nmentor,h2,2021-01-10\n"},
    {"documents", "id,kind,date,title,municipality,organization_id\nd1,plan,2022-05-01,План,ma,a1\nd2,plan,2022-05-01,План,mb,a1\n"
                  "d3,order,2022-05-01,Приказ,mc,\n"},
    {"communities", "id,name,kind,municipality,organization_id,start_date\nk1,Объединение,methodical_association,ma,,2020-01-01\n"
                    "k2,Объединение,methodical_association,mb,a2,2020-01-01\n"},
  };
  expect(dir, "init", 0, NULL);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s.csv", files[i][0]);
    char *file = support_write_text(dir, path, files[i][1]);
    snprintf(args, sizeof args, "import %s '%s'", files[i][0], file);
    expect(dir, args, 0, NULL);
    free(file);
  }
  write_mixed_pack(dir, "packs", "mixed", "");
  write_mixed_pack(dir, "day", "anyday", "any_day"); /* no layers next to it */
  const char *const layers[][2] = {
    {"mb", "pack { id = \"mb\", title = \"Своя\", municipality = \"mb\", extends = \"mixed\" }\n"
           "targets { diagnosed = \"не менее 90%\" }\n"},
    {"mc", "pack { id = \"mc\", title = \"Своя\", municipality = \"mc\", extends = \"mixed\" }\n"
           "criterion \"own_c\" { title = \"Свой критерий\", indicator \"own\" { title = \"Своё\", value = count(staff { position = \"head\" }) } }\n"},
  };
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/packs/%s", dir, layers[i][0]);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "packs/%s/pack.lua", layers[i][0]);
    free(support_write_text(dir, path, layers[i][1]));
  }
  const char *const regions[] = {"mixed", "anyday"}, *const municipalities[] = {"ma", "mb", "mc"};
  for (int r = 0; r < 2; r++) {
    const char *folder = r == 0 ? "packs" : "day";
    snprintf(args, sizeof args, "eval --all --period 2023 --format json --pack '%s/%s/%s'", dir, folder, regions[r]);
    char *all = output(dir, args);
    for (int m = 0; m < 3; m++) {
      /* the layers extend "mixed" only: with "anyday" every municipality takes the region's pack */
      const char *pack = r == 0 && m > 0 ? municipalities[m] : regions[r];
      snprintf(args, sizeof args, "eval --period 2023 --format json --municipality %s --pack '%s/%s/%s'",
               municipalities[m], dir, folder, pack);
      char *alone_json = output(dir, args);
      char *alone = rows_of(alone_json, NULL), *got = rows_of(all, municipalities[m]);
      if (strcmp(alone, got) != 0)
        fail_msg("%s, %s: eval --all differs from its own run:\n%s\n---\n%s", regions[r], municipalities[m], got, alone);
      assert_true(strlen(got) > 2000);
      free(alone);
      free(got);
      free(alone_json);
    }
    char *mb = rows_of(all, "mb"), *mc = rows_of(all, "mc"), *ma = rows_of(all, "ma");
    assert_true((r == 0) == (strstr(mb, "не менее 90%") != NULL));
    assert_null(strstr(ma, "не менее 90%"));
    assert_true((r == 0) == (strstr(mc, "\"own\"") != NULL));
    free(ma);
    free(mb);
    free(mc);
    free(all);
  }
  support_remove_tree(dir);
}

/* args for a region-wide step with the region's pack of the test's folder
 * dir (init records a pack by its real path, which has no layers beside
 * it); the text lives until the next call. */
static const char *region_args(const char *dir, const char *args) {
  static char buf[4096];
  snprintf(buf, sizeof buf, "%s --pack '%s/packs/chelyabinsk'", args, dir);
  return buf;
}

/* Appends to buf the columns of table (in schema main) but id, cycle_id
 * and carried_from, each as t.NAME. */
static void columns_of(sqlite3 *db, const char *table, char *buf, size_t len) {
  char sql[256];
  sqlite3_stmt *st;
  snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s')", table);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  size_t used = strlen(buf);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    if (!strcmp(name, "id") || !strcmp(name, "rowid") || !strcmp(name, "cycle_id") || !strcmp(name, "carried_from"))
      continue;
    used += (size_t)snprintf(buf + used, len - used, ", t.%s", name);
  }
  sqlite3_finalize(st);
}

/* The rows of table in schema s for the cycles filter chooses (SQL over
 * c, the cycle), each with its cycle's municipality and period and its
 * place among the cycle's rows; a carried problem names where it came
 * from instead of an id. */
static void rows_sql(sqlite3 *db, const char *s, const char *table, const char *filter, char *buf, size_t len) {
  snprintf(buf, len, "SELECT c.municipality, c.period, row_number() OVER (PARTITION BY t.cycle_id ORDER BY t.rowid)");
  columns_of(db, table, buf, len);
  size_t used = strlen(buf);
  if (!strcmp(table, "cycle_problem"))
    used += (size_t)snprintf(buf + used, len - used, ", (SELECT oc.municipality || '/' || oc.period || '/' || o.indicator"
                             " || '/' || coalesce(o.organization, '') FROM %s.cycle_problem o JOIN %s.cycle oc"
                             " ON oc.id = o.cycle_id WHERE o.id = t.carried_from)", s, s);
  snprintf(buf + used, len - used, " FROM %s.cycle c JOIN %s.%s t ON t.cycle_id = c.id WHERE %s", s, s, table, filter);
}

static long long count_sql(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long long n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

/* The cycles filter chooses hold the same in DIR_A/store.db and
 * DIR_B/store.db: each municipality's cycle (state, rules, their hash
 * and stored files, goals), results, problem zones (carried ones from the
 * same place), recommendations and ratings, row for row in the same
 * order. Returns the rows compared per table in counts (cycles, results,
 * problems, recommendations, ratings). */
static void same_cycles(const char *dir_a, const char *dir_b, const char *filter, long long counts[5]) {
  char path[2048], sql[16384], a[4096], b[4096];
  sqlite3 *db;
  snprintf(path, sizeof path, "%s/store.db", dir_a);
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  snprintf(sql, sizeof sql, "ATTACH '%s/store.db' AS b", dir_b);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  static const char *const tables[] = {"cycle", "cycle_result", "cycle_problem", "cycle_recommendation", "cycle_rating"};
  for (int i = 0; i < 5; i++) {
    if (i == 0) {
#define CYCLE_COLUMNS(s)                                                                                             \
  "SELECT c.municipality, c.period, c.state, c.title, c.pack_id, c.pack_dir, c.pack_hash, c.goals, c.store_statements," \
  " (SELECT group_concat(f.path || ':' || length(f.content)) FROM " s ".cycle_pack_file f WHERE f.cycle_id = c.id)"   \
  " FROM " s ".cycle c WHERE %s"
      snprintf(a, sizeof a, CYCLE_COLUMNS("main"), filter);
      snprintf(b, sizeof b, CYCLE_COLUMNS("b"), filter);
    } else {
      rows_sql(db, "main", tables[i], filter, a, sizeof a);
      rows_sql(db, "b", tables[i], filter, b, sizeof b);
    }
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (%s)", a);
    counts[i] = count_sql(db, sql);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (%s)", b);
    long long other = count_sql(db, sql);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s))", a, b);
    long long missing = count_sql(db, sql);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s))", b, a);
    long long extra = count_sql(db, sql);
    if (counts[i] != other || missing || extra)
      fail_msg("%s (%s): %lld rows one at a time, %lld with --all; %lld differ, %lld more", tables[i], filter, counts[i],
               other, missing, extra);
  }
  sqlite3_close(db);
}

/* Runs sql on DIR/store.db. */
static void change_store(const char *dir, const char *sql) {
  char path[4096];
  sqlite3 *db;
  snprintf(path, sizeof path, "%s/store.db", dir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

/* cycle open --all and cycle run --all store for each of the forty
 * municipalities exactly what its own cycle open and cycle run store
 * (synth0002 with its layer: its own target and rating); a second
 * region-wide cycle carries each municipality's unresolved problems of
 * its own last cycle, as that municipality's own second cycle does.
 * Skipped under valgrind (forty evaluations; the ASan build covers it). */
static void cycle_run_all_stores_what_each_cycle_run_stores(void **state) {
  (void)state;
  if (under_valgrind()) skip();
  const char *dir = shared_region();
  char all[960], args[4096];
  snprintf(all, sizeof all, "%s/all", dir);
  expect(all, region_args(dir, "cycle run --all"), 1, "no cycle yet: open them with 'pdmon cycle open --all --period YEAR'");
  expect(all, region_args(dir, "cycle open --all --period 2023"), 0, "cycles of 2023: 40 opened, 0 kept, 0 failed, of 40 municipalities");
  expect(all, region_args(dir, "cycle open --all --period 2023"), 0, "0 opened, 40 kept");
  expect(all, region_args(dir, "cycle run --all"), 0, "cycles of 2023: 40 stored, 0 failed, of 40 municipalities");
  long long counts[5];
  same_cycles(dir, all, "c.period = 2023", counts);
  assert_int_equal(counts[0], 40);
  assert_true(counts[1] > 1000 && counts[2] > 0 && counts[3] > 0);
  assert_int_equal(counts[4], 2); /* synth0002's rating of its two organizations, in its cycle only */
  /* the next period: each municipality's problems carried into its own next cycle (closed here by
   * hand: closing needs each municipality's roadmap and decision, which is not what is compared) */
  const char *close = "UPDATE cycle SET state = 'closed', closed_at = '2024-01-15T00:00:00Z' WHERE period = 2023";
  change_store(dir, close);
  change_store(all, close);
  expect(all, region_args(dir, "cycle open --all --period 2024"), 0, "40 opened");
  expect(all, region_args(dir, "cycle run --all"), 0, "cycles of 2024: 40 stored");
  expect(all, region_args(dir, "cycle run --all --period 2023"), 1, "is closed: its results never change");
  static const int chosen[] = {1, 2, 40};
  for (int i = 0; i < 3; i++) {
    char pack[2048];
    own_pack(dir, chosen[i], pack, sizeof pack);
    snprintf(args, sizeof args, "init --municipality synth%04d", chosen[i]);
    expect(dir, args, 0, NULL);
    snprintf(args, sizeof args, "cycle open --period 2024 --pack '%s'", pack);
    expect(dir, args, 0, NULL);
    expect(dir, "cycle run", 0, NULL);
  }
  same_cycles(dir, all, "c.period = 2024 AND c.municipality IN ('synth0001', 'synth0002', 'synth0040')", counts);
  assert_int_equal(counts[0], 3);
  sqlite3 *db = open_store(all);
  /* every carried problem comes from its own municipality's last cycle, and every unresolved one came */
  assert_int_equal(count_sql(db, "SELECT count(*) FROM cycle_problem p JOIN cycle c ON c.id = p.cycle_id"
                                 " JOIN cycle_problem o ON o.id = p.carried_from JOIN cycle oc ON oc.id = o.cycle_id"
                                 " WHERE c.period = 2024 AND (oc.municipality <> c.municipality OR oc.period <> 2023"
                                 " OR o.indicator <> p.indicator OR o.organization IS NOT p.organization)"), 0);
  long long open_2023 = count_sql(db, "SELECT count(*) FROM cycle_problem p JOIN cycle c ON c.id = p.cycle_id"
                                      " WHERE c.period = 2023 AND COALESCE(p.resolved, 0) = 0");
  assert_true(open_2023 > 40);
  assert_int_equal(count_sql(db, "SELECT count(*) FROM cycle_problem p JOIN cycle c ON c.id = p.cycle_id"
                                 " WHERE c.period = 2024 AND p.carried_from IS NOT NULL"), open_2023);
  assert_int_equal(count_sql(db, "SELECT count(DISTINCT c.municipality) FROM cycle_problem p JOIN cycle c"
                                 " ON c.id = p.cycle_id WHERE c.period = 2024 AND p.carried_from IS NOT NULL"), 40);
  sqlite3_close(db);
  /* each municipality's status reads its own cycle */
  expect(all, "cycle status", 1, "the store holds the cycles of several municipalities");
  expect(all, "cycle status --municipality synth0007", 0, "cycle 47: synth0007, 2024");
}

/* In a region-wide cycle a municipality whose layer breaks fails alone:
 * a layer that does not load opens no cycle, one whose rule fails stores
 * nothing (its cycle stays open, the failed indicator named); the others'
 * cycles open and run, and the command exits 1 naming them. */
static void a_broken_layer_fails_alone(void **state) {
  (void)state;
  if (under_valgrind()) skip();
  char *dir = support_tempdir(), args[4096];
  import_region(dir, 1);
  const char *const layers[] = {
    "synth0002", "pack { id = \"synth0002\", title = \"Своя\", municipality = \"synth0002\", extends = \"chelyabinsk\" }\n",
    "synth0003", "pack { id = \"synth0003\", extends = \"chelyabinsk\"\n"};
  make_packs(dir, layers, 2);
  free(support_write_text(dir, "packs/synth0002/own.lua",
                          "criterion \"own\" { title = \"Свой критерий\",\n"
                          "  indicator \"own_broken\" { title = \"Сломанный\", value = function(ctx) error(\"сломано\") end },\n"
                          "}\n"));
  snprintf(args, sizeof args, "init --pack '%s/packs/chelyabinsk'", dir);
  expect(dir, args, 0, NULL);
  static const char *const opened[] = {"39 opened, 0 kept, 1 failed", NULL};
  static const char *const open_errors[] = {"open: synth0003: ", "pack.lua:", NULL};
  expect_all(dir, region_args(dir, "cycle open --all --period 2023"), 1, opened, open_errors);
  static const char *const stored[] = {"38 stored, 2 failed", NULL};
  static const char *const run_errors[] = {
    "run: synth0002: cycle 2 (2023): nothing was stored", "\n  own_broken: ",
    "run: synth0003: ", "synth0003/pack.lua:2:",
    "run --all: 2 of 40 municipalities failed, nothing was done for them: synth0002, synth0003", NULL};
  expect_all(dir, region_args(dir, "cycle run --all"), 1, stored, run_errors);
  sqlite3 *db = open_store(dir);
  assert_int_equal(count_sql(db, "SELECT count(*) FROM cycle WHERE municipality = 'synth0003'"), 0);
  assert_int_equal(count_sql(db, "SELECT count(*) FROM cycle WHERE state = 'run'"), 38);
  assert_int_equal(count_sql(db, "SELECT count(*) FROM cycle c JOIN cycle_result r ON r.cycle_id = c.id"
                                 " WHERE c.municipality = 'synth0002'"), 0);
  assert_true(count_sql(db, "SELECT count(*) FROM cycle c JOIN cycle_result r ON r.cycle_id = c.id"
                            " WHERE c.municipality = 'synth0001'") > 20);
  sqlite3_close(db);
  expect(dir, "cycle status --municipality synth0002", 0, "4. Мониторинг — нет");
  support_remove_tree(dir);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(forty_cycles_cost_the_same),
    cmocka_unit_test(a_cycle_with_failed_rules_stores_nothing),
    cmocka_unit_test(a_municipality_the_store_lacks_is_refused),
    cmocka_unit_test(the_total_of_a_region_is_named_so),
    cmocka_unit_test(a_partner_in_another_municipality_counts_the_same),
    cmocka_unit_test(every_municipality_gets_what_it_gets_alone),
    cmocka_unit_test(every_municipality_reads_the_same_in_one_pass),
    cmocka_unit_test(cycle_run_all_stores_what_each_cycle_run_stores),
    cmocka_unit_test(a_broken_layer_fails_alone),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  if (region_dir) support_remove_tree(region_dir);
  return failed;
}
