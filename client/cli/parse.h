/* parse.h: pure parsing of option values: times, durations, dates. */
#ifndef CALLSHEET_PARSE_H
#define CALLSHEET_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DATE_STRLEN 11 /* "YYYY-MM-DD" and the NUL */

struct date {
	int y, m, d;
};

/* Calendar days [from, to), as the Query message wants them. */
struct period {
	struct date from;
	struct date to;
};

int parse_uint(const char *s, uint64_t max, uint64_t *out);
int parse_duration(const char *s, uint32_t *out);
int parse_iso8601(const char *s, int64_t *out);
int parse_date(const char *s, struct date *d);
int parse_year(const char *s, int *y);
int parse_year_month(const char *s, int *y, int *m);
int parse_list(const char *s, char ***items, size_t *n);
void list_free(char **items, size_t n);

int date_cmp(const struct date *a, const struct date *b);
void date_next_day(struct date *d);
void date_format(const struct date *d, char out[DATE_STRLEN]);

void period_year(struct period *p, int y);
void period_month(struct period *p, int y, int m);
int period_days(struct period *p, const struct date *first,
                const struct date *last);
void period_previous_year(const struct period *p, struct period *out);
/* A period begun and not over ends tonight (year to date): true if so */
bool period_to_date(struct period *p);
int period_options(const char *year, const char *month, const char *from,
                   const char *to, struct period *p, char *why, size_t len);

/* A département as people type it, as the taxonomy spells it: letters
 * upper case ("2a": "2A"), one digit made two ("7": "07"); into out. */
void department_normalize(const char *in, char *out, size_t len);

/* Says why into why[len] (a refusal's text) and returns -1. */
int why_fail(char *why, size_t len, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif
