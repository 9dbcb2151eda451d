/* test_watch.c: live counters across two daemons on one database: a
 * watcher on A sees, within a second, what is logged through B; periods
 * are calendar periods of Europe/Paris; watchers that go, stop or idle;
 * and the requests import and export rely on (check, pages, roles). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define PASSWORD "secret-pw"
#define DEADLINE 1.0 /* seconds from a commit to the watcher's screen */

static struct th_daemon a, b;
static char *conninfo;
static char *topics_entry_work[] = {"entry", "work"};

/* -------------------------------------------------------------- helpers */

static uint64_t
counter(const Callsheet__Counters *c, const char *period, const char *kind,
        const char *code)
{
	for (size_t i = 0; c != NULL && i < c->n_periods; i++) {
		const Callsheet__PeriodCounters *p = c->periods[i];
		bool topic = strcmp(kind, "topic") == 0;
		Callsheet__Counter **v = topic ? p->topics : p->call_types;
		size_t n = topic ? p->n_topics : p->n_call_types;

		if (strcmp(p->period, period) != 0)
			continue;
		if (strcmp(kind, "total") == 0)
			return p->total;
		for (size_t k = 0; k < n; k++)
			if (strcmp(v[k]->code, code) == 0)
				return v[k]->count;
	}
	return 0;
}

static const char *
period_from(const Callsheet__Counters *c, const char *period)
{
	for (size_t i = 0; i < c->n_periods; i++)
		if (strcmp(c->periods[i]->period, period) == 0)
			return c->periods[i]->from;
	return "";
}

/*
 * Events until one shows `total` calls today, or the deadline. Returns
 * its counters (the caller frees them), NULL on timeout; *events counts
 * the events read.
 */
static Callsheet__Counters *
wait_total(struct cs_client *w, uint64_t total, double seconds,
           unsigned *events)
{
	double deadline = th_now() + seconds;
	struct cs_error err;

	for (;;) {
		Callsheet__Event *ev;
		double left = deadline - th_now();
		int n;

		if (left <= 0)
			return NULL;
		n = cs_next_event(w, &ev, (int)(left * 1000) + 1, &err);
		if (n < 0)
			th_die("waiting for counters: %s", err.message);
		if (n == 0)
			continue;
		if (events != NULL)
			(*events)++;
		if (ev->counters != NULL &&
		    counter(ev->counters, "today", "total", NULL) == total) {
			Callsheet__Counters *c = ev->counters;

			ev->counters = NULL;
			callsheet__event__free_unpacked(ev, NULL);
			return c;
		}
		callsheet__event__free_unpacked(ev, NULL);
	}
}

static struct cs_client *
watcher(const struct th_daemon *d, Callsheet__Counters **first)
{
	struct cs_client *c = th_connect(d, "w1", PASSWORD);
	struct cs_error err;

	if (cs_watch(c, false, first, &err) != 0)
		th_die("watch: %s", err.message);
	return c;
}

static void
log_sheet(struct cs_client *c, int64_t start, const char *call_type)
{
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct cs_error err;

	th_sheet_init(&s, id);
	s.call_start = start;
	if (call_type != NULL) {
		s.call_type = (char *)call_type;
		s.caller = s.department = s.household = s.origin = NULL;
		s.n_topics = 0;
	} else {
		s.topics = topics_entry_work;
		s.n_topics = 2;
	}
	if (cs_log_sheet(c, &s, NULL, &err) != 0)
		th_die("log: %s", err.message);
}

static long long
sheets_in_db(void)
{
	PGconn *pg = th_pg(conninfo);
	long long n = th_sql_count(pg,
	                           "SELECT count(*) FROM sheet"
	                           " WHERE voided_at IS NULL",
	                           NULL);

	PQfinish(pg);
	return n;
}

/* ---------------------------------------------------------------- tests */

/* What is logged through B reaches a watcher of A within a second. */
static void
test_across_daemons(struct cs_client *w, struct cs_client *jb)
{
	Callsheet__Counters *first, *c;
	struct cs_client *w2 = watcher(&a, &first);
	double t0, took;
	unsigned events = 0;

	CHECK(counter(first, "today", "total", NULL) == 0,
	      "a fresh database counts nothing");
	CHECK(first->as_of != NULL && strlen(first->as_of) == 25 &&
	              first->timezone != NULL &&
	              strcmp(first->timezone, "Europe/Paris") == 0,
	      "as of %s in %s", first->as_of, first->timezone);
	callsheet__counters__free_unpacked(first, NULL);

	t0 = th_now();
	log_sheet(jb, (int64_t)time(NULL) - 60, NULL);
	c = wait_total(w, 1, DEADLINE, NULL);
	took = th_now() - t0;
	CHECK(c != NULL,
	      "the watcher on A saw the sheet logged through B "
	      "within %.1f s",
	      DEADLINE);
	printf("watch: logged through B, seen on A after %.0f ms\n",
	       took * 1000);
	if (c != NULL) {
		const char *periods[] = {"today", "week", "month"};

		for (size_t i = 0; i < nitems(periods); i++)
			CHECK(counter(c, periods[i], "type", "consultation") ==
			                      1 &&
			              counter(c, periods[i], "topic",
			                      "entry") == 1 &&
			              counter(c, periods[i], "topic", "work") ==
			                      1 &&
			              counter(c, periods[i], "topic",
			                      "residence") == 0,
			      "%s: one consultation on entry and work",
			      periods[i]);
		callsheet__counters__free_unpacked(c, NULL);
	}
	c = wait_total(w2, 1, DEADLINE, NULL);
	CHECK(c != NULL, "every watcher gets it");
	if (c != NULL)
		callsheet__counters__free_unpacked(c, NULL);
	cs_close(w2);

	/* a call that is no consultation: its type, no topic */
	log_sheet(jb, (int64_t)time(NULL) - 30, "silent");
	c = wait_total(w, 2, DEADLINE, NULL);
	CHECK(c != NULL && counter(c, "today", "type", "silent") == 1 &&
	              counter(c, "today", "topic", "entry") == 1,
	      "a silent call counts by its type only");
	if (c != NULL)
		callsheet__counters__free_unpacked(c, NULL);

	/* a burst: far fewer recounts than sheets, and the last one right */
	for (int i = 0; i < 40; i++) {
		Callsheet__LogSheet ls = CALLSHEET__LOG_SHEET__INIT;
		Callsheet__Request req = CALLSHEET__REQUEST__INIT;
		Callsheet__Sheet s;
		uint8_t id[CS_UUID_LEN];
		struct cs_error err;

		th_sheet_init(&s, id);
		s.call_start = (int64_t)time(NULL) - 1;
		ls.sheet = &s;
		req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEET;
		req.log_sheet = &ls;
		if (cs_send(jb, &req, &err) != 0)
			th_die("send: %s", err.message);
	}
	for (int i = 0; i < 40; i++) {
		Callsheet__Response *resp;
		struct cs_error err;

		if (cs_recv(jb, &resp, -1, &err) != 0)
			th_die("recv: %s", err.message);
		CHECK(resp->body_case == CALLSHEET__RESPONSE__BODY_SHEET_ACK,
		      "burst sheet %d stored", i);
		callsheet__response__free_unpacked(resp, NULL);
	}
	c = wait_total(w, 42, 5 * DEADLINE, &events);
	CHECK(c != NULL, "the burst is counted");
	CHECK(events < 20, "40 sheets, %u recounts pushed", events);
	printf("watch: a burst of 40 sheets, %u counters pushed\n", events);
	if (c != NULL)
		callsheet__counters__free_unpacked(c, NULL);
}

/* Midnight and the first of the month are the service zone's. */
static void
test_periods(struct cs_client *w, struct cs_client *jb)
{
	time_t now = time(NULL), midnight;
	struct tm tm;
	Callsheet__Counters *before, *c;
	struct cs_client *probe = watcher(&b, &before);
	uint64_t today, week, month;
	char day[11], monday[11], first[11];

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	localtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	strftime(first, sizeof first, "%Y-%m-01", &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	midnight = mktime(&tm);
	{
		struct tm mon = tm;

		mon.tm_mday -= (tm.tm_wday + 6) % 7;
		mon.tm_isdst = -1;
		mktime(&mon);
		strftime(monday, sizeof monday, "%Y-%m-%d", &mon);
	}
	CHECK(strcmp(period_from(before, "today"), day) == 0 &&
	              strcmp(period_from(before, "week"), monday) == 0 &&
	              strcmp(period_from(before, "month"), first) == 0,
	      "periods from %s, %s, %s (want %s, %s, %s)",
	      period_from(before, "today"), period_from(before, "week"),
	      period_from(before, "month"), day, monday, first);
	today = counter(before, "today", "total", NULL);
	week = counter(before, "week", "total", NULL);
	month = counter(before, "month", "total", NULL);
	callsheet__counters__free_unpacked(before, NULL);
	cs_close(probe);

	/* 30 s before midnight in Paris, then 30 s after it: the count that
	 * shows the second shows the first */
	log_sheet(jb, (int64_t)midnight - 30, NULL);
	log_sheet(jb, (int64_t)midnight + 30, NULL);
	c = wait_total(w, today + 1, DEADLINE, NULL);
	CHECK(c != NULL, "today counts the call after midnight only");
	if (c == NULL)
		return;
	/* the one before: this week unless today is Monday, this month
	 * unless today is the first */
	CHECK(counter(c, "week", "total", NULL) == week + 1 + (tm.tm_wday != 1),
	      "week: %llu, was %llu, weekday %d",
	      (unsigned long long)counter(c, "week", "total", NULL),
	      (unsigned long long)week, tm.tm_wday);
	CHECK(counter(c, "month", "total", NULL) ==
	              month + 1 + (tm.tm_mday != 1),
	      "month: %llu, was %llu, day %d",
	      (unsigned long long)counter(c, "month", "total", NULL),
	      (unsigned long long)month, tm.tm_mday);
	callsheet__counters__free_unpacked(c, NULL);
}

/* Watchers that close, or stop, leave the list; the daemon lives on. */
static void
test_watchers_go(struct cs_client *w, struct cs_client *jb)
{
	Callsheet__Counters *c;
	struct cs_client *stopped, *gone[8];
	Callsheet__Event *ev;
	Callsheet__Taxonomy *tax;
	struct cs_error err;
	uint64_t total;

	/* closed while their first count may still be running */
	for (size_t i = 0; i < nitems(gone); i++) {
		Callsheet__Watch wt = CALLSHEET__WATCH__INIT;
		Callsheet__Request req = CALLSHEET__REQUEST__INIT;

		gone[i] = th_connect(&a, "w1", PASSWORD);
		req.body_case = CALLSHEET__REQUEST__BODY_WATCH;
		req.watch = &wt;
		if (cs_send(gone[i], &req, &err) != 0)
			th_die("send: %s", err.message);
	}
	for (size_t i = 0; i < nitems(gone); i++)
		cs_close(gone[i]);
	stopped = watcher(&a, &c);
	total = counter(c, "today", "total", NULL);
	callsheet__counters__free_unpacked(c, NULL);
	CHECK(cs_watch(stopped, true, &c, &err) == 0, "stop: %s", err.message);
	if (c != NULL)
		callsheet__counters__free_unpacked(c, NULL);

	log_sheet(jb, (int64_t)time(NULL) - 10, NULL);
	c = wait_total(w, total + 1, DEADLINE, NULL);
	CHECK(c != NULL, "A still pushes to its watcher");
	if (c != NULL)
		callsheet__counters__free_unpacked(c, NULL);
	/* every push of that count was written before this answer */
	CHECK(cs_get_taxonomy(stopped, &tax, &err) == 0, "A answers");
	callsheet__taxonomy__free_unpacked(tax, NULL);
	CHECK(cs_next_event(stopped, &ev, 0, &err) == 0, "no event after stop");
	cs_close(stopped);
}

/* An idle session is closed; a watching one is not. */
static void
test_idle(struct cs_client *w, struct cs_client *jb, uint64_t total)
{
	struct cs_client *idle = th_connect(&a, "w1", PASSWORD);
	Callsheet__Response *resp = NULL;
	Callsheet__Counters *c;
	struct cs_error err;
	double deadline = th_now() + 15;
	int rv;

	/* A closes idle sessions after 2 s: wait until it does */
	while ((rv = cs_recv(idle, &resp, 500, &err)) != 0 &&
	       strstr(err.message, "in time") != NULL && th_now() < deadline)
		;
	CHECK(rv != 0 && strstr(err.message, "idle") != NULL,
	      "the idle session is told why it is closed: %s", err.message);
	if (resp != NULL)
		callsheet__response__free_unpacked(resp, NULL);
	cs_close(idle);
	log_sheet(jb, (int64_t)time(NULL) - 5, NULL);
	c = wait_total(w, total + 1, DEADLINE, NULL);
	CHECK(c != NULL, "the watcher, as idle, still gets counters");
	if (c != NULL)
		callsheet__counters__free_unpacked(c, NULL);
}

static Callsheet__Response *
call(struct cs_client *c, Callsheet__Request *req)
{
	Callsheet__Response *resp;
	struct cs_error err;

	if (cs_send(c, req, &err) != 0 || cs_recv(c, &resp, -1, &err) != 0)
		th_die("call: %s", err.message);
	return resp;
}

static bool
refused(Callsheet__Response *resp, Callsheet__ErrorCode code, const char *field)
{
	bool ok = resp->body_case == CALLSHEET__RESPONSE__BODY_ERROR &&
	          resp->error->code == code &&
	          (field == NULL || (resp->error->field != NULL &&
	                             strcmp(resp->error->field, field) == 0));

	callsheet__response__free_unpacked(resp, NULL);
	return ok;
}

/* Pages in (call_start, id) order, each sheet once; who may export. */
static void
test_export_pages(struct cs_client *jb)
{
	Callsheet__Export x = CALLSHEET__EXPORT__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	struct cs_client *rep = th_connect(&b, "rep", PASSWORD);
	char *cursor = NULL, last[80] = "";
	long long n = 0, pages = 0, want = sheets_in_db();
	bool ordered = true;
	struct cs_error err;

	x.has_limit = true;
	x.limit = 7;
	do {
		Callsheet__ExportPage *page;

		x.cursor = cursor;
		if (cs_export_page(jb, &x, &page, &err) != 0)
			th_die("export: %s", err.message);
		pages++;
		for (size_t i = 0; i < page->n_sheets; i++) {
			char key[80], id[CS_UUID_STRLEN];

			uuid_format(page->sheets[i]->sheet->id.data, id);
			snprintf(key, sizeof key, "%020lld %s",
			         (long long)page->sheets[i]->sheet->call_start,
			         id);
			ordered &= strcmp(last, key) < 0;
			memcpy(last, key, sizeof key);
			n++;
		}
		free(cursor);
		cursor = page->next_cursor ? xstrdup(page->next_cursor) : NULL;
		callsheet__export_page__free_unpacked(page, NULL);
	} while (cursor != NULL);
	CHECK(n == want, "every sheet once: %lld of %lld", n, want);
	CHECK(ordered, "in (call_start, id) order");
	CHECK(pages == want / 7 + 1, "%lld pages of 7", pages);

	req.body_case = CALLSHEET__REQUEST__BODY_EXPORT;
	req.export = &x;
	x.cursor = NULL;
	CHECK(refused(call(rep, &req), CALLSHEET__ERROR_CODE__FORBIDDEN, NULL),
	      "a reporter may not export sheets");
	x.from = "2025-02-30";
	CHECK(refused(call(jb, &req), CALLSHEET__ERROR_CODE__BAD_REQUEST,
	              "from"),
	      "no such day");
	x.from = "2025-03-01";
	x.to = "2025-03-01";
	CHECK(refused(call(jb, &req), CALLSHEET__ERROR_CODE__BAD_REQUEST, "to"),
	      "an empty period");
	x.to = NULL;
	x.cursor = "12:not-a-uuid";
	CHECK(refused(call(jb, &req), CALLSHEET__ERROR_CODE__BAD_REQUEST,
	              "cursor"),
	      "a cursor the server did not give");
	cs_close(rep);
}

/* Before an import: each sheet judged, nothing stored. */
static void
test_check(struct cs_client *jb)
{
	Callsheet__CheckSheets cs = CALLSHEET__CHECK_SHEETS__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Response *resp;
	Callsheet__Sheet s[4], *ps[4];
	uint8_t ids[4][CS_UUID_LEN];
	struct cs_client *rep = th_connect(&a, "rep", PASSWORD);
	long long before;
	struct cs_error err;

	for (int i = 0; i < 4; i++) {
		th_sheet_init(&s[i], ids[i]);
		s[i].call_start = 1741079700 + i;
		ps[i] = &s[i];
	}
	/* 1 is stored as it is; 2 is stored, then checked as another call */
	if (cs_log_sheet(jb, &s[1], NULL, &err) != 0 ||
	    cs_log_sheet(jb, &s[2], NULL, &err) != 0)
		th_die("log: %s", err.message);
	/* another call: a duration that differs once stored (to 5 minutes;
	 * a second more would be the same sheet) */
	s[2].duration_s += 600;
	s[3].caller = "professional"; /* with a household: refused */
	before = sheets_in_db();
	cs.sheets = ps;
	cs.n_sheets = 4;
	req.body_case = CALLSHEET__REQUEST__BODY_CHECK_SHEETS;
	req.check_sheets = &cs;
	resp = call(jb, &req);
	if (!CHECK(resp->body_case == CALLSHEET__RESPONSE__BODY_SHEET_CHECK,
	           "a check answer")) {
		callsheet__response__free_unpacked(resp, NULL);
		return;
	}
	{
		const Callsheet__SheetCheck *sc = resp->sheet_check;
		bool conflict = false, invalid = false;

		for (size_t i = 0; i < sc->n_problems; i++) {
			const Callsheet__SheetProblem *p = sc->problems[i];

			const Callsheet__Error *e = p->error;

			conflict |=
			        p->index == 2 &&
			        e->code == CALLSHEET__ERROR_CODE__CONFLICT &&
			        strcmp(e->field, "id") == 0 &&
			        e->reason != NULL &&
			        strcmp(e->reason, "stored_other") == 0;
			invalid |=
			        p->index == 3 &&
			        e->code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
			        strcmp(e->field, "household") == 0 &&
			        e->reason != NULL;
		}
		CHECK(sc->n_problems == 2 && conflict && invalid,
		      "problems: another call under id 2, a bad sheet 3 "
		      "(%zu)",
		      sc->n_problems);
		CHECK(sc->n_stored == 1 && sc->stored[0] == 1,
		      "sheet 1 is stored already");
	}
	callsheet__response__free_unpacked(resp, NULL);
	CHECK(sheets_in_db() == before, "a check stores nothing");
	CHECK(refused(call(rep, &req), CALLSHEET__ERROR_CODE__FORBIDDEN, NULL),
	      "a reporter may not check sheets for import");
	cs_close(rep);
}

int
main(void)
{
	static const char *const idle_a[] = {"--idle-timeout", "2", NULL};
	Callsheet__Counters *first;
	struct cs_client *w, *jb;
	uint64_t total;

	conninfo = th_createdb("t_watch");
	th_migrate(conninfo);
	th_create_user(conninfo, "j1", "jurist", PASSWORD);
	th_create_user(conninfo, "rep", "reporter", PASSWORD);
	th_create_user(conninfo, "w1", "jurist", PASSWORD); /* watches */
	th_daemon_start(&a, conninfo, idle_a);
	th_daemon_start(&b, conninfo, NULL);

	w = watcher(&a, &first);
	callsheet__counters__free_unpacked(first, NULL);
	jb = th_connect(&b, "j1", PASSWORD);
	test_across_daemons(w, jb);
	test_periods(w, jb);
	test_watchers_go(w, jb);
	cs_close(watcher(&b, &first));
	total = counter(first, "today", "total", NULL);
	callsheet__counters__free_unpacked(first, NULL);
	test_idle(w, jb, total);
	test_export_pages(jb);
	test_check(jb);
	cs_close(w);
	cs_close(jb);
	CHECK(th_daemon_stop(&a) == 0, "A stops cleanly");
	CHECK(th_daemon_stop(&b) == 0, "B stops cleanly");
	return th_finish();
}
