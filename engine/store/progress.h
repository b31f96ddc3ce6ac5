/* progress: the line a long import shows on a terminal while it reads a
 * file: rows read, rows per second, the share of the file read (by bytes)
 * and the time left, refreshed at most four times a second and cleared
 * when the import ends. It is drawn only when asked for (the command line
 * asks when standard error is a terminal), so a pipe, a log file or the
 * web workplace never get it. */
#ifndef PDMON_PROGRESS_H
#define PDMON_PROGRESS_H

#include <stdio.h>

typedef struct progress {
  FILE *out;          /* where the line goes, NULL: nothing is drawn */
  char name[256];     /* what is read: the file's name, without control characters */
  double started, drawn; /* monotonic seconds: the start, the last drawing */
  int shown;          /* a line is on the terminal */
  unsigned long ticks;
} progress;

/* Starts counting; out NULL draws nothing (every call is then cheap). */
void progress_begin(progress *p, FILE *out, const char *name);

/* Notes that rows have been read, done of total bytes (total 0: unknown
 * share). Draws the line when a quarter of a second has passed since the
 * last one (the first after a quarter of a second: a short import shows none). */
void progress_update(progress *p, unsigned long long rows, unsigned long long done, unsigned long long total);

/* Clears the line, if one was drawn. */
void progress_end(progress *p);

/* The line for rows read in seconds, done of total bytes, into buf
 * (exposed for the tests of its wording). */
void progress_format(char *buf, size_t len, const char *name, unsigned long long rows, double seconds,
                     unsigned long long done, unsigned long long total);

#endif
