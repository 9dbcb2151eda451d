/* cli.c: the callsheet command: global options, settings, subcommands. */
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

#ifndef CALLSHEET_VERSION
#define CALLSHEET_VERSION "unknown"
#endif

#define DEFAULT_SERVER "127.0.0.1:" CS_DEFAULT_PORT
#define TIMEOUT_MAX_S  3600

static const struct cmd_entry *const commands[] = {
        &cmd_log_entry,   &cmd_report_entry, &cmd_new_entry,
        &cmd_amend_entry, &cmd_void_entry,   &cmd_admin_entry,
        &cmd_watch_entry, &cmd_import_entry, &cmd_export_entry,
        &cmd_login_entry, &cmd_logout_entry, &cmd_passwd_entry,
        &cmd_spool_entry, &cmd_list_entry,
};

static void
verror(const char *fmt, va_list ap)
{
	fputs("callsheet: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

/* A mistake on the command line: one line, and where to look. */
int
cli_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("callsheet: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, _(" (see 'callsheet%s%s --help')\n"), cmd ? " " : "",
	        cmd ? cmd->name : "");
	return EXIT_USAGE;
}

/* getopt_long's complaints (with opterr 0 and a leading ':'), in our
 * words. */
static int
bad_option(const struct cmd_entry *cmd, int ch, char **argv)
{
	const char *arg = argv[optind - 1];

	if (ch == ':')
		return cli_usage_error(cmd, _("option %s needs a value"), arg);
	if (optopt != 0)
		return cli_usage_error(cmd, _("unknown option -%c"), optopt);
	return cli_usage_error(cmd, _("unknown option %s"), arg);
}

/* cmd's tables as getopt_long's: its long options and short letters. */
static void
options_getopt(const struct cmd_entry *cmd, struct option *lo, char *letters)
{
	const struct cmd_option *tables[] = {
	        cmd->options, cmd->shared != NULL ? cmd->shared() : NULL};
	size_t n = 0, k = 0;

	letters[k++] = ':';
	letters[k++] = 'h';
	for (size_t t = 0; t < nitems(tables); t++)
		for (const struct cmd_option *o = tables[t];
		     o != NULL && o->name != NULL; o++) {
			assert(n + 1 < CMD_OPTIONS_MAX);
			lo[n++] = (struct option){o->name,
			                          o->value ? required_argument
			                                   : no_argument,
			                          NULL, o->id};
			if (o->letter != 0) {
				letters[k++] = o->letter;
				if (o->value)
					letters[k++] = ':';
			}
		}
	lo[n++] = (struct option){"help", no_argument, NULL, 'h'};
	lo[n] = (struct option){NULL, 0, NULL, 0};
	letters[k] = '\0';
}

int
cli_options(const struct cmd_entry *cmd, int argc, char **argv,
            int (*set)(void *arg, int id, char *value), void *arg)
{
	struct option lo[CMD_OPTIONS_MAX + 1];
	char letters[2 * CMD_OPTIONS_MAX + 3];
	int ch, rv;

	options_getopt(cmd, lo, letters);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, letters, lo, NULL)) != -1) {
		if (ch == 'h')
			return cli_help(cmd);
		if (ch == '?' || ch == ':')
			return bad_option(cmd, ch, argv);
		if ((rv = set(arg, ch, optarg)) != 0)
			return rv;
	}
	return -1;
}

int
cli_no_operands(const struct cmd_entry *cmd, int argc, char **argv)
{
	if (optind < argc)
		return cli_usage_error(cmd, _("unexpected argument '%s'"),
		                       argv[optind]);
	return 0;
}

int
cli_help(const struct cmd_entry *cmd)
{
	printf(_("usage: callsheet [global options] %s %s\n%s\n\n"), cmd->name,
	       cmd->args[0] != '\0' ? _(cmd->args) : "", _(cmd->summary));
	if (cmd->help_make != NULL)
		printf(_(cmd->help), cmd->help_make());
	else if (cmd->help_arg != NULL)
		printf(_(cmd->help), _(cmd->help_arg));
	else
		fputs(_(cmd->help), stdout);
	return 0;
}

static int
usage(void)
{
	printf(_("usage: callsheet [global options] COMMAND [options]\n"
	         "\n"
	         "Global options:\n"
	         "  -s, --server HOST:PORT  the daemon (CALLSHEET_SERVER, "
	         "default %s)\n"
	         "  -u, --user USER         the account (CALLSHEET_USER); the "
	         "session of\n"
	         "                          'callsheet login' is used, else "
	         "the password\n"
	         "                          comes from CALLSHEET_PASSWORD or "
	         "is asked for\n"
	         "      --ca FILE           trust anchors for TLS "
	         "(CALLSHEET_CA; default: the system's)\n"
	         "      --tls auto|on|off   auto (default): TLS with --ca or "
	         "to any server but\n"
	         "                          this machine; on: always; off: "
	         "never\n"
	         "      --timeout SECONDS   for connecting and for each reply "
	         "(default %d)\n"
	         "  -h, --help              this help\n"
	         "      --version           the version\n"
	         "\n"
	         "Commands:\n"),
	       DEFAULT_SERVER, CS_TIMEOUT_DEFAULT_MS / 1000);
	for (size_t i = 0; i < nitems(commands); i++)
		printf("  %-8s %s\n", commands[i]->name,
		       _(commands[i]->summary));
	printf(_("\nSheets not yet acknowledged wait in CALLSHEET_SPOOL_DIR "
	         "(default\n$XDG_STATE_HOME/callsheet/spool) and are sent on "
	         "the next run.\nMessages are in French when LANG starts with "
	         "fr, in English otherwise.\n"));
	return 0;
}

int
cli_exit_status(const struct cs_error *err)
{
	if (err->code == CALLSHEET__ERROR_CODE__UNAVAILABLE ||
	    err->code == CALLSHEET__ERROR_CODE__OVERLOADED)
		return EXIT_TEMPFAIL;
	return 1;
}

int
cli_get_password(struct cli *cli, struct cs_error *err)
{
	const char *env = getenv("CALLSHEET_PASSWORD");
	char *prompt;

	if (env != NULL) {
		cli->password = xstrdup(env);
		return 0;
	}
	prompt = xasprintf(_("Password for %s on %s: "), cli->opts.user,
	                   cli->opts.server);
	cli->password = prompt_password(prompt);
	free(prompt);
	if (cli->password != NULL)
		return 0;
	cs_error_set(err, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
	             _("cannot read a password from the terminal (%s): set "
	               "CALLSHEET_PASSWORD"),
	             errno != 0 ? strerror(errno) : _("end of input"));
	return -1;
}

int
cli_check_user(const struct cli *cli, struct cs_error *err)
{
	if (cli->opts.user != NULL)
		return 0;
	cs_error_set(err, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
	             _("no user: give -u USER or set CALLSHEET_USER"));
	return -1;
}

/* With the saved session if there is one (callsheet login), else with
 * the password; a password that replaces an ended session renews it. */
static int
connect_account(struct cli *cli, struct cs_client **c, struct cs_error *err)
{
	int rv;

	*c = NULL;
	if (cli_check_user(cli, err) != 0)
		return -1;
	if (cli->password == NULL && (rv = session_connect(cli, c, err)) <= 0)
		return rv;
	if (cli->password == NULL && cli_get_password(cli, err) != 0)
		return -1;
	cli->opts.password = cli->password;
	if (cs_connect(&cli->opts, c, err) != 0)
		return -1;
	if (cli->session_ended)
		session_renew(cli, *c);
	return 0;
}

/* Every command that reaches the server first delivers the sheets
 * waiting in the spool and says how many wait (issue 15); a command
 * delivering its own sheet leaves that to cs_deliver(). Then times are
 * shown in the service's zone. */
int
cli_connect(struct cli *cli, struct cs_client **c, struct cs_error *err)
{
	if (connect_account(cli, c, err) != 0)
		return -1;
	if (!cli->delivers)
		spool_deliver_waiting(cli, *c);
	cli_service_zone(cli, *c);
	return 0;
}

/* CALLSHEET_STATE_DIR, else $XDG_STATE_HOME/callsheet, else
 * ~/.local/state/callsheet: drafts, saved code tables. */
char *
cli_state_dir(void)
{
	const char *dir = getenv("CALLSHEET_STATE_DIR");
	const struct passwd *pw;

	if (dir != NULL && *dir != '\0')
		return xstrdup(dir);
	/* The XDG specification ignores a relative path. */
	if ((dir = getenv("XDG_STATE_HOME")) != NULL && *dir == '/')
		return xasprintf("%s/callsheet", dir);
	if ((dir = getenv("HOME")) == NULL || *dir == '\0')
		dir = (pw = getpwuid(getuid())) != NULL ? pw->pw_dir : "/";
	return xasprintf("%s/.local/state/callsheet", dir);
}

/* CALLSHEET_SPOOL_DIR, else the state folder's "spool". */
char *
cli_spool_root(void)
{
	const char *dir = getenv("CALLSHEET_SPOOL_DIR");
	char *state, *root;

	if (dir != NULL && *dir != '\0')
		return xstrdup(dir);
	state = cli_state_dir();
	root = xasprintf("%s/spool", state);
	free(state);
	return root;
}

static int
set_timeout(struct cli *cli, const char *arg)
{
	uint64_t v;

	if (parse_uint(arg, TIMEOUT_MAX_S, &v) != 0 || v == 0)
		return cli_usage_error(NULL,
		                       _("invalid --timeout '%s': give a whole "
		                         "number of seconds from 1 to %d"),
		                       arg, TIMEOUT_MAX_S);
	cli->opts.timeout_ms = (int)v * 1000;
	return 0;
}

static int
set_server(struct cli *cli, const char *source, const char *arg)
{
	struct cs_error err;
	char *host, *port;

	if (cs_server_split(arg, &host, &port, &err) != 0)
		return cli_usage_error(NULL, "%s: %s", source, err.message);
	free(host);
	free(port);
	cli->opts.server = arg;
	return 0;
}

static int
set_tls(struct cli *cli, const char *arg)
{
	if (strcmp(arg, "auto") == 0)
		cli->opts.tls = CS_TLS_AUTO;
	else if (strcmp(arg, "on") == 0)
		cli->opts.tls = CS_TLS_ON;
	else if (strcmp(arg, "off") == 0)
		cli->opts.tls = CS_TLS_OFF;
	else
		return cli_usage_error(NULL,
		                       _("invalid --tls '%s': give auto, on "
		                         "or off"),
		                       arg);
	return 0;
}

enum { OPT_CA = 256, OPT_TIMEOUT, OPT_VERSION, OPT_TLS };
static const struct option global_longopts[] = {
        {"server", required_argument, NULL, 's'},
        {"user", required_argument, NULL, 'u'},
        {"ca", required_argument, NULL, OPT_CA},
        {"tls", required_argument, NULL, OPT_TLS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
};

/* One global option with a value. -1 to go on, else the exit status. */
static int
global_option(struct cli *cli, int ch, char *arg)
{
	switch (ch) {
	case 's':
		return set_server(cli, "--server", arg) != 0 ? EXIT_USAGE : -1;
	case 'u':
		cli->opts.user = *arg != '\0' ? arg : NULL;
		return -1;
	case OPT_CA:
		cli->opts.ca_file = *arg != '\0' ? arg : NULL;
		return -1;
	case OPT_TLS:
		return set_tls(cli, arg) != 0 ? EXIT_USAGE : -1;
	case OPT_TIMEOUT:
		return set_timeout(cli, arg) != 0 ? EXIT_USAGE : -1;
	}
	return -1;
}

/*
 * Global options given after the command ("report annual ... -s host:port"):
 * taken out of its arguments, which use none of their names, up to "--".
 * -1 to go on, else the exit status.
 */
static int
global_after(struct cli *cli, int *argc, char **argv)
{
	int out = 1, rv = -1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *eq;
		int ch = 0;

		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(a, "-s") == 0 || strcmp(a, "-u") == 0)
			ch = a[1];
		else if (strncmp(a, "--", 2) == 0)
			for (const struct option *o = global_longopts;
			     o->name != NULL; o++) {
				size_t n = strlen(o->name);

				if (o->has_arg == required_argument &&
				    strncmp(a + 2, o->name, n) == 0 &&
				    (a[2 + n] == '\0' || a[2 + n] == '='))
					ch = o->val;
			}
		if (ch == 0) {
			argv[out++] = argv[i];
			continue;
		}
		eq = strchr(a, '=');
		if (eq == NULL && i + 1 >= *argc)
			return cli_usage_error(
			        NULL, _("option '%s' needs a value"), a);
		rv = global_option(cli, ch,
		                   eq != NULL ? (char *)eq + 1 : argv[++i]);
		if (rv >= 0)
			return rv;
	}
	*argc = out;
	argv[out] = NULL;
	return -1;
}

/* The options before the command. -1 to go on, else the exit status. */
static int
parse_global(struct cli *cli, int argc, char **argv)
{
	const struct option *longopts = global_longopts;
	const char *server = getenv("CALLSHEET_SERVER");
	int ch, rv;

	if (server == NULL || *server == '\0')
		server = DEFAULT_SERVER;
	if (set_server(cli, "CALLSHEET_SERVER", server) != 0)
		return EXIT_USAGE;
	cli->opts.user = getenv("CALLSHEET_USER");
	cli->opts.ca_file = getenv("CALLSHEET_CA");
	cli->opts.timeout_ms = CS_TIMEOUT_DEFAULT_MS;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:s:u:h", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 's':
		case 'u':
		case OPT_CA:
		case OPT_TLS:
		case OPT_TIMEOUT:
			if ((rv = global_option(cli, ch, optarg)) >= 0)
				return rv;
			break;
		case 'h':
			return usage();
		case OPT_VERSION:
			printf("callsheet %s\n", CALLSHEET_VERSION);
			return 0;
		default:
			return bad_option(NULL, ch, argv);
		}
	}
	if (cli->opts.user != NULL && *cli->opts.user == '\0')
		cli->opts.user = NULL;
	if (cli->opts.ca_file != NULL && *cli->opts.ca_file == '\0')
		cli->opts.ca_file = NULL;
	return -1;
}

static const struct cmd_entry *
find_command(const char *name)
{
	for (size_t i = 0; i < nitems(commands); i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

/* Whatever the command printed must have reached its destination. */
static int
finish_output(int rv)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error(_("cannot write the output: %s"), strerror(errno));
		return rv == 0 ? 1 : rv;
	}
	return rv;
}

int
main(int argc, char **argv)
{
	struct cli cli = {0};
	const struct cmd_entry *cmd;
	int rv;

	cs_i18n_init();
	if ((rv = parse_global(&cli, argc, argv)) >= 0)
		return finish_output(rv);
	if (optind >= argc)
		return cli_usage_error(NULL, "%s", _("no command given"));
	if ((cmd = find_command(argv[optind])) == NULL)
		return cli_usage_error(NULL, _("unknown command '%s'"),
		                       argv[optind]);
	argc -= optind;
	argv += optind;
	if ((rv = global_after(&cli, &argc, argv)) >= 0)
		return finish_output(rv);
	optind = 0; /* glibc: start afresh on the command's own options */
	rv = cmd->exec(&cli, argc, argv);
	if (cli.password != NULL) {
		explicit_bzero(cli.password, strlen(cli.password));
		free(cli.password);
	}
	if (cli.token != NULL) {
		explicit_bzero(cli.token, strlen(cli.token));
		free(cli.token);
	}
	return finish_output(rv);
}
