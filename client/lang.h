/* lang.h: French or English for what a person reads, by the locale. */
#ifndef CALLSHEET_LANG_H
#define CALLSHEET_LANG_H

#include <stdbool.h>

/* LC_ALL, else LC_MESSAGES, else LANG starts with "fr". */
bool lang_french(void);
/* "fr" or "en", for the labels the server sends. */
const char *lang_code(void);

/* The English text, or its French translation; same conversions. */
#define L(en, fr) (lang_french() ? (fr) : (en))

#endif
