/* raw.c: hand-made frames and reads with a deadline (raw.h). */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "raw.h"

int
raw_connect(unsigned port)
{
	return raw_connect_from(NULL, port);
}

int
raw_connect_from(const char *source, unsigned port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
	                          .sin_port = htons((uint16_t)port)};
	struct sockaddr_in src = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), e;

	if (fd < 0)
		return -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (source != NULL &&
	    (inet_pton(AF_INET, source, &src.sin_addr) != 1 ||
	     bind(fd, (struct sockaddr *)&src, sizeof src) != 0))
		goto fail;
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

bool
raw_write(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

bool
raw_send(int fd, const Callsheet__Request *req)
{
	size_t len;
	uint8_t *frame = frame_pack(&req->base, &len);
	bool ok = raw_write(fd, frame, len);

	free(frame);
	return ok;
}

/* Exactly len bytes before the deadline: 1, 0 on close, -1 on timeout. */
static int
read_exact(int fd, uint8_t *buf, size_t len, double deadline)
{
	while (len > 0) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		double left = deadline - th_now();
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		n = recv(fd, buf, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		buf += n;
		len -= (size_t)n;
	}
	return 1;
}

Callsheet__ServerMessage *
raw_read(int fd, double seconds, bool *closed)
{
	double deadline = th_now() + seconds;
	uint8_t hdr[CS_FRAME_HEADER], *body;
	uint32_t len;
	int r;
	Callsheet__ServerMessage *m;

	*closed = false;
	if ((r = read_exact(fd, hdr, sizeof hdr, deadline)) != 1) {
		*closed = r == 0;
		return NULL;
	}
	len = frame_read_header(hdr);
	if (len == 0 || len > (16u << 20))
		th_die("the server sent a frame of %u bytes", len);
	body = xmalloc(len);
	if ((r = read_exact(fd, body, len, deadline)) != 1) {
		*closed = r == 0;
		free(body);
		return NULL;
	}
	m = callsheet__server_message__unpack(NULL, len, body);
	free(body);
	if (m == NULL)
		th_die("the server sent a message that does not decode");
	return m;
}

int
raw_read_error(int fd, double seconds, char *message, size_t len)
{
	bool closed;
	Callsheet__ServerMessage *m = raw_read(fd, seconds, &closed);
	int code = -1;

	if (message != NULL && len > 0)
		message[0] = '\0';
	if (m == NULL)
		return -1;
	if (m->kind_case == CALLSHEET__SERVER_MESSAGE__KIND_RESPONSE) {
		const Callsheet__Response *r = m->response;

		code = CALLSHEET__ERROR_CODE__ERROR_NONE;
		if (r->body_case == CALLSHEET__RESPONSE__BODY_ERROR) {
			code = r->error->code;
			if (message != NULL)
				snprintf(message, len, "%s", r->error->message);
		}
	}
	callsheet__server_message__free_unpacked(m, NULL);
	return code;
}

bool
raw_wait_closed(int fd, double seconds)
{
	double deadline = th_now() + seconds;

	while (th_now() < deadline) {
		bool closed;
		Callsheet__ServerMessage *m =
		        raw_read(fd, deadline - th_now(), &closed);

		if (m == NULL)
			return closed;
		callsheet__server_message__free_unpacked(m, NULL);
	}
	return false;
}

bool
raw_hello(int fd, uint32_t id)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Hello h = CALLSHEET__HELLO__INIT;

	h.protocol_version = CS_PROTOCOL_VERSION;
	h.has_protocol_version = true;
	h.client_name = "raw";
	req.id = id;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_HELLO;
	req.hello = &h;
	return raw_send(fd, &req);
}

bool
raw_login(int fd, uint32_t id, const char *user, const char *password)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Login l = CALLSHEET__LOGIN__INIT;

	l.user = (char *)user;
	l.password = (char *)password;
	req.id = id;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_LOGIN;
	req.login = &l;
	return raw_send(fd, &req);
}

int
raw_session(unsigned port, const char *user, const char *password)
{
	char msg[512];
	int fd = raw_connect(port), code;

	if (fd < 0)
		th_die("raw connect to %u: %s", port, strerror(errno));
	if (!raw_hello(fd, 1) ||
	    (code = raw_read_error(fd, 10, msg, sizeof msg)) != 0)
		th_die("raw hello failed: %s", msg);
	/* other logins of the account being checked: retry, as a client
	 * does when told to */
	for (double end = th_now() + 10;; usleep(100000)) {
		if (!raw_login(fd, 2, user, password))
			th_die("raw login: the server closed the connection");
		code = raw_read_error(fd, 10, msg, sizeof msg);
		if (code == 0)
			return fd;
		if (code != CALLSHEET__ERROR_CODE__TOO_MANY_ATTEMPTS ||
		    th_now() > end)
			th_die("raw login failed (%d): %s", code, msg);
	}
}

unsigned
raw_local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;

	if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		return 0;
	return ntohs(sin.sin_port);
}

bool
raw_server_end(unsigned server_port, unsigned client_port, struct raw_tcp *out)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		unsigned lport, rport, st, rx, tr;

		if (sscanf(line, " %*u: %*x:%x %*x:%x %x %*x:%x %x:%*x", &lport,
		           &rport, &st, &rx, &tr) == 5 &&
		    lport == server_port && rport == client_port &&
		    st == 1 /* ESTABLISHED */) {
			out->rx_queue = rx;
			out->timer = (int)tr;
			found = true;
		}
	}
	fclose(f);
	return found;
}
