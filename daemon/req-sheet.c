/* req-sheet.c: log sheets, one (LogSheet) or several (LogSheets, as
 * import sends them): validated here, stored by the batcher. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "callsheetd.h"

static void req_log_sheet(struct req *r);
static void req_log_sheets(struct req *r);

const struct req_entry req_log_sheet_entry = {
        .body = CALLSHEET__REQUEST__BODY_LOG_SHEET,
        .name = "log sheet",
        .roles = ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY,
        .states = LOGGED_IN,
        .exec = req_log_sheet,
};

const struct req_entry req_log_sheets_entry = {
        .body = CALLSHEET__REQUEST__BODY_LOG_SHEETS,
        .name = "log sheets",
        .roles = ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY,
        .states = LOGGED_IN,
        .exec = req_log_sheets,
};

#define LOG_SHEETS_MAX 1000 /* sheets in one LogSheets or CheckSheets */

/* The sheet as stored: the jurist is the session's, never the message's
 * (LogSheet, LogSheets, and CheckSheets, which judges as they would). */
int
sheet_row_session(struct req *r, const Callsheet__Sheet *s, time_t now,
                  struct sheet_row *row, struct field_error *fe)
{
	if (validate_sheet(s, taxonomy, now, row, fe) != 0)
		return -1;
	row->jurist_id = r->conn->session.account_id;
	return 0;
}

/* ------------------------------------------------------------ LogSheet */

static void
one_settled(void *arg, size_t index, const uint8_t *id,
            enum sheet_outcome outcome, Callsheet__ErrorCode code,
            const struct field_error *fe)
{
	struct req *r = arg;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__SheetAck a = CALLSHEET__SHEET_ACK__INIT;
	char ids[CS_UUID_STRLEN];

	(void)index;
	if (outcome == SHEET_REFUSED && fe->field != NULL) {
		req_fail(r, code, fe);
		return;
	}
	if (outcome == SHEET_REFUSED) {
		uuid_format(id, ids);
		req_error(r, code, NULL, "sheet %s: %s", ids, fe->message);
		return;
	}
	a.id.data = (uint8_t *)id;
	a.id.len = CS_UUID_LEN;
	a.duplicate = outcome == SHEET_DUPLICATE;
	a.has_id = a.has_duplicate = true;
	resp.body_case = CALLSHEET__RESPONSE__BODY_SHEET_ACK;
	resp.sheet_ack = &a;
	req_reply(r, &resp);
}

static void
req_log_sheet(struct req *r)
{
	struct sheet_row row;
	struct field_error fe;

	if (sheet_row_session(r, r->msg->log_sheet->sheet, time(NULL), &row,
	                      &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	batch_add(&row, LANE_INTERACTIVE, one_settled, r, 0);
}

/* ----------------------------------------------------------- LogSheets */

struct many {
	struct req *req;
	size_t waiting; /* sheets not settled yet, and 1 while adding them */
	uint32_t *duplicates;
	size_t nduplicates;
	struct sheet_problems refused;
};

static void
many_reply(struct many *m)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__SheetsLogged sl = CALLSHEET__SHEETS_LOGGED__INIT;

	sl.duplicates = m->duplicates;
	sl.n_duplicates = m->nduplicates;
	resp.body_case = CALLSHEET__RESPONSE__BODY_SHEETS_LOGGED;
	resp.sheets_logged = &sl;
	sheet_problems_reply(m->req, &resp, &m->refused, &sl.refused,
	                     &sl.n_refused);
	sheet_problems_free(&m->refused);
	free(m->duplicates);
	free(m);
}

static void
many_settled(void *arg, size_t index, const uint8_t *id,
             enum sheet_outcome outcome, Callsheet__ErrorCode code,
             const struct field_error *fe)
{
	struct many *m = arg;

	(void)id;
	if (outcome == SHEET_DUPLICATE)
		m->duplicates[m->nduplicates++] = (uint32_t)index;
	else if (outcome == SHEET_REFUSED)
		*sheet_problems_add(&m->refused, index, code) = *fe;
	if (--m->waiting == 0)
		many_reply(m);
}

int
sheets_count_check(struct req *r, size_t n_sheets)
{
	struct field_error fe;
	char n[32], most[32];

	if (n_sheets <= LOG_SHEETS_MAX)
		return 0;
	snprintf(n, sizeof n, "%zu", n_sheets);
	snprintf(most, sizeof most, "%d", LOG_SHEETS_MAX);
	field_error_set(&fe, "sheets", "%s in one request; at most %s", n,
	                most);
	field_error_range(&fe, "too_many", n, NULL, most);
	req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
	return -1;
}

static void
req_log_sheets(struct req *r)
{
	const Callsheet__LogSheets *ls = r->msg->log_sheets;
	time_t now = time(NULL);
	struct many *m;

	if (sheets_count_check(r, ls->n_sheets) != 0)
		return;
	m = xcalloc(1, sizeof *m);
	m->req = r;
	m->duplicates = xcalloc(ls->n_sheets + 1, sizeof *m->duplicates);
	m->waiting = 1;
	for (size_t i = 0; i < ls->n_sheets; i++) {
		struct sheet_row row;
		struct field_error fe;

		if (sheet_row_session(r, ls->sheets[i], now, &row, &fe) != 0) {
			*sheet_problems_add(
			        &m->refused, i,
			        CALLSHEET__ERROR_CODE__BAD_REQUEST) = fe;
			continue;
		}
		m->waiting++;
		batch_add(&row, LANE_BULK, many_settled, m, i);
	}
	/* the 1 of the adding: answered now if no sheet is left waiting */
	many_settled(m, 0, NULL, SHEET_STORED,
	             CALLSHEET__ERROR_CODE__ERROR_NONE, NULL);
}
