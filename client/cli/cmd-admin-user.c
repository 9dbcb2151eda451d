/* cmd-admin-user.c: "callsheet admin user add|passwd|disable|enable|list":
 * accounts, their roles and passwords. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheet.h"
#include "libcallsheet.h"

static int cmd_admin_user_exec(struct cli *, int, char **);

enum { OPT_ROLE = 256, OPT_STDIN };
static const struct cmd_option user_options[] = {
        {"role", OPT_ROLE, true, 0},
        {"password-stdin", OPT_STDIN, false, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_admin_user_entry = {
        .name = "admin user",
        .args = N_("add NAME --role R | passwd NAME | disable NAME | "
                   "enable NAME | list"),
        .summary = N_("accounts: add, set a password, disable, enable, "
                      "list"),
        .help = N_("Actions:\n"
                   "  add NAME --role R   create an account; R is jurist, "
                   "reporter or admin\n"
                   "  passwd NAME         set a new password (its other "
                   "sessions end, its\n"
                   "                      session tokens are revoked)\n"
                   "  disable NAME        refuse its logins, end its "
                   "sessions and revoke its\n"
                   "                      session tokens\n"
                   "  enable NAME         undo disable\n"
                   "  list                every account, its role and state\n"
                   "\n"
                   "Options of add and passwd:\n"
                   "  --password-stdin    read the new password from the "
                   "first line of standard\n"
                   "                      input (scripts); otherwise it is "
                   "asked twice, without echo\n"
                   "  -h, --help          this help\n"
                   "\n"
                   "Names: 1 to 63 characters among a-z 0-9 . _ -; "
                   "passwords: 8 to 1024\ncharacters. The last enabled admin "
                   "account cannot be disabled.\n"),
        .options = user_options,
        .exec = cmd_admin_user_exec,
};

enum action { USER_ADD, USER_PASSWD, USER_DISABLE, USER_ENABLE, USER_LIST };

static const struct {
	const char *name;
	enum action action;
	int nargs; /* NAME or nothing */
} actions[] = {
        {"add", USER_ADD, 1},         {"passwd", USER_PASSWD, 1},
        {"disable", USER_DISABLE, 1}, {"enable", USER_ENABLE, 1},
        {"list", USER_LIST, 0},
};

struct user_args {
	enum action action;
	const char *name;
	const char *role;
	bool password_stdin;
	const char *action_name; /* as given */
};

static int
user_option(void *arg, int id, char *value)
{
	struct user_args *a = arg;

	if (id == OPT_ROLE && a->action == USER_ADD)
		a->role = value;
	else if (id == OPT_STDIN &&
	         (a->action == USER_ADD || a->action == USER_PASSWD))
		a->password_stdin = true;
	else
		return cli_usage_error(&cmd_admin_user_entry,
		                       _("%s does not apply to 'user %s'"),
		                       id == OPT_ROLE ? "--role"
		                                      : "--password-stdin",
		                       a->action_name);
	return 0;
}

static int
user_parse(struct user_args *a, int argc, char **argv)
{
	size_t i;
	int rv, want;

	if (argc < 2)
		return cli_usage_error(&cmd_admin_user_entry, "%s",
		                       _("admin user: which action? add, "
		                         "passwd, disable, enable or list"));
	for (i = 0; i < nitems(actions); i++)
		if (strcmp(argv[1], actions[i].name) == 0)
			break;
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return cli_help(&cmd_admin_user_entry);
	if (i == nitems(actions))
		return cli_usage_error(
		        &cmd_admin_user_entry,
		        _("admin user: unknown action '%s' (add, passwd, "
		          "disable, enable or list)"),
		        argv[1]);
	a->action = actions[i].action;
	want = actions[i].nargs;
	argc--;
	argv++;
	a->action_name = argv[0];
	optind = 0;
	if ((rv = cli_options(&cmd_admin_user_entry, argc, argv, user_option,
	                      a)) >= 0)
		return rv;
	if (argc - optind != want)
		return cli_usage_error(
		        &cmd_admin_user_entry,
		        want == 1 ? _("'user %s' takes one account name")
		                  : _("'user %s' takes no argument"),
		        argv[0]);
	if (want == 1)
		a->name = argv[optind];
	if (a->action == USER_ADD &&
	    (a->role == NULL ||
	     role_parse(a->role) == CALLSHEET__ROLE__ROLE_NONE))
		return cli_usage_error(
		        &cmd_admin_user_entry,
		        _("'user add' needs --role jurist, reporter or "
		          "admin "
		          "(got %s)"),
		        a->role != NULL ? a->role : "none");
	return -1;
}

static void
date_of(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL)
		snprintf(out, len, "-");
	else
		strftime(out, len, "%Y-%m-%d", &tm);
}

/* s, then spaces up to width columns and one more (translations have
 * letters of several bytes: printf's widths count bytes). */
static void
cell(const char *s, size_t width)
{
	size_t w = cs_utf8_width(s);

	fputs(s, stdout);
	for (; w <= width; w++)
		putchar(' ');
}

static void
print_list(const Callsheet__Accounts *list)
{
	char created[16], changed[16];

	cell(_("name"), 24);
	cell(_("role"), 9);
	cell(_("state"), 10);
	cell(_("created"), 10);
	printf("%s\n", _("password set"));
	for (size_t i = 0; i < list->n_accounts; i++) {
		const Callsheet__Account *a = list->accounts[i];

		date_of(a->created_at, created, sizeof created);
		date_of(a->password_changed_at, changed, sizeof changed);
		cell(a->name, 24);
		cell(role_name(a->role), 9);
		cell(a->disabled ? _("disabled") : _("active"), 10);
		cell(created, 10);
		printf("%s\n", changed);
	}
}

static void
print_done(const struct user_args *a, const Callsheet__Account *acct)
{
	switch (a->action) {
	case USER_ADD:
		printf(_("account '%s' created, role %s\n"), acct->name,
		       role_name(acct->role));
		break;
	case USER_PASSWD:
		printf(_("password of '%s' changed; its other sessions "
		         "were closed and its session tokens revoked\n"),
		       acct->name);
		break;
	case USER_DISABLE:
		printf(_("account '%s' disabled; its sessions were "
		         "closed\n"),
		       acct->name);
		break;
	case USER_ENABLE:
		printf(_("account '%s' enabled\n"), acct->name);
		break;
	case USER_LIST:
		break;
	}
}

static int
user_run(struct cli *cli, const struct user_args *a, const char *password)
{
	struct cs_client *c = NULL;
	Callsheet__Account *acct = NULL;
	Callsheet__Accounts *list = NULL;
	struct cs_error err;
	int rv = -1;

	if (cli_connect(cli, &c, &err) == 0) {
		switch (a->action) {
		case USER_ADD:
			rv = cs_user_add(c, a->name, role_parse(a->role),
			                 password, &acct, &err);
			break;
		case USER_PASSWD:
			rv = cs_user_passwd(c, a->name, password, &acct, &err);
			break;
		case USER_DISABLE:
		case USER_ENABLE:
			rv = cs_user_disable(c, a->name,
			                     a->action == USER_ENABLE, &acct,
			                     &err);
			break;
		case USER_LIST:
			rv = cs_user_list(c, &list, &err);
			break;
		}
	}
	cs_close(c);
	if (rv != 0) {
		cli_error("%s", cli_error_text(&err));
		return cli_exit_status(&err);
	}
	if (list != NULL)
		print_list(list);
	else
		print_done(a, acct);
	callsheet__account__free_unpacked(acct, NULL);
	callsheet__accounts__free_unpacked(list, NULL);
	return 0;
}

static int
cmd_admin_user_exec(struct cli *cli, int argc, char **argv)
{
	struct user_args a = {0};
	char *password = NULL;
	int rv;

	if ((rv = user_parse(&a, argc, argv)) >= 0)
		return rv;
	if (a.action == USER_ADD || a.action == USER_PASSWD) {
		password = a.password_stdin ? password_from_stdin()
		                            : password_from_prompt(a.name);
		if (password == NULL)
			return 1;
	}
	rv = user_run(cli, &a, password);
	password_wipe(password);
	return rv;
}
