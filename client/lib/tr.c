/* tr.c: the language of what people read: French when the locale
 * (LC_ALL, else LC_MESSAGES, else LANG) starts with "fr", else English. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libcallsheet.h"

bool
cs_lang_fr(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

	for (size_t i = 0; i < nitems(vars); i++) {
		const char *v = getenv(vars[i]);

		if (v != NULL && *v != '\0')
			return strncmp(v, "fr", 2) == 0;
	}
	return false;
}

const char *
cs_tr(const char *en, const char *fr)
{
	return cs_lang_fr() ? fr : en;
}
