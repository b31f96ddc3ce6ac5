/* progress.c: the progress line of a long import on a terminal. The promises are in progress.h. */
#include "progress.h"

#include <string.h>
#include <time.h>

#include "i18n.h"

/* How often the line may change, in seconds. */
#define PROGRESS_INTERVAL 0.25

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void progress_begin(progress *p, FILE *out, const char *name) {
  memset(p, 0, sizeof *p);
  p->out = out;
  const char *slash = name ? strrchr(name, '/') : NULL;
  snprintf(p->name, sizeof p->name, "%s", slash ? slash + 1 : name ? name : "");
  /* a file's name is the user's, but reaches the terminal raw: no control characters */
  for (unsigned char *c = (unsigned char *)p->name; *c; c++)
    if (*c < 0x20 || *c == 0x7F) *c = '?';
  p->started = p->drawn = now_seconds();
}

/* Writes seconds as M:SS or H:MM:SS. */
static void format_duration(char *buf, size_t len, double seconds) {
  unsigned long s = seconds > 0 ? (unsigned long)(seconds + 0.5) : 0;
  if (s >= 3600) snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
  else snprintf(buf, len, "%lu:%02lu", s / 60, s % 60);
}

void progress_format(char *buf, size_t len, const char *name, unsigned long long rows, double seconds,
                     unsigned long long done, unsigned long long total) {
  double rate = seconds > 0 ? (double)rows / seconds : 0;
  if (!total || !done) {
    snprintf(buf, len, _("%s: rows: %llu, %.0f rows/s"), name, rows, rate);
    return;
  }
  if (done > total) done = total;
  char left[32];
  format_duration(left, sizeof left, seconds * (double)(total - done) / (double)done);
  snprintf(buf, len, _("%s: rows: %llu, %.0f rows/s, %d%% of the file, about %s left"), name, rows, rate,
           (int)(100 * done / total), left);
}

void progress_update(progress *p, unsigned long long rows, unsigned long long done, unsigned long long total) {
  if (!p->out || (++p->ticks & 63) != 0) return; /* the clock is read every 64 rows */
  double t = now_seconds();
  if (t - p->drawn < PROGRESS_INTERVAL) return;
  p->drawn = t;
  char line[512];
  progress_format(line, sizeof line, p->name, rows, t - p->started, done, total);
  /* back to the line's start, the line, then the rest of the old one erased */
  fprintf(p->out, "\r%s\033[K", line);
  fflush(p->out);
  p->shown = 1;
}

void progress_end(progress *p) {
  if (p->out && p->shown) {
    fputs("\r\033[K", p->out);
    fflush(p->out);
  }
  p->shown = 0;
}
