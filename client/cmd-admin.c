/* cmd-admin.c: "callsheet admin": the table of administration
 * subcommands; each lives in its own cmd-admin-*.c. */
#include <stdio.h>
#include <string.h>

#include "callsheet.h"

#define ADMIN_PREFIX "admin "

static const struct cmd_entry *const subcommands[] = {
        &cmd_admin_audit_entry,
        &cmd_admin_close_period_entry,
};

static int cmd_admin_exec(struct cli *, int, char **);

const struct cmd_entry cmd_admin_entry = {
        .name = "admin",
        .args = "SUBCOMMAND [options]",
        .summary = "administration: audit trail, closed periods, ...",
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
	printf("usage: callsheet [global options] admin SUBCOMMAND "
	       "[options]\n\nSubcommands:\n");
	for (size_t i = 0; i < nitems(subcommands); i++)
		printf("  %-13s %s\n", sub_name(subcommands[i]),
		       subcommands[i]->summary);
	printf("\n'callsheet admin SUBCOMMAND --help' tells more.\n");
	return 0;
}

static int
cmd_admin_exec(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cmd_admin_entry, "no subcommand given");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return admin_usage();
	for (size_t i = 0; i < nitems(subcommands); i++)
		if (strcmp(sub_name(subcommands[i]), argv[1]) == 0)
			return subcommands[i]->exec(cli, argc - 1, argv + 1);
	return cli_usage_error(&cmd_admin_entry, "unknown subcommand '%s'",
	                       argv[1]);
}
