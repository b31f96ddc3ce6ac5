/* text: UTF-8 and Windows-1251 handling for data that comes from Russian
 * offices: validation, conversion, case folding of Cyrillic, display width. */
#ifndef PDMON_TEXT_H
#define PDMON_TEXT_H

#include <stddef.h>

typedef enum text_encoding {
  TEXT_UTF8,     /* valid UTF-8 without a byte-order mark */
  TEXT_UTF8_BOM, /* valid UTF-8 starting with EF BB BF */
  TEXT_CP1251    /* Windows-1251, as Excel writes Russian CSV */
} text_encoding;

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), or 0
 * when the bytes there are not valid UTF-8 (overlong, surrogate, truncated). */
size_t text_utf8_sequence(const unsigned char *s, size_t n);

/* Decides how a buffer is encoded. Returns 0 and sets *encoding, or -1 with a
 * message naming the line of the first offending byte when the buffer is
 * mostly UTF-8 but broken, contains NUL bytes, or uses a byte Windows-1251
 * leaves undefined. */
int text_detect_encoding(const char *data, size_t len, text_encoding *encoding,
                         char *err, size_t errlen);

/* Converts a buffer to NUL-terminated UTF-8 without a BOM. The caller owns
 * the result (free). Returns NULL only when memory runs out. */
char *text_to_utf8(const char *data, size_t len, text_encoding encoding, size_t *outlen);

/* Copies s into buf folded to lower case (ASCII and Cyrillic, Ё included),
 * with leading and trailing white space (also U+00A0) removed. Returns buf, or
 * NULL when buf is too small. */
char *text_fold(const char *s, char *buf, size_t buflen);

/* Number of code points in a UTF-8 string: the width a terminal gives it for
 * Latin and Cyrillic text. */
size_t text_display_width(const char *s);

/* Copies s without leading and trailing white space into a new string. */
char *text_trimmed_copy(const char *s);

/* 1 when folded equals one of the '|'-separated entries of list
 * ("учитель|преподаватель"), as the vocabularies and headers are written. */
int text_in_list(const char *list, const char *folded);

/* 1 when the string is empty or only white space. */
int text_is_blank(const char *s);

#endif
