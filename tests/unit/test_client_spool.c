/* test_client_spool.c: client.c, pipeline.c and spool.c against a fake
 * server. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcallsheet.h"
#include "unit.h"

/* ------------------------------------------------------------ fake server */

static int
read_full(int fd, uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);

		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static Callsheet__Request *
server_read(int fd)
{
	uint8_t hdr[CS_FRAME_HEADER], *body;
	Callsheet__Request *req;
	uint32_t len;

	if (read_full(fd, hdr, sizeof hdr) != 0)
		return NULL;
	len = frame_read_header(hdr);
	body = xmalloc(len);
	req = read_full(fd, body, len) == 0
	              ? callsheet__request__unpack(NULL, len, body)
	              : NULL;
	free(body);
	return req;
}

static void
server_send(int fd, Callsheet__ServerMessage *m)
{
	size_t len;
	uint8_t *frame = frame_pack(&m->base, &len);

	if (write(fd, frame, len) != (ssize_t)len)
		_exit(3);
	free(frame);
}

static void
server_reply(int fd, Callsheet__Response *resp)
{
	Callsheet__ServerMessage m = CALLSHEET__SERVER_MESSAGE__INIT;

	m.kind_case = CALLSHEET__SERVER_MESSAGE__KIND_RESPONSE;
	m.response = resp;
	server_send(fd, &m);
}

static void
server_event(int fd)
{
	static char kind[] = "sheet";
	Callsheet__ServerMessage m = CALLSHEET__SERVER_MESSAGE__INIT;
	Callsheet__Event ev = CALLSHEET__EVENT__INIT;

	ev.kind = kind;
	m.kind_case = CALLSHEET__SERVER_MESSAGE__KIND_EVENT;
	m.event = &ev;
	server_send(fd, &m);
}

/* Sheets with caller "bad" are refused; ids seen before are duplicates. */
static uint8_t seen[64][CS_UUID_LEN];
static size_t nseen;

static void
server_answer(int fd, const Callsheet__Request *req)
{
	static char bad[] = "--caller: 'bad' is not a caller code";
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__HelloOk hello = CALLSHEET__HELLO_OK__INIT;
	Callsheet__LoginOk login = CALLSHEET__LOGIN_OK__INIT;
	Callsheet__SheetAck ack = CALLSHEET__SHEET_ACK__INIT;
	Callsheet__Error error = CALLSHEET__ERROR__INIT;
	Callsheet__QueryResult qr = CALLSHEET__QUERY_RESULT__INIT;
	const Callsheet__Sheet *s;

	resp.id = req->id;
	resp.has_id = 1;
	switch (req->body_case) {
	case CALLSHEET__REQUEST__BODY_HELLO:
		hello.protocol_version = CS_PROTOCOL_VERSION;
		hello.has_protocol_version = 1;
		hello.has_max_in_flight = 1;
		hello.max_in_flight = 3;
		resp.body_case = CALLSHEET__RESPONSE__BODY_HELLO;
		resp.hello = &hello;
		break;
	case CALLSHEET__REQUEST__BODY_LOGIN:
		login.role = CALLSHEET__ROLE__JURIST;
		login.has_role = 1;
		resp.body_case = CALLSHEET__RESPONSE__BODY_LOGIN;
		resp.login = &login;
		break;
	case CALLSHEET__REQUEST__BODY_LOG_SHEET:
		s = req->log_sheet->sheet;
		if (s->caller != NULL && strcmp(s->caller, "bad") == 0) {
			error.code = CALLSHEET__ERROR_CODE__BAD_REQUEST;
			error.has_code = 1;
			error.message = bad;
			resp.body_case = CALLSHEET__RESPONSE__BODY_ERROR;
			resp.error = &error;
			break;
		}
		ack.id = s->id;
		ack.has_id = ack.has_duplicate = 1;
		for (size_t i = 0; i < nseen; i++)
			if (memcmp(seen[i], s->id.data, CS_UUID_LEN) == 0)
				ack.duplicate = 1;
		if (!ack.duplicate && nseen < 64)
			memcpy(seen[nseen++], s->id.data, CS_UUID_LEN);
		resp.body_case = CALLSHEET__RESPONSE__BODY_SHEET_ACK;
		resp.sheet_ack = &ack;
		break;
	case CALLSHEET__REQUEST__BODY_QUERY:
		qr.total = 42;
		qr.has_total = 1;
		resp.body_case = CALLSHEET__RESPONSE__BODY_QUERY_RESULT;
		resp.query_result = &qr;
		break;
	default:
		_exit(4);
	}
	server_reply(fd, &resp);
}

/* Replies go out in reverse order of the requests that arrived together,
 * with an event in front, to exercise the client's matching. */
static void
server_conn(int fd)
{
	Callsheet__Request *batch[8];
	size_t n;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if ((batch[0] = server_read(fd)) == NULL)
			return;
		for (n = 1; n < 8 && poll(&pfd, 1, 50) == 1; n++)
			if ((batch[n] = server_read(fd)) == NULL)
				break;
		server_event(fd);
		while (n-- > 0) {
			server_answer(fd, batch[n]);
			callsheet__request__free_unpacked(batch[n], NULL);
		}
	}
}

static pid_t
server_start(int *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof sin;
	int lfd = socket(AF_INET, SOCK_STREAM, 0), fd;
	pid_t pid;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd == -1 || bind(lfd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(lfd, 8) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) != 0) {
		perror("fake server");
		exit(2);
	}
	*port = ntohs(sin.sin_port);
	if ((pid = fork()) != 0) {
		close(lfd);
		return pid;
	}
	while ((fd = accept(lfd, NULL, NULL)) != -1) {
		server_conn(fd);
		close(fd);
	}
	_exit(0);
}

/* ------------------------------------------------------------------ tests */

static char server[64];

static struct cs_client *
connect_ok(void)
{
	struct cs_options opts = {.server = server,
	                          .user = "ana",
	                          .password = "secret",
	                          .timeout_ms = 5000};
	struct cs_client *c = NULL;
	struct cs_error err;

	if (cs_connect(&opts, &c, &err) != 0)
		fprintf(stderr, "connect: %s\n", err.message);
	return c;
}

static void
test_server_split(void)
{
	char *h, *p;
	struct cs_error err;

	CHECK_TRUE(cs_server_split("[::1]:7421", &h, &p, NULL) == 0 &&
	           strcmp(h, "::1") == 0 && strcmp(p, "7421") == 0);
	free(h);
	free(p);
	CHECK_TRUE(cs_server_split("example.org", &h, &p, NULL) == 0 &&
	           strcmp(h, "example.org") == 0 && strcmp(p, "7420") == 0);
	free(h);
	free(p);
	CHECK_TRUE(cs_server_split("::1", &h, &p, &err) == -1 &&
	           strstr(err.message, "[ADDR]:PORT") != NULL);
	CHECK_TRUE(cs_server_split("host:0", &h, &p, NULL) == -1);
	CHECK_TRUE(cs_server_split("host:65536", &h, &p, NULL) == -1);
	CHECK_TRUE(cs_server_split("host:", &h, &p, NULL) == -1);
	CHECK_TRUE(cs_server_split(":7420", &h, &p, NULL) == -1);
	CHECK_TRUE(cs_server_split("[::1", &h, &p, NULL) == -1);
	CHECK_TRUE(cs_server_split("[::1]x", &h, &p, NULL) == -1);
}

static void
test_refused(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof sin;
	struct cs_options opts = {.server = server, .timeout_ms = 2000};
	struct cs_client *c;
	struct cs_error err;
	char want[128];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	/* A port just freed: nobody listens there. */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof sin);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	close(fd);
	snprintf(server, sizeof server, "127.0.0.1:%d", ntohs(sin.sin_port));
	snprintf(want, sizeof want, "cannot connect to %s: Connection refused",
	         server);
	CHECK_TRUE(cs_connect(&opts, &c, &err) == -1 &&
	           err.code == CALLSHEET__ERROR_CODE__UNAVAILABLE &&
	           strcmp(err.message, want) == 0);
}

static void
make_sheet(Callsheet__Sheet *s, uint8_t id[CS_UUID_LEN], const char *caller)
{
	static char *topics[] = {"entry"};
	static const Callsheet__Sheet init = CALLSHEET__SHEET__INIT;

	*s = init;
	uuid_generate(id);
	s->id.data = id;
	s->id.len = CS_UUID_LEN;
	s->has_id = s->has_call_start = s->has_duration_s = 1;
	s->call_start = 1741079700;
	s->caller = (char *)caller;
	s->topics = topics;
	s->n_topics = 1;
}

static void
test_calls(void)
{
	struct cs_client *c = connect_ok();
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__QueryResult *r;
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct cs_error err;
	bool dup = true;

	CHECK_TRUE(c != NULL);
	if (c == NULL)
		return;
	CHECK_TRUE(cs_role(c) == CALLSHEET__ROLE__JURIST);
	CHECK_TRUE(cs_max_in_flight(c) == 3);
	make_sheet(&s, id, "individual");
	CHECK_TRUE(cs_log_sheet(c, &s, &dup, &err) == 0 && !dup);
	CHECK_TRUE(cs_log_sheet(c, &s, &dup, &err) == 0 && dup);
	make_sheet(&s, id, "bad");
	CHECK_TRUE(cs_log_sheet(c, &s, &dup, &err) == -1 &&
	           err.code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	           strstr(err.message, "'bad'") != NULL);
	q.from = "2025-01-01";
	q.to = "2026-01-01";
	CHECK_TRUE(cs_query(c, &q, &r, &err) == 0 && r->total == 42);
	if (r != NULL)
		callsheet__query_result__free_unpacked(r, NULL);
	cs_close(c);
}

/* The one pipelining window: answers (in reverse order from the fake
 * server) reach their tags; an answer an earlier caller left unread is
 * dropped, not taken for one of the window's. */
static int
window_answer(void *arg, void *tag, Callsheet__Response **resp,
              struct cs_error *err)
{
	int *got = arg;

	(void)err;
	if ((*resp)->body_case == CALLSHEET__RESPONSE__BODY_QUERY_RESULT &&
	    (*resp)->query_result->total == 42)
		got[(size_t)tag]++;
	return 0;
}

static void
test_window(void)
{
	struct cs_client *c = connect_ok();
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Request req[8], *reqs[7];
	Callsheet__Response *resps[7];
	struct cs_window *w;
	struct cs_error err;
	int got[7] = {0}, rv = 0;
	size_t n = 0;

	CHECK_TRUE(c != NULL);
	if (c == NULL)
		return;
	q.from = "2025-01-01";
	q.to = "2026-01-01";
	for (size_t i = 0; i < 8; i++) {
		callsheet__request__init(&req[i]);
		req[i].body_case = CALLSHEET__REQUEST__BODY_QUERY;
		req[i].query = &q;
	}
	/* left unread by an earlier caller */
	CHECK_TRUE(cs_send(c, &req[7], &err) == 0);
	w = cs_window_open(c, window_answer, got);
	for (size_t i = 0; i < 7 && rv == 0; i++)
		rv = cs_window_send(w, &req[i], (void *)i, &err);
	CHECK_TRUE(rv == 0 && cs_window_drain(w, &err) == 0);
	cs_window_close(w, NULL);
	for (size_t i = 0; i < 7; i++)
		n += got[i] == 1;
	CHECK_TRUE(n == 7);
	for (size_t i = 0; i < 7; i++)
		reqs[i] = &req[i];
	CHECK_TRUE(cs_call_many(c, reqs, 7, resps, &err) == 0);
	for (size_t i = 0; i < 7; i++) {
		CHECK_TRUE(resps[i] != NULL && resps[i]->id == req[i].id);
		if (resps[i] != NULL)
			callsheet__response__free_unpacked(resps[i], NULL);
	}
	cs_close(c);
}

static size_t
count_files(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d != NULL && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), sl = strlen(suffix);

		n += len > sl && strcmp(de->d_name + len - sl, suffix) == 0;
	}
	if (d != NULL)
		closedir(d);
	return n;
}

static void
test_spool(const char *root)
{
	struct cs_spool *sp, *other;
	struct cs_client *c;
	Callsheet__Sheet s;
	uint8_t ids[8][CS_UUID_LEN], mine[CS_UUID_LEN];
	struct cs_error err;
	size_t rejected = 99;
	char *rej;
	struct stat st;

	sp = cs_spool_open(root, server, "ana", &err);
	CHECK_TRUE(sp != NULL);
	if (sp == NULL)
		return;
	CHECK_TRUE(strstr(cs_spool_path(sp), "127.0.0.1_") != NULL);
	CHECK_TRUE(stat(cs_spool_path(sp), &st) == 0 &&
	           (st.st_mode & 0777) == 0700);
	for (int i = 0; i < 8; i++) {
		make_sheet(&s, ids[i], i == 5 ? "bad" : "individual");
		CHECK_TRUE(cs_spool_put(sp, &s, &err) == 0);
	}
	CHECK_TRUE(cs_spool_count(sp) == 8);
	cs_spool_close(sp); /* as if the process had died: locks go */

	/* Another writer holds its fresh sheet: flush must leave it alone. */
	other = cs_spool_open(root, server, "ana", &err);
	make_sheet(&s, mine, "individual");
	CHECK_TRUE(other != NULL && cs_spool_put(other, &s, &err) == 0);

	sp = cs_spool_open(root, server, "ana", &err);
	c = connect_ok();
	CHECK_TRUE(sp != NULL && c != NULL);
	if (sp == NULL || c == NULL)
		return;
	CHECK_TRUE(cs_spool_flush(sp, c, &rejected, &err) == 7);
	CHECK_TRUE(rejected == 1);
	CHECK_TRUE(cs_spool_count(sp) == 1);
	rej = xasprintf("%s/rejected", cs_spool_path(sp));
	CHECK_TRUE(count_files(rej, ".sheet") == 1 &&
	           count_files(rej, ".reason") == 1);
	free(rej);

	/* Its writer sends it and removes it. */
	CHECK_TRUE(cs_log_sheet(c, &s, NULL, &err) == 0);
	CHECK_TRUE(cs_spool_remove(other, mine) == 0);
	CHECK_TRUE(cs_spool_count(sp) == 0);
	CHECK_TRUE(cs_spool_flush(sp, c, &rejected, &err) == 0 &&
	           rejected == 0);
	cs_close(c);
	cs_spool_close(other);
	cs_spool_close(sp);
}

/* The server goes away mid-flush: -1, unavailable, every sheet kept. */
static void
test_spool_unreachable(const char *root, pid_t server_pid)
{
	struct cs_spool *sp = cs_spool_open(root, server, "ana", NULL);
	struct cs_client *c = connect_ok();
	Callsheet__Sheet s;
	uint8_t ids[3][CS_UUID_LEN];
	struct cs_error err;
	size_t rejected;

	CHECK_TRUE(sp != NULL && c != NULL);
	if (sp == NULL || c == NULL)
		return;
	for (int i = 0; i < 3; i++) {
		make_sheet(&s, ids[i], "individual");
		cs_spool_put(sp, &s, &err);
	}
	cs_spool_close(sp);
	sp = cs_spool_open(root, server, "ana", NULL);
	kill(server_pid, SIGKILL);
	waitpid(server_pid, NULL, 0);
	CHECK_TRUE(cs_spool_flush(sp, c, &rejected, &err) == -1 &&
	           err.code == CALLSHEET__ERROR_CODE__UNAVAILABLE);
	CHECK_TRUE(cs_spool_count(sp) == 3);
	/* A lost connection stays lost, with the same message. */
	CHECK_TRUE(cs_log_sheet(c, &s, NULL, &err) == -1 &&
	           err.code == CALLSHEET__ERROR_CODE__UNAVAILABLE);
	cs_close(c);
	cs_spool_close(sp);
}

int
main(void)
{
	char root[] = "/tmp/test_client_spool.XXXXXX", *rm;
	pid_t pid;
	int port;

	test_server_split();
	test_refused();
	pid = server_start(&port);
	snprintf(server, sizeof server, "127.0.0.1:%d", port);
	test_calls();
	test_window();
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_spool(root);
	test_spool_unreachable(root, pid);
	rm = xasprintf("rm -rf '%s'", root);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	free(rm);
	return unit_finish();
}
