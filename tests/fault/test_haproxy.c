/* test_haproxy.c: two daemons on one database behind HAProxy, configured
 * with packaging/haproxy.cfg itself (its ports replaced by free ones).
 * Jurists log through HAProxy; one daemon is killed with SIGKILL, started
 * again, then the other is stopped with SIGTERM, all under load: the
 * clients reconnect through the same address and go on, every
 * acknowledged sheet is stored exactly once, and once the spools are
 * drained every sheet sent is. */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"

#define CLIENTS 6

static pid_t haproxy;

static void
stop_haproxy(void)
{
	if (haproxy > 0) {
		kill(haproxy, SIGTERM);
		waitpid(haproxy, NULL, 0);
	}
	haproxy = 0;
}

static unsigned
free_port(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		th_die("no free port");
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static bool
accepting(unsigned port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
	                          .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
	close(fd);
	return ok;
}

/* packaging/haproxy.cfg with 7420, 7421, 7422 replaced. */
static void
write_config(const char *path, unsigned front, unsigned d1, unsigned d2)
{
	const char *src = getenv("CALLSHEET_TEST_SOURCE");
	char in_path[512], line[1024];
	FILE *in, *out;
	unsigned replaced = 0;

	snprintf(in_path, sizeof in_path, "%s/packaging/haproxy.cfg",
	         src ? src : ".");
	if ((in = fopen(in_path, "r")) == NULL ||
	    (out = fopen(path, "w")) == NULL)
		th_die("cannot copy %s to %s", in_path, path);
	while (fgets(line, sizeof line, in) != NULL) {
		static const char *const from[] = {
		        "127.0.0.1:7420", "127.0.0.1:7421", "127.0.0.1:7422"};
		unsigned to[] = {front, d1, d2};
		char *p = NULL;
		size_t i;

		for (i = 0; i < nitems(from); i++)
			if ((p = strstr(line, from[i])) != NULL)
				break;
		if (p == NULL) {
			fputs(line, out);
			continue;
		}
		fprintf(out, "%.*s127.0.0.1:%u%s", (int)(p - line), line, to[i],
		        p + strlen(from[i]));
		replaced++;
	}
	fclose(in);
	fclose(out);
	if (replaced != 3)
		th_die("%s: expected three addresses to replace, found %u",
		       in_path, replaced);
}

static unsigned
logins(const struct th_daemon *d)
{
	char *log = th_daemon_log(d);
	unsigned n = 0;

	for (const char *p = log; (p = strstr(p, "logged in as")) != NULL; p++)
		n++;
	free(log);
	return n;
}

int
main(void)
{
	char *conninfo = th_createdb("t_fault_haproxy");
	char tmpl[] = "/tmp/callsheet-haproxy.XXXXXX", cfgpath[300], server[64];
	struct th_daemon d1, d2;
	struct load *load;
	unsigned front = free_port();
	double t0;

	if (system("command -v haproxy >/dev/null 2>&1") != 0)
		th_die("haproxy is not installed (apt-get install haproxy; "
		       "scripts/test installs it)");
	th_on_die(stop_haproxy);
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_daemon_start_at(&d1, conninfo, 0, true, NULL);
	th_daemon_start_at(&d2, conninfo, 0, true, NULL);

	if (mkdtemp(tmpl) == NULL)
		th_die("mkdtemp");
	snprintf(cfgpath, sizeof cfgpath, "%s/haproxy.cfg", tmpl);
	write_config(cfgpath, front, d1.port, d2.port);
	th_sh("haproxy -c -q -f '%s'", cfgpath);
	if ((haproxy = fork()) == 0) {
		execlp("haproxy", "haproxy", "-db", "-q", "-f", cfgpath,
		       (char *)NULL);
		_exit(127);
	}
	t0 = th_now();
	while (!accepting(front)) {
		if (waitpid(haproxy, NULL, WNOHANG) == haproxy) {
			haproxy = 0;
			th_die("haproxy exited");
		}
		if (th_now() - t0 > 10)
			th_die("haproxy does not accept on %u", front);
		usleep(20000);
	}

	snprintf(server, sizeof server, "127.0.0.1:%u", front);
	load = load_start(server, "jurist1", "pass", CLIENTS);
	load_wait(load, LOAD_ACKED, 300, 30);
	CHECK(logins(&d1) > 0 && logins(&d2) > 0,
	      "HAProxy spreads the clients (%u and %u logins)", logins(&d1),
	      logins(&d2));

	th_daemon_kill(&d1);
	t0 = load_wait(load, LOAD_ACKED, 300, 30);
	printf("daemon 1 killed: 300 acknowledgements through daemon 2 in "
	       "%.1f s\n",
	       t0);
	th_daemon_start_at(&d1, conninfo, d1.port, true, NULL);

	t0 = th_now();
	CHECK(th_daemon_stop(&d2) == 0, "daemon 2 drains and exits 0");
	printf("daemon 2 drained and exited %.1f s after SIGTERM\n",
	       th_now() - t0);
	t0 = load_wait(load, LOAD_ACKED, 300, 30);
	printf("daemon 2 stopped: 300 acknowledgements through daemon 1 in "
	       "%.1f s\n",
	       t0);
	CHECK(logins(&d1) > 0, "the clients moved to the restarted daemon");

	load_finish(load, conninfo, 0);

	CHECK(th_daemon_stop(&d1) == 0, "SIGTERM: daemon 1 exits 0");
	th_on_die(NULL);
	stop_haproxy();
	th_sh("rm -rf '%s'", tmpl);
	free(conninfo);
	return th_finish();
}
