/* test_auth.c: password hashes verify what they should and nothing else,
 * and record their own cost. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

int
main(void)
{
	char *h = auth_hash_password("correct horse", 10);
	char *h2 = auth_hash_password("correct horse", 10);
	char *tampered;

	CHECK(h != NULL && strncmp(h, "$scrypt$ln=10,r=8,p=1$", 22) == 0,
	      "the hash says its cost: %s", h ? h : "(null)");
	CHECK(auth_verify_password("correct horse", h), "right password");
	CHECK(!auth_verify_password("correct hors", h), "wrong password");
	CHECK(!auth_verify_password("", h), "empty password");
	CHECK(strcmp(h, h2) != 0, "two hashes of one password differ (salt)");
	tampered = xstrdup(h);
	tampered[strlen(tampered) - 3] ^= 1;
	CHECK(!auth_verify_password("correct horse", tampered),
	      "a tampered hash verifies nothing");
	CHECK(!auth_verify_password("correct horse", "$scrypt$ln=99,r=8,p=1$"
	                                             "AAAA$AAAA"),
	      "absurd parameters are refused, not run");
	CHECK(!auth_verify_password("x", "plain-text-password"),
	      "a non-hash is refused");
	free(h);
	free(h2);
	free(tampered);
	return unit_finish();
}
