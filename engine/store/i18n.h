/* i18n: messages meant for people, in the user's language. Wrap every such
 * message in _("...") where it is printed, or N_("...") where it is only
 * stored (a table) and translated later with _(). The English text is the
 * key; po/ru.po holds the Russian. Codes, FILE:LINE: prefixes and
 * machine formats (JSON, CSV headers) are never translated. */
#ifndef PDMON_I18N_H
#define PDMON_I18N_H

#include <libintl.h>

#define _(text) gettext(text)
#define N_(text) (text)

#endif
