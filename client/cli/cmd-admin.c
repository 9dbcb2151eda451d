/* cmd-admin.c: "callsheet admin": the table of administration
 * subcommands; each lives in its own cmd-admin-*.c and is named
 * "admin NAME". */
#include <stdio.h>
#include <string.h>

#include "callsheet.h"
#include "libcallsheet.h"

#define ADMIN_PREFIX "admin "

static const struct cmd_entry *const subcommands[] = {
        &cmd_admin_user_entry,     &cmd_admin_min_cell_entry,
        &cmd_admin_audit_entry,    &cmd_admin_close_period_entry,
        &cmd_admin_taxonomy_entry, &cmd_admin_population_entry,
        &cmd_admin_budget_entry,
};

static int cmd_admin_exec(struct cli *, int, char **);

const struct cmd_entry cmd_admin_entry = {
        .name = "admin",
        .args = N_("SUBCOMMAND [options]"),
        .summary = N_("administration (admin role): accounts, disclosure "
                      "control, audit trail, closed periods, taxonomy"),
        .help = "", /* the list of subcommands, printed by admin_usage */
        .exec = cmd_admin_exec,
};

static const char *
sub_name(const struct cmd_entry *sub)
{
	return sub->name + strlen(ADMIN_PREFIX);
}

static int
admin_usage(void)
{
	printf("%s", _("usage: callsheet [global options] admin SUBCOMMAND "
	               "[options]\n\nSubcommands:\n"));
	for (size_t i = 0; i < nitems(subcommands); i++)
		printf("  %-13s %s\n", sub_name(subcommands[i]),
		       _(subcommands[i]->summary));
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
	for (size_t i = 0; i < nitems(subcommands); i++)
		if (strcmp(sub_name(subcommands[i]), argv[1]) == 0)
			return subcommands[i]->exec(cli, argc - 1, argv + 1);
	return cli_usage_error(&cmd_admin_entry, _("unknown subcommand '%s'"),
	                       argv[1]);
}
