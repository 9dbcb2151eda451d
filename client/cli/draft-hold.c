/* draft-hold.c: which drafts of "callsheet new" the state folder holds,
 * and which of them a running "new" has open (a lock file each). */
#include <sys/file.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draft.h"
#include "libcallsheet.h"

/*
 * The draft is replaced by rename() at every save, so a lock on it would
 * be lost at the first answer: its lock is a file of its own next to it,
 * "<draft>.lock", locked (flock) as long as the draft is open.
 */
static char *
lock_path(const char *path)
{
	return xasprintf("%s.lock", path);
}

int
draft_hold(struct draft_hold *h, const char *path)
{
	char *lp = lock_path(path);
	int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	free(lp);
	if (fd == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int busy = errno == EWOULDBLOCK;

		close(fd);
		return busy ? 1 : -1;
	}
	h->path = xstrdup(path);
	h->lock = fd;
	return 0;
}

void
draft_release(struct draft_hold *h, bool drop)
{
	if (h->path == NULL)
		return;
	if (drop) {
		char *lp = lock_path(h->path);

		cs_file_remove(h->path);
		unlink(lp); /* still locked: no other process took it */
		free(lp);
	}
	close(h->lock);
	free(h->path);
	h->path = NULL;
	h->lock = -1;
}

int
draft_find(const char *dir, struct draft_hold *h, struct draft *d, size_t *busy,
           struct cs_error *err)
{
	char *pattern = xasprintf("%s/new*.draft", dir);
	struct draft_hold best = {.lock = -1};
	glob_t g;
	int rv = 0;

	*busy = 0;
	memset(d, 0, sizeof *d);
	if (glob(pattern, 0, NULL, &g) != 0)
		g.gl_pathc = 0;
	for (size_t i = 0; i < g.gl_pathc && rv >= 0; i++) {
		struct draft_hold one = {.lock = -1};
		struct draft cand;
		int r = draft_hold(&one, g.gl_pathv[i]);

		if (r == 1)
			(*busy)++;
		if (r != 0)
			continue;
		if ((r = draft_load(one.path, &cand, err)) < 0) {
			/* damaged: the one to tell about (and to --discard) */
			draft_release(&best, false);
			draft_free(d);
			best = one;
			rv = -1;
		} else if (r == 1 && (rv == 0 || cand.start > d->start)) {
			draft_release(&best, false);
			draft_free(d);
			*d = cand;
			best = one;
			rv = 1;
		} else {
			if (r == 1)
				draft_free(&cand);
			draft_release(&one, false);
		}
	}
	if (g.gl_pathc > 0)
		globfree(&g);
	free(pattern);
	*h = best;
	return rv;
}

int
draft_claim(const char *dir, const uint8_t id[CS_UUID_LEN],
            struct draft_hold *h)
{
	char uuid[CS_UUID_STRLEN];
	char *path = xasprintf("%s/%s", dir, DRAFT_FILE);
	int r = draft_hold(h, path);

	free(path);
	if (r == 0 && access(h->path, F_OK) != 0)
		return 0; /* the usual name, free */
	if (r == 0)
		draft_release(h, false); /* a sheet left for later */
	uuid_format(id, uuid);
	path = xasprintf("%s/new-%s.draft", dir, uuid);
	r = draft_hold(h, path);
	free(path);
	return r == 0 ? 0 : -1;
}
