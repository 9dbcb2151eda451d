/* parse.c: pure parsing of option values: times, durations, dates. */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "libcallsheet.h"
#include "parse.h"

#define YEAR_MIN 1900
#define YEAR_MAX 9998 /* so that the day after a period is in 9999 */

/* Exactly n decimal digits; NULL if there are fewer. */
static const char *
digits(const char *p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, p++) {
		if (!isdigit((unsigned char)*p))
			return NULL;
		*v = *v * 10 + (*p - '0');
	}
	return p;
}

int
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/*
 * "420" (seconds), or hours, minutes and seconds with their unit, each at
 * most once and in that order: "420s", "7m", "1h2m", "1h2m3s". A number
 * without a unit after one with a unit ("1h30") is refused as ambiguous.
 */
int
parse_duration(const char *s, uint32_t *out)
{
	static const struct {
		char unit;
		uint32_t seconds;
	} units[] = {{'h', 3600}, {'m', 60}, {'s', 1}};
	const char *p = s;
	uint64_t total = 0;
	size_t u = 0;

	if (*p == '\0')
		return -1;
	while (*p != '\0') {
		const char *start = p;
		uint64_t v = 0;

		for (; isdigit((unsigned char)*p); p++) {
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > UINT32_MAX)
				return -1;
		}
		if (p == start)
			return -1;
		if (*p == '\0' && start == s) {
			total = v;
			break;
		}
		while (u < nitems(units) && units[u].unit != *p)
			u++;
		if (u == nitems(units))
			return -1;
		total += v * units[u++].seconds;
		if (total > UINT32_MAX)
			return -1;
		p++;
	}
	*out = (uint32_t)total;
	return 0;
}

static bool
leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
	                           31, 31, 30, 31, 30, 31};

	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(const struct date *d)
{
	int y = d->y - (d->m <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (d->m + (d->m > 2 ? -3 : 9)) + 2) / 5 + d->d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static bool
date_valid(const struct date *d)
{
	return d->y >= YEAR_MIN && d->y <= YEAR_MAX && d->m >= 1 &&
	       d->m <= 12 && d->d >= 1 && d->d <= days_in_month(d->y, d->m);
}

/* "YYYY-MM-DD" at the start of s; returns what follows, or NULL. */
static const char *
scan_date(const char *s, struct date *d)
{
	const char *p = s;

	if ((p = digits(p, 4, &d->y)) == NULL || *p++ != '-' ||
	    (p = digits(p, 2, &d->m)) == NULL || *p++ != '-' ||
	    (p = digits(p, 2, &d->d)) == NULL || !date_valid(d))
		return NULL;
	return p;
}

/* "Z", "+HH:MM", "+HHMM", "+HH" (or '-'); NULL if malformed. */
static const char *
scan_offset(const char *p, int *offset)
{
	int sign, hh, mm = 0;

	if (*p == 'Z' || *p == 'z') {
		*offset = 0;
		return p + 1;
	}
	if (*p != '+' && *p != '-')
		return NULL;
	sign = *p++ == '-' ? -1 : 1;
	if ((p = digits(p, 2, &hh)) == NULL)
		return NULL;
	if (*p == ':')
		p++;
	if (isdigit((unsigned char)*p) && (p = digits(p, 2, &mm)) == NULL)
		return NULL;
	if (hh > 23 || mm > 59)
		return NULL;
	*offset = sign * (hh * 3600 + mm * 60);
	return p;
}

static int
local_time(const struct date *d, int hh, int mm, int ss, int64_t *out)
{
	struct tm tm = {0};
	time_t t;

	tm.tm_year = d->y - 1900;
	tm.tm_mon = d->m - 1;
	tm.tm_mday = d->d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/*
 * "YYYY-MM-DDTHH:MM[:SS[.fraction]]" then "Z", an offset, or nothing for
 * the local time zone. A space may stand for the 'T'; the fraction of a
 * second is dropped, as sheets count whole seconds.
 */
int
parse_iso8601(const char *s, int64_t *out)
{
	struct date d;
	int hh, mm, ss = 0, offset;
	const char *p;

	if ((p = scan_date(s, &d)) == NULL ||
	    (*p != 'T' && *p != 't' && *p != ' ') ||
	    (p = digits(p + 1, 2, &hh)) == NULL || *p++ != ':' ||
	    (p = digits(p, 2, &mm)) == NULL)
		return -1;
	if (*p == ':' && (p = digits(p + 1, 2, &ss)) == NULL)
		return -1;
	if (*p == '.' || *p == ',') {
		if (!isdigit((unsigned char)*++p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return -1;
	if (*p == '\0')
		return local_time(&d, hh, mm, ss, out);
	if ((p = scan_offset(p, &offset)) == NULL || *p != '\0')
		return -1;
	*out = days_from_civil(&d) * 86400 + hh * 3600 + mm * 60 + ss - offset;
	return 0;
}

int
parse_date(const char *s, struct date *d)
{
	const char *p = scan_date(s, d);

	return p != NULL && *p == '\0' ? 0 : -1;
}

int
parse_year(const char *s, int *y)
{
	const char *p = digits(s, 4, y);

	return p != NULL && *p == '\0' && *y >= YEAR_MIN && *y <= YEAR_MAX ? 0
	                                                                   : -1;
}

/* "YYYY-MM" or "YYYY-M". */
int
parse_year_month(const char *s, int *y, int *m)
{
	const char *p = digits(s, 4, y);
	uint64_t v;

	if (p == NULL || *p++ != '-' || strlen(p) > 2 ||
	    parse_uint(p, 12, &v) != 0 || v < 1)
		return -1;
	*m = (int)v;
	return *y >= YEAR_MIN && *y <= YEAR_MAX ? 0 : -1;
}

/* Append the comma-separated items of s to *items; an empty item is an
 * error (and leaves *items as it was, but possibly grown). */
int
parse_list(const char *s, char ***items, size_t *n)
{
	const char *p = s;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (len == 0)
			return -1;
		*items = xreallocarray(*items, *n + 1, sizeof **items);
		(*items)[(*n)++] = xstrndup(p, len);
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
}

void
list_free(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

int
date_cmp(const struct date *a, const struct date *b)
{
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return 0;
}

void
date_next_day(struct date *d)
{
	if (++d->d <= days_in_month(d->y, d->m))
		return;
	d->d = 1;
	if (++d->m <= 12)
		return;
	d->m = 1;
	d->y++;
}

void
date_format(const struct date *d, char out[DATE_STRLEN])
{
	/* The modulos only tell the compiler what the parsers enforced. */
	snprintf(out, DATE_STRLEN, "%04u-%02u-%02u", (unsigned)d->y % 10000,
	         (unsigned)d->m % 100, (unsigned)d->d % 100);
}

void
period_year(struct period *p, int y)
{
	p->from = (struct date){y, 1, 1};
	p->to = (struct date){y + 1, 1, 1};
}

void
period_month(struct period *p, int y, int m)
{
	p->from = (struct date){y, m, 1};
	p->to = m == 12 ? (struct date){y + 1, 1, 1}
	                : (struct date){y, m + 1, 1};
}

/* From first to last included; -1 if last comes before first. */
int
period_days(struct period *p, const struct date *first, const struct date *last)
{
	if (date_cmp(first, last) > 0)
		return -1;
	p->from = *first;
	p->to = *last;
	date_next_day(&p->to);
	return 0;
}

/* A period that has begun and is not over ends tonight: true if so. The
 * day is this machine's, which is the service's on its workstations. */
bool
period_to_date(struct period *p)
{
	time_t t = time(NULL);
	struct tm tm;
	struct date today;

	if (localtime_r(&t, &tm) == NULL)
		return false;
	today = (struct date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
	if (date_cmp(&p->from, &today) > 0 || date_cmp(&today, &p->to) >= 0)
		return false;
	date_next_day(&today);
	if (date_cmp(&today, &p->to) >= 0)
		return false; /* its last day: the whole period */
	p->to = today;
	return true;
}

/* The same calendar days a year before: each end moves back a year, 29
 * February becoming the 28th; the last day is what moves, so that a
 * period ending on 28 February 2024 still ends on the 28th. */
void
period_previous_year(const struct period *p, struct period *out)
{
	struct date last = p->to;

	/* the day before p->to */
	if (--last.d == 0) {
		if (--last.m == 0) {
			last.m = 12;
			last.y--;
		}
		last.d = days_in_month(last.y, last.m);
	}
	out->from = p->from;
	out->from.y--;
	if (out->from.d > days_in_month(out->from.y, out->from.m))
		out->from.d = days_in_month(out->from.y, out->from.m);
	last.y--;
	if (last.d > days_in_month(last.y, last.m))
		last.d = days_in_month(last.y, last.m);
	out->to = last;
	date_next_day(&out->to);
}

int
why_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The period options of a command: --year, --month, or --from with --to
 * (NULL when not given). 1 with *p set, 0 if none was given, -1 with a
 * sentence in why.
 */
int
period_options(const char *year, const char *month, const char *from,
               const char *to, struct period *p, char *why, size_t len)
{
	struct date first, last;
	int y, m;

	if ((year != NULL) + (month != NULL) + (from != NULL || to != NULL) > 1)
		return why_fail(why, len, "%s",
		                _("give only one of --year, --month or --from "
		                  "with --to"));
	if (year != NULL) {
		if (parse_year(year, &y) != 0)
			return why_fail(why, len,
			                _("invalid --year '%s': give a year "
			                  "(YYYY)"),
			                year);
		period_year(p, y);
		return 1;
	}
	if (month != NULL) {
		if (parse_year_month(month, &y, &m) != 0)
			return why_fail(why, len,
			                _("invalid --month '%s': give a year "
			                  "and month (YYYY-MM)"),
			                month);
		period_month(p, y, m);
		return 1;
	}
	if (from == NULL && to == NULL)
		return 0;
	if (from == NULL || to == NULL)
		return why_fail(why, len, "%s",
		                _("--from and --to go together"));
	if (parse_date(from, &first) != 0 || parse_date(to, &last) != 0)
		return why_fail(why, len,
		                _("invalid --from '%s' or --to '%s': give "
		                  "dates (YYYY-MM-DD)"),
		                from, to);
	if (period_days(p, &first, &last) != 0)
		return why_fail(why, len, _("--to %s comes before --from %s"),
		                to, from);
	return 1;
}

void
department_normalize(const char *in, char *out, size_t len)
{
	size_t i = 0;

	if (len == 0)
		return;
	if (in[0] >= '1' && in[0] <= '9' && in[1] == '\0' && len > 2)
		out[i++] = '0';
	for (; *in != '\0' && i + 1 < len; in++)
		out[i++] = (char)toupper((unsigned char)*in);
	out[i] = '\0';
}
