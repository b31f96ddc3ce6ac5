/* escape.c: text from the store or from rule code made safe for HTML, URLs, Markdown, CSV and
 * terminals. The promises are in escape.h. */
#define _GNU_SOURCE /* fopencookie */
#include "escape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void escape_html(FILE *out, const char *s) {
  if (s) escape_html_bytes(out, s, strlen(s));
}

/* How many bytes at s (of n) are a control character no page shows: C0 but
 * tab, newline and CR, DEL, and the C1 range (UTF-8 C2 80..C2 9F); 0 for text.
 * HTML forbids them, and an ESC or BEL from the store is not text. */
static size_t control_length(const unsigned char *s, size_t n) {
  if ((s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' && s[0] != '\r') || s[0] == 0x7F) return 1;
  if (s[0] == 0xC2 && n > 1 && s[1] >= 0x80 && s[1] <= 0x9F) return 2;
  return 0;
}

void escape_html_bytes(FILE *out, const char *s, size_t n) {
  if (!s) return;
  for (const char *end = s + n; s < end; s++) {
    size_t control = control_length((const unsigned char *)s, (size_t)(end - s));
    if (control) {
      s += control - 1;
      continue;
    }
    switch (*s) {
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '&': fputs("&amp;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default: fputc(*s, out);
    }
  }
}

/* 1 for a byte RFC 3986 leaves as it is in a URL component. */
static int url_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c);
}

void escape_url_component(FILE *out, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
    if (url_unreserved(*p))
      fputc(*p, out);
    else
      fprintf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
  }
}

char *escape_url_component_copy(const char *s, char *buf, size_t buflen) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)s; p && *p && o + 4 <= buflen; p++) {
    if (url_unreserved(*p)) {
      buf[o++] = (char)*p;
    } else {
      buf[o++] = '%';
      buf[o++] = hex[*p >> 4];
      buf[o++] = hex[*p & 15];
    }
  }
  if (buflen) buf[o < buflen ? o : buflen - 1] = '\0';
  return buf;
}

int escape_link_is_safe(const char *url) {
  if (!url) return 0;
  while (*url == ' ') url++;
  return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0 ||
         strncasecmp(url, "mailto:", 7) == 0;
}

void escape_markdown(FILE *out, const char *s) {
  for (; s && *s; s++) {
    size_t control = control_length((const unsigned char *)s, strlen(s) > 1 ? 2 : 1);
    if (control) {
      s += control - 1;
      continue;
    }
    switch (*s) {
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '&': fputs("&amp;", out); break;
    case '\n':
    case '\r': fputc(' ', out); break;
    case '\\': case '`': case '*': case '_': case '[': case ']': case '|': case '~': case '#':
      fputc('\\', out);
      fputc(*s, out);
      break;
    default: fputc(*s, out);
    }
  }
}

int escape_csv_needs_prefix(const char *s) {
  return s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');
}

void escape_csv_cell(FILE *out, const char *s, char delimiter) {
  if (!s) s = "";
  int prefix = escape_csv_needs_prefix(s);
  int quote = strchr(s, delimiter) || strpbrk(s, "\"\r\n") || prefix;
  if (quote) fputc('"', out);
  if (prefix) fputc('\'', out);
  /* the text up to and with each quote in one write, the quote doubled:
   * a CSV of every municipality's rows writes tens of megabytes */
  for (const char *p = s; *p;) {
    const char *q = strchr(p, '"');
    size_t n = q ? (size_t)(q - p) + 1 : strlen(p);
    fwrite(p, 1, n, out);
    if (!q) break;
    fputc('"', out);
    p = q + 1;
  }
  if (quote) fputc('"', out);
}

/* How many bytes at s (of n) escape_terminal keeps (0, 1 or 2), reading
 * the C1 controls U+0080..U+009F, which UTF-8 writes C2 80..C2 9F. */
static size_t kept(const unsigned char *s, size_t n, size_t *consumed) {
  unsigned char c = s[0];
  *consumed = 1;
  if (c == '\t' || c == '\n') return 1;
  if (c < 0x20 || c == 0x7F) return 0;
  if (c == 0xC2 && n > 1 && s[1] >= 0x80 && s[1] <= 0x9F) {
    *consumed = 2;
    return 0;
  }
  return 1;
}

void escape_terminal(FILE *out, const char *s) {
  if (!s) return;
  size_t n = strlen(s);
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t consumed;
    if (kept(u + i, n - i, &consumed)) fputc(u[i], out);
    i += consumed;
  }
}

char *escape_terminal_copy(const char *s, char *buf, size_t buflen) {
  size_t o = 0, n = s ? strlen(s) : 0;
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n && o + 1 < buflen;) {
    size_t consumed;
    if (kept(u + i, n - i, &consumed)) buf[o++] = (char)u[i];
    i += consumed;
  }
  if (buflen) buf[o] = '\0';
  return buf;
}

/* A guarded terminal: the descriptor written to, and a C2 byte held back
 * when a write ended between the two bytes of a C1 control. */
typedef struct guard {
  int fd;
  int held_c2;
} guard;

static int write_all(int fd, const char *data, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    data += w;
    n -= (size_t)w;
  }
  return 0;
}

static ssize_t guard_write(void *cookie, const char *data, size_t n) {
  guard *g = cookie;
  char out[4096];
  size_t o = 0, i = 0;
  const unsigned char *u = (const unsigned char *)data;
  if (g->held_c2 && n > 0) {
    g->held_c2 = 0;
    if (u[0] >= 0x80 && u[0] <= 0x9F) i = 1; /* the pair was a C1 control */
    else out[o++] = (char)0xC2;
  }
  for (; i < n; ) {
    if (u[i] == 0xC2 && i + 1 == n) {
      g->held_c2 = 1;
      i++;
      break;
    }
    size_t consumed;
    if (kept(u + i, n - i, &consumed)) out[o++] = (char)u[i];
    i += consumed;
    if (o == sizeof out) {
      if (write_all(g->fd, out, o) != 0) return -1;
      o = 0;
    }
  }
  if (o && write_all(g->fd, out, o) != 0) return -1;
  return (ssize_t)n;
}

static int guard_close(void *cookie) {
  guard *g = cookie;
  if (g->held_c2) write_all(g->fd, "\xC2", 1);
  free(g);
  return 0;
}

FILE *escape_guard_terminal(FILE *stream) {
  int fd = fileno(stream);
  if (fd < 0 || !isatty(fd)) return stream;
  guard *g = calloc(1, sizeof *g);
  if (!g) return stream;
  g->fd = fd;
  fflush(stream);
  cookie_io_functions_t io = {.write = guard_write, .close = guard_close};
  FILE *guarded = fopencookie(g, "w", io);
  if (!guarded) {
    free(g);
    return stream;
  }
  setvbuf(guarded, NULL, stream == stderr ? _IONBF : _IOLBF, 0);
  return guarded;
}
