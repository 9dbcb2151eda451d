/* test_pg_restart.c: PostgreSQL stopped (pg_ctl stop -m immediate) under
 * a steady load for a few seconds, then started again: the daemon stays
 * up, answers "unavailable" meanwhile, and recovers by itself; every
 * acknowledged sheet is stored exactly once, and once the clients' spools
 * are drained every sheet sent is. Several sheets in one request (as an
 * import sends them) are each refused "unavailable" during the outage,
 * and stored when sent again after it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"

#define CLIENTS 6
#define OUTAGE  3.0 /* seconds PostgreSQL stays down */
#define SHEETS  3   /* in the LogSheets request */

/* LogSheets of s: how many sheets were refused, and how many of them
 * "unavailable"; -1 if the request itself got no SheetsLogged. */
static int
log_sheets(struct cs_client *c, Callsheet__Sheet **s, int *unavailable)
{
	Callsheet__SheetsLogged *sl;
	struct cs_error err;
	int refused;

	if (cs_log_sheets(c, s, SHEETS, &sl, &err) != 0) {
		fprintf(stderr, "log sheets: %s\n", err.message);
		return -1;
	}
	refused = (int)sl->n_refused;
	*unavailable = 0;
	for (size_t i = 0; i < sl->n_refused; i++)
		*unavailable += sl->refused[i]->error->code ==
		                CALLSHEET__ERROR_CODE__UNAVAILABLE;
	callsheet__sheets_logged__free_unpacked(sl, NULL);
	return refused;
}

static int
stored(const char *conninfo, const uint8_t id[CS_UUID_LEN])
{
	char text[CS_UUID_STRLEN];

	uuid_format(id, text);
	return (int)th_sql_count_at(
	        conninfo, "SELECT count(*) FROM sheet WHERE id = $1::uuid",
	        text);
}

int
main(void)
{
	char dir[] = "/tmp/callsheet-fault.XXXXXX";
	struct th_daemon d;
	struct load *load;
	struct load_stats before, during;
	char *conninfo;
	double down, recovered;
	struct cs_client *importer;
	Callsheet__Sheet s[SHEETS], *sp[SHEETS];
	uint8_t ids[SHEETS][CS_UUID_LEN];
	int unavailable;

	if (mkdtemp(dir) == NULL)
		th_die("mkdtemp");
	conninfo = th_cluster_start(dir);
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_daemon_start(&d, conninfo, NULL);

	importer = th_connect(&d, "jurist1", "pass");
	for (int i = 0; i < SHEETS; i++) {
		th_sheet_init(&s[i], ids[i]);
		sp[i] = &s[i];
	}
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
	CHECK(log_sheets(importer, sp, &unavailable) == SHEETS &&
	              unavailable == SHEETS,
	      "several sheets in one request: each refused 'unavailable'");
	th_cluster_resume(dir);
	recovered = load_wait(load, LOAD_ACKED, 300, 30);
	printf("PostgreSQL down %.1f s; 300 acknowledgements %.1f s after "
	       "it came back\n",
	       OUTAGE, recovered);
	CHECK(log_sheets(importer, sp, &unavailable) == 0,
	      "sent again after the outage, none is refused");
	for (int i = 0; i < SHEETS; i++)
		CHECK(stored(conninfo, ids[i]) == 1, "sheet %d stored once", i);
	CHECK(th_daemon_alive(&d), "the same daemon serves after the outage");

	/* the table holds the load's sheets and the request's, nothing else */
	load_finish(load, conninfo, SHEETS);
	cs_close(importer);

	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	th_cluster_stop(dir);
	rmdir(dir);
	free(conninfo);
	return th_finish();
}
