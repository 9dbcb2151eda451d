/* test_client_parse.c: times, durations, dates and report periods. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"
#include "unit.h"

/* want: Unix time computed independently (date -u -d ... +%s). */
static void
check_time(const char *s, int64_t want, int line)
{
	int64_t got = 0;

	unit_check(parse_iso8601(s, &got) == 0 && got == want, s, __FILE__,
	           line);
}

static void
check_bad_time(const char *s, int line)
{
	int64_t got;

	unit_check(parse_iso8601(s, &got) == -1, s, __FILE__, line);
}

static void
test_iso8601(void)
{
	check_time("2025-03-04T09:15Z", 1741079700, __LINE__);
	check_time("2025-03-04T10:15:00+01:00", 1741079700, __LINE__);
	check_time("2025-03-04T10:15:00+0100", 1741079700, __LINE__);
	check_time("2025-03-04T10:15+01", 1741079700, __LINE__);
	check_time("2025-03-04T04:15:00-05:00", 1741079700, __LINE__);
	check_time("2025-03-04 09:15:00.999Z", 1741079700, __LINE__);
	check_time("1970-01-01T00:00:00Z", 0, __LINE__);
	check_time("2024-02-29T23:59:59Z", 1709251199, __LINE__);
	check_time("2000-03-01T00:00Z", 951868800, __LINE__);
	check_time("2024-12-31T23:30:00-01:00", 1735691400, __LINE__);
	/* No offset: local time, here made Paris time. */
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	check_time("2025-03-04T10:15", 1741079700, __LINE__);
	check_time("2025-07-01T12:00:00", 1751364000, __LINE__); /* CEST */
	check_bad_time("", __LINE__);
	check_bad_time("2025-03-04", __LINE__);
	check_bad_time("2025-03-04T9:15Z", __LINE__);
	check_bad_time("2025-02-29T09:15Z", __LINE__);
	check_bad_time("2025-13-01T09:15Z", __LINE__);
	check_bad_time("2025-03-04T24:00Z", __LINE__);
	check_bad_time("2025-03-04T09:60Z", __LINE__);
	check_bad_time("2025-03-04T09:15+1", __LINE__);
	check_bad_time("2025-03-04T09:15+24:00", __LINE__);
	check_bad_time("2025-03-04T09:15Zjunk", __LINE__);
	check_bad_time("2025-03-04T09:15:00.Z", __LINE__);
	check_bad_time("25-03-04T09:15Z", __LINE__);
}

static void
check_duration(const char *s, int want, int line)
{
	uint32_t got = 0;
	int rv = parse_duration(s, &got);

	unit_check(want < 0 ? rv == -1 : rv == 0 && got == (uint32_t)want, s,
	           __FILE__, line);
}

static void
test_duration(void)
{
	check_duration("0", 0, __LINE__);
	check_duration("420", 420, __LINE__);
	check_duration("420s", 420, __LINE__);
	check_duration("7m", 420, __LINE__);
	check_duration("1h2m", 3720, __LINE__);
	check_duration("1h2m3s", 3723, __LINE__);
	check_duration("1h", 3600, __LINE__);
	check_duration("90m", 5400, __LINE__);
	check_duration("", -1, __LINE__);
	check_duration("7x", -1, __LINE__);
	check_duration("m", -1, __LINE__);
	check_duration("1h30", -1, __LINE__);
	check_duration("2m1h", -1, __LINE__);
	check_duration("1m1m", -1, __LINE__);
	check_duration("-5", -1, __LINE__);
	check_duration("99999999999", -1, __LINE__);
	check_duration("7 m", -1, __LINE__);
}

static void
check_period(struct period *p, const char *from, const char *to, int line)
{
	char f[DATE_STRLEN], t[DATE_STRLEN];

	date_format(&p->from, f);
	date_format(&p->to, t);
	unit_check(strcmp(f, from) == 0 && strcmp(t, to) == 0, from, __FILE__,
	           line);
}

static void
test_periods(void)
{
	struct period p;
	struct date a, b;
	int y, m;

	CHECK_TRUE(parse_year("2025", &y) == 0 && y == 2025);
	CHECK_TRUE(parse_year("25", &y) == -1);
	CHECK_TRUE(parse_year("2025x", &y) == -1);
	CHECK_TRUE(parse_year_month("2025-3", &y, &m) == 0 && m == 3);
	CHECK_TRUE(parse_year_month("2025-03", &y, &m) == 0 && m == 3);
	CHECK_TRUE(parse_year_month("2025-13", &y, &m) == -1);
	CHECK_TRUE(parse_year_month("2025-00", &y, &m) == -1);
	CHECK_TRUE(parse_year_month("2025-", &y, &m) == -1);
	CHECK_TRUE(parse_date("2024-02-29", &a) == 0);
	CHECK_TRUE(parse_date("2023-02-29", &a) == -1);
	CHECK_TRUE(parse_date("2024-2-29", &a) == -1);
	period_year(&p, 2025);
	check_period(&p, "2025-01-01", "2026-01-01", __LINE__);
	period_month(&p, 2025, 12);
	check_period(&p, "2025-12-01", "2026-01-01", __LINE__);
	period_month(&p, 2024, 2);
	check_period(&p, "2024-02-01", "2024-03-01", __LINE__);
	parse_date("2024-02-28", &a);
	parse_date("2024-02-29", &b);
	CHECK_TRUE(period_days(&p, &a, &b) == 0);
	check_period(&p, "2024-02-28", "2024-03-01", __LINE__);
	parse_date("2025-12-31", &a);
	CHECK_TRUE(period_days(&p, &a, &a) == 0);
	check_period(&p, "2025-12-31", "2026-01-01", __LINE__);
	parse_date("2025-01-02", &b);
	CHECK_TRUE(period_days(&p, &a, &b) == -1);
}

static void
test_list(void)
{
	char **items = NULL;
	size_t n = 0;

	CHECK_TRUE(parse_list("entry,residence", &items, &n) == 0 && n == 2);
	CHECK_TRUE(parse_list("family", &items, &n) == 0 && n == 3);
	CHECK_TRUE(n == 3 && strcmp(items[0], "entry") == 0 &&
	           strcmp(items[1], "residence") == 0 &&
	           strcmp(items[2], "family") == 0);
	CHECK_TRUE(parse_list("a,,b", &items, &n) == -1);
	CHECK_TRUE(parse_list("", &items, &n) == -1);
	CHECK_TRUE(parse_list("a,", &items, &n) == -1);
	list_free(items, n);
}

static void
test_uint(void)
{
	uint64_t v;

	CHECK_TRUE(parse_uint("3600", 3600, &v) == 0 && v == 3600);
	CHECK_TRUE(parse_uint("3601", 3600, &v) == -1);
	CHECK_TRUE(parse_uint("", 10, &v) == -1);
	CHECK_TRUE(parse_uint("1x", 10, &v) == -1);
	CHECK_TRUE(parse_uint("18446744073709551615", UINT64_MAX, &v) == 0 &&
	           v == UINT64_MAX);
	CHECK_TRUE(parse_uint("18446744073709551616", UINT64_MAX, &v) == -1);
}

static void
test_department(void)
{
	static const char *const cases[][2] = {
	        {"2a", "2A"},           {"2B", "2B"},   {"7", "07"},
	        {"75", "75"},           {"971", "971"}, {"0", "0"},
	        {"unknown", "UNKNOWN"},
	};
	char out[16];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		department_normalize(cases[i][0], out, sizeof out);
		CHECK(strcmp(out, cases[i][1]) == 0, "%s is %s, got %s",
		      cases[i][0], cases[i][1], out);
	}
}

int
main(void)
{
	test_iso8601();
	test_duration();
	test_periods();
	test_list();
	test_uint();
	test_department();
	return unit_finish();
}
