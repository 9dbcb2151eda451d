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
/* fn runs if the test dies (th_die), e.g. to stop what it started. */
void th_on_die(void (*fn)(void));

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
/* The same on a given port (0: any free one; a restarted daemon takes its
 * predecessor's), its log kept in d->dir/log when log_to_file is set
 * (th_daemon_log reads it) instead of going to the test's stderr. */
void th_daemon_start_at(struct th_daemon *d, const char *conninfo,
                        unsigned port, bool log_to_file,
                        const char *const *extra);
char *th_daemon_log(const struct th_daemon *d); /* freed by the caller */
/* Waits until the daemon's log contains `needle`, or dies. */
void th_daemon_wait_log(const struct th_daemon *d, const char *needle,
                        double seconds);
/* Waits for the daemon to exit by itself; its exit status, -1 if it
 * was still running after `seconds` (it is killed then). */
int th_daemon_wait_exit(struct th_daemon *d, double seconds);
bool th_daemon_alive(struct th_daemon *d); /* not exited (reaps if it did) */
int th_daemon_stop(struct th_daemon *d);   /* SIGTERM; its exit status */
void th_daemon_kill(struct th_daemon *d);  /* SIGKILL */

PGconn *th_pg(const char *conninfo);
long long th_sql_count(PGconn *pg, const char *sql, const char *param);
long long th_sql_count_at(const char *conninfo, const char *sql,
                          const char *param);

struct cs_client *th_connect(const struct th_daemon *d, const char *user,
                             const char *password);
/* A bare TCP socket to the daemon (10 s receive timeout), for tests that
 * speak the bytes themselves. */
int th_raw_connect(const struct th_daemon *d);
/* Waits until the daemon serves its code tables (it has reached
 * PostgreSQL): what a command that needs them at once must wait for. */
void th_wait_ready(const struct th_daemon *d, const char *user,
                   const char *password);
void th_sheet_init(Callsheet__Sheet *s, uint8_t id[CS_UUID_LEN]);
/* Logs one fresh valid sheet; says why on stderr if it is not stored. */
bool th_log_one(struct cs_client *c);
double th_now(void); /* monotonic seconds */
/* A small deterministic generator: the next value below n. */
unsigned th_pick(unsigned *seed, unsigned n);

/* AddressSanitizer keeps freed memory aside (256 MB by default): none in
 * the daemons started from now on, so that their resident memory says
 * what they hold (other tests keep the quarantine, and its checks). */
void th_asan_no_quarantine(void);
/* A process seen through /proc: resident memory and open descriptors. */
long th_rss_kb(pid_t pid);
int th_fd_count(pid_t pid);

/* A private cluster (tests/pg/fixture on a folder of the test's own), for
 * tests that stop PostgreSQL: start returns its conninfo. It commits
 * synchronously (a commit survives a crash of PostgreSQL), as production
 * must: with synchronous_commit off, an acknowledged sheet may be lost. */
char *th_cluster_start(const char *dir);
void th_cluster_halt(const char *dir, bool immediate);
void th_cluster_resume(const char *dir);
void th_cluster_stop(const char *dir);
/* The first line of a file, without its newline; dies if none. */
char *th_read_line(const char *path);
/* Runs a shell command line; dies unless it exits 0. */
void th_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
