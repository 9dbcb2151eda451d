/* cmd-list.c: "callsheet list": one's recent sheets with short ids, to
 * find the one to amend or void. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "annual.h"
#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

static int cmd_list_exec(struct cli *, int, char **);

enum { OPT_DATE = 256, OPT_SINCE, OPT_USER };
static const struct cmd_option list_options[] = {
        {"date", OPT_DATE, true, 0},
        {"since", OPT_SINCE, true, 0},
        {"user", OPT_USER, true, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_list_entry = {
        .name = "list",
        .args = N_("[--date DATE | --since DATE] [--user NAME]"),
        .summary = N_("list your recent sheets with their short ids"),
        .help = N_("Options:\n"
                   "  --date DATE        the calls of that day (default: "
                   "today)\n"
                   "  --since DATE       the calls from that day to today\n"
                   "  --user NAME        an administrator: that account's "
                   "sheets (default: every\n"
                   "                     account's)\n"
                   "  -h, --help         this help\n"
                   "\n"
                   "One line per sheet, latest call first: its short id, "
                   "the call's day and time\n(the service's time zone), "
                   "the call type, the département and the topics.\n"
                   "'callsheet amend' and 'callsheet void' take a short id, "
                   "or any start of an\nid that names one sheet only.\n"),
        .options = list_options,
        .exec = cmd_list_exec,
};

static void
list_print(FILE *f, const Callsheet__SheetList *l, const Callsheet__Taxonomy *t,
           bool users, size_t max)
{
	struct strbuf sb = {0};

	for (size_t i = 0; i < l->n_sheets && i < max; i++)
		sheet_line(&sb, l->sheets[i], t, users);
	fwrite(sb.buf ? sb.buf : "", 1, sb.len, f);
	sb_free(&sb);
}

/* Today in the service's zone (cli_connect set TZ): YYYY-MM-DD. */
static void
today(char out[DATE_STRLEN], int days_after)
{
	time_t t = time(NULL) + (time_t)days_after * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, DATE_STRLEN, "%Y-%m-%d", &tm);
}

struct list_args {
	const char *date, *since, *user;
};

static int
list_option(void *arg, int id, char *value)
{
	struct list_args *a = arg;

	if (id == OPT_DATE)
		a->date = value;
	else if (id == OPT_SINCE)
		a->since = value;
	else
		a->user = value;
	return 0;
}

/* -1 to go on, else the exit status. */
static int
list_parse(struct list_args *a, int argc, char **argv)
{
	struct date d;
	int rv;

	if ((rv = cli_options(&cmd_list_entry, argc, argv, list_option, a)) >=
	    0)
		return rv;
	if (optind < argc)
		return cli_usage_error(&cmd_list_entry,
		                       _("unexpected argument '%s'"),
		                       argv[optind]);
	if (a->date != NULL && a->since != NULL)
		return cli_usage_error(&cmd_list_entry, "%s",
		                       _("give --date or --since, not both"));
	if ((a->date != NULL && parse_date(a->date, &d) != 0) ||
	    (a->since != NULL && parse_date(a->since, &d) != 0))
		return cli_usage_error(&cmd_list_entry,
		                       _("invalid date '%s': give YYYY-MM-DD"),
		                       a->date != NULL ? a->date : a->since);
	return -1;
}

static int
cmd_list_exec(struct cli *cli, int argc, char **argv)
{
	Callsheet__ListSheets m = CALLSHEET__LIST_SHEETS__INIT;
	Callsheet__SheetList *l = NULL;
	Callsheet__Taxonomy *t;
	struct list_args a = {0};
	struct cs_client *c;
	struct cs_error err;
	char tomorrow[DATE_STRLEN];
	int rv;

	if ((rv = list_parse(&a, argc, argv)) >= 0)
		return rv;
	if (cli_connect(cli, &c, &err) == 0) {
		m.from = (char *)(a.date != NULL ? a.date : a.since);
		if (a.since != NULL) {
			today(tomorrow, 1);
			m.to = tomorrow;
		}
		m.user = (char *)a.user;
		rv = cs_list_sheets(c, &m, &l, &err);
	}
	if (c == NULL || rv != 0) {
		cli_error("%s", cli_error_text(&err));
		cs_close(c);
		return cli_exit_status(&err);
	}
	t = sheet_taxonomy(cli, c);
	list_print(stdout, l, t,
	           cs_role(c) == CALLSHEET__ROLE__ADMIN && a.user == NULL,
	           l->n_sheets);
	if (l->n_sheets == 0)
		fprintf(stderr, "%s\n",
		        a.date == NULL && a.since == NULL
		                ? _("callsheet: no sheet logged today")
		                : _("callsheet: no sheet logged then"));
	if (l->truncated)
		fprintf(stderr,
		        _("callsheet: only the latest %zu sheets are listed\n"),
		        l->n_sheets);
	if (t != NULL)
		callsheet__taxonomy__free_unpacked(t, NULL);
	protobuf_c_message_free_unpacked(&l->base, NULL);
	cs_close(c);
	return 0;
}
