/* repl: the analyst's console. The language of the packs, evaluated in the
 * same sandbox on the read-only store, with line editing and history
 * (libedit), multi-line input, values printed without 'return',
 * dot-commands, and Ctrl-C that stops an evaluation but not the session.
 * Also non-interactive: -e CHUNK, a file, or a script on standard input. */
#ifndef PDMON_REPL_H
#define PDMON_REPL_H

typedef struct repl_options {
  const char *store_path;
  const char *pack_dir;      /* NULL: the language without a pack's indicators */
  const char *municipality;  /* whose rows are seen; NULL: all */
  int period;
  const char *const *chunks; /* -e CHUNK, in order */
  int nchunks;
  const char *file;          /* a script, or NULL */
} repl_options;

/* Runs the session; returns the process exit status (0, or 1 after an error
 * in non-interactive use). */
int repl_run(const repl_options *opt);

#endif
