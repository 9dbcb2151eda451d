/* wire-text.c: the refusal of a text field holding a NUL byte, found in a
 * request's wire bytes (protobuf-c hands a string over NUL-terminated, so
 * "abcdefgh\0ij" would reach a handler as "abcdefgh"). */
#include <stdio.h>
#include <string.h>

#include "callsheetd.h"

/* fields whose value is never echoed in an error (account.c says why) */
static bool
secret_field(const char *name)
{
	return strstr(name, "password") != NULL || strcmp(name, "token") == 0;
}

static bool
varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return true;
	}
	return false;
}

static int
refuse(const ProtobufCFieldDescriptor *f, const uint8_t *text, size_t before,
       struct field_error *fe)
{
	char value[sizeof fe->value];

	if (secret_field(f->name)) {
		field_error_set(fe, f->name,
		                "holds a NUL byte after %zu bytes; text fields "
		                "hold text without NUL bytes",
		                before);
		value[0] = '\0';
	} else {
		snprintf(value, sizeof value, "%.*s",
		         (int)(before < sizeof value ? before
		                                     : sizeof value - 1),
		         (const char *)text);
		field_error_set(fe, f->name,
		                "\"%s\" is followed by a NUL byte; text fields "
		                "hold text without NUL bytes",
		                value);
	}
	return field_error_range(fe, "invalid", value, NULL,
	                         "text without NUL bytes");
}

/* The bytes of one message of descriptor d (already unpacked without
 * error, so well formed): 0, or -1 and fe filled for the first text
 * field, at any depth, that holds a NUL byte. */
static int
walk(const uint8_t *p, const uint8_t *end, const ProtobufCMessageDescriptor *d,
     struct field_error *fe)
{
	while (p < end) {
		uint64_t tag, len;
		const ProtobufCFieldDescriptor *f;
		const uint8_t *nul;

		if (!varint(&p, end, &tag))
			return 0;
		switch (tag & 7) {
		case 0:
			if (!varint(&p, end, &len))
				return 0;
			continue;
		case 1:
			p += 8;
			continue;
		case 5:
			p += 4;
			continue;
		case 2:
			break;
		default: /* groups: protobuf-c has none to hand over */
			return 0;
		}
		if (!varint(&p, end, &len) || len > (uint64_t)(end - p))
			return 0;
		f = tag >> 3 <= UINT32_MAX
		            ? protobuf_c_message_descriptor_get_field(
		                      d, (unsigned)(tag >> 3))
		            : NULL;
		if (f != NULL && f->type == PROTOBUF_C_TYPE_STRING &&
		    (nul = memchr(p, 0, len)) != NULL)
			return refuse(f, p, (size_t)(nul - p), fe);
		if (f != NULL && f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    walk(p, p + len, f->descriptor, fe) != 0)
			return -1;
		p += len;
	}
	return 0;
}

int
wire_text_check(const uint8_t *buf, size_t len, struct field_error *fe)
{
	/* most requests have no zero byte at all: nothing to walk */
	if (memchr(buf, 0, len) == NULL)
		return 0;
	return walk(buf, buf + len, &callsheet__request__descriptor, fe);
}
