/* sheet-opts.c: the options that give a sheet's fields, shared by the
 * commands that write sheets (log, amend): one table, one parser. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

#define DURATION_MAX (24 * 3600) /* what the database accepts */

/* The options that set one code of the sheet as they are; the daemon,
 * which knows the taxonomy, judges them. */
static const struct {
	const char *option;
	size_t offset; /* of a char * in Callsheet__Sheet */
} codes[] = {
        {"caller", offsetof(Callsheet__Sheet, caller)},
        {"dept", offsetof(Callsheet__Sheet, department)},
        {"household", offsetof(Callsheet__Sheet, household)},
        {"origin", offsetof(Callsheet__Sheet, origin)},
        {"pro-kind", offsetof(Callsheet__Sheet, pro_kind)},
        {"pro-sector", offsetof(Callsheet__Sheet, pro_sector)},
        {"call-type", offsetof(Callsheet__Sheet, call_type)},
};

enum {
	OPT_CODE = SHEET_OPT_FIRST, /* + the index in codes[] */
	OPT_TOPIC = SHEET_OPT_FIRST + 64,
	OPT_START,
	OPT_DURATION,
	OPT_END,
};

static char **
code_slot(Callsheet__Sheet *sheet, size_t i)
{
	return (char **)((char *)sheet + codes[i].offset);
}

size_t
sheet_opts_longopts(struct option *o)
{
	size_t n = 0;

	for (size_t i = 0; i < nitems(codes); i++)
		o[n++] = (struct option){codes[i].option, required_argument,
		                         NULL, OPT_CODE + (int)i};
	o[n++] = (struct option){"topic", required_argument, NULL, OPT_TOPIC};
	o[n++] = (struct option){"start", required_argument, NULL, OPT_START};
	o[n++] = (struct option){"duration", required_argument, NULL,
	                         OPT_DURATION};
	return n;
}

bool
sheet_opts_owns(int ch)
{
	return ch >= SHEET_OPT_FIRST && ch < OPT_END &&
	       (ch < OPT_CODE + (int)nitems(codes) || ch >= OPT_TOPIC);
}

/* The sheet field an option name sets ("dept": "department"), or NULL. */
const char *
sheet_opts_field(const char *option)
{
	static const char *const fields[] = {
	        "caller",   "department", "household", "origin",
	        "pro_kind", "pro_sector", "call_type",
	};

	for (size_t i = 0; i < nitems(codes); i++)
		if (strcmp(codes[i].option, option) == 0 ||
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
		                codes[ch - OPT_CODE].option, arg);
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
