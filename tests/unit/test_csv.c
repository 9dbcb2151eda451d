/* test_csv.c: RFC 4180 records: quoting, line breaks inside quotes, line
 * endings, line numbers, and every malformed record reported at its line
 * and field, with the next records still read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "unit.h"

/* Every record of text, as "f1|f2|...@line" per record, errors as
 * "!line:field" ; joined by spaces. */
static char *
records(const char *text, size_t len)
{
	FILE *f = fmemopen((void *)text, len, "r");
	struct csv_reader r;
	struct csv_row row = {0};
	struct csv_error err;
	struct strbuf sb = {0};
	int k;

	csv_reader_init(&r, f);
	while ((k = csv_read(&r, &row, &err)) != 0) {
		if (sb.len > 0)
			sb_add(&sb, " ");
		if (k < 0) {
			sb_addf(&sb, "!%u:%zu", err.line, err.field);
			continue;
		}
		for (size_t i = 0; i < row.n; i++)
			sb_addf(&sb, "%s%s", i ? "|" : "", row.fields[i]);
		sb_addf(&sb, "@%u", row.line);
		csv_row_free(&row);
	}
	csv_reader_free(&r);
	fclose(f);
	return sb.buf != NULL ? sb_steal(&sb) : xstrdup("");
}

static void
expect_n(const char *text, size_t len, const char *want)
{
	char *got = records(text, len);

	CHECK(strcmp(got, want) == 0, "[%s]: got [%s], want [%s]", text, got,
	      want);
	free(got);
}

static void
expect(const char *text, const char *want)
{
	expect_n(text, strlen(text), want);
}

static void
test_well_formed(void)
{
	expect("a,b,c\n", "a|b|c@1");
	expect("a,b,c", "a|b|c@1"); /* no final line break */
	expect("a,,c\n,,\n", "a||c@1 ||@2");
	expect("a,b\r\nc,d\r\n", "a|b@1 c|d@2");
	expect("a,b\rc,d\r", "a|b@1 c|d@2");
	expect("\"a,b\",c\n", "a,b|c@1");
	expect("\"say \"\"hi\"\"\",x\n", "say \"hi\"|x@1");
	expect("\"\",x\n", "|x@1");
	/* a line break inside quotes: the record keeps its first line */
	expect("\"two\nlines\",x\nnext,y\n", "two\nlines|x@1 next|y@3");
	expect("\"crlf\r\ninside\",x\r\nz\r\n", "crlf\r\ninside|x@1 z@3");
	/* blank lines are no records, but count as lines */
	expect("a\n\n\nb\n\n", "a@1 b@4");
	expect("\xef\xbb\xbf"
	       "id,x\n1,2\n",
	       "id|x@1 1|2@2");
	expect("", "");
	expect("\n\n", "");
	/* spaces are data */
	expect(" a , b \n", " a | b @1");
}

static void
test_malformed(void)
{
	/* a quote in an unquoted field: field 2 of line 1; line 2 still read */
	expect("a,b\"c,d\nok,1\n", "!1:2 ok|1@2");
	/* text after a closing quote */
	expect("\"a\"b,c\nok\n", "!1:1 ok@2");
	/* a quote never closed runs to the end of the file */
	expect("x,\"open\nmore\n", "!1:2");
	/* after a closing quote that is on a later line: the record's line */
	expect("\"a\nb\"c,d\nok\n", "!1:1 ok@3");
	expect_n("a,b\0c\nok\n", 9, "!1:2 ok@2");
}

static void
test_limits(void)
{
	struct strbuf sb = {0};
	char *got;

	for (int i = 0; i < CSV_FIELDS_MAX; i++)
		sb_add(&sb, i ? ",x" : "x");
	sb_add(&sb, "\n");
	got = records(sb.buf, sb.len);
	CHECK(strncmp(got, "x|x|", 4) == 0 && strstr(got, "@1") != NULL,
	      "%d fields are fine", CSV_FIELDS_MAX);
	free(got);
	sb_reset(&sb);
	for (int i = 0; i <= CSV_FIELDS_MAX; i++)
		sb_add(&sb, i ? ",x" : "x");
	sb_add(&sb, "\nok\n");
	got = records(sb.buf, sb.len);
	CHECK(strcmp(got, "!1:65 ok@2") == 0, "one field too many: %s", got);
	free(got);
	sb_reset(&sb);
	for (int i = 0; i <= CSV_FIELD_MAX; i++)
		sb_add(&sb, "y");
	sb_add(&sb, ",z\nok\n");
	got = records(sb.buf, sb.len);
	CHECK(strcmp(got, "!1:1 ok@2") == 0, "a field too long: %s", got);
	free(got);
	sb_free(&sb);
}

/* The message names the trouble; the record's line is where it starts. */
static void
test_messages(void)
{
	static const char text[] = "\"a\nb\"c\n";
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
	struct csv_reader r;
	struct csv_row row = {0};
	struct csv_error err;

	setenv("LANG", "C", 1);
	csv_reader_init(&r, f);
	CHECK(csv_read(&r, &row, &err) == -1, "malformed");
	CHECK(err.line == 1 && err.field == 1, "at %u:%zu", err.line,
	      err.field);
	CHECK(strstr(err.message, "after a closing quote") != NULL &&
	              strstr(err.message, "(on line 2)") != NULL,
	      "message: %s", err.message);
	CHECK(csv_read(&r, &row, &err) == 0, "then the end");
	csv_reader_free(&r);
	fclose(f);
}

int
main(void)
{
	test_well_formed();
	test_malformed();
	test_limits();
	test_messages();
	return unit_finish();
}
