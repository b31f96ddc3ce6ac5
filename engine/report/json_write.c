/* json_write.c: JSON strings and numbers straight to a stream, as
 * cJSON_PrintUnformatted writes them. The promises are in json_write.h. */
#include "json_write.h"

#include <float.h>
#include <math.h>

int json_write_string(FILE *out, const char *s) {
  putc('"', out);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    unsigned char c = *p;
    if (c >= 32 && c != '"' && c != '\\') {
      putc(c, out);
      continue;
    }
    putc('\\', out);
    switch (c) {
    case '"': putc('"', out); break;
    case '\\': putc('\\', out); break;
    case '\b': putc('b', out); break;
    case '\f': putc('f', out); break;
    case '\n': putc('n', out); break;
    case '\r': putc('r', out); break;
    case '\t': putc('t', out); break;
    default: fprintf(out, "u%04x", c); break;
    }
  }
  putc('"', out);
  return ferror(out) ? -1 : 0;
}

/* cJSON's test that a printed number read back is the same. */
static int same_double(double a, double b) {
  double larger = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  return fabs(a - b) <= larger * DBL_EPSILON;
}

int json_write_number(FILE *out, double v) {
  if (isnan(v) || isinf(v)) {
    fputs("null", out);
  } else {
    /* 15 significant digits unless they do not give the value back (the
     * stream's locale is C: pdmon sets LC_CTYPE and LC_MESSAGES only) */
    char buf[32];
    double back;
    snprintf(buf, sizeof buf, "%1.15g", v);
    if (sscanf(buf, "%lg", &back) != 1 || !same_double(back, v)) snprintf(buf, sizeof buf, "%1.17g", v);
    fputs(buf, out);
  }
  return ferror(out) ? -1 : 0;
}

int json_write_key(FILE *out, const char *key) {
  if (json_write_string(out, key) != 0) return -1;
  putc(':', out);
  return ferror(out) ? -1 : 0;
}
