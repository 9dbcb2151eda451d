/* cmd-admin-min-cell.c: "callsheet admin min-cell": show, or set, the
 * minimum cell size of each role (disclosure control). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheet.h"
#include "i18n.h"
#include "parse.h"

#define MIN_CELL_MAX 1000

static int cmd_min_cell_exec(struct cli *, int, char **);

const struct cmd_entry cmd_admin_min_cell_entry = {
        .name = "admin min-cell",
        .args = "[--role ROLE N]",
        .summary = N_("show or set the minimum cell size of each role"),
        .help = N_("Options:\n"
                   "  --role ROLE N   set ROLE's (jurist, reporter or admin) "
                   "minimum cell size to N:\n"
                   "                  its reports hide every count from 1 to "
                   "N - 1, and the counts\n"
                   "                  that would let one recompute them; 0 or "
                   "1: hide nothing\n"
                   "  -h, --help      this help\n"
                   "\n"
                   "Without options, prints every role's. Defaults: 0 for "
                   "admin and jurist, 3\nfor reporter (the French "
                   "official-statistics rule; health networks use 5\nor "
                   "11).\n"),
        .exec = cmd_min_cell_exec,
};

/* -1 to go on, else the exit status. */
static int
min_cell_parse(int argc, char **argv, Callsheet__MinCell *mc)
{
	static const struct option longopts[] = {
	        {"role", required_argument, NULL, 'r'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const struct cmd_entry *e = &cmd_admin_min_cell_entry;
	uint64_t n;
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (role_parse(optarg) == CALLSHEET__ROLE__ROLE_NONE)
				return cli_usage_error(
				        e,
				        _("invalid --role '%s': give jurist, "
				          "reporter or admin"),
				        optarg);
			mc->role = optarg;
			break;
		case 'h':
			return cli_help(e);
		default:
			return cli_bad_option(e, ch, argv);
		}
	}
	if (mc->role == NULL) {
		if (optind < argc)
			return cli_usage_error(e, _("unexpected argument '%s'"),
			                       argv[optind]);
		return -1;
	}
	if (optind >= argc)
		return cli_usage_error(e, _("--role %s needs a size N"),
		                       mc->role);
	if (optind + 1 < argc)
		return cli_usage_error(e, _("unexpected argument '%s'"),
		                       argv[optind + 1]);
	if (parse_uint(argv[optind], MIN_CELL_MAX, &n) != 0)
		return cli_usage_error(
		        e,
		        _("invalid size '%s': give a whole number "
		          "from 0 to %d"),
		        argv[optind], MIN_CELL_MAX);
	mc->has_min_cell = true;
	mc->min_cell = (uint32_t)n;
	return -1;
}

static int
cmd_min_cell_exec(struct cli *cli, int argc, char **argv)
{
	Callsheet__MinCell mc = CALLSHEET__MIN_CELL__INIT;
	Callsheet__Request req = CALLSHEET__REQUEST__INIT;
	Callsheet__Response *resp;
	struct cs_client *c;
	struct cs_error err;
	int rv;

	if ((rv = min_cell_parse(argc, argv, &mc)) >= 0)
		return rv;
	req.body_case = CALLSHEET__REQUEST__BODY_MIN_CELL;
	req.min_cell = &mc;
	if (cli_connect(cli, &c, &err) != 0 ||
	    cs_call(c, &req, &resp, &err) != 0) {
		cli_error("%s", cli_error_text(&err));
		cs_close(c);
		return cli_exit_status(&err);
	}
	cs_close(c);
	if (resp->body_case != CALLSHEET__RESPONSE__BODY_MIN_CELLS) {
		callsheet__response__free_unpacked(resp, NULL);
		cli_error("%s", _("the server answered with something else"));
		return 1;
	}
	printf("role      min_cell\n");
	for (size_t i = 0; i < resp->min_cells->n_rules; i++)
		printf("%-8s  %8u\n", resp->min_cells->rules[i]->role,
		       resp->min_cells->rules[i]->min_cell);
	callsheet__response__free_unpacked(resp, NULL);
	return 0;
}
