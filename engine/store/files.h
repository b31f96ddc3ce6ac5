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

/* Opens the regular file at path for reading (never a FIFO, a device or
 * a folder) and sets *size. Returns the descriptor, or -1 with
 * "PATH: reason" in err. */
int files_open_input(const char *path, unsigned long long *size, char *err, size_t errlen);

/* read(2) that retries when interrupted: the bytes read, 0 at the end, -1 on an error (errno). */
long files_read_some(int fd, char *buf, size_t len);

/* Opens path for writing: created, or truncated when it exists, but never
 * through a symbolic link; with exclusive, refused when anything is there.
 * Returns the stream, or NULL with "PATH: reason" in err. */
FILE *files_create(const char *path, int exclusive, char *err, size_t errlen);

/* Closes a stream pdmon wrote, checking every byte got out. Returns 0, or
 * -1 with "PATH: reason" in err (which is left alone on success). */
int files_close(FILE *f, const char *path, char *err, size_t errlen);

/* A file that a library writes by its name (libxlsxwriter opens the path
 * itself, so no descriptor of ours can protect it): it is written inside
 * a new private folder next to its place (mode 0700, a name nobody knows
 * beforehand, so nothing can be planted there), then moved into place. */
typedef struct {
  char *folder; /* the private folder */
  char *part;   /* the name to give the library, inside the folder */
  char *path;   /* where the file goes */
  int exclusive;
} files_staged;

/* Makes the private folder for a file that goes to path; with exclusive,
 * publishing it will refuse when anything is at path by then. Returns 0,
 * or -1 with "PATH: reason" in err. */
int files_stage(const char *path, int exclusive, files_staged *out, char *err, size_t errlen);

/* Moves the staged file into place (never through a symbolic link at
 * path) and removes the folder. Returns 0, or -1 with "PATH: reason" in
 * err; either way the stage is spent. */
int files_publish(files_staged *s, char *err, size_t errlen);

/* A message that begins with the staged part's name begins with the
 * file's own path instead: the user never hears of the private folder. */
void files_staged_message(const files_staged *s, char *msg, size_t msglen);

/* Removes the staged file and its folder without publishing anything. */
void files_discard(files_staged *s);

#endif
