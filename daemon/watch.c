/* watch.c: live counters: the connections that watch, one recount at a
 * time when sheets change (NOTIFY callsheet_sheets, coalesced), pushed to
 * every watcher as an Event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "callsheetd.h"

static void req_watch(struct req *r);

/* live, each sheet shows as it is logged: not for reporters, whose
 * figures change a month at a time (docs/SECURITY.md) */
const struct req_entry req_watch_entry = {
        .body = CALLSHEET__REQUEST__BODY_WATCH,
        .name = "watch",
        .roles = ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY | READS,
        .states = LOGGED_IN,
        .exec = req_watch,
};

/*
 * Recounts start at most this often, and never more often than four times
 * their own cost: a busy database is not asked to count all the time,
 * and a watcher still sees a sheet within a second.
 */
#define RECOUNT_MIN_MS 150
#define RECOUNT_MAX_MS 800
#define NPERIODS       3
#define RECENT_TXIDS   32 /* notifications remembered, to drop copies */
#define UNHEARD_S      1  /* recounts when no connection can LISTEN */

static const char *const period_names[NPERIODS] = {"today", "week", "month"};

struct watcher {
	TAILQ_ENTRY(watcher) entry;
	struct conn *conn; /* leaves the list in conn_close: no reference */
};
static TAILQ_HEAD(, watcher) watchers = TAILQ_HEAD_INITIALIZER(watchers);

static struct event *recount_timer; /* the next coalesced recount */
static struct event *unprompted;    /* a recount no notification asks */
static bool counting;               /* a recount for watchers in flight */
static bool dirty;                  /* sheets changed since it began */
static int64_t last_start_ms, last_cost_ms;
static char recent[RECENT_TXIDS][24]; /* payloads heard lately, a ring */
static unsigned recent_next;

/* One row of STMT_WATCH_COUNTS: a call type or topic, its counts. */
struct tally {
	bool topic;
	int16_t id;
	uint64_t n[NPERIODS];
};

struct count {
	struct req *req; /* NULL: a recount for every watcher */
	char *as_of;
	char *from[NPERIODS];
	int next_day_s;
	struct tally *rows;
	size_t nrows;
};

/* The message built from a count; pointers into it and the taxonomy. */
struct counters_msg {
	Callsheet__Counters c;
	Callsheet__PeriodCounters p[NPERIODS];
	Callsheet__PeriodCounters *pp[NPERIODS];
	Callsheet__Counter *items;
	Callsheet__Counter **ptrs;
	size_t cap;
};

static void watch_schedule(void);

static struct watcher *
watcher_find(const struct conn *c)
{
	struct watcher *w;

	TAILQ_FOREACH(w, &watchers, entry)
	if (w->conn == c)
		return w;
	return NULL;
}

static void
watcher_add(struct conn *c)
{
	struct watcher *w;

	if (c->watching)
		return;
	w = xcalloc(1, sizeof *w);
	w->conn = c;
	c->watching = true;
	TAILQ_INSERT_TAIL(&watchers, w, entry);
	log_debug("conn %llu: watching", (unsigned long long)c->serial);
}

/* Called by conn_close, and on "stop": the connection leaves the list. */
void
watch_forget(struct conn *c)
{
	struct watcher *w;

	if (!c->watching || (w = watcher_find(c)) == NULL)
		return;
	TAILQ_REMOVE(&watchers, w, entry);
	c->watching = false;
	free(w);
}

/* ------------------------------------------------------- the counting */

/* The clock: now, the start of each period, seconds to midnight. */
static void
clock_row(void *arg, const struct db_row *row)
{
	struct count *k = arg;

	if (db_nrows(row) != 1)
		return;
	k->as_of = xstrdup(db_text(row, 0));
	for (int i = 0; i < NPERIODS; i++)
		k->from[i] = xstrdup(db_text(row, 1 + i));
	k->next_day_s = (int)db_int(row, 4);
}

static void
tally_row(void *arg, const struct db_row *row)
{
	struct count *k = arg;
	struct tally *t;

	if (db_rowno(row) == 0)
		k->rows = xcalloc((size_t)db_nrows(row), sizeof *k->rows);
	t = &k->rows[k->nrows++];
	t->topic = db_int(row, 0) == 1;
	t->id = (int16_t)db_int(row, 1);
	for (int p = 0; p < NPERIODS; p++)
		t->n[p] = db_uint(row, 2 + p);
}

static void
count_free(struct count *k)
{
	free(k->as_of);
	for (int i = 0; i < NPERIODS; i++)
		free(k->from[i]);
	free(k->rows);
	free(k);
}

/* What e counts, as queries count it: the tallies of e and of every code
 * retired onto it (tax_current); a code retired onto another counts 0. */
static uint64_t
tally_of(const struct count *k, int period, bool topic,
         const struct tax_entry *e)
{
	uint64_t n = 0;

	for (size_t i = 0; i < k->nrows; i++)
		if (k->rows[i].topic == topic &&
		    tax_current(taxonomy, tax_by_id(taxonomy, k->rows[i].id)) ==
		            e)
			n += k->rows[i].n[period];
	return n;
}

/* One period's counters of a kind, in the taxonomy's order, zeros left
 * out (so are the codes retired onto others: they count under their
 * successors); they take the next slots of m. */
static size_t
counters_fill(const struct count *k, int period, bool topic,
              struct counters_msg *m, size_t *used, uint64_t *sum)
{
	size_t n = 0;

	for (size_t i = 0; i < taxonomy->n && *used < m->cap; i++) {
		const struct tax_entry *e = &taxonomy->entries[i];
		Callsheet__Counter *c = &m->items[*used];
		uint64_t v;

		if (e->dim != (topic ? DIM_TOPIC : DIM_CALL_TYPE) ||
		    (v = tally_of(k, period, topic, e)) == 0)
			continue;
		callsheet__counter__init(c);
		c->code = e->code;
		c->count = v;
		c->has_count = true;
		m->ptrs[(*used)++] = c;
		*sum += v;
		n++;
	}
	return n;
}

static void
counters_build(const struct count *k, struct counters_msg *m)
{
	size_t used = 0;

	callsheet__counters__init(&m->c);
	m->c.as_of = k->as_of != NULL ? k->as_of : "";
	m->c.timezone = taxonomy->timezone;
	m->c.periods = m->pp;
	m->c.n_periods = NPERIODS;
	m->cap = k->nrows * NPERIODS;
	m->items = xcalloc(m->cap + 1, sizeof *m->items);
	m->ptrs = xcalloc(m->cap + 1, sizeof *m->ptrs);
	for (int p = 0; p < NPERIODS; p++) {
		Callsheet__PeriodCounters *pc = &m->p[p];
		uint64_t topics = 0;

		callsheet__period_counters__init(pc);
		pc->has_total = true;
		pc->period = (char *)period_names[p];
		pc->from = k->from[p] != NULL ? k->from[p] : "";
		pc->call_types = &m->ptrs[used];
		pc->n_call_types =
		        counters_fill(k, p, false, m, &used, &pc->total);
		pc->topics = &m->ptrs[used];
		pc->n_topics = counters_fill(k, p, true, m, &used, &topics);
		m->pp[p] = pc;
	}
}

static void
counters_free(struct counters_msg *m)
{
	free(m->items);
	free(m->ptrs);
}

/* Every watcher gets the counters, unless it is not reading: it gets the
 * next ones, which supersede these. */
static void
push(const Callsheet__Counters *counters)
{
	Callsheet__ServerMessage msg = CALLSHEET__SERVER_MESSAGE__INIT;
	Callsheet__Event ev = CALLSHEET__EVENT__INIT;
	struct watcher *w;

	ev.kind = "counters";
	ev.counters = (Callsheet__Counters *)counters;
	msg.kind_case = CALLSHEET__SERVER_MESSAGE__KIND_EVENT;
	msg.event = &ev;
	TAILQ_FOREACH(w, &watchers, entry)
	{
		struct conn *c = w->conn;

		if (c->state != CONN_READY)
			continue; /* going away */
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) >=
		    cfg->max_output) {
			log_debug("conn %llu: not reading; counters skipped",
			          (unsigned long long)c->serial);
			continue;
		}
		conn_send(c, &msg);
	}
}

static void
unprompted_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	watch_notify(NULL);
}

/*
 * Counters change without a notification at midnight ("today" ends), and
 * all the time on a daemon whose connections cannot LISTEN (a standby
 * refuses it during recovery): count again then, or every second.
 */
static void
arm_unprompted(int next_day_s)
{
	struct timeval tv = {next_day_s > 0 ? next_day_s + 1 : 1, 0};

	if (!db_listening())
		tv.tv_sec = UNHEARD_S;
	if (unprompted == NULL)
		unprompted = evtimer_new(base, unprompted_cb, NULL);
	evtimer_add(unprompted, &tv);
}

static void
count_done(void *arg, const struct db_end *e)
{
	struct count *k = arg;
	struct counters_msg m;
	bool ok = e->st == DB_OK && k->as_of != NULL && taxonomy != NULL;
	struct db_end none = {DB_ERROR, "no clock row", ""};

	if (ok)
		counters_build(k, &m);
	if (k->req != NULL) {
		Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;

		if (ok) {
			resp.body_case = CALLSHEET__RESPONSE__BODY_COUNTERS;
			resp.counters = &m.c;
			req_reply(k->req, &resp);
		} else {
			watch_forget(k->req->conn);
			req_db_error(k->req, e->st != DB_OK ? e : &none,
			             "counting");
		}
	} else {
		if (e->st == DB_ERROR)
			log_error("counting for watchers failed: %s",
			          e->error ? e->error : "?");
		counting = false;
		last_cost_ms = clock_ms() - last_start_ms;
		if (ok)
			push(&m.c);
	}
	if (ok) {
		if (!TAILQ_EMPTY(&watchers))
			arm_unprompted(k->next_day_s);
		counters_free(&m);
	}
	count_free(k);
	if (dirty)
		watch_schedule();
}

/* The counts, in the service's time zone, and the call that reads them. */
static struct db_call *
count_new(struct req *r, struct count **out)
{
	struct count *k = xcalloc(1, sizeof *k);
	struct db_call *call = db_call_new("counting", count_done, k);

	k->req = r;
	db_call_timezone(call);
	db_call_stmt(call, STMT_WATCH_CLOCK, 0, NULL, clock_row);
	db_call_stmt(call, STMT_WATCH_COUNTS, 0, NULL, tally_row);
	*out = k;
	return call;
}

static void
recount_start(void)
{
	struct count *k;
	struct db_call *call = count_new(NULL, &k);

	counting = true;
	dirty = false;
	last_start_ms = clock_ms();
	/* the database is down: a reconnection calls watch_notify() */
	if (db_call_submit(call) != 0) {
		counting = false;
		count_free(k);
	}
}

static void
recount_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	recount_start();
}

static void
watch_schedule(void)
{
	int64_t interval, wait;
	struct timeval tv;

	if (TAILQ_EMPTY(&watchers) || base == NULL) {
		dirty = false;
		return;
	}
	if (counting) {
		dirty = true; /* counted again when this one is done */
		return;
	}
	if (recount_timer == NULL)
		recount_timer = evtimer_new(base, recount_cb, NULL);
	if (evtimer_pending(recount_timer, NULL))
		return;
	interval = last_cost_ms * 4;
	interval = interval < RECOUNT_MIN_MS   ? RECOUNT_MIN_MS
	           : interval > RECOUNT_MAX_MS ? RECOUNT_MAX_MS
	                                       : interval;
	wait = last_start_ms + interval - clock_ms();
	if (wait <= 0) {
		recount_start();
		return;
	}
	tv.tv_sec = wait / 1000;
	tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
	evtimer_add(recount_timer, &tv);
}

/* Each pool connection listens, so each notification comes once per
 * connection: the copies carry the same transaction id. */
static bool
heard_before(const char *payload)
{
	if (payload == NULL || *payload == '\0' ||
	    strlen(payload) >= sizeof recent[0])
		return false;
	for (size_t i = 0; i < RECENT_TXIDS; i++)
		if (strcmp(recent[i], payload) == 0)
			return true;
	snprintf(recent[recent_next], sizeof recent[0], "%s", payload);
	recent_next = (recent_next + 1) % RECENT_TXIDS;
	return false;
}

/* Sheets changed, here or through another daemon. */
void
watch_notify(const char *payload)
{
	if (!heard_before(payload))
		watch_schedule();
}

void
watch_shutdown(void)
{
	struct watcher *w;

	while ((w = TAILQ_FIRST(&watchers)) != NULL)
		watch_forget(w->conn);
	if (recount_timer != NULL)
		event_free(recount_timer);
	if (unprompted != NULL)
		event_free(unprompted);
	recount_timer = unprompted = NULL;
}

/* ------------------------------------------------------- the request */

static void
req_watch(struct req *r)
{
	struct conn *c = r->conn; /* r is gone once answered */
	struct count *k;
	struct db_call *call;

	/*
	 * In the list before the first count: a sheet committed after that
	 * count's snapshot is then sure to reach this watcher as an event.
	 */
	if (r->msg->watch->has_stop && r->msg->watch->stop)
		watch_forget(c);
	else
		watcher_add(c);
	call = count_new(r, &k);
	/* not req_call's answer: the watcher goes before the answer, after
	 * which the connection may be gone */
	if (req_call_quiet(r, call) != 0) {
		watch_forget(c);
		count_free(k);
		req_db_error(r, &db_unreachable, NULL);
	}
}
