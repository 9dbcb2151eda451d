/* pipeline.c: many requests in flight on one connection, within the
 * server's window, their responses matched back by id. */
#include <stdlib.h>

#include "libcallsheet.h"

int
cs_call_many(struct cs_client *c, Callsheet__Request *const *reqs, size_t n,
             Callsheet__Response **resps, struct cs_error *err)
{
	uint32_t window = cs_max_in_flight(c);
	uint32_t *ids = xcalloc(n + 1, sizeof *ids);
	size_t sent = 0, got = 0;

	if (window == 0)
		window = 1;
	for (size_t i = 0; i < n; i++)
		resps[i] = NULL;
	while (got < n) {
		Callsheet__Response *r;
		size_t i;

		while (sent < n && sent - got < window) {
			if (cs_send(c, reqs[sent], err) != 0)
				goto fail;
			ids[sent] = reqs[sent]->id;
			sent++;
		}
		if (cs_recv(c, &r, -1, err) != 0)
			goto fail;
		for (i = 0; i < sent; i++)
			if (ids[i] == r->id && resps[i] == NULL)
				break;
		if (i == sent) {
			cs_error_set(
			        err, CALLSHEET__ERROR_CODE__INTERNAL,
			        "the server answered request %u, which was "
			        "not asked",
			        r->id);
			callsheet__response__free_unpacked(r, NULL);
			goto fail;
		}
		resps[i] = r;
		got++;
	}
	free(ids);
	return 0;
fail:
	for (size_t i = 0; i < n; i++) {
		if (resps[i] != NULL)
			callsheet__response__free_unpacked(resps[i], NULL);
		resps[i] = NULL;
	}
	free(ids);
	return -1;
}
