/* personal.c: recognizes personal data in headers and values, so that none of it reaches the
 * store. The promises are in personal.h. */
#include "personal.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "text.h"
#include "i18n.h"

/* Words of a header that name a person's identity: refused in any file. */
static const char *const name_words[] = {"фио", "фамилия", "имя", "отчество", "surname", "patronymic", "firstname",
                                         "lastname", "fullname", "снилс", "snils", "паспорт", "паспортные",
                                         "passport", "рождения", NULL};

/* Words of a header that name contacts: personal for workers, not for an
 * organization's own address or phone. */
static const char *const contact_words[] = {"телефон", "тел", "phone", "мобильный", "email", "e-mail", "mail",
                                            "почта", "адрес", "address", "жительства", "проживания", "прописка",
                                            "инн", NULL};

/* Phrases that make a header about a website, not a person. */
static const char *const web_words[] = {"сайт", "url", "ссылка", "http", "web", NULL};

/* 1 when word (len bytes) is one of list. */
static int word_in(const char *const *list, const char *word, size_t len) {
  for (size_t i = 0; list[i]; i++)
    if (strlen(list[i]) == len && strncmp(list[i], word, len) == 0) return 1;
  return 0;
}

/* 1 when the folded header has a word of list; words are runs of letters,
 * digits and '-' (UTF-8 bytes count as letters). */
static int has_word(const char *folded, const char *const *list) {
  const unsigned char *s = (const unsigned char *)folded;
  size_t i = 0, n = strlen(folded);
  while (i < n) {
    while (i < n && !(isalnum(s[i]) || s[i] >= 0x80 || s[i] == '-')) i++;
    size_t start = i;
    while (i < n && (isalnum(s[i]) || s[i] >= 0x80 || s[i] == '-')) i++;
    if (i > start && word_in(list, folded + start, i - start)) return 1;
  }
  return 0;
}

const char *personal_header_reason(const char *header, int legal_entity) {
  char folded[512];
  if (!text_fold(header, folded, sizeof folded)) return NULL;
  for (size_t i = 0; web_words[i]; i++)
    if (strstr(folded, web_words[i])) return NULL;
  if (strstr(folded, "ф.и.о") || strstr(folded, "full name") || strstr(folded, "first name") ||
      strstr(folded, "last name") || strcmp(folded, "name") == 0 || has_word(folded, name_words))
    return _("a person's name or identity");
  if (!legal_entity && (strstr(folded, "эл. почта") || has_word(folded, contact_words)))
    return _("a person's contacts");
  return NULL;
}

/* Decodes one code point of UTF-8 at s into *cp; returns its length (1 for
 * a byte that is not valid UTF-8). */
static size_t decode(const unsigned char *s, size_t n, unsigned *cp) {
  size_t k = text_utf8_sequence(s, n);
  if (k <= 1) { *cp = s[0]; return 1; }
  *cp = s[0] & (k == 2 ? 0x1F : k == 3 ? 0x0F : 0x07);
  for (size_t j = 1; j < k; j++) *cp = (*cp << 6) | (s[j] & 0x3F);
  return k;
}

static int is_upper_cyrillic(unsigned cp) { return (cp >= 0x0410 && cp <= 0x042F) || cp == 0x0401; }
static int is_lower_cyrillic(unsigned cp) { return (cp >= 0x0430 && cp <= 0x044F) || cp == 0x0451; }

/* The shapes of the tokens of a value, one letter per token: W a
 * capitalized Cyrillic word ("Иванова", "Петрова-Водкина"), P such a word
 * ending like a patronymic ("Петровна"), I one or two initials ("М.П.",
 * "М."), x anything else. */
static void token_shapes(const char *value, char *shapes, size_t max) {
  const unsigned char *s = (const unsigned char *)value;
  size_t n = strlen(value), i = 0, k = 0;
  while (i < n && k + 1 < max) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ',' || s[i] == ';' || s[i] == ':')) i++;
    if (i >= n) break;
    size_t start = i;
    while (i < n && !(s[i] == ' ' || s[i] == '\t' || s[i] == ',' || s[i] == ';' || s[i] == ':')) i++;
    /* classify s[start, i) */
    unsigned cp;
    size_t pos = start, letters = 0, uppers = 0, dots = 0, others = 0, lower_run = 0;
    int first_upper = 0;
    unsigned last[4] = {0, 0, 0, 0};
    while (pos < i) {
      pos += decode(s + pos, i - pos, &cp);
      if (is_upper_cyrillic(cp)) {
        if (letters == 0) first_upper = 1;
        uppers++, letters++, lower_run = 0;
      } else if (is_lower_cyrillic(cp)) {
        letters++, lower_run++;
      } else if (cp == '.') {
        dots++;
      } else if (cp != '-') {
        others++;
      }
      last[0] = last[1], last[1] = last[2], last[2] = last[3], last[3] = cp;
    }
    char shape = 'x';
    if (!others && first_upper && dots == 0 && letters >= 2 && uppers <= 2 && lower_run >= 1) {
      shape = 'W';
      /* вич, вна, ична, чна, оглы, кызы */
      if ((last[1] == 0x0432 && last[2] == 0x0438 && last[3] == 0x0447) ||
          (last[1] == 0x0432 && last[2] == 0x043D && last[3] == 0x0430) ||
          (last[1] == 0x0447 && last[2] == 0x043D && last[3] == 0x0430) ||
          (last[0] == 0x043E && last[1] == 0x0433 && last[2] == 0x043B && last[3] == 0x044B) ||
          (last[0] == 0x043A && last[1] == 0x044B && last[2] == 0x0437 && last[3] == 0x044B))
        shape = 'P';
    } else if (!others && letters >= 1 && letters == uppers && letters <= 2 && dots == letters) {
      shape = 'I';
    }
    shapes[k++] = shape;
  }
  shapes[k] = '\0';
}

int personal_looks_like_name(const char *value) {
  /* every form below is two tokens or more: a value without a separator (an id) is none */
  if (!value[strcspn(value, " \t,;:")]) return 0;
  char shapes[64];
  token_shapes(value, shapes, sizeof shapes);
  /* Фамилия И.О., И.О. Фамилия, Фамилия Имя Отчество, Имя Отчество */
  return strstr(shapes, "WI") || strstr(shapes, "IW") || strstr(shapes, "WWP") || strstr(shapes, "WP") ||
         strstr(shapes, "WII") || strstr(shapes, "IIW");
}

/* "a СНИЛС" for ddd-ddd-ddd dd, "a phone number" for 10 to 12 digits
 * written as phones are, else NULL. */
static const char *number_reason(const char *value) {
  size_t digits = 0, n = strlen(value);
  int plus = 0, grouped = 0;
  for (size_t i = 0; i < n; i++) {
    char c = value[i];
    if (isdigit((unsigned char)c)) digits++;
    else if (c == '+' && digits == 0) plus = 1;
    else if (c == ' ' || c == '-' || c == '(' || c == ')') grouped = 1;
    else return NULL;
  }
  if (digits == 11 && n == 14 && value[3] == '-' && value[7] == '-' && (value[11] == ' ' || value[11] == '-'))
    return _("a СНИЛС");
  if (digits >= 10 && digits <= 12 && (plus || grouped || value[0] == '8' || value[0] == '7')) return _("a phone number");
  return NULL;
}

const char *personal_value_reason(const char *value) {
  const char *at = strchr(value, '@');
  if (at && at > value && at[1] && strchr(at + 1, '.') && !strchr(value, ' ')) return _("an e-mail address");
  const char *number = number_reason(value);
  if (number) return number;
  return personal_looks_like_name(value) ? "a full name" : NULL;
}
