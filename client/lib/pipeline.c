/* pipeline.c: the one pipelining window of the library: many requests in
 * flight on one connection, within the server's window, each answer
 * matched back by id to what its sender tagged it with. */
#include <stdlib.h>

#include "libcallsheet.h"

struct cs_window {
	struct cs_client *c;
	cs_window_answer_fn *answer;
	void *arg;
	uint32_t first; /* the first id sent through this window */
	struct {
		uint32_t id;
		void *tag;
	} * p;
	size_t n, cap;
};

struct cs_window *
cs_window_open(struct cs_client *c, cs_window_answer_fn *answer, void *arg)
{
	struct cs_window *w = xcalloc(1, sizeof *w);

	w->c = c;
	w->answer = answer;
	w->arg = arg;
	return w;
}

/* The next answer, to whichever request of the window it is. */
static int
window_answer_one(struct cs_window *w, struct cs_error *err)
{
	Callsheet__Response *resp;
	void *tag;
	size_t i;
	int rv;

	for (;;) {
		if (cs_recv(w->c, &resp, -1, err) != 0)
			return -1;
		for (i = 0; i < w->n && w->p[i].id != resp->id; i++)
			;
		if (i < w->n)
			break;
		/* An answer an earlier caller of the connection left
		 * unread (its id comes before ours): not ours to take. */
		if (resp->id < w->first) {
			callsheet__response__free_unpacked(resp, NULL);
			continue;
		}
		cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
		             _("the server answered request %u, which was not "
		               "sent"),
		             resp->id);
		callsheet__response__free_unpacked(resp, NULL);
		return -1;
	}
	tag = w->p[i].tag;
	w->p[i] = w->p[--w->n];
	rv = w->answer(w->arg, tag, &resp, err);
	if (resp != NULL)
		callsheet__response__free_unpacked(resp, NULL);
	return rv;
}

int
cs_window_send(struct cs_window *w, Callsheet__Request *req, void *tag,
               struct cs_error *err)
{
	uint32_t max = cs_max_in_flight(w->c);

	while (w->n >= (max > 0 ? max : 1))
		if (window_answer_one(w, err) != 0)
			return -1;
	if (cs_send(w->c, req, err) != 0)
		return -1;
	if (w->n == 0 && w->first == 0)
		w->first = req->id;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->p = xreallocarray(w->p, w->cap, sizeof *w->p);
	}
	w->p[w->n].id = req->id;
	w->p[w->n++].tag = tag;
	return 0;
}

int
cs_window_drain(struct cs_window *w, struct cs_error *err)
{
	while (w->n > 0)
		if (window_answer_one(w, err) != 0)
			return -1;
	return 0;
}

void
cs_window_close(struct cs_window *w, void (*forget)(void *arg, void *tag))
{
	if (w == NULL)
		return;
	for (size_t i = 0; forget != NULL && i < w->n; i++)
		forget(w->arg, w->p[i].tag);
	free(w->p);
	free(w);
}

/* cs_call_many: the window, each answer kept at its request's index. */
struct many {
	Callsheet__Response **resps;
};

static int
many_answer(void *arg, void *tag, Callsheet__Response **resp,
            struct cs_error *err)
{
	struct many *m = arg;

	(void)err;
	m->resps[(size_t)tag] = *resp;
	*resp = NULL;
	return 0;
}

int
cs_call_many(struct cs_client *c, Callsheet__Request *const *reqs, size_t n,
             Callsheet__Response **resps, struct cs_error *err)
{
	struct many m = {resps};
	struct cs_window *w = cs_window_open(c, many_answer, &m);
	int rv = 0;

	for (size_t i = 0; i < n; i++)
		resps[i] = NULL;
	for (size_t i = 0; i < n && rv == 0; i++)
		rv = cs_window_send(w, reqs[i], (void *)i, err);
	if (rv == 0)
		rv = cs_window_drain(w, err);
	cs_window_close(w, NULL);
	if (rv == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (resps[i] != NULL)
			callsheet__response__free_unpacked(resps[i], NULL);
		resps[i] = NULL;
	}
	return -1;
}
