/* anonymize.c: what a stored sheet keeps of the call: its start to the
 * quarter-hour, its duration to 5 minutes (docs/SECURITY.md); pure.
 *
 * Every UTC offset in use is a whole number of quarter-hours, so a start
 * moved back to its quarter-hour (on the UTC grid) keeps its local hour,
 * weekday, day and month in any time zone: every report stays exactly
 * what it was. schema/0018 applies the same rules to the sheets stored
 * before, in SQL (coarse_call_start, coarse_duration).
 */
#include "callsheetd.h"

int64_t
coarse_call_start(int64_t t)
{
	int64_t r = t % STORED_START_S;

	return t - (r < 0 ? r + STORED_START_S : r);
}

/* To the nearest 5 minutes (half up), and never to 0 from a call that
 * lasted. */
uint32_t
coarse_duration(uint32_t d)
{
	uint32_t r;

	if (d == 0)
		return 0;
	r = (d + STORED_DURATION_S / 2) / STORED_DURATION_S * STORED_DURATION_S;
	return r < STORED_DURATION_S ? STORED_DURATION_S : r;
}

void
sheet_coarsen(struct sheet_row *row)
{
	row->call_start = coarse_call_start(row->call_start);
	row->duration_s = coarse_duration(row->duration_s);
}
