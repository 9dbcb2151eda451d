/* req-void.c: void a stored sheet: it stays, with who voided it and why,
 * and leaves every report. Voiding it again answers how it was voided. */
#include "callsheetd.h"

static void req_void_sheet(struct req *r);

const struct req_entry req_void_sheet_entry = {
        .body = CALLSHEET__REQUEST__BODY_VOID_SHEET,
        .name = "void",
        .roles = ROLE(JURIST) | ROLE(ADMIN),
        .states = LOGGED_IN,
        .exec = req_void_sheet,
};

static int void_prepare(struct change *ch);

static const struct change_kind void_kind = {"void", void_prepare};

static int
void_prepare(struct change *ch)
{
	const struct change_read *rd = &ch->rd;
	Callsheet__ErrorCode code;
	struct change_facts f;
	struct field_error fe = {.allowed_dim = -1};
	char label[64];

	change_facts(ch, &f, label, sizeof label);
	if ((code = change_check(&f, &fe)) !=
	    CALLSHEET__ERROR_CODE__ERROR_NONE) {
		change_refuse(ch, code, &fe);
		return -1;
	}
	if (rd->voided) {
		change_reply(ch, true, rd->voided_at, rd->voided_by,
		             rd->void_reason);
		return -1;
	}
	change_write_common(ch, STMT_SHEET_VOID);
	return 0;
}

static void
req_void_sheet(struct req *r)
{
	const Callsheet__VoidSheet *v = r->msg->void_sheet;
	struct field_error fe;

	if (reason_check(v->reason, true, &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	change_start(r, &void_kind, &v->base, &v->id, &v->change_id, NULL,
	             v->reason);
}
