/* req-audit.c: the audit trail of the changes to sheets, oldest first:
 * every change for an administrator, the changes to the sheets they
 * logged for a jurist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_get_audit(struct req *r);

const struct req_entry req_get_audit_entry = {
        .body = CALLSHEET__REQUEST__BODY_GET_AUDIT,
        .name = "sheet history",
        .roles = ROLE(JURIST) | ROLE(ADMIN) | READS,
        .states = LOGGED_IN,
        .exec = req_get_audit,
};

#define AUDIT_LIMIT 1000

struct audit {
	struct req *req;
	char *params[5];
	unsigned limit;
	Callsheet__AuditList list;
};

static void
entry_free(Callsheet__AuditEntry *e)
{
	for (size_t i = 0; i < e->n_changes; i++) {
		free(e->changes[i]->field);
		free(e->changes[i]->old);
		free(e->changes[i]->new_);
		free(e->changes[i]);
	}
	for (size_t i = 0; i < e->n_restated; i++) {
		free(e->restated[i]->from);
		free(e->restated[i]->to);
		free(e->restated[i]);
	}
	free(e->changes);
	free(e->restated);
	free(e->sheet_id.data);
	free(e->user);
	free(e->action);
	free(e->reason);
	free(e);
}

static void
audit_free(struct audit *a)
{
	for (size_t i = 0; i < nitems(a->params); i++)
		free(a->params[i]);
	for (size_t i = 0; i < a->list.n_entries; i++)
		entry_free(a->list.entries[i]);
	free(a->list.entries);
	free(a);
}

/* "from to,from to": the closed periods an entry restates. */
static void
entry_restated(Callsheet__AuditEntry *e, const char *list)
{
	char from[11], to[11];

	for (const char *p = list; p != NULL && *p != '\0';) {
		if (sscanf(p, "%10s %10s", from, to) == 2) {
			Callsheet__ClosedPeriod *cp = xmalloc(sizeof *cp);

			callsheet__closed_period__init(cp);
			cp->from = xstrdup(from);
			cp->to = xstrdup(to);
			e->restated =
			        xreallocarray(e->restated, e->n_restated + 1,
			                      sizeof *e->restated);
			e->restated[e->n_restated++] = cp;
		}
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
}

static Callsheet__AuditEntry *
entry_new(const struct db_row *row)
{
	Callsheet__AuditEntry *e = xmalloc(sizeof *e);

	callsheet__audit_entry__init(e);
	e->id = db_uint(row, 0);
	e->at = db_int(row, 1);
	e->has_id = e->has_at = e->has_sheet_id = true;
	e->user = xstrdup(db_text(row, 2));
	e->sheet_id.data = xmalloc(CS_UUID_LEN);
	e->sheet_id.len = CS_UUID_LEN;
	uuid_parse(db_text(row, 3), e->sheet_id.data);
	e->action = xstrdup(db_text(row, 4));
	e->reason = db_strdup(row, 5);
	entry_restated(e, db_text(row, 9));
	return e;
}

/* One row per changed field; an entry's rows are together. */
static void
audit_row(void *arg, const struct db_row *row)
{
	struct audit *a = arg;
	Callsheet__AuditList *l = &a->list;
	Callsheet__AuditEntry *e =
	        l->n_entries > 0 ? l->entries[l->n_entries - 1] : NULL;
	Callsheet__FieldChange *fc;

	if (e == NULL || e->id != db_uint(row, 0)) {
		e = entry_new(row);
		l->entries = xreallocarray(l->entries, l->n_entries + 1,
		                           sizeof *l->entries);
		l->entries[l->n_entries++] = e;
	}
	if (db_null(row, 6))
		return;
	fc = xmalloc(sizeof *fc);
	callsheet__field_change__init(fc);
	fc->field = xstrdup(db_text(row, 6));
	fc->old = db_strdup(row, 7);
	fc->new_ = db_strdup(row, 8);
	e->changes =
	        xreallocarray(e->changes, e->n_changes + 1, sizeof *e->changes);
	e->changes[e->n_changes++] = fc;
}

static void
audit_done(void *arg, const struct db_end *end)
{
	struct audit *a = arg;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	if (end->st != DB_OK)
		req_db_error(a->req, end, "the audit listing");
	else {
		if (a->list.n_entries > a->limit) {
			entry_free(a->list.entries[--a->list.n_entries]);
			a->list.has_truncated = true;
			a->list.truncated = true;
		}
		resp.body_case = CALLSHEET__RESPONSE__BODY_AUDIT_LIST;
		resp.audit_list = &a->list;
		req_reply(a->req, &resp);
	}
	audit_free(a);
}

/* The request's bounds as parameters; -1 if one is wrong (answered). */
static int
audit_params(struct req *r, struct audit *a)
{
	const Callsheet__GetAudit *g = r->msg->get_audit;
	const char *dates[2] = {g->from, g->to};
	const char *names[2] = {"from", "to"};
	char id[CS_UUID_STRLEN];
	int y, m, d;

	if (g->has_sheet_id) {
		if (g->sheet_id.len != CS_UUID_LEN) {
			struct field_error fe;

			field_error_uuid(&fe, "sheet_id", g->sheet_id.len);
			req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
			return -1;
		}
		uuid_format(g->sheet_id.data, id);
		a->params[0] = xstrdup(id);
	}
	for (size_t i = 0; i < 2; i++) {
		if (dates[i] == NULL)
			continue;
		if (date_parse_ymd(dates[i], &y, &m, &d) != 0) {
			struct field_error fe;

			date_field_error(&fe, names[i], dates[i]);
			req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
			return -1;
		}
		a->params[1 + i] = xstrdup(dates[i]);
	}
	if (g->from != NULL && g->to != NULL && strcmp(g->from, g->to) >= 0) {
		req_error_why(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, "to",
		              "bad_period", g->to,
		              "to: '%s' is not after from '%s'", g->to,
		              g->from);
		return -1;
	}
	if (r->conn->session.role != CALLSHEET__ROLE__ADMIN)
		a->params[3] = xasprintf("%d", r->conn->session.account_id);
	a->limit = g->has_limit && g->limit > 0 && g->limit < AUDIT_LIMIT
	                   ? g->limit
	                   : AUDIT_LIMIT;
	a->params[4] = xasprintf("%u", a->limit + 1);
	return 0;
}

static void
req_get_audit(struct req *r)
{
	struct audit *a = xcalloc(1, sizeof *a);

	callsheet__audit_list__init(&a->list);
	if (audit_params(r, a) != 0) {
		audit_free(a);
		return;
	}
	a->req = r;
	if (req_stmt(r, "the audit listing", STMT_AUDIT_LIST, 5,
	             (const char *const *)a->params, audit_row, audit_done,
	             a) != 0)
		audit_free(a);
}
