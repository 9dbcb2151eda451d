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

char *
cell_desc(const struct qplan *p)
{
	struct strbuf sb = {0};

	sb_addf(&sb, "%s..%s", p->from, p->to);
	for (int qd = 0; qd < QD_N; qd++) {
		const struct qfilter *f = &p->filter[qd];

		if (f->nvalues == 0)
			continue;
		sb_addf(&sb, "|%s=", qdims[qd].name);
		for (int i = 0; i < f->nvalues; i++)
			sb_addf(&sb, "%s%s", i ? "," : "", f->values[i]);
	}
	for (size_t i = 0; i < p->ngroup; i++)
		sb_addf(&sb, "|by %s", qdims[p->group[i]].name);
	return sb_steal(&sb);
}
