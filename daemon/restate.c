/* restate.c: the figures of a closed period as published and as they are
 * now, for one query: the query's own rollup SQL (query-sql.c) read from
 * the rollup and from the published rollup, and the rows whose figures
 * differ; pure, no I/O. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

/*
 * SQL for the whole months [from, to) of a closed period; false when the
 * rollup cannot answer the query (two dimensions at once, several topics,
 * hours by département): the published figures, kept in the rollup's
 * shape, cannot either.
 */
bool
restate_sql(struct qplan *p, const char *from, const char *to,
            struct query_sql *current, struct query_sql *published)
{
	const char *query_from = p->from, *query_to = p->to;

	p->from = from;
	p->to = to;
	p->rollup = NULL;
	query_sql_build(p, true, current);
	p->rollup = "published_rollup";
	query_sql_build(p, true, published);
	p->rollup = NULL;
	p->from = query_from;
	p->to = query_to;
	if (current->from_rollup && published->from_rollup)
		return true;
	query_sql_free(current);
	query_sql_free(published);
	return false;
}

/*
 * Marks the counts of a period's figures (as they are, or as published)
 * that the session role may not see: those suppress.c hides in the same
 * table under the role's minimum cell size k. Returns whether the total
 * is hidden.
 */
bool
restate_suppress(struct restate_count *c, size_t n, uint64_t total,
                 size_t ngroup, uint32_t k)
{
	Callsheet__QueryResult r = CALLSHEET__QUERY_RESULT__INIT;
	Callsheet__Row *rows = xcalloc(n + 1, sizeof *rows);
	Callsheet__Row **rowp = xcalloc(n + 1, sizeof *rowp);
	char *names[2] = {"", ""};
	bool total_hidden;

	for (size_t i = 0; i < n; i++) {
		callsheet__row__init(&rows[i]);
		rows[i].keys = c[i].keys;
		rows[i].n_keys = ngroup;
		rows[i].count = c[i].n;
		rowp[i] = &rows[i];
	}
	r.group_by = names;
	r.n_group_by = ngroup;
	r.rows = rowp;
	r.n_rows = n;
	r.total = total;
	suppress_result(&r, k);
	/* the rows come back reordered: each is still one of ours */
	for (size_t i = 0; i < r.n_rows; i++)
		c[r.rows[i] - rows].hidden = r.rows[i]->suppressed;
	total_hidden = r.total_suppressed;
	suppress_result_free(&r);
	free(rows);
	free(rowp);
	return total_hidden;
}

static const struct restate_count *
find(const struct restate_count *c, size_t n, char *const *keys, size_t nkeys)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < nkeys && strcmp(c[i].keys[k], keys[k]) == 0)
			k++;
		if (k == nkeys)
			return &c[i];
	}
	return NULL;
}

static void
add_row(Callsheet__RestatedRow ***out, size_t *n, char *const *keys,
        size_t nkeys, uint64_t published, uint64_t restated)
{
	Callsheet__RestatedRow *row = xmalloc(sizeof *row);

	callsheet__restated_row__init(row);
	row->n_keys = nkeys;
	row->keys = xcalloc(nkeys, sizeof *row->keys);
	for (size_t k = 0; k < nkeys; k++)
		row->keys[k] = xstrdup(keys[k]);
	row->published = published;
	row->restated = restated;
	row->has_published = row->has_restated = true;
	*out = xreallocarray(*out, *n + 1, sizeof **out);
	(*out)[(*n)++] = row;
}

/* The rows whose count changed: those of now in their order, then those
 * that were published and are gone. A changed row hidden on either side is
 * left out, and *withheld says so. */
size_t
restate_diff(const struct restate_count *published, size_t npub,
             const struct restate_count *current, size_t ncur, size_t nkeys,
             Callsheet__RestatedRow ***out, bool *withheld)
{
	size_t n = 0;

	*out = NULL;
	for (size_t i = 0; i < ncur; i++) {
		const struct restate_count *p =
		        find(published, npub, current[i].keys, nkeys);
		uint64_t was = p != NULL ? p->n : 0;

		if (was == current[i].n)
			continue;
		if (current[i].hidden || (p != NULL && p->hidden))
			*withheld = true;
		else
			add_row(out, &n, current[i].keys, nkeys, was,
			        current[i].n);
	}
	for (size_t i = 0; i < npub; i++) {
		if (published[i].n == 0 ||
		    find(current, ncur, published[i].keys, nkeys) != NULL)
			continue;
		if (published[i].hidden)
			*withheld = true;
		else
			add_row(out, &n, published[i].keys, nkeys,
			        published[i].n, 0);
	}
	return n;
}
