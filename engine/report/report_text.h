/* report_text: how every renderer of the report reads its model and writes a value for
 * people: fields that may be missing, an indicator's value with its unit («32,06%»,
 * «4 человека», «имеется»), its target for the year, its status in words with a sign
 * (✓ / ✗) for readers who do not see colour, and which statuses count as judged or as a
 * problem. Internal to engine/report. */
#ifndef PDMON_REPORT_TEXT_H
#define PDMON_REPORT_TEXT_H

#include <cJSON.h>
#include <stddef.h>

/* A string field, "" when missing or null. */
const char *report_str(const cJSON *o, const char *field);
/* Whether a field is a number / a non-empty string. */
int report_has(const cJSON *o, const char *field);
int report_has_text(const cJSON *o, const char *field);
/* A number field, 0 when missing. */
double report_number(const cJSON *o, const char *field);

/* Statuses (or judgements) judged against a target (met, not met, in
 * progress) and those that are a problem (not met). */
int report_status_judged(const char *status);
int report_status_problem(const char *status);

/* The field of row (value, target_value, ...) of indicator ind for people:
 * a number with its unit and number agreement, «имеется»/«отсутствует» for
 * a presence, «нет данных» when missing. */
const char *report_value(const cJSON *ind, const cJSON *row, const char *field, char *buf, size_t len);
/* The same for a value read without the model (has: whether there is one). */
const char *report_value_of(const char *unit, const char *target_kind, int has, double v, char *buf, size_t len);

/* The target that applied to row this period, in words (the judged target,
 * else the document's phrase, else «не задана»). */
const char *report_target(const cJSON *ind, const cJSON *row);

/* The judged target's first clause, without how it was read («не менее
 * 350 человек к 2024 г.» of «...; до 2024 г. — в процессе, ...»), into buf. */
const char *report_target_short(const cJSON *ind, const cJSON *row, char *buf, size_t len);

/* The colour of a judgement in charts and legends. */
const char *report_colour(const char *judgement);

/* A row's judgement: its status, or for a result in progress towards a
 * later target, how it goes on the linear path (on_track, behind). */
const char *report_judgement(const cJSON *row);

/* A judgement in words with a sign: «✓ достигнуто», «✗ не достигнуто»,
 * «⚠ в процессе: отставание», ... */
const char *report_status(const char *judgement);

/* The name of the subject of the report: the municipality's or, for one
 * organization's page, the organization's. */
const char *report_municipality(const cJSON *root);

/* A growing string the sentences are written into. */
typedef struct report_buf {
  char *s;
  size_t n, cap;
} report_buf;

void report_buf_add(report_buf *b, const char *s);
void report_buf_addf(report_buf *b, const char *format, ...) __attribute__((format(printf, 2, 3)));
void report_buf_free(report_buf *b);

/* The sentences of page one, as plain text (each renderer escapes them):
 * what the monitoring covered and how many targets were met; */
void report_scope_sentence(report_buf *b, const cJSON *root);
/* one problem: the municipality's value against its target and the
 * organizations below (named when there are at most limit of them, 0:
 * always; «все 14 организаций», «все, кроме ...» where most are); on one
 * organization's page (school), its own value, then the municipality's; */
void report_problem_sentence(report_buf *b, const cJSON *group, int limit, int school);
/* a result behind the linear path to a later target: its value, the
 * target, and where the path is this period (school: the organization's
 * own row); */
void report_behind_sentence(report_buf *b, const cJSON *ind, const cJSON *row, int period, int school);
/* the organizations below target of a problem: «3 организации из 8: A —
 * 4,35%; ...», «все 14 организаций», «12 организаций из 14 — все, кроме A
 * и B» (names only when at most limit, 0: always); */
void report_organizations_below(report_buf *b, const cJSON *group, int limit);
/* the roadmap on the as-of date and the quarter after it; */
void report_measures_sentence(report_buf *b, const cJSON *root);
/* a decision: «Приказ № 5 от 01.02.2023 «...»» (title not quoted when
 * quoted is 0, for renderers that link it); */
void report_decision_text(report_buf *b, const cJSON *decision, int quoted);
/* a document as evidence: «приказ № 5 от 01.02.2023». */
void report_document_text(report_buf *b, const cJSON *document);

#endif
