/* changes.c: the requests that change stored sheets or look at them or
 * their history: amend, void, the list of one's sheets, the audit trail,
 * closing a period, and the restatements a report shows. */
#include <string.h>

#include "libcallsheet.h"

/* The one body a request expects, detached from its response (freed with
 * protobuf_c_message_free_unpacked), or NULL with err set. */
ProtobufCMessage *
cs_call_body(struct cs_client *c, Callsheet__Request *req,
             Callsheet__Response__BodyCase want, struct cs_error *err)
{
	Callsheet__Response *resp;
	ProtobufCMessage *body;

	if (cs_call(c, req, &resp, err) != 0)
		return NULL;
	if (resp->body_case != want) {
		callsheet__response__free_unpacked(resp, NULL);
		cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
		             _("the server answered request %u with an "
		               "unexpected message"),
		             req->id);
		return NULL;
	}
	/* every body is a pointer in the same union */
	body = (ProtobufCMessage *)resp->sheet_changed;
	resp->sheet_changed = NULL;
	resp->body_case = CALLSHEET__RESPONSE__BODY__NOT_SET;
	callsheet__response__free_unpacked(resp, NULL);
	return body;
}

int
cs_amend_sheet(struct cs_client *c, const Callsheet__AmendSheet *a,
               Callsheet__SheetChanged **out, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	req.body_case = CALLSHEET__REQUEST__BODY_AMEND_SHEET;
	req.amend_sheet = (Callsheet__AmendSheet *)a; /* packing only reads */
	*out = (Callsheet__SheetChanged *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_SHEET_CHANGED, err);
	return *out != NULL ? 0 : -1;
}

int
cs_void_sheet(struct cs_client *c, const Callsheet__VoidSheet *v,
              Callsheet__SheetChanged **out, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	req.body_case = CALLSHEET__REQUEST__BODY_VOID_SHEET;
	req.void_sheet = (Callsheet__VoidSheet *)v;
	*out = (Callsheet__SheetChanged *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_SHEET_CHANGED, err);
	return *out != NULL ? 0 : -1;
}

int
cs_list_sheets(struct cs_client *c, const Callsheet__ListSheets *l,
               Callsheet__SheetList **out, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	req.body_case = CALLSHEET__REQUEST__BODY_LIST_SHEETS;
	req.list_sheets = (Callsheet__ListSheets *)l;
	*out = (Callsheet__SheetList *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_SHEET_LIST, err);
	return *out != NULL ? 0 : -1;
}

int
cs_get_audit(struct cs_client *c, const Callsheet__GetAudit *g,
             Callsheet__AuditList **out, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	req.body_case = CALLSHEET__REQUEST__BODY_GET_AUDIT;
	req.get_audit = (Callsheet__GetAudit *)g;
	*out = (Callsheet__AuditList *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_AUDIT_LIST, err);
	return *out != NULL ? 0 : -1;
}

int
cs_close_period(struct cs_client *c, const Callsheet__ClosePeriod *cp,
                Callsheet__PeriodClosed **out, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	req.body_case = CALLSHEET__REQUEST__BODY_CLOSE_PERIOD;
	req.close_period = (Callsheet__ClosePeriod *)cp;
	*out = (Callsheet__PeriodClosed *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_PERIOD_CLOSED, err);
	return *out != NULL ? 0 : -1;
}

/* A server older than the request says so: then it has no closed period,
 * and *out is an empty list rather than an error. */
int
cs_restatements(struct cs_client *c, const Callsheet__Query *q,
                Callsheet__Restatements **out, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__GetRestatements g = CALLSHEET__GET_RESTATEMENTS__INIT;

	g.query = (Callsheet__Query *)q;
	req.body_case = CALLSHEET__REQUEST__BODY_GET_RESTATEMENTS;
	req.get_restatements = &g;
	*out = (Callsheet__Restatements *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_RESTATEMENTS, err);
	if (*out == NULL && err != NULL &&
	    err->code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	    strncmp(err->message, "unknown request type", 20) == 0) {
		*out = xmalloc(sizeof **out);
		callsheet__restatements__init(*out);
	}
	return *out != NULL ? 0 : -1;
}
