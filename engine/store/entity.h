/* entity: what each importable entity looks like in a CSV file: its
 * fields, the English and Russian headers that name them, their types,
 * controlled vocabularies and references. The store schema and the
 * importer are both driven by these tables. */
#ifndef PDMON_ENTITY_H
#define PDMON_ENTITY_H

#include <stddef.h>

typedef enum field_type {
  FIELD_TEXT,
  FIELD_YEAR,    /* a calendar year, 1900..2100 */
  FIELD_DATE,    /* stored as ISO 8601 text */
  FIELD_DECIMAL, /* stored as REAL */
  FIELD_BOOL,    /* stored as 0/1 */
  FIELD_CHOICE   /* one code of a vocabulary, accepted also by its Russian names */
} field_type;

typedef struct entity_field {
  const char *name;             /* column in the store and English header */
  const char *headers;          /* other accepted headers, '|'-separated, lower case */
  field_type type;
  int required;                 /* the row is invalid without a value */
  const char *references;       /* table that must hold the value as id, or NULL */
  const char *vocabulary;       /* name of a FIELD_CHOICE's vocabulary (vocabulary.h), or NULL */
  int span_only;                /* 1: describes the employment span (employment.h), no column of the table */
} entity_field;

typedef struct entity_def {
  const char *name;             /* as the command line names it: "staff" */
  const char *table;            /* store table: "staff" */
  const entity_field *fields;   /* field 0 is always "id" */
  size_t nfields;
  int id_derived;               /* 1: a missing id is built from the natural key */
  int has_municipality;         /* 1: a "municipality" field defaults to the store's */
  const char *identity;         /* the natural key: '|'-separated fields, in field order, or NULL */
} entity_def;

/* The entity the command line calls name, or NULL. */
const entity_def *entity_find(const char *name);

/* Comma-separated names of the importable entities, for usage messages. */
const char *entity_names(void);

/* Index of the field a CSV header names (case, Ё and spaces forgiven), or -1
 * when the header is unknown and its values go to the row's extra data. */
int entity_match_header(const entity_def *e, const char *header);

/* Index of the field called name, or -1. */
int entity_field_index(const entity_def *e, const char *name);

/* The vocabulary code that value names for field f, or NULL. */
const char *entity_choice_code(const entity_field *f, const char *value);

/* Writes "a, b, c" listing the codes of a vocabulary into buf. */
void entity_choice_list(const entity_field *f, char *buf, size_t buflen);

/* The values a number field can take (hours, scores, members are never
 * negative); returns 1 and sets the bounds for a field that has them. */
int entity_decimal_range(const entity_field *f, double *min, double *max);

#endif
