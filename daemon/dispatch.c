/* dispatch.c: the table of request kinds (who may send what, in which
 * connection state) and the life of one request until it is answered. */
#include <stdarg.h>
#include <stdlib.h>

#include "callsheetd.h"

#define ROLE(r) (1u << CALLSHEET__ROLE__##r)
#define ANYONE  (ROLE(JURIST) | ROLE(REPORTER) | ROLE(ADMIN))
/* not a role: the request needs the code tables loaded */
#define NEEDS_TAXONOMY (1u << 31)
/* not a role: the request only reads (db.c never queues a write behind
 * it, and a connection has at most max_reads_in_flight of them) */
#define READS (1u << 30)

struct handler {
	Callsheet__Request__BodyCase body;
	const char *name;
	void (*fn)(struct req *);
	unsigned roles; /* 0: before login; may include NEEDS_TAXONOMY, READS */
};

static const struct handler handlers[] = {
        {CALLSHEET__REQUEST__BODY_HELLO, "hello", req_hello, 0},
        {CALLSHEET__REQUEST__BODY_LOGIN, "login", req_login, 0},
        {CALLSHEET__REQUEST__BODY_LOG_SHEET, "log sheet", req_log_sheet,
         ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY},
        {CALLSHEET__REQUEST__BODY_LOG_SHEETS, "log sheets", req_log_sheets,
         ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY},
        {CALLSHEET__REQUEST__BODY_QUERY, "query", req_query,
         ANYONE | NEEDS_TAXONOMY | READS},
        {CALLSHEET__REQUEST__BODY_GET_TAXONOMY, "taxonomy", req_get_taxonomy,
         ANYONE | NEEDS_TAXONOMY},
        {CALLSHEET__REQUEST__BODY_USER_ADD, "user add", req_user_add,
         ROLE(ADMIN)},
        {CALLSHEET__REQUEST__BODY_USER_PASSWD, "user passwd", req_user_passwd,
         ROLE(ADMIN)},
        {CALLSHEET__REQUEST__BODY_USER_DISABLE, "user disable",
         req_user_disable, ROLE(ADMIN)},
        {CALLSHEET__REQUEST__BODY_USER_LIST, "user list", req_user_list,
         ROLE(ADMIN)},
        {CALLSHEET__REQUEST__BODY_MIN_CELL, "min-cell", req_min_cell,
         ROLE(ADMIN)},
        {CALLSHEET__REQUEST__BODY_AMEND_SHEET, "sheet amendment",
         req_amend_sheet, ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY},
        {CALLSHEET__REQUEST__BODY_VOID_SHEET, "void", req_void_sheet,
         ROLE(JURIST) | ROLE(ADMIN)},
        {CALLSHEET__REQUEST__BODY_GET_AUDIT, "sheet history", req_get_audit,
         ROLE(JURIST) | ROLE(ADMIN) | READS},
        {CALLSHEET__REQUEST__BODY_CLOSE_PERIOD, "close period",
         req_close_period, ROLE(ADMIN)},
        {CALLSHEET__REQUEST__BODY_GET_RESTATEMENTS, "restatements",
         req_get_restatements, ANYONE | NEEDS_TAXONOMY | READS},
        {CALLSHEET__REQUEST__BODY_TAXONOMY_ADD, "taxonomy add",
         req_taxonomy_add, ROLE(ADMIN) | NEEDS_TAXONOMY},
        {CALLSHEET__REQUEST__BODY_TAXONOMY_RENAME, "taxonomy rename",
         req_taxonomy_rename, ROLE(ADMIN) | NEEDS_TAXONOMY},
        {CALLSHEET__REQUEST__BODY_TAXONOMY_RETIRE, "taxonomy retire",
         req_taxonomy_retire, ROLE(ADMIN) | NEEDS_TAXONOMY},
        {CALLSHEET__REQUEST__BODY_TAXONOMY_MAP, "taxonomy map",
         req_taxonomy_map, ROLE(ADMIN) | NEEDS_TAXONOMY},
        /* live, each sheet shows as it is logged: not for reporters,
         * whose figures change a month at a time (docs/SECURITY.md) */
        {CALLSHEET__REQUEST__BODY_WATCH, "watch", req_watch,
         ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY | READS},
        {CALLSHEET__REQUEST__BODY_CHECK_SHEETS, "check sheets",
         req_check_sheets, ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY | READS},
        /* sheet by sheet, an export would bypass the reporter's minimum
         * cell size: aggregates only for that role */
        {CALLSHEET__REQUEST__BODY_EXPORT, "sheet export", req_export,
         ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY | READS},
        /* funder: populations and budget (not personal data) */
        {CALLSHEET__REQUEST__BODY_SET_YEAR_FACTS, "year figures",
         req_set_year_facts, ROLE(ADMIN)},
        {CALLSHEET__REQUEST__BODY_GET_YEAR_FACTS, "year figures",
         req_get_year_facts, ANYONE},
};

static const struct handler *
handler_find(Callsheet__Request__BodyCase body)
{
	for (size_t i = 0; i < nitems(handlers); i++)
		if (handlers[i].body == body)
			return &handlers[i];
	return NULL;
}

/* Whether this request may run now; if not, answers why. */
static bool
allowed(struct req *r, const struct handler *h)
{
	struct conn *c = r->conn;

	if (h->body == CALLSHEET__REQUEST__BODY_HELLO) {
		if (c->state == CONN_HELLO)
			return true;
		req_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, NULL,
		          "hello was already received on this connection");
		return false;
	}
	if (c->state == CONN_HELLO) {
		req_error(r, CALLSHEET__ERROR_CODE__UNAUTHENTICATED, NULL,
		          "send a hello before any other request");
		return false;
	}
	if (h->body == CALLSHEET__REQUEST__BODY_LOGIN) {
		if (c->state == CONN_LOGIN)
			return true;
		req_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, NULL,
		          "this connection is already logged in");
		return false;
	}
	if (c->state != CONN_READY) {
		req_error(r, CALLSHEET__ERROR_CODE__UNAUTHENTICATED, NULL,
		          "log in before sending a %s request", h->name);
		return false;
	}
	if ((h->roles & (1u << c->session.role)) == 0) {
		req_error(r, CALLSHEET__ERROR_CODE__FORBIDDEN, NULL,
		          "the %s role may not send a %s request",
		          role_name(c->session.role), h->name);
		return false;
	}
	if ((h->roles & NEEDS_TAXONOMY) && taxonomy == NULL) {
		req_error(r, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the server is still loading its code tables; "
		          "retry shortly");
		return false;
	}
	return true;
}

/* A request of `size` bytes on the wire: it counts against the
 * connection's output bound until answered (conn.c). */
void
dispatch(struct conn *c, Callsheet__Request *msg, size_t size)
{
	struct req *r = xcalloc(1, sizeof *r);
	const struct handler *h;

	r->conn = c;
	r->id = msg->id;
	r->msg = msg;
	r->size = size;
	c->held += size;
	c->in_flight++;
	c->refs++;
	h = handler_find(msg->body_case);
	if (h != NULL && (h->roles & READS)) {
		r->reads = true;
		c->reads++;
	}
	if (h == NULL) {
		/* a newer client's request arrives with a body we cannot
		 * see (protobuf keeps it as an unknown field): body not set */
		req_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, "body",
		          "request %u has no request body this server knows "
		          "(a newer client?); this server speaks protocol "
		          "version %d",
		          msg->id, CS_PROTOCOL_VERSION);
		return;
	}
	if (allowed(r, h))
		h->fn(r);
}

void
req_free(struct req *r)
{
	struct conn *c = r->conn;

	if (r->reads)
		c->reads--;
	c->held -= r->size;
	callsheet__request__free_unpacked(r->msg, NULL);
	free(r);
	conn_request_done(c);
}

/* Answer and forget the request; the connection may be gone already. */
void
req_reply(struct req *r, Callsheet__Response *resp)
{
	Callsheet__ServerMessage msg = CALLSHEET__SERVER_MESSAGE__INIT;

	resp->id = r->id;
	msg.kind_case = CALLSHEET__SERVER_MESSAGE__KIND_RESPONSE;
	msg.response = resp;
	conn_send(r->conn, &msg);
	req_free(r);
}

/* db_submit() for a request, whose the operation is (db.c drops or
 * cancels it when its connection dies) and whether it only reads: -1
 * once it has been told to retry. */
int
req_submit(struct req *r, struct db_op *op)
{
	op->owner = r->conn;
	op->read = r->reads;
	if (db_submit(op) == 0)
		return 0;
	req_error(r, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
	          "the database is unreachable; retry shortly");
	return -1;
}

/* An operation that failed, answered: retry later, or a logged bug. */
void
req_db_failed(struct req *r, enum db_status st, const char *err,
              const char *what)
{
	if (st == DB_UNAVAILABLE) {
		req_error(r, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the database is unreachable; retry shortly");
		return;
	}
	log_error("%s failed: %s", what, err ? err : "?");
	req_error(r, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
	          "%s failed on the server; see its log", what);
}

static void
error_reply(struct req *r, Callsheet__Error *err, unsigned retry_after_s)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	resp.body_case = CALLSHEET__RESPONSE__BODY_ERROR;
	resp.error = err;
	if (retry_after_s > 0) {
		err->has_retry_after_s = true;
		err->retry_after_s = retry_after_s;
	}
	log_debug("conn %llu: request %u: %s: %s",
	          (unsigned long long)r->conn->serial, r->id,
	          error_code_name(err->code), err->message);
	req_reply(r, &resp);
}

static void
req_verror(struct req *r, Callsheet__ErrorCode code, const char *field,
           unsigned retry_after_s, const char *fmt, va_list ap)
{
	Callsheet__Error err = CALLSHEET__ERROR__INIT;
	char *text = xvasprintf(fmt, ap);

	err.code = code;
	err.message = text;
	err.field = (char *)field;
	error_reply(r, &err, retry_after_s);
	free(text);
}

void
req_error(struct req *r, Callsheet__ErrorCode code, const char *field,
          const char *fmt, ...)
{
	va_list ap;
	bool retry = code == CALLSHEET__ERROR_CODE__UNAVAILABLE ||
	             code == CALLSHEET__ERROR_CODE__OVERLOADED;

	va_start(ap, fmt);
	req_verror(r, code, field, retry ? 1 : 0, fmt, ap);
	va_end(ap);
}

/* An error that says when to come back (throttling). */
void
req_error_retry(struct req *r, Callsheet__ErrorCode code,
                unsigned retry_after_s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	req_verror(r, code, NULL, retry_after_s, fmt, ap);
	va_end(ap);
}

/* A field at fault as an Error: with its reason, value and the codes
 * allowed (into allowed[ERROR_ALLOWED_MAX]), so that a client can say it
 * in its user's language. Points into fe and the taxonomy. */
void
error_from_field(Callsheet__Error *err, Callsheet__ErrorCode code,
                 const struct field_error *fe, char **allowed)
{
	size_t n = 0;

	callsheet__error__init(err);
	err->code = code;
	err->message = (char *)fe->message;
	err->field = (char *)fe->field;
	err->reason = (char *)fe->reason;
	if (fe->reason != NULL)
		err->value = (char *)fe->value;
	/* départements are too many to list: clients say what they look like */
	if (fe->allowed_dim >= 0 && fe->allowed_dim != DIM_DEPARTMENT &&
	    taxonomy != NULL)
		for (size_t i = 0; i < taxonomy->n && n < ERROR_ALLOWED_MAX;
		     i++)
			if ((int)taxonomy->entries[i].dim == fe->allowed_dim &&
			    !taxonomy->entries[i].retired)
				allowed[n++] = taxonomy->entries[i].code;
	if (fe->successor[0] != '\0' && n < ERROR_ALLOWED_MAX)
		allowed[n++] = (char *)fe->successor;
	err->allowed = allowed;
	err->n_allowed = n;
}

void
req_fail(struct req *r, Callsheet__ErrorCode code, const struct field_error *fe)
{
	Callsheet__Error err;
	char *allowed[ERROR_ALLOWED_MAX];

	error_from_field(&err, code, fe, allowed);
	error_reply(r, &err, 0);
}
