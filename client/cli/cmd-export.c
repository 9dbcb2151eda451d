/* cmd-export.c: "callsheet export": the sheets of a period as the sheet
 * CSV, page after page, to standard output or a file written whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callsheet.h"
#include "parse.h"
#include "sheet-csv.h"

static int cmd_export_exec(struct cli *, int, char **);

enum { OPT_YEAR = 256, OPT_MONTH, OPT_FROM, OPT_TO, OPT_FORMAT };
static const struct cmd_option export_options[] = {
        {"year", OPT_YEAR, true, 0},
        {"month", OPT_MONTH, true, 0},
        {"from", OPT_FROM, true, 0},
        {"to", OPT_TO, true, 0},
        {"format", OPT_FORMAT, true, 0},
        {"output", 'o', true, 'o'},
        {NULL, 0, false, 0},
};

const struct cmd_entry cmd_export_entry = {
        .name = "export",
        .args = N_("[--year Y | --month Y-M | --from DATE --to DATE] "
                   "[--format csv] [-o FILE]"),
        .summary = N_("write the sheets of a period as CSV (import reads it "
                      "back)"),
        .help = N_("Options:\n"
                   "  --year Y               a calendar year\n"
                   "  --month Y-M            a calendar month\n"
                   "  --from DATE --to DATE  from one day to another, both "
                   "included (YYYY-MM-DD)\n"
                   "  --format csv           the only format (the default)\n"
                   "  -o, --output FILE      write FILE (replaced only once "
                   "complete) instead of\n"
                   "                         standard output\n"
                   "  -h, --help             this help\n"
                   "\n"
                   "Without a period, every sheet. Days are calendar days in "
                   "the service's time\nzone, and call_start is written "
                   "there with its UTC offset. Voided sheets are\nleft out; "
                   "amended ones are written as they are now. "
                   "Columns:\n"
                   "%s"
                   "\n(topics separated by ';', empty fields for what does "
                   "not apply).\nFor the jurist and admin roles: a reporter "
                   "sees aggregates only.\n"),
        .help_make = sheet_csv_header,
        .options = export_options,
        .exec = cmd_export_exec,
};

struct export_args {
	const char *year, *month, *from, *to;
	const char *output;
	struct period period;
	bool bounded;
};

static int
export_option(void *arg, int id, char *value)
{
	struct export_args *a = arg;
	const char **slots[] = {&a->year, &a->month, &a->from, &a->to};

	if (id >= OPT_YEAR && id <= OPT_TO)
		*slots[id - OPT_YEAR] = value;
	else if (id == OPT_FORMAT && strcmp(value, "csv") != 0)
		return cli_usage_error(&cmd_export_entry,
		                       _("invalid --format '%s': the export "
		                         "format is csv"),
		                       value);
	else if (id == 'o') /* "-": standard output, as the default */
		a->output = strcmp(value, "-") == 0 ? NULL : value;
	return 0;
}

/* -1 to go on, else the exit status. */
static int
export_parse(struct export_args *a, int argc, char **argv)
{
	char why[256];
	int rv;

	if ((rv = cli_options(&cmd_export_entry, argc, argv, export_option,
	                      a)) >= 0 ||
	    (rv = cli_no_operands(&cmd_export_entry, argc, argv)) != 0)
		return rv;
	rv = period_options(a->year, a->month, a->from, a->to, &a->period, why,
	                    sizeof why);
	if (rv < 0)
		return cli_usage_error(&cmd_export_entry, "%s", why);
	a->bounded = rv == 1;
	return -1;
}

/* Every page, in order, each as it arrives. */
static int
export_pages(struct cs_client *c, const struct export_args *a, FILE *out,
             size_t *count, struct cs_error *err)
{
	Callsheet__Export x = CALLSHEET__EXPORT__INIT;
	char from[DATE_STRLEN], to[DATE_STRLEN], *cursor = NULL;
	struct strbuf sb = {0};
	int rv = 0;

	if (a->bounded) {
		date_format(&a->period.from, from);
		date_format(&a->period.to, to);
		x.from = from;
		x.to = to;
	}
	do {
		Callsheet__ExportPage *page;

		x.cursor = cursor;
		if ((rv = cs_export_page(c, &x, &page, err)) != 0)
			break;
		sb_reset(&sb);
		if (cursor == NULL) /* once the server said yes */
			sb_addf(&sb, "%s\n", sheet_csv_header());
		for (size_t i = 0; i < page->n_sheets; i++)
			sheet_csv_format(&sb, page->sheets[i]->sheet,
			                 page->sheets[i]->call_start);
		fwrite(sb.buf, 1, sb.len, out);
		*count += page->n_sheets;
		free(cursor);
		cursor = page->next_cursor != NULL && page->n_sheets > 0
		                 ? xstrdup(page->next_cursor)
		                 : NULL;
		callsheet__export_page__free_unpacked(page, NULL);
	} while (cursor != NULL);
	free(cursor);
	sb_free(&sb);
	return rv;
}

/* FILE appears only once complete: a temporary file beside it, renamed. */
static int
export_to_file(struct cs_client *c, const struct export_args *a, size_t *count,
               struct cs_error *err)
{
	char *tmp = xasprintf("%s.XXXXXX", a->output);
	int fd = mkstemp(tmp), rv = -1;
	FILE *out;

	if (fd == -1 || (out = fdopen(fd, "w")) == NULL) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		             _("cannot write beside %s: %s"), a->output,
		             strerror(errno));
		if (fd != -1)
			close(fd);
	} else if ((rv = export_pages(c, a, out, count, err)) != 0)
		fclose(out);
	else if (fflush(out) != 0 || fsync(fd) != 0 || ferror(out) ||
	         fclose(out) != 0 || rename(tmp, a->output) != 0) {
		cs_error_set(err, CALLSHEET__ERROR_CODE__BAD_REQUEST,
		             _("cannot write %s: %s"), a->output,
		             strerror(errno));
		rv = -1;
	}
	if (rv != 0 && fd != -1)
		unlink(tmp);
	free(tmp);
	return rv;
}

static int
cmd_export_exec(struct cli *cli, int argc, char **argv)
{
	struct export_args a = {0};
	struct cs_client *c = NULL;
	struct cs_error err;
	size_t count = 0;
	int rv;

	if ((rv = export_parse(&a, argc, argv)) >= 0)
		return rv;
	if (cli_connect(cli, &c, &err) != 0 ||
	    (a.output != NULL
	             ? export_to_file(c, &a, &count, &err)
	             : export_pages(c, &a, stdout, &count, &err)) != 0) {
		cli_error("%s", cli_error_text(&err));
		rv = cli_exit_status(&err);
	} else {
		rv = 0;
		if (a.output != NULL)
			fprintf(stderr,
			        _("callsheet: %zu sheets written to %s\n"),
			        count, a.output);
	}
	cs_close(c);
	return rv;
}
