/* spool.c: the durable spool of sheets the server has not acknowledged. */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcallsheet.h"

#define SHEET_SUFFIX   ".sheet"
#define SHEET_NAMELEN  (CS_UUID_STRLEN - 1 + sizeof SHEET_SUFFIX - 1)
#define SHEET_FILE_MAX CS_FRAME_MAX_DEFAULT /* a sheet is ~100 bytes */
#define REJECTED_DIR   "rejected"

/* A sheet this process put and still holds the lock of. */
struct held {
	uint8_t id[CS_UUID_LEN];
	int fd;
};

struct cs_spool {
	char *path; /* root/<server>-<user> */
	int dirfd;
	struct held *held;
	size_t nheld;
};

struct sheet_id {
	uint8_t b[CS_UUID_LEN];
};

static Callsheet__Sheet *read_sheet(int fd);

static int
spool_error(struct cs_error *err, const char *what, const char *path)
{
	cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
	             _("cannot %s %s: %s"), what, path, strerror(errno));
	return -1;
}

static void
sheet_name(const uint8_t id[CS_UUID_LEN], char name[SHEET_NAMELEN + 1])
{
	uuid_format(id, name);
	memcpy(name + CS_UUID_STRLEN - 1, SHEET_SUFFIX, sizeof SHEET_SUFFIX);
}

/* Only "<uuid>.sheet" names are ours; temporary files start with '.'. */
static int
sheet_name_parse(const char *name, uint8_t id[CS_UUID_LEN])
{
	char uuid[CS_UUID_STRLEN];

	if (strlen(name) != SHEET_NAMELEN ||
	    strcmp(name + CS_UUID_STRLEN - 1, SHEET_SUFFIX) != 0)
		return -1;
	memcpy(uuid, name, CS_UUID_STRLEN - 1);
	uuid[CS_UUID_STRLEN - 1] = '\0';
	return uuid_parse(uuid, id);
}

/* "<server>-<user>" with anything outside [A-Za-z0-9._-] made '_'. */
char *
cs_spool_dirname(const char *server, const char *user)
{
	char *name = xasprintf("%s-%s", server, user != NULL ? user : "");

	for (char *p = name; *p != '\0'; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
		           *p) == NULL)
			*p = '_';
	return name;
}

static int
open_dir(const char *path, struct cs_error *err)
{
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	                             O_NOFOLLOW)) == -1) {
		spool_error(err, _("open spool directory"), path);
		return -1;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid()) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
		             _("spool directory %s is not owned by this user"),
		             path);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0)
		fchmod(fd, st.st_mode & 0700);
	return fd;
}

struct cs_spool *
cs_spool_open(const char *root, const char *server, const char *user,
              struct cs_error *err)
{
	struct cs_spool *sp;
	char *name = cs_spool_dirname(server, user);
	char *path = xasprintf("%s/%s", root, name);
	int fd;

	free(name);
	if (cs_file_mkdirs(path, err) != 0 ||
	    (fd = open_dir(path, err)) == -1) {
		free(path);
		return NULL;
	}
	sp = xcalloc(1, sizeof *sp);
	sp->path = path;
	sp->dirfd = fd;
	return sp;
}

static void
held_release(struct cs_spool *sp, const uint8_t id[CS_UUID_LEN])
{
	for (size_t i = 0; i < sp->nheld; i++) {
		if (memcmp(sp->held[i].id, id, CS_UUID_LEN) != 0)
			continue;
		close(sp->held[i].fd);
		sp->held[i] = sp->held[--sp->nheld];
		return;
	}
}

void
cs_spool_close(struct cs_spool *sp)
{
	if (sp == NULL)
		return;
	for (size_t i = 0; i < sp->nheld; i++)
		close(sp->held[i].fd);
	free(sp->held);
	close(sp->dirfd);
	free(sp->path);
	free(sp);
}

const char *
cs_spool_path(const struct cs_spool *sp)
{
	return sp->path;
}

/*
 * Written to a temporary name, synced, locked, then renamed into place and
 * the directory synced: the sheet file is either absent or whole, and
 * never unlocked while its writer may still be sending it.
 */
int
cs_spool_put(struct cs_spool *sp, const Callsheet__Sheet *sheet,
             struct cs_error *err)
{
	char name[SHEET_NAMELEN + 1], tmp[SHEET_NAMELEN + 32];
	size_t len;
	uint8_t *buf;
	int fd;

	if (sheet->id.len != CS_UUID_LEN) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		             _("a sheet id is %d bytes, not %zu"), CS_UUID_LEN,
		             sheet->id.len);
		return -1;
	}
	sheet_name(sheet->id.data, name);
	snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", name, (long)getpid());
	len = callsheet__sheet__get_packed_size(sheet);
	buf = xmalloc(len);
	callsheet__sheet__pack(sheet, buf);
	fd = openat(sp->dirfd, tmp,
	            O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	            0600);
	if (fd == -1 || cs_file_write_full(fd, buf, len) != 0 ||
	    fsync(fd) != 0 || flock(fd, LOCK_EX | LOCK_NB) != 0 ||
	    renameat(sp->dirfd, tmp, sp->dirfd, name) != 0 ||
	    fsync(sp->dirfd) != 0) {
		spool_error(err, _("write spool file in"), sp->path);
		if (fd != -1) {
			unlinkat(sp->dirfd, tmp, 0);
			close(fd);
		}
		free(buf);
		return -1;
	}
	free(buf);
	sp->held = xreallocarray(sp->held, sp->nheld + 1, sizeof *sp->held);
	memcpy(sp->held[sp->nheld].id, sheet->id.data, CS_UUID_LEN);
	sp->held[sp->nheld++].fd = fd;
	return 0;
}

/* Removal needs no directory sync: a sheet that reappears after a crash is
 * resent and acknowledged as a duplicate. */
int
cs_spool_remove(struct cs_spool *sp, const uint8_t id[CS_UUID_LEN])
{
	char name[SHEET_NAMELEN + 1];
	int rv;

	sheet_name(id, name);
	rv = unlinkat(sp->dirfd, name, 0);
	if (rv != 0 && errno == ENOENT)
		rv = 0;
	held_release(sp, id);
	return rv == 0 ? 0 : -1;
}

/* The sheets in the spool, in no particular order. */
static int
spool_list(struct cs_spool *sp, struct sheet_id **ids, size_t *n,
           struct cs_error *err)
{
	struct dirent *de;
	DIR *dir;
	int fd;

	*ids = NULL;
	*n = 0;
	if ((fd = openat(sp->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	            -1 ||
	    (dir = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return spool_error(err, _("read spool directory"), sp->path);
	}
	while ((de = readdir(dir)) != NULL) {
		struct sheet_id id = {{0}};

		if (sheet_name_parse(de->d_name, id.b) != 0)
			continue;
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = id;
	}
	closedir(dir);
	return 0;
}

size_t
cs_spool_count(struct cs_spool *sp)
{
	struct sheet_id *ids;
	size_t n;

	if (spool_list(sp, &ids, &n, NULL) != 0)
		return 0;
	free(ids);
	return n;
}

int
cs_spool_sheets(struct cs_spool *sp, Callsheet__Sheet ***out, size_t *n,
                struct cs_error *err)
{
	struct sheet_id *ids;
	size_t nids;

	*out = NULL;
	*n = 0;
	if (spool_list(sp, &ids, &nids, err) != 0)
		return -1;
	*out = xcalloc(nids + 1, sizeof **out);
	for (size_t i = 0; i < nids; i++) {
		char name[SHEET_NAMELEN + 1];
		int fd;

		sheet_name(ids[i].b, name);
		fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd == -1)
			continue; /* delivered meanwhile */
		if (((*out)[*n] = read_sheet(fd)) != NULL)
			(*n)++;
		close(fd);
	}
	free(ids);
	return 0;
}

void
cs_spool_sheets_free(Callsheet__Sheet **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		callsheet__sheet__free_unpacked(v[i], NULL);
	free(v);
}

/* Move a sheet the server will never take aside, with the reason next to
 * it for whoever looks. */
static void
spool_reject(struct cs_spool *sp, const uint8_t id[CS_UUID_LEN],
             const char *reason)
{
	char name[SHEET_NAMELEN + 1], *to;
	int fd;

	sheet_name(id, name);
	if (mkdirat(sp->dirfd, REJECTED_DIR, 0700) != 0 && errno != EEXIST)
		return;
	to = xasprintf("%s/%s", REJECTED_DIR, name);
	if (renameat(sp->dirfd, name, sp->dirfd, to) == 0) {
		fsync(sp->dirfd);
		free(to);
		to = xasprintf("%s/%.*s.reason", REJECTED_DIR,
		               CS_UUID_STRLEN - 1, name);
		fd = openat(sp->dirfd, to,
		            O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd != -1) {
			dprintf(fd, "%s\n", reason);
			close(fd);
		}
	}
	free(to);
}

/* ---------------------------------------------------------------- flush */

enum take {
	TAKE_OK,
	TAKE_SKIP,    /* gone, or another process is sending it */
	TAKE_CORRUPT, /* not a sheet: it can never be sent */
};

/* A sheet file sent and not yet answered, its lock held. */
/* A sheet sent and not yet answered (the window's tag). */
struct flight {
	int fd; /* its spool file, locked */
	uint8_t id[CS_UUID_LEN];
};

struct flush {
	struct cs_spool *sp;
	struct cs_window *w;
	size_t delivered;
	size_t rejected;
};

static Callsheet__Sheet *
read_sheet(int fd)
{
	uint8_t buf[SHEET_FILE_MAX + 1];
	size_t len = 0;
	ssize_t n;

	while ((n = read(fd, buf + len, sizeof buf - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		len += (size_t)n;
		if (len == sizeof buf)
			return NULL;
	}
	return callsheet__sheet__unpack(NULL, len, buf);
}

/* Open and lock one spooled sheet, and check it is still there and sane. */
static enum take
spool_take(struct cs_spool *sp, const uint8_t id[CS_UUID_LEN], int *fdp,
           Callsheet__Sheet **sheet)
{
	char name[SHEET_NAMELEN + 1];
	struct stat st;
	int fd;

	sheet_name(id, name);
	if ((fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) ==
	    -1)
		return TAKE_SKIP;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0 || fstat(fd, &st) != 0 ||
	    st.st_nlink == 0) {
		close(fd);
		return TAKE_SKIP;
	}
	*sheet = read_sheet(fd);
	if (*sheet == NULL || (*sheet)->id.len != CS_UUID_LEN ||
	    memcmp((*sheet)->id.data, id, CS_UUID_LEN) != 0) {
		if (*sheet != NULL)
			callsheet__sheet__free_unpacked(*sheet, NULL);
		close(fd);
		return TAKE_CORRUPT;
	}
	*fdp = fd;
	return TAKE_OK;
}

static void
flight_end(void *arg, void *tag)
{
	struct flight *fl = tag;

	(void)arg;
	close(fl->fd);
	free(fl);
}

static int
flush_send(struct flush *f, const uint8_t id[CS_UUID_LEN], struct cs_error *err)
{
	Callsheet__LogSheet ls = CALLSHEET__LOG_SHEET__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Sheet *sheet;
	struct flight *fl;
	int fd, rv;

	switch (spool_take(f->sp, id, &fd, &sheet)) {
	case TAKE_SKIP:
		return 0;
	case TAKE_CORRUPT:
		spool_reject(f->sp, id, _("unreadable spool file"));
		f->rejected++;
		return 0;
	case TAKE_OK:
		break;
	}
	ls.sheet = sheet;
	req.body_case = CALLSHEET__REQUEST__BODY_LOG_SHEET;
	req.log_sheet = &ls;
	fl = xmalloc(sizeof *fl);
	fl->fd = fd;
	memcpy(fl->id, id, CS_UUID_LEN);
	rv = cs_window_send(f->w, &req, fl, err);
	callsheet__sheet__free_unpacked(sheet, NULL);
	if (rv != 0)
		flight_end(f, fl);
	return rv;
}

/* Stored or duplicate: delivered. Refused for itself: it will never be
 * taken, move it aside. Anything else: stop, and retry later (the rule:
 * cs_verdict in deliver.c). */
static int
flush_settle(struct flush *f, struct flight *fl,
             const Callsheet__Response *resp, struct cs_error *err)
{
	switch (resp->body_case) {
	case CALLSHEET__RESPONSE__BODY_SHEET_ACK:
		cs_spool_remove(f->sp, fl->id);
		f->delivered++;
		return 0;
	case CALLSHEET__RESPONSE__BODY_ERROR:
		if (cs_verdict(resp->error->code) == CS_VERDICT_SHEET) {
			spool_reject(f->sp, fl->id, resp->error->message);
			f->rejected++;
			return 0;
		}
		cs_error_from_response(err, resp->error);
		return -1;
	default:
		cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
		             _("the server answered a sheet with an unexpected "
		               "message"));
		return -1;
	}
}

/* The window's answer: settled, and the sheet's file let go. */
static int
flush_answer(void *arg, void *tag, Callsheet__Response **resp,
             struct cs_error *err)
{
	int rv = flush_settle(arg, tag, *resp, err);

	flight_end(arg, tag);
	return rv;
}

int
cs_spool_flush(struct cs_spool *sp, struct cs_client *c, size_t *rejected,
               struct cs_error *err)
{
	struct flush f = {.sp = sp};
	struct sheet_id *ids;
	size_t n, next = 0;
	int rv;

	if ((rv = spool_list(sp, &ids, &n, err)) != 0)
		return -1;
	f.w = cs_window_open(c, flush_answer, &f);
	while (rv == 0 && next < n)
		rv = flush_send(&f, ids[next++].b, err);
	if (rv == 0)
		rv = cs_window_drain(f.w, err);
	cs_window_close(f.w, flight_end);
	free(ids);
	if (rejected != NULL)
		*rejected = f.rejected;
	return rv == 0 ? (int)f.delivered : -1;
}
