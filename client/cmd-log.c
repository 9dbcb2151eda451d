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

#define DURATION_MAX (24 * 3600) /* what the database accepts */

static int cmd_log_exec(struct cli *, int, char **);

const struct cmd_entry cmd_log_entry = {
        .name = "log",
        .args = "--caller C --topic T [--topic T ...] [options]",
        .summary = N_("log one call sheet and print its id"),
        .help = N_("Options (codes as in the taxonomy):\n"
                   "  --caller C         individual or professional\n"
                   "  --dept D           département: 75, 2A, 971, ..., 99 "
                   "(abroad), unknown\n"
                   "  --household H      man, woman or couple\n"
                   "  --origin O         africa, maghreb, latin_america, "
                   "europe_eu, ...\n"
                   "  --pro-kind K       public_body, association or other\n"
                   "  --pro-sector S     local_social_services, "
                   "hospital_medico_social,\n"
                   "                     other_public\n"
                   "  --topic T          entry, residence, social_rights, "
                   "family, ...;\n"
                   "                     repeat it or separate codes with "
                   "commas\n"
                   "  --start ISO8601    when the call began (default now): "
                   "2025-03-04T10:15:00+01:00,\n"
                   "                     2025-03-04T09:15Z, or "
                   "2025-03-04T10:15 in local time\n"
                   "  --duration D       7m, 420s, 1h2m or seconds (default "
                   "0)\n"
                   "  --call-type T      consultation (default), silent, "
                   "hang_up, wrong_number,\n"
                   "                     abusive, test\n"
                   "  -h, --help         this help\n"
                   "\n"
                   "--caller and --topic are required for a consultation. "
                   "The sheet is written\nto the spool before it is sent: if "
                   "the server cannot be reached it stays\nthere (exit "
                   "status 75) and is sent by the next run.\n"),
        .exec = cmd_log_exec,
};

/* The options that set one code of the sheet as they are; the daemon,
 * which knows the taxonomy, judges them. */
static const struct {
	const char *option;
	size_t offset; /* of a char * in Callsheet__Sheet */
} codes[] = {
        {"caller", offsetof(Callsheet__Sheet, caller)},
        {"dept", offsetof(Callsheet__Sheet, department)},
        {"household", offsetof(Callsheet__Sheet, household)},
        {"origin", offsetof(Callsheet__Sheet, origin)},
        {"pro-kind", offsetof(Callsheet__Sheet, pro_kind)},
        {"pro-sector", offsetof(Callsheet__Sheet, pro_sector)},
        {"call-type", offsetof(Callsheet__Sheet, call_type)},
};

enum {
	OPT_CODE = 256, /* + the index in codes[] */
	OPT_TOPIC = 512,
	OPT_START,
	OPT_DURATION,
};

struct log_args {
	Callsheet__Sheet sheet; /* codes point into argv */
	uint8_t id[CS_UUID_LEN];
	char *start; /* parsed once all options are in */
	char *duration;
};

static char **
code_slot(Callsheet__Sheet *sheet, size_t i)
{
	return (char **)((char *)sheet + codes[i].offset);
}

static void
build_longopts(struct option *o)
{
	size_t n = 0;

	for (size_t i = 0; i < nitems(codes); i++)
		o[n++] = (struct option){codes[i].option, required_argument,
		                         NULL, OPT_CODE + (int)i};
	o[n++] = (struct option){"topic", required_argument, NULL, OPT_TOPIC};
	o[n++] = (struct option){"start", required_argument, NULL, OPT_START};
	o[n++] = (struct option){"duration", required_argument, NULL,
	                         OPT_DURATION};
	o[n++] = (struct option){"help", no_argument, NULL, 'h'};
	o[n] = (struct option){NULL, 0, NULL, 0};
}

static int
set_once(char **slot, const char *option, char *arg)
{
	if (*slot != NULL)
		return cli_usage_error(&cmd_log_entry, _("--%s given twice"),
		                       option);
	if (*arg == '\0')
		return cli_usage_error(&cmd_log_entry, _("--%s needs a value"),
		                       option);
	*slot = arg;
	return 0;
}

static int
log_option(struct log_args *a, int ch, char *arg)
{
	switch (ch) {
	case OPT_TOPIC:
		if (parse_list(arg, &a->sheet.topics, &a->sheet.n_topics) != 0)
			return cli_usage_error(&cmd_log_entry,
			                       _("invalid --topic '%s': give "
			                         "codes separated by commas"),
			                       arg);
		return 0;
	case OPT_START:
		return set_once(&a->start, "start", arg);
	case OPT_DURATION:
		return set_once(&a->duration, "duration", arg);
	default:
		return set_once(code_slot(&a->sheet, (size_t)(ch - OPT_CODE)),
		                codes[ch - OPT_CODE].option, arg);
	}
}

/* The values that need more than a look, and the rules between options. */
static int
log_check(struct log_args *a)
{
	const char *type = a->sheet.call_type;
	uint32_t d = 0;

	a->sheet.call_start = time(NULL);
	if (a->start != NULL && parse_iso8601(a->start, &a->sheet.call_start))
		return cli_usage_error(
		        &cmd_log_entry,
		        _("invalid --start '%s': give a date and "
		          "time such as 2025-03-04T10:15:00+01:00, "
		          "2025-03-04T09:15Z or 2025-03-04T10:15"),
		        a->start);
	if (a->duration != NULL && parse_duration(a->duration, &d) != 0)
		return cli_usage_error(
		        &cmd_log_entry,
		        _("invalid --duration '%s': give seconds "
		          "(420, 420s) or units such as 7m or 1h2m"),
		        a->duration);
	if (d > DURATION_MAX)
		return cli_usage_error(&cmd_log_entry,
		                       _("invalid --duration '%s': a call "
		                         "lasts at most 24h"),
		                       a->duration);
	a->sheet.duration_s = d;
	if (type == NULL || strcmp(type, "consultation") == 0) {
		if (a->sheet.caller == NULL)
			return cli_usage_error(&cmd_log_entry, "%s",
			                       _("--caller is required for a "
			                         "consultation"));
		if (a->sheet.n_topics == 0)
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
	struct option longopts[nitems(codes) + 5];
	int ch, rv;

	build_longopts(longopts);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (ch == 'h')
			return cli_help(&cmd_log_entry);
		if (ch == '?' || ch == ':')
			return cli_bad_option(&cmd_log_entry, ch, argv);
		if ((rv = log_option(a, ch, optarg)) != 0)
			return rv;
	}
	if (optind < argc)
		return cli_usage_error(&cmd_log_entry,
		                       _("unexpected argument '%s'"),
		                       argv[optind]);
	if ((rv = log_check(a)) != 0)
		return rv;
	uuid_generate(a->id);
	a->sheet.id.data = a->id;
	a->sheet.id.len = CS_UUID_LEN;
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
	struct log_args a = {.sheet = CALLSHEET__SHEET__INIT};
	int rv;

	if ((rv = log_parse(&a, argc, argv)) < 0)
		rv = log_deliver(cli, &a.sheet, NULL, NULL);
	list_free(a.sheet.topics, a.sheet.n_topics);
	return rv;
}
