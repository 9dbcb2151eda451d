/* db.c: the pool of nonblocking libpq connections, each in pipeline mode
 * with a FIFO of operations in flight; reconnects with backoff. Writes
 * (sheets, logins, changes) never queue behind reads (queries, exports):
 * the first connection never takes a read, a read runs alone on an idle
 * connection under statement_timeout, and the reads of a client that is
 * gone are dropped if queued, cancelled if running. One connection of the
 * pool LISTENs, and writes go to it first (see pg_listener). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "callsheetd.h"

/* Operations one connection may have in its pipeline at once. */
#define PIPELINE_DEPTH 32
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

enum pg_state {
	PG_DOWN,       /* waiting for the reconnect timer */
	PG_CONNECTING, /* PQconnectPoll in progress */
	PG_SETUP,      /* statements being prepared */
	PG_READY,
};

TAILQ_HEAD(op_list, db_op);

struct pgconn {
	unsigned index;
	PGconn *pg;
	enum pg_state state;
	int fd;
	struct event *ev_read;
	struct event *ev_write;
	struct event *timer; /* connect deadline, or reconnect backoff */
	struct op_list inflight;
	unsigned ninflight;
	unsigned backoff_ms;
	struct db_op setup;
	struct db_op listen;   /* taking over LISTEN from a lost connection */
	struct db_op unlisten; /* giving it back to the first connection */
	size_t setup_results;  /* of the setup's statements, seen so far */
	unsigned nreads;       /* reads in flight: 0 or 1, then alone */
	bool cancelling;    /* a cancel of its read is on its way: send none */
	bool read_only;     /* the server refused a write: not the primary */
	bool standby;       /* connected to a hot standby (reporting) */
	bool listening;     /* the pool's listener: LISTEN sent on it */
	bool unlistening;   /* its UNLISTEN is on its way */
	bool listen_queued; /* its takeover LISTEN is on its way */
};

static struct pgconn *pool;
static unsigned npool;
/* operations waiting for a connection: writes are taken first */
static struct op_list waiting_w = TAILQ_HEAD_INITIALIZER(waiting_w);
static struct op_list waiting_r = TAILQ_HEAD_INITIALIZER(waiting_r);
static unsigned nwaiting_w, nwaiting_r;
static bool shutting_down;

static void pg_connect(struct pgconn *p);
static void pg_lost(struct pgconn *p, const char *why);
static void pg_kick(void);
static void pg_listen_handback(void);

static const char *
state_name(enum pg_state s)
{
	static const char *names[] = {"down", "connecting", "setup", "ready"};
	return names[s];
}

static void
pg_set_state(struct pgconn *p, enum pg_state s)
{
	log_debug("pg%u: %s -> %s", p->index, state_name(p->state),
	          state_name(s));
	p->state = s;
}

static void
pg_unwatch(struct pgconn *p)
{
	if (p->ev_read != NULL)
		event_free(p->ev_read);
	if (p->ev_write != NULL)
		event_free(p->ev_write);
	p->ev_read = p->ev_write = NULL;
	p->fd = -1;
}

static void pg_io(evutil_socket_t fd, short what, void *arg);

/* libpq may change sockets while connecting (multi-host): re-read it. */
static void
pg_watch(struct pgconn *p)
{
	int fd = PQsocket(p->pg);

	if (fd == p->fd)
		return;
	pg_unwatch(p);
	p->fd = fd;
	if (fd < 0)
		return;
	p->ev_read = event_new(base, fd, EV_READ | EV_PERSIST, pg_io, p);
	p->ev_write = event_new(base, fd, EV_WRITE | EV_PERSIST, pg_io, p);
}

static void
pg_want(struct pgconn *p, bool rd, bool wr)
{
	pg_watch(p);
	if (p->ev_read == NULL)
		return;
	if (rd)
		event_add(p->ev_read, NULL);
	else
		event_del(p->ev_read);
	if (wr)
		event_add(p->ev_write, NULL);
	else
		event_del(p->ev_write);
}

/* Push queued bytes; keep write interest only while some remain. */
static int
pg_flush(struct pgconn *p)
{
	int r = PQflush(p->pg);

	if (r < 0) {
		pg_lost(p, PQerrorMessage(p->pg));
		return -1;
	}
	pg_want(p, true, r == 1);
	return 0;
}

const char *
db_sqlstate(const PGresult *res)
{
	const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	return s ? s : "";
}

/* Errors after which a retry elsewhere or later may well succeed. */
static bool
sqlstate_transient(const char *s)
{
	/* 57014: cancelled, or statement_timeout: retry when quieter */
	return strncmp(s, "08", 2) == 0 || strncmp(s, "57P", 3) == 0 ||
	       strcmp(s, "57014") == 0 || strncmp(s, "53", 2) == 0 ||
	       strcmp(s, "25006") == 0 || strcmp(s, "40001") == 0 ||
	       strcmp(s, "40P01") == 0;
}

static void
op_finish(struct db_op *op, enum db_status st, const char *err)
{
	op->done(op, st, err);
}

static void
op_record_error(struct db_op *op, const PGresult *res)
{
	if (op->failed)
		return;
	op->failed = true;
	op->transient = sqlstate_transient(db_sqlstate(res));
	snprintf(op->sqlstate, sizeof op->sqlstate, "%s", db_sqlstate(res));
	op->error = xstrdup(PQresultErrorMessage(res));
	/* libpq messages end with a newline; logs and peers want none */
	op->error[strcspn(op->error, "\n")] = '\0';
}

static void
op_reset(struct db_op *op)
{
	free(op->error);
	op->error = NULL;
	op->failed = false;
	op->transient = false;
	op->sqlstate[0] = '\0';
}

/*
 * A server that stops answering (hung, stopped, cut off by the network
 * without a reset) would hold every operation of the connection forever:
 * while answers are owed, the timer counts the server's silence, and at
 * pg_timeout the connection goes (its operations fail as retryable). Any
 * input from the server starts the count again; sending does not.
 */
static void
pg_watchdog(struct pgconn *p, bool heard)
{
	struct timeval tv = {(time_t)cfg->pg_timeout, 0};

	if (p->state < PG_SETUP)
		return; /* the timer is the connect deadline or the backoff */
	if (p->ninflight == 0)
		evtimer_del(p->timer);
	else if (heard || !evtimer_pending(p->timer, NULL))
		evtimer_add(p->timer, &tv);
}

/* A read's first statement: its time limit, for its own transaction. */
static int
send_read_limit(PGconn *pg)
{
	char ms[24];
	const char *params[1] = {ms};

	snprintf(ms, sizeof ms, "%llu",
	         (unsigned long long)cfg->query_timeout * 1000);
	return PQsendQueryParams(pg,
	                         "SELECT set_config('statement_timeout', $1, "
	                         "true)",
	                         1, NULL, params, NULL, NULL, 0) == 1
	               ? 0
	               : -1;
}

/* Every operation, ours or the pool's setup, ends with exactly one sync. */
static int
pg_send(struct pgconn *p, struct db_op *op)
{
	op_reset(op);
	/* in the FIFO first, so that a failure below fails it too */
	TAILQ_INSERT_TAIL(&p->inflight, op, entry);
	p->ninflight++;
	op->skip = 0;
	if (op->read) {
		p->nreads++;
		op->skip = 1; /* the time limit's own result */
	}
	if ((op->read && send_read_limit(p->pg) != 0) ||
	    op->send(p->pg, op) != 0 || PQpipelineSync(p->pg) != 1) {
		pg_lost(p, PQerrorMessage(p->pg));
		return -1;
	}
	pg_watchdog(p, false);
	return pg_flush(p);
}

static void
pg_result(struct pgconn *p, PGresult *res)
{
	struct db_op *op = TAILQ_FIRST(&p->inflight);
	enum db_status st;
	char *err;

	switch (PQresultStatus(res)) {
	case PGRES_PIPELINE_SYNC:
		TAILQ_REMOVE(&p->inflight, op, entry);
		p->ninflight--;
		if (op->read)
			p->nreads--;
		if (op->failed && strstr(op->error, "statement timeout"))
			log_warn("pg%u: a query ran longer than query_timeout "
			         "(%u s) and was stopped",
			         p->index, cfg->query_timeout);
		st = !op->failed     ? DB_OK
		     : op->transient ? DB_UNAVAILABLE
		                     : DB_ERROR;
		err = op->error;
		op->error = NULL;
		op_finish(op, st, err);
		free(err);
		/*
		 * A read-only server (a standby, or a primary demoted after a
		 * failover) would refuse every write for as long as we stay:
		 * leave, and let libpq's target_session_attrs=read-write find
		 * the primary among the hosts of the connection string.
		 */
		if (p->read_only)
			pg_lost(p, "the server is read-only (SQLSTATE 25006); "
			           "reconnecting to find the primary");
		break;
	case PGRES_FATAL_ERROR:
	case PGRES_NONFATAL_ERROR:
	case PGRES_BAD_RESPONSE:
		op_record_error(op, res);
		if (strcmp(db_sqlstate(res), "25006") == 0)
			p->read_only = true;
		break;
	case PGRES_PIPELINE_ABORTED:
		break; /* the first error has been recorded */
	default:
		if (op->skip > 0)
			op->skip--;
		else if (!op->failed && op->result != NULL)
			op->result(op, res);
		break;
	}
}

static void
pg_drain(struct pgconn *p)
{
	bool last_null = false;

	while (!TAILQ_EMPTY(&p->inflight) && p->state >= PG_SETUP &&
	       !PQisBusy(p->pg)) {
		PGresult *res = PQgetResult(p->pg);

		if (res == NULL) {
			/* one statement's results end with NULL; two in a
			 * row mean libpq has nothing more for now */
			if (last_null)
				break;
			last_null = true;
			continue;
		}
		last_null = false;
		pg_result(p, res);
		PQclear(res);
	}
}

static void
pg_notifications(struct pgconn *p)
{
	PGnotify *n;

	while ((n = PQnotifies(p->pg)) != NULL) {
		log_debug("pg%u: notification on %s", p->index, n->relname);
		if (strcmp(n->relname, "callsheet_taxonomy") == 0)
			tax_refresh();
		else if (strcmp(n->relname, "callsheet_sheets") == 0)
			watch_notify(n->extra);
		PQfreemem(n);
	}
}

static void
pg_readable(struct pgconn *p)
{
	if (PQconsumeInput(p->pg) != 1) {
		pg_lost(p, PQerrorMessage(p->pg));
		return;
	}
	pg_drain(p);
	if (p->state < PG_SETUP)
		return; /* lost while a callback ran */
	pg_watchdog(p, true);
	pg_notifications(p);
	if (PQstatus(p->pg) == CONNECTION_BAD) {
		pg_lost(p, PQerrorMessage(p->pg));
		return;
	}
	pg_kick();
}

static void pg_connect_step(struct pgconn *p);

static void
pg_io(evutil_socket_t fd, short what, void *arg)
{
	struct pgconn *p = arg;

	(void)fd;
	if (p->state == PG_CONNECTING) {
		pg_connect_step(p);
		return;
	}
	if (what & EV_READ)
		pg_readable(p);
	if ((what & EV_WRITE) && p->state >= PG_SETUP)
		pg_flush(p);
}

static void
notice_to_log(void *arg, const char *message)
{
	struct pgconn *p = arg;

	log_debug("pg%u: %.*s", p->index, (int)strcspn(message, "\n"), message);
}

/*
 * One connection of the pool LISTENs, not each: every commit that sends
 * a NOTIFY (each sheet logged, by any daemon) wakes every listening
 * backend, which then wakes the daemon, on the machine's few cores and
 * in the middle of the commit's answer. The listener is the first
 * connection, which takes no reads (a backend running a query delivers
 * nothing until it ends), and writes go to it first (pg_pick): a sheet's
 * own notification comes back with its answer and no other backend is
 * woken. When the listener is lost, a ready connection takes over at once
 * and then reloads what may have changed meanwhile (the taxonomy, the
 * watchers' counts); if none is ready, the first set up listens and
 * catches up (setup_done). Once the first connection is back, it listens
 * again and the one that stood in for it stops (pg_listen_handback).
 */
static struct pgconn *
pg_listener(void)
{
	for (unsigned i = 0; i < npool; i++)
		if (pool[i].state >= PG_SETUP && pool[i].listening)
			return &pool[i];
	return NULL;
}

/* LISTEN on p: in its setup, or as an operation of its own */
static int
send_listen(PGconn *pg, struct pgconn *p)
{
	p->listening = true;
	return PQsendQueryParams(pg, "LISTEN callsheet_taxonomy", 0, NULL, NULL,
	                         NULL, NULL, 0) == 1 &&
	                       PQsendQueryParams(pg, "LISTEN callsheet_sheets",
	                                         0, NULL, NULL, NULL, NULL,
	                                         0) == 1
	               ? 0
	               : -1;
}

static int
listen_send(PGconn *pg, struct db_op *op)
{
	return send_listen(pg, op->arg);
}

static void
listen_done(struct db_op *op, enum db_status st, const char *err)
{
	struct pgconn *p = op->arg;

	p->listen_queued = false;
	if (st != DB_OK) {
		log_debug("pg%u: LISTEN failed: %s", p->index, err ? err : "?");
		return; /* its loss elects another */
	}
	log_debug("pg%u: listening, catching up", p->index);
	tax_refresh();
	watch_notify(NULL);
	pg_listen_handback();
}

static int
unlisten_send(PGconn *pg, struct db_op *op)
{
	(void)op;
	return PQsendQueryParams(pg, "UNLISTEN *", 0, NULL, NULL, NULL, NULL,
	                         0) == 1
	               ? 0
	               : -1;
}

static void
unlisten_done(struct db_op *op, enum db_status st, const char *err)
{
	struct pgconn *p = op->arg;

	p->unlistening = false;
	if (st != DB_OK)
		log_debug("pg%u: UNLISTEN failed: %s", p->index,
		          err ? err : "?");
}

/* The first connection listens again: the others stop. */
static void
pg_listen_handback(void)
{
	if (npool < 2 || pool[0].state != PG_READY || !pool[0].listening)
		return;
	for (unsigned i = 1; i < npool; i++) {
		struct pgconn *p = &pool[i];

		if (p->state != PG_READY || !p->listening || p->unlistening)
			continue;
		log_debug("pg%u: the first connection listens again; this "
		          "one stops",
		          p->index);
		p->listening = false;
		p->unlistening = true;
		p->unlisten.send = unlisten_send;
		p->unlisten.done = unlisten_done;
		p->unlisten.arg = p;
		pg_send(p, &p->unlisten);
	}
}

/* The listener is gone: a ready connection takes over, if there is one,
 * preferably one running no read (its LISTEN would wait behind it). */
static void
pg_listen_elect(void)
{
	struct pgconn *best = NULL;

	if (shutting_down || pg_listener() != NULL)
		return;
	for (unsigned i = 0; i < npool; i++) {
		struct pgconn *p = &pool[i];

		if (p->state != PG_READY || p->standby || p->listen_queued)
			continue;
		if (best == NULL || (best->nreads > 0 && p->nreads == 0))
			best = p;
	}
	if (best == NULL)
		return;
	best->listen_queued = true;
	best->listen.send = listen_send;
	best->listen.done = listen_done;
	best->listen.arg = best;
	pg_send(best, &best->listen);
}

/* The setup operation: prepare every statement, describe each (its
 * result's columns must be what db_stmts[] says), and listen. */
static int
setup_send(PGconn *pg, struct db_op *op)
{
	struct pgconn *p = op->arg;

	p->setup_results = 0;
	for (size_t i = 0; i < db_nstmts; i++)
		if (PQsendPrepare(pg, db_stmts[i].name, db_stmts[i].sql,
		                  db_stmts[i].nparams, NULL) != 1)
			return -1;
	for (size_t i = 0; i < db_nstmts; i++)
		if (PQsendDescribePrepared(pg, db_stmts[i].name) != 1)
			return -1;
	/* a standby cannot LISTEN; its taxonomy is reloaded on SIGHUP */
	if (p->standby || (p->index > 0 && pg_listener() != NULL))
		return 0;
	return send_listen(pg, p);
}

/* A statement whose columns are not what db-stmt.c says would have its
 * every result refused (db-req.c): a bug, found here at once. */
static void
setup_result(struct db_op *op, const PGresult *res)
{
	struct pgconn *p = op->arg;
	size_t i = p->setup_results++;

	if (i < db_nstmts || i >= 2 * db_nstmts)
		return;
	i -= db_nstmts;
	if (PQnfields(res) == db_stmts[i].ncols)
		return;
#ifndef NDEBUG
	fatalx("statement %s returns %d columns; db-stmt.c says %d",
	       db_stmts[i].name, PQnfields(res), db_stmts[i].ncols);
#else
	log_error("statement %s returns %d columns; db-stmt.c says %d",
	          db_stmts[i].name, PQnfields(res), db_stmts[i].ncols);
#endif
}

static void
setup_done(struct db_op *op, enum db_status st, const char *err)
{
	struct pgconn *p = op->arg;

	if (st != DB_OK) {
		log_error("pg%u: preparing statements failed: %s", p->index,
		          err ? err : "?");
		pg_lost(p, "setup failed");
		return;
	}
	pg_set_state(p, PG_READY);
	p->backoff_ms = 0;
	log_info("pg%u: connected to %s:%s%s", p->index, PQhost(p->pg),
	         PQport(p->pg),
	         p->standby ? " (a standby: queries only; taxonomy changes "
	                      "are seen on SIGHUP)"
	                    : "");
	/* the taxonomy and the sheets may have changed while no connection
	 * was listening */
	if (taxonomy == NULL || p->listening)
		tax_refresh();
	watch_notify(NULL);
	pg_listen_handback();
}

static void
pg_connected(struct pgconn *p)
{
	const char *hot;

	evtimer_del(p->timer);
	PQsetNoticeReceiver(p->pg, NULL, NULL);
	PQsetNoticeProcessor(p->pg, notice_to_log, p);
	if (PQenterPipelineMode(p->pg) != 1) {
		pg_lost(p, PQerrorMessage(p->pg));
		return;
	}
	pg_set_state(p, PG_SETUP);
	/* reported by PostgreSQL 14 and later */
	hot = PQparameterStatus(p->pg, "in_hot_standby");
	p->standby = hot != NULL && strcmp(hot, "on") == 0;
	p->setup.send = setup_send;
	p->setup.result = setup_result;
	p->setup.done = setup_done;
	p->setup.arg = p;
	pg_send(p, &p->setup);
}

static void
pg_connect_step(struct pgconn *p)
{
	switch (PQconnectPoll(p->pg)) {
	case PGRES_POLLING_READING:
		pg_want(p, true, false);
		break;
	case PGRES_POLLING_WRITING:
		pg_want(p, false, true);
		break;
	case PGRES_POLLING_OK:
		pg_want(p, true, false);
		pg_connected(p);
		break;
	case PGRES_POLLING_FAILED:
	default:
		pg_lost(p, PQerrorMessage(p->pg));
		break;
	}
}

static void
pg_timer(evutil_socket_t fd, short what, void *arg)
{
	struct pgconn *p = arg;

	(void)fd;
	(void)what;
	if (p->state == PG_DOWN)
		pg_connect(p);
	else if (p->state == PG_CONNECTING)
		pg_lost(p, "connection timed out");
	else {
		char why[96];

		snprintf(why, sizeof why,
		         "no answer from the server for %u seconds",
		         cfg->pg_timeout);
		pg_lost(p, why);
	}
}

static void
pg_connect(struct pgconn *p)
{
	struct timeval tv = {(time_t)cfg->pg_connect_timeout, 0};

	p->pg = PQconnectStart(cfg->pg);
	if (p->pg == NULL) {
		pg_lost(p, "out of memory");
		return;
	}
	if (PQstatus(p->pg) == CONNECTION_BAD ||
	    PQsetnonblocking(p->pg, 1) != 0) {
		pg_lost(p, PQerrorMessage(p->pg));
		return;
	}
	pg_set_state(p, PG_CONNECTING);
	evtimer_add(p->timer, &tv);
	/* as if PQconnectPoll had asked for writability */
	pg_want(p, false, true);
}

static void
fail_list(struct op_list *list, unsigned *count, const char *why)
{
	struct db_op *op;

	while ((op = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, op, entry);
		(*count)--;
		if (op->send == setup_send)
			continue;
		op_reset(op);
		op_finish(op, DB_UNAVAILABLE, why);
	}
}

/*
 * Everything in flight on a lost connection fails as retryable: a batch
 * whose COMMIT reached the server before the loss is safe to resend, the
 * sheet ids make the second attempt a duplicate.
 */
static void
pg_lost(struct pgconn *p, const char *why)
{
	struct timeval tv;
	char *reason =
	        xstrndup(why ? why : "?", strcspn(why ? why : "?", "\n"));

	if (p->state != PG_CONNECTING || p->backoff_ms == 0)
		log_warn("pg%u: %s: %s", p->index,
		         p->state == PG_CONNECTING ? "cannot connect"
		                                   : "connection lost",
		         reason);
	pg_unwatch(p);
	evtimer_del(p->timer);
	pg_set_state(p, PG_DOWN);
	p->read_only = false;
	if (p->pg != NULL)
		PQfinish(p->pg);
	p->pg = NULL;
	p->nreads = 0;
	p->cancelling = false;
	p->listening = false;
	p->unlistening = false;
	p->listen_queued = false;
	fail_list(&p->inflight, &p->ninflight,
	          "the database connection was lost");
	if (!db_available()) {
		fail_list(&waiting_w, &nwaiting_w,
		          "the database is unreachable");
		fail_list(&waiting_r, &nwaiting_r,
		          "the database is unreachable");
	}
	free(reason);
	pg_listen_elect();
	if (shutting_down)
		return;
	p->backoff_ms = p->backoff_ms ? p->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (p->backoff_ms > BACKOFF_MAX_MS)
		p->backoff_ms = BACKOFF_MAX_MS;
	tv.tv_sec = p->backoff_ms / 1000;
	tv.tv_usec = (p->backoff_ms % 1000) * 1000 +
	             (suseconds_t)(arc4random_uniform(100) * 1000);
	if (tv.tv_usec >= 1000000) {
		tv.tv_sec++;
		tv.tv_usec -= 1000000;
	}
	evtimer_add(p->timer, &tv);
}

/*
 * Where an operation goes now, or NULL: it waits. A write goes to the
 * least loaded connection that runs no read; a read to an idle one, never
 * the first (kept for writes while the pool has more than one), so that a
 * cancel of a departed client's read can only hit that read.
 */
static struct pgconn *
pg_pick(bool read)
{
	struct pgconn *best = NULL;

	for (unsigned i = read && npool > 1 ? 1 : 0; i < npool; i++) {
		struct pgconn *p = &pool[i];

		if (p->state != PG_READY || p->nreads > 0 || p->cancelling ||
		    p->ninflight >= PIPELINE_DEPTH ||
		    (read && p->ninflight > 0))
			continue;
		/* a write on the listener wakes no other backend */
		if (best == NULL || p->ninflight < best->ninflight ||
		    (!read && p->ninflight == best->ninflight && p->listening &&
		     !best->listening))
			best = p;
	}
	return best;
}

static void
pg_kick(void)
{
	struct db_op *op;
	struct pgconn *p;

	while ((op = TAILQ_FIRST(&waiting_w)) != NULL &&
	       (p = pg_pick(false)) != NULL) {
		TAILQ_REMOVE(&waiting_w, op, entry);
		nwaiting_w--;
		pg_send(p, op);
	}
	while ((op = TAILQ_FIRST(&waiting_r)) != NULL &&
	       (p = pg_pick(true)) != NULL) {
		TAILQ_REMOVE(&waiting_r, op, entry);
		nwaiting_r--;
		pg_send(p, op);
	}
}

bool
db_available(void)
{
	for (unsigned i = 0; i < npool; i++)
		if (pool[i].state == PG_READY)
			return true;
	return false;
}

/* Whether the pool hears NOTIFY: a standby's connections cannot LISTEN. */
bool
db_listening(void)
{
	const struct pgconn *p = pg_listener();

	return p != NULL && p->state == PG_READY;
}

/*
 * Queue an operation. Returns -1 (and calls nothing) when no connection
 * is up, so that the caller can answer "unavailable" at once instead of
 * holding a client while the database is down. Otherwise op->done will be
 * called exactly once, possibly before this returns.
 */
int
db_submit(struct db_op *op)
{
	struct pgconn *p;

	if (shutting_down || !db_available())
		return -1;
	if (TAILQ_EMPTY(op->read ? &waiting_r : &waiting_w) &&
	    (p = pg_pick(op->read)) != NULL) {
		pg_send(p, op);
		return 0;
	}
	if (op->read) {
		TAILQ_INSERT_TAIL(&waiting_r, op, entry);
		nwaiting_r++;
	} else {
		TAILQ_INSERT_TAIL(&waiting_w, op, entry);
		nwaiting_w++;
	}
	return 0;
}

/* Asks the server to stop a connection's read (pg_cancel_backend, from
 * another connection: nothing blocks); nothing else goes to it meanwhile. */
struct cancel {
	struct db_op op;
	struct pgconn *target;
	char pid[16];
};

static int
cancel_send(PGconn *pg, struct db_op *op)
{
	struct cancel *k = op->arg;
	const char *params[1] = {k->pid};

	return PQsendQueryParams(pg, "SELECT pg_cancel_backend($1::int)", 1,
	                         NULL, params, NULL, NULL, 0) == 1
	               ? 0
	               : -1;
}

static void
cancel_done(struct db_op *op, enum db_status st, const char *err)
{
	struct cancel *k = op->arg;

	if (st != DB_OK)
		log_debug("cancelling a query failed: %s", err ? err : "?");
	k->target->cancelling = false;
	free(k);
	if (!shutting_down)
		pg_kick();
}

static void
pg_cancel_read(struct pgconn *p)
{
	struct cancel *k = xcalloc(1, sizeof *k);

	k->target = p;
	snprintf(k->pid, sizeof k->pid, "%d", PQbackendPID(p->pg));
	k->op.send = cancel_send;
	k->op.done = cancel_done;
	k->op.arg = k;
	p->cancelling = true;
	if (db_submit(&k->op) != 0) {
		p->cancelling = false;
		free(k);
	}
}

/*
 * The client that owns these operations is gone: its reads still queued
 * fail at once (their answers go nowhere), and a read running is
 * cancelled on the server. Writes run to their end: they may already be
 * committed, and a resend must find them.
 */
void
db_cancel_owner(const void *owner)
{
	struct db_op *op, *next;
	unsigned dropped = 0;

	if (owner == NULL)
		return;
	for (op = TAILQ_FIRST(&waiting_r); op != NULL; op = next) {
		next = TAILQ_NEXT(op, entry);
		if (op->owner != owner)
			continue;
		TAILQ_REMOVE(&waiting_r, op, entry);
		nwaiting_r--;
		op_reset(op);
		op_finish(op, DB_UNAVAILABLE, "its client is gone");
		dropped++;
		next = TAILQ_FIRST(&waiting_r); /* done may have changed it */
	}
	for (unsigned i = 0; i < npool; i++) {
		struct pgconn *p = &pool[i];

		op = TAILQ_FIRST(&p->inflight);
		if (p->state == PG_READY && p->nreads > 0 && !p->cancelling &&
		    op != NULL && op->owner == owner) {
			log_debug("pg%u: cancelling the query of a client "
			          "that is gone",
			          p->index);
			pg_cancel_read(p);
		}
	}
	if (dropped > 0)
		log_debug("dropped %u queued queries of a client that is gone",
		          dropped);
}

void
db_init(void)
{
	db_stmts_init();
	npool = cfg->pg_pool;
	pool = xcalloc(npool, sizeof *pool);
	for (unsigned i = 0; i < npool; i++) {
		struct pgconn *p = &pool[i];

		p->index = i;
		p->fd = -1;
		TAILQ_INIT(&p->inflight);
		p->timer = evtimer_new(base, pg_timer, p);
		pg_connect(p);
	}
}

void
db_shutdown(void)
{
	shutting_down = true;
	for (unsigned i = 0; i < npool; i++) {
		struct pgconn *p = &pool[i];

		pg_unwatch(p);
		if (p->pg != NULL)
			PQfinish(p->pg);
		p->pg = NULL;
		fail_list(&p->inflight, &p->ninflight,
		          "the daemon is stopping");
		event_free(p->timer);
	}
	fail_list(&waiting_w, &nwaiting_w, "the daemon is stopping");
	fail_list(&waiting_r, &nwaiting_r, "the daemon is stopping");
	free(pool);
	pool = NULL;
	npool = 0;
}
