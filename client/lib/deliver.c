/* deliver.c: a new sheet on its way to the server, the one way every
 * sender takes (log, new, the load generators): put in the spool, flush
 * what waited, send, settle; and the one refusal rule (libcallsheet.h). */
#include <string.h>

#include "libcallsheet.h"

enum cs_verdict
cs_verdict(Callsheet__ErrorCode code)
{
	switch (code) {
	case CALLSHEET__ERROR_CODE__ERROR_NONE:
		return CS_VERDICT_TAKEN;
	case CALLSHEET__ERROR_CODE__UNAVAILABLE:
	case CALLSHEET__ERROR_CODE__OVERLOADED:
	case CALLSHEET__ERROR_CODE__INTERNAL: /* the server's fault: later */
	case CALLSHEET__ERROR_CODE__TOO_MANY_ATTEMPTS: /* logins throttled */
		return CS_VERDICT_RETRY;
	case CALLSHEET__ERROR_CODE__UNAUTHENTICATED:
	case CALLSHEET__ERROR_CODE__FORBIDDEN:
	case CALLSHEET__ERROR_CODE__VERSION_MISMATCH:
		return CS_VERDICT_SESSION;
	default:
		return CS_VERDICT_SHEET;
	}
}

/* The answer to this run's sheet (or the reason it got none). */
static void
settle(struct cs_spool *sp, const Callsheet__Sheet *sheet,
       struct cs_delivery *d)
{
	switch (cs_verdict(d->err.code)) {
	case CS_VERDICT_TAKEN:
		cs_spool_remove(sp, sheet->id.data);
		d->outcome = CS_DELIVERED;
		break;
	case CS_VERDICT_RETRY:
		d->outcome = CS_SPOOLED;
		break;
	case CS_VERDICT_SESSION:
	case CS_VERDICT_SHEET:
		/* told at once, never resent: nothing kept */
		cs_spool_remove(sp, sheet->id.data);
		d->outcome = CS_REFUSED;
		break;
	}
}

int
cs_deliver(struct cs_spool *sp, const Callsheet__Sheet *sheet,
           struct cs_delivery *d)
{
	struct cs_client *c = NULL;
	int n;

	d->outcome = CS_NOT_SPOOLED;
	d->duplicate = false;
	d->flushed = d->rejected = d->waiting = 0;
	memset(&d->err, 0, sizeof d->err);
	if (cs_spool_put(sp, sheet, &d->err) != 0)
		return -1;
	if (d->spooled != NULL)
		d->spooled(d->arg);
	if (d->connect(d->arg, &c, &d->err) != 0) {
		/* no answer about the sheet: unreachable (retry), or a
		 * connection refused as such (plaintext to a TLS-only server,
		 * a wrong password): not logged, settled below */
	} else if ((n = cs_spool_flush(sp, c, &d->rejected, &d->err)) < 0) {
		if (cs_verdict(d->err.code) == CS_VERDICT_SHEET)
			d->err.code = CALLSHEET__ERROR_CODE__UNAVAILABLE;
	} else {
		d->flushed = (size_t)n;
		if (cs_log_sheet(c, sheet, &d->duplicate, &d->err) == 0)
			d->err.code = CALLSHEET__ERROR_CODE__ERROR_NONE;
	}
	settle(sp, sheet, d);
	d->waiting = cs_spool_count(sp);
	return d->outcome == CS_DELIVERED ? 0 : -1;
}
