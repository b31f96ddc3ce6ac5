/* targets_editor.c: reading, checking and saving a municipality's target phrases. The
 * promises are in targets_editor.h. */
#include "targets_editor.h"

#include <cJSON.h>
#include <errno.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "actions.h"
#include "cycle.h"
#include "html.h"
#include "pack.h"
#include "pages.h"
#include "routes.h"
#include "sandbox.h"
#include "stdlib_loader.h"

#define MAX_PHRASE 1000
#define MAX_INDICATORS 512

/* Limits for the parser and the pack: far below a cycle's, as a page must answer quickly. */
static sandbox_limits editor_limits(void) {
  sandbox_limits l = sandbox_default_limits();
  l.memory_bytes = 128u * 1024u * 1024u;
  l.instructions = 200000000;
  return l;
}

/* What reading one phrase needs and gives, across the protected call. */
typedef struct phrase_job {
  const char *phrase;
  int year;
  char *out;
  size_t outlen;
  int rc;
} phrase_job;

/* In the protected call: targets.parse(phrase), then targets.applied for the year. */
static int read_phrase_protected(lua_State *L) {
  phrase_job *job = lua_touserdata(L, 1);
  const int module = 2;
  lua_getfield(L, module, "parse");
  lua_pushstring(L, job->phrase);
  lua_call(L, 1, 2);
  if (lua_isnil(L, -2)) {
    snprintf(job->out, job->outlen, "не читается: %s", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "the phrase cannot be read");
    job->rc = 0;
    return 0;
  }
  lua_pop(L, 1);
  int target = lua_gettop(L);
  lua_getfield(L, module, "applied");
  lua_pushvalue(L, target);
  lua_pushinteger(L, job->year);
  lua_call(L, 2, 2);
  const char *why = "";
  if (lua_istable(L, -2) && lua_getfield(L, -2, "reason") == LUA_TSTRING) why = lua_tostring(L, -1);
  else if (lua_type(L, -1) == LUA_TSTRING) why = lua_tostring(L, -1);
  snprintf(job->out, job->outlen, "читается: в %d г. — %s", job->year, why);
  job->rc = 1;
  return 0;
}

int targets_editor_read_phrase(const char *phrase, int year, char *out, size_t outlen) {
  sandbox *sb = sandbox_new(editor_limits());
  char err[1024];
  if (!sb) {
    snprintf(out, outlen, "out of memory");
    return -1;
  }
  phrase_job job = {.phrase = phrase, .year = year, .out = out, .outlen = outlen, .rc = -1};
  if (stdlib_push_module(sb, "targets", err, sizeof err) != 0 ||
      sandbox_protected(sb, read_phrase_protected, &job, 1, 0, err, sizeof err) != LUA_OK) {
    snprintf(out, outlen, "%s", err);
    job.rc = -1;
  }
  sandbox_free(sb);
  return job.rc;
}

void targets_editor_lua_string(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '\\' || *p == '"') fprintf(out, "\\%c", *p);
    else if (*p < 32 || *p == 127) fprintf(out, "\\%03d", *p);
    else fputc(*p, out);
  }
  fputc('"', out);
}

/* ---- the pack's indicators and the municipality's own file ---- */

typedef struct editor_entry {
  char id[128];
  char title[1024];
  char current[MAX_PHRASE + 1];  /* the phrase in force ("" none) */
  int by_kind;                   /* a table of targets by organization kind: not one phrase */
  char override[MAX_PHRASE + 1]; /* the municipality's own phrase, "" when none */
  char submitted[MAX_PHRASE + 1];
  char message[1024];            /* the parser's refusal of the submitted phrase */
} editor_entry;

typedef struct editor_state {
  char pack_dir[1024];
  char layer[1024];        /* the municipality's own layer, "" when the pack is the region's */
  char problem[1024];      /* why the pack cannot be edited, "" when it can */
  int year;
  editor_entry *entries;
  size_t n;
  int refused;             /* submitted phrases that do not read */
} editor_state;

static void editor_free(void *p) {
  editor_state *s = p;
  free(s->entries);
  free(s);
}

/* Reads the phrase of a target value at index (a Target, or a table by kind). */
static void read_target(lua_State *L, int index, editor_entry *e) {
  if (!lua_istable(L, index)) return;
  if (lua_getfield(L, index, "text") == LUA_TSTRING) snprintf(e->current, sizeof e->current, "%s", lua_tostring(L, -1));
  else e->by_kind = 1;
  lua_pop(L, 1);
}

/* In the protected call: the indicators of the pack (argument 2) with their targets. */
static int list_indicators_protected(lua_State *L) {
  editor_state *s = lua_touserdata(L, 1);
  lua_getfield(L, 2, "indicators");
  luaL_checktype(L, -1, LUA_TTABLE);
  size_t n = (size_t)luaL_len(L, -1);
  if (n > MAX_INDICATORS) n = MAX_INDICATORS;
  s->entries = calloc(n ? n : 1, sizeof *s->entries);
  if (!s->entries) return luaL_error(L, "out of memory");
  for (size_t i = 0; i < n; i++) {
    editor_entry *e = &s->entries[s->n++];
    lua_geti(L, -1, (lua_Integer)i + 1);
    if (lua_getfield(L, -1, "id") == LUA_TSTRING) snprintf(e->id, sizeof e->id, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "title") == LUA_TSTRING) snprintf(e->title, sizeof e->title, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_getfield(L, -1, "target");
    read_target(L, lua_gettop(L), e);
    lua_pop(L, 2);
  }
  return 0;
}

/* Loads the pack and lists its indicators with their targets in force. */
static int load_indicators(editor_state *s, char *err, size_t errlen) {
  sandbox *sb = sandbox_new(editor_limits());
  if (!sb) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  pack p;
  if (pack_load(sb, s->pack_dir, &p, err, errlen) != 0) {
    sandbox_free(sb);
    return -1;
  }
  if (p.municipality[0]) snprintf(s->layer, sizeof s->layer, "%s", p.layers[0]);
  lua_rawgeti(sandbox_lua(sb), LUA_REGISTRYINDEX, p.pack_ref);
  int rc = sandbox_protected(sb, list_indicators_protected, s, 1, 0, err, errlen) == LUA_OK ? 0 : -1;
  pack_release(&p);
  sandbox_free(sb);
  return rc;
}

/* Undoes the escapes targets_editor_lua_string writes. */
static void unescape_lua(const char *from, const char *to, char *out, size_t len) {
  size_t o = 0;
  for (const char *p = from; p < to && o + 1 < len; p++) {
    if (*p == '\\' && p + 1 < to) {
      p++;
      if (*p >= '0' && *p <= '9' && p + 2 < to) {
        out[o++] = (char)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
        p += 2;
      } else {
        out[o++] = *p;
      }
    } else {
      out[o++] = *p;
    }
  }
  out[o] = '\0';
}

/* Reads the municipality's own phrases from the file this editor writes
 * (one "  id = \"phrase\"," line each). */
static void read_overrides(editor_state *s) {
  char path[1200], line[4096];
  snprintf(path, sizeof path, "%s/%s", s->layer, PACK_TARGETS_OVERRIDE);
  FILE *f = fopen(path, "r");
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    char id[128];
    int used = 0;
    if (sscanf(line, "  %127[A-Za-z0-9_] = \"%n", id, &used) != 1 || !used) continue;
    const char *start = line + used, *end = strrchr(start, '"');
    if (!end) continue;
    for (size_t i = 0; i < s->n; i++)
      if (!strcmp(s->entries[i].id, id)) unescape_lua(start, end, s->entries[i].override, sizeof s->entries[i].override);
  }
  fclose(f);
}

/* Fills the editor's state for the request's municipality; 0, or -1 with s->problem. */
static int prepare(web_request *r, editor_state *s) {
  char why[1024], err[2048];
  cycle_ref c;
  s->year = 0;
  if (pages_find_cycle(r, &c) == 0) s->year = c.period;
  if (!s->year) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    s->year = tm.tm_year + 1900;
  }
  if (actions_pack_of(r, s->pack_dir, sizeof s->pack_dir, why, sizeof why) != 0) {
    snprintf(s->problem, sizeof s->problem, "%s", why);
    return -1;
  }
  if (load_indicators(s, err, sizeof err) != 0) {
    snprintf(s->problem, sizeof s->problem, "Пакет правил не загружается: %.900s", err);
    return -1;
  }
  if (!s->layer[0]) {
    snprintf(s->problem, sizeof s->problem, "Пакет %.300s — пакет региона: целевые значения муниципалитета хранятся в его собственном пакете"
             " (pack { municipality = ..., extends = ... }). Региональный пакет из рабочего места не меняется.", s->pack_dir);
    return -1;
  }
  read_overrides(s);
  return 0;
}

/* ---- the pages ---- */

static void write_form(web_request *r, FILE *out) {
  const editor_state *s = r->data;
  html_frame f;
  routes_frame(r, "Целевые значения", &f);
  html_page_begin(out, &f);
  int editable = !s->problem[0] && !strcmp(r->who.role, "municipality");
  const char *saved = web_query(r, "saved");
  if (saved) html_printf(out, "<p class=\"ok\" role=\"status\">Сохранено целевых значений: %s. Предыдущая версия сохранена; открытый цикл"
                              " пересчитан.</p>\n", saved);
  if (s->refused) html_printf(out, "<p class=\"error\" role=\"alert\">Не сохранено: %d формулировок не читаются (см. ниже). Исправьте их.</p>\n",
                              s->refused);
  if (s->problem[0]) html_printf(out, "<p class=\"error\">%s</p>\n", s->problem);
  html_printf(out, "<p>Формулировка записывается так, как в документах: «К 2024 году - не менее 70%%», «Ежегодно - 75%%»,"
                   " «К 2024 году - 350 человек», «положительная динамика не менее 10%%», «Наличие …». Проверка — для %d года.</p>\n", s->year);
  if (editable)
    html_printf(out, "<form method=\"post\" action=\"/m/%U/targets\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->municipality, r->csrf);
  html_printf(out, "<div class=\"wrap\"><table><caption>Показатели пакета %s</caption><thead><tr><th scope=\"col\">Показатель</th>"
                   "<th scope=\"col\">Целевое значение</th></tr></thead><tbody>\n", s->pack_dir);
  for (size_t i = 0; i < s->n; i++) {
    const editor_entry *e = &s->entries[i];
    html_printf(out, "<tr id=\"row-%s\"%R><th scope=\"row\"><label for=\"t-%s\">%s</label><br><code class=\"note\">%s</code>%R</th><td class=\"phrase\">", e->id,
                e->message[0] ? " class=\"not_met\"" : "", e->id, e->title, e->id,
                e->override[0] ? "<br><span class=\"note\">задано муниципалитетом</span>" : "");
    const char *shown = e->submitted[0] ? e->submitted : e->current;
    if (editable && !e->by_kind)
      html_printf(out, "<textarea class=\"phrase\" id=\"t-%s\" name=\"t.%s\" rows=\"%d\" maxlength=\"%d\" data-year=\"%d\""
                       " aria-describedby=\"m-%s\">%s</textarea><output id=\"m-%s\" for=\"t-%s\">%s</output>",
                  e->id, e->id, 1 + (int)(strlen(shown) / 55 < 5 ? strlen(shown) / 55 : 5), MAX_PHRASE, s->year, e->id, shown,
                  e->id, e->id, e->message);
    else
      html_printf(out, "%s%R", shown[0] ? shown : "не задано", e->by_kind ? " <span class=\"note\">(по видам организаций; задаётся в пакете)</span>" : "");
    html_printf(out, "</td></tr>\n");
  }
  html_printf(out, "</tbody></table></div>\n");
  if (editable)
    html_printf(out, "<p><button type=\"submit\">Сохранить и пересчитать цикл</button></p></form>"
                     "<script src=\"/static/targets.js\" defer></script>\n");
  html_page_end(out);
}

void targets_editor_form(web_request *r) {
  editor_state *s = calloc(1, sizeof *s);
  if (!s) {
    routes_error_page(r, 500, "Недостаточно памяти.");
    return;
  }
  r->data = s;
  r->data_free = editor_free;
  prepare(r, s);
  web_respond_page(r, 200, write_form);
}

void targets_editor_check(web_request *r) {
  const char *phrase = web_query(r, "phrase");
  const char *year_text = web_query(r, "year");
  char message[1400];
  int year = year_text ? atoi(year_text) : 0;
  if (year < 1900 || year > 2200) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    year = tm.tm_year + 1900;
  }
  int rc = !phrase || strlen(phrase) > MAX_PHRASE ? 0 : targets_editor_read_phrase(phrase, year, message, sizeof message);
  if (!phrase) snprintf(message, sizeof message, "phrase is missing");
  else if (strlen(phrase) > MAX_PHRASE) snprintf(message, sizeof message, "the phrase is longer than %d characters", MAX_PHRASE);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddBoolToObject(o, "ok", rc == 1);
  cJSON_AddStringToObject(o, "message", message);
  char *text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  web_respond_text(r, rc < 0 ? 500 : 200, "application/json", text ? text : "{}");
  cJSON_free(text);
}

/* Writes the municipality's phrases into the layer: the previous file goes
 * to .targets-history/, the new one replaces it in one rename. */
static int write_overrides(const editor_state *s, const char *login, char *err, size_t errlen) {
  char path[1200], tmp[1300], history[1200], kept[1400];
  snprintf(path, sizeof path, "%s/%s", s->layer, PACK_TARGETS_OVERRIDE);
  snprintf(tmp, sizeof tmp, "%s.new", path);
  snprintf(history, sizeof history, "%s/.targets-history", s->layer);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
    return -1;
  }
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  fprintf(f, "-- The municipality's own targets, written by the targets editor of 'pdmon serve'\n"
             "-- (last by %s, %s). Earlier versions are in .targets-history/.\ntargets {\n", login, stamp);
  for (size_t i = 0; i < s->n; i++) {
    if (!s->entries[i].override[0]) continue;
    fprintf(f, "  %s = ", s->entries[i].id);
    targets_editor_lua_string(f, s->entries[i].override);
    fputs(",\n", f);
  }
  fputs("}\n", f);
  if (fclose(f) != 0) {
    snprintf(err, errlen, "%s: cannot write", tmp);
    unlink(tmp);
    return -1;
  }
  if (access(path, F_OK) == 0) {
    if (mkdir(history, 0755) != 0 && errno != EEXIST) {
      snprintf(err, errlen, "%s: cannot create: %s", history, strerror(errno));
      unlink(tmp);
      return -1;
    }
    snprintf(kept, sizeof kept, "%s/targets_override-%s.lua", history, stamp);
    for (int k = 1; access(kept, F_OK) == 0 && k < 100; k++)
      snprintf(kept, sizeof kept, "%s/targets_override-%s-%d.lua", history, stamp, k);
    if (link(path, kept) != 0) {
      snprintf(err, errlen, "%s: cannot keep the previous version: %s", kept, strerror(errno));
      unlink(tmp);
      return -1;
    }
  }
  if (rename(tmp, path) != 0) {
    snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

void targets_editor_save(web_request *r) {
  editor_state *s = calloc(1, sizeof *s);
  if (!s) {
    routes_error_page(r, 500, "Недостаточно памяти.");
    return;
  }
  r->data = s;
  r->data_free = editor_free;
  if (prepare(r, s) != 0) {
    routes_audit(r, "targets", r->municipality, s->problem, "failed");
    web_respond_page(r, 409, write_form);
    return;
  }
  char changes[4096] = "", message[1400];
  size_t used = 0;
  int changed = 0;
  for (size_t i = 0; i < s->n; i++) {
    editor_entry *e = &s->entries[i];
    char name[160];
    snprintf(name, sizeof name, "t.%s", e->id);
    const char *v = web_form(r, name);
    if (!v || e->by_kind) continue;
    while (*v == ' ' || *v == '\t') v++;
    snprintf(e->submitted, sizeof e->submitted, "%s", v);
    size_t len = strlen(e->submitted);
    while (len && (e->submitted[len - 1] == ' ' || e->submitted[len - 1] == '\t' || e->submitted[len - 1] == '\r' || e->submitted[len - 1] == '\n'))
      e->submitted[--len] = '\0';
    if (!strcmp(e->submitted, e->current)) continue;
    if (!len) {
      snprintf(e->message, sizeof e->message, "a target cannot be emptied here; write the phrase of the document");
      s->refused++;
      continue;
    }
    int rc = strlen(v) > MAX_PHRASE ? 0 : targets_editor_read_phrase(e->submitted, s->year, message, sizeof message);
    if (rc != 1) {
      snprintf(e->message, sizeof e->message, "%.1000s", rc == 0 ? message : "the parser could not run");
      s->refused++;
      continue;
    }
    used += (size_t)snprintf(changes + used, used < sizeof changes ? sizeof changes - used : 0, "%s%s: «%s» -> «%s»",
                             changed ? "; " : "", e->id, e->current, e->submitted);
    if (used >= sizeof changes) used = sizeof changes - 1;
    snprintf(e->override, sizeof e->override, "%s", e->submitted);
    changed++;
  }
  if (s->refused) {
    routes_audit(r, "targets", r->municipality, "refused: a phrase does not read", "failed");
    web_respond_page(r, 422, write_form);
    return;
  }
  char err[2048];
  if (changed && write_overrides(s, r->who.login, err, sizeof err) != 0) {
    snprintf(s->problem, sizeof s->problem, "Не сохранено: %.900s", err);
    routes_audit(r, "targets", r->municipality, err, "failed");
    web_respond_page(r, 500, write_form);
    return;
  }
  cycle_ref c;
  int rejudged = 0;
  if (changed && pages_find_cycle(r, &c) == 0 && !strcmp(c.state, "run")) {
    if (cycle_run(r->db, r->options->store_path, &c, err, sizeof err) != 0) {
      snprintf(s->problem, sizeof s->problem, "Целевые значения сохранены, но цикл не пересчитан: %.900s", err);
      routes_audit(r, "targets", r->municipality, changes, "ok");
      web_respond_page(r, 500, write_form);
      return;
    }
    rejudged = 1;
  }
  size_t dl = strlen(changes);
  if (rejudged) snprintf(changes + dl, sizeof changes - dl, "; cycle %lld re-judged", c.id);
  if (changed) routes_audit(r, "targets", r->municipality, changes, "ok");
  char where[900], m[800];
  snprintf(where, sizeof where, "/m/%s/targets?saved=%d", html_url_encode(r->municipality, m, sizeof m), changed);
  web_respond_redirect(r, where);
}

/* The progressive part: each phrase is checked as it is typed. */
static const char script[] =
    "'use strict';\n"
    "document.querySelectorAll('textarea.phrase').forEach(function (input) {\n"
    "  var output = document.getElementById('m-' + input.id.slice(2)), timer = null, row = input.closest('tr');\n"
    "  input.addEventListener('input', function () {\n"
    "    clearTimeout(timer);\n"
    "    timer = setTimeout(function () {\n"
    "      fetch(location.pathname + '/check?year=' + input.dataset.year + '&phrase=' + encodeURIComponent(input.value),\n"
    "            {credentials: 'same-origin'})\n"
    "        .then(function (r) { return r.json(); })\n"
    "        .then(function (j) {\n"
    "          output.textContent = j.message;\n"
    "          row.className = j.ok ? 'met' : 'not_met';\n"
    "        });\n"
    "    }, 250);\n"
    "  });\n"
    "});\n";

void targets_editor_script(web_request *r) { web_respond_text(r, 200, "text/javascript; charset=utf-8", script); }
