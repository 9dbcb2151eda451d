/* fuzz_lifecycle.c: libFuzzer target for the life of connections: the
 * input is a script of events, played in its order on up to four real
 * connections (conn.c, dispatch.c, the handlers, with fake-io.c in manual
 * mode for the database and the hashing threads): a connection opens,
 * request bytes arrive (whole, or a frame cut short), the deadlines fire
 * (conn_sweep), the peer closes, the client reads or does not, and any
 * pending database result or password check completes, in any order. A
 * callback that outlives its connection or request (the login crash of
 * issue 11) is then a use-after-free AddressSanitizer reports; anything
 * left unanswered or unfreed at the end is a failure too.
 *
 * Byte 0 chooses the fake database's behaviour (0: every operation
 * succeeds); then each event is one byte (its low 3 bits the kind, the
 * rest its argument), DO_SEND takes one more (which request). */
#include <sys/socket.h>
#include <sys/un.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "callsheetd.h"
#include "fake-io.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CONNS 4

enum event_kind {
	DO_OPEN,     /* a connection (arg: logged in already, or not) */
	DO_SEND,     /* request bytes arrive (next byte: which) */
	DO_SWEEP,    /* time passes and the deadlines sweep runs */
	DO_HANGUP,   /* the peer closes its end */
	DO_COMPLETE, /* a pending database result or check completes */
	DO_LOOP,     /* the loop runs (socket reads and writes) */
	DO_READ,     /* the client reads what it was sent */
	DO_PARTIAL,  /* a frame's first bytes, and no more */
};

/* The requests a client may send, packed once. */
struct frame {
	uint8_t *bytes;
	size_t len;
};
static struct frame frames[10];
static size_t nframes;

static int clients[MAX_CONNS] = {-1, -1, -1, -1};
static time_t fake_now;

static void
add_frame(Callsheet__Request *req)
{
	frames[nframes].bytes = frame_pack(&req->base, &frames[nframes].len);
	nframes++;
}

static void
make_frames(void)
{
	static uint8_t id[CS_UUID_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	static char *topics[] = {"residence"}, *group[] = {"department"};
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Hello h = CALLSHEET__HELLO__INIT;
	Callsheet__Login l = CALLSHEET__LOGIN__INIT;
	Callsheet__LogSheet ls = CALLSHEET__LOG_SHEET__INIT;
	Callsheet__Sheet s = CALLSHEET__SHEET__INIT;
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Export e = CALLSHEET__EXPORT__INIT;
	Callsheet__Watch w = CALLSHEET__WATCH__INIT;
	Callsheet__GetTaxonomy gt = CALLSHEET__GET_TAXONOMY__INIT;

	h.protocol_version = CS_PROTOCOL_VERSION;
	h.has_protocol_version = true;
	req.id = 1;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_HELLO;
	req.hello = &h;
	add_frame(&req);
	l.user = "jurist1";
	l.password = "pass";
	req.id = 2;
	req.body_case = CALLSHEET__REQUEST__BODY_LOGIN;
	req.login = &l;
	add_frame(&req);
	l.password = "wrong";
	add_frame(&req);
	s.id.data = id;
	s.id.len = sizeof id;
	s.has_id = s.has_call_start = s.has_duration_s = true;
	s.call_start = (int64_t)time(NULL) - 600;
	s.duration_s = 60;
	s.caller = "individual";
	s.department = "75";
	s.household = "woman";
	s.origin = "africa";
	s.topics = topics;
	s.n_topics = 1;
	ls.sheet = &s;
	req.id = 3;
	req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEET;
	req.log_sheet = &ls;
	add_frame(&req);
	q.from = "2025-01-01";
	q.to = "2025-02-01";
	q.group_by = group;
	q.n_group_by = 1;
	req.id = 4;
	req.body_case = CALLSHEET__REQUEST__BODY_QUERY;
	req.query = &q;
	add_frame(&req);
	req.id = 5;
	req.body_case = CALLSHEET__REQUEST__BODY_EXPORT;
	req.export = &e;
	add_frame(&req);
	req.id = 6;
	req.body_case = CALLSHEET__REQUEST__BODY_WATCH;
	req.watch = &w;
	add_frame(&req);
	req.id = 7;
	req.body_case = CALLSHEET__REQUEST__BODY_GET_TAXONOMY;
	req.get_taxonomy = &gt;
	add_frame(&req);
}

static void
open_conn(unsigned arg)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct conn *c;
	int sv[2], i;

	for (i = 0; i < MAX_CONNS && clients[i] >= 0; i++)
		;
	if (i == MAX_CONNS)
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
		abort();
	conn_accept(sv[0], (struct sockaddr *)&sun, sizeof sun);
	clients[i] = sv[1];
	c = TAILQ_LAST(&conns, conn_list);
	if (c != NULL && (arg & 1)) { /* as if logged in as a jurist */
		c->session.account_id = 7;
		c->session.role = CALLSHEET__ROLE__JURIST;
		fake_io_logged_in(c);
	}
}

/* Bytes from client i; lost if its socket is full or the daemon closed
 * its end, as they would be. */
static void
send_bytes(int i, const uint8_t *p, size_t len)
{
	ssize_t n = 0;

	if (clients[i] >= 0)
		n = write(clients[i], p, len);
	(void)n;
}

/* What the client was sent: read and dropped (the answers' contents are
 * fuzz_dispatch's business). */
static void
read_all(int i)
{
	uint8_t buf[4096];

	while (clients[i] >= 0 && read(clients[i], buf, sizeof buf) > 0)
		;
}

static void
loop_once(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fake_io_daemon_init();
	cfg->max_in_flight = 4;
	cfg->batch_max = 4;
	cfg->login_timeout = 1;
	cfg->frame_timeout = 1;
	cfg->idle_timeout = 2;
	make_frames();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	if (size < 1)
		return 0;
	/* byte 0: 0, every operation succeeds; else the fake database's
	 * failures follow a sequence seeded by it */
	if (data[0] == 0)
		fake_io_always_ok(true);
	else
		fake_io_seed(data[0]);
	fake_io_manual(true);
	fake_now = time(NULL);
	for (i = 1; i < size; i++) {
		unsigned kind = data[i] & 7, arg = data[i] >> 3;
		int who = (int)(arg % MAX_CONNS);

		switch (kind) {
		case DO_OPEN:
			open_conn(arg);
			break;
		case DO_SEND:
			if (i + 1 < size) {
				const struct frame *f =
				        &frames[data[++i] % nframes];

				send_bytes(who, f->bytes, f->len);
			}
			break;
		case DO_SWEEP:
			fake_now += 1 + arg % 4;
			conn_sweep(fake_now);
			break;
		case DO_HANGUP:
			if (clients[who] >= 0) {
				close(clients[who]);
				clients[who] = -1;
			}
			break;
		case DO_COMPLETE:
			fake_io_complete(arg);
			break;
		case DO_LOOP:
			loop_once();
			break;
		case DO_READ:
			read_all(who);
			break;
		case DO_PARTIAL:
			send_bytes(who, frames[arg % nframes].bytes, 3);
			break;
		}
	}
	/* the end: every client leaves, everything pending completes, and
	 * nothing may be left behind */
	for (int c = 0; c < MAX_CONNS; c++)
		if (clients[c] >= 0) {
			close(clients[c]);
			clients[c] = -1;
		}
	for (int n = 0; n < 1000 && !TAILQ_EMPTY(&conns); n++)
		loop_once();
	conn_close_all();
	fake_io_manual(false);
	for (int n = 0;
	     n < 100000 && (fake_io_pending() > 0 || batch_pending() > 0 ||
	                    login_pending() > 0);
	     n++) {
		loop_once();
		login_shutdown(); /* unknown names: answered now */
	}
	if (fake_io_pending() != 0 || batch_pending() != 0 ||
	    login_pending() != 0 || !TAILQ_EMPTY(&conns))
		abort(); /* work never answered, or a connection never gone */
	return 0;
}
