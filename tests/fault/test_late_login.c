/* test_late_login.c: logins still being checked when the login deadline
 * fires or the peer hangs up. A connection that dies while its password
 * is being hashed must be forgotten without a trace: the daemon once
 * resumed it after its answer had freed it (a use-after-free anyone could
 * trigger without an account). Under AddressSanitizer that aborted the
 * daemon; here it must stay up and keep serving a jurist. */
#include <sys/socket.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "raw.h"

#define ROUNDS      3
#define PER_ROUND   48 /* more than 2 hashing threads clear in 1 s */
#define LOGIN_LIMIT "1"

static struct th_daemon d;

/*
 * One round: PER_ROUND connections say hello at once, then send a login
 * each just before the deadline, so that most of the password checks are
 * still queued behind the hashing threads when the deadline closes their
 * connections; half the clients also hang up at once.
 */
static void
late_round(unsigned round)
{
	int fds[PER_ROUND];

	for (unsigned i = 0; i < PER_ROUND; i++) {
		fds[i] = raw_connect(d.port);
		if (fds[i] < 0 || !raw_hello(fds[i], 1))
			th_die("round %u: connection %u refused", round, i);
	}
	usleep(800 * 1000);
	for (unsigned i = 0; i < PER_ROUND; i++)
		/* known and unknown accounts: both are hashed */
		raw_login(fds[i], 2, i % 2 ? "jurist1" : "nobody", "wrong");
	for (unsigned i = 0; i < PER_ROUND; i += 2) {
		close(fds[i]);
		fds[i] = -1;
	}
	for (unsigned i = 1; i < PER_ROUND; i += 2) {
		raw_wait_closed(fds[i], 10);
		close(fds[i]);
	}
}

int
main(void)
{
	const char *extra[] = {"--login-timeout",
	                       LOGIN_LIMIT,
	                       "--login-attempts",
	                       "1000",
	                       "--login-attempts-per-address",
	                       "1000",
	                       "--log-level",
	                       "error",
	                       NULL};
	struct cs_client *jurist;
	char *conninfo;

	signal(SIGPIPE, SIG_IGN);
	conninfo = th_createdb("t_fault_late_login");
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_daemon_start_at(&d, conninfo, 0, false, extra);
	th_wait_ready(&d, "jurist1", "pass");

	for (unsigned round = 0; round < ROUNDS; round++) {
		late_round(round);
		CHECK(th_daemon_alive(&d),
		      "round %u: the daemon survives logins that outlive "
		      "their connection",
		      round);
		if (!th_daemon_alive(&d))
			break;
	}
	/* the queued checks drain; then a jurist is served as usual */
	sleep(3);
	jurist = th_daemon_alive(&d) ? th_connect(&d, "jurist1", "pass") : NULL;
	CHECK(jurist != NULL, "a jurist logs in afterwards");
	if (jurist != NULL) {
		CHECK(th_log_one(jurist), "and her sheet is stored");
		cs_close(jurist);
	}
	if (th_daemon_alive(&d))
		CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	free(conninfo);
	return th_finish();
}
