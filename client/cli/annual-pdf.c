/* annual-pdf.c: the annual report as the A4 PDF document an association
 * sends its funders, drawn with cairo and Pango: title block, headline
 * figures in the funder's order, the map, the détail tables, restatements
 * and notes, with page numbers and a footer. Text is measured with Pango
 * and wrapped or ellipsized so that no label leaves its place. The
 * document is laid out twice: once to count the pages, once to draw. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "annual-map.h"
#include "annual-measure.h"
#include "annual.h"

#define PAGE_W   595.276 /* A4 in points */
#define PAGE_H   841.890
#define MARGIN_X 56.0
#define MARGIN_T 50.0
#define MARGIN_B 64.0
#define CONTENT  (PAGE_W - 2 * MARGIN_X)

#define INK    0x111111
#define SOFT   0x555555
#define ACCENT 0x08519c
#define BAR    0x3182bd
#define RULE   0xbbbbbb
#define STRIPE 0xf2f5fa
#define HOURS  0xd97706

struct pdf {
	cairo_t *cr;
	const struct annual *a;
	double y;       /* the next line's top */
	int page;       /* 1-based, the page being drawn */
	int npages;     /* known on the second pass; 0 on the first */
	bool measuring; /* one endless page: a block's height (block_h) */
	/* 0, or 1: the space between lines, bars and charts tightened, so
	 * that a last page holding a few lines goes on the page before */
	double tight;
};

/* ------------------------------------------------------------- text */

static void
set_rgb(cairo_t *cr, uint32_t c)
{
	cairo_set_source_rgb(cr, ((c >> 16) & 0xff) / 255.0,
	                     ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0);
}

/* A name with hyphens (Seine-Saint-Denis) is not broken at them when it
 * fits the width whole: the line wraps between words instead. */
static void
keep_hyphenated(PangoLayout *l, const char *s, double width)
{
	PangoAttrList *attrs = pango_attr_list_new();
	const char *w = s;

	while (*w != '\0') {
		size_t len = strcspn(w, " \n");

		if (len > 0 && memchr(w, '-', len) != NULL) {
			PangoLayout *m = pango_layout_copy(l);
			int mw, mh;

			pango_layout_set_width(m, -1);
			pango_layout_set_text(m, w, (int)len);
			pango_layout_get_size(m, &mw, &mh);
			g_object_unref(m);
			if (mw <= width * PANGO_SCALE) {
				PangoAttribute *a =
				        pango_attr_allow_breaks_new(FALSE);

				a->start_index = (guint)(w - s);
				a->end_index = (guint)(w - s + len);
				pango_attr_list_insert(attrs, a);
			}
		}
		w += len;
		w += *w != '\0';
	}
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
}

/* A layout of text in width points (0: no wrapping), at most maxlines
 * lines (0: no limit; the last line ellipsized). */
static PangoLayout *
text_layout(struct pdf *p, const char *s, double size, bool bold, double width,
            int maxlines)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(ANN_FONT);

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD
	                                           : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		if (maxlines > 0) {
			pango_layout_set_height(l, -maxlines);
			pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		}
	}
	pango_layout_set_text(l, s, -1);
	if (width > 0)
		keep_hyphenated(l, s, width);
	return l;
}

static double
layout_h(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double
layout_w(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

static double
text_w(struct pdf *p, const char *s, double size, bool bold)
{
	PangoLayout *l = text_layout(p, s, size, bold, 0, 0);
	double w = layout_w(l);

	g_object_unref(l);
	return w;
}

/* Draws at (x, y) top-left; align -1 left, 0 centre, 1 right of x (for a
 * width-less layout). Returns the height. */
static double
draw_text(struct pdf *p, double x, double y, const char *s, double size,
          bool bold, uint32_t colour, double width, int maxlines, int align)
{
	PangoLayout *l = text_layout(p, s, size, bold, width, maxlines);
	double h = layout_h(l);

	if (width <= 0 && align >= 0)
		x -= align == 0 ? layout_w(l) / 2 : layout_w(l);
	set_rgb(p->cr, colour);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	return h;
}

/* ----------------------------------------------------------- pages */

static void
page_footer(struct pdf *p)
{
	const struct annual *a = p->a;
	struct strbuf left = {0}, right = {0};
	double y = PAGE_H - MARGIN_B + 22;

	cairo_set_line_width(p->cr, 0.5);
	set_rgb(p->cr, RULE);
	cairo_move_to(p->cr, MARGIN_X, y - 6);
	cairo_line_to(p->cr, PAGE_W - MARGIN_X, y - 6);
	cairo_stroke(p->cr);
	/* the report first: a long service name is what gets shortened */
	sb_addf(&left, "%s %d", words_title("report"), a->year);
	if (a->meta.service != NULL)
		sb_addf(&left, " — %s", a->meta.service);
	if (p->npages > 0)
		sb_addf(&right,
		        words_french() ? "page %d sur %d" : "page %d of %d",
		        p->page, p->npages);
	else
		sb_addf(&right, "page %d", p->page);
	draw_text(p, MARGIN_X, y, left.buf, 8, false, SOFT, CONTENT - 90, 1,
	          -1);
	draw_text(p, PAGE_W - MARGIN_X, y, right.buf, 8, false, SOFT, 0, 0, 1);
	sb_free(&left);
	sb_free(&right);
}

static void
page_next(struct pdf *p)
{
	page_footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN_T;
}

/* Starts a new page unless h points fit on this one. */
static void
need(struct pdf *p, double h)
{
	if (!p->measuring && p->y + h > PAGE_H - MARGIN_B && p->y > MARGIN_T)
		page_next(p);
}

/* What a section draws after its heading. */
typedef void block_fn(struct pdf *p, const void *arg);

/* The height block would take, drawn on one endless page (on a recording
 * surface: nothing reaches the document). */
static double
block_h(const struct pdf *p, block_fn *fn, const void *arg)
{
	cairo_surface_t *s =
	        cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	struct pdf m = *p;
	double h;

	m.cr = cairo_create(s);
	m.measuring = true;
	m.y = 0;
	fn(&m, arg);
	h = m.y;
	cairo_destroy(m.cr);
	cairo_surface_destroy(s);
	return h;
}

static void
para(struct pdf *p, const char *s, double size, bool bold, uint32_t colour)
{
	PangoLayout *l = text_layout(p, s, size, bold, CONTENT, 0);
	double h = layout_h(l);

	g_object_unref(l);
	need(p, h);
	p->y += draw_text(p, MARGIN_X, p->y, s, size, bold, colour, CONTENT, 0,
	                  -1);
	p->y += size * (0.5 - 0.25 * p->tight);
}

#define HEADING_H 32.0 /* a heading: space above, text, rule */
#define PAGE_ROOM (PAGE_H - MARGIN_B - MARGIN_T)

static void
heading_draw(struct pdf *p, const char *s)
{
	p->y += 10 - 4 * p->tight;
	p->y += draw_text(p, MARGIN_X, p->y, s, 13, true, ACCENT, CONTENT, 0,
	                  -1);
	cairo_set_line_width(p->cr, 0.8);
	set_rgb(p->cr, ACCENT);
	cairo_move_to(p->cr, MARGIN_X, p->y + 2);
	cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y + 2);
	cairo_stroke(p->cr);
	p->y += 8;
}

/* A section: its heading, then body. The heading is never left alone at
 * the foot of a page: it goes to the next page with the whole body when
 * the body fits on one page (a chart, a short text: never split), or
 * with its first keep points (a long table: its base, header and first
 * rows) when it does not. */
static void
section(struct pdf *p, const char *title, block_fn *body, const void *arg,
        double keep)
{
	double h = block_h(p, body, arg);

	need(p, HEADING_H + (HEADING_H + h <= PAGE_ROOM ? h : keep));
	heading_draw(p, title);
	body(p, arg);
}

static void
base_line(struct pdf *p, const struct ann_breakdown *b)
{
	struct strbuf t = {0};

	words_base(&t, p->a, b);
	/* "of 682 calls" reads as a caption: "Shares of 682 calls" */
	para(p, t.buf, 8.5, false, SOFT);
	sb_free(&t);
}

/* ------------------------------------------------------- the charts */

#define BAR_LABEL_W 190.0
#define BAR_ROW_MIN 15.0

/* Horizontal bars, a row per item: the label wrapped in its column (two
 * lines at most, then ellipsized), the bar, the count and share after it.
 * Bars are scaled so that the longest one leaves room for its figures. */
static void
bars(struct pdf *p, const struct ann_breakdown *b, size_t max)
{
	size_t n = b->n < max ? b->n : max;
	uint64_t top = 0;
	double value_w = 0, area;

	for (size_t i = 0; i < n; i++) {
		struct words_row w;
		struct strbuf v = {0};

		if (!b->items[i].hidden && b->items[i].n > top)
			top = b->items[i].n;
		words_row(&w, b, &b->items[i]);
		words_bar_value(&v, &w);
		value_w = fmax(value_w, text_w(p, v.buf, 8.5, false));
		sb_free(&v);
		words_row_free(&w);
	}
	area = CONTENT - BAR_LABEL_W - 12 - value_w - 8;
	for (size_t i = 0; i < n; i++) {
		const struct ann_item *it = &b->items[i];
		struct words_row w;
		struct strbuf v = {0};
		PangoLayout *l;
		double h, len;

		words_row(&w, b, it);
		l = text_layout(p, w.item.buf, 8.5, false, BAR_LABEL_W, 2);
		h = fmax(layout_h(l), BAR_ROW_MIN - 2 * p->tight) + 3 -
		    p->tight;
		g_object_unref(l);
		need(p, h);
		draw_text(p, MARGIN_X, p->y + 1, w.item.buf, 8.5, false, INK,
		          BAR_LABEL_W, 2, -1);
		len = top > 0 && !it->hidden
		              ? area * (double)it->n / (double)top
		              : 0;
		set_rgb(p->cr, BAR);
		cairo_rectangle(p->cr, MARGIN_X + BAR_LABEL_W + 8, p->y + 2,
		                len, 10);
		cairo_fill(p->cr);
		words_bar_value(&v, &w);
		draw_text(p, MARGIN_X + BAR_LABEL_W + 8 + len + 6, p->y + 1,
		          v.buf, 8.5, it->hidden, INK, 0, 0, -1);
		p->y += h;
		sb_free(&v);
		words_row_free(&w);
	}
	if (b->n > n) {
		struct strbuf t = {0};

		sb_addf(&t,
		        words_french() ? "… et %zu autres (tableau en annexe)"
		                       : "… and %zu more (table below)",
		        b->n - n);
		draw_text(p, MARGIN_X, p->y, t.buf, 8, false, SOFT, CONTENT, 0,
		          -1);
		p->y += 12;
		sb_free(&t);
	}
	p->y += 6;
}

struct chart {
	const struct ann_breakdown *b;
	size_t max; /* bars drawn, the rest said in a line */
};

static void
breakdown_body(struct pdf *p, const void *arg)
{
	const struct chart *c = arg;

	if (!c->b->shown) {
		para(p, words_withheld(c->b), 9, false, INK);
		return;
	}
	base_line(p, c->b);
	if (c->b->n == 0)
		para(p, words_title("none_calls"), 9, false, INK);
	else
		bars(p, c->b, c->max);
}

/* A breakdown as a bar chart under its heading, never split. */
static void
breakdown(struct pdf *p, const struct ann_breakdown *b, size_t max)
{
	struct chart c = {b, max};

	section(p, words_title(b->dim), breakdown_body, &c, 50);
}

#define TABLE_ROW_H 12.5

/* A table of a breakdown, in two side-by-side columns when long (one,
 * wider, when it has rates per inhabitant). It is split only after its
 * first 3 rows; on a new page, its title "(continued)" and its header
 * come again. */
static void
table(struct pdf *p, const struct ann_breakdown *b, const char *title)
{
	bool ranked = strcmp(b->dim, "department") == 0;
	bool rated = ranked && p->a->facts.populations;
	int ncols = rated ? 1 : 2;
	const double row_h = TABLE_ROW_H, gap = 16;
	double col_w = (CONTENT - gap * (ncols - 1)) / ncols;
	/* narrow figure columns (their headers may reach left over the
	 * item's, empty on the header row): room for the names */
	double rank_w = ranked ? 24 : 0, count_w = 36, share_w = 46;
	/* the rate columns as wide as their headers, measured */
	double rate_w =
	        rated ? text_w(p, words_title("per_100k"), 8, true) + 14 : 0;
	double rrank_w =
	        rated ? text_w(p, words_title("rate_rank"), 8, true) + 14 : 0;
	double item_w =
	        col_w - rank_w - count_w - share_w - rate_w - rrank_w - 8;
	size_t per_col, i = 0;
	struct strbuf t = {0}, rr = {0};

	while (i < b->n) {
		double avail =
		        p->measuring ? 1e9 : PAGE_H - MARGIN_B - p->y - row_h;

		if (avail < 4 * row_h) {
			page_next(p);
			sb_reset(&t);
			sb_addf(&t, "%s %s", title,
			        words_french() ? "(suite)" : "(continued)");
			p->y += draw_text(p, MARGIN_X, p->y, t.buf, 9, true,
			                  SOFT, CONTENT, 1, -1) +
			        4;
			continue;
		}
		per_col = (size_t)(avail / row_h);
		if ((b->n - i + ncols - 1) / ncols < per_col)
			per_col = (b->n - i + ncols - 1) / ncols;
		if (per_col == 0)
			per_col = 1;
		for (int c = 0; c < ncols && i < b->n; c++) {
			double x = MARGIN_X + c * (col_w + gap), y = p->y;
			double count_x = x + rank_w + item_w + count_w + 4;
			double share_x = count_x + share_w;

			draw_text(p, count_x, y, words_count_title(b), 8, true,
			          SOFT, 0, 0, 1);
			draw_text(p, share_x, y, words_title("share"), 8, true,
			          SOFT, 0, 0, 1);
			if (rated) {
				draw_text(p, share_x + rate_w, y,
				          words_title("per_100k"), 8, true,
				          SOFT, 0, 0, 1);
				draw_text(p, share_x + rate_w + rrank_w, y,
				          words_title("rate_rank"), 8, true,
				          SOFT, 0, 0, 1);
			}
			if (ranked) /* from the margin: wider than ranks */
				draw_text(p, x, y, words_title("rank"), 8, true,
				          SOFT, 0, 0, -1);
			draw_text(p, x + rank_w, y, words_item_title(b), 8,
			          true, SOFT, item_w, 1, -1);
			y += row_h;
			for (size_t r = 0; r < per_col && i < b->n; r++, i++) {
				const struct ann_item *it = &b->items[i];
				struct words_row w;

				words_row(&w, b, it);
				if (r % 2 == 0) {
					set_rgb(p->cr, STRIPE);
					cairo_rectangle(p->cr, x, y - 1, col_w,
					                row_h);
					cairo_fill(p->cr);
				}
				if (ranked)
					draw_text(p, x + rank_w - 6, y,
					          w.rank.buf, 8, false, INK, 0,
					          0, 1);
				/* a long name a size smaller rather than
				 * cut: "Alpes-de-Haute-Provence (04)" */
				draw_text(p, x + rank_w, y, w.item.buf,
				          text_w(p, w.item.buf, 8, false) >
				                          item_w
				                  ? 7
				                  : 8,
				          false, INK, item_w, 1, -1);
				draw_text(p, count_x, y, w.count.buf, 8, false,
				          INK, 0, 0, 1);
				draw_text(p, share_x, y, w.share.buf, 8, false,
				          INK, 0, 0, 1);
				if (rated) {
					words_rate_cells(&t, &rr, it);
					draw_text(p, share_x + rate_w, y, t.buf,
					          8, false, INK, 0, 0, 1);
					draw_text(p, share_x + rate_w + rrank_w,
					          y, rr.buf, 8, false, INK, 0,
					          0, 1);
				}
				y += row_h;
				words_row_free(&w);
			}
		}
		p->y += (double)(per_col + 1) * row_h + 6;
	}
	sb_free(&t);
	sb_free(&rr);
}

/* The months as vertical bars, their counts above. */
static void
months_body(struct pdf *p, const void *arg)
{
	const struct ann_breakdown *b = &p->a->months;
	const double h = 120 - 40 * p->tight, label_h = 14, value_h = 12;
	double colw = CONTENT / 12, top = 0;

	(void)arg;
	if (!b->shown || b->n == 0) {
		para(p,
		     b->shown ? words_title("none_calls") : words_withheld(b),
		     9, false, INK);
		return;
	}
	base_line(p, b);
	need(p, h + label_h + value_h);
	for (size_t i = 0; i < b->n; i++)
		if (!b->items[i].hidden && (double)b->items[i].n > top)
			top = (double)b->items[i].n;
	for (size_t i = 0; i < b->n && i < 12; i++) {
		const struct ann_item *it = &b->items[i];
		struct strbuf v = {0}, m = {0};
		double x = MARGIN_X + colw * (double)i, bh;

		bh = top > 0 && !it->hidden ? h * (double)it->n / top : 0;
		set_rgb(p->cr, BAR);
		cairo_rectangle(p->cr, x + colw * 0.18, p->y + value_h + h - bh,
		                colw * 0.64, bh);
		cairo_fill(p->cr);
		if (it->hidden)
			sb_add(&v, words_hidden());
		else
			words_count(&v, it->n);
		draw_text(p, x + colw / 2, p->y + value_h + h - bh - value_h,
		          v.buf, 7.5, false, INK, 0, 0, 0);
		/* "janv." fits a twelfth of the page; the full name may not */
		sb_add(&m, words_month_short((int)i + 1));
		draw_text(p, x + colw / 2, p->y + value_h + h + 3, m.buf, 7.5,
		          false, INK, 0, 0, 0);
		sb_free(&v);
		sb_free(&m);
	}
	set_rgb(p->cr, RULE);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, MARGIN_X, p->y + value_h + h + 0.5);
	cairo_line_to(p->cr, PAGE_W - MARGIN_X, p->y + value_h + h + 0.5);
	cairo_stroke(p->cr);
	p->y += value_h + h + label_h + 8;
}

static void
months(struct pdf *p)
{
	section(p, words_title("month"), months_body, NULL, 0);
}

/* "08:00–09:00", "8 h–9 h": the hour row's label */
static void
hour_label(struct strbuf *sb, int h)
{
	sb_addf(sb,
	        words_french() ? "%d" NBSP "h–%d" NBSP "h" : "%02d:00–%02d:00",
	        h, h + 1);
}

/* The weekday x hour table: counts in cells shaded by size (a zero shown
 * as 0, as the text report does), service hours framed. */
static void
grid_body(struct pdf *p, const void *arg)
{
	const struct annual *a = p->a;
	const struct ann_grid *g = &a->grid;
	int first, last;
	const double row_h = 14 - 2 * p->tight;
	double cell_w, head_w = 0;
	struct strbuf t = {0};

	words_grid_hours(a, &first, &last);
	/* the hour column as wide as its widest label, measured */
	for (int h = first; h <= last; h++) {
		double w;

		sb_reset(&t);
		hour_label(&t, h);
		w = measure_width(t.buf, 7.5, false) + 4;
		head_w = w > head_w ? w : head_w;
	}
	(void)arg;
	if (first > last) {
		para(p, words_title("none_calls"), 9, false, INK);
		return;
	}
	/* hours down, weekdays across: as the text report */
	cell_w = (CONTENT - head_w) / 7;
	need(p, row_h * (last - first + 2));
	for (int d = 0; d < 7; d++)
		draw_text(p, MARGIN_X + head_w + cell_w * (d + 0.5), p->y,
		          words_weekday(d), 8, true, SOFT, 0, 0, 0);
	p->y += row_h;
	for (int h = first; h <= last; h++) {
		need(p, row_h);
		sb_reset(&t);
		hour_label(&t, h);
		draw_text(p, MARGIN_X, p->y + 2, t.buf, 7.5, false, INK, 0, 0,
		          -1);
		for (int d = 0; d < 7; d++) {
			double x = MARGIN_X + head_w + cell_w * d;
			double v = g->max > 0 && !g->hidden[d][h]
			                   ? (double)g->n[d][h] / (double)g->max
			                   : 0;
			uint32_t ink = v > 0.55 ? 0xffffff : INK;

			cairo_set_source_rgb(p->cr, 1 - v * (1 - 0x08 / 255.0),
			                     1 - v * (1 - 0x51 / 255.0),
			                     1 - v * (1 - 0x9c / 255.0));
			if (g->hidden[d][h])
				set_rgb(p->cr, 0xd4d4d4);
			cairo_rectangle(p->cr, x + 1, p->y, cell_w - 2,
			                row_h - 1);
			cairo_fill(p->cr);
			if (a->hours.on[d][h]) {
				set_rgb(p->cr, HOURS);
				cairo_set_line_width(p->cr, 1.2);
				cairo_rectangle(p->cr, x + 1.6, p->y + 0.6,
				                cell_w - 3.2, row_h - 2.2);
				cairo_stroke(p->cr);
			}
			sb_reset(&t);
			if (g->hidden[d][h])
				sb_add(&t, words_hidden());
			else
				words_count(&t, g->n[d][h]);
			if (t.len > 0)
				draw_text(p, x + cell_w / 2, p->y + 2, t.buf,
				          7.5, false, ink, 0, 0, 0);
		}
		p->y += row_h;
	}
	p->y += 6;
	need(p, 14);
	set_rgb(p->cr, HOURS);
	cairo_set_line_width(p->cr, 1.2);
	cairo_rectangle(p->cr, MARGIN_X + 0.6, p->y + 1.6, 14, 9);
	cairo_stroke(p->cr);
	draw_text(p, MARGIN_X + 20, p->y, words_title("service_legend"), 8,
	          false, INK, CONTENT - 20, 1, -1);
	p->y += 14;
	sb_reset(&t);
	words_service_line(&t, a);
	para(p, t.buf, 9, false, INK);
	sb_free(&t);
}

/* The weekday x hour table, never split (24 rows at most fit a page). */
static void
grid(struct pdf *p)
{
	section(p, words_title("weekday_hour"), grid_body, NULL, 0);
}

/* ------------------------------------------------------ the map pen */

struct cairo_pen {
	struct pdf *p;
	double x, y, s; /* figure units to page points */
};

static void
pen_fill(cairo_t *cr, int cls)
{
	set_rgb(cr, map_colour(cls));
}

/* Hatches the current path (consumed) over the box x0 y0 x1 y1: what
 * disclosure control hides. */
static void
pen_hatch(cairo_t *cr, double x0, double y0, double x1, double y1)
{
	cairo_save(cr);
	cairo_clip(cr);
	cairo_new_path(cr);
	set_rgb(cr, 0x777777);
	cairo_set_line_width(cr, 0.5);
	for (double d = -(y1 - y0); d < x1 - x0; d += 3) {
		cairo_move_to(cr, x0 + d, y1);
		cairo_line_to(cr, x0 + d + (y1 - y0), y0);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

static void
shape_path(struct cairo_pen *cp, const struct map_geo *g, double scale,
           double dx, double dy)
{
	cairo_t *cr = cp->p->cr;

	cairo_new_path(cr);
	for (size_t r = 0; r < g->nrings; r++) {
		const struct map_ring *ring = &g->rings[r];

		for (size_t i = 0; i < ring->n; i++) {
			double x =
			        cp->x + cp->s * (ring->xy[2 * i] * scale + dx);
			double y = cp->y +
			           cp->s * (ring->xy[2 * i + 1] * scale + dy);

			if (i == 0)
				cairo_move_to(cr, x, y);
			else
				cairo_line_to(cr, x, y);
		}
		cairo_close_path(cr);
	}
}

static void
cairo_shape(void *ctx, const struct map_geo *g, double scale, double dx,
            double dy, int cls)
{
	struct cairo_pen *cp = ctx;
	cairo_t *cr = cp->p->cr;

	shape_path(cp, g, scale, dx, dy);
	pen_fill(cr, cls);
	cairo_fill_preserve(cr);
	if (cls == MAP_HIDDEN) {
		pen_hatch(cr, cp->x + cp->s * (g->x0 * scale + dx),
		          cp->y + cp->s * (g->y0 * scale + dy),
		          cp->x + cp->s * (g->x1 * scale + dx),
		          cp->y + cp->s * (g->y1 * scale + dy));
		shape_path(cp, g, scale, dx, dy);
	}
	set_rgb(cr, 0x777777);
	cairo_set_line_width(cr, 0.3);
	cairo_stroke(cr);
}

static void
cairo_box(void *ctx, double x, double y, double w, double h, int cls)
{
	struct cairo_pen *cp = ctx;
	cairo_t *cr = cp->p->cr;
	double X = cp->x + cp->s * x, Y = cp->y + cp->s * y;

	cairo_new_path(cr);
	cairo_rectangle(cr, X, Y, cp->s * w, cp->s * h);
	if (cls < 0) {
		set_rgb(cr, 0x777777);
		cairo_set_line_width(cr, 0.5);
		cairo_stroke(cr);
		return;
	}
	pen_fill(cr, cls);
	cairo_fill_preserve(cr);
	if (cls == MAP_HIDDEN)
		pen_hatch(cr, X, Y, X + cp->s * w, Y + cp->s * h);
	cairo_new_path(cr);
}

static void
cairo_text(void *ctx, double x, double y, double size, int anchor, bool bold,
           uint32_t colour, const char *s)
{
	struct cairo_pen *cp = ctx;
	PangoLayout *l = text_layout(cp->p, s, size * cp->s, bold, 0, 0);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
	double X = cp->x + cp->s * x, w = layout_w(l);

	pango_layout_iter_free(it);
	X -= anchor < 0 ? 0 : anchor == 0 ? w / 2 : w;
	set_rgb(cp->p->cr, colour);
	cairo_move_to(cp->p->cr, X, cp->y + cp->s * y - base);
	pango_cairo_show_layout(cp->p->cr, l);
	g_object_unref(l);
}

static void
cairo_clip_to(void *ctx, const double *rect)
{
	struct cairo_pen *cp = ctx;
	cairo_t *cr = cp->p->cr;

	if (rect == NULL) {
		cairo_restore(cr);
		return;
	}
	cairo_save(cr);
	cairo_new_path(cr);
	cairo_rectangle(cr, cp->x + cp->s * rect[0], cp->y + cp->s * rect[1],
	                cp->s * rect[2], cp->s * rect[3]);
	cairo_clip(cr);
}

static void
map_body(struct pdf *p, const void *arg)
{
	struct cairo_pen cp = {.p = p, .x = MARGIN_X, .s = CONTENT / MAP_W};
	struct map_pen pen = {&cp, cairo_shape, cairo_box, cairo_text,
	                      cairo_clip_to};
	struct map_geos m;
	double h = MAP_H * cp.s;

	(void)arg;
	if (!p->measuring) {
		cp.y = p->y;
		map_geos_load(&m);
		map_draw(p->a, &m, &pen);
		map_geos_free(&m);
	}
	p->y += h + 8;
}

static void
map(struct pdf *p)
{
	section(p, words_title("map"), map_body, NULL, 0);
}

/* -------------------------------------------------------- the blocks */

static void
title_block(struct pdf *p)
{
	const struct annual *a = p->a;
	struct strbuf t = {0};

	if (a->meta.service != NULL) {
		/* a long name a size smaller, on three lines, rather than
		 * cut */
		PangoLayout *l =
		        text_layout(p, a->meta.service, 20, true, CONTENT, 0);
		bool long_name = pango_layout_get_line_count(l) > 2;

		g_object_unref(l);
		p->y += draw_text(p, MARGIN_X, p->y, a->meta.service,
		                  long_name ? 15 : 20, true, ACCENT, CONTENT,
		                  long_name ? 3 : 2, -1);
	}
	if (a->meta.address != NULL)
		p->y += draw_text(p, MARGIN_X, p->y + 2, a->meta.address, 9.5,
		                  false, SOFT, CONTENT, 3, -1) +
		        2;
	p->y += 16;
	sb_addf(&t, "%s %d", words_title("report"), a->year);
	p->y += draw_text(p, MARGIN_X, p->y, t.buf, 17, true, INK, CONTENT, 2,
	                  -1);
	p->y += 4;
	sb_reset(&t);
	sb_add(&t, words_french() ? "Période : " : "Period: ");
	words_period(&t, a);
	sb_add(&t, "\n");
	words_issued(&t, a);
	sb_add(&t, words_french() ? "\nPermanence téléphonique : "
	                          : "\nTelephone service: ");
	words_hours(&t, &a->hours);
	p->y += draw_text(p, MARGIN_X, p->y, t.buf, 9.5, false, INK, CONTENT, 0,
	                  -1);
	p->y += 10;
	set_rgb(p->cr, ACCENT);
	cairo_rectangle(p->cr, MARGIN_X, p->y, CONTENT, 1.5);
	cairo_fill(p->cr);
	p->y += 12;
	sb_free(&t);
}

/* A tile's words: 8 points, smaller when they would take more than its
 * three lines (a long name, never broken inside). */
static double
tile_size(struct pdf *p, const char *s, double width)
{
	double size = 8;

	for (; size > 6; size -= 0.5) {
		PangoLayout *l = text_layout(p, s, size, false, width, 0);
		int lines = pango_layout_get_line_count(l);

		g_object_unref(l);
		if (lines <= 3)
			break;
	}
	return size;
}

/* The key figures in tiles: consultations and their change; the focus's
 * count, share and rank. */
static void
tiles(struct pdf *p)
{
	const struct annual *a = p->a;
	struct strbuf big[ANN_TILES] = {{0}}, small[ANN_TILES] = {{0}};
	int n;
	const double h = 62, gap = 10;
	double w;

	n = (int)words_tiles(a, big, small);
	need(p, h + 8);
	w = (CONTENT - gap * (n - 1)) / n;
	for (int i = 0; i < n; i++) {
		double x = MARGIN_X + (w + gap) * i;

		set_rgb(p->cr, STRIPE);
		cairo_rectangle(p->cr, x, p->y, w, h);
		cairo_fill(p->cr);
		set_rgb(p->cr, ACCENT);
		cairo_rectangle(p->cr, x, p->y, 3, h);
		cairo_fill(p->cr);
		draw_text(p, x + 12, p->y + 6, big[i].buf, 20, true, ACCENT,
		          w - 18, 1, -1);
		draw_text(p, x + 12, p->y + 33, small[i].buf,
		          tile_size(p, small[i].buf, w - 18), false, INK,
		          w - 18, 3, -1);
		sb_free(&big[i]);
		sb_free(&small[i]);
	}
	p->y += h + 12;
}

static void
headline(struct pdf *p)
{
	const struct annual *a = p->a;
	struct strbuf t = {0};

	tiles(p);
	words_consultations(&t, a);
	para(p, t.buf, 10, false, INK);
	if (a->focus.given) {
		sb_reset(&t);
		words_focus(&t, a);
		para(p, t.buf, 10, true, INK);
	}
	sb_reset(&t);
	words_rate(&t, a);
	if (t.len > 0)
		para(p, t.buf, 10, false, INK);
	sb_free(&t);
}

/* The cost per consultation and each funder's share, when the year's
 * budget was set. */
static void
budget_body(struct pdf *p, const void *arg)
{
	const struct annual *a = p->a;
	struct strbuf t = {0};

	(void)arg;
	words_budget(&t, a);
	para(p, t.buf, 9.5, false, INK);
	for (size_t i = 0; i < a->facts.nfunders; i++) {
		sb_reset(&t);
		sb_add(&t, "• ");
		words_funder(&t, a, &a->facts.funders[i]);
		para(p, t.buf, 9.5, false, INK);
	}
	sb_free(&t);
}

static void
budget(struct pdf *p)
{
	if (p->a->facts.budget)
		section(p, words_title("budget"), budget_body, NULL, 40);
}

static void
restatements_body(struct pdf *p, const void *arg)
{
	struct strbuf t = {0};

	(void)arg;
	para(p, words_restated_lead(p->a), 9, false, SOFT);
	words_restatements(&t, p->a);
	para(p, t.buf, 9, false, INK);
	sb_free(&t);
}

static void
restatements(struct pdf *p)
{
	if (words_restated_shown(p->a))
		section(p, words_title("restated"), restatements_body, NULL,
		        40);
}

static void
notes_body(struct pdf *p, const void *arg)
{
	const struct annual *a = p->a;
	struct strbuf t = {0};

	(void)arg;
	para(p, words_generated(a), 8.5, false, SOFT);
	if (a->min_cell > 1) {
		words_disclosure(&t, a);
		para(p, t.buf, 8.5, false, SOFT);
	}
	sb_free(&t);
}

static void
departments_body(struct pdf *p, const void *arg)
{
	(void)arg;
	base_line(p, &p->a->departments);
	if (p->a->departments.shown)
		table(p, &p->a->departments, words_title("department"));
}

static void
duration_body(struct pdf *p, const void *arg)
{
	struct strbuf t = {0};

	(void)arg;
	words_duration_line(&t, p->a);
	para(p, t.buf, 9.5, false, INK);
	sb_free(&t);
}

static void
document(struct pdf *p)
{
	const struct annual *a = p->a;
	const struct ann_breakdown *splits[] = {&a->caller,     &a->pro_kind,
	                                        &a->pro_sector, &a->household,
	                                        &a->origin,     &a->topic};
	p->page = 1;
	p->y = MARGIN_T;
	title_block(p);
	headline(p);
	map(p);
	for (size_t i = 0; i < nitems(splits); i++)
		breakdown(p, splits[i], 15);
	budget(p);
	/* the base line, the header and 3 rows stay with the heading */
	section(p, words_title("department"), departments_body, NULL,
	        16 + 4 * TABLE_ROW_H);
	months(p);
	grid(p);
	section(p, words_title("duration"), duration_body, NULL, 0);
	breakdown(p, &a->other, 10);
	restatements(p);
	section(p, words_title("notes"), notes_body, NULL, 30);
	page_footer(p);
	cairo_show_page(p->cr);
}

/* --------------------------------------------------------- output */

static cairo_status_t
to_strbuf(void *closure, const unsigned char *data, unsigned int len)
{
	if (closure != NULL)
		sb_addn(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* One pass; returns the number of pages, or -1; *last_y: where the last
 * page's content ends. */
static int
pass(const struct annual *a, struct strbuf *out, int npages, double tight,
     double *last_y, char *err, size_t errlen)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(
	        to_strbuf, out, PAGE_W, PAGE_H);
	struct pdf p = {.a = a, .npages = npages, .tight = tight};
	cairo_status_t st;

	if (out != NULL) {
		struct strbuf title = {0};

		sb_addf(&title, "%s %d", words_title("report"), a->year);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
		                               title.buf);
		if (a->meta.service != NULL)
			cairo_pdf_surface_set_metadata(
			        s, CAIRO_PDF_METADATA_AUTHOR, a->meta.service);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
		                               "callsheet");
		sb_free(&title);
	}
	p.cr = cairo_create(s);
	document(&p);
	*last_y = p.y;
	cairo_destroy(p.cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cairo: %s", cairo_status_to_string(st));
		return -1;
	}
	return p.page;
}

/*
 * Laid out once to count the pages, once to draw them. A last page that
 * holds less than a quarter of a page (the restatements and the notes
 * after a full page) is tried again with tighter spacing: when the whole
 * fits on one page fewer, that layout is drawn. Text sizes and the rules
 * of page breaks (what is never split) stay as they are.
 */
int
annual_pdf(struct strbuf *sb, const struct annual *a, char *err, size_t errlen)
{
	double last_y, tight_y, tight = 0;
	int npages = pass(a, NULL, 0, 0, &last_y, err, errlen), n;

	if (npages < 0)
		return -1;
	if (npages > 1 && last_y - MARGIN_T < PAGE_ROOM / 4) {
		if ((n = pass(a, NULL, 0, 1, &tight_y, err, errlen)) < 0)
			return -1;
		if (n < npages) {
			npages = n;
			tight = 1;
		}
	}
	if (pass(a, sb, npages, tight, &last_y, err, errlen) < 0)
		return -1;
	return 0;
}
