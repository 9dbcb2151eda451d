/* callsheetd.h: the daemon's shared types, state enums and prototypes,
 * grouped by the file that owns them. */
#ifndef CALLSHEETD_H
#define CALLSHEETD_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "common.h"
#include "sheet.h"

struct bufferevent;
struct conn;
struct req;
struct db_op;
struct taxonomy;
struct tax_entry;

extern struct event_base *base;

/* log.c */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void log_init(enum log_level level);
void log_set_level(enum log_level level);
int log_level_parse(const char *name, enum log_level *out);
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Messages of one kind that a flood repeats: at most LOG_BURST a second
 * are written, the rest counted (`what` names them in the count's line). */
#define LOG_BURST 10
struct log_limit {
	const char *what;
	time_t second;
	unsigned written, suppressed;
};
void log_limited(struct log_limit *lim, enum log_level level, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
        __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
        __attribute__((format(printf, 1, 2), noreturn));

/* cfg.c */
#define CFG_MAX_LISTEN 16
struct cfg {
	char *listen[CFG_MAX_LISTEN];
	size_t nlisten;
	char *pg;
	char *server_name;
	char *port_file;
	char *listen_unix; /* a unix-domain socket's path; "": none */
	enum log_level log_level;
	unsigned max_frame;
	unsigned max_in_flight;
	unsigned max_connections;
	unsigned max_connections_per_source;
	unsigned max_output;
	unsigned batch_max;
	unsigned pg_pool;
	unsigned scrypt_log_n;
	unsigned fold_interval_ms;
	bool use_rollup;
	unsigned pg_connect_timeout;
	unsigned pg_timeout;
	unsigned login_timeout;
	unsigned idle_timeout;
	unsigned drain_timeout;
	bool allow_plaintext;
	char *tls_cert;
	char *tls_key;
	unsigned frame_timeout;
	unsigned login_attempts;
	unsigned login_attempts_per_address;
	unsigned login_checks_per_account;
	unsigned login_checks_per_address;
	unsigned max_password_checks;
	unsigned max_reads_in_flight;
	unsigned query_timeout;
	unsigned login_delay_max;
	unsigned login_throttle_entries;
	unsigned amend_window_days;
	unsigned session_lifetime;
};
extern struct cfg *cfg;
struct cfg *cfg_default(void);
void cfg_free(struct cfg *c);
int cfg_set(struct cfg *c, const char *name, const char *value, char **err);
int cfg_load_file(struct cfg *c, const char *path, char **err);
void cfg_finish(struct cfg *c);
void cfg_usage_settings(FILE *out);

/* cfg-check.c */
int cfg_check(const struct cfg *c, char **err);

/* listener.c */
int listener_open_all(void);
void listener_close_all(void);
void listener_pause(void);
int listener_check_addr(const char *spec);

/* conn.c: a connection's life, one state machine; the transitions allowed
 * are conn.c's next_states[], the requests allowed in each state
 * each request kind's entry (struct req_entry) */
/* The largest frame before a login: a hello and a login are far smaller */
#define CS_PRELOGIN_FRAME 4096
enum conn_state {
	CONN_SNIFF,          /* TLS daemon: its first byte not seen yet */
	CONN_TLS,            /* in its TLS handshake: nothing can be said */
	CONN_HELLO,          /* waiting for the hello */
	CONN_LOGIN,          /* hello done, waiting for a login */
	CONN_AUTHENTICATING, /* a login is being checked: nothing else runs */
	CONN_READY,          /* logged in */
	CONN_CLOSING,        /* flushing a final error, then closed */
	CONN_DEAD, /* socket gone; freed when no request refers to it */
	CONN_NSTATES,
};
struct session {
	int account_id;
	Callsheet__Role role;
	char user[64];
};
struct conn {
	uint32_t magic; /* conn.c's check that it is still allocated */
	TAILQ_ENTRY(conn) entry;
	struct bufferevent *bev; /* NULL while sniffing */
	int fd;                  /* while sniffing: the socket; else -1 */
	struct event *sniff;     /* while sniffing: its first byte */
	enum conn_state state;
	uint64_t serial;
	char peer[64];
	char addr_key[48]; /* the source, as login throttling counts it */
	struct session session;
	unsigned in_flight; /* requests not yet answered */
	unsigned reads;     /* of which reads (queries, exports ...) */
	size_t held;        /* bytes of those requests, decoded */
	unsigned refs;      /* requests still pointing at this conn */
	time_t connected_at;
	time_t last_active;
	time_t frame_started; /* a partial frame is waiting since; 0: none */
	bool read_paused;
	bool plain;      /* no TLS: conn_write may write to the socket itself */
	bool processing; /* conn_process is on the stack */
	bool watching;   /* in watch.c's list: pushed counters, never idle */
	struct req
	        *live; /* requests not yet answered (dispatch.c): ids in use */
};
TAILQ_HEAD(conn_list, conn);
extern struct conn_list conns;
extern unsigned nconns;
void conn_accept(int fd, const struct sockaddr *sa, int salen);
void conn_refuse(int fd, const struct sockaddr *sa, Callsheet__ErrorCode code,
                 const char *text, unsigned retry_after_s);
void conn_end_sessions(int account_id, const struct conn *except,
                       const char *why);
void conn_set_state(struct conn *c, enum conn_state state);
#ifndef NDEBUG
void conn_check_at(const struct conn *c, const char *where);
#define conn_check(c) conn_check_at((c), __func__)
#else
#define conn_check(c) ((void)0)
#endif
void conn_send(struct conn *c, const Callsheet__ServerMessage *msg);
void conn_finish(struct conn *c);
void conn_fail(struct conn *c, Callsheet__ErrorCode code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void conn_request_done(struct conn *c);
void conn_resume(struct conn *c);
void conn_sweep(time_t now);
/* Draining: no request is read any more; settled() is called whenever an
 * answer is given or written, for the caller to see if any is owed. */
void conn_drain(void (*settled)(void));
void conn_close_all(void);
unsigned conn_unsent(void);

/* dispatch.c */
struct req {
	struct conn *conn;
	uint32_t id;
	Callsheet__Request *msg;
	bool reads;            /* dispatch.c's table says it only reads */
	size_t size;           /* its frame's bytes, held until answered */
	struct req *next_live; /* in conn->live */
	bool is_live;          /* holds its id on the connection */
};
/* A request kind, as tmux's commands: the req-*.c (or watch.c) that
 * serves it defines its entry, req_<handler>_entry, with its handler
 * static beside it; dispatch.c declares the entries and lists them. */
#define ROLE(r) (1u << CALLSHEET__ROLE__##r)
#define ANYONE  (ROLE(JURIST) | ROLE(REPORTER) | ROLE(ADMIN))
/* not a role: the request needs the code tables loaded */
#define NEEDS_TAXONOMY (1u << 31)
/* not a role: the request only reads (db.c never queues a write behind
 * it, and a connection has at most max_reads_in_flight of them) */
#define READS (1u << 30)
/* the connection states (conn.c) in which a request kind is allowed */
#define STATE_BIT(st) (1u << (st))
#define STATE(s)      STATE_BIT(CONN_##s)
#define LOGGED_IN     STATE(READY)
struct req_entry {
	Callsheet__Request__BodyCase body;
	const char *name; /* as "log in before sending a %s request" says it */
	unsigned roles;   /* who, once logged in (0: anybody, before a login);
	                   * may include NEEDS_TAXONOMY, READS */
	unsigned states;  /* STATE()s it is allowed in */
	void (*exec)(struct req *r);
};
struct field_error;
/* nul: wire_text_check()'s refusal, or NULL */
void dispatch(struct conn *c, Callsheet__Request *msg, size_t size,
              const struct field_error *nul);
void req_reply(struct req *r, Callsheet__Response *resp);
void req_error(struct req *r, Callsheet__ErrorCode code, const char *field,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
struct field_error;
#define ERROR_ALLOWED_MAX 64
void error_from_field(Callsheet__Error *err, Callsheet__ErrorCode code,
                      const struct field_error *fe, char **allowed);
void req_fail(struct req *r, Callsheet__ErrorCode code,
              const struct field_error *fe);
void req_error_retry(struct req *r, Callsheet__ErrorCode code,
                     unsigned retry_after_s, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* An error about the request as a whole: field is its body's name. */
void req_refuse(struct req *r, Callsheet__ErrorCode code, const char *reason,
                const char *value, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
/* An error about one field: its reason and the value at fault. */
void req_error_why(struct req *r, Callsheet__ErrorCode code, const char *field,
                   const char *reason, const char *value, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));
/* The same with what is allowed, the bounds [lo, hi] or hi alone (the
 * most) or neither; the message gets "field: " first. Returns -1. */
int req_field_error(struct req *r, Callsheet__ErrorCode code, const char *field,
                    const char *reason, const char *value, const char *lo,
                    const char *hi, const char *fmt, ...)
        __attribute__((format(printf, 8, 9)));
void req_free(struct req *r);
/* req-sheet.c: LogSheets' and CheckSheets' limit (too_many); -1 answered */
int sheets_count_check(struct req *r, size_t n_sheets);

/* req-login.c */
void login_shutdown(void);
unsigned login_pending(void);
/* req-taxonomy.c */
void tax_entry_to_wire(const struct taxonomy *t, const struct tax_entry *e,
                       bool fr, Callsheet__TaxonomyEntry *o);
/* req-session.c: session tokens. A Login with a token: the account it
 * opens, as STMT_ACCOUNT_BY_NAME's row (no password hash), none if the
 * token is not valid. */
struct db_call;
struct db_row;
int session_login_stmt(struct db_call *k, const char *user, const char *token,
                       void (*row)(void *arg, const struct db_row *row));

/* db.c: a pool of nonblocking libpq connections in pipeline mode; the
 * layer's own users (db-req.c) fill a struct db_op */
enum db_status {
	DB_OK,
	DB_ERROR,       /* the statement failed: a bug or bad data */
	DB_UNAVAILABLE, /* connection lost or none up: retry later */
};
struct db_op {
	TAILQ_ENTRY(db_op) entry;
	/* queue the statements (PQsend*); the pool adds the sync */
	int (*send)(PGconn *pg, struct db_op *op);
	/* each statement's result, in order */
	void (*result)(struct db_op *op, const PGresult *res);
	/* once, after the sync (committed) or on failure */
	void (*done)(struct db_op *op, enum db_status st, const char *err);
	void *arg;
	/* set by req_call (db-req.c): whose it is (cancelled when its
	 * connection dies), and whether it reads only (never ahead of
	 * writes) */
	const void *owner;
	bool read;
	bool failed;
	bool transient;   /* the error says: retry later */
	char sqlstate[6]; /* the first error's, "" if none */
	unsigned skip;    /* results of db.c's own statements still to come */
	char *error;
};
void db_init(void);
void db_shutdown(void);
bool db_available(void);
bool db_listening(void);
int db_submit(struct db_op *op);
void db_cancel_owner(const void *owner);
const char *db_sqlstate(const PGresult *res);

/* db-req.c: the one road to the database: a call of statements (each
 * result's columns checked before a row is read), a row callback per
 * statement, one done; and the one map of failures to protocol errors */
struct db_row; /* one row of a result: read with db_text() ... */
struct db_call;
struct db_end {
	enum db_status st;
	const char *error;    /* DB_OK: NULL */
	const char *sqlstate; /* "" if none */
};
typedef void db_row_fn(void *arg, const struct db_row *row);
/* Once. For a request: st != DB_OK answered by req_db_error() unless the
 * handler has a better answer; the handler answers DB_OK. */
typedef void db_done_fn(void *arg, const struct db_end *e);
struct db_call *db_call_new(const char *what, db_done_fn *done, void *arg);
struct db_call *db_call_new_state(const char *what, db_done_fn *done,
                                  size_t size, void **state);
void db_call_stmt(struct db_call *k, const char *stmt, int nparams,
                  const char *const *params, db_row_fn *row);
void db_call_stmt_binary(struct db_call *k, const char *stmt, int nparams,
                         const char *const *params, const int *lengths,
                         db_row_fn *row);
void db_call_sql(struct db_call *k, const char *sql, int ncols, int nparams,
                 const char *const *params, db_row_fn *row);
void db_call_row_arg(struct db_call *k, void *arg);
void db_call_timezone(struct db_call *k);
int db_call_submit(struct db_call *k);
void db_call_run(struct db_call *k);
int req_call(struct req *r, struct db_call *k);
int req_call_quiet(struct req *r, struct db_call *k);
int req_stmt(struct req *r, const char *what, const char *stmt, int nparams,
             const char *const *params, db_row_fn *row, db_done_fn *done,
             void *arg);
void req_db_error(struct req *r, const struct db_end *e, const char *what);
extern const struct db_end db_unreachable; /* no connection up */
/* db-row.c: reading a row (the one place a result's values are read) */
void db_rows_each(const PGresult *res, db_row_fn *fn, void *arg);
const char *db_text(const struct db_row *row, int col);
bool db_null(const struct db_row *row, int col);
int64_t db_int(const struct db_row *row, int col);
uint64_t db_uint(const struct db_row *row, int col);
double db_double(const struct db_row *row, int col);
bool db_bool(const struct db_row *row, int col);
char *db_strdup(const struct db_row *row, int col);
int db_rowno(const struct db_row *row);
int db_nrows(const struct db_row *row);

/* db-stmt.c: the SQL text, prepared once per connection */
struct db_stmt {
	const char *name;
	const char *sql;
	int nparams;
	int ncols; /* its result's columns (db.c checks them at setup) */
};
extern struct db_stmt db_stmts[];
extern const size_t db_nstmts;
/* Their SQL with the coded fields (sheet_fields[]) spelled out, and each
 * one's parameters checked against nparams: once, before any is
 * prepared (db_init). */
void db_stmts_init(void);
#define STMT_INSERT_SHEETS "insert_sheets"
/* its arrays (batch.c): id, call start, duration, jurist, each coded
 * field, topics; then the late window (amend_window_days) */
#define SHEET_BATCH_NARRAYS  (5 + SHEET_NCODES)
#define SHEET_BATCH_NPARAMS  (SHEET_BATCH_NARRAYS + 1)
#define STMT_ACCOUNT_BY_NAME "account_by_name"
#define STMT_TAXONOMY        "taxonomy"
#define STMT_TAX_ADD         "tax_add"
#define STMT_TAX_RENAME      "tax_rename"
#define STMT_TAX_RETIRE      "tax_retire"
#define STMT_TAX_MAP         "tax_map"
#define STMT_TAX_VERSION     "tax_version"
#define STMT_USER_ADD        "user_add"
#define STMT_USER_PASSWD     "user_passwd"
#define STMT_USER_DISABLE    "user_disable"
#define STMT_USER_LIST       "user_list"
#define STMT_MIN_CELL        "min_cell"
#define STMT_MIN_CELLS       "min_cells"
#define STMT_SET_MIN_CELL    "set_min_cell"
#define STMT_SHEET_LOAD      "sheet_load"
#define STMT_SHEET_AMEND     "sheet_amend"
/* $1 to $9 of every change (CHANGE_AUDIT_SQL), the amended sheet (call
 * start, duration, each coded field, topics), the diff (fields, old, new) */
#define SHEET_AMEND_NPARAMS  (9 + 2 + SHEET_NCODES + 1 + 3)
#define STMT_SHEET_VOID      "sheet_void"
#define STMT_AUDIT_LIST      "audit_list"
#define STMT_CLOSE_PERIOD    "close_period"
#define STMT_RESTATE_PERIODS "restate_periods"
#define STMT_SET_POPULATION  "set_population"
#define STMT_SET_BUDGET      "set_budget"
#define STMT_YEAR_POPULATION "year_population"
#define STMT_YEAR_BUDGET     "year_budget"
#define STMT_RESTATE_CHANGES "restate_changes"
#define STMT_SET_TIMEZONE    "set_timezone"
#define STMT_SESSION_LOGIN   "session_login"
#define STMT_SESSION_START   "session_start"
#define STMT_SESSION_END     "session_end"
#define STMT_ROLLUP_FOLD     "rollup_fold"
#define STMT_WATCH_CLOCK     "watch_clock"
#define STMT_WATCH_COUNTS    "watch_counts"
#define STMT_SHEETS_BY_ID    "sheets_by_id"
#define STMT_EXPORT_PAGE     "export_page"
#define STMT_LIST_DAYS       "list_days"
#define STMT_LIST_PREFIX     "list_prefix"

/* batch.c: group commit of sheets (struct sheet_row: sheet.h) */
/* anonymize.c: what a stored sheet keeps (pure) */
#define STORED_START_S    900 /* the call's start, to the quarter-hour */
#define STORED_DURATION_S 300 /* its duration, to 5 minutes */
int64_t coarse_call_start(int64_t t);
uint32_t coarse_duration(uint32_t d);
void sheet_coarsen(struct sheet_row *row);
/* What became of a sheet given to the batcher: told once, by this. */
enum sheet_outcome { SHEET_STORED, SHEET_DUPLICATE, SHEET_REFUSED };
struct field_error;
/* A refusal's fe has no field when it is not about the sheet's content
 * (the database unreachable, say): then its message alone says why. */
typedef void batch_settled_fn(void *arg, size_t index, const uint8_t *id,
                              enum sheet_outcome outcome,
                              Callsheet__ErrorCode code,
                              const struct field_error *fe);
enum batch_lane {
	LANE_INTERACTIVE, /* a jurist waits for it: taken first */
	LANE_BULK,        /* an import's */
};
void batch_add(const struct sheet_row *row, enum batch_lane lane,
               batch_settled_fn *settled, void *arg, size_t index);
unsigned batch_pending(void);

/* taxonomy.c: the cached code tables */
struct tax_entry {
	int16_t id;
	enum dim dim;
	char *code;
	char *label_en;
	char *label_fr;
	int topic_bit; /* -1 unless a topic */
	bool retired;
	int16_t successor_id;
	int64_t retired_at; /* Unix seconds; 0 unless retired */
};
struct taxonomy {
	uint64_t version;
	char *timezone; /* the service's, from the setting table */
	struct tax_entry *entries;
	size_t n;
	/* tax_index(): entries by (dimension, code) and by id, as an index
	 * + 1 (0: none); shared by copies that keep the entries' order. A
	 * taxonomy without (the unit tests' literals) is searched in order */
	uint32_t *by_code;
	size_t code_mask;
	uint32_t *by_id;
	size_t nids;
};
extern struct taxonomy *taxonomy;
const char *dim_name(enum dim d);
int dim_parse(const char *name, enum dim *out);
const char *dim_names(void);
const char *const *dim_name_list(void);
const struct tax_entry *tax_find(const struct taxonomy *t, enum dim d,
                                 const char *code);
const struct tax_entry *tax_by_id(const struct taxonomy *t, int16_t id);
char *tax_allowed(const struct taxonomy *t, enum dim d);
void tax_index(struct taxonomy *t);
int tax_add_row(struct taxonomy *t, const struct db_row *r, char **err);
void tax_free(struct taxonomy *t);
void tax_refresh(void);
/* taxonomy-load.c: load now, install if not older, then call done */
void tax_reload(void (*done)(void *arg), void *arg);

/* taxonomy-map.c: retired codes and their successors */
const struct tax_entry *tax_current(const struct taxonomy *t,
                                    const struct tax_entry *e);
size_t tax_lineage(const struct taxonomy *t, const struct tax_entry *e,
                   const struct tax_entry **out, size_t max);
int64_t tax_lineage_mask(const struct taxonomy *t, const struct tax_entry *e);
struct qfilter;
int qfilter_too_many(const struct qfilter *f, const char *name, size_t more,
                     struct field_error *fe);
int qfilter_add_lineage(struct qfilter *f, const struct taxonomy *t,
                        const struct tax_entry *e, const char *name,
                        struct field_error *fe);

/* validate.c: a wire sheet checked against the taxonomy */
struct field_error {
	const char *field;
	char message[512];
	/* the same for clients that say it in their user's language (see
	 * Error.reason); set by validate.c and taxonomy-edit.c */
	const char *reason;
	char value[128];
	int allowed_dim;    /* an enum dim whose codes are allowed, or -1 */
	char successor[40]; /* a code (at most 32 bytes); "": none. A copy:
	                     * answers may be built after a taxonomy reload */
	char range[2][40];  /* what is allowed, not codes: the lowest and the
	                     * highest value, or one limit ("": none) */
	const char *const *list; /* a fixed list of names allowed, NULL-ended,
	                          * one Error.allowed entry each; or NULL */
};
/* reason (ErrorReason's name in lower case) and value, for a client to
 * translate; returns -1 for the caller to return */
int field_error_why(struct field_error *fe, const char *reason,
                    const char *value);
/* ... with what is allowed that is not codes: [lo, hi], or hi alone */
int field_error_range(struct field_error *fe, const char *reason,
                      const char *value, const char *lo, const char *hi);
/* ... with a fixed list of names (NULL-ended, static) as what is allowed */
int field_error_list(struct field_error *fe, const char *reason,
                     const char *value, const char *const *list);
/* ... a UUID field of len bytes (bad_length, allowed: "16 bytes") */
int field_error_uuid(struct field_error *fe, const char *field, size_t len);
int field_error_set(struct field_error *fe, const char *field, const char *fmt,
                    ...) __attribute__((format(printf, 3, 4)));
int field_error_vset(struct field_error *fe, const char *field, const char *fmt,
                     va_list ap) __attribute__((format(printf, 3, 0)));

/* sheet-problems.c: the per-sheet refusals of a several-sheet request */
struct sheet_problem {
	size_t index; /* in the request's sheets */
	Callsheet__ErrorCode code;
	struct field_error fe;
};
struct sheet_problems {
	struct sheet_problem *v;
	size_t n, cap;
};
struct field_error *sheet_problems_add(struct sheet_problems *sp, size_t index,
                                       Callsheet__ErrorCode code);
void sheet_problems_conflict(struct sheet_problems *sp, size_t index,
                             const uint8_t *id);
void sheet_conflict_error(struct field_error *fe, const uint8_t *id);
void sheet_problems_free(struct sheet_problems *sp);
/* Sends resp, its problem list (*list, *n_list) made of sp meanwhile. */
void sheet_problems_reply(struct req *r, Callsheet__Response *resp,
                          const struct sheet_problems *sp,
                          Callsheet__SheetProblem ***list, size_t *n_list);
int call_start_check(int64_t call_start, time_t now, struct field_error *fe);
/* A jurist's new sheet in the closed period [from, to) (YYYY-MM-DD), older
 * than the late window of days: refused (schema/0027) */
void sheet_closed_error(struct field_error *fe, int64_t call_start,
                        const char *from, const char *to, time_t now,
                        unsigned days);
int validate_sheet(const Callsheet__Sheet *s, const struct taxonomy *t,
                   time_t now, struct sheet_row *row, struct field_error *fe);
/* presence.c: the fields marked "always" in the proto, present in m (and,
 * deep, in the messages it holds but sheets): 0, or -1 with fe */
int presence_check(const ProtobufCMessage *m, bool deep,
                   struct field_error *fe);
/* wire-text.c: a request's wire bytes: 0, or -1 with fe for the first
 * text field (at any depth) holding a NUL byte */
int wire_text_check(const uint8_t *buf, size_t len, struct field_error *fe);
/* sheet-row.c: a stored sheet read back (export, check, change): the
 * columns of db-stmt.c's SHEET_COLUMNS (id, call start, duration, each
 * coded field, topics), those after the id from sheet_row_columns() */
#define SHEET_NCOLUMNS (4 + SHEET_NCODES)
int sheet_row_columns(const struct db_row *r, int first, struct sheet_row *row);
int sheet_row_from_db(const struct db_row *r, int first, struct sheet_row *row);
bool sheet_row_same(const struct sheet_row *a, const struct sheet_row *b);
/* req-sheet.c: a wire sheet validated, as the session's account logs it */
int sheet_row_session(struct req *r, const Callsheet__Sheet *s, time_t now,
                      struct sheet_row *row, struct field_error *fe);
/* req-export.c: a stored sheet with a code the taxonomy lacks, said in
 * the log and answered INTERNAL (export, list) */
void sheet_row_unnamed(struct req *r, const char *what,
                       const struct sheet_row *row);
int sheet_row_to_wire(const struct sheet_row *row, const struct taxonomy *t,
                      struct wire_sheet *w);

/* change.c: a change to a stored sheet: rules, amended sheet, diff */
#define CHANGE_NFIELDS (SHEET_NCODES + 3) /* call_start ... topics */
struct change_facts {
	Callsheet__Role role;
	int actor_id;
	int owner_id;   /* the jurist who logged the sheet */
	bool in_window; /* logged within amend_window_days */
	unsigned window_days;
	const char *closed; /* the closed period of the call, or NULL */
	bool has_reason;
};
struct change_diff {
	size_t n;
	const char *field[CHANGE_NFIELDS];
	char *old[CHANGE_NFIELDS]; /* NULL: does not apply */
	char *new[CHANGE_NFIELDS];
};
Callsheet__ErrorCode change_check(const struct change_facts *f,
                                  struct field_error *fe);
int reason_check(const char *reason, bool required, struct field_error *fe);
void change_keep_codes(const struct taxonomy *t, const struct sheet_row *row,
                       struct taxonomy *kept);
int change_amend(const Callsheet__Sheet *cur, const Callsheet__AmendSheet *a,
                 Callsheet__Sheet *out, struct field_error *fe);
void change_diff(const struct sheet_row *old, const struct sheet_row *new,
                 const struct taxonomy *t, struct change_diff *d);
void change_diff_free(struct change_diff *d);
void sql_text_array(struct strbuf *sb, char *const *v, size_t n);
int date_parse_ymd(const char *s, int *y, int *m, int *d);
/* the days date_parse_ymd() takes */
#define DATE_EARLIEST "2000-01-01"
#define DATE_LATEST   "9998-12-31"
int date_field_error(struct field_error *fe, const char *field,
                     const char *value);

/* sheet-change.c: read, check, write with the audit row, answer */
struct closed_ref {
	int id;
	char from[11], to[11];
};
struct change_read {
	char xmin[24];
	struct sheet_row row; /* as stored; jurist_id is the owner */
	bool in_window;
	char closed_max[24]; /* the newest closed period when read */
	struct closed_ref closed[2];
	size_t nclosed;
	bool voided;
	int64_t voided_at;
	char *voided_by;
	char *void_reason;
	/* the change id: 0 new, 1 this very change (this sheet, account,
	 * action and request), -1 another change's */
	int seen;
	int64_t seen_at;
	char *seen_by;
	char *seen_reason;
};
/* digest.c: n bytes in hex (2 n digits and a NUL); their SHA-256 in hex
 * (64 digits and a NUL): 0, or -1 */
#define SHA256_HEX_LEN 64
void hex_encode(const unsigned char *b, size_t n, char *out);
int sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);
#define CHANGE_MAX_PARAMS SHEET_AMEND_NPARAMS
struct change;
struct change_kind {
	const char *action; /* "amend" or "void", as in the audit */
	/* After the read: check, then fill the write (0), or answer (-1). */
	int (*prepare)(struct change *ch);
};
struct change {
	struct req *req;
	const struct change_kind *kind;
	char what[16]; /* "the amend": for the database's errors */
	bool writing;
	int tries;
	char id[CS_UUID_STRLEN];
	char change_id[CS_UUID_STRLEN];  /* "" when the client gave none */
	char digest[SHA256_HEX_LEN + 1]; /* the request's: what the change is */
	char call_start_new[24];         /* "" unless the call moves */
	const char *reason;              /* NULL or non-empty */
	bool found;
	struct change_read rd;
	const char *stmt;
	const char *params[CHANGE_MAX_PARAMS];
	char *owned[CHANGE_MAX_PARAMS];
	int nparams;
	bool written;
	int64_t at;
	struct change_diff diff;
};
void change_start(struct req *r, const struct change_kind *kind,
                  const ProtobufCMessage *body, const ProtobufCBinaryData *id,
                  const ProtobufCBinaryData *change_id,
                  const int64_t *call_start_new, const char *reason);
void change_facts(const struct change *ch, struct change_facts *f, char *label,
                  size_t len);
int change_param(struct change *ch, char *owned);
void change_write_common(struct change *ch, const char *stmt);
void change_reply(struct change *ch, bool duplicate, int64_t at, const char *by,
                  const char *reason);
void change_refuse(struct change *ch, Callsheet__ErrorCode code,
                   const struct field_error *fe);

/* query.c: an aggregate request checked and resolved into a plan */
enum qkind {
	Q_COLUMN, /* a taxonomy id column of the sheet */
	Q_TOPIC,  /* a bit of the topics mask, one row per topic */
	Q_JURIST, /* the account that logged the sheet */
	Q_TIME,   /* a calendar part of the call time, in the service zone */
};
enum qdim_id {
	/* 0 .. SHEET_NCODES - 1: the coded fields, at their enum dim */
	QD_TOPIC = SHEET_NCODES,
	QD_JURIST,
	QD_MONTH,
	QD_WEEKDAY,
	QD_HOUR,
	QD_N,
};
/* rollup.dim values (schema/0004_rollup.sql), and the rollup's columns */
#define RD_TOTAL        0
#define RD_JURIST       7
#define RD_WEEKDAY_HOUR 8
#define RD_DURATION     9
#define RD_DEPARTMENT   100
#define RD_CALL_TYPE    101
#define RD_MONTH        102
/* kept for all départements together (rollup.department = -1) */
#define RD_GLOBAL_ONLY(d)                                                      \
	((d) == RD_JURIST || (d) == RD_WEEKDAY_HOUR || (d) == RD_DURATION)
struct qdim {
	const char *name;
	enum qkind kind;
	enum dim tdim;
	const char *sheet_expr;
	int rollup_dim;
	const char *rollup_expr;
	const char *pattern; /* Q_TIME: what a value looks like */
};
const struct qdim *qdim(int qd);
#define QUERY_MAX_VALUES 32
#define QUERY_MAX_PARAMS 64
struct qfilter {
	int nvalues;
	char *values[QUERY_MAX_VALUES]; /* ids, names, canonical times */
	int64_t topic_mask;
};
struct qplan {
	const char *from, *to, *tz;
	const char *rollup; /* the rollup table to read; NULL: rollup */
	struct qfilter filter[QD_N];
	int group[2];
	size_t ngroup;
	bool durations; /* Query.duration_stats: a histogram too */
	bool released;  /* only months that are over (reporter.c) */
};
int qplan_build(const Callsheet__Query *q, const struct taxonomy *t,
                struct qplan *p, struct field_error *fe);
bool qplan_mentions(const struct qplan *p, int qd);
bool qplan_mentions_group(const struct qplan *p, int qd);
void qplan_free(struct qplan *p);
/* The plan of one cell of p's answer, for its description (cellkey.c):
 * each grouped dimension whose keys[i] is given (a row's key, as the
 * answer spells it; NULL: the whole line) filtered on that key alone,
 * canonical as a filter naming it would be ("" stays ""); no group-by.
 * keys: NULL for the total. Free with qplan_free(). */
void qplan_cell(const struct qplan *p, const struct taxonomy *t,
                const char *const *keys, struct qplan *cell);
void query_duration_stats(const uint32_t *seconds, const uint64_t *counts,
                          size_t n, Callsheet__DurationStats *out);

/* query-sql.c: a plan turned into parameterized SQL (rollup or sheets) */
enum key_kind { KEY_TAXONOMY, KEY_TEXT };
/* the columns of query_sql's statements: the keys, a count and its cell
 * key; a count and its key; a duration, its count and key */
#define QS_ROWS_COLS(qs) ((int)(qs)->ngroup + 2)
#define QS_TOTAL_COLS    2
#define QS_DURATION_COLS 3
struct query_sql {
	char *rows_sql;
	char *total_sql;
	char *duration_sql; /* Query.duration_stats: a histogram, or NULL */
	const char *params[QUERY_MAX_PARAMS];
	char *owned[QUERY_MAX_PARAMS];
	int nparams;
	size_t ngroup;
	enum key_kind key_kind[2];
	const char *group_name[2];
	bool from_rollup;
};
/* the rollup holds what p asks (*extra: its one dimension besides
 * département, call type and month, or -1) */
bool query_sql_rollup_keeps(const struct qplan *p, int *extra);
void query_sql_build(const struct qplan *p, bool use_rollup,
                     struct query_sql *qs);
void query_sql_free(struct query_sql *qs);

/* query-merge.c: rows made equal by reporting under successors */
size_t query_merge_rows(Callsheet__Row **rows, uint64_t *keys, size_t n,
                        void (*free_row)(Callsheet__Row *));

/* taxonomy-edit.c: an administrator's change checked against the taxonomy;
 * 0 or the error code with fe filled */
#define TAX_LABEL_MAX  200
#define TAX_TOPIC_BITS 63 /* topic_bit 0 to 62: the sheet's bigint mask */
Callsheet__ErrorCode tax_check_add(const struct taxonomy *t,
                                   const Callsheet__TaxonomyAdd *m,
                                   struct field_error *fe);
Callsheet__ErrorCode tax_check_rename(const struct taxonomy *t,
                                      const Callsheet__TaxonomyRename *m,
                                      struct field_error *fe);
Callsheet__ErrorCode tax_check_retire(const struct taxonomy *t,
                                      const char *dimension, const char *code,
                                      const char *successor, bool map,
                                      struct field_error *fe);

/* suppress.c: disclosure control on query results (pure) */
/* Where a role has no row in disclosure_min_cell: fail safe. */
#define MIN_CELL_DEFAULT_REPORTER 3
unsigned suppress_line(const uint64_t *n, bool *hide, size_t len, uint64_t k);
unsigned suppress_grid(const uint64_t *n, bool *hide, size_t rows, size_t cols,
                       uint64_t k);
unsigned suppress_result(Callsheet__QueryResult *r, uint32_t k);
void suppress_result_free(Callsheet__QueryResult *r);
int row_order(const void *a, const void *b); /* by keys, on Row pointers */
/* a two-dimension result's cells and margins, and their cell keys */
struct xgrid {
	size_t nr, nc, w; /* rows, columns (without margins); w = nc + 1 */
	char **rk, **ck;  /* the distinct keys, sorted (the rows' strings) */
	uint64_t *n;      /* (nr + 1) * w counts, the margins last */
	uint64_t *key;    /* the same for the sums of cell keys, or NULL */
	size_t *cell;     /* each row's index in the grid */
};
void xgrid_build(const Callsheet__QueryResult *r, const uint64_t *row_keys,
                 struct xgrid *g);
void xgrid_margins(Callsheet__QueryResult *r, const struct xgrid *g,
                   const bool *hide, const bool *omit);
void xgrid_free(struct xgrid *g);

/* reporter.c: the query shapes a reporter may send (pure); 0 or -1 with
 * fe filled */
int reporter_query_check(const Callsheet__Query *q, struct field_error *fe);
int reporter_restate_check(const Callsheet__Query *q, struct field_error *fe);

/* ptable.c: the cell-key method's perturbation table (pure) */
#define PTABLE_MAX_NOISE      20
#define PTABLE_MAX_NOISE_TEXT "20" /* the same, as text */
struct ptable {
	uint32_t min_cell, max_noise;
	double variance;
	size_t rows; /* counts 0 .. rows - 1; larger ones use the last */
	double *cdf; /* rows x (2 max_noise + 1), noise -D .. D */
};
int ptable_build(struct ptable *pt, uint32_t min_cell, uint32_t max_noise,
                 double variance);
void ptable_free(struct ptable *pt);
double ptable_prob(const struct ptable *pt, uint64_t i, int v);
uint64_t ptable_apply(const struct ptable *pt, uint64_t i, uint32_t key);

/* perturb.c: a role's disclosure policy applied to a result (pure) */
enum disclosure_method { DISCLOSE_SUPPRESS, DISCLOSE_PERTURB };
struct disclosure {
	enum disclosure_method method;
	uint32_t min_cell, max_noise;
	double variance;
	char salt[72]; /* the cell-key salt (schema/0019); "" if none */
};
/* cellkey.c */
uint32_t cell_desc_key(const char *salt, const char *desc);
char *cell_desc(const struct qplan *cell);
/* The keys of a result's cells under the cell-key method: the sums of
 * record keys the database read beside each count (rows[i], total), and
 * the parts the cells' descriptions add (cellkey.c): desc[i][0], rows[i]'s
 * own; with two dimensions, desc[i][1] and [2], those of the line and
 * the column it lies on (their margins'); total_desc, the total's. */
struct cell_keys {
	const uint64_t *rows;
	const uint32_t (*desc)[3];
	uint64_t total;
	uint32_t total_desc;
};
#define NOISE_DEFAULT_MAX      4
#define NOISE_DEFAULT_VARIANCE 4.0
#define CELL_KEY_MOD           4294967296ULL /* keys are sums mod 2^32 */
void disclosure_default(struct disclosure *d, Callsheet__Role role);
void disclosure_from_row(struct disclosure *d, const struct db_row *row);
size_t perturb_result(Callsheet__QueryResult *r, const struct cell_keys *k,
                      const struct disclosure *d);
void perturb_durations(const uint32_t *seconds, const uint64_t *counts,
                       const uint64_t *keys, size_t n,
                       const struct disclosure *d,
                       Callsheet__DurationStats *out);
/* restate.c: published and restated figures of closed periods */
struct restate_count {
	char *keys[2]; /* as in Row: codes, "" for none */
	uint64_t n;
	bool hidden; /* by disclosure control */
};
bool restate_sql(struct qplan *p, const char *from, const char *to,
                 struct query_sql *current, struct query_sql *published);
bool restate_suppress(struct restate_count *c, size_t n, uint64_t total,
                      size_t ngroup, uint32_t k);
size_t restate_diff(const struct restate_count *published, size_t npub,
                    const struct restate_count *current, size_t ncur,
                    size_t nkeys, Callsheet__RestatedRow ***out,
                    bool *withheld);

/* watch.c: live counters pushed to the connections that watch */
/* payload: the notification's (a transaction id), NULL: recount anyway */
void watch_notify(const char *payload);
void watch_forget(struct conn *c);
void watch_shutdown(void);

/* auth.c: password hashing (memory-hard, off the loop) */
char *auth_hash_password(const char *password, unsigned log_n);
bool auth_verify_password(const char *password, const char *encoded);
void auth_dummy_verify(const char *password);

/* tls.c: the server's TLS context, reloaded on SIGHUP, and the TLS side
 * of accepted sockets */
int tls_init(void);
int tls_reload(void);
void tls_shutdown(void);
bool tls_enabled(void);
bool tls_first_byte(unsigned char first);
struct bufferevent *tls_bev_new(int fd);
const char *tls_bev_error(struct bufferevent *bev, char *buf, size_t len);
void tls_bev_goodbye(struct bufferevent *bev);
void tls_bev_describe(struct bufferevent *bev, char *buf, size_t len);

/* throttle.c: login attempts counted per key with growing delays (pure:
 * the time, in milliseconds of a monotonic clock, is an argument) */
enum throttle_outcome { THROTTLE_OK, THROTTLE_FAIL, THROTTLE_ABORT };
struct throttle;
struct throttle_limits {
	unsigned free;      /* failures in a row before delays start */
	unsigned at_once;   /* attempts checked at the same time at most */
	unsigned delay_max; /* longest delay, seconds; also the memory */
};
struct throttle *throttle_new(size_t capacity);
void throttle_free(struct throttle *t);
unsigned throttle_wait(struct throttle *t, const char *key,
                       const struct throttle_limits *l, int64_t now_ms);
void throttle_begin(struct throttle *t, const char *key,
                    const struct throttle_limits *l, int64_t now_ms);
void throttle_known(struct throttle *t, const char *key);
size_t throttle_size(const struct throttle *t);
unsigned throttle_end(struct throttle *t, const char *key,
                      enum throttle_outcome outcome,
                      const struct throttle_limits *l, int64_t now_ms);
unsigned throttle_failures(struct throttle *t, const char *key);
unsigned throttle_checking(struct throttle *t, const char *key);
void throttle_addr_key(const struct sockaddr *sa, char *out, size_t len);

/* source.c: connections per source address (max_connections_per_source) */
bool source_admit(const char *key);
void source_leave(const char *key);
unsigned source_connections(const char *key);

/* account.c: what account administration checks before the database */
#define ACCOUNT_PASSWORD_MIN 8
#define ACCOUNT_PASSWORD_MAX 1024
bool account_name_valid(const char *name);
int account_check_password(const char *field, const char *password,
                           struct field_error *fe);
int account_check_name(const char *name, struct field_error *fe);

/* worker.c: a thread pool for blocking work, results back on the loop */
void worker_init(unsigned nthreads);
void worker_shutdown(void);
void worker_run(void (*work)(void *), void (*done)(void *), void *arg);
void worker_run_for(const char *lane, const void *owner, void (*work)(void *),
                    void (*done)(void *), void *arg);
void worker_cancel(const void *owner);
unsigned worker_queued(void);

/* migrate.c: schema migrations, synchronous, before the loop starts */
int migrate_apply(const char *conninfo);

/* bootstrap.c: first accounts, synchronous, before the loop starts */
int bootstrap_user(const char *conninfo, const char *name, const char *role,
                   const char *password);

/* fold.c: the once-a-second rollup fold */
void fold_init(void);
void fold_shutdown(void);

/* janitor.c: the one periodic pass over every deadline */
void janitor_init(void);
void janitor_shutdown(void);

/* main.c */
extern volatile bool draining;

#endif
