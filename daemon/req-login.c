/* req-login.c: login: the account from PostgreSQL, the password checked
 * on a worker thread, the session's role set on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "callsheetd.h"

struct login {
	struct db_op op;
	struct req *req;
	bool found;
	bool disabled;
	bool ok;
	int account_id;
	Callsheet__Role role;
	char *hash;
};

static void
login_free(struct login *l)
{
	free(l->hash);
	free(l);
}

/* Back to waiting for a login, and to reading requests. */
static void
login_fail(struct login *l, Callsheet__ErrorCode code, const char *msg)
{
	struct conn *c = l->req->conn;

	if (c->state == CONN_AUTHING)
		conn_set_state(c, CONN_LOGIN);
	req_error(l->req, code, NULL, "%s", msg);
	conn_resume(c);
	login_free(l);
}

static void
login_verify(void *arg)
{
	struct login *l = arg;
	const char *password = l->req->msg->login->password;

	if (l->found)
		l->ok = auth_verify_password(password, l->hash);
	else
		auth_dummy_verify(password);
}

static void
login_verified(void *arg)
{
	struct login *l = arg;
	struct req *r = l->req;
	struct conn *c = r->conn;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__LoginOk ok = CALLSHEET__LOGIN_OK__INIT;
	const char *user = r->msg->login->user;

	OPENSSL_cleanse(r->msg->login->password,
	                strlen(r->msg->login->password));
	if (!l->ok) {
		log_warn("conn %llu (%s): failed login as '%.64s'",
		         (unsigned long long)c->serial, c->peer, user);
		login_fail(l, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		           "wrong user name or password");
		return;
	}
	if (l->disabled) {
		log_warn("conn %llu (%s): login as disabled account '%s'",
		         (unsigned long long)c->serial, c->peer, user);
		login_fail(l, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		           "this account is disabled; ask an administrator");
		return;
	}
	if (c->state == CONN_AUTHING) {
		c->session.account_id = l->account_id;
		c->session.role = l->role;
		snprintf(c->session.user, sizeof c->session.user, "%s", user);
		conn_set_state(c, CONN_READY);
		log_info("conn %llu (%s): logged in as %s (%s)",
		         (unsigned long long)c->serial, c->peer, user,
		         role_name(l->role));
	}
	ok.role = l->role;
	ok.user = (char *)user;
	resp.body_case = CALLSHEET__RESPONSE__BODY_LOGIN;
	resp.login = &ok;
	req_reply(r, &resp);
	conn_resume(c);
	login_free(l);
}

static int
login_send(PGconn *pg, struct db_op *op)
{
	struct login *l = op->arg;
	const char *params[1] = {l->req->msg->login->user};

	return PQsendQueryPrepared(pg, STMT_ACCOUNT_BY_NAME, 1, params, NULL,
	                           NULL, 0) == 1
	               ? 0
	               : -1;
}

static void
login_result(struct db_op *op, const PGresult *res)
{
	struct login *l = op->arg;

	if (PQntuples(res) != 1)
		return;
	l->found = true;
	l->account_id = atoi(PQgetvalue(res, 0, 0));
	l->role = role_parse(PQgetvalue(res, 0, 1));
	l->hash = xstrdup(PQgetvalue(res, 0, 2));
	l->disabled = PQgetvalue(res, 0, 3)[0] == 't';
}

static void
login_done(struct db_op *op, enum db_status st, const char *err)
{
	struct login *l = op->arg;

	if (st != DB_OK) {
		if (st == DB_ERROR)
			log_error("login lookup failed: %s", err ? err : "?");
		login_fail(l,
		           st == DB_UNAVAILABLE
		                   ? CALLSHEET__ERROR_CODE__UNAVAILABLE
		                   : CALLSHEET__ERROR_CODE__INTERNAL,
		           "the account database cannot be reached; retry "
		           "shortly");
		return;
	}
	worker_run(login_verify, login_verified, l);
}

void
req_login(struct req *r)
{
	struct login *l = xcalloc(1, sizeof *l);

	l->req = r;
	l->op.send = login_send;
	l->op.result = login_result;
	l->op.done = login_done;
	l->op.arg = l;
	/* nothing else from this client runs until we know who it is */
	conn_set_state(r->conn, CONN_AUTHING);
	if (db_submit(&l->op) != 0)
		login_fail(l, CALLSHEET__ERROR_CODE__UNAVAILABLE,
		           "the database is unreachable; retry shortly");
}
