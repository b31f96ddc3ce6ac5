/* i18n.c: the locale and the message catalogue. The promises are in i18n.h. */
#include "i18n.h"

#include <limits.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PDMON_LOCALEDIR
#define PDMON_LOCALEDIR "/usr/local/share/locale"
#endif

/* 1 for the locales of no language and no character set beyond ASCII. */
static int is_ascii_locale(const char *name) { return !strcmp(name, "C") || !strcmp(name, "POSIX"); }

/* The locale the environment asks for messages in, as setlocale reads it. */
static const char *requested_messages_locale(void) {
  static const char *const variables[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for (int i = 0; i < 3; i++) {
    const char *v = getenv(variables[i]);
    if (v && *v) return v;
  }
  return NULL;
}

/* Sets LC_CTYPE from the environment; a C locale, one that is not
 * installed, or one of another character set (ru_RU.CP1251) becomes
 * C.UTF-8 (as Python does for C, PEP 538): pdmon's store, packs and
 * reports are UTF-8, libedit drops every non-ASCII key in an ASCII locale,
 * and in a single-byte locale Lua's %a would match Cyrillic bytes, so a
 * pack's results would depend on the user's locale. */
static void set_character_locale(void) {
  const char *got = setlocale(LC_CTYPE, "");
  if (got && !is_ascii_locale(got) && !strcmp(nl_langinfo(CODESET), "UTF-8")) return;
  if (!setlocale(LC_CTYPE, "C.UTF-8")) setlocale(LC_CTYPE, "C.utf8");
}

/* Sets LC_MESSAGES from the environment. glibc's gettext ignores the
 * language when the messages locale could not be set, which on a fresh
 * machine (ru_RU.UTF-8 asked for, not generated) would mean English for a
 * Russian user; then the language is passed through LANGUAGE, which
 * gettext reads under any locale but plain "C". */
static void set_messages_locale(void) {
  if (setlocale(LC_MESSAGES, "")) return;
  const char *wanted = requested_messages_locale();
  if (!wanted || is_ascii_locale(wanted) || !strncmp(wanted, "C.", 2)) return; /* English asked for */
  const char *language = getenv("LANGUAGE");
  if (!setlocale(LC_MESSAGES, "C.UTF-8") && !setlocale(LC_MESSAGES, "C.utf8")) return;
  if (!language || !*language) setenv("LANGUAGE", wanted, 1);
}

/* 1 when dir holds pdmon's Russian catalogue (the one it ships). */
static int holds_catalogue(const char *dir) {
  char path[PATH_MAX + 64];
  struct stat st;
  snprintf(path, sizeof path, "%s/ru/LC_MESSAGES/" PDMON_TEXT_DOMAIN ".mo", dir);
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The catalogue's folder: see i18n.h for the order. buf holds PATH_MAX. */
static const char *catalogue_dir(char *buf) {
  const char *forced = getenv("PDMON_LOCALEDIR");
  if (forced && *forced) return forced;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    snprintf(buf, PATH_MAX, "%.*s/locale", PATH_MAX - 16, exe); /* the build tree */
    if (holds_catalogue(buf)) return buf;
    snprintf(buf, PATH_MAX, "%.*s/../share/locale", PATH_MAX - 32, exe); /* PREFIX/bin/pdmon */
    if (holds_catalogue(buf)) return buf;
  }
  return PDMON_LOCALEDIR;
}

void i18n_init(void) {
  set_character_locale();
  set_messages_locale();
  char buf[PATH_MAX];
  bindtextdomain(PDMON_TEXT_DOMAIN, catalogue_dir(buf));
  bind_textdomain_codeset(PDMON_TEXT_DOMAIN, "UTF-8");
  textdomain(PDMON_TEXT_DOMAIN);
}

const char *i18n_catalogue_dir(void) { return bindtextdomain(PDMON_TEXT_DOMAIN, NULL); }

const char *i18n_language(void) {
  /* TRANSLATORS: the code of this catalogue's language: ru */
  return _("en");
}
