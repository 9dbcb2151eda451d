/* test_workflow.c: amending and voiding sheets, the audit trail, closed
 * periods and their restatements, against a real daemon and PostgreSQL:
 * who may change what and when, what the audit holds, that a void leaves
 * the reports, that a resend changes nothing twice, and that a change in
 * a closed period shows next to the published figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static struct th_daemon d;
static char *conninfo;
static PGconn *pg;
static struct cs_client *admin, *j1, *j2, *rep;

/* ----------------------------------------------------------- helpers */

static int64_t
noon(int y, int m, int day)
{
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = m - 1,
	                .tm_mday = day,
	                .tm_hour = 12};

	return (int64_t)timegm(&tm);
}

/* Logs a consultation (75, individual, woman, africa, residence). */
static void
logged(struct cs_client *c, uint8_t id[CS_UUID_LEN], int64_t call_start,
       const char *dept)
{
	Callsheet__Sheet s;
	struct cs_error err;

	th_sheet_init(&s, id);
	if (call_start != 0)
		s.call_start = call_start;
	if (dept != NULL)
		s.department = (char *)dept;
	if (cs_log_sheet(c, &s, NULL, &err) != 0)
		th_die("log: %s", err.message);
}

static void
amend_init(Callsheet__AmendSheet *a, const uint8_t id[CS_UUID_LEN])
{
	callsheet__amend_sheet__init(a);
	a->id.data = (uint8_t *)id;
	a->id.len = CS_UUID_LEN;
	a->has_id = true;
}

/* The error code (ERROR_NONE on success); *out is freed here unless
 * wanted. */
static Callsheet__ErrorCode
amend(struct cs_client *c, const Callsheet__AmendSheet *a,
      Callsheet__SheetChanged **out, struct cs_error *err)
{
	Callsheet__SheetChanged *sc;

	memset(err, 0, sizeof *err);
	if (cs_amend_sheet(c, a, &sc, err) != 0)
		return err->code;
	if (out != NULL)
		*out = sc;
	else
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	return CALLSHEET__ERROR_CODE__ERROR_NONE;
}

static Callsheet__ErrorCode
void_sheet(struct cs_client *c, const uint8_t id[CS_UUID_LEN],
           const char *reason, Callsheet__SheetChanged **out,
           struct cs_error *err)
{
	Callsheet__VoidSheet v = CALLSHEET__VOID_SHEET__INIT;
	Callsheet__SheetChanged *sc;

	v.id.data = (uint8_t *)id;
	v.id.len = CS_UUID_LEN;
	v.has_id = true;
	v.reason = (char *)reason;
	memset(err, 0, sizeof *err);
	if (cs_void_sheet(c, &v, &sc, err) != 0)
		return err->code;
	if (out != NULL)
		*out = sc;
	else
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	return CALLSHEET__ERROR_CODE__ERROR_NONE;
}

static void
sql(const char *stmt, const char *param)
{
	const char *params[1] = {param};
	PGresult *res = PQexecParams(pg, stmt, param ? 1 : 0, NULL, params,
	                             NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		th_die("%s: %s", stmt, PQresultErrorMessage(res));
	PQclear(res);
}

static long long
count(const char *stmt, const uint8_t id[CS_UUID_LEN])
{
	char text[CS_UUID_STRLEN];

	uuid_format(id, text);
	return th_sql_count(pg, stmt, text);
}

/* The code of a column of a stored sheet, "" when NULL. */
static char *
column(const uint8_t id[CS_UUID_LEN], const char *col)
{
	static char buf[64];
	char text[CS_UUID_STRLEN], *q;
	const char *params[1] = {text};
	PGresult *res;

	uuid_format(id, text);
	q = xasprintf("SELECT coalesce(t.code, '') FROM sheet s LEFT JOIN "
	              "taxonomy t ON t.id = s.%s WHERE s.id = $1::uuid",
	              col);
	res = PQexecParams(pg, q, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		th_die("%s: %s", q, PQresultErrorMessage(res));
	snprintf(buf, sizeof buf, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	free(q);
	return buf;
}

/* The total of consultations in [from, to) where department = dept. */
static uint64_t
total(struct cs_client *c, const char *from, const char *to, const char *dept)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f = CALLSHEET__FILTER__INIT, *fp = &f;
	Callsheet__QueryResult *r;
	struct cs_error err;
	uint64_t n;

	q.from = (char *)from;
	q.to = (char *)to;
	f.dimension = "department";
	f.value = (char *)dept;
	q.filters = &fp;
	q.n_filters = 1;
	if (cs_query(c, &q, &r, &err) != 0)
		th_die("query: %s", err.message);
	n = r->total;
	callsheet__query_result__free_unpacked(r, NULL);
	return n;
}

/* ------------------------------------------------------ amend, resend */

static void
test_amend_own(void)
{
	uint8_t id[CS_UUID_LEN], other[CS_UUID_LEN], change[CS_UUID_LEN];
	Callsheet__AmendSheet a;
	Callsheet__SheetChanged *sc = NULL;
	struct cs_error err;
	const char *audited = "SELECT count(*) FROM audit WHERE sheet_id = "
	                      "$1::uuid";

	logged(j1, id, 0, NULL);
	amend_init(&a, id);
	a.department = "93";
	a.reason = "typo";
	uuid_generate(change);
	a.has_change_id = true;
	a.change_id.data = change;
	a.change_id.len = CS_UUID_LEN;
	CHECK(amend(j1, &a, &sc, &err) == 0, "a jurist amends their sheet: %s",
	      err.message);
	CHECK(sc != NULL && !sc->duplicate && sc->n_changes == 1 &&
	              strcmp(sc->changes[0]->field, "department") == 0 &&
	              strcmp(sc->changes[0]->old, "75") == 0 &&
	              strcmp(sc->changes[0]->new_, "93") == 0 &&
	              sc->n_restated == 0,
	      "the answer says what changed");
	if (sc != NULL)
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	CHECK(strcmp(column(id, "department"), "93") == 0, "stored: 93");
	CHECK(count("SELECT count(*) FROM audit a JOIN account u ON u.id = "
	            "a.account_id WHERE a.sheet_id = $1::uuid AND u.name = "
	            "'j1' AND a.action = 'amend' AND a.reason = 'typo' AND "
	            "a.old = '{\"department\": \"75\"}' AND a.new = "
	            "'{\"department\": \"93\"}'",
	            id) == 1,
	      "one audit row: who, old and new values, reason");

	/* the same change again: answered, applied once */
	sc = NULL;
	CHECK(amend(j1, &a, &sc, &err) == 0 && sc->duplicate && sc->has_at &&
	              sc->by != NULL && strcmp(sc->by, "j1") == 0,
	      "a resend of the change is a duplicate: %s", err.message);
	if (sc != NULL)
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	a.has_change_id = false;
	sc = NULL;
	CHECK(amend(j1, &a, &sc, &err) == 0 && sc->duplicate && !sc->has_at,
	      "the same values again change nothing: %s", err.message);
	if (sc != NULL)
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	CHECK(count(audited, id) == 1, "still one audit row");

	/* a change id belongs to one change */
	logged(j1, other, 0, NULL);
	a.id.data = other;
	a.has_change_id = true;
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__CONFLICT &&
	              strcmp(err.field, "change_id") == 0,
	      "a change id reused for another sheet: conflict (%d: %s)",
	      err.code, err.message);
	CHECK(strcmp(column(other, "department"), "75") == 0,
	      "and nothing changed");
}

static void
test_amend_rules(void)
{
	uint8_t id[CS_UUID_LEN], unknown[CS_UUID_LEN];
	Callsheet__AmendSheet a;
	Callsheet__SheetChanged *sc = NULL;
	struct cs_error err;
	char *clear[1] = {"topics"};

	logged(j1, id, 0, NULL);
	amend_init(&a, id);
	a.caller = "professional";
	a.pro_kind = "public_body";
	a.pro_sector = "local_social_services";
	CHECK(amend(j1, &a, &sc, &err) == 0,
	      "to a professional, without naming household and origin: %s",
	      err.message);
	CHECK(sc != NULL && sc->n_changes == 5, "five fields changed");
	if (sc != NULL)
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	CHECK(strcmp(column(id, "household"), "") == 0 &&
	              strcmp(column(id, "origin"), "") == 0 &&
	              strcmp(column(id, "pro_sector"), "local_social_"
	                                               "services") == 0,
	      "household and origin went with the individual");

	amend_init(&a, id);
	a.clear = clear;
	a.n_clear = 1;
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "topics") == 0,
	      "validated like a new sheet: a consultation has topics (%s)",
	      err.message);
	clear[0] = "name";
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "clear") == 0,
	      "an unknown field to clear (%s)", err.message);
	amend_init(&a, id);
	a.department = "9Z";
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "department") == 0 &&
	              strstr(err.message, "'9Z' is not a known code") != NULL,
	      "a bad code names field and value (%s)", err.message);
	amend_init(&a, id);
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strstr(err.message, "nothing to amend") != NULL,
	      "an empty amendment (%s)", err.message);
	uuid_generate(unknown);
	amend_init(&a, unknown);
	a.department = "93";
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__NOT_FOUND,
	      "an unknown sheet: not found (%d: %s)", err.code, err.message);
}

/* ------------------------------------------------------- permissions */

static void
test_permissions(void)
{
	uint8_t id[CS_UUID_LEN];
	Callsheet__AmendSheet a;
	struct cs_error err;
	char text[CS_UUID_STRLEN];

	logged(j1, id, 0, NULL);
	amend_init(&a, id);
	a.department = "92";
	CHECK(amend(j2, &a, NULL, &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strstr(err.message, "another jurist") != NULL,
	      "another jurist may not amend (%d: %s)", err.code, err.message);
	CHECK(void_sheet(j2, id, "mine now", NULL, &err) ==
	              CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "nor void (%d: %s)", err.code, err.message);
	CHECK(amend(rep, &a, NULL, &err) == CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "nor a reporter (%d)", err.code);
	CHECK(strcmp(column(id, "department"), "75") == 0 &&
	              count("SELECT count(*) FROM sheet WHERE id = $1::uuid "
	                    "AND voided_at IS NULL",
	                    id) == 1,
	      "the sheet is untouched");

	/* logged 8 days ago: past the default window of 7 */
	uuid_format(id, text);
	sql("UPDATE sheet SET logged_at = now() - interval '8 days' "
	    "WHERE id = $1::uuid",
	    text);
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strstr(err.message, "amend_window_days") != NULL,
	      "after the window the jurist may not amend (%d: %s)", err.code,
	      err.message);
	CHECK(void_sheet(j1, id, "late", NULL, &err) ==
	              CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "nor void");
	CHECK(amend(admin, &a, NULL, &err) == 0,
	      "an administrator amends any sheet: %s", err.message);
	CHECK(strcmp(column(id, "department"), "92") == 0 &&
	              count("SELECT count(*) FROM audit a JOIN account u ON "
	                    "u.id = a.account_id WHERE a.sheet_id = $1::uuid "
	                    "AND u.name = 'admin'",
	                    id) == 1,
	      "and the audit says it was the administrator");
}

/* ------------------------------------------------------------- void */

static void
test_void(void)
{
	uint8_t ids[3][CS_UUID_LEN];
	Callsheet__SheetChanged *sc = NULL;
	Callsheet__AmendSheet a;
	struct cs_error err;

	for (size_t i = 0; i < 3; i++)
		logged(j1, ids[i], noon(2019, 3, 4 + (int)i), "2A");
	CHECK(total(admin, "2019-01-01", "2020-01-01", "2A") == 3,
	      "three sheets in the report");
	CHECK(void_sheet(j1, ids[0], "", NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "reason") == 0,
	      "a void needs a reason (%s)", err.message);
	CHECK(void_sheet(j1, ids[0], "test call", &sc, &err) == 0 &&
	              !sc->duplicate,
	      "a jurist voids their sheet: %s", err.message);
	if (sc != NULL)
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	CHECK(total(admin, "2019-01-01", "2020-01-01", "2A") == 2,
	      "the voided sheet leaves the report (rollup)");
	CHECK(total(admin, "2019-03-01", "2019-03-06", "2A") == 1,
	      "and the report from the sheets");
	CHECK(count("SELECT count(*) FROM sheet s JOIN account u ON u.id = "
	            "s.voided_by JOIN audit a ON a.sheet_id = s.id AND "
	            "a.action = 'void' WHERE s.id = $1::uuid AND u.name = 'j1' "
	            "AND a.reason = 'test call'",
	            ids[0]) == 1,
	      "it stays stored, with who voided it, and why in its audit");
	CHECK(count("SELECT count(*) FROM audit WHERE sheet_id = $1::uuid "
	            "AND action = 'void' AND reason = 'test call'",
	            ids[0]) == 1,
	      "one audit row");
	sc = NULL;
	CHECK(void_sheet(j1, ids[0], "again", &sc, &err) == 0 &&
	              sc->duplicate && strcmp(sc->reason, "test call") == 0 &&
	              strcmp(sc->by, "j1") == 0,
	      "voiding again answers how it was voided: %s", err.message);
	if (sc != NULL)
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	CHECK(count("SELECT count(*) FROM audit WHERE sheet_id = $1::uuid",
	            ids[0]) == 1,
	      "and records nothing more");
	amend_init(&a, ids[0]);
	a.department = "2B";
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__CONFLICT,
	      "a voided sheet is not amended (%d: %s)", err.code, err.message);
}

/* ------------------------------------------------------- audit trail */

static Callsheet__AuditList *
audit(struct cs_client *c, const uint8_t *sheet, const char *from,
      struct cs_error *err)
{
	Callsheet__GetAudit g = CALLSHEET__GET_AUDIT__INIT;
	Callsheet__AuditList *l = NULL;

	if (sheet != NULL) {
		g.has_sheet_id = true;
		g.sheet_id.data = (uint8_t *)sheet;
		g.sheet_id.len = CS_UUID_LEN;
	}
	g.from = (char *)from;
	memset(err, 0, sizeof *err);
	return cs_get_audit(c, &g, &l, err) == 0 ? l : NULL;
}

static bool
lists_sheet(const Callsheet__AuditList *l, const uint8_t id[CS_UUID_LEN])
{
	for (size_t i = 0; l != NULL && i < l->n_entries; i++)
		if (memcmp(l->entries[i]->sheet_id.data, id, CS_UUID_LEN) == 0)
			return true;
	return false;
}

static void
test_audit(void)
{
	uint8_t mine[CS_UUID_LEN], theirs[CS_UUID_LEN];
	Callsheet__AmendSheet a;
	Callsheet__AuditList *l;
	struct cs_error err;

	logged(j1, mine, 0, NULL);
	logged(j2, theirs, 0, NULL);
	amend_init(&a, mine);
	a.origin = "maghreb";
	a.reason = "misheard";
	if (amend(j1, &a, NULL, &err) != 0)
		th_die("amend: %s", err.message);
	a.id.data = theirs;
	a.reason = NULL;
	if (amend(j2, &a, NULL, &err) != 0)
		th_die("amend: %s", err.message);

	l = audit(admin, mine, NULL, &err);
	CHECK(l != NULL && l->n_entries == 1, "one change to the sheet: %s",
	      err.message);
	if (l != NULL && l->n_entries == 1) {
		const Callsheet__AuditEntry *e = l->entries[0];

		CHECK(strcmp(e->user, "j1") == 0 &&
		              strcmp(e->action, "amend") == 0 &&
		              strcmp(e->reason, "misheard") == 0 &&
		              e->at > time(NULL) - 600 && e->n_changes == 1 &&
		              strcmp(e->changes[0]->field, "origin") == 0 &&
		              strcmp(e->changes[0]->old, "africa") == 0 &&
		              strcmp(e->changes[0]->new_, "maghreb") == 0,
		      "who, when, what, old and new values, why");
	}
	if (l != NULL)
		protobuf_c_message_free_unpacked(&l->base, NULL);

	l = audit(admin, NULL, NULL, &err);
	CHECK(lists_sheet(l, mine) && lists_sheet(l, theirs),
	      "an administrator sees every change: %s", err.message);
	if (l != NULL)
		protobuf_c_message_free_unpacked(&l->base, NULL);
	l = audit(j1, NULL, NULL, &err);
	CHECK(l != NULL && lists_sheet(l, mine) && !lists_sheet(l, theirs),
	      "a jurist sees the changes to their own sheets: %s", err.message);
	if (l != NULL)
		protobuf_c_message_free_unpacked(&l->base, NULL);
	CHECK(audit(rep, NULL, NULL, &err) == NULL &&
	              err.code == CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "a reporter sees none (%d)", err.code);
	l = audit(admin, NULL, "2999-01-01", &err);
	CHECK(l != NULL && l->n_entries == 0, "nothing changed in 2999: %s",
	      err.message);
	if (l != NULL)
		protobuf_c_message_free_unpacked(&l->base, NULL);
	CHECK(audit(admin, NULL, "2020-13-01", &err) == NULL &&
	              err.code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "from") == 0,
	      "a bad date names the field (%s)", err.message);
}

/* --------------------------------------------------- closed periods */

static Callsheet__ErrorCode
close_period(struct cs_client *c, const char *from, const char *to,
             bool *duplicate, struct cs_error *err)
{
	Callsheet__ClosePeriod cp = CALLSHEET__CLOSE_PERIOD__INIT;
	Callsheet__PeriodClosed *pc;

	cp.from = (char *)from;
	cp.to = (char *)to;
	memset(err, 0, sizeof *err);
	if (cs_close_period(c, &cp, &pc, err) != 0)
		return err->code;
	if (duplicate != NULL)
		*duplicate = pc->duplicate;
	protobuf_c_message_free_unpacked(&pc->base, NULL);
	return CALLSHEET__ERROR_CODE__ERROR_NONE;
}

static Callsheet__Restatements *
restatements(struct cs_client *c, const char *by)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Restatements *rs;
	char *group[1] = {(char *)by};
	struct cs_error err;

	q.from = "2018-01-01";
	q.to = "2019-01-01";
	q.group_by = group;
	q.n_group_by = by != NULL;
	if (cs_restatements(c, &q, &rs, &err) != 0)
		th_die("restatements: %s", err.message);
	return rs;
}

static const Callsheet__RestatedRow *
restated_row(const Callsheet__PeriodRestatements *p, const char *key)
{
	for (size_t i = 0; i < p->n_rows; i++)
		if (strcmp(p->rows[i]->keys[0], key) == 0)
			return p->rows[i];
	return NULL;
}

static void
test_close(void)
{
	struct cs_error err;
	bool dup = true;
	char future[24];
	time_t now = time(NULL);
	struct tm tm;

	CHECK(close_period(j1, "2018-01-01", "2019-01-01", NULL, &err) ==
	              CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "a jurist may not close a period (%d)", err.code);
	CHECK(close_period(admin, "2018-01-01", "2019-01-01", &dup, &err) ==
	                      0 &&
	              !dup,
	      "an administrator closes 2018: %s", err.message);
	CHECK(close_period(admin, "2018-01-01", "2019-01-01", &dup, &err) ==
	                      0 &&
	              dup,
	      "closing it again says it is closed: %s", err.message);
	CHECK(close_period(admin, "2018-06-01", "2018-07-01", NULL, &err) ==
	              CALLSHEET__ERROR_CODE__CONFLICT,
	      "an overlapping period is refused (%d: %s)", err.code,
	      err.message);
	CHECK(close_period(admin, "2018-01-15", "2019-01-01", NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "from") == 0,
	      "whole months only (%s)", err.message);
	gmtime_r(&now, &tm);
	snprintf(future, sizeof future, "%04d-01-01", tm.tm_year + 1900 + 1);
	CHECK(close_period(admin, "2000-01-01", future, NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strstr(err.message, "not over yet") != NULL,
	      "a period not over is refused (%s)", err.message);
	CHECK(th_sql_count(pg,
	                   "SELECT count(*) FROM published_rollup p JOIN "
	                   "closed_period c ON c.id = p.period_id WHERE "
	                   "c.months = daterange($1::date, '2019-01-01')",
	                   "2018-01-01") > 0,
	      "the published figures are frozen");
}

/* Fold until no sheet is pending. The horizon is the whole cluster's:
 * another test's open transaction may hold it back for a moment. */
static void
fold_all(void)
{
	double deadline = th_now() + 60;

	for (;;) {
		if (th_sql_count(pg, "SELECT rollup_fold()", NULL) < 0)
			th_die("fold");
		if (th_sql_count(pg,
		                 "SELECT count(*) FROM sheet WHERE xid >="
		                 " (SELECT horizon FROM rollup_state)",
		                 NULL) == 0)
			return;
		if (th_now() > deadline)
			th_die("sheets still not folded after 60 s");
		usleep(50000);
	}
}

static void
test_restatements(void)
{
	uint8_t ids[3][CS_UUID_LEN], before[CS_UUID_LEN], late[CS_UUID_LEN];
	Callsheet__AmendSheet a;
	Callsheet__SheetChanged *sc = NULL;
	Callsheet__Restatements *rs;
	const Callsheet__PeriodRestatements *p;
	const Callsheet__RestatedRow *row;
	struct cs_error err;

	for (size_t i = 0; i < 3; i++)
		logged(j1, ids[i], noon(2018, 2 + 3 * (int)i, 10), "75");
	logged(j1, before, noon(2017, 12, 10), "75");
	test_close();

	amend_init(&a, ids[0]);
	a.department = "93";
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strstr(err.message, "closed period 2018") != NULL,
	      "in a closed period a jurist may not amend, even in the window "
	      "(%d: %s)",
	      err.code, err.message);
	CHECK(void_sheet(j1, ids[0], "oops", NULL, &err) ==
	              CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "nor void");
	amend_init(&a, before);
	a.has_call_start = true;
	a.call_start = noon(2018, 1, 3);
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "nor move a call into it (%d: %s)", err.code, err.message);

	amend_init(&a, ids[0]);
	a.department = "93";
	CHECK(amend(admin, &a, NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "reason") == 0,
	      "an administrator needs a reason (%s)", err.message);
	a.reason = "caller was from Seine-Saint-Denis";
	CHECK(amend(admin, &a, &sc, &err) == 0 && sc->n_restated == 1 &&
	              strcmp(sc->restated[0]->from, "2018-01-01") == 0,
	      "with one it is a restatement of 2018: %s", err.message);
	if (sc != NULL)
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	CHECK(void_sheet(admin, ids[1], "duplicate sheet", NULL, &err) == 0,
	      "an administrator voids with a reason: %s", err.message);
	CHECK(count("SELECT count(*) FROM restatement r JOIN audit a ON a.id = "
	            "r.audit_id WHERE a.sheet_id = $1::uuid",
	            ids[1]) == 1,
	      "recorded as a restatement");

	rs = restatements(admin, NULL);
	CHECK(rs->n_periods == 1, "one closed period in 2018 (got %zu)",
	      rs->n_periods);
	p = rs->n_periods == 1 ? rs->periods[0] : NULL;
	CHECK(p != NULL && p->compared != NULL &&
	              strcmp(p->compared->from, "2018-01-01") == 0 &&
	              p->has_published_total && p->published_total == 3 &&
	              p->restated_total == 2,
	      "2018: published 3, restated 2 (%llu, %llu)",
	      p ? (unsigned long long)p->published_total : 0,
	      p ? (unsigned long long)p->restated_total : 0);
	CHECK(p != NULL && p->n_changes == 2 &&
	              strcmp(p->changes[0]->reason,
	                     "caller was from Seine-Saint-Denis") == 0 &&
	              strcmp(p->changes[1]->action, "void") == 0 &&
	              strcmp(p->changes[1]->user, "admin") == 0,
	      "with the reasons");
	CHECK(p != NULL && total(admin, "2018-01-01", "2019-01-01", "75") +
	                                   total(admin, "2018-01-01",
	                                         "2019-01-01", "93") ==
	                           p->restated_total,
	      "the restated figure is the report's");
	protobuf_c_message_free_unpacked(&rs->base, NULL);

	rs = restatements(admin, "department");
	p = rs->n_periods == 1 ? rs->periods[0] : NULL;
	row = p ? restated_row(p, "75") : NULL;
	CHECK(row != NULL && row->published == 3 && row->restated == 1,
	      "75: published 3, restated 1");
	row = p ? restated_row(p, "93") : NULL;
	CHECK(row != NULL && row->published == 0 && row->restated == 1,
	      "93: published 0, restated 1");
	CHECK(p != NULL && p->n_rows == 2 && !p->withheld,
	      "only the rows that changed");
	protobuf_c_message_free_unpacked(&rs->base, NULL);

	/* a reporter (the cell-key method): the two totals perturbed, no
	 * rows, no changes (their reasons, sheets and authors describe
	 * single sheets); a total of 2 reads 0; whole periods without a
	 * breakdown only (test_disclosure.c) */
	rs = restatements(rep, NULL);
	p = rs->n_periods == 1 ? rs->periods[0] : NULL;
	CHECK(p != NULL && p->perturbed && p->withheld && p->n_rows == 0 &&
	              p->n_changes == 0 && p->has_restated_total &&
	              p->restated_total == 0 && p->published_total <= 7,
	      "disclosure control: perturbed totals only (%llu, %llu)",
	      p ? (unsigned long long)p->published_total : 0,
	      p ? (unsigned long long)p->restated_total : 0);
	protobuf_c_message_free_unpacked(&rs->base, NULL);

	/* a sheet of 2018 logged now, by an administrator (a jurist's is
	 * refused there, past amend_window_days: test_closed_log): recorded
	 * when the rollup folds it (the daemon does every second) */
	logged(admin, late, noon(2018, 12, 20), "75");
	fold_all();
	rs = restatements(admin, NULL);
	p = rs->n_periods == 1 ? rs->periods[0] : NULL;
	CHECK(p != NULL && p->restated_total == 3 && p->n_changes == 3 &&
	              strcmp(p->changes[2]->action, "late_log") == 0,
	      "a late sheet is a restatement too");
	protobuf_c_message_free_unpacked(&rs->base, NULL);
}

/* ----------------------------------------------------- concurrency */

/* Amends of one sheet pipelined on one connection run on several database
 * connections at once: each is applied whole or refused, and the audit
 * holds exactly the ones applied. */
static void
test_concurrent(void)
{
	enum { N = 8 };
	uint8_t id[CS_UUID_LEN];
	Callsheet__AmendSheet a[N];
	Callsheet__Request req[N];
	char text[CS_UUID_STRLEN], *last;
	unsigned applied = 0, refused = 0;
	struct cs_error err;

	logged(admin, id, 0, NULL);
	for (size_t i = 0; i < N; i++) {
		amend_init(&a[i], id);
		a[i].has_duration_s = true;
		/* 5 minutes apart: stored to 5 minutes, nearer ones would
		 * be the same amend */
		a[i].duration_s = 600 + 300 * (uint32_t)i;
		callsheet__request__init(&req[i]);
		req[i].body_case = CALLSHEET__REQUEST__BODY_AMEND_SHEET;
		req[i].amend_sheet = &a[i];
		if (cs_send(admin, &req[i], &err) != 0)
			th_die("send: %s", err.message);
	}
	for (size_t i = 0; i < N; i++) {
		Callsheet__Response *resp;

		if (cs_recv(admin, &resp, -1, &err) != 0)
			th_die("recv: %s", err.message);
		if (resp->body_case ==
		            CALLSHEET__RESPONSE__BODY_SHEET_CHANGED &&
		    !resp->sheet_changed->duplicate)
			applied++;
		else if (resp->body_case == CALLSHEET__RESPONSE__BODY_ERROR &&
		         resp->error->code == CALLSHEET__ERROR_CODE__CONFLICT)
			refused++;
		callsheet__response__free_unpacked(resp, NULL);
	}
	CHECK(applied + refused == N && applied >= 1,
	      "every amend applied or refused as a conflict (%u, %u)", applied,
	      refused);
	CHECK(count("SELECT count(*) FROM audit WHERE sheet_id = $1::uuid",
	            id) == applied,
	      "one audit row per amend applied");
	uuid_format(id, text);
	last = xasprintf(
	        "%lld", th_sql_count(pg,
	                             "SELECT (new->>'duration_s')::int FROM "
	                             "audit WHERE sheet_id = $1::uuid ORDER BY "
	                             "id DESC LIMIT 1",
	                             text));
	CHECK(th_sql_count(pg,
	                   "SELECT duration_s FROM sheet WHERE id = $1::uuid",
	                   text) == atoll(last),
	      "the sheet holds the last change audited");
	free(last);
}

/* Whether the daemon's code tables say the code is retired. */
static bool
retired(struct cs_client *c, const char *dim, const char *code)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__GetTaxonomy g = CALLSHEET__GET_TAXONOMY__INIT;
	Callsheet__Response *resp;
	struct cs_error err;
	bool yes = false;

	req.body_case = CALLSHEET__REQUEST__BODY_GET_TAXONOMY;
	req.get_taxonomy = &g;
	if (cs_call(c, &req, &resp, &err) != 0)
		th_die("taxonomy: %s", err.message);
	for (size_t i = 0; i < resp->taxonomy->n_entries; i++) {
		const Callsheet__TaxonomyEntry *e = resp->taxonomy->entries[i];

		if (strcmp(e->dimension, dim) == 0 &&
		    strcmp(e->code, code) == 0)
			yes = e->retired;
	}
	callsheet__response__free_unpacked(resp, NULL);
	return yes;
}

/* A code retired since a sheet was logged stays valid on that sheet, and
 * on any sheet of a call before the retirement; not after it. */
static void
test_retired_code(void)
{
	uint8_t holder[CS_UUID_LEN], other[CS_UUID_LEN], later[CS_UUID_LEN];
	Callsheet__AmendSheet a;
	Callsheet__Sheet s;
	struct cs_error err;
	double deadline = th_now() + 10;

	th_sheet_init(&s, holder);
	s.origin = "oceania";
	if (cs_log_sheet(j1, &s, NULL, &err) != 0)
		th_die("log: %s", err.message);
	logged(j1, other, 0, NULL);
	/* an hour ahead (a day is allowed): after the retirement */
	logged(j1, later, (int64_t)time(NULL) + 3600, NULL);
	sql("UPDATE taxonomy SET retired_at = now() WHERE dimension = "
	    "'origin' AND code = $1",
	    "oceania");
	/* the daemon reloads its code tables when PostgreSQL tells it */
	while (!retired(j1, "origin", "oceania") && th_now() < deadline)
		usleep(20000);
	amend_init(&a, later);
	a.origin = "oceania";
	CHECK(amend(j1, &a, NULL, &err) == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strstr(err.message, "retired") != NULL,
	      "giving a retired code to a later call is refused (%s)",
	      err.message);
	amend_init(&a, other);
	a.origin = "oceania";
	CHECK(amend(j1, &a, NULL, &err) == 0,
	      "giving it to a call from before the retirement is not: %s",
	      err.message);
	amend_init(&a, holder);
	a.department = "13";
	CHECK(amend(j1, &a, NULL, &err) == 0,
	      "but the sheet that holds it can be amended: %s", err.message);
	CHECK(strcmp(column(holder, "origin"), "oceania") == 0, "and keeps it");
}

int
main(void)
{
	conninfo = th_createdb("t_workflow");
	th_migrate(conninfo);
	th_create_user(conninfo, "admin", "admin", "a-pass");
	th_create_user(conninfo, "j1", "jurist", "j1-pass");
	th_create_user(conninfo, "j2", "jurist", "j2-pass");
	th_create_user(conninfo, "rep", "reporter", "r-pass");
	th_daemon_start(&d, conninfo, NULL);
	pg = th_pg(conninfo);
	admin = th_connect(&d, "admin", "a-pass");
	j1 = th_connect(&d, "j1", "j1-pass");
	j2 = th_connect(&d, "j2", "j2-pass");
	rep = th_connect(&d, "rep", "r-pass");

	test_amend_own();
	test_amend_rules();
	test_permissions();
	test_void();
	test_audit();
	test_restatements();
	test_concurrent();
	test_retired_code();

	cs_close(admin);
	cs_close(j1);
	cs_close(j2);
	cs_close(rep);
	PQfinish(pg);
	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	free(conninfo);
	return th_finish();
}
