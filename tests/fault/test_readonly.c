/* test_readonly.c: the database turns read-only under the daemon (as a
 * primary demoted to a standby does): writes fail with SQLSTATE 25006.
 * The daemon must answer "unavailable", drop the connections that ended
 * up on a read-only server (not keep failing on them), and, with
 * target_session_attrs=read-write, come back by itself once a writable
 * server is there again; acknowledged => stored exactly once. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"

#define CLIENTS 4

static void
exec_ok(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		th_die("%s: %s", sql, PQresultErrorMessage(res));
	PQclear(res);
}

/* The daemon's sessions, as "{pid,pid,...}". */
static char *
daemon_backends(PGconn *pg)
{
	PGresult *res = PQexec(pg, "SELECT '{' || string_agg(pid::text, ',')"
	                           " || '}' FROM pg_stat_activity"
	                           " WHERE application_name = 'callsheetd'");
	char *pids;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 ||
	    PQgetisnull(res, 0, 0))
		th_die("no callsheetd session: %s", PQresultErrorMessage(res));
	pids = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return pids;
}

int
main(void)
{
	char dir[] = "/tmp/callsheet-fault.XXXXXX";
	struct th_daemon d;
	struct load *load;
	char *conninfo, *daemon_conninfo, *before;
	PGconn *admin;
	double t0;
	long long left;

	if (mkdtemp(dir) == NULL)
		th_die("mkdtemp");
	conninfo = th_cluster_start(dir);
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	daemon_conninfo = xasprintf("%s target_session_attrs=read-write "
	                            "application_name=callsheetd",
	                            conninfo);
	th_daemon_start(&d, daemon_conninfo, NULL);
	admin = th_pg(conninfo);

	load = load_start(d.server, "jurist1", "pass", CLIENTS);
	load_wait(load, LOAD_ACKED, 200, 30);
	before = daemon_backends(admin);

	exec_ok(admin, "ALTER SYSTEM SET default_transaction_read_only = on");
	exec_ok(admin, "SELECT pg_reload_conf()");
	load_wait(load, LOAD_UNAVAILABLE, 20, 20);
	/* every session the daemon had is gone: it left them itself */
	t0 = th_now();
	while ((left = th_sql_count(admin,
	                            "SELECT count(*) FROM pg_stat_activity"
	                            " WHERE pid = ANY($1::int[])",
	                            before)) > 0 &&
	       th_now() - t0 < 20)
		usleep(50000);
	CHECK(left == 0,
	      "the daemon dropped its connections to the read-only server "
	      "(%lld left)",
	      left);
	CHECK(th_daemon_alive(&d), "the daemon stays up");

	exec_ok(admin, "ALTER SYSTEM RESET default_transaction_read_only");
	exec_ok(admin, "SELECT pg_reload_conf()");
	t0 = load_wait(load, LOAD_ACKED, 200, 30);
	printf("writable again: 200 acknowledgements %.1f s later\n", t0);

	load_finish(load, conninfo, 0);

	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	PQfinish(admin);
	th_cluster_stop(dir);
	rmdir(dir);
	free(before);
	free(daemon_conninfo);
	free(conninfo);
	return th_finish();
}
