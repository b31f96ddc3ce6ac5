/* stdlib_loader: the Lua modules of stdlib/, compiled into the binary, and the
 * require that sandboxed code uses to reach them (and nothing else). The
 * modules belong to the core: rule code gets read-only views of them, so a
 * rule cannot replace what the core calls (dsl.evaluate, repl.show) or
 * what another rule uses. */
#ifndef PDMON_STDLIB_LOADER_H
#define PDMON_STDLIB_LOADER_H

#include <stddef.h>

#include "sandbox.h"

typedef struct stdlib_module {
  const char *name;    /* file name without .lua: "dsl" */
  const char *source;  /* the file's text */
  size_t length;
  const unsigned char *code; /* the same compiled at build time (lua_dump, with debug information) */
  size_t code_length;
} stdlib_module;

/* Generated from the files of stdlib/ at build time (dsl/stdlib_compile.c); ends with a
 * {NULL} entry. A module is loaded from its bytecode, which the build made from the text
 * with the Lua pdmon links; the text is loaded only when a different Lua refuses the
 * bytecode. Rule code can never load bytecode (sandbox.h): only these bytes, compiled into
 * the binary, are loaded that way. */
extern const stdlib_module stdlib_modules[];

/* The embedded module called name, or NULL. */
const stdlib_module *stdlib_find(const char *name);

/* Adds require(name) for rule code to the environment at env_index: it
 * loads the embedded module name once per sandbox, in its own environment,
 * and returns a read-only view of its value. Any other name is an error. */
void stdlib_install_require(sandbox *sb, int env_index);

/* Loads module name and pushes its value itself, for the core; on failure
 * pushes nothing and writes the message to err. */
int stdlib_push_module(sandbox *sb, const char *name, char *err, size_t errlen);

#endif
