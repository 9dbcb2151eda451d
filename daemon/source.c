/* source.c: connections counted per source address (an IPv4 address, an
 * IPv6 /64, as throttle_addr_key() says), so that no single source can
 * take more than max_connections_per_source of them. Local (unix socket)
 * connections are counted but never refused. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

#define NBUCKETS 4096
#define KEY_MAX  48

struct source {
	struct source *next;
	char key[KEY_MAX];
	unsigned n;
};

static struct source *buckets[NBUCKETS];

static struct source **
slot(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *p = key; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return &buckets[h % NBUCKETS];
}

static struct source *
find(const char *key)
{
	struct source *s;

	for (s = *slot(key); s != NULL; s = s->next)
		if (strncmp(s->key, key, KEY_MAX - 1) == 0)
			return s;
	return NULL;
}

/* One more connection from key, unless it has its share already. */
bool
source_admit(const char *key)
{
	struct source *s = find(key), **head;

	if (s != NULL && s->n >= cfg->max_connections_per_source &&
	    strcmp(key, "local") != 0)
		return false;
	if (s == NULL) {
		head = slot(key);
		s = xcalloc(1, sizeof *s);
		snprintf(s->key, sizeof s->key, "%s", key);
		s->next = *head;
		*head = s;
	}
	s->n++;
	return true;
}

/* A connection admitted from key is gone. */
void
source_leave(const char *key)
{
	struct source **pp, *s;

	for (pp = slot(key); (s = *pp) != NULL; pp = &s->next)
		if (strncmp(s->key, key, KEY_MAX - 1) == 0)
			break;
	if (s == NULL)
		return;
	if (--s->n == 0) {
		*pp = s->next;
		free(s);
	}
}

unsigned
source_connections(const char *key)
{
	struct source *s = find(key);

	return s != NULL ? s->n : 0;
}
