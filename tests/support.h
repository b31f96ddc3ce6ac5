/* support: helpers the test programs share: scratch folders and files, running pdmon and
 * checking what it did, the quickstart store, a fresh store for a unit test, reading a
 * figure from a store. */
#ifndef PDMON_TEST_SUPPORT_H
#define PDMON_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

/* Creates a fresh scratch folder under $TMPDIR (or /tmp) and returns its
 * path; the caller frees it with support_remove_tree. */
char *support_tempdir(void);

/* Writes len bytes to dir/name and returns the full path (caller frees). */
char *support_write(const char *dir, const char *name, const char *data, size_t len);

/* Same for a NUL-terminated string. */
char *support_write_text(const char *dir, const char *name, const char *text);

/* Reads a whole file into a NUL-terminated string (caller frees), or NULL. */
char *support_read(const char *path);

/* Removes dir and everything in it, then frees the path. */
void support_remove_tree(char *dir);

/* What a pdmon command did: exit status and its two outputs (owned). */
typedef struct support_outcome {
  int status;
  char *out, *err;
} support_outcome;

/* The two arguments every end-to-end test program takes (PDMON SOURCE_DIR: the binary and
 * the repository, where pdmon runs) into *pdmon and *source_dir. Returns 0, or 2 after a
 * usage line on standard error when they are missing. */
int support_e2e_args(int argc, char **argv, const char **pdmon, const char **source_dir);

/* Runs "PDMON --db DIR/store.db ARGS" in source_dir (prefixed by
 * $PDMON_WRAPPER when set, e.g. valgrind) and captures the outcome. The
 * messages are English (LC_ALL=C.UTF-8), whatever the caller's locale. */
support_outcome support_pdmon(const char *pdmon, const char *source_dir, const char *dir, const char *args);

/* The same with env, shell assignments such as "LC_ALL= LANG=ru_RU.UTF-8",
 * in place of the English locale. */
support_outcome support_pdmon_env(const char *pdmon, const char *source_dir, const char *dir, const char *env,
                                  const char *args);

void support_outcome_free(support_outcome *o);

/* Runs pdmon as support_pdmon does and fails the test unless it exits with status and,
 * when fragment is not NULL, says fragment where an outcome of that status is written:
 * standard output for 0, standard error otherwise. Returns the standard output (the
 * caller frees it). */
char *support_expect_output(const char *pdmon, const char *source_dir, const char *dir, const char *args, int status,
                            const char *fragment);

/* The same, for a command whose output the test does not read further. */
void support_expect(const char *pdmon, const char *source_dir, const char *dir, const char *args, int status,
                    const char *fragment);

/* The store a quickstart user makes in dir: init --municipality demo (--pack pack when
 * pack is not NULL), then the organizations, staff and activities of examples/quickstart;
 * the test fails if a step does. */
void support_quickstart_store(const char *pdmon, const char *source_dir, const char *dir, const char *pack);

/* The first column of the first row of sql on the store at path, opened read only, as an
 * integer; -1 when the store or sql cannot be read or sql gives no row. */
long long support_scalar(const char *path, const char *sql);

/* A unit test's store: a scratch folder and a new store in it, open for writing. */
typedef struct support_store {
  char *dir;      /* the scratch folder (support_tempdir) */
  char path[512]; /* dir/store.db */
  sqlite3 *db;    /* the store, created by store_open */
} support_store;

/* A cmocka setup: *state becomes a new support_store (calloc'd). Returns 0, or -1 after
 * saying why on standard error. */
int support_store_setup(void **state);

/* The matching teardown: closes the store, removes its folder, frees the support_store. */
int support_store_teardown(void **state);

/* The first column of the first row of sql on db as an integer; -1 when sql cannot be
 * prepared or gives no row. */
long long support_count(sqlite3 *db, const char *sql);

/* The text of the first column of the first row of sql on db, copied into buf (of len);
 * "" when there is none. Returns buf. */
const char *support_text(sqlite3 *db, const char *sql, char *buf, size_t len);

/* Runs sql (any number of statements) on db; the test fails with the store's message
 * if it does. */
void support_exec(sqlite3 *db, const char *sql);

/* Fills a store with municipalities m1..mN of organizations o<m>_<k>
 * (kinds school, preschool, additional; every sixth without staff), up to
 * max_staff workers each, hired on a day of their career's first year
 * (one in ten leaves, one in ten moves to the next organization, perhaps
 * in another position), and five years (2020-2024) of activities (some
 * before the worker was hired), communities and documents,
 * deterministically from seed. */
void support_generate(sqlite3 *db, int municipalities, int organizations, int max_staff, uint32_t seed);

#endif
