/* req-admin-user.c: account administration (admin role only): add an
 * account, set its password, disable or enable it, list them all; and
 * anyone's change of their own password, the current one checked first.
 * Passwords are hashed and checked on a worker thread, never on the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "callsheetd.h"

static void req_user_add(struct req *r);
static void req_user_passwd(struct req *r);
static void req_user_disable(struct req *r);
static void req_user_list(struct req *r);
static void req_password_change(struct req *r);

const struct req_entry req_user_add_entry = {
        .body = CALLSHEET__REQUEST__BODY_USER_ADD,
        .name = "user add",
        .roles = ROLE(ADMIN),
        .states = LOGGED_IN,
        .exec = req_user_add,
};

const struct req_entry req_user_passwd_entry = {
        .body = CALLSHEET__REQUEST__BODY_USER_PASSWD,
        .name = "user passwd",
        .roles = ROLE(ADMIN),
        .states = LOGGED_IN,
        .exec = req_user_passwd,
};

const struct req_entry req_user_disable_entry = {
        .body = CALLSHEET__REQUEST__BODY_USER_DISABLE,
        .name = "user disable",
        .roles = ROLE(ADMIN),
        .states = LOGGED_IN,
        .exec = req_user_disable,
};

const struct req_entry req_user_list_entry = {
        .body = CALLSHEET__REQUEST__BODY_USER_LIST,
        .name = "user list",
        .roles = ROLE(ADMIN),
        .states = LOGGED_IN,
        .exec = req_user_list,
};

const struct req_entry req_password_change_entry = {
        .body = CALLSHEET__REQUEST__BODY_PASSWORD_CHANGE,
        .name = "password change",
        .roles = ANYONE,
        .states = LOGGED_IN,
        .exec = req_password_change,
};

enum admin_kind { ADMIN_ADD, ADMIN_PASSWD, ADMIN_DISABLE, ADMIN_LIST };

struct admin_op {
	struct req *req;
	enum admin_kind kind;
	const char *stmt;
	const char *params[4]; /* name, [role or flag], [hash], actor */
	int nparams;
	int hash_param;
	char *password; /* in the request: wiped once hashed */
	char *hash;
	char *old_password; /* one's own change: checked against stored */
	char *stored;
	bool old_ok;
	unsigned log_n; /* read on the loop: cfg may change meanwhile */
	char actor[16];
	Callsheet__Account **accounts;
	int *ids;
	size_t naccounts;
	char outcome[16]; /* user_disable: changed, unchanged, last_admin */
};

static void
admin_free(struct admin_op *a)
{
	for (size_t i = 0; i < a->naccounts; i++) {
		free(a->accounts[i]->name);
		free(a->accounts[i]);
	}
	free(a->accounts);
	free(a->ids);
	free(a->hash);
	free(a->stored);
	free(a);
}

static const char *
session_user(const struct req *r)
{
	return r->conn->session.user;
}

/* An account row (db-stmt.c's ACCOUNT_COLS); user_disable's has what
 * happened after it. */
static void
admin_row(void *arg, const struct db_row *row)
{
	struct admin_op *a = arg;
	Callsheet__Account *acct = xmalloc(sizeof *acct);

	callsheet__account__init(acct);
	a->accounts = xreallocarray(a->accounts, a->naccounts + 1,
	                            sizeof *a->accounts);
	a->ids = xreallocarray(a->ids, a->naccounts + 1, sizeof *a->ids);
	a->ids[a->naccounts] = (int)db_int(row, 0);
	acct->name = xstrdup(db_text(row, 1));
	acct->role = role_parse(db_text(row, 2));
	acct->disabled = db_bool(row, 3);
	acct->has_role = acct->has_disabled = true;
	acct->has_created_at = acct->has_password_changed_at = true;
	acct->created_at = db_int(row, 4);
	acct->password_changed_at = db_int(row, 5);
	if (a->kind == ADMIN_DISABLE)
		snprintf(a->outcome, sizeof a->outcome, "%s", db_text(row, 6));
	a->accounts[a->naccounts++] = acct;
}

static void
reply_account(struct admin_op *a)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

	resp.body_case = CALLSHEET__RESPONSE__BODY_ACCOUNT;
	resp.account = a->accounts[0];
	req_reply(a->req, &resp);
}

static void
reply_list(struct admin_op *a)
{
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__Accounts list = CALLSHEET__ACCOUNTS__INIT;

	list.n_accounts = a->naccounts;
	list.accounts = a->accounts;
	resp.body_case = CALLSHEET__RESPONSE__BODY_ACCOUNTS;
	resp.accounts = &list;
	req_reply(a->req, &resp);
}

/* The statement ran: say what it did, to the admin and to the log. */
static void
admin_answer(struct admin_op *a, const char *name)
{
	struct req *r = a->req;
	struct conn *c = r->conn;
	unsigned long long serial = (unsigned long long)c->serial;
	struct field_error fe;

	if (a->kind == ADMIN_LIST) {
		reply_list(a);
		return;
	}
	if (a->naccounts == 0 && a->kind == ADMIN_ADD) {
		field_error_set(&fe, "name",
		                "an account named '%s' exists already", name);
		field_error_why(&fe, "exists", name);
		req_fail(r, CALLSHEET__ERROR_CODE__CONFLICT, &fe);
		return;
	}
	if (a->naccounts == 0) {
		field_error_set(&fe, "name", "there is no account named '%s'",
		                name);
		field_error_why(&fe, "not_found", name);
		req_fail(r, CALLSHEET__ERROR_CODE__NOT_FOUND, &fe);
		return;
	}
	if (strcmp(a->outcome, "last_admin") == 0) {
		field_error_set(&fe, "name",
		                "'%s' is the last enabled admin account: "
		                "disabling it would leave nobody able to "
		                "administer accounts",
		                name);
		field_error_why(&fe, "last_admin", name);
		req_fail(r, CALLSHEET__ERROR_CODE__CONFLICT, &fe);
		return;
	}
	switch (a->kind) {
	case ADMIN_ADD:
		log_info("conn %llu: %s created account '%s' (%s)", serial,
		         session_user(r), name,
		         role_name(a->accounts[0]->role));
		break;
	case ADMIN_PASSWD:
		if (a->old_password != NULL)
			log_info("conn %llu: %s changed their password", serial,
			         name);
		else
			log_info("conn %llu: %s set the password of '%s'",
			         serial, session_user(r), name);
		conn_end_sessions(a->ids[0], c,
		                  "the password of this account was changed; "
		                  "log in again");
		break;
	case ADMIN_DISABLE:
		if (strcmp(a->outcome, "changed") != 0)
			break;
		log_info("conn %llu: %s %s account '%s'", serial,
		         session_user(r),
		         a->accounts[0]->disabled ? "disabled" : "enabled",
		         name);
		if (a->accounts[0]->disabled)
			conn_end_sessions(a->ids[0], c,
			                  "this account was disabled by an "
			                  "administrator");
		break;
	case ADMIN_LIST:
		break;
	}
	reply_account(a);
}

static void
admin_done(void *arg, const struct db_end *e)
{
	struct admin_op *a = arg;

	if (e->st != DB_OK)
		req_db_error(a->req, e, "account administration");
	else
		admin_answer(a, a->params[0] != NULL ? a->params[0] : "");
	admin_free(a);
}

static void
admin_submit(struct admin_op *a)
{
	if (req_stmt(a->req, "account administration", a->stmt, a->nparams,
	             a->params, admin_row, admin_done, a) != 0)
		admin_free(a);
}

/* On a worker thread: the slow, memory-hard part. */
static void
admin_hash(void *arg)
{
	struct admin_op *a = arg;

	a->hash = auth_hash_password(a->password, a->log_n);
	OPENSSL_cleanse(a->password, strlen(a->password));
}

static void
admin_hashed(void *arg)
{
	struct admin_op *a = arg;

	if (a->hash == NULL) {
		req_error(a->req, CALLSHEET__ERROR_CODE__INTERNAL, "password",
		          "hashing the password failed on the server");
		admin_free(a);
		return;
	}
	a->params[a->hash_param] = a->hash;
	admin_submit(a);
}

static struct admin_op *
admin_new(struct req *r, enum admin_kind kind, const char *stmt,
          const char *name)
{
	struct admin_op *a = xcalloc(1, sizeof *a);

	a->req = r;
	a->kind = kind;
	a->stmt = stmt;
	snprintf(a->actor, sizeof a->actor, "%d", r->conn->session.account_id);
	if (name != NULL)
		a->params[a->nparams++] = name;
	return a;
}

/* The last parameters: the hash of password (computed first, on a worker
 * thread) if there is one, then who does it; and off it goes. */
static void
admin_start(struct admin_op *a, char *password)
{
	if (password != NULL)
		a->hash_param = a->nparams++;
	a->params[a->nparams++] = a->actor;
	if (password == NULL) {
		admin_submit(a);
		return;
	}
	a->password = password;
	a->log_n = cfg->scrypt_log_n;
	worker_run(admin_hash, admin_hashed, a);
}

/* Checks name (and password); answers and returns -1 if one is wrong. */
static int
admin_check(struct req *r, const char *name, const char *password)
{
	struct field_error fe;

	if (account_check_name(name, &fe) != 0 ||
	    (password != NULL &&
	     account_check_password("password", password, &fe) != 0)) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return -1;
	}
	return 0;
}

static void
req_user_add(struct req *r)
{
	Callsheet__UserAdd *m = r->msg->user_add;
	struct admin_op *a;

	if (admin_check(r, m->name, m->password) != 0)
		return;
	if (m->role < CALLSHEET__ROLE__JURIST ||
	    m->role > CALLSHEET__ROLE__ADMIN) {
		struct field_error fe;
		char v[32];

		snprintf(v, sizeof v, "%d", (int)m->role);
		field_error_set(&fe, "role",
		                "role %s is not one of jurist, reporter or "
		                "admin",
		                v);
		field_error_list(&fe, "invalid", v, role_list());
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	a = admin_new(r, ADMIN_ADD, STMT_USER_ADD, m->name);
	a->params[a->nparams++] = role_name(m->role);
	admin_start(a, m->password);
}

static void
req_user_passwd(struct req *r)
{
	Callsheet__UserPasswd *m = r->msg->user_passwd;

	if (admin_check(r, m->name, m->password) == 0)
		admin_start(
		        admin_new(r, ADMIN_PASSWD, STMT_USER_PASSWD, m->name),
		        m->password);
}

static void
req_user_disable(struct req *r)
{
	Callsheet__UserDisable *m = r->msg->user_disable;
	bool enable = m->has_enable && m->enable;
	struct admin_op *a;

	if (admin_check(r, m->name, NULL) != 0)
		return;
	a = admin_new(r, ADMIN_DISABLE, STMT_USER_DISABLE, m->name);
	a->params[a->nparams++] = enable ? "false" : "true";
	admin_start(a, NULL);
}

static void
req_user_list(struct req *r)
{
	admin_submit(admin_new(r, ADMIN_LIST, STMT_USER_LIST, NULL));
}

/* ------------------------------------------------- one's own password */

static void
own_row(void *arg, const struct db_row *row)
{
	struct admin_op *a = arg;

	if (db_nrows(row) == 1)
		a->stored = xstrdup(db_text(row, 2));
}

/* On a worker thread: the current password, then the new one's hash. */
static void
own_check(void *arg)
{
	struct admin_op *a = arg;

	if (a->stored != NULL)
		a->old_ok = auth_verify_password(a->old_password, a->stored);
	else
		auth_dummy_verify(a->old_password);
	OPENSSL_cleanse(a->old_password, strlen(a->old_password));
	if (a->old_ok)
		admin_hash(a);
	else
		OPENSSL_cleanse(a->password, strlen(a->password));
}

static void
own_checked(void *arg)
{
	struct admin_op *a = arg;

	if (!a->old_ok) {
		log_warn("conn %llu (%s): %s gave a wrong current password",
		         (unsigned long long)a->req->conn->serial,
		         a->req->conn->peer, session_user(a->req));
		req_error_why(a->req, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		              "old_password", "wrong_password", "",
		              "the current password is wrong");
		admin_free(a);
		return;
	}
	admin_hashed(a); /* then the same statement as an admin's passwd */
}

static void
own_done(void *arg, const struct db_end *e)
{
	struct admin_op *a = arg;

	if (e->st != DB_OK) {
		req_db_error(a->req, e, "changing the password");
		admin_free(a);
		return;
	}
	worker_run(own_check, own_checked, a);
}

static void
req_password_change(struct req *r)
{
	Callsheet__PasswordChange *m = r->msg->password_change;
	struct admin_op *a;
	struct field_error fe;

	if (m->old_password == NULL || m->new_password == NULL) {
		req_field_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		                m->old_password == NULL ? "old_password"
		                                        : "new_password",
		                "missing", "", NULL, NULL,
		                "missing; give the current and the new "
		                "password");
		return;
	}
	if (account_check_password("new_password", m->new_password, &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	a = admin_new(r, ADMIN_PASSWD, STMT_USER_PASSWD, session_user(r));
	a->hash_param = a->nparams++;
	a->params[a->nparams++] = a->actor;
	a->password = m->new_password;
	a->old_password = m->old_password;
	a->log_n = cfg->scrypt_log_n;
	if (req_stmt(r, "changing the password", STMT_ACCOUNT_BY_NAME, 1,
	             a->params, own_row, own_done, a) != 0)
		admin_free(a);
}
