/* russian.c: numbers, number agreement, dates and the Russian words for codes, as every
 * document pdmon writes for people prints them. The promises are in russian.h. */
#include "russian.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vocabulary.h"

/* Rounds v to decimals digits and writes it with a '.' (C locale) and no
 * trailing zeros; "-0" becomes "0". */
static void plain_digits(double v, int decimals, char *buf, size_t len) {
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  double scale = pow(10, decimals);
  double r = round(v * scale) / scale;
  if (r == 0) r = 0; /* drops the sign of -0 */
  snprintf(buf, len, "%.*f", decimals, r);
  char *dot = strchr(buf, '.');
  if (!dot) return;
  size_t n = strlen(buf);
  while (n > 0 && buf[n - 1] == '0') buf[--n] = '\0';
  if (n > 0 && buf[n - 1] == '.') buf[--n] = '\0';
}

/* Appends s to buf (of len) at *at, truncating. */
static void append(char *buf, size_t len, size_t *at, const char *s) {
  size_t n = strlen(s);
  if (*at + n >= len) n = *at + 1 < len ? len - *at - 1 : 0;
  memcpy(buf + *at, s, n);
  *at += n;
  buf[*at] = '\0';
}

const char *ru_number(double v, int decimals, char *buf, size_t len) {
  if (!len) return buf;
  buf[0] = '\0';
  if (!isfinite(v)) {
    snprintf(buf, len, "—");
    return buf;
  }
  char digits[400];
  plain_digits(v, decimals, digits, sizeof digits);
  const char *p = digits;
  size_t at = 0;
  if (*p == '-') {
    append(buf, len, &at, "\xe2\x88\x92"); /* U+2212 MINUS SIGN */
    p++;
  }
  size_t whole = strcspn(p, ".");
  for (size_t i = 0; i < whole; i++) {
    char digit[2] = {p[i], '\0'};
    if (whole >= 5 && i > 0 && (whole - i) % 3 == 0) append(buf, len, &at, RU_THIN_SPACE);
    append(buf, len, &at, digit);
  }
  if (p[whole] == '.') {
    append(buf, len, &at, ",");
    append(buf, len, &at, p + whole + 1);
  }
  return buf;
}

const char *ru_decimal(double v, int decimals, char *buf, size_t len) {
  if (!len) return buf;
  if (!isfinite(v)) {
    buf[0] = '\0';
    return buf;
  }
  plain_digits(v, decimals, buf, len);
  char *dot = strchr(buf, '.');
  if (dot) *dot = ',';
  return buf;
}

const char *ru_plural(double n, const char *one, const char *few, const char *many) {
  if (n != floor(n)) return few;
  double a = fabs(n);
  long long tens = (long long)fmod(a, 100), units = (long long)fmod(a, 10);
  if (tens >= 11 && tens <= 14) return many;
  if (units == 1) return one;
  if (units >= 2 && units <= 4) return few;
  return many;
}

const char *ru_count(long long n, const char *one, const char *few, const char *many, char *buf, size_t len) {
  char number[64];
  snprintf(buf, len, "%s" RU_NBSP "%s", ru_number((double)n, 0, number, sizeof number), ru_plural((double)n, one, few, many));
  return buf;
}

const char *ru_date(const char *iso, char *buf, size_t len) {
  int y, m, d;
  char rest;
  if (!iso) iso = "";
  size_t n = strlen(iso);
  if (n >= 10 && sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &rest) >= 3 && iso[4] == '-' && iso[7] == '-' &&
      (n == 10 || iso[10] == 'T' || iso[10] == ' ') && m >= 1 && m <= 12 && d >= 1 && d <= 31)
    snprintf(buf, len, "%02d.%02d.%04d", d, m, y);
  else
    snprintf(buf, len, "%s", iso);
  return buf;
}

const char *ru_capitalized(const char *s, char *buf, size_t len) {
  snprintf(buf, len, "%s", s ? s : "");
  unsigned char *b = (unsigned char *)buf;
  if (len < 3) return buf;
  if (b[0] >= 'a' && b[0] <= 'z') b[0] = (unsigned char)(b[0] - 'a' + 'A');
  else if (b[0] == 0xD0 && b[1] >= 0xB0 && b[1] <= 0xBF) b[1] = (unsigned char)(b[1] - 0x20); /* а-п */
  else if (b[0] == 0xD1 && b[1] >= 0x80 && b[1] <= 0x8F) b[0] = 0xD0, b[1] = (unsigned char)(b[1] + 0x20); /* р-я */
  else if (b[0] == 0xD1 && b[1] == 0x91) b[0] = 0xD0, b[1] = 0x81; /* ё */
  return buf;
}

const char *ru_lowercased(const char *s, char *buf, size_t len) {
  snprintf(buf, len, "%s", s ? s : "");
  unsigned char *b = (unsigned char *)buf;
  if (len < 3) return buf;
  if (b[0] >= 'A' && b[0] <= 'Z') b[0] = (unsigned char)(b[0] - 'A' + 'a');
  else if (b[0] == 0xD0 && b[1] >= 0x90 && b[1] <= 0x9F) b[1] = (unsigned char)(b[1] + 0x20); /* А-П */
  else if (b[0] == 0xD0 && b[1] >= 0xA0 && b[1] <= 0xAF) b[0] = 0xD1, b[1] = (unsigned char)(b[1] - 0x20); /* Р-Я */
  else if (b[0] == 0xD0 && b[1] == 0x81) b[0] = 0xD1, b[1] = 0x91; /* Ё */
  return buf;
}

const char *ru_today_iso(char *buf, size_t len) {
  time_t now = time(NULL);
  struct tm tm;
  if (!localtime_r(&now, &tm) || strftime(buf, len, "%Y-%m-%d", &tm) == 0) snprintf(buf, len, "%s", "");
  return buf;
}

const char *ru_month(int month, int genitive) {
  static const char *const nominative[] = {"январь", "февраль", "март", "апрель", "май", "июнь", "июль",
                                           "август", "сентябрь", "октябрь", "ноябрь", "декабрь"};
  static const char *const of[] = {"января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                                   "августа", "сентября", "октября", "ноября", "декабря"};
  if (month < 1 || month > 12) return "";
  return genitive ? of[month - 1] : nominative[month - 1];
}

/* ---- labels ---- */

typedef struct ru_label {
  const char *code, *label;
} ru_label;

static const ru_label statuses[] = {
  {"met", "достигнуто"},
  {"not_met", "не достигнуто"},
  {"in_progress", "в процессе"},
  {"on_track", "в процессе: по графику"},
  {"behind", "в процессе: отставание"},
  {"no_target", "цель не задана"},
  {"no_data", "нет данных"},
  {"not_applicable", "не применимо"},
  {"error", "ошибка в правиле"},
  {NULL, NULL}};

static const ru_label verdicts[] = {
  {"effective", "эффективна"},
  {"no_effect", "без эффекта"},
  {"maintained", "сохранено"},
  {"worse", "ухудшение"},
  {"insufficient_data", "недостаточно данных"},
  {NULL, NULL}};

static const ru_label measure_states[] = {
  {"done", "выполнено"},
  {"due", "к исполнению"},
  {"overdue", "просрочено"},
  {"planned", "запланировано"},
  {"in_progress", "в работе"},
  {NULL, NULL}};

static const ru_label origins[] = {
  {"new", "выявлена в этом цикле"},
  {"carried", "не решена с прошлого цикла"},
  {NULL, NULL}};

static const ru_label cycle_states[] = {
  {"open", "открыт"},
  {"run", "мониторинг проведён"},
  {"closed", "завершён"},
  {NULL, NULL}};

static const ru_label figures[] = {
  {"yearly", "за год"},
  {"cumulative", "нарастающим итогом"},
  {NULL, NULL}};

static const ru_label target_origins[] = {
  {"document", "из документа"},
  {"municipality", "выбрана муниципалитетом (в документе не указана)"},
  {NULL, NULL}};

static const char *lookup(const ru_label *list, const char *code) {
  if (!code || !code[0]) return "—";
  for (; list->code; list++)
    if (!strcmp(list->code, code)) return list->label;
  return code;
}

const char *ru_status(const char *code) { return lookup(statuses, code); }
const char *ru_verdict(const char *code) { return lookup(verdicts, code); }
const char *ru_measure_state(const char *code) { return lookup(measure_states, code); }
/* A label of the controlled vocabularies (engine/store/vocabulary.c), the
 * one place the importer, the packs and the reports read them from. */
static const char *controlled(const char *vocabulary_name, const char *code) {
  if (!code || !code[0]) return "—";
  const vocabulary_entry *e = vocabulary_entry_of(vocabulary_find(vocabulary_name), code);
  return e ? e->label : code;
}

const char *ru_document_kind(const char *code) { return controlled("document_kind", code); }
const char *ru_addressee(const char *code) { return controlled("addressee", code); }
const char *ru_origin(const char *code) { return lookup(origins, code); }
const char *ru_cycle_state(const char *code) { return lookup(cycle_states, code); }
const char *ru_organization_kind(const char *code) { return controlled("organization_kind", code); }
const char *ru_figure(const char *code) { return lookup(figures, code); }
const char *ru_target_origin(const char *code) { return lookup(target_origins, code); }

const char *ru_code_at(const char *which, size_t i) {
  static const struct {
    const char *name;
    const ru_label *list;
  } lists[] = {{"status", statuses}, {"verdict", verdicts}, {"measure_state", measure_states},
               {"origin", origins}, {"cycle_state", cycle_states}, {"figure", figures},
               {"target_origin", target_origins}};
  const vocabulary *v = which ? vocabulary_find(which) : NULL;
  if (v && (!strcmp(which, "document_kind") || !strcmp(which, "addressee") || !strcmp(which, "organization_kind"))) {
    for (size_t k = 0; v->entries[k].code; k++)
      if (k == i) return v->entries[k].code;
    return NULL;
  }
  for (size_t l = 0; which && l < sizeof lists / sizeof lists[0]; l++) {
    if (strcmp(lists[l].name, which)) continue;
    for (size_t k = 0; lists[l].list[k].code; k++)
      if (k == i) return lists[l].list[k].code;
    return NULL;
  }
  return NULL;
}
