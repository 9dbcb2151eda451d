/* sheet-codes.c: the coded fields of a sheet, read from the Sheet message's
 * protobuf-c descriptor: the one list the client's tables follow. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheet-codes.h"

/* The coded fields' descriptors, in the message's order (once). */
static const ProtobufCFieldDescriptor *const *
codes(size_t *n)
{
	static const ProtobufCFieldDescriptor *f[SHEET_CODES_MAX];
	static size_t nf;
	static int done;

	if (!done) {
		const ProtobufCMessageDescriptor *d =
		        &callsheet__sheet__descriptor;

		/* fields[] is in the order of the numbers, the order the
		 * proto writes them in */
		for (unsigned i = 0; i < d->n_fields; i++) {
			const ProtobufCFieldDescriptor *x = &d->fields[i];

			if (x->type != PROTOBUF_C_TYPE_STRING ||
			    x->label == PROTOBUF_C_LABEL_REPEATED)
				continue;
			if (nf == SHEET_CODES_MAX) {
				fprintf(stderr,
				        "callsheet: more than %d coded "
				        "fields in Sheet\n",
				        SHEET_CODES_MAX);
				abort();
			}
			f[nf++] = x;
		}
		done = 1;
	}
	*n = nf;
	return f;
}

size_t
sheet_codes_n(void)
{
	size_t n;

	codes(&n);
	return n;
}

const char *
sheet_code_name(size_t i)
{
	size_t n;
	const ProtobufCFieldDescriptor *const *f = codes(&n);

	return i < n ? f[i]->name : NULL;
}

int
sheet_code_find(const char *name)
{
	size_t n;
	const ProtobufCFieldDescriptor *const *f = codes(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i]->name, name) == 0)
			return (int)i;
	return -1;
}

char **
sheet_code_slot(Callsheet__Sheet *s, size_t i)
{
	size_t n;
	const ProtobufCFieldDescriptor *const *f = codes(&n);

	return (char **)((char *)s + f[i]->offset);
}

const char *
sheet_code_value(const Callsheet__Sheet *s, size_t i)
{
	return *sheet_code_slot((Callsheet__Sheet *)s, i);
}

char *
sheet_codes_list(size_t col, size_t width, const char *const *more)
{
	struct strbuf sb = {0};
	size_t n = sheet_codes_n();

	for (size_t i = 0; i < n || more[i - n] != NULL; i++) {
		const char *name = i < n ? sheet_code_name(i) : more[i - n];
		bool last = i + 1 >= n && more[i + 1 - n] == NULL;
		size_t w = strlen(name) + (last ? 1 : 2);

		if (i > 0 && width > 0 && col + 1 + w > width) {
			sb_add(&sb, "\n");
			col = 0;
		} else if (i > 0) {
			sb_add(&sb, " ");
			col++;
		}
		sb_addf(&sb, "%s%s", name, last ? "" : ",");
		col += w;
	}
	return sb_steal(&sb);
}
