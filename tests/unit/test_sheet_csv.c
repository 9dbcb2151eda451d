/* test_sheet_csv.c: the sheet CSV: header in any order, each column's
 * checks (with the column at fault), codes against a taxonomy, derived
 * ids (stable, order-blind, distinct for identical rows), the export
 * record, and the period options export shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "sheet-csv.h"
#include "unit.h"

#define ENTRY(dim, c, r, succ)                                                 \
	{                                                                      \
		.base = PROTOBUF_C_MESSAGE_INIT(                               \
		        &callsheet__taxonomy_entry__descriptor),               \
		.dimension = dim, .code = c, .label = c, .has_retired = r,     \
		.retired = r, .successor = succ                                \
	}
static Callsheet__TaxonomyEntry entries[] = {
        ENTRY("call_type", "consultation", 0, NULL),
        ENTRY("call_type", "silent", 0, NULL),
        ENTRY("department", "75", 0, NULL),
        ENTRY("caller", "individual", 0, NULL),
        ENTRY("household", "woman", 0, NULL),
        ENTRY("origin", "africa", 0, NULL),
        ENTRY("topic", "entry", 0, NULL),
        ENTRY("topic", "residence", 0, NULL),
        ENTRY("topic", "papers", 1, "residence"),
};
static Callsheet__TaxonomyEntry *entry_ptrs[nitems(entries)];
static struct code_table codes;

/* The fields of line as a record (no quoting in these tests). */
static void
row_of(struct csv_row *row, const char *line, unsigned lineno)
{
	const char *p = line;

	row->n = 0;
	row->line = lineno;
	for (;;) {
		size_t len = strcspn(p, ",");

		row->fields[row->n++] = xstrndup(p, len);
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
}

static struct sheet_header header;

static int
parse(const char *line, struct csv_row *row, struct sheet_in *in,
      struct sheet_csv_error *err)
{
	row_of(row, line, 2);
	return sheet_from_row(row, &header, &codes, in, err);
}

static void
test_header(void)
{
	struct csv_row row;
	struct sheet_csv_error err;
	char more[256];

	CHECK(strcmp(sheet_csv_header(),
	             "id,call_start,duration_s,call_type,department,caller,"
	             "pro_kind,pro_sector,household,origin,topics") == 0,
	      "the header of docs/DESIGN.md: %s", sheet_csv_header());
	row_of(&row, sheet_csv_header(), 1);
	CHECK(sheet_header_parse(&row, &header, &err) == 0, "the header");
	csv_row_free(&row);
	row_of(&row,
	       "topics,id,call_start,duration_s,call_type,department,caller,"
	       "pro_kind,pro_sector,household,origin",
	       1);
	{
		struct sheet_header h;

		CHECK(sheet_header_parse(&row, &h, &err) == 0 &&
		              h.index[COL_TOPICS] == 0 && h.index[COL_ID] == 1,
		      "any order");
	}
	csv_row_free(&row);
	row_of(&row, "id,call_start,duration_s,call_type,department,caller", 1);
	CHECK(sheet_header_parse(&row, &(struct sheet_header){0}, &err) != 0 &&
	              strstr(err.message, "lacks column 'pro_kind'") != NULL,
	      "missing: %s", err.message);
	csv_row_free(&row);
	snprintf(more, sizeof more, "%s,jurist", sheet_csv_header());
	row_of(&row, more, 1);
	CHECK(sheet_header_parse(&row, &(struct sheet_header){0}, &err) != 0 &&
	              strstr(err.message, "unknown column 'jurist'") != NULL,
	      "unknown: %s", err.message);
	csv_row_free(&row);
	snprintf(more, sizeof more, "%s,id", sheet_csv_header());
	row_of(&row, more, 1);
	CHECK(sheet_header_parse(&row, &(struct sheet_header){0}, &err) != 0 &&
	              strstr(err.message, "'id' appears twice") != NULL,
	      "twice: %s", err.message);
	csv_row_free(&row);
}

static void
test_valid(void)
{
	struct csv_row row;
	struct sheet_in in;
	struct sheet_csv_error err;
	char id[CS_UUID_STRLEN];

	CHECK(parse("0b6f5a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b,"
	            "2025-03-04T10:15:00+01:00,420,,75,individual,,,woman,"
	            "africa,entry;residence",
	            &row, &in, &err) == 0,
	      "valid: %s", err.message);
	uuid_format(in.sheet.id.data, id);
	CHECK(strcmp(id, "0b6f5a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b") == 0 &&
	              !in.derived_id,
	      "its own id: %s", id);
	CHECK(in.sheet.call_start == 1741079700, "call_start %lld",
	      (long long)in.sheet.call_start);
	CHECK(in.sheet.duration_s == 420, "duration");
	CHECK(in.sheet.call_type == NULL && in.sheet.pro_kind == NULL &&
	              strcmp(in.sheet.department, "75") == 0 &&
	              strcmp(in.sheet.household, "woman") == 0,
	      "codes, empty ones absent");
	CHECK(in.sheet.n_topics == 2 &&
	              strcmp(in.sheet.topics[0], "entry") == 0 &&
	              strcmp(in.sheet.topics[1], "residence") == 0,
	      "topics");
	csv_row_free(&row);
	CHECK(parse(",2025-03-04T09:15:00Z,0,silent,,,,,,,", &row, &in, &err) ==
	                      0 &&
	              in.derived_id && in.sheet.n_topics == 0 &&
	              in.sheet.call_start == 1741079700,
	      "a silent call, UTC, no id: %s", err.message);
	csv_row_free(&row);
}

/* The column at fault and the reason, for each kind of mistake. */
static void
test_invalid(void)
{
	/* not static: the columns are found by name */
	const struct {
		const char *line;
		int column;
		const char *reason;
	} cases[] = {
	        {"nope,2025-03-04T10:15:00+01:00,1,,75,,,,,,", COL_ID,
	         "'nope' is not a UUID"},
	        {",2025-03-04T10:15:00,1,,75,,,,,,", COL_CALL_START,
	         "with its UTC offset"},
	        {",2025-02-30T10:15:00+01:00,1,,75,,,,,,", COL_CALL_START,
	         "'2025-02-30T10:15:00+01:00' is not"},
	        {",,1,,75,,,,,,", COL_CALL_START, "'' is not a date"},
	        {",2025-03-04T10:15:00Z,,,75,,,,,,", COL_DURATION,
	         "'' is not a number of seconds from 0 to 86400"},
	        {",2025-03-04T10:15:00Z,86401,,75,,,,,,", COL_DURATION,
	         "'86401'"},
	        {",2025-03-04T10:15:00Z,-1,,75,,,,,,", COL_DURATION, "'-1'"},
	        {",2025-03-04T10:15:00Z,1,call,75,,,,,,",
	         sheet_col_find("call_type"),
	         "'call' is not a known code; allowed: "
	         "consultation, silent"},
	        {",2025-03-04T10:15:00Z,1,,7,,,,,,",
	         sheet_col_find("department"),
	         "'7' is not a known code; allowed: a département code"},
	        {",2025-03-04T10:15:00Z,1,,75,person,,,,,",
	         sheet_col_find("caller"),
	         "'person' is not a known code; allowed: individual"},
	        {",2025-03-04T10:15:00Z,1,,75,,,,,,entry;;residence",
	         COL_TOPICS, "an empty topic"},
	        {",2025-03-04T10:15:00Z,1,,75,,,,,,entry;visa", COL_TOPICS,
	         "'visa' is not a known code; allowed: entry, "
	         "residence"},
	        {",2025-03-04T10:15:00Z,1,,75,,,,,", -1,
	         "10 fields where the header has 11"},
	};

	for (size_t i = 0; i < nitems(cases); i++) {
		struct csv_row row;
		struct sheet_in in;
		struct sheet_csv_error err = {0};
		int rv = parse(cases[i].line, &row, &in, &err);

		CHECK(rv != 0 && err.column == cases[i].column &&
		              strstr(err.message, cases[i].reason) != NULL,
		      "%s: column %d, [%s]", cases[i].line, err.column,
		      err.message);
		csv_row_free(&row);
	}
}

/* A retired code is left to the server, which knows whether the call was
 * before its retirement. */
static void
test_retired_left_to_server(void)
{
	struct csv_row row;
	struct sheet_in in;
	struct sheet_csv_error err = {0};

	CHECK(parse(",2025-03-04T10:15:00Z,1,,75,,,,,,papers", &row, &in,
	            &err) == 0 &&
	              in.sheet.n_topics == 1,
	      "a retired topic passes the local check: %s", err.message);
	csv_row_free(&row);
}

static void
derived(const char *line, unsigned occurrence, uint8_t id[CS_UUID_LEN])
{
	struct csv_row row;
	struct sheet_in in;
	struct sheet_csv_error err;

	if (parse(line, &row, &in, &err) != 0) {
		CHECK(0, "%s: %s", line, err.message);
		return;
	}
	sheet_derive_id(&in, occurrence);
	memcpy(id, in.id, CS_UUID_LEN);
	csv_row_free(&row);
}

static void
test_derived_ids(void)
{
	static const char a[] = ",2025-03-04T10:15:00+01:00,420,,75,"
	                        "individual,,,woman,africa,entry;residence";
	/* the same call: UTC, the default call type spelt out, topics in
	 * another order */
	static const char same[] = ",2025-03-04T09:15:00Z,420,consultation,"
	                           "75,individual,,,woman,africa,"
	                           "residence;entry";
	static const char other[] = ",2025-03-04T10:15:00+01:00,421,,75,"
	                            "individual,,,woman,africa,entry;"
	                            "residence";
	uint8_t x[CS_UUID_LEN], y[CS_UUID_LEN];
	char s[CS_UUID_STRLEN];

	derived(a, 0, x);
	derived(a, 0, y);
	CHECK(memcmp(x, y, CS_UUID_LEN) == 0, "stable");
	uuid_format(x, s);
	CHECK(s[14] == '5' && strchr("89ab", s[19]) != NULL,
	      "a version 5 UUID: %s", s);
	derived(same, 0, y);
	CHECK(memcmp(x, y, CS_UUID_LEN) == 0, "the same call, written "
	                                      "otherwise");
	derived(a, 1, y);
	CHECK(memcmp(x, y, CS_UUID_LEN) != 0, "a second identical row");
	derived(other, 0, y);
	CHECK(memcmp(x, y, CS_UUID_LEN) != 0, "another call");
}

static void
test_seen(void)
{
	struct id_seen *m = id_seen_new();
	uint8_t key[CS_UUID_LEN] = {0}, d1[CS_UUID_LEN] = {1},
	        d2[CS_UUID_LEN] = {2}, fd[CS_UUID_LEN];
	unsigned line, n = 0;

	CHECK(id_seen_add(m, key, d1, 5, &line, fd) == 0, "first");
	CHECK(id_seen_add(m, key, d2, 9, &line, fd) == 1 && line == 5 &&
	              memcmp(fd, d1, CS_UUID_LEN) == 0,
	      "second: the first's line and digest");
	/* many keys: the table grows and forgets nothing */
	for (unsigned i = 0; i < 5000; i++) {
		memcpy(key + 8, &i, sizeof i);
		key[0] = 1;
		id_seen_add(m, key, d1, i, &line, fd);
	}
	for (unsigned i = 0; i < 5000; i++) {
		memcpy(key + 8, &i, sizeof i);
		n += id_seen_add(m, key, d1, 0, &line, fd) == 1 && line == i;
	}
	CHECK(n == 5000, "5000 keys remembered: %u", n);
	id_seen_free(m);
}

static void
test_format(void)
{
	char *topics[] = {"entry", "residence"};
	uint8_t id[CS_UUID_LEN];
	Callsheet__Sheet s = CALLSHEET__SHEET__INIT;
	struct strbuf sb = {0};

	uuid_parse("0b6f5a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", id);
	s.id.data = id;
	s.id.len = CS_UUID_LEN;
	s.duration_s = 60;
	s.call_type = "consultation";
	s.department = "2A";
	s.caller = "individual";
	s.topics = topics;
	s.n_topics = 2;
	sheet_csv_format(&sb, &s, "2025-03-04T10:15:00+01:00");
	CHECK(strcmp(sb.buf, "0b6f5a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b,"
	                     "2025-03-04T10:15:00+01:00,60,consultation,2A,"
	                     "individual,,,,,entry;residence\n") == 0,
	      "record: %s", sb.buf);
	sb_free(&sb);
}

static void
test_period_options(void)
{
	struct period p;
	char why[200], from[DATE_STRLEN], to[DATE_STRLEN];

	CHECK(period_options(NULL, NULL, NULL, NULL, &p, why, sizeof why) == 0,
	      "none");
	CHECK(period_options(NULL, "2024-2", NULL, NULL, &p, why, sizeof why) ==
	              1,
	      "a month");
	date_format(&p.from, from);
	date_format(&p.to, to);
	CHECK(strcmp(from, "2024-02-01") == 0 && strcmp(to, "2024-03-01") == 0,
	      "[%s, %s)", from, to);
	CHECK(period_options(NULL, NULL, "2024-12-31", "2024-12-31", &p, why,
	                     sizeof why) == 1,
	      "one day");
	date_format(&p.to, to);
	CHECK(strcmp(to, "2025-01-01") == 0, "to the next day: %s", to);
	CHECK(period_options("2024", "2024-01", NULL, NULL, &p, why,
	                     sizeof why) == -1 &&
	              strstr(why, "only one") != NULL,
	      "two: %s", why);
	CHECK(period_options(NULL, NULL, "2024-01-01", NULL, &p, why,
	                     sizeof why) == -1 &&
	              strstr(why, "go together") != NULL,
	      "from alone: %s", why);
	CHECK(period_options(NULL, NULL, "2024-02-01", "2024-01-01", &p, why,
	                     sizeof why) == -1 &&
	              strstr(why, "comes before") != NULL,
	      "backwards: %s", why);
	CHECK(period_options("24", NULL, NULL, NULL, &p, why, sizeof why) ==
	                      -1 &&
	              strstr(why, "invalid --year '24'") != NULL,
	      "bad year: %s", why);
}

int
main(void)
{
	Callsheet__Taxonomy tax = CALLSHEET__TAXONOMY__INIT;

	setenv("LANG", "C", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	for (size_t i = 0; i < nitems(entries); i++)
		entry_ptrs[i] = &entries[i];
	tax.entries = entry_ptrs;
	tax.n_entries = nitems(entries);
	code_table_init(&codes, &tax);
	test_header();
	test_valid();
	test_invalid();
	test_retired_left_to_server();
	test_derived_ids();
	test_seen();
	test_format();
	test_period_options();
	code_table_free(&codes);
	return unit_finish();
}
