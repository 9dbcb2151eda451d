/* cmd-admin-close.c: "callsheet admin close-period": freeze the published
 * figures of a period of whole months. */
#include <stdio.h>
#include <time.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

static int cmd_admin_close_exec(struct cli *, int, char **);

/* in the order of struct close_args' slots */
static const struct cmd_option close_options[] = {
        {"year", 0, true, 0}, {"month", 1, true, 0}, {"from", 2, true, 0},
        {"to", 3, true, 0},   {NULL, 0, false, 0},
};

const struct cmd_entry cmd_admin_close_period_entry = {
        .name = "admin close-period",
        .args = N_("--year Y | --month Y-M | --from DATE --to DATE"),
        .summary = N_("freeze the published figures of a period"),
        .help = N_("Options:\n"
                   "  --year Y               a calendar year\n"
                   "  --month Y-M            a calendar month\n"
                   "  --from DATE --to DATE  whole months: from the first day "
                   "of one to the last\n"
                   "                         day of another (YYYY-MM-DD)\n"
                   "  -h, --help             this help\n"
                   "\n"
                   "The period must be over. Its figures are kept as they are "
                   "now; afterwards only\nan administrator may amend or void a "
                   "sheet whose call lies in it, with a reason,\nand reports "
                   "show the published figure next to the restated one. "
                   "Closing the\nsame period again says when it was closed.\n"),
        .options = close_options,
        .exec = cmd_admin_close_exec,
};

struct close_args {
	const char *year, *month, *from, *to;
	struct period period;
};

static int
close_error(const char *option, const char *value, const char *want)
{
	return cli_usage_error(&cmd_admin_close_period_entry,
	                       _("invalid --%s '%s': give %s"), option, value,
	                       want);
}

/* The period from the options; 0 or the exit status. */
static int
close_period_of(struct close_args *a)
{
	struct date first, last;
	int y, m;

	if ((a->year != NULL) + (a->month != NULL) + (a->from != NULL) != 1 ||
	    (a->from != NULL) != (a->to != NULL))
		return cli_usage_error(
		        &cmd_admin_close_period_entry,
		        _("give one of --year, --month, or --from with "
		          "--to"));
	if (a->year != NULL) {
		if (parse_year(a->year, &y) != 0)
			return close_error("year", a->year, _("a year (YYYY)"));
		period_year(&a->period, y);
		return 0;
	}
	if (a->month != NULL) {
		if (parse_year_month(a->month, &y, &m) != 0)
			return close_error("month", a->month,
			                   _("a year and month (YYYY-MM)"));
		period_month(&a->period, y, m);
		return 0;
	}
	if (parse_date(a->from, &first) != 0 || first.d != 1)
		return close_error("from", a->from,
		                   _("the first day of a month (YYYY-MM-01)"));
	if (parse_date(a->to, &last) != 0 ||
	    period_days(&a->period, &first, &last) != 0 || a->period.to.d != 1)
		return close_error("to", a->to,
		                   _("the last day of a month, after --from"));
	return 0;
}

static int
close_option(void *arg, int id, char *value)
{
	struct close_args *a = arg;
	const char **slots[] = {&a->year, &a->month, &a->from, &a->to};

	if (*slots[id] != NULL)
		return cli_usage_error(&cmd_admin_close_period_entry,
		                       _("--%s given twice"),
		                       close_options[id].name);
	*slots[id] = value;
	return 0;
}

/* -1 to go on, else the exit status. */
static int
close_parse(struct close_args *a, int argc, char **argv)
{
	int rv;

	if ((rv = cli_options(&cmd_admin_close_period_entry, argc, argv,
	                      close_option, a)) >= 0 ||
	    (rv = cli_no_operands(&cmd_admin_close_period_entry, argc, argv)) !=
	            0)
		return rv;
	return close_period_of(a) != 0 ? EXIT_USAGE : -1;
}

static void
close_print(const Callsheet__PeriodClosed *pc)
{
	char label[48], when[32];
	time_t at = (time_t)pc->closed_at;
	struct tm tm;

	closed_period_label(pc->period->from, pc->period->to, label,
	                    sizeof label);
	localtime_r(&at, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	if (pc->duplicate)
		printf(_("%s was already closed on %s by %s\n"), label, when,
		       pc->closed_by ? pc->closed_by : "?");
	else
		printf(_("%s closed: its published figures are frozen "
		         "(%llu rollup rows)\n"),
		       label, (unsigned long long)pc->rollup_rows);
}

static int
cmd_admin_close_exec(struct cli *cli, int argc, char **argv)
{
	struct close_args a = {0};
	Callsheet__ClosePeriod cp = CALLSHEET__CLOSE_PERIOD__INIT;
	Callsheet__PeriodClosed *pc;
	char from[DATE_STRLEN], to[DATE_STRLEN];
	struct cs_client *c = NULL;
	struct cs_error err;
	int rv;

	if ((rv = close_parse(&a, argc, argv)) >= 0)
		return rv;
	date_format(&a.period.from, from);
	date_format(&a.period.to, to);
	cp.from = from;
	cp.to = to;
	if (cli_connect(cli, &c, &err) != 0 ||
	    cs_close_period(c, &cp, &pc, &err) != 0) {
		cli_error("%s", cli_period_error_text(&err, from, to));
		cs_close(c);
		return cli_exit_status(&err);
	}
	close_print(pc);
	protobuf_c_message_free_unpacked(&pc->base, NULL);
	cs_close(c);
	return 0;
}
