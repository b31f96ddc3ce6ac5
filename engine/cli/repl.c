/* repl.c: the analyst's console. The promises are in repl.h. */
#include "repl.h"

#include <editline/readline.h>
#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
} session;

/* The sandbox a SIGINT should interrupt. A signal handler can reach
 * nothing else, so this one pointer is the program's only global.
 * sandbox_interrupt only sets a flag and a hook (lua_sethook is safe in a
 * signal handler, lua.c does the same); Lua code stops at its next
 * instruction, pattern matching and SQL at their next budget check. */
static sandbox *volatile interrupt_target;

static void on_sigint(int sig) {
  (void)sig;
  sandbox *sb = interrupt_target;
  if (sb) sandbox_interrupt(sb);
}

/* print for the console: standard output, where the session's values go
 * (packs print to standard error so that reports stay clean). */
static int console_print(lua_State *L) {
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    size_t len;
    const char *s = luaL_tolstring(L, i, &len);
    if (i > 1) fputc('\t', stdout);
    fwrite(s, 1, len, stdout);
    lua_pop(L, 1);
  }
  fputc('\n', stdout);
  return 0;
}

/* Pushes the registry value ref. */
static void push_ref(session *s, int ref) { lua_rawgeti(sandbox_lua(s->sb), LUA_REGISTRYINDEX, ref); }

/* Prints every value from index first to the top through repl.show. */
static void show_values(session *s, int first) {
  lua_State *L = sandbox_lua(s->sb);
  int last = lua_gettop(L);
  for (int i = first; i <= last; i++) {
    push_ref(s, s->repl);
    lua_getfield(L, -1, "show");
    lua_remove(L, -2);
    lua_pushvalue(L, i);
    push_ref(s, s->settings);
    char err[1024];
    if (sandbox_call(s->sb, 2, 1, err, sizeof err) != LUA_OK) {
      fprintf(stderr, "error: %s\n", err);
      s->errors++;
      continue;
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
      puts(lua_tostring(L, -1));
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

/* Compiles code in the session's environment, first as "return code" so
 * that an expression prints without typing return. Returns 1 and sets
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

/* Runs a dot-command through repl.dot. Returns 1 when the session should end. */
static int dot_command(session *s, const char *line) {
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
    fprintf(stderr, "error: %s\n", err);
    s->errors++;
    return 0;
  }
  int quit = lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "quit");
  if (lua_type(L, -2) == LUA_TSTRING && lua_tostring(L, -2)[0]) puts(lua_tostring(L, -2));
  lua_pop(L, 2);
  return quit;
}

/* Runs one complete chunk and prints its values. */
static void execute(session *s, const char *code) {
  lua_State *L = sandbox_lua(s->sb);
  int incomplete, base = lua_gettop(L);
  if (compile(s, code, &incomplete) != 0) {
    fprintf(stderr, "error: %s\n", incomplete ? "unfinished chunk" : lua_tostring(L, -1));
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
    fprintf(stderr, "error: %s\n", err);
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

/* The interactive loop: libedit, history in ~/.pdmon_history. */
static void interactive(session *s) {
  char history[4096] = "";
  const char *home = getenv("HOME");
  if (home) snprintf(history, sizeof history, "%s/.pdmon_history", home);
  using_history();
  if (history[0]) read_history(history);
  puts("pdmon REPL: .help for commands, Ctrl-D to leave");
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
    fprintf(stderr, "error: the script ends inside an unfinished chunk\n");
    s->errors++;
  }
  free(pending);
  free(line);
}

/* Runs a script file as one chunk, as lua FILE does; prints what it returns. */
static void run_file(session *s, const char *path) {
  FILE *f = fopen(path, "rb");
  char *text = NULL;
  size_t len = 0;
  if (f) {
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = size >= 0 && size < (1L << 24) ? malloc((size_t)size + 1) : NULL;
    len = text ? fread(text, 1, (size_t)size, f) : 0;
    fclose(f);
  }
  if (!text) {
    fprintf(stderr, "pdmon repl: %s: cannot read\n", path);
    s->errors++;
    return;
  }
  text[len] = '\0';
  lua_State *L = sandbox_lua(s->sb);
  int base = lua_gettop(L);
  char chunkname[1100], err[1024];
  snprintf(chunkname, sizeof chunkname, "@%s", path);
  push_ref(s, s->env);
  int status = sandbox_load(s->sb, text, len, chunkname, -1);
  free(text);
  if (status != LUA_OK) {
    fprintf(stderr, "error: %s\n", lua_tostring(L, -1));
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
    fprintf(stderr, "error: %s\n", err);
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
  lua_pushcfunction(L, console_print);
  lua_setfield(L, -2, "print");
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
    if (pack_load(s->sb, opt->pack_dir, &s->p, err, sizeof err) != 0) {
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
        fprintf(stderr, "error: -e: unfinished chunk\n");
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
  if (s.have_pack) pack_release(&s.p);
  sandbox_free(s.sb);
  return s.errors ? 1 : 0;
}
