/* test_population.c: INSEE's département population file as
 * `admin population import` reads it (the columns found by name, ';' or
 * ',', a byte order mark, spaces in numbers; every malformed file refused
 * naming its line and column), euro amounts in exact cents, and the
 * annual report's rates per 100,000 inhabitants, ranks and cost per
 * consultation from them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annual.h"
#include "population.h"
#include "unit.h"

static int
read_text(const char *text, struct population **p, size_t *n, char *err,
          size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rv = population_read(f, "pop.csv", p, n, err, errlen);

	fclose(f);
	return rv;
}

static void
test_good(void)
{
	struct population *p;
	size_t n;
	char err[256] = "";
	int rv = read_text(
	        "\xef\xbb\xbfREG;R\xc3\xa9gion;CODDEP;D\xc3\xa9partement;NBARR;"
	        "NBCAN;NBCOM;PMUN;PCAP;PTOT\n"
	        "11;\xc3\x8ele-de-France;75;Paris;20;0;1;2 133 111;2 000;"
	        "2 135 111\n"
	        "84;Auvergne-Rh\xc3\xb4ne-Alpes;1;Ain;4;23;393;657856;1;0\n"
	        "94;Corse;2a;Corse-du-Sud;2;11;124;158507;0;0\n"
	        "01;Guadeloupe;971;Guadeloupe;2;21;32;384315;0;0\n",
	        &p, &n, err, sizeof err);

	CHECK(rv == 0, "read: %s", err);
	CHECK(n == 4, "%zu rows", n);
	if (rv != 0 || n != 4)
		return;
	CHECK(strcmp(p[0].code, "75") == 0 && p[0].n == 2133111,
	      "Paris: %s %llu", p[0].code, (unsigned long long)p[0].n);
	CHECK(strcmp(p[1].code, "01") == 0, "1 reads as 01: %s", p[1].code);
	CHECK(strcmp(p[2].code, "2A") == 0, "2a reads as 2A: %s", p[2].code);
	CHECK(strcmp(p[3].code, "971") == 0 && p[3].n == 384315, "971");
	free(p);
	/* commas, DEP and PTOT when there is no PMUN */
	rv = read_text("DEP,PTOT\n93,1655422\n", &p, &n, err, sizeof err);
	CHECK(rv == 0 && n == 1 && p[0].n == 1655422, "DEP/PTOT: %s", err);
	free(p);
}

static void
test_bad(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
	        {"", "pop.csv: the file is empty"},
	        {"CODDEP;Departement;P21_POP\n75;Paris;1\n",
	         "pop.csv:1: no column PMUN"},
	        {"REG;DEPT;PMUN\n11;75;1\n", "pop.csv:1: no column CODDEP"},
	        {"CODDEP;PMUN\n75;2133111\n93;12a\n",
	         "pop.csv:3: column PMUN: '12a' is not a population"},
	        {"CODDEP;PMUN\n75;2133111\n2C;1000\n",
	         "pop.csv:3: column CODDEP: '2C' is not a département"},
	        {"CODDEP;PMUN\n99;1000\n",
	         "pop.csv:2: column CODDEP: '99' is not a département"},
	        {"CODDEP;PMUN\n75;0\n",
	         "pop.csv:2: column PMUN: '0' is not a population"},
	        {"CODDEP;PMUN\n75;1\n75;2\n",
	         "pop.csv:3: column CODDEP: 75 is given twice"},
	        {"CODDEP;NOM;PMUN\n75;Paris\n",
	         "pop.csv:2: 2 fields; the header has more"},
	        {"CODDEP;PMUN\n", "pop.csv: no département in the file"},
	        {"CODDEP;PMUN\n75;\"2133111\n", "pop.csv:2"},
	};

	for (size_t i = 0; i < nitems(bad); i++) {
		struct population *p = (void *)1;
		size_t n = 1;
		char err[256] = "";
		int rv = read_text(bad[i].text, &p, &n, err, sizeof err);

		CHECK(rv == -1 && strncmp(err, bad[i].want,
		                          strlen(bad[i].want)) == 0,
		      "case %zu: '%s', want '%s...'", i, err, bad[i].want);
		CHECK(p == NULL && n == 0, "case %zu: nothing kept", i);
	}
}

static void
test_euros(void)
{
	static const struct {
		const char *s;
		uint64_t cents;
	} good[] = {
	        {"190700", 19070000}, {"190 700", 19070000},
	        {"34000,5", 3400050}, {"0.01", 1},
	        {"1 234,56", 123456}, {"1000000000000", EUROS_CENTS_MAX},
	};
	static const char *const bad[] = {
	        "", "12,", "1.234", "abc", "-5", "1,2,3",
	        /* a cent over the most the daemon takes */
	        "1000000000000,01"};
	uint64_t c;

	for (size_t i = 0; i < nitems(good); i++)
		CHECK(euros_parse(good[i].s, &c) == 0 && c == good[i].cents,
		      "'%s': %llu cents", good[i].s, (unsigned long long)c);
	for (size_t i = 0; i < nitems(bad); i++)
		CHECK(euros_parse(bad[i], &c) != 0, "'%s' refused", bad[i]);
}

/* admin budget's refusals say euros as typed, never cents (issue 14) */
static void
test_budget_check(void)
{
	const struct budget_share over[] = {{"Ville de Paris", 17070000},
	                                    {"CAF", 2000050}};
	const struct budget_share twice[] = {{"CAF", 100}, {"CAF", 200}};
	char err[512];

	words_set_french(false);
	CHECK_TRUE(budget_check(19070000, over, 1, err, sizeof err) == 0);
	CHECK_TRUE(budget_check(19070000, over, 2, err, sizeof err) != 0);
	CHECK(strcmp(err, "--funder: the funders' shares add up to "
	                  "190,700.50\u00a0€, more than the budget (--total "
	                  "190,700.00\u00a0€); each share is a part of the "
	                  "total") == 0,
	      "over, English: %s", err);
	CHECK(strstr(err, "cents") == NULL && strstr(err, "19070000") == NULL,
	      "no cents: %s", err);
	CHECK_TRUE(budget_check(19070000, twice, 2, err, sizeof err) != 0);
	CHECK(strstr(err, "'CAF' is given twice") != NULL, "twice: %s", err);
	words_set_french(true);
	CHECK_TRUE(budget_check(19070000, over, 2, err, sizeof err) != 0);
	CHECK(strstr(err, "190\u00a0700,50\u00a0€") != NULL &&
	              strstr(err, "190\u00a0700,00\u00a0€") != NULL,
	      "over, French typography: %s", err);
	words_set_french(false);
}

static void
test_arithmetic(void)
{
	/* 19,070,000 cents / 4,000 = 4,767.5: half up */
	CHECK_TRUE(ann_div_half_up(19070000, 4000) == 4768);
	CHECK_TRUE(ann_div_half_up(19069999, 4000) == 4767);
	CHECK_TRUE(ann_div_half_up(3400000, 4000) == 850);
	CHECK_TRUE(ann_div_half_up(1, 2) == 1);
	CHECK_TRUE(ann_div_half_up(1, 3) == 0);
	CHECK_TRUE(ann_div_half_up(5, 0) == 0);
	CHECK_TRUE(ann_div_half_up(UINT64_MAX, UINT64_MAX) == 1);
}

int
main(void)
{
	test_good();
	test_bad();
	test_euros();
	test_budget_check();
	test_arithmetic();
	return unit_finish();
}
