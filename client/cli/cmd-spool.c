/* cmd-spool.c: "callsheet spool": the sheets waiting to be sent, listed or
 * sent now. */
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
        .args = N_("[send]"),
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

static int
spool_list(const struct cli *cli, struct cs_spool *sp)
{
	Callsheet__Sheet **v;
	Callsheet__Taxonomy *tax;
	struct cs_error err;
	char *dir;
	size_t n;

	if (cs_spool_sheets(sp, &v, &n, &err) != 0) {
		cli_error("%s", err.message);
		return 1;
	}
	/* offline: the saved code tables, for the service's zone and the
	 * labels (codes when none is saved) */
	dir = cli_state_dir();
	tax = taxcache_get(dir, cli->opts.server, NULL, &err);
	free(dir);
	for (size_t i = 0; i < n; i++) {
		char uuid[CS_UUID_STRLEN], when[32];
		time_t t = (time_t)v[i]->call_start;
		const char *type = v[i]->call_type != NULL ? v[i]->call_type
		                                           : "consultation";
		const Callsheet__TaxonomyEntry *e =
		        tax != NULL ? cs_tax_find(tax, "call_type", type)
		                    : NULL;
		struct tm tm;

		uuid_format(v[i]->id.data, uuid);
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm) == 0)
			snprintf(when, sizeof when, "?");
		printf("%s  %s  %s\n", uuid, when,
		       e != NULL ? cs_tax_label(e, cs_i18n_french()) : type);
	}
	if (tax != NULL)
		callsheet__taxonomy__free_unpacked(tax, NULL);
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
