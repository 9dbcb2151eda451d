/* cmd-admin-audit.c: "callsheet admin audit": the changes to sheets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "change-format.h"
#include "parse.h"

#define AUDIT_LIMIT_MAX 1000

static int cmd_admin_audit_exec(struct cli *, int, char **);

static const struct cmd_option audit_options[] = {
        {"sheet", 's', true, 0}, {"from", 'f', true, 0},   {"to", 't', true, 0},
        {"limit", 'l', true, 0}, {"format", 'F', true, 0}, {NULL, 0, false, 0},
};

const struct cmd_entry cmd_admin_audit_entry = {
        .name = "admin audit",
        .args = N_("[--sheet ID] [--from DATE] [--to DATE] [options]"),
        .summary = N_("the audit trail: who changed which sheet, when, why"),
        .help = N_("Options:\n"
                   "  --sheet ID         the changes to one sheet (its id "
                   "or a start of it)\n"
                   "  --from DATE        changes made on or after this day "
                   "(YYYY-MM-DD)\n"
                   "  --to DATE          changes made on or before this day\n"
                   "  --limit N          at most N changes, oldest first "
                   "(default and most: 1000)\n"
                   "  --format F         table (default) or json\n"
                   "  -h, --help         this help\n"
                   "\n"
                   "An administrator sees every change; a jurist the changes "
                   "to the sheets they\nlogged. Days are those of the "
                   "service's time zone.\n"),
        .options = audit_options,
        .exec = cmd_admin_audit_exec,
};

struct audit_args {
	Callsheet__GetAudit get;
	uint8_t sheet[CS_UUID_LEN];
	const char *prefix; /* --sheet given as the start of an id */
	char from[DATE_STRLEN], to[DATE_STRLEN];
	bool json;
};

static int
audit_day(const char *option, const char *arg, bool after,
          char out[DATE_STRLEN])
{
	struct date d;

	if (parse_date(arg, &d) != 0)
		return cli_usage_error(
		        &cmd_admin_audit_entry,
		        _("invalid --%s '%s': give a date (YYYY-MM-DD)"),
		        option, arg);
	if (after) /* the request wants the first day after */
		date_next_day(&d);
	date_format(&d, out);
	return 0;
}

static int
audit_option(void *args, int ch, char *arg)
{
	struct audit_args *a = args;
	uint64_t n;

	switch (ch) {
	case 's':
		if (sheet_id_parse(&cmd_admin_audit_entry, arg, a->sheet,
		                   &a->prefix) != 0)
			return EXIT_USAGE;
		a->get.has_sheet_id = true;
		a->get.sheet_id.data = a->sheet;
		a->get.sheet_id.len = CS_UUID_LEN;
		return 0;
	case 'f':
		a->get.from = a->from;
		return audit_day("from", arg, false, a->from);
	case 't':
		a->get.to = a->to;
		return audit_day("to", arg, true, a->to);
	case 'l':
		if (parse_uint(arg, AUDIT_LIMIT_MAX, &n) != 0 || n == 0)
			return cli_usage_error(
			        &cmd_admin_audit_entry,
			        _("invalid --limit '%s': give a number "
			          "from 1 to %d"),
			        arg, AUDIT_LIMIT_MAX);
		a->get.has_limit = true;
		a->get.limit = (uint32_t)n;
		return 0;
	default: /* 'F' */
		if (strcmp(arg, "table") != 0 && strcmp(arg, "json") != 0)
			return cli_usage_error(&cmd_admin_audit_entry,
			                       _("invalid --format '%s': "
			                         "give table or json"),
			                       arg);
		a->json = strcmp(arg, "json") == 0;
		return 0;
	}
}

/* -1 to go on, else the exit status. */
static int
audit_parse(struct audit_args *a, int argc, char **argv)
{
	int rv;

	if ((rv = cli_options(&cmd_admin_audit_entry, argc, argv, audit_option,
	                      a)) >= 0 ||
	    (rv = cli_no_operands(&cmd_admin_audit_entry, argc, argv)) != 0)
		return rv;
	if (a->get.from != NULL && a->get.to != NULL &&
	    strcmp(a->from, a->to) >= 0)
		return cli_usage_error(&cmd_admin_audit_entry,
		                       _("--to comes before --from"));
	return -1;
}

static int
cmd_admin_audit_exec(struct cli *cli, int argc, char **argv)
{
	struct audit_args a = {.get = CALLSHEET__GET_AUDIT__INIT};
	Callsheet__AuditList *l;
	struct cs_client *c = NULL;
	struct cs_error err;
	struct strbuf sb = {0};
	int rv;

	if ((rv = audit_parse(&a, argc, argv)) >= 0)
		return rv;
	if (cli_connect(cli, &c, &err) != 0 ||
	    (a.prefix != NULL &&
	     sheet_prefix_resolve(c, a.prefix, a.sheet, &err) != 0) ||
	    cs_get_audit(c, &a.get, &l, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		cs_close(c);
		return cli_exit_status(&err);
	}
	if (a.json)
		audit_json(&sb, l);
	else
		audit_table(&sb, l);
	fwrite(sb.buf ? sb.buf : "", 1, sb.len, stdout);
	sb_free(&sb);
	protobuf_c_message_free_unpacked(&l->base, NULL);
	cs_close(c);
	return 0;
}
