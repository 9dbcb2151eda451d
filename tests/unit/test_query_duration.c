/* test_query_duration.c: the duration statistics a query may ask for: the
 * histogram SQL beside the others, and the exact count, sum and middle
 * values computed from it. */
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

static struct tax_entry entries[] = {
        {1, DIM_CALL_TYPE, "consultation", "", "", -1, false, 0},
};
static struct taxonomy tax = {1, entries, nitems(entries)};

static void
test_sql(void)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	struct query_sql qs;
	struct field_error fe;

	q.from = "2024-01-01";
	q.to = "2025-01-01";
	CHECK(query_build(&q, &tax, "Europe/Paris", &qs, &fe) == 0 &&
	              qs.duration_sql == NULL,
	      "no histogram unless asked");
	query_sql_free(&qs);
	q.has_duration_stats = true;
	q.duration_stats = true;
	CHECK(query_build(&q, &tax, "Europe/Paris", &qs, &fe) == 0 &&
	              qs.duration_sql != NULL,
	      "a histogram when asked");
	CHECK(strstr(qs.duration_sql, "GROUP BY 1 ORDER BY 1") != NULL &&
	              strstr(qs.duration_sql, "voided_at IS NULL") != NULL &&
	              strstr(qs.duration_sql, "s.call_type = $4") != NULL,
	      "by seconds, over the same sheets: %s", qs.duration_sql);
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
