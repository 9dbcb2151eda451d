/* callsheet.h: the callsheet command: settings, subcommands, helpers. */
#ifndef CALLSHEET_H
#define CALLSHEET_H

#include <getopt.h> /* optind: the first operand after cli_options() */
#include <stdio.h>

#include "libcallsheet.h"

#define EXIT_USAGE    2
#define EXIT_TEMPFAIL 75 /* EX_TEMPFAIL: nothing lost, try again later */

struct cli {
	struct cs_options opts;
	char *password; /* from CALLSHEET_PASSWORD or the prompt */
	char *token;    /* of the session (session-saved.c), if one is used */
	bool session_ended; /* a saved session was refused: renew it */
	/* the command delivers this run's sheet through cs_deliver(), which
	 * sends the waiting ones first: connecting leaves them to it */
	bool delivers;
	/* why the waiting sheets could not all be sent (code 0: they were,
	 * or none waited), set by cli_connect */
	struct cs_error spool_err;
};

/* An option of a command, a row of its entry's table (as tmux declares
 * a command's arguments): cli_options() parses them all, and -h, --help. */
struct cmd_option {
	const char *name; /* --name */
	int id;           /* handed to the command: its letter, or from 256 */
	bool value;       /* takes a value: --name V or --name=V */
	char letter;      /* also -letter (0: none) */
};
#define CMD_OPTIONS_MAX 32 /* rows of a command's tables together */

struct cmd_entry {
	const char *name;
	const char *args;     /* after "callsheet NAME " in the usage line */
	const char *summary;  /* one line, for "callsheet --help" */
	const char *help;     /* the option list, for "callsheet NAME --help" */
	const char *help_arg; /* what the %s of help stands for, if it has
	                       * one: both are translated (docs/I18N.md) */
	/* or that %s made when asked, as it is (the client's own tables) */
	const char *(*help_make)(void);
	/* the options, up to a row without a name; shared: a table of
	 * options other commands take too (sheet_options), or NULL */
	const struct cmd_option *options;
	const struct cmd_option *(*shared)(void);
	int (*exec)(struct cli *cli, int argc, char **argv);
};

/* cli.c */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
int cli_help(const struct cmd_entry *cmd);
/* The options of cmd's tables, in the order given, each handed to
 * set(arg, id, value) (value NULL for an option without one), which
 * returns 0 to go on, else the exit status (set may be NULL when the
 * tables are empty); -h and --help print cmd's help. Returns -1 with optind at
 * the first operand, else the exit status (EXIT_USAGE after saying what is
 * wrong). */
int cli_options(const struct cmd_entry *cmd, int argc, char **argv,
                int (*set)(void *arg, int id, char *value), void *arg);
/* "unexpected argument" for the first operand left, if any (0 if none) */
int cli_no_operands(const struct cmd_entry *cmd, int argc, char **argv);
int cli_check_user(const struct cli *cli, struct cs_error *err);
int cli_get_password(struct cli *cli, struct cs_error *err);
int cli_connect(struct cli *cli, struct cs_client **c, struct cs_error *err);
int cli_exit_status(const struct cs_error *err);
char *cli_spool_root(void);
char *cli_state_dir(void);

/* sheet-opts.c: the options giving a sheet's fields (log, amend), the
 * shared table of their entries. A command's own options take ids from
 * SHEET_OPT_LAST on. */
#define SHEET_OPT_FIRST 256
#define SHEET_OPT_LAST  512
const struct cmd_option *sheet_options(void);
/* SHEET_OPTS_HELP translated, with a line for a coded field it lacks */
const char *sheet_opts_help(void);
/* the code options --clear takes: "caller, dept, ..." */
const char *sheet_opts_clearable(void);
#define SHEET_OPTS_HELP                                                         \
	N_("  --caller C         individual or professional\n"                  \
	   "  --dept D           département: 75, 2A, 971, ..., 99 (abroad), " \
	   "unknown\n"                                                          \
	   "  --household H      man, woman or couple\n"                        \
	   "  --origin O         africa, maghreb, latin_america, europe_eu, "   \
	   "...\n"                                                              \
	   "  --pro-kind K       public_body, association or other\n"           \
	   "  --pro-sector S     local_social_services, "                       \
	   "hospital_medico_social,\n"                                          \
	   "                     other_public\n"                                \
	   "  --topic T          entry, residence, social_rights, family, "     \
	   "...;\n"                                                             \
	   "                     repeat it or separate codes with commas\n"     \
	   "  --start ISO8601    when the call began: "                         \
	   "2025-03-04T10:15:00+01:00,\n"                                       \
	   "                     2025-03-04T09:15Z, or 2025-03-04T10:15 in "    \
	   "local time\n"                                                       \
	   "  --duration D       7m, 420s, 1h2m or seconds\n"                   \
	   "  --call-type T      consultation, silent, hang_up, "               \
	   "wrong_number,\n"                                                    \
	   "                     abusive, test\n")
struct sheet_opts {
	Callsheet__Sheet sheet; /* codes point into argv */
	char *start;            /* parsed by sheet_opts_times */
	char *duration;
	char dept[16]; /* --dept as the taxonomy spells it */
};
bool sheet_opts_owns(int ch);
const char *sheet_opts_field(const char *option);
int sheet_opts_set(const struct cmd_entry *cmd, struct sheet_opts *so, int ch,
                   char *arg);
int sheet_opts_times(const struct cmd_entry *cmd, struct sheet_opts *so);
void sheet_opts_free(struct sheet_opts *so);

/* prompt.c: a password asked for without echo; a new password, from
 * standard input or asked twice; a password cleared and freed */
char *prompt_password(const char *prompt);
char *password_from_stdin(void);
char *password_from_prompt(const char *name);
void password_wipe(char *s);

/* cmd-session.c: login, logout, passwd */
extern const struct cmd_entry cmd_login_entry;
extern const struct cmd_entry cmd_logout_entry;
extern const struct cmd_entry cmd_passwd_entry;

/* session-saved.c: the file of cli's saved session; the session a command
 * uses when one is saved: 0 connected with it, 1 none usable (ask the
 * password), -1 the server could not be reached (err); a session started
 * on c and saved (0, or -1 said); one started again after it ended. */
char *session_path(const struct cli *cli);
int session_connect(struct cli *cli, struct cs_client **c,
                    struct cs_error *err);
int session_begin(struct cli *cli, struct cs_client *c, int64_t *expires);
void session_renew(struct cli *cli, struct cs_client *c);

/* cmd-log.c, cmd-spool.c */
extern const struct cmd_entry cmd_log_entry;
extern const struct cmd_entry cmd_spool_entry;

/* sending.c: the spool of cli's server and user; what waits, said on
 * stderr; the waiting sheets sent on c, what happened said (and, if that
 * stopped, why in cli->spool_err): what every connection does first
 * (cli_connect), nothing when no sheet waits; one new sheet delivered:
 * 0 delivered, EXIT_TEMPFAIL waiting in the spool, 1 not logged */
struct cs_spool *cli_spool_open(const struct cli *cli, struct cs_error *err);
void spool_said(const struct cs_spool *sp, size_t flushed, size_t rejected,
                size_t waiting);
void spool_deliver_waiting(struct cli *cli, struct cs_client *c);
int log_deliver(struct cli *cli, const Callsheet__Sheet *sheet,
                struct cs_error *why);

/* sheet-line.c */
void sheet_line(struct strbuf *sb, const Callsheet__ListedSheet *ls,
                const Callsheet__Taxonomy *t, bool users);
Callsheet__Taxonomy *sheet_taxonomy(const struct cli *cli, struct cs_client *c);
void sheet_show(struct cli *cli, const char *uuid, FILE *f);

/* cmd-new.c */
extern const struct cmd_entry cmd_new_entry;

/* cmd-admin.c: "admin" and its table of subcommands */
extern const struct cmd_entry cmd_admin_entry;

/* cmd-admin-taxonomy.c */
extern const struct cmd_entry cmd_admin_taxonomy_entry;

/* taxcache.c: the code tables, saved; they carry the service's time zone,
 * which becomes the process's (TZ) whenever they are read, so that times
 * are shown in it. cli_service_zone: only that (c NULL: the saved copy). */
Callsheet__Taxonomy *taxcache_get(const char *dir, const char *server,
                                  struct cs_client *c, struct cs_error *err);
void cli_service_zone(const struct cli *cli, struct cs_client *c);

/* error-text.c */
const char *cli_error_text(const struct cs_error *err);
/* The same for a request about the period [from, to), said as a person
 * would ("2026") where the error is about the period itself. */
const char *cli_period_error_text(const struct cs_error *err, const char *from,
                                  const char *to);
/* A role refusal of a request kind (a Request.body field name) as what
 * the person tried to do: "Only an administrator can close a period.";
 * NULL for a kind no role is refused. */
const char *cli_role_text(const char *request);

/* cmd-report.c */
extern const struct cmd_entry cmd_report_entry;

/* cmd-amend.c, cmd-void.c; sheet-change.c, what both share */
extern const struct cmd_entry cmd_amend_entry;
extern const struct cmd_entry cmd_void_entry;
/* a sheet's id, or a start of one (*prefix), as given: 0, or the exit
 * status of a usage error; the operand alone after the options, so; the
 * one sheet (of one's own, or any for an admin) whose id starts with
 * prefix, into id: -1 with err set when none does or several do (listed
 * in the message) */
int sheet_id_parse(const struct cmd_entry *cmd, const char *arg,
                   uint8_t id[CS_UUID_LEN], const char **prefix);
int sheet_id_arg(const struct cmd_entry *cmd, int argc, char **argv,
                 uint8_t id[CS_UUID_LEN], const char **prefix);
int sheet_prefix_resolve(struct cs_client *c, const char *prefix,
                         uint8_t id[CS_UUID_LEN], struct cs_error *err);
int change_exec(struct cli *cli, const Callsheet__AmendSheet *a,
                const Callsheet__VoidSheet *v, const char *prefix,
                uint8_t id[CS_UUID_LEN]);

/* cmd-list.c: "callsheet list" */
extern const struct cmd_entry cmd_list_entry;

/* cmd-annual.c: "report annual", reached through cmd-report.c */
extern const struct cmd_entry cmd_annual_entry;

/* cmd-admin.c, and its subcommands cmd-admin-*.c (named "admin NAME") */
extern const struct cmd_entry cmd_admin_entry;
extern const struct cmd_entry cmd_admin_user_entry;
extern const struct cmd_entry cmd_admin_min_cell_entry;
extern const struct cmd_entry cmd_admin_population_entry;
extern const struct cmd_entry cmd_admin_budget_entry;
extern const struct cmd_entry cmd_admin_audit_entry;
extern const struct cmd_entry cmd_admin_close_period_entry;

/* cmd-watch.c, cmd-import.c, cmd-export.c */
extern const struct cmd_entry cmd_watch_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_export_entry;

#endif
