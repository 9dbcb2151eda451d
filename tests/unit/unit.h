/* unit.h: the few lines every unit test shares: CHECK and the tally. */
#ifndef CALLSHEET_UNIT_H
#define CALLSHEET_UNIT_H

#include <stdio.h>

static int unit_passed, unit_failed;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (cond)                                                      \
			unit_passed++;                                         \
		else {                                                         \
			unit_failed++;                                         \
			fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);  \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

/* For checks that read best as the condition itself. */
static inline void
unit_check(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		unit_passed++;
		return;
	}
	unit_failed++;
	fprintf(stderr, "%s:%d: FAIL: %s\n", file, line, what);
}
#define CHECK_TRUE(cond) unit_check((cond), #cond, __FILE__, __LINE__)

static inline int
unit_finish(void)
{
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed != 0 || unit_passed == 0;
}

#endif
