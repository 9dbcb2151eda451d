/* auth.c: password hashing with scrypt (memory-hard), in a self-describing
 * format so that costs can grow without invalidating stored hashes.
 * These functions block for tens of milliseconds: call them from the
 * worker threads, never from the event loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "callsheetd.h"

#define SCRYPT_LOG_N 15 /* the dummy's cost: the default's */
#define SCRYPT_R     8
#define SCRYPT_P     1
#define SALT_LEN     16
#define HASH_LEN     32
#define MAXMEM       (256u << 20)

static int
scrypt(const char *password, const unsigned char *salt, size_t saltlen,
       unsigned logn, unsigned r, unsigned p, unsigned char *out, size_t outlen)
{
	if (logn < 10 || logn > 20 || r < 1 || r > 32 || p < 1 || p > 16)
		return -1;
	return EVP_PBE_scrypt(password, strlen(password), salt, saltlen,
	                      (uint64_t)1 << logn, r, p, MAXMEM, out,
	                      outlen) == 1
	               ? 0
	               : -1;
}

static char *
b64(const unsigned char *in, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

/* Decodes exactly `want` bytes or fails. */
static int
unb64(const char *in, size_t inlen, unsigned char *out, size_t want)
{
	unsigned char buf[128];
	int n;
	size_t pad = 0;

	if (inlen == 0 || inlen % 4 != 0 || inlen / 4 * 3 > sizeof buf)
		return -1;
	n = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)inlen);
	if (n < 0)
		return -1;
	while (pad < 2 && in[inlen - 1 - pad] == '=')
		pad++;
	if ((size_t)n - pad != want)
		return -1;
	memcpy(out, buf, want);
	return 0;
}

/* log_n: the memory and time cost, 2^log_n (cfg->scrypt_log_n); the
 * hash records it, so later changes leave existing hashes valid. */
char *
auth_hash_password(const char *password, unsigned log_n)
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char *s, *h, *out;

	if (RAND_bytes(salt, sizeof salt) != 1 ||
	    scrypt(password, salt, sizeof salt, log_n, SCRYPT_R, SCRYPT_P, hash,
	           sizeof hash) != 0)
		return NULL;
	s = b64(salt, sizeof salt);
	h = b64(hash, sizeof hash);
	out = xasprintf("$scrypt$ln=%u,r=%d,p=%d$%s$%s", log_n, SCRYPT_R,
	                SCRYPT_P, s, h);
	OPENSSL_cleanse(hash, sizeof hash);
	free(s);
	free(h);
	return out;
}

bool
auth_verify_password(const char *password, const char *encoded)
{
	unsigned char salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
	unsigned logn, r, p;
	int off = 0;
	const char *salt_b64, *hash_b64;
	bool ok;

	if (sscanf(encoded, "$scrypt$ln=%u,r=%u,p=%u$%n", &logn, &r, &p,
	           &off) != 3 ||
	    off == 0)
		return false;
	salt_b64 = encoded + off;
	if ((hash_b64 = strchr(salt_b64, '$')) == NULL)
		return false;
	if (unb64(salt_b64, (size_t)(hash_b64 - salt_b64), salt, sizeof salt) !=
	            0 ||
	    unb64(hash_b64 + 1, strlen(hash_b64 + 1), want, sizeof want) != 0)
		return false;
	if (scrypt(password, salt, sizeof salt, logn, r, p, got, sizeof got) !=
	    0)
		return false;
	ok = CRYPTO_memcmp(got, want, sizeof got) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return ok;
}

/* Spend the same time on unknown users as on known ones. */
void
auth_dummy_verify(const char *password)
{
	unsigned char salt[SALT_LEN] = {0}, out[HASH_LEN];

	scrypt(password, salt, sizeof salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P,
	       out, sizeof out);
}
