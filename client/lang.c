/* lang.c: French or English for what a person reads, by the locale. */
#include <stdlib.h>
#include <string.h>

#include "lang.h"

bool
lang_french(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);

		if (v != NULL && *v != '\0')
			return strncmp(v, "fr", 2) == 0;
	}
	return false;
}

const char *
lang_code(void)
{
	return lang_french() ? "fr" : "en";
}
