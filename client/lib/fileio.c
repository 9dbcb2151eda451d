/* fileio.c: small files written whole or not at all (temporary file,
 * fsync, rename, fsync of the folder), and read back whole. */
#include <sys/stat.h>
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcallsheet.h"

static int
io_fail(struct cs_error *err, const char *what, const char *path)
{
	cs_error_set(err, CALLSHEET__ERROR_CODE__INTERNAL,
	             _("cannot %s %s: %s"), what, path, strerror(errno));
	return -1;
}

/* mkdir -p, new folders private to the user. */
int
cs_file_mkdirs(const char *path, struct cs_error *err)
{
	char *p = xstrdup(path), *slash = p;
	int rv = 0;

	do {
		if ((slash = strchr(slash + 1, '/')) != NULL)
			*slash = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			rv = io_fail(err, _("create the folder"), p);
		if (slash != NULL)
			*slash = '/';
	} while (rv == 0 && slash != NULL);
	free(p);
	return rv;
}

static int
sync_dir_of(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rv = -1;

	free(copy);
	if (fd != -1) {
		rv = fsync(fd);
		close(fd);
	}
	return rv;
}

/* All of it, whatever the interruptions. */
int
cs_file_write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
cs_file_write_atomic(const char *path, const void *buf, size_t len,
                     struct cs_error *err)
{
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	bool ok;
	int fd, saved;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1) {
		io_fail(err, _("write"), tmp);
		free(tmp);
		return -1;
	}
	ok = cs_file_write_full(fd, buf, len) == 0 && fsync(fd) == 0;
	saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		errno = saved;
		io_fail(err, _("write"), path);
	}
	free(tmp);
	if (ok)
		sync_dir_of(path);
	return ok ? 0 : -1;
}

/* NULL with errno set (ENOENT: no such file; EFBIG: over max bytes). */
char *
cs_file_read_all(const char *path, size_t max, size_t *lenp)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) != 0 || (size_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

int
cs_file_remove(const char *path)
{
	if (unlink(path) != 0)
		return errno == ENOENT ? 0 : -1;
	sync_dir_of(path);
	return 0;
}
