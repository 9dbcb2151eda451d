/* test_taxonomy_edit.c: an administrator's changes checked against the
 * taxonomy: each refusal names the field, the value and the reason. */
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

static struct tax_entry entries[] = {
        {1, DIM_CALL_TYPE, "consultation", "", "", -1, false, 0, 0},
        {2, DIM_CALL_TYPE, "silent", "", "", -1, false, 0, 0},
        {20, DIM_CALLER, "individual", "", "", -1, false, 0, 0},
        {30, DIM_PRO_KIND, "public_body", "", "", -1, false, 0, 0},
        {70, DIM_TOPIC, "entry", "", "", 0, false, 0, 0},
        {71, DIM_TOPIC, "residence", "", "", 1, false, 0, 0},
        {72, DIM_TOPIC, "papers", "", "", 2, true, 0, 0},
        {73, DIM_TOPIC, "old", "", "", 3, true, 71, 0},
};
static struct taxonomy tax = {.version = 5,
                              .timezone = (char *)"Europe/Paris",
                              .entries = entries,
                              .n = nitems(entries)};

#define BAD      CALLSHEET__ERROR_CODE__BAD_REQUEST
#define CONFLICT CALLSHEET__ERROR_CODE__CONFLICT
#define NOTFOUND CALLSHEET__ERROR_CODE__NOT_FOUND

static void
test_add(void)
{
	static const struct {
		const char *dim, *code, *en, *fr;
		Callsheet__ErrorCode want;
		const char *field, *reason;
	} cases[] = {
	        {"topic", "housing", "Housing", "Logement", 0, NULL, NULL},
	        {"department", "2B", "Haute-Corse", "Haute-Corse", 0, NULL,
	         NULL},
	        {"colour", "red", "Red", "Rouge", BAD, "dimension",
	         "unknown_dimension"},
	        {"caller", "robot", "Robot", "Robot", BAD, "dimension",
	         "fixed_dimension"},
	        {"topic", "Housing", "H", "L", BAD, "code", "bad_code"},
	        {"topic", "", "H", "L", BAD, "code", "bad_code"},
	        {"topic", "a_very_long_code_of_more_than_32_chars", "H", "L",
	         BAD, "code", "bad_code"},
	        {"topic", "papers", "Papers", "Papiers", CONFLICT, "code",
	         "exists"},
	        {"topic", "housing", "", "Logement", BAD, "label_en",
	         "bad_label"},
	        {"topic", "housing", "Housing", "Log\nement", BAD, "label_fr",
	         "bad_label"},
	        {"topic", "housing", "Housing", "Logement\xff", BAD, "label_fr",
	         "bad_label"},
	        {"topic", "housing", " Housing", "Logement", BAD, "label_en",
	         "bad_label"},
	};

	for (size_t i = 0; i < nitems(cases); i++) {
		Callsheet__TaxonomyAdd m = CALLSHEET__TAXONOMY_ADD__INIT;
		struct field_error fe = {0};
		Callsheet__ErrorCode rc;

		m.dimension = (char *)cases[i].dim;
		m.code = (char *)cases[i].code;
		m.label_en = (char *)cases[i].en;
		m.label_fr = (char *)cases[i].fr;
		rc = tax_check_add(&tax, &m, &fe);
		CHECK(rc == cases[i].want,
		      "add case %zu: code %d, want %d (%s)", i, rc,
		      cases[i].want, fe.message);
		if (cases[i].want == 0)
			continue;
		CHECK(strcmp(fe.field, cases[i].field) == 0 &&
		              strcmp(fe.reason, cases[i].reason) == 0,
		      "add case %zu: field %s reason %s", i, fe.field,
		      fe.reason);
		CHECK(strstr(fe.message, cases[i].field) != NULL,
		      "add case %zu: the message names the field: %s", i,
		      fe.message);
	}
}

static void
test_topics_full(void)
{
	struct tax_entry many[64];
	struct taxonomy full = {.version = 1,
	                        .timezone = (char *)"Europe/Paris",
	                        .entries = many,
	                        .n = 0};
	Callsheet__TaxonomyAdd m = CALLSHEET__TAXONOMY_ADD__INIT;
	struct field_error fe;
	char codes[63][8];

	for (int i = 0; i < 63; i++) {
		snprintf(codes[i], sizeof codes[i], "t%d", i);
		many[full.n++] = (struct tax_entry){
		        (int16_t)(100 + i), DIM_TOPIC, codes[i], "", "", i,
		        i % 2 == 0,         0,         0};
	}
	m.dimension = "topic";
	m.code = "one_more";
	m.label_en = m.label_fr = "One more";
	CHECK(tax_check_add(&full, &m, &fe) == CONFLICT &&
	              strcmp(fe.reason, "topics_full") == 0,
	      "63 topics, retired ones included, are the most: %s", fe.message);
	full.n = 62;
	CHECK(tax_check_add(&full, &m, &fe) == 0, "62: one more fits");
}

static void
test_rename(void)
{
	Callsheet__TaxonomyRename m = CALLSHEET__TAXONOMY_RENAME__INIT;
	struct field_error fe;

	m.dimension = "topic";
	m.code = "entry";
	CHECK(tax_check_rename(&tax, &m, &fe) == BAD &&
	              strcmp(fe.reason, "missing") == 0,
	      "a rename needs a label");
	m.label_fr = "Entrée sur le territoire";
	CHECK(tax_check_rename(&tax, &m, &fe) == 0, "one label is enough: %s",
	      fe.message);
	m.code = "exit";
	CHECK(tax_check_rename(&tax, &m, &fe) == NOTFOUND &&
	              strcmp(fe.value, "exit") == 0,
	      "an unknown code is not found");
}

static void
test_retire_and_map(void)
{
	static const struct {
		const char *dim, *code, *successor;
		bool map;
		Callsheet__ErrorCode want;
		const char *reason;
	} cases[] = {
	        {"topic", "entry", NULL, false, 0, NULL},
	        {"topic", "entry", "residence", false, 0, NULL},
	        {"topic", "entry", "entry", false, BAD, "bad_successor"},
	        {"topic", "entry", "papers", false, BAD, "bad_successor"},
	        {"topic", "entry", "nothing", false, NOTFOUND, "not_found"},
	        {"topic", "papers", NULL, false, CONFLICT, "already_retired"},
	        {"call_type", "consultation", NULL, false, BAD, "built_in"},
	        {"caller", "individual", NULL, false, BAD, "built_in"},
	        {"pro_kind", "public_body", NULL, false, BAD, "built_in"},
	        {"call_type", "silent", NULL, false, 0, NULL},
	        {"topic", "papers", "residence", true, 0, NULL},
	        {"topic", "old", "entry", true, 0, NULL},
	        {"topic", "entry", "residence", true, CONFLICT, "not_retired"},
	        {"topic", "papers", "old", true, BAD, "bad_successor"},
	};

	for (size_t i = 0; i < nitems(cases); i++) {
		struct field_error fe = {0};
		Callsheet__ErrorCode rc =
		        tax_check_retire(&tax, cases[i].dim, cases[i].code,
		                         cases[i].successor, cases[i].map, &fe);

		CHECK(rc == cases[i].want, "case %zu: code %d, want %d (%s)", i,
		      rc, cases[i].want, fe.message);
		if (cases[i].want != 0)
			CHECK(strcmp(fe.reason, cases[i].reason) == 0,
			      "case %zu: reason %s, want %s", i, fe.reason,
			      cases[i].reason);
	}
}

int
main(void)
{
	test_add();
	test_topics_full();
	test_rename();
	test_retire_and_map();
	return unit_finish();
}
