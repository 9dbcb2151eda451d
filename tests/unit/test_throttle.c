/* test_throttle.c: failed-login throttling as a clock-free module: free
 * attempts, delays 1, 2, 4 ... capped, reset on success, parallel attempts
 * (free before a failure, held back after one), forgetting, a full table; the
 * source-address keys; and the account name and password rules of account
 * administration. */
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

/* One attempt at time now: begin, then end with outcome; the delay set. */
static unsigned
attempt(struct throttle *t, const char *key, enum throttle_outcome o,
        int64_t now)
{
	throttle_begin(t, key, now);
	return throttle_end(t, key, o, FREE, MAXD, now);
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

		CHECK(throttle_wait(t, "ana", FREE, now) == 0,
		      "attempt %zu allowed once the delay is over", i + 1);
		d = attempt(t, "ana", FAIL, now);
		CHECK(d == want[i], "failure %zu: delay %u, want %u", i + 1, d,
		      want[i]);
		if (d > 0) {
			CHECK(throttle_wait(t, "ana", FREE, now) == d,
			      "right after failure %zu: wait %u", i + 1, d);
			CHECK(throttle_wait(t, "ana", FREE,
			                    now + d * SEC - 1) == 1,
			      "a millisecond before the end: wait 1 (rounded "
			      "up)");
			CHECK(throttle_wait(t, "ana", FREE, now + d * SEC) == 0,
			      "at the end: no wait");
		}
		now += d * SEC;
	}
	CHECK(throttle_failures(t, "ana") == nitems(want), "failures counted");
	CHECK(throttle_wait(t, "bob", FREE, now) == 0,
	      "another key is not affected");
	throttle_free(t);
}

static void
test_success_resets(void)
{
	struct throttle *t = throttle_new(16);

	attempt(t, "ana", FAIL, T0);
	attempt(t, "ana", FAIL, T0);
	CHECK(attempt(t, "ana", OK, T0) == 0, "a success sets no delay");
	CHECK(throttle_failures(t, "ana") == 0, "a success clears failures");
	CHECK(attempt(t, "ana", FAIL, T0) == 0 &&
	              attempt(t, "ana", FAIL, T0) == 0,
	      "after a success the free attempts are back");
	CHECK(attempt(t, "ana", ABORT, T0) == 0 &&
	              throttle_failures(t, "ana") == 2,
	      "an aborted attempt (database down) counts for nothing");
	throttle_free(t);
}

/* Before any failure, logins run in parallel (workstations reconnecting
 * after a restart), up to a cap; after one, only the free attempts left. */
static void
test_parallel_attempts(void)
{
	struct throttle *t = throttle_new(16);
	int n = 0;

	while (throttle_wait(t, "ana", FREE, T0) == 0 && n < 1000) {
		throttle_begin(t, "ana", T0);
		n++;
	}
	CHECK(n > FREE && n < 1000,
	      "logins with no failure yet run in parallel, up to a cap (%d)",
	      n);
	for (int i = 0; i < n; i++)
		throttle_end(t, "ana", OK, FREE, MAXD, T0);
	CHECK(throttle_wait(t, "ana", FREE, T0) == 0, "all done: no wait");

	throttle_begin(t, "ana", T0);
	throttle_end(t, "ana", FAIL, FREE, MAXD, T0);
	for (int i = 1; i < FREE; i++) {
		CHECK(throttle_wait(t, "ana", FREE, T0) == 0,
		      "after a failure, attempt %d within the free ones",
		      i + 1);
		throttle_begin(t, "ana", T0);
	}
	CHECK(throttle_wait(t, "ana", FREE, T0) > 0,
	      "a burst past the free attempts left waits for them to end");
	for (int i = 1; i < FREE; i++)
		throttle_end(t, "ana", FAIL, FREE, MAXD, T0);
	CHECK(throttle_wait(t, "ana", FREE, T0) == 1,
	      "then the delay applies: 1 s");
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

static void
test_full_table(void)
{
	struct throttle *t = throttle_new(4);
	char key[16];

	for (int i = 0; i < FREE; i++)
		attempt(t, "victim", FAIL, T0 + 100 * SEC);
	for (int i = 0; i < 3; i++) {
		snprintf(key, sizeof key, "k%d", i);
		attempt(t, key, FAIL, T0 + i * SEC);
	}
	snprintf(key, sizeof key, "k%d", 9);
	attempt(t, key, FAIL, T0 + 101 * SEC);
	CHECK(throttle_failures(t, "victim") == FREE,
	      "a full table drops the oldest record, not the newest");
	CHECK(throttle_failures(t, "k0") == 0, "the oldest one went");
	throttle_begin(t, "busy", T0);
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

	CHECK(account_check_password("12345678", &fe) == 0, "8 is enough");
	CHECK(account_check_password("1234567", &fe) != 0 &&
	              strcmp(fe.field, "password") == 0 &&
	              strstr(fe.message, "too short: use 8 to 1024") != NULL &&
	              strstr(fe.message, "1234567") == NULL,
	      "7 is too short, and the password is not echoed: %s", fe.message);
	memset(pw, 'p', sizeof pw);
	pw[sizeof pw - 1] = '\0';
	CHECK(account_check_password(pw, &fe) != 0 &&
	              strstr(fe.message, "too long") != NULL,
	      "1025 is too long: %s", fe.message);
}

int
main(void)
{
	test_growing_delays();
	test_success_resets();
	test_parallel_attempts();
	test_forgetting();
	test_full_table();
	test_addr_keys();
	test_account_rules();
	return unit_finish();
}
