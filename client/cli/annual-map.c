/* annual-map.c: the map of the départements: outlines parsed from the
 * compiled-in data, colour classes, and the figure's layout drawn through
 * a pen (map_svg() is the SVG pen; annual-pdf.c has the cairo one). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annual-map.h"
#include "annual-measure.h"

/* ----------------------------------------------------------- classes */

const unsigned map_bounds[MAP_NCLASSES - 1] = {100, 200, 500, 1000};

int
map_class(uint64_t n, bool hidden, uint64_t total)
{
	if (hidden)
		return MAP_HIDDEN;
	if (n == 0 || total == 0)
		return MAP_NONE;
	for (int c = 0; c < MAP_NCLASSES - 1; c++)
		if (n * 10000 < (uint64_t)map_bounds[c] * total)
			return c + 1;
	return MAP_NCLASSES;
}

uint32_t
map_colour(int cls)
{
	static const uint32_t colours[MAP_NKINDS] = {
	        0xffffff,                                         /* none */
	        0xc6dbef, 0x9ecae1, 0x6baed6, 0x3182bd, 0x08519c, /* 1-5 */
	        0xd4d4d4,                                         /* hidden */
	};

	return cls >= 0 && cls < MAP_NKINDS ? colours[cls] : 0xffffff;
}

/* The bounds are whole percents: "1 %" */
static void
bound_words(struct strbuf *sb, unsigned bound)
{
	words_pct(sb, bound / 100, 0);
}

void
map_class_words(struct strbuf *sb, int cls)
{
	bool fr = words_french();

	if (cls == MAP_NONE)
		sb_add(sb, fr ? "aucune consultation" : "no consultations");
	else if (cls == MAP_HIDDEN)
		/* the report's notes say why */
		sb_addf(sb, fr ? "masqué (%s)" : "hidden (%s)", words_hidden());
	else if (cls == 1) {
		sb_add(sb, fr ? "moins de " : "under ");
		bound_words(sb, map_bounds[0]);
	} else if (cls == MAP_NCLASSES) {
		bound_words(sb, map_bounds[MAP_NCLASSES - 2]);
		sb_add(sb, fr ? " et plus" : " or more");
	} else {
		struct strbuf hi = {0};

		/* "1 to 2 %": the first bound without its sign */
		bound_words(&hi, map_bounds[cls - 1]);
		sb_addf(sb, "%u", map_bounds[cls - 2] / 100);
		sb_addf(sb, fr ? " à %s" : " to %s", hi.buf);
		sb_free(&hi);
	}
}

static const struct ann_item *
dept_item(const struct annual *a, const char *code)
{
	for (size_t i = 0; i < a->departments.n; i++)
		if (strcmp(a->departments.items[i].code, code) == 0)
			return &a->departments.items[i];
	return NULL;
}

void
map_classes(const struct annual *a, int *cls)
{
	for (size_t i = 0; i < map_nshapes; i++) {
		const struct ann_item *it = dept_item(a, map_shapes[i].code);

		if (!a->departments.shown)
			cls[i] = MAP_HIDDEN;
		else
			cls[i] = it == NULL ? (a->absent_hidden ? MAP_HIDDEN
			                                        : MAP_NONE)
			                    : map_class(it->n, it->hidden,
			                                a->departments.base);
	}
}

/* ---------------------------------------------------------- geometry */

static void
bad_data(const char *code, const char *why)
{
	fprintf(stderr, "callsheet: map data of %s: %s (a build defect)\n",
	        code, why);
	exit(70);
}

/* A number of SVG path data, in C locale whatever LC_NUMERIC says. */
static bool
number(const char **sp, double *out)
{
	const char *s = *sp;
	double v = 0, scale = 1;
	int sign = 1, exp = 0, esign = 1;
	bool digits = false;

	while (*s == ' ' || *s == ',')
		s++;
	if (*s == '-' || *s == '+')
		sign = *s++ == '-' ? -1 : 1;
	for (; *s >= '0' && *s <= '9'; s++, digits = true)
		v = v * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits = true)
			v += (*s - '0') * (scale /= 10);
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			esign = *s++ == '-' ? -1 : 1;
		for (; *s >= '0' && *s <= '9'; s++)
			exp = exp * 10 + (*s - '0');
	}
	*out = sign * v * pow(10, esign * exp);
	*sp = s;
	return true;
}

static void
ring_add(struct map_ring *r, size_t *cap, double x, double y)
{
	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		r->xy = xreallocarray(r->xy, *cap, 2 * sizeof *r->xy);
	}
	r->xy[2 * r->n] = x;
	r->xy[2 * r->n + 1] = y;
	r->n++;
}

static void
parse_shape(struct map_geo *g, const struct map_shape *s)
{
	const char *p = s->d;
	double x = 0, y = 0, sx = 0, sy = 0;
	char cmd = 0;
	size_t cap = 0, rcap = 0;
	struct map_ring *r = NULL;

	g->code = s->code;
	g->overseas = s->overseas;
	for (;;) {
		double a, b;

		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (strchr("mMlLhHvVzZ", *p) != NULL && *p != '\0') {
			cmd = *p++;
			if (cmd == 'z' || cmd == 'Z') {
				x = sx;
				y = sy;
				continue;
			}
			if (cmd == 'm' || cmd == 'M') {
				if (g->nrings == rcap) {
					rcap = rcap ? rcap * 2 : 4;
					g->rings =
					        xreallocarray(g->rings, rcap,
					                      sizeof *g->rings);
				}
				r = &g->rings[g->nrings++];
				memset(r, 0, sizeof *r);
				cap = 0;
			}
		}
		if (r == NULL || cmd == 0)
			bad_data(s->code, "a figure before its first move");
		if (cmd == 'h' || cmd == 'H' || cmd == 'v' || cmd == 'V') {
			if (!number(&p, &a))
				bad_data(s->code, "a number expected");
			if (cmd == 'h')
				x += a;
			else if (cmd == 'H')
				x = a;
			else if (cmd == 'v')
				y += a;
			else
				y = a;
		} else {
			if (!number(&p, &a) || !number(&p, &b))
				bad_data(s->code, "a coordinate pair expected");
			bool rel = cmd == 'm' || cmd == 'l';

			x = rel ? x + a : a;
			y = rel ? y + b : b;
			if (cmd == 'm' || cmd == 'M') {
				sx = x;
				sy = y;
				/* further pairs are linetos */
				cmd = cmd == 'm' ? 'l' : 'L';
				ring_add(r, &cap, x, y);
				continue;
			}
		}
		ring_add(r, &cap, x, y);
	}
	if (g->nrings == 0)
		bad_data(s->code, "no outline");
}

/* Signed area and centroid of a ring (shoelace). */
static double
ring_centroid(const struct map_ring *r, double *cx, double *cy)
{
	double a = 0, x = 0, y = 0;

	for (size_t i = 0; i < r->n; i++) {
		const double *p = &r->xy[2 * i],
		             *q = &r->xy[2 * ((i + 1) % r->n)];
		double c = p[0] * q[1] - q[0] * p[1];

		a += c;
		x += (p[0] + q[0]) * c;
		y += (p[1] + q[1]) * c;
	}
	if (a != 0) {
		*cx = x / (3 * a);
		*cy = y / (3 * a);
	}
	return fabs(a / 2);
}

static void
geo_measure(struct map_geo *g)
{
	double best = -1;

	g->x0 = g->y0 = INFINITY;
	g->x1 = g->y1 = -INFINITY;
	for (size_t i = 0; i < g->nrings; i++) {
		const struct map_ring *r = &g->rings[i];
		double cx = r->xy[0], cy = r->xy[1], area;

		for (size_t k = 0; k < r->n; k++) {
			g->x0 = fmin(g->x0, r->xy[2 * k]);
			g->x1 = fmax(g->x1, r->xy[2 * k]);
			g->y0 = fmin(g->y0, r->xy[2 * k + 1]);
			g->y1 = fmax(g->y1, r->xy[2 * k + 1]);
		}
		if ((area = ring_centroid(r, &cx, &cy)) > best) {
			best = area;
			g->cx = cx;
			g->cy = cy;
		}
	}
}

void
map_geos_load(struct map_geos *m)
{
	m->n = map_nshapes;
	m->g = xcalloc(m->n, sizeof *m->g);
	for (size_t i = 0; i < m->n; i++) {
		parse_shape(&m->g[i], &map_shapes[i]);
		geo_measure(&m->g[i]);
	}
}

void
map_geos_free(struct map_geos *m)
{
	for (size_t i = 0; i < m->n; i++) {
		for (size_t r = 0; r < m->g[i].nrings; r++)
			free(m->g[i].rings[r].xy);
		free(m->g[i].rings);
	}
	free(m->g);
	memset(m, 0, sizeof *m);
}

/* -------------------------------------------------------- the figure */

/* Where things go, in the figure's units (about two to a point in the
 * PDF): the overseas insets in a column on the left, metropolitan France
 * (the data's 613 x 585) in the middle, the zoom on Paris and the legend
 * on the right, a caption across the bottom. Type is 13 units or more. */
#define INSET_X     0.0
#define INSET_W     128.0
#define INSET_H     84.0
#define INSET_STEP  124.0 /* the box, two lines of label, a gap */
#define METRO_X     142.0
#define METRO_Y     10.0
#define METRO_SCALE 1.0
#define SIDE_X      768.0 /* the right column */
#define SIDE_W      (MAP_W - SIDE_X)
#define ZOOM_Y      26.0
#define ZOOM_H      176.0
#define LEGEND_Y    236.0
#define TEXT_INK    0x111111
#define TEXT_SOFT   0x444444

/* Paris and its inner suburbs, zoomed in: the départements a reader
 * cannot see at the scale of France. */
static const char *const zoom_codes[] = {"75", "92", "93", "94"};

static const struct ann_item *
item_of(const struct annual *a, const char *code)
{
	return a->departments.shown ? dept_item(a, code) : NULL;
}

/* Text that never leaves its maxw: the type shrinks to 80 % of size,
 * then the text is shortened with "…" (measured in the documents' font,
 * as the PDF draws it and as a browser with DejaVu Sans does). */
static void
label(const struct map_pen *pen, double x, double y, double size, int anchor,
      bool bold, uint32_t colour, double maxw, const char *s)
{
	struct strbuf line = {0};
	double fit = size;

	while (fit > size * 0.8 && measure_width(s, fit, bold) > maxw)
		fit -= 0.5;
	measure_wrap(s, fit, bold, maxw, 1, &line);
	pen->text(pen->ctx, x, y, fit, anchor, bold, colour,
	          line.buf != NULL ? line.buf : "");
	sb_free(&line);
}

/* "400" or "s" */
static void
count_label(struct strbuf *sb, const struct annual *a, const char *code)
{
	const struct ann_item *it = item_of(a, code);

	if (!a->departments.shown || (it != NULL && it->hidden) ||
	    (it == NULL && a->absent_hidden))
		sb_add(sb, words_hidden());
	else
		words_count(sb, it != NULL ? it->n : 0);
}

static uint32_t
ink_on(int cls)
{
	return cls >= 4 && cls <= MAP_NCLASSES ? 0xffffff : TEXT_INK;
}

static size_t
shape_index(const struct map_geos *m, const char *code)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->g[i].code, code) == 0)
			return i;
	return m->n;
}

static void
draw_metro(const struct map_geos *m, const int *cls, const struct map_pen *pen)
{
	for (size_t i = 0; i < m->n; i++)
		if (!m->g[i].overseas)
			pen->shape(pen->ctx, &m->g[i], METRO_SCALE, METRO_X,
			           METRO_Y, cls[i]);
}

static void
draw_zoom(const struct annual *a, const struct map_geos *m, const int *cls,
          const struct map_pen *pen)
{
	double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
	double rect[4] = {SIDE_X, ZOOM_Y, SIDE_W, ZOOM_H}, s, dx, dy;

	for (size_t k = 0; k < nitems(zoom_codes); k++) {
		size_t i = shape_index(m, zoom_codes[k]);

		if (i == m->n)
			continue;
		x0 = fmin(x0, m->g[i].x0);
		y0 = fmin(y0, m->g[i].y0);
		x1 = fmax(x1, m->g[i].x1);
		y1 = fmax(y1, m->g[i].y1);
	}
	if (x0 >= x1)
		return;
	/* the inner suburbs fill the box with a margin */
	s = fmin((SIDE_W - 16) / (x1 - x0), (ZOOM_H - 16) / (y1 - y0));
	dx = SIDE_X + SIDE_W / 2 - s * (x0 + x1) / 2;
	dy = ZOOM_Y + ZOOM_H / 2 - s * (y0 + y1) / 2;
	pen->clip(pen->ctx, rect);
	for (size_t i = 0; i < m->n; i++)
		if (!m->g[i].overseas && m->g[i].x1 * s + dx >= SIDE_X &&
		    m->g[i].x0 * s + dx <= MAP_W &&
		    m->g[i].y1 * s + dy >= ZOOM_Y &&
		    m->g[i].y0 * s + dy <= ZOOM_Y + ZOOM_H)
			pen->shape(pen->ctx, &m->g[i], s, dx, dy, cls[i]);
	for (size_t k = 0; k < nitems(zoom_codes); k++) {
		size_t i = shape_index(m, zoom_codes[k]);
		struct strbuf t = {0};
		double cx, cy;

		if (i == m->n)
			continue;
		cx = m->g[i].cx * s + dx;
		cy = m->g[i].cy * s + dy;
		pen->text(pen->ctx, cx, cy - 1, 16, 0, true, ink_on(cls[i]),
		          zoom_codes[k]);
		count_label(&t, a, zoom_codes[k]);
		pen->text(pen->ctx, cx, cy + 15, 14, 0, false, ink_on(cls[i]),
		          t.buf);
		sb_free(&t);
	}
	pen->clip(pen->ctx, NULL);
	pen->box(pen->ctx, SIDE_X, ZOOM_Y, SIDE_W, ZOOM_H, -1);
	label(pen, SIDE_X, ZOOM_Y - 8, 15, -1, true, TEXT_INK, SIDE_W,
	      words_french() ? "Paris et petite couronne"
	                     : "Paris and inner suburbs");
	/* where the zoom is on the map */
	pen->box(pen->ctx, x0 * METRO_SCALE + METRO_X - 2,
	         y0 * METRO_SCALE + METRO_Y - 2, (x1 - x0) * METRO_SCALE + 4,
	         (y1 - y0) * METRO_SCALE + 4, -1);
}

static void
draw_overseas(const struct annual *a, const struct map_geos *m, const int *cls,
              const struct map_pen *pen)
{
	double y = METRO_Y;

	for (size_t i = 0; i < m->n; i++) {
		const struct map_geo *g = &m->g[i];
		double s, dx, dy, rect[4] = {INSET_X, y, INSET_W, INSET_H};
		const char *name;
		struct strbuf t = {0};

		if (!g->overseas)
			continue;
		s = fmin((INSET_W - 12) / (g->x1 - g->x0),
		         (INSET_H - 12) / (g->y1 - g->y0));
		dx = INSET_X + INSET_W / 2 - s * (g->x0 + g->x1) / 2;
		dy = y + INSET_H / 2 - s * (g->y0 + g->y1) / 2;
		pen->clip(pen->ctx, rect);
		pen->shape(pen->ctx, g, s, dx, dy, cls[i]);
		pen->clip(pen->ctx, NULL);
		pen->box(pen->ctx, INSET_X, y, INSET_W, INSET_H, -1);
		/* the taxonomy's name in the reader's language, as the
		 * tables say it, with or without calls; the geometry's
		 * (French) only when the taxonomy has none */
		name = labels_get(a->labels, "department", g->code);
		if (strcmp(name, g->code) == 0)
			name = map_shapes[i].name;
		sb_addf(&t, "%s (%s)", name, g->code);
		label(pen, INSET_X + INSET_W / 2, y + INSET_H + 15, 13, 0,
		      false, TEXT_INK, INSET_W, t.buf);
		sb_reset(&t);
		count_label(&t, a, g->code);
		sb_add(&t, " ");
		sb_add(&t, strcmp(t.buf, "1 ") == 0 ? "consultation"
		                                    : "consultations");
		label(pen, INSET_X + INSET_W / 2, y + INSET_H + 31, 13, 0, true,
		      TEXT_INK, INSET_W, t.buf);
		sb_free(&t);
		y += INSET_STEP;
	}
}

static void
draw_legend(const struct annual *a, const struct map_geos *m,
            const struct map_pen *pen)
{
	static const char *const elsewhere[] = {"99", "unknown"};
	int order[] = {MAP_NCLASSES, 4, 3, 2, 1, MAP_NONE, MAP_HIDDEN};
	double y = LEGEND_Y;
	struct strbuf t = {0};

	label(pen, SIDE_X, y, 15, -1, true, TEXT_INK, SIDE_W,
	      words_french() ? "Part des consultations"
	                     : "Share of consultations");
	y += 12;
	for (size_t k = 0; k < nitems(order); k++) {
		if ((order[k] == MAP_HIDDEN && a->min_cell <= 1) ||
		    (order[k] == MAP_NONE && a->absent_hidden))
			continue; /* a class no département can have */
		pen->box(pen->ctx, SIDE_X, y, 28, 19, order[k]);
		pen->box(pen->ctx, SIDE_X, y, 28, 19, -1);
		sb_reset(&t);
		map_class_words(&t, order[k]);
		label(pen, SIDE_X + 36, y + 15, 14, -1, false, TEXT_INK,
		      SIDE_W - 36, t.buf);
		y += 27;
	}
	/* what the map cannot show */
	y += 14;
	for (size_t k = 0; k < nitems(elsewhere); k++) {
		if (item_of(a, elsewhere[k]) == NULL)
			continue;
		sb_reset(&t);
		sb_add(&t,
		       strcmp(elsewhere[k], "99") == 0
		               ? (words_french() ? "Étranger (99) : "
		                                 : "Abroad (99): ")
		               : (words_french() ? "Inconnu : " : "Unknown: "));
		count_label(&t, a, elsewhere[k]);
		label(pen, SIDE_X, y + 15, 14, -1, false, TEXT_INK, SIDE_W,
		      t.buf);
		y += 22;
	}
	/* départements of the taxonomy the outlines do not have (975, 977,
	 * ...): named with their calls, not silently left off */
	for (size_t k = 0; a->departments.shown && k < a->departments.n; k++) {
		const struct ann_item *it = &a->departments.items[k];

		if (it->code[0] == '\0' || strcmp(it->code, "99") == 0 ||
		    strcmp(it->code, "unknown") == 0 ||
		    shape_index(m, it->code) < m->n)
			continue;
		sb_reset(&t);
		sb_addf(&t, "%s (%s)%s", it->label ? it->label : it->code,
		        it->code, words_french() ? " : " : ": ");
		count_label(&t, a, it->code);
		/* long names ("Saint-Pierre-et-Miquelon"): smaller, and a
		 * margin for browsers that draw wider than measured */
		label(pen, SIDE_X, y + 15, 13, -1, false, TEXT_INK, SIDE_W - 8,
		      t.buf);
		y += 22;
	}
	label(pen, MAP_W, MAP_H - 4, 13, 1, false, TEXT_SOFT, MAP_W - METRO_X,
	      words_french() ? "Outre-mer en encarts, pas à l’échelle. "
	                       "Carte : svg-maps (Victor Cazanave), CC BY 4.0."
	                     : "Overseas départements as insets, not to "
	                       "scale. Map: svg-maps (Victor Cazanave), CC "
	                       "BY 4.0.");
	sb_free(&t);
}

void
map_draw(const struct annual *a, const struct map_geos *m,
         const struct map_pen *pen)
{
	int *cls = xcalloc(map_nshapes, sizeof *cls);

	map_classes(a, cls);
	draw_metro(m, cls, pen);
	draw_zoom(a, m, cls, pen);
	draw_overseas(a, m, cls, pen);
	draw_legend(a, m, pen);
	free(cls);
}

/* ----------------------------------------------------- the SVG pen */

struct svg_pen {
	struct strbuf *sb;
	unsigned clips;
};

/* Tenths of a unit, without LC_NUMERIC's decimal comma. */
static void
svg_num(struct strbuf *sb, double v)
{
	long t = lround(v * 10);

	sb_addf(sb, "%s%ld.%ld", t < 0 ? "-" : "", labs(t) / 10, labs(t) % 10);
}

static void
svg_fill(struct strbuf *sb, int cls)
{
	if (cls == MAP_HIDDEN)
		sb_add(sb, "url(#map-hatch)");
	else
		sb_addf(sb, "#%06x", (unsigned)map_colour(cls));
}

static void
svg_shape(void *ctx, const struct map_geo *g, double scale, double dx,
          double dy, int cls)
{
	struct svg_pen *p = ctx;

	sb_addf(p->sb, "<path data-code=\"%s\" data-class=\"%d\" d=\"", g->code,
	        cls);
	for (size_t r = 0; r < g->nrings; r++) {
		for (size_t i = 0; i < g->rings[r].n; i++) {
			sb_add(p->sb, i == 0 ? "M" : "L");
			svg_num(p->sb, g->rings[r].xy[2 * i] * scale + dx);
			sb_add(p->sb, " ");
			svg_num(p->sb, g->rings[r].xy[2 * i + 1] * scale + dy);
		}
		sb_add(p->sb, "Z");
	}
	sb_add(p->sb, "\" fill=\"");
	svg_fill(p->sb, cls);
	sb_add(p->sb, "\" stroke=\"#777\" stroke-width=\"0.5\"/>\n");
}

static void
svg_box(void *ctx, double x, double y, double w, double h, int cls)
{
	struct svg_pen *p = ctx;

	sb_add(p->sb, "<rect x=\"");
	svg_num(p->sb, x);
	sb_add(p->sb, "\" y=\"");
	svg_num(p->sb, y);
	sb_add(p->sb, "\" width=\"");
	svg_num(p->sb, w);
	sb_add(p->sb, "\" height=\"");
	svg_num(p->sb, h);
	if (cls < 0)
		sb_add(p->sb, "\" fill=\"none\" stroke=\"#777\"/>\n");
	else {
		sb_add(p->sb, "\" fill=\"");
		svg_fill(p->sb, cls);
		sb_add(p->sb, "\"/>\n");
	}
}

static void
svg_text(void *ctx, double x, double y, double size, int anchor, bool bold,
         uint32_t colour, const char *s)
{
	struct svg_pen *p = ctx;

	sb_add(p->sb, "<text x=\"");
	svg_num(p->sb, x);
	sb_add(p->sb, "\" y=\"");
	svg_num(p->sb, y);
	sb_add(p->sb, "\" font-size=\"");
	svg_num(p->sb, size);
	sb_addf(p->sb, "\" text-anchor=\"%s\"%s fill=\"#%06x\">",
	        anchor < 0    ? "start"
	        : anchor == 0 ? "middle"
	                      : "end",
	        bold ? " font-weight=\"bold\"" : "", (unsigned)colour);
	sb_add_xml(p->sb, s);
	sb_add(p->sb, "</text>\n");
}

static void
svg_clip(void *ctx, const double *rect)
{
	struct svg_pen *p = ctx;

	if (rect == NULL) {
		sb_add(p->sb, "</g>\n");
		return;
	}
	sb_addf(p->sb, "<clipPath id=\"map-clip-%u\"><rect x=\"", p->clips);
	svg_num(p->sb, rect[0]);
	sb_add(p->sb, "\" y=\"");
	svg_num(p->sb, rect[1]);
	sb_add(p->sb, "\" width=\"");
	svg_num(p->sb, rect[2]);
	sb_add(p->sb, "\" height=\"");
	svg_num(p->sb, rect[3]);
	sb_addf(p->sb, "\"/></clipPath><g clip-path=\"url(#map-clip-%u)\">\n",
	        p->clips);
	p->clips++;
}

void
map_svg(struct strbuf *sb, const struct annual *a, double w)
{
	struct svg_pen sp = {.sb = sb};
	struct map_pen pen = {&sp, svg_shape, svg_box, svg_text, svg_clip};
	struct map_geos m;
	const char *title = words_french() ? "Carte des consultations par "
	                                     "département"
	                                   : "Map of consultations by "
	                                     "département";

	map_geos_load(&m);
	sb_addf(sb,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" "
	        "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
	        "aria-label=\"%s\"><title>%s</title>\n",
	        (int)w, (int)(w * MAP_H / MAP_W), (int)MAP_W, (int)MAP_H, title,
	        title);
	sb_add(sb, "<defs><pattern id=\"map-hatch\" width=\"6\" height=\"6\" "
	           "patternUnits=\"userSpaceOnUse\" "
	           "patternTransform=\"rotate(45)\"><rect width=\"6\" "
	           "height=\"6\" fill=\"#d4d4d4\"/><line x1=\"0\" y1=\"0\" "
	           "x2=\"0\" y2=\"6\" stroke=\"#777\" stroke-width=\"2\"/>"
	           "</pattern></defs>\n<g font-family=\"DejaVu Sans, "
	           "sans-serif\">\n");
	map_draw(a, &m, &pen);
	sb_add(sb, "</g></svg>\n");
	map_geos_free(&m);
}
