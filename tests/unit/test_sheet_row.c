/* test_sheet_row.c: a stored sheet back to codes for export (topics in the
 * taxonomy's order, ids the taxonomy lacks refused) and compared with
 * another, whoever logged it. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

static struct tax_entry entries[] = {
        {1, DIM_CALL_TYPE, "consultation", "", "", -1, false, 0, 0},
        {10, DIM_DEPARTMENT, "75", "", "", -1, false, 0, 0},
        {20, DIM_CALLER, "professional", "", "", -1, false, 0, 0},
        {30, DIM_PRO_KIND, "public_body", "", "", -1, false, 0, 0},
        {40, DIM_PRO_SECTOR, "other_public", "", "", -1, false, 0, 0},
        /* taxonomy order, not bit order */
        {71, DIM_TOPIC, "residence", "", "", 3, false, 0, 0},
        {70, DIM_TOPIC, "entry", "", "", 0, false, 0, 0},
        {72, DIM_TOPIC, "work", "", "", 7, false, 0, 0},
};
static struct taxonomy tax = {.version = 3,
                              .timezone = "Europe/Paris",
                              .entries = entries,
                              .n = nitems(entries)};

static struct sheet_row
row(void)
{
	struct sheet_row r;

	memset(&r, 0, sizeof r);
	memset(r.id, 9, CS_UUID_LEN);
	r.call_start = 1741079700;
	r.duration_s = 60;
	r.jurist_id = 4;
	r.code[DIM_CALL_TYPE] = 1;
	r.code[DIM_DEPARTMENT] = 10;
	r.code[DIM_CALLER] = 20;
	r.code[DIM_PRO_KIND] = 30;
	r.code[DIM_PRO_SECTOR] = 40;
	r.topics = (1 << 0) | (1 << 3) | (1 << 7);
	return r;
}

static void
test_to_wire(void)
{
	struct sheet_row r = row();
	struct wire_sheet w;
	Callsheet__Sheet s;

	CHECK(sheet_row_to_wire(&r, &tax, &w) == 0, "known codes");
	s = w.sheet;
	CHECK(s.id.len == CS_UUID_LEN && s.id.data[0] == 9, "id");
	CHECK(s.call_start == 1741079700 && s.duration_s == 60, "time");
	CHECK(strcmp(s.call_type, "consultation") == 0 &&
	              strcmp(s.department, "75") == 0 &&
	              strcmp(s.pro_sector, "other_public") == 0,
	      "codes");
	CHECK(s.household == NULL && s.origin == NULL, "absent ones");
	CHECK(s.n_topics == 3 && strcmp(s.topics[0], "residence") == 0 &&
	              strcmp(s.topics[1], "entry") == 0 &&
	              strcmp(s.topics[2], "work") == 0,
	      "topics in the taxonomy's order");

	r.code[DIM_ORIGIN] = 99;
	CHECK(sheet_row_to_wire(&r, &tax, &w) != 0, "unknown id");
	r = row();
	r.topics |= 1 << 12;
	CHECK(sheet_row_to_wire(&r, &tax, &w) != 0, "a topic bit no code has");
}

static void
test_same(void)
{
	struct sheet_row a = row(), b = row();

	CHECK(sheet_row_same(&a, &b), "the same account, the same fields");
	b.jurist_id = a.jurist_id + 1;
	CHECK(!sheet_row_same(&a, &b),
	      "the same fields from another account: another sheet");
	b = row();
	b.topics ^= 1;
	CHECK(!sheet_row_same(&a, &b), "another topic");
	b = row();
	b.call_start++;
	CHECK(!sheet_row_same(&a, &b), "another second");
	b = row();
	b.code[DIM_PRO_SECTOR] = 0;
	CHECK(!sheet_row_same(&a, &b), "a field dropped");
}

int
main(void)
{
	test_to_wire();
	test_same();
	return unit_finish();
}
