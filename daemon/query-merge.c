/* query-merge.c: query rows whose keys became equal once retired codes
 * are reported under their successors, summed into one; pure, no I/O. */
#include <string.h>

#include "callsheetd.h"

static bool
same_keys(const Callsheet__Row *a, const Callsheet__Row *b)
{
	if (a->n_keys != b->n_keys)
		return false;
	for (size_t k = 0; k < a->n_keys; k++)
		if (strcmp(a->keys[k], b->keys[k]) != 0)
			return false;
	return true;
}

/*
 * Each row whose keys repeat an earlier row's is added to that row and
 * given to free_row; its cell key, when keys is given (parallel to rows),
 * is added to that row's too. The rows stay ordered by count, largest first;
 * rows of equal count keep their order (the query's). Returns the new number of
 * rows.
 */
size_t
query_merge_rows(Callsheet__Row **rows, uint64_t *keys, size_t n,
                 void (*free_row)(Callsheet__Row *))
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < kept; j++)
			if (same_keys(rows[j], rows[i]))
				break;
		if (j < kept) {
			rows[j]->count += rows[i]->count;
			if (keys != NULL)
				keys[j] += keys[i];
			free_row(rows[i]);
		} else {
			if (keys != NULL)
				keys[kept] = keys[i];
			rows[kept++] = rows[i];
		}
	}
	/* insertion sort: stable, and the rows are nearly in order */
	for (size_t i = 1; i < kept; i++) {
		Callsheet__Row *r = rows[i];
		uint64_t k = keys != NULL ? keys[i] : 0;
		size_t j = i;

		for (; j > 0 && rows[j - 1]->count < r->count; j--) {
			rows[j] = rows[j - 1];
			if (keys != NULL)
				keys[j] = keys[j - 1];
		}
		rows[j] = r;
		if (keys != NULL)
			keys[j] = k;
	}
	return kept;
}
