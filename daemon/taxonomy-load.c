/* taxonomy-load.c: keeps the cached taxonomy current: loaded when the
 * database is first reached, reloaded on NOTIFY callsheet_taxonomy, and
 * on demand after an administrator's change. */
#include <stdlib.h>

#include "callsheetd.h"

struct taxonomy *taxonomy;

struct tax_load {
	struct taxonomy *loaded;
	char *error;
	void (*then)(void *); /* tax_reload's caller; NULL for tax_refresh */
	void *then_arg;
};
static bool loading;
static bool reload_again;

static void
tax_load_row(void *arg, const struct db_row *row)
{
	struct tax_load *tl = arg;

	if (tl->error != NULL)
		return;
	if (tl->loaded == NULL)
		tl->loaded = xcalloc(1, sizeof *tl->loaded);
	if (tax_add_row(tl->loaded, row, &tl->error) != 0) {
		tax_free(tl->loaded);
		tl->loaded = NULL;
	}
}

static void
tax_load_done(void *arg, const struct db_end *e)
{
	struct tax_load *tl = arg;
	enum db_status st = e->st;
	const char *err = e->error;
	void (*then)(void *) = tl->then;
	void *then_arg = tl->then_arg;

	if (then == NULL)
		loading = false;
	if (st == DB_OK && tl->loaded == NULL && tl->error == NULL)
		tl->error = xstrdup("the taxonomy table is empty");
	if (st == DB_OK && tl->loaded != NULL)
		tax_index(tl->loaded);
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
	struct tax_load *tl;
	struct db_call *k = db_call_new_state(
	        "the taxonomy's load", tax_load_done, sizeof *tl, (void **)&tl);

	tl->then = then;
	tl->then_arg = arg;
	db_call_stmt(k, STMT_TAXONOMY, 0, NULL, tax_load_row);
	return db_call_submit(k);
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
