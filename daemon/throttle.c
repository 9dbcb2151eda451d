/* throttle.c: counting login attempts per key (an account name, a source
 * address) and the growing delay their failures earn. Pure: the caller
 * passes the time (milliseconds of a monotonic clock), so that tests need
 * no clock. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

#define KEY_MAX 72

/*
 * A key's record. An attempt counts from the moment it starts (`pending`
 * while it is being checked, then a failure or nothing), so that a burst
 * of parallel logins cannot slip in before the first failure is counted.
 * A success clears nothing: it only stops counting itself, so that one
 * good password does not reopen a burst of guesses. A record quiet for
 * delay_max seconds (stale()) is forgotten. A record `known` is a real
 * account's (the lookup found it): its lockout is never forgotten before
 * it is stale; an unknown name has no password to guess, so its record
 * costs nothing to forget.
 */
struct throttle_entry {
	char key[KEY_MAX];
	unsigned failures;
	unsigned pending;
	int64_t last;  /* last failure */
	int64_t until; /* no attempt before this */
	bool used;
	bool known; /* a real account's: kept while it holds a lockout */
};

struct throttle {
	struct throttle_entry *e;
	size_t cap;
};

struct throttle *
throttle_new(size_t capacity)
{
	struct throttle *t = xcalloc(1, sizeof *t);

	t->cap = capacity > 0 ? capacity : 1;
	t->e = xcalloc(t->cap, sizeof *t->e);
	return t;
}

void
throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

static struct throttle_entry *
find(struct throttle *t, const char *key)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->e[i].used && strncmp(t->e[i].key, key, KEY_MAX - 1) == 0)
			return &t->e[i];
	return NULL;
}

static int64_t
quiet_since(const struct throttle_entry *e)
{
	return e->last > e->until ? e->last : e->until;
}

/* Quiet for delay_max seconds since its last failure and since its last
 * delay ended: the record's failures no longer count. */
static bool
stale(const struct throttle_entry *e, unsigned delay_max, int64_t now)
{
	return now - quiet_since(e) >= (int64_t)delay_max * 1000;
}

/*
 * How readily the table drops a record for a new key: 0 never (being
 * checked, or a real account's lockout: their number is bounded by the
 * connections and the accounts), 1 when it holds a lockout of an unknown
 * name or a source (nothing to protect: forgotten only when nothing
 * better is), 2 when stale or within its free attempts.
 */
static int
evictable(const struct throttle_entry *e, const struct throttle_limits *l,
          int64_t now)
{
	if (e->pending > 0)
		return 0;
	if (e->failures < l->free || stale(e, l->delay_max, now))
		return 2;
	return e->known ? 0 : 1;
}

/*
 * A record for key, made if needed: in a free slot, else in place of the
 * most evictable record quiet for longest, else in a table grown twice
 * as large (every record is one it must keep). Never refused.
 */
static struct throttle_entry *
find_or_add(struct throttle *t, const char *key,
            const struct throttle_limits *l, int64_t now)
{
	struct throttle_entry *e = find(t, key), *victim = NULL;
	int rank = 0;

	if (e != NULL)
		return e;
	for (size_t i = 0; i < t->cap; i++) {
		int r;

		e = &t->e[i];
		if (!e->used) {
			victim = e;
			break;
		}
		r = evictable(e, l, now);
		if (r > rank || (r > 0 && r == rank &&
		                 quiet_since(e) < quiet_since(victim))) {
			victim = e;
			rank = r;
		}
	}
	if (victim == NULL) {
		t->e = xreallocarray(t->e, t->cap * 2, sizeof *t->e);
		memset(&t->e[t->cap], 0, t->cap * sizeof *t->e);
		victim = &t->e[t->cap];
		t->cap *= 2;
	}
	memset(victim, 0, sizeof *victim);
	victim->used = true;
	snprintf(victim->key, sizeof victim->key, "%s", key);
	return victim;
}

/*
 * Seconds (rounded up) before key may try again: 0 now. Attempts count
 * as they start: while the attempts running and failed stay within the
 * free ones, up to l->at_once run at the same time; past them, one at a
 * time, each after the delay its predecessor's failure set.
 */
unsigned
throttle_wait(struct throttle *t, const char *key,
              const struct throttle_limits *l, int64_t now)
{
	struct throttle_entry *e = find(t, key);
	unsigned failures;

	if (e == NULL)
		return 0;
	if (now < e->until)
		return (unsigned)((e->until - now + 999) / 1000);
	failures = stale(e, l->delay_max, now) ? 0 : e->failures;
	if (e->pending >= l->at_once ||
	    (e->pending > 0 && failures + e->pending >= l->free))
		return 1;
	return 0;
}

/* An attempt starts: counted from now. */
void
throttle_begin(struct throttle *t, const char *key,
               const struct throttle_limits *l, int64_t now)
{
	find_or_add(t, key, l, now)->pending++;
}

/* The key is a real account's (during an attempt): its lockouts are kept. */
void
throttle_known(struct throttle *t, const char *key)
{
	struct throttle_entry *e = find(t, key);

	if (e != NULL)
		e->known = true;
}

/*
 * The attempt's outcome. A success and an abort (the database was down)
 * add nothing; the free-th failure in a row and each one after it set a
 * delay of 1, 2, 4 ... seconds, up to delay_max, before the next attempt.
 * Returns the delay set.
 */
unsigned
throttle_end(struct throttle *t, const char *key, enum throttle_outcome outcome,
             const struct throttle_limits *l, int64_t now)
{
	struct throttle_entry *e = find(t, key);
	unsigned excess, delay = 0;

	if (e == NULL)
		return 0;
	if (e->pending > 0)
		e->pending--;
	if (outcome != THROTTLE_FAIL) {
		if (e->pending == 0 &&
		    (e->failures == 0 || stale(e, l->delay_max, now)))
			e->used = false;
		return 0;
	}
	/* failures long ago do not count against a new one */
	if (stale(e, l->delay_max, now))
		e->failures = 0;
	e->failures++;
	e->last = now;
	if (e->failures >= l->free) {
		excess = e->failures - l->free + 1;
		delay = excess > 30 ? l->delay_max : 1u << (excess - 1);
		if (delay > l->delay_max)
			delay = l->delay_max;
		e->until = now + (int64_t)delay * 1000;
	}
	return delay;
}

unsigned
throttle_failures(struct throttle *t, const char *key)
{
	struct throttle_entry *e = find(t, key);

	return e != NULL ? e->failures : 0;
}

size_t
throttle_size(const struct throttle *t)
{
	return t->cap;
}

unsigned
throttle_checking(struct throttle *t, const char *key)
{
	struct throttle_entry *e = find(t, key);

	return e != NULL ? e->pending : 0;
}

/* The address a source is counted under: an IPv4 address, or an IPv6
 * /64 (one host usually holds a whole /64, and picks from it at will). */
void
throttle_addr_key(const struct sockaddr *sa, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		snprintf(out, len, "%s", host);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		struct in6_addr prefix = in6->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(&prefix)) {
			inet_ntop(AF_INET, &prefix.s6_addr[12], host,
			          sizeof host);
			snprintf(out, len, "%s", host);
			return;
		}
		memset(&prefix.s6_addr[8], 0, 8);
		inet_ntop(AF_INET6, &prefix, host, sizeof host);
		snprintf(out, len, "%s/64", host);
	} else
		snprintf(out, len, "local");
}
