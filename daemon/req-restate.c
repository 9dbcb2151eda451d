/* req-restate.c: the restatements a report shows: the closed periods the
 * query's period overlaps with the changes that restated them and the
 * session role's disclosure policy (one sync), then, for the whole months
 * of each, the query's figures as published and as they are now (a
 * second sync). Under the cell-key method (reporters) only the two totals
 * are given, perturbed, without the changes: which rows changed, or a
 * change's reason, sheet and author, would describe single sheets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_get_restatements(struct req *r);

const struct req_entry req_get_restatements_entry = {
        .body = CALLSHEET__REQUEST__BODY_GET_RESTATEMENTS,
        .name = "restatements",
        .roles = ANYONE | NEEDS_TAXONOMY | READS,
        .states = LOGGED_IN,
        .exec = req_get_restatements,
};

struct restate;
struct compared;
/* One side of a comparison: what its statements' rows fill. */
struct side {
	struct restate *rs;
	struct compared *c;
	size_t which; /* 0 now, 1 as published */
};

/* One closed period's figures: now [0] and as published [1]. */
struct compared {
	struct side side[2];
	Callsheet__PeriodRestatements *period;
	char from[11], to[11];
	struct query_sql sql[2];
	uint64_t total[2], total_key[2];
	struct restate_count *rows[2];
	size_t nrows[2];
};

struct restate {
	struct req *req;
	struct qplan plan;
	char *tz;     /* the plan's, kept: the taxonomy may be reloaded */
	bool figures; /* the second step */
	struct disclosure policy;
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
periods_row(void *arg, const struct db_row *row)
{
	struct restate *rs = arg;
	size_t n = (size_t)db_nrows(row);
	const char *from = db_text(row, 1), *to = db_text(row, 2);
	const char *cfrom = db_text(row, 3), *cto = db_text(row, 4);
	Callsheet__PeriodRestatements *p;

	if (taxonomy == NULL)
		return;
	if (db_rowno(row) == 0) {
		rs->out.periods = xcalloc(n, sizeof *rs->out.periods);
		rs->ids = xcalloc(n, sizeof *rs->ids);
		rs->cmp = xcalloc(n, sizeof *rs->cmp);
	}
	p = xmalloc(sizeof *p);
	callsheet__period_restatements__init(p);
	p->period = closed_new(from, to);
	rs->ids[rs->out.n_periods] = (int)db_int(row, 0);
	rs->out.periods[rs->out.n_periods++] = p;
	if (rs->reporter && rs->partial == NULL &&
	    (strcmp(from, cfrom) != 0 || strcmp(to, cto) != 0))
		rs->partial = xasprintf("%s/%s", from, to);
	if (strcmp(cfrom, cto) >= 0)
		return; /* no whole month inside the report */
	rs->cmp[rs->ncmp].period = p;
	snprintf(rs->cmp[rs->ncmp].from, 11, "%s", cfrom);
	snprintf(rs->cmp[rs->ncmp].to, 11, "%s", cto);
	rs->ncmp++;
}

/* id, at, user, sheet, action, reason */
static void
changes_row(void *arg, const struct db_row *row)
{
	struct restate *rs = arg;
	Callsheet__PeriodRestatements *p = NULL;
	Callsheet__Restatement *c;
	int id = (int)db_int(row, 0);

	if (taxonomy == NULL || rs->policy.method == DISCLOSE_PERTURB)
		return;
	for (size_t k = 0; k < rs->out.n_periods && p == NULL; k++)
		if (rs->ids[k] == id)
			p = rs->out.periods[k];
	if (p == NULL)
		return;
	c = xmalloc(sizeof *c);
	callsheet__restatement__init(c);
	c->at = db_int(row, 1);
	c->has_at = c->has_sheet_id = true;
	c->user = xstrdup(db_text(row, 2));
	c->sheet_id.data = xmalloc(CS_UUID_LEN);
	c->sheet_id.len = CS_UUID_LEN;
	uuid_parse(db_text(row, 3), c->sheet_id.data);
	c->action = xstrdup(db_text(row, 4));
	c->reason = db_strdup(row, 5);
	p->changes =
	        xreallocarray(p->changes, p->n_changes + 1, sizeof *p->changes);
	p->changes[p->n_changes++] = c;
}

static void
policy_row(void *arg, const struct db_row *row)
{
	struct restate *rs = arg;

	if (taxonomy != NULL)
		disclosure_from_row(&rs->policy, row);
}

/* ---------------------------------------------------------- figures */

static char *
key_text(const struct query_sql *qs, size_t k, const struct db_row *row)
{
	const struct tax_entry *e;

	if (db_null(row, (int)k))
		return xstrdup("");
	if (qs->key_kind[k] == KEY_TAXONOMY &&
	    (e = tax_by_id(taxonomy, (int16_t)db_int(row, (int)k))) != NULL)
		return xstrdup(e->code);
	return xstrdup(db_text(row, (int)k));
}

/* A side's total: its count and cell key. */
static void
figures_total_row(void *arg, const struct db_row *row)
{
	struct side *s = arg;

	s->c->total[s->which] = db_uint(row, 0);
	s->c->total_key[s->which] = db_uint(row, 1);
}

static void
figures_row(void *arg, const struct db_row *row)
{
	struct side *s = arg;
	struct compared *c = s->c;
	size_t w = s->which, ng = s->rs->plan.ngroup;
	struct restate_count *rc;

	if (taxonomy == NULL)
		return;
	if (db_rowno(row) == 0)
		c->rows[w] = xcalloc((size_t)db_nrows(row), sizeof *c->rows[w]);
	rc = &c->rows[w][c->nrows[w]++];
	for (size_t k = 0; k < ng; k++)
		rc->keys[k] = key_text(&c->sql[w], k, row);
	for (size_t k = ng; k < nitems(rc->keys); k++)
		rc->keys[k] = xstrdup("");
	rc->n = db_uint(row, (int)ng);
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

static void restate_done(void *arg, const struct db_end *e);

/* The first step: the closed periods, their changes, the role's policy. */
static struct db_call *
periods_call(struct restate *rs)
{
	const struct session *se = &rs->req->conn->session;
	char own[16];
	/* least privilege, as GetAudit: a non-admin sees the changes of
	 * their own sheets only, not other accounts' sheets and names */
	const char *bounds[3] = {rs->plan.from, rs->plan.to,
	                         se->role == CALLSHEET__ROLE__ADMIN ? NULL
	                                                            : own};
	const char *role[1] = {role_name(se->role)};
	struct db_call *k = db_call_new("the restatements", restate_done, rs);

	snprintf(own, sizeof own, "%d", se->account_id);
	db_call_stmt(k, STMT_RESTATE_PERIODS, 2, bounds, periods_row);
	db_call_stmt(k, STMT_RESTATE_CHANGES, 3, bounds, changes_row);
	db_call_stmt(k, STMT_MIN_CELL, 1, role, policy_row);
	return k;
}

/* The second: per compared period, the two totals, then the two rows. */
static struct db_call *
figures_call(struct restate *rs)
{
	struct db_call *k = db_call_new("the restatements", restate_done, rs);

	for (size_t i = 0; i < rs->ncmp; i++) {
		struct compared *c = &rs->cmp[i];

		for (size_t w = 0; w < 2; w++) {
			c->side[w] = (struct side){rs, c, w};
			db_call_sql(k, c->sql[w].total_sql, QS_TOTAL_COLS,
			            c->sql[w].nparams, c->sql[w].params,
			            figures_total_row);
			db_call_row_arg(k, &c->side[w]);
		}
		for (size_t w = 0; w < 2 && rs->plan.ngroup > 0; w++) {
			db_call_sql(k, c->sql[w].rows_sql,
			            QS_ROWS_COLS(&c->sql[w]), c->sql[w].nparams,
			            c->sql[w].params, figures_row);
			db_call_row_arg(k, &c->side[w]);
		}
	}
	return k;
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
restate_done(void *arg, const struct db_end *e)
{
	struct restate *rs = arg;

	if (e->st != DB_OK || taxonomy == NULL) {
		/* the code tables went away meanwhile: as if unreachable */
		req_db_error(rs->req, e->st != DB_OK ? e : &db_unreachable,
		             "the restatements");
		restate_free(rs);
		return;
	}
	if (rs->partial != NULL) {
		/* the bound that cuts it; allowed: the whole period */
		bool cut_from = strncmp(rs->plan.from, rs->partial, 10) > 0;
		const char *allowed[] = {rs->partial, NULL};
		struct field_error fe;

		field_error_set(
		        &fe, cut_from ? "from" : "to",
		        "'%s' to '%s' covers part of the closed period "
		        "%s; a reporter's restatements are whole closed "
		        "periods (ask from its first day to the day "
		        "after it)",
		        rs->plan.from, rs->plan.to, rs->partial);
		field_error_list(&fe, "disclosure",
		                 cut_from ? rs->plan.from : rs->plan.to,
		                 allowed);
		req_fail(rs->req, CALLSHEET__ERROR_CODE__FORBIDDEN, &fe);
		restate_free(rs);
		return;
	}
	if (rs->figures)
		figures_done(rs);
	else if (figures_plan(rs)) {
		rs->figures = true;
		if (req_call(rs->req, figures_call(rs)) != 0)
			restate_free(rs);
		return;
	}
	restate_reply(rs);
}

static void
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
	if (req_call(r, periods_call(rs)) != 0)
		restate_free(rs);
}
