/* migrate.c: applies the embedded schema migrations in order, each in its
 * own transaction, recorded in schema_migrations. Runs before the event
 * loop exists, so it may (and does) use synchronous libpq. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"
#include "migrations.h"

/* Any number would do; it only has to be the same for every daemon. */
#define MIGRATE_LOCK_KEY "7420001"

static int
exec_ok(PGconn *pg, const char *sql, int nparams, const char *const *params,
        const char *what)
{
	PGresult *res =
	        PQexecParams(pg, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		log_error("migration %s: %s", what, PQresultErrorMessage(res));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

static int
applied(PGconn *pg, const char *version)
{
	const char *params[1] = {version};
	PGresult *res = PQexecParams(pg,
	                             "SELECT 1 FROM schema_migrations"
	                             " WHERE version = $1",
	                             1, NULL, params, NULL, NULL, 0);
	int rc = PQresultStatus(res) != PGRES_TUPLES_OK ? -1
	         : PQntuples(res) == 1                  ? 1
	                                                : 0;

	PQclear(res);
	return rc;
}

/* A migration file is several statements: the simple protocol runs them
 * in one go, inside our explicit transaction. */
static int
apply_one(PGconn *pg, const struct migration *m)
{
	const char *params[1] = {m->version};
	PGresult *res;
	int rc = 0;

	if (exec_ok(pg, "BEGIN", 0, NULL, m->version) != 0)
		return -1;
	res = PQexec(pg, m->sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("migration %s failed: %s", m->version,
		          PQresultErrorMessage(res));
		rc = -1;
	}
	PQclear(res);
	if (rc == 0)
		rc = exec_ok(pg,
		             "INSERT INTO schema_migrations (version)"
		             " VALUES ($1)",
		             1, params, m->version);
	if (exec_ok(pg, rc == 0 ? "COMMIT" : "ROLLBACK", 0, NULL, m->version) !=
	    0)
		rc = -1;
	if (rc == 0)
		log_info("migration %s applied", m->version);
	return rc;
}

static void
notice_quiet(void *arg, const char *message)
{
	(void)arg;
	log_debug("migrate: %.*s", (int)strcspn(message, "\n"), message);
}

/*
 * A standby cannot be written to, and needs nothing written: the primary's
 * migrations reach it through replication. It only has to be up to date
 * (a daemon started with --migrate on a standby, for reporting).
 */
static int
check_standby(PGconn *pg)
{
	unsigned pending = 0;

	for (unsigned i = 0; i < nmigrations; i++) {
		int a = applied(pg, migrations[i].version);

		if (a < 0) {
			log_error("migrate: the standby has no schema yet: "
			          "apply the migrations on the primary");
			return -1;
		}
		pending += a == 0;
	}
	if (pending > 0) {
		log_error("migrate: this is a standby and %u migrations are "
		          "not applied; apply them on the primary",
		          pending);
		return -1;
	}
	log_info("schema up to date (%u migrations; a standby, nothing to "
	         "apply)",
	         nmigrations);
	return 0;
}

static int
in_recovery(PGconn *pg)
{
	PGresult *res = PQexec(pg, "SELECT pg_is_in_recovery()");
	int rc = PQresultStatus(res) != PGRES_TUPLES_OK ? -1
	         : PQgetvalue(res, 0, 0)[0] == 't'      ? 1
	                                                : 0;

	PQclear(res);
	return rc;
}

int
migrate_apply(const char *conninfo)
{
	PGconn *pg = PQconnectdb(conninfo);
	int rc = 0;
	unsigned done = 0;

	if (PQstatus(pg) != CONNECTION_OK) {
		log_error("migrate: cannot connect to the database: %s",
		          PQerrorMessage(pg));
		PQfinish(pg);
		return -1;
	}
	PQsetNoticeProcessor(pg, notice_quiet, NULL);
	if (in_recovery(pg) == 1) {
		rc = check_standby(pg);
		PQfinish(pg);
		return rc;
	}
	/* daemons started together must not apply the same file twice */
	if (exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", 0,
	            NULL, "lock") != 0 ||
	    exec_ok(pg,
	            "CREATE TABLE IF NOT EXISTS schema_migrations ("
	            " version text PRIMARY KEY,"
	            " applied_at timestamptz NOT NULL DEFAULT now())",
	            0, NULL, "bookkeeping") != 0)
		rc = -1;
	for (unsigned i = 0; rc == 0 && i < nmigrations; i++) {
		int a = applied(pg, migrations[i].version);

		if (a < 0)
			rc = -1;
		else if (a == 0) {
			rc = apply_one(pg, &migrations[i]);
			done++;
		}
	}
	if (rc == 0)
		log_info("schema up to date (%u migrations, %u applied now)",
		         nmigrations, done);
	PQfinish(pg);
	return rc;
}
