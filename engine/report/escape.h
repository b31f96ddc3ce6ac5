/* escape: the one place where text that comes from the store or from rule
 * code (names, titles, messages, recommendation texts, indicator ids) is
 * made safe for what it is written into. Each writer guarantees:
 *
 * - escape_html: HTML text content and quoted attribute values alike:
 *   & < > " ' are entities, so no markup, script or attribute breaks out;
 *   control characters (C0 but tab, newline and CR, DEL, C1) are left out.
 * - escape_url_component: percent-encodes everything but unreserved
 *   characters (RFC 3986), for a value inside a URL.
 * - escape_link_is_safe: whether a URL from the data may be a link's
 *   href: http, https and mailto only (never javascript: or data:).
 * - escape_markdown: inline Markdown that renders as the text itself:
 *   the characters of emphasis, code, links, images, headings and tables
 *   (\ ` * _ [ ] | ~ #) are backslash-escaped, < > & become entities (so
 *   raw HTML passes as text), line breaks become spaces, other control
 *   characters are left out as in escape_html. Text is written
 *   mid-line (after "- " or in a cell), never where a line starts.
 * - escape_csv_cell: one RFC 4180 field, quoted when needed, with a ' put
 *   before a value starting with = + - @ tab or CR, so a spreadsheet shows
 *   it as text instead of running it as a formula (=HYPERLINK(...),
 *   +cmd|..., @SUM(...)). For text cells; numbers pdmon writes itself go
 *   as they are.
 * - escape_terminal: text for a terminal with every control character but
 *   tab and newline left out (C0, DEL and the C1 range of UTF-8), so no
 *   escape sequence in the data moves the cursor, retitles the window or
 *   hides what was printed. escape_guard_terminal does the same for a whole
 *   stream. */
#ifndef PDMON_ESCAPE_H
#define PDMON_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

void escape_html(FILE *out, const char *s);

/* escape_html of the first n bytes of s. */
void escape_html_bytes(FILE *out, const char *s, size_t n);

void escape_url_component(FILE *out, const char *s);

/* The same encoding into buf (cut at a whole %XX, always terminated when
 * buflen > 0), for addresses built in C such as a redirect's Location.
 * Returns buf. */
char *escape_url_component_copy(const char *s, char *buf, size_t buflen);

int escape_link_is_safe(const char *url);

void escape_markdown(FILE *out, const char *s);

void escape_csv_cell(FILE *out, const char *s, char delimiter);

/* 1 when a CSV cell with value s gets the ' that stops formulas. */
int escape_csv_needs_prefix(const char *s);

void escape_terminal(FILE *out, const char *s);

/* Copies s into buf (a string of at most buflen - 1 bytes) without the
 * control characters escape_terminal leaves out. Returns buf. */
char *escape_terminal_copy(const char *s, char *buf, size_t buflen);

/* When stream (stdout or stderr) is a terminal, makes everything written
 * to it from now on go through escape_terminal's filter; otherwise leaves
 * it as it is. Returns the stream to write to (the caller assigns it back
 * to stdout or stderr). */
FILE *escape_guard_terminal(FILE *stream);

#endif
