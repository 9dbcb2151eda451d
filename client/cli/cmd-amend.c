/* cmd-amend.c: "callsheet amend": change fields of a stored sheet. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsheet.h"
#include "libcallsheet.h"
#include "parse.h"

static int cmd_amend_exec(struct cli *, int, char **);

enum { OPT_CLEAR = SHEET_OPT_LAST, OPT_REASON };
static const struct cmd_option amend_options[] = {
        {"clear", OPT_CLEAR, true, 0},
        {"reason", OPT_REASON, true, 0},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_amend_entry = {
        .name = "amend",
        .args = N_("ID|PREFIX [field options] [--clear FIELD] [--reason R]"),
        .summary = N_("change fields of a sheet already logged"),
        .help_make = sheet_opts_help,
        .help = N_("Field options, as for 'callsheet log' (only those given "
                   "change):\n%sOther options:\n"
                   "  --clear FIELD      say a field does not apply: a field "
                   "option's name but\n"
                   "                     call-type (caller, dept, ...), or "
                   "topic; repeatable\n"
                   "  --reason R         why; required for a call in a "
                   "closed period\n"
                   "  -h, --help         this help\n"
                   "\n"
                   "A new caller takes along what stops applying: household "
                   "and origin go when\nthe caller becomes a professional, "
                   "pro-kind and pro-sector when it becomes\nan individual. "
                   "A jurist may amend the sheets they logged, for "
                   "amend_window_days\n(7 by default) after logging them; an "
                   "administrator any sheet. Every change is\nin the audit "
                   "trail (callsheet admin audit).\n"),
        .options = amend_options,
        .shared = sheet_options,
        .exec = cmd_amend_exec,
};

/* The coded fields a sheet's options set, given again in the amendment:
 * every string field of Sheet, at the same name in AmendSheet (found in
 * the proto's descriptors, so that a new field needs nothing here). */
static void
copy_codes(Callsheet__AmendSheet *m, const Callsheet__Sheet *s)
{
	const ProtobufCMessageDescriptor *sd = &callsheet__sheet__descriptor;

	for (unsigned i = 0; i < sd->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &sd->fields[i], *g;

		if (f->type != PROTOBUF_C_TYPE_STRING ||
		    f->label == PROTOBUF_C_LABEL_REPEATED)
			continue;
		g = protobuf_c_message_descriptor_get_field_by_name(
		        &callsheet__amend_sheet__descriptor, f->name);
		if (g != NULL && g->type == PROTOBUF_C_TYPE_STRING)
			*(char **)((char *)m + g->offset) =
			        *(char *const *)((const char *)s + f->offset);
	}
}

struct amend_args {
	struct sheet_opts so;
	Callsheet__AmendSheet amend;
	uint8_t id[CS_UUID_LEN];
	uint8_t change_id[CS_UUID_LEN];
	const char *prefix; /* the id given as its start */
	char **clear;
	size_t nclear;
};

static int
amend_clear(struct amend_args *a, const char *arg)
{
	char **names = NULL;
	size_t n = 0;
	int rv = 0;

	if (parse_list(arg, &names, &n) != 0)
		rv = cli_usage_error(&cmd_amend_entry,
		                     _("invalid --clear '%s': give field names "
		                       "separated by commas"),
		                     arg);
	for (size_t i = 0; rv == 0 && i < n; i++) {
		const char *field = sheet_opts_field(names[i]);

		if (field == NULL || strcmp(field, "call_type") == 0)
			rv = cli_usage_error(
			        &cmd_amend_entry,
			        _("invalid --clear '%s': give %s or topic"),
			        names[i], sheet_opts_clearable());
		else {
			a->clear = xreallocarray(a->clear, a->nclear + 1,
			                         sizeof *a->clear);
			a->clear[a->nclear++] = (char *)field;
		}
	}
	list_free(names, n);
	return rv;
}

static int
amend_option(void *arg, int id, char *value)
{
	struct amend_args *a = arg;

	if (id == OPT_CLEAR)
		return amend_clear(a, value);
	if (id != OPT_REASON)
		return sheet_opts_set(&cmd_amend_entry, &a->so, id, value);
	if (a->amend.reason != NULL)
		return cli_usage_error(&cmd_amend_entry,
		                       _("--reason given twice"));
	a->amend.reason = value;
	return 0;
}

/* The options as an AmendSheet; -1 to go on, else the exit status. */
static int
amend_parse(struct amend_args *a, int argc, char **argv)
{
	Callsheet__AmendSheet *m = &a->amend;
	const Callsheet__Sheet *s = &a->so.sheet;
	int rv;

	if ((rv = cli_options(&cmd_amend_entry, argc, argv, amend_option, a)) >=
	    0)
		return rv;
	if ((rv = sheet_id_arg(&cmd_amend_entry, argc, argv, a->id,
	                       &a->prefix)) != 0 ||
	    (rv = sheet_opts_times(&cmd_amend_entry, &a->so)) != 0)
		return rv;
	m->id.data = a->id;
	m->id.len = CS_UUID_LEN;
	m->has_id = true;
	m->has_call_start = a->so.start != NULL;
	m->call_start = s->call_start;
	m->has_duration_s = a->so.duration != NULL;
	m->duration_s = s->duration_s;
	copy_codes(m, s);
	m->topics = s->topics;
	m->n_topics = s->n_topics;
	m->clear = a->clear;
	m->n_clear = a->nclear;
	uuid_generate(a->change_id);
	m->has_change_id = true;
	m->change_id.data = a->change_id;
	m->change_id.len = CS_UUID_LEN;
	return -1;
}

static int
cmd_amend_exec(struct cli *cli, int argc, char **argv)
{
	struct amend_args a = {.amend = CALLSHEET__AMEND_SHEET__INIT,
	                       .so.sheet = CALLSHEET__SHEET__INIT};
	int rv;

	if ((rv = amend_parse(&a, argc, argv)) < 0)
		rv = change_exec(cli, &a.amend, NULL, a.prefix, a.id);
	sheet_opts_free(&a.so);
	free(a.clear);
	return rv;
}
