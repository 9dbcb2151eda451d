/* client.c: the blocking connection: connect, TLS when wanted, hello,
 * login, framed calls. */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libcallsheet.h"
#include "tls.h"

struct cs_client {
	int fd;
	struct cs_tls *tls; /* NULL: plaintext */
	char *server;       /* as the user wrote it, for messages */
	int timeout_ms;
	uint32_t next_id;

	/* Set by client_fail() only: the stream is gone or out of step, and
	 * every later call repeats this error. */
	bool broken;
	struct cs_error lost;

	Callsheet__Role role;
	uint64_t taxonomy_version;
	uint32_t max_frame; /* the server's limit on our frames; 0: unknown */
	uint32_t max_in_flight;

	/* The frame being read, kept across a timeout so that a late reply
	 * still lands in step. */
	uint8_t hdr[CS_FRAME_HEADER];
	size_t hdr_got;
	uint8_t *body;
	uint32_t body_len;
	size_t body_got;

	/* Responses that came in while cs_call() waited for another id. */
	Callsheet__Response **queue;
	size_t nqueue;

	/* Pushed events, in arrival order, until cs_next_event() takes them. */
	Callsheet__Event **events;
	size_t nevents;
};

static void
error_vset(struct cs_error *err, Callsheet__ErrorCode code, const char *fmt,
           va_list ap)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof *err);
	err->code = code;
	vsnprintf(err->message, sizeof err->message, fmt, ap);
}

void
cs_error_set(struct cs_error *err, Callsheet__ErrorCode code, const char *fmt,
             ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
}

void
cs_error_from_response(struct cs_error *err, const Callsheet__Error *e)
{
	const char *msg = e->message != NULL && *e->message != '\0'
	                          ? e->message
	                          : error_code_name(e->code);

	if (e->code == CALLSHEET__ERROR_CODE__TOO_MANY_ATTEMPTS &&
	    e->has_retry_after_s)
		cs_error_set(err, e->code,
		             _("too many attempts, retry in %u s"),
		             e->retry_after_s);
	else
		cs_error_set(err, e->code, "%s", msg);
	if (err == NULL)
		return;
	if (e->field != NULL)
		snprintf(err->field, sizeof err->field, "%s", e->field);
	if (e->has_retry_after_s)
		err->retry_after_s = e->retry_after_s;
	if (e->reason != NULL)
		snprintf(err->reason, sizeof err->reason, "%s", e->reason);
	if (e->value != NULL)
		snprintf(err->value, sizeof err->value, "%s", e->value);
	for (size_t i = 0, len = 0;
	     i < e->n_allowed && len < sizeof err->allowed; i++)
		len += (size_t)snprintf(err->allowed + len,
		                        sizeof err->allowed - len, "%s%s",
		                        i > 0 ? ", " : "", e->allowed[i]);
}

/* ------------------------------------------------------------------ time */

static int64_t
deadline_after(int timeout_ms)
{
	return clock_ms() + timeout_ms;
}

/* Wait for events on fd until the deadline: 1 ready, 0 timed out, -1 with
 * errno set. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = {.fd = fd, .events = events};

	for (;;) {
		int64_t left = deadline - clock_ms();
		int n;

		if (left <= 0)
			return 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/* ------------------------------------------------------------- transport */

/*
 * The only two functions that move the connection's bytes, so that TLS
 * can take their place. They return what recv() and send() return; on
 * EAGAIN, *want is the poll() event to wait for (TLS may have to write
 * before it can read, and the other way round).
 */
static ssize_t
xport_read(struct cs_client *c, void *buf, size_t len, short *want)
{
	if (c->tls != NULL)
		return cs_tls_read(c->tls, buf, len, want);
	*want = POLLIN;
	return recv(c->fd, buf, len, 0);
}

static ssize_t
xport_write(struct cs_client *c, const void *buf, size_t len, short *want)
{
	if (c->tls != NULL)
		return cs_tls_write(c->tls, buf, len, want);
	*want = POLLOUT;
	return send(c->fd, buf, len, MSG_NOSIGNAL);
}

/* Why the last transport call failed. */
static const char *
xport_strerror(const struct cs_client *c)
{
	if (errno == EPROTO && c->tls != NULL && cs_tls_error(c->tls) != NULL)
		return cs_tls_error(c->tls);
	return strerror(errno);
}

static void
xport_close(struct cs_client *c, bool goodbye)
{
	cs_tls_free(c->tls, goodbye);
	c->tls = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}

static int client_fail(struct cs_client *c, struct cs_error *err,
                       Callsheet__ErrorCode code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int
client_fail(struct cs_client *c, struct cs_error *err,
            Callsheet__ErrorCode code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(&c->lost, code, fmt, ap);
	va_end(ap);
	c->broken = true;
	xport_close(c, false);
	if (err != NULL)
		*err = c->lost;
	return -1;
}

static int
check_open(struct cs_client *c, struct cs_error *err)
{
	if (!c->broken)
		return 0;
	if (err != NULL)
		*err = c->lost;
	return -1;
}

static int
write_all(struct cs_client *c, const uint8_t *buf, size_t len, int64_t deadline,
          struct cs_error *err)
{
	while (len > 0) {
		short want;
		ssize_t n = xport_write(c, buf, len, &want);
		int ready;

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		if ((ready = wait_fd(c->fd, want, deadline)) == 0)
			return client_fail(
			        c, err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
			        _("timed out sending to %s"), c->server);
		if (ready < 0)
			break;
	}
	if (len == 0)
		return 0;
	return client_fail(c, err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
	                   _("connection to %s lost: %s"), c->server,
	                   xport_strerror(c));
}

/* Some bytes into buf: 0 and *got, or -1. A timeout leaves the
 * connection usable. */
static int
read_some(struct cs_client *c, uint8_t *buf, size_t len, int64_t deadline,
          size_t *got, struct cs_error *err)
{
	for (;;) {
		short want;
		ssize_t n = xport_read(c, buf, len, &want);
		int ready;

		if (n > 0) {
			*got = (size_t)n;
			return 0;
		}
		if (n == 0)
			return client_fail(
			        c, err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
			        _("%s closed the connection"), c->server);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		if ((ready = wait_fd(c->fd, want, deadline)) == 0) {
			cs_error_set(err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
			             _("no reply from %s in time"), c->server);
			return -1;
		}
		if (ready < 0)
			break;
	}
	return client_fail(c, err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
	                   _("connection to %s lost: %s"), c->server,
	                   xport_strerror(c));
}

/* Read until c->body holds a whole frame. The length is judged before
 * anything is allocated for it. */
static int
read_frame(struct cs_client *c, int64_t deadline, struct cs_error *err)
{
	size_t n;

	while (c->hdr_got < CS_FRAME_HEADER) {
		if (read_some(c, c->hdr + c->hdr_got,
		              CS_FRAME_HEADER - c->hdr_got, deadline, &n,
		              err) != 0)
			return -1;
		c->hdr_got += n;
	}
	if (c->body == NULL) {
		c->body_len = frame_read_header(c->hdr);
		if (c->body_len == 0 || c->body_len > CS_RESPONSE_MAX)
			return client_fail(
			        c, err, CALLSHEET__ERROR_CODE__INTERNAL,
			        _("%s sent a frame of %u bytes (allowed: 1 to "
			          "%u)"),
			        c->server, c->body_len, CS_RESPONSE_MAX);
		c->body = xmalloc(c->body_len);
		c->body_got = 0;
	}
	while (c->body_got < c->body_len) {
		if (read_some(c, c->body + c->body_got,
		              c->body_len - c->body_got, deadline, &n,
		              err) != 0)
			return -1;
		c->body_got += n;
	}
	return 0;
}

static void
frame_done(struct cs_client *c)
{
	free(c->body);
	c->body = NULL;
	c->body_len = 0;
	c->body_got = 0;
	c->hdr_got = 0;
}

/* One message off the wire: a Response in *resp, or an Event queued (and
 * *resp NULL). */
static int
read_message(struct cs_client *c, int64_t deadline, Callsheet__Response **resp,
             struct cs_error *err)
{
	Callsheet__ServerMessage *m;

	*resp = NULL;
	if (read_frame(c, deadline, err) != 0)
		return -1;
	m = callsheet__server_message__unpack(NULL, c->body_len, c->body);
	frame_done(c);
	if (m == NULL)
		return client_fail(c, err, CALLSHEET__ERROR_CODE__INTERNAL,
		                   _("%s sent a message that does not decode"),
		                   c->server);
	if (m->kind_case == CALLSHEET__SERVER_MESSAGE__KIND_RESPONSE &&
	    m->response->id == 0 &&
	    m->response->body_case == CALLSHEET__RESPONSE__BODY_ERROR) {
		/* about the connection, not a request: the server is
		 * closing it (refused, timed out, session ended) */
		cs_error_from_response(&c->lost, m->response->error);
		callsheet__server_message__free_unpacked(m, NULL);
		c->broken = true;
		xport_close(c, false);
		if (err != NULL)
			*err = c->lost;
		return -1;
	}
	/* Detached, each part is freed on its own by whoever takes it. */
	if (m->kind_case == CALLSHEET__SERVER_MESSAGE__KIND_RESPONSE) {
		*resp = m->response;
		m->response = NULL;
	} else if (m->kind_case == CALLSHEET__SERVER_MESSAGE__KIND_EVENT) {
		c->events = xreallocarray(c->events, c->nevents + 1,
		                          sizeof *c->events);
		c->events[c->nevents++] = m->event;
		m->event = NULL;
	}
	m->kind_case = CALLSHEET__SERVER_MESSAGE__KIND__NOT_SET;
	callsheet__server_message__free_unpacked(m, NULL);
	return 0;
}

/* The next Response off the wire; events meanwhile are queued. */
static int
read_response(struct cs_client *c, int64_t deadline, Callsheet__Response **resp,
              struct cs_error *err)
{
	do {
		if (read_message(c, deadline, resp, err) != 0)
			return -1;
	} while (*resp == NULL);
	return 0;
}

/* ------------------------------------------------------------- requests */

static uint32_t
next_id(struct cs_client *c)
{
	uint32_t id = c->next_id++;

	if (c->next_id == 0) /* 0 is never used, to catch unset ids */
		c->next_id = 1;
	return id;
}

int
cs_send(struct cs_client *c, Callsheet__Request *req, struct cs_error *err)
{
	uint8_t *frame;
	size_t len;
	int rv;

	if (check_open(c, err) != 0)
		return -1;
	req->id = next_id(c);
	req->has_id = true;
	frame = frame_pack(&req->base, &len);
	if (frame == NULL ||
	    (c->max_frame != 0 && len - CS_FRAME_HEADER > c->max_frame)) {
		free(frame);
		cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		             _("request too large for %s (limit %u bytes)"),
		             c->server, c->max_frame);
		return -1;
	}
	rv = write_all(c, frame, len, deadline_after(c->timeout_ms), err);
	free(frame);
	return rv;
}

int
cs_recv(struct cs_client *c, Callsheet__Response **resp, int timeout_ms,
        struct cs_error *err)
{
	*resp = NULL;
	if (c->nqueue > 0) {
		*resp = c->queue[0];
		memmove(c->queue, c->queue + 1, --c->nqueue * sizeof *c->queue);
		return 0;
	}
	if (check_open(c, err) != 0)
		return -1;
	if (timeout_ms < 0)
		timeout_ms = c->timeout_ms;
	return read_response(c, deadline_after(timeout_ms), resp, err);
}

int
cs_next_event(struct cs_client *c, Callsheet__Event **ev, int timeout_ms,
              struct cs_error *err)
{
	int64_t deadline;
	Callsheet__Response *r;

	*ev = NULL;
	if (timeout_ms < 0)
		timeout_ms = c->timeout_ms;
	deadline = deadline_after(timeout_ms);
	while (c->nevents == 0) {
		if (check_open(c, err) != 0)
			return -1;
		if (read_message(c, deadline, &r, err) != 0)
			return c->broken ? -1 : 0; /* else: the time is up */
		if (r != NULL) {
			c->queue = xreallocarray(c->queue, c->nqueue + 1,
			                         sizeof *c->queue);
			c->queue[c->nqueue++] = r;
		}
	}
	*ev = c->events[0];
	memmove(c->events, c->events + 1, --c->nevents * sizeof *c->events);
	return 1;
}

int
cs_call(struct cs_client *c, Callsheet__Request *req,
        Callsheet__Response **resp, struct cs_error *err)
{
	int64_t deadline;
	Callsheet__Response *r;

	*resp = NULL;
	if (cs_send(c, req, err) != 0)
		return -1;
	deadline = deadline_after(c->timeout_ms);
	for (;;) {
		if (read_response(c, deadline, &r, err) != 0)
			return -1;
		if (r->id == req->id)
			break;
		c->queue = xreallocarray(c->queue, c->nqueue + 1,
		                         sizeof *c->queue);
		c->queue[c->nqueue++] = r;
	}
	if (r->body_case == CALLSHEET__RESPONSE__BODY_ERROR) {
		cs_error_from_response(err, r->error);
		callsheet__response__free_unpacked(r, NULL);
		return -1;
	}
	*resp = r;
	return 0;
}

/* cs_call() for a reply of one kind; anything else is the server's bug. */
static int
call_expect(struct cs_client *c, Callsheet__Request *req,
            Callsheet__Response__BodyCase want, Callsheet__Response **resp,
            struct cs_error *err)
{
	if (cs_call(c, req, resp, err) != 0)
		return -1;
	if ((*resp)->body_case == want)
		return 0;
	callsheet__response__free_unpacked(*resp, NULL);
	*resp = NULL;
	cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
	             _("%s answered request %u with an unexpected message"),
	             c->server, req->id);
	return -1;
}

int
cs_call_expect(struct cs_client *c, Callsheet__Request *req,
               Callsheet__Response__BodyCase want, Callsheet__Response **resp,
               struct cs_error *err)
{
	return call_expect(c, req, want, resp, err);
}

int
cs_log_sheet(struct cs_client *c, const Callsheet__Sheet *sheet,
             bool *duplicate, struct cs_error *err)
{
	Callsheet__LogSheet ls = CALLSHEET__LOG_SHEET__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Response *resp;
	const Callsheet__SheetAck *ack;
	int rv = 0;

	ls.sheet = (Callsheet__Sheet *)sheet; /* packing does not write */
	req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEET;
	req.log_sheet = &ls;
	if (call_expect(c, &req, CALLSHEET__RESPONSE__BODY_SHEET_ACK, &resp,
	                err) != 0)
		return -1;
	ack = resp->sheet_ack;
	if (ack->id.len != sheet->id.len ||
	    memcmp(ack->id.data, sheet->id.data, sheet->id.len) != 0) {
		cs_error_set(
		        err, CALLSHEET__ERROR_CODE__INTERNAL,
		        _("%s acknowledged another sheet than the one sent"),
		        c->server);
		rv = -1;
	} else if (duplicate != NULL)
		*duplicate = ack->duplicate;
	callsheet__response__free_unpacked(resp, NULL);
	return rv;
}

int
cs_log_sheets(struct cs_client *c, Callsheet__Sheet *const *sheets, size_t n,
              Callsheet__SheetsLogged **out, struct cs_error *err)
{
	Callsheet__LogSheets ls = CALLSHEET__LOG_SHEETS__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;

	ls.sheets = (Callsheet__Sheet **)sheets; /* packing only reads */
	ls.n_sheets = n;
	req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEETS;
	req.log_sheets = &ls;
	*out = (Callsheet__SheetsLogged *)cs_call_body(
	        c, &req, CALLSHEET__RESPONSE__BODY_SHEETS_LOGGED, err);
	return *out != NULL ? 0 : -1;
}

int
cs_query(struct cs_client *c, const Callsheet__Query *q,
         Callsheet__QueryResult **result, struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Response *resp;

	*result = NULL;
	req.body_case = CALLSHEET__REQUEST__BODY_QUERY;
	req.query = (Callsheet__Query *)q; /* packing does not write */
	if (call_expect(c, &req, CALLSHEET__RESPONSE__BODY_QUERY_RESULT, &resp,
	                err) != 0)
		return -1;
	*result = resp->query_result;
	resp->query_result = NULL;
	resp->body_case = CALLSHEET__RESPONSE__BODY__NOT_SET;
	callsheet__response__free_unpacked(resp, NULL);
	return 0;
}

/* ------------------------------------------------------------ connecting */

static int
bad_server(const char *server, const char *why, struct cs_error *err)
{
	cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
	             _("invalid server address '%s': %s"), server, why);
	if (err != NULL)
		snprintf(err->field, sizeof err->field, "server");
	return -1;
}

/* A port number from 1 to 65535, or 0. */
static unsigned
port_value(const char *s)
{
	unsigned v = 0;

	for (const char *d = s; *d != '\0'; d++) {
		if (*d < '0' || *d > '9' ||
		    (v = v * 10 + (unsigned)(*d - '0')) > 65535)
			return 0;
	}
	return v;
}

/* A unix-domain socket's path ("/run/callsheet.sock", "unix:PATH"), or
 * NULL for HOST[:PORT]. */
static const char *
unix_path(const char *server)
{
	if (strncmp(server, "unix:", 5) == 0)
		return server + 5;
	return server[0] == '/' ? server : NULL;
}

int
cs_server_split(const char *server, char **host, char **port,
                struct cs_error *err)
{
	const char *h = server, *p, *end, *path = unix_path(server);
	struct sockaddr_un sun;

	*host = *port = NULL;
	if (path != NULL) {
		if (*path == '\0' || strlen(path) >= sizeof sun.sun_path)
			return bad_server(server,
			                  _("a unix socket's path must have 1 "
			                    "to 107 bytes"),
			                  err);
		*host = xstrdup(path);
		*port = xstrdup("");
		return 0;
	}
	if (*server == '[') {
		if ((end = strchr(++h, ']')) == NULL)
			return bad_server(server, _("missing ']'"), err);
		p = end + 1;
		if (*p != '\0' && *p != ':')
			return bad_server(server, _("expected ':' after ']'"),
			                  err);
	} else {
		end = p = h + strcspn(h, ":");
		if (*p == ':' && strchr(p + 1, ':') != NULL)
			return bad_server(
			        server,
			        _("write an IPv6 address as [ADDR]:PORT"), err);
	}
	if (end == h)
		return bad_server(server, _("no host"), err);
	if (*p == ':' && port_value(++p) == 0)
		return bad_server(
		        server, _("the port must be a number from 1 to 65535"),
		        err);
	*host = xstrndup(h, (size_t)(end - h));
	*port = xstrdup(*p != '\0' ? p : CS_DEFAULT_PORT);
	return 0;
}

/* One address: a connected socket, or -1 with *error an errno value. */
static int
try_connect(const struct addrinfo *ai, int64_t deadline, int *error)
{
	socklen_t len = sizeof *error;
	int fd, ready;

	fd = socket(ai->ai_family,
	            ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	            ai->ai_protocol);
	if (fd == -1) {
		*error = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	*error = errno;
	if (*error == EINPROGRESS) {
		if ((ready = wait_fd(fd, POLLOUT, deadline)) == 0)
			*error = ETIMEDOUT;
		else if (ready < 0)
			*error = errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, error, &len) != 0)
			*error = errno;
		else if (*error == 0)
			return fd;
	}
	close(fd);
	return -1;
}

static int
tcp_connect(struct cs_client *c, const char *host, const char *port,
            struct cs_error *err)
{
	struct addrinfo hints = {0}, *res, *ai;
	int64_t deadline = deadline_after(c->timeout_ms);
	int rv, error = 0;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rv = getaddrinfo(host, port, &hints, &res)) != 0) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
		             _("cannot resolve %s: %s"), host,
		             rv == EAI_SYSTEM ? strerror(errno)
		                              : gai_strerror(rv));
		return -1;
	}
	for (ai = res; ai != NULL && c->fd == -1; ai = ai->ai_next)
		c->fd = try_connect(ai, deadline, &error);
	freeaddrinfo(res);
	if (c->fd == -1) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
		             _("cannot connect to %s: %s"), c->server,
		             strerror(error));
		return -1;
	}
	/* Small frames, often pipelined: do not wait to fill a segment. */
	rv = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &rv, sizeof rv);
	return 0;
}

/* The handshake, with the connection's deadline; the certificate must be
 * trusted and name host. */
static int
tls_connect(struct cs_client *c, const char *host, const char *ca_file,
            struct cs_error *err)
{
	int64_t deadline = deadline_after(c->timeout_ms);
	short want = POLLIN;
	int rc, ready;

	if ((c->tls = cs_tls_new(c->fd, host, ca_file, err)) == NULL)
		return -1;
	while ((rc = cs_tls_handshake(c->tls, c->server, &want, err)) == 0) {
		if ((ready = wait_fd(c->fd, want, deadline)) == 0) {
			cs_error_set(err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
			             _("timed out in the TLS handshake "
			               "with %s"),
			             c->server);
			return -1;
		}
		if (ready < 0) {
			cs_error_set(err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
			             _("connection to %s lost: %s"), c->server,
			             strerror(errno));
			return -1;
		}
	}
	return rc == 1 ? 0 : -1;
}

/* A unix-domain socket on this machine: plaintext, like loopback. */
static int
unix_connect(struct cs_client *c, const char *path, struct cs_error *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct addrinfo ai = {.ai_family = AF_UNIX,
	                      .ai_socktype = SOCK_STREAM,
	                      .ai_addr = (struct sockaddr *)&sun,
	                      .ai_addrlen = sizeof sun};
	int error = 0;

	memcpy(sun.sun_path, path, strlen(path) + 1);
	c->fd = try_connect(&ai, deadline_after(c->timeout_ms), &error);
	if (c->fd == -1) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
		             _("cannot connect to %s: %s"), c->server,
		             strerror(error));
		return -1;
	}
	return 0;
}

/* TCP, then TLS if the options (or the server's address) call for it; or
 * a unix-domain socket. */
static int
transport_connect(struct cs_client *c, const struct cs_options *opts,
                  struct cs_error *err)
{
	char *host, *port;
	bool tls;
	int rv;

	if (cs_server_split(c->server, &host, &port, err) != 0)
		return -1;
	if (unix_path(c->server) != NULL) {
		rv = unix_connect(c, host, err);
		free(host);
		free(port);
		return rv;
	}
	tls = opts->tls == CS_TLS_ON ||
	      (opts->tls == CS_TLS_AUTO &&
	       (opts->ca_file != NULL || !cs_host_is_loopback(host)));
	rv = tcp_connect(c, host, port, err);
	if (rv == 0 && tls)
		rv = tls_connect(c, host, opts->ca_file, err);
	free(host);
	free(port);
	return rv;
}

static int
hello(struct cs_client *c, struct cs_error *err)
{
	static char name[] = "libcallsheet";
	Callsheet__Hello h = CALLSHEET__HELLO__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Response *resp;
	const Callsheet__HelloOk *ok;
	int rv = 0;

	h.has_protocol_version = true;
	h.protocol_version = CS_PROTOCOL_VERSION;
	h.client_name = name;
	req.body_case = CALLSHEET__REQUEST__BODY_HELLO;
	req.hello = &h;
	if (call_expect(c, &req, CALLSHEET__RESPONSE__BODY_HELLO, &resp, err) !=
	    0)
		return -1;
	ok = resp->hello;
	if (ok->protocol_version != CS_PROTOCOL_VERSION) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__VERSION_MISMATCH,
		             _("%s speaks protocol version %u, this client %u"),
		             c->server, ok->protocol_version,
		             CS_PROTOCOL_VERSION);
		rv = -1;
	}
	c->max_frame = ok->has_max_frame ? ok->max_frame : 0;
	c->max_in_flight = ok->has_max_in_flight ? ok->max_in_flight : 0;
	c->taxonomy_version =
	        ok->has_taxonomy_version ? ok->taxonomy_version : 0;
	callsheet__response__free_unpacked(resp, NULL);
	return rv;
}

static int
login(struct cs_client *c, const struct cs_options *opts, struct cs_error *err)
{
	Callsheet__Login l = CALLSHEET__LOGIN__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Response *resp;

	l.user = (char *)opts->user; /* packing does not write */
	l.password = (char *)(opts->password != NULL && opts->token == NULL
	                              ? opts->password
	                              : "");
	l.token = (char *)opts->token;
	req.body_case = CALLSHEET__REQUEST__BODY_LOGIN;
	req.login = &l;
	if (call_expect(c, &req, CALLSHEET__RESPONSE__BODY_LOGIN, &resp, err) !=
	    0)
		return -1;
	c->role = resp->login->role;
	callsheet__response__free_unpacked(resp, NULL);
	return 0;
}

int
cs_connect(const struct cs_options *opts, struct cs_client **out,
           struct cs_error *err)
{
	struct cs_client *c;

	*out = NULL;
	c = xcalloc(1, sizeof *c);
	c->fd = -1;
	c->server = xstrdup(opts->server);
	c->timeout_ms =
	        opts->timeout_ms > 0 ? opts->timeout_ms : CS_TIMEOUT_DEFAULT_MS;
	c->next_id = 1;
	if (transport_connect(c, opts, err) != 0 || hello(c, err) != 0 ||
	    (opts->user != NULL && login(c, opts, err) != 0)) {
		cs_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

void
cs_close(struct cs_client *c)
{
	if (c == NULL)
		return;
	xport_close(c, true);
	for (size_t i = 0; i < c->nqueue; i++)
		callsheet__response__free_unpacked(c->queue[i], NULL);
	free(c->queue);
	for (size_t i = 0; i < c->nevents; i++)
		callsheet__event__free_unpacked(c->events[i], NULL);
	free(c->events);
	free(c->body);
	free(c->server);
	free(c);
}

Callsheet__Role
cs_role(const struct cs_client *c)
{
	return c->role;
}

const char *
cs_transport(const struct cs_client *c)
{
	return c->tls != NULL ? cs_tls_describe(c->tls) : "plaintext";
}

uint64_t
cs_taxonomy_version(const struct cs_client *c)
{
	return c->taxonomy_version;
}

uint32_t
cs_max_in_flight(const struct cs_client *c)
{
	if (c->max_in_flight == 0 || c->max_in_flight > CS_IN_FLIGHT_MAX)
		return CS_IN_FLIGHT_MAX;
	return c->max_in_flight;
}

uint32_t
cs_max_frame(const struct cs_client *c)
{
	return c->max_frame != 0 ? c->max_frame : CS_FRAME_MAX_DEFAULT;
}
