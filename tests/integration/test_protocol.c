/* test_protocol.c: the protocol as a client meets it: hello and version,
 * login and roles, logging with idempotent ids (one sheet per request or
 * several), every validation error,
 * hostile frames answered with an error and a close while others go on. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static struct th_daemon d;
static char *conninfo;

/* Sends a log request, returns the error code (ERROR_NONE on ack). */
static Callsheet__ErrorCode
log_sheet(struct cs_client *c, const Callsheet__Sheet *s, bool *duplicate,
          struct cs_error *err)
{
	bool dup = false;

	memset(err, 0, sizeof *err);
	if (cs_log_sheet(c, s, &dup, err) == 0) {
		if (duplicate != NULL)
			*duplicate = dup;
		return CALLSHEET__ERROR_CODE__ERROR_NONE;
	}
	return err->code;
}

static long long
stored(const uint8_t id[CS_UUID_LEN])
{
	char text[CS_UUID_STRLEN];
	PGconn *pg = th_pg(conninfo);
	long long n;

	uuid_format(id, text);
	n = th_sql_count(pg, "SELECT count(*) FROM sheet WHERE id = $1::uuid",
	                 text);
	PQfinish(pg);
	return n;
}

static void
test_idempotent_log(struct cs_client *c)
{
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct cs_error err;
	bool dup = true;

	th_sheet_init(&s, id);
	CHECK(log_sheet(c, &s, &dup, &err) == 0, "log: %s", err.message);
	CHECK(!dup, "first send is not a duplicate");
	CHECK(stored(id) == 1, "the sheet is in the database");
	CHECK(log_sheet(c, &s, &dup, &err) == 0, "resend: %s", err.message);
	CHECK(dup, "a resend is acknowledged as a duplicate");
	CHECK(stored(id) == 1, "a resend adds no row");

	s.department = "93";
	CHECK(log_sheet(c, &s, NULL, &err) == CALLSHEET__ERROR_CODE__CONFLICT,
	      "other content under the same id is a conflict (got %d: %s)",
	      err.code, err.message);
	CHECK(strcmp(err.field, "id") == 0, "conflict names the id field");
	CHECK(stored(id) == 1, "the conflict changed nothing");
}

struct bad_case {
	const char *what;
	const char *field;
	const char *needle; /* in the message */
	void (*mutate)(Callsheet__Sheet *s);
};

static void
m_dept(Callsheet__Sheet *s)
{
	s->department = "9Z";
}
static void
m_caller(Callsheet__Sheet *s)
{
	s->caller = "robot";
}
static void
m_no_caller(Callsheet__Sheet *s)
{
	s->caller = NULL;
}
static void
m_no_dept(Callsheet__Sheet *s)
{
	s->department = NULL;
}
static void
m_no_topic(Callsheet__Sheet *s)
{
	s->n_topics = 0;
}
static void
m_pro_household(Callsheet__Sheet *s)
{
	s->caller = "professional";
	s->origin = NULL;
}
static void
m_sector_no_kind(Callsheet__Sheet *s)
{
	s->caller = "professional";
	s->household = s->origin = NULL;
	s->pro_kind = "association";
	s->pro_sector = "other_public";
}
static void
m_duration(Callsheet__Sheet *s)
{
	s->duration_s = 90000;
}
static void
m_future(Callsheet__Sheet *s)
{
	s->call_start = time(NULL) + 9e5;
}
static void
m_call_type(Callsheet__Sheet *s)
{
	s->call_type = "prank";
}
static char *bad_topics[] = {"residence", "tax"};
static void
m_topic(Callsheet__Sheet *s)
{
	s->n_topics = 2;
	s->topics = bad_topics;
}
static void
m_id(Callsheet__Sheet *s)
{
	s->id.len = 5;
}

/* fields marked "always" in the proto, left out: refused on that
 * request alone (the cases after these run on the same connection) */
static void
m_no_duration(Callsheet__Sheet *s)
{
	s->has_duration_s = false;
}
static void
m_no_call_start(Callsheet__Sheet *s)
{
	s->has_call_start = false;
}
static void
m_no_id(Callsheet__Sheet *s)
{
	s->has_id = false;
}

static const struct bad_case bad_cases[] = {
        {"no duration_s", "duration_s", "missing", m_no_duration},
        {"no call_start", "call_start", "missing", m_no_call_start},
        {"no id", "id", "missing", m_no_id},
        {"unknown département", "department", "'9Z' is not a known code",
         m_dept},
        {"unknown caller", "caller", "allowed: individual or professional",
         m_caller},
        {"missing caller", "caller", "missing", m_no_caller},
        {"missing département", "department", "missing", m_no_dept},
        {"no topic", "topics", "at least one topic", m_no_topic},
        {"household for a professional", "household", "does not apply",
         m_pro_household},
        {"sector without public body", "pro_sector", "public_body",
         m_sector_no_kind},
        {"duration too long", "duration_s", "90000", m_duration},
        {"call in the future", "call_start", "plausible", m_future},
        {"unknown call type", "call_type", "'prank'", m_call_type},
        {"unknown topic", "topics", "'tax'", m_topic},
        {"short id", "id", "16", m_id},
};

static void
test_bad_sheets(struct cs_client *c)
{
	for (size_t i = 0; i < nitems(bad_cases); i++) {
		const struct bad_case *b = &bad_cases[i];
		Callsheet__Sheet s;
		uint8_t id[CS_UUID_LEN];
		struct cs_error err;
		Callsheet__ErrorCode code;

		th_sheet_init(&s, id);
		b->mutate(&s);
		code = log_sheet(c, &s, NULL, &err);
		CHECK(code == CALLSHEET__ERROR_CODE__BAD_REQUEST,
		      "%s: bad request expected, got %d (%s)", b->what, code,
		      err.message);
		CHECK(strcmp(err.field, b->field) == 0,
		      "%s: field '%s' expected, got '%s'", b->what, b->field,
		      err.field);
		CHECK(strstr(err.message, b->needle) != NULL,
		      "%s: message '%s' lacks '%s'", b->what, err.message,
		      b->needle);
		if (s.id.len == CS_UUID_LEN)
			CHECK(stored(id) == 0, "%s: nothing stored", b->what);
	}
}

static void
test_non_consultation(struct cs_client *c)
{
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct cs_error err;

	th_sheet_init(&s, id);
	s.call_type = "silent";
	s.caller = s.department = s.household = s.origin = NULL;
	s.n_topics = 0;
	CHECK(log_sheet(c, &s, NULL, &err) == 0,
	      "a silent call needs no details: %s", err.message);
}

/* LogSheets: the answer, or NULL with err set (an Error answer). */
static Callsheet__SheetsLogged *
log_sheets(struct cs_client *c, Callsheet__Sheet **sheets, size_t n,
           struct cs_error *err)
{
	Callsheet__SheetsLogged *sl;

	memset(err, 0, sizeof *err);
	return cs_log_sheets(c, sheets, n, &sl, err) == 0 ? sl : NULL;
}

static bool
listed(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static const Callsheet__Error *
refusal(const Callsheet__SheetsLogged *sl, uint32_t index)
{
	for (size_t i = 0; i < sl->n_refused; i++)
		if (sl->refused[i]->index == index)
			return sl->refused[i]->error;
	return NULL;
}

/* Several sheets in one request: each stored, refused or found stored
 * exactly as LogSheet would, and a resend of the request adds nothing. */
static void
test_log_sheets(struct cs_client *c)
{
	Callsheet__Sheet s[6], *sp[6], prior;
	uint8_t id[6][CS_UUID_LEN], prior_id[CS_UUID_LEN];
	char prior_text[CS_UUID_STRLEN];
	Callsheet__SheetsLogged *sl;
	const Callsheet__Error *e;
	struct cs_error err;

	th_sheet_init(&prior, prior_id);
	CHECK(log_sheet(c, &prior, NULL, &err) == 0, "log: %s", err.message);
	for (size_t i = 0; i < 6; i++) {
		th_sheet_init(&s[i], id[i]);
		sp[i] = &s[i];
	}
	s[1].department = "9Z";                   /* invalid */
	s[2] = prior;                             /* a resend */
	s[3] = prior;                             /* its id, another call */
	s[3].duration_s = prior.duration_s + 600; /* (id[3] unused) */
	s[5] = s[4];                              /* twice in the request */

	for (int round = 0; round < 2; round++) {
		sl = log_sheets(c, sp, 6, &err);
		CHECK(sl != NULL, "log sheets (round %d): %s", round,
		      err.message);
		if (sl == NULL)
			return;
		/* of the two copies in the request, either may be first */
		CHECK(sl->n_duplicates == (round == 0 ? 2u : 4u) &&
		              listed(sl->duplicates, sl->n_duplicates, 2) &&
		              (listed(sl->duplicates, sl->n_duplicates, 4) ||
		               listed(sl->duplicates, sl->n_duplicates, 5)) &&
		              (round == 0 ||
		               (listed(sl->duplicates, sl->n_duplicates, 0) &&
		                listed(sl->duplicates, sl->n_duplicates, 4) &&
		                listed(sl->duplicates, sl->n_duplicates, 5))),
		      "round %d: the resends are duplicates (%zu listed)",
		      round, sl->n_duplicates);
		CHECK(sl->n_refused == 2, "round %d: two refused (%zu)", round,
		      sl->n_refused);
		e = refusal(sl, 1);
		CHECK(e != NULL &&
		              e->code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
		              strcmp(e->field, "department") == 0 &&
		              strstr(e->message, "9Z") != NULL,
		      "round %d: the invalid sheet is refused naming its field "
		      "and value (%s)",
		      round, e ? e->message : "not refused");
		e = refusal(sl, 3);
		CHECK(e != NULL && e->code == CALLSHEET__ERROR_CODE__CONFLICT &&
		              strcmp(e->field, "id") == 0 &&
		              strcmp(e->reason, "stored_other") == 0,
		      "round %d: another call under a stored id is a conflict",
		      round);
		callsheet__sheets_logged__free_unpacked(sl, NULL);
	}
	CHECK(stored(id[0]) == 1 && stored(id[4]) == 1,
	      "the new sheets are stored once each");
	CHECK(stored(id[1]) == 0, "the invalid sheet is not stored");
	uuid_format(prior_id, prior_text);
	CHECK(th_sql_count_at(
	              conninfo,
	              "SELECT duration_s FROM sheet WHERE id = $1::uuid",
	              prior_text) == 300,
	      "the conflict changed nothing (420 s stored as 5 minutes)");

	sl = log_sheets(c, sp, 0, &err);
	CHECK(sl != NULL && sl->n_duplicates == 0 && sl->n_refused == 0,
	      "an empty request is answered with nothing to say");
	if (sl != NULL)
		callsheet__sheets_logged__free_unpacked(sl, NULL);
}

/* More sheets than a request may carry: refused whole, naming the field. */
static void
test_log_sheets_too_many(struct cs_client *c)
{
	size_t n = 1001;
	Callsheet__Sheet *s = xcalloc(n, sizeof *s);
	Callsheet__Sheet **sp = xcalloc(n, sizeof *sp);
	uint8_t(*ids)[CS_UUID_LEN] = xcalloc(n, sizeof *ids);
	Callsheet__SheetsLogged *sl;
	struct cs_error err;

	for (size_t i = 0; i < n; i++) { /* small enough for one frame */
		th_sheet_init(&s[i], ids[i]);
		s[i].call_type = "silent";
		s[i].caller = s[i].department = s[i].household = NULL;
		s[i].origin = NULL;
		s[i].n_topics = 0;
		sp[i] = &s[i];
	}
	sl = log_sheets(c, sp, n, &err);
	CHECK(sl == NULL && err.code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strcmp(err.field, "sheets") == 0 &&
	              strstr(err.message, "1000") != NULL,
	      "1001 sheets in one request: refused, naming the limit (%s)",
	      err.message);
	CHECK(stored(ids[0]) == 0, "nothing of it stored");
	if (sl != NULL)
		callsheet__sheets_logged__free_unpacked(sl, NULL);
	free(ids);
	free(sp);
	free(s);
}

static void
test_roles(void)
{
	struct cs_client *rep = th_connect(&d, "reporter1", "rep-pass");
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct cs_error err;

	th_sheet_init(&s, id);
	CHECK(log_sheet(rep, &s, NULL, &err) ==
	              CALLSHEET__ERROR_CODE__FORBIDDEN,
	      "a reporter may not log (got %d: %s)", err.code, err.message);
	CHECK(stored(id) == 0, "nothing stored for the reporter");
	{
		Callsheet__Sheet *sp = &s;

		CHECK(log_sheets(rep, &sp, 1, &err) == NULL &&
		              err.code == CALLSHEET__ERROR_CODE__FORBIDDEN,
		      "nor log several sheets (got %d: %s)", err.code,
		      err.message);
		CHECK(stored(id) == 0, "still nothing stored for the reporter");
	}
	cs_close(rep);
}

static void
test_bad_login(void)
{
	struct cs_options o = {.server = d.server,
	                       .user = "jurist1",
	                       .password = "wrong",
	                       .timeout_ms = 10000};
	struct cs_client *c = NULL;
	struct cs_error err;

	CHECK(cs_connect(&o, &c, &err) != 0, "a wrong password is refused");
	CHECK(err.code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
	      "wrong password: unauthenticated (got %d: %s)", err.code,
	      err.message);
	o.user = "nobody";
	CHECK(cs_connect(&o, &c, &err) != 0 &&
	              err.code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
	      "an unknown user is refused the same way");
}

static void
test_not_logged_in(void)
{
	struct cs_client *c = th_connect(&d, NULL, NULL);
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN];
	struct cs_error err;

	th_sheet_init(&s, id);
	CHECK(log_sheet(c, &s, NULL, &err) ==
	              CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
	      "logging before login is refused (got %d)", err.code);
	cs_close(c);
}

/* ------------------------------------------------ raw-socket attacks */

static int
raw_connect(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
	                          .sin_port = htons((uint16_t)d.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct timeval tv = {10, 0};

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		th_die("raw connect failed");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

/* Reads one server frame; returns its error code, or -1. Then checks the
 * server closed the connection. */
static int
raw_expect_error_and_close(int fd, const char *what)
{
	uint8_t hdr[4], body[4096];
	Callsheet__ServerMessage *m;
	uint32_t len;
	int code = -1;
	ssize_t n;

	if (recv(fd, hdr, 4, MSG_WAITALL) != 4) {
		CHECK(false, "%s: no error frame before the close", what);
		return -1;
	}
	len = frame_read_header(hdr);
	if (len > sizeof body || recv(fd, body, len, MSG_WAITALL) != len) {
		CHECK(false, "%s: truncated error frame", what);
		return -1;
	}
	m = callsheet__server_message__unpack(NULL, len, body);
	if (m != NULL && m->response != NULL && m->response->error != NULL)
		code = m->response->error->code;
	callsheet__server_message__free_unpacked(m, NULL);
	n = recv(fd, body, sizeof body, 0);
	CHECK(n == 0, "%s: the server closes the connection", what);
	return code;
}

static void
test_hostile_frames(struct cs_client *bystander)
{
	static const uint8_t huge[] = {0x7f, 0xff, 0xff, 0xff, 1, 2, 3};
	static const uint8_t garbage[] = {0,    0,    0,    6,    0xff,
	                                  0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t empty[] = {0, 0, 0, 0};
	struct {
		const char *what;
		const uint8_t *bytes;
		size_t len;
	} cases[] = {
	        {"frame over the limit", huge, sizeof huge},
	        {"garbage protobuf", garbage, sizeof garbage},
	        {"empty frame", empty, sizeof empty},
	};

	for (size_t i = 0; i < nitems(cases); i++) {
		int fd = raw_connect();
		Callsheet__Sheet s;
		uint8_t id[CS_UUID_LEN];
		struct cs_error err;

		if (write(fd, cases[i].bytes, cases[i].len) < 0)
			th_die("write");
		CHECK(raw_expect_error_and_close(fd, cases[i].what) ==
		              CALLSHEET__ERROR_CODE__BAD_REQUEST,
		      "%s: answered bad request", cases[i].what);
		close(fd);
		th_sheet_init(&s, id);
		CHECK(log_sheet(bystander, &s, NULL, &err) == 0,
		      "after %s, another client still logs: %s", cases[i].what,
		      err.message);
	}
}

static void
test_version_mismatch(void)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Hello h = CALLSHEET__HELLO__INIT;
	uint8_t *frame;
	size_t len;
	int fd = raw_connect();

	h.protocol_version = 99;
	h.has_protocol_version = true;
	req.id = 1;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_HELLO;
	req.hello = &h;
	frame = frame_pack(&req.base, &len);
	if (write(fd, frame, len) != (ssize_t)len)
		th_die("write");
	free(frame);
	CHECK(raw_expect_error_and_close(fd, "version 99") ==
	              CALLSHEET__ERROR_CODE__VERSION_MISMATCH,
	      "an incompatible version is refused");
	close(fd);
}

/* Days that do not exist: once an INTERNAL from PostgreSQL's date cast,
 * in a query and in its restatements alike. */
static void
test_impossible_dates(struct cs_client *c)
{
	static const char *const days[][2] = {{"2025-02-30", "2025-03-01"},
	                                      {"2025-04-01", "2025-04-31"}};

	for (size_t i = 0; i < nitems(days); i++) {
		Callsheet__Query q = CALLSHEET__QUERY__INIT;
		Callsheet__QueryResult *qr = NULL;
		Callsheet__Restatements *rs = NULL;
		const char *field = i == 0 ? "from" : "to";
		const char *bad = days[i][i == 0 ? 0 : 1];
		struct cs_error err = {0};

		q.from = (char *)days[i][0];
		q.to = (char *)days[i][1];
		CHECK(cs_query(c, &q, &qr, &err) != 0 &&
		              err.code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
		              strcmp(err.field, field) == 0 &&
		              strcmp(err.reason, "bad_date") == 0 &&
		              strcmp(err.value, bad) == 0,
		      "query %s: bad request naming %s (%d %s: %s)", bad, field,
		      err.code, err.field, err.message);
		CHECK(cs_restatements(c, &q, &rs, &err) != 0 &&
		              err.code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
		              strcmp(err.field, field) == 0 &&
		              strcmp(err.reason, "bad_date") == 0,
		      "restatements %s: bad request naming %s (%d: %s)", bad,
		      field, err.code, err.message);
	}
}

/* An amendment's call_start far out of range is refused like a sheet's,
 * naming it (it once reached PostgreSQL's date conversion: INTERNAL),
 * for a sheet that exists and for one that does not. */
static void
test_amend_extreme_start(struct cs_client *c)
{
	static const int64_t starts[] = {INT64_MAX, INT64_MIN, 0};
	Callsheet__Sheet s;
	uint8_t id[CS_UUID_LEN], missing[CS_UUID_LEN] = {0};
	struct cs_error err = {0};

	th_sheet_init(&s, id);
	if (!CHECK(cs_log_sheet(c, &s, NULL, &err) == 0,
	           "a sheet to amend is logged (%s)", err.message))
		return;
	for (size_t i = 0; i < nitems(starts); i++)
		for (int which = 0; which < 2; which++) {
			Callsheet__AmendSheet a = CALLSHEET__AMEND_SHEET__INIT;
			Callsheet__SheetChanged *sc = NULL;

			a.id.data = which == 0 ? id : missing;
			a.id.len = CS_UUID_LEN;
			a.has_id = true;
			a.has_call_start = true;
			a.call_start = starts[i];
			a.reason = "test";
			CHECK(cs_amend_sheet(c, &a, &sc, &err) != 0 &&
			              err.code ==
			                      CALLSHEET__ERROR_CODE__BAD_REQUEST &&
			              strcmp(err.field, "call_start") == 0 &&
			              strcmp(err.reason, "out_of_range") == 0,
			      "amend call_start %lld (%s sheet): bad request "
			      "naming call_start (%d %s: %s)",
			      (long long)starts[i],
			      which == 0 ? "its" : "a missing", err.code,
			      err.field, err.message);
		}
}

int
main(void)
{
	struct cs_client *jurist;

	conninfo = th_createdb("t_protocol");
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "j1-pass");
	th_create_user(conninfo, "reporter1", "reporter", "rep-pass");
	th_daemon_start(&d, conninfo, NULL);

	jurist = th_connect(&d, "jurist1", "j1-pass");
	CHECK(cs_role(jurist) == CALLSHEET__ROLE__JURIST, "role is jurist");
	test_idempotent_log(jurist);
	test_bad_sheets(jurist);
	test_non_consultation(jurist);
	test_impossible_dates(jurist);
	test_amend_extreme_start(jurist);
	test_log_sheets(jurist);
	test_log_sheets_too_many(jurist);
	test_roles();
	test_bad_login();
	test_not_logged_in();
	test_hostile_frames(jurist);
	test_version_mismatch();
	cs_close(jurist);

	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	free(conninfo);
	return th_finish();
}
