/* db-req.c: the one road from the daemon's code to the database: a call of
 * statements (db_stmts[]'s, or a query's own SQL), each result's shape
 * checked before a row is read, rows read through db-row.c, one done; and
 * the one map of database failures to protocol errors (req_db_error). */
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

const struct db_end db_unreachable = {DB_UNAVAILABLE,
                                      "no database connection is up", ""};

struct step {
	const char *stmt; /* a db_stmts[] name, or NULL: sql */
	const char *sql;  /* the caller's, kept until done */
	int ncols;        /* the columns its result must have */
	int nparams;
	char **params; /* copies; NULL when binary */
	/* binary parameters (the caller's, kept until done) and their
	 * lengths, or NULL */
	const char *const *bin;
	const int *lengths;
	db_row_fn *row;
	void *arg; /* the row's: the call's unless db_call_row_arg() */
};

struct db_call {
	struct db_op op;
	const char *what;
	struct step *steps; /* &one while there is one */
	struct step one;
	int nsteps;
	int nresults;
	char *broken; /* why the call cannot be sent, or NULL */
	char *shape;  /* a result of the wrong shape, or NULL */
	db_done_fn *done;
	void *arg;
};

static const struct db_stmt *
stmt_find(const char *name)
{
	for (size_t i = 0; i < db_nstmts; i++)
		if (strcmp(db_stmts[i].name, name) == 0)
			return &db_stmts[i];
	return NULL;
}

struct db_call *
db_call_new(const char *what, db_done_fn *done, void *arg)
{
	struct db_call *k = xcalloc(1, sizeof *k);

	k->what = what;
	k->done = done;
	k->arg = arg;
	return k;
}

/* The state's place after the call, aligned for anything. */
#define CALL_SIZE                                                              \
	((sizeof(struct db_call) + alignof(max_align_t) - 1) /                 \
	 alignof(max_align_t) * alignof(max_align_t))

/* A call that carries its caller's state (size bytes, zeroed: *state,
 * the done's and the rows' arg) in the same allocation; the state is
 * freed with the call, after done. */
struct db_call *
db_call_new_state(const char *what, db_done_fn *done, size_t size, void **state)
{
	struct db_call *k = xcalloc(1, CALL_SIZE + size);

	*state = (char *)k + CALL_SIZE;
	k->what = what;
	k->done = done;
	k->arg = *state;
	return k;
}

/* A new step, its parameters not yet set: the first in the call itself. */
static struct step *
step_new(struct db_call *k, int nparams, db_row_fn *row)
{
	struct step *s;

	if (k->nsteps == 0)
		k->steps = &k->one;
	else if (k->nsteps == 1) {
		k->steps = xreallocarray(NULL, 2, sizeof *k->steps);
		k->steps[0] = k->one;
	} else
		k->steps = xreallocarray(k->steps, (size_t)k->nsteps + 1,
		                         sizeof *k->steps);
	s = &k->steps[k->nsteps++];
	memset(s, 0, sizeof *s);
	s->nparams = nparams;
	s->row = row;
	s->arg = k->arg;
	return s;
}

static struct step *
step_add(struct db_call *k, int nparams, const char *const *params,
         db_row_fn *row)
{
	struct step *s = step_new(k, nparams, row);

	s->params = xcalloc((size_t)nparams + 1, sizeof *s->params);
	for (int i = 0; i < nparams; i++)
		s->params[i] = params[i] != NULL ? xstrdup(params[i]) : NULL;
	return s;
}

/* The last statement's rows go to row(arg, ...) rather than the call's
 * arg: one part of the caller's state per statement. */
void
db_call_row_arg(struct db_call *k, void *arg)
{
	if (k->nsteps > 0)
		k->steps[k->nsteps - 1].arg = arg;
}

/* A prepared statement: its parameter count is checked against
 * db_stmts[] now, its result's columns when it comes. */
static const struct db_stmt *
stmt_check(struct db_call *k, const char *stmt, int nparams)
{
	const struct db_stmt *d = stmt_find(stmt);

	if (d == NULL || d->nparams != nparams) {
		if (k->broken == NULL)
			k->broken =
			        d == NULL
			                ? xasprintf("no statement %s", stmt)
			                : xasprintf("statement %s takes %d "
			                            "parameters, not %d",
			                            stmt, d->nparams, nparams);
		return NULL;
	}
	return d;
}

void
db_call_stmt(struct db_call *k, const char *stmt, int nparams,
             const char *const *params, db_row_fn *row)
{
	const struct db_stmt *d = stmt_check(k, stmt, nparams);
	struct step *s;

	if (d == NULL)
		return;
	s = step_add(k, nparams, params, row);
	s->stmt = d->name;
	s->ncols = d->ncols;
}

/* The most binary parameters a statement takes. */
#define BINARY_MAX 64

/* A prepared statement whose parameters are in PostgreSQL's binary
 * format (params[i] of lengths[i] bytes, as the type's send function
 * makes them): neither printed nor parsed, nor copied: the caller keeps
 * both arrays until done. */
void
db_call_stmt_binary(struct db_call *k, const char *stmt, int nparams,
                    const char *const *params, const int *lengths,
                    db_row_fn *row)
{
	const struct db_stmt *d = stmt_check(k, stmt, nparams);
	struct step *s;

	if (d == NULL)
		return;
	if (nparams > BINARY_MAX) {
		if (k->broken == NULL)
			k->broken = xasprintf("statement %s: %d binary "
			                      "parameters, at most %d",
			                      stmt, nparams, BINARY_MAX);
		return;
	}
	s = step_new(k, nparams, row);
	s->bin = params;
	s->lengths = lengths;
	s->stmt = d->name;
	s->ncols = d->ncols;
}

/* SQL made for this call (query-sql.c's), kept by the caller until done;
 * ncols: the columns its result has. */
void
db_call_sql(struct db_call *k, const char *sql, int ncols, int nparams,
            const char *const *params, db_row_fn *row)
{
	struct step *s = step_add(k, nparams, params, row);

	s->sql = sql;
	s->ncols = ncols;
}

/* The service's time zone for the rest of the call (its transaction),
 * for the statements that need it: the setting table's, loaded with the
 * taxonomy; DESIGN's default before that. */
void
db_call_timezone(struct db_call *k)
{
	const char *params[1] = {taxonomy != NULL ? taxonomy->timezone
	                                          : "Europe/Paris"};

	db_call_stmt(k, STMT_SET_TIMEZONE, 1, params, NULL);
}

static void
call_free(struct db_call *k)
{
	for (int i = 0; i < k->nsteps; i++) {
		if (k->steps[i].params == NULL)
			continue; /* binary: the caller's */
		for (int j = 0; j < k->steps[i].nparams; j++)
			free(k->steps[i].params[j]);
		free(k->steps[i].params);
	}
	if (k->steps != &k->one)
		free(k->steps);
	free(k->broken);
	free(k->shape);
	free(k);
}

static int
call_send(PGconn *pg, struct db_op *op)
{
	static const int binary[BINARY_MAX] = {[0 ... BINARY_MAX - 1] = 1};
	struct db_call *k = op->arg;

	for (int i = 0; i < k->nsteps; i++) {
		const struct step *s = &k->steps[i];
		const char *const *params =
		        s->bin != NULL ? s->bin
		                       : (const char *const *)s->params;
		int ok = s->stmt != NULL
		                 ? PQsendQueryPrepared(
		                           pg, s->stmt, s->nparams, params,
		                           s->lengths,
		                           s->bin != NULL ? binary : NULL, 0)
		                 : PQsendQueryParams(pg, s->sql, s->nparams,
		                                     NULL, params, NULL, NULL,
		                                     0);
		if (ok != 1)
			return -1;
	}
	return 0;
}

/* Each statement's result, in order: the shape first, then the rows. */
static void
call_result(struct db_op *op, const PGresult *res)
{
	struct db_call *k = op->arg;
	const struct step *s;

	if (k->shape != NULL || k->nresults >= k->nsteps)
		return;
	s = &k->steps[k->nresults++];
	if (PQnfields(res) != s->ncols) {
		k->shape = xasprintf("statement %s returned %d columns, %d "
		                     "expected",
		                     s->stmt != NULL ? s->stmt : "(sql)",
		                     PQnfields(res), s->ncols);
		return;
	}
	if (s->row != NULL)
		db_rows_each(res, s->row, s->arg);
}

static void
call_done(struct db_op *op, enum db_status st, const char *err)
{
	struct db_call *k = op->arg;
	struct db_end e = {st, err, op->sqlstate};

	if (st == DB_OK && k->shape != NULL) {
		e.st = DB_ERROR;
		e.error = k->shape;
		e.sqlstate = "";
	}
	k->done(k->arg, &e);
	call_free(k);
}

static int
call_submit(struct db_call *k)
{
	k->op.send = call_send;
	k->op.result = call_result;
	k->op.done = call_done;
	k->op.arg = k;
	return db_submit(&k->op);
}

/* The daemon's own work (no request): -1, and nothing called, if the
 * call is broken or no database connection is up. */
int
db_call_submit(struct db_call *k)
{
	if (k->broken != NULL) {
		log_error("%s", k->broken);
		call_free(k);
		return -1;
	}
	if (call_submit(k) != 0) {
		call_free(k);
		return -1;
	}
	return 0;
}

/* The same, but done is called whatever happens: with db_unreachable
 * when no database connection is up (or the broken call's error), before
 * this returns. */
void
db_call_run(struct db_call *k)
{
	struct db_end e = {DB_ERROR, k->broken, ""};

	if (k->broken == NULL) {
		if (call_submit(k) == 0)
			return;
		e = db_unreachable;
	} else
		log_error("%s", k->broken);
	k->done(k->arg, &e);
	call_free(k);
}

/*
 * For a request: the operation is its (db.c drops or cancels it when its
 * connection dies) and reads only if dispatch.c's table says so. Returns
 * -1 once the request has been answered (a broken call, or no database
 * up); done is then never called, the caller frees what it holds.
 */
int
req_call(struct req *r, struct db_call *k)
{
	if (k->broken != NULL) {
		struct db_end e = {DB_ERROR, k->broken, ""};

		req_db_error(r, &e, k->what);
		call_free(k);
		return -1;
	}
	if (req_call_quiet(r, k) != 0) {
		req_db_error(r, &db_unreachable, NULL);
		return -1;
	}
	return 0;
}

/* The same, but on failure nothing is answered: the caller has its own
 * things to undo first (then answers with req_db_error). */
int
req_call_quiet(struct req *r, struct db_call *k)
{
	k->op.owner = r->conn;
	k->op.read = r->reads;
	return db_call_submit(k);
}

/* The common case: one statement. */
int
req_stmt(struct req *r, const char *what, const char *stmt, int nparams,
         const char *const *params, db_row_fn *row, db_done_fn *done, void *arg)
{
	struct db_call *k = db_call_new(what, done, arg);

	db_call_stmt(k, stmt, nparams, params, row);
	return req_call(r, k);
}

/* ---------------------------------------- failures as protocol errors */

/*
 * The one map of a failed operation to the client's error: retry later
 * (the database is unreachable, busy or in failover: UNAVAILABLE with a
 * retry hint), a conflict with what is stored (an integrity constraint,
 * a CHECK aside: CONFLICT, never worth resending), or a bug (INTERNAL,
 * logged once here).
 */
void
req_db_error(struct req *r, const struct db_end *e, const char *what)
{
	const char *s = e->sqlstate != NULL ? e->sqlstate : "";

	if (e->st == DB_UNAVAILABLE) {
		req_error(r, CALLSHEET__ERROR_CODE__UNAVAILABLE, NULL,
		          "the database is unreachable; retry shortly");
		return;
	}
	if (strncmp(s, "23", 2) == 0 && strcmp(s, "23514") != 0) {
		log_warn("%s: %s", what, e->error ? e->error : "?");
		req_error(r, CALLSHEET__ERROR_CODE__CONFLICT, NULL,
		          "%s: the database refused it: it conflicts with what "
		          "is stored (a name or id taken meanwhile)",
		          what);
		return;
	}
	log_error("%s failed: %s", what, e->error ? e->error : "?");
	req_error(r, CALLSHEET__ERROR_CODE__INTERNAL, NULL,
	          "%s failed on the server; see its log", what);
}
