/* idle.c: holds N authenticated, idle connections to callsheetd until
 * standard input closes; the connection benchmark's crowd. */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "libcallsheet.h"
#include "stats.h"

int
main(int argc, char **argv)
{
	struct cs_options o = {.timeout_ms = 60000};
	struct cs_client **c;
	struct rlimit rl;
	char buf[64];
	int n;
	double t0;

	if (argc != 5) {
		fputs("usage: bench-idle SERVER USER PASSWORD N\n"
		      "Opens N logged-in connections, prints 'ready', and "
		      "holds them until stdin closes.\n",
		      stderr);
		return 2;
	}
	o.server = argv[1];
	o.user = argv[2];
	o.password = argv[3];
	n = atoi(argv[4]);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)n + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	c = xcalloc((size_t)n, sizeof *c);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct cs_error err;

		if (cs_connect(&o, &c[i], &err) != 0) {
			fprintf(stderr, "bench-idle: connection %d: %s\n", i,
			        err.message);
			return 1;
		}
	}
	printf("ready %d connections in %.1f s\n", n, now_s() - t0);
	fflush(stdout);
	while (read(0, buf, sizeof buf) > 0)
		;
	for (int i = 0; i < n; i++)
		cs_close(c[i]);
	free(c);
	return 0;
}
