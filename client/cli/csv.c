/* csv.c: RFC 4180 records read from a stream: quoted fields with doubled
 * quotes, separators and line breaks inside quotes, CRLF or LF; pure but
 * for getc. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "libcallsheet.h"

void
csv_reader_init(struct csv_reader *r, FILE *f)
{
	memset(r, 0, sizeof *r);
	r->f = f;
	r->line = 1;
	r->sep = ',';
}

void
csv_reader_free(struct csv_reader *r)
{
	sb_free(&r->field);
}

void
csv_row_free(struct csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		free(row->fields[i]);
	row->n = 0;
}

static int csv_fail(struct csv_reader *r, struct csv_row *row,
                    struct csv_error *err, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

/* Report, drop the record, and skip to the next line so that the
 * records after it can still be read. The error is the record's, at the
 * line it starts on; line says where in it the trouble is. */
static int
csv_fail(struct csv_reader *r, struct csv_row *row, struct csv_error *err,
         unsigned line, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	int ch;

	err->line = row->line;
	err->field = row->n + 1;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	n = strlen(err->message);
	if (line != row->line && n < sizeof err->message)
		snprintf(err->message + n, sizeof err->message - n,
		         _(" (on line %u)"), line);
	csv_row_free(row);
	while ((ch = getc(r->f)) != EOF && ch != '\n')
		;
	if (ch == '\n')
		r->line++;
	return -1;
}

/* The end of a line: LF, CRLF, or a lone CR. */
static bool
line_end(struct csv_reader *r, int ch)
{
	int next;

	if (ch == '\n') {
		r->line++;
		return true;
	}
	if (ch != '\r')
		return false;
	if ((next = getc(r->f)) != '\n' && next != EOF)
		ungetc(next, r->f);
	r->line++;
	return true;
}

static int
add_char(struct csv_reader *r, struct csv_row *row, struct csv_error *err,
         int ch)
{
	char c = (char)ch;

	if (ch == '\0')
		return csv_fail(r, row, err, r->line, _("a NUL byte"));
	if (r->field.len >= CSV_FIELD_MAX)
		return csv_fail(r, row, err, r->line, _("longer than %d bytes"),
		                CSV_FIELD_MAX);
	sb_addn(&r->field, &c, 1);
	return 0;
}

static void
end_field(struct csv_reader *r, struct csv_row *row)
{
	row->fields[row->n++] = xstrdup(r->field.buf ? r->field.buf : "");
	sb_reset(&r->field);
}

/* A quoted field, from after its opening quote to after its closing one;
 * *ch is then what follows. */
static int
quoted(struct csv_reader *r, struct csv_row *row, struct csv_error *err,
       int *ch)
{
	unsigned start = r->line;

	for (;;) {
		int c = getc(r->f);

		if (c == EOF)
			return csv_fail(r, row, err, start,
			                _("a quoted field is not closed"));
		if (c == '"') {
			if ((c = getc(r->f)) != '"') {
				*ch = c;
				return 0;
			}
		} else if (c == '\n')
			r->line++;
		if (add_char(r, row, err, c) != 0)
			return -1;
	}
}

static bool
at_bom(struct csv_reader *r)
{
	static const unsigned char bom[] = {0xef, 0xbb, 0xbf};
	int c;
	size_t i;

	r->started = true;
	for (i = 0; i < sizeof bom; i++) {
		if ((c = getc(r->f)) != bom[i]) {
			if (c != EOF)
				ungetc(c, r->f);
			break;
		}
	}
	/* a partial match cannot be pushed back whole: treat it as data */
	return i == sizeof bom || i == 0;
}

int
csv_read(struct csv_reader *r, struct csv_row *row, struct csv_error *err)
{
	int ch;

	memset(err, 0, sizeof *err);
	row->n = 0;
	if (!r->started && !at_bom(r))
		return csv_fail(
		        r, row, err, r->line,
		        _("the file starts with a broken byte order mark"));
	for (;;) {
		bool was_quoted = false;

		if (row->n == 0) {
			row->line = r->line;
			sb_reset(&r->field);
		} else if (row->n == CSV_FIELDS_MAX)
			return csv_fail(r, row, err, r->line,
			                _("more than %d fields"),
			                CSV_FIELDS_MAX);
		ch = getc(r->f);
		if (ch == EOF && row->n == 0)
			return 0;
		if (ch == '"') {
			was_quoted = true;
			if (quoted(r, row, err, &ch) != 0)
				return -1;
		}
		while (ch != r->sep && ch != EOF && ch != '\n' && ch != '\r') {
			if (was_quoted)
				return csv_fail(
				        r, row, err, r->line,
				        _("after a closing quote, expected a "
				          "comma or the end of the line"));
			if (ch == '"')
				return csv_fail(
				        r, row, err, r->line,
				        _("a quote inside an unquoted field; "
				          "quote the whole field and double "
				          "the quote"));
			if (add_char(r, row, err, ch) != 0)
				return -1;
			ch = getc(r->f);
		}
		/* a blank line is no record */
		if (ch != r->sep && row->n == 0 && !was_quoted &&
		    r->field.len == 0) {
			if (ch == EOF)
				return 0;
			line_end(r, ch);
			continue;
		}
		end_field(r, row);
		if (ch == r->sep)
			continue;
		if (ch != EOF)
			line_end(r, ch);
		return 1;
	}
}
