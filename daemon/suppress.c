/* suppress.c: disclosure control on a query result before it leaves the
 * daemon: the cross table's margins, then primary and secondary suppression
 * of the counts under the session role's minimum cell size; pure, no I/O.
 *
 * The rule, for a minimum cell size k > 1:
 *  - primary: every count n with 0 < n < k is hidden, cells and totals
 *    alike (a zero is not hidden: it is known anyway from the absent row);
 *  - secondary: the published counts obey linear equations (one
 *    dimension: the cells add up to the total; two: each row's cells add
 *    up to its row total, each column's to its column total, and the
 *    totals add up to the grand total). A hidden count must not be
 *    computable from them. Hence, until nothing changes:
 *    1. every line (a row or a column, with its total) holding exactly one
 *       hidden count gets a second one: its smallest other non-zero count,
 *       preferring cells to totals;
 *    2. two dimensions: in the graph whose nodes are the lines and whose
 *       edges are the hidden counts (each count sits on one row and one
 *       column), a hidden count is computable exactly when it is a bridge
 *       (on no cycle), even if every line holds two hidden counts. Each
 *       bridge gets a hidden count across its cut, closing a cycle through
 *       it; if there is none to hide, every non-zero count is hidden.
 *    So a row or column total stays shown only where its line holds two
 *    hidden cells or none: it then gives away nothing.
 *  - hidden rows carry count 0 and come last, in key order: their place in
 *    a list sorted by count would bound them.
 * This protects each result on its own; it does not audit what several
 * queries reveal together (a filter that equals a hidden cell of another
 * table, differences between periods). So it is the method of roles that
 * see exact figures anyway (a jurist given a minimum cell size); the
 * reporter's answers go through the cell-key method (perturb.c), which
 * holds against such combinations (docs/SECURITY.md).
 */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

static const char rule_text[] =
        "counts from 1 to min_cell - 1 are hidden (primary suppression), "
        "then further counts so that none can be recomputed from the row, "
        "column and grand totals (secondary suppression: a row or column "
        "with a hidden count holds at least two, and no hidden count is "
        "the only link between two groups of them); hidden rows come "
        "last, in key order, with count 0";

static bool
sensitive(uint64_t n, uint64_t k)
{
	return n > 0 && n < k;
}

/* The index of the smallest non-zero count not yet hidden among idx[],
 * cells (not totals) first; -1 if none. */
static long
smallest(const uint64_t *n, const bool *hide, const size_t *idx,
         const bool *is_total, size_t len)
{
	long best = -1;

	for (int pass = 0; pass < 2 && best < 0; pass++) {
		for (size_t i = 0; i < len; i++) {
			size_t e = idx[i];

			if (hide[e] || n[e] == 0 || is_total[i] != (pass == 1))
				continue;
			if (best < 0 || n[e] < n[best])
				best = (long)e;
		}
	}
	return best;
}

unsigned
suppress_line(const uint64_t *n, bool *hide, size_t len, uint64_t k)
{
	size_t *idx = xcalloc(len, sizeof *idx);
	bool *is_total = xcalloc(len, sizeof *is_total);
	unsigned hidden = 0;
	long e;

	for (size_t i = 0; i < len; i++) {
		hide[i] = sensitive(n[i], k);
		hidden += hide[i];
		idx[i] = i;
	}
	if (len > 0)
		is_total[len - 1] = true;
	if (hidden == 1 && (e = smallest(n, hide, idx, is_total, len)) >= 0) {
		hide[e] = true;
		hidden++;
	}
	free(idx);
	free(is_total);
	return hidden;
}

/* ------------------------------------------------------------ the grid */

/*
 * A grid is (rows + 1) x (cols + 1) counts, row-major: the last column
 * holds the row totals, the last row the column totals, the corner the
 * grand total. Line l < rows + 1 is row l; line rows + 1 + j is column j.
 */
struct grid {
	const uint64_t *n;
	bool *hide;
	size_t rows, cols; /* without the margins */
	size_t w, h;       /* with them */
	/* one line's entries, for smallest() */
	size_t *idx;
	bool *is_total;
};

static size_t
line_entries(struct grid *g, size_t line)
{
	size_t len;

	if (line < g->h) {
		for (size_t j = 0; j < g->w; j++) {
			g->idx[j] = line * g->w + j;
			g->is_total[j] = j == g->cols || line == g->rows;
		}
		len = g->w;
	} else {
		size_t col = line - g->h;

		for (size_t i = 0; i < g->h; i++) {
			g->idx[i] = i * g->w + col;
			g->is_total[i] = i == g->rows || col == g->cols;
		}
		len = g->h;
	}
	/* the margin line's own total (the corner) is its total too */
	g->is_total[len - 1] = true;
	return len;
}

/* Rule 1: a line with exactly one hidden count gets a second. */
static bool
pair_lines(struct grid *g)
{
	bool changed = false;

	for (size_t line = 0; line < g->h + g->w; line++) {
		size_t len = line_entries(g, line), nh = 0;
		long e;

		for (size_t i = 0; i < len; i++)
			nh += g->hide[g->idx[i]];
		if (nh == 1 && (e = smallest(g->n, g->hide, g->idx, g->is_total,
		                             len)) >= 0) {
			g->hide[e] = true;
			changed = true;
		}
	}
	return changed;
}

/* The graph of hidden counts: node r < h is row r, node h + c column c;
 * an edge per hidden count, adjacency in CSR form. */
struct hgraph {
	size_t nnodes;
	size_t *start; /* nnodes + 1 */
	size_t *adj;   /* node at the other end */
	size_t *edge;  /* the count's index in the grid */
};

static void
hgraph_build(const struct grid *g, struct hgraph *hg)
{
	size_t *fill;

	hg->nnodes = g->h + g->w;
	hg->start = xcalloc(hg->nnodes + 1, sizeof *hg->start);
	for (size_t i = 0; i < g->h; i++)
		for (size_t j = 0; j < g->w; j++)
			if (g->hide[i * g->w + j]) {
				hg->start[i + 1]++;
				hg->start[g->h + j + 1]++;
			}
	for (size_t v = 0; v < hg->nnodes; v++)
		hg->start[v + 1] += hg->start[v];
	hg->adj = xcalloc(hg->start[hg->nnodes] + 1, sizeof *hg->adj);
	hg->edge = xcalloc(hg->start[hg->nnodes] + 1, sizeof *hg->edge);
	fill = xcalloc(hg->nnodes, sizeof *fill);
	for (size_t i = 0; i < g->h; i++)
		for (size_t j = 0; j < g->w; j++) {
			size_t e = i * g->w + j, a = i, b = g->h + j;

			if (!g->hide[e])
				continue;
			hg->adj[hg->start[a] + fill[a]] = b;
			hg->edge[hg->start[a] + fill[a]++] = e;
			hg->adj[hg->start[b] + fill[b]] = a;
			hg->edge[hg->start[b] + fill[b]++] = e;
		}
	free(fill);
}

static void
hgraph_free(struct hgraph *hg)
{
	free(hg->start);
	free(hg->adj);
	free(hg->edge);
}

/*
 * Tarjan's bridge search, iterative: the first bridge found, as a grid
 * index, or -1. An edge is a bridge when the subtree under it reaches no
 * node above it by another edge.
 */
static long
find_bridge(const struct hgraph *hg)
{
	size_t n = hg->nnodes, t = 0;
	size_t *disc = xcalloc(n, sizeof *disc); /* 0: not visited */
	size_t *low = xcalloc(n, sizeof *low);
	size_t *pedge = xcalloc(n, sizeof *pedge); /* edge to the parent */
	size_t *next = xcalloc(n, sizeof *next);   /* adjacency cursor */
	size_t *stack = xcalloc(n, sizeof *stack);
	long bridge = -1;

	for (size_t root = 0; root < n && bridge < 0; root++) {
		size_t sp = 0;

		if (disc[root] != 0)
			continue;
		disc[root] = low[root] = ++t;
		pedge[root] = SIZE_MAX;
		next[root] = hg->start[root];
		stack[sp++] = root;
		while (sp > 0 && bridge < 0) {
			size_t v = stack[sp - 1];

			if (next[v] < hg->start[v + 1]) {
				size_t k = next[v]++, u = hg->adj[k];

				if (hg->edge[k] == pedge[v])
					continue;
				if (disc[u] == 0) {
					disc[u] = low[u] = ++t;
					pedge[u] = hg->edge[k];
					next[u] = hg->start[u];
					stack[sp++] = u;
				} else if (disc[u] < low[v])
					low[v] = disc[u];
				continue;
			}
			sp--;
			if (sp > 0) {
				size_t p = stack[sp - 1];

				if (low[v] < low[p])
					low[p] = low[v];
				if (low[v] > disc[p])
					bridge = (long)pedge[v];
			}
		}
	}
	free(disc);
	free(low);
	free(pedge);
	free(next);
	free(stack);
	return bridge;
}

/* Marks side[] with `mark` every node reached from `from` without the
 * edge `cut`. */
static void
reach(const struct hgraph *hg, size_t from, size_t cut, char *side, char mark)
{
	size_t *stack = xcalloc(hg->nnodes, sizeof *stack), sp = 0;

	side[from] = mark;
	stack[sp++] = from;
	while (sp > 0) {
		size_t v = stack[--sp];

		for (size_t k = hg->start[v]; k < hg->start[v + 1]; k++) {
			size_t u = hg->adj[k];

			if (hg->edge[k] != cut && side[u] == 0) {
				side[u] = mark;
				stack[sp++] = u;
			}
		}
	}
	free(stack);
}

/* Rule 2: hide a count across the cut of one bridge; false if none. */
static bool
close_bridge(struct grid *g)
{
	struct hgraph hg;
	long bridge, best = -1;
	bool best_total = true;
	char *side;

	hgraph_build(g, &hg);
	if ((bridge = find_bridge(&hg)) < 0) {
		hgraph_free(&hg);
		return false;
	}
	/* side 1: the bridge's row end; 2: its column end */
	side = xcalloc(hg.nnodes, 1);
	reach(&hg, (size_t)bridge / g->w, (size_t)bridge, side, 1);
	reach(&hg, g->h + (size_t)bridge % g->w, (size_t)bridge, side, 2);
	for (size_t i = 0; i < g->h; i++)
		for (size_t j = 0; j < g->w; j++) {
			size_t e = i * g->w + j;
			char a = side[i], b = side[g->h + j];
			bool total = i == g->rows || j == g->cols;

			if (g->hide[e] || g->n[e] == 0 || a == 0 || b == 0 ||
			    a == b)
				continue;
			if (best < 0 || (best_total && !total) ||
			    (best_total == total && g->n[e] < g->n[best])) {
				best = (long)e;
				best_total = total;
			}
		}
	if (best >= 0)
		g->hide[best] = true;
	else /* nothing to pair with: hide it all */
		for (size_t e = 0; e < g->w * g->h; e++)
			g->hide[e] = g->n[e] > 0;
	free(side);
	hgraph_free(&hg);
	return true;
}

unsigned
suppress_grid(const uint64_t *n, bool *hide, size_t rows, size_t cols,
              uint64_t k)
{
	struct grid g = {n, hide, rows, cols, cols + 1, rows + 1, NULL, NULL};
	size_t len = g.w * g.h, longest = g.w > g.h ? g.w : g.h;
	unsigned hidden = 0;

	g.idx = xcalloc(longest, sizeof *g.idx);
	g.is_total = xcalloc(longest, sizeof *g.is_total);
	for (size_t e = 0; e < len; e++)
		hide[e] = sensitive(n[e], k);
	while (pair_lines(&g) || close_bridge(&g))
		;
	for (size_t e = 0; e < len; e++)
		hidden += hide[e];
	free(g.idx);
	free(g.is_total);
	return hidden;
}

/* ------------------------------------------------------- query results */

static Callsheet__Row *
row_new(size_t nkeys, const char *key, uint64_t count)
{
	Callsheet__Row *row = xmalloc(sizeof *row);

	callsheet__row__init(row);
	row->n_keys = nkeys;
	row->keys = xcalloc(nkeys + 1, sizeof *row->keys);
	if (nkeys > 0)
		row->keys[0] = xstrdup(key);
	row->count = count;
	row->has_count = true;
	return row;
}

static void
row_hide(Callsheet__Row *row, bool hide)
{
	row->has_suppressed = hide;
	row->suppressed = hide;
	if (hide)
		row->count = 0;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct values of key `col` in the rows, sorted. */
static char **
distinct_keys(const Callsheet__QueryResult *r, size_t col, size_t *n)
{
	char **keys = xcalloc(r->n_rows + 1, sizeof *keys);
	size_t m = 0;

	for (size_t i = 0; i < r->n_rows; i++)
		keys[i] = r->rows[i]->keys[col];
	qsort(keys, r->n_rows, sizeof *keys, key_cmp);
	for (size_t i = 0; i < r->n_rows; i++)
		if (m == 0 || strcmp(keys[m - 1], keys[i]) != 0)
			keys[m++] = keys[i];
	*n = m;
	return keys;
}

static size_t
key_index(char **keys, size_t n, const char *key)
{
	char *const *p = bsearch(&key, keys, n, sizeof *keys, key_cmp);

	return p != NULL ? (size_t)(p - keys) : 0;
}

/* The grid of a two-dimension result: its cells and margins, with the sums
 * of their cell keys when row_keys is given (perturb.c). */
void
xgrid_build(const Callsheet__QueryResult *r, const uint64_t *row_keys,
            struct xgrid *g)
{
	size_t len;

	memset(g, 0, sizeof *g);
	g->rk = distinct_keys(r, 0, &g->nr);
	g->ck = distinct_keys(r, 1, &g->nc);
	g->w = g->nc + 1;
	len = (g->nr + 1) * g->w;
	g->n = xcalloc(len, sizeof *g->n);
	g->key = row_keys != NULL ? xcalloc(len, sizeof *g->key) : NULL;
	g->cell = xcalloc(r->n_rows + 1, sizeof *g->cell);
	for (size_t i = 0; i < r->n_rows; i++) {
		const Callsheet__Row *row = r->rows[i];
		size_t a = key_index(g->rk, g->nr, row->keys[0]);
		size_t b = key_index(g->ck, g->nc, row->keys[1]);
		size_t at[4] = {a * g->w + b, a * g->w + g->nc,
		                g->nr * g->w + b, g->nr * g->w + g->nc};

		g->cell[i] = at[0];
		for (size_t e = 0; e < 4; e++) {
			g->n[at[e]] += row->count;
			if (g->key != NULL)
				g->key[at[e]] += row_keys[i];
		}
	}
}

/* The margins into the result, from g->n as it now is (hidden or
 * perturbed); omit[e], when given, leaves margin e out of the lists. */
void
xgrid_margins(Callsheet__QueryResult *r, const struct xgrid *g,
              const bool *hide, const bool *omit)
{
	size_t nr = g->nr, nc = g->nc, w = g->w;

	r->row_totals = xcalloc(nr + 1, sizeof *r->row_totals);
	r->n_row_totals = 0;
	for (size_t a = 0; a < nr; a++) {
		if (omit != NULL && omit[a * w + nc])
			continue;
		r->row_totals[r->n_row_totals] =
		        row_new(1, g->rk[a], g->n[a * w + nc]);
		row_hide(r->row_totals[r->n_row_totals++], hide[a * w + nc]);
	}
	r->column_totals = xcalloc(nc + 1, sizeof *r->column_totals);
	r->n_column_totals = 0;
	for (size_t b = 0; b < nc; b++) {
		if (omit != NULL && omit[nr * w + b])
			continue;
		r->column_totals[r->n_column_totals] =
		        row_new(1, g->ck[b], g->n[nr * w + b]);
		row_hide(r->column_totals[r->n_column_totals++],
		         hide[nr * w + b]);
	}
	r->table_total = row_new(0, NULL, g->n[nr * w + nc]);
	row_hide(r->table_total, hide[nr * w + nc]);
}

void
xgrid_free(struct xgrid *g)
{
	free(g->rk);
	free(g->ck);
	free(g->n);
	free(g->key);
	free(g->cell);
	memset(g, 0, sizeof *g);
}

/* Two dimensions: margins and the grid; returns the hidden count. */
static unsigned
suppress_cross(Callsheet__QueryResult *r, uint64_t k)
{
	struct xgrid g;
	bool *hide;
	unsigned hidden;
	size_t corner;

	xgrid_build(r, NULL, &g);
	hide = xcalloc((g.nr + 1) * g.w, sizeof *hide);
	hidden = suppress_grid(g.n, hide, g.nr, g.nc, k);
	for (size_t i = 0; i < r->n_rows; i++)
		row_hide(r->rows[i], hide[g.cell[i]]);
	xgrid_margins(r, &g, hide, NULL);
	corner = g.nr * g.w + g.nc;
	/* the grand total is the sheets' total too, unless topic counts a
	 * sheet more than once */
	if (hide[corner] && !r->total_suppressed) {
		r->total_suppressed = true;
		hidden++;
	}
	xgrid_free(&g);
	free(hide);
	return hidden;
}

static unsigned
suppress_rows(Callsheet__QueryResult *r, uint64_t k)
{
	size_t len = r->n_rows + 1;
	uint64_t *n = xcalloc(len, sizeof *n);
	bool *hide = xcalloc(len, sizeof *hide);
	unsigned hidden;

	for (size_t i = 0; i < r->n_rows; i++)
		n[i] = r->rows[i]->count;
	n[r->n_rows] = r->total;
	hidden = suppress_line(n, hide, len, k);
	for (size_t i = 0; i < r->n_rows; i++)
		row_hide(r->rows[i], hide[i]);
	r->total_suppressed = hide[r->n_rows];
	free(n);
	free(hide);
	return hidden;
}

/* By keys (all of them), for qsort on row pointers. */
int
row_order(const void *a, const void *b)
{
	const Callsheet__Row *x = *(Callsheet__Row *const *)a;
	const Callsheet__Row *y = *(Callsheet__Row *const *)b;
	int c;

	for (size_t i = 0; i < x->n_keys && i < y->n_keys; i++)
		if ((c = strcmp(x->keys[i], y->keys[i])) != 0)
			return c;
	return 0;
}

/* Shown rows first, in their order; hidden ones after, by key (all
 * their keys). */
static void
reorder(Callsheet__QueryResult *r)
{
	Callsheet__Row **shown = xcalloc(r->n_rows + 1, sizeof *shown);
	size_t ns = 0, nh = 0;

	for (size_t i = 0; i < r->n_rows; i++)
		if (!r->rows[i]->suppressed)
			shown[ns++] = r->rows[i];
	for (size_t i = 0; i < r->n_rows; i++)
		if (r->rows[i]->suppressed)
			r->rows[nh++] = r->rows[i];
	qsort(r->rows, nh, sizeof *r->rows, row_order);
	memmove(r->rows + ns, r->rows, nh * sizeof *r->rows);
	memcpy(r->rows, shown, ns * sizeof *r->rows);
	free(shown);
}

unsigned
suppress_result(Callsheet__QueryResult *r, uint32_t k)
{
	unsigned hidden = 0;

	r->has_min_cell = true;
	r->min_cell = k;
	r->has_total_suppressed = true;
	r->total_suppressed = false;
	if (r->n_group_by == 2)
		hidden = suppress_cross(r, k);
	else if (r->n_group_by == 1)
		hidden = suppress_rows(r, k);
	if (!r->total_suppressed && sensitive(r->total, k)) {
		r->total_suppressed = true;
		hidden++;
	}
	if (r->total_suppressed)
		r->total = 0;
	if (r->duration != NULL &&
	    (r->total_suppressed || sensitive(r->duration->count, k))) {
		r->has_duration_suppressed = true;
		r->duration_suppressed = true;
		r->duration = NULL; /* its owner frees it */
	}
	reorder(r);
	r->has_suppressed_cells = true;
	r->suppressed_cells = hidden;
	r->suppression_rule = k > 1 ? (char *)rule_text : NULL;
	return hidden;
}

/* What suppress_result() allocated. */
void
suppress_result_free(Callsheet__QueryResult *r)
{
	Callsheet__Row **lists[2] = {r->row_totals, r->column_totals};
	size_t lens[2] = {r->n_row_totals, r->n_column_totals};

	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < lens[l]; i++) {
			free(lists[l][i]->keys[0]);
			free(lists[l][i]->keys);
			free(lists[l][i]);
		}
		free(lists[l]);
	}
	if (r->table_total != NULL) {
		free(r->table_total->keys);
		free(r->table_total);
	}
	r->row_totals = r->column_totals = NULL;
	r->n_row_totals = r->n_column_totals = 0;
	r->table_total = NULL;
}
