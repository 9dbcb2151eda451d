/* cellkey.c: the part of a cell's key that comes from its description:
 * HMAC-SHA256 under the database's secret salt (schema/0019) of the
 * cell's canonical description, 32 bits, added to the sum of its record
 * keys; pure, no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "callsheetd.h"

uint32_t
cell_desc_key(const char *salt, const char *desc)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (HMAC(EVP_sha256(), salt, (int)strlen(salt),
	         (const unsigned char *)desc, strlen(desc), md, &len) == NULL ||
	    len < 4)
		return 0;
	return (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 |
	       (uint32_t)md[2] << 8 | md[3];
}

/*
 * The order the description names the filtered dimensions in. It is
 * frozen: a cell's noise follows from its description, and the figures a
 * reporter was given must not move. A dimension added later comes after
 * these, in qdim() order.
 */
static const char *const desc_order[] = {
        "department", "caller", "pro_kind", "pro_sector", "household", "origin",
        "call_type",  "topic",  "jurist",   "month",      "weekday",   "hour"};

static int
desc_rank(int qd)
{
	for (size_t i = 0; i < nitems(desc_order); i++)
		if (strcmp(desc_order[i], qdim(qd)->name) == 0)
			return (int)i;
	return (int)nitems(desc_order) + qd;
}

static int
by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "YYYY-MM": its first day, and the first day of the next month; false
 * for anything else (a key the answer gave that no filter takes) */
static bool
month_bounds(const char *month, char from[16], char to[16])
{
	int y, m;

	if (strlen(month) != 7 || month[4] != '-' ||
	    strspn(month, "0123456789") != 4 ||
	    strspn(month + 5, "0123456789") != 2)
		return false;
	y = atoi(month);
	m = atoi(month + 5);
	if (m < 1 || m > 12)
		return false;
	snprintf(from, 16, "%04d-%02d-01", y, m);
	snprintf(to, 16, "%04d-%02d-01", m == 12 ? y + 1 : y, m % 12 + 1);
	return true;
}

/*
 * The cell's description, canonical: what defines its set of sheets,
 * whatever question counted it. The period, then each filtered dimension
 * in desc_order with its values sorted. A query's total, the total of
 * the same query with a breakdown, a breakdown's row, a cross table's
 * margin and the total of a query filtered on that row's key are one set
 * described one way (qplan_cell() turns a row into filters), and one
 * month filtered is the period of that month: asking for the same sheets
 * another way gets the same noise, not a fresh draw to average. Another
 * set, even one the data make equal (A, and A and X when every sheet of
 * A is X), is another description: its noise says nothing of that.
 */
char *
cell_desc(const struct qplan *cell)
{
	struct strbuf sb = {0};
	int order[QD_N];
	char from[16], to[16], m0[16], m1[16];
	const struct qfilter *month = &cell->filter[QD_MONTH];
	bool one_month;

	/* the dimensions by rank: a few, sorted by insertion */
	for (int qd = 0; qd < QD_N; qd++) {
		int j = qd;

		for (; j > 0 && desc_rank(order[j - 1]) > desc_rank(qd); j--)
			order[j] = order[j - 1];
		order[j] = qd;
	}
	snprintf(from, sizeof from, "%s", cell->from);
	snprintf(to, sizeof to, "%s", cell->to);
	one_month =
	        month->nvalues == 1 && month_bounds(month->values[0], m0, m1);
	if (one_month) {
		if (strcmp(m0, from) > 0)
			memcpy(from, m0, sizeof from);
		if (strcmp(m1, to) < 0)
			memcpy(to, m1, sizeof to);
	}
	sb_addf(&sb, "%s..%s", from, to);
	for (int k = 0; k < QD_N; k++) {
		const struct qfilter *f = &cell->filter[order[k]];
		char *v[QUERY_MAX_VALUES];

		if (f->nvalues == 0 || (f == month && one_month))
			continue;
		memcpy(v, f->values, (size_t)f->nvalues * sizeof *v);
		qsort(v, (size_t)f->nvalues, sizeof *v, by_text);
		sb_addf(&sb, "|%s=", qdim(order[k])->name);
		for (int i = 0; i < f->nvalues; i++)
			if (i == 0 || strcmp(v[i - 1], v[i]) != 0)
				sb_addf(&sb, "%s%s", i ? "," : "", v[i]);
	}
	return sb_steal(&sb);
}
