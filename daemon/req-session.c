/* req-session.c: session tokens (callsheet login): issued to a logged-in
 * client, presented by its later logins instead of the password (checked
 * in PostgreSQL, so that a revocation holds on every daemon), ended by a
 * logout. Only a token's SHA-256 leaves this file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "callsheetd.h"

static void req_session_start(struct req *r);
static void req_session_end(struct req *r);

const struct req_entry req_session_start_entry = {
        .body = CALLSHEET__REQUEST__BODY_SESSION_START,
        .name = "session start",
        .roles = ANYONE,
        .states = LOGGED_IN,
        .exec = req_session_start,
};

const struct req_entry req_session_end_entry = {
        .body = CALLSHEET__REQUEST__BODY_SESSION_END,
        .name = "session end",
        .roles = ANYONE,
        .states = LOGGED_IN,
        .exec = req_session_end,
};

#define TOKEN_BYTES  32 /* 256 random bits, sent as 64 hex digits */
#define HEX_LEN      SHA256_HEX_LEN
#define HEX_LEN_TEXT "64 bytes"

/* The SHA-256 of a token, in hex: what the database holds. A token is
 * 256 random bits: a fast hash is enough, nothing to stretch. */
static int
token_digest(const char *token, char out[HEX_LEN + 1])
{
	return sha256_hex(token, strlen(token), out);
}

/* A Login with a token: the statement that opens its account. */
int
session_login_stmt(struct db_call *k, const char *user, const char *token,
                   db_row_fn *row)
{
	char digest[HEX_LEN + 1];
	const char *params[2] = {digest, user};

	if (token_digest(token, digest) != 0)
		return -1;
	db_call_stmt(k, STMT_SESSION_LOGIN, 2, params, row);
	return 0;
}

struct session_op {
	struct req *req;
	bool start; /* else end */
	char token[HEX_LEN + 1];
	char digest[HEX_LEN + 1];
	char account[16];
	char lifetime[16];
	int64_t expires_at;
};

static void
session_op_free(struct session_op *s)
{
	OPENSSL_cleanse(s->token, sizeof s->token);
	free(s);
}

static void
session_row(void *arg, const struct db_row *row)
{
	struct session_op *s = arg;

	s->expires_at = db_int(row, 0);
}

static void
session_done(void *arg, const struct db_end *e)
{
	struct session_op *s = arg;
	struct req *r = s->req;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__Session out = CALLSHEET__SESSION__INIT;
	const char *what = s->start ? "starting a session" : "ending a session";
	struct db_end none = {DB_ERROR, "no row", ""};

	if (e->st != DB_OK || (s->start && s->expires_at == 0)) {
		req_db_error(r, e->st != DB_OK ? e : &none, what);
		session_op_free(s);
		return;
	}
	log_info("conn %llu (%s): %s %s a session",
	         (unsigned long long)r->conn->serial, r->conn->peer,
	         r->conn->session.user, s->start ? "started" : "ended");
	if (s->start) {
		out.token = s->token;
		out.has_expires_at = true;
		out.expires_at = s->expires_at;
	}
	resp.body_case = CALLSHEET__RESPONSE__BODY_SESSION;
	resp.session = &out;
	req_reply(r, &resp);
	session_op_free(s);
}

static void
session_submit(struct session_op *s)
{
	const char *params[3] = {s->digest, s->account, s->lifetime};

	if (req_stmt(s->req,
	             s->start ? "starting a session" : "ending a session",
	             s->start ? STMT_SESSION_START : STMT_SESSION_END,
	             s->start ? 3 : 2, params, s->start ? session_row : NULL,
	             session_done, s) != 0)
		session_op_free(s);
}

static struct session_op *
session_new(struct req *r, bool start)
{
	struct session_op *s = xcalloc(1, sizeof *s);

	s->req = r;
	s->start = start;
	snprintf(s->account, sizeof s->account, "%d",
	         r->conn->session.account_id);
	snprintf(s->lifetime, sizeof s->lifetime, "%u", cfg->session_lifetime);
	return s;
}

static void
req_session_start(struct req *r)
{
	struct session_op *s = session_new(r, true);
	unsigned char raw[TOKEN_BYTES];

	if (RAND_bytes(raw, sizeof raw) != 1) {
		req_error(r, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
		          "no random numbers for a session token");
		session_op_free(s);
		return;
	}
	hex_encode(raw, sizeof raw, s->token);
	OPENSSL_cleanse(raw, sizeof raw);
	if (token_digest(s->token, s->digest) != 0) {
		req_error(r, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
		          "SHA-256 is not available");
		session_op_free(s);
		return;
	}
	session_submit(s);
}

static void
req_session_end(struct req *r)
{
	const char *token = r->msg->session_end->token;
	struct session_op *s;

	if (token == NULL || strlen(token) != HEX_LEN) {
		char n[32]; /* a token is never echoed: its length only */

		snprintf(n, sizeof n, "%zu bytes", token ? strlen(token) : 0);
		req_field_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, "token",
		                token == NULL ? "missing" : "bad_length",
		                token == NULL ? "" : n, NULL, HEX_LEN_TEXT,
		                "a session token is %d hexadecimal digits",
		                HEX_LEN);
		return;
	}
	s = session_new(r, false);
	if (token_digest(token, s->digest) != 0) {
		req_error(r, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
		          "SHA-256 is not available");
		session_op_free(s);
		return;
	}
	session_submit(s);
}
