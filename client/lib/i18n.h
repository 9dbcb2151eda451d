/* i18n.h: the messages people read, in French or English (gettext);
 * see docs/I18N.md for the convention. */
#ifndef CALLSHEET_I18N_H
#define CALLSHEET_I18N_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>

#define CALLSHEET_TEXTDOMAIN "callsheet"

/* _("text") is translated where it is used; N_("text") only marks text
 * that is translated later, with _(), e.g. in a static table. */
#define _(s)  dgettext(CALLSHEET_TEXTDOMAIN, s)
#define N_(s) s
/* P_("one sheet", "%d sheets", n): the form that n asks for. */
#define P_(s, p, n) dngettext(CALLSHEET_TEXTDOMAIN, s, p, n)

/* i18n.c */
void cs_i18n_init(void);
bool cs_i18n_french(void);
bool cs_i18n_french_env(const char *lc_all, const char *lc_messages,
                        const char *lang);
const char *cs_i18n_locale_dir(void);
size_t cs_utf8_width(const char *s);

#endif
