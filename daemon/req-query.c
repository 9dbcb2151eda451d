/* req-query.c: the general aggregate: rows of (keys, count) and the total,
 * two statements in one pipeline sync, so one snapshot-consistent pair;
 * a reporter's read from the published rollup of closed periods only (a
 * period with a month not closed is refused);
 * with them, the call durations if asked, and the session role's
 * disclosure policy, applied (suppress.c, or the cell-key method of
 * perturb.c) before the answer leaves. The cell keys read beside the
 * counts stay here. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

struct query {
	struct db_op op;
	struct req *req;
	struct query_sql sql;
	int nresults;
	bool remapped; /* a retired code was reported under its successor */
	Callsheet__QueryResult result;
	Callsheet__DurationStats duration;
	struct disclosure policy;
	uint64_t *row_keys; /* each row's cell key: never sent */
	uint64_t total_key;
	size_t nrows; /* rows allocated, shown or not */
	/* the durations histogram: seconds, counts, cell keys */
	bool has_durations;
	uint32_t *dur_seconds;
	uint64_t *dur_counts, *dur_keys;
	size_t ndur;
	bool reporter;    /* reads published figures of closed periods */
	char *desc;       /* the cell's description (cellkey.c) */
	char *open_month; /* the first month of the period not closed */
};

/* A reporter's period: its first month that no closed period holds. */
#define OPEN_MONTH_SQL                                                         \
	"SELECT to_char(m, 'YYYY-MM') FROM generate_series($1::date,"          \
	" $2::date - 1, interval '1 month') m WHERE NOT EXISTS (SELECT 1"      \
	" FROM closed_period p WHERE p.months @> m::date) ORDER BY 1 LIMIT 1"

static int
query_send(PGconn *pg, struct db_op *op)
{
	struct query *q = op->arg;
	const struct query_sql *s = &q->sql;
	const char *role[1] = {role_name(q->req->conn->session.role)};

	if (PQsendQueryParams(pg, s->rows_sql, s->nparams, NULL, s->params,
	                      NULL, NULL, 0) != 1 ||
	    PQsendQueryParams(pg, s->total_sql, s->nparams, NULL, s->params,
	                      NULL, NULL, 0) != 1)
		return -1;
	if (s->duration_sql != NULL &&
	    PQsendQueryParams(pg, s->duration_sql, s->nparams, NULL, s->params,
	                      NULL, NULL, 0) != 1)
		return -1;
	if (PQsendQueryPrepared(pg, STMT_MIN_CELL, 1, role, NULL, NULL, 0) != 1)
		return -1;
	/* from_rollup's first two parameters are the period's bounds */
	return !q->reporter || PQsendQueryParams(pg, OPEN_MONTH_SQL, 2, NULL,
	                                         s->params, NULL, NULL, 0) == 1
	               ? 0
	               : -1;
}

/* A number of the answer; 0 where the column is absent. */
static uint64_t
u64_at(const PGresult *res, int row, int col)
{
	return col < PQnfields(res)
	               ? strtoull(PQgetvalue(res, row, col), NULL, 10)
	               : 0;
}

static char *
key_text(struct query *q, size_t col, const char *value, bool null)
{
	const struct tax_entry *e, *now;

	if (null)
		return xstrdup("");
	if (q->sql.key_kind[col] == KEY_TAXONOMY &&
	    (e = tax_by_id(taxonomy, (int16_t)atoi(value))) != NULL) {
		/* year-on-year: a retired code counts under its successor */
		now = tax_current(taxonomy, e);
		q->remapped |= now != e;
		return xstrdup(now->code);
	}
	return xstrdup(value);
}

static void
row_free(Callsheet__Row *row)
{
	for (size_t k = 0; k < row->n_keys; k++)
		free(row->keys[k]);
	free(row->keys);
	free(row);
}

static void
rows_result(struct query *q, const PGresult *res)
{
	Callsheet__QueryResult *r = &q->result;
	size_t ng = q->sql.ngroup;

	/* without group-by, the count is the total alone: no rows */
	r->n_rows = ng == 0 ? 0 : (size_t)PQntuples(res);
	r->rows = xcalloc(r->n_rows + 1, sizeof *r->rows);
	q->row_keys = xcalloc(r->n_rows + 1, sizeof *q->row_keys);
	for (size_t i = 0; i < r->n_rows; i++) {
		Callsheet__Row *row = xmalloc(sizeof *row);

		callsheet__row__init(row);
		row->n_keys = ng;
		row->keys = xcalloc(ng, sizeof *row->keys);
		for (size_t k = 0; k < ng; k++)
			row->keys[k] =
			        key_text(q, k, PQgetvalue(res, (int)i, (int)k),
			                 PQgetisnull(res, (int)i, (int)k));
		row->has_count = true;
		row->count = u64_at(res, (int)i, (int)ng);
		q->row_keys[i] = u64_at(res, (int)i, (int)ng + 1);
		r->rows[i] = row;
	}
	if (q->remapped)
		r->n_rows = query_merge_rows(r->rows, q->row_keys, r->n_rows,
		                             row_free);
	q->nrows = r->n_rows;
}

static void
duration_result(struct query *q, const PGresult *res)
{
	size_t n = (size_t)PQntuples(res);
	uint32_t *seconds = xcalloc(n + 1, sizeof *seconds);
	uint64_t *counts = xcalloc(n + 1, sizeof *counts);
	uint64_t *keys = xcalloc(n + 1, sizeof *keys);

	for (size_t i = 0; i < n; i++) {
		seconds[i] =
		        (uint32_t)strtoul(PQgetvalue(res, (int)i, 0), NULL, 10);
		counts[i] = u64_at(res, (int)i, 1);
		keys[i] = u64_at(res, (int)i, 2);
	}
	/* the policy is read after the durations: both wait for it */
	q->dur_seconds = seconds;
	q->dur_counts = counts;
	q->dur_keys = keys;
	q->ndur = n;
	q->has_durations = true;
}

static void
query_result(struct db_op *op, const PGresult *res)
{
	struct query *q = op->arg;
	int i = q->nresults++;

	if (i == 0)
		rows_result(q, res);
	else if (i == 1 && PQntuples(res) == 1) {
		q->result.total = u64_at(res, 0, 0);
		q->total_key = u64_at(res, 0, 1);
	} else if (i == 2 && q->sql.duration_sql != NULL)
		duration_result(q, res);
	else if (i == 2 + (q->sql.duration_sql != NULL))
		disclosure_parse(&q->policy, res); /* the role's policy */
	else if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		q->open_month = xstrdup(PQgetvalue(res, 0, 0));
}

static void
query_free(struct query *q)
{
	Callsheet__QueryResult *r = &q->result;

	for (size_t i = 0; i < q->nrows; i++)
		row_free(r->rows[i]);
	free(r->rows);
	free(q->row_keys);
	free(q->dur_seconds);
	free(q->dur_counts);
	free(q->dur_keys);
	free(q->open_month);
	free(q->desc);
	suppress_result_free(r);
	query_sql_free(&q->sql);
	free(q);
}

/* Each cell's key gets its description's part (cellkey.c): the same
 * question, the same noise; another description of the same sheets,
 * independent noise. */
static void
describe_keys(struct query *q)
{
	const Callsheet__QueryResult *r = &q->result;
	const char *salt = q->policy.salt;

	q->total_key += cell_desc_key(salt, q->desc);
	for (size_t i = 0; i < r->n_rows; i++) {
		struct strbuf sb = {0};
		char *d;

		sb_addf(&sb, "%s|row", q->desc);
		for (size_t k = 0; k < r->rows[i]->n_keys; k++)
			sb_addf(&sb, "|%s", r->rows[i]->keys[k]);
		d = sb_steal(&sb);
		q->row_keys[i] += cell_desc_key(salt, d);
		free(d);
	}
	for (size_t i = 0; i < q->ndur; i++) {
		char *d = xasprintf("%s|duration=%u", q->desc,
		                    (unsigned)q->dur_seconds[i]);

		q->dur_keys[i] += cell_desc_key(salt, d);
		free(d);
	}
}

/* On a worker thread: a cross table's secondary suppression may take a
 * while on a large one. */
static void
query_suppress(void *arg)
{
	struct query *q = arg;
	Callsheet__QueryResult *r = &q->result;
	bool perturb = q->policy.method == DISCLOSE_PERTURB;

	if (perturb)
		describe_keys(q);
	if (q->has_durations) {
		if (perturb)
			perturb_durations(q->dur_seconds, q->dur_counts,
			                  q->dur_keys, q->ndur, &q->policy,
			                  &q->duration);
		else
			query_duration_stats(q->dur_seconds, q->dur_counts,
			                     q->ndur, &q->duration);
		r->duration = &q->duration;
	}
	if (perturb)
		r->n_rows = perturb_result(r, q->row_keys, q->total_key,
		                           &q->policy);
	else
		suppress_result(r, q->policy.min_cell);
}

static void
query_answer(void *arg)
{
	struct query *q = arg;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	resp.body_case = CALLSHEET__RESPONSE__BODY_QUERY_RESULT;
	resp.query_result = &q->result;
	req_reply(q->req, &resp);
	query_free(q);
}

static void
query_done(struct db_op *op, enum db_status st, const char *err)
{
	struct query *q = op->arg;

	if (st == DB_OK && q->open_month != NULL) {
		req_error(q->req, CALLSHEET__ERROR_CODE__FORBIDDEN, "from",
		          "'%s' to '%s' includes %s, which no closed period "
		          "holds: reporters see closed periods only, as "
		          "published when they were closed (an administrator "
		          "closes one with 'callsheet admin close-period')",
		          q->req->msg->query->from, q->req->msg->query->to,
		          q->open_month);
		query_free(q);
		return;
	}
	if (st == DB_OK) {
		q->result.n_group_by = q->sql.ngroup;
		q->result.group_by = (char **)q->sql.group_name;
		if (q->sql.ngroup == 2 && q->policy.min_cell > 1)
			worker_run(query_suppress, query_answer, q);
		else {
			query_suppress(q);
			query_answer(q);
		}
		return;
	}
	if (st == DB_UNAVAILABLE)
		req_error(q->req, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the database is unreachable; retry shortly");
	else {
		log_error("query failed: %s", err ? err : "?");
		req_error(q->req, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
		          "the query failed on the server; see its log");
	}
	query_free(q);
}

void
req_query(struct req *r)
{
	struct query *q;
	struct qplan plan;
	struct field_error fe;

	if (qplan_build(r->msg->query, taxonomy, &plan, &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	if (r->conn->session.role == CALLSHEET__ROLE__REPORTER) {
		if (reporter_query_check(r->msg->query, &fe) != 0) {
			qplan_free(&plan);
			req_fail(r, CALLSHEET__ERROR_CODE__FORBIDDEN, &fe);
			return;
		}
		plan.released = true;
		plan.rollup = "published_rollup";
	}
	q = xcalloc(1, sizeof *q);
	callsheet__query_result__init(&q->result);
	q->result.has_total = true; /* 0 when nothing matched */
	q->reporter = plan.rollup != NULL;
	q->desc = cell_desc(&plan);
	query_sql_build(&plan, cfg->use_rollup || q->reporter, &q->sql);
	if (q->reporter && !q->sql.from_rollup && plan.durations) {
		/* durations are kept for all départements together: a
		 * reporter's answer then comes without them */
		query_sql_free(&q->sql);
		plan.durations = false;
		query_sql_build(&plan, true, &q->sql);
	}
	qplan_free(&plan);
	if (q->reporter && !q->sql.from_rollup) {
		req_error(r, CALLSHEET__ERROR_CODE__FORBIDDEN, "group_by",
		          "this combination of dimensions is not kept in the "
		          "published figures a reporter reads: they hold "
		          "département with one other dimension (weekday with "
		          "hour; jurist, weekday, hour and durations without "
		          "département; one topic at a time)");
		query_free(q);
		return;
	}
	q->req = r;
	disclosure_default(&q->policy, r->conn->session.role);
	q->op.send = query_send;
	q->op.result = query_result;
	q->op.done = query_done;
	q->op.arg = q;
	if (req_submit(r, &q->op) != 0)
		query_free(q);
}
