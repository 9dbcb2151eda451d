/* query.c: an aggregate request checked and resolved into a plan: the
 * period, the filter values as ids, the group-by dimensions; pure, no I/O.
 * query-sql.c turns a plan into SQL. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

/*
 * Every dimension a query may name: each coded field of a sheet
 * (sheet_fields[], at its enum dim), then these. sheet_expr computes it
 * on a sheet (alias s; $3 is the service time zone); rollup_dim and
 * rollup_expr say where the rollup keeps it (alias r), -1 when it does
 * not.
 */
static const struct qdim other_dims[QD_N - QD_TOPIC] = {
        {"topic", Q_TOPIC, DIM_TOPIC, "tp.id", 6, "tp.id", NULL},
        {"jurist", Q_JURIST, DIM_NTAXONOMY, "a.name", 7, "a.name", NULL},
        {"month", Q_TIME, DIM_NTAXONOMY,
         "to_char(s.call_start AT TIME ZONE $3, 'YYYY-MM')", RD_MONTH,
         "to_char(r.month, 'YYYY-MM')", "YYYY-MM"},
        {"weekday", Q_TIME, DIM_NTAXONOMY,
         "extract(isodow FROM s.call_start AT TIME ZONE $3)::int", 8,
         "r.code / 24", "1 (Monday) to 7 (Sunday)"},
        {"hour", Q_TIME, DIM_NTAXONOMY,
         "extract(hour FROM s.call_start AT TIME ZONE $3)::int", 8,
         "r.code % 24", "0 to 23"},
};

/* The dimensions, made once; and their names, NULL-ended, for
 * Error.allowed. */
static struct qdim qdims[QD_N];
static const char *qdim_list[QD_N + 1];

const struct qdim *
qdim(int qd)
{
	if (qdims[0].name == NULL) {
		for (size_t f = 0; f < SHEET_NCODES; f++) {
			const struct sheet_field *sf = &sheet_fields[f];

			qdims[f] = (struct qdim){sf->name,
			                         Q_COLUMN,
			                         (enum dim)f,
			                         xasprintf("s.%s", sf->name),
			                         sf->rollup_dim,
			                         sf->rollup_expr,
			                         NULL};
		}
		for (int i = QD_TOPIC; i < QD_N; i++)
			qdims[i] = other_dims[i - QD_TOPIC];
		for (int i = 0; i < QD_N; i++)
			qdim_list[i] = qdims[i].name;
	}
	return &qdims[qd];
}

static int
qdim_find(const char *name)
{
	for (int i = 0; i < QD_N; i++)
		if (strcmp(qdim(i)->name, name) == 0)
			return i;
	return -1;
}

#define QUERY_MAX_VALUES_TEXT "32"

/* "a, b or c": the dimensions, for messages. */
static const char *
qdim_names(void)
{
	static char *names;

	if (names == NULL) {
		qdim(0);
		names = words_or(qdim_list);
	}
	return names;
}

/* A calendar date YYYY-MM-DD that exists (not 2025-02-30), 1900-9998. */
static bool
is_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1900 ||
	    y > 9998 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return m != 2 || d != 29 || (y % 4 == 0 && y % 100 != 0) ||
	       y % 400 == 0;
}

static bool
is_month(const char *v)
{
	for (size_t i = 0; i < 7; i++)
		if (i == 4 ? v[i] != '-' : !isdigit((unsigned char)v[i]))
			return false;
	return v[7] == '\0' && atoi(v + 5) >= 1 && atoi(v + 5) <= 12;
}

/* A time-part value in the canonical text the SQL expressions yield. */
static char *
time_value(int qd, const char *v)
{
	long n;
	char *end;

	if (qd == QD_MONTH)
		return strlen(v) == 7 && is_month(v) ? xstrdup(v) : NULL;
	/* unpadded digits, as the keys are: 7, not 07 or +7 */
	if (!isdigit((unsigned char)v[0]) || (v[0] == '0' && v[1] != '\0'))
		return NULL;
	n = strtol(v, &end, 10);
	if (end == v || *end != '\0')
		return NULL;
	if (qd == QD_WEEKDAY ? (n < 1 || n > 7) : (n < 0 || n > 23))
		return NULL;
	return xasprintf("%ld", n);
}

/* One filter value, checked and made canonical (ids for codes); the same
 * value twice counts once. field: "filters" (given: dimension=value) or
 * "call_types" (given: the code). */
static int
resolve_value(int qd, const char *v, const char *field,
              const struct taxonomy *t, struct qfilter *f,
              struct field_error *fe)
{
	const struct qdim *d = qdim(qd);
	const struct tax_entry *e = NULL;
	bool filters = strcmp(field, "filters") == 0;
	char *val;
	char given[128], dim[40];

	snprintf(given, sizeof given, "%s%s%.64s", filters ? d->name : "",
	         filters ? "=" : "", v);
	snprintf(dim, sizeof dim, "%s%s", filters ? d->name : "",
	         filters ? ": " : "");
	switch (d->kind) {
	case Q_COLUMN:
	case Q_TOPIC:
		/* retired codes stay valid in reports */
		if ((e = tax_find(t, d->tdim, v)) == NULL) {
			char *allowed = tax_allowed(t, d->tdim);

			field_error_set(fe, field,
			                "%s'%.64s' is not a known code; "
			                "allowed: %s",
			                dim, v, allowed);
			free(allowed);
			field_error_why(fe, "unknown_code", given);
			fe->allowed_dim = (int)d->tdim;
			return -1;
		}
		/* a retired code matches what its successor matches: the
		 * successor's sheets, and those of every code retired onto it
		 */
		e = tax_current(t, e);
		if (d->kind == Q_TOPIC)
			f->topic_mask |= tax_lineage_mask(t, e);
		val = xasprintf("%d", e->id);
		break;
	case Q_JURIST:
		if (*v == '\0') {
			field_error_set(fe, field,
			                "jurist: '' matches nothing; give an "
			                "account name");
			return field_error_why(fe, "invalid", given);
		}
		val = xstrdup(v);
		break;
	case Q_TIME:
	default:
		if ((val = time_value(qd, v)) == NULL) {
			field_error_set(fe, field,
			                "%s'%.64s' is not allowed; "
			                "expected %s",
			                dim, v, d->pattern);
			return field_error_range(fe, "invalid", given, NULL,
			                         d->pattern);
		}
		break;
	}
	for (int i = 0; i < f->nvalues; i++)
		if (strcmp(f->values[i], val) == 0) { /* given already */
			free(val);
			return 0;
		}
	if (f->nvalues == QUERY_MAX_VALUES) {
		/* with the codes retired onto those given */
		free(val);
		return qfilter_too_many(f, d->name, 1, fe);
	}
	f->values[f->nvalues++] = val;
	/* year-on-year: the codes retired onto this one match too */
	return e != NULL ? qfilter_add_lineage(f, t, e, d->name, fe) : 0;
}

/* How many different values dimension qd is given (call_types count as
 * filters on call_type); at most QUERY_MAX_PARAMS in all (checked). */
static size_t
distinct_values(const Callsheet__Query *q, int qd)
{
	const char *seen[QUERY_MAX_PARAMS];
	size_t nseen = 0;

	for (size_t i = 0; i < q->n_filters + q->n_call_types; i++) {
		bool filter = i < q->n_filters;
		const char *dim =
		        filter ? q->filters[i]->dimension : "call_type";
		const char *v = filter ? q->filters[i]->value
		                       : q->call_types[i - q->n_filters];
		size_t k = 0;

		if (qdim_find(dim) != qd)
			continue;
		while (k < nseen && strcmp(seen[k], v) != 0)
			k++;
		if (k == nseen && nseen < nitems(seen))
			seen[nseen++] = v;
	}
	return nseen;
}

static int
resolve_filters(const Callsheet__Query *q, const struct taxonomy *t,
                struct qplan *p, struct field_error *fe)
{
	/* room for the period, the zone and the default call type */
	if (q->n_filters + q->n_call_types > QUERY_MAX_PARAMS - 4) {
		char n[32], most[32];

		snprintf(n, sizeof n, "%zu", q->n_filters + q->n_call_types);
		snprintf(most, sizeof most, "%d", QUERY_MAX_PARAMS - 4);
		field_error_set(fe, "filters", "%s given; at most %s", n, most);
		return field_error_range(fe, "too_many", n, NULL, most);
	}
	for (size_t i = 0; i < q->n_filters; i++) {
		int qd = qdim_find(q->filters[i]->dimension);
		char given[140];

		if (qd < 0) {
			snprintf(given, sizeof given, "%.64s=%.64s",
			         q->filters[i]->dimension,
			         q->filters[i]->value);
			field_error_set(fe, "filters",
			                "unknown dimension '%.64s'; "
			                "allowed: %s",
			                q->filters[i]->dimension, qdim_names());
			return field_error_list(fe, "unknown_dimension", given,
			                        qdim_list);
		}
	}
	for (int qd = 0; qd < QD_N; qd++) {
		size_t n = distinct_values(q, qd);
		/* call_types alone: their field */
		const char *field = "filters";
		char many[32];

		if (n <= QUERY_MAX_VALUES)
			continue;
		if (qd == DIM_CALL_TYPE && q->n_call_types > 0)
			field = "call_types";
		snprintf(many, sizeof many, "%zu", n);
		field_error_set(fe, field,
		                "%s: %s different values; at most %s",
		                qdim(qd)->name, many, QUERY_MAX_VALUES_TEXT);
		return field_error_range(fe, "too_many", many, NULL,
		                         QUERY_MAX_VALUES_TEXT);
	}
	for (size_t i = 0; i < q->n_filters; i++)
		if (resolve_value(
		            qdim_find(q->filters[i]->dimension),
		            q->filters[i]->value, "filters", t,
		            &p->filter[qdim_find(q->filters[i]->dimension)],
		            fe) != 0)
			return -1;
	/* call_types: filters on call_type by another name */
	for (size_t i = 0; i < q->n_call_types; i++)
		if (resolve_value(DIM_CALL_TYPE, q->call_types[i], "call_types",
		                  t, &p->filter[DIM_CALL_TYPE], fe) != 0)
			return -1;
	return 0;
}

static int
resolve_group_by(const Callsheet__Query *q, struct qplan *p,
                 struct field_error *fe)
{
	if (q->n_group_by > 2) {
		char n[32];

		snprintf(n, sizeof n, "%zu", q->n_group_by);
		field_error_set(fe, "group_by", "%s dimensions; at most 2", n);
		return field_error_range(fe, "too_many", n, NULL, "2");
	}
	for (size_t i = 0; i < q->n_group_by; i++) {
		if ((p->group[i] = qdim_find(q->group_by[i])) < 0) {
			field_error_set(fe, "group_by",
			                "unknown dimension '%.64s'; "
			                "allowed: %s",
			                q->group_by[i], qdim_names());
			return field_error_list(fe, "unknown_dimension",
			                        q->group_by[i], qdim_list);
		}
		if (i == 1 && p->group[0] == p->group[1]) {
			field_error_set(fe, "group_by", "'%s' is given twice",
			                qdim(p->group[1])->name);
			return field_error_why(fe, "repeated",
			                       qdim(p->group[1])->name);
		}
	}
	p->ngroup = q->n_group_by;
	return 0;
}

bool
qplan_mentions_group(const struct qplan *p, int qd)
{
	for (size_t i = 0; i < p->ngroup; i++)
		if (p->group[i] == qd)
			return true;
	return false;
}

bool
qplan_mentions(const struct qplan *p, int qd)
{
	return qplan_mentions_group(p, qd) || p->filter[qd].nvalues > 0;
}

int
qplan_build(const Callsheet__Query *q, const struct taxonomy *t,
            struct qplan *p, struct field_error *fe)
{
	memset(p, 0, sizeof *p);
	if (!is_date(q->from)) {
		field_error_set(fe, "from",
		                "'%.32s' is not a calendar date (YYYY-MM-DD, "
		                "a day that exists)",
		                q->from);
		return field_error_range(fe, "bad_date", q->from, "1900-01-01",
		                         "9998-12-31");
	}
	if (!is_date(q->to)) {
		field_error_set(fe, "to",
		                "'%.32s' is not a calendar date (YYYY-MM-DD, "
		                "a day that exists)",
		                q->to);
		return field_error_range(fe, "bad_date", q->to, "1900-01-01",
		                         "9998-12-31");
	}
	if (strcmp(q->from, q->to) >= 0) {
		field_error_set(fe, "to",
		                "'%s' is not after from '%s' (to is the first "
		                "day after the period)",
		                q->to, q->from);
		return field_error_why(fe, "bad_period", q->to);
	}
	p->from = q->from;
	p->to = q->to;
	p->tz = t->timezone;
	p->durations = q->has_duration_stats && q->duration_stats;
	if (resolve_group_by(q, p, fe) != 0 ||
	    resolve_filters(q, t, p, fe) != 0) {
		qplan_free(p);
		return -1;
	}
	/* Consultations only unless call_types, a filter or the group-by
	 * name call_type (Query.call_types, docs/PROTOCOL.md). */
	if (!qplan_mentions(p, DIM_CALL_TYPE)) {
		const struct tax_entry *c =
		        tax_find(t, DIM_CALL_TYPE, "consultation");

		if (c == NULL) {
			qplan_free(p);
			return field_error_set(fe, "call_type",
			                       "the taxonomy has no "
			                       "consultation code");
		}
		p->filter[DIM_CALL_TYPE].values[0] = xasprintf("%d", c->id);
		p->filter[DIM_CALL_TYPE].nvalues = 1;
	}
	return 0;
}

void
qplan_cell(const struct qplan *p, const struct taxonomy *t,
           const char *const *keys, struct qplan *cell)
{
	struct field_error fe;

	memset(cell, 0, sizeof *cell);
	cell->from = p->from;
	cell->to = p->to;
	cell->tz = p->tz;
	for (int qd = 0; qd < QD_N; qd++) {
		const struct qfilter *f = &p->filter[qd];

		for (int i = 0; i < f->nvalues; i++)
			cell->filter[qd].values[i] = xstrdup(f->values[i]);
		cell->filter[qd].nvalues = f->nvalues;
		cell->filter[qd].topic_mask = f->topic_mask;
	}
	for (size_t i = 0; keys != NULL && i < p->ngroup; i++) {
		struct qfilter *f = &cell->filter[p->group[i]];

		if (keys[i] == NULL)
			continue;
		for (int k = 0; k < f->nvalues; k++)
			free(f->values[k]);
		memset(f, 0, sizeof *f);
		/* a key the answer gave is a value a filter takes, but
		 * "" (does not apply), which none does */
		if (keys[i][0] == '\0' ||
		    resolve_value(p->group[i], keys[i], "filters", t, f, &fe) !=
		            0) {
			for (int k = 0; k < f->nvalues; k++)
				free(f->values[k]);
			f->values[0] = xstrdup(keys[i]);
			f->nvalues = 1;
		}
	}
}

void
qplan_free(struct qplan *p)
{
	for (int qd = 0; qd < QD_N; qd++)
		for (int i = 0; i < p->filter[qd].nvalues; i++)
			free(p->filter[qd].values[i]);
	memset(p, 0, sizeof *p);
}

/*
 * Duration statistics from a histogram (seconds ascending, with counts):
 * the count, the exact sum, and the two middle values (positions
 * (N - 1) / 2 and N / 2 from 0), equal when N is odd.
 */
void
query_duration_stats(const uint32_t *seconds, const uint64_t *counts, size_t n,
                     Callsheet__DurationStats *out)
{
	uint64_t total = 0, seen = 0, lo, hi;
	bool have_lo = false;

	callsheet__duration_stats__init(out);
	out->has_median_low_s = out->has_median_high_s = true;
	for (size_t i = 0; i < n; i++) {
		total += counts[i];
		out->sum_s += (uint64_t)seconds[i] * counts[i];
	}
	out->count = total;
	out->has_count = out->has_sum_s = true;
	if (total == 0)
		return;
	lo = (total - 1) / 2;
	hi = total / 2;
	for (size_t i = 0; i < n; i++) {
		seen += counts[i];
		if (!have_lo && seen > lo) {
			out->median_low_s = seconds[i];
			have_lo = true;
		}
		if (seen > hi) {
			out->median_high_s = seconds[i];
			break;
		}
	}
}
