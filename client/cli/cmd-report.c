/* cmd-report.c: "callsheet report": one aggregate query, printed; with
 * --compare, the same period a year before next to it. "report annual" is
 * cmd-annual.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheet.h"
#include "sheet-codes.h"
#include "libcallsheet.h"
#include "parse.h"
#include "annual.h"
#include "change-format.h"
#include "report-format.h"

#define GROUP_BY_MAX 2

static int cmd_report_exec(struct cli *, int, char **);

enum {
	OPT_YEAR = 256,
	OPT_MONTH,
	OPT_FROM,
	OPT_TO,
	OPT_WHERE,
	OPT_BY,
	OPT_FORMAT,
	OPT_COMPARE
};
static const struct cmd_option report_options[] = {
        {"year", OPT_YEAR, true, 0},
        {"month", OPT_MONTH, true, 0},
        {"from", OPT_FROM, true, 0},
        {"to", OPT_TO, true, 0},
        {"where", OPT_WHERE, true, 0},
        {"by", OPT_BY, true, 0},
        {"format", OPT_FORMAT, true, 0},
        {"compare", OPT_COMPARE, false, 0},
        {NULL, 0, false, 0},
};

/* The dimensions of a report: the Sheet's coded fields, then the others
 * (query.c's). */
static const char *
report_dimensions(void)
{
	static const char *const more[] = {"topic",   "jurist", "month",
	                                   "weekday", "hour",   NULL};
	static char *list;

	if (list == NULL)
		list = sheet_codes_list(13, 78, more);
	return list;
}

const struct cmd_entry cmd_report_entry = {
        .name = "report",
        .args = N_("[--year Y | --month Y-M | --from DATE --to DATE] "
                   "[options]\n       callsheet report annual --help  (the "
                   "yearly activity report)"),
        .summary = N_("count sheets over a period, broken down by up to two "
                      "dimensions"),
        .help = N_("Options:\n"
                   "  --year Y               a calendar year (default: the "
                   "current one)\n"
                   "  --month Y-M            a calendar month\n"
                   "  --from DATE --to DATE  from one day to another, both "
                   "included (YYYY-MM-DD)\n"
                   "  --where DIM=VALUE      count only the sheets where "
                   "DIM is VALUE; repeatable\n"
                   "  --by DIM[,DIM]         break the counts down by one or "
                   "two dimensions;\n"
                   "                         two give a cross table with row "
                   "and column totals\n"
                   "  --compare              add the same period a year "
                   "before, and the change\n"
                   "                         (with at most one --by; in a "
                   "period not over, the\n"
                   "                         year to date against the same "
                   "days)\n"
                   "  --format F             table (default), csv or json\n"
                   "  -h, --help             this help\n"
                   "\n"
                   "Dimensions: %s.\nDays are calendar days in the "
                   "service's time zone. Rows come by count,\nlargest first "
                   "(months, weekdays and hours in calendar order); a sheet "
                   "counts\nonce for each of its topics. In JSON, period.to "
                   "is the first day after the\nperiod.\nWith two dimensions, "
                   "CSV adds total rows where a key is (total). Counts\n"
                   "hidden by disclosure control show as s (table), an empty "
                   "field (CSV) or null\n(JSON), and the output says so.\n"),
        .help_make = report_dimensions,
        .options = report_options,
        .exec = cmd_report_exec,
};

enum format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

struct report_args {
	const char *year, *month, *from, *to;
	struct period period;
	char **by;
	size_t nby;
	Callsheet__Filter *filters;
	size_t nfilters;
	enum format format;
	bool compare;
};

static int
report_where(struct report_args *a, char *arg)
{
	Callsheet__Filter f = CALLSHEET__FILTER__INIT;
	char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg || eq[1] == '\0')
		return cli_usage_error(&cmd_report_entry,
		                       _("invalid --where '%s': give "
		                         "DIMENSION=VALUE"),
		                       arg);
	*eq = '\0'; /* argv is ours to cut */
	f.dimension = arg;
	f.value = eq + 1;
	a->filters =
	        xreallocarray(a->filters, a->nfilters + 1, sizeof *a->filters);
	a->filters[a->nfilters++] = f;
	return 0;
}

static int
report_by(struct report_args *a, const char *arg)
{
	if (a->nby > 0)
		return cli_usage_error(&cmd_report_entry, "%s",
		                       _("--by given twice"));
	if (parse_list(arg, &a->by, &a->nby) != 0)
		return cli_usage_error(&cmd_report_entry,
		                       _("invalid --by '%s': give dimensions "
		                         "separated by a comma"),
		                       arg);
	if (a->nby > GROUP_BY_MAX)
		return cli_usage_error(&cmd_report_entry,
		                       _("invalid --by '%s': at most %d "
		                         "dimensions"),
		                       arg, GROUP_BY_MAX);
	return 0;
}

static int
report_format(struct report_args *a, const char *arg)
{
	static const char *names[] = {
	        [FORMAT_TABLE] = "table",
	        [FORMAT_CSV] = "csv",
	        [FORMAT_JSON] = "json",
	};

	for (size_t i = 0; i < nitems(names); i++) {
		if (strcmp(arg, names[i]) == 0) {
			a->format = (enum format)i;
			return 0;
		}
	}
	return cli_usage_error(
	        &cmd_report_entry,
	        _("invalid --format '%s': give table, csv or json"), arg);
}

static int
period_error(const char *option, const char *value, const char *want)
{
	return cli_usage_error(&cmd_report_entry,
	                       _("invalid --%s '%s': give %s"), option, value,
	                       want);
}

static void
period_current_year(struct period *p)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	period_year(p, tm.tm_year + 1900);
}

/* One of --year, --month or --from with --to; the current year if none. */
static int
report_period(struct report_args *a)
{
	struct date first, last;
	int y, m;

	if ((a->year != NULL) + (a->month != NULL) +
	            (a->from != NULL || a->to != NULL) >
	    1)
		return cli_usage_error(&cmd_report_entry,
		                       _("give only one of --year, --month or "
		                         "--from with --to"));
	if (a->year != NULL) {
		if (parse_year(a->year, &y) != 0)
			return period_error("year", a->year,
			                    _("a year (YYYY)"));
		period_year(&a->period, y);
	} else if (a->month != NULL) {
		if (parse_year_month(a->month, &y, &m) != 0)
			return period_error("month", a->month,
			                    _("a year and month (YYYY-MM)"));
		period_month(&a->period, y, m);
	} else if (a->from != NULL || a->to != NULL) {
		if (a->from == NULL || a->to == NULL)
			return cli_usage_error(
			        &cmd_report_entry,
			        _("--from and --to go together"));
		if (parse_date(a->from, &first) != 0)
			return period_error("from", a->from,
			                    _("a date (YYYY-MM-DD)"));
		if (parse_date(a->to, &last) != 0)
			return period_error("to", a->to,
			                    _("a date (YYYY-MM-DD)"));
		if (period_days(&a->period, &first, &last) != 0)
			return cli_usage_error(
			        &cmd_report_entry,
			        _("--to %s comes before --from %s"), a->to,
			        a->from);
	} else
		period_current_year(&a->period);
	return 0;
}

static int
report_option(void *arg, int id, char *value)
{
	struct report_args *a = arg;

	switch (id) {
	case OPT_YEAR:
		a->year = value;
		return 0;
	case OPT_MONTH:
		a->month = value;
		return 0;
	case OPT_FROM:
		a->from = value;
		return 0;
	case OPT_TO:
		a->to = value;
		return 0;
	case OPT_WHERE:
		return report_where(a, value);
	case OPT_BY:
		return report_by(a, value);
	case OPT_FORMAT:
		return report_format(a, value);
	default: /* OPT_COMPARE */
		a->compare = true;
		return 0;
	}
}

/* -1 to go on, else the exit status. */
static int
report_parse(struct report_args *a, int argc, char **argv)
{
	int rv;

	if ((rv = cli_options(&cmd_report_entry, argc, argv, report_option,
	                      a)) >= 0 ||
	    (rv = cli_no_operands(&cmd_report_entry, argc, argv)) != 0)
		return rv;
	if (a->compare && a->nby > 1)
		return cli_usage_error(
		        &cmd_report_entry,
		        _("--compare works with at most one --by "
		          "dimension (got %zu)"),
		        a->nby);
	return report_period(a) != 0 ? EXIT_USAGE : -1;
}

/* Months, weekdays and hours read in calendar order, not by count. */
static bool
is_time(const char *dim)
{
	return strcmp(dim, "month") == 0 || strcmp(dim, "weekday") == 0 ||
	       strcmp(dim, "hour") == 0;
}

/* "YYYY-MM", or a number: the shorter number first */
static int
time_cmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la != lb ? (la < lb ? -1 : 1) : strcmp(a, b);
}

/* Rows by their keys, a time dimension's in calendar order, another's
 * by code, the hidden ones last: an insertion sort (dims: the dimensions
 * of the rows' n keys). */
static void
rows_by_time(Callsheet__Row **v, size_t n, char **dims, size_t ndims)
{
	for (size_t i = 1; i < n; i++) {
		Callsheet__Row *t = v[i];
		size_t j = i;

		for (; j > 0; j--) {
			/* rows hidden by disclosure control stay last */
			int c = (int)row_hidden(v[j - 1]) - (int)row_hidden(t);

			for (size_t k = 0; k < ndims && c == 0; k++)
				c = is_time(dims[k])
				            ? time_cmp(row_key(v[j - 1], k),
				                       row_key(t, k))
				            : strcmp(row_key(v[j - 1], k),
				                     row_key(t, k));
			if (c <= 0)
				break;
			v[j] = v[j - 1];
		}
		v[j] = t;
	}
}

/* Before the keys are put in words: the rows, and a cross table's
 * margins (the rows and columns it is drawn by, CSV too), when a
 * dimension is a time. */
static void
calendar_order(Callsheet__QueryResult *r)
{
	bool any = false;

	for (size_t k = 0; k < r->n_group_by && k < 2; k++)
		any |= is_time(r->group_by[k]);
	if (!any)
		return;
	rows_by_time(r->rows, r->n_rows, r->group_by, r->n_group_by);
	if (r->n_group_by == 2) {
		if (is_time(r->group_by[0]))
			rows_by_time(r->row_totals, r->n_row_totals,
			             r->group_by, 1);
		if (is_time(r->group_by[1]))
			rows_by_time(r->column_totals, r->n_column_totals,
			             r->group_by + 1, 1);
	}
}

/* A table says keys in words (report-keys.c), from the server's code
 * tables (saved on this computer, fetched when they changed); without
 * them, codes. */
static void
table_words(const struct report_args *a, struct cli *cli, struct cs_client *c,
            Callsheet__QueryResult *const *r, size_t n,
            Callsheet__Restatements *rs)
{
	Callsheet__Taxonomy *t;
	struct cs_error err;
	char *dir;

	if (a->format != FORMAT_TABLE)
		return;
	dir = cli_state_dir();
	t = taxcache_get(dir, cli->opts.server, c, &err);
	for (size_t i = 0; i < n; i++)
		report_keys_words(r[i], t);
	report_restated_words(rs, t);
	if (t != NULL)
		callsheet__taxonomy__free_unpacked(t, NULL);
	free(dir);
}

/* Does the query count consultations only (PROTOCOL: no call type
 * named, in a filter or a breakdown)? */
static bool
consultations_only(const struct report_args *a)
{
	for (size_t i = 0; i < a->nfilters; i++)
		if (strcmp(a->filters[i].dimension, "call_type") == 0)
			return false;
	for (size_t i = 0; i < a->nby; i++)
		if (strcmp(a->by[i], "call_type") == 0)
			return false;
	return true;
}

/* What a table counted, when other calls were left out: "6,461
 * consultations; 300 other calls not counted (--where call_type=...)".
 * Asked as the same query by call type; a role that may not ask it (a
 * reporter's shapes) is told nothing more. */
static void
others_note(struct cs_client *c, const struct report_args *a,
            const Callsheet__Query *q)
{
	Callsheet__Query byt = *q;
	Callsheet__QueryResult *r;
	struct cs_error err;
	char *by[] = {"call_type"};
	uint64_t cons = 0, other = 0;
	struct strbuf sb = {0}, n = {0};

	if (a->format != FORMAT_TABLE || !consultations_only(a))
		return;
	byt.group_by = by;
	byt.n_group_by = 1;
	if (cs_query(c, &byt, &r, &err) != 0)
		return;
	for (size_t i = 0; i < r->n_rows; i++)
		if (strcmp(row_key(r->rows[i], 0), "consultation") == 0)
			cons += r->rows[i]->count;
		else
			other += r->rows[i]->count;
	callsheet__query_result__free_unpacked(r, NULL);
	if (other == 0)
		return;
	words_count(&n, cons);
	sb_addf(&sb,
	        P_("%s consultation", "%s consultations", (unsigned long)cons),
	        n.buf);
	sb_reset(&n);
	words_count(&n, other);
	sb_addf(&sb,
	        P_("; %s other call not counted: --where call_type=TYPE or "
	           "--by call_type counts it",
	           "; %s other calls not counted: --where call_type=TYPE or "
	           "--by call_type counts them",
	           (unsigned long)other),
	        n.buf);
	printf("%s\n", sb.buf);
	sb_free(&sb);
	sb_free(&n);
}

/* rs: the restatements of the closed periods the report overlaps. */
static void
report_print(const struct report_args *a, const char *from, const char *to,
             const Callsheet__QueryResult *r, const Callsheet__Restatements *rs)
{
	struct strbuf sb = {0};

	switch (a->format) {
	case FORMAT_TABLE:
		report_table(&sb, r);
		restate_table(&sb, rs, a->nfilters > 0);
		break;
	case FORMAT_CSV:
		if (restate_shown(rs))
			restate_csv(&sb, r, rs);
		else
			report_csv(&sb, r);
		break;
	case FORMAT_JSON:
		report_json(&sb, from, to, r);
		restate_json(&sb, rs);
		break;
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	sb_free(&sb);
}

static void
compare_print(const struct report_args *a, const char *const period[4],
              const Callsheet__QueryResult *now,
              const Callsheet__QueryResult *before)
{
	struct strbuf sb = {0};

	switch (a->format) {
	case FORMAT_TABLE:
		report_compare_table(&sb, now, before);
		break;
	case FORMAT_CSV:
		report_compare_csv(&sb, now, before);
		break;
	case FORMAT_JSON:
		report_compare_json(&sb, period, now, before);
		break;
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	sb_free(&sb);
}

/* Both periods in one pipeline. */
static int
compare_run(struct cli *cli, struct cs_client *c, const struct report_args *a,
            Callsheet__Query *q)
{
	Callsheet__Query prev = *q;
	Callsheet__Request reqs[2], *rp[2] = {&reqs[0], &reqs[1]};
	Callsheet__Response *resps[2];
	struct period p;
	char from[DATE_STRLEN], to[DATE_STRLEN];
	const char *period[4] = {q->from, q->to, from, to};
	struct cs_error err;
	struct period now = a->period;
	char now_to[DATE_STRLEN];
	int rv = 0;

	if (period_to_date(&now)) {
		/* a period not over: the same part of the year before */
		date_format(&now.to, now_to);
		q->to = now_to;
		period[1] = now_to;
		fprintf(stderr,
		        _("callsheet: the period is not over: from %s up to "
		          "today "
		          "(year to date), compared with the same days a year "
		          "before\n"),
		        q->from);
	}
	period_previous_year(&now, &p);
	date_format(&p.from, from);
	date_format(&p.to, to);
	prev.from = from;
	prev.to = to;
	for (int i = 0; i < 2; i++) {
		callsheet__request__init(&reqs[i]);
		reqs[i].body_case = CALLSHEET__REQUEST__BODY_QUERY;
		reqs[i].query = i == 0 ? q : &prev;
	}
	if (cs_call_many(c, rp, 2, resps, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		return cli_exit_status(&err);
	}
	for (int i = 0; i < 2 && rv == 0; i++)
		if (resps[i]->body_case == CALLSHEET__RESPONSE__BODY_ERROR) {
			cs_error_from_response(&err, resps[i]->error);
			cli_error("%s", cli_period_error_text(
			                        &err, reqs[i].query->from,
			                        reqs[i].query->to));
			rv = cli_exit_status(&err);
		}
	if (rv == 0) {
		Callsheet__QueryResult *both[2] = {resps[0]->query_result,
		                                   resps[1]->query_result};

		table_words(a, cli, c, both, 2, NULL);
		compare_print(a, period, both[0], both[1]);
	}
	for (int i = 0; i < 2; i++)
		callsheet__response__free_unpacked(resps[i], NULL);
	return rv;
}

static int
report_run(struct cli *cli, const struct report_args *a)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter **filters;
	Callsheet__QueryResult *r;
	Callsheet__Restatements *rs = NULL;
	struct cs_client *c;
	struct cs_error err;
	char from[DATE_STRLEN], to[DATE_STRLEN];
	int rv = 0;

	date_format(&a->period.from, from);
	date_format(&a->period.to, to);
	filters = xcalloc(a->nfilters, sizeof *filters);
	for (size_t i = 0; i < a->nfilters; i++)
		filters[i] = &a->filters[i];
	q.from = from;
	q.to = to;
	q.filters = filters;
	q.n_filters = a->nfilters;
	q.group_by = a->by;
	q.n_group_by = a->nby;
	if (cli_connect(cli, &c, &err) == 0 && a->compare)
		rv = compare_run(cli, c, a, &q);
	else if (c == NULL || cs_query(c, &q, &r, &err) != 0) {
		cli_error("%s",
		          c == NULL ? cli_error_text(&err)
		                    : cli_period_error_text(&err, from, to));
		rv = cli_exit_status(&err);
	} else if (cs_restatements(c, &q, &rs, &err) != 0 &&
	           err.code == CALLSHEET__ERROR_CODE__FORBIDDEN) {
		/* a reporter: restatements are whole closed periods' totals,
		 * asked on their own; say so rather than fail the figures */
		calendar_order(r);
		table_words(a, cli, c, &r, 1, NULL);
		report_print(a, from, to, r, NULL);
		cli_error("%s", _("restated figures not shown: a reporter "
		                  "account is given them only for whole closed "
		                  "periods, without filters or breakdowns"));
		callsheet__query_result__free_unpacked(r, NULL);
	} else if (rs == NULL) {
		/* a figure without its restatement would mislead */
		cli_error(_("cannot fetch the restatements of closed "
		            "periods: %s"),
		          err.message);
		rv = cli_exit_status(&err);
		callsheet__query_result__free_unpacked(r, NULL);
	} else {
		calendar_order(r);
		table_words(a, cli, c, &r, 1, rs);
		report_print(a, from, to, r, rs);
		others_note(c, a, &q);
		callsheet__query_result__free_unpacked(r, NULL);
		protobuf_c_message_free_unpacked(&rs->base, NULL);
	}
	cs_close(c);
	free(filters);
	return rv;
}

static int
cmd_report_exec(struct cli *cli, int argc, char **argv)
{
	struct report_args a = {0};
	int rv;

	if (argc > 1 && strcmp(argv[1], "annual") == 0)
		return cmd_annual_entry.exec(cli, argc - 1, argv + 1);
	if ((rv = report_parse(&a, argc, argv)) < 0)
		rv = report_run(cli, &a);
	list_free(a.by, a.nby);
	free(a.filters);
	return rv;
}
