/* files: reading the files pdmon is given and creating the files it
 * writes, safely. An input is read only when it is a regular file of
 * bounded size: never a FIFO (which would block for ever), a device
 * (/dev/zero never ends) or a folder. An output is created without
 * following a symbolic link planted where it goes and, when asked,
 * only where nothing is yet; closing it checks that everything was
 * written (a full disk is an error with its reason, not a silent loss). */
#ifndef PDMON_FILES_H
#define PDMON_FILES_H

#include <stddef.h>
#include <stdio.h>

/* Reads the regular file at path whole, at most max bytes, into a new
 * NUL-terminated buffer (the caller frees it) and sets *len. Returns
 * NULL with "PATH: reason" in err. */
char *files_read(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* Opens path for writing: created, or truncated when it exists, but never
 * through a symbolic link; with exclusive, refused when anything is there.
 * Returns the stream, or NULL with "PATH: reason" in err. */
FILE *files_create(const char *path, int exclusive, char *err, size_t errlen);

/* Closes a stream pdmon wrote, checking every byte got out. Returns 0, or
 * -1 with "PATH: reason" in err (which is left alone on success). */
int files_close(FILE *f, const char *path, char *err, size_t errlen);

#endif
