/* import.c: loads one CSV file of an entity into the store, atomically. The promises are in
 * import.h. */
#include "import.h"

#include <cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"
#include "employment.h"
#include "entity.h"
#include "i18n.h"
#include "idset.h"
#include "personal.h"
#include "progress.h"
#include "store.h"
#include "text.h"
#include "value.h"
#include "vocabulary.h"

/* One field of a row after validation. */
typedef struct typed_value {
  int present;        /* 0: NULL in the store */
  int64_t integer;    /* FIELD_YEAR, FIELD_BOOL */
  double decimal;     /* FIELD_DECIMAL */
  const char *text;   /* FIELD_TEXT, FIELD_CHOICE (the code); borrowed (a cell's: from import_run.cells) */
  char date[11];      /* FIELD_DATE in ISO form */
  char *owned;        /* a value made for the row (not a cell's) backing text; owned */
  const char *qualifier; /* FIELD_CHOICE written as a phrase: what followed the name; borrowed */
} typed_value;

/* field_of_column for a column of personal data left out with --drop-personal. */
#define COLUMN_DROPPED (-2)

/* The values of one vocabulary field already read in this file, and their
 * codes: a file repeats a dozen values over millions of rows, and reading
 * a value (folding its case, trying every name) is a sixth of an import. */
#define MEMO_SIZE 64
typedef struct choice_memo {
  size_t n;
  char *raw[MEMO_SIZE];        /* owned */
  const char *code[MEMO_SIZE]; /* the vocabulary's own */
} choice_memo;

/* The code memo holds for raw, or NULL. */
static const char *memo_code(const choice_memo *m, const char *raw) {
  for (size_t i = 0; i < m->n; i++)
    if (strcmp(m->raw[i], raw) == 0) return m->code[i];
  return NULL;
}

/* Remembers that raw reads as code, while there is room. */
static void memo_keep(choice_memo *m, const char *raw, const char *code) {
  if (m->n == MEMO_SIZE) return;
  char *copy = strdup(raw);
  if (!copy) return; /* only a cache: the next row reads the value again */
  m->raw[m->n] = copy;
  m->code[m->n++] = code;
}

/* The rows an import inserts get consecutive rowids (SQLite gives a new
 * row the largest rowid plus one) on mostly consecutive lines: a mark
 * says that from rowid on, a row's line is line + (its rowid - rowid),
 * until the next mark. Only where the two stop moving together (a row
 * refused, a row updated) does a mark more cost memory. */
typedef struct line_mark {
  sqlite3_int64 rowid, line;
} line_mark;

/* Everything one import needs; statements are finalized by run_close. */
typedef struct import_run {
  sqlite3 *db;
  const entity_def *entity;
  rows_source *src;
  const rows_row *header;   /* the file's header row */
  const char *path;
  const char *where;        /* the prefix of messages: PATH, or PATH:SHEET for a workbook */
  rows_rejected *rejected;  /* rejected rows set aside as they come (with skip_invalid), or NULL */
  int *field_of_column;   /* per CSV column: entity field index, -1 (kept in extra) or COLUMN_DROPPED */
  int *column_of_field;   /* per entity field: CSV column or -1 */
  char municipality[256]; /* the store's default municipality, "" when none */
  sqlite3_stmt *upsert, *seen, *seen_line;
  sqlite3_stmt *insert, *stored; /* a new row; the rowid of a stored id */
  sqlite3_stmt *insert_new;      /* a new row, or nothing when the id is stored (store_new_worker) */
  int last_stored;               /* staff: the last row's worker was in the store */
  sqlite3_int64 base_rowid;      /* the table's largest rowid before the import: rows above it are this file's */
  line_mark *marks;              /* the lines of the rows this file inserted (owned) */
  char **aside;                  /* CREATE INDEX of the indexes dropped until the rows are in (owned) */
  size_t naside;
  size_t nmarks, capmarks;
  sqlite3_stmt *reference[16]; /* per field with a reference */
  /* per field with a reference: the last value found there (owned), values found lately, and how
   * often those were asked and held the value (reference_found) */
  char *last_found[16];
  idset found[16];
  size_t found_asked[16], found_held[16];
  sqlite3_stmt *owner_of_row, *owner_of_reference; /* whose a row is (see owners[]) */
  int owner_field;        /* the field that says whose a new row is, or -1 */
  import_report *report;
  const import_options *opt;
  sqlite3_stmt *event_lookup;   /* events and participation: the kind and start of an event */
  employment_writer employment; /* staff: the spans (employment.h) */
  int spans;                    /* 1 when employment is open */
  choice_memo memo[16];         /* per field of a vocabulary: values already read */
  progress progress;            /* the line on a terminal (progress.h) */
  int identity[16], identity_known; /* per field: part of a derived id (derived_id) */
  /* staff: the identities seen in the file with their first line (check_unique; owned). Other
   * entities keep the ids they update in temp.import_seen, whose memory is SQLite's cache: a
   * file updating every stored row (activities imported again) would grow a set without bound */
  idset ids;
  /* the fields the rows are read by, by name (field_at): looked up once, not per row and name */
  const char *field_name[32];
  int field_index[32];
  size_t nfield_names;
  /* the trimmed cells of the row at hand, one after the other (validate_row): one buffer for
   * every row instead of a malloc and a free per cell (owned) */
  char *cells;
  size_t cells_cap;
} import_run;

/* entity_field_index of the run's entity, remembered by the name's address
 * (the names are the literals of this file). */
static int field_at(import_run *run, const char *name) {
  for (size_t i = 0; i < run->nfield_names; i++)
    if (run->field_name[i] == name) return run->field_index[i];
  int f = entity_field_index(run->entity, name);
  if (run->nfield_names < sizeof run->field_name / sizeof *run->field_name) {
    run->field_name[run->nfield_names] = name;
    run->field_index[run->nfield_names++] = f;
  }
  return f;
}

/* Whose a row is. Ids are unique across the store, so an id already
 * there belongs to one municipality: a row of another municipality with
 * that id is refused, naming the owner, instead of taking the row (and,
 * for an organization, its staff) over. owner_of_row finds the owner of
 * the stored row with id ?1; a new row's owner is its field by (the
 * municipality itself, or, through owner_of_reference, that of the row it
 * references). A new entity whose rows belong to a municipality is added
 * here. */
static const struct owner_rule {
  const char *table, *owner_of_row, *by, *owner_of_reference;
} owners[] = {
  {"organization", "SELECT municipality FROM organization WHERE id = ?1", "municipality", NULL},
  {"staff", "SELECT o.municipality FROM staff s JOIN organization o ON o.id = s.organization_id WHERE s.id = ?1",
   "organization_id", "SELECT municipality FROM organization WHERE id = ?1"},
  {"activity", "SELECT o.municipality FROM activity a JOIN staff s ON s.id = a.staff_id"
               " JOIN organization o ON o.id = s.organization_id WHERE a.id = ?1",
   "staff_id", "SELECT o.municipality FROM staff s JOIN organization o ON o.id = s.organization_id WHERE s.id = ?1"},
  {"community", "SELECT municipality FROM community WHERE id = ?1", "municipality", NULL},
  {"document", "SELECT municipality FROM document WHERE id = ?1", "municipality", NULL},
  {"event", "SELECT municipality FROM event WHERE id = ?1", "municipality", NULL},
  {"participation", "SELECT e.municipality FROM participation p JOIN event e ON e.id = p.event_id WHERE p.id = ?1",
   "event_id", "SELECT municipality FROM event WHERE id = ?1"},
  {"registry_member", "SELECT o.municipality FROM registry_member r JOIN staff s ON s.id = r.staff_id"
                      " JOIN organization o ON o.id = s.organization_id WHERE r.id = ?1",
   "staff_id", "SELECT o.municipality FROM staff s JOIN organization o ON o.id = s.organization_id WHERE s.id = ?1"},
};

/* The header of the column giving field f, or the field's own name. */
static const char *column_name(const import_run *run, size_t f) {
  int col = run->column_of_field[f];
  return col >= 0 ? rows_cell(run->header, (size_t)col) : run->entity->fields[f].name;
}

/* 1 for the entities that describe organizations rather than people: an
 * address or a phone there is the organization's. */
static int describes_legal_entities(const entity_def *e) {
  return !strcmp(e->table, "organization") || !strcmp(e->table, "community") || !strcmp(e->table, "document") ||
         !strcmp(e->table, "event");
}

/* A column of personal data: left out (and named in the report) with
 * drop_personal, else the reason the file is refused. */
static int personal_column(import_run *run, size_t c, const char *what, size_t line, const import_options *opt,
                           char *err, size_t errlen) {
  const char *header = rows_cell(run->header, c);
  if (opt->drop_personal) {
    run->field_of_column[c] = COLUMN_DROPPED;
    size_t o = strlen(run->report->dropped);
    snprintf(run->report->dropped + o, sizeof run->report->dropped - o, "%s%s", o ? ", " : "", header);
    return 0;
  }
  char where[64] = "";
  if (line) snprintf(where, sizeof where, _(" (line %zu)"), line);
  snprintf(err, errlen, _("%s:%zu: %s: holds %s%s: personal data may not be imported (152-ФЗ «О персональных данных»);"
           " pdmon keeps workers as pseudonymous ids: remove the column, or import with --drop-personal to leave it out"),
           run->where, run->header->line, header, what, where);
  return -1;
}

/* Refuses (or drops) the columns of personal data: by their header, and
 * for columns that would go to extra, by any value that looks personal
 * (a pass over the rows before the import's own). The values themselves
 * are never repeated in a message. */
static int check_personal(import_run *run, const import_options *opt, char *err, size_t errlen) {
  size_t ncols = run->header->count;
  int legal = describes_legal_entities(run->entity);
  for (size_t c = 0; c < ncols; c++) {
    if (run->field_of_column[c] != -1) continue;
    const char *reason = personal_header_reason(rows_cell(run->header, c), legal);
    if (reason && personal_column(run, c, reason, 0, opt, err, errlen) != 0) return -1;
  }
  size_t open_columns = 0;
  for (size_t c = 0; c < ncols; c++) open_columns += run->field_of_column[c] == -1;
  rows_row row;
  int rc = 0;
  while (open_columns && (rc = rows_next(run->src, &row, err, errlen)) == 1) {
    for (size_t c = 0; c < ncols && c < row.count; c++) {
      if (run->field_of_column[c] != -1) continue;
      char *trimmed = text_trimmed_copy(row.cells[c]);
      /* an organization's phone or e-mail is its own; a name is a person's anywhere */
      const char *reason = !trimmed ? NULL : !legal ? personal_value_reason(trimmed)
                           : personal_looks_like_name(trimmed) ? "a full name" : NULL;
      free(trimmed);
      if (reason && personal_column(run, c, reason, row.line, opt, err, errlen) != 0) return -1;
      if (run->field_of_column[c] != -1) open_columns--;
    }
  }
  if (rc < 0) return -1;
  return rows_rewind(run->src, err, errlen);
}

/* 1 when field f is an organization's kind, which a name that starts
 * with a legal form gives ("МАДОУ «Детский сад № 5»") when the file has
 * no kind of its own. */
static int kind_from_name(import_run *run, size_t f) {
  return !strcmp(run->entity->table, "organization") && !strcmp(run->entity->fields[f].name, "kind") &&
         run->column_of_field[field_at(run, "name")] >= 0;
}

/* The kind an organization's name tells by its legal form, or NULL. */
static const char *kind_of_name(const char *name) {
  const vocabulary *kinds = vocabulary_find("organization_kind");
  const char *rest, *code = vocabulary_code(kinds, name);
  return code ? code : vocabulary_phrase(kinds, name, &rest);
}

/* Maps the header row onto the entity's fields; refuses duplicates and
 * missing required columns. */
static int map_header(import_run *run, char *err, size_t errlen) {
  const entity_def *e = run->entity;
  size_t ncols = run->header->count;
  run->field_of_column = malloc((ncols ? ncols : 1) * sizeof(int));
  run->column_of_field = malloc(e->nfields * sizeof(int));
  if (!run->field_of_column || !run->column_of_field) {
    snprintf(err, errlen, _("%s: out of memory"), run->path);
    return -1;
  }
  for (size_t f = 0; f < e->nfields; f++) run->column_of_field[f] = -1;
  for (size_t c = 0; c < ncols; c++) {
    const char *header = rows_cell(run->header, c);
    int f = entity_match_header(e, header);
    run->field_of_column[c] = f;
    if (f < 0) continue;
    if (run->column_of_field[f] >= 0) {
      snprintf(err, errlen, _("%s:%zu: %s: a second column for field %s (the first is '%s')"),
               run->where, run->header->line, header, e->fields[f].name,
               rows_cell(run->header, (size_t)run->column_of_field[f]));
      return -1;
    }
    run->column_of_field[f] = (int)c;
  }
  for (size_t f = 0; f < e->nfields; f++) {
    const entity_field *fd = &e->fields[f];
    if (!fd->required || run->column_of_field[f] >= 0) continue;
    if (f == 0 && e->id_derived) continue;
    if (strcmp(fd->name, "municipality") == 0 && run->municipality[0]) continue;
    if (kind_from_name(run, f)) continue;
    const char *bar = fd->headers ? strchr(fd->headers, '|') : NULL;
    int n = bar ? (int)(bar - fd->headers) : (int)strlen(fd->headers ? fd->headers : "");
    snprintf(err, errlen, _("%s:%zu: missing required column '%s' (in Russian: '%.*s')%s"),
             run->where, run->header->line, fd->name, n, fd->headers ? fd->headers : "",
             strcmp(fd->name, "municipality") == 0
                 ? _("; or set a default with 'pdmon init --municipality CODE'") : "");
    return -1;
  }
  return 0;
}

/* Prepares stmt or fills err with SQLite's reason. */
static int prepare(import_run *run, const char *sql, sqlite3_stmt **stmt, char *err, size_t errlen) {
  if (sqlite3_prepare_v2(run->db, sql, -1, stmt, NULL) == SQLITE_OK) return 0;
  snprintf(err, errlen, "%s: store: %s", run->path, sqlite3_errmsg(run->db));
  return -1;
}

/* Prepares the insert and the upsert, the rowid probe, the duplicate
 * tracker and one reference check per referencing field. */
static int prepare_statements(import_run *run, char *err, size_t errlen) {
  const entity_def *e = run->entity;
  char cols[1024] = "", params[512] = "", updates[2048] = "", sql[4096];
  for (size_t f = 0; f < e->nfields; f++) {
    const char *name = e->fields[f].name;
    if (e->fields[f].span_only) continue;
    size_t cl = strlen(cols), pl = strlen(params), ul = strlen(updates);
    snprintf(cols + cl, sizeof cols - cl, "%s, ", name);
    snprintf(params + pl, sizeof params - pl, "?, ");
    /* not the id itself, the conflict's own: setting it would probe every table referencing it */
    if (f > 0) snprintf(updates + ul, sizeof updates - ul, "%s = excluded.%s, ", name, name);
  }
  snprintf(sql, sizeof sql,
           "INSERT INTO %s (%sextra) VALUES (%s?) ON CONFLICT(id) DO UPDATE SET %sextra = excluded.extra",
           e->table, cols, params, updates);
  if (prepare(run, sql, &run->upsert, err, errlen) != 0) return -1;
  snprintf(sql, sizeof sql, "INSERT INTO %s (%sextra) VALUES (%s?)", e->table, cols, params);
  if (prepare(run, sql, &run->insert, err, errlen) != 0) return -1;
  snprintf(sql, sizeof sql, "INSERT INTO %s (%sextra) VALUES (%s?) ON CONFLICT(id) DO NOTHING", e->table, cols, params);
  if (prepare(run, sql, &run->insert_new, err, errlen) != 0) return -1;
  snprintf(sql, sizeof sql, "SELECT rowid FROM %s WHERE id = ?", e->table);
  if (prepare(run, sql, &run->stored, err, errlen) != 0) return -1;
  sqlite3_stmt *largest;
  snprintf(sql, sizeof sql, "SELECT coalesce(max(rowid), 0) FROM %s", e->table);
  if (prepare(run, sql, &largest, err, errlen) != 0) return -1;
  run->base_rowid = sqlite3_step(largest) == SQLITE_ROW ? sqlite3_column_int64(largest, 0) : INT64_MAX;
  sqlite3_finalize(largest);
  char inner[256];
  if (store_exec(run->db, "CREATE TEMP TABLE IF NOT EXISTS import_seen"
                          " (id TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;"
                          "DELETE FROM temp.import_seen;", inner, sizeof inner) != 0) {
    snprintf(err, errlen, "%s: store: %s", run->path, inner);
    return -1;
  }
  if (prepare(run, "INSERT OR IGNORE INTO temp.import_seen (id, line) VALUES (?, ?)",
              &run->seen, err, errlen) != 0 ||
      prepare(run, "SELECT line FROM temp.import_seen WHERE id = ?", &run->seen_line, err, errlen) != 0)
    return -1;
  for (size_t f = 0; f < e->nfields && f < 16; f++) {
    if (!e->fields[f].references) continue;
    snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ?", e->fields[f].references);
    if (prepare(run, sql, &run->reference[f], err, errlen) != 0) return -1;
  }
  run->owner_field = -1;
  for (size_t i = 0; i < sizeof owners / sizeof *owners; i++) {
    if (strcmp(owners[i].table, e->table)) continue;
    run->owner_field = entity_field_index(e, owners[i].by);
    if (prepare(run, owners[i].owner_of_row, &run->owner_of_row, err, errlen) != 0 ||
        (owners[i].owner_of_reference &&
         prepare(run, owners[i].owner_of_reference, &run->owner_of_reference, err, errlen) != 0))
      return -1;
  }
  if ((!strcmp(e->table, "event") || !strcmp(e->table, "participation")) &&
      prepare(run, "SELECT kind, start_date FROM event WHERE id = ?", &run->event_lookup, err, errlen) != 0)
    return -1;
  if (!strcmp(e->table, "staff")) {
    if (employment_open(&run->employment, run->db, inner, sizeof inner) != 0) {
      snprintf(err, errlen, "%s: %s", run->path, inner);
      return -1;
    }
    run->spans = 1;
  }
  return 0;
}

/* A first import into an empty table writes its rows without the
 * table's secondary indexes, which are built again, each in one sorted
 * pass, once the rows are in: inserting into an index in the order of a
 * file is a b-tree search and a page touched anywhere per row and index.
 * The import itself never reads them; a staff import keeps
 * employment_by_staff, which the spans are written by. Inside the
 * import's transaction: a failed or refused import gets them back with
 * its rollback. Returns 0, or -1 with err. */
static int set_indexes_aside(import_run *run, char *err, size_t errlen) {
  sqlite3_stmt *st;
  char sql[512];
  snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM %s)", run->entity->table);
  if (prepare(run, sql, &st, err, errlen) != 0) return -1;
  int filled = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 1;
  sqlite3_finalize(st);
  if (filled) return 0;
  if (prepare(run, "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
                   " AND (tbl_name = ?1 OR (?1 = 'staff' AND tbl_name = 'employment' AND name <> 'employment_by_staff'))"
                   " ORDER BY name", &st, err, errlen) != 0)
    return -1;
  sqlite3_bind_text(st, 1, run->entity->table, -1, SQLITE_STATIC);
  char *names = NULL; /* the indexes' names, each ending in NUL: dropped once the read is over */
  size_t used = 0;
  int rc = 0;
  while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    size_t n = strlen(name) + 1;
    char **grown = realloc(run->aside, (run->naside + 1) * sizeof *grown);
    if (grown) run->aside = grown;
    char *more = realloc(names, used + n);
    if (more) names = more;
    char *create = grown && more ? strdup((const char *)sqlite3_column_text(st, 1)) : NULL;
    if (!create) {
      snprintf(err, errlen, _("%s: out of memory"), run->path);
      rc = -1;
      break;
    }
    run->aside[run->naside++] = create;
    memcpy(names + used, name, n);
    used += n;
  }
  sqlite3_finalize(st);
  for (size_t o = 0; rc == 0 && o < used; o += strlen(names + o) + 1) {
    char *drop = sqlite3_mprintf("DROP INDEX \"%w\"", names + o), inner[256];
    if (!drop || store_exec(run->db, drop, inner, sizeof inner) != 0) {
      snprintf(err, errlen, "%s: store: %s", run->path, drop ? inner : "out of memory");
      rc = -1;
    }
    sqlite3_free(drop);
  }
  free(names);
  return rc;
}

/* Builds again the indexes set aside. Returns 0, or -1 with err. */
static int restore_indexes(import_run *run, char *err, size_t errlen) {
  char inner[256];
  for (size_t i = 0; i < run->naside; i++) {
    if (store_exec(run->db, run->aside[i], inner, sizeof inner) != 0) {
      snprintf(err, errlen, "%s: store: %s", run->path, inner);
      return -1;
    }
  }
  return 0;
}

static void run_close(import_run *run) {
  for (size_t i = 0; i < run->naside; i++) free(run->aside[i]);
  free(run->aside);
  run->aside = NULL;
  run->naside = 0;
  sqlite3_finalize(run->upsert);
  sqlite3_finalize(run->insert);
  sqlite3_finalize(run->insert_new);
  sqlite3_finalize(run->stored);
  free(run->marks);
  run->marks = NULL;
  sqlite3_finalize(run->seen);
  sqlite3_finalize(run->seen_line);
  idset_free(&run->ids);
  for (size_t i = 0; i < 16; i++) {
    sqlite3_finalize(run->reference[i]);
    free(run->last_found[i]);
    run->last_found[i] = NULL;
    idset_free(&run->found[i]);
  }
  for (size_t f = 0; f < 16; f++)
    for (size_t i = 0; i < run->memo[f].n; i++) free(run->memo[f].raw[i]);
  sqlite3_finalize(run->owner_of_row);
  sqlite3_finalize(run->owner_of_reference);
  sqlite3_finalize(run->event_lookup);
  if (run->spans) employment_close(&run->employment);
  run->spans = 0;
  free(run->field_of_column);
  free(run->column_of_field);
  free(run->cells);
  run->cells = NULL;
  run->cells_cap = 0;
}

/* 1 when stmt (one text parameter) finds a row. */
static int probe(sqlite3_stmt *stmt, const char *value) {
  sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC);
  int found = sqlite3_step(stmt) == SQLITE_ROW;
  sqlite3_reset(stmt); /* before value goes */
  return found;
}

/* The references found in the store that a field's set keeps at most. The
 * rows of a file come grouped (by municipality, worker, event), so the
 * values they name again are the recent ones: a full set is emptied and
 * fills again, and memory stays flat (~1.4 MB a field, for ids of 30
 * bytes). A participation file names another event on nearly every row
 * (it is grouped by worker): the probe of the store for each was a sixth
 * of its import. */
#define REFERENCES_KEPT 16384

/* 1 when the store holds the row that raw (the value of field f) names.
 * The last value found is remembered (the rows of a worker or an event
 * come together), and the values found lately while they are named again
 * often enough to pay for their hashing: a registry names each worker on
 * one row, so from the 4,096th value on, a set that held fewer than one
 * in eight is let go. The store loses no row while importing. */
static int reference_found(import_run *run, size_t f, const char *raw) {
  if (run->last_found[f] && !strcmp(run->last_found[f], raw)) return 1;
  idset *known = &run->found[f];
  int keeping = run->found_asked[f] < 4096 || run->found_held[f] * 8 >= run->found_asked[f];
  if (keeping) {
    run->found_asked[f]++;
    if (idset_has(known, raw)) {
      run->found_held[f]++;
      return 1;
    }
  } else if (known->cap) {
    idset_free(known);
  }
  if (!probe(run->reference[f], raw)) return 0;
  /* only caches: when memory runs out, the next row probes again */
  free(run->last_found[f]);
  run->last_found[f] = strdup(raw);
  if (!keeping) return 1;
  if (known->n == REFERENCES_KEPT) idset_free(known);
  idset_add(known, raw, 0, NULL);
  return 1;
}

/* A value of a vocabulary that is not one of its names: the phrase form of
 * a staff list ("Учитель математики") is accepted as its code with the
 * qualifier kept; anything else is refused naming the nearest value. */
static int choice_phrase(const entity_field *fd, const char *raw, typed_value *v, char *why, size_t whylen) {
  const vocabulary *voc = vocabulary_find(fd->vocabulary);
  const char *rest;
  v->text = vocabulary_phrase(voc, raw, &rest);
  if (v->text) {
    v->qualifier = rest;
    return 0;
  }
  const char *name;
  const vocabulary_entry *near = voc ? vocabulary_nearest(voc, raw, &name) : NULL;
  char list[2048]; /* the Russian names take twice the bytes of the codes */
  entity_choice_list(fd, list, sizeof list);
  if (near)
    snprintf(why, whylen, _("unknown value; the nearest known is '%s' (%s); expected one of %s"), name, near->code, list);
  else
    snprintf(why, whylen, _("unknown value; expected one of %s"), list);
  return -1;
}

/* Parses raw (trimmed, non-empty) as field f into v; on failure writes
 * "what is wrong" into why. */
static int parse_field(const entity_field *fd, const char *raw, typed_value *v, char *why, size_t whylen) {
  double d;
  int b;
  int64_t year;
  switch (fd->type) {
  case FIELD_TEXT:
    v->text = raw;
    return 0;
  case FIELD_YEAR:
    if (value_parse_integer(raw, &year) == 0 && year >= 1900 && year <= 2100) {
      v->integer = year;
      return 0;
    }
    /* a full date ("Дата рождения") is kept as its year only: no more is needed */
    if (value_parse_date(raw, v->date) == 0) {
      year = strtol(v->date, NULL, 10);
      v->date[0] = '\0';
      if (year >= 1900 && year <= 2100) {
        v->integer = year;
        return 0;
      }
    }
    snprintf(why, whylen, _("not a year between 1900 and 2100"));
    return -1;
  case FIELD_DATE:
    if (value_parse_date(raw, v->date) == 0) return 0;
    snprintf(why, whylen, _("not a date (write 2023-09-01 or 01.09.2023)"));
    return -1;
  case FIELD_DECIMAL: {
    double min, max;
    if (value_parse_decimal(raw, &d) != 0) {
      snprintf(why, whylen, _("not a number (write 66.6 or 66,6)"));
      return -1;
    }
    if (entity_decimal_range(fd, &min, &max) && (d < min || d > max)) {
      snprintf(why, whylen, _("out of range: between %g and %g"), min, max);
      return -1;
    }
    v->decimal = d;
    return 0;
  }
  case FIELD_BOOL:
    if (value_parse_bool(raw, &b) == 0) { v->integer = b; return 0; }
    snprintf(why, whylen, _("not a yes/no value (write да or нет)"));
    return -1;
  case FIELD_CHOICE:
    v->text = entity_choice_code(fd, raw);
    if (v->text) return 0;
    return choice_phrase(fd, raw, v, why, whylen);
  }
  return -1;
}

/* Checks rules that tie two fields of one row together. */
static int check_row_consistency(import_run *run, typed_value *v, char *msg, size_t msglen) {
  int birth = field_at(run, "birth_year"), start = field_at(run, "career_start_year");
  if (birth >= 0 && start >= 0 && v[birth].present && v[start].present &&
      v[start].integer < v[birth].integer + 14) {
    snprintf(msg, msglen, _("%s: career starts before the worker turned 14 (%lld, born %lld)"),
             column_name(run, (size_t)start), (long long)v[start].integer, (long long)v[birth].integer);
    return -1;
  }
  int from = field_at(run, "date"), to = field_at(run, "end_date");
  if (from < 0) from = field_at(run, "start_date");
  if (from < 0) from = field_at(run, "hire_date"), to = field_at(run, "leave_date");
  if (from < 0) from = field_at(run, "from_date"), to = field_at(run, "to_date");
  if (from >= 0 && to >= 0 && v[from].present && v[to].present && strcmp(v[to].date, v[from].date) < 0) {
    snprintf(msg, msglen, _("%s: ends before it starts (%s < %s)"), column_name(run, (size_t)to),
             v[to].date, v[from].date);
    return -1;
  }
  return 0;
}

/* Builds the identity of a row whose file gives no id from its entity's
 * natural key: staff, kind, date and title name one activity; kind,
 * number, date and title one document; and so on (entity.c). */
static char *derived_id(import_run *run, const typed_value *v) {
  const entity_def *e = run->entity;
  if (!run->identity_known) { /* which fields are the key: read from the entity once, not per row */
    for (size_t f = 1; f < e->nfields && f < 16; f++)
      run->identity[f] = e->identity && text_in_list(e->identity, e->fields[f].name);
    run->identity_known = 1;
  }
  char buf[2048];
  size_t o = 0, room = sizeof buf - 1; /* as snprintf cut it: at room bytes */
  for (size_t f = 1; f < e->nfields && f < 16 && o < room; f++) {
    if (!run->identity[f]) continue;
    const char *part = !v[f].present ? "" : e->fields[f].type == FIELD_DATE ? v[f].date : v[f].text;
    if (o) buf[o++] = '|'; /* none after an empty first part: the ids stored so far were made so */
    size_t n = strlen(part);
    if (n > room - o) n = room - o;
    memcpy(buf + o, part, n);
    o += n;
  }
  buf[o] = '\0';
  return strdup(buf);
}

/* Copies column col (0 kind, 1 start date) of the event that the field
 * event_field names into the field called name of v, when the row lacks
 * it. Returns 0, or -1 when the event or its value is not in the store. */
static int from_event(import_run *run, typed_value *v, const char *event_field, const char *name, int col) {
  int to = field_at(run, name), from = field_at(run, event_field);
  if (to < 0 || v[to].present || from < 0 || !v[from].present) return 0;
  sqlite3_stmt *st = run->event_lookup;
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, v[from].text, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) != SQLITE_ROW || !sqlite3_column_text(st, col)) return -1;
  const char *value = (const char *)sqlite3_column_text(st, col);
  if (run->entity->fields[to].type == FIELD_DATE) {
    snprintf(v[to].date, sizeof v[to].date, "%s", value);
  } else {
    free(v[to].owned);
    v[to].owned = strdup(value);
    if (!v[to].owned) return -1;
    v[to].text = v[to].owned;
  }
  v[to].present = 1;
  return 0;
}

/* What events and participation take from the event they name: a stage
 * its competition's kind, a participation the event's date; and a
 * participation without a role is a participant's. */
static int complete_from_event(import_run *run, typed_value *v, char *msg, size_t msglen) {
  const char *table = run->entity->table;
  if (!strcmp(table, "event")) {
    int kind = field_at(run, "kind");
    if (from_event(run, v, "parent_id", "kind", 0) != 0 || !v[kind].present) {
      snprintf(msg, msglen, _("%s: required value is missing (a stage may take it from its event, parent_id)"),
               column_name(run, (size_t)kind));
      return -1;
    }
  } else if (!strcmp(table, "participation")) {
    int staff = field_at(run, "staff_id"), org = field_at(run, "organization_id");
    if (!v[staff].present && !v[org].present) {
      snprintf(msg, msglen, _("%s: who took part is missing: give the worker (staff_id) or the organization"
                 " (organization_id)"), column_name(run, (size_t)staff));
      return -1;
    }
    if (from_event(run, v, "event_id", "date", 1) != 0) {
      snprintf(msg, msglen, _("event_id: the event has no date"));
      return -1;
    }
    int role = field_at(run, "role");
    if (!v[role].present) { /* who is named without a role took part */
      v[role].text = "participant";
      v[role].present = 1;
    }
  }
  return 0;
}

/* 1 when field f of e holds a worker's id: the id of staff, or a reference to one. */
static int names_a_worker(const entity_def *e, size_t f) {
  if ((f == 0 && !strcmp(e->table, "staff")) || !strcmp(e->fields[f].name, "partner_id")) return 1;
  return e->fields[f].references && !strcmp(e->fields[f].references, "staff");
}

/* "Учитель математики": a position written with its subject gives the
 * subject, unless the file has its own column for it. */
static void subject_from_position(import_run *run, typed_value *v) {
  int position = field_at(run, "position"), subject = field_at(run, "subject");
  if (position < 0 || subject < 0 || !v[position].qualifier || v[subject].present) return;
  const vocabulary *subjects = vocabulary_find("subject");
  const char *qualifier = v[position].qualifier;
  const vocabulary_entry *e = vocabulary_entry_of(subjects, vocabulary_code(subjects, qualifier));
  if (e) {
    v[subject].text = e->label;
    v[subject].present = 1;
    return;
  }
  /* "Учитель математики и информатики", "Учитель физики, информатики": each part a subject, or none */
  char labels[512] = "", part[256];
  size_t o = 0;
  for (const char *p = qualifier; *p;) {
    size_t n = strcspn(p, ",");
    const char *and = strstr(p, " и ");
    if (and && (size_t)(and - p) < n) n = (size_t)(and - p);
    snprintf(part, sizeof part, "%.*s", (int)n, p);
    e = vocabulary_entry_of(subjects, vocabulary_code(subjects, part));
    if (!e || o + strlen(e->label) + 3 > sizeof labels) return;
    o += (size_t)snprintf(labels + o, sizeof labels - o, "%s%s", o ? ", " : "", e->label);
    p += n;
    if (*p == ',') p++;
    else if (!strncmp(p, " и ", strlen(" и "))) p += strlen(" и ");
  }
  if (!o) return;
  free(v[subject].owned); /* a subject made for the row before, if any (an empty cell of the column is in run->cells) */
  if (!(v[subject].owned = strdup(labels))) return;
  v[subject].text = v[subject].owned;
  v[subject].present = 1;
}

/* Makes room in run->cells for the trimmed cells of row that fields read.
 * 0, or -1 when memory runs out. */
static int room_for_cells(import_run *run, const rows_row *row) {
  const entity_def *e = run->entity;
  size_t need = 0;
  for (size_t f = 0; f < e->nfields; f++) {
    int col = run->column_of_field[f];
    const char *cell = col >= 0 ? rows_cell(row, (size_t)col) : NULL;
    if (cell) need += strlen(cell) + 1;
  }
  if (need <= run->cells_cap) return 0;
  size_t cap = run->cells_cap ? run->cells_cap : 256;
  while (cap < need) cap *= 2;
  char *grown = realloc(run->cells, cap);
  if (!grown) return -1;
  run->cells = grown;
  run->cells_cap = cap;
  return 0;
}

/* Validates one data row into v (e->nfields values). Returns 0, or -1 with
 * "column: what is wrong (value)" in msg. */
static int validate_row(import_run *run, const rows_row *row, typed_value *v, char *msg, size_t msglen) {
  const entity_def *e = run->entity;
  size_t width = run->header->count;
  /* a sheet leaves out the empty cells at a row's end; a CSV row has all its fields */
  if (rows_format_of(run->src) == ROWS_XLSX ? row->count > width : row->count != width) {
    if (rows_format_of(run->src) == ROWS_XLSX)
      snprintf(msg, msglen, _("column %zu has a value, but the header names %zu columns"), row->count, width);
    else
      snprintf(msg, msglen, _("row has %zu fields but the header has %zu"), row->count, width);
    return -1;
  }
  if (room_for_cells(run, row) != 0) {
    snprintf(msg, msglen, _("out of memory"));
    return -1;
  }
  char *next = run->cells;
  for (size_t f = 0; f < e->nfields; f++) {
    const entity_field *fd = &e->fields[f];
    int col = run->column_of_field[f];
    const char *cell = col >= 0 ? rows_cell(row, (size_t)col) : NULL;
    const char *raw = cell ? text_trimmed_to(cell, next) : NULL;
    if (raw) next += strlen(raw) + 1;
    if (raw && *raw && rows_kind(row, (size_t)col) == ROWS_ERROR) {
      snprintf(msg, msglen, _("%s: the cell holds an Excel error, not a value (%s)"), column_name(run, f), raw);
      return -1;
    }
    if ((!raw || !*raw) && strcmp(fd->name, "municipality") == 0 && run->municipality[0])
      raw = run->municipality;
    if ((!raw || !*raw) && kind_from_name(run, f)) {
      const char *name = v[field_at(run, "name")].text;
      if ((v[f].text = name ? kind_of_name(name) : NULL)) {
        v[f].present = 1;
        continue;
      }
      snprintf(msg, msglen, _("%s: required value is missing, and the name does not start with a legal form"
                              " that tells it (МБОУ, МАДОУ, МБУ ДО, ...)"), column_name(run, f));
      return -1;
    }
    if (!raw || !*raw) {
      if (fd->required && !(f == 0 && e->id_derived)) {
        snprintf(msg, msglen, _("%s: required value is missing"), column_name(run, f));
        return -1;
      }
      continue;
    }
    char why[2600];
    const char *known = fd->type == FIELD_CHOICE && f < 16 ? memo_code(&run->memo[f], raw) : NULL;
    if (known) {
      v[f].text = known;
    } else if (parse_field(fd, raw, &v[f], why, sizeof why) != 0) {
      if (fd->type == FIELD_DATE && rows_kind(row, (size_t)col) == ROWS_NUMBER)
        snprintf(msg, msglen, _("%s: a number, not a date: give the column the date format in Excel (%s)"),
                 column_name(run, f), raw);
      else
        snprintf(msg, msglen, "%s: %s (%s)", column_name(run, f), why, raw);
      return -1;
    } else if (fd->type == FIELD_CHOICE && f < 16 && !v[f].qualifier) {
      memo_keep(&run->memo[f], raw, v[f].text); /* a phrase keeps its qualifier: read it each time */
    }
    v[f].present = 1;
    if (names_a_worker(run->entity, f) && personal_looks_like_name(raw)) {
      snprintf(msg, msglen, _("%s: looks like a person's name; workers are pseudonymous ids (152-ФЗ «О персональных"
               " данных»): use the table number or another code"), column_name(run, f));
      return -1;
    }
    if (fd->references && run->reference[f] && !reference_found(run, f, raw)) {
      snprintf(msg, msglen, _("%s: no %s with this id in the store; import it first (%s)"),
               column_name(run, f), fd->references, raw);
      return -1;
    }
  }
  subject_from_position(run, v);
  if (run->event_lookup && complete_from_event(run, v, msg, msglen) != 0) return -1;
  if (check_row_consistency(run, v, msg, msglen) != 0) return -1;
  if (!v[0].present) {
    free(v[0].owned);
    v[0].owned = derived_id(run, v);
    if (!v[0].owned) { snprintf(msg, msglen, _("out of memory")); return -1; }
    v[0].text = v[0].owned;
    v[0].present = 1;
  }
  return 0;
}

/* The municipality stmt (one text parameter) finds, into buf ("" when none). */
static void owner_by(sqlite3_stmt *stmt, const char *value, char *buf, size_t len) {
  buf[0] = '\0';
  sqlite3_reset(stmt);
  sqlite3_bind_text(stmt, 1, value, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
    snprintf(buf, len, "%s", (const char *)sqlite3_column_text(stmt, 0));
  sqlite3_reset(stmt);
}

/* Refuses a row whose id belongs to another municipality than the row
 * would (see owners[]). */
static int check_owner(import_run *run, const typed_value *v, char *msg, size_t msglen) {
  if (!run->owner_of_row || run->owner_field < 0 || !v[run->owner_field].present) return 0;
  char now[256], then[256];
  owner_by(run->owner_of_row, v[0].text, then, sizeof then);
  if (!then[0]) return 0; /* a new id */
  const char *by = v[run->owner_field].text;
  if (run->owner_of_reference) owner_by(run->owner_of_reference, by, now, sizeof now);
  else snprintf(now, sizeof now, "%s", by);
  if (!now[0] || strcmp(now, then) == 0) return 0;
  snprintf(msg, msglen, _("%s: %s %.200s belongs to municipality %s, and this row would give it to %s; ids are unique"
                          " across the store: give this row an id of its own (%.200s)"),
           column_name(run, 0), run->entity->table, v[0].text, then, now, v[0].text);
  return -1;
}

/* check_unique of a staff row, in the run's set: 0, or -1 with the reason in msg. */
static int check_unique_staff(import_run *run, const rows_row *row, const char *id, char *msg, size_t msglen) {
  size_t first = 0;
  int rc = idset_add(&run->ids, id, row->line, &first);
  if (rc == 1) return 0;
  if (rc < 0) snprintf(msg, msglen, _("out of memory"));
  else snprintf(msg, msglen, _("%s: the same id is already on line %lld (%.300s)"), column_name(run, 0),
                (long long)first, id);
  return -1;
}

/* Keeps the identity of a staff row of a worker new to the store: it
 * cannot have been seen (a row that passed the checks with this id was
 * written, or failed the whole import, so the id would be in the store),
 * so it is kept without a check; one seen before (a row refused after its
 * checks) keeps its first line, as INSERT OR IGNORE kept it in
 * temp.import_seen. 0, or -1 when memory runs out (msg). */
static int remember_seen(import_run *run, const rows_row *row, const char *id, char *msg, size_t msglen) {
  if (idset_add(&run->ids, id, row->line, NULL) >= 0) return 0;
  snprintf(msg, msglen, _("out of memory"));
  return -1;
}

/* Refuses a second row with an id already seen in this file. */
static int check_unique(import_run *run, const rows_row *row, const char *id, char *msg, size_t msglen) {
  if (run->spans) return check_unique_staff(run, row, id, msg, msglen);
  sqlite3_bind_text(run->seen, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(run->seen, 2, (sqlite3_int64)row->line);
  int rc = sqlite3_step(run->seen);
  sqlite3_reset(run->seen); /* before id goes; sqlite3_changes holds */
  if (rc != SQLITE_DONE) {
    snprintf(msg, msglen, "store: %s", sqlite3_errmsg(run->db));
    return -1;
  }
  if (sqlite3_changes(run->db) == 1) return 0;
  sqlite3_reset(run->seen_line);
  sqlite3_bind_text(run->seen_line, 1, id, -1, SQLITE_TRANSIENT);
  long long first = sqlite3_step(run->seen_line) == SQLITE_ROW ? sqlite3_column_int64(run->seen_line, 0) : 0;
  snprintf(msg, msglen, _("%s: the same id is already on line %lld (%.300s)"), column_name(run, 0), first, id);
  return -1;
}

/* Remembers the line of a row this file inserted as rowid. 0, or -1 when
 * memory runs out. */
static int mark_line(import_run *run, sqlite3_int64 rowid, size_t line) {
  sqlite3_int64 at = (sqlite3_int64)line;
  if (run->nmarks > 0) {
    const line_mark *last = &run->marks[run->nmarks - 1];
    if (at - rowid == last->line - last->rowid) return 0;
  }
  if (run->nmarks == run->capmarks) {
    size_t cap = run->capmarks ? run->capmarks * 2 : 64;
    line_mark *grown = realloc(run->marks, cap * sizeof *grown);
    if (!grown) return -1;
    run->marks = grown;
    run->capmarks = cap;
  }
  run->marks[run->nmarks++] = (line_mark){rowid, at};
  return 0;
}

/* The line of the row this file inserted as rowid. */
static long long line_of(const import_run *run, sqlite3_int64 rowid) {
  size_t lo = 0, hi = run->nmarks; /* the last mark at or below rowid is in [lo, hi) */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (run->marks[mid].rowid <= rowid) lo = mid;
    else hi = mid;
  }
  return run->nmarks ? (long long)(run->marks[lo].line + (rowid - run->marks[lo].rowid)) : 0;
}

/* The rowid of the stored row with id, or 0 (-1 on a store error). */
static sqlite3_int64 stored_rowid(import_run *run, const char *id) {
  sqlite3_stmt *st = run->stored;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_int64 rowid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rowid;
}

/* Columns the schema does not know (and values it read as phrases), as a
 * JSON object, or NULL when none has a value. The caller frees the result. */
static char *extra_json(const import_run *run, const rows_row *row, const typed_value *v) {
  cJSON *obj = NULL;
  for (size_t c = 0; c < run->header->count; c++) {
    const char *value = rows_cell(row, c);
    int f = run->field_of_column[c];
    /* a value read as a phrase ("Учитель математики") is kept as written */
    if (f >= 0 && v[f].qualifier && value) {
      if (!obj && !(obj = cJSON_CreateObject())) return NULL;
      cJSON_AddStringToObject(obj, rows_cell(run->header, c), value);
      continue;
    }
    if (f != -1 || !value || text_is_blank(value)) continue;
    if (!obj && !(obj = cJSON_CreateObject())) return NULL;
    cJSON_AddStringToObject(obj, rows_cell(run->header, c), value);
  }
  char *json = obj ? cJSON_PrintUnformatted(obj) : NULL;
  cJSON_Delete(obj);
  return json;
}

/* The date field called name of a validated row, or NULL when absent. */
static const char *row_date(import_run *run, const typed_value *v, const char *name) {
  int f = field_at(run, name);
  return f >= 0 && v[f].present ? v[f].date : NULL;
}

/* The employment a validated staff row tells. */
static employment_row span_row(import_run *run, const typed_value *v) {
  int start = field_at(run, "career_start_year");
  employment_row row = {.staff_id = v[0].text,
                        .organization_id = v[field_at(run, "organization_id")].text,
                        .position = v[field_at(run, "position")].text,
                        .hire = row_date(run, v, "hire_date"), .leave = row_date(run, v, "leave_date"),
                        .career_start = start >= 0 && v[start].present ? (int)v[start].integer : 0};
  return row;
}

/* The employment span a staff row tells (known: employment_known).
 * Returns 0, 1 when the row contradicts the history (reason in msg,
 * nothing written), -1 when the store failed. */
static int record_span(import_run *run, const employment_row *row, int known, char *msg, size_t msglen) {
  int rc;
  if (run->opt->snapshot) {
    int earlier = employment_earlier_list(&run->employment, row->organization_id, run->opt->snapshot);
    rc = earlier < 0 ? -2
                     : employment_listed(&run->employment, row, run->opt->snapshot, earlier, known, msg, msglen);
  } else {
    rc = employment_record(&run->employment, row, known, msg, msglen);
  }
  if (rc == -2) snprintf(msg, msglen, _("store refused the employment span: %s"), sqlite3_errmsg(run->db));
  return rc == 0 ? 0 : rc == -1 ? 1 : -1;
}

/* Writes a staff row with its span, as one step, with the upsert bound:
 * a worker the store knows has the span first (a row it refuses writes
 * nothing), then the row, then staff is told the latest span; a new worker
 * has the row first (the span refers to it), then their first span, which
 * a history cannot contradict. Returns as store_row. */
static int store_staff_row(import_run *run, const typed_value *v, int stored, char *msg, size_t msglen) {
  employment_row span = span_row(run, v);
  int known = stored ? employment_known(&run->employment, span.staff_id) : 0; /* spans refer to staff */
  if (known < 0) {
    snprintf(msg, msglen, _("store refused the employment span: %s"), sqlite3_errmsg(run->db));
    return -1;
  }
  int rc = 0;
  if (known) rc = record_span(run, &span, known, msg, msglen);
  else if (run->opt->snapshot && employment_listed_refused(&span, run->opt->snapshot, msg, msglen) != 0) rc = 1;
  if (rc != 0) return rc;
  if (sqlite3_step(run->upsert) != SQLITE_DONE) {
    snprintf(msg, msglen, _("store refused the row: %s"), sqlite3_errmsg(run->db));
    return -1;
  }
  if (!known) return record_span(run, &span, known, msg, msglen) == 0 ? 0 : -1;
  if (employment_sync(&run->employment, &span) != 0) {
    snprintf(msg, msglen, _("store refused the employment span: %s"), sqlite3_errmsg(run->db));
    return -1;
  }
  return 0;
}

/* Binds a validated row to st (the insert or the upsert: the same
 * parameters). The values are not copied: st must be stepped and its
 * bindings cleared while v and extra live. */
static void bind_row(const import_run *run, sqlite3_stmt *st, const typed_value *v, const char *extra) {
  const entity_def *e = run->entity;
  int p = 0;
  for (size_t f = 0; f < e->nfields; f++) {
    if (e->fields[f].span_only) continue;
    p++;
    if (!v[f].present) continue;
    switch (e->fields[f].type) {
    case FIELD_YEAR:
    case FIELD_BOOL: sqlite3_bind_int64(st, p, v[f].integer); break;
    case FIELD_DECIMAL: sqlite3_bind_double(st, p, v[f].decimal); break;
    case FIELD_DATE: sqlite3_bind_text(st, p, v[f].date, -1, SQLITE_STATIC); break;
    default: sqlite3_bind_text(st, p, v[f].text, -1, SQLITE_STATIC); break;
    }
  }
  if (extra) sqlite3_bind_text(st, p + 1, extra, -1, SQLITE_STATIC);
}

/* Steps a bound statement that writes; resets it and clears its
 * bindings. Returns SQLite's result code of the step. */
static int write_step(import_run *run, sqlite3_stmt *st, char *msg, size_t msglen) {
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE) snprintf(msg, msglen, _("store refused the row: %s"), sqlite3_errmsg(run->db));
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc;
}

/* A row whose id the store holds: refused when another municipality owns
 * the id or the file has given the id before, else the stored row is
 * updated. Returns as store_row. */
static int update_stored(import_run *run, const rows_row *row, const typed_value *v, const char *extra, char *msg,
                         size_t msglen) {
  if (check_owner(run, v, msg, msglen) != 0) return 1;
  sqlite3_int64 rowid = stored_rowid(run, v[0].text);
  if (rowid < 0) {
    snprintf(msg, msglen, "store: %s", sqlite3_errmsg(run->db));
    return -1;
  }
  if (rowid > run->base_rowid) { /* inserted by this very file */
    snprintf(msg, msglen, _("%s: the same id is already on line %lld (%.300s)"), column_name(run, 0),
             line_of(run, rowid), v[0].text);
    return 1;
  }
  if (check_unique(run, row, v[0].text, msg, msglen) != 0) return 1; /* stored before: updated once */
  bind_row(run, run->upsert, v, extra);
  if (write_step(run, run->upsert, msg, msglen) != SQLITE_DONE) return -1;
  run->report->updated++;
  return 0;
}

/* A row of an entity without spans: inserted as new, which one b-tree
 * search of the id decides, and only when the store holds the id already
 * checked and updated (update_stored). Returns as store_row. */
static int store_plain_row(import_run *run, const rows_row *row, const typed_value *v, const char *extra, char *msg,
                           size_t msglen) {
  bind_row(run, run->insert, v, extra);
  int rc = write_step(run, run->insert, msg, msglen);
  if (rc == SQLITE_DONE) {
    sqlite3_int64 rowid = sqlite3_last_insert_rowid(run->db);
    if (rowid <= run->base_rowid) { /* SQLite ran out of rowids and chose one at random: remember the id */
      if (check_unique(run, row, v[0].text, msg, msglen) != 0) return -1;
    } else if (mark_line(run, rowid, row->line) != 0) {
      snprintf(msg, msglen, _("out of memory"));
      return -1;
    }
    run->report->inserted++;
    return 0;
  }
  int code = sqlite3_extended_errcode(run->db);
  if (code != SQLITE_CONSTRAINT_PRIMARYKEY && code != SQLITE_CONSTRAINT_UNIQUE) return -1;
  return update_stored(run, row, v, extra, msg, msglen);
}

/* Writes a validated row (a staff row with its span, as one step; stored:
 * whether the store holds the worker, check_staff_row); counts it as
 * inserted or updated. Returns 0, 1 when the row is refused
 * after all (reason in msg, nothing of it written), -1 when the store failed. */
static int store_row(import_run *run, const rows_row *row, const typed_value *v, int stored, char *msg,
                     size_t msglen) {
  char *extra = extra_json(run, row, v);
  int rc;
  if (run->spans) {
    bind_row(run, run->upsert, v, extra);
    rc = store_staff_row(run, v, stored, msg, msglen);
    sqlite3_reset(run->upsert);
    sqlite3_clear_bindings(run->upsert);
    if (rc == 0 && stored) run->report->updated++;
    else if (rc == 0) run->report->inserted++;
  } else {
    rc = store_plain_row(run, row, v, extra, msg, msglen);
  }
  cJSON_free(extra);
  return rc;
}

/* Records a rejected row in the report and, when the valid rows are
 * imported without it, in the file of rejected rows. Returns 0, -1 when
 * memory runs out, -2 when the rejected file cannot be written (err). */
static int add_problem(import_run *run, const rows_row *row, const char *msg, char *err, size_t errlen) {
  import_report *r = run->report;
  /* past the messages the caller keeps, a row is only counted: memory stays flat however many are rejected */
  size_t keep = run->opt->keep_problems;
  if (!keep || r->kept < keep) {
    if (import_report_add(r, run->where, row->line, msg) != 0) return -1;
  } else {
    r->rejected++;
  }
  if (!run->opt->skip_invalid || run->opt->dry_run) return 0;
  char reason[3400];
  snprintf(reason, sizeof reason, "%s:%zu: %s", run->where, row->line, msg);
  if (!run->rejected) {
    rows_rejected_path(run->path, rows_format_of(run->src), r->rejected_path, sizeof r->rejected_path);
    if (rows_rejected_open(run->src, r->rejected_path, &run->rejected, err, errlen) != 0) {
      r->rejected_path[0] = '\0';
      return -2;
    }
  }
  return rows_rejected_add(run->rejected, row, reason, err, errlen) == 0 ? 0 : -2;
}

/* The identity of a row within its file: the id, and for a staff
 * history (rows with hire dates) the id and the hire date. */
static const char *unique_key(import_run *run, const typed_value *v, char *buf, size_t len) {
  const char *hire = run->spans && !run->opt->snapshot ? row_date(run, v, "hire_date") : NULL;
  if (!hire) return v[0].text;
  size_t n = strlen(v[0].text), h = strlen(hire);
  if (n + 1 + h >= len) { /* cut as snprintf cuts it */
    snprintf(buf, len, "%s|%s", v[0].text, hire);
    return buf;
  }
  /* by hand: snprintf's parsing of its format was 1 % of a staff import */
  memcpy(buf, v[0].text, n);
  buf[n] = '|';
  memcpy(buf + n + 1, hire, h + 1);
  return buf;
}

/* A row of a staff file that is not a list, written at once as the row
 * of a worker new to the store by an insert that does nothing when the
 * store holds the id: the b-tree search that told a new worker from a
 * stored one (stored_rowid) is the insert's own. A new worker's row is
 * checked and written as check_staff_row and store_staff_row would (its
 * identity kept, remember_seen; its first span, record_span). Returns 0
 * when written, 2 when the store holds the worker (nothing written: the
 * row goes their way), -1 when the store failed. */
static int store_new_worker(import_run *run, const rows_row *row, const typed_value *v, char *key, size_t keylen,
                            char *msg, size_t msglen) {
  char *extra = extra_json(run, row, v);
  bind_row(run, run->insert_new, v, extra);
  int rc = sqlite3_step(run->insert_new);
  int written = rc == SQLITE_DONE && sqlite3_changes(run->db) == 1;
  if (rc != SQLITE_DONE) snprintf(msg, msglen, _("store refused the row: %s"), sqlite3_errmsg(run->db));
  sqlite3_reset(run->insert_new);
  sqlite3_clear_bindings(run->insert_new);
  cJSON_free(extra);
  if (rc != SQLITE_DONE) return -1;
  if (!written) return 2;
  if (remember_seen(run, row, unique_key(run, v, key, keylen), msg, msglen) != 0) return -1;
  employment_row span = span_row(run, v);
  if (record_span(run, &span, 0, msg, msglen) != 0) return -1;
  run->report->inserted++;
  return 0;
}

/* The checks of a staff row against the store and the file: its id is
 * not another municipality's, its identity not the file's already.
 * *stored says whether the store holds the worker. Returns 0, 1 when the
 * row is refused (reason in msg), -1 when the store failed. */
static int check_staff_row(import_run *run, const rows_row *row, const typed_value *v, char *key, size_t keylen,
                           int *stored, char *msg, size_t msglen) {
  sqlite3_int64 rowid = stored_rowid(run, v[0].text);
  if (rowid < 0) {
    snprintf(msg, msglen, "store: %s", sqlite3_errmsg(run->db));
    return -1;
  }
  *stored = rowid > 0;
  if (*stored && check_owner(run, v, msg, msglen) != 0) return 1; /* a new id has no owner yet */
  const char *identity = unique_key(run, v, key, keylen);
  if (!*stored && !run->opt->snapshot) return remember_seen(run, row, identity, msg, msglen) == 0 ? 0 : 1;
  return check_unique(run, row, identity, msg, msglen) == 0 ? 0 : 1;
}

/* A rejected row of a staff list still names a worker who is there: they
 * must not be closed as left. */
static int keep_listed(import_run *run, const rows_row *row) {
  if (!run->spans || !run->opt->snapshot || run->column_of_field[0] < 0) return 0;
  const char *cell = rows_cell(row, (size_t)run->column_of_field[0]);
  if (!cell) return 0;
  char *id = text_trimmed_copy(cell);
  if (!id) return -1;
  if (*id) {
    sqlite3_stmt *st = run->employment.listed;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, "", -1, SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  free(id);
  return 0;
}

/* Validates and stores every data row. Returns -1 only on a failure of the
 * file, the store or memory, which aborts the whole import. */
static int import_rows(import_run *run, char *err, size_t errlen) {
  const entity_def *e = run->entity;
  typed_value v[16];
  char key[1024];
  rows_row row;
  int more;
  while ((more = rows_next(run->src, &row, err, errlen)) == 1) {
    char msg[3200], inner[3200];
    memset(v, 0, sizeof v);
    run->report->rows++;
    /* a row of an entity without spans is checked against the stored rows only when its id is there */
    int stored = 0;
    int rc = validate_row(run, &row, v, msg, sizeof msg) == 0 ? 0 : 1;
    /* a new worker tried first, unless the last row's was stored: a file read again holds stored ones */
    int written = 0;
    if (rc == 0 && run->spans && !run->opt->snapshot && !run->last_stored) {
      rc = store_new_worker(run, &row, v, key, sizeof key, msg, sizeof msg);
      written = rc != 2;
      if (rc == 2) rc = 0;
    }
    if (rc == 0 && run->spans && !written) rc = check_staff_row(run, &row, v, key, sizeof key, &stored, msg, sizeof msg);
    if (rc == 0 && !written) rc = store_row(run, &row, v, stored, msg, sizeof msg);
    if (run->spans && (rc == 0 || stored)) run->last_stored = !written && stored;
    if (rc == 1) {
      rc = add_problem(run, &row, msg, inner, sizeof inner);
      if (rc == 0 && keep_listed(run, &row) != 0) rc = -2;
      else if (rc == -1) rc = -2;
      else if (rc == -2) rc = -3;
    }
    for (size_t f = 0; f < e->nfields; f++) free(v[f].owned);
    if (rc == -3) {
      snprintf(err, errlen, "%s", inner);
      return -1;
    }
    if (rc != 0) {
      snprintf(err, errlen, "%s:%zu: %s", run->where, row.line, rc == -1 ? msg : _("out of memory"));
      return -1;
    }
    unsigned long long done, total;
    rows_progress(run->src, &done, &total);
    progress_update(&run->progress, run->report->rows, done, total);
  }
  return more < 0 ? -1 : 0;
}

/* Ends the file of rejected rows: kept (under its final name) or removed. */
static int finish_rejected(import_run *run, int keep, char *err, size_t errlen) {
  if (!run->rejected) return 0;
  int rc = rows_rejected_finish(run->rejected, keep, err, errlen);
  run->rejected = NULL;
  if (!keep || rc != 0) run->report->rejected_path[0] = '\0';
  return rc;
}

/* Notes the import as evidence of data collection. */
static int log_import(import_run *run, char *err, size_t errlen) {
  sqlite3_stmt *st;
  if (prepare(run, "INSERT INTO import_log (entity, file, rows_imported, rows_rejected)"
                   " VALUES (?, ?, ?, ?)", &st, err, errlen) != 0)
    return -1;
  sqlite3_bind_text(st, 1, run->entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, run->path, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, (sqlite3_int64)(run->report->inserted + run->report->updated));
  sqlite3_bind_int64(st, 4, (sqlite3_int64)run->report->rejected);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
  if (rc != 0) snprintf(err, errlen, "%s: store: %s", run->path, sqlite3_errmsg(run->db));
  sqlite3_finalize(st);
  return rc;
}

/* Validates, writes, and decides between commit and rollback. */
static int import_in_transaction(import_run *run, const import_options *opt, char *err, size_t errlen) {
  if (map_header(run, err, errlen) != 0 || check_personal(run, opt, err, errlen) != 0 ||
      set_indexes_aside(run, err, errlen) != 0 || prepare_statements(run, err, errlen) != 0 ||
      import_rows(run, err, errlen) != 0)
    return -1;
  char inner[512];
  if (run->spans && employment_flush(&run->employment, inner, sizeof inner) != 0) { /* the spans still queued */
    snprintf(err, errlen, "%s: %s", run->path, inner);
    return -1;
  }
  import_report *r = run->report;
  /* not for an import that is rolled back (which gives them back) */
  if ((r->rejected == 0 || opt->skip_invalid) && !opt->dry_run && restore_indexes(run, err, errlen) != 0) return -1;
  if (run->spans && opt->snapshot && (r->rejected == 0 || opt->skip_invalid) &&
      employment_finish_list(&run->employment, opt->snapshot, run->path, err, errlen) != 0)
    return -1;
  if (run->spans) r->spans_opened = run->employment.opened, r->spans_closed = run->employment.closed;
  if (r->rejected > 0 && !opt->skip_invalid) return 1;
  if (opt->dry_run) return 0;
  if (finish_rejected(run, 1, err, errlen) != 0) return -1;
  if (log_import(run, err, errlen) != 0) return -1;
  return 2; /* commit */
}

/* The page cache of an import's transaction, in KiB. With SQLite's
 * default (2 MB) the new pages of a long transaction spill into the
 * write-ahead log before the commit; measured on a region's activities
 * (150,836 rows, /usr/bin/time, two alternating runs each): 2 MB 233-258 k
 * blocks written and 3.3 s of system time, 16 MB 203-217 k and 1.9 s, at
 * 33 MB peak RSS (32 MB: 173 k blocks, but 53 MB peak, over the 50 MB the
 * import is allowed for a region). Wall time moved with the machine's load. */
#define IMPORT_CACHE_KIB 16384

/* Sets the import's page cache; returns the connection's own setting (PRAGMA cache_size) to restore. */
static long long bulk_cache(sqlite3 *db) {
  long long before = -2000; /* SQLite's default */
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) before = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", IMPORT_CACHE_KIB);
  sqlite3_exec(db, sql, NULL, NULL, NULL); /* only a cache: the import goes on without it */
  return before;
}

/* Gives the connection its page cache back (a web workplace keeps its connection). */
static void restore_cache(sqlite3 *db, long long cache) {
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", cache);
  sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* The connection's PRAGMA foreign_keys (1 when it could not be read: the
 * store's own setting, store.c). */
static int foreign_keys_of(sqlite3 *db) {
  int on = 1;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "PRAGMA foreign_keys", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) on = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  return on;
}

/* Sets PRAGMA foreign_keys, which SQLite only changes outside a transaction. */
static void set_foreign_keys(sqlite3 *db, int on) {
  sqlite3_exec(db, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
}

int import_file(sqlite3 *db, const char *entity, const char *path, const import_options *opt,
                import_report *report, char *err, size_t errlen) {
  memset(report, 0, sizeof *report);
  const entity_def *e = entity_find(entity);
  if (!e) {
    snprintf(err, errlen, _("unknown entity '%s'; expected one of %s"), entity, entity_names());
    return -1;
  }
  char snapshot[11];
  import_options checked = *opt;
  if (opt->snapshot) {
    if (strcmp(e->table, "staff") != 0) {
      snprintf(err, errlen, _("--snapshot: only a staff list has a date (the file is %s)"), entity);
      return -1;
    }
    if (value_parse_date(opt->snapshot, snapshot) != 0) {
      snprintf(err, errlen, _("--snapshot: not a date (write 2023-09-01 or 01.09.2023): %s"), opt->snapshot);
      return -1;
    }
    checked.snapshot = snapshot;
    opt = &checked;
  }
  rows_source *src;
  rows_options ro = {.sheet = opt->sheet, .encoding = opt->encoding};
  if (rows_open(path, &ro, &src, err, errlen) != 0) return -1;
  import_run run = {.db = db, .entity = e, .src = src, .header = rows_header(src), .path = path,
                    .where = rows_where(src), .report = report, .opt = opt};
  store_meta_get(db, "municipality", run.municipality, sizeof run.municipality);
  char inner[512];
  long long cache = bulk_cache(db);
  /* SQLite's own foreign keys are off for the import's transaction: every
   * reference a row makes is looked up by the importer before the row is
   * written (validate_row, one indexed probe per field with a reference,
   * refused with its own message), and an employment span refers to the
   * worker just written and their checked organization. Checked again,
   * each row's insert cost two more index searches and a statement journal
   * (a page copied per b-tree and row) for an abort that cannot come. */
  int foreign_keys = foreign_keys_of(db);
  if (foreign_keys) set_foreign_keys(db, 0);
  int rc = store_exec(db, "BEGIN IMMEDIATE", inner, sizeof inner);
  if (rc != 0) {
    snprintf(err, errlen, _("%s: store is busy or read-only: %s"), path, inner);
  } else {
    progress_begin(&run.progress, opt->progress, path);
    rc = import_in_transaction(&run, opt, err, errlen);
    progress_end(&run.progress);
    run_close(&run);
    char inner_err[512];
    finish_rejected(&run, 0, inner_err, sizeof inner_err); /* still open: the import did not go through */
    if (rc == 2 && store_exec(db, "COMMIT", inner, sizeof inner) != 0) {
      snprintf(err, errlen, _("%s: commit failed: %s"), path, inner);
      rc = -1;
    }
    if (rc != 2) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (rc == 2 && store_refresh_statistics_after(db, e->table, inner, sizeof inner) != 0)
      snprintf(report->warning, sizeof report->warning,
               _("%s: imported, but the query statistics were not refreshed (evaluation may be slower): %s"), path, inner);
    report->written = rc == 2;
    if (rc == 2) rc = 0;
  }
  if (foreign_keys) set_foreign_keys(db, 1);
  restore_cache(db, cache);
  if (rc == -1 && !report->written && report->rejected_path[0]) {
    remove(report->rejected_path); /* rows were not imported; the aside file would mislead */
    report->rejected_path[0] = '\0';
  }
  rows_close(src);
  return rc;
}

int import_report_add(import_report *r, const char *path, size_t line, const char *message) {
  if (r->kept == r->capacity) {
    size_t cap = r->capacity ? r->capacity * 2 : 16;
    import_problem *grown = realloc(r->problems, cap * sizeof *grown);
    if (!grown) return -1;
    r->problems = grown;
    r->capacity = cap;
  }
  size_t need = strlen(path) + strlen(message) + 32;
  char *text = malloc(need);
  if (!text) return -1;
  snprintf(text, need, "%s:%zu: %s", path, line, message);
  r->problems[r->kept].line = line;
  r->problems[r->kept].message = text;
  r->kept++;
  r->rejected++;
  return 0;
}

void import_report_free(import_report *report) {
  for (size_t i = 0; i < report->kept; i++) free(report->problems[i].message);
  free(report->problems);
  report->problems = NULL;
  report->rejected = report->kept = report->capacity = 0;
}
