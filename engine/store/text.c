/* text.c: the encodings of data that comes from Russian offices (UTF-8, UTF-16, Windows-1251,
 * KOI8-R, CP866): detection, validation, conversion; case folding of Cyrillic, display width.
 * The promises are in text.h. */
#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

/* Windows-1251 bytes 0x80..0xFF as Unicode code points; 0 marks the one byte
 * (0x98) the code page leaves undefined. */
static const unsigned short cp1251_high[128] = {
  0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
  0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
  0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
  0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
  0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
  0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
  0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
  0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
  0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
  0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
  0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
  0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
  0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
  0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
  0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
};

size_t text_utf8_sequence(const unsigned char *s, size_t n) {
  if (n == 0) return 0;
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned cp;
  if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0; /* overlong or beyond Unicode */
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0; /* surrogates are not characters */
  return len;
}

/* Line number (1-based) of byte offset pos. LF, CRLF and a lone CR (old
 * Mac files) each end a line; a CR just before pos ends one. Found with
 * memchr, not byte by byte: every part of an imported file is counted. */
static size_t line_of(const char *data, size_t pos) {
  size_t line = 1;
  for (const char *p = data, *end = data + pos; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++) line++;
  for (const char *p = data, *end = data + pos; p < end && (p = memchr(p, '\r', (size_t)(end - p))); p++)
    if (p + 1 >= end || p[1] != '\n') line++;
  return line;
}

/* The length of the run of ASCII bytes other than NUL (0x01..0x7F) that
 * data starts with: what the scans of an encoding pass over without a
 * look, eight bytes at a time. */
static size_t ascii_run(const unsigned char *s, size_t len) {
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, sizeof w);
    if ((w & highs) || ((w - ones) & ~w & highs)) break; /* a high byte, or a NUL */
  }
  while (i < len && s[i] != 0 && s[i] < 0x80) i++;
  return i;
}

/* The length of the run of two-byte UTF-8 sequences (U+0080..U+07FF, the
 * Cyrillic of a Russian text) that s starts with: what text_utf8_sequence
 * would take two bytes at a time, passed over without its call and tests
 * (the titles of a country's activities are a gigabyte, scanned twice).
 * Adds to *cyrillic, when given, the sequences at which utf8_cyrillic_at
 * holds. */
static size_t two_byte_run(const unsigned char *s, size_t len, size_t *cyrillic) {
  size_t i = 0, letters = 0;
  while (i + 1 < len && s[i] >= 0xC2 && s[i] <= 0xDF && (s[i + 1] & 0xC0) == 0x80) {
    /* utf8_cyrillic_at, inline: this letter and the next both U+0400..U+04FF */
    letters += (s[i] == 0xD0 || s[i] == 0xD1) && i + 3 < len && (s[i + 2] == 0xD0 || s[i + 2] == 0xD1) &&
               (s[i + 3] & 0xC0) == 0x80;
    i += 2;
  }
  if (cyrillic) *cyrillic += letters;
  return i;
}

/* Writes code point cp as UTF-8 at out; returns the number of bytes. */
static size_t put_utf8(unsigned cp, char *out) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

const char *text_encoding_name(text_encoding encoding) {
  switch (encoding) {
  case TEXT_UTF8: return "UTF-8";
  case TEXT_UTF8_BOM: return "UTF-8 (BOM)";
  case TEXT_CP1251: return "Windows-1251";
  case TEXT_UTF16LE: return "UTF-16LE";
  case TEXT_UTF16BE: return "UTF-16BE";
  case TEXT_KOI8R: return "KOI8-R";
  case TEXT_CP866: return "CP866";
  }
  return "?";
}

int text_encoding_by_name(const char *name, text_encoding *out) {
  static const struct { const char *name; text_encoding encoding; } names[] = {
      {"utf-8", TEXT_UTF8}, {"utf8", TEXT_UTF8}, {"utf-16", TEXT_UTF16LE}, {"utf-16le", TEXT_UTF16LE},
      {"utf16le", TEXT_UTF16LE}, {"utf-16be", TEXT_UTF16BE}, {"utf16be", TEXT_UTF16BE}, {"cp1251", TEXT_CP1251},
      {"windows-1251", TEXT_CP1251}, {"win1251", TEXT_CP1251}, {"koi8-r", TEXT_KOI8R}, {"koi8r", TEXT_KOI8R},
      {"cp866", TEXT_CP866}, {"ibm866", TEXT_CP866}, {"dos", TEXT_CP866}};
  char folded[32];
  if (!name || !text_fold(name, folded, sizeof folded)) return -1;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(folded, names[i].name)) { *out = names[i].encoding; return 0; }
  return -1;
}

/* ---- telling the 8-bit Cyrillic code pages apart ---- */

/* The code points of bytes 0x80..0xFF in iconv's code page name. Returns
 * 0, or -1 when iconv does not know it. Undefined bytes map to 0. */
static int high_half(const char *name, unsigned *out) {
  iconv_t cd = iconv_open("UTF-32LE", name);
  if (cd == (iconv_t)-1) return -1;
  for (unsigned b = 0x80; b <= 0xFF; b++) {
    char in = (char)b, *ip = &in;
    unsigned char cp[4];
    char *op = (char *)cp;
    size_t il = 1, ol = 4;
    iconv(cd, NULL, NULL, NULL, NULL);
    out[b - 0x80] = iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ? 0
                    : (unsigned)cp[0] | (unsigned)cp[1] << 8 | (unsigned)cp[2] << 16 | (unsigned)cp[3] << 24;
  }
  iconv_close(cd);
  return 0;
}

/* How often each Russian letter а..я occurs in text, in tenths of a percent
 * (ё counts with е): the weight of a letter in the reading of a code page. */
static const short letter_permille[32] = {
    80, 16, 45, 17, 30, 85, 9, 17, 74, 12, 35, 44, 32, 67, 110, 28,
    47, 55, 63, 26, 3, 10, 5, 14, 7, 4, 1, 19, 17, 3, 6, 20};

/* The weight of a letter: ten times the logarithm of its frequency, less
 * 30, so common letters gain (о +17) and rare ones lose (ъ -30). */
static long letter_weight(int permille) { return lround(10.0 * log((double)permille)) - 30; }

static int is_cyrillic_lower(unsigned cp) { return (cp >= 0x430 && cp <= 0x44F) || cp == 0x451; }
static int is_cyrillic_upper(unsigned cp) { return (cp >= 0x410 && cp <= 0x42F) || cp == 0x401; }

/* Punctuation a Russian office text has: no-break space, dashes, quotes, №. */
static int is_office_punctuation(unsigned cp) {
  return cp == 0xA0 || cp == 0xAB || cp == 0xBB || cp == 0x2013 || cp == 0x2014 || cp == 0x2116 || cp == 0x201C ||
         cp == 0x201D || cp == 0x201E || cp == 0x2026 || cp == 0xB0 || cp == 0xA7;
}

/* How much like Russian the bytes read in a code page whose high half is
 * map: letters score by frequency, a capital right after a small letter,
 * a word opening with ь, ъ or ы, pseudographics and undefined bytes lose. */
static long russian_score(const unsigned char *s, size_t len, const unsigned *map) {
  long score = 0;
  unsigned previous = ' ';
  for (size_t i = 0; i < len; i++) {
    unsigned cp = s[i] < 0x80 ? s[i] : map[s[i] - 0x80];
    if (s[i] >= 0x80) {
      if (is_cyrillic_lower(cp) || is_cyrillic_upper(cp)) {
        unsigned lower = is_cyrillic_upper(cp) ? (cp == 0x401 ? 0x451 : cp + 32) : cp;
        int index = lower == 0x451 ? 5 : (int)(lower - 0x430);
        score += letter_weight(letter_permille[index]);
        if (is_cyrillic_upper(cp) && is_cyrillic_lower(previous)) score -= 60;
        int word_start = !is_cyrillic_lower(previous) && !is_cyrillic_upper(previous);
        if (word_start && (lower == 0x44C || lower == 0x44A || lower == 0x44B)) score -= 50;
      } else if (is_office_punctuation(cp)) {
        score -= 10;
      } else {
        score -= 80; /* pseudographics, symbols, an undefined byte */
      }
    }
    previous = cp;
  }
  return score;
}

/* The code pages an 8-bit text may be in, in the order ties go. */
static const struct { text_encoding encoding; const char *iconv_name; } code_pages[] = {
    {TEXT_CP1251, "CP1251"}, {TEXT_KOI8R, "KOI8-R"}, {TEXT_CP866, "CP866"}};

/* Line ends (LF, CRLF, a lone CR) in data[0..len): a part never ends
 * between the CR and LF of a pair, so a CR at its end ends a line. */
static size_t line_ends_in(const char *data, size_t len) { return line_of(data, len) - 1; }

/* The line of byte pos of a part that starts on line first. */
static size_t line_at(const char *data, size_t pos, size_t first) { return first + line_of(data, pos) - 1; }

void text_scan_begin(text_scan *scan) {
  memset(scan, 0, sizeof *scan);
  scan->line = 1;
}

/* The first part: a byte-order mark decides. */
static void scan_mark(text_scan *scan, const unsigned char *s, size_t len) {
  scan->started = 1;
  if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
    scan->marked = 1;
    scan->mark = s[0] == 0xFF ? TEXT_UTF16LE : TEXT_UTF16BE;
  } else if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
    scan->marked = 1;
    scan->mark = TEXT_UTF8_BOM;
  }
}

/* Notes the first byte-order mark of data[from..len) that is not the file's own first bytes. */
static void scan_inner_mark(text_scan *scan, const char *data, size_t len, size_t from) {
  const unsigned char *s = (const unsigned char *)data;
  for (size_t i = from; !scan->inner_mark && i + 2 < len; i++) {
    const unsigned char *ef = memchr(s + i, 0xEF, len - 2 - i);
    if (!ef) break;
    i = (size_t)(ef - s);
    if (s[i + 1] == 0xBB && s[i + 2] == 0xBF) {
      scan->inner_mark = 1;
      scan->inner_mark_line = line_at(data, i, scan->line);
    }
  }
}

/* A text with a UTF-8 mark: the first byte that is not UTF-8, or a NUL, is the verdict. */
static void scan_marked_utf8(text_scan *scan, const char *data, size_t len, size_t from) {
  const unsigned char *s = (const unsigned char *)data;
  for (size_t i = from; !scan->failed && i < len;) {
    i += ascii_run(s + i, len - i);
    if (i == len) break;
    size_t run = two_byte_run(s + i, len - i, NULL);
    if (run) {
      i += run;
      continue;
    }
    size_t n = text_utf8_sequence(s + i, len - i);
    if (n == 0 || s[i] == 0) {
      snprintf(scan->message, sizeof scan->message, "%zu: %s (byte 0x%02X)", line_at(data, i, scan->line),
               s[i] == 0 ? _("NUL byte: this is not a text file") : _("invalid UTF-8 byte sequence"), s[i]);
      scan->failed = 1;
    }
    i += n;
  }
  if (!scan->failed) scan_inner_mark(scan, data, len, from);
}

/* Counts the NUL bytes of data by the parity of their offset in the file. */
static void count_nuls(text_scan *scan, const char *data, size_t len, size_t from) {
  for (size_t i = from; i < len; i++)
    if (data[i] == 0) {
      if ((scan->length + i) % 2) scan->nul_odd++;
      else scan->nul_even++;
    }
}

/* 1 when UTF-8 Cyrillic starts at s: two letters of U+0400..U+04FF in a
 * row, which Windows-1251 text practically never forms by chance. */
static int utf8_cyrillic_at(const unsigned char *s, size_t n) {
  return n >= 4 && (s[0] == 0xD0 || s[0] == 0xD1) && (s[1] & 0xC0) == 0x80 && (s[2] == 0xD0 || s[2] == 0xD1) &&
         (s[3] & 0xC0) == 0x80;
}

/* A text without a mark: how much of it is valid UTF-8, and its first NUL. */
static void scan_unmarked(text_scan *scan, const char *data, size_t len) {
  const unsigned char *s = (const unsigned char *)data;
  if (scan->nul) {
    count_nuls(scan, data, len, 0);
    return;
  }
  for (size_t i = 0; i < len;) {
    i += ascii_run(s + i, len - i);
    if (i == len) break;
    if (!scan->high && s[i] >= 0x80) {
      scan->high = 1;
      scan->high_line = line_at(data, i, scan->line);
      scan->high_byte = s[i];
    }
    if (s[i] == 0) {
      scan->nul = 1;
      scan->nul_line = line_at(data, i, scan->line);
      count_nuls(scan, data, len, i);
      return;
    }
    size_t run = two_byte_run(s + i, len - i, &scan->cyrillic);
    if (run) {
      scan->valid_multibyte += run / 2;
      i += run;
      continue;
    }
    size_t n = text_utf8_sequence(s + i, len - i);
    if (n == 0) {
      if (scan->invalid++ == 0) {
        scan->invalid_line = line_at(data, i, scan->line);
        scan->invalid_byte = s[i];
      }
      i++;
    } else {
      if (n > 1) scan->valid_multibyte++;
      if (n == 2 && utf8_cyrillic_at(s + i, len - i)) scan->cyrillic++;
      i += n;
    }
  }
  scan_inner_mark(scan, data, len, 0);
}

void text_scan_part(text_scan *scan, const char *data, size_t len) {
  const unsigned char *s = (const unsigned char *)data;
  size_t from = 0;
  if (!scan->started) {
    scan_mark(scan, s, len);
    if (scan->marked && scan->mark == TEXT_UTF8_BOM) from = 3;
  }
  if (!scan->marked) scan_unmarked(scan, data, len);
  else if (scan->mark == TEXT_UTF8_BOM) scan_marked_utf8(scan, data, len, from);
  scan->length += len;
  scan->line += line_ends_in(data, len);
}

int text_scan_wants_code_pages(const text_scan *scan) {
  return !scan->marked && !scan->nul && scan->invalid > 0 && scan->cyrillic == 0 &&
         scan->valid_multibyte < scan->invalid;
}

void text_scan_code_pages(text_scan *scan, const char *data, size_t len) {
  const unsigned char *s = (const unsigned char *)data;
  if (!scan->pages_ready) {
    scan->pages_ready = 1;
    for (int p = 0; p < 3; p++) {
      if (code_pages[p].encoding == TEXT_CP1251) {
        for (int b = 0; b < 128; b++) scan->page_map[p][b] = cp1251_high[b];
        scan->page_known[p] = 1;
      } else {
        scan->page_known[p] = high_half(code_pages[p].iconv_name, scan->page_map[p]) == 0;
      }
    }
  }
  for (int p = 0; p < 3; p++) {
    if (!scan->page_known[p] || scan->page_undefined[p]) continue;
    const unsigned *map = scan->page_map[p];
    for (size_t i = 0; i < len && !scan->page_undefined[p]; i++)
      scan->page_undefined[p] = s[i] >= 0x80 && map[s[i] - 0x80] == 0;
    /* a part starts before an ASCII byte, so no letter's neighbour is in another part */
    if (!scan->page_undefined[p]) scan->page_score[p] += russian_score(s, len, map);
  }
}

/* Picks the 8-bit code page from the scores. Returns 0, or -1 with a message. */
static int decide_code_page(const text_scan *scan, text_encoding *encoding, char *err, size_t errlen) {
  long best = 0, second = 0;
  int found = -1, runner_up = -1;
  for (int p = 0; p < 3; p++) {
    if (!scan->page_known[p] || scan->page_undefined[p]) continue;
    long score = scan->page_score[p];
    if (found < 0 || score > best) {
      second = best, runner_up = found;
      best = score, found = p;
    } else if (runner_up < 0 || score > second) {
      second = score, runner_up = p;
    }
  }
  if (found < 0) {
    snprintf(err, errlen, _("%zu: byte 0x%02X is neither UTF-8 nor a Cyrillic code page"), scan->high_line,
             scan->high_byte);
    return -1;
  }
  /* a reading must win by more than a couple of letters' worth, or the guess is not honest */
  if (runner_up >= 0 && best - second < 60) {
    snprintf(err, errlen,
             _("%zu: cannot tell whether this text is %s or %s: name it with --encoding (%s)"),
             scan->high_line, text_encoding_name(code_pages[found].encoding),
             text_encoding_name(code_pages[runner_up].encoding), TEXT_ENCODING_NAMES);
    return -1;
  }
  *encoding = code_pages[found].encoding;
  return 0;
}

/* Refuses a byte-order mark after the start (files joined together): it
 * would become part of an id or a name. */
static int refuse_inner_mark(const text_scan *scan, char *err, size_t errlen) {
  if (!scan->inner_mark) return 0;
  snprintf(err, errlen, _("%zu: a byte-order mark in the middle of the file (were two files joined?); remove it"),
           scan->inner_mark_line);
  return -1;
}

int text_scan_end(text_scan *scan, text_encoding *encoding, char *err, size_t errlen) {
  if (scan->marked && scan->mark != TEXT_UTF8_BOM) {
    *encoding = scan->mark;
    return 0;
  }
  if (scan->marked) {
    if (scan->failed) {
      snprintf(err, errlen, "%s", scan->message);
      return -1;
    }
    if (refuse_inner_mark(scan, err, errlen) != 0) return -1;
    *encoding = TEXT_UTF8_BOM;
    return 0;
  }
  /* Without a BOM the file is UTF-8 when every byte fits; it is 8-bit
   * Cyrillic when broken sequences outnumber valid multi-byte ones (those
   * code pages almost never form valid UTF-8) and nothing in it is UTF-8
   * Cyrillic; otherwise it is UTF-8 broken, or two encodings mixed, and
   * refused at the first offending byte rather than stored as mojibake. */
  if (scan->nul) {
    /* NUL bytes all at odd (little-endian) or all at even (big-endian)
     * offsets, as in UTF-16 text of mostly Latin letters */
    unsigned long long even = scan->nul_even, odd = scan->nul_odd;
    if (!(scan->length % 2 || (even && odd) || even + odd < scan->length / 8))
      snprintf(err, errlen, _("1: this looks like UTF-16 text without a byte-order mark: save it again as "
                              "\"Unicode text\" (with the mark), or name it with --encoding %s"),
               even > 0 ? "utf-16be" : "utf-16le");
    else
      snprintf(err, errlen, _("%zu: NUL byte: this is not a text file"), scan->nul_line);
    return -1;
  }
  if (scan->invalid == 0) {
    if (refuse_inner_mark(scan, err, errlen) != 0) return -1;
    *encoding = TEXT_UTF8;
    return 0;
  }
  if (scan->cyrillic > 0 && scan->valid_multibyte < scan->invalid) {
    snprintf(err, errlen, _("%zu: invalid UTF-8 byte sequence (byte 0x%02X): the file mixes UTF-8 with another"
                            " encoding (Windows-1251?); save it again in one encoding"),
             scan->invalid_line, scan->invalid_byte);
    return -1;
  }
  if (scan->valid_multibyte >= scan->invalid) {
    snprintf(err, errlen, _("%zu: invalid UTF-8 byte sequence (byte 0x%02X)"), scan->invalid_line,
             scan->invalid_byte);
    return -1;
  }
  return decide_code_page(scan, encoding, err, errlen);
}

int text_detect_encoding(const char *data, size_t len, text_encoding *encoding,
                         char *err, size_t errlen) {
  text_scan scan;
  text_scan_begin(&scan);
  text_scan_part(&scan, data, len);
  if (text_scan_wants_code_pages(&scan)) text_scan_code_pages(&scan, data, len);
  return text_scan_end(&scan, encoding, err, errlen);
}

/* The UTF-16 code unit at s. */
static unsigned utf16_unit(const unsigned char *s, int little_endian) {
  return little_endian ? (unsigned)s[0] | (unsigned)s[1] << 8 : (unsigned)s[0] << 8 | s[1];
}

size_t text_split_point(const char *data, size_t len, text_encoding encoding) {
  const unsigned char *s = (const unsigned char *)data;
  if (encoding == TEXT_UTF16LE || encoding == TEXT_UTF16BE) {
    int le = encoding == TEXT_UTF16LE;
    for (size_t p = len & ~(size_t)1; p >= 2; p -= 2) {
      unsigned unit = utf16_unit(s + p - 2, le);
      if (unit != 0x0D && (unit < 0xD800 || unit > 0xDBFF)) return p;
    }
    return 0;
  }
  for (size_t p = len; p-- > 1;)
    if (s[p] < 0x80 && s[p - 1] != '\r') return p;
  return 0;
}

/* Converts through iconv from code page name; skips skip bytes (a mark).
 * Messages name the lines and bytes of the whole file (at). */
static char *iconv_to_utf8(const char *data, size_t len, const char *name, size_t skip, const text_place *at,
                           size_t *outlen, char *err, size_t errlen) {
  iconv_t cd = iconv_open("UTF-8", name);
  if (cd == (iconv_t)-1) {
    snprintf(err, errlen, _("1: this system cannot convert from %s (iconv: %s)"), name, strerror(errno));
    return NULL;
  }
  size_t cap = len * 3 / 2 + 16; /* UTF-16 grows by at most half; 8-bit Cyrillic to 2 bytes */
  if (strcmp(name, "UTF-16LE") && strcmp(name, "UTF-16BE")) cap = len * 3 + 16;
  char *out = malloc(cap + 1);
  if (!out) {
    iconv_close(cd);
    snprintf(err, errlen, _("1: out of memory"));
    return NULL;
  }
  char *in = (char *)data + skip, *op = out;
  size_t inleft = len - skip, outleft = cap;
  size_t rc = iconv(cd, &in, &inleft, &op, &outleft);
  iconv_close(cd);
  size_t o = (size_t)(op - out);
  size_t byte = (size_t)(at->offset + (unsigned long long)(in - data));
  if (rc == (size_t)-1) {
    if (errno == EINVAL)
      snprintf(err, errlen, _("%zu: the text ends inside a character, at byte %zu: not valid %s"),
               line_at(out, o, at->line), byte, name);
    else
      snprintf(err, errlen, _("%zu: an invalid character at byte %zu, not valid %s"), line_at(out, o, at->line),
               byte, name);
    free(out);
    return NULL;
  }
  out[o] = '\0';
  if (memchr(out, '\0', o)) {
    snprintf(err, errlen, _("%zu: NUL character: this is not a text file"),
             line_at(out, (size_t)((char *)memchr(out, '\0', o) - out), at->line));
    free(out);
    return NULL;
  }
  if (outlen) *outlen = o;
  return out;
}

char *text_decode_part(const char *data, size_t len, text_encoding encoding, const text_place *at, size_t *outlen,
                       char *err, size_t errlen) {
  const unsigned char *s = (const unsigned char *)data;
  int start = at->offset == 0;
  switch (encoding) {
  case TEXT_UTF8:
  case TEXT_UTF8_BOM: {
    size_t skip = start && len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF ? 3 : 0;
    for (size_t i = skip; i < len;) {
      i += ascii_run(s + i, len - i);
      if (i == len) break;
      size_t run = two_byte_run(s + i, len - i, NULL);
      if (run) {
        i += run;
        continue;
      }
      size_t n = text_utf8_sequence(s + i, len - i);
      if (n == 0 || s[i] == 0) {
        snprintf(err, errlen, "%zu: %s (byte 0x%02X)", line_at(data, i, at->line),
                 s[i] == 0 ? _("NUL byte: this is not a text file") : _("invalid UTF-8 byte sequence"), s[i]);
        return NULL;
      }
      i += n;
    }
    char *copy = malloc(len - skip + 1);
    if (!copy) { snprintf(err, errlen, _("1: out of memory")); return NULL; }
    memcpy(copy, data + skip, len - skip);
    copy[len - skip] = '\0';
    if (outlen) *outlen = len - skip;
    return copy;
  }
  case TEXT_CP1251: {
    for (size_t i = 0; i < len; i++) {
      if (s[i] == 0x98 || s[i] == 0) {
        snprintf(err, errlen, _("%zu: byte 0x%02X is not Windows-1251 text"), line_at(data, i, at->line), s[i]);
        return NULL;
      }
    }
    char *out = malloc(len * 3 + 1); /* every cp1251 byte needs at most 3 bytes */
    if (!out) { snprintf(err, errlen, _("1: out of memory")); return NULL; }
    size_t o = 0;
    for (size_t i = 0; i < len; i++) o += put_utf8(s[i] < 0x80 ? s[i] : cp1251_high[s[i] - 0x80], out + o);
    out[o] = '\0';
    if (outlen) *outlen = o;
    return out;
  }
  case TEXT_UTF16LE:
  case TEXT_UTF16BE: {
    int le = encoding == TEXT_UTF16LE;
    size_t skip = start && len >= 2 && s[le ? 0 : 1] == 0xFF && s[le ? 1 : 0] == 0xFE ? 2 : 0;
    return iconv_to_utf8(data, len, le ? "UTF-16LE" : "UTF-16BE", skip, at, outlen, err, errlen);
  }
  case TEXT_KOI8R: return iconv_to_utf8(data, len, "KOI8-R", 0, at, outlen, err, errlen);
  case TEXT_CP866: return iconv_to_utf8(data, len, "CP866", 0, at, outlen, err, errlen);
  }
  snprintf(err, errlen, _("1: unknown encoding"));
  return NULL;
}

char *text_decode(const char *data, size_t len, text_encoding encoding, size_t *outlen, char *err, size_t errlen) {
  text_place whole = {.line = 1, .offset = 0};
  return text_decode_part(data, len, encoding, &whole, outlen, err, errlen);
}
char *text_to_utf8(const char *data, size_t len, text_encoding encoding, size_t *outlen) {
  char err[256];
  return text_decode(data, len, encoding, outlen, err, sizeof err);
}

/* Lower-case form of a code point for the letters pdmon meets in headers
 * and vocabularies: ASCII, basic Cyrillic and Ё. */
static unsigned fold_codepoint(unsigned cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0x0410 && cp <= 0x042F) return cp + 32;
  if (cp == 0x0401) return 0x0435; /* Ё folds to е: documents mix the two */
  if (cp == 0x0451) return 0x0435;
  if (cp >= 0x0400 && cp <= 0x040F) return cp + 80;
  return cp;
}

/* Decodes one code point of valid UTF-8 at s, of which avail bytes are
 * left (given, not measured: a strlen per character made folding a text
 * quadratic); sets *len. */
static unsigned decode_utf8(const unsigned char *s, size_t avail, size_t *len) {
  size_t n = text_utf8_sequence(s, avail);
  if (n <= 1) { *len = 1; return s[0]; }
  unsigned cp = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (size_t i = 1; i < n; i++) cp = (cp << 6) | (s[i] & 0x3F);
  *len = n;
  return cp;
}

static int is_space_at(const unsigned char *s, size_t *len) {
  if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') { *len = 1; return 1; }
  if (s[0] == 0xC2 && s[1] == 0xA0) { *len = 2; return 1; }
  return 0;
}

/* Bounds of s without surrounding white space. */
static void trim_bounds(const char *s, size_t *start, size_t *end) {
  const unsigned char *u = (const unsigned char *)s;
  size_t n = strlen(s), b = 0, sl;
  while (b < n && is_space_at(u + b, &sl)) b += sl;
  size_t e = n;
  while (e > b) {
    if (u[e - 1] == ' ' || u[e - 1] == '\t' || u[e - 1] == '\r' || u[e - 1] == '\n') e--;
    else if (e - b >= 2 && u[e - 2] == 0xC2 && u[e - 1] == 0xA0) e -= 2;
    else break;
  }
  *start = b;
  *end = e;
}

char *text_fold(const char *s, char *buf, size_t buflen) {
  size_t b, e, o = 0;
  trim_bounds(s, &b, &e);
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = b; i < e;) {
    if (o + 5 > buflen) return NULL;
    unsigned char c = u[i];
    /* ASCII and the two-byte sequences of Cyrillic (lead byte D0 or D1, a
     * continuation byte: always valid), the bytes of nearly every text
     * folded (a document's title in a query: once per row), without the
     * general decoder's checks; the result is the decoder's */
    if (c < 0x80) {
      buf[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      i++;
      continue;
    }
    if ((c == 0xD0 || c == 0xD1) && e - i >= 2 && (u[i + 1] & 0xC0) == 0x80) {
      o += put_utf8(fold_codepoint(((unsigned)(c & 0x1F) << 6) | (u[i + 1] & 0x3Fu)), buf + o);
      i += 2;
      continue;
    }
    size_t n;
    unsigned cp = fold_codepoint(decode_utf8(u + i, e - i, &n));
    o += put_utf8(cp, buf + o);
    i += n;
  }
  if (o >= buflen) return NULL;
  buf[o] = '\0';
  return buf;
}

size_t text_display_width(const char *s) {
  size_t width = 0;
  for (const unsigned char *u = (const unsigned char *)s; *u; u++)
    if ((*u & 0xC0) != 0x80) width++;
  return width;
}

char *text_trimmed_copy(const char *s) {
  size_t b, e;
  trim_bounds(s, &b, &e);
  char *copy = malloc(e - b + 1);
  if (!copy) return NULL;
  memcpy(copy, s + b, e - b);
  copy[e - b] = '\0';
  return copy;
}

char *text_trimmed_to(const char *s, char *out) {
  size_t b, e;
  trim_bounds(s, &b, &e);
  memcpy(out, s + b, e - b);
  out[e - b] = '\0';
  return out;
}

int text_is_blank(const char *s) {
  size_t b, e;
  trim_bounds(s, &b, &e);
  return b == e;
}

int text_in_list(const char *list, const char *folded) {
  size_t n = strlen(folded);
  for (const char *p = list; p && *p;) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && strncmp(p, folded, n) == 0) return 1;
    p = bar ? bar + 1 : NULL;
  }
  return 0;
}
