/* reporter.c: the queries a reporter may send: shapes under which the noise
 * of the cell-key method cannot be differenced or averaged away (see
 * docs/SECURITY.md); pure, no I/O.
 *
 *  - no per-jurist figures (dimension jurist, as a breakdown or a filter);
 *  - one value per filtered dimension: with two (an OR), a hidden cell is
 *    the difference of two totals, and there are as many such pairs as
 *    values to pair it with, each with fresh noise to average;
 *  - a period is one calendar month, quarter or year: with any range of
 *    days (or months), one month is the difference of two ranges in as
 *    many ways as there are days (or months) to end them on.
 * The months not over yet count nothing (query-sql.c reads up to
 * released_until()).
 *
 * Restatements: a reporter gets only each closed period's published and
 * restated totals, whole: a filter, a breakdown or a part of the period
 * would tell which cells the changed sheet was in (its attributes, one
 * comparison per value); req-restate.c refuses a part of a period.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static int
month_index(const char *date, int *day)
{
	int y, m, d;

	if (date == NULL || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	*day = d;
	return y * 12 + (m - 1);
}

static int
period_check(const Callsheet__Query *q, struct field_error *fe)
{
	int dfrom = 0, dto = 0, from = month_index(q->from, &dfrom),
	    to = month_index(q->to, &dto), months = to - from;
	bool bad_from = dfrom != 1 || from < 0;

	if (from >= 0 && to >= 0 && dfrom == 1 && dto == 1 &&
	    (months == 1 || (months == 3 && from % 3 == 0) ||
	     (months == 12 && from % 12 == 0)))
		return 0;
	field_error_set(
	        fe, bad_from ? "from" : "to",
	        "a reporter's period is one calendar month, quarter or year "
	        "(e.g. from 2026-04-01 to 2026-07-01); '%.10s' to '%.10s' is "
	        "not one (other periods would let a figure be computed as the "
	        "difference of two)",
	        q->from ? q->from : "", q->to ? q->to : "");
	return field_error_why(fe, "disclosure", bad_from ? q->from : q->to);
}

static int
filtered_twice(struct field_error *fe, const char *field, const char *dim,
               const char *value)
{
	field_error_set(fe, field,
	                "'%.64s' is filtered twice; a reporter gives one value "
	                "per dimension (two would let a figure be computed as "
	                "the difference of two totals)",
	                dim);
	return field_error_why(fe, "disclosure", value);
}

/* call_types and filters on call_type are one filter (their values are
 * OR'ed): one value in all, the same value twice being one value. The
 * value at fault: the first call type other than the first given. */
static int
call_types_check(const Callsheet__Query *q, struct field_error *fe)
{
	const char *first = NULL;

	for (size_t i = 0; i < q->n_filters + q->n_call_types; i++) {
		const char *v;

		if (i < q->n_filters) {
			if (q->filters[i]->dimension == NULL ||
			    strcmp(q->filters[i]->dimension, "call_type") != 0)
				continue;
			v = q->filters[i]->value;
		} else
			v = q->call_types[i - q->n_filters];
		if (v == NULL)
			continue;
		if (first == NULL)
			first = v;
		else if (strcmp(first, v) != 0)
			return filtered_twice(fe, "call_types", "call_type", v);
	}
	return 0;
}

/* The shapes of query a reporter may ask (FORBIDDEN otherwise, reason
 * "disclosure", the value at fault). */
int
reporter_query_check(const Callsheet__Query *q, struct field_error *fe)
{
	for (size_t i = 0; i < q->n_group_by; i++)
		if (q->group_by[i] != NULL &&
		    strcmp(q->group_by[i], "jurist") == 0) {
			field_error_set(fe, "group_by",
			                "'jurist': per-jurist figures are "
			                "not shown to the reporter role");
			return field_error_why(fe, "disclosure", "jurist");
		}
	for (size_t i = 0; i < q->n_filters; i++) {
		const char *dim = q->filters[i]->dimension;

		if (dim == NULL)
			continue;
		if (strcmp(dim, "jurist") == 0) {
			field_error_set(fe, "filters",
			                "'jurist': per-jurist figures are "
			                "not shown to the reporter role");
			return field_error_why(fe, "disclosure", "jurist");
		}
		for (size_t j = 0; j < i; j++)
			if (q->filters[j]->dimension != NULL &&
			    strcmp(q->filters[j]->dimension, dim) == 0 &&
			    strcmp(q->filters[j]->value,
			           q->filters[i]->value) != 0) {
				char given[140];

				/* the second value, as given */
				snprintf(given, sizeof given, "%.64s=%.64s",
				         dim, q->filters[i]->value);
				return filtered_twice(fe, "filters", dim,
				                      given);
			}
	}
	return call_types_check(q, fe) != 0 ? -1 : period_check(q, fe);
}

int
reporter_restate_check(const Callsheet__Query *q, struct field_error *fe)
{
	if (q->n_filters > 0) {
		char given[140];

		snprintf(given, sizeof given, "%.64s=%.64s",
		         q->filters[0]->dimension, q->filters[0]->value);
		field_error_set(
		        fe, "filters",
		        "'%s': a reporter's restatements are the whole "
		        "closed period's published and restated "
		        "totals, without filters (compared filter by "
		        "filter, they would describe the changed sheet)",
		        given);
		return field_error_why(fe, "disclosure", given);
	}
	if (q->n_call_types > 0) {
		/* call_types is a filter on call_type by another name */
		field_error_set(fe, "call_types",
		                "'%.64s': a reporter's restatements are the "
		                "whole closed period's published and restated "
		                "totals of consultations, without filters",
		                q->call_types[0]);
		return field_error_why(fe, "disclosure", q->call_types[0]);
	}
	if (q->n_group_by > 0) {
		field_error_set(fe, "group_by",
		                "'%.64s': a reporter's restatements are the "
		                "whole closed period's published and restated "
		                "totals, without a breakdown",
		                q->group_by[0] ? q->group_by[0] : "");
		return field_error_why(fe, "disclosure",
		                       q->group_by[0] ? q->group_by[0] : "");
	}
	return 0;
}
