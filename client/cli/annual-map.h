/* annual-map.h: the annual report's map of the départements: their
 * outlines (data/map, compiled in by map-embed.cmake), the colour class of
 * each département's count, and the figure's layout (metropolitan France,
 * a zoom on Paris and its inner suburbs, the overseas départements as
 * insets, the legend) drawn through a pen that each output implements
 * (SVG for HTML, cairo for PDF). Pure: no I/O. */
#ifndef CALLSHEET_ANNUAL_MAP_H
#define CALLSHEET_ANNUAL_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "annual.h"

/* One département's outline as the data gives it: SVG path data with
 * moveto, lineto and closepath only. */
struct map_shape {
	const char *code; /* INSEE: 01 ... 95, 2A, 2B, 971 ... 976 */
	int overseas;     /* drawn as an inset, at its own scale */
	const char *name; /* the data's own name (aria-label) */
	const char *d;
};
extern const struct map_shape map_shapes[];
extern const size_t map_nshapes;

/* ----------------------------------------------------------- classes */

/* A département's class: no call, one of five by share of the year's
 * consultations, or hidden by disclosure control. */
enum {
	MAP_NONE = 0,
	MAP_NCLASSES = 5, /* classes 1 .. 5 */
	MAP_HIDDEN = 6,
	MAP_NKINDS = 7,
};
/* Upper bounds of classes 1 .. 4, in hundredths of a percent: under 1 %,
 * 1 to 2 %, 2 to 5 %, 5 to 10 %, then 10 % and more. */
extern const unsigned map_bounds[MAP_NCLASSES - 1];
/* n of total, exact: n * 10000 compared with bound * total. */
int map_class(uint64_t n, bool hidden, uint64_t total);
/* The fill of a class, 0xRRGGBB (sequential blues; white for none, grey
 * for hidden, which is also hatched). */
uint32_t map_colour(int cls);
/* The legend's words for a class: "under 1 %", "1 to 2 %", ... */
void map_class_words(struct strbuf *sb, int cls);

/* The class of every département of the map for this report, in
 * map_shapes' order. */
void map_classes(const struct annual *a, int *cls);

/* ---------------------------------------------------------- geometry */

struct map_ring {
	double *xy; /* x0 y0 x1 y1 ...; closed */
	size_t n;   /* points */
};

struct map_geo {
	const char *code;
	int overseas;
	struct map_ring *rings;
	size_t nrings;
	double x0, y0, x1, y1; /* bounding box */
	double cx, cy;         /* where its label goes (largest ring's
	                          centroid) */
};

struct map_geos {
	struct map_geo *g;
	size_t n;
};
/* Parses map_shapes; exits on malformed data (a build defect). */
void map_geos_load(struct map_geos *m);
void map_geos_free(struct map_geos *m);

/* -------------------------------------------------------- the figure */

#define MAP_W 960.0 /* the figure's own units; an output scales them */
#define MAP_H 660.0

/* What an output implements to draw the figure. Coordinates are the
 * figure's; shape() maps the outline's with x * scale + dx. */
struct map_pen {
	void *ctx;
	void (*shape)(void *ctx, const struct map_geo *g, double scale,
	              double dx, double dy, int cls);
	/* a rectangle: filled with a class's colour (cls >= 0) or a frame
	 * (cls < 0) */
	void (*box)(void *ctx, double x, double y, double w, double h, int cls);
	/* text at its baseline; anchor -1 start, 0 middle, 1 end */
	void (*text)(void *ctx, double x, double y, double size, int anchor,
	             bool bold, uint32_t colour, const char *s);
	/* shapes drawn between clip(rect) and clip(NULL) stay in rect */
	void (*clip)(void *ctx, const double *rect);
};

/* Draws the whole figure: the map, the insets, their labels, the legend
 * and the attribution. */
void map_draw(const struct annual *a, const struct map_geos *m,
              const struct map_pen *pen);

/* The map as an inline SVG element of width w (HTML report). */
void map_svg(struct strbuf *sb, const struct annual *a, double w);

#endif
