/* test_concurrent.c: two jurists log 1,000 sheets each at the same time;
 * the report total is exactly 2,000 and every breakdown equals what the
 * test counted from what it sent. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define PER_JURIST 1000
#define NJURISTS   2

/* 2025-02-01T00:00:00Z: far from any year boundary in any time zone */
#define PERIOD_START 1738368000
#define PERIOD_SPAN  (280 * 86400)

static const char *depts[] = {"75", "93",  "94", "92",
                              "2A", "971", "99", "unknown"};
static const char *households[] = {"man", "woman", "couple"};
static const char *origins[] = {"africa",    "maghreb", "latin_america",
                                "europe_eu", "asia",    "unknown"};
static const char *kinds[] = {"public_body", "association", "other"};
static const char *sectors[] = {"local_social_services",
                                "hospital_medico_social", "other_public"};
static const char *topics[] = {"entry",   "residence",   "social_rights",
                               "family",  "nationality", "asylum",
                               "removal", "work",        "other"};

/* What the test sent, counted its own way. */
struct tally {
	long dept[nitems(depts)];
	long individual, professional;
	long household[nitems(households)];
	long origin[nitems(origins)];
	long kind[nitems(kinds)];
	long topic[nitems(topics)];
};

static struct th_daemon d;
static struct tally sent[NJURISTS];

struct worker {
	int index;
	unsigned seed;
	int failures;
};

/* Fills a random, valid consultation and counts it. */
static void
random_sheet(Callsheet__Sheet *s, char **tbuf, unsigned *seed, struct tally *t)
{
	unsigned dp = th_pick(seed, nitems(depts)), mask;

	s->call_start = PERIOD_START + th_pick(seed, PERIOD_SPAN);
	s->duration_s = 60 + th_pick(seed, 1800);
	s->department = (char *)depts[dp];
	t->dept[dp]++;
	s->household = s->origin = s->pro_kind = s->pro_sector = NULL;
	if (th_pick(seed, 10) < 6) {
		unsigned h = th_pick(seed, nitems(households));
		unsigned o = th_pick(seed, nitems(origins));

		s->caller = "individual";
		s->household = (char *)households[h];
		s->origin = (char *)origins[o];
		t->individual++;
		t->household[h]++;
		t->origin[o]++;
	} else {
		unsigned k = th_pick(seed, nitems(kinds));

		s->caller = "professional";
		s->pro_kind = (char *)kinds[k];
		if (k == 0)
			s->pro_sector = (char *)sectors[th_pick(seed, 3)];
		t->professional++;
		t->kind[k]++;
	}
	mask = 1 + th_pick(seed, (1u << nitems(topics)) - 1);
	s->n_topics = 0;
	for (unsigned b = 0; b < nitems(topics); b++) {
		if (mask & (1u << b)) {
			tbuf[s->n_topics++] = (char *)topics[b];
			t->topic[b]++;
		}
	}
	s->topics = tbuf;
}

static void *
jurist_main(void *arg)
{
	struct worker *w = arg;
	char user[32];
	struct cs_client *c;

	snprintf(user, sizeof user, "jurist%d", w->index + 1);
	c = th_connect(&d, user, "pass");
	for (int i = 0; i < PER_JURIST; i++) {
		Callsheet__Sheet s;
		uint8_t id[CS_UUID_LEN];
		char *tbuf[nitems(topics)];
		struct cs_error err;
		bool dup;

		th_sheet_init(&s, id);
		random_sheet(&s, tbuf, &w->seed, &sent[w->index]);
		if (cs_log_sheet(c, &s, &dup, &err) != 0 || dup) {
			fprintf(stderr, "jurist %d sheet %d: %s\n", w->index, i,
			        err.message);
			w->failures++;
		}
	}
	cs_close(c);
	return NULL;
}

static Callsheet__QueryResult *
query(struct cs_client *c, const char *by)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__QueryResult *r = NULL;
	struct cs_error err;
	char *group[1] = {(char *)by};

	q.from = "2025-01-01";
	q.to = "2026-01-01";
	if (by != NULL) {
		q.n_group_by = 1;
		q.group_by = group;
	}
	if (cs_query(c, &q, &r, &err) != 0)
		th_die("query by %s: %s", by ? by : "nothing", err.message);
	return r;
}

static long
row_count(const Callsheet__QueryResult *r, const char *key)
{
	for (size_t i = 0; i < r->n_rows; i++)
		if (strcmp(r->rows[i]->keys[0], key) == 0)
			return (long)r->rows[i]->count;
	return 0;
}

/* Every code of a dimension: the report's count equals the tally's. */
static void
check_breakdown(struct cs_client *c, const char *dim, const char **codes,
                size_t n, size_t offset)
{
	Callsheet__QueryResult *r = query(c, dim);

	for (size_t i = 0; i < n; i++) {
		long want = 0;

		for (int j = 0; j < NJURISTS; j++)
			want += ((long *)((char *)&sent[j] + offset))[i];
		CHECK(row_count(r, codes[i]) == want,
		      "%s=%s: report says %ld, %ld were sent", dim, codes[i],
		      row_count(r, codes[i]), want);
	}
	callsheet__query_result__free_unpacked(r, NULL);
}

int
main(void)
{
	char *conninfo = th_createdb("t_concurrent");
	pthread_t threads[NJURISTS];
	struct worker workers[NJURISTS];
	struct cs_client *reader;
	Callsheet__QueryResult *r;
	const char *callers[] = {"individual", "professional"};

	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_create_user(conninfo, "jurist2", "jurist", "pass");
	/* exact figures: a reporter's are perturbed (cell-key method) */
	th_create_user(conninfo, "admin1", "admin", "pass");
	th_daemon_start(&d, conninfo, NULL);

	for (int i = 0; i < NJURISTS; i++) {
		workers[i] = (struct worker){.index = i, .seed = 42u + i};
		pthread_create(&threads[i], NULL, jurist_main, &workers[i]);
	}
	for (int i = 0; i < NJURISTS; i++) {
		pthread_join(threads[i], NULL);
		CHECK(workers[i].failures == 0, "jurist %d: %d sheets failed",
		      i + 1, workers[i].failures);
	}

	reader = th_connect(&d, "admin1", "pass");
	r = query(reader, NULL);
	CHECK(r->total == NJURISTS * PER_JURIST, "total %llu, want %d",
	      (unsigned long long)r->total, NJURISTS * PER_JURIST);
	callsheet__query_result__free_unpacked(r, NULL);

	check_breakdown(reader, "department", depts, nitems(depts),
	                offsetof(struct tally, dept));
	check_breakdown(reader, "caller", callers, 2,
	                offsetof(struct tally, individual));
	check_breakdown(reader, "household", households, nitems(households),
	                offsetof(struct tally, household));
	check_breakdown(reader, "origin", origins, nitems(origins),
	                offsetof(struct tally, origin));
	check_breakdown(reader, "pro_kind", kinds, nitems(kinds),
	                offsetof(struct tally, kind));
	check_breakdown(reader, "topic", topics, nitems(topics),
	                offsetof(struct tally, topic));

	r = query(reader, "jurist");
	CHECK(row_count(r, "jurist1") == PER_JURIST &&
	              row_count(r, "jurist2") == PER_JURIST,
	      "each jurist has exactly the sheets they logged");
	callsheet__query_result__free_unpacked(r, NULL);
	cs_close(reader);

	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	free(conninfo);
	return th_finish();
}
