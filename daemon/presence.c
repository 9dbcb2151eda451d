/* presence.c: the fields a request must carry (marked "always" in
 * callsheet.proto), checked before any handler reads them. */
#include <string.h>

#include "callsheetd.h"

static const struct {
	const char *message, *field;
} always[] = {
#include "presence.inc"
};

static bool
field_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
	const char *at = (const char *)m;

	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return *(const size_t *)(at + f->quantifier_offset) > 0;
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return *(const uint32_t *)(at + f->quantifier_offset) == f->id;
	if (f->quantifier_offset != 0)
		return *(const protobuf_c_boolean *)(at + f->quantifier_offset);
	/* strings and messages: a NULL pointer is absent */
	return *(const void *const *)(at + f->offset) != NULL;
}

/* The first "always" field m lacks, then (deep) the same in every message
 * it holds, except sheets (validate_sheet checks each, so that one bad
 * sheet of a LogSheets is refused alone); NULL if none is missing. */
static const ProtobufCFieldDescriptor *
presence_missing(const ProtobufCMessage *m, bool deep, const char **message)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *at = (const char *)m;

	for (size_t i = 0; i < nitems(always); i++) {
		const ProtobufCFieldDescriptor *f;

		if (strcmp(always[i].message, d->short_name) != 0)
			continue;
		f = protobuf_c_message_descriptor_get_field_by_name(
		        d, always[i].field);
		if (f != NULL && !field_present(m, f)) {
			*message = d->short_name;
			return f;
		}
	}
	if (!deep)
		return NULL;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const ProtobufCMessage *const *subs;
		size_t n = 1;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE ||
		    f->descriptor == &callsheet__sheet__descriptor ||
		    !field_present(m, f))
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)(at + f->quantifier_offset);
			subs = *(const ProtobufCMessage *const *const
			                 *)(at + f->offset);
		} else
			subs = (const ProtobufCMessage *const *)(at +
			                                         f->offset);
		for (size_t k = 0; k < n; k++) {
			const ProtobufCFieldDescriptor *miss =
			        presence_missing(subs[k], true, message);

			if (miss != NULL)
				return miss;
		}
	}
	return NULL;
}

/* 0, or -1 with fe naming the first missing field (reason "missing"). */
int
presence_check(const ProtobufCMessage *m, bool deep, struct field_error *fe)
{
	const char *message = NULL;
	const ProtobufCFieldDescriptor *f = presence_missing(m, deep, &message);

	if (f == NULL)
		return 0;
	field_error_set(fe, f->name, "missing; every %s has one", message);
	fe->reason = "missing";
	return -1;
}
