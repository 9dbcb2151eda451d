/* test_frame.c: framing bounds, message round trips, UUID text forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "unit.h"

static void
test_peek(void)
{
	uint8_t buf[16] = {0, 0, 0, 5, 1, 2, 3, 4, 5};
	uint32_t len = 0;

	CHECK(frame_peek(buf, 3, 100, &len) == FRAME_INCOMPLETE,
	      "3 bytes: header incomplete");
	CHECK(frame_peek(buf, 8, 100, &len) == FRAME_INCOMPLETE && len == 5,
	      "body incomplete, length known");
	CHECK(frame_peek(buf, 9, 100, &len) == FRAME_READY && len == 5,
	      "whole frame ready");
	CHECK(frame_peek(buf, 9, 4, &len) == FRAME_TOO_LARGE,
	      "over the limit, judged from the header alone");
	buf[0] = 0xff;
	CHECK(frame_peek(buf, 4, 65536, &len) == FRAME_TOO_LARGE &&
	              len == 0xff000005u,
	      "4 GB announced: too large, nothing allocated");
	memset(buf, 0, 4);
	CHECK(frame_peek(buf, 4, 100, &len) == FRAME_EMPTY, "empty frame");
	CHECK(frame_peek(buf, 0, 100, &len) == FRAME_INCOMPLETE, "no bytes");
}

static void
test_round_trip(void)
{
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Hello h = CALLSHEET__HELLO__INIT;
	Callsheet__Request *back;
	uint8_t *frame;
	size_t len;
	uint32_t body;

	h.protocol_version = CS_PROTOCOL_VERSION;
	h.has_protocol_version = 1;
	req.id = 77;
	req.has_id = 1;
	req.body_case = CALLSHEET__REQUEST__BODY_HELLO;
	req.hello = &h;
	frame = frame_pack(&req.base, &len);
	CHECK(frame_peek(frame, len, 1000, &body) == FRAME_READY &&
	              body + CS_FRAME_HEADER == len,
	      "packed frame announces its own length");
	back = callsheet__request__unpack(NULL, body, frame + CS_FRAME_HEADER);
	CHECK(back != NULL && back->has_id && back->id == 77 &&
	              back->body_case == CALLSHEET__REQUEST__BODY_HELLO &&
	              back->hello->protocol_version == CS_PROTOCOL_VERSION,
	      "request survives the round trip");
	callsheet__request__free_unpacked(back, NULL);
	free(frame);
}

static void
test_uuid(void)
{
	uint8_t a[CS_UUID_LEN], b[CS_UUID_LEN];
	char text[CS_UUID_STRLEN];

	uuid_generate(a);
	CHECK((a[6] >> 4) == 4 && (a[8] & 0xc0) == 0x80, "version 4 UUID");
	uuid_format(a, text);
	CHECK(strlen(text) == 36 && text[8] == '-' && text[23] == '-',
	      "canonical text form");
	CHECK(uuid_parse(text, b) == 0 && memcmp(a, b, CS_UUID_LEN) == 0,
	      "parse inverts format");
	CHECK(uuid_parse("0123456789abcdef0123456789abcdef0123", b) != 0,
	      "no dashes: refused");
	CHECK(uuid_parse("01234567-89ab-cdef-0123-456789abcdeg", b) != 0,
	      "non-hex: refused");
	CHECK(uuid_parse("01234567-89AB-CDEF-0123-456789ABCDEF", b) == 0 &&
	              b[4] == 0x89,
	      "upper case accepted");
	CHECK(uuid_parse("01234567-89ab-cdef-0123-456789abcdef0", b) != 0,
	      "trailing character refused");
}

static void
test_names(void)
{
	CHECK(role_parse("reporter") == CALLSHEET__ROLE__REPORTER,
	      "role parse");
	CHECK(role_parse("root") == CALLSHEET__ROLE__ROLE_NONE, "unknown role");
	CHECK(strcmp(error_code_name(CALLSHEET__ERROR_CODE__UNAVAILABLE),
	             "unavailable") == 0,
	      "error code name");
	CHECK(strcmp(error_code_name((Callsheet__ErrorCode)999),
	             "unknown error") == 0,
	      "out-of-range code");
}

int
main(void)
{
	test_peek();
	test_round_trip();
	test_uuid();
	test_names();
	return unit_finish();
}
