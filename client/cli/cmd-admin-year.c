/* cmd-admin-year.c: "callsheet admin population" and "admin budget": what
 * the annual report states beside the counts for a year, the départements'
 * populations (rates per inhabitant) and the action's budget with its
 * funders' shares (cost per consultation). */
#include <errno.h>
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

static const struct cmd_option population_options[] = {
        {"year", 'y', true, 0},
        {"source", 's', true, 0},
        {NULL, 0, false, 0},
};
static const struct cmd_option budget_options[] = {
        {"year", 'y', true, 0},
        {"total", 't', true, 0},
        {"funder", 'f', true, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_admin_population_entry = {
        .name = "admin population",
        .args = N_("[import FILE.csv] --year Y [--source TEXT]"),
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
        .options = population_options,
        .exec = cmd_population_exec,
};

const struct cmd_entry cmd_admin_budget_entry = {
        .name = "admin budget",
        .args = N_("--year Y [--total EUR [--funder NAME=EUR]...]"),
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
        .options = budget_options,
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
		printf(_("%d: populations of %zu départements, %s inhabitants"),
		       (int)y->year, y->n_populations, sb.buf);
		if (y->population_source != NULL &&
		    *y->population_source != '\0')
			printf(" (%s)", y->population_source);
		putchar('\n');
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

struct population_args {
	int year;
	const char *source;
};

static int
population_option(void *arg, int id, char *value)
{
	struct population_args *a = arg;

	if (id == 's')
		a->source = value;
	else if (year_option(&cmd_admin_population_entry, value, &a->year) != 0)
		return EXIT_USAGE;
	return 0;
}

static int
cmd_population_exec(struct cli *cli, int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_admin_population_entry;
	struct population_args a = {0};
	const char *file = NULL;
	int rv;

	if ((rv = cli_options(e, argc, argv, population_option, &a)) >= 0)
		return rv;
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
	if (a.year == 0)
		return cli_usage_error(e, "%s",
		                       _("--year is required: the year the "
		                         "populations are for"));
	if (file == NULL)
		return year_get(cli, a.year);
	return population_import(cli, file, a.year, a.source);
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

struct budget_args {
	int year;
	Callsheet__SetYearFacts s;
	Callsheet__FunderShare shares[FUNDERS_MAX], *sp[FUNDERS_MAX];
	struct budget_share checked[FUNDERS_MAX];
	char *names[FUNDERS_MAX];
	size_t n;
};

/* A usage error about an amount, which says the most it may be. */
static int
budget_amount_error(const char *format, const char *value)
{
	struct strbuf max = {0};
	int rv;

	words_euros(&max, EUROS_CENTS_MAX);
	rv = cli_usage_error(&cmd_admin_budget_entry, format, value, max.buf);
	sb_free(&max);
	return rv;
}

static int
budget_option(void *arg, int id, char *value)
{
	const struct cmd_entry *e = &cmd_admin_budget_entry;
	struct budget_args *a = arg;

	switch (id) {
	case 'y':
		return year_option(e, value, &a->year) != 0 ? EXIT_USAGE : 0;
	case 't':
		a->s.has_budget_cents = 1;
		if (euros_parse(value, &a->s.budget_cents) != 0 ||
		    a->s.budget_cents == 0)
			return budget_amount_error(
			        _("invalid --total '%s': give the action's "
			          "total cost in euros, more than 0 and at "
			          "most "
			          "%s, e.g. 190700 or 190 700,50"),
			        value);
		return 0;
	default: /* 'f' */
		if (a->n == FUNDERS_MAX)
			return cli_usage_error(e, _("at most %d funders"),
			                       FUNDERS_MAX);
		callsheet__funder_share__init(&a->shares[a->n]);
		if (funder_parse(value, &a->shares[a->n], &a->names[a->n]) != 0)
			return budget_amount_error(
			        _("invalid --funder '%s': give NAME=EUROS, an "
			          "amount in euros of at most %s, e.g. \"Ville "
			          "de Paris=34000\""),
			        value);
		a->checked[a->n].name = a->names[a->n];
		a->checked[a->n].cents = a->shares[a->n].cents;
		a->sp[a->n] = &a->shares[a->n];
		a->n++;
		return 0;
	}
}

static int
cmd_budget_exec(struct cli *cli, int argc, char **argv)
{
	const struct cmd_entry *e = &cmd_admin_budget_entry;
	struct budget_args a = {.s = CALLSHEET__SET_YEAR_FACTS__INIT};
	Callsheet__SetYearFacts *s = &a.s;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	char why[512];
	int rv;

	rv = cli_options(e, argc, argv, budget_option, &a);
	if (rv < 0 && optind < argc)
		rv = cli_usage_error(e, _("unexpected argument '%s'"),
		                     argv[optind]);
	if (rv < 0 && a.year == 0)
		rv = cli_usage_error(e, "%s", _("--year is required"));
	if (rv < 0 && a.n > 0 && !s->has_budget_cents)
		rv = cli_usage_error(e, "%s",
		                     _("--funder needs --total: a share is of "
		                       "the budget"));
	if (rv < 0 && s->has_budget_cents &&
	    budget_check(s->budget_cents, a.checked, a.n, why, sizeof why) != 0)
		rv = cli_usage_error(e, "%s", why);
	if (rv < 0 && !s->has_budget_cents)
		rv = year_get(cli, a.year);
	if (rv < 0) {
		s->has_year = 1;
		s->year = a.year;
		s->n_funders = a.n;
		s->funders = a.sp;
		req.body_case = CALLSHEET__REQUEST__BODY_SET_YEAR_FACTS;
		req.set_year_facts = s;
		rv = year_call(cli, &req);
	}
	for (size_t i = 0; i < a.n; i++)
		free(a.names[i]);
	return rv;
}
