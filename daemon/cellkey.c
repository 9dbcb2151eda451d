/* cellkey.c: the part of a cell's key that comes from its description:
 * HMAC-SHA256 under the database's secret salt (schema/0019) of the
 * cell's canonical description, 32 bits, added to the sum of its record
 * keys; pure, no I/O. */
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

char *
cell_desc(const struct qplan *p)
{
	struct strbuf sb = {0};
	int order[QD_N];

	/* the dimensions by rank: a few, sorted by insertion */
	for (int qd = 0; qd < QD_N; qd++) {
		int j = qd;

		for (; j > 0 && desc_rank(order[j - 1]) > desc_rank(qd); j--)
			order[j] = order[j - 1];
		order[j] = qd;
	}
	sb_addf(&sb, "%s..%s", p->from, p->to);
	for (int k = 0; k < QD_N; k++) {
		const struct qfilter *f = &p->filter[order[k]];

		if (f->nvalues == 0)
			continue;
		sb_addf(&sb, "|%s=", qdim(order[k])->name);
		for (int i = 0; i < f->nvalues; i++)
			sb_addf(&sb, "%s%s", i ? "," : "", f->values[i]);
	}
	for (size_t i = 0; i < p->ngroup; i++)
		sb_addf(&sb, "|by %s", qdim(p->group[i])->name);
	return sb_steal(&sb);
}
