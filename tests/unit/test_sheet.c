/* test_sheet.c: the table of a sheet's coded fields (daemon/sheet.c) reaches
 * every field of Sheet and AmendSheet by name, names the dimensions, and
 * the taxonomy's hashed lookups find what a search in order finds. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"
#include "unit.h"
#include "tax-sample.h"

static void
test_fields(void)
{
	Callsheet__Sheet s = CALLSHEET__SHEET__INIT;
	Callsheet__AmendSheet a = CALLSHEET__AMEND_SHEET__INIT;
	enum dim d;

	for (size_t f = 0; f < SHEET_NCODES; f++) {
		*sheet_code(&s, f) = (char *)sheet_fields[f].name;
		CHECK(dim_parse(sheet_fields[f].name, &d) == 0 && d == f &&
		              strcmp(dim_name(d), sheet_fields[f].name) == 0,
		      "%s is dimension %zu", sheet_fields[f].name, f);
		CHECK(sheet_field_find(sheet_fields[f].name) == (int)f,
		      "%s found", sheet_fields[f].name);
	}
	/* the proto's own fields, set through the table */
	CHECK(strcmp(s.call_type, "call_type") == 0 &&
	              strcmp(s.pro_sector, "pro_sector") == 0 &&
	              strcmp(s.origin, "origin") == 0,
	      "each field at its place in Sheet");
	a.household = "woman";
	CHECK(strcmp(amend_code_get(&a, DIM_HOUSEHOLD), "woman") == 0 &&
	              amend_code_get(&a, DIM_CALLER) == NULL,
	      "and in AmendSheet");
	CHECK(dim_parse("topic", &d) == 0 && d == DIM_TOPIC &&
	              dim_parse("topics", &d) != 0 &&
	              sheet_field_find("topic") < 0,
	      "topic is a dimension, not a coded field");
}

static void
test_words(void)
{
	const char *three[] = {"a", "b", "c", NULL}, *one[] = {"a", NULL};
	char *w = words_or(three), *v = words_or(one);

	CHECK(strcmp(w, "a, b or c") == 0 && strcmp(v, "a") == 0,
	      "words: [%s] [%s]", w, v);
	free(w);
	free(v);
}

static void
test_hashed_lookups(void)
{
	struct taxonomy h = tax;

	tax_index(&h);
	for (size_t i = 0; i < h.n; i++) {
		const struct tax_entry *e = &entries[i];

		CHECK(tax_find(&h, e->dim, e->code) == e &&
		              tax_find(&h, e->dim, e->code) ==
		                      tax_find(&tax, e->dim, e->code),
		      "%s by code", e->code);
		CHECK(tax_by_id(&h, e->id) == e, "%s by id", e->code);
	}
	CHECK(tax_find(&h, DIM_CALLER, "75") == NULL &&
	              tax_find(&h, DIM_DEPARTMENT, "76") == NULL,
	      "a code of another dimension, or none");
	CHECK(tax_by_id(&h, 0) == NULL && tax_by_id(&h, 12) == NULL &&
	              tax_by_id(&h, 999) == NULL && tax_by_id(&h, -3) == NULL,
	      "ids no entry has");
	free(h.by_code);
	free(h.by_id);
}

int
main(void)
{
	test_fields();
	test_words();
	test_hashed_lookups();
	return unit_finish();
}
