/* tls.c: the daemon's TLS: the server context (certificate, key, TLS 1.2
 * at least, modern ciphers), its reload on SIGHUP, and the TLS side of an
 * accepted socket: whether its first byte begins a handshake (conn.c looks
 * at it), then an OpenSSL bufferevent. */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "callsheetd.h"

/* TLS 1.2 suites with forward secrecy and AEAD only (TLS 1.3 keeps
 * OpenSSL's defaults, which are all of that kind). */
#define TLS12_CIPHERS                                                          \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"           \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"           \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define TLS_HANDSHAKE_RECORD 0x16 /* the first byte of a ClientHello */
#define EXPIRY_WARN_DAYS     30

/* The context new connections get; a connection holds a reference to the
 * one it started with, so a reload never disturbs it. NULL: TLS off. */
static SSL_CTX *ctx;

/* OpenSSL's first queued error, as one line; the queue is emptied. */
static char *
ssl_error_text(const char *what, const char *path)
{
	unsigned long e = ERR_peek_error();
	char buf[256] = "unknown error";

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return path != NULL ? xasprintf("%s %s: %s", what, path, buf)
	                    : xasprintf("%s: %s", what, buf);
}

static void
check_key_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		log_warn("tls_key %s can be read by other users (mode %03o); "
		         "chmod 600 it",
		         path, (unsigned)(st.st_mode & 0777));
}

static void
format_time(const ASN1_TIME *t, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	if (b != NULL && ASN1_TIME_print(b, t) == 1)
		n = BIO_read(b, out, (int)len - 1);
	out[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/* Says whose certificate this is and warns before it expires; -1 with
 * *err when it has expired or is not valid yet: every client would
 * refuse it, so it is never put in service. */
static int
check_cert(SSL_CTX *c, const char *path, char **err)
{
	X509 *x = SSL_CTX_get0_certificate(c);
	char subject[256] = "?", when[64];
	int days = 0, secs = 0;

	if (x == NULL)
		return 0;
	X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof subject);
	if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
		format_time(X509_get0_notBefore(x), when, sizeof when);
		*err = xasprintf("tls_cert %s (%s) is not valid before %s: "
		                 "clients would refuse it; check the "
		                 "certificate or this machine's clock",
		                 path, subject, when);
		return -1;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
		format_time(X509_get0_notAfter(x), when, sizeof when);
		*err = xasprintf("tls_cert %s (%s) expired on %s: clients "
		                 "would refuse it; renew it",
		                 path, subject, when);
		return -1;
	}
	ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x));
	if (days < EXPIRY_WARN_DAYS)
		log_warn("tls_cert %s (%s) expires in %d days", path, subject,
		         days);
	else
		log_info("TLS certificate %s: %s, valid for %d more days", path,
		         subject, days);
	return 0;
}

static SSL_CTX *
ctx_build(const char *cert, const char *key, char **err)
{
	static const unsigned char sid_ctx[] = "callsheetd";
	SSL_CTX *c;

	if (cert[0] == '\0' || key[0] == '\0') {
		*err = xasprintf("TLS needs both tls_cert and tls_key (got %s)",
		                 cert[0] != '\0' ? "only tls_cert"
		                                 : "only tls_key");
		return NULL;
	}
	if ((c = SSL_CTX_new(TLS_server_method())) == NULL) {
		*err = ssl_error_text("cannot create a TLS context", NULL);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION |
	                               SSL_OP_CIPHER_SERVER_PREFERENCE |
	                               SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_session_id_context(c, sid_ctx, sizeof sid_ctx - 1);
	if (SSL_CTX_set_cipher_list(c, TLS12_CIPHERS) != 1) {
		*err = ssl_error_text("cannot set the TLS 1.2 ciphers", NULL);
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(c, cert) != 1) {
		*err = ssl_error_text("tls_cert: cannot load", cert);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1 &&
	    ERR_GET_REASON(ERR_peek_error()) != X509_R_KEY_VALUES_MISMATCH) {
		*err = ssl_error_text("tls_key: cannot load", key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(c) != 1) {
		ERR_clear_error();
		*err = xasprintf("tls_key %s does not match tls_cert %s", key,
		                 cert);
		goto fail;
	}
	if (check_cert(c, cert, err) != 0)
		goto fail;
	check_key_mode(key);
	return c;
fail:
	SSL_CTX_free(c);
	return NULL;
}

bool
tls_enabled(void)
{
	return ctx != NULL;
}

/* At start: TLS on if a certificate is configured; -1 if it cannot be
 * loaded (the daemon must not fall back to plaintext). */
int
tls_init(void)
{
	char *err = NULL;

	if (cfg->tls_cert[0] == '\0' && cfg->tls_key[0] == '\0')
		return 0;
	if ((ctx = ctx_build(cfg->tls_cert, cfg->tls_key, &err)) == NULL) {
		log_error("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

/*
 * SIGHUP: new connections get the certificate now on disk; connections
 * already up keep the context they started with. A certificate that does
 * not load leaves the running one in place. Turning TLS on or off needs a
 * restart (the listeners were checked against it).
 */
int
tls_reload(void)
{
	SSL_CTX *next;
	char *err = NULL;
	bool want = cfg->tls_cert[0] != '\0' || cfg->tls_key[0] != '\0';

	if (want != tls_enabled()) {
		log_warn("reload: TLS %s at the next restart, not now",
		         want ? "turns on" : "turns off");
		return -1;
	}
	if (!want)
		return 0;
	if ((next = ctx_build(cfg->tls_cert, cfg->tls_key, &err)) == NULL) {
		log_error("reload: keeping the running TLS certificate: %s",
		          err);
		free(err);
		return -1;
	}
	SSL_CTX_free(ctx);
	ctx = next;
	log_info("reload: new TLS connections use %s", cfg->tls_cert);
	return 0;
}

void
tls_shutdown(void)
{
	SSL_CTX_free(ctx);
	ctx = NULL;
}

/* Whether a connection's first byte begins a TLS handshake: if not, the
 * peer speaks plaintext and is told so in plaintext (conn.c). */
bool
tls_first_byte(unsigned char first)
{
	return first == TLS_HANDSHAKE_RECORD;
}

/* The TLS side of an accepted socket, its handshake to come; NULL if it
 * cannot be set up (the socket is still the caller's). */
struct bufferevent *
tls_bev_new(int fd)
{
	SSL *ssl = SSL_new(ctx);
	struct bufferevent *bev = NULL;

	if (ssl != NULL)
		bev = bufferevent_openssl_socket_new(base, fd, ssl,
		                                     BUFFEREVENT_SSL_ACCEPTING,
		                                     BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_warn("cannot set up TLS on a new connection");
		if (ssl != NULL)
			SSL_free(ssl);
		return NULL;
	}
	/* a peer that just closes the TCP connection is not an attack */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* Why a TLS bufferevent failed, or NULL when it was not TLS's doing.
 * libevent queues SSL_get_error()'s code (a small number) before the
 * OpenSSL errors; the first OpenSSL error names the cause. */
const char *
tls_bev_error(struct bufferevent *bev, char *buf, size_t len)
{
	unsigned long e, cause = 0, code = 0;

	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		if (ERR_GET_LIB(e) != 0)
			cause = e; /* popped last to first */
		else
			code = e;
	}
	if (cause == 0 && code == 0)
		return NULL;
	if (cause == 0) {
		snprintf(buf, len, "TLS: failed (SSL error %lu)", code);
		return buf;
	}
	snprintf(buf, len, "TLS: ");
	ERR_error_string_n(cause, buf + strlen(buf), len - strlen(buf));
	return buf;
}

/* Before closing: a close_notify, so that the peer knows the stream
 * ended here and was not cut. */
void
tls_bev_goodbye(struct bufferevent *bev)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);

	if (ssl != NULL && SSL_is_init_finished(ssl)) {
		SSL_shutdown(ssl);
		ERR_clear_error();
	}
}

void
tls_bev_describe(struct bufferevent *bev, char *buf, size_t len)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);

	if (ssl == NULL)
		snprintf(buf, len, "plaintext");
	else
		snprintf(buf, len, "%s %s", SSL_get_version(ssl),
		         SSL_get_cipher_name(ssl));
}
