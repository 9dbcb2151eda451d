/* ptable.c: the perturbation table of the cell-key method: for a count and
 * a cell key, the noise added to the count; pure, no I/O.
 *
 * For a true count i and the parameters (k = min_cell, D = max_noise,
 * V = variance):
 *  - i = 0 stays 0;
 *  - 0 < i < k becomes 0: a count under the minimum is never shown, and
 *    looks like a true zero (unbiased noise for such counts would let
 *    the few subsets of one small cell be told apart, see SECURITY.md);
 *  - i >= k gets a noise v with |v| <= D (D is at least k, so that k
 *    itself may fall to 0) such that i + v is 0 or at
 *    least k, of mean 0 and variance V where the support allows it,
 *    otherwise of mean 0 alone: of all distributions meeting those
 *    constraints, the one of maximum entropy (the least informative),
 *    p(v) proportional to exp(a v + b v^2), found by Newton's method on
 *    the convex dual log Z(a, b) - b V.
 * Counts from k + D on share one distribution. The cell key (0 .. 2^32 - 1,
 * read as a fraction of 2^32) picks the noise by the inverse of the
 * cumulative distribution: uniform keys give exactly those probabilities.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

#define NEWTON_STEPS 200
#define TOLERANCE    1e-10

/* The noises allowed for count i. */
static size_t
support(const struct ptable *pt, uint64_t i, int *v)
{
	size_t n = 0;

	for (int x = -(int)pt->max_noise; x <= (int)pt->max_noise; x++) {
		int64_t to = (int64_t)i + x;

		if (to == 0 || to >= (int64_t)pt->min_cell)
			v[n++] = x;
	}
	return n;
}

/* p(v) for exponent parameters (a, b), normalised; log Z in *logz. */
static void
gibbs(const int *v, size_t n, double a, double b, double *p, double *logz)
{
	double top = -INFINITY, z = 0;

	*logz = 0;
	if (n == 0) /* never: 0 is always a noise allowed */
		return;
	for (size_t j = 0; j < n; j++) {
		double e = a * v[j] + b * v[j] * v[j];

		p[j] = e;
		top = e > top ? e : top;
	}
	for (size_t j = 0; j < n; j++)
		z += p[j] = exp(p[j] - top);
	for (size_t j = 0; j < n; j++)
		p[j] /= z;
	*logz = log(z) + top;
}

/*
 * Maximum entropy over v[] with mean 0 and, when fit_var, variance V:
 * minimises f(a, b) = log Z(a, b) - b V. The gradient is (E v, E v^2 - V),
 * the Hessian the covariance of (v, v^2). Returns whether the constraints
 * were met.
 */
static bool
max_entropy(const int *v, size_t n, double V, bool fit_var, double *p)
{
	double a = 0, b = 0, logz;

	for (int step = 0; step < NEWTON_STEPS; step++) {
		double m1 = 0, m2 = 0, m3 = 0, m4 = 0, g1, g2, h11, h12, h22;
		double det, da, db, f0, t = 1;

		gibbs(v, n, a, b, p, &logz);
		for (size_t j = 0; j < n; j++) {
			double x = v[j];

			m1 += p[j] * x;
			m2 += p[j] * x * x;
			m3 += p[j] * x * x * x;
			m4 += p[j] * x * x * x * x;
		}
		g1 = m1;
		g2 = fit_var ? m2 - V : 0;
		if (fabs(g1) < TOLERANCE && fabs(g2) < TOLERANCE)
			return true;
		h11 = m2 - m1 * m1;
		h12 = m3 - m1 * m2;
		h22 = m4 - m2 * m2;
		if (fit_var) {
			det = h11 * h22 - h12 * h12;
			if (!(det > 1e-300))
				return false;
			da = (h22 * g1 - h12 * g2) / det;
			db = (h11 * g2 - h12 * g1) / det;
		} else {
			if (!(h11 > 1e-300))
				return false;
			da = g1 / h11;
			db = 0;
		}
		/* backtracking: the dual must decrease */
		f0 = logz - b * (fit_var ? V : 0);
		for (; t > 1e-12; t /= 2) {
			double f;

			gibbs(v, n, a - t * da, b - t * db, p, &logz);
			f = logz - (b - t * db) * (fit_var ? V : 0);
			if (f <= f0 + 1e-15)
				break;
		}
		if (t <= 1e-12)
			return false;
		a -= t * da;
		b -= t * db;
		if (!isfinite(a) || !isfinite(b))
			return false;
	}
	return false;
}

/* One row: the cumulative probabilities over -D .. D. */
static void
row_build(const struct ptable *pt, uint64_t i, double *cdf)
{
	size_t w = 2 * pt->max_noise + 1, n;
	int *v = xcalloc(w, sizeof *v);
	double *p = xcalloc(w, sizeof *p), *prob = xcalloc(w, sizeof *prob);

	if (i < pt->min_cell) {
		/* to 0: noise -i, certain (i < min_cell <= max_noise) */
		prob[pt->max_noise - i] = 1;
	} else {
		n = support(pt, i, v);
		if (max_entropy(v, n, pt->variance, true, p) ||
		    max_entropy(v, n, pt->variance, false, p)) {
			for (size_t j = 0; j < n; j++)
				prob[(size_t)(v[j] + (int)pt->max_noise)] =
				        p[j];
		} else
			prob[pt->max_noise] = 1; /* no noise possible */
	}
	for (size_t j = 0; j < w; j++)
		cdf[j] = (j > 0 ? cdf[j - 1] : 0) + prob[j];
	cdf[w - 1] = 1;
	free(v);
	free(p);
	free(prob);
}

int
ptable_build(struct ptable *pt, uint32_t min_cell, uint32_t max_noise,
             double variance)
{
	size_t w;

	memset(pt, 0, sizeof *pt);
	if (max_noise < 1 || max_noise > PTABLE_MAX_NOISE ||
	    min_cell > PTABLE_MAX_NOISE || !(variance > 0))
		return -1;
	/* a count of min_cell must be able to fall to 0, or it could be
	 * told exactly from the counts just under it (always 0) */
	if (max_noise < min_cell)
		max_noise = min_cell;
	pt->min_cell = min_cell > 1 ? min_cell : 1;
	pt->max_noise = max_noise;
	pt->variance = variance;
	/* counts from min_cell + max_noise on never reach 0 or under k */
	pt->rows = (size_t)pt->min_cell + max_noise + 1;
	w = 2 * (size_t)max_noise + 1;
	pt->cdf = xcalloc(pt->rows * w, sizeof *pt->cdf);
	for (size_t i = 0; i < pt->rows; i++)
		row_build(pt, i, &pt->cdf[i * w]);
	return 0;
}

void
ptable_free(struct ptable *pt)
{
	free(pt->cdf);
	memset(pt, 0, sizeof *pt);
}

/* The probability of noise v for count i (for tests and the docs). */
double
ptable_prob(const struct ptable *pt, uint64_t i, int v)
{
	size_t w = 2 * (size_t)pt->max_noise + 1, row;
	const double *cdf;
	long j = v + (long)pt->max_noise;

	if (j < 0 || j >= (long)w)
		return 0;
	row = i < pt->rows ? (size_t)i : pt->rows - 1;
	cdf = &pt->cdf[row * w];
	return cdf[j] - (j > 0 ? cdf[j - 1] : 0);
}

uint64_t
ptable_apply(const struct ptable *pt, uint64_t i, uint32_t key)
{
	size_t w = 2 * (size_t)pt->max_noise + 1, row, j = 0;
	const double *cdf;
	double u = (double)key / 4294967296.0;
	int64_t out;

	if (i == 0)
		return 0;
	row = i < pt->rows ? (size_t)i : pt->rows - 1;
	cdf = &pt->cdf[row * w];
	while (j + 1 < w && u >= cdf[j])
		j++;
	out = (int64_t)i + (int64_t)j - (int64_t)pt->max_noise;
	return out > 0 ? (uint64_t)out : 0;
}
