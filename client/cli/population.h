/* population.h: INSEE's published file of the départements' populations,
 * read into the figures `admin population import` sends; and euro amounts
 * for `admin budget`. Pure but for reading the stream given. */
#ifndef CALLSHEET_POPULATION_H
#define CALLSHEET_POPULATION_H

#include <stdint.h>
#include <stdio.h>

#include "common.h"

struct population {
	char code[4]; /* 01 ... 95, 2A, 2B, 971 ... 976 */
	uint64_t n;
};

/*
 * The file's rows. It has a header line naming its columns, separated by
 * ';' (as INSEE publishes it) or ','; the département's code is in the
 * column CODDEP (or DEP), its population in PMUN (population municipale,
 * the figure INSEE publishes as the reference) or else PTOT. Other columns
 * are ignored; a number may have spaces between its digits. 0, or -1 with
 * "NAME:LINE: column C: what is wrong" in err.
 */
int population_read(FILE *f, const char *name, struct population **out,
                    size_t *n, char *err, size_t errlen);

/* "190700", "190 700,50", "34000.5" euros: exact cents; -1 if not an
 * amount (or above EUROS_CENTS_MAX). */
#define EUROS_CENTS_MAX UINT64_C(100000000000000) /* a trillion euros */
int euros_parse(const char *s, uint64_t *cents);

/* `admin budget`'s amounts judged as the daemon will (the shares add up to
 * at most the total, each funder once), before sending: 0, or -1 with
 * why in err, in euros in the reader's typography, naming the option. */
struct budget_share {
	const char *name;
	uint64_t cents;
};
int budget_check(uint64_t total_cents, const struct budget_share *s, size_t n,
                 char *err, size_t errlen);

#endif
