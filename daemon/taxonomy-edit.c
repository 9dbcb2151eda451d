/* taxonomy-edit.c: an administrator's change to the taxonomy checked
 * against the cached copy before it goes to the database (whose
 * constraints remain the last word); pure, no I/O. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "callsheetd.h"

static Callsheet__ErrorCode
edit_fail(struct field_error *fe, Callsheet__ErrorCode code, const char *field,
          const char *reason, const char *value, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));

static Callsheet__ErrorCode
edit_fail(struct field_error *fe, Callsheet__ErrorCode code, const char *field,
          const char *reason, const char *value, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	field_error_vset(fe, field, fmt, ap);
	va_end(ap);
	field_error_why(fe, reason, value);
	return code;
}

#define BAD      CALLSHEET__ERROR_CODE__BAD_REQUEST
#define CONFLICT CALLSHEET__ERROR_CODE__CONFLICT
#define NOTFOUND CALLSHEET__ERROR_CODE__NOT_FOUND

static Callsheet__ErrorCode
check_dim(const char *name, enum dim *d, struct field_error *fe)
{
	Callsheet__ErrorCode code;

	if (dim_parse(name, d) == 0)
		return 0;
	code = edit_fail(fe, BAD, "dimension", "unknown_dimension", name,
	                 "'%.64s' is not a dimension; allowed: %s", name,
	                 dim_names());
	fe->list = dim_name_list();
	return code;
}

/* The codes the schema accepts (taxonomy.code's CHECK). */
static bool
code_ok(enum dim d, const char *code)
{
	size_t len = strlen(code);

	if (d == DIM_DEPARTMENT && len >= 2 && len <= 3 && code[0] >= '0' &&
	    code[0] <= '9' &&
	    ((code[1] >= '0' && code[1] <= '9') || code[1] == 'A' ||
	     code[1] == 'B') &&
	    (len == 2 || (code[2] >= '0' && code[2] <= '9')))
		return true;
	if (len == 0 || len > 32)
		return false;
	return strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/* Valid UTF-8 without control characters: a label is printed as is. */
static bool
label_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		int more;

		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (*p < 0x80) {
			p++;
			continue;
		}
		more = (*p & 0xe0) == 0xc0   ? 1
		       : (*p & 0xf0) == 0xe0 ? 2
		       : (*p & 0xf8) == 0xf0 ? 3
		                             : -1;
		if (more < 0 || (*p == 0xc0 || *p == 0xc1))
			return false;
		for (p++; more > 0; more--, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

static Callsheet__ErrorCode
check_label(const char *field, const char *label, struct field_error *fe)
{
	size_t len = strlen(label);

	if (len == 0 || len > TAX_LABEL_MAX || label[0] == ' ' ||
	    label[len - 1] == ' ' || !label_ok(label))
		return edit_fail(fe, BAD, field, "bad_label", label,
		                 "'%.64s' is not a label; give 1 to %d "
		                 "bytes of UTF-8 text without control "
		                 "characters or surrounding spaces",
		                 label, TAX_LABEL_MAX);
	return 0;
}

static Callsheet__ErrorCode
find_code(const struct taxonomy *t, enum dim d, const char *field,
          const char *code, const struct tax_entry **e, struct field_error *fe)
{
	if ((*e = tax_find(t, d, code)) != NULL)
		return 0;
	return edit_fail(fe, NOTFOUND, field, "not_found", code,
	                 "'%.64s' is not a code of %s", code, dim_name(d));
}

Callsheet__ErrorCode
tax_check_add(const struct taxonomy *t, const Callsheet__TaxonomyAdd *m,
              struct field_error *fe)
{
	const struct tax_entry *e;
	Callsheet__ErrorCode rc;
	size_t topics = 0;
	enum dim d;

	if ((rc = check_dim(m->dimension, &d, fe)) != 0)
		return rc;
	if (d == DIM_CALLER)
		return edit_fail(
		        fe, BAD, "dimension", "fixed_dimension", m->dimension,
		        "caller is fixed (individual or professional): "
		        "the rules of a sheet depend on it");
	if (!code_ok(d, m->code))
		return edit_fail(fe, BAD, "code", "bad_code", m->code,
		                 "'%.64s' is not a code; give 1 to 32 "
		                 "characters among a-z, 0-9 and _%s",
		                 m->code,
		                 d == DIM_DEPARTMENT
		                         ? " (or an INSEE code such as 2A)"
		                         : "");
	if ((e = tax_find(t, d, m->code)) != NULL)
		return edit_fail(fe, CONFLICT, "code", "exists", m->code,
		                 "'%s' already exists in %s%s", m->code,
		                 m->dimension, e->retired ? " (retired)" : "");
	if ((rc = check_label("label_en", m->label_en, fe)) != 0 ||
	    (rc = check_label("label_fr", m->label_fr, fe)) != 0)
		return rc;
	for (size_t i = 0; i < t->n; i++)
		topics += t->entries[i].topic_bit >= 0;
	if (d == DIM_TOPIC && topics >= TAX_TOPIC_BITS)
		return edit_fail(fe, CONFLICT, "code", "topics_full", m->code,
		                 "all %d topics are taken (retired topics "
		                 "keep theirs, for old sheets)",
		                 TAX_TOPIC_BITS);
	return 0;
}

Callsheet__ErrorCode
tax_check_rename(const struct taxonomy *t, const Callsheet__TaxonomyRename *m,
                 struct field_error *fe)
{
	const struct tax_entry *e;
	Callsheet__ErrorCode rc;
	enum dim d;

	if ((rc = check_dim(m->dimension, &d, fe)) != 0 ||
	    (rc = find_code(t, d, "code", m->code, &e, fe)) != 0)
		return rc;
	if (m->label_en == NULL && m->label_fr == NULL)
		return edit_fail(fe, BAD, "label_en", "missing", NULL,
		                 "missing; give a new English label, a new "
		                 "French label or both");
	if ((m->label_en != NULL &&
	     (rc = check_label("label_en", m->label_en, fe)) != 0) ||
	    (m->label_fr != NULL &&
	     (rc = check_label("label_fr", m->label_fr, fe)) != 0))
		return rc;
	return 0;
}

/* Codes the rules of a sheet or of a report refer to by name. */
static bool
built_in(enum dim d, const char *code)
{
	return (d == DIM_CALL_TYPE && strcmp(code, "consultation") == 0) ||
	       d == DIM_CALLER ||
	       (d == DIM_PRO_KIND && strcmp(code, "public_body") == 0);
}

/* Retire (map false: successor optional) or map (successor required, the
 * code already retired). */
Callsheet__ErrorCode
tax_check_retire(const struct taxonomy *t, const char *dimension,
                 const char *code, const char *successor, bool map,
                 struct field_error *fe)
{
	const struct tax_entry *e, *next;
	Callsheet__ErrorCode rc;
	enum dim d;

	if ((rc = check_dim(dimension, &d, fe)) != 0 ||
	    (rc = find_code(t, d, "code", code, &e, fe)) != 0)
		return rc;
	if (!map && built_in(d, code))
		return edit_fail(fe, BAD, "code", "built_in", code,
		                 "'%s' cannot be retired: the rules of a "
		                 "sheet depend on it",
		                 code);
	if (!map && e->retired)
		return edit_fail(fe, CONFLICT, "code", "already_retired", code,
		                 "'%s' is already retired; use map to give "
		                 "it a successor",
		                 code);
	if (map && !e->retired)
		return edit_fail(fe, CONFLICT, "code", "not_retired", code,
		                 "'%s' is not retired; retire it first "
		                 "(with its successor)",
		                 code);
	if (successor == NULL)
		return 0;
	if ((rc = find_code(t, d, "successor", successor, &next, fe)) != 0) {
		/* a code of another dimension exists: not a successor */
		for (size_t i = 0; i < t->n; i++)
			if (strcmp(t->entries[i].code, successor) == 0)
				return edit_fail(fe, BAD, "successor",
				                 "bad_successor", successor,
				                 "'%s' is a code of %s, not of "
				                 "%s; give a "
				                 "current code of %s",
				                 successor,
				                 dim_name(t->entries[i].dim),
				                 dimension, dimension);
		return rc;
	}
	if (next == e || next->retired)
		return edit_fail(fe, BAD, "successor", "bad_successor",
		                 successor,
		                 "'%s' cannot succeed '%s'; give another "
		                 "code of %s that is not retired",
		                 successor, code, dimension);
	return 0;
}
