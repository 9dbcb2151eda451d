/* test_pg_hang.c: PostgreSQL stops answering without closing anything
 * (every process of the cluster frozen with SIGSTOP, as a hung server or
 * a network cut without a reset looks from the daemon): the daemon must
 * not wait forever. At pg_timeout it drops the silent connections, its
 * clients are told "unavailable" and keep their sheets; once the server
 * answers again it comes back by itself. Acknowledged => stored once. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"

#define CLIENTS 4
#define FROZEN  4.0 /* seconds the server stays frozen */

static char dir[] = "/tmp/callsheet-fault.XXXXXX";
static pid_t frozen[256];
static size_t nfrozen;

/* The postmaster, then its children: all the cluster's processes. */
static void
freeze(void)
{
	char path[300], *cluster, *pid_line;
	DIR *proc;
	struct dirent *de;
	pid_t postmaster;

	snprintf(path, sizeof path, "%s/cluster-path", dir);
	cluster = th_read_line(path);
	snprintf(path, sizeof path, "%s/data/postmaster.pid", cluster);
	pid_line = th_read_line(path);
	postmaster = (pid_t)atoi(pid_line);
	if (postmaster <= 0 || kill(postmaster, SIGSTOP) != 0)
		th_die("cannot stop the postmaster (%s)", pid_line);
	frozen[nfrozen++] = postmaster;
	if ((proc = opendir("/proc")) == NULL)
		th_die("no /proc");
	while ((de = readdir(proc)) != NULL && nfrozen < nitems(frozen)) {
		char stat[512];
		FILE *f;
		int pid, ppid;

		if ((pid = atoi(de->d_name)) <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		/* "pid (comm) state ppid": comm may hold spaces */
		if (fgets(stat, sizeof stat, f) != NULL &&
		    strrchr(stat, ')') != NULL &&
		    sscanf(strrchr(stat, ')'), ") %*c %d", &ppid) == 1 &&
		    ppid == postmaster && kill(pid, SIGSTOP) == 0)
			frozen[nfrozen++] = pid;
		fclose(f);
	}
	closedir(proc);
	free(cluster);
	free(pid_line);
}

static void
thaw(void)
{
	while (nfrozen > 0)
		kill(frozen[--nfrozen], SIGCONT);
}

int
main(void)
{
	const char *extra[] = {"--pg-timeout", "2", NULL};
	struct th_daemon d;
	struct load *load;
	char *conninfo;
	double t0, t;

	if (mkdtemp(dir) == NULL)
		th_die("mkdtemp");
	th_on_die(thaw);
	conninfo = th_cluster_start(dir);
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_daemon_start_at(&d, conninfo, 0, true, extra);

	load = load_start(d.server, "jurist1", "pass", CLIENTS);
	load_wait(load, LOAD_ACKED, 200, 30);

	freeze();
	t0 = th_now();
	printf("PostgreSQL frozen (%zu processes)\n", nfrozen);
	t = load_wait(load, LOAD_UNAVAILABLE, 5, 20);
	printf("first 'unavailable' answers %.1f s later\n", t);
	th_daemon_wait_log(&d, "no answer from the server for 2 seconds", 10);
	while (th_now() - t0 < FROZEN && th_daemon_alive(&d))
		usleep(50000);
	CHECK(th_daemon_alive(&d), "the daemon stays up");
	thaw();
	t = load_wait(load, LOAD_ACKED, 200, 30);
	printf("thawed: 200 acknowledgements %.1f s later\n", t);

	load_finish(load, conninfo, 0);
	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	th_on_die(NULL);
	th_cluster_stop(dir);
	rmdir(dir);
	free(conninfo);
	return th_finish();
}
