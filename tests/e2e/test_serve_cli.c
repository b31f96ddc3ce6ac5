/* The commands of the web workplace as a user runs them: 'pdmon user add'
 * (the password from standard input, refusals of a role without its scope,
 * of a short or missing password), and 'pdmon serve' starting, warning when
 * it listens beyond the machine without TLS, refusing a bad address or half
 * a TLS pair, and stopping cleanly on SIGTERM. Arguments: the pdmon binary
 * and the source folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

extern char **environ;

static const char *pdmon_bin, *source_dir;
static char *dir;
static pid_t serving; /* the server a failed test left running, stopped by teardown */

static support_outcome run(const char *args) { return support_pdmon(pdmon_bin, source_dir, dir, args); }

static int setup(void **state) {
  (void)state;
  dir = support_tempdir();
  char *p = support_write_text(dir, "orgs.csv", "id,name,kind,municipality\ns1,МОУ СОШ № 1,school,m1\n");
  free(p);
  p = support_write_text(dir, "password", "a long enough secret\n");
  free(p);
  p = support_write_text(dir, "short", "short\n");
  free(p);
  char args[2048];
  snprintf(args, sizeof args, "init --municipality m1 && '%s' --db '%s/store.db' import organizations '%s/orgs.csv'", pdmon_bin, dir, dir);
  support_outcome o = run(args);
  assert_int_equal(o.status, 0);
  support_outcome_free(&o);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  if (serving > 0 && kill(serving, SIGTERM) == 0) waitpid(serving, NULL, 0);
  support_remove_tree(dir);
  return 0;
}

static void user_add_takes_the_password_from_standard_input(void **state) {
  (void)state;
  char args[1024];
  snprintf(args, sizeof args, "user add coordinator --role municipality --municipality m1 < '%s/password'", dir);
  support_outcome o = run(args);
  assert_int_equal(o.status, 0);
  assert_non_null(strstr(o.out, "coordinator"));
  support_outcome_free(&o);
  snprintf(args, sizeof args, "user add school1 --role school --org s1 < '%s/password'", dir);
  o = run(args);
  assert_int_equal(o.status, 0);
  support_outcome_free(&o);
  char path[1024];
  snprintf(path, sizeof path, "%s/store.db", dir);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT password_hash, municipality FROM account WHERE login = 'school1'", -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_true(!strncmp((const char *)sqlite3_column_text(st, 0), "$argon2id$", 10)); /* never the password itself */
  assert_string_equal((const char *)sqlite3_column_text(st, 1), "m1");              /* the school's municipality */
  sqlite3_finalize(st);
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM audit WHERE login = 'cli' AND action = 'account'", -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 2);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static void user_add_refuses_what_does_not_fit(void **state) {
  (void)state;
  static const struct {
    const char *args, *message;
    int status;
  } cases[] = {
      {"user add s --role school < '%s/password'", "--org", 1},
      {"user add s --role school --org nowhere < '%s/password'", "nowhere", 1},
      {"user add m --role municipality < '%s/password'", "--municipality", 1},
      {"user add r --role region --municipality m1 < '%s/password'", "not limited", 1},
      {"user add b --role boss < '%s/password'", "unknown role", 1},
      {"user add 'bad login' --role admin < '%s/password'", "login", 1},
      {"user add a --role admin < '%s/short'", "at least 8", 1},
      {"user add a --role admin < /dev/null", "no password", 1},
      {"user add --role admin < '%s/password'", "LOGIN", 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char args[1024];
    const char *mark = strstr(cases[i].args, "'%s");
    if (mark) /* the password file of the scratch folder */
      snprintf(args, sizeof args, "%.*s'%s%s", (int)(mark - cases[i].args), cases[i].args, dir, mark + 3);
    else
      snprintf(args, sizeof args, "%s", cases[i].args);
    support_outcome o = run(args);
    if (o.status != cases[i].status || !strstr(o.err, cases[i].message))
      fail_msg("pdmon %s: status %d, expected %d with '%s' in: %s", args, o.status, cases[i].status, cases[i].message, o.err);
    support_outcome_free(&o);
  }
}

/* Starts 'pdmon serve ARGS' with its output in DIR/serve.out; returns its pid. */
static pid_t start_serve(const char *args) {
  char cmd[4096];
  const char *wrapper = getenv("PDMON_WRAPPER") ? getenv("PDMON_WRAPPER") : "";
  snprintf(cmd, sizeof cmd, "exec %s '%s' --db '%s/store.db' serve %s > '%s/serve.out' 2>&1", wrapper, pdmon_bin, dir, args, dir);
  char *argv[] = {"/bin/sh", "-c", cmd, NULL};
  char out[1024];
  snprintf(out, sizeof out, "%s/serve.out", dir);
  unlink(out); /* the last server's words are not this one's */
  pid_t pid;
  assert_int_equal(posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ), 0);
  serving = pid;
  return pid;
}

/* Waits (up to a minute) until the server's output holds text; returns it. */
static char *wait_for_output(const char *text) {
  char path[1024];
  snprintf(path, sizeof path, "%s/serve.out", dir);
  for (int i = 0; i < 600; i++) {
    char *out = support_read(path);
    if (out && strstr(out, text)) return out;
    free(out);
    struct timespec t = {0, 100 * 1000 * 1000};
    nanosleep(&t, NULL);
  }
  char *out = support_read(path);
  fail_msg("pdmon serve never said '%s': %s", text, out ? out : "(nothing)");
  return NULL;
}

static void serve_warns_beyond_loopback_and_stops_on_sigterm(void **state) {
  (void)state;
  pid_t pid = start_serve("--listen 0.0.0.0:0");
  char *out = wait_for_output("listening");
  assert_non_null(strstr(out, "warning: listening on 0.0.0.0:0, beyond this machine, without TLS"));
  free(out);
  assert_int_equal(kill(pid, SIGTERM), 0);
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  serving = 0;
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  pid = start_serve("--listen 127.0.0.1:0");
  out = wait_for_output("listening");
  assert_null(strstr(out, "warning"));
  free(out);
  kill(pid, SIGINT);
  assert_int_equal(waitpid(pid, &status, 0), pid);
  serving = 0;
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void serve_refuses_a_bad_address_or_half_a_tls_pair(void **state) {
  (void)state;
  support_outcome o = run("serve --listen nowhere");
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "HOST:PORT"));
  support_outcome_free(&o);
  o = run("serve --listen 127.0.0.1:0 --tls-cert cert.pem");
  assert_int_equal(o.status, 1);
  assert_non_null(strstr(o.err, "--tls-cert and --tls-key"));
  support_outcome_free(&o);
  o = run("serve --max-upload-mb 0");
  assert_int_equal(o.status, 2);
  support_outcome_free(&o);
}

int main(int argc, char **argv) {
  if (support_e2e_args(argc, argv, &pdmon_bin, &source_dir) != 0) return 2;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(user_add_takes_the_password_from_standard_input),
      cmocka_unit_test(user_add_refuses_what_does_not_fit),
      cmocka_unit_test(serve_warns_beyond_loopback_and_stops_on_sigterm),
      cmocka_unit_test(serve_refuses_a_bad_address_or_half_a_tls_pair),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
