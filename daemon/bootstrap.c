/* bootstrap.c: creates an account from the command line (first start,
 * scripts), before the event loop exists: synchronous libpq is fine. */
#include <stdio.h>
#include <stdlib.h>

#include "callsheetd.h"

/* Returns 0 if created or already there, -1 on error. */
int
bootstrap_user(const char *conninfo, const char *name, const char *role,
               const char *password)
{
	PGconn *pg;
	PGresult *res;
	char *hash;
	const char *params[3];
	int rc = 0;

	if (role_parse(role) == CALLSHEET__ROLE__ROLE_NONE) {
		log_error("--role: '%s' is not jurist, reporter or admin",
		          role);
		return -1;
	}
	if (password[0] == '\0') {
		log_error("--create-user: the password is empty");
		return -1;
	}
	if ((hash = auth_hash_password(password, cfg->scrypt_log_n)) == NULL) {
		log_error("--create-user: hashing the password failed");
		return -1;
	}
	pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		log_error("cannot connect to the database: %s",
		          PQerrorMessage(pg));
		PQfinish(pg);
		free(hash);
		return -1;
	}
	params[0] = name;
	params[1] = role;
	params[2] = hash;
	res = PQexecParams(pg,
	                   "WITH a AS (INSERT INTO account"
	                   " (name, role, password_hash) VALUES ($1, $2, $3)"
	                   " ON CONFLICT (name) DO NOTHING RETURNING id, role"
	                   "), audit AS (INSERT INTO account_audit"
	                   " (account_id, action, role)"
	                   " SELECT id, 'create', role FROM a)"
	                   " SELECT id FROM a",
	                   3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("creating account '%s': %s", name,
		          PQresultErrorMessage(res));
		rc = -1;
	} else if (PQntuples(res) == 1)
		log_info("account '%s' created with role %s", name, role);
	else
		log_info("account '%s' exists already; left unchanged", name);
	PQclear(res);
	PQfinish(pg);
	free(hash);
	return rc;
}
