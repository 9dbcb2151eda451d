/* change-format.c: the history of sheets as people and programs read it:
 * the answer to an amend or a void, the audit trail, and the restatements
 * a report shows next to its figures. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change-format.h"
#include "libcallsheet.h"
#include "report-format.h"

#define REASONS_SHOWN 5
#define LABEL_STRLEN  48

/* For people, local "YYYY-MM-DD HH:MM"; for programs, ISO 8601 UTC. */
static void
format_time(int64_t t, bool utc, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (utc)
		gmtime_r(&tt, &tm);
	else
		localtime_r(&tt, &tm);
	strftime(out, 32, utc ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M", &tm);
}

static const char *
or_none(const char *s)
{
	return s != NULL && *s != '\0' ? s : _("(none)");
}

static void
field_lines(struct strbuf *sb, const char *indent,
            Callsheet__FieldChange *const *fc, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_addf(sb, "%s%-11s %s -> %s\n", indent, fc[i]->field,
		        or_none(fc[i]->old), or_none(fc[i]->new_));
}

static void
restated_list(struct strbuf *sb, Callsheet__ClosedPeriod *const *p, size_t n)
{
	char label[LABEL_STRLEN];

	for (size_t i = 0; i < n; i++) {
		closed_period_label(p[i]->from, p[i]->to, label, sizeof label);
		sb_addf(sb, "%s%s", i > 0 ? ", " : "", label);
	}
}

/* ---------------------------------------------------------- amend, void */

void
change_text(struct strbuf *sb, const Callsheet__SheetChanged *sc)
{
	char id[CS_UUID_STRLEN] = "?", when[32] = "";
	bool is_void = strcmp(sc->action, "void") == 0;

	if (sc->id.len == CS_UUID_LEN)
		uuid_format(sc->id.data, id);
	if (sc->has_at)
		format_time(sc->at, false, when);
	if (!sc->duplicate) {
		sb_addf(sb,
		        is_void ? _("sheet %s voided\n")
		                : _("sheet %s amended\n"),
		        id);
		field_lines(sb, "  ", sc->changes, sc->n_changes);
		if (sc->n_restated > 0) {
			sb_add(sb, _("restates the published figures of "));
			restated_list(sb, sc->restated, sc->n_restated);
			sb_add(sb, "\n");
		}
		return;
	}
	if (is_void)
		sb_addf(sb, _("sheet %s was already voided on %s by %s: %s\n"),
		        id, when, or_none(sc->by), or_none(sc->reason));
	else if (sc->has_at)
		sb_addf(sb,
		        _("sheet %s: this change was already made on %s by "
		          "%s; nothing changed\n"),
		        id, when, or_none(sc->by));
	else
		sb_addf(sb, _("sheet %s: already so; nothing changed\n"), id);
}

/* ---------------------------------------------------------- audit trail */

void
audit_table(struct strbuf *sb, const Callsheet__AuditList *l)
{
	for (size_t i = 0; i < l->n_entries; i++) {
		const Callsheet__AuditEntry *e = l->entries[i];
		char id[CS_UUID_STRLEN] = "?", when[32];

		if (e->sheet_id.len == CS_UUID_LEN)
			uuid_format(e->sheet_id.data, id);
		format_time(e->at, false, when);
		sb_addf(sb, "#%" PRIu64 "  %s  %s  %s  %s", e->id, when,
		        e->user, e->action, id);
		if (e->n_restated > 0) {
			sb_add(sb, _("  (restates "));
			restated_list(sb, e->restated, e->n_restated);
			sb_add(sb, ")");
		}
		sb_add(sb, "\n");
		field_lines(sb, "    ", e->changes, e->n_changes);
		if (e->reason != NULL)
			sb_addf(sb, "    %-11s %s\n", _("reason"), e->reason);
	}
	if (l->truncated)
		sb_add(sb, _("(more entries: narrow with --sheet or "
		             "--from/--to)\n"));
}

static void
json_opt(struct strbuf *sb, const char *s)
{
	if (s == NULL)
		sb_add(sb, "null");
	else
		json_string(sb, s);
}

static void
json_closed(struct strbuf *sb, const Callsheet__ClosedPeriod *p)
{
	if (p == NULL) {
		sb_add(sb, "null");
		return;
	}
	sb_add(sb, "{\"from\":");
	json_string(sb, p->from);
	sb_add(sb, ",\"to\":");
	json_string(sb, p->to);
	sb_add(sb, "}");
}

static void
json_periods(struct strbuf *sb, Callsheet__ClosedPeriod *const *p, size_t n)
{
	sb_add(sb, "[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sb_add(sb, ",");
		json_closed(sb, p[i]);
	}
	sb_add(sb, "]");
}

/* "at", "user", "sheet", "action" and "reason" of a change, in JSON. */
static void
json_change_head(struct strbuf *sb, int64_t at, const char *user,
                 const ProtobufCBinaryData *sheet, const char *action,
                 const char *reason)
{
	char when[32], id[CS_UUID_STRLEN] = "";

	format_time(at, true, when);
	if (sheet->len == CS_UUID_LEN)
		uuid_format(sheet->data, id);
	sb_addf(sb, "\"at\":\"%s\",\"user\":", when);
	json_string(sb, user);
	sb_addf(sb, ",\"sheet\":\"%s\",\"action\":", id);
	json_string(sb, action);
	sb_add(sb, ",\"reason\":");
	json_opt(sb, reason);
}

void
audit_json(struct strbuf *sb, const Callsheet__AuditList *l)
{
	sb_add(sb, "{\"entries\":[");
	for (size_t i = 0; i < l->n_entries; i++) {
		const Callsheet__AuditEntry *e = l->entries[i];

		sb_addf(sb, "%s{\"id\":%" PRIu64 ",", i > 0 ? "," : "", e->id);
		json_change_head(sb, e->at, e->user, &e->sheet_id, e->action,
		                 e->reason);
		sb_add(sb, ",\"changes\":[");
		for (size_t k = 0; k < e->n_changes; k++) {
			sb_add(sb, k > 0 ? ",{\"field\":" : "{\"field\":");
			json_string(sb, e->changes[k]->field);
			sb_add(sb, ",\"old\":");
			json_opt(sb, e->changes[k]->old);
			sb_add(sb, ",\"new\":");
			json_opt(sb, e->changes[k]->new_);
			sb_add(sb, "}");
		}
		sb_add(sb, "],\"restates\":");
		json_periods(sb, e->restated, e->n_restated);
		sb_add(sb, "}");
	}
	sb_addf(sb, "],\"truncated\":%s}\n", l->truncated ? "true" : "false");
}

/* -------------------------------------------------------- restatements */

static bool
period_shown(const Callsheet__PeriodRestatements *p)
{
	return p->n_changes > 0 || p->n_rows > 0 ||
	       p->published_total != p->restated_total;
}

bool
restate_shown(const Callsheet__Restatements *rs)
{
	for (size_t i = 0; rs != NULL && i < rs->n_periods; i++)
		if (period_shown(rs->periods[i]))
			return true;
	return false;
}

static bool
seen_reason(const Callsheet__PeriodRestatements *p, size_t upto)
{
	const Callsheet__Restatement *c = p->changes[upto];

	for (size_t i = 0; i < upto; i++)
		if (strcmp(p->changes[i]->action, c->action) == 0 &&
		    strcmp(or_none(p->changes[i]->reason),
		           or_none(c->reason)) == 0)
			return true;
	return false;
}

/* "why; voided: why; 2 sheets logged after closing; and 3 more". */
void
restate_reasons(struct strbuf *sb, const Callsheet__PeriodRestatements *p)
{
	size_t shown = 0, more = 0, late = 0;
	const char *sep = _("; ");

	for (size_t i = 0; i < p->n_changes; i++) {
		const Callsheet__Restatement *c = p->changes[i];

		if (strcmp(c->action, "late_log") == 0) {
			late++;
			continue;
		}
		if (seen_reason(p, i))
			continue;
		if (shown == REASONS_SHOWN) {
			more++;
			continue;
		}
		sb_addf(sb, "%s%s%s", shown++ > 0 ? sep : "",
		        strcmp(c->action, "void") == 0 ? _("voided: ") : "",
		        or_none(c->reason));
	}
	if (late > 0) {
		sb_add(sb, shown++ > 0 ? sep : "");
		sb_addf(sb,
		        late == 1 ? _("%zu sheet logged after closing")
		                  : _("%zu sheets logged after closing"),
		        late);
	}
	if (more > 0)
		sb_addf(sb, _("; and %zu more (callsheet admin audit)"), more);
}

static void
row_keys(struct strbuf *sb, const Callsheet__RestatedRow *row)
{
	for (size_t k = 0; k < row->n_keys; k++)
		sb_addf(sb, "%s%s", k > 0 ? ", " : "", or_none(row->keys[k]));
}

void
restate_table(struct strbuf *sb, const Callsheet__Restatements *rs,
              bool filtered)
{
	for (size_t i = 0; rs != NULL && i < rs->n_periods; i++) {
		const Callsheet__PeriodRestatements *p = rs->periods[i];
		const Callsheet__ClosedPeriod *cp =
		        p->compared ? p->compared : p->period;
		char label[LABEL_STRLEN];

		if (!period_shown(p))
			continue;
		closed_period_label(cp->from, cp->to, label, sizeof label);
		if (p->has_published_total)
			sb_addf(sb,
			        _("%s published %" PRIu64
			          ", restated %" PRIu64),
			        label, p->published_total, p->restated_total);
		else if (p->withheld)
			sb_addf(sb,
			        _("%s restated (figures withheld: minimum "
			          "cell size)"),
			        label);
		else
			sb_addf(sb,
			        _("%s restated (its published figures, "
			          "kept by month, cannot answer this "
			          "breakdown)"),
			        label);
		/* the changes are the whole period's, whatever the filter:
		 * not this figure's reasons */
		if (p->n_changes > 0)
			sb_add(sb, filtered ? _("; the period's changes, "
			                        "every sheet: ")
			                    : _(": "));
		restate_reasons(sb, p);
		sb_add(sb, "\n");
		for (size_t r = 0; r < p->n_rows; r++) {
			sb_add(sb, "  ");
			row_keys(sb, p->rows[r]);
			sb_addf(sb,
			        _(": published %" PRIu64 ", restated %" PRIu64
			          "\n"),
			        p->rows[r]->published, p->rows[r]->restated);
		}
		if (p->has_perturbed && p->perturbed)
			sb_add(sb,
			       _("  (totals perturbed for confidentiality; "
			         "the rows and the changes are withheld)\n"));
		else if (p->withheld && p->has_published_total)
			sb_add(sb, _("  (some figures withheld: minimum cell "
			             "size)\n"));
	}
}

/* -------------------------------------------------- published in a CSV */

static bool
same_keys(char *const *a, char *const *b, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(a[k] ? a[k] : "", b[k] ? b[k] : "") != 0)
			return false;
	return true;
}

/* What the restatements changed for these keys: published - restated. */
static int64_t
delta(const Callsheet__Restatements *rs, char *const *keys, size_t n)
{
	int64_t d = 0;

	for (size_t i = 0; i < rs->n_periods; i++) {
		const Callsheet__PeriodRestatements *p = rs->periods[i];

		if (n == 0 && p->has_published_total)
			d += (int64_t)p->published_total -
			     (int64_t)p->restated_total;
		for (size_t r = 0; n > 0 && r < p->n_rows; r++)
			if (p->rows[r]->n_keys == n &&
			    same_keys(p->rows[r]->keys, keys, n))
				d += (int64_t)p->rows[r]->published -
				     (int64_t)p->rows[r]->restated;
	}
	return d;
}

static void
csv_line(struct strbuf *sb, char *const *keys, size_t n, uint64_t count,
         uint64_t total, int64_t published)
{
	char pct[PCT_STRLEN];

	for (size_t k = 0; k < n; k++) {
		csv_field(sb, keys[k] ? keys[k] : "");
		sb_add(sb, ",");
	}
	pct_format(count, total, CSV_PCT_DECIMALS, pct);
	sb_addf(sb, "%" PRIu64 ",%s,%" PRId64 "\n", count, pct, published);
}

static bool
in_result(const Callsheet__QueryResult *r, char *const *keys, size_t n)
{
	for (size_t i = 0; i < r->n_rows; i++)
		if (r->rows[i]->n_keys == n &&
		    same_keys(r->rows[i]->keys, keys, n))
			return true;
	return false;
}

void
restate_csv(struct strbuf *sb, const Callsheet__QueryResult *r,
            const Callsheet__Restatements *rs)
{
	size_t n = r->n_group_by;

	for (size_t i = 0; i < n; i++) {
		csv_field(sb, r->group_by[i]);
		sb_add(sb, ",");
	}
	sb_add(sb, "count,percent,published\n");
	if (n == 0) {
		csv_line(sb, NULL, 0, r->total, r->total,
		         (int64_t)r->total + delta(rs, NULL, 0));
		return;
	}
	for (size_t i = 0; i < r->n_rows; i++)
		if (r->rows[i]->n_keys == n)
			csv_line(sb, r->rows[i]->keys, n, r->rows[i]->count,
			         r->total,
			         (int64_t)r->rows[i]->count +
			                 delta(rs, r->rows[i]->keys, n));
	/* figures that were published and are now gone */
	for (size_t i = 0; i < rs->n_periods; i++) {
		const Callsheet__PeriodRestatements *p = rs->periods[i];

		for (size_t k = 0; k < p->n_rows; k++) {
			const Callsheet__RestatedRow *row = p->rows[k];
			bool earlier = false;

			for (size_t j = 0; j < i && !earlier; j++)
				for (size_t m = 0; m < rs->periods[j]->n_rows;
				     m++)
					earlier |= same_keys(
					        rs->periods[j]->rows[m]->keys,
					        row->keys, n);
			if (row->n_keys == n && !earlier &&
			    !in_result(r, row->keys, n))
				csv_line(sb, row->keys, n, 0, r->total,
				         delta(rs, row->keys, n));
		}
	}
}

/* ------------------------------------------------ restatements in JSON */

static void
json_period(struct strbuf *sb, const Callsheet__PeriodRestatements *p,
            const Callsheet__Restatements *rs)
{
	sb_add(sb, "{\"period\":");
	json_closed(sb, p->period);
	sb_add(sb, ",\"compared\":");
	json_closed(sb, p->compared);
	if (p->has_published_total)
		sb_addf(sb,
		        ",\"published_total\":%" PRIu64
		        ",\"restated_total\":%" PRIu64,
		        p->published_total, p->restated_total);
	else
		sb_add(sb, ",\"published_total\":null,\"restated_total\":null");
	sb_add(sb, ",\"rows\":[");
	for (size_t r = 0; r < p->n_rows; r++) {
		sb_add(sb, r > 0 ? ",{\"keys\":{" : "{\"keys\":{");
		for (size_t k = 0; k < p->rows[r]->n_keys && k < rs->n_group_by;
		     k++) {
			if (k > 0)
				sb_add(sb, ",");
			json_string(sb, rs->group_by[k]);
			sb_add(sb, ":");
			json_opt(sb, *p->rows[r]->keys[k] ? p->rows[r]->keys[k]
			                                  : NULL);
		}
		sb_addf(sb,
		        "},\"published\":%" PRIu64 ",\"restated\":%" PRIu64 "}",
		        p->rows[r]->published, p->rows[r]->restated);
	}
	sb_add(sb, "],\"changes\":[");
	for (size_t c = 0; c < p->n_changes; c++) {
		const Callsheet__Restatement *ch = p->changes[c];

		sb_add(sb, c > 0 ? ",{" : "{");
		json_change_head(sb, ch->at, ch->user, &ch->sheet_id,
		                 ch->action, ch->reason);
		sb_add(sb, "}");
	}
	sb_add(sb, "]}");
}

void
restate_json(struct strbuf *sb, const Callsheet__Restatements *rs)
{
	restate_json_as(sb, "restatements", rs);
}

void
restate_json_as(struct strbuf *sb, const char *key,
                const Callsheet__Restatements *rs)
{
	/* report_json() ends its object with "}\n": reopen it */
	if (sb->len < 2 || strcmp(sb->buf + sb->len - 2, "}\n") != 0)
		return;
	sb->len -= 2;
	sb->buf[sb->len] = '\0';
	sb_addf(sb, ",\"%s\":[", key);
	for (size_t i = 0; rs != NULL && i < rs->n_periods; i++) {
		if (i > 0)
			sb_add(sb, ",");
		json_period(sb, rs->periods[i], rs);
	}
	sb_add(sb, "]}\n");
}
