/* cfg.c: the settings table, which drives defaults, the config file,
 * command-line flags and --help alike. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

struct cfg *cfg;

enum setting_type { SET_STRING, SET_UINT, SET_BOOL, SET_LISTEN, SET_LEVEL };

struct setting {
	const char *name;
	enum setting_type type;
	size_t offset;
	const char *def;
	unsigned min, max;
	const char *help;
};

#define OFF(f) offsetof(struct cfg, f)
static const struct setting settings[] = {
        {"listen", SET_LISTEN, OFF(listen), "127.0.0.1:7420", 0, 0,
         "address:port to listen on (repeatable; [::1]:7420 for IPv6)"},
        {"pg", SET_STRING, OFF(pg), "dbname=callsheet", 0, 0,
         "libpq connection string (multi-host allowed)"},
        {"server_name", SET_STRING, OFF(server_name), "callsheetd", 0, 0,
         "name announced in the hello"},
        {"port_file", SET_STRING, OFF(port_file), "", 0, 0,
         "write the first listener's bound port to this file"},
        {"listen_unix", SET_STRING, OFF(listen_unix), "", 0, 0,
         "also listen on this unix-domain socket path (this machine's "
         "clients; plaintext, same logins)"},
        {"log_level", SET_LEVEL, OFF(log_level), "info", 0, 0,
         "debug, info, warn or error"},
        {"max_frame", SET_UINT, OFF(max_frame), "65536", 64, 16 << 20,
         "largest request frame accepted, in bytes"},
        {"max_in_flight", SET_UINT, OFF(max_in_flight), "64", 1, 4096,
         "requests one connection may have unanswered"},
        {"max_connections", SET_UINT, OFF(max_connections), "10000", 1, 1000000,
         "connections served at once"},
        {"max_reads_in_flight", SET_UINT, OFF(max_reads_in_flight), "2", 1,
         4096,
         "queries and exports one connection may have unanswered; more "
         "wait unread"},
        {"query_timeout", SET_UINT, OFF(query_timeout), "30", 1, 86400,
         "seconds a query may run in PostgreSQL before it is stopped"},
        {"max_connections_per_source", SET_UINT,
         OFF(max_connections_per_source), "256", 1, 1000000,
         "connections from one address (IPv6: one /64) at once"},
        {"max_output", SET_UINT, OFF(max_output), "1048576", 4096, 1 << 30,
         "bytes queued to a client before its requests stop being read"},
        {"batch_max", SET_UINT, OFF(batch_max), "500", 1, 10000,
         "sheets committed together in one transaction at most"},
        {"pg_pool", SET_UINT, OFF(pg_pool), "3", 1, 64,
         "PostgreSQL connections"},
        {"scrypt_log_n", SET_UINT, OFF(scrypt_log_n), "15", 10, 20,
         "cost of new password hashes: scrypt N = 2^value (15: 32 MiB)"},
        {"fold_interval_ms", SET_UINT, OFF(fold_interval_ms), "1000", 50,
         3600000, "how often new sheets are folded into the rollup"},
        {"use_rollup", SET_BOOL, OFF(use_rollup), "true", 0, 0,
         "answer queries from the monthly rollup when it can"},
        {"pg_connect_timeout", SET_UINT, OFF(pg_connect_timeout), "5", 1, 600,
         "seconds to establish a PostgreSQL connection"},
        {"pg_timeout", SET_UINT, OFF(pg_timeout), "120", 1, 86400,
         "seconds PostgreSQL may stay silent while it owes answers before "
         "its connection is dropped and made again"},
        {"login_timeout", SET_UINT, OFF(login_timeout), "10", 1, 3600,
         "seconds a new connection has to log in"},
        {"idle_timeout", SET_UINT, OFF(idle_timeout), "3600", 1, 1 << 30,
         "seconds of silence before a session is closed"},
        {"drain_timeout", SET_UINT, OFF(drain_timeout), "15", 1, 3600,
         "seconds SIGTERM waits for in-flight work before exiting"},
        {"amend_window_days", SET_UINT, OFF(amend_window_days), "7", 0, 3650,
         "days a jurist may amend or void the sheets they logged, and "
         "still log a late call into a closed period"},
        {"allow_plaintext", SET_BOOL, OFF(allow_plaintext), "false", 0, 0,
         "serve without TLS beyond loopback (not recommended)"},
        {"tls_cert", SET_STRING, OFF(tls_cert), "", 0, 0,
         "PEM certificate (chain) file: every listener speaks TLS "
         "(reloaded on HUP)"},
        {"tls_key", SET_STRING, OFF(tls_key), "", 0, 0,
         "PEM private key of tls_cert"},
        {"frame_timeout", SET_UINT, OFF(frame_timeout), "30", 1, 3600,
         "seconds a client has to finish a request it has begun sending"},
        {"login_attempts", SET_UINT, OFF(login_attempts), "5", 1, 1000,
         "failed logins per account before delays start"},
        {"login_attempts_per_address", SET_UINT,
         OFF(login_attempts_per_address), "20", 1, 100000,
         "failed logins per source address before delays start"},
        {"login_checks_per_account", SET_UINT, OFF(login_checks_per_account),
         "2", 1, 1000,
         "password checks of one account at the same time at most"},
        {"login_checks_per_address", SET_UINT, OFF(login_checks_per_address),
         "4", 1, 1000,
         "password checks from one source address at the same time at "
         "most"},
        {"max_password_checks", SET_UINT, OFF(max_password_checks), "256", 1,
         100000,
         "password checks waiting for a hashing thread at most; more "
         "logins are answered 'overloaded'"},
        {"login_delay_max", SET_UINT, OFF(login_delay_max), "900", 1, 86400,
         "longest delay after repeated failed logins, in seconds"},
        {"session_lifetime", SET_UINT, OFF(session_lifetime), "43200", 60,
         31 * 86400, "seconds a session token (callsheet login) stays valid"},
        {"login_throttle_entries", SET_UINT, OFF(login_throttle_entries),
         "4096", 4, 1000000,
         "account names and source addresses whose failed logins are "
         "remembered at first (each table grows if every entry must be "
         "kept)"},
};
#undef OFF

static char **
str_field(struct cfg *c, const struct setting *s)
{
	return (char **)((char *)c + s->offset);
}

static int
parse_uint(const struct setting *s, const char *value, unsigned *out,
           char **err)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || value[0] == '-' ||
	    v < s->min || v > s->max) {
		*err = xasprintf("%s: '%s' is not a whole number from %u to %u",
		                 s->name, value, s->min, s->max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int
parse_bool(const struct setting *s, const char *value, bool *out, char **err)
{
	if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
	    strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
		*out = true;
	else if (strcmp(value, "false") == 0 || strcmp(value, "no") == 0 ||
	         strcmp(value, "off") == 0 || strcmp(value, "0") == 0)
		*out = false;
	else {
		*err = xasprintf("%s: '%s' is not true or false", s->name,
		                 value);
		return -1;
	}
	return 0;
}

static int
setting_apply(struct cfg *c, const struct setting *s, const char *value,
              char **err)
{
	void *field = (char *)c + s->offset;

	switch (s->type) {
	case SET_STRING:
		free(*str_field(c, s));
		*str_field(c, s) = xstrdup(value);
		return 0;
	case SET_UINT:
		return parse_uint(s, value, field, err);
	case SET_BOOL:
		return parse_bool(s, value, field, err);
	case SET_LEVEL:
		if (log_level_parse(value, field) == 0)
			return 0;
		*err = xasprintf("%s: '%s' is not debug, info, warn or error",
		                 s->name, value);
		return -1;
	case SET_LISTEN:
		if (strchr(value, ':') == NULL) {
			*err = xasprintf("listen: '%s' is not ADDRESS:PORT",
			                 value);
			return -1;
		}
		if (c->nlisten == CFG_MAX_LISTEN) {
			*err = xasprintf("listen: at most %d addresses",
			                 CFG_MAX_LISTEN);
			return -1;
		}
		c->listen[c->nlisten++] = xstrdup(value);
		return 0;
	}
	return -1;
}

static const struct setting *
setting_find(const char *name)
{
	for (size_t i = 0; i < nitems(settings); i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	return NULL;
}

int
cfg_set(struct cfg *c, const char *name, const char *value, char **err)
{
	const struct setting *s = setting_find(name);

	if (s == NULL) {
		*err = xasprintf("unknown setting '%s'", name);
		return -1;
	}
	return setting_apply(c, s, value, err);
}

struct cfg *
cfg_default(void)
{
	struct cfg *c = xcalloc(1, sizeof *c);
	char *err = NULL;

	for (size_t i = 0; i < nitems(settings); i++) {
		if (settings[i].type == SET_LISTEN)
			continue; /* only when none is configured */
		if (setting_apply(c, &settings[i], settings[i].def, &err) != 0)
			fatalx("built-in default: %s", err);
	}
	return c;
}

/* Called once every source has been read: fills what nobody set. */
void
cfg_finish(struct cfg *c)
{
	if (c->nlisten == 0)
		c->listen[c->nlisten++] = xstrdup(setting_find("listen")->def);
}

void
cfg_free(struct cfg *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < nitems(settings); i++)
		if (settings[i].type == SET_STRING)
			free(*str_field(c, &settings[i]));
	for (size_t i = 0; i < c->nlisten; i++)
		free(c->listen[i]);
	free(c);
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* "name = value" lines; '#' starts a comment. */
int
cfg_load_file(struct cfg *c, const char *path, char **err)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	unsigned lineno = 0;

	if (f == NULL) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *hash, *eq, *name, *value, *why = NULL;

		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		name = trim(line);
		if (*name == '\0')
			continue;
		if ((eq = strchr(name, '=')) == NULL) {
			*err = xasprintf("%s:%u: expected 'name = value'", path,
			                 lineno);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		value = trim(eq + 1);
		name = trim(name);
		if (cfg_set(c, name, value, &why) != 0) {
			*err = xasprintf("%s:%u: %s", path, lineno, why);
			free(why);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

void
cfg_usage_settings(FILE *out)
{
	fputs("Settings (config file 'name = value', or --name VALUE):\n", out);
	for (size_t i = 0; i < nitems(settings); i++)
		fprintf(out, "  %-20s %s (default: %s)\n", settings[i].name,
		        settings[i].help,
		        settings[i].def[0] ? settings[i].def : "none");
}
