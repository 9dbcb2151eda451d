/* restate.c: a query turned into SQL that compares, over the closed
 * periods its period overlaps, the published rollup with the current one,
 * and lists the restatements; pure, no I/O.
 *
 * The rollup counts sheets per month, call type and département, and one
 * other dimension at a time. A query that needs two of those others at
 * once (caller=individual by household), several topics at once, or
 * weekday and hour, cannot be answered from it: for those only the
 * changes are listed. Figures cover the whole months of a closed period
 * inside the query's period. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

enum rkind {
	R_COLUMN, /* a key column of the rollup */
	R_DIM,    /* one of the rollup's dimensions: r.dim, r.code */
	R_NONE,   /* not in the rollup */
};

struct rdim {
	const char *name;
	enum rkind kind;
	const char *key;    /* the row key, as text, '' for none */
	const char *filter; /* what a filter's values are compared with */
	int dim;            /* R_DIM: the rollup's number for it */
	enum dim tdim;      /* the taxonomy of its values, if any */
};

#define DIM_KEY "coalesce(nullif(r.code, 0)::text, '')"
#define MONTH   "to_char(r.month, 'YYYY-MM')"
#define JURISTS "(SELECT a.id FROM account a WHERE a.name IN ("

static const struct rdim rdims[] = {
        {"call_type", R_COLUMN, "r.call_type::text", "r.call_type", 0,
         DIM_CALL_TYPE},
        {"department", R_COLUMN, "coalesce(nullif(r.department, 0)::text, '')",
         "r.department", 0, DIM_DEPARTMENT},
        {"month", R_COLUMN, MONTH, MONTH, 0, DIM_NTAXONOMY},
        {"caller", R_DIM, DIM_KEY, "r.code", 1, DIM_CALLER},
        {"pro_kind", R_DIM, DIM_KEY, "r.code", 2, DIM_PRO_KIND},
        {"pro_sector", R_DIM, DIM_KEY, "r.code", 3, DIM_PRO_SECTOR},
        {"household", R_DIM, DIM_KEY, "r.code", 4, DIM_HOUSEHOLD},
        {"origin", R_DIM, DIM_KEY, "r.code", 5, DIM_ORIGIN},
        {"topic", R_DIM, DIM_KEY, "r.code", 6, DIM_TOPIC},
        {"jurist", R_DIM,
         "coalesce((SELECT a.name FROM account a WHERE a.id = r.code), '')",
         "r.code", 7, DIM_NTAXONOMY},
        {"weekday", R_NONE, NULL, NULL, 0, DIM_NTAXONOMY},
        {"hour", R_NONE, NULL, NULL, 0, DIM_NTAXONOMY},
};

/* The closed periods the query's [$1, $2) overlaps, with the whole months
 * of each inside it: [f, t), empty when f >= t. */
#define BOUNDS_SQL                                                             \
	"WITH b AS (SELECT p.id, lower(p.months) AS pf,"                       \
	" upper(p.months) AS pt,"                                              \
	" greatest(lower(p.months), (date_trunc('month', $1::date - 1)"        \
	"  + interval '1 month')::date) AS f,"                                 \
	" least(upper(p.months), date_trunc('month', $2::date)::date) AS t"    \
	" FROM closed_period p"                                                \
	" WHERE p.months && daterange($1::date, $2::date)) "

static const struct rdim unknown = {"?", R_NONE, NULL, NULL, 0, DIM_NTAXONOMY};

static const struct rdim *
rdim_find(const char *name)
{
	for (size_t i = 0; i < nitems(rdims); i++)
		if (strcmp(rdims[i].name, name) == 0)
			return &rdims[i];
	return NULL;
}

static int
param(struct restate_sql *rs, char *owned)
{
	if (rs->nparams == RESTATE_MAX_PARAMS) {
		free(owned);
		return -1;
	}
	rs->owned[rs->nparams] = owned;
	rs->params[rs->nparams] = owned;
	return ++rs->nparams;
}

/* The value of a filter as the rollup stores it, as a parameter. */
static int
filter_param(struct restate_sql *rs, const struct rdim *d, const char *v,
             const struct taxonomy *t)
{
	const struct tax_entry *e;

	if (d->tdim == DIM_NTAXONOMY)
		return param(rs, xstrdup(v));
	if ((e = tax_find(t, d->tdim, v)) == NULL)
		return -1;
	return param(rs, xasprintf("%d", e->id));
}

/* " AND filter IN ($n, ...)" for the filters on one dimension. */
static int
filter_cond(const Callsheet__Query *q, const struct rdim *d,
            const struct taxonomy *t, struct restate_sql *rs,
            struct strbuf *where, size_t *nvals)
{
	bool jurist = d->dim == 7;
	int p;

	*nvals = 0;
	for (size_t i = 0; i < q->n_filters; i++) {
		if (strcmp(q->filters[i]->dimension, d->name) != 0)
			continue;
		if (d->kind == R_NONE)
			return -1;
		if ((p = filter_param(rs, d, q->filters[i]->value, t)) < 0)
			return -1;
		if ((*nvals)++ == 0)
			sb_addf(where, " AND %s IN %s", d->filter,
			        jurist ? JURISTS : "(");
		else
			sb_add(where, ", ");
		sb_addf(where, "$%d", p);
	}
	if (*nvals > 0)
		sb_add(where, jurist ? "))" : ")");
	return 0;
}

static bool
grouped(const Callsheet__Query *q, const char *name)
{
	for (size_t i = 0; i < q->n_group_by; i++)
		if (strcmp(q->group_by[i], name) == 0)
			return true;
	return false;
}

/*
 * The conditions shared by totals and rows, and the one rollup dimension
 * the query needs (NULL: the total). false if the rollup cannot answer.
 */
static bool
comparable(const Callsheet__Query *q, const struct taxonomy *t,
           struct restate_sql *rs, struct strbuf *where,
           const struct rdim **other, bool *other_filtered)
{
	bool call_type = false;

	*other = NULL;
	*other_filtered = false;
	for (size_t i = 0; i < q->n_group_by; i++)
		if (rdim_find(q->group_by[i]) == NULL ||
		    rdim_find(q->group_by[i])->kind == R_NONE)
			return false;
	for (size_t i = 0; i < q->n_filters; i++)
		if (rdim_find(q->filters[i]->dimension) == NULL)
			return false;
	for (size_t i = 0; i < nitems(rdims); i++) {
		const struct rdim *d = &rdims[i];
		size_t nvals;

		if (filter_cond(q, d, t, rs, where, &nvals) != 0)
			return false;
		if (nvals == 0 && !grouped(q, d->name))
			continue;

		if (d->kind == R_NONE)
			return false;
		call_type |= strcmp(d->name, "call_type") == 0;
		if (d->kind != R_DIM)
			continue;
		if (*other != NULL)
			return false; /* two dimensions at once */
		*other = d;
		*other_filtered = nvals > 0;
		/* a sheet counts once per topic: two topics count it twice */
		if (d->dim == 6 && nvals > 1)
			return false;
	}
	if (!call_type) {
		/* reports count consultations unless told otherwise */
		const struct tax_entry *c =
		        tax_find(t, DIM_CALL_TYPE, "consultation");
		int p;

		if (c == NULL || (p = param(rs, xasprintf("%d", c->id))) < 0)
			return false;
		sb_addf(where, " AND r.call_type = $%d", p);
	}
	return true;
}

/* sum(n) of one rollup table over the compared months, per period and
 * keys. */
static void
sum_select(struct strbuf *sql, const char *table, const char *keys,
           size_t nkeys, int dim, const char *where)
{
	sb_addf(sql, "SELECT b.id%s, sum(r.n) AS n FROM %s r JOIN b ON ", keys,
	        table);
	if (strcmp(table, "published_rollup") == 0)
		sb_add(sql, "r.period_id = b.id AND ");
	sb_addf(sql, "r.month >= b.f AND r.month < b.t WHERE r.dim = %d%s", dim,
	        where);
	sb_add(sql, " GROUP BY 1");
	for (size_t i = 0; i < nkeys; i++)
		sb_addf(sql, ", %zu", i + 2);
}

static void
build_totals(struct restate_sql *rs, int dim, const char *where)
{
	struct strbuf sql = {0};

	sb_add(&sql, BOUNDS_SQL ", pub AS (");
	sum_select(&sql, "published_rollup", "", 0, dim, where);
	sb_add(&sql, "), cur AS (");
	sum_select(&sql, "rollup", "", 0, dim, where);
	sb_add(&sql, ") SELECT b.id, coalesce(pub.n, 0), coalesce(cur.n, 0)"
	             " FROM b LEFT JOIN pub USING (id) LEFT JOIN cur"
	             " USING (id) WHERE b.f < b.t ORDER BY b.pf");
	rs->totals_sql = sb_steal(&sql);
}

/* The rows whose published and current counts differ. */
static void
build_rows(struct restate_sql *rs, const struct rdim *dims[2], int dim,
           const char *where)
{
	struct strbuf sql = {0}, keys = {0}, using = {0};

	for (size_t i = 0; i < rs->ngroup; i++) {
		sb_addf(&keys, ", %s AS k%zu", dims[i]->key, i);
		sb_addf(&using, ", k%zu", i);
	}
	sb_add(&sql, BOUNDS_SQL ", pub AS (");
	sum_select(&sql, "published_rollup", keys.buf, rs->ngroup, dim, where);
	sb_add(&sql, "), cur AS (");
	sum_select(&sql, "rollup", keys.buf, rs->ngroup, dim, where);
	sb_addf(&sql,
	        ") SELECT id%s, coalesce(pub.n, 0), coalesce(cur.n, 0)"
	        " FROM pub FULL JOIN cur USING (id%s)"
	        " WHERE pub.n IS DISTINCT FROM cur.n ORDER BY 1%s",
	        using.buf, using.buf, using.buf);
	rs->rows_sql = sb_steal(&sql);
	sb_free(&keys);
	sb_free(&using);
}

int
restate_build(const Callsheet__Query *q, const struct taxonomy *t,
              const char *tz, struct restate_sql *rs, struct field_error *fe)
{
	struct query_sql check;
	struct strbuf where = {0};
	const struct rdim *other, *dims[2] = {NULL, NULL};
	bool other_filtered;

	memset(rs, 0, sizeof *rs);
	/* the query's own rules say what is a valid query */
	if (query_build(q, t, tz, &check, fe) != 0)
		return -1;
	query_sql_free(&check);
	param(rs, xstrdup(q->from));
	param(rs, xstrdup(q->to));
	rs->ngroup = q->n_group_by;
	for (size_t i = 0; i < q->n_group_by; i++) {
		/* a dimension this file does not know is not comparable */
		if ((dims[i] = rdim_find(q->group_by[i])) == NULL)
			dims[i] = &unknown;
		rs->group_name[i] = q->group_by[i];
		rs->key_dim[i] = dims[i]->tdim;
	}
	rs->periods_sql =
	        xstrdup(BOUNDS_SQL "SELECT b.id, b.pf, b.pt, b.f, b.t FROM b"
	                           " ORDER BY b.pf");
	rs->changes_sql = xstrdup(
	        BOUNDS_SQL
	        "SELECT b.id, extract(epoch FROM a.at)::bigint, u.name,"
	        " a.sheet_id::text, a.action, a.reason"
	        " FROM b JOIN restatement rs ON rs.period_id = b.id"
	        " JOIN audit a ON a.id = rs.audit_id"
	        " JOIN account u ON u.id = a.account_id"
	        " WHERE (a.call_before >= ($1::date::timestamp AT TIME ZONE "
	        "  service_timezone()) AND a.call_before <"
	        "  ($2::date::timestamp AT TIME ZONE service_timezone()))"
	        " OR (a.call_after >= ($1::date::timestamp AT TIME ZONE "
	        "  service_timezone()) AND a.call_after <"
	        "  ($2::date::timestamp AT TIME ZONE service_timezone()))"
	        " ORDER BY b.pf, a.id LIMIT 1000");
	if (!comparable(q, t, rs, &where, &other, &other_filtered)) {
		/* only the two dates are needed by what is left */
		for (int i = 2; i < rs->nparams; i++)
			free(rs->owned[i]);
		rs->nparams = 2;
		sb_free(&where);
		return 0;
	}
	rs->comparable = true;
	build_totals(rs, other_filtered ? other->dim : 0,
	             where.buf ? where.buf : "");
	if (rs->ngroup > 0)
		build_rows(rs, dims, other ? other->dim : 0,
		           where.buf ? where.buf : "");
	sb_free(&where);
	return 0;
}

void
restate_sql_free(struct restate_sql *rs)
{
	for (int i = 0; i < rs->nparams; i++)
		free(rs->owned[i]);
	free(rs->periods_sql);
	free(rs->totals_sql);
	free(rs->rows_sql);
	free(rs->changes_sql);
	memset(rs, 0, sizeof *rs);
}
