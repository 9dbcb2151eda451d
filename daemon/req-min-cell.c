/* req-min-cell.c: disclosure policy settings (admin): set a role's
 * minimum cell size, method (suppress or perturb) and noise (the role's
 * row read, judged whole with what is given, written: what is stored is
 * what queries apply), and list every role's. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_min_cell(struct req *r);

const struct req_entry req_min_cell_entry = {
        .body = CALLSHEET__REQUEST__BODY_MIN_CELL,
        .name = "min-cell",
        .roles = ROLE(ADMIN),
        .states = LOGGED_IN,
        .exec = req_min_cell,
};

#define MIN_CELL_MAX 1000 /* as the table's CHECK says */
#define VARIANCE_MAX 100  /* noise_variance's CHECK; it is a real */

struct min_cell {
	struct req *req;
	char value[16], max_noise[16], variance[32];
	bool set;
	bool found;            /* the role's row, read before the write */
	struct disclosure pol; /* as read, then as it will be stored */
	bool updated;          /* the UPDATE found the role's row */
	Callsheet__MinCells list;
};

static const char *const methods[] = {"suppress", "perturb", NULL};

/* The UPDATE found the role's row. */
static void
min_cell_updated(void *arg, const struct db_row *row)
{
	struct min_cell *m = arg;

	(void)row;
	m->updated = true;
}

static void
min_cell_row(void *arg, const struct db_row *row)
{
	struct min_cell *m = arg;
	Callsheet__MinCells *l = &m->list;
	Callsheet__MinCellRule *rule = xmalloc(sizeof *rule);

	callsheet__min_cell_rule__init(rule);
	rule->role = xstrdup(db_text(row, 0));
	rule->min_cell = (uint32_t)db_uint(row, 1);
	rule->has_min_cell = true;
	rule->method = xstrdup(db_text(row, 2));
	rule->has_max_noise = rule->has_noise_variance = true;
	rule->max_noise = (uint32_t)db_uint(row, 3);
	rule->noise_variance = db_double(row, 4);
	l->rules = xreallocarray(l->rules, l->n_rules + 1, sizeof *l->rules);
	l->rules[l->n_rules++] = rule;
}

static void
min_cell_free(struct min_cell *m)
{
	for (size_t i = 0; i < m->list.n_rules; i++) {
		free(m->list.rules[i]->role);
		free(m->list.rules[i]->method);
		free(m->list.rules[i]);
	}
	free(m->list.rules);
	free(m);
}

static void
min_cell_done(void *arg, const struct db_end *e)
{
	struct min_cell *m = arg;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	if (e->st == DB_ERROR && e->error != NULL &&
	    strstr(e->error, "perturb_min_cell") != NULL)
		req_error(m->req, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		          "min_cell",
		          "min_cell: %s is too large for the perturb method "
		          "(the role's); allowed: 0 to %d, or give the "
		          "suppress method",
		          m->value, PTABLE_MAX_NOISE);
	else if (e->st != DB_OK)
		req_db_error(m->req, e, "the disclosure settings");
	else if (m->set && !m->updated)
		req_error(m->req, CALLSHEET__ERROR_CODE__NOT_FOUND, "role",
		          "role: no disclosure setting for '%s'; run the "
		          "migrations",
		          m->req->msg->min_cell->role);
	else {
		if (m->set)
			log_info("conn %llu: %s set the minimum cell size of "
			         "role %s to %s",
			         (unsigned long long)m->req->conn->serial,
			         m->req->conn->session.user,
			         m->req->msg->min_cell->role, m->value);
		resp.body_case = CALLSHEET__RESPONSE__BODY_MIN_CELLS;
		resp.min_cells = &m->list;
		req_reply(m->req, &resp);
	}
	min_cell_free(m);
}

/* A number as the value of an error. */
static int
out_of_range(struct field_error *fe, uint32_t v, uint32_t lo, uint32_t hi)
{
	char sv[16], slo[16], shi[16];

	snprintf(sv, sizeof sv, "%u", v);
	snprintf(slo, sizeof slo, "%u", lo);
	snprintf(shi, sizeof shi, "%u", hi);
	return field_error_range(fe, "out_of_range", sv, slo, shi);
}

/* The method and the noise given, alone. 0, or -1 answered. */
static int
noise_check(struct req *r, const Callsheet__MinCell *mc)
{
	struct field_error fe;

	if (mc->method != NULL && strcmp(mc->method, "perturb") != 0 &&
	    strcmp(mc->method, "suppress") != 0) {
		field_error_set(&fe, "method",
		                "'%.32s' is not a method; allowed: suppress, "
		                "perturb",
		                mc->method);
		field_error_list(&fe, "unknown_code", mc->method, methods);
	} else if (mc->has_max_noise &&
	           (mc->max_noise < 1 || mc->max_noise > PTABLE_MAX_NOISE)) {
		field_error_set(&fe, "max_noise",
		                "%u is not allowed; allowed: 1 to %d",
		                mc->max_noise, PTABLE_MAX_NOISE);
		out_of_range(&fe, mc->max_noise, 1, PTABLE_MAX_NOISE);
	} else
		return 0;
	req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
	return -1;
}

/*
 * The policy as it will be stored (m->pol: what was read, with what the
 * request gives), judged whole: what is stored is what queries apply and
 * report. Under the cell-key method, k at most PTABLE_MAX_NOISE and D at
 * least k (a count of k must be able to fall to 0); D not given is the
 * role's, raised to k if under it. V under D(D+1)/3 with that D. 0, or -1
 * answered.
 */
static int
policy_check(struct min_cell *m)
{
	const Callsheet__MinCell *mc = m->req->msg->min_cell;
	struct disclosure *d = &m->pol;
	struct field_error fe;
	double vmax;

	if (mc->has_min_cell)
		d->min_cell = mc->min_cell;
	if (mc->method != NULL)
		d->method = strcmp(mc->method, "perturb") == 0
		                    ? DISCLOSE_PERTURB
		                    : DISCLOSE_SUPPRESS;
	if (mc->has_max_noise)
		d->max_noise = mc->max_noise;
	else if (d->method == DISCLOSE_PERTURB && d->max_noise < d->min_cell)
		d->max_noise = d->min_cell;
	if (mc->has_noise_variance)
		d->variance = mc->noise_variance;
	vmax = d->max_noise * (d->max_noise + 1) / 3.0;
	if (vmax > VARIANCE_MAX)
		vmax = VARIANCE_MAX;
	if (d->method == DISCLOSE_PERTURB && d->min_cell > PTABLE_MAX_NOISE) {
		field_error_set(&fe, "min_cell",
		                "%u is too large for the perturb method; "
		                "allowed: 0 to %d",
		                d->min_cell, PTABLE_MAX_NOISE);
		out_of_range(&fe, d->min_cell, 0, PTABLE_MAX_NOISE);
	} else if (d->method == DISCLOSE_PERTURB &&
	           d->max_noise < d->min_cell) {
		field_error_set(&fe, "max_noise",
		                "%u is under min_cell %u: a count of min_cell "
		                "must be able to fall to 0; allowed: %u to %d",
		                d->max_noise, d->min_cell, d->min_cell,
		                PTABLE_MAX_NOISE);
		out_of_range(&fe, d->max_noise, d->min_cell, PTABLE_MAX_NOISE);
	} else if (!(d->variance >= FLT_MIN && d->variance < vmax)) {
		/* beyond the uniform distribution's over -D .. D, no noise
		 * bounded by D reaches it (given, or the role's kept); and
		 * the column is a real, from 0 excluded to 100 */
		char v[32], hi[32];

		snprintf(v, sizeof v, "%g", d->variance);
		snprintf(hi, sizeof hi, "< %g", vmax);
		field_error_set(
		        &fe, "noise_variance",
		        "%g is not allowed; with max_noise %u, allowed: "
		        "more than 0 and less than %g",
		        d->variance, d->max_noise, vmax);
		field_error_range(&fe, "out_of_range", v, "> 0", hi);
	} else
		return 0;
	req_fail(m->req, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
	return -1;
}

/* The request's fields: a role, with what to change of its policy (what
 * is not given is kept), or nothing at all (the list). 0, or -1
 * answered. */
static int
min_cell_check(struct req *r)
{
	const Callsheet__MinCell *mc = r->msg->min_cell;
	struct field_error fe;

	if (mc->role == NULL && !mc->has_min_cell && mc->method == NULL &&
	    !mc->has_max_noise && !mc->has_noise_variance)
		return 0;
	if (mc->role == NULL) {
		req_error_why(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, "role",
		              "missing", "",
		              "role: missing; give the role whose disclosure "
		              "policy to set (jurist, reporter or admin)");
		return -1;
	}
	if (role_parse(mc->role) == CALLSHEET__ROLE__ROLE_NONE) {
		field_error_set(&fe, "role",
		                "'%.64s' is not a role; allowed: jurist, "
		                "reporter, admin",
		                mc->role);
		field_error_list(&fe, "invalid", mc->role, role_list());
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return -1;
	}
	if (mc->has_min_cell && mc->min_cell > MIN_CELL_MAX) {
		field_error_set(&fe, "min_cell",
		                "%u is too large; allowed: 0 (no suppression) "
		                "to %d",
		                mc->min_cell, MIN_CELL_MAX);
		out_of_range(&fe, mc->min_cell, 0, MIN_CELL_MAX);
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return -1;
	}
	return noise_check(r, mc);
}

/* The role's row as stored: what the request does not give is kept. */
static void
min_cell_read(void *arg, const struct db_row *row)
{
	struct min_cell *m = arg;

	m->found = true;
	disclosure_from_row(&m->pol, row);
}

/* The role's row read: judged whole with the request, then written with
 * every value explicit, and every role's listed. */
static void
min_cell_write(void *arg, const struct db_end *e)
{
	struct min_cell *m = arg;
	const Callsheet__MinCell *mc = m->req->msg->min_cell;
	struct db_call *k;

	if (e->st != DB_OK) {
		req_db_error(m->req, e, "the disclosure settings");
		min_cell_free(m);
		return;
	}
	if (!m->found) {
		req_error(m->req, CALLSHEET__ERROR_CODE__NOT_FOUND, "role",
		          "role: no disclosure setting for '%s'; run the "
		          "migrations",
		          mc->role);
		min_cell_free(m);
		return;
	}
	if (policy_check(m) != 0) {
		min_cell_free(m);
		return;
	}
	snprintf(m->value, sizeof m->value, "%u", m->pol.min_cell);
	snprintf(m->max_noise, sizeof m->max_noise, "%u", m->pol.max_noise);
	snprintf(m->variance, sizeof m->variance, "%.17g", m->pol.variance);
	const char *params[5] = {mc->role, m->value,
	                         methods[m->pol.method == DISCLOSE_PERTURB],
	                         m->max_noise, m->variance};

	k = db_call_new("the disclosure settings", min_cell_done, m);
	db_call_stmt(k, STMT_SET_MIN_CELL, 5, params, min_cell_updated);
	db_call_stmt(k, STMT_MIN_CELLS, 0, NULL, min_cell_row);
	if (req_call(m->req, k) != 0)
		min_cell_free(m);
}

static void
req_min_cell(struct req *r)
{
	const Callsheet__MinCell *mc = r->msg->min_cell;
	struct min_cell *m;
	struct db_call *k;

	if (min_cell_check(r) != 0)
		return;
	m = xcalloc(1, sizeof *m);
	callsheet__min_cells__init(&m->list);
	m->req = r;
	m->set = mc->role != NULL;
	if (m->set) {
		const char *role[1] = {mc->role};

		k = db_call_new("the disclosure settings", min_cell_write, m);
		db_call_stmt(k, STMT_MIN_CELL, 1, role, min_cell_read);
	} else {
		k = db_call_new("the disclosure settings", min_cell_done, m);
		db_call_stmt(k, STMT_MIN_CELLS, 0, NULL, min_cell_row);
	}
	if (req_call(r, k) != 0)
		min_cell_free(m);
}
