/* taxcache.c: the server's taxonomy kept on disk: fetched again only when
 * the hello announces another version, used as it is when the server
 * cannot be reached (a call can be logged offline, then spooled). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheet.h"
#include "libcallsheet.h"

#define TAXCACHE_MAX (4 * 1024 * 1024)

static char *
cache_path(const char *dir, const char *server)
{
	char *path = xasprintf("%s/taxonomy-%s.pb", dir, server);
	char *name = path + strlen(dir) + 1;

	for (char *p = name; *p != '\0'; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY"
		           "Z"
		           "0123456789._-",
		           *p) == NULL)
			*p = '_';
	return path;
}

static Callsheet__Taxonomy *
cache_read(const char *path)
{
	Callsheet__Taxonomy *t;
	size_t len;
	char *buf = cs_file_read_all(path, TAXCACHE_MAX, &len);

	if (buf == NULL)
		return NULL;
	t = callsheet__taxonomy__unpack(NULL, len, (const uint8_t *)buf);
	free(buf);
	return t;
}

static void
cache_write(const char *path, const Callsheet__Taxonomy *t)
{
	size_t len = callsheet__taxonomy__get_packed_size(t);
	uint8_t *buf = xmalloc(len ? len : 1);
	struct cs_error err;

	callsheet__taxonomy__pack(t, buf);
	/* only a cache: if it cannot be written, the next run fetches */
	(void)cs_file_write_atomic(path, buf, len, &err);
	free(buf);
}

/* The service's zone, which the code tables carry, becomes this process's
 * (TZ): every time shown to people after is in it, as exports are, not in
 * the workstation's. Tables of an older server carry none: nothing
 * changes. */
static void
service_zone(const Callsheet__Taxonomy *t)
{
	if (t == NULL || t->timezone == NULL || *t->timezone == '\0')
		return;
	setenv("TZ", t->timezone, 1);
	tzset();
}

/*
 * The taxonomy of the server: with a connection, the saved copy if the
 * server's version is the same, else a fresh one (saved); without (c
 * NULL), the saved copy if there is one.
 */
Callsheet__Taxonomy *
taxcache_get(const char *dir, const char *server, struct cs_client *c,
             struct cs_error *err)
{
	char *path = cache_path(dir, server);
	Callsheet__Taxonomy *t = cache_read(path), *fresh;

	if (c == NULL) {
		if (t == NULL)
			cs_error_set(err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
			             _("no copy of the server's code tables "
			               "is saved on this computer yet"));
		free(path);
		service_zone(t);
		return t;
	}
	/* a copy saved before the tables carried the zone is fetched again */
	if (t != NULL && cs_taxonomy_version(c) != 0 &&
	    t->version == cs_taxonomy_version(c) && t->timezone != NULL) {
		free(path);
		service_zone(t);
		return t;
	}
	if (cs_get_taxonomy(c, &fresh, err) == 0) {
		struct cs_error ignored; /* only a cache, as below */

		/* the state folder may not exist yet: 'log' alone makes none */
		if (cs_file_mkdirs(dir, &ignored) == 0)
			cache_write(path, fresh);
		if (t != NULL)
			callsheet__taxonomy__free_unpacked(t, NULL);
		t = fresh;
	}
	free(path);
	service_zone(t);
	return t; /* the saved copy if the server could not send one */
}

void
cli_service_zone(const struct cli *cli, struct cs_client *c)
{
	char *dir = cli_state_dir();
	struct cs_error err;
	Callsheet__Taxonomy *t = taxcache_get(dir, cli->opts.server, c, &err);

	if (t != NULL)
		callsheet__taxonomy__free_unpacked(t, NULL);
	free(dir);
}
