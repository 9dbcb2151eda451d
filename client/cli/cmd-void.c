/* cmd-void.c: "callsheet void": take a sheet out of every report. */
#include <stdio.h>

#include "callsheet.h"
#include "libcallsheet.h"

static int cmd_void_exec(struct cli *, int, char **);

static const struct cmd_option void_options[] = {
        {"reason", 'r', true, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_void_entry = {
        .name = "void",
        .args = N_("ID|PREFIX --reason R"),
        .summary = N_("void a sheet: it stays stored but leaves the reports"),
        .help = N_("Options:\n"
                   "  --reason R         why (required)\n"
                   "  -h, --help         this help\n"
                   "\n"
                   "A jurist may void the sheets they logged, for "
                   "amend_window_days (7 by\ndefault) after logging them; an "
                   "administrator any sheet. Voiding a voided\nsheet again "
                   "says when and why it was voided.\n"),
        .options = void_options,
        .exec = cmd_void_exec,
};

static int
void_option(void *arg, int id, char *value)
{
	Callsheet__VoidSheet *v = arg;

	(void)id; /* --reason, the only one */
	if (v->reason != NULL)
		return cli_usage_error(&cmd_void_entry,
		                       _("--reason given twice"));
	v->reason = value;
	return 0;
}

/* -1 to go on, else the exit status. */
static int
void_parse(Callsheet__VoidSheet *v, uint8_t id[CS_UUID_LEN],
           uint8_t change_id[CS_UUID_LEN], const char **prefix, int argc,
           char **argv)
{
	int rv;

	if ((rv = cli_options(&cmd_void_entry, argc, argv, void_option, v)) >=
	    0)
		return rv;
	if ((rv = sheet_id_arg(&cmd_void_entry, argc, argv, id, prefix)) != 0)
		return rv;
	if (v->reason == NULL || *v->reason == '\0')
		return cli_usage_error(&cmd_void_entry,
		                       _("--reason is required: say why "
		                         "the sheet is voided"));
	v->id.data = id;
	v->id.len = CS_UUID_LEN;
	v->has_id = true;
	uuid_generate(change_id);
	v->has_change_id = true;
	v->change_id.data = change_id;
	v->change_id.len = CS_UUID_LEN;
	return -1;
}

static int
cmd_void_exec(struct cli *cli, int argc, char **argv)
{
	Callsheet__VoidSheet v = CALLSHEET__VOID_SHEET__INIT;
	uint8_t id[CS_UUID_LEN], change_id[CS_UUID_LEN];
	const char *prefix;
	int rv;

	if ((rv = void_parse(&v, id, change_id, &prefix, argc, argv)) >= 0)
		return rv;
	return change_exec(cli, NULL, &v, prefix, id);
}
