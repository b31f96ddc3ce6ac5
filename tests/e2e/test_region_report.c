/* End to end: the region's report (report --region) of a 40-municipality synth store with a
 * cycle per municipality, checked against the store: every municipality's figure is its
 * cycle's stored result; the order is by targets met; the below-target lists are exactly
 * the results not met; municipalities without a cycle are marked; the links name files that
 * --out wrote, inside its folder; hostile names from the store are escaped; the workbook
 * and CSV are written; the page is tidy-clean; the cycles of one cycle run --all
 * give the same report. Then the memory: a store of 2,000 municipalities (cycles cloned in
 * SQL) is reported within a bound of the 40's peak. Arguments: the pdmon binary and the
 * source folder. */
#define _DEFAULT_SOURCE /* wait4 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cJSON.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

static const char *pdmon_bin, *source_dir;
static char *dir;
static int under_valgrind;

static void expect(const char *args, int status, const char *fragment) {
  support_expect(pdmon_bin, source_dir, dir, args, status, fragment);
}

static char *output(const char *args) {
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, args);
  if (o.status != 0) fail_msg("pdmon %s -> %d\nstderr: %s", args, o.status, o.err);
  char *out = o.out;
  o.out = NULL;
  support_outcome_free(&o);
  return out;
}

static sqlite3 *open_store(int writable) {
  char path[1024];
  snprintf(path, sizeof path, "%s/store.db", dir);
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(path, &db, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  return db;
}

static void exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err);
}

/* A hostile name and code the store may hold (a pack's manifest, an import). */
enum { CYCLES = 30 };

#define HOSTILE_NAME "<script>alert(1)</script> & \"Кыштым\""
#define HOSTILE_CODE "../<i>x</i>"
#define HOSTILE_TITLE "<img src=x onerror=alert(2)>"

/* The municipalities with a cycle of 2023: synth0001 to synth0030 (the
 * other ten have none); synth0001 and
 * synth0002 also have a closed cycle of 2022 (their dynamics). */
static int setup(void **state) {
  (void)state;
  dir = support_tempdir();
  under_valgrind = getenv("PDMON_WRAPPER") && *getenv("PDMON_WRAPPER");
  char args[2048];
  snprintf(args, sizeof args, "synth --scale region --seed 5 --organizations 2 --out '%s/csv'", dir);
  expect(args, 0, NULL);
  expect("init --pack rules/chelyabinsk", 0, NULL);
  static const char *const entities[] = {"organizations", "staff", "activities", "communities", "documents"};
  for (int i = 0; i < 5; i++) {
    snprintf(args, sizeof args, "import %s '%s/csv/%s.csv'", entities[i], dir, entities[i]);
    expect(args, 0, NULL);
  }
  int cycles = under_valgrind ? 4 : CYCLES;
  for (int m = 1; m <= cycles; m++) {
    snprintf(args, sizeof args, "init --municipality synth%04d", m);
    expect(args, 0, NULL);
    if (m <= 2) {
      expect("cycle open --period 2022", 0, NULL);
      expect("cycle run", 0, NULL);
      expect("import measures examples/emanzhelinsk/measures.csv", 0, NULL);
      snprintf(args, sizeof args, "decision add --number %d-1 --date 2022-12-20 --title 'Об итогах мониторинга'", m);
      expect(args, 0, NULL);
      expect("cycle close", 0, NULL);
    }
    expect("cycle open --period 2023", 0, NULL);
    expect("cycle run", 0, NULL);
  }
  sqlite3 *db = open_store(1);
  exec(db, "UPDATE cycle SET goals = json_set(goals, '$.municipality_name', '" HOSTILE_NAME "')"
           " WHERE municipality = 'synth0003'");
  exec(db, "UPDATE cycle_result SET title = '" HOSTILE_TITLE "' WHERE indicator = 'routes_formed'");
  exec(db, "UPDATE organization SET municipality = '" HOSTILE_CODE "' WHERE municipality = 'synth0004';"
           "UPDATE cycle SET municipality = '" HOSTILE_CODE "' WHERE municipality = 'synth0004'");
  sqlite3_close(db);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  support_remove_tree(dir);
  return 0;
}

/* A number of the store's row, NAN when NULL. */
static double stored_value(sqlite3 *db, long long cycle, const char *indicator, const char *column, int *found) {
  char sql[512];
  snprintf(sql, sizeof sql, "SELECT %s FROM cycle_result WHERE cycle_id = ?1 AND indicator = ?2"
                            " AND organization IS NULL AND breakdown IS NULL", column);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int64(st, 1, cycle);
  sqlite3_bind_text(st, 2, indicator, -1, SQLITE_STATIC);
  double v = NAN;
  *found = sqlite3_step(st) == SQLITE_ROW;
  if (*found && sqlite3_column_type(st, 0) != SQLITE_NULL) v = sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  return v;
}

static long long count(sqlite3 *db, const char *sql, long long cycle) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_int64(st, 1, cycle);
  long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return n;
}

static cJSON *find_code(cJSON *list, const char *code) {
  cJSON *m;
  cJSON_ArrayForEach(m, list) if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(m, "code")), code)) return m;
  return NULL;
}

/* Every municipality's figure in the JSON is its cycle's stored result;
 * the order is by targets met; below target is exactly what is not met. */
static void figures_are_the_cycles_results(void **state) {
  (void)state;
  char *text = output("report --region --format json");
  cJSON *root = cJSON_Parse(text);
  assert_non_null(root);
  assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(root, "period")), 2023);
  assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(root, "as_of")), "2023-12-31");
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "ranking"), "composite_rating")));
  cJSON *municipalities = cJSON_GetObjectItem(root, "municipalities"), *m, *row;
  assert_int_equal(cJSON_GetArraySize(municipalities), 40);
  sqlite3 *db = open_store(0);
  int with_cycle = 0, figures = 0;
  cJSON_ArrayForEach(m, municipalities) {
    cJSON *cycle = cJSON_GetObjectItem(m, "cycle");
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(m, "code"));
    if (cJSON_IsNull(cycle)) {
      /* synth0031 to synth0040 (and more under valgrind) have no cycle */
      assert_true(strcmp(code, "synth0030") > 0 || under_valgrind);
      assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(m, "results")), 0);
      continue;
    }
    with_cycle++;
    long long id = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(cycle, "id"));
    assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(cycle, "period")), 2023);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(m, "results")),
                     count(db, "SELECT count(*) FROM cycle_result WHERE cycle_id = ?1 AND organization IS NULL"
                               " AND breakdown IS NULL", id));
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(m, "results")) {
      const char *indicator = cJSON_GetStringValue(cJSON_GetObjectItem(row, "indicator"));
      static const char *const columns[] = {"value", "numerator", "denominator", "target_value", "path_value"};
      for (int c = 0; c < 5; c++) {
        int found;
        double want = stored_value(db, id, indicator, columns[c], &found);
        cJSON *got = cJSON_GetObjectItem(row, columns[c]);
        assert_true(found);
        if (isnan(want)) assert_true(cJSON_IsNull(got));
        else if (!cJSON_IsNumber(got) || cJSON_GetNumberValue(got) != want)
          fail_msg("%s %s %s: report %s, store %.17g", code, indicator, columns[c], cJSON_PrintUnformatted(got), want);
        figures++;
      }
    }
    cJSON *counts = cJSON_GetObjectItem(m, "counts");
    assert_int_equal((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(counts, "met")),
                     count(db, "SELECT count(*) FROM cycle_result WHERE cycle_id = ?1 AND organization IS NULL"
                               " AND breakdown IS NULL AND status = 'met'", id));
  }
  assert_int_equal(with_cycle, under_valgrind ? 4 : CYCLES);
  assert_true(figures > CYCLES * 4 * 15 || under_valgrind);
  /* the ranking: targets met never grow down the list, the places agree */
  cJSON *order = cJSON_GetObjectItem(root, "ranking_order"), *code;
  assert_int_equal(cJSON_GetArraySize(order), 40);
  int last_met = 1 << 30, last_not_met = -1, last_rank = 0, position = 0, seen_without = 0;
  cJSON_ArrayForEach(code, order) {
    position++;
    m = find_code(municipalities, cJSON_GetStringValue(code));
    assert_non_null(m);
    cJSON *counts = cJSON_GetObjectItem(m, "counts");
    if (cJSON_IsNull(counts)) {
      seen_without = 1;
      continue;
    }
    assert_false(seen_without); /* those without a cycle come last */
    int met = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(counts, "met"));
    int not_met = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(counts, "not_met"));
    int rank = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(m, "rank"));
    assert_true(met <= last_met);
    if (met == last_met) {
      assert_true(not_met >= last_not_met);
      if (not_met == last_not_met) assert_int_equal(rank, last_rank);
      else assert_int_equal(rank, position);
    } else {
      assert_int_equal(rank, position);
    }
    last_met = met, last_not_met = not_met, last_rank = rank;
  }
  /* below target: every not-met result of the period is listed, nothing else */
  long long not_met_stored = count(db, "SELECT count(*) FROM cycle_result r JOIN cycle c ON c.id = r.cycle_id"
                                       " WHERE c.period = 2023 AND r.organization IS NULL AND r.breakdown IS NULL"
                                       " AND r.status = 'not_met' AND ?1 = ?1", 0);
  long long listed = 0;
  cJSON *group, *entry;
  cJSON_ArrayForEach(group, cJSON_GetObjectItem(root, "below_target")) cJSON_ArrayForEach(entry, cJSON_GetObjectItem(group, "municipalities")) {
    const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(entry, "status"));
    if (!strcmp(status, "not_met")) listed++;
    else {
      assert_string_equal(status, "in_progress");
      assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(entry, "progress")), "behind");
    }
  }
  assert_true(not_met_stored > 0);
  assert_int_equal(listed, not_met_stored);
  /* dynamics: synth0001 has 2022 and 2023 */
  int periods[2] = {0, 0};
  cJSON_ArrayForEach(entry, cJSON_GetObjectItem(root, "dynamics")) {
    if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(entry, "municipality")), "synth0001")) continue;
    int p = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(entry, "period"));
    if (p == 2022 || p == 2023) periods[p - 2022]++;
  }
  assert_true(periods[0] > 10 && periods[0] == periods[1]);
  sqlite3_close(db);
  cJSON_Delete(root);
  free(text);
}

/* A municipality whose layer adds indicators of its own (Еманжелинск's three «Наличие»
 * beside the region's 21, found by review h54) is ranked on the indicators every
 * municipality has: its own, met, lifted it from a shared 28th place to the 1st. Here
 * synth0002's cycle gets three own indicators, met: its place, its counts and those of
 * the others stay as they were, and section 1 says what is counted. */
static void own_indicators_do_not_move_the_ranking(void **state) {
  (void)state;
  char *before_text = output("report --region --format json");
  sqlite3 *db = open_store(1);
  exec(db, "INSERT INTO cycle_result (cycle_id, indicator, criterion, title, value, target_text, target_kind, status)"
           " SELECT c.id, 'own' || n.n, 'own', 'Наличие своего документа ' || n.n, 1, 'Наличие', 'presence', 'met'"
           " FROM cycle c, (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) n"
           " WHERE c.municipality = 'synth0002' AND c.period = 2023");
  char *after_text = output("report --region --format json");
  exec(db, "DELETE FROM cycle_result WHERE indicator IN ('own1', 'own2', 'own3')");
  sqlite3_close(db);
  cJSON *before = cJSON_Parse(before_text), *after = cJSON_Parse(after_text), *m;
  assert_non_null(before);
  assert_non_null(after);
  int compared = 0;
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(before, "municipalities")) {
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(m, "code"));
    cJSON *again = find_code(cJSON_GetObjectItem(after, "municipalities"), code);
    assert_non_null(again);
    if (!cJSON_Compare(cJSON_GetObjectItem(m, "rank"), cJSON_GetObjectItem(again, "rank"), 1) ||
        !cJSON_Compare(cJSON_GetObjectItem(m, "counts"), cJSON_GetObjectItem(again, "counts"), 1))
      fail_msg("%s: rank %s counts %s without its own indicators, rank %s counts %s with them", code,
               cJSON_PrintUnformatted(cJSON_GetObjectItem(m, "rank")), cJSON_PrintUnformatted(cJSON_GetObjectItem(m, "counts")),
               cJSON_PrintUnformatted(cJSON_GetObjectItem(again, "rank")),
               cJSON_PrintUnformatted(cJSON_GetObjectItem(again, "counts")));
    compared++;
  }
  assert_true(compared >= 4);
  /* the own indicators are still reported: in synth0002's results, and said to be left out */
  cJSON *own = find_code(cJSON_GetObjectItem(after, "municipalities"), "synth0002");
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(own, "results")),
                   cJSON_GetArraySize(cJSON_GetObjectItem(find_code(cJSON_GetObjectItem(before, "municipalities"), "synth0002"), "results")) + 3);
  const char *note = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(after, "ranking"), "note"));
  assert_non_null(strstr(note, "собственные показатели муниципальных наборов правил"));
  assert_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(before, "ranking"), "note")),
                     "собственные показатели"));
  cJSON_Delete(before);
  cJSON_Delete(after);
  free(before_text);
  free(after_text);
}

/* The page: hostile names escaped, municipalities without a cycle marked,
 * every link names a file --out wrote inside its folder. */
static void the_page_links_down_and_escapes(void **state) {
  (void)state;
  char args[2048], path[2048];
  snprintf(args, sizeof args, "report --region --format html --out '%s/site'", dir);
  expect(args, 0, "written to");
  snprintf(path, sizeof path, "%s/site/region.html", dir);
  char *html = support_read(path);
  assert_non_null(html);
  assert_null(strstr(html, "<script>alert"));
  assert_null(strstr(html, "<img src=x"));
  assert_null(strstr(html, "<i>x</i>"));
  assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Кыштым&quot;"));
  assert_non_null(strstr(html, "&lt;img src=x onerror=alert(2)&gt;"));
  if (!under_valgrind) assert_non_null(strstr(html, "synth0039</th><td class=\"full\" colspan=\"6\" data-label=\"Цикл за период\"><strong>нет цикла за 2023 год</strong>"));
  assert_non_null(strstr(html, "<svg viewBox=\"0 0 200 64\""));
  assert_non_null(strstr(html, "По состоянию на <strong>31.12.2023</strong>"));
  /* tidy: 0 clean (no warnings, no errors) */
  char cmd[2400];
  snprintf(cmd, sizeof cmd, "tidy -q -e '%s/site/region.html' >/dev/null 2>&1", dir);
  assert_int_equal(system(cmd), 0);
  assert_null(strstr(html, ">not_met"));
  assert_null(strstr(html, "in_progress<"));
  /* every link into municipalities/ names a file that was written there */
  int links = 0;
  for (const char *p = html; (p = strstr(p, "<a href=\"municipalities/")) != NULL; p++) {
    const char *name = p + strlen("<a href=\"municipalities/"), *end = strchr(name, '"');
    assert_non_null(end);
    for (const char *c = name; c < end; c++) assert_true(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *c));
    snprintf(path, sizeof path, "%s/site/municipalities/%.*s", dir, (int)(end - name), name);
    struct stat st;
    if (stat(path, &st) != 0) fail_msg("link to %s: no such file", path);
    links++;
  }
  assert_true(links >= (under_valgrind ? 4 : CYCLES));
  /* the hostile code's report is inside the folder, under a safe name */
  snprintf(path, sizeof path, "%s/site/municipalities/_2E_2E_2F_3Ci_3Ex_3C_2Fi_3E.html", dir);
  char *own = support_read(path);
  assert_non_null(own);
  assert_non_null(strstr(own, "Результаты мониторинга"));
  free(own);
  snprintf(path, sizeof path, "%s/site/municipalities/synth0001.html", dir);
  own = support_read(path);
  assert_non_null(own);
  free(own);
  free(html);
}

static void the_workbook_and_csv_are_written(void **state) {
  (void)state;
  char args[2048], path[2048];
  snprintf(args, sizeof args, "report --region --format xlsx -o '%s/region.xlsx'", dir);
  expect(args, 0, "written to");
  snprintf(path, sizeof path, "%s/region.xlsx", dir);
  char *x = support_read(path);
  assert_non_null(x);
  assert_memory_equal(x, "PK", 2);
  free(x);
  char *csv = output("report --region --format csv");
  assert_memory_equal(csv, "\xEF\xBB\xBFМуниципалитет;", strlen("\xEF\xBB\xBFМуниципалитет;"));
  assert_non_null(strstr(csv, "не достигнуто"));
  assert_non_null(strstr(csv, "\"<script>alert(1)</script> & \"\"Кыштым\"\"\"")); /* a CSV cell, quoted */
  free(csv);
  expect("report --region --format txt", 2, "--format html, md, json, csv or xlsx");
  expect("report --region --cycle 1 --format html", 2, "--cycle is not for it");
  expect("report --period 2023 --format html", 2, "--period is for --region");
  expect("report --region --period 2019 --format json", 1, "no municipality has a cycle of 2019");
  /* 2022: only the two municipalities that ran it */
  char *text = output("report --region --period 2022 --format json");
  cJSON *root = cJSON_Parse(text);
  assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(root, "municipalities_with_cycle")), 2);
  cJSON_Delete(root);
  free(text);
}

/* The text of section heading (a line starting with it) up to the next "## " heading. */
static char *md_section(const char *md, const char *heading) {
  const char *start = strstr(md, heading);
  if (!start) fail_msg("no section '%s' in the Markdown", heading);
  const char *end = strstr(start + strlen(heading), "\n## ");
  size_t n = end ? (size_t)(end - start) : strlen(start);
  char *s = malloc(n + 1);
  memcpy(s, start, n);
  s[n] = '\0';
  return s;
}

/* The Markdown has the page's content from the same rows as the JSON: each municipality's
 * place and counts linked to its own report, those without a cycle marked, each indicator's
 * distribution counting every municipality with a value, below target as many as are not
 * met; hostile names escaped; --out writes it beside the municipalities' reports. */
static void the_markdown_is_the_pages_content(void **state) {
  (void)state;
  char *md = output("report --region --format md"), *json = output("report --region --format json");
  cJSON *root = cJSON_Parse(json), *m, *ind;
  assert_non_null(root);
  assert_memory_equal(md, "# Результаты мониторинга муниципальных систем", strlen("# Результаты мониторинга муниципальных систем"));
  assert_non_null(strstr(md, "По состоянию на **31.12.2023**"));
  assert_null(strstr(md, "<script>"));
  assert_null(strstr(md, "<img"));
  assert_null(strstr(md, "<i>"));
  assert_non_null(strstr(md, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"Кыштым\""));
  assert_non_null(strstr(md, "&lt;img src=x onerror=alert(2)&gt;"));
  assert_non_null(strstr(md, "(municipalities/_2E_2E_2F_3Ci_3Ex_3C_2Fi_3E.html)"));
  assert_null(strstr(md, "not_met"));
  /* section 1: a row per municipality, in the order of the ranking */
  char *ranking = md_section(md, "## 1. "), line[1024];
  const char *at = ranking;
  int rows = 0;
  cJSON *code;
  cJSON_ArrayForEach(code, cJSON_GetObjectItem(root, "ranking_order")) {
    m = find_code(cJSON_GetObjectItem(root, "municipalities"), cJSON_GetStringValue(code));
    const char *c = cJSON_GetStringValue(code);
    if (strncmp(c, "synth", 5) || !cJSON_IsNull(cJSON_GetObjectItem(m, "name"))) continue; /* hostile ones: above */
    cJSON *counts = cJSON_GetObjectItem(m, "counts");
    if (cJSON_IsNull(counts)) snprintf(line, sizeof line, "| — | %s | **нет цикла за 2023 год**", c);
    else {
      int n[7];
      static const char *const fields[] = {"met", "not_met", "on_track", "behind", "in_progress", "other", "results"};
      for (int f = 0; f < 7; f++) n[f] = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(counts, fields[f]));
      char head[256];
      snprintf(head, sizeof head, "| %d | [%s](municipalities/%s.html) | ", (int)cJSON_GetNumberValue(cJSON_GetObjectItem(m, "rank")), c, c);
      const char *row = strstr(at, head);
      if (!row) fail_msg("section 1: no row '%s' after the previous one", head);
      const char *end = strchr(row, '\n');
      snprintf(line, sizeof line, " | %d | %d | %d / %d | %d | %d |", n[0], n[1], n[2], n[3], n[4] + n[5], n[6]);
      if (!end || (size_t)(end - row) < strlen(line) || strncmp(end - strlen(line), line, strlen(line)))
        fail_msg("section 1, %s: '%.*s' does not end with '%s'", c, (int)(end - row), row, line);
      at = end;
      rows++;
      continue;
    }
    if (!(at = strstr(at, line))) fail_msg("section 1: no row '%s' in the ranking's order", line);
    rows++;
  }
  assert_true(rows >= (under_valgrind ? 2 : 38));
  free(ranking);
  /* section 3: each indicator's intervals count every municipality with a value */
  char *distribution = md_section(md, "## 3. ");
  int indicators = 0;
  cJSON_ArrayForEach(ind, cJSON_GetObjectItem(root, "indicators")) {
    snprintf(line, sizeof line, "\n| %s | ", cJSON_GetStringValue(cJSON_GetObjectItem(ind, "number")));
    const char *row = strstr(distribution, line);
    assert_non_null(row);
    const char *end = strchr(row + 1, '\n'), *cell = end;
    while (cell > row && cell[-1] != '|') cell--; /* the closing bar */
    cell--;
    while (cell > row && cell[-1] != '|') cell--; /* the last cell */
    int sum = 0, bins = 0;
    for (const char *p = cell; p < end; p++)
      if (*p >= '0' && *p <= '9') {
        sum += (int)strtol(p, (char **)&p, 10);
        bins++;
      }
    assert_true(bins == 10 || bins == 2);
    assert_int_equal(sum, (int)cJSON_GetNumberValue(cJSON_GetObjectItem(ind, "values")));
    indicators++;
  }
  assert_true(indicators >= 20);
  free(distribution);
  /* section 4 lists the municipalities below target: one link each */
  char *below = md_section(md, "## 4. ");
  int listed = 0, expected = 0;
  for (const char *p = below; (p = strstr(p, "](municipalities/")) != NULL; p++) listed++;
  cJSON *group, *entry;
  cJSON_ArrayForEach(group, cJSON_GetObjectItem(root, "below_target"))
    cJSON_ArrayForEach(entry, cJSON_GetObjectItem(group, "municipalities")) expected++;
  assert_true(expected > 0);
  assert_int_equal(listed, expected);
  free(below);
  /* the appendices: a row per municipality in each table of values, the dynamics over 2022 and 2023 */
  char *matrix = md_section(md, "## Приложение 1.");
  assert_non_null(strstr(matrix, "| Муниципалитет | 1 | 2 | 3 |"));
  if (!under_valgrind) assert_non_null(strstr(matrix, "| synth0039 | нет цикла за 2023 год |"));
  free(matrix);
  char *dynamics = md_section(md, "## Приложение 2.");
  assert_non_null(strstr(dynamics, "| Муниципалитет | 2022 | 2023 |\n| --- | ---: | ---: |\n"));
  free(dynamics);
  cJSON_Delete(root);
  free(json);
  free(md);
  char args[2048], path[2048];
  snprintf(args, sizeof args, "report --region --format md --out '%s/site-md'", dir);
  expect(args, 0, "written to");
  snprintf(path, sizeof path, "%s/site-md/region.md", dir);
  char *written = support_read(path);
  assert_non_null(written);
  assert_non_null(strstr(written, "](municipalities/synth0001.html)"));
  free(written);
  snprintf(path, sizeof path, "%s/site-md/municipalities/synth0001.html", dir);
  written = support_read(path);
  assert_non_null(written);
  free(written);
}

/* The same cycles made by one run over every municipality (cycle open
 * --all, cycle run --all) give the same report: every figure and status of
 * the municipalities that had one, the same order; the ten without a cycle
 * now have one. */
static void cycles_of_one_run_over_all_give_the_same_report(void **state) {
  (void)state;
  if (under_valgrind) skip();
  char *before_text = output("report --region --format json");
  support_outcome o = support_pdmon(pdmon_bin, source_dir, dir, "cycle open --all --period 2023");
  support_outcome_free(&o); /* the 30 with a cycle keep it; a failure of one is named, not ours to judge */
  o = support_pdmon(pdmon_bin, source_dir, dir, "cycle run --all --period 2023");
  support_outcome_free(&o);
  char *after_text = output("report --region --format json");
  cJSON *before = cJSON_Parse(before_text), *after = cJSON_Parse(after_text), *m, *row;
  assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(after, "municipalities_with_cycle")) >= 39);
  int compared = 0;
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(before, "municipalities")) {
    /* the municipality renamed by setup keeps its communities and documents under the old
     * code, so its run over all reads a different store: not a comparison of reports */
    if (cJSON_IsNull(cJSON_GetObjectItem(m, "cycle")) || !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(m, "code")), HOSTILE_CODE))
      continue;
    cJSON *again = find_code(cJSON_GetObjectItem(after, "municipalities"), cJSON_GetStringValue(cJSON_GetObjectItem(m, "code")));
    assert_non_null(again);
    cJSON *results = cJSON_GetObjectItem(again, "results");
    assert_int_equal(cJSON_GetArraySize(results), cJSON_GetArraySize(cJSON_GetObjectItem(m, "results")));
    int i = 0;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(m, "results")) {
      cJSON *other = cJSON_GetArrayItem(results, i++);
      static const char *const fields[] = {"indicator", "value", "numerator", "denominator", "target_value", "status", "progress"};
      for (int f = 0; f < 7; f++)
        if (!cJSON_Compare(cJSON_GetObjectItem(row, fields[f]), cJSON_GetObjectItem(other, fields[f]), 1))
          fail_msg("%s %s: %s one by one, %s from cycle run --all", cJSON_GetStringValue(cJSON_GetObjectItem(m, "code")),
                   fields[f], cJSON_PrintUnformatted(cJSON_GetObjectItem(row, fields[f])),
                   cJSON_PrintUnformatted(cJSON_GetObjectItem(other, fields[f])));
      compared++;
    }
  }
  assert_true(compared >= (CYCLES - 1) * 15);
  cJSON_Delete(before);
  cJSON_Delete(after);
  free(before_text);
  free(after_text);
}

/* Runs pdmon ARGS with output to /dev/null and returns its peak resident
 * set in KB. */
static long peak_kb(const char *args) {
  char cmd[4096], db[1200];
  snprintf(db, sizeof db, "%s/store.db", dir);
  snprintf(cmd, sizeof cmd, "exec '%s' --db '%s' %s > /dev/null", pdmon_bin, db, args);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  int status;
  struct rusage usage;
  assert_int_equal(wait4(pid, &status, 0, &usage), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return usage.ru_maxrss;
}

/* The country's 2,000 municipalities (cycles cloned in SQL from those
 * run): the report's peak memory grows by no more than a generous
 * per-municipality summary (4 KB each) over the 40 municipalities'. */
static void memory_does_not_grow_with_the_municipalities(void **state) {
  (void)state;
  if (under_valgrind) skip();
#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer keeps freed memory in quarantine (256 MB): the peak
   * says nothing about what the program holds */
  skip();
#endif
  static const char *const formats[] = {"html", "json", "csv", "md"};
  long before[4];
  for (int f = 0; f < 4; f++) {
    char args[256];
    snprintf(args, sizeof args, "report --region --format %s", formats[f]);
    before[f] = peak_kb(args);
  }
  sqlite3 *db = open_store(1);
  long long run = count(db, "SELECT count(DISTINCT municipality) FROM cycle WHERE period = 2023 AND ?1 = ?1", 0);
  exec(db, "BEGIN;"
           "CREATE TEMP TABLE template AS SELECT r.* FROM cycle_result r JOIN cycle c ON c.id = r.cycle_id"
           " WHERE c.period = 2023 AND r.organization IS NULL AND r.breakdown IS NULL;"
           "CREATE TEMP TABLE source AS SELECT id, municipality, row_number() OVER (ORDER BY id) - 1 AS k FROM cycle"
           " WHERE period = 2023;"
           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1960)"
           " INSERT INTO cycle (municipality, period, state, pack_id, pack_dir, pack_hash, goals, opened_at, run_at)"
           " SELECT printf('clone%04d', i), 2023, 'run', c.pack_id, c.pack_dir, c.pack_hash, c.goals, c.opened_at, c.run_at"
           " FROM n JOIN source s ON s.k = i % (SELECT count(*) FROM source) JOIN cycle c ON c.id = s.id;"
           "INSERT INTO cycle_result SELECT c.id, t.indicator, t.criterion, t.title, t.unit, t.organization,"
           " t.organization_name, t.breakdown, t.grp, t.value, t.numerator, t.denominator, t.target_text, t.target_kind,"
           " t.target_value, t.target_reason, t.status, t.message, t.criterion_title, t.source, t.level, t.reading,"
           " t.target_origin, t.target_year, t.deadline, t.progress, t.path_value, t.base_year, t.base_value, t.growth,"
           " t.figure, t.yearly_value, t.yearly_numerator, t.yearly_denominator, t.cumulative_value,"
           " t.cumulative_numerator, t.cumulative_denominator, t.cumulative_since, t.base_asked,"
           " NULL" /* the view's rowid: a row inserted gets its own */
           " FROM cycle c JOIN source s ON s.k = CAST(substr(c.municipality, 6) AS INTEGER) % (SELECT count(*) FROM source)"
           " JOIN template t ON t.cycle_id = s.id WHERE c.municipality LIKE 'clone%';"
           "COMMIT");
  assert_int_equal(count(db, "SELECT count(DISTINCT municipality) FROM cycle WHERE period = 2023 AND ?1 = ?1", 0), 1960 + run);
  sqlite3_close(db);
  for (int f = 0; f < 4; f++) {
    char args[256];
    snprintf(args, sizeof args, "report --region --format %s", formats[f]);
    long after = peak_kb(args);
    long bound = before[f] + 1960 * 4 + 4096;
    print_message("report --region --format %s: peak %ld KB for 40 municipalities, %ld KB for 2,000 (bound %ld KB)\n",
                  formats[f], before[f], after, bound);
    if (after > bound) fail_msg("%s: %ld KB for 2,000 municipalities, over %ld KB", formats[f], after, bound);
  }
  char args[2048];
  snprintf(args, sizeof args, "report --region --format xlsx -o '%s/country.xlsx'", dir);
  long xlsx = peak_kb(args);
  print_message("report --region --format xlsx: peak %ld KB for 2,000 municipalities\n", xlsx);
  assert_true(xlsx < 64 * 1024);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(figures_are_the_cycles_results),
      cmocka_unit_test(own_indicators_do_not_move_the_ranking),
      cmocka_unit_test(the_page_links_down_and_escapes),
      cmocka_unit_test(the_workbook_and_csv_are_written),
      cmocka_unit_test(the_markdown_is_the_pages_content),
      cmocka_unit_test(cycles_of_one_run_over_all_give_the_same_report),
      cmocka_unit_test(memory_does_not_grow_with_the_municipalities),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
