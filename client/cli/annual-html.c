/* annual-html.c: the annual report as one self-contained HTML file with
 * inline SVG charts (bars for breakdowns, a line for the months, a heat
 * map for weekday x hour); no external resource, printable. The output is
 * well-formed XML as well, so that tools (and the tests) can check it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annual-map.h"
#include "annual-measure.h"
#include "annual.h"

#define BAR_W       640
#define BAR_LABEL_W 250
#define BAR_ROW_H   20
#define BAR_FONT    12 /* px, as svg_open() sets it */
#define BAR_MAX     20 /* items drawn; the table has them all */
#define LINE_W      640
#define LINE_H      240
#define HEAT_CELL   22

static const char style[] =
        "body{font-family:'DejaVu "
        "Sans',sans-serif;color:#111;max-width:60em;margin:2em "
        "auto;padding:0 1em;line-height:1.4}"
        "h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;"
        "border-bottom:1px solid #999}"
        "table{border-collapse:collapse;margin:.5em 0}"
        "th,td{padding:.15em .6em;border-bottom:1px solid #ddd}"
        "td.n{text-align:right;font-variant-numeric:tabular-nums}"
        "p.base{color:#444;font-style:italic}"
        "p.focus{font-weight:bold;font-size:1.1em}"
        "header.title{border-bottom:3px solid #08519c;margin-bottom:1em}"
        "header.title h1{color:#08519c;margin:0}"
        "header.title p.report{font-size:1.4em;font-weight:bold;"
        "margin:.8em 0 .2em}"
        "header.title p.address{color:#555;margin:.2em 0}"
        "p.meta{margin:.2em 0 .8em}"
        "div.tiles{display:flex;gap:.8em;margin:1em 0}"
        "div.tile{flex:1 1 0;min-width:0;background:#f2f5fa;"
        "border-left:4px solid #08519c;padding:.4em .8em;"
        "overflow-wrap:break-word}"
        "div.tile p{margin:.1em 0}"
        "div.tile p.big{font-size:1.9em;font-weight:bold;color:#08519c}"
        "div.tile p.small{font-size:.9em}"

        "svg{display:block;margin:.5em 0;max-width:100%;height:auto}"
        "section{break-inside:avoid;page-break-inside:avoid}"
        "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
        "@media print{body{margin:0;max-width:none}h2{margin-top:1em}}";

/* An escaped paragraph from a words_*() sentence. */
static void
para(struct strbuf *sb, const char *cls,
     void (*fn)(struct strbuf *, const struct annual *), const struct annual *a)
{
	struct strbuf t = {0};

	fn(&t, a);
	sb_addf(sb, "<p class=\"%s\">", cls);
	sb_add_xml(sb, t.buf);
	sb_add(sb, "</p>\n");
	sb_free(&t);
}

static void
svg_open(struct strbuf *sb, int w, int h, const char *title)
{
	sb_addf(sb,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
	        "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	        "role=\"img\" aria-label=\"",
	        w, h, w, h);
	sb_add_xml(sb, title);
	sb_add(sb, "\"><title>");
	sb_add_xml(sb, title);
	sb_add(sb, "</title><g font-family=\"" ANN_FONT ", sans-serif\" "
	           "font-size=\"12\" fill=\"#111\">\n");
}

static void
svg_close(struct strbuf *sb)
{
	sb_add(sb, "</g></svg>\n");
}

/* Whole pixels: printf's %f would follow LC_NUMERIC (a decimal comma). */
static int
px(double v)
{
	return (int)(v < 0 ? v - 0.5 : v + 0.5);
}

static void
svg_text(struct strbuf *sb, double x, double y, const char *anchor,
         const char *extra, const char *text)
{
	sb_addf(sb, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\"%s>", px(x),
	        px(y), anchor, extra);
	sb_add_xml(sb, text);
	sb_add(sb, "</text>\n");
}

/* Horizontal bars, one per item (the first BAR_MAX): the label wrapped
 * in its column (two lines at most, then shortened with "…"), measured in
 * the font the chart names; the bars scaled so that the longest leaves
 * room for its count and share. */
static void
bars(struct strbuf *sb, const struct ann_breakdown *b)
{
	size_t n = b->n < BAR_MAX ? b->n : BAR_MAX;
	uint64_t max = 0;
	double value_w = 0, area, y = 4;
	struct strbuf lines[2] = {{0}}, body = {0};

	for (size_t i = 0; i < n; i++) {
		struct words_row w;
		struct strbuf v = {0};

		if (!b->items[i].hidden && b->items[i].n > max)
			max = b->items[i].n;
		words_row(&w, b, &b->items[i]);
		words_bar_value(&v, &w);
		value_w = fmax(value_w, measure_width(v.buf, BAR_FONT, false));
		sb_free(&v);
		words_row_free(&w);
	}
	area = BAR_W - BAR_LABEL_W - value_w - 12;
	for (size_t i = 0; i < n; i++) {
		struct words_row w;
		double len =
		        max > 0 && !b->items[i].hidden
		                ? (double)b->items[i].n * area / (double)max
		                : 0;
		struct strbuf value = {0};
		size_t nl;
		double h;

		words_row(&w, b, &b->items[i]);
		nl = measure_wrap(w.item.buf, BAR_FONT, false, BAR_LABEL_W - 8,
		                  2, lines);
		h = nl > 1 ? BAR_ROW_H + 14 : BAR_ROW_H;
		sb_addf(&body, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		        BAR_LABEL_W - 6, px(y + 13));
		for (size_t k = 0; k < nl; k++) {
			sb_addf(&body, "<tspan x=\"%d\"%s>", BAR_LABEL_W - 6,
			        k > 0 ? " dy=\"14\"" : "");
			sb_add_xml(&body, lines[k].buf);
			sb_add(&body, "</tspan>");
		}
		sb_add(&body, "</text>\n");
		if (!b->items[i].hidden)
			sb_addf(&body,
			        "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			        "height=\"14\" fill=\"#2b6cb0\"/>\n",
			        BAR_LABEL_W, px(y + 2), px(len));
		words_bar_value(&value, &w);
		svg_text(&body, BAR_LABEL_W + len + 6, y + 13, "start", "",
		         value.buf);
		sb_free(&value);
		words_row_free(&w);
		y += h;
	}
	svg_open(sb, BAR_W, px(y + 4), words_title(b->dim));
	sb_addn(sb, body.buf, body.len);
	svg_close(sb);
	if (b->n > n) { /* never cut short without saying so */
		sb_reset(&body);
		sb_addf(&body,
		        words_french()
		                ? "Le graphique montre les %zu premiers "
		                  "sur %zu ; le tableau les donne tous."
		                : "The chart shows the first %zu of %zu; "
		                  "the table lists them all.",
		        n, b->n);
		sb_add(sb, "<p class=\"base\">");
		sb_add_xml(sb, body.buf);
		sb_add(sb, "</p>\n");
	}
	sb_free(&body);
	sb_free(&lines[0]);
	sb_free(&lines[1]);
}

/* rated: the départements' calls per 100,000 inhabitants, when the
 * year's populations are known */
static void
table(struct strbuf *sb, const struct ann_breakdown *b, bool rated)
{
	bool ranked = strcmp(b->dim, "department") == 0;
	struct strbuf rate = {0}, rrank = {0};

	sb_add(sb, "<table><thead><tr>");
	if (ranked)
		sb_addf(sb, "<th>%s</th>", words_title("rank"));
	sb_addf(sb, "<th>%s</th><th>%s</th><th>%s</th>", words_item_title(b),
	        words_count_title(b), words_title("share"));
	if (rated)
		sb_addf(sb, "<th>%s</th><th>%s</th>", words_title("per_100k"),
		        words_title("rate_rank"));
	sb_add(sb, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < b->n; i++) {
		struct words_row w;

		words_row(&w, b, &b->items[i]);
		sb_add(sb, "<tr>");
		if (ranked)
			sb_addf(sb, "<td class=\"n\">%s</td>", w.rank.buf);
		sb_add(sb, "<td>");
		sb_add_xml(sb, w.item.buf);
		sb_add(sb, "</td><td class=\"n\">");
		sb_add_xml(sb, w.count.buf);
		sb_add(sb, "</td><td class=\"n\">");
		sb_add_xml(sb, w.share.buf);
		sb_add(sb, "</td>");
		if (rated) {
			words_rate_cells(&rate, &rrank, &b->items[i]);
			sb_addf(sb,
			        "<td class=\"n\">%s</td><td "
			        "class=\"n\">%s</td>",
			        rate.buf, rrank.buf);
		}
		sb_add(sb, "</tr>\n");
		words_row_free(&w);
	}
	sb_add(sb, "</tbody></table>\n");
	sb_free(&rate);
	sb_free(&rrank);
}

static void
section_head(struct strbuf *sb, const struct annual *a,
             const struct ann_breakdown *b)
{
	struct strbuf base = {0};

	sb_add(sb, "<section><h2>");
	sb_add_xml(sb, words_title(b->dim));
	sb_add(sb, "</h2>\n");
	if (!b->shown)
		return;
	words_base(&base, a, b);
	sb_add(sb, "<p class=\"base\">");
	sb_add_xml(sb, base.buf);
	sb_add(sb, "</p>\n");
	sb_free(&base);
}

static void
breakdown(struct strbuf *sb, const struct annual *a,
          const struct ann_breakdown *b)
{
	section_head(sb, a, b);
	if (!b->shown)
		sb_addf(sb, "<p>%s</p>\n", words_withheld(b));
	else if (b->n == 0)
		sb_addf(sb, "<p>%s</p>\n", words_title("none_calls"));
	else {
		bars(sb, b);
		table(sb, b,
		      strcmp(b->dim, "department") == 0 &&
		              a->facts.populations);
	}
	sb_add(sb, "</section>\n");
}

/* The months as a line; a hidden month breaks it. */
static void
months(struct strbuf *sb, const struct annual *a)
{
	const struct ann_breakdown *b = &a->months;
	const double left = 60, right = 20, top = 15, bottom = 70;
	double pw = LINE_W - left - right, ph = LINE_H - top - bottom;
	uint64_t max = 0;
	bool open = false;

	section_head(sb, a, b);
	if (!b->shown || b->n == 0) {
		sb_add(sb, "</section>\n");
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		if (!b->items[i].hidden && b->items[i].n > max)
			max = b->items[i].n;
	if (max == 0)
		max = 1;
	svg_open(sb, LINE_W, LINE_H, words_title("month"));
	sb_addf(sb,
	        "<path d=\"M%d %d V%d H%d\" fill=\"none\" "
	        "stroke=\"#666\"/>\n",
	        px(left), px(top), px(top + ph), px(left + pw));
	for (int t = 0; t <= 2; t++) {
		struct strbuf v = {0};
		double y = top + ph - ph * t / 2;

		words_count(&v, max * (uint64_t)t / 2);
		svg_text(sb, left - 6, y + 4, "end", "", v.buf);
		sb_free(&v);
	}
	for (size_t i = 0; i < b->n; i++) {
		double x = left + pw * ((double)i + 0.5) / (double)b->n;
		char rot[64];

		snprintf(rot, sizeof rot, " transform=\"rotate(-40 %d %d)\"",
		         px(x), px(top + ph + 14));
		svg_text(sb, x, top + ph + 14, "end", rot,
		         words_month((int)i + 1));
		if (b->items[i].hidden)
			svg_text(sb, x, top + ph - 4, "middle", "",
			         words_hidden());
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct ann_item *it = &b->items[i];
		double x = left + pw * ((double)i + 0.5) / (double)b->n;
		double y = top + ph - ph * (double)it->n / (double)max;

		if (it->hidden) {
			if (open)
				sb_add(sb, "\"/>\n");
			open = false;
			continue;
		}
		sb_add(sb, open ? " "
		                : "<polyline fill=\"none\" "
		                  "stroke=\"#2b6cb0\" stroke-width=\"2\" "
		                  "points=\"");
		sb_addf(sb, "%d,%d", px(x), px(y));
		open = true;
	}
	if (open)
		sb_add(sb, "\"/>\n");
	for (size_t i = 0; i < b->n; i++) {
		const struct ann_item *it = &b->items[i];
		double x = left + pw * ((double)i + 0.5) / (double)b->n;
		double y = top + ph - ph * (double)it->n / (double)max;

		if (!it->hidden)
			sb_addf(sb,
			        "<circle cx=\"%d\" cy=\"%d\" r=\"3\" "
			        "fill=\"#2b6cb0\"/>\n",
			        px(x), px(y));
	}
	svg_close(sb);
	table(sb, b, false);
	sb_add(sb, "</section>\n");
}

/* White to dark blue. */
static void
heat_color(char out[8], uint64_t n, uint64_t max)
{
	double t = max > 0 ? (double)n / (double)max : 0;
	int r = (int)(255 - t * (255 - 8)), g = (int)(255 - t * (255 - 48)),
	    b = (int)(255 - t * (255 - 107));

	snprintf(out, 8, "#%02x%02x%02x", r & 0xff, g & 0xff, b & 0xff);
}

static void
heatmap(struct strbuf *sb, const struct annual *a)
{
	const struct ann_grid *g = &a->grid;
	const int left = 40, top = 20;
	int w = left + 24 * HEAT_CELL + 10, h = top + 7 * HEAT_CELL + 10;

	sb_add(sb, "<section><h2>");
	sb_add_xml(sb, words_title("weekday_hour"));
	sb_add(sb, "</h2>\n");
	svg_open(sb, w, h, words_title("weekday_hour"));
	for (int hr = 0; hr < 24; hr++) {
		char label[8];

		snprintf(label, sizeof label, "%d", hr);
		svg_text(sb, left + hr * HEAT_CELL + HEAT_CELL / 2.0, top - 6,
		         "middle", " font-size=\"10\"", label);
	}
	for (int d = 0; d < 7; d++) {
		int y = top + d * HEAT_CELL;

		svg_text(sb, left - 6, y + 15, "end", "", words_weekday(d));
		for (int hr = 0; hr < 24; hr++) {
			int x = left + hr * HEAT_CELL;
			char fill[8] = "#cccccc", label[24] = "";
			bool on = a->hours.on[d][hr];

			if (!g->hidden[d][hr]) {
				heat_color(fill, g->n[d][hr], g->max);
				if (g->n[d][hr] > 0) {
					struct strbuf c = {0};

					words_count(&c, g->n[d][hr]);
					snprintf(label, sizeof label, "%s",
					         c.buf);
					sb_free(&c);
				}
			} else
				snprintf(label, sizeof label, "%s",
				         words_hidden());
			sb_addf(sb,
			        "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			        "height=\"%d\" fill=\"%s\" stroke=\"%s\" "
			        "stroke-width=\"%s\"/>\n",
			        x + 1, y + 1, HEAT_CELL - 2, HEAT_CELL - 2,
			        fill, on ? "#d97706" : "#eeeeee",
			        on ? "2" : "1");
			if (label[0] != '\0')
				svg_text(sb, x + HEAT_CELL / 2.0, y + 15,
				         "middle",
				         g->n[d][hr] * 2 > g->max
				                 ? " font-size=\"8\" "
				                   "fill=\"#fff\""
				                 : " font-size=\"8\"",
				         label);
		}
	}
	svg_close(sb);
	sb_add(sb, "<p class=\"base\"><span style=\"display:inline-block;"
	           "width:1em;height:1em;border:2px solid #d97706;"
	           "vertical-align:middle\"></span> ");
	sb_add_xml(sb, words_title("service_legend"));
	sb_add(sb, "</p>\n");
	para(sb, "service", words_service_line, a);
	sb_add(sb, "</section>\n");
}

/* The headline figures in boxes, as the PDF's (words_tiles). */
static void
tiles(struct strbuf *sb, const struct annual *a)
{
	struct strbuf big[ANN_TILES] = {{0}}, small[ANN_TILES] = {{0}};
	size_t n = words_tiles(a, big, small);

	sb_add(sb, "<div class=\"tiles\">\n");
	for (size_t i = 0; i < n; i++) {
		sb_add(sb, "<div class=\"tile\"><p class=\"big\">");
		sb_add_xml(sb, big[i].buf);
		sb_add(sb, "</p><p class=\"small\">");
		for (const char *l = small[i].buf, *nl; l != NULL; l = nl) {
			char *line;

			nl = strchr(l, '\n');
			line = nl != NULL ? xstrndup(l, (size_t)(nl - l))
			                  : xstrdup(l);
			if (l != small[i].buf)
				sb_add(sb, "<br/>");
			sb_add_xml(sb, line);
			free(line);
			if (nl != NULL)
				nl++;
		}
		sb_add(sb, "</p></div>\n");
		sb_free(&big[i]);
		sb_free(&small[i]);
	}
	sb_add(sb, "</div>\n");
}

/* The service's name and address, the report's title, its period,
 * date of issue and the service hours. */
static void
title_block(struct strbuf *sb, const struct annual *a)
{
	struct strbuf t = {0};

	sb_add(sb, "<header class=\"title\">\n");
	if (a->meta.service != NULL) {
		sb_add(sb, "<h1>");
		sb_add_xml(sb, a->meta.service);
		sb_add(sb, "</h1>\n");
	}
	if (a->meta.address != NULL) {
		sb_add(sb, "<p class=\"address\">");
		sb_add_xml(sb, a->meta.address);
		sb_add(sb, "</p>\n");
	}
	/* the report's title is the page's heading when no service is named */
	if (a->meta.service != NULL)
		sb_addf(sb, "<p class=\"report\">%s %d</p>\n",
		        words_title("report"), a->year);
	else
		sb_addf(sb, "<h1>%s %d</h1>\n", words_title("report"), a->year);
	sb_add(sb, "<p class=\"meta\">");
	sb_add(&t, words_french() ? "Période : " : "Period: ");
	words_period(&t, a);
	sb_add_xml(sb, t.buf);
	sb_reset(&t);
	words_issued(&t, a);
	if (t.len > 0) {
		sb_add(sb, "<br/>");
		sb_add_xml(sb, t.buf);
	}
	sb_reset(&t);
	sb_add(&t, words_french() ? "Permanence téléphonique : "
	                          : "Telephone service: ");
	words_hours(&t, &a->hours);
	sb_add(sb, "<br/>");
	sb_add_xml(sb, t.buf);
	sb_add(sb, "</p>\n</header>\n");
	sb_free(&t);
}

static void
budget(struct strbuf *sb, const struct annual *a)
{
	struct strbuf t = {0};

	if (!a->facts.budget)
		return;
	sb_add(sb, "<section><h2>");
	sb_add_xml(sb, words_title("budget"));
	sb_add(sb, "</h2>\n");
	para(sb, "budget", words_budget, a);
	sb_add(sb, "<ul>\n");
	for (size_t i = 0; i < a->facts.nfunders; i++) {
		sb_reset(&t);
		words_funder(&t, a, &a->facts.funders[i]);
		sb_add(sb, "<li>");
		sb_add_xml(sb, t.buf);
		sb_add(sb, "</li>\n");
	}
	sb_add(sb, "</ul></section>\n");
	sb_free(&t);
}

static void
restated(struct strbuf *sb, const struct annual *a)
{
	struct strbuf t = {0};

	if (!words_restated_shown(a))
		return;
	sb_add(sb, "<section><h2>");
	sb_add_xml(sb, words_title("restated"));
	sb_add(sb, "</h2>\n<p class=\"base\">");
	sb_add_xml(sb, words_restated_lead(a));
	sb_add(sb, "</p>\n<ul class=\"restated\">");
	words_restatements(&t, a);
	for (const char *l = t.buf, *nl; l != NULL && *l != '\0'; l = nl + 1) {
		char *line;

		nl = strchr(l, '\n');
		line = xstrndup(l, (size_t)(nl - l));
		sb_add(sb, "<li>");
		sb_add_xml(sb, line);
		sb_add(sb, "</li>\n");
		free(line);
	}
	sb_add(sb, "</ul></section>\n");
	sb_free(&t);
}

/* In the order of the PDF (annual-pdf.c): what the funder reads first. */
void
annual_html(struct strbuf *sb, const struct annual *a)
{
	const struct ann_breakdown *splits[] = {&a->caller,     &a->pro_kind,
	                                        &a->pro_sector, &a->household,
	                                        &a->origin,     &a->topic};
	char title[256];

	if (a->meta.service != NULL)
		snprintf(title, sizeof title, "%s %d — %s",
		         words_title("report"), a->year, a->meta.service);
	else
		snprintf(title, sizeof title, "%s %d", words_title("report"),
		         a->year);
	sb_addf(sb,
	        "<!DOCTYPE html>\n<html lang=\"%s\" "
	        "xmlns=\"http://www.w3.org/1999/xhtml\"><head>"
	        "<meta charset=\"utf-8\"/><title>",
	        words_lang());
	sb_add_xml(sb, title);
	sb_addf(sb, "</title><style>%s</style></head>\n<body>\n", style);
	title_block(sb, a);
	tiles(sb, a);
	para(sb, "lead", words_consultations, a);
	if (a->focus.given)
		para(sb, "focus", words_focus, a);
	if (a->facts.populations && a->focus.given)
		para(sb, "rate", words_rate, a);
	sb_add(sb, "<section><h2>");
	sb_add_xml(sb, words_title("map"));
	sb_add(sb, "</h2>\n");
	map_svg(sb, a, 720);
	sb_add(sb, "</section>\n");
	for (size_t i = 0; i < nitems(splits); i++)
		breakdown(sb, a, splits[i]);
	budget(sb, a);
	breakdown(sb, a, &a->departments);
	months(sb, a);
	heatmap(sb, a);
	sb_add(sb, "<section><h2>");
	sb_add_xml(sb, words_title("duration"));
	sb_add(sb, "</h2>\n");
	para(sb, "duration", words_duration_line, a);
	sb_add(sb, "</section>\n");
	breakdown(sb, a, &a->other);
	restated(sb, a);
	sb_add(sb, "<footer><h2>");
	sb_add_xml(sb, words_title("notes"));
	sb_add(sb, "</h2>\n<p>");
	sb_add_xml(sb, words_generated(a));
	sb_add(sb, "</p>\n");
	if (a->min_cell > 1)
		para(sb, "disclosure", words_disclosure, a);
	sb_add(sb, "</footer>\n</body></html>\n");
}
