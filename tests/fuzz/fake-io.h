/* fake-io.h: controls of the fake database and worker (fake-io.c). */
#ifndef CALLSHEET_FAKE_IO_H
#define CALLSHEET_FAKE_IO_H

#include <stdbool.h>
#include <stdint.h>

/* From now on, results (good, failed, odd) follow a sequence drawn from
 * seed. */
void fake_io_seed(uint64_t seed);
/* Every operation succeeds with plain results (setting up). */
void fake_io_always_ok(bool on);
/* Operations and jobs not answered yet. */
unsigned fake_io_pending(void);

#endif
