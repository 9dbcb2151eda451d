/* test_query_duration.c: the duration statistics a query may ask for: the
 * histogram SQL beside the others, and the exact count, sum and middle
 * values computed from it. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

static struct tax_entry entries[] = {
        {1, DIM_CALL_TYPE, "consultation", "", "", -1, false, 0, 0},
        {10, DIM_DEPARTMENT, "75", "", "", -1, false, 0, 0},
        {20, DIM_CALLER, "individual", "", "", -1, false, 0, 0},
};
static struct taxonomy tax = {.version = 1,
                              .timezone = "Europe/Paris",
                              .entries = entries,
                              .n = nitems(entries)};

/* The SQL of a query over 2024 (whole months: the rollup may answer),
 * with one filter or none. */
static void
build(bool durations, const char *dim, const char *value, bool rollup,
      struct query_sql *qs)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f = CALLSHEET__FILTER__INIT, *fp = &f;
	struct qplan p;
	struct field_error fe;

	q.from = "2024-01-01";
	q.to = "2025-01-01";
	q.has_duration_stats = durations;
	q.duration_stats = durations;
	if (dim != NULL) {
		f.dimension = (char *)dim;
		f.value = (char *)value;
		q.filters = &fp;
		q.n_filters = 1;
	}
	if (qplan_build(&q, &tax, &p, &fe) != 0)
		abort();
	query_sql_build(&p, rollup, qs);
	qplan_free(&p);
}

static void
test_sql(void)
{
	struct query_sql qs;

	build(false, NULL, NULL, false, &qs);
	CHECK(qs.duration_sql == NULL, "no histogram unless asked");
	query_sql_free(&qs);
	build(true, NULL, NULL, false, &qs);
	CHECK(qs.duration_sql != NULL &&
	              strstr(qs.duration_sql, "GROUP BY 1 ORDER BY 1") !=
	                      NULL &&
	              strstr(qs.duration_sql, "voided_at IS NULL") != NULL &&
	              strstr(qs.duration_sql, "FROM sheet s") != NULL,
	      "from the sheets: %s", qs.duration_sql);
	query_sql_free(&qs);
	/* the rollup keeps durations by month and call type */
	build(true, NULL, NULL, true, &qs);
	CHECK(qs.from_rollup && qs.duration_sql != NULL &&
	              strstr(qs.duration_sql, "r.dim = 9") != NULL &&
	              strstr(qs.duration_sql, "r.department = -1") != NULL,
	      "from the rollup: %s", qs.duration_sql);
	query_sql_free(&qs);
	/* not for one département, nor with another dimension */
	build(true, "department", "75", true, &qs);
	CHECK(!qs.from_rollup && strstr(qs.duration_sql, "FROM sheet s"),
	      "a département's durations come from the sheets");
	query_sql_free(&qs);
	build(true, "caller", "individual", true, &qs);
	CHECK(!qs.from_rollup, "a caller's durations come from the sheets");
	query_sql_free(&qs);
	build(false, "caller", "individual", true, &qs);
	CHECK(qs.from_rollup, "without durations, the rollup answers");
	query_sql_free(&qs);
}

static void
test_stats(void)
{
	Callsheet__DurationStats d;
	/* 60 x2, 90 x1, 300 x1: N = 4, middle positions 1 and 2: 60, 90 */
	uint32_t s1[] = {60, 90, 300};
	uint64_t c1[] = {2, 1, 1};
	/* N = 5: position 2 twice: 90 */
	uint64_t c2[] = {2, 2, 1};
	uint32_t s3[] = {7};
	uint64_t c3[] = {1};

	query_duration_stats(s1, c1, 3, &d);
	CHECK(d.count == 4 && d.sum_s == 510 && d.median_low_s == 60 &&
	              d.median_high_s == 90,
	      "even: %llu %llu %u %u", (unsigned long long)d.count,
	      (unsigned long long)d.sum_s, d.median_low_s, d.median_high_s);
	query_duration_stats(s1, c2, 3, &d);
	CHECK(d.count == 5 && d.sum_s == 600 && d.median_low_s == 90 &&
	              d.median_high_s == 90,
	      "odd: %u %u", d.median_low_s, d.median_high_s);
	query_duration_stats(s3, c3, 1, &d);
	CHECK(d.count == 1 && d.median_low_s == 7 && d.median_high_s == 7,
	      "one sheet");
	query_duration_stats(NULL, NULL, 0, &d);
	CHECK(d.count == 0 && d.sum_s == 0, "none");
}

int
main(void)
{
	test_sql();
	test_stats();
	return unit_finish();
}
