/* report-format.h: query results as table, CSV or JSON; percentages. */
#ifndef CALLSHEET_REPORT_FORMAT_H
#define CALLSHEET_REPORT_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

#define PCT_STRLEN 24 /* "18446744073709551615.5" and the NUL */

/* count/total*100 in units of 10^-decimals (decimals <= 6), rounded half
 * up; 0 when total is 0. */
uint64_t pct_scaled(uint64_t count, uint64_t total, unsigned decimals);
/* count/total*100 in tenths, rounded half up; 0 when total is 0. */
uint64_t pct_tenths(uint64_t count, uint64_t total);
/* Decimals of a percentage: one in a table and JSON, two in CSV (10.56,
 * as funders publish it). */
#define PCT_DECIMALS     1
#define CSV_PCT_DECIMALS 2
/* count/total*100 with that many decimals and a point: "10.56" */
void pct_format(uint64_t count, uint64_t total, unsigned decimals,
                char out[PCT_STRLEN]);
/* a signed percentage given in units of 10^-decimals: "+12.5", "-100.00" */
void pct_signed_format(int64_t scaled, unsigned decimals, char out[PCT_STRLEN]);

void csv_field(struct strbuf *sb, const char *s);
/* Columns a UTF-8 string takes on a terminal (one per character). */
size_t text_width(const char *s);
/* w x h cells as aligned columns, the first nleft left-aligned; frees the
 * cells (not the array). */
void text_grid(struct strbuf *sb, char **cell, size_t w, size_t h,
               size_t nleft);
void json_string(struct strbuf *sb, const char *s);

/* Disclosure control: a hidden count shows as HIDDEN_MARK in a table,
 * an empty field in CSV, null in JSON. */
#define HIDDEN_MARK "s"
bool row_hidden(const Callsheet__Row *row);
bool total_hidden(const Callsheet__QueryResult *r);
void count_text(uint64_t n, bool hidden, char out[24]);
void pct_text(uint64_t n, bool hidden, const Callsheet__QueryResult *r,
              unsigned decimals, char out[PCT_STRLEN]);
void report_disclosure_note(struct strbuf *sb, const Callsheet__QueryResult *r);
void csv_counts(struct strbuf *sb, uint64_t count, bool hidden,
                const Callsheet__QueryResult *r);
const char *row_key(const Callsheet__Row *row, size_t i);
void json_keys(struct strbuf *sb, char *const *names, size_t n,
               const Callsheet__Row *row);
void json_counts(struct strbuf *sb, uint64_t count, bool hidden,
                 const Callsheet__QueryResult *r);

/* A row key the server sent as "" stands for NULL: no value. */
void report_table(struct strbuf *sb, const Callsheet__QueryResult *r);
void report_csv(struct strbuf *sb, const Callsheet__QueryResult *r);
void report_json(struct strbuf *sb, const char *from, const char *to,
                 const Callsheet__QueryResult *r);

/* report-keys.c: a table's words for a dimension ("Household") and, in
 * place, for every key of r (labels, département names, "December
 * 2026", "Monday", "09-10"); call it after ordering and matching rows by
 * their codes. t may be NULL (codes stay, but months, weekdays, hours). */
const char *report_dim_word(const char *dim);
void report_keys_words(Callsheet__QueryResult *r, const Callsheet__Taxonomy *t);
/* the same for the rows of the restatements a table shows beside it */
void report_restated_words(Callsheet__Restatements *rs,
                           const Callsheet__Taxonomy *t);

/* report-cross.c: two dimensions as a cross table with its margins
 * (QueryResult.row_totals, column_totals, table_total) */
void report_cross_table(struct strbuf *sb, const Callsheet__QueryResult *r);
void report_cross_csv_totals(struct strbuf *sb,
                             const Callsheet__QueryResult *r);
void report_cross_json_totals(struct strbuf *sb,
                              const Callsheet__QueryResult *r);

/* report-compare.c: a period next to the same period a year before */
void report_compare_table(struct strbuf *sb, const Callsheet__QueryResult *now,
                          const Callsheet__QueryResult *before);
void report_compare_csv(struct strbuf *sb, const Callsheet__QueryResult *now,
                        const Callsheet__QueryResult *before);
void report_compare_json(struct strbuf *sb, const char *const period[4],
                         const Callsheet__QueryResult *now,
                         const Callsheet__QueryResult *before);

#endif
