/* fuzz_dispatch.c: libFuzzer target for the daemon's request path: bytes
 * arrive on a real connection (conn.c framing, decoding, dispatch.c, the
 * req-*.c handlers, validation, batching), with the database and the
 * worker threads replaced by fake-io.c. Every byte the daemon writes back
 * must decode as a ServerMessage, and nothing may be left behind.
 *
 * Input: byte 0 chooses the session the bytes arrive in (new connection,
 * after hello, logged in with some role) and whether the timeout sweep
 * runs at the end; byte 1 seeds the fake database's behaviour; the rest
 * is the client's byte stream. */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
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

/* The daemon's answers, split into frames as they come. */
struct reader {
	uint8_t buf[1 << 16];
	size_t len;
	unsigned frames;
};

static void
check_frames(struct reader *r)
{
	size_t off = 0;

	for (;;) {
		uint32_t len;
		Callsheet__ServerMessage *m;
		enum frame_status st =
		        frame_peek(r->buf + off, r->len - off,
		                   CS_FRAME_MAX_DEFAULT * 4, &len);

		if (st == FRAME_INCOMPLETE)
			break;
		if (st != FRAME_READY)
			abort(); /* the daemon wrote a frame it would refuse */
		m = callsheet__server_message__unpack(
		        NULL, len, r->buf + off + CS_FRAME_HEADER);
		if (m == NULL)
			abort(); /* the daemon wrote something undecodable */
		callsheet__server_message__free_unpacked(m, NULL);
		off += CS_FRAME_HEADER + len;
		r->frames++;
	}
	memmove(r->buf, r->buf + off, r->len - off);
	r->len -= off;
}

/* Take what the daemon wrote; false once it closed its end. */
static bool
drain(int fd, struct reader *r)
{
	for (;;) {
		ssize_t n;

		if (r->len == sizeof r->buf)
			abort(); /* one frame larger than any it may send */
		n = read(fd, r->buf + r->len, sizeof r->buf - r->len);
		if (n > 0) {
			r->len += (size_t)n;
			check_frames(r);
			continue;
		}
		return !(n == 0 || (errno != EAGAIN && errno != EINTR));
	}
}

static unsigned
owed(void)
{
	struct conn *c;
	unsigned n = fake_io_pending() + batch_pending() + login_pending();

	TAILQ_FOREACH(c, &conns, entry)
	n += c->in_flight;
	return n;
}

/* Run the loop until nothing more happens on its own. */
static void
settle(int fd, struct reader *r)
{
	for (int i = 0; i < 100000; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		drain(fd, r);
		if (owed() == 0)
			return;
	}
	abort(); /* requests that are never answered */
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fake_io_daemon_init();
	cfg->max_in_flight = 8; /* reach backpressure with short inputs */
	cfg->batch_max = 4;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const Callsheet__Role roles[] = {
	        CALLSHEET__ROLE__JURIST, CALLSHEET__ROLE__REPORTER,
	        CALLSHEET__ROLE__ADMIN, CALLSHEET__ROLE__ROLE_NONE};
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	static struct reader r;
	struct conn *c;
	int sv[2];
	size_t off = 2;
	unsigned spins = 0;

	if (size < 2)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
		abort();
	r.len = 0;
	r.frames = 0;
	fake_io_seed(data[1]);
	conn_accept(sv[0], (struct sockaddr *)&sun, sizeof sun);
	c = TAILQ_LAST(&conns, conn_list);
	switch (data[0] & 3) {
	case 1:
		conn_set_state(c, CONN_LOGIN);
		break;
	case 2:
	case 3:
		c->session.account_id = 7;
		c->session.role = roles[(data[0] >> 2) & 3];
		fake_io_logged_in(c);
		break;
	}
	while (off < size) {
		ssize_t n = write(sv[1], data + off, size - off);

		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			break; /* the daemon closed: the rest is not read */
		event_base_loop(base, EVLOOP_NONBLOCK);
		drain(sv[1], &r);
		if (++spins > 1000000)
			abort(); /* the daemon stopped reading for good */
	}
	settle(sv[1], &r);
	if (data[0] & 0x10) {
		conn_sweep(time(NULL) + 100000); /* every timeout expires */
		settle(sv[1], &r);
	}
	/* the client leaves; whatever is still open closes */
	close(sv[1]);
	for (int i = 0; i < 100 && !TAILQ_EMPTY(&conns); i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	conn_close_all();
	login_shutdown();
	settle(-1, &r);
	if (batch_pending() != 0 || fake_io_pending() != 0)
		abort();
	if (getenv("CALLSHEET_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "%zu bytes in, %u frames out\n", size,
		        r.frames);
	return 0;
}
