/* libcallsheet.h: the client library: connect, hello, login, requests
 * (pipelined or one at a time), the durable spool of unsent sheets, and
 * the language of its messages. Its one public header: the other headers
 * of client/lib/ are internal to it. */
#ifndef LIBCALLSHEET_H
#define LIBCALLSHEET_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

/*
 * Every failure is described by a cs_error: the server's stable code when
 * the server answered, CALLSHEET__ERROR_CODE__UNAVAILABLE for transport
 * failures (connect refused, timeout, connection lost: retry later), and a
 * sentence a person understands.
 */
struct cs_error {
	Callsheet__ErrorCode code;
	char field[64];
	char message[512];
	unsigned retry_after_s;
	/* from the server's Error, to say it in the user's language */
	char reason[32];
	char value[128];
	char allowed[512]; /* the codes allowed, separated by ", " */
};

/*
 * When the connection uses TLS. AUTO: TLS whenever a CA file is given or
 * the server is not this machine (not "localhost", 127.0.0.0/8 or ::1);
 * plaintext to loopback otherwise. ON: always (the system's trust store
 * without a CA file). OFF: never (a daemon with allow_plaintext).
 */
enum cs_tls_mode { CS_TLS_AUTO, CS_TLS_ON, CS_TLS_OFF };

struct cs_options {
	const char *server; /* "host:port", "[v6addr]:port" */
	const char *user;   /* NULL: connect and hello only */
	const char *password;
	const char *token;    /* a session token (session.c) instead */
	const char *ca_file;  /* TLS trust anchors; NULL: the system's */
	enum cs_tls_mode tls; /* see above */
	int timeout_ms;       /* connect, hello, login and each reply */
};

struct cs_client;

#define CS_DEFAULT_PORT       "7420"
#define CS_RESPONSE_MAX       (16u * 1024 * 1024) /* largest frame we accept */
#define CS_IN_FLIGHT_MAX      32 /* pipelining window when the server says none */
#define CS_TIMEOUT_DEFAULT_MS 10000

/* client.c */
/* Split "host", "host:port" or "[v6addr]:port"; *host and *port are freed
 * by the caller. */
int cs_server_split(const char *server, char **host, char **port,
                    struct cs_error *err);
int cs_connect(const struct cs_options *opts, struct cs_client **out,
               struct cs_error *err);
void cs_close(struct cs_client *c);
Callsheet__Role cs_role(const struct cs_client *c);
/* "plaintext", or the TLS version and cipher in use (for tests only:
 * test_tls checks the version; the command does not say it) */
const char *cs_transport(const struct cs_client *c);
uint64_t cs_taxonomy_version(const struct cs_client *c);
/* How many requests may be outstanding at once (the server's word, capped
 * at CS_IN_FLIGHT_MAX). */
uint32_t cs_max_in_flight(const struct cs_client *c);
/* The largest request frame the server takes (its hello's max_frame). */
uint32_t cs_max_frame(const struct cs_client *c);
/*
 * Pipelining: send assigns req->id; responses may come in any order. recv
 * returns the next response whatever its body, Error included; timeout_ms
 * < 0 means the connection's timeout. Every function returns 0 or -1 with
 * err set; after a transport failure the connection only fails.
 */
int cs_send(struct cs_client *c, Callsheet__Request *req, struct cs_error *err);
int cs_recv(struct cs_client *c, Callsheet__Response **resp, int timeout_ms,
            struct cs_error *err);
/* One request, waiting for its own response; *resp is freed by the caller
 * with callsheet__response__free_unpacked(resp, NULL). An Error response
 * is returned as -1 with err filled from it and *resp NULL. */
int cs_call(struct cs_client *c, Callsheet__Request *req,
            Callsheet__Response **resp, struct cs_error *err);
/* cs_call() for an answer of one kind; any other is an INTERNAL error. */
int cs_call_expect(struct cs_client *c, Callsheet__Request *req,
                   Callsheet__Response__BodyCase want,
                   Callsheet__Response **resp, struct cs_error *err);
/* changes.c: the one body a request expects, detached from its response
 * (freed with protobuf_c_message_free_unpacked), or NULL with err set. */
ProtobufCMessage *cs_call_body(struct cs_client *c, Callsheet__Request *req,
                               Callsheet__Response__BodyCase want,
                               struct cs_error *err);
int cs_log_sheet(struct cs_client *c, const Callsheet__Sheet *sheet,
                 bool *duplicate, struct cs_error *err);
/* Several sheets in one request (LogSheets): *out says which were
 * duplicates and which refused (every other one is stored); freed with
 * callsheet__sheets_logged__free_unpacked(out, NULL). For tests only:
 * import sends its LogSheets through a window (cs_window_send). */
int cs_log_sheets(struct cs_client *c, Callsheet__Sheet *const *sheets,
                  size_t n, Callsheet__SheetsLogged **out,
                  struct cs_error *err);
/* *result is freed with callsheet__query_result__free_unpacked(r, NULL). */
int cs_query(struct cs_client *c, const Callsheet__Query *q,
             Callsheet__QueryResult **result, struct cs_error *err);

/*
 * pipeline.c: the one pipelining window. cs_window_send sends a request
 * (assigning its id) once fewer than cs_max_in_flight are unanswered,
 * taking answers meanwhile; each answer, Error included, goes to answer()
 * with the tag its request was sent with, and is freed after unless
 * answer() takes it (sets *resp to NULL). An answer() returning -1 (err
 * set) stops the window: send and drain return -1. Answers to ids sent
 * before the window opened (left unread by an earlier caller) are
 * dropped; any other unknown id is the server's error. cs_window_close
 * hands the tags still unanswered to forget (if not NULL).
 */
struct cs_window;
typedef int cs_window_answer_fn(void *arg, void *tag,
                                Callsheet__Response **resp,
                                struct cs_error *err);
struct cs_window *cs_window_open(struct cs_client *c,
                                 cs_window_answer_fn *answer, void *arg);
int cs_window_send(struct cs_window *w, Callsheet__Request *req, void *tag,
                   struct cs_error *err);
int cs_window_drain(struct cs_window *w, struct cs_error *err);
void cs_window_close(struct cs_window *w, void (*forget)(void *arg, void *tag));
/* Every request through a window, each response, Error included, put in
 * resps[] at its request's index; freed by the caller. On a failure, -1
 * with err set and nothing kept. */
int cs_call_many(struct cs_client *c, Callsheet__Request *const *reqs, size_t n,
                 Callsheet__Response **resps, struct cs_error *err);

/*
 * Pushed events (Event.counters after cs_watch), in arrival order; the
 * responses read meanwhile wait for cs_recv/cs_call. Returns 1 with *ev
 * (freed with callsheet__event__free_unpacked(ev, NULL)), 0 if none came
 * within timeout_ms (< 0: the connection's timeout), -1 with err set.
 */
int cs_next_event(struct cs_client *c, Callsheet__Event **ev, int timeout_ms,
                  struct cs_error *err);
/* Start (or stop) watching; *counters, the current ones, is freed with
 * callsheet__counters__free_unpacked(counters, NULL). */
int cs_watch(struct cs_client *c, bool stop, Callsheet__Counters **counters,
             struct cs_error *err);
/* One page of sheets; freed with
 * callsheet__export_page__free_unpacked(page, NULL). */
int cs_export_page(struct cs_client *c, const Callsheet__Export *x,
                   Callsheet__ExportPage **page, struct cs_error *err);
void cs_error_set(struct cs_error *err, Callsheet__ErrorCode code,
                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cs_error_from_response(struct cs_error *err, const Callsheet__Error *e);

/* taxonomy.c: the codes and labels, fetched from the server (with both
 * labels); freed with callsheet__taxonomy__free_unpacked(t, NULL). */
int cs_get_taxonomy(struct cs_client *c, Callsheet__Taxonomy **out,
                    struct cs_error *err);
/* An administrator's change (req's body one of taxonomy_add, _rename,
 * _retire, _map); *out freed with
 * callsheet__taxonomy_changed__free_unpacked(out, NULL). */
int cs_taxonomy_change(struct cs_client *c, Callsheet__Request *req,
                       Callsheet__TaxonomyChanged **out, struct cs_error *err);
const Callsheet__TaxonomyEntry *cs_tax_find(const Callsheet__Taxonomy *t,
                                            const char *dimension,
                                            const char *code);
const char *cs_tax_label(const Callsheet__TaxonomyEntry *e, bool french);

/* admin.c: account administration (admin role only). Each returns 0 or -1
 * with err set; *acct is freed with callsheet__account__free_unpacked(),
 * *list with callsheet__accounts__free_unpacked(). */
int cs_user_add(struct cs_client *c, const char *name, Callsheet__Role role,
                const char *password, Callsheet__Account **acct,
                struct cs_error *err);
/* One's own password (any role); every session token of the account is
 * revoked. */
int cs_password_change(struct cs_client *c, const char *old_password,
                       const char *new_password, Callsheet__Account **acct,
                       struct cs_error *err);
int cs_user_passwd(struct cs_client *c, const char *name, const char *password,
                   Callsheet__Account **acct, struct cs_error *err);
int cs_user_disable(struct cs_client *c, const char *name, bool enable,
                    Callsheet__Account **acct, struct cs_error *err);
int cs_user_list(struct cs_client *c, Callsheet__Accounts **list,
                 struct cs_error *err);

/*
 * changes.c: amend and void (a resend with the same change_id is answered
 * as a duplicate), the audit trail, closing a period, and the restatements
 * of the closed periods a query overlaps. Each result is freed with
 * protobuf_c_message_free_unpacked(&(*out)->base, NULL).
 */
int cs_amend_sheet(struct cs_client *c, const Callsheet__AmendSheet *a,
                   Callsheet__SheetChanged **out, struct cs_error *err);
int cs_void_sheet(struct cs_client *c, const Callsheet__VoidSheet *v,
                  Callsheet__SheetChanged **out, struct cs_error *err);
/* One account's sheets, by days or an id prefix (ListSheets); *out freed
 * with protobuf_c_message_free_unpacked. */
int cs_list_sheets(struct cs_client *c, const Callsheet__ListSheets *l,
                   Callsheet__SheetList **out, struct cs_error *err);
int cs_get_audit(struct cs_client *c, const Callsheet__GetAudit *g,
                 Callsheet__AuditList **out, struct cs_error *err);
int cs_close_period(struct cs_client *c, const Callsheet__ClosePeriod *cp,
                    Callsheet__PeriodClosed **out, struct cs_error *err);
int cs_restatements(struct cs_client *c, const Callsheet__Query *q,
                    Callsheet__Restatements **out, struct cs_error *err);

/*
 * spool.c: one directory per server and user under root, one file per
 * sheet. A sheet put by this process stays locked by it until removed or
 * until the spool is closed, so that a flush (here or in another process)
 * leaves it alone while its writer is still sending it.
 */
struct cs_spool;
/* "<server>-<user>", safe as a file name: what the spool and the session
 * files of a server and user are named */
char *cs_spool_dirname(const char *server, const char *user);
struct cs_spool *cs_spool_open(const char *root, const char *server,
                               const char *user, struct cs_error *err);
void cs_spool_close(struct cs_spool *sp);
/* root/<server>-<user>; refused sheets go to its "rejected" folder. */
const char *cs_spool_path(const struct cs_spool *sp);
int cs_spool_put(struct cs_spool *sp, const Callsheet__Sheet *sheet,
                 struct cs_error *err);
int cs_spool_remove(struct cs_spool *sp, const uint8_t id[CS_UUID_LEN]);
size_t cs_spool_count(struct cs_spool *sp);
/* Resend every spooled sheet, pipelined; removes each one acknowledged
 * (stored or duplicate). Sheets the server refuses for themselves
 * (CS_VERDICT_SHEET) are moved aside to a "rejected" folder, each with a
 * .reason file, and counted. Returns the number delivered, or -1 with err
 * set if the server could not be reached, asked to retry, or refused the
 * session (the sheets stay). */
int cs_spool_flush(struct cs_spool *sp, struct cs_client *c, size_t *rejected,
                   struct cs_error *err);
/* The sheets waiting, read without taking them (*out freed with
 * cs_spool_sheets_free); -1 with err set if the folder cannot be read. */
int cs_spool_sheets(struct cs_spool *sp, Callsheet__Sheet ***out, size_t *n,
                    struct cs_error *err);
void cs_spool_sheets_free(Callsheet__Sheet **v, size_t n);

/*
 * deliver.c: the refusal rule, one for every sender. The spool keeps only
 * what the server may still take:
 * - RETRY: the server could not be reached, or answered unavailable,
 *   overloaded, internal (its own fault) or too many attempts (logins
 *   throttled, a storm of reconnections included): the sheet stays in the
 *   spool and goes on the next run;
 * - SESSION: the server refused the session, not the sheet (wrong or no
 *   password, a role that may not log sheets): the sheet
 *   of this run is taken back out of the spool (it is never resent under
 *   an account that cannot log it) and the sender says it was not logged;
 *   sheets waiting from earlier runs stay for the right account;
 * - SHEET: the server refused the sheet itself (invalid, conflicting id,
 *   anything else): never resent. The sheet of this run is dropped (its
 *   sender says so at once); a sheet that was waiting (its sender was told
 *   it would be sent) moves to rejected/ with the reason.
 */
enum cs_verdict {
	CS_VERDICT_TAKEN, /* stored, or already stored (ERROR_NONE) */
	CS_VERDICT_RETRY,
	CS_VERDICT_SESSION,
	CS_VERDICT_SHEET,
};
enum cs_verdict cs_verdict(Callsheet__ErrorCode code);

enum cs_outcome {
	CS_DELIVERED,   /* the server has it (duplicate: it had it before) */
	CS_SPOOLED,     /* waiting in the spool: RETRY */
	CS_REFUSED,     /* SESSION or SHEET: not kept; err says why */
	CS_NOT_SPOOLED, /* the spool could not take it: nothing sent */
};

struct cs_delivery {
	/* Called once the sheet is in the spool: a connection to send it
	 * on, which stays the caller's (0, or -1 with err set). */
	int (*connect)(void *arg, struct cs_client **c, struct cs_error *err);
	void (*spooled)(void *arg); /* optional: the sheet is in the spool */
	void *arg;
	/* what happened */
	enum cs_outcome outcome;
	bool duplicate;
	size_t flushed;  /* earlier sheets delivered first */
	size_t rejected; /* earlier sheets moved to rejected/ */
	size_t waiting;  /* sheets in the spool after (this one included) */
	struct cs_error err;
};
/* Put the sheet in the spool, connect, deliver the sheets waiting there,
 * send this one and settle its answer by the rule above. Returns 0 once
 * delivered, -1 otherwise (d->outcome says how). */
int cs_deliver(struct cs_spool *sp, const Callsheet__Sheet *sheet,
               struct cs_delivery *d);

/*
 * session.c: session tokens (callsheet login). A token, asked for once
 * logged in, logs in later (cs_options.token) without the password until
 * it expires or is ended. It is kept in DIR/<server>-<user>, mode 0600.
 */
int cs_session_start(struct cs_client *c, char **token, int64_t *expires_at,
                     struct cs_error *err);
int cs_session_end(struct cs_client *c, const char *token,
                   struct cs_error *err);
char *cs_session_file(const char *dir, const char *server, const char *user);
int cs_session_save(const char *path, const char *token, int64_t expires_at,
                    struct cs_error *err);
/* The token of path if it has not expired at now, else NULL. */
char *cs_session_load(const char *path, int64_t now, int64_t *expires_at);

/*
 * i18n.c: the messages people read, in French or English (gettext; see
 * docs/I18N.md for the convention). The library's and the command's share
 * one text domain and catalog. _("text") is translated where it is used;
 * N_("text") only marks text that is translated later, with _(), e.g. in
 * a static table; P_("one sheet", "%d sheets", n): the form that n asks
 * for.
 */
#define CALLSHEET_TEXTDOMAIN "callsheet"
#define _(s)                 dgettext(CALLSHEET_TEXTDOMAIN, s)
#define N_(s)                s
#define P_(s, p, n)          dngettext(CALLSHEET_TEXTDOMAIN, s, p, n)
void cs_i18n_init(void);
bool cs_i18n_french(void);
/* For tests only (test_i18n): the choice cs_i18n_init makes from the
 * environment, and the catalog folder it binds. */
bool cs_i18n_french_env(const char *lc_all, const char *lc_messages,
                        const char *lang);
const char *cs_i18n_locale_dir(void);
size_t cs_utf8_width(const char *s);

/* fileio.c: small files written whole or not at all, and read whole. */
int cs_file_mkdirs(const char *path, struct cs_error *err);
int cs_file_write_full(int fd, const void *buf, size_t len);
int cs_file_write_atomic(const char *path, const void *buf, size_t len,
                         struct cs_error *err);
char *cs_file_read_all(const char *path, size_t max, size_t *len);
int cs_file_remove(const char *path);

#endif
