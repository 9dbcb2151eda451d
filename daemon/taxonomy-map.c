/* taxonomy-map.c: retired codes and their successors, for reports that
 * compare like with like across taxonomy changes; pure, no I/O. */
#include <stdlib.h>

#include "callsheetd.h"

/*
 * The code e is reported under: itself, or the last of its chain of
 * successors. A successor is an active code of the same dimension when it
 * is mapped, so chains are short and acyclic; the bound only guards
 * against a database edited by hand.
 */
const struct tax_entry *
tax_current(const struct taxonomy *t, const struct tax_entry *e)
{
	for (size_t hops = 0; e != NULL && e->successor_id != 0 && hops < t->n;
	     hops++) {
		const struct tax_entry *next = tax_by_id(t, e->successor_id);

		if (next == NULL || next->dim != e->dim || next == e)
			break;
		e = next;
	}
	return e;
}

/* Whether e's chain of successors passes through target (or is it). */
static bool
leads_to(const struct taxonomy *t, const struct tax_entry *e,
         const struct tax_entry *target)
{
	for (size_t hops = 0; e != NULL && hops <= t->n; hops++) {
		if (e == target)
			return true;
		if (e->successor_id == 0)
			return false;
		e = tax_by_id(t, e->successor_id);
	}
	return false;
}

/*
 * What a filter on e matches: e and every code retired onto it, directly
 * or through other retired codes. Writes at most max entries to out and
 * returns how many there are.
 */
size_t
tax_lineage(const struct taxonomy *t, const struct tax_entry *e,
            const struct tax_entry **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct tax_entry *x = &t->entries[i];

		if (x->dim != e->dim || !leads_to(t, x, e))
			continue;
		if (n < max)
			out[n] = x;
		n++;
	}
	return n;
}

/* The topic bits a filter on topic e matches. */
int64_t
tax_lineage_mask(const struct taxonomy *t, const struct tax_entry *e)
{
	int64_t mask = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct tax_entry *x = &t->entries[i];

		if (x->dim == e->dim && x->topic_bit >= 0 &&
		    x->topic_bit < 63 && leads_to(t, x, e))
			mask |= (int64_t)1 << x->topic_bit;
	}
	return mask;
}

/* More than QUERY_MAX_VALUES values on one dimension once the codes
 * retired onto those given are counted: value, how many (at least). */
int
qfilter_too_many(const struct qfilter *f, const char *name, size_t more,
                 struct field_error *fe)
{
	char n[32];

	snprintf(n, sizeof n, "%zu", (size_t)f->nvalues + more);
	field_error_set(fe, "filters",
	                "%s: %s values or more with the codes retired onto "
	                "those given; at most %d",
	                name, n, QUERY_MAX_VALUES);
	return field_error_range(fe, "too_many", n, NULL, "32");
}

/* A query filter on e also matches the codes retired onto it: their ids
 * join the filter's values (its topic mask is tax_lineage_mask's). */
int
qfilter_add_lineage(struct qfilter *f, const struct taxonomy *t,
                    const struct tax_entry *e, const char *name,
                    struct field_error *fe)
{
	const struct tax_entry *line[QUERY_MAX_VALUES];
	size_t n = tax_lineage(t, e, line, nitems(line));

	for (size_t i = 0; i < n && i < nitems(line); i++) {
		if (line[i] == e)
			continue;
		if (f->nvalues == QUERY_MAX_VALUES)
			return qfilter_too_many(f, name, n - i, fe);
		f->values[f->nvalues++] = xasprintf("%d", line[i]->id);
	}
	return 0;
}
