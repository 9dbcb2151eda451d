/* stats.h: latency samples and their percentiles, for the benchmarks. */
#ifndef CALLSHEET_BENCH_STATS_H
#define CALLSHEET_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <pthread.h>

struct samples {
	double *ms;
	size_t n, cap;
};

/* One benchmark thread: what it was given and what it measured. */
struct bench_worker {
	int index;
	const void *opts;
	struct samples lat;
	long done, failed;
	uint64_t pace_state; /* pace()'s generator, seeded by index */
};

double now_s(void);
/* Sleeps until w's next event of `rate` a second is due; *next starts at
 * now_s(). The gaps are drawn uniformly from 0.5 to 1.5 times 1 / rate by
 * a generator of w's own, so that connections do not march in step: two
 * jurists log independently, and two commits that meet wait for one
 * another in PostgreSQL's WAL flush. The draws depend on the worker's
 * index only, so PostgreSQL alone and callsheet are paced alike. */
void pace(struct bench_worker *w, double *next, double rate);
/* Runs fn on n threads and merges their samples and counts into *total;
 * returns the seconds it took. With BENCH_SAMPLES=FILE set, also appends
 * every latency to FILE (one per line, ms). */
double bench_run(int n, void *(*fn)(void *), const void *opts,
                 struct bench_worker *total);
void samples_add(struct samples *s, double ms);
void samples_merge(struct samples *into, const struct samples *from);
/* sorts in place; p in [0, 1] */
double samples_pct(struct samples *s, double p);
void samples_free(struct samples *s);

#endif
