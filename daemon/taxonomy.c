/* taxonomy.c: the taxonomy as the daemon holds it: dimensions, lookups by
 * code and id (hashed), and its building from a query's rows; pure, no
 * I/O. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

const char *
dim_name(enum dim d)
{
	return d < SHEET_NCODES ? sheet_fields[d].name
	       : d == DIM_TOPIC ? "topic"
	                        : "?";
}

int
dim_parse(const char *name, enum dim *out)
{
	int f = sheet_field_find(name);

	if (f < 0 && strcmp(name, "topic") != 0)
		return -1;
	*out = f >= 0 ? (enum dim)f : DIM_TOPIC;
	return 0;
}

/* Every dimension's name, NULL-ended (an Error.allowed list). */
const char *const *
dim_name_list(void)
{
	static const char *names[DIM_NTAXONOMY + 1];

	if (names[0] == NULL)
		for (int d = 0; d < DIM_NTAXONOMY; d++)
			names[d] = dim_name((enum dim)d);
	return names;
}

/* "call_type, ... or topic": every dimension, for messages. */
const char *
dim_names(void)
{
	static char *text;

	if (text == NULL)
		text = words_or(dim_name_list());
	return text;
}

/* FNV-1a of the code, the dimension mixed in. */
static size_t
code_hash(enum dim d, const char *code)
{
	uint64_t h = 0xcbf29ce484222325u ^ (uint64_t)d;

	for (const unsigned char *p = (const unsigned char *)code; *p; p++)
		h = (h ^ *p) * 0x100000001b3u;
	return (size_t)(h ^ h >> 32);
}

/* The lookups' hash tables (open addressing, at most half full). */
void
tax_index(struct taxonomy *t)
{
	int16_t max_id = 0;

	t->code_mask = 15;
	while (t->code_mask + 1 < 2 * t->n)
		t->code_mask = t->code_mask * 2 + 1;
	t->by_code = xcalloc(t->code_mask + 1, sizeof *t->by_code);
	for (size_t i = 0; i < t->n; i++) {
		const struct tax_entry *e = &t->entries[i];
		size_t h = code_hash(e->dim, e->code) & t->code_mask;

		while (t->by_code[h] != 0)
			h = (h + 1) & t->code_mask;
		t->by_code[h] = (uint32_t)i + 1;
		if (e->id > max_id)
			max_id = e->id;
	}
	t->nids = (size_t)max_id + 1;
	t->by_id = xcalloc(t->nids, sizeof *t->by_id);
	for (size_t i = 0; i < t->n; i++)
		if (t->entries[i].id > 0)
			t->by_id[t->entries[i].id] = (uint32_t)i + 1;
}

const struct tax_entry *
tax_find(const struct taxonomy *t, enum dim d, const char *code)
{
	if (t->by_code != NULL) {
		for (size_t h = code_hash(d, code) & t->code_mask;
		     t->by_code[h] != 0; h = (h + 1) & t->code_mask) {
			const struct tax_entry *e =
			        &t->entries[t->by_code[h] - 1];

			if (e->dim == d && strcmp(e->code, code) == 0)
				return e;
		}
		return NULL;
	}
	for (size_t i = 0; i < t->n; i++)
		if (t->entries[i].dim == d &&
		    strcmp(t->entries[i].code, code) == 0)
			return &t->entries[i];
	return NULL;
}

const struct tax_entry *
tax_by_id(const struct taxonomy *t, int16_t id)
{
	if (t->by_id != NULL)
		return id > 0 && (size_t)id < t->nids && t->by_id[id] != 0
		               ? &t->entries[t->by_id[id] - 1]
		               : NULL;
	for (size_t i = 0; i < t->n; i++)
		if (t->entries[i].id == id)
			return &t->entries[i];
	return NULL;
}

/* "a, b or c": the current codes of a dimension, for error messages. */
char *
tax_allowed(const struct taxonomy *t, enum dim d)
{
	struct strbuf sb = {0};
	size_t count = 0, seen = 0;

	if (d == DIM_DEPARTMENT)
		return xstrdup("an INSEE département code (01 to 95, 2A, 2B, "
		               "971 to 976), 99 for abroad, or unknown");
	for (size_t i = 0; i < t->n; i++)
		if (t->entries[i].dim == d && !t->entries[i].retired)
			count++;
	for (size_t i = 0; i < t->n; i++) {
		const struct tax_entry *e = &t->entries[i];

		if (e->dim != d || e->retired)
			continue;
		if (seen > 0)
			sb_add(&sb, ++seen == count ? " or " : ", ");
		else
			seen++;
		sb_add(&sb, e->code);
	}
	return sb_steal(&sb);
}

/* One row of the STMT_TAXONOMY statement into t (the first row sizes it,
 * and carries the taxonomy version and the service time zone in columns
 * 8 and 9; each row its retirement time in column 10): 0, or -1 and
 * *err. tax_index() once the last is in. */
int
tax_add_row(struct taxonomy *t, const struct db_row *r, char **err)
{
	struct tax_entry *e;

	if (t->entries == NULL) {
		t->version = db_uint(r, 8);
		t->timezone = xstrdup(db_text(r, 9));
		t->entries = xcalloc((size_t)db_nrows(r), sizeof *t->entries);
	}
	e = &t->entries[t->n];
	if (dim_parse(db_text(r, 1), &e->dim) != 0) {
		*err = xasprintf("unknown dimension '%s' in taxonomy",
		                 db_text(r, 1));
		return -1;
	}
	e->id = (int16_t)db_int(r, 0);
	e->code = xstrdup(db_text(r, 2));
	e->label_en = xstrdup(db_text(r, 3));
	e->label_fr = xstrdup(db_text(r, 4));
	e->topic_bit = (int)db_int(r, 5);
	e->retired = db_bool(r, 6);
	e->successor_id = (int16_t)db_int(r, 7);
	e->retired_at = db_int(r, 10);
	t->n++;
	return 0;
}

void
tax_free(struct taxonomy *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->entries[i].code);
		free(t->entries[i].label_en);
		free(t->entries[i].label_fr);
	}
	free(t->entries);
	free(t->by_code);
	free(t->by_id);
	free(t->timezone);
	free(t);
}
