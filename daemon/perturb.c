/* perturb.c: a role's disclosure policy, and the cell-key method applied to
 * a query result: every count perturbed by the perturbation table
 * (ptable.c) with its cell key, rows perturbed to 0 left out, durations
 * counted in bands; pure, no I/O.
 *
 * A cell's key is the sum of its sheets' record keys modulo 2^32 (the SQL
 * reads it beside each count; a margin's is the sum of its cells', the
 * total's comes from the database like the total itself), plus the part
 * of its canonical description (cellkey.c). The same sheets asked for
 * again, or another way that describes the same set, get the same noise:
 * asking again gains nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

#define BAND_S 300 /* durations are counted in 5-minute bands */

static const char rule_text[] =
        "cell-key method: every count is perturbed by a small noise "
        "(at most max_noise either way, mean 0), always the same for the "
        "same sheets; counts under min_cell are shown as 0 and their rows "
        "left out, like empty ones; rows need not add up to their totals; "
        "durations are counted in 5-minute bands, each band perturbed; "
        "closed periods only, as published when closed";

void
disclosure_default(struct disclosure *d, Callsheet__Role role)
{
	memset(d, 0, sizeof *d);
	d->max_noise = NOISE_DEFAULT_MAX;
	d->variance = NOISE_DEFAULT_VARIANCE;
	/* fail safe where the role has no row */
	if (role == CALLSHEET__ROLE__REPORTER) {
		d->method = DISCLOSE_PERTURB;
		d->min_cell = MIN_CELL_DEFAULT_REPORTER;
	} else
		d->method = DISCLOSE_SUPPRESS;
}

/* STMT_MIN_CELL's row: min_cell, method, max_noise, noise_variance, the
 * cell-key salt. */
void
disclosure_from_row(struct disclosure *d, const struct db_row *row)
{
	d->min_cell = (uint32_t)db_uint(row, 0);
	d->method = strcmp(db_text(row, 1), "perturb") == 0 ? DISCLOSE_PERTURB
	                                                    : DISCLOSE_SUPPRESS;
	d->max_noise = (uint32_t)db_uint(row, 2);
	d->variance = db_double(row, 3);
	snprintf(d->salt, sizeof d->salt, "%s", db_text(row, 4));
}

static uint32_t
cell_key(uint64_t sum)
{
	return (uint32_t)(sum % CELL_KEY_MOD);
}

/* Shown rows by count, largest first, then by key: the order of the
 * perturbed counts, never of the true ones. */
static int
count_order(const void *a, const void *b)
{
	const Callsheet__Row *x = *(Callsheet__Row *const *)a;
	const Callsheet__Row *y = *(Callsheet__Row *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return row_order(a, b);
}

static void
perturb_cross(Callsheet__QueryResult *r, const struct cell_keys *k,
              const struct ptable *pt)
{
	struct xgrid g;
	size_t len, nr, nc, w;
	bool *hide, *omit, *line_shown;
	uint32_t *desc;

	xgrid_build(r, k->rows, &g);
	nr = g.nr;
	nc = g.nc;
	w = g.w;
	len = (nr + 1) * w;
	hide = xcalloc(len, sizeof *hide);
	omit = xcalloc(len, sizeof *omit);
	line_shown = xcalloc(nr + nc + 1, sizeof *line_shown);
	/* each cell's and margin's own description; the corner's is the
	 * total's */
	desc = xcalloc(len, sizeof *desc);
	for (size_t i = 0; i < r->n_rows; i++) {
		size_t e = g.cell[i];

		desc[e] = k->desc[i][0];
		desc[e / w * w + nc] = k->desc[i][1];
		desc[nr * w + e % w] = k->desc[i][2];
	}
	desc[nr * w + nc] = k->total_desc;
	for (size_t e = 0; e < len; e++)
		g.n[e] = ptable_apply(pt, g.n[e], cell_key(g.key[e] + desc[e]));
	free(desc);
	for (size_t i = 0; i < r->n_rows; i++) {
		size_t e = g.cell[i];

		r->rows[i]->count = g.n[e];
		if (g.n[e] > 0)
			line_shown[e / w] = line_shown[nr + e % w] = true;
	}
	/* a margin of 0 is listed only beside shown cells: listed, it
	 * would say that its line is not empty */
	for (size_t a = 0; a < nr; a++)
		omit[a * w + nc] = g.n[a * w + nc] == 0 && !line_shown[a];
	for (size_t b = 0; b < nc; b++)
		omit[nr * w + b] = g.n[nr * w + b] == 0 && !line_shown[nr + b];
	xgrid_margins(r, &g, hide, omit);
	free(hide);
	free(omit);
	free(line_shown);
	xgrid_free(&g);
}

/*
 * The result as the role may see it under the cell-key method: rows,
 * margins and total perturbed, rows of 0 moved after the returned count
 * (their owner still frees them), the shown ones reordered by their
 * perturbed counts.
 */
size_t
perturb_result(Callsheet__QueryResult *r, const struct cell_keys *k,
               const struct disclosure *d)
{
	struct ptable pt;
	size_t shown = 0;

	if (ptable_build(&pt, d->min_cell, d->max_noise, d->variance) != 0)
		ptable_build(&pt, MIN_CELL_DEFAULT_REPORTER, NOISE_DEFAULT_MAX,
		             NOISE_DEFAULT_VARIANCE);
	r->has_min_cell = true;
	r->min_cell = d->min_cell;
	r->has_perturbed = r->perturbed = true;
	r->has_max_noise = true;
	r->max_noise = pt.max_noise;
	r->has_suppressed_cells = true;
	r->suppressed_cells = 0; /* how many were small would say too much */
	r->suppression_rule = (char *)rule_text;
	if (r->n_group_by == 2)
		perturb_cross(r, k, &pt);
	else
		for (size_t i = 0; i < r->n_rows; i++)
			r->rows[i]->count = ptable_apply(
			        &pt, r->rows[i]->count,
			        cell_key(k->rows[i] + k->desc[i][0]));
	/* shown rows first, the rows of 0 after them */
	for (size_t i = 0; i < r->n_rows; i++)
		if (r->rows[i]->count > 0) {
			Callsheet__Row *t = r->rows[shown];

			r->rows[shown++] = r->rows[i];
			r->rows[i] = t;
		}
	qsort(r->rows, shown, sizeof *r->rows, count_order);
	r->total =
	        ptable_apply(&pt, r->total, cell_key(k->total + k->total_desc));
	r->has_total_suppressed = true;
	r->total_suppressed = false;
	ptable_free(&pt);
	return shown;
}

/*
 * Durations under the cell-key method: the sheets counted in 5-minute
 * bands, each band a cell (its own key) perturbed like any count, and the
 * statistics computed from the perturbed bands, each band standing for its
 * lower bound: no exact sum or single duration can be read from them.
 */
void
perturb_durations(const uint32_t *seconds, const uint64_t *counts,
                  const uint64_t *keys, size_t n, const struct disclosure *d,
                  Callsheet__DurationStats *out)
{
	size_t nb = 0;
	uint32_t *band = xcalloc(n + 1, sizeof *band);
	uint64_t *bn = xcalloc(n + 1, sizeof *bn), *bk = xcalloc(n + 1, 8);
	struct ptable pt;

	/* seconds ascending: bands ascending */
	for (size_t i = 0; i < n; i++) {
		uint32_t b = seconds[i] / BAND_S * BAND_S;

		if (nb == 0 || band[nb - 1] != b)
			band[nb++] = b;
		bn[nb - 1] += counts[i];
		bk[nb - 1] += keys[i];
	}
	if (ptable_build(&pt, d->min_cell, d->max_noise, d->variance) != 0)
		ptable_build(&pt, MIN_CELL_DEFAULT_REPORTER, NOISE_DEFAULT_MAX,
		             NOISE_DEFAULT_VARIANCE);
	for (size_t b = 0; b < nb; b++)
		bn[b] = ptable_apply(&pt, bn[b], cell_key(bk[b]));
	query_duration_stats(band, bn, nb, out);
	ptable_free(&pt);
	free(band);
	free(bn);
	free(bk);
}
