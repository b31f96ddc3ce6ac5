/* files.c: reading the files pdmon is given and creating the files it writes, safely. The
 * promises are in files.h. */
#include "files.h"

#include <errno.h>
#include <libgen.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

int files_open_input(const char *path, unsigned long long *size, char *err, size_t errlen) {
  /* non-blocking, so that opening a FIFO returns at once instead of waiting for a writer */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, _("%s: cannot open: %s"), path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(err, errlen, _("%s: not a regular file (a folder, a pipe or a device): give the path of a file"), path);
    close(fd);
    return -1;
  }
  *size = (unsigned long long)st.st_size;
  return fd;
}

long files_read_some(int fd, char *buf, size_t len) {
  for (;;) {
    ssize_t n = read(fd, buf, len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    return (long)n;
  }
}

char *files_read(const char *path, size_t max, size_t *len, char *err, size_t errlen) {
  unsigned long long file_size;
  int fd = files_open_input(path, &file_size, err, errlen);
  if (fd < 0) return NULL;
  struct stat st = {.st_size = (off_t)file_size};
  if ((unsigned long long)st.st_size > max) {
    snprintf(err, errlen, _("%s: larger than %zu MiB; split it into smaller files"), path, max >> 20);
    close(fd);
    return NULL;
  }
  size_t size = (size_t)st.st_size, got = 0;
  char *data = malloc(size + 1);
  if (!data) {
    snprintf(err, errlen, _("%s: out of memory"), path);
    close(fd);
    return NULL;
  }
  while (got < size) { /* a file that shrinks meanwhile ends early; one that grows is read as it was */
    ssize_t n = read(fd, data + got, size - got);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      snprintf(err, errlen, _("%s: cannot read: %s"), path, strerror(errno));
      free(data);
      close(fd);
      return NULL;
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  close(fd);
  data[got] = '\0';
  *len = got;
  return data;
}

FILE *files_create(const char *path, int exclusive, char *err, size_t errlen) {
  int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC);
  int fd = open(path, flags, 0644);
  if (fd < 0) {
    if (errno == ELOOP) snprintf(err, errlen, _("%s: is a symbolic link; pdmon does not write through one"), path);
    else if (errno == EEXIST) snprintf(err, errlen, _("%s: already exists; pdmon does not replace it"), path);
    else snprintf(err, errlen, _("%s: cannot write: %s"), path, strerror(errno));
    return NULL;
  }
  FILE *f = fdopen(fd, "w");
  if (!f) {
    snprintf(err, errlen, _("%s: cannot write: %s"), path, strerror(errno));
    close(fd);
  }
  return f;
}

int files_close(FILE *f, const char *path, char *err, size_t errlen) {
  int failed = ferror(f);
  int saved = errno;
  if (fclose(f) != 0) {
    failed = 1;
    saved = errno;
  }
  if (!failed) return 0;
  snprintf(err, errlen, _("%s: not written completely: %s"), path, strerror(saved ? saved : EIO));
  return -1;
}

int files_stage(const char *path, int exclusive, files_staged *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  char *copy = strdup(path);
  size_t n = strlen(path) + 32;
  out->folder = malloc(n);
  out->part = calloc(1, n + 16); /* empty until the folder exists: nothing to remove before */
  out->path = strdup(path);
  if (!copy || !out->folder || !out->part || !out->path) {
    snprintf(err, errlen, "%s: %s", path, _("out of memory"));
    free(copy);
    files_discard(out);
    return -1;
  }
  snprintf(out->folder, n, "%s/.pdmon-XXXXXX", dirname(copy));
  free(copy);
  struct stat st;
  if (lstat(path, &st) == 0 && (S_ISLNK(st.st_mode) || exclusive)) {
    if (S_ISLNK(st.st_mode)) snprintf(err, errlen, _("%s: is a symbolic link; pdmon does not write through one"), path);
    else snprintf(err, errlen, _("%s: already exists; pdmon does not replace it"), path);
    free(out->folder);
    out->folder = NULL;
    files_discard(out);
    return -1;
  }
  if (!mkdtemp(out->folder)) {
    snprintf(err, errlen, _("%s: cannot write: %s"), path, strerror(errno));
    free(out->folder);
    out->folder = NULL;
    files_discard(out);
    return -1;
  }
  snprintf(out->part, n + 16, "%s/part", out->folder);
  out->exclusive = exclusive;
  return 0;
}

int files_publish(files_staged *s, char *err, size_t errlen) {
  struct stat st;
  int rc = 0;
  if (s->exclusive) {
    /* link() refuses whatever is at the name by now, a symbolic link included */
    if (link(s->part, s->path) != 0) {
      if (errno == EEXIST) snprintf(err, errlen, _("%s: already exists; pdmon does not replace it"), s->path);
      else snprintf(err, errlen, _("%s: cannot write: %s"), s->path, strerror(errno));
      rc = -1;
    }
  } else if (lstat(s->path, &st) == 0 && S_ISLNK(st.st_mode)) {
    snprintf(err, errlen, _("%s: is a symbolic link; pdmon does not write through one"), s->path);
    rc = -1;
  } else if (rename(s->part, s->path) != 0) { /* rename replaces a name, it never follows a link */
    snprintf(err, errlen, _("%s: cannot write: %s"), s->path, strerror(errno));
    rc = -1;
  }
  files_discard(s);
  return rc;
}

void files_discard(files_staged *s) {
  if (s->part && *s->part) unlink(s->part);
  if (s->folder) rmdir(s->folder);
  free(s->part);
  free(s->folder);
  free(s->path);
  memset(s, 0, sizeof *s);
}

void files_staged_message(const files_staged *s, char *msg, size_t msglen) {
  size_t n = strlen(s->part);
  if (strncmp(msg, s->part, n) != 0) return;
  char rest[1024];
  snprintf(rest, sizeof rest, "%s", msg + n);
  snprintf(msg, msglen, "%s%s", s->path, rest);
}
