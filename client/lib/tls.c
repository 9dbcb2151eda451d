/* tls.c: the client's TLS: trust anchors (a CA file or the system's), the
 * server's name checked against its certificate, TLS 1.2 at least, and
 * nonblocking reads and writes for client.c's transport. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "libcallsheet.h"
#include "tls.h"

#define TLS12_CIPHERS                                                          \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"           \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"           \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

struct cs_tls {
	SSL_CTX *ctx;
	SSL *ssl;
	char host[256];
	char anchors[300]; /* for messages: where trust came from */
	char error[256];
	char describe[128];
};

bool
cs_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

/* OpenSSL's first queued error as text; the queue is emptied. */
static void
take_ssl_error(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "%s", strerror(errno != 0 ? errno : EPROTO));
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
}

struct cs_tls *
cs_tls_new(int fd, const char *host, const char *ca_file, struct cs_error *err)
{
	struct cs_tls *t = xcalloc(1, sizeof *t);
	char why[256];
	struct in6_addr a6;
	struct in_addr a4;
	bool is_ip = inet_pton(AF_INET, host, &a4) == 1 ||
	             inet_pton(AF_INET6, host, &a6) == 1;

	snprintf(t->host, sizeof t->host, "%s", host);
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto ssl_fail;
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_cipher_list(t->ctx, TLS12_CIPHERS);
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	/* frames carry their length: a cut stream is caught there */
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_RENEGOTIATION
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	                                    | SSL_OP_IGNORE_UNEXPECTED_EOF
#endif
	);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	                                 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (ca_file != NULL) {
		snprintf(t->anchors, sizeof t->anchors, "%s", ca_file);
		if (SSL_CTX_load_verify_locations(t->ctx, ca_file, NULL) != 1) {
			take_ssl_error(why, sizeof why);
			cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
			             _("cannot read the CA file %s: %s"),
			             ca_file, why);
			if (err != NULL)
				snprintf(err->field, sizeof err->field, "ca");
			cs_tls_free(t, false);
			return NULL;
		}
	} else {
		snprintf(t->anchors, sizeof t->anchors, "%s",
		         _("the system's trust store"));
		SSL_CTX_set_default_verify_paths(t->ctx);
	}
	if ((t->ssl = SSL_new(t->ctx)) == NULL)
		goto ssl_fail;
	X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(t->ssl),
	                                X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (is_ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl),
		                                  host) != 1)
			goto ssl_fail;
	} else if (SSL_set1_host(t->ssl, host) != 1 ||
	           SSL_set_tlsext_host_name(t->ssl, host) != 1)
		goto ssl_fail;
	if (SSL_set_fd(t->ssl, fd) != 1)
		goto ssl_fail;
	SSL_set_connect_state(t->ssl);
	return t;
ssl_fail:
	take_ssl_error(why, sizeof why);
	cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
	             _("cannot set up TLS: %s"), why);
	cs_tls_free(t, false);
	return NULL;
}

/* The handshake failed: why, in words that say what to do. */
static void
handshake_error(struct cs_tls *t, const char *server, struct cs_error *err)
{
	long v = SSL_get_verify_result(t->ssl);
	char why[256];

	take_ssl_error(why, sizeof why);
	if (v == X509_V_ERR_HOSTNAME_MISMATCH ||
	    v == X509_V_ERR_IP_ADDRESS_MISMATCH)
		cs_error_set(err, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		             _("the certificate of %s is not valid for "
		               "'%s' (%s); refusing to connect: use the "
		               "name or address the certificate was issued "
		               "for"),
		             server, t->host, X509_verify_cert_error_string(v));
	else if (v != X509_V_OK)
		cs_error_set(err, CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
		             _("cannot verify the certificate of %s: %s "
		               "(trusted: %s); refusing to connect"),
		             server, X509_verify_cert_error_string(v),
		             t->anchors);
	else
		cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		             _("TLS handshake with %s failed: %s (does "
		               "the server speak TLS?)"),
		             server, why);
}

int
cs_tls_handshake(struct cs_tls *t, const char *server, short *want,
                 struct cs_error *err)
{
	int rc;

	ERR_clear_error();
	errno = 0;
	if ((rc = SSL_connect(t->ssl)) == 1) {
		snprintf(t->describe, sizeof t->describe, "%s %s",
		         SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
		return 1;
	}
	switch (SSL_get_error(t->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		*want = POLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*want = POLLOUT;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
	case SSL_ERROR_SYSCALL:
	case SSL_ERROR_SSL:
		if (ERR_peek_error() == 0 ||
		    ERR_GET_REASON(ERR_peek_error()) ==
		            SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			/* the network or a server at its limit, not TLS:
			 * worth retrying later */
			ERR_clear_error();
			cs_error_set(err, CALLSHEET__ERROR_CODE__UNAVAILABLE,
			             _("connection to %s lost during the "
			               "TLS handshake: %s"),
			             server,
			             errno != 0 ? strerror(errno)
			                        : _("closed by the server"));
			return -1;
		}
		break;
	default:
		break;
	}
	handshake_error(t, server, err);
	return -1;
}

/* What SSL_read/SSL_write returned, as recv()/send() would say it. */
static ssize_t
io_result(struct cs_tls *t, int rc, size_t done, short *want)
{
	if (rc == 1)
		return (ssize_t)done;
	switch (SSL_get_error(t->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		*want = POLLIN;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		*want = POLLOUT;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0) {
			if (errno == 0)
				return 0; /* EOF */
			return -1;        /* errno says why */
		}
		break;
	default:
		break;
	}
	take_ssl_error(t->error, sizeof t->error);
	errno = EPROTO;
	return -1;
}

ssize_t
cs_tls_read(struct cs_tls *t, void *buf, size_t len, short *want)
{
	size_t got = 0;
	int rc;

	ERR_clear_error();
	errno = 0;
	rc = SSL_read_ex(t->ssl, buf, len, &got);
	return io_result(t, rc, got, want);
}

ssize_t
cs_tls_write(struct cs_tls *t, const void *buf, size_t len, short *want)
{
	size_t put = 0;
	int rc;

	ERR_clear_error();
	errno = 0;
	rc = SSL_write_ex(t->ssl, buf, len, &put);
	return io_result(t, rc, put, want);
}

const char *
cs_tls_error(const struct cs_tls *t)
{
	return t->error[0] != '\0' ? t->error : NULL;
}

const char *
cs_tls_describe(const struct cs_tls *t)
{
	return t->describe;
}

void
cs_tls_free(struct cs_tls *t, bool goodbye)
{
	if (t == NULL)
		return;
	if (t->ssl != NULL) {
		if (goodbye && SSL_is_init_finished(t->ssl))
			SSL_shutdown(t->ssl);
		SSL_free(t->ssl);
	}
	SSL_CTX_free(t->ctx);
	ERR_clear_error();
	free(t);
}
