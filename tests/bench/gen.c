/* gen.c: the benchmark sheet generator: weighted choices and call times in
 * office hours, deterministic for a given seed. */
#include <stdbool.h>
#include <string.h>

#include "gen.h"

struct weighted {
	const char *code;
	unsigned weight;
};

static const struct weighted depts[] = {
        {"93", 160}, {"94", 120},     {"75", 106}, {"92", 80},  {"95", 70},
        {"91", 60},  {"77", 60},      {"78", 50},  {"60", 20},  {"13", 20},
        {"69", 20},  {"59", 20},      {"2A", 4},   {"971", 10}, {"974", 10},
        {"99", 30},  {"unknown", 40}, {"33", 15},  {"31", 15},  {"45", 10},
};
static const struct weighted households[] = {
        {"man", 44}, {"woman", 49}, {"couple", 7}};
static const struct weighted origins[] = {
        {"africa", 45},       {"maghreb", 23}, {"latin_america", 7},
        {"europe_eu", 6},     {"asia", 4},     {"middle_east", 3},
        {"north_america", 3}, {"oceania", 3},  {"europe_other", 3},
        {"unknown", 3}};
static const struct weighted kinds[] = {
        {"public_body", 68}, {"association", 29}, {"other", 3}};
static const struct weighted sectors[] = {{"local_social_services", 45},
                                          {"hospital_medico_social", 14},
                                          {"other_public", 41}};
static const struct weighted topics[] = {
        {"residence", 40}, {"entry", 15},      {"social_rights", 12},
        {"family", 10},    {"nationality", 6}, {"asylum", 6},
        {"removal", 5},    {"work", 4},        {"other", 2}};
static const struct weighted call_types[] = {
        {"consultation", 90}, {"silent", 3},  {"hang_up", 3},
        {"wrong_number", 2},  {"abusive", 1}, {"test", 1}};

/* splitmix64 of the seed: nearby seeds give unrelated streams */
void
gen_init(struct gen *g, uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	g->s = (z ^ (z >> 31)) | 1;
}

static uint64_t
next(struct gen *g)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return g->s;
}

static unsigned
below(struct gen *g, unsigned n)
{
	return (unsigned)(next(g) % n);
}

static const char *
choose(struct gen *g, const struct weighted *w, size_t n)
{
	unsigned total = 0, r;

	for (size_t i = 0; i < n; i++)
		total += w[i].weight;
	r = below(g, total);
	for (size_t i = 0; i < n; i++) {
		if (r < w[i].weight)
			return w[i].code;
		r -= w[i].weight;
	}
	return w[n - 1].code;
}

#define CHOOSE(g, table) choose((g), (table), nitems(table))

/* Office hours, Paris (UTC+1 or +2: within the hour is fine here). */
static int64_t
call_time(struct gen *g, int64_t from, int64_t span)
{
	int64_t day =
	        from + (int64_t)below(g, (unsigned)(span / 86400)) * 86400;
	unsigned minute = below(g, 6 * 60); /* 9-13 and 14-16 */

	day -= day % 86400;
	minute += minute < 240 ? 8 * 60 : 9 * 60; /* 08:00 UTC = 09:00 CET */
	return day + minute * 60 + below(g, 60);
}

void
gen_sheet(struct gen *g, int64_t from, int64_t span, struct gen_sheet *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < CS_UUID_LEN; i += 8) {
		uint64_t r = next(g);

		memcpy(out->id + i, &r, 8);
	}
	out->id[6] = (out->id[6] & 0x0f) | 0x40;
	out->id[8] = (out->id[8] & 0x3f) | 0x80;
	out->call_start = call_time(g, from, span);
	out->duration_s = 60 + below(g, 600) + below(g, 600) * below(g, 3);
	out->call_type = CHOOSE(g, call_types);
	if (strcmp(out->call_type, "consultation") != 0)
		return;
	out->department = CHOOSE(g, depts);
	if (below(g, 100) < 60) {
		out->caller = "individual";
		out->household = CHOOSE(g, households);
		out->origin = CHOOSE(g, origins);
	} else {
		out->caller = "professional";
		out->pro_kind = CHOOSE(g, kinds);
		if (strcmp(out->pro_kind, "public_body") == 0)
			out->pro_sector = CHOOSE(g, sectors);
	}
	/* one to three distinct topics: a repeat is drawn again */
	out->ntopics = 1 + (int)below(g, 3);
	for (int i = 0; i < out->ntopics; i++) {
		const char *t;
		bool again;

		do {
			t = CHOOSE(g, topics);
			again = false;
			for (int j = 0; j < i; j++)
				again |= out->topics[j] == t;
		} while (again);
		out->topics[i] = t;
	}
}

void
gen_to_wire(struct gen_sheet *in, Callsheet__Sheet *s)
{
	callsheet__sheet__init(s);
	s->id.data = in->id;
	s->id.len = CS_UUID_LEN;
	s->has_id = s->has_call_start = s->has_duration_s = true;
	s->call_start = in->call_start;
	s->duration_s = in->duration_s;
	s->call_type = (char *)in->call_type;
	s->department = (char *)in->department;
	s->caller = (char *)in->caller;
	s->pro_kind = (char *)in->pro_kind;
	s->pro_sector = (char *)in->pro_sector;
	s->household = (char *)in->household;
	s->origin = (char *)in->origin;
	s->n_topics = (size_t)in->ntopics;
	s->topics = (char **)in->topics;
}
