/* load.c: the protocol load generator: N connections to callsheetd, each
 * logging one sheet at a time (as a jurist does) or pipelined (as import
 * does); prints sheets/s and acknowledgement latency percentiles. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"
#include "libcallsheet.h"
#include "stats.h"

struct opts {
	const char *server, *user, *password;
	int conns;
	long per_conn; /* sheets per connection */
	int window;    /* >1: pipelined */
	int per_req;   /* sheets per request: >1 sends LogSheets */
	double rate;   /* per connection per second; 0: as fast as acked */
	int64_t from, span;
	uint64_t seed;
};

static void
usage(void)
{
	fputs("usage: bench-load -s HOST:PORT -u USER -p PASSWORD [-c CONNS]\n"
	      "                  [-n SHEETS_PER_CONN] [-w WINDOW] [-b SHEETS]\n"
	      "                  [-r RATE]\n"
	      "                  [--from EPOCH] [--span SECONDS] [--seed N]\n"
	      "Logs generated sheets through callsheetd and prints one line:\n"
	      "sheets/s and acknowledgement latency (p50, p99, p99.9, ms).\n"
	      "  -w WINDOW  requests in flight per connection (1: wait for\n"
	      "             each acknowledgement, as a jurist does)\n"
	      "  -b SHEETS  sheets per request when pipelined (LogSheets, as\n"
	      "             import sends them; 1: LogSheet)\n"
	      "  -r RATE    sheets per second per connection (relaxed pace)\n",
	      stderr);
	exit(2);
}

static struct cs_client *
connect_or_die(const struct opts *o)
{
	struct cs_options co = {.server = o->server,
	                        .user = o->user,
	                        .password = o->password,
	                        .timeout_ms = 60000};
	struct cs_client *c = NULL;
	struct cs_error err;

	if (cs_connect(&co, &c, &err) != 0) {
		fprintf(stderr, "bench-load: %s\n", err.message);
		exit(1);
	}
	return c;
}

/* One at a time: send, wait for the acknowledgement, maybe pause. */
static void
run_single(struct bench_worker *w, struct cs_client *c, struct gen *g)
{
	const struct opts *o = w->opts;
	double next = now_s();

	for (long i = 0; i < o->per_conn; i++) {
		struct gen_sheet gs;
		Callsheet__Sheet s;
		struct cs_error err;
		bool dup;
		double t0;

		if (o->rate > 0)
			pace(w, &next, o->rate);
		gen_sheet(g, o->from, o->span, &gs);
		gen_to_wire(&gs, &s);
		t0 = now_s();
		if (cs_log_sheet(c, &s, &dup, &err) != 0) {
			if (w->failed++ == 0)
				fprintf(stderr, "bench-load: %s\n",
				        err.message);
			continue;
		}
		samples_add(&w->lat, (now_s() - t0) * 1000);
		w->done++;
	}
}

/* One request of k generated sheets: LogSheet, or LogSheets if k > 1. */
static int
send_sheets(struct cs_client *c, struct gen *g, const struct opts *o, int k,
            uint32_t *id)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__LogSheet one = CALLSHEET__LOG_SHEET__INIT;
	Callsheet__LogSheets many = CALLSHEET__LOG_SHEETS__INIT;
	struct gen_sheet *gs = xcalloc((size_t)k, sizeof *gs);
	Callsheet__Sheet *s = xcalloc((size_t)k, sizeof *s);
	Callsheet__Sheet **sp = xcalloc((size_t)k, sizeof *sp);
	struct cs_error err;
	int rv;

	for (int i = 0; i < k; i++) {
		gen_sheet(g, o->from, o->span, &gs[i]);
		gen_to_wire(&gs[i], &s[i]);
		sp[i] = &s[i];
	}
	if (o->per_req > 1) {
		many.sheets = sp;
		many.n_sheets = (size_t)k;
		req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEETS;
		req.log_sheets = &many;
	} else {
		one.sheet = &s[0];
		req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEET;
		req.log_sheet = &one;
	}
	rv = cs_send(c, &req, &err);
	if (rv != 0)
		fprintf(stderr, "bench-load: %s\n", err.message);
	*id = req.id;
	free(sp);
	free(s);
	free(gs);
	return rv;
}

/* How many sheets of a request the response says are stored. */
static long
sheets_stored(const Callsheet__Response *resp, long sent)
{
	if (resp->body_case == CALLSHEET__RESPONSE__BODY_SHEET_ACK)
		return 1;
	if (resp->body_case == CALLSHEET__RESPONSE__BODY_SHEETS_LOGGED)
		return sent - (long)resp->sheets_logged->n_refused;
	return 0;
}

/* Pipelined: keep `window` requests in flight; ids map to send times. */
static void
run_pipelined(struct bench_worker *w, struct cs_client *c, struct gen *g)
{
	const struct opts *o = w->opts;
	long nreq = (o->per_conn + o->per_req - 1) / o->per_req;
	double *sent = xcalloc((size_t)nreq + 1, sizeof *sent);
	long nsent = 0, ndone = 0, sheets_sent = 0;
	uint32_t base_id = 0, id;

	while (ndone < nreq) {
		Callsheet__Response *resp;
		struct cs_error err;

		while (nsent < nreq && nsent - ndone < o->window) {
			int k = (int)(o->per_conn - sheets_sent < o->per_req
			                      ? o->per_conn - sheets_sent
			                      : o->per_req);

			sent[nsent] = now_s();
			if (send_sheets(c, g, o, k, &id) != 0)
				exit(1);
			if (nsent == 0)
				base_id = id;
			nsent++;
			sheets_sent += k;
		}
		if (cs_recv(c, &resp, -1, &err) != 0) {
			fprintf(stderr, "bench-load: %s\n", err.message);
			exit(1);
		}
		{
			long k = (long)(resp->id - base_id);
			long n = k == nreq - 1 ? o->per_conn - k * o->per_req
			                       : o->per_req;
			long stored = sheets_stored(resp, n);

			if (k >= 0 && k < nsent)
				for (long i = 0; i < stored; i++)
					samples_add(&w->lat,
					            (now_s() - sent[k]) * 1000);
			w->done += stored;
			w->failed += n - stored;
		}
		callsheet__response__free_unpacked(resp, NULL);
		ndone++;
	}
	free(sent);
}

static void *
worker_main(void *arg)
{
	struct bench_worker *w = arg;
	struct cs_client *c = connect_or_die(w->opts);
	struct gen g;

	gen_init(&g, ((const struct opts *)w->opts)->seed * 1000003u +
	                     (uint64_t)w->index);
	if (((const struct opts *)w->opts)->window > 1)
		run_pipelined(w, c, &g);
	else
		run_single(w, c, &g);
	cs_close(c);
	return NULL;
}

static void
parse(struct opts *o, int argc, char **argv)
{
	*o = (struct opts){.conns = 1,
	                   .per_conn = 1000,
	                   .window = 1,
	                   .per_req = 1,
	                   .from = 1735689600, /* 2025 */
	                   .span = 365 * 86400,
	                   .seed = 1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			usage();
		if (strcmp(a, "-s") == 0)
			o->server = v;
		else if (strcmp(a, "-u") == 0)
			o->user = v;
		else if (strcmp(a, "-p") == 0)
			o->password = v;
		else if (strcmp(a, "-c") == 0)
			o->conns = atoi(v);
		else if (strcmp(a, "-n") == 0)
			o->per_conn = atol(v);
		else if (strcmp(a, "-w") == 0)
			o->window = atoi(v);
		else if (strcmp(a, "-b") == 0)
			o->per_req = atoi(v);
		else if (strcmp(a, "-r") == 0)
			o->rate = atof(v);
		else if (strcmp(a, "--from") == 0)
			o->from = atoll(v);
		else if (strcmp(a, "--span") == 0)
			o->span = atoll(v);
		else if (strcmp(a, "--seed") == 0)
			o->seed = strtoull(v, NULL, 10);
		else
			usage();
		i++;
	}
	if (o->server == NULL || o->user == NULL || o->password == NULL ||
	    o->conns < 1 || o->per_conn < 1 || o->window < 1 ||
	    o->per_req < 1 || o->per_req > 1000)
		usage();
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct bench_worker all = {0};
	double secs;

	parse(&o, argc, argv);
	secs = bench_run(o.conns, worker_main, &o, &all);
	printf("load conns=%d window=%d per_request=%d rate=%g sheets=%ld "
	       "failed=%ld secs=%.2f sheets_per_s=%.0f p50_ms=%.2f "
	       "p99_ms=%.2f p999_ms=%.2f\n",
	       o.conns, o.window, o.per_req, o.rate, all.done, all.failed, secs,
	       (double)all.done / secs, samples_pct(&all.lat, 0.50),
	       samples_pct(&all.lat, 0.99), samples_pct(&all.lat, 0.999));
	samples_free(&all.lat);
	return all.failed != 0;
}
