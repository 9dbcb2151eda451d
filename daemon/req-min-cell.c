/* req-min-cell.c: disclosure policy settings (admin): set a role's
 * minimum cell size, method (suppress or perturb) and noise, and list
 * every role's, in one pipeline sync. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

#define MIN_CELL_MAX      1000 /* as the table's CHECK says */
#define MIN_CELL_MAX_TEXT "1000"

struct min_cell {
	struct req *req;
	char value[16], max_noise[16], variance[32];
	bool set;
	bool updated; /* the UPDATE found the role's row */
	Callsheet__MinCells list;
};

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
		req_field_error(m->req, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		                "min_cell", "out_of_range", m->value, "0",
		                PTABLE_MAX_NOISE_TEXT,
		                "%s is too large for the perturb method (the "
		                "role's); allowed: 0 to %d, or give the "
		                "suppress method",
		                m->value, PTABLE_MAX_NOISE);
	else if (e->st != DB_OK)
		req_db_error(m->req, e, "the disclosure settings");
	else if (m->set && !m->updated)
		req_error_why(m->req, CALLSHEET__ERROR_CODE__NOT_FOUND, "role",
		              "not_found", m->req->msg->min_cell->role,
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

/* The method and the noise, when given. 0, or -1 answered. */
static int
noise_check(struct req *r, const Callsheet__MinCell *mc)
{
	static const char *const methods[] = {"suppress", "perturb", NULL};
	uint32_t d = mc->has_max_noise ? mc->max_noise : NOISE_DEFAULT_MAX;
	bool perturb = mc->method != NULL && strcmp(mc->method, "perturb") == 0;
	const char *field = NULL;
	struct field_error fe;
	char v[32], hi[32];

	if (mc->method != NULL && !perturb &&
	    strcmp(mc->method, "suppress") != 0) {
		field = "method";
		field_error_set(&fe, field,
		                "'%.32s' is not a method; allowed: suppress, "
		                "perturb",
		                mc->method);
		field_error_list(&fe, "unknown_code", mc->method, methods);
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
	} else if (perturb && mc->min_cell > PTABLE_MAX_NOISE) {
		field = "min_cell";
		snprintf(v, sizeof v, "%u", mc->min_cell);
		req_field_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, field,
		                "out_of_range", v, "0", PTABLE_MAX_NOISE_TEXT,
		                "%u is too large for the perturb method; "
		                "allowed: 0 to %d",
		                mc->min_cell, PTABLE_MAX_NOISE);
	} else if (mc->has_max_noise && (d < 1 || d > PTABLE_MAX_NOISE)) {
		field = "max_noise";
		snprintf(v, sizeof v, "%u", d);
		req_field_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, field,
		                "out_of_range", v, "1", PTABLE_MAX_NOISE_TEXT,
		                "%u is not allowed; allowed: 1 to %d", d,
		                PTABLE_MAX_NOISE);
	} else if (mc->has_noise_variance &&
	           !(mc->noise_variance > 0 &&
	             mc->noise_variance < d * (d + 1) / 3.0)) {
		/* beyond the uniform distribution's over -D .. D, no noise
		 * bounded by D reaches it (allowed: the bounds, excluded) */
		field = "noise_variance";
		snprintf(v, sizeof v, "%g", mc->noise_variance);
		snprintf(hi, sizeof hi, "%g", d * (d + 1) / 3.0);
		req_field_error(
		        r, CALLSHEET__ERROR_CODE__BAD_REQUEST, field,
		        "out_of_range", v, "0", hi,
		        "%g is not allowed; with max_noise %u, allowed: "
		        "more than 0 and less than %g",
		        mc->noise_variance, d, d * (d + 1) / 3.0);
	}
	return field != NULL ? -1 : 0;
}

/* The request's fields: both or neither. 0, or -1 answered. */
static int
min_cell_check(struct req *r)
{
	const Callsheet__MinCell *mc = r->msg->min_cell;

	if (mc->role == NULL && !mc->has_min_cell)
		return 0;
	if (mc->role == NULL) {
		req_error_why(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, "role",
		              "missing", "",
		              "role: missing; give the role whose minimum "
		              "cell size to set (jurist, reporter or admin)");
		return -1;
	}
	if (role_parse(mc->role) == CALLSHEET__ROLE__ROLE_NONE) {
		struct field_error fe;

		field_error_set(&fe, "role",
		                "'%.64s' is not a role; allowed: jurist, "
		                "reporter, admin",
		                mc->role);
		field_error_list(&fe, "invalid", mc->role, role_list());
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return -1;
	}
	if (!mc->has_min_cell) {
		req_error_why(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, "min_cell",
		              "missing", "",
		              "min_cell: missing; give 0 (no suppression) to "
		              "%d",
		              MIN_CELL_MAX);
		return -1;
	}
	if (mc->min_cell > MIN_CELL_MAX) {
		char v[32];

		snprintf(v, sizeof v, "%u", mc->min_cell);
		req_field_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		                "min_cell", "out_of_range", v, "0",
		                MIN_CELL_MAX_TEXT,
		                "%s is too large; allowed: 0 (no suppression) "
		                "to %d",
		                v, MIN_CELL_MAX);
		return -1;
	}
	return noise_check(r, mc);
}

void
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
	m->set = r->msg->min_cell->role != NULL;
	snprintf(m->value, sizeof m->value, "%u", r->msg->min_cell->min_cell);
	snprintf(m->max_noise, sizeof m->max_noise, "%u",
	         r->msg->min_cell->max_noise);
	snprintf(m->variance, sizeof m->variance, "%.17g",
	         r->msg->min_cell->noise_variance);
	const char *params[5] = {mc->role, m->value, mc->method,
	                         mc->has_max_noise ? m->max_noise : NULL,
	                         mc->has_noise_variance ? m->variance : NULL};

	k = db_call_new("the disclosure settings", min_cell_done, m);
	if (m->set)
		db_call_stmt(k, STMT_SET_MIN_CELL, 5, params, min_cell_updated);
	db_call_stmt(k, STMT_MIN_CELLS, 0, NULL, min_cell_row);
	if (req_call(r, k) != 0)
		min_cell_free(m);
}
