/* period.c: a closed period as a person names it (in no language), for
 * the daemon's messages and the client's reports alike. */
#include <stdio.h>
#include <time.h>

#include "common.h"

/* "2020", "2020-03", or "2020-01-01..2020-06-30": a closed period as a
 * person names it. from and to are YYYY-MM-DD, to the first day after. */
void
closed_period_label(const char *from, const char *to, char *out, size_t len)
{
	int fy, fm, fd, ty, tm, td;

	if (sscanf(from, "%d-%d-%d", &fy, &fm, &fd) != 3 ||
	    sscanf(to, "%d-%d-%d", &ty, &tm, &td) != 3) {
		snprintf(out, len, "%s..%s", from, to);
		return;
	}
	if (fm == 1 && fd == 1 && tm == 1 && td == 1 && ty == fy + 1)
		snprintf(out, len, "%04d", fy);
	else if (fd == 1 && td == 1 &&
	         ((ty == fy && tm == fm + 1) ||
	          (ty == fy + 1 && fm == 12 && tm == 1)))
		snprintf(out, len, "%04d-%02d", fy, fm);
	else {
		/* the last day of the period, for people */
		struct tm t = {.tm_year = ty - 1900,
		               .tm_mon = tm - 1,
		               .tm_mday = td - 1,
		               .tm_hour = 12};

		timegm(&t); /* normalises day 0 to the month before */
		snprintf(out, len, "%s..%04d-%02d-%02d", from, t.tm_year + 1900,
		         t.tm_mon + 1, t.tm_mday);
	}
}
