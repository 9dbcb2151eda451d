/* taxonomy.c: the taxonomy as the daemon holds it: dimensions, lookups by
 * code and id, and its building from a query result; pure, no I/O. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static const char *dim_names[] = {
        [DIM_CALL_TYPE] = "call_type",   [DIM_DEPARTMENT] = "department",
        [DIM_CALLER] = "caller",         [DIM_PRO_KIND] = "pro_kind",
        [DIM_PRO_SECTOR] = "pro_sector", [DIM_HOUSEHOLD] = "household",
        [DIM_ORIGIN] = "origin",         [DIM_TOPIC] = "topic",
};

const char *
dim_name(enum dim d)
{
	return d < DIM_NTAXONOMY ? dim_names[d] : "?";
}

int
dim_parse(const char *name, enum dim *out)
{
	for (size_t i = 0; i < nitems(dim_names); i++) {
		if (strcmp(name, dim_names[i]) == 0) {
			*out = (enum dim)i;
			return 0;
		}
	}
	return -1;
}

const struct tax_entry *
tax_find(const struct taxonomy *t, enum dim d, const char *code)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->entries[i].dim == d &&
		    strcmp(t->entries[i].code, code) == 0)
			return &t->entries[i];
	return NULL;
}

const struct tax_entry *
tax_by_id(const struct taxonomy *t, int16_t id)
{
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

/* Rows of the STMT_TAXONOMY statement; each carries the taxonomy version
 * and the service time zone in columns 8 and 9, then its retirement time. */
struct taxonomy *
tax_from_result(const PGresult *res, char **err)
{
	struct taxonomy *t = xcalloc(1, sizeof *t);
	int rows = PQntuples(res);

	if (rows == 0) {
		*err = xstrdup("the taxonomy table is empty");
		free(t);
		return NULL;
	}
	t->version = strtoull(PQgetvalue(res, 0, 8), NULL, 10);
	t->timezone = xstrdup(PQgetvalue(res, 0, 9));
	t->entries = xcalloc((size_t)rows, sizeof *t->entries);
	for (int i = 0; i < rows; i++) {
		struct tax_entry *e = &t->entries[t->n];

		if (dim_parse(PQgetvalue(res, i, 1), &e->dim) != 0) {
			*err = xasprintf("unknown dimension '%s' in taxonomy",
			                 PQgetvalue(res, i, 1));
			tax_free(t);
			return NULL;
		}
		e->id = (int16_t)atoi(PQgetvalue(res, i, 0));
		e->code = xstrdup(PQgetvalue(res, i, 2));
		e->label_en = xstrdup(PQgetvalue(res, i, 3));
		e->label_fr = xstrdup(PQgetvalue(res, i, 4));
		e->topic_bit = atoi(PQgetvalue(res, i, 5));
		e->retired = PQgetvalue(res, i, 6)[0] == 't';
		e->successor_id = (int16_t)atoi(PQgetvalue(res, i, 7));
		e->retired_at = strtoll(PQgetvalue(res, i, 10), NULL, 10);
		t->n++;
	}
	return t;
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
	free(t->timezone);
	free(t);
}
