/* pack: loads a rule pack (a folder of Lua files, pack.lua first as the
 * manifest) into a sandbox, through the stdlib's dsl module. */
#ifndef PDMON_PACK_H
#define PDMON_PACK_H

#include <stddef.h>

#include "sandbox.h"

/* The file of a municipality's own targets written by the workplace's
 * targets editor; loaded after the layer's other files. */
#define PACK_TARGETS_OVERRIDE "targets_override.lua"

typedef struct pack {
  sandbox *sb;             /* borrowed: the state the pack lives in */
  int pack_ref;            /* registry reference to the declarations */
  int dsl_ref;             /* registry reference to the dsl module */
  int locals_ref;          /* the files' top-level locals by name (pack_load_keeping_locals), or LUA_NOREF */
  char id[128];            /* manifest id */
  char municipality[128];  /* manifest municipality, "" when the pack is a region's */
  char dir[1024];
  char layers[8][1024];    /* the pack's folder, then its base, its base's base... */
  int nlayers;
} pack;

/* Loads every *.lua file directly in dir (pack.lua first, the rest in name
 * order) with the DSL in scope. A manifest that extends "NAME" loads the
 * pack folder NAME next to dir first, so its indicators can be re-targeted. On failure returns -1 with
 * "FILE:LINE: message" in err. */
int pack_load(sandbox *sb, const char *dir, pack *out, char *err, size_t errlen);

/* pack_load for the console: also keeps the top-level locals of the rule
 * files (other than the manifests) and the names they set, by name, in
 * locals_ref, so that the sets a pack names (local teachers = staff {...})
 * can be typed there.
 * Files load as they do for pack_load; when the kept text would not load,
 * a file loads as it is and keeps nothing. */
int pack_load_keeping_locals(sandbox *sb, const char *dir, pack *out, char *err, size_t errlen);

/* Reads the municipality of the pack's own manifest (pack.lua of dir only,
 * "" for a region's pack) in a sandbox of its own, without loading the
 * rest of the pack: what a command checks against the store's rows before
 * it evaluates (which loads the pack once). -1 with err when pack.lua does
 * not load. */
int pack_read_manifest(const char *dir, char *municipality, size_t len, char *err, size_t errlen);

/* Pushes the dsl module's function name and the pack's declarations, ready
 * for sandbox_call with 1 + extra arguments. */
void pack_push_call(const pack *p, const char *name);

/* Drops the registry references. */
void pack_release(pack *p);

#endif
