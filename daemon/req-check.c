/* req-check.c: check sheets before an import: each judged as LogSheet
 * would judge it from this account (valid; stored already by this account
 * with the same fields; or another sheet, or another account's, there). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheetd.h"

static void req_check_sheets(struct req *r);

const struct req_entry req_check_sheets_entry = {
        .body = CALLSHEET__REQUEST__BODY_CHECK_SHEETS,
        .name = "check sheets",
        .roles = ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY | READS,
        .states = LOGGED_IN,
        .exec = req_check_sheets,
};

struct check {
	struct req *req;
	struct sheet_row *rows;
	bool *valid;
	char *ids; /* the valid sheets' ids, an array parameter */
	struct sheet_problems problems;
	uint32_t *stored;
	size_t nstored;
};

static void
check_free(struct check *k)
{
	sheet_problems_free(&k->problems);
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

	sc.stored = k->stored;
	sc.n_stored = k->nstored;
	resp.body_case = CALLSHEET__RESPONSE__BODY_SHEET_CHECK;
	resp.sheet_check = &sc;
	sheet_problems_reply(k->req, &resp, &k->problems, &sc.problems,
	                     &sc.n_problems);
	check_free(k);
}

/* Every sheet of the request under a stored id: the same call, or not. */
static void
check_row(void *arg, const struct db_row *row)
{
	struct check *k = arg;
	size_t n = k->req->msg->check_sheets->n_sheets;
	struct sheet_row stored;

	if (sheet_row_from_db(row, 0, &stored) != 0)
		return;
	stored.jurist_id = (int)db_int(row, SHEET_NCOLUMNS);
	for (size_t j = 0; j < n; j++) {
		if (!k->valid[j] ||
		    memcmp(k->rows[j].id, stored.id, CS_UUID_LEN) != 0)
			continue;
		if (sheet_row_same(&k->rows[j], &stored))
			k->stored[k->nstored++] = (uint32_t)j;
		else
			sheet_problems_conflict(&k->problems, j, k->rows[j].id);
	}
}

static void
check_done(void *arg, const struct db_end *e)
{
	struct check *k = arg;

	if (e->st == DB_OK) {
		check_reply(k);
		return;
	}
	req_db_error(k->req, e, "checking sheets");
	check_free(k);
}

static void
req_check_sheets(struct req *r)
{
	const Callsheet__CheckSheets *cs = r->msg->check_sheets;
	struct check *k;
	struct strbuf ids = {0};
	time_t now = time(NULL);

	if (sheets_count_check(r, cs->n_sheets) != 0)
		return;
	k = xcalloc(1, sizeof *k);
	k->req = r;
	/* one slot more for no sheet at all */
	k->rows = xcalloc(cs->n_sheets + 1, sizeof *k->rows);
	k->valid = xcalloc(cs->n_sheets + 1, sizeof *k->valid);
	k->stored = xcalloc(cs->n_sheets + 1, sizeof *k->stored);
	sb_add(&ids, "{");
	for (size_t i = 0; i < cs->n_sheets; i++) {
		char id[CS_UUID_STRLEN];

		struct field_error fe;

		if (sheet_row_session(r, cs->sheets[i], now, &k->rows[i],
		                      &fe) != 0) {
			*sheet_problems_add(
			        &k->problems, i,
			        CALLSHEET__ERROR_CODE__BAD_REQUEST) = fe;
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
	if (req_stmt(r, "checking sheets", STMT_SHEETS_BY_ID, 1,
	             (const char *const *)&k->ids, check_row, check_done,
	             k) != 0)
		check_free(k);
}
