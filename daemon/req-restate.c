/* req-restate.c: the restatements a report shows: the closed periods the
 * query's period overlaps with the changes that restated them and the
 * session role's disclosure policy (one sync), then, for the whole months
 * of each, the query's figures as published and as they are now (a
 * second sync). Under the cell-key method (reporters) only the two totals
 * are given, perturbed, without the changes: which rows changed, or a
 * change's reason, sheet and author, would describe single sheets. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

/* One closed period's figures: now [0] and as published [1]. */
struct compared {
	Callsheet__PeriodRestatements *period;
	char from[11], to[11];
	struct query_sql sql[2];
	uint64_t total[2], total_key[2];
	struct restate_count *rows[2];
	size_t nrows[2];
};

struct restate {
	struct db_op op;
	struct req *req;
	struct qplan plan;
	char *tz;     /* the plan's, kept: the taxonomy may be reloaded */
	bool figures; /* the second step */
	struct disclosure policy;
	size_t nresults;
	Callsheet__Restatements out;
	char *group_by[2];
	int *ids; /* the period id of each out.periods[i] */
	struct compared *cmp;
	size_t ncmp;
	bool reporter;
	char *partial; /* a reporter's query cuts this closed period */
};

static void
period_free(Callsheet__PeriodRestatements *p)
{
	Callsheet__ClosedPeriod *cp[2] = {p->period, p->compared};

	for (size_t i = 0; i < nitems(cp); i++) {
		if (cp[i] == NULL)
			continue;
		free(cp[i]->from);
		free(cp[i]->to);
		free(cp[i]);
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
compared_free(struct compared *c)
{
	for (size_t w = 0; w < 2; w++) {
		query_sql_free(&c->sql[w]);
		for (size_t i = 0; i < c->nrows[w]; i++)
			for (size_t k = 0; k < nitems(c->rows[w][i].keys); k++)
				free(c->rows[w][i].keys[k]);
		free(c->rows[w]);
	}
}

static void
restate_free(struct restate *rs)
{
	for (size_t i = 0; i < rs->out.n_periods; i++)
		period_free(rs->out.periods[i]);
	free(rs->out.periods);
	for (size_t i = 0; i < rs->ncmp; i++)
		compared_free(&rs->cmp[i]);
	free(rs->cmp);
	free(rs->ids);
	free(rs->partial);
	qplan_free(&rs->plan);
	free(rs->tz);
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

/* ------------------------------------------- periods and their changes */

/* id, from, to, compared from, compared to */
static void
periods_result(struct restate *rs, const PGresult *res)
{
	size_t n = (size_t)PQntuples(res);

	rs->out.periods = xcalloc(n, sizeof *rs->out.periods);
	rs->ids = xcalloc(n, sizeof *rs->ids);
	rs->cmp = xcalloc(n, sizeof *rs->cmp);
	for (int i = 0; i < (int)n; i++) {
		Callsheet__PeriodRestatements *p = xmalloc(sizeof *p);

		callsheet__period_restatements__init(p);
		p->period = closed_new(PQgetvalue(res, i, 1),
		                       PQgetvalue(res, i, 2));
		rs->ids[i] = atoi(PQgetvalue(res, i, 0));
		rs->out.periods[rs->out.n_periods++] = p;
		if (rs->reporter && rs->partial == NULL &&
		    (strcmp(PQgetvalue(res, i, 1), PQgetvalue(res, i, 3)) !=
		             0 ||
		     strcmp(PQgetvalue(res, i, 2), PQgetvalue(res, i, 4)) != 0))
			rs->partial =
			        xasprintf("%s to %s", PQgetvalue(res, i, 1),
			                  PQgetvalue(res, i, 2));
		if (strcmp(PQgetvalue(res, i, 3), PQgetvalue(res, i, 4)) >= 0)
			continue; /* no whole month inside the report */
		rs->cmp[rs->ncmp].period = p;
		snprintf(rs->cmp[rs->ncmp].from, 11, "%s",
		         PQgetvalue(res, i, 3));
		snprintf(rs->cmp[rs->ncmp].to, 11, "%s", PQgetvalue(res, i, 4));
		rs->ncmp++;
	}
}

/* id, at, user, sheet, action, reason */
static void
changes_result(struct restate *rs, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res); i++) {
		Callsheet__PeriodRestatements *p = NULL;
		Callsheet__Restatement *c;
		int id = atoi(PQgetvalue(res, i, 0));

		for (size_t k = 0; k < rs->out.n_periods && p == NULL; k++)
			if (rs->ids[k] == id)
				p = rs->out.periods[k];
		if (p == NULL)
			continue;
		c = xmalloc(sizeof *c);
		callsheet__restatement__init(c);
		c->at = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		c->has_at = c->has_sheet_id = true;
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

/* ---------------------------------------------------------- figures */

/* Statements per compared period: the two totals, then the two rows. */
static size_t
per_period(const struct restate *rs)
{
	return rs->plan.ngroup > 0 ? 4 : 2;
}

static char *
key_text(const struct query_sql *qs, size_t k, const PGresult *res, int row)
{
	const struct tax_entry *e;

	if (PQgetisnull(res, row, (int)k))
		return xstrdup("");
	if (qs->key_kind[k] == KEY_TAXONOMY &&
	    (e = tax_by_id(taxonomy, (int16_t)atoi(PQgetvalue(
	                                     res, row, (int)k)))) != NULL)
		return xstrdup(e->code);
	return xstrdup(PQgetvalue(res, row, (int)k));
}

static void
figures_result(struct restate *rs, const PGresult *res)
{
	size_t i = rs->nresults - 1, per = per_period(rs);
	size_t which = i % per % 2, ng = rs->plan.ngroup;
	struct compared *c;

	if (i / per >= rs->ncmp)
		return;
	c = &rs->cmp[i / per];
	if (i % per < 2) {
		if (PQntuples(res) == 1 && PQnfields(res) >= 2) {
			c->total[which] =
			        strtoull(PQgetvalue(res, 0, 0), NULL, 10);
			c->total_key[which] =
			        strtoull(PQgetvalue(res, 0, 1), NULL, 10);
		}
		return;
	}
	c->nrows[which] = (size_t)PQntuples(res);
	c->rows[which] = xcalloc(c->nrows[which], sizeof *c->rows[which]);
	for (int r = 0; r < PQntuples(res); r++) {
		for (size_t k = 0; k < ng; k++)
			c->rows[which][r].keys[k] =
			        key_text(&c->sql[which], k, res, r);
		for (size_t k = ng; k < nitems(c->rows[which][r].keys); k++)
			c->rows[which][r].keys[k] = xstrdup("");
		c->rows[which][r].n =
		        strtoull(PQgetvalue(res, r, (int)ng), NULL, 10);
	}
}

/* The cell-key method: the totals perturbed like the query's, each with
 * its own key (the published one frozen with the figures); no rows. */
static void
figures_perturbed(struct restate *rs)
{
	struct ptable pt;
	const struct disclosure *d = &rs->policy;

	if (ptable_build(&pt, d->min_cell, d->max_noise, d->variance) != 0)
		ptable_build(&pt, MIN_CELL_DEFAULT_REPORTER, NOISE_DEFAULT_MAX,
		             NOISE_DEFAULT_VARIANCE);
	for (size_t i = 0; i < rs->ncmp; i++) {
		struct compared *c = &rs->cmp[i];
		Callsheet__PeriodRestatements *p = c->period;
		/* one description for both: unchanged, they are equal */
		char *desc = xasprintf("restated %s..%s", c->from, c->to);
		uint32_t dk = cell_desc_key(d->salt, desc);

		free(desc);
		c->total_key[0] += dk;
		c->total_key[1] += dk;
		p->compared = closed_new(c->from, c->to);
		p->has_published_total = p->has_restated_total = true;
		p->restated_total = ptable_apply(
		        &pt, c->total[0],
		        (uint32_t)(c->total_key[0] % CELL_KEY_MOD));
		p->published_total = ptable_apply(
		        &pt, c->total[1],
		        (uint32_t)(c->total_key[1] % CELL_KEY_MOD));
		p->has_withheld = p->withheld = true;
		p->has_perturbed = p->perturbed = true;
	}
	ptable_free(&pt);
}

/* Under a minimum cell size, what the role may not see in the query's
 * table may not show here either, now or as published. */
static void
figures_done(struct restate *rs)
{
	uint32_t k = rs->policy.min_cell;

	if (rs->policy.method == DISCLOSE_PERTURB) {
		figures_perturbed(rs);
		return;
	}
	for (size_t i = 0; i < rs->ncmp; i++) {
		struct compared *c = &rs->cmp[i];
		Callsheet__PeriodRestatements *p = c->period;
		bool total_hidden = false, withheld = false;

		for (size_t w = 0; w < 2 && k > 1; w++)
			total_hidden |= restate_suppress(
			        c->rows[w], c->nrows[w], c->total[w],
			        rs->plan.ngroup, k);
		p->compared = closed_new(c->from, c->to);
		p->has_published_total = p->has_restated_total = !total_hidden;
		p->restated_total = total_hidden ? 0 : c->total[0];
		p->published_total = total_hidden ? 0 : c->total[1];
		p->n_rows = restate_diff(c->rows[1], c->nrows[1], c->rows[0],
		                         c->nrows[0], rs->plan.ngroup, &p->rows,
		                         &withheld);
		p->has_withheld = true;
		p->withheld = withheld || total_hidden;
	}
}

/* The query's figures for each period's whole months, if the published
 * rollup can give them; false if there are none to read. */
static bool
figures_plan(struct restate *rs)
{
	for (size_t i = 0; i < rs->ncmp; i++)
		if (!restate_sql(&rs->plan, rs->cmp[i].from, rs->cmp[i].to,
		                 &rs->cmp[i].sql[0], &rs->cmp[i].sql[1])) {
			for (size_t k = 0; k < i; k++)
				compared_free(&rs->cmp[k]);
			memset(rs->cmp, 0, rs->ncmp * sizeof *rs->cmp);
			rs->ncmp = 0;
		}
	return rs->ncmp > 0;
}

/* ------------------------------------------------------- the request */

static void
restate_result(struct db_op *op, const PGresult *res)
{
	struct restate *rs = op->arg;

	if (taxonomy == NULL)
		return;
	rs->nresults++;
	if (rs->figures)
		figures_result(rs, res);
	else if (rs->nresults == 1)
		periods_result(rs, res);
	else if (rs->nresults == 2) {
		if (rs->policy.method != DISCLOSE_PERTURB)
			changes_result(rs, res);
	} else /* the role's disclosure policy */
		disclosure_parse(&rs->policy, res);
}

static void
restate_reply(struct restate *rs)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	for (size_t i = 0; i < rs->plan.ngroup; i++)
		rs->group_by[i] = (char *)qdim(rs->plan.group[i])->name;
	rs->out.group_by = rs->group_by;
	rs->out.n_group_by = rs->plan.ngroup;
	resp.body_case = CALLSHEET__RESPONSE__BODY_RESTATEMENTS;
	resp.restatements = &rs->out;
	req_reply(rs->req, &resp);
	restate_free(rs);
}

static void
restate_done(struct db_op *op, enum db_status st, const char *err)
{
	struct restate *rs = op->arg;

	if (st == DB_UNAVAILABLE || taxonomy == NULL) {
		req_error(rs->req, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the database is unreachable; retry shortly");
		restate_free(rs);
		return;
	}
	if (st == DB_ERROR) {
		log_error("restatements failed: %s", err ? err : "?");
		req_error(rs->req, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
		          "the restatements query failed on the server; see "
		          "its log");
		restate_free(rs);
		return;
	}
	if (rs->partial != NULL) {
		req_error(rs->req, CALLSHEET__ERROR_CODE__FORBIDDEN, "from",
		          "'%s' to '%s' covers part of the closed period %s; a "
		          "reporter's restatements are whole closed periods "
		          "(ask from its first day to the day after it)",
		          rs->plan.from, rs->plan.to, rs->partial);
		restate_free(rs);
		return;
	}
	if (rs->figures)
		figures_done(rs);
	else if (figures_plan(rs)) {
		rs->figures = true;
		rs->nresults = 0;
		if (db_submit(&rs->op) == 0)
			return;
		req_error(rs->req, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the database is unreachable; retry shortly");
		restate_free(rs);
		return;
	}
	restate_reply(rs);
}

static int
send_sql(PGconn *pg, const char *sql, const struct query_sql *qs)
{
	return PQsendQueryParams(pg, sql, qs->nparams, NULL, qs->params, NULL,
	                         NULL, 0) == 1
	               ? 0
	               : -1;
}

static int
restate_send(PGconn *pg, struct db_op *op)
{
	struct restate *rs = op->arg;
	const char *bounds[2] = {rs->plan.from, rs->plan.to};
	const char *role[1] = {role_name(rs->req->conn->session.role)};

	if (!rs->figures)
		return PQsendQueryPrepared(pg, STMT_RESTATE_PERIODS, 2, bounds,
		                           NULL, NULL, 0) == 1 &&
		                       PQsendQueryPrepared(
		                               pg, STMT_RESTATE_CHANGES, 2,
		                               bounds, NULL, NULL, 0) == 1 &&
		                       PQsendQueryPrepared(pg, STMT_MIN_CELL, 1,
		                                           role, NULL, NULL,
		                                           0) == 1
		               ? 0
		               : -1;
	for (size_t i = 0; i < rs->ncmp; i++) {
		const struct query_sql *q = rs->cmp[i].sql;

		if (send_sql(pg, q[0].total_sql, &q[0]) != 0 ||
		    send_sql(pg, q[1].total_sql, &q[1]) != 0 ||
		    (rs->plan.ngroup > 0 &&
		     (send_sql(pg, q[0].rows_sql, &q[0]) != 0 ||
		      send_sql(pg, q[1].rows_sql, &q[1]) != 0)))
			return -1;
	}
	return 0;
}

void
req_get_restatements(struct req *r)
{
	struct restate *rs;
	struct field_error fe;

	rs = xcalloc(1, sizeof *rs);
	callsheet__restatements__init(&rs->out);
	/* the query's own rules say what is a valid query */
	if (qplan_build(r->msg->get_restatements->query, taxonomy, &rs->plan,
	                &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		free(rs);
		return;
	}
	/* a reporter: whole closed periods' totals only (reporter.c) */
	if (r->conn->session.role == CALLSHEET__ROLE__REPORTER &&
	    reporter_restate_check(r->msg->get_restatements->query, &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__FORBIDDEN, &fe);
		qplan_free(&rs->plan);
		free(rs);
		return;
	}
	disclosure_default(&rs->policy, r->conn->session.role);
	rs->reporter = r->conn->session.role == CALLSHEET__ROLE__REPORTER;
	rs->tz = xstrdup(rs->plan.tz);
	rs->plan.tz = rs->tz;
	rs->req = r;
	rs->op.send = restate_send;
	rs->op.result = restate_result;
	rs->op.done = restate_done;
	rs->op.arg = rs;
	if (req_submit(r, &rs->op) != 0)
		restate_free(rs);
}
