/* sheet-change.c: the life of a change to a stored sheet (amend, void):
 * read it, judge it, write it with its audit row in one statement, answer.
 * A sheet changed by someone else between the read and the write is read
 * and judged again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

#define CHANGE_TRIES 3

static void change_submit(struct change *ch);

static void
change_free(struct change *ch)
{
	struct change_read *rd = &ch->rd;

	for (int i = 0; i < ch->nparams; i++)
		free(ch->owned[i]);
	free(rd->voided_by);
	free(rd->void_reason);
	free(rd->seen_by);
	free(rd->seen_reason);
	change_diff_free(&ch->diff);
	free(ch);
}

/* Forget what was read and prepared, to read again. */
static void
change_reset(struct change *ch)
{
	struct change_read *rd = &ch->rd;

	for (int i = 0; i < ch->nparams; i++)
		free(ch->owned[i]);
	ch->nparams = 0;
	free(rd->voided_by);
	free(rd->void_reason);
	free(rd->seen_by);
	free(rd->seen_reason);
	memset(rd, 0, sizeof *rd);
	change_diff_free(&ch->diff);
	ch->found = ch->written = ch->writing = false;
}

/* Adds a parameter (NULL is SQL NULL); returns its number. */
int
change_param(struct change *ch, char *owned)
{
	if (ch->nparams == CHANGE_MAX_PARAMS)
		fatalx("change: too many parameters");
	ch->owned[ch->nparams] = owned;
	ch->params[ch->nparams] = owned;
	return ++ch->nparams;
}

void
change_refuse(struct change *ch, Callsheet__ErrorCode code,
              const struct field_error *fe)
{
	struct field_error named = *fe;

	/* every refusal says why, and of which value: the sheet's id unless
	 * the field at fault is another */
	if (named.reason == NULL)
		named.reason =
		        code == CALLSHEET__ERROR_CODE__NOT_FOUND  ? "not_found"
		        : code == CALLSHEET__ERROR_CODE__CONFLICT ? "exists"
		                                                  : "invalid";
	if (named.value[0] == '\0' && named.field != NULL &&
	    strcmp(named.field, "id") == 0)
		snprintf(named.value, sizeof named.value, "%s", ch->id);
	if (fe->reason == NULL) /* the message names the sheet */
		snprintf(named.message, sizeof named.message,
		         "sheet %s: %.400s", ch->id, fe->message);
	req_fail(ch->req, code, &named);
	change_free(ch);
}

/* ------------------------------------------------------------ reading */

static char *
opt_text(const struct db_row *r, int col)
{
	return db_null(r, col) ? NULL : xstrdup(db_text(r, col));
}

/* "id from to,id from to": the closed periods of the call. */
static void
read_closed(struct change_read *rd, const char *list)
{
	const char *p = list;

	while (p != NULL && *p != '\0' && rd->nclosed < nitems(rd->closed)) {
		struct closed_ref *c = &rd->closed[rd->nclosed];

		if (sscanf(p, "%d %10s %10s", &c->id, c->from, c->to) == 3)
			rd->nclosed++;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
}

/* The sheet's one row (SHEET_CHANGE_READ's), when it exists. */
static void
read_row(void *arg, const struct db_row *r)
{
	struct change *ch = arg;
	struct change_read *rd = &ch->rd;
	int c;

	if (db_nrows(r) != 1)
		return;
	ch->found = true;
	snprintf(rd->xmin, sizeof rd->xmin, "%s", db_text(r, 0));
	uuid_parse(ch->id, rd->row.id);
	c = sheet_row_columns(r, 1, &rd->row);
	rd->row.jurist_id = (int)db_int(r, c);
	rd->in_window = db_bool(r, c + 1);
	snprintf(rd->closed_max, sizeof rd->closed_max, "%s",
	         db_text(r, c + 2));
	read_closed(rd, db_text(r, c + 3));
	rd->voided = !db_null(r, c + 4);
	rd->voided_at = db_int(r, c + 4);
	rd->voided_by = opt_text(r, c + 5);
	rd->void_reason = opt_text(r, c + 6);
	rd->seen = db_null(r, c + 7) ? 0 : db_bool(r, c + 7) ? 1 : -1;
	rd->seen_at = db_int(r, c + 8);
	rd->seen_by = opt_text(r, c + 9);
	rd->seen_reason = opt_text(r, c + 10);
}

/* The write's one row: when it was made. */
static void
written_row(void *arg, const struct db_row *r)
{
	struct change *ch = arg;

	if (db_nrows(r) != 1)
		return;
	ch->written = true;
	ch->at = db_int(r, 0);
}

/* ------------------------------------------------------------ judging */

void
change_facts(const struct change *ch, struct change_facts *f, char *label,
             size_t len)
{
	const struct session *s = &ch->req->conn->session;

	memset(f, 0, sizeof *f);
	f->role = s->role;
	f->actor_id = s->account_id;
	f->owner_id = ch->rd.row.jurist_id;
	f->in_window = ch->rd.in_window;
	f->window_days = cfg->amend_window_days;
	f->has_reason = ch->reason != NULL;
	if (ch->rd.nclosed > 0) {
		closed_period_label(ch->rd.closed[0].from, ch->rd.closed[0].to,
		                    label, len);
		f->closed = label;
	}
}

/* The parameters every change writes: $1 to $9 of CHANGE_AUDIT_SQL. */
void
change_write_common(struct change *ch, const char *stmt)
{
	struct strbuf ids = {0};

	ch->stmt = stmt;
	change_param(ch, xstrdup(ch->id));
	change_param(ch, xstrdup(ch->rd.xmin));
	change_param(ch, xstrdup(ch->rd.closed_max));
	change_param(ch, ch->change_id[0] ? xstrdup(ch->change_id) : NULL);
	change_param(ch, xasprintf("%d", ch->req->conn->session.account_id));
	change_param(ch, ch->reason ? xstrdup(ch->reason) : NULL);
	sb_add(&ids, "{");
	for (size_t i = 0; i < ch->rd.nclosed; i++)
		sb_addf(&ids, "%s%d", i ? "," : "", ch->rd.closed[i].id);
	sb_add(&ids, "}");
	change_param(ch, sb_steal(&ids));
	change_param(ch, xasprintf("%lld", (long long)ch->rd.row.call_start));
	change_param(ch, xstrdup(ch->digest));
}

/* ----------------------------------------------------------- answering */

void
change_reply(struct change *ch, bool duplicate, int64_t at, const char *by,
             const char *reason)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__SheetChanged sc = CALLSHEET__SHEET_CHANGED__INIT;
	Callsheet__FieldChange fc[CHANGE_NFIELDS], *fcp[CHANGE_NFIELDS];
	Callsheet__ClosedPeriod cp[2], *cpp[2];
	uint8_t id[CS_UUID_LEN];

	uuid_parse(ch->id, id);
	sc.id.data = id;
	sc.id.len = CS_UUID_LEN;
	sc.has_id = sc.has_duplicate = true;
	sc.action = (char *)ch->kind->action;
	sc.duplicate = duplicate;
	for (size_t i = 0; i < ch->diff.n; i++) {
		callsheet__field_change__init(&fc[i]);
		fc[i].field = (char *)ch->diff.field[i];
		fc[i].old = ch->diff.old[i];
		fc[i].new_ = ch->diff.new[i];
		fcp[i] = &fc[i];
	}
	sc.changes = fcp;
	sc.n_changes = ch->diff.n;
	for (size_t i = 0; ch->written && i < ch->rd.nclosed; i++) {
		callsheet__closed_period__init(&cp[i]);
		cp[i].from = ch->rd.closed[i].from;
		cp[i].to = ch->rd.closed[i].to;
		cpp[i] = &cp[i];
		sc.n_restated++;
	}
	sc.restated = cpp;
	if (at != 0) {
		sc.has_at = true;
		sc.at = at;
	}
	sc.by = (char *)by;
	sc.reason = (char *)reason;
	resp.body_case = CALLSHEET__RESPONSE__BODY_SHEET_CHANGED;
	resp.sheet_changed = &sc;
	req_reply(ch->req, &resp);
	change_free(ch);
}

static void
read_done(struct change *ch)
{
	struct change_read *rd = &ch->rd;
	struct field_error fe = {.field = "id", .allowed_dim = -1};

	if (!ch->found) {
		snprintf(fe.message, sizeof fe.message,
		         "no such sheet; check the id");
		change_refuse(ch, CALLSHEET__ERROR_CODE__NOT_FOUND, &fe);
		return;
	}
	if (rd->seen > 0) {
		/* this very change was applied before: say so, again */
		change_reply(ch, true, rd->seen_at, rd->seen_by,
		             rd->seen_reason);
		return;
	}
	if (rd->seen < 0) {
		/* another change holds it (another sheet, account, action or
		 * values): refused, never taken for a resend, and nothing
		 * said of that change */
		fe.field = "change_id";
		fe.reason = "stored_other";
		snprintf(fe.value, sizeof fe.value, "%s", ch->change_id);
		snprintf(fe.message, sizeof fe.message,
		         "change_id %s: another change is already stored under "
		         "this id; use a new one for each change",
		         ch->change_id);
		change_refuse(ch, CALLSHEET__ERROR_CODE__CONFLICT, &fe);
		return;
	}
	if (ch->kind->prepare(ch) != 0)
		return; /* answered */
	ch->writing = true;
	change_submit(ch);
}

static void
write_done(struct change *ch)
{
	struct field_error fe = {.field = "id", .allowed_dim = -1};

	if (ch->written) {
		change_reply(ch, false, ch->at, ch->req->conn->session.user,
		             ch->reason);
		return;
	}
	if (++ch->tries < CHANGE_TRIES) {
		/* changed meanwhile, or a period was closed: judge again */
		change_reset(ch);
		change_submit(ch);
		return;
	}
	snprintf(fe.message, sizeof fe.message,
	         "changed by someone else at the same time; look at it "
	         "again and retry");
	change_refuse(ch, CALLSHEET__ERROR_CODE__CONFLICT, &fe);
}

static void
change_done(void *arg, const struct db_end *e)
{
	struct change *ch = arg;

	if (e->st == DB_ERROR && ch->writing && e->error != NULL &&
	    strstr(e->error, "audit_change_id_key") != NULL &&
	    ++ch->tries < CHANGE_TRIES) {
		/* the change id taken meanwhile (the same request sent twice
		 * at once, or another change): read and judged again */
		change_reset(ch);
		change_submit(ch);
		return;
	}
	if (e->st != DB_OK) {
		req_db_error(ch->req, e, ch->what);
		change_free(ch);
		return;
	}
	if (taxonomy == NULL) {
		req_error(ch->req, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the server is still loading its code tables; "
		          "retry shortly");
		change_free(ch);
		return;
	}
	if (ch->writing)
		write_done(ch);
	else
		read_done(ch);
}

/* The read (STMT_SHEET_LOAD) or, once judged, the write. */
static void
change_submit(struct change *ch)
{
	struct db_call *k = db_call_new(ch->what, change_done, ch);
	char window[16], account[16];
	const char *read_params[7] = {ch->id,
	                              window,
	                              ch->change_id[0] ? ch->change_id : NULL,
	                              ch->call_start_new[0] ? ch->call_start_new
	                                                    : NULL,
	                              account,
	                              ch->kind->action,
	                              ch->digest};

	if (ch->writing)
		db_call_stmt(k, ch->stmt, ch->nparams, ch->params, written_row);
	else {
		snprintf(window, sizeof window, "%u", cfg->amend_window_days);
		snprintf(account, sizeof account, "%d",
		         ch->req->conn->session.account_id);
		db_call_stmt(k, STMT_SHEET_LOAD, 7, read_params, read_row);
	}
	if (req_call(ch->req, k) != 0)
		change_free(ch); /* answered */
}

/* What the change is: the SHA-256 of the request's body (AmendSheet,
 * VoidSheet), as packed again. A resend packs to the same bytes; another
 * value, field or sheet under the same change_id does not. */
static int
change_digest(const ProtobufCMessage *body, char *out)
{
	size_t len = protobuf_c_message_get_packed_size(body);
	uint8_t *buf = xmalloc(len + 1);
	int rc;

	protobuf_c_message_pack(body, buf);
	rc = sha256_hex(buf, len, out);
	free(buf);
	return rc;
}

/* Checks what every change carries, then reads the sheet. */
void
change_start(struct req *r, const struct change_kind *kind,
             const ProtobufCMessage *body, const ProtobufCBinaryData *id,
             const ProtobufCBinaryData *change_id,
             const int64_t *call_start_new, const char *reason)
{
	struct change *ch;
	struct field_error fe;

	if (id->len != CS_UUID_LEN) {
		field_error_uuid(&fe, "id", id->len);
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	if (change_id != NULL && change_id->len != 0 &&
	    change_id->len != CS_UUID_LEN) {
		field_error_uuid(&fe, "change_id", change_id->len);
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	memset(&fe, 0, sizeof fe);
	fe.allowed_dim = -1;
	if (call_start_new != NULL &&
	    call_start_check(*call_start_new, time(NULL), &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	ch = xcalloc(1, sizeof *ch);
	if (change_digest(body, ch->digest) != 0) {
		free(ch);
		req_error(r, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
		          "SHA-256 is not available");
		return;
	}
	ch->req = r;
	ch->kind = kind;
	uuid_format(id->data, ch->id);
	if (change_id != NULL && change_id->len == CS_UUID_LEN)
		uuid_format(change_id->data, ch->change_id);
	if (call_start_new != NULL)
		snprintf(ch->call_start_new, sizeof ch->call_start_new, "%lld",
		         (long long)*call_start_new);
	ch->reason = reason != NULL && *reason != '\0' ? reason : NULL;
	snprintf(ch->what, sizeof ch->what, "the %s", kind->action);
	change_submit(ch);
}
