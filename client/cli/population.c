/* population.c: INSEE's département population file (see population.h),
 * and euro amounts in exact cents. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annual.h"
#include "csv.h"
#include "libcallsheet.h"
#include "parse.h"
#include "population.h"

#define POPULATION_MAX UINT64_C(100000000)

/* "1" -> "01"; 2a -> 2A; a département the map knows, or false */
static bool
dept_code(const char *s, char out[4])
{
	size_t n = strlen(s);

	if (n == 1 && isdigit((unsigned char)s[0]))
		snprintf(out, 4, "0%c", s[0]);
	else if (n == 2 || n == 3)
		snprintf(out, 4, "%c%c%c", toupper((unsigned char)s[0]),
		         toupper((unsigned char)s[1]), n == 3 ? s[2] : '\0');
	else
		return false;
	if (strcmp(out, "2A") == 0 || strcmp(out, "2B") == 0)
		return true;
	if (strlen(out) == 2)
		return isdigit((unsigned char)out[0]) &&
		       isdigit((unsigned char)out[1]) &&
		       strcmp(out, "00") != 0 && strcmp(out, "20") != 0 &&
		       strcmp(out, "96") < 0;
	return strncmp(out, "97", 2) == 0 && out[2] >= '1' && out[2] <= '6';
}

/* Digits, with spaces (or no-break spaces) between groups. */
static bool
whole(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool digits = false;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s)) {
			if (v > (max - (uint64_t)(*s - '0')) / 10)
				return false;
			v = v * 10 + (uint64_t)(*s - '0');
			digits = true;
		} else if (*s == ' ' && digits)
			continue;
		else if (strncmp(s, "\xc2\xa0", 2) == 0 && digits)
			s++;
		else if (strncmp(s, "\xe2\x80\xaf", 3) == 0 && digits)
			s += 2;
		else
			return false;
	}
	*out = v;
	return digits;
}

static int
column(const struct csv_row *h, const char *a, const char *b)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < h->n; i++)
			if (strcasecmp(h->fields[i], pass == 0 ? a : b) == 0)
				return (int)i;
	return -1;
}

static char
separator(FILE *f)
{
	int ch;
	char sep = ',';
	long at = ftell(f);

	while ((ch = getc(f)) != EOF && ch != '\n')
		if (ch == ';') {
			sep = ';';
			break;
		}
	if (at >= 0)
		fseek(f, at, SEEK_SET);
	return sep;
}

int
population_read(FILE *f, const char *name, struct population **out, size_t *n,
                char *err, size_t errlen)
{
	struct csv_reader r;
	struct csv_row row = {0};
	struct csv_error ce;
	int code = -1, pop = -1, rv = 0, got;
	size_t cap = 0;
	char cname[16] = "", pname[16] = ""; /* as the header names them */

	*out = NULL;
	*n = 0;
	csv_reader_init(&r, f);
	r.sep = separator(f);
	if ((got = csv_read(&r, &row, &ce)) <= 0) {
		csv_reader_free(&r);
		return got == 0 ? why_fail(err, errlen,
		                           _("%s: the file is empty"), name)
		                : why_fail(err, errlen, "%s:%u: %s", name,
		                           ce.line, ce.message);
	}
	if ((code = column(&row, "CODDEP", "DEP")) < 0 ||
	    (pop = column(&row, "PMUN", "PTOT")) < 0) {
		rv = why_fail(
		        err, errlen,
		        _("%s:1: no column %s in the header; give INSEE's "
		          "file, with the columns CODDEP (the département) "
		          "and PMUN (its population)"),
		        name, code < 0 ? "CODDEP" : "PMUN");
		goto out;
	}
	snprintf(cname, sizeof cname, "%s", row.fields[code]);
	snprintf(pname, sizeof pname, "%s", row.fields[pop]);
	for (;;) {
		const char *c, *p;
		struct population *e;

		csv_row_free(&row);
		if ((got = csv_read(&r, &row, &ce)) == 0)
			break;
		if (got < 0) {
			rv = why_fail(err, errlen, "%s:%u: %s", name, ce.line,
			              ce.message);
			goto out;
		}
		if (row.n <= (size_t)(code > pop ? code : pop)) {
			rv = why_fail(
			        err, errlen,
			        _("%s:%u: %zu fields; the header has more"),
			        name, row.line, row.n);
			goto out;
		}
		c = row.fields[code];
		p = row.fields[pop];
		if (*n == cap) {
			cap = cap ? cap * 2 : 128;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		e = &(*out)[*n];
		if (!dept_code(c, e->code)) {
			rv = why_fail(
			        err, errlen,
			        _("%s:%u: column %s: '%.16s' is not a "
			          "département (01 ... 95, 2A, 2B, 971 ... "
			          "976)"),
			        name, row.line, cname, c);
			goto out;
		}
		if (!whole(p, POPULATION_MAX, &e->n) || e->n == 0) {
			rv = why_fail(
			        err, errlen,
			        _("%s:%u: column %s: '%.32s' is not a "
			          "population (a whole number, 1 to 100 000 "
			          "000)"),
			        name, row.line, pname, p);
			goto out;
		}
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*out)[i].code, e->code) == 0) {
				rv = why_fail(err, errlen,
				              _("%s:%u: column %s: %s is given "
				                "twice"),
				              name, row.line, cname, e->code);
				goto out;
			}
		(*n)++;
	}
	if (*n == 0)
		rv = why_fail(err, errlen, _("%s: no département in the file"),
		              name);
out:
	csv_row_free(&row);
	csv_reader_free(&r);
	if (rv != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rv;
}

int
euros_parse(const char *s, uint64_t *cents)
{
	uint64_t units = 0, frac = 0;
	size_t nfrac = 0;
	const char *sep = strpbrk(s, ",.");
	char *whole_part = xstrdup(s);
	int rv = 0;

	if (sep != NULL)
		whole_part[sep - s] = '\0';
	if (!whole(whole_part, EUROS_CENTS_MAX / 100, &units))
		rv = -1;
	free(whole_part);
	if (rv == 0 && sep != NULL) {
		for (const char *p = sep + 1; *p != '\0'; p++, nfrac++)
			if (!isdigit((unsigned char)*p) || nfrac == 2)
				return -1;
			else
				frac = frac * 10 + (uint64_t)(*p - '0');
		if (nfrac == 0)
			return -1;
		if (nfrac == 1)
			frac *= 10;
	}
	if (rv == 0 && units * 100 + frac > EUROS_CENTS_MAX)
		rv = -1;
	if (rv == 0)
		*cents = units * 100 + frac;
	return rv;
}

int
budget_check(uint64_t total_cents, const struct budget_share *s, size_t n,
             char *err, size_t errlen)
{
	uint64_t sum = 0;
	struct strbuf a = {0}, b = {0};
	int rv = 0;

	for (size_t i = 0; i < n && rv == 0; i++) {
		for (size_t k = 0; k < i && rv == 0; k++)
			if (strcmp(s[k].name, s[i].name) == 0) {
				snprintf(
				        err, errlen,
				        _("--funder: '%s' is given twice; give "
				          "each funder once, with its whole "
				          "share"),
				        s[i].name);
				rv = -1;
			}
		sum += s[i].cents;
	}
	if (rv == 0 && sum > total_cents) {
		words_euros(&a, sum);
		words_euros(&b, total_cents);
		snprintf(err, errlen,
		         _("--funder: the funders' shares add up to %s, more "
		           "than the budget (--total %s); each share is a part "
		           "of the total"),
		         a.buf, b.buf);
		rv = -1;
	}
	sb_free(&a);
	sb_free(&b);
	return rv;
}
