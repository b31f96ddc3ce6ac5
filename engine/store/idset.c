/* idset: the identities seen in one imported file with the line each was
 * first seen on (see idset.h for why it is not a table of SQLite).
 * Linear probing in a table at most three quarters full, doubled when
 * it would be fuller; entries are never removed. */
#include "idset.h"

#include <stdlib.h>
#include <string.h>

void idset_init(idset *s) { memset(s, 0, sizeof *s); }

void idset_free(idset *s) {
  free(s->at);
  free(s->hash);
  free(s->keys);
  idset_init(s);
}

/* FNV-1a, 64 bits: keys are short ids, the table's size a power of two. */
static uint64_t hash_of(const char *key, size_t *len) {
  uint64_t h = 14695981039346656037ULL;
  const unsigned char *p = (const unsigned char *)key;
  for (; *p; p++) h = (h ^ *p) * 1099511628211ULL;
  *len = (size_t)(p - (const unsigned char *)key);
  return h ^ (h >> 32);
}

static const char *key_at(const idset *s, uint64_t at) { return s->keys + (at - 1) + sizeof(uint64_t); }

static size_t line_at(const idset *s, uint64_t at) {
  uint64_t line;
  memcpy(&line, s->keys + (at - 1), sizeof line);
  return (size_t)line;
}

/* The slot of key (hash h) or the empty slot where it would go. */
static size_t slot_of(const idset *s, const char *key, size_t len, uint64_t h) {
  size_t mask = s->cap - 1, i = (size_t)h & mask;
  while (s->at[i] && !(s->hash[i] == (uint32_t)h && !memcmp(key_at(s, s->at[i]), key, len + 1))) i = (i + 1) & mask;
  return i;
}

/* Doubles the table (or makes the first one), moving every entry. 0, or -1. */
static int grow(idset *s) {
  size_t cap = s->cap ? s->cap * 2 : 1024;
  uint64_t *at = calloc(cap, sizeof *at);
  uint32_t *hash = malloc(cap * sizeof *hash);
  if (!at || !hash) {
    free(at);
    free(hash);
    return -1;
  }
  for (size_t i = 0; i < s->cap; i++) {
    if (!s->at[i]) continue;
    size_t j = s->hash[i] & (cap - 1);
    /* the low 32 bits of the hash are all a slot needs while cap <= 2^32 */
    while (at[j]) j = (j + 1) & (cap - 1);
    at[j] = s->at[i];
    hash[j] = s->hash[i];
  }
  free(s->at);
  free(s->hash);
  s->at = at;
  s->hash = hash;
  s->cap = cap;
  return 0;
}

/* Makes room for need more bytes of entries. 0, or -1. */
static int reserve(idset *s, size_t need) {
  if (s->room - s->used >= need) return 0;
  size_t room = s->room ? s->room : 16384;
  while (room - s->used < need) {
    if (room > SIZE_MAX / 2) return -1;
    room *= 2;
  }
  char *keys = realloc(s->keys, room);
  if (!keys) return -1;
  s->keys = keys;
  s->room = room;
  return 0;
}

int idset_has(const idset *s, const char *key) {
  if (!s->cap) return 0;
  size_t len;
  uint64_t h = hash_of(key, &len);
  return s->at[slot_of(s, key, len, h)] != 0;
}

int idset_add(idset *s, const char *key, size_t line, size_t *first) {
  size_t len;
  uint64_t h = hash_of(key, &len);
  if (s->cap) {
    size_t i = slot_of(s, key, len, h);
    if (s->at[i]) {
      if (first) *first = line_at(s, s->at[i]);
      return 0;
    }
  }
  if ((s->n + 1) * 4 > s->cap * 3 && grow(s) != 0) return -1;
  size_t need = sizeof(uint64_t) + len + 1;
  if (len > SIZE_MAX - sizeof(uint64_t) - 1 || reserve(s, need) != 0) return -1;
  size_t i = slot_of(s, key, len, h);
  uint64_t l = (uint64_t)line;
  memcpy(s->keys + s->used, &l, sizeof l);
  memcpy(s->keys + s->used + sizeof l, key, len + 1);
  s->at[i] = (uint64_t)s->used + 1;
  s->hash[i] = (uint32_t)h;
  s->used += need;
  s->n++;
  return 1;
}
