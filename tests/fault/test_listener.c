/* test_listener.c: one connection of the daemon's pool LISTENs (a sheet's
 * NOTIFY reaches the daemon once, not once per pool connection); when that
 * connection is lost, another takes over and reloads what changed while
 * nobody listened (a taxonomy change made then is seen, not missed). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define ROUNDS 3 /* the pool's size: every connection is lost once */

static PGconn *admin;

static char *
sql_value(const char *sql)
{
	PGresult *res = PQexec(admin, sql);
	char *v;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		th_die("%s: %s", sql, PQresultErrorMessage(res));
	v = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

static int
occurrences(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* How many times the daemon has heard a NOTIFY on callsheet_sheets. */
static int
sheet_notifications(const struct th_daemon *d)
{
	char *log = th_daemon_log(d);
	int n = occurrences(log, "notification on callsheet_sheets");

	free(log);
	return n;
}

/* A sheet logged: its NOTIFY is heard once, by the listener alone (each
 * of the pool's 3 connections heard it when each listened). */
static void
test_heard_once(const struct th_daemon *d)
{
	struct cs_client *c = th_connect(d, "jur", "secret");
	int before = sheet_notifications(d), after;
	double deadline;

	CHECK(th_log_one(c), "a sheet is logged");
	cs_close(c);
	deadline = th_now() + 5;
	while ((after = sheet_notifications(d)) == before &&
	       th_now() < deadline)
		usleep(20000);
	usleep(500000); /* another connection's copy would be here by now */
	after = sheet_notifications(d);
	CHECK(after - before == 1,
	      "the daemon hears a sheet's NOTIFY once (%d times)",
	      after - before);
}

/* The version a client's hello announces, once it reaches `want`. */
static unsigned long long
version_seen(const struct th_daemon *d, unsigned long long want)
{
	double deadline = th_now() + 10;
	unsigned long long v;

	for (;;) {
		struct cs_client *c = th_connect(d, "jur", "secret");

		v = cs_taxonomy_version(c);
		cs_close(c);
		if (v >= want || th_now() > deadline)
			return v;
		usleep(50000);
	}
}

int
main(void)
{
	char *conninfo = th_createdb("t_listener");
	/* no fold: the sheets the test logs are the only writes, so the
	 * connection that inserts them is the listener */
	const char *const debug[] = {"--log-level", "debug",
	                             "--fold-interval-ms", "3600000", NULL};
	char *named = xasprintf("%s application_name=callsheetd", conninfo);
	struct th_daemon d;
	struct cs_client *c;

	th_migrate(conninfo);
	th_create_user(conninfo, "jur", "jurist", "secret");
	th_daemon_start_at(&d, named, 0, true, debug);
	admin = PQconnectdb(conninfo);
	if (PQstatus(admin) != CONNECTION_OK)
		th_die("connect: %s", PQerrorMessage(admin));
	th_wait_ready(&d, "jur", "secret");
	/* the pool set up whole: another connection may have listened
	 * until the first was ready */
	for (double t = th_now() + 10;; usleep(50000)) {
		char *log = th_daemon_log(&d);
		int n = occurrences(log, ": connected to");

		free(log);
		if (n >= 3 || th_now() > t)
			break;
	}
	usleep(300000);
	test_heard_once(&d);

	for (int round = 0; round < ROUNDS; round++) {
		char *pid, *version, *sql, *log;
		unsigned long long want, seen;
		struct cs_client *j = th_connect(&d, "jur", "secret");
		int takeovers, handbacks;
		PGresult *res;

		/* writes go to the listener: the last to insert a sheet */
		CHECK(th_log_one(j), "round %d: a sheet is logged", round + 1);
		cs_close(j);
		pid = sql_value("SELECT pid FROM pg_stat_activity"
		                " WHERE application_name = 'callsheetd'"
		                " AND datname = current_database()"
		                " AND query LIKE '%sheet_insert_batch%'"
		                " ORDER BY state_change DESC LIMIT 1");
		log = th_daemon_log(&d);
		takeovers = occurrences(log, "listening, catching up");
		handbacks = occurrences(log, "listens again");
		free(log);
		/* stopped, the daemon cannot notice the loss before the
		 * change: whoever listens then is the only one to hear it */
		kill(d.pid, SIGSTOP);
		sql = xasprintf("SELECT pg_terminate_backend(%s, 5000)", pid);
		free(sql_value(sql));
		free(sql);
		/* a statement on taxonomy bumps the version and notifies,
		 * even when it changes no row */
		res = PQexec(admin, "UPDATE taxonomy SET label_en = label_en"
		                    " WHERE false");
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			th_die("bump: %s", PQresultErrorMessage(res));
		PQclear(res);
		version = sql_value("SELECT version FROM taxonomy_version");
		want = strtoull(version, NULL, 10);
		kill(d.pid, SIGCONT);
		seen = version_seen(&d, want);
		CHECK(seen >= want,
		      "round %d: the listener (%s) lost, the taxonomy changed "
		      "meanwhile: the daemon announces version %llu (want "
		      "%llu)",
		      round + 1, pid, seen, want);
		free(version);
		free(pid);
		/* another connection took over at once; once the first is
		 * back, it listens again and the other stops */
		for (double t = th_now() + 10;; usleep(50000)) {
			log = th_daemon_log(&d);
			if (occurrences(log, "listens again") > handbacks ||
			    th_now() > t)
				break;
			free(log);
		}
		CHECK(occurrences(log, "listening, catching up") > takeovers,
		      "round %d: another connection took over", round + 1);
		CHECK(occurrences(log, "listens again") > handbacks,
		      "round %d: the first connection listens again",
		      round + 1);
		free(log);
	}
	test_heard_once(&d);
	c = th_connect(&d, "jur", "secret");
	CHECK(th_log_one(c), "a sheet is still logged after the losses");
	cs_close(c);

	PQfinish(admin);
	CHECK(th_daemon_stop(&d) == 0, "the daemon exits cleanly");
	free(named);
	free(conninfo);
	return th_finish();
}
