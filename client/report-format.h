/* report-format.h: query results as table, CSV or JSON; percentages. */
#ifndef CALLSHEET_REPORT_FORMAT_H
#define CALLSHEET_REPORT_FORMAT_H

#include <stdint.h>

#include "common.h"

#define PCT_STRLEN 24 /* "18446744073709551615.5" and the NUL */

/* count/total*100 in tenths, rounded half up; 0 when total is 0. */
uint64_t pct_tenths(uint64_t count, uint64_t total);
void pct_format(uint64_t count, uint64_t total, char out[PCT_STRLEN]);

void csv_field(struct strbuf *sb, const char *s);
void json_string(struct strbuf *sb, const char *s);

/* A row key the server sent as "" stands for NULL: no value. */
void report_table(struct strbuf *sb, const Callsheet__QueryResult *r);
void report_csv(struct strbuf *sb, const Callsheet__QueryResult *r);
void report_json(struct strbuf *sb, const char *from, const char *to,
                 const Callsheet__QueryResult *r);

#endif
