/* report-format.c: query results as table, CSV or JSON; percentages. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcallsheet.h"
#include "report-format.h"

#define NONE_LABEL _("(none)")

bool
row_hidden(const Callsheet__Row *row)
{
	return row->has_suppressed && row->suppressed;
}

bool
total_hidden(const Callsheet__QueryResult *r)
{
	return r->has_total_suppressed && r->total_suppressed;
}

/* A count, or the mark of a hidden one. */
void
count_text(uint64_t n, bool hidden, char out[24])
{
	if (hidden)
		snprintf(out, 24, "%s", HIDDEN_MARK);
	else
		snprintf(out, 24, "%" PRIu64, n);
}

/* count/total as text; "" when either is hidden. */
void
pct_text(uint64_t n, bool hidden, const Callsheet__QueryResult *r,
         unsigned decimals, char out[PCT_STRLEN])
{
	if (hidden || total_hidden(r))
		out[0] = '\0';
	else
		pct_format(n, r->total, decimals, out);
}

void
report_disclosure_note(struct strbuf *sb, const Callsheet__QueryResult *r)
{
	if (r->has_perturbed && r->perturbed) {
		sb_addf(sb,
		        _("perturbed for confidentiality: each figure is off "
		          "by "
		          "at most %u either way, always the same for the same "
		          "calls; counts under %u are shown as 0 or left out; "
		          "rows need not add up to the total; closed periods "
		          "only, as published\n"),
		        r->max_noise, r->min_cell);
		return;
	}
	if (r->suppressed_cells == 0)
		return;
	sb_addf(sb,
	        _("%s: hidden by disclosure control (counts under %u, and the "
	          "counts that would let one recompute them): %u\n"),
	        HIDDEN_MARK, r->min_cell, r->suppressed_cells);
}

/*
 * Long division in base 10: 2 + decimals decimal digits of count/total
 * give the percent in units of 10^-decimals, the remainder decides the
 * rounding (half up). Exact as long as total stays below UINT64_MAX / 10.
 */
uint64_t
pct_scaled(uint64_t count, uint64_t total, unsigned decimals)
{
	uint64_t q, r;

	if (total == 0)
		return 0;
	q = count / total;
	r = count % total;
	for (unsigned i = 0; i < 2 + decimals; i++) {
		r *= 10;
		q = q * 10 + r / total;
		r %= total;
	}
	return r >= total - r ? q + 1 : q;
}

uint64_t
pct_tenths(uint64_t count, uint64_t total)
{
	return pct_scaled(count, total, 1);
}

/* units of 10^-decimals as a decimal number, after sign */
static void
scaled_format(uint64_t v, unsigned decimals, const char *sign,
              char out[PCT_STRLEN])
{
	uint64_t unit = 1;

	for (unsigned i = 0; i < decimals; i++)
		unit *= 10;
	if (decimals == 0)
		snprintf(out, PCT_STRLEN, "%s%" PRIu64, sign, v);
	else
		snprintf(out, PCT_STRLEN, "%s%" PRIu64 ".%0*" PRIu64, sign,
		         v / unit, (int)decimals, v % unit);
}

void
pct_format(uint64_t count, uint64_t total, unsigned decimals,
           char out[PCT_STRLEN])
{
	scaled_format(pct_scaled(count, total, decimals), decimals, "", out);
}

void
pct_signed_format(int64_t scaled, unsigned decimals, char out[PCT_STRLEN])
{
	scaled_format(scaled < 0 ? (uint64_t)0 - (uint64_t)scaled
	                         : (uint64_t)scaled,
	              decimals, scaled < 0 ? "-" : "+", out);
}

/* RFC 4180: quote a field holding a separator, a quote or a line break. */
void
csv_field(struct strbuf *sb, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		sb_add(sb, s);
		return;
	}
	sb_add(sb, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"')
			sb_add(sb, "\"");
		sb_addn(sb, s, 1);
	}
	sb_add(sb, "\"");
}

/* The length of the well-formed UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD so the output
 * always parses. */
void
json_string(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	sb_add(sb, "\"");
	while (*p != '\0') {
		size_t n = 1;

		if (*p == '"' || *p == '\\')
			sb_addf(sb, "\\%c", *p);
		else if (*p == '\n')
			sb_add(sb, "\\n");
		else if (*p == '\r')
			sb_add(sb, "\\r");
		else if (*p == '\t')
			sb_add(sb, "\\t");
		else if (*p < 0x20)
			sb_addf(sb, "\\u%04x", *p);
		else if (*p < 0x80)
			sb_addn(sb, (const char *)p, 1);
		else if ((n = utf8_len(p)) > 0)
			sb_addn(sb, (const char *)p, n);
		else {
			sb_add(sb, "\\ufffd");
			n = 1;
		}
		p += n;
	}
	sb_add(sb, "\"");
}

/* Key i of a row; a missing key reads as NULL, like "". */
const char *
row_key(const Callsheet__Row *row, size_t i)
{
	return i < row->n_keys && row->keys[i] != NULL ? row->keys[i] : "";
}

/* ------------------------------------------------------------------ table */

struct table {
	size_t ndim;   /* text columns, left aligned; then count, percent */
	size_t *width; /* in characters */
	const char **cell;
	char count[24];
	char pct[PCT_STRLEN];
};

/* Display width: UTF-8 continuation bytes take no column. */
size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void
table_fill_row(struct table *t, const Callsheet__Row *row,
               const Callsheet__QueryResult *r)
{
	for (size_t i = 0; i < t->ndim; i++) {
		const char *key = row_key(row, i);

		t->cell[i] = *key == '\0' ? NONE_LABEL : key;
	}
	count_text(row->count, row_hidden(row), t->count);
	pct_text(row->count, row_hidden(row), r, PCT_DECIMALS, t->pct);
	t->cell[t->ndim] = t->count;
	t->cell[t->ndim + 1] = t->pct;
}

static void
table_fill_total(struct table *t, const Callsheet__QueryResult *r)
{
	for (size_t i = 0; i < t->ndim; i++)
		t->cell[i] = i == 0 ? _("total") : "";
	count_text(r->total, total_hidden(r), t->count);
	t->cell[t->ndim] = t->count;
	t->cell[t->ndim + 1] = "";
}

static void
table_measure(struct table *t)
{
	for (size_t i = 0; i < t->ndim + 2; i++) {
		size_t w = text_width(t->cell[i]);

		if (w > t->width[i])
			t->width[i] = w;
	}
}

/* Measure the current cells (sb NULL) or print them as one line. */
static void
table_line(struct table *t, struct strbuf *sb)
{
	if (sb == NULL) {
		table_measure(t);
		return;
	}
	for (size_t i = 0; i < t->ndim + 2; i++) {
		size_t pad = t->width[i] - text_width(t->cell[i]);

		if (i > 0)
			sb_add(sb, "  ");
		if (i < t->ndim)
			sb_add(sb, t->cell[i]);
		for (; pad > 0; pad--)
			sb_add(sb, " ");
		if (i >= t->ndim)
			sb_add(sb, t->cell[i]);
	}
	while (sb->len > 0 && sb->buf[sb->len - 1] == ' ')
		sb->buf[--sb->len] = '\0';
	sb_add(sb, "\n");
}

static void
table_header(struct table *t, const Callsheet__QueryResult *r)
{
	for (size_t i = 0; i < t->ndim; i++)
		t->cell[i] = report_dim_word(r->group_by[i]);
	t->cell[t->ndim] = _("count");
	t->cell[t->ndim + 1] = _("percent");
}

/* Two passes over the same cells: measure every column (sb NULL), then
 * print. */
static void
table_pass(struct table *t, const Callsheet__QueryResult *r, struct strbuf *sb)
{
	table_header(t, r);
	table_line(t, sb);
	for (size_t i = 0; i < r->n_rows; i++) {
		table_fill_row(t, r->rows[i], r);
		table_line(t, sb);
	}
	table_fill_total(t, r);
	table_line(t, sb);
}

void
report_table(struct strbuf *sb, const Callsheet__QueryResult *r)
{
	struct table t = {0};

	if (r->n_group_by == 0) {
		char count[24];

		count_text(r->total, total_hidden(r), count);
		sb_addf(sb, "%s %s\n", _("total"), count);
		report_disclosure_note(sb, r);
		return;
	}
	if (r->n_group_by == 2) {
		report_cross_table(sb, r);
		report_disclosure_note(sb, r);
		return;
	}
	t.ndim = r->n_group_by;
	t.width = xcalloc(t.ndim + 2, sizeof *t.width);
	t.cell = xcalloc(t.ndim + 2, sizeof *t.cell);
	table_pass(&t, r, NULL);
	table_pass(&t, r, sb);
	free(t.width);
	free(t.cell);
	report_disclosure_note(sb, r);
}

/*
 * A grid of w x h text cells (row-major) as aligned columns two spaces
 * apart: the first nleft columns left-aligned, the others right-aligned;
 * frees the cells.
 */
void
text_grid(struct strbuf *sb, char **cell, size_t w, size_t h, size_t nleft)
{
	size_t *width = xcalloc(w + 1, sizeof *width);

	for (size_t i = 0; i < w * h; i++)
		if (text_width(cell[i]) > width[i % w])
			width[i % w] = text_width(cell[i]);
	for (size_t y = 0; y < h; y++) {
		for (size_t x = 0; x < w; x++) {
			const char *t = cell[y * w + x];
			size_t pad = width[x] - text_width(t);

			if (x > 0)
				sb_add(sb, "  ");
			if (x < nleft)
				sb_add(sb, t);
			for (; pad > 0; pad--)
				sb_add(sb, " ");
			if (x >= nleft)
				sb_add(sb, t);
		}
		while (sb->len > 0 && sb->buf[sb->len - 1] == ' ')
			sb->buf[--sb->len] = '\0';
		sb_add(sb, "\n");
	}
	for (size_t i = 0; i < w * h; i++)
		free(cell[i]);
	free(width);
}

/* -------------------------------------------------------------------- csv */

/* A hidden count is an empty field. */
void
csv_counts(struct strbuf *sb, uint64_t count, bool hidden,
           const Callsheet__QueryResult *r)
{
	char pct[PCT_STRLEN];

	pct_text(count, hidden, r, CSV_PCT_DECIMALS, pct);
	if (hidden)
		sb_addf(sb, ",%s\n", pct);
	else
		sb_addf(sb, "%" PRIu64 ",%s\n", count, pct);
}

void
report_csv(struct strbuf *sb, const Callsheet__QueryResult *r)
{
	for (size_t i = 0; i < r->n_group_by; i++) {
		csv_field(sb, r->group_by[i]);
		sb_add(sb, ",");
	}
	sb_add(sb, "count,percent\n");
	if (r->n_group_by == 0) {
		csv_counts(sb, r->total, total_hidden(r), r);
		return;
	}
	for (size_t i = 0; i < r->n_rows; i++) {
		for (size_t k = 0; k < r->n_group_by; k++) {
			csv_field(sb, row_key(r->rows[i], k));
			sb_add(sb, ",");
		}
		csv_counts(sb, r->rows[i]->count, row_hidden(r->rows[i]), r);
	}
	if (r->n_group_by == 2)
		report_cross_csv_totals(sb, r);
}

/* ------------------------------------------------------------------- json */

/* {"keys":{"dim":"key",...}, with the first n dimensions' names */
void
json_keys(struct strbuf *sb, char *const *names, size_t n,
          const Callsheet__Row *row)
{
	sb_add(sb, "{\"keys\":{");
	for (size_t k = 0; k < n; k++) {
		const char *key = row_key(row, k);

		if (k > 0)
			sb_add(sb, ",");
		json_string(sb, names[k]);
		sb_add(sb, ":");
		if (*key == '\0')
			sb_add(sb, "null");
		else
			json_string(sb, key);
	}
	sb_add(sb, "},");
}

static void
json_row(struct strbuf *sb, const Callsheet__QueryResult *r,
         const Callsheet__Row *row)
{
	json_keys(sb, r->group_by, r->n_group_by, row);
	json_counts(sb, row->count, row_hidden(row), r);
	sb_add(sb, "}");
}

/* "count":N,"percent":P; a hidden count: null, and "suppressed":true. */
void
json_counts(struct strbuf *sb, uint64_t count, bool hidden,
            const Callsheet__QueryResult *r)
{
	char pct[PCT_STRLEN];

	pct_text(count, hidden, r, PCT_DECIMALS, pct);
	if (hidden)
		sb_add(sb, "\"count\":null");
	else
		sb_addf(sb, "\"count\":%" PRIu64, count);
	sb_addf(sb, ",\"percent\":%s", pct[0] != '\0' ? pct : "null");
	if (hidden)
		sb_add(sb, ",\"suppressed\":true");
}

void
report_json(struct strbuf *sb, const char *from, const char *to,
            const Callsheet__QueryResult *r)
{
	sb_add(sb, "{\"period\":{\"from\":");
	json_string(sb, from);
	sb_add(sb, ",\"to\":");
	json_string(sb, to);
	sb_add(sb, "},\"group_by\":[");
	for (size_t i = 0; i < r->n_group_by; i++) {
		if (i > 0)
			sb_add(sb, ",");
		json_string(sb, r->group_by[i]);
	}
	if (total_hidden(r))
		sb_add(sb, "],\"total\":null,\"rows\":[");
	else
		sb_addf(sb, "],\"total\":%" PRIu64 ",\"rows\":[", r->total);
	for (size_t i = 0; r->n_group_by > 0 && i < r->n_rows; i++) {
		if (i > 0)
			sb_add(sb, ",");
		json_row(sb, r, r->rows[i]);
	}
	sb_add(sb, "]");
	if (r->n_group_by == 2)
		report_cross_json_totals(sb, r);
	if (r->min_cell > 1) {
		sb_addf(sb,
		        ",\"disclosure\":{\"min_cell\":%u,\"suppressed\":%u,",
		        r->min_cell, r->suppressed_cells);
		if (r->has_perturbed && r->perturbed)
			sb_addf(sb, "\"perturbed\":true,\"max_noise\":%u,",
			        r->max_noise);
		sb_add(sb, "\"rule\":");
		json_string(sb, r->suppression_rule ? r->suppression_rule : "");
		sb_add(sb, "}");
	}
	sb_add(sb, "}\n");
}
