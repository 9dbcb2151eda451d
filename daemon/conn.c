/* conn.c: one client connection: its life as one state machine (from its
 * first byte, sniffed for TLS, to its free), framing of its byte stream,
 * backpressure, its deadlines (swept by janitor.c), and a deferred free
 * once nothing refers to it. TLS is tls.c's: a connection sees a
 * bufferevent once it knows its first byte.
 *
 * Ownership (the one rule for every asynchronous completion, see also
 * docs/ARCHITECTURE.md):
 *  - A connection is referenced by the list of live connections and by
 *    each of its requests not yet answered (dispatch() takes the
 *    reference, conn_request_done() drops it); it is freed when its
 *    socket is gone (CONN_DEAD) and the last reference goes.
 *  - A pending operation (database, hashing, taxonomy reload, batch)
 *    points at its request, never at the connection directly, and so
 *    holds the connection through it.
 *  - Answering (req_reply, req_error, req_fail) releases the request and
 *    its reference: nothing may touch the request or the connection after
 *    the answer. conn_request_done() resumes reading by itself.
 *  - A connection that dies while work is pending becomes CONN_DEAD: its
 *    password check not started is skipped (worker_cancel), its queued
 *    reads fail at once and its running read is cancelled on the server
 *    (db_cancel_owner); whatever still completes answers into a dead
 *    connection, which only frees. A dead connection never comes back to
 *    another state.
 * Debug builds check it: a freed or dead connection used where only a
 * live one may be is a fatal error naming the caller (conn_check).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "callsheetd.h"

/* A connection told to go away gets this long to read why. */
#define CLOSING_GRACE 5
/* struct conn's magic while allocated, and once freed */
#define CONN_MAGIC 0x636f6e6eu
#define CONN_FREED 0xdeadc0deu

struct conn_list conns = TAILQ_HEAD_INITIALIZER(conns);
unsigned nconns;
static uint64_t next_serial = 1;
/* conn_drain(): no request is read any more; settled() hears of answers */
static bool stopping;
static void (*settled_cb)(void);

static void conn_process(struct conn *c);

static const char *
conn_state_name(enum conn_state s)
{
	static const char *names[CONN_NSTATES] = {
	        [CONN_SNIFF] = "sniff",
	        [CONN_TLS] = "tls",
	        [CONN_HELLO] = "hello",
	        [CONN_LOGIN] = "login",
	        [CONN_AUTHENTICATING] = "authenticating",
	        [CONN_READY] = "ready",
	        [CONN_CLOSING] = "closing",
	        [CONN_DEAD] = "dead",
	};
	return names[s];
}

#ifndef NDEBUG
/* Debug builds: a connection used after it was freed (or a dead one
 * brought back) is a bug in the ownership rule above: stop at once. */
void
conn_check_at(const struct conn *c, const char *where)
{
	if (c == NULL || c->magic != CONN_MAGIC)
		fatalx("%s: use of a freed connection", where);
}
#endif

/* The life of a connection: from each state, the states it may go to. */
#define TO(s) (1u << CONN_##s)
static const unsigned next_states[CONN_NSTATES] = {
        /* a plaintext first byte is refused: nothing more to say */
        [CONN_SNIFF] = TO(TLS) | TO(DEAD),
        /* a handshake that fails leaves nothing to say anything on */
        [CONN_TLS] = TO(HELLO) | TO(DEAD),
        [CONN_HELLO] = TO(LOGIN) | TO(CLOSING) | TO(DEAD),
        [CONN_LOGIN] = TO(AUTHENTICATING) | TO(CLOSING) | TO(DEAD),
        [CONN_AUTHENTICATING] = TO(READY) | TO(LOGIN) | TO(CLOSING) | TO(DEAD),
        [CONN_READY] = TO(CLOSING) | TO(DEAD),
        [CONN_CLOSING] = TO(DEAD),
        [CONN_DEAD] = 0,
};
#undef TO

/* The one setter: a transition the table does not have is a bug (fatal
 * in debug builds, logged and refused otherwise). */
void
conn_set_state(struct conn *c, enum conn_state state)
{
	conn_check(c);
	if ((next_states[c->state] & (1u << state)) == 0) {
#ifndef NDEBUG
		fatalx("conn %llu: %s -> %s is not a transition",
		       (unsigned long long)c->serial, conn_state_name(c->state),
		       conn_state_name(state));
#else
		log_error("conn %llu: %s -> %s is not a transition; ignored",
		          (unsigned long long)c->serial,
		          conn_state_name(c->state), conn_state_name(state));
		return;
#endif
	}
	log_debug("conn %llu: %s -> %s", (unsigned long long)c->serial,
	          conn_state_name(c->state), conn_state_name(state));
	c->state = state;
}

/* Draining: whoever waits for every answer to be given hears of one. */
static void
conn_settled(void)
{
	if (settled_cb != NULL)
		settled_cb();
}

static void
conn_hold(struct conn *c)
{
	c->refs++;
}

static void
conn_release(struct conn *c)
{
	if (--c->refs == 0 && c->state == CONN_DEAD) {
		log_debug("conn %llu: freed", (unsigned long long)c->serial);
		c->magic = CONN_FREED;
		free(c);
		conn_settled();
	}
}

static void
conn_close(struct conn *c, const char *why)
{
	if (c->state == CONN_DEAD)
		return;
	log_info("conn %llu (%s): closed: %s", (unsigned long long)c->serial,
	         c->peer, why);
	watch_forget(c);
	if (c->sniff != NULL)
		event_free(c->sniff);
	c->sniff = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->bev != NULL) {
		tls_bev_goodbye(c->bev);
		bufferevent_free(c->bev);
	}
	c->bev = NULL;
	conn_set_state(c, CONN_DEAD);
	TAILQ_REMOVE(&conns, c, entry);
	nconns--;
	source_leave(c->addr_key);
	/* dead first: the answers these give go nowhere and read nothing
	 * more. Its password check, if not started, is not worth a thread,
	 * and its queries are not worth the database's time. */
	worker_cancel(c);
	db_cancel_owner(c);
	/* the list's own reference */
	conn_release(c);
}

/*
 * Whether to stop reading requests. A connection holds at most: one frame
 * being received (max_frame; CS_PRELOGIN_FRAME before a login), the requests it
 * is owed answers for and the answers queued (together up to max_output, then
 * reading stops), and the answers of its reads being built (max_reads_in_flight
 * of them): what a client that never reads can make the daemon keep
 * (docs/SECURITY.md).
 */
static bool
conn_must_pause(const struct conn *c)
{
	return stopping || c->state == CONN_AUTHENTICATING ||
	       c->state >= CONN_CLOSING || c->in_flight >= cfg->max_in_flight ||
	       c->reads >= cfg->max_reads_in_flight ||
	       c->held + evbuffer_get_length(bufferevent_get_output(c->bev)) >=
	               cfg->max_output;
}

/* Read interest follows whether we are willing to take more requests. */
static void
conn_update_reading(struct conn *c)
{
	bool pause;

	if (c->bev == NULL)
		return; /* sniffing, or dead */
	pause = conn_must_pause(c);
	if (pause)
		c->frame_started = 0; /* not the client's delay while we wait */
	if (pause && !c->read_paused)
		bufferevent_disable(c->bev, EV_READ);
	else if (!pause && c->read_paused)
		bufferevent_enable(c->bev, EV_READ);
	c->read_paused = pause;
}

/*
 * Queue a frame. On a plaintext socket with nothing queued it is written at
 * once, in the turn of the loop that made it, instead of on the next (an
 * epoll_ctl to ask for the socket's writability, an epoll_wait that
 * returns at once, the write, an epoll_ctl to stop asking): the answer to
 * a jurist's sheet leaves as soon as its commit is known
 * (docs/PERFORMANCE.md). What the socket does not take, and an error,
 * are left to the bufferevent, which writes the rest in order and reports
 * the error as it always does.
 */
static void
conn_write(struct conn *c, const uint8_t *frame, size_t len)
{
	ssize_t n = 0;

	if (c->plain &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		n = send(bufferevent_getfd(c->bev), frame, len,
		         MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		n = 0;
	if ((size_t)n < len)
		bufferevent_write(c->bev, frame + n, len - (size_t)n);
}

void
conn_send(struct conn *c, const Callsheet__ServerMessage *msg)
{
	size_t len;
	uint8_t *frame;

	conn_check(c);
	if (c->state == CONN_DEAD)
		return;
	frame = frame_pack(&msg->base, &len);
	conn_write(c, frame, len);
	free(frame);
}

/* A response with an error and no request id, for a connection-level
 * problem; packed directly so that it also serves sockets we refuse. */
static uint8_t *
error_frame(Callsheet__ErrorCode code, const char *text, unsigned retry,
            size_t *len)
{
	Callsheet__ServerMessage msg = CALLSHEET__SERVER_MESSAGE__INIT;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__Error err = CALLSHEET__ERROR__INIT;

	err.code = code;
	err.has_code = true;
	err.message = (char *)text;
	err.has_retry_after_s = retry > 0;
	err.retry_after_s = retry;
	resp.body_case = CALLSHEET__RESPONSE__BODY_ERROR;
	resp.has_id = true; /* 0: the connection's own error */
	resp.error = &err;
	msg.kind_case = CALLSHEET__SERVER_MESSAGE__KIND_RESPONSE;
	msg.response = &resp;
	return frame_pack(&msg.base, len);
}

/* Stop taking requests; close once what is queued has been written. */
void
conn_finish(struct conn *c)
{
	if (c->state >= CONN_CLOSING)
		return;
	conn_set_state(c, CONN_CLOSING);
	c->last_active = time(NULL);
	conn_update_reading(c);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_close(c, "finished");
}

/* Tell the peer why, then close once the message is out. */
void
conn_fail(struct conn *c, Callsheet__ErrorCode code, const char *fmt, ...)
{
	va_list ap;
	char *text;
	uint8_t *frame;
	size_t len;

	if (c->state >= CONN_CLOSING)
		return;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	if (c->state < CONN_HELLO) { /* no protocol yet to say it in */
		conn_close(c, text);
		free(text);
		return;
	}
	log_warn("conn %llu (%s): %s", (unsigned long long)c->serial, c->peer,
	         text);
	frame = error_frame(code, text, 0, &len);
	conn_write(c, frame, len);
	free(frame);
	free(text);
	conn_finish(c);
}

/* Decode one frame and consume it before dispatching: a handler may
 * answer at once and make us read on, and must not see it again. */
static void
conn_frame(struct conn *c, struct evbuffer *in, uint32_t len)
{
	const uint8_t *p = evbuffer_pullup(in, CS_FRAME_HEADER + len);
	Callsheet__Request *msg;
	struct field_error nul;
	bool has_nul;

	msg = callsheet__request__unpack(NULL, len, p + CS_FRAME_HEADER);
	has_nul = msg != NULL &&
	          wire_text_check(p + CS_FRAME_HEADER, len, &nul) != 0;
	evbuffer_drain(in, CS_FRAME_HEADER + len);
	c->last_active = time(NULL);
	if (msg == NULL) {
		conn_fail(c, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		          "a frame of %u bytes is not a valid request message",
		          len);
		return;
	}
	dispatch(c, msg, len, has_nul ? &nul : NULL);
}

/* A frame begun and not finished starts the frame deadline: a client
 * that trickles a byte at a time must not hold a connection forever. */
static void
frame_pending(struct conn *c, bool partial)
{
	if (!partial)
		c->frame_started = 0;
	else if (c->frame_started == 0)
		c->frame_started = time(NULL);
}

/* Take every complete frame we are willing to handle now. */
static void
conn_process(struct conn *c)
{
	struct evbuffer *in;

	/* an answer given while dispatching calls back here: the loop
	 * below is already running and will go on by itself */
	if (c->processing || c->state < CONN_HELLO)
		return;
	c->processing = true;
	conn_hold(c);
	while (c->state < CONN_CLOSING && !conn_must_pause(c)) {
		size_t avail;
		uint32_t len = 0;
		const uint8_t *p;
		enum frame_status st;
		/* a hello and a login are small: until someone is logged in,
		 * a connection holds a few kB, not max_frame */
		uint32_t limit =
		        c->state < CONN_READY &&
		                        cfg->max_frame > CS_PRELOGIN_FRAME
		                ? CS_PRELOGIN_FRAME
		                : cfg->max_frame;

		in = bufferevent_get_input(c->bev);
		avail = evbuffer_get_length(in);
		if (avail < CS_FRAME_HEADER) {
			frame_pending(c, avail > 0);
			break;
		}
		p = evbuffer_pullup(in, CS_FRAME_HEADER);
		st = frame_peek(p, avail, limit, &len);
		if (st == FRAME_TOO_LARGE) {
			if (c->state < CONN_READY)
				conn_fail(
				        c, CALLSHEET__ERROR_CODE__BAD_REQUEST,
				        "a frame of %u bytes exceeds the limit "
				        "of %u before a login",
				        len, limit);
			else
				conn_fail(
				        c, CALLSHEET__ERROR_CODE__BAD_REQUEST,
				        "a frame of %u bytes exceeds the limit "
				        "of %u",
				        len, limit);
			break;
		}
		if (st == FRAME_EMPTY) {
			conn_fail(c, CALLSHEET__ERROR_CODE__BAD_REQUEST,
			          "an empty frame is not a request");
			break;
		}
		if (st == FRAME_INCOMPLETE) {
			frame_pending(c, true);
			break;
		}
		frame_pending(c, false);
		conn_frame(c, in, len);
	}
	c->processing = false;
	conn_update_reading(c);
	conn_release(c);
}

/* The TLS handshake is over: the protocol begins. */
static void
conn_tls_done(struct conn *c)
{
	char buf[256];

	if (c->state != CONN_TLS)
		return;
	tls_bev_describe(c->bev, buf, sizeof buf);
	log_debug("conn %llu (%s): TLS handshake done: %s",
	          (unsigned long long)c->serial, c->peer, buf);
	conn_set_state(c, CONN_HELLO);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	/* data after a handshake: it is over, whatever came first */
	conn_tls_done(arg);
	conn_process(arg);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (c->state == CONN_CLOSING) {
		conn_close(c, "error sent");
		return;
	}
	/* output drained: requests may be read again */
	conn_process(c);
	/* draining: this may have been the last answer owed */
	conn_settled();
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	char buf[256];
	const char *why;

	if (what & BEV_EVENT_CONNECTED) {
		conn_tls_done(c);
		return;
	}
	conn_hold(c);
	if (what & BEV_EVENT_EOF)
		conn_close(c, "peer closed the connection");
	else if (what & BEV_EVENT_ERROR) {
		if ((why = tls_bev_error(bev, buf, sizeof buf)) == NULL)
			why = evutil_socket_error_to_string(
			        EVUTIL_SOCKET_ERROR());
		conn_close(c, why);
	}
	conn_release(c);
}

/* Called when one of the connection's requests has been answered. */
void
conn_request_done(struct conn *c)
{
	conn_check(c);
	c->in_flight--;
	if (c->state != CONN_DEAD && c->read_paused)
		conn_process(c);
	conn_release(c);
	conn_settled();
}

/* Connections with answers not yet written to their socket. */
unsigned
conn_unsent(void)
{
	struct conn *c;
	unsigned n = 0;

	TAILQ_FOREACH(c, &conns, entry)
	if (c->bev != NULL &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		n++;
	return n;
}

void
conn_resume(struct conn *c)
{
	conn_check(c);
	if (c->state != CONN_DEAD)
		conn_process(c);
}

static void
format_peer(const struct sockaddr *sa, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
		snprintf(out, len, "%s:%u", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
		snprintf(out, len, "[%s]:%u", host, port);
	} else
		snprintf(out, len, "local");
}

/*
 * A socket we will not serve: one best-effort error frame, written without
 * buffering (it is small and the socket is new), then the door. What the
 * peer already sent is read first: closing on unread bytes would reset
 * the connection and could destroy the answer before it is read.
 */
void
conn_refuse(int fd, const struct sockaddr *sa, Callsheet__ErrorCode code,
            const char *text, unsigned retry_after_s)
{
	char peer[64], junk[4096];
	uint8_t *frame;
	size_t len;

	format_peer(sa, peer, sizeof peer);
	log_warn("refusing %s: %s", peer, text);
	for (int i = 0; i < 16; i++) /* bounded: a peer may flood */
		if (recv(fd, junk, sizeof junk, MSG_DONTWAIT) <= 0)
			break;
	frame = error_frame(code, text, retry_after_s, &len);
	if (send(fd, frame, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("refusing %s: %s", peer, strerror(errno));
	free(frame);
	shutdown(fd, SHUT_WR);
	close(fd);
}

/*
 * A peer that vanished without a word (machine off, network gone) leaves
 * a half-open connection that nothing would ever close while it has
 * requests in flight or answers queued: TCP keepalive finds it in about
 * two minutes (60 s idle, then 6 probes 10 s apart).
 */
static void
keepalive(int fd)
{
	int one = 1, idle = 60, interval = 10, count = 6;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

/* A connection begins, in its first state (SNIFF or HELLO); its source
 * was admitted (source_admit). */
static struct conn *
conn_new(const struct sockaddr *sa, enum conn_state first)
{
	struct conn *c = xcalloc(1, sizeof *c);

	c->magic = CONN_MAGIC;
	c->serial = next_serial++;
	format_peer(sa, c->peer, sizeof c->peer);
	throttle_addr_key(sa, c->addr_key, sizeof c->addr_key);
	c->fd = -1;
	c->state = first;
	c->refs = 1; /* the list's */
	c->connected_at = c->last_active = time(NULL);
	TAILQ_INSERT_TAIL(&conns, c, entry);
	nconns++;
	log_debug("conn %llu (%s): accepted (%s)",
	          (unsigned long long)c->serial, c->peer,
	          conn_state_name(first));
	return c;
}

/* The connection's stream is bev (plaintext, or TLS still shaking hands)
 * from now on. */
static void
conn_attach(struct conn *c, struct bufferevent *bev)
{
	c->bev = bev;
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb,
	                  c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/*
 * SNIFF: on a TLS daemon, a connection's first byte says whether the peer
 * speaks TLS; a plaintext client is told in plaintext what is wrong. The
 * login deadline (conn_sweep) counts from the accept.
 */
static void
conn_sniff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct bufferevent *bev;
	unsigned char first;
	ssize_t n;

	(void)what;
	n = recv(fd, &first, 1, MSG_PEEK);
	if (n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		event_add(c->sniff, NULL);
		return;
	}
	if (n <= 0 || stopping) {
		conn_close(c, n == 0  ? "peer closed the connection"
		              : n < 0 ? strerror(errno)
		                      : "daemon stopping");
		return;
	}
	if (!tls_first_byte(first)) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;

		if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
			ss.ss_family = AF_UNSPEC;
		conn_refuse(fd, (struct sockaddr *)&ss,
		            CALLSHEET__ERROR_CODE__BAD_REQUEST,
		            "this server only accepts TLS connections: connect "
		            "with TLS (callsheet --ca FILE, or CALLSHEET_CA)",
		            0);
		c->fd = -1; /* conn_refuse closed it */
		conn_close(c, "not TLS");
		return;
	}
	if ((bev = tls_bev_new(fd)) == NULL) {
		conn_close(c, "TLS could not be set up");
		return;
	}
	event_free(c->sniff);
	c->sniff = NULL;
	c->fd = -1; /* the bufferevent's */
	conn_set_state(c, CONN_TLS);
	conn_attach(c, bev);
}

void
conn_accept(int fd, const struct sockaddr *sa, int salen)
{
	struct bufferevent *bev;
	struct conn *c;
	char key[sizeof((struct conn *)0)->addr_key];
	int one = 1;
	/* a unix-domain socket is this machine's: plaintext, no TCP */
	bool local = sa->sa_family == AF_UNIX;
	bool tls = tls_enabled() && !local;

	(void)salen;
	if (nconns >= cfg->max_connections && tls) {
		/* a TLS client could not read a plaintext answer, and a
		 * handshake for each refusal is what a flood would want */
		log_warn("refusing a connection: %u connections already",
		         nconns);
		close(fd);
		return;
	}
	if (nconns >= cfg->max_connections) {
		conn_refuse(fd, sa, CALLSHEET__ERROR_CODE__OVERLOADED,
		            "the server has too many connections; retry later",
		            5);
		return;
	}
	throttle_addr_key(sa, key, sizeof key);
	if (!source_admit(key)) {
		if (tls) {
			log_warn(
			        "refusing a connection from %s: %u connections "
			        "from there already",
			        key, source_connections(key));
			close(fd);
		} else
			conn_refuse(fd, sa, CALLSHEET__ERROR_CODE__OVERLOADED,
			            "too many connections from your address; "
			            "retry later",
			            5);
		return;
	}
	if (!local) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		keepalive(fd);
	}
	if (tls) {
		c = conn_new(sa, CONN_SNIFF);
		c->fd = fd;
		c->sniff = event_new(base, fd, EV_READ, conn_sniff_cb, c);
		event_add(c->sniff, NULL);
		return;
	}
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_warn("cannot set up a new connection's socket");
		source_leave(key);
		close(fd);
		return;
	}
	c = conn_new(sa, CONN_HELLO);
	c->plain = true;
	conn_attach(c, bev);
}

/* Every deadline of every connection, in one pass (janitor.c calls it
 * once a second): one clock per state, none of its own. */
void
conn_sweep(time_t now)
{
	struct conn *c, *next;

	for (c = TAILQ_FIRST(&conns); c != NULL; c = next) {
		bool late_login =
		        now - c->connected_at >= (time_t)cfg->login_timeout;

		next = TAILQ_NEXT(c, entry);
		if (c->state == CONN_SNIFF && late_login)
			conn_close(c, "sent nothing within login_timeout");
		else if (c->state == CONN_TLS && late_login)
			conn_close(c, "TLS handshake not completed in time");
		else if (c->state < CONN_READY && late_login)
			conn_fail(c, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
			          "no login within %u seconds",
			          cfg->login_timeout);
		else if (c->state < CONN_CLOSING && !c->read_paused &&
		         c->frame_started != 0 &&
		         now - c->frame_started >= (time_t)cfg->frame_timeout)
			conn_fail(c, CALLSHEET__ERROR_CODE__BAD_REQUEST,
			          "a request was not completed within %u "
			          "seconds of its first byte",
			          cfg->frame_timeout);
		else if (c->state == CONN_READY && c->in_flight == 0 &&
		         !c->watching &&
		         now - c->last_active >= (time_t)cfg->idle_timeout)
			conn_fail(c, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
			          "session idle for %u seconds; log in again",
			          cfg->idle_timeout);
		else if (c->state == CONN_CLOSING &&
		         now - c->last_active >= CLOSING_GRACE)
			conn_close(c, "peer did not read the final error");
	}
}

void
conn_drain(void (*settled)(void))
{
	struct conn *c, *next;

	stopping = true;
	settled_cb = settled;
	for (c = TAILQ_FIRST(&conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		conn_resume(c); /* re-evaluates read interest */
	}
	conn_settled();
}

/* An account was disabled or its password changed: its sessions end
 * (on this daemon), except the one that made the change. */
void
conn_end_sessions(int account_id, const struct conn *except, const char *why)
{
	struct conn *c, *next;

	for (c = TAILQ_FIRST(&conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c != except && c->state == CONN_READY &&
		    c->session.account_id == account_id)
			conn_fail(c, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
			          "%s", why);
	}
}

/* At exit: every connection goes, answered or not. */
void
conn_close_all(void)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&conns)) != NULL)
		conn_close(c, "daemon stopping");
}
