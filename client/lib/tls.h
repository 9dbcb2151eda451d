/* tls.h: the client library's TLS, internal to it: client.c moves the
 * bytes of a TLS connection through these instead of recv() and send(). */
#ifndef CALLSHEET_CLIENT_TLS_H
#define CALLSHEET_CLIENT_TLS_H

#include <sys/types.h>

#include "libcallsheet.h"

struct cs_tls;

/* host: the name or address the user gave, which the certificate must
 * match; ca_file NULL: the system's trust store. */
struct cs_tls *cs_tls_new(int fd, const char *host, const char *ca_file,
                          struct cs_error *err);
/* 1 done, 0 not yet (wait for *want on the socket), -1 failed (err set). */
int cs_tls_handshake(struct cs_tls *t, const char *server, short *want,
                     struct cs_error *err);
/* As recv() and send(): on -1, errno EAGAIN means wait for *want, and
 * EPROTO a TLS failure that cs_tls_error() describes. */
ssize_t cs_tls_read(struct cs_tls *t, void *buf, size_t len, short *want);
ssize_t cs_tls_write(struct cs_tls *t, const void *buf, size_t len,
                     short *want);
const char *cs_tls_error(const struct cs_tls *t);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384" */
const char *cs_tls_describe(const struct cs_tls *t);
/* goodbye: send a close_notify first (best effort, never waits) */
void cs_tls_free(struct cs_tls *t, bool goodbye);
/* Whether host names this machine: "localhost", 127.0.0.0/8 or ::1. */
bool cs_host_is_loopback(const char *host);

#endif
