/* cmd-admin.c: "callsheet admin": the administrator's commands, one
 * subcommand per file (cmd-admin-*.c) registered in the table below. */
#include <stdio.h>
#include <string.h>

#include "callsheet.h"
#include "i18n.h"

static int cmd_admin_exec(struct cli *, int, char **);

const struct cmd_entry cmd_admin_entry = {
        .name = "admin",
        .args = "SUBCOMMAND [options]",
        .summary = N_("administration (admin accounts): taxonomy"),
        .help = "",
        .exec = cmd_admin_exec,
};

static const struct cmd_entry *const admin_commands[] = {
        &cmd_admin_taxonomy_entry,
};

static int
admin_usage(void)
{
	printf(_("usage: callsheet [global options] admin SUBCOMMAND "
	         "[options]\n\nSubcommands:\n"));
	for (size_t i = 0; i < nitems(admin_commands); i++)
		printf("  %-10s %s\n",
		       admin_commands[i]->name + strlen("admin "),
		       _(admin_commands[i]->summary));
	printf("\n%s\n", _("'callsheet admin SUBCOMMAND --help' tells more."));
	return 0;
}

static int
cmd_admin_exec(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cmd_admin_entry, "%s",
		                       _("no subcommand given"));
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return admin_usage();
	for (size_t i = 0; i < nitems(admin_commands); i++) {
		const struct cmd_entry *sub = admin_commands[i];

		if (strcmp(sub->name + strlen("admin "), argv[1]) == 0)
			return sub->exec(cli, argc - 1, argv + 1);
	}
	return cli_usage_error(&cmd_admin_entry, _("unknown subcommand '%s'"),
	                       argv[1]);
}
