/* russian: how pdmon writes for people, in one place, so the report, the
 * workbook, the Excel CSV and the web workplace say the same thing the same
 * way: numbers with a decimal comma and thin-space thousands, Russian
 * number agreement, dd.mm.yyyy dates, and the Russian words for every code
 * a person may meet (indicator statuses, effectiveness verdicts, roadmap
 * states, document kinds, addressees, origins of problems, cycle states,
 * kinds of organization). Codes stay in JSON and the machine CSV.
 *
 * Every function that fills a buffer returns it (truncated to len, always
 * terminated). The label functions return a static string: the Russian
 * label of a known code, "—" for NULL or "", and the code itself for a code
 * this build does not know (so a new code shows up instead of vanishing;
 * tests assert every known code has its label). */
#ifndef PDMON_RUSSIAN_H
#define PDMON_RUSSIAN_H

#include <stddef.h>

/* U+202F NARROW NO-BREAK SPACE: the thin space between thousands (and
 * between a number and its word) that never breaks a line. */
#define RU_THIN_SPACE "\xe2\x80\xaf"
/* U+00A0 NO-BREAK SPACE, as after "№". */
#define RU_NBSP "\xc2\xa0"

/* v as Russian documents print it: decimal comma, at most decimals digits
 * after it (rounded; trailing zeros dropped), thousands grouped by a thin
 * space from five digits on (1500, 12 500), the minus sign U+2212. */
const char *ru_number(double v, int decimals, char *buf, size_t len);

/* v for a spreadsheet cell typed as text by Russian Excel: decimal comma,
 * at most decimals digits, no grouping, ASCII minus, so Excel reads it as
 * a number. */
const char *ru_decimal(double v, int decimals, char *buf, size_t len);

/* The form of a noun that agrees with n: one (1, 21, 101: «показатель»),
 * few (2-4, 22-24: «показателя») or many (0, 5-20, 25: «показателей»).
 * A fractional n takes the few form («1,5 процента»). */
const char *ru_plural(double n, const char *one, const char *few, const char *many);

/* n and its agreeing noun: «1 показатель», «2 показателя», «5 показателей». */
const char *ru_count(long long n, const char *one, const char *few, const char *many, char *buf, size_t len);

/* An ISO date or date-time ("2023-10-16", "2023-10-16T08:30:00Z") as
 * dd.mm.yyyy; anything else is copied unchanged. */
const char *ru_date(const char *iso, char *buf, size_t len);

/* s with its first letter capitalized (Cyrillic or Latin): «приказ» →
 * «Приказ». */
const char *ru_capitalized(const char *s, char *buf, size_t len);

/* s with its first letter in lower case: «Приказ» → «приказ». */
const char *ru_lowercased(const char *s, char *buf, size_t len);

/* Today's local date as ISO yyyy-mm-dd (buf of at least 11 bytes). */
const char *ru_today_iso(char *buf, size_t len);

/* The Russian name of a month (1-12) in the genitive («января») or the
 * nominative («январь»). */
const char *ru_month(int month, int genitive);

/* Labels of codes. */
const char *ru_status(const char *code);          /* met, not_met, in_progress, on_track, behind, not_applicable, ... */
const char *ru_verdict(const char *code);         /* effective, no_effect, maintained, worse, insufficient_data */
const char *ru_measure_state(const char *code);   /* done, due, overdue, planned, in_progress */
/* the controlled vocabularies' labels (engine/store/vocabulary.c), capitalized as headings: */
const char *ru_document_kind(const char *code);   /* order «Приказ», protocol, programme, plan, regulation, ... */
const char *ru_addressee(const char *code);       /* organization, municipality, methodical_service, ... */
const char *ru_origin(const char *code);          /* new, carried */
const char *ru_cycle_state(const char *code);     /* open, run, closed */
const char *ru_organization_kind(const char *code); /* school, preschool, additional, ... (vocabulary) */
const char *ru_figure(const char *code);          /* yearly, cumulative: the figure a cumulative target was judged on */
const char *ru_target_origin(const char *code);   /* document, municipality: who set a target */

/* The i-th code (from 0) a label list knows, NULL past the end or for an
 * unknown list (for tests, and for pickers in the web workplace). which:
 * "status", "verdict", "measure_state", "document_kind", "addressee",
 * "origin", "cycle_state", "organization_kind", "figure", "target_origin". */
const char *ru_code_at(const char *which, size_t i);

#endif
