/* fold.c: runs rollup_fold() once a second, so that reports read the
 * monthly rollup plus at most a second or so of sheets not folded yet
 * (schema/0004_rollup.sql says why logging never touches the rollup). */
#include <event2/event.h>

#include "callsheetd.h"

static struct event *fold_timer;
static bool folding;

static void
fold_row(void *arg, const struct db_row *row)
{
	(void)arg;
	if (db_int(row, 0) > 0)
		log_debug("rollup: %s sheets folded", db_text(row, 0));
}

static void
fold_done(void *arg, const struct db_end *e)
{
	(void)arg;
	folding = false;
	if (e->st == DB_ERROR)
		log_warn("rollup fold failed: %s", e->error ? e->error : "?");
}

static void
fold_tick(evutil_socket_t fd, short what, void *arg)
{
	struct db_call *k;

	(void)fd;
	(void)what;
	(void)arg;
	if (folding || draining || !db_available())
		return;
	k = db_call_new("the rollup fold", fold_done, NULL);
	db_call_stmt(k, STMT_ROLLUP_FOLD, 0, NULL, fold_row);
	folding = true;
	if (db_call_submit(k) != 0)
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
