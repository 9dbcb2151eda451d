/* listener.c: the listening sockets: binding, accepting, pausing at the
 * connection limit or when out of file descriptors. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/listener.h>

#include "callsheetd.h"

#define EMFILE_RETRY_MS 1000

struct listener {
	struct evconnlistener *evl;
	char *addr;
	bool unix_path; /* addr is a unix socket's path, unlinked at close */
};

static struct listener listeners[CFG_MAX_LISTEN + 1]; /* + listen_unix */
static size_t nlisteners;
static struct event *retry_timer;
static bool paused_for_fds;

static void
accept_cb(struct evconnlistener *evl, evutil_socket_t fd, struct sockaddr *sa,
          int salen, void *arg)
{
	(void)evl;
	(void)arg;
	conn_accept(fd, sa, salen);
}

static void
set_enabled(bool on)
{
	for (size_t i = 0; i < nlisteners; i++) {
		if (on)
			evconnlistener_enable(listeners[i].evl);
		else
			evconnlistener_disable(listeners[i].evl);
	}
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	paused_for_fds = false;
	if (!draining)
		set_enabled(true);
}

/* Out of descriptors: accepting again at once would spin. */
static void
error_cb(struct evconnlistener *evl, void *arg)
{
	struct listener *l = arg;
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = {0, EMFILE_RETRY_MS * 1000};

	(void)evl;
	if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
		log_warn("listener %s: %s; pausing accepts for %d ms", l->addr,
		         strerror(err), EMFILE_RETRY_MS);
		paused_for_fds = true;
		set_enabled(false);
		evtimer_add(retry_timer, &tv);
		return;
	}
	log_warn("listener %s: accept: %s", l->addr, strerror(err));
}

/* "1.2.3.4:7420" or "[::1]:7420"; numeric only (no DNS), port 0 picks
 * a free port (tests). */
static int
parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *colon = strrchr(spec, ':');
	char host[INET6_ADDRSTRLEN + 2], *end;
	size_t hlen;
	long port;

	memset(ss, 0, sizeof *ss);
	if (colon == NULL || colon == spec)
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535)
		return -1;
	hlen = (size_t)(colon - spec);
	if (spec[0] == '[') {
		if (hlen < 3 || spec[hlen - 1] != ']')
			return -1;
		spec++;
		hlen -= 2;
	}
	if (hlen >= sizeof host)
		return -1;
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) ==
	    1) {
		ss->ss_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host,
	              &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return -1;
}

static bool
is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return false;
}

static unsigned
bound_port(struct evconnlistener *evl)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(evconnlistener_get_fd(evl), (struct sockaddr *)&ss,
	                &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Atomically, so that a watcher never reads half a number. */
static int
write_port_file(const char *path, unsigned port)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int rc = -1;

	if (f != NULL) {
		fprintf(f, "%u\n", port);
		if (fclose(f) == 0 && rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc != 0)
		log_error("cannot write port file %s: %s", path,
		          strerror(errno));
	free(tmp);
	return rc;
}

/* A unix-domain connection: who it is, from the kernel (logged only:
 * logins are the same as over TCP). */
static void
accept_unix_cb(struct evconnlistener *evl, evutil_socket_t fd,
               struct sockaddr *sa, int salen, void *arg)
{
	struct ucred cred;
	socklen_t len = sizeof cred;

	(void)evl;
	(void)arg;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		log_debug("unix connection from pid %ld, uid %ld, gid %ld",
		          (long)cred.pid, (long)cred.uid, (long)cred.gid);
	conn_accept(fd, sa, salen);
}

/* listen_unix: a stale socket left by a daemon that died is replaced;
 * any other file there is an error. */
static int
open_unix(const char *path)
{
	struct listener *l = &listeners[nlisteners];
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof sun.sun_path) {
		log_error("listen_unix: '%s' is longer than %zu bytes", path,
		          sizeof sun.sun_path - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_error("listen_unix: %s exists and is not a socket",
			          path);
			return -1;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    chmod(path, 0666) != 0 || listen(fd, 512) != 0) {
		log_error("listen_unix: cannot listen on %s: %s", path,
		          strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	l->evl = evconnlistener_new(
	        base, accept_unix_cb, l,
	        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (l->evl == NULL) {
		close(fd);
		return -1;
	}
	l->addr = xstrdup(path);
	l->unix_path = true;
	evconnlistener_set_error_cb(l->evl, error_cb);
	nlisteners++;
	log_info("listening on unix socket %s (plaintext)", path);
	return 0;
}

int
listener_open_all(void)
{
	retry_timer = evtimer_new(base, retry_cb, NULL);
	for (size_t i = 0; i < cfg->nlisten; i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		struct listener *l = &listeners[nlisteners];
		unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
		                 LEV_OPT_CLOSE_ON_EXEC;

		if (parse_addr(cfg->listen[i], &ss, &len) != 0) {
			log_error("listen: '%s' is not a numeric ADDRESS:PORT "
			          "(e.g. 127.0.0.1:7420 or [::1]:7420)",
			          cfg->listen[i]);
			return -1;
		}
		if (!is_loopback((struct sockaddr *)&ss) && !tls_enabled()) {
			if (!cfg->allow_plaintext) {
				log_error("listen: %s is not a loopback "
				          "address and this daemon has no TLS "
				          "certificate (tls_cert, tls_key); "
				          "refusing to serve plaintext beyond "
				          "this machine (--allow-plaintext "
				          "overrides)",
				          cfg->listen[i]);
				return -1;
			}
			log_warn("listen: %s serves PLAINTEXT beyond loopback "
			         "(allow_plaintext is set)",
			         cfg->listen[i]);
		}
		if (ss.ss_family == AF_INET6)
			flags |= LEV_OPT_BIND_IPV6ONLY;
		l->evl = evconnlistener_new_bind(base, accept_cb, l, flags, 512,
		                                 (struct sockaddr *)&ss,
		                                 (int)len);
		if (l->evl == NULL) {
			log_error("listen: cannot bind %s: %s", cfg->listen[i],
			          strerror(errno));
			return -1;
		}
		l->addr = xstrdup(cfg->listen[i]);
		evconnlistener_set_error_cb(l->evl, error_cb);
		nlisteners++;
		log_info("listening on %s (port %u, %s)", l->addr,
		         bound_port(l->evl),
		         tls_enabled() ? "TLS" : "plaintext");
	}
	if (cfg->port_file[0] != '\0' && nlisteners > 0 &&
	    write_port_file(cfg->port_file, bound_port(listeners[0].evl)) != 0)
		return -1;
	if (cfg->listen_unix != NULL && cfg->listen_unix[0] != '\0')
		return open_unix(cfg->listen_unix);
	return 0;
}

void
listener_close_all(void)
{
	for (size_t i = 0; i < nlisteners; i++) {
		evconnlistener_free(listeners[i].evl);
		if (listeners[i].unix_path)
			unlink(listeners[i].addr);
		free(listeners[i].addr);
	}
	nlisteners = 0;
	if (retry_timer != NULL)
		event_free(retry_timer);
	retry_timer = NULL;
}

/* Draining: no new connections. The sockets are closed, not merely left
 * unaccepted, so that the kernel refuses newcomers at once (a load
 * balancer sends them to another daemon) instead of queueing them until
 * we exit. */
void
listener_pause(void)
{
	listener_close_all();
}

/* For cfg-check.c: whether listen could bind this, without binding. */
int
listener_check_addr(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return parse_addr(spec, &ss, &len);
}
