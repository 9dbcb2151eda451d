/* sheet-opts.c: the options that give a sheet's fields, shared by the
 * commands that write sheets (log, amend): one table, one parser. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

#define DURATION_MAX (24 * 3600) /* what the database accepts */

enum {
	OPT_CODE = SHEET_OPT_FIRST, /* + the index in code_offsets[] */
	OPT_TOPIC = SHEET_OPT_FIRST + 64,
	OPT_START,
	OPT_DURATION,
};

/* The options that set one code of the sheet as they are (the daemon,
 * which knows the taxonomy, judges them), first, in the order of
 * code_offsets[]; then the others. */
const struct cmd_option sheet_options[] = {
        {"caller", OPT_CODE + 0, true, 0},
        {"dept", OPT_CODE + 1, true, 0},
        {"household", OPT_CODE + 2, true, 0},
        {"origin", OPT_CODE + 3, true, 0},
        {"pro-kind", OPT_CODE + 4, true, 0},
        {"pro-sector", OPT_CODE + 5, true, 0},
        {"call-type", OPT_CODE + 6, true, 0},
        {"topic", OPT_TOPIC, true, 0},
        {"start", OPT_START, true, 0},
        {"duration", OPT_DURATION, true, 0},
        {NULL, 0, false, 0},
};

/* Where each code option's value goes: a char * in Callsheet__Sheet. */
static const size_t code_offsets[] = {
        offsetof(Callsheet__Sheet, caller),
        offsetof(Callsheet__Sheet, department),
        offsetof(Callsheet__Sheet, household),
        offsetof(Callsheet__Sheet, origin),
        offsetof(Callsheet__Sheet, pro_kind),
        offsetof(Callsheet__Sheet, pro_sector),
        offsetof(Callsheet__Sheet, call_type),
};

static char **
code_slot(Callsheet__Sheet *sheet, size_t i)
{
	return (char **)((char *)sheet + code_offsets[i]);
}

bool
sheet_opts_owns(int ch)
{
	for (const struct cmd_option *o = sheet_options; o->name != NULL; o++)
		if (o->id == ch)
			return true;
	return false;
}

/* The sheet field an option name sets ("dept": "department"), or NULL. */
const char *
sheet_opts_field(const char *option)
{
	static const char *const fields[] = {
	        "caller",   "department", "household", "origin",
	        "pro_kind", "pro_sector", "call_type",
	};

	for (size_t i = 0; i < nitems(code_offsets); i++)
		if (strcmp(sheet_options[i].name, option) == 0 ||
		    strcmp(fields[i], option) == 0)
			return fields[i];
	if (strcmp(option, "topic") == 0 || strcmp(option, "topics") == 0)
		return "topics";
	return NULL;
}

static int
set_once(const struct cmd_entry *cmd, char **slot, const char *option,
         char *arg)
{
	if (*slot != NULL)
		return cli_usage_error(cmd, _("--%s given twice"), option);
	if (*arg == '\0')
		return cli_usage_error(cmd, _("--%s needs a value"), option);
	*slot = arg;
	return 0;
}

int
sheet_opts_set(const struct cmd_entry *cmd, struct sheet_opts *so, int ch,
               char *arg)
{
	switch (ch) {
	case OPT_TOPIC:
		if (parse_list(arg, &so->sheet.topics, &so->sheet.n_topics) !=
		    0)
			return cli_usage_error(
			        cmd,
			        _("invalid --topic '%s': give codes "
			          "separated by commas"),
			        arg);
		return 0;
	case OPT_START:
		return set_once(cmd, &so->start, "start", arg);
	case OPT_DURATION:
		return set_once(cmd, &so->duration, "duration", arg);
	default:
		if (code_slot(&so->sheet, (size_t)(ch - OPT_CODE)) ==
		            &so->sheet.department &&
		    so->sheet.department == NULL && strlen(arg) < 8) {
			/* "2a" is 2A, "7" is 07 */
			department_normalize(arg, so->dept, sizeof so->dept);
			arg = so->dept;
		}
		return set_once(cmd,
		                code_slot(&so->sheet, (size_t)(ch - OPT_CODE)),
		                sheet_options[ch - OPT_CODE].name, arg);
	}
}

/* --start and --duration, once every option is in: into the sheet. */
int
sheet_opts_times(const struct cmd_entry *cmd, struct sheet_opts *so)
{
	uint32_t d = 0;

	if (so->start != NULL &&
	    parse_iso8601(so->start, &so->sheet.call_start))
		return cli_usage_error(
		        cmd,
		        _("invalid --start '%s': give a date and time such "
		          "as 2025-03-04T10:15:00+01:00, 2025-03-04T09:15Z "
		          "or 2025-03-04T10:15"),
		        so->start);
	if (so->duration != NULL && parse_duration(so->duration, &d) != 0)
		return cli_usage_error(
		        cmd,
		        _("invalid --duration '%s': give seconds (420, "
		          "420s) or units such as 7m or 1h2m"),
		        so->duration);
	if (d > DURATION_MAX)
		return cli_usage_error(cmd,
		                       _("invalid --duration '%s': a call "
		                         "lasts at most 24h"),
		                       so->duration);
	so->sheet.duration_s = d;
	return 0;
}

void
sheet_opts_free(struct sheet_opts *so)
{
	list_free(so->sheet.topics, so->sheet.n_topics);
	so->sheet.topics = NULL;
	so->sheet.n_topics = 0;
}
