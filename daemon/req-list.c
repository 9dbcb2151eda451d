/* req-list.c: ListSheets: the sheets one account logged, latest call
 * first, by calendar days or by an id prefix (callsheet list, and amend or
 * void given the start of an id). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_list_sheets(struct req *r);

/* sheet by sheet, as export: never for reporters */
const struct req_entry req_list_sheets_entry = {
        .body = CALLSHEET__REQUEST__BODY_LIST_SHEETS,
        .name = "sheet list",
        .roles = ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY | READS,
        .states = LOGGED_IN,
        .exec = req_list_sheets,
};

#define LIST_LIMIT      500
#define PREFIX_MIN      4 /* hexadecimal digits */
#define PREFIX_UUID_HEX 32

struct listed {
	struct sheet_row row;
	char *call_start; /* ISO 8601 in the service's zone */
	char *user;
	bool voided;
};

struct list {
	struct req *req;
	const char *stmt;
	char *params[5];
	unsigned limit;
	struct listed *rows;
	size_t nrows;
};

static void
list_free(struct list *l)
{
	for (size_t i = 0; i < nitems(l->params); i++)
		free(l->params[i]);
	for (size_t i = 0; i < l->nrows; i++) {
		free(l->rows[i].call_start);
		free(l->rows[i].user);
	}
	free(l->rows);
	free(l);
}

static void
list_row(void *arg, const struct db_row *row)
{
	struct list *l = arg;
	struct listed *e;

	if (db_rowno(row) == 0)
		l->rows = xcalloc((size_t)db_nrows(row) + 1, sizeof *l->rows);
	e = &l->rows[l->nrows];
	if (sheet_row_from_db(row, 0, &e->row) != 0)
		return;
	e->call_start = xstrdup(db_text(row, SHEET_NCOLUMNS));
	e->user = xstrdup(db_text(row, SHEET_NCOLUMNS + 1));
	e->voided = db_bool(row, SHEET_NCOLUMNS + 2);
	l->nrows++;
}

/* The list, built against the taxonomy of now. */
static void
list_reply(struct list *l)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__SheetList sl = CALLSHEET__SHEET_LIST__INIT;
	size_t n = l->nrows > l->limit ? l->limit : l->nrows;
	Callsheet__ListedSheet *ls = xcalloc(n + 1, sizeof *ls);
	struct wire_sheet *sheets = xcalloc(n + 1, sizeof *sheets);
	size_t bad = n;

	sl.sheets = xcalloc(n + 1, sizeof *sl.sheets);
	for (size_t i = 0; i < n; i++) {
		callsheet__listed_sheet__init(&ls[i]);
		if (sheet_row_to_wire(&l->rows[i].row, taxonomy, &sheets[i]) !=
		            0 &&
		    bad == n)
			bad = i;
		ls[i].sheet = &sheets[i].sheet;
		ls[i].call_start = l->rows[i].call_start;
		ls[i].user = l->rows[i].user;
		ls[i].has_voided = l->rows[i].voided;
		ls[i].voided = l->rows[i].voided;
		sl.sheets[i] = &ls[i];
	}
	sl.n_sheets = n;
	sl.has_truncated = true;
	sl.truncated = l->nrows > l->limit;
	sl.timezone = taxonomy->timezone;
	if (bad < n)
		sheet_row_unnamed(l->req, "list", &l->rows[bad].row);
	else {
		resp.body_case = CALLSHEET__RESPONSE__BODY_SHEET_LIST;
		resp.sheet_list = &sl;
		req_reply(l->req, &resp);
	}
	free(sheets);
	free(ls);
	free(sl.sheets);
}

static void
list_done(void *arg, const struct db_end *e)
{
	struct list *l = arg;

	if (e->st == DB_OK)
		list_reply(l);
	else
		req_db_error(l->req, e, "the sheet list");
	list_free(l);
}

/* The lowest and highest ids starting with the prefix's digits, as uuids;
 * -1 if it is not 4 to 32 hexadecimal digits (dashes aside). */
static int
prefix_range(const char *prefix, char lo[CS_UUID_STRLEN],
             char hi[CS_UUID_STRLEN])
{
	char digits[PREFIX_UUID_HEX + 1];
	size_t n = 0, o = 0;

	for (const char *p = prefix; *p != '\0'; p++) {
		if (*p == '-')
			continue;
		if (!isxdigit((unsigned char)*p) || n == PREFIX_UUID_HEX)
			return -1;
		digits[n++] = (char)tolower((unsigned char)*p);
	}
	if (n < PREFIX_MIN)
		return -1;
	for (size_t i = 0; i < PREFIX_UUID_HEX; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20) {
			lo[o] = hi[o] = '-';
			o++;
		}
		lo[o] = i < n ? digits[i] : '0';
		hi[o] = i < n ? digits[i] : 'f';
		o++;
	}
	lo[o] = hi[o] = '\0';
	return 0;
}

/* The request's fields as parameters; -1 once answered with what is
 * wrong. */
static int
list_params(struct req *r, struct list *l)
{
	const Callsheet__ListSheets *m = r->msg->list_sheets;
	const struct session *s = &r->conn->session;
	const char *dates[2] = {m->from, m->to};
	const char *names[2] = {"from", "to"};
	int y, mo, d;

	if (s->role != CALLSHEET__ROLE__ADMIN) {
		if (m->user != NULL && strcmp(m->user, s->user) != 0) {
			req_error_why(r, CALLSHEET__ERROR_CODE__FORBIDDEN,
			              "user", "other_jurist", m->user,
			              "user: a jurist lists their own sheets "
			              "only, not those of '%.64s'",
			              m->user);
			return -1;
		}
		l->params[0] = xasprintf("%d", s->account_id);
	} else if (m->user != NULL)
		l->params[1] = xstrdup(m->user);
	if (m->id_prefix != NULL) {
		char lo[CS_UUID_STRLEN], hi[CS_UUID_STRLEN];

		if (prefix_range(m->id_prefix, lo, hi) != 0) {
			req_error_why(r, CALLSHEET__ERROR_CODE__BAD_REQUEST,
			              "id_prefix", "invalid", m->id_prefix,
			              "id_prefix: '%.64s' is not allowed; "
			              "expected 4 to 32 hexadecimal digits",
			              m->id_prefix);
			return -1;
		}
		l->stmt = STMT_LIST_PREFIX;
		l->params[2] = xstrdup(lo);
		l->params[3] = xstrdup(hi);
	} else {
		for (size_t i = 0; i < 2; i++) {
			if (dates[i] == NULL)
				continue;
			if (date_parse_ymd(dates[i], &y, &mo, &d) != 0) {
				struct field_error fe;

				date_field_error(&fe, names[i], dates[i]);
				req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST,
				         &fe);
				return -1;
			}
			l->params[2 + i] = xstrdup(dates[i]);
		}
		if (m->from == NULL && m->to != NULL) {
			req_error_why(r, CALLSHEET__ERROR_CODE__BAD_REQUEST,
			              "from", "missing", "",
			              "from: missing; to needs a from");
			return -1;
		}
		if (m->from != NULL && m->to != NULL &&
		    strcmp(m->from, m->to) >= 0) {
			req_error_why(r, CALLSHEET__ERROR_CODE__BAD_REQUEST,
			              "to", "bad_period", m->to,
			              "to: '%s' is not after from '%s'", m->to,
			              m->from);
			return -1;
		}
		l->stmt = STMT_LIST_DAYS;
	}
	l->limit = m->has_limit && m->limit > 0 && m->limit < LIST_LIMIT
	                   ? m->limit
	                   : LIST_LIMIT;
	l->params[4] = xasprintf("%u", l->limit + 1);
	return 0;
}

static void
req_list_sheets(struct req *r)
{
	struct list *l = xcalloc(1, sizeof *l);
	struct db_call *k;

	if (list_params(r, l) != 0) {
		list_free(l);
		return;
	}
	l->req = r;
	k = db_call_new("the sheet list", list_done, l);
	db_call_timezone(k);
	db_call_stmt(k, l->stmt, 5, (const char *const *)l->params, list_row);
	if (req_call(r, k) != 0)
		list_free(l);
}
