/* i18n: messages meant for people, in the user's language. Wrap every such
 * message in _("...") where it is printed, or N_("...") where it is only
 * stored (a table) and translated later with _(). The English text is the
 * key; po/ru.po holds the Russian (po/README.md: how to add a message).
 * Codes, FILE:LINE: prefixes and machine formats (JSON, CSV headers) are
 * never translated. A message with several numbers avoids plurals by
 * putting each number after its noun ("rows: 3"), or uses ngettext. */
#ifndef PDMON_I18N_H
#define PDMON_I18N_H

#include <libintl.h>

#define _(text) gettext(text)
#define N_(text) (text)

/* The gettext domain: the catalogue is LOCALEDIR/LANG/LC_MESSAGES/pdmon.mo. */
#define PDMON_TEXT_DOMAIN "pdmon"

/* Sets the locale of the process from the environment, for character
 * classification (LC_CTYPE: so line editing reads UTF-8) and messages
 * (LC_MESSAGES) only; numbers (LC_NUMERIC) stay "C" so Lua and every
 * output format keep the decimal point. A "C" character locale is taken
 * as UTF-8 (C.UTF-8), since all of pdmon's data is UTF-8. When the
 * requested language's locale is not installed, messages are still in
 * that language. Then binds the catalogue: $PDMON_LOCALEDIR, else next to
 * the binary (build/locale, or PREFIX/share/locale when installed), else
 * the install prefix compiled in. Messages are always UTF-8. */
void i18n_init(void);

/* The language messages are in: "ru" with the Russian catalogue, else
 * "en"; for what is worded differently, not only translated (a list of a
 * vocabulary's values shows its Russian names to a Russian reader). */
const char *i18n_language(void);

/* The folder the catalogue was bound to by i18n_init, for --version. */
const char *i18n_catalogue_dir(void);

#endif
