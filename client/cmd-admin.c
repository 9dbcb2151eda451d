/* cmd-admin.c: "callsheet admin": the administration commands, one row
 * each in the table below (user: cmd-admin-user.c). */
#include <stdio.h>
#include <string.h>

#include "callsheet.h"

static int cmd_admin_exec(struct cli *, int, char **);

static const struct admin_sub {
	const char *name;
	int (*exec)(struct cli *cli, int argc, char **argv);
} subs[] = {
        {"user", admin_user_exec},
};

const struct cmd_entry cmd_admin_entry = {
        .name = "admin",
        .args = "user add NAME --role R | user passwd NAME | "
                "user disable NAME | user enable NAME | user list",
        .summary = "administer accounts (admin role)",
        .help = "Commands:\n"
                "  user add NAME --role R   create an account; R is "
                "jurist, reporter or admin\n"
                "  user passwd NAME         set a new password (its "
                "other sessions end)\n"
                "  user disable NAME        refuse its logins and end its "
                "sessions\n"
                "  user enable NAME         undo disable\n"
                "  user list                every account, its role and "
                "state\n"
                "\n"
                "Options of add and passwd:\n"
                "  --password-stdin  read the new password from the first "
                "line of standard\n"
                "                    input (scripts); otherwise it is "
                "asked twice, without echo\n"
                "  -h, --help        this help\n"
                "\n"
                "Passwords have 8 to 1024 characters. The last enabled "
                "admin account cannot\nbe disabled.\n",
        .exec = cmd_admin_exec,
};

static int
cmd_admin_exec(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cmd_admin_entry, "%s",
		                       cs_tr("which administration command?",
		                             "quelle commande "
		                             "d'administration ?"));
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return cli_help(&cmd_admin_entry);
	for (size_t i = 0; i < nitems(subs); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].exec(cli, argc - 1, argv + 1);
	return cli_usage_error(&cmd_admin_entry,
	                       cs_tr("unknown administration command '%s'",
	                             "commande d'administration inconnue "
	                             "« %s »"),
	                       argv[1]);
}
