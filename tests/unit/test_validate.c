/* test_validate.c: sheet validation against a small hand-made taxonomy:
 * every error names the field, the value and what is allowed. */
#include <string.h>
#include <time.h>

#include "callsheetd.h"
#include "unit.h"

#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

#include "tax-sample.h"
static char *topics_ok[] = {"entry", "residence"};

static void
sheet(Callsheet__Sheet *s, uint8_t *id)
{
	callsheet__sheet__init(s);
	memset(id, 7, CS_UUID_LEN);
	s->id.data = id;
	s->id.len = CS_UUID_LEN;
	s->has_id = s->has_call_start = s->has_duration_s = true;
	s->call_start = NOW - 3600;
	s->duration_s = 300;
	s->caller = "individual";
	s->department = "75";
	s->household = "woman";
	s->origin = "africa";
	s->n_topics = 2;
	s->topics = topics_ok;
}

static void
test_valid(void)
{
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct sheet_row row;
	struct field_error fe;

	sheet(&s, id);
	CHECK(validate_sheet(&s, &tax, NOW, &row, &fe) == 0, "valid: %s",
	      fe.message);
	CHECK(row.code[DIM_CALL_TYPE] == 1,
	      "call type defaults to consultation");
	CHECK(row.code[DIM_DEPARTMENT] == 10 && row.code[DIM_CALLER] == 20 &&
	              row.code[DIM_HOUSEHOLD] == 50 &&
	              row.code[DIM_ORIGIN] == 60 && row.code[DIM_PRO_KIND] == 0,
	      "codes become ids, absent ones 0");
	CHECK(row.topics == 3, "topics become a bitmask (got %lld)",
	      (long long)row.topics);
	CHECK(row.duration_s == 300 && row.call_start == NOW - 3600,
	      "time and duration kept");

	s.call_type = "silent";
	s.caller = s.department = s.household = s.origin = NULL;
	s.n_topics = 0;
	CHECK(validate_sheet(&s, &tax, NOW, &row, &fe) == 0 &&
	              row.code[DIM_CALL_TYPE] == 2,
	      "a silent call needs nothing else: %s", fe.message);
}

struct bad {
	const char *field;
	const char *message; /* exact */
	void (*mutate)(Callsheet__Sheet *);
};

static void
b_dept(Callsheet__Sheet *s)
{
	s->department = "20";
}
static void
b_household(Callsheet__Sheet *s)
{
	s->household = "child";
}
static void
b_no_caller(Callsheet__Sheet *s)
{
	s->caller = NULL;
}
static void
b_empty_caller(Callsheet__Sheet *s)
{
	s->caller = "";
}
static void
b_retired(Callsheet__Sheet *s)
{
	static char *t[] = {"papers"};
	s->topics = t;
	s->n_topics = 1;
}
static void
b_pro_origin(Callsheet__Sheet *s)
{
	s->caller = "professional";
	s->household = NULL;
}
static void
b_ind_kind(Callsheet__Sheet *s)
{
	s->pro_kind = "association";
}
static void
b_sector(Callsheet__Sheet *s)
{
	s->caller = "professional";
	s->household = s->origin = NULL;
	s->pro_kind = "association";
	s->pro_sector = "other_public";
}
static void
b_duration(Callsheet__Sheet *s)
{
	s->duration_s = 86401;
}
static void
b_old(Callsheet__Sheet *s)
{
	s->call_start = 100;
}
static void
b_id(Callsheet__Sheet *s)
{
	s->id.len = 15;
}
static void
b_no_topic(Callsheet__Sheet *s)
{
	s->n_topics = 0;
}
static void
b_topic_twice(Callsheet__Sheet *s)
{
	static char *t[] = {"residence", "entry", "residence"};
	s->topics = t;
	s->n_topics = 3;
}

static const struct bad bads[] = {
        {"department",
         "department: '20' is not a known code; allowed: an "
         "INSEE département code (01 to 95, 2A, 2B, 971 to "
         "976), 99 for abroad, or unknown",
         b_dept},
        {"household",
         "household: 'child' is not a known code; allowed: "
         "woman or man",
         b_household},
        {"caller",
         "caller: missing; a consultation says who called "
         "(allowed: individual or professional)",
         b_no_caller},
        {"caller",
         "caller: missing; a consultation says who called "
         "(allowed: individual or professional)",
         b_empty_caller},
        {"topics", "topics: 'papers' is retired; use 'residence' instead",
         b_retired},
        {"origin",
         "origin: 'africa' does not apply to a caller 'professional'; it is "
         "for individuals",
         b_pro_origin},
        {"pro_kind",
         "pro_kind: 'association' does not apply to a caller 'individual'; "
         "it is for professionals",
         b_ind_kind},
        {"pro_sector",
         "pro_sector: 'other_public' applies only when pro_kind is "
         "public_body",
         b_sector},
        {"duration_s",
         "duration_s: 86401 seconds; allowed: 0 to 86400 (24 "
         "hours)",
         b_duration},
        {"call_start",
         "call_start: 100 is not a plausible call time; "
         "allowed: from 2000-01-01T00:00:00Z to 2026-01-02T00:00:00Z (24 "
         "hours from now), in seconds since 1970-01-01T00:00:00Z",
         b_old},
        {"id", "id: 15 bytes; a UUID has 16", b_id},
        {"topics",
         "topics: missing; a consultation has at least one topic "
         "(allowed: entry or residence)",
         b_no_topic},
        {"topics",
         "topics: 'residence' is given more than once; give each topic "
         "once",
         b_topic_twice},
};

static void
test_invalid(void)
{
	for (size_t i = 0; i < nitems(bads); i++) {
		Callsheet__Sheet s;
		uint8_t id[CS_UUID_LEN];
		struct sheet_row row;
		struct field_error fe = {0};

		sheet(&s, id);
		bads[i].mutate(&s);
		CHECK(validate_sheet(&s, &tax, NOW, &row, &fe) != 0,
		      "case %zu (%s) refused", i, bads[i].field);
		CHECK(fe.field != NULL && strcmp(fe.field, bads[i].field) == 0,
		      "case %zu: field %s, got %s", i, bads[i].field,
		      fe.field ? fe.field : "(none)");
		CHECK(strcmp(fe.message, bads[i].message) == 0,
		      "case %zu:\n  got  %s\n  want %s", i, fe.message,
		      bads[i].message);
		/* every refusal says why, for clients that translate */
		CHECK(fe.reason != NULL, "case %zu: a reason", i);
		/* and the value at fault, unless it is missing */
		CHECK(strcmp(fe.reason ? fe.reason : "", "missing") == 0 ||
		              fe.value[0] != '\0' ||
		              strcmp(fe.reason ? fe.reason : "",
		                     "unknown_code") == 0,
		      "case %zu: the value at fault", i);
	}
}

/* A retired code stays valid for a sheet dated before its retirement:
 * an export imported again, an old sheet amended. */
static void
test_retired_before(void)
{
	static char *papers[] = {"papers"};
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct sheet_row row;
	struct field_error fe = {0};

	sheet(&s, id);
	s.topics = papers;
	s.n_topics = 1;
	s.call_start = 1767139200 - 1;
	CHECK(validate_sheet(&s, &tax, NOW, &row, &fe) == 0 &&
	              row.topics == (int64_t)1 << 5,
	      "a call the second before the retirement keeps papers: %s",
	      fe.message);
	s.call_start = 1767139200;
	CHECK(validate_sheet(&s, &tax, NOW, &row, &fe) != 0 &&
	              strncmp(fe.field, "topic", 5) == 0,
	      "a call from the retirement on is refused it");
}

int
main(void)
{
	test_valid();
	test_invalid();
	test_retired_before();
	return unit_finish();
}
