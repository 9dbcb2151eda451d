/* annual.h: the annual activity report: which queries it asks, and the
 * figures computed from their counts (shares, ranks, changes, service
 * hours, durations), and the words that present them; pure, no I/O. The
 * report-{text,md,json,html}.c renderers draw a struct annual. */
#ifndef CALLSHEET_ANNUAL_H
#define CALLSHEET_ANNUAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

#define ANN_DECIMALS        1 /* shares in breakdowns: 60.0 % */
#define ANN_DEPT_DECIMALS   2 /* département shares, as published: 10.56 % */
#define ANN_AHEAD_MAX       3 /* départements named ahead of the focus */
#define ANN_SERVICE_DEFAULT "mon-fri 9-13,14-16"
#define NBSP                "\xc2\xa0"     /* no line break here */
#define MINUS               "\xe2\x88\x92" /* U+2212, not a hyphen */

/* ------------------------------------------------------------ labels */

/* The taxonomy's labels in one language (GetTaxonomy). */
struct labels;
struct labels *labels_new(const Callsheet__Taxonomy *t);
/* The label of a code, or the code itself when the taxonomy has none. */
const char *labels_get(const struct labels *l, const char *dim,
                       const char *code);
void labels_free(struct labels *l);

/* ------------------------------------------------------ service hours */

/* Which weekday (0 Monday .. 6 Sunday) and hour are service hours. */
struct service_hours {
	bool on[7][24];
	char spec[64];
};
/* "mon-fri 9-13,14-16": days (names or ranges, comma-separated), a
 * space, hour ranges [from, to) in whole hours. -1 with why in err. */
int service_hours_parse(const char *spec, struct service_hours *out, char *err,
                        size_t errlen);

/* ----------------------------------------------------------- queries */

enum ann_query {
	AQ_TOTAL,       /* consultations of the year, with durations */
	AQ_PREVIOUS,    /* consultations of the year before */
	AQ_CALL_TYPES,  /* every call, by call type */
	AQ_DEPARTMENTS, /* consultations by département */
	AQ_CALLER,      /* the focus (or all): caller type */
	AQ_PRO_KIND,    /* its professionals by kind */
	AQ_PRO_SECTOR,  /* its public bodies by sector */
	AQ_HOUSEHOLD,   /* its individuals by household */
	AQ_ORIGIN,      /* its individuals by region of origin */
	AQ_TOPIC,       /* its calls by topic */
	AQ_MONTHS,      /* consultations by month */
	AQ_GRID,        /* consultations by weekday and hour */
	AQ_JURISTS,     /* consultations by jurist */
	AQ_N,
};

/* The queries of one report, for a pipeline: annual_queries() fills
 * q[AQ_N] (and the storage they point into). */
struct ann_queries {
	Callsheet__Query q[AQ_N];
	Callsheet__Filter filters[AQ_N][2];
	Callsheet__Filter *fp[AQ_N][2];
	char *by[AQ_N][2];
	/* the year's consultations of the focus département (restatements) */
	Callsheet__Query focus_q;
	Callsheet__Filter focus_f, *focus_fp[1];
	char from[2][16];
	char focus[16];
};
/* The year, or (to_date) from 1 January up to today, and the same days
 * of the year before, as report --compare asks them. */
struct ann_period {
	int year;
	bool to_date;       /* the year is not over: up to today */
	char to[2][16];     /* the first day not counted, of the year and of
	                     * the year before ("2027-01-01") */
	int last_m, last_d; /* the last day counted */
};
void annual_queries(struct ann_queries *aq, const struct ann_period *p,
                    const char *focus);

/* ----------------------------------------------------------- figures */

struct ann_item {
	char *code;        /* "" when the sheets have no value */
	const char *label; /* from the taxonomy, or the code */
	uint64_t n;
	bool hidden;   /* suppressed by disclosure control: n unknown */
	bool has_pct;  /* not hidden, base known and non-zero */
	uint64_t pct;  /* n / base in percent, x 10^decimals, half up */
	unsigned rank; /* départements: competition rank (1, 2, 2, 4); 0 none */
	/* départements, when the year's populations are known */
	bool has_rate;
	uint64_t rate;      /* calls per 100,000 inhabitants, x 10, half up */
	unsigned rate_rank; /* competition rank by rate (exact), 0 none */
};

/* Why a breakdown is not shown. */
enum ann_withheld {
	ANN_SHOWN,
	ANN_BASE_HIDDEN, /* its base is a hidden count of another table */
	ANN_NOT_GIVEN,   /* the server does not give it to this role */
};

struct ann_breakdown {
	const char *dim;
	bool shown; /* false: withheld, why says why */
	enum ann_withheld why;
	uint64_t base; /* what the shares are of */
	bool base_hidden;
	bool multi; /* a call counts once per item: shares add to > 100 */
	unsigned decimals;
	struct ann_item *items;
	size_t n;
	unsigned nhidden;
};

struct ann_focus {
	bool given;
	char code[16];
	const char *label;
	uint64_t n;
	bool hidden;
	bool has_pct;
	uint64_t pct;    /* of the year's consultations, ANN_DEPT_DECIMALS */
	unsigned rank;   /* 0: not ranked (abroad, unknown, no call, hidden) */
	bool rank_exact; /* false: hidden départements might rank above */
	const struct ann_item **ahead; /* more calls, most first */
	size_t nahead;
	const struct ann_item **tied; /* as many calls */
	size_t ntied;
};

struct ann_grid {
	uint64_t n[7][24];
	bool hidden[7][24];
	uint64_t max; /* the largest shown cell */
	uint64_t total;
	bool total_hidden;
	bool split_known; /* in and out of service hours are known */
	uint64_t in, out;
	bool has_pct;
	uint64_t pct_in, pct_out; /* of total, ANN_DECIMALS */
	unsigned nhidden;
};

struct ann_duration {
	bool shown;
	bool hidden;
	uint64_t count, sum_s;
	uint32_t median_low_s, median_high_s;
	uint64_t mean_s;   /* sum / count, rounded half up */
	uint64_t median_s; /* (low + high) / 2, rounded half up */
};

/* What the report says about itself, set by its caller after
 * annual_compute(): who issues it, when, and what was restated. */
struct ann_meta {
	const char *service;              /* the service's name, or NULL */
	const char *address;              /* its address, or NULL */
	int issued_y, issued_m, issued_d; /* 0: not stated */
	/* the restatements of the year's closed periods (borrowed); NULL:
	 * not asked */
	const Callsheet__Restatements *restated;
	/* the same, of the focus département's consultations; NULL: no
	 * focus, or not asked */
	const Callsheet__Restatements *restated_focus;
};

/* Populations (rates per inhabitant) and budget (cost per consultation)
 * of the year, from YearFacts: annual_facts(). */
#define ANN_RATE_PER      100000 /* inhabitants */
#define ANN_RATE_DECIMALS 1
struct ann_funder {
	const char *name;
	uint64_t cents;
	uint64_t pct;       /* of the budget, x 100 (two decimals), half up */
	bool has_per;       /* the consultations are known and not zero */
	uint64_t per_cents; /* its share per consultation, half up */
};
struct ann_facts {
	bool populations; /* known: items have rates */
	const char *source;
	unsigned nrated; /* départements with a rate */
	bool budget;
	uint64_t budget_cents;
	bool has_per;
	uint64_t per_cents; /* the budget per consultation, half up */
	struct ann_funder *funders;
	size_t nfunders;
};

struct annual {
	int year;
	bool to_date;       /* the year is not over: up to today */
	int last_m, last_d; /* the last day counted */
	/* the taxonomy's labels in the reader's language (borrowed): names of
	 * départements without calls too, for the map */
	const struct labels *labels;
	struct ann_meta meta;
	struct ann_facts facts;
	uint64_t consultations;
	bool consultations_hidden;
	/* the change from the year before */
	uint64_t previous;
	bool previous_hidden;
	bool has_previous; /* false: not given to this role (a reporter's
	                    * year before not closed): nothing said of it */
	bool has_change;
	int64_t change;
	bool has_change_pct;
	int64_t change_pct; /* signed, ANN_DECIMALS; magnitude rounded half up
	                     */
	struct ann_breakdown other; /* non-consultation calls, of all calls */
	struct ann_breakdown departments;
	struct ann_focus focus;
	struct ann_breakdown caller, pro_kind, pro_sector, household, origin,
	        topic;
	struct ann_breakdown months;
	struct ann_grid grid;
	struct service_hours hours;
	struct ann_duration duration;
	struct ann_breakdown jurists;
	uint32_t min_cell;
	unsigned suppressed; /* hidden counts, every query together */
	bool perturbed;      /* cell-key method: figures within +-max_noise */
	uint32_t max_noise;
	/* the cell-key method leaves out a row under min_cell as it leaves
	 * out an empty one: a count not in an answer (a département, a
	 * month, a weekday x hour cell) is "0 or under min_cell", shown
	 * hidden, never as 0 */
	bool absent_hidden;
};

/* The results, indexed by enum ann_query; returns 0. */
int annual_compute(struct annual *a, const struct ann_period *p,
                   const char *focus,
                   const Callsheet__QueryResult *const r[AQ_N],
                   const struct labels *labels,
                   const struct service_hours *hours);
void annual_free(struct annual *a);
/* Adds the year's populations and budget (borrowed: y outlives a). */
void annual_facts(struct annual *a, const Callsheet__YearFacts *y);
/* n / d rounded half up, exact */
uint64_t ann_div_half_up(uint64_t n, uint64_t d);

/* Pure arithmetic, exposed for the tests. */
uint64_t ann_pct(uint64_t n, uint64_t base, unsigned decimals);
int64_t ann_change_pct(uint64_t now, uint64_t before, unsigned decimals);
void ann_rank(struct ann_item *items, size_t n);

/* ------------------------------------------------------------- words */

/* annual-words.c: numbers and sentences in the reader's language, for
 * every renderer. French when LC_ALL, LC_MESSAGES or LANG (the first
 * set) starts with "fr". */
bool words_french(void);
void words_set_french(bool french); /* tests */
const char *words_lang(void);       /* "fr" or "en" */
/* 6,461 or 6 461 (no-break space) */
void words_count(struct strbuf *sb, uint64_t n);
/* 10.56 % or 10,56 % for a scaled value; signed adds + or - */
void words_pct(struct strbuf *sb, uint64_t scaled, unsigned decimals);
void words_pct_signed(struct strbuf *sb, int64_t scaled, unsigned decimals);
/* 7 min 05 s */
void words_duration(struct strbuf *sb, uint64_t seconds);
/* "Callers", "Professionals by kind", ... */
const char *words_title(const char *dim);
/* A breakdown's count column: "Calls" (other calls: every call type) or
 * "Consultations" (what every other breakdown counts) */
/* the header of a table's item column ("Département"; "" when the
 * section's title says it) */
const char *words_item_title(const struct ann_breakdown *b);
const char *words_count_title(const struct ann_breakdown *b);
/* "of 682 calls from 75 Paris" / "of 6,461 calls" / "of 273 professional
 * callers"... for a breakdown of the report */
void words_base(struct strbuf *sb, const struct annual *a,
                const struct ann_breakdown *b);
/* "75 Paris: 682 calls, 10.56 % of all 6,461 calls, ranked 3, behind
 * 93 Seine-Saint-Denis and 94 Val-de-Marne." */
void words_focus(struct strbuf *sb, const struct annual *a);
/* The headline figures' tiles, in the funder's order: the year's
 * consultations and their change; the focus's consultations and share;
 * its rank. big[i] the figure, small[i] what it is (lines separated by
 * "\n"); returns how many (1 to ANN_TILES). */
#define ANN_TILES 3
size_t words_tiles(const struct annual *a, struct strbuf big[ANN_TILES],
                   struct strbuf small[ANN_TILES]);
/* "Consultations: 6,461 (2023: 6,102, +359, +5.9 %)." */
void words_consultations(struct strbuf *sb, const struct annual *a);
void words_duration_line(struct strbuf *sb, const struct annual *a);
void words_service_line(struct strbuf *sb, const struct annual *a);
/* "s: hidden by disclosure control ..." when something was */
void words_disclosure(struct strbuf *sb, const struct annual *a);
/* How the figures were computed: exact counts, or perturbed ones */
const char *words_generated(const struct annual *a);
/* Why a breakdown is not shown, in a sentence */
const char *words_withheld(const struct ann_breakdown *b);
/* "Paris (75): 18.8 calls per 100,000 inhabitants, ranked 4 of 20
 * départements (populations: INSEE ...)." Nothing without populations. */
void words_rate(struct strbuf *sb, const struct annual *a);
/* a rate of ann_item: 18.8 or 18,8 */
void words_rate_number(struct strbuf *sb, uint64_t scaled);
/* an item's rate and its rank by rate as table cells ("" without) */
void words_rate_cells(struct strbuf *rate, struct strbuf *rank,
                      const struct ann_item *it);
/* "Budget of the action: 190,700.00 €; cost per consultation: 29.52 €
 * (of 6,461 consultations)." and a line per funder; nothing without. */
void words_budget(struct strbuf *sb, const struct annual *a);
/* 190,700.00 € or 190 700,00 € */
void words_euros(struct strbuf *sb, uint64_t cents);
void words_funder(struct strbuf *sb, const struct annual *a,
                  const struct ann_funder *f);
const char *words_weekday(int d);      /* 0 Monday */
const char *words_weekday_long(int d); /* "Monday", "lundi" */
/* "1 January to 31 December 2024" */
void words_period(struct strbuf *sb, const struct annual *a);
/* "Issued on 4 December 2026" (nothing when the date is not stated) */
void words_issued(struct strbuf *sb, const struct annual *a);
/* "Monday to Friday, 9:00-13:00 and 14:00-16:00" */
void words_hours(struct strbuf *sb, const struct service_hours *h);
/* "Restated figures": the restatements' heading; whether there are
 * restatements to show */
bool words_restated_shown(const struct annual *a);
/* The sentence before them: what they are, and for a reporter what they
 * cannot say */
const char *words_restated_lead(const struct annual *a);
/* A line per restated period: "2024: published 6,461, restated 6,462
 * (+1). Reasons: why; voided: why." */
void words_restatements(struct strbuf *sb, const struct annual *a);
const char *words_month(int m);       /* 1 January */
const char *words_month_short(int m); /* 1: Jan, janv. */
const char *words_hidden(void);       /* the mark of a hidden count */
/* An item's label with its code where it helps (départements: "75
 * Paris"; no value: "(none)") */
void words_item(struct strbuf *sb, const struct ann_breakdown *b,
                const struct ann_item *it);

/* A breakdown's row as text cells: the rank ("" unless ranked), the
 * item, the count (or the hidden mark), the share ("" when none). */
struct words_row {
	struct strbuf rank, item, count, share;
};
void words_row(struct words_row *w, const struct ann_breakdown *b,
               const struct ann_item *it);
void words_row_free(struct words_row *w);
/* A bar's value, as every chart writes it: "229 (57.3 %)", the count
 * alone when there is no share. */
void words_bar_value(struct strbuf *sb, const struct words_row *w);
/* The hours the weekday x hour table shows: from the first hour with
 * calls or service to the last; *first > *last when there is none. */
void words_grid_hours(const struct annual *a, int *first, int *last);

/* the renderers */
void annual_text(struct strbuf *sb, const struct annual *a);
void annual_md(struct strbuf *sb, const struct annual *a);
void annual_json(struct strbuf *sb, const struct annual *a);
void annual_html(struct strbuf *sb, const struct annual *a);
/* annual-pdf.c: an A4 PDF document; -1 with why in err when cairo fails */
int annual_pdf(struct strbuf *sb, const struct annual *a, char *err,
               size_t errlen);

#endif
