/* tax-sample.h: a small hand-made taxonomy for the unit tests of the
 * daemon's pure modules; "papers" is a retired topic whose successor is
 * "residence", retired on 2025-12-31. Include it once, after callsheetd.h. */
#ifndef CALLSHEET_TAX_SAMPLE_H
#define CALLSHEET_TAX_SAMPLE_H

static struct tax_entry entries[] = {
        {1, DIM_CALL_TYPE, "consultation", "", "", -1, false, 0, 0},
        {2, DIM_CALL_TYPE, "silent", "", "", -1, false, 0, 0},
        {10, DIM_DEPARTMENT, "75", "", "", -1, false, 0, 0},
        {11, DIM_DEPARTMENT, "93", "", "", -1, false, 0, 0},
        {20, DIM_CALLER, "individual", "", "", -1, false, 0, 0},
        {21, DIM_CALLER, "professional", "", "", -1, false, 0, 0},
        {30, DIM_PRO_KIND, "public_body", "", "", -1, false, 0, 0},
        {31, DIM_PRO_KIND, "association", "", "", -1, false, 0, 0},
        {40, DIM_PRO_SECTOR, "other_public", "", "", -1, false, 0, 0},
        {50, DIM_HOUSEHOLD, "woman", "", "", -1, false, 0, 0},
        {51, DIM_HOUSEHOLD, "man", "", "", -1, false, 0, 0},
        {60, DIM_ORIGIN, "africa", "", "", -1, false, 0, 0},
        {70, DIM_TOPIC, "entry", "", "", 0, false, 0, 0},
        {71, DIM_TOPIC, "residence", "", "", 1, false, 0, 0},
        /* retired on 2025-12-31T00:00:00Z */
        {72, DIM_TOPIC, "papers", "", "", 5, true, 71, 1767139200},
};
static struct taxonomy tax = {.version = 7,
                              .timezone = "Europe/Paris",
                              .entries = entries,
                              .n = nitems(entries)};

#endif
