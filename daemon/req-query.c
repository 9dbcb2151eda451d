/* req-query.c: the general aggregate: rows of (keys, count) and the total,
 * two statements in one pipeline sync, so one snapshot-consistent pair;
 * with them, the call durations if asked, and the session role's minimum
 * cell size, applied (suppress.c) before the answer leaves. */
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
	uint32_t min_cell;
};

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
	return PQsendQueryPrepared(pg, STMT_MIN_CELL, 1, role, NULL, NULL, 0) ==
	                       1
	               ? 0
	               : -1;
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

	r->n_rows = (size_t)PQntuples(res);
	r->rows = xcalloc(r->n_rows, sizeof *r->rows);
	for (size_t i = 0; i < r->n_rows; i++) {
		Callsheet__Row *row = xmalloc(sizeof *row);

		callsheet__row__init(row);
		row->n_keys = ng;
		row->keys = xcalloc(ng, sizeof *row->keys);
		for (size_t k = 0; k < ng; k++)
			row->keys[k] =
			        key_text(q, k, PQgetvalue(res, (int)i, (int)k),
			                 PQgetisnull(res, (int)i, (int)k));
		row->count =
		        strtoull(PQgetvalue(res, (int)i, (int)ng), NULL, 10);
		r->rows[i] = row;
	}
	if (q->remapped)
		r->n_rows = query_merge_rows(r->rows, r->n_rows, row_free);
}

static void
duration_result(struct query *q, const PGresult *res)
{
	size_t n = (size_t)PQntuples(res);
	uint32_t *seconds = xcalloc(n + 1, sizeof *seconds);
	uint64_t *counts = xcalloc(n + 1, sizeof *counts);

	for (size_t i = 0; i < n; i++) {
		seconds[i] =
		        (uint32_t)strtoul(PQgetvalue(res, (int)i, 0), NULL, 10);
		counts[i] = strtoull(PQgetvalue(res, (int)i, 1), NULL, 10);
	}
	query_duration_stats(seconds, counts, n, &q->duration);
	q->result.duration = &q->duration;
	free(seconds);
	free(counts);
}

static void
query_result(struct db_op *op, const PGresult *res)
{
	struct query *q = op->arg;
	int i = q->nresults++;

	if (i == 0)
		rows_result(q, res);
	else if (i == 1 && PQntuples(res) == 1)
		q->result.total = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	else if (i == 2 && q->sql.duration_sql != NULL)
		duration_result(q, res);
	else if (PQntuples(res) == 1) /* the minimum cell size */
		q->min_cell =
		        (uint32_t)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
}

static void
query_free(struct query *q)
{
	Callsheet__QueryResult *r = &q->result;

	for (size_t i = 0; i < r->n_rows; i++)
		row_free(r->rows[i]);
	free(r->rows);
	suppress_result_free(r);
	query_sql_free(&q->sql);
	free(q);
}

/* On a worker thread: a cross table's secondary suppression may take a
 * while on a large one. */
static void
query_suppress(void *arg)
{
	struct query *q = arg;

	suppress_result(&q->result, q->min_cell);
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

	if (st == DB_OK) {
		q->result.n_group_by = q->sql.ngroup;
		q->result.group_by = (char **)q->sql.group_name;
		if (q->sql.ngroup == 2 && q->min_cell > 1)
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
		req_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, fe.field, "%s",
		          fe.message);
		return;
	}
	q = xcalloc(1, sizeof *q);
	callsheet__query_result__init(&q->result);
	query_sql_build(&plan, cfg->use_rollup, &q->sql);
	qplan_free(&plan);
	q->req = r;
	if (r->conn->session.role == CALLSHEET__ROLE__REPORTER)
		q->min_cell = MIN_CELL_DEFAULT_REPORTER;
	q->op.send = query_send;
	q->op.result = query_result;
	q->op.done = query_done;
	q->op.arg = q;
	if (req_submit(r, &q->op) != 0)
		query_free(q);
}
