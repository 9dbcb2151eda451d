/* req-taxonomy-admin.c: an administrator adds, renames, retires and maps
 * codes; the answer comes once this daemon's copy includes the change. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static void req_taxonomy_add(struct req *r);
static void req_taxonomy_rename(struct req *r);
static void req_taxonomy_retire(struct req *r);
static void req_taxonomy_map(struct req *r);

const struct req_entry req_taxonomy_add_entry = {
        .body = CALLSHEET__REQUEST__BODY_TAXONOMY_ADD,
        .name = "taxonomy add",
        .roles = ROLE(ADMIN) | NEEDS_TAXONOMY,
        .states = LOGGED_IN,
        .exec = req_taxonomy_add,
};

const struct req_entry req_taxonomy_rename_entry = {
        .body = CALLSHEET__REQUEST__BODY_TAXONOMY_RENAME,
        .name = "taxonomy rename",
        .roles = ROLE(ADMIN) | NEEDS_TAXONOMY,
        .states = LOGGED_IN,
        .exec = req_taxonomy_rename,
};

const struct req_entry req_taxonomy_retire_entry = {
        .body = CALLSHEET__REQUEST__BODY_TAXONOMY_RETIRE,
        .name = "taxonomy retire",
        .roles = ROLE(ADMIN) | NEEDS_TAXONOMY,
        .states = LOGGED_IN,
        .exec = req_taxonomy_retire,
};

const struct req_entry req_taxonomy_map_entry = {
        .body = CALLSHEET__REQUEST__BODY_TAXONOMY_MAP,
        .name = "taxonomy map",
        .roles = ROLE(ADMIN) | NEEDS_TAXONOMY,
        .states = LOGGED_IN,
        .exec = req_taxonomy_map,
};

#define TAXCHG_MAX_PARAMS 4

struct tax_change {
	struct req *req;
	const char *stmt;
	const char *params[TAXCHG_MAX_PARAMS];
	int nparams;
	const char *dimension, *code; /* the code changed, for the answer */
	int changed;                  /* rows the statement changed */
	uint64_t version;
};

static void
changed_row(void *arg, const struct db_row *row)
{
	struct tax_change *tc = arg;

	(void)row;
	tc->changed++;
}

static void
version_row(void *arg, const struct db_row *row)
{
	struct tax_change *tc = arg;

	tc->version = db_uint(row, 0);
}

/* After the reload: the code as this daemon now holds it. */
static void
taxchg_reply(void *arg)
{
	struct tax_change *tc = arg;
	Callsheet__Response resp = CALLSHEET__RESPONSE__INIT;
	Callsheet__TaxonomyChanged ok = CALLSHEET__TAXONOMY_CHANGED__INIT;
	Callsheet__TaxonomyEntry entry;
	const struct tax_entry *e = NULL;
	enum dim d;

	if (taxonomy != NULL && dim_parse(tc->dimension, &d) == 0)
		e = tax_find(taxonomy, d, tc->code);
	if (e != NULL)
		tax_entry_to_wire(taxonomy, e, false, &entry);
	else {
		/* committed, but the reload failed: say what we know */
		callsheet__taxonomy_entry__init(&entry);
		entry.dimension = (char *)tc->dimension;
		entry.code = entry.label = (char *)tc->code;
	}
	ok.version = tc->version;
	ok.has_version = true;
	ok.entry = &entry;
	resp.body_case = CALLSHEET__RESPONSE__BODY_TAXONOMY_CHANGED;
	resp.taxonomy_changed = &ok;
	log_info("%s: taxonomy %s %s.%s, version %llu",
	         tc->req->conn->session.user,
	         strchr(tc->stmt, '_') ? strchr(tc->stmt, '_') + 1 : tc->stmt,
	         tc->dimension, tc->code, (unsigned long long)tc->version);
	req_reply(tc->req, &resp);
	free(tc);
}

static void
taxchg_done(void *arg, const struct db_end *e)
{
	struct tax_change *tc = arg;

	if (e->st == DB_OK && tc->changed > 0) {
		tax_reload(taxchg_reply, tc);
		return;
	}
	if (e->st != DB_OK)
		req_db_error(tc->req, e, "the taxonomy change");
	else
		req_error_why(
		        tc->req, CALLSHEET__ERROR_CODE__CONFLICT, "code",
		        "changed_meanwhile", tc->code,
		        "code: '%s' was changed by someone else meanwhile; "
		        "list the taxonomy and try again",
		        tc->code);
	free(tc);
}

/* The change if it passed its check (rc 0), else the check's refusal.
 * params: the statement's after dimension and code ($3, $4). */
static void
taxchg_submit(struct req *r, Callsheet__ErrorCode rc,
              const struct field_error *fe, const char *stmt,
              const char *dimension, const char *code, int n,
              const char *params[])
{
	struct tax_change *tc;
	struct db_call *k;

	if (rc != 0) {
		req_fail(r, rc, fe);
		return;
	}
	tc = xcalloc(1, sizeof *tc);
	tc->req = r;
	tc->stmt = stmt;
	tc->dimension = dimension;
	tc->code = code;
	tc->params[0] = dimension;
	tc->params[1] = code;
	for (int i = 0; i < n && i + 2 < TAXCHG_MAX_PARAMS; i++)
		tc->params[i + 2] = params[i];
	tc->nparams = 2 + n;
	k = db_call_new("the taxonomy change", taxchg_done, tc);
	db_call_stmt(k, stmt, tc->nparams, tc->params, changed_row);
	db_call_stmt(k, STMT_TAX_VERSION, 0, NULL, version_row);
	if (req_call(r, k) != 0)
		free(tc);
}

static void
req_taxonomy_add(struct req *r)
{
	const Callsheet__TaxonomyAdd *m = r->msg->taxonomy_add;
	const char *labels[2] = {m->label_en, m->label_fr};
	struct field_error fe;

	taxchg_submit(r, tax_check_add(taxonomy, m, &fe), &fe, STMT_TAX_ADD,
	              m->dimension, m->code, 2, labels);
}

static void
req_taxonomy_rename(struct req *r)
{
	const Callsheet__TaxonomyRename *m = r->msg->taxonomy_rename;
	const char *labels[2] = {m->label_en, m->label_fr};
	struct field_error fe;

	taxchg_submit(r, tax_check_rename(taxonomy, m, &fe), &fe,
	              STMT_TAX_RENAME, m->dimension, m->code, 2, labels);
}

static void
req_taxonomy_retire(struct req *r)
{
	const Callsheet__TaxonomyRetire *m = r->msg->taxonomy_retire;
	struct field_error fe;

	taxchg_submit(r,
	              tax_check_retire(taxonomy, m->dimension, m->code,
	                               m->successor, false, &fe),
	              &fe, STMT_TAX_RETIRE, m->dimension, m->code, 1,
	              (const char *[]){m->successor});
}

static void
req_taxonomy_map(struct req *r)
{
	const Callsheet__TaxonomyMap *m = r->msg->taxonomy_map;
	struct field_error fe;

	taxchg_submit(r,
	              tax_check_retire(taxonomy, m->dimension, m->code,
	                               m->successor, true, &fe),
	              &fe, STMT_TAX_MAP, m->dimension, m->code, 1,
	              (const char *[]){m->successor});
}
