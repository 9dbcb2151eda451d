/* report.c: the annual-report benchmark: the queries an annual report
 * needs, pipelined to a daemon answering from the rollup and to one
 * answering from the sheets alone; checks the answers are identical and
 * prints the time of each query and of the whole set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcallsheet.h"
#include "stats.h"

struct q {
	const char *by1, *by2, *fdim, *fval;
	int year_offset; /* -1: the previous year */
};

/* What `report annual --year Y --focus 75` asks, breakdown by breakdown. */
static const struct q queries[] = {
        {0, 0, 0, 0, 0},
        {0, 0, 0, 0, -1},
        {"call_type", 0, 0, 0, 0},
        {"department", 0, 0, 0, 0},
        {"caller", 0, 0, 0, 0},
        {"pro_kind", 0, 0, 0, 0},
        {"pro_sector", 0, 0, 0, 0},
        {"household", 0, 0, 0, 0},
        {"origin", 0, 0, 0, 0},
        {"topic", 0, 0, 0, 0},
        {"department", "caller", 0, 0, 0},
        {"caller", 0, "department", "75", 0},
        {"pro_kind", 0, "department", "75", 0},
        {"pro_sector", 0, "department", "75", 0},
        {"household", 0, "department", "75", 0},
        {"origin", 0, "department", "75", 0},
        {"topic", 0, "department", "75", 0},
        {"month", 0, 0, 0, 0},
        {"weekday", "hour", 0, 0, 0},
        {"jurist", 0, 0, 0, 0},
};
#define NQ nitems(queries)

static struct cs_client *
connect_or_die(const char *server, const char *user, const char *password)
{
	struct cs_options o = {.server = server,
	                       .user = user,
	                       .password = password,
	                       .timeout_ms = 600000};
	struct cs_client *c = NULL;
	struct cs_error err;

	if (cs_connect(&o, &c, &err) != 0) {
		fprintf(stderr, "bench-report: %s: %s\n", server, err.message);
		exit(1);
	}
	return c;
}

/* All queries in flight at once; results[i] and per-query seconds. */
static double
run_set(struct cs_client *c, int year, Callsheet__QueryResult **results,
        double *each)
{
	char from[2][24], to[2][24];
	double t0 = now_s(), sent[NQ];
	uint32_t first = 0;

	for (int k = 0; k < 2; k++) {
		snprintf(from[k], sizeof from[k], "%d-01-01", year - k);
		snprintf(to[k], sizeof to[k], "%d-01-01", year - k + 1);
	}
	for (size_t i = 0; i < NQ; i++) {
		Callsheet__Request req = CALLSHEET__REQUEST__INIT;
		Callsheet__Query q = CALLSHEET__QUERY__INIT;
		Callsheet__Filter f = CALLSHEET__FILTER__INIT;
		Callsheet__Filter *fp[1] = {&f};
		char *by[2] = {(char *)queries[i].by1, (char *)queries[i].by2};
		int k = queries[i].year_offset < 0;
		struct cs_error err;

		q.from = from[k];
		q.to = to[k];
		q.group_by = by;
		q.n_group_by = by[1] ? 2 : by[0] ? 1 : 0;
		if (queries[i].fdim != NULL) {
			f.dimension = (char *)queries[i].fdim;
			f.value = (char *)queries[i].fval;
			q.filters = fp;
			q.n_filters = 1;
		}
		req.body_case = CALLSHEET__REQUEST__BODY_QUERY;
		req.query = &q;
		sent[i] = now_s();
		if (cs_send(c, &req, &err) != 0) {
			fprintf(stderr, "bench-report: %s\n", err.message);
			exit(1);
		}
		if (i == 0)
			first = req.id;
	}
	for (size_t n = 0; n < NQ; n++) {
		Callsheet__Response *resp;
		struct cs_error err;
		size_t i;

		if (cs_recv(c, &resp, -1, &err) != 0) {
			fprintf(stderr, "bench-report: %s\n", err.message);
			exit(1);
		}
		i = resp->id - first;
		if (i >= NQ ||
		    resp->body_case != CALLSHEET__RESPONSE__BODY_QUERY_RESULT) {
			fprintf(stderr, "bench-report: query %zu failed: %s\n",
			        i, resp->error ? resp->error->message : "?");
			exit(1);
		}
		each[i] = now_s() - sent[i];
		results[i] = resp->query_result;
		resp->query_result = NULL;
		resp->body_case = CALLSHEET__RESPONSE__BODY__NOT_SET;
		callsheet__response__free_unpacked(resp, NULL);
	}
	return now_s() - t0;
}

static bool
same(const Callsheet__QueryResult *a, const Callsheet__QueryResult *b)
{
	if (a->total != b->total || a->n_rows != b->n_rows)
		return false;
	for (size_t i = 0; i < a->n_rows; i++) {
		if (a->rows[i]->count != b->rows[i]->count)
			return false;
		for (size_t k = 0; k < a->rows[i]->n_keys; k++)
			if (strcmp(a->rows[i]->keys[k], b->rows[i]->keys[k]))
				return false;
	}
	return true;
}

static void
free_set(Callsheet__QueryResult **r)
{
	for (size_t i = 0; i < NQ; i++)
		callsheet__query_result__free_unpacked(r[i], NULL);
}

int
main(int argc, char **argv)
{
	struct cs_client *fast, *slow;
	Callsheet__QueryResult *rf[NQ], *rs[NQ];
	double ef[NQ], es[NQ], best_f = 1e9, best_s = 1e9;
	struct samples tf = {0}, ts = {0};
	int year, runs, differ = 0;

	if (argc != 7) {
		fputs("usage: bench-report ROLLUP_SERVER SHEETS_SERVER USER "
		      "PASSWORD YEAR RUNS\n",
		      stderr);
		return 2;
	}
	fast = connect_or_die(argv[1], argv[3], argv[4]);
	slow = connect_or_die(argv[2], argv[3], argv[4]);
	year = atoi(argv[5]);
	runs = atoi(argv[6]);
	for (int r = 0; r < runs; r++) {
		double f = run_set(fast, year, rf, ef);
		double s = run_set(slow, year, rs, es);

		samples_add(&tf, f * 1000);
		samples_add(&ts, s * 1000);
		best_f = f < best_f ? f : best_f;
		best_s = s < best_s ? s : best_s;
		for (size_t i = 0; i < NQ; i++) {
			if (!same(rf[i], rs[i])) {
				differ++;
				fprintf(stderr,
				        "query %zu differs (total %llu "
				        "vs %llu)\n",
				        i, (unsigned long long)rf[i]->total,
				        (unsigned long long)rs[i]->total);
			}
			if (r == runs - 1)
				printf("query %2zu %-10s %-6s %-10s "
				       "rollup_ms=%.2f "
				       "sheets_ms=%.1f rows=%zu\n",
				       i, queries[i].by1 ? queries[i].by1 : "-",
				       queries[i].by2 ? queries[i].by2 : "-",
				       queries[i].fdim ? "dept=75" : "",
				       ef[i] * 1000, es[i] * 1000,
				       rf[i]->n_rows);
		}
		free_set(rf);
		free_set(rs);
	}
	printf("report queries=%zu runs=%d rollup_median_ms=%.2f "
	       "sheets_median_ms=%.1f speedup=%.1f identical=%s\n",
	       NQ, runs, samples_pct(&tf, 0.5), samples_pct(&ts, 0.5),
	       samples_pct(&ts, 0.5) / samples_pct(&tf, 0.5),
	       differ ? "no" : "yes");
	samples_free(&tf);
	samples_free(&ts);
	cs_close(fast);
	cs_close(slow);
	return differ != 0;
}
