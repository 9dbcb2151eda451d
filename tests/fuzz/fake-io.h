/* fake-io.h: controls of the fake database and worker (fake-io.c). */
#ifndef CALLSHEET_FAKE_IO_H
#define CALLSHEET_FAKE_IO_H

#include <stdbool.h>
#include <stdint.h>

/* The daemon set up as the fuzz targets run it (fake-io.c also defines
 * what main.c owns: base, draining). */
void fake_io_daemon_init(void);
struct conn;
void fake_io_logged_in(struct conn *c);
/* From now on, results (good, failed, odd) follow a sequence drawn from
 * seed. */
void fake_io_seed(uint64_t seed);
/* Every operation succeeds with plain results (setting up). */
void fake_io_always_ok(bool on);
/* Operations and jobs not answered yet. */
unsigned fake_io_pending(void);
/* Manual mode: nothing completes by itself, only by fake_io_complete(k),
 * the k-th pending (modulo their number); false if none is pending. */
void fake_io_manual(bool on);
bool fake_io_complete(unsigned k);

#endif
