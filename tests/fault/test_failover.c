/* test_failover.c: a primary and a synchronous streaming standby
 * (tests/lib/pgpair); callsheetd has both in a multi-host connection
 * string with target_session_attrs=read-write. Under a steady load the
 * primary is killed and the standby promoted: the daemon finds the new
 * primary by itself; every acknowledged sheet is on it exactly once, and
 * once the spools are drained every sheet sent is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"

#define CLIENTS    6
#define NO_PRIMARY 1.5 /* seconds between the kill and the promotion */

static char dir[] = "/tmp/callsheet-pair.XXXXXX";

static void
pgpair(const char *cmd)
{
	const char *lib = getenv("CALLSHEET_TEST_LIB");

	th_sh("bash '%s/pgpair' %s '%s'", lib ? lib : "tests/lib", cmd, dir);
}

static void
pgpair_stop(void)
{
	pgpair("stop");
}

static char *
read_line(const char *name)
{
	char path[300];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return th_read_line(path);
}

/* Sheets the reporting daemon (on the standby) counts. */
static long long
standby_total(const struct th_daemon *rep)
{
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__QueryResult *r;
	struct cs_client *c = th_connect(rep, "reader1", "pass");
	struct cs_error err;
	long long n = -1;

	q.from = "2000-01-01";
	q.to = "2100-01-01";
	if (cs_query(c, &q, &r, &err) == 0) {
		n = (long long)r->total;
		callsheet__query_result__free_unpacked(r, NULL);
	} else
		fprintf(stderr, "query on the standby: %s\n", err.message);
	cs_close(c);
	return n;
}

int
main(void)
{
	struct th_daemon d, rep;
	long long total;
	struct load *load;
	char *both, *standby;
	double killed, t;

	if (mkdtemp(dir) == NULL)
		th_die("mkdtemp");
	th_on_die(pgpair_stop);
	pgpair("start");
	both = read_line("conninfo");
	standby = read_line("standby-conninfo");
	th_migrate(both);
	th_create_user(both, "jurist1", "jurist", "pass");
	/* exact counts (a reporter's are perturbed, without this month) */
	th_create_user(both, "reader1", "admin", "pass");
	th_daemon_start(&d, both, NULL);

	load = load_start(d.server, "jurist1", "pass", CLIENTS);
	load_wait(load, LOAD_ACKED, 300, 30);

	/* reporting from the standby: a daemon of its own there */
	th_daemon_start(&rep, standby, NULL);
	total = standby_total(&rep);
	CHECK(total >= 300,
	      "a daemon on the standby answers queries (%lld "
	      "sheets there)",
	      total);

	pgpair("kill-primary");
	killed = th_now();
	/* no primary at all: the standby refuses writes, libpq refuses it */
	load_wait(load, LOAD_UNAVAILABLE, 10, 20);
	while (th_now() - killed < NO_PRIMARY && th_daemon_alive(&d))
		usleep(50000);
	CHECK(th_daemon_alive(&d), "the daemon stays up without a primary");
	pgpair("promote");
	t = load_wait(load, LOAD_ACKED, 300, 30);
	printf("primary killed; promoted after %.1f s; 300 acknowledgements "
	       "%.1f s after the promotion\n",
	       th_now() - t - killed, t);
	CHECK(th_daemon_alive(&d), "the same daemon serves the new primary");
	CHECK(standby_total(&rep) >= 600,
	      "the reporting daemon goes on once its server is promoted");
	CHECK(th_daemon_stop(&rep) == 0, "the reporting daemon exits 0");

	load_finish(load, standby, 0);

	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	th_on_die(NULL);
	pgpair_stop();
	rmdir(dir);
	free(both);
	free(standby);
	return th_finish();
}
