/* query.c: an aggregate request checked and turned into parameterized SQL
 * (rows and total); pure, no I/O. Only constant fragments from the table
 * below become SQL text; every value given by a client is a parameter. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

enum qkind {
	Q_COLUMN, /* a taxonomy id column of the sheet */
	Q_TOPIC,  /* a bit of the topics mask, one row per topic */
	Q_JURIST, /* the account that logged the sheet */
	Q_TIME,   /* a calendar part of the call time, in the service zone */
};

struct qdim {
	const char *name;
	enum qkind kind;
	const char *expr;
	enum dim tdim;
	const char *pattern; /* Q_TIME: what a value looks like */
};

/* $3 is always the service's time zone. */
static const struct qdim qdims[] = {
        {"department", Q_COLUMN, "s.department", DIM_DEPARTMENT, NULL},
        {"caller", Q_COLUMN, "s.caller", DIM_CALLER, NULL},
        {"pro_kind", Q_COLUMN, "s.pro_kind", DIM_PRO_KIND, NULL},
        {"pro_sector", Q_COLUMN, "s.pro_sector", DIM_PRO_SECTOR, NULL},
        {"household", Q_COLUMN, "s.household", DIM_HOUSEHOLD, NULL},
        {"origin", Q_COLUMN, "s.origin", DIM_ORIGIN, NULL},
        {"call_type", Q_COLUMN, "s.call_type", DIM_CALL_TYPE, NULL},
        {"topic", Q_TOPIC, "tp.id", DIM_TOPIC, NULL},
        {"jurist", Q_JURIST, "a.name", DIM_NTAXONOMY, NULL},
        {"month", Q_TIME, "to_char(s.call_start AT TIME ZONE $3, 'YYYY-MM')",
         DIM_NTAXONOMY, "YYYY-MM"},
        {"weekday", Q_TIME,
         "extract(isodow FROM s.call_start AT TIME ZONE $3)::int::text",
         DIM_NTAXONOMY, "1 (Monday) to 7 (Sunday)"},
        {"hour", Q_TIME,
         "extract(hour FROM s.call_start AT TIME ZONE $3)::int::text",
         DIM_NTAXONOMY, "0 to 23"},
};

static int qfail(struct field_error *fe, const char *field, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));

static int
qfail(struct field_error *fe, const char *field, const char *fmt, ...)
{
	va_list ap;
	int n;

	fe->field = field;
	n = snprintf(fe->message, sizeof fe->message, "%s: ", field);
	va_start(ap, fmt);
	vsnprintf(fe->message + n, sizeof fe->message - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static const struct qdim *
qdim_find(const char *name)
{
	for (size_t i = 0; i < nitems(qdims); i++)
		if (strcmp(qdims[i].name, name) == 0)
			return &qdims[i];
	return NULL;
}

static const char *
qdim_names(void)
{
	return "department, caller, pro_kind, pro_sector, household, origin, "
	       "call_type, topic, jurist, month, weekday or hour";
}

static int
add_param(struct query_sql *qs, char *owned, struct field_error *fe)
{
	if (qs->nparams == QUERY_MAX_PARAMS) {
		free(owned);
		return qfail(fe, "filters", "too many; at most %d values",
		             QUERY_MAX_PARAMS - 4);
	}
	qs->owned[qs->nparams] = owned;
	qs->params[qs->nparams] = owned;
	return ++qs->nparams;
}

static bool
is_date(const char *s)
{
	int y, m, d;
	char tail;

	return strlen(s) == 10 &&
	       sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
	       isdigit((unsigned char)s[0]) && s[4] == '-' && s[7] == '-' &&
	       y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static bool
is_month(const char *v)
{
	for (size_t i = 0; i < 7; i++)
		if (i == 4 ? v[i] != '-' : !isdigit((unsigned char)v[i]))
			return false;
	return v[7] == '\0' && atoi(v + 5) >= 1 && atoi(v + 5) <= 12;
}

/* A time-part value in the canonical text the SQL expression yields. */
static char *
time_value(const struct qdim *d, const char *v)
{
	long n;
	char *end;

	if (strcmp(d->name, "month") == 0)
		return strlen(v) == 7 && is_month(v) ? xstrdup(v) : NULL;
	n = strtol(v, &end, 10);
	if (end == v || *end != '\0')
		return NULL;
	if (strcmp(d->name, "weekday") == 0 ? (n < 1 || n > 7)
	                                    : (n < 0 || n > 23))
		return NULL;
	return xasprintf("%ld", n);
}

/* A filter on a code also matches the codes retired onto it: their ids
 * join the IN list being written. */
static int
add_predecessors(const struct taxonomy *t, const struct tax_entry *e,
                 struct query_sql *qs, struct strbuf *where,
                 struct field_error *fe)
{
	const struct tax_entry *line[QUERY_MAX_PARAMS];
	size_t n = tax_lineage(t, e, line, nitems(line));
	int p;

	for (size_t i = 0; i < n && i < nitems(line); i++) {
		if (line[i] == e)
			continue;
		if ((p = add_param(qs, xasprintf("%d", line[i]->id), fe)) < 0)
			return -1;
		sb_addf(where, ", $%d", p);
	}
	return 0;
}

/* The condition for every filter on one dimension (values are ORed). */
static int
filter_cond(const Callsheet__Query *q, const struct qdim *d,
            const struct taxonomy *t, struct query_sql *qs,
            struct strbuf *where, struct field_error *fe)
{
	int64_t mask = 0;
	size_t nvals = 0;
	int p;

	for (size_t i = 0; i < q->n_filters; i++) {
		const char *v = q->filters[i]->value;
		const struct tax_entry *e = NULL;
		char *val;

		if (strcmp(q->filters[i]->dimension, d->name) != 0)
			continue;
		switch (d->kind) {
		case Q_COLUMN:
		case Q_TOPIC:
			/* retired codes stay valid in reports */
			if ((e = tax_find(t, d->tdim, v)) == NULL) {
				char *allowed = tax_allowed(t, d->tdim);

				qfail(fe, d->name,
				      "'%.64s' is not a known code; allowed: "
				      "%s",
				      v, allowed);
				free(allowed);
				return -1;
			}
			if (d->kind == Q_TOPIC) {
				mask |= tax_lineage_mask(t, e);
				continue;
			}
			val = xasprintf("%d", e->id);
			break;
		case Q_JURIST:
			val = xstrdup(v);
			break;
		case Q_TIME:
		default:
			if ((val = time_value(d, v)) == NULL)
				return qfail(
				        fe, d->name,
				        "'%.64s' is not allowed; expected %s",
				        v, d->pattern);
			break;
		}
		if ((p = add_param(qs, val, fe)) < 0)
			return -1;
		sb_add(where, nvals++ == 0 ? " AND " : ", ");
		if (nvals == 1) {
			if (d->kind == Q_JURIST)
				sb_add(where, "s.jurist_id IN (SELECT id FROM "
				              "account WHERE name IN (");
			else {
				sb_add(where, d->expr);
				sb_add(where, " IN (");
			}
		}
		sb_addf(where, "$%d", p);
		if (e != NULL && add_predecessors(t, e, qs, where, fe) != 0)
			return -1;
	}
	if (nvals > 0)
		sb_add(where, d->kind == Q_JURIST ? "))" : ")");
	if (mask != 0) {
		if ((p = add_param(qs, xasprintf("%lld", (long long)mask),
		                   fe)) < 0)
			return -1;
		sb_addf(where, " AND (s.topics & $%d::bigint) <> 0", p);
	}
	return 0;
}

static bool
mentions(const Callsheet__Query *q, const char *dim)
{
	for (size_t i = 0; i < q->n_filters; i++)
		if (strcmp(q->filters[i]->dimension, dim) == 0)
			return true;
	for (size_t i = 0; i < q->n_group_by; i++)
		if (strcmp(q->group_by[i], dim) == 0)
			return true;
	return false;
}

static int
build_where(const Callsheet__Query *q, const struct taxonomy *t,
            struct query_sql *qs, struct strbuf *where, struct field_error *fe)
{
	sb_add(where,
	       " WHERE s.voided_at IS NULL"
	       " AND s.call_start >= ($1::date::timestamp AT TIME ZONE $3)"
	       " AND s.call_start < ($2::date::timestamp AT TIME ZONE $3)");
	for (size_t i = 0; i < q->n_filters; i++)
		if (qdim_find(q->filters[i]->dimension) == NULL)
			return qfail(fe, "filter",
			             "unknown dimension '%.64s'; allowed: %s",
			             q->filters[i]->dimension, qdim_names());
	for (size_t i = 0; i < nitems(qdims); i++)
		if (filter_cond(q, &qdims[i], t, qs, where, fe) != 0)
			return -1;
	/* Reports count consultations unless told otherwise. */
	if (!mentions(q, "call_type")) {
		const struct tax_entry *c =
		        tax_find(t, DIM_CALL_TYPE, "consultation");
		int p;

		if (c == NULL)
			return qfail(fe, "call_type",
			             "the taxonomy has no consultation code");
		if ((p = add_param(qs, xasprintf("%d", c->id), fe)) < 0)
			return -1;
		sb_addf(where, " AND s.call_type = $%d", p);
	}
	return 0;
}

static int
check_group_by(const Callsheet__Query *q, struct query_sql *qs,
               const struct qdim *dims[2], struct field_error *fe)
{
	if (q->n_group_by > 2)
		return qfail(fe, "group_by", "%zu dimensions; at most 2",
		             q->n_group_by);
	for (size_t i = 0; i < q->n_group_by; i++) {
		if ((dims[i] = qdim_find(q->group_by[i])) == NULL)
			return qfail(fe, "group_by",
			             "unknown dimension '%.64s'; allowed: %s",
			             q->group_by[i], qdim_names());
		if (i == 1 && dims[0] == dims[1])
			return qfail(fe, "group_by", "'%s' is given twice",
			             dims[1]->name);
		qs->group_name[i] = dims[i]->name;
		qs->key_kind[i] =
		        dims[i]->kind == Q_COLUMN || dims[i]->kind == Q_TOPIC
		                ? KEY_TAXONOMY
		                : KEY_TEXT;
	}
	qs->ngroup = q->n_group_by;
	return 0;
}

int
query_build(const Callsheet__Query *q, const struct taxonomy *t, const char *tz,
            struct query_sql *qs, struct field_error *fe)
{
	const struct qdim *dims[2] = {NULL, NULL};
	struct strbuf where = {0}, sql = {0};
	bool topic = false, jurist = false;

	memset(qs, 0, sizeof *qs);
	if (!is_date(q->from))
		return qfail(fe, "from", "'%.32s' is not a date (YYYY-MM-DD)",
		             q->from);
	if (!is_date(q->to))
		return qfail(fe, "to", "'%.32s' is not a date (YYYY-MM-DD)",
		             q->to);
	if (strcmp(q->from, q->to) >= 0)
		return qfail(fe, "to", "'%s' is not after from '%s'", q->to,
		             q->from);
	add_param(qs, xstrdup(q->from), fe);
	add_param(qs, xstrdup(q->to), fe);
	add_param(qs, xstrdup(tz), fe);
	if (check_group_by(q, qs, dims, fe) != 0 ||
	    build_where(q, t, qs, &where, fe) != 0) {
		sb_free(&where);
		query_sql_free(qs);
		return -1;
	}

	sb_add(&sql, "SELECT count(*) FROM sheet s");
	sb_add(&sql, where.buf);
	qs->total_sql = sb_steal(&sql);

	sb_add(&sql, "SELECT ");
	for (size_t i = 0; i < qs->ngroup; i++) {
		sb_add(&sql, "(");
		sb_add(&sql, dims[i]->expr);
		sb_add(&sql, ")::text, ");
		topic |= dims[i]->kind == Q_TOPIC;
		jurist |= dims[i]->kind == Q_JURIST;
	}
	sb_add(&sql, "count(*) FROM sheet s");
	if (topic)
		sb_add(&sql, " JOIN taxonomy tp ON tp.topic_bit IS NOT NULL"
		             " AND (s.topics >> tp.topic_bit) & 1 = 1");
	if (jurist)
		sb_add(&sql, " JOIN account a ON a.id = s.jurist_id");
	sb_add(&sql, where.buf);
	if (qs->ngroup == 1)
		sb_add(&sql, " GROUP BY 1 ORDER BY 2 DESC, 1");
	else if (qs->ngroup == 2)
		sb_add(&sql, " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2");
	qs->rows_sql = sb_steal(&sql);
	sb_free(&where);
	return 0;
}

void
query_sql_free(struct query_sql *qs)
{
	for (int i = 0; i < qs->nparams; i++)
		free(qs->owned[i]);
	free(qs->rows_sql);
	free(qs->total_sql);
	memset(qs, 0, sizeof *qs);
}
