/* account.c: what account administration checks before it reaches the
 * database: names and passwords, with errors a person can act on. */
#include <stdio.h>
#include <string.h>

#include "callsheetd.h"

#define NAME_MAX_LEN 63

/* ^[a-z0-9][a-z0-9._-]{0,62}$, as the account table's CHECK says. */
bool
account_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		bool alnum =
		        (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

		if (!alnum && (i == 0 || strchr("._-", ch) == NULL))
			return false;
	}
	return true;
}

int
account_check_name(const char *name, struct field_error *fe)
{
	if (account_name_valid(name))
		return 0;
	field_error_set(fe, "name",
	                "'%.80s' is not a valid account name: 1 to %d "
	                "characters among a-z, 0-9, '.', '_' and '-', starting "
	                "with a letter or a digit",
	                name, NAME_MAX_LEN);
	return field_error_range(fe, "invalid", name, NULL,
	                         "1 to 63 of a-z, 0-9, '.', '_', '-'");
}

/* Never echoes the password itself. */
int
account_check_password(const char *field, const char *password,
                       struct field_error *fe)
{
	size_t n = strlen(password);
	char lo[16], hi[16];

	if (n >= ACCOUNT_PASSWORD_MIN && n <= ACCOUNT_PASSWORD_MAX)
		return 0;
	field_error_set(fe, field,
	                "a password of %zu bytes is too %s: use %d to %d bytes",
	                n, n < ACCOUNT_PASSWORD_MIN ? "short" : "long",
	                ACCOUNT_PASSWORD_MIN, ACCOUNT_PASSWORD_MAX);
	snprintf(lo, sizeof lo, "%d bytes", ACCOUNT_PASSWORD_MIN);
	snprintf(hi, sizeof hi, "%d bytes", ACCOUNT_PASSWORD_MAX);
	/* never echoed: the value stays "", the message says the length */
	return field_error_range(fe, "invalid", "", lo, hi);
}
