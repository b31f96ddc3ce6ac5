/* repl.c: the analyst's console. The promises are in repl.h. */
#include "repl.h"

#include <editline/readline.h>
#include <errno.h>
#include <lauxlib.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "files.h"
#include "i18n.h"
#include "lua_store.h"
#include "pack.h"
#include "sandbox.h"
#include "stdlib_loader.h"
#include "rule_view.h"

/* A session: the sandbox, the environment typed in, and the settings. */
typedef struct session {
  sandbox *sb;
  pack p;
  int have_pack;
  int env, repl, ctx, settings; /* registry references */
  long long data_budget;        /* steps each chunk gets for the store's size */
  int errors;
  FILE *out;                    /* where values go: stdout, or the file of .output */
  int read_depth;               /* .read inside .read, bounded */
} session;

#define MAX_READ_DEPTH 16
#define MAX_COMPLETIONS 1000

/* The sandbox a SIGINT should interrupt. A signal handler can reach
 * nothing else, so this one pointer is the program's only global.
 * sandbox_interrupt only sets a flag and a hook (lua_sethook is safe in a
 * signal handler, lua.c does the same); Lua code stops at its next
 * instruction, pattern matching and SQL at their next budget check. */
static sandbox *volatile interrupt_target;

/* The session whose names Tab completes: libedit's completion callback
 * carries no pointer of its own, so this is the second (and last) global;
 * it is set only while the interactive loop runs. */
static session *completion_session;

static void on_sigint(int sig) {
  (void)sig;
  sandbox *sb = interrupt_target;
  if (sb) sandbox_interrupt(sb);
}

/* Writes text where the session's values go; on a terminal without the
 * control characters a value may hold (escape sequences from the data or
 * a rule: the console's own stdout is not filtered, its line editor needs
 * its escapes). */
static void print_value(session *s, const char *text, size_t len) {
  if (isatty(fileno(s->out))) escape_terminal(s->out, text);
  else fwrite(text, 1, len, s->out);
}

/* print for the console: standard output, where the session's values go
 * (packs print to standard error so that reports stay clean). */
static int console_print(lua_State *L) {
  session *s = lua_touserdata(L, lua_upvalueindex(1));
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    size_t len;
    const char *text = luaL_tolstring(L, i, &len);
    if (i > 1) fputc('\t', s->out);
    print_value(s, text, len);
    lua_pop(L, 1);
  }
  fputc('\n', s->out);
  return 0;
}

/* The width tables are fitted to: the terminal's columns when the values
 * go to a terminal, else 0 (a file or a pipe gets every cell whole). */
static int output_width(session *s) {
  struct winsize ws;
  if (!isatty(fileno(s->out)) || ioctl(fileno(s->out), TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) return 0;
  return ws.ws_col;
}

/* Pushes the registry value ref. */
static void push_ref(session *s, int ref) { lua_rawgeti(sandbox_lua(s->sb), LUA_REGISTRYINDEX, ref); }

/* Tells repl.show the width of where the values go now (settings is the
 * core's own plain table). */
static void set_width(session *s) {
  lua_State *L = sandbox_lua(s->sb);
  push_ref(s, s->settings);
  lua_pushinteger(L, output_width(s));
  lua_setfield(L, -2, "width");
  lua_pop(L, 1);
}

/* Prints every value from index first to the top through repl.show. */
static void show_values(session *s, int first) {
  lua_State *L = sandbox_lua(s->sb);
  int last = lua_gettop(L);
  set_width(s);
  for (int i = first; i <= last; i++) {
    push_ref(s, s->repl);
    lua_getfield(L, -1, "show");
    lua_remove(L, -2);
    lua_pushvalue(L, i);
    push_ref(s, s->settings);
    char err[1024];
    if (sandbox_call(s->sb, 2, 1, err, sizeof err) != LUA_OK) {
      fprintf(stderr, _("error: %s\n"), err);
      s->errors++;
      continue;
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
      size_t len;
      const char *text = lua_tolstring(L, -1, &len);
      print_value(s, text, len);
      fputc('\n', s->out);
    } else {
      fprintf(stderr, _("error: the console could not show a %s value\n"), luaL_typename(L, i));
      s->errors++;
    }
    lua_pop(L, 1);
  }
  lua_settop(L, first - 1);
}

/* 1 when a syntax error is only that the chunk ended early. */
static int ends_at_eof(const char *msg) {
  size_t n = msg ? strlen(msg) : 0;
  return n >= 5 && !strcmp(msg + n - 5, "<eof>");
}

/* A chunk that begins with "local": the same chunk without that word, so
 * that its names stay for the next lines as they do in a pack's file (a
 * line pasted from a pack works as it is); NULL otherwise. Lua forgets a
 * chunk's locals when it ends, and each line typed is a chunk. */
static const char *session_local(const char *code) {
  const char *p = code;
  while (*p == ' ' || *p == '\t') p++;
  if (strncmp(p, "local", 5) != 0 || (p[5] != ' ' && p[5] != '\t')) return NULL;
  p += 5;
  while (*p == ' ' || *p == '\t') p++;
  return p;
}

/* Compiles code in the session's environment, first as "return code" so
 * that an expression prints without typing return, then without a leading
 * "local" (session_local). Returns 1 and sets
 * *incomplete when the chunk needs more lines, -1 on a syntax error
 * (message on the stack), 0 with the function on the stack. */
static int compile(session *s, const char *code, int *incomplete) {
  lua_State *L = sandbox_lua(s->sb);
  push_ref(s, s->env);
  int env = lua_gettop(L);
  size_t len = strlen(code);
  char *with_return = malloc(len + 8);
  int status = LUA_ERRSYNTAX, expression_unfinished = 0;
  if (with_return) {
    snprintf(with_return, len + 8, "return %s", code);
    status = sandbox_load(s->sb, with_return, len + 7, "=stdin", env);
    free(with_return);
    if (status != LUA_OK) {
      expression_unfinished = ends_at_eof(lua_tostring(L, -1)); /* "20 +" */
      lua_pop(L, 1);
    }
  }
  const char *kept = session_local(code);
  if (status != LUA_OK && kept) { /* "local teachers = ..." stays for the next lines */
    status = sandbox_load(s->sb, kept, strlen(kept), "=stdin", env);
    if (status != LUA_OK) lua_pop(L, 1);
  }
  if (status != LUA_OK) status = sandbox_load(s->sb, code, len, "=stdin", env);
  lua_remove(L, env);
  *incomplete = 0;
  if (status == LUA_OK) return 0;
  if (expression_unfinished || ends_at_eof(lua_tostring(L, -1))) {
    lua_pop(L, 1);
    *incomplete = 1;
    return 1;
  }
  return -1;
}

static void script(session *s, FILE *f);

/* The argument of a dot-command: after the command's name and blanks,
 * without trailing blanks, copied into buf. */
static const char *dot_argument(const char *line, char *buf, size_t len) {
  const char *p = line + 1;
  while (*p && *p != ' ' && *p != '\t') p++;
  while (*p == ' ' || *p == '\t') p++;
  snprintf(buf, len, "%s", p);
  for (size_t n = strlen(buf); n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'); n--) buf[n - 1] = '\0';
  return buf;
}

/* 1 when line is the dot-command name (".read", ".read FILE"). */
static int is_dot(const char *line, const char *name) {
  size_t n = strlen(name);
  return !strncmp(line, name, n) && (line[n] == '\0' || line[n] == ' ' || line[n] == '\t');
}

/* .read FILE: its lines as if typed; stops at its first error. */
static void dot_read(session *s, const char *line) {
  char path[4096];
  dot_argument(line, path, sizeof path);
  FILE *f = path[0] ? fopen(path, "r") : NULL;
  if (!path[0]) fprintf(stderr, _("error: .read FILE: which file?\n"));
  else if (!f) fprintf(stderr, _("error: .read: %s: cannot read: %s\n"), path, strerror(errno));
  else if (s->read_depth >= MAX_READ_DEPTH) fprintf(stderr, _("error: .read: %s: .read nested %d deep\n"), path, MAX_READ_DEPTH);
  if (!f || s->read_depth >= MAX_READ_DEPTH) {
    if (f) fclose(f);
    s->errors++;
    return;
  }
  s->read_depth++;
  int errors_before = s->errors;
  s->errors = 0; /* script stops at its own first error */
  script(s, f);
  s->errors += errors_before;
  s->read_depth--;
  fclose(f);
}

/* .output [FILE]: the values go to FILE (created or emptied), or back to
 * standard output. */
static void dot_output(session *s, const char *line) {
  char path[4096];
  dot_argument(line, path, sizeof path);
  FILE *f = stdout;
  if (path[0] && !(f = fopen(path, "w"))) {
    fprintf(stderr, _("error: .output: %s: cannot write: %s\n"), path, strerror(errno));
    s->errors++;
    return;
  }
  if (s->out != stdout && fclose(s->out) != 0) {
    fprintf(stderr, _("error: .output: the previous file could not be written whole\n"));
    s->errors++;
  }
  s->out = f;
}

/* Runs a dot-command through repl.dot. Returns 1 when the session should end. */
static int dot_command(session *s, const char *line) {
  if (is_dot(line, ".read")) {
    dot_read(s, line);
    return 0;
  }
  if (is_dot(line, ".output")) {
    dot_output(s, line);
    return 0;
  }
  set_width(s);
  lua_State *L = sandbox_lua(s->sb);
  push_ref(s, s->repl);
  lua_getfield(L, -1, "dot");
  lua_remove(L, -2);
  lua_pushstring(L, line);
  push_ref(s, s->ctx);
  push_ref(s, s->settings);
  char err[1024];
  sandbox_rearm(s->sb); /* a dot-command is one unit of work */
  sandbox_add_budget(s->sb, s->data_budget);
  interrupt_target = s->sb;
  int status = sandbox_call(s->sb, 3, 2, err, sizeof err);
  interrupt_target = NULL;
  if (status != LUA_OK) {
    fprintf(stderr, _("error: %s\n"), err);
    s->errors++;
    return 0;
  }
  int quit = lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "quit");
  if (lua_type(L, -2) == LUA_TSTRING && lua_tostring(L, -2)[0]) {
    size_t len;
    const char *text = lua_tolstring(L, -2, &len);
    print_value(s, text, len);
    fputc('\n', s->out);
  }
  lua_pop(L, 2);
  return quit;
}

/* Runs one complete chunk and prints its values. */
static void execute(session *s, const char *code) {
  lua_State *L = sandbox_lua(s->sb);
  int incomplete, base = lua_gettop(L);
  if (compile(s, code, &incomplete) != 0) {
    fprintf(stderr, _("error: %s\n"), incomplete ? _("unfinished chunk") : lua_tostring(L, -1));
    lua_settop(L, base);
    s->errors++;
    return;
  }
  char err[1024];
  sandbox_rearm(s->sb); /* each chunk typed is one unit of work with its own budget */
  sandbox_add_budget(s->sb, s->data_budget);
  interrupt_target = s->sb;
  int status = sandbox_call(s->sb, 0, LUA_MULTRET, err, sizeof err);
  interrupt_target = NULL;
  if (status != LUA_OK) {
    fprintf(stderr, _("error: %s\n"), err);
    s->errors++;
    lua_settop(L, base);
    return;
  }
  show_values(s, base + 1);
}

/* Feeds one line; keeps unfinished chunks in *pending. Returns 1 to quit. */
static int feed(session *s, const char *line, char **pending) {
  if (!*pending && line[0] == '.') return dot_command(s, line);
  size_t old = *pending ? strlen(*pending) : 0;
  char *chunk = malloc(old + strlen(line) + 2);
  if (!chunk) return 1;
  snprintf(chunk, old + strlen(line) + 2, "%s%s%s", *pending ? *pending : "", *pending ? "\n" : "", line);
  free(*pending);
  *pending = NULL;
  int incomplete;
  lua_State *L = sandbox_lua(s->sb);
  int base = lua_gettop(L);
  int rc = compile(s, chunk, &incomplete);
  lua_settop(L, base);
  if (rc == 1) *pending = chunk;
  else {
    execute(s, chunk);
    free(chunk);
  }
  return 0;
}

/* What one completion needs inside its protected call. */
typedef struct completion_job {
  session *s;
  const char *before, *word;
  char **words; /* MAX_COMPLETIONS slots, owned by the caller */
  size_t nwords;
  int files;    /* 1: complete file names instead */
} completion_job;

/* Calls repl.complete(before, word, env) and copies the candidates. */
static int completion_protected(lua_State *L) {
  completion_job *job = lua_touserdata(L, 1);
  push_ref(job->s, job->s->repl);
  lua_getfield(L, -1, "complete");
  lua_pushstring(L, job->before);
  lua_pushstring(L, job->word);
  push_ref(job->s, job->s->env);
  lua_call(L, 3, 1);
  if (lua_type(L, -1) == LUA_TSTRING) {
    job->files = !strcmp(lua_tostring(L, -1), "files");
    return 0;
  }
  luaL_checktype(L, -1, LUA_TTABLE);
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  for (lua_Integer i = 1; i <= n && job->nwords < MAX_COMPLETIONS; i++) {
    if (lua_rawgeti(L, -1, i) == LUA_TSTRING && !(job->words[job->nwords] = strdup(lua_tostring(L, -1))))
      return luaL_error(L, _("out of memory"));
    if (job->words[job->nwords]) job->nwords++;
    lua_pop(L, 1);
  }
  return 0;
}

/* The byte offset of character chars in the UTF-8 text (libedit counts
 * the cursor in characters). */
static size_t byte_offset(const char *text, int chars) {
  size_t i = 0;
  for (int seen = 0; text[i]; i++) {
    if (((unsigned char)text[i] & 0xC0) != 0x80 && seen++ == chars) break;
  }
  return i;
}

/* The longest start that all words share, in a new string. */
static char *common_start(char **words, size_t n) {
  size_t len = strlen(words[0]);
  for (size_t i = 1; i < n; i++) {
    size_t k = 0;
    while (k < len && words[i][k] == words[0][k]) k++;
    len = k;
  }
  while (len > 0 && ((unsigned char)words[0][len] & 0xC0) == 0x80) len--; /* never half a character */
  return strndup(words[0], len);
}

/* libedit's completion: the candidates of repl.complete, as readline's
 * match list (the common start first, then every candidate), or file names. */
static char **complete_line(const char *text, int start, int end) {
  (void)end;
  session *s = completion_session;
  rl_attempted_completion_over = 1;
  if (!s || !rl_line_buffer) return NULL;
  char *before = strndup(rl_line_buffer, byte_offset(rl_line_buffer, start));
  /* an indicator id in quotes is closed by its quote, a name by a blank */
  size_t blen = before ? strlen(before) : 0;
  rl_completion_append_character = blen && (before[blen - 1] == '"' || before[blen - 1] == '\'') ? before[blen - 1] : ' ';
  char **words = calloc(MAX_COMPLETIONS, sizeof *words);
  completion_job job = {.s = s, .before = before, .word = text, .words = words};
  char err[512];
  if (before && words) {
    sandbox_rearm(s->sb);
    lua_State *L = sandbox_lua(s->sb);
    int top = lua_gettop(L);
    sandbox_protected(s->sb, completion_protected, &job, 0, 0, err, sizeof err);
    lua_settop(L, top);
  }
  free(before);
  /* one slot more than readline needs: libedit looks at matches[2] even
   * for a single match, which it takes as one when matches[1] repeats it */
  char **matches = job.nwords > 0 ? calloc(job.nwords + 3, sizeof *matches) : NULL;
  if (matches && (matches[0] = common_start(words, job.nwords))) {
    memcpy(matches + 1, words, job.nwords * sizeof *words);
  } else {
    for (size_t i = 0; i < job.nwords; i++) free(words[i]);
    free(matches);
    matches = NULL;
  }
  free(words);
  if (job.files) rl_attempted_completion_over = 0; /* libedit completes file names */
  return matches;
}

/* The interactive loop: libedit, history in ~/.pdmon_history. */
static void interactive(session *s) {
  char history[4096] = "";
  const char *home = getenv("HOME");
  if (home) snprintf(history, sizeof history, "%s/.pdmon_history", home);
  using_history();
  if (history[0]) read_history(history);
  completion_session = s;
  rl_attempted_completion_function = complete_line;
  /* not / - ~ . : they are in file names (.read ../x-1.lua) and in names (string.format) */
  rl_basic_word_break_characters = " \t\n\"'`<>=;|&{}(),+*%^#[]";
  puts(_("pdmon REPL: .help for commands, Tab completes, Ctrl-D to leave"));
  char *pending = NULL;
  for (;;) {
    char *line = readline(pending ? "   ...> " : "pdmon> ");
    if (!line) break;
    if (line[0]) add_history(line);
    int quit = feed(s, line, &pending);
    free(line);
    if (quit) break;
  }
  free(pending);
  completion_session = NULL;
  rl_attempted_completion_function = NULL;
  if (history[0]) write_history(history);
}

/* Reads lines from f until the end; stops at the first error. */
static void script(session *s, FILE *f) {
  char *line = NULL, *pending = NULL;
  size_t cap = 0;
  ssize_t n;
  while (s->errors == 0 && (n = getline(&line, &cap, f)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (feed(s, line, &pending)) break;
  }
  if (pending && s->errors == 0) {
    fprintf(stderr, _("error: the script ends inside an unfinished chunk\n"));
    s->errors++;
  }
  free(pending);
  free(line);
}

/* Runs a script file as one chunk, as lua FILE does; prints what it returns. */
static void run_file(session *s, const char *path) {
  size_t len = 0;
  char why[1200];
  char *text = files_read(path, (size_t)1 << 24, &len, why, sizeof why); /* a regular file: never a pipe */
  if (!text) {
    fprintf(stderr, "pdmon repl: %s\n", why);
    s->errors++;
    return;
  }
  lua_State *L = sandbox_lua(s->sb);
  int base = lua_gettop(L);
  char chunkname[1100], err[1024];
  snprintf(chunkname, sizeof chunkname, "@%s", path);
  push_ref(s, s->env);
  int status = sandbox_load(s->sb, text, len, chunkname, -1);
  free(text);
  if (status != LUA_OK) {
    fprintf(stderr, _("error: %s\n"), lua_tostring(L, -1));
    s->errors++;
    lua_settop(L, base);
    return;
  }
  lua_remove(L, -2);
  sandbox_rearm(s->sb);
  sandbox_add_budget(s->sb, s->data_budget);
  interrupt_target = s->sb;
  status = sandbox_call(s->sb, 0, LUA_MULTRET, err, sizeof err);
  interrupt_target = NULL;
  if (status != LUA_OK) {
    fprintf(stderr, _("error: %s\n"), err);
    s->errors++;
    lua_settop(L, base);
    return;
  }
  show_values(s, base + 1);
}

/* What building a session needs inside its protected call. */
typedef struct session_job {
  session *s;
  const repl_options *opt;
  char err[2048];
  int rc;
} session_job;

/* Builds the read-only store handle, the context and the environment of a
 * session; runs inside sandbox_protected, so any value the pack's code
 * left behind is read safely. */
static int build_session(lua_State *L) {
  session_job *job = lua_touserdata(L, 1);
  session *s = job->s;
  const repl_options *opt = job->opt;
  if (stdlib_push_module(s->sb, "repl", job->err, sizeof job->err) != 0) return 0;
  s->repl = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_createtable(L, 0, 3);
  lua_store_push(L);
  /* the store's municipality, never the pack's: a manifest naming another
   * one is a mistake, refused as eval refuses it */
  rule_view *db;
  if (rule_view_open(opt->store_path, opt->municipality, &db, job->err, sizeof job->err) != 0) return 0;
  lua_store_attach(L, -1, db);
  s->data_budget = rule_view_budget(db);
  if (s->have_pack && s->p.municipality[0] && strcmp(s->p.municipality, rule_view_municipality(db)) != 0) {
    snprintf(job->err, sizeof job->err, _("%s/pack.lua: the pack is written for municipality %s, but the store's rows are %s's"),
             s->p.dir, s->p.municipality, rule_view_municipality(db));
    return 0;
  }
  lua_setfield(L, -2, "db");
  lua_pushinteger(L, opt->period);
  lua_setfield(L, -2, "period");
  lua_pushvalue(L, -1);
  s->ctx = luaL_ref(L, LUA_REGISTRYINDEX);
  push_ref(s, s->repl);
  lua_getfield(L, -1, "env");
  lua_remove(L, -2);
  if (s->have_pack) lua_rawgeti(L, LUA_REGISTRYINDEX, s->p.pack_ref);
  else lua_pushnil(L);
  lua_pushvalue(L, -3);
  if (sandbox_call(s->sb, 2, 1, job->err, sizeof job->err) != LUA_OK) return 0;
  luaL_checktype(L, -1, LUA_TTABLE);
  /* the same strict, allow-listed environment as packs, with the session's
   * names; tables among them are seen read-only */
  sandbox_push_env(s->sb);
  stdlib_install_require(s->sb, -1);
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    lua_pushvalue(L, -2);
    sandbox_push_readonly(L, -2);
    lua_rawset(L, -5);
    lua_pop(L, 1);
  }
  lua_pushlightuserdata(L, s);
  lua_pushcclosure(L, console_print, 1);
  lua_setfield(L, -2, "print");
  /* the sets the pack's files named (local teachers = ...), where the
   * session has no name of its own */
  if (s->have_pack && s->p.locals_ref != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->p.locals_ref);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pushvalue(L, -2);
      if (lua_rawget(L, -5) == LUA_TNIL) {
        lua_pushvalue(L, -3);
        sandbox_push_readonly(L, -3);
        lua_rawset(L, -7);
      }
      lua_pop(L, 2);
    }
    lua_pop(L, 1);
  }
  s->env = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pop(L, 2);
  lua_createtable(L, 0, 2);
  lua_pushstring(L, "table");
  lua_setfield(L, -2, "format");
  lua_pushinteger(L, 20);
  lua_setfield(L, -2, "limit");
  push_ref(s, s->env);
  lua_getfield(L, -1, "members"); /* sets print as their members */
  lua_setfield(L, -3, "members");
  lua_pop(L, 1);
  s->settings = luaL_ref(L, LUA_REGISTRYINDEX);
  job->rc = 0;
  return 0;
}

/* Builds the session: sandbox, pack, read-only store, environment. */
static int open_session(session *s, const repl_options *opt) {
  char err[2048];
  s->sb = sandbox_new(sandbox_default_limits());
  if (!s->sb) return -1;
  if (opt->pack_dir) {
    if (pack_load_keeping_locals(s->sb, opt->pack_dir, &s->p, err, sizeof err) != 0) {
      fprintf(stderr, "%s\n", err);
      return -1;
    }
    s->have_pack = 1;
  }
  session_job *job = calloc(1, sizeof *job);
  if (!job) return -1;
  job->s = s;
  job->opt = opt;
  job->rc = -1;
  sandbox_rearm(s->sb);
  lua_State *L = sandbox_lua(s->sb);
  int top = lua_gettop(L);
  if (sandbox_protected(s->sb, build_session, job, 0, 0, err, sizeof err) != LUA_OK)
    snprintf(job->err, sizeof job->err, "%s", err);
  lua_settop(L, top);
  int rc = job->rc;
  if (rc != 0) fprintf(stderr, "pdmon repl: %s\n", job->err);
  free(job);
  return rc;
}

int repl_run(const repl_options *opt) {
  session s;
  memset(&s, 0, sizeof s);
  s.out = stdout;
  if (open_session(&s, opt) != 0) {
    if (s.have_pack) pack_release(&s.p);
    sandbox_free(s.sb);
    return 1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigaction(SIGINT, &sa, NULL);
  if (opt->nchunks > 0) {
    for (int i = 0; i < opt->nchunks && s.errors == 0; i++) {
      char *pending = NULL;
      feed(&s, opt->chunks[i], &pending);
      if (pending) {
        fprintf(stderr, _("error: -e: unfinished chunk\n"));
        s.errors++;
        free(pending);
      }
    }
  } else if (opt->file && strcmp(opt->file, "-")) {
    run_file(&s, opt->file);
  } else if (opt->file) {
    script(&s, stdin);
  } else if (isatty(STDIN_FILENO)) {
    interactive(&s);
    s.errors = 0; /* a mistyped line is no failure of an interactive session */
  } else {
    script(&s, stdin);
  }
  signal(SIGINT, SIG_DFL);
  if (s.out != stdout && fclose(s.out) != 0) {
    fprintf(stderr, _("error: .output: the file could not be written whole\n"));
    s.errors++;
  }
  if (s.have_pack) pack_release(&s.p);
  sandbox_free(s.sb);
  return s.errors ? 1 : 0;
}
