/* test_daemon_kill.c: callsheetd killed with SIGKILL in the middle of a
 * steady load, then started again on the same port: the clients reconnect
 * and resend what they hold; every acknowledged sheet is stored exactly
 * once, and once the spools are drained every sheet sent is. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "load.h"

#define CLIENTS 6

int
main(void)
{
	char *conninfo = th_createdb("t_fault_daemon_kill");
	struct th_daemon d, again;
	struct load *load;
	double t;

	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_daemon_start(&d, conninfo, NULL);

	load = load_start(d.server, "jurist1", "pass", CLIENTS);
	for (int round = 0; round < 2; round++) {
		load_wait(load, LOAD_ACKED, 300, 30);
		th_daemon_kill(&d);
		load_wait(load, LOAD_LOST, CLIENTS, 20);
		th_daemon_start_at(&again, conninfo, d.port, false, NULL);
		t = load_wait(load, LOAD_ACKED, 300, 30);
		printf("round %d: killed and restarted; 300 acknowledgements "
		       "%.1f s later\n",
		       round + 1, t);
		d = again;
	}
	load_finish(load, conninfo, 0);

	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	free(conninfo);
	return th_finish();
}
