/* annual.c: the annual activity report's queries and figures: counts in
 * (query results), figures out (shares, ranks, changes, service hours,
 * durations); pure, no I/O.
 *
 * Ranks are competition ranks ("1, 2, 2, 4"): a département's rank is one
 * more than the number of départements with strictly more calls, so ties
 * share a rank and the next rank is skipped. Calls from abroad (99), of
 * unknown origin and without a département are listed but not ranked; nor
 * are counts hidden by disclosure control.
 *
 * Percentages are computed from the exact counts, rounded half up at the
 * precision shown; a change's magnitude is rounded half up and its sign
 * put back (-2.45 % shows as -2.5 %).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annual.h"
#include "report-format.h"

/* ------------------------------------------------------------ labels */

struct label {
	char *dim, *code, *text;
};

struct labels {
	struct label *v;
	size_t n;
};

struct labels *
labels_new(const Callsheet__Taxonomy *t)
{
	struct labels *l = xcalloc(1, sizeof *l);

	if (t == NULL)
		return l;
	l->v = xcalloc(t->n_entries + 1, sizeof *l->v);
	for (size_t i = 0; i < t->n_entries; i++) {
		const Callsheet__TaxonomyEntry *e = t->entries[i];

		l->v[l->n].dim = xstrdup(e->dimension);
		l->v[l->n].code = xstrdup(e->code);
		l->v[l->n++].text = xstrdup(e->label);
	}
	return l;
}

const char *
labels_get(const struct labels *l, const char *dim, const char *code)
{
	for (size_t i = 0; l != NULL && i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0 &&
		    strcmp(l->v[i].dim, dim) == 0)
			return l->v[i].text;
	return code;
}

void
labels_free(struct labels *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].dim);
		free(l->v[i].code);
		free(l->v[i].text);
	}
	free(l->v);
	free(l);
}

/* ------------------------------------------------------ service hours */

static const char *const day_names[7] = {"mon", "tue", "wed", "thu",
                                         "fri", "sat", "sun"};

static int
sh_fail(char *err, size_t errlen, const char *spec, const char *why)
{
	snprintf(err, errlen,
	         "invalid service hours '%.64s': %s; give days and hours "
	         "like '%s'",
	         spec, why, ANN_SERVICE_DEFAULT);
	return -1;
}

static int
day_index(const char *s, size_t len)
{
	for (int d = 0; d < 7; d++)
		if (len == 3 && strncasecmp(s, day_names[d], 3) == 0)
			return d;
	return -1;
}

/* "mon-fri,sun": the days' flags; -1 if malformed. */
static int
parse_days(const char *s, size_t len, bool days[7])
{
	const char *end = s + len;

	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *item_end = comma ? comma : end;
		const char *dash = memchr(s, '-', (size_t)(item_end - s));
		int a, b;

		if (dash != NULL) {
			a = day_index(s, (size_t)(dash - s));
			b = day_index(dash + 1, (size_t)(item_end - dash - 1));
		} else
			a = b = day_index(s, (size_t)(item_end - s));
		if (a < 0 || b < 0 || b < a)
			return -1;
		for (int d = a; d <= b; d++)
			days[d] = true;
		s = comma ? comma + 1 : end;
		if (comma != NULL && s == end)
			return -1;
	}
	return 0;
}

/* "9-13,14-16": hours [from, to); -1 if malformed. */
static int
parse_hours(const char *s, bool hours[24])
{
	while (*s != '\0') {
		char *end;
		long a, b;

		if (!isdigit((unsigned char)*s))
			return -1;
		a = strtol(s, &end, 10);
		if (*end != '-' || !isdigit((unsigned char)end[1]))
			return -1;
		b = strtol(end + 1, &end, 10);
		if (a < 0 || b > 24 || a >= b)
			return -1;
		for (long h = a; h < b; h++)
			hours[h] = true;
		if (*end == ',' && end[1] != '\0')
			end++;
		else if (*end != '\0')
			return -1;
		s = end;
	}
	return 0;
}

int
service_hours_parse(const char *spec, struct service_hours *out, char *err,
                    size_t errlen)
{
	bool days[7] = {false}, hours[24] = {false};
	const char *sp = strchr(spec, ' ');

	memset(out, 0, sizeof *out);
	if (strlen(spec) >= sizeof out->spec)
		return sh_fail(err, errlen, spec, "too long");
	if (sp == NULL || sp == spec || sp[1] == '\0')
		return sh_fail(err, errlen, spec, "days, a space, then hours");
	if (parse_days(spec, (size_t)(sp - spec), days) != 0)
		return sh_fail(
		        err, errlen, spec,
		        "days are mon, tue, wed, thu, fri, sat, sun, "
		        "or ranges such as mon-fri, separated by commas");
	if (parse_hours(sp + 1, hours) != 0)
		return sh_fail(err, errlen, spec,
		               "hours are ranges FROM-TO of whole hours from 0 "
		               "to 24, FROM before TO, separated by commas");
	for (int d = 0; d < 7; d++)
		for (int h = 0; h < 24; h++)
			out->on[d][h] = days[d] && hours[h];
	snprintf(out->spec, sizeof out->spec, "%s", spec);
	return 0;
}

/* ----------------------------------------------------------- queries */

/* A split within callers (professionals by kind, individuals by
 * household...) is asked of the focus (or of all) grouped by its own
 * dimension alone: the sheets it does not apply to fall in the row "",
 * left out, and its base is its parent's row (the callers' "professional"
 * row...). A reporter may ask no more (the published rollup keeps a
 * département with one other dimension), and the same population keeps
 * one figure throughout the report. */
static const struct {
	bool previous; /* the year before */
	bool focus;    /* filtered on the focus département */
	const char *by[2];
} query_specs[AQ_N] = {
        [AQ_TOTAL] = {false, false, {NULL, NULL}},
        [AQ_PREVIOUS] = {true, false, {NULL, NULL}},
        [AQ_CALL_TYPES] = {false, false, {"call_type", NULL}},
        [AQ_DEPARTMENTS] = {false, false, {"department", NULL}},
        [AQ_CALLER] = {false, true, {"caller", NULL}},
        [AQ_PRO_KIND] = {false, true, {"pro_kind", NULL}},
        [AQ_PRO_SECTOR] = {false, true, {"pro_sector", NULL}},
        [AQ_HOUSEHOLD] = {false, true, {"household", NULL}},
        [AQ_ORIGIN] = {false, true, {"origin", NULL}},
        [AQ_TOPIC] = {false, true, {"topic", NULL}},
        [AQ_MONTHS] = {false, false, {"month", NULL}},
        [AQ_GRID] = {false, false, {"weekday", "hour"}},
        [AQ_JURISTS] = {false, false, {"jurist", NULL}},
};

void
annual_queries(struct ann_queries *aq, const struct ann_period *p,
               const char *focus)
{
	memset(aq, 0, sizeof *aq);
	for (int i = 0; i < 2; i++)
		snprintf(aq->from[i], sizeof aq->from[i], "%04d-01-01",
		         (p->year - i) % 10000);
	if (focus != NULL)
		snprintf(aq->focus, sizeof aq->focus, "%s", focus);
	for (size_t i = 0; i < AQ_N; i++) {
		Callsheet__Query *q = &aq->q[i];
		size_t nf = 0;

		callsheet__query__init(q);
		q->from = aq->from[query_specs[i].previous];
		q->to = (char *)p->to[query_specs[i].previous];
		for (size_t k = 0; k < 2 && query_specs[i].by[k] != NULL; k++)
			aq->by[i][q->n_group_by++] =
			        (char *)query_specs[i].by[k];
		q->group_by = aq->by[i];
		if (query_specs[i].focus && focus != NULL) {
			callsheet__filter__init(&aq->filters[i][nf]);
			aq->filters[i][nf].dimension = "department";
			aq->filters[i][nf++].value = aq->focus;
		}
		for (size_t k = 0; k < nf; k++)
			aq->fp[i][k] = &aq->filters[i][k];
		q->filters = aq->fp[i];
		q->n_filters = nf;
		if (i == AQ_TOTAL) {
			q->has_duration_stats = true;
			q->duration_stats = true;
		}
	}
	callsheet__query__init(&aq->focus_q);
	aq->focus_q.from = aq->from[0];
	aq->focus_q.to = (char *)p->to[0];
	callsheet__filter__init(&aq->focus_f);
	aq->focus_f.dimension = "department";
	aq->focus_f.value = aq->focus;
	aq->focus_fp[0] = &aq->focus_f;
	aq->focus_q.filters = aq->focus_fp;
	aq->focus_q.n_filters = 1;
}

/* ------------------------------------------------------- arithmetic */

uint64_t
ann_pct(uint64_t n, uint64_t base, unsigned decimals)
{
	return pct_scaled(n, base, decimals);
}

int64_t
ann_change_pct(uint64_t now, uint64_t before, unsigned decimals)
{
	uint64_t mag = pct_scaled(now >= before ? now - before : before - now,
	                          before, decimals);

	return now >= before ? (int64_t)mag : -(int64_t)mag;
}

static bool
rankable(const struct ann_item *it)
{
	return !it->hidden && it->code[0] != '\0' &&
	       strcmp(it->code, "unknown") != 0 && strcmp(it->code, "99") != 0;
}

void
ann_rank(struct ann_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned above = 0;

		items[i].rank = 0;
		if (!rankable(&items[i]))
			continue;
		for (size_t j = 0; j < n; j++)
			above += rankable(&items[j]) && items[j].n > items[i].n;
		items[i].rank = above + 1;
	}
}

/* ----------------------------------------------------------- figures */

static void
item_pct(struct ann_item *it, const struct ann_breakdown *b)
{
	it->has_pct = !it->hidden && !b->base_hidden && b->base > 0;
	it->pct = it->has_pct ? ann_pct(it->n, b->base, b->decimals) : 0;
}

static void
breakdown_from(struct ann_breakdown *b, const char *dim,
               const Callsheet__QueryResult *r, const struct labels *l,
               const char *skip)
{
	memset(b, 0, sizeof *b);
	b->dim = dim;
	b->decimals = ANN_DECIMALS;
	b->multi = strcmp(dim, "topic") == 0;
	b->why = ANN_NOT_GIVEN;
	if (r == NULL)
		return; /* refused to this role */
	b->shown = true;
	b->why = ANN_SHOWN;
	b->base = r->total;
	b->base_hidden = r->has_total_suppressed && r->total_suppressed;
	b->items = xcalloc(r->n_rows + 1, sizeof *b->items);
	for (size_t i = 0; i < r->n_rows; i++) {
		const Callsheet__Row *row = r->rows[i];
		const char *code = row->n_keys > 0 ? row->keys[0] : "";
		struct ann_item *it = &b->items[b->n];

		if (skip != NULL && strcmp(code, skip) == 0)
			continue;
		it->code = xstrdup(code);
		it->label = *code != '\0' ? labels_get(l, dim, code) : NULL;
		it->n = row->count;
		it->hidden = row->has_suppressed && row->suppressed;
		b->nhidden += it->hidden;
		b->n++;
	}
}

/* The year's consultations as a breakdown's base (see base_of()). */
static void
base_year(struct ann_breakdown *b, const struct annual *a)
{
	b->base = a->consultations;
	b->base_hidden = a->consultations_hidden;
}

static void
breakdown_pcts(struct ann_breakdown *b)
{
	for (size_t i = 0; i < b->n; i++)
		item_pct(&b->items[i], b);
}

static void
breakdown_free(struct ann_breakdown *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->items[i].code);
	free(b->items);
	memset(b, 0, sizeof *b);
}

static const struct ann_item *
find_item(const struct ann_breakdown *b, const char *code)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->items[i].code, code) == 0)
			return &b->items[i];
	return NULL;
}

/* Shown items by count, most first, then by code; hidden ones last. */
static int
item_order(const void *x, const void *y)
{
	const struct ann_item *a = x, *b = y;

	if (a->hidden != b->hidden)
		return a->hidden ? 1 : -1;
	if (!a->hidden && a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->code, b->code);
}

static void
departments(struct annual *a, const Callsheet__QueryResult *r,
            const struct labels *l)
{
	struct ann_breakdown *b = &a->departments;

	breakdown_from(b, "department", r, l, NULL);
	if (b->shown && a->perturbed)
		base_year(b, a);
	b->decimals = ANN_DEPT_DECIMALS;
	qsort(b->items, b->n, sizeof *b->items, item_order);
	breakdown_pcts(b);
	ann_rank(b->items, b->n);
}

static void
focus(struct annual *a, const char *code, const struct labels *l)
{
	struct ann_focus *f = &a->focus;
	const struct ann_breakdown *b = &a->departments;
	const struct ann_item *it;
	uint64_t shown = 0;

	if (code == NULL)
		return;
	f->given = true;
	snprintf(f->code, sizeof f->code, "%s", code);
	f->label = labels_get(l, "department", code);
	if ((it = find_item(b, code)) == NULL) {
		/* no call from there, or (cell-key method) under min_cell */
		f->hidden = a->absent_hidden && b->shown;
		return;
	}
	f->n = it->n;
	f->hidden = it->hidden;
	f->has_pct = it->has_pct;
	f->pct = it->pct;
	f->rank = it->rank;
	if (f->rank == 0)
		return;
	for (size_t i = 0; i < b->n; i++)
		shown += b->items[i].hidden ? 0 : b->items[i].n;
	/* every hidden count is at most their sum */
	f->rank_exact =
	        b->nhidden == 0 || (!b->base_hidden && b->base - shown < f->n);
	f->ahead = xcalloc(b->n + 1, sizeof *f->ahead);
	f->tied = xcalloc(b->n + 1, sizeof *f->tied);
	for (size_t i = 0; i < b->n; i++) {
		const struct ann_item *o = &b->items[i];

		if (o->rank == 0 || o == it)
			continue;
		if (o->n > f->n)
			f->ahead[f->nahead++] = o;
		else if (o->n == f->n)
			f->tied[f->ntied++] = o;
	}
}

/* A split is withheld when its base is a hidden count of another table:
 * showing it would give that count back. */
static void
withhold(struct ann_breakdown *b, const struct ann_breakdown *parent,
         const char *code)
{
	const struct ann_item *it;

	if (!b->shown)
		return;
	if (!parent->shown ||
	    ((it = find_item(parent, code)) != NULL && it->hidden)) {
		b->shown = false;
		b->why = ANN_BASE_HIDDEN;
	}
}

/* A population has one figure in the report, wherever it is the base of
 * shares: the year's consultations, the focus's row of the départements,
 * the callers' row of a split. Under the cell-key method each answer's
 * own total is another cell with its own noise (5,996 consultations in
 * one place, 5,995 in the next); with exact counts they are equal, and
 * each answer's total is kept. */
static void
base_of(struct ann_breakdown *b, const struct ann_breakdown *parent,
        const char *code)
{
	const struct ann_item *it = find_item(parent, code);

	b->base = it != NULL ? it->n : 0;
	b->base_hidden =
	        it == NULL ? parent->base_hidden || !parent->shown : it->hidden;
}

static void
base_population(struct ann_breakdown *b, const struct annual *a)
{
	if (!a->focus.given) {
		base_year(b, a);
		return;
	}
	b->base = a->focus.n;
	b->base_hidden = a->focus.hidden;
}

static void
splits(struct annual *a, const Callsheet__QueryResult *const r[AQ_N],
       const struct labels *l)
{
	struct ann_breakdown *all[] = {&a->caller,     &a->pro_kind,
	                               &a->pro_sector, &a->household,
	                               &a->origin,     &a->topic};

	/* a split's row "" holds the calls it does not apply to */
	breakdown_from(&a->caller, "caller", r[AQ_CALLER], l, NULL);
	breakdown_from(&a->pro_kind, "pro_kind", r[AQ_PRO_KIND], l, "");
	breakdown_from(&a->pro_sector, "pro_sector", r[AQ_PRO_SECTOR], l, "");
	breakdown_from(&a->household, "household", r[AQ_HOUSEHOLD], l, "");
	breakdown_from(&a->origin, "origin", r[AQ_ORIGIN], l, "");
	breakdown_from(&a->topic, "topic", r[AQ_TOPIC], l, NULL);
	if (a->perturbed) {
		base_population(&a->caller, a);
		base_population(&a->topic, a);
	}
	base_of(&a->pro_kind, &a->caller, "professional");
	base_of(&a->pro_sector, &a->pro_kind, "public_body");
	base_of(&a->household, &a->caller, "individual");
	base_of(&a->origin, &a->caller, "individual");
	if (a->focus.given && a->focus.hidden)
		for (size_t i = 0; i < nitems(all); i++)
			if (all[i]->shown) {
				all[i]->shown = false;
				all[i]->why = ANN_BASE_HIDDEN;
			}
	withhold(&a->pro_kind, &a->caller, "professional");
	withhold(&a->pro_sector, &a->pro_kind, "public_body");
	withhold(&a->household, &a->caller, "individual");
	withhold(&a->origin, &a->caller, "individual");
	for (size_t i = 0; i < nitems(all); i++)
		breakdown_pcts(all[i]);
}

static void
months(struct annual *a, const Callsheet__QueryResult *r)
{
	struct ann_breakdown *b = &a->months;
	struct ann_breakdown got;

	breakdown_from(&got, "month", r, NULL, NULL);
	memset(b, 0, sizeof *b);
	b->dim = "month";
	b->decimals = ANN_DECIMALS;
	b->why = ANN_NOT_GIVEN;
	if (r == NULL)
		return;
	b->shown = true;
	b->why = ANN_SHOWN;
	b->base = got.base;
	b->base_hidden = got.base_hidden;
	if (a->perturbed)
		base_year(b, a);
	b->items = xcalloc(12, sizeof *b->items);
	for (int m = 1; m <= 12; m++) {
		struct ann_item *it = &b->items[b->n++];
		char code[16];
		const struct ann_item *g;

		snprintf(code, sizeof code, "%04d-%02d", a->year % 10000, m);
		it->code = xstrdup(code); /* labelled by words_month() */
		if ((g = find_item(&got, code)) != NULL) {
			it->n = g->n;
			it->hidden = g->hidden;
		} else
			it->hidden = a->absent_hidden;
		b->nhidden += it->hidden;
	}
	breakdown_pcts(b);
	breakdown_free(&got);
}

/* The cells the cell-key method left out: 0 or under min_cell, hidden
 * (words_grid_hours() does not widen the table for them). */
static void
absent_cells(struct ann_grid *g)
{
	for (int d = 0; d < 7; d++)
		for (int h = 0; h < 24; h++)
			if (g->n[d][h] == 0 && !g->hidden[d][h]) {
				g->hidden[d][h] = true;
				g->nhidden++;
			}
}

static void
grid(struct annual *a, const Callsheet__QueryResult *r)
{
	struct ann_grid *g = &a->grid;
	bool hidden_in = false, hidden_out = false;
	uint64_t sum_in = 0, sum_out = 0;

	memset(g, 0, sizeof *g);
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_rows; i++) {
		const Callsheet__Row *row = r->rows[i];
		int d, h;

		if (row->n_keys < 2 || row->keys[0][0] == '\0' ||
		    row->keys[1][0] == '\0')
			continue;
		d = atoi(row->keys[0]) - 1;
		h = atoi(row->keys[1]);
		if (d < 0 || d > 6 || h < 0 || h > 23)
			continue;
		g->n[d][h] = row->count;
		g->hidden[d][h] = row->has_suppressed && row->suppressed;
		g->nhidden += g->hidden[d][h];
		if (!g->hidden[d][h] && row->count > g->max)
			g->max = row->count;
		if (a->hours.on[d][h]) {
			hidden_in |= g->hidden[d][h];
			sum_in += g->hidden[d][h] ? 0 : row->count;
		} else {
			hidden_out |= g->hidden[d][h];
			sum_out += g->hidden[d][h] ? 0 : row->count;
		}
	}
	g->total_hidden = r->has_total_suppressed && r->total_suppressed;
	g->total = r->table_total != NULL ? r->table_total->count : r->total;
	if (a->perturbed) {
		g->total_hidden = a->consultations_hidden;
		g->total = a->consultations;
	}
	if (a->absent_hidden)
		absent_cells(g);
	if (a->perturbed) {
		/* sums of perturbed cells, said so beside them */
		g->split_known = true;
		g->in = sum_in;
		g->out = sum_out;
	} else if (!hidden_in && !hidden_out) {
		g->split_known = true;
		g->in = sum_in;
		g->out = sum_out;
	} else if (!g->total_hidden && (!hidden_in || !hidden_out)) {
		/* the hidden counts' sum is total - shown, known anyway */
		g->split_known = true;
		g->in = hidden_in ? g->total - sum_out : sum_in;
		g->out = g->total - g->in;
	}
	g->has_pct = g->split_known && !g->total_hidden && g->total > 0;
	if (g->has_pct) {
		g->pct_in = ann_pct(g->in, g->total, ANN_DECIMALS);
		g->pct_out = ann_pct(g->out, g->total, ANN_DECIMALS);
	}
}

static void
duration(struct annual *a, const Callsheet__QueryResult *r)
{
	struct ann_duration *d = &a->duration;
	const Callsheet__DurationStats *s = r != NULL ? r->duration : NULL;

	memset(d, 0, sizeof *d);
	if (r == NULL)
		return;
	d->hidden = r->has_duration_suppressed && r->duration_suppressed;
	if (s == NULL || s->count == 0)
		return;
	d->shown = true;
	d->count = s->count;
	d->sum_s = s->sum_s;
	d->median_low_s = s->median_low_s;
	d->median_high_s = s->median_high_s;
	/* half up: floor((2 sum + count) / (2 count)) */
	d->mean_s = (2 * s->sum_s + s->count) / (2 * s->count);
	d->median_s = ((uint64_t)s->median_low_s + s->median_high_s + 1) / 2;
	/* the perturbed bands add up to another figure of the year's
	 * consultations: the report states one */
	if (a->perturbed)
		d->count = a->consultations;
}

static void
totals(struct annual *a, const Callsheet__QueryResult *now,
       const Callsheet__QueryResult *before)
{
	if (now != NULL) {
		a->consultations = now->total;
		a->consultations_hidden =
		        now->has_total_suppressed && now->total_suppressed;
	}
	if (before != NULL) {
		a->has_previous = true;
		a->previous = before->total;
		a->previous_hidden = before->has_total_suppressed &&
		                     before->total_suppressed;
	}
	a->has_change = now != NULL && before != NULL &&
	                !a->consultations_hidden && !a->previous_hidden;
	if (!a->has_change)
		return;
	a->change = (int64_t)a->consultations - (int64_t)a->previous;
	a->has_change_pct = a->previous > 0;
	if (a->has_change_pct)
		a->change_pct = ann_change_pct(a->consultations, a->previous,
		                               ANN_DECIMALS);
}

int
annual_compute(struct annual *a, const struct ann_period *p,
               const char *focus_code,
               const Callsheet__QueryResult *const r[AQ_N],
               const struct labels *l, const struct service_hours *hours)
{
	memset(a, 0, sizeof *a);
	a->year = p->year;
	a->to_date = p->to_date;
	a->last_m = p->last_m;
	a->last_d = p->last_d;
	a->labels = l;
	a->hours = *hours;
	for (size_t i = 0; i < AQ_N; i++) {
		if (r[i] == NULL)
			continue;
		if (r[i]->min_cell > a->min_cell)
			a->min_cell = r[i]->min_cell;
		a->suppressed += r[i]->suppressed_cells;
		if (r[i]->perturbed) {
			a->perturbed = true;
			a->max_noise = r[i]->max_noise;
		}
	}
	a->absent_hidden = a->perturbed && a->min_cell > 1;
	totals(a, r[AQ_TOTAL], r[AQ_PREVIOUS]);
	breakdown_from(&a->other, "call_type", r[AQ_CALL_TYPES], l,
	               "consultation");
	breakdown_pcts(&a->other);
	departments(a, r[AQ_DEPARTMENTS], l);
	focus(a, focus_code, l);
	splits(a, r, l);
	months(a, r[AQ_MONTHS]);
	grid(a, r[AQ_GRID]);
	duration(a, r[AQ_TOTAL]);
	breakdown_from(&a->jurists, "jurist", r[AQ_JURISTS], NULL, NULL);
	breakdown_pcts(&a->jurists);
	return 0;
}

void
annual_free(struct annual *a)
{
	struct ann_breakdown *all[] = {
	        &a->other,      &a->departments, &a->caller, &a->pro_kind,
	        &a->pro_sector, &a->household,   &a->origin, &a->topic,
	        &a->months,     &a->jurists};

	for (size_t i = 0; i < nitems(all); i++)
		breakdown_free(all[i]);
	free(a->focus.ahead);
	free(a->focus.tied);
	free(a->facts.funders);
	memset(a, 0, sizeof *a);
}

/* ------------------------------------------- populations and budget */

uint64_t
ann_div_half_up(uint64_t n, uint64_t d)
{
	return d == 0 ? 0 : n / d + (n % d >= d - n % d ? 1 : 0);
}

static uint64_t
population_of(const Callsheet__YearFacts *y, const char *code)
{
	for (size_t i = 0; i < y->n_populations; i++)
		if (strcmp(y->populations[i]->department, code) == 0)
			return y->populations[i]->population;
	return 0;
}

/* Rates per 100,000 inhabitants, ranked exactly: a has more calls per
 * inhabitant than b when na * pb > nb * pa. */
static void
rates(struct annual *a, const Callsheet__YearFacts *y)
{
	struct ann_breakdown *b = &a->departments;
	uint64_t *pop = xcalloc(b->n + 1, sizeof *pop);

	for (size_t i = 0; i < b->n; i++) {
		struct ann_item *it = &b->items[i];

		pop[i] = it->hidden ? 0 : population_of(y, it->code);
		if (pop[i] == 0)
			continue;
		it->has_rate = true;
		it->rate = ann_div_half_up(it->n * ANN_RATE_PER * 10, pop[i]);
		a->facts.nrated++;
	}
	for (size_t i = 0; i < b->n; i++) {
		if (!b->items[i].has_rate)
			continue;
		b->items[i].rate_rank = 1;
		for (size_t k = 0; k < b->n; k++)
			if (b->items[k].has_rate &&
			    b->items[k].n * pop[i] > b->items[i].n * pop[k])
				b->items[i].rate_rank++;
	}
	free(pop);
}

static void
budget(struct annual *a, const Callsheet__YearFacts *y)
{
	struct ann_facts *f = &a->facts;
	bool per = !a->consultations_hidden && a->consultations > 0;

	f->budget = true;
	f->budget_cents = y->budget_cents;
	f->has_per = per;
	f->per_cents = ann_div_half_up(y->budget_cents, a->consultations);
	f->funders = xcalloc(y->n_funders + 1, sizeof *f->funders);
	for (size_t i = 0; i < y->n_funders; i++) {
		struct ann_funder *fu = &f->funders[f->nfunders++];

		fu->name = y->funders[i]->funder;
		fu->cents = y->funders[i]->cents;
		fu->pct = ann_pct(fu->cents, y->budget_cents, 2);
		fu->has_per = per;
		fu->per_cents = ann_div_half_up(fu->cents, a->consultations);
	}
}

void
annual_facts(struct annual *a, const Callsheet__YearFacts *y)
{
	if (y == NULL)
		return;
	if (y->n_populations > 0 && a->departments.shown) {
		a->facts.populations = true;
		a->facts.source = y->population_source;
		rates(a, y);
	}
	if (y->has_budget_cents && y->budget_cents > 0)
		budget(a, y);
}
