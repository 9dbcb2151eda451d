/* raw.h: the protocol spoken by hand, for tests that misbehave on purpose
 * (tests/fault/test_hostile.c): raw frames, partial frames, no reading. */
#ifndef CALLSHEET_RAW_H
#define CALLSHEET_RAW_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

/* A blocking TCP connection to 127.0.0.1:port; -1 if refused (errno). */
int raw_connect(unsigned port);
/* The same from a given loopback source address ("127.0.3.1"; NULL: any):
 * attackers that are not the jurists' 127.0.0.1. */
int raw_connect_from(const char *source, unsigned port);
/* A hello, a login, sent (not read back). */
bool raw_hello(int fd, uint32_t id);
bool raw_login(int fd, uint32_t id, const char *user, const char *password);
/* All bytes, or false (the peer closed, EPIPE). */
bool raw_write(int fd, const void *buf, size_t len);
/* Frames and sends a request (id given by the caller). */
bool raw_send(int fd, const Callsheet__Request *req);
/* Hello then login; the connection, ready for requests, or dies. */
int raw_session(unsigned port, const char *user, const char *password);
/* The next message within `seconds`; NULL if the connection closed or
 * nothing came (*closed says which). */
Callsheet__ServerMessage *raw_read(int fd, double seconds, bool *closed);
/* The next message's error code (ERROR_NONE for a non-error response),
 * -1 if none came. */
int raw_read_error(int fd, double seconds, char *message, size_t len);
/* True if the peer closed within `seconds` (reading and dropping any
 * message before the close). */
bool raw_wait_closed(int fd, double seconds);
/* The local port of a connected socket. */
unsigned raw_local_port(int fd);
/* The server's end of the connection from client_port to server_port,
 * from /proc/net/tcp: bytes it has not read yet, and its TCP timer (2:
 * keepalive, 0: none). False if there is no such connection. */
struct raw_tcp {
	unsigned rx_queue;
	int timer;
};
bool raw_server_end(unsigned server_port, unsigned client_port,
                    struct raw_tcp *out);

#endif
