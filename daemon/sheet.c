/* sheet.c: the table of a sheet's coded fields (sheet-fields.h's rows),
 * which drives validation, wire <-> row conversion, the batch statement's
 * parameters and the statements' columns, the diff and audit of
 * amendments and the query dimensions; pure, no I/O. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

/* a marker for xgettext: the daemon's messages, said again by the client
 * in its user's language (client/CMakeLists.txt) */
#define N_(s) s

/* Indexed by enum dim: sheet-fields.h's rows. */
const struct sheet_field sheet_fields[SHEET_NCODES] = {
#define SHEET_FIELD(id, ...) [DIM_##id] = {__VA_ARGS__},
#include "sheet-fields.h"
#undef SHEET_FIELD
};

/* The offset of a coded field in a message, from the proto's descriptor;
 * looked up once (the loop is single-threaded). */
static size_t
field_offset(const ProtobufCMessageDescriptor *d, size_t f)
{
	static const ProtobufCMessageDescriptor *cached[2];
	static size_t offsets[2][SHEET_NCODES];
	size_t k = d == &callsheet__sheet__descriptor ? 0 : 1;

	if (cached[k] != d) {
		for (size_t i = 0; i < SHEET_NCODES; i++) {
			const ProtobufCFieldDescriptor *fd =
			        protobuf_c_message_descriptor_get_field_by_name(
			                d, sheet_fields[i].name);

			if (fd == NULL || fd->type != PROTOBUF_C_TYPE_STRING ||
			    fd->label == PROTOBUF_C_LABEL_REPEATED)
				fatalx("sheet: %s.%s is not a string field",
				       d->name, sheet_fields[i].name);
			offsets[k][i] = fd->offset;
		}
		cached[k] = d;
	}
	return offsets[k][f];
}

char **
sheet_code(Callsheet__Sheet *s, size_t f)
{
	return (char **)((char *)s +
	                 field_offset(&callsheet__sheet__descriptor, f));
}

char *
sheet_code_get(const Callsheet__Sheet *s, size_t f)
{
	return *sheet_code((Callsheet__Sheet *)s, f);
}

char *
amend_code_get(const Callsheet__AmendSheet *a, size_t f)
{
	return *(
	        char *const *)((const char *)a +
	                       field_offset(&callsheet__amend_sheet__descriptor,
	                                    f));
}

int
sheet_field_find(const char *name)
{
	for (size_t f = 0; f < SHEET_NCODES; f++)
		if (strcmp(sheet_fields[f].name, name) == 0)
			return (int)f;
	return -1;
}

/* "a, b or c" */
char *
words_or(const char *const *words)
{
	struct strbuf sb = {0};

	for (size_t i = 0; words[i] != NULL; i++) {
		if (i > 0)
			sb_add(&sb, words[i + 1] == NULL ? " or " : ", ");
		sb_add(&sb, words[i]);
	}
	return sb_steal(&sb);
}
