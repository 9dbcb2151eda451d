/* test_pg_restart.c: PostgreSQL stopped (pg_ctl stop -m immediate) under
 * a steady load for a few seconds, then started again: the daemon stays
 * up, answers "unavailable" meanwhile, and recovers by itself; every
 * acknowledged sheet is stored exactly once, and once the clients' spools
 * are drained every sheet sent is. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"

#define CLIENTS 6
#define OUTAGE  3.0 /* seconds PostgreSQL stays down */

int
main(void)
{
	char dir[] = "/tmp/callsheet-fault.XXXXXX";
	struct th_daemon d;
	struct load *load;
	struct load_stats before, during;
	char *conninfo;
	double down, recovered;

	if (mkdtemp(dir) == NULL)
		th_die("mkdtemp");
	conninfo = th_cluster_start(dir);
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_daemon_start(&d, conninfo, NULL);

	load = load_start(d.server, "jurist1", "pass", CLIENTS);
	load_wait(load, LOAD_ACKED, 300, 30);

	load_stats(load, &before);
	th_cluster_halt(dir, true);
	down = th_now();
	load_wait(load, LOAD_UNAVAILABLE, 10, 20);
	/* the outage lasts: the daemon must stay up all along */
	while (th_now() - down < OUTAGE && th_daemon_alive(&d))
		usleep(50000);
	CHECK(th_daemon_alive(&d),
	      "the daemon stays up while PostgreSQL is down");
	load_stats(load, &during);
	CHECK(during.unavailable > before.unavailable,
	      "clients were told 'unavailable' during the outage");
	th_cluster_resume(dir);
	recovered = load_wait(load, LOAD_ACKED, 300, 30);
	printf("PostgreSQL down %.1f s; 300 acknowledgements %.1f s after "
	       "it came back\n",
	       OUTAGE, recovered);
	CHECK(th_daemon_alive(&d), "the same daemon serves after the outage");

	load_finish(load, conninfo, 0);

	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	th_cluster_stop(dir);
	rmdir(dir);
	free(conninfo);
	return th_finish();
}
