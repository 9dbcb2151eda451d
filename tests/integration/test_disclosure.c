/* test_disclosure.c: disclosure control at the protocol: what a stored
 * sheet keeps of the call (start to the quarter-hour, duration to 5
 * minutes, in the database, its audit trail and exports; a resend still
 * recognised); a reporter's
 * query comes back perturbed by the cell-key method (small counts left
 * out, the same answer twice, the months in progress not counted, the
 * shapes that would difference the noise away refused); a jurist under
 * a minimum cell size of the suppress method gets small counts hidden;
 * the MinCell request: admin only, every bad field named. (The attacks
 * themselves are test_attack.c.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct th_daemon d;
static char *conninfo;
static struct cs_client *reporter;     /* its queries: March 2025 */
static uint8_t september[CS_UUID_LEN]; /* one sheet of 2025-09, voided */

/* 2025-03-10 12:00 UTC: a month that is over */
#define MARCH_2025 1741608000

static void
log_many(struct cs_client *c, const char *dept, int n, uint32_t duration)
{
	for (int i = 0; i < n; i++) {
		Callsheet__Sheet s;
		uint8_t id[CS_UUID_LEN];
		struct cs_error err;
		bool dup;

		th_sheet_init(&s, id);
		s.call_start = MARCH_2025 + i * 60;
		s.department = (char *)dept;
		s.duration_s = duration;
		if (cs_log_sheet(c, &s, &dup, &err) != 0)
			th_die("log: %s", err.message);
	}
}

static Callsheet__ErrorCode
query_in(struct cs_client *c, const char *from, const char *to, const char *by,
         const char *dept, bool durations, Callsheet__QueryResult **out,
         struct cs_error *err)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f = CALLSHEET__FILTER__INIT, *fp = &f;
	char *group[1] = {(char *)by};

	q.from = (char *)from;
	q.to = (char *)to;
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
	*out = NULL;
	return cs_query(c, &q, out, err) != 0
	               ? err->code
	               : CALLSHEET__ERROR_CODE__ERROR_NONE;
}

/* March 2025 for a reporter (a calendar month), all time for the others */
static Callsheet__QueryResult *
query(struct cs_client *c, const char *by, const char *dept, bool durations)
{
	bool rep = c == reporter;
	Callsheet__QueryResult *r;
	struct cs_error err;

	if (query_in(c, rep ? "2025-03-01" : "2000-01-01",
	             rep ? "2025-04-01" : "2100-01-01", by, dept, durations, &r,
	             &err) != 0)
		th_die("query: %s", err.message);
	return r;
}

static bool
within(uint64_t got, uint64_t truth, uint64_t noise)
{
	return got + noise >= truth && got <= truth + noise;
}

static const Callsheet__Row *
row_of(const Callsheet__QueryResult *r, const char *key)
{
	for (size_t i = 0; i < r->n_rows; i++)
		if (strcmp(r->rows[i]->keys[0], key) == 0)
			return r->rows[i];
	return NULL;
}

static void
test_reporter(struct cs_client *rep, struct cs_client *jurist)
{
	Callsheet__QueryResult *r = query(rep, "department", NULL, true),
	                       *again;
	const Callsheet__Row *row;
	struct cs_error err;

	/* 75: 10, 93: 2 (under 3: left out), 94: 5 */
	CHECK(r->min_cell == 3 && r->perturbed && r->max_noise == 4,
	      "perturbed, k = 3, D = 4 (got %u, %d, %u)", r->min_cell,
	      r->perturbed, r->max_noise);
	CHECK(row_of(r, "93") == NULL, "93 (2 sheets) is left out");
	row = row_of(r, "75");
	CHECK(row != NULL && within(row->count, 10, 4),
	      "75: 10 +- 4 (got %llu)",
	      row ? (unsigned long long)row->count : 0ULL);
	row = row_of(r, "94");
	CHECK(row != NULL && within(row->count, 5, 4),
	      "94: 5 +- 4, never 0 (got %llu)",
	      row ? (unsigned long long)row->count : 0ULL);
	for (size_t i = 0; i < r->n_rows; i++)
		CHECK(!r->rows[i]->suppressed && r->rows[i]->count >= 3,
		      "no row shows a count under 3");
	CHECK(r->suppressed_cells == 0 && r->suppression_rule != NULL &&
	              strstr(r->suppression_rule, "cell-key") != NULL,
	      "the result says how, not how many were small");
	CHECK(within(r->total, 17, 4) && !r->total_suppressed,
	      "the total: 17 +- 4 (got %llu)", (unsigned long long)r->total);
	CHECK(r->duration == NULL,
	      "by département: no durations (the published figures keep "
	      "them for all départements together)");
	{
		Callsheet__QueryResult *dur = query(rep, NULL, NULL, true);

		CHECK(dur->duration != NULL &&
		              within(dur->duration->count, 17, 12) &&
		              dur->duration->sum_s % 300 == 0,
		      "durations counted in 5-minute bands");
		callsheet__query_result__free_unpacked(dur, NULL);
	}
	again = query(rep, "department", NULL, true);
	CHECK(again->n_rows == r->n_rows && again->total == r->total,
	      "the same query twice: the same answer");
	for (size_t i = 0; i < r->n_rows && i < again->n_rows; i++)
		CHECK(strcmp(again->rows[i]->keys[0], r->rows[i]->keys[0]) ==
		                      0 &&
		              again->rows[i]->count == r->rows[i]->count,
		      "row %zu the same", i);
	callsheet__query_result__free_unpacked(again, NULL);
	callsheet__query_result__free_unpacked(r, NULL);

	r = query(rep, NULL, "93", true);
	CHECK(r->total == 0 && !r->total_suppressed,
	      "a total of 2 reads 0, like an empty one");
	callsheet__query_result__free_unpacked(r, NULL);
	r = query(rep, NULL, "12", false);
	CHECK(r->total == 0, "zero stays zero");
	callsheet__query_result__free_unpacked(r, NULL);

	/* the shapes that would difference the noise away */
	CHECK(query_in(rep, "2025-03-01", "2025-03-20", NULL, NULL, false, &r,
	               &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strcmp(err.field, "to") == 0 &&
	              strstr(err.message, "calendar month, quarter or year"),
	      "a period of days: %s", err.message);
	CHECK(query_in(rep, "2025-02-01", "2025-04-01", NULL, NULL, false, &r,
	               &err) == CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "two months: %s", err.message);
	CHECK(query_in(rep, "2025-02-01", "2025-05-01", NULL, NULL, false, &r,
	               &err) == CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "three months that are not a quarter: %s", err.message);
	CHECK(query_in(rep, "2025-01-01", "2026-01-01", "jurist", NULL, false,
	               &r, &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strstr(err.message, "per-jurist") != NULL,
	      "per jurist: %s", err.message);
	CHECK(query_in(rep, "2025-01-01", "2026-01-01", "month", NULL, false,
	               &r, &err) == 0 &&
	              r->n_rows == 1 && within(r->rows[0]->count, 17, 4),
	      "a calendar year, by month: %s", err.message);
	if (r != NULL)
		callsheet__query_result__free_unpacked(r, NULL);
	CHECK(query_in(rep, "2025-01-01", "2025-04-01", NULL, NULL, false, &r,
	               &err) == 0,
	      "a calendar quarter: %s", err.message);
	if (r != NULL)
		callsheet__query_result__free_unpacked(r, NULL);

	/* a month no closed period holds: refused to a reporter, named */
	CHECK(query_in(rep, "2026-11-01", "2026-12-01", NULL, NULL, false, &r,
	               &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strcmp(err.field, "from") == 0 &&
	              strstr(err.message, "2026-11") != NULL &&
	              strstr(err.message, "closed periods only") != NULL &&
	              strstr(err.message, "close-period") != NULL,
	      "an open month: refused (%s)", err.message);
	CHECK(query_in(rep, "2024-10-01", "2025-01-01", NULL, NULL, false, &r,
	               &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strstr(err.message, "2024-10") != NULL,
	      "a quarter before the closed year: refused (%s)", err.message);
	CHECK(query_in(rep, "2025-01-01", "2026-01-01", "caller", "75", false,
	               &r, &err) == 0,
	      "a closed year by caller in one département (%s)", err.message);
	if (r != NULL)
		callsheet__query_result__free_unpacked(r, NULL);

	/* the month in progress: refused to a reporter, counted for others */
	for (int i = 0; i < 6; i++)
		if (!th_log_one(jurist))
			th_die("log");
	{
		time_t now = time(NULL);
		struct tm tm;
		char from[32], to[32];

		gmtime_r(&now, &tm);
		/* the service zone is Europe/Paris: away from the month's
		 * edges, UTC's month is the same */
		if (tm.tm_mday >= 2 && tm.tm_mday <= 27) {
			snprintf(from, sizeof from, "%04d-%02d-01",
			         tm.tm_year + 1900, tm.tm_mon + 1);
			snprintf(to, sizeof to, "%04d-%02d-01",
			         tm.tm_year + 1900 + (tm.tm_mon == 11),
			         tm.tm_mon == 11 ? 1 : tm.tm_mon + 2);
			CHECK(query_in(rep, from, to, NULL, NULL, false, &r,
			               &err) ==
			                      CALLSHEET__ERROR_CODE__FORBIDDEN &&
			              strcmp(err.field, "from") == 0 &&
			              strstr(err.message,
			                     "closed periods only"),
			      "this month: refused to the reporter (%s)",
			      err.message);
			if (r != NULL)
				callsheet__query_result__free_unpacked(r, NULL);
			CHECK(query_in(jurist, from, to, NULL, NULL, false, &r,
			               &err) == 0 &&
			              r->total == 6,
			      "this month: 6 for the jurist (%s)", err.message);
			if (r != NULL)
				callsheet__query_result__free_unpacked(r, NULL);
		}
	}
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
	/* what is not given is kept, min_cell too (PROTOCOL.md) */
	CHECK(min_cell(admin, "jurist", -1, &l, &err) == 0 && l != NULL &&
	              rule_of(l, "jurist") == 0,
	      "a role without a size: its size kept: %s", err.message);
	if (l != NULL)
		callsheet__min_cells__free_unpacked(l, NULL);
	CHECK(min_cell(admin, NULL, 3, NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "role") == 0,
	      "a size without a role: %s", err.message);
	CHECK(min_cell(admin, "jurist", 1001, NULL, &err) ==
	                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strstr(err.message, "1001") != NULL &&
	              strstr(err.message, "0 (no suppression) to 1000") !=
	                      NULL &&
	              strcmp(err.reason, "out_of_range") == 0 &&
	              strcmp(err.value, "1001") == 0,
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

/* ------------------------------------------------- the stored sheet */

static long long
sql(const char *query, const char *param)
{
	return th_sql_count_at(conninfo, query, param);
}

static void
test_stored_sheet(struct cs_client *jurist, struct cs_client *admin)
{
	/* 2024-02-10 10:07:33 UTC (11:07:33 in Paris): a year left open */
	const int64_t at = 1707559653;
	const uint32_t durations[] = {0, 1, 149, 150, 421, 449, 450, 86400};
	Callsheet__Sheet s[nitems(durations)], *ps[nitems(durations)];
	uint8_t id[nitems(durations)][CS_UUID_LEN];
	Callsheet__AmendSheet a = CALLSHEET__AMEND_SHEET__INIT;
	Callsheet__Export x = CALLSHEET__EXPORT__INIT;
	Callsheet__ExportPage *page;
	Callsheet__SheetsLogged *sl;
	Callsheet__SheetChanged *sc;
	struct cs_error err;
	char text[CS_UUID_STRLEN], num[32];
	bool dup = true;

	for (size_t i = 0; i < nitems(durations); i++) {
		th_sheet_init(&s[i], id[i]);
		s[i].call_start = at + (int64_t)i * 601;
		s[i].duration_s = durations[i];
		s[i].department = "13";
		ps[i] = &s[i];
	}
	CHECK(cs_log_sheet(jurist, &s[4], &dup, &err) == 0 && !dup,
	      "logged: %s", err.message);
	CHECK(cs_log_sheet(jurist, &s[4], &dup, &err) == 0 && dup,
	      "the same sheet resent, exact to the second: a duplicate");
	CHECK(cs_log_sheets(jurist, ps, nitems(durations), &sl, &err) == 0 &&
	              sl->n_refused == 0 && sl->n_duplicates == 1,
	      "the others, as an import sends them: %s", err.message);
	if (sl != NULL)
		callsheet__sheets_logged__free_unpacked(sl, NULL);
	uuid_format(id[4], text);
	CHECK(sql("SELECT extract(epoch FROM call_start)::bigint FROM sheet"
	          " WHERE id = $1::uuid",
	          text) == s[4].call_start - s[4].call_start % 900,
	      "the start: its quarter-hour");
	CHECK(sql("SELECT extract(hour FROM call_start AT TIME ZONE"
	          " 'Europe/Paris')::int FROM sheet WHERE id = $1::uuid",
	          text) == 11,
	      "the local hour is the call's");
	for (size_t i = 0; i < nitems(durations); i++) {
		uuid_format(id[i], text);
		snprintf(num, sizeof num, "%u", durations[i]);
		CHECK(sql("SELECT duration_s FROM sheet WHERE id = $1::uuid",
		          text) == sql("SELECT coarse_duration($1::int)", num),
		      "%u s stored as the migration would store it",
		      durations[i]);
	}
	CHECK(sql("SELECT duration_s FROM sheet WHERE id = $1::uuid", text) ==
	              86400,
	      "24 hours stay 24 hours");

	/* an amend: stored, and audited, to the same rules */
	a.id.data = id[4];
	a.id.len = CS_UUID_LEN;
	a.has_id = true;
	a.has_call_start = a.has_duration_s = true;
	a.call_start = at + 3333;
	a.duration_s = 1000;
	CHECK(cs_amend_sheet(jurist, &a, &sc, &err) == 0, "amended: %s",
	      err.message);
	if (sc != NULL)
		protobuf_c_message_free_unpacked(&sc->base, NULL);
	CHECK(sql("SELECT count(*) FROM sheet WHERE extract(epoch FROM"
	          " call_start)::bigint % 900 <> 0 OR duration_s % 300 <> 0"
	          " OR extract(epoch FROM logged_at)::bigint % 900 <> 0",
	          NULL) == 0,
	      "no stored start finer than the quarter-hour, no duration "
	      "finer than 5 minutes");
	CHECK(sql("SELECT count(*) FROM audit, LATERAL (VALUES (old), (new))"
	          " v(j) WHERE extract(epoch FROM call_before)::bigint % 900"
	          " <> 0 OR extract(epoch FROM call_after)::bigint % 900 <> 0"
	          " OR (j ? 'call_start' AND extract(epoch FROM"
	          " (j ->> 'call_start')::timestamptz)::bigint % 900 <> 0)"
	          " OR (j ? 'duration_s' AND (j ->> 'duration_s')::int % 300"
	          " <> 0)",
	          NULL) == 0 &&
	              sql("SELECT count(*) FROM audit", NULL) == 1,
	      "nor in the audit trail");

	/* exports carry the stored values */
	x.from = "2024-02-01";
	x.to = "2024-03-01";
	CHECK(cs_export_page(admin, &x, &page, &err) == 0 &&
	              page->n_sheets >= nitems(durations),
	      "exported: %s", err.message);
	for (size_t i = 0; page != NULL && i < page->n_sheets; i++) {
		const Callsheet__ExportedSheet *e = page->sheets[i];
		const char *mm = strchr(e->call_start, 'T');

		CHECK(e->sheet->call_start % 900 == 0 &&
		              e->sheet->duration_s % 300 == 0 && mm != NULL &&
		              strncmp(mm + 6, ":00", 3) == 0 &&
		              strchr("0134", mm[4]) != NULL,
		      "exported %s, %u s: no finer", e->call_start,
		      e->sheet->duration_s);
	}
	if (page != NULL)
		callsheet__export_page__free_unpacked(page, NULL);
}

static Callsheet__ErrorCode
restate_in(struct cs_client *c, const char *from, const char *to,
           const char *by, const char *dim, const char *value,
           Callsheet__Restatements **out, struct cs_error *err)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f = CALLSHEET__FILTER__INIT, *fp = &f;
	char *group[1] = {(char *)by};

	q.from = (char *)from;
	q.to = (char *)to;
	if (by != NULL) {
		q.group_by = group;
		q.n_group_by = 1;
	}
	if (dim != NULL) {
		f.dimension = (char *)dim;
		f.value = (char *)value;
		q.filters = &fp;
		q.n_filters = 1;
	}
	*out = NULL;
	return cs_restatements(c, &q, out, err) != 0
	               ? err->code
	               : CALLSHEET__ERROR_CODE__ERROR_NONE;
}

/* 2025 closed, then one sheet of September (département 75) voided: a
 * reporter asking one month or one filter value at a time would see
 * published != restated only where the sheet was, i.e. the sheet itself.
 * A reporter gets the whole period's two totals, nothing finer. */
static void
test_restatements(struct cs_client *admin, struct cs_client *rep)
{
	Callsheet__VoidSheet v = CALLSHEET__VOID_SHEET__INIT;
	Callsheet__SheetChanged *sc;
	Callsheet__Restatements *rs;
	struct cs_error err;

	v.id.data = september;
	v.id.len = CS_UUID_LEN;
	v.has_id = true;
	v.reason = "logged twice";
	if (cs_void_sheet(admin, &v, &sc, &err) != 0)
		th_die("void: %s", err.message);
	protobuf_c_message_free_unpacked(&sc->base, NULL);

	CHECK(restate_in(rep, "2025-01-01", "2026-01-01", NULL, "department",
	                 "75", &rs, &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strcmp(err.field, "filters") == 0 &&
	              strstr(err.message, "department=75") != NULL,
	      "restatements with a filter: refused (%s)", err.message);
	CHECK(restate_in(rep, "2025-01-01", "2026-01-01", NULL, "topic",
	                 "family", &rs,
	                 &err) == CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "restatements with a topic: refused (%s)", err.message);
	CHECK(restate_in(rep, "2025-01-01", "2026-01-01", "department", NULL,
	                 NULL, &rs, &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strcmp(err.field, "group_by") == 0,
	      "restatements by department: refused (%s)", err.message);
	CHECK(restate_in(rep, "2025-09-01", "2025-10-01", NULL, NULL, NULL, &rs,
	                 &err) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strcmp(err.field, "from") == 0 &&
	              strstr(err.message, "2025-01-01/2026-01-01") != NULL &&
	              strcmp(err.reason, "disclosure") == 0 &&
	              strcmp(err.value, "2025-09-01") == 0,
	      "restatements for one month of a closed year: refused (%s)",
	      err.message);
	CHECK(restate_in(rep, "2025-01-01", "2025-04-01", NULL, NULL, NULL, &rs,
	                 &err) == CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "restatements for a quarter of a closed year: refused (%s)",
	      err.message);
	CHECK(restate_in(rep, "2025-01-01", "2026-01-01", NULL, NULL, NULL, &rs,
	                 &err) == 0 &&
	              rs->n_periods == 1 && rs->periods[0]->compared &&
	              rs->periods[0]->n_rows == 0 &&
	              rs->periods[0]->n_changes == 0 &&
	              rs->periods[0]->has_published_total &&
	              rs->periods[0]->has_restated_total &&
	              within(rs->periods[0]->published_total, 18, 4) &&
	              within(rs->periods[0]->restated_total, 17, 4),
	      "the whole year: its two totals only (%s)", err.message);
	if (rs != NULL)
		protobuf_c_message_free_unpacked(&rs->base, NULL);
	/* an administrator still sees which rows changed */
	CHECK(restate_in(admin, "2025-09-01", "2025-10-01", "department", NULL,
	                 NULL, &rs, &err) == 0 &&
	              rs->n_periods == 1 && rs->periods[0]->n_rows == 1 &&
	              strcmp(rs->periods[0]->rows[0]->keys[0], "75") == 0,
	      "an admin: the changed row (%s)", err.message);
	if (rs != NULL)
		protobuf_c_message_free_unpacked(&rs->base, NULL);
}

/* Sheets logged late into closed March 2025 (by an administrator: a
 * jurist may not back-date a call into a closed period, test_closed_log):
 * a reporter's answers stay as published, to the last figure (by
 * differencing snapshots, a change would show which cells the new sheets
 * are in); an administrator sees them at once. */
static void
test_frozen(struct cs_client *admin, struct cs_client *rep)
{
	static const char *const depts[] = {"75", "93", "94", "13"};
	Callsheet__QueryResult *before[nitems(depts)], *after, *r;
	struct cs_error err;
	bool same = true;

	for (size_t i = 0; i < nitems(depts); i++)
		before[i] = query(rep, "topic", depts[i], false);
	log_many(admin, "75", 10, 300);
	log_many(admin, "93", 1, 300);
	r = query(admin, NULL, "75", false);
	CHECK(r->total >= 21, "an admin sees the late sheets (got %llu)",
	      (unsigned long long)r->total);
	callsheet__query_result__free_unpacked(r, NULL);
	for (size_t i = 0; i < nitems(depts); i++) {
		after = query(rep, "topic", depts[i], false);
		same &= after->total == before[i]->total &&
		        after->n_rows == before[i]->n_rows;
		for (size_t k = 0; k < after->n_rows && same; k++)
			same &= after->rows[k]->count ==
			                before[i]->rows[k]->count &&
			        strcmp(after->rows[k]->keys[0],
			               before[i]->rows[k]->keys[0]) == 0;
		callsheet__query_result__free_unpacked(after, NULL);
		callsheet__query_result__free_unpacked(before[i], NULL);
	}
	CHECK(same, "a reporter's March 2025: as published, unchanged");
	CHECK(query_in(rep, "2025-03-01", "2025-04-01", NULL, NULL, false, &r,
	               &err) == 0,
	      "%s", err.message);
	if (r != NULL)
		callsheet__query_result__free_unpacked(r, NULL);
}

int
main(void)
{
	conninfo = th_createdb("t_disclosure");
	struct cs_client *admin, *rep, *jurist;

	th_migrate(conninfo);
	th_create_user(conninfo, "admin", "admin", "secret");
	th_create_user(conninfo, "rep", "reporter", "secret");
	th_create_user(conninfo, "j1", "jurist", "secret");
	th_daemon_start(&d, conninfo, NULL);
	jurist = th_connect(&d, "j1", "secret");
	rep = reporter = th_connect(&d, "rep", "secret");
	admin = th_connect(&d, "admin", "secret");
	log_many(jurist, "75", 10, 300);
	log_many(jurist, "93", 2, 60);
	log_many(jurist, "94", 5, 600);
	{
		Callsheet__Sheet s;
		Callsheet__ClosePeriod cp = CALLSHEET__CLOSE_PERIOD__INIT;
		Callsheet__PeriodClosed *pc;
		struct cs_error err;
		bool dup;

		th_sheet_init(&s, september);
		s.call_start = MARCH_2025 + 184 * 86400; /* 2025-09-10 */
		s.department = "75";
		if (cs_log_sheet(jurist, &s, &dup, &err) != 0)
			th_die("log: %s", err.message);
		cp.from = "2025-01-01";
		cp.to = "2026-01-01";
		if (cs_close_period(admin, &cp, &pc, &err) != 0)
			th_die("close 2025: %s", err.message);
		protobuf_c_message_free_unpacked(&pc->base, NULL);
	}
	test_reporter(rep, jurist);
	test_min_cell(admin, rep, jurist);
	test_stored_sheet(jurist, admin);
	test_restatements(admin, rep);
	test_frozen(admin, rep);
	cs_close(jurist);
	cs_close(rep);
	cs_close(admin);
	CHECK(th_daemon_stop(&d) == 0, "the daemon exits 0");
	free(conninfo);
	return th_finish();
}
