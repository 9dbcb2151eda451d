/* stats.c: latency samples, merged across threads, and percentiles. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "stats.h"

double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
pace(struct bench_worker *w, double *next, double rate)
{
	double wait = *next - now_s();
	uint64_t x;

	if (wait > 0)
		usleep((useconds_t)(wait * 1e6));
	if (w->pace_state == 0) /* splitmix64's constant: distinct, never 0 */
		w->pace_state = (uint64_t)(w->index + 1) * 0x9e3779b97f4a7c15u;
	x = w->pace_state; /* xorshift64 */
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	w->pace_state = x;
	*next += (0.5 + (double)(x >> 11) / 9007199254740992.0) / rate;
}

/* With BENCH_SAMPLES=FILE, every latency of the run is appended to FILE,
 * one per line in ms: tests/bench/run pools the samples of interleaved
 * rounds, so that a ratio compares lines measured in the same minutes. */
static void
samples_append(const struct samples *s)
{
	const char *path = getenv("BENCH_SAMPLES");
	FILE *f;

	if (path == NULL || *path == '\0' || (f = fopen(path, "a")) == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "%.4f\n", s->ms[i]);
	fclose(f);
}

double
bench_run(int n, void *(*fn)(void *), const void *opts,
          struct bench_worker *total)
{
	struct bench_worker *w = xcalloc((size_t)n, sizeof *w);
	pthread_t *t = xcalloc((size_t)n, sizeof *t);
	double t0 = now_s();

	for (int i = 0; i < n; i++) {
		w[i].index = i;
		w[i].opts = opts;
		pthread_create(&t[i], NULL, fn, &w[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		samples_merge(&total->lat, &w[i].lat);
		total->done += w[i].done;
		total->failed += w[i].failed;
		samples_free(&w[i].lat);
	}
	double secs = now_s() - t0;

	free(w);
	free(t);
	samples_append(&total->lat);
	return secs;
}

void
samples_add(struct samples *s, double ms)
{
	if (s->n == s->cap)
		s->ms = xreallocarray(s->ms, s->cap = s->cap * 2 + 1024,
		                      sizeof *s->ms);
	s->ms[s->n++] = ms;
}

void
samples_merge(struct samples *into, const struct samples *from)
{
	for (size_t i = 0; i < from->n; i++)
		samples_add(into, from->ms[i]);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile. */
double
samples_pct(struct samples *s, double p)
{
	size_t rank;

	if (s->n == 0)
		return 0;
	qsort(s->ms, s->n, sizeof *s->ms, cmp);
	rank = (size_t)(p * (double)s->n + 0.999999);
	if (rank < 1)
		rank = 1;
	return s->ms[(rank > s->n ? s->n : rank) - 1];
}

void
samples_free(struct samples *s)
{
	free(s->ms);
	s->ms = NULL;
	s->n = s->cap = 0;
}
