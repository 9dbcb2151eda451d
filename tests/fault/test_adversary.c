/* test_adversary.c: the attacks of issue 11 on callsheetd's port, each
 * run WHILE two jurists log sheets: late logins at the login deadline, a
 * login flood from many source addresses, heavy queries pipelined and
 * hung up on, thousands of connections from one source, clients that
 * never read their answers, slowloris, big frames before a login, the
 * login throttle's table filled with locked made-up names. During each:
 * the daemon stays up, a jurist's LogSheet is answered within 2 s and a
 * fresh jurist login within 5 s; the daemon's memory stays within its
 * documented bound; and at the end every acknowledged sheet is stored exactly
 * once.
 *
 * Attackers come from 127.0.X.Y (the jurists from 127.0.0.1), so that
 * per-source limits are what they meet. The short form runs in ctest;
 * CALLSHEET_ADVERSARY_FULL=1 runs the long one (docs/SECURITY.md), and
 * CALLSHEET_ADVERSARY_ONLY=late|flood|pileup|mass|unread|slow|fill|big
 * only that attack. */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"
#include "raw.h"

#define LOGIN_TIMEOUT 5   /* s: the daemon's, short for the late logins */
#define FRAME_TIMEOUT 2   /* s: slowloris is cut after this */
#define PER_SOURCE    256 /* max_connections_per_source, the default */
#define MAX_OUTPUT    (1u << 20)
#define MAX_FRAME     65536
#define MAX_READS     2    /* max_reads_in_flight, the default */
#define LOG_LIMIT     2.0  /* s: a jurist's LogSheet, answered */
#define LOGIN_LIMIT   5.0  /* s: a fresh jurist login, done */
#define PAGE_BOUND_KB 1024 /* an export page of 5,000 sheets, built */
#define BIG_CONNS     400  /* unauthenticated connections with a big frame */
#define PRELOGIN_KB   8    /* what one may hold (docs/SECURITY.md) */
#define LOG_BURST     10   /* login messages a second, then a count */
#define THROTTLE_ROWS 64   /* login_throttle_entries: small, to fill */
#define FILL_NAMES    80   /* made-up names locked, more than the rows */
#define FILL_FAILS    5    /* failures each: login_attempts, the default */

struct knobs {
	double attack_s;      /* how long each attack lasts */
	unsigned late_conns;  /* late logins per round */
	unsigned late_rounds; /* rounds */
	unsigned flood_addrs; /* source addresses of the login flood */
	unsigned flood_per;   /* attacker threads per address */
	unsigned sheets;      /* rows the heavy queries read */
	unsigned pile_conns;  /* reporters piling queries up */
	unsigned pile_each;   /* queries each pipelines before hanging up */
	unsigned mass;        /* connections from one source */
	unsigned unread;      /* clients that never read */
	unsigned unread_each; /* export pages each asks for */
	unsigned slow;        /* slowloris connections */
};
static const struct knobs short_form = {
        .attack_s = 3,
        .late_conns = 48,
        .late_rounds = 1,
        .flood_addrs = 8,
        .flood_per = 4,
        .sheets = 60000,
        .pile_conns = 10,
        .pile_each = 64,
        .mass = 2000,
        .unread = 10,
        .unread_each = 64,
        .slow = 100,
};
static const struct knobs full_form = {
        .attack_s = 20,
        .late_conns = 120,
        .late_rounds = 3,
        .flood_addrs = 32,
        .flood_per = 4,
        .sheets = 300000,
        .pile_conns = 10,
        .pile_each = 64,
        .mass = 10000,
        .unread = 10,
        .unread_each = 64,
        .slow = 1000,
};
static struct knobs k;
static const char *only; /* one attack, or NULL: all */

static bool
wanted(const char *name)
{
	return only == NULL || strcmp(only, name) == 0;
}

static struct th_daemon d;
static char *conninfo;
static struct load *jurists;
static struct cs_client *probe_conn;
static unsigned probe_acks; /* sheets the probe had acknowledged */
static long rss_base;
static atomic_bool stop_attack;

/* ------------------------------------------------------------- probing */

struct measure {
	const char *attack;
	double log_max, login_max;
	unsigned logs, logins, log_fail, login_fail;
	long rss_max;
};

static void
probe_log(struct measure *m)
{
	double t0 = th_now(), dt;

	if (th_log_one(probe_conn))
		probe_acks++;
	else
		m->log_fail++;
	dt = th_now() - t0;
	m->logs++;
	if (dt > m->log_max)
		m->log_max = dt;
}

/* A fresh jurist logs in, as a workstation does (retrying when told to). */
static void
probe_login(struct measure *m)
{
	struct cs_options o = {.server = d.server,
	                       .user = "jurist2",
	                       .password = "pass",
	                       .timeout_ms = 10000};
	struct cs_client *c = NULL;
	struct cs_error err;
	double t0 = th_now(), dt;

	while (cs_connect(&o, &c, &err) != 0 && th_now() - t0 < 10 &&
	       (err.code == CALLSHEET__ERROR_CODE__TOO_MANY_ATTEMPTS ||
	        err.code == CALLSHEET__ERROR_CODE__OVERLOADED))
		usleep(100000);
	dt = th_now() - t0;
	m->logins++;
	if (c == NULL) {
		m->login_fail++;
		fprintf(stderr, "  %s: fresh login failed: %s\n", m->attack,
		        err.message);
	} else
		cs_close(c);
	if (dt > m->login_max)
		m->login_max = dt;
}

/* Probes for `seconds` while an attack runs: a LogSheet every 0.25 s, a
 * fresh login every 1 s; and the daemon's memory. */
static void
probe(struct measure *m, double seconds)
{
	double end = th_now() + seconds, next_login = th_now();

	while (th_now() < end && th_daemon_alive(&d)) {
		long kb = th_rss_kb(d.pid);

		if (kb > m->rss_max)
			m->rss_max = kb;
		probe_log(m);
		if (th_now() >= next_login) {
			probe_login(m);
			next_login = th_now() + 1;
		}
		usleep(250000);
	}
}

static void
report(const struct measure *m)
{
	bool alive = th_daemon_alive(&d);

	printf("  %-28s LogSheet max %.3f s (%u), login max %.3f s (%u), "
	       "RSS max %ld kB (+%ld)\n",
	       m->attack, m->log_max, m->logs, m->login_max, m->logins,
	       m->rss_max, m->rss_max - rss_base);
	CHECK(alive, "%s: the daemon survives", m->attack);
	CHECK(m->log_fail == 0 && m->logs > 0 && m->log_max <= LOG_LIMIT,
	      "%s: every jurist's LogSheet answered within %.0f s (max "
	      "%.3f s, %u failed)",
	      m->attack, LOG_LIMIT, m->log_max, m->log_fail);
	CHECK(m->login_fail == 0 && m->logins > 0 &&
	              m->login_max <= LOGIN_LIMIT,
	      "%s: every fresh jurist login done within %.0f s (max %.3f s, "
	      "%u failed)",
	      m->attack, LOGIN_LIMIT, m->login_max, m->login_fail);
	if (!alive)
		th_die("the daemon died during %s", m->attack);
}

/* Lines the daemon has logged so far. */
static long
log_lines(void)
{
	char *log = th_daemon_log(&d);
	long n = 0;

	for (const char *p = log; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	free(log);
	return n;
}

/* ------------------------------------------------------------ attackers */

struct attacker {
	pthread_t t;
	unsigned index;
	unsigned done; /* attempts made */
};

static void
source(char *buf, size_t len, unsigned net, unsigned host)
{
	snprintf(buf, len, "127.0.%u.%u", net, host % 250 + 1);
}

/* Late logins: hello, then a login just before the deadline, half of the
 * clients hanging up at once; the password checks are still queued when
 * the deadline closes the connections (the crash of issue 11, 1). */
static void *
late_main(void *arg)
{
	struct attacker *a = arg;
	int *fds = xcalloc(k.late_conns, sizeof *fds);
	char src[32];

	for (unsigned round = 0; round < k.late_rounds && !stop_attack;
	     round++) {
		for (unsigned i = 0; i < k.late_conns; i++) {
			source(src, sizeof src, 1, i % 8);
			fds[i] = raw_connect_from(src, d.port);
			if (fds[i] >= 0 && !raw_hello(fds[i], 1)) {
				close(fds[i]);
				fds[i] = -1;
			}
		}
		usleep((LOGIN_TIMEOUT * 1000 - 300) * 1000);
		for (unsigned i = 0; i < k.late_conns; i++)
			if (fds[i] >= 0)
				raw_login(fds[i], 2, "nobody", "wrong");
		for (unsigned i = 0; i < k.late_conns; i++) {
			if (fds[i] < 0)
				continue;
			if (i % 2 == 1)
				raw_wait_closed(fds[i], 3);
			close(fds[i]);
			a->done++;
		}
	}
	free(fds);
	return NULL;
}

/* A login flood: unknown names, as fast as answers come, one login after
 * another on each connection, from one source address per attacker
 * group. */
static void *
flood_main(void *arg)
{
	struct attacker *a = arg;
	char src[32], user[32];

	source(src, sizeof src, 2, a->index % k.flood_addrs);
	while (!stop_attack) {
		int fd = raw_connect_from(src, d.port);

		if (fd < 0) {
			usleep(10000);
			continue;
		}
		if (raw_hello(fd, 1) && raw_read_error(fd, 5, NULL, 0) == 0)
			for (uint32_t id = 2; !stop_attack; id++) {
				snprintf(user, sizeof user, "nobody%u",
				         a->done);
				if (!raw_login(fd, id, user, "guess") ||
				    raw_read_error(fd, 10, NULL, 0) < 0)
					break;
				a->done++;
			}
		close(fd);
	}
	return NULL;
}

/* The throttle table filled: one made-up name per attacker (and source
 * address) failed FILL_FAILS times, so locked for login_delay_max. */
static void *
fill_main(void *arg)
{
	struct attacker *a = arg;
	char src[32], user[32];

	source(src, sizeof src, 5, a->index);
	snprintf(user, sizeof user, "madeup%u", a->index);
	for (unsigned i = 0; i < FILL_FAILS; i++) {
		int fd = raw_connect_from(src, d.port);

		if (fd < 0)
			break;
		if (raw_hello(fd, 1) && raw_read_error(fd, 5, NULL, 0) == 0 &&
		    raw_login(fd, 2, user, "guess") &&
		    raw_read_error(fd, 10, NULL, 0) ==
		            CALLSHEET__ERROR_CODE__UNAUTHENTICATED)
			a->done++;
		close(fd);
	}
	return NULL;
}

/* Slowloris: a hello frame, one byte at a time, never finished in time. */
static void *
slow_main(void *arg)
{
	struct attacker *a = arg;
	unsigned n = k.slow;
	int *fds = xcalloc(n, sizeof *fds);
	static const uint8_t bytes[] = {0, 0, 0, 40, 0x08, 0x01, 0x12};
	char src[32];

	for (unsigned i = 0; i < n; i++) {
		source(src, sizeof src, 4, i % 16);
		fds[i] = raw_connect_from(src, d.port);
	}
	for (unsigned b = 0; !stop_attack; b++) {
		for (unsigned i = 0; i < n; i++)
			if (fds[i] >= 0 &&
			    !raw_write(fds[i], &bytes[b % sizeof bytes], 1)) {
				close(fds[i]);
				fds[i] = -1;
				a->done++; /* cut by the daemon */
			}
		usleep(500000);
	}
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0) {
			if (raw_wait_closed(fds[i], 0.01))
				a->done++; /* cut by the daemon */
			close(fds[i]);
		}
	free(fds);
	return NULL;
}

/* Runs fn on nthreads attacker threads while probing; what: what their
 * count says. */
static void
attack(const char *name, const char *what, void *(*fn)(void *),
       unsigned nthreads, struct measure *m)
{
	struct attacker *a = xcalloc(nthreads, sizeof *a);
	unsigned total = 0;

	memset(m, 0, sizeof *m);
	m->attack = name;
	stop_attack = false;
	for (unsigned i = 0; i < nthreads; i++) {
		a[i].index = i;
		pthread_create(&a[i].t, NULL, fn, &a[i]);
	}
	probe(m, k.attack_s);
	stop_attack = true;
	for (unsigned i = 0; i < nthreads; i++) {
		pthread_join(a[i].t, NULL);
		total += a[i].done;
	}
	printf("  %s: %u %s by %u attackers\n", name, total, what, nthreads);
	free(a);
}

/* Issue 11, the outside attacker's first finding: the login throttle's
 * table filled with locked made-up names, then a flood of fresh ones;
 * a table full of records it must keep refused every new name, the real
 * jurist's included ("retry in ~500 s"). */
static void
test_fill(void)
{
	struct attacker *a = xcalloc(FILL_NAMES, sizeof *a);
	unsigned locked = 0;
	struct measure m;

	for (unsigned i = 0; i < FILL_NAMES; i++) {
		a[i].index = i;
		pthread_create(&a[i].t, NULL, fill_main, &a[i]);
	}
	for (unsigned i = 0; i < FILL_NAMES; i++) {
		pthread_join(a[i].t, NULL);
		locked += a[i].done == FILL_FAILS;
	}
	free(a);
	printf("  throttle table of %d: %u made-up names locked\n",
	       THROTTLE_ROWS, locked);
	CHECK(locked >= THROTTLE_ROWS,
	      "the attack fills the table: %u made-up names failed %d times",
	      locked, FILL_FAILS);
	attack("throttle table filled, new names", "logins", flood_main,
	       k.flood_addrs * k.flood_per, &m);
	report(&m);
}

/* Issue 11, the outside attacker's second finding: unauthenticated
 * connections each a hello, then a max_frame header and most of its body
 * (2,000 of them took 165 MB). Before a login, only small frames. */
static void
test_big_prelogin(void)
{
	struct measure m = {.attack = "big frames before a login"};
	static uint8_t body[MAX_FRAME - 536];
	static const uint8_t header[] = {0, 1, 0, 0}; /* MAX_FRAME */
	int *fds = xcalloc(BIG_CONNS, sizeof *fds);
	long base = th_rss_kb(d.pid), after;
	unsigned refused = 0;
	char src[32], msg[160] = "", one[160];

	for (unsigned i = 0; i < BIG_CONNS; i++) {
		source(src, sizeof src, 6, i % 10);
		fds[i] = raw_connect_from(src, d.port);
		if (fds[i] < 0)
			continue;
		/* the daemon may close at the header: the body then fails */
		if (raw_hello(fds[i], 1) &&
		    raw_read_error(fds[i], 5, NULL, 0) == 0 &&
		    raw_write(fds[i], header, sizeof header))
			(void)raw_write(fds[i], body, sizeof body);
	}
	after = th_rss_kb(d.pid);
	probe(&m, 1);
	if (after > m.rss_max)
		m.rss_max = after;
	for (unsigned i = 0; i < BIG_CONNS; i++) {
		if (fds[i] < 0)
			continue;
		if (raw_read_error(fds[i], 0.2, one, sizeof one) ==
		    CALLSHEET__ERROR_CODE__BAD_REQUEST) {
			refused++;
			snprintf(msg, sizeof msg, "%s", one);
		}
		close(fds[i]);
	}
	free(fds);
	printf("  %d connections sent a %d-byte frame before a login: %u "
	       "refused (\"%s\"); VmRSS +%ld kB\n",
	       BIG_CONNS, MAX_FRAME, refused, msg, m.rss_max - base);
	CHECK(m.rss_max - base <= BIG_CONNS * PRELOGIN_KB,
	      "%d unauthenticated connections hold at most %d kB each (+%ld "
	      "kB)",
	      BIG_CONNS, PRELOGIN_KB, m.rss_max - base);
	/* the answers the close's reset did not discard */
	CHECK(refused > 0 &&
	              strstr(msg, "limit of 4096 before a login") != NULL,
	      "refused BAD_REQUEST naming the limit (%u read)", refused);
	m.rss_max = 0; /* report()'s line: measured above */
	report(&m);
}

/* ---------------------------------------------------- pile-up, unread */

static void
heavy_query(Callsheet__Request *req, Callsheet__Query *q, uint32_t id)
{
	static char *group[] = {"department", "hour"};

	callsheet__request__init(req);
	callsheet__query__init(q);
	/* not whole months: read from the sheets, not the rollup */
	q->from = "2020-01-02";
	q->to = "2030-12-30";
	q->group_by = group;
	q->n_group_by = 2;
	q->has_duration_stats = true;
	q->duration_stats = true;
	req->id = id;
	req->has_id = true;
	req->body_case = CALLSHEET__REQUEST__BODY_QUERY;
	req->query = q;
}

static void
export_page(Callsheet__Request *req, Callsheet__Export *e, uint32_t id)
{
	callsheet__request__init(req);
	callsheet__export__init(e);
	e->has_limit = true;
	e->limit = 5000;
	req->id = id;
	req->has_id = true;
	req->body_case = CALLSHEET__REQUEST__BODY_EXPORT;
	req->export = e;
}

/* Queries the daemon's pool still runs for anybody (the reporters that
 * hung up: their queries must be dropped or cancelled). */
static long long
queries_running(void)
{
	return th_sql_count_at(conninfo,
	                       "SELECT count(*) FROM pg_stat_activity WHERE "
	                       "state = 'active' AND query LIKE $1 AND pid <> "
	                       "pg_backend_pid()",
	                       "%count(*) FROM sheet s%");
}

static void
test_pileup(void)
{
	struct measure m = {.attack = "heavy queries, hung up"};
	int *fds = xcalloc(k.pile_conns, sizeof *fds);
	double t0;
	long long running;

	for (unsigned i = 0; i < k.pile_conns; i++) {
		fds[i] = raw_session(d.port, "reporter1", "pass");
		for (unsigned q = 0; q < k.pile_each; q++) {
			Callsheet__Request req;
			Callsheet__Query qq;

			heavy_query(&req, &qq, 10 + q);
			if (!raw_send(fds[i], &req))
				break;
		}
	}
	usleep(300000);
	for (unsigned i = 0; i < k.pile_conns; i++)
		close(fds[i]); /* hang up with every answer owed */
	probe(&m, k.attack_s);
	t0 = th_now();
	while ((running = queries_running()) > 0 && th_now() - t0 < 30)
		usleep(100000);
	printf("  %u reporters piled %u heavy queries each and hung up: "
	       "PostgreSQL quiet %.2f s after the probes\n",
	       k.pile_conns, k.pile_each, th_now() - t0);
	CHECK(running == 0,
	      "the queries of clients that hung up are dropped or cancelled "
	      "(still running: %lld)",
	      running);
	report(&m);
	free(fds);
}

/* Clients that pipeline export pages and never read: what each holds in
 * the daemon stays within max_frame + max_output + max_reads_in_flight
 * pages being built. */
static void
test_unread(void)
{
	struct measure m = {.attack = "clients that never read"};
	int *fds = xcalloc(k.unread, sizeof *fds);
	long before = th_rss_kb(d.pid), bound_kb;

	for (unsigned i = 0; i < k.unread; i++) {
		int buf = 4096;

		fds[i] = raw_session(d.port, "jurist1", "pass");
		/* a small receive buffer: the kernel holds little for us */
		setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
		for (unsigned q = 0; q < k.unread_each; q++) {
			Callsheet__Request req;
			Callsheet__Export e;

			export_page(&req, &e, 10 + q);
			if (!raw_send(fds[i], &req))
				break;
		}
	}
	probe(&m, k.attack_s);
	bound_kb = (long)k.unread * ((MAX_FRAME + MAX_OUTPUT) / 1024 +
	                             MAX_READS * PAGE_BOUND_KB);
	printf("  %u clients x %u export pages unread: RSS %ld kB before, "
	       "%ld kB at most (+%ld kB; bound +%ld kB)\n",
	       k.unread, k.unread_each, before, m.rss_max, m.rss_max - before,
	       bound_kb);
	CHECK(m.rss_max - before <= bound_kb,
	      "memory held for clients that never read stays within "
	      "max_frame + max_output + max_reads_in_flight pages each (+%ld "
	      "kB, bound +%ld kB)",
	      m.rss_max - before, bound_kb);
	report(&m);
	for (unsigned i = 0; i < k.unread; i++)
		close(fds[i]);
	free(fds);
}

/* Thousands of connections from one source: past its share, refused at
 * once; the jurists (another source) are not. */
static void
test_mass(void)
{
	struct measure m = {.attack = "connections from one source"};
	int *fds = xcalloc(k.mass, sizeof *fds);
	unsigned open_ = 0, refused = 0, failed = 0;

	for (unsigned i = 0; i < k.mass; i++) {
		fds[i] = raw_connect_from("127.0.3.1", d.port);
		if (fds[i] < 0) {
			failed++;
			if (errno == EMFILE || errno == ENFILE)
				break;
			continue;
		}
		open_++;
	}
	/* the refusals come at once; the others wait for a hello until
	 * login_timeout: what has said nothing after 2 s is served */
	for (double end = th_now() + 2; th_now() < end;) {
		struct pollfd *p = xcalloc(k.mass, sizeof *p);

		for (unsigned i = 0; i < k.mass; i++) {
			p[i].fd = fds[i];
			p[i].events = POLLIN;
		}
		if (poll(p, k.mass, 100) > 0)
			for (unsigned i = 0; i < k.mass; i++) {
				if (fds[i] < 0 || !(p[i].revents & POLLIN))
					continue;
				if (raw_read_error(fds[i], 1, NULL, 0) ==
				    CALLSHEET__ERROR_CODE__OVERLOADED)
					refused++;
				close(fds[i]);
				fds[i] = -1;
			}
		free(p);
	}
	probe(&m,
	      k.attack_s < LOGIN_TIMEOUT - 1 ? k.attack_s : LOGIN_TIMEOUT - 1);
	printf("  %u connections from 127.0.3.1 (%u could not be made): %u "
	       "refused OVERLOADED, %u served\n",
	       open_, failed, refused, open_ - refused);
	CHECK(open_ - refused <= PER_SOURCE,
	      "one source holds at most max_connections_per_source (%u) "
	      "connections (%u)",
	      PER_SOURCE, open_ - refused);
	report(&m);
	for (unsigned i = 0; i < k.mass; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/* ------------------------------------------------------------------ */

static void
seed_sheets(void)
{
	char *sql = xasprintf(
	        "INSERT INTO sheet (id, jurist_id, call_start, duration_s, "
	        "call_type, department, household) SELECT gen_random_uuid(), "
	        "(SELECT id FROM account WHERE name = 'jurist1'), "
	        "timestamptz '2025-01-01' + g * interval '7 minutes', 60 + g "
	        "%% 900, (SELECT min(id) FROM taxonomy WHERE dimension = "
	        "'call_type'), (SELECT min(id) + g %% 90 FROM taxonomy WHERE "
	        "dimension = 'department'), (SELECT min(id) FROM taxonomy "
	        "WHERE dimension = 'household') FROM generate_series(1, %u) "
	        "g",
	        k.sheets);
	PGconn *pg = th_pg(conninfo);
	PGresult *res = PQexec(pg, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		th_die("seeding sheets: %s", PQerrorMessage(pg));
	PQclear(res);
	/* folded now, as the daemon would have done as they came: not a
	 * backlog of hundreds of thousands for its first fold to lock */
	res = PQexec(pg, "SELECT rollup_fold()");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		th_die("folding the seeded sheets: %s", PQerrorMessage(pg));
	PQclear(res);
	PQfinish(pg);
	free(sql);
}

static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < k.mass + 600) {
		k.mass = rl.rlim_cur > 1100 ? (unsigned)rl.rlim_cur - 600 : 500;
		printf("  descriptors limited to %ld: %u connections from one "
		       "source\n",
		       (long)rl.rlim_cur, k.mass);
	}
}

static void
stop_on_die(void)
{
	if (d.pid > 0)
		th_daemon_kill(&d);
}

int
main(void)
{
	char to[16], fo[16];
	char rows[16];
	const char *extra[] = {"--login-timeout",
	                       to,
	                       "--frame-timeout",
	                       fo,
	                       "--login-throttle-entries",
	                       rows,
	                       "--log-level",
	                       "info",
	                       NULL};
	const char *full = getenv("CALLSHEET_ADVERSARY_FULL");
	struct measure m;
	long long before;

	signal(SIGPIPE, SIG_IGN);
	k = full != NULL && strcmp(full, "1") == 0 ? full_form : short_form;
	only = getenv("CALLSHEET_ADVERSARY_ONLY");
	printf("  %s form (CALLSHEET_ADVERSARY_FULL=1: the long one)\n",
	       k.attack_s > short_form.attack_s ? "long" : "short");
	raise_fd_limit();
	snprintf(to, sizeof to, "%d", LOGIN_TIMEOUT);
	snprintf(fo, sizeof fo, "%d", FRAME_TIMEOUT);
	snprintf(rows, sizeof rows, "%d", THROTTLE_ROWS);
	th_asan_no_quarantine();

	conninfo = th_createdb("t_fault_adversary");
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_create_user(conninfo, "jurist2", "jurist", "pass");
	th_create_user(conninfo, "reporter1", "reporter", "pass");
	seed_sheets();
	th_on_die(stop_on_die);
	th_daemon_start_at(&d, conninfo, 0, true, extra);
	th_wait_ready(&d, "jurist1", "pass");

	before = th_sql_count_at(conninfo, "SELECT count(*) FROM sheet", NULL);
	jurists = load_start(d.server, "jurist1", "pass", 2);
	probe_conn = th_connect(&d, "jurist2", "pass");
	load_wait(jurists, LOAD_ACKED, 20, 30);
	rss_base = th_rss_kb(d.pid);
	printf("  daemon VmRSS %ld kB with two jurists logging\n", rss_base);

	if (wanted("big")) /* first: before other attacks grow the heap */
		test_big_prelogin();
	if (wanted("late")) {
		attack("late logins at the deadline", "late logins", late_main,
		       1, &m);
		report(&m);
	}
	if (wanted("flood")) {
		long lines = log_lines();

		attack("login flood, many sources", "logins", flood_main,
		       k.flood_addrs * k.flood_per, &m);
		report(&m);
		lines = log_lines() - lines;
		printf("  the daemon's log: %ld lines during the flood\n",
		       lines);
		/* issue 11: one line per refused login, 230,000 a minute;
		 * now LOG_BURST a second of each kind (refused, failed,
		 * delays) and a count, and a line per connection closed */
		CHECK(lines <= (long)(k.attack_s + 3) * 3 * (LOG_BURST + 1) +
		                       2 * k.flood_addrs * k.flood_per + 40,
		      "the login flood's messages are limited to %d a second "
		      "of each kind and a count (%ld lines in %.0f s)",
		      LOG_BURST, lines, k.attack_s);
	}
	if (wanted("pileup"))
		test_pileup();
	if (wanted("mass"))
		test_mass();
	if (wanted("unread"))
		test_unread();
	if (wanted("slow")) {
		attack("slowloris", "connections cut", slow_main, 1, &m);
		report(&m);
	}
	if (wanted("fill"))
		test_fill();

	cs_close(probe_conn);
	load_finish(jurists, conninfo, before + probe_acks);
	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	free(conninfo);
	return th_finish();
}
