/* req-login.c: login: the account from PostgreSQL, the password checked
 * on a worker thread (or a session token, req-session.c, checked by the
 * lookup itself), the session's role set on success; attempts counted
 * per account and per source address from when they start, and
 * throttled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "callsheetd.h"

static void req_login(struct req *r);

const struct req_entry req_login_entry = {
        .body = CALLSHEET__REQUEST__BODY_LOGIN,
        .name = "login",
        .roles = 0,
        .states = STATE(LOGIN),
        .exec = req_login,
};

static struct throttle *by_account, *by_address;

/* what a login flood repeats, logged a few times a second each */
static struct log_limit refused_log = {.what = "refused logins"};
static struct log_limit failed_log = {.what = "failed logins"};
static struct log_limit delay_log = {.what = "login delays"};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct login {
	struct req *req;
	char user[72]; /* the throttling key */
	bool found;
	bool disabled;
	bool checked; /* the worker ran: not skipped for a dead connection */
	bool ok;
	int account_id;
	Callsheet__Role role;
	char *hash;
	int64_t took_ms;          /* the check, timed on its thread */
	struct event *timer;      /* an unknown name's pretended check */
	TAILQ_ENTRY(login) entry; /* in `pretending` meanwhile */
};

/*
 * An unknown name is answered after as long as a password check takes,
 * learned from the real ones, without taking a hashing thread: a flood
 * of made-up names costs timers, not threads, and a known name answered
 * wrong looks the same from outside. Until a check has been timed, an
 * unknown name gets a real one against a dummy hash (which times it).
 */
static TAILQ_HEAD(, login) pretending = TAILQ_HEAD_INITIALIZER(pretending);
static int64_t check_ms = -1; /* average check, -1: not timed yet */

static void
login_free(struct login *l)
{
	if (l->timer != NULL)
		event_free(l->timer);
	free(l->hash);
	free(l);
}

static void
limits(struct throttle_limits *account, struct throttle_limits *address)
{
	account->free = cfg->login_attempts;
	account->at_once = cfg->login_checks_per_account;
	account->delay_max = cfg->login_delay_max;
	address->free = cfg->login_attempts_per_address;
	address->at_once = cfg->login_checks_per_address;
	address->delay_max = cfg->login_delay_max;
}

/* The attempt, counted since it started, ends: a failure against its
 * account and its source, a success or an abort for nothing. */
static void
login_count(struct login *l, enum throttle_outcome outcome)
{
	struct conn *c = l->req->conn;
	struct throttle_limits acc, adr;
	int64_t now = now_ms();
	unsigned d1, d2;

	limits(&acc, &adr);
	d1 = throttle_end(by_account, l->user, outcome, &acc, now);
	/* a success does not clear the source: one good password must not
	 * buy a fresh allowance to guess others */
	d2 = throttle_end(by_address, c->addr_key,
	                  outcome == THROTTLE_OK ? THROTTLE_ABORT : outcome,
	                  &adr, now);
	if (d1 > 0)
		log_limited(
		        &delay_log, LOG_WARN,
		        "conn %llu (%s): %u failed logins in a row for %s%s%s; "
		        "its next login waits %u s",
		        (unsigned long long)c->serial, c->peer,
		        throttle_failures(by_account, l->user),
		        l->found ? "account '" : "an unknown account",
		        l->found ? l->user : "", l->found ? "'" : "", d1);
	if (d2 > 0)
		log_limited(
		        &delay_log, LOG_WARN,
		        "conn %llu (%s): %u failed logins from %s; its next "
		        "login waits %u s",
		        (unsigned long long)c->serial, c->peer,
		        throttle_failures(by_address, c->addr_key), c->addr_key,
		        d2);
}

/* Back to waiting for a login. Answering releases the request's hold on
 * its connection, which may free it (it died while we checked): nothing
 * here touches the connection after the answer, and the answer itself
 * (conn_request_done) resumes reading. */
static void
login_fail(struct login *l, Callsheet__ErrorCode code, const char *msg)
{
	struct conn *c = l->req->conn;

	if (c->state == CONN_AUTHENTICATING)
		conn_set_state(c, CONN_LOGIN);
	req_error(l->req, code, NULL, "%s", msg);
	login_free(l);
}

/* The account could not be looked up: the attempt counts for nothing. */
static void
login_fail_db(struct login *l, const struct db_end *e)
{
	struct conn *c = l->req->conn;

	login_count(l, THROTTLE_ABORT);
	if (c->state == CONN_AUTHENTICATING)
		conn_set_state(c, CONN_LOGIN);
	req_db_error(l->req, e, "the login's account lookup");
	login_free(l);
}

static void
login_verify(void *arg)
{
	struct login *l = arg;
	const char *password = l->req->msg->login->password;

	int64_t t0 = now_ms();

	l->checked = true;
	if (l->req->msg->login->token != NULL)
		l->ok = l->found; /* the lookup matched the token */
	else if (l->found)
		l->ok = auth_verify_password(password, l->hash);
	else
		auth_dummy_verify(password);
	l->took_ms = now_ms() - t0;
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
	if (r->msg->login->token != NULL)
		OPENSSL_cleanse(r->msg->login->token,
		                strlen(r->msg->login->token));
	/* what a password check takes; a token's lookup is not one */
	if (l->checked && l->timer == NULL && r->msg->login->token == NULL)
		check_ms = check_ms < 0 ? l->took_ms
		                        : (check_ms * 7 + l->took_ms) / 8;
	if (!l->checked) {
		/* the connection died before a thread took the check */
		login_count(l, THROTTLE_ABORT);
		login_fail(l, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		           "the connection ended during the login");
		return;
	}
	login_count(l, l->ok && !l->disabled ? THROTTLE_OK : THROTTLE_FAIL);
	if (!l->ok && r->msg->login->token != NULL) {
		log_warn("conn %llu (%s): login with an ended session token",
		         (unsigned long long)c->serial, c->peer);
		login_fail(l, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		           "this session has ended (expired, logged out, or "
		           "the password changed); log in again");
		return;
	}
	if (!l->ok) {
		/* an unknown name may be a password typed in the wrong
		 * field: it stays out of the log */
		log_limited(&failed_log, LOG_WARN,
		            "conn %llu (%s): failed login as %s%s%s",
		            (unsigned long long)c->serial, c->peer,
		            l->found ? "'" : "an unknown account",
		            l->found ? user : "", l->found ? "'" : "");
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
	if (c->state != CONN_AUTHENTICATING) {
		/* the login deadline or the peer ended the connection while
		 * the password was checked: no session, and nothing to say */
		login_fail(l, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		           "the connection ended during the login");
		return;
	}
	c->session.account_id = l->account_id;
	c->session.role = l->role;
	snprintf(c->session.user, sizeof c->session.user, "%s", user);
	conn_set_state(c, CONN_READY);
	log_info("conn %llu (%s): logged in as %s (%s)",
	         (unsigned long long)c->serial, c->peer, user,
	         role_name(l->role));
	ok.role = l->role;
	ok.has_role = true;
	ok.user = (char *)user;
	resp.body_case = CALLSHEET__RESPONSE__BODY_LOGIN;
	resp.login = &ok;
	req_reply(r, &resp);
	login_free(l);
}

static void
login_row(void *arg, const struct db_row *row)
{
	struct login *l = arg;

	if (db_nrows(row) != 1)
		return;
	l->found = true;
	/* a real account: its lockout is never pushed out of the table */
	throttle_known(by_account, l->user);
	l->account_id = (int)db_int(row, 0);
	l->role = role_parse(db_text(row, 1));
	l->hash = xstrdup(db_text(row, 2));
	l->disabled = db_bool(row, 3);
}

static void login_pretended(evutil_socket_t fd, short what, void *arg);

static void
login_done(void *arg, const struct db_end *e)
{
	struct login *l = arg;

	if (e->st != DB_OK) {
		login_fail_db(l, e);
		return;
	}
	if (l->req->msg->login->token != NULL) {
		/* nothing to hash, nothing to pretend: no thread, no wait */
		login_verify(l);
		login_verified(l);
		return;
	}
	if (!l->found && check_ms >= 0) {
		struct timeval tv = {check_ms / 1000,
		                     (suseconds_t)(check_ms % 1000) * 1000};

		l->timer = evtimer_new(base, login_pretended, l);
		TAILQ_INSERT_TAIL(&pretending, l, entry);
		evtimer_add(l->timer, &tv);
		return;
	}
	/* one lane per source: a flood from a few addresses waits its turn
	 * behind everybody else's logins, not in front of them */
	worker_run_for(l->req->conn->addr_key, l->req->conn, login_verify,
	               login_verified, l);
}

/* The time of a check has passed for an unknown name: it failed. */
static void
login_pretended(evutil_socket_t fd, short what, void *arg)
{
	struct login *l = arg;

	(void)fd;
	(void)what;
	TAILQ_REMOVE(&pretending, l, entry);
	l->checked = true;
	l->ok = false;
	login_verified(l);
}

/* Unknown names still being pretended about: answered now (at exit). */
void
login_shutdown(void)
{
	struct login *l;

	while ((l = TAILQ_FIRST(&pretending)) != NULL)
		login_pretended(-1, 0, l);
}

unsigned
login_pending(void)
{
	struct login *l;
	unsigned n = 0;

	TAILQ_FOREACH(l, &pretending, entry)
	n++;
	return n;
}

static void
login_refuse(struct req *r, unsigned wait, const char *why)
{
	struct conn *c = r->conn;

	log_limited(&refused_log, LOG_INFO,
	            "conn %llu (%s): login refused for %u s: %s",
	            (unsigned long long)c->serial, c->peer, wait, why);
	req_error_retry(r, CALLSHEET__ERROR_CODE__TOO_MANY_ATTEMPTS, wait,
	                "too many attempts, retry in %u s", wait);
}

/*
 * Too many attempts for this account or from this source, recent
 * failures or checks running: answered at once, before any lookup or
 * hashing. Otherwise the attempt is counted from now, against both.
 */
static bool
login_admit(struct req *r, const char *user)
{
	struct conn *c = r->conn;
	struct throttle_limits acc, adr;
	int64_t now = now_ms();
	unsigned wait, w2;

	if (by_account == NULL) {
		by_account = throttle_new(cfg->login_throttle_entries);
		by_address = throttle_new(cfg->login_throttle_entries);
	}
	limits(&acc, &adr);
	wait = throttle_wait(by_account, user, &acc, now);
	w2 = throttle_wait(by_address, c->addr_key, &adr, now);
	if (w2 > 0 || wait > 0) {
		login_refuse(r, w2 > wait ? w2 : wait,
		             w2 > wait ? "too many attempts from this address"
		                       : "too many attempts for this account");
		return false;
	}
	throttle_begin(by_address, c->addr_key, &adr, now);
	throttle_begin(by_account, user, &acc, now);
	return true;
}

static void
req_login(struct req *r)
{
	struct login *l;
	struct db_call *k;
	const char *user = r->msg->login->user;
	Callsheet__Login *m = r->msg->login;

	/* a token is instead of the password: both is a client's mistake,
	 * not a login (the password would go unchecked) */
	if (m->token != NULL && m->token[0] != '\0' && m->password != NULL &&
	    m->password[0] != '\0') {
		OPENSSL_cleanse(m->password, strlen(m->password));
		OPENSSL_cleanse(m->token, strlen(m->token));
		req_field_error(r, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		                "password", "invalid", "", NULL,
		                "empty with a token",
		                "give a password or a session token, not both "
		                "(with a token, the password is empty)");
		return;
	}
	/* a token takes no hashing thread: not refused for their queue */
	if (r->msg->login->token == NULL &&
	    worker_queued() >= cfg->max_password_checks) {
		log_limited(&refused_log, LOG_WARN,
		            "conn %llu (%s): login refused: %u password checks "
		            "waiting already",
		            (unsigned long long)r->conn->serial, r->conn->peer,
		            worker_queued());
		req_error(r, CALLSHEET__ERROR_CODE__OVERLOADED, NULL,
		          "the server is checking too many passwords; retry "
		          "shortly");
		return;
	}
	if (!login_admit(r, user))
		return;
	l = xcalloc(1, sizeof *l);
	snprintf(l->user, sizeof l->user, "%s", user);
	l->req = r;
	k = db_call_new("the login's account lookup", login_done, l);
	if (r->msg->login->token != NULL)
		session_login_stmt(k, user, r->msg->login->token, login_row);
	else
		db_call_stmt(k, STMT_ACCOUNT_BY_NAME, 1, &user, login_row);
	/* nothing else from this client runs until we know who it is */
	conn_set_state(r->conn, CONN_AUTHENTICATING);
	/* not the connection's: a login is never cancelled (a write) */
	if (db_call_submit(k) != 0)
		login_fail_db(l, &db_unreachable);
}
