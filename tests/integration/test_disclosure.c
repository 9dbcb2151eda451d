/* test_disclosure.c: disclosure control at the protocol: a reporter's
 * query comes back with small counts hidden (count 0, suppressed, last,
 * in key order), their partners, the rule, the durations withheld on a
 * small total; the MinCell request: admin only, every bad field named. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct th_daemon d;

static void
log_many(struct cs_client *c, const char *dept, int n, uint32_t duration)
{
	for (int i = 0; i < n; i++) {
		Callsheet__Sheet s;
		uint8_t id[CS_UUID_LEN];
		struct cs_error err;
		bool dup;

		th_sheet_init(&s, id);
		s.department = (char *)dept;
		s.duration_s = duration;
		if (cs_log_sheet(c, &s, &dup, &err) != 0)
			th_die("log: %s", err.message);
	}
}

static Callsheet__QueryResult *
query(struct cs_client *c, const char *by, const char *dept, bool durations)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f = CALLSHEET__FILTER__INIT, *fp = &f;
	char *group[1] = {(char *)by};
	Callsheet__QueryResult *r;
	struct cs_error err;

	q.from = "2000-01-01";
	q.to = "2100-01-01";
	if (by != NULL) {
		q.group_by = group;
		q.n_group_by = 1;
	}
	if (dept != NULL) {
		f.dimension = "department";
		f.value = (char *)dept;
		q.filters = &fp;
		q.n_filters = 1;
	}
	q.has_duration_stats = durations;
	q.duration_stats = durations;
	if (cs_query(c, &q, &r, &err) != 0)
		th_die("query: %s", err.message);
	return r;
}

static void
test_reporter(struct cs_client *rep)
{
	Callsheet__QueryResult *r = query(rep, "department", NULL, true);

	/* 75: 10, 93: 2 (under 3), 94: 5 (its partner, the next smallest) */
	CHECK(r->min_cell == 3, "the reporter's k is 3 (got %u)", r->min_cell);
	CHECK(r->n_rows == 3, "three départements (got %zu)", r->n_rows);
	if (r->n_rows == 3) {
		CHECK(strcmp(r->rows[0]->keys[0], "75") == 0 &&
		              r->rows[0]->count == 10 &&
		              !r->rows[0]->suppressed,
		      "75 shown");
		CHECK(strcmp(r->rows[1]->keys[0], "93") == 0 &&
		              r->rows[1]->suppressed && r->rows[1]->count == 0,
		      "93 hidden, count 0");
		CHECK(strcmp(r->rows[2]->keys[0], "94") == 0 &&
		              r->rows[2]->suppressed && r->rows[2]->count == 0,
		      "94 hidden with it, after it by key");
	}
	CHECK(r->suppressed_cells == 2 && r->suppression_rule != NULL &&
	              strstr(r->suppression_rule, "secondary") != NULL,
	      "the result says what was hidden and how");
	CHECK(r->total == 17 && !r->total_suppressed, "the total stays");
	CHECK(r->duration != NULL && r->duration->count == 17 &&
	              r->duration->sum_s == 10 * 300 + 2 * 60 + 5 * 600,
	      "durations of 17 sheets are shown");
	callsheet__query_result__free_unpacked(r, NULL);

	r = query(rep, NULL, "93", true);
	CHECK(r->total_suppressed && r->total == 0 && r->duration == NULL &&
	              r->duration_suppressed,
	      "a total of 2: hidden, and its durations");
	callsheet__query_result__free_unpacked(r, NULL);
}

static Callsheet__ErrorCode
min_cell(struct cs_client *c, const char *role, long value,
         Callsheet__MinCells **out, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__MinCell mc = CALLSHEET__MIN_CELL__INIT;
	Callsheet__Response *resp;

	mc.role = (char *)role;
	mc.has_min_cell = value >= 0;
	mc.min_cell = value >= 0 ? (uint32_t)value : 0;
	req.body_case = CALLSHEET__REQUEST__BODY_MIN_CELL;
	req.min_cell = &mc;
	memset(err, 0, sizeof *err);
	if (out != NULL)
		*out = NULL;
	if (cs_call(c, &req, &resp, err) != 0)
		return err->code;
	if (out != NULL &&
	    resp->body_case == CALLSHEET__RESPONSE__BODY_MIN_CELLS) {
		*out = resp->min_cells;
		resp->min_cells = NULL;
		resp->body_case = CALLSHEET__RESPONSE__BODY__NOT_SET;
	}
	callsheet__response__free_unpacked(resp, NULL);
	return CALLSHEET__ERROR_CODE__ERROR_NONE;
}

static uint32_t
rule_of(const Callsheet__MinCells *l, const char *role)
{
	for (size_t i = 0; l != NULL && i < l->n_rules; i++)
		if (strcmp(l->rules[i]->role, role) == 0)
			return l->rules[i]->min_cell;
	return 9999;
}

static void
test_min_cell(struct cs_client *admin, struct cs_client *rep,
              struct cs_client *jurist)
{
	Callsheet__MinCells *l;
	struct cs_error err;
	Callsheet__QueryResult *r;

	CHECK(min_cell(admin, NULL, -1, &l, &err) == 0 && l != NULL &&
	              l->n_rules == 3 && rule_of(l, "admin") == 0 &&
	              rule_of(l, "jurist") == 0 && rule_of(l, "reporter") == 3,
	      "the defaults: %s", err.message);
	if (l != NULL)
		callsheet__min_cells__free_unpacked(l, NULL);
	CHECK(min_cell(admin, "boss", 3, NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "role") == 0 &&
	              strstr(err.message, "'boss'") != NULL &&
	              strstr(err.message, "jurist, reporter, admin") != NULL,
	      "an unknown role: %s", err.message);
	CHECK(min_cell(admin, "jurist", -1, NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "min_cell") == 0,
	      "a role without a size: %s", err.message);
	CHECK(min_cell(admin, NULL, 3, NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "role") == 0,
	      "a size without a role: %s", err.message);
	CHECK(min_cell(admin, "jurist", 1001, NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strstr(err.message, "1001") != NULL &&
	              strstr(err.message, "0 (no suppression) to 1000") != NULL,
	      "too large: %s", err.message);
	CHECK(min_cell(rep, NULL, -1, NULL, &err) ==
	              CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "a reporter may not");
	CHECK(min_cell(jurist, "jurist", 0, NULL, &err) ==
	              CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "a jurist may not");

	CHECK(min_cell(admin, "reporter", 2, &l, &err) == 0 &&
	              rule_of(l, "reporter") == 2,
	      "set to 2: %s", err.message);
	if (l != NULL)
		callsheet__min_cells__free_unpacked(l, NULL);
	r = query(rep, "department", NULL, false);
	CHECK(r->min_cell == 2 && r->suppressed_cells == 0,
	      "k = 2: nothing hidden (got %u)", r->suppressed_cells);
	callsheet__query_result__free_unpacked(r, NULL);
	CHECK(min_cell(admin, "jurist", 4, NULL, &err) == 0, "jurist 4");
	r = query(jurist, "department", NULL, false);
	CHECK(r->min_cell == 4 && r->n_rows == 3 && !r->rows[0]->suppressed &&
	              r->rows[1]->suppressed && r->rows[2]->suppressed,
	      "a jurist with k = 4: 93 and 94 hidden");
	callsheet__query_result__free_unpacked(r, NULL);
	r = query(admin, "department", NULL, false);
	CHECK(r->min_cell == 0 && r->suppressed_cells == 0 &&
	              r->suppression_rule == NULL,
	      "the admin sees everything");
	callsheet__query_result__free_unpacked(r, NULL);
}

int
main(void)
{
	char *conninfo = th_createdb("t_disclosure");
	struct cs_client *admin, *rep, *jurist;

	th_migrate(conninfo);
	th_create_user(conninfo, "admin", "admin", "secret");
	th_create_user(conninfo, "rep", "reporter", "secret");
	th_create_user(conninfo, "j1", "jurist", "secret");
	th_daemon_start(&d, conninfo, NULL);
	jurist = th_connect(&d, "j1", "secret");
	rep = th_connect(&d, "rep", "secret");
	admin = th_connect(&d, "admin", "secret");
	log_many(jurist, "75", 10, 300);
	log_many(jurist, "93", 2, 60);
	log_many(jurist, "94", 5, 600);
	test_reporter(rep);
	test_min_cell(admin, rep, jurist);
	cs_close(jurist);
	cs_close(rep);
	cs_close(admin);
	CHECK(th_daemon_stop(&d) == 0, "the daemon exits 0");
	free(conninfo);
	return th_finish();
}
