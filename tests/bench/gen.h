/* gen.h: realistic call sheets for benchmarks, skewed as a Paris hotline's
 * (Seine-Saint-Denis first, Val-de-Marne second, Paris third...). */
#ifndef CALLSHEET_BENCH_GEN_H
#define CALLSHEET_BENCH_GEN_H

#include <stdint.h>

#include "common.h"

struct gen_sheet {
	uint8_t id[CS_UUID_LEN];
	int64_t call_start;
	uint32_t duration_s;
	const char *call_type, *department, *caller, *pro_kind, *pro_sector,
	        *household, *origin;
	const char *topics[4];
	int ntopics;
};

/* xorshift state; one per thread */
struct gen {
	uint64_t s;
};

void gen_init(struct gen *g, uint64_t seed);
/* A sheet whose call starts in [from, from + span) seconds (UTC). */
void gen_sheet(struct gen *g, int64_t from, int64_t span,
               struct gen_sheet *out);
/* Points a wire sheet at the generated one (no copies). */
void gen_to_wire(struct gen_sheet *in, Callsheet__Sheet *s);

#endif
