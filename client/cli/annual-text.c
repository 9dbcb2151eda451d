/* annual-text.c: the annual report as plain text: aligned tables for a
 * terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annual.h"
#include "report-format.h"

#define MAXCOLS 10

/* A table measured then printed: text cells, right-aligned but for the
 * columns flagged left. */
struct ttable {
	char **cell; /* row-major, ncols per row */
	size_t ncols, nrows, cap;
	bool left[MAXCOLS];
};

static void
tt_add(struct ttable *t, const char *const *cells)
{
	if ((t->nrows + 1) * t->ncols > t->cap) {
		t->cap = (t->nrows + 1) * t->ncols * 2;
		t->cell = xreallocarray(t->cell, t->cap, sizeof *t->cell);
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->cell[t->nrows * t->ncols + i] = xstrdup(cells[i]);
	t->nrows++;
}

static void
tt_print(struct strbuf *sb, struct ttable *t)
{
	size_t width[MAXCOLS] = {0};

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = text_width(t->cell[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		size_t start = sb->len;

		sb_add(sb, " ");
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cell[r * t->ncols + c];
			size_t pad = width[c] - text_width(s);

			sb_add(sb, " ");
			if (t->left[c])
				sb_add(sb, s);
			for (; pad > 0; pad--)
				sb_add(sb, " ");
			if (!t->left[c])
				sb_add(sb, s);
		}
		while (sb->len > start && sb->buf[sb->len - 1] == ' ')
			sb->buf[--sb->len] = '\0';
		sb_add(sb, "\n");
	}
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof *t);
}

static void
heading(struct strbuf *sb, const char *title)
{
	size_t w = text_width(title);

	sb_addf(sb, "\n%s\n", title);
	for (size_t i = 0; i < w; i++)
		sb_add(sb, "-");
	sb_add(sb, "\n");
}

static void
breakdown(struct strbuf *sb, const struct annual *a,
          const struct ann_breakdown *b)
{
	struct ttable t = {.ncols = 3};
	struct strbuf base = {0}, rate = {0}, rrank = {0};
	bool ranked = strcmp(b->dim, "department") == 0;
	bool rated = ranked && a->facts.populations;

	heading(sb, words_title(b->dim));
	if (!b->shown) {
		sb_addf(sb, "  %s\n", words_withheld(b));
		return;
	}
	words_base(&base, a, b);
	sb_addf(sb, "  (%s)\n", base.buf);
	sb_free(&base);
	if (b->n == 0) {
		sb_addf(sb, "  %s\n", words_title("none_calls"));
		return;
	}
	if (ranked) {
		t.ncols = rated ? 6 : 4;
		tt_add(&t, (const char *[]){
		                   words_title("rank"), words_item_title(b),
		                   words_count_title(b), words_title("share"),
		                   words_title("per_100k"),
		                   words_title("rate_rank")});
	} else
		tt_add(&t, (const char *[]){words_item_title(b),
		                            words_count_title(b),
		                            words_title("share")});
	t.left[ranked ? 1 : 0] = true;
	for (size_t i = 0; i < b->n; i++) {
		struct words_row w;

		words_row(&w, b, &b->items[i]);
		words_rate_cells(&rate, &rrank, &b->items[i]);
		if (ranked)
			tt_add(&t, (const char *[]){w.rank.buf, w.item.buf,
			                            w.count.buf, w.share.buf,
			                            rate.buf, rrank.buf});
		else
			tt_add(&t, (const char *[]){w.item.buf, w.count.buf,
			                            w.share.buf});
		words_row_free(&w);
	}
	tt_print(sb, &t);
	sb_free(&rate);
	sb_free(&rrank);
}

static void
grid(struct strbuf *sb, const struct annual *a)
{
	const struct ann_grid *g = &a->grid;
	struct ttable t = {.ncols = 8};
	const char *cells[8];
	struct strbuf s[8] = {{0}};
	int first, last;

	heading(sb, words_title("weekday_hour"));
	words_grid_hours(a, &first, &last);
	cells[0] = words_title("hour");
	for (int d = 0; d < 7; d++)
		cells[d + 1] = words_weekday(d);
	tt_add(&t, cells);
	t.left[0] = true;
	for (int h = first; h <= last; h++) {
		for (int c = 0; c < 8; c++)
			sb_reset(&s[c]);
		sb_addf(&s[0], "%02d-%02d", h, h + 1);
		for (int d = 0; d < 7; d++) {
			/* service hours in brackets */
			bool on = a->hours.on[d][h];

			sb_add(&s[d + 1], on ? "[" : "");
			if (g->hidden[d][h])
				sb_add(&s[d + 1], words_hidden());
			else
				words_count(&s[d + 1], g->n[d][h]);
			sb_add(&s[d + 1], on ? "]" : " ");
		}
		for (int c = 0; c < 8; c++)
			cells[c] = s[c].buf;
		tt_add(&t, cells);
	}
	tt_print(sb, &t);
	for (int c = 0; c < 8; c++)
		sb_free(&s[c]);
	sb_add(sb, "  [ ]: ");
	sb_add(sb, words_title("service_legend"));
	sb_add(sb, "\n  ");
	words_service_line(sb, a);
	sb_add(sb, "\n");
}

void
annual_text(struct strbuf *sb, const struct annual *a)
{
	const struct ann_breakdown *splits[] = {&a->caller,     &a->pro_kind,
	                                        &a->pro_sector, &a->household,
	                                        &a->origin,     &a->topic};
	char title[128];

	snprintf(title, sizeof title, "%s %d", words_title("report"), a->year);
	sb_addf(sb, "%s\n", title);
	for (size_t i = 0; i < text_width(title); i++)
		sb_add(sb, "=");
	sb_add(sb, "\n\n");
	words_consultations(sb, a);
	sb_add(sb, "\n");
	breakdown(sb, a, &a->other);
	breakdown(sb, a, &a->departments);
	if (a->focus.given) {
		sb_add(sb, "\n");
		words_focus(sb, a);
		sb_add(sb, "\n");
		if (a->facts.populations) {
			words_rate(sb, a);
			sb_add(sb, "\n");
		}
	}
	for (size_t i = 0; i < nitems(splits); i++)
		breakdown(sb, a, splits[i]);
	breakdown(sb, a, &a->months);
	grid(sb, a);
	heading(sb, words_title("duration"));
	sb_add(sb, "  ");
	words_duration_line(sb, a);
	sb_add(sb, "\n");
	breakdown(sb, a, &a->jurists);
	if (a->facts.budget) {
		heading(sb, words_title("budget"));
		words_budget(sb, a);
		sb_add(sb, "\n");
		for (size_t i = 0; i < a->facts.nfunders; i++) {
			sb_add(sb, "  ");
			words_funder(sb, a, &a->facts.funders[i]);
			sb_add(sb, "\n");
		}
	}
	if (words_restated_shown(a)) {
		heading(sb, words_title("restated"));
		sb_addf(sb, "%s\n", words_restated_lead(a));
		words_restatements(sb, a);
	}
	sb_add(sb, "\n");
	sb_add(sb, words_generated(a));
	sb_add(sb, "\n");
	if (a->min_cell > 1) {
		words_disclosure(sb, a);
		sb_add(sb, "\n");
	}
}
