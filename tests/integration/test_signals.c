/* test_signals.c: the daemon's signals, as operations rely on them.
 * SIGHUP reads the configuration file again: a good one takes effect for
 * new connections, a bad one is refused with its reason in the log and
 * the running settings stay; the taxonomy cache is reloaded too.
 * SIGTERM under load: no new connections, every request already read is
 * answered (here: sheets held up by a table lock when the signal comes),
 * exit 0 as soon as nothing is owed; no acknowledged sheet is lost. */
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"
#include "raw.h"

#define SESSIONS    4
#define PER_SESSION 5

static char *conninfo;
static char conf[300];

static void
write_conf(const char *text)
{
	FILE *f = fopen(conf, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		th_die("cannot write %s", conf);
}

static unsigned
occurrences(const struct th_daemon *d, const char *needle)
{
	char *log = th_daemon_log(d);
	unsigned n = 0;

	for (const char *p = log; (p = strstr(p, needle)) != NULL; p++)
		n++;
	free(log);
	return n;
}

/* SIGHUP, then wait until the log says the reload was done or refused. */
static void
reload(struct th_daemon *d)
{
	unsigned before = occurrences(d, "configuration reloaded") +
	                  occurrences(d, "reload refused");
	double t0 = th_now();

	kill(d->pid, SIGHUP);
	while (occurrences(d, "configuration reloaded") +
	               occurrences(d, "reload refused") ==
	       before)
		if (th_now() - t0 > 10)
			th_die("no reload in the log 10 s after SIGHUP");
		else
			usleep(20000);
}

/* What a new connection is told in the hello. */
static void
hello(const struct th_daemon *d, char *name, size_t len, unsigned *in_flight)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Hello h = CALLSHEET__HELLO__INIT;
	Callsheet__ServerMessage *m;
	int fd = raw_connect(d->port);
	bool closed;

	h.protocol_version = CS_PROTOCOL_VERSION;
	h.has_protocol_version = true;
	req.id = 1;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_HELLO;
	req.hello = &h;
	if (fd < 0 || !raw_send(fd, &req) ||
	    (m = raw_read(fd, 10, &closed)) == NULL || m->response == NULL ||
	    m->response->body_case != CALLSHEET__RESPONSE__BODY_HELLO)
		th_die("no hello from the daemon");
	snprintf(name, len, "%s", m->response->hello->server_name);
	*in_flight = m->response->hello->max_in_flight;
	callsheet__server_message__free_unpacked(m, NULL);
	close(fd);
}

static Callsheet__ErrorCode
log_topic(struct cs_client *c, const char *topic)
{
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	char *topics[1] = {(char *)topic};
	struct cs_error err;

	th_sheet_init(&s, id);
	s.topics = topics;
	if (cs_log_sheet(c, &s, NULL, &err) == 0)
		return CALLSHEET__ERROR_CODE__ERROR_NONE;
	return err.code;
}

static void
test_sighup(void)
{
	const char *extra[] = {"-c", conf, NULL};
	struct th_daemon d;
	struct cs_client *c;
	char name[64], *log;
	unsigned in_flight;
	PGconn *pg;
	double t0;

	write_conf("server_name = alpha\nmax_in_flight = 16\n");
	th_daemon_start_at(&d, conninfo, 0, true, extra);
	hello(&d, name, sizeof name, &in_flight);
	CHECK(strcmp(name, "alpha") == 0 && in_flight == 16,
	      "the file's settings at start (%s, %u)", name, in_flight);
	c = th_connect(&d, "jurist1", "pass");

	write_conf("server_name = beta\nmax_in_flight = 8\n");
	reload(&d);
	hello(&d, name, sizeof name, &in_flight);
	CHECK(strcmp(name, "beta") == 0 && in_flight == 8,
	      "SIGHUP: a new connection sees the new settings (%s, %u)", name,
	      in_flight);
	CHECK(log_topic(c, "residence") == 0,
	      "a session opened before the reload goes on");

	write_conf("server_name = gamma\n# a typo\nmax_in_flight = lots\n");
	reload(&d);
	log = th_daemon_log(&d);
	CHECK(strstr(log, "reload refused, keeping the running settings: ") !=
	                      NULL &&
	              strstr(log, ":3: max_in_flight: 'lots' is not a whole "
	                          "number from 1 to 4096") != NULL,
	      "a bad file is refused, with the line and the reason in the log");
	free(log);
	hello(&d, name, sizeof name, &in_flight);
	CHECK(strcmp(name, "beta") == 0 && in_flight == 8,
	      "after a refused reload the running settings stay (%s, %u)", name,
	      in_flight);

	write_conf("server_name = delta\nlisten = localhost:7420\n");
	reload(&d);
	CHECK(occurrences(&d, "'localhost:7420' is not a numeric") == 1,
	      "a file that parses but would not work is refused too");
	hello(&d, name, sizeof name, &in_flight);
	CHECK(strcmp(name, "beta") == 0, "still the running settings (%s)",
	      name);

	write_conf("server_name = epsilon\nlisten = 127.0.0.1:7999\n");
	reload(&d);
	CHECK(occurrences(&d, "listen changes at the next restart") == 1,
	      "a new listen address is taken at the next restart, and the "
	      "log says so");

	/* a code added behind the daemon's back (no NOTIFY): SIGHUP
	 * reloads the cached taxonomy */
	pg = th_pg(conninfo);
	PQclear(PQexec(pg, "ALTER TABLE taxonomy DISABLE TRIGGER "
	                   "taxonomy_changed;"
	                   "INSERT INTO taxonomy (dimension, code, label_en,"
	                   " label_fr, topic_bit) VALUES ('topic',"
	                   " 'zz_reload', 'Reload', 'Rechargement', 50);"
	                   "ALTER TABLE taxonomy ENABLE TRIGGER "
	                   "taxonomy_changed"));
	PQfinish(pg);
	CHECK(log_topic(c, "zz_reload") == CALLSHEET__ERROR_CODE__BAD_REQUEST,
	      "a code the daemon has not loaded is refused");
	reload(&d);
	t0 = th_now();
	while (log_topic(c, "zz_reload") != 0 && th_now() - t0 < 10)
		usleep(50000);
	CHECK(log_topic(c, "zz_reload") == 0,
	      "after SIGHUP the new code is accepted");

	cs_close(c);
	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: exit 0");
}

/* --------------------------------------------------------------- TERM */

static void
send_sheets(int fd, int n, uint32_t first, uint8_t ids[][CS_UUID_LEN])
{
	for (int i = 0; i < n; i++) {
		Callsheet__Request req = CALLSHEET__REQUEST__INIT;
		Callsheet__LogSheet ls = CALLSHEET__LOG_SHEET__INIT;
		Callsheet__Sheet s;

		th_sheet_init(&s, ids[i]);
		ls.sheet = &s;
		req.id = first + (uint32_t)i;
		req.has_id = true;
		req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEET;
		req.log_sheet = &ls;
		if (!raw_send(fd, &req))
			th_die("sending sheets failed");
	}
}

/* Every byte sent is in the daemon's hands, none left in its socket. */
static bool
all_read(const struct th_daemon *d, const int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		struct raw_tcp tcp;

		if (!raw_server_end(d->port, raw_local_port(fds[i]), &tcp) ||
		    tcp.rx_queue != 0)
			return false;
	}
	return true;
}

static void
test_sigterm(void)
{
	struct th_daemon d, again;
	struct load *load;
	PGconn *lock = th_pg(conninfo);
	int fds[SESSIONS], rc, refused_fd;
	uint8_t ids[SESSIONS][PER_SESSION][CS_UUID_LEN];
	unsigned acks = 0;
	long long before, blocked = 0;
	double t0, released;
	char *log;

	th_daemon_start_at(&d, conninfo, 0, true, NULL);
	before = th_sql_count(lock, "SELECT count(*) FROM sheet", NULL);
	load = load_start(d.server, "jurist1", "pass", 4);
	load_wait(load, LOAD_ACKED, 100, 30);

	/* the sheets will wait for this lock: in flight when TERM comes
	 * (logged in first: a login queued behind a held-up insert on the
	 * same database connection would wait as well) */
	for (int i = 0; i < SESSIONS; i++)
		fds[i] = raw_session(d.port, "jurist1", "pass");
	PQclear(PQexec(lock, "BEGIN"));
	PQclear(PQexec(lock, "LOCK TABLE sheet IN EXCLUSIVE MODE"));
	for (int i = 0; i < SESSIONS; i++)
		send_sheets(fds[i], PER_SESSION, 10, ids[i]);
	t0 = th_now();
	while (th_now() - t0 < 15) {
		PGconn *pg = th_pg(conninfo);

		blocked = th_sql_count(pg,
		                       "SELECT count(*) FROM pg_stat_activity"
		                       " WHERE wait_event_type = 'Lock'"
		                       " AND query LIKE '%sheet_insert_batch%'",
		                       NULL);
		PQfinish(pg);
		if (blocked > 0 && all_read(&d, fds, SESSIONS))
			break;
		usleep(20000);
	}
	CHECK(blocked > 0, "inserts are held up by the lock");

	kill(d.pid, SIGTERM);
	th_daemon_wait_log(&d, "draining", 10);
	refused_fd = raw_connect(d.port);
	CHECK(refused_fd < 0 && errno == ECONNREFUSED,
	      "while draining, new connections are refused at once");
	if (refused_fd >= 0)
		close(refused_fd);
	CHECK(th_daemon_alive(&d), "the daemon waits for what it owes");

	PQclear(PQexec(lock, "COMMIT"));
	released = th_now();
	for (int i = 0; i < SESSIONS; i++)
		for (int j = 0; j < PER_SESSION; j++) {
			bool closed;
			Callsheet__ServerMessage *m =
			        raw_read(fds[i], 10, &closed);

			if (m != NULL && m->response != NULL &&
			    m->response->body_case ==
			            CALLSHEET__RESPONSE__BODY_SHEET_ACK)
				acks++;
			if (m != NULL)
				callsheet__server_message__free_unpacked(m,
				                                         NULL);
		}
	CHECK(acks == SESSIONS * PER_SESSION,
	      "every request read before SIGTERM is acknowledged (%u of %d)",
	      acks, SESSIONS * PER_SESSION);
	log = th_daemon_log(&d);
	rc = th_daemon_wait_exit(&d, 10);
	CHECK(rc == 0, "then the daemon exits 0 (status %d)", rc);
	printf("SIGTERM: exited %.2f s after the lock was released\n",
	       th_now() - released);
	CHECK(strstr(log, "drain timeout") == NULL,
	      "it did not wait for the drain timeout");
	free(log);
	for (int i = 0; i < SESSIONS; i++) {
		CHECK(raw_wait_closed(fds[i], 5), "session %d closed", i);
		close(fds[i]);
		for (int j = 0; j < PER_SESSION; j++) {
			char text[CS_UUID_STRLEN];

			uuid_format(ids[i][j], text);
			CHECK(th_sql_count(lock,
			                   "SELECT count(*) FROM sheet"
			                   " WHERE id = $1",
			                   text) == 1,
			      "sheet %d.%d stored once", i, j);
		}
	}

	/* the clients come back to a new daemon and resend their spools */
	th_daemon_start_at(&again, conninfo, d.port, false, NULL);
	load_wait(load, LOAD_ACKED, 100, 30);
	load_finish(load, conninfo, before + SESSIONS * PER_SESSION);
	CHECK(th_daemon_stop(&again) == 0, "SIGTERM: exit 0");
	PQfinish(lock);
}

int
main(void)
{
	char tmpl[] = "/tmp/callsheet-signals.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		th_die("mkdtemp");
	snprintf(conf, sizeof conf, "%s/callsheetd.conf", tmpl);
	conninfo = th_createdb("t_signals");
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	test_sighup();
	test_sigterm();
	unlink(conf);
	rmdir(tmpl);
	free(conninfo);
	return th_finish();
}
