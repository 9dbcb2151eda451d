/* test_query_sql.c: aggregate requests become a plan, then SQL text made
 * of constant fragments with every client value a parameter, read from the
 * rollup exactly when the rollup can answer. */
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

static struct tax_entry entries[] = {
        {1, DIM_CALL_TYPE, "consultation", "", "", -1, false, 0, 0},
        {10, DIM_DEPARTMENT, "75", "", "", -1, false, 0, 0},
        {11, DIM_DEPARTMENT, "93", "", "", -1, false, 0, 0},
        {20, DIM_CALLER, "individual", "", "", -1, false, 0, 0},
        {70, DIM_TOPIC, "entry", "", "", 0, false, 0, 0},
        {71, DIM_TOPIC, "residence", "", "", 3, false, 0, 0},
};
static struct taxonomy tax = {.version = 1,
                              .timezone = "Europe/Paris",
                              .entries = entries,
                              .n = nitems(entries)};

static bool use_rollup;

static int
build(const char *from, const char *to, Callsheet__Filter **filters, size_t nf,
      char **by, size_t nby, struct query_sql *qs, struct field_error *fe)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	struct qplan plan;

	q.from = (char *)from;
	q.to = (char *)to;
	q.filters = filters;
	q.n_filters = nf;
	q.group_by = by;
	q.n_group_by = nby;
	memset(fe, 0, sizeof *fe);
	if (qplan_build(&q, &tax, &plan, fe) != 0)
		return -1;
	query_sql_build(&plan, use_rollup, qs);
	qplan_free(&plan);
	return 0;
}

static bool
has_param(const struct query_sql *qs, const char *v)
{
	for (int i = 0; i < qs->nparams; i++)
		if (strcmp(qs->params[i], v) == 0)
			return true;
	return false;
}

static void
test_plain(void)
{
	struct query_sql qs;
	struct field_error fe;

	CHECK(build("2025-01-01", "2026-01-01", NULL, 0, NULL, 0, &qs, &fe) ==
	              0,
	      "no filter, no group: %s", fe.message);
	CHECK(qs.ngroup == 0 && qs.nparams == 4,
	      "period, zone and the default call type (got %d)", qs.nparams);
	CHECK(strcmp(qs.params[2], "Europe/Paris") == 0,
	      "the zone is a parameter");
	CHECK(has_param(&qs, "1"), "consultations by default");
	CHECK(strstr(qs.total_sql, "voided_at IS NULL") != NULL,
	      "voided sheets never count");
	query_sql_free(&qs);
}

static void
test_filters_are_parameters(void)
{
	Callsheet__Filter f[3] = {CALLSHEET__FILTER__INIT,
	                          CALLSHEET__FILTER__INIT,
	                          CALLSHEET__FILTER__INIT};
	Callsheet__Filter *fp[3] = {&f[0], &f[1], &f[2]};
	char *by[2] = {"topic", "month"};
	struct query_sql qs;
	struct field_error fe;

	f[0].dimension = "department";
	f[0].value = "75";
	f[1].dimension = "department";
	f[1].value = "93";
	f[2].dimension = "jurist";
	f[2].value = "x'); DROP TABLE sheet; --";
	CHECK(build("2025-01-01", "2025-02-01", fp, 3, by, 2, &qs, &fe) == 0,
	      "filters and two groups: %s", fe.message);
	CHECK(has_param(&qs, "10") && has_param(&qs, "11"),
	      "codes become id parameters");
	CHECK(has_param(&qs, f[2].value), "text values are parameters");
	CHECK(strstr(qs.rows_sql, "DROP") == NULL &&
	              strstr(qs.total_sql, "DROP") == NULL,
	      "no value is ever in the SQL text");
	CHECK(strstr(qs.rows_sql, "s.department IN ($") != NULL,
	      "two values of one dimension are ORed");
	CHECK(qs.ngroup == 2 && qs.key_kind[0] == KEY_TAXONOMY &&
	              qs.key_kind[1] == KEY_TEXT,
	      "key kinds");
	CHECK(strstr(qs.rows_sql, "JOIN topic_line tp") != NULL &&
	              strstr(qs.total_sql, "JOIN") == NULL,
	      "topics join the rows, never the total");
	query_sql_free(&qs);
}

struct bad {
	const char *from, *to, *fdim, *fval, *by1, *by2, *by3;
	const char *field, *needle, *reason, *value;
};

static const struct bad bads[] = {
        {"2025-13-01", "2026-01-01", 0, 0, 0, 0, 0, "from",
         "not a calendar date", "bad_date", "2025-13-01"},
        /* days that do not exist: once an INTERNAL from PostgreSQL */
        {"2025-02-30", "2026-01-01", 0, 0, 0, 0, 0, "from",
         "not a calendar date", "bad_date", "2025-02-30"},
        {"2025-01-01", "2025-04-31", 0, 0, 0, 0, 0, "to", "not a calendar date",
         "bad_date", "2025-04-31"},
        {"2025-02-29", "2026-01-01", 0, 0, 0, 0, 0, "from",
         "not a calendar date", "bad_date", "2025-02-29"},
        {"2025-01-01", "2025-01-01", 0, 0, 0, 0, 0, "to", "not after",
         "bad_period", "2025-01-01"},
        {"2025-01-01", "tomorrow", 0, 0, 0, 0, 0, "to", "'tomorrow'",
         "bad_date", "tomorrow"},
        {"2025-01-01", "2026-01-01", "colour", "red", 0, 0, 0, "filters",
         "unknown dimension 'colour'", "unknown_dimension", "colour=red"},
        {"2025-01-01", "2026-01-01", "department", "20", 0, 0, 0, "filters",
         "'20' is not a known code", "unknown_code", "department=20"},
        {"2025-01-01", "2026-01-01", "department", "", 0, 0, 0, "filters",
         "'' is not a known code", "unknown_code", "department="},
        {"2025-01-01", "2026-01-01", "jurist", "", 0, 0, 0, "filters",
         "matches nothing", "invalid", "jurist="},
        {"2025-01-01", "2026-01-01", "month", "2025-13", 0, 0, 0, "filters",
         "expected YYYY-MM", "invalid", "month=2025-13"},
        {"2025-01-01", "2026-01-01", "hour", "24", 0, 0, 0, "filters",
         "0 to 23", "invalid", "hour=24"},
        {"2025-01-01", "2026-01-01", 0, 0, "caller", "caller", 0, "group_by",
         "given twice", "repeated", "caller"},
        {"2025-01-01", "2026-01-01", 0, 0, "caller", "topic", "month",
         "group_by", "at most 2", "too_many", "3"},
        {"2025-01-01", "2026-01-01", 0, 0, "shoe_size", 0, 0, "group_by",
         "unknown dimension", "unknown_dimension", "shoe_size"},
};

static void
test_errors(void)
{
	for (size_t i = 0; i < nitems(bads); i++) {
		const struct bad *b = &bads[i];
		Callsheet__Filter f = CALLSHEET__FILTER__INIT;
		Callsheet__Filter *fp[1] = {&f};
		char *by[3] = {(char *)b->by1, (char *)b->by2, (char *)b->by3};
		size_t nby = b->by3 ? 3 : b->by2 ? 2 : b->by1 ? 1 : 0;
		struct query_sql qs;
		struct field_error fe;

		f.dimension = (char *)b->fdim;
		f.value = (char *)b->fval;
		CHECK(build(b->from, b->to, fp, b->fdim ? 1 : 0, by, nby, &qs,
		            &fe) != 0,
		      "case %zu refused", i);
		CHECK(fe.field != NULL && strcmp(fe.field, b->field) == 0,
		      "case %zu: field %s, got %s", i, b->field,
		      fe.field ? fe.field : "(none)");
		CHECK(strstr(fe.message, b->needle) != NULL,
		      "case %zu: '%s' lacks '%s'", i, fe.message, b->needle);
		CHECK(fe.reason != NULL && strcmp(fe.reason, b->reason) == 0 &&
		              strcmp(fe.value, b->value) == 0,
		      "case %zu: reason %s value '%s', got %s '%s'", i,
		      b->reason, b->value, fe.reason ? fe.reason : "(none)",
		      fe.value);
	}
}

/* Which plans the rollup answers: whole months, and besides département,
 * call type and month at most one other dimension. */
static void
test_routing(void)
{
	struct {
		const char *from, *to, *by1, *by2, *fdim, *fval;
		bool rollup;
	} cases[] = {
	        {"2025-01-01", "2026-01-01", "department", 0, 0, 0, true},
	        {"2025-01-01", "2026-01-01", "department", "caller", 0, 0,
	         true},
	        {"2025-01-01", "2026-01-01", "topic", "month", "department",
	         "75", true},
	        {"2025-01-01", "2026-01-01", "caller", "household", 0, 0,
	         false},
	        {"2025-01-01", "2026-01-01", "household", 0, "caller",
	         "individual", false},
	        {"2025-01-15", "2026-01-01", "department", 0, 0, 0, false},
	        {"2025-01-01", "2025-12-31", 0, 0, 0, 0, false},
	        {"2025-01-01", "2026-01-01", "weekday", "hour", 0, 0, true},
	        {"2025-01-01", "2026-01-01", "hour", 0, "department", "75",
	         false},
	        {"2025-01-01", "2026-01-01", "topic", 0, "topic", "entry",
	         false},
	        {"2025-01-01", "2026-01-01", "month", 0, "topic", "entry",
	         true},
	        {"2025-01-01", "2026-01-01", "jurist", "month", 0, 0, true},
	};

	use_rollup = true;
	for (size_t i = 0; i < nitems(cases); i++) {
		Callsheet__Filter f = CALLSHEET__FILTER__INIT;
		Callsheet__Filter *fp[1] = {&f};
		char *by[2] = {(char *)cases[i].by1, (char *)cases[i].by2};
		size_t nby = cases[i].by2 ? 2 : cases[i].by1 ? 1 : 0;
		struct query_sql qs;
		struct field_error fe;

		f.dimension = (char *)cases[i].fdim;
		f.value = (char *)cases[i].fval;
		CHECK(build(cases[i].from, cases[i].to, fp,
		            cases[i].fdim ? 1 : 0, by, nby, &qs, &fe) == 0,
		      "routing case %zu builds: %s", i, fe.message);
		CHECK(qs.from_rollup == cases[i].rollup,
		      "routing case %zu: rollup %d expected", i,
		      cases[i].rollup);
		CHECK(strstr(qs.rows_sql, cases[i].rollup
		                                  ? "FROM rollup_live r"
		                                  : "FROM sheet s") != NULL,
		      "routing case %zu: the SQL reads the right table", i);
		query_sql_free(&qs);
	}
	use_rollup = false;
}

int
main(void)
{
	test_plain();
	test_routing();
	test_filters_are_parameters();
	test_errors();
	return unit_finish();
}
