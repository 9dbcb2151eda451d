/* fold.c: runs rollup_fold() once a second, so that reports read the
 * monthly rollup plus at most a second or so of sheets not folded yet
 * (schema/0004_rollup.sql says why logging never touches the rollup). */
#include <stdlib.h>

#include <event2/event.h>

#include "callsheetd.h"

static struct event *fold_timer;
static struct db_op fold_op;
static bool folding;

static int
fold_send(PGconn *pg, struct db_op *op)
{
	(void)op;
	return PQsendQueryParams(pg, "SELECT rollup_fold()", 0, NULL, NULL,
	                         NULL, NULL, 0) == 1
	               ? 0
	               : -1;
}

static void
fold_result(struct db_op *op, const PGresult *res)
{
	(void)op;
	if (PQntuples(res) == 1 && atoll(PQgetvalue(res, 0, 0)) > 0)
		log_debug("rollup: %s sheets folded", PQgetvalue(res, 0, 0));
}

static void
fold_done(struct db_op *op, enum db_status st, const char *err)
{
	(void)op;
	folding = false;
	if (st == DB_ERROR)
		log_warn("rollup fold failed: %s", err ? err : "?");
}

static void
fold_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (folding || draining || !db_available())
		return;
	fold_op.send = fold_send;
	fold_op.result = fold_result;
	fold_op.done = fold_done;
	folding = true;
	if (db_submit(&fold_op) != 0)
		folding = false;
}

void
fold_init(void)
{
	struct timeval tv = {cfg->fold_interval_ms / 1000,
	                     (cfg->fold_interval_ms % 1000) * 1000};

	fold_timer = event_new(base, -1, EV_PERSIST, fold_tick, NULL);
	evtimer_add(fold_timer, &tv);
}

void
fold_shutdown(void)
{
	if (fold_timer != NULL)
		event_free(fold_timer);
	fold_timer = NULL;
}
