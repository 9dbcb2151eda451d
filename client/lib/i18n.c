/* i18n.c: choosing French or English and finding the message catalog. */
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcallsheet.h"

#ifndef CALLSHEET_LOCALEDIR
#define CALLSHEET_LOCALEDIR "/usr/local/share/locale"
#endif

static bool french;

/*
 * French when the first of LC_ALL, LC_MESSAGES and LANG that is set and
 * not empty starts with "fr" (the order in which POSIX consults them),
 * English otherwise.
 */
bool
cs_i18n_french_env(const char *lc_all, const char *lc_messages,
                   const char *lang)
{
	const char *v[] = {lc_all, lc_messages, lang};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] != NULL && *v[i] != '\0')
			return strncmp(v[i], "fr", 2) == 0;
	return false;
}

bool
cs_i18n_french(void)
{
	return french;
}

/*
 * CALLSHEET_LOCALEDIR if set; the build tree's catalogs when the program
 * runs from the build tree (tests, developers); else the installed ones.
 */
const char *
cs_i18n_locale_dir(void)
{
	const char *env = getenv("CALLSHEET_LOCALEDIR");
#ifdef CALLSHEET_BUILD_DIR
	static char exe[PATH_MAX];
	ssize_t n;
	size_t blen = strlen(CALLSHEET_BUILD_DIR);
#endif

	if (env != NULL && *env != '\0')
		return env;
#ifdef CALLSHEET_BUILD_DIR
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0 && (size_t)n > blen &&
	    strncmp(exe, CALLSHEET_BUILD_DIR, blen) == 0 && exe[blen] == '/')
		return CALLSHEET_BUILD_DIR "/locale";
#endif
	return CALLSHEET_LOCALEDIR;
}

/*
 * Only messages and character classes follow the locale: numbers in CSV
 * and JSON keep their '.' whatever the language.
 *
 * glibc translates only in a locale that exists, and a fresh Debian has
 * no fr_FR.UTF-8 until someone generates it. C.UTF-8 always exists, and
 * in it gettext follows LANGUAGE: so when the user's locale is missing we
 * use C.UTF-8 and name the language in LANGUAGE ourselves. LANGUAGE is
 * set in every case, so that the rule above decides, not a LANGUAGE left
 * over in the environment.
 */
void
cs_i18n_init(void)
{
	const char *cur;

	french = cs_i18n_french_env(getenv("LC_ALL"), getenv("LC_MESSAGES"),
	                            getenv("LANG"));
	if (setlocale(LC_CTYPE, "") == NULL)
		setlocale(LC_CTYPE, "C.UTF-8");
	cur = setlocale(LC_MESSAGES, "");
	if (cur == NULL || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	setenv("LANGUAGE", french ? "fr" : "en", 1);
	bindtextdomain(CALLSHEET_TEXTDOMAIN, cs_i18n_locale_dir());
	bind_textdomain_codeset(CALLSHEET_TEXTDOMAIN, "UTF-8");
}

/* Characters, not bytes, of UTF-8 text: for lining up columns. */
size_t
cs_utf8_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}
