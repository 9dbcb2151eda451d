/* req-restate.c: the restatements a report shows: for each closed period
 * the query's period overlaps, the published and the restated figures
 * and the changes that restated them, in one pipeline sync. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

enum rs_stmt { RS_PERIODS, RS_TOTALS, RS_ROWS, RS_CHANGES };

struct restate {
	struct db_op op;
	struct req *req;
	struct restate_sql sql;
	enum rs_stmt order[4];
	size_t norder, nresults;
	Callsheet__Restatements out;
	int *ids; /* the period id of each out.periods[i] */
};

static void
period_free(Callsheet__PeriodRestatements *p)
{
	free(p->period->from);
	free(p->period->to);
	free(p->period);
	if (p->compared != NULL) {
		free(p->compared->from);
		free(p->compared->to);
		free(p->compared);
	}
	for (size_t i = 0; i < p->n_rows; i++) {
		for (size_t k = 0; k < p->rows[i]->n_keys; k++)
			free(p->rows[i]->keys[k]);
		free(p->rows[i]->keys);
		free(p->rows[i]);
	}
	free(p->rows);
	for (size_t i = 0; i < p->n_changes; i++) {
		free(p->changes[i]->user);
		free(p->changes[i]->sheet_id.data);
		free(p->changes[i]->action);
		free(p->changes[i]->reason);
		free(p->changes[i]);
	}
	free(p->changes);
	free(p);
}

static void
restate_free(struct restate *rs)
{
	for (size_t i = 0; i < rs->out.n_periods; i++)
		period_free(rs->out.periods[i]);
	free(rs->out.periods);
	free(rs->ids);
	restate_sql_free(&rs->sql);
	free(rs);
}

static Callsheet__ClosedPeriod *
closed_new(const char *from, const char *to)
{
	Callsheet__ClosedPeriod *c = xmalloc(sizeof *c);

	callsheet__closed_period__init(c);
	c->from = xstrdup(from);
	c->to = xstrdup(to);
	return c;
}

static Callsheet__PeriodRestatements *
period_of(struct restate *rs, const char *id)
{
	int v = atoi(id);

	for (size_t i = 0; i < rs->out.n_periods; i++)
		if (rs->ids[i] == v)
			return rs->out.periods[i];
	return NULL;
}

/* id, from, to, compared from, compared to */
static void
periods_result(struct restate *rs, const PGresult *res)
{
	size_t n = (size_t)PQntuples(res);

	rs->out.periods = xcalloc(n, sizeof *rs->out.periods);
	rs->ids = xcalloc(n, sizeof *rs->ids);
	for (size_t i = 0; i < n; i++) {
		Callsheet__PeriodRestatements *p = xmalloc(sizeof *p);
		int r = (int)i;

		callsheet__period_restatements__init(p);
		p->period = closed_new(PQgetvalue(res, r, 1),
		                       PQgetvalue(res, r, 2));
		if (rs->sql.comparable &&
		    strcmp(PQgetvalue(res, r, 3), PQgetvalue(res, r, 4)) < 0)
			p->compared = closed_new(PQgetvalue(res, r, 3),
			                         PQgetvalue(res, r, 4));
		rs->ids[i] = atoi(PQgetvalue(res, r, 0));
		rs->out.periods[rs->out.n_periods++] = p;
	}
}

/* id, published, restated */
static void
totals_result(struct restate *rs, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res); i++) {
		Callsheet__PeriodRestatements *p =
		        period_of(rs, PQgetvalue(res, i, 0));

		if (p == NULL)
			continue;
		p->has_published_total = p->has_restated_total = true;
		p->published_total = strtoull(PQgetvalue(res, i, 1), NULL, 10);
		p->restated_total = strtoull(PQgetvalue(res, i, 2), NULL, 10);
	}
}

static char *
key_text(const struct restate *rs, size_t k, const char *value)
{
	const struct tax_entry *e;

	if (*value == '\0' || rs->sql.key_dim[k] == DIM_NTAXONOMY)
		return xstrdup(value);
	e = tax_by_id(taxonomy, (int16_t)atoi(value));
	return xstrdup(e != NULL ? e->code : value);
}

/* id, keys..., published, restated */
static void
rows_result(struct restate *rs, const PGresult *res)
{
	size_t ng = rs->sql.ngroup;

	for (int i = 0; i < PQntuples(res); i++) {
		Callsheet__PeriodRestatements *p =
		        period_of(rs, PQgetvalue(res, i, 0));
		Callsheet__RestatedRow *row;

		if (p == NULL)
			continue;
		row = xmalloc(sizeof *row);
		callsheet__restated_row__init(row);
		row->n_keys = ng;
		row->keys = xcalloc(ng, sizeof *row->keys);
		for (size_t k = 0; k < ng; k++)
			row->keys[k] =
			        key_text(rs, k, PQgetvalue(res, i, 1 + (int)k));
		row->published =
		        strtoull(PQgetvalue(res, i, 1 + (int)ng), NULL, 10);
		row->restated =
		        strtoull(PQgetvalue(res, i, 2 + (int)ng), NULL, 10);
		p->rows =
		        xreallocarray(p->rows, p->n_rows + 1, sizeof *p->rows);
		p->rows[p->n_rows++] = row;
	}
}

/* id, at, user, sheet, action, reason */
static void
changes_result(struct restate *rs, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res); i++) {
		Callsheet__PeriodRestatements *p =
		        period_of(rs, PQgetvalue(res, i, 0));
		Callsheet__Restatement *c;

		if (p == NULL)
			continue;
		c = xmalloc(sizeof *c);
		callsheet__restatement__init(c);
		c->at = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		c->user = xstrdup(PQgetvalue(res, i, 2));
		c->sheet_id.data = xmalloc(CS_UUID_LEN);
		c->sheet_id.len = CS_UUID_LEN;
		uuid_parse(PQgetvalue(res, i, 3), c->sheet_id.data);
		c->action = xstrdup(PQgetvalue(res, i, 4));
		c->reason = PQgetisnull(res, i, 5)
		                    ? NULL
		                    : xstrdup(PQgetvalue(res, i, 5));
		p->changes = xreallocarray(p->changes, p->n_changes + 1,
		                           sizeof *p->changes);
		p->changes[p->n_changes++] = c;
	}
}

static void
restate_result(struct db_op *op, const PGresult *res)
{
	struct restate *rs = op->arg;

	if (rs->nresults >= rs->norder || taxonomy == NULL)
		return;
	switch (rs->order[rs->nresults++]) {
	case RS_PERIODS:
		periods_result(rs, res);
		break;
	case RS_TOTALS:
		totals_result(rs, res);
		break;
	case RS_ROWS:
		rows_result(rs, res);
		break;
	case RS_CHANGES:
		changes_result(rs, res);
		break;
	}
}

static void
restate_done(struct db_op *op, enum db_status st, const char *err)
{
	struct restate *rs = op->arg;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	if (st == DB_UNAVAILABLE)
		req_error(rs->req, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the database is unreachable; retry shortly");
	else if (st == DB_ERROR) {
		log_error("restatements failed: %s", err ? err : "?");
		req_error(rs->req, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
		          "the restatements query failed on the server; see "
		          "its log");
	} else {
		rs->out.n_group_by = rs->sql.ngroup;
		rs->out.group_by = (char **)rs->sql.group_name;
		resp.body_case = CALLSHEET__RESPONSE__BODY_RESTATEMENTS;
		resp.restatements = &rs->out;
		req_reply(rs->req, &resp);
		rs->out.n_group_by = 0;
		rs->out.group_by = NULL;
	}
	restate_free(rs);
}

static int
send_sql(PGconn *pg, const char *sql, int nparams, const char *const *params)
{
	return PQsendQueryParams(pg, sql, nparams, NULL, params, NULL, NULL,
	                         0) == 1
	               ? 0
	               : -1;
}

static int
restate_send(PGconn *pg, struct db_op *op)
{
	struct restate *rs = op->arg;
	const struct restate_sql *s = &rs->sql;

	rs->nresults = 0;
	if (send_sql(pg, s->periods_sql, 2, s->params) != 0 ||
	    (s->totals_sql != NULL &&
	     send_sql(pg, s->totals_sql, s->nparams, s->params) != 0) ||
	    (s->rows_sql != NULL &&
	     send_sql(pg, s->rows_sql, s->nparams, s->params) != 0) ||
	    send_sql(pg, s->changes_sql, 2, s->params) != 0)
		return -1;
	return 0;
}

void
req_get_restatements(struct req *r)
{
	struct restate *rs;
	struct field_error fe;

	if (taxonomy == NULL) {
		req_error(r, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the server is still loading its code tables; "
		          "retry shortly");
		return;
	}
	rs = xcalloc(1, sizeof *rs);
	callsheet__restatements__init(&rs->out);
	if (restate_build(r->msg->get_restatements->query, taxonomy,
	                  cfg->timezone, &rs->sql, &fe) != 0) {
		req_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, fe.field, "%s",
		          fe.message);
		free(rs);
		return;
	}
	rs->order[rs->norder++] = RS_PERIODS;
	if (rs->sql.totals_sql != NULL)
		rs->order[rs->norder++] = RS_TOTALS;
	if (rs->sql.rows_sql != NULL)
		rs->order[rs->norder++] = RS_ROWS;
	rs->order[rs->norder++] = RS_CHANGES;
	rs->req = r;
	rs->op.send = restate_send;
	rs->op.result = restate_result;
	rs->op.done = restate_done;
	rs->op.arg = rs;
	if (db_submit(&rs->op) != 0) {
		req_error(r, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the database is unreachable; retry shortly");
		restate_free(rs);
	}
}
