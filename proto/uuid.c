/* uuid.c: random (version 4) UUIDs, their text form and its parsing. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "common.h"

void
uuid_generate(uint8_t out[CS_UUID_LEN])
{
	size_t got = 0;

	while (got < CS_UUID_LEN) {
		ssize_t n = getrandom(out + got, CS_UUID_LEN - got, 0);

		if (n < 0) {
			perror("getrandom");
			abort();
		}
		got += (size_t)n;
	}
	out[6] = (out[6] & 0x0f) | 0x40; /* version 4 */
	out[8] = (out[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

void
uuid_format(const uint8_t in[CS_UUID_LEN], char out[CS_UUID_STRLEN])
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < CS_UUID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[in[i] >> 4];
		out[o++] = hex[in[i] & 0xf];
	}
	out[o] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Accepts the canonical 8-4-4-4-12 form only; returns 0 or -1. */
int
uuid_parse(const char *s, uint8_t out[CS_UUID_LEN])
{
	size_t i = 0;

	for (size_t pos = 0; pos < 36; pos++) {
		int hi, lo;

		if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
			if (s[pos] != '-')
				return -1;
			continue;
		}
		if ((hi = hexval((unsigned char)s[pos])) < 0 ||
		    (lo = hexval((unsigned char)s[pos + 1])) < 0)
			return -1;
		out[i++] = (uint8_t)(hi << 4 | lo);
		pos++;
	}
	return s[36] == '\0' ? 0 : -1;
}
