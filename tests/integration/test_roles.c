/* test_roles.c: the role matrix: every request kind, sent by a session of
 * every role (and by a connection not logged in), is either served or
 * refused FORBIDDEN (UNAUTHENTICATED before login), as docs/DESIGN.md says:
 * jurist logs and queries, reporter queries only, admin does everything.
 *
 * A new request kind: add one row to `matrix` (a builder and who may send
 * it). The test fails until every request of the protocol has its row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheet.h"
#include "harness.h"

#define J   (1u << CALLSHEET__ROLE__JURIST)
#define R   (1u << CALLSHEET__ROLE__REPORTER)
#define A   (1u << CALLSHEET__ROLE__ADMIN)
#define ALL (J | R | A)

/* What builders may point into; one per request sent. */
struct scratch {
	const char *role; /* of the sender, to make names unique */
	char name[64];
	uint8_t id[CS_UUID_LEN];
	Callsheet__Hello hello;
	Callsheet__Login login;
	Callsheet__LogSheet log_sheet;
	Callsheet__Sheet sheet;
	Callsheet__Query query;
	Callsheet__GetTaxonomy taxonomy;
	Callsheet__UserAdd user_add;
	Callsheet__UserPasswd user_passwd;
	Callsheet__UserDisable user_disable;
	Callsheet__UserList user_list;
	Callsheet__TaxonomyAdd tax_add;
	Callsheet__TaxonomyRename tax_rename;
	Callsheet__TaxonomyRetire tax_retire;
	Callsheet__TaxonomyMap tax_map;
	Callsheet__MinCell min_cell;
	Callsheet__AmendSheet amend;
	Callsheet__VoidSheet void_sheet;
	Callsheet__GetAudit audit;
	Callsheet__ClosePeriod close;
	Callsheet__GetRestatements restatements;
	Callsheet__Watch watch;
	Callsheet__CheckSheets check_sheets;
	Callsheet__LogSheets log_sheets;
	Callsheet__Sheet *sheets[1];
	Callsheet__Export export_;
	Callsheet__ListSheets list_sheets;
	Callsheet__SessionStart session_start;
	Callsheet__SessionEnd session_end;
	Callsheet__PasswordChange password_change;
	Callsheet__SetYearFacts set_facts;
	Callsheet__GetYearFacts get_facts;
};

struct row {
	Callsheet__Request__BodyCase body;
	void (*build)(Callsheet__Request *req, struct scratch *s);
	unsigned roles;  /* who is served */
	bool pre_login;  /* hello, login: never FORBIDDEN, whoever asks */
	const char *why; /* for the reader */
};

static void
b_hello(Callsheet__Request *req, struct scratch *s)
{
	callsheet__hello__init(&s->hello);
	s->hello.protocol_version = CS_PROTOCOL_VERSION;
	s->hello.has_protocol_version = true;
	req->hello = &s->hello;
}

static void
b_login(Callsheet__Request *req, struct scratch *s)
{
	callsheet__login__init(&s->login);
	s->login.user = "nobody";
	s->login.password = "nothing";
	req->login = &s->login;
}

/* A valid sheet, so that "served" means stored. */
static void
b_log_sheet(Callsheet__Request *req, struct scratch *s)
{
	callsheet__log_sheet__init(&s->log_sheet);
	th_sheet_init(&s->sheet, s->id);
	s->log_sheet.sheet = &s->sheet;
	req->log_sheet = &s->log_sheet;
}

static void
b_query(Callsheet__Request *req, struct scratch *s)
{
	callsheet__query__init(&s->query);
	/* a calendar year: a shape every role may ask (reporter.c) */
	s->query.from = "2025-01-01";
	s->query.to = "2026-01-01";
	req->query = &s->query;
}

static void
b_taxonomy(Callsheet__Request *req, struct scratch *s)
{
	callsheet__get_taxonomy__init(&s->taxonomy);
	req->get_taxonomy = &s->taxonomy;
}

/* A valid new account named after the sender: only admin's may exist. */
static void
b_user_add(Callsheet__Request *req, struct scratch *s)
{
	callsheet__user_add__init(&s->user_add);
	snprintf(s->name, sizeof s->name, "made-by-%s", s->role);
	s->user_add.name = s->name;
	s->user_add.role = CALLSHEET__ROLE__REPORTER;
	s->user_add.has_role = true;
	s->user_add.password = "a-long-password";
	req->user_add = &s->user_add;
}

static void
b_user_passwd(Callsheet__Request *req, struct scratch *s)
{
	callsheet__user_passwd__init(&s->user_passwd);
	s->user_passwd.name = "victim";
	s->user_passwd.password = "changed-by-someone";
	req->user_passwd = &s->user_passwd;
}

static void
b_user_disable(Callsheet__Request *req, struct scratch *s)
{
	callsheet__user_disable__init(&s->user_disable);
	s->user_disable.name = "no-such-account";
	req->user_disable = &s->user_disable;
}

static void
b_user_list(Callsheet__Request *req, struct scratch *s)
{
	callsheet__user_list__init(&s->user_list);
	req->user_list = &s->user_list;
}

/* Taxonomy administration: valid changes, so that "served" means done. */
static void
b_tax_add(Callsheet__Request *req, struct scratch *s)
{
	callsheet__taxonomy_add__init(&s->tax_add);
	snprintf(s->name, sizeof s->name, "made_by_%s", s->role);
	s->tax_add.dimension = "origin";
	s->tax_add.code = s->name;
	s->tax_add.label_en = s->tax_add.label_fr = s->name;
	req->taxonomy_add = &s->tax_add;
}

static void
b_tax_rename(Callsheet__Request *req, struct scratch *s)
{
	callsheet__taxonomy_rename__init(&s->tax_rename);
	s->tax_rename.dimension = "origin";
	s->tax_rename.code = "oceania";
	s->tax_rename.label_en = "Oceania";
	req->taxonomy_rename = &s->tax_rename;
}

static void
b_tax_retire(Callsheet__Request *req, struct scratch *s)
{
	callsheet__taxonomy_retire__init(&s->tax_retire);
	s->tax_retire.dimension = "pro_sector";
	s->tax_retire.code = "other_public";
	req->taxonomy_retire = &s->tax_retire;
}

static void
b_tax_map(Callsheet__Request *req, struct scratch *s)
{
	callsheet__taxonomy_map__init(&s->tax_map);
	s->tax_map.dimension = "pro_sector";
	s->tax_map.code = "other_public";
	s->tax_map.successor = "local_social_services";
	req->taxonomy_map = &s->tax_map;
}

/* No role given: a read of the rules, harmless to run as admin. */
static void
b_min_cell(Callsheet__Request *req, struct scratch *s)
{
	callsheet__min_cell__init(&s->min_cell);
	req->min_cell = &s->min_cell;
}

/* A sheet that does not exist: served means "not found", not forbidden. */
static void
b_amend(Callsheet__Request *req, struct scratch *s)
{
	callsheet__amend_sheet__init(&s->amend);
	uuid_generate(s->id);
	s->amend.id.data = s->id;
	s->amend.id.len = CS_UUID_LEN;
	s->amend.has_id = true;
	s->amend.department = "93";
	req->amend_sheet = &s->amend;
}

static void
b_void(Callsheet__Request *req, struct scratch *s)
{
	callsheet__void_sheet__init(&s->void_sheet);
	uuid_generate(s->id);
	s->void_sheet.id.data = s->id;
	s->void_sheet.id.len = CS_UUID_LEN;
	s->void_sheet.has_id = true;
	s->void_sheet.reason = "a test";
	req->void_sheet = &s->void_sheet;
}

static void
b_audit(Callsheet__Request *req, struct scratch *s)
{
	callsheet__get_audit__init(&s->audit);
	req->get_audit = &s->audit;
}

static void
b_close(Callsheet__Request *req, struct scratch *s)
{
	callsheet__close_period__init(&s->close);
	s->close.from = "2001-01-01";
	s->close.to = "2001-02-01";
	req->close_period = &s->close;
}

static void
b_restatements(Callsheet__Request *req, struct scratch *s)
{
	b_query(req, s);
	callsheet__get_restatements__init(&s->restatements);
	s->restatements.query = &s->query;
	req->get_restatements = &s->restatements;
}

static void
b_watch(Callsheet__Request *req, struct scratch *s)
{
	callsheet__watch__init(&s->watch);
	req->watch = &s->watch;
}

/* A valid sheet, checked and not stored. */
static void
b_check_sheets(Callsheet__Request *req, struct scratch *s)
{
	callsheet__check_sheets__init(&s->check_sheets);
	th_sheet_init(&s->sheet, s->id);
	s->sheets[0] = &s->sheet;
	s->check_sheets.sheets = s->sheets;
	s->check_sheets.n_sheets = 1;
	req->check_sheets = &s->check_sheets;
}

/* A valid sheet, stored. */
static void
b_log_sheets(Callsheet__Request *req, struct scratch *s)
{
	callsheet__log_sheets__init(&s->log_sheets);
	th_sheet_init(&s->sheet, s->id);
	s->sheets[0] = &s->sheet;
	s->log_sheets.sheets = s->sheets;
	s->log_sheets.n_sheets = 1;
	req->log_sheets = &s->log_sheets;
}

static void
b_export(Callsheet__Request *req, struct scratch *s)
{
	callsheet__export__init(&s->export_);
	req->export = &s->export_;
}

static void
b_list_sheets(Callsheet__Request *req, struct scratch *s)
{
	callsheet__list_sheets__init(&s->list_sheets);
	req->list_sheets = &s->list_sheets;
}

static void
b_session_start(Callsheet__Request *req, struct scratch *s)
{
	callsheet__session_start__init(&s->session_start);
	req->session_start = &s->session_start;
}

static void
b_session_end(Callsheet__Request *req, struct scratch *s)
{
	callsheet__session_end__init(&s->session_end);
	s->session_end.token = "0000000000000000000000000000000000000000000000"
	                       "000000000000000000";
	req->session_end = &s->session_end;
}

/* A new password too short: refused before the current one is checked. */
static void
b_password_change(Callsheet__Request *req, struct scratch *s)
{
	callsheet__password_change__init(&s->password_change);
	s->password_change.old_password = "whatever";
	s->password_change.new_password = "short";
	req->password_change = &s->password_change;
}

/* No year: served means "bad request", not forbidden; nothing stored. */
static void
b_set_facts(Callsheet__Request *req, struct scratch *s)
{
	callsheet__set_year_facts__init(&s->set_facts);
	req->set_year_facts = &s->set_facts;
}

static void
b_get_facts(Callsheet__Request *req, struct scratch *s)
{
	callsheet__get_year_facts__init(&s->get_facts);
	s->get_facts.has_year = 1;
	s->get_facts.year = 2024;
	req->get_year_facts = &s->get_facts;
}

static const struct row matrix[] = {
        {CALLSHEET__REQUEST__BODY_HELLO, b_hello, ALL, true, "handshake"},
        {CALLSHEET__REQUEST__BODY_LOGIN, b_login, ALL, true, "handshake"},
        {CALLSHEET__REQUEST__BODY_LOG_SHEET, b_log_sheet, J | A, false,
         "jurists log sheets"},
        {CALLSHEET__REQUEST__BODY_QUERY, b_query, ALL, false,
         "everyone queries"},
        {CALLSHEET__REQUEST__BODY_GET_TAXONOMY, b_taxonomy, ALL, false,
         "everyone reads the codes"},
        {CALLSHEET__REQUEST__BODY_USER_ADD, b_user_add, A, false,
         "accounts are the admin's"},
        {CALLSHEET__REQUEST__BODY_USER_PASSWD, b_user_passwd, A, false,
         "accounts are the admin's"},
        {CALLSHEET__REQUEST__BODY_USER_DISABLE, b_user_disable, A, false,
         "accounts are the admin's"},
        {CALLSHEET__REQUEST__BODY_USER_LIST, b_user_list, A, false,
         "accounts are the admin's"},
        {CALLSHEET__REQUEST__BODY_TAXONOMY_ADD, b_tax_add, A, false,
         "the taxonomy is the admin's"},
        {CALLSHEET__REQUEST__BODY_TAXONOMY_RENAME, b_tax_rename, A, false,
         "the taxonomy is the admin's"},
        {CALLSHEET__REQUEST__BODY_TAXONOMY_RETIRE, b_tax_retire, A, false,
         "the taxonomy is the admin's"},
        {CALLSHEET__REQUEST__BODY_TAXONOMY_MAP, b_tax_map, A, false,
         "the taxonomy is the admin's"},
        {CALLSHEET__REQUEST__BODY_MIN_CELL, b_min_cell, A, false,
         "disclosure rules are the admin's"},
        {CALLSHEET__REQUEST__BODY_AMEND_SHEET, b_amend, J | A, false,
         "jurists amend their sheets, admins any"},
        {CALLSHEET__REQUEST__BODY_VOID_SHEET, b_void, J | A, false,
         "jurists void their sheets, admins any"},
        {CALLSHEET__REQUEST__BODY_GET_AUDIT, b_audit, J | A, false,
         "jurists see the changes to their sheets, admins all"},
        {CALLSHEET__REQUEST__BODY_CLOSE_PERIOD, b_close, A, false,
         "closing a period is the admin's"},
        {CALLSHEET__REQUEST__BODY_GET_RESTATEMENTS, b_restatements, ALL, false,
         "everyone who queries sees the restatements"},
        {CALLSHEET__REQUEST__BODY_WATCH, b_watch, J | A, false,
         "live counters show each sheet as it comes: not the reporter's"},
        {CALLSHEET__REQUEST__BODY_CHECK_SHEETS, b_check_sheets, J | A, false,
         "an import is logging sheets"},
        {CALLSHEET__REQUEST__BODY_LOG_SHEETS, b_log_sheets, J | A, false,
         "logging, several sheets at a time (import)"},
        {CALLSHEET__REQUEST__BODY_EXPORT, b_export, J | A, false,
         "sheet by sheet would bypass the reporter's minimum cell size"},
        {CALLSHEET__REQUEST__BODY_LIST_SHEETS, b_list_sheets, J | A, false,
         "sheet by sheet, as export: one's own (any for an admin)"},
        {CALLSHEET__REQUEST__BODY_SESSION_START, b_session_start, ALL, false,
         "everyone logs in once per workstation session"},
        {CALLSHEET__REQUEST__BODY_SESSION_END, b_session_end, ALL, false,
         "everyone logs out"},
        {CALLSHEET__REQUEST__BODY_PASSWORD_CHANGE, b_password_change, ALL,
         false, "everyone changes their own password"},
        {CALLSHEET__REQUEST__BODY_SET_YEAR_FACTS, b_set_facts, A, false,
         "a year's populations and budget are the admin's to set"},
        {CALLSHEET__REQUEST__BODY_GET_YEAR_FACTS, b_get_facts, ALL, false,
         "everyone who reports reads them (not personal data)"},
};

static const struct row *
row_for(unsigned body)
{
	for (size_t i = 0; i < nitems(matrix); i++)
		if ((unsigned)matrix[i].body == body)
			return &matrix[i];
	return NULL;
}

/* Every request of the protocol has its row: a new one cannot slip in
 * without someone deciding who may send it. */
static void
test_matrix_complete(void)
{
	const ProtobufCMessageDescriptor *desc =
	        &callsheet__request__descriptor;
	unsigned n = 0;

	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &desc->fields[i];

		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
			continue;
		n++;
		CHECK(row_for(f->id) != NULL,
		      "request '%s' (field %u) has no row in the role matrix: "
		      "add one to tests/integration/test_roles.c",
		      f->name, f->id);
	}
	CHECK(n == nitems(matrix), "%u request kinds, %zu rows", n,
	      nitems(matrix));
}

static const char *
field_name(Callsheet__Request__BodyCase body)
{
	const ProtobufCFieldDescriptor *f =
	        protobuf_c_message_descriptor_get_field(
	                &callsheet__request__descriptor, (unsigned)body);

	return f != NULL ? f->name : "?";
}

/* One request from one session: the error code, ERROR_NONE if served. */
static Callsheet__ErrorCode
send_one(struct cs_client *c, const struct row *row, const char *role,
         struct cs_error *err)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Response *resp = NULL;
	struct scratch s = {.role = role};

	req.body_case = row->body;
	row->build(&req, &s);
	memset(err, 0, sizeof *err);
	if (cs_call(c, &req, &resp, err) != 0)
		return err->code;
	callsheet__response__free_unpacked(resp, NULL);
	return CALLSHEET__ERROR_CODE__ERROR_NONE;
}

static void
check_cell(struct cs_client *c, Callsheet__Role role, const struct row *row)
{
	const char *who = role_name(role);
	const char *what = field_name(row->body);
	struct cs_error err;
	Callsheet__ErrorCode got = send_one(c, row, who, &err);
	bool served = role != CALLSHEET__ROLE__ROLE_NONE &&
	              (row->roles & (1u << role)) != 0;
	char needle[128];

	if (row->pre_login) {
		CHECK(got != CALLSHEET__ERROR_CODE__FORBIDDEN,
		      "%s from %s: a handshake request is never forbidden",
		      what, who);
		return;
	}
	if (role == CALLSHEET__ROLE__ROLE_NONE) {
		CHECK(got == CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		      "%s before login: unauthenticated (got %s: %s)", what,
		      error_code_name(got), err.message);
		return;
	}
	if (served) {
		CHECK(got != CALLSHEET__ERROR_CODE__FORBIDDEN &&
		              got != CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		      "%s from %s: served (%s) (got %s: %s)", what, who,
		      row->why, error_code_name(got), err.message);
		return;
	}
	snprintf(needle, sizeof needle, "the %s role may not", who);
	CHECK(got == CALLSHEET__ERROR_CODE__FORBIDDEN &&
	              strstr(err.message, needle) != NULL,
	      "%s from %s: forbidden (%s) (got %s: %s)", what, who, row->why,
	      error_code_name(got), err.message);
	/* the client says it as what the person tried to do */
	CHECK(strcmp(err.reason, "role") == 0 && strcmp(err.field, what) == 0 &&
	              cli_role_text(err.field) != NULL &&
	              strcmp(cli_error_text(&err), cli_role_text(what)) == 0,
	      "%s from %s: the client has a sentence for the refusal "
	      "(client/error-text.c role_texts; it said: %s)",
	      what, who, cli_error_text(&err));
}

int
main(void)
{
	static const struct {
		Callsheet__Role role;
		const char *user, *password;
	} sessions[] = {
	        {CALLSHEET__ROLE__ROLE_NONE, NULL, NULL},
	        {CALLSHEET__ROLE__JURIST, "jurist1", "j1-pass"},
	        {CALLSHEET__ROLE__REPORTER, "reporter1", "rep-pass"},
	        {CALLSHEET__ROLE__ADMIN, "admin1", "admin-pass"},
	};
	struct th_daemon d;
	char *conninfo = th_createdb("t_roles");
	PGconn *pg;

	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "j1-pass");
	th_create_user(conninfo, "reporter1", "reporter", "rep-pass");
	th_create_user(conninfo, "admin1", "admin", "admin-pass");
	th_create_user(conninfo, "victim", "jurist", "victim-pass");
	th_daemon_start(&d, conninfo, NULL);

	test_matrix_complete();
	{
		/* reporters read closed periods only: 2025, the queries' */
		struct cs_client *a = th_connect(&d, "admin1", "admin-pass");
		Callsheet__ClosePeriod cp = CALLSHEET__CLOSE_PERIOD__INIT;
		Callsheet__PeriodClosed *pc;
		struct cs_error err;

		cp.from = "2025-01-01";
		cp.to = "2026-01-01";
		if (cs_close_period(a, &cp, &pc, &err) != 0)
			th_die("close 2025: %s", err.message);
		protobuf_c_message_free_unpacked(&pc->base, NULL);
		cs_close(a);
	}
	for (size_t i = 0; i < nitems(sessions); i++) {
		struct cs_client *c =
		        th_connect(&d, sessions[i].user, sessions[i].password);

		CHECK(cs_role(c) == sessions[i].role, "session as %s",
		      role_name(sessions[i].role));
		for (size_t k = 0; k < nitems(matrix); k++)
			check_cell(c, sessions[i].role, &matrix[k]);
		cs_close(c);
	}

	/* a refusal changed nothing; a service did what it says */
	pg = th_pg(conninfo);
	CHECK(th_sql_count(pg, "SELECT count(*) FROM account WHERE name ~ $1",
	                   "^made-by-(none|jurist|reporter)$") == 0,
	      "no account was made by a forbidden request");
	CHECK(th_sql_count(pg, "SELECT count(*) FROM account WHERE name = $1",
	                   "made-by-admin") == 1,
	      "the admin's account exists");
	CHECK(th_sql_count(pg,
	                   "SELECT count(*) FROM sheet s JOIN account a"
	                   " ON a.id = s.jurist_id WHERE a.role = $1",
	                   "reporter") == 0,
	      "no sheet was stored for the reporter");
	CHECK(th_sql_count(pg, "SELECT count(*) FROM sheet", NULL) == 4,
	      "the jurist's and the admin's sheets were stored (LogSheet, "
	      "LogSheets)");
	CHECK(th_sql_count(pg,
	                   "SELECT count(*) FROM account_audit au JOIN account"
	                   " a ON a.id = au.account_id WHERE a.name = $1"
	                   " AND au.action = 'password'",
	                   "victim") == 1,
	      "only the admin changed the victim's password");
	PQfinish(pg);

	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	free(conninfo);
	return th_finish();
}
