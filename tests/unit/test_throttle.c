/* test_throttle.c: login throttling as a clock-free module: free attempts,
 * delays 1, 2, 4 ... capped, attempts counted when they start (a parallel
 * burst cannot pass the free ones), a cap on checks at once, a success
 * that reopens nothing, forgetting, a full table that never forgets a
 * real account's lockout and never refuses a new key; the source-address keys;
 * and the account name and password rules of account administration. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

#define T0    1767225600000LL /* milliseconds */
#define SEC   1000
#define FREE  3
#define MAXD  60
#define FAIL  THROTTLE_FAIL
#define OK    THROTTLE_OK
#define ABORT THROTTLE_ABORT

static const struct throttle_limits lim = {
        .free = FREE, .at_once = 1000, .delay_max = MAXD};

/* One attempt at time now: begin, then end with outcome; the delay set. */
static unsigned
attempt(struct throttle *t, const char *key, enum throttle_outcome o,
        int64_t now)
{
	throttle_begin(t, key, &lim, now);
	return throttle_end(t, key, o, &lim, now);
}

static void
test_growing_delays(void)
{
	struct throttle *t = throttle_new(16);
	int64_t now = T0;
	/* after the 3rd failure in a row: 1 s, then doubling, capped at 60 */
	static const unsigned want[] = {0, 0, 1, 2, 4, 8, 16, 32, 60, 60};

	for (size_t i = 0; i < nitems(want); i++) {
		unsigned d;

		CHECK(throttle_wait(t, "ana", &lim, now) == 0,
		      "attempt %zu allowed once the delay is over", i + 1);
		d = attempt(t, "ana", FAIL, now);
		CHECK(d == want[i], "failure %zu: delay %u, want %u", i + 1, d,
		      want[i]);
		if (d > 0) {
			CHECK(throttle_wait(t, "ana", &lim, now) == d,
			      "right after failure %zu: wait %u", i + 1, d);
			CHECK(throttle_wait(t, "ana", &lim,
			                    now + d * SEC - 1) == 1,
			      "a millisecond before the end: wait 1 (rounded "
			      "up)");
			CHECK(throttle_wait(t, "ana", &lim, now + d * SEC) == 0,
			      "at the end: no wait");
		}
		now += d * SEC;
	}
	CHECK(throttle_failures(t, "ana") == nitems(want), "failures counted");
	CHECK(throttle_wait(t, "bob", &lim, now) == 0,
	      "another key is not affected");
	throttle_free(t);
}

/* A success must not reopen a burst: the failures before it still count
 * (issue 11, 2c: a success reset the count, allowing 64 more guesses). */
static void
test_success_reopens_nothing(void)
{
	struct throttle *t = throttle_new(16);

	attempt(t, "ana", FAIL, T0);
	attempt(t, "ana", FAIL, T0);
	CHECK(attempt(t, "ana", OK, T0) == 0, "a success sets no delay");
	CHECK(throttle_failures(t, "ana") == 2,
	      "a success does not clear the failures before it");
	CHECK(attempt(t, "ana", FAIL, T0) == 1,
	      "the next failure is the free-th: delay 1 s");
	CHECK(attempt(t, "ana", ABORT, T0 + SEC) == 0 &&
	              throttle_failures(t, "ana") == 3,
	      "an aborted attempt (database down) counts for nothing");
	CHECK(attempt(t, "ana", OK, T0 + (MAXD + 1) * SEC) == 0 &&
	              throttle_failures(t, "ana") == 0,
	      "once quiet for the longest delay, the record is forgotten");
	throttle_free(t);
}

/* Attempts count when they start (issue 11, 2a: 64 checks of one account
 * ran before the first failure was counted). */
static void
test_counted_at_start(void)
{
	struct throttle *t = throttle_new(16);
	struct throttle_limits two = lim;
	int n = 0;

	while (throttle_wait(t, "ana", &lim, T0) == 0 && n < 1000) {
		throttle_begin(t, "ana", &lim, T0);
		n++;
	}
	CHECK(n == FREE,
	      "with no failure yet, %d attempts run at once, no more than "
	      "the free ones (%d)",
	      n, FREE);
	CHECK(throttle_checking(t, "ana") == (unsigned)n, "checking %d", n);
	for (int i = 0; i < n; i++)
		throttle_end(t, "ana", FAIL, &lim, T0);
	CHECK(throttle_wait(t, "ana", &lim, T0) == 1,
	      "all three failed: the delay applies");

	two.at_once = 2;
	two.free = 100;
	throttle_begin(t, "bob", &two, T0);
	throttle_begin(t, "bob", &two, T0);
	CHECK(throttle_checking(t, "bob") == 2, "two checks at once");
	CHECK(throttle_wait(t, "bob", &two, T0) == 1,
	      "a third waits for one of them (at_once 2)");
	throttle_end(t, "bob", OK, &two, T0);
	CHECK(throttle_wait(t, "bob", &two, T0) == 0,
	      "one done: the next may start");
	throttle_free(t);
}

static void
test_forgetting(void)
{
	struct throttle *t = throttle_new(16);

	attempt(t, "ana", FAIL, T0);
	attempt(t, "ana", FAIL, T0);
	CHECK(attempt(t, "ana", FAIL, T0 + MAXD * SEC) == 0,
	      "failures older than the longest delay are forgotten");
	CHECK(throttle_failures(t, "ana") == 1, "counting starts again");
	throttle_free(t);
}

/* One attempt at a real account (the lookup found it). */
static unsigned
attempt_known(struct throttle *t, const char *key, enum throttle_outcome o,
              int64_t now)
{
	throttle_begin(t, key, &lim, now);
	throttle_known(t, key);
	return throttle_end(t, key, o, &lim, now);
}

/*
 * A flood of new keys cannot evict a real account's lockout (issue 11,
 * 2b: 4,500 unknown names reset a 900 s lockout), and a table full of
 * locked made-up names refuses no new key (issue 11, second attack: a
 * table filled with locked made-up names refused every login of a real
 * jurist): they are forgotten, oldest first; the table grows only when
 * every record is a real account's lockout or being checked.
 */
static void
test_full_table(void)
{
	struct throttle *t = throttle_new(4);
	char key[16];

	for (int i = 0; i < FREE; i++)
		attempt_known(t, "victim", FAIL, T0);
	CHECK(throttle_wait(t, "victim", &lim, T0) == 1, "victim locked");
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "k%d", i);
		attempt(t, key, FAIL, T0 + i);
	}
	CHECK(throttle_failures(t, "victim") == FREE &&
	              throttle_wait(t, "victim", &lim, T0 + 100) == 1,
	      "100 new keys through a table of 4: the locked record stays");
	CHECK(throttle_failures(t, "k99") == 1 &&
	              throttle_failures(t, "k0") == 0,
	      "the records within their free attempts went, oldest first");

	/* the table fills with locked made-up names */
	for (int k = 0; k < 3; k++) {
		snprintf(key, sizeof key, "lock%d", k);
		for (int i = 0; i < FREE; i++)
			attempt(t, key, FAIL, T0 + 200 + k);
	}
	CHECK(throttle_failures(t, "lock0") == FREE, "lock0 locked");
	CHECK(throttle_wait(t, "newcomer", &lim, T0 + 300) == 0,
	      "a new key is not held back");
	throttle_begin(t, "newcomer", &lim, T0 + 300);
	CHECK(throttle_checking(t, "newcomer") == 1,
	      "a new key gets its record in a table full of locked names");
	CHECK(throttle_failures(t, "lock0") == 0 &&
	              throttle_failures(t, "lock1") == FREE,
	      "in place of the oldest locked made-up name");
	CHECK(throttle_failures(t, "victim") == FREE && throttle_size(t) == 4,
	      "the real account's lockout stays; the table did not grow");
	throttle_end(t, "newcomer", OK, &lim, T0 + 300);

	/* only real accounts' lockouts (and checks running): it grows */
	for (int k = 0; k < 3; k++) {
		snprintf(key, sizeof key, "real%d", k);
		for (int i = 0; i < FREE; i++)
			attempt_known(t, key, FAIL, T0 + 400);
	}
	throttle_begin(t, "late", &lim, T0 + 500);
	CHECK(throttle_checking(t, "late") == 1 && throttle_size(t) == 8,
	      "a table of real lockouts grows rather than refuse (%zu)",
	      throttle_size(t));
	CHECK(throttle_failures(t, "victim") == FREE &&
	              throttle_failures(t, "real2") == FREE,
	      "and keeps them all");
	throttle_end(t, "late", OK, &lim, T0 + 500);
	throttle_free(t);
}

static void
test_addr_keys(void)
{
	struct sockaddr_in in = {.sin_family = AF_INET};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
	char key[64];

	inet_pton(AF_INET, "10.77.0.2", &in.sin_addr);
	in.sin_port = htons(5555);
	throttle_addr_key((struct sockaddr *)&in, key, sizeof key);
	CHECK(strcmp(key, "10.77.0.2") == 0, "IPv4 key without port: %s", key);
	inet_pton(AF_INET6, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", &in6.sin6_addr);
	throttle_addr_key((struct sockaddr *)&in6, key, sizeof key);
	CHECK(strcmp(key, "2001:db8:1:2::/64") == 0, "IPv6 keyed by /64: %s",
	      key);
	inet_pton(AF_INET6, "::ffff:192.0.2.7", &in6.sin6_addr);
	throttle_addr_key((struct sockaddr *)&in6, key, sizeof key);
	CHECK(strcmp(key, "192.0.2.7") == 0, "v4-mapped is IPv4: %s", key);
}

static void
test_account_rules(void)
{
	static const char *good[] = {"a", "jurist1", "marie.dupont", "x_y-z",
	                             "0a"};
	static const char *bad[] = {"",  "Marie", ".a",  "-a", "a b",
	                            "é", "a/b",   "a;b", "a'"};
	char long_name[80];
	struct field_error fe;
	char pw[ACCOUNT_PASSWORD_MAX + 2];

	for (size_t i = 0; i < nitems(good); i++)
		CHECK(account_name_valid(good[i]), "'%s' is a valid name",
		      good[i]);
	for (size_t i = 0; i < nitems(bad); i++)
		CHECK(!account_name_valid(bad[i]), "'%s' is not a valid name",
		      bad[i]);
	memset(long_name, 'a', sizeof long_name);
	long_name[63] = '\0';
	CHECK(account_name_valid(long_name), "63 characters are allowed");
	long_name[63] = 'a';
	long_name[64] = '\0';
	CHECK(account_check_name(long_name, &fe) != 0 &&
	              strcmp(fe.field, "name") == 0 &&
	              strstr(fe.message, "1 to 63 characters") != NULL,
	      "64 characters are not, and the message says so: %s", fe.message);

	CHECK(account_check_password("password", "12345678", &fe) == 0,
	      "8 is enough");
	CHECK(account_check_password("password", "1234567", &fe) != 0 &&
	              strcmp(fe.field, "password") == 0 &&
	              strstr(fe.message, "too short: use 8 to 1024 bytes") !=
	                      NULL &&
	              strstr(fe.message, "1234567") == NULL,
	      "7 is too short, and the password is not echoed: %s", fe.message);
	memset(pw, 'p', sizeof pw);
	pw[sizeof pw - 1] = '\0';
	CHECK(account_check_password("new_password", pw, &fe) != 0 &&
	              strstr(fe.message, "too long") != NULL &&
	              strncmp(fe.message, "new_password: ", 14) == 0,
	      "1025 is too long, the field named as given: %s", fe.message);
}

int
main(void)
{
	test_growing_delays();
	test_success_reopens_nothing();
	test_counted_at_start();
	test_forgetting();
	test_full_table();
	test_addr_keys();
	test_account_rules();
	return unit_finish();
}
