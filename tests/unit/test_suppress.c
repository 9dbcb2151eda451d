/* test_suppress.c: disclosure control. Every table is checked by an
 * attacker written here: it solves the published equations (cells add up
 * to their row and column totals, totals to the grand total) and finds
 * each hidden count it can recompute exactly. Tables are built so that a
 * naive suppression would leak, and the attacker proves it would. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"
#include "unit.h"

#define MAXV    128 /* hidden entries the attacker handles */
#define fabs(x) ((x) < 0 ? -(x) : (x))

/*
 * The attacker: equations over the hidden entries of a (rows+1) x
 * (cols+1) grid (margins last), reduced to row echelon form. A hidden
 * entry is recomputable when some combination of equations isolates it:
 * its column is a pivot whose row has no other non-zero coefficient.
 * Returns how many hidden entries are recomputable.
 */
static unsigned
attack_grid(const bool *hide, size_t rows, size_t cols)
{
	size_t w = cols + 1, h = rows + 1, nv = 0, neq = h + w, r = 0;
	long var[(MAXV + 8) * 4];
	double a[64][MAXV];
	unsigned leaks = 0;

	for (size_t e = 0; e < w * h; e++)
		var[e] = hide[e] ? (long)nv++ : -1;
	if (nv > MAXV || neq > 64)
		abort();
	memset(a, 0, sizeof a);
	/* row i: cells - row total (the margin row: column totals - grand);
	 * column j: cells - column total */
	for (size_t i = 0; i < h; i++)
		for (size_t j = 0; j < w; j++) {
			long v = var[i * w + j];

			if (v < 0)
				continue;
			a[i][v] += j == cols ? -1 : 1;
			a[h + j][v] += i == rows ? -1 : 1;
		}
	for (size_t c = 0; c < nv && r < neq; c++) {
		size_t p = r;

		for (size_t i = r + 1; i < neq; i++)
			if (fabs(a[i][c]) > fabs(a[p][c]))
				p = i;
		if (fabs(a[p][c]) < 1e-9)
			continue;
		for (size_t k = 0; k < nv; k++) {
			double t = a[r][k];

			a[r][k] = a[p][k];
			a[p][k] = t;
		}
		for (size_t k = nv; k-- > 0;)
			a[r][k] /= a[r][c];
		for (size_t i = 0; i < neq; i++) {
			double f = a[i][c];

			if (i == r || fabs(f) < 1e-12)
				continue;
			for (size_t k = 0; k < nv; k++)
				a[i][k] -= f * a[r][k];
		}
		r++;
	}
	for (size_t i = 0; i < r; i++) {
		unsigned nz = 0;

		for (size_t k = 0; k < nv; k++)
			nz += fabs(a[i][k]) > 1e-9;
		leaks += nz == 1;
	}
	return leaks;
}

/* One dimension: one equation; a hidden count is recomputable when it is
 * the only one. */
static unsigned count_hidden(const bool *hide, size_t n);

static unsigned
attack_line(const bool *hide, size_t len)
{
	return count_hidden(hide, len) == 1;
}

/* A grid from its inner cells, with the margins added. */
static uint64_t *
grid_of(const uint64_t *cells, size_t rows, size_t cols)
{
	size_t w = cols + 1;
	uint64_t *n = calloc((rows + 1) * w, sizeof *n);

	for (size_t i = 0; i < rows; i++)
		for (size_t j = 0; j < cols; j++) {
			uint64_t v = cells[i * cols + j];

			n[i * w + j] = v;
			n[i * w + cols] += v;
			n[rows * w + j] += v;
			n[rows * w + cols] += v;
		}
	return n;
}

static unsigned
count_hidden(const bool *hide, size_t n)
{
	unsigned c = 0;

	for (size_t i = 0; i < n; i++)
		c += hide[i];
	return c;
}

static void
test_line(void)
{
	/* naive: only the 2 hidden; 42 - 10 - 30 gives it back */
	uint64_t n[] = {10, 2, 30, 42};
	bool hide[4], naive[4] = {false, true, false, false};

	CHECK(attack_line(naive, 4) == 1, "naive suppression leaks");
	CHECK(suppress_line(n, hide, 4, 3) == 2, "two hidden");
	CHECK(hide[1] && hide[0] && !hide[2] && !hide[3],
	      "the next smallest (10) goes with the 2; the total stays");
	CHECK(attack_line(hide, 4) == 0, "nothing recomputable");

	/* two small cells protect each other */
	uint64_t n2[] = {1, 2, 30, 33};
	bool h2[4];

	CHECK(suppress_line(n2, h2, 4, 3) == 2 && h2[0] && h2[1] && !h2[2],
	      "two primaries need no secondary");

	/* a single small row: the total would say it */
	uint64_t n3[] = {2, 2};
	bool h3[2];

	CHECK(suppress_line(n3, h3, 2, 3) == 2 && h3[0] && h3[1],
	      "a lone small cell takes its total with it");

	/* k 0 or 1: nothing hidden */
	CHECK(suppress_line(n, hide, 4, 0) == 0 && count_hidden(hide, 4) == 0,
	      "k = 0 hides nothing");
	CHECK(suppress_line(n, hide, 4, 1) == 0, "k = 1 hides nothing");

	/* zeros are not hidden, and not picked as partners */
	uint64_t n4[] = {0, 1, 0, 9, 10};
	bool h4[5];

	CHECK(suppress_line(n4, h4, 5, 3) == 2 && h4[1] && h4[3] && !h4[0] &&
	              !h4[2],
	      "the partner is the smallest non-zero count");
	/* ties: the first of the smallest */
	uint64_t n5[] = {7, 2, 7, 16};
	bool h5[4];

	CHECK(suppress_line(n5, h5, 4, 3) == 2 && h5[0] && h5[1] && !h5[2],
	      "ties go to the first");
}

static void
test_grid_rows_and_columns(void)
{
	/*
	 *  5  1  7 | 13       naive: hide the 1 only; row 0 gives it back.
	 *  6  8  9 | 23       rule 1 pairs it in its row (5) and column (8),
	 *  4  6  2 | 12       then their lines, until each line holding a
	 * 15 15 18 | 48       hidden count holds two.
	 */
	uint64_t cells[] = {5, 1, 7, 6, 8, 9, 4, 6, 2};
	uint64_t *n = grid_of(cells, 3, 3);
	bool hide[16], naive[16] = {0};

	naive[1] = true;
	naive[2 * 4 + 2] = true;
	CHECK(attack_grid(naive, 3, 3) == 2, "naive leaks both small cells");
	suppress_grid(n, hide, 3, 3, 3);
	CHECK(hide[1] && hide[2 * 4 + 2], "the primaries are hidden");
	CHECK(attack_grid(hide, 3, 3) == 0, "nothing recomputable");
	CHECK(!hide[3 * 4 + 3], "the grand total stays");
	for (size_t line = 0; line < 8; line++) {
		unsigned c = 0;

		for (size_t i = 0; i < 4; i++)
			c += line < 4 ? hide[line * 4 + i]
			              : hide[i * 4 + (line - 4)];
		CHECK(c != 1, "line %zu holds %u hidden counts", line, c);
	}
	free(n);
}

static void
test_grid_bridge(void)
{
	/*
	 * Two blocks of small cells (rows 0-1 x columns 0-1, rows 2-3 x
	 * columns 2-3) and one small cell joining them (row 1, column 2).
	 * Every line holds two or more hidden counts, so a rule that only
	 * pairs lines stops there, yet the joining cell is a bridge: the
	 * column totals of block one (known) minus the first two rows'
	 * shown cells... give it back. The attacker proves it; the bridge
	 * rule closes a cycle through it.
	 */
	uint64_t cells[] = {
	        1,  2,  40, 50, 60, //
	        2,  1,  2,  55, 70, //
	        45, 48, 1,  2,  65, //
	        52, 47, 2,  1,  80, //
	        90, 91, 92, 93, 94, //
	};
	uint64_t *n = grid_of(cells, 5, 5);
	bool hide[36], degree_only[36] = {0};
	size_t w = 6;

	/* what rule 1 alone gives: the primaries already pair every line */
	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < 5; j++)
			degree_only[i * w + j] = cells[i * 5 + j] < 3;
	CHECK(attack_grid(degree_only, 5, 5) >= 1,
	      "pairing lines alone leaks the bridge cell (got %u)",
	      attack_grid(degree_only, 5, 5));
	CHECK(degree_only[1 * w + 2], "the bridge cell is hidden");
	suppress_grid(n, hide, 5, 5, 3);
	CHECK(attack_grid(hide, 5, 5) == 0, "nothing recomputable");
	CHECK(count_hidden(hide, 36) > count_hidden(degree_only, 36),
	      "the bridge rule hid more");
	CHECK(!hide[5 * w + 5], "the grand total stays");
	free(n);
}

static void
test_grid_small_row(void)
{
	/* a row whose only count is small: its row total is that count, so
	 * the total is hidden with it, and the margin column paired */
	uint64_t cells[] = {2, 0, 0, 10, 20, 30, 11, 21, 31};
	uint64_t *n = grid_of(cells, 3, 3);
	bool hide[16];

	suppress_grid(n, hide, 3, 3, 3);
	CHECK(hide[0] && hide[3], "the cell and its row total");
	CHECK(attack_grid(hide, 3, 3) == 0, "nothing recomputable");
	free(n);
}

/* A deterministic generator, so that a failure replays. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void
test_grid_random(void)
{
	unsigned failures = 0, hid = 0;

	for (int t = 0; t < 2000; t++) {
		size_t rows = 1 + rng() % 6, cols = 1 + rng() % 6;
		uint64_t cells[36], k = 2 + rng() % 4, *n;
		bool hide[49];

		for (size_t i = 0; i < rows * cols; i++) {
			uint64_t r = rng() % 10;

			cells[i] = r < 3 ? 0 : r < 7 ? rng() % 5 : rng() % 60;
		}
		n = grid_of(cells, rows, cols);
		hid += suppress_grid(n, hide, rows, cols, k);
		for (size_t e = 0; e < (rows + 1) * (cols + 1); e++) {
			if (n[e] > 0 && n[e] < k && !hide[e])
				failures++; /* a primary missed */
			if (n[e] == 0 && hide[e])
				failures++; /* a zero hidden */
		}
		if (attack_grid(hide, rows, cols) != 0) {
			failures++;
			fprintf(stderr, "table %d (%zux%zu, k %llu) leaks\n", t,
			        rows, cols, (unsigned long long)k);
		}
		free(n);
	}
	CHECK(failures == 0, "2000 random tables: %u failures", failures);
	CHECK(hid > 1000, "the random tables did hide counts (%u)", hid);
}

/* ---------------------------------------------------- query results */

static Callsheet__Row *
mkrow(const char *k1, const char *k2, uint64_t count)
{
	Callsheet__Row *row = calloc(1, sizeof *row);

	callsheet__row__init(row);
	row->keys = calloc(2, sizeof *row->keys);
	row->keys[0] = (char *)k1;
	row->keys[1] = (char *)k2;
	row->n_keys = k2 != NULL ? 2 : 1;
	row->count = count;
	return row;
}

static void
free_rows(Callsheet__QueryResult *r)
{
	for (size_t i = 0; i < r->n_rows; i++) {
		free(r->rows[i]->keys);
		free(r->rows[i]);
	}
	suppress_result_free(r);
}

static void
test_result_1d(void)
{
	Callsheet__QueryResult r = CALLSHEET__QUERY_RESULT__INIT;
	char *by[] = {"department"};
	Callsheet__Row *rows[] = {mkrow("93", NULL, 30), mkrow("75", NULL, 10),
	                          mkrow("92", NULL, 2)};
	Callsheet__DurationStats d = CALLSHEET__DURATION_STATS__INIT;

	r.group_by = by;
	r.n_group_by = 1;
	r.rows = rows;
	r.n_rows = 3;
	r.total = 42;
	d.count = 42;
	r.duration = &d;
	CHECK(suppress_result(&r, 3) == 2, "the 2 and its partner");
	CHECK(strcmp(r.rows[0]->keys[0], "93") == 0 && !r.rows[0]->suppressed,
	      "the shown row first");
	CHECK(strcmp(r.rows[1]->keys[0], "75") == 0 && r.rows[1]->suppressed &&
	              r.rows[1]->count == 0,
	      "hidden rows after, by key, count 0");
	CHECK(strcmp(r.rows[2]->keys[0], "92") == 0 && r.rows[2]->suppressed,
	      "hidden rows by key");
	CHECK(r.total == 42 && !r.total_suppressed, "the total stays");
	CHECK(r.min_cell == 3 && r.suppressed_cells == 2 &&
	              r.suppression_rule != NULL,
	      "the result says what was done");
	CHECK(r.duration == &d, "42 durations are shown");
	free_rows(&r);

	/* k = 0: nothing, and no rule */
	Callsheet__Row *rows2[] = {mkrow("93", NULL, 1)};

	r.rows = rows2;
	r.n_rows = 1;
	r.total = 1;
	CHECK(suppress_result(&r, 0) == 0 && r.rows[0]->count == 1 &&
	              r.suppression_rule == NULL,
	      "k = 0 leaves it as it is");
	CHECK(suppress_result(&r, 3) == 2 && r.total_suppressed &&
	              r.total == 0 && r.duration == NULL &&
	              r.duration_suppressed,
	      "a total of 1: it and its durations go");
	free_rows(&r);
}

static void
test_result_2d(void)
{
	Callsheet__QueryResult r = CALLSHEET__QUERY_RESULT__INIT;
	char *by[] = {"department", "caller"};
	Callsheet__Row *rows[] = {
	        mkrow("93", "individual", 30), mkrow("93", "professional", 20),
	        mkrow("75", "individual", 10), mkrow("75", "professional", 1),
	        mkrow("92", "individual", 12), mkrow("92", "professional", 14)};
	uint64_t rt = 0;
	size_t nhidden = 0;

	r.group_by = by;
	r.n_group_by = 2;
	r.rows = rows;
	r.n_rows = 6;
	r.total = 87;
	suppress_result(&r, 0);
	CHECK(r.n_row_totals == 3 && r.n_column_totals == 2 &&
	              r.table_total != NULL && r.table_total->count == 87,
	      "margins even without suppression");
	for (size_t i = 0; i < r.n_row_totals; i++)
		if (strcmp(r.row_totals[i]->keys[0], "75") == 0)
			rt = r.row_totals[i]->count;
	CHECK(rt == 11, "the 75 row total is 11 (got %llu)",
	      (unsigned long long)rt);
	suppress_result_free(&r);

	suppress_result(&r, 3);
	CHECK(r.suppressed_cells >= 4, "a 2x2 block at least (got %u)",
	      r.suppressed_cells);
	for (size_t i = 0; i < r.n_rows; i++)
		nhidden += r.rows[i]->suppressed;
	CHECK(nhidden >= 4, "a 2x2 block of cells (got %zu)", nhidden);
	for (size_t i = 0; i < r.n_rows; i++)
		CHECK(r.rows[i]->suppressed == (i >= r.n_rows - nhidden),
		      "hidden rows come last");
	CHECK(!r.total_suppressed && r.total == 87, "the grand total stays");
	free_rows(&r);
}

/* ------------------------------------------- the cell-key method */

/* The perturbation table: each row a distribution; zero stays zero;
 * counts under k go to 0; no published value under k but 0; noise
 * bounded by D, of mean 0 from k on, of variance V where it is free. */
static void
test_ptable(void)
{
	struct ptable pt;
	const uint32_t k = 3, D = 4;
	const double V = 4;

	CHECK(ptable_build(&pt, k, D, V) == 0, "the reporter's table builds");
	for (uint64_t i = 0; i < 40; i++) {
		double sum = 0, mean = 0, var = 0;

		for (int v = -(int)D - 2; v <= (int)D + 2; v++) {
			double p = ptable_prob(&pt, i, v);
			int64_t to = (int64_t)i + v;

			CHECK(p >= 0, "p >= 0 (%llu, %d)",
			      (unsigned long long)i, v);
			if (p > 1e-12) {
				CHECK(v >= -(int)D && v <= (int)D,
				      "bounded by D (%llu, %d)",
				      (unsigned long long)i, v);
				CHECK(to == 0 || to >= (int64_t)k,
				      "never 1 .. k - 1 (%llu + %d)",
				      (unsigned long long)i, v);
			}
			sum += p;
			mean += p * v;
			var += p * v * v;
		}
		CHECK(fabs(sum - 1) < 1e-9, "row %llu sums to 1",
		      (unsigned long long)i);
		if (i == 0)
			CHECK(ptable_prob(&pt, 0, 0) == 1, "zero stays zero");
		else if (i < k)
			CHECK(ptable_prob(&pt, i, -(int)i) == 1,
			      "%llu goes to 0", (unsigned long long)i);
		else
			CHECK(fabs(mean) < 1e-6, "row %llu: mean 0 (%g)",
			      (unsigned long long)i, mean);
		if (i >= k + D)
			CHECK(fabs(var - V) < 1e-6, "row %llu: variance %g",
			      (unsigned long long)i, var);
	}
	/* the key picks the noise: deterministic, and all of it in reach */
	for (uint64_t i = 0; i < 40; i++) {
		uint64_t seen_lo = UINT64_MAX, seen_hi = 0;

		for (uint64_t key = 0; key < 4294967296ULL; key += 1048573) {
			uint64_t out = ptable_apply(&pt, i, (uint32_t)key);

			CHECK(out == ptable_apply(&pt, i, (uint32_t)key),
			      "same key, same answer");
			seen_lo = out < seen_lo ? out : seen_lo;
			seen_hi = out > seen_hi ? out : seen_hi;
			if (out != 0 && out < k)
				CHECK(false, "%llu published as %llu",
				      (unsigned long long)i,
				      (unsigned long long)out);
		}
		if (i >= 10)
			CHECK(seen_lo == i - D && seen_hi == i + D,
			      "%llu ranges over +-D (%llu .. %llu)",
			      (unsigned long long)i,
			      (unsigned long long)seen_lo,
			      (unsigned long long)seen_hi);
	}
	ptable_free(&pt);
	CHECK(ptable_build(&pt, 3, 0, V) != 0 &&
	              ptable_build(&pt, 3, D, 0) != 0,
	      "no noise, or no variance: refused");
}

/* A perturbed one-dimension result: the same keys give the same figures,
 * rows perturbed to 0 are left out, the shown ones ordered by their
 * perturbed count; a cross table's margins get keys of their own. */
static void
test_perturb_result(void)
{
	struct disclosure d;
	Callsheet__QueryResult r = CALLSHEET__QUERY_RESULT__INIT;
	Callsheet__Row rows[4], *rp[4];
	char *keys[4][2] = {{"75", "a"}, {"93", "a"}, {"94", "b"}, {"13", "b"}};
	uint64_t counts[4] = {100, 2, 40, 1};
	uint64_t rk[4] = {123456789, 987654321, 4000000000ULL, 77};
	uint32_t desc[4][3] = {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}};
	char *names[2] = {"department", "caller"};
	size_t shown;

	disclosure_default(&d, CALLSHEET__ROLE__REPORTER);
	for (size_t i = 0; i < 4; i++) {
		callsheet__row__init(&rows[i]);
		rows[i].keys = keys[i];
		rows[i].n_keys = 1;
		rows[i].count = counts[i];
		rp[i] = &rows[i];
	}
	r.group_by = names;
	r.n_group_by = 1;
	r.rows = rp;
	r.n_rows = 4;
	r.total = 143;
	shown = perturb_result(&r, &(struct cell_keys){rk, desc, 5555, 99}, &d);
	CHECK(shown == 2 && r.perturbed && r.max_noise == 4,
	      "the 2 and the 1 are left out (%zu shown)", shown);
	for (size_t i = 0; i < shown; i++)
		CHECK(r.rows[i]->count + 4 >= (strcmp(r.rows[i]->keys[0], "75")
		                                       ? 40
		                                       : 100) &&
		              r.rows[i]->count <=
		                      (strcmp(r.rows[i]->keys[0], "75") ? 44
		                                                        : 104),
		      "within +-4");
	CHECK(r.total >= 139 && r.total <= 147, "the total within +-4");
	CHECK(r.suppressed_cells == 0, "how many were small is not said");
	suppress_result_free(&r);
}

/* A perturbed cross table: its margins are cells of their own, each with
 * the sum of its cells' keys; a margin of 0 is listed only beside shown
 * cells (listed alone, it would say its line holds something). */
static void
test_perturb_cross(void)
{
	struct disclosure d;
	Callsheet__QueryResult r = CALLSHEET__QUERY_RESULT__INIT;
	/* 75 x a: 50, 75 x b: 40, 13 x a: 1, 13 x b: 1, 93 x b: 2 */
	char *keys[5][2] = {{"75", "a"},
	                    {"75", "b"},
	                    {"13", "a"},
	                    {"13", "b"},
	                    {"93", "b"}};
	uint64_t counts[5] = {50, 40, 1, 1, 2};
	uint64_t rk[5] = {1, 2, 3, 4, 5};
	/* each cell's, its line's, its column's */
	uint32_t desc[5][3] = {{11, 75, 1},
	                       {12, 75, 2},
	                       {13, 13, 1},
	                       {14, 13, 2},
	                       {15, 93, 2}};
	Callsheet__Row rows[5], *rp[5];
	char *names[2] = {"department", "caller"};
	size_t shown;
	bool r13 = false, r93 = false, r75 = false;

	disclosure_default(&d, CALLSHEET__ROLE__REPORTER);
	for (size_t i = 0; i < 5; i++) {
		callsheet__row__init(&rows[i]);
		rows[i].keys = keys[i];
		rows[i].n_keys = 2;
		rows[i].count = counts[i];
		rp[i] = &rows[i];
	}
	r.group_by = names;
	r.n_group_by = 2;
	r.rows = rp;
	r.n_rows = 5;
	r.total = 94;
	shown = perturb_result(&r, &(struct cell_keys){rk, desc, 15, 7}, &d);
	CHECK(shown == 2, "the small cells are left out (%zu shown)", shown);
	for (size_t i = 0; i < r.n_row_totals; i++) {
		const Callsheet__Row *t = r.row_totals[i];

		if (strcmp(t->keys[0], "75") == 0)
			r75 = t->count + 4 >= 90 && t->count <= 94;
		r13 |= strcmp(t->keys[0], "13") == 0;
		r93 |= strcmp(t->keys[0], "93") == 0;
	}
	CHECK(r75, "75's row total: 90 +- 4");
	CHECK(!r93, "93's row total (2) reads 0 and is not listed");
	CHECK(!r13, "13's row total (2) reads 0 and is not listed");
	CHECK(r.table_total != NULL && r.table_total->count + 4 >= 94 &&
	              r.table_total->count <= 98,
	      "the grand total: 94 +- 4");
	CHECK(r.n_column_totals == 2, "both columns: a (51) and b (43)");
	suppress_result_free(&r);
}

int
main(void)
{
	test_line();
	test_grid_rows_and_columns();
	test_grid_bridge();
	test_grid_small_row();
	test_grid_random();
	test_result_1d();
	test_result_2d();
	test_ptable();
	test_perturb_result();
	test_perturb_cross();
	return unit_finish();
}
