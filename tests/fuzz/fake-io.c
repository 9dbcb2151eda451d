/* fake-io.c: the daemon's two outside doors replaced for fuzzing: db.c
 * (canned PostgreSQL results, good or bad as the input decides) and
 * worker.c (the work runs on the loop thread), both answering later from
 * the event loop, as the real ones do, and deterministically: in order,
 * or (manual mode) in the order the fuzz input plays them. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "callsheetd.h"
#include "fake-io.h"

/* Password "pass", hashed cheaply (ln=10, r=1): a login costs ~1 ms. */
static const char fake_hash[] =
        "$scrypt$ln=10,r=1,p=1$ZnV6emZ1enpmdXp6ZnV6eg==$"
        "ICWt1nt7kbvSUxd17SW5HBkmEJ6RUdsgD+gTGaxiznM=";

/* What op->send queued: statement names or SQL, and parameters. */
#define MAX_STMTS 32
struct sent {
	char *what; /* a prepared statement's name, or SQL text */
	bool prepared;
	int nparams;
	char *param0;
};

struct pending {
	STAILQ_ENTRY(pending) entry;
	struct db_op *op; /* NULL: a worker job */
	struct sent stmts[MAX_STMTS];
	int nstmts;
	bool lost; /* op->send failed: db.c calls that a lost connection */
	void (*work)(void *);
	void (*done)(void *);
	void *arg;
	const void *owner; /* a worker job's, as worker_run_for got it */
	bool skip;         /* its owner died first: not worked */
};
STAILQ_HEAD(pending_list, pending);

static struct pending_list queue = STAILQ_HEAD_INITIALIZER(queue);
static unsigned nqueue;
static struct pending *recording;
static struct event *kick;
static uint64_t rng = 1;
static bool always_ok = true;
static unsigned retries; /* 'r' answers given to the current input */
static bool manual;      /* completions only by fake_io_complete() */

void
fake_io_seed(uint64_t seed)
{
	rng = seed * 2654435761u + 1;
	always_ok = false;
	retries = 0;
}

void
fake_io_always_ok(bool on)
{
	always_ok = on;
}

/* xorshift64: a fixed sequence per input, so that a crash replays. */
static unsigned
roll(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

unsigned
fake_io_pending(void)
{
	return nqueue;
}

/* ------------------------------------------- libpq's sending side */

/* The real libpq would need a server: these record what the handlers
 * send, and the results are made up from it. Linked into the fuzz
 * target only, they take the place of libpq's. */
static int
record(const char *what, bool prepared, int nparams, const char *const *params)
{
	struct sent *s;

	if (recording == NULL || recording->nstmts == MAX_STMTS)
		return 0;
	s = &recording->stmts[recording->nstmts++];
	s->what = xstrdup(what);
	s->prepared = prepared;
	s->nparams = nparams;
	s->param0 =
	        nparams > 0 && params[0] != NULL ? xstrdup(params[0]) : NULL;
	return 1;
}

int
PQsendQueryPrepared(PGconn *conn, const char *stmtName, int nParams,
                    const char *const *paramValues, const int *paramLengths,
                    const int *paramFormats, int resultFormat)
{
	(void)conn;
	(void)paramLengths;
	(void)paramFormats;
	(void)resultFormat;
	return record(stmtName, true, nParams, paramValues);
}

int
PQsendQueryParams(PGconn *conn, const char *command, int nParams,
                  const Oid *paramTypes, const char *const *paramValues,
                  const int *paramLengths, const int *paramFormats,
                  int resultFormat)
{
	(void)conn;
	(void)paramTypes;
	(void)paramLengths;
	(void)paramFormats;
	(void)resultFormat;
	return record(command, false, nParams, paramValues);
}

/* --------------------------------------------------- canned results */

static PGresult *
result_new(int ncols)
{
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc attrs[32];

	memset(attrs, 0, sizeof attrs);
	for (int i = 0; i < ncols; i++) {
		attrs[i].name = (char *)"c";
		attrs[i].typid = 25; /* text */
		attrs[i].typlen = -1;
		attrs[i].atttypmod = -1;
	}
	if (res == NULL || PQsetResultAttrs(res, ncols, attrs) != 1)
		abort();
	return res;
}

static void
set(PGresult *res, int row, int col, const char *value)
{
	if (PQsetvalue(res, row, col, (char *)value,
	               value == NULL ? -1 : (int)strlen(value)) != 1)
		abort();
}

static const char *const tax_rows[][8] = {
        /* id, dimension, code, en, fr, topic_bit, retired, successor */
        {"1", "call_type", "consultation", "Consultation", "Consultation", "-1",
         "f", "0"},
        {"2", "call_type", "silent", "Silent", "Muet", "-1", "f", "0"},
        {"3", "call_type", "hang_up", "Hung up", "Raccroché", "-1", "f", "0"},
        {"4", "call_type", "test", "Test", "Test", "-1", "f", "0"},
        {"10", "department", "75", "Paris", "Paris", "-1", "f", "0"},
        {"11", "department", "93", "Seine-Saint-Denis", "Seine-Saint-Denis",
         "-1", "f", "0"},
        {"12", "department", "2A", "Corse-du-Sud", "Corse-du-Sud", "-1", "f",
         "0"},
        {"13", "department", "971", "Guadeloupe", "Guadeloupe", "-1", "f", "0"},
        {"14", "department", "99", "Abroad", "Étranger", "-1", "f", "0"},
        {"15", "department", "unknown", "Unknown", "Inconnu", "-1", "f", "0"},
        {"20", "caller", "individual", "Individual", "Particulier", "-1", "f",
         "0"},
        {"21", "caller", "professional", "Professional", "Professionnel", "-1",
         "f", "0"},
        {"30", "pro_kind", "public_body", "Public body", "Organisme public",
         "-1", "f", "0"},
        {"31", "pro_kind", "association", "Association", "Association", "-1",
         "f", "0"},
        {"40", "pro_sector", "local_social_services", "Social services",
         "Services sociaux", "-1", "f", "0"},
        {"41", "pro_sector", "other_public", "Other", "Autre", "-1", "f", "0"},
        {"50", "household", "man", "Man", "Homme", "-1", "f", "0"},
        {"51", "household", "woman", "Woman", "Femme", "-1", "f", "0"},
        {"52", "household", "couple", "Couple", "Couple", "-1", "f", "0"},
        {"60", "origin", "africa", "Africa", "Afrique", "-1", "f", "0"},
        {"61", "origin", "maghreb", "Maghreb", "Maghreb", "-1", "f", "0"},
        {"62", "origin", "unknown", "Unknown", "Inconnue", "-1", "f", "0"},
        {"63", "origin", "old_region", "Old", "Ancienne", "-1", "t", "60"},
        {"70", "topic", "entry", "Entry", "Entrée", "0", "f", "0"},
        {"71", "topic", "residence", "Residence", "Séjour", "1", "f", "0"},
        {"72", "topic", "asylum", "Asylum", "Asile", "2", "f", "0"},
        {"73", "topic", "other", "Other", "Autre", "3", "f", "0"},
        {"74", "topic", "old_topic", "Old", "Ancien", "4", "t", "71"},
};

static PGresult *
taxonomy_result(void)
{
	PGresult *res = result_new(11);

	for (int i = 0; i < (int)nitems(tax_rows); i++) {
		for (int c = 0; c < 8; c++)
			set(res, i, c, tax_rows[i][c]);
		set(res, i, 8, "7");
		set(res, i, 9, "Europe/Paris");
		/* retired codes: on 2025-01-01 */
		set(res, i, 10, tax_rows[i][6][0] == 't' ? "1735689600" : "0");
	}
	return res;
}

static PGresult *
account_result(void)
{
	static const char *const roles[] = {"jurist", "reporter", "admin",
	                                    "jurist", "nonsense"};
	PGresult *res = result_new(4);

	if (!always_ok && roll(8) == 0)
		return res; /* no such account */
	set(res, 0, 0, "7");
	set(res, 0, 1, always_ok ? "jurist" : roles[roll(nitems(roles))]);
	set(res, 0, 2, !always_ok && roll(8) == 0 ? "$garbage" : fake_hash);
	set(res, 0, 3, !always_ok && roll(8) == 0 ? "t" : "f");
	return res;
}

/* Rows for some sheets of the batch, counted in its id array "{a,b,c}":
 * a sheet without a row was inserted. */
static PGresult *
insert_result(const char *ids)
{
	static const char status[] = "iiiiiiiddcrp?";
	PGresult *res = result_new(4);
	int n = ids != NULL && strcmp(ids, "{}") != 0 ? 1 : 0, row = 0;
	char ord[16];

	for (const char *p = ids; p != NULL && *p != '\0'; p++)
		n += *p == ',';
	for (int i = 1; i <= n; i++) {
		char st[2] = {'i', '\0'};

		if (!always_ok) {
			st[0] = status[roll(sizeof status - 1)];
			/* a bounded number of "retry": batches must end */
			if (st[0] == 'r' && ++retries > 8)
				st[0] = 'i';
			if (st[0] == '?')
				continue; /* no row: "no answer" */
		}
		snprintf(ord, sizeof ord, "%d", i);
		set(res, row, 0, ord);
		set(res, row, 1, st);
		/* the closed period of a sheet refused for it (schema/0027) */
		set(res, row, 2, st[0] == 'p' ? "2025-01-01" : NULL);
		set(res, row++, 3, st[0] == 'p' ? "2026-01-01" : NULL);
	}
	return res;
}

/* The columns a statement returns, as db-req.c checks them: db_stmts[]
 * says a prepared one's; SQL made for a call (query-sql.c) is counted,
 * its select list's commas outside parentheses. */
static int
sent_columns(const struct sent *s)
{
	const char *p;
	int depth = 0, n = 1;

	if (s->prepared) {
		for (size_t i = 0; i < db_nstmts; i++)
			if (strcmp(db_stmts[i].name, s->what) == 0)
				return db_stmts[i].ncols;
		return 3;
	}
	if ((p = strstr(s->what, "SELECT ")) == NULL)
		return 3;
	for (p += 7; *p != '\0'; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (depth == 0 && *p == ',')
			n++;
		else if (depth == 0 && strncmp(p, " FROM ", 6) == 0)
			break;
	}
	return n < 31 ? n : 31; /* result_new's most, less one */
}

/* Any aggregate: keys and counts are all small numbers, which make sense
 * as taxonomy ids, as text keys and as counts alike. */
static PGresult *
query_result(int ncols)
{
	PGresult *res = result_new(ncols);
	int rows = always_ok ? 1 : (int)roll(6);
	char v[16];

	for (int i = 0; i < rows; i++) {
		for (int c = 0; c < ncols; c++) {
			snprintf(v, sizeof v, "%u", roll(80));
			set(res, i, c, roll(10) == 0 ? NULL : v);
		}
	}
	return res;
}

static PGresult *
canned(const struct sent *s)
{
	if (s->prepared && strcmp(s->what, STMT_TAXONOMY) == 0)
		return taxonomy_result();
	/* a token login answers with an account_by_name row (db-stmt.c) */
	if (s->prepared && (strcmp(s->what, STMT_ACCOUNT_BY_NAME) == 0 ||
	                    strcmp(s->what, STMT_SESSION_LOGIN) == 0))
		return account_result();
	if (s->prepared && strcmp(s->what, STMT_INSERT_SHEETS) == 0)
		return insert_result(s->param0);
	/* now and then a column too many: db-req.c must refuse the
	 * result (an internal error), never read it */
	return query_result(sent_columns(s) +
	                    (!always_ok && roll(16) == 0 ? 1 : 0));
}

/* ------------------------------------------------------ the replies */

static void
pending_free(struct pending *p)
{
	for (int i = 0; i < p->nstmts; i++) {
		free(p->stmts[i].what);
		free(p->stmts[i].param0);
	}
	free(p);
}

/* As db.c does: each statement's result in order, then done once. */
static void
answer(struct pending *p)
{
	struct db_op *op = p->op;
	enum db_status st = DB_OK;
	const char *err = NULL;
	unsigned fate = always_ok ? 0 : roll(16);

	if (fate == 1 || p->lost) {
		st = DB_UNAVAILABLE;
		err = "server closed the connection unexpectedly";
	} else if (fate == 2) {
		st = DB_ERROR;
		err = "ERROR: canned failure";
	}
	for (int i = 0; st == DB_OK && i < p->nstmts; i++) {
		PGresult *res = canned(&p->stmts[i]);

		if (op->result != NULL)
			op->result(op, res);
		PQclear(res);
	}
	op->done(op, st, err);
}

/* One operation or job, taken out of the queue, completes. */
static void
complete(struct pending *p)
{
	STAILQ_REMOVE(&queue, p, pending, entry);
	nqueue--;
	if (p->op != NULL)
		answer(p);
	else {
		if (!p->skip)
			p->work(p->arg);
		p->done(p->arg);
	}
	pending_free(p);
}

static void
kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p;

	(void)fd;
	(void)what;
	(void)arg;
	if (manual || (p = STAILQ_FIRST(&queue)) == NULL)
		return;
	complete(p);
	if (!STAILQ_EMPTY(&queue))
		event_active(kick, 0, 0);
}

static void
enqueue(struct pending *p)
{
	STAILQ_INSERT_TAIL(&queue, p, entry);
	nqueue++;
	if (!manual)
		event_active(kick, 0, 0);
}

void
fake_io_manual(bool on)
{
	manual = on;
	if (!on && !STAILQ_EMPTY(&queue))
		event_active(kick, 0, 0);
}

/* The k-th pending (modulo their number) completes now: operations and
 * jobs finish in whatever order the caller plays. */
bool
fake_io_complete(unsigned k)
{
	struct pending *p;

	if (nqueue == 0)
		return false;
	k %= nqueue;
	STAILQ_FOREACH(p, &queue, entry)
	if (k-- == 0)
		break;
	complete(p);
	return true;
}

/* ------------------------------------------------ the db.c interface */

void
db_init(void)
{
	if (kick == NULL)
		kick = event_new(base, -1, 0, kick_cb, NULL);
}

void
db_shutdown(void)
{
	struct pending *p;

	while ((p = STAILQ_FIRST(&queue)) != NULL) {
		STAILQ_REMOVE_HEAD(&queue, entry);
		nqueue--;
		if (p->op != NULL)
			p->op->done(p->op, DB_UNAVAILABLE, "stopping");
		else
			p->done(p->arg);
		pending_free(p);
	}
	if (kick != NULL)
		event_free(kick);
	kick = NULL;
}

bool
db_available(void)
{
	return true;
}

bool
db_listening(void)
{
	return true;
}

int
db_submit(struct db_op *op)
{
	struct pending *p;

	if (!always_ok && roll(32) == 0)
		return -1; /* as if no connection were up */
	p = xcalloc(1, sizeof *p);
	p->op = op;
	recording = p;
	/* a send that fails is a lost connection to db.c */
	p->lost = op->send((PGconn *)p, op) != 0;
	recording = NULL;
	enqueue(p);
	return 0;
}

const char *
db_sqlstate(const PGresult *res)
{
	const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	return s ? s : "";
}

/* -------------------------------------------- the worker.c interface */

void
worker_init(unsigned nthreads)
{
	(void)nthreads;
}

void
worker_shutdown(void)
{
}

void
worker_run_for(const char *lane, const void *owner, void (*work)(void *),
               void (*done)(void *), void *arg)
{
	struct pending *p = xcalloc(1, sizeof *p);

	(void)lane;
	p->work = work;
	p->done = done;
	p->arg = arg;
	p->owner = owner;
	enqueue(p);
}

/* As worker.c: the owner's jobs not started are done unworked. */
void
worker_cancel(const void *owner)
{
	struct pending *p;

	STAILQ_FOREACH(p, &queue, entry)
	if (p->op == NULL && owner != NULL && p->owner == owner)
		p->skip = true;
}

/* As db.c: the owner's reads still queued fail at once. */
void
db_cancel_owner(const void *owner)
{
	struct pending *p, *next;

	for (p = STAILQ_FIRST(&queue); p != NULL; p = next) {
		next = STAILQ_NEXT(p, entry);
		if (p->op == NULL || owner == NULL || p->op->owner != owner ||
		    !p->op->read)
			continue;
		STAILQ_REMOVE(&queue, p, pending, entry);
		nqueue--;
		p->op->done(p->op, DB_UNAVAILABLE, "its client is gone");
		pending_free(p);
		next = STAILQ_FIRST(&queue);
	}
}

unsigned
worker_queued(void)
{
	return 0;
}

void
worker_run(void (*work)(void *), void (*done)(void *), void *arg)
{
	worker_run_for(NULL, NULL, work, done, arg);
}

/* ------------------------------------------ what main.c owns, and setup */

struct event_base *base;
volatile bool draining;

/* The daemon as a fuzz target runs it: quiet, default settings (the
 * caller may change them next), the loop, the fakes, the taxonomy. */
void
fake_io_daemon_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	/* quiet: a log line per request would be most of the time spent */
	log_init((enum log_level)(LOG_ERROR + 1));
	cfg = cfg_default();
	cfg_finish(cfg);
	if ((base = event_base_new()) == NULL)
		abort();
	worker_init(0);
	db_init();
	fake_io_always_ok(true);
	tax_refresh();
	while (taxonomy == NULL)
		event_base_loop(base, EVLOOP_ONCE);
}

/* A new connection taken through hello and login, as if it had sent
 * them (its session set by the caller). */
void
fake_io_logged_in(struct conn *c)
{
	conn_set_state(c, CONN_LOGIN);
	conn_set_state(c, CONN_AUTHENTICATING);
	conn_set_state(c, CONN_READY);
}
