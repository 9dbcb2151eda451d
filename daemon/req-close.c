/* req-close.c: close a period of whole months: its published figures are
 * frozen (the rollup copied), and later changes in it are restatements.
 * Closing the same period again answers that it is closed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_close_period(struct req *r);

const struct req_entry req_close_period_entry = {
        .body = CALLSHEET__REQUEST__BODY_CLOSE_PERIOD,
        .name = "close period",
        .roles = ROLE(ADMIN),
        .states = LOGGED_IN,
        .exec = req_close_period,
};

struct closing {
	struct req *req;
	char *params[3];
	char status[16];
	char from[11], to[11];
	char month[11]; /* the first day of this month: the latest to */
	int64_t closed_at;
	char *closed_by;
	uint64_t frozen;
	unsigned noverlap;
};

static void
closing_free(struct closing *c)
{
	for (size_t i = 0; i < nitems(c->params); i++)
		free(c->params[i]);
	free(c->closed_by);
	free(c);
}

/* The new period, the overlapping ones (the first is kept), or 'open'. */
static void
closing_row(void *arg, const struct db_row *row)
{
	struct closing *c = arg;

	if (db_rowno(row) > 0)
		return;
	snprintf(c->status, sizeof c->status, "%s", db_text(row, 6));
	snprintf(c->from, sizeof c->from, "%s", db_text(row, 1));
	snprintf(c->to, sizeof c->to, "%s", db_text(row, 2));
	snprintf(c->month, sizeof c->month, "%s", db_text(row, 7));
	c->closed_at = db_int(row, 3);
	c->closed_by = xstrdup(db_text(row, 4));
	c->frozen = db_uint(row, 5);
	c->noverlap = (unsigned)db_nrows(row);
}

static void
closing_reply(struct closing *c, bool duplicate)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__PeriodClosed pc = CALLSHEET__PERIOD_CLOSED__INIT;
	Callsheet__ClosedPeriod p = CALLSHEET__CLOSED_PERIOD__INIT;

	p.from = c->from;
	p.to = c->to;
	pc.period = &p;
	pc.duplicate = duplicate;
	pc.has_duplicate = true;
	pc.has_closed_at = true;
	pc.closed_at = c->closed_at;
	pc.closed_by = c->closed_by;
	pc.has_rollup_rows = !duplicate;
	pc.rollup_rows = c->frozen;
	resp.body_case = CALLSHEET__RESPONSE__BODY_PERIOD_CLOSED;
	resp.period_closed = &pc;
	req_reply(c->req, &resp);
}

static void
closing_done(void *arg, const struct db_end *e)
{
	struct closing *c = arg;
	struct db_end none = {DB_ERROR, "no row", ""};
	char label[64];

	if (e->st != DB_OK || c->status[0] == '\0')
		req_db_error(c->req, e->st != DB_OK ? e : &none,
		             "closing the period");
	else if (strcmp(c->status, "closed") == 0) {
		log_info("period %s to %s closed by %s: %llu rollup rows "
		         "frozen",
		         c->from, c->to, c->closed_by,
		         (unsigned long long)c->frozen);
		closing_reply(c, false);
	} else if (strcmp(c->status, "open") == 0)
		/* allowed: up to the first day of this month (the most) */
		req_field_error(c->req, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		                "to", "out_of_range", c->params[1], NULL,
		                c->month,
		                "'%s': the period is not over yet; close it "
		                "once its last month has ended (to: %s at the "
		                "latest)",
		                c->params[1], c->month);
	else if (c->noverlap == 1 && strcmp(c->from, c->params[0]) == 0 &&
	         strcmp(c->to, c->params[1]) == 0)
		closing_reply(c, true);
	else {
		closed_period_label(c->from, c->to, label, sizeof label);
		req_error_why(c->req, CALLSHEET__ERROR_CODE__CONFLICT, "from",
		              "exists", label,
		              "the period overlaps the closed period %s "
		              "(closed by %s); closed periods cannot overlap",
		              label, c->closed_by);
	}
	closing_free(c);
}

static int
first_of_month(struct req *r, const char *name, const char *value)
{
	struct field_error fe;
	int y, m, d;

	if (date_parse_ymd(value, &y, &m, &d) != 0)
		date_field_error(&fe, name, value);
	else if (d != 1) {
		field_error_set(&fe, name,
		                "'%.32s' is not the first day of a month; "
		                "periods are closed by whole months "
		                "(YYYY-MM-01, from %s on)",
		                value, DATE_EARLIEST);
		field_error_range(&fe, "bad_date", value, DATE_EARLIEST,
		                  DATE_LATEST);
	} else
		return 0;
	req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
	return -1;
}

static void
req_close_period(struct req *r)
{
	const Callsheet__ClosePeriod *cp = r->msg->close_period;
	struct closing *c;

	if (first_of_month(r, "from", cp->from) != 0 ||
	    first_of_month(r, "to", cp->to) != 0)
		return;
	if (strcmp(cp->from, cp->to) >= 0) {
		req_error_why(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, "to",
		              "bad_period", cp->to,
		              "to: '%s' is not after from '%s'", cp->to,
		              cp->from);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->req = r;

	c->params[0] = xstrdup(cp->from);
	c->params[1] = xstrdup(cp->to);
	c->params[2] = xasprintf("%d", r->conn->session.account_id);
	if (req_stmt(r, "closing the period", STMT_CLOSE_PERIOD, 3,
	             (const char *const *)c->params, closing_row, closing_done,
	             c) != 0)
		closing_free(c);
}
