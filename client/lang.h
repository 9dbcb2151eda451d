/* lang.h: French or English for what a person reads (cs_lang_fr, tr.c),
 * as a macro so that printf formats stay checked. */
#ifndef CALLSHEET_LANG_H
#define CALLSHEET_LANG_H

#include "libcallsheet.h"

/* The English text, or its French translation; same conversions. */
#define L(en, fr) (cs_lang_fr() ? (fr) : (en))

#endif
