/* sheet-row.c: a stored sheet as export and check read it (SHEET_COLUMNS
 * of db-stmt.c), compared with another, and written back to the wire. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

/* Columns first .. first+10 of row i, as SHEET_COLUMNS selects them. */
int
sheet_row_from_result(const PGresult *res, int i, int first,
                      struct sheet_row *row)
{
	int16_t *codes[] = {&row->call_type, &row->department, &row->caller,
	                    &row->pro_kind,  &row->pro_sector, &row->household,
	                    &row->origin};

	memset(row, 0, sizeof *row);
	if (PQnfields(res) < first + 11 ||
	    uuid_parse(PQgetvalue(res, i, first), row->id) != 0)
		return -1;
	row->call_start = strtoll(PQgetvalue(res, i, first + 1), NULL, 10);
	row->duration_s =
	        (uint32_t)strtoul(PQgetvalue(res, i, first + 2), NULL, 10);
	for (size_t k = 0; k < nitems(codes); k++)
		*codes[k] =
		        (int16_t)atoi(PQgetvalue(res, i, first + 3 + (int)k));
	row->topics = strtoll(PQgetvalue(res, i, first + 10), NULL, 10);
	return 0;
}

/* The same call, whoever logged it. */
bool
sheet_row_same(const struct sheet_row *a, const struct sheet_row *b)
{
	return a->call_start == b->call_start &&
	       a->duration_s == b->duration_s && a->call_type == b->call_type &&
	       a->department == b->department && a->caller == b->caller &&
	       a->pro_kind == b->pro_kind && a->pro_sector == b->pro_sector &&
	       a->household == b->household && a->origin == b->origin &&
	       a->topics == b->topics;
}

/*
 * The wire form: codes point into t, topics (in the taxonomy's order) into
 * *topics, which the caller frees; the id into row. -1 if a code id or a
 * topic bit is not in the taxonomy.
 */
int
sheet_row_to_wire(const struct sheet_row *row, const struct taxonomy *t,
                  Callsheet__Sheet *s, char ***topics)
{
	const int16_t ids[] = {row->call_type, row->department, row->caller,
	                       row->pro_kind,  row->pro_sector, row->household,
	                       row->origin};
	char **slots[] = {&s->call_type, &s->department, &s->caller,
	                  &s->pro_kind,  &s->pro_sector, &s->household,
	                  &s->origin};
	int64_t seen = 0;

	callsheet__sheet__init(s);
	s->id.data = (uint8_t *)row->id;
	s->id.len = CS_UUID_LEN;
	s->call_start = row->call_start;
	s->duration_s = row->duration_s;
	s->has_id = s->has_call_start = s->has_duration_s = true;
	*topics = xcalloc(64, sizeof **topics);
	s->topics = *topics;
	for (size_t i = 0; i < t->n && s->n_topics < 64; i++) {
		const struct tax_entry *e = &t->entries[i];

		if (e->dim != DIM_TOPIC || e->topic_bit < 0 ||
		    ((row->topics >> e->topic_bit) & 1) == 0)
			continue;
		s->topics[s->n_topics++] = e->code;
		seen |= (int64_t)1 << e->topic_bit;
	}
	if (seen != row->topics)
		return -1;
	for (size_t k = 0; k < nitems(ids); k++) {
		const struct tax_entry *e = tax_by_id(t, ids[k]);

		if (ids[k] != 0 && e == NULL)
			return -1;
		*slots[k] = ids[k] != 0 ? e->code : NULL;
	}
	return 0;
}
