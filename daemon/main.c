/* main.c: callsheetd's entry point: options, setup steps, the event loop,
 * signals (HUP reloads, TERM and INT drain then exit). */
#include <sys/resource.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "callsheetd.h"

#define WORKER_THREADS 2

struct event_base *base;
volatile bool draining;

static struct event *drain_timer;

struct options {
	const char *config_file;
	const char *create_user;
	const char *role;
	bool migrate;
	bool no_serve;
	bool check_config;
	int argc;
	char **argv;
};

static void
usage(FILE *out)
{
	fputs("usage: callsheetd [-c FILE] [--listen ADDR:PORT]... "
	      "[--pg CONNINFO] [--migrate]\n"
	      "                  [--create-user NAME --role ROLE] [--no-serve]"
	      " [--SETTING VALUE]...\n"
	      "\n"
	      "The callsheet daemon: stores anonymous call sheets in "
	      "PostgreSQL and answers\naggregate queries over its binary "
	      "protocol.\n\n"
	      "Options:\n"
	      "  -c, --config FILE   read settings from FILE "
	      "('name = value' lines)\n"
	      "  --migrate           apply pending schema migrations first\n"
	      "  --create-user NAME  create an account (password: one line "
	      "on stdin);\n"
	      "                      an existing account is left unchanged\n"
	      "  --role ROLE         role of --create-user: jurist, reporter "
	      "or admin\n"
	      "  --no-serve          exit after the setup steps above\n"
	      "  --check-config      check the settings and exit\n"
	      "  -h, --help          this help\n"
	      "  -V, --version       print the version\n\n",
	      out);
	cfg_usage_settings(out);
	fputs("\nSignals: HUP reloads the config file, TERM drains in-flight "
	      "work and exits.\n",
	      out);
}

/* Settings given as --name VALUE, --name=VALUE, or --flag for booleans. */
static int
apply_setting_arg(struct cfg *c, int argc, char **argv, int *i, char **err)
{
	char *name = xstrdup(argv[*i] + 2), *eq, *p;
	const char *value;
	int rc;

	for (p = name; *p != '\0' && *p != '='; p++)
		if (*p == '-')
			*p = '_';
	if ((eq = strchr(name, '=')) != NULL) {
		*eq = '\0';
		value = eq + 1;
	} else if (strcmp(name, "allow_plaintext") == 0)
		value = "true";
	else if (*i + 1 < argc)
		value = argv[++*i];
	else {
		*err = xasprintf("--%s needs a value", argv[*i] + 2);
		free(name);
		return -1;
	}
	rc = cfg_set(c, name, value, err);
	free(name);
	return rc;
}

/* Builds a configuration from the file, then the command line over it. */
static struct cfg *
cfg_build(const struct options *o, char **err)
{
	struct cfg *c = cfg_default();

	if (o->config_file != NULL &&
	    cfg_load_file(c, o->config_file, err) != 0)
		goto fail;
	for (int i = 1; i < o->argc; i++) {
		const char *a = o->argv[i];

		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0 ||
		    strcmp(a, "--create-user") == 0 || strcmp(a, "--role") == 0)
			i++;
		else if (strcmp(a, "--migrate") == 0 ||
		         strcmp(a, "--no-serve") == 0 ||
		         strcmp(a, "--check-config") == 0)
			continue;
		else if (strncmp(a, "--", 2) == 0 && a[2] != '\0') {
			if (apply_setting_arg(c, o->argc, o->argv, &i, err) !=
			    0)
				goto fail;
		} else {
			*err = xasprintf("unexpected argument '%s' "
			                 "(see --help)",
			                 a);
			goto fail;
		}
	}
	cfg_finish(c);
	if (cfg_check(c, err) != 0)
		goto fail;
	return c;
fail:
	cfg_free(c);
	return NULL;
}

static void
parse_options(struct options *o, int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	o->argc = argc;
	o->argv = argv;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_next = i + 1 < argc;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(a, "-V") == 0 ||
		           strcmp(a, "--version") == 0) {
			printf("callsheetd %s (protocol %d)\n",
			       CALLSHEET_VERSION, CS_PROTOCOL_VERSION);
			exit(0);
		} else if ((strcmp(a, "-c") == 0 ||
		            strcmp(a, "--config") == 0) &&
		           has_next)
			o->config_file = argv[++i];
		else if (strcmp(a, "--create-user") == 0 && has_next)
			o->create_user = argv[++i];
		else if (strcmp(a, "--role") == 0 && has_next)
			o->role = argv[++i];
		else if (strcmp(a, "--migrate") == 0)
			o->migrate = true;
		else if (strcmp(a, "--no-serve") == 0)
			o->no_serve = true;
		else if (strcmp(a, "--check-config") == 0)
			o->check_config = true;
	}
	if (o->create_user != NULL && o->role == NULL) {
		fputs("callsheetd: --create-user needs --role jurist, reporter "
		      "or admin\n",
		      stderr);
		exit(2);
	}
}

static char *
read_password_line(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);

	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* ------------------------------------------------------ the running */

static unsigned
requests_in_flight(void)
{
	struct conn *c;
	unsigned n = 0;

	TAILQ_FOREACH(c, &conns, entry)
	n += c->in_flight;
	return n;
}

/* While draining: leave as soon as nothing is owed to anybody, every
 * answer written to its socket (not just queued). conn.c calls it back
 * whenever an answer is given or written (conn_drain). */
static void
daemon_maybe_exit(void)
{
	if (!draining || base == NULL)
		return;
	if (requests_in_flight() == 0 && batch_pending() == 0 &&
	    conn_unsent() == 0) {
		log_info("drained; exiting");
		event_base_loopexit(base, NULL);
	}
}

static void
drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	log_warn("drain timeout: %u requests unanswered; their clients will "
	         "resend",
	         requests_in_flight());
	event_base_loopexit(base, NULL);
}

static void
start_drain(void)
{
	struct timeval tv = {(time_t)cfg->drain_timeout, 0};

	if (draining)
		return;
	draining = true;
	log_info("draining: no new connections or requests");
	listener_pause();
	drain_timer = evtimer_new(base, drain_timeout_cb, NULL);
	evtimer_add(drain_timer, &tv);
	conn_drain(daemon_maybe_exit);
}

static struct options opts;

static bool
same_listen(const struct cfg *a, const struct cfg *b)
{
	if (a->nlisten != b->nlisten)
		return false;
	for (size_t i = 0; i < a->nlisten; i++)
		if (strcmp(a->listen[i], b->listen[i]) != 0)
			return false;
	return true;
}

static void
reload(void)
{
	char *err = NULL;
	struct cfg *next = cfg_build(&opts, &err);

	if (next == NULL) {
		log_error("reload refused, keeping the running settings: %s",
		          err);
		free(err);
		return;
	}
	/* the pool is sized once; a new size needs a restart */
	if (next->pg_pool != cfg->pg_pool)
		log_warn("reload: pg_pool changes at the next restart");
	next->pg_pool = cfg->pg_pool;
	if (!same_listen(next, cfg))
		log_warn("reload: listen changes at the next restart");
	cfg_free(cfg);
	cfg = next;
	log_set_level(cfg->log_level);
	log_info("configuration reloaded");
	tls_reload();
	tax_refresh();
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	if (sig == SIGHUP)
		reload();
	else
		start_drain();
}

/* Every connection is a descriptor: take all the system allows. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn("cannot raise the descriptor limit: %s",
		         strerror(errno));
	if (rl.rlim_cur < cfg->max_connections + 64)
		log_warn("max_connections is %u but only %llu descriptors "
		         "are allowed",
		         cfg->max_connections, (unsigned long long)rl.rlim_cur);
}

static int
serve(void)
{
	struct event *sigs[3];
	int signums[3] = {SIGTERM, SIGINT, SIGHUP};

	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	evthread_use_pthreads();
	if ((base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	if (tls_init() != 0)
		return 1;
	worker_init(WORKER_THREADS);
	db_init();
	fold_init();
	if (listener_open_all() != 0)
		return 1;
	for (size_t i = 0; i < nitems(sigs); i++) {
		sigs[i] = evsignal_new(base, signums[i], signal_cb, NULL);
		evsignal_add(sigs[i], NULL);
	}
	janitor_init();
	log_info("callsheetd %s ready", CALLSHEET_VERSION);

	event_base_dispatch(base);

	conn_close_all();
	login_shutdown();
	listener_close_all();
	fold_shutdown();
	tls_shutdown();
	db_shutdown();
	watch_shutdown();
	worker_shutdown();
	for (size_t i = 0; i < nitems(sigs); i++)
		event_free(sigs[i]);
	janitor_shutdown();
	if (drain_timer != NULL)
		event_free(drain_timer);
	tax_free(taxonomy);
	event_base_free(base);
	base = NULL;
	log_info("stopped");
	return 0;
}

int
main(int argc, char **argv)
{
	char *err = NULL;
	int rc;

	log_init(LOG_INFO);
	parse_options(&opts, argc, argv);
	if ((cfg = cfg_build(&opts, &err)) == NULL) {
		fprintf(stderr, "callsheetd: %s\n", err);
		free(err);
		return 2;
	}
	log_set_level(cfg->log_level);
	if (opts.check_config) {
		rc = tls_init();
		tls_shutdown();
		cfg_free(cfg);
		if (rc != 0)
			return 1;
		printf("configuration ok\n");
		return 0;
	}
	if (opts.migrate && migrate_apply(cfg->pg) != 0)
		return 1;
	if (opts.create_user != NULL) {
		char *password = read_password_line();

		if (password == NULL) {
			fputs("callsheetd: --create-user: no password on "
			      "stdin\n",
			      stderr);
			return 2;
		}
		rc = bootstrap_user(cfg->pg, opts.create_user, opts.role,
		                    password);
		free(password);
		if (rc != 0)
			return 1;
	}
	if (opts.no_serve || opts.create_user != NULL) {
		cfg_free(cfg);
		return 0;
	}
	rc = serve();
	cfg_free(cfg);
	return rc;
}
