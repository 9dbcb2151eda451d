/* report-compare.c: a period's counts next to the same period a year
 * before (report --compare): both counts, both percentages, the change
 * and the change in percent of the earlier count; table, CSV, JSON. A
 * change involving a hidden count is unknown. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcallsheet.h"
#include "report-format.h"

/* One line: the counts of one key (or the totals) in both periods. */
struct cmp_line {
	const Callsheet__Row *row; /* where the keys are; NULL: the total */
	const char *const *keys;
	uint64_t n[2];
	bool hidden[2];
	bool has_change, has_pct;
	int64_t change;
};

static void
cmp_fill(struct cmp_line *l)
{
	l->has_change = !l->hidden[0] && !l->hidden[1];
	l->change = (int64_t)l->n[0] - (int64_t)l->n[1];
	l->has_pct = l->has_change && l->n[1] > 0;
}

/* The change in percent of the earlier count, with that many decimals:
 * its magnitude rounded half up, its sign put back ("-12.5"); "" when
 * unknown. */
static void
cmp_pct(const struct cmp_line *l, unsigned decimals, char out[PCT_STRLEN])
{
	uint64_t mag;

	out[0] = '\0';
	if (!l->has_pct)
		return;
	mag = pct_scaled(l->n[0] > l->n[1] ? l->n[0] - l->n[1]
	                                   : l->n[1] - l->n[0],
	                 l->n[1], decimals);
	pct_signed_format(l->change < 0 ? -(int64_t)mag : (int64_t)mag,
	                  decimals, out);
}

static bool
same_keys(const Callsheet__Row *a, const Callsheet__Row *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(row_key(a, i), row_key(b, i)) != 0)
			return false;
	return true;
}

/* Every key of either period: now's order, then the earlier-only ones. */
static struct cmp_line *
cmp_lines(const Callsheet__QueryResult *now,
          const Callsheet__QueryResult *before, size_t *n)
{
	const Callsheet__QueryResult *r[2] = {now, before};
	size_t cap = now->n_rows + before->n_rows + 1, m = 0;
	struct cmp_line *v = xcalloc(cap, sizeof *v);

	for (int p = 0; p < 2; p++)
		for (size_t i = 0; now->n_group_by > 0 && i < r[p]->n_rows;
		     i++) {
			const Callsheet__Row *row = r[p]->rows[i];
			size_t k;

			for (k = 0; k < m; k++)
				if (same_keys(v[k].row, row, now->n_group_by))
					break;
			if (k == m)
				v[m++].row = row;
			v[k].n[p] = row->count;
			v[k].hidden[p] = row_hidden(row);
		}
	for (size_t k = 0; k < m; k++) {
		v[k].keys = (const char *const *)v[k].row->keys;
		cmp_fill(&v[k]);
	}
	for (int p = 0; p < 2; p++) {
		v[m].n[p] = r[p]->total;
		v[m].hidden[p] = total_hidden(r[p]);
	}
	cmp_fill(&v[m]);
	*n = m;
	return v;
}

/* The columns after the keys, as text ("" for unknown), percentages with
 * that many decimals. */
static void
cmp_cells(const struct cmp_line *l, const Callsheet__QueryResult *now,
          const Callsheet__QueryResult *before, unsigned decimals,
          struct strbuf c[6])
{
	char count[24], pct[PCT_STRLEN];
	const Callsheet__QueryResult *r[2] = {now, before};

	for (int i = 0; i < 6; i++) {
		sb_reset(&c[i]);
		sb_addn(&c[i], "", 0); /* an unknown cell is "", never NULL */
	}
	for (int p = 0; p < 2; p++) {
		count_text(l->n[p], l->hidden[p], count);
		sb_add(&c[2 * p], count);
		if (l->keys != NULL)
			pct_text(l->n[p], l->hidden[p], r[p], decimals, pct);
		else
			pct[0] = '\0';
		sb_add(&c[2 * p + 1], pct);
	}
	if (l->has_change)
		sb_addf(&c[4], "%+" PRId64, l->change);
	cmp_pct(l, decimals, pct);
	sb_add(&c[5], pct);
}

/* CSV headers as they are; in a table, translated */
static const char *const cmp_names[6] = {N_("count"),    N_("percent"),
                                         N_("previous"), N_("previous_percent"),
                                         N_("change"),   N_("change_percent")};

void
report_compare_csv(struct strbuf *sb, const Callsheet__QueryResult *now,
                   const Callsheet__QueryResult *before)
{
	struct strbuf c[6] = {{0}};
	size_t n;
	struct cmp_line *v = cmp_lines(now, before, &n);

	for (size_t i = 0; i < now->n_group_by; i++) {
		csv_field(sb, now->group_by[i]);
		sb_add(sb, ",");
	}
	for (int i = 0; i < 6; i++)
		sb_addf(sb, "%s%s", cmp_names[i], i < 5 ? "," : "\n");
	for (size_t k = now->n_group_by > 0 ? 0 : n; k <= n; k++) {
		if (now->n_group_by > 0 && k == n)
			break; /* CSV rows are groups; the total is their sum */
		for (size_t i = 0; i < now->n_group_by; i++) {
			csv_field(sb, v[k].keys[i]);
			sb_add(sb, ",");
		}
		cmp_cells(&v[k], now, before, CSV_PCT_DECIMALS, c);
		for (int i = 0; i < 6; i++)
			sb_addf(sb, "%s%s", c[i].buf, i < 5 ? "," : "\n");
	}
	for (int i = 0; i < 6; i++)
		sb_free(&c[i]);
	free(v);
}

void
report_compare_table(struct strbuf *sb, const Callsheet__QueryResult *now,
                     const Callsheet__QueryResult *before)
{
	size_t nd = now->n_group_by, w = nd + 6, n;
	struct cmp_line *v = cmp_lines(now, before, &n);
	char **text = xcalloc(w * (n + 2), sizeof *text);
	struct strbuf c[6] = {{0}};

	for (size_t i = 0; i < nd; i++)
		text[i] = xstrdup(report_dim_word(now->group_by[i]));
	for (int i = 0; i < 6; i++)
		text[nd + (size_t)i] = xstrdup(_(cmp_names[i]));
	for (size_t k = 0; k <= n; k++) {
		char **line = text + (k + 1) * w;

		for (size_t i = 0; i < nd; i++)
			line[i] = xstrdup(k < n    ? (*v[k].keys[i] != '\0'
			                                      ? v[k].keys[i]
			                                      : _("(none)"))
			                  : i == 0 ? _("total")
			                           : "");
		cmp_cells(&v[k], now, before, PCT_DECIMALS, c);
		for (int i = 0; i < 6; i++)
			line[nd + (size_t)i] = xstrdup(c[i].buf);
	}
	text_grid(sb, text, w, n + 2, nd);
	report_disclosure_note(sb, now);
	for (int i = 0; i < 6; i++)
		sb_free(&c[i]);
	free(text);
	free(v);
}

static void
json_cmp(struct strbuf *sb, const struct cmp_line *l,
         const Callsheet__QueryResult *now,
         const Callsheet__QueryResult *before)
{
	char pct[PCT_STRLEN];

	json_counts(sb, l->n[0], l->hidden[0], now);
	sb_add(sb, ",\"previous\":{");
	json_counts(sb, l->n[1], l->hidden[1], before);
	sb_add(sb, "},\"change\":");
	if (l->has_change)
		sb_addf(sb, "%" PRId64, l->change);
	else
		sb_add(sb, "null");
	sb_add(sb, ",\"change_percent\":");
	cmp_pct(l, PCT_DECIMALS, pct);
	/* JSON numbers have no plus sign */
	sb_add(sb, pct[0] == '\0' ? "null" : pct[0] == '+' ? pct + 1 : pct);
}

/* period: from, to, previous from, previous to */
void
report_compare_json(struct strbuf *sb, const char *const period[4],
                    const Callsheet__QueryResult *now,
                    const Callsheet__QueryResult *before)
{
	size_t n;
	struct cmp_line *v = cmp_lines(now, before, &n);

	sb_add(sb, "{\"period\":{\"from\":");
	json_string(sb, period[0]);
	sb_add(sb, ",\"to\":");
	json_string(sb, period[1]);
	sb_add(sb, "},\"previous_period\":{\"from\":");
	json_string(sb, period[2]);
	sb_add(sb, ",\"to\":");
	json_string(sb, period[3]);
	sb_add(sb, "},\"group_by\":[");
	for (size_t i = 0; i < now->n_group_by; i++) {
		if (i > 0)
			sb_add(sb, ",");
		json_string(sb, now->group_by[i]);
	}
	sb_add(sb, "],\"total\":{");
	json_cmp(sb, &v[n], now, before);
	sb_add(sb, "},\"rows\":[");
	for (size_t k = 0; k < n; k++) {
		Callsheet__Row row = CALLSHEET__ROW__INIT;

		row.keys = (char **)v[k].keys;
		row.n_keys = now->n_group_by;
		if (k > 0)
			sb_add(sb, ",");
		json_keys(sb, now->group_by, now->n_group_by, &row);
		json_cmp(sb, &v[k], now, before);
		sb_add(sb, "}");
	}
	sb_add(sb, "]");
	if (now->min_cell > 1) {
		sb_addf(sb,
		        ",\"disclosure\":{\"min_cell\":%u,\"suppressed\":%u",
		        now->min_cell,
		        now->suppressed_cells + before->suppressed_cells);
		if (now->has_perturbed && now->perturbed)
			sb_addf(sb, ",\"perturbed\":true,\"max_noise\":%u",
			        now->max_noise);
		sb_add(sb, "}");
	}
	sb_add(sb, "}\n");
	free(v);
}
