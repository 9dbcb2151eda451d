/* change.c: a change to a stored sheet (amend, void): who may make it, the
 * amended sheet, and what it changes, field by field; pure, no I/O. */
#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheetd.h"

/* The fields a change may touch, in the order of the Sheet message: the
 * call's time and duration, the coded fields (sheet_fields[]), topics. */
static const char *
field_name(size_t f)
{
	return f == 0                    ? "call_start"
	       : f == 1                  ? "duration_s"
	       : f == CHANGE_NFIELDS - 1 ? "topics"
	                                 : sheet_fields[f - 2].name;
}

static int id_fail(struct field_error *fe, const char *reason, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));

/* An error about the sheet itself: whoever shows it names the sheet. */
static int
id_fail(struct field_error *fe, const char *reason, const char *fmt, ...)
{
	va_list ap;

	memset(fe, 0, sizeof *fe);
	fe->allowed_dim = -1;
	fe->field = "id";
	fe->reason = reason;
	va_start(ap, fmt);
	vsnprintf(fe->message, sizeof fe->message, fmt, ap);
	va_end(ap);
	return -1;
}

/* ------------------------------------------------------- permissions */

/*
 * A jurist changes the sheets they logged, within the window and outside
 * closed periods; an administrator any sheet, and inside a closed period
 * with a reason (the change is then a restatement).
 */
Callsheet__ErrorCode
change_check(const struct change_facts *f, struct field_error *fe)
{
	if (f->role == CALLSHEET__ROLE__ADMIN) {
		if (f->closed != NULL && !f->has_reason) {
			field_error_set(
			        fe, "reason",
			        "required: the call lies in the closed "
			        "period %s, where a change is a restatement "
			        "of published figures and must say why",
			        f->closed);
			/* the value says which closed period */
			field_error_why(fe, "missing", f->closed);
			return CALLSHEET__ERROR_CODE__BAD_REQUEST;
		}
		return CALLSHEET__ERROR_CODE__ERROR_NONE;
	}
	if (f->role != CALLSHEET__ROLE__JURIST) {
		id_fail(fe, "role", "the %s role may not change sheets",
		        role_name(f->role));
		snprintf(fe->value, sizeof fe->value, "%s", role_name(f->role));
		return CALLSHEET__ERROR_CODE__FORBIDDEN;
	}
	if (f->actor_id != f->owner_id) {
		id_fail(fe, "other_jurist",
		        "this sheet was logged by another jurist; only they "
		        "or an administrator may change it");
		return CALLSHEET__ERROR_CODE__FORBIDDEN;
	}
	if (f->closed != NULL) {
		id_fail(fe, "closed_period",
		        "the call lies in the closed period %s; only an "
		        "administrator may restate it, with a reason",
		        f->closed);
		/* the value at fault: the period the call lies in */
		snprintf(fe->value, sizeof fe->value, "%s", f->closed);
		return CALLSHEET__ERROR_CODE__FORBIDDEN;
	}
	if (!f->in_window) {
		id_fail(fe, "past_window",
		        "logged more than %u day%s ago (amend_window_days); "
		        "ask an administrator",
		        f->window_days, f->window_days == 1 ? "" : "s");
		return CALLSHEET__ERROR_CODE__FORBIDDEN;
	}
	return CALLSHEET__ERROR_CODE__ERROR_NONE;
}

/* ----------------------------------------------------- sheet as codes */

static const char *
code_of(const struct taxonomy *t, int16_t id)
{
	const struct tax_entry *e = id != 0 ? tax_by_id(t, id) : NULL;

	return e != NULL ? e->code : NULL;
}

/* The taxonomy with the codes a stored sheet holds un-retired: a retired
 * code stays valid for the sheets that have it. Entries are shared, not
 * copied; free with free(k->entries). */
void
change_keep_codes(const struct taxonomy *t, const struct sheet_row *row,
                  struct taxonomy *k)
{
	*k = *t;
	k->entries = xcalloc(t->n, sizeof *k->entries);
	memcpy(k->entries, t->entries, t->n * sizeof *k->entries);
	for (size_t i = 0; i < k->n; i++) {
		struct tax_entry *e = &k->entries[i];

		if (!e->retired)
			continue;
		if (e->topic_bit >= 0 && (row->topics >> e->topic_bit) & 1)
			e->retired = false;
		for (size_t h = 0; h < SHEET_NCODES; h++)
			if (row->code[h] == e->id)
				e->retired = false;
	}
}

/* ------------------------------------------------------------ amend */

static bool
cleared(const Callsheet__AmendSheet *a, const char *name)
{
	for (size_t i = 0; i < a->n_clear; i++)
		if (strcmp(a->clear[i], name) == 0)
			return true;
	return false;
}

/* Whether the amendment gives a value for a code field or the topics. */
static bool
given(const Callsheet__AmendSheet *a, const char *name)
{
	int f = sheet_field_find(name);

	if (f < 0)
		return strcmp(name, "topics") == 0 && a->n_topics > 0;
	return amend_code_get(a, (size_t)f) != NULL;
}

/* What may be cleared: the clearable fields, then topics; NULL-ended for
 * Error.allowed. */
static const char *const *
clearable_names(void)
{
	static const char *names[SHEET_NCODES + 2];

	if (names[0] == NULL) {
		size_t n = 0;

		for (size_t f = 0; f < SHEET_NCODES; f++)
			if (sheet_fields[f].clearable)
				names[n++] = sheet_fields[f].name;
		names[n] = "topics";
	}
	return names;
}

static int
check_clear(const Callsheet__AmendSheet *a, struct field_error *fe)
{
	for (size_t i = 0; i < a->n_clear; i++) {
		const char *name = a->clear[i];
		int f = sheet_field_find(name);

		if (f >= 0 ? !sheet_fields[f].clearable
		           : strcmp(name, "topics") != 0) {
			char *allowed = words_or(clearable_names());

			field_error_set(
			        fe, "clear",
			        "'%.32s' cannot be cleared; allowed: %s", name,
			        allowed);
			free(allowed);
			return field_error_list(fe, "invalid", name,
			                        clearable_names());
		}
		if (given(a, name)) {
			field_error_set(fe, "clear",
			                "'%s' is both given and cleared", name);
			return field_error_why(fe, "given_and_cleared", name);
		}
	}
	return 0;
}

static bool
is_code(const char *v, const char *code)
{
	return v != NULL && strcmp(v, code) == 0;
}

/* A change of a field that others depend on (sheet_fields[].only) takes
 * along those that stop applying, unless the amendment sets them (then
 * validation says why they do not apply). */
static void
drop_dependents(Callsheet__Sheet *out, const Callsheet__AmendSheet *a)
{
	bool changed = false;

	for (size_t f = 0; f < SHEET_NCODES; f++)
		for (size_t k = 0; k < nitems(sheet_fields[f].only); k++) {
			const struct sheet_rule *r = &sheet_fields[f].only[k];

			if (r->reason != NULL &&
			    (given(a, sheet_fields[r->when].name) ||
			     cleared(a, sheet_fields[r->when].name)))
				changed = true;
		}
	for (size_t f = 0; changed && f < SHEET_NCODES; f++)
		for (size_t k = 0; k < nitems(sheet_fields[f].only); k++) {
			const struct sheet_rule *r = &sheet_fields[f].only[k];

			if (r->reason != NULL &&
			    !is_code(sheet_code_get(out, (size_t)r->when),
			             r->is) &&
			    !given(a, sheet_fields[f].name))
				*sheet_code(out, f) = NULL;
		}
}

/* A code field given as "": a field that always applies (call_type) is
 * answered as LogSheet answers it (unknown_code, its codes allowed); one
 * that may not apply is cleared, not emptied. */
static int
empty_code(size_t f, struct field_error *fe)
{
	const char *name = sheet_fields[f].name;

	if (!sheet_fields[f].clearable) {
		field_error_set(
		        fe, name,
		        "'' is not a code of %s; give one (it cannot be "
		        "cleared)",
		        name);
		fe->allowed_dim = (int)f;
		return field_error_why(fe, "unknown_code", "");
	}
	field_error_set(fe, name,
	                "empty; to say it does not apply, give it in clear");
	return field_error_why(fe, "invalid", "");
}

/*
 * The stored sheet with the amendment applied: given fields replace, the
 * cleared ones go, and a change of caller or pro_kind takes along the
 * fields that stop applying. The result is to be validated like a new
 * sheet. Strings point into cur and a.
 */
int
change_amend(const Callsheet__Sheet *cur, const Callsheet__AmendSheet *a,
             Callsheet__Sheet *out, struct field_error *fe)
{
	if (check_clear(a, fe) != 0)
		return -1;
	*out = *cur;
	for (size_t f = 0; f < SHEET_NCODES; f++) {
		char *v = amend_code_get(a, f);

		if (v != NULL && *v == '\0')
			return empty_code(f, fe);
		if (v != NULL || cleared(a, sheet_fields[f].name))
			*sheet_code(out, f) = v;
	}
	if (a->has_call_start)
		out->call_start = a->call_start;
	if (a->has_duration_s)
		out->duration_s = a->duration_s;
	if (a->n_topics > 0) {
		out->topics = a->topics;
		out->n_topics = a->n_topics;
	} else if (cleared(a, "topics"))
		out->n_topics = 0;
	drop_dependents(out, a);
	return 0;
}

/* ------------------------------------------------------------- diff */

static char *
field_text(const struct sheet_row *r, const struct taxonomy *t, size_t f)
{
	const int16_t *ids = r->code;
	struct strbuf sb = {0};
	struct tm tm;
	time_t when;
	char buf[32];

	switch (f) {
	case 0:
		when = (time_t)r->call_start;
		gmtime_r(&when, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return xstrdup(buf);
	case 1:
		return xasprintf("%u", r->duration_s);
	case CHANGE_NFIELDS - 1:
		for (size_t i = 0; i < t->n; i++) {
			const struct tax_entry *e = &t->entries[i];

			if (e->topic_bit < 0 ||
			    ((r->topics >> e->topic_bit) & 1) == 0)
				continue;
			if (sb.len > 0)
				sb_add(&sb, ",");
			sb_add(&sb, e->code);
		}
		return sb.len > 0 ? sb_steal(&sb) : NULL;
	default:
		if (ids[f - 2] == 0)
			return NULL;
		if (code_of(t, ids[f - 2]) == NULL)
			return xasprintf("#%d", ids[f - 2]);
		return xstrdup(code_of(t, ids[f - 2]));
	}
}

static bool
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* The fields that differ between two rows, as text (NULL: does not
 * apply). */
void
change_diff(const struct sheet_row *old, const struct sheet_row *new,
            const struct taxonomy *t, struct change_diff *d)
{
	memset(d, 0, sizeof *d);
	for (size_t f = 0; f < CHANGE_NFIELDS; f++) {
		char *o = field_text(old, t, f), *n = field_text(new, t, f);

		if (same(o, n)) {
			free(o);
			free(n);
			continue;
		}
		d->field[d->n] = field_name(f);
		d->old[d->n] = o;
		d->new[d->n] = n;
		d->n++;
	}
}

void
change_diff_free(struct change_diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->old[i]);
		free(d->new[i]);
	}
	memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------ inputs */

/* A reason: at most 500 bytes of UTF-8 text on one line. */
int
reason_check(const char *reason, bool required, struct field_error *fe)
{
	const unsigned char *p = (const unsigned char *)reason;

	if (reason == NULL || *reason == '\0') {
		if (!required)
			return 0;
		field_error_set(fe, "reason",
		                "missing; say why, in a few words");
		return field_error_why(fe, "missing", "");
	}
	if (strlen(reason) > 500) {
		char n[32];

		snprintf(n, sizeof n, "%zu bytes", strlen(reason));
		field_error_set(fe, "reason", "%s; allowed: at most 500", n);
		return field_error_range(fe, "bad_length", n, NULL,
		                         "500 bytes");
	}
	while (*p != '\0') {
		size_t n = *p < 0x80             ? 1
		           : (*p & 0xe0) == 0xc0 ? 2
		           : (*p & 0xf0) == 0xe0 ? 3
		           : (*p & 0xf8) == 0xf0 ? 4
		                                 : 0;

		if (*p < 0x20 || *p == 0x7f)
			return field_error_set(fe, "reason",
			                       "holds a control character; "
			                       "allowed: text on one line");
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		if (n == 0 || (n == 2 && *p < 0xc2))
			return field_error_set(fe, "reason",
			                       "is not valid UTF-8 text");
		p += n;
	}
	return 0;
}

/* A PostgreSQL text[] literal; NULL elements stay NULL. */
void
sql_text_array(struct strbuf *sb, char *const *v, size_t n)
{
	sb_add(sb, "{");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sb_add(sb, ",");
		if (v[i] == NULL) {
			sb_add(sb, "NULL");
			continue;
		}
		sb_add(sb, "\"");
		for (const char *c = v[i]; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				sb_add(sb, "\\");
			sb_addn(sb, c, 1);
		}
		sb_add(sb, "\"");
	}
	sb_add(sb, "}");
}

/* "YYYY-MM-DD", a real calendar day from 2000 to 9998. */
int
date_parse_ymd(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	char tail;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", y, m, d, &tail) != 3)
		return -1;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	if (*y < 2000 || *y > 9998 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > mdays[*m - 1])
		return -1;
	if (*m == 2 && *d == 29 &&
	    !((*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0))
		return -1;
	return 0;
}

/* A date field date_parse_ymd() refuses: a calendar day outside 2000 ..
 * 9998 is out_of_range, anything else bad_date; allowed the two bounds
 * either way. Returns -1. */
int
date_field_error(struct field_error *fe, const char *field, const char *value)
{
	char shifted[16];
	int y, m, d;

	/* the same day in 2000 (a leap year): a real day, the year aside */
	if (value != NULL && strlen(value) == 10 &&
	    strspn(value, "0123456789") == 4 &&
	    (strncmp(value, "2000", 4) < 0 || strncmp(value, "9998", 4) > 0)) {
		snprintf(shifted, sizeof shifted, "2000%s", value + 4);
		if (date_parse_ymd(shifted, &y, &m, &d) == 0) {
			field_error_set(fe, field,
			                "'%s' is out of range; allowed: "
			                "%s to %s",
			                value, DATE_EARLIEST, DATE_LATEST);
			return field_error_range(fe, "out_of_range", value,
			                         DATE_EARLIEST, DATE_LATEST);
		}
	}
	field_error_set(fe, field,
	                "'%.32s' is not a calendar date (YYYY-MM-DD, a day "
	                "that exists, from %s to %s)",
	                value ? value : "", DATE_EARLIEST, DATE_LATEST);
	return field_error_range(fe, "bad_date", value, DATE_EARLIEST,
	                         DATE_LATEST);
}
