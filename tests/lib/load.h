/* load.h: a steady load of jurist clients for the fault tests. Each client
 * is a thread with its own connection and its own spool, and behaves as
 * the callsheet command does: a new sheet goes to the spool first, is
 * removed once acknowledged, and whatever stays there is resent (flushed)
 * once the server answers again. Each client records every id it sent
 * and every id it saw acknowledged, so that a test checks the database
 * against the clients' own records, never the daemon's word. */
#ifndef CALLSHEET_LOAD_H
#define CALLSHEET_LOAD_H

#include <stdbool.h>

struct load;

struct load_stats {
	unsigned long sent;        /* distinct sheets created */
	unsigned long acked;       /* ids seen acknowledged (once each) */
	unsigned long first_try;   /* of which on their first send */
	unsigned long duplicates;  /* acks that said "already stored" */
	unsigned long unavailable; /* the daemon answered unavailable */
	unsigned long lost;        /* transport failures: connect, reset */
	unsigned long unexpected;  /* any other error: a test failure */
};

/* nclients threads logging as user/password to server ("host:port"),
 * spools under a private temporary folder. */
struct load *load_start(const char *server, const char *user,
                        const char *password, unsigned nclients);
/* Every client aims at another server from now on (a restarted daemon on
 * another port); host:port. */
void load_set_server(struct load *l, const char *server);
void load_stats(struct load *l, struct load_stats *st);
enum load_counter { LOAD_ACKED, LOAD_UNAVAILABLE, LOAD_LOST };
/* Wait until the counter (acked, unavailable or lost in load_stats) grew
 * by n from now, or die (th_die) after `seconds`. Returns how long it
 * took. */
double load_wait(struct load *l, enum load_counter which, unsigned long n,
                 double seconds);
/* Stop creating sheets; the threads end. */
void load_stop(struct load *l);
/* Resend every spooled sheet until all spools are empty; false if that
 * did not happen within `seconds`. */
bool load_drain(struct load *l, double seconds);
/*
 * The promise, checked with CHECK against the clients' records:
 * - every acknowledged id is in the sheet table exactly once;
 * - the spools are empty and nothing was rejected;
 * - the table holds exactly the distinct sheets sent (plus `before`,
 *   the rows it had when the load started).
 */
void load_check(struct load *l, const char *conninfo, long long before);
void load_free(struct load *l);
/* The end of every fault test: stop, drain (30 s at most, a check),
 * check the promise, free. */
void load_finish(struct load *l, const char *conninfo, long long before);

#endif
