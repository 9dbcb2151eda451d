/* cmd-annual.c: "callsheet report annual": the yearly activity report,
 * composed from general aggregate queries sent in one pipeline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "annual.h"
#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

static int cmd_annual_exec(struct cli *, int, char **);

enum {
	OPT_YEAR = 256,
	OPT_FOCUS,
	OPT_FORMAT,
	OPT_HOURS,
	OPT_SERVICE,
	OPT_ADDRESS
};
static const struct cmd_option annual_options[] = {
        {"year", OPT_YEAR, true, 0},
        {"focus", OPT_FOCUS, true, 0},
        {"format", OPT_FORMAT, true, 0},
        {"output", 'o', true, 'o'},
        {"service-hours", OPT_HOURS, true, 0},
        {"service", OPT_SERVICE, true, 0},
        {"address", OPT_ADDRESS, true, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_annual_entry = {
        .name = "report annual",
        .args = N_("--year Y [--focus DEPT] [--format text|md|html|json|pdf] "
                   "[-o FILE]"),
        .summary = N_("the yearly activity report, with charts in HTML "
                      "and PDF"),
        /* the default service hours are ANN_SERVICE_DEFAULT's, written
         * out so that the text can be translated as a whole */
        .help = N_("Options:\n"
                   "  --year Y             the calendar year (default: the "
                   "current one)\n"
                   "  --focus DEPT         a département (INSEE code, e.g. "
                   "75) stated apart,\n"
                   "                       with its callers and topics "
                   "(default: all calls)\n"
                   "  --format F           text (default), md, html (one "
                   "file with charts),\n"
                   "                       json, or pdf (an A4 document "
                   "with a map; needs -o)\n"
                   "  -o, --output FILE    write to FILE instead of the "
                   "standard output\n"
                   "  --service-hours S    the service hours the weekday x "
                   "hour table is\n"
                   "                       held against "
                   "(CALLSHEET_SERVICE_HOURS, default\n"
                   "                       \"mon-fri 9-13,14-16\": days, "
                   "a space, hour ranges)\n"
                   "  --service NAME       the service's name on the "
                   "report's title\n"
                   "                       (CALLSHEET_SERVICE_NAME)\n"
                   "  --address TEXT       its address, under the name "
                   "(CALLSHEET_SERVICE_ADDRESS)\n"
                   "  -h, --help           this help\n"
                   "\n"
                   "Consultations are counted; other calls (silent, "
                   "hang-up, ...) are shown apart.\nPercentages are "
                   "computed from exact counts and rounded half up; each "
                   "states\nits base. Départements are ranked by calls, "
                   "ties sharing a rank (1, 2, 2, 4);\nabroad (99) and "
                   "unknown are not ranked. Labels are French when LANG "
                   "starts\nwith fr. Counts hidden by disclosure control "
                   "show as 's'.\n"),
        .options = annual_options,
        .exec = cmd_annual_exec,
};

enum aformat { AF_TEXT, AF_MD, AF_HTML, AF_JSON, AF_PDF };

struct annual_args {
	int year;
	const char *focus;
	const char *output;
	enum aformat format;
	struct service_hours hours;
	const char *hours_spec; /* --service-hours, parsed last */
	const char *service, *address;
};

static int
annual_format(struct annual_args *a, const char *arg)
{
	static const char *names[] = {
	        [AF_TEXT] = "text", [AF_MD] = "md",   [AF_HTML] = "html",
	        [AF_JSON] = "json", [AF_PDF] = "pdf",
	};

	if (strcmp(arg, "markdown") == 0) /* md's long name */
		arg = "md";
	for (size_t i = 0; i < nitems(names); i++)
		if (strcmp(arg, names[i]) == 0) {
			a->format = (enum aformat)i;
			return 0;
		}
	return cli_usage_error(
	        &cmd_annual_entry,
	        _("invalid --format '%s': give text, md, html, json "
	          "or pdf"),
	        arg);
}

static int
annual_hours(struct annual_args *a, const char *spec)
{
	char why[256];

	if (service_hours_parse(spec, &a->hours, why, sizeof why) == 0)
		return 0;
	return cli_usage_error(&cmd_annual_entry, "%s", why);
}

static int
annual_option(void *arg, int id, char *value)
{
	struct annual_args *a = arg;

	switch (id) {
	case OPT_YEAR:
		if (parse_year(value, &a->year) != 0)
			return cli_usage_error(&cmd_annual_entry,
			                       _("invalid --year '%s': give a "
			                         "year (YYYY)"),
			                       value);
		return 0;
	case OPT_FOCUS:
		a->focus = value;
		return 0;
	case OPT_FORMAT:
		return annual_format(a, value);
	case 'o':
		a->output = value;
		return 0;
	case OPT_HOURS:
		a->hours_spec = value;
		return 0;
	case OPT_SERVICE:
		a->service = value;
		return 0;
	default: /* OPT_ADDRESS */
		a->address = value;
		return 0;
	}
}

/* -1 to go on, else the exit status. */
static int
annual_parse(struct annual_args *a, int argc, char **argv)
{
	time_t now = time(NULL);
	struct tm tm;
	int rv;

	localtime_r(&now, &tm);
	a->year = tm.tm_year + 1900;
	a->service = getenv("CALLSHEET_SERVICE_NAME");
	a->address = getenv("CALLSHEET_SERVICE_ADDRESS");
	a->hours_spec = getenv("CALLSHEET_SERVICE_HOURS");
	if (a->hours_spec == NULL || *a->hours_spec == '\0')
		a->hours_spec = ANN_SERVICE_DEFAULT;
	if ((rv = cli_options(&cmd_annual_entry, argc, argv, annual_option,
	                      a)) >= 0 ||
	    (rv = cli_no_operands(&cmd_annual_entry, argc, argv)) != 0)
		return rv;
	if (annual_hours(a, a->hours_spec) != 0)
		return EXIT_USAGE;
	/* a year to come has nothing to report yet */
	if (a->year > tm.tm_year + 1900)
		return cli_usage_error(&cmd_annual_entry,
		                       _("invalid --year '%d': the year has "
		                         "not started (this is %d)"),
		                       a->year, tm.tm_year + 1900);
	if (a->format == AF_PDF &&
	    (a->output == NULL || strcmp(a->output, "-") == 0) &&
	    isatty(STDOUT_FILENO))
		return cli_usage_error(&cmd_annual_entry, "%s",
		                       _("--format pdf writes a binary file: "
		                         "give -o FILE (or redirect the "
		                         "output)"));
	if (a->service != NULL && *a->service == '\0')
		a->service = NULL;
	if (a->address != NULL && *a->address == '\0')
		a->address = NULL;
	return -1;
}

static bool
is_department(const Callsheet__Taxonomy *t, const char *code)
{
	for (size_t i = 0; i < t->n_entries; i++)
		if (strcmp(t->entries[i]->dimension, "department") == 0 &&
		    strcmp(t->entries[i]->code, code) == 0)
			return true;
	return false;
}

/* Writes the whole report, to a temporary file renamed into place so that
 * a failure never leaves half a report behind. */
static int
annual_write(const struct annual_args *a, const struct strbuf *out)
{
	char *tmp;
	FILE *f;
	int rv = 0;

	if (a->output == NULL || strcmp(a->output, "-") == 0) {
		fwrite(out->buf, 1, out->len, stdout);
		return 0;
	}
	tmp = xasprintf("%s.tmp%ld", a->output, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL) {
		cli_error(_("cannot write %s: %s"), tmp, strerror(errno));
		free(tmp);
		return 1;
	}
	if (fwrite(out->buf, 1, out->len, f) != out->len || fflush(f) != 0 ||
	    ferror(f)) {
		cli_error(_("cannot write %s: %s"), tmp, strerror(errno));
		rv = 1;
	}
	if (fclose(f) != 0 && rv == 0) {
		cli_error(_("cannot write %s: %s"), tmp, strerror(errno));
		rv = 1;
	}
	if (rv == 0 && rename(tmp, a->output) != 0) {
		cli_error(_("cannot write %s: %s"), a->output, strerror(errno));
		rv = 1;
	}
	if (rv != 0)
		unlink(tmp);
	free(tmp);
	return rv;
}

static int
annual_render(const struct annual_args *args, const struct annual *a,
              struct strbuf *out)
{
	char why[256];

	switch (args->format) {
	case AF_TEXT:
		annual_text(out, a);
		break;
	case AF_MD:
		annual_md(out, a);
		break;
	case AF_HTML:
		annual_html(out, a);
		break;
	case AF_JSON:
		annual_json(out, a);
		break;
	case AF_PDF:
		if (annual_pdf(out, a, why, sizeof why) != 0) {
			cli_error(_("cannot draw the PDF report: %s"), why);
			return 1;
		}
		break;
	}
	return 0;
}

/* The restatements of the year's consultations, or NULL when the server
 * has none to give (a server older than the request). */
static const Callsheet__Restatements *
annual_restated(const Callsheet__Response *r)
{
	return r->body_case == CALLSHEET__RESPONSE__BODY_RESTATEMENTS
	               ? r->restatements
	               : NULL;
}

static void
annual_meta(const struct annual_args *args, struct annual *a,
            const Callsheet__Response *restated,
            const Callsheet__Response *restated_focus)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	a->meta.service = args->service;
	a->meta.address = args->address;
	a->meta.issued_y = tm.tm_year + 1900;
	a->meta.issued_m = tm.tm_mon + 1;
	a->meta.issued_d = tm.tm_mday;
	a->meta.restated = annual_restated(restated);
	a->meta.restated_focus =
	        restated_focus ? annual_restated(restated_focus) : NULL;
}

/* An error other than a server too old to know the request, or one that
 * keeps it from this role (then the report has none of it to show). */
static bool
refused(const Callsheet__Response *r)
{
	const Callsheet__Error *e = r->error;

	return r->body_case == CALLSHEET__RESPONSE__BODY_ERROR &&
	       e->code != CALLSHEET__ERROR_CODE__FORBIDDEN &&
	       !(e->code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	         ((e->field != NULL && strcmp(e->field, "body") == 0) ||
	          strncmp(e->message, "unknown request type", 20) == 0));
}

/* A reporter reads closed periods as published, per département and one
 * other dimension: a part refused (the year before still open, a
 * breakdown within callers) is left out of the report, not its end. */
static bool
reporter_left_out(Callsheet__Response **resps, size_t i, bool reporter)
{
	return reporter && i < AQ_N && i != AQ_TOTAL &&
	       resps[i]->body_case == CALLSHEET__RESPONSE__BODY_ERROR &&
	       resps[i]->error->code == CALLSHEET__ERROR_CODE__FORBIDDEN;
}

/* The answers, checked: the first error wins. 0, or the exit status. */
static int
annual_check(const struct annual_args *a, Callsheet__Response **resps,
             size_t nreq, bool no_jurists)
{
	bool tax = resps[AQ_N]->body_case == CALLSHEET__RESPONSE__BODY_TAXONOMY;

	/* an unknown focus fails the queries too: say it in our words */
	if (tax && a->focus != NULL &&
	    !is_department(resps[AQ_N]->taxonomy, a->focus))
		return cli_usage_error(
		        &cmd_annual_entry,
		        _("invalid --focus '%s': not a département "
		          "code (01 ... 95, 2A, 2B, 971 ... 976, 99, "
		          "unknown)"),
		        a->focus);
	for (size_t i = 0; i <= AQ_N; i++) {
		struct cs_error err;

		if (resps[i]->body_case != CALLSHEET__RESPONSE__BODY_ERROR ||
		    reporter_left_out(resps, i, no_jurists))
			continue;
		cs_error_from_response(&err, resps[i]->error);
		cli_error("%s", cli_error_text(&err));
		return cli_exit_status(&err);
	}
	/* a figure without its restatement would mislead; a server older
	 * than the request has no closed period, nor populations */
	for (size_t i = AQ_N + 1; i < nreq; i += 2) {
		struct cs_error err;

		if (!refused(resps[i]))
			continue;
		cs_error_from_response(&err, resps[i]->error);
		cli_error(_("cannot fetch the restatements of closed "
		            "periods: %s"),
		          cli_error_text(&err));
		return cli_exit_status(&err);
	}
	if (refused(resps[AQ_N + 2])) {
		struct cs_error err;

		cs_error_from_response(&err, resps[AQ_N + 2]->error);
		cli_error("%s", cli_error_text(&err));
		return cli_exit_status(&err);
	}
	if (!tax) {
		cli_error("%s", _("the server sent no taxonomy"));
		return 1;
	}
	for (size_t i = 0; i < AQ_N; i++)
		if (resps[i]->body_case !=
		            CALLSHEET__RESPONSE__BODY_QUERY_RESULT &&
		    !(no_jurists && i == AQ_JURISTS) &&
		    !reporter_left_out(resps, i, no_jurists)) {
			cli_error(_("the server answered query %zu with "
			            "something else"),
			          i);
			return 1;
		}
	return 0;
}

/* The year, or up to today when it is not over, and the same days of the
 * year before (as report --compare). */
static void
annual_period(struct ann_period *p, int year)
{
	struct period now, before;

	memset(p, 0, sizeof *p);
	p->year = year;
	period_year(&now, year);
	p->to_date = period_to_date(&now);
	period_previous_year(&now, &before);
	date_format(&now.to, p->to[0]);
	date_format(&before.to, p->to[1]);
	/* the last day counted: the day before now.to */
	p->last_m = 12;
	p->last_d = 31;
	if (p->to_date) {
		struct date last = {year, 1, 1};

		for (struct date d = last; date_cmp(&d, &now.to) < 0;
		     date_next_day(&d))
			last = d;
		p->last_m = last.m;
		p->last_d = last.d;
	}
}

static int
annual_run(struct cli *cli, const struct annual_args *a)
{
	struct ann_queries aq;
	struct ann_period period;
	/* the queries, the taxonomy, the restatements, the year's figures,
	 * with a focus the restatements of its consultations */
	Callsheet__Request reqs[AQ_N + 4], *rp[AQ_N + 4];
	Callsheet__Response *resps[AQ_N + 4];
	Callsheet__GetRestatements grf = CALLSHEET__GET_RESTATEMENTS__INIT;
	size_t nreq = a->focus != NULL ? AQ_N + 4 : AQ_N + 3;
	Callsheet__GetYearFacts gy = CALLSHEET__GET_YEAR_FACTS__INIT;
	Callsheet__GetTaxonomy gt = CALLSHEET__GET_TAXONOMY__INIT;
	Callsheet__GetRestatements gr = CALLSHEET__GET_RESTATEMENTS__INIT;
	const Callsheet__QueryResult *results[AQ_N];
	struct cs_client *c;
	struct cs_error err;
	bool no_jurists;
	int rv;

	annual_period(&period, a->year);
	annual_queries(&aq, &period, a->focus);
	for (size_t i = 0; i < nreq; i++) {
		callsheet__request__init(&reqs[i]);
		rp[i] = &reqs[i];
		if (i < AQ_N) {
			reqs[i].body_case = CALLSHEET__REQUEST__BODY_QUERY;
			reqs[i].query = &aq.q[i];
		}
	}
	gt.lang = (char *)words_lang();
	reqs[AQ_N].body_case = CALLSHEET__REQUEST__BODY_GET_TAXONOMY;
	reqs[AQ_N].get_taxonomy = &gt;
	gr.query = &aq.q[AQ_TOTAL];
	reqs[AQ_N + 1].body_case = CALLSHEET__REQUEST__BODY_GET_RESTATEMENTS;
	reqs[AQ_N + 1].get_restatements = &gr;
	gy.has_year = 1;
	gy.year = a->year;
	reqs[AQ_N + 2].body_case = CALLSHEET__REQUEST__BODY_GET_YEAR_FACTS;
	reqs[AQ_N + 2].get_year_facts = &gy;
	grf.query = &aq.focus_q;
	reqs[AQ_N + 3].body_case = CALLSHEET__REQUEST__BODY_GET_RESTATEMENTS;
	reqs[AQ_N + 3].get_restatements = &grf;
	rv = cli_connect(cli, &c, &err);
	no_jurists = rv == 0 && cs_role(c) == CALLSHEET__ROLE__REPORTER;
	if (no_jurists) {
		/* per-jurist figures are not the reporter's: the daemon
		 * refuses them; ask for the codes twice instead */
		reqs[AQ_JURISTS].body_case =
		        CALLSHEET__REQUEST__BODY_GET_TAXONOMY;
		reqs[AQ_JURISTS].get_taxonomy = &gt;
	}
	if (rv != 0 || cs_call_many(c, rp, nreq, resps, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		cs_close(c);
		return cli_exit_status(&err);
	}
	cs_close(c);
	if ((rv = annual_check(a, resps, nreq, no_jurists)) == 0) {
		struct labels *l = labels_new(resps[AQ_N]->taxonomy);
		struct annual ann;
		struct strbuf out = {0};

		for (size_t i = 0; i < AQ_N; i++)
			results[i] =
			        (no_jurists && i == AQ_JURISTS) ||
			                        reporter_left_out(resps, i,
			                                          no_jurists)
			                ? NULL
			                : resps[i]->query_result;
		annual_compute(&ann, &period, a->focus, results, l, &a->hours);
		if (period.to_date)
			cli_error(
			        _("the year is not over: %d up to today (year "
			          "to date), compared with the same days of "
			          "%d"),
			        a->year, a->year - 1);
		if (ann.consultations == 0 && !ann.consultations_hidden &&
		    ann.other.base == 0 && !ann.other.base_hidden)
			cli_error(_("warning: no sheet in %d: every figure of "
			            "the report is zero"),
			          a->year);
		annual_meta(a, &ann, resps[AQ_N + 1],
		            nreq > AQ_N + 3 ? resps[AQ_N + 3] : NULL);
		annual_facts(
		        &ann,
		        resps[AQ_N + 2]->body_case ==
		                        CALLSHEET__RESPONSE__BODY_YEAR_FACTS
		                ? resps[AQ_N + 2]->year_facts
		                : NULL);
		if ((rv = annual_render(a, &ann, &out)) == 0)
			rv = annual_write(a, &out);
		sb_free(&out);
		annual_free(&ann);
		labels_free(l);
	}
	for (size_t i = 0; i < nreq; i++)
		callsheet__response__free_unpacked(resps[i], NULL);
	return rv;
}

static int
cmd_annual_exec(struct cli *cli, int argc, char **argv)
{
	struct annual_args a = {0};
	int rv;

	if ((rv = annual_parse(&a, argc, argv)) < 0)
		rv = annual_run(cli, &a);
	return rv;
}
