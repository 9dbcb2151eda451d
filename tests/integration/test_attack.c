/* test_attack.c: a determined reporter against the cell-key method. Over
 * some 400 hidden cells (a département's asylum calls in one month: 1 or
 * 2 sheets, as a coin decided), two reporter accounts try every route
 * known to recover a hidden count: the two-query OR difference, period
 * differences, the margins of a cross table, the counts and sums of the
 * call durations, and asking again. Each route ends in a guess of 1 or 2;
 * the test measures how often each is right and fails if any does clearly
 * better than chance (always guessing the more frequent of 1 and 2, as if
 * the attacker knew it), or if a single call's duration can be read.
 * On a daemon that answers exactly above a minimum cell size, the OR
 * difference alone is right every time. Then: the same query twice gives
 * the same answer, a zero stays zero, admins and jurists see exact counts.
 * The rates are printed, and docs/SECURITY.md quotes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define NMAX      512        /* target cells */
#define FROM_2025 1735689600 /* 2025-01-01T00:00:00Z */
/* a route clearly better than chance fails the test: 400 guesses stray
 * from their expected rate by 2.5 points (one standard deviation), and
 * the best route's expected advantage is about 5 points (SECURITY.md) */
#define CHANCE_MARGIN 0.15

static struct th_daemon d;
static char *conninfo;

static const char *const months[] = {
        "2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01",
        "2025-06-01", "2025-07-01", "2025-08-01", "2025-09-01", "2025-10-01",
        "2025-11-01", "2025-12-01", "2026-01-01"};
static const char *const others[] = {"entry", "residence", "family", "work"};
#define PARTNER "75"

struct target {
	const char *dept;
	int month;         /* a quarter's last, from 0: 2, 5, 8, 11 */
	int n;             /* the hidden count: 1 or 2 */
	uint32_t duration; /* its first sheet's, as stored */
};

static struct target targets[NMAX];
static size_t ntargets;
static unsigned seed = 16;

/* ----------------------------------------------------------- the data */

static Callsheet__Sheet *sheets;
static uint8_t (*ids)[CS_UUID_LEN];
static char **topic_of;
static size_t nsheets, cap;

static uint32_t
add_sheet(const char *dept, const char *topic, int month)
{
	Callsheet__Sheet *s;
	int day = (int)th_pick(&seed, 27), hour = 9 + (int)th_pick(&seed, 8);
	/* whole 5 minutes: what is stored (anonymize.c) */
	uint32_t duration = 300 * (1 + th_pick(&seed, 12));
	struct tm tm = {.tm_year = 125,
	                .tm_mon = month,
	                .tm_mday = 1 + day,
	                .tm_hour = hour,
	                .tm_min = (int)th_pick(&seed, 60)};

	if (nsheets == cap) {
		cap = cap ? 2 * cap : 1024;
		sheets = realloc(sheets, cap * sizeof *sheets);
		ids = realloc(ids, cap * sizeof *ids);
		topic_of = realloc(topic_of, cap * sizeof *topic_of);
		if (sheets == NULL || ids == NULL || topic_of == NULL)
			th_die("out of memory");
	}
	s = &sheets[nsheets];
	th_sheet_init(s, ids[nsheets]);
	/* Paris is UTC + 1 or + 2: the same day, hour 7 to 15 */
	s->call_start = (int64_t)timegm(&tm) - 7200;
	s->department = (char *)dept;
	s->duration_s = duration;
	topic_of[nsheets] = (char *)topic;
	s->n_topics = 1;
	nsheets++;
	return duration;
}

/* The equality test's data, December 2023: per département A, 3 to 7
 * calls from women (X), and for about half of them 1 or 2 from men (A but
 * not X). */
#define NEQ 80
static const char *eq_dept[NEQ];
static bool eq_men[NEQ]; /* A but not X holds a call */
static size_t neq;

static void
eq_sheet(const char *dept, const char *household)
{
	struct tm tm = {.tm_year = 123,
	                .tm_mon = 11,
	                .tm_mday = 1 + (int)th_pick(&seed, 27),
	                .tm_hour = 10};

	add_sheet(dept, "asylum", 0);
	sheets[nsheets - 1].call_start = (int64_t)timegm(&tm);
	sheets[nsheets - 1].household = (char *)household;
}

static void
make_equality_data(char **depts, size_t ndepts)
{
	for (size_t i = 0; i < ndepts && neq < NEQ; i++) {
		if (strcmp(depts[i], PARTNER) == 0)
			continue;
		eq_dept[neq] = depts[i];
		for (unsigned k = 3 + th_pick(&seed, 5); k > 0; k--)
			eq_sheet(depts[i], "woman");
		if ((eq_men[neq] = th_pick(&seed, 2) == 1))
			for (unsigned k = 1 + th_pick(&seed, 2); k > 0; k--)
				eq_sheet(depts[i], "man");
		neq++;
	}
}

static void
make_data(struct cs_client *jurist, char **depts, size_t ndepts)
{
	struct cs_error err;

	for (size_t i = 0; i < ndepts && ntargets + 4 <= NMAX; i++)
		for (int m = 2; m <= 11; m += 3) {
			struct target *t = &targets[ntargets++];

			t->dept = depts[i];
			t->month = m;
			t->n = 1 + (int)th_pick(&seed, 2);
			t->duration = add_sheet(t->dept, "asylum", m);
			if (t->n == 2)
				add_sheet(t->dept, "asylum", m);
			/* the quarter's other months: shown counts */
			for (int o = m - 2; o < m; o++)
				for (unsigned k = 3 + th_pick(&seed, 6); k > 0;
				     k--)
					add_sheet(t->dept, "asylum", o);
			/* the month's other topics: shown counts */
			for (size_t o = 0; o < 2; o++)
				for (unsigned k = 3 + th_pick(&seed, 5); k > 0;
				     k--)
					add_sheet(t->dept,
					          others[(i + o + (size_t)m) %
					                 nitems(others)],
					          m);
		}
	make_equality_data(depts, ndepts);
	/* the partner of every OR: Paris, many asylum calls a month */
	for (int m = 0; m < 12; m++)
		for (int k = 0; k < 20; k++)
			add_sheet(PARTNER, "asylum", m);
	for (size_t i = 0; i < nsheets; i += 500) {
		size_t n = nsheets - i < 500 ? nsheets - i : 500;
		Callsheet__Sheet **ps = calloc(n, sizeof *ps);
		Callsheet__SheetsLogged *sl;

		/* the arrays have moved since: point into them now */
		for (size_t k = 0; k < n; k++) {
			sheets[i + k].id.data = ids[i + k];
			sheets[i + k].topics = &topic_of[i + k];
			ps[k] = &sheets[i + k];
		}
		if (cs_log_sheets(jurist, ps, n, &sl, &err) != 0)
			th_die("log: %s", err.message);
		if (sl->n_refused > 0)
			th_die("a sheet was refused");
		callsheet__sheets_logged__free_unpacked(sl, NULL);
		free(ps);
	}
}

/* ------------------------------------------------------------ queries */

struct filter {
	const char *dim, *value;
};

/* The answer, or NULL with *code (e.g. FORBIDDEN). */
static Callsheet__QueryResult *
ask(struct cs_client *c, const char *from, const char *to,
    const struct filter *f, size_t nf, const char *by1, const char *by2,
    bool durations, Callsheet__ErrorCode *code)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter fl[4], *fp[4];
	char *group[2] = {(char *)by1, (char *)by2};
	Callsheet__QueryResult *r;
	struct cs_error err;

	q.from = (char *)from;
	q.to = (char *)to;
	for (size_t i = 0; i < nf; i++) {
		callsheet__filter__init(&fl[i]);
		fl[i].dimension = (char *)f[i].dim;
		fl[i].value = (char *)f[i].value;
		fp[i] = &fl[i];
	}
	q.filters = fp;
	q.n_filters = nf;
	q.group_by = group;
	q.n_group_by = by1 == NULL ? 0 : by2 == NULL ? 1 : 2;
	q.has_duration_stats = durations;
	q.duration_stats = durations;
	if (cs_query(c, &q, &r, &err) != 0) {
		if (err.code == CALLSHEET__ERROR_CODE__ERROR_NONE)
			th_die("query: %s", err.message);
		*code = err.code;
		return NULL;
	}
	*code = CALLSHEET__ERROR_CODE__ERROR_NONE;
	return r;
}

/* A total; -1 when refused. */
static long
total(struct cs_client *c, const char *from, const char *to,
      const struct filter *f, size_t nf)
{
	Callsheet__ErrorCode code;
	Callsheet__QueryResult *r =
	        ask(c, from, to, f, nf, NULL, NULL, false, &code);
	long n;

	if (r == NULL)
		return -1;
	n = (long)r->total;
	callsheet__query_result__free_unpacked(r, NULL);
	return n;
}

static long
row_count(const Callsheet__QueryResult *r, const char *k0, const char *k1)
{
	for (size_t i = 0; i < r->n_rows; i++)
		if (strcmp(r->rows[i]->keys[0], k0) == 0 &&
		    (k1 == NULL || strcmp(r->rows[i]->keys[1], k1) == 0))
			return r->rows[i]->suppressed ? 0
			                              : (long)r->rows[i]->count;
	return 0;
}

/* ------------------------------------------------------------- routes */

enum route {
	R_DIRECT,   /* the cell itself */
	R_OR,       /* total(d or d') - total(d') */
	R_PERIOD,   /* the quarter minus its other months (or days) */
	R_MARGIN,   /* row total minus the row's shown cells */
	R_DURATION, /* the durations' counts: the month minus its topics */
	R_REPEAT,   /* asked again, from another account */
	R_ALL,      /* the mean of every estimate */
	R_N
};
static const char *const route_names[R_N] = {
        "the cell itself",     "OR difference",   "period difference",
        "cross-table margins", "duration counts", "asked again",
        "every route together"};

/* A guess from an estimate: the nearer of 1 and 2; none: the prior's
 * guess (1: the coin is fair, either does as well). */
static int
guess(double est, bool have)
{
	return have && est >= 1.5 ? 2 : 1;
}

struct attack {
	unsigned right[R_N], tried[R_N];
	unsigned dur_right, dur_tried; /* a single call's duration */
};

static void
score(struct attack *a, enum route r, int truth, double est, bool have)
{
	a->tried[r]++;
	a->right[r] += guess(est, have) == truth;
}

/* The quarter's first month and the hidden month: on an exact daemon,
 * [quarter start, month) is one query and the difference is exact. */
static bool
route_period(struct cs_client *c, const struct target *t, double *est)
{
	struct filter f[2] = {{"department", t->dept}, {"topic", "asylum"}};
	int q0 = t->month - 2;
	long quarter = total(c, months[q0], months[t->month + 1], f, 2);
	long before = total(c, months[q0], months[t->month], f, 2);
	long m1, m2;

	if (quarter < 0)
		return false;
	if (before >= 0) { /* days or months at will */
		*est = (double)(quarter - before);
		return true;
	}
	m1 = total(c, months[q0], months[q0 + 1], f, 2);
	m2 = total(c, months[q0 + 1], months[q0 + 2], f, 2);
	if (m1 < 0 || m2 < 0)
		return false;
	*est = (double)(quarter - m1 - m2);
	return true;
}

/* dept x topic for the month (asked once a month): d's row total minus
 * its shown other topics. */
static Callsheet__QueryResult *cross[12];

static bool
route_margin(struct cs_client *c, const struct target *t, double *est)
{
	Callsheet__ErrorCode code;
	Callsheet__QueryResult *r = cross[t->month];
	long row = -1, cells = 0;

	if (r == NULL)
		r = cross[t->month] =
		        ask(c, months[t->month], months[t->month + 1], NULL, 0,
		            "department", "topic", false, &code);
	if (r == NULL)
		return false;
	for (size_t i = 0; i < r->n_row_totals; i++)
		if (strcmp(r->row_totals[i]->keys[0], t->dept) == 0 &&
		    !r->row_totals[i]->suppressed)
			row = (long)r->row_totals[i]->count;
	for (size_t o = 0; o < nitems(others); o++)
		cells += row_count(r, t->dept, others[o]);
	if (row < 0)
		return false;
	*est = (double)(row - cells);
	return true;
}

/* The durations of d's month (their count and sum) minus those of each
 * other topic of it: the hidden calls' count, and, for one, its
 * duration. */
static bool
route_duration(struct cs_client *c, const struct target *t, double *est,
               double *seconds)
{
	struct filter f[2] = {{"department", t->dept}, {"topic", NULL}};
	Callsheet__ErrorCode code;
	Callsheet__QueryResult *r =
	        ask(c, months[t->month], months[t->month + 1], f, 1, NULL, NULL,
	            true, &code);
	double n, sum;

	if (r == NULL || r->duration == NULL) {
		if (r != NULL)
			callsheet__query_result__free_unpacked(r, NULL);
		return false;
	}
	n = (double)r->duration->count;
	sum = (double)r->duration->sum_s;
	callsheet__query_result__free_unpacked(r, NULL);
	for (size_t o = 0; o < nitems(others); o++) {
		f[1].value = others[o];
		r = ask(c, months[t->month], months[t->month + 1], f, 2, NULL,
		        NULL, true, &code);
		if (r != NULL && r->duration != NULL) {
			n -= (double)r->duration->count;
			sum -= (double)r->duration->sum_s;
		}
		if (r != NULL)
			callsheet__query_result__free_unpacked(r, NULL);
	}
	*est = n;
	*seconds = sum;
	return true;
}

static void
attack(struct cs_client *rep, struct cs_client *rep2, struct attack *a)
{
	for (size_t i = 0; i < ntargets; i++) {
		const struct target *t = &targets[i];
		const char *from = months[t->month], *to = months[t->month + 1];
		struct filter cell[2] = {{"department", t->dept},
		                         {"topic", "asylum"}};
		struct filter both[3] = {{"department", t->dept},
		                         {"department", PARTNER},
		                         {"topic", "asylum"}};
		double est, sum = 0, secs;
		unsigned nest = 0;
		long direct = total(rep, from, to, cell, 2), x, y;
		bool ok;

		score(a, R_DIRECT, t->n, (double)direct, direct > 0);
		/* asked again, from both accounts: nothing new to average */
		ok = true;
		for (int k = 0; k < 2; k++) {
			ok &= total(rep, from, to, cell, 2) == direct;
			ok &= total(rep2, from, to, cell, 2) == direct;
		}
		CHECK(ok, "%s %s: the same answer every time", t->dept, from);
		score(a, R_REPEAT, t->n, (double)direct, direct > 0);

		x = total(rep, from, to, both, 3);
		y = total(rep, from, to, both + 1, 2);
		ok = x >= 0 && y >= 0;
		est = (double)(x - y);
		score(a, R_OR, t->n, est, ok);
		if (ok) {
			sum += est;
			nest++;
		}
		if ((ok = route_period(rep, t, &est))) {
			sum += est;
			nest++;
		}
		score(a, R_PERIOD, t->n, est, ok);
		if ((ok = route_margin(rep, t, &est))) {
			sum += est;
			nest++;
		}
		score(a, R_MARGIN, t->n, est, ok);
		if ((ok = route_duration(rep, t, &est, &secs))) {
			sum += est;
			nest++;
		}
		score(a, R_DURATION, t->n, est, ok);
		if (t->n == 1) {
			a->dur_tried++;
			a->dur_right += ok && secs > t->duration - 150.0 &&
			                secs < t->duration + 150.0;
		}
		score(a, R_ALL, t->n, nest ? sum / nest : 0, nest > 0);
	}
}

/* ------------------------------------------------------ the other roles */

static void
test_exact_roles(struct cs_client *admin, struct cs_client *jurist)
{
	struct cs_client *who[2] = {admin, jurist};

	for (size_t w = 0; w < 2; w++)
		for (size_t i = 0; i < ntargets; i += 17) {
			const struct target *t = &targets[i];
			struct filter cell[2] = {{"department", t->dept},
			                         {"topic", "asylum"}};

			CHECK(total(who[w], months[t->month],
			            months[t->month + 1], cell, 2) == t->n,
			      "%s sees %s's %d exactly",
			      w ? "the jurist" : "the admin", t->dept, t->n);
		}
}

/* The equality test: total(A) == total(A and X) exactly when A but not X
 * is empty, if the same sheets got the same noise whatever the question.
 * With the description in the cell key, equal answers say nothing. */
static void
test_equality(struct cs_client *rep)
{
	unsigned right = 0, men = 0;
	double rate, chance;

	for (size_t i = 0; i < neq; i++) {
		struct filter a[2] = {{"department", eq_dept[i]},
		                      {"household", "woman"}};
		long all = total(rep, "2023-12-01", "2024-01-01", a, 1),
		     women = total(rep, "2023-12-01", "2024-01-01", a, 2);

		if (all < 0 || women < 0)
			th_die("equality test: a query refused");
		right += (all == women) == !eq_men[i];
		men += eq_men[i];
	}
	rate = (double)right / (double)neq;
	chance = (double)(men > neq - men ? men : neq - men) / (double)neq;
	printf("attack: equality test (A vs A and X): right %u of %zu: "
	       "%5.1f %%, chance %5.1f %% (%+.1f)\n",
	       right, neq, 100 * rate, 100 * chance, 100 * (rate - chance));
	CHECK(rate <= chance + CHANCE_MARGIN,
	      "the equality test tells an empty cell from 1 or 2 no better "
	      "than chance (%.1f %%, chance %.1f %%)",
	      100 * rate, 100 * chance);
}

static void
test_zero(struct cs_client *rep)
{
	struct filter f[2] = {{"department", targets[0].dept},
	                      {"topic", "nationality"}};

	CHECK(total(rep, "2025-01-01", "2026-01-01", f, 2) == 0,
	      "a cell without a sheet reads 0");
	CHECK(total(rep, "2024-01-01", "2025-01-01", NULL, 0) == 0,
	      "a year without a sheet reads 0");
}

/* The same sheets asked for another way get the same noise: a fresh draw
 * for each breakdown of one total would let a reporter average the
 * draws (found from outside: 64 group-by shapes, totals from 3 to 11 for
 * 7 sheets, mean 7.3). A total with and without a breakdown, a row of a
 * breakdown, a cross table's margin and the total filtered on that row's
 * key, a month of a year by month and that month asked alone: one set,
 * one description (cellkey.c), one figure. */
static void
test_one_set_one_figure(struct cs_client *rep)
{
	static const char *const by[] = {"caller", "topic", "household",
	                                 "origin"};
	static const char *const whole[] = {"department", "caller", "topic",
	                                    "weekday",    "hour",   "month"};
	unsigned checked = 0, differ = 0;

	for (size_t m = 0; m < 12; m += 5) {
		long n = total(rep, months[m], months[m + 1], NULL, 0);
		Callsheet__ErrorCode code;
		Callsheet__QueryResult *r;

		for (size_t b = 0; b < nitems(whole); b++) {
			r = ask(rep, months[m], months[m + 1], NULL, 0,
			        whole[b], NULL, false, &code);
			CHECK(r != NULL,
			      "a reporter may break a month down by %s",
			      whole[b]);
			if (r == NULL)
				continue;
			differ += (long)r->total != n;
			checked++;
			callsheet__query_result__free_unpacked(r, NULL);
		}
	}

	for (size_t i = 0; i < ntargets; i += 23) {
		const struct target *t = &targets[i];
		const char *from = months[t->month], *to = months[t->month + 1];
		struct filter f[1] = {{"department", t->dept}};
		Callsheet__ErrorCode code;
		Callsheet__QueryResult *r;
		long n = total(rep, from, to, f, 1), got;
		char month[8];

		if (n < 0)
			th_die("one set, one figure: %s refused", t->dept);
		for (size_t b = 0; b < nitems(by); b++) {
			r = ask(rep, from, to, f, 1, by[b], NULL, false, &code);
			CHECK(r != NULL, "a reporter may break %s down by %s",
			      t->dept, by[b]);
			if (r == NULL)
				continue;
			differ += (long)r->total != n;
			checked++;
			callsheet__query_result__free_unpacked(r, NULL);
		}
		r = ask(rep, from, to, NULL, 0, "department", NULL, false,
		        &code);
		if (r != NULL) {
			differ += row_count(r, t->dept, NULL) != n;
			checked++;
			callsheet__query_result__free_unpacked(r, NULL);
		}
		r = ask(rep, from, to, NULL, 0, "department", "caller", false,
		        &code);
		if (r != NULL) {
			got = 0;
			for (size_t k = 0; k < r->n_row_totals; k++)
				if (strcmp(r->row_totals[k]->keys[0],
				           t->dept) == 0)
					got = (long)r->row_totals[k]->count;
			differ += got != n;
			checked++;
			callsheet__query_result__free_unpacked(r, NULL);
		}
		r = ask(rep, "2025-01-01", "2026-01-01", f, 1, "month", NULL,
		        false, &code);
		if (r != NULL) {
			snprintf(month, sizeof month, "%.7s", from);
			differ += row_count(r, month, NULL) != n;
			checked++;
			callsheet__query_result__free_unpacked(r, NULL);
		}
	}
	printf("attack: one set asked %u other ways: %u other figures\n",
	       checked, differ);
	CHECK(checked > 0 && differ == 0,
	      "one set of sheets, however asked, reads one figure (%u of %u "
	      "differ)",
	      differ, checked);
}

static char **
departments(struct cs_client *c, size_t *n)
{
	Callsheet__Taxonomy *tax;
	struct cs_error err;
	char **out;

	if (cs_get_taxonomy(c, &tax, &err) != 0)
		th_die("taxonomy: %s", err.message);
	out = calloc(tax->n_entries + 1, sizeof *out);
	*n = 0;
	for (size_t i = 0; i < tax->n_entries; i++) {
		const Callsheet__TaxonomyEntry *e = tax->entries[i];

		if (strcmp(e->dimension, "department") == 0 && !e->retired &&
		    strcmp(e->code, "unknown") != 0 &&
		    strcmp(e->code, PARTNER) != 0 && *n < NMAX / 4)
			out[(*n)++] = strdup(e->code);
	}
	callsheet__taxonomy__free_unpacked(tax, NULL);
	return out;
}

/* Reporters read closed periods only, as published. */
static void
close_period(struct cs_client *admin, const char *from, const char *to)
{
	Callsheet__ClosePeriod cp = CALLSHEET__CLOSE_PERIOD__INIT;
	Callsheet__PeriodClosed *pc;
	struct cs_error err;

	cp.from = (char *)from;
	cp.to = (char *)to;
	if (cs_close_period(admin, &cp, &pc, &err) != 0)
		th_die("close %s: %s", from, err.message);
	protobuf_c_message_free_unpacked(&pc->base, NULL);
}

int
main(void)
{
	struct cs_client *admin, *jurist, *rep, *rep2;
	struct attack a = {0};
	char **depts;
	size_t ndepts, twos = 0;
	double chance;
	bool beaten = false;

	conninfo = th_createdb("t_attack");
	th_migrate(conninfo);
	th_create_user(conninfo, "admin", "admin", "secret");
	th_create_user(conninfo, "j1", "jurist", "secret");
	th_create_user(conninfo, "rep", "reporter", "secret");
	th_create_user(conninfo, "rep2", "reporter", "secret");
	th_daemon_start(&d, conninfo, NULL);
	admin = th_connect(&d, "admin", "secret");
	jurist = th_connect(&d, "j1", "secret");
	rep = th_connect(&d, "rep", "secret");
	rep2 = th_connect(&d, "rep2", "secret");
	depts = departments(admin, &ndepts);
	make_data(jurist, depts, ndepts);
	close_period(admin, "2023-01-01", "2024-01-01");
	close_period(admin, "2024-01-01", "2025-01-01");
	close_period(admin, "2025-01-01", "2026-01-01");
	printf("%zu hidden cells, %zu sheets\n", ntargets, nsheets);

	attack(rep, rep2, &a);
	for (size_t i = 0; i < ntargets; i++)
		twos += targets[i].n == 2;
	chance = (double)(twos > ntargets - twos ? twos : ntargets - twos) /
	         (double)ntargets;
	printf("attack: chance (always the more frequent): %5.1f %%\n",
	       100 * chance);
	for (int r = 0; r < R_N; r++) {
		double rate = a.tried[r] ? (double)a.right[r] / a.tried[r] : 0;

		printf("attack: %-22s right %3u of %3u: %5.1f %% (%+.1f)\n",
		       route_names[r], a.right[r], a.tried[r], 100 * rate,
		       100 * (rate - chance));
		beaten |= rate > chance + CHANCE_MARGIN;
		CHECK(rate <= chance + CHANCE_MARGIN,
		      "%s recovers hidden counts no better than chance "
		      "(%.1f %%, chance %.1f %%)",
		      route_names[r], 100 * rate, 100 * chance);
	}
	for (size_t m = 0; m < nitems(cross); m++)
		if (cross[m] != NULL)
			callsheet__query_result__free_unpacked(cross[m], NULL);
	printf("attack: a single call's duration within 150 s: %u of %u\n",
	       a.dur_right, a.dur_tried);
	CHECK(a.dur_right * 4 <= a.dur_tried,
	      "a single call's duration is not read from the sums (%u of %u)",
	      a.dur_right, a.dur_tried);
	if (beaten)
		printf("attack: the reporter recovered hidden counts\n");

	test_exact_roles(admin, jurist);
	test_zero(rep);
	test_equality(rep);
	test_one_set_one_figure(rep);
	cs_close(admin);
	cs_close(jurist);
	cs_close(rep);
	cs_close(rep2);
	for (size_t i = 0; i < ndepts; i++)
		free(depts[i]);
	free(depts);
	free(sheets);
	free(ids);
	free(topic_of);
	CHECK(th_daemon_stop(&d) == 0, "the daemon exits 0");
	free(conninfo);
	return th_finish();
}
