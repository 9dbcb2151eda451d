/* cmd-log.c: "callsheet log": one sheet, spooled first, then sent. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

static int cmd_log_exec(struct cli *, int, char **);

const struct cmd_entry cmd_log_entry = {
        .name = "log",
        .args = N_("--caller C --topic T [--topic T ...] [options]"),
        .summary = N_("log one call sheet and print its id"),
        .help = N_("Options (codes as in the taxonomy):\n%s"
                   "  -h, --help         this help\n"
                   "\n"
                   "--caller and --topic are required for a consultation; "
                   "--start is now unless\ngiven, --duration 0, "
                   "--call-type consultation. The sheet is written to "
                   "the\nspool before it is sent: if the server cannot be "
                   "reached it stays there\n(exit status 75) and is sent "
                   "by the next run. If the server refuses it\n(wrong "
                   "password, a role that may not log, an invalid sheet) "
                   "nothing is kept\nand the exit status is 1. Sheets "
                   "waiting in the spool go first.\n"),
        .help_make = sheet_opts_help,
        .shared = sheet_options,
        .exec = cmd_log_exec,
};

struct log_args {
	struct sheet_opts so;
	uint8_t id[CS_UUID_LEN];
};

/* The rules between options. */
static int
log_check(struct log_args *a)
{
	const char *type = a->so.sheet.call_type;
	int rv;

	a->so.sheet.call_start = time(NULL);
	if ((rv = sheet_opts_times(&cmd_log_entry, &a->so)) != 0)
		return rv;
	if (type == NULL || strcmp(type, "consultation") == 0) {
		if (a->so.sheet.caller == NULL)
			return cli_usage_error(&cmd_log_entry, "%s",
			                       _("--caller is required for a "
			                         "consultation"));
		if (a->so.sheet.n_topics == 0)
			return cli_usage_error(&cmd_log_entry, "%s",
			                       _("--topic is required for a "
			                         "consultation"));
	}
	return 0;
}

static int
log_option(void *arg, int id, char *value)
{
	struct log_args *a = arg;

	return sheet_opts_set(&cmd_log_entry, &a->so, id, value);
}

/* -1 to go on, else the exit status. */
static int
log_parse(struct log_args *a, int argc, char **argv)
{
	int rv;

	if ((rv = cli_options(&cmd_log_entry, argc, argv, log_option, a)) >= 0)
		return rv;
	if ((rv = cli_no_operands(&cmd_log_entry, argc, argv)) != 0 ||
	    (rv = log_check(a)) != 0)
		return rv;
	uuid_generate(a->id);
	a->so.sheet.id.data = a->id;
	a->so.sheet.id.len = CS_UUID_LEN;
	a->so.sheet.has_id = a->so.sheet.has_call_start = true;
	a->so.sheet.has_duration_s = true;
	return -1;
}

static int
cmd_log_exec(struct cli *cli, int argc, char **argv)
{
	struct log_args a = {.so.sheet = CALLSHEET__SHEET__INIT};
	int rv;

	if ((rv = log_parse(&a, argc, argv)) < 0)
		rv = log_deliver(cli, &a.so.sheet, NULL);
	sheet_opts_free(&a.so);
	return rv;
}
