/* report_text.c: reading the report's model and writing its values for people. The promises
 * are in report_text.h. */
#include "report_text.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "russian.h"

const char *report_str(const cJSON *o, const char *field) {
  const char *s = o ? cJSON_GetStringValue(cJSON_GetObjectItem(o, field)) : NULL;
  return s ? s : "";
}

int report_has(const cJSON *o, const char *field) { return o && cJSON_IsNumber(cJSON_GetObjectItem(o, field)); }

int report_has_text(const cJSON *o, const char *field) { return report_str(o, field)[0] != '\0'; }

double report_number(const cJSON *o, const char *field) {
  return report_has(o, field) ? cJSON_GetObjectItem(o, field)->valuedouble : 0;
}

int report_status_judged(const char *s) {
  return !strcmp(s, "met") || !strcmp(s, "not_met") || !strcmp(s, "in_progress") || !strcmp(s, "on_track") ||
         !strcmp(s, "behind");
}

int report_status_problem(const char *s) { return !strcmp(s, "not_met"); }

const char *report_judgement(const cJSON *row) {
  const char *status = report_str(row, "status"), *progress = report_str(row, "progress");
  if (!strcmp(status, "in_progress") && (!strcmp(progress, "on_track") || !strcmp(progress, "behind"))) return progress;
  return status[0] ? status : "no_data";
}

const char *report_value_of(const char *unit, const char *target_kind, int has, double v, char *buf, size_t len) {
  if (!has) return "нет данных";
  if (!unit) unit = "";
  if (target_kind && !strcmp(target_kind, "presence") && !unit[0]) return v > 0 ? "имеется" : "отсутствует";
  char number[64];
  ru_number(v, 2, number, sizeof number);
  if (!strcmp(unit, "%")) snprintf(buf, len, "%s%%", number);
  else if (!strcmp(unit, "человек") || !strcmp(unit, "чел.")) snprintf(buf, len, "%s" RU_NBSP "%s", number, ru_plural(v, "человек", "человека", "человек"));
  else if (unit[0]) snprintf(buf, len, "%s" RU_NBSP "%s", number, unit);
  else snprintf(buf, len, "%s", number);
  return buf;
}

const char *report_value(const cJSON *ind, const cJSON *row, const char *field, char *buf, size_t len) {
  return report_value_of(report_str(ind, "unit"), report_str(ind, "target_kind"), report_has(row, field),
                         report_number(row, field), buf, len);
}

const char *report_target(const cJSON *ind, const cJSON *row) {
  if (report_has_text(row, "target_reason")) return report_str(row, "target_reason");
  if (report_has_text(ind, "target_text")) return report_str(ind, "target_text");
  return "не задана";
}

const char *report_target_short(const cJSON *ind, const cJSON *row, char *buf, size_t len) {
  snprintf(buf, len, "%s", report_target(ind, row));
  char *cut = strstr(buf, "; ");
  if (cut) *cut = '\0';
  return buf;
}

const char *report_colour(const char *judgement) {
  if (!strcmp(judgement, "met")) return "#2e7d32";
  if (!strcmp(judgement, "on_track")) return "#7cb342";
  if (!strcmp(judgement, "behind")) return "#f9a825";
  if (!strcmp(judgement, "in_progress")) return "#aed581";
  if (!strcmp(judgement, "not_met")) return "#c62828";
  return "#90a4ae";
}

const char *report_status(const char *status) {
  if (!strcmp(status, "met")) return "✓ достигнуто";
  if (!strcmp(status, "not_met")) return "✗ не достигнуто";
  if (!strcmp(status, "behind")) return "⚠ в процессе: отставание";
  return ru_status(status);
}

const char *report_municipality(const cJSON *root) {
  const char *name = report_str(cJSON_GetObjectItem(root, "cycle"), "municipality_name");
  return name[0] ? name : "муниципальное образование (название не задано)";
}

/* ---- sentences ---- */

void report_buf_add(report_buf *b, const char *s) {
  size_t n = strlen(s);
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1) cap *= 2;
    char *grown = realloc(b->s, cap);
    if (!grown) return; /* the sentence stays shorter; nothing is lost from the store */
    b->s = grown;
    b->cap = cap;
  }
  memcpy(b->s + b->n, s, n + 1);
  b->n += n;
}

void report_buf_addf(report_buf *b, const char *format, ...) {
  char small[512];
  va_list ap;
  va_start(ap, format);
  int n = vsnprintf(small, sizeof small, format, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    report_buf_add(b, small);
    return;
  }
  char *big = malloc((size_t)n + 1);
  if (!big) return;
  va_start(ap, format);
  vsnprintf(big, (size_t)n + 1, format, ap);
  va_end(ap);
  report_buf_add(b, big);
  free(big);
}

void report_buf_free(report_buf *b) {
  free(b->s);
  memset(b, 0, sizeof *b);
}

static void add_count(report_buf *b, long long n, const char *one, const char *few, const char *many) {
  char buf[128];
  report_buf_add(b, ru_count(n, one, few, many, buf, sizeof buf));
}

static void add_date(report_buf *b, const char *iso) {
  char buf[32];
  report_buf_add(b, ru_date(iso, buf, sizeof buf));
}

void report_scope_sentence(report_buf *b, const cJSON *root) {
  const cJSON *summary = cJSON_GetObjectItem(root, "summary"), *by = cJSON_GetObjectItem(summary, "by_status");
  int period = (int)report_number(cJSON_GetObjectItem(root, "cycle"), "period");
  report_buf_addf(b, "Мониторинг %d года охватил ", period);
  add_count(b, (long long)report_number(summary, "indicators"), "показатель", "показателя", "показателей");
  report_buf_add(b, " по ");
  add_count(b, cJSON_GetArraySize(cJSON_GetObjectItem(summary, "criteria")), "критерию", "критериям", "критериям");
  if (report_has_text(root, "organization_name")) {
    report_buf_add(b, " для организации ");
    report_buf_add(b, report_str(root, "organization_name"));
  } else {
    report_buf_add(b, " в ");
    add_count(b, (long long)report_number(summary, "organizations"), "образовательной организации",
              "образовательных организациях", "образовательных организациях");
  }
  const cJSON *pace = cJSON_GetObjectItem(summary, "by_progress");
  int met = (int)report_number(by, "met"), not_met = (int)report_number(by, "not_met");
  int progress = (int)report_number(by, "in_progress");
  int on_track = (int)report_number(pace, "on_track"), behind = (int)report_number(pace, "behind");
  int rest = (int)report_number(summary, "indicators") - met - not_met - progress;
  report_buf_add(b, ". Целевые значения достигнуты по ");
  add_count(b, met, "показателю", "показателям", "показателям");
  report_buf_addf(b, ", не достигнуты — по %d", not_met);
  if (progress) {
    report_buf_add(b, "; по ");
    add_count(b, progress, "показателю", "показателям", "показателям");
    report_buf_add(b, " срок цели ещё не наступил");
    /* the parts add up to the whole: a base year or a missing base value leaves the pace unjudged */
    int unjudged = progress - on_track - behind;
    if ((on_track || behind) && unjudged > 0)
      report_buf_addf(b, " (идут по траектории — %d, отстают от неё — %d, без оценки хода — %d)", on_track, behind, unjudged);
    else if (on_track || behind) report_buf_addf(b, " (идут по траектории — %d, отстают от неё — %d)", on_track, behind);
  }
  if (rest) report_buf_addf(b, "; без цели, без данных или не применимы — %d", rest);
  report_buf_add(b, ".");
}

void report_organizations_below(report_buf *b, const cJSON *group, int limit) {
  const cJSON *o, *rest = cJSON_GetObjectItem(group, "not_below");
  int below = (int)report_number(group, "below"), judged = (int)report_number(group, "judged");
  if (below == judged && judged > 1) {
    report_buf_add(b, "все ");
    add_count(b, judged, "организация", "организации", "организаций");
    return;
  }
  add_count(b, below, "организация", "организации", "организаций");
  report_buf_addf(b, " из %d", judged);
  int others = cJSON_GetArraySize(rest);
  if (rest && others > 0 && others <= 3) {
    report_buf_add(b, " — все, кроме ");
    int i = 0;
    cJSON_ArrayForEach(o, rest) {
      report_buf_add(b, i == 0 ? "" : i == others - 1 ? " и " : ", ");
      report_buf_add(b, o->valuestring);
      i++;
    }
    return;
  }
  if (limit && below > limit) return;
  report_buf_add(b, ": ");
  /* organizations with the same value together: «A, B — 0%; C — 20,59%» */
  const cJSON *list = cJSON_GetObjectItem(group, "organizations"), *p;
  int i = 0;
  cJSON_ArrayForEach(o, list) {
    char buf[64], other[64];
    const char *value = report_value(group, o, "value", buf, sizeof buf); /* buf, or a constant "нет данных" */
    int seen = 0;
    for (p = list->child; p != o; p = p->next) seen |= !strcmp(report_value(group, p, "value", other, sizeof other), value);
    if (seen) continue;
    report_buf_add(b, i++ ? "; " : "");
    int names = 0;
    for (p = o; p; p = p->next) {
      if (strcmp(report_value(group, p, "value", other, sizeof other), value)) continue;
      report_buf_add(b, names++ ? ", " : "");
      report_buf_add(b, report_str(p, "organization_name"));
    }
    report_buf_add(b, " — ");
    report_buf_add(b, value);
  }
}

/* For one organization's page: its own value against the target, then the
 * municipality's. */
static void school_problem(report_buf *b, const cJSON *g) {
  const cJSON *mine = cJSON_GetArrayItem(cJSON_GetObjectItem(g, "organizations"), 0), *total = cJSON_GetObjectItem(g, "total");
  char value[64];
  if (mine) {
    report_buf_add(b, "значение организации ");
    report_buf_add(b, report_value(g, mine, "value", value, sizeof value));
    report_buf_add(b, " при цели «");
    report_buf_add(b, report_target(g, mine));
    report_buf_add(b, "»; ");
  }
  report_buf_add(b, "по муниципалитету ");
  report_buf_add(b, report_value(g, total, "value", value, sizeof value));
  if (!mine) report_buf_add(b, report_status_problem(report_str(total, "status")) ? ", цель не достигнута" : "");
}

void report_problem_sentence(report_buf *b, const cJSON *g, int limit, int school) {
  if (school) {
    school_problem(b, g);
    return;
  }
  const cJSON *total = cJSON_GetObjectItem(g, "total");
  int municipal = cJSON_IsTrue(cJSON_GetObjectItem(g, "municipal"));
  char value[64];
  if (municipal) {
    report_buf_add(b, "по муниципалитету ");
    report_buf_add(b, report_value(g, total, "value", value, sizeof value));
    report_buf_add(b, " при цели «");
    report_buf_add(b, report_target(g, total));
    report_buf_add(b, "»");
  }
  if (report_number(g, "below") > 0) {
    report_buf_add(b, municipal ? "; ниже цели " : "ниже цели ");
    report_organizations_below(b, g, limit);
  }
}

void report_behind_sentence(report_buf *b, const cJSON *ind, const cJSON *row, int period, int school) {
  char value[64], path[64], target[512];
  report_buf_add(b, school ? "значение организации " : "по муниципалитету ");
  report_buf_add(b, report_value(ind, row, "value", value, sizeof value));
  report_buf_add(b, " — отставание от траектории к цели «");
  report_buf_add(b, report_target_short(ind, row, target, sizeof target));
  report_buf_add(b, "»");
  if (!report_has(row, "path_value")) return;
  report_buf_addf(b, ": на %d г. по траектории ", period);
  const char *unit = report_str(ind, "unit"), *kind = report_str(ind, "target_kind");
  int people = !strcmp(unit, "человек") || !strcmp(unit, "чел."), counted = people || !strcmp(unit, "ед.");
  if (!counted) {
    report_buf_add(b, report_value(ind, row, "path_value", path, sizeof path));
    return;
  }
  /* people and units are whole: the path's 234,33 человека means at least 235 (at most 17 for a ceiling) */
  int ceiling = !strcmp(kind, "at_most") || !strcmp(kind, "below");
  double whole = ceiling ? floor(report_number(row, "path_value") + 1e-9) : ceil(report_number(row, "path_value") - 1e-9);
  char number[64];
  ru_number(whole, 0, number, sizeof number);
  report_buf_addf(b, "%s %s" RU_NBSP "%s", ceiling ? "не более" : "не менее", number,
                  people ? ru_plural((long long)whole, "человека", "человек", "человек") : unit);
}

/* The quarter after the as-of date, in words where it is a calendar
 * quarter («в I квартале 2024 г.»), else as dates. */
static void add_quarter(report_buf *b, const cJSON *q) {
  const char *from = report_str(q, "from"), *to = report_str(q, "to");
  static const char *const roman[] = {"I", "II", "III", "IV"};
  static const char *const starts[] = {"-01-01", "-04-01", "-07-01", "-10-01"};
  static const char *const ends[] = {"-03-31", "-06-30", "-09-30", "-12-31"};
  for (int i = 0; i < 4; i++) {
    if (strlen(from) == 10 && !strcmp(from + 4, starts[i]) && !strcmp(to + 4, ends[i]) && !strncmp(from, to, 4)) {
      report_buf_addf(b, "в %s квартале %.4s г.", roman[i], from);
      return;
    }
  }
  report_buf_add(b, "с ");
  add_date(b, from);
  report_buf_add(b, " по ");
  add_date(b, to);
}

void report_measures_sentence(report_buf *b, const cJSON *root) {
  const cJSON *summary = cJSON_GetObjectItem(root, "summary"), *q = cJSON_GetObjectItem(summary, "next_quarter");
  report_buf_add(b, "На ");
  add_date(b, report_str(cJSON_GetObjectItem(root, "cycle"), "as_of"));
  report_buf_add(b, " из ");
  add_count(b, (long long)report_number(summary, "measures"), "мероприятия", "мероприятий", "мероприятий");
  report_buf_addf(b, " дорожной карты цикла выполнено %d, просрочено %d. ", (int)report_number(summary, "measures_done"),
                  (int)report_number(summary, "measures_overdue"));
  int due = cJSON_GetArraySize(cJSON_GetObjectItem(q, "measures")), continuing = (int)report_number(q, "continuing");
  report_buf_add(b, due ? "Сроки наступают " : "Сроков исполнения ");
  add_quarter(b, q);
  if (due) {
    report_buf_add(b, " у ");
    add_count(b, due, "мероприятия", "мероприятий", "мероприятий");
  } else {
    report_buf_add(b, " нет");
  }
  if (continuing) {
    report_buf_add(b, "; продолжается выполнение ");
    add_count(b, continuing, "мероприятия", "мероприятий", "мероприятий");
    report_buf_add(b, ", рассчитанных на весь период");
  }
  report_buf_add(b, due ? ":" : ".");
}

void report_document_text(report_buf *b, const cJSON *d) {
  char kind[256];
  report_buf_add(b, ru_lowercased(ru_document_kind(report_str(d, "kind")), kind, sizeof kind));
  if (report_has_text(d, "number")) {
    report_buf_add(b, " № ");
    report_buf_add(b, report_str(d, "number"));
  }
  report_buf_add(b, " от ");
  add_date(b, report_str(d, "date"));
}

void report_decision_text(report_buf *b, const cJSON *d, int quoted) {
  report_buf doc = {0};
  report_document_text(&doc, d);
  char *capital = malloc(doc.n + 1);
  if (capital) report_buf_add(b, ru_capitalized(doc.s, capital, doc.n + 1));
  free(capital);
  report_buf_free(&doc);
  if (quoted) {
    report_buf_add(b, " «");
    report_buf_add(b, report_str(d, "title"));
    report_buf_add(b, "»");
  }
}
