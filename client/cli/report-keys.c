/* report-keys.c: a query result's keys in words for a table (report):
 * the taxonomy's labels, département names, months, weekdays and hours;
 * CSV and JSON keep the codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annual.h"
#include "libcallsheet.h"
#include "report-format.h"

const char *
report_dim_word(const char *dim)
{
	static const struct {
		const char *dim, *word;
	} words[] = {
	        {"call_type", N_("Call type")},
	        {"department", N_("Département")},
	        {"caller", N_("Caller")},
	        {"pro_kind", N_("Kind of professional")},
	        {"pro_sector", N_("Public sector")},
	        {"household", N_("Household")},
	        {"origin", N_("Region of origin")},
	        {"topic", N_("Topic")},
	        {"jurist", N_("Jurist")},
	        {"month", N_("Month")},
	        {"weekday", N_("Weekday")},
	        {"hour", N_("Hour")},
	};

	for (size_t i = 0; i < nitems(words); i++)
		if (strcmp(words[i].dim, dim) == 0)
			return _(words[i].word);
	return dim;
}

/* The words of one key of dimension dim ("" stays "": no value). */
static char *
key_words(const Callsheet__Taxonomy *t, const char *dim, const char *key)
{
	struct ann_breakdown b = {.dim = dim};
	struct ann_item it = {.code = (char *)key};
	const Callsheet__TaxonomyEntry *e;
	struct strbuf sb = {0};
	int n = atoi(key);

	if (*key == '\0')
		return xstrdup("");
	if (strcmp(dim, "month") == 0 && strlen(key) == 7)
		return xasprintf("%s %.4s", words_month(atoi(key + 5)), key);
	if (strcmp(dim, "weekday") == 0 && n >= 1 && n <= 7)
		return xstrdup(words_weekday_long(n - 1));
	if (strcmp(dim, "hour") == 0)
		return xasprintf("%02d-%02d", n, n + 1);
	if (strcmp(dim, "jurist") == 0)
		return xstrdup(key);
	if ((e = cs_tax_find(t, dim, key)) != NULL)
		it.label = cs_tax_label(e, words_french());
	words_item(&sb, &b, &it);
	return sb_steal(&sb);
}

/* The n keys of one row, of the dimensions from dims[first] on. */
static void
keys_words(const Callsheet__Taxonomy *t, char **dims, size_t ndims, char **keys,
           size_t n, size_t first)
{
	for (size_t k = 0; k < n && first + k < ndims; k++) {
		char *w = key_words(t, dims[first + k],
		                    keys[k] != NULL ? keys[k] : "");

		free(keys[k]);
		keys[k] = w;
	}
}

static void
rows_words(const Callsheet__Taxonomy *t, char **dims, size_t ndims,
           Callsheet__Row **rows, size_t n, size_t first)
{
	for (size_t i = 0; i < n; i++)
		keys_words(t, dims, ndims, rows[i]->keys, rows[i]->n_keys,
		           first);
}

void
report_keys_words(Callsheet__QueryResult *r, const Callsheet__Taxonomy *t)
{
	rows_words(t, r->group_by, r->n_group_by, r->rows, r->n_rows, 0);
	rows_words(t, r->group_by, r->n_group_by, r->row_totals,
	           r->n_row_totals, 0);
	rows_words(t, r->group_by, r->n_group_by, r->column_totals,
	           r->n_column_totals, 1);
}

void
report_restated_words(Callsheet__Restatements *rs, const Callsheet__Taxonomy *t)
{
	for (size_t p = 0; rs != NULL && p < rs->n_periods; p++)
		for (size_t i = 0; i < rs->periods[p]->n_rows; i++)
			keys_words(t, rs->group_by, rs->n_group_by,
			           rs->periods[p]->rows[i]->keys,
			           rs->periods[p]->rows[i]->n_keys, 0);
}
