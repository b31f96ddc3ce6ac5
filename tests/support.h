/* support: helpers the test programs share: scratch folders and files. */
#ifndef PDMON_TEST_SUPPORT_H
#define PDMON_TEST_SUPPORT_H

#include <stddef.h>

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

#endif
