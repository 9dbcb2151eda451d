/* fuzz_frame.c: libFuzzer target for what turns bytes into messages:
 * frame_peek over a byte stream (proto/frame.c), then the protobuf-c
 * decoding of each frame as a Request (what the daemon reads) and as a
 * ServerMessage (what the client reads). A message that decodes must
 * pack again, and once packed by us, decode and pack to the same bytes.
 * (Not always to the bytes it came from: protobuf-c keeps unknown fields
 * it would refuse in their canonical form, e.g. field number 0 spelled
 * in two bytes. The daemon never packs what it received.) */
#include <stdlib.h>
#include <string.h>

#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
round_trip(const ProtobufCMessage *m,
           ProtobufCMessage *(*unpack)(size_t, const uint8_t *),
           void (*release)(ProtobufCMessage *))
{
	size_t len;
	uint8_t *a = frame_pack(m, &len), *b;
	ProtobufCMessage *again;
	size_t len2;

	if (a == NULL)
		abort();
	if (frame_read_header(a) != len - CS_FRAME_HEADER)
		abort();
	again = unpack(len - CS_FRAME_HEADER, a + CS_FRAME_HEADER);
	if (again == NULL) {
		free(a);
		return;
	}
	b = frame_pack(again, &len2);
	if (len2 != len || memcmp(a, b, len) != 0)
		abort();
	release(again);
	free(a);
	free(b);
}

static ProtobufCMessage *
unpack_request(size_t len, const uint8_t *p)
{
	return (ProtobufCMessage *)callsheet__request__unpack(NULL, len, p);
}

static void
free_request(ProtobufCMessage *m)
{
	callsheet__request__free_unpacked((Callsheet__Request *)m, NULL);
}

static ProtobufCMessage *
unpack_server(size_t len, const uint8_t *p)
{
	return (ProtobufCMessage *)callsheet__server_message__unpack(NULL, len,
	                                                             p);
}

static void
free_server(ProtobufCMessage *m)
{
	callsheet__server_message__free_unpacked((Callsheet__ServerMessage *)m,
	                                         NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	uint32_t max;

	/* A stream of frames, the limit as small as the daemon allows: the
	 * first byte is how small, the rest the stream. */
	if (size < 1)
		return 0;
	max = 64u + (uint32_t)data[0] * 64u;
	data++;
	size--;
	while (off < size) {
		uint32_t len = 0;
		enum frame_status st =
		        frame_peek(data + off, size - off, max, &len);
		const uint8_t *body = data + off + CS_FRAME_HEADER;
		ProtobufCMessage *m;

		if (st == FRAME_INCOMPLETE) {
			if (size - off >= CS_FRAME_HEADER &&
			    size - off - CS_FRAME_HEADER >= len)
				abort(); /* it was all there */
			break;
		}
		if (st == FRAME_TOO_LARGE && len <= max)
			abort();
		if (st != FRAME_READY)
			break; /* the daemon closes the connection here */
		if (len == 0 || len > max || len > size - off - CS_FRAME_HEADER)
			abort();
		if ((m = unpack_request(len, body)) != NULL) {
			round_trip(m, unpack_request, free_request);
			free_request(m);
		}
		if ((m = unpack_server(len, body)) != NULL) {
			round_trip(m, unpack_server, free_server);
			free_server(m);
		}
		off += CS_FRAME_HEADER + len;
	}
	return 0;
}
