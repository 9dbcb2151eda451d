/* test_lanes.c: a jurist's sheet is stored ahead of an import's: with
 * thousands of an import's sheets waiting for their commits, a LogSheet
 * goes into the next batch, and the import still completes, whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define REQUESTS    40
#define PER_REQUEST 250 /* 10,000 sheets: 500 commits of batch_max 20 */

static struct th_daemon d;

/* One LogSheets request of PER_REQUEST new sheets, sent, not awaited. */
static void
send_import_request(struct cs_client *c)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__LogSheets ls = CALLSHEET__LOG_SHEETS__INIT;
	Callsheet__Sheet s[PER_REQUEST], *sp[PER_REQUEST];
	uint8_t ids[PER_REQUEST][CS_UUID_LEN];
	struct cs_error err;

	for (int i = 0; i < PER_REQUEST; i++) {
		th_sheet_init(&s[i], ids[i]);
		sp[i] = &s[i];
	}
	ls.sheets = sp;
	ls.n_sheets = PER_REQUEST;
	req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEETS;
	req.log_sheets = &ls;
	if (cs_send(c, &req, &err) != 0)
		th_die("sending an import request: %s", err.message);
}

/* Reads n answers of the import; returns how many were not stored whole. */
static unsigned
read_answers(struct cs_client *c, unsigned n)
{
	unsigned not_whole = 0;

	for (unsigned i = 0; i < n; i++) {
		Callsheet__Response *resp;
		struct cs_error err;

		if (cs_recv(c, &resp, -1, &err) != 0)
			th_die("import: %s", err.message);
		not_whole += resp->body_case !=
		                     CALLSHEET__RESPONSE__BODY_SHEETS_LOGGED ||
		             resp->sheets_logged->n_refused > 0;
		callsheet__response__free_unpacked(resp, NULL);
	}
	return not_whole;
}

int
main(void)
{
	char *conninfo = th_createdb("t_lanes");
	const char *const extra[] = {"--batch-max", "20", "--pg-pool", "1",
	                             NULL};
	struct cs_client *importer, *jurist;
	long long imported;
	unsigned refused;
	PGconn *pg;

	th_migrate(conninfo);
	th_create_user(conninfo, "importer", "jurist", "pass");
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_daemon_start(&d, conninfo, extra);
	importer = th_connect(&d, "importer", "pass");
	jurist = th_connect(&d, "jurist1", "pass");
	pg = th_pg(conninfo);

	for (int i = 0; i < REQUESTS; i++)
		send_import_request(importer);
	/* the import is under way once its first answer is back */
	refused = read_answers(importer, 1);
	CHECK(th_log_one(jurist), "the jurist's sheet is stored");
	imported = th_sql_count(pg,
	                        "SELECT count(*) FROM sheet s JOIN account a"
	                        " ON a.id = s.jurist_id WHERE a.name = $1",
	                        "importer");
	/* a quarter: many batches more than the next one, and fewer than
	 * were queued ahead of it (the first answer is 250) */
	CHECK(imported < REQUESTS * PER_REQUEST / 4,
	      "it did not wait for the import's queue (%lld of %d imported "
	      "when it was acknowledged)",
	      imported, REQUESTS * PER_REQUEST);
	printf("the jurist's sheet was acknowledged with %lld of %d imported\n",
	       imported, REQUESTS * PER_REQUEST);

	refused += read_answers(importer, REQUESTS - 1);
	CHECK(refused == 0, "every import request stored whole (%u not)",
	      refused);
	CHECK(th_sql_count_at(conninfo, "SELECT count(*) FROM sheet", NULL) ==
	              REQUESTS * PER_REQUEST + 1,
	      "the import and the jurist's sheet, each sheet once");

	PQfinish(pg);
	cs_close(jurist);
	cs_close(importer);
	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	free(conninfo);
	return th_finish();
}
