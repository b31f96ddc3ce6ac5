/* pack.c: loads a rule pack (a folder of Lua files, pack.lua first as the manifest) into a
 * sandbox, through the stdlib's dsl module. The promises are in pack.h. */
#include "pack.h"

#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"
#include "stdlib_loader.h"
#include "i18n.h"

/* Rule files larger than this are refused: a pack is text written by hand. */
#define MAX_RULE_FILE (4u * 1024u * 1024u)

/* Reads a whole rule file (a regular file: never a pipe or a device);
 * the caller frees the result. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen) {
  return files_read(path, MAX_RULE_FILE, len, err, errlen);
}

/* pack.lua first; the targets a municipality set in the workplace
 * (PACK_TARGETS_OVERRIDE) last, so they win over its other files. */
static int compare_names(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  if (strcmp(x, "pack.lua") == 0) return -1;
  if (strcmp(y, "pack.lua") == 0) return 1;
  if (strcmp(x, PACK_TARGETS_OVERRIDE) == 0) return 1;
  if (strcmp(y, PACK_TARGETS_OVERRIDE) == 0) return -1;
  return strcmp(x, y);
}

static void free_names(char **names, int n) {
  for (int i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* Lists the .lua files of dir, pack.lua first. Returns their count, or -1
 * (with nothing left to free) when the folder is unreadable or no pack. */
static int list_rule_files(const char *dir, char ***names, char *err, size_t errlen) {
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errlen, _("%s: cannot open pack folder: %s"), dir, strerror(errno));
    return -1;
  }
  int n = 0, has_manifest = 0;
  char **list = NULL;
  struct dirent *entry;
  while ((entry = readdir(d)) != NULL) {
    size_t len = strlen(entry->d_name);
    if (len < 5 || strcmp(entry->d_name + len - 4, ".lua") != 0 || entry->d_name[0] == '.') continue;
    char **grown = realloc(list, (size_t)(n + 1) * sizeof *grown);
    if (grown) list = grown;
    char *copy = grown ? strdup(entry->d_name) : NULL;
    if (!copy) {
      closedir(d);
      free_names(list, n);
      snprintf(err, errlen, _("%s: out of memory"), dir);
      return -1;
    }
    list[n++] = copy;
    if (strcmp(copy, "pack.lua") == 0) has_manifest = 1;
  }
  closedir(d);
  if (!has_manifest) {
    free_names(list, n);
    snprintf(err, errlen, _("%s: not a rule pack: pack.lua (the manifest) is missing"), dir);
    return -1;
  }
  qsort(list, (size_t)n, sizeof *list, compare_names);
  *names = list;
  return n;
}

/* 1 when the n bytes at name are one of Lua's reserved words. */
static int is_lua_keyword(const char *name, size_t n) {
  static const char *const words[] = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function",
                                      "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
                                      "true", "until", "while"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i]) == n && !strncmp(words[i], name, n)) return 1;
  return 0;
}

#define MAX_KEPT_LOCALS 256

/* The text of a rule file with a last statement that returns its top-level
 * locals by name (the lines that begin with "local" at the first column,
 * as packs write them): "local teachers = staff {...}" gives the console
 * teachers. Each name is read in a pcall, so a line that only looked like
 * a declaration (inside a long string) costs nothing. NULL when there is
 * no such line or no memory. */
static char *text_keeping_locals(const char *file_text, size_t len, size_t *out_len) {
  size_t cap = len + 64 + MAX_KEPT_LOCALS * 256, used;
  char *out = malloc(cap), *text = malloc(len + 1); /* text: NUL-terminated, for the scan */
  if (!out || !text) {
    free(out);
    free(text);
    return NULL;
  }
  memcpy(text, file_text, len);
  text[len] = '\0';
  memcpy(out, text, len);
  used = len + (size_t)snprintf(out + len, cap - len, "\ndo local __pdmon_locals = {}\n");
  int kept = 0;
  for (const char *line = text; line && line < text + len && kept < MAX_KEPT_LOCALS;) {
    const char *end = memchr(line, '\n', (size_t)(text + len - line));
    const char *p = line;
    line = end ? end + 1 : NULL;
    if (strncmp(p, "local", 5) != 0 || (p[5] != ' ' && p[5] != '\t')) continue;
    p += 5;
    while (*p == ' ' || *p == '\t') p++;
    int function = !strncmp(p, "function", 8) && (p[8] == ' ' || p[8] == '\t');
    if (function) for (p += 8; *p == ' ' || *p == '\t'; p++) {}
    for (;;) { /* local a, b <const>, c = ... */
      const char *name = p;
      while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' || (p > name && *p >= '0' && *p <= '9'))
        p++;
      size_t n = (size_t)(p - name);
      if (n == 0 || n > 64 || is_lua_keyword(name, n) || kept == MAX_KEPT_LOCALS) break; /* each line < 256 bytes */
      used += (size_t)snprintf(out + used, cap - used, "pcall(function() __pdmon_locals.%.*s = %.*s end)\n", (int)n,
                               name, (int)n, name);
      kept++;
      if (function) break;
      while (*p == ' ' || *p == '\t') p++;
      if (*p == '<') { /* an attribute */
        while (*p && *p != '>' && *p != '\n') p++;
        if (*p == '>') p++;
        while (*p == ' ' || *p == '\t') p++;
      }
      if (*p != ',') break;
      for (p++; *p == ' ' || *p == '\t'; p++) {}
    }
  }
  free(text);
  if (kept == 0) {
    free(out);
    return NULL;
  }
  used += (size_t)snprintf(out + used, cap - used, "return __pdmon_locals end\n");
  *out_len = used;
  return out;
}

/* Copies the table on top (a file's locals) into the table at locals, then pops it. */
static void keep_locals(lua_State *L, int locals) {
  if (lua_type(L, -1) == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) == LUA_TSTRING) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, locals);
      } else {
        lua_pop(L, 1);
      }
    }
  }
  lua_pop(L, 1);
}

/* Puts "PATH: " before the message in err, cutting its end if it must. */
static void prefix_path(const char *path, char *err, size_t errlen) {
  char message[1024];
  snprintf(message, sizeof message, "%s", err);
  snprintf(err, errlen, "%s: %s", path, message);
}

/* Runs one rule file in the pack's environment (at env_index); with a
 * locals table (index, or 0), its top-level locals go there too. */
static int run_rule_file(sandbox *sb, const char *dir, const char *name, int env_index, int locals,
                         char *err, size_t errlen) {
  char path[2048], chunkname[2100];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  size_t len, kept_len = 0;
  char *text = read_file(path, &len, err, errlen);
  if (!text) return -1;
  snprintf(chunkname, sizeof chunkname, "@%s", path);
  lua_State *L = sandbox_lua(sb);
  char *kept = locals ? text_keeping_locals(text, len, &kept_len) : NULL;
  int status = kept ? sandbox_load(sb, kept, kept_len, chunkname, env_index) : LUA_ERRSYNTAX;
  free(kept);
  if (kept && status != LUA_OK) lua_pop(L, 1); /* the file's own text says what is wrong */
  int keeping = kept && status == LUA_OK;
  if (!keeping) status = sandbox_load(sb, text, len, chunkname, env_index);
  free(text);
  if (status != LUA_OK) {
    snprintf(err, errlen, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    return -1;
  }
  if (sandbox_call(sb, 0, keeping, err, errlen) != LUA_OK) {
    /* Lua gives a memory error no position, as it gives every other error;
     * the file is the one whose top level ran out */
    if (sandbox_last_error_was_memory(sb)) prefix_path(path, err, errlen);
    return -1;
  }
  if (keeping) keep_locals(L, lua_absindex(L, locals));
  return 0;
}

/* Copies the fields of the table on top into the table at env_index;
 * tables (the regex module) go in as read-only views. */
static void install_api(lua_State *L, int env_index) {
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pushvalue(L, -2);
    sandbox_push_readonly(L, -2);
    lua_rawset(L, env_index);
    lua_pop(L, 1);
  }
}

/* 1 when name can only name a folder next to the pack: letters, digits,
 * '_' and '-' (never '/', '.' or ".."), whatever the Lua side let through. */
static int is_pack_name(const char *name, size_t len) {
  if (len == 0 || len > 100) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return 0;
  }
  return 1;
}

/* Reads a string field of the manifest at index into buf ("" when absent). */
static void manifest_string(lua_State *L, int manifest, const char *field, char *buf, size_t buflen) {
  int top = lua_gettop(L);
  buf[0] = '\0';
  if (lua_istable(L, manifest) && lua_getfield(L, manifest, field) == LUA_TSTRING)
    snprintf(buf, buflen, "%s", lua_tostring(L, -1));
  lua_settop(L, top);
}

#define MAX_LAYERS 8

/* What load_files reads: every file (0), keeping the files' locals (1),
 * or the pack's own manifest only. */
#define LOAD_MANIFEST 2

/* Calls dsl.NAME(pack [, integer]) with the dsl module at dsl and the
 * declarations at decl; pushes nresults results. */
static int call_dsl(sandbox *sb, int dsl, int decl, const char *name, int has_arg, lua_Integer arg,
                    int nresults, char *err, size_t errlen) {
  lua_State *L = sandbox_lua(sb);
  lua_getfield(L, dsl, name);
  lua_pushvalue(L, decl);
  if (has_arg) lua_pushinteger(L, arg);
  return sandbox_call(sb, has_arg ? 2 : 1, nresults, err, errlen) == LUA_OK ? 0 : -1;
}

/* Runs the files of one layer's folder other than its manifest. */
static int run_layer_files(sandbox *sb, const char *dir, int env, int locals, char *err, size_t errlen) {
  char **names = NULL;
  int n = list_rule_files(dir, &names, err, errlen);
  if (n < 0) return -1;
  int rc = 0;
  for (int i = 0; i < n && rc == 0; i++)
    if (strcmp(names[i], "pack.lua") != 0) rc = run_rule_file(sb, dir, names[i], env, locals, err, errlen);
  free_names(names, n);
  return rc;
}

/* Follows extends from the manifest just run: loads each base's manifest
 * and returns the number of layers (the pack itself is layer 0). */
static int load_manifests(sandbox *sb, int dsl, int decl, int env, char dirs[MAX_LAYERS][1024],
                          char *err, size_t errlen) {
  lua_State *L = sandbox_lua(sb);
  int layers = 1;
  for (;;) {
    if (call_dsl(sb, dsl, decl, "take_extends", 0, 0, 1, err, errlen) != 0) return -1;
    if (lua_isnil(L, -1)) { lua_pop(L, 1); return layers; }
    size_t name_len = 0;
    const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &name_len) : NULL;
    if (!name || !is_pack_name(name, name_len)) {
      snprintf(err, errlen, _("%s/pack.lua: extends names a pack folder next to this one (letters, digits, _ and -)"),
               dirs[layers - 1]);
      return -1;
    }
    if (layers == MAX_LAYERS) {
      snprintf(err, errlen, _("%s/pack.lua: extends goes deeper than %d packs"), dirs[layers - 1], MAX_LAYERS);
      return -1;
    }
    const char *slash = strrchr(dirs[layers - 1], '/');
    int parent = slash ? (int)(slash - dirs[layers - 1]) : 1;
    snprintf(dirs[layers], sizeof dirs[layers], "%.*s/%s", parent, slash ? dirs[layers - 1] : ".", name);
    lua_pop(L, 1);
    for (int i = 0; i < layers; i++) {
      if (strcmp(dirs[i], dirs[layers]) == 0) {
        snprintf(err, errlen, _("%s/pack.lua: extends makes a loop back to %s"), dirs[layers - 1], dirs[i]);
        return -1;
      }
    }
    if (call_dsl(sb, dsl, decl, "set_layer", 1, layers, 0, err, errlen) != 0 ||
        run_rule_file(sb, dirs[layers], "pack.lua", env, 0, err, errlen) != 0)
      return -1;
    layers++;
  }
}

/* Creates the declarations collector and the environment, runs the
 * manifests along extends, then every layer's files from the deepest base
 * up, so a municipality's files see the region's indicators. */
static int load_files(sandbox *sb, pack *out, int keeping_locals, char *err, size_t errlen) {
  lua_State *L = sandbox_lua(sb);
  if (stdlib_push_module(sb, "dsl", err, errlen) != 0) return -1;
  int dsl = lua_gettop(L);
  lua_pushvalue(L, dsl);
  out->dsl_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_getfield(L, dsl, "new_pack");
  lua_pushstring(L, out->dir);
  if (sandbox_call(sb, 1, 2, err, errlen) != LUA_OK) return -1;
  int decl = dsl + 1; /* then api at dsl + 2 */
  sandbox_push_env(sb);
  stdlib_install_require(sb, -1);
  int env = lua_gettop(L);
  lua_pushvalue(L, dsl + 2);
  install_api(L, env);
  lua_pop(L, 1);
  char dirs[MAX_LAYERS][1024];
  snprintf(dirs[0], sizeof dirs[0], "%s", out->dir);
  if (run_rule_file(sb, out->dir, "pack.lua", env, 0, err, errlen) != 0) return -1;
  if (keeping_locals == LOAD_MANIFEST) { /* the manifest's own fields are all that is asked for */
    lua_getfield(L, decl, "manifests");
    lua_rawgeti(L, -1, 0);
    manifest_string(L, lua_gettop(L), "id", out->id, sizeof out->id);
    manifest_string(L, lua_gettop(L), "municipality", out->municipality, sizeof out->municipality);
    return 0;
  }
  int layers = load_manifests(sb, dsl, decl, env, dirs, err, errlen);
  if (layers < 0) return -1;
  for (int i = 0; i < layers; i++) snprintf(out->layers[i], sizeof out->layers[i], "%.1023s", dirs[i]);
  out->nlayers = layers;
  int locals = 0;
  if (keeping_locals) {
    lua_newtable(L);
    locals = lua_gettop(L);
  }
  for (int layer = layers - 1; layer >= 0; layer--) {
    if (call_dsl(sb, dsl, decl, "set_layer", 1, layer, 0, err, errlen) != 0 ||
        run_layer_files(sb, dirs[layer], env, locals, err, errlen) != 0)
      return -1;
  }
  if (locals) { /* and the names the files set without local (teachers_and_heads = ...) */
    lua_pushnil(L);
    while (lua_next(L, env)) {
      lua_pushvalue(L, -2);
      int is_api = lua_type(L, -1) != LUA_TSTRING || lua_rawget(L, dsl + 2) != LUA_TNIL;
      lua_pop(L, 1);
      const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
      if (!is_api && strcmp(name, "_G") && strcmp(name, "load") && strcmp(name, "require")) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, locals);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pushvalue(L, locals);
    out->locals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  if (call_dsl(sb, dsl, decl, "finish", 0, 0, 0, err, errlen) != 0) return -1;
  lua_pushvalue(L, decl);
  out->pack_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_getfield(L, decl, "manifests");
  lua_rawgeti(L, -1, 0);
  manifest_string(L, lua_gettop(L), "id", out->id, sizeof out->id);
  manifest_string(L, lua_gettop(L), "municipality", out->municipality, sizeof out->municipality);
  return 0;
}

/* What load_files needs inside its protected call. */
typedef struct load_job {
  sandbox *sb;
  pack *out;
  int keeping_locals;
  char *err;
  size_t errlen;
  int rc;
} load_job;

static int load_files_protected(lua_State *L) {
  load_job *job = lua_touserdata(L, 1);
  job->rc = load_files(job->sb, job->out, job->keeping_locals, job->err, job->errlen);
  return 0;
}

/* pack_load, and pack_load_keeping_locals when keeping_locals. */
static int load_pack(sandbox *sb, const char *dir, pack *out, int keeping_locals, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  out->sb = sb;
  out->pack_ref = out->dsl_ref = out->locals_ref = LUA_NOREF;
  size_t dl = strlen(dir);
  while (dl > 1 && dir[dl - 1] == '/') dl--;
  snprintf(out->dir, sizeof out->dir, "%.*s", (int)dl, dir);
  char **names = NULL;
  int n = list_rule_files(out->dir, &names, err, errlen);
  if (n < 0) return -1; /* no folder, or no manifest */
  free_names(names, n);
  lua_State *L = sandbox_lua(sb);
  int top = lua_gettop(L);
  sandbox_rearm(sb); /* loading the pack is one unit of work */
  load_job job = {sb, out, keeping_locals, err, errlen, -1};
  int rc = sandbox_protected(sb, load_files_protected, &job, 0, 0, err, errlen) == LUA_OK ? job.rc : -1;
  lua_settop(L, top);
  if (rc != 0) pack_release(out);
  return rc;
}

int pack_load(sandbox *sb, const char *dir, pack *out, char *err, size_t errlen) {
  return load_pack(sb, dir, out, 0, err, errlen);
}

int pack_load_keeping_locals(sandbox *sb, const char *dir, pack *out, char *err, size_t errlen) {
  return load_pack(sb, dir, out, 1, err, errlen);
}

int pack_read_manifest(const char *dir, char *municipality, size_t len, char *err, size_t errlen) {
  municipality[0] = '\0';
  sandbox *sb = sandbox_new(sandbox_default_limits());
  if (!sb) {
    snprintf(err, errlen, _("out of memory creating the rule sandbox"));
    return -1;
  }
  pack p;
  int rc = load_pack(sb, dir, &p, LOAD_MANIFEST, err, errlen);
  if (rc == 0) {
    snprintf(municipality, len, "%s", p.municipality);
    pack_release(&p);
  }
  sandbox_free(sb);
  return rc;
}

void pack_push_call(const pack *p, const char *name) {
  lua_State *L = sandbox_lua(p->sb);
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->dsl_ref);
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->pack_ref);
}

void pack_release(pack *p) {
  if (!p->sb) return;
  lua_State *L = sandbox_lua(p->sb);
  luaL_unref(L, LUA_REGISTRYINDEX, p->pack_ref);
  luaL_unref(L, LUA_REGISTRYINDEX, p->dsl_ref);
  luaL_unref(L, LUA_REGISTRYINDEX, p->locals_ref);
  p->pack_ref = p->dsl_ref = p->locals_ref = LUA_NOREF;
  p->sb = NULL;
}
