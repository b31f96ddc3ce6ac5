/* CSV import: validation messages, atomicity, rows set aside, dry runs,
 * re-imports, references, unknown columns kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "import.h"
#include "xlsx_reader.h"
#include "store.h"
#include "support.h"

/* The store each test starts from (support.h). */
typedef support_store fixture;

static const char organizations[] =
    "id,name,kind,municipality\n"
    "sch1,\"МОУ \"\"СОШ № 1\"\"\",school,emz\n"
    "sch2,МОУ СОШ № 2,Школа,emz\n"
    "dou1,МДОУ Детский сад № 1,ДОУ,emz\n";

/* Writes name with content and imports it; returns import_file's status. */
static int import_text(fixture *f, const char *entity, const char *name, const char *content,
                       import_options opt, import_report *report, char *err, size_t errlen) {
  char *path = support_write_text(f->dir, name, content);
  int rc = import_file(f->db, entity, path, &opt, report, err, errlen);
  free(path);
  return rc;
}

static void load_organizations(fixture *f) {
  import_report r;
  char err[512];
  import_options opt = {0};
  assert_int_equal(import_text(f, "organizations", "orgs.csv", organizations, opt, &r, err, sizeof err), 0);
  import_report_free(&r);
}

static void organizations_then_reimport_updates(void **state) {
  fixture *f = *state;
  import_report r;
  char err[512], buf[128];
  import_options opt = {0};
  assert_int_equal(import_text(f, "organizations", "orgs.csv", organizations, opt, &r, err, sizeof err), 0);
  assert_int_equal(r.inserted, 3);
  assert_int_equal(r.updated, 0);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT name FROM organization WHERE id='sch1'", buf, sizeof buf), "МОУ \"СОШ № 1\"");
  assert_string_equal(support_text(f->db, "SELECT kind FROM organization WHERE id='dou1'", buf, sizeof buf), "preschool");
  assert_int_equal(import_text(f, "organizations", "orgs.csv",
                               "id,name,kind,municipality\nsch2,МОУ «СОШ № 2»,school,emz\n", opt, &r, err, sizeof err), 0);
  assert_int_equal(r.inserted, 0);
  assert_int_equal(r.updated, 1);
  import_report_free(&r);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM organization"), 3);
  assert_string_equal(support_text(f->db, "SELECT name FROM organization WHERE id='sch2'", buf, sizeof buf), "МОУ «СОШ № 2»");
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM import_log"), 2);
}

static void russian_headers_in_windows_1251(void **state) {
  fixture *f = *state;
  load_organizations(f);
  /* Код;Код ОО;Должность;Год рождения;Год начала педагогической деятельности;
   * Соответствие образования профилю;Примечание
   * p1;sch1;Учитель;1980;2003;да;молодой специалист */
  static const char cp1251[] =
      "\xCA\xEE\xE4;\xCA\xEE\xE4 \xCE\xCE;\xC4\xEE\xEB\xE6\xED\xEE\xF1\xF2\xFC;"
      "\xC3\xEE\xE4 \xF0\xEE\xE6\xE4\xE5\xED\xE8\xFF;"
      "\xC3\xEE\xE4 \xED\xE0\xF7\xE0\xEB\xE0 \xEF\xE5\xE4\xE0\xE3\xEE\xE3\xE8\xF7\xE5\xF1\xEA\xEE\xE9 "
      "\xE4\xE5\xFF\xF2\xE5\xEB\xFC\xED\xEE\xF1\xF2\xE8;"
      "\xD1\xEE\xEE\xF2\xE2\xE5\xF2\xF1\xF2\xE2\xE8\xE5 \xEE\xE1\xF0\xE0\xE7\xEE\xE2\xE0\xED\xE8\xFF "
      "\xEF\xF0\xEE\xF4\xE8\xEB\xFE;\xCF\xF0\xE8\xEC\xE5\xF7\xE0\xED\xE8\xE5\r\n"
      "p1;sch1;\xD3\xF7\xE8\xF2\xE5\xEB\xFC;1980;2003;\xE4\xE0;\xEC\xEE\xEB\xEE\xE4\xEE\xE9\r\n"
      "p2;sch2;\xC2\xEE\xF1\xEF\xE8\xF2\xE0\xF2\xE5\xEB\xFC;1990;2012;\xED\xE5\xF2;\r\n";
  char *path = support_write(f->dir, "staff.csv", cp1251, sizeof cp1251 - 1);
  import_report r;
  char err[512], buf[256];
  import_options opt = {0};
  int rc = import_file(f->db, "staff", path, &opt, &r, err, sizeof err);
  if (rc != 0 && r.rejected) print_error("%s\n", r.problems[0].message);
  assert_int_equal(rc, 0);
  assert_int_equal(r.inserted, 2);
  import_report_free(&r);
  free(path);
  assert_string_equal(support_text(f->db, "SELECT position FROM staff WHERE id='p1'", buf, sizeof buf), "teacher");
  assert_string_equal(support_text(f->db, "SELECT position FROM staff WHERE id='p2'", buf, sizeof buf), "educator");
  assert_int_equal(support_count(f->db, "SELECT education_matches_profile FROM staff WHERE id='p1'"), 1);
  assert_int_equal(support_count(f->db, "SELECT education_matches_profile FROM staff WHERE id='p2'"), 0);
  assert_int_equal(support_count(f->db, "SELECT career_start_year FROM staff WHERE id='p1'"), 2003);
  /* the column the schema does not know is kept, under its own header */
  assert_string_equal(support_text(f->db, "SELECT extra ->> '$.Примечание' FROM staff WHERE id='p1'", buf, sizeof buf),
                      "молодой");
  assert_int_equal(support_count(f->db, "SELECT extra IS NULL FROM staff WHERE id='p2'"), 1);
}

static const char staff_with_bad_row[] =
    "id,organization_id,position,birth_year,career_start_year\n"
    "p1,sch1,teacher,1980,2003\n"
    "p2,sch1,teacher,19x7,2010\n"
    "p3,sch9,teacher,1985,2008\n"
    "p4,sch2,astronaut,1985,2008\n"
    "p5,sch2,teacher,1985\n"
    "p6,sch2,teacher,1985,1990\n"
    "p1,sch2,head,1970,1995\n"
    "p7,sch2,,1985,2008\n";

static void invalid_rows_leave_the_store_unchanged(void **state) {
  fixture *f = *state;
  load_organizations(f);
  import_report r;
  char err[512], buf[128];
  import_options opt = {0};
  assert_int_equal(import_text(f, "staff", "first.csv",
                               "id,organization_id,position,birth_year,career_start_year\n"
                               "p1,sch2,head,1970,1995\n", opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_int_equal(import_text(f, "staff", "staff.csv", staff_with_bad_row, opt, &r, err, sizeof err), 1);
  assert_int_equal(r.rows, 8);
  assert_int_equal(r.rejected, 8);
  assert_false(r.written);
  char expected[8][300];
  /* p1 is in the store at sch2 as head: a move without its date is refused */
  snprintf(expected[7], 300, "%s/staff.csv:2: organization_id: the worker is in sch2 as head since 1995-01-01;"
           " a move or a change of position needs its date", f->dir);
  snprintf(expected[0], 300, "%s/staff.csv:3: birth_year: not a year between 1900 and 2100 (19x7)", f->dir);
  snprintf(expected[1], 300, "%s/staff.csv:4: organization_id: no organization with this id in the store; import it first (sch9)", f->dir);
  snprintf(expected[2], 300, "%s/staff.csv:5: position: unknown value; the nearest known is '", f->dir);
  snprintf(expected[3], 300, "%s/staff.csv:6: row has 4 fields but the header has 5", f->dir);
  snprintf(expected[4], 300, "%s/staff.csv:7: career_start_year: career starts before the worker turned 14 (1990, born 1985)", f->dir);
  snprintf(expected[5], 300, "%s/staff.csv:8: id: the same id is already on line 2 (p1)", f->dir);
  snprintf(expected[6], 300, "%s/staff.csv:9: position: required value is missing", f->dir);
  for (int i = 0; i < 8; i++) {
    const char *got = r.problems[i == 7 ? 0 : i + 1].message;
    if (strncmp(got, expected[i], strlen(expected[i])) != 0) print_error("got      %s\nexpected %s\n", got, expected[i]);
    assert_int_equal(strncmp(got, expected[i], strlen(expected[i])), 0);
  }
  import_report_free(&r);
  /* nothing written: p1 keeps its old values, no new rows, no log entry */
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM staff"), 1);
  assert_string_equal(support_text(f->db, "SELECT position FROM staff WHERE id='p1'", buf, sizeof buf), "head");
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM import_log WHERE entity='staff'"), 1);
  char path[600];
  snprintf(path, sizeof path, "%s/staff.csv.rejected.csv", f->dir);
  assert_int_not_equal(access(path, F_OK), 0);
}

static void skip_invalid_sets_rows_aside(void **state) {
  fixture *f = *state;
  load_organizations(f);
  import_report r;
  char err[512], path[600];
  import_options opt = {.skip_invalid = 1};
  assert_int_equal(import_text(f, "staff", "staff.csv", staff_with_bad_row, opt, &r, err, sizeof err), 0);
  assert_int_equal(r.inserted, 1);
  assert_int_equal(r.rejected, 7);
  assert_true(r.written);
  snprintf(path, sizeof path, "%s/staff.csv.rejected.csv", f->dir);
  assert_string_equal(r.rejected_path, path);
  import_report_free(&r);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM staff"), 1);
  assert_int_equal(support_count(f->db, "SELECT rows_rejected FROM import_log WHERE entity='staff'"), 7);
  char *aside = support_read(path);
  assert_non_null(aside);
  const char *header = "\xEF\xBB\xBFid,organization_id,position,birth_year,career_start_year,line,error\r\n";
  assert_int_equal(strncmp(aside, header, strlen(header)), 0);
  assert_non_null(strstr(aside, "p2,sch1,teacher,19x7,2010,3,"));
  assert_non_null(strstr(aside, "p5,sch2,teacher,1985,6,"));
  assert_non_null(strstr(aside, "(sch9)"));
  size_t lines = 0;
  for (const char *p = aside; *p; p++) lines += *p == '\n';
  assert_int_equal(lines, 8); /* header and the seven rejected rows */
  free(aside);
}

static void dry_run_writes_nothing(void **state) {
  fixture *f = *state;
  import_report r;
  char err[512];
  import_options opt = {.dry_run = 1};
  assert_int_equal(import_text(f, "organizations", "orgs.csv", organizations, opt, &r, err, sizeof err), 0);
  assert_int_equal(r.inserted, 3);
  assert_false(r.written);
  import_report_free(&r);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM organization"), 0);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM import_log"), 0);
}

static void activities_without_ids_do_not_duplicate(void **state) {
  fixture *f = *state;
  load_organizations(f);
  import_report r;
  char err[512];
  import_options opt = {0};
  assert_int_equal(import_text(f, "staff", "staff.csv",
                               "id,organization_id,position,birth_year,career_start_year\np1,sch1,teacher,1980,2003\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  const char *acts = "staff_id;kind;date;hours;title;score\n"
                     "p1;diagnostic;01.09.2023;;Диагностика;66,6\n"
                     "p1;Курсы повышения квалификации;2023-10-02;72;ИКТ;\n";
  for (int round = 0; round < 2; round++) {
    assert_int_equal(import_text(f, "activities", "acts.csv", acts, opt, &r, err, sizeof err), 0);
    assert_int_equal(r.inserted, round == 0 ? 2 : 0);
    assert_int_equal(r.updated, round == 0 ? 0 : 2);
    import_report_free(&r);
  }
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM activity"), 2);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM activity WHERE kind='course' AND date='2023-10-02' AND hours=72"), 1);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM activity WHERE date='2023-09-01' AND score=66.6"), 1);
  assert_int_equal(import_text(f, "activities", "bad.csv", "staff_id,kind,date\np1,diagnostic,2023-02-30\np1,diagnostic,2023-02-01\n",
                               opt, &r, err, sizeof err), 1);
  assert_int_equal(r.rejected, 1);
  assert_non_null(strstr(r.problems[0].message, "bad.csv:2: date: not a date"));
  import_report_free(&r);
  assert_int_equal(import_text(f, "activities", "bad2.csv", "staff_id,kind,date\nghost,diagnostic,2023-02-01\n",
                               opt, &r, err, sizeof err), 1);
  assert_non_null(strstr(r.problems[0].message, "bad2.csv:2: staff_id: no staff with this id in the store"));
  import_report_free(&r);
}

/* A repeated id is refused naming the line where the file first gave it,
 * whether that row was new to the store or updated a stored one, and
 * however many refused or updated rows came between. */
static void repeated_ids_name_their_first_line(void **state) {
  fixture *f = *state;
  load_organizations(f);
  import_report r;
  char err[512];
  import_options opt = {.skip_invalid = 1};
  const char *orgs = "id,name,kind,municipality\n"
                     "n1,МОУ СОШ № 11,school,emz\n"  /* 2: new */
                     "sch1,МОУ СОШ № 1,school,emz\n" /* 3: stored: updated */
                     "n2,МОУ СОШ № 12,spaceship,emz\n" /* 4: refused */
                     "n3,МОУ СОШ № 13,school,emz\n"  /* 5: new, after a refused and an updated row */
                     "sch2,МОУ СОШ № 2,school,emz\n" /* 6: stored: updated */
                     "n4,МОУ СОШ № 14,school,emz\n"  /* 7: new */
                     "n3,МОУ СОШ № 13,school,emz\n"  /* 8: repeats 5 */
                     "sch1,МОУ СОШ № 1,school,emz\n" /* 9: repeats 3 */
                     "n1,МОУ СОШ № 11,school,emz\n"  /* 10: repeats 2 */
                     "n4,МОУ СОШ № 14,school,emz\n"; /* 11: repeats 7 */
  assert_int_equal(import_text(f, "organizations", "again.csv", orgs, opt, &r, err, sizeof err), 0);
  assert_int_equal(r.inserted, 3);
  assert_int_equal(r.updated, 2);
  assert_int_equal(r.rejected, 5);
  const char *first[] = {"8: id: the same id is already on line 5 (n3)", "9: id: the same id is already on line 3 (sch1)",
                         "10: id: the same id is already on line 2 (n1)", "11: id: the same id is already on line 7 (n4)"};
  for (size_t i = 0; i < 4; i++) {
    char expected[600];
    snprintf(expected, sizeof expected, "%s/again.csv:%s", f->dir, first[i]);
    assert_string_equal(r.problems[i + 1].message, expected);
  }
  import_report_free(&r);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM organization"), 6);
}

/* A first import into an empty table builds the table's indexes after
 * its rows; refused or written, the store keeps every index as it was. */
/* A staff file's new workers are written without a lookup of their id
 * first, and their identities reach the duplicate tracker in batches
 * (store_new_worker, queue_seen): a row repeating one, near or 150 rows of
 * new workers later (past two batches), still names the first row's line;
 * a worker repeated with another hire date is a second span; a file read
 * again updates every worker and refuses the same rows. */
static void repeated_workers_across_batches(void **state) {
  fixture *f = *state;
  load_organizations(f);
  char *text = malloc(64 * 1024), *o = text;
  o += sprintf(o, "id,organization_id,position,birth_year,career_start_year,hire_date\n");
  for (int i = 0; i < 150; i++) o += sprintf(o, "w%03d,sch1,teacher,1980,2005,2010-09-01\n", i); /* lines 2..151 */
  o += sprintf(o, "w003,sch1,teacher,1980,2005,2010-09-01\n"); /* 152: repeats line 5 */
  o += sprintf(o, "w149,sch1,teacher,1980,2005,2010-09-01\n"); /* 153: repeats line 151 */
  o += sprintf(o, "w010,sch2,teacher,1980,2005,2016-09-01\n"); /* 154: moves, a second span */
  o += sprintf(o, "n1,sch2,teacher,1980,2005,2012-09-01\n");   /* 155: new after stored ones */
  o += sprintf(o, "n1,sch2,teacher,1980,2005,2012-09-01\n");   /* 156: repeats 155 */
  import_report r;
  char err[512];
  import_options opt = {.skip_invalid = 1};
  for (int pass = 0; pass < 2; pass++) {
    assert_int_equal(import_text(f, "staff", "staff.csv", text, opt, &r, err, sizeof err), 0);
    assert_int_equal(r.inserted, pass ? 0 : 151);
    assert_int_equal(r.updated, pass ? 152 : 1);
    assert_int_equal(r.rejected, 3);
    const char *first[] = {"152: id: the same id is already on line 5 (w003|2010-09-01)",
                           "153: id: the same id is already on line 151 (w149|2010-09-01)",
                           "156: id: the same id is already on line 155 (n1|2012-09-01)"};
    for (size_t i = 0; i < 3; i++) {
      char expected[600];
      snprintf(expected, sizeof expected, "%s/staff.csv:%s", f->dir, first[i]);
      assert_string_equal(r.problems[i].message, expected);
    }
    import_report_free(&r);
  }
  free(text);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM staff"), 151);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM employment"), 152);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM employment WHERE staff_id = 'w010' AND to_date = '2016-08-31'"), 1);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM staff WHERE id = 'w010' AND organization_id = 'sch2'"), 1);
}

/* After an import the query planner's statistics are refreshed for the
 * table it wrote and for every table other imports do not own; the
 * statistics of the other entities' tables stand, nothing having changed
 * them (store_refresh_statistics_after). */
static void statistics_refreshed_where_written(void **state) {
  fixture *f = *state;
  load_organizations(f);
  import_report r;
  char err[512], buf[64];
  import_options opt = {0};
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'organization'"), 2);
  assert_int_equal(sqlite3_exec(f->db, "UPDATE sqlite_stat1 SET stat = '999 9' WHERE tbl = 'organization';"
                                       "INSERT INTO sqlite_stat1 VALUES ('document', 'document_by_municipality', '77 7')",
                                NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(import_text(f, "staff", "staff.csv", "id,organization_id,position,birth_year,career_start_year\n"
                               "p1,sch1,teacher,1980,2003\n", opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  /* staff and its spans analysed; organization's stand; document's (an empty table) refreshed away */
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'staff' AND stat LIKE '1 %'"), 2);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'employment'"), 2);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'organization' AND stat = '999 9'"), 2);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'document'"), 0);
  load_organizations(f);
  assert_string_equal(support_text(f->db, "SELECT stat FROM sqlite_stat1 WHERE idx = 'organization_by_municipality'", buf,
                           sizeof buf), "3 3");
}

static void first_import_keeps_every_index(void **state) {
  fixture *f = *state;
  static const char schema[] = "SELECT group_concat(name || ':' || sql, ';') FROM (SELECT name, sql FROM sqlite_schema"
                               " WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)";
  char before[8192], after[8192];
  support_text(f->db, schema, before, sizeof before);
  assert_non_null(strstr(before, "organization_by_municipality"));
  assert_non_null(strstr(before, "employment_by_organization"));
  import_report r;
  char err[512];
  import_options opt = {0};
  assert_int_equal(import_text(f, "organizations", "bad.csv", "id,name,kind,municipality\nx1,МОУ СОШ,spaceship,emz\n",
                               opt, &r, err, sizeof err), 1);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, schema, after, sizeof after), before);
  load_organizations(f);
  assert_int_equal(import_text(f, "staff", "staff.csv",
                               "id,organization_id,position,birth_year,career_start_year\np1,sch1,teacher,1980,2003\n"
                               "p2,sch2,head,1970,1995\n", opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, schema, after, sizeof after), before);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM staff INDEXED BY staff_by_organization WHERE organization_id = 'sch2'"), 1);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM employment INDEXED BY employment_by_organization"
                                " WHERE organization_id = 'sch1'"), 1);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM organization INDEXED BY organization_by_municipality"
                                " WHERE municipality = 'emz'"), 3);
}

static void missing_columns_and_municipality_default(void **state) {
  fixture *f = *state;
  import_report r;
  char err[512], buf[64];
  import_options opt = {0};
  assert_int_equal(import_text(f, "organizations", "o.csv", "id,name,kind\nx1,X,school\n", opt, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "o.csv:1: missing required column 'municipality'"));
  assert_non_null(strstr(err, "pdmon init --municipality"));
  import_report_free(&r);
  assert_int_equal(store_meta_set(f->db, "municipality", "emz", err, sizeof err), 0);
  assert_int_equal(import_text(f, "organizations", "o.csv", "id,name,kind\nx1,X,school\n", opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT municipality FROM organization WHERE id='x1'", buf, sizeof buf), "emz");
  assert_int_equal(import_text(f, "staff", "s.csv", "id,organization_id,birth_year,career_start_year\np,x1,1980,2000\n",
                               opt, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "s.csv:1: missing required column 'position' (in Russian: 'должность')"));
  import_report_free(&r);
  assert_int_equal(import_text(f, "staff", "s.csv", "id,Должность,position\n", opt, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "s.csv:1: position: a second column for field position"));
  import_report_free(&r);
  assert_int_equal(import_file(f->db, "people", "s.csv", &opt, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "unknown entity 'people'"));
  import_report_free(&r);
}

static void header_only_file_imports_nothing(void **state) {
  fixture *f = *state;
  import_report r;
  char err[512];
  import_options opt = {0};
  assert_int_equal(import_text(f, "organizations", "o.csv", "id,name,kind,municipality\r\n", opt, &r, err, sizeof err), 0);
  assert_int_equal(r.rows, 0);
  import_report_free(&r);
  assert_int_equal(import_text(f, "organizations", "empty.csv", "", opt, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "empty.csv:1: empty file"));
  import_report_free(&r);
}

/* A value met again reads as it did the first time (the importer keeps the
 * codes it has read): codes, names and phrases, each on several rows, and a
 * wrong value refused on every row it is on. */
static void repeated_values_read_the_same(void **state) {
  fixture *f = *state;
  import_report r;
  char err[512], buf[256];
  import_options opt = {0};
  assert_int_equal(import_text(f, "organizations", "orgs.csv", "id,name,kind,municipality\ns1,Школа,school,emz\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_int_equal(import_text(f, "staff", "staff.csv",
                               "id,organization_id,position,birth_year,career_start_year\n"
                               "p1,s1,Учитель,1990,2015\np2,s1,Учитель математики,1990,2015\n"
                               "p3,s1,teacher,1990,2015\np4,s1,Учитель математики,1990,2015\n"
                               "p5,s1,Учтель,1990,2015\np6,s1,Учитель,1990,2015\np7,s1,Учтель,1990,2015\n",
                               (import_options){.skip_invalid = 1}, &r, err, sizeof err), 0);
  assert_int_equal(r.rejected, 2);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT group_concat(id || ':' || position || ':' || COALESCE(subject, '-') || ':'"
                                  " || COALESCE(extra ->> '$.position', '-'), ' ') FROM (SELECT * FROM staff ORDER BY id)",
                           buf, sizeof buf),
                      "p1:teacher:-:- p2:teacher:Математика:Учитель математики p3:teacher:-:-"
                      " p4:teacher:Математика:Учитель математики p6:teacher:-:-");
}

/* The phrase forms of official staff lists: the position with its subject
 * or area, and the legal form of an organization as its kind. */
static void staff_list_phrases(void **state) {
  fixture *f = *state;
  import_report r;
  char err[512], buf[256];
  import_options opt = {0};
  assert_int_equal(import_text(f, "organizations", "orgs.csv",
                               "Код,Наименование,Вид,Муниципалитет\n"
                               "s1,МБОУ СОШ № 5,МБОУ,emz\nd1,МАДОУ Детский сад № 3,МАДОУ,emz\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT kind FROM organization WHERE id='d1'", buf, sizeof buf), "preschool");
  assert_int_equal(import_text(f, "staff", "staff.csv",
                               "Код,Код ОО,Должность,Год рождения,Год начала педагогической деятельности,Предмет\n"
                               "p1,s1,Учитель математики,1990,2015,\n"
                               "p2,s1,Заместитель директора по УВР,1975,1998,\n"
                               "p3,s1,учитель русского языка и литературы,1985,2010,Литература\n"
                               "p4,s1,Учитель-логопед,1980,2004,\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT position || '/' || subject FROM staff WHERE id='p1'", buf, sizeof buf),
                      "teacher/Математика");
  assert_string_equal(support_text(f->db, "SELECT extra ->> '$.Должность' FROM staff WHERE id='p1'", buf, sizeof buf),
                      "Учитель математики");
  assert_string_equal(support_text(f->db, "SELECT position || '/' || (subject IS NULL) FROM staff WHERE id='p2'", buf, sizeof buf),
                      "deputy/1");
  assert_string_equal(support_text(f->db, "SELECT extra ->> '$.Должность' FROM staff WHERE id='p2'", buf, sizeof buf),
                      "Заместитель директора по УВР");
  /* the file's own subject column wins over the phrase */
  assert_string_equal(support_text(f->db, "SELECT position || '/' || subject FROM staff WHERE id='p3'", buf, sizeof buf),
                      "teacher/Литература");
  /* a label that is itself a position is not a phrase */
  assert_string_equal(support_text(f->db, "SELECT position || '/' || (extra IS NULL) FROM staff WHERE id='p4'", buf, sizeof buf),
                      "speech_therapist/1");
  /* a position that is no phrase of a known one is refused, naming the nearest */
  assert_int_equal(import_text(f, "staff", "bad.csv",
                               "id,organization_id,position,birth_year,career_start_year\np5,s1,Учтель,1990,2015\n",
                               opt, &r, err, sizeof err), 1);
  assert_non_null(strstr(r.problems[0].message, "position: unknown value; the nearest known is 'Учитель' (teacher)"));
  import_report_free(&r);
}

/* Personal data (152-ФЗ) never reaches the store: columns refused by
 * header or by value, or left out with drop_personal; names as ids refused. */
static void personal_data_refused_or_dropped(void **state) {
  fixture *f = *state;
  load_organizations(f);
  import_report r;
  char err[1024], buf[256];
  import_options opt = {0};
  static const char with_names[] =
      "Код,ФИО,Код ОО,Должность,Дата рождения,Год начала педагогической деятельности,Телефон,Примечание\n"
      "p1,Иванова Мария Петровна,sch1,Учитель,12.03.1990,2015,+7 (351) 123-45-67,молодой специалист\n"
      "p2,Петров И.С.,sch1,Учитель,1985,2010,89161234567,\n";
  assert_int_equal(import_text(f, "staff", "staff.csv", with_names, opt, &r, err, sizeof err), -1);
  assert_non_null(strstr(err, "staff.csv:1: ФИО: holds a person's name or identity: personal data may not be"
                              " imported (152-ФЗ «О персональных данных»)"));
  assert_non_null(strstr(err, "--drop-personal"));
  assert_null(strstr(err, "Иванова"));
  import_report_free(&r);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM staff"), 0);
  /* with drop_personal the rest is imported and the dropped columns are named */
  opt.drop_personal = 1;
  if (import_text(f, "staff", "staff.csv", with_names, opt, &r, err, sizeof err) != 0) fail_msg("%s", err);
  assert_string_equal(r.dropped, "ФИО, Телефон");
  assert_int_equal(r.inserted, 2);
  import_report_free(&r);
  assert_int_equal(support_count(f->db, "SELECT birth_year FROM staff WHERE id = 'p1'"), 1990);
  assert_string_equal(support_text(f->db, "SELECT extra FROM staff WHERE id = 'p1'", buf, sizeof buf),
                      "{\"Примечание\":\"молодой специалист\"}");
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM staff WHERE extra LIKE '%Иванова%' OR extra LIKE '%351%'"
                                " OR extra LIKE '%Петров%'"), 0);
  /* a column the schema does not know is refused by its values: a name, an e-mail, a СНИЛС */
  opt.drop_personal = 0;
  static const char *const by_value[] = {
      "staff_id,kind,date,Наставник\np1,mentoring,2023-02-01,Абдуллаева Л.Г.\n",
      "staff_id,kind,date,Контакт\np1,course,2023-02-01,teacher@school.example\n",
      "staff_id,kind,date,Номер\np1,course,2023-02-01,112-233-445 95\n",
  };
  static const char *const why[] = {"Наставник: holds a full name (line 2)", "Контакт: holds an e-mail address (line 2)",
                                    "Номер: holds a СНИЛС (line 2)"};
  for (int i = 0; i < 3; i++) {
    assert_int_equal(import_text(f, "activities", "acts.csv", by_value[i], opt, &r, err, sizeof err), -1);
    if (!strstr(err, why[i])) fail_msg("%s", err);
    assert_null(strstr(err, "Абдуллаева"));
    import_report_free(&r);
  }
  /* a worker's id that is a name is refused (row-level, the value not repeated) */
  assert_int_equal(import_text(f, "staff", "named.csv",
                               "id,organization_id,position,birth_year,career_start_year\nСидорова А.А.,sch1,teacher,1990,2015\n",
                               opt, &r, err, sizeof err), 1);
  assert_non_null(strstr(r.problems[0].message, "id: looks like a person's name; workers are pseudonymous ids"));
  assert_null(strstr(r.problems[0].message, "Сидорова"));
  import_report_free(&r);
  /* an organization's own phone and address are not personal data */
  assert_int_equal(import_text(f, "organizations", "orgs2.csv",
                               "id,name,kind,municipality,Телефон,Адрес\nsch3,МОУ СОШ № 3,school,emz,+7 (351) 100-00-00,ул. Мира 1\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  /* ...but the name of its head is */
  assert_int_equal(import_text(f, "organizations", "orgs3.csv",
                               "id,name,kind,municipality,ФИО руководителя\nsch4,МОУ СОШ № 4,school,emz,Кузнецова О.В.\n",
                               opt, &r, err, sizeof err), -1);
  import_report_free(&r);
}

/* Events with stages, participation and registries: Russian headers and
 * values, what a stage and a participation take from their event, and the
 * refusals with the nearest value. */
/* Imports content with skip_invalid and checks its one rejected row (line 3) says message. */
static void one_bad_reference(fixture *f, const char *entity, const char *content, const char *message) {
  import_report r;
  char err[1024];
  import_options opt = {.skip_invalid = 1};
  int rc = import_text(f, entity, "refs.csv", content, opt, &r, err, sizeof err);
  if (rc != 0) print_error("%s: %s\n", entity, err);
  assert_int_equal(rc, 0);
  assert_int_equal(r.rejected, 1);
  char expected[600];
  snprintf(expected, sizeof expected, "%s/refs.csv:3: %s", f->dir, message);
  if (strcmp(r.problems[0].message, expected) != 0) print_error("got      %s\nexpected %s\n", r.problems[0].message, expected);
  assert_string_equal(r.problems[0].message, expected);
  import_report_free(&r);
}

/* An import runs without SQLite's foreign keys (its own probes check every
 * reference): each referencing field still refuses an id the store lacks,
 * with the importer's message; the store holds no dangling reference after
 * (PRAGMA foreign_key_check), and the connection gets its setting back. */
static void references_refused_without_sqlite_foreign_keys(void **state) {
  fixture *f = *state;
  load_organizations(f);
  one_bad_reference(f, "staff", "id,organization_id,position,birth_year,career_start_year\np1,sch1,teacher,1980,2003\np2,sch9,teacher,1980,2003\n",
                    "organization_id: no organization with this id in the store; import it first (sch9)");
  one_bad_reference(f, "activities", "id,staff_id,kind,date\na1,p1,course,2023-01-10\na2,p9,course,2023-01-10\n",
                    "staff_id: no staff with this id in the store; import it first (p9)");
  one_bad_reference(f, "communities", "id,name,kind,organization_id,municipality\n"
                    "c1,МО учителей,methodical_association,sch1,emz\nc2,МО учителей 2,methodical_association,sch9,emz\n",
                    "organization_id: no organization with this id in the store; import it first (sch9)");
  one_bad_reference(f, "documents", "id,kind,date,title,organization_id,municipality\n"
                    "d1,plan,2023-01-10,План,sch1,emz\nd2,plan,2023-01-10,План 2,sch9,emz\n",
                    "organization_id: no organization with this id in the store; import it first (sch9)");
  one_bad_reference(f, "events", "id,kind,title,start_date,organization_id,municipality\n"
                    "e1,competition,Конкурс,2023-01-10,sch1,emz\ne2,competition,Конкурс 2,2023-01-10,sch9,emz\n",
                    "organization_id: no organization with this id in the store; import it first (sch9)");
  one_bad_reference(f, "events", "id,kind,title,start_date,parent_id,municipality\n"
                    "e1-m,competition,Этап,2023-02-10,e1,emz\ne9-m,competition,Этап 2,2023-02-10,e9,emz\n",
                    "parent_id: no event with this id in the store; import it first (e9)");
  one_bad_reference(f, "participation", "event_id,staff_id,organization_id\ne1,p1,\ne9,p1,\n",
                    "event_id: no event with this id in the store; import it first (e9)");
  one_bad_reference(f, "participation", "event_id,staff_id,organization_id\ne1-m,p1,\ne1-m,p9,\n",
                    "staff_id: no staff with this id in the store; import it first (p9)");
  one_bad_reference(f, "participation", "event_id,staff_id,organization_id\ne1,,sch1\ne1,,sch9\n",
                    "organization_id: no organization with this id in the store; import it first (sch9)");
  one_bad_reference(f, "registries", "registry,staff_id,from_date\nmentor,p1,2023-01-10\nmentor,p9,2023-01-10\n",
                    "staff_id: no staff with this id in the store; import it first (p9)");
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM employment WHERE staff_id = 'p1'"), 1);
  assert_int_equal(support_count(f->db, "PRAGMA foreign_keys"), 1);
  /* a connection that had them off keeps them off */
  assert_int_equal(sqlite3_exec(f->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL), SQLITE_OK);
  one_bad_reference(f, "activities", "id,staff_id,kind,date\na3,p1,course,2023-01-11\na4,p8,course,2023-01-10\n",
                    "staff_id: no staff with this id in the store; import it first (p8)");
  assert_int_equal(support_count(f->db, "PRAGMA foreign_keys"), 0);
}

/* Appends printf-style text to the buffer *text of *used bytes (grown by doubling). */
static void append(char **text, size_t *used, size_t *cap, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*text + *used, *cap - *used, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if ((size_t)n < *cap - *used) {
      *used += (size_t)n;
      return;
    }
    *cap *= 2;
    *text = realloc(*text, *cap);
    assert_non_null(*text);
  }
}

/* The references an import found in the store are remembered (reference_found): an event
 * named again after others is not probed again. What is remembered never lets a missing
 * id through: not while the set fills, nor after it was emptied full (20,000 events, more
 * than it keeps), nor once it was let go on a file naming a new event on every row; each
 * missing id is refused on every row that names it, with its own line. */
static void references_found_are_remembered_not_invented(void **state) {
  fixture *f = *state;
  load_organizations(f);
  import_report r;
  char err[1024];
  import_options opt = {0};
  assert_int_equal(import_text(f, "staff", "staff.csv", "id,organization_id,position,birth_year,career_start_year\n"
                               "p1,sch1,teacher,1980,2003\n", opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  size_t used = 0, cap = 1 << 16;
  char *text = malloc(cap);
  assert_non_null(text);
  append(&text, &used, &cap, "id,kind,title,start_date,municipality\n");
  for (int i = 0; i < 20000; i++) append(&text, &used, &cap, "e%d,competition,Конкурс %d,2023-01-10,emz\n", i, i);
  assert_int_equal(import_text(f, "events", "events.csv", text, opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  /* blocks of 100 events, each named twice over: every other row's event was found rows before */
  used = 0;
  append(&text, &used, &cap, "event_id,staff_id,stage\n");
  size_t line = 1, missing[16], nmissing = 0;
  for (int b = 0; b < 200; b++) {
    for (int again = 0; again < 2; again++)
      for (int i = 0; i < 100; i++) append(&text, &used, &cap, "e%d,p1,s%d\n", b * 100 + i, again), line++;
    if (b % 40 == 5) { /* x0 twice, once after the set was emptied */
      append(&text, &used, &cap, "x%d,p1,s0\n", b == 5 || b == 165 ? 0 : b), line++;
      missing[nmissing++] = line;
    }
  }
  opt.skip_invalid = 1;
  assert_int_equal(import_text(f, "participation", "kept.csv", text, opt, &r, err, sizeof err), 0);
  assert_int_equal(r.inserted, 40000);
  assert_int_equal(r.rejected, nmissing);
  assert_int_equal(r.kept, nmissing);
  for (size_t k = 0; k < nmissing; k++) {
    char expected[600];
    snprintf(expected, sizeof expected, "%s/kept.csv:%zu: event_id: no event with this id in the store; import it"
             " first (x%d)", f->dir, missing[k], k == 0 || k == 4 ? 0 : (int)(k * 40 + 5));
    assert_string_equal(r.problems[k].message, expected);
  }
  import_report_free(&r);
  /* a new event on every row: the set is let go after 4,096, the store asked for each */
  used = 0;
  append(&text, &used, &cap, "event_id,staff_id,stage\n");
  for (int i = 0; i < 6000; i++) append(&text, &used, &cap, "e%d,p1,t\n", i);
  append(&text, &used, &cap, "x0,p1,t\ne0,p1,u\ne5999,p1,u\nx0,p1,u\n");
  assert_int_equal(import_text(f, "participation", "new.csv", text, opt, &r, err, sizeof err), 0);
  assert_int_equal(r.inserted, 6002);
  assert_int_equal(r.rejected, 2);
  char expected[600];
  snprintf(expected, sizeof expected, "%s/new.csv:6002: event_id: no event with this id in the store; import it first (x0)", f->dir);
  assert_string_equal(r.problems[0].message, expected);
  snprintf(expected, sizeof expected, "%s/new.csv:6005: event_id: no event with this id in the store; import it first (x0)", f->dir);
  assert_string_equal(r.problems[1].message, expected);
  import_report_free(&r);
  free(text);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM participation"), 46002);
  assert_int_equal(support_count(f->db, "SELECT count(*) FROM participation p WHERE NOT EXISTS"
                                        " (SELECT 1 FROM event e WHERE e.id = p.event_id)"), 0);
}

static void events_participation_and_registries(void **state) {
  fixture *f = *state;
  load_organizations(f);
  import_report r;
  char err[1024], buf[256];
  import_options opt = {0};
  assert_int_equal(import_text(f, "staff", "staff.csv", "id,organization_id,position,birth_year,career_start_year\n"
                               "t1,sch1,teacher,1990,2014\nm1,sch1,teacher,1970,1994\n", opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_int_equal(import_text(f, "events", "events.csv",
                               "Код;Вид мероприятия;Наименование;Уровень;Дата начала;Дата окончания;Этап конкурса;Муниципалитет\n"
                               "c1;Конкурс профессионального мастерства;Учитель года;;15.01.2023;30.04.2023;;emz\n"
                               "c1-m;;Муниципальный этап;Муниципальный;10.02.2023;;c1;emz\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  /* the stage takes its competition's kind */
  assert_string_equal(support_text(f->db, "SELECT kind || '/' || level || '/' || parent_id FROM event WHERE id = 'c1-m'", buf, sizeof buf),
                      "competition/municipal/c1");
  assert_int_equal(import_text(f, "participation", "part.csv",
                               "Код мероприятия;Код работника;Код ОО;Результат;Номинация\n"
                               "c1-m;t1;;Победитель;\nc1-m;;sch2;Призёр;Команда\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  /* a participation without a date is dated by its event, without a role is a participant's */
  assert_string_equal(support_text(f->db, "SELECT date || '/' || role || '/' || result FROM participation WHERE staff_id = 't1'",
                           buf, sizeof buf), "2023-02-10/participant/winner");
  assert_int_equal(import_text(f, "participation", "bad.csv", "event_id,result\nc1-m,winner\nc9,winner\n",
                               opt, &r, err, sizeof err), 1);
  assert_non_null(strstr(r.problems[0].message, "who took part is missing"));
  assert_non_null(strstr(r.problems[1].message, "event_id: no event with this id in the store"));
  import_report_free(&r);
  assert_int_equal(import_text(f, "registries", "reg.csv",
                               "Реестр;Код работника;Наставник;Дата включения;Дата исключения\n"
                               "Наставляемые;t1;m1;01.09.2022;30.06.2023\nнаставник;m1;;01.09.2022;\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT group_concat(registry || ':' || staff_id, ' ') FROM"
                                  " (SELECT * FROM registry_member ORDER BY registry)", buf, sizeof buf),
                      "mentee:t1 mentor:m1");
  assert_int_equal(import_text(f, "registries", "reg2.csv", "registry,staff_id,from_date,to_date\n"
                               "наставнки,t1,2022-09-01,\nmentor,t1,2023-09-01,2023-01-01\n", opt, &r, err, sizeof err), 1);
  assert_non_null(strstr(r.problems[0].message, "registry: unknown value; the nearest known is"));
  assert_non_null(strstr(r.problems[0].message, "(mentor)"));
  assert_non_null(strstr(r.problems[1].message, "to_date: ends before it starts"));
  import_report_free(&r);
}

/* A staff list as Excel keeps it: shared strings, numbers, dates as
 * serial numbers with a date format, a date-time, one bad row; its
 * messages name the sheet and row, and its rejected row goes to
 * FILE.rejected.xlsx with the cells' kinds kept. */
static void staff_from_a_workbook(void **state) {
  fixture *f = *state;
  load_organizations(f);
  char path[600];
  snprintf(path, sizeof path, "%s/staff.xlsx", f->dir);
  lxw_workbook *book = workbook_new(path);
  lxw_worksheet *ws = workbook_add_worksheet(book, "Кадры");
  lxw_format *date = workbook_add_format(book);
  format_set_num_format(date, "dd.mm.yyyy");
  lxw_format *datetime = workbook_add_format(book);
  format_set_num_format(datetime, "dd.mm.yyyy h:mm");
  const char *headers[] = {"Табельный номер", "Код ОО", "Должность", "Дата рождения",
                           "Год начала педагогической деятельности", "Дата приёма", "Примечание"};
  for (int c = 0; c < 7; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, headers[c], NULL);
  lxw_datetime born = {1980, 3, 12, 0, 0, 0}, hired = {2023, 2, 15, 0, 0, 0}, born2 = {1990, 1, 1, 0, 0, 0};
  worksheet_write_number(ws, 1, 0, 1001, NULL);
  worksheet_write_string(ws, 1, 1, "sch1", NULL);
  worksheet_write_string(ws, 1, 2, "Учитель математики", NULL);
  worksheet_write_datetime(ws, 1, 3, &born, date);
  worksheet_write_number(ws, 1, 4, 2005, NULL);
  worksheet_write_datetime(ws, 1, 5, &hired, datetime);
  worksheet_write_string(ws, 1, 6, "классный руководитель", NULL);
  /* row 3 is left empty; row 4 has a hire date typed as a bare number */
  worksheet_write_string(ws, 3, 0, "t2", NULL);
  worksheet_write_string(ws, 3, 1, "sch1", NULL);
  worksheet_write_string(ws, 3, 2, "Учитель-логопед", NULL);
  worksheet_write_datetime(ws, 3, 3, &born2, date);
  worksheet_write_number(ws, 3, 4, 2012, NULL);
  worksheet_write_number(ws, 3, 5, 44972, NULL);
  assert_int_equal(workbook_close(book), LXW_NO_ERROR);

  import_report r;
  char err[1024], buf[256];
  import_options opt = {0};
  assert_int_equal(import_file(f->db, "staff", path, &opt, &r, err, sizeof err), 1);
  assert_int_equal(r.rejected, 1);
  char want[800];
  snprintf(want, sizeof want, "%s:Кадры:4: Дата приёма: a number, not a date", path);
  assert_non_null(strstr(r.problems[0].message, want));
  import_report_free(&r);
  opt.skip_invalid = 1;
  assert_int_equal(import_file(f->db, "staff", path, &opt, &r, err, sizeof err), 0);
  assert_int_equal(r.inserted, 1);
  snprintf(want, sizeof want, "%s.rejected.xlsx", path);
  assert_string_equal(r.rejected_path, want);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT position || '|' || subject || '|' || birth_year || '|' || career_start_year FROM staff WHERE id = '1001'",
                           buf, sizeof buf), "teacher|Математика|1980|2005");
  assert_string_equal(support_text(f->db, "SELECT from_date FROM employment WHERE staff_id = '1001'", buf, sizeof buf), "2023-02-15");
  assert_string_equal(support_text(f->db, "SELECT json_extract(extra, '$.Примечание') FROM staff WHERE id = '1001'", buf, sizeof buf),
                      "классный руководитель");

  xlsx_reader *x;
  xlsx_row row;
  assert_int_equal(xlsx_open(want, NULL, &x, err, sizeof err), 0);
  assert_string_equal(xlsx_sheet(x), "Кадры");
  assert_int_equal(xlsx_next_row(x, &row, err, sizeof err), 1);
  assert_int_equal(row.count, 9);
  assert_string_equal(row.cells[7], "Строка");
  assert_int_equal(xlsx_next_row(x, &row, err, sizeof err), 1);
  assert_string_equal(row.cells[0], "t2");
  assert_int_equal(row.kinds[3], XLSX_DATE); /* the birth date is still a date */
  assert_string_equal(row.cells[3], "1990-01-01");
  assert_int_equal(row.kinds[5], XLSX_NUMBER);
  assert_string_equal(row.cells[7], "4");
  assert_non_null(strstr(row.cells[8], "a number, not a date"));
  assert_int_equal(xlsx_next_row(x, &row, err, sizeof err), 0);
  xlsx_close(x);
}

/* The values of real HR exports: legal forms of organizations (alone, or
 * at the start of a name when the file has no kind), positions of the
 * official nomenclature with their subjects, Excel date-times, two-digit
 * years and full birth dates. */
static void real_hr_values(void **state) {
  fixture *f = *state;
  import_report r;
  char err[1024], buf[512];
  import_options opt = {0};
  assert_int_equal(import_text(f, "organizations", "kinds.csv",
                               "Код;Наименование;Вид;Муниципалитет\n"
                               "o1;Детский сад 1;МАДОУ;emz\no2;Детский сад 2;МБДОУ;emz\no3;Детский сад 3;МКДОУ;emz\n"
                               "o4;Школа 4;МАОУ;emz\no5;Школа 5;МБОУ;emz\no6;Школа 6;МКОУ;emz\no7;Школа 7;ГБОУ;emz\n"
                               "o8;Школа 8;ЧОУ;emz\no9;ЦДТ;МБУ ДО;emz\no10;ДДТ;МАУ ДО;emz\no11;Колледж;ГБПОУ;emz\n"
                               "o12;Институт;ГАУ ДПО;emz\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM organization ORDER BY CAST(substr(id, 2) AS INTEGER))",
                           buf, sizeof buf),
                      "preschool preschool preschool school school school school school additional additional vocational dpo");
  /* no kind column: the legal form at the start of the name tells it */
  assert_int_equal(import_text(f, "organizations", "names.csv",
                               "Код;Наименование;Муниципалитет\n"
                               "n1;МАДОУ «Детский сад № 5»;emz\nn2;МБОУ СОШ № 3;emz\nn3;МБУ ДО «Центр детского творчества»;emz\n"
                               "n4;ЧОУ ДПО «Учебный центр»;emz\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM organization WHERE id LIKE 'n%' ORDER BY id)",
                           buf, sizeof buf), "preschool school additional dpo");
  assert_int_equal(import_text(f, "organizations", "unknown.csv", "Код;Наименование;Муниципалитет\nn9;Гимназия без формы;emz\nn8;Клуб;emz\n",
                               opt, &r, err, sizeof err), 1);
  assert_int_equal(r.rejected, 1); /* «Гимназия …» is a school; «Клуб» says nothing */
  assert_non_null(strstr(r.problems[0].message, ":3: kind: required value is missing, and the name does not start with a legal form"));
  import_report_free(&r);

  assert_int_equal(import_text(f, "staff", "hr.csv",
                               "Табельный номер;Код ОО;Должность;Дата рождения;Год начала педагогической деятельности;Дата приёма\n"
                               "h1;o5;Учитель математики;12.03.1980;2005;15.02.2023 0:00\n"
                               "h2;o5;Учитель-логопед;01.01.90;2012;01.09.23\n"
                               "h3;o9;Педагог дополнительного образования;1985-05-05;2008;2020-09-01 00:00:00\n"
                               "h4;o1;Старший воспитатель;05.06.1970;1992;01.09.2001\n"
                               "h5;o5;Заместитель директора по УВР;1975;1998;01.09.2010\n"
                               "h6;o5;Учитель математики и информатики;1988;2011;01.09.2011\n"
                               "h7;o10;Тренер-преподаватель;1979;2001;01.09.2001\n"
                               "h8;o5;Директор школы;1965;1988;01.09.2005\n"
                               "h9;o5;Преподаватель-организатор ОБЗР;1983;2007;01.09.2024\n",
                               opt, &r, err, sizeof err), 0);
  import_report_free(&r);
  assert_string_equal(support_text(f->db, "SELECT group_concat(id || '=' || position || '/' || coalesce(subject, '') || '/' || birth_year, ' ')"
                                  " FROM (SELECT * FROM staff ORDER BY id)", buf, sizeof buf),
                      "h1=teacher/Математика/1980 h2=speech_therapist//1990 h3=additional_educator//1985 h4=senior_educator//1970 "
                      "h5=deputy//1975 h6=teacher/Математика, Информатика/1988 h7=coach//1979 h8=head//1965 "
                      "h9=life_safety_organizer//1983");
  assert_string_equal(support_text(f->db, "SELECT group_concat(from_date, ' ') FROM (SELECT from_date FROM employment WHERE staff_id IN ('h1', 'h2', 'h3') ORDER BY staff_id)",
                           buf, sizeof buf), "2023-02-15 2023-09-01 2020-09-01");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(organizations_then_reimport_updates, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(repeated_ids_name_their_first_line, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(repeated_workers_across_batches, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(statistics_refreshed_where_written, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(first_import_keeps_every_index, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(staff_from_a_workbook, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(russian_headers_in_windows_1251, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(invalid_rows_leave_the_store_unchanged, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(skip_invalid_sets_rows_aside, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(dry_run_writes_nothing, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(activities_without_ids_do_not_duplicate, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(missing_columns_and_municipality_default, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(header_only_file_imports_nothing, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(staff_list_phrases, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(real_hr_values, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(repeated_values_read_the_same, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(personal_data_refused_or_dropped, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(events_participation_and_registries, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(references_refused_without_sqlite_foreign_keys, support_store_setup, support_store_teardown),
    cmocka_unit_test_setup_teardown(references_found_are_remembered_not_invented, support_store_setup, support_store_teardown),
  };
  return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
