/* digest.c: bytes in hex, and the SHA-256 of bytes in hex, as the
 * database keeps such digests (session tokens, changes: decode($n, 'hex')). */
#include <openssl/evp.h>

#include "callsheetd.h"

void
hex_encode(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int
sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != SHA256_HEX_LEN / 2)
		return -1;
	hex_encode(md, mdlen, out);
	return 0;
}
