/* annual-md.c: the annual report as Markdown: headings, sentences and
 * pipe tables. */
#include <string.h>

#include "annual.h"

/* Table cells must not break the pipe syntax. */
static void
md_cell(struct strbuf *sb, const char *s)
{
	sb_add(sb, " ");
	for (; *s != '\0'; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_')
			sb_add(sb, "\\");
		sb_addn(sb, s, 1);
	}
	sb_add(sb, " |");
}

static void
md_breakdown(struct strbuf *sb, const struct annual *a,
             const struct ann_breakdown *b)
{
	bool ranked = strcmp(b->dim, "department") == 0;
	bool rated = ranked && a->facts.populations;
	struct strbuf rate = {0}, rrank = {0};

	sb_addf(sb, "\n## %s\n\n", words_title(b->dim));
	if (!b->shown) {
		sb_addf(sb, "%s\n", words_withheld(b));
		return;
	}
	words_base(sb, a, b);
	sb_add(sb, "\n\n");
	if (b->n == 0) {
		sb_addf(sb, "%s\n", words_title("none_calls"));
		return;
	}
	sb_add(sb, "|");
	if (ranked)
		md_cell(sb, words_title("rank"));
	md_cell(sb, words_item_title(b));
	md_cell(sb, words_count_title(b));
	md_cell(sb, words_title("share"));
	if (rated) {
		md_cell(sb, words_title("per_100k"));
		md_cell(sb, words_title("rate_rank"));
	}
	sb_add(sb, ranked ? "\n|---:|:---|---:|---:|" : "\n|:---|---:|---:|");
	sb_add(sb, rated ? "---:|---:|\n" : "\n");
	for (size_t i = 0; i < b->n; i++) {
		struct words_row w;

		words_row(&w, b, &b->items[i]);
		sb_add(sb, "|");
		if (ranked)
			md_cell(sb, w.rank.buf);
		md_cell(sb, w.item.buf);
		md_cell(sb, w.count.buf);
		md_cell(sb, w.share.buf);
		if (rated) {
			words_rate_cells(&rate, &rrank, &b->items[i]);
			md_cell(sb, rate.buf);
			md_cell(sb, rrank.buf);
		}
		sb_add(sb, "\n");
		words_row_free(&w);
	}
	sb_free(&rate);
	sb_free(&rrank);
}

static void
md_grid(struct strbuf *sb, const struct annual *a)
{
	const struct ann_grid *g = &a->grid;
	int first, last;

	sb_addf(sb, "\n## %s\n\n", words_title("weekday_hour"));
	words_grid_hours(a, &first, &last);
	sb_add(sb, "|");
	md_cell(sb, words_title("hour"));
	for (int d = 0; d < 7; d++)
		md_cell(sb, words_weekday(d));
	sb_add(sb, "\n|:---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int h = first; h <= last; h++) {
		sb_addf(sb, "| %02d-%02d |", h, h + 1);
		for (int d = 0; d < 7; d++) {
			const char *b = a->hours.on[d][h] ? "**" : "";

			sb_addf(sb, " %s", b);
			if (g->hidden[d][h])
				sb_add(sb, words_hidden());
			else
				words_count(sb, g->n[d][h]);
			sb_addf(sb, "%s |", b);
		}
		sb_add(sb, "\n");
	}
	sb_addf(sb, "\n**bold**: %s. ", words_title("service_legend"));
	words_service_line(sb, a);
	sb_add(sb, "\n");
}

void
annual_md(struct strbuf *sb, const struct annual *a)
{
	const struct ann_breakdown *splits[] = {&a->caller,     &a->pro_kind,
	                                        &a->pro_sector, &a->household,
	                                        &a->origin,     &a->topic};

	sb_addf(sb, "# %s %d\n\n", words_title("report"), a->year);
	words_consultations(sb, a);
	sb_add(sb, "\n");
	md_breakdown(sb, a, &a->other);
	md_breakdown(sb, a, &a->departments);
	if (a->focus.given) {
		sb_add(sb, "\n**");
		words_focus(sb, a);
		sb_add(sb, "**\n");
		if (a->facts.populations) {
			sb_add(sb, "\n");
			words_rate(sb, a);
			sb_add(sb, "\n");
		}
	}
	for (size_t i = 0; i < nitems(splits); i++)
		md_breakdown(sb, a, splits[i]);
	md_breakdown(sb, a, &a->months);
	md_grid(sb, a);
	sb_addf(sb, "\n## %s\n\n", words_title("duration"));
	words_duration_line(sb, a);
	sb_add(sb, "\n");
	md_breakdown(sb, a, &a->jurists);
	if (a->facts.budget) {
		sb_addf(sb, "\n## %s\n\n", words_title("budget"));
		words_budget(sb, a);
		sb_add(sb, "\n\n");
		for (size_t i = 0; i < a->facts.nfunders; i++) {
			sb_add(sb, "- ");
			words_funder(sb, a, &a->facts.funders[i]);
			sb_add(sb, "\n");
		}
	}
	if (words_restated_shown(a)) {
		struct strbuf t = {0};

		sb_addf(sb, "\n## %s\n\n%s\n\n", words_title("restated"),
		        words_restated_lead(a));
		words_restatements(&t, a);
		/* a list item per period */
		for (const char *l = t.buf, *nl; l != NULL && *l != '\0';
		     l = nl + 1) {
			nl = strchr(l, '\n');
			sb_add(sb, "- ");
			sb_addn(sb, l, (size_t)(nl - l + 1));
		}
		sb_free(&t);
	}
	sb_addf(sb, "\n---\n\n%s\n", words_generated(a));
	if (a->min_cell > 1) {
		sb_add(sb, "\n");
		words_disclosure(sb, a);
		sb_add(sb, "\n");
	}
}
