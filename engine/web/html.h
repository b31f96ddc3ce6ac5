/* html: how the workplace writes its pages. Every value that comes from the
 * store or the request goes out escaped (HTML text and attributes, URL path
 * segments and query values); numbers and dates are written the Russian way,
 * through engine/report/russian; the page frame carries the report's
 * stylesheet. The escaping itself is engine/report/escape's, shared with
 * the reports. */
#ifndef PDMON_HTML_H
#define PDMON_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Writes s escaped for HTML text and for a quoted attribute value
 * (& < > " ' become entities). NULL writes nothing. */
void html_text(FILE *out, const char *s);

/* Writes s percent-encoded for a URL path segment or query value: only
 * letters, digits and - . _ ~ stay as they are. */
void html_url_part(FILE *out, const char *s);

/* The same encoding into buf (truncated to len, always terminated), for
 * addresses built in C such as a redirect's Location. Returns buf. */
const char *html_url_encode(const char *s, char *buf, size_t len);

/* A small printf whose every conversion is safe for HTML:
 *   %s  text, escaped (NULL: nothing)     %U  URL part, percent-encoded
 *   %R  raw markup: only for literals the caller wrote itself
 *   %d  int        %L  long long          %N  double as ru_number writes it (decimal comma)
 *   %D  ISO date "2023-09-01" as 01.09.2023 (anything else escaped as is)
 *   %%  a percent sign. */
void html_printf(FILE *out, const char *format, ...);

/* Who is looking at a page, for its header: the account and where its links go. */
typedef struct html_frame {
  const char *title;        /* the page's title (h1 and <title>) */
  const char *login;        /* NULL on pages before login */
  const char *role;         /* region, municipality, school, admin */
  const char *municipality; /* the municipality the page belongs to, or NULL */
  const char *organization; /* the school of a school account, or NULL */
  const char *csrf;         /* the session's form token (for the logout form) */
} html_frame;

/* Writes the page up to the start of its content: doctype, the report's
 * stylesheet and the workplace's additions, the navigation of the role,
 * and the title. */
void html_page_begin(FILE *out, const html_frame *f);

/* Closes the page. */
void html_page_end(FILE *out);

/* The Russian name of an account's role. */
const char *html_role_label(const char *role);

#endif
