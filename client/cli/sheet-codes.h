/* sheet-codes.h: the coded fields of a sheet as the client knows them: the
 * optional string fields of the Sheet message, read from protobuf-c's own
 * descriptor, in the message's order. */
#ifndef CALLSHEET_SHEET_CODES_H
#define CALLSHEET_SHEET_CODES_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/* More than the proto will ever have: the size of tables kept by field. */
#define SHEET_CODES_MAX 32

/* How many coded fields a Sheet has (call_type, department, ...). */
size_t sheet_codes_n(void);
/* The i-th coded field's name, as the Sheet message and the taxonomy's
 * dimension spell it; NULL past the last. */
const char *sheet_code_name(size_t i);
/* The index of the coded field of that name, or -1. */
int sheet_code_find(const char *name);
/* The i-th coded field of a sheet: a char *, NULL when absent. */
char **sheet_code_slot(Callsheet__Sheet *s, size_t i);
const char *sheet_code_value(const Callsheet__Sheet *s, size_t i);

/* The coded fields' names, then more's (up to a NULL), separated by ", "
 * and wrapped within width columns (0: not wrapped), the first line
 * starting at column col. */
char *sheet_codes_list(size_t col, size_t width, const char *const *more);

#endif
