/* annual-measure.c: text measured with Pango (see annual-measure.h). */
#include <pango/pangocairo.h>
#include <string.h>

#include "annual-measure.h"

static PangoContext *ctx;

static PangoLayout *
layout(const char *s, size_t len, double size, bool bold)
{
	PangoFontDescription *fd = pango_font_description_from_string(ANN_FONT);
	PangoLayout *l;

	if (ctx == NULL)
		ctx = pango_font_map_create_context(
		        pango_cairo_font_map_get_default());
	l = pango_layout_new(ctx);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD
	                                           : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, s, (int)len);
	return l;
}

static double
width_n(const char *s, size_t len, double size, bool bold)
{
	PangoLayout *l = layout(s, len, size, bold);
	int w, h;

	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return (double)w / PANGO_SCALE;
}

double
measure_width(const char *s, double size, bool bold)
{
	return width_n(s, strlen(s), size, bold);
}

/* The longest prefix of s (whole UTF-8 characters) that fits width with
 * suffix after it; at a space when there is one and whole_words. */
static size_t
fit(const char *s, size_t len, const char *suffix, double size, bool bold,
    double width, bool whole_words)
{
	struct strbuf t = {0};
	size_t best = 0, space = 0;

	if (*suffix == '\0' && width_n(s, len, size, bold) <= width)
		return len;
	for (size_t i = 1; i <= len; i++) {
		if (i < len && (s[i] & 0xc0) == 0x80)
			continue; /* inside a character */
		sb_reset(&t);
		sb_addn(&t, s, i);
		sb_add(&t, suffix);
		if (width_n(t.buf, t.len, size, bold) > width)
			break;
		best = i;
		if (i < len && s[i] == ' ')
			space = i;
	}
	sb_free(&t);
	if (whole_words && best < len && space > 0)
		return space;
	return best;
}

size_t
measure_wrap(const char *s, double size, bool bold, double width,
             size_t maxlines, struct strbuf *lines)
{
	size_t n = 0, len = strlen(s);

	while (len > 0 && n < maxlines) {
		bool last = n + 1 == maxlines;
		size_t k = fit(s, len, "", size, bold, width, true);

		sb_reset(&lines[n]);
		if (k >= len) {
			sb_addn(&lines[n++], s, len);
			break;
		}
		if (last) {
			k = fit(s, len, "…", size, bold, width, false);
			while (k > 0 && s[k - 1] == ' ')
				k--;
			sb_addn(&lines[n], s, k);
			sb_add(&lines[n++], "…");
			break;
		}
		if (k == 0) /* not even a character: give it one */
			for (k = 1; k < len && (s[k] & 0xc0) == 0x80; k++)
				;
		sb_addn(&lines[n++], s, k);
		s += k;
		len -= k;
		while (len > 0 && *s == ' ') {
			s++;
			len--;
		}
	}
	return n;
}

#if defined(__SANITIZE_ADDRESS__)
/* LeakSanitizer (sanitized builds): fontconfig keeps what it loads until
 * the process ends, by design; that is not this program's leak. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
#endif
