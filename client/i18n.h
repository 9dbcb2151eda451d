/* i18n.h: marking the texts a person reads for translation. A fallback
 * until the gettext catalogs land: _() and N_() leave the text as it is. */
#ifndef CALLSHEET_I18N_H
#define CALLSHEET_I18N_H

#ifndef _
#define _(s) (s)
#endif
#ifndef N_
#define N_(s) (s)
#endif

#endif
