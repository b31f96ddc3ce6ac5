/* json_write.c: JSON strings and numbers straight to a stream, as
 * cJSON_PrintUnformatted writes them. The promises are in json_write.h.
 * A writer of many rows calls these thousands of times per second: bytes
 * go out unlocked (the caller holds the lock), whole numbers skip printf. */
#include "json_write.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 1 for a byte cJSON writes as it is inside a string (never the terminating 0). */
static int plain(unsigned char c) { return c >= 32 && c != '"' && c != '\\'; }

int json_write_string(FILE *out, const char *s) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  putc_unlocked('"', out);
  while (*p) {
    /* a run of plain bytes: in one write when it is long enough to pay */
    const unsigned char *run = p;
    while (plain(*p)) p++;
    if (p - run >= 16) fwrite(run, 1, (size_t)(p - run), out);
    else
      for (const unsigned char *q = run; q < p; q++) putc_unlocked(*q, out);
    if (!*p) break;
    unsigned char c = *p++;
    putc_unlocked('\\', out);
    switch (c) {
    case '"': putc_unlocked('"', out); break;
    case '\\': putc_unlocked('\\', out); break;
    case '\b': putc_unlocked('b', out); break;
    case '\f': putc_unlocked('f', out); break;
    case '\n': putc_unlocked('n', out); break;
    case '\r': putc_unlocked('r', out); break;
    case '\t': putc_unlocked('t', out); break;
    default: fprintf(out, "u%04x", c); break;
    }
  }
  putc_unlocked('"', out);
  return ferror(out) ? -1 : 0;
}

/* cJSON's test that a printed number read back is the same. */
static int same_double(double a, double b) {
  double larger = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  return fabs(a - b) <= larger * DBL_EPSILON;
}

/* Writes a whole number below 10^15 in magnitude: what %1.15g prints of
 * it (all its digits, no exponent; -0 for negative zero). */
static void write_whole(FILE *out, double v) {
  char buf[24], *end = buf + sizeof buf, *p = end;
  unsigned long long n = (unsigned long long)fabs(v);
  do {
    *--p = (char)('0' + n % 10);
    n /= 10;
  } while (n);
  if (signbit(v)) *--p = '-';
  while (p < end) putc_unlocked(*p++, out);
}

int json_write_number(FILE *out, double v) {
  if (isnan(v) || isinf(v)) {
    fputs("null", out);
  } else if (fabs(v) < 1e15 && v == floor(v)) {
    write_whole(out, v);
  } else {
    /* 15 significant digits unless they do not give the value back (the
     * stream's locale is C: pdmon sets LC_CTYPE and LC_MESSAGES only);
     * strtod reads as cJSON's sscanf("%lg") does */
    char buf[32];
    snprintf(buf, sizeof buf, "%1.15g", v);
    if (!same_double(strtod(buf, NULL), v)) snprintf(buf, sizeof buf, "%1.17g", v);
    fputs(buf, out);
  }
  return ferror(out) ? -1 : 0;
}

int json_write_key(FILE *out, const char *key) {
  if (json_write_string(out, key) != 0) return -1;
  putc_unlocked(':', out);
  return ferror(out) ? -1 : 0;
}
