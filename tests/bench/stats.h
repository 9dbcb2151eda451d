/* stats.h: latency samples and their percentiles, for the benchmarks. */
#ifndef CALLSHEET_BENCH_STATS_H
#define CALLSHEET_BENCH_STATS_H

#include <stddef.h>

struct samples {
	double *ms;
	size_t n, cap;
};

double now_s(void);
void samples_add(struct samples *s, double ms);
void samples_merge(struct samples *into, const struct samples *from);
/* sorts in place; p in [0, 1] */
double samples_pct(struct samples *s, double p);
void samples_free(struct samples *s);

#endif
