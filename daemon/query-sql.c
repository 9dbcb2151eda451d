/* query-sql.c: a query plan turned into parameterized SQL, read from the
 * monthly rollup when the plan allows it, from the sheets otherwise; pure.
 * Only constant fragments become SQL text; every value is a parameter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

/* Beside each count, its cell key: the sum of the sheets' record keys
 * modulo 2^32 (schema/0017), for the cell-key method (perturb.c). */
#define SHEET_CELL_KEY  "mod(coalesce(sum(s.record_key), 0), 4294967296)"
#define ROLLUP_CELL_KEY "mod(coalesce(sum(r.k), 0), 4294967296)"

/* Grouped by topic: each sheet (or the rollup's topic set, schema/0026)
 * joined once to each line of codes (a current code and those retired
 * onto it) it holds a bit of, so a sheet holding a retired code and its
 * successor counts once under the successor; the key is the line's id. */
#define TOPIC_LINE_JOIN(topics)                                                \
	" JOIN topic_line tp ON (" topics " & tp.mask) <> 0"

static int
add_param(struct query_sql *qs, char *value)
{
	qs->owned[qs->nparams] = value;
	qs->params[qs->nparams] = value;
	return ++qs->nparams;
}

/* " AND (topics & $n) <> 0": a filter on topics, the mask of its lines. */
static void
add_topic_filter(struct query_sql *qs, struct strbuf *w, const char *topics,
                 const struct qfilter *f)
{
	sb_addf(w, " AND (%s & $%d::bigint) <> 0", topics,
	        add_param(qs, xasprintf("%lld", (long long)f->topic_mask)));
}

/* " AND expr IN ($a, $b)": the values of one filter, as parameters. */
static void
add_in_list(struct query_sql *qs, struct strbuf *w, const char *expr,
            const struct qfilter *f)
{
	sb_addf(w, " AND %s IN (", expr);
	for (int i = 0; i < f->nvalues; i++)
		sb_addf(w, "%s$%d", i ? ", " : "",
		        add_param(qs, xstrdup(f->values[i])));
	sb_add(w, ")");
}

static void
add_jurist_filter(struct query_sql *qs, struct strbuf *w, const char *col,
                  const struct qfilter *f)
{
	sb_addf(w, " AND %s IN (SELECT id FROM account WHERE true", col);
	add_in_list(qs, w, "name", f);
	sb_add(w, ")");
}

static void
select_keys(const struct qplan *p, struct query_sql *qs, struct strbuf *sql,
            bool rollup)
{
	sb_add(sql, "SELECT ");
	for (size_t i = 0; i < p->ngroup; i++) {
		const struct qdim *d = qdim(p->group[i]);

		sb_addf(sql, "(%s)::text, ",
		        rollup ? d->rollup_expr : d->sheet_expr);
		qs->group_name[i] = d->name;
		qs->key_kind[i] = d->kind == Q_COLUMN || d->kind == Q_TOPIC
		                          ? KEY_TAXONOMY
		                          : KEY_TEXT;
	}
	qs->ngroup = p->ngroup;
}

static void
group_order(const struct qplan *p, struct strbuf *sql)
{
	if (p->ngroup == 1)
		sb_add(sql, " GROUP BY 1 ORDER BY 2 DESC, 1");
	else if (p->ngroup == 2)
		sb_add(sql, " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2");
}

/* The end of the period: for a plan of released months only, never past
 * the start of the month in progress (schema/0017). */
static const char *
to_date(const struct qplan *p)
{
	return p->released ? "least($2::date, released_until())" : "$2::date";
}

/* ------------------------------------------------------- the sheets */

static void
sheet_where(const struct qplan *p, struct query_sql *qs, struct strbuf *w)
{
	sb_add(w, " WHERE s.voided_at IS NULL"
	          " AND s.call_start >= ($1::date::timestamp AT TIME ZONE $3)"
	          " AND s.call_start < (");
	sb_add(w, to_date(p));
	sb_add(w, "::timestamp AT TIME ZONE $3)");
	for (int qd = 0; qd < QD_N; qd++) {
		const struct qfilter *f = &p->filter[qd];

		if (f->nvalues == 0)
			continue;
		if (qdim(qd)->kind == Q_TOPIC)
			add_topic_filter(qs, w, "s.topics", f);
		else if (qdim(qd)->kind == Q_JURIST)
			add_jurist_filter(qs, w, "s.jurist_id", f);
		else
			add_in_list(qs, w, qdim(qd)->sheet_expr, f);
	}
}

static void
from_sheets(const struct qplan *p, struct query_sql *qs)
{
	struct strbuf where = {0}, sql = {0};

	add_param(qs, xstrdup(p->from));
	add_param(qs, xstrdup(p->to));
	add_param(qs, xstrdup(p->tz));
	sheet_where(p, qs, &where);

	sb_add(&sql, "SELECT count(*), " SHEET_CELL_KEY " FROM sheet s");
	sb_add(&sql, where.buf);
	qs->total_sql = sb_steal(&sql);

	select_keys(p, qs, &sql, false);
	sb_add(&sql, "count(*), " SHEET_CELL_KEY " FROM sheet s");
	if (qplan_mentions_group(p, QD_TOPIC))
		sb_add(&sql, TOPIC_LINE_JOIN("s.topics"));
	if (qplan_mentions_group(p, QD_JURIST))
		sb_add(&sql, " JOIN account a ON a.id = s.jurist_id");
	sb_add(&sql, where.buf);
	group_order(p, &sql);
	qs->rows_sql = sb_steal(&sql);
	if (p->durations) {
		sb_add(&sql, "SELECT s.duration_s, count(*), " SHEET_CELL_KEY
		             " FROM sheet s");
		sb_add(&sql, where.buf);
		/* 0: not measured ('callsheet log' without --duration) */
		sb_add(&sql, " AND s.duration_s > 0 GROUP BY 1 ORDER BY 1");
		qs->duration_sql = sb_steal(&sql);
	}
	sb_free(&where);
}

/* ------------------------------------------------------- the rollup */

static bool
month_start(const char *date)
{
	return strcmp(date + 8, "01") == 0;
}

/*
 * The rollup answers when the period is whole months and the query names,
 * besides département, call type and month, at most one dimension (the
 * rollup keeps each dimension per département, never two together).
 * Returns that dimension in *extra (-1 for none).
 */
static bool
rollup_routable(const struct qplan *p, int *extra)
{
	const struct qfilter *topic = &p->filter[QD_TOPIC];

	*extra = -1;
	if (!month_start(p->from) || !month_start(p->to))
		return false;
	for (int qd = 0; qd < QD_N; qd++) {
		int rd = qdim(qd)->rollup_dim;

		if (!qplan_mentions(p, qd))
			continue;
		if (rd < 0) /* not in the rollup: counted on the sheets */
			return false;
		if (rd == RD_DEPARTMENT || rd == RD_CALL_TYPE || rd == RD_MONTH)
			continue;
		if (*extra >= 0 && qdim(*extra)->rollup_dim != rd)
			return false;
		*extra = qd;
	}
	if (*extra < 0)
		return true;
	/* jurist, weekday-hour, duration: kept for all départements together */
	if (RD_GLOBAL_ONLY(qdim(*extra)->rollup_dim) &&
	    qplan_mentions(p, DIM_DEPARTMENT))
		return false;
	/* a sheet has several topics: only one topic may be counted */
	if (*extra == QD_TOPIC &&
	    (topic->nvalues > 1 ||
	     (topic->nvalues == 1 && qplan_mentions_group(p, QD_TOPIC))))
		return false;
	return true;
}

/* The plan's filters on the rollup: the same for every dimension read. */
static void
rollup_filters(const struct qplan *p, struct query_sql *qs, struct strbuf *w)
{
	for (int qd = 0; qd < QD_N; qd++) {
		const struct qfilter *f = &p->filter[qd];
		int rd = qdim(qd)->rollup_dim;

		if (f->nvalues == 0)
			continue;
		if (qdim(qd)->kind == Q_JURIST)
			add_jurist_filter(qs, w, "r.code", f);
		else if (qdim(qd)->kind == Q_TOPIC)
			add_topic_filter(qs, w, "r.code", f);
		else if (rd == RD_DEPARTMENT)
			add_in_list(qs, w, "r.department", f);
		else
			add_in_list(qs, w, qdim(qd)->rollup_expr, f);
	}
}

/* The rows of one rollup dimension in the period, then the filters. */
static void
rollup_where(const struct qplan *p, int dim, const struct strbuf *filters,
             struct strbuf *sql)
{
	sb_addf(sql,
	        " WHERE r.month >= $1::date AND r.month < %s"
	        " AND r.dim = %d AND r.department %s",
	        to_date(p), dim, RD_GLOBAL_ONLY(dim) ? "= -1" : ">= 0");
	sb_add(sql, filters->buf ? filters->buf : "");
}

static void
from_rollup(const struct qplan *p, int extra, struct query_sql *qs)
{
	struct strbuf sql = {0}, filters = {0};
	int rows_dim = extra >= 0 ? qdim(extra)->rollup_dim : RD_TOTAL;
	/* every sheet has exactly one row in each dimension but topic, so
	 * a total can be summed from the filtered dimension, or from 0 */
	int total_dim = extra >= 0 && p->filter[extra].nvalues > 0 ? rows_dim
	                                                           : RD_TOTAL;
	/* a constant name: the rollup, or the published one (restate.c) */
	const char *table = p->rollup != NULL ? p->rollup : "rollup_live";

	qs->from_rollup = true;
	add_param(qs, xstrdup(p->from));
	add_param(qs, xstrdup(p->to));
	rollup_filters(p, qs, &filters);
	sb_addf(&sql,
	        "SELECT coalesce(sum(r.n), 0), " ROLLUP_CELL_KEY " FROM %s r",
	        table);
	rollup_where(p, total_dim, &filters, &sql);
	qs->total_sql = sb_steal(&sql);

	select_keys(p, qs, &sql, true);
	sb_addf(&sql, "sum(r.n), " ROLLUP_CELL_KEY " FROM %s r", table);
	if (qplan_mentions_group(p, QD_JURIST))
		sb_add(&sql, " JOIN account a ON a.id = r.code");
	if (qplan_mentions_group(p, QD_TOPIC))
		sb_add(&sql, TOPIC_LINE_JOIN("r.code"));
	rollup_where(p, rows_dim, &filters, &sql);
	group_order(p, &sql);
	qs->rows_sql = sb_steal(&sql);
	if (p->durations) {
		sb_addf(&sql,
		        "SELECT r.code, sum(r.n), " ROLLUP_CELL_KEY
		        " FROM %s r",
		        table);
		rollup_where(p, RD_DURATION, &filters, &sql);
		/* 0: not measured, as above */
		sb_add(&sql, " AND r.code > 0 GROUP BY 1 ORDER BY 1");
		qs->duration_sql = sb_steal(&sql);
	}
	sb_free(&filters);
}

bool
query_sql_rollup_keeps(const struct qplan *p, int *extra)
{
	/* durations are kept for all départements together, by call type
	 * and month only */
	return rollup_routable(p, extra) &&
	       (!p->durations ||
	        (*extra < 0 && !qplan_mentions(p, DIM_DEPARTMENT)));
}

void
query_sql_build(const struct qplan *p, bool use_rollup, struct query_sql *qs)
{
	int extra;

	memset(qs, 0, sizeof *qs);
	if (use_rollup && query_sql_rollup_keeps(p, &extra))
		from_rollup(p, extra, qs);
	else
		from_sheets(p, qs);
}

void
query_sql_free(struct query_sql *qs)
{
	for (int i = 0; i < qs->nparams; i++)
		free(qs->owned[i]);
	free(qs->rows_sql);
	free(qs->total_sql);
	free(qs->duration_sql);
	memset(qs, 0, sizeof *qs);
}
