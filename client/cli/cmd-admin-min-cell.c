/* cmd-admin-min-cell.c: "callsheet admin min-cell": show, or set, each
 * role's disclosure policy: minimum cell size, method and noise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

#define MIN_CELL_MAX 1000

static int cmd_min_cell_exec(struct cli *, int, char **);

static const struct cmd_option min_cell_options[] = {
        {"role", 'r', true, 0},      {"method", 'm', true, 0},
        {"max-noise", 'd', true, 0}, {"variance", 'v', true, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_admin_min_cell_entry = {
        .name = "admin min-cell",
        .args = N_("[--role ROLE N [--method M] [--max-noise D] "
                   "[--variance V]]"),
        .summary = N_("show or set the disclosure policy of each role"),
        .help = N_("Options:\n"
                   "  --role ROLE N   set ROLE's (jurist, reporter or admin) "
                   "minimum cell size to N:\n"
                   "                  its reports hide every count from 1 to "
                   "N - 1, and the counts\n"
                   "                  that would let one recompute them; 0 or "
                   "1: hide nothing\n"
                   "  --method M      suppress (exact counts, small ones "
                   "hidden) or perturb\n"
                   "                  (the cell-key method: every count off "
                   "by a small noise,\n"
                   "                  the same for the same calls; counts "
                   "under N read 0)\n"
                   "  --max-noise D   perturb: the largest noise, 1 to 20 "
                   "(at least N)\n"
                   "  --variance V    perturb: the noise's variance, under "
                   "D (D + 1) / 3\n"
                   "  -h, --help      this help\n"
                   "\n"
                   "Without options, prints every role's. Defaults: 0 for "
                   "admin and jurist, 3\nfor reporter (the French "
                   "official-statistics rule; health networks use 5\nor "
                   "11); suppress for admin and jurist, perturb for reporter, "
                   "with D = 4\nand V = 4.\n"),
        .options = min_cell_options,
        .exec = cmd_min_cell_exec,
};

static int
min_cell_option(void *arg, int id, char *value)
{
	const struct cmd_entry *e = &cmd_admin_min_cell_entry;
	Callsheet__MinCell *mc = arg;
	uint64_t n;

	switch (id) {
	case 'r':
		if (role_parse(value) == CALLSHEET__ROLE__ROLE_NONE)
			return cli_usage_error(
			        e,
			        _("invalid --role '%s': give jurist, "
			          "reporter or admin"),
			        value);
		mc->role = value;
		return 0;
	case 'm':
		if (strcmp(value, "suppress") != 0 &&
		    strcmp(value, "perturb") != 0)
			return cli_usage_error(e,
			                       _("invalid --method '%s': give "
			                         "suppress or perturb"),
			                       value);
		mc->method = value;
		return 0;
	case 'd':
		if (parse_uint(value, 20, &n) != 0 || n == 0)
			return cli_usage_error(
			        e,
			        _("invalid --max-noise '%s': give a "
			          "whole number from 1 to 20"),
			        value);
		mc->has_max_noise = true;
		mc->max_noise = (uint32_t)n;
		return 0;
	case 'v': {
		char *end;

		mc->noise_variance = strtod(value, &end);
		if (end == value || *end != '\0' || !(mc->noise_variance > 0))
			return cli_usage_error(
			        e,
			        _("invalid --variance '%s': give a "
			          "number above 0"),
			        value);
		mc->has_noise_variance = true;
		return 0;
	}
	}
	return 0;
}

/* -1 to go on, else the exit status. */
static int
min_cell_parse(int argc, char **argv, Callsheet__MinCell *mc)
{
	const struct cmd_entry *e = &cmd_admin_min_cell_entry;
	uint64_t n;
	int rv;

	if ((rv = cli_options(e, argc, argv, min_cell_option, mc)) >= 0)
		return rv;
	if (mc->role == NULL &&
	    (mc->method != NULL || mc->has_max_noise || mc->has_noise_variance))
		return cli_usage_error(e, "%s",
		                       _("--method, --max-noise and --variance "
		                         "go with --role ROLE N"));
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
	printf("role      min_cell  method    max_noise  noise_variance\n");
	for (size_t i = 0; i < resp->min_cells->n_rules; i++) {
		const Callsheet__MinCellRule *r = resp->min_cells->rules[i];

		printf("%-8s  %8u  %-8s  %9u  %14g\n", r->role, r->min_cell,
		       r->method != NULL ? r->method : "suppress", r->max_noise,
		       r->noise_variance);
	}
	callsheet__response__free_unpacked(resp, NULL);
	return 0;
}
