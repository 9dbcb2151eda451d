/* test_report_format.c: percentages, CSV/JSON escaping, renderings. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report-format.h"
#include "unit.h"

static void
check_str(const char *got, const char *want, const char *file, int line)
{
	if (strcmp(got, want) == 0) {
		unit_passed++;
		return;
	}
	unit_failed++;
	fprintf(stderr, "%s:%d: FAIL:\n--- got\n%s\n--- want\n%s\n", file, line,
	        got, want);
}

#define CHECK_STR(got, want) check_str((got), (want), __FILE__, __LINE__)

static void
check_pct(uint64_t count, uint64_t total, const char *want, int line)
{
	char buf[PCT_STRLEN];

	pct_format(count, total, PCT_DECIMALS, buf);
	check_str(buf, want, __FILE__, line);
}

static void
test_percent(void)
{
	/* Expected values worked out by hand, half up at the second
	 * decimal. */
	check_pct(1, 8, "12.5", __LINE__);
	check_pct(1, 3, "33.3", __LINE__);
	check_pct(2, 3, "66.7", __LINE__);
	check_pct(0, 0, "0.0", __LINE__);
	check_pct(5, 0, "0.0", __LINE__);
	check_pct(0, 7, "0.0", __LINE__);
	check_pct(7, 7, "100.0", __LINE__);
	check_pct(1, 16, "6.3", __LINE__);   /* 6.25 */
	check_pct(3, 16, "18.8", __LINE__);  /* 18.75 */
	check_pct(1, 2000, "0.1", __LINE__); /* 0.05 */
	check_pct(1, 2001, "0.0", __LINE__); /* 0.04997... */
	check_pct(682, 6461, "10.6", __LINE__);
	check_pct(999, 1000, "99.9", __LINE__);
	check_pct(9999, 10000, "100.0", __LINE__); /* 99.99 */
	check_pct(3, 2, "150.0", __LINE__);        /* topics: over 100 % */
	/* CSV: two decimals, as the funder publishes (10.56, not 10.6) */
	{
		char buf[PCT_STRLEN];

		pct_format(682, 6461, CSV_PCT_DECIMALS, buf);
		CHECK_STR(buf, "10.56");
		pct_format(1, 16, CSV_PCT_DECIMALS, buf); /* 6.25 exactly */
		CHECK_STR(buf, "6.25");
		pct_format(1, 3, CSV_PCT_DECIMALS, buf);
		CHECK_STR(buf, "33.33");
		pct_format(7, 7, CSV_PCT_DECIMALS, buf);
		CHECK_STR(buf, "100.00");
		pct_signed_format(-1250, 2, buf);
		CHECK_STR(buf, "-12.50");
		pct_signed_format(5, 1, buf);
		CHECK_STR(buf, "+0.5");
	}
	CHECK_TRUE(pct_tenths(UINT64_MAX / 10 - 1, UINT64_MAX / 10) == 1000);
	CHECK_TRUE(pct_tenths(1, UINT64_MAX / 10) == 0);
}

static void
check_csv(const char *in, const char *want, int line)
{
	struct strbuf sb = {0};

	csv_field(&sb, in);
	check_str(sb.buf != NULL ? sb.buf : "", want, __FILE__, line);
	sb_free(&sb);
}

static void
test_csv_escape(void)
{
	check_csv("", "", __LINE__);
	check_csv("75", "75", __LINE__);
	check_csv("a b", "a b", __LINE__);
	check_csv("a,b", "\"a,b\"", __LINE__);
	check_csv("say \"hi\"", "\"say \"\"hi\"\"\"", __LINE__);
	check_csv("\"", "\"\"\"\"", __LINE__);
	check_csv("two\nlines", "\"two\nlines\"", __LINE__);
	check_csv("cr\r", "\"cr\r\"", __LINE__);
	check_csv("Côte-d'Or", "Côte-d'Or", __LINE__);
}

static void
check_json(const char *in, const char *want, int line)
{
	struct strbuf sb = {0};

	json_string(&sb, in);
	check_str(sb.buf, want, __FILE__, line);
	sb_free(&sb);
}

static void
test_json_escape(void)
{
	check_json("", "\"\"", __LINE__);
	check_json("75", "\"75\"", __LINE__);
	check_json("a\"b", "\"a\\\"b\"", __LINE__);
	check_json("back\\slash", "\"back\\\\slash\"", __LINE__);
	check_json("l1\nl2\tx\r", "\"l1\\nl2\\tx\\r\"", __LINE__);
	check_json("\x01\x1f", "\"\\u0001\\u001f\"", __LINE__);
	check_json("/", "\"/\"", __LINE__);
	check_json("Réunion", "\"Réunion\"", __LINE__);
	check_json("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"", __LINE__);
	/* Not UTF-8: a lone continuation byte, a truncated sequence, an
	 * overlong '/', a surrogate. */
	check_json("a\x80z", "\"a\\ufffdz\"", __LINE__);
	check_json("\xc3", "\"\\ufffd\"", __LINE__);
	check_json("\xc0\xaf", "\"\\ufffd\\ufffd\"", __LINE__);
	check_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", __LINE__);
}

/* A result as the daemon would send it: two departments and a NULL key. */
struct sample {
	Callsheet__QueryResult r;
	Callsheet__Row rows[3];
	Callsheet__Row *rowp[3];
	char *keys[3][1];
	char *group_by[1];
};

static void
sample_init(struct sample *s, size_t ndim)
{
	static const Callsheet__QueryResult r = CALLSHEET__QUERY_RESULT__INIT;
	static const Callsheet__Row row = CALLSHEET__ROW__INIT;
	static char *values[] = {"93", "75", ""};
	static const uint64_t counts[] = {5, 2, 1};

	s->r = r;
	s->group_by[0] = "department";
	s->r.group_by = s->group_by;
	s->r.n_group_by = ndim;
	s->r.total = 8;
	if (ndim == 0)
		return;
	for (size_t i = 0; i < 3; i++) {
		s->rows[i] = row;
		s->keys[i][0] = values[i];
		s->rows[i].keys = s->keys[i];
		s->rows[i].n_keys = 1;
		s->rows[i].count = counts[i];
		s->rowp[i] = &s->rows[i];
	}
	s->r.rows = s->rowp;
	s->r.n_rows = 3;
}

static void
check_render(int kind, size_t ndim, const char *want, int line)
{
	struct sample s;
	struct strbuf sb = {0};

	sample_init(&s, ndim);
	if (kind == 0)
		report_table(&sb, &s.r);
	else if (kind == 1)
		report_csv(&sb, &s.r);
	else
		report_json(&sb, "2025-01-01", "2026-01-01", &s.r);
	check_str(sb.buf, want, __FILE__, line);
	sb_free(&sb);
}

static void
test_render(void)
{
	check_render(0, 1,
	             "Département  count  percent\n"
	             "93               5     62.5\n"
	             "75               2     25.0\n"
	             "(none)           1     12.5\n"
	             "total            8\n",
	             __LINE__);
	check_render(0, 0, "total 8\n", __LINE__);
	check_render(1, 1,
	             "department,count,percent\n"
	             "93,5,62.50\n"
	             "75,2,25.00\n"
	             ",1,12.50\n",
	             __LINE__);
	check_render(1, 0, "count,percent\n8,100.00\n", __LINE__);
	check_render(
	        2, 1,
	        "{\"period\":{\"from\":\"2025-01-01\",\"to\":\"2026-01-01\"},"
	        "\"group_by\":[\"department\"],\"total\":8,\"rows\":["
	        "{\"keys\":{\"department\":\"93\"},\"count\":5,"
	        "\"percent\":62.5},"
	        "{\"keys\":{\"department\":\"75\"},\"count\":2,"
	        "\"percent\":25.0},"
	        "{\"keys\":{\"department\":null},\"count\":1,"
	        "\"percent\":12.5}]}\n",
	        __LINE__);
	check_render(
	        2, 0,
	        "{\"period\":{\"from\":\"2025-01-01\",\"to\":\"2026-01-01\"},"
	        "\"group_by\":[],\"total\":8,\"rows\":[]}\n",
	        __LINE__);
}

int
main(void)
{
	test_percent();
	test_csv_escape();
	test_json_escape();
	test_render();
	return unit_finish();
}
