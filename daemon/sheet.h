/* sheet.h: the one definition of a sheet on the daemon's side: its coded
 * fields (sheet-fields.h's list, sheet.c's sheet_fields[]) and the stored
 * row they become. */
#ifndef CALLSHEETD_SHEET_H
#define CALLSHEETD_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/*
 * A taxonomy dimension. The coded fields of a sheet come first, one entry
 * each, DIM_<ID>, in sheet-fields.h's order (sheet_fields[]); topics (a
 * set of codes, kept as a bitmask) last.
 */
enum dim {
#define SHEET_FIELD(id, ...) DIM_##id,
#include "sheet-fields.h"
#undef SHEET_FIELD
	DIM_TOPIC,
	DIM_NTAXONOMY,
};
#define SHEET_NCODES DIM_TOPIC /* the coded fields: dimensions 0 .. n-1 */

/* A sheet as stored: taxonomy ids, in sheet_fields[] order. */
struct sheet_row {
	uint8_t id[CS_UUID_LEN];
	int64_t call_start;
	uint32_t duration_s;
	int jurist_id;
	int16_t code[SHEET_NCODES]; /* taxonomy ids; 0 = does not apply */
	int64_t topics;
};

/*
 * A field that applies only when another holds a given code: refused
 * otherwise (Error.reason `reason`), and dropped by an amendment that
 * changes the other field. The refusal in words: "'<code>' does not apply
 * " and `none` (the other field is empty) or `other` (%.32s: its code);
 * or, without them, `only` (%s: the code).
 */
/* A sheet as the wire carries it, with room for what it points to. */
#define SHEET_TOPICS_MAX 64
struct wire_sheet {
	Callsheet__Sheet sheet;
	uint8_t id[CS_UUID_LEN];
	char *topics[SHEET_TOPICS_MAX];
};

struct sheet_rule {
	int when; /* an enum dim */
	const char *is;
	const char *reason;
	const char *none, *other, *only;
};

struct sheet_field {
	const char *name;   /* as Sheet, AmendSheet, the taxonomy and queries
	                     * spell it */
	const char *absent; /* the code an absent value stands for, or NULL */
	const char *empty;  /* then, "" refused in these words (%s: the codes
	                     * allowed) */
	bool clearable;     /* an amendment may clear it */
	const char *consultation; /* required in a consultation: why */
	struct sheet_rule only[2];
	/* the monthly rollup's: its rollup.dim (schema/0004_rollup.sql), and
	 * its value there (alias r); -1: the rollup does not count it, and
	 * queries that name it count the sheets */
	int rollup_dim;
	const char *rollup_expr;
};
extern const struct sheet_field sheet_fields[SHEET_NCODES];

/* The field's value in a Sheet or an AmendSheet (by the proto's own
 * descriptors: the table does not repeat the messages' layout). */
char **sheet_code(Callsheet__Sheet *s, size_t f);
char *sheet_code_get(const Callsheet__Sheet *s, size_t f);
char *amend_code_get(const Callsheet__AmendSheet *a, size_t f);
/* The coded field called name, or -1. */
int sheet_field_find(const char *name);
/* "a, b or c": a NULL-ended list in words. */
char *words_or(const char *const *words);

#endif
