/* test_annual_map.c: the annual report's map: the colour scale (golden:
 * classes at and around every bound, the colours, the legend's words in
 * English and French), the outlines compiled in from data/map (every
 * département once, inside the data's frame), and label fitting (a label
 * wrapped into its width, shortened with "…" past two lines). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "annual-map.h"
#include "annual-measure.h"
#include "annual.h"
#include "unit.h"

static void
test_classes(void)
{
	/* of 10,000 consultations: a bound belongs to the class above it */
	static const struct {
		uint64_t n;
		int cls;
	} golden[] = {
	        {0, MAP_NONE}, {1, 1},    {99, 1},   {100, 2},
	        {199, 2},      {200, 3},  {499, 3},  {500, 4},
	        {999, 4},      {1000, 5}, {9999, 5}, {10000, 5},
	};

	for (size_t i = 0; i < nitems(golden); i++)
		CHECK(map_class(golden[i].n, false, 10000) == golden[i].cls,
		      "%llu of 10000: class %d, want %d",
		      (unsigned long long)golden[i].n,
		      map_class(golden[i].n, false, 10000), golden[i].cls);
	/* exact: 1 of 100 is 1 % (class 2); 1 of 101 is under (class 1) */
	CHECK_TRUE(map_class(1, false, 100) == 2);
	CHECK_TRUE(map_class(1, false, 101) == 1);
	/* 400 of 4000 is 10 % exactly */
	CHECK_TRUE(map_class(400, false, 4000) == 5);
	CHECK_TRUE(map_class(399, false, 4000) == 4);
	CHECK_TRUE(map_class(5, true, 10) == MAP_HIDDEN);
	CHECK_TRUE(map_class(0, true, 10) == MAP_HIDDEN);
	CHECK_TRUE(map_class(3, false, 0) == MAP_NONE);
	/* no overflow on large counts */
	CHECK_TRUE(map_class(UINT64_C(1) << 40, false, UINT64_C(1) << 41) == 5);
}

static void
test_colours(void)
{
	static const uint32_t golden[MAP_NKINDS] = {
	        0xffffff, 0xc6dbef, 0x9ecae1, 0x6baed6,
	        0x3182bd, 0x08519c, 0xd4d4d4,
	};

	for (int c = 0; c < MAP_NKINDS; c++)
		CHECK(map_colour(c) == golden[c], "class %d: #%06x, want #%06x",
		      c, (unsigned)map_colour(c), (unsigned)golden[c]);
	/* darker as the share grows */
	for (int c = 1; c < MAP_NCLASSES; c++) {
		uint32_t a = map_colour(c), b = map_colour(c + 1);

		CHECK(((a >> 16) & 0xff) + ((a >> 8) & 0xff) + (a & 0xff) >
		              ((b >> 16) & 0xff) + ((b >> 8) & 0xff) +
		                      (b & 0xff),
		      "class %d lighter than %d", c, c + 1);
	}
}

static void
test_words(void)
{
	static const char *en[MAP_NKINDS] = {
	        "no consultations", "under 1\xc2\xa0%", "1 to 2\xc2\xa0%",
	        "2 to 5\xc2\xa0%",  "5 to 10\xc2\xa0%", "10\xc2\xa0% or more",
	        "hidden (s)",
	};
	static const char *fr[MAP_NKINDS] = {
	        "aucune consultation", "moins de 1\xc2\xa0%",
	        "1 à 2\xc2\xa0%",      "2 à 5\xc2\xa0%",
	        "5 à 10\xc2\xa0%",     "10\xc2\xa0% et plus",
	        "masqué (s)",
	};

	for (int lang = 0; lang < 2; lang++) {
		words_set_french(lang == 1);
		for (int c = 0; c < MAP_NKINDS; c++) {
			struct strbuf sb = {0};
			const char *want = lang ? fr[c] : en[c];

			map_class_words(&sb, c);
			CHECK(strcmp(sb.buf, want) == 0,
			      "class %d: '%s', want '%s'", c, sb.buf, want);
			sb_free(&sb);
		}
	}
	words_set_french(false);
}

static void
test_outlines(void)
{
	struct map_geos m;
	char seen[100] = {0};
	size_t overseas = 0;
	long last_overseas = 0;

	map_geos_load(&m);
	CHECK(m.n == 101, "%zu départements, want 96 + 5", m.n);
	for (size_t i = 0; i < m.n; i++) {
		const struct map_geo *g = &m.g[i];
		char *end;
		long code = strtol(g->code, &end, 10);

		CHECK(g->nrings > 0, "%s has an outline", g->code);
		if (g->overseas) {
			overseas++;
			CHECK(code >= 971 && code <= 976 && *end == '\0',
			      "overseas %s", g->code);
			/* the insets come in the order of their codes */
			CHECK(code > last_overseas, "overseas %s after %ld",
			      g->code, last_overseas);
			last_overseas = code;
			continue;
		}
		if (strcmp(g->code, "2A") == 0)
			code = 20, end = "";
		else if (strcmp(g->code, "2B") == 0)
			code = 96, end = "";
		CHECK(*end == '\0' && code >= 1 && code <= 96 && !seen[code],
		      "%s: a département, once", g->code);
		if (code >= 1 && code <= 96)
			seen[code] = 1;
		CHECK(g->x0 >= 0 && g->x1 <= 613 && g->y0 >= 0 && g->y1 <= 585,
		      "%s inside the map's frame", g->code);
		CHECK(g->cx > g->x0 && g->cx < g->x1 && g->cy > g->y0 &&
		              g->cy < g->y1,
		      "%s: its label point inside its box", g->code);
	}
	CHECK(overseas == 5, "%zu overseas départements", overseas);
	map_geos_free(&m);
}

static void
test_fit(void)
{
	/* the label the HTML chart cut to "tement and municipal social
	 * services" */
	const char *s = "Département and municipal social services";
	struct strbuf lines[2] = {{0}};
	size_t n;

	n = measure_wrap(s, 12, false, 150, 2, lines);
	CHECK(n == 2, "two lines: %zu", n);
	for (size_t i = 0; i < n; i++)
		CHECK(measure_width(lines[i].buf, 12, false) <= 150,
		      "line %zu '%s' fits 150", i, lines[i].buf);
	CHECK(strncmp(lines[0].buf, "Département", 11) == 0,
	      "the start kept: '%s'", lines[0].buf);
	/* nothing lost when it fits */
	n = measure_wrap(s, 12, false, 1000, 2, lines);
	CHECK(n == 1 && strcmp(lines[0].buf, s) == 0, "one line: '%s'",
	      lines[0].buf);
	/* too long for two lines: shortened, marked */
	n = measure_wrap(s, 12, false, 80, 2, lines);
	CHECK(n == 2 && strstr(lines[1].buf, "…") != NULL &&
	              measure_width(lines[1].buf, 12, false) <= 80,
	      "shortened: '%s' '%s'", lines[0].buf, lines[1].buf);
	sb_free(&lines[0]);
	sb_free(&lines[1]);
}

int
main(void)
{
	test_classes();
	test_colours();
	test_words();
	test_outlines();
	test_fit();
	return unit_finish();
}
