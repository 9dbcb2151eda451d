/* req-hello.c: the first exchange: protocol version and server limits. */
#include "callsheetd.h"

static void req_hello(struct req *r);

const struct req_entry req_hello_entry = {
        .body = CALLSHEET__REQUEST__BODY_HELLO,
        .name = "hello",
        .roles = 0,
        .states = STATE(HELLO),
        .exec = req_hello,
};

static void
req_hello(struct req *r)
{
	Callsheet__Hello *h = r->msg->hello;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__HelloOk ok = CALLSHEET__HELLO_OK__INIT;
	struct conn *c = r->conn;

	if (h->protocol_version != CS_PROTOCOL_VERSION) {
		struct field_error fe;
		char v[16], ours[16];

		snprintf(v, sizeof v, "%u", h->protocol_version);
		snprintf(ours, sizeof ours, "%d", CS_PROTOCOL_VERSION);
		field_error_set(&fe, "protocol_version",
		                "this server speaks protocol version %s, the "
		                "client version %s; upgrade the older side",
		                ours, v);
		field_error_range(&fe, "invalid", v, NULL, ours);
		req_fail(r, CALLSHEET__ERROR_CODE__VERSION_MISMATCH, &fe);
		conn_finish(c);
		return;
	}
	ok.protocol_version = CS_PROTOCOL_VERSION;
	ok.has_protocol_version = true;
	ok.server_name = cfg->server_name;
	ok.has_max_frame = ok.has_max_in_flight = true;
	ok.max_frame = cfg->max_frame;
	ok.max_in_flight = cfg->max_in_flight;
	if (taxonomy != NULL) {
		ok.has_taxonomy_version = true;
		ok.taxonomy_version = taxonomy->version;
	}
	resp.body_case = CALLSHEET__RESPONSE__BODY_HELLO;
	resp.hello = &ok;
	conn_set_state(c, CONN_LOGIN);
	req_reply(r, &resp);
}
