/* harness.c: the integration-test harness: databases from the shared
 * fixture cluster, a real daemon process, and plain check counting. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static unsigned passed, failed;

/* Daemons still running: killed if the test dies, so that ctest does not
 * wait on their output forever. */
#define MAX_DAEMONS 8
static struct th_daemon *running[MAX_DAEMONS];

static void
track(struct th_daemon *d, bool on)
{
	for (size_t i = 0; i < MAX_DAEMONS; i++) {
		if (on && running[i] == NULL) {
			running[i] = d;
			return;
		}
		if (!on && running[i] == d)
			running[i] = NULL;
	}
}

/* Private clusters still up: stopped if the test dies. */
#define MAX_CLUSTERS 4
static char *clusters[MAX_CLUSTERS];

static void fixture(const char *cmd, const char *dir, const char *arg);

static void (*on_die)(void);

void
th_on_die(void (*fn)(void))
{
	on_die = fn;
}

static void
kill_running(void)
{
	void (*fn)(void) = on_die;

	on_die = NULL;
	if (fn != NULL)
		fn();
	for (size_t i = 0; i < MAX_DAEMONS; i++)
		if (running[i] != NULL && running[i]->pid > 0)
			kill(running[i]->pid, SIGKILL);
	for (size_t i = 0; i < MAX_CLUSTERS; i++) {
		char *dir = clusters[i];

		clusters[i] = NULL;
		if (dir != NULL)
			fixture("stop", dir, NULL);
	}
}

bool
th_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return true;
	}
	failed++;
	fprintf(stderr, "%s:%d: FAIL: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

int
th_finish(void)
{
	printf("%u passed, %u failed\n", passed, failed);
	return failed == 0 && passed > 0 ? 0 : 1;
}

void
th_die(const char *fmt, ...)
{
	va_list ap;

	fputs("harness: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	kill_running();
	exit(2);
}

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		th_die("%s is not set: run this test through ctest", name);
	return v;
}

unsigned
th_pick(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % n;
}

double
th_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs a command, returns its whole standard output (trailing newline
 * stripped); dies if it fails. */
static char *
run_capture(char *const argv[], const char *input)
{
	int out[2], in[2];
	pid_t pid;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int status;

	if (pipe(out) != 0 || pipe(in) != 0)
		th_die("pipe: %s", strerror(errno));
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (input != NULL &&
	    write(in[1], input, strlen(input)) != (ssize_t)strlen(input))
		th_die("writing to %s failed", argv[0]);
	close(in[1]);
	for (;;) {
		if (len + 256 > cap)
			buf = xreallocarray(buf, cap = cap * 2 + 512, 1);
		if ((n = read(out[0], buf + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)n;
	}
	close(out[0]);
	buf[len] = '\0';
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		th_die("%s %s failed (status %d)", argv[0], argv[1], status);
	return buf;
}

char *
th_createdb(const char *name)
{
	char *argv[] = {"bash",       (char *)env("CALLSHEET_TEST_PGFIXTURE"),
	                "createdb",   (char *)env("CALLSHEET_TEST_PGDIR"),
	                (char *)name, NULL};

	return run_capture(argv, NULL);
}

void
th_migrate(const char *conninfo)
{
	char *argv[] = {(char *)env("CALLSHEET_TEST_DAEMON"),
	                "--pg",
	                (char *)conninfo,
	                "--migrate",
	                "--no-serve",
	                "--log-level",
	                "warn",
	                NULL};

	free(run_capture(argv, NULL));
}

void
th_create_user(const char *conninfo, const char *name, const char *role,
               const char *password)
{
	char *argv[] = {(char *)env("CALLSHEET_TEST_DAEMON"),
	                "--pg",
	                (char *)conninfo,
	                "--create-user",
	                (char *)name,
	                "--role",
	                (char *)role,
	                "--log-level",
	                "warn",
	                NULL};
	char *line = xasprintf("%s\n", password);

	free(run_capture(argv, line));
	free(line);
}

static bool
read_port(const char *path, unsigned *port)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (f == NULL)
		return false;
	ok = fscanf(f, "%u", port) == 1 && *port > 0;
	fclose(f);
	return ok;
}

void
th_daemon_start(struct th_daemon *d, const char *conninfo,
                const char *const *extra)
{
	th_daemon_start_at(d, conninfo, 0, false, extra);
}

void
th_daemon_start_at(struct th_daemon *d, const char *conninfo, unsigned port,
                   bool log_to_file, const char *const *extra)
{
	char portfile[300], listen[64], logfile[300];
	const char *argv[64];
	size_t n = 0;
	double deadline;
	char tmpl[] = "/tmp/callsheet-daemon.XXXXXX";

	memset(d, 0, sizeof *d);
	if (mkdtemp(tmpl) == NULL)
		th_die("mkdtemp: %s", strerror(errno));
	snprintf(d->dir, sizeof d->dir, "%s", tmpl);
	snprintf(d->conninfo, sizeof d->conninfo, "%s", conninfo);
	snprintf(portfile, sizeof portfile, "%s/port", d->dir);
	snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
	snprintf(logfile, sizeof logfile, "%s/log", d->dir);
	argv[n++] = env("CALLSHEET_TEST_DAEMON");
	argv[n++] = "--pg";
	argv[n++] = conninfo;
	argv[n++] = "--listen";
	argv[n++] = listen;
	argv[n++] = "--port-file";
	argv[n++] = portfile;
	argv[n++] = "--migrate";
	argv[n++] = "--pg-connect-timeout";
	argv[n++] = "2";
	for (; extra != NULL && *extra != NULL && n < nitems(argv) - 1; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	if ((d->pid = fork()) == 0) {
		/* the daemon's log goes to the test's stderr, as ctest shows,
		 * or to a file the test reads */
		if (log_to_file && freopen(logfile, "w", stderr) == NULL)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	deadline = th_now() + 30;
	while (!read_port(portfile, &d->port)) {
		int status;

		if (waitpid(d->pid, &status, WNOHANG) == d->pid)
			th_die("callsheetd exited before listening (%d)",
			       status);
		if (th_now() > deadline)
			th_die("callsheetd did not listen within 30 s");
		usleep(20000);
	}
	snprintf(d->server, sizeof d->server, "127.0.0.1:%u", d->port);
	track(d, true);
}

void
th_daemon_start_log(struct th_daemon *d, const char *conninfo,
                    const char *const *extra, const char *logpath)
{
	int saved = dup(2);
	int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || saved < 0)
		th_die("cannot open %s: %s", logpath, strerror(errno));
	dup2(fd, 2); /* the daemon inherits it */
	th_daemon_start(d, conninfo, extra);
	dup2(saved, 2);
	close(fd);
	close(saved);
}

/* Waits for the daemon to exit, and returns its exit status. */
static int
reap(struct th_daemon *d, double seconds)
{
	double deadline = th_now() + seconds;
	int status;

	while (waitpid(d->pid, &status, WNOHANG) != d->pid) {
		if (th_now() > deadline) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
			return -1;
		}
		usleep(10000);
	}
	d->pid = 0;
	track(d, false);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Once a check failed, the log a daemon kept in its folder is shown
 * before the folder goes. */
static void
remove_dir(const struct th_daemon *d)
{
	char *cmd;

	if (failed > 0) {
		cmd = xasprintf("[ -s '%s/log' ] && { echo '--- daemon log "
		                "(last 40 lines)'; tail -n 40 '%s/log'; } >&2",
		                d->dir, d->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "harness: no log kept in %s\n", d->dir);
		free(cmd);
	}
	cmd = xasprintf("rm -rf '%s'", d->dir);

	if (system(cmd) != 0)
		fprintf(stderr, "harness: could not remove %s\n", d->dir);
	free(cmd);
}

int
th_daemon_stop(struct th_daemon *d)
{
	int rc;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	rc = reap(d, 30);
	remove_dir(d);
	return rc;
}

int
th_daemon_wait_exit(struct th_daemon *d, double seconds)
{
	if (d->pid <= 0)
		return -1;
	return reap(d, seconds);
}

bool
th_daemon_alive(struct th_daemon *d)
{
	int status;

	if (d->pid <= 0)
		return false;
	if (waitpid(d->pid, &status, WNOHANG) != d->pid)
		return true;
	fprintf(stderr, "harness: callsheetd %d exited (status %d)\n",
	        (int)d->pid, status);
	d->pid = 0;
	track(d, false);
	return false;
}

char *
th_daemon_log(const struct th_daemon *d)
{
	char path[300];
	FILE *f;
	char *buf = NULL;
	size_t len = 0, n;

	snprintf(path, sizeof path, "%s/log", d->dir);
	if ((f = fopen(path, "r")) == NULL)
		return xstrdup("");
	do {
		buf = xreallocarray(buf, len + 4097, 1);
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

void
th_daemon_wait_log(const struct th_daemon *d, const char *needle,
                   double seconds)
{
	double deadline = th_now() + seconds;

	for (;;) {
		char *log = th_daemon_log(d);
		bool found = strstr(log, needle) != NULL;

		free(log);
		if (found)
			return;
		if (th_now() > deadline)
			th_die("the daemon's log did not say '%s' within %.0f "
			       "s",
			       needle, seconds);
		usleep(20000);
	}
}

void
th_daemon_kill(struct th_daemon *d)
{
	if (d->pid <= 0)
		return;
	kill(d->pid, SIGKILL);
	reap(d, 10);
	remove_dir(d);
}

PGconn *
th_pg(const char *conninfo)
{
	PGconn *pg = PQconnectdb(conninfo);

	if (PQstatus(pg) != CONNECTION_OK)
		th_die("cannot connect to %s: %s", conninfo,
		       PQerrorMessage(pg));
	return pg;
}

/* A single number from SQL, with at most one text parameter. */
long long
th_sql_count(PGconn *pg, const char *sql, const char *param)
{
	const char *params[1] = {param};
	PGresult *res = PQexecParams(pg, sql, param ? 1 : 0, NULL, params, NULL,
	                             NULL, 0);
	long long v;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		th_die("%s: %s", sql, PQresultErrorMessage(res));
	v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return v;
}

/* th_sql_count on a connection of its own. */
long long
th_sql_count_at(const char *conninfo, const char *sql, const char *param)
{
	PGconn *pg = th_pg(conninfo);
	long long v = th_sql_count(pg, sql, param);

	PQfinish(pg);
	return v;
}

struct cs_client *
th_connect(const struct th_daemon *d, const char *user, const char *password)
{
	struct cs_options o = {.server = d->server,
	                       .user = user,
	                       .password = password,
	                       .timeout_ms = 20000};
	struct cs_client *c = NULL;
	struct cs_error err;
	double deadline = th_now() + 20;

	/* a daemon just started may not have reached PostgreSQL yet: it
	 * says "unavailable", and a client retries, as a real one does; so
	 * too when other logins of the account or the address are being
	 * checked at the moment ("too many attempts, retry in 1 s") */
	while (cs_connect(&o, &c, &err) != 0 &&
	       (err.code == CALLSHEET__ERROR_CODE__UNAVAILABLE ||
	        err.code == CALLSHEET__ERROR_CODE__OVERLOADED ||
	        (err.code == CALLSHEET__ERROR_CODE__TOO_MANY_ATTEMPTS &&
	         err.retry_after_s <= 1)) &&
	       th_now() < deadline)
		usleep(50000);
	if (c == NULL)
		th_die("connect to %s as %s: %s", d->server,
		       user ? user : "(nobody)", err.message);
	return c;
}

int
th_raw_connect(const struct th_daemon *d)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
	                          .sin_port = htons((uint16_t)d->port)};
	struct timeval tv = {10, 0};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		th_die("connect to %s: %s", d->server, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

void
th_wait_ready(const struct th_daemon *d, const char *user, const char *password)
{
	struct cs_client *c = th_connect(d, user, password);
	double deadline = th_now() + 30;
	Callsheet__Taxonomy *t = NULL;
	struct cs_error err;

	while (cs_get_taxonomy(c, &t, &err) != 0) {
		if (err.code != CALLSHEET__ERROR_CODE__UNAVAILABLE ||
		    th_now() > deadline)
			th_die("the daemon does not serve its codes: %s",
			       err.message);
		usleep(50000);
	}
	callsheet__taxonomy__free_unpacked(t, NULL);
	cs_close(c);
}

static char *default_topics[] = {"residence"};

/* A valid consultation, with a fresh id, for tests to adjust. */
void
th_sheet_init(Callsheet__Sheet *s, uint8_t id[CS_UUID_LEN])
{
	callsheet__sheet__init(s);
	uuid_generate(id);
	s->id.data = id;
	s->id.len = CS_UUID_LEN;
	s->has_id = s->has_call_start = s->has_duration_s = true;
	s->call_start = (int64_t)time(NULL) - 600;
	s->duration_s = 420;
	s->caller = "individual";
	s->department = "75";
	s->household = "woman";
	s->origin = "africa";
	s->n_topics = 1;
	s->topics = default_topics;
}

bool
th_log_one(struct cs_client *c)
{
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct cs_error err;

	th_sheet_init(&s, id);
	if (cs_log_sheet(c, &s, NULL, &err) == 0)
		return true;
	fprintf(stderr, "harness: logging a sheet: %s\n", err.message);
	return false;
}

/* ---------------------------------------------------- processes, clusters */

void
th_asan_no_quarantine(void)
{
	const char *asan = getenv("ASAN_OPTIONS");
	char *opts = xasprintf("%s%squarantine_size_mb=0", asan ? asan : "",
	                       asan ? ":" : "");

	setenv("ASAN_OPTIONS", opts, 1);
	free(opts);
}

long
th_rss_kb(pid_t pid)
{
	char path[64], line[256];
	FILE *f;
	long kb = -1;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int
th_fd_count(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

static void
fixture(const char *cmd, const char *dir, const char *arg)
{
	char *argv[] = {"bash",      (char *)env("CALLSHEET_TEST_PGFIXTURE"),
	                (char *)cmd, (char *)dir,
	                (char *)arg, NULL};

	free(run_capture(argv, NULL));
}

char *
th_read_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (f == NULL || fgets(line, sizeof line, f) == NULL)
		th_die("cannot read a line from %s", path);
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line);
}

char *
th_cluster_start(const char *dir)
{
	char path[300];

	for (size_t i = 0; i < MAX_CLUSTERS; i++)
		if (clusters[i] == NULL) {
			clusters[i] = xstrdup(dir);
			break;
		}
	fixture("start", dir, "durable");
	snprintf(path, sizeof path, "%s/conninfo", dir);
	return th_read_line(path);
}

void
th_cluster_halt(const char *dir, bool immediate)
{
	fixture("halt", dir, immediate ? "immediate" : NULL);
}

void
th_cluster_resume(const char *dir)
{
	fixture("resume", dir, NULL);
}

void
th_cluster_stop(const char *dir)
{
	for (size_t i = 0; i < MAX_CLUSTERS; i++)
		if (clusters[i] != NULL && strcmp(clusters[i], dir) == 0) {
			free(clusters[i]);
			clusters[i] = NULL;
		}
	fixture("stop", dir, NULL);
}

void
th_sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		th_die("'%s' failed (status %d)", cmd, rc);
	free(cmd);
}
