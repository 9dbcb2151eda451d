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

/* A draft this process has open: no other "callsheet new" offers it. */
struct draft_hold {
	char *path; /* NULL: none */
	int lock;
};

/* draft-hold.c */
/* 0 held, 1 open in another process, -1 an error (errno). */
int draft_hold(struct draft_hold *h, const char *path);
/* Lets it go; drop: the draft goes too. */
void draft_release(struct draft_hold *h, bool drop);
/* The unfinished draft of dir no other process has open, the latest
 * started, loaded into d and held: 1; 0 none; -1 a damaged one (held,
 * err says why). *busy: how many are open in other processes. */
int draft_find(const char *dir, struct draft_hold *h, struct draft *d,
               size_t *busy, struct cs_error *err);
/* Where a new sheet's draft goes, held: DRAFT_FILE when it is free, else
 * a name of its own (new-ID.draft). 0, or -1 (errno). */
int draft_claim(const char *dir, const uint8_t id[CS_UUID_LEN],
                struct draft_hold *h);

#endif
