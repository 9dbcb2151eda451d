/* test_report_cross.c: cross tables with their totals, --compare, and
 * hidden counts, in table, CSV and JSON. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report-format.h"
#include "unit.h"

static void
check_str(const char *got, const char *want, int line)
{
	CHECK(strcmp(got, want) == 0, "line %d:\n--- got\n%s--- want\n%s", line,
	      got, want);
}

static Callsheet__Row *
mkrow(const char *k1, const char *k2, long long n)
{
	Callsheet__Row *row = xcalloc(1, sizeof *row);

	callsheet__row__init(row);
	row->keys = xcalloc(2, sizeof *row->keys);
	row->keys[0] = xstrdup(k1);
	row->n_keys = 1;
	if (k2 != NULL) {
		row->keys[1] = xstrdup(k2);
		row->n_keys = 2;
	}
	row->count = n < 0 ? 0 : (uint64_t)n;
	row->has_suppressed = row->suppressed = n < 0;
	return row;
}

static void
add(Callsheet__Row ***v, size_t *n, Callsheet__Row *row)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = row;
}

/* department x caller, as a reporter would get it with k = 3:
 *          individual  professional  total
 *   75             10             s      s
 *   93              s             2 (s)  ...
 */
static Callsheet__QueryResult *
cross(void)
{
	Callsheet__QueryResult *r = xcalloc(1, sizeof *r);

	callsheet__query_result__init(r);
	r->n_group_by = 2;
	r->group_by = xcalloc(2, sizeof *r->group_by);
	r->group_by[0] = xstrdup("department");
	r->group_by[1] = xstrdup("caller");
	add(&r->rows, &r->n_rows, mkrow("75", "individual", 10));
	add(&r->rows, &r->n_rows, mkrow("75", "professional", -1));
	add(&r->rows, &r->n_rows, mkrow("93", "individual", -1));
	add(&r->rows, &r->n_rows, mkrow("93", "professional", -1));
	add(&r->rows, &r->n_rows, mkrow("", "individual", 4));
	add(&r->row_totals, &r->n_row_totals, mkrow("", NULL, 4));
	add(&r->row_totals, &r->n_row_totals, mkrow("75", NULL, 12));
	add(&r->row_totals, &r->n_row_totals, mkrow("93", NULL, 9));
	add(&r->column_totals, &r->n_column_totals,
	    mkrow("individual", NULL, 21));
	add(&r->column_totals, &r->n_column_totals,
	    mkrow("professional", NULL, 4));
	r->table_total = xcalloc(1, sizeof *r->table_total);
	callsheet__row__init(r->table_total);
	r->table_total->count = 25;
	r->total = 25;
	r->min_cell = 3;
	r->suppressed_cells = 3;
	return r;
}

static void
test_cross(void)
{
	Callsheet__QueryResult *r = cross();
	struct strbuf sb = {0};

	report_table(&sb, r);
	check_str(sb.buf,
	          "Département \\ Caller  individual  professional  total\n"
	          "(none)                         4             0      4\n"
	          "75                            10             s     12\n"
	          "93                             s             s      9\n"
	          "total                         21             4     25\n"
	          "s: hidden by disclosure control (counts under 3, and the "
	          "counts that would let one recompute them): 3\n",
	          __LINE__);
	sb_reset(&sb);
	report_csv(&sb, r);
	check_str(sb.buf,
	          "department,caller,count,percent\n"
	          "75,individual,10,40.00\n"
	          "75,professional,,\n"
	          "93,individual,,\n"
	          "93,professional,,\n"
	          ",individual,4,16.00\n"
	          ",(total),4,16.00\n"
	          "75,(total),12,48.00\n"
	          "93,(total),9,36.00\n"
	          "(total),individual,21,84.00\n"
	          "(total),professional,4,16.00\n"
	          "(total),(total),25,100.00\n",
	          __LINE__);
	sb_reset(&sb);
	report_json(&sb, "2024-01-01", "2025-01-01", r);
	CHECK(strstr(sb.buf, "{\"keys\":{\"department\":\"75\",\"caller\":"
	                     "\"professional\"},\"count\":null,\"percent\":"
	                     "null,\"suppressed\":true}") != NULL,
	      "a hidden cell in JSON: %s", sb.buf);
	CHECK(strstr(sb.buf, "\"row_totals\":[{\"keys\":{\"department\":null},"
	                     "\"count\":4,\"percent\":16.0}") != NULL,
	      "row totals in JSON");
	CHECK(strstr(sb.buf, "\"table_total\":{\"count\":25,\"percent\":"
	                     "100.0}") != NULL,
	      "the table's total");
	CHECK(strstr(sb.buf, "\"disclosure\":{\"min_cell\":3,\"suppressed\":"
	                     "3,") != NULL,
	      "the disclosure note");
	sb_free(&sb);
	callsheet__query_result__free_unpacked(r, NULL);
}

static Callsheet__QueryResult *
one(uint64_t total, const char *k1, long long n1, const char *k2, long long n2)
{
	Callsheet__QueryResult *r = xcalloc(1, sizeof *r);

	callsheet__query_result__init(r);
	r->n_group_by = 1;
	r->group_by = xcalloc(1, sizeof *r->group_by);
	r->group_by[0] = xstrdup("caller");
	r->total = total;
	if (k1 != NULL)
		add(&r->rows, &r->n_rows, mkrow(k1, NULL, n1));
	if (k2 != NULL)
		add(&r->rows, &r->n_rows, mkrow(k2, NULL, n2));
	return r;
}

static void
test_compare(void)
{
	/* individual 300 -> 299 (-0.3 %: 1/300 = 0.33), professional only
	 * this year, couple only last year; a hidden count this year */
	Callsheet__QueryResult *now =
	        one(500, "individual", 299, "professional", -1);
	Callsheet__QueryResult *before =
	        one(400, "individual", 300, "couple", 100);
	struct strbuf sb = {0};
	const char *period[4] = {"2024-01-01", "2025-01-01", "2023-01-01",
	                         "2024-01-01"};

	report_compare_csv(&sb, now, before);
	check_str(sb.buf,
	          "caller,count,percent,previous,previous_percent,change,"
	          "change_percent\n"
	          "individual,299,59.80,300,75.00,-1,-0.33\n"
	          "professional,s,,0,0.00,,\n"
	          "couple,0,0.00,100,25.00,-100,-100.00\n",
	          __LINE__);
	sb_reset(&sb);
	report_compare_table(&sb, now, before);
	check_str(sb.buf,
	          "Caller        count  percent  previous  previous_percent  "
	          "change  change_percent\n"
	          "individual      299     59.8       300              75.0  "
	          "    -1            -0.3\n"
	          "professional      s                  0               0.0\n"
	          "couple            0      0.0       100              25.0  "
	          "  -100          -100.0\n"
	          "total           500                400                    "
	          "  +100           +25.0\n",
	          __LINE__);
	sb_reset(&sb);
	report_compare_json(&sb, period, now, before);
	CHECK(strstr(sb.buf, "\"previous_period\":{\"from\":\"2023-01-01\"") !=
	              NULL,
	      "the previous period");
	CHECK(strstr(sb.buf, "\"total\":{\"count\":500,\"percent\":100.0,"
	                     "\"previous\":{\"count\":400,\"percent\":100.0},"
	                     "\"change\":100,\"change_percent\":25.0}") != NULL,
	      "the totals: %s", sb.buf);
	CHECK(strstr(sb.buf, "\"change\":null") != NULL,
	      "a hidden count's change is null");
	sb_free(&sb);
	callsheet__query_result__free_unpacked(now, NULL);
	callsheet__query_result__free_unpacked(before, NULL);
}

int
main(void)
{
	test_cross();
	test_compare();
	return unit_finish();
}
