/* annual-json.c: the annual report as JSON: every number, for other
 * tools. A count hidden by disclosure control is null with "suppressed":
 * true; a percentage is a number with the decimals shown elsewhere. */
#include <stdio.h>
#include <string.h>

#include "annual.h"
#include "change-format.h"
#include "report-format.h"

static void
j_count(struct strbuf *sb, const char *name, uint64_t n, bool hidden)
{
	sb_addf(sb, "\"%s\":", name);
	if (hidden)
		sb_add(sb, "null");
	else
		sb_addf(sb, "%llu", (unsigned long long)n);
}

static void
j_pct(struct strbuf *sb, const char *name, bool has, int64_t scaled,
      unsigned decimals)
{
	uint64_t unit = 1,
	         mag = scaled < 0 ? (uint64_t)-scaled : (uint64_t)scaled;

	for (unsigned i = 0; i < decimals; i++)
		unit *= 10;
	sb_addf(sb, "\"%s\":", name);
	if (!has) {
		sb_add(sb, "null");
		return;
	}
	sb_addf(sb, "%s%llu", scaled < 0 ? "-" : "",
	        (unsigned long long)(mag / unit));
	if (decimals > 0)
		sb_addf(sb, ".%0*llu", (int)decimals,
		        (unsigned long long)(mag % unit));
}

static void
j_str(struct strbuf *sb, const char *name, const char *v)
{
	sb_addf(sb, "\"%s\":", name);
	if (v == NULL)
		sb_add(sb, "null");
	else
		json_string(sb, v);
}

static void
j_item(struct strbuf *sb, const struct ann_breakdown *b,
       const struct ann_item *it)
{
	struct strbuf label = {0};

	words_item(&label, b, it);
	sb_add(sb, "{");
	j_str(sb, "code", it->code[0] != '\0' ? it->code : NULL);
	sb_add(sb, ",");
	j_str(sb, "label", label.buf);
	sb_add(sb, ",");
	j_count(sb, "count", it->n, it->hidden);
	sb_addf(sb, ",\"suppressed\":%s,", it->hidden ? "true" : "false");
	j_pct(sb, "percent", it->has_pct, (int64_t)it->pct, b->decimals);
	if (it->rank > 0)
		sb_addf(sb, ",\"rank\":%u", it->rank);
	if (it->has_rate)
		sb_addf(sb, ",\"per_100k\":%llu.%llu,\"per_100k_rank\":%u",
		        (unsigned long long)(it->rate / 10),
		        (unsigned long long)(it->rate % 10), it->rate_rank);
	sb_add(sb, "}");
	sb_free(&label);
}

static void
j_breakdown(struct strbuf *sb, const char *name, const struct annual *a,
            const struct ann_breakdown *b)
{
	struct strbuf base = {0};

	sb_addf(sb, ",\n\"%s\":{\"shown\":%s", name,
	        b->shown ? "true" : "false");
	if (!b->shown) {
		sb_add(sb, "}");
		return;
	}
	words_base(&base, a, b);
	sb_add(sb, ",");
	j_count(sb, "base", b->base, b->base_hidden);
	sb_add(sb, ",");
	j_str(sb, "base_text", base.buf);
	sb_addf(sb,
	        ",\"decimals\":%u,\"multi\":%s,\"suppressed\":%u,\"items\":[",
	        b->decimals, b->multi ? "true" : "false", b->nhidden);
	for (size_t i = 0; i < b->n; i++) {
		if (i > 0)
			sb_add(sb, ",");
		sb_add(sb, "\n ");
		j_item(sb, b, &b->items[i]);
	}
	sb_add(sb, "]}");
	sb_free(&base);
}

static void
j_names(struct strbuf *sb, const char *name, const struct ann_item *const *v,
        size_t n)
{
	sb_addf(sb, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sb_add(sb, ",");
		sb_add(sb, "{");
		j_str(sb, "code", v[i]->code);
		sb_add(sb, ",");
		j_str(sb, "label", v[i]->label);
		sb_addf(sb, ",\"count\":%llu}", (unsigned long long)v[i]->n);
	}
	sb_add(sb, "]");
}

static void
j_focus(struct strbuf *sb, const struct annual *a)
{
	const struct ann_focus *f = &a->focus;
	struct strbuf text = {0};

	sb_add(sb, ",\n\"focus\":");
	if (!f->given) {
		sb_add(sb, "null");
		return;
	}
	words_focus(&text, a);
	sb_add(sb, "{");
	j_str(sb, "code", f->code);
	sb_add(sb, ",");
	j_str(sb, "label", f->label);
	sb_add(sb, ",");
	j_count(sb, "count", f->n, f->hidden);
	sb_addf(sb, ",\"suppressed\":%s,", f->hidden ? "true" : "false");
	j_pct(sb, "percent", f->has_pct, (int64_t)f->pct, ANN_DEPT_DECIMALS);
	sb_add(sb, ",");
	j_count(sb, "base", a->departments.base, a->departments.base_hidden);
	if (f->rank > 0)
		sb_addf(sb, ",\"rank\":%u,\"rank_exact\":%s", f->rank,
		        f->rank_exact ? "true" : "false");
	else
		sb_add(sb, ",\"rank\":null");
	j_names(sb, "behind", f->ahead, f->nahead);
	j_names(sb, "tied_with", f->tied, f->ntied);
	sb_add(sb, ",");
	j_str(sb, "text", text.buf);
	sb_add(sb, "}");
	sb_free(&text);
}

static void
j_grid(struct strbuf *sb, const struct annual *a)
{
	const struct ann_grid *g = &a->grid;
	struct strbuf text = {0};

	words_service_line(&text, a);
	sb_add(sb, ",\n\"weekday_hour\":{");
	j_str(sb, "service_hours", a->hours.spec);
	sb_add(sb, ",");
	j_count(sb, "total", g->total, g->total_hidden);
	sb_add(sb, ",");
	j_count(sb, "in_service", g->in, !g->split_known);
	sb_add(sb, ",");
	j_count(sb, "out_of_service", g->out, !g->split_known);
	sb_add(sb, ",");
	j_pct(sb, "in_service_percent", g->has_pct, (int64_t)g->pct_in,
	      ANN_DECIMALS);
	sb_add(sb, ",");
	j_pct(sb, "out_of_service_percent", g->has_pct, (int64_t)g->pct_out,
	      ANN_DECIMALS);
	sb_add(sb, ",");
	j_str(sb, "text", text.buf);
	sb_add(sb, ",\"cells\":[");
	for (int d = 0; d < 7; d++)
		for (int h = 0; h < 24; h++) {
			sb_addf(sb, "%s\n {\"weekday\":%d,\"hour\":%d,",
			        d + h > 0 ? "," : "", d + 1, h);
			j_count(sb, "count", g->n[d][h], g->hidden[d][h]);
			sb_addf(sb, ",\"suppressed\":%s,\"service\":%s}",
			        g->hidden[d][h] ? "true" : "false",
			        a->hours.on[d][h] ? "true" : "false");
		}
	sb_add(sb, "]}");
	sb_free(&text);
}

/* "population_source" and "budget": null when not set; amounts in
 * cents, shares with two decimals */
static void
j_facts(struct strbuf *sb, const struct annual *a)
{
	const struct ann_facts *f = &a->facts;
	struct strbuf t = {0};

	sb_add(sb, ",\n\"populations\":");
	if (!f->populations)
		sb_add(sb, "null");
	else {
		sb_addf(sb, "{\"departments\":%u,", f->nrated);
		j_str(sb, "source", f->source);
		sb_add(sb, ",");
		words_rate(&t, a);
		j_str(sb, "text", t.len > 0 ? t.buf : NULL);
		sb_add(sb, "}");
	}
	sb_add(sb, ",\n\"budget\":");
	if (!f->budget) {
		sb_add(sb, "null");
		sb_free(&t);
		return;
	}
	sb_addf(sb, "{\"total_cents\":%llu,\"per_consultation_cents\":",
	        (unsigned long long)f->budget_cents);
	if (f->has_per)
		sb_addf(sb, "%llu", (unsigned long long)f->per_cents);
	else
		sb_add(sb, "null");
	sb_add(sb, ",\"funders\":[");
	for (size_t i = 0; i < f->nfunders; i++) {
		const struct ann_funder *fu = &f->funders[i];

		sb_add(sb, i > 0 ? ",{" : "{");
		j_str(sb, "name", fu->name);
		sb_addf(sb, ",\"cents\":%llu,", (unsigned long long)fu->cents);
		j_pct(sb, "percent", true, (int64_t)fu->pct, 2);
		sb_add(sb, ",\"per_consultation_cents\":");
		if (fu->has_per)
			sb_addf(sb, "%llu}", (unsigned long long)fu->per_cents);
		else
			sb_add(sb, "null}");
	}
	sb_reset(&t);
	words_budget(&t, a);
	sb_add(sb, "],");
	j_str(sb, "text", t.buf);
	sb_add(sb, "}");
	sb_free(&t);
}

static void
j_duration(struct strbuf *sb, const struct annual *a)
{
	const struct ann_duration *d = &a->duration;

	sb_addf(sb, ",\n\"duration\":{\"suppressed\":%s",
	        d->hidden ? "true" : "false");
	if (d->shown)
		sb_addf(sb,
		        ",\"count\":%llu,\"sum_s\":%llu,\"mean_s\":%llu,"
		        "\"median_s\":%llu,\"median_low_s\":%u,"
		        "\"median_high_s\":%u",
		        (unsigned long long)d->count,
		        (unsigned long long)d->sum_s,
		        (unsigned long long)d->mean_s,
		        (unsigned long long)d->median_s, d->median_low_s,
		        d->median_high_s);
	sb_add(sb, "}");
}

void
annual_json(struct strbuf *sb, const struct annual *a)
{
	struct strbuf text = {0};

	words_consultations(&text, a);
	sb_addf(sb, "{\"report\":\"annual\",\"year\":%d,\"lang\":\"%s\"",
	        a->year, words_lang());
	/* the last day counted: up to today when the year is not over */
	sb_addf(sb, ",\"to_date\":%s,\"last_day\":\"%04d-%02d-%02d\"",
	        a->to_date ? "true" : "false", a->year % 10000, a->last_m,
	        a->last_d);
	sb_addf(sb, ",\n\"disclosure\":{\"min_cell\":%u,\"suppressed\":%u",
	        a->min_cell, a->suppressed);
	if (a->perturbed)
		sb_addf(sb, ",\"perturbed\":true,\"max_noise\":%u",
		        a->max_noise);
	sb_add(sb, "}");
	sb_add(sb, ",\n\"consultations\":{");
	j_count(sb, "count", a->consultations, a->consultations_hidden);
	sb_addf(sb, ",\"previous_year\":%d,", a->year - 1);
	j_count(sb, "previous", a->previous, a->previous_hidden);
	sb_add(sb, ",");
	if (a->has_change)
		sb_addf(sb, "\"change\":%lld,", (long long)a->change);
	else
		sb_add(sb, "\"change\":null,");
	j_pct(sb, "change_percent", a->has_change_pct, a->change_pct,
	      ANN_DECIMALS);
	sb_add(sb, ",");
	j_str(sb, "text", text.buf);
	sb_add(sb, "}");
	j_breakdown(sb, "other_calls", a, &a->other);
	j_breakdown(sb, "departments", a, &a->departments);
	j_focus(sb, a);
	j_breakdown(sb, "caller", a, &a->caller);
	j_breakdown(sb, "pro_kind", a, &a->pro_kind);
	j_breakdown(sb, "pro_sector", a, &a->pro_sector);
	j_breakdown(sb, "household", a, &a->household);
	j_breakdown(sb, "origin", a, &a->origin);
	j_breakdown(sb, "topic", a, &a->topic);
	j_breakdown(sb, "months", a, &a->months);
	j_grid(sb, a);
	j_duration(sb, a);
	j_breakdown(sb, "jurists", a, &a->jurists);
	j_facts(sb, a);
	sb_add(sb, "\n}\n");
	if (a->meta.restated != NULL)
		restate_json(sb, a->meta.restated);
	if (a->meta.restated_focus != NULL)
		restate_json_as(sb, "focus_restatements",
		                a->meta.restated_focus);
	sb_free(&text);
}
