/* sheet-row.c: a stored sheet as export, check and a change read it
 * (SHEET_COLUMNS of db-stmt.c), compared with another, and written back to
 * the wire. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

/* The columns of a stored sheet from first on, in SHEET_COLUMNS's order:
 * its call time and duration, its codes in sheet_fields[] order (0 for
 * none), its topics. Returns the column after them. */
int
sheet_row_columns(const struct db_row *r, int first, struct sheet_row *row)
{
	int c = first;

	row->call_start = db_int(r, c++);
	row->duration_s = (uint32_t)db_uint(r, c++);
	for (size_t k = 0; k < SHEET_NCODES; k++)
		row->code[k] = (int16_t)db_int(r, c++);
	row->topics = db_int(r, c++);
	return c;
}

/* The id and the columns after it, as SHEET_COLUMNS selects them from
 * column first (the row's width checked by db-req.c). */
int
sheet_row_from_db(const struct db_row *r, int first, struct sheet_row *row)
{
	memset(row, 0, sizeof *row);
	if (uuid_parse(db_text(r, first), row->id) != 0)
		return -1;
	sheet_row_columns(r, first + 1, row);
	return 0;
}

/* A resend, as LogSheet judges one (sheet_insert_batch()): the same
 * account and the same fields. The same fields from another account are
 * another sheet: an account is never told another's content. */
bool
sheet_row_same(const struct sheet_row *a, const struct sheet_row *b)
{
	return a->jurist_id == b->jurist_id && a->call_start == b->call_start &&
	       a->duration_s == b->duration_s && a->topics == b->topics &&
	       memcmp(a->code, b->code, sizeof a->code) == 0;
}

/*
 * The wire form, in w: codes and topics (in the taxonomy's order) point
 * into t. -1 if a code id or a topic bit is not in the taxonomy (the
 * codes it knows are set all the same).
 */
int
sheet_row_to_wire(const struct sheet_row *row, const struct taxonomy *t,
                  struct wire_sheet *w)
{
	Callsheet__Sheet *s = &w->sheet;
	int64_t seen = 0;
	int rc = 0;

	callsheet__sheet__init(s);
	memcpy(w->id, row->id, CS_UUID_LEN);
	s->id.data = w->id;
	s->id.len = CS_UUID_LEN;
	s->call_start = row->call_start;
	s->duration_s = row->duration_s;
	s->has_id = s->has_call_start = s->has_duration_s = true;
	s->topics = w->topics;
	for (size_t i = 0; i < t->n && s->n_topics < SHEET_TOPICS_MAX; i++) {
		const struct tax_entry *e = &t->entries[i];

		if (e->dim != DIM_TOPIC || e->topic_bit < 0 ||
		    ((row->topics >> e->topic_bit) & 1) == 0)
			continue;
		s->topics[s->n_topics++] = e->code;
		seen |= (int64_t)1 << e->topic_bit;
	}
	if (seen != row->topics)
		rc = -1;
	for (size_t k = 0; k < SHEET_NCODES; k++) {
		const struct tax_entry *e =
		        row->code[k] != 0 ? tax_by_id(t, row->code[k]) : NULL;

		if (row->code[k] != 0 && e == NULL)
			rc = -1;
		*sheet_code(s, k) = e != NULL ? e->code : NULL;
	}
	return rc;
}
