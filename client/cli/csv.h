/* csv.h: RFC 4180 records read from a stream, with their line numbers. */
#ifndef CALLSHEET_CSV_H
#define CALLSHEET_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common.h"

#define CSV_FIELD_MAX  1024 /* bytes in one field */
#define CSV_FIELDS_MAX 64   /* fields in one record */

struct csv_reader {
	FILE *f;
	unsigned line; /* the physical line being read, from 1 */
	bool started;  /* past a UTF-8 byte order mark, if any */
	char sep;      /* ',' (csv_reader_init); ';' for INSEE's files */
	struct strbuf field;
};

struct csv_row {
	char *fields[CSV_FIELDS_MAX];
	size_t n;
	unsigned line; /* where the record starts */
};

struct csv_error {
	unsigned line;
	size_t field; /* from 1; 0: the whole record */
	char message[160];
};

void csv_reader_init(struct csv_reader *r, FILE *f);
void csv_reader_free(struct csv_reader *r);
/*
 * The next record: 1 and *row, 0 at the end, -1 with *err for a record
 * that breaks the format (reading then goes on at the next line). Blank
 * lines are skipped. row is overwritten: csv_row_free it first.
 */
int csv_read(struct csv_reader *r, struct csv_row *row, struct csv_error *err);
void csv_row_free(struct csv_row *row);

#endif
