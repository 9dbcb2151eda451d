/* fileio.h: small files written whole or not at all, and read whole. */
#ifndef CALLSHEET_FILEIO_H
#define CALLSHEET_FILEIO_H

#include <stddef.h>

#include "libcallsheet.h"

int cs_file_mkdirs(const char *path, struct cs_error *err);
int cs_file_write_full(int fd, const void *buf, size_t len);
int cs_file_write_atomic(const char *path, const void *buf, size_t len,
                         struct cs_error *err);
char *cs_file_read_all(const char *path, size_t max, size_t *len);
int cs_file_remove(const char *path);

#endif
