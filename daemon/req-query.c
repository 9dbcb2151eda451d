/* req-query.c: the general aggregate: rows of (keys, count) and the total,
 * two statements in one pipeline sync, so one snapshot-consistent pair. */
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
};

static int
query_send(PGconn *pg, struct db_op *op)
{
	struct query *q = op->arg;
	const struct query_sql *s = &q->sql;

	if (PQsendQueryParams(pg, s->rows_sql, s->nparams, NULL, s->params,
	                      NULL, NULL, 0) != 1 ||
	    PQsendQueryParams(pg, s->total_sql, s->nparams, NULL, s->params,
	                      NULL, NULL, 0) != 1)
		return -1;
	return 0;
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
query_result(struct db_op *op, const PGresult *res)
{
	struct query *q = op->arg;

	if (q->nresults++ == 0)
		rows_result(q, res);
	else if (PQntuples(res) == 1)
		q->result.total = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
}

static void
query_free(struct query *q)
{
	Callsheet__QueryResult *r = &q->result;

	for (size_t i = 0; i < r->n_rows; i++)
		row_free(r->rows[i]);
	free(r->rows);
	query_sql_free(&q->sql);
	free(q);
}

static void
query_done(struct db_op *op, enum db_status st, const char *err)
{
	struct query *q = op->arg;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	if (st == DB_UNAVAILABLE)
		req_error(q->req, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the database is unreachable; retry shortly");
	else if (st == DB_ERROR) {
		log_error("query failed: %s", err ? err : "?");
		req_error(q->req, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
		          "the query failed on the server; see its log");
	} else {
		q->result.n_group_by = q->sql.ngroup;
		q->result.group_by = (char **)q->sql.group_name;
		resp.body_case = CALLSHEET__RESPONSE__BODY_QUERY_RESULT;
		resp.query_result = &q->result;
		req_reply(q->req, &resp);
	}
	query_free(q);
}

void
req_query(struct req *r)
{
	struct query *q;
	struct qplan plan;
	struct field_error fe;

	if (taxonomy == NULL) {
		req_error(r, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the server is still loading its code tables; "
		          "retry shortly");
		return;
	}
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
	q->op.send = query_send;
	q->op.result = query_result;
	q->op.done = query_done;
	q->op.arg = q;
	if (db_submit(&q->op) != 0) {
		req_error(r, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the database is unreachable; retry shortly");
		query_free(q);
	}
}
