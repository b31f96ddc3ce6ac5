/* xlsx_reader.c: one sheet of an Excel workbook, row by row, through libzip and expat, in
 * bounded memory, refusing hostile workbooks. The promises are in xlsx_reader.h. */
#include "xlsx_reader.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "i18n.h"
#include "text.h"

#define CHUNK 65536

/* ---- growing buffers ---- */

/* Bytes appended one piece after another, with a cap. */
typedef struct bytes {
  char *data;
  size_t len, cap;
} bytes;

/* Appends n bytes; -1 when memory runs out or the buffer would pass max. */
static int bytes_add(bytes *b, const char *s, size_t n, size_t max) {
  if (b->len + n + 1 > max) return -1;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) return -1;
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

/* ---- the reader ---- */

/* One sheet the workbook lists. */
typedef struct sheet_entry {
  char *name, *rid;
} sheet_entry;

/* What a sheet cell being parsed has collected. */
typedef struct cell_state {
  int open;          /* inside <c> */
  size_t column;     /* 0-based */
  char type[16];     /* the t attribute */
  unsigned style;    /* the s attribute */
  int in_value;      /* inside <v> */
  int in_text;       /* inside <t> of an inline string (not of a phonetic run) */
  int in_phonetic;   /* inside <rPh> */
  bytes text;        /* what <v> or <t> held */
} cell_state;

struct xlsx_reader {
  xlsx_limits limits;
  char *path;
  zip_t *zip;
  char sheet_name[256];
  char sheet_part[1024];
  int date1904;
  /* shared strings: offsets into one buffer */
  bytes shared;
  size_t *shared_at;
  size_t shared_count, shared_cap;
  /* styles: per cell format (xf), 1 when it shows a date */
  unsigned char *xf_date;
  size_t xf_count;
  /* the sheet being streamed */
  zip_file_t *file;
  zip_uint64_t compressed;
  size_t inflated;
  XML_Parser parser;
  char chunk[CHUNK];
  int suspended, finished, failed;
  int depth;
  char failure[512];       /* why the parse was stopped */
  size_t last_row, next_row_number, rows_seen;
  int in_row, row_ready;
  cell_state cell;
  size_t next_column;
  /* the row being built: cells as offsets into row_text */
  bytes row_text;
  size_t *cell_at;
  unsigned char *cell_kind;
  size_t cells_cap, row_count, row_number;
  const char **cell_ptr;
  size_t ptr_cap;
};

/* Writes "PATH: message" into err. */
__attribute__((format(printf, 4, 5)))
static void fail_file(const xlsx_reader *r, char *err, size_t errlen, const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(err, errlen, "%s: %s", r->path, msg);
}

int xlsx_looks_like(const char *data, size_t len) { return len >= 4 && !memcmp(data, "PK\3\4", 4); }

/* ---- parts of the archive, inflated in chunks under the caps ---- */

typedef struct part {
  zip_file_t *file;
  zip_uint64_t compressed;
  size_t inflated, cap;
  const char *name;
} part;

/* Checks a part's declared sizes and opens it. Returns 1 when opened, 0
 * when the archive has no such part, -1 with err. */
static int part_open(xlsx_reader *r, const char *name, size_t cap, part *p, char *err, size_t errlen) {
  memset(p, 0, sizeof *p);
  zip_int64_t index = zip_name_locate(r->zip, name, 0);
  if (index < 0) return 0;
  zip_stat_t st;
  if (zip_stat_index(r->zip, (zip_uint64_t)index, 0, &st) != 0) {
    fail_file(r, err, errlen, _("the workbook is damaged: %s: %s"), name, zip_strerror(r->zip));
    return -1;
  }
  if ((st.valid & ZIP_STAT_SIZE) && st.size > cap) {
    fail_file(r, err, errlen, _("%s inflates to %llu bytes, more than the %zu bytes allowed: refused as a possible zip bomb"),
              name, (unsigned long long)st.size, cap);
    return -1;
  }
  p->compressed = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  p->cap = cap;
  p->name = name;
  p->file = zip_fopen_index(r->zip, (zip_uint64_t)index, 0);
  if (!p->file) {
    fail_file(r, err, errlen, _("the workbook is damaged: %s: %s"), name, zip_strerror(r->zip));
    return -1;
  }
  return 1;
}

/* Reads the next chunk of a part. Returns the bytes read (0 at its end),
 * or -1 with err when the archive is damaged or the part passes a cap
 * whatever its header declared. */
static zip_int64_t part_read(xlsx_reader *r, part *p, char *buf, size_t n, char *err, size_t errlen) {
  zip_int64_t got = zip_fread(p->file, buf, n);
  if (got < 0) {
    fail_file(r, err, errlen, _("the workbook is damaged: %s: %s"), p->name, zip_file_strerror(p->file));
    return -1;
  }
  p->inflated += (size_t)got;
  if (p->inflated > p->cap) {
    fail_file(r, err, errlen, _("%s inflates to more than the %zu bytes allowed: refused as a possible zip bomb"), p->name,
              p->cap);
    return -1;
  }
  if (p->inflated > XLSX_RATIO_FREE_BYTES && p->inflated / XLSX_MAX_RATIO > p->compressed) {
    fail_file(r, err, errlen, _("%s inflates more than %d times its compressed size: refused as a possible zip bomb"),
              p->name, XLSX_MAX_RATIO);
    return -1;
  }
  return got;
}

static void part_close(part *p) {
  if (p->file) zip_fclose(p->file);
  p->file = NULL;
}

/* ---- XML with guards: no DTD, bounded depth ---- */

/* The handlers of one small part, with the guards every part shares. */
typedef struct xml_job {
  xlsx_reader *r;
  XML_Parser parser;
  int depth;
  char failure[512];
  void (*start)(struct xml_job *job, const char *local, const char **attrs);
  void (*end)(struct xml_job *job, const char *local);
  void (*text)(struct xml_job *job, const char *s, int len);
  void *ctx;
} xml_job;

/* The local part of an expanded name "namespace|local". */
static const char *local_name(const char *name) {
  const char *bar = strrchr(name, '|');
  return bar ? bar + 1 : name;
}

/* The value of the attribute whose local name is local (in a namespace
 * when namespaced, else in none), or NULL. */
static const char *attribute(const char **attrs, const char *local, int namespaced) {
  for (size_t i = 0; attrs[i]; i += 2) {
    const char *bar = strrchr(attrs[i], '|');
    if (namespaced ? bar && !strcmp(bar + 1, local) : !bar && !strcmp(attrs[i], local)) return attrs[i + 1];
  }
  return NULL;
}

/* Stops the parse for good, keeping why. */
__attribute__((format(printf, 2, 3)))
static void job_fail(xml_job *job, const char *fmt, ...) {
  if (job->failure[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(job->failure, sizeof job->failure, fmt, ap);
  va_end(ap);
  XML_StopParser(job->parser, XML_FALSE);
}

static void XMLCALL job_start(void *data, const char *name, const char **attrs) {
  xml_job *job = data;
  if (++job->depth > XLSX_MAX_DEPTH) {
    job_fail(job, _("XML nested deeper than %d elements: refused"), XLSX_MAX_DEPTH);
    return;
  }
  if (job->start) job->start(job, local_name(name), attrs);
}

static void XMLCALL job_end(void *data, const char *name) {
  xml_job *job = data;
  job->depth--;
  if (job->end) job->end(job, local_name(name));
}

static void XMLCALL job_text(void *data, const char *s, int len) {
  xml_job *job = data;
  if (job->text) job->text(job, s, len);
}

static void XMLCALL job_doctype(void *data, const char *name, const char *sysid, const char *pubid, int internal) {
  (void)name, (void)sysid, (void)pubid, (void)internal;
  job_fail(data, _("the XML declares a document type (DTD), where entity expansion hides: refused"));
}

static void XMLCALL job_entity(void *data, const char *name, int parameter, const char *value, int value_len,
                               const char *base, const char *sysid, const char *pubid, const char *notation) {
  (void)name, (void)parameter, (void)value, (void)value_len, (void)base, (void)sysid, (void)pubid, (void)notation;
  job_fail(data, _("the XML declares an entity: refused"));
}

/* A namespace-aware parser with the guards, calling back into job. */
static XML_Parser guarded_parser(xml_job *job) {
  XML_Parser p = XML_ParserCreateNS("UTF-8", '|');
  if (!p) return NULL;
  XML_SetUserData(p, job);
  XML_SetElementHandler(p, job_start, job_end);
  XML_SetCharacterDataHandler(p, job_text);
  XML_SetStartDoctypeDeclHandler(p, job_doctype);
  XML_SetEntityDeclHandler(p, job_entity);
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
#ifdef XML_DTD /* belt and braces: a DTD is refused before any entity is declared */
  XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, 10.0f);
#endif
  job->parser = p;
  return p;
}

/* Parses the whole part name with job's handlers. Returns 1, 0 when the
 * part is absent, -1 with err. */
static int parse_part(xlsx_reader *r, const char *name, size_t cap, xml_job *job, char *err, size_t errlen) {
  part p;
  int opened = part_open(r, name, cap, &p, err, errlen);
  if (opened <= 0) return opened;
  XML_Parser parser = guarded_parser(job);
  char *buf = malloc(CHUNK);
  int rc = parser && buf ? 1 : -1;
  if (rc < 0) fail_file(r, err, errlen, _("out of memory"));
  for (int final = 0; rc == 1 && !final;) {
    zip_int64_t n = part_read(r, &p, buf, CHUNK, err, errlen);
    if (n < 0) { rc = -1; break; }
    final = n == 0;
    if (XML_Parse(parser, buf, (int)n, final) != XML_STATUS_OK) {
      if (job->failure[0]) fail_file(r, err, errlen, "%s: %s", name, job->failure);
      else
        fail_file(r, err, errlen, _("the workbook is damaged: %s: line %lu: %s"), name,
                  (unsigned long)XML_GetCurrentLineNumber(parser), XML_ErrorString(XML_GetErrorCode(parser)));
      rc = -1;
    }
  }
  free(buf);
  if (parser) XML_ParserFree(parser);
  part_close(&p);
  return rc;
}

/* ---- relationships: which part is which ---- */

/* One relationship of a part. */
typedef struct relation {
  char id[64], type[256], target[512];
} relation;

typedef struct relations {
  relation *items;
  size_t n, cap;
} relations;

static void rels_start(xml_job *job, const char *local, const char **attrs) {
  relations *rels = job->ctx;
  if (strcmp(local, "Relationship")) return;
  const char *id = attribute(attrs, "Id", 0), *type = attribute(attrs, "Type", 0), *target = attribute(attrs, "Target", 0);
  if (!id || !type || !target) return;
  if (rels->n == rels->cap) {
    if (rels->cap >= 100000) { job_fail(job, _("too many relationships")); return; }
    size_t cap = rels->cap ? rels->cap * 2 : 16;
    relation *grown = realloc(rels->items, cap * sizeof *grown);
    if (!grown) { job_fail(job, _("out of memory")); return; }
    rels->items = grown;
    rels->cap = cap;
  }
  relation *x = &rels->items[rels->n++];
  snprintf(x->id, sizeof x->id, "%s", id);
  snprintf(x->type, sizeof x->type, "%s", type);
  snprintf(x->target, sizeof x->target, "%s", target);
}

/* Reads the relationships of the part at base ("xl/workbook.xml" has
 * "xl/_rels/workbook.xml.rels"; "" the package's "_rels/.rels"). */
static int read_relations(xlsx_reader *r, const char *base, relations *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  char name[1100];
  const char *slash = strrchr(base, '/');
  if (slash) snprintf(name, sizeof name, "%.*s/_rels/%s.rels", (int)(slash - base), base, slash + 1);
  else snprintf(name, sizeof name, "_rels/%s.rels", base);
  xml_job job = {.r = r, .start = rels_start, .ctx = out};
  return parse_part(r, name, XLSX_MAX_PART_BYTES, &job, err, errlen) < 0 ? -1 : 0;
}

/* The part a relationship's target names, relative to the folder of
 * base or absolute ("/xl/..."), with "./" and "../" resolved. */
static void resolve_target(const char *base, const char *target, char *out, size_t outlen) {
  char joined[1200];
  const char *slash = strrchr(base, '/');
  if (target[0] == '/') snprintf(joined, sizeof joined, "%s", target + 1);
  else if (slash) snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - base), base, target);
  else snprintf(joined, sizeof joined, "%s", target);
  size_t o = 0;
  out[0] = '\0';
  for (char *seg = strtok(joined, "/"); seg; seg = strtok(NULL, "/")) {
    if (!strcmp(seg, ".")) continue;
    if (!strcmp(seg, "..")) {
      char *up = strrchr(out, '/');
      o = up ? (size_t)(up - out) : 0;
      out[o] = '\0';
      continue;
    }
    int n = snprintf(out + o, outlen - o, "%s%s", o ? "/" : "", seg);
    if (n < 0 || (size_t)n >= outlen - o) break;
    o += (size_t)n;
  }
}

/* The relationship whose type ends with suffix, or NULL. */
static const relation *relation_of_type(const relations *rels, const char *suffix) {
  size_t n = strlen(suffix);
  for (size_t i = 0; i < rels->n; i++) {
    size_t len = strlen(rels->items[i].type);
    if (len >= n && !strcmp(rels->items[i].type + len - n, suffix)) return &rels->items[i];
  }
  return NULL;
}

/* ---- the workbook: its sheets and date system ---- */

typedef struct sheets {
  sheet_entry *items;
  size_t n, cap;
  int date1904;
} sheets;

static void workbook_start(xml_job *job, const char *local, const char **attrs) {
  sheets *s = job->ctx;
  if (!strcmp(local, "workbookPr")) {
    const char *d = attribute(attrs, "date1904", 0);
    s->date1904 = d && (!strcmp(d, "1") || !strcmp(d, "true"));
    return;
  }
  if (strcmp(local, "sheet")) return;
  const char *name = attribute(attrs, "name", 0), *rid = attribute(attrs, "id", 1);
  if (!name || !rid) return;
  if (s->n == s->cap) {
    if (s->cap >= 4096) { job_fail(job, _("too many sheets")); return; }
    size_t cap = s->cap ? s->cap * 2 : 8;
    sheet_entry *grown = realloc(s->items, cap * sizeof *grown);
    if (!grown) { job_fail(job, _("out of memory")); return; }
    s->items = grown;
    s->cap = cap;
  }
  s->items[s->n].name = strdup(name);
  s->items[s->n].rid = strdup(rid);
  if (!s->items[s->n].name || !s->items[s->n].rid) {
    free(s->items[s->n].name);
    free(s->items[s->n].rid);
    job_fail(job, _("out of memory"));
    return;
  }
  s->n++;
}

static void sheets_free(sheets *s) {
  for (size_t i = 0; i < s->n; i++) free(s->items[i].name), free(s->items[i].rid);
  free(s->items);
}

/* ---- styles: which cell formats are dates ---- */

typedef struct number_format {
  unsigned id;
  int date;
} number_format;

typedef struct styles {
  number_format *formats;
  size_t nformats, formats_cap;
  unsigned char *xf_date;
  size_t nxf, xf_cap;
  int in_cell_xfs;
} styles;

static int format_date(const styles *s, unsigned id) {
  for (size_t i = 0; i < s->nformats; i++)
    if (s->formats[i].id == id) return s->formats[i].date;
  return xlsx_builtin_is_date(id);
}

static void styles_start(xml_job *job, const char *local, const char **attrs) {
  styles *s = job->ctx;
  if (!strcmp(local, "cellXfs")) { s->in_cell_xfs = 1; return; }
  if (!strcmp(local, "numFmt")) {
    const char *id = attribute(attrs, "numFmtId", 0), *code = attribute(attrs, "formatCode", 0);
    if (!id || !code) return;
    if (s->nformats == s->formats_cap) {
      if (s->formats_cap >= XLSX_MAX_STYLES) { job_fail(job, _("too many number formats")); return; }
      size_t cap = s->formats_cap ? s->formats_cap * 2 : 16;
      number_format *grown = realloc(s->formats, cap * sizeof *grown);
      if (!grown) { job_fail(job, _("out of memory")); return; }
      s->formats = grown;
      s->formats_cap = cap;
    }
    s->formats[s->nformats].id = (unsigned)strtoul(id, NULL, 10);
    s->formats[s->nformats++].date = xlsx_format_is_date(code);
    return;
  }
  if (strcmp(local, "xf") || !s->in_cell_xfs) return;
  if (s->nxf == s->xf_cap) {
    if (s->xf_cap >= XLSX_MAX_STYLES) { job_fail(job, _("too many cell formats")); return; }
    size_t cap = s->xf_cap ? s->xf_cap * 2 : 16;
    unsigned char *grown = realloc(s->xf_date, cap);
    if (!grown) { job_fail(job, _("out of memory")); return; }
    s->xf_date = grown;
    s->xf_cap = cap;
  }
  const char *id = attribute(attrs, "numFmtId", 0);
  s->xf_date[s->nxf++] = (unsigned char)(id ? format_date(s, (unsigned)strtoul(id, NULL, 10)) : 0);
}

static void styles_end(xml_job *job, const char *local) {
  styles *s = job->ctx;
  if (!strcmp(local, "cellXfs")) s->in_cell_xfs = 0;
}

/* ---- shared strings ---- */

typedef struct shared_state {
  int in_si, in_t, in_phonetic;
  size_t start;
} shared_state;

static void shared_start(xml_job *job, const char *local, const char **attrs) {
  (void)attrs;
  shared_state *st = job->ctx;
  xlsx_reader *r = job->r;
  if (!strcmp(local, "si")) {
    if (r->shared_count == r->shared_cap) {
      if (r->shared_cap >= r->limits.shared_count) {
        job_fail(job, _("more than %zu shared strings: refused"), r->limits.shared_count);
        return;
      }
      size_t cap = r->shared_cap ? r->shared_cap * 2 : 1024;
      if (cap > r->limits.shared_count) cap = r->limits.shared_count;
      size_t *grown = realloc(r->shared_at, cap * sizeof *grown);
      if (!grown) { job_fail(job, _("out of memory")); return; }
      r->shared_at = grown;
      r->shared_cap = cap;
    }
    st->in_si = 1;
    st->start = r->shared.len;
  } else if (!strcmp(local, "rPh")) {
    st->in_phonetic = 1;
  } else if (!strcmp(local, "t") && st->in_si && !st->in_phonetic) {
    st->in_t = 1;
  }
}

static void shared_end(xml_job *job, const char *local) {
  shared_state *st = job->ctx;
  xlsx_reader *r = job->r;
  if (!strcmp(local, "t")) st->in_t = 0;
  else if (!strcmp(local, "rPh")) st->in_phonetic = 0;
  else if (!strcmp(local, "si") && st->in_si) {
    st->in_si = 0;
    if (bytes_add(&r->shared, "", 1, r->limits.shared_bytes) != 0) {
      job_fail(job, _("the shared strings pass %zu bytes: refused"), r->limits.shared_bytes);
      return;
    }
    r->shared_at[r->shared_count++] = st->start;
  }
}

static void shared_text(xml_job *job, const char *s, int len) {
  shared_state *st = job->ctx;
  xlsx_reader *r = job->r;
  if (!st->in_t) return;
  if (r->shared.len - st->start + (size_t)len > XLSX_MAX_CELL_BYTES) {
    job_fail(job, _("a shared string is longer than Excel allows (32 767 characters): refused"));
    return;
  }
  if (bytes_add(&r->shared, s, (size_t)len, r->limits.shared_bytes) != 0)
    job_fail(job, _("the shared strings pass %zu bytes: refused"), r->limits.shared_bytes);
}

/* ---- opening ---- */

/* Reads the workbook's parts: relationships, sheets, styles, shared
 * strings; chooses the sheet. */
static int read_workbook(xlsx_reader *r, const char *wanted, char *err, size_t errlen) {
  relations package, book;
  char workbook[1024] = "xl/workbook.xml";
  if (read_relations(r, "", &package, err, errlen) != 0) return -1;
  const relation *office = relation_of_type(&package, "/officeDocument");
  if (office) resolve_target("", office->target, workbook, sizeof workbook);
  free(package.items);
  if (read_relations(r, workbook, &book, err, errlen) != 0) return -1;
  sheets s = {0};
  xml_job job = {.r = r, .start = workbook_start, .ctx = &s};
  int rc = parse_part(r, workbook, XLSX_MAX_PART_BYTES, &job, err, errlen);
  if (rc == 0) fail_file(r, err, errlen, _("not an Excel workbook (no %s): save it as .xlsx"), workbook);
  if (rc == 1 && s.n == 0) {
    fail_file(r, err, errlen, _("the workbook has no sheets"));
    rc = 0;
  }
  const sheet_entry *chosen = NULL;
  char want[512], have[512];
  for (size_t i = 0; rc == 1 && i < s.n && !chosen; i++)
    if (!wanted || (text_fold(wanted, want, sizeof want) && text_fold(s.items[i].name, have, sizeof have) && !strcmp(want, have)))
      chosen = &s.items[i];
  if (rc == 1 && !chosen) {
    char names[1024] = "";
    for (size_t i = 0, o = 0; i < s.n && o < sizeof names; i++)
      o += (size_t)snprintf(names + o, sizeof names - o, "%s«%s»", i ? ", " : "", s.items[i].name);
    fail_file(r, err, errlen, _("no sheet called «%s»; the workbook has %s"), wanted, names);
    rc = 0;
  }
  const relation *target = NULL;
  for (size_t i = 0; rc == 1 && i < book.n && !target; i++)
    if (!strcmp(book.items[i].id, chosen->rid)) target = &book.items[i];
  if (rc == 1 && !target) {
    fail_file(r, err, errlen, _("the workbook is damaged: sheet «%s» has no part"), chosen->name);
    rc = 0;
  }
  if (rc == 1) {
    snprintf(r->sheet_name, sizeof r->sheet_name, "%s", chosen->name);
    resolve_target(workbook, target->target, r->sheet_part, sizeof r->sheet_part);
    r->date1904 = s.date1904;
  }
  sheets_free(&s);
  char name[1100];
  const relation *style_rel = rc == 1 ? relation_of_type(&book, "/styles") : NULL;
  if (style_rel) {
    styles st = {0};
    resolve_target(workbook, style_rel->target, name, sizeof name);
    xml_job sj = {.r = r, .start = styles_start, .end = styles_end, .ctx = &st};
    if (parse_part(r, name, XLSX_MAX_PART_BYTES, &sj, err, errlen) < 0) rc = -1;
    r->xf_date = st.xf_date;
    r->xf_count = st.nxf;
    free(st.formats);
  }
  const relation *shared_rel = rc == 1 ? relation_of_type(&book, "/sharedStrings") : NULL;
  if (shared_rel) {
    shared_state ss = {0};
    resolve_target(workbook, shared_rel->target, name, sizeof name);
    xml_job shj = {.r = r, .start = shared_start, .end = shared_end, .text = shared_text, .ctx = &ss};
    if (parse_part(r, name, XLSX_MAX_SHARED_PART_BYTES, &shj, err, errlen) < 0) rc = -1;
  }
  free(book.items);
  return rc == 1 ? 0 : -1;
}

/* ---- the sheet, streamed ---- */

/* Writes "PATH:SHEET:ROW: message" (or without ROW before the first row). */
static void fail_sheet(const xlsx_reader *r, char *err, size_t errlen, const char *msg) {
  if (r->row_number) snprintf(err, errlen, "%s:%s:%zu: %s", r->path, r->sheet_name, r->row_number, msg);
  else snprintf(err, errlen, "%s:%s: %s", r->path, r->sheet_name, msg);
}

/* Stops the sheet's parse for good, keeping why. */
__attribute__((format(printf, 2, 3)))
static void sheet_fail(xlsx_reader *r, const char *fmt, ...) {
  if (r->failure[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->failure, sizeof r->failure, fmt, ap);
  va_end(ap);
  r->failed = 1;
  XML_StopParser(r->parser, XML_FALSE);
}

/* Parses a cell reference "B12" into a 0-based column; -1 when malformed or beyond XFD. */
static long column_of_reference(const char *ref) {
  long col = 0;
  size_t letters = 0;
  for (; *ref >= 'A' && *ref <= 'Z'; ref++, letters++) {
    col = col * 26 + (*ref - 'A' + 1);
    if (col > XLSX_MAX_COLUMNS) return -1;
  }
  if (!letters || *ref < '0' || *ref > '9') return -1;
  return col - 1;
}

/* Makes room for cell index column in the row being built. */
static int row_reserve(xlsx_reader *r, size_t column) {
  if (column < r->cells_cap) return 0;
  size_t cap = r->cells_cap ? r->cells_cap : 32;
  while (cap <= column) cap *= 2;
  size_t *at = realloc(r->cell_at, cap * sizeof *at);
  if (!at) return -1;
  r->cell_at = at;
  unsigned char *kind = realloc(r->cell_kind, cap);
  if (!kind) return -1;
  r->cell_kind = kind;
  for (size_t i = r->cells_cap; i < cap; i++) r->cell_at[i] = (size_t)-1, r->cell_kind[i] = XLSX_TEXT;
  r->cells_cap = cap;
  return 0;
}

/* Formats a number as pdmon reads numbers: Excel's 15 significant digits, no exponent. */
static void format_number(double x, char *out, size_t len) {
  double a = fabs(x);
  if (a != 0 && (a < 1e-4 || a >= 1e15)) {
    snprintf(out, len, "%.20f", x);
    char *dot = strchr(out, '.');
    if (dot) {
      char *end = out + strlen(out) - 1;
      while (end > dot && *end == '0') *end-- = '\0';
      if (end == dot) *end = '\0';
    }
  } else {
    snprintf(out, len, "%.15g", x);
  }
}

/* Stores the finished cell's value in the row. */
static void finish_cell(xlsx_reader *r) {
  cell_state *c = &r->cell;
  const char *raw = c->text.data ? c->text.data : "";
  char buf[64];
  const char *value = raw;
  unsigned char kind = XLSX_TEXT;
  if (!strcmp(c->type, "s")) {
    char *end;
    errno = 0;
    unsigned long i = strtoul(raw, &end, 10);
    if (end == raw || *end || errno || i >= r->shared_count) {
      sheet_fail(r, _("cell %zu refers to shared string %s, and the workbook has %zu"), c->column + 1, raw,
                 r->shared_count);
      return;
    }
    value = r->shared.data + r->shared_at[i];
  } else if (!strcmp(c->type, "b")) {
    value = !strcmp(raw, "1") ? "ИСТИНА" : !strcmp(raw, "0") ? "ЛОЖЬ" : raw;
  } else if (!strcmp(c->type, "e")) {
    kind = XLSX_ERROR;
  } else if (!strcmp(c->type, "d")) {
    /* an ISO 8601 date cell: the date, and the time when there is one */
    if (strlen(raw) >= 10) {
      snprintf(buf, sizeof buf, "%.10s", raw);
      if (raw[10] == 'T' && strlen(raw) >= 16 && strncmp(raw + 11, "00:00", 5)) snprintf(buf + 10, sizeof buf - 10, " %.5s", raw + 11);
      value = buf;
      kind = XLSX_DATE;
    }
  } else if (strcmp(c->type, "str") && strcmp(c->type, "inlineStr") && *raw) {
    char *end;
    double x = strtod(raw, &end);
    if (end == raw || *end || !isfinite(x)) {
      sheet_fail(r, _("cell %zu holds «%.40s», which is not a number"), c->column + 1, raw);
      return;
    }
    int is_date = c->style < r->xf_count && r->xf_date[c->style];
    if (is_date && xlsx_serial_to_iso(x, r->date1904, buf) == 0) {
      kind = XLSX_DATE;
    } else {
      format_number(x, buf, sizeof buf);
      kind = XLSX_NUMBER;
    }
    value = buf;
  }
  if (!*value) return; /* an empty cell stays "" */
  if (row_reserve(r, c->column) != 0) { sheet_fail(r, _("out of memory")); return; }
  r->cell_at[c->column] = r->row_text.len;
  r->cell_kind[c->column] = kind;
  if (bytes_add(&r->row_text, value, strlen(value) + 1, XLSX_MAX_ROW_BYTES) != 0) {
    sheet_fail(r, _("the row holds more than %u bytes: refused"), XLSX_MAX_ROW_BYTES);
    return;
  }
  if (c->column + 1 > r->row_count) r->row_count = c->column + 1;
}

static void sheet_start_row(xlsx_reader *r, const char **attrs) {
  const char *number = attribute(attrs, "r", 0);
  size_t n = r->last_row + 1;
  if (number) {
    char *end;
    unsigned long v = strtoul(number, &end, 10);
    if (end == number || *end || v == 0) { sheet_fail(r, _("a row has no valid number (%.20s)"), number); return; }
    n = v;
  }
  r->row_number = n;
  if (n > XLSX_MAX_ROWS) { sheet_fail(r, _("row %zu is beyond Excel's last row (%d): refused"), n, XLSX_MAX_ROWS); return; }
  if (n <= r->last_row) { sheet_fail(r, _("row %zu comes after row %zu: the sheet is damaged"), n, r->last_row); return; }
  r->row_number = r->last_row = n;
  r->in_row = 1;
  for (size_t i = 0; i < r->row_count; i++) r->cell_at[i] = (size_t)-1, r->cell_kind[i] = XLSX_TEXT;
  r->row_count = 0;
  r->row_text.len = 0;
  r->next_column = 0;
}

static void sheet_start_cell(xlsx_reader *r, const char **attrs) {
  cell_state *c = &r->cell;
  const char *ref = attribute(attrs, "r", 0), *type = attribute(attrs, "t", 0), *style = attribute(attrs, "s", 0);
  long col = ref ? column_of_reference(ref) : (long)r->next_column;
  if (col < 0 || col >= XLSX_MAX_COLUMNS) {
    sheet_fail(r, _("cell %.20s is beyond Excel's last column (XFD) or malformed: refused"), ref ? ref : "?");
    return;
  }
  c->open = 1;
  c->column = (size_t)col;
  r->next_column = (size_t)col + 1;
  snprintf(c->type, sizeof c->type, "%s", type ? type : "n");
  c->style = style ? (unsigned)strtoul(style, NULL, 10) : 0;
  c->text.len = 0;
  if (c->text.data) c->text.data[0] = '\0';
}

static void XMLCALL sheet_start(void *data, const char *name, const char **attrs) {
  xlsx_reader *r = data;
  if (++r->depth > XLSX_MAX_DEPTH) { sheet_fail(r, _("XML nested deeper than %d elements: refused"), XLSX_MAX_DEPTH); return; }
  const char *local = local_name(name);
  cell_state *c = &r->cell;
  if (!strcmp(local, "row")) sheet_start_row(r, attrs);
  else if (!strcmp(local, "c") && r->in_row) sheet_start_cell(r, attrs);
  else if (!strcmp(local, "v") && c->open) c->in_value = 1;
  else if (!strcmp(local, "rPh") && c->open) c->in_phonetic = 1;
  else if (!strcmp(local, "t") && c->open && !c->in_phonetic) c->in_text = 1;
}

/* 1 when the row being built has a cell with something in it. */
static int row_has_value(const xlsx_reader *r) { return r->row_count > 0; }

static void XMLCALL sheet_end(void *data, const char *name) {
  xlsx_reader *r = data;
  r->depth--;
  const char *local = local_name(name);
  cell_state *c = &r->cell;
  if (!strcmp(local, "v")) c->in_value = 0;
  else if (!strcmp(local, "t")) c->in_text = 0;
  else if (!strcmp(local, "rPh")) c->in_phonetic = 0;
  else if (!strcmp(local, "c") && c->open) {
    c->open = 0;
    finish_cell(r);
  } else if (!strcmp(local, "row") && r->in_row) {
    r->in_row = 0;
    if (++r->rows_seen > XLSX_MAX_ROWS) { sheet_fail(r, _("more rows than Excel allows (%d): refused"), XLSX_MAX_ROWS); return; }
    if (row_has_value(r)) {
      r->row_ready = 1;
      XML_StopParser(r->parser, XML_TRUE); /* hand this row over before parsing on */
    }
  }
}

static void XMLCALL sheet_text(void *data, const char *s, int len) {
  xlsx_reader *r = data;
  cell_state *c = &r->cell;
  if (!c->open || !(c->in_value || c->in_text)) return;
  if (bytes_add(&c->text, s, (size_t)len, XLSX_MAX_CELL_BYTES + 1) != 0)
    sheet_fail(r, _("cell %zu is longer than Excel allows (32 767 characters): refused"), c->column + 1);
}

static void XMLCALL sheet_doctype(void *data, const char *name, const char *sysid, const char *pubid, int internal) {
  (void)name, (void)sysid, (void)pubid, (void)internal;
  sheet_fail(data, _("the XML declares a document type (DTD), where entity expansion hides: refused"));
}

static void XMLCALL sheet_entity(void *data, const char *name, int parameter, const char *value, int value_len,
                                 const char *base, const char *sysid, const char *pubid, const char *notation) {
  (void)name, (void)parameter, (void)value, (void)value_len, (void)base, (void)sysid, (void)pubid, (void)notation;
  sheet_fail(data, _("the XML declares an entity: refused"));
}

/* Opens the sheet's part and a fresh parser on it. */
static int sheet_begin(xlsx_reader *r, char *err, size_t errlen) {
  part p;
  int opened = part_open(r, r->sheet_part, r->limits.sheet_bytes, &p, err, errlen);
  if (opened == 0) fail_file(r, err, errlen, _("the workbook is damaged: sheet «%s» (%s) is missing"), r->sheet_name, r->sheet_part);
  if (opened <= 0) return -1;
  r->file = p.file;
  r->compressed = p.compressed;
  r->inflated = 0;
  r->parser = XML_ParserCreateNS("UTF-8", '|');
  if (!r->parser) { fail_file(r, err, errlen, _("out of memory")); return -1; }
  XML_SetUserData(r->parser, r);
  XML_SetElementHandler(r->parser, sheet_start, sheet_end);
  XML_SetCharacterDataHandler(r->parser, sheet_text);
  XML_SetStartDoctypeDeclHandler(r->parser, sheet_doctype);
  XML_SetEntityDeclHandler(r->parser, sheet_entity);
  XML_SetParamEntityParsing(r->parser, XML_PARAM_ENTITY_PARSING_NEVER);
#ifdef XML_DTD
  XML_SetBillionLaughsAttackProtectionMaximumAmplification(r->parser, 10.0f);
#endif
  r->suspended = r->finished = r->failed = 0;
  r->depth = 0;
  r->failure[0] = '\0';
  r->last_row = r->rows_seen = r->row_number = 0;
  r->in_row = r->row_ready = 0;
  memset(&r->cell.open, 0, offsetof(cell_state, text));
  return 0;
}

static void sheet_end_stream(xlsx_reader *r) {
  if (r->parser) XML_ParserFree(r->parser);
  r->parser = NULL;
  if (r->file) zip_fclose(r->file);
  r->file = NULL;
}

/* Exposes the row just built. */
static void expose_row(xlsx_reader *r, xlsx_row *row) {
  if (r->ptr_cap < r->row_count) {
    const char **grown = realloc(r->cell_ptr, r->row_count * sizeof *grown);
    if (!grown) { sheet_fail(r, _("out of memory")); return; }
    r->cell_ptr = grown;
    r->ptr_cap = r->row_count;
  }
  for (size_t i = 0; i < r->row_count; i++)
    r->cell_ptr[i] = r->cell_at[i] == (size_t)-1 ? "" : r->row_text.data + r->cell_at[i];
  row->number = r->row_number;
  row->count = r->row_count;
  row->cells = r->cell_ptr;
  row->kinds = r->cell_kind;
}

int xlsx_next_row(xlsx_reader *r, xlsx_row *row, char *err, size_t errlen) {
  memset(row, 0, sizeof *row);
  if (r->failed) { fail_sheet(r, err, errlen, r->failure[0] ? r->failure : _("the sheet could not be read")); return -1; }
  r->row_ready = 0;
  while (!r->row_ready) {
    if (r->finished) return 0;
    enum XML_Status status;
    if (r->suspended) {
      r->suspended = 0;
      status = XML_ResumeParser(r->parser);
    } else {
      zip_int64_t n = zip_fread(r->file, r->chunk, sizeof r->chunk);
      if (n < 0) {
        snprintf(r->failure, sizeof r->failure, _("the workbook is damaged: %s: %s"), r->sheet_part, zip_file_strerror(r->file));
        r->failed = 1;
        break;
      }
      r->inflated += (size_t)n;
      if (r->inflated > r->limits.sheet_bytes) {
        snprintf(r->failure, sizeof r->failure, _("the sheet inflates to more than %zu bytes: refused as a possible zip bomb"),
                 r->limits.sheet_bytes);
        r->failed = 1;
        break;
      }
      if (r->inflated > XLSX_RATIO_FREE_BYTES && r->inflated / XLSX_MAX_RATIO > r->compressed) {
        snprintf(r->failure, sizeof r->failure,
                 _("the sheet inflates more than %d times its compressed size: refused as a possible zip bomb"), XLSX_MAX_RATIO);
        r->failed = 1;
        break;
      }
      status = XML_Parse(r->parser, r->chunk, (int)n, n == 0);
      if (n == 0 && status == XML_STATUS_OK) r->finished = 1;
    }
    if (status == XML_STATUS_SUSPENDED) {
      r->suspended = 1;
    } else if (status == XML_STATUS_ERROR) {
      if (!r->failure[0])
        snprintf(r->failure, sizeof r->failure, _("the sheet's XML is damaged: line %lu: %s"),
                 (unsigned long)XML_GetCurrentLineNumber(r->parser), XML_ErrorString(XML_GetErrorCode(r->parser)));
      r->failed = 1;
      break;
    } else if (r->suspended == 0 && r->finished == 0) {
      /* the chunk is parsed: XML_ResumeParser finished it, or XML_Parse did */
      XML_ParsingStatus ps;
      XML_GetParsingStatus(r->parser, &ps);
      if (ps.parsing == XML_FINISHED) r->finished = 1;
    }
  }
  if (r->failed) {
    fail_sheet(r, err, errlen, r->failure);
    return -1;
  }
  if (!r->row_ready) return 0;
  expose_row(r, row);
  if (r->failed) { fail_sheet(r, err, errlen, r->failure); return -1; }
  return 1;
}

int xlsx_rewind(xlsx_reader *r, char *err, size_t errlen) {
  sheet_end_stream(r);
  return sheet_begin(r, err, errlen);
}

int xlsx_open(const char *path, const char *sheet, xlsx_reader **out, char *err, size_t errlen) {
  return xlsx_open_limited(path, sheet, NULL, out, err, errlen);
}

int xlsx_open_limited(const char *path, const char *sheet, const xlsx_limits *limits, xlsx_reader **out, char *err,
                      size_t errlen) {
  *out = NULL;
  xlsx_reader *r = calloc(1, sizeof *r);
  if (!r || !(r->path = strdup(path))) {
    free(r);
    snprintf(err, errlen, "%s: %s", path, _("out of memory"));
    return -1;
  }
  xlsx_limits defaults = {XLSX_MAX_SHARED_BYTES, XLSX_MAX_SHARED_COUNT, XLSX_MAX_SHEET_BYTES};
  r->limits = limits ? *limits : defaults;
  int zerr = 0;
  r->zip = zip_open(path, ZIP_RDONLY, &zerr);
  if (!r->zip) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, zerr);
    if (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ) fail_file(r, err, errlen, _("cannot open: %s"), zip_error_strerror(&ze));
    else fail_file(r, err, errlen, _("not a readable Excel workbook (.xlsx): %s"), zip_error_strerror(&ze));
    zip_error_fini(&ze);
    xlsx_close(r);
    return -1;
  }
  zip_int64_t entries = zip_get_num_entries(r->zip, 0);
  if (entries < 0 || entries > XLSX_MAX_ENTRIES) {
    fail_file(r, err, errlen, _("the archive holds %lld files, more than the %d allowed: refused"), (long long)entries,
              XLSX_MAX_ENTRIES);
    xlsx_close(r);
    return -1;
  }
  if (read_workbook(r, sheet, err, errlen) != 0 || sheet_begin(r, err, errlen) != 0) {
    xlsx_close(r);
    return -1;
  }
  *out = r;
  return 0;
}

const char *xlsx_sheet(const xlsx_reader *r) { return r->sheet_name; }

void xlsx_close(xlsx_reader *r) {
  if (!r) return;
  sheet_end_stream(r);
  if (r->zip) zip_discard(r->zip);
  free(r->path);
  free(r->shared.data);
  free(r->shared_at);
  free(r->xf_date);
  free(r->cell.text.data);
  free(r->row_text.data);
  free(r->cell_at);
  free(r->cell_kind);
  free(r->cell_ptr);
  free(r);
}

/* ---- dates ---- */

/* The civil date of a day count from 1970-01-01 (H. Hinnant's algorithm). */
static void civil_from_days(long long z, int *y, int *m, int *d) {
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long year = (long long)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(year + (*m <= 2));
}

int xlsx_serial_to_iso(double serial, int date1904, char out[20]) {
  if (!isfinite(serial) || serial < 0 || serial >= 2958466) return -1;
  long long day = (long long)floor(serial);
  long long seconds = llround((serial - (double)day) * 86400.0);
  if (seconds >= 86400) day++, seconds -= 86400;
  long long epoch; /* days from 1970-01-01 to the system's day 0 */
  if (date1904) {
    epoch = -24107; /* 1904-01-01 is day 0 */
  } else {
    if (day < 1 || day == 60) return -1; /* 00.01.1900 and Lotus's 29.02.1900 are no days */
    epoch = day < 60 ? -25568 : -25569; /* 1899-12-31, or 1899-12-30 after the fictitious day */
  }
  int y, m, d;
  civil_from_days(epoch + day, &y, &m, &d);
  if (y > 9999) return -1;
  int hh = (int)(seconds / 3600), mm = (int)(seconds / 60 % 60), ss = (int)(seconds % 60);
  char buf[80];
  if (!seconds) snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  else if (!ss) snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", y, m, d, hh, mm);
  else snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, hh, mm, ss);
  memcpy(out, buf, 20);
  out[19] = '\0';
  return 0;
}

int xlsx_builtin_is_date(unsigned id) {
  return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

int xlsx_format_is_date(const char *code) {
  /* only the first section (positive numbers) decides; quoted text,
   * escaped characters, [colours], [$-419] locales and padding do not count */
  for (const char *p = code; *p && *p != ';'; p++) {
    switch (*p) {
    case '"':
      p++;
      while (*p && *p != '"') p++;
      if (!*p) return 0;
      break;
    case '\\':
    case '_':
    case '*':
      if (!p[1]) return 0;
      p++;
      break;
    case '[':
      while (*p && *p != ']') p++;
      if (!*p) return 0;
      break;
    case 'd': case 'D': case 'y': case 'Y':
      return 1;
    default:
      break;
    }
  }
  return 0;
}
