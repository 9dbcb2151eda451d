/* janitor.c: the one periodic maintenance pass: once a second, every
 * deadline of every connection (conn_sweep: sniff, TLS handshake, hello
 * and login, frame, idle, closing). What keeps a timer of its own, and
 * why, is in docs/ARCHITECTURE.md. */
#include <event2/event.h>

#include "callsheetd.h"

static struct event *janitor_timer;

static void
janitor_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	conn_sweep(time(NULL));
}

void
janitor_init(void)
{
	struct timeval second = {1, 0};

	janitor_timer = event_new(base, -1, EV_PERSIST, janitor_cb, NULL);
	evtimer_add(janitor_timer, &second);
}

void
janitor_shutdown(void)
{
	if (janitor_timer != NULL)
		event_free(janitor_timer);
	janitor_timer = NULL;
}
