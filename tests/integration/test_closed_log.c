/* test_closed_log.c: a jurist cannot back-date a new sheet into a closed
 * period (issue 15): LogSheet and LogSheets refuse it (BAD_REQUEST, field
 * call_start, reason closed_period, the value and what is allowed), a
 * resend of a sheet stored before the close is still acknowledged, a late
 * sheet within amend_window_days is taken and an administrator's sheet
 * too, both then restatements; nothing refused is stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static char *conninfo;
static struct th_daemon a, b; /* b: amend_window_days 40 */

/* 2025-06-DD at 10:00 UTC: in the closed year */
static int64_t
june_2025(int day)
{
	struct tm t = {
	        .tm_year = 125, .tm_mon = 5, .tm_mday = day, .tm_hour = 10};

	return (int64_t)timegm(&t);
}

static int
log_at(struct cs_client *c, Callsheet__Sheet *s, uint8_t id[CS_UUID_LEN],
       int64_t call_start, bool *duplicate, struct cs_error *err)
{
	th_sheet_init(s, id);
	s->call_start = call_start;
	memset(err, 0, sizeof *err);
	return cs_log_sheet(c, s, duplicate, err);
}

static long long
stored(const uint8_t id[CS_UUID_LEN])
{
	char text[CS_UUID_STRLEN];

	uuid_format(id, text);
	return th_sql_count_at(conninfo,
	                       "SELECT count(*) FROM sheet WHERE id = $1::uuid",
	                       text);
}

int
main(void)
{
	const char *const quiet[] = {"--log-level", "warn", NULL};
	const char *const wide[] = {"--log-level", "warn",
	                            "--amend-window-days", "40", NULL};
	struct cs_client *j, *jb, *boss;
	Callsheet__Sheet s0, s1, s2, s3, late, by_admin;
	uint8_t id0[CS_UUID_LEN], id1[CS_UUID_LEN], id2[CS_UUID_LEN],
	        id3[CS_UUID_LEN], idl[CS_UUID_LEN], ida[CS_UUID_LEN];
	Callsheet__Sheet *many[2] = {&s2, &s3};
	Callsheet__SheetsLogged *logged = NULL;
	struct cs_error err;
	bool dup = false;
	char want[32];
	long long noon;

	conninfo = th_createdb("t_test_closed_log");
	th_migrate(conninfo);
	th_create_user(conninfo, "jur", "jurist", "secret");
	th_create_user(conninfo, "boss", "admin", "secret2");
	th_daemon_start(&a, conninfo, quiet);
	th_daemon_start(&b, conninfo, wide);
	j = th_connect(&a, "jur", "secret");
	jb = th_connect(&b, "jur", "secret");
	boss = th_connect(&a, "boss", "secret2");

	/* before the close: taken */
	CHECK(log_at(j, &s0, id0, june_2025(10), NULL, &err) == 0,
	      "before the close: %s", err.message);

	/* 2025 up to the month in progress closed, as an admin would */
	CHECK(th_sql_count_at(
	              conninfo,
	              "SELECT count(*) FROM close_period('2025-01-01',"
	              " date_trunc('month', now() AT TIME ZONE"
	              " service_timezone())::date, (SELECT id FROM account"
	              " WHERE name = $1)) WHERE status = 'closed'",
	              "boss") == 1,
	      "the period is closed");

	/* a resend of what was acknowledged before: still acknowledged */
	CHECK(cs_log_sheet(j, &s0, &dup, &err) == 0 && dup,
	      "a resend of a sheet stored before the close is a duplicate: "
	      "%s",
	      err.message);

	/* back-dated by a jurist: refused, said precisely, not stored */
	CHECK(log_at(j, &s1, id1, june_2025(11), NULL, &err) != 0,
	      "a jurist's sheet in a closed period is refused");
	snprintf(want, sizeof want, "%lld", (long long)june_2025(11));
	CHECK(err.code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "call_start") == 0 &&
	              strcmp(err.reason, "closed_period") == 0 &&
	              strcmp(err.value, want) == 0,
	      "BAD_REQUEST, call_start, closed_period, the value: %d %s %s "
	      "%s",
	      err.code, err.field, err.reason, err.value);
	CHECK(strstr(err.allowed, "Z, ") != NULL,
	      "allowed: from the late window's start to the latest call "
	      "time (%s)",
	      err.allowed);
	CHECK(strstr(err.message, "closed period 2025-01-01..") != NULL &&
	              strstr(err.message, "administrator") != NULL,
	      "the message names the period and the way: %s", err.message);
	CHECK(stored(id1) == 0, "the refused sheet is not stored");

	/* LogSheets (import): the back-dated one refused, the other taken */
	th_sheet_init(&s2, id2);
	s2.call_start = june_2025(12);
	th_sheet_init(&s3, id3);
	CHECK(cs_log_sheets(j, many, 2, &logged, &err) == 0, "log_sheets: %s",
	      err.message);
	CHECK(logged != NULL && logged->n_refused == 1 &&
	              logged->refused[0]->index == 0 &&
	              strcmp(logged->refused[0]->error->reason,
	                     "closed_period") == 0 &&
	              strcmp(logged->refused[0]->error->field, "call_start") ==
	                      0,
	      "LogSheets refuses the back-dated sheet alone");
	if (logged != NULL)
		callsheet__sheets_logged__free_unpacked(logged, NULL);
	CHECK(stored(id2) == 0 && stored(id3) == 1,
	      "only the current sheet is stored");

	/* a late sheet: its call within amend_window_days (40 on b), on
	 * the last day of the closed months, at noon */
	noon = th_sql_count_at(
	        conninfo,
	        "SELECT extract(epoch FROM (date_trunc('month', now() AT TIME"
	        " ZONE service_timezone()) - interval '12 hours') AT TIME"
	        " ZONE service_timezone())::bigint",
	        NULL);
	CHECK(log_at(jb, &late, idl, noon, NULL, &err) == 0,
	      "a late sheet within the window is taken: %s", err.message);
	CHECK(cs_log_sheet(j, &late, &dup, &err) == 0 && dup,
	      "and resent, acknowledged: %s", err.message);

	/* an administrator may still add a call to the closed year */
	CHECK(log_at(boss, &by_admin, ida, june_2025(13), NULL, &err) == 0,
	      "an administrator's back-dated sheet is taken: %s", err.message);

	/* both are restatements once folded (the daemons fold every
	 * second) */
	{
		double deadline = th_now() + 20;
		long long n = 0;

		while (th_now() < deadline &&
		       (n = th_sql_count_at(
		                conninfo,
		                "SELECT count(*) FROM audit a JOIN restatement"
		                " r ON r.audit_id = a.id WHERE a.action ="
		                " 'late_log'",
		                NULL)) < 2)
			th_sql_count_at(conninfo, "SELECT rollup_fold()", NULL);
		CHECK(n == 2,
		      "the late and the admin's sheets are "
		      "restatements (%lld)",
		      n);
	}

	cs_close(j);
	cs_close(jb);
	cs_close(boss);
	CHECK(th_daemon_stop(&a) == 0, "daemon a exits cleanly");
	CHECK(th_daemon_stop(&b) == 0, "daemon b exits cleanly");
	free(conninfo);
	return th_finish();
}
