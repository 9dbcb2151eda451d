/* test_anonymize.c: what a stored sheet keeps (anonymize.c), and the query
 * shapes a reporter may send (reporter.c). */
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

static void
test_coarse(void)
{
	/* 2025-03-30 00:59:59 UTC: 01:59:59 in Paris, the last second before
	 * summer time; 2025-10-26 00:59:59 UTC: 02:59:59 CEST */
	const int64_t starts[] = {1743296399, 1761440399, 946684800,
	                          1741601253};

	for (size_t i = 0; i < nitems(starts); i++) {
		int64_t c = coarse_call_start(starts[i]);

		CHECK(c % STORED_START_S == 0 && c <= starts[i] &&
		              starts[i] - c < STORED_START_S,
		      "%lld: its quarter-hour", (long long)starts[i]);
		/* any offset of whole quarter-hours keeps the local hour */
		for (int q = -12 * 4; q <= 14 * 4; q++) {
			int64_t off = q * 900LL;

			CHECK((starts[i] + off) / 3600 == (c + off) / 3600,
			      "offset %d quarter-hours: the same local hour",
			      q);
		}
	}
	CHECK(coarse_duration(0) == 0, "0 stays 0");
	CHECK(coarse_duration(1) == 300 && coarse_duration(449) == 300,
	      "a call that lasted: at least 5 minutes");
	CHECK(coarse_duration(450) == 600 && coarse_duration(749) == 600,
	      "to the nearest 5 minutes, half up");
	CHECK(coarse_duration(86400) == 86400, "24 hours stay");
	for (uint32_t d = 0; d <= 86400; d += 7)
		CHECK(coarse_duration(d) % 300 == 0 &&
		              (d == 0 || (coarse_duration(d) + 150 > d &&
		                          coarse_duration(d) <= d + 300)),
		      "%u s", d);
}

static int
shape(const char *from, const char *to, const char *by, const char *f1,
      const char *f2)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter fl[2], *fp[2] = {&fl[0], &fl[1]};
	char *group[1] = {(char *)by};
	struct field_error fe;

	q.from = (char *)from;
	q.to = (char *)to;
	q.group_by = group;
	q.n_group_by = by != NULL;
	callsheet__filter__init(&fl[0]);
	callsheet__filter__init(&fl[1]);
	fl[0].dimension = (char *)f1;
	fl[0].value = "x";
	fl[1].dimension = (char *)f2;
	fl[1].value = "y";
	q.filters = fp;
	q.n_filters = f1 == NULL ? 0 : f2 == NULL ? 1 : 2;
	return reporter_query_check(&q, &fe);
}

static void
test_reporter_shapes(void)
{
	CHECK(shape("2025-03-01", "2025-04-01", NULL, NULL, NULL) == 0,
	      "a month");
	CHECK(shape("2025-12-01", "2026-01-01", NULL, NULL, NULL) == 0,
	      "December");
	CHECK(shape("2025-04-01", "2025-07-01", NULL, NULL, NULL) == 0,
	      "a quarter");
	CHECK(shape("2025-01-01", "2026-01-01", NULL, NULL, NULL) == 0,
	      "a year");
	CHECK(shape("2025-02-01", "2025-05-01", NULL, NULL, NULL) != 0,
	      "three months across quarters");
	CHECK(shape("2025-07-01", "2026-07-01", NULL, NULL, NULL) != 0,
	      "twelve months across years");
	CHECK(shape("2025-01-01", "2027-01-01", NULL, NULL, NULL) != 0,
	      "two years");
	CHECK(shape("2025-03-02", "2025-04-02", NULL, NULL, NULL) != 0,
	      "a month of days");
	CHECK(shape("2025-03-01", "2025-03-02", NULL, NULL, NULL) != 0,
	      "a day");
	CHECK(shape("2025-01-01", "2026-01-01", "jurist", NULL, NULL) != 0,
	      "by jurist");
	CHECK(shape("2025-01-01", "2026-01-01", NULL, "jurist", NULL) != 0,
	      "a jurist's");
	CHECK(shape("2025-01-01", "2026-01-01", NULL, "department",
	            "department") != 0,
	      "two départements (an OR)");
	CHECK(shape("2025-01-01", "2026-01-01", "caller", "department",
	            "topic") == 0,
	      "one value for each of two dimensions");
}

int
main(void)
{
	test_coarse();
	test_reporter_shapes();
	return unit_finish();
}
