/* commands_web.c: the commands of the web workplace: serve (the server) and
 * user (its accounts). The promises are in commands.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "audit.h"
#include "auth.h"
#include "command_support.h"
#include "commands.h"
#include "http.h"
#include "i18n.h"
#include "store.h"

int command_serve(const command_args *args) {
  web_options wo = {.store_path = args->db, .pack_dir = args->pack, .listen = opt_value(args, "listen"),
                    .tls_cert = opt_value(args, "tls-cert"), .tls_key = opt_value(args, "tls-key"),
                    .upload_dir = opt_value(args, "upload-dir")};
  const char *mb = opt_value(args, "max-upload-mb"), *rows = opt_value(args, "max-rows");
  long long n;
  if (mb) {
    if (parse_id(mb, &n) != 0 || n > 4096) return usage_error(args, _("--max-upload-mb: megabytes from 1 to 4096 (%s)"), mb);
    wo.max_body_bytes = (size_t)n * 1024 * 1024;
  }
  if (rows) {
    if (parse_id(rows, &n) != 0) return usage_error(args, _("--max-rows: a positive number (%s)"), rows);
    wo.max_upload_rows = (size_t)n;
  }
  char err[2048];
  if (web_serve(&wo, stdout, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  return EXIT_OK;
}

/* Reads a password: from the terminal without echo, or one line of standard
 * input when it is not a terminal (for scripts). Returns 0 or -1. */
static int read_password(char *buf, size_t len) {
  int tty = isatty(STDIN_FILENO);
  struct termios saved, quiet;
  if (tty) {
    fputs(_("password: "), stderr);
    if (tcgetattr(STDIN_FILENO, &saved) != 0) return -1;
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  int ok = fgets(buf, (int)len, stdin) != NULL;
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    fputc('\n', stderr);
  }
  if (!ok) return -1;
  buf[strcspn(buf, "\r\n")] = '\0';
  return 0;
}

int command_user(const command_args *args) {
  const char *role = opt_value(args, "role");
  if (strcmp(args->argv[0], "add") || args->argc != 2) return usage_error(args, _("expected: user add LOGIN --role ROLE"));
  if (!role) return usage_error(args, _("--role is required: region, municipality, school or admin"));
  char err[2048], password[1024];
  sqlite3 *db;
  if (store_open(args->db, 0, &db, err, sizeof err) != 0) {
    command_error(args, "%s", err);
    return EXIT_USER;
  }
  int status = EXIT_USER;
  const char *login = args->argv[1];
  if (read_password(password, sizeof password) != 0) {
    command_error(args, "%s", _("no password given"));
  } else if (auth_account_add(db, login, password, role, opt_value(args, "municipality"), opt_value(args, "org"), err,
                              sizeof err) != 0) {
    command_error(args, "%s", err);
  } else if (audit_write(db, "cli", NULL, "account", login, role, "ok", err, sizeof err) != 0) {
    command_error(args, "%s", err);
  } else {
    printf(_("account %s (%s) saved in %s\n"), login, role, args->db);
    status = EXIT_OK;
  }
  memset(password, 0, sizeof password);
  sqlite3_close(db);
  return status;
}
