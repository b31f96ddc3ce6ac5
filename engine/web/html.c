/* html.c: the workplace's HTML writing (escaping through engine/report/escape, Russian numbers
 * and dates, the page frame). The promises are in html.h. */
#include "html.h"

#include <stdarg.h>
#include <string.h>

#include "escape.h"
#include "report.h"
#include "russian.h"

void html_text(FILE *out, const char *s) {
  escape_html(out, s);
}

void html_url_part(FILE *out, const char *s) {
  escape_url_component(out, s);
}

const char *html_url_encode(const char *s, char *buf, size_t len) {
  return escape_url_component_copy(s, buf, len);
}

/* Writes an ISO date as dd.mm.yyyy; other text escaped as it is. */
static void html_date(FILE *out, const char *iso) {
  char buf[64];
  html_text(out, iso ? ru_date(iso, buf, sizeof buf) : NULL);
}

void html_printf(FILE *out, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  for (const char *p = format; *p; p++) {
    if (*p != '%' || !p[1]) {
      fputc(*p, out);
      continue;
    }
    char buf[64];
    switch (*++p) {
    case 's': html_text(out, va_arg(ap, const char *)); break;
    case 'U': html_url_part(out, va_arg(ap, const char *)); break;
    case 'R': fputs(va_arg(ap, const char *), out); break;
    case 'd': fprintf(out, "%d", va_arg(ap, int)); break;
    case 'L': fprintf(out, "%lld", va_arg(ap, long long)); break;
    case 'N': fputs(ru_number(va_arg(ap, double), 2, buf, sizeof buf), out); break;
    case 'D': html_date(out, va_arg(ap, const char *)); break;
    default: fputc(*p, out); break;
    }
  }
  va_end(ap);
}

const char *html_role_label(const char *role) {
  if (!role) return "";
  if (!strcmp(role, "region")) return "регион";
  if (!strcmp(role, "municipality")) return "муниципалитет";
  if (!strcmp(role, "school")) return "образовательная организация";
  if (!strcmp(role, "admin")) return "администратор";
  return role;
}

/* What the workplace adds to the report's look: the bar, forms, messages. */
static const char workplace_css[] =
    "header.bar{background:#2b5797;color:#fff;padding:.4rem 1rem;display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center}"
    "header.bar a{color:#fff}header.bar nav{display:flex;flex-wrap:wrap;gap:.2rem 1rem;flex:1}"
    "header.bar form{margin:0}header.bar button{background:none;border:1px solid #fff;color:#fff;cursor:pointer}"
    "form.box{border:1px solid #b8b8b8;padding:.6rem .8rem;margin:.5rem 0 1rem;background:#f7f9fc}"
    "label{display:block;margin:.3rem 0 .1rem}input[type=text],input[type=password],input[type=date],select,textarea"
    "{font:inherit;padding:.25rem;max-width:100%;box-sizing:border-box}input.phrase{width:100%}"
    "button,input[type=submit]{font:inherit;padding:.25rem .8rem;cursor:pointer}"
    ".error{background:#fdecea;border-left:4px solid #c62828;padding:.4rem .6rem}"
    ".ok{background:#e6f4ea;border-left:4px solid #2e7d32;padding:.4rem .6rem}"
    ".glance{display:flex;flex-wrap:wrap;gap:.5rem}.glance div{border:1px solid #b8b8b8;padding:.4rem .8rem;min-width:8rem}"
    ".glance strong{font-size:1.4rem;display:block}output{display:block;font-size:.85rem;margin-top:.2rem}"
    "textarea.phrase{width:100%;font:inherit}td.phrase{width:45%}form.login{max-width:22rem}form.login input{width:100%}"
    ".on_track{background:#e6f4ea}.behind{background:#fdecea}.in_progress{background:#fff8e1}"
    "@media (max-width:40rem){header.bar{display:block}table.cards thead{display:none}"
    "table.cards tr{display:block;border:1px solid #b8b8b8;margin:.4rem 0}table.cards td,table.cards th{display:block;border:none}"
    "table.cards td.num{text-align:left}}";

/* The links of each role's navigation bar. */
static void write_nav(FILE *out, const html_frame *f) {
  const char *m = f->municipality;
  if (!f->login) return;
  html_printf(out, "<nav aria-label=\"Разделы\">");
  if (!strcmp(f->role, "admin")) {
    html_printf(out, "<a href=\"/admin/users\">Учётные записи</a><a href=\"/admin/audit\">Журнал действий</a>");
  } else if (!strcmp(f->role, "school")) {
    html_printf(out, "<a href=\"/m/%U/org/%U\">Моя организация</a><a href=\"/m/%U/upload\">Загрузка данных</a>", m,
                f->organization, m);
  } else {
    if (!strcmp(f->role, "region")) html_printf(out, "<a href=\"/\">Муниципалитеты</a>");
    if (m)
      html_printf(out, "<a href=\"/m/%U\">Сводка</a><a href=\"/m/%U/roadmap\">Дорожная карта</a>"
                       "<a href=\"/m/%U/decisions\">Решения</a><a href=\"/m/%U/targets\">Целевые значения</a>",
                  m, m, m, m);
    if (m && !strcmp(f->role, "municipality")) html_printf(out, "<a href=\"/m/%U/upload\">Загрузка данных</a>", m);
  }
  html_printf(out, "</nav><span>%s (%s)</span><form method=\"post\" action=\"/logout\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\">Выйти</button></form>",
              f->login, html_role_label(f->role), f->csrf);
}

void html_page_begin(FILE *out, const html_frame *f) {
  html_printf(out, "<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                   "<title>%s — pdmon</title><style>%R%R</style></head>\n<body><header class=\"bar\"><strong>pdmon</strong>",
              f->title, report_css(), workplace_css);
  write_nav(out, f);
  html_printf(out, "</header><main>\n<h1>%s</h1>\n", f->title);
}

void html_page_end(FILE *out) { fputs("</main></body></html>\n", out); }
