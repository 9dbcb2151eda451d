/* frame.c: length-prefixed framing of protobuf messages, bounds first. */
#include <string.h>

#include "common.h"

uint32_t
frame_read_header(const uint8_t hdr[CS_FRAME_HEADER])
{
	return (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	       (uint32_t)hdr[2] << 8 | (uint32_t)hdr[3];
}

/*
 * Look at the bytes buffered so far. The length is judged against the
 * limit before anything is allocated for the body, so a peer announcing
 * four gigabytes costs us four bytes.
 */
enum frame_status
frame_peek(const uint8_t *buf, size_t avail, uint32_t max, uint32_t *len)
{
	uint32_t n;

	if (avail < CS_FRAME_HEADER)
		return FRAME_INCOMPLETE;
	n = frame_read_header(buf);
	*len = n;
	if (n == 0)
		return FRAME_EMPTY;
	if (n > max)
		return FRAME_TOO_LARGE;
	if (avail - CS_FRAME_HEADER < n)
		return FRAME_INCOMPLETE;
	return FRAME_READY;
}

uint8_t *
frame_pack(const ProtobufCMessage *msg, size_t *framelen)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *out;

	if (n > UINT32_MAX)
		return NULL;
	out = xmalloc(CS_FRAME_HEADER + n);
	out[0] = (uint8_t)(n >> 24);
	out[1] = (uint8_t)(n >> 16);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	protobuf_c_message_pack(msg, out + CS_FRAME_HEADER);
	*framelen = CS_FRAME_HEADER + n;
	return out;
}

const char *
error_code_name(Callsheet__ErrorCode code)
{
	static const char *names[] = {
	        [CALLSHEET__ERROR_CODE__ERROR_NONE] = "none",
	        [CALLSHEET__ERROR_CODE__BAD_REQUEST] = "bad request",
	        [CALLSHEET__ERROR_CODE__UNAUTHENTICATED] = "unauthenticated",
	        [CALLSHEET__ERROR_CODE__FORBIDDEN] = "forbidden",
	        [CALLSHEET__ERROR_CODE__NOT_FOUND] = "not found",
	        [CALLSHEET__ERROR_CODE__CONFLICT] = "conflict",
	        [CALLSHEET__ERROR_CODE__UNAVAILABLE] = "unavailable",
	        [CALLSHEET__ERROR_CODE__OVERLOADED] = "overloaded",
	        [CALLSHEET__ERROR_CODE__INTERNAL] = "internal error",
	        [CALLSHEET__ERROR_CODE__VERSION_MISMATCH] = "version mismatch",
	        [CALLSHEET__ERROR_CODE__TOO_MANY_ATTEMPTS] =
	                "too many attempts",
	};

	if ((size_t)code < nitems(names) && names[code] != NULL)
		return names[code];
	return "unknown error";
}

static const char *const role_names[] = {
        [CALLSHEET__ROLE__ROLE_NONE] = "none",
        [CALLSHEET__ROLE__JURIST] = "jurist",
        [CALLSHEET__ROLE__REPORTER] = "reporter",
        [CALLSHEET__ROLE__ADMIN] = "admin",
        NULL,
};

const char *
role_name(Callsheet__Role role)
{
	if ((size_t)role + 1 < nitems(role_names))
		return role_names[role];
	return "none";
}

const char *const *
role_list(void)
{
	return role_names + 1;
}

Callsheet__Role
role_parse(const char *name)
{
	for (size_t i = 1; i + 1 < nitems(role_names); i++)
		if (strcmp(name, role_names[i]) == 0)
			return (Callsheet__Role)i;
	return CALLSHEET__ROLE__ROLE_NONE;
}
