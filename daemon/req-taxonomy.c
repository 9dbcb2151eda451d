/* req-taxonomy.c: the codes and their labels, for clients to show. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_get_taxonomy(struct req *r);

const struct req_entry req_get_taxonomy_entry = {
        .body = CALLSHEET__REQUEST__BODY_GET_TAXONOMY,
        .name = "taxonomy",
        .roles = ANYONE | NEEDS_TAXONOMY,
        .states = LOGGED_IN,
        .exec = req_get_taxonomy,
};

/* One code as clients see it; o points into t. */
void
tax_entry_to_wire(const struct taxonomy *t, const struct tax_entry *e, bool fr,
                  Callsheet__TaxonomyEntry *o)
{
	const struct tax_entry *next = tax_by_id(t, e->successor_id);

	callsheet__taxonomy_entry__init(o);
	o->dimension = (char *)dim_name(e->dim);
	o->code = e->code;
	o->label = fr ? e->label_fr : e->label_en;
	o->has_retired = true;
	o->retired = e->retired;
	o->successor = next != NULL ? next->code : NULL;
	o->label_en = e->label_en;
	o->label_fr = e->label_fr;
	if (e->topic_bit >= 0) {
		o->has_topic_bit = true;
		o->topic_bit = e->topic_bit;
	}
}

static void
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
		tax_entry_to_wire(taxonomy, &taxonomy->entries[i], fr,
		                  &entries[i]);
		tx.entries[i] = &entries[i];
	}
	tx.n_entries = taxonomy->n;
	tx.version = taxonomy->version;
	tx.has_version = true;
	tx.timezone = taxonomy->timezone;
	resp.body_case = CALLSHEET__RESPONSE__BODY_TAXONOMY;
	resp.taxonomy = &tx;
	req_reply(r, &resp);
	free(tx.entries);
	free(entries);
}
