/* clock.c: monotonic milliseconds, for deadlines and pacing. */
#include <time.h>

#include "common.h"

int64_t
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
