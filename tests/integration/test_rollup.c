/* test_rollup.c: answers read from the rollup equal, row for row, those
 * computed from the sheets, for a battery of breakdowns, before and after
 * amends and voids; periods follow the service time zone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define NSHEETS 1500
#define Y2025   1735689600 /* 2025-01-01T00:00:00Z */

static const char *depts[] = {"75", "93", "94", "2B", "99", "unknown"};
static const char *types[] = {"consultation", "consultation", "consultation",
                              "silent", "wrong_number"};
static const char *origins[] = {"africa", "maghreb", "asia", "unknown"};
static const char *topics[] = {"entry", "residence", "family", "work"};

static unsigned seed = 7;

static void
log_random(struct cs_client *c)
{
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	char *tbuf[nitems(topics)];
	struct cs_error err;
	bool dup;

	th_sheet_init(&s, id);
	s.call_start = Y2025 - 40 * 86400 + th_pick(&seed, 200 * 86400);
	s.duration_s = th_pick(&seed, 3600);
	s.call_type = (char *)types[th_pick(&seed, nitems(types))];
	s.department = (char *)depts[th_pick(&seed, nitems(depts))];
	if (strcmp(s.call_type, "consultation") != 0) {
		s.caller = s.household = s.origin = NULL;
		s.n_topics = 0;
	} else if (th_pick(&seed, 3) == 0) {
		s.caller = "professional";
		s.household = s.origin = NULL;
		s.pro_kind = th_pick(&seed, 2) ? "public_body" : "association";
	} else {
		s.origin = (char *)origins[th_pick(&seed, nitems(origins))];
		s.household = th_pick(&seed, 2) ? "man" : "couple";
	}
	if (s.caller != NULL) {
		unsigned mask = 1 + th_pick(&seed, 15);

		s.n_topics = 0;
		for (unsigned b = 0; b < nitems(topics); b++)
			if (mask & (1u << b))
				tbuf[s.n_topics++] = (char *)topics[b];
		s.topics = tbuf;
	}
	if (cs_log_sheet(c, &s, &dup, &err) != 0)
		th_die("log: %s", err.message);
}

static Callsheet__QueryResult *
ask(struct cs_client *c, const char *from, const char *to, const char *by1,
    const char *by2, const char *fdim, const char *fval)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f = CALLSHEET__FILTER__INIT;
	Callsheet__Filter *fp[1] = {&f};
	char *by[2] = {(char *)by1, (char *)by2};
	Callsheet__QueryResult *r = NULL;
	struct cs_error err;

	q.from = (char *)from;
	q.to = (char *)to;
	q.group_by = by;
	q.n_group_by = by2 ? 2 : by1 ? 1 : 0;
	if (fdim != NULL) {
		f.dimension = (char *)fdim;
		f.value = (char *)fval;
		q.filters = fp;
		q.n_filters = 1;
	}
	if (cs_query(c, &q, &r, &err) != 0)
		th_die("query %s..%s by %s,%s where %s=%s: %s", from, to,
		       by1 ? by1 : "-", by2 ? by2 : "-", fdim ? fdim : "-",
		       fval ? fval : "-", err.message);
	return r;
}

static bool
same(const Callsheet__QueryResult *a, const Callsheet__QueryResult *b)
{
	if (a->total != b->total || a->n_rows != b->n_rows)
		return false;
	for (size_t i = 0; i < a->n_rows; i++) {
		if (a->rows[i]->count != b->rows[i]->count ||
		    a->rows[i]->n_keys != b->rows[i]->n_keys)
			return false;
		for (size_t k = 0; k < a->rows[i]->n_keys; k++)
			if (strcmp(a->rows[i]->keys[k], b->rows[i]->keys[k]))
				return false;
	}
	return true;
}

static const char *periods[][2] = {
        {"2025-01-01", "2026-01-01"},
        {"2025-03-01", "2025-04-01"},
        {"2024-11-01", "2025-05-01"},
        {"2025-01-15", "2025-02-10"},
};
static const char *groups[][2] = {
        {0, 0},
        {"department", 0},
        {"caller", 0},
        {"topic", 0},
        {"month", 0},
        {"jurist", 0},
        {"weekday", 0},
        {"hour", 0},
        {"household", 0},
        {"call_type", 0},
        {"department", "caller"},
        {"department", "topic"},
        {"topic", "month"},
        {"weekday", "hour"},
        {"origin", "call_type"},
        {"pro_kind", "department"},
};
static const char *filters[][2] = {
        {0, 0},
        {"department", "75"},
        {"call_type", "silent"},
        {"topic", "entry"},
        {"caller", "individual"},
        {"month", "2025-03"},
        {"jurist", "jurist1"},
};

/* Every period x breakdown x filter: rollup and sheets agree. */
static void
compare_all(struct cs_client *fast, struct cs_client *slow, const char *when)
{
	unsigned compared = 0, differ = 0;

	for (size_t p = 0; p < nitems(periods); p++)
		for (size_t g = 0; g < nitems(groups); g++)
			for (size_t f = 0; f < nitems(filters); f++) {
				Callsheet__QueryResult *a, *b;

				a = ask(fast, periods[p][0], periods[p][1],
				        groups[g][0], groups[g][1],
				        filters[f][0], filters[f][1]);
				b = ask(slow, periods[p][0], periods[p][1],
				        groups[g][0], groups[g][1],
				        filters[f][0], filters[f][1]);
				compared++;
				if (!same(a, b)) {
					differ++;
					CHECK(false,
					      "%s: %s..%s by %s,%s where "
					      "%s=%s: "
					      "rollup total %llu, sheets %llu",
					      when, periods[p][0],
					      periods[p][1],
					      groups[g][0] ? groups[g][0] : "-",
					      groups[g][1] ? groups[g][1] : "-",
					      filters[f][0] ? filters[f][0]
					                    : "-",
					      filters[f][1] ? filters[f][1]
					                    : "-",
					      (unsigned long long)a->total,
					      (unsigned long long)b->total);
				}
				callsheet__query_result__free_unpacked(a, NULL);
				callsheet__query_result__free_unpacked(b, NULL);
			}
	CHECK(differ == 0, "%s: %u of %u answers differ", when, differ,
	      compared);
}

/* What the daemon does every second, done now: everything gets folded. */
static void
fold(const char *conninfo)
{
	PGconn *pg = th_pg(conninfo);

	CHECK(th_sql_count(pg,
	                   "SELECT count(*) FROM (SELECT rollup_fold())"
	                   " f",
	                   NULL) == 1,
	      "rollup_fold runs");
	CHECK(th_sql_count(pg,
	                   "SELECT count(*) FROM sheet WHERE xid >="
	                   " (SELECT horizon FROM rollup_state)",
	                   NULL) == 0,
	      "nothing is left unfolded");
	PQfinish(pg);
}

static void
amend_and_void(const char *conninfo)
{
	PGconn *pg = th_pg(conninfo);
	PGresult *res;

	/* what amends and voids do to a sheet, straight in SQL */
	res = PQexec(pg, "UPDATE sheet SET voided_at = now()"
	                 " WHERE id IN (SELECT id FROM sheet ORDER BY id"
	                 " LIMIT 100)");
	CHECK(PQresultStatus(res) == PGRES_COMMAND_OK, "void: %s",
	      PQresultErrorMessage(res));
	PQclear(res);
	res = PQexec(pg, "UPDATE sheet SET department = (SELECT id FROM"
	                 " taxonomy WHERE dimension = 'department' AND code ="
	                 " '94'), call_start = call_start + interval '20 days'"
	                 " WHERE id IN (SELECT id FROM sheet ORDER BY id DESC"
	                 " LIMIT 150)");
	CHECK(PQresultStatus(res) == PGRES_COMMAND_OK, "amend: %s",
	      PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(pg);
}

/* 00:30 on 1 January in Paris is still 31 December in UTC. */
static void
test_new_year(struct cs_client *jurist, struct cs_client *fast,
              struct cs_client *slow)
{
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct cs_error err;
	bool dup;
	Callsheet__QueryResult *r24[2], *r25[2];
	struct cs_client *both[2] = {fast, slow};

	for (int i = 0; i < 2; i++) {
		r24[i] = ask(both[i], "2024-01-01", "2025-01-01", 0, 0,
		             "department", "2A");
		r25[i] = ask(both[i], "2025-01-01", "2026-01-01", 0, 0,
		             "department", "2A");
	}
	th_sheet_init(&s, id);
	s.department = "2A";
	s.call_start = Y2025 - 30 * 60; /* 2024-12-31T23:30Z */
	if (cs_log_sheet(jurist, &s, &dup, &err) != 0)
		th_die("log: %s", err.message);
	for (int i = 0; i < 2; i++) {
		Callsheet__QueryResult *a, *b;

		a = ask(both[i], "2024-01-01", "2025-01-01", 0, 0, "department",
		        "2A");
		b = ask(both[i], "2025-01-01", "2026-01-01", 0, 0, "department",
		        "2A");
		CHECK(a->total == r24[i]->total &&
		              b->total == r25[i]->total + 1,
		      "%s: 00:30 Paris on 1 January belongs to the new year",
		      i ? "sheets" : "rollup");
		callsheet__query_result__free_unpacked(a, NULL);
		callsheet__query_result__free_unpacked(b, NULL);
		callsheet__query_result__free_unpacked(r24[i], NULL);
		callsheet__query_result__free_unpacked(r25[i], NULL);
	}
}

int
main(void)
{
	char *conninfo = th_createdb("t_rollup");
	const char *no_rollup[] = {"--use-rollup", "false", NULL};
	struct th_daemon fast_d, slow_d;
	struct cs_client *j1, *j2, *fast, *slow;

	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_create_user(conninfo, "jurist2", "jurist", "pass");
	th_daemon_start(&fast_d, conninfo, NULL);
	th_daemon_start(&slow_d, conninfo, no_rollup);
	j1 = th_connect(&fast_d, "jurist1", "pass");
	j2 = th_connect(&slow_d, "jurist2", "pass");
	for (int i = 0; i < NSHEETS; i++)
		log_random(i % 2 ? j1 : j2);
	fast = th_connect(&fast_d, "jurist1", "pass");
	slow = th_connect(&slow_d, "jurist1", "pass");

	compare_all(fast, slow, "after logging");
	fold(conninfo);
	compare_all(fast, slow, "all folded");
	amend_and_void(conninfo);
	compare_all(fast, slow, "after amends and voids of folded sheets");
	fold(conninfo);
	compare_all(fast, slow, "amends folded");
	test_new_year(j1, fast, slow);

	cs_close(j1);
	cs_close(j2);
	cs_close(fast);
	cs_close(slow);
	CHECK(th_daemon_stop(&fast_d) == 0, "daemon with rollup exits 0");
	CHECK(th_daemon_stop(&slow_d) == 0, "daemon without rollup exits 0");
	free(conninfo);
	return th_finish();
}
