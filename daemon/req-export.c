/* req-export.c: the current sheets of a period, one page at a time, in
 * (call_start, id) order; the next page starts after the previous one's
 * last sheet (keyset), so that every page costs the same. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_export(struct req *r);

/* sheet by sheet, an export would bypass the reporter's minimum cell
 * size: aggregates only for that role */
const struct req_entry req_export_entry = {
        .body = CALLSHEET__REQUEST__BODY_EXPORT,
        .name = "sheet export",
        .roles = ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY | READS,
        .states = LOGGED_IN,
        .exec = req_export,
};

#define EXPORT_PAGE_DEFAULT 1000
#define EXPORT_PAGE_MAX     5000

struct exported {
	struct sheet_row row;
	char *call_start; /* ISO 8601 in the service's zone */
	char cursor[64];  /* microseconds:id, where a next page starts */
};

struct export
{
	struct req *req;
	const char *params[5];
	char micros[24], limit[16];
	char id[CS_UUID_STRLEN];
	uint32_t want;
	struct exported *rows;
	size_t nrows;
};

static void
export_row(void *arg, const struct db_row *row)
{
	struct export *x = arg;
	struct exported *e;

	if (db_rowno(row) == 0)
		x->rows = xcalloc((size_t)db_nrows(row) + 1, sizeof *x->rows);
	e = &x->rows[x->nrows];
	if (sheet_row_from_db(row, 0, &e->row) != 0)
		return;
	e->call_start = xstrdup(db_text(row, SHEET_NCOLUMNS));
	snprintf(e->cursor, sizeof e->cursor, "%s:%s",
	         db_text(row, SHEET_NCOLUMNS + 1), db_text(row, 0));
	x->nrows++;
}

static void
export_free(struct export *x)
{
	for (size_t i = 0; i < x->nrows; i++)
		free(x->rows[i].call_start);
	free(x->rows);
	free(x);
}

/* A stored sheet with a code the taxonomy lacks cannot be sent: said in
 * the log (what: the request) and answered INTERNAL. */
void
sheet_row_unnamed(struct req *r, const char *what, const struct sheet_row *row)
{
	char id[CS_UUID_STRLEN];

	uuid_format(row->id, id);
	log_error("%s: sheet %s has a code the taxonomy lacks", what, id);
	req_error(r, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
	          "sheet %s has a code the server cannot name; see its log",
	          id);
}

/* The page, built against the taxonomy of now. */
static void
export_reply(struct export *x)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__ExportPage page = CALLSHEET__EXPORT_PAGE__INIT;
	Callsheet__ExportedSheet *es = xcalloc(x->nrows + 1, sizeof *es);
	struct wire_sheet *sheets = xcalloc(x->nrows + 1, sizeof *sheets);
	size_t bad = x->nrows;

	page.sheets = xcalloc(x->nrows + 1, sizeof *page.sheets);
	for (size_t i = 0; i < x->nrows; i++) {
		callsheet__exported_sheet__init(&es[i]);
		if (sheet_row_to_wire(&x->rows[i].row, taxonomy, &sheets[i]) !=
		            0 &&
		    bad == x->nrows)
			bad = i;
		es[i].sheet = &sheets[i].sheet;
		es[i].call_start = x->rows[i].call_start;
		page.sheets[i] = &es[i];
	}
	page.n_sheets = x->nrows;
	page.timezone = taxonomy->timezone;
	if (x->nrows == x->want && x->nrows > 0)
		page.next_cursor = x->rows[x->nrows - 1].cursor;
	if (bad < x->nrows)
		sheet_row_unnamed(x->req, "export", &x->rows[bad].row);
	else {
		resp.body_case = CALLSHEET__RESPONSE__BODY_EXPORT_PAGE;
		resp.export_page = &page;
		req_reply(x->req, &resp);
	}
	free(sheets);
	free(es);
	free(page.sheets);
}

static void
export_done(void *arg, const struct db_end *e)
{
	struct export *x = arg;

	if (e->st == DB_OK)
		export_reply(x);
	else
		req_db_error(x->req, e, "the export");
	export_free(x);
}

/* YYYY-MM-DD, a real day: the database would refuse anything else with
 * a less helpful message. */
static bool
valid_date(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	unsigned y, m, d;
	int end = 0;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4u-%2u-%2u%n", &y, &m, &d, &end) != 3 || end != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > (unsigned)mdays[m - 1])
		return false;
	return m != 2 || d < 29 ||
	       (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* "MICROSECONDS:UUID", as next_cursor gave it. */
static bool
parse_cursor(struct export *x, const char *cursor)
{
	const char *colon = strchr(cursor, ':');
	uint8_t id[CS_UUID_LEN];
	char *end;
	long long v;

	if (colon == NULL || colon == cursor ||
	    (size_t)(colon - cursor) >= sizeof x->micros)
		return false;
	v = strtoll(cursor, &end, 10);
	if (end != colon || uuid_parse(colon + 1, id) != 0)
		return false;
	snprintf(x->micros, sizeof x->micros, "%lld", v);
	uuid_format(id, x->id);
	return true;
}

static int
export_bad(struct req *r, const char *field, const char *reason,
           const char *value, const char *want)
{
	return req_field_error(
	        r, CALLSHEET__ERROR_CODE__BAD_REQUEST, field, reason, value,
	        NULL, NULL, "'%.64s' is not allowed; expected %s", value, want);
}

/* -1 once the request has been answered with what is wrong. */
static int
export_check(struct export *x, struct req *r, const Callsheet__Export *e)
{
	static const char date[] = "a date (YYYY-MM-DD)";

	if (e->from != NULL && !valid_date(e->from))
		return export_bad(r, "from", "bad_date", e->from, date);
	if (e->to != NULL && !valid_date(e->to))
		return export_bad(r, "to", "bad_date", e->to, date);
	if (e->from != NULL && e->to != NULL && strcmp(e->from, e->to) >= 0)
		return export_bad(r, "to", "bad_period", e->to,
		                  "a day after from");
	if (e->cursor != NULL && !parse_cursor(x, e->cursor))
		return export_bad(r, "cursor", "invalid", e->cursor,
		                  "the next_cursor of the previous page");
	return 0;
}

static void
req_export(struct req *r)
{
	const Callsheet__Export *e = r->msg->export;
	struct export *x;
	struct db_call *k;

	x = xcalloc(1, sizeof *x);
	if (export_check(x, r, e) != 0) {
		free(x);
		return;
	}
	x->want = e->has_limit && e->limit > 0 ? e->limit : EXPORT_PAGE_DEFAULT;
	if (x->want > EXPORT_PAGE_MAX)
		x->want = EXPORT_PAGE_MAX;
	snprintf(x->limit, sizeof x->limit, "%" PRIu32, x->want);
	x->params[0] = e->from;
	x->params[1] = e->to;
	x->params[2] = e->cursor != NULL ? x->micros : NULL;
	x->params[3] = e->cursor != NULL ? x->id : NULL;
	x->params[4] = x->limit;
	x->req = r;
	k = db_call_new("the export", export_done, x);
	db_call_timezone(k);
	db_call_stmt(k, STMT_EXPORT_PAGE, 5, x->params, export_row);
	if (req_call(r, k) != 0)
		free(x);
}
