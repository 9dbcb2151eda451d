/* taxonomy-load.c: keeps the cached taxonomy current: loaded when the
 * database is first reached, reloaded on NOTIFY callsheet_taxonomy, and
 * on demand after an administrator's change. */
#include <stdlib.h>

#include "callsheetd.h"

struct taxonomy *taxonomy;

struct tax_load {
	struct db_op op;
	struct taxonomy *loaded;
	char *error;
	void (*then)(void *); /* tax_reload's caller; NULL for tax_refresh */
	void *then_arg;
};
static bool loading;
static bool reload_again;

static int
tax_load_send(PGconn *pg, struct db_op *op)
{
	(void)op;
	return PQsendQueryPrepared(pg, STMT_TAXONOMY, 0, NULL, NULL, NULL, 0) ==
	                       1
	               ? 0
	               : -1;
}

static void
tax_load_result(struct db_op *op, const PGresult *res)
{
	struct tax_load *tl = op->arg;

	tax_free(tl->loaded);
	tl->loaded = tax_from_result(res, &tl->error);
}

static void
tax_load_done(struct db_op *op, enum db_status st, const char *err)
{
	struct tax_load *tl = op->arg;
	void (*then)(void *) = tl->then;
	void *then_arg = tl->then_arg;

	if (then == NULL)
		loading = false;
	/* Loads may overlap and finish out of order: never go back to an
	 * older version. */
	if (st == DB_OK && tl->loaded != NULL && taxonomy != NULL &&
	    tl->loaded->version < taxonomy->version) {
		tax_free(tl->loaded);
	} else if (st == DB_OK && tl->loaded != NULL) {
		if (taxonomy == NULL ||
		    taxonomy->version != tl->loaded->version)
			log_info("taxonomy version %llu loaded: %zu codes",
			         (unsigned long long)tl->loaded->version,
			         tl->loaded->n);
		tax_free(taxonomy);
		taxonomy = tl->loaded;
		tl->loaded = NULL;
	} else {
		log_warn("loading the taxonomy failed: %s", tl->error
		                                                    ? tl->error
		                                            : err ? err
		                                                  : "?");
		tax_free(tl->loaded);
	}
	free(tl->error);
	free(tl);
	if (then != NULL) {
		then(then_arg);
		return;
	}
	if (reload_again) {
		reload_again = false;
		tax_refresh();
	}
}

static int
tax_load_submit(void (*then)(void *), void *arg)
{
	struct tax_load *tl = xcalloc(1, sizeof *tl);

	tl->op.send = tax_load_send;
	tl->op.result = tax_load_result;
	tl->op.done = tax_load_done;
	tl->op.arg = tl;
	tl->then = then;
	tl->then_arg = arg;
	if (db_submit(&tl->op) != 0) {
		free(tl);
		return -1;
	}
	return 0;
}

/* Reload the cache; requests keep using the old copy meanwhile. */
void
tax_refresh(void)
{
	if (loading) {
		reload_again = true;
		return;
	}
	loading = true;
	if (tax_load_submit(NULL, NULL) != 0)
		loading = false;
}

/* A load of its own, started now, so that what was committed before the
 * call is in the cache when done runs (unless the database failed). */
void
tax_reload(void (*done)(void *arg), void *arg)
{
	if (tax_load_submit(done, arg) != 0)
		done(arg);
}
