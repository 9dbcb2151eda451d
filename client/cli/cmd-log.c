/* cmd-log.c: "callsheet log": one sheet, spooled first, then sent. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

static int cmd_log_exec(struct cli *, int, char **);

const struct cmd_entry cmd_log_entry = {
        .name = "log",
        .args = "--caller C --topic T [--topic T ...] [options]",
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
        .help_arg = SHEET_OPTS_HELP,
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

struct log_conn {
	struct cli *cli;
	struct cs_client *c;
};

static int
log_connect(void *arg, struct cs_client **c, struct cs_error *err)
{
	struct log_conn *lc = arg;

	if (cli_connect(lc->cli, &lc->c, err) != 0)
		return -1;
	*c = lc->c;
	return 0;
}

/* What became of the sheet, said once; the exit status. */
static int
log_said(const struct cs_delivery *d, const char *uuid)
{
	switch (d->outcome) {
	case CS_DELIVERED:
		printf("%s\n", uuid);
		return 0;
	case CS_SPOOLED:
		cli_error(_("server unavailable (%s); sheet %s kept in the "
		            "spool and will be sent on the next run"),
		          cli_error_text(&d->err), uuid);
		return EXIT_TEMPFAIL;
	case CS_REFUSED:
		cli_error(_("%s; sheet %s not logged (nothing was kept: run "
		            "the command again once this is fixed)"),
		          cli_error_text(&d->err), uuid);
		return 1;
	case CS_NOT_SPOOLED:
		break;
	}
	cli_error(_("%s; sheet not logged"), d->err.message);
	return 1;
}

/* Through the spool to the server (cs_deliver); prints the sheet's id
 * once the server has it, and what waits. */
int
log_deliver(struct cli *cli, const Callsheet__Sheet *sheet)
{
	char uuid[CS_UUID_STRLEN];
	struct log_conn lc = {.cli = cli};
	struct cs_delivery d = {.connect = log_connect, .arg = &lc};
	struct cs_spool *sp;
	int rv;

	uuid_format(sheet->id.data, uuid);
	cli->delivers = true; /* cs_deliver sends the waiting sheets first */
	if ((sp = cli_spool_open(cli, &d.err)) == NULL) {
		cli_error(_("%s; sheet not logged"), d.err.message);
		return 1;
	}
	cs_deliver(sp, sheet, &d);
	rv = log_said(&d, uuid);
	spool_said(sp, d.flushed, d.rejected, d.waiting);
	cs_close(lc.c);
	cs_spool_close(sp);
	return rv;
}

static int
cmd_log_exec(struct cli *cli, int argc, char **argv)
{
	struct log_args a = {.so.sheet = CALLSHEET__SHEET__INIT};
	int rv;

	if ((rv = log_parse(&a, argc, argv)) < 0)
		rv = log_deliver(cli, &a.so.sheet);
	sheet_opts_free(&a.so);
	return rv;
}
