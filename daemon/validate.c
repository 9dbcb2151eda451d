/* validate.c: a sheet from the wire checked field by field against the
 * taxonomy and turned into a row of ids; pure, no I/O. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheetd.h"

/* Calls cannot start before the service existed or far in the future. */
#define EARLIEST_CALL 946684800 /* 2000-01-01T00:00:00Z */
#define FUTURE_SLACK  (24 * 3600)
#define MAX_DURATION  (24 * 3600)

/* Fills fe with "field: message"; returns -1 for the caller to return. */
int
field_error_vset(struct field_error *fe, const char *field, const char *fmt,
                 va_list ap)
{
	int n;

	memset(fe, 0, sizeof *fe);
	fe->allowed_dim = -1;
	fe->field = field;
	n = snprintf(fe->message, sizeof fe->message, "%s: ", field);
	vsnprintf(fe->message + n, sizeof fe->message - (size_t)n, fmt, ap);
	return -1;
}

int
field_error_set(struct field_error *fe, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	field_error_vset(fe, field, fmt, ap);
	va_end(ap);
	return -1;
}

int
field_error_why(struct field_error *fe, const char *reason, const char *value)
{
	fe->reason = reason;
	snprintf(fe->value, sizeof fe->value, "%s", value ? value : "");
	return -1;
}

int
field_error_range(struct field_error *fe, const char *reason, const char *value,
                  const char *lo, const char *hi)
{
	snprintf(fe->range[0], sizeof fe->range[0], "%s", lo ? lo : "");
	snprintf(fe->range[1], sizeof fe->range[1], "%s", hi ? hi : "");
	return field_error_why(fe, reason, value);
}

int
field_error_list(struct field_error *fe, const char *reason, const char *value,
                 const char *const *list)
{
	fe->list = list;
	return field_error_why(fe, reason, value);
}

int
field_error_uuid(struct field_error *fe, const char *field, size_t len)
{
	char n[32];

	snprintf(n, sizeof n, "%zu bytes", len);
	field_error_set(fe, field, "%s; a UUID has 16", n);
	return field_error_range(fe, "bad_length", n, NULL, "16 bytes");
}

/* Say it again for clients that translate (Error.reason). */
static int
fe_reason(struct field_error *fe, const char *reason, const char *value,
          int allowed_dim, const char *successor)
{
	fe->reason = reason;
	snprintf(fe->value, sizeof fe->value, "%s", value ? value : "");
	fe->allowed_dim = allowed_dim;
	snprintf(fe->successor, sizeof fe->successor, "%s",
	         successor ? successor : "");
	return -1;
}

/* A dimension's field in Sheet: the same name but for topics. */
static const char *
sheet_field(enum dim d)
{
	return d == DIM_TOPIC ? "topics" : sheet_fields[d].name;
}

/* Unix time as 2000-01-01T00:00:00Z. */
static void
utc_text(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Look a code up for a sheet that starts at call_start: it must exist in
 * its dimension and not be retired, unless the call was before its
 * retirement (an old sheet imported again, or amended, keeps its codes).
 * An empty or absent value is "not given" and yields id 0.
 */
static int
code_lookup(const struct taxonomy *t, enum dim d, const char *code,
            int64_t call_start, int16_t *id, struct field_error *fe)
{
	const struct tax_entry *e;
	char *allowed;

	*id = 0;
	if (code == NULL || code[0] == '\0')
		return 0;
	if ((e = tax_find(t, d, code)) == NULL) {
		allowed = tax_allowed(t, d);
		field_error_set(fe, sheet_field(d),
		                "'%.64s' is not a known code; "
		                "allowed: %s",
		                code, allowed);
		free(allowed);
		return fe_reason(fe, "unknown_code", code, (int)d, NULL);
	}
	if (e->retired && call_start >= e->retired_at) {
		const struct tax_entry *next =
		        tax_current(t, tax_by_id(t, e->successor_id));

		if (next != NULL) {
			field_error_set(fe, sheet_field(d),
			                "'%s' is retired; use '%s' instead",
			                code, next->code);
			return fe_reason(fe, "retired", code, -1, next->code);
		}
		field_error_set(fe, sheet_field(d),
		                "'%s' is retired and no longer accepted", code);
		return fe_reason(fe, "retired", code, -1, NULL);
	}
	*id = e->id;
	return 0;
}

/* A consultation's required field (sheet_fields[].consultation). */
static int
require(const struct sheet_row *row, size_t f, const struct taxonomy *t,
        struct field_error *fe)
{
	char *allowed;

	if (row->code[f] != 0)
		return 0;
	allowed = tax_allowed(t, (enum dim)f);
	field_error_set(fe, sheet_fields[f].name, "missing; %s (allowed: %s)",
	                sheet_fields[f].consultation, allowed);
	free(allowed);
	return fe_reason(fe, "missing", NULL, (int)f, NULL);
}

static int
topics_lookup(const Callsheet__Sheet *s, const struct taxonomy *t,
              int64_t *mask, struct field_error *fe)
{
	*mask = 0;
	for (size_t i = 0; i < s->n_topics; i++) {
		const struct tax_entry *e;
		int16_t id;

		if (code_lookup(t, DIM_TOPIC, s->topics[i], s->call_start, &id,
		                fe) != 0)
			return -1;
		if (id == 0) {
			field_error_set(fe, "topics",
			                "an empty topic was given; allowed: a "
			                "topic code");
			return fe_reason(fe, "unknown_code", "", DIM_TOPIC,
			                 NULL);
		}
		e = tax_by_id(t, id);
		/* a topic counts once: a list that repeats one is a client
		 * bug, and an unbounded list would be work for nothing */
		if (*mask & (int64_t)1 << e->topic_bit) {
			field_error_set(fe, "topics",
			                "'%s' is given more than once; give "
			                "each topic once",
			                e->code);
			return field_error_why(fe, "repeated", e->code);
		}
		*mask |= (int64_t)1 << e->topic_bit;
	}
	return 0;
}

/* The code a row holds in a field, or NULL. */
static const char *
row_code(const struct sheet_row *row, const struct taxonomy *t, int f)
{
	const struct tax_entry *e = tax_by_id(t, row->code[f]);

	return e != NULL ? e->code : NULL;
}

/* A field given where a rule of sheet_fields[] says it does not apply. */
static int
check_rule(const struct sheet_row *row, const struct taxonomy *t, size_t f,
           const struct sheet_rule *r, struct field_error *fe)
{
	const char *held = row_code(row, t, r->when);
	const char *code = row_code(row, t, (int)f);
	char why[128];

	if (row->code[f] == 0 || (held != NULL && strcmp(held, r->is) == 0))
		return 0;
	if (r->only != NULL) {
		field_error_set(fe, sheet_fields[f].name, r->only,
		                code ? code : "");
		return fe_reason(fe, r->reason, code, -1, NULL);
	}
	/* say what the other field held: nothing, or another code */
	if (held == NULL)
		snprintf(why, sizeof why, "%s", r->none);
	else
		snprintf(why, sizeof why, r->other, held);
	field_error_set(fe, sheet_fields[f].name, "'%s' does not apply %s",
	                code ? code : "", why);
	return fe_reason(fe, r->reason, code, -1, NULL);
}

/* The fields that apply only when another holds a given code
 * (sheet_fields[].only), rule by rule. */
static int
check_rules(const struct sheet_row *row, const struct taxonomy *t,
            struct field_error *fe)
{
	for (size_t k = 0; k < nitems(sheet_fields[0].only); k++)
		for (size_t f = 0; f < SHEET_NCODES; f++) {
			const struct sheet_rule *r = &sheet_fields[f].only[k];

			if (r->reason != NULL &&
			    check_rule(row, t, f, r, fe) != 0)
				return -1;
		}
	return 0;
}

/* A call's start, as a sheet or an amendment gives it: from 2000 to 24
 * hours from now. */
int
call_start_check(int64_t call_start, time_t now, struct field_error *fe)
{
	char v[32], lo[32], hi[32];

	if (call_start >= EARLIEST_CALL &&
	    call_start <= (int64_t)now + FUTURE_SLACK)
		return 0;
	snprintf(v, sizeof v, "%lld", (long long)call_start);
	utc_text(EARLIEST_CALL, lo, sizeof lo);
	utc_text((int64_t)now + FUTURE_SLACK, hi, sizeof hi);
	field_error_set(fe, "call_start",
	                "%s is not a plausible call time; allowed: from %s to "
	                "%s (24 hours from now), in seconds since "
	                "1970-01-01T00:00:00Z",
	                v, lo, hi);
	return field_error_range(fe, "out_of_range", v, lo, hi);
}

/*
 * A jurist may not back-date a sheet into a closed period: only a late
 * sheet, whose call began within amend_window_days, is still taken there.
 * What is allowed: the call times taken wherever they fall, from the
 * late window's start to the latest plausible one.
 */
void
sheet_closed_error(struct field_error *fe, int64_t call_start, const char *from,
                   const char *to, time_t now, unsigned days)
{
	char v[32], period[64], lo[32], hi[32];

	snprintf(v, sizeof v, "%lld", (long long)call_start);
	closed_period_label(from, to, period, sizeof period);
	utc_text((int64_t)now - (int64_t)days * 86400, lo, sizeof lo);
	utc_text((int64_t)now + FUTURE_SLACK, hi, sizeof hi);
	field_error_set(fe, "call_start",
	                "%s lies in the closed period %s and began more than "
	                "%u day%s ago (amend_window_days): only an "
	                "administrator may log it now, as a restatement of the "
	                "published figures; allowed: from %s to %s",
	                v, period, days, days == 1 ? "" : "s", lo, hi);
	field_error_range(fe, "closed_period", v, lo, hi);
}

/* A field with a default given as "": that is no code at all. */
static int
no_default(const struct taxonomy *t, size_t f, struct field_error *fe)
{
	char *allowed = tax_allowed(t, (enum dim)f);

	field_error_set(fe, sheet_fields[f].name, sheet_fields[f].empty,
	                allowed);
	free(allowed);
	return fe_reason(fe, "unknown_code", "", (int)f, NULL);
}

int
validate_sheet(const Callsheet__Sheet *s, const struct taxonomy *t, time_t now,
               struct sheet_row *row, struct field_error *fe)
{
	const struct tax_entry *ct;
	bool consultation;

	memset(row, 0, sizeof *row);
	if (presence_check(&s->base, false, fe) != 0)
		return -1;
	if (s->id.len != CS_UUID_LEN)
		return field_error_uuid(fe, "id", s->id.len);
	memcpy(row->id, s->id.data, CS_UUID_LEN);
	if (call_start_check(s->call_start, now, fe) != 0)
		return -1;
	row->call_start = s->call_start;
	if (s->duration_s > MAX_DURATION) {
		char v[32];

		snprintf(v, sizeof v, "%u", s->duration_s);
		field_error_set(fe, "duration_s",
		                "%u seconds; allowed: 0 to %d (24 hours)",
		                s->duration_s, MAX_DURATION);
		return field_error_range(fe, "out_of_range", v, "0", "86400");
	}
	row->duration_s = s->duration_s;

	/* absent is the field's default (a consultation); "" is no code */
	for (size_t f = 0; f < SHEET_NCODES; f++) {
		const char *v = sheet_code_get(s, f);

		if (sheet_fields[f].absent != NULL && v != NULL && *v == '\0')
			return no_default(t, f, fe);
		if (code_lookup(t, (enum dim)f,
		                v != NULL ? v : sheet_fields[f].absent,
		                s->call_start, &row->code[f], fe) != 0)
			return -1;
	}
	if (topics_lookup(s, t, &row->topics, fe) != 0)
		return -1;

	ct = tax_by_id(t, row->code[DIM_CALL_TYPE]);
	consultation = ct != NULL && strcmp(ct->code, "consultation") == 0;
	if (consultation) {
		for (size_t f = 0; f < SHEET_NCODES; f++)
			if (sheet_fields[f].consultation != NULL &&
			    require(row, f, t, fe) != 0)
				return -1;
		if (row->topics == 0) {
			char *allowed = tax_allowed(t, DIM_TOPIC);

			field_error_set(
			        fe, "topics",
			        "missing; a consultation has at least one "
			        "topic (allowed: %s)",
			        allowed);
			free(allowed);
			return fe_reason(fe, "missing", NULL, DIM_TOPIC, NULL);
		}
	}
	if (check_rules(row, t, fe) != 0)
		return -1;
	/* stored, compared with the stored sheet, and audited like this */
	sheet_coarsen(row);
	return 0;
}
