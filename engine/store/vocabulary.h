/* vocabulary: every controlled value pdmon knows, in one table: positions,
 * kinds of organizations, activities, events, documents and communities,
 * levels, roles, results, registries, recommendation addressees. Each value
 * has a code (what the store, JSON and packs hold), the Russian label
 * documents use, and the other names offices write for it. The importer,
 * the packs' literal checks and docs/vocabulary.md are all driven by it.
 *
 * A value may belong to a group (its parent): a pack that names the group
 * means every member ("school" covers the school of young teachers and the
 * school of the managerial reserve). */
#ifndef PDMON_VOCABULARY_H
#define PDMON_VOCABULARY_H

#include <stddef.h>
#include <stdio.h>

/* One controlled value. */
typedef struct vocabulary_entry {
  const char *code;      /* Latin, as stored: "teacher" */
  const char *label;     /* the Russian name: "Учитель" */
  const char *synonyms;  /* other accepted names, '|'-separated, lower case; may be NULL */
  const char *parent;    /* code of the group this value belongs to, or NULL */
} vocabulary_entry;

/* One vocabulary: a named list of values. */
typedef struct vocabulary {
  const char *name;      /* "position" */
  const char *title;     /* Russian heading: "Должности" */
  const char *used_by;   /* where it applies, for the documentation: "staff.position" */
  const char *note;      /* what to know about it, or NULL */
  const vocabulary_entry *entries; /* ends with {NULL} */
  int phrases;           /* 1: a label may be followed by a qualifier ("Учитель математики") */
} vocabulary;

/* The vocabulary called name, or NULL. */
const vocabulary *vocabulary_find(const char *name);

/* The i-th vocabulary (0-based) or NULL past the last: for listings. */
const vocabulary *vocabulary_at(size_t i);

/* The code value names in v: a code, the label or a synonym, with case, Ё
 * and surrounding spaces forgiven. NULL when it names nothing. */
const char *vocabulary_code(const vocabulary *v, const char *value);

/* The entry of code in v, or NULL (also for a NULL code). */
const vocabulary_entry *vocabulary_entry_of(const vocabulary *v, const char *code);

/* For a value that names nothing: the entry whose code, label or synonym
 * is nearest (fewest edits, letters compared folded), and in *name the
 * name that was nearest. NULL only when v is empty. */
const vocabulary_entry *vocabulary_nearest(const vocabulary *v, const char *value, const char **name);

/* The phrase form of an official staff list: the longest label or synonym
 * of v that value starts with, followed by a space and a qualifier
 * ("Учитель математики", "Заместитель директора по УВР"). Returns the code
 * and points *rest at the qualifier inside value; NULL when v takes no
 * phrases or none fits. */
const char *vocabulary_phrase(const vocabulary *v, const char *value, const char **rest);

/* Writes "a, b, c" for messages: the codes of v, or its Russian names when
 * the messages are Russian (i18n_language). */
void vocabulary_list(const vocabulary *v, char *buf, size_t buflen);

/* Writes docs/vocabulary.md: every vocabulary as a table of codes, labels
 * and accepted names. Returns 0, or -1 on a write error. */
int vocabulary_write_markdown(FILE *out);

#endif
