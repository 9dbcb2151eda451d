/* sheet-problems.c: the per-sheet refusals of a request that carries
 * several sheets (CheckSheets, LogSheets), as the list of its answer. */
#include <stdlib.h>

#include "callsheetd.h"

struct field_error *
sheet_problems_add(struct sheet_problems *sp, size_t index,
                   Callsheet__ErrorCode code)
{
	struct sheet_problem *p;

	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? 2 * sp->cap : 8;
		sp->v = xreallocarray(sp->v, sp->cap, sizeof *sp->v);
	}
	p = &sp->v[sp->n++];
	*p = (struct sheet_problem){.index = index, .code = code};
	p->fe.allowed_dim = -1;
	return &p->fe;
}

/* Another sheet (other fields, or another account's) holds this id. */
void
sheet_conflict_error(struct field_error *fe, const uint8_t *id)
{
	field_error_set(fe, "id",
	                "another sheet is already stored under this id");
	fe->reason = "stored_other";
	uuid_format(id, fe->value);
}

void
sheet_problems_conflict(struct sheet_problems *sp, size_t index,
                        const uint8_t *id)
{
	sheet_conflict_error(
	        sheet_problems_add(sp, index, CALLSHEET__ERROR_CODE__CONFLICT),
	        id);
}

void
sheet_problems_free(struct sheet_problems *sp)
{
	free(sp->v);
	*sp = (struct sheet_problems){0};
}

void
sheet_problems_reply(struct req *r, Callsheet__Response *resp,
                     const struct sheet_problems *sp,
                     Callsheet__SheetProblem ***list, size_t *n_list)
{
	size_t n = sp->n;
	Callsheet__SheetProblem *v = xcalloc(n + 1, sizeof *v);
	Callsheet__SheetProblem **pv = xcalloc(n + 1, sizeof *pv);
	Callsheet__Error *errs = xcalloc(n + 1, sizeof *errs);
	char *(*allowed)[ERROR_ALLOWED_MAX] = xcalloc(n + 1, sizeof *allowed);

	for (size_t i = 0; i < n; i++) {
		const struct sheet_problem *p = &sp->v[i];

		error_from_field(&errs[i], p->code, &p->fe, allowed[i]);
		callsheet__sheet_problem__init(&v[i]);
		v[i].has_index = true;
		v[i].index = (uint32_t)p->index;
		v[i].error = &errs[i];
		pv[i] = &v[i];
	}
	*list = pv;
	*n_list = n;
	req_reply(r, resp);
	free(allowed);
	free(errs);
	free(pv);
	free(v);
}
