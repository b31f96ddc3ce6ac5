/* idset: the identities a staff import has seen in its file, each with the
 * line it was first seen on, so a second row of the same identity is
 * refused naming that line. An open-addressing hash table in memory owned
 * by the import run: it replaced a temporary table of SQLite whose b-tree
 * inserts cost about a tenth of a staff import. It grows with the file:
 * per row, its key, 9 bytes, and 12 bytes per slot of a table kept between
 * three eighths and three quarters full (at most 32 bytes per row); the
 * country's staff file (1.7 M rows, 55.8 MB of keys with their lines)
 * makes a table of 2^22 slots (50 MB): ~106 MB, ~131 MB for a moment while
 * the table doubles the last time. 'cycle rejudge' keeps in one the keys
 * of the rows it judges (an indicator and its figures), the "line" being
 * the index of the key's verdict. Every import also keeps, per field
 * that refers to another table, the ids the store was found to hold, in a
 * set it bounds itself (reference_found in import.c). */
#ifndef PDMON_IDSET_H
#define PDMON_IDSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct idset {
  uint64_t *at;     /* per slot: 0 empty, else 1 + the offset of the entry in keys */
  uint32_t *hash;   /* per slot: the low bits of its key's hash (compared before the key) */
  size_t cap, n;    /* slots (a power of two, or 0), entries */
  char *keys;       /* the entries, one after the other: the line (8 bytes), the key, a NUL */
  size_t used, room;
} idset;

/* An empty set ({0} is one too); nothing is allocated until the first add. */
void idset_init(idset *s);

/* Adds key seen on line unless the set holds it. Returns 1 when added, 0
 * when the set held it (*first, if not NULL, is the line it was added
 * with; the set is unchanged), -1 when memory runs out (unchanged).
 * The empty string is a key like any other. */
int idset_add(idset *s, const char *key, size_t line, size_t *first);

/* 1 when the set holds key, else 0. */
int idset_has(const idset *s, const char *key);

/* Frees what the set holds; it is empty again. */
void idset_free(idset *s);

#endif
