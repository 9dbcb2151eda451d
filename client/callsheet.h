/* callsheet.h: the callsheet command: settings, subcommands, helpers. */
#ifndef CALLSHEET_H
#define CALLSHEET_H

#include "libcallsheet.h"

#define EXIT_USAGE    2
#define EXIT_TEMPFAIL 75 /* EX_TEMPFAIL: nothing lost, try again later */

struct cli {
	struct cs_options opts;
	char *password; /* from CALLSHEET_PASSWORD or the prompt */
};

struct cmd_entry {
	const char *name;
	const char *args;    /* after "callsheet NAME " in the usage line */
	const char *summary; /* one line, for "callsheet --help" */
	const char *help;    /* the option list, for "callsheet NAME --help" */
	int (*exec)(struct cli *cli, int argc, char **argv);
};

/* cli.c */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
int cli_bad_option(const struct cmd_entry *cmd, int ch, char **argv);
int cli_help(const struct cmd_entry *cmd);
int cli_check_user(const struct cli *cli, struct cs_error *err);
int cli_connect(struct cli *cli, struct cs_client **c, struct cs_error *err);
int cli_exit_status(const struct cs_error *err);
char *cli_spool_root(void);
char *cli_state_dir(void);

/* prompt.c */
char *prompt_password(const char *prompt);

/* cmd-log.c */
extern const struct cmd_entry cmd_log_entry;
int log_deliver(struct cli *cli, const Callsheet__Sheet *sheet,
                void (*spooled)(void *), void *arg);

/* cmd-new.c */
extern const struct cmd_entry cmd_new_entry;

/* cmd-admin.c: "admin" and its table of subcommands */
extern const struct cmd_entry cmd_admin_entry;

/* cmd-admin-taxonomy.c */
extern const struct cmd_entry cmd_admin_taxonomy_entry;

/* taxcache.c */
Callsheet__Taxonomy *taxcache_get(const char *dir, const char *server,
                                  struct cs_client *c, struct cs_error *err);

/* error-text.c */
const char *cli_error_text(const struct cs_error *err);

/* cmd-report.c */
extern const struct cmd_entry cmd_report_entry;

/* cmd-annual.c: "report annual", reached through cmd-report.c */
extern const struct cmd_entry cmd_annual_entry;

/* cmd-admin.c, and its subcommands cmd-admin-*.c (named "admin NAME") */
extern const struct cmd_entry cmd_admin_entry;
extern const struct cmd_entry cmd_admin_user_entry;
extern const struct cmd_entry cmd_admin_min_cell_entry;

#endif
