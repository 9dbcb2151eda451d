/* sheet-opts.c: the options that give a sheet's fields, shared by the
 * commands that write sheets (log, amend): one table, one parser. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"
#include "sheet-codes.h"

#define DURATION_MAX (24 * 3600) /* what the database accepts */

enum {
	OPT_CODE =
	        SHEET_OPT_FIRST, /* + the coded field's index (sheet-codes.h) */
	OPT_TOPIC = SHEET_OPT_FIRST + 64,
	OPT_START,
	OPT_DURATION,
};

/* A coded field's option: its name with '-' for '_' (pro_kind:
 * --pro-kind), but department's is --dept. */
static const char *
code_option(size_t i)
{
	static char names[SHEET_CODES_MAX][64];
	const char *field = sheet_code_name(i);

	if (strcmp(field, "department") == 0)
		return "dept";
	if (names[i][0] == '\0') {
		snprintf(names[i], sizeof names[i], "%s", field);
		for (char *p = names[i]; *p != '\0'; p++)
			if (*p == '_')
				*p = '-';
	}
	return names[i];
}

/* The options that set one code of the sheet as they are (the daemon,
 * which knows the taxonomy, judges them), one a coded field in the Sheet
 * message's order; then the others. */
const struct cmd_option *
sheet_options(void)
{
	static struct cmd_option t[SHEET_CODES_MAX + 4];

	if (t[0].name == NULL) {
		size_t n = 0;

		for (size_t i = 0; i < sheet_codes_n(); i++)
			t[n++] = (struct cmd_option){
			        code_option(i), OPT_CODE + (int)i, true, 0};
		t[n++] = (struct cmd_option){"topic", OPT_TOPIC, true, 0};
		t[n++] = (struct cmd_option){"start", OPT_START, true, 0};
		t[n++] = (struct cmd_option){"duration", OPT_DURATION, true, 0};
	}
	return t;
}

/* SHEET_OPTS_HELP, and a line for each coded field it does not name
 * (one added to the proto since). */
const char *
sheet_opts_help(void)
{
	static char *help;

	if (help == NULL) {
		struct strbuf sb = {0};
		const char *text = _(SHEET_OPTS_HELP);

		sb_add(&sb, text);
		for (size_t i = 0; i < sheet_codes_n(); i++) {
			char *opt = xasprintf("--%s ", code_option(i));
			char *arg = xasprintf("%sC", opt);

			if (strstr(text, opt) == NULL) {
				sb_addf(&sb, "  %-18s ", arg);
				sb_addf(&sb,
				        _("a code of %s (admin taxonomy "
				          "list)"),
				        sheet_code_name(i));
				sb_add(&sb, "\n");
			}
			free(arg);
			free(opt);
		}
		help = sb_steal(&sb);
	}
	return help;
}

bool
sheet_opts_owns(int ch)
{
	for (const struct cmd_option *o = sheet_options(); o->name != NULL; o++)
		if (o->id == ch)
			return true;
	return false;
}

/* The sheet field an option name sets ("dept": "department"), or NULL. */
const char *
sheet_opts_field(const char *option)
{
	for (size_t i = 0; i < sheet_codes_n(); i++)
		if (strcmp(code_option(i), option) == 0 ||
		    strcmp(sheet_code_name(i), option) == 0)
			return sheet_code_name(i);
	if (strcmp(option, "topic") == 0 || strcmp(option, "topics") == 0)
		return "topics";
	return NULL;
}

/* "caller, dept, ..., pro-sector": the options --clear takes, topic
 * aside. */
const char *
sheet_opts_clearable(void)
{
	static char *list;

	if (list == NULL) {
		struct strbuf sb = {0};

		for (size_t i = 0; i < sheet_codes_n(); i++)
			if (strcmp(sheet_code_name(i), "call_type") != 0)
				sb_addf(&sb, "%s%s", sb.len > 0 ? ", " : "",
				        code_option(i));
		list = sb_steal(&sb);
	}
	return list;
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
	default: {
		size_t i = (size_t)(ch - OPT_CODE);
		char **slot = sheet_code_slot(&so->sheet, i);

		if (slot == &so->sheet.department && *slot == NULL &&
		    strlen(arg) < 8) {
			/* "2a" is 2A, "7" is 07 */
			department_normalize(arg, so->dept, sizeof so->dept);
			arg = so->dept;
		}
		return set_once(cmd, slot, code_option(i), arg);
	}
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
