/* cmd-spool.c: "callsheet spool": the sheets waiting to be sent, listed or
 * sent now; and what every sending command says about them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "callsheet.h"
#include "libcallsheet.h"

static int cmd_spool_exec(struct cli *, int, char **);

const struct cmd_entry cmd_spool_entry = {
        .name = "spool",
        .args = "[send]",
        .summary = N_("list the sheets waiting to be sent, or send them "
                      "now"),
        .help = N_("  send         send the waiting sheets now\n"
                   "  -h, --help   this help\n"
                   "\n"
                   "A sheet waits in the spool when the server could not "
                   "be reached or answered\nthat it is unavailable; every "
                   "command that reaches the server sends the\nwaiting "
                   "sheets first. The spool is per server and user "
                   "(CALLSHEET_SPOOL_DIR).\nSheets the server refused are "
                   "in its rejected/ folder, each with a .reason file.\n"),
        .exec = cmd_spool_exec,
};

struct cs_spool *
cli_spool_open(const struct cli *cli, struct cs_error *err)
{
	char *root;
	struct cs_spool *sp;

	if (cli_check_user(cli, err) != 0)
		return NULL;
	root = cli_spool_root();
	sp = cs_spool_open(root, cli->opts.server, cli->opts.user, err);
	free(root);
	return sp;
}

void
spool_said(const struct cs_spool *sp, size_t flushed, size_t rejected,
           size_t waiting)
{
	if (flushed > 0)
		fprintf(stderr,
		        P_("callsheet: delivered %zu earlier sheet from the "
		           "spool\n",
		           "callsheet: delivered %zu earlier sheets from the "
		           "spool\n",
		           (unsigned long)flushed),
		        flushed);
	if (rejected > 0)
		fprintf(stderr,
		        P_("callsheet: the server refused %zu spooled sheet; "
		           "moved to %s/rejected (see the .reason files)\n",
		           "callsheet: the server refused %zu spooled sheets; "
		           "moved to %s/rejected (see the .reason files)\n",
		           (unsigned long)rejected),
		        rejected, cs_spool_path(sp));
	if (waiting > 0)
		fprintf(stderr,
		        P_("callsheet: %zu sheet waits in the spool "
		           "('callsheet spool' lists it)\n",
		           "callsheet: %zu sheets wait in the spool "
		           "('callsheet spool' lists them)\n",
		           (unsigned long)waiting),
		        waiting);
}

/* Opened only if it exists: a command that never spooled makes no
 * folder. */
void
spool_deliver_waiting(struct cli *cli, struct cs_client *c)
{
	struct cs_spool *sp = NULL;
	struct cs_error *err = &cli->spool_err;
	size_t rejected = 0;
	char *root = cli_spool_root(), *name, *path;
	int n;

	memset(err, 0, sizeof *err);
	name = cs_spool_dirname(cli->opts.server, cli->opts.user);
	path = xasprintf("%s/%s", root, name);
	if (access(path, F_OK) == 0)
		sp = cli_spool_open(cli, err);
	free(path);
	free(name);
	free(root);
	if (sp == NULL)
		return;
	if (cs_spool_count(sp) > 0) {
		n = cs_spool_flush(sp, c, &rejected, err);
		spool_said(sp, n > 0 ? (size_t)n : 0, rejected,
		           cs_spool_count(sp));
		if (n >= 0)
			memset(err, 0, sizeof *err);
	}
	cs_spool_close(sp);
}

static int
spool_list(const struct cli *cli, struct cs_spool *sp)
{
	Callsheet__Sheet **v;
	struct cs_error err;
	size_t n;

	if (cs_spool_sheets(sp, &v, &n, &err) != 0) {
		cli_error("%s", err.message);
		return 1;
	}
	cli_service_zone(cli, NULL); /* offline: the saved code tables' */
	for (size_t i = 0; i < n; i++) {
		char uuid[CS_UUID_STRLEN], when[32];
		time_t t = (time_t)v[i]->call_start;
		struct tm tm;

		uuid_format(v[i]->id.data, uuid);
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm) == 0)
			snprintf(when, sizeof when, "?");
		printf("%s  %s  %s\n", uuid, when,
		       v[i]->call_type != NULL ? v[i]->call_type
		                               : "consultation");
	}
	fprintf(stderr,
	        P_("%zu sheet waits in %s\n", "%zu sheets wait in %s\n",
	           (unsigned long)n),
	        n, cs_spool_path(sp));
	cs_spool_sheets_free(v, n);
	return 0;
}

static int
spool_send(struct cli *cli)
{
	struct cs_client *c;
	struct cs_error err;
	int rv = 0;

	/* connecting sends them (cli_connect), and says what became of them */
	if (cli_connect(cli, &c, &err) != 0 ||
	    (err = cli->spool_err).code != CALLSHEET__ERROR_CODE__ERROR_NONE) {
		cli_error(_("%s; the sheets stay in the spool"),
		          cli_error_text(&err));
		rv = cli_exit_status(&err);
	}
	cs_close(c);
	return rv;
}

static int
cmd_spool_exec(struct cli *cli, int argc, char **argv)
{
	struct cs_spool *sp;
	struct cs_error err;
	int rv;

	if ((rv = cli_options(&cmd_spool_entry, argc, argv, NULL, NULL)) >= 0)
		return rv;
	if (optind < argc && strcmp(argv[optind], "send") != 0)
		return cli_usage_error(&cmd_spool_entry,
		                       _("unexpected argument '%s'"),
		                       argv[optind]);
	if (optind + 1 < argc)
		return cli_usage_error(&cmd_spool_entry,
		                       _("unexpected argument '%s'"),
		                       argv[optind + 1]);
	if ((sp = cli_spool_open(cli, &err)) == NULL) {
		cli_error("%s", cli_error_text(&err));
		return 1;
	}
	rv = optind < argc ? spool_send(cli) : spool_list(cli, sp);
	cs_spool_close(sp);
	return rv;
}
