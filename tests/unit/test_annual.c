/* test_annual.c: the annual report's figures from counts: rounding half
 * up at the shown precision, competition ranks with ties, the change from
 * the year before, service hours, durations, splits withheld when their
 * base is hidden, and the sentences in English and French. Expected values
 * are worked out by hand in the comments. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "annual.h"
#include "parse.h"
#include "report-format.h"
#include "unit.h"

/* ------------------------------------------------ building results */

/* A result from "key", count pairs; a count of -1 is a hidden row. */
static Callsheet__QueryResult *
result(const char *dim, long long total, ...)
{
	Callsheet__QueryResult *r = xcalloc(1, sizeof *r);
	va_list ap;
	const char *key;

	callsheet__query_result__init(r);
	r->total = total < 0 ? 0 : (uint64_t)total;
	r->has_total_suppressed = total < 0;
	r->total_suppressed = total < 0;
	if (dim != NULL) {
		r->n_group_by = 1;
		r->group_by = xcalloc(1, sizeof *r->group_by);
		r->group_by[0] = xstrdup(dim);
	}
	va_start(ap, total);
	while ((key = va_arg(ap, const char *)) != NULL) {
		long long n = va_arg(ap, long long);
		Callsheet__Row *row = xcalloc(1, sizeof *row);

		callsheet__row__init(row);
		row->n_keys = 1;
		row->keys = xcalloc(1, sizeof *row->keys);
		row->keys[0] = xstrdup(key);
		row->count = n < 0 ? 0 : (uint64_t)n;
		row->has_suppressed = row->suppressed = n < 0;
		r->rows =
		        xreallocarray(r->rows, r->n_rows + 1, sizeof *r->rows);
		r->rows[r->n_rows++] = row;
	}
	va_end(ap);
	return r;
}

static void
results_free(Callsheet__QueryResult *r[AQ_N])
{
	for (size_t i = 0; i < AQ_N; i++)
		if (r[i] != NULL)
			callsheet__query_result__free_unpacked(r[i], NULL);
}

static struct labels *
test_labels(void)
{
	static const char *const e[][3] = {
	        {"department", "75", "Paris"},
	        {"department", "93", "Seine-Saint-Denis"},
	        {"department", "94", "Val-de-Marne"},
	        {"department", "92", "Hauts-de-Seine"},
	        {"department", "95", "Val-d'Oise"},
	        {"department", "99", "Abroad"},
	        {"caller", "individual", "Individual"},
	        {"caller", "professional", "Professional"},
	};
	Callsheet__Taxonomy t = CALLSHEET__TAXONOMY__INIT;
	Callsheet__TaxonomyEntry ent[nitems(e)], *ep[nitems(e)];
	struct labels *l;

	for (size_t i = 0; i < nitems(e); i++) {
		callsheet__taxonomy_entry__init(&ent[i]);
		ent[i].dimension = (char *)e[i][0];
		ent[i].code = (char *)e[i][1];
		ent[i].label = (char *)e[i][2];
		ep[i] = &ent[i];
	}
	t.entries = ep;
	t.n_entries = nitems(e);
	l = labels_new(&t);
	return l;
}

/* ----------------------------------------------------- arithmetic */

static void
test_pct(void)
{
	/* 1 / 4000 = 0.025 %: half-way at two decimals, up to 0.03 */
	CHECK(ann_pct(1, 4000, 2) == 3, "1/4000 at 2 decimals: %llu",
	      (unsigned long long)ann_pct(1, 4000, 2));
	/* 1 / 400 = 0.25 %: 0.3 at one decimal (not 0.2, banker's) */
	CHECK(ann_pct(1, 400, 1) == 3, "1/400");
	CHECK(ann_pct(3, 400, 1) == 8, "3/400 = 0.75 -> 0.8");
	CHECK(ann_pct(2, 3, 1) == 667, "2/3 = 66.66.. -> 66.7");
	CHECK(ann_pct(1, 3, 1) == 333, "1/3 -> 33.3");
	CHECK(ann_pct(1, 16, 1) == 63, "6.25 -> 6.3");
	CHECK(ann_pct(682, 6461, 2) == 1056, "the design's Paris: 10.56 (%llu)",
	      (unsigned long long)ann_pct(682, 6461, 2));
	CHECK(ann_pct(5, 5, 1) == 1000, "all: 100.0");
	CHECK(ann_pct(0, 0, 1) == 0, "no base: 0");
	CHECK(ann_pct(1, 7, 0) == 14, "no decimals: 14.28 -> 14");
	CHECK(pct_tenths(1, 8) == ann_pct(1, 8, 1), "the same rounding");
}

static void
test_change(void)
{
	CHECK(ann_change_pct(4000, 3200, 1) == 250, "+25.0");
	CHECK(ann_change_pct(3200, 4000, 1) == -200, "-20.0");
	/* 1/400 = 0.25 %, up in magnitude both ways */
	CHECK(ann_change_pct(401, 400, 1) == 3, "+0.3");
	CHECK(ann_change_pct(399, 400, 1) == -3, "-0.3 (magnitude half up)");
	CHECK(ann_change_pct(400, 400, 1) == 0, "no change");
}

static void
test_rank(void)
{
	/* 700 520 400 300 300 180 | unknown, abroad, none, hidden: unranked */
	struct ann_item it[] = {
	        {.code = "93", .n = 700},      {.code = "94", .n = 520},
	        {.code = "75", .n = 400},      {.code = "92", .n = 300},
	        {.code = "95", .n = 300},      {.code = "91", .n = 180},
	        {.code = "unknown", .n = 900}, {.code = "99", .n = 40},
	        {.code = "", .n = 3},          {.code = "13", .hidden = true},
	};
	unsigned want[] = {1, 2, 3, 4, 4, 6, 0, 0, 0, 0};

	ann_rank(it, nitems(it));
	for (size_t i = 0; i < nitems(it); i++)
		CHECK(it[i].rank == want[i], "%s: rank %u, want %u", it[i].code,
		      it[i].rank, want[i]);
	/* all tied */
	struct ann_item t3[] = {{.code = "01", .n = 5},
	                        {.code = "02", .n = 5},
	                        {.code = "03", .n = 5}};

	ann_rank(t3, 3);
	CHECK(t3[0].rank == 1 && t3[1].rank == 1 && t3[2].rank == 1,
	      "three tied share rank 1");
}

static void
test_service_hours(void)
{
	struct service_hours h;
	char err[256];

	CHECK(service_hours_parse("mon-fri 9-13,14-16", &h, err, sizeof err) ==
	              0,
	      "the default: %s", err);
	CHECK(h.on[0][9] && h.on[4][15] && h.on[2][12], "inside");
	CHECK(!h.on[0][13] && !h.on[0][16] && !h.on[0][8] && !h.on[5][10] &&
	              !h.on[6][10],
	      "outside: lunch, after 16, before 9, weekend");
	CHECK(service_hours_parse("mon,wed-thu,sun 0-24", &h, err,
	                          sizeof err) == 0 &&
	              h.on[0][0] && h.on[2][23] && h.on[3][5] && h.on[6][1] &&
	              !h.on[1][10] && !h.on[4][10],
	      "lists and ranges");
	CHECK(service_hours_parse("Mon-Fri 9-13", &h, err, sizeof err) == 0,
	      "day names in any case");
	CHECK(service_hours_parse("mon-fri", &h, err, sizeof err) != 0 &&
	              strstr(err, "mon-fri 9-13,14-16") != NULL,
	      "no hours: the error shows an example (%s)", err);
	CHECK(service_hours_parse("fri-mon 9-13", &h, err, sizeof err) != 0,
	      "a backwards day range");
	CHECK(service_hours_parse("mon 13-9", &h, err, sizeof err) != 0,
	      "a backwards hour range");
	CHECK(service_hours_parse("mon 9-25", &h, err, sizeof err) != 0,
	      "hour 25");
	CHECK(service_hours_parse("mon 9-13,", &h, err, sizeof err) != 0,
	      "a trailing comma");
	CHECK(service_hours_parse("lun 9-13", &h, err, sizeof err) != 0 &&
	              strstr(err, "lun 9-13") != NULL,
	      "an unknown day, named in the error");
}

static const struct ann_period year_2024 = {
        2024, false, {"2025-01-01", "2024-01-01"}, 12, 31};

static void
test_queries(void)
{
	struct ann_queries aq;
	const Callsheet__Query *q;

	annual_queries(&aq, &year_2024, "75");
	q = &aq.q[AQ_TOTAL];
	CHECK(strcmp(q->from, "2024-01-01") == 0 &&
	              strcmp(q->to, "2025-01-01") == 0 &&
	              q->has_duration_stats && q->duration_stats &&
	              q->n_group_by == 0 && q->n_filters == 0,
	      "the year's total, with durations");
	q = &aq.q[AQ_PREVIOUS];
	CHECK(strcmp(q->from, "2023-01-01") == 0 &&
	              strcmp(q->to, "2024-01-01") == 0,
	      "the year before");
	q = &aq.q[AQ_PRO_SECTOR];
	/* one other dimension than the département: what a reporter may
	 * ask; the base is the pro_kind's row public_body */
	CHECK(q->n_filters == 1 &&
	              strcmp(q->filters[0]->dimension, "department") == 0 &&
	              strcmp(q->filters[0]->value, "75") == 0 &&
	              strcmp(q->group_by[0], "pro_sector") == 0,
	      "the focus, by sector");
	q = &aq.q[AQ_DEPARTMENTS];
	CHECK(q->n_filters == 0, "départements: not filtered on the focus");
	q = &aq.q[AQ_GRID];
	CHECK(q->n_group_by == 2 && strcmp(q->group_by[1], "hour") == 0,
	      "weekday x hour");
	annual_queries(&aq, &year_2024, NULL);
	CHECK(aq.q[AQ_CALLER].n_filters == 0 && aq.q[AQ_ORIGIN].n_filters == 0,
	      "without a focus, no filter");
}

/* ------------------------------------------------------- figures */

static Callsheet__QueryResult *
grid_result(void)
{
	/* Monday 10h: 30, Monday 13h: 5, Saturday 10h: 2 hidden, Tuesday
	 * 9h: 3 hidden; total 40 */
	Callsheet__QueryResult *r = result(NULL, 40, NULL);
	static const char *const cells[][3] = {{"1", "10", "30"},
	                                       {"1", "13", "5"},
	                                       {"6", "10", "-1"},
	                                       {"2", "9", "-1"}};

	r->n_group_by = 2;
	r->group_by = xcalloc(2, sizeof *r->group_by);
	r->group_by[0] = xstrdup("weekday");
	r->group_by[1] = xstrdup("hour");
	for (size_t i = 0; i < nitems(cells); i++) {
		Callsheet__Row *row = xcalloc(1, sizeof *row);
		long n = atol(cells[i][2]);

		callsheet__row__init(row);
		row->n_keys = 2;
		row->keys = xcalloc(2, sizeof *row->keys);
		row->keys[0] = xstrdup(cells[i][0]);
		row->keys[1] = xstrdup(cells[i][1]);
		row->count = n < 0 ? 0 : (uint64_t)n;
		row->has_suppressed = row->suppressed = n < 0;
		r->rows =
		        xreallocarray(r->rows, r->n_rows + 1, sizeof *r->rows);
		r->rows[r->n_rows++] = row;
	}
	return r;
}

static void
fill(Callsheet__QueryResult *r[AQ_N], bool hide_focus)
{
	memset(r, 0, AQ_N * sizeof *r);
	r[AQ_TOTAL] = result(NULL, 2000, NULL);
	r[AQ_TOTAL]->duration = xcalloc(1, sizeof *r[AQ_TOTAL]->duration);
	callsheet__duration_stats__init(r[AQ_TOTAL]->duration);
	/* mean 2001 / 2 = 1000.5 -> 1001; median (100 + 101) / 2 -> 101 */
	r[AQ_TOTAL]->duration->count = 2;
	r[AQ_TOTAL]->duration->sum_s = 2001;
	r[AQ_TOTAL]->duration->median_low_s = 100;
	r[AQ_TOTAL]->duration->median_high_s = 101;
	r[AQ_PREVIOUS] = result(NULL, 1999, NULL);
	r[AQ_CALL_TYPES] = result("call_type", 2100, "consultation", 2000LL,
	                          "silent", 99LL, "test", 1LL, NULL);
	/* 93 700, 94 520, then 75 and 92 tied at 300, 95 300 as well */
	r[AQ_DEPARTMENTS] =
	        result("department", 2300, "93", 700LL, "94", 520LL, "92",
	               300LL, "95", 300LL, "75", hide_focus ? -1LL : 300LL,
	               "99", 40LL, "13", hide_focus ? -1LL : 140LL, NULL);
	r[AQ_CALLER] = result("caller", 300, "individual", 200LL,
	                      "professional", -1LL, NULL);
	r[AQ_PRO_KIND] = result("pro_kind", 100, "public_body", 70LL,
	                        "association", 30LL, NULL);
	r[AQ_PRO_SECTOR] = result("pro_sector", 70, "other_public", 70LL, NULL);
	r[AQ_HOUSEHOLD] =
	        result("household", 200, "man", 1LL, "woman", 199LL, NULL);
	r[AQ_ORIGIN] = result("origin", 200, "africa", 200LL, NULL);
	r[AQ_TOPIC] =
	        result("topic", 300, "residence", 250LL, "work", 150LL, NULL);
	r[AQ_MONTHS] = result("month", 2000, "2024-03", 1500LL, "2024-12", -1LL,
	                      "2024-01", 499LL, NULL);
	r[AQ_GRID] = grid_result();
	r[AQ_JURISTS] = result("jurist", 2000, "j1", 1200LL, "j2", 800LL, NULL);
	r[AQ_JURISTS]->min_cell = 3;
	r[AQ_JURISTS]->suppressed_cells = 4;
}

static const struct ann_item *
item(const struct ann_breakdown *b, const char *code)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->items[i].code, code) == 0)
			return &b->items[i];
	return NULL;
}

/* The results of fill(), the labels and the default service hours. */
struct fixture {
	Callsheet__QueryResult *r[AQ_N];
	struct labels *l;
	struct service_hours h;
};

static void
fx_init(struct fixture *fx, bool hide_focus)
{
	char err[128];

	fx->l = test_labels();
	service_hours_parse(ANN_SERVICE_DEFAULT, &fx->h, err, sizeof err);
	fill(fx->r, hide_focus);
}

static void
fx_compute(struct fixture *fx, struct annual *a, const char *focus)
{
	annual_compute(a, &year_2024, focus,
	               (const Callsheet__QueryResult **)fx->r, fx->l, &fx->h);
}

static void
fx_free(struct fixture *fx)
{
	results_free(fx->r);
	labels_free(fx->l);
}

static void
test_compute(void)
{
	struct fixture fx;
	struct annual a;
	const struct ann_item *it;

	fx_init(&fx, false);
	fx_compute(&fx, &a, "75");
	CHECK(a.consultations == 2000 && a.previous == 1999 && a.has_change &&
	              a.change == 1,
	      "the change is +1");
	/* 1 / 1999 = 0.05002 % -> 0.1 */
	CHECK(a.has_change_pct && a.change_pct == 1, "+0.1 %% (got %lld)",
	      (long long)a.change_pct);
	CHECK(a.other.n == 2 && a.other.base == 2100 &&
	              item(&a.other, "consultation") == NULL,
	      "other calls: consultations left out, base all calls");
	CHECK((it = item(&a.other, "silent")) && it->pct == 47,
	      "99 / 2100 = 4.71 -> 4.7");
	/* ranks: 93 1, 94 2, 75/92/95 3, 13 6; abroad unranked */
	CHECK(item(&a.departments, "75")->rank == 3 &&
	              item(&a.departments, "92")->rank == 3 &&
	              item(&a.departments, "13")->rank == 6 &&
	              item(&a.departments, "99")->rank == 0,
	      "competition ranks");
	CHECK(strcmp(a.departments.items[2].code, "75") == 0 &&
	              strcmp(a.departments.items[3].code, "92") == 0,
	      "ties listed by code");
	CHECK(a.focus.rank == 3 && a.focus.rank_exact && a.focus.nahead == 2 &&
	              a.focus.ntied == 2 && a.focus.pct == 1304,
	      "focus: 3rd, behind two, tied with two, 300 / 2300 = 13.04 %%");
	/* the caller split hides professionals: their splits are withheld */
	CHECK(a.caller.shown && !a.pro_kind.shown && !a.pro_sector.shown,
	      "pro splits withheld: their base is a hidden count");
	CHECK(a.household.shown && a.origin.shown, "individuals shown");
	CHECK((it = item(&a.household, "man")) && it->pct == 5,
	      "1 / 200 = 0.5 %%");
	CHECK(a.topic.multi && item(&a.topic, "residence")->pct == 833,
	      "topics: 250 / 300 = 83.3 %%, a call once per topic");
	CHECK(a.months.n == 12 && a.months.items[1].n == 0 &&
	              !a.months.items[1].hidden && a.months.items[11].hidden &&
	              a.months.items[2].n == 1500,
	      "twelve months, zeros filled, hidden kept");
	/* grid: shown in 30, shown out 5, hidden in (Tue 9h) and out (Sat):
	 * the split is unknown */
	CHECK(!a.grid.split_known && a.grid.nhidden == 2 && a.grid.max == 30,
	      "hidden counts on both sides: no split");
	CHECK(a.duration.shown && a.duration.mean_s == 1001 &&
	              a.duration.median_s == 101,
	      "mean 1000.5 -> 1001, median 100.5 -> 101");
	CHECK(a.min_cell == 3 && a.suppressed == 4, "disclosure totals");
	annual_free(&a);

	/* without the Saturday's hidden count, the split is known: in = 40
	 * - 5 (the only shown count outside) */
	fx.r[AQ_GRID]->rows[2]->has_suppressed = false;
	fx.r[AQ_GRID]->rows[2]->suppressed = false;
	fx.r[AQ_GRID]->rows[2]->count = 2;
	fx_compute(&fx, &a, "75");
	CHECK(a.grid.split_known && a.grid.in == 33 && a.grid.out == 7 &&
	              a.grid.pct_in == 825 && a.grid.pct_out == 175,
	      "in 33 (82.5 %%), out 7 (17.5 %%): got %llu, %llu",
	      (unsigned long long)a.grid.in, (unsigned long long)a.grid.out);
	annual_free(&a);
	fx_free(&fx);

	/* a hidden focus: no rank, and every split withheld */
	fx_init(&fx, true);
	fx_compute(&fx, &a, "75");
	CHECK(a.focus.hidden && a.focus.rank == 0, "hidden focus: no rank");
	CHECK(!a.caller.shown && !a.topic.shown && !a.household.shown,
	      "its splits withheld");
	CHECK(item(&a.departments, "93")->rank == 1 &&
	              item(&a.departments, "13") != NULL &&
	              item(&a.departments, "13")->rank == 0,
	      "hidden counts are not ranked");
	annual_free(&a);
	/* 92 as the focus: hidden counts (75 and 13: 440 together) might be
	 * above it, so its rank is among those shown */
	fx_compute(&fx, &a, "92");
	CHECK(a.focus.rank == 3 && !a.focus.rank_exact && a.focus.ntied == 1,
	      "92: 3rd among those shown, tied with 95");
	annual_free(&a);
	fx_free(&fx);
}

/* ---------------------------------------------------------- words */

static void
check_text(const char *got, const char *want, int line)
{
	CHECK(strcmp(got, want) == 0, "line %d:\n got  [%s]\n want [%s]", line,
	      got, want);
}

static void
test_words(void)
{
	struct fixture fx;
	struct annual a;
	struct strbuf sb = {0};

	fx_init(&fx, false);
	fx_compute(&fx, &a, "75");
	words_set_french(false);
	words_focus(&sb, &a);
	check_text(sb.buf,
	           "Paris (75): 300 consultations, 13.04\xc2\xa0% of all 2,300 "
	           "consultations, "
	           "ranked 3, tied with Hauts-de-Seine (92) and Val-d'Oise "
	           "(95), behind Seine-Saint-Denis (93) and Val-de-Marne (94).",
	           __LINE__);
	sb_reset(&sb);
	words_consultations(&sb, &a);
	check_text(sb.buf,
	           "Consultations in 2024: 2,000 (2023: 1,999; change +1, "
	           "+0.1\xc2\xa0%).",
	           __LINE__);
	/* a year before the service logged here: no "(2023: 0)" */
	{
		struct annual b = a;

		b.previous = 0;
		b.has_change_pct = false;
		sb_reset(&sb);
		words_consultations(&sb, &b);
		check_text(sb.buf,
		           "Consultations in 2024: 2,000 (none recorded in "
		           "2023).",
		           __LINE__);
		words_set_french(true);
		sb_reset(&sb);
		words_consultations(&sb, &b);
		check_text(sb.buf,
		           "Consultations en 2024 : 2\xc2\xa0"
		           "000 (aucune enregistr\xc3\xa9"
		           "e en 2023).",
		           __LINE__);
		words_set_french(false);
	}
	sb_reset(&sb);
	words_base(&sb, &a, &a.household);
	check_text(sb.buf, "of 200 consultations by individuals, Paris (75)",
	           __LINE__);
	sb_reset(&sb);
	words_duration(&sb, 3725);
	check_text(sb.buf,
	           "1\xc2\xa0h\xc2\xa0"
	           "02\xc2\xa0min\xc2\xa0"
	           "05\xc2\xa0s",
	           __LINE__);

	words_set_french(true);
	sb_reset(&sb);
	words_focus(&sb, &a);
	check_text(sb.buf,
	           "Paris (75) : 300 consultations, 13,04\xc2\xa0% de "
	           "l\xe2\x80\x99"
	           "ensemble des "
	           "2\xc2\xa0"
	           "300 consultations, au 3e rang, ex aequo avec "
	           "Hauts-de-Seine (92) et Val-d'Oise (95), derrière "
	           "Seine-Saint-Denis (93) et Val-de-Marne (94).",
	           __LINE__);
	sb_reset(&sb);
	words_count(&sb, 1234567);
	check_text(sb.buf,
	           "1\xc2\xa0"
	           "234\xc2\xa0"
	           "567",
	           __LINE__);
	sb_reset(&sb);
	words_pct_signed(&sb, -25, 1);
	check_text(sb.buf,
	           "\xe2\x88\x92"
	           "2,5\xc2\xa0%",
	           __LINE__);
	CHECK(strcmp(words_month(8), "août") == 0, "French months");
	words_set_french(false);
	sb_reset(&sb);
	words_count(&sb, 1234567);
	check_text(sb.buf, "1,234,567", __LINE__);
	annual_free(&a);

	/* the focus far down: three named, then how many more */
	fx_compute(&fx, &a, "13");
	sb_reset(&sb);
	words_focus(&sb, &a);
	CHECK(strstr(sb.buf, "ranked 6, behind Seine-Saint-Denis (93), "
	                     "Val-de-Marne (94), Paris (75) and 2 "
	                     "others.") != NULL,
	      "got [%s]", sb.buf);
	annual_free(&a);
	sb_free(&sb);
	fx_free(&fx);
}

/* Every renderer runs, and the HTML's SVG elements are balanced. */
static void
test_render(void)
{
	struct fixture fx;
	struct annual a;
	struct strbuf sb = {0};
	size_t open = 0, close = 0;

	fx_init(&fx, false);
	fx_compute(&fx, &a, "75");
	annual_html(&sb, &a);
	for (const char *p = sb.buf; (p = strstr(p, "<svg")) != NULL; p++)
		open++;
	for (const char *p = sb.buf; (p = strstr(p, "</svg>")) != NULL; p++)
		close++;
	/* other calls, départements, caller, household, origin, topics,
	 * jurists (bars), months (line), weekday x hour (heat map); the
	 * professional splits are withheld */
	CHECK(open == 9 && close == 9, "9 charts (got %zu, %zu)", open, close);
	CHECK(strstr(sb.buf, "http://") == NULL ||
	              strstr(sb.buf, "src=") == NULL,
	      "no external resource");
	sb_reset(&sb);
	annual_json(&sb, &a);
	CHECK(strstr(sb.buf, "\"rank\":3,\"rank_exact\":true") != NULL,
	      "JSON: the focus's rank");
	CHECK(strstr(sb.buf, "\"change_percent\":0.1") != NULL,
	      "JSON: the change");
	sb_reset(&sb);
	annual_text(&sb, &a);
	CHECK(strstr(sb.buf, "Not shown") != NULL, "text: withheld splits");
	sb_reset(&sb);
	annual_md(&sb, &a);
	CHECK(strstr(sb.buf, "| 3 | Paris (75) | 300 | 13.04\xc2\xa0% |") !=
	              NULL,
	      "md: the focus's row");
	annual_free(&a);
	sb_free(&sb);
	fx_free(&fx);
}

static void
test_previous_period(void)
{
	struct period p, q;
	struct date a = {2024, 2, 29}, b = {2024, 2, 29};
	char f[DATE_STRLEN], t[DATE_STRLEN];

	period_year(&p, 2024);
	period_previous_year(&p, &q);
	date_format(&q.from, f);
	date_format(&q.to, t);
	CHECK(strcmp(f, "2023-01-01") == 0 && strcmp(t, "2024-01-01") == 0,
	      "a year: %s %s", f, t);
	period_days(&p, &a, &b);
	period_previous_year(&p, &q);
	date_format(&q.from, f);
	date_format(&q.to, t);
	CHECK(strcmp(f, "2023-02-28") == 0 && strcmp(t, "2023-03-01") == 0,
	      "29 February: %s %s", f, t);
	a.d = 1;
	b.d = 28;
	period_days(&p, &a, &b);
	period_previous_year(&p, &q);
	date_format(&q.to, t);
	CHECK(strcmp(t, "2023-03-01") == 0, "to 28 February: %s", t);
	period_month(&p, 2024, 12);
	period_previous_year(&p, &q);
	date_format(&q.from, f);
	date_format(&q.to, t);
	CHECK(strcmp(f, "2023-12-01") == 0 && strcmp(t, "2024-01-01") == 0,
	      "December: %s %s", f, t);
}

int
main(void)
{
	test_pct();
	test_change();
	test_rank();
	test_service_hours();
	test_queries();
	test_compute();
	test_words();
	test_render();
	test_previous_period();
	return unit_finish();
}
