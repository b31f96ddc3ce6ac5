/* text: the encodings of data that comes from Russian offices (UTF-8,
 * UTF-16 with a byte-order mark as Excel's "Unicode text" writes it, and
 * the 8-bit Cyrillic code pages Windows-1251, KOI8-R and CP866):
 * detection, validation, conversion to UTF-8 (iconv for all but UTF-8
 * and Windows-1251), case folding of Cyrillic, display width. */
#ifndef PDMON_TEXT_H
#define PDMON_TEXT_H

#include <stddef.h>

typedef enum text_encoding {
  TEXT_UTF8,     /* valid UTF-8 without a byte-order mark */
  TEXT_UTF8_BOM, /* valid UTF-8 starting with EF BB BF */
  TEXT_CP1251,   /* Windows-1251, as Excel writes Russian CSV */
  TEXT_UTF16LE,  /* UTF-16, little-endian (Excel's "Текст Юникод": FF FE, tabs) */
  TEXT_UTF16BE,  /* UTF-16, big-endian (FE FF) */
  TEXT_KOI8R,    /* KOI8-R, of older Unix and mail systems */
  TEXT_CP866     /* CP866, the DOS code page of older accounting programs */
} text_encoding;

/* The name of an encoding for people: "UTF-8", "Windows-1251", ... */
const char *text_encoding_name(text_encoding encoding);

/* The encoding called name (case forgiven): utf-8, utf-16 (= utf-16le
 * unless a mark says otherwise), utf-16le, utf-16be, cp1251 (windows-1251),
 * koi8-r, cp866 (ibm866). Returns 0, or -1 for an unknown name. */
int text_encoding_by_name(const char *name, text_encoding *out);

/* The names text_encoding_by_name takes, for messages. */
#define TEXT_ENCODING_NAMES "utf-8, utf-16le, utf-16be, cp1251, koi8-r, cp866"

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), or 0
 * when the bytes there are not valid UTF-8 (overlong, surrogate, truncated). */
size_t text_utf8_sequence(const unsigned char *s, size_t n);

/* Decides how a buffer is encoded: a byte-order mark says UTF-8 or UTF-16;
 * text that is valid UTF-8 is UTF-8 (one that has valid multi-byte
 * sequences and an invalid one is damaged UTF-8, an error at its line);
 * other 8-bit text is the one of Windows-1251, KOI8-R and CP866 whose
 * reading looks most like Russian (letter frequencies, no capitals inside
 * words, no pseudographics). Returns 0 and sets *encoding, or -1 with
 * "LINE: message" when the buffer is broken, holds NUL bytes (naming
 * UTF-16 without a mark when it looks like it), or its code page cannot
 * be told with confidence (then --encoding names it). */
int text_detect_encoding(const char *data, size_t len, text_encoding *encoding,
                         char *err, size_t errlen);

/* The same decision over a text read in parts (a file of any size judged
 * as a whole without being held whole). Each part must end where
 * text_split_point allows; the first holds at least the first four bytes
 * (or the whole text). text_scan_part takes every part in order; when
 * text_scan_wants_code_pages says so, text_scan_code_pages takes every
 * part once more; text_scan_end decides as text_detect_encoding would. */
typedef struct text_scan {
  int started, marked;       /* the first part seen; 1 when it opens with a byte-order mark */
  text_encoding mark;        /* which mark */
  unsigned long long length; /* bytes scanned */
  size_t line;               /* the line the next part starts on */
  int failed;                /* message holds the verdict already */
  char message[320];
  size_t valid_multibyte, invalid, cyrillic, invalid_line, high_line;
  unsigned char invalid_byte, high_byte;
  int high;                  /* a byte >= 0x80 seen */
  int nul;                   /* a NUL byte seen (at nul_line) */
  size_t nul_line;
  unsigned long long nul_even, nul_odd;
  int inner_mark;            /* a byte-order mark after the start, at inner_mark_line */
  size_t inner_mark_line;
  int pages_ready, page_known[3], page_undefined[3];
  unsigned page_map[3][128];
  long page_score[3];
} text_scan;

void text_scan_begin(text_scan *scan);
void text_scan_part(text_scan *scan, const char *data, size_t len);
int text_scan_wants_code_pages(const text_scan *scan);
void text_scan_code_pages(text_scan *scan, const char *data, size_t len);
int text_scan_end(text_scan *scan, text_encoding *encoding, char *err, size_t errlen);

/* Where a part of data[0..len) may end (a count of bytes > 0), or 0 when
 * none is found and more text is needed: for UTF-16, after a whole code
 * unit that is neither a high surrogate nor a carriage return; otherwise
 * before an ASCII byte that does not follow a carriage return, so that no
 * character, CR LF pair or byte-order mark is cut. */
size_t text_split_point(const char *data, size_t len, text_encoding encoding);

/* Where a part of a text lies in its file: the line its first byte is on
 * and its offset (a mark is skipped only at offset 0). */
typedef struct text_place {
  size_t line;
  unsigned long long offset;
} text_place;

/* text_decode of one part of a text (cut where text_split_point allows),
 * its messages naming the lines and bytes of the whole. */
char *text_decode_part(const char *data, size_t len, text_encoding encoding, const text_place *at, size_t *outlen,
                       char *err, size_t errlen);

/* Converts a buffer in encoding to NUL-terminated UTF-8 without a BOM,
 * checking it: UTF-8 must be valid, UTF-16 must have no unpaired
 * surrogates, no text may hold a NUL character. The caller owns the result
 * (free). Returns NULL with "LINE: message" in err. */
char *text_decode(const char *data, size_t len, text_encoding encoding, size_t *outlen, char *err, size_t errlen);

/* text_decode for a buffer already checked by text_detect_encoding; NULL
 * only when memory runs out. */
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

/* Writes s without leading and trailing white space into out, which holds
 * strlen(s) + 1 bytes; returns out. */
char *text_trimmed_to(const char *s, char *out);

/* 1 when folded equals one of the '|'-separated entries of list
 * ("учитель|преподаватель"), as the vocabularies and headers are written. */
int text_in_list(const char *list, const char *folded);

/* 1 when the string is empty or only white space. */
int text_is_blank(const char *s);

#endif
