/* dispatch.c: the list of request kinds (each defined by the req-*.c that
 * serves it: who may send it, in which connection state) and the life of
 * one request until it is answered. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

extern const struct req_entry req_hello_entry;
extern const struct req_entry req_login_entry;
extern const struct req_entry req_log_sheet_entry;
extern const struct req_entry req_log_sheets_entry;
extern const struct req_entry req_query_entry;
extern const struct req_entry req_get_taxonomy_entry;
extern const struct req_entry req_user_add_entry;
extern const struct req_entry req_user_passwd_entry;
extern const struct req_entry req_user_disable_entry;
extern const struct req_entry req_user_list_entry;
extern const struct req_entry req_password_change_entry;
extern const struct req_entry req_session_start_entry;
extern const struct req_entry req_session_end_entry;
extern const struct req_entry req_min_cell_entry;
extern const struct req_entry req_amend_sheet_entry;
extern const struct req_entry req_void_sheet_entry;
extern const struct req_entry req_get_audit_entry;
extern const struct req_entry req_close_period_entry;
extern const struct req_entry req_get_restatements_entry;
extern const struct req_entry req_taxonomy_add_entry;
extern const struct req_entry req_taxonomy_rename_entry;
extern const struct req_entry req_taxonomy_retire_entry;
extern const struct req_entry req_taxonomy_map_entry;
extern const struct req_entry req_watch_entry;
extern const struct req_entry req_check_sheets_entry;
extern const struct req_entry req_export_entry;
extern const struct req_entry req_list_sheets_entry;
extern const struct req_entry req_set_year_facts_entry;
extern const struct req_entry req_get_year_facts_entry;

/* every request kind this daemon serves */
static const struct req_entry *const kinds[] = {
        &req_hello_entry,
        &req_login_entry,
        &req_log_sheet_entry,
        &req_log_sheets_entry,
        &req_query_entry,
        &req_get_taxonomy_entry,
        &req_user_add_entry,
        &req_user_passwd_entry,
        &req_user_disable_entry,
        &req_user_list_entry,
        &req_password_change_entry,
        &req_session_start_entry,
        &req_session_end_entry,
        &req_min_cell_entry,
        &req_amend_sheet_entry,
        &req_void_sheet_entry,
        &req_get_audit_entry,
        &req_close_period_entry,
        &req_get_restatements_entry,
        &req_taxonomy_add_entry,
        &req_taxonomy_rename_entry,
        &req_taxonomy_retire_entry,
        &req_taxonomy_map_entry,
        &req_watch_entry,
        &req_check_sheets_entry,
        &req_export_entry,
        &req_list_sheets_entry,
        &req_set_year_facts_entry,
        &req_get_year_facts_entry,
};

static const struct req_entry *
kind_find(Callsheet__Request__BodyCase body)
{
	for (size_t i = 0; i < nitems(kinds); i++)
		if (kinds[i]->body == body)
			return kinds[i];
	return NULL;
}

/* A request not allowed in its connection's state: why, as the client
 * can say it (what to send first, or that it was already done). */
static void
refuse_state(struct req *r, const struct req_entry *h)
{
	struct conn *c = r->conn;

	if (h->states == STATE(HELLO))
		req_refuse(r, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		           "already_hello", NULL,
		           "hello was already received on this connection");
	else if (c->state == CONN_HELLO)
		req_refuse(r, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		           "hello_first", NULL,
		           "send a hello before any other request");
	else if (h->states == STATE(LOGIN))
		req_refuse(r, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		           "already_logged_in", NULL,
		           "this connection is already logged in; a "
		           "session's account never changes: open another "
		           "connection to log in as someone else");
	else
		req_refuse(r, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		           "login_first", NULL,
		           "log in before sending a %s request", h->name);
}

/* Whether this request may run now; if not, answers why. */
static bool
allowed(struct req *r, const struct req_entry *h)
{
	struct conn *c = r->conn;

	if ((h->states & STATE_BIT(c->state)) == 0) {
		refuse_state(r, h);
		return false;
	}
	if (h->roles == 0)
		return true; /* before a login: anybody */
	if ((h->roles & (1u << c->session.role)) == 0) {
		const ProtobufCFieldDescriptor *body =
		        protobuf_c_message_descriptor_get_field(
		                &callsheet__request__descriptor, h->body);

		req_refuse(r, CALLSHEET__ERROR_CODE__FORBIDDEN, "role",
		           role_name(c->session.role),
		           "the %s role may not send %s requests",
		           role_name(c->session.role), body->name);
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

/* A request's id: given, not 0 (the id of the connection's own errors),
 * and not the id of another request of this connection still being
 * served. If not, answers why (with the id as given) and returns false. */
static bool
id_usable(struct req *r, const Callsheet__Request *msg)
{
	struct field_error fe;
	char value[32];

	if (!msg->has_id || msg->id == 0) {
		field_error_set(&fe, "id",
		                "%s; give every request an id from 1 to "
		                "4294967295 (0 is the id of errors about the "
		                "connection itself)",
		                msg->has_id ? "0 is reserved" : "missing");
		fe.reason = msg->has_id ? "reserved_id" : "missing";
		snprintf(fe.value, sizeof fe.value, "%s",
		         msg->has_id ? "0" : "");
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return false;
	}
	for (const struct req *o = r->conn->live; o != NULL; o = o->next_live)
		if (o->id == msg->id) {
			snprintf(value, sizeof value, "%u", msg->id);
			field_error_set(
			        &fe, "id",
			        "%u is the id of a request of this "
			        "connection not answered yet; give each "
			        "request in flight its own id",
			        msg->id);
			fe.reason = "id_in_use";
			snprintf(fe.value, sizeof fe.value, "%s", value);
			req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
			return false;
		}
	return true;
}

/* A request whose body is not set: none at all, or one this server does
 * not know (protobuf keeps a newer client's as an unknown field). */
static void
no_body(struct req *r, const Callsheet__Request *msg)
{
	struct field_error fe;

	if (msg->base.n_unknown_fields > 0) {
		field_error_set(&fe, "body",
		                "request %u has a body of field number %u, "
		                "which this server does not know (a newer "
		                "client?); this server speaks protocol "
		                "version %d",
		                msg->id, msg->base.unknown_fields[0].tag,
		                CS_PROTOCOL_VERSION);
		fe.reason = "unknown_body";
		snprintf(fe.value, sizeof fe.value, "%u",
		         msg->base.unknown_fields[0].tag);
	} else {
		field_error_set(&fe, "body",
		                "missing; request %u has no body: give one "
		                "(hello, login, log_sheet, query, ...)",
		                msg->id);
		fe.reason = "missing";
	}
	req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
}

/* A request of `size` bytes on the wire: it counts against the
 * connection's output bound until answered (conn.c). nul: a text field
 * of it holding a NUL byte (wire-text.c), refused once the request is
 * allowed, or NULL. */
void
dispatch(struct conn *c, Callsheet__Request *msg, size_t size,
         const struct field_error *nul)
{
	struct req *r = xcalloc(1, sizeof *r);
	const struct req_entry *h;
	struct field_error fe;

	r->conn = c;
	r->id = msg->id;
	r->msg = msg;
	r->size = size;
	c->held += size;
	c->in_flight++;
	c->refs++;
	if (!id_usable(r, msg))
		return;
	r->is_live = true;
	r->next_live = c->live;
	c->live = r;
	h = kind_find(msg->body_case);
	if (h != NULL && (h->roles & READS)) {
		r->reads = true;
		c->reads++;
	}
	if (h == NULL) {
		no_body(r, msg);
		return;
	}
	if (!allowed(r, h))
		return;
	if (nul != NULL) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, nul);
		return;
	}
	if (presence_check(&msg->base, true, &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	h->exec(r);
}

void
req_free(struct req *r)
{
	struct conn *c = r->conn;

	if (r->is_live) {
		struct req **p = &c->live;

		while (*p != r)
			p = &(*p)->next_live;
		*p = r->next_live;
	}
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
	resp->has_id = true;
	msg.kind_case = CALLSHEET__SERVER_MESSAGE__KIND_RESPONSE;
	msg.response = resp;
	conn_send(r->conn, &msg);
	req_free(r);
}

/* Error.reason_code from Error.reason (one list: the proto's enum); an
 * error about a field always says why, at worst "invalid". */
static void
error_reason(Callsheet__Error *err)
{
	char name[64] = "REASON_";
	const ProtobufCEnumValue *v;

	if (err->reason == NULL && err->field != NULL &&
	    err->code == CALLSHEET__ERROR_CODE__BAD_REQUEST)
		err->reason = "invalid";
	if (err->field != NULL && err->value == NULL)
		err->value = "";
	if (err->reason == NULL)
		return;
	for (size_t i = 7; err->reason[i - 7] != '\0' && i + 1 < sizeof name;
	     i++) {
		name[i] = (char)toupper((unsigned char)err->reason[i - 7]);
		name[i + 1] = '\0';
	}
	v = protobuf_c_enum_descriptor_get_value_by_name(
	        &callsheet__error_reason__descriptor, name);
	if (v == NULL) {
		log_error("error reason '%s' is not in the proto", err->reason);
		return;
	}
	err->has_reason_code = true;
	err->reason_code = (Callsheet__ErrorReason)v->value;
}

static void
error_reply(struct req *r, Callsheet__Error *err, unsigned retry_after_s)
{
	error_reason(err);
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
	err.has_code = true;
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

/* An error about one field, through the one road of every such error
 * (a field_error, then req_fail): the message as given. */
static void
req_verror_why(struct req *r, Callsheet__ErrorCode code, const char *field,
               const char *reason, const char *value, const char *fmt,
               va_list ap)
{
	struct field_error fe;

	memset(&fe, 0, sizeof fe);
	fe.allowed_dim = -1;
	fe.field = field;
	vsnprintf(fe.message, sizeof fe.message, fmt, ap);
	field_error_why(&fe, reason, value);
	req_fail(r, code, &fe);
}

void
req_refuse(struct req *r, Callsheet__ErrorCode code, const char *reason,
           const char *value, const char *fmt, ...)
{
	const ProtobufCFieldDescriptor *body =
	        protobuf_c_message_descriptor_get_field(
	                &callsheet__request__descriptor, r->msg->body_case);
	va_list ap;

	/* the request kind refused, as the proto names it */
	va_start(ap, fmt);
	req_verror_why(r, code, body != NULL ? body->name : NULL, reason, value,
	               fmt, ap);
	va_end(ap);
}

void
req_error_why(struct req *r, Callsheet__ErrorCode code, const char *field,
              const char *reason, const char *value, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	req_verror_why(r, code, field, reason, value, fmt, ap);
	va_end(ap);
}

int
req_field_error(struct req *r, Callsheet__ErrorCode code, const char *field,
                const char *reason, const char *value, const char *lo,
                const char *hi, const char *fmt, ...)
{
	struct field_error fe;
	va_list ap;

	va_start(ap, fmt);
	field_error_vset(&fe, field, fmt, ap);
	va_end(ap);
	field_error_range(&fe, reason, value, lo, hi);
	req_fail(r, code, &fe);
	return -1;
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
	err->has_code = true;
	err->message = (char *)fe->message;
	err->field = (char *)fe->field;
	err->reason = (char *)fe->reason;
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
	for (size_t i = 0; i < 2; i++)
		if (fe->range[i][0] != '\0' && n < ERROR_ALLOWED_MAX)
			allowed[n++] = (char *)fe->range[i];
	for (size_t i = 0;
	     fe->list != NULL && fe->list[i] != NULL && n < ERROR_ALLOWED_MAX;
	     i++)
		allowed[n++] = (char *)fe->list[i];
	err->allowed = allowed;
	err->n_allowed = n;
	error_reason(err);
}

void
req_fail(struct req *r, Callsheet__ErrorCode code, const struct field_error *fe)
{
	Callsheet__Error err;
	char *allowed[ERROR_ALLOWED_MAX];

	error_from_field(&err, code, fe, allowed);
	error_reply(r, &err, 0);
}
