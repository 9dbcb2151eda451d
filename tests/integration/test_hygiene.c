/* test_hygiene.c: connections that misbehave are dropped without hurting
 * the others: silence after connecting (login deadline), a request
 * trickled a byte at a time (frame deadline), an idle session (idle
 * timeout), and one connection too many (OVERLOADED, then room again).
 * Small configured timeouts; every wait is for a condition. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char *conninfo;

/*
 * The error frame the server sends before it closes: its code, or -1;
 * its message into msg. Then the close itself must follow.
 */
static int
read_error_and_close(int fd, char *msg, size_t msglen)
{
	uint8_t hdr[4], body[4096];
	Callsheet__ServerMessage *m;
	uint32_t len;
	int code = -1;

	msg[0] = '\0';
	if (recv(fd, hdr, 4, MSG_WAITALL) != 4)
		return -1;
	len = frame_read_header(hdr);
	if (len > sizeof body || recv(fd, body, len, MSG_WAITALL) != len)
		return -1;
	m = callsheet__server_message__unpack(NULL, len, body);
	if (m != NULL && m->response != NULL && m->response->error != NULL) {
		code = m->response->error->code;
		snprintf(msg, msglen, "%s", m->response->error->message);
	}
	callsheet__server_message__free_unpacked(m, NULL);
	if (recv(fd, body, sizeof body, 0) != 0)
		return -1;
	return code;
}

/*
 * A hello frame sent one byte every 200 ms (it would take over 20 s) is
 * cut after the 1 s frame deadline; meanwhile the idle session (2 s)
 * times out, and a busy bystander is served throughout.
 */
static void
test_trickle_and_idle(void)
{
	struct th_daemon d;
	const char *extra[] = {"--frame-timeout",
	                       "1",
	                       "--idle-timeout",
	                       "2",
	                       "--login-timeout",
	                       "60",
	                       NULL};
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Hello h = CALLSHEET__HELLO__INIT;
	struct cs_client *idle, *busy;
	Callsheet__Response *resp = NULL;
	struct cs_error err;
	char name[200], msg[512];
	uint8_t *frame;
	size_t len, sent = 0;
	int fd, code, rc;
	double t0;
	bool busy_ok = true;

	th_daemon_start(&d, conninfo, extra);
	idle = th_connect(&d, "jurist1", "j1-pass");
	busy = th_connect(&d, "jurist1", "j1-pass");
	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	h.protocol_version = CS_PROTOCOL_VERSION;
	h.has_protocol_version = true;
	h.client_name = name;
	req.id = 1;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_HELLO;
	req.hello = &h;
	frame = frame_pack(&req.base, &len);
	fd = th_raw_connect(&d);
	t0 = th_now();
	while (sent < len) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (send(fd, frame + sent, 1, MSG_NOSIGNAL) != 1)
			break;
		sent++;
		busy_ok = busy_ok && th_log_one(busy);
		if (poll(&pfd, 1, 200) == 1)
			break; /* the server has something to say */
	}
	free(frame);
	code = read_error_and_close(fd, msg, sizeof msg);
	CHECK(code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strstr(msg, "not completed within 1 seconds") != NULL,
	      "a trickled request is cut with a reason (got %d: %s)", code,
	      msg);
	CHECK(sent < len && th_now() - t0 < 5, "after %zu of %zu bytes, %.1f s",
	      sent, len, th_now() - t0);
	CHECK(busy_ok, "a busy client is served all along");
	close(fd);

	/* the idle session: the server tells it, then closes; meanwhile
	 * the busy one keeps logging, so that it is never idle itself */
	for (double until = th_now() + 8;;) {
		busy_ok = busy_ok && th_log_one(busy);
		rc = cs_recv(idle, &resp, 200, &err);
		if (rc == 0 || err.code != CALLSHEET__ERROR_CODE__UNAVAILABLE ||
		    th_now() > until)
			break;
	}
	CHECK(rc != 0 && err.code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED &&
	              strstr(err.message, "idle for 2 seconds") != NULL,
	      "an idle session is ended with a reason (got %d: %s)", err.code,
	      err.message);
	CHECK(th_now() - t0 < 6, "within the idle timeout (%.1f s)",
	      th_now() - t0);
	CHECK(busy_ok && th_log_one(busy), "the busy session is still there");
	cs_close(idle);
	cs_close(busy);
	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
}

/*
 * At most 3 connections: a logged-in bystander and two silent ones fill
 * the server; the next is refused with OVERLOADED; the silent ones are
 * dropped at the 1 s login deadline, and there is room again.
 */
static void
test_login_deadline_and_limit(void)
{
	struct th_daemon d;
	const char *extra[] = {"--max-connections", "3", "--login-timeout", "1",
	                       NULL};
	struct cs_client *bystander, *late = NULL;
	struct cs_options o = {
	        .user = "jurist1", .password = "j1-pass", .timeout_ms = 5000};
	struct cs_error err;
	char msg[512];
	int silent1, silent2, extra_fd, code;
	double t0, deadline;

	th_daemon_start(&d, conninfo, extra);
	bystander = th_connect(&d, "jurist1", "j1-pass");
	silent1 = th_raw_connect(&d);
	silent2 = th_raw_connect(&d);
	t0 = th_now();
	extra_fd = th_raw_connect(&d);
	code = read_error_and_close(extra_fd, msg, sizeof msg);
	CHECK(code == CALLSHEET__ERROR_CODE__OVERLOADED &&
	              strstr(msg, "too many connections") != NULL,
	      "one connection too many is refused as overloaded (got %d: %s)",
	      code, msg);
	close(extra_fd);
	o.server = d.server;
	CHECK(cs_connect(&o, &late, &err) != 0 &&
	              err.code == CALLSHEET__ERROR_CODE__OVERLOADED &&
	              err.retry_after_s > 0,
	      "the client library reports it, with when to retry (got %d, "
	      "%u s: %s)",
	      err.code, err.retry_after_s, err.message);

	code = read_error_and_close(silent1, msg, sizeof msg);
	CHECK(code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED &&
	              strstr(msg, "no login within 1 seconds") != NULL,
	      "a silent connection is told and dropped (got %d: %s)", code,
	      msg);
	CHECK(read_error_and_close(silent2, msg, sizeof msg) ==
	              CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
	      "so is the other one");
	CHECK(th_now() - t0 < 4, "at the login deadline (%.1f s)",
	      th_now() - t0);
	close(silent1);
	close(silent2);
	CHECK(th_log_one(bystander), "the logged-in client goes on");

	deadline = th_now() + 5;
	while (cs_connect(&o, &late, &err) != 0 && th_now() < deadline)
		usleep(20000);
	CHECK(late != NULL, "then there is room again: %s", err.message);
	cs_close(late);
	cs_close(bystander);
	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	conninfo = th_createdb("t_hygiene");
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "j1-pass");
	test_trickle_and_idle();
	test_login_deadline_and_limit();
	free(conninfo);
	return th_finish();
}
