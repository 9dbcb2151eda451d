/* test_change.c: the pure parts of amend, void and closed periods: who may
 * change what, the amended sheet (clearing what stops applying), the
 * audited diff, inputs, period labels, and which reports the published
 * rollup can compare. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheetd.h"
#include "unit.h"

#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

#include "tax-sample.h"

#define TOPIC_ENTRY  (1 << 0)
#define TOPIC_PAPERS (1 << 5) /* retired */

/* A stored individual: 75, woman, africa, about entry. */
static struct sheet_row
stored(void)
{
	struct sheet_row r = {0};

	memset(r.id, 9, CS_UUID_LEN);
	r.call_start = NOW - 86400;
	r.duration_s = 300;
	r.jurist_id = 5;
	r.code[DIM_CALL_TYPE] = 1;
	r.code[DIM_DEPARTMENT] = 10;
	r.code[DIM_CALLER] = 20;
	r.code[DIM_HOUSEHOLD] = 50;
	r.code[DIM_ORIGIN] = 60;
	r.topics = TOPIC_ENTRY;
	return r;
}

/* ------------------------------------------------------- permissions */

static void
test_check(void)
{
	struct change_facts f = {.role = CALLSHEET__ROLE__JURIST,
	                         .actor_id = 5,
	                         .owner_id = 5,
	                         .in_window = true,
	                         .window_days = 7};
	struct field_error fe;

	CHECK(change_check(&f, &fe) == CALLSHEET__ERROR_CODE__ERROR_NONE,
	      "a jurist changes their own sheet in the window");
	f.owner_id = 6;
	CHECK(change_check(&f, &fe) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strstr(fe.message, "another jurist") != NULL &&
	              strcmp(fe.field, "id") == 0,
	      "not another jurist's: %s", fe.message);
	f.owner_id = 5;
	f.in_window = false;
	CHECK(change_check(&f, &fe) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strstr(fe.message, "more than 7 days ago") != NULL &&
	              strstr(fe.message, "amend_window_days") != NULL,
	      "not after the window: %s", fe.message);
	f.in_window = true;
	f.closed = "2020";
	f.has_reason = true;
	CHECK(change_check(&f, &fe) == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strstr(fe.message, "closed period 2020") != NULL,
	      "not in a closed period, even with a reason: %s", fe.message);

	f.role = CALLSHEET__ROLE__ADMIN;
	f.owner_id = 6;
	f.in_window = false;
	CHECK(change_check(&f, &fe) == CALLSHEET__ERROR_CODE__ERROR_NONE,
	      "an administrator changes any sheet, with a reason when closed");
	f.has_reason = false;
	CHECK(change_check(&f, &fe) == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(fe.field, "reason") == 0 &&
	              strstr(fe.message, "reason: required") == fe.message,
	      "an administrator needs a reason in a closed period: %s",
	      fe.message);
	f.closed = NULL;
	CHECK(change_check(&f, &fe) == CALLSHEET__ERROR_CODE__ERROR_NONE,
	      "and no reason elsewhere");
	f.role = CALLSHEET__ROLE__REPORTER;
	CHECK(change_check(&f, &fe) == CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "a reporter changes nothing");
}

/* ------------------------------------------------------------- amend */

static int
amend_row(struct sheet_row cur, const Callsheet__AmendSheet *a,
          struct sheet_row *out, struct field_error *fe)
{
	struct wire_sheet w;
	Callsheet__Sheet s;
	struct taxonomy kept;
	int rc;

	sheet_row_to_wire(&cur, &tax, &w);
	if (change_amend(&w.sheet, a, &s, fe) != 0)
		return -1;
	change_keep_codes(&tax, &cur, &kept);
	rc = validate_sheet(&s, &kept, NOW, out, fe);
	free(kept.entries);
	return rc;
}

static int
amend(const Callsheet__AmendSheet *a, struct sheet_row *out,
      struct field_error *fe)
{
	return amend_row(stored(), a, out, fe);
}

static void
test_amend(void)
{
	Callsheet__AmendSheet a = CALLSHEET__AMEND_SHEET__INIT;
	struct sheet_row row, cur = stored();
	struct field_error fe;
	char *clear[2], *topics[1] = {"residence"};

	a.department = "93";
	CHECK(amend(&a, &row, &fe) == 0, "a new département: %s", fe.message);
	CHECK(row.code[DIM_DEPARTMENT] == 11 && row.code[DIM_HOUSEHOLD] == 50 &&
	              row.topics == cur.topics &&
	              row.call_start == cur.call_start,
	      "only the département changes; the retired topic stays");

	a.department = NULL;
	a.caller = "professional";
	a.pro_kind = "association";
	CHECK(amend(&a, &row, &fe) == 0, "to a professional: %s", fe.message);
	CHECK(row.code[DIM_CALLER] == 21 && row.code[DIM_PRO_KIND] == 31 &&
	              row.code[DIM_HOUSEHOLD] == 0 && row.code[DIM_ORIGIN] == 0,
	      "household and origin go with the individual");

	a.household = "woman";
	CHECK(amend(&a, &row, &fe) != 0 && strcmp(fe.field, "household") == 0,
	      "a household given for a professional is refused: %s",
	      fe.message);
	a.household = NULL;

	a.caller = NULL;
	a.pro_kind = "public_body";
	CHECK(amend(&a, &row, &fe) != 0 && strcmp(fe.field, "pro_kind") == 0,
	      "a pro_kind for an individual is refused: %s", fe.message);

	a.pro_kind = NULL;
	clear[0] = "origin";
	a.clear = clear;
	a.n_clear = 1;
	CHECK(amend(&a, &row, &fe) == 0 && row.code[DIM_ORIGIN] == 0 &&
	              row.code[DIM_HOUSEHOLD] == 50,
	      "clear removes one field: %s", fe.message);
	clear[1] = "topics";
	a.n_clear = 2;
	CHECK(amend(&a, &row, &fe) != 0 && strcmp(fe.field, "topics") == 0,
	      "a consultation without topics is refused: %s", fe.message);
	a.topics = topics;
	a.n_topics = 1;
	CHECK(amend(&a, &row, &fe) != 0 && strcmp(fe.field, "clear") == 0 &&
	              strstr(fe.message, "both given and cleared") != NULL,
	      "given and cleared: %s", fe.message);
	a.n_clear = 0;
	CHECK(amend(&a, &row, &fe) == 0 && row.topics == 2,
	      "topics given replace them all: %s", fe.message);
	a.n_topics = 0;

	clear[0] = "call_type";
	a.n_clear = 1;
	CHECK(amend(&a, &row, &fe) != 0 && strcmp(fe.field, "clear") == 0 &&
	              strstr(fe.message, "'call_type' cannot be cleared") !=
	                      NULL,
	      "call_type cannot be cleared: %s", fe.message);
	clear[0] = "nonsense";
	CHECK(amend(&a, &row, &fe) != 0 &&
	              strstr(fe.message, "allowed: department") != NULL,
	      "unknown field to clear: %s", fe.message);
	a.n_clear = 0;

	topics[0] = "papers";
	a.topics = topics;
	a.n_topics = 1;
	CHECK(amend(&a, &row, &fe) != 0 && strcmp(fe.field, "topics") == 0 &&
	              strstr(fe.message, "retired") != NULL,
	      "a retired code is refused as a new value: %s", fe.message);
	a.n_topics = 0;
	a.household = "";
	CHECK(amend(&a, &row, &fe) != 0 && strstr(fe.message, "in clear"),
	      "an empty value is refused: %s", fe.message);
	a.household = NULL;

	a.has_duration_s = true;
	a.duration_s = 90000;
	CHECK(amend(&a, &row, &fe) != 0 && strcmp(fe.field, "duration_s") == 0,
	      "validated like a new sheet: %s", fe.message);
	a.duration_s = 60;
	a.call_type = "silent";
	a.caller = NULL;
	/* stored to the nearest 5 minutes, at least 5 (anonymize.c) */
	CHECK(amend(&a, &row, &fe) == 0 && row.code[DIM_CALL_TYPE] == 2 &&
	              row.duration_s == 300 && row.code[DIM_CALLER] == 20,
	      "call type and duration: %s", fe.message);
}

/* -------------------------------------------------------------- diff */

static void
test_diff(void)
{
	struct sheet_row a = stored(), b = stored();
	struct change_diff d;

	a.topics |= TOPIC_PAPERS;
	b.topics = a.topics;
	change_diff(&a, &b, &tax, &d);
	CHECK(d.n == 0, "same rows: no change");
	change_diff_free(&d);

	b.code[DIM_DEPARTMENT] = 11;
	b.code[DIM_HOUSEHOLD] = 0;
	b.topics = 2;
	b.call_start = 1583312400; /* 2020-03-04T09:00:00Z */
	change_diff(&a, &b, &tax, &d);
	CHECK(d.n == 4, "four fields changed (got %zu)", d.n);
	CHECK(d.n == 4 && strcmp(d.field[0], "call_start") == 0 &&
	              strcmp(d.old[0], "2025-12-31T00:00:00Z") == 0 &&
	              strcmp(d.new[0], "2020-03-04T09:00:00Z") == 0,
	      "call_start in ISO 8601, UTC");
	CHECK(d.n == 4 && strcmp(d.field[1], "department") == 0 &&
	              strcmp(d.old[1], "75") == 0 &&
	              strcmp(d.new[1], "93") == 0,
	      "codes, not ids");
	CHECK(d.n == 4 && strcmp(d.field[2], "household") == 0 &&
	              strcmp(d.old[2], "woman") == 0 && d.new[2] == NULL,
	      "NULL for a field that stops applying");
	CHECK(d.n == 4 && strcmp(d.field[3], "topics") == 0 &&
	              strcmp(d.old[3], "entry,papers") == 0 &&
	              strcmp(d.new[3], "residence") == 0,
	      "topics as codes separated by commas (got %s -> %s)",
	      d.n == 4 ? d.old[3] : "?", d.n == 4 ? d.new[3] : "?");
	change_diff_free(&d);
}

/* ------------------------------------------------------------ inputs */

static void
test_inputs(void)
{
	struct field_error fe;
	struct strbuf sb = {0};
	char *vals[] = {"a\"b", NULL, "x,y", "c\\d"};
	char label[48];
	int y, m, d;

	CHECK(reason_check(NULL, false, &fe) == 0, "no reason is fine");
	CHECK(reason_check("", true, &fe) != 0 &&
	              strcmp(fe.field, "reason") == 0,
	      "a void needs a reason");
	CHECK(reason_check("département erroné", true, &fe) == 0,
	      "UTF-8 text: %s", fe.message);
	CHECK(reason_check("two\nlines", true, &fe) != 0,
	      "a control character is refused");
	CHECK(reason_check("bad \xff byte", true, &fe) != 0 &&
	              strstr(fe.message, "UTF-8") != NULL,
	      "invalid UTF-8 is refused");

	sql_text_array(&sb, vals, nitems(vals));
	CHECK(strcmp(sb.buf, "{\"a\\\"b\",NULL,\"x,y\",\"c\\\\d\"}") == 0,
	      "text[] literal: %s", sb.buf);
	sb_free(&sb);

	CHECK(date_parse_ymd("2020-02-29", &y, &m, &d) == 0 && y == 2020 &&
	              m == 2 && d == 29,
	      "a leap day");
	CHECK(date_parse_ymd("2021-02-29", &y, &m, &d) != 0, "not a leap year");
	CHECK(date_parse_ymd("2020-04-31", &y, &m, &d) != 0, "no 31 April");
	CHECK(date_parse_ymd("2020-1-01", &y, &m, &d) != 0, "two digits");
	CHECK(date_parse_ymd("2020-01-01x", &y, &m, &d) != 0, "nothing after");

	closed_period_label("2020-01-01", "2021-01-01", label, sizeof label);
	CHECK(strcmp(label, "2020") == 0, "a year: %s", label);
	closed_period_label("2020-12-01", "2021-01-01", label, sizeof label);
	CHECK(strcmp(label, "2020-12") == 0, "a month: %s", label);
	closed_period_label("2020-01-01", "2020-07-01", label, sizeof label);
	CHECK(strcmp(label, "2020-01-01..2020-06-30") == 0, "months: %s",
	      label);
}

/* ---------------------------------------------------- comparability */

/* restate_sql() for a query of 2020 with filters (dimension, value
 * pairs) and a breakdown, over 2020-01 to 2020-06. */
static bool
restate(const char *const *filters, const char *const *by,
        struct query_sql sql[2])
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f[4], *fp[4];
	struct field_error fe;
	struct qplan plan;
	size_t n = 0;
	bool ok;

	q.from = "2020-01-01";
	q.to = "2021-01-01";
	for (; filters != NULL && filters[2 * n] != NULL; n++) {
		callsheet__filter__init(&f[n]);
		f[n].dimension = (char *)filters[2 * n];
		f[n].value = (char *)filters[2 * n + 1];
		fp[n] = &f[n];
	}
	q.filters = fp;
	q.n_filters = n;
	for (n = 0; by != NULL && by[n] != NULL; n++)
		;
	q.group_by = (char **)by;
	q.n_group_by = n;
	if (qplan_build(&q, &tax, &plan, &fe) != 0)
		return false;
	ok = restate_sql(&plan, "2020-01-01", "2020-07-01", &sql[0], &sql[1]);
	CHECK(strcmp(plan.from, "2020-01-01") == 0 && plan.rollup == NULL,
	      "the plan is left as it was");
	qplan_free(&plan);
	return ok;
}

static void
test_restate_sql(void)
{
	static const char *const dept75[] = {"department", "75", NULL};
	static const char *const two_dims[] = {"caller", "individual",
	                                       "household", "woman", NULL};
	static const char *const two_topics[] = {"topic", "entry", "topic",
	                                         "residence", NULL};
	static const char *const by_caller[] = {"caller", NULL};
	struct query_sql sql[2];

	CHECK(restate(dept75, by_caller, sql), "one dimension: comparable");
	CHECK(strstr(sql[0].total_sql, " FROM rollup_live r") != NULL &&
	              strstr(sql[1].total_sql, " FROM published_rollup r") !=
	                      NULL &&
	              strstr(sql[1].rows_sql, " FROM published_rollup r") !=
	                      NULL,
	      "now from the rollup, as published from its copy: %s",
	      sql[1].rows_sql);
	CHECK(strcmp(sql[0].params[0], "2020-01-01") == 0 &&
	              strcmp(sql[0].params[1], "2020-07-01") == 0 &&
	              sql[0].nparams == sql[1].nparams,
	      "over the closed months, with the same parameters");
	query_sql_free(&sql[0]);
	query_sql_free(&sql[1]);
	CHECK(!restate(two_dims, NULL, sql),
	      "two dimensions at once: the rollup cannot compare them");
	CHECK(!restate(two_topics, NULL, sql),
	      "two topics at once would count a sheet twice");
}

static void
test_restate_diff(void)
{
	struct restate_count published[] = {{{"75", ""}, 2, false},
	                                    {{"92", ""}, 1, false},
	                                    {{"93", ""}, 8, false}};
	struct restate_count now[] = {{{"93", ""}, 8, false},
	                              {{"75", ""}, 1, false},
	                              {{"94", ""}, 1, false}};
	Callsheet__RestatedRow **rows;
	bool withheld = false;
	size_t n = restate_diff(published, 3, now, 3, 1, &rows, &withheld);

	CHECK(n == 3 && !withheld, "three rows changed (got %zu)", n);
	CHECK(n == 3 && strcmp(rows[0]->keys[0], "75") == 0 &&
	              rows[0]->published == 2 && rows[0]->restated == 1,
	      "75: 2 -> 1");
	CHECK(n == 3 && strcmp(rows[1]->keys[0], "94") == 0 &&
	              rows[1]->published == 0 && rows[1]->restated == 1,
	      "94: new");
	CHECK(n == 3 && strcmp(rows[2]->keys[0], "92") == 0 &&
	              rows[2]->published == 1 && rows[2]->restated == 0,
	      "92: gone");
	for (size_t i = 0; i < n; i++) {
		free(rows[i]->keys[0]);
		free(rows[i]->keys);
		free(rows[i]);
	}
	free(rows);

	/* a minimum cell size of 3: the ones and twos may not show */
	CHECK(!restate_suppress(published, 3, 11, 1, 3) &&
	              published[0].hidden && published[1].hidden &&
	              !published[2].hidden,
	      "published 75 (2) and 92 (1) hidden, the total shown");
	CHECK(!restate_suppress(now, 3, 10, 1, 3) && now[1].hidden &&
	              now[2].hidden && !now[0].hidden,
	      "now 75 (1) and 94 (1) hidden");
	n = restate_diff(published, 3, now, 3, 1, &rows, &withheld);
	CHECK(n == 0 && withheld && rows == NULL,
	      "no row may show, and the answer says some were withheld");
	CHECK(restate_suppress(now, 0, 2, 0, 3), "a total of 2 is hidden");
}

int
main(void)
{
	test_check();
	test_amend();
	test_diff();
	test_inputs();
	test_restate_sql();
	test_restate_diff();
	return unit_finish();
}
