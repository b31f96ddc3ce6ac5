/* lua_patterns.c: Lua's string patterns for rule code, with every matching step charged to
 * the sandbox's budget. The promises are in lua_patterns.h; the pattern language is the one
 * of the Lua 5.4 reference manual, section 6.4.1. */
#include "lua_patterns.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stddef.h>
#include <string.h>

#include "sandbox.h"
#include "i18n.h"

#define MAX_CAPTURES 32          /* as Lua's LUA_MAXCAPTURES */
#define MAX_DEPTH 200            /* nesting of the matcher, as Lua's MAXCCALLS */
#define CAPTURE_UNFINISHED (-1)
#define CAPTURE_POSITION (-2)
#define ESCAPE '%'
#define SPECIALS "^$*+?.([%-"
#define STEPS_PER_CHARGE 4096    /* steps counted before the budget is charged */

/* One matching run over a subject. */
typedef struct matcher {
  const char *src_init, *src_end, *p_end;
  lua_State *L;
  sandbox *sb;                   /* NULL outside a sandbox: nothing is charged */
  long long steps;               /* steps not yet charged */
  int depth;                     /* how much deeper the matcher may recurse */
  int level;                     /* captures open or closed so far */
  struct {
    const char *init;
    ptrdiff_t len;
  } capture[MAX_CAPTURES];
} matcher;

/* Charges the steps counted so far; raises once the budget is spent. */
static void charge(matcher *m) {
  if (m->sb && m->steps > 0 && sandbox_charge(m->sb, m->steps) != 0) {
    m->steps = 0;
    sandbox_raise_spent(m->L);
  }
  m->steps = 0;
}

/* Counts one step of matching. */
static void step(matcher *m, long long n) {
  m->steps += n;
  if (m->steps >= STEPS_PER_CHARGE) charge(m);
}

static void matcher_start(matcher *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
  m->L = L;
  m->sb = sandbox_from_lua(L);
  m->steps = 0;
  m->src_init = s;
  m->src_end = s + ls;
  m->p_end = p + lp;
  m->depth = MAX_DEPTH;
  m->level = 0;
}

/* The 0-based start of a 1-based, possibly negative position. */
static size_t start_position(lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos - 1;
  if (pos == 0) return 0;
  if (pos < -(lua_Integer)len) return 0;
  return len + (size_t)pos;
}

static int capture_to_close(matcher *m) {
  int level = m->level;
  for (level--; level >= 0; level--)
    if (m->capture[level].len == CAPTURE_UNFINISHED) return level;
  return luaL_error(m->L, _("invalid pattern capture"));
}

/* Where the single-character class starting at p ends. */
static const char *class_end(matcher *m, const char *p) {
  switch (*p++) {
  case ESCAPE:
    if (p == m->p_end) luaL_error(m->L, _("malformed pattern (ends with '%%')"));
    return p + 1;
  case '[':
    if (*p == '^') p++;
    do {
      if (p == m->p_end) luaL_error(m->L, _("malformed pattern (missing ']')"));
      if (*(p++) == ESCAPE && p < m->p_end) p++;
    } while (*p != ']');
    return p + 1;
  default:
    return p;
  }
}

/* Whether character c is in class cl (a letter after '%'). */
static int match_class(int c, int cl) {
  int res;
  switch (tolower(cl)) {
  case 'a': res = isalpha(c); break;
  case 'c': res = iscntrl(c); break;
  case 'd': res = isdigit(c); break;
  case 'g': res = isgraph(c); break;
  case 'l': res = islower(c); break;
  case 'p': res = ispunct(c); break;
  case 's': res = isspace(c); break;
  case 'u': res = isupper(c); break;
  case 'w': res = isalnum(c); break;
  case 'x': res = isxdigit(c); break;
  case 'z': res = c == 0; break; /* deprecated, but Lua 5.4 still has it */
  default: return cl == c;
  }
  if (isupper(cl)) res = !res;
  return res != 0;
}

/* Whether c is in the set [p .. ec], p at '[' and ec at its ']'. */
static int match_bracket_class(int c, const char *p, const char *ec) {
  int sig = 1;
  if (*(p + 1) == '^') {
    sig = 0;
    p++;
  }
  while (++p < ec) {
    if (*p == ESCAPE) {
      p++;
      if (match_class(c, (unsigned char)*p)) return sig;
    } else if (*(p + 1) == '-' && (p + 2 < ec)) {
      p += 2;
      if ((unsigned char)*(p - 2) <= c && c <= (unsigned char)*p) return sig;
    } else if ((unsigned char)*p == c) {
      return sig;
    }
  }
  return !sig;
}

static int single_match(matcher *m, const char *s, const char *p, const char *ep) {
  if (s >= m->src_end) return 0;
  int c = (unsigned char)*s;
  switch (*p) {
  case '.': return 1;
  case ESCAPE: return match_class(c, (unsigned char)*(p + 1));
  case '[': return match_bracket_class(c, p, ep - 1);
  default: return (unsigned char)*p == c;
  }
}

static const char *match(matcher *m, const char *s, const char *p);

/* %bxy: a balanced run from x to its matching y. */
static const char *match_balance(matcher *m, const char *s, const char *p) {
  if (p >= m->p_end - 1) luaL_error(m->L, _("malformed pattern (missing arguments to '%%b')"));
  if (*s != *p) return NULL;
  int b = *p, e = *(p + 1), cont = 1;
  while (++s < m->src_end) {
    step(m, 1);
    if (*s == e) {
      if (--cont == 0) return s + 1;
    } else if (*s == b) {
      cont++;
    }
  }
  return NULL;
}

/* The longest run of the class that lets the rest match (x*, x+). */
static const char *max_expand(matcher *m, const char *s, const char *p, const char *ep) {
  ptrdiff_t i = 0;
  while (single_match(m, s + i, p, ep)) {
    i++;
    step(m, 1);
  }
  while (i >= 0) {
    const char *res = match(m, s + i, ep + 1);
    if (res) return res;
    i--;
  }
  return NULL;
}

/* The shortest run of the class that lets the rest match (x-). */
static const char *min_expand(matcher *m, const char *s, const char *p, const char *ep) {
  for (;;) {
    const char *res = match(m, s, ep + 1);
    if (res != NULL) return res;
    if (!single_match(m, s, p, ep)) return NULL;
    s++;
  }
}

static const char *start_capture(matcher *m, const char *s, const char *p, int what) {
  if (m->level >= MAX_CAPTURES) luaL_error(m->L, _("too many captures"));
  m->capture[m->level].init = s;
  m->capture[m->level].len = what;
  m->level++;
  const char *res = match(m, s, p);
  if (res == NULL) m->level--; /* undo the capture */
  return res;
}

static const char *end_capture(matcher *m, const char *s, const char *p) {
  int l = capture_to_close(m);
  m->capture[l].len = s - m->capture[l].init;
  const char *res = match(m, s, p);
  if (res == NULL) m->capture[l].len = CAPTURE_UNFINISHED;
  return res;
}

static int check_capture(matcher *m, int l) {
  l -= '1';
  if (l < 0 || l >= m->level || m->capture[l].len == CAPTURE_UNFINISHED)
    return luaL_error(m->L, _("invalid capture index %%%d"), l + 1);
  return l;
}

/* %1..%9: the text of an earlier capture, again. */
static const char *match_capture(matcher *m, const char *s, int l) {
  l = check_capture(m, l);
  size_t len = (size_t)m->capture[l].len; /* a position capture is huge here and never matches, as in Lua */
  step(m, m->capture[l].len >= 0 ? (long long)len / 16 + 1 : 1);
  if ((size_t)(m->src_end - s) >= len && memcmp(m->capture[l].init, s, len) == 0) return s + len;
  return NULL;
}

/* The matcher proper: returns where the match of p at s ends, or NULL.
 * Tail positions loop instead of recursing, as Lua's does. */
static const char *match(matcher *m, const char *s, const char *p) {
  if (m->depth-- == 0) luaL_error(m->L, _("pattern too complex"));
  step(m, 1);
  while (p != m->p_end) {
    switch (*p) {
    case '(':
      s = *(p + 1) == ')' ? start_capture(m, s, p + 2, CAPTURE_POSITION) : start_capture(m, s, p + 1, CAPTURE_UNFINISHED);
      goto done;
    case ')':
      s = end_capture(m, s, p + 1);
      goto done;
    case '$':
      if (p + 1 != m->p_end) goto dflt;
      s = s == m->src_end ? s : NULL;
      goto done;
    case ESCAPE:
      switch (*(p + 1)) {
      case 'b':
        s = match_balance(m, s, p + 2);
        if (s != NULL) {
          p += 4;
          continue;
        }
        goto done;
      case 'f': {
        p += 2;
        if (*p != '[') luaL_error(m->L, _("missing '[' after '%%f' in pattern"));
        const char *ep = class_end(m, p);
        int previous = s == m->src_init ? '\0' : (unsigned char)*(s - 1);
        int current = s < m->src_end ? (unsigned char)*s : '\0';
        if (!match_bracket_class(previous, p, ep - 1) && match_bracket_class(current, p, ep - 1)) {
          p = ep;
          continue;
        }
        s = NULL;
        goto done;
      }
      case '0': case '1': case '2': case '3': case '4':
      case '5': case '6': case '7': case '8': case '9':
        s = match_capture(m, s, (unsigned char)*(p + 1));
        if (s != NULL) {
          p += 2;
          continue;
        }
        goto done;
      default:
        goto dflt;
      }
    default:
    dflt: {
      const char *ep = class_end(m, p);
      if (!single_match(m, s, p, ep)) {
        if (*ep == '*' || *ep == '?' || *ep == '-') {
          p = ep + 1; /* accept the empty match */
          continue;
        }
        s = NULL;
      } else {
        switch (*ep) {
        case '?': {
          const char *res = match(m, s + 1, ep + 1);
          if (res != NULL) {
            s = res;
          } else {
            p = ep + 1;
            continue;
          }
          break;
        }
        case '+':
          s = max_expand(m, s + 1, p, ep);
          break;
        case '*':
          s = max_expand(m, s, p, ep);
          break;
        case '-':
          s = min_expand(m, s, p, ep);
          break;
        default:
          s++;
          p = ep;
          step(m, 1);
          continue;
        }
      }
      goto done;
    }
    }
  }
done:
  m->depth++;
  return s;
}

/* Pushes capture i, or the whole match [s, e) when there is no capture
 * and i is 0; returns its length (CAPTURE_POSITION for a position). */
static size_t get_capture(matcher *m, int i, const char *s, const char *e, const char **cap) {
  if (i >= m->level) {
    if (i != 0) luaL_error(m->L, _("invalid capture index %%%d"), i + 1);
    *cap = s;
    return (size_t)(e - s);
  }
  ptrdiff_t len = m->capture[i].len;
  *cap = m->capture[i].init;
  if (len == CAPTURE_UNFINISHED) luaL_error(m->L, _("unfinished capture"));
  if (len == CAPTURE_POSITION) lua_pushinteger(m->L, (m->capture[i].init - m->src_init) + 1);
  return (size_t)len;
}

static void push_capture(matcher *m, int i, const char *s, const char *e) {
  const char *cap;
  ptrdiff_t l = (ptrdiff_t)get_capture(m, i, s, e, &cap);
  if (l != CAPTURE_POSITION) lua_pushlstring(m->L, cap, (size_t)l);
}

static int push_captures(matcher *m, const char *s, const char *e) {
  int n = (m->level == 0 && s) ? 1 : m->level;
  luaL_checkstack(m->L, n, "too many captures");
  for (int i = 0; i < n; i++) push_capture(m, i, s, e);
  return n;
}

/* A plain search of needle in haystack: a step per candidate position,
 * per 64 bytes scanned and per 16 bytes compared. */
static const char *find_plain(matcher *m, const char *s, size_t ls, const char *needle, size_t ln) {
  if (ln == 0) return s;
  if (ln > ls) return NULL;
  const char *end = s + (ls - ln) + 1;
  while (s < end) {
    const char *hit = memchr(s, *needle, (size_t)(end - s));
    step(m, (long long)((hit ? hit : end) - s) / 64 + 1);
    if (!hit) return NULL;
    step(m, (long long)ln / 16 + 1);
    if (memcmp(hit + 1, needle + 1, ln - 1) == 0) return hit;
    s = hit + 1;
  }
  return NULL;
}

static int has_specials(const char *p, size_t l) {
  size_t upto = 0;
  do {
    if (strpbrk(p + upto, SPECIALS)) return 1;
    upto += strlen(p + upto) + 1; /* patterns may hold NULs */
  } while (upto <= l);
  return 0;
}

/* string.find and string.match. */
static int find_aux(lua_State *L, int find) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = start_position(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  matcher m;
  matcher_start(&m, L, s, ls, p, lp);
  if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
    const char *hit = find_plain(&m, s + init, ls - init, p, lp);
    charge(&m);
    if (hit) {
      lua_pushinteger(L, (hit - s) + 1);
      lua_pushinteger(L, (lua_Integer)((hit - s) + (ptrdiff_t)lp));
      return 2;
    }
  } else {
    const char *s1 = s + init;
    int anchor = *p == '^';
    if (anchor) p++;
    do {
      m.level = 0;
      m.depth = MAX_DEPTH;
      const char *e = match(&m, s1, p);
      if (e != NULL) {
        charge(&m);
        if (find) {
          lua_pushinteger(L, (s1 - s) + 1);
          lua_pushinteger(L, e - s);
          return push_captures(&m, NULL, 0) + 2;
        }
        return push_captures(&m, s1, e);
      }
    } while (s1++ < m.src_end && !anchor);
    charge(&m);
  }
  luaL_pushfail(L);
  return 1;
}

static int bounded_find(lua_State *L) { return find_aux(L, 1); }
static int bounded_match(lua_State *L) { return find_aux(L, 0); }

/* The state of one gmatch loop, kept in a userdata upvalue. */
typedef struct gmatch_state {
  const char *src, *p, *lastmatch;
  matcher m;
} gmatch_state;

static int gmatch_next(lua_State *L) {
  gmatch_state *g = lua_touserdata(L, lua_upvalueindex(3));
  g->m.L = L;
  for (const char *src = g->src; src <= g->m.src_end; src++) {
    g->m.level = 0;
    g->m.depth = MAX_DEPTH;
    const char *e = match(&g->m, src, g->p);
    if (e != NULL && e != g->lastmatch) {
      g->src = g->lastmatch = e;
      charge(&g->m);
      return push_captures(&g->m, src, e);
    }
  }
  charge(&g->m);
  return 0;
}

static int bounded_gmatch(lua_State *L) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = start_position(luaL_optinteger(L, 3, 1), ls);
  lua_settop(L, 2); /* the strings stay alive as upvalues */
  gmatch_state *g = lua_newuserdatauv(L, sizeof *g, 0);
  if (init > ls) init = ls + 1; /* start after the end: no match */
  matcher_start(&g->m, L, s, ls, p, lp);
  g->src = s + init;
  g->p = p;
  g->lastmatch = NULL;
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

/* Appends the replacement string (with %0..%9 and %%) for one match. */
static void add_string(matcher *m, luaL_Buffer *b, const char *s, const char *e) {
  size_t l;
  lua_State *L = m->L;
  const char *news = lua_tolstring(L, 3, &l);
  const char *p;
  while ((p = memchr(news, ESCAPE, l)) != NULL) {
    luaL_addlstring(b, news, (size_t)(p - news));
    p++;
    if (*p == ESCAPE) {
      luaL_addchar(b, *p);
    } else if (*p == '0') {
      luaL_addlstring(b, s, (size_t)(e - s));
    } else if (isdigit((unsigned char)*p)) {
      const char *cap;
      ptrdiff_t resl = (ptrdiff_t)get_capture(m, *p - '1', s, e, &cap);
      if (resl == CAPTURE_POSITION) luaL_addvalue(b);
      else luaL_addlstring(b, cap, (size_t)resl);
    } else {
      luaL_error(L, _("invalid use of '%c' in replacement string"), ESCAPE);
    }
    l -= (size_t)(p + 1 - news);
    news = p + 1;
    step(m, 1);
  }
  luaL_addlstring(b, news, l);
}

/* Appends the replacement for one match from a table or a function;
 * returns 1 when it replaced, 0 when the match is kept. */
static int add_value(matcher *m, luaL_Buffer *b, const char *s, const char *e, int tr) {
  lua_State *L = m->L;
  if (tr == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    int n = push_captures(m, s, e);
    lua_call(L, n, 1);
  } else {
    push_capture(m, 0, s, e);
    lua_gettable(L, 3);
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s));
    return 0;
  }
  if (!lua_isstring(L, -1)) return luaL_error(L, _("invalid replacement value (a %s)"), luaL_typename(L, -1));
  luaL_addvalue(b);
  return 1;
}

static int bounded_gsub(lua_State *L) {
  size_t srcl, lp;
  const char *src = luaL_checklstring(L, 1, &srcl);
  const char *p = luaL_checklstring(L, 2, &lp);
  const char *lastmatch = NULL;
  int tr = lua_type(L, 3);
  lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
  int anchor = *p == '^';
  lua_Integer n = 0;
  int changed = 0;
  luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                   "string/function/table");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  if (anchor) {
    p++;
    lp--;
  }
  matcher m;
  matcher_start(&m, L, src, srcl, p, lp);
  while (n < max_s) {
    m.level = 0;
    m.depth = MAX_DEPTH;
    const char *e = match(&m, src, p);
    if (e != NULL && e != lastmatch) {
      n++;
      if (tr == LUA_TNUMBER || tr == LUA_TSTRING) {
        add_string(&m, &b, src, e);
        changed = 1;
      } else {
        changed = add_value(&m, &b, src, e, tr) | changed;
      }
      src = lastmatch = e;
    } else if (src < m.src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
  }
  charge(&m);
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&b, src, (size_t)(m.src_end - src));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

/* string.rep: Lua's, except that a result of no bytes returns at once
 * (Lua's loops n times copying nothing), and the copying is charged once
 * it is done (a result past the memory cap fails as running out of
 * memory before that). */
static int bounded_rep(lua_State *L) {
  size_t l, lsep;
  luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || (l == 0 && lsep == 0)) {
    lua_pushliteral(L, "");
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  sandbox *sb = sandbox_from_lua(L);
  if (sb && sandbox_charge(sb, (long long)(lua_rawlen(L, -1) / 64) + 1) != 0) return sandbox_raise_spent(L);
  return 1;
}

/* table.move: Lua's, with each element moved charged as a step, so that
 * table.move({}, 1, 1 << 62, 2) stops with the budget. */
static int bounded_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
  sandbox *sb = sandbox_from_lua(L);
  if (sb && e >= f) {
    lua_Unsigned count = (lua_Unsigned)e - (lua_Unsigned)f;
    if (count >= (1ull << 40) || sandbox_charge(sb, (long long)count + 1) != 0) return sandbox_raise_spent(L);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

void lua_patterns_install(lua_State *L, int string_table) {
  string_table = lua_absindex(L, string_table);
  static const luaL_Reg bounded[] = {{"find", bounded_find}, {"match", bounded_match}, {"gmatch", bounded_gmatch},
                                     {"gsub", bounded_gsub}, {NULL, NULL}};
  for (const luaL_Reg *f = bounded; f->name; f++) {
    lua_pushcfunction(L, f->func);
    lua_setfield(L, string_table, f->name);
  }
  lua_getfield(L, string_table, "rep");
  lua_pushcclosure(L, bounded_rep, 1);
  lua_setfield(L, string_table, "rep");
}

void lua_patterns_install_table(lua_State *L, int table_table) {
  table_table = lua_absindex(L, table_table);
  lua_getfield(L, table_table, "move");
  lua_pushcclosure(L, bounded_move, 1);
  lua_setfield(L, table_table, "move");
}
