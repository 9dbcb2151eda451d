/* annual-measure.h: the annual report's text measured with Pango in the
 * font the documents use, so that the PDF and the HTML charts wrap or
 * shorten a label instead of letting it leave its place. */
#ifndef CALLSHEET_ANNUAL_MEASURE_H
#define CALLSHEET_ANNUAL_MEASURE_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/* The documents' font (Debian: fonts-dejavu-core). */
#define ANN_FONT "DejaVu Sans"

/* The width of s at size (points or CSS pixels alike). */
double measure_width(const char *s, double size, bool bold);
/* s broken at spaces into lines of at most width, at most maxlines of
 * them (the last ends with "…" when the text did not fit; a word longer
 * than a line is cut); lines[] gets them; returns how many. */
size_t measure_wrap(const char *s, double size, bool bold, double width,
                    size_t maxlines, struct strbuf *lines);

#endif
