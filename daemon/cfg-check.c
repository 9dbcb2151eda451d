/* cfg-check.c: what a whole configuration must satisfy beyond the syntax
 * of each value, checked before it is used: at startup, by
 * --check-config, and on reload (a configuration that fails is refused,
 * and the running one stays). */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static int
check_listen(const struct cfg *c, char **err)
{
	for (size_t i = 0; i < c->nlisten; i++)
		if (listener_check_addr(c->listen[i]) != 0) {
			*err = xasprintf("listen: '%s' is not a numeric "
			                 "ADDRESS:PORT (e.g. 127.0.0.1:7420 or "
			                 "[::1]:7420; no host names)",
			                 c->listen[i]);
			return -1;
		}
	return 0;
}

/* libpq parses it as it would to connect, without connecting. */
static int
check_pg(const struct cfg *c, char **err)
{
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(c->pg, &why);

	if (opts == NULL) {
		*err = xasprintf("pg: '%s' is not a libpq connection string: "
		                 "%.*s",
		                 c->pg, why ? (int)strcspn(why, "\n") : 13,
		                 why ? why : "out of memory");
		PQfreemem(why);
		return -1;
	}
	PQconninfoFree(opts);
	return 0;
}

int
cfg_check(const struct cfg *c, char **err)
{
	if (check_listen(c, err) != 0 || check_pg(c, err) != 0)
		return -1;
	return 0;
}
