/* taxonomy.c: the server's codes and labels on the client side: fetching
 * them, administering them, and looking them up. */
#include <string.h>

#include "libcallsheet.h"

int
cs_get_taxonomy(struct cs_client *c, Callsheet__Taxonomy **out,
                struct cs_error *err)
{
	Callsheet__GetTaxonomy get = CALLSHEET__GET_TAXONOMY__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	get.lang = cs_i18n_french() ? "fr" : "en";
	req.body_case = CALLSHEET__REQUEST__BODY_GET_TAXONOMY;
	req.get_taxonomy = &get;
	*out = (Callsheet__Taxonomy *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_TAXONOMY, err);
	return *out != NULL ? 0 : -1;
}

/* req: one of the taxonomy administration bodies, already set. */
int
cs_taxonomy_change(struct cs_client *c, Callsheet__Request *req,
                   Callsheet__TaxonomyChanged **out, struct cs_error *err)
{
	*out = (Callsheet__TaxonomyChanged *)cs_call_body(
	        c, req, CALLSHEET__RESPONSE__BODY_TAXONOMY_CHANGED, err);
	return *out != NULL ? 0 : -1;
}

const Callsheet__TaxonomyEntry *
cs_tax_find(const Callsheet__Taxonomy *t, const char *dimension,
            const char *code)
{
	for (size_t i = 0; t != NULL && i < t->n_entries; i++)
		if (strcmp(t->entries[i]->dimension, dimension) == 0 &&
		    strcmp(t->entries[i]->code, code) == 0)
			return t->entries[i];
	return NULL;
}

/* The label in the user's language; older servers send only one. */
const char *
cs_tax_label(const Callsheet__TaxonomyEntry *e, bool french)
{
	const char *l = french ? e->label_fr : e->label_en;

	if (l != NULL && *l != '\0')
		return l;
	return e->label != NULL && *e->label != '\0' ? e->label : e->code;
}
