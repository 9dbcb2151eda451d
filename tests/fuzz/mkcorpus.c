/* mkcorpus.c: writes the seed corpus of the fuzz targets (tests/fuzz/
 * corpus/): well-formed conversations and a few classic bad ones, so that
 * fuzzing starts from inputs that reach deep. Run it again after a
 * protocol change:  build/tests/fuzz/mkcorpus tests/fuzz/corpus */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

struct out {
	uint8_t buf[1 << 16];
	size_t len;
};

static void
add_bytes(struct out *o, const void *p, size_t n)
{
	if (o->len + n > sizeof o->buf)
		abort();
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void
add_request(struct out *o, Callsheet__Request *req)
{
	size_t len;
	uint8_t *f = frame_pack(&req->base, &len);

	add_bytes(o, f, len);
	free(f);
}

static uint32_t next_id = 1;

static void
hello(struct out *o, uint32_t version)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Hello h = CALLSHEET__HELLO__INIT;

	h.protocol_version = version;
	h.has_protocol_version = true;
	h.client_name = "seed";
	req.id = next_id++;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_HELLO;
	req.hello = &h;
	add_request(o, &req);
}

static void
login(struct out *o, const char *user, const char *password)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Login l = CALLSHEET__LOGIN__INIT;

	l.user = (char *)user;
	l.password = (char *)password;
	req.id = next_id++;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_LOGIN;
	req.login = &l;
	add_request(o, &req);
}

/* sessions: a login with a token, a token asked for and ended, one's own
 * password changed */
static void
tokens(struct out *o)
{
	static char token[] = "00112233445566778899aabbccddeeff"
	                      "00112233445566778899aabbccddeeff";
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Login l = CALLSHEET__LOGIN__INIT;
	Callsheet__SessionStart st = CALLSHEET__SESSION_START__INIT;
	Callsheet__SessionEnd end = CALLSHEET__SESSION_END__INIT;
	Callsheet__PasswordChange pc = CALLSHEET__PASSWORD_CHANGE__INIT;

	l.user = "jurist1";
	l.password = "";
	l.token = token;
	req.id = next_id++;
	req.body_case = CALLSHEET__REQUEST__BODY_LOGIN;
	req.login = &l;
	add_request(o, &req);
	req.id = next_id++;
	req.body_case = CALLSHEET__REQUEST__BODY_SESSION_START;
	req.session_start = &st;
	add_request(o, &req);
	end.token = token;
	req.id = next_id++;
	req.body_case = CALLSHEET__REQUEST__BODY_SESSION_END;
	req.session_end = &end;
	add_request(o, &req);
	pc.old_password = "pass";
	pc.new_password = "a-new-password";
	req.id = next_id++;
	req.body_case = CALLSHEET__REQUEST__BODY_PASSWORD_CHANGE;
	req.password_change = &pc;
	add_request(o, &req);
}

static char *topics2[] = {"residence", "asylum"};

static void
sheet(struct out *o, int variant)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__LogSheet ls = CALLSHEET__LOG_SHEET__INIT;
	Callsheet__Sheet s = CALLSHEET__SHEET__INIT;
	uint8_t id[CS_UUID_LEN];

	memset(id, 0, sizeof id);
	id[0] = (uint8_t)variant;
	id[15] = (uint8_t)next_id;
	s.id.data = id;
	s.id.len = sizeof id;
	s.has_id = s.has_call_start = s.has_duration_s = true;
	s.call_start = 1738368000 + variant * 3600;
	s.duration_s = 420;
	s.department = "75";
	s.n_topics = 1;
	s.topics = topics2;
	switch (variant) {
	case 0:
		s.caller = "individual";
		s.household = "woman";
		s.origin = "africa";
		break;
	case 1:
		s.caller = "professional";
		s.pro_kind = "public_body";
		s.pro_sector = "local_social_services";
		s.department = "2A";
		s.n_topics = 2;
		break;
	case 2:
		s.call_type = "silent";
		s.department = NULL;
		s.n_topics = 0;
		break;
	case 3: /* invalid: household for a professional */
		s.caller = "professional";
		s.household = "man";
		break;
	case 4: /* invalid: short id, retired origin */
		s.id.len = 5;
		s.caller = "individual";
		s.origin = "old_region";
		break;
	}
	req.id = next_id++;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEET;
	req.log_sheet = &ls;
	ls.sheet = &s;
	add_request(o, &req);
}

static void
query(struct out *o, int variant)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Query q = CALLSHEET__QUERY__INIT;
	Callsheet__Filter f = CALLSHEET__FILTER__INIT;
	Callsheet__Filter *fs[1] = {&f};
	char *by1[] = {"department"};
	char *by2[] = {"caller", "month"};
	char *by3[] = {"topic", "jurist", "hour"};

	q.from = "2025-01-01";
	q.to = variant == 3 ? "2024-01-01" : "2026-01-01";
	f.dimension = "department";
	f.value = "75";
	switch (variant) {
	case 1:
		q.n_group_by = 1;
		q.group_by = by1;
		q.n_filters = 1;
		q.filters = fs;
		break;
	case 2:
		q.n_group_by = 2;
		q.group_by = by2;
		break;
	case 3:
		q.n_group_by = 3;
		q.group_by = by3;
		break;
	}
	req.id = next_id++;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_QUERY;
	req.query = &q;
	add_request(o, &req);
}

static void
taxonomy(struct out *o, const char *lang)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__GetTaxonomy g = CALLSHEET__GET_TAXONOMY__INIT;

	g.lang = (char *)lang;
	req.id = next_id++;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_GET_TAXONOMY;
	req.get_taxonomy = &g;
	add_request(o, &req);
}

/* exchange: watch (and stop), an import's check, export pages. */
static void
exchange(struct out *o)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Watch w = CALLSHEET__WATCH__INIT;
	Callsheet__CheckSheets cs = CALLSHEET__CHECK_SHEETS__INIT;
	Callsheet__Export x = CALLSHEET__EXPORT__INIT;
	Callsheet__Sheet s[2] = {CALLSHEET__SHEET__INIT,
	                         CALLSHEET__SHEET__INIT};
	Callsheet__Sheet *ps[2] = {&s[0], &s[1]};
	uint8_t id[CS_UUID_LEN] = {7};

	req.id = next_id++;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_WATCH;
	req.watch = &w;
	add_request(o, &req);
	for (int i = 0; i < 2; i++) {
		s[i].id.data = id;
		s[i].id.len = sizeof id;
		s[i].has_id = s[i].has_call_start = s[i].has_duration_s = true;
		s[i].call_start = 1738368000;
		s[i].caller = i == 0 ? "individual" : "professional";
		s[i].household = "woman"; /* wrong for the second */
		s[i].department = "75";
		s[i].n_topics = 1;
		s[i].topics = topics2;
	}
	cs.sheets = ps;
	cs.n_sheets = 2;
	req.id = next_id++;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_CHECK_SHEETS;
	req.check_sheets = &cs;
	add_request(o, &req);
	x.from = "2025-01-01";
	x.to = "2026-01-01";
	x.has_limit = 1;
	x.limit = 2;
	req.id = next_id++;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_EXPORT;
	req.export = &x;
	add_request(o, &req);
	x.cursor = "1738368000000000:07000000-0000-0000-0000-000000000000";
	req.id = next_id++;
	req.has_id = true;
	add_request(o, &req);
	x.from = "2025-02-30";
	x.cursor = NULL;
	req.id = next_id++;
	req.has_id = true;
	add_request(o, &req);
	w.has_stop = 1;
	w.stop = 1;
	req.id = next_id++;
	req.has_id = true;
	req.body_case = CALLSHEET__REQUEST__BODY_WATCH;
	req.watch = &w;
	add_request(o, &req);
}

static void
save(const char *dir, const char *target, const char *name, uint8_t b0,
     uint8_t b1, const struct out *o)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		exit(1);
	}
	fputc(b0, f);
	if (strcmp(target, "dispatch") == 0)
		fputc(b1, f);
	fwrite(o->buf, 1, o->len, f);
	fclose(f);
}

/* The same conversation as a dispatch seed (session byte, seed byte) and
 * as a frame seed (limit byte). */
static void
both(const char *dir, const char *name, uint8_t session, const struct out *o)
{
	save(dir, "dispatch", name, session, 0, o);
	save(dir, "frame", name, 255, 0, o);
}

int
main(int argc, char **argv)
{
	static struct out o;
	static const uint8_t huge[] = {0x7f, 0xff, 0xff, 0xff, 1, 2, 3};
	static const uint8_t garbage[] = {0,    0,    0,    6,    0xff,
	                                  0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t empty[] = {0, 0, 0, 0};
	const char *dir = argc > 1 ? argv[1] : "tests/fuzz/corpus";

	o.len = 0;
	hello(&o, CS_PROTOCOL_VERSION);
	login(&o, "jurist1", "pass");
	sheet(&o, 0);
	taxonomy(&o, "fr");
	both(dir, "session", 0, &o);

	o.len = 0;
	hello(&o, 99);
	both(dir, "version-mismatch", 0, &o);

	o.len = 0;
	login(&o, "admin", "wrong");
	login(&o, "admin", "pass");
	sheet(&o, 1);
	both(dir, "login-twice", 1, &o);

	o.len = 0;
	for (int v = 0; v < 5; v++)
		sheet(&o, v);
	sheet(&o, 0); /* a resend */
	both(dir, "sheets", 2, &o);

	o.len = 0;
	for (int i = 0; i < 12; i++)
		sheet(&o, i % 3);
	both(dir, "pipelined", 2, &o);

	o.len = 0;
	for (int v = 0; v < 4; v++)
		query(&o, v);
	taxonomy(&o, "en");
	both(dir, "queries", 2 | (1 << 2), &o);

	o.len = 0;
	sheet(&o, 0);
	query(&o, 1);
	both(dir, "reporter-logs", 2 | (1 << 2), &o);

	o.len = 0;
	hello(&o, CS_PROTOCOL_VERSION);
	taxonomy(&o, NULL);
	both(dir, "timeout-sweep", 0x10, &o);

	o.len = 0;
	add_bytes(&o, huge, sizeof huge);
	both(dir, "huge", 2, &o);
	o.len = 0;
	add_bytes(&o, garbage, sizeof garbage);
	both(dir, "garbage", 2, &o);
	o.len = 0;
	hello(&o, CS_PROTOCOL_VERSION);
	add_bytes(&o, empty, sizeof empty);
	both(dir, "empty-frame", 0, &o);
	o.len = 0;
	exchange(&o);
	sheet(&o, 0);
	both(dir, "exchange", 2, &o);
	o.len = 0;
	hello(&o, CS_PROTOCOL_VERSION);
	tokens(&o);
	both(dir, "tokens", 0, &o);
	return 0;
}
