/* cmd-log.c: "callsheet log": one sheet, spooled first, then sent. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheet.h"
#include "i18n.h"
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
                   "by the next run.\n"),
        .help_arg = SHEET_OPTS_HELP,
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

/* -1 to go on, else the exit status. */
static int
log_parse(struct log_args *a, int argc, char **argv)
{
	struct option longopts[SHEET_OPTS_MAX + 2];
	size_t n = sheet_opts_longopts(longopts);
	int ch, rv;

	longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
	longopts[n] = (struct option){NULL, 0, NULL, 0};
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help(&cmd_log_entry);
		if (ch == '?' || ch == ':')
			return cli_bad_option(&cmd_log_entry, ch, argv);
		if ((rv = sheet_opts_set(&cmd_log_entry, &a->so, ch, optarg)) !=
		    0)
			return rv;
	}
	if (optind < argc)
		return cli_usage_error(&cmd_log_entry,
		                       _("unexpected argument '%s'"),
		                       argv[optind]);
	if ((rv = log_check(a)) != 0)
		return rv;
	uuid_generate(a->id);
	a->so.sheet.id.data = a->id;
	a->so.sheet.id.len = CS_UUID_LEN;
	a->so.sheet.has_id = a->so.sheet.has_call_start = true;
	a->so.sheet.has_duration_s = true;
	return -1;
}

/* The sheet is safe in the spool; say why it was not delivered now. */
static int
kept(const char *uuid, const struct cs_error *err)
{
	int rv = cli_exit_status(err);

	if (rv == EXIT_TEMPFAIL)
		cli_error(_("server unavailable (%s); sheet %s kept in the "
		            "spool and will be sent on the next run"),
		          cli_error_text(err), uuid);
	else
		cli_error(_("%s; sheet %s kept in the spool"),
		          cli_error_text(err), uuid);
	return rv;
}

static int
flush_earlier(struct cs_spool *sp, struct cs_client *c, struct cs_error *err)
{
	size_t rejected;
	int n = cs_spool_flush(sp, c, &rejected, err);

	if (n > 0)
		fprintf(stderr,
		        P_("callsheet: delivered %d earlier sheet from the "
		           "spool\n",
		           "callsheet: delivered %d earlier sheets from the "
		           "spool\n",
		           (unsigned long)n),
		        n);
	if (rejected > 0)
		fprintf(stderr,
		        P_("callsheet: the server refused %zu spooled sheet; "
		           "moved to %s/rejected (see the .reason files)\n",
		           "callsheet: the server refused %zu spooled sheets; "
		           "moved to %s/rejected (see the .reason files)\n",
		           (unsigned long)rejected),
		        rejected, cs_spool_path(sp));
	return n < 0 ? -1 : 0;
}

static int
send_sheet(struct cs_spool *sp, struct cs_client *c,
           const Callsheet__Sheet *sheet, const char *uuid)
{
	struct cs_error err;

	if (cs_log_sheet(c, sheet, NULL, &err) == 0) {
		cs_spool_remove(sp, sheet->id.data);
		printf("%s\n", uuid);
		return 0;
	}
	if (err.code != CALLSHEET__ERROR_CODE__BAD_REQUEST)
		return kept(uuid, &err);
	/* Refused as invalid it can never succeed: do not resend it. */
	cs_spool_remove(sp, sheet->id.data);
	cli_error(_("sheet refused: %s"), cli_error_text(&err));
	return 1;
}

/* Spooled first (then spooled(arg) runs, if given), then sent; prints the
 * sheet's id once the server has it. */
int
log_deliver(struct cli *cli, const Callsheet__Sheet *sheet,
            void (*spooled)(void *), void *arg)
{
	char uuid[CS_UUID_STRLEN], *root = cli_spool_root();
	struct cs_client *c = NULL;
	struct cs_spool *sp;
	struct cs_error err;
	int rv;

	uuid_format(sheet->id.data, uuid);
	if (cli_check_user(cli, &err) != 0) {
		free(root);
		cli_error("%s", cli_error_text(&err));
		return 1;
	}
	sp = cs_spool_open(root, cli->opts.server, cli->opts.user, &err);
	free(root);
	if (sp == NULL || cs_spool_put(sp, sheet, &err) != 0) {
		cli_error(_("%s; sheet not logged"), err.message);
		cs_spool_close(sp);
		return 1;
	}
	if (spooled != NULL)
		spooled(arg);
	if (cli_connect(cli, &c, &err) != 0 || flush_earlier(sp, c, &err) != 0)
		rv = kept(uuid, &err);
	else
		rv = send_sheet(sp, c, sheet, uuid);
	cs_close(c);
	cs_spool_close(sp);
	return rv;
}

static int
cmd_log_exec(struct cli *cli, int argc, char **argv)
{
	struct log_args a = {.so.sheet = CALLSHEET__SHEET__INIT};
	int rv;

	if ((rv = log_parse(&a, argc, argv)) < 0)
		rv = log_deliver(cli, &a.so.sheet, NULL, NULL);
	sheet_opts_free(&a.so);
	return rv;
}
