/* Employment history: spans from hire and leave dates, transfers as new
 * spans in any row order, staff lists by date (--snapshot) that open and
 * close spans and change nothing when imported again, and old stores
 * upgraded with one span per worker from the start of the career. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "store.h"
#include "support.h"

/* The store each test starts from (support.h). */
typedef support_store fixture;

/* Imports content as entity; snapshot may be NULL. Fails the test unless
 * the import's status is want. */
static void import(fixture *f, const char *entity, const char *content, const char *snapshot, int want,
                   import_report *r) {
  char *path = support_write_text(f->dir, "file.csv", content);
  import_options opt = {.snapshot = snapshot};
  char err[1024] = "";
  int rc = import_file(f->db, entity, path, &opt, r, err, sizeof err);
  if (rc != want) {
    for (size_t i = 0; i < r->rejected; i++) print_error("%s\n", r->problems[i].message);
    fail_msg("import returned %d, expected %d: %s", rc, want, err);
  }
  free(path);
}

static void organizations(fixture *f) {
  import_report r;
  import(f, "organizations", "id,name,kind,municipality\n"
                             "sch1,СОШ № 1,school,emz\nsch2,СОШ № 2,school,emz\nsch9,СОШ № 9,school,other\n",
         NULL, 0, &r);
  import_report_free(&r);
}

/* The worker's spans as "org position from..to; ..." in date order. */
static const char *spans(fixture *f, const char *staff, char *buf, size_t len) {
  sqlite3_stmt *st;
  buf[0] = '\0';
  sqlite3_prepare_v2(f->db, "SELECT organization_id || ' ' || position || ' ' || from_date || '..' ||"
                            " coalesce(to_date, '') FROM employment WHERE staff_id = ? ORDER BY from_date",
                     -1, &st, NULL);
  sqlite3_bind_text(st, 1, staff, -1, SQLITE_STATIC);
  size_t o = 0;
  while (sqlite3_step(st) == SQLITE_ROW && o < len)
    o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "; " : "", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return buf;
}

static const char *one(fixture *f, const char *sql, char *buf, size_t len) {
  sqlite3_stmt *st;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(f->db));
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return buf;
}

static void hire_leave_and_transfer_dates(void **state) {
  fixture *f = *state;
  organizations(f);
  char buf[512];
  import_report r;
  /* a history: rows of the same worker, in any order */
  import(f, "staff",
         "Код,Код ОО,Должность,Год рождения,Год начала педагогической деятельности,Дата приёма,Дата увольнения\n"
         "t1,sch1,teacher,1999,2023,15.03.2023,\n"
         "t2,sch2,deputy,1980,2003,01.06.2023,\n"
         "t2,sch1,teacher,1980,2003,01.09.2015,\n"
         "t3,sch1,teacher,1970,1992,,30.06.2023\n",
         NULL, 0, &r);
  assert_int_equal(r.inserted, 3);
  assert_int_equal(r.updated, 1);
  assert_int_equal(r.spans_opened, 4);
  import_report_free(&r);
  assert_string_equal(spans(f, "t1", buf, sizeof buf), "sch1 teacher 2023-03-15..");
  /* the transfer closed the span before it the day before, whatever the row order */
  assert_string_equal(spans(f, "t2", buf, sizeof buf), "sch1 teacher 2015-09-01..2023-05-31; sch2 deputy 2023-06-01..");
  assert_string_equal(one(f, "SELECT organization_id || ' ' || position FROM staff WHERE id = 't2'", buf, sizeof buf),
                      "sch2 deputy");
  /* without a hire date the worker counts from the start of the career */
  assert_string_equal(spans(f, "t3", buf, sizeof buf), "sch1 teacher 1992-01-01..2023-06-30");
  /* the first and last years a career may start in are written whole */
  import(f, "staff", "id,organization_id,position,birth_year,career_start_year\n"
         "t4,sch1,teacher,1900,1914\nt5,sch1,teacher,1900,1999\nt6,sch1,teacher,2080,2100\n", NULL, 0, &r);
  import_report_free(&r);
  assert_string_equal(spans(f, "t4", buf, sizeof buf), "sch1 teacher 1914-01-01..");
  assert_string_equal(spans(f, "t5", buf, sizeof buf), "sch1 teacher 1999-01-01..");
  assert_string_equal(spans(f, "t6", buf, sizeof buf), "sch1 teacher 2100-01-01..");
  /* gone again, for what follows (a statement's changes are all made by its first step) */
  assert_string_equal(one(f, "DELETE FROM employment WHERE staff_id IN ('t4', 't5', 't6') RETURNING 1", buf, sizeof buf), "1");
  assert_string_equal(one(f, "DELETE FROM staff WHERE id IN ('t4', 't5', 't6') RETURNING 1", buf, sizeof buf), "1");
  assert_string_equal(one(f, "SELECT count(*) FROM staff WHERE id IN ('t4', 't5', 't6')", buf, sizeof buf), "0");
  /* the same file again changes nothing */
  import(f, "staff",
         "Код,Код ОО,Должность,Год рождения,Год начала педагогической деятельности,Дата приёма,Дата увольнения\n"
         "t1,sch1,teacher,1999,2023,15.03.2023,\nt2,sch2,deputy,1980,2003,01.06.2023,\n"
         "t2,sch1,teacher,1980,2003,01.09.2015,\nt3,sch1,teacher,1970,1992,,30.06.2023\n",
         NULL, 0, &r);
  assert_int_equal(r.spans_opened + r.spans_closed, 0);
  import_report_free(&r);
  assert_string_equal(one(f, "SELECT count(*) FROM employment", buf, sizeof buf), "4");
  /* the real hire date refines the span inferred from the career start */
  import(f, "staff", "id,organization_id,position,birth_year,career_start_year,hire_date\nt3,sch1,teacher,1970,1992,2001-09-01\n",
         NULL, 0, &r);
  import_report_free(&r);
  assert_string_equal(spans(f, "t3", buf, sizeof buf), "sch1 teacher 2001-09-01..2023-06-30");
  /* an undated row of an earlier span of the history repeats what is known */
  import(f, "staff", "id,organization_id,position,birth_year,career_start_year\nt2,sch1,teacher,1980,2003\n", NULL, 0, &r);
  assert_int_equal(r.spans_opened + r.spans_closed, 0);
  import_report_free(&r);
  assert_string_equal(spans(f, "t2", buf, sizeof buf), "sch1 teacher 2015-09-01..2023-05-31; sch2 deputy 2023-06-01..");
  /* a move without its date is refused, and nothing of the row is written */
  import(f, "staff", "id,organization_id,position,birth_year,career_start_year\nt1,sch2,teacher,1999,2023\n", NULL, 1, &r);
  assert_non_null(strstr(r.problems[0].message, "organization_id: the worker is in sch1 as teacher since 2023-03-15"));
  import_report_free(&r);
  assert_string_equal(spans(f, "t1", buf, sizeof buf), "sch1 teacher 2023-03-15..");
  /* a leave date before the hire date is an error of the row */
  import(f, "staff", "id,organization_id,position,birth_year,career_start_year,hire_date,leave_date\n"
                     "t4,sch1,teacher,1990,2012,2020-09-01,2019-06-30\n", NULL, 1, &r);
  assert_non_null(strstr(r.problems[0].message, "leave_date: ends before it starts (2019-06-30 < 2020-09-01)"));
  import_report_free(&r);
}

static const char list_2022[] =
    "Код,Код ОО,Должность,Год рождения,Год начала педагогической деятельности\n"
    "p1,sch1,teacher,1975,1998\np2,sch1,teacher,1988,2010\np3,sch2,teacher,1990,2014\n"
    "p5,sch2,educator,1985,2007\n";
static const char list_2023[] =
    "Код,Код ОО,Должность,Год рождения,Год начала педагогической деятельности\n"
    "p1,sch1,teacher,1975,1998\np2,sch2,teacher,1988,2010\np4,sch1,teacher,2000,2023\n"
    "p5,sch2,Старший воспитатель,1985,2007\n";

static void staff_lists_open_and_close_spans(void **state) {
  fixture *f = *state;
  organizations(f);
  char buf[512], before[4096], after[4096];
  import_report r;
  import(f, "staff", "id,organization_id,position,birth_year,career_start_year\nq1,sch9,teacher,1980,2005\n", NULL, 0, &r);
  import_report_free(&r);
  import(f, "staff", list_2022, "01.09.2022", 0, &r);
  assert_int_equal(r.spans_opened, 4);
  assert_int_equal(r.spans_closed, 0);
  import_report_free(&r);
  /* the first list: its workers count from the start of their careers */
  assert_string_equal(spans(f, "p3", buf, sizeof buf), "sch2 teacher 2014-01-01..");
  import(f, "staff", list_2023, "2023-09-01", 0, &r);
  /* p2 moved (1 closed, 1 opened), p4 is new, p5 changed position (1 closed, 1 opened), p3 left (1 closed) */
  assert_int_equal(r.spans_opened, 3);
  assert_int_equal(r.spans_closed, 3);
  import_report_free(&r);
  assert_string_equal(spans(f, "p1", buf, sizeof buf), "sch1 teacher 1998-01-01..");
  assert_string_equal(spans(f, "p2", buf, sizeof buf), "sch1 teacher 2010-01-01..2023-08-31; sch2 teacher 2023-09-01..");
  assert_string_equal(spans(f, "p3", buf, sizeof buf), "sch2 teacher 2014-01-01..2023-08-31");
  /* a worker new to the store after an earlier list joined after it: counted from this list's date */
  assert_string_equal(spans(f, "p4", buf, sizeof buf), "sch1 teacher 2023-09-01..");
  assert_string_equal(spans(f, "p5", buf, sizeof buf),
                      "sch2 educator 2007-01-01..2023-08-31; sch2 senior_educator 2023-09-01..");
  /* another municipality's worker is not closed by emz's list */
  assert_string_equal(spans(f, "q1", buf, sizeof buf), "sch9 teacher 2005-01-01..");
  assert_string_equal(one(f, "SELECT group_concat(date || ' ' || municipality || ' ' || workers, '; ') FROM"
                             " (SELECT * FROM staff_snapshot ORDER BY date)", buf, sizeof buf),
                      "2022-09-01 emz 4; 2023-09-01 emz 4");
  /* the same list again changes nothing */
  const char *dump = "SELECT group_concat(staff_id || organization_id || position || from_date || coalesce(to_date, '-')"
                     " || source, ',') FROM (SELECT * FROM employment ORDER BY id)";
  one(f, dump, before, sizeof before);
  import(f, "staff", list_2023, "2023-09-01", 0, &r);
  assert_int_equal(r.spans_opened + r.spans_closed, 0);
  import_report_free(&r);
  one(f, dump, after, sizeof after);
  assert_string_equal(before, after);
  /* so does the older list, imported again after the newer one: nothing is deleted */
  import(f, "staff", list_2022, "2022-09-01", 0, &r);
  import_report_free(&r);
  assert_string_equal(spans(f, "p3", buf, sizeof buf), "sch2 teacher 2014-01-01..2023-08-31");
  assert_string_equal(spans(f, "p2", buf, sizeof buf), "sch1 teacher 2010-01-01..2023-08-31; sch2 teacher 2023-09-01..");
  /* a rejected row of a list does not make its worker a leaver */
  import(f, "staff", "id,organization_id,position,birth_year,career_start_year\n"
                     "p1,sch1,teacher,1975,1998\np2,sch2,teacher,19xx,2010\np4,sch1,teacher,2000,2023\n"
                     "p5,sch2,senior_educator,1985,2007\n", "2024-09-01", 1, &r);
  import_report_free(&r);
  char *path = support_write_text(f->dir, "list.csv", "id,organization_id,position,birth_year,career_start_year\n"
                                  "p1,sch1,teacher,1975,1998\np2,sch2,teacher,19xx,2010\np4,sch1,teacher,2000,2023\n"
                                  "p5,sch2,senior_educator,1985,2007\n");
  import_options opt = {.snapshot = "2024-09-01", .skip_invalid = 1};
  char err[512];
  assert_int_equal(import_file(f->db, "staff", path, &opt, &r, err, sizeof err), 0);
  assert_int_equal(r.spans_closed, 0);
  import_report_free(&r);
  free(path);
  assert_string_equal(spans(f, "p2", buf, sizeof buf), "sch1 teacher 2010-01-01..2023-08-31; sch2 teacher 2023-09-01..");
  /* a bad date and a list of something else than staff */
  path = support_write_text(f->dir, "orgs.csv", "id,name,kind,municipality\nsch3,СОШ № 3,school,emz\n");
  opt.snapshot = "2023-02-30";
  assert_int_equal(import_file(f->db, "staff", path, &opt, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "--snapshot: not a date"));
  opt.snapshot = "2023-09-01";
  assert_int_equal(import_file(f->db, "organizations", path, &opt, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "--snapshot: only a staff list has a date"));
  free(path);
}

/* The version of the schema before the employment history. */
static int schema_before_employment(void) {
  for (int n = 1; store_migration_sql(n); n++)
    if (strstr(store_migration_sql(n), "CREATE TABLE employment")) return n - 1;
  return -1;
}

static void old_stores_get_one_span_per_worker(void **state) {
  fixture *f = *state;
  char err[512], buf[512], path[600];
  /* a store as the pdmon before the employment history left it */
  snprintf(path, sizeof path, "%s/old.db", f->dir);
  sqlite3 *old;
  assert_int_equal(sqlite3_open(path, &old), SQLITE_OK);
  int before = schema_before_employment();
  assert_true(before >= 2);
  for (int n = 1; n <= before; n++) assert_int_equal(store_exec(old, store_migration_sql(n), err, sizeof err), 0);
  snprintf(buf, sizeof buf, "PRAGMA user_version = %d;", before);
  assert_int_equal(store_exec(old, buf, err, sizeof err), 0);
  assert_int_equal(store_exec(old, "INSERT INTO organization VALUES ('sch1', 'A', 'school', 'emz', NULL),"
                                   " ('sch2', 'B', 'school', 'emz', NULL);"
                                   "INSERT INTO staff (id, organization_id, position, birth_year, career_start_year)"
                                   " VALUES ('w1', 'sch1', 'teacher', 1980, 2004), ('w2', 'sch2', 'head', 1965, 1988);",
                              err, sizeof err), 0);
  sqlite3_close(old);
  sqlite3_close(f->db);
  assert_int_equal(store_open(path, 0, &f->db, err, sizeof err), 0);
  assert_int_equal(store_exec(f->db, "SELECT 1", err, sizeof err), 0);
  assert_string_equal(spans(f, "w1", buf, sizeof buf), "sch1 teacher 2004-01-01..");
  assert_string_equal(spans(f, "w2", buf, sizeof buf), "sch2 head 1988-01-01..");
  assert_string_equal(one(f, "SELECT group_concat(DISTINCT source) FROM employment", buf, sizeof buf), "career_start");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(hire_leave_and_transfer_dates, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(staff_lists_open_and_close_spans, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(old_stores_get_one_span_per_worker, support_store_setup, support_store_teardown),
  };
  return cmocka_run_group_tests_name("employment", tests, NULL, NULL);
}
