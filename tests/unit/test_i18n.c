/* test_i18n.c: French or English by the locale variables, the catalog
 * found from the build tree even where fr_FR.UTF-8 is not installed, and
 * the server's errors said again in the user's language. */
#include <stdlib.h>
#include <string.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "unit.h"

static void
test_rule(void)
{
	CHECK(cs_i18n_french_env(NULL, NULL, "fr_FR.UTF-8"), "LANG=fr_FR");
	CHECK(cs_i18n_french_env(NULL, NULL, "fr"), "LANG=fr");
	CHECK(!cs_i18n_french_env(NULL, NULL, "en_GB.UTF-8"), "LANG=en_GB");
	CHECK(!cs_i18n_french_env(NULL, NULL, NULL), "nothing set: English");
	CHECK(!cs_i18n_french_env(NULL, NULL, "C.UTF-8"), "C: English");
	CHECK(!cs_i18n_french_env("en_US.UTF-8", NULL, "fr_FR.UTF-8"),
	      "LC_ALL comes first");
	CHECK(cs_i18n_french_env("", "fr_CA.UTF-8", "de_DE.UTF-8"),
	      "then LC_MESSAGES (an empty LC_ALL does not count)");
	CHECK(!cs_i18n_french_env(NULL, "", "de_DE.UTF-8"),
	      "then LANG; German is not French");
}

static void
sheet_error(struct cs_error *err, const char *field, const char *reason,
            const char *value, const char *allowed)
{
	memset(err, 0, sizeof *err);
	err->code = CALLSHEET__ERROR_CODE__BAD_REQUEST;
	snprintf(err->message, sizeof err->message, "the server's words");
	snprintf(err->field, sizeof err->field, "%s", field);
	snprintf(err->reason, sizeof err->reason, "%s", reason);
	snprintf(err->value, sizeof err->value, "%s", value);
	snprintf(err->allowed, sizeof err->allowed, "%s", allowed);
}

static void
test_errors(bool french)
{
	struct cs_error err;

	sheet_error(&err, "caller", "unknown_code", "robot",
	            "individual, professional");
	CHECK(strcmp(cli_error_text(&err),
	             french ? "caller : « robot » n'est pas un code connu ; "
	                      "permis : individual, professional"
	                    : "caller: 'robot' is not a known code; allowed: "
	                      "individual, professional") == 0,
	      "unknown code: %s", cli_error_text(&err));
	sheet_error(&err, "topic", "retired", "work", "residence");
	CHECK(strstr(cli_error_text(&err),
	             french ? "utilisez « residence »" : "use 'residence'"),
	      "retired: %s", cli_error_text(&err));
	sheet_error(&err, "household", "individuals_only", "", "");
	CHECK(strstr(cli_error_text(&err),
	             french ? "particuliers" : "individual callers"),
	      "individuals only: %s", cli_error_text(&err));
	sheet_error(&err, "id", "stored_other", "", "");
	CHECK(strstr(cli_error_text(&err),
	             french ? "une autre fiche" : "another sheet"),
	      "a sheet id taken: %s", cli_error_text(&err));
	sheet_error(&err, "change_id", "stored_other", "", "");
	CHECK(strstr(cli_error_text(&err),
	             french ? "une autre modification" : "another change"),
	      "a change id taken: a change, not a sheet: %s",
	      cli_error_text(&err));
	/* a period the person named, said as they would (issue 13) */
	sheet_error(&err, "to", "out_of_range", "2027-01-01", "2026-12-01");
	CHECK(strcmp(cli_period_error_text(&err, "2026-01-01", "2027-01-01"),
	             french ? "2026 n'est pas terminé : une période peut être "
	                      "close une fois achevée"
	                    : "2026 is not over: a period can be closed once "
	                      "it has ended") == 0,
	      "a year not over: %s",
	      cli_period_error_text(&err, "2026-01-01", "2027-01-01"));
	sheet_error(&err, "from", "disclosure", "2026-01",
	            "2024-01-01/2026-01-01, 2026-03-01/2026-04-01");
	CHECK(strstr(cli_period_error_text(&err, "2026-01-01", "2027-01-01"),
	             french ? "2026 n'est pas clos (2026-01 n'est dans aucune "
	                      "période close)"
	                    : "2026 is not closed (2026-01 is in no closed "
	                      "period)") != NULL &&
	              strstr(cli_period_error_text(&err, "2026-01-01",
	                                           "2027-01-01"),
	                     "2024-01-01..2025-12-31, 2026-03") != NULL &&
	              strstr(cli_period_error_text(&err, "2026-01-01",
	                                           "2027-01-01"),
	                     "2027-01-01") == NULL,
	      "a reporter's period not closed: %s",
	      cli_period_error_text(&err, "2026-01-01", "2027-01-01"));
	sheet_error(&err, "x", "a_reason_from_the_future", "", "");
	CHECK(strcmp(cli_error_text(&err), "the server's words") == 0,
	      "an unknown reason: the server's message");
	err.reason[0] = '\0';
	CHECK(strcmp(cli_error_text(&err), "the server's words") == 0,
	      "no reason: the server's message");
}

/* An error without a reason, said from the daemon's own messages. */
static void
server_error(struct cs_error *err, const char *field, const char *message)
{
	memset(err, 0, sizeof *err);
	err->code = CALLSHEET__ERROR_CODE__BAD_REQUEST;
	snprintf(err->field, sizeof err->field, "%s", field);
	snprintf(err->message, sizeof err->message, "%s", message);
}

static void
test_server_texts(bool french)
{
	struct cs_error err;

	server_error(&err, "", "wrong user name or password");
	CHECK(strcmp(cli_error_text(&err),
	             french ? "nom d'utilisateur ou mot de passe incorrect"
	                    : "wrong user name or password") == 0,
	      "a fixed message: %s", cli_error_text(&err));
	server_error(&err, "group_by",
	             "group_by: unknown dimension 'it's: 50%'; allowed: a, b");
	CHECK(strcmp(cli_error_text(&err),
	             french ? "group_by : dimension inconnue « it's: 50% » ; "
	                      "permis : a, b"
	                    : "group_by: unknown dimension 'it's: 50%'; "
	                      "allowed: a, b") == 0,
	      "the field first, two values: %s", cli_error_text(&err));
	server_error(&err, "", "too many attempts, retry in 17 s");
	CHECK(strstr(cli_error_text(&err), "17") != NULL, "a number: %s",
	      cli_error_text(&err));
	server_error(&err, "call_start",
	             "call_start: 1798797600 is not a plausible call time; "
	             "allowed: from 2000-01-01T00:00:00Z to "
	             "2026-12-05T10:00:00Z (24 hours from now), in seconds "
	             "since 1970-01-01T00:00:00Z");
	CHECK(strstr(cli_error_text(&err), "2027-01-01 10:00 +0000") != NULL &&
	              strstr(cli_error_text(&err), "1798797600") == NULL,
	      "a call time as a date: %s", cli_error_text(&err));
	server_error(&err, "cents",
	             "cents: 50, the share of 'B', is more than the budget "
	             "leaves (40 of 100 cents): the funders' shares add up to "
	             "no more than budget_cents");
	CHECK(strstr(cli_error_text(&err),
	             french ? "(40 sur 100 centimes)" : "(40 of 100 cents)") !=
	              NULL,
	      "a format written with PRIu64: %s", cli_error_text(&err));
	server_error(&err, "noise_variance",
	             "noise_variance: 2.5 is not allowed; with max_noise 4, "
	             "allowed: more than 0 and less than 1.75");
	CHECK(strstr(cli_error_text(&err),
	             french ? "2.5 n'est pas permis ; avec max_noise 4"
	                    : "2.5 is not allowed") != NULL,
	      "a %%g format: %s", cli_error_text(&err));
	server_error(&err, "", "words no daemon ever wrote");
	CHECK(strcmp(cli_error_text(&err), "words no daemon ever wrote") == 0,
	      "an unknown message as it is");
}

int
main(void)
{
	test_rule();
	setenv("TZ", "UTC", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	setenv("LANG", "en_US.UTF-8", 1);
	setenv("LANGUAGE", "fr", 1); /* left over: the rule decides */
	cs_i18n_init();
	CHECK(!cs_i18n_french(), "English");
	test_errors(false);
	test_server_texts(false);
	CHECK(strcmp(_("Who is calling?"), "Who is calling?") == 0,
	      "English questions");

	/* fr_FR.UTF-8 need not exist: C.UTF-8 and LANGUAGE do it */
	setenv("LANG", "fr_FR.UTF-8", 1);
	cs_i18n_init();
	CHECK(cs_i18n_french(), "French");
	CHECK(strcmp(_("Who is calling?"), "Qui appelle ?") == 0,
	      "French questions from %s", cs_i18n_locale_dir());
	test_errors(true);
	test_server_texts(true);
	return unit_finish();
}
