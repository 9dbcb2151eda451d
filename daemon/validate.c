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
field_error_set(struct field_error *fe, const char *field, const char *fmt, ...)
{
	va_list ap;
	int n;

	memset(fe, 0, sizeof *fe);
	fe->allowed_dim = -1;
	fe->field = field;
	n = snprintf(fe->message, sizeof fe->message, "%s: ", field);
	va_start(ap, fmt);
	vsnprintf(fe->message + n, sizeof fe->message - (size_t)n, fmt, ap);
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
	return d == DIM_TOPIC ? "topics" : dim_name(d);
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

static int
require(int16_t id, enum dim d, const char *why, const struct taxonomy *t,
        struct field_error *fe)
{
	char *allowed;

	if (id != 0)
		return 0;
	allowed = tax_allowed(t, d);
	field_error_set(fe, dim_name(d), "missing; %s (allowed: %s)", why,
	                allowed);
	free(allowed);
	return fe_reason(fe, "missing", NULL, (int)d, NULL);
}

/* reason: "individuals_only" or "professionals_only" */
static int
forbid(int16_t id, enum dim d, const char *why, const char *reason,
       const struct taxonomy *t, struct field_error *fe)
{
	const struct tax_entry *e;

	if (id == 0)
		return 0;
	e = tax_by_id(t, id);
	field_error_set(fe, dim_name(d), "'%s' does not apply %s",
	                e ? e->code : "", why);
	return fe_reason(fe, reason, e ? e->code : NULL, -1, NULL);
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

/* Which fields a caller type allows and requires, for a consultation. */
static int
check_caller_fields(const struct sheet_row *row, const struct taxonomy *t,
                    struct field_error *fe)
{
	const struct tax_entry *caller = tax_by_id(t, row->caller);
	bool individual = caller && strcmp(caller->code, "individual") == 0;
	bool professional = caller && strcmp(caller->code, "professional") == 0;
	const struct tax_entry *kind = tax_by_id(t, row->pro_kind);

	char not_ind[96], not_pro[96];

	/* say what the caller was: none, or another kind than needed */
	if (caller == NULL) {
		snprintf(not_ind, sizeof not_ind,
		         "when no caller is given; it is for individuals");
		snprintf(not_pro, sizeof not_pro,
		         "when no caller is given; it is for professionals");
	} else {
		snprintf(not_ind, sizeof not_ind,
		         "to a caller '%.32s'; it is for individuals",
		         caller->code);
		snprintf(not_pro, sizeof not_pro,
		         "to a caller '%.32s'; it is for professionals",
		         caller->code);
	}
	if (!individual) {
		if (forbid(row->household, DIM_HOUSEHOLD, not_ind,
		           "individuals_only", t, fe) != 0 ||
		    forbid(row->origin, DIM_ORIGIN, not_ind, "individuals_only",
		           t, fe) != 0)
			return -1;
	}
	if (!professional) {
		if (forbid(row->pro_kind, DIM_PRO_KIND, not_pro,
		           "professionals_only", t, fe) != 0 ||
		    forbid(row->pro_sector, DIM_PRO_SECTOR, not_pro,
		           "professionals_only", t, fe) != 0)
			return -1;
	}
	if (row->pro_sector != 0 &&
	    (kind == NULL || strcmp(kind->code, "public_body") != 0)) {
		const struct tax_entry *sector = tax_by_id(t, row->pro_sector);

		field_error_set(
		        fe, "pro_sector",
		        "'%s' applies only when pro_kind is public_body",
		        sector ? sector->code : "");
		return fe_reason(fe, "public_body_only",
		                 sector ? sector->code : NULL, -1, NULL);
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

	/* absent is a consultation; "" is no code at all */
	if (s->call_type != NULL && s->call_type[0] == '\0') {
		char *allowed = tax_allowed(t, DIM_CALL_TYPE);

		field_error_set(
		        fe, "call_type",
		        "'' is not a call type; give a code, or leave "
		        "the field out for a consultation (allowed: %s)",
		        allowed);
		free(allowed);
		return fe_reason(fe, "unknown_code", "", (int)DIM_CALL_TYPE,
		                 NULL);
	}
	if (code_lookup(t, DIM_CALL_TYPE,
	                s->call_type ? s->call_type : "consultation",
	                s->call_start, &row->call_type, fe) != 0 ||
	    code_lookup(t, DIM_DEPARTMENT, s->department, s->call_start,
	                &row->department, fe) != 0 ||
	    code_lookup(t, DIM_CALLER, s->caller, s->call_start, &row->caller,
	                fe) != 0 ||
	    code_lookup(t, DIM_PRO_KIND, s->pro_kind, s->call_start,
	                &row->pro_kind, fe) != 0 ||
	    code_lookup(t, DIM_PRO_SECTOR, s->pro_sector, s->call_start,
	                &row->pro_sector, fe) != 0 ||
	    code_lookup(t, DIM_HOUSEHOLD, s->household, s->call_start,
	                &row->household, fe) != 0 ||
	    code_lookup(t, DIM_ORIGIN, s->origin, s->call_start, &row->origin,
	                fe) != 0 ||
	    topics_lookup(s, t, &row->topics, fe) != 0)
		return -1;

	ct = tax_by_id(t, row->call_type);
	consultation = ct != NULL && strcmp(ct->code, "consultation") == 0;
	if (consultation) {
		if (require(row->caller, DIM_CALLER,
		            "a consultation says who called", t, fe) != 0 ||
		    require(row->department, DIM_DEPARTMENT,
		            "a consultation says where the call came from "
		            "(unknown if the caller did not say)",
		            t, fe) != 0)
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
	if (check_caller_fields(row, t, fe) != 0)
		return -1;
	/* stored, compared with the stored sheet, and audited like this */
	sheet_coarsen(row);
	return 0;
}
