/* rule_view.c: the connection through which rule code reads the store. The promises are in
 * rule_view.h. */
#include "rule_view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "store.h"

/* The tables rules may read and how a row of each belongs to a
 * municipality: rows_of selects one municipality's rows (?1) from the
 * attached store "src"; others tells whether the store holds rows of
 * another one (NULL where ownership follows from the organization). A new
 * entity table that rules should see is added here, and only here. */
static const struct rule_table {
  const char *name;
  const char *rows_of;
  const char *others;
} rule_tables[] = {
  {"organization", "SELECT * FROM src.organization WHERE municipality = ?1",
   "SELECT EXISTS (SELECT 1 FROM main.organization WHERE municipality <> ?1)"},
  /* a worker belongs to every municipality they were employed in, with
   * their activities; only the employment spans in it are copied */
  {"staff", "SELECT s.* FROM src.staff s WHERE s.id IN (SELECT e.staff_id FROM src.employment e"
            " JOIN src.organization o ON o.id = e.organization_id WHERE o.municipality = ?1)", NULL},
  {"employment", "SELECT e.* FROM src.employment e JOIN src.organization o ON o.id = e.organization_id"
                 " WHERE o.municipality = ?1", NULL},
  {"activity", "SELECT a.* FROM src.activity a WHERE a.staff_id IN (SELECT e.staff_id FROM src.employment e"
               " JOIN src.organization o ON o.id = e.organization_id WHERE o.municipality = ?1)", NULL},
  {"community", "SELECT * FROM src.community WHERE municipality = ?1",
   "SELECT EXISTS (SELECT 1 FROM main.community WHERE municipality <> ?1)"},
  /* a municipality's events, and who took part in them */
  {"event", "SELECT * FROM src.event WHERE municipality = ?1",
   "SELECT EXISTS (SELECT 1 FROM main.event WHERE municipality <> ?1)"},
  {"participation", "SELECT p.* FROM src.participation p WHERE p.event_id IN"
                    " (SELECT id FROM src.event WHERE municipality = ?1)", NULL},
  {"registry_member", "SELECT r.* FROM src.registry_member r WHERE r.staff_id IN (SELECT e.staff_id"
                      " FROM src.employment e JOIN src.organization o ON o.id = e.organization_id"
                      " WHERE o.municipality = ?1)", NULL},
  {"document", "SELECT * FROM src.document WHERE municipality = ?1",
   "SELECT EXISTS (SELECT 1 FROM main.document WHERE municipality <> ?1)"},
  {"measure", "SELECT * FROM src.measure WHERE municipality = ?1",
   "SELECT EXISTS (SELECT 1 FROM main.measure WHERE municipality <> ?1)"},
};
#define N_RULE_TABLES (sizeof rule_tables / sizeof rule_tables[0])

static const char *const table_names[] = {"organization", "staff", "employment", "activity", "community",
                                          "document", "event", "participation", "registry_member", "measure",
                                          "partner", "partner_employment", NULL};

/* The rules' view of mentoring partners: every worker the municipality's
 * own activity and registry rows name as partner (a mentee's mentor), with
 * their employment spans, wherever
 * that worker is employed. A head mentored by a head of another
 * municipality is mentored all the same (seed 001 counts the mentee), so a
 * municipality's figure does not change with whether the store holds one
 * municipality or the region; no other worker of another municipality
 * becomes visible. On a view that reads the store itself they are simply
 * its staff and spans. */
static const char partner_views[] =
    "CREATE TEMP VIEW partner AS SELECT * FROM main.staff;"
    "CREATE TEMP VIEW partner_employment AS SELECT * FROM main.employment;";
static const char partner_copy[] =
    "CREATE TABLE main.partner AS SELECT p.* FROM src.staff p"
    " WHERE p.id IN (SELECT partner_id FROM main.activity WHERE partner_id IS NOT NULL"
    "                UNION SELECT partner_id FROM main.registry_member WHERE partner_id IS NOT NULL);"
    "CREATE UNIQUE INDEX main.partner_by_id ON partner(id);"
    "CREATE TABLE main.partner_employment AS SELECT e.* FROM src.employment e"
    " WHERE e.staff_id IN (SELECT id FROM main.partner);"
    "CREATE INDEX main.partner_employment_by_staff ON partner_employment(staff_id, from_date);";

/* 1 for the views of partners open_partner_views made in temp (rules create nothing). */
static int is_partner_view(const char *database, const char *table) {
  return database && strcmp(database, "temp") == 0 && table &&
         (sqlite3_stricmp(table, "partner") == 0 || sqlite3_stricmp(table, "partner_employment") == 0);
}

/* SQL functions rule code may call: SQLite's scalar, aggregate, window,
 * date and JSON functions that compute from their arguments. Left out on
 * purpose: fts3_tokenizer (hands out a library address), load_extension,
 * sqlite_offset and the compile-option probes, randomblob and zeroblob
 * (memory for nothing), and anything not known here. */
static const char *const allowed_functions[] = {
  "abs", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif", "instr",
  "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length",
  "printf", "quote", "random", "replace", "round", "rtrim", "sign", "soundex", "substr", "substring",
  "trim", "typeof", "unhex", "unicode", "unlikely", "upper", "sqlite_version",
  "avg", "count", "group_concat", "string_agg", "sum", "total",
  "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
  "first_value", "last_value", "nth_value",
  "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff", "current_date",
  "current_time", "current_timestamp",
  "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh",
  "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians",
  "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
  "json", "json_array", "json_array_length", "json_extract", "json_insert", "json_object",
  "json_patch", "json_quote", "json_remove", "json_replace", "json_set", "json_type", "json_valid",
  "json_group_array", "json_group_object", "->", "->>",
  /* pdmon's own, which the stdlib's SQL calls (lua_store registers them) */
  "pdmon_fold", "pdmon_matches", "pdmon_tally", "pdmon_bits",
  NULL};

/* Pragmas that describe a table's columns; allowed on rule tables only. */
static const char *const allowed_pragmas[] = {"table_info", "table_xinfo", "index_list", "index_info",
                                              "foreign_key_list", NULL};

/* Longest single value and statement rule SQL may build, and the longest
 * LIKE pattern: long enough for any real query, short enough that one
 * function call on one value stays cheap. */
#define RULE_VALUE_LIMIT (10 * 1000 * 1000)
#define RULE_SQL_LIMIT (1000 * 1000)
#define RULE_LIKE_PATTERN_LIMIT 1000

struct rule_view {
  sqlite3 *db;
  char municipality[256];
  char refusal[512];   /* what the authorizer last refused, "" when nothing */
  int pinned;          /* reads the store itself inside one explicit transaction */
  long long rows;      /* about how many rows the rule tables hold */
  char **schema;       /* names of every table and view of the connection, for reads that name no column */
  size_t nschema;
};

static int in_list(const char *const *list, const char *name) {
  if (!name) return 0;
  for (size_t i = 0; list[i]; i++)
    if (sqlite3_stricmp(list[i], name) == 0) return 1;
  return 0;
}

/* Keeps the reason of a refusal for rule_view_prepare; returns SQLITE_DENY. */
static int refuse(rule_view *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(rule_view *v, const char *fmt, ...) {
  if (v->refusal[0]) return SQLITE_DENY; /* the first refusal is the reason */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->refusal, sizeof v->refusal, fmt, ap);
  va_end(ap);
  return SQLITE_DENY;
}

/* 1 when name is a table or view of the connection (or SQLite's own). */
static int is_schema_name(const rule_view *v, const char *name) {
  if (!name || sqlite3_strnicmp(name, "sqlite_", 7) == 0) return 1;
  for (size_t i = 0; i < v->nschema; i++)
    if (sqlite3_stricmp(v->schema[i], name) == 0) return 1;
  return 0;
}

/* The authorizer of every rule connection: see rule_view.h. A read names
 * the real table it reads whatever view or CTE it goes through (and no
 * database at all for a bare count(*)), so the check is on that name. */
static int rules_authorizer(void *ud, int action, const char *a1, const char *a2, const char *database,
                            const char *inner) {
  rule_view *v = ud;
  (void)inner;
  switch (action) {
  case SQLITE_SELECT:
  case SQLITE_RECURSIVE:
    return SQLITE_OK;
  case SQLITE_READ:
    if (database && strcmp(database, "main") != 0 && !is_partner_view(database, a1))
      return refuse(v, _("rules may not read the '%s' database; they read only their municipality's tables"), database);
    /* a read that names no column (count(*)) names the FROM item as
     * written: a real table, or a CTE, which is the rule's own */
    if (!database && a2 && !a2[0] && !in_list(table_names, a1) && !is_schema_name(v, a1)) return SQLITE_OK;
    if (!in_list(table_names, a1))
      return refuse(v, _("rules may not read %s; they read only organization, staff, employment, activity,"
                       " community, document, event, participation, registry_member, measure, partner and"
                       " partner_employment"), a1 ? a1 : "?");
    return SQLITE_OK;
  case SQLITE_FUNCTION:
    if (!in_list(allowed_functions, a2)) return refuse(v, _("rules may not call the SQL function %s"), a2 ? a2 : "?");
    return SQLITE_OK;
  case SQLITE_PRAGMA:
    if (!in_list(allowed_pragmas, a1)) return refuse(v, _("rules may not use PRAGMA %s"), a1 ? a1 : "?");
    if (!in_list(table_names, a2)) return refuse(v, _("rules may describe only the rule tables, not %s"), a2 ? a2 : "(none)");
    return SQLITE_OK;
  case SQLITE_ATTACH:
  case SQLITE_DETACH:
    return refuse(v, _("rules may not %s databases"), action == SQLITE_ATTACH ? "attach" : "detach");
  case SQLITE_TRANSACTION:
  case SQLITE_SAVEPOINT:
    return refuse(v, _("rules may not begin or end transactions"));
  case SQLITE_UPDATE:
    if (a1 && (sqlite3_stricmp(a1, "sqlite_master") == 0 || sqlite3_stricmp(a1, "sqlite_temp_master") == 0))
      /* what SQLite asks when a query opens a virtual table (pragma_*, dbstat, json_each) */
      return refuse(v, _("rules may not use virtual or table-valued tables (pragma_..., dbstat, json_each)"));
    return refuse(v, _("rules may only read: writing to %s is not allowed"), a1 ? a1 : _("the store"));
  case SQLITE_INSERT:
  case SQLITE_DELETE:
    return refuse(v, _("rules may only read: writing to %s is not allowed"), a1 ? a1 : "the store");
  default:
    return refuse(v, _("rules may only read: writing to or changing the store is not allowed"));
  }
}

/* Limits every rule connection runs under. */
static void limit_connection(sqlite3 *db) {
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH, RULE_VALUE_LIMIT);
  sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, RULE_SQL_LIMIT);
  sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, RULE_LIKE_PATTERN_LIMIT);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
}

/* Reads one integer of a one-row query, or fallback. */
static long long query_integer(sqlite3 *db, const char *sql, const char *param, long long fallback) {
  sqlite3_stmt *st;
  long long v = fallback;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return fallback;
  if (param) sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

int rule_view_store_municipality(sqlite3 *db, char *buf, size_t buflen, char *err, size_t errlen) {
  buf[0] = '\0';
  if (store_meta_get(db, "municipality", buf, buflen) == 0 && buf[0]) return 0;
  sqlite3_stmt *st;
  const char *sql = "SELECT municipality FROM organization UNION SELECT municipality FROM community"
                    " UNION SELECT municipality FROM document UNION SELECT municipality FROM measure"
                    " ORDER BY 1 LIMIT 6";
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "store: %s", sqlite3_errmsg(db));
    return -1;
  }
  char names[512] = "";
  int n = 0;
  size_t o = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *m = (const char *)sqlite3_column_text(st, 0);
    if (n++ == 0) snprintf(buf, buflen, "%s", m);
    if (o < sizeof names) o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", o ? ", " : "", n <= 5 ? m : "...");
  }
  sqlite3_finalize(st);
  if (n == 1) return 0;
  buf[0] = '\0';
  if (n == 0)
    snprintf(err, errlen, _("the store holds no municipality yet; set one with 'pdmon init --municipality CODE'"));
  else
    snprintf(err, errlen, _("the store holds several municipalities (%s) and none is its own; say whose rows"
                          " to evaluate with 'pdmon init --municipality CODE'"), names);
  return -1;
}

/* Frees a view whose connection may be half set up. */
static void discard(rule_view *v) {
  if (!v) return;
  sqlite3_close_v2(v->db);
  for (size_t i = 0; i < v->nschema; i++) free(v->schema[i]);
  free(v->schema);
  free(v);
}

/* Lists the names of every table and view of the connection (main and
 * temp), before the authorizer is installed. */
static void list_schema(rule_view *v) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(v->db, "SELECT name FROM main.sqlite_schema WHERE type IN ('table', 'view')"
                                " UNION SELECT name FROM temp.sqlite_schema WHERE type IN ('table', 'view')",
                         -1, &st, NULL) != SQLITE_OK)
    return;
  while (sqlite3_step(st) == SQLITE_ROW) {
    char **grown = realloc(v->schema, (v->nschema + 1) * sizeof *grown);
    char *name = grown ? strdup((const char *)sqlite3_column_text(st, 0)) : NULL;
    if (grown) v->schema = grown;
    if (!name) break;
    v->schema[v->nschema++] = name;
  }
  sqlite3_finalize(st);
}

/* A view belongs to one evaluation, which runs in one thread: its
 * connection goes without SQLite's per-connection mutex (the library is
 * built serialized, and the mutex is taken at every step and every column
 * read: 1.5% of an evaluation's instructions). */
#define VIEW_OPEN_FLAGS SQLITE_OPEN_NOMUTEX

/* Opens the store itself read-only and pins one snapshot: an explicit
 * transaction whose first read fixes what every later statement sees. */
static int open_pinned(const char *path, rule_view *v, char *err, size_t errlen) {
  if (sqlite3_open_v2(path, &v->db, SQLITE_OPEN_READONLY | VIEW_OPEN_FLAGS, NULL) != SQLITE_OK) {
    snprintf(err, errlen, _("%s: cannot open store read-only: %s"), path,
             v->db ? sqlite3_errmsg(v->db) : _("out of memory"));
    return -1;
  }
  store_set_busy_wait(v->db);
  char inner[512];
  if (store_exec(v->db, "BEGIN", inner, sizeof inner) != 0 ||
      query_integer(v->db, "PRAGMA user_version", NULL, -1) != store_schema_version()) {
    snprintf(err, errlen, _("%s: store schema is not current (run 'pdmon init')"), path);
    return -1;
  }
  v->pinned = 1;
  return 0;
}

/* 1 when the pinned store holds rows of a municipality other than m. */
static int holds_others(sqlite3 *db, const char *m) {
  for (size_t i = 0; i < N_RULE_TABLES; i++)
    if (rule_tables[i].others && query_integer(db, rule_tables[i].others, m, 1) != 0) return 1;
  return 0;
}

/* Writes path as an SQLite URI opening it read-only. */
static int uri_of(const char *path, char *buf, size_t buflen) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = (size_t)snprintf(buf, buflen, "file:");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (o + 4 >= buflen) return -1;
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("/._-~", *p)) {
      buf[o++] = (char)*p;
    } else {
      buf[o++] = '%';
      buf[o++] = hex[*p >> 4];
      buf[o++] = hex[*p & 15];
    }
  }
  if (o + 9 >= buflen) return -1;
  memcpy(buf + o, "?mode=ro", 9);
  return 0;
}

/* Runs sql with ?1 bound to text (may be NULL: no parameter). */
static int exec_bound(sqlite3 *db, const char *sql, const char *text, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    return -1;
  }
  if (text) sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
  if (rc != SQLITE_DONE) snprintf(err, errlen, "%s", sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Creates table (and its indexes) in main as the store defines it, and
 * copies municipality's rows into it. */
static int copy_table(sqlite3 *db, const struct rule_table *t, const char *municipality, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT sql FROM src.sqlite_schema WHERE tbl_name = ?1 AND sql IS NOT NULL"
                             " ORDER BY type = 'index'", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
  int rc = 0, first = 1;
  while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
    rc = exec_bound(db, (const char *)sqlite3_column_text(st, 0), NULL, err, errlen);
    if (rc == 0 && first) {
      char *insert = sqlite3_mprintf("INSERT INTO main.%s %s", t->name, t->rows_of);
      rc = insert ? exec_bound(db, insert, municipality, err, errlen) : -1;
      sqlite3_free(insert);
    }
    first = 0;
  }
  sqlite3_finalize(st);
  if (rc == 0 && first) {
    snprintf(err, errlen, _("the store has no table %s"), t->name);
    rc = -1;
  }
  return rc;
}

/* Fills a private temporary database with municipality's rows, read in
 * one snapshot of the store, then detaches the store for good. */
static int open_copy(const char *path, const char *municipality, rule_view *v, char *err, size_t errlen) {
  char uri[8192], inner[512];
  if (uri_of(path, uri, sizeof uri) != 0) {
    snprintf(err, errlen, _("%s: path too long"), path);
    return -1;
  }
  if (sqlite3_open_v2("", &v->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | VIEW_OPEN_FLAGS, NULL) !=
      SQLITE_OK) {
    snprintf(err, errlen, _("cannot create the rules' private database: %s"), v->db ? sqlite3_errmsg(v->db) : _("out of memory"));
    return -1;
  }
  store_set_busy_wait(v->db);
  int rc = exec_bound(v->db, "ATTACH DATABASE ?1 AS src", uri, inner, sizeof inner);
  if (rc == 0) rc = store_exec(v->db, "BEGIN", inner, sizeof inner);
  if (rc == 0 && query_integer(v->db, "PRAGMA src.user_version", NULL, -1) != store_schema_version()) {
    snprintf(inner, sizeof inner, _("store schema is not current (run 'pdmon init')"));
    rc = -1;
  }
  for (size_t i = 0; rc == 0 && i < N_RULE_TABLES; i++)
    rc = copy_table(v->db, &rule_tables[i], municipality, inner, sizeof inner);
  if (rc == 0) rc = store_exec(v->db, partner_copy, inner, sizeof inner);
  if (rc == 0) rc = store_exec(v->db, "COMMIT; DETACH DATABASE src; PRAGMA analysis_limit = 1000; ANALYZE;"
                                      " PRAGMA query_only = 1;", inner, sizeof inner);
  if (rc != 0) snprintf(err, errlen, _("%s: cannot prepare the rules' view of %s: %s"), path, municipality, inner);
  return rc;
}

/* On a view that reads the store itself, partners are its staff and spans. */
static int open_partner_views(const char *path, rule_view *v, char *err, size_t errlen) {
  char inner[512];
  if (store_exec(v->db, partner_views, inner, sizeof inner) == 0) return 0;
  snprintf(err, errlen, _("%s: cannot prepare the rules' view of partners: %s"), path, inner);
  return -1;
}

/* About how many rows the rule tables hold: the largest rowid of each (a
 * lookup in the b-tree, not a scan), which imports only append to. */
static long long count_rows(sqlite3 *db) {
  long long rows = 0;
  for (size_t i = 0; i < N_RULE_TABLES; i++) {
    char *sql = sqlite3_mprintf("SELECT coalesce(max(rowid), 0) FROM main.%s", rule_tables[i].name);
    long long n = sql ? query_integer(db, sql, NULL, 0) : 0;
    sqlite3_free(sql);
    if (n > 0) rows += n;
  }
  return rows;
}

/* Finishes a view: its size, limits, authorizer. */
static void seal(rule_view *v) {
  v->rows = count_rows(v->db);
  list_schema(v);
  limit_connection(v->db);
  sqlite3_set_authorizer(v->db, rules_authorizer, v);
}

int rule_view_open(const char *path, const char *municipality, rule_view **out, char *err, size_t errlen) {
  *out = NULL;
  rule_view *v = calloc(1, sizeof *v);
  if (!v) {
    snprintf(err, errlen, _("out of memory"));
    return -1;
  }
  if (open_pinned(path, v, err, errlen) != 0) {
    discard(v);
    return -1;
  }
  if (!municipality) {
    char inner[1024];
    if (rule_view_store_municipality(v->db, v->municipality, sizeof v->municipality, inner, sizeof inner) != 0) {
      snprintf(err, errlen, "%s: %s", path, inner);
      discard(v);
      return -1;
    }
  } else {
    snprintf(v->municipality, sizeof v->municipality, "%s", municipality);
  }
  if (holds_others(v->db, v->municipality)) {
    sqlite3_close_v2(v->db);
    v->db = NULL;
    v->pinned = 0;
    if (open_copy(path, v->municipality, v, err, errlen) != 0) {
      discard(v);
      return -1;
    }
  } else if (open_partner_views(path, v, err, errlen) != 0) {
    discard(v);
    return -1;
  }
  seal(v);
  *out = v;
  return 0;
}

int rule_view_open_all(const char *path, rule_view **out, char *err, size_t errlen) {
  *out = NULL;
  rule_view *v = calloc(1, sizeof *v);
  if (!v) {
    snprintf(err, errlen, _("out of memory"));
    return -1;
  }
  if (open_pinned(path, v, err, errlen) != 0 || open_partner_views(path, v, err, errlen) != 0) {
    discard(v);
    return -1;
  }
  seal(v);
  *out = v;
  return 0;
}

sqlite3 *rule_view_db(rule_view *v) { return v->db; }

const char *rule_view_municipality(const rule_view *v) { return v->municipality; }

long long rule_view_rows(const rule_view *v) { return v->rows; }

#define STEPS_PER_ROW 5000

long long rule_view_budget(const rule_view *v) { return v->rows * STEPS_PER_ROW; }

int rule_view_prepare(rule_view *v, const char *sql, sqlite3_stmt **st, char *err, size_t errlen) {
  v->refusal[0] = '\0';
  if (v->pinned && sqlite3_get_autocommit(v->db)) {
    /* an interrupted statement ended the snapshot: reading on could mix
     * rows imported since, so this view reads no more */
    snprintf(err, errlen, _("the evaluation's snapshot of the store has ended; run it again"));
    return -1;
  }
  int rc = sqlite3_prepare_v2(v->db, sql, -1, st, NULL);
  if (rc == SQLITE_OK) return 0;
  if (v->refusal[0]) snprintf(err, errlen, "%s", v->refusal); /* SQLite says only "not authorized" */
  else snprintf(err, errlen, "%s", sqlite3_errmsg(v->db));
  return -1;
}

void rule_view_close(rule_view *v) { discard(v); }

const char *const *rule_view_tables(void) { return table_names; }
