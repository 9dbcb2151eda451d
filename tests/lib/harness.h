/* harness.h: what integration tests share: a fresh database, a real
 * callsheetd on an ephemeral port, accounts, SQL checks, and counting. */
#ifndef CALLSHEET_HARNESS_H
#define CALLSHEET_HARNESS_H

#include <sys/types.h>

#include <stdbool.h>

#include <libpq-fe.h>

#include "libcallsheet.h"

struct th_daemon {
	pid_t pid;
	unsigned port;
	char server[64]; /* "127.0.0.1:PORT" */
	char conninfo[512];
	char dir[256]; /* its private folder: the port file */
};

/* Checks: a failed check is reported with its place and counted. */
#define CHECK(cond, ...) th_check((cond), __FILE__, __LINE__, __VA_ARGS__)
bool th_check(bool ok, const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
int th_finish(void); /* prints "N passed, N failed"; the exit status */
void th_die(const char *fmt, ...)
        __attribute__((format(printf, 1, 2), noreturn));

char *th_createdb(const char *name); /* conninfo of a fresh database */
void th_migrate(const char *conninfo);
void th_create_user(const char *conninfo, const char *name, const char *role,
                    const char *password);
/* extra: NULL-terminated arguments added to the daemon's command line */
void th_daemon_start(struct th_daemon *d, const char *conninfo,
                     const char *const *extra);
/* the same, its log (stderr) written to logpath instead of the test's */
void th_daemon_start_log(struct th_daemon *d, const char *conninfo,
                         const char *const *extra, const char *logpath);
int th_daemon_stop(struct th_daemon *d);  /* SIGTERM; its exit status */
void th_daemon_kill(struct th_daemon *d); /* SIGKILL */

PGconn *th_pg(const char *conninfo);
long long th_sql_count(PGconn *pg, const char *sql, const char *param);

struct cs_client *th_connect(const struct th_daemon *d, const char *user,
                             const char *password);
/* A bare TCP socket to the daemon (10 s receive timeout), for tests that
 * speak the bytes themselves. */
int th_raw_connect(const struct th_daemon *d);
void th_sheet_init(Callsheet__Sheet *s, uint8_t id[CS_UUID_LEN]);
/* Logs one fresh valid sheet; says why on stderr if it is not stored. */
bool th_log_one(struct cs_client *c);
double th_now(void); /* monotonic seconds */
/* A small deterministic generator: the next value below n. */
unsigned th_pick(unsigned *seed, unsigned n);

#endif
