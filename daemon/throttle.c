/* throttle.c: counting failed logins per key (an account name, a source
 * address) and the growing delay they earn. Pure: the caller passes the
 * time (milliseconds of a monotonic clock), so that tests need no clock. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

#define KEY_MAX     72
#define MAX_PENDING 64

/*
 * A key's record. `pending` counts attempts being checked right now, so
 * that a burst of parallel logins cannot all slip in before the first
 * failure is counted. A record quiet for delay_max seconds (stale()) is
 * forgotten.
 */
struct throttle_entry {
	char key[KEY_MAX];
	unsigned failures;
	unsigned pending;
	int64_t last;  /* last failure */
	int64_t until; /* no attempt before this */
	bool used;
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

/*
 * A record for key, made if needed. When the table is full the record
 * whose last failure is oldest goes, one being checked never: a flood of
 * new keys costs the attacker his own oldest records first.
 */
static struct throttle_entry *
find_or_add(struct throttle *t, const char *key)
{
	struct throttle_entry *e = find(t, key), *victim = NULL;

	if (e != NULL)
		return e;
	for (size_t i = 0; i < t->cap; i++) {
		e = &t->e[i];
		if (!e->used) {
			victim = e;
			break;
		}
		if (e->pending == 0 &&
		    (victim == NULL || e->last < victim->last))
			victim = e;
	}
	if (victim == NULL)
		return NULL;
	memset(victim, 0, sizeof *victim);
	victim->used = true;
	snprintf(victim->key, sizeof victim->key, "%s", key);
	return victim;
}

/* Quiet for delay_max seconds since its last failure and since its last
 * delay ended: the record's failures no longer count. */
static bool
stale(const struct throttle_entry *e, unsigned delay_max, int64_t now)
{
	int64_t quiet_since = e->last > e->until ? e->last : e->until;

	return now - quiet_since >= (int64_t)delay_max * 1000;
}

static void
forget_if_stale(struct throttle_entry *e, unsigned delay_max, int64_t now)
{
	if (e->used && e->pending == 0 && stale(e, delay_max, now))
		e->used = false;
}

/* Seconds (rounded up) before key may try again: 0 now. Until a key has
 * failed, its logins are checked in parallel (a room of workstations
 * reconnecting after a restart), up to MAX_PENDING at once; once it has,
 * its free attempts left may run at once, then one at a time, each after
 * its delay. */
unsigned
throttle_wait(struct throttle *t, const char *key, unsigned free_attempts,
              int64_t now)
{
	struct throttle_entry *e = find(t, key);

	if (e == NULL)
		return 0;
	if (now < e->until)
		return (unsigned)((e->until - now + 999) / 1000);
	if (e->pending >= MAX_PENDING ||
	    (e->failures > 0 && e->pending > 0 &&
	     e->failures + e->pending >= free_attempts))
		return 1;
	return 0;
}

void
throttle_begin(struct throttle *t, const char *key, int64_t now)
{
	struct throttle_entry *e = find_or_add(t, key);

	(void)now;
	if (e != NULL)
		e->pending++;
}

/*
 * The attempt's outcome: a success clears the key; the free_attempts-th
 * failure in a row and each one after it set a delay of 1, 2, 4 ...
 * seconds, up to delay_max, before the next attempt; an abort
 * (the database was down) counts for nothing. Returns the delay set.
 */
unsigned
throttle_end(struct throttle *t, const char *key, enum throttle_outcome outcome,
             unsigned free_attempts, unsigned delay_max, int64_t now)
{
	struct throttle_entry *e = find(t, key);
	unsigned excess, delay = 0;

	if (e == NULL)
		return 0;
	if (e->pending > 0)
		e->pending--;
	switch (outcome) {
	case THROTTLE_OK:
		if (e->pending == 0)
			e->used = false;
		else
			e->failures = 0, e->until = 0;
		return 0;
	case THROTTLE_ABORT:
		forget_if_stale(e, delay_max, now);
		return 0;
	case THROTTLE_FAIL:
		break;
	}
	/* failures long ago do not count against a new one */
	if (stale(e, delay_max, now))
		e->failures = 0;
	e->failures++;
	e->last = now;
	if (e->failures >= free_attempts) {
		excess = e->failures - free_attempts + 1;
		delay = excess > 30 ? delay_max : 1u << (excess - 1);
		if (delay > delay_max)
			delay = delay_max;
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
