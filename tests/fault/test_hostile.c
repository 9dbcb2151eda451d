/* test_hostile.c: hostile and broken clients, each answered as
 * docs/PROTOCOL.md says ("Bad input"), while two legitimate jurists keep
 * logging all along: they must keep getting acknowledgements, the
 * daemon's memory must stay bounded, and every sheet they had
 * acknowledged must be stored exactly once at the end. */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "load.h"
#include "raw.h"

/* the login timeout must outlast opening the 2,000 idle connections on a
 * loaded machine under ASan: with 2 s, the first ones timed out before
 * the last were accepted, and the limit was never reached */
#define LOGIN_TIMEOUT "4"
#define IDLE_TIMEOUT  "6"
/* Connections that never say a word, and the daemon's limit: 2,000 and
 * 1,500, or fewer if the descriptor limit cannot be raised that far. */
static unsigned idle_flood = 2000, max_connections = 1500;
#define TRICKLERS 100
#define PIPELINED 3000 /* requests sent without reading, */
#define PADDING   8000 /* each this big: more than the kernel buffers */

static struct th_daemon d;
static struct load *bystanders;
static char *conninfo;
static long rss_base, rss_peak;
static int fds_base;

static void
sample_rss(const char *when)
{
	long kb = th_rss_kb(d.pid);

	if (kb > rss_peak)
		rss_peak = kb;
	printf("  daemon VmRSS %ld kB %s\n", kb, when);
}

/* The legitimate jurists are still served: n more acknowledgements. */
static void
still_served(const char *during)
{
	double t = load_wait(bystanders, LOAD_ACKED, 20, 15);

	printf("  legitimate clients: 20 acknowledgements in %.2f s %s\n", t,
	       during);
}

/* The daemon is back to its usual descriptors: every hostile
 * connection is gone. */
static void
fds_settle(const char *what)
{
	double deadline = th_now() + 10;
	int n;

	while ((n = th_fd_count(d.pid)) > fds_base + 4 && th_now() < deadline)
		usleep(20000);
	CHECK(n <= fds_base + 4,
	      "%s: the daemon closed those connections (%d descriptors, "
	      "%d before)",
	      what, n, fds_base);
}

static Callsheet__Request *
request(uint32_t id)
{
	static Callsheet__Request req;

	callsheet__request__init(&req);
	req.id = id;
	req.has_id = true;
	return &req;
}

/* ---------------------------------------------- bad frames: error, close */

struct bad_frame {
	const char *what;
	const uint8_t *bytes;
	size_t len;
	const char *needle; /* in the error message */
};

static void
test_bad_frames(void)
{
	static const uint8_t over[] = {0, 1, 0, 1, 0x08, 0x01};
	static const uint8_t huge[] = {0x7f, 0xff, 0xff, 0xff, 1, 2, 3};
	static const uint8_t empty[] = {0, 0, 0, 0};
	static const uint8_t garbage[] = {0,    0,    0,    6,    0xff,
	                                  0xff, 0xff, 0xff, 0xff, 0xff};
	/* field 1 (id, a varint) sent as bytes */
	static const uint8_t wire[] = {0, 0, 0, 3, 0x0a, 0x01, 0x00};
	const struct bad_frame cases[] = {
	        {"a frame over the limit (65,537 bytes)", over, sizeof over,
	         "exceeds the limit of 65536"},
	        {"a frame of 2 GiB", huge, sizeof huge, "exceeds the limit"},
	        {"an empty frame", empty, sizeof empty, "empty frame"},
	        {"invalid protobuf", garbage, sizeof garbage,
	         "not a valid request"},
	        {"a field of the wrong wire type", wire, sizeof wire,
	         "not a valid request"},
	};

	for (size_t i = 0; i < nitems(cases); i++) {
		int fd = raw_connect(d.port);
		char msg[512];
		int code;

		raw_write(fd, cases[i].bytes, cases[i].len);
		code = raw_read_error(fd, 10, msg, sizeof msg);
		CHECK(code == CALLSHEET__ERROR_CODE__BAD_REQUEST,
		      "%s: answered bad request (got %d: %s)", cases[i].what,
		      code, msg);
		CHECK(strstr(msg, cases[i].needle) != NULL,
		      "%s: the message says why ('%s')", cases[i].what, msg);
		CHECK(raw_wait_closed(fd, 10), "%s: then closed",
		      cases[i].what);
		close(fd);
	}
}

/* ------------------------------------------ truncated frames, silence */

/* Two connections left with half a frame, checked later (the timeouts
 * run meanwhile, while the other tests go on). */
static int cut_before_login, cut_in_session;
static double cut_at;

/* A request without its id is a valid frame: refused alone (with id 0,
 * the only one it can be answered with), and the connection goes on. */
static void
test_request_without_id(void)
{
	/* a Hello without field 1 (id) */
	static const uint8_t no_id[] = {0, 0, 0, 4, 0x12, 0x02, 0x08, 0x01};
	int fd = raw_connect(d.port);
	char msg[512];
	int code;

	raw_write(fd, no_id, sizeof no_id);
	code = raw_read_error(fd, 10, msg, sizeof msg);
	CHECK(code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strstr(msg, "id: missing") != NULL,
	      "a request without its id: refused, naming the id (%d: %s)", code,
	      msg);
	raw_write(fd, no_id, sizeof no_id);
	code = raw_read_error(fd, 10, msg, sizeof msg);
	CHECK(code == CALLSHEET__ERROR_CODE__BAD_REQUEST,
	      "the connection stays open: the next request is answered too "
	      "(%d: %s)",
	      code, msg);
	close(fd);
}

static void
test_truncated_start(void)
{
	static const uint8_t part[] = {0, 0, 0, 100, 0x08, 0x01, 0x12};
	int fd = raw_connect(d.port);

	/* a frame cut short, then the client leaves: nothing to answer */
	raw_write(fd, part, sizeof part);
	shutdown(fd, SHUT_WR);
	CHECK(raw_wait_closed(fd, 10),
	      "a truncated frame then EOF: the connection is closed");
	close(fd);

	/* cut short, then silence: before login, and in a session */
	cut_before_login = raw_connect(d.port);
	raw_write(cut_before_login, part, sizeof part);
	cut_in_session = raw_session(d.port, "jurist1", "pass");
	raw_write(cut_in_session, part, sizeof part);
	cut_at = th_now();
}

/* Told why (unauthenticated, the message saying `needle`), then closed. */
static void
expect_timeout(int fd, const char *needle, const char *what)
{
	char msg[512];

	CHECK(raw_read_error(fd, 15, msg, sizeof msg) ==
	              CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
	      "%s: unauthenticated (%s)", what, msg);
	CHECK(strstr(msg, needle) != NULL, "%s: the message says '%s': %s",
	      what, needle, msg);
	CHECK(raw_wait_closed(fd, 5), "%s: then closed", what);
	close(fd);
}

static void
test_truncated_finish(void)
{
	/* the login timeout ends the first, the idle timeout the second:
	 * half a frame is not activity */
	expect_timeout(cut_before_login, "no login within " LOGIN_TIMEOUT,
	               "a truncated frame, then silence");
	expect_timeout(cut_in_session, "idle for " IDLE_TIMEOUT,
	               "a truncated frame in a session, then silence");
	printf("  truncated frames: closed at the login and idle timeouts, "
	       "the last %.1f s after\n",
	       th_now() - cut_at);
}

/* --------------------------- unknown types, repeated fields: answered */

static void
expect_answer(int fd, uint32_t id, int want, const char *needle,
              const char *what)
{
	bool closed;
	Callsheet__ServerMessage *m = raw_read(fd, 10, &closed);
	const Callsheet__Response *r = m != NULL ? m->response : NULL;
	int code = -1;
	const char *msg = "";

	if (r != NULL) {
		code = r->body_case == CALLSHEET__RESPONSE__BODY_ERROR
		               ? (int)r->error->code
		               : 0;
		msg = code != 0 ? r->error->message : "";
	}
	CHECK(r != NULL && r->id == id, "%s: answered (request %u)", what, id);
	CHECK(code == want, "%s: code %d expected, got %d (%s)", what, want,
	      code, msg);
	if (needle != NULL)
		CHECK(strstr(msg, needle) != NULL,
		      "%s: the message says '%s' (%s)", what, needle, msg);
	if (m != NULL)
		callsheet__server_message__free_unpacked(m, NULL);
}

static void
bad_query(int fd, uint32_t id, Callsheet__Query *q, const char *needle,
          const char *what)
{
	Callsheet__Request *req = request(id);

	req->body_case = CALLSHEET__REQUEST__BODY_QUERY;
	req->query = q;
	raw_send(fd, req);
	expect_answer(fd, id, CALLSHEET__ERROR_CODE__BAD_REQUEST, needle, what);
}

static void
test_unknown_and_repeated(void)
{
	/* id 7, then field 99 (length 0): a request kind from the future */
	static const uint8_t future[] = {0, 0, 0, 5, 0x08, 0x07, 0x9a, 0x06, 0};
	int fd = raw_session(d.port, "jurist1", "pass");
	Callsheet__Request *req;
	Callsheet__LogSheet ls = CALLSHEET__LOG_SHEET__INIT;
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__GetTaxonomy gt = CALLSHEET__GET_TAXONOMY__INIT;
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	char **many = xcalloc(5000, sizeof *many);
	Callsheet__Filter f = CALLSHEET__FILTER__INIT;
	Callsheet__Filter **filters = xcalloc(3000, sizeof *filters);
	uint8_t *frame = xcalloc(1, 65536);
	uint32_t n;

	raw_write(fd, future, sizeof future);
	expect_answer(fd, 7, CALLSHEET__ERROR_CODE__BAD_REQUEST,
	              "which this server does not know",
	              "an unknown request type");

	/* 5,000 copies of one topic */
	th_sheet_init(&s, id);
	for (int i = 0; i < 5000; i++)
		many[i] = "entry";
	s.topics = many;
	s.n_topics = 5000;
	ls.sheet = &s;
	req = request(8);
	req->body_case = CALLSHEET__REQUEST__BODY_LOG_SHEET;
	req->log_sheet = &ls;
	raw_send(fd, req);
	expect_answer(fd, 8, CALLSHEET__ERROR_CODE__BAD_REQUEST,
	              "more than once", "a topic repeated 5,000 times");

	/* 3,000 filters, then 2,000 group-by dimensions */
	f.dimension = "department";
	f.value = "75";
	for (int i = 0; i < 3000; i++)
		filters[i] = &f;
	q.from = "2025-01-01";
	q.to = "2026-01-01";
	q.filters = filters;
	q.n_filters = 3000;
	bad_query(fd, 9, &q, "given; at most 60", "a query with 3,000 filters");
	q.n_filters = 0;
	q.group_by = many;
	q.n_group_by = 2000;
	bad_query(fd, 10, &q, "2000 dimensions; at most 2",
	          "a query grouped by 2,000 dimensions");

	/* a full frame of empty unknown fields: 32,000 of them */
	n = 2;
	frame[4] = 0x08;
	frame[5] = 11; /* id 11 */
	while (n + 3 <= 65536 - 4) {
		frame[4 + n++] = 0x9a; /* field 99, length 0 */
		frame[4 + n++] = 0x06;
		frame[4 + n++] = 0;
	}
	frame[0] = (uint8_t)(n >> 24);
	frame[1] = (uint8_t)(n >> 16);
	frame[2] = (uint8_t)(n >> 8);
	frame[3] = (uint8_t)n;
	raw_write(fd, frame, 4 + n);
	expect_answer(fd, 11, CALLSHEET__ERROR_CODE__BAD_REQUEST,
	              "which this server does not know",
	              "32,000 unknown fields");

	/* and the session still works */
	req = request(12);
	req->body_case = CALLSHEET__REQUEST__BODY_GET_TAXONOMY;
	req->get_taxonomy = &gt;
	raw_send(fd, req);
	expect_answer(fd, 12, 0, NULL, "a request after all that");
	close(fd);
	free(many);
	free(filters);
	free(frame);
}

/* ---------------------------------------- pipelined, never read: paused */

struct writer {
	int fd;
	unsigned sent; /* whole frames written */
	pthread_mutex_t lock;
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	Callsheet__GetTaxonomy gt = CALLSHEET__GET_TAXONOMY__INIT;
	char *lang = xmalloc(PADDING + 1);

	/* "fr" then padding: still a French taxonomy request */
	memset(lang, 'x', PADDING);
	memcpy(lang, "fr", 2);
	lang[PADDING] = '\0';
	gt.lang = lang;
	for (unsigned i = 0; i < PIPELINED; i++) {
		Callsheet__Request req = CALLSHEET__REQUEST__INIT;

		req.id = 100 + i;
		req.has_id = true;
		req.body_case = CALLSHEET__REQUEST__BODY_GET_TAXONOMY;
		req.get_taxonomy = &gt;
		if (!raw_send(w->fd, &req))
			break;
		pthread_mutex_lock(&w->lock);
		w->sent++;
		pthread_mutex_unlock(&w->lock);
	}
	free(lang);
	return NULL;
}

static unsigned
writer_sent(struct writer *w)
{
	unsigned n;

	pthread_mutex_lock(&w->lock);
	n = w->sent;
	pthread_mutex_unlock(&w->lock);
	return n;
}

static void
test_pipelined_unread(void)
{
	struct writer w = {.fd = raw_session(d.port, "jurist1", "pass")};
	pthread_t t;
	unsigned last = 0, got = 0, stalled_at;
	double since = th_now(), deadline = th_now() + 30;
	bool closed = false;

	pthread_mutex_init(&w.lock, NULL);
	pthread_create(&t, NULL, writer_main, &w);
	/* the daemon stops reading: the writer blocks, half-way */
	while (th_now() - since < 0.5) {
		unsigned n = writer_sent(&w);

		if (n != last) {
			last = n;
			since = th_now();
		}
		if (th_now() > deadline)
			break;
		usleep(10000);
	}
	stalled_at = writer_sent(&w);
	CHECK(stalled_at < PIPELINED,
	      "requests not read back: the daemon stops taking more (%u of "
	      "%u went in)",
	      stalled_at, PIPELINED);
	printf("  %u requests pipelined without reading: the daemon "
	       "stopped reading after %u\n",
	       PIPELINED, stalled_at);
	sample_rss("with a client that does not read");
	still_served("while a client does not read its answers");

	/* reading again: every request is answered, once */
	while (got < PIPELINED && !closed) {
		Callsheet__ServerMessage *m = raw_read(w.fd, 10, &closed);

		if (m == NULL)
			break;
		if (m->response != NULL && m->response->id == 100 + got &&
		    m->response->body_case ==
		            CALLSHEET__RESPONSE__BODY_TAXONOMY)
			got++;
		callsheet__server_message__free_unpacked(m, NULL);
	}
	pthread_join(t, NULL);
	CHECK(got == PIPELINED,
	      "once read, every pipelined request is answered, in order "
	      "(%u of %u)",
	      got, PIPELINED);
	close(w.fd);
	pthread_mutex_destroy(&w.lock);
}

/* ------------------------------------------------ thousands of idle fds */

static void
test_idle_flood(void)
{
	int *fds = xcalloc(idle_flood, sizeof *fds);
	unsigned opened = 0, refused = 0, timed_out = 0;
	char msg[512];

	for (unsigned i = 0; i < idle_flood; i++)
		if ((fds[i] = raw_connect(d.port)) >= 0)
			opened++;
	/* over the limit: told "overloaded", and closed */
	for (unsigned i = 0; i < idle_flood; i++) {
		int code;

		if (fds[i] < 0)
			continue;
		code = raw_read_error(fds[i], i + 1 >= max_connections ? 2 : 0,
		                      msg, sizeof msg);
		if (code == CALLSHEET__ERROR_CODE__OVERLOADED)
			refused++;
		else if (code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED &&
		         strstr(msg, "no login within") != NULL)
			timed_out++; /* already: the wait was that long */
		else
			continue;
		close(fds[i]);
		fds[i] = -1;
	}
	CHECK(opened == idle_flood,
	      "all %u connections were accepted by "
	      "the kernel (%u)",
	      idle_flood, opened);
	sample_rss("with the connection limit reached");
	still_served("while the connection limit is reached");
	/* the login timeout sweeps the silent ones out */
	for (unsigned i = 0; i < idle_flood; i++) {
		if (fds[i] < 0)
			continue;
		int code = raw_read_error(fds[i], 10, msg, sizeof msg);

		if (code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED &&
		    strstr(msg, "no login within") != NULL)
			timed_out++;
		else if (code == CALLSHEET__ERROR_CODE__OVERLOADED)
			refused++; /* its refusal came in late */
		else
			fprintf(stderr, "idle connection %u: %d %s\n", i, code,
			        msg);
		close(fds[i]);
	}
	printf("  %u idle connections opened: %u refused as overloaded, %u "
	       "closed at the login timeout\n",
	       opened, refused, timed_out);
	CHECK(refused >= idle_flood - max_connections &&
	              refused <= idle_flood - max_connections + 10,
	      "past max_connections (%d), connections are refused with "
	      "'overloaded' (%u refused)",
	      max_connections, refused);
	CHECK(timed_out + refused == opened,
	      "every silent connection was closed at the login timeout "
	      "(%u of %u)",
	      timed_out, opened - refused);
	fds_settle("idle flood");
	free(fds);
}

/* ----------------------------------------------------- slow trickles */

static void
test_trickle(void)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Hello h = CALLSHEET__HELLO__INIT;
	int fds[TRICKLERS];
	uint8_t *hello;
	size_t len, sent = 0;
	unsigned closed = 0;
	double t0 = th_now();
	char msg[512];

	h.protocol_version = CS_PROTOCOL_VERSION;
	h.has_protocol_version = true;
	h.client_name = "a very slow client, one byte at a time";
	req.id = 1;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_HELLO;
	req.hello = &h;
	hello = frame_pack(&req.base, &len);
	for (int i = 0; i < TRICKLERS; i++)
		fds[i] = raw_connect(d.port);
	/* one byte each every 100 ms: the hello would take 5 s to arrive */
	while (sent < len && closed < TRICKLERS && th_now() - t0 < 10) {
		for (int i = 0; i < TRICKLERS; i++)
			if (fds[i] >= 0 &&
			    !raw_write(fds[i], hello + sent, 1)) {
				close(fds[i]);
				fds[i] = -1;
				closed++;
			}
		sent++;
		usleep(100000);
	}
	for (int i = 0; i < TRICKLERS; i++) {
		if (fds[i] < 0)
			continue;
		if (raw_read_error(fds[i], 5, msg, sizeof msg) ==
		            CALLSHEET__ERROR_CODE__UNAUTHENTICATED ||
		    raw_wait_closed(fds[i], 1))
			closed++;
		close(fds[i]);
	}
	CHECK(closed == TRICKLERS,
	      "%d clients trickling a hello byte by byte are cut off at the "
	      "login timeout (%u were)",
	      TRICKLERS, closed);
	printf("  %d trickling clients cut off within %.1f s\n", TRICKLERS,
	       th_now() - t0);
	free(hello);
	still_served("after the trickling clients");
	fds_settle("trickle");
}

/* ----------------------------------- a client killed in the middle of a
 * frame; a client that closes its sending side after a request */

static void
test_killed_and_half_closed(void)
{
	Callsheet__Request *req = request(5);
	Callsheet__LogSheet ls = CALLSHEET__LOG_SHEET__INIT;
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN], *frame;
	char text[CS_UUID_STRLEN];
	size_t len;
	pid_t pid;
	int status, fd, timer;
	PGconn *pg;
	long long n = 0;
	double t0;

	th_sheet_init(&s, id);
	ls.sheet = &s;
	req->body_case = CALLSHEET__REQUEST__BODY_LOG_SHEET;
	req->log_sheet = &ls;
	frame = frame_pack(&req->base, &len);

	if ((pid = fork()) == 0) {
		int c = raw_session(d.port, "jurist1", "pass");

		raw_write(c, frame, len / 2);
		raise(SIGKILL);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status), "the client was killed mid-frame");
	fds_settle("client killed mid-frame");

	/* a sheet, then shutdown(SHUT_WR): the daemon has read the request;
	 * it still stores the sheet (the client, which saw no answer,
	 * resends it from its spool and is told "duplicate") */
	fd = raw_session(d.port, "jurist1", "pass");
	t0 = th_now();
	do {
		struct raw_tcp tcp = {.timer = -1};

		raw_server_end(d.port, raw_local_port(fd), &tcp);
		timer = tcp.timer;
	} while (timer != 2 && th_now() - t0 < 3 && usleep(20000) == 0);
	CHECK(timer == 2,
	      "the daemon's end of a session has TCP keepalive "
	      "armed (timer %d)",
	      timer);
	raw_write(fd, frame, len);
	shutdown(fd, SHUT_WR);
	CHECK(raw_wait_closed(fd, 10), "a half-closed client is closed");
	close(fd);
	uuid_format(id, text);
	pg = th_pg(conninfo);
	t0 = th_now();
	while (th_now() - t0 < 10 &&
	       (n = th_sql_count(pg, "SELECT count(*) FROM sheet WHERE id = $1",
	                         text)) == 0)
		usleep(20000);
	CHECK(n == 1,
	      "the sheet sent before the half-close is stored once "
	      "(%lld)",
	      n);
	PQfinish(pg);
	free(frame);
	fds_settle("half-closed client");
}

/* ------------------------------------------------------------------ */

static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		th_die("getrlimit");
	if (rl.rlim_cur < idle_flood * 2 + 200) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			th_die("setrlimit: %s", strerror(errno));
	}
	/* the test's end and the daemon's end of each connection */
	if (rl.rlim_cur < idle_flood * 2 + 200) {
		idle_flood = ((unsigned)rl.rlim_cur - 200) / 2;
		max_connections = idle_flood * 3 / 4;
		printf("  descriptors limited to %ld: %u idle connections, "
		       "max_connections %u\n",
		       (long)rl.rlim_cur, idle_flood, max_connections);
	}
	if (idle_flood < 200)
		th_die("too few descriptors (%ld) for this test",
		       (long)rl.rlim_cur);
}

int
main(void)
{
	char limit[16];
	const char *extra[] = {"--login-timeout", LOGIN_TIMEOUT,
	                       "--idle-timeout", IDLE_TIMEOUT,
	                       "--max-connections", limit,
	                       /* one source here: this is the global limit */
	                       "--max-connections-per-source", limit,
	                       "--log-level", "warn", NULL};

	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	snprintf(limit, sizeof limit, "%u", max_connections);
	th_asan_no_quarantine();

	conninfo = th_createdb("t_fault_hostile");
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "pass");
	th_daemon_start_at(&d, conninfo, 0, true, extra);
	bystanders = load_start(d.server, "jurist1", "pass", 2);
	load_wait(bystanders, LOAD_ACKED, 50, 20);
	rss_base = rss_peak = th_rss_kb(d.pid);
	fds_base = th_fd_count(d.pid);
	printf("  daemon VmRSS %ld kB, %d descriptors, under normal load\n",
	       rss_base, fds_base);

	test_truncated_start();
	test_bad_frames();
	test_request_without_id();
	still_served("after bad frames");
	test_unknown_and_repeated();
	still_served("after unknown and repeated fields");
	test_pipelined_unread();
	test_truncated_finish();
	test_idle_flood();
	test_trickle();
	test_killed_and_half_closed();
	still_served("at the end");
	sample_rss("at the end");

	/* 32 MB: the output buffer of the client that did not read (1 MB,
	 * max_output), 1,500 connections (a few kB each), and allocator
	 * slack; measured: under 10 MB */
	CHECK(rss_peak - rss_base < 32 * 1024,
	      "the daemon's memory stays bounded: peak %ld kB, %ld kB over "
	      "the start",
	      rss_peak, rss_peak - rss_base);

	load_finish(bystanders, conninfo, 1);
	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	free(conninfo);
	return th_finish();
}
