#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

char *support_tempdir(void) {
  const char *base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  size_t len = strlen(base) + 32;
  char *path = malloc(len);
  if (!path) return NULL;
  snprintf(path, len, "%s/pdmon-test-XXXXXX", base);
  if (!mkdtemp(path)) {
    free(path);
    return NULL;
  }
  return path;
}

char *support_write(const char *dir, const char *name, const char *data, size_t len) {
  size_t plen = strlen(dir) + strlen(name) + 2;
  char *path = malloc(plen);
  if (!path) return NULL;
  snprintf(path, plen, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len) {
    if (f) fclose(f);
    free(path);
    return NULL;
  }
  fclose(f);
  return path;
}

char *support_write_text(const char *dir, const char *name, const char *text) {
  return support_write(dir, name, text, strlen(text));
}

char *support_read(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, len = 0, n;
  char *buf = malloc(cap);
  while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (len + 1 == cap) {
      char *grown = realloc(buf, cap *= 2);
      if (!grown) { free(buf); buf = NULL; }
      else buf = grown;
    }
  }
  fclose(f);
  if (buf) buf[len] = '\0';
  return buf;
}

void support_remove_tree(char *dir) {
  if (!dir) return;
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      size_t len = strlen(dir) + strlen(e->d_name) + 2;
      char *path = malloc(len);
      if (!path) continue;
      snprintf(path, len, "%s/%s", dir, e->d_name);
      struct stat st;
      if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) support_remove_tree(path);
      else { unlink(path); free(path); }
    }
    closedir(d);
  }
  rmdir(dir);
  free(dir);
}
