/* req-check.c: check sheets before an import: each validated as LogSheet
 * would, then looked up by id (stored already, or another sheet there). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheetd.h"

struct problem {
	size_t index;
	Callsheet__ErrorCode code;
	struct field_error fe;
};

struct check {
	struct db_op op;
	struct req *req;
	struct sheet_row *rows;
	bool *valid;
	char *ids; /* the valid sheets' ids, an array parameter */
	struct problem *problems;
	size_t nproblems;
	uint32_t *stored;
	size_t nstored;
};

static void
check_free(struct check *k)
{
	free(k->problems);
	free(k->stored);
	free(k->rows);
	free(k->valid);
	free(k->ids);
	free(k);
}

/* The answer, built now: the codes allowed are the taxonomy's of now. */
static void
check_reply(struct check *k)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__SheetCheck sc = CALLSHEET__SHEET_CHECK__INIT;
	size_t n = k->nproblems;
	Callsheet__SheetProblem *sp = xcalloc(n + 1, sizeof *sp);
	Callsheet__SheetProblem **spp = xcalloc(n + 1, sizeof *spp);
	Callsheet__Error *errs = xcalloc(n + 1, sizeof *errs);
	char *(*allowed)[ERROR_ALLOWED_MAX] = xcalloc(n + 1, sizeof *allowed);

	for (size_t i = 0; i < n; i++) {
		const struct problem *p = &k->problems[i];

		error_from_field(&errs[i], p->code, &p->fe, allowed[i]);
		callsheet__sheet_problem__init(&sp[i]);
		sp[i].index = (uint32_t)p->index;
		sp[i].error = &errs[i];
		spp[i] = &sp[i];
	}
	sc.problems = spp;
	sc.n_problems = n;
	sc.stored = k->stored;
	sc.n_stored = k->nstored;
	resp.body_case = CALLSHEET__RESPONSE__BODY_SHEET_CHECK;
	resp.sheet_check = &sc;
	req_reply(k->req, &resp);
	free(allowed);
	free(errs);
	free(spp);
	free(sp);
	check_free(k);
}

/* Another call is stored under this sheet's id. */
static void
conflict(struct check *k, size_t index)
{
	struct problem *p = &k->problems[k->nproblems++];

	p->index = index;
	p->code = CALLSHEET__ERROR_CODE__CONFLICT;
	field_error_set(&p->fe, "id",
	                "another sheet is already stored under this id");
	p->fe.reason = "stored_other";
	uuid_format(k->rows[index].id, p->fe.value);
}

static int
check_send(PGconn *pg, struct db_op *op)
{
	struct check *k = op->arg;
	const char *params[1] = {k->ids};

	return PQsendQueryPrepared(pg, STMT_SHEETS_BY_ID, 1, params, NULL, NULL,
	                           0) == 1
	               ? 0
	               : -1;
}

/* Every sheet of the request under a stored id: the same call, or not. */
static void
check_result(struct db_op *op, const PGresult *res)
{
	struct check *k = op->arg;
	size_t n = k->req->msg->check_sheets->n_sheets;

	for (int i = 0; i < PQntuples(res); i++) {
		struct sheet_row stored;

		if (sheet_row_from_result(res, i, 0, &stored) != 0)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (!k->valid[j] ||
			    memcmp(k->rows[j].id, stored.id, CS_UUID_LEN) != 0)
				continue;
			if (sheet_row_same(&k->rows[j], &stored))
				k->stored[k->nstored++] = (uint32_t)j;
			else
				conflict(k, j);
		}
	}
}

static void
check_done(struct db_op *op, enum db_status st, const char *err)
{
	struct check *k = op->arg;

	if (st == DB_OK) {
		check_reply(k);
		return;
	}
	req_db_failed(k->req, st, err, "checking sheets");
	check_free(k);
}

void
req_check_sheets(struct req *r)
{
	const Callsheet__CheckSheets *cs = r->msg->check_sheets;
	struct check *k;
	struct strbuf ids = {0};
	time_t now = time(NULL);

	k = xcalloc(1, sizeof *k);
	k->req = r;
	/* at most one problem per sheet; one slot more for none at all */
	k->rows = xcalloc(cs->n_sheets + 1, sizeof *k->rows);
	k->valid = xcalloc(cs->n_sheets + 1, sizeof *k->valid);
	k->problems = xcalloc(cs->n_sheets + 1, sizeof *k->problems);
	k->stored = xcalloc(cs->n_sheets + 1, sizeof *k->stored);
	sb_add(&ids, "{");
	for (size_t i = 0; i < cs->n_sheets; i++) {
		char id[CS_UUID_STRLEN];

		if (validate_sheet(cs->sheets[i], taxonomy, now, &k->rows[i],
		                   &k->problems[k->nproblems].fe) != 0) {
			k->problems[k->nproblems].index = i;
			k->problems[k->nproblems++].code =
			        CALLSHEET__ERROR_CODE__BAD_REQUEST;
			continue;
		}
		k->valid[i] = true;
		uuid_format(k->rows[i].id, id);
		sb_add(&ids, ids.len > 1 ? "," : "");
		sb_add(&ids, id);
	}
	sb_add(&ids, "}");
	k->ids = sb_steal(&ids);
	if (strcmp(k->ids, "{}") == 0) {
		check_reply(k);
		return;
	}
	k->op.send = check_send;
	k->op.result = check_result;
	k->op.done = check_done;
	k->op.arg = k;
	if (req_submit(r, &k->op) != 0)
		check_free(k);
}
