/* sheet-csv.h: the sheet CSV of docs/DESIGN.md: its header, a record checked
 * and turned into a Sheet (import), a Sheet written as a record (export),
 * and the ids of rows that carry none. */
#ifndef CALLSHEET_SHEET_CSV_H
#define CALLSHEET_SHEET_CSV_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"
#include "csv.h"
#include "sheet-codes.h"

/* The columns: the fields of the Sheet message, in its order (its
 * descriptor's): id, call_start, duration_s, the coded fields
 * (sheet-codes.h), topics, and any coded field added after topics. */
enum sheet_col {
	COL_ID,
	COL_CALL_START,
	COL_DURATION,
};
#define SHEET_COLS_MAX (SHEET_CODES_MAX + 4)
/* how many columns; a column's name (NULL past the last) */
size_t sheet_ncols(void);
const char *sheet_col_name(int col);
/* a column by name, or -1 */
int sheet_col_find(const char *name);
/* the topics' column */
#define COL_TOPICS sheet_col_find("topics")
/* "id,call_start,...,topics" */
const char *sheet_csv_header(void);
#define SHEET_TOPICS_MAX 64

struct sheet_csv_error {
	int column; /* an enum sheet_col, or -1 for the whole record */
	char message[512];
};

/* Which field of a record holds which column (any order in the file). A
 * coded field added after topics may be missing (a file written before
 * it was added): its index is SHEET_COL_NONE, and its value empty. */
#define SHEET_COL_NONE ((size_t)-1)
struct sheet_header {
	size_t index[SHEET_COLS_MAX];
	size_t nfields;
};
int sheet_header_parse(const struct csv_row *row, struct sheet_header *h,
                       struct sheet_csv_error *err);

/* The codes the server knows (GetTaxonomy), sorted for lookups. */
struct code_table {
	const Callsheet__TaxonomyEntry **e;
	size_t n;
};
void code_table_init(struct code_table *t, const Callsheet__Taxonomy *tax);
void code_table_free(struct code_table *t);
const Callsheet__TaxonomyEntry *
code_find(const struct code_table *t, const char *dimension, const char *code);

/* A record as a Sheet; strings point into the record, which must outlive
 * it (topics are cut in place). */
struct sheet_in {
	Callsheet__Sheet sheet;
	uint8_t id[CS_UUID_LEN];
	bool derived_id;             /* the record had none */
	uint8_t digest[CS_UUID_LEN]; /* of the content, id aside */
	char *topics[SHEET_TOPICS_MAX];
};
int sheet_from_row(struct csv_row *row, const struct sheet_header *h,
                   const struct code_table *codes, struct sheet_in *s,
                   struct sheet_csv_error *err);

/*
 * Rows without an id get a name-based UUID (RFC 4122 version 5) of their
 * content and of how many identical rows came before them in the file:
 * importing the same file again derives the same ids, and two identical
 * calls stay two sheets.
 */
struct id_seen;
struct id_seen *id_seen_new(void);
void id_seen_free(struct id_seen *m);
/* How many times key was added before (0 the first time); *line and
 * *digest: those of its first addition. */
unsigned id_seen_add(struct id_seen *m, const uint8_t key[CS_UUID_LEN],
                     const uint8_t digest[CS_UUID_LEN], unsigned line,
                     unsigned *first_line, uint8_t first_digest[CS_UUID_LEN]);
void sheet_derive_id(struct sheet_in *s, unsigned occurrence);

/* What went wrong with one field of a sheet, in the user's language
 * (cli_error_text), without the field's name in front. */
struct cs_error;
const char *sheet_error_text(const struct cs_error *err);

/* One record, LF-terminated, for export. */
void sheet_csv_format(struct strbuf *sb, const Callsheet__Sheet *s,
                      const char *call_start);

#endif
