/* req-sheet.c: log one sheet: validated here, stored by the batcher. */
#include <time.h>

#include "callsheetd.h"

void
req_log_sheet(struct req *r)
{
	struct sheet_row row;
	struct field_error fe;

	if (validate_sheet(r->msg->log_sheet->sheet, taxonomy, time(NULL), &row,
	                   &fe) != 0) {
		req_fail(r, CALLSHEET__ERROR_CODE__BAD_REQUEST, &fe);
		return;
	}
	/* the jurist is the session's, never the message's */
	row.jurist_id = r->conn->session.account_id;
	batch_add(r, &row);
}
