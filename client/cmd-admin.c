/* cmd-admin.c: "callsheet admin SUBCOMMAND": the administration
 * subcommands, one table; each lives in its own cmd-admin-*.c. */
#include <stdio.h>
#include <string.h>

#include "callsheet.h"

static int cmd_admin_exec(struct cli *, int, char **);

static const struct cmd_entry *const admin_commands[] = {
        &cmd_admin_min_cell_entry,
};

const struct cmd_entry cmd_admin_entry = {
        .name = "admin",
        .args = "SUBCOMMAND [options]",
        .summary = "administration (admin role): disclosure control, ...",
        .help = "Subcommands:\n"
                "  min-cell [--role R N]  the minimum cell size of each "
                "role (disclosure control)\n"
                "\n"
                "'callsheet admin SUBCOMMAND --help' for its options.\n",
        .exec = cmd_admin_exec,
};

static int
cmd_admin_exec(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cmd_admin_entry, "no subcommand given");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cli_help(&cmd_admin_entry);
	for (size_t i = 0; i < nitems(admin_commands); i++) {
		/* their names read "admin NAME" */
		const char *name = admin_commands[i]->name + strlen("admin ");

		if (strcmp(argv[1], name) == 0)
			return admin_commands[i]->exec(cli, argc - 1, argv + 1);
	}
	return cli_usage_error(&cmd_admin_entry, "unknown subcommand '%s'",
	                       argv[1]);
}
