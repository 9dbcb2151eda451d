/* test_taxonomy_map.c: year-on-year comparability: a retired code is
 * reported under its successor (rows merged), and a filter on a code also
 * matches the codes retired onto it. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

/* work (retired) -> employment (retired) -> labour; papers -> residence;
 * old_93 retired without successor. */
static struct tax_entry entries[] = {
        {1, DIM_CALL_TYPE, "consultation", "", "", -1, false, 0, 0},
        {10, DIM_DEPARTMENT, "75", "", "", -1, false, 0, 0},
        {11, DIM_DEPARTMENT, "93", "", "", -1, false, 0, 0},
        {12, DIM_DEPARTMENT, "old_93", "", "", -1, true, 0, 0},
        {20, DIM_CALLER, "individual", "", "", -1, false, 0, 0},
        {40, DIM_PRO_SECTOR, "social", "", "", -1, false, 0, 0},
        {41, DIM_PRO_SECTOR, "municipal", "", "", -1, true, 40, 0},
        {70, DIM_TOPIC, "entry", "", "", 0, false, 0, 0},
        {71, DIM_TOPIC, "residence", "", "", 1, false, 0, 0},
        {72, DIM_TOPIC, "papers", "", "", 5, true, 71, 0},
        {73, DIM_TOPIC, "work", "", "", 6, true, 74, 0},
        {74, DIM_TOPIC, "employment", "", "", 7, true, 75, 0},
        {75, DIM_TOPIC, "labour", "", "", 9, false, 0, 0},
};
static struct taxonomy tax = {.version = 5,
                              .timezone = (char *)"Europe/Paris",
                              .entries = entries,
                              .n = nitems(entries)};

static const struct tax_entry *
find(enum dim d, const char *code)
{
	return tax_find(&tax, d, code);
}

static void
test_current(void)
{
	CHECK(tax_current(&tax, find(DIM_TOPIC, "papers")) ==
	              find(DIM_TOPIC, "residence"),
	      "papers is reported under residence");
	CHECK(tax_current(&tax, find(DIM_TOPIC, "work")) ==
	              find(DIM_TOPIC, "labour"),
	      "a chain is followed to its end");
	CHECK(tax_current(&tax, find(DIM_DEPARTMENT, "old_93")) ==
	              find(DIM_DEPARTMENT, "old_93"),
	      "retired without successor: itself");
	CHECK(tax_current(&tax, find(DIM_TOPIC, "entry")) ==
	              find(DIM_TOPIC, "entry"),
	      "an active code: itself");
}

static void
test_lineage(void)
{
	const struct tax_entry *line[8];
	size_t n = tax_lineage(&tax, find(DIM_TOPIC, "labour"), line, 8);
	int64_t mask = tax_lineage_mask(&tax, find(DIM_TOPIC, "labour"));

	CHECK(n == 3, "labour, employment and work (got %zu)", n);
	CHECK(mask == ((1 << 9) | (1 << 7) | (1 << 6)),
	      "their three bits (got %lld)", (long long)mask);
	CHECK(tax_lineage(&tax, find(DIM_TOPIC, "employment"), line, 8) == 2,
	      "a filter on a retired code: itself and what retired onto it");
	CHECK(tax_lineage(&tax, find(DIM_TOPIC, "entry"), line, 8) == 1 &&
	              line[0] == find(DIM_TOPIC, "entry"),
	      "no predecessor: itself");
	CHECK(tax_lineage(&tax, find(DIM_TOPIC, "labour"), line, 1) == 3,
	      "the count even when out is short");
}

static Callsheet__Row *
row(const char *k1, const char *k2, uint64_t count)
{
	Callsheet__Row *r = xmalloc(sizeof *r);

	callsheet__row__init(r);
	r->n_keys = k2 != NULL ? 2 : 1;
	r->keys = xcalloc(r->n_keys, sizeof *r->keys);
	r->keys[0] = xstrdup(k1);
	if (k2 != NULL)
		r->keys[1] = xstrdup(k2);
	r->count = count;
	return r;
}

static int freed;

static void
row_free(Callsheet__Row *r)
{
	for (size_t k = 0; k < r->n_keys; k++)
		free(r->keys[k]);
	free(r->keys);
	free(r);
	freed++;
}

static void
test_merge(void)
{
	/* keys already mapped to successors, as req-query.c does */
	Callsheet__Row *rows[] = {
	        row("residence", "75", 50), row("entry", "75", 40),
	        row("labour", "75", 30),    row("residence", "93", 20),
	        row("residence", "75", 15), row("labour", "75", 12),
	        row("entry", "93", 20),
	};
	size_t n = query_merge_rows(rows, NULL, nitems(rows), row_free);

	CHECK(n == 5 && freed == 2, "two rows merged into others (n %zu)", n);
	CHECK(strcmp(rows[0]->keys[0], "residence") == 0 &&
	              strcmp(rows[0]->keys[1], "75") == 0 &&
	              rows[0]->count == 65,
	      "residence 75: 50 + 15");
	CHECK(strcmp(rows[1]->keys[0], "labour") == 0 && rows[1]->count == 42,
	      "labour 75: 30 + 12, now second");
	CHECK(rows[2]->count == 40 && rows[3]->count == 20 &&
	              rows[4]->count == 20,
	      "largest first");
	CHECK(strcmp(rows[3]->keys[0], "residence") == 0 &&
	              strcmp(rows[4]->keys[0], "entry") == 0,
	      "equal counts keep the query's order");
	for (size_t i = 0; i < n; i++)
		row_free(rows[i]);
}

static bool
has_value(const struct qfilter *f, const char *v)
{
	for (int i = 0; i < f->nvalues; i++)
		if (strcmp(f->values[i], v) == 0)
			return true;
	return false;
}

/* A plan for whole months, one or two filters. */
static int
plan(const char *d1, const char *v1, const char *d2, const char *v2,
     struct qplan *p, struct field_error *fe)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f[2] = {CALLSHEET__FILTER__INIT,
	                          CALLSHEET__FILTER__INIT};
	Callsheet__Filter *fp[2] = {&f[0], &f[1]};

	q.from = "2024-01-01";
	q.to = "2026-01-01";
	q.filters = fp;
	q.n_filters = d2 != NULL ? 2 : 1;
	f[0].dimension = (char *)d1;
	f[0].value = (char *)v1;
	f[1].dimension = (char *)d2;
	f[1].value = (char *)v2;
	memset(fe, 0, sizeof *fe);
	return qplan_build(&q, &tax, p, fe);
}

static void
test_filters(void)
{
	struct qplan p;
	struct query_sql qs;
	struct field_error fe;

	CHECK(plan("pro_sector", "social", "topic", "labour", &p, &fe) == 0,
	      "plan: %s", fe.message);
	CHECK(p.filter[DIM_PRO_SECTOR].nvalues == 2 &&
	              has_value(&p.filter[DIM_PRO_SECTOR], "40") &&
	              has_value(&p.filter[DIM_PRO_SECTOR], "41"),
	      "a filter on social matches municipal, retired onto it");
	CHECK(p.filter[QD_TOPIC].topic_mask == ((1 << 9) | (1 << 7) | (1 << 6)),
	      "a topic filter tests every bit of the lineage");
	CHECK(p.filter[QD_TOPIC].nvalues == 3, "and names its three ids");
	query_sql_build(&p, true, &qs);
	CHECK(!qs.from_rollup, "several topics: the sheets answer, a sheet "
	                       "counts once");
	query_sql_free(&qs);
	qplan_free(&p);

	CHECK(plan("topic", "entry", NULL, NULL, &p, &fe) == 0, "plan: %s",
	      fe.message);
	CHECK(p.filter[QD_TOPIC].nvalues == 1 &&
	              p.filter[QD_TOPIC].topic_mask == 1,
	      "no predecessor: the code alone");
	query_sql_build(&p, true, &qs);
	CHECK(qs.from_rollup, "one topic, whole months: the rollup answers");
	query_sql_free(&qs);
	qplan_free(&p);
}

int
main(void)
{
	test_current();
	test_lineage();
	test_merge();
	test_filters();
	return unit_finish();
}
