/* cmd-session.c: "callsheet login", "logout" and "passwd": a session per
 * workstation session (a token kept 0600 in the state folder, used by
 * every command instead of the password), and one's own password. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheet.h"
#include "libcallsheet.h"

static int login_exec(struct cli *, int, char **);
static int logout_exec(struct cli *, int, char **);
static int passwd_exec(struct cli *, int, char **);

static const struct cmd_option passwd_options[] = {
        {"password-stdin", 's', false, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_login_entry = {
        .name = "login",
        .args = "",
        .summary = N_("log in once for this workstation session"),
        .help = N_("The password is asked for (or taken from "
                   "CALLSHEET_PASSWORD) once; the server\n"
                   "then gives a session token, kept in the state folder "
                   "(mode 0600), that\nthe next commands of this account on "
                   "this server use instead of the\npassword, until it "
                   "expires (session_lifetime on the server: 12 hours by\n"
                   "default), 'callsheet logout', or a change of the "
                   "password. A command whose\nsession has ended asks for "
                   "the password and starts a new one.\n"
                   "\n"
                   "Options:\n"
                   "  -h, --help          this help\n"),
        .exec = login_exec,
};

const struct cmd_entry cmd_logout_entry = {
        .name = "logout",
        .args = "",
        .summary = N_("end the session of 'callsheet login'"),
        .help = N_("The server refuses the session's token from then on, "
                   "and this workstation\nforgets it: the next command "
                   "asks for the password.\n"
                   "\n"
                   "Options:\n"
                   "  -h, --help          this help\n"),
        .exec = logout_exec,
};

const struct cmd_entry cmd_passwd_entry = {
        .name = "passwd",
        .args = N_("[--password-stdin]"),
        .summary = N_("change your own password"),
        .help = N_("The current password is asked for, then the new one "
                   "twice, without echo.\nEvery session of the account "
                   "ends, on every server; this workstation's\nsession, if "
                   "it has one, goes on with a new token.\n"
                   "\n"
                   "Options:\n"
                   "  --password-stdin    read the current password from "
                   "the first line of\n"
                   "                      standard input and the new one "
                   "from the second\n"
                   "  -h, --help          this help\n"),
        .options = passwd_options,
        .exec = passwd_exec,
};

static int
stdin_option(void *arg, int id, char *value)
{
	bool *from_stdin = arg;

	(void)id; /* --password-stdin, of passwd */
	(void)value;
	*from_stdin = true;
	return 0;
}

/* The options of cmd's table, and no operand. -1 to go on. */
static int
parse(const struct cmd_entry *cmd, int argc, char **argv, bool *stdin_opt)
{
	int rv;

	if ((rv = cli_options(cmd, argc, argv, stdin_option, stdin_opt)) >= 0)
		return rv;
	return cli_no_operands(cmd, argc, argv) != 0 ? EXIT_USAGE : -1;
}

static void
print_until(const char *fmt, const struct cli *cli, int64_t expires)
{
	time_t t = (time_t)expires;
	struct tm tm;
	char when[32] = "?";

	if (localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	printf(fmt, cli->opts.user, cli->opts.server, when);
}

static int
login_exec(struct cli *cli, int argc, char **argv)
{
	struct cs_client *c = NULL;
	struct cs_error err;
	char *path, *old;
	int64_t expires;
	int rv;

	if ((rv = parse(&cmd_login_entry, argc, argv, NULL)) >= 0)
		return rv;
	if (cli_check_user(cli, &err) != 0 || cli_get_password(cli, &err) != 0)
		goto fail;
	cli->opts.password = cli->password;
	if (cs_connect(&cli->opts, &c, &err) != 0)
		goto fail;
	/* a session already kept here ends: one token per workstation */
	path = session_path(cli);
	if ((old = cs_session_load(path, (int64_t)time(NULL), &expires)) !=
	    NULL) {
		cs_session_end(c, old, &err);
		explicit_bzero(old, strlen(old));
		free(old);
	}
	free(path);
	rv = session_begin(cli, c, &expires);
	cli_service_zone(cli, c); /* "until" in the service's zone */
	cs_close(c);
	if (rv != 0)
		return 1;
	print_until(_("logged in as %s on %s until %s\n"), cli, expires);
	return 0;
fail:
	cs_close(c);
	cli_error("%s", cli_error_text(&err));
	return cli_exit_status(&err);
}

static int
logout_exec(struct cli *cli, int argc, char **argv)
{
	struct cs_client *c = NULL;
	struct cs_error err;
	char *path;
	int64_t expires;
	int rv;

	if ((rv = parse(&cmd_logout_entry, argc, argv, NULL)) >= 0)
		return rv;
	if (cli_check_user(cli, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		return 1;
	}
	path = session_path(cli);
	cli->token = cs_session_load(path, (int64_t)time(NULL), &expires);
	if (cli->token == NULL) {
		cs_file_remove(path); /* an expired one */
		printf(_("no session of %s on %s\n"), cli->opts.user,
		       cli->opts.server);
		free(path);
		return 0;
	}
	cli->opts.token = cli->token;
	rv = cs_connect(&cli->opts, &c, &err);
	if (rv == 0)
		rv = cs_session_end(c, cli->token, &err);
	cs_close(c);
	/* forgotten here whatever the server said: the token is useless
	 * without this file */
	cs_file_remove(path);
	free(path);
	if (rv != 0 && err.code != CALLSHEET__ERROR_CODE__UNAUTHENTICATED) {
		cli_error(_("the session was forgotten here, but the server "
		            "could not end it (%s); it expires by itself"),
		          cli_error_text(&err));
		return cli_exit_status(&err);
	}
	printf(_("logged out: the session of %s on %s has ended\n"),
	       cli->opts.user, cli->opts.server);
	return 0;
}

/* The current password, from standard input or asked for. */
static char *
current_password(const struct cli *cli, bool from_stdin)
{
	char *prompt, *p;

	if (from_stdin)
		return password_from_stdin();
	prompt = xasprintf(_("Current password for %s on %s: "), cli->opts.user,
	                   cli->opts.server);
	p = prompt_password(prompt);
	free(prompt);
	if (p == NULL)
		cli_error(_("cannot read a password from the terminal "
		            "(%s): use --password-stdin"),
		          errno != 0 ? strerror(errno) : _("end of input"));
	return p;
}

static int
passwd_exec(struct cli *cli, int argc, char **argv)
{
	struct cs_client *c = NULL;
	Callsheet__Account *acct = NULL;
	struct cs_error err;
	bool from_stdin = false, had_session;
	char *fresh, *path, *old;
	int64_t expires;
	int rv;

	if ((rv = parse(&cmd_passwd_entry, argc, argv, &from_stdin)) >= 0)
		return rv;
	if (cli_check_user(cli, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		return 1;
	}
	if ((cli->password = current_password(cli, from_stdin)) == NULL)
		return 1;
	fresh = from_stdin ? password_from_stdin()
	                   : password_from_prompt(cli->opts.user);
	if (fresh == NULL)
		return 1;
	path = session_path(cli);
	old = cs_session_load(path, (int64_t)time(NULL), &expires);
	had_session = old != NULL;
	free(old);
	free(path);
	/* the current password logs in: a wrong one is refused there */
	rv = cli_connect(cli, &c, &err);
	if (rv == 0)
		rv = cs_password_change(c, cli->password, fresh, &acct, &err);
	explicit_bzero(fresh, strlen(fresh));
	free(fresh);
	if (rv != 0) {
		cs_close(c);
		cli_error("%s", cli_error_text(&err));
		return cli_exit_status(&err);
	}
	printf(_("password of %s changed; every session of the account "
	         "has ended\n"),
	       acct->name);
	callsheet__account__free_unpacked(acct, NULL);
	if (had_session && session_begin(cli, c, &expires) == 0)
		print_until(_("this workstation stays logged in as %s on %s "
		              "until %s\n"),
		            cli, expires);
	cs_close(c);
	return 0;
}
