/* cmd-admin-year.c: "callsheet admin population" and "admin budget": what
 * the annual report states beside the counts for a year, the départements'
 * populations (rates per inhabitant) and the action's budget with its
 * funders' shares (cost per consultation). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annual.h"
#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"
#include "population.h"

#define FUNDERS_MAX 20

static int cmd_population_exec(struct cli *, int, char **);
static int cmd_budget_exec(struct cli *, int, char **);

const struct cmd_entry cmd_admin_population_entry = {
        .name = "admin population",
        .args = "[import FILE.csv] --year Y [--source TEXT]",
        .summary = N_("the départements' populations of a year (rates per "
                      "inhabitant)"),
        .help = N_("Options:\n"
                   "  import FILE.csv  replace the year's populations by "
                   "the file's\n"
                   "  --year Y         the year the report uses them for\n"
                   "  --source TEXT    what the figures are (e.g. \"INSEE, "
                   "populations légales 2021\")\n"
                   "  -h, --help       this help\n"
                   "\n"
                   "The file is INSEE's published file of the "
                   "départements' populations\n(donnees_departements.csv): "
                   "a header line, fields separated by ';' (or ','),\nthe "
                   "département's code in the column CODDEP (or DEP), its "
                   "population in PMUN\n(population municipale; else "
                   "PTOT). Other columns are ignored. Without import,\n"
                   "prints the year's populations.\n"),
        .exec = cmd_population_exec,
};

const struct cmd_entry cmd_admin_budget_entry = {
        .name = "admin budget",
        .args = "--year Y [--total EUR [--funder NAME=EUR]...]",
        .summary = N_("the action's budget of a year (cost per "
                      "consultation)"),
        .help = N_("Options:\n"
                   "  --year Y            the year\n"
                   "  --total EUR         the action's total cost, in euros "
                   "(190700 or 190 700,50)\n"
                   "  --funder NAME=EUR   a funder's share (repeat for each "
                   "funder)\n"
                   "  -h, --help          this help\n"
                   "\n"
                   "Replaces the year's budget and funders; without --total, "
                   "prints them.\nThe annual report then states the cost "
                   "per consultation and each funder's\nshare of it, in "
                   "exact cents.\n"),
        .exec = cmd_budget_exec,
};

static void
print_facts(const Callsheet__YearFacts *y)
{
	struct strbuf sb = {0};

	if (y->n_populations > 0) {
		uint64_t total = 0;

		for (size_t i = 0; i < y->n_populations; i++)
			total += y->populations[i]->population;
		words_count(&sb, total);
		printf(_("%d: populations of %zu départements, %s inhabitants "
		         "(%s)\n"),
		       (int)y->year, y->n_populations, sb.buf,
		       y->population_source ? y->population_source : "");
	} else
		printf(_("%d: no populations\n"), (int)y->year);
	if (y->has_budget_cents) {
		sb_reset(&sb);
		words_euros(&sb, y->budget_cents);
		printf(_("%d: budget %s\n"), (int)y->year, sb.buf);
		for (size_t i = 0; i < y->n_funders; i++) {
			sb_reset(&sb);
			words_euros(&sb, y->funders[i]->cents);
			printf(_("  %s: %s\n"), y->funders[i]->funder, sb.buf);
		}
	} else
		printf(_("%d: no budget\n"), (int)y->year);
	sb_free(&sb);
}

/* Sends req, prints the YearFacts answer; the exit status. */
static int
year_call(struct cli *cli, Callsheet__Request *req)
{
	Callsheet__Response *resp;
	struct cs_client *c;
	struct cs_error err;

	if (cli_connect(cli, &c, &err) != 0 ||
	    cs_call(c, req, &resp, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		cs_close(c);
		return cli_exit_status(&err);
	}
	cs_close(c);
	if (resp->body_case != CALLSHEET__RESPONSE__BODY_YEAR_FACTS) {
		callsheet__response__free_unpacked(resp, NULL);
		cli_error("%s", _("the server answered with something else"));
		return 1;
	}
	print_facts(resp->year_facts);
	callsheet__response__free_unpacked(resp, NULL);
	return 0;
}

static int
year_get(struct cli *cli, int year)
{
	Callsheet__GetYearFacts g = CALLSHEET__GET_YEAR_FACTS__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	g.has_year = 1;
	g.year = year;
	req.body_case = CALLSHEET__REQUEST__BODY_GET_YEAR_FACTS;
	req.get_year_facts = &g;
	return year_call(cli, &req);
}

static int
year_option(const struct cmd_entry *e, const char *arg, int *year)
{
	if (parse_year(arg, year) == 0)
		return 0;
	return cli_usage_error(e, _("invalid --year '%s': give a year (YYYY)"),
	                       arg);
}

static int
population_import(struct cli *cli, const char *path, int year,
                  const char *source)
{
	Callsheet__SetYearFacts s = CALLSHEET__SET_YEAR_FACTS__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__DepartmentPopulation *dp, **dpp;
	struct population *p;
	size_t n;
	char err[512];
	FILE *f = fopen(path, "r");
	int rv;

	if (f == NULL) {
		cli_error(_("cannot read %s: %s"), path, strerror(errno));
		return 1;
	}
	rv = population_read(f, path, &p, &n, err, sizeof err);
	fclose(f);
	if (rv != 0) {
		cli_error("%s", err);
		return 1;
	}
	dp = xcalloc(n, sizeof *dp);
	dpp = xcalloc(n, sizeof *dpp);
	for (size_t i = 0; i < n; i++) {
		callsheet__department_population__init(&dp[i]);
		dp[i].department = p[i].code;
		dp[i].has_population = 1;
		dp[i].population = p[i].n;
		dpp[i] = &dp[i];
	}
	s.has_year = 1;
	s.year = year;
	s.n_populations = n;
	s.populations = dpp;
	s.population_source = (char *)source;
	req.body_case = CALLSHEET__REQUEST__BODY_SET_YEAR_FACTS;
	req.set_year_facts = &s;
	rv = year_call(cli, &req);
	free(dpp);
	free(dp);
	free(p);
	return rv;
}

static int
cmd_population_exec(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"year", required_argument, NULL, 'y'},
	        {"source", required_argument, NULL, 's'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const struct cmd_entry *e = &cmd_admin_population_entry;
	const char *source = NULL, *file = NULL;
	int ch, year = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'y':
			if (year_option(e, optarg, &year) != 0)
				return EXIT_USAGE;
			break;
		case 's':
			source = optarg;
			break;
		case 'h':
			return cli_help(e);
		default:
			return cli_bad_option(e, ch, argv);
		}
	}
	if (optind < argc && strcmp(argv[optind], "import") == 0) {
		if (optind + 1 >= argc)
			return cli_usage_error(e, "%s",
			                       _("import needs a FILE.csv"));
		file = argv[optind + 1];
		optind += 2;
	}
	if (optind < argc)
		return cli_usage_error(e, _("unexpected argument '%s'"),
		                       argv[optind]);
	if (year == 0)
		return cli_usage_error(e, "%s",
		                       _("--year is required: the year the "
		                         "populations are for"));
	if (file == NULL)
		return year_get(cli, year);
	return population_import(cli, file, year, source);
}

/* "Ville de Paris=34000": the funder and the amount; -1 if malformed. */
static int
funder_parse(const char *arg, Callsheet__FunderShare *s, char **name)
{
	const char *eq = strrchr(arg, '=');

	if (eq == NULL || eq == arg || euros_parse(eq + 1, &s->cents) != 0)
		return -1;
	*name = xstrndup(arg, (size_t)(eq - arg));
	s->funder = *name;
	s->has_cents = 1;
	return 0;
}

static int
cmd_budget_exec(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"year", required_argument, NULL, 'y'},
	        {"total", required_argument, NULL, 't'},
	        {"funder", required_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const struct cmd_entry *e = &cmd_admin_budget_entry;
	Callsheet__SetYearFacts s = CALLSHEET__SET_YEAR_FACTS__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__FunderShare shares[FUNDERS_MAX], *sp[FUNDERS_MAX];
	char *names[FUNDERS_MAX];
	struct budget_share checked[FUNDERS_MAX];
	struct strbuf max = {0};
	char why[512];
	size_t n = 0;
	int ch, year = 0, rv = -1;

	opterr = 0;
	while (rv < 0 &&
	       (ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'y':
			if (year_option(e, optarg, &year) != 0)
				rv = EXIT_USAGE;
			break;
		case 't':
			if (euros_parse(optarg, &s.budget_cents) != 0 ||
			    s.budget_cents == 0) {
				sb_reset(&max);
				words_euros(&max, EUROS_CENTS_MAX);
				rv = cli_usage_error(
				        e,
				        _("invalid --total '%s': give the "
				          "action's total cost in euros, more "
				          "than 0 and at most %s, e.g. 190700 "
				          "or "
				          "190 700,50"),
				        optarg, max.buf);
			}
			s.has_budget_cents = 1;
			break;
		case 'f':
			if (n == FUNDERS_MAX) {
				rv = cli_usage_error(e, _("at most %d funders"),
				                     FUNDERS_MAX);
				break;
			}
			callsheet__funder_share__init(&shares[n]);
			if (funder_parse(optarg, &shares[n], &names[n]) != 0) {
				sb_reset(&max);
				words_euros(&max, EUROS_CENTS_MAX);
				rv = cli_usage_error(
				        e,
				        _("invalid --funder '%s': give "
				          "NAME=EUROS, an amount in euros of "
				          "at "
				          "most %s, e.g. \"Ville de "
				          "Paris=34000\""),
				        optarg, max.buf);
				break;
			}
			checked[n].name = names[n];
			checked[n].cents = shares[n].cents;
			sp[n] = &shares[n];
			n++;
			break;
		case 'h':
			rv = cli_help(e);
			break;
		default:
			rv = cli_bad_option(e, ch, argv);
		}
	}
	if (rv < 0 && optind < argc)
		rv = cli_usage_error(e, _("unexpected argument '%s'"),
		                     argv[optind]);
	if (rv < 0 && year == 0)
		rv = cli_usage_error(e, "%s", _("--year is required"));
	if (rv < 0 && n > 0 && !s.has_budget_cents)
		rv = cli_usage_error(e, "%s",
		                     _("--funder needs --total: a share is of "
		                       "the budget"));
	if (rv < 0 && s.has_budget_cents &&
	    budget_check(s.budget_cents, checked, n, why, sizeof why) != 0)
		rv = cli_usage_error(e, "%s", why);
	if (rv < 0 && !s.has_budget_cents)
		rv = year_get(cli, year);
	if (rv < 0) {
		s.has_year = 1;
		s.year = year;
		s.n_funders = n;
		s.funders = sp;
		req.body_case = CALLSHEET__REQUEST__BODY_SET_YEAR_FACTS;
		req.set_year_facts = &s;
		rv = year_call(cli, &req);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	sb_free(&max);
	return rv;
}
