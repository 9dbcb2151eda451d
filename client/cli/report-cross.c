/* report-cross.c: a two-dimension result as a cross table (rows: the
 * first dimension, columns: the second) with its row and column totals,
 * and those totals in CSV and JSON. The totals come from the server, which
 * hides them when they would give a hidden cell away. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcallsheet.h"
#include "report-format.h"

#define NONE_LABEL  _("(none)")
#define TOTAL_LABEL "(total)"

/* The margins, from the server, or summed here from an older server's
 * rows (which hide nothing). */
struct margins {
	const Callsheet__Row **row, **col; /* totals, by key */
	size_t nr, nc;
	const Callsheet__Row *grand;
	Callsheet__Row *owned; /* the summed ones */
	Callsheet__Row owned_grand;
	char **owned_keys;
};

static size_t
add_key(Callsheet__Row *rows, size_t *n, const char *key, uint64_t count,
        char ***keys)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(rows[i].keys[0], key) == 0)
			break;
	if (i == *n) {
		callsheet__row__init(&rows[i]);
		rows[i].n_keys = 1;
		rows[i].keys = &(*keys)[i];
		(*keys)[i] = (char *)key;
		(*n)++;
	}
	rows[i].count += count;
	return i;
}

static void
margins_sum(struct margins *m, const Callsheet__QueryResult *r)
{
	size_t n = r->n_rows + 1, nr = 0, nc = 0;
	Callsheet__Row *rows = xcalloc(2 * n, sizeof *rows);

	m->owned_keys = xcalloc(2 * n, sizeof *m->owned_keys);
	callsheet__row__init(&m->owned_grand);
	for (size_t i = 0; i < r->n_rows; i++) {
		char **rk = m->owned_keys, **ck = m->owned_keys + n;

		add_key(rows, &nr, row_key(r->rows[i], 0), r->rows[i]->count,
		        &rk);
		add_key(rows + n, &nc, row_key(r->rows[i], 1),
		        r->rows[i]->count, &ck);
		m->owned_grand.count += r->rows[i]->count;
	}
	m->owned = rows;
	m->row = xcalloc(n, sizeof *m->row);
	m->col = xcalloc(n, sizeof *m->col);
	for (size_t i = 0; i < nr; i++)
		m->row[i] = &rows[i];
	for (size_t i = 0; i < nc; i++)
		m->col[i] = &rows[n + i];
	m->nr = nr;
	m->nc = nc;
	m->grand = &m->owned_grand;
}

static void
margins_get(struct margins *m, const Callsheet__QueryResult *r)
{
	memset(m, 0, sizeof *m);
	if (r->table_total == NULL) {
		margins_sum(m, r);
		return;
	}
	m->nr = r->n_row_totals;
	m->nc = r->n_column_totals;
	m->row = xcalloc(m->nr + 1, sizeof *m->row);
	m->col = xcalloc(m->nc + 1, sizeof *m->col);
	for (size_t i = 0; i < m->nr; i++)
		m->row[i] = r->row_totals[i];
	for (size_t i = 0; i < m->nc; i++)
		m->col[i] = r->column_totals[i];
	m->grand = r->table_total;
}

static void
margins_free(struct margins *m)
{
	free(m->row);
	free(m->col);
	free(m->owned);
	free(m->owned_keys);
}

static size_t
find_key(const Callsheet__Row **v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(row_key(v[i], 0), key) == 0)
			return i;
	return n;
}

static const char *
key_label(const char *key)
{
	return *key == '\0' ? NONE_LABEL : key;
}

/* -------------------------------------------------------------- table */

void
report_cross_table(struct strbuf *sb, const Callsheet__QueryResult *r)
{
	struct margins m;
	size_t w, h;
	const Callsheet__Row **cell;
	char **text;

	margins_get(&m, r);
	w = m.nc + 2; /* the row key, the cells, the row total */
	h = m.nr + 2; /* the header, the rows, the column totals */
	cell = xcalloc(m.nr * m.nc + 1, sizeof *cell);
	for (size_t i = 0; i < r->n_rows; i++) {
		size_t a = find_key(m.row, m.nr, row_key(r->rows[i], 0));
		size_t b = find_key(m.col, m.nc, row_key(r->rows[i], 1));

		if (a < m.nr && b < m.nc)
			cell[a * m.nc + b] = r->rows[i];
	}
	text = xcalloc(w * h, sizeof *text);
	text[0] = xasprintf("%s \\ %s", report_dim_word(r->group_by[0]),
	                    report_dim_word(r->group_by[1]));
	for (size_t b = 0; b < m.nc; b++)
		text[1 + b] = xstrdup(key_label(row_key(m.col[b], 0)));
	text[w - 1] = xstrdup(_("total"));
	for (size_t a = 0; a <= m.nr; a++) {
		char **line = text + (a + 1) * w;
		char count[24];

		line[0] = xstrdup(a < m.nr ? key_label(row_key(m.row[a], 0))
		                           : _("total"));
		for (size_t b = 0; b <= m.nc; b++) {
			const Callsheet__Row *c = a < m.nr && b < m.nc
			                                  ? cell[a * m.nc + b]
			                          : a < m.nr ? m.row[a]
			                          : b < m.nc ? m.col[b]
			                                     : m.grand;

			count_text(c != NULL ? c->count : 0,
			           c != NULL && row_hidden(c), count);
			line[1 + b] = xstrdup(count);
		}
	}
	text_grid(sb, text, w, h, 1);
	free(text);
	free(cell);
	margins_free(&m);
}

/* ---------------------------------------------------------- csv, json */

static void
csv_total_line(struct strbuf *sb, const char *k1, const char *k2,
               const Callsheet__Row *row, const Callsheet__QueryResult *r)
{
	csv_field(sb, k1);
	sb_add(sb, ",");
	csv_field(sb, k2);
	sb_add(sb, ",");
	csv_counts(sb, row->count, row_hidden(row), r);
}

/* After the cells: "k1,(total)" rows, "(total),k2" rows, then the grand
 * total "(total),(total)"; "(total)" cannot be a key. */
void
report_cross_csv_totals(struct strbuf *sb, const Callsheet__QueryResult *r)
{
	struct margins m;

	margins_get(&m, r);
	for (size_t i = 0; i < m.nr; i++)
		csv_total_line(sb, row_key(m.row[i], 0), TOTAL_LABEL, m.row[i],
		               r);
	for (size_t i = 0; i < m.nc; i++)
		csv_total_line(sb, TOTAL_LABEL, row_key(m.col[i], 0), m.col[i],
		               r);
	csv_total_line(sb, TOTAL_LABEL, TOTAL_LABEL, m.grand, r);
	margins_free(&m);
}

static void
json_totals(struct strbuf *sb, const char *name, char *dim,
            const Callsheet__Row **v, size_t n, const Callsheet__QueryResult *r)
{
	sb_addf(sb, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			sb_add(sb, ",");
		json_keys(sb, &dim, 1, v[i]);
		json_counts(sb, v[i]->count, row_hidden(v[i]), r);
		sb_add(sb, "}");
	}
	sb_add(sb, "]");
}

void
report_cross_json_totals(struct strbuf *sb, const Callsheet__QueryResult *r)
{
	struct margins m;

	margins_get(&m, r);
	json_totals(sb, "row_totals", r->group_by[0], m.row, m.nr, r);
	json_totals(sb, "column_totals", r->group_by[1], m.col, m.nc, r);
	sb_add(sb, ",\"table_total\":{");
	json_counts(sb, m.grand->count, row_hidden(m.grand), r);
	sb_add(sb, "}");
	margins_free(&m);
}
