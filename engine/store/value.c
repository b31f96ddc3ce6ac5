/* value.c: the notations Russian spreadsheets use for dates, decimals, integers and booleans,
 * parsed strictly. The promises are in value.h. */
#include "value.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static int is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

static int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Reads 1..maxdigits decimal digits at *p into *out, advancing *p. */
static int read_number(const char **p, int maxdigits, int *out) {
  int n = 0, digits = 0;
  while (**p >= '0' && **p <= '9' && digits < maxdigits) {
    n = n * 10 + (**p - '0');
    (*p)++;
    digits++;
  }
  *out = n;
  return digits;
}

/* Writes value as exactly width decimal digits, zero-padded. The ranges are
 * checked by the caller; writing digits by hand (not snprintf) lets the
 * compiler see that the ISO date always fits its 11 bytes, which
 * -Wformat-truncation cannot prove under every optimisation level. */
static void write_digits(char *out, int value, int width) {
  for (int i = width - 1; i >= 0; i--) {
    out[i] = (char)('0' + value % 10);
    value /= 10;
  }
}

/* Skips a time of day after a date: " 0:00", " 09:30:15", "T00:00:00"
 * (seconds may have a fraction, ISO may end in Z). Returns 0 when the
 * rest of p is such a time or nothing, -1 otherwise. */
static int skip_time(const char *p, int iso) {
  if (*p == '\0') return 0;
  if (!(*p == ' ' || (iso && *p == 'T'))) return -1;
  while (*p == ' ') p++;
  if (iso && *p == 'T') p++;
  int hour, minute, second = 0;
  if (read_number(&p, 2, &hour) == 0 || *p++ != ':' || read_number(&p, 2, &minute) != 2) return -1;
  if (*p == ':') {
    p++;
    if (read_number(&p, 2, &second) != 2) return -1;
    if (*p == '.' || *p == ',') {
      p++;
      int fraction;
      if (read_number(&p, 9, &fraction) == 0) return -1;
    }
  }
  if (iso && *p == 'Z') p++;
  return *p == '\0' && hour <= 23 && minute <= 59 && second <= 59 ? 0 : -1;
}

int value_parse_date(const char *s, char iso[11]) {
  int year, month, day;
  const char *p = s;
  int is_iso = read_number(&p, 4, &year) == 4 && *p == '-';
  if (is_iso) {
    p++;
    if (read_number(&p, 2, &month) != 2 || *p++ != '-' || read_number(&p, 2, &day) != 2)
      return -1;
  } else {
    p = s;
    if (read_number(&p, 2, &day) == 0 || *p++ != '.') return -1;
    if (read_number(&p, 2, &month) == 0 || *p++ != '.') return -1;
    int digits = read_number(&p, 4, &year);
    if (digits == 2) year += year < VALUE_TWO_DIGIT_PIVOT ? 2000 : 1900;
    else if (digits != 4) return -1;
  }
  if (skip_time(p, is_iso) != 0) return -1;
  if (year < 1900 || year > 2200 || month < 1 || month > 12) return -1;
  if (day < 1 || day > days_in_month(year, month)) return -1;
  write_digits(iso, year, 4);
  iso[4] = '-';
  write_digits(iso + 5, month, 2);
  iso[7] = '-';
  write_digits(iso + 8, day, 2);
  iso[10] = '\0';
  return 0;
}

int value_parse_decimal(const char *s, double *out) {
  char buf[64];
  size_t o = 0;
  int separators = 0;
  for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
    if (*u == ' ') continue;
    if (u[0] == 0xC2 && u[1] == 0xA0) { u++; continue; }
    char c = (char)*u;
    if (c == ',') c = '.';
    if (c == '.') separators++;
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+')) return -1;
    if (o + 1 >= sizeof buf) return -1;
    buf[o++] = c;
  }
  buf[o] = '\0';
  if (o == 0 || separators > 1) return -1;
  char *end;
  errno = 0;
  double v = strtod(buf, &end);
  if (*end != '\0' || errno == ERANGE || end == buf) return -1;
  *out = v;
  return 0;
}

int value_parse_integer(const char *s, int64_t *out) {
  if (*s == '\0') return -1;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (*end != '\0' || errno == ERANGE || end == s || s[0] == ' ') return -1;
  *out = v;
  return 0;
}

int value_parse_bool(const char *s, int *out) {
  static const char *const yes[] = {"да", "д", "1", "true", "yes", "y", "+", "истина", NULL};
  static const char *const no[] = {"нет", "н", "0", "false", "no", "n", "-", "ложь", NULL};
  char folded[32];
  if (!text_fold(s, folded, sizeof folded)) return -1;
  for (int i = 0; yes[i]; i++)
    if (strcmp(folded, yes[i]) == 0) { *out = 1; return 0; }
  for (int i = 0; no[i]; i++)
    if (strcmp(folded, no[i]) == 0) { *out = 0; return 0; }
  return -1;
}
