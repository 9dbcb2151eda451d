/* req-amend.c: amend a stored sheet: the amendment applied to it, the
 * result validated like a new sheet, the changed fields audited. */
#include <stdlib.h>
#include <time.h>

#include "callsheetd.h"

static void req_amend_sheet(struct req *r);

const struct req_entry req_amend_sheet_entry = {
        .body = CALLSHEET__REQUEST__BODY_AMEND_SHEET,
        .name = "sheet amendment",
        .roles = ROLE(JURIST) | ROLE(ADMIN) | NEEDS_TAXONOMY,
        .states = LOGGED_IN,
        .exec = req_amend_sheet,
};

static int amend_prepare(struct change *ch);

static const struct change_kind amend_kind = {"amend", amend_prepare};

static char *
id_param(int16_t id)
{
	return id != 0 ? xasprintf("%d", id) : NULL;
}

/* $10 on of the amend statement: the whole sheet (its codes in
 * sheet_fields[] order), then the diff. */
static void
amend_params(struct change *ch, const struct sheet_row *row)
{
	struct strbuf sb = {0};

	change_param(ch, xasprintf("%lld", (long long)row->call_start));
	change_param(ch, xasprintf("%u", row->duration_s));
	for (size_t f = 0; f < SHEET_NCODES; f++)
		change_param(ch, id_param(row->code[f]));
	change_param(ch, xasprintf("%lld", (long long)row->topics));
	sql_text_array(&sb, (char *const *)ch->diff.field, ch->diff.n);
	change_param(ch, sb_steal(&sb));
	sql_text_array(&sb, ch->diff.old, ch->diff.n);
	change_param(ch, sb_steal(&sb));
	sql_text_array(&sb, ch->diff.new, ch->diff.n);
	change_param(ch, sb_steal(&sb));
}

static int
amend_prepare(struct change *ch)
{
	const Callsheet__AmendSheet *a = ch->req->msg->amend_sheet;
	Callsheet__ErrorCode code;
	struct change_facts f;
	struct field_error fe = {.allowed_dim = -1};
	struct wire_sheet cur;
	Callsheet__Sheet amended;
	struct taxonomy kept;
	struct sheet_row row;
	char label[64];
	int rc;

	change_facts(ch, &f, label, sizeof label);
	if ((code = change_check(&f, &fe)) !=
	    CALLSHEET__ERROR_CODE__ERROR_NONE) {
		change_refuse(ch, code, &fe);
		return -1;
	}
	if (ch->rd.voided) {
		fe.field = "id";
		snprintf(fe.message, sizeof fe.message,
		         "voided by %s (%s); a voided sheet cannot be amended",
		         ch->rd.voided_by ? ch->rd.voided_by : "?",
		         ch->rd.void_reason ? ch->rd.void_reason : "");
		change_refuse(ch, CALLSHEET__ERROR_CODE__CONFLICT, &fe);
		return -1;
	}
	sheet_row_to_wire(&ch->rd.row, taxonomy, &cur);
	if (change_amend(&cur.sheet, a, &amended, &fe) != 0) {
		change_refuse(ch, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return -1;
	}
	change_keep_codes(taxonomy, &ch->rd.row, &kept);
	rc = validate_sheet(&amended, &kept, time(NULL), &row, &fe);
	free(kept.entries);
	if (rc != 0) {
		change_refuse(ch, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return -1;
	}
	change_diff(&ch->rd.row, &row, taxonomy, &ch->diff);
	if (ch->diff.n == 0) {
		/* already so: a resend, or nothing to do */
		change_reply(ch, true, 0, NULL, NULL);
		return -1;
	}
	change_write_common(ch, STMT_SHEET_AMEND);
	amend_params(ch, &row);
	return 0;
}

static bool
amends_something(const Callsheet__AmendSheet *a)
{
	for (size_t f = 0; f < SHEET_NCODES; f++)
		if (amend_code_get(a, f) != NULL)
			return true;
	return a->has_call_start || a->has_duration_s || a->n_topics > 0 ||
	       a->n_clear > 0;
}

static void
req_amend_sheet(struct req *r)
{
	const Callsheet__AmendSheet *a = r->msg->amend_sheet;
	struct field_error fe;

	if (!amends_something(a)) {
		req_refuse(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, "missing", "",
		           "nothing to amend: give at least one field to "
		           "change or to clear");
		return;
	}
	if (reason_check(a->reason, false, &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	change_start(r, &amend_kind, &a->base, &a->id, &a->change_id,
	             a->has_call_start ? &a->call_start : NULL, a->reason);
}
