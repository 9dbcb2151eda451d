/* draft.h: the sheet being entered by "callsheet new", kept on disk after
 * every answer so that a crash or a closed terminal loses nothing. */
#ifndef CALLSHEET_DRAFT_H
#define CALLSHEET_DRAFT_H

#include <stdint.h>

#include "entry.h"
#include "libcallsheet.h"

#define DRAFT_FILE "new.draft"
#define DRAFT_MAX  (64 * 1024)

struct draft {
	uint8_t id[CS_UUID_LEN]; /* the sheet's id, chosen at the start */
	int64_t start;           /* when the call timer started; 0: not yet */
	char *server;
	char *user;
	struct entry_answers a;
};

/* draft.c */
char *draft_format(const struct draft *d);
int draft_parse(const char *text, struct draft *d, char *why, size_t whylen);
/* Written whole or not at all, and synced. */
int draft_save(const char *path, const struct draft *d, struct cs_error *err);
/* 1 loaded, 0 no draft, -1 unreadable (err says why). */
int draft_load(const char *path, struct draft *d, struct cs_error *err);
void draft_free(struct draft *d);

#endif
