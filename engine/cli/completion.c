/* completion.c: the words a shell may complete. The promises are in
 * completion.h. Everything comes from the command table (commands.c):
 * a value list such as "--format table|json|csv" or the steps "run |
 * status" are read from a command's synopsis, so they never drift apart. */
#include "completion.h"

#include <ctype.h>
#include <lauxlib.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_support.h"
#include "entity.h"
#include "pack.h"
#include "sandbox.h"

#define MAX_WORDS 2000

/* Prints word when it starts with prefix. */
static void offer(const char *word, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  if (len >= n && strncmp(word, prefix, n) == 0) printf("%.*s\n", (int)len, word);
}

static void offer_commands(const char *prefix) {
  for (const command_def *c = command_table; c->name; c++) offer(c->name, strlen(c->name), prefix);
  offer("help", 4, prefix);
}

static void offer_options(const command_def *cmd) {
  const option_def *tables[] = {cmd->options, global_options};
  for (int t = 0; t < 2; t++)
    for (const option_def *o = tables[t]; o->name; o++) {
      if (o->kind == OPT_FLAG) printf("--%s\n", o->name);
      else printf("--%s=%s\n", o->name, o->value_name);
      if (o->short_name && o->kind == OPT_FLAG) printf("-%c\n", o->short_name);
      else if (o->short_name) printf("-%c=%s\n", o->short_name, o->value_name);
    }
}

/* The subcommands a synopsis begins its forms with ("open", "run | status"). */
static void offer_steps(const command_def *cmd, const char *prefix) {
  const char *p = cmd->synopsis, *seen[32];
  size_t seen_len[32], nseen = 0;
  while (*p) {
    while (*p == ' ' || *p == '|') p++;
    const char *start = p;
    while (islower((unsigned char)*p)) p++;
    size_t len = (size_t)(p - start);
    int word = len > 0 && (*p == ' ' || *p == '\n' || *p == '\0');
    int again = 0; /* a step of several forms ("status") is offered once */
    for (size_t i = 0; word && i < nseen; i++) again |= seen_len[i] == len && !strncmp(seen[i], start, len);
    if (word && !again && nseen < 32) {
      seen[nseen] = start;
      seen_len[nseen++] = len;
      offer(start, len, prefix);
    }
    if (!word || (*p == ' ' && p[1] != '|')) { /* the form's steps are over: next line */
      p = strchr(p, '\n');
      if (!p) break;
      p++;
    }
  }
}

/* The values "--NAME a|b|c" of the synopsis lists, if it lists them. */
static int offer_listed_values(const command_def *cmd, const char *name, const char *prefix) {
  char needle[96];
  snprintf(needle, sizeof needle, "--%s ", name);
  const char *p = strstr(cmd->synopsis, needle);
  if (!p) return 0;
  p += strlen(needle);
  size_t len = strcspn(p, " ]\n");
  if (!memchr(p, '|', len)) return 0;
  for (const char *end = p + len; p < end;) {
    size_t n = strcspn(p, "|");
    if (p + n > end) n = (size_t)(end - p);
    offer(p, n, prefix);
    p += n + 1;
  }
  return 1;
}

/* The first column of a query on the store, opened read-only. */
static void offer_from_store(const command_args *args, const char *sql, const char *prefix) {
  sqlite3 *db;
  if (sqlite3_open_v2(args->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return;
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    for (int n = 0; n < MAX_WORDS && sqlite3_step(st) == SQLITE_ROW; n++) {
      const char *w = (const char *)sqlite3_column_text(st, 0);
      if (w) offer(w, strlen(w), prefix);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
}

/* Prints the id of every indicator of the pack at index 2 (in the sandbox). */
static int print_indicator_ids(lua_State *L) {
  const char *prefix = lua_touserdata(L, 1);
  if (lua_getfield(L, 2, "indicators") != LUA_TTABLE) return 0;
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n && i <= MAX_WORDS; i++) {
    lua_geti(L, -1, i);
    if (lua_type(L, -1) == LUA_TTABLE && lua_getfield(L, -1, "id") == LUA_TSTRING) {
      size_t len;
      const char *id = lua_tolstring(L, -1, &len);
      offer(id, len, prefix);
    }
    lua_settop(L, 3);
  }
  return 0;
}

/* The indicator ids of the pack (--pack, else the one the store records). */
static void offer_indicators(const command_args *args, const char *prefix) {
  char buf[PATH_MAX], err[1024];
  sqlite3 *db = NULL;
  if (!args->pack && sqlite3_open_v2(args->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    db = NULL;
  }
  const char *dir = resolve_pack(args, db, buf, sizeof buf);
  if (db) sqlite3_close(db);
  if (!dir) return;
  sandbox *sb = sandbox_new(sandbox_default_limits());
  pack p;
  if (!sb || pack_load(sb, dir, &p, err, sizeof err) != 0) {
    sandbox_free(sb);
    return;
  }
  lua_State *L = sandbox_lua(sb);
  lua_rawgeti(L, LUA_REGISTRYINDEX, p.pack_ref);
  sandbox_protected(sb, print_indicator_ids, (void *)prefix, 1, 0, err, sizeof err);
  pack_release(&p);
  sandbox_free(sb);
}

/* The values of option name of cmd. */
static void offer_values(const command_args *args, const command_def *cmd, const char *name, const char *prefix) {
  if (offer_listed_values(cmd, name, prefix)) return;
  const option_def *o = NULL;
  const option_def *tables[] = {cmd->options, global_options};
  for (int t = 0; t < 2 && !o; t++)
    for (const option_def *x = tables[t]; x->name && !o; x++)
      if (name[0] == '-' ? x->short_name == name[1] && !name[2] : !strcmp(x->name, name)) o = x;
  if (!o || o->kind == OPT_FLAG) return;
  name = o->name;
  if (!strcmp(o->value_name, "FILE")) puts("@files");
  else if (!strcmp(o->value_name, "DIR")) puts("@dirs");
  else if (!strcmp(name, "indicator")) offer_indicators(args, prefix);
  else if (!strcmp(name, "org"))
    offer_from_store(args, "SELECT id FROM organization WHERE id >= ?1 ORDER BY id", prefix);
  else if (!strcmp(name, "municipality"))
    offer_from_store(args, "SELECT DISTINCT municipality FROM organization WHERE municipality >= ?1 ORDER BY 1", prefix);
  else if (!strcmp(name, "period"))
    offer_from_store(args, "SELECT DISTINCT substr(date, 1, 4) FROM activity WHERE ?1 = ?1 ORDER BY 1 DESC", prefix);
  else if (!strcmp(name, "cycle"))
    offer_from_store(args, "SELECT id FROM cycle WHERE ?1 = ?1 ORDER BY id DESC", prefix);
}

/* The candidates of the n-th positional of cmd. */
static void offer_words(const command_args *args, const command_def *cmd, long n, const char *prefix) {
  if (!strcmp(cmd->name, "import") || !strcmp(cmd->name, "template")) {
    if (n == 0) { /* the importer's entities ("a, b, c"), and for import the roadmap */
      for (const char *p = entity_names(); *p;) {
        size_t len = strcspn(p, ",");
        offer(p, len, prefix);
        p += len;
        while (*p == ',' || *p == ' ') p++;
      }
      if (!strcmp(cmd->name, "import")) offer("measures", 8, prefix);
    }
    if (n == 1 && !strcmp(cmd->name, "import")) puts("@files");
  } else if (!strcmp(cmd->name, "explain") && n == 0) {
    offer_indicators(args, prefix);
  } else if (!strcmp(cmd->name, "repl") && n == 0) {
    puts("@files");
  } else if (n == 0) {
    offer_steps(cmd, prefix);
  }
}

int completion_run(int argc, char **argv, const command_args *args) {
  const char *what = argc > 1 ? argv[1] : "";
  if (!strcmp(what, "commands")) {
    offer_commands(argc > 2 ? argv[2] : "");
    return EXIT_OK;
  }
  if (argc < 3) return EXIT_USAGE;
  if (!strcmp(argv[2], "help")) { /* help CMD */
    if (!strcmp(what, "words")) offer_commands(argc > 4 ? argv[4] : "");
    return EXIT_OK;
  }
  const command_def *cmd = command_find(argv[2]);
  if (!cmd) return EXIT_OK;
  if (!strcmp(what, "options")) offer_options(cmd);
  else if (!strcmp(what, "words") && argc > 3) offer_words(args, cmd, strtol(argv[3], NULL, 10), argc > 4 ? argv[4] : "");
  else if (!strcmp(what, "values") && argc > 3) offer_values(args, cmd, argv[3], argc > 4 ? argv[4] : "");
  else return EXIT_USAGE;
  return EXIT_OK;
}
