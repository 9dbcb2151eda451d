/* load.c: concurrent jurist clients with spools, and the check of their
 * records against the database (load.h). */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"

/* How long a client waits before trying again after "unavailable" or a
 * failed connection: what a real client does with retry_after_s,
 * shortened so that the tests stay fast. */
#define RETRY_MS 50

struct sent_sheet {
	uint8_t id[CS_UUID_LEN];
	bool acked;
};

struct client {
	struct load *load;
	unsigned index;
	pthread_t thread;
	char root[300]; /* its spool's root */
	struct cs_spool *spool;
	struct cs_client *conn;
	struct sent_sheet *sheets;
	size_t nsheets, cap;
	size_t unsettled; /* sheets[unsettled..] may still be in the spool */
	unsigned seed;
};

struct load {
	pthread_mutex_t lock;
	char server[64];
	char user[64];
	char password[64];
	char root[64];
	bool stop;
	struct load_stats st;
	char last_error[600];
	struct client *clients;
	unsigned n;
};

static void
count(struct load *l, unsigned long *field, unsigned long n)
{
	pthread_mutex_lock(&l->lock);
	*field += n;
	pthread_mutex_unlock(&l->lock);
}

static bool
stopping(struct load *l)
{
	bool s;

	pthread_mutex_lock(&l->lock);
	s = l->stop;
	pthread_mutex_unlock(&l->lock);
	return s;
}

static void
pause_ms(unsigned ms)
{
	struct timespec ts = {0, (long)ms * 1000000};

	nanosleep(&ts, NULL);
}

static struct sent_sheet *
remember(struct client *c)
{
	if (c->nsheets == c->cap)
		c->sheets = xreallocarray(c->sheets, c->cap = c->cap * 2 + 256,
		                          sizeof *c->sheets);
	memset(&c->sheets[c->nsheets], 0, sizeof *c->sheets);
	return &c->sheets[c->nsheets++];
}

static void
acked(struct client *c, struct sent_sheet *s, bool duplicate)
{
	if (s->acked)
		return;
	s->acked = true;
	count(c->load, &c->load->st.acked, 1);
	if (duplicate)
		count(c->load, &c->load->st.duplicates, 1);
}

static bool
in_spool(struct client *c, const uint8_t id[CS_UUID_LEN])
{
	char text[CS_UUID_STRLEN], path[512];
	struct stat st;

	uuid_format(id, text);
	snprintf(path, sizeof path, "%s/%s.sheet", cs_spool_path(c->spool),
	         text);
	return stat(path, &st) == 0;
}

/* The spool object holds the locks of the sheets it put; a fresh one
 * lets a flush take them, as a new process of the command would. */
static void
reopen_spool(struct client *c)
{
	struct cs_error err;

	cs_spool_close(c->spool);
	c->spool = cs_spool_open(c->root, "load", c->load->user, &err);
	if (c->spool == NULL)
		th_die("spool %s: %s", c->root, err.message);
}

/* After a flush: what left the spool was acknowledged. */
static void
settle_spooled(struct client *c)
{
	size_t keep = c->nsheets;

	for (size_t i = c->unsettled; i < c->nsheets; i++) {
		struct sent_sheet *s = &c->sheets[i];

		if (s->acked)
			continue;
		if (!in_spool(c, s->id))
			acked(c, s, false);
		else if (i < keep)
			keep = i;
	}
	c->unsettled = keep;
}

static void
disconnect(struct client *c)
{
	cs_close(c->conn);
	c->conn = NULL;
}

/* An error from a request: the daemon said to retry, the connection went,
 * or something a test must not see. */
static void
failed(struct client *c, const struct cs_error *err)
{
	struct load *l = c->load;

	pthread_mutex_lock(&l->lock);
	snprintf(l->last_error, sizeof l->last_error, "client %u: %s", c->index,
	         err->message);
	pthread_mutex_unlock(&l->lock);
	if (err->code == CALLSHEET__ERROR_CODE__UNAVAILABLE &&
	    err->retry_after_s > 0)
		count(l, &l->st.unavailable, 1);
	else if (err->code == CALLSHEET__ERROR_CODE__UNAVAILABLE ||
	         err->code == CALLSHEET__ERROR_CODE__OVERLOADED ||
	         err->code == CALLSHEET__ERROR_CODE__TOO_MANY_ATTEMPTS) {
		count(l, &l->st.lost, 1);
		disconnect(c);
	} else {
		fprintf(stderr, "load: client %u: unexpected error %d: %s\n",
		        c->index, err->code, err->message);
		count(l, &l->st.unexpected, 1);
		disconnect(c);
	}
}

static bool
connect_client(struct client *c)
{
	struct load *l = c->load;
	struct cs_options o = {
	        .user = l->user, .password = l->password, .timeout_ms = 5000};
	char server[64];
	struct cs_error err;

	pthread_mutex_lock(&l->lock);
	snprintf(server, sizeof server, "%s", l->server);
	pthread_mutex_unlock(&l->lock);
	o.server = server;
	if (cs_connect(&o, &c->conn, &err) == 0)
		return true;
	c->conn = NULL;
	failed(c, &err);
	return false;
}

/* Resend what the spool holds; true once it is empty. */
static bool
flush(struct client *c)
{
	struct cs_error err;
	size_t rejected = 0;
	int rv;

	if (c->unsettled == c->nsheets)
		return true;
	reopen_spool(c);
	rv = cs_spool_flush(c->spool, c->conn, &rejected, &err);
	settle_spooled(c);
	if (rejected > 0) {
		fprintf(stderr, "load: client %u: %zu sheets rejected\n",
		        c->index, rejected);
		count(c->load, &c->load->st.unexpected, rejected);
	}
	if (rv < 0) {
		failed(c, &err);
		return false;
	}
	return c->unsettled == c->nsheets;
}

/* A valid consultation, varied a little. */
static void
make_sheet(struct client *c, Callsheet__Sheet *s, uint8_t id[CS_UUID_LEN])
{
	static const char *depts[] = {"75", "93", "94", "2A", "971", "99"};

	th_sheet_init(s, id);
	c->seed = c->seed * 1103515245u + 12345u;
	s->department = (char *)depts[(c->seed >> 16) % nitems(depts)];
	s->duration_s = 60 + (c->seed >> 8) % 1200;
}

/* cs_deliver's connection: the client's own, made if it has none. */
static int
deliver_connect(void *arg, struct cs_client **conn, struct cs_error *err)
{
	struct client *c = arg;
	struct load *l = c->load;
	struct cs_options o = {
	        .user = l->user, .password = l->password, .timeout_ms = 5000};
	char server[64];

	if (c->conn == NULL) {
		pthread_mutex_lock(&l->lock);
		snprintf(server, sizeof server, "%s", l->server);
		pthread_mutex_unlock(&l->lock);
		o.server = server;
		if (cs_connect(&o, &c->conn, err) != 0) {
			c->conn = NULL;
			return -1;
		}
	}
	*conn = c->conn;
	return 0;
}

/* One new sheet, as the command delivers it (cs_deliver): into the spool,
 * the waiting ones first, then this one. */
static void
log_one(struct client *c)
{
	Callsheet__Sheet s;
	struct sent_sheet *rec = remember(c);
	struct cs_delivery d = {.connect = deliver_connect, .arg = c};
	bool earlier = c->unsettled < c->nsheets - 1;

	make_sheet(c, &s, rec->id);
	if (earlier)
		reopen_spool(c); /* a flush may take them, as a new run would */
	count(c->load, &c->load->st.sent, 1);
	if (cs_deliver(c->spool, &s, &d) == 0) {
		count(c->load, &c->load->st.first_try, 1);
		acked(c, rec, d.duplicate);
	}
	if (d.outcome == CS_NOT_SPOOLED)
		th_die("spool put: %s", d.err.message);
	settle_spooled(c);
	if (d.rejected > 0) {
		fprintf(stderr, "load: client %u: %zu sheets rejected\n",
		        c->index, d.rejected);
		count(c->load, &c->load->st.unexpected, d.rejected);
	}
	if (d.outcome != CS_DELIVERED) {
		failed(c, &d.err);
		pause_ms(RETRY_MS);
	}
}

static void *
client_main(void *arg)
{
	struct client *c = arg;

	while (!stopping(c->load)) {
		/* connected, with sheets waiting: those first, and no new one
		 * while the server says to retry (cs_deliver would flush them
		 * too, with a new sheet each time) */
		if (c->conn != NULL && !flush(c)) {
			pause_ms(RETRY_MS);
			continue;
		}
		log_one(c); /* the jurist goes on logging: the spool keeps it */
	}
	disconnect(c);
	return NULL;
}

struct load *
load_start(const char *server, const char *user, const char *password,
           unsigned nclients)
{
	struct load *l = xcalloc(1, sizeof *l);
	char tmpl[] = "/tmp/callsheet-load.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		th_die("mkdtemp: %s", strerror(errno));
	pthread_mutex_init(&l->lock, NULL);
	snprintf(l->root, sizeof l->root, "%s", tmpl);
	snprintf(l->server, sizeof l->server, "%s", server);
	snprintf(l->user, sizeof l->user, "%s", user);
	snprintf(l->password, sizeof l->password, "%s", password);
	l->n = nclients;
	l->clients = xcalloc(nclients, sizeof *l->clients);
	for (unsigned i = 0; i < nclients; i++) {
		struct client *c = &l->clients[i];

		c->load = l;
		c->index = i;
		c->seed = 7919u * (i + 1);
		snprintf(c->root, sizeof c->root, "%s/client%u", l->root, i);
		reopen_spool(c);
		if (pthread_create(&c->thread, NULL, client_main, c) != 0)
			th_die("pthread_create");
	}
	return l;
}

void
load_set_server(struct load *l, const char *server)
{
	pthread_mutex_lock(&l->lock);
	snprintf(l->server, sizeof l->server, "%s", server);
	pthread_mutex_unlock(&l->lock);
}

void
load_stats(struct load *l, struct load_stats *st)
{
	pthread_mutex_lock(&l->lock);
	*st = l->st;
	pthread_mutex_unlock(&l->lock);
}

static double
wait_counter(struct load *l, size_t offset, unsigned long n, double seconds,
             const char *what)
{
	struct load_stats st;
	unsigned long start;
	double t0 = th_now();
	char last[600];

	load_stats(l, &st);
	start = *(unsigned long *)((char *)&st + offset);
	for (;;) {
		load_stats(l, &st);
		if (*(unsigned long *)((char *)&st + offset) >= start + n)
			return th_now() - t0;
		if (th_now() - t0 > seconds) {
			pthread_mutex_lock(&l->lock);
			snprintf(last, sizeof last, "%s", l->last_error);
			pthread_mutex_unlock(&l->lock);
			th_die("load: fewer than %lu %s within %.0f s (sent "
			       "%lu, acked %lu, unavailable %lu, lost %lu; "
			       "last error: %s)",
			       n, what, seconds, st.sent, st.acked,
			       st.unavailable, st.lost, last);
		}
		pause_ms(10);
	}
}

double
load_wait(struct load *l, enum load_counter which, unsigned long n,
          double seconds)
{
	switch (which) {
	case LOAD_ACKED:
		return wait_counter(l, offsetof(struct load_stats, acked), n,
		                    seconds, "acknowledgements");
	case LOAD_UNAVAILABLE:
		return wait_counter(l, offsetof(struct load_stats, unavailable),
		                    n, seconds, "'unavailable' answers");
	case LOAD_LOST:
		return wait_counter(l, offsetof(struct load_stats, lost), n,
		                    seconds, "lost connections");
	}
	return 0;
}

void
load_stop(struct load *l)
{
	pthread_mutex_lock(&l->lock);
	l->stop = true;
	pthread_mutex_unlock(&l->lock);
	for (unsigned i = 0; i < l->n; i++) {
		if (l->clients[i].thread != 0)
			pthread_join(l->clients[i].thread, NULL);
		l->clients[i].thread = 0;
	}
}

bool
load_drain(struct load *l, double seconds)
{
	double deadline = th_now() + seconds;

	for (unsigned i = 0; i < l->n; i++) {
		struct client *c = &l->clients[i];

		while (!(c->conn != NULL || connect_client(c)) || !flush(c)) {
			if (th_now() > deadline) {
				fprintf(stderr,
				        "load: client %u: spool not drained: "
				        "%s\n",
				        i, l->last_error);
				return false;
			}
			pause_ms(RETRY_MS);
		}
		disconnect(c);
	}
	return true;
}

/* "{id,id,...}": a uuid[] parameter. */
static char *
id_array(struct load *l, bool only_acked, size_t *n)
{
	struct strbuf sb = {0};

	*n = 0;
	sb_add(&sb, "{");
	for (unsigned i = 0; i < l->n; i++) {
		const struct client *c = &l->clients[i];

		for (size_t j = 0; j < c->nsheets; j++) {
			char text[CS_UUID_STRLEN];

			if (only_acked && !c->sheets[j].acked)
				continue;
			uuid_format(c->sheets[j].id, text);
			sb_add(&sb, *n > 0 ? "," : "");
			sb_add(&sb, text);
			(*n)++;
		}
	}
	sb_add(&sb, "}");
	return sb_steal(&sb);
}

void
load_check(struct load *l, const char *conninfo, long long before)
{
	PGconn *pg = th_pg(conninfo);
	size_t nacked, nsent, spooled = 0;
	char *acked_ids = id_array(l, true, &nacked);
	char *sent_ids = id_array(l, false, &nsent);
	long long n;

	for (unsigned i = 0; i < l->n; i++)
		spooled += cs_spool_count(l->clients[i].spool);
	CHECK(spooled == 0, "every spool is empty (%zu sheets left)", spooled);
	CHECK(l->st.unexpected == 0, "no client saw an unexpected error (%lu)",
	      l->st.unexpected);
	CHECK(nacked == l->st.acked, "records agree (%zu, %lu)", nacked,
	      l->st.acked);
	n = th_sql_count(
	        pg, "SELECT count(*) FROM sheet WHERE id = ANY($1::uuid[])",
	        acked_ids);
	CHECK(n == (long long)nacked,
	      "every acknowledged sheet is stored: %lld of %zu", n, nacked);
	n = th_sql_count(pg,
	                 "SELECT count(*) FROM (SELECT id FROM sheet"
	                 " WHERE id = ANY($1::uuid[]) GROUP BY id"
	                 " HAVING count(*) <> 1) t",
	                 sent_ids);
	CHECK(n == 0, "no sheet is stored twice (%lld are)", n);
	n = th_sql_count(
	        pg, "SELECT count(*) FROM sheet WHERE id = ANY($1::uuid[])",
	        sent_ids);
	CHECK(n == (long long)nsent,
	      "once the spools are drained, every sheet sent is stored: %lld "
	      "of %zu",
	      n, nsent);
	n = th_sql_count(pg, "SELECT count(*) FROM sheet", NULL);
	CHECK(n == before + (long long)nsent,
	      "the table holds the %lld sheets from before and the %zu sent, "
	      "nothing else (it holds %lld)",
	      before, nsent, n);
	printf("load: %zu sheets sent and acknowledged (%lu of them on a "
	       "resend), %lu 'unavailable' answers, %lu connections lost\n",
	       nsent, nacked - l->st.first_try, l->st.unavailable, l->st.lost);
	free(acked_ids);
	free(sent_ids);
	PQfinish(pg);
}

void
load_free(struct load *l)
{
	char *cmd;

	load_stop(l);
	for (unsigned i = 0; i < l->n; i++) {
		cs_spool_close(l->clients[i].spool);
		free(l->clients[i].sheets);
	}
	cmd = xasprintf("rm -rf '%s'", l->root);
	if (system(cmd) != 0)
		fprintf(stderr, "load: could not remove %s\n", l->root);
	free(cmd);
	free(l->clients);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

void
load_finish(struct load *l, const char *conninfo, long long before)
{
	load_stop(l);
	CHECK(load_drain(l, 30), "every spool drains");
	load_check(l, conninfo, before);
	load_free(l);
}
