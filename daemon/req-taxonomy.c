/* req-taxonomy.c: the codes and their labels, for clients to show. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

void
req_get_taxonomy(struct req *r)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__Taxonomy tx = CALLSHEET__TAXONOMY__INIT;
	const char *lang = r->msg->get_taxonomy->lang;
	bool fr = lang != NULL && strncmp(lang, "fr", 2) == 0;
	Callsheet__TaxonomyEntry *entries;

	entries = xcalloc(taxonomy->n, sizeof *entries);
	tx.entries = xcalloc(taxonomy->n, sizeof *tx.entries);
	for (size_t i = 0; i < taxonomy->n; i++) {
		const struct tax_entry *e = &taxonomy->entries[i];
		const struct tax_entry *next =
		        tax_by_id(taxonomy, e->successor_id);
		Callsheet__TaxonomyEntry *o = &entries[i];

		callsheet__taxonomy_entry__init(o);
		o->dimension = (char *)dim_name(e->dim);
		o->code = e->code;
		o->label = fr ? e->label_fr : e->label_en;
		o->has_retired = true;
		o->retired = e->retired;
		o->successor = next != NULL ? next->code : NULL;
		tx.entries[i] = o;
	}
	tx.n_entries = taxonomy->n;
	tx.version = taxonomy->version;
	resp.body_case = CALLSHEET__RESPONSE__BODY_TAXONOMY;
	resp.taxonomy = &tx;
	req_reply(r, &resp);
	free(tx.entries);
	free(entries);
}
