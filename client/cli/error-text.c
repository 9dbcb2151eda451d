/* error-text.c: what went wrong, in the user's language. The server's
 * errors that carry a reason (see Error.reason) are said again from the
 * message catalog; others are recognized among the daemon's own messages
 * (server_texts, generated from its sources) and said from the catalog
 * too; the library's own (already translated) are shown as they are. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callsheet.h"
#include "libcallsheet.h"

static const struct {
	const char *reason;
	const char *text; /* printf: the field, then what args says */
	enum { N, F, V, FV, VF, FVA, FA } args;
} texts[] = {
        {"unknown_code", N_("%s: '%s' is not a known code; allowed: %s"), FVA},
        {"missing", N_("%s: missing; allowed: %s"), FA},
        {"individuals_only", N_("%s: applies only to individual callers"), F},
        {"professionals_only", N_("%s: applies only to professional callers"),
         F},
        {"public_body_only",
         N_("%s: applies only when pro_kind is public_body"), F},
        {"unknown_dimension", N_("%s: '%s' is not a dimension; allowed: %s"),
         FVA},
        {"fixed_dimension",
         N_("%s: the caller codes are fixed (individual or professional): "
            "the rules of a sheet depend on them"),
         F},
        {"bad_code",
         N_("%s: '%s' is not a code; give 1 to 32 characters among a-z, "
            "0-9 and _"),
         FV},
        {"exists", N_("%s: '%s' already exists"), FV},
        {"bad_label",
         N_("%s: '%s' is not a label; give 1 to 200 bytes of text without "
            "control characters or surrounding spaces"),
         FV},
        {"topics_full",
         N_("%s: all 63 topics are taken (retired topics keep theirs, for "
            "old sheets)"),
         F},
        {"not_found", N_("%s: '%s' is not a code of this dimension"), FV},
        {"built_in",
         N_("%s: '%s' cannot be retired: the rules of a sheet depend on it"),
         FV},
        {"already_retired",
         N_("%s: '%s' is already retired; use map to give it a successor"), FV},
        {"not_retired", N_("%s: '%s' is not retired; retire it first"), FV},
        {"changed_meanwhile",
         N_("%s: '%s' was changed by someone else meanwhile; list the "
            "codes and try again"),
         FV},
        /* exchange: an import's check */
        {"stored_other",
         N_("%s: another sheet is already stored under this id"), F},
        {"bad_successor",
         N_("%s: '%s' cannot be the successor; give a code of the same "
            "dimension that is not retired"),
         FV},
        /* protocol: the rest of ErrorReason (proto/callsheet.proto) */
        {"repeated", N_("%s: '%s' is given more than once"), FV},
        {"bad_length", N_("%s: %s; allowed: %s"), FVA},
        {"too_many", N_("%s: %s given; at most %s"), FVA},
        {"bad_date",
         N_("%s: '%s' is not a calendar date (YYYY-MM-DD, a day that "
            "exists)"),
         FV},
        {"bad_period", N_("%s: '%s' is not after the first day of the period"),
         FV},
        {"reserved_id",
         N_("%s: 0 is reserved; give every request an id from 1"), F},
        {"id_in_use",
         N_("%s: %s is the id of a request not answered yet; give each "
            "request its own id"),
         FV},
        {"unknown_body",
         N_("%s: the server does not know this kind of request (field %s): "
            "it is older than this client"),
         FV},
        {"hello_first", N_("the connection must start with a hello"), N},
        {"already_hello", N_("this connection has already said hello"), N},
        {"login_first", N_("log in first"), N},
        {"already_logged_in",
         N_("this connection is already logged in; open another one to "
            "log in as someone else"),
         N},
        {"role",
         N_("your account's role (%s) does not allow this (a %s request)"), VF},
        {"other_jurist",
         N_("%s: this sheet was logged by another jurist; only they or an "
            "administrator may change it"),
         F},
        {"closed_period",
         N_("%s: the call lies in the closed period %s; only an "
            "administrator may restate it, with a reason"),
         FV},
        {"past_window",
         N_("%s: this sheet was logged too long ago to be changed; ask an "
            "administrator"),
         F},
        {"given_and_cleared", N_("%s: '%s' is both given and cleared"), FV},
        {"disclosure",
         N_("%s: '%s' is not shown to the reporter role: it would let a "
            "hidden figure be computed (periods: a calendar month, quarter "
            "or year; one value per filtered dimension; no per-jurist "
            "figures)"),
         FV},
        {"wrong_password",
         N_("%s: this is not your current password; nothing was changed"), F},
        {"last_admin",
         N_("%s: '%s' is the last enabled admin account: nobody could "
            "administer accounts without it"),
         FV},
};

/* A role refusal (FORBIDDEN, reason role: field the request kind, value
 * the role) said as what the person tried to do: every request kind a
 * role may be refused (daemon/dispatch.c's handlers). */
static const struct {
	const char *request, *text;
} role_texts[] = {
        {"log_sheet", N_("Only a jurist or an administrator can log call "
                         "sheets.")},
        {"log_sheets", N_("Only a jurist or an administrator can log call "
                          "sheets.")},
        {"check_sheets", N_("Only a jurist or an administrator can check "
                            "call sheets before sending them.")},
        {"amend_sheet", N_("Only a jurist or an administrator can correct "
                           "a call sheet.")},
        {"void_sheet", N_("Only a jurist or an administrator can void a "
                          "call sheet.")},
        {"get_audit", N_("Only a jurist or an administrator can read the "
                         "history of call sheets.")},
        {"watch", N_("Only a jurist or an administrator can watch the "
                     "calls live; reports give the figures of closed "
                     "months.")},
        {"export", N_("Only a jurist or an administrator can export the "
                      "call sheets; reports give the figures.")},
        {"list_sheets", N_("Only a jurist or an administrator can list "
                           "call sheets; reports give the figures.")},
        {"user_add", N_("Only an administrator can create accounts.")},
        {"user_passwd", N_("Only an administrator can set another "
                           "account's password; use 'callsheet passwd' "
                           "for your own.")},
        {"user_disable", N_("Only an administrator can disable "
                            "accounts.")},
        {"user_list", N_("Only an administrator can list the accounts.")},
        {"min_cell", N_("Only an administrator can read or set the "
                        "minimum cell size.")},
        {"close_period", N_("Only an administrator can close a period.")},
        {"taxonomy_add", N_("Only an administrator can add codes.")},
        {"taxonomy_rename", N_("Only an administrator can rename codes.")},
        {"taxonomy_retire", N_("Only an administrator can retire codes.")},
        {"taxonomy_map", N_("Only an administrator can give a retired code "
                            "a successor.")},
        {"set_year_facts", N_("Only an administrator can set the year's "
                              "populations and budget.")},
};

const char *
cli_role_text(const char *request)
{
	for (size_t i = 0; i < nitems(role_texts); i++)
		if (strcmp(role_texts[i].request, request) == 0)
			return _(role_texts[i].text);
	return NULL;
}

/* Error.allowed's periods ("from/to, from/to") as people name them. */
static void
period_labels(const char *allowed, char *out, size_t len)
{
	char from[16], to[16], label[48];
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = allowed; *p != '\0' && n + 1 < len;) {
		size_t item = strcspn(p, ",");

		if (sscanf(p, "%15[0-9-]/%15[0-9-]", from, to) == 2) {
			closed_period_label(from, to, label, sizeof label);
			n += (size_t)snprintf(out + n, len - n, "%s%s",
			                      n > 0 ? ", " : "", label);
		}
		p += item;
		p += strspn(p, ", ");
	}
	if (out[0] == '\0')
		/* TRANSLATORS: no closed period at all */
		snprintf(out, len, "%s", _("none"));
}

/* The reasons whose wording depends on more than the reason. */
static bool
special(const struct cs_error *err, char *buf, size_t len)
{
	const char *f = err->field, *v = err->value;
	/* a sheet's field, or a query's filter on it (value dimension=code) */
	bool dept = strcmp(f, "department") == 0 ||
	            (strcmp(f, "filters") == 0 &&
	             strncmp(v, "department=", 11) == 0);

	if (strcmp(err->reason, "role") == 0 && cli_role_text(f) != NULL) {
		snprintf(buf, len, "%s", cli_role_text(f));
		return true;
	}
	if (strcmp(err->reason, "stored_other") == 0 &&
	    strcmp(f, "change_id") == 0) {
		/* a change id reused for another change (PROTOCOL.md) */
		snprintf(
		        buf, len,
		        _("%s: another change is already stored under this id; "
		          "nothing was changed"),
		        f);
		return true;
	}
	/* a reporter's period holding a month no closed period holds */
	if (strcmp(err->reason, "disclosure") == 0 && strcmp(f, "from") == 0 &&
	    strlen(v) == 7) {
		char closed[256];

		period_labels(err->allowed, closed, sizeof closed);
		snprintf(
		        buf, len,
		        _("%s: %s is in no closed period: reporters see closed "
		          "periods only, as published when they were closed; "
		          "closed: %s"),
		        f, v, closed);
		return true;
	}
	/* a reporter's breakdown the published figures do not keep */
	if (strcmp(err->reason, "disclosure") == 0 &&
	    strcmp(f, "group_by") == 0 && err->allowed[0] != '\0') {
		snprintf(buf, len,
		         _("%s: %s: the published figures a reporter reads do "
		           "not keep this breakdown; kept with the first: %s"),
		         f, v, err->allowed);
		return true;
	}
	if (strcmp(err->reason, "retired") == 0) {
		if (err->allowed[0] != '\0')
			snprintf(buf, len,
			         _("%s: '%s' is retired; use '%s' instead"), f,
			         v, err->allowed);
		else
			snprintf(
			        buf, len,
			        _("%s: '%s' is retired and no longer accepted"),
			        f, v);
		return true;
	}
	if (dept && strcmp(err->reason, "unknown_code") == 0) {
		snprintf(
		        buf, len,
		        _("%s: '%s' is not a known code; allowed: a "
		          "département "
		          "code (01 to 95, 2A, 2B, 971 to 976), 99 for abroad, "
		          "or unknown"),
		        f, v);
		return true;
	}
	if (strcmp(err->reason, "missing") == 0 && err->allowed[0] == '\0') {
		if (strcmp(f, "reason") == 0 && v[0] != '\0')
			snprintf(buf, len,
			         _("reason: required: a change in the closed "
			           "period %s restates published figures and "
			           "must say why"),
			         v);
		else if (dept)
			snprintf(buf, len, "%s",
			         _("department: missing; say where the call "
			           "came from (unknown if the caller did not "
			           "say)"));
		else
			snprintf(buf, len, _("%s: missing"), f);
		return true;
	}
	/* a new sheet back-dated into a closed period: allowed, the late
	 * window's start and the latest call time */
	if (strcmp(err->reason, "closed_period") == 0 &&
	    strcmp(f, "call_start") == 0) {
		const char *comma = strstr(err->allowed, ", ");

		snprintf(buf, len,
		         _("%s: the call of %s lies in a closed period; only "
		           "an administrator may log it now, as a restatement "
		           "of the published figures (calls since %.*s are "
		           "still taken)"),
		         f, v,
		         (int)(comma != NULL ? comma - err->allowed
		                             : (ptrdiff_t)strlen(err->allowed)),
		         err->allowed);
		return true;
	}
	/* the bounds: "lowest, highest" */
	if (strcmp(err->reason, "out_of_range") == 0) {
		const char *comma = strstr(err->allowed, ", ");

		if (comma != NULL)
			snprintf(buf, len,
			         _("%s: %s is out of range; allowed: from %.*s "
			           "to %s"),
			         f, v, (int)(comma - err->allowed),
			         err->allowed, comma + 2);
		else
			snprintf(buf, len, _("%s: %s is out of range"), f, v);
		return true;
	}
	/* the server's own words when it says no more than "invalid" */
	if (strcmp(err->reason, "invalid") == 0 && err->value[0] == '\0') {
		snprintf(buf, len, "%s", err->message);
		return true;
	}
	if (strcmp(err->reason, "invalid") == 0) {
		if (err->allowed[0] != '\0')
			snprintf(buf, len,
			         _("%s: '%s' is not allowed; allowed: %s"), f,
			         v, err->allowed);
		else
			snprintf(buf, len, _("%s: '%s' is not allowed"), f, v);
		return true;
	}
	return false;
}

/* ------------------------------------------- the daemon's own messages */

/* client/server-texts.c, generated from the daemon's sources */
extern const char *const server_texts[];
extern const size_t nserver_texts;

#define ARGS_MAX 8

struct span {
	const char *p;
	size_t len;
};

/* After the '%' of a conversion: its letter (flags, width, precision and
 * length skipped), or 0 for "%%". */
static const char *
conversion(const char *f, char *conv)
{
	f += strspn(f, "-+ #0123456789.*hlLqjzt");
	*conv = *f;
	return *f != '\0' ? f + 1 : f;
}

/* Does text read as the printf format fmt? The conversions' texts go to
 * a[n...]; *n is their count. %s takes as little as lets the rest match. */
static bool
fmt_match(const char *f, const char *t, struct span *a, size_t n, size_t *out)
{
	char conv;
	const char *rest;
	size_t len;

	for (; *f != '\0' && *f != '%'; f++, t++)
		if (*f != *t)
			return false;
	if (*f == '\0') {
		*out = n;
		return *t == '\0';
	}
	if (f[1] == '%')
		return *t == '%' && fmt_match(f + 2, t + 1, a, n, out);
	rest = conversion(f + 1, &conv);
	if (n == ARGS_MAX)
		return false;
	if (conv == 's') {
		for (len = 0;; len++) {
			a[n] = (struct span){t, len};
			if (fmt_match(rest, t + len, a, n + 1, out))
				return true;
			if (t[len] == '\0')
				return false;
		}
	}
	if (strchr("diuefg", conv) != NULL) {
		len = *t == '-' && conv != 'u';
		len += strspn(t + len, strchr("efg", conv) != NULL
		                               ? "0123456789.e+-inf"
		                               : "0123456789");
		if (len == 0 || !isdigit((unsigned char)t[len - 1]))
			return false;
		a[n] = (struct span){t, len};
		return fmt_match(rest, t + len, a, n + 1, out);
	}
	return false;
}

/* A call time the daemon wrote as Unix seconds, as people read it. */
static bool
unix_time(const struct cs_error *err, struct span s, char *out, size_t len)
{
	char digits[24];
	time_t t;
	struct tm tm;

	if (strcmp(err->field, "call_start") != 0 || s.len < 9 ||
	    s.len >= sizeof digits || strspn(s.p, "0123456789") < s.len)
		return false;
	memcpy(digits, s.p, s.len);
	digits[s.len] = '\0';
	t = (time_t)strtoll(digits, NULL, 10);
	return localtime_r(&t, &tm) != NULL &&
	       strftime(out, len, "%Y-%m-%d %H:%M %z", &tm) > 0;
}

/* fmt (translated) with the texts of a in place of its conversions. */
static void
fmt_fill(const struct cs_error *err, const char *fmt, const struct span *a,
         size_t n, struct strbuf *sb)
{
	size_t i = 0;
	char conv, when[40];

	while (*fmt != '\0') {
		size_t lit = strcspn(fmt, "%");

		sb_addn(sb, fmt, lit);
		if ((fmt += lit)[0] == '\0')
			break;
		if (fmt[1] == '%') {
			sb_add(sb, "%");
			fmt += 2;
			continue;
		}
		fmt = conversion(fmt + 1, &conv);
		if (i == n)
			continue;
		if (unix_time(err, a[i], when, sizeof when))
			sb_add(sb, when);
		else
			sb_addn(sb, a[i].p, a[i].len);
		i++;
	}
}

/* The server's message, said again from the catalog if it is one of the
 * daemon's; "field: message" when the daemon put its field first. */
static bool
server_text(const struct cs_error *err, char *buf, size_t len)
{
	const char *m = err->message;
	size_t flen = strlen(err->field);
	bool prefixed = false;
	struct span a[ARGS_MAX];
	struct strbuf sb = {0};
	size_t n;

	/* first without the field the daemon put first, if it did */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0) {
			if (flen == 0 || strncmp(m, err->field, flen) != 0 ||
			    strncmp(m + flen, ": ", 2) != 0)
				continue;
			m += flen + 2;
			prefixed = true;
		} else if (prefixed) {
			m = err->message;
			prefixed = false;
		}
		for (size_t i = 0; i < nserver_texts; i++) {
			if (!fmt_match(server_texts[i], m, a, 0, &n))
				continue;
			fmt_fill(err, _(server_texts[i]), a, n, &sb);
			if (prefixed)
				/* TRANSLATORS: a field, then what is wrong
				 * with it */
				snprintf(buf, len, _("%s: %s"), err->field,
				         sb.buf ? sb.buf : "");
			else
				snprintf(buf, len, "%s", sb.buf ? sb.buf : "");
			sb_free(&sb);
			return true;
		}
	}
	return false;
}

/* Two buffers, so that two errors fit in one message. */
const char *
cli_error_text(const struct cs_error *err)
{
	static char bufs[2][768];
	static unsigned which;
	char *buf = bufs[which++ % 2];
	size_t len = sizeof bufs[0];
	static struct cs_error dated;

	if (err->reason[0] == '\0')
		return server_text(err, buf, len) ? buf : err->message;
	/* a call time given as Unix seconds: said as a date */
	if (err != &dated &&
	    unix_time(err, (struct span){err->value, strlen(err->value)},
	              dated.value, sizeof dated.value)) {
		char value[sizeof dated.value];

		snprintf(value, sizeof value, "%s", dated.value);
		dated = *err;
		snprintf(dated.value, sizeof dated.value, "%s", value);
		return cli_error_text(&dated);
	}
	if (special(err, buf, len))
		return buf;
	for (size_t i = 0; i < nitems(texts); i++) {
		if (strcmp(err->reason, texts[i].reason) != 0)
			continue;
		switch (texts[i].args) {
		case N:
			snprintf(buf, len, "%s", _(texts[i].text));
			break;
		case V:
			snprintf(buf, len, _(texts[i].text), err->value);
			break;
		case VF:
			snprintf(buf, len, _(texts[i].text), err->value,
			         err->field);
			break;
		case F:
			snprintf(buf, len, _(texts[i].text), err->field);
			break;
		case FV:
			snprintf(buf, len, _(texts[i].text), err->field,
			         err->value);
			break;
		case FVA:
			snprintf(buf, len, _(texts[i].text), err->field,
			         err->value, err->allowed);
			break;
		case FA:
			snprintf(buf, len, _(texts[i].text), err->field,
			         err->allowed);
			break;
		}
		return buf;
	}
	return server_text(err, buf, len) ? buf : err->message;
}

const char *
cli_period_error_text(const struct cs_error *err, const char *from,
                      const char *to)
{
	static char buf[768];
	char label[48], closed[256];

	closed_period_label(from, to, label, sizeof label);
	/* a reporter's period with a month no closed period holds */
	if (strcmp(err->reason, "disclosure") == 0 &&
	    strcmp(err->field, "from") == 0 && strlen(err->value) == 7) {
		period_labels(err->allowed, closed, sizeof closed);
		snprintf(buf, sizeof buf,
		         _("%s is not closed (%s is in no closed period): "
		           "reporters see closed periods only, as published "
		           "when they were closed; closed: %s"),
		         label, err->value, closed);
		return buf;
	}
	/* ClosePeriod: the period has not ended yet */
	if (strcmp(err->reason, "out_of_range") == 0 &&
	    strcmp(err->field, "to") == 0) {
		snprintf(buf, sizeof buf,
		         _("%s is not over: a period can be closed once it "
		           "has ended"),
		         label);
		return buf;
	}
	return cli_error_text(err);
}
