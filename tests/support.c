/* support.c: what the test programs share; the promises are in support.h. */
#include "support.h"

#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "store.h"

char *support_tempdir(void) {
  const char *base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  size_t len = strlen(base) + 32;
  char *path = malloc(len);
  if (!path) return NULL;
  snprintf(path, len, "%s/pdmon-test-XXXXXX", base);
  if (!mkdtemp(path)) {
    free(path);
    return NULL;
  }
  return path;
}

char *support_write(const char *dir, const char *name, const char *data, size_t len) {
  size_t plen = strlen(dir) + strlen(name) + 2;
  char *path = malloc(plen);
  if (!path) return NULL;
  snprintf(path, plen, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len) {
    if (f) fclose(f);
    free(path);
    return NULL;
  }
  fclose(f);
  return path;
}

char *support_write_text(const char *dir, const char *name, const char *text) {
  return support_write(dir, name, text, strlen(text));
}

char *support_read(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, len = 0, n;
  char *buf = malloc(cap);
  while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (len + 1 == cap) {
      char *grown = realloc(buf, cap *= 2);
      if (!grown) { free(buf); buf = NULL; }
      else buf = grown;
    }
  }
  fclose(f);
  if (buf) buf[len] = '\0';
  return buf;
}

void support_remove_tree(char *dir) {
  if (!dir) return;
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      size_t len = strlen(dir) + strlen(e->d_name) + 2;
      char *path = malloc(len);
      if (!path) continue;
      snprintf(path, len, "%s/%s", dir, e->d_name);
      struct stat st;
      if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) support_remove_tree(path);
      else { unlink(path); free(path); }
    }
    closedir(d);
  }
  rmdir(dir);
  free(dir);
}

/* A small deterministic generator, so failures reproduce. */
static uint32_t next_random(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state >> 8;
}

static int pick(uint32_t *r, int n) { return (int)(next_random(r) % (uint32_t)n); }

static void exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "%s: %s\n", sql, err);
    abort();
  }
}

/* The ISO date of the day before iso, by SQLite's date(). */
static void day_before(sqlite3 *db, const char *iso, char *out, size_t len) {
  sqlite3_stmt *st;
  out[0] = '\0';
  if (sqlite3_prepare_v2(db, "SELECT date(?1, '-1 day')", -1, &st, NULL) != SQLITE_OK) abort();
  sqlite3_bind_text(st, 1, iso, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
}

/* Inserts one employment span; to may be NULL (still employed). */
static void span(sqlite3 *db, const char *staff, const char *org, const char *position, const char *from, const char *to) {
  char sql[512];
  snprintf(sql, sizeof sql, "INSERT INTO employment (staff_id, organization_id, position, from_date, to_date, source)"
           " VALUES ('%s', '%s', '%s', '%s', %s%s%s, 'hire_date')", staff, org, position, from, to ? "'" : "",
           to ? to : "NULL", to ? "'" : "");
  exec(db, sql);
}

void support_generate(sqlite3 *db, int municipalities, int organizations, int max_staff, uint32_t seed) {
  static const char *const kinds[] = {"school", "school", "school", "preschool", "additional", "school"};
  static const char *const positions[] = {"teacher", "teacher", "teacher", "teacher", "head", "educator", "methodist"};
  static const char *const activity_kinds[] = {"diagnostic", "course", "mentoring", "tutoring", "platform_use", "attestation"};
  uint32_t r = seed;
  char sql[512];
  int activity = 0;
  exec(db, "BEGIN");
  for (int m = 1; m <= municipalities; m++) {
    for (int o = 1; o <= organizations; o++) {
      snprintf(sql, sizeof sql, "INSERT INTO organization VALUES ('o%d_%d', 'ОО %d-%d', '%s', 'm%d', NULL)", m, o, m, o, kinds[(o - 1) % 6], m);
      exec(db, sql);
    }
    for (int o = 1; o <= organizations; o++) {
      int nstaff = o % 6 == 0 ? 0 : 5 + pick(&r, max_staff - 5);
      for (int s = 0; s < nstaff; s++) {
        int birth = 1960 + pick(&r, 41);
        int start = birth + 21 + pick(&r, 2023 - birth - 20);
        const char *position = kinds[(o - 1) % 6][0] == 'p' && s % 2 ? "educator" : positions[pick(&r, 7)];
        char id[64], org[32], from[48], moved[48];
        snprintf(id, sizeof id, "s%d_%d_%d", m, o, s);
        snprintf(org, sizeof org, "o%d_%d", m, o);
        /* hired on a day of the career's first year; some leave, some move to the next organization */
        snprintf(from, sizeof from, "%d-%02d-%02d", start, 1 + pick(&r, 12), 1 + pick(&r, 28));
        int fate = pick(&r, 10), year = 2020 + pick(&r, 5);
        if (year < start) year = start;
        snprintf(moved, sizeof moved, "%d-%02d-%02d", year, 1 + pick(&r, 12), 1 + pick(&r, 28));
        if (strcmp(moved, from) <= 0) fate = 9;
        int next = o % organizations + 1, moves = fate == 0 && (next % 6 != 0) && strcmp(moved, from) > 0;
        const char *now_org = org, *now_position = position;
        char next_org[32];
        snprintf(next_org, sizeof next_org, "o%d_%d", m, next);
        if (moves) now_org = next_org, now_position = positions[pick(&r, 7)];
        snprintf(sql, sizeof sql, "INSERT INTO staff (id, organization_id, position, birth_year, career_start_year)"
                 " VALUES ('%s', '%s', '%s', %d, %d)", id, now_org, now_position, birth, start);
        exec(db, sql);
        if (moves) {
          char before[48];
          day_before(db, moved, before, sizeof before);
          span(db, id, org, position, from, before);
          span(db, id, next_org, now_position, moved, NULL);
        } else {
          span(db, id, org, position, from, fate == 1 ? moved : NULL);
        }
        for (int a = pick(&r, 6); a > 0; a--) {
          const char *kind = activity_kinds[pick(&r, 6)];
          int ayear = 2020 + pick(&r, 5);
          int is_course = !strcmp(kind, "course"), is_mentoring = !strcmp(kind, "mentoring");
          snprintf(sql, sizeof sql, "INSERT INTO activity (id, staff_id, kind, date, hours, score, title, partner_id) VALUES"
                   " ('a%d', '%s', '%s', '%d-%02d-%02d', %s, %s, %s, %s)", ++activity, id, kind, ayear,
                   1 + pick(&r, 12), 1 + pick(&r, 28), is_course ? (pick(&r, 2) ? "72" : "36") : "NULL",
                   strcmp(kind, "diagnostic") ? "NULL" : (pick(&r, 3) ? "55.5" : "81"),
                   is_course ? (pick(&r, 2) ? "'Управление качеством образования'" : "'Цифровые технологии'") : "NULL",
                   is_mentoring && s > 0 ? "'s0'" : "NULL");
          if (is_mentoring && s > 0) { /* the mentor is the organization's first worker */
            char *at = strstr(sql, "'s0'");
            char mentor[64];
            snprintf(mentor, sizeof mentor, "'s%d_%d_0'", m, o);
            char tail[512];
            snprintf(tail, sizeof tail, "%s", at + 4);
            snprintf(at, sizeof sql - (size_t)(at - sql), "%s%s", mentor, tail);
          }
          exec(db, sql);
        }
      }
      for (int c = pick(&r, 3); c > 0; c--) {
        snprintf(sql, sizeof sql, "INSERT INTO community (id, name, kind, organization_id, municipality, start_date, end_date)"
                 " VALUES ('c%d_%d_%d', 'МО', 'methodical_association', 'o%d_%d', 'm%d', '%d-09-01', %s)", m, o, c, m, o, m,
                 2019 + pick(&r, 5), pick(&r, 3) ? "NULL" : "'2022-12-31'");
        exec(db, sql);
      }
    }
    snprintf(sql, sizeof sql, "INSERT INTO document (id, kind, date, title, municipality) VALUES"
             " ('p%d', '%s', '2022-02-01', 'Программа', 'm%d')", m, m == 1 ? "programme" : "order", m);
    exec(db, sql);
  }
  exec(db, "COMMIT");
}


int support_e2e_args(int argc, char **argv, const char **pdmon, const char **source_dir) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s PDMON SOURCE_DIR\n", argc > 0 ? argv[0] : "test");
    return 2;
  }
  *pdmon = argv[1];
  *source_dir = argv[2];
  return 0;
}

support_outcome support_pdmon(const char *pdmon, const char *source_dir, const char *dir, const char *args) {
  return support_pdmon_env(pdmon, source_dir, dir, "LANGUAGE= LC_ALL=C.UTF-8", args);
}

support_outcome support_pdmon_env(const char *pdmon, const char *source_dir, const char *dir, const char *env,
                                  const char *args) {
  char cmd[8192];
  const char *wrapper = getenv("PDMON_WRAPPER") ? getenv("PDMON_WRAPPER") : "";
  snprintf(cmd, sizeof cmd, "cd '%s' && %s %s '%s' --db '%s/store.db' %s >'%s/out' 2>'%s/err'", source_dir, env,
           wrapper, pdmon, dir, args, dir, dir);
  int raw = system(cmd);
  support_outcome o = {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, NULL, NULL};
  char path[1024];
  snprintf(path, sizeof path, "%s/out", dir);
  o.out = support_read(path);
  snprintf(path, sizeof path, "%s/err", dir);
  o.err = support_read(path);
  return o;
}

void support_outcome_free(support_outcome *o) {
  free(o->out);
  free(o->err);
  o->out = o->err = NULL;
}

char *support_expect_output(const char *pdmon, const char *source_dir, const char *dir, const char *args, int status,
                            const char *fragment) {
  support_outcome o = support_pdmon(pdmon, source_dir, dir, args);
  const char *text = status == 0 ? o.out : o.err;
  if (o.status != status || (fragment && !strstr(text ? text : "", fragment)))
    fail_msg("pdmon %s -> %d\nstdout: %s\nstderr: %s\nexpected %d and '%s'", args, o.status, o.out, o.err, status,
             fragment ? fragment : "");
  char *out = o.out;
  o.out = NULL;
  support_outcome_free(&o);
  return out;
}

void support_expect(const char *pdmon, const char *source_dir, const char *dir, const char *args, int status,
                    const char *fragment) {
  free(support_expect_output(pdmon, source_dir, dir, args, status, fragment));
}

void support_quickstart_store(const char *pdmon, const char *source_dir, const char *dir, const char *pack) {
  char init[1024];
  snprintf(init, sizeof init, "init --municipality demo%s%s", pack ? " --pack " : "", pack ? pack : "");
  support_expect(pdmon, source_dir, dir, init, 0, NULL);
  static const char *const entities[] = {"organizations", "staff", "activities"};
  for (size_t i = 0; i < sizeof entities / sizeof *entities; i++) {
    char args[256];
    snprintf(args, sizeof args, "import %s examples/quickstart/%s.csv", entities[i], entities[i]);
    support_expect(pdmon, source_dir, dir, args, 0, NULL);
  }
}

int support_store_setup(void **state) {
  support_store *s = calloc(1, sizeof *s);
  char err[512];
  if (!s || !(s->dir = support_tempdir())) {
    fprintf(stderr, "support_store_setup: out of memory or no scratch folder\n");
    free(s);
    return -1;
  }
  snprintf(s->path, sizeof s->path, "%s/store.db", s->dir);
  if (store_open(s->path, 1, &s->db, err, sizeof err) != 0) {
    fprintf(stderr, "support_store_setup: %s\n", err);
    support_remove_tree(s->dir);
    free(s);
    return -1;
  }
  *state = s;
  return 0;
}

int support_store_teardown(void **state) {
  support_store *s = *state;
  sqlite3_close(s->db);
  support_remove_tree(s->dir);
  free(s);
  return 0;
}

long long support_count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  long long n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

const char *support_text(sqlite3 *db, const char *sql, char *buf, size_t len) {
  sqlite3_stmt *st;
  buf[0] = '\0';
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return buf;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return buf;
}

void support_exec(sqlite3 *db, const char *sql) {
  char err[512];
  if (store_exec(db, sql, err, sizeof err) != 0) fail_msg("%s: %s", sql, err);
}

long long support_scalar(const char *path, const char *sql) {
  sqlite3 *db;
  long long v = -1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) v = support_count(db, sql);
  sqlite3_close(db);
  return v;
}
